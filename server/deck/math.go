package deck

import (
	"bytes"
	"errors"
	"strings"

	"github.com/podium-talks/podium/server/deck/internal/tex"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// mathExt is TeX math: $…$ inline, $$…$$ display (inline or as a block of
// its own) and ```math fences, converted to MathML while the Markdown is
// parsed, so that a formula temml cannot read is a Problem at its line
// and the slide never shows raw TeX. See "Math" in the package doc.
type mathExt struct{ conv *tex.Converter }

func (m mathExt) Extend(md goldmark.Markdown) {
	md.Parser().AddOptions(
		parser.WithInlineParsers(util.Prioritized(mathInline{m.conv}, 150)),
		parser.WithBlockParsers(util.Prioritized(mathBlockParser{m.conv}, 150)),
		// Before the code transformer (100; lower runs first) turns
		// fences into code blocks.
		parser.WithASTTransformers(util.Prioritized(mathFences{m.conv}, 90)),
	)
	md.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(mathRenderer{}, 100)))
}

// mathNode is one converted formula; display formulas are blocks of
// their own (mathBlock) or, written inline as $$…$$, a centred line.
type mathNode struct {
	ast.BaseInline
	tex     string // for titles (plainText)
	display bool
	mathml  string
}

var kindMath = ast.NewNodeKind("PodiumMath")

func (n *mathNode) Kind() ast.NodeKind { return kindMath }
func (n *mathNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"mathml": n.mathml}, nil)
}

type mathBlock struct {
	ast.BaseBlock
	mathml string
	closed bool // the closing $$ was found
	start  int  // offset of the opening $$ in the source
}

var kindMathBlock = ast.NewNodeKind("PodiumMathBlock")

func (n *mathBlock) Kind() ast.NodeKind { return kindMathBlock }
func (n *mathBlock) IsRaw() bool        { return true }
func (n *mathBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"mathml": n.mathml}, nil)
}

// convertMath converts one formula that starts at offset off of the
// parse's source, reporting a formula that does not convert at its line.
func convertMath(conv *tex.Converter, pc parser.Context, src string, off int, display bool) string {
	// A block's last newline is no part of the formula; an error "at
	// end of input" is then on its last line, not the closing fence's.
	src = strings.TrimRight(src, "\n")
	mathml, err := conv.Convert(src, display)
	if err == nil {
		return mathml
	}
	cs := chapterOf(pc)
	if cs == nil {
		return ""
	}
	var te *tex.Error
	if errors.As(err, &te) && te.Pos > 0 && te.Pos <= len(src) {
		off += te.Pos
	}
	if cs.dia.foreign() {
		// Another tool's macros (Slidev's \KaTeX, say): the deck loads.
		cs.fm.warn(cs.lines.line(off), "math: %v: left out", err)
		return ""
	}
	cs.problem(off, "math: %v", err)
	return ""
}

// mathInline parses $…$ and $$…$$ within a line, by pandoc's rules: the
// opening $ has a non-space character right after it; the first $ after
// it closes, and then it must have a non-space character right before it
// and no digit right after it, or there is no math at all (so "$5 and $6"
// is text); \$ is a dollar sign. Between $$ and $$ anything goes.
type mathInline struct{ conv *tex.Converter }

func (mathInline) Trigger() []byte { return []byte{'$'} }

func (m mathInline) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	display := len(line) > 1 && line[1] == '$'
	open := 1
	if display {
		open = 2
	}
	body := line[open:]
	if len(body) == 0 || !display && isSpaceByte(body[0]) {
		return nil
	}
	end := closingDollar(body, display)
	if end < 0 {
		return nil
	}
	src := string(body[:end])
	block.Advance(open + end + open)
	n := &mathNode{tex: src, display: display, mathml: convertMath(m.conv, pc, src, seg.Start+open, display)}
	if cs := chapterOf(pc); n.mathml == "" && cs != nil && cs.dia.foreign() {
		// Left out, in podium's form too (convert.go).
		cs.lost = append(cs.lost, srcEdit{start: seg.Start, end: seg.Start + open + end + open})
	}
	return n
}

// closingDollar finds the closing $ (display: $$) in b, which starts right
// after the opening one, or -1.
func closingDollar(b []byte, display bool) int {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++ // \$ and \\ inside TeX
		case '\n', '\r':
			return -1
		case '$':
			switch {
			case display:
				if i > 0 && i+1 < len(b) && b[i+1] == '$' {
					return i
				}
				if i == 0 {
					return -1 // "$$$$"
				}
			case isSpaceByte(b[i-1]), i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '9':
				return -1
			default:
				return i
			}
		}
	}
	return -1
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// mathBlockParser parses display math standing as a block of its own:
//
//	$$
//	\int_0^1 x\,dx
//	$$
//
// or on one line, "$$ x^2 $$". A "$$" line with text after its closing
// "$$" is a paragraph (inline display math), as in pandoc.
type mathBlockParser struct{ conv *tex.Converter }

func (mathBlockParser) Trigger() []byte { return []byte{'$'} }

func (mathBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || !bytes.HasPrefix(line[pos:], []byte("$$")) {
		return nil, parser.NoChildren
	}
	n := &mathBlock{start: seg.Start + pos}
	rest := line[pos+2:]
	inner := seg.Start + pos + 2
	if i := bytes.Index(rest, []byte("$$")); i >= 0 {
		if !util.IsBlank(rest[i+2:]) {
			return nil, parser.NoChildren // "$$a$$ text": a paragraph
		}
		n.Lines().Append(text.NewSegment(inner, inner+i))
		n.closed = true
		reader.AdvanceToEOL()
		return n, parser.Close | parser.NoChildren
	}
	if !util.IsBlank(rest) {
		n.Lines().Append(text.NewSegment(inner, seg.Stop))
	}
	reader.AdvanceToEOL()
	return n, parser.NoChildren
}

func (mathBlockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	n := node.(*mathBlock)
	line, seg := reader.PeekLine()
	if line == nil || n.closed {
		return parser.Close
	}
	trimmed := bytes.TrimRight(line, " \t\r\n")
	if bytes.HasSuffix(trimmed, []byte("$$")) {
		if len(trimmed) > 2 {
			n.Lines().Append(text.NewSegment(seg.Start, seg.Start+len(trimmed)-2))
		}
		n.closed = true
		reader.AdvanceToEOL()
		return parser.Close
	}
	n.Lines().Append(seg)
	reader.AdvanceToEOL()
	return parser.Continue | parser.NoChildren
}

func (m mathBlockParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	n := node.(*mathBlock)
	if !n.closed {
		if cs := chapterOf(pc); cs != nil {
			cs.problem(n.start, "unterminated display math: $$ has no closing $$")
		}
		return
	}
	src, off := linesText(n, reader.Source())
	if strings.TrimSpace(src) == "" {
		if cs := chapterOf(pc); cs != nil {
			cs.problem(n.start, "empty display math")
		}
		return
	}
	n.mathml = convertMath(m.conv, pc, src, off, true)
}

func (mathBlockParser) CanInterruptParagraph() bool { return true }
func (mathBlockParser) CanAcceptIndentedLine() bool { return false }

// linesText joins a block's lines; off is where the first one starts. A
// problem's line is counted from off, so the lines are joined as they are
// in the source, newlines included.
func linesText(n ast.Node, src []byte) (string, int) {
	lines := n.Lines()
	if lines.Len() == 0 {
		return "", 0
	}
	var b strings.Builder
	for i := 0; i < lines.Len(); i++ {
		s := lines.At(i)
		b.Write(s.Value(src))
	}
	return b.String(), lines.At(0).Start
}

// mathFences turns ```math fences into display math.
type mathFences struct{ conv *tex.Converter }

func (m mathFences) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	fences := fencesOf(doc, src, "math")
	for _, f := range fences {
		b := &mathBlock{closed: true}
		tx, off := linesText(f, src)
		if strings.TrimSpace(tx) == "" {
			if cs := chapterOf(pc); cs != nil {
				cs.problem(f.Info.Segment.Start, "empty math block")
			}
		} else {
			b.mathml = convertMath(m.conv, pc, tx, off, true)
		}
		b.SetPos(f.Pos())
		f.Parent().ReplaceChild(f.Parent(), f, b)
	}
}

type mathRenderer struct{}

func (mathRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMath, renderMath)
	reg.Register(kindMathBlock, renderMathBlock)
}

func renderMath(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*mathNode)
		if n.display {
			_, _ = w.WriteString(`<span class="math-display">`)
		}
		_, _ = w.WriteString(n.mathml)
		if n.display {
			_, _ = w.WriteString(`</span>`)
		}
	}
	return ast.WalkSkipChildren, nil
}

func renderMathBlock(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<div class="math-display"`)
		html.RenderAttributes(w, node, html.GlobalAttributeFilter)
		_ = w.WriteByte('>')
		_, _ = w.WriteString(node.(*mathBlock).mathml)
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkSkipChildren, nil
}
