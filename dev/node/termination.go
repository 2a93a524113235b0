package main

import (
	"bytes"
	"io"
	"os"

	v1 "k8s.io/api/core/v1"
)

const (
	// maxTerminationMessage is the kubelet's limit on a container's termination message file.
	maxTerminationMessage = 4096
	// maxLogFallbackLines and maxLogFallbackBytes bound the message taken from the logs.
	maxLogFallbackLines = 80
	maxLogFallbackBytes = 2048
)

// terminationMessage is the message the kubelet reports for a terminated container: the
// termination message file's content (its last 4096 bytes), or, with the policy
// FallbackToLogsOnError, for a failed container with an empty file, the tail of its logs.
func terminationMessage(file []byte, policy v1.TerminationMessagePolicy, exitCode int32, logTail func() []byte) string {
	if len(file) > maxTerminationMessage {
		file = file[len(file)-maxTerminationMessage:]
	}
	if len(file) > 0 {
		return string(file)
	}
	if policy == v1.TerminationMessageFallbackToLogsOnError && exitCode != 0 && logTail != nil {
		return logFallback(logTail())
	}
	return ""
}

// logFallback keeps the last 80 lines of the log, and of those at most the last 2048 bytes.
func logFallback(log []byte) string {
	// A final newline ends the last line; it does not start another one.
	body := bytes.TrimSuffix(log, []byte("\n"))
	lines := 0
	start := 0
	for i := len(body) - 1; i >= 0; i-- {
		if body[i] == '\n' {
			lines++
			if lines == maxLogFallbackLines {
				start = i + 1
				break
			}
		}
	}
	out := log[start:]
	if len(out) > maxLogFallbackBytes {
		out = out[len(out)-maxLogFallbackBytes:]
	}
	return string(out)
}

// readTail reads at most the last max bytes of a file (nil if it cannot be read).
func readTail(path string, max int64) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil
	}
	off := int64(0)
	if fi.Size() > max {
		off = fi.Size() - max
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return nil
	}
	data, _ := io.ReadAll(io.LimitReader(f, max))
	return data
}
