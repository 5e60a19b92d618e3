package deck

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// remarkClasses is the goldmark extension for remark's content classes,
// ".name[content]": a <span class="name"> inside a paragraph, or, when
// ".name[" and "]" are lines of their own around blocks, a
// <div class="name"> holding them (remark's ".left-column[", say). It
// works on goldmark's tree: lines of paragraphs and text runs, never on
// the file's lines apart from it.
type remarkClasses struct{}

func (remarkClasses) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(remarkClassTransformer{}, 140)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(remarkClassRenderer{}, 100)))
}

// remarkClass is one ".name[…]": a block or an inline wrapper.
type remarkClass struct {
	ast.BaseBlock
	class  string
	inline bool
}

var kindRemarkClass = ast.NewNodeKind("PodiumRemarkClass")

func (n *remarkClass) Kind() ast.NodeKind { return kindRemarkClass }
func (n *remarkClass) Type() ast.NodeType {
	if n.inline {
		return ast.TypeInline
	}
	return ast.TypeBlock
}
func (n *remarkClass) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"class": n.class}, nil)
}

var (
	classOpenRe = regexp.MustCompile(`^\.([A-Za-z_][A-Za-z0-9_-]*)\[\s*$`)
	classLineRe = regexp.MustCompile(`^(\.[A-Za-z_][A-Za-z0-9_-]*\[|\])\s*$`)
	classInRe   = regexp.MustCompile(`\.([A-Za-z_][A-Za-z0-9_-]*)\[`)
	// classesBeforeRe: only blanks and class openers before, on the line.
	classesBeforeRe = regexp.MustCompile(`^\s*(\.[A-Za-z_][A-Za-z0-9_-]*\[)*$`)
)

type remarkClassTransformer struct{}

func (remarkClassTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	cs := chapterOf(pc)
	if cs == nil || cs.dia.Dialect != DialectRemark {
		return
	}
	src := reader.Source()
	eachSlide(doc, func(s *slideNode) {
		splitClassLines(s, src)
		wrapClassBlocks(s, src)
		_ = ast.Walk(s, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering || n.Type() != ast.TypeBlock || !n.HasChildren() || n.FirstChild().Type() != ast.TypeInline {
				return ast.WalkContinue, nil
			}
			wrapClassInline(s, n, src)
			return ast.WalkSkipChildren, nil
		})
	})
}

// splitClassLines gives every ".name[" and "]" line of a top-level
// paragraph a paragraph of its own.
func splitClassLines(s *slideNode, src []byte) {
	for c := s.FirstChild(); c != nil; c = c.NextSibling() {
		p, ok := c.(*ast.Paragraph)
		if !ok {
			continue
		}
		for i := p.Lines().Len() - 1; i >= 0; i-- {
			seg := p.Lines().At(i)
			if !classLineRe.Match(seg.Value(src)) {
				continue
			}
			if i+1 < p.Lines().Len() {
				s.InsertAfter(s, p, splitParagraph(p, i+1))
			}
			if i > 0 {
				s.InsertAfter(s, p, splitParagraph(p, i))
			}
		}
	}
}

// lineOf is the text of a one-line paragraph, else nil.
func lineOf(c ast.Node, src []byte) []byte {
	p, ok := c.(*ast.Paragraph)
	if !ok || p.Lines().Len() != 1 {
		return nil
	}
	seg := p.Lines().At(0)
	return bytes.TrimSpace(seg.Value(src))
}

// wrapClassBlocks moves the blocks between a ".name[" paragraph and its
// "]" paragraph into a <div class="name">.
func wrapClassBlocks(s *slideNode, src []byte) {
	var stack []*remarkClass
	parent := func() ast.Node {
		if len(stack) > 0 {
			return stack[len(stack)-1]
		}
		return s
	}
	for c := s.FirstChild(); c != nil; {
		next := c.NextSibling()
		if _, ok := c.(*notesNode); ok {
			break
		}
		ln := lineOf(c, src)
		switch m := classOpenRe.FindSubmatch(ln); {
		case m != nil:
			w := &remarkClass{class: string(m[1])}
			s.RemoveChild(s, c)
			from, to := blockLines(c, src)
			s.podium.dropWarn(classWarning(string(m[1])), from, to)
			if len(stack) > 0 {
				parent().AppendChild(parent(), w)
			} else if next != nil {
				s.InsertBefore(s, next, w)
			} else {
				s.AppendChild(s, w)
			}
			stack = append(stack, w)
		case string(ln) == "]" && len(stack) > 0:
			s.RemoveChild(s, c)
			s.podium.drop(blockLines(c, src))
			stack = stack[:len(stack)-1]
		case len(stack) > 0:
			s.RemoveChild(s, c)
			parent().AppendChild(parent(), c)
		}
		c = next
	}
}

// wrapClassInline wraps ".name[…]" runs among the inline children of
// block b in <span class="name">, brackets matched across text nodes.
func wrapClassInline(s *slideNode, b ast.Node, src []byte) {
	for c := b.FirstChild(); c != nil; c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok {
			continue
		}
		v := t.Segment.Value(src)
		loc := classInRe.FindSubmatchIndex(v)
		if loc == nil {
			continue
		}
		// Split off the text before ".name[" and after "[".
		seg := t.Segment
		before := ast.NewTextSegment(seg.WithStop(seg.Start + loc[0]))
		after := ast.NewTextSegment(seg.WithStart(seg.Start + loc[1]))
		after.SetSoftLineBreak(t.SoftLineBreak())
		after.SetHardLineBreak(t.HardLineBreak())
		w := &remarkClass{class: string(v[loc[2]:loc[3]]), inline: true}
		s.podium.dropWarn(classWarning(string(v[loc[2]:loc[3]])), seg.Start+loc[0], seg.Start+loc[1])
		if in := seg.Start + loc[1]; in < len(src) && strings.IndexByte("*-+#>=_~`", src[in]) >= 0 && classesBeforeRe.Match(src[lineStart(src, seg.Start+loc[0]):seg.Start+loc[0]]) {
			// Without its opener, "* text" would start a list.
			s.podium.replace(in, in, "\\")
		}
		b.InsertBefore(b, t, before)
		b.InsertBefore(b, t, w)
		b.InsertBefore(b, t, after)
		b.RemoveChild(b, t)
		// Move nodes into w up to the "]" that closes it.
		depth := 0
		for n := ast.Node(after); n != nil; {
			nx := n.NextSibling()
			if tn, ok := n.(*ast.Text); ok {
				tv := tn.Segment.Value(src)
				end := -1
				for i, ch := range tv {
					if ch == '[' {
						depth++
					} else if ch == ']' {
						if depth == 0 {
							end = i
							break
						}
						depth--
					}
				}
				if end >= 0 {
					ts := tn.Segment
					in := ast.NewTextSegment(ts.WithStop(ts.Start + end))
					rest := ast.NewTextSegment(ts.WithStart(ts.Start + end + 1))
					rest.SetSoftLineBreak(tn.SoftLineBreak())
					rest.SetHardLineBreak(tn.HardLineBreak())
					b.InsertAfter(b, tn, rest)
					b.RemoveChild(b, tn)
					s.podium.drop(ts.Start+end, ts.Start+end+1)
					w.AppendChild(w, in)
					break
				}
			}
			b.RemoveChild(b, n)
			w.AppendChild(w, n)
			n = nx
		}
		wrapClassInline(s, w, src)
		c = w
	}
}

type remarkClassRenderer struct{}

func (remarkClassRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindRemarkClass, renderRemarkClass)
}

func renderRemarkClass(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*remarkClass)
	tag := "div"
	if n.inline {
		tag = "span"
	}
	if entering {
		_, _ = w.WriteString("<" + tag + ` class="`)
		escape(w, n.class)
		_ = w.WriteByte('"')
		html.RenderAttributes(w, n, html.GlobalAttributeFilter)
		_ = w.WriteByte('>')
		if !n.inline {
			_ = w.WriteByte('\n')
		}
	} else {
		_, _ = w.WriteString("</" + tag + ">")
		if !n.inline {
			_ = w.WriteByte('\n')
		}
	}
	return ast.WalkContinue, nil
}
