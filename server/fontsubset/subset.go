package fontsubset

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// Subset returns an OpenType font (.otf) of face index of the font in r
// (size bytes; index 0 for a single-face file) that draws the given
// characters, and the characters of those the face has. A character the
// face lacks is left out of its cmap, as before.
func Subset(r io.ReaderAt, size int64, index int, chars []rune) (font []byte, have []rune, err error) {
	f, err := openFace(r, size, index)
	if err != nil {
		return nil, nil, err
	}
	cffTable, ok := f.table("CFF ")
	if !ok {
		return nil, nil, ErrOutlines
	}
	maxp, err := f.tableBytes("maxp")
	if err != nil {
		return nil, nil, err
	}
	if len(maxp) < 6 {
		return nil, nil, fmt.Errorf("fontsubset: no maxp table")
	}
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	cmap, err := f.tableBytes("cmap")
	if err != nil {
		return nil, nil, err
	}
	glyphOf, err := cmapLookup(cmap)
	if err != nil {
		return nil, nil, err
	}

	chars = slices.Clone(chars)
	slices.Sort(chars)
	chars = slices.Compact(chars)
	keep := make([]bool, numGlyphs)
	if numGlyphs > 0 {
		keep[0] = true // .notdef
	}
	var glyphs []int
	for _, c := range chars {
		if g := glyphOf(c); g > 0 && g < numGlyphs {
			have = append(have, c)
			glyphs = append(glyphs, g)
			keep[g] = true
		}
	}
	gsub, err := f.tableBytes("GSUB")
	if err != nil {
		return nil, nil, err
	}
	if err := closeOverGSUB(gsub, keep); err != nil {
		return nil, nil, err
	}

	out := map[string][]byte{"cmap": writeCmap(have, glyphs)}
	if out["CFF "], err = subsetCFF(f, cffTable, keep); err != nil {
		return nil, nil, err
	}
	for _, t := range f.tables {
		if _, done := out[t.tag]; done || t.tag == "DSIG" {
			continue // a signature of the original would be wrong
		}
		if out[t.tag], err = f.read(t.off, t.size); err != nil {
			return nil, nil, err
		}
	}
	return writeFont(0x4f54544f, out), have, nil
}
