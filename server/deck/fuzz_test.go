package deck

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"
)

// dataStep finds data-step attributes in rendered HTML (test-only check).
var dataStep = regexp.MustCompile(`data-step="(\d+)"`)

// fuzzBudget is how long one Load of a fuzz input may take before it
// counts as a hang: far above any honest input (the worst within the
// guard's budget takes well under a second), so that only superlinear
// blow-ups trip it, even under -race on a busy machine.
const fuzzBudget = 20 * time.Second

// FuzzLoad runs the real entry point, a Loader over a deck folder, on one
// chapter (data), with raw HTML allowed or not, then reloads it edited.
// It checks that Load never panics or hangs, and keeps the invariants the
// server and the browser rely on.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/golden/*.md")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b, false)
			f.Add(b, true)
		}
	}
	f.Add([]byte("---\ntitle: x\n---\n\n* a\n* b\n\n. . .\n\n```go {1|2}\na\nb\n```\n\nNote: n"), false)
	f.Add([]byte("a\n---\nb\n\n---\n\n~~~\n---\n~~~\n"), true)
	f.Add([]byte("\xef\xbb\xbf# t\r\n\r\n![x](a/../b.png)\r\n"), false)
	f.Add([]byte("---\nlayout: cover\nsteps: false\n---\n\n* a\n\n---\nbackground: b.png\nclass: x y\n---\n# s\n\n---\nText\n---\n\n<!--\n\n---\n\n-->\n"), true)
	f.Add([]byte("---\ntitle: t\n\n# first\n\n---\n\n# second\n"), false)
	f.Add([]byte(strings.Repeat("# Same\n\n---\n\n", 500)+"# Same\n"), false)
	f.Add([]byte("# F\n\na[^1] b[^n] $x^2$\n\n> [^1]: nested\n\n[^e]:\n\nNote: c[^n][^1]\n\n[^n]: in notes\n\n---\n\nd[^1]\n\n[^1]: again\n\n```math\n\\frac{a}{b}\n```\n"), false)
	// Other tools' dialects, chosen by the front matter key (dialect.go).
	f.Add([]byte("---\nmarp: true\nclass: lead\n---\n\n# A\n<!-- note -->\n<!-- _class: x -->\n---\n![bg contain](b.png)\n***\n* a\n* b\n"), true)
	f.Add([]byte("---\ndialect: slidev\ntransition: fade\n---\n# A\n<div v-click>\n\nx\n\n</div>\n\n<v-clicks>\n\n- a\n\n</v-clicks>\n<!-- n -->\n---\nsrc: ./01.md\n---\n---\nhide: true\n---\n# H\n```ts {*|2} {monaco}\na\nb\n```\n"), true)
	f.Add([]byte("---\ndialect: remark\n---\nclass: center, middle\n.left[\n# A\n]\ntext .red[x [y]] z\n--\nmore\n???\nnote\n---\nlayout: true\nclass: t\n---\nlayout: false\n```{r x, echo=FALSE}\n1\n```\n"), false)
	f.Add([]byte("---\ndialect: reveal\n---\n# A\nnotes: n\n\n----\n\n<!-- .slide: data-background=\"#000\" -->\n- a <!-- .element: class=\"fragment\" -->\n\nText\nNOTE: n2\n```js [1|2]\na\nb\n```\n"), true)
	// goldmark's quadratic shapes, small (parsed) and big (refused).
	for _, size := range []int{4_000, 40_000} {
		for _, para := range hostile(size) {
			f.Add([]byte("# Hostile\n\n"+para+"\n"), false)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, html bool) {
		fsys := fstest.MapFS{"b.png": {Data: []byte("x")}, "01.md": {Data: data}, "02.md": {Data: []byte("# Two\n\nNote: n\n")}}
		if html {
			fsys["00.md"] = &fstest.MapFile{Data: []byte("---\nhtml: true\n---\n# Zero\n")}
		}
		l := NewLoader(fsys)
		d := fuzzLoad(t, l, html)
		// A reload with the chapter edited (a slide inserted above, a
		// line appended) goes through the cache and ID reconciliation.
		fsys["01.md"] = &fstest.MapFile{Data: append([]byte("# Inserted\n\n---\n\n"), append(data, "\n\nmore\n"...)...)}
		d2 := fuzzLoad(t, l, html)
		if d != nil && d2 != nil && d2.Slides[len(d2.Slides)-1].ID != d.Slides[len(d.Slides)-1].ID {
			t.Errorf("the last slide (unchanged, in 02.md) lost its ID: %s → %s", d.Slides[len(d.Slides)-1].ID, d2.Slides[len(d2.Slides)-1].ID)
		}
		// Loading again changes nothing.
		if d3 := fuzzLoad(t, l, html); d2 != nil && (d3 == nil || d3.Version != d2.Version || d3.PresenterVersion != d2.PresenterVersion) {
			t.Errorf("reloading the same files changed the deck")
		}
		// A secret added to the last slide's notes shows in no ID and not
		// in the public Version, on a cold load (a restart) too, as long
		// as what the audience sees did not change with it.
		if d == nil {
			return
		}
		fsys["01.md"] = &fstest.MapFile{Data: append(append([]byte(nil), data...), "\n\nNote: PIN is 4831\n"...)}
		d4 := fuzzLoad(t, NewLoader(fsys), html)
		if d4 != nil && len(d4.Slides) != len(d.Slides) {
			t.Fatalf("a note line changed the number of slides: %d → %d", len(d.Slides), len(d4.Slides))
		}
		if d4 == nil || !strings.Contains(d4.Slides[len(d4.Slides)-2].Notes, "4831") {
			return // the line did not become a note (inside raw HTML, say)
		}
		for i, s := range d.Slides {
			if o := d4.Slides[i]; o.HTML != s.HTML || o.Title != s.Title || o.Steps != s.Steps {
				// What the audience sees changed too (the blank line
				// before the note, inside an unclosed raw HTML block).
				return
			}
		}
		if d4.Version != d.Version {
			t.Errorf("a note changed the public Version")
		}
		for i := range d.Slides {
			if d.Slides[i].ID != d4.Slides[i].ID {
				t.Errorf("a note changed the ID of slide %d", i)
			}
		}
	})
}

// fuzzLoad runs l.Load within fuzzBudget and checks what it returns.
func fuzzLoad(t *testing.T, l *Loader, html bool) *Deck {
	start := time.Now()
	d, err := l.Load()
	if el := time.Since(start); el > fuzzBudget {
		t.Fatalf("Load took %v (budget %v)", el, fuzzBudget)
	}
	if err != nil {
		ps, ok := err.(Problems)
		if !ok || len(ps) == 0 || d != nil {
			t.Fatalf("Load: deck %v, error %T %v", d != nil, err, err)
		}
		for _, p := range ps {
			if p.File != "01.md" || p.Line < 0 || p.Msg == "" || !utf8.ValidString(p.Msg) {
				t.Fatalf("bad problem %+v", p)
			}
		}
		return nil
	}
	if len(d.Slides) == 0 || d.Version == "" || d.PresenterVersion == "" {
		t.Fatalf("deck with %d slides, versions %q %q", len(d.Slides), d.Version, d.PresenterVersion)
	}
	checkUnique(t, d)
	for i, s := range d.Slides {
		if !utf8.ValidString(s.HTML) || !utf8.ValidString(s.Notes) || !utf8.ValidString(s.Title) {
			t.Fatalf("slide %d: invalid UTF-8 out of valid input", i)
		}
		if s.Steps < 0 || s.Line < 1 || s.Title == "" {
			t.Fatalf("slide %d: steps %d line %d title %q", i, s.Steps, s.Line, s.Title)
		}
		if html {
			continue // raw HTML may carry its own data-step
		}
		for _, m := range dataStep.FindAllStringSubmatch(s.HTML, -1) {
			if n, _ := strconv.Atoi(m[1]); n < 1 || n > s.Steps {
				t.Fatalf("slide %d: data-step=%d with %d steps", i, n, s.Steps)
			}
		}
	}
	return d
}
