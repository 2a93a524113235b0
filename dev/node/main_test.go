package main

import (
	"os"
	"testing"
)

// TestMain lets the test binary play the exec helper, as the node binary does.
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == helperCommand {
		helperMain(os.Args[2])
		return
	}
	os.Exit(m.Run())
}
