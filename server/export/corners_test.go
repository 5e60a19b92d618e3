package export

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
)

// arc is the content of an "m" and n cubic segments drawing the arc of
// the circle (cx, cy, r) from angle a0 to a1 (radians), as Skia does.
func arc(cx, cy, r, a0, a1 float64, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%g %g m\n", cx+r*math.Cos(a0), cy+r*math.Sin(a0))
	step := (a1 - a0) / float64(n)
	k := 4.0 / 3 * math.Tan(step/4)
	for i := range n {
		s, e := a0+float64(i)*step, a0+float64(i+1)*step
		fmt.Fprintf(&b, "%.5f %.5f %.5f %.5f %.5f %.5f c\n",
			cx+r*(math.Cos(s)-k*math.Sin(s)), cy+r*(math.Sin(s)+k*math.Cos(s)),
			cx+r*(math.Cos(e)+k*math.Sin(e)), cy+r*(math.Sin(e)-k*math.Cos(e)),
			cx+r*math.Cos(e), cy+r*math.Sin(e))
	}
	return b.String()
}

// TestCorners: a circle of 32 segments becomes four, a quarter of 8 one;
// a run that is not on an ellipse, and every other line, stay as they
// are.
func TestCorners(t *testing.T) {
	t.Parallel()
	circle := arc(103, 4071, 6, math.Pi/2, math.Pi/2+2*math.Pi, 32) + "h\nf\n"
	out, changed := corners([]byte("q\n" + circle + "Q\n"))
	if !changed || bytes.Count(out, []byte(" c\n")) != 4 {
		t.Errorf("circle: changed %v, %d segments, want 4:\n%s", changed, bytes.Count(out, []byte(" c\n")), out)
	}
	if !bytes.HasPrefix(out, []byte("q\n103 4077 m\n")) || !bytes.HasSuffix(out, []byte("h\nf\nQ\n")) {
		t.Errorf("the lines around the curves changed:\n%s", out)
	}
	corner := "844 3824 l\n" + strings.SplitN(arc(850, 3824, 6, math.Pi, 3*math.Pi/2, 8), "\n", 2)[1] + "901 3818 l\n"
	out, _ = corners([]byte("844 3852 m\n" + corner))
	if want := "844 3852 m\n844 3824 l\n844 3820.6863 846.6863 3818 850 3818 c\n901 3818 l\n"; string(out) != want {
		t.Errorf("corner =\n%s\nwant\n%s", out, want)
	}
	// An S bend leaves along one axis and arrives along the other, but its
	// middle is off the ellipse.
	bend := "0 0 m\n5 0 10 0 10 5 c\n10 10 0 10 10 20 c\n"
	if out, changed := corners([]byte(bend)); changed || string(out) != bend {
		t.Errorf("an S bend was taken for a corner:\n%s", out)
	}
	// No current point (after text, say): nothing to anchor the run.
	loose := "BT\n" + strings.SplitN(arc(0, 0, 6, 0, math.Pi/2, 8), "\n", 2)[1]
	if _, changed := corners([]byte(loose)); changed {
		t.Error("a run without a current point was rewritten")
	}
}
