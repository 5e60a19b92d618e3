package server

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// startFirstPaint serves firstPaintDeck with the presenter on its second
// slide at step 1, where steps, a highlight, a table and a quotation are
// all in a state the view must reproduce.
func startFirstPaint(t *testing.T) (*Server, string) {
	t.Helper()
	s, err := New(Config{Deck: firstPaintDeck, Web: web.FS, Themes: themes.FS})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	s.hub.Goto(1, 1)
	return s, ts.URL
}

// shownSlide is what a person sees of the page: the one visible slide's
// id, the text of what is visible in it, and where its heading is.
const shownSlide = `(() => {
	const shown = [...document.querySelectorAll(".slide")].filter((s) => getComputedStyle(s).display !== "none");
	const text = (el) => [...el.querySelectorAll("h1, li, th, td, p")]
		.filter((e) => getComputedStyle(e).visibility === "visible").map((e) => e.textContent.trim()).join("|");
	const h = shown[0]?.querySelector("h1")?.getBoundingClientRect();
	return {count: shown.length, id: shown[0]?.dataset.id ?? "", text: shown[0] ? text(shown[0]) : "",
		top: h?.top ?? -1, left: h?.left ?? -1, right: h?.right ?? -1, bottom: h?.bottom ?? -1};
})()`

type shown struct {
	Count                    int
	ID, Text                 string
	Top, Left, Right, Bottom float64
}

// TestFirstPaintWithoutScript: with JavaScript off, the page shows the
// slide the presenter is on, at their step, fitted into the window, and
// after the presenter moves a reload shows the new position.
func TestFirstPaintWithoutScript(t *testing.T) {
	t.Parallel()
	s, url := startFirstPaint(t)
	d := s.Deck()
	tab := bt.Tab(t, bt.New(t))
	size := bt.Size{Width: 960, Height: 540, Scale: 1}
	bt.Do(t, tab, bt.Viewport(size), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}), chromedp.Navigate(url+"/"))
	got := bt.Eval[shown](t, tab, shownSlide)
	if got.Count != 1 || got.ID != d.Slides[1].ID || got.Text != "Steps|one|a|b|1|2|Words.|— Someone" {
		bt.Fail(t, tab, "without script: %+v, want slide 2 at step 1 (%s)", got, d.Slides[1].ID)
	}
	if got.Top < 0 || got.Left < 0 || got.Right > float64(size.Width) || got.Bottom > float64(size.Height) {
		bt.Fail(t, tab, "the heading is off the %s window: %+v", size, got)
	}
	if bt.Eval[bool](t, tab, `!!document.querySelector("[data-step='2']:not(.future)")`) {
		t.Errorf("step 2 is revealed at step 1")
	}
	s.hub.Goto(2, 0)
	bt.Do(t, tab, chromedp.Reload())
	if got := bt.Eval[shown](t, tab, shownSlide); got.ID != d.Slides[2].ID || got.Text != "Last" {
		bt.Fail(t, tab, "after the presenter moved: %+v, want slide 3", got)
	}
}

// watchPaint is run in the page before its own scripts: it records, at
// every batch of DOM changes (before the browser paints it), which slide
// is visible and its text, every fade that starts, and every change inside
// the server's slide.
const watchPaint = `(() => {
	const w = window.__paint = {seen: [], fades: [], changes: [], watching: false};
	const look = () => {
		if (!w.watching) return;
		const shown = [...document.querySelectorAll(".slide")].filter((s) => !s.hidden && getComputedStyle(s).display !== "none");
		const k = shown.map((s) => s.dataset.id + ":" + [...s.querySelectorAll("h1, li:not(.future), th, td, p")].map((e) => e.textContent.trim()).join("|")).join(",");
		if (w.seen.at(-1) !== k) w.seen.push(k);
	};
	// The parser's own insertions are the page arriving, not a change:
	// watching starts when the document is parsed, before any module runs.
	const mo = new MutationObserver((records) => {
		if (!w.watching) return;
		for (const r of records) {
			const first = document.querySelector(".slide[data-id='" + window.__first + "']");
			if (!first || !(first === r.target || first.contains(r.target))) continue;
			if (r.type === "attributes") {
				const now = r.target.getAttribute(r.attributeName);
				if (now !== r.oldValue && r.attributeName !== "aria-roledescription") w.changes.push(r.attributeName + ": " + r.oldValue + " → " + now);
			} else {
				w.changes.push(r.type + " in " + r.target.nodeName);
			}
		}
		look();
	});
	mo.observe(document, {subtree: true, childList: true, attributes: true, attributeOldValue: true, characterData: true});
	document.addEventListener("readystatechange", () => {
		if (document.readyState !== "interactive") return;
		mo.takeRecords();
		w.watching = true;
		look();
	});
	addEventListener("animationstart", (e) => w.fades.push(e.animationName + " on " + e.target.className), true);
})()`

// TestFirstPaintHydrates: with JavaScript on, the modules take the
// server's slide over as it is: no other slide is ever shown, nothing in
// it changes, nothing fades in; and the page then follows the presenter.
func TestFirstPaintHydrates(t *testing.T) {
	t.Parallel()
	s, url := startFirstPaint(t)
	d := s.Deck()
	tab := newTab(t, bt.New(t))
	bt.Do(t, tab, bt.Viewport(bt.DesktopSize), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__first = "` + d.Slides[1].ID + `"; ` + watchPaint})
		return err
	}))
	bt.Open(t, tab, url+"/")
	bt.WaitFor(t, tab, `podium.sync.state && podium.view.index === 1`, "the socket's state")
	w := bt.Eval[struct{ Seen, Fades, Changes []string }](t, tab, `window.__paint`)
	want := d.Slides[1].ID + ":Steps|one|a|b|1|2|Words.|— Someone"
	if len(w.Seen) != 1 || w.Seen[0] != want {
		t.Errorf("the page showed %q, want only %q", w.Seen, want)
	}
	if len(w.Fades) != 0 {
		t.Errorf("fades on the first paint: %q", w.Fades)
	}
	if len(w.Changes) != 0 {
		t.Errorf("the view changed the server's slide: %q", w.Changes)
	}
	if p := position(t, tab); p.Index != 1 || p.Step != 1 || p.Hash != "#2.1" {
		t.Errorf("position %+v, want #2.1", p)
	}
	// Then it is the live page it always was: the presenter moves it.
	s.hub.Goto(2, 0)
	waitPos(t, tab, 2, 0)
	s.hub.Goto(1, 2)
	waitPos(t, tab, 1, 2)
	if bt.Eval[bool](t, tab, `!!document.querySelector(".slide[data-first]:not([hidden])")`) {
		t.Errorf("the server's slide, shown again, kept its no-fade mark")
	}
}
