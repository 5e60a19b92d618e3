package server

// Browser tests of math (server-side MathML) and GitHub Markdown extras:
// every formula of the corpus lays out in Chromium, a deck with formulas
// makes the page fetch no script, and footnotes and alerts show.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"
	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// corpusDeck is a deck of every formula of server/deck/testdata/math/
// corpus.tex, ten to a slide: inline math, and display math for what TeX
// allows only there.
func corpusDeck(t testing.TB) (fstest.MapFS, int) {
	t.Helper()
	b, err := os.ReadFile("deck/testdata/math/corpus.tex")
	if err != nil {
		t.Fatal(err)
	}
	var md strings.Builder
	md.WriteString("# Formulas\n")
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "%") {
			continue
		}
		if n > 0 && n%10 == 0 {
			md.WriteString("\n---\n")
		}
		if tex, ok := strings.CutSuffix(l, " % display only"); ok {
			fmt.Fprintf(&md, "\n$$\n%s\n$$\n", tex)
		} else {
			fmt.Fprintf(&md, "\nFormula $%s$ inline.\n", l)
		}
		n++
	}
	return fstest.MapFS{"01-math.md": {Data: []byte(md.String())}}, n
}

// TestMathCorpusLayout renders the corpus on one page, with podium's and
// the theme's CSS, in both themes, and measures every <math> element:
// each must have a non-zero width and height, none may hold an error.
func TestMathCorpusLayout(t *testing.T) {
	t.Parallel()
	fsys, n := corpusDeck(t)
	if n < 150 {
		t.Fatalf("corpus has %d formulas, want at least 150", n)
	}
	ctx := bt.New(t)
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			s, err := New(Config{Deck: fsys, Theme: theme, Web: web.FS, Themes: themes.FS})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			var body strings.Builder
			for _, sl := range s.Deck().Slides {
				body.WriteString(`<section class="slide"><div class="slide-body" style="display:block">` + sl.HTML + "</div></section>\n")
			}
			data := s.cur.Load().data
			page := `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">` +
				`<link rel="stylesheet" href="` + data.Assets + `podium.css">` +
				`<link rel="stylesheet" href="` + data.ThemeCSS + `"></head>` +
				`<body style="overflow:auto;font-size:30px">` + body.String() + `</body></html>`
			mux := http.NewServeMux()
			mux.HandleFunc("GET /corpus", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprint(w, page)
			})
			mux.Handle("/", s)
			ts := httptest.NewServer(mux)
			defer ts.Close()

			tab := newTab(t, ctx)
			bt.Do(t, tab, bt.Viewport(bt.DesktopSize), chromedp.Navigate(ts.URL+"/corpus"))
			bt.WaitFor(t, tab, `document.readyState === "complete" && document.fonts.status === "loaded"`, "the corpus page to load")
			type box struct {
				Tex  string  `json:"tex"`
				W    float64 `json:"w"`
				H    float64 `json:"h"`
				Font string  `json:"font"`
			}
			boxes := bt.Eval[[]box](t, tab, `[...document.querySelectorAll("math")].map((m) => {
				const r = m.getBoundingClientRect();
				return {tex: m.closest("p, div").textContent.slice(0, 60), w: r.width, h: r.height, font: getComputedStyle(m).fontFamily};
			})`)
			if len(boxes) != n {
				t.Fatalf("%d <math> elements on the page, want %d", len(boxes), n)
			}
			for _, b := range boxes {
				if b.W <= 0 || b.H <= 0 {
					t.Errorf("formula %q lays out %gx%g", b.Tex, b.W, b.H)
				}
			}
			if !strings.HasPrefix(boxes[0].Font, `"STIX Two Math"`) {
				t.Errorf("math font stack = %s, want the system math fonts first", boxes[0].Font)
			}
			if errs := bt.Eval[int](t, tab, `document.querySelectorAll("merror, .tml-error").length`); errs != 0 {
				t.Errorf("%d formulas render as errors", errs)
			}
			centred := bt.Eval[bool](t, tab, `(() => {
				const d = document.querySelector(".math-display"), m = d.querySelector("math");
				const a = d.getBoundingClientRect(), b = m.getBoundingClientRect();
				return Math.abs((a.left + a.right) / 2 - (b.left + b.right) / 2) < 2;
			})()`)
			if !centred {
				t.Error("display math is not centred")
			}
		})
	}
}

// mathDeck is a deck of 20 formulas (the figure in docs/benchmarks.md),
// and three diagrams when diagrams is set.
func mathDeck(withMath bool, diagrams ...string) fstest.MapFS {
	var md strings.Builder
	md.WriteString("# Math talk\n")
	for i := range 20 {
		if i%4 == 0 {
			fmt.Fprintf(&md, "\n---\n\n## Part %d\n", i/4+1)
		}
		if withMath {
			fmt.Fprintf(&md, "\n$$\n\\sum_{k=1}^{%d} \\frac{x_k^2}{\\sqrt{k}} = \\int_0^1 f_{%d}(t)\\,dt\n$$\n", i+2, i)
		} else {
			fmt.Fprintf(&md, "\nSum of k from 1 to %d of x_k squared over root k equals the integral of f_%d.\n", i+2, i)
		}
	}
	for _, d := range diagrams {
		fmt.Fprintf(&md, "\n---\n\n## A diagram\n\n```mermaid\n%s```\n", d)
	}
	return fstest.MapFS{"01-talk.md": {Data: []byte(md.String())}}
}

// TestMathFirstLoad loads a deck with 20 formulas on a phone and counts
// the requests at the server: the same scripts as a deck without math,
// none of them math, and the page within its weight budget.
func TestMathFirstLoad(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	load := func(fsys fstest.MapFS) (scripts []string, total int, maths int) {
		scripts, total, maths, _ = firstLoad(t, ctx, fsys)
		return scripts, total, maths
	}
	plain, plainBytes, _ := load(mathDeck(false))
	scripts, bytes, maths := load(mathDeck(true))
	t.Logf("first load: %d bytes with 20 formulas, %d without; scripts %v", bytes, plainBytes, scripts)
	if maths != 20 {
		t.Errorf("%d <math> elements on the page, want 20", maths)
	}
	if !slices.Equal(scripts, plain) {
		t.Errorf("scripts with math %v, without %v: math must add none", scripts, plain)
	}
	if bytes > 60*1024 {
		t.Errorf("first load with 20 formulas: %d bytes, want at most 60 KB", bytes)
	}
}

// firstLoad serves fsys, loads / once on a phone in a fresh browser
// context and returns the scripts fetched, the bytes sent (bodies, after
// gzip), the number of <math> elements and the bytes of diagram SVG in
// the deck.
func firstLoad(t *testing.T, ctx context.Context, fsys fstest.MapFS) (scripts []string, total, maths, svgBytes int) {
	t.Helper()
	var mu sync.Mutex
	s, err := New(Config{Deck: fsys, Web: web.FS, Themes: themes.FS, Diagrams: testDiagrams})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	for _, sl := range s.Deck().Slides {
		for _, part := range strings.Split(sl.HTML, "<svg")[1:] {
			svgBytes += len("<svg") + strings.Index(part, "</svg>") + len("</svg>")
		}
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w}
		s.ServeHTTP(cw, r)
		mu.Lock()
		defer mu.Unlock()
		total += cw.n
		if strings.HasSuffix(r.URL.Path, ".js") || strings.HasPrefix(w.Header().Get("Content-Type"), "text/javascript") {
			scripts = append(scripts, r.URL.Path)
		}
	}))
	defer ts.Close()
	tab := bt.Isolated(t, ctx)
	bt.WatchConsole(t, tab)
	bt.Do(t, tab, bt.Viewport(bt.PhoneSize))
	bt.Open(t, tab, ts.URL+"/")
	maths = bt.Eval[int](t, tab, `document.querySelectorAll("math").length`)
	bt.Eval[chromedp.Void](t, tab, `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 300))))`)
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(scripts)
	return scripts, total, maths, svgBytes
}

// TestMathDiagramsFirstLoad is the figure of docs/benchmarks.md: the
// first load of a deck with 20 formulas and 3 diagrams (rendered on the
// server) is within 60 KB plus the SVGs, and fetches the same scripts
// as a deck without either.
func TestMathDiagramsFirstLoad(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	var ds []string
	for _, k := range []string{"flowchart", "sequence", "state"} {
		b, err := os.ReadFile("diagram/testdata/" + k + ".mmd")
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, string(b))
	}
	plain, plainBytes, _, _ := firstLoad(t, ctx, mathDeck(false))
	scripts, total, maths, svg := firstLoad(t, ctx, mathDeck(true, ds...))
	t.Logf("first load: %d bytes with 20 formulas and 3 diagrams (%d bytes of SVG before gzip, both themes); %d bytes without", total, svg, plainBytes)
	if maths != 20 || svg == 0 {
		t.Fatalf("%d formulas, %d bytes of SVG: want 20 and the diagrams rendered on the server", maths, svg)
	}
	if !slices.Equal(scripts, plain) {
		t.Errorf("scripts with math and diagrams %v, without %v", scripts, plain)
	}
	if total > 60*1024+svg {
		t.Errorf("first load: %d bytes, want at most 60 KB + %d bytes of SVG", total, svg)
	}
}
