package deck

import (
	"strconv"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// footnotes are GitHub's footnotes ([^1] and "[^1]: text"), parsed and
// rendered by goldmark's footnote extension, numbered within the slide and
// listed at the slide's foot, not at the end of each pause segment: the
// transformer here takes each segment's list out of its document, and
// [engine.slide] writes the slide's lists as one, after the last segment.
// A footnote is revealed with the step that reveals its first reference.
//
// Notes are a document of their own, so a reference on the slide never
// finds a definition in the notes: a footnote written in the notes stays
// in the notes.
//
// Every id a footnote renders starts with the slide's prefix (fnPrefix),
// so that two slides' "fn:1" do not clash on the one page that shows them.
type footnotes struct{}

// fnPrefixAttr carries a document's footnote id prefix from the
// transformer to goldmark's footnote renderer, which asks for it by node.
var fnPrefixAttr = []byte("podium-fn-prefix")

func (footnotes) Extend(md goldmark.Markdown) {
	extension.NewFootnote(extension.WithFootnoteIDPrefixFunction(fnPrefix)).Extend(md)
	// After goldmark's footnote transformer (999) has built the list.
	md.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(footnotes{}, 1000)))
}

func fnPrefix(n ast.Node) []byte {
	if d := n.OwnerDocument(); d != nil {
		if v, ok := d.Attribute(fnPrefixAttr); ok {
			if b, ok := v.([]byte); ok {
				return b
			}
		}
	}
	return nil
}

// footnoteList is one segment's footnotes, with the source they were
// parsed from, to be rendered at the slide's foot.
type footnoteList struct {
	list *east.FootnoteList
	src  []byte
}

func (footnotes) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st := state(pc)
	if st == nil {
		return
	}
	doc.SetAttribute(fnPrefixAttr, []byte(st.fnPrefix))
	list, ok := doc.LastChild().(*east.FootnoteList)
	if !ok {
		return
	}
	// Number on from the slide's earlier segments; reveal each footnote
	// with its first reference.
	base := st.fnCount
	revealed := map[int]int{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *east.FootnoteLink:
			if _, ok := revealed[n.Index]; !ok {
				revealed[n.Index] = stepOf(n)
			}
			n.Index += base
		case *east.FootnoteBacklink:
			n.Index += base
		}
		return ast.WalkContinue, nil
	})
	count := 0
	for c := list.FirstChild(); c != nil; c = c.NextSibling() {
		fn := c.(*east.Footnote)
		if s := revealed[fn.Index]; s > 0 && !st.notes {
			fn.SetAttributeString("data-step", []byte(strconv.Itoa(s)))
		}
		fn.Index += base
		count++
	}
	st.fnCount += count
	doc.RemoveChild(doc, list)
	// The list keeps a document of its own, for fnPrefix.
	own := ast.NewDocument()
	own.SetAttribute(fnPrefixAttr, []byte(st.fnPrefix))
	own.AppendChild(own, list)
	st.footnotes = append(st.footnotes, footnoteList{list, reader.Source()})
}

// stepOf is the step that reveals n: the largest data-step around it.
func stepOf(n ast.Node) int {
	step := 0
	for p := n; p != nil; p = p.Parent() {
		if v, ok := p.AttributeString("data-step"); ok {
			if b, ok := v.([]byte); ok {
				if s, _ := strconv.Atoi(string(b)); s > step {
					step = s
				}
			}
		}
	}
	return step
}

// renderFootnotes writes the footnotes gathered from a slide's segments
// (or its notes) as one list, and forgets them.
func (e *engine) renderFootnotes(md goldmark.Markdown, st *renderState, w bufWriter) {
	if len(st.footnotes) == 0 {
		return
	}
	_, _ = w.WriteString(`<section class="footnotes" role="doc-endnotes">` + "\n<ol>\n")
	for _, fl := range st.footnotes {
		for c := fl.list.FirstChild(); c != nil; c = c.NextSibling() {
			if err := md.Renderer().Render(w, fl.src, c); err != nil {
				st.problem(0, "render: %v", err)
			}
		}
	}
	_, _ = w.WriteString("</ol>\n</section>\n")
	st.footnotes, st.fnCount = nil, 0
}
