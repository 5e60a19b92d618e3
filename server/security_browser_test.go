package server

// Browser tests of the headers: in a real Chromium, a deck's SVG cannot
// run script when the speaker opens it, yet shows as an image in a slide;
// the pages run under their Content-Security-Policy without a single
// violation; and a page on another port of the same host can neither
// frame the presenter view nor open a presenter websocket.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	bt "github.com/podium-talks/podium/server/browsertest"
)

// evilSVG is a deck file that, if it ran as podium's origin, would read
// the notes and send them to the server under /pwned.
const evilSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">
<style>rect { fill: rgb(0, 128, 0); }</style>
<rect width="40" height="40"/>
<script>document.title = "ran"; fetch("/api/notes").then((r) => r.text()).then((t) => fetch("/pwned?" + encodeURIComponent(t)));</script>
</svg>`

// startHostile serves a deck whose slide shows an SVG with a script, and
// records every request path and whether it carried the presenter cookie.
func startHostile(t *testing.T) (*Server, *httptest.Server, *requestLog) {
	t.Helper()
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "img"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "01.md"), []byte("# Evil\n\n![evil](img/evil.svg)\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\nNote: "+secretNote+"\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "img", "evil.svg"), []byte(evilSVG), 0o644))
	root, err := os.OpenRoot(dir)
	must(t, err)
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: DeckDir(root), Web: os.DirFS("../web"), Themes: os.DirFS("../themes"), Token: presenterToken})
	must(t, err)
	log := &requestLog{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { stopLive(s, ts) })
	return s, ts, log
}

type requestLog struct {
	mu   sync.Mutex
	reqs []string // path, plus " cookie" when the presenter cookie came along
}

func (l *requestLog) add(r *http.Request) {
	e := r.URL.RequestURI()
	if c, err := r.Cookie("podium_token"); err == nil && c.Value != "" {
		e += " cookie"
	}
	l.mu.Lock()
	l.reqs = append(l.reqs, e)
	l.mu.Unlock()
}

func (l *requestLog) find(prefix string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.reqs {
		if strings.HasPrefix(e, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// TestSVGCannotScriptPodium: the presenter opens a deck SVG directly; its
// script does not run (sandbox), while the same SVG in a slide renders,
// styles included, and the pages log no CSP violation.
func TestSVGCannotScriptPodium(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	_, ts, log := startHostile(t)
	tab := bt.LiveTab(t, ctx, bt.DesktopSize) // fails on any console error: CSP violations included
	bt.OpenPresenter(t, tab, ts.URL+"/presenter?token="+presenterToken)
	bt.WaitFor(t, tab, `(() => { const i = document.querySelector('.pz-current img[src*="evil.svg?v="], img[src*="evil.svg?v="]');
		return i && i.complete && i.naturalWidth === 40; })()`, "the SVG to render as an image in the slide")
	bt.WaitFor(t, tab, `(() => { const td = document.querySelectorAll("td"); return td.length >= 2 && getComputedStyle(td[1]).textAlign === "right"; })()`,
		"the table's alignment (a style attribute) to apply under the CSP")

	svgTab := bt.Isolated(t, ctx)
	bt.Do(t, svgTab, chromedp.Navigate(ts.URL+"/presenter?token="+presenterToken))
	bt.Do(t, svgTab, chromedp.Navigate(ts.URL+"/deck/img/evil.svg"))
	bt.WaitFor(t, svgTab, `document.readyState === "complete" && !!document.querySelector("rect")`, "the SVG document")
	if title := bt.Eval[string](t, svgTab, `document.title`); title == "ran" {
		t.Error("the SVG's script ran on podium's origin")
	}
	if origin := bt.Eval[string](t, svgTab, `String(self.origin)`); origin != "null" {
		t.Errorf("the SVG document has origin %q, want an opaque one (sandbox)", origin)
	}
	if got := log.find("/pwned"); len(got) > 0 {
		t.Errorf("the SVG's script sent the notes: %v", got)
	}
}

// TestOtherPortCannotFramePresenter: a page served from another port of
// the same host (same site: the SameSite cookie goes along) frames
// /presenter and opens a websocket of its own. The frame is refused by
// frame-ancestors, the websocket by the Origin check; no presenter
// connection is ever made. A page of another site (localhost versus
// 127.0.0.1) does not even get the cookie sent.
func TestOtherPortCannotFramePresenter(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	s, ts, log := startHostile(t)
	podium := ts.URL // http://127.0.0.1:PORT
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>attacker</title>
<iframe id="f" src="%[1]s/presenter"></iframe>
<img id="img">
<script>
document.getElementById("img").src = %[2]q + "/deck/img/evil.svg?from=" + location.hostname;
window.result = {};
const ws = new WebSocket(%[3]q);
ws.onopen = () => { window.result.ws = "open"; };
ws.onerror = () => { window.result.ws = "refused"; };
fetch(%[4]q, {credentials: "include"}).then((r) => r.text()).then((t) => { window.result.notes = t; }, () => { window.result.notes = "blocked"; });
</script>`, podium, podium,
			"ws"+strings.TrimPrefix(podium, "http")+"/ws", podium+"/api/notes")
	}))
	defer attacker.Close()

	tab := bt.Isolated(t, ctx)
	refused := make(chan string, 4)
	go func() {
		for m, err := range chromedp.Console(tab) {
			if err != nil {
				return
			}
			if strings.Contains(m.Text, "frame-ancestors") {
				refused <- m.Text
			}
		}
	}()
	// The speaker logged in on this browser earlier: the cookie is there,
	// as Login sets it.
	httpOnly := true
	bt.Do(t, tab, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: "podium_token", Value: presenterToken,
			URL: podium + "/", HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteStrict})
		return err
	}))
	bt.Do(t, tab, chromedp.Navigate(attacker.URL))
	bt.WaitFor(t, tab, `window.result && result.ws && result.notes && document.getElementById("img").complete`, "the attacker page's attempts to finish")
	if got := bt.Eval[string](t, tab, `result.ws`); got != "refused" {
		t.Errorf("attacker's websocket: %s, want refused", got)
	}
	if got := bt.Eval[string](t, tab, `result.notes`); got != "blocked" {
		t.Errorf("attacker read /api/notes: %.80q", got)
	}
	select {
	case <-refused:
	case <-tab.Done():
		t.Fatal("browser gone")
	case <-waitUntil(t, func() bool { _, p := s.hub.Presence(); return p > 0 }):
		t.Fatal("the framed presenter view connected as presenter")
	}
	if _, p := s.hub.Presence(); p != 0 {
		t.Errorf("%d presenter connections from the attacker page", p)
	}
	// Another site: localhost is not 127.0.0.1 for SameSite. Its request
	// for a deck file must come without the presenter cookie.
	bt.Do(t, tab, chromedp.Navigate(strings.Replace(attacker.URL, "127.0.0.1", "localhost", 1)))
	bt.WaitFor(t, tab, `document.getElementById("img").complete && window.result && result.ws && result.notes`, "the cross-site attacker page")
	same, cross := log.find("/deck/img/evil.svg?from=127.0.0.1"), log.find("/deck/img/evil.svg?from=localhost")
	if len(cross) == 0 {
		t.Fatal("the cross-site page's request never arrived")
	}
	for _, e := range cross {
		if strings.HasSuffix(e, " cookie") {
			t.Errorf("a request from another site carried the presenter cookie: %s", e)
		}
	}
	t.Logf("same site, other port: %v (SameSite does not tell ports apart: frame-ancestors and the Origin check do)", same)
	if _, p := s.hub.Presence(); p != 0 {
		t.Errorf("%d presenter connections from the cross-site page", p)
	}
}

// waitUntil polls cond in a goroutine and closes the channel once it
// holds; the test's end stops the polling.
func waitUntil(t *testing.T, cond func() bool) <-chan struct{} {
	ch := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if cond() {
				close(ch)
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return ch
}
