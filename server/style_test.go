package server

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
)

// TestDeckStyle: a deck's style.css is served after the theme's CSS in
// the theme's stylesheet, under a URL that changes with it; it is not a
// deck file (/deck/style.css is 404), and nothing of the notes reaches it.
func TestDeckStyle(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"01.md":     {Data: []byte("# Talk\n\nNote: SECRET-NOTE\n")},
		"style.css": {Data: []byte(".slide { --accent: rebeccapurple; }\n")},
	}
	s, ts := newTestServer(t, fsys)
	url := s.cur.Load().data.ThemeCSS
	resp, css := get(t, ts.URL+url)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	theme, deckCSS := strings.Index(string(css), "--bg:"), strings.Index(string(css), "rebeccapurple")
	if theme < 0 || deckCSS < theme {
		t.Errorf("the stylesheet does not carry the theme (at %d) then style.css (at %d)", theme, deckCSS)
	}
	if strings.Contains(string(css), "SECRET-NOTE") {
		t.Error("the stylesheet carries a note")
	}
	if resp, _ := get(t, ts.URL+"/deck/style.css"); resp.StatusCode != 404 {
		t.Errorf("GET /deck/style.css: %d, want 404", resp.StatusCode)
	}
	_, body := get(t, ts.URL+"/api/deck")
	var d apiDeck
	if err := json.Unmarshal(body, &d); err != nil || d.CSS != url {
		t.Errorf("/api/deck css = %q (%v), want %q", d.CSS, err, url)
	}

	fsys["style.css"] = &fstest.MapFile{Data: []byte(".slide { --accent: teal; }\n")}
	if changed, err := s.Reload(); !changed || err != nil {
		t.Fatalf("Reload after editing style.css = %v, %v", changed, err)
	}
	next := s.cur.Load().data.ThemeCSS
	if next == url {
		t.Fatalf("the stylesheet's URL %s did not change with style.css", url)
	}
	if _, css := get(t, ts.URL+next); !strings.Contains(string(css), "teal") {
		t.Error("the new stylesheet lacks the edit")
	}
	if resp, _ := get(t, ts.URL+url); resp.Header.Get("Cache-Control") == immutable {
		t.Error("the old URL is still served as immutable")
	}

	fsys["style.css"] = &fstest.MapFile{Data: []byte("a { color: red }\x00")}
	if _, err := s.Reload(); err == nil || !strings.Contains(err.Error(), "style.css:1: NUL byte") {
		t.Errorf("Reload with a NUL in style.css: %v", err)
	}
}
