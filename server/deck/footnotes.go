package deck

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// footnotes are GitHub's footnotes ([^1] and "[^1]: text"), parsed and
// rendered by goldmark's footnote parsers and renderer, but scoped to a
// part of a slide: its body, or its notes. goldmark resolves references
// across the whole document, which is the whole chapter here, and lists
// every footnote at its end; footnoteScoper instead gives each part the
// definitions written in it, numbered from 1 in the order of their first
// reference there, listed at the part's foot. A reference with no
// definition in its own part is left as the text it was, so a footnote
// written in the notes never reaches the slide's HTML, and a reference on
// the slide never reveals a definition from the notes.
//
// Every id a footnote renders starts with its slide's prefix (fnPrefix),
// so that two slides' "fn:1" do not clash on the one page that shows
// them. The prefix hashes the slide's body only: the slide's HTML must not
// change, nor tell anything, when only its notes do. A body footnote is
// revealed with the step that reveals its first reference.
type footnotes struct{}

func (footnotes) Extend(md goldmark.Markdown) {
	md.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(extension.NewFootnoteBlockParser(), 999)),
		parser.WithInlineParsers(util.Prioritized(extension.NewFootnoteParser(), 101)),
		// Right after the slides are found (10), before steps (200) could
		// number the list items of definitions; footnoteSteps after them.
		parser.WithASTTransformers(
			util.Prioritized(footnoteScoper{}, 11),
			util.Prioritized(footnoteSteps{}, 250),
		),
	)
	md.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(extension.NewFootnoteHTMLRenderer(extension.WithFootnoteIDPrefixFunction(fnPrefix)), 500),
		util.Prioritized(footnoteListRenderer{}, 100),
	))
}

// fnPrefix is the id prefix of a footnote node: its slide's, with an "n"
// before it in the notes.
func fnPrefix(n ast.Node) []byte {
	notes := false
	for p := n; p != nil; p = p.Parent() {
		switch p := p.(type) {
		case *notesNode:
			notes = true
		case *slideNode:
			if notes {
				return []byte("n" + p.fnPrefix)
			}
			return []byte(p.fnPrefix)
		}
	}
	return nil
}

// footnotePart is one slide's body or notes, and the footnotes it has.
type footnotePart struct {
	slide *slideNode
	notes bool
	defs  []*east.Footnote // defined here, in source order
	list  *east.FootnoteList
}

type footnoteScoper struct{}

func (footnoteScoper) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	if chapterOf(pc) == nil {
		return
	}
	src := reader.Source()
	var lists []*east.FootnoteList
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*east.FootnoteList); ok && entering {
			lists = append(lists, l)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	var slides []*slideNode
	eachSlide(doc, func(s *slideNode) {
		slides = append(slides, s)
		end := s.end
		if s.notes != nil {
			if o := blockStart(s.notes); o >= 0 {
				end = o
			}
		}
		b, e := min(max(s.body, 0), len(src)), min(max(end, 0), len(src))
		h := sha256.Sum256(src[b:max(b, e)])
		s.fnPrefix = "fn" + hex.EncodeToString(h[:4]) + "-"
	})
	if len(lists) == 0 {
		return
	}
	// Every definition, to the part it is written in.
	parts := map[*slideNode]*[2]footnotePart{}
	partOf := func(s *slideNode, notes bool) *footnotePart {
		p := parts[s]
		if p == nil {
			p = &[2]footnotePart{{slide: s}, {slide: s, notes: true}}
			parts[s] = p
		}
		if notes {
			return &p[1]
		}
		return &p[0]
	}
	byIndex := map[int]*east.Footnote{}
	searchFrom := 0
	for _, l := range lists {
		l.Parent().RemoveChild(l.Parent(), l)
		for c := l.FirstChild(); c != nil; {
			next := c.NextSibling()
			l.RemoveChild(l, c)
			fn := c.(*east.Footnote)
			if fn.Index > 0 {
				byIndex[fn.Index] = fn
			}
			off := blockStart(fn)
			if off < 0 {
				// An empty definition: found by its label in the source.
				if i := bytes.Index(src[searchFrom:], append(append([]byte("[^"), fn.Ref...), "]:"...)); i >= 0 {
					off = searchFrom + i
				}
			}
			if off >= 0 {
				searchFrom = off
				if s := slideAt(slides, off); s != nil {
					notes := false
					if s.notes != nil {
						if o := blockStart(s.notes); o >= 0 && off >= o {
							notes = true
						}
					}
					p := partOf(s, notes)
					p.defs = append(p.defs, fn)
				}
			}
			c = next
		}
	}
	// Every reference, to a definition of its own part, or back to text.
	for _, s := range slides {
		var links []*east.FootnoteLink
		var inNotes []bool
		walkSlide(s, func(n ast.Node, notes bool) ast.WalkStatus {
			if l, ok := n.(*east.FootnoteLink); ok {
				links = append(links, l)
				inNotes = append(inNotes, notes)
			}
			return ast.WalkContinue
		})
		if len(links) == 0 {
			continue
		}
		numbered := [2]map[*east.Footnote]int{{}, {}}
		refs := [2]map[int][]*east.FootnoteLink{{}, {}}
		for k, l := range links {
			def := byIndex[l.Index]
			var own *east.Footnote
			pi := 0
			if inNotes[k] {
				pi = 1
			}
			if def != nil && parts[s] != nil {
				for _, d := range parts[s][pi].defs {
					if bytes.Equal(d.Ref, def.Ref) {
						own = d
						break
					}
				}
			}
			if own == nil {
				label := "[^]"
				if def != nil {
					label = "[^" + string(def.Ref) + "]"
				}
				l.Parent().ReplaceChild(l.Parent(), l, ast.NewString([]byte(label)))
				continue
			}
			num, ok := numbered[pi][own]
			if !ok {
				num = len(numbered[pi]) + 1
				numbered[pi][own] = num
			}
			l.Index = num
			refs[pi][num] = append(refs[pi][num], l)
		}
		for pi := range 2 {
			if len(numbered[pi]) == 0 {
				continue
			}
			p := &parts[s][pi]
			p.list = east.NewFootnoteList()
			ordered := make([]*east.Footnote, len(numbered[pi]))
			for d, num := range numbered[pi] {
				ordered[num-1] = d
			}
			for i, d := range ordered {
				num := i + 1
				d.Index = num
				rs := refs[pi][num]
				for ri, l := range rs {
					l.RefCount, l.RefIndex = len(rs), ri
				}
				var container ast.Node = d
				if fc := d.LastChild(); fc != nil && ast.IsParagraph(fc) {
					container = fc
				}
				for ri := range rs {
					b := east.NewFootnoteBacklink(num)
					b.RefCount, b.RefIndex = len(rs), ri
					container.AppendChild(container, b)
				}
				p.list.AppendChild(p.list, d)
				p.list.Count = num
			}
			s.footnotes[pi] = p.list
		}
	}
}

// blockStart is the source offset of n's first line, or of its first
// descendant's that has lines; -1 when none has.
func blockStart(n ast.Node) int {
	found := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || c.Type() != ast.TypeBlock {
			return ast.WalkContinue, nil
		}
		if c.Lines().Len() > 0 {
			found = c.Lines().At(0).Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

// slideAt is the slide whose source holds offset off.
func slideAt(slides []*slideNode, off int) *slideNode {
	var at *slideNode
	for _, s := range slides {
		if s.start > off && at != nil {
			break
		}
		at = s
	}
	return at
}

// footnoteSteps puts each part's footnote list at its foot, once steps
// are numbered: a body footnote gets the step of its first reference.
type footnoteSteps struct{}

func (footnoteSteps) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	if chapterOf(pc) == nil {
		return
	}
	eachSlide(doc, func(s *slideNode) {
		if l := s.footnotes[0]; l != nil {
			first := map[int]int{}
			walkSlide(s, func(n ast.Node, notes bool) ast.WalkStatus {
				if fl, ok := n.(*east.FootnoteLink); ok && !notes {
					if _, seen := first[fl.Index]; !seen {
						first[fl.Index] = stepOf(fl)
					}
				}
				return ast.WalkContinue
			})
			for c := l.FirstChild(); c != nil; c = c.NextSibling() {
				fn := c.(*east.Footnote)
				if st := first[fn.Index]; st > 0 {
					fn.SetAttributeString("data-step", []byte(strconv.Itoa(st)))
				}
			}
			if s.notes != nil {
				s.InsertBefore(s, s.notes, l)
			} else {
				s.AppendChild(s, l)
			}
		}
		if l := s.footnotes[1]; l != nil && s.notes != nil {
			s.notes.AppendChild(s.notes, l)
		}
	})
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

// footnoteListRenderer writes a part's footnotes as a section, without
// the rule goldmark draws above them (the theme draws one if it wants).
type footnoteListRenderer struct{}

func (footnoteListRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindFootnoteList, func(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString(`<section class="footnotes" role="doc-endnotes">` + "\n<ol>\n")
		} else {
			_, _ = w.WriteString("</ol>\n</section>\n")
		}
		return ast.WalkContinue, nil
	})
}
