package server

import (
	"context"
	"fmt"
	"html"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// toolDecks lists the real decks of other tools in deck/testdata/decks
// (every folder, its main file from the README's table) and Go present's
// in deck/testdata/present, as folder and main file.
func toolDecks(tb testing.TB) [][2]string {
	tb.Helper()
	const root = "deck/testdata/decks"
	readme, err := os.ReadFile(path.Join(root, "README.md"))
	if err != nil {
		tb.Fatal(err)
	}
	mains := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\| ([a-z0-9-]+) \| [^|]+ \| ([^ |]+)`).FindAllStringSubmatch(string(readme), -1) {
		mains[m[1]] = m[2]
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		tb.Fatal(err)
	}
	var decks [][2]string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		main, ok := mains[e.Name()]
		if !ok {
			tb.Fatalf("%s/%s: no row in the README's table", root, e.Name())
		}
		decks = append(decks, [2]string{path.Join(root, e.Name()), main})
	}
	if len(decks) < 9 {
		tb.Fatalf("%d decks in %s, want the 9 of its README", len(decks), root)
	}
	return append(decks, [2]string{"deck/testdata/present/gofmt-cn", "gofmt-cn.slide"})
}

// deckText runs in the page: for every slide, at its final step, the text
// it shows (innerText of its body: what is laid out and visible), the
// same without code (pre, code, math, SVG: where a deck's syntax may be
// the slide's subject), how many pictures it has; and, at step 0, which
// of its stepped elements are visible, with their step and whether they
// came from raw HTML (a Slidev v-click attribute on them).
const deckText = `(() => {
	const v = podium.view, out = [];
	for (let i = 0; i < v.deck.slides.length; i++) {
		v.show(i, -1);
		const body = v.slideElement(i).querySelector(".slide-body");
		const text = body.innerText;
		const code = [...body.querySelectorAll("pre, code, math, svg")];
		const was = code.map((el) => el.style.display);
		for (const el of code) el.style.display = "none";
		const prose = body.innerText;
		code.forEach((el, k) => { el.style.display = was[k]; });
		const media = body.querySelectorAll("img, svg, video, iframe, canvas, pre.mermaid").length;
		const shownLast = [...body.querySelectorAll("[data-step]")].filter((e) => !e.checkVisibility({visibilityProperty: true})).length;
		v.show(i, 0);
		const early = [...body.querySelectorAll("[data-step]")].filter((e) => Number(e.dataset.step) > 0)
			.map((e) => ({step: Number(e.dataset.step), visible: e.checkVisibility({visibilityProperty: true}),
				raw: [...e.attributes].some((a) => /^v-(click|after)/.test(a.name)), tag: e.tagName.toLowerCase()}));
		out.push({text, prose, media, hiddenAtLast: shownLast, early});
	}
	v.show(0, 0);
	return out;
})()`

type toolSlideText struct {
	Text         string `json:"text"`
	Prose        string `json:"prose"`
	Media        int    `json:"media"`
	HiddenAtLast int    `json:"hiddenAtLast"`
	Early        []struct {
		Step    int    `json:"step"`
		Visible bool   `json:"visible"`
		Raw     bool   `json:"raw"`
		Tag     string `json:"tag"`
	} `json:"early"`
}

// shownMarkupRe finds, in the text a slide shows outside code, what is
// another tool's syntax rather than the slide's words: front matter and
// slide property keys, Marp and Slidev directives and slot markers,
// remark's content classes, increments, notes markers and templates,
// reveal's notes and attribute comments, raw HTML tags.
var shownMarkupRe = regexp.MustCompile(`(?m)\b(marp|theme|layout|class|paginate|transition|background(-image)?|headmatter|src|hide|name|count|exclude|seal|output):\s|<!--|-->|\b_class\b|\b_paginate\b|::[a-z-]+::|\bv-(click|clicks|after)\b|\.[a-z][a-z0-9-]*\[|(^|\s)\?\?\?(\s|$)|^\s*-{2,}\s*$|(?i:^\s*notes?:)|\{\{|\.slide:|\.element:|</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>`)

// shownOnPurpose are the matches of shownMarkupRe that are a deck's own
// words, read and checked one by one: "deck slide match".
var shownOnPurpose = map[string]bool{
	// The labels of its click animation demo, in <div>s: "v-click.up", …
	"slidev-starter 9 v-click": true,
}

// TestOtherToolsDecksInChromium serves every real deck of other tools as
// podium FILE does and reads, in Chromium, what the audience sees. Every
// slide at its final step (the issue asks for the first three) shows none
// of its tool's syntax as text (front matter, directives, slot markers,
// notes markers, raw HTML tags), but for shownOnPurpose, and is not
// blank; no slide shows a phrase of any speaker note; every stepped
// element (Slidev's v-click on raw HTML too: a Slidev deck must have
// some) is hidden before its step and shown at the slide's last. One
// page load per deck, slides shown in place.
func TestOtherToolsDecksInChromium(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	for _, dk := range toolDecks(t) {
		dir, main := dk[0], dk[1]
		t.Run(path.Base(dir), func(t *testing.T) {
			t.Parallel() // two at a time (GOMAXPROCS): one loads while the other's page runs
			root, err := os.OpenRoot(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { root.Close() })
			s, err := New(Config{Deck: root.FS(), File: main, Web: web.FS, Themes: themes.FS, ClientDiagrams: true})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			ts := httptest.NewServer(s)
			t.Cleanup(ts.Close)
			t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
			d := s.Deck()
			// A tab per deck, closed before its server (cleanups run last
			// first). The decks' pictures on the web do not load here.
			tab := bt.Tab(t, ctx)
			bt.WatchConsole(t, tab, expectedConsole(d))
			bt.Do(t, tab, bt.Viewport(bt.DesktopSize), bt.ReducedMotion(), offlinePage())
			bt.Open(t, tab, ts.URL+"/")
			got := bt.Eval[[]toolSlideText](t, tab, deckText)
			if len(got) != len(d.Slides) {
				t.Fatalf("the page has %d slides, the deck %d", len(got), len(d.Slides))
			}
			notes := notePhrases(d.Slides)
			rawSteps := 0
			for i, st := range got {
				sl := d.Slides[i]
				at := fmt.Sprintf("%s/%s:%d: slide %d (%s deck)", dir, sl.File, sl.Line, i+1, d.Dialect.Tool())
				for _, n := range notes {
					if strings.Contains(st.Text, n) {
						t.Errorf("%s shows the speaker note %q", at, n)
					}
				}
				for _, e := range st.Early {
					if e.Raw {
						rawSteps++
					}
					if e.Visible {
						t.Errorf("%s: a <%s> of step %d (raw HTML: %v) is visible at step 0", at, e.Tag, e.Step, e.Raw)
					}
				}
				if st.HiddenAtLast > 0 {
					t.Errorf("%s: %d stepped elements still hidden at the last step (%d)", at, st.HiddenAtLast, sl.Steps)
				}
				if m := shownMarkupRe.FindString(st.Prose); m != "" && !shownOnPurpose[fmt.Sprintf("%s %d %s", path.Base(dir), i+1, m)] {
					t.Errorf("%s shows %q as text: %q", at, m, clipText(st.Prose, 300))
				}
				if strings.TrimSpace(st.Text) == "" && st.Media == 0 && sl.Background.Image == "" {
					t.Errorf("%s is blank", at)
				}
			}
			if d.Dialect == deck.DialectSlidev && rawSteps == 0 {
				t.Errorf("no element of this Slidev deck's raw HTML is stepped")
			}
		})
	}
}

// offlinePage is the action that blocks, in a tab, every request to
// another host (as if offline: the decks' pictures on the web) and the
// vendored Mermaid: a diagram is code, never the text looked for, and
// drawing it costs seconds under -race.
func offlinePage() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
			{URLPattern: "http://127.0.0.1:*/vendor/mermaid-*", Block: true},
			{URLPattern: "http://127.0.0.1:*/*", Block: false},
			{URLPattern: "*://*/*", Block: true},
		}})
		return err
	})
}

// expectedConsole matches what a browser logs, as errors, for a deck
// of another tool that is not a fault of podium's: a request to another
// host blocked (offlinePage), the CSP refusing a <style> element of the
// deck's raw HTML (Slidev's per-slide styles; docs/security.md), and a
// picture the deck names that is not there, which the deck's warnings
// say (marp-ja-how-to-use-marp's image paths are stale in its own repo).
func expectedConsole(d *deck.Deck) func(chromedp.ConsoleMessage) bool {
	return func(m chromedp.ConsoleMessage) bool {
		switch {
		case m.Source == "network" && strings.Contains(m.Text, "ERR_BLOCKED_BY_CLIENT"):
			return true
		case m.Source == "security" && strings.Contains(m.Text, "Content Security Policy") && strings.Contains(m.Text, "inline style"):
			return true
		case m.Source == "network" && strings.Contains(m.Text, "404") && m.URL != "":
			for _, w := range d.Warnings {
				if strings.Contains(w.Msg, path.Base(m.URL)) && strings.Contains(w.Msg, "not found") {
					return true
				}
			}
		}
		return false
	}
}

// notePhrases are the lines of the deck's speaker notes, as text, that
// are long enough to be the note's own words (not "OK" or a number).
func notePhrases(slides []*deck.Slide) []string {
	tagRe := regexp.MustCompile(`(?s)<[^>]*>`)
	var out []string
	for _, s := range slides {
		txt := html.UnescapeString(tagRe.ReplaceAllString(strings.ReplaceAll(s.Notes, "<br>", "\n"), "\n"))
		for _, l := range strings.Split(txt, "\n") {
			l = strings.Join(strings.Fields(l), " ")
			if r := []rune(l); len(r) >= 8 {
				out = append(out, string(r[:min(len(r), 40)]))
			}
		}
	}
	return out
}

// clipText is s on one line, at most n bytes.
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
