package export

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/xml"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/slides"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// browser is the Chromium to print with; without one the test skips, or
// fails under CI=true (browsertest's rule).
func browser(t *testing.T) string {
	t.Helper()
	p := browsertest.FindBrowser()
	if p == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found (CI=true: export tests must run)")
		}
		t.Skip("chromium not found; install Debian's chromium to run export tests")
	}
	return p
}

// poppler runs a poppler-utils tool and returns its output.
func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (CI=true): apt-get install poppler-utils", tool)
		}
		t.Skipf("%s not found; apt-get install poppler-utils", tool)
	}
	var stderr strings.Builder
	cmd := exec.Command(tool, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, stderr.String())
	}
	// poppler reads on past what it cannot parse, saying so here.
	if strings.Contains(stderr.String(), "Error") {
		t.Errorf("%s %s: %s", tool, strings.Join(args, " "), stderr.String())
	}
	return string(out)
}

func talk(t *testing.T) *Talk {
	t.Helper()
	tk, err := Load(slides.FS, themes.FS, web.FS, "")
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// printTalk prints tk with opt into a file and returns its path.
func printTalk(t *testing.T, tk *Talk, opt PDFOptions) string {
	t.Helper()
	opt.Browser = browser(t)
	pdf, err := tk.PDF(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "talk.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func pageCount(t *testing.T, pdf string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(poppler(t, "pdfinfo", pdf))
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count", pdf)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// plain is HTML as the words a reader sees, spaces collapsed.
func plain(h string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(h, " "))), " ")
}

// squash drops every space: pdftotext breaks lines where the page does.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// markup matches an HTML tag, and what a style or script element holds.
var markup = regexp.MustCompile(`(?s)<style.*?</style>|<script.*?</script>|<[^>]*>`)

// notePhrases picks from each slide's notes a run of text that appears on
// no slide, so finding it in the PDF can only mean the notes leaked.
func notePhrases(t *testing.T, tk *Talk) []string {
	t.Helper()
	var all strings.Builder
	for _, sl := range tk.Deck.Slides {
		all.WriteString(squash(plain(sl.HTML)))
	}
	var out []string
	for _, sl := range tk.Deck.Slides {
		r := []rune(squash(plain(sl.Notes)))
		for i := 0; i+12 <= len(r); i += 12 {
			if p := string(r[i : i+12]); !strings.Contains(all.String(), p) {
				out = append(out, p)
				break
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d slides with notes to look for; the talk has notes on most slides", len(out))
	}
	return out
}

// TestPDFTalk prints the built-in talk as an organiser gets it: one page
// per slide of exactly the stage's size, every slide's text, no notes,
// embedded fonts, an outline of the chapters, the deck's title.
//
// It prints the talk in documents of at most 20 pages, which join.go
// puts together: everything below holds of the joined PDF.
func TestPDFTalk(t *testing.T) {
	t.Parallel()
	tk := talk(t)
	if n := len(tk.batches(tk.pages(false), 20)); n < 3 {
		t.Fatalf("the talk prints as %d documents of 20 pages: nothing to join", n)
	}
	pdf := printTalk(t, tk, PDFOptions{batch: 20, strict: true})

	info := poppler(t, "pdfinfo", pdf)
	if n := pageCount(t, pdf); n != len(tk.Deck.Slides) {
		t.Errorf("pages = %d, want one per slide: %d", n, len(tk.Deck.Slides))
	}
	if !strings.Contains(info, "Page size:       960 x 540 pts") {
		t.Errorf("page size is not the 1280×720 stage (960×540 pt):\n%s", info)
	}
	if !strings.Contains(info, "Title:           "+tk.Deck.Meta.Title) {
		t.Errorf("no title %q in pdfinfo:\n%s", tk.Deck.Meta.Title, info)
	}
	if !strings.Contains(info, "Tagged:          yes") {
		t.Errorf("not a tagged PDF:\n%s", info)
	}

	// Each page holds its slide's text: the start of what the slide shows
	// (its title may be a setting no one sees: a statement's or a fact's).
	// pdftotext ends each page with a form feed: one run reads them all.
	pages := strings.Split(poppler(t, "pdftotext", pdf, "-"), "\f")
	if len(pages) < len(tk.Deck.Slides) {
		t.Fatalf("pdftotext found %d pages, want %d", len(pages), len(tk.Deck.Slides))
	}
	for i, sl := range tk.Deck.Slides {
		page := squash(pages[i])
		shown := []rune(squash(html.UnescapeString(markup.ReplaceAllString(sl.HTML, " "))))
		if len(shown) == 0 {
			t.Errorf("slide %d shows no text to look for on its page", i+1)
			continue
		}
		if want := string(shown[:min(len(shown), 6)]); !strings.Contains(page, want) {
			t.Errorf("page %d lacks its slide's text %q; has %q", i+1, want, page)
		}
	}
	text := squash(strings.Join(pages, ""))
	for _, p := range notePhrases(t, tk) {
		if strings.Contains(text, p) {
			t.Errorf("the PDF holds speaker notes: %q", p)
		}
	}

	fonts := poppler(t, "pdffonts", pdf)
	rows := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
	if len(rows) == 0 {
		t.Fatalf("pdffonts lists no font:\n%s", fonts)
	}
	for _, r := range rows {
		f := strings.Fields(r)
		// name type… encoding emb sub uni object ID: emb is 5th from the end.
		if len(f) < 6 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", r)
		}
	}

	top := outline(t, pdf)
	var want []string
	for _, c := range tk.Deck.Chapters {
		want = append(want, c.Title)
	}
	var got []string
	for _, it := range top {
		got = append(got, it.Title)
	}
	// (Chromium drops the space between Latin and CJK words of a heading.)
	if squash(strings.Join(got, "|")) != squash(strings.Join(want, "|")) {
		t.Errorf("outline top level = %q, want the chapters %q", got, want)
	}
	if n := len(top[1].Items); n < 5 {
		t.Errorf("chapter %q has %d slide entries in the outline, want its slides", top[1].Title, n)
	}
	// One structure tree: one Document, each chapter's title in it.
	// (poppler 22 reads PDF 2.0's Strong, which Chromium writes for
	// <strong>, as "wrong type": the poppler helper would fail on it.)
	out, err := exec.Command("pdfinfo", "-struct-text", pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo -struct-text: %v", err)
	}
	st := string(out)
	if n := strings.Count(st, "Document"); n != 1 {
		t.Errorf("the structure tree has %d Document elements, want 1", n)
	}
	for _, c := range tk.Deck.Chapters {
		if !strings.Contains(squash(st), squash(c.Title)) {
			t.Errorf("the structure tree lacks the chapter title %q", c.Title)
		}
	}
}

type outlineItem struct {
	Title string
	Page  int
	Items []outlineItem
}

// outline reads the PDF's bookmarks with pdftohtml -xml: items, each
// followed by a nested <outline> of its children.
func outline(t *testing.T, pdf string) []outlineItem {
	t.Helper()
	out := poppler(t, "pdftohtml", "-xml", "-i", "-stdout", "-q", pdf)
	dec := xml.NewDecoder(strings.NewReader(out))
	dec.Strict = false
	var stack [][]outlineItem
	var done []outlineItem
	var item *outlineItem
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "outline":
				stack = append(stack, nil)
			case "item":
				item = &outlineItem{}
				for _, a := range e.Attr {
					if a.Name.Local == "page" {
						item.Page, _ = strconv.Atoi(a.Value)
					}
				}
			}
		case xml.CharData:
			if item != nil {
				item.Title += string(e)
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "item":
				stack[len(stack)-1] = append(stack[len(stack)-1], *item)
				item = nil
			case "outline":
				level := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					done = level
					continue
				}
				parent := stack[len(stack)-1]
				if len(parent) > 0 {
					parent[len(parent)-1].Items = level
				}
			}
		}
	}
	if done == nil {
		t.Fatalf("no outline in %s", pdf)
	}
	return done
}

// TestPDFSteps prints one page per step.
func TestPDFSteps(t *testing.T) {
	t.Parallel()
	tk := talk(t)
	want := 0
	for _, sl := range tk.Deck.Slides {
		want += sl.Steps + 1
	}
	if want == len(tk.Deck.Slides) {
		t.Fatal("the talk has no steps to print")
	}
	if n := len(tk.batches(tk.pages(true), 30)); n < 2 {
		t.Fatalf("the talk's steps print as %d document of 30 pages: nothing to join", n)
	}
	pdf := printTalk(t, tk, PDFOptions{Steps: true, batch: 30, strict: true})
	if n := pageCount(t, pdf); n != want {
		t.Errorf("pages = %d, want one per step: %d", n, want)
	}
	// The outline still has one entry per chapter, not one per step.
	if n := len(outline(t, pdf)); n != len(tk.Deck.Chapters) {
		t.Errorf("outline has %d top entries, want %d chapters", n, len(tk.Deck.Chapters))
	}
}

// TestPDFNotes prints the handout, the one output with the notes.
func TestPDFNotes(t *testing.T) {
	t.Parallel()
	tk := talk(t)
	pdf := printTalk(t, tk, PDFOptions{Notes: true})
	if n := pageCount(t, pdf); n != len(tk.Deck.Slides) {
		t.Errorf("pages = %d, want one per slide: %d", n, len(tk.Deck.Slides))
	}
	text := squash(poppler(t, "pdftotext", pdf, "-"))
	for _, p := range notePhrases(t, tk) {
		if !strings.Contains(text, p) {
			t.Errorf("the handout lacks the notes text %q", p)
		}
	}
}

// TestPDFMeta checks the document's metadata and a link of a small deck
// with an author and an image. Its browser dies as it first starts (see
// crashing): StartBrowser starts it again and the PDF is whole.
func TestPDFMeta(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"01-a.md": {Data: []byte("---\ntitle: Über Container\nauthor: Ada Lovelace & Co\nlang: de\n---\n\n# Über Container\n\n[the spec](https://example.org/spec)\n\n![box](box.svg)\n")},
		"box.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`)},
	}
	tk, err := Load(fsys, themes.FS, web.FS, "dark")
	if err != nil {
		t.Fatal(err)
	}
	path, crashes := crashing(t, 1, browser(t))
	out, err := tk.PDF(t.Context(), PDFOptions{Browser: path})
	if err != nil {
		t.Fatalf("after one crash at the browser's start: %v", err)
	}
	if n := crashes(); n != 1 {
		t.Fatalf("the browser crashed %d times, want 1: the test proves nothing", n)
	}
	pdf := filepath.Join(t.TempDir(), "meta.pdf")
	if err := os.WriteFile(pdf, out, 0o644); err != nil {
		t.Fatal(err)
	}
	info := poppler(t, "pdfinfo", pdf)
	for _, want := range []string{"Title:           Über Container", "Author:          Ada Lovelace & Co", "Creator:         podium", "Pages:           1"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if urls := poppler(t, "pdfinfo", "-url", pdf); !strings.Contains(urls, "https://example.org/spec") {
		t.Errorf("the link is not a PDF link annotation; pdfinfo -url:\n%s", urls)
	}
	if st := poppler(t, "pdfinfo", "-struct", pdf); !strings.Contains(st, "H1") {
		t.Errorf("no H1 in the structure tree:\n%s", st)
	}
	raw, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(inflated(t, raw), []byte("/Lang (de)")) {
		t.Error("no /Lang (de) in the catalog")
	}
}

// inflated is raw with every Flate stream decompressed after it: the
// text of the objects compact packed into object streams.
func inflated(t *testing.T, raw []byte) []byte {
	t.Helper()
	out := append([]byte(nil), raw...)
	for _, m := range regexp.MustCompile(`/Length (\d+)>>\nstream\n`).FindAllSubmatchIndex(raw, -1) {
		n, _ := strconv.Atoi(string(raw[m[2]:m[3]]))
		if m[1]+n > len(raw) {
			t.Fatalf("stream at %d runs past the end", m[0])
		}
		r, err := zlib.NewReader(bytes.NewReader(raw[m[1] : m[1]+n]))
		if err != nil {
			continue // not Flate
		}
		if b, err := io.ReadAll(r); err == nil {
			out = append(out, b...)
		}
	}
	return out
}

// TestPDFInterrupt cancels an export while the browser lays out the pages:
// PDF returns the context's error and no browser process is left.
func TestPDFInterrupt(t *testing.T) {
	t.Parallel()
	tk := talk(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var running bool
	_, err := tk.PDF(ctx, PDFOptions{
		Browser:     browser(t),
		UserDataDir: dir,
		Progress: func(done, total int) {
			running = browserProcesses(dir) > 0
			cancel()
		},
	})
	if err == nil {
		t.Fatal("PDF after cancel: no error")
	}
	if !running {
		t.Fatal("the browser was not seen running before the cancel: the test proves nothing")
	}
	if n := browserProcesses(dir); n > 0 {
		t.Errorf("%d browser processes left after the cancel", n)
	}
}

// browserProcesses counts the processes started with dir as their
// profile: the browser and its helpers all carry --user-data-dir.
func browserProcesses(dir string) int {
	entries, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmd, []byte("--user-data-dir="+dir)) {
			n++
		}
	}
	return n
}
