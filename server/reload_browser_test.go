package server

// Browser tests of hot reload, in a real headless Chromium: an author
// saves a chapter or the theme, and every page shows the edit in place,
// without a page reload, at the same slide and step; a broken save shows
// the presenter what is wrong and the audience nothing.
//
// TestReloadMeasure (PODIUM_MEASURE=1) times save → page showing the edit.

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/server/watch"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// reloadFiles is a small talk: slide 2 ("Steps") has three steps.
var reloadFiles = map[string]string{
	"01-intro.md": "---\ntitle: Reload test\n---\n\n# Opening\n\nHello.\n\n---\n\n# Steps\n\n* one\n* two\n* three\n\nNote: Notes before the edit.\n\n---\n\n# Last\n\nBye.\n",
	"02-more.md":  "# More\n\nSome text.\n",
}

// reloadDeck serves a copy of reloadFiles from a folder on disk, watched
// as `podium serve --dev` does; with themes, the themes too, from a copy.
type reloadDeck struct {
	dir, themes string
	srv         *Server
	url         string
	log         *reloadLog
}

func newReloadDeck(t *testing.T, withThemes bool) *reloadDeck {
	t.Helper()
	return newReloadDeckOf(t, reloadFiles, withThemes)
}

func newReloadDeckOf(t *testing.T, files map[string]string, withThemes bool) *reloadDeck {
	t.Helper()
	r := &reloadDeck{dir: t.TempDir(), log: &reloadLog{}}
	for name, body := range files {
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(r.dir, name)), 0o755))
		must(t, os.WriteFile(filepath.Join(r.dir, name), []byte(body), 0o644))
	}
	root, err := os.OpenRoot(r.dir)
	must(t, err)
	t.Cleanup(func() { root.Close() })
	cfg := Config{Deck: root.FS(), Web: web.FS, Themes: themes.FS, Token: presenterToken, Logger: slog.New(r.log)}
	if withThemes {
		r.themes = t.TempDir()
		must(t, os.CopyFS(r.themes, themes.FS))
		cfg.Themes = os.DirFS(r.themes)
	}
	r.srv, err = New(cfg)
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	watching := make(chan error, 1)
	go func() { watching <- r.srv.Watch(ctx, r.dir, r.themes) }()
	ts := httptest.NewServer(r.srv)
	t.Cleanup(func() {
		cancel()
		if err := <-watching; err != nil {
			t.Errorf("Watch: %v", err)
		}
		stopLive(r.srv, ts)
	})
	r.url = ts.URL
	return r
}

// write saves a file of the talk, as an editor does.
func (r *reloadDeck) write(t testing.TB, name, body string) {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(r.dir, name), []byte(body), 0o644))
}

// edit replaces old by new in a file of the talk and saves it.
func (r *reloadDeck) edit(t testing.TB, name, old, new string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.dir, name))
	must(t, err)
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	r.write(t, name, strings.Replace(string(b), old, new, 1))
}

// reloadLog is a slog handler that keeps the server's "reloaded" records:
// when each reload ended and how long it took.
type reloadLog struct {
	mu      sync.Mutex
	reloads []reloadRecord
}

type reloadRecord struct {
	end  time.Time
	took time.Duration
}

func (l *reloadLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *reloadLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *reloadLog) WithGroup(string) slog.Handler            { return l }
func (l *reloadLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "reloaded" {
		return nil
	}
	rec := reloadRecord{end: r.Time}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "took" {
			rec.took = a.Value.Duration()
		}
		return true
	})
	l.mu.Lock()
	l.reloads = append(l.reloads, rec)
	l.mu.Unlock()
	return nil
}

func (l *reloadLog) last() reloadRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.reloads) == 0 {
		return reloadRecord{}
	}
	return l.reloads[len(l.reloads)-1]
}

// slideText is the JavaScript condition that slide index of the page's
// view holds text.
func slideText(index int, text string) string {
	return fmt.Sprintf(`podium.view.slideElement(%d)?.textContent.includes(%q)`, index, text)
}

// TestReloadEditInPlace: an edit of the slide being shown appears on the
// audience page and the presenter view without a page reload, in the same
// elements, at the same slide and step; the presenter's notes follow; a
// slide inserted above keeps everyone on their slide.
func TestReloadEditInPlace(t *testing.T) {
	t.Parallel()
	r := newReloadDeck(t, false)
	ctx := bt.New(t)
	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, r.url+"/presenter?token="+presenterToken)
	aud := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenFollower(t, aud, r.url)

	r.srv.hub.Goto(1, 2) // "Steps", two of its three items shown
	bt.WaitAt(t, aud, "audience", 1, 2)
	bt.WaitAt(t, pres, "presenter", 1, 2)
	bt.WaitFor(t, pres, `document.querySelector('[data-out="notes"]').textContent.includes("Notes before the edit.")`, "the notes")
	id := r.srv.Deck().Slides[1].ID
	// Things a reload or a re-render would lose: a variable, the slide's
	// element and the element of an unchanged list item.
	bt.Eval[chromedp.Void](t, aud, `window.marker = 42;
		window.slideEl = podium.view.slideElement(1);
		window.firstItem = window.slideEl.querySelector("li");
		window.lastEl = podium.view.slideElement(2)`)

	r.edit(t, "01-intro.md", "* two\n", "* two, edited\n")
	bt.WaitFor(t, aud, slideText(1, "two, edited"), "the audience page to show the edit")
	bt.WaitAt(t, aud, "audience", 1, 2)
	if got := bt.Eval[string](t, aud, `[window.marker === 42, podium.view.slideElement(1) === window.slideEl,
		window.firstItem.isConnected, podium.view.slideElement(2) === window.lastEl].join()`); got != "true,true,true,true" {
		t.Errorf("after the edit: [variable kept, slide element kept, unchanged item kept, other slide kept] = %s, want all true", got)
	}
	if !bt.Eval[bool](t, aud, `performance.getEntriesByType("resource").some((e) => e.name.includes("/vendor/morphdom"))`) {
		t.Error("the audience page did not load the morpher for the edit")
	}
	if got := bt.Eval[string](t, aud, `[...window.slideEl.querySelectorAll("li")].map((li) => li.classList.contains("future")).join()`); got != "false,false,true" {
		t.Errorf("step classes after the edit = %s, want false,false,true (step 2 of 3)", got)
	}
	bt.WaitFor(t, pres, slideText(1, "two, edited"), "the presenter view to show the edit")
	bt.WaitAt(t, pres, "presenter", 1, 2)

	// The notes update in place on the presenter view.
	r.edit(t, "01-intro.md", "Notes before the edit.", "Notes after the edit.")
	bt.WaitFor(t, pres, `document.querySelector('[data-out="notes"]').textContent.includes("Notes after the edit.")`,
		"the presenter's notes to show the edit")

	// A slide inserted above: the same slide, now at index 2, same step;
	// an open overview stays open and gets the new card.
	bt.Eval[chromedp.Void](t, aud, `podium.controls.overview.show(); window.overviewEl = document.querySelector(".overlay-overview")`)
	r.edit(t, "01-intro.md", "# Steps\n", "# Inserted\n\n---\n\n# Steps\n")
	bt.WaitFor(t, aud, slideText(1, "Inserted"), "the audience page to get the inserted slide")
	bt.WaitFor(t, aud, `window.overviewEl.open && [...overviewEl.querySelectorAll(".card .title")].map((e) => e.textContent).join() === "Opening,Inserted,Steps,Last,More"`,
		"the open overview to show the inserted slide")
	bt.Eval[chromedp.Void](t, aud, `podium.controls.overview.close()`)
	bt.WaitAt(t, aud, "audience", 2, 2)
	bt.WaitAt(t, pres, "presenter", 2, 2)
	if got := bt.Eval[string](t, aud, fmt.Sprintf(`[window.marker === 42, podium.view.slideElement(2) === window.slideEl,
		podium.view.slideElement(2).dataset.id === %q].join()`, id)); got != "true,true,true" {
		t.Errorf("after inserting above: [variable kept, same element, same id] = %s, want all true", got)
	}
}

// TestReloadBrokenEdit: a broken save shows the presenter each problem as
// file:line: message, and the audience page never shows it; the next good
// save clears the presenter's overlay and reaches everyone.
func TestReloadBrokenEdit(t *testing.T) {
	t.Parallel()
	r := newReloadDeck(t, false)
	ctx := bt.New(t)
	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, r.url+"/presenter?token="+presenterToken)
	aud := bt.LiveTab(t, ctx, bt.PhoneSize)
	bt.OpenFollower(t, aud, r.url)
	last := len(r.srv.Deck().Slides) - 1 // "More"
	r.srv.hub.Goto(last, 0)
	bt.WaitAt(t, aud, "audience", last, 0)
	overlay := `document.querySelector(".pz-problems")`
	if bt.Eval[bool](t, pres, `!!`+overlay+` && !`+overlay+`.hidden`) {
		t.Fatal("the presenter shows problems before any broken save")
	}
	// The audience page records whether it ever shows the broken text.
	bt.Eval[chromedp.Void](t, aud, `window.marker = 42; window.sawBroken = false;
		new MutationObserver(() => { if (document.body.textContent.includes("brokenFunc")) window.sawBroken = true; })
			.observe(document.body, {subtree: true, childList: true, characterData: true})`)
	html := bt.Eval[string](t, aud, `document.querySelector(".slides").innerHTML`)

	r.write(t, "02-more.md", "# More\n\nSome text.\n\n```go\nfunc brokenFunc() {\n")
	want := "02-more.md:5: unterminated code fence (opened here)"
	bt.WaitFor(t, pres, overlay+` && !`+overlay+`.hidden && [...`+overlay+`.querySelectorAll("li")].map((li) => li.textContent).join("\n") === `+fmt.Sprintf("%q", want),
		"the presenter to show ", want)
	if font := bt.Eval[string](t, pres, `getComputedStyle(document.querySelector(".pz-problems li")).fontFamily`); !strings.Contains(font, "mono") {
		t.Errorf("problems are set in %q, want a monospace font", font)
	}
	// Dismissed, it stays away until the next problems frame.
	bt.TapOn(t, pres, `.pz-problems [data-act="problems-close"]`)
	bt.WaitFor(t, pres, overlay+`.hidden`, "the overlay to be dismissed")
	r.write(t, "02-more.md", "---\ntitle: x\n\n# More\n\nbrokenFunc\n")
	bt.WaitFor(t, pres, `!`+overlay+`.hidden && `+overlay+`.textContent.includes("02-more.md:1: ")`,
		"the overlay to come back with the next broken save")

	r.write(t, "02-more.md", "# More\n\nFixed text.\n")
	bt.WaitFor(t, pres, overlay+`.hidden && !document.body.classList.contains("pz-broken")`, "the overlay to clear after the fix")
	bt.WaitFor(t, aud, slideText(last, "Fixed text."), "the audience page to show the fix")
	bt.WaitAt(t, aud, "audience", last, 0)
	if got := bt.Eval[string](t, aud, `[window.marker === 42, window.sawBroken].join()`); got != "true,false" {
		t.Errorf("audience [variable kept, saw the broken edit] = %s, want true,false", got)
	}
	if html == bt.Eval[string](t, aud, `document.querySelector(".slides").innerHTML`) {
		t.Error("the audience page did not change with the fix")
	}
}

// TestReloadTheme: an edit of the theme's CSS restyles every page in
// place, without a flash of an unstyled page or a reload.
func TestReloadTheme(t *testing.T) {
	t.Parallel()
	r := newReloadDeck(t, true)
	ctx := bt.New(t)
	aud := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenFollower(t, aud, r.url)
	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, r.url+"/presenter?token="+presenterToken)
	const bg = `getComputedStyle(document.querySelector(".podium")).getPropertyValue("--bg").trim()`
	before := bt.Eval[string](t, aud, bg)
	if before == "" || before == "#123456" {
		t.Fatalf("--bg before the edit = %q", before)
	}
	bt.Eval[chromedp.Void](t, aud, `window.marker = 42`)

	css := filepath.Join(r.themes, "light", "theme.css")
	b, err := os.ReadFile(css)
	must(t, err)
	if !strings.Contains(string(b), "--bg: "+before+";") {
		t.Fatalf("light/theme.css does not set --bg: %s", before)
	}
	must(t, os.WriteFile(css, []byte(strings.Replace(string(b), "--bg: "+before+";", "--bg: #123456;", 1)), 0o644))
	for who, tab := range map[string]context.Context{"audience": aud, "presenter": pres} {
		bt.WaitFor(t, tab, bg+` === "#123456"`, "the ", who, " page to take the edited theme")
		bt.WaitFor(t, tab, `document.querySelectorAll('link[rel="stylesheet"][href^="/theme/"]').length === 1`,
			"the ", who, " page to drop the old theme stylesheet")
	}
	if !bt.Eval[bool](t, aud, `window.marker === 42`) {
		t.Error("the audience page was reloaded to get the theme")
	}
}

// TestReloadMeasure times save → page showing the edit: the current
// slide's text changes to a new token 20 times; each time is from just
// before os.WriteFile to the moment a MutationObserver in the audience
// page sees the token (both wall clocks of this machine). It logs p50,
// p95 and where the time goes; it asserts nothing. Run it with
//
//	PODIUM_MEASURE=1 go test -run TestReloadMeasure -v ./server/
//
// The small talk is reloadFiles; "200 slides" is a generated deck of 8
// chapters of 25 slides (code, tables, Chinese text, notes), one chapter
// edited.
func TestReloadMeasure(t *testing.T) {
	t.Parallel()
	if os.Getenv("PODIUM_MEASURE") == "" {
		t.Skip("set PODIUM_MEASURE=1 to measure save → page")
	}
	t.Run("small", func(t *testing.T) { measureReload(t, reloadFiles, "01-intro.md", 1, "one") })
	t.Run("200 slides", func(t *testing.T) { measureReload(t, bigDeck(), "03-chapter.md", 60, "tok-start") })
}

// bigDeck is a generated deck of 200 slides in 8 chapters, about 110 KB of
// Markdown with 50 code blocks, like the deck package's benchmark deck.
// Slide 60 (chapter 3's tenth) has a list item "tok-start".
func bigDeck() map[string]string {
	code := []string{
		"```go {3-4|6}\npackage main\n\nimport (\n\t\"fmt\"\n)\n\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tfmt.Println(\"hello, 世界\", i)\n\t}\n}\n```",
		"```python\ndef fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n```",
		"```yaml {2}\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"80:80\"\n```",
		"```sh\ndocker run --rm -it -v \"$PWD:/src\" golang:1.26 go test ./...\n```",
	}
	para := "容器技术在二〇一四年迎来了爆发，Docker 与 CoreOS 围绕镜像格式和运行时标准展开了激烈的竞争。\n" +
		"This paragraph mixes **English** and `code` with a [link](https://example.com) and\n" +
		"一段换行的中文文字，检验软换行。\n"
	files := map[string]string{}
	n := 0
	for c := 1; c <= 8; c++ {
		var slides []string
		if c == 1 {
			slides = append(slides, "---\ntitle: 200 slides\nlang: zh-CN\n---\n\n# 开场 Opening\n\n"+para)
			n++
		}
		for len(slides) < 25 {
			var b strings.Builder
			fmt.Fprintf(&b, "## 第%d章 Slide %d: containers and standards\n\n%s\n", c, n, para)
			if n == 60 {
				b.WriteString("- tok-start\n\n")
			}
			switch n % 4 {
			case 0:
				b.WriteString(code[n/4%len(code)] + "\n")
			case 1:
				b.WriteString("| 项目 | Year |\n|---|---:|\n| Docker | 2013 |\n| rkt | 2014 |\n| OCI | 2015 |\n")
			case 2:
				b.WriteString("1) 第一步 first\n2) second step\n\n. . .\n\n> A quote with ~~strike~~\n")
			case 3:
				b.WriteString("- plain list\n- of things\n  - nested item\n")
			}
			b.WriteString("\nNote: 讲者备注 speaker notes for this slide, with *emphasis*.\n")
			slides = append(slides, b.String())
			n++
		}
		files[fmt.Sprintf("%02d-chapter.md", c)] = strings.Join(slides, "\n\n---\n\n")
	}
	return files
}

// measureReload is TestReloadMeasure on one deck: slide index holds the
// list item "* first" (or "- first") in file, which each save rewrites.
func measureReload(t *testing.T, files map[string]string, file string, index int, first string) {
	r := newReloadDeckOf(t, files, false)
	ctx := bt.New(t)
	aud := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenFollower(t, aud, r.url)
	if got := r.srv.Deck().Slides[index].HTML; !strings.Contains(got, first) {
		t.Fatalf("slide %d does not hold %q: %s", index, first, got)
	}
	r.srv.hub.Goto(index, 0)
	bt.WaitAt(t, aud, "audience", index, 0)
	// seen[token] is when the token appeared; fetches the deck requests'
	// start and end, from Resource Timing; all wall-clock ms.
	bt.Eval[chromedp.Void](t, aud, fmt.Sprintf(`window.seen = {}; window.want = "";
		const wall = (t) => performance.timeOrigin + t;
		new MutationObserver(() => {
			if (want && !seen[want] && podium.view.slideElement(%d).textContent.includes(want)) seen[want] = wall(performance.now());
		}).observe(document.querySelector(".slides"), {subtree: true, childList: true, characterData: true});
		window.fetches = [];
		new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name.includes("/api/deck"))
			fetches.push([wall(e.startTime), wall(e.responseEnd), e.transferSize]); }).observe({type: "resource"})`, index))

	const saves = 20
	var total, toReload, reload, toFetch, fetch, toDOM, size []float64
	prev := first
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	wall := func(t time.Time) float64 { return float64(t.UnixMicro()) / 1000 }
	for i := range saves + 1 { // the first save loads the morpher: a warm-up, not counted
		// Tokens of one length: a save that shortens a chapter waits for
		// the watcher's grace period, which this does not measure.
		tok := fmt.Sprintf("tok%02dx%06d", i, time.Now().UnixNano()%1e6)
		bt.Eval[chromedp.Void](t, aud, fmt.Sprintf(`window.want = %q`, tok))
		b, err := os.ReadFile(filepath.Join(r.dir, file))
		must(t, err)
		body := strings.Replace(string(b), " "+prev+"\n", " "+tok+"\n", 1)
		start := time.Now()
		must(t, os.WriteFile(filepath.Join(r.dir, file), []byte(body), 0o644))
		bt.WaitFor(t, aud, fmt.Sprintf(`!!seen[%q]`, tok), "the page to show save ", i)
		prev = tok
		if i == 0 {
			t.Logf("warm-up save (loads the morpher): %.1f ms", bt.Eval[float64](t, aud, fmt.Sprintf(`seen[%q]`, tok))-wall(start))
			time.Sleep(200 * time.Millisecond)
			continue
		}
		seen := bt.Eval[float64](t, aud, fmt.Sprintf(`seen[%q]`, tok))
		f := bt.Eval[[]float64](t, aud, `fetches.at(-1) ?? [0, 0, 0]`)
		rec := r.log.last()
		total = append(total, seen-wall(start))
		toReload = append(toReload, wall(rec.end)-wall(start)-ms(rec.took))
		reload = append(reload, ms(rec.took))
		toFetch = append(toFetch, f[0]-wall(rec.end))
		fetch = append(fetch, f[1]-f[0])
		toDOM = append(toDOM, seen-f[1])
		size = append(size, f[2])
		// Saves farther apart than the watcher's debounce: each one its own reload.
		time.Sleep(200 * time.Millisecond)
	}
	p50, p95 := percentile(total, 50), percentile(total, 95)
	t.Logf("%d slides: save → audience page shows the edit, %d saves: p50 %.1f ms, p95 %.1f ms (min %.1f, max %.1f); deck fetch %.0f bytes (median)",
		len(r.srv.Deck().Slides), saves, p50, p95, slices.Min(total), slices.Max(total), percentile(size, 50))
	for _, p := range []float64{50, 95} {
		t.Logf("breakdown, p%.0f of each part: save → reload start (fsnotify + %v debounce) %.1f ms · reload %.1f ms · "+
			"reload end → deck fetch start (deck frame over ws) %.1f ms · fetch %.1f ms · response → DOM (JSON, morph) %.1f ms",
			p, watch.DefaultDebounce, percentile(toReload, p), percentile(reload, p), percentile(toFetch, p), percentile(fetch, p), percentile(toDOM, p))
	}
}

// percentile is the p-th percentile of xs, nearest rank.
func percentile(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	k := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(k, 0), len(s)-1)]
}

// TestReloadDeckStyle: a deck's own style.css applies after the theme's
// CSS, and an edit of it, or its removal, restyles the page in place
// (through the watcher and the reload path, as a theme edit does).
func TestReloadDeckStyle(t *testing.T) {
	t.Parallel()
	files := maps.Clone(reloadFiles)
	files["style.css"] = ".slide-body > :first-child:is(h1, h2) { color: rgb(1, 2, 3); }\n"
	r := newReloadDeckOf(t, files, false)
	ctx := bt.New(t)
	aud := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenFollower(t, aud, r.url)
	const color = `getComputedStyle(document.querySelector(".slide.current .slide-body h1, .slide.current .slide-body h2")).color`
	bt.WaitFor(t, aud, color+` === "rgb(1, 2, 3)"`, "the deck's style.css to apply")
	bt.Eval[chromedp.Void](t, aud, `window.marker = 42`)
	r.write(t, "style.css", ".slide-body > :first-child:is(h1, h2) { color: rgb(4, 5, 6); }\n")
	bt.WaitFor(t, aud, color+` === "rgb(4, 5, 6)"`, "the edited style.css to apply")
	bt.WaitFor(t, aud, `document.querySelectorAll('link[rel="stylesheet"][href^="/theme/"]').length === 1`, "the old stylesheet to go")
	must(t, os.Remove(filepath.Join(r.dir, "style.css")))
	bt.WaitFor(t, aud, color+` !== "rgb(4, 5, 6)"`, "the theme alone once style.css is gone")
	if !bt.Eval[bool](t, aud, `window.marker === 42`) {
		t.Error("the page was reloaded to get the deck's CSS")
	}
}
