package server

// Browser tests of the audience page (GET /) against the shipped talk in
// slides/, in a real headless Chromium (see server/browsertest;
// they skip without a browser, and fail without one under CI=true).
//
// They cover what a person in the audience does and sees: the keys of
// reveal.js, steps and stepped code highlights, overview, go-to, blackout,
// help, swipes and taps on a phone, the position in the URL, the page
// weight of a first visit, and that every slide of the talk fits, in both
// themes, on a 1280×720 projector and on a 390×844 phone.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// startAudience serves the shipped talk (the slides/ folder) with the
// embedded web files and themes, as the binary does, in the given theme,
// and returns the server and its URL. wrap, if not nil, wraps the handler.
func startAudience(t testing.TB, theme string, wrap func(http.Handler) http.Handler) (*Server, string) {
	t.Helper()
	root, err := os.OpenRoot("../slides")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: root.FS(), Theme: theme, Web: web.FS, Themes: themes.FS})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	var h http.Handler = s
	if wrap != nil {
		h = wrap(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

// newTab opens a tab whose console errors fail the test.
func newTab(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	tab := bt.Tab(t, ctx)
	bt.WatchConsole(t, tab)
	return tab
}

// pos is the view's position as the page reports it.
type pos struct {
	Index int    `json:"index"`
	Step  int    `json:"step"`
	Hash  string `json:"hash"`
}

func position(t testing.TB, tab context.Context) pos {
	t.Helper()
	return bt.Eval[pos](t, tab, `({index: podium.view.index, step: podium.view.step, hash: location.hash})`)
}

// waitPos waits until the view is at slide index (0-based), step, and the
// URL says so.
func waitPos(t testing.TB, tab context.Context, index, step int) {
	t.Helper()
	hash := fmt.Sprintf("#%d", index+1)
	if step > 0 {
		hash += fmt.Sprintf(".%d", step)
	}
	cond := fmt.Sprintf(`podium.view.index === %d && podium.view.step === %d && location.hash === %q &&
		document.querySelector("section.slide.current") === podium.view.slideElement(%d)`, index, step, hash, index)
	bt.WaitFor(t, tab, cond, fmt.Sprintf("position %s (now %+v)", hash, position(t, tab)))
}

func TestAudienceJourney(t *testing.T) {
	t.Parallel()
	srv, url := startAudience(t, "light", nil)
	d := srv.Deck()
	n := len(d.Slides)
	ctx := bt.New(t)
	tab := newTab(t, ctx)
	bt.Do(t, tab, bt.Viewport(bt.DesktopSize))
	bt.Open(t, tab, url+"/")
	waitPos(t, tab, 0, 0)

	if got := bt.Eval[string](t, tab, `document.documentElement.lang`); got != d.Meta.Lang {
		t.Errorf("<html lang> = %q, want the deck's %q", got, d.Meta.Lang)
	}
	if got := bt.Eval[int](t, tab, `document.querySelectorAll("section.slide").length`); got != n {
		t.Errorf("%d slide sections, want %d", got, n)
	}
	announce := fmt.Sprintf("幻灯片 1 / %d: %s", n, d.Slides[0].Title)
	if !strings.HasPrefix(d.Meta.Lang, "zh") {
		announce = fmt.Sprintf("Slide 1 / %d: %s", n, d.Slides[0].Title)
	}
	bt.WaitFor(t, tab, fmt.Sprintf(`document.querySelector("[aria-live=polite]").textContent === %q`, announce),
		"the live region to announce "+announce)

	// The first slide with steps, and the one after it.
	k := -1
	for i, s := range d.Slides {
		if s.Steps > 0 && i+1 < n {
			k = i
			break
		}
	}
	if k < 0 {
		t.Fatal("the talk has no slide with steps")
	}
	steps := d.Slides[k].Steps

	t.Run("go to by number", func(t *testing.T) {
		bt.Press(t, tab, "g")
		bt.WaitFor(t, tab, `document.querySelector("dialog.overlay-goto")?.open && document.activeElement?.matches("dialog input")`, "the go-to dialog")
		bt.Do(t, tab, bt.Key(fmt.Sprint(k+1)))
		bt.Press(t, tab, kb.Enter)
		waitPos(t, tab, k, 0)
		bt.WaitFor(t, tab, `!document.querySelector("dialog.overlay-goto")?.open`, "the go-to dialog to close")
	})

	t.Run("steps", func(t *testing.T) {
		// At step 0 every stepped element is hidden but keeps its place.
		hidden := fmt.Sprintf(`(() => {
			const els = [...podium.view.slideElement(%d).querySelectorAll("[data-step]")];
			return els.length > 0 && els.every((e) => (+e.dataset.step > podium.view.step) === (getComputedStyle(e).visibility === "hidden"));
		})()`, k)
		bt.WaitFor(t, tab, hidden, "stepped elements hidden exactly when their step is ahead")
		for s := 1; s <= steps; s++ {
			bt.Press(t, tab, kb.ArrowRight)
			waitPos(t, tab, k, s)
			bt.WaitFor(t, tab, hidden, fmt.Sprintf("step %d shown, later ones hidden", s))
		}
		bt.Press(t, tab, kb.ArrowRight)
		waitPos(t, tab, k+1, 0)
		// Back onto a slide shows it complete, as in reveal.js.
		bt.Press(t, tab, kb.ArrowLeft)
		waitPos(t, tab, k, steps)
	})

	t.Run("every next and previous key", func(t *testing.T) {
		bt.Eval[chromedp.Void](t, tab, `podium.view.show(2, 0)`)
		waitPos(t, tab, 2, 0)
		next := []struct {
			name, key string
			mods      []chromedp.Modifier
		}{
			{"ArrowRight", kb.ArrowRight, nil}, {"ArrowDown", kb.ArrowDown, nil}, {"Space", " ", nil},
			{"PageDown", kb.PageDown, nil}, {"n", "n", nil}, {"l", "l", nil},
		}
		prev := []struct {
			name, key string
			mods      []chromedp.Modifier
		}{
			{"ArrowLeft", kb.ArrowLeft, nil}, {"ArrowUp", kb.ArrowUp, nil}, {"Shift+Space", " ", []chromedp.Modifier{chromedp.ModifierShift}},
			{"PageUp", kb.PageUp, nil}, {"p", "p", nil}, {"h", "h", nil},
		}
		for _, k := range next {
			before := position(t, tab)
			bt.Press(t, tab, k.key, k.mods...)
			bt.WaitFor(t, tab, fmt.Sprintf(`podium.view.index * 100 + podium.view.step > %d`, before.Index*100+before.Step),
				k.name+" to move forward")
		}
		for _, k := range prev {
			before := position(t, tab)
			bt.Press(t, tab, k.key, k.mods...)
			bt.WaitFor(t, tab, fmt.Sprintf(`podium.view.index * 100 + podium.view.step < %d`, before.Index*100+before.Step),
				k.name+" to move back")
		}
	})

	t.Run("Home and End", func(t *testing.T) {
		bt.Press(t, tab, kb.End)
		waitPos(t, tab, n-1, 0)
		bt.Press(t, tab, kb.Home)
		waitPos(t, tab, 0, 0)
	})

	t.Run("overview", func(t *testing.T) {
		bt.Press(t, tab, "o")
		bt.WaitFor(t, tab, `document.querySelector("dialog.overlay-overview")?.open`, "the overview")
		cards := bt.Eval[int](t, tab, `document.querySelectorAll("dialog.overlay-overview .card").length`)
		if cards != n {
			t.Errorf("overview has %d cards, want %d", cards, n)
		}
		chapters := bt.Eval[int](t, tab, `document.querySelectorAll("dialog.overlay-overview .ov-chapter").length`)
		if chapters != len(d.Chapters) {
			t.Errorf("overview has %d chapter groups, want %d", chapters, len(d.Chapters))
		}
		bt.WaitFor(t, tab, `document.activeElement?.matches(".card[aria-current]")`, "the current card to have focus")
		bt.Press(t, tab, kb.ArrowRight)
		bt.Press(t, tab, kb.ArrowRight)
		bt.Press(t, tab, kb.Enter)
		waitPos(t, tab, 2, 0)
		bt.WaitFor(t, tab, `!document.querySelector("dialog.overlay-overview").open`, "the overview to close")

		// Esc opens it too, and closes it without moving.
		bt.Press(t, tab, kb.Escape)
		bt.WaitFor(t, tab, `document.querySelector("dialog.overlay-overview")?.open`, "Esc to open the overview")
		bt.Press(t, tab, kb.ArrowDown)
		bt.Press(t, tab, kb.Escape)
		bt.WaitFor(t, tab, `!document.querySelector("dialog.overlay-overview").open`, "Esc to close the overview")
		waitPos(t, tab, 2, 0)

		// A click picks a card.
		bt.Press(t, tab, "o")
		pick := n - 2
		bt.Do(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf(`dialog.overlay-overview .card[data-index="%d"]`, pick))))
		waitPos(t, tab, pick, 0)
	})

	t.Run("go to by title", func(t *testing.T) {
		m, needle := uniqueTitle(d)
		if m < 0 {
			t.Skip("no slide title is unique enough to search for")
		}
		bt.Press(t, tab, "g")
		bt.WaitFor(t, tab, `document.activeElement?.matches("dialog.overlay-goto input")`, "the go-to dialog")
		bt.Do(t, tab, bt.Key(needle))
		bt.WaitFor(t, tab, `document.querySelectorAll("dialog.overlay-goto [role=option]").length === 1`, "one match for "+needle)
		bt.Press(t, tab, kb.Enter)
		waitPos(t, tab, m, 0)
	})

	t.Run("blackout", func(t *testing.T) {
		at := position(t, tab)
		bt.Press(t, tab, "b")
		bt.WaitFor(t, tab, `(() => { const b = document.querySelector(".blackout");
			const r = b.getBoundingClientRect();
			return !b.hidden && r.width >= innerWidth && r.height >= innerHeight && getComputedStyle(b).backgroundColor === "rgb(0, 0, 0)"; })()`,
			"a black screen")
		bt.Press(t, tab, kb.ArrowRight) // ignored while black
		bt.Press(t, tab, ".")
		bt.WaitFor(t, tab, `document.querySelector(".blackout").hidden`, "the blackout to end")
		waitPos(t, tab, at.Index, at.Step)
	})

	t.Run("help", func(t *testing.T) {
		bt.Press(t, tab, "?")
		bt.WaitFor(t, tab, `document.querySelector("dialog.overlay-help")?.open &&
			document.querySelectorAll("dialog.overlay-help kbd").length >= 10`, "the help overlay")
		bt.Press(t, tab, kb.Escape)
		bt.WaitFor(t, tab, `!document.querySelector("dialog.overlay-help").open &&
			!document.querySelector("dialog.overlay-overview").open`, "Esc to close help, and only help")
	})

	t.Run("presenter key", func(t *testing.T) {
		bt.Eval[chromedp.Void](t, tab, `window.opened = []; window.open = (...a) => { window.opened.push(a.join(" ")); return null; }`)
		bt.Press(t, tab, "s")
		bt.WaitFor(t, tab, `window.opened.length === 1 && window.opened[0] === "/presenter podium-presenter"`, "S to open the presenter view")
	})

	t.Run("buttons", func(t *testing.T) {
		bt.Eval[chromedp.Void](t, tab, `podium.view.show(4, 0)`)
		waitPos(t, tab, 4, 0)
		unlabelled := bt.Eval[int](t, tab, `[...document.querySelectorAll("button")].filter((b) => !b.getAttribute("aria-label") && !b.textContent.trim()).length`)
		if unlabelled > 0 {
			t.Errorf("%d buttons have no label", unlabelled)
		}
		bt.Do(t, tab, chromedp.Click(chromedp.CSS(".bar .btn-next")))
		bt.WaitFor(t, tab, `podium.view.index === 4 && podium.view.step === 1 || podium.view.index === 5`, "the next button to move forward")
	})

	t.Run("URL position survives reload, back and forward", func(t *testing.T) {
		target := fmt.Sprintf("%s/#%d.1", url, k+1)
		bt.Open(t, tab, target)
		waitPos(t, tab, k, 1)
		bt.Do(t, tab, chromedp.Reload())
		bt.WaitFor(t, tab, `document.getElementById("podium")?.dataset.ready === "true"`, "the deck to reload")
		waitPos(t, tab, k, 1)

		bt.Eval[chromedp.Void](t, tab, `podium.view.show(0, 0)`)
		waitPos(t, tab, 0, 0)
		bt.Press(t, tab, kb.End)
		waitPos(t, tab, n-1, 0)
		bt.Do(t, tab, chromedp.NavigateBack())
		waitPos(t, tab, 0, 0)
		bt.Do(t, tab, chromedp.NavigateForward())
		waitPos(t, tab, n-1, 0)
		// Editing the hash moves the view.
		bt.Eval[chromedp.Void](t, tab, `location.hash = "#2"`)
		waitPos(t, tab, 1, 0)
	})

	t.Run("stepped code highlights", func(t *testing.T) {
		// The talk has no code, so add a slide as server/deck renders one:
		// the first set highlighted statically, the steps in data-hl/-at.
		bt.Eval[chromedp.Void](t, tab, `(() => {
			const d = structuredClone(podium.view.deck);
			const lines = ["a", "b", "c", "d"].map((x, i) => '<span class="line' + (i === 0 ? ' hl' : '') + '"><span class="cl">' + x + '</span></span>').join("");
			d.slides.push({id: "code", chapter: 0, title: "code", steps: 2,
				html: '<pre class="chroma has-hl" data-lang="go" data-hl="1|2-3|all" data-hl-at="0,1,2"><code>' + lines + '</code></pre>'});
			d.chapters[0].slides.push("code");
			podium.view.applyDeck(d);
			podium.view.show(d.slides.length - 1, 0);
		})()`)
		want := []string{"has-hl 1", "has-hl 2,3", " "} // step 0, 1, 2 (all: nothing dimmed)
		for s, w := range want {
			bt.Eval[chromedp.Void](t, tab, fmt.Sprintf(`podium.view.show(podium.view.index, %d)`, s))
			got := bt.Eval[string](t, tab, `(() => { const pre = document.querySelector("section.current pre");
				return (pre.classList.contains("has-hl") ? "has-hl" : "") + " " +
					[...pre.querySelectorAll(".line")].flatMap((l, i) => l.classList.contains("hl") ? [i + 1] : []).join(","); })()`)
			if got != w {
				t.Errorf("step %d: pre %q, want %q", s, got, w)
			}
		}
	})

	t.Run("applyDeck keeps the position", func(t *testing.T) {
		bt.Eval[chromedp.Void](t, tab, fmt.Sprintf(`podium.view.show(%d, 1)`, k))
		waitPos(t, tab, k, 1)
		// The same deck with one slide dropped before the current one:
		// the view follows its slide, as the websocket sync will need.
		bt.Eval[chromedp.Void](t, tab, `(() => {
			const d = structuredClone(podium.view.deck);
			const gone = d.slides.shift();
			d.chapters.forEach((c) => { c.slides = c.slides.filter((id) => id !== gone.id); });
			podium.view.applyDeck(d);
		})()`)
		waitPos(t, tab, k-1, 1)
	})
}

// uniqueTitle finds a slide whose title occurs in no other slide or
// chapter title, for the title search; it returns its index and title.
func uniqueTitle(d *deck.Deck) (int, string) {
	for i, s := range d.Slides {
		if i < 3 || len([]rune(s.Title)) < 4 {
			continue
		}
		unique := true
		for j, o := range d.Slides {
			if j != i && strings.Contains(strings.ToLower(o.Title+" "+d.Chapters[o.Chapter].Title), strings.ToLower(s.Title)) {
				unique = false
			}
		}
		if unique && !strings.Contains(strings.ToLower(d.Chapters[s.Chapter].Title), strings.ToLower(s.Title)) {
			return i, s.Title
		}
	}
	return -1, ""
}

// TestAudiencePhone is a phone that follows the presenter (the server
// is moved directly here; phone_browser_test.go has a real presenter):
// it reflows the slide, and the person's own swipes and taps detach it
// and move it; landing on the presenter's position rejoins, and so does
// the "Back to live" button.
func TestAudiencePhone(t *testing.T) {
	t.Parallel()
	srv, url := startAudience(t, "dark", nil)
	srv.hub.Goto(2, 0)
	ctx := bt.New(t)
	tab := newTab(t, ctx)
	bt.Do(t, tab, bt.Viewport(bt.PhoneSize))
	bt.Open(t, tab, url+"/")
	waitFollowing(t, tab, true)
	waitPos(t, tab, 2, 0)

	layout := bt.Eval[map[string]any](t, tab, `(() => {
		const s = document.querySelector("section.slide.current").getBoundingClientRect();
		const p = document.querySelector("section.slide.current p, section.slide.current li");
		return {layout: podium.view.root.dataset.mode, width: s.width, font: p ? parseFloat(getComputedStyle(p).fontSize) : 0};
	})()`)
	if layout["layout"] != "flow" || layout["width"].(float64) < 380 {
		t.Errorf("phone layout = %v, want the slide reflowed at the full width (flow)", layout)
	}
	if f, _ := layout["font"].(float64); f != 0 && f < 16 {
		t.Errorf("body text is %vpx on a phone, want at least 16px", f)
	}

	const y = 420
	bt.Do(t, tab, bt.Swipe(320, y, 60, y+10)) // swipe left: forward, on its own
	bt.WaitFor(t, tab, `podium.view.index * 100 + podium.view.step > 200`, "a left swipe to move forward")
	waitFollowing(t, tab, false)
	at := position(t, tab)
	bt.Do(t, tab, bt.Swipe(60, y, 330, y-10)) // swipe right: back, onto the live slide
	waitPos(t, tab, 2, 0)
	waitFollowing(t, tab, true)
	bt.Do(t, tab, bt.Swipe(200, 600, 190, 250)) // vertical: scrolling, not turning
	waitPos(t, tab, 2, 0)
	waitFollowing(t, tab, true)
	bt.Do(t, tab, chromedp.TapXY(380, y)) // tap the right edge: forward
	waitPos(t, tab, at.Index, at.Step)
	waitFollowing(t, tab, false)
	bt.Do(t, tab, chromedp.TapXY(10, y)) // tap the left edge: back
	waitPos(t, tab, 2, 0)
	waitFollowing(t, tab, true)

	// Detached, the phone stays put while the presenter moves on; the
	// button brings it to the presenter's slide and step.
	bt.Do(t, tab, chromedp.TapXY(10, y))
	bt.WaitFor(t, tab, `podium.view.index === 1`, "a tap on the left edge to go back a slide")
	waitFollowing(t, tab, false)
	srv.hub.Goto(5, 0)
	bt.WaitFor(t, tab, `podium.sync.state.index === 5`, "the phone to hear the presenter move")
	if p := position(t, tab); p.Index != 1 {
		t.Errorf("a detached phone jumped to slide %d when the presenter moved", p.Index+1)
	}
	bt.TapOn(t, tab, ".back-live")
	waitPos(t, tab, 5, 0)
	waitFollowing(t, tab, true)

	// Pinch-zoomed in, a one-finger drag pans the page; it turns nothing.
	bt.Do(t, tab, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetPageScaleFactor, emulation.SetPageScaleFactorParams{PageScaleFactor: 2})
		return err
	}))
	bt.WaitFor(t, tab, `visualViewport.scale > 1.5`, "the page to be zoomed in")
	bt.Do(t, tab, bt.Swipe(320, y, 60, y+10))
	bt.Eval[chromedp.Void](t, tab, `new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300)))`)
	if p := position(t, tab); p.Index != 5 || p.Step != 0 {
		t.Errorf("a drag on a zoomed-in page turned it to slide %d step %d", p.Index+1, p.Step)
	}
	waitFollowing(t, tab, true)
}

// waitFollowing waits until the page follows the presenter (or browses on
// its own), and says so: the indicator's state, and the "Back to live"
// button shown exactly when it does not follow.
func waitFollowing(t testing.TB, tab context.Context, on bool) {
	t.Helper()
	want := "live"
	if !on {
		want = "detached"
	}
	bt.WaitFor(t, tab, fmt.Sprintf(`(() => {
		const s = document.querySelector(".live-status[role=status]"), b = document.querySelector("button.back-live");
		return podium.sync.following === %[1]t && !s.hidden && s.dataset.status === %[2]q &&
			s.textContent.trim() !== "" && b.hidden === %[1]t && (b.hidden || b.getBoundingClientRect().height >= 44);
	})()`, on, want), "the page to be "+want+", and say so")
}

// TestAudiencePageWeight loads / once in a fresh browser context and
// counts, at the server, every request and every byte it sent (headers
// and body, after gzip) until the deck is shown: the first visit of a
// phone on conference wifi.
func TestAudiencePageWeight(t *testing.T) {
	t.Parallel()
	const maxBytes, maxRequests = 60 * 1024, 10
	var mu sync.Mutex
	var reqs []string
	var total int
	count := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cw := &countingWriter{ResponseWriter: w}
			h.ServeHTTP(cw, r)
			mu.Lock()
			defer mu.Unlock()
			hdr := len("HTTP/1.1 200 OK\r\n\r\n")
			for k, vs := range w.Header() {
				for _, v := range vs {
					hdr += len(k) + len(v) + 4
				}
			}
			reqs = append(reqs, fmt.Sprintf("%s %s: %d+%d bytes", r.Method, r.URL.Path, hdr, cw.n))
			total += hdr + cw.n
		})
	}
	_, url := startAudience(t, "light", count)
	ctx := bt.New(t)
	tab := bt.Isolated(t, ctx)
	bt.WatchConsole(t, tab)
	bt.Do(t, tab, bt.Viewport(bt.PhoneSize))
	bt.Open(t, tab, url+"/")
	// Let anything the page fetches after showing the deck arrive too.
	bt.Eval[chromedp.Void](t, tab, `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 300))))`)
	mu.Lock()
	defer mu.Unlock()
	t.Logf("first load of /: %d requests, %d bytes\n%s", len(reqs), total, strings.Join(reqs, "\n"))
	if len(reqs) > maxRequests {
		t.Errorf("first load made %d requests, want at most %d", len(reqs), maxRequests)
	}
	if total > maxBytes {
		t.Errorf("first load transferred %d bytes, want at most %d", total, maxBytes)
	}
}

type countingWriter struct {
	http.ResponseWriter
	n int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n += n
	return n, err
}

// Hijack lets the websocket upgrade through; its few hundred bytes of
// frames (hello, state) are not counted.
func (w *countingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

var _ io.Writer = (*countingWriter)(nil)

// fitCheck runs in the page. For every slide and every step it shows the
// state and measures; it returns one problem per slide and step that
// does not fit (the final step of a slide is its fullest state, but
// stepped highlights and pauses are checked at each step anyway).
//
// What "fits" means:
//
// Stage (desktop, 1280×720): the slide body (.slide-body: the slide inside
// its padding, above the bar) scrolls in neither direction:
// scrollHeight <= clientHeight and scrollWidth <= clientWidth (1px
// tolerance for rounding). A code block (pre) or table (.table-wrap) must
// not need its own scrollbar either: nobody scrolls a projector.
//
// Flow (phone, 390×844): the page never scrolls sideways
// (documentElement.scrollWidth <= innerWidth), and no element of the slide
// reaches past the screen's left or right edge, except inside a pre or a
// .table-wrap, which scroll sideways by design (but themselves stay on
// screen). Vertically the page scrolls, so content is reachable when it
// ends above the bottom of the page less the fixed bar: the last element's
// bottom <= scrollHeight - bar height. Images are no wider than the
// screen.
const fitCheck = `(() => {
	const v = podium.view, out = [];
	const flow = v.root.dataset.mode === "flow";
	for (let i = 0; i < v.deck.slides.length; i++) {
		const steps = v.deck.slides[i].steps;
		for (let s = 0; s <= steps; s++) {
			v.show(i, s);
			const sec = v.slideElement(i), body = sec.querySelector(".slide-body");
			const bad = [];
			if (!flow) {
				if (body.scrollHeight > body.clientHeight + 1) bad.push("too tall: " + body.scrollHeight + "px of content in " + body.clientHeight + "px");
				if (body.scrollWidth > body.clientWidth + 1) bad.push("too wide: " + body.scrollWidth + "px of content in " + body.clientWidth + "px");
				for (const el of body.querySelectorAll("pre, .table-wrap")) {
					if (el.scrollWidth > el.clientWidth + 1) bad.push(el.tagName.toLowerCase() + " scrolls sideways: " + el.scrollWidth + "px in " + el.clientWidth + "px (" + el.textContent.trim().slice(0, 40) + "…)");
					if (el.scrollHeight > el.clientHeight + 1) bad.push(el.tagName.toLowerCase() + " scrolls down: " + el.scrollHeight + "px in " + el.clientHeight + "px");
				}
			} else {
				const W = Math.min(innerWidth, screen.width); // a mobile browser widens the layout viewport for overflowing content
				if (document.documentElement.scrollWidth > W + 1) bad.push("page scrolls sideways: " + document.documentElement.scrollWidth + "px in " + W + "px");
				for (const el of body.querySelectorAll("*")) {
					if (el.closest("pre, .table-wrap") && !el.matches("pre, .table-wrap")) continue;
					const r = el.getBoundingClientRect();
					if (r.width === 0 && r.height === 0) continue;
					if (r.left < -1 || r.right > W + 1) { bad.push("<" + el.tagName.toLowerCase() + "> off screen: " + Math.round(r.left) + ".." + Math.round(r.right) + " of 0.." + W + " (" + el.textContent.trim().slice(0, 30) + ")"); break; }
				}
				const last = body.lastElementChild;
				if (last) {
					const bottom = last.getBoundingClientRect().bottom + scrollY;
					const bar = v.root.querySelector(".bar").getBoundingClientRect().height;
					if (bottom > document.documentElement.scrollHeight - bar + 1) bad.push("content ends under the bar: " + Math.round(bottom) + " > " + (document.documentElement.scrollHeight - bar));
				}
			}
			if (bad.length) out.push({index: i, step: s, problems: bad});
		}
	}
	v.show(0, 0);
	return out;
})()`

type misfit struct {
	Index    int      `json:"index"`
	Step     int      `json:"step"`
	Problems []string `json:"problems"`
}

// TestAudienceSlidesFit shows every slide of the talk at every step in
// both themes at both sizes and reports each one that does not fit (see
// fitCheck for the precise rule), with its file and line for the author.
// With PODIUM_SHOTS=dir it also saves a screenshot of every slide's final
// state there, to look at.
func TestAudienceSlidesFit(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	shots := os.Getenv("PODIUM_SHOTS")
	for _, theme := range []string{"light", "dark"} {
		srv, url := startAudience(t, theme, nil)
		d := srv.Deck()
		for _, size := range []bt.Size{bt.DesktopSize, bt.PhoneSize} {
			t.Run(theme+"/"+size.String(), func(t *testing.T) {
				tab := newTab(t, ctx)
				bt.Do(t, tab, bt.Viewport(size), bt.ReducedMotion())
				bt.Open(t, tab, url+"/")
				// Layout needs the fonts; wait for them, once.
				bt.Eval[chromedp.Void](t, tab, `document.fonts.ready.then(() => {})`)
				misfits := bt.Eval[[]misfit](t, tab, fitCheck)
				for _, m := range misfits {
					s := d.Slides[m.Index]
					t.Errorf("%s:%d: slide %d %q step %d/%d does not fit at %s (%s theme): %s",
						"slides/"+s.File, s.Line, m.Index+1, s.Title, m.Step, s.Steps, size, theme, strings.Join(m.Problems, "; "))
				}
				if shots != "" {
					if err := os.MkdirAll(shots, 0o755); err != nil {
						t.Fatal(err)
					}
					for i := range d.Slides {
						bt.Eval[chromedp.Void](t, tab, fmt.Sprintf(`podium.view.show(%d, -1)`, i))
						bt.Screenshot(t, tab, shots, fmt.Sprintf("%s-%s-%02d", theme, size, i+1))
					}
				}
				if theme == "light" {
					checkTheCheck(t, tab)
				}
			})
		}
	}
}

// checkTheCheck makes sure fitCheck sees overflow: it appends slides that
// cannot fit (too many bullets, a code line too long, a box wider than a
// phone) to the deck in the page and expects each to be reported; and a
// slide with an oversized image, which the styles must scale to fit.
func checkTheCheck(t *testing.T, tab context.Context) {
	t.Helper()
	bt.Eval[chromedp.Void](t, tab, `(() => {
		const d = structuredClone(podium.view.deck);
		const add = (id, html) => { d.slides.push({id, chapter: 0, title: id, html, steps: 0}); d.chapters[0].slides.push(id); };
		add("tall", "<h2>tall</h2><ul>" + "<li>这一行只是为了把幻灯片撑高</li>".repeat(30) + "</ul>");
		add("wide", '<pre class="chroma"><code><span class="line">' + "x".repeat(400) + "</span></code></pre>");
		add("box", '<div style="width: 2000px; height: 10px"></div><p>' + "宽".repeat(5) + "</p>");
		// An image taller and wider than the slide is scaled down to fit: no misfit.
		const svg = encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1800"><rect width="1600" height="1800" fill="teal"/></svg>');
		add("image", '<h2>image</h2><p><img alt="" src="data:image/svg+xml,' + svg + '" width="1600" height="1800"></p>');
		podium.view.applyDeck(d);
	})()`)
	misfits := bt.Eval[[]misfit](t, tab, fitCheck)
	n := bt.Eval[int](t, tab, `podium.view.deck.slides.length`)
	flow := bt.Eval[bool](t, tab, `podium.view.root.dataset.mode === "flow"`)
	want := map[int]bool{n - 4: true, n - 3: true, n - 2: true} // tall, wide, box
	if flow {
		want = map[int]bool{n - 2: true} // a phone scrolls down and code sideways
	}
	for _, m := range misfits {
		if m.Index == n-1 {
			t.Errorf("an oversized image does not fit: %v", m.Problems)
		}
		delete(want, m.Index)
	}
	for i := range want {
		t.Errorf("fitCheck missed the overflowing test slide %d", i+1)
	}
	if len(misfits) > 0 {
		t.Logf("fitCheck on deliberately bad slides: %+v", misfits)
	}
}
