package export

import (
	"bytes"
	"image"
	pngpkg "image/png"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// TestHTMLFromFile opens the static copy of the talk from file:// (where
// no ES module loads) and drives it as a reader would.
func TestHTMLFromFile(t *testing.T) {
	t.Parallel()
	tk := talk(t)
	site, err := tk.HTML()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := site.Write(dir); err != nil {
		t.Fatal(err)
	}
	// No file of the copy holds a speaker note, nor a chapter source.
	phrases := notePhrases(t, tk)
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(p, ".md") {
			t.Errorf("the copy has a chapter source: %s", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// The deck is JSON in index.html: non-ASCII stays as it is, so
		// the notes would show verbatim.
		text := squash(string(data))
		for _, ph := range phrases {
			if strings.Contains(text, ph) {
				t.Errorf("%s holds speaker notes: %q", p, ph)
			}
		}
		return nil
	})

	ctx := browsertest.New(t)
	u := url.URL{Scheme: "file", Path: filepath.Join(dir, "index.html")}
	browsertest.Do(t, ctx, chromedp.Navigate(u.String()))
	browsertest.WaitFor(t, ctx, `document.getElementById("podium").dataset.ready === "true"`, "the static copy to start")
	if got := browsertest.Eval[string](t, ctx, `document.querySelector(".slide.current h1").textContent`); got != tk.Deck.Slides[0].Title {
		t.Errorf("first slide shows %q, want %q", got, tk.Deck.Slides[0].Title)
	}
	browsertest.Do(t, ctx, browsertest.Key(kb.ArrowRight))
	browsertest.WaitFor(t, ctx, `podium.view.index === 1 && location.hash === "#2"`, "→ to move to slide 2")
	// S has no presenter view to open here, and the help does not offer it.
	browsertest.Eval[bool](t, ctx, `(window.opened = [], window.open = (u) => { opened.push(u); return null; }, true)`)
	browsertest.Do(t, ctx, browsertest.Key("s"), browsertest.Key("?"))
	browsertest.WaitFor(t, ctx, `podium.controls.help.open`, "the help to open")
	if got := browsertest.Eval[string](t, ctx, `opened.join(" ") + "|" + [...document.querySelectorAll(".keys td:first-child")].some((td) => td.textContent.trim() === "S")`); got != "|false" {
		t.Errorf("S in the static copy: opened %q (want nothing, and no S in the help)", got)
	}
	browsertest.Do(t, ctx, browsertest.Key(kb.Escape))
	browsertest.WaitFor(t, ctx, `!podium.controls.help.open`, "Esc to close the help")
	// Overview and go-to work without a server.
	browsertest.Do(t, ctx, browsertest.Key("o"))
	browsertest.WaitFor(t, ctx, `podium.controls.overview.open`, "the overview to open")
	// The talk's diagram, an SVG drawn in the theme's colours, is in the
	// page itself (inlined) and drawn.
	svg := -1
	for i, sl := range tk.Deck.Slides {
		if strings.Contains(sl.HTML, `class="deck-svg"`) {
			svg = i
			break
		}
	}
	if svg < 0 {
		t.Fatal("the talk has no inlined SVG diagram to look for")
	}
	browsertest.Do(t, ctx, chromedp.Navigate(u.String()+"#"+strconv.Itoa(svg+1)))
	browsertest.WaitFor(t, ctx, `podium.view.index === `+strconv.Itoa(svg)+` && (() => {
		const s = document.querySelector(".slide.current svg.deck-svg");
		return !!s && s.getBoundingClientRect().width > 100;
	})()`, "the hash to open the slide with the diagram, and the diagram to be drawn")

	// An image file loads from the copy's deck/ folder.
	var png bytes.Buffer
	if err := pngpkg.Encode(&png, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	pic, err := Load(fstest.MapFS{
		"01.md":       {Data: []byte("# Pictures\n\n---\n\n## A picture\n\n![four by three](img/pic.png)\n")},
		"img/pic.png": {Data: png.Bytes()},
	}, themes.FS, web.FS, "")
	if err != nil {
		t.Fatal(err)
	}
	picSite, err := pic.HTML()
	if err != nil {
		t.Fatal(err)
	}
	picDir := t.TempDir()
	if err := picSite.Write(picDir); err != nil {
		t.Fatal(err)
	}
	pu := url.URL{Scheme: "file", Path: filepath.Join(picDir, "index.html"), Fragment: "2"}
	browsertest.Do(t, ctx, chromedp.Navigate(pu.String()))
	browsertest.WaitFor(t, ctx, `podium.view?.index === 1 && (() => {
		const i = document.querySelector(".slide.current img");
		return i && i.complete && i.naturalWidth === 4;
	})()`, "the image to load from the copy's deck/ folder")
}

// TestHTMLAssets copies only the assets the slides name, under deck/, and
// points the slides there; a linked file that the live server would not
// serve (not on its allowlist, an editor's backup of a chapter) stays out.
func TestHTMLAssets(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"01-a.md":       {Data: []byte("# A\n\n![pic](img/a%20b.svg)\n\n[ideas](ideas.txt) [old](01-a.md~)\n\nNote: secret words here\n")},
		"ideas.txt":     {Data: []byte("secret words in a linked text file")},
		"01-a.md~":      {Data: []byte("# A\n\nNote: secret words in a backup\n")},
		"img/a b.svg":   {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		"unused.txt":    {Data: []byte("draft")},
		"_draft.md":     {Data: []byte("# draft\n")},
		".hidden/x.svg": {Data: []byte("x")},
	}
	tk, err := Load(fsys, themes.FS, web.FS, "")
	if err != nil {
		t.Fatal(err)
	}
	site, err := tk.HTML()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range site {
		names = append(names, n)
	}
	want := map[string]bool{"index.html": true, "podium.css": true, "theme.css": true, "podium.js": true, "deck/img/a b.svg": true}
	for _, n := range names {
		if !want[n] {
			t.Errorf("unexpected file %s", n)
		}
		delete(want, n)
	}
	for n := range want {
		t.Errorf("missing file %s", n)
	}
	idx := string(site["index.html"])
	if strings.Contains(idx, `/deck/`) || !strings.Contains(idx, `src=\"deck/img/a%20b.svg?v=`) {
		t.Errorf("slide image not relative to the copy:\n%s", idx)
	}
	if strings.Contains(idx, "secret words") {
		t.Error("index.html holds the notes")
	}
}

// TestHTMLSlideSettings: a slide's layout and background image reach the
// copy, the image under deck/ and named relative to index.html.
func TestHTMLSlideSettings(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"01-a.md": {Data: []byte("# A\n\n---\nlayout: center\nbackground: bg.svg\n---\n\n# B\n")},
		"bg.svg":  {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
	}
	tk, err := Load(fsys, themes.FS, web.FS, "")
	if err != nil {
		t.Fatal(err)
	}
	site, err := tk.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if site["deck/bg.svg"] == nil {
		t.Error("the background image is not in the copy")
	}
	idx := string(site["index.html"])
	for _, want := range []string{`"layout":"center"`, `"image":"deck/bg.svg?v=`} {
		if !strings.Contains(idx, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
}
