package server

// Browser test of the presenter view's geometry: the current slide as
// large as its column allows, at 16:9, with no letterbox bands, beside a
// next-step preview and the notes, on a laptop and a full-HD screen.

import (
	"os"
	"testing"

	bt "github.com/podium-talks/podium/server/browsertest"
)

// presenterBoxes is where the presenter view's parts are, in CSS px.
type presenterBoxes struct {
	Stage   rect `json:"stage"`   // the current slide's stage, scaled
	Column  rect `json:"column"`  // its section of the dashboard
	Next    rect `json:"next"`    // the next step's stage
	Notes   rect `json:"notes"`   // the notes' body
	Panel   rect `json:"panel"`   // timer and buttons
	Overlap bool `json:"overlap"` // any two of them overlap
}

type rect struct{ X, Y, W, H float64 }

const presenterBoxesJS = `(() => {
	const r = (el) => { const b = el.getBoundingClientRect(); return {X: b.x, Y: b.y, W: b.width, H: b.height}; };
	const boxes = {
		stage: r(document.querySelector("#current .stage")), column: r(document.querySelector(".pz-current")),
		next: r(document.querySelector("#next .stage")), notes: r(document.querySelector(".pz-notes-body")),
		panel: r(document.querySelector(".pz-panel")),
	};
	const parts = [boxes.column, boxes.next, boxes.notes, boxes.panel];
	const cross = (a, b) => a.X < b.X + b.W - 1 && b.X < a.X + a.W - 1 && a.Y < b.Y + b.H - 1 && b.Y < a.Y + a.H - 1;
	boxes.overlap = parts.some((a, i) => parts.some((b, j) => i < j && cross(a, b)));
	return boxes;
})()`

// TestPresenterCurrentSlideSize: at 1280×720 and 1920×1080 the current
// slide keeps 16:9, fills its column (no band wider than 2 px on either
// axis), takes at least half the screen's width, and the next-step
// preview, the notes and the controls have room of their own.
func TestPresenterCurrentSlideSize(t *testing.T) {
	t.Parallel()
	_, ts := startLive(t, "127.0.0.1:0")
	ctx := bt.New(t)
	for _, size := range []bt.Size{bt.DesktopSize, {Width: 1920, Height: 1080, Scale: 1}} {
		t.Run(size.String(), func(t *testing.T) {
			tab := bt.LiveTab(t, ctx, size)
			bt.OpenPresenter(t, tab, ts.URL+"/presenter?token="+presenterToken)
			bt.WaitFor(t, tab, `document.querySelector("#current .stage").getBoundingClientRect().width > 0`, "the current slide")
			if dir := os.Getenv("PODIUM_SHOTS"); dir != "" {
				bt.Screenshot(t, tab, dir, "presenter-"+size.String())
			}
			b := bt.Eval[presenterBoxes](t, tab, presenterBoxesJS)
			s, c := b.Stage, b.Column
			if r := s.W / s.H; r < 16.0/9-0.01 || r > 16.0/9+0.01 {
				t.Errorf("current slide %.0f×%.0f: not 16:9", s.W, s.H)
			}
			if c.W-s.W > 2 || c.H-s.H > 2 {
				t.Errorf("current slide %.0f×%.0f in a column of %.0f×%.0f: letterbox bands", s.W, s.H, c.W, c.H)
			}
			if s.W < float64(size.Width)/2 {
				t.Errorf("current slide %.0f px wide on a %d px screen, want at least half", s.W, size.Width)
			}
			if b.Next.W < 200 || b.Notes.H < 120 || b.Panel.H < 40 {
				t.Errorf("next %.0f px wide, notes %.0f px high, controls %.0f px high: too small", b.Next.W, b.Notes.H, b.Panel.H)
			}
			if b.Overlap {
				t.Errorf("parts overlap: %+v", b)
			}
		})
	}
}
