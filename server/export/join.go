package export

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
)

// Chromium lays out and paints every page of a document before it writes
// the first one: printed as one document, a deck costs ~0.5 MB of memory
// per page on top of the browser's ~400 MB (docs/benchmarks.md, "export
// (wave 5)"), without bound. Talk.PDF prints it instead as batches of
// whole chapters, each its own document, and join puts the PDFs together
// as Chromium would have printed them in one:
//
//   - one page tree, whose kids are the batches' page trees;
//   - one structure tree: one Document element holding every batch's
//     elements, the ParentTree's keys (and the pages' StructParents and
//     the links' StructParent that point into it) shifted past the
//     previous batches', and the IDTrees joined;
//   - one outline, the batches' top-level entries chained: each batch
//     starts a chapter, whose title print.js makes its first level-1
//     heading;
//   - the fonts of each batch, their subset tags made unique, and the
//     streams that are the same in several batches (the glyph procedures
//     of the Type 3 fonts, images) written once.
//
// Everything else is the objects Chromium wrote, renumbered.

var (
	refRE          = regexp.MustCompile(`(\d+)\s+0\s+R`)
	refAtRE        = regexp.MustCompile(`^(\d+)\s+0\s+R`)
	streamDictRE   = regexp.MustCompile(`>>\s*stream\r?\n`)
	structParentRE = regexp.MustCompile(`(/StructParents?)\s+(\d+)`)
	subsetTagRE    = regexp.MustCompile(`/(FontName|BaseFont)\s*/([A-Z]{6})\+`)
	langRE         = regexp.MustCompile(`/Lang\s*(\([^)]*\)|<[^>]*>)`)
)

var errJoin = errors.New("join: not the PDF shape this joins")

// part is one batch's PDF and the objects join rebuilds from it.
type part struct {
	pdf                           *classicPDF
	catalog, pages, structRoot    int
	doc, outlines, parentTree     int
	idTree                        []int // every node of the IDTree
	first, last                   int   // top-level outline entries (0: none)
	count, nextKey, pageCount     int
	base, keyBase                 int // added to object numbers, ParentTree keys
	bodies                        map[int][]byte
	kids, docKids, nums, idLeaves []byte
}

func join(pdfs [][]byte) ([]byte, error) {
	parts := make([]*part, len(pdfs))
	next := 1
	keys := 0
	for i, raw := range pdfs {
		c, ok := readClassic(raw)
		if !ok {
			return nil, fmt.Errorf("join: batch %d: %w", i+1, errJoin)
		}
		p, err := readPart(c)
		if err != nil {
			return nil, fmt.Errorf("join: batch %d: %w", i+1, err)
		}
		p.base, p.keyBase = next-1, keys
		next += c.size
		keys += p.nextKey
		parts[i] = p
	}
	// The joined objects, numbered after all the batches'.
	catalog, pages, structRoot, doc := next, next+1, next+2, next+3
	outlines, parentTree, idTree := next+4, next+5, next+6
	size := next + 7

	// Streams without references that several batches have alike.
	same := map[string]int{}
	canon := make([]map[int]int, len(parts))
	for i, p := range parts {
		canon[i] = map[int]int{}
		for _, o := range p.pdf.objs {
			if !o.stream || refRE.Match(streamDict(o.body)) {
				continue
			}
			if n, ok := same[string(o.body)]; ok {
				canon[i][o.num] = n
			} else {
				same[string(o.body)] = p.base + o.num
			}
		}
	}

	var objs []pdfObj
	var pageKids, docKids, nums, names bytes.Buffer
	var count, pageCount int
	var chain [][2]int // each batch's first and last top-level outline entry
	for i, p := range parts {
		special := map[int]int{p.catalog: catalog, p.pages: pages, p.structRoot: structRoot, p.doc: doc,
			p.outlines: outlines, p.parentTree: parentTree}
		for _, n := range p.idTree {
			special[n] = idTree
		}
		renum := func(n int) int {
			if s, ok := special[n]; ok && n != 0 {
				return s
			}
			if c, ok := canon[i][n]; ok {
				return c
			}
			return p.base + n
		}
		if p.first != 0 {
			chain = append(chain, [2]int{renum(p.first), renum(p.last)})
		}
		for _, o := range p.pdf.objs {
			if _, drop := special[o.num]; drop || o.num == p.pdf.info && i > 0 {
				continue
			}
			if _, dup := canon[i][o.num]; dup {
				continue
			}
			body := p.bodies[o.num]
			if body == nil {
				body = o.body
			}
			if o.stream {
				d := streamDict(body)
				body = append(mapRefs(d, renum), body[len(d):]...)
			} else {
				body = mapRefs(body, renum)
				body = structParentRE.ReplaceAllFunc(body, func(m []byte) []byte {
					s := structParentRE.FindSubmatch(m)
					n, _ := strconv.Atoi(string(s[2]))
					return fmt.Appendf(nil, "%s %d", s[1], n+p.keyBase)
				})
				if i > 0 {
					body = subsetTagRE.ReplaceAllFunc(body, func(m []byte) []byte {
						s := subsetTagRE.FindSubmatch(m)
						tag := slices.Clone(s[2])
						tag[4], tag[5] = 'A'+byte(i/26%26), 'A'+byte(i%26)
						return fmt.Appendf(nil, "/%s /%s+", s[1], tag)
					})
				}
			}
			objs = append(objs, pdfObj{num: p.base + o.num, body: body, stream: o.stream})
		}
		pageKids.Write(mapRefs(p.kids, renum))
		pageKids.WriteByte(' ')
		docKids.Write(mapRefs(p.docKids, renum))
		docKids.WriteByte(' ')
		if err := shiftNums(&nums, p.nums, p.keyBase, renum); err != nil {
			return nil, fmt.Errorf("join: batch %d: %w", i+1, err)
		}
		names.Write(mapRefs(p.idLeaves, renum))
		names.WriteByte(' ')
		count += p.count
		pageCount += p.pageCount
	}

	// The batches' top-level outline entries, one list: each batch's last
	// is followed by the next batch's first.
	at := make(map[int]int, len(objs))
	for i, o := range objs {
		at[o.num] = i
	}
	for k := 1; k < len(chain); k++ {
		prev, next := at[chain[k-1][1]], at[chain[k][0]]
		objs[prev].body = appendEntry(objs[prev].body, fmt.Sprintf("/Next %d 0 R", chain[k][0]))
		objs[next].body = appendEntry(objs[next].body, fmt.Sprintf("/Prev %d 0 R", chain[k-1][1]))
	}

	first := parts[0]
	lang := langRE.Find(first.bodies[first.doc])
	objs = append(objs,
		pdfObj{num: catalog, body: mapRefs(first.bodies[first.catalog], func(n int) int {
			switch n {
			case first.pages:
				return pages
			case first.structRoot:
				return structRoot
			case first.outlines:
				return outlines
			}
			return first.base + n
		})},
		pdfObj{num: pages, body: fmt.Appendf(nil, "<</Type /Pages /Count %d /Kids [%s]>>", pageCount, bytes.TrimSpace(pageKids.Bytes()))},
		pdfObj{num: doc, body: fmt.Appendf(nil, "<</Type /StructElem /S /Document %s /P %d 0 R /K [%s]>>", lang, structRoot, bytes.TrimSpace(docKids.Bytes()))},
		pdfObj{num: parentTree, body: fmt.Appendf(nil, "<</Type /ParentTree /Nums [%s]>>", bytes.TrimSpace(nums.Bytes()))},
	)
	root := fmt.Appendf(nil, "<</Type /StructTreeRoot /K %d 0 R /ParentTreeNextKey %d /ParentTree %d 0 R", doc, keys, parentTree)
	if ids := bytes.TrimSpace(names.Bytes()); len(ids) > 0 {
		sorted, err := sortNames(ids)
		if err != nil {
			return nil, fmt.Errorf("join: IDTree: %w", err)
		}
		objs = append(objs, pdfObj{num: idTree, body: fmt.Appendf(nil, "<</Names [%s]>>", sorted)})
		root = fmt.Appendf(root, " /IDTree %d 0 R", idTree)
	}
	objs = append(objs, pdfObj{num: structRoot, body: append(root, ">>"...)})
	if len(chain) > 0 {
		objs = append(objs, pdfObj{num: outlines, body: fmt.Appendf(nil, "<</Type /Outlines /First %d 0 R /Last %d 0 R /Count %d>>",
			chain[0][0], chain[len(chain)-1][1], count)})
	}
	info := -1
	if first.pdf.info > 0 {
		info = first.base + first.pdf.info
	}
	return writeClassic(objs, size, catalog, info, first.pdf.id), nil
}

// readPart finds what join rebuilds in one batch's PDF.
func readPart(c *classicPDF) (*part, error) {
	p := &part{pdf: c, bodies: make(map[int][]byte, len(c.objs))}
	for _, o := range c.objs {
		if !o.stream {
			p.bodies[o.num] = o.body
		}
	}
	get := func(n int) ([]byte, error) {
		b, ok := p.bodies[n]
		if !ok || n == 0 {
			return nil, fmt.Errorf("%w: object %d is missing", errJoin, n)
		}
		return b, nil
	}
	p.catalog = c.root
	cat, err := get(c.root)
	if err != nil {
		return nil, err
	}
	p.pages, p.structRoot, p.outlines = ref(cat, "Pages"), ref(cat, "StructTreeRoot"), ref(cat, "Outlines")
	pg, err := get(p.pages)
	if err != nil {
		return nil, err
	}
	p.kids, p.pageCount = array(pg, "Kids"), num(pg, "Count")
	sr, err := get(p.structRoot)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(sr, []byte("/RoleMap")) || bytes.Contains(sr, []byte("/ClassMap")) {
		return nil, fmt.Errorf("%w: a RoleMap or ClassMap", errJoin)
	}
	p.doc, p.parentTree, p.nextKey = ref(sr, "K"), ref(sr, "ParentTree"), num(sr, "ParentTreeNextKey")
	d, err := get(p.doc)
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(d, []byte("/S /Document")) {
		return nil, fmt.Errorf("%w: the structure tree's root is not one Document", errJoin)
	}
	if p.docKids = array(d, "K"); p.docKids == nil {
		p.docKids = refBytes(d, "K")
	}
	pt, err := get(p.parentTree)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(pt, []byte("/Kids")) {
		return nil, fmt.Errorf("%w: a ParentTree of several nodes", errJoin)
	}
	p.nums = array(pt, "Nums")
	if id := ref(sr, "IDTree"); id != 0 {
		var walk func(n, depth int) error
		walk = func(n, depth int) error {
			b, err := get(n)
			if err != nil || depth > 32 {
				return errors.Join(err, errJoin)
			}
			p.idTree = append(p.idTree, n)
			p.idLeaves = append(append(p.idLeaves, array(b, "Names")...), ' ')
			for _, m := range refRE.FindAllSubmatch(array(b, "Kids"), -1) {
				k, _ := strconv.Atoi(string(m[1]))
				if err := walk(k, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if err := walk(id, 0); err != nil {
			return nil, err
		}
	}
	if p.outlines != 0 {
		o, err := get(p.outlines)
		if err != nil {
			return nil, err
		}
		p.first, p.last, p.count = ref(o, "First"), ref(o, "Last"), num(o, "Count")
	}
	return p, nil
}

// ref, refBytes, num and array read a dictionary's entry: an indirect
// reference (0: none), that reference as written, an integer, an array's
// contents.
func ref(dict []byte, key string) int {
	b := refBytes(dict, key)
	if b == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(refRE.FindSubmatch(b)[1]))
	return n
}

func refBytes(dict []byte, key string) []byte {
	m := regexp.MustCompile(`/` + key + `\s+(\d+\s+0\s+R)`).FindSubmatch(dict)
	if m == nil {
		return nil
	}
	return m[1]
}

func num(dict []byte, key string) int {
	m := regexp.MustCompile(`/` + key + `\s+(\d+)`).FindSubmatch(dict)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// array is the contents of the array that is key's value (nested arrays
// and strings included), or nil.
func array(dict []byte, key string) []byte {
	loc := regexp.MustCompile(`/` + key + `\s*\[`).FindIndex(dict)
	if loc == nil {
		return nil
	}
	inner, _ := bracketed(dict, loc[1]-1)
	return inner
}

// bracketed is the contents of the array whose "[" is at b[at], and the
// index just past its "]"; nil if it does not end.
func bracketed(b []byte, at int) ([]byte, int) {
	depth := 0
	for i := at; i < len(b); i++ {
		switch b[i] {
		case '(':
			i = skipString(b, i) - 1
		case '[':
			depth++
		case ']':
			if depth--; depth == 0 {
				return b[at+1 : i], i + 1
			}
		}
	}
	return nil, len(b)
}

// skipString returns the index just past the literal string at b[i].
func skipString(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(b)
}

// mapRefs rewrites the indirect references in b (outside its strings)
// through f.
func mapRefs(b []byte, f func(int) int) []byte {
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c == '(':
			j := skipString(b, i)
			out = append(out, b[i:j]...)
			i = j
		case c == '<' && i+1 < len(b) && b[i+1] == '<':
			out = append(out, '<', '<')
			i += 2
		case c == '<':
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				j = len(b) - i - 1
			}
			out = append(out, b[i:i+j+1]...)
			i += j + 1
		case c >= '0' && c <= '9' && (i == 0 || !isRegular(b[i-1])):
			if m := refAtRE.FindSubmatchIndex(b[i:]); m != nil && (m[1]+i == len(b) || !isRegular(b[i+m[1]])) {
				n, _ := strconv.Atoi(string(b[i+m[2] : i+m[3]]))
				out = fmt.Appendf(out, "%d 0 R", f(n))
				i += m[1]
				continue
			}
			j := i
			for j < len(b) && isRegular(b[j]) {
				j++
			}
			out = append(out, b[i:j]...)
			i = j
		default:
			out = append(out, c)
			i++
		}
	}
	return out
}

// isRegular is PDF's regular character: neither white space nor a
// delimiter (PDF 1.7 §7.2.2).
func isRegular(c byte) bool {
	return !bytes.ContainsRune([]byte("\x00\t\n\f\r ()<>[]{}/%"), rune(c))
}

// streamDict is the dictionary of a stream object's body, up to and
// including the "stream" line.
func streamDict(body []byte) []byte {
	m := streamDictRE.FindIndex(body)
	if m == nil {
		return body
	}
	return body[:m[1]]
}

// appendEntry adds entry to the dictionary dict.
func appendEntry(dict []byte, entry string) []byte {
	d := bytes.TrimSpace(dict)
	if !bytes.HasSuffix(d, []byte(">>")) {
		return dict
	}
	return append(slices.Clone(d[:len(d)-2]), " "+entry+">>"...)
}

// shiftNums appends a ParentTree's /Nums pairs (key, then a reference or
// an array) with the keys moved up by by and the references renumbered.
func shiftNums(w *bytes.Buffer, nums []byte, by int, f func(int) int) error {
	for i := 0; i < len(nums); {
		for i < len(nums) && !isRegular(nums[i]) && nums[i] != '[' {
			i++
		}
		if i >= len(nums) {
			break
		}
		j := i
		for j < len(nums) && nums[j] >= '0' && nums[j] <= '9' {
			j++
		}
		key, err := strconv.Atoi(string(nums[i:j]))
		if err != nil {
			return fmt.Errorf("%w: ParentTree key %q", errJoin, nums[i:j])
		}
		for j < len(nums) && !isRegular(nums[j]) && nums[j] != '[' {
			j++
		}
		var val []byte
		if j < len(nums) && nums[j] == '[' {
			v, end := bracketed(nums, j)
			if v == nil {
				return fmt.Errorf("%w: ParentTree value", errJoin)
			}
			val, i = nums[j:end], end
		} else if m := refRE.FindIndex(nums[j:]); m != nil && m[0] == 0 {
			val, i = nums[j:j+m[1]], j+m[1]
		} else {
			return fmt.Errorf("%w: ParentTree value", errJoin)
		}
		fmt.Fprintf(w, "%d %s ", key+by, mapRefs(val, f))
	}
	return nil
}

// sortNames sorts a name tree's (key, value) pairs by key, as a name
// tree must be; a key two batches share keeps its first value.
func sortNames(pairs []byte) ([]byte, error) {
	type kv struct {
		key []byte
		val []byte
	}
	var all []kv
	seen := map[string]bool{}
	for i := 0; i < len(pairs); {
		for i < len(pairs) && pairs[i] != '(' && pairs[i] != '<' {
			if isRegular(pairs[i]) {
				return nil, errJoin
			}
			i++
		}
		if i >= len(pairs) {
			break
		}
		var key []byte
		var j int
		if pairs[i] == '(' {
			j = skipString(pairs, i)
			key = literal(pairs[i+1 : j-1])
		} else {
			e := bytes.IndexByte(pairs[i:], '>')
			if e < 0 {
				return nil, errJoin
			}
			j = i + e + 1
			key = hexBytes(pairs[i+1 : j-1])
		}
		m := refRE.FindIndex(pairs[j:])
		if m == nil || len(bytes.TrimSpace(pairs[j:j+m[0]])) != 0 {
			return nil, errJoin
		}
		if !seen[string(key)] {
			seen[string(key)] = true
			all = append(all, kv{key, pairs[j+m[0] : j+m[1]]})
		}
		i = j + m[1]
	}
	slices.SortFunc(all, func(a, b kv) int { return bytes.Compare(a.key, b.key) })
	var out bytes.Buffer
	for _, p := range all {
		fmt.Fprintf(&out, "<%x> %s ", p.key, p.val)
	}
	return bytes.TrimSpace(out.Bytes()), nil
}

// literal decodes a literal string's contents (PDF 1.7 §7.3.4.2).
func literal(s []byte) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			out = append(out, c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case '\n':
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		default:
			if e >= '0' && e <= '7' {
				v, k := 0, 0
				for ; k < 3 && i+k < len(s) && s[i+k] >= '0' && s[i+k] <= '7'; k++ {
					v = v*8 + int(s[i+k]-'0')
				}
				out = append(out, byte(v))
				i += k - 1
				continue
			}
			out = append(out, e)
		}
	}
	return out
}

func hexBytes(s []byte) []byte {
	var digits []byte
	for _, c := range s {
		if (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'f') {
			digits = append(digits, c)
		}
	}
	if len(digits)%2 == 1 {
		digits = append(digits, '0')
	}
	out := make([]byte, len(digits)/2)
	for i := range out {
		v, _ := strconv.ParseUint(string(digits[2*i:2*i+2]), 16, 8)
		out[i] = byte(v)
	}
	return out
}

// writeClassic writes objects as a PDF with a classic cross-reference
// table, the shape Chromium writes and compact reads.
func writeClassic(objs []pdfObj, size, root, info int, id []byte) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, size)
	for _, o := range objs {
		offs[o.num] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", o.num)
		b.Write(o.body)
		b.WriteString("\nendobj\n")
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n", size)
	for n, off := range offs {
		if n == 0 || off == 0 {
			b.WriteString("0000000000 65535 f \n")
			continue
		}
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d /Root %d 0 R", size, root)
	if info > 0 {
		fmt.Fprintf(&b, " /Info %d 0 R", info)
	}
	if id != nil {
		fmt.Fprintf(&b, " /ID %s", id)
	}
	fmt.Fprintf(&b, ">>\nstartxref\n%d\n%%%%EOF\n", x)
	return b.Bytes()
}
