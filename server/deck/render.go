package deck

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/podium-talks/podium/server/deck/internal/tex"
	"github.com/yuin/goldmark"
	emoji "github.com/yuin/goldmark-emoji"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// engine holds the two configured goldmark instances (safe and, for decks
// with `html: true`, unsafe) and the chroma lexer cache. One engine serves
// every chapter a Loader renders; it is safe for concurrent use.
type engine struct {
	safe, unsafe goldmark.Markdown
	tex          *tex.Converter // TeX to MathML, for math.go
	opts         Options

	mu     sync.Mutex
	lexers map[string]chroma.Lexer // by lower-case language; nil value = unknown

	bufs sync.Pool // of *bytes.Buffer, to render slides into
}

// buffer returns an empty buffer from e.bufs; put it back when done.
func (e *engine) buffer() *bytes.Buffer {
	if b, ok := e.bufs.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

func newEngine(o Options) *engine {
	e := &engine{lexers: map[string]chroma.Lexer{}, tex: tex.New(), opts: o}
	e.safe = e.markdown(false)
	e.unsafe = e.markdown(true)
	return e
}

func (e *engine) markdown(unsafe bool) goldmark.Markdown {
	ropts := []renderer.Option{
		renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{e: e, w: html.NewWriter(html.WithEscapedSpace())}, 100)),
	}
	if unsafe {
		ropts = append(ropts, html.WithUnsafe())
	}
	return goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			// CJK: "\ " escapes a space that renders as nothing; soft line
			// breaks between wide characters are dropped by renderText.
			extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksSimple), extension.WithEscapedSpace()),
			extension.DefinitionList,
			emoji.New(emoji.WithRenderingMethod(emoji.Unicode)),
			footnotes{},
			alerts{},
			mathExt{e.tex},
			diagrams{e.opts.Diagram},
		),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(transformer{}, 100))),
		goldmark.WithRendererOptions(ropts...),
	)
}

// lexer returns the cached chroma lexer for lang, or nil when chroma does
// not know it.
func (e *engine) lexer(lang string) chroma.Lexer {
	lang = strings.ToLower(lang)
	e.mu.Lock()
	defer e.mu.Unlock()
	l, ok := e.lexers[lang]
	if !ok {
		if l = lexers.Get(lang); l != nil {
			l = chroma.Coalesce(l)
		}
		e.lexers[lang] = l
	}
	return l
}

// stateKey finds the per-parse renderState in goldmark's parser.Context.
// Context keys are how goldmark extensions carry per-document state.
var stateKey = parser.NewContextKey()

// state returns the renderState of a parse, or nil outside a slide.
func state(pc parser.Context) *renderState {
	st, _ := pc.Get(stateKey).(*renderState)
	return st
}

// renderState is what the transformer needs to know about the Markdown it
// transforms, and what it reports back.
type renderState struct {
	fsys  fs.FS
	file  string
	notes bool // notes: no steps, highlights static
	step  int  // last step number allocated on this slide

	// per segment
	src     []byte
	line    int // file line of src's first line
	segStep int // data-step of the segment's top-level blocks; 0 = none

	problems []Problem
	images   []string // image paths checked in fsys
	heading  string   // text of the first heading
	text     string   // first line of text, when there is no heading

	// footnotes.go: the slide's (or its notes') footnotes so far
	fnPrefix  string // of the ids footnotes render
	fnCount   int
	footnotes []footnoteList
}

func (st *renderState) problem(off int, format string, args ...any) {
	if off < 0 {
		off = 0
	}
	if off > len(st.src) {
		off = len(st.src)
	}
	st.problems = append(st.problems, Problem{
		File: st.file,
		Line: st.line + bytes.Count(st.src[:off], []byte{'\n'}),
		Msg:  fmt.Sprintf(format, args...),
	})
}

// render renders one part (a segment or the notes) of a slide.
func (e *engine) render(md goldmark.Markdown, st *renderState, p part, w bufWriter) {
	if strings.TrimSpace(p.text) == "" {
		return
	}
	st.src, st.line = []byte(p.text), p.line
	pc := parser.NewContext()
	pc.Set(stateKey, st)
	doc := md.Parser().Parse(text.NewReader(st.src), parser.WithContext(pc))
	if err := md.Renderer().Render(w, st.src, doc); err != nil {
		st.problem(0, "render: %v", err)
	}
}

// bufWriter lets goldmark render straight into a bytes.Buffer: given a
// plain io.Writer, its renderer allocates a 4 KB bufio.Writer per document,
// and a slide is several documents.
type bufWriter struct{ *bytes.Buffer }

func (bufWriter) Buffered() int { return 0 }
func (bufWriter) Flush() error  { return nil }

// transformer is the goldmark AST transformer for podium's extensions:
// steps (stepped lists, pause segments, stepped highlights), code blocks
// (replaced by codeBlock nodes), asset links and slide titles.
type transformer struct{}

func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, _ := pc.Get(stateKey).(*renderState)
	if st == nil {
		return
	}
	src := reader.Source()
	if !st.notes && st.segStep == -1 && doc.HasChildren() {
		st.step++
		st.segStep = st.step
	}
	if st.segStep > 0 {
		for c := doc.FirstChild(); c != nil; {
			next := c.NextSibling()
			switch c.Kind() {
			case ast.KindLinkReferenceDefinition:
				// Renders nothing.
			case ast.KindHTMLBlock:
				// The HTML block renderer writes no attributes: wrap it.
				w := &stepBlock{}
				doc.ReplaceChild(doc, c, w)
				w.AppendChild(w, c)
				w.SetAttributeString("data-step", []byte(strconv.Itoa(st.segStep)))
			default:
				c.SetAttributeString("data-step", []byte(strconv.Itoa(st.segStep)))
			}
			c = next
		}
	}
	var replace [][2]ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if st.heading == "" && !st.notes {
				st.heading = strings.Join(strings.Fields(plainText(n, src)), " ")
			}
		case *ast.ListItem:
			if l, ok := n.Parent().(*ast.List); ok && !st.notes && (l.Marker == '*' || l.Marker == ')') {
				st.step++
				n.SetAttributeString("data-step", []byte(strconv.Itoa(st.step)))
			}
		case *ast.FencedCodeBlock:
			replace = append(replace, [2]ast.Node{n, st.codeBlock(n, src)})
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock:
			replace = append(replace, [2]ast.Node{n, st.codeBlock(n, src)})
			return ast.WalkSkipChildren, nil
		case *ast.Image:
			n.Destination = st.asset(n, n.Destination, src, true)
		case *ast.Link:
			n.Destination = st.asset(n, n.Destination, src, false)
		}
		return ast.WalkContinue, nil
	})
	for _, r := range replace {
		if p := r[0].Parent(); p != nil {
			p.ReplaceChild(p, r[0], r[1])
		}
	}
	if !st.notes && st.heading == "" && st.text == "" {
		st.text = firstLine(doc, src)
	}
}

// stepBlock wraps a top-level block whose renderer writes no attributes.
type stepBlock struct{ ast.BaseBlock }

var kindStepBlock = ast.NewNodeKind("PodiumStepBlock")

func (n *stepBlock) Kind() ast.NodeKind { return kindStepBlock }
func (n *stepBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, nil, nil)
}

// codeBlock is a fenced or indented code block, analysed: language, line
// highlight sets and the step each set becomes active.
type codeBlock struct {
	ast.BaseBlock
	lang  string
	code  []byte
	sets  []hlSet // empty: no highlighting
	spec  string  // the sets as written, for data-hl; "" unless stepped
	at    []int   // step at which each set becomes active
	step  int     // data-step of the block itself; 0 = none
	lines int
}

var kindCodeBlock = ast.NewNodeKind("PodiumCodeBlock")

func (n *codeBlock) Kind() ast.NodeKind { return kindCodeBlock }
func (n *codeBlock) IsRaw() bool        { return true }
func (n *codeBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"lang": n.lang}, nil)
}

func (st *renderState) codeBlock(n ast.Node, src []byte) *codeBlock {
	cb := &codeBlock{}
	var buf bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		s := lines.At(i)
		buf.Write(s.Value(src))
	}
	cb.code = buf.Bytes()
	cb.lines = lines.Len()
	if v, ok := n.AttributeString("data-step"); ok {
		cb.step, _ = strconv.Atoi(string(v.([]byte)))
	}
	visible := cb.step
	for p := n.Parent(); p != nil; p = p.Parent() {
		if v, ok := p.AttributeString("data-step"); ok {
			if s, _ := strconv.Atoi(string(v.([]byte))); s > visible {
				visible = s
			}
		}
	}
	f, ok := n.(*ast.FencedCodeBlock)
	if !ok || f.Info == nil {
		return cb
	}
	infoSeg := f.Info.Segment
	info := strings.TrimSpace(string(infoSeg.Value(src)))
	lang, rest := info, ""
	if i := strings.IndexAny(info, " \t{"); i >= 0 {
		lang, rest = info[:i], strings.TrimSpace(info[i:])
	}
	cb.lang = lang
	if !strings.HasPrefix(rest, "{") {
		return cb
	}
	// The fence line is the line of the info string.
	fenceOff := infoSeg.Start
	end := strings.IndexByte(rest, '}')
	if end < 0 {
		st.problem(fenceOff, "bad line highlight %q: missing \"}\"", clip(rest, 40))
		return cb
	}
	sets, err := parseHighlight(rest[1:end], cb.lines)
	if err != nil {
		st.problem(fenceOff, "bad line highlight %q: %v", rest[:end+1], err)
		return cb
	}
	cb.sets = sets
	if len(sets) > 1 && !st.notes {
		cb.spec = strings.Join(strings.Fields(rest[1:end]), "")
		cb.at = []int{visible}
		for range sets[1:] {
			st.step++
			cb.at = append(cb.at, st.step)
		}
	}
	return cb
}

// asset rewrites a relative link or image target to its /deck/ URL and
// reports targets that escape the deck folder, name a dotfile or (images)
// do not exist.
func (st *renderState) asset(n ast.Node, dest, src []byte, image bool) []byte {
	d := string(dest)
	if d == "" || d[0] == '#' || hasScheme(d) || strings.HasPrefix(d, "//") {
		return dest
	}
	off := nodeOffset(n, src, dest)
	what := "link"
	if image {
		what = "image"
	}
	if d[0] == '/' || d[0] == '\\' {
		st.problem(off, "%s %q: absolute path; use a path relative to the deck folder", what, d)
		return dest
	}
	p, suffix := d, ""
	if i := strings.IndexAny(d, "?#"); i >= 0 {
		p, suffix = d[:i], d[i:]
	}
	if up, err := url.PathUnescape(p); err == nil {
		p = up
	} else {
		st.problem(off, "%s %q: bad %%-escape", what, d)
		return dest
	}
	clean := path.Join(path.Dir(st.file), p)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		st.problem(off, "%s %q escapes the deck folder", what, d)
		return dest
	}
	for _, el := range strings.Split(clean, "/") {
		if strings.HasPrefix(el, ".") {
			st.problem(off, "%s %q names a dotfile or the deck folder itself", what, d)
			return dest
		}
	}
	if image {
		st.images = append(st.images, clean)
		if !regularFile(st.fsys, clean) {
			st.problem(off, "image %q not found (looked for %s in the deck folder)", d, clean)
		}
	}
	u := url.URL{Path: "/deck/" + clean}
	return []byte(u.EscapedPath() + suffix)
}

func regularFile(fsys fs.FS, name string) bool {
	if fsys == nil || !fs.ValidPath(name) {
		return false
	}
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.Mode().IsRegular()
}

// hasScheme reports whether d starts with a URL scheme ("https:", "data:").
func hasScheme(d string) bool {
	for i := 0; i < len(d); i++ {
		c := d[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':':
			return i > 0
		default:
			return false
		}
	}
	return false
}

// nodeOffset finds where an inline node is in src: at its first text, else
// where its destination is written, else at its block.
func nodeOffset(n ast.Node, src, dest []byte) int {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off >= 0 {
		return off
	}
	start := 0
	for b := n.Parent(); b != nil; b = b.Parent() {
		if b.Type() == ast.TypeBlock && b.Lines().Len() > 0 {
			start = b.Lines().At(0).Start
			break
		}
	}
	if i := bytes.Index(src[start:], dest); i >= 0 && len(dest) > 0 {
		return start + i
	}
	return start
}

// plainText is the text of an inline container, markup dropped.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(src))
		case *mathNode:
			b.WriteString(c.tex) // "Euler e^{i\pi}+1=0", not "Euler"
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// firstLine is the first non-blank line of text of a slide part.
func firstLine(doc ast.Node, src []byte) string {
	found := ""
	_ = ast.Walk(doc, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var t string
		switch c := c.(type) {
		case *codeBlock:
			t = string(c.code)
		case *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		default:
			if c.Type() != ast.TypeBlock || c.HasChildren() && c.FirstChild().Type() == ast.TypeBlock {
				return ast.WalkContinue, nil
			}
			t = plainText(c, src)
		}
		for _, l := range strings.Split(t, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				found = l
				return ast.WalkStop, nil
			}
		}
		return ast.WalkSkipChildren, nil
	})
	return clip(found, 60)
}

// nodeRenderer renders podium's own nodes, and text.
type nodeRenderer struct {
	e *engine
	w html.Writer
}

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindCodeBlock, r.renderCode)
	reg.Register(kindStepBlock, r.renderStepBlock)
	reg.Register(ast.KindText, r.renderText)
}

// renderText is goldmark's text renderer with a CJK-aware soft line break:
// the break is dropped only when the characters on both sides of it are
// East Asian wide, so wrapped Chinese reads without stray spaces while
// English keeps its spaces. (goldmark's own EastAsianLineBreaks option
// looks only at a plain-text sibling, so it drops the space before a link
// or emphasis: "see\n[link](x)" would render "see<a…".)
func (r *nodeRenderer) renderText(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Text)
	value := n.Segment.Value(source)
	if n.IsRaw() {
		r.w.RawWrite(w, value)
	} else {
		r.w.Write(w, value)
	}
	switch {
	case n.HardLineBreak():
		_, _ = w.WriteString("<br>\n")
	case n.SoftLineBreak():
		before, ok1 := edgeRune(n, source, false)
		after, ok2 := edgeRune(n, source, true)
		if !ok1 || !ok2 || !wide(before) || !wide(after) {
			_ = w.WriteByte('\n')
		}
	}
	return ast.WalkContinue, nil
}

// wide reports whether r is an East Asian wide or fullwidth character
// (CJK ideographs, kana, fullwidth punctuation such as "，" and "。").
func wide(r rune) bool {
	w := util.EastAsianWidth(r)
	return w == "W" || w == "F"
}

// edgeRune finds the text rune just before the end of n (after=false) or
// just after it (after=true), looking through inline markup within the
// same block.
func edgeRune(n ast.Node, src []byte, after bool) (rune, bool) {
	if !after {
		if t, ok := n.(*ast.Text); ok && t.Segment.Len() > 0 {
			v := t.Segment.Value(src)
			r, _ := utf8.DecodeLastRune(v)
			return r, true
		}
	}
	for cur := n; cur != nil && cur.Type() == ast.TypeInline; cur = cur.Parent() {
		sib := cur.PreviousSibling()
		if after {
			sib = cur.NextSibling()
		}
		for ; sib != nil; sib = step(sib, after) {
			if r, ok := leafRune(sib, src, after); ok {
				return r, true
			}
		}
	}
	return 0, false
}

func step(n ast.Node, after bool) ast.Node {
	if after {
		return n.NextSibling()
	}
	return n.PreviousSibling()
}

// leafRune is the first (after) or last (!after) text rune inside n.
func leafRune(n ast.Node, src []byte, after bool) (rune, bool) {
	var v []byte
	switch t := n.(type) {
	case *ast.Text:
		v = t.Segment.Value(src)
	case *ast.String:
		v = t.Value
	case *ast.RawHTML:
		return 0, false
	default:
		c := n.FirstChild()
		if !after {
			c = n.LastChild()
		}
		for ; c != nil; c = step(c, after) {
			if r, ok := leafRune(c, src, after); ok {
				return r, true
			}
		}
		return 0, false
	}
	if len(v) == 0 {
		return 0, false
	}
	if after {
		r, _ := utf8.DecodeRune(v)
		return r, true
	}
	r, _ := utf8.DecodeLastRune(v)
	return r, true
}

func (r *nodeRenderer) renderStepBlock(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<div")
		html.RenderAttributes(w, n, html.GlobalAttributeFilter)
		_, _ = w.WriteString(">\n")
	} else {
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) renderCode(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*codeBlock)
	var hl hlSet
	if len(n.sets) > 0 {
		hl = n.sets[0]
	}
	_, _ = w.WriteString(`<pre class="chroma`)
	if hl.lines != nil {
		_, _ = w.WriteString(` has-hl`)
	}
	_ = w.WriteByte('"')
	if n.lang != "" {
		_, _ = w.WriteString(` data-lang="`)
		escape(w, n.lang)
		_ = w.WriteByte('"')
	}
	if n.step > 0 {
		fmt.Fprintf(w, ` data-step="%d"`, n.step)
	}
	if n.spec != "" {
		_, _ = w.WriteString(` data-hl="`)
		escape(w, n.spec)
		_, _ = w.WriteString(`" data-hl-at="`)
		for i, a := range n.at {
			if i > 0 {
				_ = w.WriteByte(',')
			}
			_, _ = w.WriteString(strconv.Itoa(a))
		}
		_ = w.WriteByte('"')
	}
	_, _ = w.WriteString("><code>")
	r.highlight(w, n, hl)
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// highlight writes one <span class="line"> per source line, tokens as
// chroma class-mode spans; unknown languages are plain escaped text.
func (r *nodeRenderer) highlight(w util.BufWriter, n *codeBlock, hl hlSet) {
	code := string(n.code)
	if code == "" {
		return
	}
	var lines [][]chroma.Token
	if lx := r.e.lexer(n.lang); n.lang != "" && lx != nil {
		if it, err := lx.Tokenise(nil, code); err == nil {
			lines = chroma.SplitTokensIntoLines(it.Tokens())
		}
	}
	if lines == nil {
		for _, l := range strings.SplitAfter(code, "\n") {
			if l != "" {
				lines = append(lines, []chroma.Token{{Type: chroma.Text, Value: l}})
			}
		}
	}
	for i, toks := range lines {
		if hl.has(i + 1) {
			_, _ = w.WriteString(`<span class="line hl">`)
		} else {
			_, _ = w.WriteString(`<span class="line">`)
		}
		for _, t := range toks {
			if cls := tokenClass(t.Type); cls != "" {
				_, _ = w.WriteString(`<span class="`)
				_, _ = w.WriteString(cls)
				_, _ = w.WriteString(`">`)
				escape(w, t.Value)
				_, _ = w.WriteString(`</span>`)
			} else {
				escape(w, t.Value)
			}
		}
		_, _ = w.WriteString(`</span>`)
	}
}

// tokenClass is chroma's class-mode class for a token type (the same walk
// up the type hierarchy chroma's HTML formatter does).
func tokenClass(t chroma.TokenType) string {
	for t != 0 {
		if cls, ok := chroma.StandardTypes[t]; ok {
			return cls
		}
		t = t.Parent()
	}
	return chroma.StandardTypes[t]
}

func escape(w util.BufWriter, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '&':
			rep = "&amp;"
		case '"':
			rep = "&quot;"
		default:
			continue
		}
		_, _ = w.WriteString(s[last:i])
		_, _ = w.WriteString(rep)
		last = i + 1
	}
	_, _ = w.WriteString(s[last:])
}
