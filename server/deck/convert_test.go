package deck

import (
	"flag"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"
)

// convertDecks are the real decks converted by TestConvertDecks: every
// shared deck of another tool, and the Go present decks.
func convertDecks() []sharedDeck {
	ds := append([]sharedDeck(nil), sharedDecks...)
	for i := range ds {
		ds[i].dir = path.Join("decks", ds[i].dir)
	}
	return append(ds,
		sharedDeck{dir: "present/gofmt-cn", main: "gofmt-cn.slide", dialect: DialectPresent},
		sharedDeck{dir: "present/token", main: "token.slide", dialect: DialectPresent})
}

// convertFS converts the deck in fsys with engine eng (one warm engine
// for all: a cold TeX converter costs seconds under -race) and returns
// the new deck folder.
func convertFS(tb testing.TB, eng *engine, fsys fs.FS, o Options) (*Converted, fstest.MapFS) {
	tb.Helper()
	c, err := (&Loader{fsys: fsys, eng: eng, opt: o, cache: map[cacheKey]*chapter{}}).Convert()
	if err != nil {
		tb.Fatalf("convert: %v", err)
	}
	out := fstest.MapFS{}
	for _, ch := range c.Chapters {
		out[ch.Name] = &fstest.MapFile{Data: []byte(ch.Text)}
	}
	for _, a := range c.Assets {
		b, err := fs.ReadFile(fsys, a)
		if err != nil {
			tb.Fatalf("asset %s: %v", a, err)
		}
		out[a] = &fstest.MapFile{Data: b}
	}
	return c, out
}

var dumpConverted = flag.Bool("dump-converted", false, "TestConvertDecks writes each converted chapter to the temporary folder")

// words is text without its white space (tags are white space to
// visibleText: a remark class's <span> is, in its podium form, none).
func words(s string) string { return strings.Join(strings.Fields(s), "") }

// TestConvertDecks converts every real deck of testdata (Marp, Slidev,
// remark, xaringan, reveal.js, Go present) and loads the result as a
// podium deck, with no dialect given: it is read as podium's own, with
// the same slides (count, titles, the text each shows, layout, class,
// background), the same notes and steps, no dialect markup shown as
// text and no note in anything public; converting it again gives the
// same files.
func TestConvertDecks(t *testing.T) {
	eng := newEngine(Options{})
	for _, dk := range convertDecks() {
		t.Run(dk.dir, func(t *testing.T) {
			testConvert(t, eng, os.DirFS(path.Join("testdata", dk.dir)), Options{File: dk.main}, dk)
		})
	}
	// With raw HTML allowed (html: true), where HTML comments and click
	// markup would reach the page if they were left in.
	for _, dk := range sharedDecks {
		if dk.htmlToo {
			t.Run(dk.dir+"/html", func(t *testing.T) {
				testConvert(t, eng, sharedFS(t, dk, true), Options{Dialect: dk.dialect}, dk)
			})
		}
	}
}

// testConvert converts the deck in src and compares the result with it.
func testConvert(t *testing.T, eng *engine, src fs.FS, o Options, dk sharedDeck) {
	t.Helper()
	c, out := convertFS(t, eng, src, o)
	if *dumpConverted {
		for _, ch := range c.Chapters {
			os.WriteFile(path.Join(os.TempDir(), path.Base(dk.dir)+"-"+ch.Name), []byte(ch.Text), 0o644)
		}
	}
	orig := c.Deck
	if strings.HasSuffix(dk.dir, "slidev-starter") && o.File != "" {
		// Its src: import is a file of its own: a chapter of its own.
		var names []string
		for _, ch := range c.Chapters {
			names = append(names, ch.Name)
		}
		if got := strings.Join(names, " "); got != "01-slides.md 02-imported-slides.md 03-slides.md" {
			t.Errorf("chapter files %s, want the import's apart", got)
		}
	}
	back := &Loader{fsys: out, eng: eng, cache: map[cacheKey]*chapter{}}
	d, err := back.Load()
	if err != nil {
		for _, ch := range c.Chapters {
			t.Logf("%s:\n%s", ch.Name, ch.Text)
		}
		t.Fatalf("the converted deck: %v", err)
	}
	if d.Dialect != DialectPodium {
		t.Errorf("the converted deck reads as %s (%s)", d.Dialect, d.DialectReason)
	}
	if len(d.Slides) != len(orig.Slides) {
		t.Fatalf("%d slides, the source %d", len(d.Slides), len(orig.Slides))
	}
	for i, s := range d.Slides {
		o := orig.Slides[i]
		at := func(format string, args ...any) {
			t.Helper()
			t.Errorf("slide %d (%s:%d → %s:%d): "+format, append([]any{i + 1, o.File, o.Line, s.File, s.Line}, args...)...)
		}
		if s.Title != o.Title {
			at("title %q, the source's %q", s.Title, o.Title)
		}
		if got, want := words(visibleText(s.HTML)), words(visibleText(o.HTML)); got != want {
			at("shows\n%q\nthe source shows\n%q", got, want)
		}
		if got, want := words(visibleText(s.Notes)), words(visibleText(o.Notes)); got != want {
			at("notes\n%q\nthe source's\n%q", got, want)
		}
		if s.Steps != o.Steps {
			at("%d steps, the source %d", s.Steps, o.Steps)
		}
		if s.Layout != o.Layout || s.Class != o.Class || s.Background != o.Background {
			at("layout %q class %q background %+v, the source's %q %q %+v", s.Layout, s.Class, s.Background, o.Layout, o.Class, o.Background)
		}
		if !markupRe.MatchString(visibleText(o.HTML)) {
			checkNoMarkup(t, s) // (a talk about Slidev shows "v-click")
		}
	}
	checkNoLeak(t, d, dk.notes)
	c2, err := back.Convert() // its Load renders nothing again
	if err != nil {
		t.Fatalf("converted again: %v", err)
	}
	if len(c2.Chapters) != len(c.Chapters) {
		t.Fatalf("converted again: %d chapters, first %d", len(c2.Chapters), len(c.Chapters))
	}
	for i, ch := range c2.Chapters {
		if ch != c.Chapters[i] {
			t.Errorf("converted again, %s differs:\n%s\nfirst:\n%s", ch.Name, ch.Text, c.Chapters[i].Text)
		}
	}
}

// BenchmarkConvert is "podium convert" of each real deck on a warm
// engine: load (parse and render), parse again for the podium form, write.
func BenchmarkConvert(b *testing.B) {
	eng := newEngine(Options{})
	for _, dk := range convertDecks() {
		b.Run(dk.dir, func(b *testing.B) {
			src := os.DirFS(path.Join("testdata", dk.dir))
			for b.Loop() {
				if _, err := (&Loader{fsys: src, eng: eng, opt: Options{File: dk.main}, cache: map[cacheKey]*chapter{}}).Convert(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
