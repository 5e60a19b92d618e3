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
// numbers each slide's steps in document order (the blocks after a pause,
// items of "*" and "1)" lists, code highlight sets after the first;
// nothing in the notes, nothing on a slide with "steps: false") and
// marks what each step reveals with data-step="N"; its renderer writes
// the wrapper a raw HTML block needs to carry the attribute.
type steps struct{}

func (steps) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(stepsTransformer{}, 200)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(stepBlockRenderer{}, 100)))
}

type stepsTransformer struct{}

func (stepsTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	cs := chapterOf(pc)
	if cs == nil {
		return
	}
	eachSlide(doc, func(s *slideNode) {
		if !s.settings.noSteps {
			var clicks *clickRegions
			if cs.dia.Dialect == DialectSlidev {
				clicks = &clickRegions{cs: cs, s: s, src: reader.Source(), done: map[ast.Node]bool{}}
				if s.from != nil {
					clicks.src = s.from.src
				}
			}
			// "*" and "1)" lists step in podium's and Marp's dialects only.
			s.number(clicks, !cs.dia.foreign() || cs.dia.Dialect == DialectMarp)
		}
	})
}

// number numbers the slide's steps, in document order; clicks reads
// Slidev's v-click blocks (foreign.go), nil in other dialects.
func (s *slideNode) number(clicks *clickRegions, starLists bool) {
	segStep, paused := 0, false
	for c := s.FirstChild(); c != nil; {
		next := c.NextSibling()
		switch c.(type) {
		case *pauseNode:
			paused = true
			c = next
			continue
		case *notesNode:
			return
		}
		if clicks != nil {
			var skip bool
			if c, segStep, skip = clicks.block(c, segStep); skip {
				c = next
				continue
			}
		}
		if paused {
			s.steps++
			segStep, paused = s.steps, false
		}
		if segStep > 0 {
			c = setStep(c, segStep)
		}
		_ = ast.Walk(c, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n := n.(type) {
			case *ast.RawHTML, *ast.HTMLBlock:
				clicks.inline(n, segStep)
			case *ast.ListItem:
				_, fragment := n.AttributeString("data-fragment")
				if fragment {
					n.RemoveAttributes()
				}
				if l, ok := n.Parent().(*ast.List); ok && (starLists && (l.Marker == '*' || l.Marker == ')') || clicks.listed() || fragment) {
					s.steps++
					n.SetAttributeString("data-step", []byte(strconv.Itoa(s.steps)))
				}
			case *codeBlock:
				if n.spec == "" {
					break
				}
				// The first set is active from the step that shows the block.
				visible := n.step
				for p := n.Parent(); p != nil; p = p.Parent() {
					if v, ok := p.AttributeString("data-step"); ok {
						if st, _ := strconv.Atoi(string(v.([]byte))); st > visible {
							visible = st
						}
					}
				}
				n.at = []int{visible}
				for range n.sets[1:] {
					s.steps++
					n.at = append(n.at, s.steps)
				}
			}
			return ast.WalkContinue, nil
		})
		c = next
	}
}

// setStep makes the top-level block c appear at step s; it returns the
// node now in c's place.
func setStep(c ast.Node, s int) ast.Node {
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
		return w
	default:
		c.SetAttributeString("data-step", []byte(strconv.Itoa(s)))
	}
	return c
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
