package server

import (
	"context"
	"encoding/json"
	"fmt"
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

const testToken = "test-token"

// liveDeck serves a deck folder on disk with the watcher running, as
// `podium serve DIR` does.
type liveDeck struct {
	dir string
	srv *Server
	ts  *httptest.Server
}

func newLiveDeck(t *testing.T, files map[string]string) *liveDeck {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	root, err := os.OpenRoot(dir)
	must(t, err)
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: root.FS(), Web: web.FS, Themes: themes.FS, Token: testToken})
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	watching := make(chan error, 1)
	go func() { watching <- s.Watch(ctx, dir, "") }()
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		cancel()
		if err := <-watching; err != nil {
			t.Errorf("Watch: %v", err)
		}
		s.Shutdown(context.Background())
		ts.Close()
	})
	return &liveDeck{dir: dir, srv: s, ts: ts}
}

func (l *liveDeck) write(t *testing.T, name, body string) {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(l.dir, name), []byte(body), 0o644))
}

// wsClient is a real websocket client reading JSON frames.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

func (l *liveDeck) dial(t *testing.T, presenter bool) *wsClient {
	t.Helper()
	u := "ws" + strings.TrimPrefix(l.ts.URL, "http") + "/ws"
	if presenter {
		u += "?token=" + testToken
	}
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	must(t, err)
	t.Cleanup(func() { c.Close() })
	return &wsClient{t: t, conn: c}
}

// until reads frames until one of type typ satisfies ok.
func (c *wsClient) until(typ string, ok func(map[string]any) bool) map[string]any {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, b, err := c.conn.ReadMessage()
		if err != nil {
			c.t.Fatalf("waiting for a %s frame: %v", typ, err)
		}
		var f map[string]any
		must(c.t, json.Unmarshal(b, &f))
		if f["type"] == typ && (ok == nil || ok(f)) {
			return f
		}
	}
}

// TestEditReachesBrowsers: a save on disk becomes a deck frame for every
// client, and the current slide survives a slide inserted above it.
func TestEditReachesBrowsers(t *testing.T) {
	t.Parallel()
	l := newLiveDeck(t, map[string]string{"01.md": "# A\n\n---\n\n# B\n"})
	p := l.dial(t, true)
	a := l.dial(t, false)
	st := p.until("state", nil)
	p.conn.WriteJSON(map[string]any{"type": "goto", "index": 1})
	a.until("state", func(f map[string]any) bool { return f["index"] == 1.0 })
	idB := l.srv.Deck().Slides[1].ID
	oldVersion := st["version"]

	l.write(t, "01.md", "# A\n\n---\n\n# Inserted\n\n---\n\n# B\n")
	f := a.until("deck", nil)
	if f["version"] == oldVersion {
		t.Fatalf("deck frame kept version %v", oldVersion)
	}
	s := a.until("state", nil)
	if s["slide"] != idB || s["index"] != 2.0 {
		t.Errorf("after inserting above: state %v, want slide %s at index 2", s, idB)
	}
	_, body := get(t, l.ts.URL+"/api/deck")
	if !strings.Contains(string(body), "Inserted") {
		t.Error("/api/deck does not serve the edit")
	}
}

// TestBrokenEditNeverReachesAudience: a broken save is reported to the
// presenter as file:line and the audience keeps the good deck; the next
// good save clears the report.
func TestBrokenEditNeverReachesAudience(t *testing.T) {
	t.Parallel()
	l := newLiveDeck(t, map[string]string{"01.md": "# Good\n"})
	p := l.dial(t, true)
	a := l.dial(t, false)
	good := a.until("state", nil)["version"]

	l.write(t, "01.md", "# Good\n\n```go\nfunc broken() {\n")
	f := p.until("problems", nil)
	if got := f["problems"].([]any); len(got) != 1 || got[0] != "01.md:3: unterminated code fence (opened here)" {
		t.Errorf("problems = %v", got)
	}
	_, body := get(t, l.ts.URL+"/api/deck")
	if !strings.Contains(string(body), good.(string)) || strings.Contains(string(body), "broken") {
		t.Errorf("audience deck changed to the broken edit: %s", body)
	}

	l.write(t, "01.md", "# Fixed\n")
	p.until("problems", func(f map[string]any) bool { return len(f["problems"].([]any)) == 0 })
	d := a.until("deck", nil)
	if d["version"] == good {
		t.Error("fixed deck has the old version")
	}
}

// TestSaveBeforeWatchStarts: a save between New's load and the watcher's
// start has no event of its own; Watch reads the deck once more when it
// is watching, so the save is not lost until the next one.
func TestSaveBeforeWatchStarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "01.md"), []byte("# Loaded\n"), 0o644))
	root, err := os.OpenRoot(dir)
	must(t, err)
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: root.FS(), Web: web.FS, Themes: themes.FS, Token: testToken})
	must(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	must(t, os.WriteFile(filepath.Join(dir, "01.md"), []byte("# Saved before the watch\n"), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	watching := make(chan error, 1)
	go func() { watching <- s.Watch(ctx, dir, "") }()
	t.Cleanup(func() {
		cancel()
		if err := <-watching; err != nil {
			t.Errorf("Watch: %v", err)
		}
		s.Shutdown(context.Background())
	})
	u := "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws"
	conn, _, err := websocket.DefaultDialer.Dial(u, nil)
	must(t, err)
	t.Cleanup(func() { conn.Close() })
	a := &wsClient{t: t, conn: conn}
	if _, body := get(t, ts.URL+"/api/deck"); strings.Contains(string(body), "Saved before") {
		return // Watch was quicker than this line: nothing to wait for
	}
	a.until("deck", nil)
	if _, body := get(t, ts.URL+"/api/deck"); !strings.Contains(string(body), "Saved before the watch") {
		t.Errorf("the save made before the watcher started was lost: %s", body)
	}
}

// TestHoldKeepsAudienceDeck: while the presenter holds edits, the audience
// is served the published deck and the presenter the newest.
func TestHoldKeepsAudienceDeck(t *testing.T) {
	t.Parallel()
	l := newLiveDeck(t, map[string]string{"01.md": "# Published\n"})
	p := l.dial(t, true)
	p.until("state", nil)
	p.conn.WriteJSON(map[string]any{"type": "hold", "on": true})
	p.until("hold", func(f map[string]any) bool { return f["held"] == true })

	l.write(t, "01.md", "# Draft\n")
	p.until("hold", func(f map[string]any) bool { return f["pending"] != "" })
	if _, body := get(t, l.ts.URL+"/api/deck"); !strings.Contains(string(body), "Published") {
		t.Errorf("audience got the held edit: %s", body)
	}
	if _, page := get(t, l.ts.URL+"/"); !strings.Contains(string(page), "<title>Published</title>") {
		t.Errorf("audience page shows the held edit's title:\n%s", page)
	}
	cookie := "podium_token=" + testToken
	if _, body := get(t, l.ts.URL+"/api/deck?live", "Cookie", cookie); !strings.Contains(string(body), "Draft") {
		t.Errorf("the presenter view did not get the newest deck: %s", body)
	}
	// The speaker's own projector (the audience page, with the cookie)
	// stays on the published deck, and so does anyone asking ?live
	// without the cookie.
	if _, body := get(t, l.ts.URL+"/api/deck", "Cookie", cookie); !strings.Contains(string(body), "Published") {
		t.Errorf("the audience page with the presenter's cookie got the held edit: %s", body)
	}
	if _, body := get(t, l.ts.URL+"/api/deck?live"); !strings.Contains(string(body), "Published") {
		t.Errorf("?live without presenter rights got the held edit: %s", body)
	}
	p.conn.WriteJSON(map[string]any{"type": "publish"})
	p.until("hold", func(f map[string]any) bool { return f["held"] == false })
	if _, body := get(t, l.ts.URL+"/api/deck"); !strings.Contains(string(body), "Draft") {
		t.Errorf("published deck not served: %s", body)
	}
}

// TestEverySaveIsOneReload drives the common ways editors save against the
// real watcher and server: each save is exactly one deck frame, and
// /api/deck then carries what was saved.
func TestEverySaveIsOneReload(t *testing.T) {
	t.Parallel()
	l := newLiveDeck(t, map[string]string{"01.md": "# One\n", "02.md": "# Two\n"})
	a := l.dial(t, false)
	a.until("state", nil)
	// A reader goroutine hands over deck frames, so the test can wait for
	// one and then watch a quiet window (a read deadline would break the
	// connection for good).
	decks := make(chan string, 16)
	go func() {
		for {
			_, b, err := a.conn.ReadMessage()
			if err != nil {
				close(decks)
				return
			}
			if strings.Contains(string(b), `"type":"deck"`) {
				decks <- string(b)
			}
		}
	}()
	path := func(name string) string { return filepath.Join(l.dir, name) }
	write := func(name, body string) { must(t, os.WriteFile(path(name), []byte(body), 0o644)) }
	saves := []struct {
		name string
		save func(body string)
	}{
		{"in place", func(body string) { write("02.md", body) }},
		{"temp file renamed over (VS Code, JetBrains)", func(body string) {
			write(".02.md.tmp", body)
			must(t, os.Rename(path(".02.md.tmp"), path("02.md")))
		}},
		{"remove then create", func(body string) {
			must(t, os.Remove(path("02.md")))
			write("02.md", body)
		}},
		{"vim backupcopy=no", func(body string) {
			write(".02.md.swp", "swap")
			write("4913", "")
			must(t, os.Remove(path("4913")))
			must(t, os.Rename(path("02.md"), path("02.md~")))
			write("02.md", body)
			must(t, os.Remove(path("02.md~")))
			must(t, os.Remove(path(".02.md.swp")))
		}},
		{"sed -i", func(body string) {
			write("sedAb12Cd", body)
			must(t, os.Rename(path("sedAb12Cd"), path("02.md")))
		}},
		{"git checkout of both chapters", func(body string) {
			write("01.md", "# One\n\n"+body)
			write("02.md", body)
		}},
	}
	for i, s := range saves {
		body := fmt.Sprintf("# Two\n\nsave %d: %s\n", i, s.name)
		s.save(body)
		select {
		case <-decks:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no deck frame", s.name)
		}
		if _, got := get(t, l.ts.URL+"/api/deck"); !strings.Contains(string(got), fmt.Sprintf("save %d: ", i)) {
			t.Errorf("%s: /api/deck lacks the saved text", s.name)
		}
		// Exactly one: no second deck frame within a quiet window of ten
		// debounce periods.
		select {
		case f := <-decks:
			t.Errorf("%s: a second deck frame: %s", s.name, f)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// TestDeckFolderReplaced: a deck folder moved away tells the presenter, and
// the audience keeps the last good deck; a new folder under the old name is
// read from then on (not the old one, which lives on elsewhere), the
// presenter's report clears and everyone gets the new deck.
func TestDeckFolderReplaced(t *testing.T) {
	t.Parallel()
	l := newLiveDeck(t, map[string]string{"01.md": "# Before\n", "img.png": "png"})
	p := l.dial(t, true)
	a := l.dial(t, false)
	p.until("state", nil)
	a.until("state", nil)
	// An edit that arrives proves the watcher is watching.
	l.write(t, "01.md", "# Before, watched\n")
	a.until("deck", nil)

	must(t, os.Rename(l.dir, l.dir+".old"))
	f := p.until("problems", func(f map[string]any) bool { return len(f["problems"].([]any)) > 0 })
	if got := f["problems"].([]any); len(got) != 1 || !strings.Contains(got[0].(string), "moved away or deleted") {
		t.Errorf("problems = %v, want the folder reported gone", got)
	}
	if _, body := get(t, l.ts.URL+"/api/deck"); !strings.Contains(string(body), "Before") {
		t.Errorf("the last good deck is not served while the folder is gone: %s", body)
	}
	// Edits of the old folder, now elsewhere, do not reach anyone.
	must(t, os.WriteFile(filepath.Join(l.dir+".old", "01.md"), []byte("# Old folder edited\n"), 0o644))

	must(t, os.Mkdir(l.dir, 0o755))
	l.write(t, "01.md", "# After\n")
	p.until("problems", func(f map[string]any) bool { return len(f["problems"].([]any)) == 0 })
	a.until("deck", nil)
	_, body := get(t, l.ts.URL+"/api/deck")
	if !strings.Contains(string(body), "After") || strings.Contains(string(body), "Old folder") {
		t.Errorf("/api/deck after the folder came back: %s", body)
	}
	if r, _ := get(t, l.ts.URL+"/deck/img.png"); r.StatusCode != 404 {
		t.Errorf("an asset of the old folder is still served: %d", r.StatusCode)
	}
}
