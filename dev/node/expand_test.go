package main

import (
	"reflect"
	"testing"
)

func TestExpandRefs(t *testing.T) {
	vars := map[string]string{"A": "a", "EMPTY": "", "B": "$(A)"}
	lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	for in, want := range map[string]string{
		"plain":           "plain",
		"$(A)":            "a",
		"x$(A)y$(A)":      "xaya",
		"$(EMPTY)!":       "!",
		"$(UNDEF)":        "$(UNDEF)",
		"$$(A)":           "$(A)",
		"$$$(A)":          "$a",
		"$A":              "$A",
		"cost: 5$":        "cost: 5$",
		"$(A":             "$(A",
		"$()":             "$()",
		"$(B)":            "$(A)", // no recursive expansion
		"echo $(A) $HOME": "echo a $HOME",
	} {
		if got := expandRefs(in, lookup); got != want {
			t.Errorf("expandRefs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExpandBraces(t *testing.T) {
	env := map[string]string{"HOME_DIR": "/opt/x"}
	get := func(n string) (string, bool) { v, ok := env[n]; return v, ok }
	got, missing := expandBraces("${HOME_DIR}/bin:${NOPE}/lib:$PLAIN:${", get)
	if got != "/opt/x/bin:/lib:$PLAIN:${" || !reflect.DeepEqual(missing, []string{"NOPE"}) {
		t.Fatalf("got %q, missing %v", got, missing)
	}
}

func TestEnvListKeepsFirstPositionAndLastValue(t *testing.T) {
	e := newEnvList()
	e.set("A", "1")
	e.set("B", "2")
	e.set("A", "3")
	if got := e.environ(); !reflect.DeepEqual(got, []string{"A=3", "B=2"}) {
		t.Fatal(got)
	}
}

func TestValidEnvName(t *testing.T) {
	for name, want := range map[string]bool{"A": true, "a_b.c-d": true, "1A": false, "": false, "A B": false, "A=B": false} {
		if validEnvName(name) != want {
			t.Errorf("validEnvName(%q) != %v", name, want)
		}
	}
}
