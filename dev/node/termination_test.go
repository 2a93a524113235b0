package main

import (
	"fmt"
	"strings"
	"testing"

	v1 "k8s.io/api/core/v1"
)

func TestTerminationMessageFromFile(t *testing.T) {
	logs := func() []byte { return []byte("log line\n") }
	if got := terminationMessage([]byte(`{"splits": 3}`), v1.TerminationMessageReadFile, 0, logs); got != `{"splits": 3}` {
		t.Fatal(got)
	}
	// the file wins over the logs even with the fallback policy and a failure
	if got := terminationMessage([]byte("boom"), v1.TerminationMessageFallbackToLogsOnError, 1, logs); got != "boom" {
		t.Fatal(got)
	}
	big := []byte(strings.Repeat("a", 5000) + "END")
	got := terminationMessage(big, v1.TerminationMessageReadFile, 0, logs)
	if len(got) != maxTerminationMessage || !strings.HasSuffix(got, "END") {
		t.Fatalf("len %d", len(got))
	}
}

func TestTerminationMessageFallsBackToLogsOnlyOnError(t *testing.T) {
	logs := func() []byte { return []byte("first\nlast\n") }
	if got := terminationMessage(nil, v1.TerminationMessageFallbackToLogsOnError, 3, logs); got != "first\nlast\n" {
		t.Fatalf("%q", got)
	}
	if got := terminationMessage(nil, v1.TerminationMessageFallbackToLogsOnError, 0, logs); got != "" {
		t.Fatalf("success must not take the logs: %q", got)
	}
	if got := terminationMessage(nil, v1.TerminationMessageReadFile, 3, logs); got != "" {
		t.Fatalf("File policy must not take the logs: %q", got)
	}
}

func TestLogFallbackKeepsLast80LinesAnd2048Bytes(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	got := logFallback([]byte(b.String()))
	if !strings.HasPrefix(got, "line 21\n") || !strings.HasSuffix(got, "line 100\n") || strings.Count(got, "\n") != 80 {
		t.Fatalf("%q", got)
	}
	long := strings.Repeat("x", 3000) + "\nend"
	got = logFallback([]byte(long))
	if len(got) != maxLogFallbackBytes || !strings.HasSuffix(got, "\nend") {
		t.Fatalf("len %d", len(got))
	}
	if got := logFallback([]byte("no newline")); got != "no newline" {
		t.Fatal(got)
	}
}
