// Command probe is the program of the test images of stratoflow-node (the Go tests and
// e2e.sh): built static, it runs in an otherwise empty root file system and writes what it
// finds to /dev/termination-log, one field per operation, separated by '|':
//
//	probe cat FILE | write FILE TEXT | id | pwd | env NAME | echo WORDS... | sleep SECONDS | exists FILE
//
// A missing file is "missing", a failed write "write failed: ..." (exit code 2), an unknown
// operation exit code 3; exists (for exec probes) writes nothing and exits 1 if FILE is missing.
// Nothing is written when no operation wrote a field.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	var out []string
	code := 0
	args := os.Args[1:]
	for len(args) > 0 {
		switch args[0] {
		case "cat":
			b, err := os.ReadFile(args[1])
			if err != nil {
				out = append(out, "missing")
			} else {
				out = append(out, strings.TrimSpace(string(b)))
			}
			args = args[2:]
		case "write":
			if err := os.WriteFile(args[1], []byte(args[2]), 0o644); err != nil {
				out, code = append(out, "write failed: "+err.Error()), 2
			} else {
				out = append(out, "wrote")
			}
			args = args[3:]
		case "id":
			out = append(out, fmt.Sprintf("%d:%d", os.Getuid(), os.Getgid()))
			args = args[1:]
		case "pwd":
			d, _ := os.Getwd()
			out = append(out, d)
			args = args[1:]
		case "env":
			out = append(out, os.Getenv(args[1]))
			args = args[2:]
		case "sleep":
			d, _ := time.ParseDuration(args[1] + "s")
			time.Sleep(d)
			args = args[2:]
		case "exists":
			if _, err := os.Stat(args[1]); err != nil {
				os.Exit(1)
			}
			args = args[2:]
		case "echo": // the rest
			out = append(out, strings.Join(args[1:], " "))
			args = nil
		default:
			out, code = append(out, "unknown operation "+args[0]), 3
			args = nil
		}
	}
	if len(out) == 0 {
		os.Exit(code)
	}
	os.WriteFile("/dev/termination-log", []byte(strings.Join(out, "|")), 0o644)
	os.Exit(code)
}
