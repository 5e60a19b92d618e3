package deck

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// alerts are GitHub's alerts: a block quote whose first line is [!NOTE],
// [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION] becomes a call-out box
// with that title, rendered with GitHub's class names
// (markdown-alert markdown-alert-note) so a stylesheet written for
// GitHub's output fits too. Any other block quote stays one.
type alerts struct{}

func (alerts) Extend(md goldmark.Markdown) {
	md.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(alerts{}, 90)))
	md.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(alerts{}, 100)))
}

// alertKinds maps the marker to its class suffix and title.
var alertKinds = map[string][2]string{
	"NOTE":      {"note", "Note"},
	"TIP":       {"tip", "Tip"},
	"IMPORTANT": {"important", "Important"},
	"WARNING":   {"warning", "Warning"},
	"CAUTION":   {"caution", "Caution"},
}

// alert is a block quote turned call-out.
type alert struct {
	ast.BaseBlock
	class, title string
}

var kindAlert = ast.NewNodeKind("PodiumAlert")

func (n *alert) Kind() ast.NodeKind { return kindAlert }
func (n *alert) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"class": n.class}, nil)
}

func (alerts) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if q, ok := n.(*ast.Blockquote); ok && entering {
			quotes = append(quotes, q)
		}
		return ast.WalkContinue, nil
	})
	for _, q := range quotes {
		p, ok := q.FirstChild().(*ast.Paragraph)
		if !ok || p.Lines().Len() == 0 {
			continue
		}
		first := p.Lines().At(0)
		marker := bytes.TrimSpace(first.Value(src))
		if len(marker) < 4 || marker[0] != '[' || marker[1] != '!' || marker[len(marker)-1] != ']' {
			continue
		}
		kind, ok := alertKinds[string(bytes.ToUpper(marker[2:len(marker)-1]))]
		if !ok {
			continue
		}
		// Drop the marker line's inline nodes; the rest of the paragraph
		// is the alert's first paragraph.
		for c := p.FirstChild(); c != nil; {
			next := c.NextSibling()
			t, ok := c.(*ast.Text)
			if !ok || t.Segment.Start >= first.Stop {
				break
			}
			p.RemoveChild(p, c)
			c = next
		}
		a := &alert{class: kind[0], title: kind[1]}
		for c := q.FirstChild(); c != nil; {
			next := c.NextSibling()
			if c == p && !p.HasChildren() {
				q.RemoveChild(q, c)
			} else {
				a.AppendChild(a, c)
			}
			c = next
		}
		a.SetPos(q.Pos())
		q.Parent().ReplaceChild(q.Parent(), q, a)
	}
}

func (alerts) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindAlert, renderAlert)
}

func renderAlert(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*alert)
	if !entering {
		_, _ = w.WriteString("</div>\n")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<div class="markdown-alert markdown-alert-`)
	_, _ = w.WriteString(n.class)
	_ = w.WriteByte('"')
	html.RenderAttributes(w, n, html.GlobalAttributeFilter)
	_, _ = w.WriteString(`><p class="markdown-alert-title">`)
	_, _ = w.WriteString(n.title)
	_, _ = w.WriteString("</p>\n")
	return ast.WalkContinue, nil
}
