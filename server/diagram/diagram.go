// Package diagram renders Mermaid diagrams to SVG on the server, once per
// diagram and theme, so that a phone showing a slide with a diagram
// downloads no Mermaid (5.5 MB of script) and spends nothing laying it out.
//
// Mermaid lays out text, so it needs a browser: a [Renderer] starts a
// headless Chromium the first time a deck has a diagram (a deck without
// one starts nothing), loads the vendored Mermaid (mermaid.min.js, npm
// mermaid 12.3.0, MIT licence, mermaid.LICENSE) into an off-screen page,
// and renders each diagram there. Results are cached by source and
// theme. Where no Chromium is found, [Renderer.Render] returns an error
// wrapping deck.ErrNoDiagrams and the deck leaves the diagram to the
// page, which then loads [Script] (and only on decks with a diagram).
//
// Labels are measured with the server's fonts; a device whose sans-serif
// font is much wider may see a label clipped. The SVGs use
// "trebuchet ms", verdana, arial, sans-serif, Mermaid's default.
package diagram

import (
	"container/list"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/podium-talks/podium/server/deck"
)

//go:embed mermaid.min.js
var mermaidJS string

// Version is the vendored Mermaid's version.
const Version = "12.3.0"

// Script is the vendored Mermaid, for pages whose diagrams the server
// could not render.
func Script() string { return mermaidJS }

// Timeout bounds one diagram's rendering; StartTimeout the browser's
// start with Mermaid loaded (about a second on an idle machine, a minute
// on a loaded one).
const (
	Timeout      = 30 * time.Second
	StartTimeout = 90 * time.Second
)

const maxCache = 256 // diagrams kept (both themes count)

// Renderer renders diagrams in one headless Chromium tab, one at a time.
// It is safe for concurrent use. Close it to stop the browser.
type Renderer struct {
	exec string // browser executable; "" = none found
	// browser, when set, is someone else's running browser (NewIn): the
	// renderer opens a tab in it instead of starting one.
	browser func() (context.Context, error)

	mu      sync.Mutex // one render at a time, and the fields below
	tab     context.Context
	cancels []context.CancelFunc
	err     error // why the browser could not start; sticky
	n       int   // diagrams rendered, for unique ids

	cache map[key]*list.Element // of *entry
	lru   list.List
}

type key struct{ src, theme string }

type entry struct {
	key
	svg string
	err error
}

// Browsers are the executables looked for, in order; PODIUM_CHROME, when
// set, comes first.
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// New returns a Renderer using the first Chromium-family browser found
// on PATH (or $PODIUM_CHROME). It starts nothing yet.
func New() *Renderer {
	r := &Renderer{cache: map[key]*list.Element{}}
	names := browsers
	if env := os.Getenv("PODIUM_CHROME"); env != "" {
		names = append([]string{env}, names...)
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			r.exec = p
			break
		}
	}
	return r
}

// NewIn returns a Renderer that renders in a tab of a browser someone
// else runs: browser waits until that browser is up and returns a
// chromedp context of it (podium export's, which prints the PDF in
// another tab). Nothing is opened before the first diagram; Close closes
// the tab, not the browser.
func NewIn(browser func() (context.Context, error)) *Renderer {
	return &Renderer{browser: browser, cache: map[key]*list.Element{}}
}

// Render returns the SVG of the Mermaid diagram src in theme ("light" or
// "dark"). Its signature is deck.Options.Diagram's.
func (r *Renderer) Render(src, theme string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := key{src, theme}
	if el, ok := r.cache[k]; ok {
		r.lru.MoveToFront(el)
		e := el.Value.(*entry)
		return e.svg, e.err
	}
	svg, err := r.render(src, theme)
	if errors.Is(err, deck.ErrNoDiagrams) {
		return "", err
	}
	r.cache[k] = r.lru.PushFront(&entry{k, svg, err})
	for r.lru.Len() > maxCache {
		old := r.lru.Remove(r.lru.Back()).(*entry)
		delete(r.cache, old.key)
	}
	return svg, err
}

// renderJS renders one diagram in the page. Mermaid keeps its
// configuration globally, so each call sets the theme it wants.
//
// inlineStyles moves the rules of the SVG's <style> elements into style
// attributes, in source order and before the attributes' own declarations,
// and drops the <style>: podium's pages allow style attributes but no
// <style> element (server/headers.go), which would leave a diagram black.
// Specificity is not weighed; Mermaid's rules are one id and classes each.
const renderJS = `function inlineStyles(svg) {
	const box = document.createElement("div");
	box.style.cssText = "position:absolute;left:-10000px;top:0;width:1200px";
	box.innerHTML = svg;
	document.body.appendChild(box);
	try {
		const root = box.querySelector("svg");
		if (!root) return svg;
		const own = new Map(), added = new Map();
		for (const st of [...root.querySelectorAll("style")]) {
			const sheet = new CSSStyleSheet();
			sheet.replaceSync(st.textContent);
			for (const rule of [...sheet.cssRules]) {
				if (!(rule instanceof CSSStyleRule)) continue;
				let els;
				try {
					els = [...root.querySelectorAll(rule.selectorText)];
					if (root.matches(rule.selectorText)) els.unshift(root);
				} catch (e) {
					continue; // pseudo-elements
				}
				for (const el of els) {
					if (!own.has(el)) own.set(el, el.getAttribute("style") || "");
					added.set(el, (added.get(el) || "") + rule.style.cssText + ";");
				}
			}
			st.remove();
		}
		for (const [el, css] of added) el.setAttribute("style", css + own.get(el));
		return box.innerHTML;
	} finally {
		box.remove();
	}
}
window.podiumRender = async (id, src, theme) => {
	mermaid.initialize({startOnLoad: false, securityLevel: "strict", theme: theme === "dark" ? "dark" : "default",
		flowchart: {useMaxWidth: true}, sequence: {useMaxWidth: true}, gantt: {useMaxWidth: true}});
	try {
		await mermaid.parse(src);
		const {svg} = await mermaid.render(id, src);
		return {svg: inlineStyles(svg)};
	} catch (e) {
		document.getElementById(id)?.remove();
		document.getElementById("d" + id)?.remove();
		return {err: String(e && e.message || e)};
	}
};`

func (r *Renderer) render(src, theme string) (string, error) {
	if err := r.start(); err != nil {
		return "", err
	}
	r.n++
	id := fmt.Sprintf("mermaid-%s-%d", theme, r.n)
	ctx, cancel := context.WithTimeout(r.tab, Timeout)
	defer cancel()
	type result struct {
		SVG string `json:"svg"`
		Err string `json:"err"`
	}
	call := fmt.Sprintf("podiumRender(%s, %s, %s)", jsString(id), jsString(src), jsString(theme))
	res, err := chromedp.Run(ctx, chromedp.Evaluate[result](call, chromedp.EvalAwaitPromise))
	switch {
	case err != nil && ctx.Err() != nil:
		// The page may be stuck in the diagram: start afresh next time.
		r.stop()
		return "", fmt.Errorf("diagram takes too long to render (over %v)", Timeout)
	case err != nil:
		r.stop()
		return "", fmt.Errorf("rendering: %v", err)
	case res.Err != "":
		return "", errors.New(oneLine(res.Err))
	}
	return res.SVG, nil
}

// start starts the browser and loads Mermaid, once; r.mu is held.
func (r *Renderer) start() error {
	if r.tab != nil {
		return nil
	}
	if r.err != nil {
		return r.err
	}
	if r.browser != nil {
		parent, err := r.browser()
		if err != nil {
			r.err = fmt.Errorf("%w: %v", deck.ErrNoDiagrams, err)
			return r.err
		}
		tab, cancel := chromedp.NewContext(parent)
		r.cancels = []context.CancelFunc{cancel}
		return r.load(tab, "the browser")
	}
	if r.exec == "" {
		r.err = fmt.Errorf("%w: no Chromium found (looked for %s)", deck.ErrNoDiagrams, strings.Join(browsers, ", "))
		return r.err
	}
	dir, err := os.MkdirTemp("", "podium-diagrams-")
	if err != nil {
		r.err = fmt.Errorf("%w: %v", deck.ErrNoDiagrams, err)
		return r.err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(r.exec),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		// Chromium 156 loads two WebUI pages (the omnibox popups) into
		// renderers of their own for every new window, headless too:
		// 2 s of CPU each, for nothing a headless tab shows.
		chromedp.Flag("disable-features", "WebUIOmniboxPopup,WebUIOmniboxAimPopup"),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelT := chromedp.NewContext(actx)
	r.cancels = []context.CancelFunc{cancelT, cancelA, func() { os.RemoveAll(dir) }}
	return r.load(tab, r.exec)
}

// load opens tab (its first Run starts the browser or, in someone else's
// browser, the tab) and loads Mermaid into it; r.mu is held, r.cancels
// undo tab.
func (r *Renderer) load(tab context.Context, what string) error {
	// The first Run starts the browser; its context must not time out
	// (that would stop the browser later), so it is waited for here.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(tab) }()
	var err error
	select {
	case err = <-started:
	case <-time.After(StartTimeout):
		err = fmt.Errorf("no answer in %v", StartTimeout)
	}
	if err == nil {
		ctx, cancel := context.WithTimeout(tab, StartTimeout)
		var ok bool
		ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](mermaidJS+"\n;"+renderJS+"\ntypeof mermaid === 'object'"))
		cancel()
		if err == nil && !ok {
			err = errors.New("mermaid did not load")
		}
	}
	if err != nil {
		r.stop()
		r.err = fmt.Errorf("%w: starting %s: %v", deck.ErrNoDiagrams, what, err)
		return r.err
	}
	r.tab = tab
	return nil
}

// stop ends the browser; r.mu is held.
func (r *Renderer) stop() {
	for _, c := range r.cancels {
		c()
	}
	r.cancels, r.tab = nil, nil
}

// Close stops the browser, if it was started.
func (r *Renderer) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stop()
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c < 0x20 || c == 0x2028 || c == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
