package deck

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// structure is the goldmark extension that finds a chapter's structure in
// goldmark's own parse of it, so that fenced code, HTML blocks, comments
// and indented code can never be split or misread:
//
//   - its block parsers take the file's front matter (at the very top) and
//     slide breaks: a top-level "---" line with a blank line before it and
//     either a blank line after it or, directly after it, "key: value"
//     lines and a closing "---" (the slide's settings);
//   - its AST transformer groups the document's top-level blocks into one
//     slideNode per slide, turns top-level ". . ." paragraphs into
//     pauseNodes and moves a top-level paragraph starting with "Note:",
//     and everything after it on the slide, into the slide's notesNode.
//
// It also guards goldmark against input that would make it slow (see
// maxNesting and maxParagraphLines). The other extensions work slide by
// slide on the nodes it makes.
type structure struct{}

func (structure) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(
			util.Prioritized(frontMatterParser{}, 0),
			util.Prioritized(nestingGuard{}, 1),
			// Before setext headings (100): in some dialects "---" under a
			// line of text is a slide break.
			util.Prioritized(breakParser{}, 90),
			util.Prioritized(incrementParser{}, 91),
		),
		parser.WithParagraphTransformers(util.Prioritized(paragraphGuard{}, 10)),
		parser.WithASTTransformers(util.Prioritized(slidesTransformer{}, 10)),
	)
}

// slideNode is one slide: its body blocks, pauses among them, and its
// notes last. Transformers fill in what they find.
type slideNode struct {
	ast.BaseBlock
	start, end int        // its source, between the break lines around it
	body       int        // where its content starts, after its settings
	norm       string     // its source normalized, for IDs
	brk        int        // offset of the break line that opened it; -1 for the first
	next       int        // offset of the break line that closes it; -1 for the last
	notes      *notesNode // nil when it has none
	settings   settings
	line       int       // file line of its first line of text
	template   bool      // a remark layout slide: settings for the slides after it
	from       *imported // the file it comes from, when not the chapter's (imports.go)

	steps   int        // last step number allocated
	heading string     // text of its first heading
	text    string     // its first line of text, when it has no heading
	assets  []assetRef // files linked or shown, as checked in the deck folder

	fnPrefix  string                // of its footnotes' ids (footnotes.go)
	footnotes [2]*east.FootnoteList // of its body and its notes, until put at their foot

	podium podiumForm // what its source is in podium's own format (convert.go)
}

// notesNode holds a slide's speaker notes.
type notesNode struct{ ast.BaseBlock }

// pauseNode is a ". . ." pause: what follows appears at the next step.
// start and end are the line of another dialect's pause (remark's "--");
// both 0 for podium's own.
type pauseNode struct {
	ast.BaseBlock
	start, end int
}

// frontMatterBlock is the file's front matter, read apart (frontmatter.go).
type frontMatterBlock struct{ ast.BaseBlock }

// breakBlock is a slide break, with the slide settings after it.
type breakBlock struct {
	ast.BaseBlock
	at         int // offset of the "---" line
	yaml, yend int // the settings' YAML; yend == 0 when there are none
	end        int // offset after the break's last line
}

// tooDeep stands for the rest of a line nested past maxNesting.
type tooDeep struct{ ast.BaseBlock }

var (
	kindSlide       = ast.NewNodeKind("PodiumSlide")
	kindNotes       = ast.NewNodeKind("PodiumNotes")
	kindPause       = ast.NewNodeKind("PodiumPause")
	kindFrontMatter = ast.NewNodeKind("PodiumFrontMatter")
	kindBreak       = ast.NewNodeKind("PodiumBreak")
	kindTooDeep     = ast.NewNodeKind("PodiumTooDeep")
)

func (n *slideNode) Kind() ast.NodeKind        { return kindSlide }
func (n *notesNode) Kind() ast.NodeKind        { return kindNotes }
func (n *pauseNode) Kind() ast.NodeKind        { return kindPause }
func (n *frontMatterBlock) Kind() ast.NodeKind { return kindFrontMatter }
func (n *breakBlock) Kind() ast.NodeKind       { return kindBreak }
func (n *tooDeep) Kind() ast.NodeKind          { return kindTooDeep }
func (n *frontMatterBlock) IsRaw() bool        { return true }
func (n *breakBlock) IsRaw() bool              { return true }
func (n *tooDeep) IsRaw() bool                 { return true }

func (n *slideNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }
func (n *notesNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }
func (n *pauseNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }
func (n *frontMatterBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, nil, nil)
}
func (n *breakBlock) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }
func (n *tooDeep) Dump(src []byte, level int)    { ast.DumpHelper(n, src, level, nil, nil) }

// consumeLine advances reader past the current line, its newline left
// for goldmark (as its fenced code parser does on the closing fence).
func consumeLine(reader text.Reader) {
	line, seg := reader.PeekLine()
	nl := 0
	if len(line) > 0 && line[len(line)-1] == '\n' {
		nl = 1
	}
	reader.Advance(seg.Stop - seg.Start - nl + seg.Padding)
}

// dashesAt reports whether a line starts at off and is "---".
func dashesAt(src []byte, off int) bool {
	if off > 0 && src[off-1] != '\n' {
		return false
	}
	ln, _, _ := bytes.Cut(src[off:], []byte{'\n'})
	return isDashes(string(ln))
}

// nextLine returns the line after the one at off ("" at the end) and its
// offset (len(src) at the end).
func nextLine(src []byte, off int) ([]byte, int) {
	i := bytes.IndexByte(src[off:], '\n')
	if i < 0 {
		return nil, len(src)
	}
	off += i + 1
	ln, _, _ := bytes.Cut(src[off:], []byte{'\n'})
	return ln, off
}

// blankBefore reports whether the line before the one at off is blank.
func blankBefore(src []byte, off int) bool {
	if off == 0 {
		return true
	}
	prev := src[:off-1]
	if i := bytes.LastIndexByte(prev, '\n'); i >= 0 {
		prev = prev[i+1:]
	}
	return len(bytes.TrimSpace(prev)) == 0
}

// isKeyLine reports whether ln starts like YAML's "key:" (a name, a colon,
// then a space or the end of the line): the first line of slide settings.
func isKeyLine(ln []byte) bool {
	i := 0
	for i < len(ln) {
		c := ln[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && (c >= '0' && c <= '9' || c == '-') {
			i++
			continue
		}
		break
	}
	return i > 0 && i < len(ln) && ln[i] == ':' && (i+1 == len(ln) || ln[i+1] == ' ' || ln[i+1] == '\t')
}

type frontMatterParser struct{}

func (frontMatterParser) Trigger() []byte { return []byte{'-'} }

func (frontMatterParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	cs := chapterOf(pc)
	if _, seg := reader.PeekLine(); cs == nil || cs.body == 0 || seg.Start != 0 || parent.Kind() != ast.KindDocument {
		return nil, parser.NoChildren
	}
	consumeLine(reader)
	return &frontMatterBlock{}, parser.NoChildren
}

func (frontMatterParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	_, seg := reader.PeekLine()
	closing := seg.Start >= chapterOf(pc).fmEnd
	consumeLine(reader)
	if closing {
		return parser.Close
	}
	return parser.Continue | parser.NoChildren
}

func (frontMatterParser) Close(ast.Node, text.Reader, parser.Context) {}
func (frontMatterParser) CanInterruptParagraph() bool                 { return false }
func (frontMatterParser) CanAcceptIndentedLine() bool                 { return false }

type breakParser struct{}

func (breakParser) Trigger() []byte { return []byte{'-'} }

func (breakParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	cs := chapterOf(pc)
	if cs == nil || parent.Kind() != ast.KindDocument {
		return nil, parser.NoChildren
	}
	src := reader.Source()
	_, seg := reader.PeekLine()
	at := seg.Start
	if seg.Padding != 0 || at > 0 && src[at-1] != '\n' {
		return nil, parser.NoChildren
	}
	brk, withSettings := cs.breakLine(src, at)
	if !brk {
		return nil, parser.NoChildren
	}
	n := &breakBlock{at: at}
	next, off := nextLine(src, at)
	switch {
	case len(bytes.TrimSpace(next)) == 0 || !withSettings:
		// A plain break.
		_, n.end = nextLine(src, at)
	case isKeyLine(next):
		// Settings, when a closing "---" comes before a blank line.
		n.yaml = off
		for ln := next; n.end == 0; ln, off = nextLine(src, off) {
			switch {
			case (off >= len(src) || len(bytes.TrimSpace(ln)) == 0) && cs.dia.foreign():
				n.yaml = 0
				_, n.end = nextLine(src, at) // a break, then text
			case off >= len(src) || len(bytes.TrimSpace(ln)) == 0:
				return nil, parser.NoChildren // a thematic break, then text
			case isDashes(string(ln)):
				n.yend = off
				_, n.end = nextLine(src, off)
			}
		}
	case cs.dia.foreign():
		_, n.end = nextLine(src, at) // a break, then text
	default:
		return nil, parser.NoChildren // a thematic break (<hr>), as CommonMark says
	}
	consumeLine(reader)
	return n, parser.NoChildren
}

func (breakParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	n := node.(*breakBlock)
	_, seg := reader.PeekLine()
	if n.yend == 0 || seg.Start >= n.end || seg.Start < 0 {
		return parser.Close
	}
	consumeLine(reader)
	if seg.Start >= n.yend {
		return parser.Close
	}
	return parser.Continue | parser.NoChildren
}

func (breakParser) Close(ast.Node, text.Reader, parser.Context) {}
func (breakParser) CanInterruptParagraph() bool                 { return true }
func (breakParser) CanAcceptIndentedLine() bool                 { return false }

// maxNesting bounds how deeply quotes, lists and list items nest.
// goldmark takes time quadratic in the nesting depth: a megabyte of ">"
// would stall every reload for minutes. Deeper lines are an error.
const maxNesting = 64

// nestingGuard is a block parser tried before every other on lines that
// open a quote or a list item: past maxNesting it takes the rest of the
// line as a leaf, so nothing nests deeper.
type nestingGuard struct{}

func (nestingGuard) Trigger() []byte { return []byte("->+*0123456789") }

func (nestingGuard) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	depth := 0 // of the containers around the new block
	for p := parent; p != nil && p.Kind() != ast.KindDocument && depth < maxNesting; p = p.Parent() {
		depth++
	}
	cs := chapterOf(pc)
	if depth < maxNesting || cs == nil {
		return nil, parser.NoChildren
	}
	_, seg := reader.PeekLine()
	if !cs.tooDeep {
		cs.tooDeep = true
		cs.problem(seg.Start, "nested too deeply: quotes, lists and list items more than %d deep", maxNesting)
	}
	consumeLine(reader)
	return &tooDeep{}, parser.NoChildren
}

func (nestingGuard) Continue(ast.Node, text.Reader, parser.Context) parser.State { return parser.Close }
func (nestingGuard) Close(ast.Node, text.Reader, parser.Context)                 {}
func (nestingGuard) CanInterruptParagraph() bool                                 { return true }
func (nestingGuard) CanAcceptIndentedLine() bool                                 { return true }

// maxParagraphLines bounds a paragraph: goldmark takes quadratic time on
// some long ones, such as thousands of link reference definitions in a
// row. A slide is one screen; its notes a page or two.
const maxParagraphLines = 2000

// maxSlideLines bounds a slide's length, for the same reason.
const maxSlideLines = 2000

// paragraphGuard drops a paragraph longer than maxParagraphLines before
// goldmark looks for link reference definitions in it. Its slide is then
// too long: check reports it.
type paragraphGuard struct{}

func (paragraphGuard) Transform(p *ast.Paragraph, reader text.Reader, pc parser.Context) {
	if p.Lines().Len() <= maxParagraphLines {
		return
	}
	if cs := chapterOf(pc); cs != nil {
		cs.long = append(cs.long, p.Lines().At(0).Start)
	}
	p.Parent().RemoveChild(p.Parent(), p)
}

type slidesTransformer struct{}

func (slidesTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	cs := chapterOf(pc)
	if cs == nil {
		return
	}
	src := reader.Source()
	var all []*slideNode
	cur := &slideNode{start: cs.body, body: cs.body, brk: -1, settings: cs.first}
	// The rest of the slide is notes; the next block may hold remark's
	// slide properties; what Marp's global directives and remark's
	// layout slides set for the slides after them (foreign.go).
	rest, props, carry := false, cs.dia.Dialect == DialectRemark, settings{}
	if cs.dia.Dialect == DialectMarp {
		carry = cs.first // Marp's front matter directives are global
	}
	open := func(start, brk int) {
		cur.end, cur.next = brk, brk
		all = append(all, cur)
		cur = &slideNode{start: start, body: start, brk: brk, settings: carry}
		rest, props = false, cs.dia.Dialect == DialectRemark
	}
	addNote := func(c ast.Node) {
		if cur.notes == nil {
			cur.notes = &notesNode{}
		}
		cur.notes.AppendChild(cur.notes, c)
	}
	for c := doc.FirstChild(); c != nil; {
		next := c.NextSibling()
		doc.RemoveChild(doc, c)
		if brk, skip := cs.breakNode(c, src); brk {
			start := c.Pos()
			if skip {
				_, start = nextLine(src, c.Pos())
			}
			open(start, c.Pos())
			if skip {
				c = next
				continue
			}
		}
		switch n := c.(type) {
		case *frontMatterBlock:
		case *breakBlock:
			open(n.end, n.at)
			if n.yend > 0 {
				cur.start = n.yaml
				cur.settings = cs.fm.read(string(src[n.yaml:n.yend]), cs.lines.line(n.yaml), fmBreak).slide
			}
		default:
			if p, ok := c.(*ast.Paragraph); ok && !rest {
				if p2 := cs.splitAtNote(p, src); p2 != nil {
					if next != nil {
						doc.InsertBefore(doc, next, p2)
					} else {
						doc.AppendChild(doc, p2)
					}
					next = p2
				}
			}
			text, comment := commentText(c, src)
			note, cut := cs.noteStart(c, src)
			wasProps := props
			props = false
			switch {
			case rest:
				cur.notes.AppendChild(cur.notes, c)
			case wasProps:
				template, reset, ok, more := cs.remarkProperties(c, src, &cur.settings)
				if ok {
					end := len(src)
					if more != nil {
						end = more.Lines().At(0).Start
					} else if _, e := blockLines(c, src); e > 0 {
						end = e
					}
					cur.podium.drop(lineStart(src, c.(*ast.Paragraph).Lines().At(0).Start), end)
				}
				if reset {
					carry = settings{}
				}
				if more != nil {
					if next != nil {
						doc.InsertBefore(doc, next, more)
					} else {
						doc.AppendChild(doc, more)
					}
					next = more
				}
				if template {
					carry = cur.settings
					cur.settings.hide, cur.template = true, true
				}
				if !ok {
					cur.AppendChild(cur, c)
				}
			case note:
				rest, cur.notes = true, &notesNode{}
				cur.podium.notesAt, cur.podium.notesCut, cur.podium.notes = c.(*ast.Paragraph).Lines().At(0).Start, cut, true
				if trimMarker(c.(*ast.Paragraph), src, cut) {
					cur.notes.AppendChild(cur.notes, c)
				}
			case comment && cs.dia.Dialect == DialectMarp:
				if !cs.marpDirective(text, cs.lines.line(c.Pos()), &cur.settings, &carry) {
					addNote(&commentNote{text: text})
				}
				cur.podium.drop(blockLines(c, src))
			case isPause(c, src):
				cur.AppendChild(cur, &pauseNode{})
			default:
				cur.AppendChild(cur, c)
			}
		}
		c = next
	}
	cur.end, cur.next = len(src), -1
	all = append(all, cur)
	if t := cs.xaringanTitle(); t != nil {
		doc.AppendChild(doc, t)
	}
	for _, e := range cs.lost {
		for _, s := range all {
			if e.start >= s.start && e.start < s.end {
				s.podium.edits = append(s.podium.edits, e)
			}
		}
	}
	for _, s := range all {
		if s.settings.hide {
			cs.hidden(s, src)
			if !s.template {
				cs.left = append(cs.left, cs.lines.line(max(s.brk, s.start)))
			}
			continue
		}
		if cs.dia.Dialect == DialectSlidev {
			// The slide's last comment is its notes (@slidev/parser).
			if l := s.LastChild(); l != nil && s.notes == nil {
				if text, ok := commentText(l, src); ok {
					s.RemoveChild(s, l)
					s.podium.drop(blockLines(l, src))
					s.notes = &notesNode{}
					s.notes.AppendChild(s.notes, &commentNote{text: text})
				}
			}
		}
		if s.notes != nil {
			s.AppendChild(s, s.notes)
		}
		doc.AppendChild(doc, s)
		cs.check(s, src)
	}
}

// check finds a slide's first line and the problems of its source as a
// whole: empty, too long.
func (cs *chapterState) check(s *slideNode, src []byte) {
	content := src[s.body:s.end]
	first := s.body + len(content) - len(bytes.TrimLeft(content, " \t\n"))
	switch {
	case first < s.end:
		s.line = cs.lines.line(first)
	case s.brk >= 0:
		s.line = cs.lines.line(s.brk)
	default:
		s.line = cs.lines.line(s.body)
	}
	s.norm = normalize(string(src[s.start:s.end]))
	if s.settings.src != "" {
		return // its slides are another file's (imports.go)
	}
	if s.norm == "" {
		at := s.next
		if at < 0 {
			at = s.brk
		}
		if at < 0 {
			at = s.start
		}
		cs.problem(at, "empty slide")
		return
	}
	long := false
	for _, off := range cs.long {
		long = long || off >= s.start && off < s.end
	}
	if n := strings.Count(s.norm, "\n") + 1; n > maxSlideLines || long {
		cs.problemLine(s.line, "slide too long: %d lines (limit %d); split it with ---", n, maxSlideLines)
	}
}

// startsLine reports whether a top-level paragraph starts in column 0.
func startsLine(c ast.Node, src []byte) (*ast.Paragraph, int, bool) {
	p, ok := c.(*ast.Paragraph)
	if !ok || p.Lines().Len() == 0 {
		return nil, 0, false
	}
	off := p.Lines().At(0).Start
	return p, off, off == 0 || src[off-1] == '\n'
}

// isPause reports whether c is a paragraph that is exactly ". . .".
func isPause(c ast.Node, src []byte) bool {
	p, _, ok := startsLine(c, src)
	if !ok || p.Lines().Len() != 1 {
		return false
	}
	seg := p.Lines().At(0)
	return strings.TrimRight(string(seg.Value(src)), " \t\n") == ". . ."
}

// trimMarker drops the notes marker (cut bytes, "Note:" say) and the
// blanks after it from the paragraph that starts the notes; false when
// nothing is left of it.
func trimMarker(p *ast.Paragraph, src []byte, cut int) bool {
	for c := p.FirstChild(); c != nil; {
		t, ok := c.(*ast.Text)
		if !ok {
			break
		}
		next := c.NextSibling()
		seg := t.Segment
		v := seg.Value(src)
		k := min(cut, len(v))
		cut -= k
		if cut == 0 {
			for k < len(v) && (v[k] == ' ' || v[k] == '\t') {
				k++
			}
		}
		t.Segment = seg.WithStart(seg.Start + k)
		if t.Segment.Len() > 0 {
			break
		}
		p.RemoveChild(p, t)
		if t.SoftLineBreak() || t.HardLineBreak() {
			break
		}
		c = next
	}
	return p.HasChildren()
}

// eachSlide calls f with every slide of a transformed document.
func eachSlide(doc ast.Node, f func(*slideNode)) {
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		if s, ok := c.(*slideNode); ok {
			f(s)
		}
	}
}

// walkSlide walks the slide's blocks and their content, its notes after
// its body, telling f which part it is in.
func walkSlide(s *slideNode, f func(n ast.Node, notes bool) ast.WalkStatus) {
	notes := false
	_ = ast.Walk(s, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n == ast.Node(s) {
			return ast.WalkContinue, nil
		}
		if _, ok := n.(*notesNode); ok {
			notes = entering
			return ast.WalkContinue, nil
		}
		if !entering {
			return ast.WalkContinue, nil
		}
		return f(n, notes), nil
	})
}
