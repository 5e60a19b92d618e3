package deck

import (
	"strconv"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// steps is the goldmark extension for incremental reveal: its transformer
// numbers a slide's steps in document order (the blocks after a pause,
// items of "*" and "1)" lists, code highlight sets after the first) and
// marks what each step reveals with data-step="N"; its renderer writes
// the wrapper a raw HTML block needs to carry the attribute.
type steps struct{}

func (steps) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(stepsTransformer{}, 200)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(stepBlockRenderer{}, 100)))
}

type stepsTransformer struct{}

func (stepsTransformer) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	st := state(pc)
	if st == nil || st.notes {
		return
	}
	if st.segStep == -1 && doc.HasChildren() {
		st.step++
		st.segStep = st.step
	}
	if st.segStep > 0 {
		for c := doc.FirstChild(); c != nil; {
			next := c.NextSibling()
			setStep(c, st.segStep)
			c = next
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.ListItem:
			if l, ok := n.Parent().(*ast.List); ok && (l.Marker == '*' || l.Marker == ')') {
				st.step++
				n.SetAttributeString("data-step", []byte(strconv.Itoa(st.step)))
			}
		case *codeBlock:
			if n.spec == "" {
				break
			}
			// The first set is active from the step that shows the block.
			visible := n.step
			for p := n.Parent(); p != nil; p = p.Parent() {
				if v, ok := p.AttributeString("data-step"); ok {
					if s, _ := strconv.Atoi(string(v.([]byte))); s > visible {
						visible = s
					}
				}
			}
			n.at = []int{visible}
			for range n.sets[1:] {
				st.step++
				n.at = append(n.at, st.step)
			}
		}
		return ast.WalkContinue, nil
	})
}

// setStep makes the top-level block c appear at step s.
func setStep(c ast.Node, s int) {
	switch n := c.(type) {
	case *ast.LinkReferenceDefinition:
		// Renders nothing.
	case *codeBlock:
		n.step = s
	case *ast.HTMLBlock:
		// The HTML block renderer writes no attributes: wrap it.
		w := &stepBlock{}
		p := c.Parent()
		p.ReplaceChild(p, c, w)
		w.AppendChild(w, c)
		w.SetAttributeString("data-step", []byte(strconv.Itoa(s)))
	default:
		c.SetAttributeString("data-step", []byte(strconv.Itoa(s)))
	}
}

// stepBlock wraps a top-level block whose renderer writes no attributes.
type stepBlock struct{ ast.BaseBlock }

var kindStepBlock = ast.NewNodeKind("PodiumStepBlock")

func (n *stepBlock) Kind() ast.NodeKind { return kindStepBlock }
func (n *stepBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, nil, nil)
}

type stepBlockRenderer struct{}

func (stepBlockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindStepBlock, renderStepBlock)
}

func renderStepBlock(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<div")
		html.RenderAttributes(w, n, html.GlobalAttributeFilter)
		_, _ = w.WriteString(">\n")
	} else {
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}
