package browsertest

// Helpers for podium's own pages (the audience page, the presenter view,
// the remote), shared by the server package's browser tests and
// cmd/podium's tests of the real command.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// LiveTab opens a tab in a new browser context (another device) with
// the viewport size; console errors fail the test, except the network
// errors of a server that is restarting.
func LiveTab(t testing.TB, ctx context.Context, size Size) context.Context {
	t.Helper()
	tab := Isolated(t, ctx)
	WatchConsole(t, tab, ServerAway)
	Do(t, tab, Viewport(size), ReducedMotion())
	return tab
}

// Open navigates the tab to url and waits until the deck is shown.
func Open(t testing.TB, tab context.Context, url string) {
	t.Helper()
	Do(t, tab, chromedp.Navigate(url))
	WaitFor(t, tab, `document.getElementById("podium")?.dataset.ready === "true"`, "the deck to load")
}

// OpenPresenter opens the presenter view with the token and waits until
// the server has said it is a presenter and its deck and state arrived.
func OpenPresenter(t testing.TB, tab context.Context, url string) {
	t.Helper()
	Do(t, tab, chromedp.Navigate(url))
	WaitFor(t, tab, `document.body.dataset.role === "presenter" && !!podium.view.deck && !!podium.sync.state &&
		!document.querySelector(".pz-dash").hidden`, "the presenter view to connect as presenter")
}

// OpenFollower opens the audience page and makes it follow the server.
// Until audience.js calls follow itself (window.podium.sync), the test
// does it, with the page's own sync.js.
func OpenFollower(t testing.TB, tab context.Context, url string) {
	t.Helper()
	Open(t, tab, url+"/")
	Eval[chromedp.Void](t, tab, `(async () => {
		if (window.podium.sync) return;
		const src = document.querySelector('script[type=module][src$="audience.js"]').src;
		const m = await import(new URL("sync.js", src));
		window.podium.sync = m.follow(podium.view, {controls: podium.controls});
	})()`)
	WaitFor(t, tab, `podium.sync.status === "live" && !!podium.sync.state`, "the audience page to follow the server")
}

// At is the JavaScript condition that the page's view shows slide index
// at step, as a person sees it: that slide's section is the shown one
// and exactly its first step elements are revealed.
func At(index, step int) string {
	return fmt.Sprintf(`(() => {
		const v = podium.view;
		if (v.index !== %[1]d || v.step !== %[2]d) return false;
		const sec = document.querySelector("section.slide.current");
		if (sec !== v.slideElement(%[1]d) || sec.hidden) return false;
		return [...sec.querySelectorAll("[data-step]")].every((e) => e.classList.contains("future") === (Number(e.dataset.step) > %[2]d));
	})()`, index, step)
}

// WaitAt waits until the tab shows slide index at step and returns how
// long that took.
func WaitAt(t testing.TB, tab context.Context, who string, index, step int) time.Duration {
	t.Helper()
	start := time.Now()
	WaitFor(t, tab, At(index, step), fmt.Sprintf("the %s to show slide %d step %d (shows %s)", who, index+1, step,
		Eval[string](t, tab, `podium.view.index + 1 + " step " + podium.view.step`)))
	return time.Since(start)
}

// TapOn taps the centre of the element sel, as a finger does.
func TapOn(t testing.TB, tab context.Context, sel string) {
	t.Helper()
	p := Eval[[]float64](t, tab, fmt.Sprintf(`(() => {
		const r = document.querySelector(%q).getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`, sel))
	Do(t, tab, chromedp.TapXY(p[0], p[1]))
}

// Press presses keys in the tab (see Key).
func Press(t testing.TB, tab context.Context, key string, mods ...chromedp.Modifier) {
	t.Helper()
	Do(t, tab, Key(key, mods...))
}
