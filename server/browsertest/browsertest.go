// Package browsertest runs podium's pages in a real, headless Chromium for
// tests of what a person sees: layout, keys, touch, overflow.
//
// One browser per test package (Main), a fresh browser context per test
// (New), as many tabs as the test likes (Tab), and more isolated browser
// contexts for tests that need two people, say a presenter and an
// audience, with separate cookies (Isolated). Waits are
// conditions polled in the page with a deadline, never fixed sleeps.
// A failing helper saves a screenshot of the tab in the test's artifact
// directory (go test -artifacts keeps it) before it fails the test.
//
// Without a browser the tests skip, except under CI=true, where a missing
// browser is a failure: CI must not go green by skipping everything.
package browsertest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Timeout bounds every single helper call (an action, a wait). Generous
// for a shared two-core machine, short enough to fail fast.
const Timeout = 15 * time.Second

// Viewports the tests use.
var (
	// DesktopSize is the stage's logical size: a 16:9 projector.
	DesktopSize = Size{Width: 1280, Height: 720, Scale: 1}
	// PhoneSize is a current phone held upright (iPhone 14/15 class).
	PhoneSize = Size{Width: 390, Height: 844, Scale: 3, Mobile: true}
)

// Size is a viewport: CSS pixels, device scale factor, and whether it is a
// mobile device with touch.
type Size struct {
	Width, Height int64
	Scale         float64
	Mobile        bool
}

func (s Size) String() string {
	return fmt.Sprintf("%dx%d", s.Width, s.Height)
}

// Browsers are the executables looked for, in order; PODIUM_CHROME, when
// set, comes first.
var Browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// FindBrowser returns the path of a Chromium-family browser, or "".
func FindBrowser() string {
	names := Browsers
	if env := os.Getenv("PODIUM_CHROME"); env != "" {
		names = append([]string{env}, names...)
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// Main runs a test package's tests with one shared browser: call it from
// the package's TestMain. The browser starts at the first New and closes
// after the last test, so a package pays one Chromium start however many
// tests it has (starting one is most of a browser test's cost on a loaded
// machine), while each test still gets a browser context of its own.
func Main(m *testing.M) {
	// A browser test waits on the browser most of its time: two per core
	// keep the cores busy, where go test's default is one per core. An
	// explicit -test.parallel wins.
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
	shared.mu.Lock()
	shared.main = true
	shared.mu.Unlock()
	code := m.Run()
	shared.close()
	os.Exit(code)
}

// browser is the one Chromium of a test binary (see Main).
type browser struct {
	mu     sync.Mutex
	main   bool            // Main is running the tests
	ctx    context.Context // the browser's first tab; nil until started
	err    error           // why it failed to start, for every later test
	cancel func()
	dir    string
}

// shared is the test binary's browser. It is package state by necessity:
// tests in one binary share one browser process, which Main closes.
var shared browser

func (b *browser) get(path string) (context.Context, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.main {
		return nil, fmt.Errorf("browsertest.New needs the package's TestMain to call browsertest.Main(m)")
	}
	if b.ctx != nil || b.err != nil {
		return b.ctx, b.err
	}
	dir, err := os.MkdirTemp("", "podium-browser-")
	if err != nil {
		b.err = err
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "en-US"),
		// Chromium 156 loads two WebUI pages (the omnibox popups) into
		// renderers of their own for every new tab, headless too: ~2 s of
		// CPU per tab on this machine, most of a browser test's cost.
		chromedp.Flag("disable-features", "WebUIOmniboxPopup,WebUIOmniboxAimPopup"),
		chromedp.WindowSize(int(DesktopSize.Width), int(DesktopSize.Height)),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// Start the browser with a context that has no deadline: the first
	// Run binds the browser's life to its context.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		os.RemoveAll(dir)
		b.err = fmt.Errorf("start %s: %w", path, err)
		return nil, b.err
	}
	b.ctx, b.dir = ctx, dir
	b.cancel = func() {
		cancel()
		cancelAlloc()
	}
	return ctx, nil
}

func (b *browser) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		b.cancel()
		os.RemoveAll(b.dir)
	}
	b.ctx, b.cancel = nil, nil
}

// New returns a tab of the package's shared browser (see Main) in a fresh
// browser context: its own cookies, storage and cache, as if the test had
// a browser of its own. The context and its tabs close when the test ends.
// New skips the test when there is no browser, unless the environment
// variable CI is "true".
func New(t testing.TB) context.Context {
	t.Helper()
	path := FindBrowser()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found; install Debian's chromium to run browser tests (CI=true: browser tests must run)")
		}
		t.Skip("chromium not found; install Debian's chromium to run browser tests")
	}
	root, err := shared.get(path)
	if err != nil {
		t.Fatal(err)
	}
	return Isolated(t, root)
}

// Browser returns the package's shared browser (see Main), started if it
// is not yet: the first tab of its default context, for code under test
// that opens tabs of its own (diagram.NewIn). Without a browser it fails
// with why.
func Browser() (context.Context, error) {
	path := FindBrowser()
	if path == "" {
		return nil, errors.New("chromium not found; install Debian's chromium to run browser tests")
	}
	return shared.get(path)
}

// Tab opens another tab of the browser of ctx (same cookies and storage);
// it closes when the test ends.
func Tab(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return tab
}

// Isolated opens a tab in a new browser context: its own cookies, storage
// and cache, like a second person's browser. It closes when the test ends.
func Isolated(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext(
		func(p *target.CreateBrowserContextParams) { p.DisposeOnDetach = new(true) }))
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open isolated tab: %v", err)
	}
	return tab
}

// Viewport is the action that sets a tab's viewport to size, with touch
// and mobile emulation for a mobile size.
func Viewport(size Size) chromedp.Action[chromedp.Void] {
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(size.Scale)}
	if size.Mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	} else if size.Width >= size.Height {
		opts = append(opts, chromedp.EmulateLandscape)
	}
	return chromedp.EmulateViewport(size.Width, size.Height, opts...)
}

// Do runs actions in the tab with Timeout; on failure it saves a
// screenshot and fails the test.
func Do(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		Fail(t, ctx, "%v", err)
	}
}

// Eval evaluates a JavaScript expression in the tab and returns its value
// decoded as T; an exception fails the test.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		Fail(t, ctx, "eval %s: %v", short(expr), err)
	}
	return v
}

// WaitFor polls the JavaScript condition cond in the tab (every animation
// frame) until it is truthy, or fails the test after Timeout with what
// describes the expected state.
func WaitFor(t testing.TB, ctx context.Context, cond string, what ...any) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	var err error
	for {
		_, err = chromedp.Run(tctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(Timeout)))
		// A navigation (or a sandboxed document such as an SVG served
		// with a CSP sandbox) can replace the execution context the poll
		// runs in: that says nothing about cond, so poll again in the
		// new one.
		if err == nil || tctx.Err() != nil || !strings.Contains(err.Error(), "Cannot find context with specified id") {
			break
		}
	}
	if err != nil {
		desc := short(cond)
		if len(what) > 0 {
			desc = fmt.Sprint(what...)
		}
		Fail(t, ctx, "waiting for %s: %v", desc, err)
	}
}

// Screenshot saves a PNG of the tab's viewport as dir/name.png and
// returns its path; an empty dir means the test's artifact directory.
func Screenshot(t testing.TB, ctx context.Context, dir, name string) string {
	t.Helper()
	if dir == "" {
		dir = t.ArtifactDir()
	}
	tctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	buf, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	p := filepath.Join(dir, safeName(name)+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	return p
}

// Fail saves a screenshot of the tab and fails the test with the message.
func Fail(t testing.TB, ctx context.Context, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if ctx.Err() == nil {
		if p := Screenshot(t, ctx, "", "failure-"+t.Name()); p != "" {
			msg += "\nscreenshot: " + p
		}
	}
	t.Fatal(msg)
}

// Key presses keys in the tab as a keyboard does: each character ("n",
// "?", " ") or key name from chromedp's kb package (kb.ArrowRight,
// kb.Escape, …) is one keyDown carrying its text, then a keyUp, with
// optional modifiers. Unlike chromedp.KeyEvent, which sends the text as a
// separate char event, a page that calls preventDefault on keydown stops
// the text, as it would for a person: a "g" that opens a dialog and
// focuses its input does not also type "g" into it.
func Key(keys string, mods ...chromedp.Modifier) chromedp.Action[chromedp.Void] {
	var mask int64
	for _, m := range mods {
		mask |= int64(m)
	}
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, r := range keys {
			evs := kb.Encode(r)
			down, up := *evs[0], *evs[len(evs)-1]
			if len(evs) == 3 && mask&^int64(chromedp.ModifierShift) == 0 {
				down.Text, down.UnmodifiedText = evs[1].Text, evs[1].UnmodifiedText
			} else {
				down.Type = input.DispatchKeyEventTypeRawKeyDown
			}
			down.Modifiers |= mask
			up.Modifiers |= mask
			for _, ev := range []input.DispatchKeyEventParams{down, up} {
				if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, ev); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Swipe drags one finger across the tab from (x0, y0) to (x1, y1), in
// CSS pixels, in a few moves: what a person's swipe sends.
func Swipe(x0, y0, x1, y1 float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		return swipe(ctx, tg, x0, y0, x1, y1)
	})
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string {
	return strings.Trim(unsafeChars.ReplaceAllString(s, "_"), "_")
}

// ReducedMotion is the action that makes the tab prefer reduced motion,
// as a person can ask their system to: pages drop their transitions, so
// what a test measures or photographs is the final state at once.
func ReducedMotion() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		return err
	})
}

// WatchConsole fails the test, when it ends, if the tab logged an uncaught
// exception or a console error: a page that throws is broken even when
// the test's own checks pass. Errors for which an expected function
// returns true are the test's own doing (see ServerAway) and pass.
func WatchConsole(t testing.TB, ctx context.Context, expected ...func(chromedp.ConsoleMessage) bool) {
	t.Helper()
	var mu sync.Mutex
	var errs []string
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if !m.IsException() && m.Type != chromedp.ConsoleError {
				continue
			}
			if slices.ContainsFunc(expected, func(f func(chromedp.ConsoleMessage) bool) bool { return f(m) }) {
				continue
			}
			mu.Lock()
			errs = append(errs, m.String())
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range errs {
			t.Errorf("browser console: %s", e)
		}
	})
}

// ServerAway matches the connection errors a browser logs while the
// server is down, for tests that stop or restart it on purpose.
func ServerAway(m chromedp.ConsoleMessage) bool {
	return m.Source == "network" && (strings.Contains(m.Text, "WebSocket") || strings.Contains(m.Text, "ERR_CONNECTION_REFUSED"))
}
