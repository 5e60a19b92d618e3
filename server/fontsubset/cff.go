package fontsubset

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The CFF table (Adobe Technical Note #5176) is read piece by piece: a
// CJK face's is 15 MB, of which the subset needs its dictionaries, its
// subroutines (about 1 MB) and the charstrings of the glyphs it keeps.

var errCFF = errors.New("fontsubset: malformed CFF table")

// DICT operators whose operands are offsets, rewritten in the subset.
const (
	opCharset     = 15
	opEncoding    = 16
	opCharStrings = 17
	opPrivate     = 18
	opSubrs       = 19
	opROS         = 1230
	opSynthetic   = 1220
	opCharType    = 1206
	opFDArray     = 1236
	opFDSelect    = 1237
)

const endchar = 14

type cff struct {
	f         *face
	base, end int64
}

// index is a CFF INDEX: its items are [data+offs[i], data+offs[i+1]).
type index struct {
	start, end int64 // the whole INDEX, header included
	data       int64
	offs       []uint32
}

func (c *cff) read(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off+n > c.end-c.base {
		return nil, errCFF
	}
	return c.f.read(c.base+off, n)
}

func (c *cff) index(at int64) (index, error) {
	h, err := c.read(at, 2)
	if err != nil {
		return index{}, err
	}
	count := int64(binary.BigEndian.Uint16(h))
	if count == 0 {
		return index{start: at, end: at + 2, data: at + 2, offs: []uint32{1}}, nil
	}
	os, err := c.read(at+2, 1)
	if err != nil {
		return index{}, err
	}
	size := int64(os[0])
	if size < 1 || size > 4 {
		return index{}, errCFF
	}
	raw, err := c.read(at+3, (count+1)*size)
	if err != nil {
		return index{}, err
	}
	offs := make([]uint32, count+1)
	for i := range offs {
		var v uint32
		for _, x := range raw[int64(i)*size : int64(i+1)*size] {
			v = v<<8 | uint32(x)
		}
		if (i == 0 && v != 1) || (i > 0 && v < offs[i-1]) {
			return index{}, errCFF
		}
		offs[i] = v
	}
	ix := index{start: at, data: at + 3 + (count+1)*size - 1, offs: offs}
	ix.end = ix.data + int64(offs[count])
	if ix.end > c.end-c.base {
		return index{}, errCFF
	}
	return ix, nil
}

func (ix index) count() int { return len(ix.offs) - 1 }

func (c *cff) item(ix index, i int) ([]byte, error) {
	return c.read(ix.data+int64(ix.offs[i]), int64(ix.offs[i+1]-ix.offs[i]))
}

func (c *cff) raw(ix index) ([]byte, error) { return c.read(ix.start, ix.end-ix.start) }

// writeIndex builds an INDEX of items.
func writeIndex(items [][]byte) []byte {
	if len(items) == 0 {
		return []byte{0, 0}
	}
	total := 1
	for _, it := range items {
		total += len(it)
	}
	size := 1
	for total >= 1<<(8*size) {
		size++
	}
	out := make([]byte, 3, 3+(len(items)+1)*size+total)
	binary.BigEndian.PutUint16(out, uint16(len(items)))
	out[2] = byte(size)
	put := func(v int) {
		for k := size - 1; k >= 0; k-- {
			out = append(out, byte(v>>(8*k)))
		}
	}
	off := 1
	put(off)
	for _, it := range items {
		off += len(it)
		put(off)
	}
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

// dictEntry is one operator of a DICT with its operands, kept as written
// (raw) and as integers (ints; a real number reads as 0, and no offset is
// ever one).
type dictEntry struct {
	op   int
	raw  []byte
	ints []int64
}

func parseDict(b []byte) ([]dictEntry, error) {
	var out []dictEntry
	start := 0
	var ints []int64
	for i := 0; i < len(b); {
		c := b[i]
		need := func(n int) bool { return i+n <= len(b) }
		switch {
		case c <= 21:
			op := int(c)
			i++
			if c == 12 {
				if !need(1) {
					return nil, errCFF
				}
				op = 1200 + int(b[i])
				i++
			}
			out = append(out, dictEntry{op: op, raw: b[start:i], ints: ints})
			start, ints = i, nil
			continue
		case c == 28:
			if !need(3) {
				return nil, errCFF
			}
			ints = append(ints, int64(int16(binary.BigEndian.Uint16(b[i+1:]))))
			i += 3
		case c == 29:
			if !need(5) {
				return nil, errCFF
			}
			ints = append(ints, int64(int32(binary.BigEndian.Uint32(b[i+1:]))))
			i += 5
		case c == 30:
			i++
			for {
				if i >= len(b) {
					return nil, errCFF
				}
				x := b[i]
				i++
				if x&0xf == 0xf || x>>4 == 0xf {
					break
				}
			}
			ints = append(ints, 0)
		case c >= 32 && c <= 246:
			ints = append(ints, int64(c)-139)
			i++
		case c >= 247 && c <= 250:
			if !need(2) {
				return nil, errCFF
			}
			ints = append(ints, (int64(c)-247)*256+int64(b[i+1])+108)
			i += 2
		case c >= 251 && c <= 254:
			if !need(2) {
				return nil, errCFF
			}
			ints = append(ints, -(int64(c)-251)*256-int64(b[i+1])-108)
			i += 2
		default:
			return nil, errCFF
		}
		if len(ints) > 48 {
			return nil, errCFF
		}
	}
	return out, nil
}

func lookup(d []dictEntry, op int) []int64 {
	for _, e := range d {
		if e.op == op {
			return e.ints
		}
	}
	return nil
}

// writeDict writes d again with the operands of the operators in set
// replaced by set's values, each as a 5-byte integer, so that the size of
// the DICT does not depend on the values.
func writeDict(d []dictEntry, set map[int][]int64) []byte {
	var out []byte
	for _, e := range d {
		v, ok := set[e.op]
		if !ok {
			out = append(out, e.raw...)
			continue
		}
		for _, x := range v {
			out = append(out, 29, byte(x>>24), byte(x>>16), byte(x>>8), byte(x))
		}
		if e.op >= 1200 {
			out = append(out, 12, byte(e.op-1200))
		} else {
			out = append(out, byte(e.op))
		}
	}
	return out
}

// private is one Private DICT and its local subroutines.
type private struct {
	dict  []dictEntry
	subrs *subrs // nil: none
}

func (c *cff) private(sizeOff []int64) (private, error) {
	if len(sizeOff) != 2 || sizeOff[0] < 0 || sizeOff[1] < 0 {
		return private{}, errCFF
	}
	b, err := c.read(sizeOff[1], sizeOff[0])
	if err != nil {
		return private{}, err
	}
	d, err := parseDict(b)
	if err != nil {
		return private{}, err
	}
	p := private{dict: d}
	if s := lookup(d, opSubrs); s != nil {
		if len(s) != 1 {
			return private{}, errCFF
		}
		ix, err := c.index(sizeOff[1] + s[0])
		if err != nil {
			return private{}, err
		}
		items, err := c.items(ix)
		if err != nil {
			return private{}, err
		}
		p.subrs = newSubrs(items)
	}
	return p, nil
}

// items reads all of ix's items at once.
func (c *cff) items(ix index) ([][]byte, error) {
	raw, err := c.raw(ix)
	if err != nil {
		return nil, err
	}
	base := ix.data - ix.start
	out := make([][]byte, ix.count())
	for i := range out {
		out[i] = raw[base+int64(ix.offs[i]) : base+int64(ix.offs[i+1])]
	}
	return out, nil
}

// bytes is the Private DICT followed by its subroutines (those not
// called replaced by a return, when prune), the Subrs offset pointing
// just past the DICT.
func (p private) bytes(prune bool) []byte {
	if p.subrs == nil {
		return writeDict(p.dict, nil)
	}
	n := privLen(p)
	out := writeDict(p.dict, map[int][]int64{opSubrs: {n}})
	return append(out, writeIndex(p.subrs.write(prune))...)
}

// subsetCFF returns the CFF table with the charstrings of the glyphs not
// in keep replaced by endchar, and the subroutines none of the kept ones
// calls replaced by return. Everything else is the original's: names,
// strings, charset, encoding, the font DICTs and which glyph uses which.
func subsetCFF(f *face, t table, keep []bool) ([]byte, error) {
	c := &cff{f: f, base: t.off, end: t.off + t.size}
	hdr, err := c.read(0, 4)
	if err != nil {
		return nil, err
	}
	if hdr[0] != 1 {
		return nil, fmt.Errorf("fontsubset: CFF version %d", hdr[0])
	}
	names, err := c.index(int64(hdr[2]))
	if err != nil {
		return nil, err
	}
	tops, err := c.index(names.end)
	if err != nil {
		return nil, err
	}
	strs, err := c.index(tops.end)
	if err != nil {
		return nil, err
	}
	gsubrs, err := c.index(strs.end)
	if err != nil {
		return nil, err
	}
	if names.count() != 1 || tops.count() != 1 {
		return nil, fmt.Errorf("fontsubset: a CFF table of %d fonts", names.count())
	}
	namesRaw, err := c.raw(names)
	if err != nil {
		return nil, err
	}
	strRaw, err := c.raw(strs)
	if err != nil {
		return nil, err
	}
	gitems, err := c.items(gsubrs)
	if err != nil {
		return nil, err
	}
	global := newSubrs(gitems)
	topRaw, err := c.item(tops, 0)
	if err != nil {
		return nil, err
	}
	top, err := parseDict(topRaw)
	if err != nil {
		return nil, err
	}
	if lookup(top, opSynthetic) != nil {
		return nil, errors.New("fontsubset: synthetic CFF font")
	}
	if ct := lookup(top, opCharType); ct != nil && (len(ct) != 1 || ct[0] != 2) {
		return nil, errors.New("fontsubset: Type 1 charstrings")
	}
	csAt := lookup(top, opCharStrings)
	if len(csAt) != 1 {
		return nil, errCFF
	}
	cs, err := c.index(csAt[0])
	if err != nil {
		return nil, err
	}
	n := cs.count()
	if n != len(keep) {
		return nil, fmt.Errorf("fontsubset: %d charstrings for %d glyphs", n, len(keep))
	}

	// The pieces after the fixed part, in the order they are written.
	type piece struct {
		op   int // the top DICT operator that points at it
		data []byte
	}
	var pieces []piece
	if at := lookup(top, opCharset); len(at) == 1 && at[0] > 2 {
		b, err := c.charset(at[0], n)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, piece{opCharset, b})
	}
	if at := lookup(top, opEncoding); len(at) == 1 && at[0] > 1 {
		b, err := c.encoding(at[0])
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, piece{opEncoding, b})
	}

	// The Private DICTs: one in the top DICT, or one per font DICT of a
	// CID-keyed font, which FDSelect assigns to each glyph.
	var fonts [][]dictEntry
	var privs []private
	fdOf := func(int) int { return 0 }
	cid := lookup(top, opROS) != nil
	if cid {
		at := lookup(top, opFDSelect)
		if len(at) != 1 {
			return nil, errCFF
		}
		sel, err := c.fdSelect(at[0], n)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, piece{opFDSelect, sel})
		fdOf = fdLookup(sel)
		if at = lookup(top, opFDArray); len(at) != 1 {
			return nil, errCFF
		}
		fda, err := c.index(at[0])
		if err != nil {
			return nil, err
		}
		for i := range fda.count() {
			raw, err := c.item(fda, i)
			if err != nil {
				return nil, err
			}
			fd, err := parseDict(raw)
			if err != nil {
				return nil, err
			}
			p, err := c.private(lookup(fd, opPrivate))
			if err != nil {
				return nil, err
			}
			fonts, privs = append(fonts, fd), append(privs, p)
		}
	} else {
		p, err := c.private(lookup(top, opPrivate))
		if err != nil {
			return nil, err
		}
		privs = append(privs, p)
	}

	// The charstrings, each kept one run to see the subroutines it calls.
	items := make([][]byte, n)
	empty := []byte{endchar}
	prune, steps := true, 0
	for g := range n {
		items[g] = empty
		if !keep[g] {
			continue
		}
		if items[g], err = c.item(cs, g); err != nil {
			return nil, err
		}
		fd := fdOf(g)
		if fd < 0 || fd >= len(privs) {
			return nil, errCFF
		}
		if prune {
			switch err := walkGlyph(items[g], privs[fd].subrs, global, &steps); err {
			case nil:
			case errSubrs:
				prune = false // keep them all
			default:
				return nil, err
			}
		}
	}
	pieces = append(pieces, piece{opCharStrings, writeIndex(items)})
	gsubrRaw := writeIndex(global.write(prune))
	privBytes := make([][]byte, len(privs))
	for i, p := range privs {
		privBytes[i] = p.bytes(prune)
	}

	// Lay out: header, names, top DICT, strings, global subrs, then the
	// pieces, the FDArray and the Private DICTs. The top DICT's size does
	// not depend on the offsets it holds (writeDict), so it is written
	// once with zeros to learn where everything goes.
	set := map[int][]int64{}
	for _, p := range pieces {
		set[p.op] = []int64{0}
	}
	if cid {
		set[opFDArray] = []int64{0}
	} else {
		set[opPrivate] = []int64{0, 0}
	}
	topLen := len(writeIndex([][]byte{writeDict(top, set)}))
	at := int64(4 + len(namesRaw) + topLen + len(strRaw) + len(gsubrRaw))
	for _, p := range pieces {
		set[p.op] = []int64{at}
		at += int64(len(p.data))
	}
	var fdArray []byte
	if cid {
		fdAt := at
		dicts := make([][]byte, len(fonts))
		for i, fd := range fonts {
			dicts[i] = writeDict(fd, map[int][]int64{opPrivate: {0, 0}})
		}
		at += int64(len(writeIndex(dicts)))
		for i, fd := range fonts {
			dicts[i] = writeDict(fd, map[int][]int64{opPrivate: {privLen(privs[i]), at}})
			at += int64(len(privBytes[i]))
		}
		fdArray = writeIndex(dicts)
		set[opFDArray] = []int64{fdAt}
	} else {
		set[opPrivate] = []int64{privLen(privs[0]), at}
	}

	out := make([]byte, 0, at)
	out = append(out, 1, 0, 4, 4)
	out = append(out, namesRaw...)
	out = append(out, writeIndex([][]byte{writeDict(top, set)})...)
	out = append(out, strRaw...)
	out = append(out, gsubrRaw...)
	for _, p := range pieces {
		out = append(out, p.data...)
	}
	out = append(out, fdArray...)
	for _, b := range privBytes {
		out = append(out, b...)
	}
	return out, nil
}

// fdLookup is the font DICT of each glyph, from FDSelect's bytes (format
// 0 or 3, as fdSelect checked); -1 for a glyph it does not cover.
func fdLookup(sel []byte) func(g int) int {
	b := &buf{b: sel}
	if sel[0] == 0 {
		return func(g int) int {
			if g+1 >= len(sel) {
				return -1
			}
			return int(sel[g+1])
		}
	}
	ranges := b.u16(1)
	return func(g int) int {
		fd := -1
		for i := 0; i < ranges; i++ {
			r := 3 + 3*i
			if b.u16(r) > g {
				break
			}
			fd = b.u8(r + 2)
		}
		return fd
	}
}

// privLen is the size of p's DICT alone, as bytes writes it.
func privLen(p private) int64 {
	if p.subrs == nil {
		return int64(len(writeDict(p.dict, nil)))
	}
	return int64(len(writeDict(p.dict, map[int][]int64{opSubrs: {0}})))
}

// charset, encoding and fdSelect return their structure's bytes as
// written, their length found from their format.
func (c *cff) charset(at int64, glyphs int) ([]byte, error) {
	f, err := c.read(at, 1)
	if err != nil {
		return nil, err
	}
	switch f[0] {
	case 0:
		return c.read(at, 1+2*int64(glyphs-1))
	case 1, 2:
		step := int64(3 + f[0] - 1)
		p, covered := at+1, 1
		for covered < glyphs {
			r, err := c.read(p, step)
			if err != nil {
				return nil, err
			}
			left := int(r[2])
			if f[0] == 2 {
				left = int(binary.BigEndian.Uint16(r[2:]))
			}
			covered += left + 1
			p += step
		}
		return c.read(at, p-at)
	}
	return nil, errCFF
}

func (c *cff) encoding(at int64) ([]byte, error) {
	h, err := c.read(at, 2)
	if err != nil {
		return nil, err
	}
	n := int64(1 + 1 + int(h[1]))
	if h[0]&0x7f == 1 {
		n = 1 + 1 + 2*int64(h[1])
	} else if h[0]&0x7f != 0 {
		return nil, errCFF
	}
	if h[0]&0x80 != 0 {
		s, err := c.read(at+n, 1)
		if err != nil {
			return nil, err
		}
		n += 1 + 3*int64(s[0])
	}
	return c.read(at, n)
}

func (c *cff) fdSelect(at int64, glyphs int) ([]byte, error) {
	f, err := c.read(at, 3)
	if err != nil {
		return nil, err
	}
	switch f[0] {
	case 0:
		return c.read(at, 1+int64(glyphs))
	case 3:
		ranges := int64(binary.BigEndian.Uint16(f[1:]))
		return c.read(at, 1+2+3*ranges+2)
	}
	return nil, errCFF
}
