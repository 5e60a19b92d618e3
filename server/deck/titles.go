package deck

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// titling is the goldmark extension that finds a slide's title for the
// overview, go-to search and the presenter: the text of its first
// heading, else its first line of text.
type titling struct{}

func (titling) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(titlesTransformer{}, 400)))
}

type titlesTransformer struct{}

func (titlesTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	if chapterOf(pc) == nil {
		return
	}
	src := reader.Source()
	eachSlide(doc, func(s *slideNode) {
		walkSlide(s, func(n ast.Node, notes bool) ast.WalkStatus {
			if h, ok := n.(*ast.Heading); ok && !notes {
				s.heading = strings.Join(strings.Fields(plainText(h, src)), " ")
				return ast.WalkStop
			}
			return ast.WalkContinue
		})
		if s.heading == "" {
			s.text = firstLine(s, src)
		}
	})
}

// plainText is the text of an inline container, markup dropped.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(src))
		case *mathNode:
			b.WriteString(c.tex) // "Euler e^{i\pi}+1=0", not "Euler"
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// firstLine is the first non-blank line of text of a slide's body.
func firstLine(doc ast.Node, src []byte) string {
	found := ""
	_ = ast.Walk(doc, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var t string
		switch c := c.(type) {
		case *codeBlock:
			if c.hidden {
				return ast.WalkSkipChildren, nil
			}
			t = string(c.code)
		case *ast.HTMLBlock, *notesNode:
			return ast.WalkSkipChildren, nil
		case *slideNode:
			return ast.WalkContinue, nil
		default:
			if c.Type() != ast.TypeBlock || c.HasChildren() && c.FirstChild().Type() == ast.TypeBlock {
				return ast.WalkContinue, nil
			}
			t = plainText(c, src)
		}
		for _, l := range strings.Split(t, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				found = l
				return ast.WalkStop, nil
			}
		}
		return ast.WalkSkipChildren, nil
	})
	return clip(found, 60)
}
