package deck

import (
	"errors"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configure a [Loader].
type Options struct {
	// Diagram renders the source of a ```mermaid block to SVG for a theme
	// ("light" or "dark"). Laying out a diagram's text needs a browser,
	// so the package leaves it to its caller (podium's server runs a
	// headless Chromium). An error wrapping [ErrNoDiagrams] says no
	// renderer is available: the block is then left for the page to
	// draw. Any other error is a problem at the block's line. Nil means
	// no renderer. It is called from several goroutines at once.
	Diagram func(src, theme string) (svg string, err error)
	// Dialect is the Markdown dialect to read the deck as; "" detects it
	// from the first chapter file (see [DetectDialect]).
	Dialect Dialect
	// File makes the deck one file of the folder (podium FILE): the only
	// chapter, whatever its name ends in, the folder's other files being
	// its assets. A ".slide" file is read as Go present, a ".html" file as
	// a remark page (its <textarea id="source">), any other as Markdown.
	// Empty: every *.md file of the folder is a chapter.
	File string
}

// ErrNoDiagrams is what Options.Diagram returns, wrapped, when it cannot
// render diagrams at all (no browser on this machine).
var ErrNoDiagrams = errors.New("no diagram renderer")

// diagramThemes are the themes a diagram is rendered for. A slide holds
// one SVG for each, in a <div class="diagram-THEME">; the theme's CSS
// shows the one that matches it.
var diagramThemes = [...]string{"light", "dark"}

// MaxDiagram is the longest diagram source rendered (in bytes).
const MaxDiagram = 50_000

// diagrams turns ```mermaid fences into diagram nodes: SVGs rendered by
// Options.Diagram, or, without a renderer, the source in a
// <pre class="mermaid"> for the page to draw with Mermaid itself.
type diagrams struct {
	render func(src, theme string) (string, error)
}

func (d diagrams) Extend(md goldmark.Markdown) {
	// Before the code transformer (100) turns fences into code blocks.
	md.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(d, 91)))
	md.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(d, 100)))
}

// diagram is one ```mermaid block.
type diagram struct {
	ast.BaseBlock
	src  string
	svgs []string // one per diagramThemes; nil: drawn by the page
}

var kindDiagram = ast.NewNodeKind("PodiumDiagram")

func (n *diagram) Kind() ast.NodeKind { return kindDiagram }
func (n *diagram) IsRaw() bool        { return true }
func (n *diagram) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"src": n.src}, nil)
}

func (d diagrams) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	fences := fencesOf(doc, src, "mermaid")
	cs := chapterOf(pc)
	for _, f := range fences {
		code, _ := linesText(f, src)
		n := &diagram{src: code}
		n.SetPos(f.Pos())
		f.Parent().ReplaceChild(f.Parent(), f, n)
		switch {
		case strings.TrimSpace(code) == "":
			if cs != nil {
				cs.problem(f.Info.Segment.Start, "empty mermaid diagram")
			}
			continue
		case len(code) > MaxDiagram:
			if cs != nil {
				cs.problem(f.Info.Segment.Start, "mermaid diagram too long: %d bytes (limit %d)", len(code), MaxDiagram)
			}
			continue
		case d.render == nil:
			continue
		}
		for _, theme := range diagramThemes {
			svg, err := d.render(code, theme)
			if errors.Is(err, ErrNoDiagrams) {
				n.svgs = nil
				break
			}
			if err != nil {
				if cs != nil {
					cs.problem(f.Info.Segment.Start, "mermaid: %v", err)
				}
				n.svgs = nil
				break
			}
			n.svgs = append(n.svgs, svg)
		}
	}
}

func (d diagrams) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindDiagram, renderDiagram)
}

func renderDiagram(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*diagram)
	_, _ = w.WriteString(`<figure class="diagram"`)
	html.RenderAttributes(w, n, html.GlobalAttributeFilter)
	_ = w.WriteByte('>')
	if n.svgs == nil {
		// Drawn by the page: web/view.js loads the vendored Mermaid only
		// when a slide has one of these.
		_, _ = w.WriteString(`<pre class="mermaid">`)
		escape(w, n.src)
		_, _ = w.WriteString(`</pre>`)
	}
	for i, svg := range n.svgs {
		_, _ = w.WriteString(`<div class="diagram-` + diagramThemes[i] + `">`)
		_, _ = w.WriteString(svg)
		_, _ = w.WriteString(`</div>`)
	}
	_, _ = w.WriteString("</figure>\n")
	return ast.WalkSkipChildren, nil
}
