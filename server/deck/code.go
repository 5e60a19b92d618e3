package deck

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromalexers "github.com/alecthomas/chroma/v2/lexers"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// code is the goldmark extension for code blocks: its transformer
// replaces fenced and indented code blocks by codeBlock nodes (language
// and highlight sets parsed from the info string), its renderer writes
// them as chroma class-mode markup. The steps extension gives stepped
// highlight sets their steps.
type code struct{ lx *lexers }

func (c code) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(codeTransformer{}, 100)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(codeRenderer(c), 100)))
}

// lexers caches chroma lexers by lower-case language (a nil value means
// chroma does not know the language), and the lines of tokens of the code
// blocks they highlighted, by language and code: chroma's regular
// expressions are most of a load's time, and a reload re-renders an
// edited slide whose code did not change, a new Loader (a replaced deck
// folder) every slide. Shared by the engine's instances.
type lexers struct {
	mu      sync.Mutex
	m       map[string]chroma.Lexer
	lines   map[codeKey][][]chroma.Token
	cached  int // bytes of code in lines
	maxCode int // maxHighlighted; smaller in tests
}

// codeKey is a highlighted code block: its lower-case language and code.
type codeKey struct{ lang, code string }

// maxHighlighted bounds the code whose tokens are kept, in bytes (a talk
// has well under 100 KB); past it the cache starts over.
const maxHighlighted = 2 << 20

func newLexers() *lexers {
	return &lexers{m: map[string]chroma.Lexer{}, lines: map[codeKey][][]chroma.Token{}, maxCode: maxHighlighted}
}

// tokens returns code highlighted as lang, one slice of tokens per line;
// nil when chroma does not know lang. The slices are shared: read only.
func (lx *lexers) tokens(lang, code string) [][]chroma.Token {
	k := codeKey{strings.ToLower(lang), code}
	lx.mu.Lock()
	lines, ok := lx.lines[k]
	lx.mu.Unlock()
	if ok {
		return lines
	}
	l := lx.get(lang)
	if l == nil {
		return nil
	}
	it, err := l.Tokenise(nil, code)
	if err != nil {
		return nil
	}
	lines = chroma.SplitTokensIntoLines(it.Tokens())
	lx.mu.Lock()
	if lx.cached+len(code) > lx.maxCode {
		clear(lx.lines)
		lx.cached = 0
	}
	if len(code) <= lx.maxCode {
		lx.lines[k] = lines
		lx.cached += len(code)
	}
	lx.mu.Unlock()
	return lines
}

// get returns the cached chroma lexer for lang, or nil.
func (lx *lexers) get(lang string) chroma.Lexer {
	lang = strings.ToLower(lang)
	lx.mu.Lock()
	defer lx.mu.Unlock()
	l, ok := lx.m[lang]
	if !ok {
		if l = chromalexers.Get(lang); l != nil {
			l = chroma.Coalesce(l)
		}
		lx.m[lang] = l
	}
	return l
}

// codeBlock is a fenced or indented code block, analysed: language, line
// highlight sets and the step each set becomes active.
type codeBlock struct {
	ast.BaseBlock
	lang  string
	code  []byte
	sets  []hlSet // empty: no highlighting
	spec  string  // the sets as written, for data-hl; "" unless several
	at    []int   // step at which each set becomes active; nil: static
	step  int     // data-step of the block itself; 0 = none
	lines int
	// hidden: its tool shows nothing of it (xaringan's include=FALSE).
	hidden bool
}

var kindCodeBlock = ast.NewNodeKind("PodiumCodeBlock")

func (n *codeBlock) Kind() ast.NodeKind { return kindCodeBlock }
func (n *codeBlock) IsRaw() bool        { return true }
func (n *codeBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"lang": n.lang}, nil)
}

type codeTransformer struct{}

func (codeTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	cs := chapterOf(pc)
	if cs == nil {
		return
	}
	src := reader.Source()
	var replace [][2]ast.Node
	eachSlide(doc, func(s *slideNode) {
		walkSlide(s, func(n ast.Node, _ bool) ast.WalkStatus {
			switch n.(type) {
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				replace = append(replace, [2]ast.Node{n, cs.codeBlock(s, n, src)})
				return ast.WalkSkipChildren
			}
			return ast.WalkContinue
		})
	})
	for _, r := range replace {
		if p := r[0].Parent(); p != nil {
			r[1].SetPos(r[0].Pos())
			p.ReplaceChild(p, r[0], r[1])
		}
	}
}

func (cs *chapterState) codeBlock(s *slideNode, n ast.Node, src []byte) *codeBlock {
	cb := &codeBlock{}
	var buf bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		s := lines.At(i)
		buf.Write(s.Value(src))
	}
	cb.code = buf.Bytes()
	cb.lines = lines.Len()
	f, ok := n.(*ast.FencedCodeBlock)
	if !ok {
		return cb
	}
	if _, top := n.Parent().(*slideNode); top && !closed(f, src) {
		// CommonMark runs it to the end of the file, slide breaks and all.
		cs.problem(n.Pos(), "unterminated code fence (opened here)")
	}
	if f.Info == nil {
		return cb
	}
	infoSeg := f.Info.Segment
	info := strings.TrimSpace(string(infoSeg.Value(src)))
	lang, rest := info, ""
	if i := strings.IndexAny(info, " \t{"); i >= 0 {
		lang, rest = info[:i], strings.TrimSpace(info[i:])
	}
	if cs.dia.foreign() {
		var hide bool
		lang, rest, hide = cs.foreignInfo(info, infoSeg.Start)
		cb.hidden = hide
		if hide {
			s.podium.dropWarn("an R chunk its tool does not show (include=FALSE, echo=FALSE): left out", lineStart(src, f.Pos()), fenceEnd(f, src))
		} else if lang != info {
			// podium's form: the language, and the highlights when they
			// are right (below).
			at := len(s.podium.edits)
			s.podium.replace(infoSeg.Start, infoSeg.Stop, lang)
			defer func() {
				if len(cb.sets) > 0 {
					s.podium.edits[at].with = strings.TrimSpace(lang + " " + rest)
				}
			}()
		}
	}
	cb.lang = lang
	if !strings.HasPrefix(rest, "{") {
		return cb
	}
	// The fence line is the line of the info string.
	fenceOff := infoSeg.Start
	end := strings.IndexByte(rest, '}')
	if end < 0 {
		cs.problem(fenceOff, "bad line highlight %q: missing \"}\"", clip(rest, 40))
		return cb
	}
	sets, err := parseHighlight(rest[1:end], cb.lines)
	if err != nil && cs.dia.foreign() {
		cs.fm.warn(cs.lines.line(fenceOff), "line highlight %q: %v: ignored", rest[:end+1], err)
		return cb
	}
	if err != nil {
		cs.problem(fenceOff, "bad line highlight %q: %v", rest[:end+1], err)
		return cb
	}
	cb.sets = sets
	if len(sets) > 1 {
		cb.spec = strings.Join(strings.Fields(rest[1:end]), "")
	}
	return cb
}

// closed reports whether a top-level fenced code block has its closing
// fence: the line after its last one (or after the opening line, when it
// has no content) is a run of at least as many of the same fence
// characters and nothing else.
func closed(f *ast.FencedCodeBlock, src []byte) bool {
	open := f.Pos()
	if open < 0 || open >= len(src) {
		return true
	}
	ch := src[open]
	n := 0
	for open+n < len(src) && src[open+n] == ch {
		n++
	}
	_, after := nextLine(src, open)
	if l := f.Lines(); l.Len() > 0 {
		after = l.At(l.Len() - 1).Stop
	}
	if after >= len(src) {
		return false
	}
	ln, _, _ := bytes.Cut(src[after:], []byte{'\n'})
	ln = bytes.TrimLeft(ln, " ")
	k := 0
	for k < len(ln) && ln[k] == ch {
		k++
	}
	return k >= n && len(bytes.TrimSpace(ln[k:])) == 0
}

// fenceEnd is the offset after a fenced code block's closing line (or its
// last line, when it has none).
func fenceEnd(f *ast.FencedCodeBlock, src []byte) int {
	_, after := nextLine(src, f.Pos())
	if l := f.Lines(); l.Len() > 0 {
		after = l.At(l.Len() - 1).Stop
	}
	if closed(f, src) {
		_, after = nextLine(src, after)
	}
	return after
}

// codeRenderer renders codeBlock nodes with chroma.
type codeRenderer struct{ lx *lexers }

func (r codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindCodeBlock, r.render)
}

func (r codeRenderer) render(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*codeBlock)
	if n.hidden {
		return ast.WalkContinue, nil
	}
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
	if n.at != nil {
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
func (r codeRenderer) highlight(w util.BufWriter, n *codeBlock, hl hlSet) {
	code := string(n.code)
	if code == "" {
		return
	}
	var lines [][]chroma.Token
	if n.lang != "" {
		lines = r.lx.tokens(n.lang, code)
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

// fencesOf lists doc's fenced code blocks whose info string names lang,
// for the features that take over a language's fences (```math, ```mermaid)
// before code.go highlights the rest.
func fencesOf(doc *ast.Document, src []byte, lang string) []*ast.FencedCodeBlock {
	var fences []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if f, ok := n.(*ast.FencedCodeBlock); ok && entering {
			if string(f.Language(src)) == lang {
				fences = append(fences, f)
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return fences
}
