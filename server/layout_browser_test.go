package server

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	bt "github.com/podium-talks/podium/server/browsertest"
)

// The geometry of the shipped talk, as a designer would check it: every
// slide of slides/, in both themes, on a 16:9 projector (1280×720), a 4:3
// one (1024×768) and a phone (390×844). One page load per theme and kind
// of screen, and one script that measures every slide in it, so the whole
// walk costs seconds.

// captionSelector is what counts as a caption for the text-size rule:
// small print by design (figure captions, a quote's attribution, the
// cover's byline, footnotes, and text an author marks with class
// "caption"). Everything else on the 1280×720 stage is at least minText.
const captionSelector = "figcaption, .caption, .attribution, cite, .byline, .footnotes, .fact-caption"

// Text sizes on the 1280×720 stage, in CSS pixels.
const (
	minText    = 20
	minCaption = 16
)

// sparseLayouts may hold little (less than a quarter of the stage's
// height), and must then sit in the middle of the stage.
var sparseLayouts = []string{"statement", "section", "cover"}

// geometryCheck runs in the page with the view at its size. For every
// slide at its final step it measures, in stage pixels (1280×720, whatever
// the window), and returns the slides that break a rule, with numbers:
//
//   - stage: the slide body scrolls in neither direction, no code block or
//     table needs a scrollbar, and no element of the slide reaches past
//     the stage's edges (clipped);
//   - stage at scale 1 (1280×720): no text under minText px, captions
//     (captionSelector) no smaller than minCaption px; text inside an
//     inline SVG counts at the size it is drawn;
//   - stage: content (the union of the body's blocks) at least a quarter
//     of the stage's height, unless the layout is a sparse one, which is
//     then centred in the body (its middle within 5% of the stage height
//     of the body's middle);
//   - flow (phone): the page does not scroll sideways, nothing but code
//     and tables reaches past the screen's edges, content ends above the
//     fixed bar.
//
// Images are loaded and decoded first, so that they measure at their
// size, not at zero.
const geometryCheck = `(async ({minText, minCaption, caption, sparse}) => {
	const v = podium.view, out = [];
	v.fit();
	const flow = v.root.dataset.mode === "flow";
	const imgs = [...v.root.querySelectorAll(".slide img")];
	for (const img of imgs) img.loading = "eager";
	await Promise.all(imgs.map((img) => img.decode().catch(() => {})));
	await document.fonts.ready;
	const stage = v.stage.getBoundingClientRect();
	const scale = flow ? 1 : stage.width / 1280;
	const px = (n) => Math.round(n / scale);
	for (let i = 0; i < v.deck.slides.length; i++) {
		v.show(i, -1);
		const sec = v.slideElement(i), body = sec.querySelector(".slide-body");
		const bad = [];
		const layout = sec.dataset.layout;
		const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 || r.height > 0; };
		if (!flow) {
			if (body.scrollHeight > body.clientHeight + 1) bad.push("too tall: " + body.scrollHeight + "px of content in " + body.clientHeight + "px");
			if (body.scrollWidth > body.clientWidth + 1) bad.push("too wide: " + body.scrollWidth + "px of content in " + body.clientWidth + "px");
			for (const el of body.querySelectorAll("pre, .table-wrap")) {
				if (el.scrollWidth > el.clientWidth + 1) bad.push(el.tagName.toLowerCase() + " scrolls sideways: " + el.scrollWidth + "px in " + el.clientWidth + "px");
				if (el.scrollHeight > el.clientHeight + 1) bad.push(el.tagName.toLowerCase() + " scrolls down: " + el.scrollHeight + "px in " + el.clientHeight + "px");
			}
			for (const el of body.querySelectorAll("*")) {
				if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") continue;
				if (!visible(el)) continue;
				const r = el.getBoundingClientRect();
				if (r.left < stage.left - 1 || r.right > stage.right + 1 || r.top < stage.top - 1 || r.bottom > stage.bottom + 1) {
					bad.push("<" + el.tagName.toLowerCase() + "> clipped by the stage: " + px(r.left - stage.left) + ".." + px(r.right - stage.left) + " × " +
						px(r.top - stage.top) + ".." + px(r.bottom - stage.top) + " of 1280×720 (" + el.textContent.trim().slice(0, 30) + ")");
					break;
				}
			}
			if (Math.abs(scale - 1) < 0.001) {
				const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
				let small = null;
				for (let n = walker.nextNode(); n; n = walker.nextNode()) {
					if (!n.textContent.trim()) continue;
					const el = n.parentElement;
					if (!visible(el) || getComputedStyle(el).visibility === "hidden") continue;
					let size = parseFloat(getComputedStyle(el).fontSize);
					const svgText = el.closest("svg text");
					if (svgText) size *= svgText.getScreenCTM()?.a ?? 1;
					const min = el.closest(caption) ? minCaption : minText;
					if (size < min - 0.5 && (!small || size < small.size)) small = {size, min, text: n.textContent.trim().slice(0, 30)};
				}
				if (small) bad.push("text of " + small.size.toFixed(1) + "px (under " + small.min + "px): " + JSON.stringify(small.text));
			}
			let top = Infinity, bottom = -Infinity;
			for (const el of body.children) {
				if (!visible(el)) continue;
				const r = el.getBoundingClientRect();
				top = Math.min(top, r.top);
				bottom = Math.max(bottom, r.bottom);
			}
			const b = body.getBoundingClientRect();
			const h = px(bottom - top);
			if (h < 720 / 4) {
				if (!sparse.includes(layout)) {
					bad.push("content is " + h + "px high, under a quarter of the stage (180px), in layout " + layout + " (want more, or one of " + sparse.join(", ") + ")");
				} else {
					const off = px((top + bottom) / 2 - (b.top + b.bottom) / 2);
					if (Math.abs(off) > 720 * 0.05) bad.push("layout " + layout + " is not centred: its middle is " + off + "px off the body's middle (content " + h + "px high)");
				}
			}
		} else {
			const W = Math.min(innerWidth, screen.width);
			if (document.documentElement.scrollWidth > W + 1) bad.push("page scrolls sideways: " + document.documentElement.scrollWidth + "px in " + W + "px");
			for (const el of body.querySelectorAll("*")) {
				if (el.closest("pre, .table-wrap, svg") && !el.matches("pre, .table-wrap, svg")) continue;
				if (!visible(el)) continue;
				const r = el.getBoundingClientRect();
				if (r.left < -1 || r.right > W + 1) { bad.push("<" + el.tagName.toLowerCase() + "> off screen: " + Math.round(r.left) + ".." + Math.round(r.right) + " of 0.." + W + " (" + el.textContent.trim().slice(0, 30) + ")"); break; }
			}
			const last = body.lastElementChild;
			if (last) {
				const end = last.getBoundingClientRect().bottom + scrollY;
				const bar = v.root.querySelector(".bar").getBoundingClientRect().height;
				if (end > document.documentElement.scrollHeight - bar + 1) bad.push("content ends under the bar: " + Math.round(end) + " > " + (document.documentElement.scrollHeight - bar));
			}
		}
		if (bad.length) out.push({index: i, layout, problems: bad});
	}
	v.show(0, 0);
	return out;
})`

// stageFrame runs in the page at a stage size: the colour around the
// stage (the letterbox) against the stage's own, and where the progress
// bar is against the stage.
const stageFrame = `(() => {
	const v = podium.view;
	v.fit();
	const bgOf = (el) => {
		for (; el; el = el.parentElement) {
			const c = getComputedStyle(el).backgroundColor;
			if (c && c !== "rgba(0, 0, 0, 0)" && c !== "transparent") return c;
		}
		return "";
	};
	const s = v.stage.getBoundingClientRect();
	const p = v.root.querySelector(".progress")?.getBoundingClientRect();
	return {
		letterbox: bgOf(document.elementFromPoint(1, 1)),
		stage: getComputedStyle(v.stage).backgroundColor,
		stageBox: [s.left, s.top, s.right, s.bottom].map(Math.round),
		progress: p ? [p.left, p.top, p.right, p.bottom].map(Math.round) : null,
	};
})()`

type geoFault struct {
	Index    int      `json:"index"`
	Layout   string   `json:"layout"`
	Problems []string `json:"problems"`
}

type frame struct {
	Letterbox string `json:"letterbox"`
	Stage     string `json:"stage"`
	StageBox  []int  `json:"stageBox"`
	Progress  []int  `json:"progress"`
}

// TestTalkGeometry walks every slide of the shipped talk (slides/) in both
// themes at 1280×720, 1024×768 and 390×844 and reports each slide that
// breaks a rule of geometryCheck, by file, line, id and title, with what
// was measured. At the stage sizes it also checks the frame: the
// letterbox is the theme's own background, and the progress bar lies on
// the stage, not across the window.
func TestTalkGeometry(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	arg := fmt.Sprintf(`{minText: %d, minCaption: %d, caption: %q, sparse: ["%s"]}`,
		minText, minCaption, captionSelector, strings.Join(sparseLayouts, `", "`))
	for _, theme := range []string{"light", "dark"} {
		srv, url := startAudience(t, theme, nil)
		d := srv.Deck()
		tab := newTab(t, ctx)
		bt.Do(t, tab, bt.ReducedMotion())
		for _, size := range []bt.Size{bt.DesktopSize, {Width: 1024, Height: 768, Scale: 1}, bt.PhoneSize} {
			t.Run(theme+"/"+size.String(), func(t *testing.T) {
				bt.Do(t, tab, bt.Viewport(size))
				if size != (bt.Size{Width: 1024, Height: 768, Scale: 1}) {
					// A new page at the projector and at the phone; the 4:3
					// projector is the same page, resized.
					bt.Open(t, tab, url+"/")
				}
				faults := bt.Eval[[]geoFault](t, tab, geometryCheck+"("+arg+")")
				for _, f := range faults {
					s := d.Slides[f.Index]
					t.Errorf("slides/%s:%d: slide %d %s %q (layout %s) at %s, %s theme: %s",
						s.File, s.Line, f.Index+1, s.ID, s.Title, f.Layout, size, theme, strings.Join(f.Problems, "; "))
				}
				if size.Mobile {
					return
				}
				fr := bt.Eval[frame](t, tab, stageFrame)
				if size.Width*9 != size.Height*16 && fr.Letterbox != fr.Stage {
					t.Errorf("at %s (%s theme) the letterbox is %s, the stage %s: want the theme's own background", size, theme, fr.Letterbox, fr.Stage)
				}
				if p, s := fr.Progress, fr.StageBox; p == nil || p[0] < s[0]-1 || p[2] > s[2]+1 || p[1] < s[1]-1 || p[3] > s[3]+1 {
					t.Errorf("at %s (%s theme) the progress bar is at %v, outside the stage at %v", size, theme, p, s)
				}
			})
		}
	}
}

// TestInlineSVGFollowsTheme: a deck's SVG drawn with the theme's
// variables and currentColor takes the theme's colours, light and dark,
// with no card behind it; a hostile SVG inlined beside it runs nothing.
func TestInlineSVGFollowsTheme(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"><rect id="box" width="100" height="50" style="fill: var(--accent)" stroke="currentColor"/></svg>`
	evil := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="window.pwned = 1"><a href="javascript:window.pwned = 2"><text y="5" onmouseover="window.pwned = 3">x</text></a><foreignObject><img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="window.pwned = 4"/></foreignObject><animate attributeName="onload" to="window.pwned = 5"/><rect width="1" height="1" fill="currentColor"/></svg>`
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			fsys := fstest.MapFS{
				"01.md": {Data: []byte("---\ntheme: " + theme + "\n---\n\n# SVG\n\n![d](d.svg)\n\n![e](e.svg)\n")},
				"d.svg": {Data: []byte(svg)},
				"e.svg": {Data: []byte(evil)},
			}
			_, ts := newTestServer(t, fsys)
			tab := newTab(t, ctx)
			bt.Open(t, tab, ts.URL+"/")
			type colours struct {
				Fill, Stroke, Accent, Fg, Card string
				Pwned                          bool
			}
			got := bt.Eval[colours](t, tab, `(() => {
				const probe = document.createElement("div");
				document.querySelector(".slide.current .slide-body").append(probe);
				const colour = (v) => { probe.style.color = v; return getComputedStyle(probe).color; };
				const rect = document.querySelector(".slide.current svg.deck-svg rect"), s = getComputedStyle(rect);
				return {Fill: s.fill, Stroke: s.stroke, Accent: colour("var(--accent)"), Fg: colour("var(--fg)"),
					Card: getComputedStyle(rect.ownerSVGElement).backgroundColor, Pwned: "pwned" in window};
			})()`)
			if got.Fill != got.Accent || got.Stroke != got.Fg {
				t.Errorf("%s theme: the SVG's fill %s and stroke %s, want the theme's accent %s and text %s", theme, got.Fill, got.Stroke, got.Accent, got.Fg)
			}
			if got.Card != "rgba(0, 0, 0, 0)" {
				t.Errorf("%s theme: a card (%s) behind a theme-following SVG", theme, got.Card)
			}
			if got.Pwned {
				t.Errorf("%s theme: the hostile SVG ran script", theme)
			}
		})
	}
}
