package fontsubset

import (
	"encoding/binary"
	"errors"
)

var errCmap = errors.New("fontsubset: no Unicode cmap (format 4 or 12)")

// cmapLookup returns a function from a character to its glyph (0: none)
// from the face's best Unicode subtable: format 12 (all planes) before
// format 4 (the BMP).
func cmapLookup(data []byte) (func(rune) int, error) {
	b := &buf{b: data}
	n := b.u16(2)
	var best4, best12 int = -1, -1
	for i := 0; i < n; i++ {
		rec := 4 + 8*i
		pid, eid, off := b.u16(rec), b.u16(rec+2), int(b.u32(rec+4))
		unicode := pid == 0 || (pid == 3 && (eid == 1 || eid == 10))
		if !unicode || b.bad {
			continue
		}
		switch b.u16(off) {
		case 4:
			if best4 < 0 {
				best4 = off
			}
		case 12:
			if best12 < 0 {
				best12 = off
			}
		}
	}
	if b.bad {
		return nil, errCmap
	}
	if best12 >= 0 {
		return format12(b, best12)
	}
	if best4 >= 0 {
		return format4(b, best4)
	}
	return nil, errCmap
}

func format12(b *buf, at int) (func(rune) int, error) {
	n := int(b.u32(at + 12))
	if b.bad || n < 0 || at+16+12*n > len(b.b) {
		return nil, errCmap
	}
	g := b.b[at+16 : at+16+12*n]
	return func(r rune) int {
		c := uint32(r)
		lo, hi := 0, n
		for lo < hi {
			m := (lo + hi) / 2
			if binary.BigEndian.Uint32(g[12*m+4:]) < c {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo == n || binary.BigEndian.Uint32(g[12*lo:]) > c {
			return 0
		}
		return int(binary.BigEndian.Uint32(g[12*lo+8:]) + c - binary.BigEndian.Uint32(g[12*lo:]))
	}, nil
}

func format4(b *buf, at int) (func(rune) int, error) {
	segs := b.u16(at+6) / 2
	ends := at + 14
	starts := ends + 2*segs + 2
	deltas := starts + 2*segs
	ranges := deltas + 2*segs
	if b.bad || ranges+2*segs > len(b.b) {
		return nil, errCmap
	}
	return func(r rune) int {
		if r < 0 || r > 0xFFFF {
			return 0
		}
		c := int(r)
		lo, hi := 0, segs
		for lo < hi {
			m := (lo + hi) / 2
			if b.u16(ends+2*m) < c {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo == segs || b.u16(starts+2*lo) > c {
			return 0
		}
		delta, ro := b.u16(deltas+2*lo), b.u16(ranges+2*lo)
		if ro == 0 {
			return (c + delta) & 0xFFFF
		}
		g := b.u16(ranges + 2*lo + ro + 2*(c-b.u16(starts+2*lo)))
		if g == 0 {
			return 0
		}
		return (g + delta) & 0xFFFF
	}, nil
}

// writeCmap is a cmap of the given characters (sorted, each with its
// glyph): a format 12 subtable for Windows Unicode full repertoire, and a
// format 4 one for the BMP when it fits in its 64 KB.
func writeCmap(chars []rune, glyphs []int) []byte {
	type run struct {
		first, last rune
		glyph       int
	}
	var runs []run
	for i, c := range chars {
		g := glyphs[i]
		if k := len(runs) - 1; k >= 0 && runs[k].last+1 == c && runs[k].glyph+int(c-runs[k].first) == g {
			runs[k].last = c
			continue
		}
		runs = append(runs, run{c, c, g})
	}
	be := binary.BigEndian
	f12 := make([]byte, 16+12*len(runs))
	be.PutUint16(f12, 12)
	be.PutUint32(f12[4:], uint32(len(f12)))
	be.PutUint32(f12[12:], uint32(len(runs)))
	for i, r := range runs {
		g := f12[16+12*i:]
		be.PutUint32(g, uint32(r.first))
		be.PutUint32(g[4:], uint32(r.last))
		be.PutUint32(g[8:], uint32(r.glyph))
	}

	// Format 4: the BMP runs as segments with an idDelta each, then the
	// final 0xFFFF segment the format requires.
	var bmp []run
	for _, r := range runs {
		if r.first > 0xFFFF {
			break
		}
		if r.last >= 0xFFFF {
			r.last = 0xFFFE
		}
		bmp = append(bmp, r)
	}
	bmp = append(bmp, run{0xFFFF, 0xFFFF, 0})
	segs := len(bmp)
	var f4 []byte
	if size := 16 + 8*segs; size <= 0xFFFF {
		f4 = make([]byte, size)
		be.PutUint16(f4, 4)
		be.PutUint16(f4[2:], uint16(size))
		sel := 0
		for 1<<(sel+1) <= segs {
			sel++
		}
		be.PutUint16(f4[6:], uint16(2*segs))
		be.PutUint16(f4[8:], uint16(2<<sel))
		be.PutUint16(f4[10:], uint16(sel))
		be.PutUint16(f4[12:], uint16(2*segs-2<<sel))
		for i, r := range bmp {
			delta := uint16(r.glyph - int(r.first))
			if r.first == 0xFFFF {
				delta = 1
			}
			be.PutUint16(f4[14+2*i:], uint16(r.last))
			be.PutUint16(f4[16+2*segs+2*i:], uint16(r.first))
			be.PutUint16(f4[16+4*segs+2*i:], delta)
		}
	}

	n := 1
	if f4 != nil {
		n = 2
	}
	out := make([]byte, 4+8*n)
	be.PutUint16(out[2:], uint16(n))
	rec := 4
	if f4 != nil {
		be.PutUint16(out[rec:], 3)
		be.PutUint16(out[rec+2:], 1)
		be.PutUint32(out[rec+4:], uint32(len(out)))
		out = append(out, f4...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		rec += 8
	}
	be.PutUint16(out[rec:], 3)
	be.PutUint16(out[rec+2:], 10)
	be.PutUint32(out[rec+4:], uint32(len(out)))
	return append(out, f12...)
}
