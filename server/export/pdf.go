package export

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/memory"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/podium-talks/podium/server/deck"
)

// Browsers are the executables FindBrowser looks for on PATH, in order.
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ErrNoBrowser is FindBrowser's error when there is no Chromium: its text
// is the one line a user needs.
var ErrNoBrowser = errors.New("no Chromium found on PATH (chromium, chromium-browser, google-chrome): " +
	"install one (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or give --browser PATH")

// FindBrowser returns the browser to print with: path itself when it is
// given (it must be an executable), else the first of chromium,
// chromium-browser, google-chrome on PATH.
func FindBrowser(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("--browser %s: %w", path, err)
		}
		return p, nil
	}
	for _, n := range browsers {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// PDFOptions say what to print.
type PDFOptions struct {
	// Browser is the Chromium executable (see FindBrowser), started for
	// this PDF and stopped after it, unless Session is set: a browser
	// already running (StartBrowser), which prints in its first tab and
	// stays up.
	Browser string
	Session *Browser
	// Steps prints one page per step instead of one per slide at its
	// last step.
	Steps bool
	// Notes prints a handout: each slide with its speaker notes below. No
	// other option lets notes into the output.
	Notes bool
	// Progress, when set, hears how many pages are laid out, then once
	// more with done == total when printing starts.
	Progress func(done, total int)
	// UserDataDir is the profile folder of the browser started from
	// Browser; empty means a fresh temporary one, removed afterwards.
	// Tests set it to find the browser's processes.
	UserDataDir string
	// SystemFonts prints with the system's font files as they are,
	// instead of the print page's subsets of the large ones (fonts.go).
	// The pages are the same; the export takes ~100 MB more memory for a
	// deck set in Noto CJK.
	SystemFonts bool

	// batch overrides printBatch, and strict makes a failure to join
	// the batches an error instead of a print of the deck as one
	// document: for tests, which must see join at work.
	batch  int
	strict bool
}

// Stage is the slide's logical size in CSS pixels (view.js's STAGE_WIDTH
// and STAGE_HEIGHT); a PDF page is exactly this, in points at 96 dpi.
const stageWidth, stageHeight = 1280, 720

// PDF prints the talk with headless Chromium and returns the PDF: the
// real audience pages (podium.css, the theme, view.js) laid out one per
// page by web/print.js, vector text with embedded fonts, links, an
// outline of chapters and slide titles, the deck's title, author and
// language. Cancelling ctx stops the browser and every process it
// started.
func (t *Talk) PDF(ctx context.Context, opt PDFOptions) ([]byte, error) {
	if opt.Browser == "" && opt.Session == nil {
		return nil, ErrNoBrowser
	}
	pages := t.pages(opt.Steps)
	var faces []printFace
	if !opt.SystemFonts {
		faces = findFaces(ctx, t.families())
	}
	doc, err := t.printPage(pages, opt.Notes, len(faces) > 0)
	if err != nil {
		return nil, err
	}
	full := doc
	ph := &printHandler{t: t, faces: faces, chars: printChars(doc, t.Web)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: ph.handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()

	b := opt.Session
	if b == nil {
		b = StartBrowser(ctx, opt.Browser, opt.UserDataDir)
		defer b.Close()
	}
	bctx, err := b.Tab()
	if err != nil {
		return nil, err
	}
	// The print page's context: cancelling ctx ends the wait for the
	// layout and the print even when the browser is the caller's.
	bctx, cancel := joinCancel(bctx, ctx)
	defer cancel()

	// Batches of whole chapters, each printed as a document of its own
	// and joined after (join.go): the browser holds one batch's pages at
	// a time, not the deck's.
	batches := t.batches(pages, cmp.Or(opt.batch, printBatch))
	parts := make([][]byte, 0, len(batches))
	done := 0
	for k, batch := range batches {
		if len(batches) > 1 {
			if doc, err = t.printPage(batch, opt.Notes, len(faces) > 0); err != nil {
				return nil, err
			}
		}
		ph.doc.Store(&doc)
		progress := opt.Progress
		if progress != nil {
			progress = func(n, _ int) { opt.Progress(done+n, len(pages)) }
		}
		url := fmt.Sprintf("http://%s/?batch=%d", ln.Addr(), k+1)
		pdf, err := printDoc(bctx, url, len(batch), progress)
		if err != nil {
			return nil, err
		}
		parts = append(parts, pdf)
		done += len(batch)
		if k == len(batches)-2 && opt.Progress != nil {
			opt.Progress(done, len(pages))
		}
	}
	pdf := parts[0]
	if len(parts) > 1 {
		if pdf, err = join(parts); err != nil && opt.strict {
			return nil, err
		} else if err != nil {
			// A shape join does not know (a newer Chromium's, say):
			// the deck as one document, as before batches.
			ph.doc.Store(&full)
			url := fmt.Sprintf("http://%s/?batch=all", ln.Addr())
			if pdf, err = printDoc(bctx, url, len(pages), nil); err != nil {
				return nil, err
			}
		}
	}
	return compact(pdf, t.Deck.Meta.Title, t.Deck.Meta.Author)
}

// printDoc loads the print page at url, waits for its pages to be laid
// out and prints them.
func printDoc(ctx context.Context, url string, pages int, progress func(done, total int)) ([]byte, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return nil, fmt.Errorf("browser: %w", err)
	}
	if err := waitLaidOut(ctx, pages, progress); err != nil {
		return nil, err
	}
	if progress != nil {
		progress(pages, pages)
	}
	// What the layout left behind (the source view print.js cloned the
	// pages from, the first layout's caches, the previous batch) is
	// garbage until someone collects it; printing then allocates on top
	// of it. Collected and purged first, the peak is lower
	// (docs/benchmarks.md, "export (wave 4)"); so is podium's, which
	// returns what cutting the fonts left free.
	if err := chromedp.Do(ctx, chromedp.Func(releaseMemory)); err != nil {
		return nil, fmt.Errorf("browser: %w", err)
	}
	debug.FreeOSMemory()
	w, h := float64(stageWidth)/96, float64(stageHeight)/96
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperSize{Width: w, Height: h}),
		chromedp.PDFMargin(0),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFPrintBackground(),
		chromedp.PDFOutlineAndTagged(),
		chromedp.PDFStream(),
		func(p *page.PrintToPDFParams) { p.DisplayHeaderFooter = new(false) },
	))
	if err != nil {
		return nil, fmt.Errorf("browser: print: %w", err)
	}
	return pdf, nil
}

// printBatch is the most pages printed as one document, unless a chapter
// alone has more: the browser's peak grows by ~0.5 MB per page of a
// document, and each document costs a page load and the deck's layout
// again. At 60 the 200-slide deck peaks at ~420 MB in 4 documents; at 40
// (8 documents) 415 MB for 30 % more CPU (docs/benchmarks.md, "export
// (wave 5)").
const printBatch = 60

// batches cuts pages into runs of whole chapters of at most max pages; a
// longer chapter is a run of its own. Each run starts a chapter,
// so its outline starts with the chapter's entry (print.js).
func (t *Talk) batches(pages [][2]int, max int) [][][2]int {
	var out [][][2]int
	var cur [][2]int
	for i := 0; i < len(pages); {
		ch := t.Deck.Slides[pages[i][0]].Chapter
		j := i
		for j < len(pages) && t.Deck.Slides[pages[j][0]].Chapter == ch {
			j++
		}
		if len(cur) > 0 && len(cur)+j-i > max {
			out = append(out, cur)
			cur = nil
		}
		cur = append(cur, pages[i:j]...)
		i = j
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// releaseMemory runs a full garbage collection in the page (V8 and
// Blink's heap together) and has every part of the browser drop what it
// keeps only to be fast (decoded images, glyph and resource caches), as it
// would when the system runs short of memory.
func releaseMemory(ctx context.Context, t *chromedp.Target) error {
	if _, err := cdp.Call(ctx, t, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
		return err
	}
	_, err := cdp.Call(ctx, t, memory.SimulatePressureNotification,
		memory.SimulatePressureNotificationParams{Level: memory.PressureLevelCritical})
	return err
}

// joinCancel is tab's context, also cancelled when ctx is.
func joinCancel(tab, ctx context.Context) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(tab)
	stop := context.AfterFunc(ctx, cancel)
	return c, func() { stop(); cancel() }
}

// waitLaidOut polls the print page until print.js has laid out every page
// and its fonts and images are in, reporting progress on the way.
func waitLaidOut(ctx context.Context, total int, progress func(done, total int)) error {
	type status struct {
		Pages string `json:"pages"`
		Ready string `json:"ready"`
		Error string `json:"error"`
	}
	last := -1
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		st, err := chromedp.Run(ctx, chromedp.Evaluate[status](`({...document.documentElement.dataset})`))
		if err != nil {
			return fmt.Errorf("browser: %w", err)
		}
		if st.Error != "" {
			return fmt.Errorf("browser: print page: %s", st.Error)
		}
		var n int
		fmt.Sscan(st.Pages, &n)
		if progress != nil && n != last && n < total {
			progress(n, total)
			last = n
		}
		if st.Ready == "true" {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// pages lists what each PDF page shows, as [slide, step]: every slide at
// its last step, or every step of every slide.
func (t *Talk) pages(steps bool) [][2]int {
	var p [][2]int
	for i, sl := range t.Deck.Slides {
		if !steps {
			p = append(p, [2]int{i, sl.Steps})
			continue
		}
		for s := 0; s <= sl.Steps; s++ {
			p = append(p, [2]int{i, s})
		}
	}
	return p
}

var printTemplate = template.Must(template.New("print").Parse(`<!doctype html>
<html lang="{{.Lang}}" data-theme="{{.Theme}}">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
{{if .Author}}<meta name="author" content="{{.Author}}">
{{end}}<link rel="stylesheet" href="/web/podium.css">
<link rel="stylesheet" href="/theme.css">
<link rel="stylesheet" href="/web/print.css">
{{if .Fonts}}<link rel="stylesheet" href="/fonts.css">
{{end -}}
<script type="application/json" id="podium-print">{{.Data}}</script>
<script type="module" src="/web/print.js"></script>
</head>
<body></body>
</html>
`))

// printPage is the HTML of the page print.js lays out. Notes go into it
// only for a handout.
func (t *Talk) printPage(pages [][2]int, handout, fonts bool) ([]byte, error) {
	data := struct {
		Deck    deckJSON          `json:"deck"`
		Pages   [][2]int          `json:"pages"`
		Notes   map[string]string `json:"notes,omitempty"`
		Handout bool              `json:"handout"`
	}{Deck: t.viewDeck(nil), Pages: pages, Handout: handout}
	// view.js lays out every slide of the deck it is given: the slides
	// this page does not print (another batch's) come without their HTML.
	printed := make([]bool, len(data.Deck.Slides))
	for _, p := range pages {
		printed[p[0]] = true
	}
	for i := range data.Deck.Slides {
		if !printed[i] {
			data.Deck.Slides[i].HTML = ""
		}
	}
	if handout {
		data.Notes = make(map[string]string)
		for i, sl := range t.Deck.Slides {
			if sl.Notes != "" && printed[i] {
				data.Notes[sl.ID] = sl.Notes
			}
		}
	}
	js, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	m := t.Deck.Meta
	err = printTemplate.Execute(&buf, map[string]any{
		"Lang": m.Lang, "Theme": t.Theme, "Title": m.Title, "Author": m.Author, "Fonts": fonts,
		// json.Marshal escapes <, > and &, so the JSON cannot end the script.
		"Data": template.JS(js),
	})
	return buf.Bytes(), err
}

// printHandler serves the print page on loopback, for the browser only:
// the page of the batch being printed, the web files, the theme, the
// deck's assets (never its chapter sources), and the subsets of faces
// for the page's characters.
type printHandler struct {
	t     *Talk
	doc   atomic.Pointer[[]byte]
	faces []printFace
	chars []rune
}

func (ph *printHandler) handler() http.Handler {
	t := ph.t
	m := http.NewServeMux()
	if len(ph.faces) > 0 {
		css := fontCSS(ph.faces)
		m.HandleFunc("GET /fonts.css", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
			w.Write(css)
		})
		m.HandleFunc("GET /fonts/{i}", func(w http.ResponseWriter, r *http.Request) {
			i, err := strconv.Atoi(r.PathValue("i"))
			if err != nil || i < 0 || i >= len(ph.faces) {
				http.NotFound(w, r)
				return
			}
			// The next batch's page asks again: from the browser's cache.
			w.Header().Set("Cache-Control", "max-age=3600")
			serveSubset(w, r, ph.faces[i], ph.chars)
		})
	}
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(*ph.doc.Load())
	})
	m.HandleFunc("GET /theme.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Write(t.ThemeCSS)
	})
	m.HandleFunc("GET /web/{file...}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".html") {
			http.NotFound(w, r)
			return
		}
		serveFile(w, r, t.Web, name)
	})
	m.HandleFunc("GET /deck/{file...}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if _, ok := deck.AssetType(name); !ok { // as the live server's /deck/
			http.NotFound(w, r)
			return
		}
		serveFile(w, r, t.Files, name)
	})
	return m
}

func serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) {
	if !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	if fi, err := fs.Stat(fsys, name); err != nil || !fi.Mode().IsRegular() {
		http.NotFound(w, r) // a FIFO, say, would hang the print
		return
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", contentType(name))
	w.Write(data)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// writeFile writes data to name through a temporary file in the same
// folder, so that an interrupted export leaves no half-written file.
func writeFile(name string, data []byte) error {
	f, err := os.CreateTemp(dirOf(name), ".podium-export-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(f, bytes.NewReader(data))
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

func dirOf(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[:i+1]
	}
	return "."
}
