package deck

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestAssetVersions: a slide's image and link URLs carry the version of the
// file's content; an edit of the file re-renders the slides that use it
// (and only them) with the new URL, and changes the deck version; an
// unchanged file costs no render.
func TestAssetVersions(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{
		"01-intro.md":   {Data: []byte("# Intro\n\n![logo](img/logo.png)\n\n---\n\n# Paper\n\n[the paper](paper.pdf?page=2#s3)\n")},
		"02-more.md":    {Data: []byte("# More\n\nNo files here.\n")},
		"img/logo.png":  {Data: []byte("PNG one"), ModTime: t0},
		"paper.pdf":     {Data: []byte("%PDF"), ModTime: t0},
		"notes.txt.bak": {Data: []byte("unused")},
	}
	l := NewLoader(fsys)
	d1, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	logo := d1.Assets["img/logo.png"]
	if logo.Version == "" || len(d1.Assets) != 2 {
		t.Fatalf("assets = %v, want the logo and the paper", d1.Assets)
	}
	if want := `src="/deck/img/logo.png?v=` + logo.Version + `"`; !strings.Contains(d1.Slides[0].HTML, want) {
		t.Errorf("slide 0 = %s, want %s", d1.Slides[0].HTML, want)
	}
	if want := `href="/deck/paper.pdf?v=` + d1.Assets["paper.pdf"].Version + `&amp;page=2#s3"`; !strings.Contains(d1.Slides[1].HTML, want) {
		t.Errorf("slide 1 = %s, want %s", d1.Slides[1].HTML, want)
	}

	renders := l.renders
	d2, _ := l.Load()
	if l.renders != renders || d2.Version != d1.Version {
		t.Errorf("unchanged reload: %d chapters rendered, version %s → %s", l.renders-renders, d1.Version, d2.Version)
	}

	// A rewrite, and a new file moved over it (an older time, the same size).
	for i, f := range []*fstest.MapFile{
		{Data: []byte("PNG two"), ModTime: t0.Add(time.Second)},
		{Data: []byte("PNG 333"), ModTime: t0.Add(-time.Hour)},
	} {
		fsys["img/logo.png"] = f
		renders := l.renders
		d3, err := l.Load()
		if err != nil {
			t.Fatal(err)
		}
		v := d3.Assets["img/logo.png"].Version
		if v == logo.Version || d3.Version == d2.Version {
			t.Fatalf("edit %d: logo version %s → %s, deck %s → %s: want both changed", i, logo.Version, v, d2.Version, d3.Version)
		}
		if !strings.Contains(d3.Slides[0].HTML, "logo.png?v="+v+`"`) {
			t.Errorf("edit %d: slide 0 = %s, want the new version", i, d3.Slides[0].HTML)
		}
		if d3.Slides[0].ID != d1.Slides[0].ID || d3.Slides[1].HTML != d1.Slides[1].HTML {
			t.Errorf("edit %d: the slide changed id, or the other slide changed", i)
		}
		if l.renders-renders != 1 {
			t.Errorf("edit %d: %d chapters rendered, want the one using the file", i, l.renders-renders)
		}
		logo.Version, d2 = v, d3
	}

	delete(fsys, "img/logo.png")
	if _, err := l.Load(); err == nil || !strings.Contains(err.Error(), `01-intro.md:3: image "img/logo.png" not found`) {
		t.Errorf("image removed: err = %v", err)
	}
}
