package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"testing/fstest"
)

// TestDeckDelta: /api/deck?since=V carries the whole deck's outline but the
// HTML of only the slides that differ from version V; an unknown or too old
// V gets the whole deck; no notes, ever.
func TestDeckDelta(t *testing.T) {
	fsys := maps.Clone(testDeck)
	fsys["02-more.md"] = &fstest.MapFile{Data: []byte("# More\n\nUnchanged.\n\nNote: " + secretNote + "\n")}
	s, ts := newTestServer(t, fsys)
	v1 := s.cur.Load().version
	fsys["01-intro.md"] = &fstest.MapFile{Data: []byte(strings.Replace(string(testDeck["01-intro.md"].Data), "# Second", "# Second, edited", 1))}
	if changed, err := s.Reload(); !changed || err != nil {
		t.Fatalf("Reload = %v, %v", changed, err)
	}
	v2 := s.cur.Load().version

	type slide struct {
		ID      string  `json:"id"`
		Chapter *int    `json:"chapter"`
		Title   *string `json:"title"`
		HTML    *string `json:"html"`
		Steps   *int    `json:"steps"`
	}
	var d struct {
		Version, Since string
		Chapters       []json.RawMessage
		Slides         []slide
	}
	_, body := get(t, ts.URL+"/api/deck?since="+v1)
	must(t, json.Unmarshal(body, &d))
	if d.Version != v2 || d.Since != v1 || len(d.Chapters) != 2 || len(d.Slides) != 3 {
		t.Fatalf("delta: version %s since %s, %d chapters, %d slides; want %s since %s, 2, 3", d.Version, d.Since, len(d.Chapters), len(d.Slides), v2, v1)
	}
	// Slide 1 ("Second") changed its title and HTML; the others nothing.
	for i, sl := range d.Slides {
		want := s.Deck().Slides[i]
		var got []string
		if sl.Chapter != nil {
			got = append(got, "chapter")
		}
		if sl.Title != nil {
			got = append(got, "title "+*sl.Title)
		}
		if sl.HTML != nil {
			got = append(got, "html")
			if *sl.HTML != want.HTML {
				t.Errorf("slide %d: html %q, want %q", i, *sl.HTML, want.HTML)
			}
		}
		if sl.Steps != nil {
			got = append(got, "steps")
		}
		wantFields := "[]"
		if i == 1 {
			wantFields = "[title Second, edited html]"
		}
		if sl.ID != want.ID || fmt.Sprint(got) != wantFields {
			t.Errorf("slide %d: id %s, fields %v; want %s, %s", i, sl.ID, got, want.ID, wantFields)
		}
	}

	for _, since := range []string{"", "unknown", "../" + v1} {
		_, full := get(t, ts.URL+"/api/deck?since="+since)
		_, want := get(t, ts.URL+"/api/deck")
		if string(full) != string(want) {
			t.Errorf("?since=%s: not the whole deck:\n%s", since, full)
		}
	}
	for _, u := range []string{"/api/deck?since=" + v1, "/api/deck?since=" + v2, "/api/deck?live&since=" + v1} {
		if _, body := get(t, ts.URL+u, "Cookie", "podium_token="+presenterToken); strings.Contains(string(body), secretNote) {
			t.Errorf("%s carries the speaker notes", u)
		}
	}
}
