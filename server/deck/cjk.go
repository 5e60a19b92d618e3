package deck

import (
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// cjk is the goldmark extension for Chinese and Japanese text: "\ "
// escapes a space that renders as nothing (goldmark's CJK extension), and
// a soft line break between two East Asian wide characters renders as
// nothing, so Chinese wrapped in the source reads without stray spaces.
type cjk struct{}

func (cjk) Extend(m goldmark.Markdown) {
	extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksSimple), extension.WithEscapedSpace()).Extend(m)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(&textRenderer{w: html.NewWriter(html.WithEscapedSpace())}, 100)))
}

// textRenderer is goldmark's text renderer with a CJK-aware soft line
// break: the break is dropped only when the characters on both sides of it
// are East Asian wide, while English keeps its spaces. (goldmark's own
// EastAsianLineBreaks option looks only at a plain-text sibling, so it
// drops the space before a link or emphasis: "see\n[link](x)" would render
// "see<a…".)
type textRenderer struct{ w html.Writer }

func (r *textRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindText, r.renderText)
}

func (r *textRenderer) renderText(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Text)
	value := n.Segment.Value(source)
	if n.IsRaw() {
		r.w.RawWrite(w, value)
	} else {
		r.w.Write(w, value)
	}
	switch {
	case n.HardLineBreak():
		_, _ = w.WriteString("<br>\n")
	case n.SoftLineBreak():
		before, ok1 := edgeRune(n, source, false)
		after, ok2 := edgeRune(n, source, true)
		if !ok1 || !ok2 || !wide(before) || !wide(after) {
			_ = w.WriteByte('\n')
		}
	}
	return ast.WalkContinue, nil
}

// wide reports whether r is an East Asian wide or fullwidth character
// (CJK ideographs, kana, fullwidth punctuation such as "，" and "。").
func wide(r rune) bool {
	w := util.EastAsianWidth(r)
	return w == "W" || w == "F"
}

// edgeRune finds the text rune just before the end of n (after=false) or
// just after it (after=true), looking through inline markup within the
// same block.
func edgeRune(n ast.Node, src []byte, after bool) (rune, bool) {
	if !after {
		if t, ok := n.(*ast.Text); ok && t.Segment.Len() > 0 {
			v := t.Segment.Value(src)
			r, _ := utf8.DecodeLastRune(v)
			return r, true
		}
	}
	for cur := n; cur != nil && cur.Type() == ast.TypeInline; cur = cur.Parent() {
		sib := cur.PreviousSibling()
		if after {
			sib = cur.NextSibling()
		}
		for ; sib != nil; sib = step(sib, after) {
			if r, ok := leafRune(sib, src, after); ok {
				return r, true
			}
		}
	}
	return 0, false
}

func step(n ast.Node, after bool) ast.Node {
	if after {
		return n.NextSibling()
	}
	return n.PreviousSibling()
}

// leafRune is the first (after) or last (!after) text rune inside n.
func leafRune(n ast.Node, src []byte, after bool) (rune, bool) {
	var v []byte
	switch t := n.(type) {
	case *ast.Text:
		v = t.Segment.Value(src)
	case *ast.String:
		v = t.Value
	case *ast.RawHTML:
		return 0, false
	default:
		c := n.FirstChild()
		if !after {
			c = n.LastChild()
		}
		for ; c != nil; c = step(c, after) {
			if r, ok := leafRune(c, src, after); ok {
				return r, true
			}
		}
		return 0, false
	}
	if len(v) == 0 {
		return 0, false
	}
	if after {
		r, _ := utf8.DecodeRune(v)
		return r, true
	}
	r, _ := utf8.DecodeLastRune(v)
	return r, true
}
