// Package fontsubset makes a small copy of one face of an OpenType font
// with CFF outlines (a .otf file, or one face of a .ttc collection) that
// draws only the characters it is given.
//
// It exists for the PDF export. Chromium's print path copies the whole
// file of every font face a page uses into the document it hands to its
// PDF compositor, and out of it again: the Noto CJK collections are 20 MB
// each, and a deck set in them paid ~100 MB of the export's memory for
// glyphs it never drew (docs/benchmarks.md, "export (wave 4)"). Served to
// the print page as web fonts, the subsets cost a few MB.
//
// What the subset keeps, so that text set in it looks exactly as in the
// full face:
//
//   - every glyph ID: glyphs that are not kept become empty (a bare
//     endchar) but keep their number, so hmtx, vmtx, GSUB, GPOS, GDEF and
//     BASE stay valid byte for byte and shape the same text the same way;
//   - the outlines, hints and subroutines of the glyphs it keeps: the
//     glyphs of the given characters, and every glyph that a GSUB
//     substitution can reach from them (ligatures whose parts are all
//     kept, alternates, vertical and localised forms), whatever the
//     feature, so that shaping never lands on an empty glyph;
//   - a cmap of the given characters only, so that a character outside
//     the subset is not drawn as an empty glyph: the browser moves on to
//     the next font of the CSS font list, as it would for a character the
//     font lacks.
//
// TrueType outlines (glyf) are not handled: Subset reports ErrOutlines,
// and the caller keeps the system font.
package fontsubset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// ErrOutlines is returned for a face without CFF outlines.
var ErrOutlines = errors.New("fontsubset: not a CFF-flavoured OpenType face")

// maxTable bounds the size of a table read into memory: the largest the
// subset reads whole are cmap, GSUB and the metrics (a few hundred KB in
// the Noto CJK faces); the CFF table is read piece by piece.
const maxTable = 64 << 20

type table struct {
	tag       string
	off, size int64
}

// face is one face of a font file: its tables, read on demand.
type face struct {
	r      io.ReaderAt
	size   int64
	tables []table
}

func openFace(r io.ReaderAt, size int64, index int) (*face, error) {
	f := &face{r: r, size: size}
	hdr, err := f.read(0, 12)
	if err != nil {
		return nil, err
	}
	var at int64
	if string(hdr[:4]) == "ttcf" {
		n := int(binary.BigEndian.Uint32(hdr[8:]))
		if index < 0 || index >= n {
			return nil, fmt.Errorf("fontsubset: face %d of a collection of %d", index, n)
		}
		b, err := f.read(12+4*int64(index), 4)
		if err != nil {
			return nil, err
		}
		at = int64(binary.BigEndian.Uint32(b))
	} else if index != 0 {
		return nil, fmt.Errorf("fontsubset: face %d of a single-face font", index)
	}
	dir, err := f.read(at, 12)
	if err != nil {
		return nil, err
	}
	switch v := binary.BigEndian.Uint32(dir); v {
	case 0x4f54544f: // OTTO
	case 0x00010000, 0x74727565: // TrueType, 'true'
		return nil, ErrOutlines
	default:
		return nil, fmt.Errorf("fontsubset: not an OpenType font (version %#08x)", v)
	}
	n := int64(binary.BigEndian.Uint16(dir[4:]))
	recs, err := f.read(at+12, 16*n)
	if err != nil {
		return nil, err
	}
	for i := int64(0); i < n; i++ {
		r := recs[16*i:]
		t := table{
			tag:  string(r[:4]),
			off:  int64(binary.BigEndian.Uint32(r[8:])),
			size: int64(binary.BigEndian.Uint32(r[12:])),
		}
		if t.off+t.size > size {
			return nil, fmt.Errorf("fontsubset: table %q runs past the end of the file", t.tag)
		}
		f.tables = append(f.tables, t)
	}
	return f, nil
}

// read reads n bytes at off, or fails if they are not all in the file.
func (f *face) read(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off+n > f.size || n > maxTable {
		return nil, fmt.Errorf("fontsubset: %d bytes at %d are outside the font", n, off)
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && len(b) == int(n)) {
		return nil, fmt.Errorf("fontsubset: %w", err)
	}
	return b, nil
}

func (f *face) table(tag string) (table, bool) {
	for _, t := range f.tables {
		if t.tag == tag {
			return t, true
		}
	}
	return table{}, false
}

// tableBytes reads the whole table tag; a table the face lacks is nil.
func (f *face) tableBytes(tag string) ([]byte, error) {
	t, ok := f.table(tag)
	if !ok {
		return nil, nil
	}
	return f.read(t.off, t.size)
}

// buf reads big-endian numbers out of a table; reading past its end
// gives zeros and marks it bad, so that a malformed font is an error
// after the fact instead of a panic in the middle.
type buf struct {
	b    []byte
	bad  bool
	work int // coverage entries looked at (gsub.go)
}

func (b *buf) u8(off int) int {
	if off < 0 || off >= len(b.b) {
		b.bad = true
		return 0
	}
	return int(b.b[off])
}

func (b *buf) u16(off int) int {
	if off < 0 || off+2 > len(b.b) {
		b.bad = true
		return 0
	}
	return int(binary.BigEndian.Uint16(b.b[off:]))
}

func (b *buf) u32(off int) int64 {
	if off < 0 || off+4 > len(b.b) {
		b.bad = true
		return 0
	}
	return int64(binary.BigEndian.Uint32(b.b[off:]))
}

// writeFont assembles an OpenType file from its tables: the directory
// sorted by tag, each table 4-byte aligned with its checksum, and head's
// checkSumAdjustment over the whole file.
func writeFont(version uint32, tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	n := len(tags)
	entrySelector := 0
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := 16 << entrySelector
	out := make([]byte, 12+16*n)
	be := binary.BigEndian
	be.PutUint32(out, version)
	be.PutUint16(out[4:], uint16(n))
	be.PutUint16(out[6:], uint16(searchRange))
	be.PutUint16(out[8:], uint16(entrySelector))
	be.PutUint16(out[10:], uint16(16*n-searchRange))
	headAt := -1
	for i, tag := range tags {
		data := tables[tag]
		if tag == "head" && len(data) >= 12 {
			data = slices.Clone(data)
			be.PutUint32(data[8:], 0)
			headAt = len(out)
		}
		rec := out[12+16*i:]
		copy(rec, tag)
		be.PutUint32(rec[4:], checksum(data))
		be.PutUint32(rec[8:], uint32(len(out)))
		be.PutUint32(rec[12:], uint32(len(data)))
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt >= 0 {
		be.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var last [4]byte
		copy(last[:], b)
		sum += binary.BigEndian.Uint32(last[:])
	}
	return sum
}
