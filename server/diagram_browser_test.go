package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

var diagramKinds = []string{"flowchart", "sequence", "class", "state", "gantt", "timeline"}

// diagramDeck is one slide per kind of diagram, from server/diagram/testdata.
func diagramDeck(t testing.TB) fstest.MapFS {
	t.Helper()
	var md strings.Builder
	for i, k := range diagramKinds {
		b, err := os.ReadFile("diagram/testdata/" + k + ".mmd")
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			md.WriteString("\n---\n\n")
		}
		fmt.Fprintf(&md, "## A %s\n\n```mermaid\n%s```\n", k, b)
	}
	return fstest.MapFS{"01-diagrams.md": {Data: []byte(md.String())}}
}

// diagramSizes shows every slide and returns, per slide, the size of the
// diagram SVG a person sees (0x0 when none is visible), waiting for it
// to be drawn.
func diagramSizes(t *testing.T, tab context.Context) []string {
	t.Helper()
	var out []string
	for i := range diagramKinds {
		bt.Eval[bool](t, tab, fmt.Sprintf(`podium.view.show(%d, 0) || true`, i))
		cond := fmt.Sprintf(`[...podium.view.slideElement(%d).querySelectorAll(".diagram svg")].some((s) => s.getBoundingClientRect().width > 0)`, i)
		waitLong(t, tab, cond, fmt.Sprintf("the %s diagram to show", diagramKinds[i]))
		out = append(out, bt.Eval[string](t, tab, fmt.Sprintf(`(() => {
			const s = [...podium.view.slideElement(%d).querySelectorAll(".diagram svg")].find((s) => s.getBoundingClientRect().width > 0);
			const r = s.getBoundingClientRect();
			return Math.round(r.width) + "x" + Math.round(r.height);
		})()`, i)))
	}
	return out
}

// TestDiagramsServer: with Chromium on the server, each kind of diagram
// arrives as SVG in both themes (the theme's shown), lays out with a
// non-zero size, and the page loads no Mermaid.
func TestDiagramsServer(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	fsys := diagramDeck(t)
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			var mu sync.Mutex
			var mermaid bool
			s, err := New(Config{Deck: fsys, Theme: theme, Web: web.FS, Themes: themes.FS, Diagrams: testDiagrams})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			t.Cleanup(func() { s.Shutdown(context.Background()) })
			for _, sl := range s.Deck().Slides {
				if !strings.Contains(sl.HTML, `<div class="diagram-light"><svg`) || !strings.Contains(sl.HTML, `<div class="diagram-dark"><svg`) {
					t.Fatalf("slide %d: want an SVG per theme:\n%.300s", sl.Index, sl.HTML)
				}
				if strings.Contains(sl.HTML, "<style") {
					t.Fatalf("slide %d: a <style> element, which the page's CSP blocks:\n%.300s", sl.Index, sl.HTML)
				}
			}
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				mermaid = mermaid || strings.Contains(r.URL.Path, "mermaid")
				mu.Unlock()
				s.ServeHTTP(w, r)
			}))
			defer ts.Close()
			tab := newTab(t, ctx)
			bt.Do(t, tab, bt.Viewport(bt.DesktopSize))
			bt.Open(t, tab, ts.URL+"/")
			sizes := diagramSizes(t, tab)
			t.Logf("%s: %v", theme, sizes)
			bt.Eval[bool](t, tab, `podium.view.show(0, 0) || true`)
			visible := bt.Eval[string](t, tab, `[...podium.view.slideElement(0).querySelectorAll(".diagram > div")].filter((d) => d.getBoundingClientRect().width > 0).map((d) => d.className).join(" ")`)
			// Mermaid's styles arrive as style attributes: its font, not
			// the slide's.
			if font := bt.Eval[string](t, tab, `getComputedStyle(podium.view.slideElement(0).querySelector(".diagram-`+theme+` svg")).fontFamily`); !strings.Contains(font, "trebuchet") {
				t.Errorf("diagram font %q: Mermaid's styles did not apply", font)
			}
			if visible != "diagram-"+theme {
				t.Errorf("visible diagram: %q, want diagram-%s", visible, theme)
			}
			mu.Lock()
			defer mu.Unlock()
			if mermaid {
				t.Error("the page fetched Mermaid, though the server rendered every diagram")
			}
		})
	}
}

// TestDiagramsInPage: without server rendering (no Chromium, or
// ClientDiagrams), the page loads the vendored Mermaid, once, and draws
// each kind of diagram when its slide is shown.
func TestDiagramsInPage(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	var mu sync.Mutex
	var loads []string
	s, err := New(Config{Deck: diagramDeck(t), Web: web.FS, Themes: themes.FS, ClientDiagrams: true})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if !strings.Contains(s.Deck().Slides[0].HTML, `<pre class="mermaid">`) {
		t.Fatalf("want the source left for the page:\n%s", s.Deck().Slides[0].HTML)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "mermaid") {
			mu.Lock()
			loads = append(loads, r.URL.Path)
			mu.Unlock()
		}
		s.ServeHTTP(w, r)
	}))
	defer ts.Close()
	// Mermaid measures each diagram in the page with its <style> in it,
	// which the page's CSP blocks (logged as an error); inlineStyles in
	// view.js then moves the rules into style attributes, as the font
	// check below shows.
	tab := bt.Tab(t, ctx)
	bt.WatchConsole(t, tab, func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.Text, "Applying inline style violates")
	})
	bt.Do(t, tab, bt.Viewport(bt.DesktopSize))
	bt.Open(t, tab, ts.URL+"/")
	t.Logf("sizes: %v", diagramSizes(t, tab))
	if font := bt.Eval[string](t, tab, `getComputedStyle(podium.view.slideElement(0).querySelector(".diagram svg")).fontFamily`); !strings.Contains(font, "trebuchet") {
		t.Errorf("diagram font %q: Mermaid's styles did not apply", font)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(loads) != 1 {
		t.Errorf("Mermaid fetched %d times (%v), want once", len(loads), loads)
	}
}

// waitLong waits up to 90 s for cond, in calls of 10 s each (a helper
// call is bounded by bt.Timeout): Mermaid's 5.5 MB take long to start
// on a loaded machine, and while it starts the page's thread is busy, so
// a call that gets no answer in bt.Timeout is tried again.
func waitLong(t *testing.T, tab context.Context, cond, what string) {
	t.Helper()
	wait := fmt.Sprintf(`new Promise((resolve) => {
		const end = performance.now() + 10000;
		const poll = () => { if (%s) resolve(true); else if (performance.now() > end) resolve(false); else requestAnimationFrame(poll); };
		poll();
	})`, cond)
	for end := time.Now().Add(90 * time.Second); time.Now().Before(end); {
		ctx, cancel := context.WithTimeout(tab, bt.Timeout)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](wait, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil && tab.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			continue // the page's thread was busy
		}
		if err != nil {
			bt.Fail(t, tab, "waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
	}
	bt.Fail(t, tab, "waiting for %s: still not after 90 s", what)
}
