package deck

import (
	"encoding/json"
	"html"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// sharedDeck is one of the real decks of other tools in testdata/decks
// (copied from ../shared/decks, with their SOURCE.txt): the slide count
// its own tool makes (testdata/decks/README.md) and a phrase of every
// speaker note it has.
type sharedDeck struct {
	dir, main string
	dialect   Dialect
	slides    int
	notes     []string
	// htmlToo: also loaded with html: true (one deck or two per dialect:
	// the test suite's time is short).
	htmlToo bool
}

var sharedDecks = []sharedDeck{
	{"marp-cli-demo", "demo.md", DialectMarp, 3, []string{"presenter notes in HTML comments"}, true},
	{"marp-ja-how-to-use-marp", "HowToUseMarp.md", DialectMarp, 11, nil, false},
	{"slidev-starter", "slides.md", DialectSlidev, 16, []string{
		"The last comment block of each slide", "Here is another comment", "Notes can also sync with clicks",
		"Presenter note with", "Last click (skip two clicks)"}, true},
	{"slidev-antfu-composable-vue-zh", "slides.md", DialectSlidev, 36, nil, false},
	{"remark-intro-gnab", "index.html", DialectRemark, 19, []string{"Congratulations, you just toggled presenter mode", "to toggle it back off"}, true},
	{"remark-xaringan-zh", "skeleton.Rmd", DialectRemark, 30, []string{"图片来源", "我们来讲一个不容易看懂的冷笑话", "aMGp7bM_700b_v2"}, false},
	{"reveal-examples-markdown", "markdown.md", DialectReveal, 8, []string{"This will only appear in the speaker notes window"}, true},
	{"revealmd-demo", "a.md", DialectReveal, 4, []string{"test note"}, true},
	{"revealmd-mermaid", "mermaid.md", DialectReveal, 4, nil, false},
}

// textareaRe finds remark's Markdown in its HTML page.
var textareaRe = regexp.MustCompile(`(?s)<textarea id="source">\n?(.*?)</textarea>`)

// sharedFS is the deck folder of a shared deck as podium reads a single
// file: its main file as the one chapter (a remark page's textarea, an
// .Rmd file, under an .md name), every other file as an asset. htmlOn
// adds "html: true" to its front matter.
func sharedFS(tb testing.TB, dk sharedDeck, htmlOn bool) fstest.MapFS {
	tb.Helper()
	root := path.Join("testdata/decks", dk.dir)
	fsys := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(root), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path.Join(root, p))
		if err != nil {
			return err
		}
		if p == dk.main {
			if strings.HasSuffix(p, ".html") {
				m := textareaRe.FindSubmatch(b)
				if m == nil {
					tb.Fatalf("%s: no <textarea id=\"source\">", p)
				}
				b = []byte(html.UnescapeString(string(m[1])))
			}
			if htmlOn {
				if s, ok := strings.CutPrefix(string(b), "---\n"); ok {
					b = []byte("---\nhtml: true\n" + s)
				} else {
					b = []byte("---\nhtml: true\n---\n\n" + string(b))
				}
			}
			p = strings.TrimSuffix(p, path.Ext(p)) + ".md"
		} else if strings.HasSuffix(p, ".md") && !strings.Contains(p, "/") {
			p += ".txt" // not a chapter: a single file is the deck
		}
		fsys[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return fsys
}

// visibleText is what a slide's HTML shows as text: tags and comments
// dropped, entities decoded.
func visibleText(h string) string {
	h = regexp.MustCompile(`(?s)<!--.*?-->`).ReplaceAllString(h, " ")
	h = regexp.MustCompile(`(?s)<(script|style|pre)\b.*?</(script|style|pre)>`).ReplaceAllString(h, " ")
	h = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(h, " ")
	return html.UnescapeString(h)
}

// TestSharedDecks loads every shared deck of another tool as its tool
// would: no errors, the tool's slide count, the dialect detected, no
// note in anything an audience device can fetch (with raw HTML allowed
// too), and no front matter, directive or markup shown as text on the
// first three slides.
func TestSharedDecks(t *testing.T) {
	t.Parallel()
	for _, dk := range sharedDecks {
		for _, htmlOn := range []bool{false, true} {
			if htmlOn && !dk.htmlToo {
				continue
			}
			name := dk.dir
			if htmlOn {
				name += "/html"
			}
			t.Run(name, func(t *testing.T) {
				o := Options{}
				if strings.HasSuffix(dk.main, ".Rmd") || strings.HasSuffix(dk.main, ".html") {
					o.Dialect = dk.dialect // the name that told is gone: the present reader passes it
				}
				fsys := sharedFS(t, dk, htmlOn)
				// The Markdown alone tells too (a remark page's textarea,
				// an .Rmd's YAML), as when it is served without --dialect.
				md := strings.TrimSuffix(dk.main, path.Ext(dk.main)) + ".md"
				if got, why := DetectDialect(md, fsys[md].Data); got != dk.dialect && dk.dir != "reveal-examples-markdown" {
					t.Errorf("DetectDialect of %s alone: %q (%s), want %q", md, got, why, dk.dialect)
				}
				d, err := NewLoaderWith(fsys, o).Load()
				if err != nil {
					t.Fatalf("load: %v", err)
				}
				if d.Dialect != dk.dialect {
					t.Errorf("dialect %q (%s), want %q", d.Dialect, d.DialectReason, dk.dialect)
				}
				if len(d.Slides) != dk.slides {
					var titles []string
					for _, s := range d.Slides {
						titles = append(titles, s.Title)
					}
					t.Errorf("%d slides, want %d: %q", len(d.Slides), dk.slides, titles)
				}
				if want := htmlOn || dk.dialect.htmlByDefault(); d.Meta.HTML != want {
					t.Errorf("html %v, want %v", d.Meta.HTML, want)
				}
				checkNoLeak(t, d, dk.notes)
				for _, s := range d.Slides[:min(3, len(d.Slides))] {
					checkNoMarkup(t, s)
				}
			})
		}
	}
}

// checkNoLeak fails when a phrase of a note, or any HTML comment, is in
// what audience devices get: the public deck's JSON (= /api/deck).
func checkNoLeak(t *testing.T, d *Deck, notes []string) {
	t.Helper()
	chs, sls := d.Public()
	pub, err := json.Marshal(struct {
		Meta     Meta
		Chapters []PublicChapter
		Slides   []PublicSlide
	}{d.Meta, chs, sls})
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, s := range d.Slides {
		all.WriteString(s.Notes)
		if strings.Contains(s.HTML, "<!--") && !strings.Contains(s.HTML, "<!-- raw HTML omitted -->") {
			t.Errorf("%s:%d: an HTML comment in the slide's HTML: %q", s.File, s.Line, clip(s.HTML, 200))
		}
	}
	for _, n := range notes {
		if strings.Contains(string(pub), n) || strings.Contains(html.EscapeString(string(pub)), n) {
			t.Errorf("note %q is in the public deck", n)
		}
		if !strings.Contains(all.String(), html.EscapeString(n)) && !strings.Contains(all.String(), n) {
			t.Errorf("note %q is in no slide's notes", n)
		}
	}
}

// markupRe finds what must never show as slide text: front matter and
// settings lines, directives, notes markers, dialect syntax.
var markupRe = regexp.MustCompile(`(?m)^\s*(---|--|\?\?\?|[a-zA-Z_-]+: \S)|<!--|-->|\bv-click|\.slide:|\.element:|_class|\{r\b|Note:|marp: true|\.[a-z][a-z-]*\[`)

func checkNoMarkup(t *testing.T, s *Slide) {
	t.Helper()
	txt := visibleText(s.HTML)
	if m := markupRe.FindString(txt); m != "" {
		t.Errorf("%s:%d: slide %d shows markup %q as text: %q", s.File, s.Line, s.Index+1, m, clip(strings.Join(strings.Fields(txt), " "), 300))
	}
}

func TestDetectDialect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		want      Dialect
	}{
		{"a.md", "# Hello\n\n---\n\n# Two\n\nNote: n\n", DialectPodium},
		{"a.md", "---\nmarp: true\n---\n\n# Hi\n", DialectMarp},
		{"a.md", "---\ntheme: seriph\ntransition: slide-left\n---\n\n# Hi\n", DialectSlidev},
		{"a.md", "# Hi\n\n<v-click>\n\nx\n\n</v-click>\n", DialectSlidev},
		{"a.md", "class: center\n\n# Hi\n\n???\nnotes\n\n---\nclass: middle\n\n# Two\n", DialectRemark},
		{"a.md", "# Hi\n\nNote: n\n\n----\n\n# Down\n", DialectReveal},
		{"a.md", "<!-- .slide: data-background=\"#000\" -->\n# Hi\n", DialectReveal},
		{"a.md", "---\ndialect: slidev\n---\n\n# Hi\n", DialectSlidev},
		{"x.slide", "Title\n\n* One\n", DialectPresent},
		{"x.Rmd", "---\ntitle: t\n---\n\n# Hi\n", DialectRemark},
		// A talk about Slidev, in podium's format: its example is code.
		{"a.md", "# Hi\n\n```html\n<div v-click>x</div>\n```\n", DialectPodium},
		// v-click with podium's notes: podium's notes must not show.
		{"a.md", "# Hi\n\n<v-click>x</v-click>\n\nNote: secret\n", DialectPodium},
		// Markers of two tools: podium, with both named.
		{"a.md", "# Hi\n\n<v-click>x</v-click>\n\n<!-- .slide: data-background=\"#000\" -->\n", DialectPodium},
	} {
		got, why := DetectDialect(tc.name, []byte(tc.src))
		if got != tc.want {
			t.Errorf("DetectDialect(%q, %q) = %q (%s), want %q", tc.name, tc.src, got, why, tc.want)
		}
	}
}

// TestDialectSamples checks each dialect's mapping on small decks: what
// becomes slides, steps, settings and notes, and that no note is public.
func TestDialectSamples(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		slides    int
		steps     []int
		classes   []string
		bgs       []string
		notes     []string // a phrase of each note
	}{
		{name: "marp", src: "---\nmarp: true\nclass: lead\n---\n\n# One\n\n<!-- secret one -->\n\n![bg contain](b.png)\n\n---\n\n<!-- _class: spot -->\n<!-- backgroundColor: beige -->\n\n# Two\n***\n# Three\n\n* a\n* b\n",
			slides: 3, steps: []int{0, 0, 2}, classes: []string{"lead", "spot", "lead"}, bgs: []string{"/deck/b.png", "beige", "beige"}, notes: []string{"secret one"}},
		{name: "slidev", src: "---\ntheme: default\ntransition: fade\n---\n\n# One\n\n<v-click>\n\nshown at 1\n\n</v-click>\n\n<!-- secret two -->\n---\nlayout: center\nhide: false\n---\n# Two\n\n<v-clicks>\n\n- a\n- b\n\n</v-clicks>\n\n---\nhide: true\n---\n\n# Hidden\n",
			slides: 2, steps: []int{1, 2}, notes: []string{"secret two"}},
		{name: "remark", src: "class: center, middle\n\n# One\n\n???\nsecret three\n\n---\nlayout: true\nclass: tmpl\n\n---\n# Two\ntext\n--\nmore\n???\nsecret four\n---\nlayout: false\n# Three\n",
			slides: 3, steps: []int{0, 1, 0}, classes: []string{"center middle", "tmpl", ""}, notes: []string{"secret three", "secret four"}},
		{name: "reveal", src: "# One\n\nnotes: secret five\n\n---\n\n<!-- .slide: data-background=\"#000000\" -->\n# Two\n\n- a <!-- .element: class=\"fragment\" -->\n- b\n\n----\n\n# Three\n\nNOTE: secret six\n",
			slides: 3, steps: []int{0, 1, 0}, bgs: []string{"", "#000000", ""}, notes: []string{"secret five", "secret six"}},
	} {
		for _, htmlOn := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				src := tc.src
				if htmlOn {
					src = "---\nhtml: true\n" + strings.TrimPrefix(src, "---\n")
					if !strings.HasPrefix(tc.src, "---\n") {
						src = "---\nhtml: true\n---\n\n" + tc.src
					}
				}
				d, err := NewLoaderWith(fstest.MapFS{"s.md": {Data: []byte(src)}, "b.png": {Data: []byte("png")}}, Options{Dialect: Dialect(tc.name)}).Load()
				if err != nil {
					t.Fatalf("load: %v", err)
				}
				if len(d.Slides) != tc.slides {
					t.Fatalf("%d slides, want %d", len(d.Slides), tc.slides)
				}
				for i, s := range d.Slides {
					if tc.steps != nil && s.Steps != tc.steps[i] {
						t.Errorf("slide %d: %d steps, want %d: %s", i+1, s.Steps, tc.steps[i], s.HTML)
					}
					if tc.classes != nil && s.Class != tc.classes[i] {
						t.Errorf("slide %d: class %q, want %q", i+1, s.Class, tc.classes[i])
					}
					if tc.bgs != nil {
						bg := s.Background.Color
						if s.Background.Image != "" {
							bg, _, _ = strings.Cut(s.Background.Image, "?")
						}
						if bg != tc.bgs[i] {
							t.Errorf("slide %d: background %q, want %q", i+1, bg, tc.bgs[i])
						}
					}
					checkNoMarkup(t, s)
				}
				checkNoLeak(t, d, tc.notes)
				if want := htmlOn || Dialect(tc.name).htmlByDefault(); want != d.Meta.HTML {
					t.Errorf("html %v, want %v", d.Meta.HTML, want)
				}
			})
		}
	}
}

// BenchmarkSharedDecks is what a running server pays to read another
// tool's deck afresh: detecting its dialect and a new Loader (every slide
// parsed and rendered) on an engine that has loaded the deck once
// (chroma's lexers, the TeX converter started, code already highlighted).
func BenchmarkSharedDecks(b *testing.B) {
	for _, dk := range sharedDecks {
		b.Run(dk.dir, func(b *testing.B) {
			fsys := sharedFS(b, dk, false)
			o := Options{}
			if strings.HasSuffix(dk.main, ".Rmd") || strings.HasSuffix(dk.main, ".html") {
				o.Dialect = dk.dialect
			}
			warm := NewLoaderWith(fsys, o)
			if _, err := warm.Load(); err != nil {
				b.Fatal(err)
			}
			eng := warm.eng
			defer reportCPU(b)()
			for b.Loop() {
				// A new Loader on a warm engine (lexers and TeX converter
				// started, as in a running server): every chapter parsed
				// and rendered, the dialect detected again.
				l := &Loader{fsys: fsys, eng: eng, opt: o, cache: map[cacheKey]*chapter{}}
				if _, err := l.Load(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSharedDecksCold is the same with a new engine each time:
// every code block highlighted, the TeX converter's runtimes started and
// every formula converted. (temml is compiled once per process, chroma's
// lexers once: the first load after podium starts also pays those; run
// it with -benchtime 1x for that.)
func BenchmarkSharedDecksCold(b *testing.B) {
	for _, dk := range sharedDecks {
		b.Run(dk.dir, func(b *testing.B) {
			fsys := sharedFS(b, dk, false)
			o := Options{}
			if strings.HasSuffix(dk.main, ".Rmd") || strings.HasSuffix(dk.main, ".html") {
				o.Dialect = dk.dialect
			}
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := NewLoaderWith(fsys, o).Load(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDialectHTMLDefault: Slidev, remark and reveal.js decks show their
// raw HTML as their tools do, unless their front matter says html:
// false; podium's and Marp's leave it out unless it says html: true.
// Comments stay off the page either way.
func TestDialectHTMLDefault(t *testing.T) {
	t.Parallel()
	body := "# One\n\n<div class=\"box\">boxed</div>\n\n<!-- secret -->\n"
	for _, tc := range []struct {
		dialect Dialect
		fm      string
		want    bool
	}{
		{DialectPodium, "", false},
		{DialectMarp, "", false},
		{DialectSlidev, "", true},
		{DialectRemark, "", true},
		{DialectReveal, "", true},
		{DialectSlidev, "html: false\n", false},
		{DialectReveal, "html: false\n", false},
		{DialectMarp, "html: true\n", true},
	} {
		src := body
		if tc.fm != "" {
			src = "---\n" + tc.fm + "---\n\n" + body
		}
		d, err := NewLoaderWith(fstest.MapFS{"s.md": {Data: []byte(src)}}, Options{Dialect: tc.dialect}).Load()
		if err != nil {
			t.Fatalf("%s %q: %v", tc.dialect, tc.fm, err)
		}
		h := d.Slides[0].HTML
		if got := strings.Contains(h, `<div class="box">`); got != tc.want || d.Meta.HTML != tc.want {
			t.Errorf("%s %q: raw HTML shown %v, Meta.HTML %v, want %v: %s", tc.dialect, tc.fm, got, d.Meta.HTML, tc.want, h)
		}
		if strings.Contains(h, "secret") {
			t.Errorf("%s %q: the comment is on the page: %s", tc.dialect, tc.fm, h)
		}
	}
}

// rawClickRe finds a tag with a click in HTML.
var rawClickRe = regexp.MustCompile(`<v-click|<[a-z][a-z-]*\b[^<>]*\sv-(click|after)`)

// TestSlidevClicks: Slidev's click animations on raw HTML, blocks and
// inline, map onto podium's steps as @slidev's own counting does, the
// element's tag carrying data-step; what podium cannot do (hiding) is a
// warning, never a step that shows nothing.
func TestSlidevClicks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		steps     int
		want      []string // in the slide's HTML, in this order
		warn      string
	}{
		{"inline", "# A\n\nText <span v-click>one</span> and <span v-click>two</span>.\n",
			2, []string{`<span v-click="" data-step="1">one`, `<span v-click="" data-step="2">two`}, ""},
		{"inline at", "# A\n\n<span v-click=\"2\">late</span> <span v-after>with it</span>\n",
			2, []string{`<span v-click="2" data-step="2">late`, `<span v-after="" data-step="2">with it`}, ""},
		{"relative", "# A\n\n<div v-click>a</div>\n\n<div v-click=\"+2\">b</div>\n",
			3, []string{`<div v-click="" data-step="1">a`, `<div v-click="+2" data-step="3">b`}, ""},
		{"nested in one block", "# A\n\n<div class=\"grid\">\n  <div v-click.fade-in>a</div>\n  <div v-after.up>b</div>\n  <div v-click.none>c</div>\n</div>\n",
			2, []string{`<div class="grid">`, `<div v-click.fade-in="" data-step="1">a`, `<div v-after.up="" data-step="1">b`, `<div v-click.none="" data-step="2">c`}, ""},
		{"region", "# A\n\n<div v-click mt-12>\n\n[more](https://example.com)\n\n</div>\n\nafter\n",
			1, []string{`<div v-click="" mt-12="" data-step="1">`, `<p data-step="1"><a href="https://example.com">more</a></p>`, "</div>\n<p>after</p>"}, ""},
		{"region after region", "# A\n\n<div v-click>\n\none\n\n</div><div v-click>\n\ntwo\n\n</div>\n\nthree\n",
			2, []string{`<div v-click="" data-step="1">`, `<p data-step="1">one</p>`, `</div><div v-click="" data-step="2">`, `<p data-step="2">two</p>`, "</div>\n<p>three</p>"}, ""},
		{"v-click element", "# A\n\n<v-click>\n\n**bold**\n\n</v-click>\n",
			1, []string{`<v-click data-step="1">`, `<p data-step="1"><strong>bold</strong></p>`}, ""},
		{"v-clicks html list", "# A\n\n<v-clicks>\n<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n</v-clicks>\n",
			2, []string{`<li data-step="1">a`, `<li data-step="2">b`}, ""},
		{"v-clicks markdown list", "# A\n\n<v-clicks>\n\n- a\n- b\n- c\n\n</v-clicks>\n",
			3, []string{`<li data-step="1">a`, `<li data-step="3">c`}, ""},
		{"range", "# A\n\n```ts {1|2|3}\na\nb\nc\n```\n\n<arrow v-click=\"[2, 3]\" x1=\"1\" />\n",
			2, []string{`<arrow v-click="[2, 3]" x1="1" data-step="2"/>`}, "does not hide it again"},
		{"hide", "# A\n\n<div v-click.hide>gone later</div>\n",
			0, []string{`<div v-click.hide>gone later</div>`}, "v-click.hide"},
		{"code is an example", "# A\n\n```html\n<div v-click>x</div>\n```\n", 0, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewLoaderWith(fstest.MapFS{"s.md": {Data: []byte(tc.src)}}, Options{Dialect: DialectSlidev}).Load()
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			s := d.Slides[0]
			if s.Steps != tc.steps {
				t.Errorf("%d steps, want %d: %s", s.Steps, tc.steps, s.HTML)
			}
			at := 0
			for _, w := range tc.want {
				i := strings.Index(s.HTML[at:], w)
				if i < 0 {
					t.Errorf("no %q (after byte %d) in %s", w, at, s.HTML)
					break
				}
				at += i + len(w)
			}
			var warns []string
			for _, w := range d.Warnings {
				warns = append(warns, w.Msg)
			}
			if got := strings.Join(warns, "\n"); tc.warn == "" && strings.Contains(got, "v-click") || !strings.Contains(got, tc.warn) {
				t.Errorf("warnings %q, want one with %q", got, tc.warn)
			}
			// Without raw HTML the steps stay (the presenter's count is
			// the tool's), and nothing of the HTML reaches the page.
			d, err = NewLoaderWith(fstest.MapFS{"s.md": {Data: []byte("---\nhtml: false\n---\n\n" + tc.src)}}, Options{Dialect: DialectSlidev}).Load()
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if s := d.Slides[0]; s.Steps != tc.steps || rawClickRe.MatchString(s.HTML) {
				t.Errorf("html: false: %d steps, want %d; %s", s.Steps, tc.steps, s.HTML)
			}
		})
	}
}

// TestSlidevPublicHTML: a Slidev deck's raw HTML names public/'s files
// from the root, as its Markdown images do; podium serves them as deck
// assets, and a missing one is a warning.
func TestSlidevPublicHTML(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"s.md":            {Data: []byte("# A\n\n<img src=\"/logo.png\" class=\"w-28\">\n\n<div><img src=\"/gone.png\"></div>\n\n<img src=\"https://example.com/x.png\">\n")},
		"public/logo.png": {Data: []byte("png")},
	}
	d, err := NewLoaderWith(fsys, Options{Dialect: DialectSlidev}).Load()
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	h := d.Slides[0].HTML
	if !regexp.MustCompile(`<img src="/deck/public/logo.png\?v=[0-9a-f]+" class="w-28"/?>`).MatchString(h) {
		t.Errorf("public/logo.png not served from the deck: %s", h)
	}
	if !strings.Contains(h, `<img src="/gone.png">`) || !strings.Contains(h, `<img src="https://example.com/x.png">`) {
		t.Errorf("a missing file or a URL was rewritten: %s", h)
	}
	var warns []string
	for _, w := range d.Warnings {
		warns = append(warns, w.Error())
	}
	if got := strings.Join(warns, "\n"); !strings.Contains(got, `s.md:5: image "public/gone.png" not found`) {
		t.Errorf("warnings %q, want s.md:5 about /gone.png", got)
	}
}

// TestSlidevSlots: Slidev's ::left:: and ::right:: are podium's two-cols
// columns; its other slots are warnings, their markers never text.
func TestSlidevSlots(t *testing.T) {
	t.Parallel()
	src := "---\nlayout: two-cols\n---\n\n# Cols\n\nleft text\n\n::right::\n\nright text\n\n---\nlayout: two-cols-header\n---\n\n# Header\n\n::left::\n\nL\n\n::right::\n\nR\n\n---\n\n# Other\n\n::top::\n\ntop text\n\n::default::\n\nmore\n"
	d, err := NewLoaderWith(fstest.MapFS{"s.md": {Data: []byte(src)}}, Options{Dialect: DialectSlidev}).Load()
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if len(d.Slides) != 3 {
		t.Fatalf("%d slides, want 3", len(d.Slides))
	}
	for i, want := range []string{
		`<h1>Cols</h1>` + "\n" + `<div class="cols">` + "\n" + `<div class="col col-left">` + "\n<p>left text</p>\n</div>\n" + `<div class="col col-right">` + "\n<p>right text</p>\n</div>\n</div>\n",
		`<h1>Header</h1>` + "\n" + `<div class="cols">` + "\n" + `<div class="col col-left">` + "\n<p>L</p>\n</div>\n" + `<div class="col col-right">` + "\n<p>R</p>\n</div>\n</div>\n",
		"<h1>Other</h1>\n<p>top text</p>\n<p>more</p>\n",
	} {
		if s := d.Slides[i]; s.HTML != want {
			t.Errorf("slide %d (layout %s):\n%s\nwant\n%s", i+1, s.Layout, s.HTML, want)
		}
	}
	if d.Slides[0].Layout != "two-cols" || d.Slides[1].Layout != "two-cols" {
		t.Errorf("layouts %q, %q, want two-cols", d.Slides[0].Layout, d.Slides[1].Layout)
	}
	var warns []string
	for _, w := range d.Warnings {
		warns = append(warns, w.Error())
	}
	got := strings.Join(warns, "\n")
	for _, w := range []string{`s.md:31: Slidev slot "::top::"`, `s.md:35: Slidev slot "::default::"`} {
		if !strings.Contains(got, w) {
			t.Errorf("warnings %q, want %q", got, w)
		}
	}
	// In podium's own format "::aside::" is the author's text.
	d, err = Load(fstest.MapFS{"s.md": {Data: []byte("# A\n\n::aside::\n")}})
	if err != nil || !strings.Contains(d.Slides[0].HTML, "<p>::aside::</p>") {
		t.Errorf("podium deck: %v %v", err, d)
	}
}

// TestHighlightCache: a second load on the same engine takes code blocks'
// tokens from the engine's cache, with the very same HTML; past its bound
// the cache starts over, and the HTML is still the same.
func TestHighlightCache(t *testing.T) {
	t.Parallel()
	dk := sharedDecks[3] // slidev-antfu-composable-vue-zh: 45 ts blocks
	fsys := sharedFS(t, dk, false)
	l := NewLoaderWith(fsys, Options{})
	first, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	lx := l.eng.lx
	lx.mu.Lock()
	n := len(lx.lines)
	lx.mu.Unlock()
	if n < 40 {
		t.Fatalf("%d code blocks cached, want the deck's 40 and more", n)
	}
	for _, max := range []int{maxHighlighted, 300} {
		lx.mu.Lock()
		if max != lx.maxCode {
			lx.maxCode, lx.cached = max, 0
			clear(lx.lines)
		}
		lx.mu.Unlock()
		again, err := (&Loader{fsys: fsys, eng: l.eng, cache: map[cacheKey]*chapter{}}).Load()
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range again.Slides {
			if s.HTML != first.Slides[i].HTML {
				t.Fatalf("max %d: slide %d differs from the first load:\n%s\nwant\n%s", max, i+1, s.HTML, first.Slides[i].HTML)
			}
		}
		lx.mu.Lock()
		if lx.cached > lx.maxCode {
			t.Errorf("max %d: %d bytes of code cached", max, lx.cached)
		}
		lx.mu.Unlock()
	}
}
