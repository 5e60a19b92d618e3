package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// presentLeakDeck is a Go present deck whose notes, commentary and the
// hidden lines of the code it shows hold "secret": none may reach an
// audience device.
var presentLeakDeck = map[string]string{
	"talk.slide": `Leak test
: secret-title-note

Ada

* Shown

Visible text.
# secret-commentary
: secret-note-1

.code prog.go /START OMIT/,/END OMIT/

* Also shown

- item
: secret-note-2
`,
	"prog.go": "package main\n\n// secret-head\n// START OMIT\nfunc main() {}\n// secret-inside OMIT\n// END OMIT\n",
}

// TestPresentDeckLeaks serves a present deck and fetches every route an
// audience device can, and the deck's own files under /deck/: not one of
// its secrets is in any answer or in the audience's websocket frames,
// while the presenter gets the notes.
func TestPresentDeckLeaks(t *testing.T) {
	t.Parallel()
	s, ts := serveFile(t, presentLeakDeck, "talk.slide")
	if n := len(s.Deck().Slides); n != 3 {
		t.Fatalf("%d slides, want 3", n)
	}
	if !strings.Contains(s.Deck().Slides[1].HTML, `<span class="nf">main</span>`) {
		t.Fatalf(".code shows no code: %s", s.Deck().Slides[1].HTML)
	}
	checkLeaks(t, ts, "talk.slide", []string{"secret-title-note", "secret-note-1", "secret-note-2"})
	_, notes := get(t, ts.URL+"/api/notes", "Cookie", "podium_token="+testToken)
	if strings.Contains(string(notes), "secret-commentary") || strings.Contains(string(notes), "secret-inside") {
		t.Errorf("commentary or OMIT lines in the notes: %s", notes)
	}
}

// TestRemarkPageLeaks: the same for a remark page, whose "???" notes the
// dialects reader keeps for the presenter, even with the deck's HTML on.
func TestRemarkPageLeaks(t *testing.T) {
	t.Parallel()
	page := "<!DOCTYPE html>\n<html><body>\n<textarea id=\"source\">\nclass: center\n\n# Hello &amp; welcome\n\n???\nsecret-remark-note\n\n---\n\n# Two\n\n<!-- secret-comment -->\n\n???\nsecret-remark-2\n</textarea>\n<script src=\"remark.js\"></script>\n</body></html>\n"
	s, ts := serveFile(t, map[string]string{"index.html": page}, "index.html")
	if n := len(s.Deck().Slides); n != 2 || !strings.Contains(s.Deck().Slides[0].HTML, "Hello &amp; welcome") {
		t.Fatalf("%d slides: %v", n, s.Deck().Slides)
	}
	checkLeaks(t, ts, "index.html", []string{"secret-remark-note", "secret-remark-2"})
}

// serveFile serves the one deck file of a folder holding files.
func serveFile(t *testing.T, files map[string]string, file string) (*Server, *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	root, err := os.OpenRoot(dir)
	must(t, err)
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: DeckDir(root), File: file, Web: web.FS, Themes: themes.FS, Token: testToken, ClientDiagrams: true})
	must(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(func() { s.Shutdown(context.Background()); ts.Close() })
	return s, ts
}

// checkLeaks fetches every route an audience device can, and the deck's
// own files, and reads the audience's first websocket frames: none holds
// "secret"; the presenter's /api/notes holds every one of notes.
func checkLeaks(t *testing.T, ts *httptest.Server, file string, notes []string) {
	t.Helper()
	for _, route := range []string{"/", "/presenter", "/remote", "/api/deck", "/api/notes", "/api/download", "/download",
		"/qr.svg", "/deck/" + file, "/deck/prog.go"} {
		resp, body := get(t, ts.URL+route)
		if strings.Contains(string(body), "secret") {
			t.Errorf("GET %s (%d) holds a secret", route, resp.StatusCode)
		}
		if strings.HasPrefix(route, "/deck/") && resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", route, resp.StatusCode)
		}
	}
	// The audience's websocket: its first frames (hello, state, deck).
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", nil)
	must(t, err)
	defer c.Close()
	for range 2 {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := c.ReadMessage()
		must(t, err)
		if strings.Contains(string(b), "secret") {
			t.Errorf("an audience frame holds a secret: %s", b)
		}
	}
	// The presenter does get the notes.
	_, got := get(t, ts.URL+"/api/notes", "Cookie", "podium_token="+testToken)
	for _, want := range notes {
		if !strings.Contains(string(got), want) {
			t.Errorf("/api/notes lacks %q: %s", want, got)
		}
	}
}
