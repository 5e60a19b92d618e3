package server

// Browser tests of the pages' language: every word of the audience page,
// the presenter view and the remote (their overlays included) comes from
// web/i18n.js's table for the deck's lang. A Chinese deck's pages show no
// English interface word; an English deck's pages no Chinese one.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	bt "github.com/podium-talks/podium/server/browsertest"
)

// langDeck writes a two-chapter deck in lang to a new folder: content in
// that language only (so any other language on the page is interface
// text), a stepped slide, notes, and an unknown front matter key (a
// warning, for the presenter's problems panel).
func langDeck(t testing.TB, lang string) string {
	t.Helper()
	files := map[string]string{
		"00-title.md": "---\ntitle: 容器往事\nlang: zh-CN\ncolour: 红\n---\n\n# 容器往事\n\n一段故事\n\nNote: 开场白\n\n---\n\n## 第一页\n\n* 甲\n* 乙\n",
		"01-next.md":  "# 第二章\n\n---\n\n## 第三页\n\n正文\n",
	}
	if lang == "en" {
		files = map[string]string{
			"00-title.md": "---\ntitle: Container tales\nlang: en\ncolour: red\n---\n\n# Container tales\n\nA story\n\nNote: Hello\n\n---\n\n## First\n\n* one\n* two\n",
			"01-next.md":  "# Chapter two\n\n---\n\n## Third\n\nText\n",
		}
	}
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// chromeWords returns the page's interface text that is in the wrong
// language: for "zh-CN" every run of two or more Latin letters, for "en"
// every CJK character, in text nodes and in the aria-label, title,
// placeholder, alt and aria-roledescription attributes, hidden elements
// and the document title included. Left out: the slides' content, key
// caps (<kbd>), <code> (a URL's ?token=), the audience URL, the lines of
// podium check (compiler-style messages from the Go side), <noscript>
// (bilingual: no table without script), and the product's name.
const chromeWords = `((lang) => {
	const bad = lang === "en" ? /[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]+/g : /[A-Za-z]{2,}/g;
	const skip = ".slide-body, kbd, code, noscript, script, style, [data-out=url], .pz-problems li, .rm-problems li";
	const found = [];
	const check = (where, s) => {
		for (const m of (s || "").replaceAll("podium", "").matchAll(bad)) found.push(where + ": " + m[0] + " in " + JSON.stringify(s.trim().slice(0, 80)));
	};
	check("title", document.title);
	const walk = (el) => {
		if (el.matches(skip)) return;
		for (const a of ["aria-label", "title", "placeholder", "alt", "aria-roledescription"]) {
			if (el.hasAttribute(a)) check(el.tagName.toLowerCase() + "[" + a + "]", el.getAttribute(a));
		}
		for (const n of el.childNodes) {
			if (n.nodeType === 3) check(el.tagName.toLowerCase() + "." + el.className, n.textContent);
			else if (n.nodeType === 1) walk(n);
		}
	};
	walk(document.body);
	return found;
})`

// wrongWords fails the test with the interface words of the wrong
// language on the page, as state says where the page is.
func wrongWords(t *testing.T, tab context.Context, lang, state string) {
	t.Helper()
	if found := bt.Eval[[]string](t, tab, chromeWords+`(`+jsString(lang)+`)`); len(found) > 0 {
		bt.Fail(t, tab, "%s: %d interface words not in %s:\n%s", state, len(found), lang, strings.Join(found, "\n"))
	}
}

func jsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// TestInterfaceLanguage renders each page at desktop and phone size for
// a deck in zh-CN and one in en, with the overlays opened, and looks for
// words of the other language in the page's chrome. Each page has a
// browser context of its own (the audience's has no presenter cookie),
// and its tab loads the page afresh at each size, from about:blank.
func TestInterfaceLanguage(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	for _, lang := range []string{"zh-CN", "en"} {
		t.Run(lang, func(t *testing.T) {
			_, ts := startLiveDir(t, "127.0.0.1:0", langDeck(t, lang))
			aud := bt.LiveTab(t, ctx, bt.DesktopSize)
			pres := bt.LiveTab(t, ctx, bt.DesktopSize)
			rem := bt.LiveTab(t, ctx, bt.DesktopSize)
			for _, size := range []bt.Size{bt.DesktopSize, bt.PhoneSize} {
				t.Run(size.String(), func(t *testing.T) {
					bt.Do(t, aud, chromedp.Navigate("about:blank"), bt.Viewport(size))
					bt.Open(t, aud, ts.URL+"/")
					bt.WaitFor(t, aud, `!document.querySelector(".live-status").hidden`, "the live badge")
					wrongWords(t, aud, lang, "audience page")
					for _, o := range []struct{ key, sel string }{{"?", ".overlay-help"}, {"o", ".overlay-overview"}, {"g", ".overlay-goto"}} {
						bt.Do(t, aud, bt.Key(o.key))
						bt.WaitFor(t, aud, `document.querySelector(`+jsString(o.sel)+`).open`, o.sel+" to open")
						if o.key == "g" {
							bt.Do(t, aud, chromedp.SendKeys(".overlay-goto input", "zzz"))
							bt.WaitFor(t, aud, `!!document.querySelector(".overlay-goto .none")`, "go-to to find nothing")
						}
						wrongWords(t, aud, lang, "audience page with "+o.sel)
						bt.Do(t, aud, bt.Key(kb.Escape))
						bt.WaitFor(t, aud, `!document.querySelector(`+jsString(o.sel)+`).open`, o.sel+" to close")
					}

					bt.Do(t, pres, chromedp.Navigate("about:blank"), bt.Viewport(size))
					bt.OpenPresenter(t, pres, ts.URL+"/presenter?token="+presenterToken)
					bt.WaitFor(t, pres, `!document.querySelector(".pz-problems").hidden && document.querySelectorAll(".pz-warnings li").length === 1`, "the deck's warning in the presenter view")
					wrongWords(t, pres, lang, "presenter view")
					bt.Do(t, pres, bt.Key("o"))
					bt.WaitFor(t, pres, `document.querySelector(".overlay-overview").open`, "the presenter's overview")
					wrongWords(t, pres, lang, "presenter view with the overview")

					bt.Do(t, rem, chromedp.Navigate("about:blank"), bt.Viewport(size))
					bt.Do(t, rem, chromedp.Navigate(ts.URL+"/remote?token="+presenterToken))
					bt.WaitFor(t, rem, `podium.sync.role === "presenter" && !!podium.model.deck && !document.querySelector(".rm-main").hidden &&
						document.querySelectorAll(".rm-warnings li").length === 1`, "the remote to connect, with the deck's warning")
					wrongWords(t, rem, lang, "remote")

					// Without the token: the pages that say how to get in
					// (their words are the same tables' as the rest), in
					// the audience's context, which has no presenter's
					// cookie.
					if size != bt.DesktopSize || lang != "zh-CN" {
						return
					}
					for _, page := range []string{"/presenter", "/remote"} {
						bt.Do(t, aud, chromedp.Navigate(ts.URL+page))
						bt.WaitFor(t, aud, `!document.querySelector('[data-msg="denied"]').hidden && document.querySelector('[data-msg="connecting"]').hidden`, page+" to refuse a visitor")
						wrongWords(t, aud, lang, page+" without the token")
					}
				})
			}
		})
	}
}
