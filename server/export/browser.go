package export

import (
	"context"
	"fmt"
	"sync"

	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium for one export, started in the
// background (StartBrowser returns at once) so that it comes up while the
// deck loads. The PDF prints in its first tab; the diagrams of the deck
// render in a second one (server/diagram's NewIn), so an export runs one
// Chromium, not two.
type Browser struct {
	tab     context.Context // the first tab; the browser's lifetime
	stop    func()          // cancels a start still under way
	cancel  func()          // stops the browser that started; set before started closes
	started chan struct{}
	err     error // set before started closes
	closing sync.Once
}

// StartBrowser starts the Chromium at path (see FindBrowser) with the
// profile folder dir (empty: a fresh temporary one, removed when it
// stops). Cancelling ctx stops it and every process it started; so does
// Close.
func StartBrowser(ctx context.Context, path, dir string) *Browser {
	flags := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,SpareRendererForSitePerProcess,OptimizationHints,MediaRouter,Prerender2,BackForwardCache,WebUIOmniboxPopup,WebUIOmniboxAimPopup"),
		// One process: the browser, its renderer, network and GPU threads
		// share one address space, so V8's, Blink's and ICU's per-process
		// heaps and the code's private pages are paid once, not six times.
		// A 200-slide deck prints in 419 MB (PSS) this way against 577–747
		// MB as separate processes (docs/benchmarks.md, §15). The page is
		// our own print page on loopback, the one thing a sandbox between
		// processes would protect against is not there.
		chromedp.Flag("single-process", true),
		chromedp.Flag("no-zygote", true),
		// Smaller heaps and caches, as on a low-end phone: about 15 MB off
		// the 200-slide deck's peak, and the same PDF (its text and its
		// pixels; docs/benchmarks.md, "export (wave 4)").
		chromedp.Flag("enable-low-end-device-mode", true),
		chromedp.WindowSize(stageWidth, stageHeight),
	)
	if dir != "" {
		flags = append(flags, chromedp.UserDataDir(dir))
	}
	ctx, stop := context.WithCancel(ctx)
	b := &Browser{stop: stop, cancel: func() {}, started: make(chan struct{})}
	go func() {
		defer close(b.started)
		// Chromium in one process now and then dies as it starts
		// (a segmentation fault, about one start in twenty on a loaded
		// machine); a second start is what the user would have done.
		for attempt := 1; ; attempt++ {
			allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, flags...)
			tab, cancelTab := chromedp.NewContext(allocCtx)
			err := chromedp.Do(tab)
			if err == nil {
				b.tab, b.cancel = tab, func() { cancelTab(); cancelAlloc() }
				return
			}
			cancelTab()
			cancelAlloc()
			if attempt == startAttempts || ctx.Err() != nil {
				b.err = fmt.Errorf("browser: starting %s: %w", path, err)
				return
			}
		}
	}()
	return b
}

// startAttempts is how many times StartBrowser starts a Chromium that
// dies before its first tab is up.
const startAttempts = 2

// Tab waits until the browser is up and returns its first tab's context;
// chromedp.NewContext of it opens another tab in the same browser.
func (b *Browser) Tab() (context.Context, error) {
	<-b.started
	if b.err != nil {
		return nil, b.err
	}
	return b.tab, nil
}

// Close stops the browser and waits for its processes to end.
func (b *Browser) Close() {
	b.closing.Do(func() {
		select {
		case <-b.started:
		default:
			b.stop() // a start under way ends now
			<-b.started
		}
		b.cancel()
		b.stop()
	})
}
