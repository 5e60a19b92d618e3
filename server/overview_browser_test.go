package server

// Browser tests of the overview (O): thumbnails of the slides themselves,
// grouped by chapter, drawn lazily, driven by the keyboard, on the
// audience page at desktop and phone size and in the presenter view.

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/server/deck"
)

// overviewShape is what the open overview looks like.
type overviewShape struct {
	Chapters []string `json:"chapters"` // the groups' headings
	Cards    int      `json:"cards"`
	Drawn    []int    `json:"drawn"`   // indexes of the cards with a thumbnail
	Current  int      `json:"current"` // index of the card marked current
	Focused  int      `json:"focused"` // index of the focused card, -1 for none
	Visible  bool     `json:"visible"` // the focused card shows its focus
	Columns  int      `json:"columns"` // cards in the longest row
	// Bad lists the drawn thumbnails that are not their slide: another
	// layout or HTML than the view's slide, or a stage not scaled to fill
	// the card (within a pixel).
	Bad []string `json:"bad"`
}

const overviewJS = `(() => {
	const dlg = document.querySelector("dialog.overlay-overview");
	const cards = [...dlg.querySelectorAll(".card")];
	const idx = (c) => c ? Number(c.dataset.index) : -1;
	const bad = [];
	const drawn = [];
	for (const c of cards) {
		const box = c.querySelector(".thumb"), slide = box.querySelector(".slide");
		if (!slide) continue;
		const i = idx(c), src = podium.view.slideElement(i);
		drawn.push(i);
		const b = box.getBoundingClientRect(), s = slide.getBoundingClientRect();
		if (slide.dataset.layout !== src.dataset.layout) bad.push(i + ": layout " + slide.dataset.layout + ", slide has " + src.dataset.layout);
		if (slide.querySelector(".slide-body").textContent !== src.querySelector(".slide-body").textContent) bad.push(i + ": other text than the slide's");
		if (Math.abs(s.width - b.width) > 1 || Math.abs(s.height - b.height) > 1) bad.push(i + ": thumbnail " + s.width.toFixed(1) + "×" + s.height.toFixed(1) + " in a card of " + b.width.toFixed(1) + "×" + b.height.toFixed(1));
		if (slide.hidden || getComputedStyle(slide).display === "none") bad.push(i + ": hidden");
	}
	const f = document.activeElement?.closest?.(".card");
	return {
		chapters: [...dlg.querySelectorAll(".ov-chapter > h3")].map((h) => h.firstChild.textContent.trim()),
		cards: cards.length, drawn, current: idx(dlg.querySelector(".card[aria-current]")),
		focused: idx(f), visible: !!f && f.matches(":focus-visible") && getComputedStyle(f).outlineStyle !== "none",
		columns: Math.max(...cards.map((a) => cards.filter((c) => Math.abs(c.getBoundingClientRect().top - a.getBoundingClientRect().top) < 2).length)), bad,
	};
})()`

func overview(t *testing.T, tab context.Context) overviewShape {
	t.Helper()
	return bt.Eval[overviewShape](t, tab, overviewJS)
}

// TestOverviewThumbnails opens the overview of the shipped talk on the
// audience page at desktop and phone size, and in the presenter view.
func TestOverviewThumbnails(t *testing.T) {
	t.Parallel()
	_, ts := startLive(t, "127.0.0.1:0")
	d, err := deck.Load(os.DirFS("../slides"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := bt.New(t)

	check := func(t *testing.T, tab context.Context, current int) overviewShape {
		t.Helper()
		bt.WaitFor(t, tab, `document.querySelector("dialog.overlay-overview")?.open && !!document.querySelector(".card[aria-current] .thumb .slide")`,
			"the overview, with the current slide's thumbnail")
		o := overview(t, tab)
		if o.Cards != len(d.Slides) {
			t.Errorf("%d cards, want %d", o.Cards, len(d.Slides))
		}
		var want []string
		for _, c := range d.Chapters {
			want = append(want, c.Title)
		}
		if fmt.Sprint(o.Chapters) != fmt.Sprint(want) {
			t.Errorf("chapter groups %q, want %q", o.Chapters, want)
		}
		if o.Current != current || o.Focused != current {
			t.Errorf("current card %d, focused %d, want %d", o.Current, o.Focused, current)
		}
		for _, b := range o.Bad {
			t.Errorf("thumbnail %s", b)
		}
		// Lazily: the cards far below are not drawn yet.
		if len(o.Drawn) == 0 || len(o.Drawn) >= o.Cards {
			t.Errorf("%d of %d thumbnails drawn at open, want the ones in sight only", len(o.Drawn), o.Cards)
		}
		return o
	}

	for _, size := range []bt.Size{bt.DesktopSize, bt.PhoneSize} {
		t.Run(size.String(), func(t *testing.T) {
			tab := bt.LiveTab(t, ctx, size)
			bt.Open(t, tab, ts.URL+"/#2")
			waitPos(t, tab, 1, 0)
			bt.Press(t, tab, "o")
			o := check(t, tab, 1)
			if dir := os.Getenv("PODIUM_SHOTS"); dir != "" {
				bt.Screenshot(t, tab, dir, "overview-"+size.String())
			}
			if size == bt.PhoneSize && o.Columns != 2 {
				t.Errorf("phone: %d columns, want 2", o.Columns)
			}
			if size == bt.DesktopSize && o.Columns < 4 {
				t.Errorf("desktop: %d columns, want at least 4", o.Columns)
			}
			// Arrows: right is the next card, down the row below; the
			// focus shows. Scrolling down draws the cards that come into sight.
			bt.Press(t, tab, kb.ArrowRight)
			bt.Press(t, tab, kb.ArrowDown)
			o = overview(t, tab)
			if !o.Visible {
				t.Error("the focused card shows no focus")
			}
			if o.Focused <= 2 {
				t.Errorf("right then down: card %d focused, want one on a row below card 2", o.Focused)
			}
			bt.Eval[chromedp.Void](t, tab, `document.querySelector("dialog.overlay-overview").scrollTop = 1e6`)
			bt.WaitFor(t, tab, fmt.Sprintf(`!!document.querySelector('dialog.overlay-overview .card[data-index="%d"] .thumb .slide')`, len(d.Slides)-1), "the last card's thumbnail after scrolling")
			// Enter goes to the focused card; Esc closes without moving.
			want := o.Focused
			bt.Eval[chromedp.Void](t, tab, fmt.Sprintf(`document.querySelector('.card[data-index="%d"]').focus()`, want))
			bt.Press(t, tab, kb.Enter)
			waitPos(t, tab, want, 0)
			bt.WaitFor(t, tab, `!document.querySelector("dialog.overlay-overview").open`, "Enter to close the overview")
			bt.Press(t, tab, "o")
			check(t, tab, want)
			bt.Press(t, tab, kb.ArrowLeft)
			bt.Press(t, tab, kb.Escape)
			bt.WaitFor(t, tab, `!document.querySelector("dialog.overlay-overview").open`, "Esc to close the overview")
			waitPos(t, tab, want, 0)
		})
	}

	t.Run("presenter", func(t *testing.T) {
		pres := bt.LiveTab(t, ctx, bt.DesktopSize)
		bt.OpenPresenter(t, pres, ts.URL+"/presenter?token="+presenterToken)
		bt.Eval[chromedp.Void](t, pres, `podium.driver.show(3, 0)`)
		bt.WaitFor(t, pres, `podium.view.index === 3`, "the presenter at slide 4")
		bt.Press(t, pres, "o")
		check(t, pres, 3)
		bt.Press(t, pres, kb.ArrowRight)
		bt.Press(t, pres, kb.Enter)
		bt.WaitFor(t, pres, `podium.view.index === 4 && !document.querySelector("dialog.overlay-overview").open`, "Enter in the presenter's overview to move the talk")
	})
}
