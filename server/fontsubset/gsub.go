package fontsubset

import "errors"

var errGSUB = errors.New("fontsubset: GSUB table too large or malformed to follow")

// maxWork bounds the coverage entries closeOverGSUB looks at: 6,000
// characters of Noto Sans CJK take 73,000.
const maxWork = 1 << 22

// closeOverGSUB adds to keep every glyph a GSUB substitution can produce
// from glyphs already in it, until nothing more is added: single,
// multiple and alternate substitutions, ligatures whose every component
// is kept, and reverse chaining substitutions. Contextual lookups only
// call other lookups, which this visits anyway; features and scripts are
// not looked at, so the closure is what any text in any language could
// reach, a superset of what the browser will draw. A GSUB it cannot read
// whole, or that takes more than maxWork, is an error: a closure cut
// short could leave the browser an empty glyph to draw.
func closeOverGSUB(data []byte, keep []bool) error {
	if len(data) == 0 {
		return nil
	}
	if len(data) < 10 {
		return errGSUB
	}
	b := &buf{b: data}
	list := b.u16(8)
	n := b.u16(list)
	var subtables [][2]int // lookup type, offset in data
	for i := 0; i < n && !b.bad; i++ {
		lk := list + b.u16(list+2+2*i)
		typ, count := b.u16(lk), b.u16(lk+4)
		for j := 0; j < count && !b.bad; j++ {
			st := lk + b.u16(lk+6+2*j)
			t := typ
			if t == 7 { // extension: the real subtable is further on
				t = b.u16(st + 2)
				st += int(b.u32(st + 4))
			}
			subtables = append(subtables, [2]int{t, st})
		}
	}
	// Each round visits every subtable's coverage; a font whose lookups
	// all point at one big coverage table could make that long.
	for round := 0; ; round++ {
		if b.bad || b.work >= maxWork || round == 32 {
			return errGSUB
		}
		added := false
		add := func(g int) {
			if g < len(keep) && !keep[g] {
				keep[g] = true
				added = true
			}
		}
		for _, s := range subtables {
			if b.work >= maxWork {
				break
			}
			substitute(b, s[0], s[1], keep, add)
		}
		if !added {
			return nil
		}
	}
}

func substitute(b *buf, typ, st int, keep []bool, add func(int)) {
	format := b.u16(st)
	cov := st + b.u16(st+2)
	switch {
	case typ == 1 && format == 1:
		delta := b.u16(st + 4)
		covered(b, cov, keep, func(g, _ int) { add((g + delta) & 0xFFFF) })
	case typ == 1 && format == 2:
		covered(b, cov, keep, func(_, i int) { add(b.u16(st + 6 + 2*i)) })
	case typ == 2 || typ == 3: // a sequence, or a set of alternates
		covered(b, cov, keep, func(_, i int) {
			seq := st + b.u16(st+6+2*i)
			for k, m := 0, b.u16(seq); k < m && !b.bad; k++ {
				add(b.u16(seq + 2 + 2*k))
			}
		})
	case typ == 4:
		covered(b, cov, keep, func(_, i int) {
			set := st + b.u16(st+6+2*i)
			for k, m := 0, b.u16(set); k < m && !b.bad; k++ {
				lig := set + b.u16(set+2+2*k)
				all := true
				for c, cs := 1, b.u16(lig+2); c < cs && all; c++ {
					g := b.u16(lig + 4 + 2*(c-1))
					all = g < len(keep) && keep[g]
				}
				if all {
					add(b.u16(lig))
				}
			}
		})
	case typ == 8:
		back := b.u16(st + 4)
		ahead := st + 6 + 2*back
		subs := ahead + 2 + 2*b.u16(ahead)
		covered(b, cov, keep, func(_, i int) { add(b.u16(subs + 2 + 2*i)) })
	}
}

// covered calls f with each kept glyph of the coverage table at cov and
// its coverage index.
func covered(b *buf, cov int, keep []bool, f func(g, i int)) {
	kept := func(g int) bool {
		b.work++
		return g < len(keep) && keep[g]
	}
	switch b.u16(cov) {
	case 1:
		for i, n := 0, b.u16(cov+2); i < n && !b.bad; i++ {
			if g := b.u16(cov + 4 + 2*i); kept(g) {
				f(g, i)
			}
		}
	case 2:
		// Ranges are sorted and apart: a table whose ranges go back
		// (and could make this loop 65,536² times) is malformed.
		prev := -1
		for i, n := 0, b.u16(cov+2); i < n && !b.bad; i++ {
			r := cov + 4 + 6*i
			first, last, idx := b.u16(r), b.u16(r+2), b.u16(r+4)
			if first <= prev || last < first {
				b.bad = true
				return
			}
			prev = last
			for g := first; g <= last && g < len(keep); g++ {
				if kept(g) {
					f(g, idx+g-first)
				}
			}
		}
	}
}
