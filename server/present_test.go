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
	dir := t.TempDir()
	for name, body := range presentLeakDeck {
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	root, err := os.OpenRoot(dir)
	must(t, err)
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: DeckDir(root), File: "talk.slide", Web: web.FS, Themes: themes.FS, Token: testToken, ClientDiagrams: true})
	must(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(func() { s.Shutdown(context.Background()); ts.Close() })
	if n := len(s.Deck().Slides); n != 3 {
		t.Fatalf("%d slides, want 3", n)
	}
	if !strings.Contains(s.Deck().Slides[1].HTML, `<span class="nf">main</span>`) {
		t.Fatalf(".code shows no code: %s", s.Deck().Slides[1].HTML)
	}

	for _, route := range []string{"/", "/presenter", "/remote", "/api/deck", "/api/notes", "/api/download", "/download",
		"/qr.svg", "/deck/talk.slide", "/deck/prog.go"} {
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
	_, notes := get(t, ts.URL+"/api/notes", "Cookie", "podium_token="+testToken)
	for _, want := range []string{"secret-title-note", "secret-note-1", "secret-note-2"} {
		if !strings.Contains(string(notes), want) {
			t.Errorf("/api/notes lacks %q: %s", want, notes)
		}
	}
	if strings.Contains(string(notes), "secret-commentary") || strings.Contains(string(notes), "secret-inside") {
		t.Errorf("commentary or OMIT lines in the notes: %s", notes)
	}
}
