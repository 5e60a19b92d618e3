package server

// Browser test of asset reload: an image a slide shows is edited on disk
// (rewritten, or a new file moved over it), and every page shows the new
// image in place, without a page reload.

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	bt "github.com/podium-talks/podium/server/browsertest"
)

// pngOf is a PNG image width pixels wide.
func pngOf(t testing.TB, width int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, width, 8))
	for x := range width {
		img.Set(x, 0, color.RGBA{R: uint8(x), A: 255})
	}
	var b bytes.Buffer
	must(t, png.Encode(&b, img))
	return b.String()
}

// TestReloadImage: rewriting an image, then moving a new file over it,
// shows the new image on the audience page and the presenter view, in the
// same img element, with no page reload; the page fetched only what
// changed (a delta of the deck).
func TestReloadImage(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"01-intro.md":     "---\ntitle: Images\n---\n\n# Opening\n\n---\n\n# The diagram\n\n![diagram](img/diagram.png)\n\nNote: the secret of the diagram.\n\n---\n\n# Last\n",
		"img/diagram.png": pngOf(t, 10),
	}
	r := newReloadDeckOf(t, files, false)
	ctx := bt.New(t)
	aud := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenFollower(t, aud, r.url)
	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, r.url+"/presenter?token="+presenterToken)
	r.srv.hub.Goto(1, 0)
	tabs := map[string]context.Context{"audience": aud, "presenter": pres}
	img := `podium.view.slideElement(1).querySelector("img")`
	for who, tab := range tabs {
		bt.WaitAt(t, tab, who, 1, 0)
		bt.WaitFor(t, tab, img+`?.complete && `+img+`.naturalWidth === 10`, "the ", who, " page to show the 10 px image")
		bt.Eval[chromedp.Void](t, tab, `window.marker = 42; window.imgEl = `+img+`; window.firstSrc = imgEl.src`)
	}

	for _, step := range []struct {
		how   string
		width int
		save  func(body string)
	}{
		{"rewritten", 20, func(body string) { r.write(t, "img/diagram.png", body) }},
		{"a new file moved over it", 30, func(body string) {
			r.write(t, "img/.diagram.png.tmp", body)
			must(t, os.Rename(filepath.Join(r.dir, "img/.diagram.png.tmp"), filepath.Join(r.dir, "img/diagram.png")))
		}},
	} {
		step.save(pngOf(t, step.width))
		for who, tab := range tabs {
			bt.WaitFor(t, tab, fmt.Sprintf(`%s?.complete && %[1]s.naturalWidth === %d`, img, step.width),
				"the ", who, " page to show the ", step.how, " image (", step.width, " px)")
			got := bt.Eval[string](t, tab, `[window.marker === 42, `+img+` === window.imgEl, /\?v=[0-9a-f]{8}$/.test(imgEl.src),
				imgEl.src !== window.firstSrc, performance.getEntriesByType("navigation").length].join()`)
			if got != "true,true,true,true,1" {
				t.Errorf("%s, %s page: [no reload, same img element, versioned src, new src, one navigation] = %s", step.how, who, got)
			}
		}
	}
	// The page asked for what changed since its deck, not for the deck.
	deltas := bt.Eval[[]string](t, aud, `performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes("/api/deck?since="))`)
	if len(deltas) < 2 {
		t.Errorf("the audience page fetched %d deck deltas, want one per edit", len(deltas))
	}
	for _, u := range deltas {
		_, body := get(t, u)
		if strings.Contains(string(body), "secret of the diagram") {
			t.Errorf("%s carries the speaker notes", u)
		}
	}
}
