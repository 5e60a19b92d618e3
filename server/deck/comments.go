package deck

import (
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// comments is the goldmark extension that keeps HTML comments off the
// page in every dialect: with raw HTML allowed (html: true), HTML blocks
// and inline HTML are written without their comments, which in other
// tools' decks hold speaker notes and directives, and in any deck may
// hold what its author wrote for no audience. (Without raw HTML, goldmark
// omits them anyway.) It also renders speaker notes written as comments
// (commentNote, Marp's and Slidev's) for the presenter: their text,
// escaped, a paragraph per blank-line-separated block.
type comments struct{ unsafe bool }

func (c comments) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(c, 100)))
}

func (c comments) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindCommentNote, renderCommentNote)
	if c.unsafe {
		reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
		reg.Register(ast.KindRawHTML, renderRawHTML)
	}
}

func renderCommentNote(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	for _, para := range strings.Split(node.(*commentNote).text, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			_, _ = w.WriteString("<p>")
			_, _ = w.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>\n"))
			_, _ = w.WriteString("</p>\n")
		}
	}
	return ast.WalkContinue, nil
}

func renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	out := stripComments(rawHTML(node, src))
	if len(bytes.TrimSpace(out)) > 0 {
		_, _ = w.Write(out)
	}
	return ast.WalkContinue, nil
}

func renderRawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.Write(stripComments(rawHTML(node, src)))
	return ast.WalkSkipChildren, nil
}

// stripComments drops every "<!-- … -->" from raw HTML, and everything
// after a "<!--" that is never closed (a browser would not show it either).
func stripComments(h []byte) []byte {
	i := bytes.Index(h, []byte("<!--"))
	if i < 0 {
		return h
	}
	out := make([]byte, 0, len(h))
	for i >= 0 {
		out = append(out, h[:i]...)
		h = h[i+4:]
		j := bytes.Index(h, []byte("-->"))
		if j < 0 {
			return out
		}
		h = h[j+3:]
		i = bytes.Index(h, []byte("<!--"))
	}
	return append(out, h...)
}
