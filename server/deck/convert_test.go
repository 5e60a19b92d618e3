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
	t.Parallel()
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

// warnedIn reports whether a warning with msg is on a line of slide i of
// slides (from its line to the next slide's, in its file).
func warnedIn(warns []Problem, msg string, slides []*Slide, i int) bool {
	s := slides[i]
	end := int(^uint(0) >> 1)
	if i+1 < len(slides) && slides[i+1].File == s.File && slides[i+1].Line > s.Line {
		end = slides[i+1].Line
	}
	for _, w := range warns {
		if w.Msg == msg && w.Line >= s.Line && w.Line < end {
			return true
		}
	}
	return false
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
		if s.Steps != o.Steps && !(s.Steps < o.Steps && warnedIn(c.Warnings, lostSteps, orig.Slides, i)) {
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

// TestConvertSamples converts small decks of each dialect written to
// hold what the real ones lack, with the same comparison as
// TestConvertDecks, and the warnings of what podium cannot say.
func TestConvertSamples(t *testing.T) {
	t.Parallel()
	eng := newEngine(Options{})
	for _, tc := range []struct {
		name, src string
		notes     []string
		want      []string // in the converted text
		warns     []string // in the warnings
	}{
		{name: "marp", src: "---\nmarp: true\nclass: lead\n---\n\n# One\n\n<!-- secret **one** <b> :tada: -->\n\n![bg contain](b.png)\n\n---\n\n<!-- _class: spot -->\n<!-- paginate: true -->\n\n# Two\n***\n# Three\n\n* a\n* b\n\n- c\n- d\n\nNote: a text line in Marp\n",
			notes: []string{"secret"}, want: []string{"background: b.png", "background-size: contain", "Note\\: a text line", "class: spot"}, warns: []string{`"paginate"`}},
		{name: "slidev", src: "---\ntheme: default\ntransition: fade\n---\n\n# One\n\n<v-click>\n\nshown at 1\n\n</v-click>\n\nshown at 0\n\n![pic](/b.png)\n\n<!-- secret two -->\n---\nlayout: center\nhide: false\n---\n# Two\n\n<v-clicks>\n\n- a\n- b\n\n</v-clicks>\n\n* at once\n* in Slidev\n\n```ts {1|2} twoslash\nlet a\nlet b\n```\n\n---\nhide: true\n---\n\n# Hidden\n",
			notes: []string{"secret two"}, want: []string{"\n. . .\n", "* a\n* b", "- at once", "```ts {1|2}\n", "](public/b.png)", "layout: center"},
			warns: []string{"shown from step 0 in its tool", "s.md:41: a slide its tool does not show", "twoslash"}},
		{name: "remark", src: "class: center, middle\n\n# One\n\n???\nsecret three\n\n---\nlayout: true\nclass: tmpl\n\n---\n# Two\ntext\n--\nmore\n.red[* starred]\n???\nsecret four\n---\nexclude: true\n# Gone\n---\nlayout: false\n# Three\n\n* a list remark shows at once\n",
			notes: []string{"secret three", "secret four"}, want: []string{"class: tmpl", "\n. . .\n", "\\* starred", "- a list remark"},
			warns: []string{"content class .red", "does not show"}},
		{name: "reveal", src: "# One\n\nnotes: secret five\n\n---\n\n<!-- .slide: data-background=\"#000000\" data-transition=\"zoom\" -->\n# Two\n\n- a <!-- .element: class=\"fragment\" -->\n- b <!-- .element: class=\"fragment\" -->\n\n```js [1|2]\na()\nb()\n```\n\n----\n\n# Three\n\nNOTE: secret six\n",
			notes: []string{"secret five", "secret six"}, want: []string{"background: '#000000'", "* a\n* b", "```js {1|2}"}, warns: []string{`"data-transition"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"s.md": {Data: []byte(tc.src)}, "b.png": {Data: []byte("png")}, "public/b.png": {Data: []byte("png")}}
			testConvert(t, eng, fsys, Options{Dialect: Dialect(tc.name)}, sharedDeck{dir: tc.name, notes: tc.notes})
			c, _ := convertFS(t, eng, fsys, Options{Dialect: Dialect(tc.name)})
			var text strings.Builder
			for _, ch := range c.Chapters {
				text.WriteString(ch.Text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text.String(), w) {
					t.Errorf("no %q in the converted deck:\n%s", w, text.String())
				}
			}
			all := Problems(c.Warnings).Error()
			for _, w := range tc.warns {
				if !strings.Contains(all, w) {
					t.Errorf("no warning %q in:\n%s", w, all)
				}
			}
		})
	}
}

// FuzzConvert converts one chapter of any dialect (chosen by its front
// matter's dialect key, or detected): when the deck loads, the convert
// succeeds (no internal error) and the new deck loads with as many
// slides, read as podium's own.
func FuzzConvert(f *testing.F) {
	f.Add([]byte("---\nmarp: true\nclass: lead\n---\n\n# A\n<!-- note -->\n<!-- _class: x -->\n---\n![bg contain](b.png)\n***\n* a\n* b\n"))
	f.Add([]byte("---\ndialect: slidev\ntransition: fade\n---\n# A\n<div v-click>\n\nx\n\n</div>\n\n<v-clicks>\n\n- a\n\n</v-clicks>\n<!-- n -->\n---\nhide: true\n---\n# H\n```ts {*|2} {monaco}\na\nb\n```\n"))
	f.Add([]byte("---\ndialect: remark\n---\nclass: center, middle\n.left[\n# A\n]\ntext .red[x [y]] z\n--\nmore\n???\nnote\n---\nlayout: true\nclass: t\n---\nlayout: false\n```{r x, echo=FALSE}\n1\n```\n"))
	f.Add([]byte("---\ndialect: reveal\n---\n# A\nnotes: n\n\n----\n\n<!-- .slide: data-background=\"#000\" -->\n- a <!-- .element: class=\"fragment\" -->\n\nText\nNOTE: n2\n```js [1|2]\na\nb\n```\n"))
	f.Add([]byte("# A\n\n* a\n* b\n\n. . .\n\nx\n\nNote: n\n\n---\n\n# B\n"))
	eng := newEngine(Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"b.png": {Data: []byte("x")}, "s.md": {Data: data}}
		o := Options{File: "s.md"}
		src, err := (&Loader{fsys: fsys, eng: eng, opt: o, cache: map[cacheKey]*chapter{}}).Load()
		if err != nil {
			return
		}
		c, err := (&Loader{fsys: fsys, eng: eng, opt: o, cache: map[cacheKey]*chapter{}}).Convert()
		if err != nil {
			t.Fatalf("convert of a deck that loads: %v", err)
		}
		out := fstest.MapFS{"b.png": {Data: []byte("x")}}
		for _, ch := range c.Chapters {
			out[ch.Name] = &fstest.MapFile{Data: []byte(ch.Text)}
		}
		d, err := (&Loader{fsys: out, eng: eng, cache: map[cacheKey]*chapter{}}).Load()
		if err != nil {
			t.Fatalf("the converted deck: %v\n%s", err, c.Chapters[0].Text)
		}
		if len(d.Slides) != len(src.Slides) {
			t.Fatalf("%d slides, the source %d\n%s", len(d.Slides), len(src.Slides), c.Chapters[0].Text)
		}
	})
}
