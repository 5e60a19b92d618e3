package deck

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"golang.org/x/net/html"
)

// clickRegions follows Slidev's click animations through a slide, in
// document order, onto podium's steps:
//
//   - an element with v-click (or a <v-click> element) appears at the next
//     step; v-click="3" at step 3, v-click="+2" two steps on,
//     v-click="[2, 4]" at step 2 (podium does not hide it again: a
//     warning); v-after at the current step; v-click.hide, which hides
//     an element, is a warning and the element stays;
//   - <v-clicks> makes the items of the lists inside it, Markdown or
//     HTML, appear one per step;
//   - an element that opens in one top-level HTML block and closes in a
//     later one makes the blocks between appear with it (a region), so
//     that its Markdown content steps with raw HTML left out too.
//
// With raw HTML allowed, the element's own tag carries data-step (its
// HTML rewritten on its tag: rawhtml.go), inline HTML (<span v-click>)
// as well as blocks. Modifiers that only choose an animation (.fade,
// .up, .none…) are podium's step reveal.
type clickRegions struct {
	cs      *chapterState
	s       *slideNode
	src     []byte
	open    []clickRegion
	done    map[ast.Node]bool // HTML already read (a top-level block, wrapped)
	first   int               // step of the last HTML read's first top-level element
	firstAt bool              // and it was given as a number (v-click="4")
}

// clickRegion is an open v-click, v-after or v-clicks element.
type clickRegion struct {
	tag   string // the closing tag's name: "div", "v-click", …
	depth int    // of nested elements of that name inside it
	prev  int    // the step before it
	list  bool   // v-clicks
}

// listed reports whether lists are stepped item by item here (v-clicks).
func (r *clickRegions) listed() bool {
	if r == nil {
		return false
	}
	for _, o := range r.open {
		if o.list {
			return true
		}
	}
	return false
}

// openTag is an element open in the HTML being read.
type openTag struct {
	name string
	step int  // its data-step; 0 none
	kind byte // 'c' a click element (v-click, v-after), 'l' v-clicks, 0 other
}

// block reads the top-level block c: it returns c (or its wrapper), the
// step of the blocks from it on, and skip when the HTML block c is done
// (it opens or closes a region, or its elements carry their own steps).
func (r *clickRegions) block(c ast.Node, seg int) (ast.Node, int, bool) {
	h, ok := c.(*ast.HTMLBlock)
	if !ok {
		return c, seg, false
	}
	r.done[c] = true
	stack, stepped, closed := r.tags(h, true)
	if closed != nil {
		seg = closed.prev // what follows the region ("</div><div v-click>" too)
	}
	// The outermost click element left open opens a region. In podium's
	// form (convert.go) a block that opens or closes one goes, its steps
	// being pauses there; an element stepped in place loses its click.
	for _, o := range stack {
		if o.kind == 0 {
			continue
		}
		r.open = append(r.open, clickRegion{tag: o.name, prev: seg, list: o.kind == 'l'})
		r.s.podium.drop(blockLines(c, r.src))
		if o.kind == 'l' {
			return c, seg, true
		}
		return c, max(o.step, seg), true
	}
	if closed != nil {
		r.s.podium.drop(blockLines(c, r.src))
		return c, seg, true
	}
	if !stepped {
		return c, seg, false
	}
	r.s.podium.dropAttrs(c, r.src)
	step := seg
	if r.firstAt || nested(h, r) {
		// Podium's form has pauses, in order: a step given by number,
		// or several in one block, it cannot say.
		r.lostStep(c)
	} else {
		// One element, stepped: the block is that step (in podium's
		// form a pause before it; with html: false a step of nothing).
		step = max(r.first, seg)
	}
	if step > 0 {
		c = setStep(c, step)
	}
	return c, seg, true
}

// inline reads HTML inside a top-level block (inline HTML, an HTML block
// in a list): its click elements get their steps.
func (r *clickRegions) inline(n ast.Node, seg int) {
	if r == nil || r.done[n] {
		return
	}
	r.done[n] = true
	if _, stepped, _ := r.tags(n, false); !stepped {
		return
	}
	// In podium's form the element stays, without its click.
	r.lostStep(n)
	switch n := n.(type) {
	case *ast.HTMLBlock:
		r.s.podium.dropAttrs(n, r.src)
	case *ast.RawHTML:
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			for _, m := range clickAttrDropRe.FindAllIndex(seg.Value(r.src), -1) {
				r.s.podium.drop(seg.Start+m[0], seg.Start+m[1])
			}
		}
	}
}

// tags gives the click elements of n's HTML their steps, in order, and
// returns the elements left open at its end and whether any got a step.
// In a top-level block (top), the closing tag of the innermost open
// region closes it: closed is that region.
func (r *clickRegions) tags(n ast.Node, top bool) (stack []openTag, stepped bool, closed *clickRegion) {
	s := r.s
	items := r.listed() // <li> of an HTML list inside a <v-clicks> region
	var region *clickRegion
	if top && len(r.open) > 0 {
		region = &r.open[len(r.open)-1]
	}
	r.first, r.firstAt = 0, false
	editTags(n, r.src, func(t *html.Token) bool {
		if region != nil && t.Data == region.tag && t.Type == html.StartTagToken {
			region.depth++
		}
		o := openTag{name: t.Data}
		inList := items
		for _, p := range stack {
			inList = inList || p.kind == 'l'
		}
		switch kind, val, mods, ok := clickOf(t); {
		case ok && kind == "v-clicks":
			o.kind = 'l'
		case ok && strings.Contains(mods, ".hide") || ok && kind == "v-click" && t.Data == "v-click" && hasAttr(t, "hide"):
			r.warn(n, "Slidev %s.hide: podium's steps only reveal; the element is shown throughout", kind)
		case ok && kind == "v-after":
			o.kind, o.step = 'c', s.steps
		case ok:
			o.kind, o.step = 'c', r.clickStep(n, val)
			r.firstAt = r.firstAt || len(stack) == 0 && strings.TrimSpace(val) != ""
		case t.Data == "li" && inList:
			s.steps++
			o.step = s.steps
		}
		if len(stack) == 0 && o.step > 0 && !stepped {
			r.first = o.step
		}
		if t.Type == html.StartTagToken && !isVoid(t.Data) {
			stack = append(stack, o)
		}
		if o.step <= 0 {
			return false
		}
		stepped = true
		setAttr(t, "data-step", strconv.Itoa(o.step))
		return true
	}, func(name string) {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].name == name {
				stack = stack[:i]
				break
			}
		}
		if region != nil && name == region.tag {
			if region.depth--; region.depth < 0 {
				c := *region
				closed, region = &c, nil
				r.open = r.open[:len(r.open)-1]
				items = r.listed()
			}
		}
	})
	return stack, stepped, closed
}

// lostSteps is convert's warning for a click podium's format cannot say.
const lostSteps = "Slidev click on an element inside HTML or text: podium's format steps whole blocks: shown from the start"

// lostStep warns, in podium's form (convert.go), that n's click is lost.
func (r *clickRegions) lostStep(n ast.Node) {
	start := rawStart(n)
	if start < 0 {
		return
	}
	r.s.podium.dropWarn(lostSteps, start, start)
}

// nested reports whether an HTML block stepped in place has its steps on
// elements inside it, not (only) on the block's own first element, which
// podium's form keeps as a step of the block.
func nested(h *ast.HTMLBlock, r *clickRegions) bool {
	n := 0
	editTags(h, r.src, func(t *html.Token) bool {
		if _, _, _, ok := clickOf(t); ok || hasAttr(t, "data-step") {
			n++
		}
		return false
	}, nil)
	return n > 1
}

// clickOf reads a tag's click: the <v-click>, <v-after> and <v-clicks>
// elements, or a v-click / v-after attribute (with modifiers), and its
// value (v-click="2", <v-click at="2">).
func clickOf(t *html.Token) (kind, val, mods string, ok bool) {
	switch t.Data {
	case "v-click", "v-after", "v-clicks":
		for _, a := range t.Attr {
			if a.Key == "at" {
				val = a.Val
			}
		}
		return t.Data, val, "", true
	}
	for _, a := range t.Attr {
		k, m, _ := strings.Cut(a.Key, ".")
		if k == "v-click" || k == "v-after" {
			if m != "" {
				m = "." + m
			}
			return k, a.Val, m, true
		}
	}
	return "", "", "", false
}

func hasAttr(t *html.Token, key string) bool {
	for _, a := range t.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// clickStep is the step of a v-click with value val: the next one, an
// absolute "3", a relative "+2", or the first of "[2, 4]".
func (r *clickRegions) clickStep(n ast.Node, val string) int {
	s := r.s
	v := strings.TrimSpace(val)
	if rest, ok := strings.CutPrefix(v, "["); ok {
		first, _, _ := strings.Cut(strings.TrimSuffix(rest, "]"), ",")
		r.warn(n, "Slidev v-click=%q: podium does not hide it again: shown from step %s on", val, strings.TrimSpace(first))
		v = strings.TrimSpace(first)
	}
	switch {
	case v == "":
		s.steps++
		return s.steps
	case v[0] == '+':
		if k, err := strconv.Atoi(v[1:]); err == nil && k >= 0 && k <= 100 {
			s.steps += k
			return s.steps
		}
	default:
		if k, err := strconv.Atoi(v); err == nil && k >= 0 && k <= 100 {
			s.steps = max(s.steps, k)
			return k
		}
	}
	r.warn(n, "Slidev v-click=%q: not a click number: read as the next click", val)
	s.steps++
	return s.steps
}

// warn is a warning at n's line.
func (r *clickRegions) warn(n ast.Node, format string, args ...any) {
	line := r.s.line
	if r.s.from == nil {
		off := n.Pos()
		if raw, ok := n.(*ast.RawHTML); ok && raw.Segments.Len() > 0 {
			off = raw.Segments.At(0).Start
		}
		if off >= 0 {
			line = r.cs.lines.line(off)
		}
	}
	r.cs.fm.warn(line, format, args...)
}

// isVoid reports HTML elements that have no closing tag.
func isVoid(tag string) bool {
	switch strings.ToLower(tag) {
	case "img", "br", "hr", "input", "source", "embed", "area", "col", "wbr", "track", "meta", "link":
		return true
	}
	return false
}
