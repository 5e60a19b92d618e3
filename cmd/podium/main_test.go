package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeDeck(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheck(t *testing.T) {
	t.Parallel()
	good := writeDeck(t, map[string]string{"01-a.md": "# A\n\nNote: hi\n", "02-b.md": "# B\n"})
	broken := writeDeck(t, map[string]string{
		"01-a.md": "---\ntitle: x\n",
		"02-b.md": "# B\n\n```go\nfunc main() {\n",
	})
	warned := writeDeck(t, map[string]string{
		"01-a.md": "---\ntitle: x\nthme: dark\n---\n\n# A\n",
		"02-b.md": "---\nchapter: B\nextra:\n  nested: [1, 2]\n---\n\n# B\n",
	})
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings, in order
		stderrIn string
	}{
		{"clean", []string{"check", good}, 0, []string{"ok: 2 chapters, 2 slides"}, ""},
		{"problems", []string{"check", broken}, 1, []string{
			filepath.ToSlash(filepath.Join(broken, "01-a.md")) + ":1: unterminated front matter",
			filepath.ToSlash(filepath.Join(broken, "02-b.md")) + ":3: unterminated code fence",
		}, ""},
		{"warnings", []string{"check", warned}, 0, []string{
			filepath.ToSlash(filepath.Join(warned, "01-a.md")) + `:3: unknown front matter key "thme" (did you mean "theme"?): ignored`,
			filepath.ToSlash(filepath.Join(warned, "02-b.md")) + `:3: unknown front matter key "extra": ignored`,
			"ok: 2 chapters, 2 slides, 2 warning(s)",
		}, ""},
		{"missing folder", []string{"check", filepath.Join(good, "nope")}, 1, nil, "does not exist"},
		{"one file", []string{"check", filepath.Join(good, "01-a.md")}, 0, []string{"reading 01-a.md as a podium deck", "01-a.md: ok: 1 chapters, 1 slides"}, ""},
		{"empty folder", []string{"check", t.TempDir()}, 1, []string{"no chapter"}, ""},
		{"two folders", []string{"check", good, good}, 2, nil, "Usage: podium check"},
		{"bad flag", []string{"check", "--nope", good}, 2, nil, "flag provided but not defined"},
		{"help", []string{"check", "--help"}, 0, nil, "Usage: podium check"},
		{"built-in talk", []string{"check"}, 0, []string{"ok: 4 chapters"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			rest := stdout
			for _, want := range tt.stdout {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Errorf("stdout lacks %q (in order):\n%s", want, stdout)
					break
				}
				rest = rest[i+len(want):]
			}
			if !strings.Contains(stderr, tt.stderrIn) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrIn, stderr)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	if code, _, stderr := runCmd(t, "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %q", code, stderr)
	}
	if code, stdout, _ := runCmd(t, "help"); code != 0 || !strings.Contains(stdout, "podium serve") {
		t.Errorf("help: %d %q", code, stdout)
	}
	if code, _, stderr := runCmd(t, "serve", "--addr"); code != 2 || !strings.Contains(stderr, "flag needs an argument") {
		t.Errorf("serve --addr: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "serve", "--max-conns", "0"); code != 2 || !strings.Contains(stderr, "--max-conns must be at least 1") {
		t.Errorf("serve --max-conns 0: %d %q", code, stderr)
	}
	deck := writeDeck(t, map[string]string{"01.md": "# A\n"})
	if code, _, stderr := runCmd(t, "serve", "--addr", "127.0.0.1:0", "--state", filepath.Join(deck, "img", "s.json"), deck); code != 2 || !strings.Contains(stderr, "inside the deck folder") {
		t.Errorf("serve --state inside the deck: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "serve", "--token", "fifteen-chars!!"); code != 2 || !strings.Contains(stderr, "at least 16 characters, got 15") {
		t.Errorf("serve --token of 15 characters: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "serve", "--max-conns-per-ip", "-1"); code != 2 || !strings.Contains(stderr, "--max-conns-per-ip must be 0") {
		t.Errorf("serve --max-conns-per-ip -1: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "serve", "a", "b"); code != 2 || !strings.Contains(stderr, "one folder") {
		t.Errorf("serve a b: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "serve", "--help"); code != 0 || !strings.Contains(stderr, "--theme") && !strings.Contains(stderr, "-theme") {
		t.Errorf("serve --help: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "serve", "--theme", "neon", "--addr", "127.0.0.1:0"); code != 1 || !strings.Contains(stderr, `unknown theme "neon"`) {
		t.Errorf("serve --theme neon: %d %q", code, stderr)
	}
}

// TestServeAndShutdown starts the real command on a free port, fetches the
// page and shuts it down as SIGINT would.
func TestServeAndShutdown(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := writeDeck(t, map[string]string{"01.md": "---\ntitle: Served\n---\n\n# Hello\n"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out, errOut syncBuffer
	go func() { done <- run(ctx, []string{"serve", "--addr", addr, dir}, &out, &errOut) }()

	var resp *http.Response
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + "/api/deck"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("server never answered: %v\n%s", err, errOut.String())
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /api/deck = %d", resp.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after shutdown; stderr: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	if !strings.Contains(out.String(), fmt.Sprintf("http://%s/", addr)) {
		t.Errorf("startup output lacks the audience URL:\n%s", out.String())
	}
}

func TestServeMissingFolder(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	code, _, stderr := runCmd(t, "serve", "--addr", "127.0.0.1:0", filepath.Join(t.TempDir(), "gone"))
	if code != 1 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestAudienceURLs(t *testing.T) {
	t.Parallel()
	loop := audienceURLs(&net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 8080})
	if len(loop) != 1 || loop[0] != "http://127.0.0.1:8080/" {
		t.Errorf("loopback: %v", loop)
	}
	all := audienceURLs(&net.TCPAddr{IP: net.IPv4zero, Port: 8080})
	if all[len(all)-1] != "http://127.0.0.1:8080/" {
		t.Errorf("all interfaces: %v, want the loopback URL last", all)
	}
	for _, u := range all[:len(all)-1] {
		if strings.Contains(u, "127.0.0.1") || !strings.HasSuffix(u, ":8080/") {
			t.Errorf("all interfaces: bad LAN URL %q in %v", u, all)
		}
	}
}

// TestShortTokenFromEnvironment: $PODIUM_TOKEN is held to the same
// length as --token.
func TestShortTokenFromEnvironment(t *testing.T) {
	t.Setenv("PODIUM_TOKEN", "1234")
	if code, _, stderr := runCmd(t, "serve", "--addr", "127.0.0.1:0"); code != 2 || !strings.Contains(stderr, "$PODIUM_TOKEN") {
		t.Errorf("short $PODIUM_TOKEN: %d %q", code, stderr)
	}
}
