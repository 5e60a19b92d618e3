package export

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"unicode/utf16"
)

// Chromium writes the document's <title> into the PDF's Info dictionary
// but neither <meta name=author> nor a creator of ours; setInfo adds them
// as an incremental update (PDF 1.7 §7.5.6): the Info object redefined
// after the end of the file, a one-entry cross-reference section and a
// trailer pointing back to the previous one. The bytes Chromium wrote
// stay as they are.

var (
	startxrefRE = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	trailerRE   = regexp.MustCompile(`(?s)trailer\s*<<(.*?)>>\s*startxref`)
	sizeRE      = regexp.MustCompile(`/Size\s+(\d+)`)
	rootRE      = regexp.MustCompile(`/Root\s+(\d+\s+\d+\s+R)`)
	infoRE      = regexp.MustCompile(`/Info\s+(\d+)\s+0\s+R`)
)

// setInfo sets the Info dictionary's Title, Author and Creator. A PDF it
// cannot read (no classic trailer, say) comes back unchanged: the
// metadata is worth having, not worth failing an export for.
func setInfo(pdf []byte, title, author string) ([]byte, error) {
	m := startxrefRE.FindSubmatch(pdf)
	if m == nil {
		return pdf, nil
	}
	prev := string(m[1])
	tm := trailerRE.FindAllSubmatch(pdf, -1)
	if tm == nil {
		return pdf, nil
	}
	trailer := tm[len(tm)-1][1]
	size, root, info := sizeRE.FindSubmatch(trailer), rootRE.FindSubmatch(trailer), infoRE.FindSubmatch(trailer)
	if size == nil || root == nil {
		return pdf, nil
	}
	num, _ := strconv.Atoi(string(size[1]))
	newSize := num
	obj := num // a new Info object, unless there is one to redefine
	var old []byte
	if info != nil {
		obj, _ = strconv.Atoi(string(info[1]))
		old = infoEntries(pdf, obj)
	} else {
		newSize++
	}

	var b bytes.Buffer
	b.Write(pdf)
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		b.WriteByte('\n')
	}
	off := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<<", obj)
	b.Write(old)
	if title != "" {
		fmt.Fprintf(&b, "/Title %s", pdfText(title))
	}
	if author != "" {
		fmt.Fprintf(&b, "/Author %s", pdfText(author))
	}
	b.WriteString("/Creator (podium)>>\nendobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<</Size %d/Root %s/Info %d 0 R/Prev %s>>\nstartxref\n%d\n%%%%EOF\n",
		obj, off, newSize, root[1], obj, prev, xref)
	return b.Bytes(), nil
}

// entryRE finds an entry to replace; its value is a literal string (with
// backslash escapes, as Chromium writes the parentheses of its user
// agent) or a hex string.
var entryRE = regexp.MustCompile(`(?s)^(.*?)(/Title|/Author|/Creator)\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)`)

// infoEntries returns the entries of Info object obj other than Title,
// Author and Creator (the producer, the dates), or nil.
func infoEntries(pdf []byte, obj int) []byte {
	re := regexp.MustCompile(`(?s)(?:^|\s)` + strconv.Itoa(obj) + `\s+0\s+obj\s*<<(.*?)>>\s*endobj`)
	m := re.FindSubmatch(pdf)
	if m == nil {
		return nil
	}
	d := m[1]
	var out []byte
	for {
		e := entryRE.FindSubmatchIndex(d)
		if e == nil {
			return append(out, d...)
		}
		out = append(out, d[e[2]:e[3]]...)
		d = d[e[1]:]
	}
}

// pdfText is s as a PDF text string: UTF-16BE with a byte-order mark, in
// hex, which needs no escaping and holds any script.
func pdfText(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}
