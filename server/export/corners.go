package export

import (
	"bytes"
	"math"
	"strconv"
)

// Skia writes each rounded corner of a box (inline code, code blocks,
// quotes: CSS border-radius) as eight cubic Bézier segments where one
// draws the same quarter ellipse to within 0.03 % of its radius. On a
// 200-slide deck those segments were half of the page content's bytes
// (docs/benchmarks.md §15). corners replaces each such run, after
// checking point by point that it lies on one axis-aligned quarter
// ellipse, with the one segment; every other line of the content stream
// is kept byte for byte.

// kappa places the control points of the cubic that approximates a
// quarter circle: 4/3·(√2−1).
const kappa = 0.5522847498

// cornerTolerance is how far (as a fraction of the radius) a segment's
// points may lie off the ellipse for the run to be taken for a corner.
const cornerTolerance = 0.01

type point struct{ x, y float64 }

// corners rewrites content (a page's decompressed content stream) and
// reports whether it changed anything.
func corners(content []byte) ([]byte, bool) {
	lines := bytes.Split(content, []byte("\n"))
	var out bytes.Buffer
	out.Grow(len(content))
	changed := false
	var cur point
	haveCur := false
	for i := 0; i < len(lines); {
		segs, n := curveRun(lines[i:])
		if n > 0 {
			// A run may hold several quarters (a circle is four): take the
			// shortest prefix that is one, or keep the first segment as it is.
			for j := 0; j < n; {
				k := 0
				if haveCur {
					for m := 2; j+m <= n && k == 0; m++ {
						if c1, c2, end, ok := quarter(cur, segs[j:j+m]); ok {
							writeNums(&out, c1.x, c1.y, c2.x, c2.y, end.x, end.y)
							out.WriteString(" c\n")
							k, changed = m, true
						}
					}
				}
				if k == 0 {
					out.Write(lines[i+j])
					out.WriteByte('\n')
					k = 1
				}
				cur, haveCur = segs[j+k-1][2], true
				j += k
			}
			i += n
			continue
		}
		l := lines[i]
		out.Write(l)
		if i < len(lines)-1 {
			out.WriteByte('\n')
		}
		haveCur = false
		if p, ok := pointOp(l); ok {
			cur, haveCur = p, true
		}
		i++
	}
	if !changed {
		return content, false
	}
	return out.Bytes(), true
}

// curveRun reads the "x1 y1 x2 y2 x3 y3 c" lines at the start of lines.
func curveRun(lines [][]byte) ([][3]point, int) {
	var segs [][3]point
	for _, l := range lines {
		f := bytes.Fields(l)
		if len(f) != 7 || string(f[6]) != "c" {
			break
		}
		var v [6]float64
		for k := range v {
			x, err := strconv.ParseFloat(string(f[k]), 64)
			if err != nil {
				return segs, len(segs)
			}
			v[k] = x
		}
		segs = append(segs, [3]point{{v[0], v[1]}, {v[2], v[3]}, {v[4], v[5]}})
	}
	return segs, len(segs)
}

// pointOp is the current point after an "x y m" or "x y l" line.
func pointOp(l []byte) (point, bool) {
	f := bytes.Fields(l)
	if len(f) != 3 || (string(f[2]) != "m" && string(f[2]) != "l") {
		return point{}, false
	}
	x, err1 := strconv.ParseFloat(string(f[0]), 64)
	y, err2 := strconv.ParseFloat(string(f[1]), 64)
	return point{x, y}, err1 == nil && err2 == nil
}

// quarter reports whether the segments from p0 draw one quarter of an
// axis-aligned ellipse (leaving p0 along one axis, arriving along the
// other), and gives the control points and end of the one cubic for it.
func quarter(p0 point, segs [][3]point) (c1, c2, p3 point, ok bool) {
	p3 = segs[len(segs)-1][2]
	t0 := sub(segs[0][0], p0)
	t1 := sub(p3, segs[len(segs)-1][1])
	rx, ry := math.Abs(p3.x-p0.x), math.Abs(p3.y-p0.y)
	if rx < 1e-3 || ry < 1e-3 {
		return
	}
	var centre point
	switch {
	case horizontal(t0) && vertical(t1):
		centre = point{p0.x, p3.y}
		c1 = point{p0.x + math.Copysign(kappa*rx, t0.x), p0.y}
		c2 = point{p3.x, p3.y - math.Copysign(kappa*ry, t1.y)}
	case vertical(t0) && horizontal(t1):
		centre = point{p3.x, p0.y}
		c1 = point{p0.x, p0.y + math.Copysign(kappa*ry, t0.y)}
		c2 = point{p3.x - math.Copysign(kappa*rx, t1.x), p3.y}
	default:
		return
	}
	// Every segment's end and middle must lie on the ellipse, and inside
	// the quarter's box.
	start := p0
	for _, s := range segs {
		mid := bezier(start, s[0], s[1], s[2], 0.5)
		for _, q := range []point{mid, s[2]} {
			dx, dy := (q.x-centre.x)/rx, (q.y-centre.y)/ry
			if math.Abs(math.Hypot(dx, dy)-1) > cornerTolerance || math.Abs(dx) > 1+cornerTolerance || math.Abs(dy) > 1+cornerTolerance {
				return
			}
			if !between(q.x, p0.x, p3.x, rx) || !between(q.y, p0.y, p3.y, ry) {
				return
			}
		}
		start = s[2]
	}
	return c1, c2, p3, true
}

func sub(a, b point) point { return point{a.x - b.x, a.y - b.y} }

func horizontal(v point) bool { return math.Abs(v.x) > 1e-6 && math.Abs(v.y) <= 1e-3*math.Abs(v.x) }
func vertical(v point) bool   { return math.Abs(v.y) > 1e-6 && math.Abs(v.x) <= 1e-3*math.Abs(v.y) }

func between(v, a, b, r float64) bool {
	lo, hi := math.Min(a, b), math.Max(a, b)
	return v >= lo-cornerTolerance*r && v <= hi+cornerTolerance*r
}

func bezier(p0, p1, p2, p3 point, t float64) point {
	u := 1 - t
	a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
	return point{a*p0.x + b*p1.x + c*p2.x + d*p3.x, a*p0.y + b*p1.y + c*p2.y + d*p3.y}
}

// writeNums writes numbers as Skia does: up to four decimals, no
// trailing zeros.
func writeNums(b *bytes.Buffer, v ...float64) {
	for i, x := range v {
		if i > 0 {
			b.WriteByte(' ')
		}
		s := strconv.FormatFloat(x, 'f', 4, 64)
		if bytes.ContainsRune([]byte(s), '.') {
			s = string(bytes.TrimRight(bytes.TrimRight([]byte(s), "0"), "."))
		}
		if s == "-0" {
			s = "0"
		}
		b.WriteString(s)
	}
}
