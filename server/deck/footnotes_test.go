package deck

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestFootnotesScopedToSlide: goldmark resolves footnotes across the
// whole chapter; podium keeps each to the slide (and part) it is written
// in, and a slide's footnote ids never depend on its notes.
func TestFootnotesScopedToSlide(t *testing.T) {
	t.Parallel()
	chapter := func(notes string) fstest.MapFS {
		return fstest.MapFS{"01.md": {Data: []byte("# One\n\nA[^a] and B[^n].\n\n[^a]: first a\n\nNote: " + notes + "[^n]\n\n[^n]: secret in notes\n\n---\n\n# Two\n\nAgain[^a].\n\n[^a]: second a\n")}}
	}
	d, err := Load(chapter("say"))
	if err != nil {
		t.Fatal(err)
	}
	one, two := d.Slides[0], d.Slides[1]
	if !strings.Contains(one.HTML, "first a") || strings.Contains(one.HTML, "second a") {
		t.Errorf("slide one has the wrong [^a]:\n%s", one.HTML)
	}
	if !strings.Contains(two.HTML, "second a") || strings.Contains(two.HTML, "first a") {
		t.Errorf("slide two has the wrong [^a]:\n%s", two.HTML)
	}
	if strings.Contains(one.HTML, "secret") || !strings.Contains(one.HTML, "B[^n]") {
		t.Errorf("slide one: want the notes' footnote kept out and [^n] left as text:\n%s", one.HTML)
	}
	if !strings.Contains(one.Notes, "secret in notes") || !strings.Contains(one.Notes, `id="nfn`) {
		t.Errorf("notes lost their footnote:\n%s", one.Notes)
	}
	if !strings.Contains(two.HTML, `href="#fn`) || !strings.Contains(two.HTML, `fn:1"`) {
		t.Errorf("slide two: want its footnote numbered 1:\n%s", two.HTML)
	}
	d2, err := Load(chapter("say something else"))
	if err != nil {
		t.Fatal(err)
	}
	if d2.Slides[0].HTML != one.HTML || d2.Version != d.Version {
		t.Errorf("a notes-only edit changed the slide or the version:\n%s\n%s", one.HTML, d2.Slides[0].HTML)
	}
}
