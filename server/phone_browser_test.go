package server

// Browser tests of the audience page on a phone, with a presenter: a
// 390×844 touch screen at device scale 3 in one browser context, the
// presenter view on a 1280×720 laptop in another. They cover what the
// audience of a hall does: follow live, swipe back to re-read and come
// back to live, lock the phone or lose the wifi and find the talk where it
// is, read every slide on a narrow screen with larger text, and hear each
// slide with a screen reader.

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/server/live"
)

// startPhone serves the shipped talk as startLive does (web files from
// disk, token "t") in theme (the deck's when ""), behind a tap on the
// audience's websockets.
func startPhone(t testing.TB, theme string) (*Server, string, *wsTap) {
	t.Helper()
	root, err := os.OpenRoot("../slides")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: root.FS(), Theme: theme, Web: os.DirFS("../web"), Themes: os.DirFS("../themes"), Token: presenterToken})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	tap := &wsTap{}
	ts := httptest.NewServer(tap.wrap(s))
	t.Cleanup(func() { stopLive(s, ts) })
	return s, ts.URL, tap
}

// wsTap holds the websocket connections of audience devices (those
// without the presenter cookie), so that a test can drop them, as a
// network does, or silence them: the phone's socket stays open but
// nothing reaches it any more, as for a phone asleep on hall wifi.
type wsTap struct {
	mu    sync.Mutex
	conns []*tapConn
}

type tapConn struct {
	net.Conn
	mute atomic.Bool
}

// Write drops the bytes of a silenced connection and says they were sent.
func (c *tapConn) Write(p []byte) (int, error) {
	if c.mute.Load() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (tp *wsTap) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie(live.CookieName); r.URL.Path == "/ws" && err != nil {
			w = &tapWriter{ResponseWriter: w, tap: tp}
		}
		h.ServeHTTP(w, r)
	})
}

// cut closes every audience connection without a close frame (1006).
func (tp *wsTap) cut() {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	for _, c := range tp.conns {
		c.Close()
	}
	tp.conns = nil
}

// silence makes every current audience connection drop what the server
// writes; new connections work.
func (tp *wsTap) silence() {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	for _, c := range tp.conns {
		c.mute.Store(true)
	}
}

type tapWriter struct {
	http.ResponseWriter
	tap *wsTap
}

func (w *tapWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	tc := &tapConn{Conn: c}
	w.tap.mu.Lock()
	w.tap.conns = append(w.tap.conns, tc)
	w.tap.mu.Unlock()
	return tc, rw, nil
}

// openPhone opens the audience page as a phone does from the QR code
// (no position in the URL) and waits until it follows the server.
func openPhone(t testing.TB, ctx context.Context, url string) context.Context {
	t.Helper()
	phone := bt.LiveTab(t, ctx, bt.PhoneSize)
	bt.Open(t, phone, url+"/")
	bt.WaitFor(t, phone, `podium.sync.status === "live" && !!podium.sync.state && podium.sync.following`, "the phone to follow the presenter")
	bt.Eval[chromedp.Void](t, phone, `window.notReloaded = true`)
	return phone
}

// announced is the JavaScript condition that the polite live region says
// slide index (of n) with its title, in the talk's language. (A step
// announces what it reveals.)
func announced(n, index int, title string) string {
	return fmt.Sprintf(`document.querySelector("[aria-live=polite]").textContent === %q`,
		fmt.Sprintf("幻灯片 %d / %d: %s", index+1, n, title))
}

func TestPhoneFollowBrowseBackToLive(t *testing.T) {
	t.Parallel()
	srv, url, _ := startPhone(t, "")
	d := srv.Deck()
	n := len(d.Slides)
	ctx := bt.New(t)
	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, url+"/presenter?token="+presenterToken)
	phone := openPhone(t, ctx, url)
	bt.WaitAt(t, phone, "phone", 0, 0)
	waitFollowing(t, phone, true)
	if lang := bt.Eval[string](t, phone, `document.documentElement.lang`); lang != d.Meta.Lang || lang != "zh-CN" {
		t.Errorf("the phone page's lang is %q, want the deck's (zh-CN)", lang)
	}
	bt.WaitFor(t, phone, announced(n, 0, d.Slides[0].Title), "the first slide announced")

	// The presenter walks to the middle of the first slide with two steps;
	// the phone follows each step (how fast is BenchmarkPhoneLatency's to
	// measure, not a test's to assert on a shared machine), never shows a
	// step the presenter has not revealed, and announces each new slide.
	k := slices.IndexFunc(d.Slides, func(s *deck.Slide) bool { return s.Steps >= 2 })
	if k < 1 {
		t.Fatal("the talk needs a slide with two steps after the first")
	}
	i, s := 0, 0
	for i != k || s != 1 {
		i, s = next(d, i, s)
		bt.Press(t, pres, kb.ArrowRight)
		took := bt.WaitAt(t, phone, "phone", i, s)
		t.Logf("slide %d step %d reached the phone in %v", i+1, s, took.Round(time.Millisecond))
		if s == 0 {
			bt.WaitFor(t, phone, announced(n, i, d.Slides[i].Title), fmt.Sprintf("slide %d announced", i+1))
		} else {
			bt.WaitFor(t, phone, fmt.Sprintf(`(() => {
				const said = document.querySelector("[aria-live=polite]").textContent;
				const els = [...document.querySelectorAll("section.slide.current [data-step]")].filter((e) => +e.dataset.step === %d);
				return els.length ? said === els.map((e) => e.textContent.trim()).join(" ") : said === "步骤 %[1]d / %d";
			})()`, s, d.Slides[i].Steps), fmt.Sprintf("what step %d of slide %d reveals announced", s, i+1))
		}
	}
	hidden := bt.Eval[int](t, phone, `[...document.querySelectorAll("section.slide.current [data-step]")]
		.filter((e) => +e.dataset.step > 1 && getComputedStyle(e).visibility === "hidden").length`)
	if hidden == 0 {
		t.Errorf("the phone shows steps the presenter has not revealed")
	}

	// The phone swipes back to re-read: it detaches and stays there while
	// the presenter moves on.
	bt.Do(t, phone, bt.Swipe(60, 420, 330, 410))
	bt.WaitAt(t, phone, "phone", k, 0)
	waitFollowing(t, phone, false)
	bt.Do(t, phone, bt.Swipe(60, 420, 330, 410))
	bt.WaitAt(t, phone, "phone", k-1, d.Slides[k-1].Steps)
	bt.Press(t, pres, kb.ArrowRight)
	bt.Press(t, pres, kb.ArrowRight)
	i, s = next(d, k, 1)
	i, s = next(d, i, s)
	bt.WaitAt(t, pres, "presenter", i, s)
	bt.WaitFor(t, phone, fmt.Sprintf(`podium.sync.state.index === %d && podium.sync.state.step === %d`, i, s), "the phone to hear the presenter")
	bt.WaitAt(t, phone, "phone", k-1, d.Slides[k-1].Steps)
	if bt.Eval[bool](t, phone, `!document.querySelector(".back-live").textContent.includes(`+fmt.Sprint(`"`, i+1, " / ", len(d.Slides), `"`)+`)`) {
		t.Errorf("the Back to live button does not say where live is: %q", bt.Eval[string](t, phone, `document.querySelector(".back-live").textContent`))
	}
	// A detached phone reads on through the presenter's blackout.
	bt.Press(t, pres, "b")
	bt.WaitFor(t, phone, `podium.sync.state.blackout`, "the phone to hear the blackout")
	if !bt.Eval[bool](t, phone, `document.querySelector(".blackout").hidden`) {
		t.Error("the presenter's blackout covers a phone that is browsing")
	}
	bt.Press(t, pres, "b")

	// Back to live: the presenter's slide and step, following again.
	bt.TapOn(t, phone, ".back-live")
	bt.WaitAt(t, phone, "phone", i, s)
	waitFollowing(t, phone, true)
	bt.Press(t, pres, kb.ArrowRight)
	i, s = next(d, i, s)
	bt.WaitAt(t, phone, "phone", i, s)

	// The keyboard gets there too: a browsing phone's button is reachable
	// with Tab and works with Enter.
	bt.Press(t, phone, kb.ArrowLeft)
	waitFollowing(t, phone, false)
	for range 40 {
		if bt.Eval[bool](t, phone, `document.activeElement?.matches(".back-live") ?? false`) {
			break
		}
		bt.Press(t, phone, kb.Tab)
	}
	bt.Press(t, phone, kb.Enter)
	bt.WaitAt(t, phone, "phone", i, s)
	waitFollowing(t, phone, true)

	// A reload of a following phone follows again; of a browsing one,
	// stays where it was.
	bt.Do(t, phone, chromedp.Reload())
	bt.WaitFor(t, phone, `document.getElementById("podium")?.dataset.ready === "true" && podium.sync.following && !!podium.sync.state`, "the reloaded phone to follow")
	bt.WaitAt(t, phone, "phone", i, s)
	bt.Press(t, phone, kb.Home)
	bt.WaitAt(t, phone, "phone", 0, 0)
	waitFollowing(t, phone, false)
	bt.Do(t, phone, chromedp.Reload())
	bt.WaitFor(t, phone, `document.getElementById("podium")?.dataset.ready === "true" && !!podium.sync.state`, "the reloaded phone to load")
	bt.WaitAt(t, phone, "phone", 0, 0)
	waitFollowing(t, phone, false)

	// The presenter's blackout reaches a following phone as a calm screen
	// that says why, not as a black one; the projector's stays black.
	bt.TapOn(t, phone, ".back-live")
	waitFollowing(t, phone, true)
	proj := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.Open(t, proj, url+"/")
	bt.Press(t, pres, "b")
	calm := `(() => { const b = document.querySelector(".blackout"), p = b.querySelector(".paused-title");
		return !b.hidden && !!p && p.textContent === "演讲者暂停了画面" && p.getBoundingClientRect().height > 0 &&
			getComputedStyle(b).backgroundColor !== "rgb(0, 0, 0)" && getComputedStyle(p).color !== getComputedStyle(b).backgroundColor; })()`
	bt.WaitFor(t, phone, calm, "a calm pause screen on the phone")
	bt.WaitFor(t, proj, `(() => { const b = document.querySelector(".blackout");
		return !b.hidden && getComputedStyle(b).backgroundColor === "rgb(0, 0, 0)" && !b.querySelector(".paused-title")?.getBoundingClientRect().height; })()`,
		"a black projector")
	if shots := os.Getenv("PODIUM_SHOTS"); shots != "" {
		bt.Screenshot(t, phone, shots, "phone-paused")
	}
	// Its button lets the person read meanwhile.
	bt.TapOn(t, phone, ".paused-browse")
	bt.WaitFor(t, phone, `document.querySelector(".blackout").hidden`, "the pause screen to give way to browsing")
	waitFollowing(t, phone, false)
	bt.TapOn(t, phone, ".back-live")
	bt.WaitFor(t, phone, calm, "the pause screen again, back to live")
	bt.Press(t, pres, "b")
	bt.WaitFor(t, phone, `document.querySelector(".blackout").hidden`, "the phone screen to come back")
	bt.WaitFor(t, proj, `document.querySelector(".blackout").hidden`, "the projector to come back")
}

// TestPhoneResync loses the phone's connection in the ways a hall does
// while the presenter moves on: the socket drops, the phone sleeps on a
// socket that silently died, the network goes and comes back. Each time
// the phone shows the presenter's current slide and step again, without
// a reload.
func TestPhoneResync(t *testing.T) {
	t.Parallel()
	srv, url, tap := startPhone(t, "")
	d := srv.Deck()
	ctx := bt.New(t)
	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, url+"/presenter?token="+presenterToken)
	phone := openPhone(t, ctx, url)
	i, s := 0, 0
	move := func(keys int) {
		t.Helper()
		for range keys {
			bt.Press(t, pres, kb.ArrowRight)
			i, s = next(d, i, s)
		}
		bt.WaitAt(t, pres, "presenter", i, s)
	}

	t.Run("dropped socket", func(t *testing.T) {
		tap.cut()
		move(3)
		bt.WaitAt(t, phone, "phone", i, s)
		bt.WaitFor(t, phone, `podium.sync.status === "live"`, "the phone to be live again")
	})

	t.Run("asleep on a dead socket", func(t *testing.T) {
		setHidden(t, phone, true)
		tap.silence()
		move(2)
		time.Sleep(1200 * time.Millisecond) // locked for a while, not a glance away
		if p := position(t, phone); p.Index == i && p.Step == s {
			t.Fatal("a silenced socket still delivered the state: the test proves nothing")
		}
		setHidden(t, phone, false)
		bt.WaitAt(t, phone, "phone", i, s)
	})

	t.Run("network gone and back", func(t *testing.T) {
		tap.silence()
		setOnline(t, phone, false)
		bt.WaitFor(t, phone, `!navigator.onLine`, "the phone to be offline")
		move(2)
		setOnline(t, phone, true)
		bt.WaitAt(t, phone, "phone", i, s)
		bt.WaitFor(t, phone, `podium.sync.status === "live"`, "the phone to be live again")
	})

	t.Run("reconnecting is shown", func(t *testing.T) {
		// Refuse the phone's next handshakes for a moment: the indicator
		// says it is reconnecting, then live.
		bt.Eval[chromedp.Void](t, phone, `window.__ws = WebSocket; window.WebSocket = class extends window.__ws {
			constructor(u) { super(u.replace("/ws", "/no-ws")); } }`)
		tap.cut()
		bt.WaitFor(t, phone, `document.querySelector(".live-status").dataset.status === "reconnecting" &&
			document.querySelector(".live-status").textContent === "重新连接…"`, "the indicator to say reconnecting")
		bt.Eval[chromedp.Void](t, phone, `window.WebSocket = window.__ws`)
		move(1)
		bt.WaitAt(t, phone, "phone", i, s)
		bt.WaitFor(t, phone, `document.querySelector(".live-status").dataset.status === "live"`, "the indicator to say live")
	})

	if !bt.Eval[bool](t, phone, `window.notReloaded === true`) {
		t.Error("the phone page was reloaded to catch up")
	}
}

// setHidden makes the page hidden or visible as a locked or unlocked
// phone does, as far as the page can tell: document.visibilityState and
// the visibilitychange event.
func setHidden(t testing.TB, tab context.Context, hidden bool) {
	t.Helper()
	bt.Eval[chromedp.Void](t, tab, fmt.Sprintf(`(() => {
		Object.defineProperty(document, "visibilityState", {configurable: true, get: () => %[1]t ? "hidden" : "visible"});
		Object.defineProperty(document, "hidden", {configurable: true, get: () => %[1]t});
		document.dispatchEvent(new Event("visibilitychange"));
	})()`, hidden))
}

// setOnline switches the tab's network state as the browser sees it
// (navigator.onLine and the online/offline events).
func setOnline(t testing.TB, tab context.Context, on bool) {
	t.Helper()
	bt.Do(t, tab, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: !on, DownloadThroughput: -1, UploadThroughput: -1,
		})
		return err
	}))
}

// TestPhoneReadingMode reads every slide of the talk on a phone with the
// reader's text size raised by half (the system font size): nothing
// overflows sideways except code and tables, which scroll. The page lets
// the reader zoom, turns to the stage in landscape, drops its transitions
// for reduced motion, and labels its controls.
func TestPhoneReadingMode(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			srv, url, _ := startPhone(t, theme)
			d := srv.Deck()
			phone := bt.LiveTab(t, ctx, bt.PhoneSize)
			bt.Open(t, phone, url+"/")
			bt.Eval[chromedp.Void](t, phone, `document.fonts.ready.then(() => {})`)
			if shots := os.Getenv("PODIUM_SHOTS"); shots != "" {
				bt.WaitFor(t, phone, `podium.sync.status === "live"`, "the phone to be live")
				bt.Screenshot(t, phone, shots, "phone-live-"+theme)
				bt.Do(t, phone, bt.Swipe(320, 420, 60, 430))
				bt.WaitFor(t, phone, `!podium.sync.following`, "the phone to browse")
				bt.Screenshot(t, phone, shots, "phone-browsing-"+theme)
				srv.hub.Blackout(true)
				bt.TapOn(t, phone, ".back-live")
				bt.WaitFor(t, phone, `!document.querySelector(".blackout").hidden`, "the pause screen")
				bt.Screenshot(t, phone, shots, "phone-paused-"+theme)
				srv.hub.Blackout(false)
				bt.WaitFor(t, phone, `document.querySelector(".blackout").hidden`, "the pause to end")
			}
			base := bt.Eval[float64](t, phone, `parseFloat(getComputedStyle(document.querySelector("section.slide.current")).fontSize)`)
			bt.Eval[chromedp.Void](t, phone, `document.documentElement.style.fontSize = "24px"`) // a 16px default raised to 24
			big := bt.Eval[float64](t, phone, `parseFloat(getComputedStyle(document.querySelector("section.slide.current")).fontSize)`)
			if big < base*1.4 {
				t.Errorf("slide text is %vpx with the reader's text size raised by half (%vpx before): the system font size is ignored", big, base)
			}
			for _, m := range bt.Eval[[]misfit](t, phone, fitCheck) {
				sl := d.Slides[m.Index]
				t.Errorf("slides/%s:%d: slide %d %q step %d does not fit a phone with larger text: %s",
					sl.File, sl.Line, m.Index+1, sl.Title, m.Step, strings.Join(m.Problems, "; "))
			}
			if shots := os.Getenv("PODIUM_SHOTS"); shots != "" {
				for _, i := range []int{0, 3, len(d.Slides) - 1} {
					bt.Eval[chromedp.Void](t, phone, fmt.Sprintf(`podium.view.show(%d, -1)`, i))
					bt.Screenshot(t, phone, shots, fmt.Sprintf("phone-bigtext-%s-%02d", theme, i+1))
				}
			}
		})
	}

	_, url, _ := startPhone(t, "")
	phone := bt.LiveTab(t, ctx, bt.PhoneSize)
	bt.Open(t, phone, url+"/")
	if vp := bt.Eval[string](t, phone, `document.querySelector("meta[name=viewport]").content`); strings.Contains(vp, "user-scalable=no") || strings.Contains(vp, "maximum-scale") {
		t.Errorf("the viewport %q stops the reader from zooming", vp)
	}
	if got := bt.Eval[string](t, phone, `getComputedStyle(document.querySelector(".progress-fill")).transitionDuration`); got != "0s" {
		t.Errorf("with reduced motion the progress bar still moves in %s", got)
	}
	unlabelled := bt.Eval[[]string](t, phone, `[...document.querySelectorAll("button")]
		.filter((b) => !(b.getAttribute("aria-label") || b.textContent).trim()).map((b) => b.outerHTML.slice(0, 80))`)
	if len(unlabelled) > 0 {
		t.Errorf("buttons without a label: %q", unlabelled)
	}
	// Turned to landscape, the phone shows the 16:9 stage.
	bt.Do(t, phone, chromedp.EmulateViewport(844, 390,
		chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateLandscape))
	bt.WaitFor(t, phone, `podium.view.root.dataset.mode === "stage"`, "the stage in landscape")
}

// TestPhoneStandalone serves the page where no websocket answers (a
// static copy, or a server behind a proxy without websockets): it still
// shows the deck, moves with keys, keeps the position in the URL, and
// claims no live it does not have.
func TestPhoneStandalone(t *testing.T) {
	t.Parallel()
	root, err := os.OpenRoot("../slides")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: root.FS(), Web: os.DirFS("../web"), Themes: os.DirFS("../themes")})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ws" {
			http.NotFound(w, r)
			return
		}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { stopLive(s, ts) })
	ctx := bt.New(t)
	tab := bt.LiveTab(t, ctx, bt.PhoneSize)
	bt.Open(t, tab, ts.URL+"/#3")
	waitPos(t, tab, 2, 0)
	bt.Press(t, tab, kb.ArrowRight)
	waitPos(t, tab, 3, 0)
	bt.Do(t, tab, chromedp.NavigateBack())
	waitPos(t, tab, 2, 0)
	if bt.Eval[bool](t, tab, `!document.querySelector(".live-status").hidden || !document.querySelector(".back-live").hidden`) {
		t.Error("a page without a server shows a live indicator or a Back to live button")
	}
}

// BenchmarkPhoneLatency measures the time from a key press in the
// presenter view to the phone page showing the change, in Chromium over
// loopback: both tabs timestamp with performance.timeOrigin +
// performance.now(), one clock for the whole browser. It reports the
// median and the 90th percentile over max(b.N, 21) presses (→ and ←
// alternately, each one a change):
//
//	go test -run '^$' -bench PhoneLatency -benchtime 40x ./server/
func BenchmarkPhoneLatency(b *testing.B) {
	_, url, _ := startPhone(b, "")
	ctx := bt.New(b)
	pres := bt.LiveTab(b, ctx, bt.DesktopSize)
	bt.OpenPresenter(b, pres, url+"/presenter?token="+presenterToken)
	phone := openPhone(b, ctx, url)
	bt.Eval[chromedp.Void](b, pres, `window.__keys = [];
		addEventListener("keydown", () => __keys.push(performance.timeOrigin + performance.now()), true)`)
	bt.Eval[chromedp.Void](b, phone, `(() => {
		window.__seen = [];
		let at = podium.view.index * 1000 + podium.view.step;
		new MutationObserver(() => {
			const now = performance.timeOrigin + performance.now(), p = podium.view.index * 1000 + podium.view.step;
			if (p !== at) { at = p; __seen.push(now); }
		}).observe(document.querySelector(".slides"), {attributes: true, subtree: true, attributeFilter: ["hidden", "class"]});
	})()`)
	presses := max(b.N, 21)
	var ms []float64
	b.ResetTimer()
	for k := range presses {
		key := kb.ArrowRight
		if k%2 == 1 {
			key = kb.ArrowLeft
		}
		bt.Press(b, pres, key)
		bt.WaitFor(b, phone, fmt.Sprintf(`__seen.length === %d`, k+1), "the phone to change")
		keyAt := bt.Eval[float64](b, pres, fmt.Sprintf(`__keys[%d]`, k))
		seenAt := bt.Eval[float64](b, phone, fmt.Sprintf(`__seen[%d]`, k))
		ms = append(ms, seenAt-keyAt)
	}
	b.StopTimer()
	slices.Sort(ms)
	b.ReportMetric(ms[len(ms)/2], "ms-median")
	b.ReportMetric(ms[len(ms)*9/10], "ms-p90")
	b.Logf("key press → phone, %d presses: median %.1f ms, p90 %.1f ms, max %.1f ms", len(ms), ms[len(ms)/2], ms[len(ms)*9/10], ms[len(ms)-1])
}
