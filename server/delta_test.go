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
	t.Parallel()
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

// TestDeckDeltaSettings: a slide whose settings alone change (its layout,
// class or background, not its text) is in the delta with the new ones,
// and a setting removed is sent empty, so a page drops the old one.
func TestDeckDeltaSettings(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"01.md": {Data: []byte("# Cover\n\n---\nlayout: statement\nclass: big\nbackground: \"#123456\"\n---\n\n# Beat\n")}}
	s, ts := newTestServer(t, fsys)
	v1 := s.cur.Load().version
	fsys["01.md"] = &fstest.MapFile{Data: []byte("# Cover\n\n---\nlayout: center\n---\n\n# Beat\n")}
	if changed, err := s.Reload(); !changed || err != nil {
		t.Fatalf("Reload = %v, %v", changed, err)
	}
	var d struct {
		Slides []map[string]json.RawMessage
	}
	_, body := get(t, ts.URL+"/api/deck?since="+v1)
	must(t, json.Unmarshal(body, &d))
	if len(d.Slides) != 2 {
		t.Fatalf("delta has %d slides, want 2", len(d.Slides))
	}
	got := d.Slides[1]
	for k, want := range map[string]string{"layout": `"center"`, "class": `""`, "background": `{}`} {
		if string(got[k]) != want {
			t.Errorf("slide 1 %s = %s, want %s (delta %s)", k, got[k], want, body)
		}
	}
	if _, ok := d.Slides[0]["layout"]; ok {
		t.Errorf("the unchanged cover slide carries its layout: %s", body)
	}
}
