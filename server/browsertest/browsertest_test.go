package browsertest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestMissingBrowserSkips(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("PODIUM_CHROME", "")
	t.Setenv("CI", "")
	t.Run("no browser", func(t *testing.T) {
		New(t)
		t.Error("New returned although no browser is on the PATH; want a skip")
	})
}

// page is a small page that records what the harness sends it.
const page = `<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1">
<body style="margin:0;height:2000px">
<input id="in">
<script>
window.log = [];
document.addEventListener("keydown", (e) => {
	if (e.key === "g" && document.activeElement.id !== "in") {
		e.preventDefault();
		document.getElementById("in").focus();
	}
});
let t0;
addEventListener("touchstart", (e) => { t0 = e.touches[0].clientX; log.push("start"); });
addEventListener("touchend", (e) => { log.push("end " + Math.round(e.changedTouches[0].clientX - t0)); });
</script>`

func serve(t *testing.T) string {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

func TestHarness(t *testing.T) {
	ctx := New(t)
	url := serve(t)

	t.Run("Key: preventDefault on keydown stops the text", func(t *testing.T) {
		tab := Tab(t, ctx)
		WatchConsole(t, tab)
		Do(t, tab, chromedp.Navigate(url))
		Do(t, tab, Key("g"), Key("4x"))
		WaitFor(t, tab, `document.getElementById("in").value === "4x"`, `the input to hold "4x" (not "g4x")`)
	})

	t.Run("Viewport and Swipe: a phone with touch", func(t *testing.T) {
		tab := Isolated(t, ctx)
		Do(t, tab, Viewport(PhoneSize), chromedp.Navigate(url))
		got := Eval[[]float64](t, tab, `[innerWidth, innerHeight, devicePixelRatio, navigator.maxTouchPoints > 0 ? 1 : 0]`)
		if len(got) != 4 || got[0] != 390 || got[1] != 844 || got[2] != 3 || got[3] != 1 {
			t.Errorf("phone viewport = %v, want [390 844 3 1] (width, height, scale, touch)", got)
		}
		Do(t, tab, Swipe(300, 400, 60, 410))
		WaitFor(t, tab, `log.join() === "start,end -240"`, "a touchstart and a touchend 240px to the left")
	})

	t.Run("Viewport: desktop", func(t *testing.T) {
		tab := Tab(t, ctx)
		Do(t, tab, Viewport(DesktopSize), ReducedMotion(), chromedp.Navigate(url))
		WaitFor(t, tab, `innerWidth === 1280 && innerHeight === 720 && matchMedia("(prefers-reduced-motion: reduce)").matches`,
			"a 1280×720 viewport that prefers reduced motion")
	})
}
