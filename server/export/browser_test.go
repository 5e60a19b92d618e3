package export

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crashing writes an executable that dies of SIGSEGV the first n times it
// runs, as Chromium in one process now and then does as it starts, and
// then runs the browser at real; it returns its path and a func saying
// how many times it crashed.
func crashing(t *testing.T, n int, real string) (string, func() int) {
	t.Helper()
	dir := t.TempDir()
	count := filepath.Join(dir, "crashes")
	script := fmt.Sprintf(`#!/bin/sh
n=0
if [ -e %[1]q ]; then n=$(wc -c < %[1]q); fi
if [ "$n" -lt %[2]d ]; then printf x >> %[1]q; kill -SEGV $$; fi
exec %[3]q "$@"
`, count, n, real)
	p := filepath.Join(dir, "chromium")
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p, func() int {
		b, _ := os.ReadFile(count)
		return len(b)
	}
}

// TestStartBrowserGivesUp: a browser that crashes every time is an error
// naming it, after startAttempts tries, not an endless loop.
func TestStartBrowserGivesUp(t *testing.T) {
	t.Parallel()
	path, crashes := crashing(t, 100, "/bin/false")
	b := StartBrowser(t.Context(), path, "")
	defer b.Close()
	_, err := b.Tab()
	if err == nil || !strings.Contains(err.Error(), "starting "+path) {
		t.Fatalf("Tab = %v, want an error starting %s", err, path)
	}
	if n := crashes(); n != startAttempts {
		t.Errorf("started %d times, want %d", n, startAttempts)
	}
}
