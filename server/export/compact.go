package export

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
)

// Chromium's PDF writer (Skia) writes every object as plain text and a
// classic cross-reference table. A tagged deck is mostly small
// dictionaries: the structure tree (one StructElem per element of a page,
// ~40 a slide), the pages, the Type 3 fonts that CJK text becomes, link
// annotations. Uncompressed, these were half of a 200-slide PDF (1.3 of
// 2.4 MB). compact writes the same objects again with every dictionary in
// compressed object streams and a cross-reference stream (PDF 1.7 §7.5.7,
// §7.5.8): a PDF 1.5 file whose pages, text, fonts, links, outline and
// structure are the very objects Chromium wrote, under the same numbers;
// only their packing differs. The streams (page content, glyph
// procedures, images) are copied byte for byte: Chromium has compressed
// them already.
//
// pdfcpu (api.Optimize with object streams) was tried first: it left the
// structure elements outside its object streams (1.92 MB for the same
// file) and took 4.3 s where this takes well under one.

// objsPerStream is how many objects go into one object stream: enough for
// zlib to find the repetition between StructElems, few enough that a
// reader that opens one page decompresses little.
const objsPerStream = 200

var (
	xrefRE      = regexp.MustCompile(`(?s)xref\s+(.*?)trailer\s*<<(.*?)>>\s*startxref\s+(\d+)\s+%%EOF\s*$`)
	xrefEntryRE = regexp.MustCompile(`(\d{10}) (\d{5}) ([nf])`)
	xrefSubRE   = regexp.MustCompile(`(?m)^(\d+) (\d+)\s*$`)
	objHeadRE   = regexp.MustCompile(`^(\d+)\s+(\d+)\s+obj\b`)
	idRE        = regexp.MustCompile(`/ID\s*(\[[^\]]*\])`)
	contentsRE  = regexp.MustCompile(`/Contents\s+(\d+)\s+0\s+R`)
	flateDictRE = regexp.MustCompile(`^\s*<<\s*/Filter\s*/FlateDecode\s*/Length\s+(\d+)\s*>>\s*stream\r?\n`)
)

// compact rewrites pdf (one classic cross-reference table, as Chromium
// writes it) with its dictionaries in object streams, and its Info
// dictionary's Title, Author and Creator set. A PDF of another shape
// (incremental updates, a cross-reference stream already, generation
// numbers) gets only the Info update (setInfo).
func compact(pdf []byte, title, author string) ([]byte, error) {
	out, ok := compactPDF(pdf, title, author)
	if !ok {
		return setInfo(pdf, title, author)
	}
	return out, nil
}

// classicPDF is a PDF as Chromium writes it: one classic cross-reference
// table, every object of generation 0.
type classicPDF struct {
	objs []pdfObj // in the order of the file
	size int      // the trailer's /Size
	root int
	info int    // -1: none
	id   []byte // the trailer's /ID array, or nil
}

// pdfObj is one object's body, without "N 0 obj" and "endobj": a stream
// from its dictionary to "endstream", anything else trimmed.
type pdfObj struct {
	num    int
	body   []byte
	stream bool
}

// readClassic reads pdf as a classicPDF; a PDF of another shape (incremental
// updates, a cross-reference stream, generation numbers, encryption) is
// not one.
func readClassic(pdf []byte) (*classicPDF, bool) {
	m := xrefRE.FindSubmatchIndex(pdf)
	if m == nil {
		return nil, false
	}
	table, trailer := pdf[m[2]:m[3]], pdf[m[4]:m[5]]
	if bytes.Contains(trailer, []byte("/Prev")) || bytes.Contains(trailer, []byte("/Encrypt")) {
		return nil, false
	}
	xrefAt := m[0]
	size, root := sizeRE.FindSubmatch(trailer), rootRE.FindSubmatch(trailer)
	if size == nil || root == nil {
		return nil, false
	}
	c := &classicPDF{info: -1}
	c.size, _ = strconv.Atoi(string(size[1]))
	rootNum, _, _ := bytes.Cut(root[1], []byte(" "))
	c.root, _ = strconv.Atoi(string(rootNum))
	if im := infoRE.FindSubmatch(trailer); im != nil {
		c.info, _ = strconv.Atoi(string(im[1]))
	}
	if im := idRE.FindSubmatch(trailer); im != nil {
		c.id = im[1]
	}

	// The objects in use and where each starts; each runs to the next one
	// (or to the table), so no string inside one can end it early.
	type obj struct{ num, at, end int }
	var objs []obj
	subs := xrefSubRE.FindAllSubmatchIndex(table, -1)
	for i, s := range subs {
		first, _ := strconv.Atoi(string(table[s[2]:s[3]]))
		end := len(table)
		if i+1 < len(subs) {
			end = subs[i+1][0]
		}
		for k, e := range xrefEntryRE.FindAllSubmatch(table[s[1]:end], -1) {
			if string(e[3]) != "n" {
				continue
			}
			if string(e[2]) != "00000" {
				return nil, false
			}
			at, _ := strconv.Atoi(string(e[1]))
			if at <= 0 || at >= xrefAt {
				return nil, false
			}
			objs = append(objs, obj{num: first + k, at: at})
		}
	}
	if len(objs) == 0 {
		return nil, false
	}
	slices.SortFunc(objs, func(a, b obj) int { return a.at - b.at })
	for i := range objs {
		objs[i].end = xrefAt
		if i+1 < len(objs) {
			objs[i].end = objs[i+1].at
		}
	}
	for _, o := range objs {
		if o.num <= 0 || o.num >= c.size {
			return nil, false
		}
		text := pdf[o.at:o.end]
		h := objHeadRE.FindSubmatchIndex(text)
		if h == nil || string(text[h[2]:h[3]]) != strconv.Itoa(o.num) {
			return nil, false
		}
		body, ok := bytes.CutSuffix(bytes.TrimRight(text[h[1]:], pdfSpace), []byte("endobj"))
		if !ok {
			return nil, false // no endobj: not the file it claims to be
		}
		if bytes.HasSuffix(bytes.TrimRight(body, pdfSpace), []byte("endstream")) {
			c.objs = append(c.objs, pdfObj{num: o.num, body: body, stream: true})
			continue
		}
		c.objs = append(c.objs, pdfObj{num: o.num, body: bytes.TrimSpace(body)})
	}
	return c, true
}

func compactPDF(pdf []byte, title, author string) ([]byte, bool) {
	c, ok := readClassic(pdf)
	if !ok {
		return nil, false
	}
	n, infoNum := c.size, c.info

	var b bytes.Buffer
	b.Grow(len(pdf) / 2)
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	type loc struct {
		kind   byte // 1: at an offset; 2: in object stream strm at index
		off    int
		strm   int
		index  int
		inUsed bool // else a free entry
	}
	var locs []loc
	set := func(num int, l loc) {
		for len(locs) <= num {
			locs = append(locs, loc{})
		}
		l.inUsed = true
		locs[num] = l
	}
	var small []int            // numbers of the objects to pack
	var streams []int          // the numbers of the objects copied as streams
	bodies := map[int][]byte{} // their text
	for _, o := range c.objs {
		if o.num == infoNum {
			continue // written anew below
		}
		bodies[o.num] = o.body
		if o.stream {
			streams = append(streams, o.num)
		} else {
			small = append(small, o.num)
		}
	}

	// The streams, as they were but for the pages' content, whose rounded
	// corners are redrawn with fewer segments (corners.go).
	var zw deflater
	contents := map[int]bool{}
	for _, num := range small {
		if body := bodies[num]; bytes.Contains(body, []byte("/Type /Page")) || bytes.Contains(body, []byte("/Type/Page")) {
			for _, m := range contentsRE.FindAllSubmatch(body, -1) {
				c, _ := strconv.Atoi(string(m[1]))
				contents[c] = true
			}
		}
	}
	for _, num := range streams {
		set(num, loc{kind: 1, off: b.Len()})
		fmt.Fprintf(&b, "%d 0 obj", num)
		body := bodies[num]
		if contents[num] {
			body = redrawCorners(body, &zw)
		}
		b.Write(body)
		b.WriteString("\nendobj\n")
	}

	// The Info dictionary, redefined (it may stay in an object stream:
	// only the cross-reference stream's own dictionary may not).
	info := infoNum
	next := n
	if info < 0 {
		info = next
		next++
	}
	var ib bytes.Buffer
	ib.WriteString("<<")
	if infoNum >= 0 {
		ib.Write(infoEntries(pdf, infoNum))
	}
	if title != "" {
		fmt.Fprintf(&ib, "/Title %s", pdfText(title))
	}
	if author != "" {
		fmt.Fprintf(&ib, "/Author %s", pdfText(author))
	}
	ib.WriteString("/Creator (podium)>>")
	small = append(small, info)
	bodies[info] = ib.Bytes()

	for start := 0; start < len(small); start += objsPerStream {
		group := small[start:min(start+objsPerStream, len(small))]
		strm := next
		next++
		var head, data bytes.Buffer
		for i, num := range group {
			fmt.Fprintf(&head, "%d %d ", num, data.Len())
			data.Write(bodies[num])
			data.WriteByte('\n')
			set(num, loc{kind: 2, strm: strm, index: i})
		}
		z := zw.deflate(append(head.Bytes(), data.Bytes()...))
		set(strm, loc{kind: 1, off: b.Len()})
		fmt.Fprintf(&b, "%d 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n",
			strm, len(group), head.Len(), len(z))
		b.Write(z)
		b.WriteString("\nendstream\nendobj\n")
	}

	// The cross-reference stream: type, offset or object stream, index.
	xs := next
	next++
	set(xs, loc{kind: 1, off: b.Len()})
	var rows bytes.Buffer
	for num, l := range locs {
		row := [7]byte{}
		switch {
		case !l.inUsed:
			row[0] = 0
			if num == 0 {
				binary.BigEndian.PutUint16(row[5:], 0xffff)
			}
		case l.kind == 1:
			row[0] = 1
			binary.BigEndian.PutUint32(row[1:], uint32(l.off))
		default:
			row[0] = 2
			binary.BigEndian.PutUint32(row[1:], uint32(l.strm))
			binary.BigEndian.PutUint16(row[5:], uint16(l.index))
		}
		rows.Write(row[:])
	}
	z := zw.deflate(rows.Bytes())
	var id []byte
	if c.id != nil {
		id = append([]byte("/ID "), c.id...)
	}
	xrefOff := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<</Type/XRef/Size %d/W [1 4 2]/Root %d 0 R/Info %d 0 R%s/Filter/FlateDecode/Length %d>>\nstream\n",
		xs, next, c.root, info, id, len(z))
	b.Write(z)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	return b.Bytes(), true
}

// redrawCorners is the stream object body (from "<<" to "endstream") of
// a page's content with its corners redrawn, or body itself when its
// dictionary is not Chromium's plain Flate one or nothing changed.
func redrawCorners(body []byte, z *deflater) []byte {
	m := flateDictRE.FindSubmatchIndex(body)
	if m == nil {
		return body
	}
	n, _ := strconv.Atoi(string(body[m[2]:m[3]]))
	data := body[m[1]:]
	if n > len(data) || !bytes.HasPrefix(bytes.TrimLeft(data[n:], pdfSpace), []byte("endstream")) {
		return body
	}
	r, err := zlib.NewReader(bytes.NewReader(data[:n]))
	if err != nil {
		return body
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return body
	}
	redrawn, changed := corners(raw)
	if !changed {
		return body
	}
	packed := z.deflate(redrawn)
	var out bytes.Buffer
	fmt.Fprintf(&out, "\n<</Filter /FlateDecode /Length %d>> stream\n", len(packed))
	out.Write(packed)
	out.WriteString("\nendstream")
	return out.Bytes()
}

// pdfSpace is PDF's white space (§7.2.3).
const pdfSpace = "\x00\t\n\f\r "

// deflater compresses stream after stream with one zlib writer: a new
// writer allocates ~1 MB of tables, which for 200 pages was a quarter of
// compact's time.
type deflater struct {
	buf bytes.Buffer
	w   *zlib.Writer
}

func (d *deflater) deflate(p []byte) []byte {
	d.buf.Reset()
	if d.w == nil {
		d.w, _ = zlib.NewWriterLevel(&d.buf, zlib.DefaultCompression)
	} else {
		d.w.Reset(&d.buf)
	}
	d.w.Write(p)
	d.w.Close()
	return bytes.Clone(d.buf.Bytes())
}
