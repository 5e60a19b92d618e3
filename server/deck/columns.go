package deck

import (
	"bytes"
	"regexp"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// columns is the goldmark extension of the two-cols layout's column
// markers, Slidev's: a top-level line that is exactly "::left::" or
// "::right::". Its block parser takes the marker lines (they may follow a
// paragraph line directly); its transformer, which runs after steps are
// numbered, groups the slide's blocks:
//
//	<h2>…</h2>                     blocks before "::left::", or, without
//	                               one, the headings the slide opens with
//	<div class="cols">
//	<div class="col col-left">…    up to "::right::"
//	<div class="col col-right">…   the rest of the slide, notes aside
//
// A slide with a marker and no layout of its own gets "two-cols".
type columns struct{}

func (columns) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(columnMarkerParser{}, 140)),
		parser.WithASTTransformers(util.Prioritized(columnsTransformer{}, 210)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(columnsRenderer{}, 100)))
}

// columnMarker is a "::left::" or "::right::" line, or in a Slidev deck
// another slot's marker ("::default::", "::top::"), which podium has no
// place for: its blocks stay where they are, the marker shows nothing
// and is a warning.
type columnMarker struct {
	ast.BaseBlock
	right bool
	slot  string // the other slot's name; "" for left and right
}

// columnBox is the group of the slide's columns (cols) or one column.
type columnBox struct {
	ast.BaseBlock
	class string
}

var (
	kindColumnMarker = ast.NewNodeKind("PodiumColumnMarker")
	kindColumnBox    = ast.NewNodeKind("PodiumColumnBox")
)

func (n *columnMarker) Kind() ast.NodeKind { return kindColumnMarker }
func (n *columnBox) Kind() ast.NodeKind    { return kindColumnBox }
func (n *columnMarker) IsRaw() bool        { return true }
func (n *columnMarker) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, nil, nil)
}
func (n *columnBox) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"class": n.class}, nil)
}

// markerSide reads a column marker line: "::left::" or "::right::" and
// blanks.
func markerSide(line []byte) (right, ok bool) {
	switch string(bytes.TrimSpace(line)) {
	case "::left::":
		return false, true
	case "::right::":
		return true, true
	}
	return false, false
}

// slotRe is a Slidev slot marker line: "::name::".
var slotRe = regexp.MustCompile(`^::([A-Za-z][A-Za-z0-9_-]*)::[ \t]*\r?\n?$`)

type columnMarkerParser struct{}

func (columnMarkerParser) Trigger() []byte { return []byte{':'} }

func (columnMarkerParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	if chapterOf(pc) == nil || parent.Kind() != ast.KindDocument || seg.Padding != 0 {
		return nil, parser.NoChildren
	}
	right, ok := markerSide(line)
	if !ok {
		cs := chapterOf(pc)
		m := slotRe.FindSubmatch(line)
		if m == nil || cs.dia.Dialect != DialectSlidev {
			return nil, parser.NoChildren
		}
		cs.fm.warn(cs.lines.line(seg.Start), "Slidev slot %q: podium has no such place (only ::left:: and ::right:: columns): its content stays in the slide's flow", "::"+string(m[1])+"::")
		consumeLine(reader)
		return &columnMarker{slot: string(m[1])}, parser.NoChildren
	}
	consumeLine(reader)
	return &columnMarker{right: right}, parser.NoChildren
}

func (columnMarkerParser) Continue(ast.Node, text.Reader, parser.Context) parser.State {
	return parser.Close
}
func (columnMarkerParser) Close(ast.Node, text.Reader, parser.Context) {}
func (columnMarkerParser) CanInterruptParagraph() bool                 { return true }
func (columnMarkerParser) CanAcceptIndentedLine() bool                 { return false }

type columnsTransformer struct{}

func (columnsTransformer) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	if chapterOf(pc) == nil {
		return
	}
	eachSlide(doc, func(s *slideNode) { s.columns() })
}

// columns groups the slide's blocks into columns at its markers.
func (s *slideNode) columns() {
	var left *columnMarker
	found := false
	for c := s.FirstChild(); c != nil && c != ast.Node(s.notes); c = c.NextSibling() {
		if m, ok := c.(*columnMarker); ok && m.slot == "" {
			found = true
			if !m.right && left == nil {
				left = m
			}
		}
	}
	if !found {
		return
	}
	if s.settings.layout == "" {
		s.settings.layout = "two-cols"
	}
	// The header: what comes before "::left::", or the opening headings.
	first := s.FirstChild()
	if left != nil {
		first = left
	} else {
		for first != nil && first.Kind() == ast.KindHeading {
			first = first.NextSibling()
		}
	}
	cols := &columnBox{class: "cols"}
	col := &columnBox{class: "col col-left"}
	cols.AppendChild(cols, col)
	if first != nil {
		s.InsertBefore(s, first, cols)
	} else {
		s.AppendChild(s, cols)
	}
	for c := cols.NextSibling(); c != nil && c != ast.Node(s.notes); {
		next := c.NextSibling()
		s.RemoveChild(s, c)
		if m, ok := c.(*columnMarker); ok {
			if m.right && col.class != "col col-right" {
				col = &columnBox{class: "col col-right"}
				cols.AppendChild(cols, col)
			}
		} else {
			col.AppendChild(col, c)
		}
		c = next
	}
	if cols.ChildCount() == 1 {
		// "::left::" alone: an empty right column keeps the grid.
		cols.AppendChild(cols, &columnBox{class: "col col-right"})
	}
}

type columnsRenderer struct{}

func (columnsRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindColumnMarker, func(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
		return ast.WalkSkipChildren, nil // a marker left in the notes
	})
	reg.Register(kindColumnBox, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString(`<div class="`)
			_, _ = w.WriteString(n.(*columnBox).class)
			_, _ = w.WriteString("\">\n")
		} else {
			_, _ = w.WriteString("</div>\n")
		}
		return ast.WalkContinue, nil
	})
}
