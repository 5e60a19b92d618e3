package deck

import (
	"bytes"
	"fmt"
	"sync/atomic"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
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

// guardStat is the cost of a slide's paragraphs, kept with the rendered
// slide so that a cached slide counts towards its chapter's cost too.
type guardStat struct {
	cost  int64 // summed over the slide's paragraphs
	worst int64 // cost of the costliest one, which is
	line  int   // at this file line,
	size  int   // this many bytes long,
	marks int   // with this many markup characters
}

// guardState is the guard's view of one slide being rendered.
type guardState struct {
	budget *atomic.Int64 // the chapter's, shared by its slides rendering in parallel
	stat   guardStat
	// Where the costliest paragraph is, resolved to a line only at the
	// end (counting lines for every paragraph would be quadratic).
	src        []byte
	off, line0 int
}

// done returns the slide's guardStat.
func (g *guardState) done() guardStat {
	if g.src != nil {
		g.stat.line = g.line0 + bytes.Count(g.src[:g.off], []byte{'\n'})
		g.src = nil
	}
	return g.stat
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
	st, _ := pc.Get(stateKey).(*renderState)
	if st == nil || st.guard == nil {
		return nil
	}
	b, _ := pc.Get(guardKey).(*guardBlock)
	if b == nil || b.node != parent {
		b = &guardBlock{node: parent}
		pc.Set(guardKey, b)
		b.refused = st.guard.charge(parent, st)
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

// charge adds the cost of the paragraph n to the slide's and the chapter's
// and reports whether the chapter's budget is spent.
func (g *guardState) charge(n ast.Node, st *renderState) bool {
	lines := n.Lines()
	size, marks := 0, 0
	for i := range lines.Len() {
		s := lines.At(i)
		size += s.Len()
		for _, c := range s.Value(st.src) {
			if isGuardMark(c) {
				marks++
			}
		}
	}
	cost := int64(size) * int64(marks)
	g.stat.cost += cost
	if cost > g.stat.worst && lines.Len() > 0 {
		g.stat.worst, g.stat.size, g.stat.marks = cost, size, marks
		g.src, g.off, g.line0 = st.src, lines.At(0).Start, st.line
	}
	return g.budget.Add(-cost) < 0
}

// guardProblem is the chapter's problem when its paragraphs cost more
// than guardBudget in all, at the costliest paragraph; nil otherwise.
func guardProblem(file string, slides []rendered) *Problem {
	var total int64
	var worst guardStat
	for _, r := range slides {
		g := r.guard
		total += g.cost
		if g.worst > worst.worst {
			worst = g
		}
	}
	if total <= guardBudget {
		return nil
	}
	return &Problem{File: file, Line: worst.line, Msg: fmt.Sprintf(
		"paragraph too complex: %d bytes with %d markup characters (%s); the chapter's paragraphs total %d bytes × markup characters (limit %d): split long paragraphs with blank lines",
		worst.size, worst.marks, guardMarks, total, guardBudget)}
}
