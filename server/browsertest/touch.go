package browsertest

import (
	"context"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// swipe sends touchStart at the first point, touchMoves along the line and
// touchEnd: the events of a one-finger swipe. It needs touch emulation
// (Viewport with a mobile Size).
func swipe(ctx context.Context, t *chromedp.Target, x0, y0, x1, y1 float64) error {
	const moves = 6
	point := func(x, y float64) []*input.TouchPoint {
		return []*input.TouchPoint{{X: x, Y: y, RadiusX: new(1.0), RadiusY: new(1.0), Force: new(1.0), ID: new(0.0)}}
	}
	if _, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{
		Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: point(x0, y0),
	}); err != nil {
		return err
	}
	for i := 1; i <= moves; i++ {
		f := float64(i) / moves
		if _, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{
			Type: input.DispatchTouchEventTypeTouchMove, TouchPoints: point(x0+(x1-x0)*f, y0+(y1-y0)*f),
		}); err != nil {
			return err
		}
	}
	_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{
		Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{},
	})
	return err
}
