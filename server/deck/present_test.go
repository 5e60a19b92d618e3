package deck

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// loadFile loads the one deck file name of fsys, as podium FILE does.
func loadFile(t testing.TB, fsys fstest.MapFS, name string) (*Deck, error) {
	t.Helper()
	return NewLoaderWith(fsys, Options{File: name}).Load()
}

func mustLoadFile(t testing.TB, fsys fstest.MapFS, name string) *Deck {
	t.Helper()
	d, err := loadFile(t, fsys, name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return d
}

// publicText is everything of d an audience device can fetch: the public
// deck (/api/deck) and the slides' HTML.
func publicText(t testing.TB, d *Deck) string {
	t.Helper()
	chs, ss := d.Public()
	b, err := json.Marshal(struct {
		M Meta
		C []PublicChapter
		S []PublicSlide
	}{d.Meta, chs, ss})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPresentGofmtCN reads a real legacy present deck (golang/talks,
// 2015/gofmt-cn.slide): 32 slides (the title slide and its 31 "*"
// slides), "#" lines are commentary and never shown, images resolve
// beside the file, and slides point at their lines in the .slide.
func TestPresentGofmtCN(t *testing.T) {
	t.Parallel()
	d, err := NewLoaderWith(os.DirFS("testdata/present/gofmt-cn"), Options{File: "gofmt-cn.slide"}).Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Slides) != 32 {
		t.Fatalf("%d slides, want 32", len(d.Slides))
	}
	if d.Meta.Title != "gofmt 的文化演变" || d.Meta.Author != "Robert Griesemer" {
		t.Errorf("meta %+v", d.Meta)
	}
	if d.Slides[0].Line != 2 || d.Slides[1].Line != 10 || d.Slides[1].Title != "gofmt" {
		t.Errorf("slide 1 at line %d, slide 2 %q at line %d; want 2 and \"gofmt\" at 10", d.Slides[0].Line, d.Slides[1].Title, d.Slides[1].Line)
	}
	pub := publicText(t, d)
	for _, hidden := range []string{"Go source code formatter", "Google C++ style guide", "## "} {
		if strings.Contains(pub, hidden) {
			t.Errorf("commentary %q is on the slides", hidden)
		}
	}
	if !strings.Contains(pub, `/deck/gofmt/comments.jpg?v=`) {
		t.Error("no .image of gofmt/comments.jpg")
	}
	if len(d.Warnings) != 0 {
		t.Errorf("warnings: %v", d.Warnings)
	}
}

const presentLegacy = `Podium in present
A subtitle
15:04 2 Jan 2026
Tags: go, talks
: title notes: secret-title

Ada Lovelace
Analyst, Engines
ada@example.com

* First slide

Some _italic_ and *bold* and ` + "`code`" + ` and *Much*too*much* and [[https://go.dev][the Go site]].
A line with <b>tags</b>, $x$ and a :tada: stays text.
Note: this line is text in present.
# a comment: secret-comment

- one
- two
  wrapped
: the notes: secret-one

** A subsection

	preformatted
	  text

* Code

.code prog.go /START OMIT/,/END OMIT/ HLmain
.play -edit prog.go /^func add/,/^}/

* Commands
.background bg.png
.image pic.png 100 _
.caption A _caption_
.link https://example.com/x Example site
.iframe https://example.com/embed 300 400
.html extra.html
.frobnicate
`

const presentProg = `package main

// START OMIT
func main() {
	println(add(1, 2)) // HLmain
	// hidden OMIT
}
// END OMIT

func add(a, b int) int {
	return a + b
}
`

func presentFS(slide string) fstest.MapFS {
	return fstest.MapFS{
		"talk.slide": {Data: []byte(slide)},
		"prog.go":    {Data: []byte(presentProg)},
		"pic.png":    {Data: []byte("\x89PNG")},
		"bg.png":     {Data: []byte("\x89PNG")},
		"extra.html": {Data: []byte("<script>alert(1)</script>")},
		"other.md":   {Data: []byte("# Not part of the deck\n")},
	}
}

// TestPresentLegacy covers legacy present markup: the header and authors
// make the title slide and the metadata, "*" titles the slides, font
// markers and links become Markdown's, other text stays text, notes go
// to the presenter only, and the commands are translated.
func TestPresentLegacy(t *testing.T) {
	t.Parallel()
	d := mustLoadFile(t, presentFS(presentLegacy), "talk.slide")
	if len(d.Slides) != 4 {
		t.Fatalf("%d slides, want 4", len(d.Slides))
	}
	if m := d.Meta; m.Title != "Podium in present" || m.Author != "Ada Lovelace" || m.Date != "15:04 2 Jan 2026" {
		t.Errorf("meta %+v", m)
	}
	title, first, code, cmds := d.Slides[0], d.Slides[1], d.Slides[2], d.Slides[3]
	for _, want := range []string{"<h1>Podium in present</h1>", "A subtitle", "Ada Lovelace<br>", "Analyst, Engines"} {
		if !strings.Contains(title.HTML, want) {
			t.Errorf("title slide lacks %q:\n%s", want, title.HTML)
		}
	}
	if strings.Contains(title.HTML, "ada@example.com") || strings.Contains(title.HTML, "Tags") {
		t.Errorf("title slide shows the address or tags:\n%s", title.HTML)
	}
	if !strings.Contains(title.Notes, "secret-title") {
		t.Errorf("title notes %q", title.Notes)
	}
	for _, want := range []string{
		"<h2>First slide</h2>", "<em>italic</em>", "<strong>bold</strong>", "<code>code</code>",
		"<strong>Much too much</strong>", `<a href="https://go.dev">the Go site</a>`,
		"&lt;b&gt;tags&lt;/b&gt;, $x$ and a :tada: stays text", "Note: this line is text in present.",
		"<li>one</li>", "two\nwrapped", "<h3>A subsection</h3>", "<pre", "preformatted\n",
	} {
		if !strings.Contains(first.HTML, want) {
			t.Errorf("first slide lacks %q:\n%s", want, first.HTML)
		}
	}
	if first.Line != 11 || code.Line != 28 || cmds.Line != 33 {
		t.Errorf("slides at lines %d, %d and %d, want 11, 28 and 33", first.Line, code.Line, cmds.Line)
	}
	if strings.Contains(first.HTML, "secret") || !strings.Contains(first.Notes, "secret-one") {
		t.Errorf("notes: HTML %q, notes %q", first.HTML, first.Notes)
	}
	// .code: the lines between the markers, OMIT lines out, the HLmain
	// line emphasized and its marker gone; .play: the same for its address.
	if n := strings.Count(code.HTML, `<pre class="chroma`); n != 2 {
		t.Errorf("%d code blocks, want 2", n)
	}
	for _, want := range []string{`data-lang="go"`, `<span class="line hl">`, "println", `<span class="nf">add</span>`} {
		if !strings.Contains(code.HTML, want) {
			t.Errorf("code slide lacks %q:\n%s", want, code.HTML)
		}
	}
	for _, not := range []string{"START", "hidden", "HLmain", "package main"} {
		if strings.Contains(code.HTML, not) {
			t.Errorf("code slide shows %q:\n%s", not, code.HTML)
		}
	}
	if !strings.HasPrefix(cmds.Background.Image, "/deck/bg.png?v=") {
		t.Errorf("background %+v", cmds.Background)
	}
	for _, want := range []string{`<img src="/deck/pic.png?v=`, "A <em>caption</em>", `<a href="https://example.com/x">Example site</a>`, `<a href="https://example.com/embed">`} {
		if !strings.Contains(cmds.HTML, want) {
			t.Errorf("commands slide lacks %q:\n%s", want, cmds.HTML)
		}
	}
	if strings.Contains(cmds.HTML, "<iframe") || strings.Contains(cmds.HTML, "alert") || strings.Contains(cmds.HTML, "frobnicate") {
		t.Errorf("commands slide embeds or shows too much:\n%s", cmds.HTML)
	}
	var ws []string
	for _, w := range d.Warnings {
		ws = append(ws, w.Error())
	}
	got := strings.Join(ws, "\n")
	for _, want := range []string{"talk.slide:38: present: .iframe", "talk.slide:39: present: .html extra.html is left out", "talk.slide:40: present: unknown command .frobnicate"} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	pub := publicText(t, d)
	if strings.Contains(pub, "secret") {
		t.Errorf("a note or comment reaches the public deck: %s", pub)
	}
}

const presentMarkdown = `# Markdown present
Subtitle here

Grace Hopper

## One {#one}

Some **bold** text.
// a comment: secret-comment
: note one: secret-1

- a
- b

### Sub

## Two

$$
x^2
$$

.image pic.png
`

// TestPresentMarkdownMode: a file whose title starts with "# " is
// Markdown-enabled present: "##" titles, Markdown bodies, "//" comments.
func TestPresentMarkdownMode(t *testing.T) {
	t.Parallel()
	d := mustLoadFile(t, presentFS(presentMarkdown), "talk.slide")
	if len(d.Slides) != 3 || d.Meta.Title != "Markdown present" {
		t.Fatalf("%d slides, meta %+v", len(d.Slides), d.Meta)
	}
	one, two := d.Slides[1], d.Slides[2]
	if one.Title != "One" || !strings.Contains(one.HTML, "<strong>bold</strong>") || !strings.Contains(one.HTML, "<h3>Sub</h3>") {
		t.Errorf("slide One: %q\n%s", one.Title, one.HTML)
	}
	if !strings.Contains(one.Notes, "secret-1") || strings.Contains(publicText(t, d), "secret") {
		t.Errorf("notes %q; or a note or comment is public", one.Notes)
	}
	if !strings.Contains(two.HTML, "<math") || !strings.Contains(two.HTML, "/deck/pic.png") {
		t.Errorf("slide Two:\n%s", two.HTML)
	}
}

// TestPresentErrors: problems point at the lines of the .slide file, the
// translator's and goldmark's alike.
func TestPresentErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, src, want string }{
		{"missing code", "T\n\n* A\n\n.code nope.go\n", "talk.slide:5: present: .code nope.go: file does not exist"},
		{"no match", "T\n\n* A\n\n.code prog.go /nomatch/\n", "talk.slide:5: present: .code prog.go /nomatch/: no match for /nomatch/"},
		{"escape", "T\n\n* A\n\n.code ../prog.go\n", "talk.slide:5: present: .code ../prog.go: the file is outside the deck folder"},
		{"missing image", "T\n\n* A\n\ntext\n\n.image nope.png\n", "talk.slide:7:"},
		{"unterminated math", "# T\n\n## A\n\ntext\n\n$$\nx\n", "talk.slide:7: unterminated display math"},
		{"stray line", "T\n\nAuthor\n* A\n\nok\n", ""},
		{"bad header", "T\nsub\nmore\n\n* A\n", "talk.slide:3: present: unexpected header line \"more\""},
		{"empty", "#c\n\n#d\n", "talk.slide:1: present: no title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadFile(t, presentFS(tc.src), "talk.slide")
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			var ps Problems
			if !errors.As(err, &ps) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestPresentAddress: present's code addresses, in the forms talks use.
func TestPresentAddress(t *testing.T) {
	t.Parallel()
	src := "a\nb\nfunc x() {\n\tc\n}\nd\n"
	for _, tc := range []struct{ addr, want string }{
		{"", src},
		{"2", "b\n"},
		{"2,3", "b\nfunc x() {\n"},
		{"/^func/,/^}/", "func x() {\n\tc\n}\n"},
		{"/\\tc/", "\tc\n"},
		{"/b/,$", "b\nfunc x() {\n\tc\n}\nd\n"},
		{"3,/d/", "func x() {\n\tc\n}\nd\n"},
	} {
		lo, hi, err := presentAddress(src, tc.addr)
		if err != nil || src[lo:hi] != tc.want {
			t.Errorf("address %q: %q, %v; want %q", tc.addr, src[lo:hi], err, tc.want)
		}
	}
	for _, bad := range []string{"/unterminated", "9", "#3", "/(/"} {
		if _, _, err := presentAddress(src, bad); err == nil {
			t.Errorf("address %q: no error", bad)
		}
	}
}

// TestRemarkHTML: a remark page's Markdown is its source textarea, read
// by an HTML tokenizer (entities decoded, "</textarea>" written as
// entities kept in the Markdown), its lines numbered as in the page.
func TestRemarkHTML(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/decks/remark-intro-gnab/index.html")
	if err != nil {
		t.Fatal(err)
	}
	tr, ps := translateRemarkHTML("index.html", string(raw))
	if ps != nil {
		t.Fatal(ps)
	}
	lines := strings.Split(tr.text, "\n")
	if lines[0] != "name: inverse" || tr.origLine(1) != 123 {
		t.Errorf("first line %q at %d, want \"name: inverse\" at 123", lines[0], tr.origLine(1))
	}
	for i, l := range lines {
		if strings.Contains(l, "</textarea>") {
			if tr.origLine(i+1) != 258 {
				t.Errorf("the escaped </textarea> is at line %d, want 258", tr.origLine(i+1))
			}
			break
		}
	}
	if last := tr.origLine(len(lines)); last > 461 {
		t.Errorf("the Markdown runs to line %d, past the closing </textarea> at 461", last)
	}
	d, err := NewLoaderWith(os.DirFS("testdata/decks/remark-intro-gnab"), Options{File: "index.html"}).Load()
	if err != nil {
		t.Fatal(err)
	}
	if d.Slides[0].Line < 123 {
		t.Errorf("first slide at line %d of the page, before its textarea", d.Slides[0].Line)
	}
	// Read as remark (the dialects reader): remark's own count, its
	// "???" notes for the presenter only.
	if d.Dialect != DialectRemark || len(d.Slides) != 19 {
		t.Errorf("read as %q: %d slides, want remark's 19", d.Dialect, len(d.Slides))
	}
	notes := ""
	for _, s := range d.Slides {
		notes += s.Notes
	}
	if pub := publicText(t, d); strings.Contains(pub, "toggled presenter mode") || !strings.Contains(notes, "toggled presenter mode") {
		t.Errorf("the ??? note is public (%v) or not the presenter's (%q)", strings.Contains(pub, "toggled presenter mode"), notes)
	}

	for _, tc := range []struct{ page, want string }{
		{"<html><body><p>no slides</p></body></html>", `index.html: remark page: no <textarea id="source">`},
		{"<html>\n<textarea id=source>\n   \n</textarea>", "index.html:2: remark page: the source textarea is empty"},
	} {
		_, err := loadFile(t, fstest.MapFS{"index.html": {Data: []byte(tc.page)}}, "index.html")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("page %q: %v, want %q", tc.page, err, tc.want)
		}
	}
}

// TestSingleFileIgnoresOthers: with Options.File, the folder's other
// Markdown files are not chapters.
func TestSingleFileIgnoresOthers(t *testing.T) {
	t.Parallel()
	fsys := presentFS(presentLegacy)
	fsys["slides.md"] = &fstest.MapFile{Data: []byte("# Only this\n")}
	d := mustLoadFile(t, fsys, "slides.md")
	if len(d.Chapters) != 1 || len(d.Slides) != 1 || d.Slides[0].Title != "Only this" {
		t.Errorf("chapters %d, slides %d", len(d.Chapters), len(d.Slides))
	}
	if _, err := loadFile(t, fsys, "nope.md"); err == nil || !strings.Contains(err.Error(), "nope.md: no such file") {
		t.Errorf("missing file: %v", err)
	}
}

// TestPresentToken reads an excerpt of a real legacy deck (golang/talks,
// 2016/token.slide): "#include" lines in code stay code, a text line
// "Note: …" stays slide text, [[url][]] links keep their URL as label.
func TestPresentToken(t *testing.T) {
	t.Parallel()
	d, err := NewLoaderWith(os.DirFS("testdata/present/token"), Options{File: "token.slide"}).Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Slides) != 15 {
		t.Fatalf("%d slides, want 15", len(d.Slides))
	}
	var all strings.Builder
	for _, s := range d.Slides {
		all.WriteString(s.HTML)
	}
	for _, want := range []string{"#include &quot;../cc/lexbody&quot;", "Note: No <code>Peek</code>. This has no lookahead.",
		`<a href="https://talks.golang.org/2015/gogo.slide">https://talks.golang.org/2015/gogo.slide</a>`,
		"<em>parse tree</em>", "Sydney Go Meetup"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no %q in the slides", want)
		}
	}
	for _, s := range d.Slides {
		if s.Notes != "" {
			t.Errorf("slide %d has notes %q", s.Index+1, s.Notes)
		}
	}
}

// BenchmarkLoadPresent is a cold load of a real present deck (detection,
// translation, parse, render), and BenchmarkTranslatePresent the
// translation alone.
func BenchmarkLoadPresent(b *testing.B) {
	// The peer: the same gofmt deck as podium Markdown (what podium
	// convert writes), loaded the same way.
	b.Run("gofmt-cn-as-md", func(b *testing.B) {
		raw, err := os.ReadFile("testdata/present/gofmt-cn/gofmt-cn.slide")
		if err != nil {
			b.Fatal(err)
		}
		tr, ps := translatePresent(nil, "gofmt-cn.slide", string(raw))
		if ps != nil {
			b.Fatal(ps)
		}
		fsys := fstest.MapFS{"01-gofmt-cn.md": {Data: []byte(tr.text)}}
		for _, img := range []string{"biggerpic", "bigpic", "comments", "merge", "tabstops"} {
			data, _ := os.ReadFile("testdata/present/gofmt-cn/gofmt/" + img + ".jpg")
			fsys["gofmt/"+img+".jpg"] = &fstest.MapFile{Data: data}
		}
		for b.Loop() {
			if _, err := Load(fsys); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, tc := range []struct{ dir, file string }{{"gofmt-cn", "gofmt-cn.slide"}, {"token", "token.slide"}, {"remark-intro-gnab", "index.html"}} {
		b.Run(tc.dir, func(b *testing.B) {
			fsys := os.DirFS("testdata/present/" + tc.dir)
			for b.Loop() {
				if _, err := NewLoaderWith(fsys, Options{File: tc.file}).Load(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkTranslatePresent(b *testing.B) {
	raw, err := os.ReadFile("testdata/present/gofmt-cn/gofmt-cn.slide")
	if err != nil {
		b.Fatal(err)
	}
	fsys := os.DirFS("testdata/present/gofmt-cn")
	for b.Loop() {
		if _, ps := translatePresent(fsys, "gofmt-cn.slide", string(raw)); ps != nil {
			b.Fatal(ps)
		}
	}
}
