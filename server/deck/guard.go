package deck

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Some of goldmark's inline parsers (v1.8.7) take time quadratic in the
// length of a paragraph on hostile input, and a deck may come from the
// internet:
//
//   - the link parser scans for a destination to the end of the line at
//     every "](" and for a closing ">" at every "](<" ("[a](b" × 200,000,
//     1 MB: 361 s; "[a](<b" × 170,000: 137 s);
//   - it walks every sibling after the label at every "]", looking for a
//     link inside the link text ("[" × 500,000 + "]" × 500,000: 55 s);
//   - ProcessDelimiters, which pairs "*", "_" and "~", lacks CommonMark's
//     openers_bottom bound, so every closer that finds no opener searches
//     back to the start of the paragraph ("a**b" + "c* " × 340,000: over
//     100 s; upstream issue 555, closed unfixed);
//   - linkify's e-mail scan at every "_" covers the whole run of
//     address characters (upstream issue 595).
//
// None of these can be fixed through goldmark's API without forking its
// link parser and delimiter processing (the latter is called by the core
// parser itself). guard bounds them instead: every trigger of these
// parsers costs at most the length of its paragraph, so a paragraph's
// work is at most bytes × markup characters, its cost. guard charges each
// paragraph's cost to its chapter's budget before the first trigger of
// the paragraph reaches a real parser; once the budget is spent, it turns
// the rest of the chapter's markup into text, cheaply, and the chapter is
// refused with the costliest paragraph's file:line (see finish).

// guardBudget is the cost (bytes × markup characters, summed over its
// paragraphs) a chapter may have. The realistic deck of bench_test.go
// made one chapter of 1 MB costs 4.7·10⁶, 1.6% of it; a single paragraph
// under 17 KB cannot exceed it whatever it holds. Spent on the worst
// shapes known, a chapter checks in well under a second (the budget
// cases of BenchmarkHostile; docs/benchmarks.md).
const guardBudget = 300_000_000

// guardMarks are the bytes that trigger goldmark's inline parsers with
// super-linear worst cases (links and images, autolinks and raw HTML,
// emphasis and strikethrough, code spans, linkify's "(").
const guardMarks = "[]!(<*_~`"

func isGuardMark(c byte) bool {
	switch c {
	case '[', ']', '!', '(', '<', '*', '_', '~', '`':
		return true
	}
	return false
}

// guard is the goldmark extension that installs guardParser, before every
// other inline parser.
type guard struct{}

func (guard) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(guardParser{}, 0)))
}

// guardState is the guard's view of one chapter being parsed: goldmark
// parses a chapter once, on one goroutine, so it needs no lock.
type guardState struct {
	budget int64 // what the chapter's paragraphs may still cost
	cost   int64 // summed over the chapter's paragraphs
	worst  int64 // cost of the costliest one, which
	off    int   // starts at this offset of the chapter,
	size   int   // is this many bytes long,
	marks  int   // with this many markup characters
}

// guardKey finds the paragraph being parsed (a *guardBlock) in goldmark's
// parser.Context.
var guardKey = parser.NewContextKey()

type guardBlock struct {
	node    ast.Node
	refused bool
}

// guardParser is the inline parser that runs before all others on
// guardMarks.
type guardParser struct{}

func (guardParser) Trigger() []byte { return []byte(guardMarks) }

func (guardParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	cs := chapterOf(pc)
	if cs == nil {
		return nil
	}
	b, _ := pc.Get(guardKey).(*guardBlock)
	if b == nil || b.node != parent {
		b = &guardBlock{node: parent}
		pc.Set(guardKey, b)
		b.refused = cs.guard.charge(parent, cs.src)
	}
	if !b.refused {
		return nil // on to the real parsers
	}
	// The rest of the line becomes text: one node a line, not one a mark.
	line, seg := block.PeekLine()
	n := len(line)
	if i := bytes.IndexByte(line, '\n'); i > 0 {
		n = i
	}
	n = max(n, 1)
	block.Advance(n)
	return ast.NewTextSegment(seg.WithStop(seg.Start + n))
}

// charge adds the cost of the paragraph n of src to the chapter's and
// reports whether the chapter's budget is spent.
func (g *guardState) charge(n ast.Node, src []byte) bool {
	lines := n.Lines()
	size, marks := 0, 0
	for i := range lines.Len() {
		s := lines.At(i)
		size += s.Len()
		for _, c := range s.Value(src) {
			if isGuardMark(c) {
				marks++
			}
		}
	}
	cost := int64(size) * int64(marks)
	g.cost += cost
	if cost > g.worst && lines.Len() > 0 {
		g.worst, g.size, g.marks, g.off = cost, size, marks, lines.At(0).Start
	}
	g.budget -= cost
	return g.budget < 0
}

// problem is the chapter's problem when its paragraphs cost more than
// guardBudget in all, at the costliest paragraph; nil otherwise.
func (g *guardState) problem(cs *chapterState) *Problem {
	if g.cost <= guardBudget {
		return nil
	}
	_, file := cs.files()
	return &Problem{File: file, Line: cs.lines.line(g.off), Msg: fmt.Sprintf(
		"paragraph too complex: %d bytes with %d markup characters (%s); the chapter's paragraphs total %d bytes × markup characters (limit %d): split long paragraphs with blank lines",
		g.size, g.marks, guardMarks, g.cost, guardBudget)}
}
