package deck

import (
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"go.yaml.in/yaml/v3"
)

// This file is the parse side of other tools' dialects (see "Dialects" in
// the package doc): which top-level blocks of goldmark's tree are slide
// breaks, steps, notes and directives in Marp, Slidev, remark and reveal
// decks. slides.go asks it through the chapterState's dialect; nothing
// here reads the Markdown apart from goldmark's parse.

// breakLine reports whether the "---"-like line at off is a slide break
// in the chapter's dialect; settings reports whether "key: value" lines
// closed by "---" may follow (podium's and Slidev's slide settings).
func (cs *chapterState) breakLine(src []byte, off int) (brk, settings bool) {
	ln, _, _ := bytes.Cut(src[off:], []byte{'\n'})
	line := strings.TrimRight(string(ln), " \t")
	switch cs.dia.Dialect {
	case DialectSlidev:
		// @slidev/parser splits at every "---" line, under text too.
		return line == "---", true
	case DialectRemark:
		return line == "---", false
	case DialectMarp:
		return false, false // Marp's breaks are thematic breaks (breakNode)
	case DialectReveal:
		for _, r := range []sepRule{cs.dia.h, cs.dia.v} {
			if r.line == "" || line != r.line {
				continue
			}
			if !r.blanks {
				return true, false
			}
			next, _ := nextLine(src, off)
			return (off == cs.body || blankBefore(src, off)) && len(bytes.TrimSpace(next)) == 0, false
		}
		return false, false
	}
	return line == "---" && (off == cs.body || blankBefore(src, off)), true
}

// breakNode reports whether the top-level block c starts a new slide
// without a break line of its own: Marp's thematic breaks (any of
// "---", "***", "___", also right under a heading), and a reveal
// separator of blank lines before c. skip tells that c itself is the
// break and shows nothing.
func (cs *chapterState) breakNode(c ast.Node, src []byte) (brk, skip bool) {
	switch cs.dia.Dialect {
	case DialectMarp:
		_, ok := c.(*ast.ThematicBreak)
		return ok, ok
	case DialectReveal:
		gap := 0
		for _, r := range []sepRule{cs.dia.h, cs.dia.v} {
			if r.gap > 0 && (gap == 0 || r.gap < gap) {
				gap = r.gap
			}
		}
		if gap == 0 {
			return false, false
		}
		n, top := blankLinesBefore(src, c.Pos(), cs.body)
		return !top && n >= gap, false
	}
	return false, false
}

// blankLinesBefore counts the blank lines right above the line at off;
// top tells that only blank lines are between body and it.
func blankLinesBefore(src []byte, off, body int) (n int, top bool) {
	if off <= body || off > len(src) {
		return 0, true
	}
	// Back to the start of off's line.
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	for off > body {
		prev := src[:off-1]
		start := bytes.LastIndexByte(prev, '\n') + 1
		if len(bytes.TrimSpace(prev[start:])) != 0 {
			return n, false
		}
		n++
		off = start
	}
	return n, true
}

// noteStart reports whether the top-level block c starts the slide's
// notes (the rest of the slide), and how much of its text is the marker:
// podium's "Note:", reveal's "Note:"/"Notes:" in any case, remark's "???"
// line. Marp's and Slidev's notes are comments (commentNote).
func (cs *chapterState) noteStart(c ast.Node, src []byte) (bool, int) {
	_, off, ok := startsLine(c, src)
	if !ok {
		return false, 0
	}
	rest := src[off:]
	switch cs.dia.Dialect {
	case DialectReveal:
		for _, m := range []string{"notes:", "note:"} {
			if len(rest) >= len(m) && strings.EqualFold(string(rest[:len(m)]), m) {
				return true, len(m)
			}
		}
		return false, 0
	case DialectRemark:
		ln, _, _ := bytes.Cut(rest, []byte{'\n'})
		if string(bytes.TrimRight(ln, " \t")) == "???" {
			return true, len(ln)
		}
		return false, 0
	case DialectMarp, DialectSlidev:
		return false, 0
	}
	return bytes.HasPrefix(rest, []byte("Note:")), len("Note:")
}

// commentText is the text of a top-level HTML block that is one comment
// and nothing else ("<!-- text -->"); ok false for any other block.
func commentText(c ast.Node, src []byte) (string, bool) {
	h, ok := c.(*ast.HTMLBlock)
	if !ok || h.HTMLBlockType != ast.HTMLBlockType2 {
		return "", false
	}
	var b bytes.Buffer
	for i := 0; i < h.Lines().Len(); i++ {
		seg := h.Lines().At(i)
		b.Write(seg.Value(src))
	}
	if h.HasClosure() {
		b.Write(h.ClosureLine.Value(src))
	}
	s := strings.TrimSpace(b.String())
	s, ok = strings.CutPrefix(s, "<!--")
	if !ok {
		return "", false
	}
	if i := strings.Index(s, "-->"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s), true
}

// commentNote is a speaker note written as an HTML comment (Marp,
// Slidev): its text, shown to the presenter as text.
type commentNote struct {
	ast.BaseBlock
	text string
}

var kindCommentNote = ast.NewNodeKind("PodiumCommentNote")

func (n *commentNote) Kind() ast.NodeKind { return kindCommentNote }
func (n *commentNote) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"text": n.text}, nil)
}

// marpDirectives are the keys Marp reads in comments and front matter;
// "_key" is the same for the one slide.
var marpDirectives = map[string]bool{
	"theme": true, "style": true, "headingDivider": true, "size": true, "math": true, "title": true,
	"author": true, "description": true, "image": true, "keywords": true, "url": true, "marp": true,
	"lang": true, "paginate": true, "header": true, "footer": true, "class": true,
	"backgroundColor": true, "backgroundImage": true, "backgroundPosition": true,
	"backgroundRepeat": true, "backgroundSize": true, "color": true, "transition": true,
}

// marpDirective reads a comment as Marp's directives, true when it is
// one (every key a directive), applying what podium can to the slide's
// settings (spot directives, "_key") and to later slides' (global).
func (cs *chapterState) marpDirective(text string, line int, spot, global *settings) bool {
	var doc yaml.Node
	if strings.TrimSpace(text) == "" || unmarshal(text, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !marpDirectives[strings.TrimPrefix(m.Content[i].Value, "_")] {
			return false
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i].Value, m.Content[i+1]
		at := line + m.Content[i].Line - 1
		val := strings.TrimSpace(v.Value)
		if sk, ok := strings.CutPrefix(k, "_"); ok {
			cs.marpSetting(spot, sk, val, at)
			continue
		}
		// A global directive holds from its slide on.
		cs.marpSetting(global, k, val, at)
		cs.marpSetting(spot, k, val, at)
	}
	return true
}

// marpSetting applies one Marp directive to a slide's settings.
func (cs *chapterState) marpSetting(s *settings, key, val string, line int) {
	var fm frontMatter
	fm.slide = *s
	switch key {
	case "class":
		cs.fm.value(&fm, "class", strings.Join(strings.Fields(val), " "), "!!str", line, fmBreak)
	case "backgroundColor":
		cs.fm.value(&fm, "background", val, "!!str", line, fmBreak)
	case "backgroundImage":
		cs.fm.value(&fm, "background", cssURL(val), "!!str", line, fmBreak)
	case "backgroundSize":
		cs.fm.value(&fm, "background-size", val, "!!str", line, fmBreak)
	case "backgroundPosition":
		cs.fm.value(&fm, "background-position", val, "!!str", line, fmBreak)
	case "marp", "title", "author", "lang":
		return
	default:
		cs.fm.warn(line, "Marp directive %q has no podium equivalent: ignored", key)
		return
	}
	*s = fm.slide
}

// cssURL unwraps url(x), url("x") and url('x').
func cssURL(v string) string {
	v = strings.TrimSpace(v)
	if in, ok := strings.CutPrefix(v, "url("); ok {
		v = strings.Trim(strings.TrimSuffix(in, ")"), `"' `)
	}
	return v
}

// foreignKey reads the front matter keys of other tools that podium maps
// or knows to ignore; false leaves key to podium's own rules.
func (r *fmReader) foreignKey(fm *frontMatter, key string, vn *yaml.Node, line int, place fmPlace) bool {
	val := ""
	if vn.Kind == yaml.ScalarNode && vn.Tag != "!!null" {
		val = strings.TrimSpace(vn.Value)
	}
	switch {
	case key == "theme":
		if val != "light" && val != "dark" {
			r.warn(line, "%s theme %q is not one of podium's (light, dark): podium's theme is used", r.dia.Tool(), val)
			return true
		}
	case r.dia == DialectMarp:
		switch key {
		case "marp":
			return true
		case "backgroundColor", "backgroundImage", "backgroundSize", "backgroundPosition", "class":
			if place == fmFirst || place == fmOther {
				var s settings
				(&chapterState{fm: r}).marpSetting(&s, key, val, line)
				fm.slide = mergeSettings(fm.slide, s)
				return true
			}
		}
		if marpDirectives[key] && keyPlacesUnknown(key) {
			r.warn(line, "Marp directive %q has no podium equivalent: ignored", key)
			return true
		}
	case r.dia == DialectRemark && place == fmFirst:
		switch key {
		case "title", "subtitle", "author", "institute", "date":
			if r.seal == nil {
				r.seal = map[string]string{}
			}
			r.seal[key] = val
			return key == "subtitle" || key == "institute"
		case "output":
			if r.seal == nil {
				r.seal = map[string]string{}
			}
			r.seal["output"] = "xaringan"
			if !xaringanOutput(vn) {
				delete(r.seal, "output")
			}
			return true
		}
	case r.dia == DialectSlidev:
		switch key {
		case "hide", "disabled":
			fm.slide.hide = val == "true"
			return true
		case "src":
			fm.slide.src = val
			return true
		}
	}
	return false
}

// keyPlacesUnknown reports whether podium itself has no such key.
func keyPlacesUnknown(key string) bool {
	d, c, s := keyPlaces(key)
	return !d && !c && !s
}

// mergeSettings is base with what over sets laid over it.
func mergeSettings(base, over settings) settings {
	if over.layout != "" {
		base.layout = over.layout
	}
	if over.class != "" {
		base.class = over.class
	}
	if over.title != "" {
		base.title = over.title
	}
	if over.bg != (Background{}) {
		base.bg = over.bg
	}
	base.noSteps = base.noSteps || over.noSteps
	base.assets = append(base.assets[:len(base.assets):len(base.assets)], over.assets...)
	base.set = base.set || over.set
	base.hide = base.hide || over.hide
	if over.src != "" {
		base.src = over.src
	}
	return base
}

// remarkProperties reads a slide's remark properties: the "key: value"
// lines a remark slide starts with (a paragraph of goldmark's tree whose
// every line is one). ok false when c is not such a paragraph.
func (cs *chapterState) remarkProperties(c ast.Node, src []byte, s *settings) (template, reset, ok bool, rest *ast.Paragraph) {
	p, isPara := c.(*ast.Paragraph)
	if !isPara || p.Lines().Len() == 0 {
		return false, false, false, nil
	}
	for i := 0; i < p.Lines().Len(); i++ {
		if seg := p.Lines().At(i); !isKeyLine(seg.Value(src)) {
			if i == 0 {
				return false, false, false, nil
			}
			// The slide's text follows its properties directly.
			rest = splitParagraph(p, i)
			break
		}
	}
	var fm frontMatter
	fm.slide = *s
	for i := 0; i < p.Lines().Len(); i++ {
		seg := p.Lines().At(i)
		if strings.TrimSpace(string(seg.Value(src))) == "layout: false" {
			fm.slide, reset = settings{}, true // no layout slide's settings
		}
	}
	for i := 0; i < p.Lines().Len(); i++ {
		seg := p.Lines().At(i)
		k, v, _ := strings.Cut(strings.TrimSpace(string(seg.Value(src))), ":")
		v = strings.TrimSpace(v)
		line := cs.lines.line(seg.Start)
		switch k {
		case "class":
			cs.fm.value(&fm, "class", strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }), " "), "!!str", line, fmBreak)
		case "background-image":
			cs.fm.value(&fm, "background", cssURL(v), "!!str", line, fmBreak)
		case "background-size", "background-position":
			cs.fm.value(&fm, k, v, "!!str", line, fmBreak)
		case "background-color":
			cs.fm.value(&fm, "background", v, "!!str", line, fmBreak)
		case "layout":
			template = v == "true"
		case "exclude":
			fm.slide.hide = v == "true"
		case "name", "count", "seal":
			// An anchor, the page counter: nothing shows.
		default:
			cs.fm.warn(line, "remark slide property %q has no podium equivalent: ignored", k)
		}
	}
	*s = fm.slide
	return template, reset, true, rest
}

// incrementParser reads remark's "--" line (an incremental slide: what
// follows appears at the next step) as a pause, also right under a line
// of text, where CommonMark would see a setext heading.
type incrementParser struct{}

func (incrementParser) Trigger() []byte { return []byte{'-'} }

func (incrementParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	cs := chapterOf(pc)
	if cs == nil || cs.dia.Dialect != DialectRemark || parent.Kind() != ast.KindDocument {
		return nil, parser.NoChildren
	}
	line, seg := reader.PeekLine()
	if seg.Padding != 0 || strings.TrimRight(string(line), " \t\r\n") != "--" {
		return nil, parser.NoChildren
	}
	consumeLine(reader)
	return &pauseNode{start: seg.Start, end: seg.Stop}, parser.NoChildren
}

func (incrementParser) Continue(ast.Node, text.Reader, parser.Context) parser.State {
	return parser.Close
}
func (incrementParser) Close(ast.Node, text.Reader, parser.Context) {}
func (incrementParser) CanInterruptParagraph() bool                 { return true }
func (incrementParser) CanAcceptIndentedLine() bool                 { return false }

// hidden drops a slide its tool does not show (Slidev's hide, remark's
// exclude and layout slides), with a warning when a remark layout slide
// had content that podium does not repeat on the slides after it.
func (cs *chapterState) hidden(s *slideNode, src []byte) {
	if s.template && s.HasChildren() {
		cs.check(s, src)
		cs.fm.warn(s.line, "remark layout slide: its properties apply to the slides after it, its content is not repeated on them")
	}
}

// splitAtNote splits a top-level paragraph at a line inside it that
// starts the notes in the chapter's dialect (remark's "???", reveal's
// "Note:": both tools split the slide's text at that line, whatever is
// above it), returning the paragraph from that line on, nil when it has
// none. Inline nodes move by where their text starts.
func (cs *chapterState) splitAtNote(p *ast.Paragraph, src []byte) *ast.Paragraph {
	if cs.dia.Dialect != DialectRemark && cs.dia.Dialect != DialectReveal {
		return nil
	}
	lines := p.Lines()
	at := -1
	for i := 1; i < lines.Len() && at < 0; i++ {
		seg := lines.At(i)
		v := strings.TrimRight(string(seg.Value(src)), " \t\n")
		switch cs.dia.Dialect {
		case DialectRemark:
			if v == "???" && (seg.Start == 0 || src[seg.Start-1] == '\n') {
				at = i
			}
		case DialectReveal:
			lv := strings.ToLower(strings.TrimLeft(v, " \t"))
			if strings.HasPrefix(lv, "note:") || strings.HasPrefix(lv, "notes:") {
				at = i
			}
		}
	}
	if at < 0 {
		return nil
	}
	return splitParagraph(p, at)
}

// splitParagraph cuts p before its line at, returning the paragraph of
// that line and the ones after it.
func splitParagraph(p *ast.Paragraph, at int) *ast.Paragraph {
	lines := p.Lines()
	off := lines.At(at).Start
	p2 := ast.NewParagraph()
	for i := at; i < lines.Len(); i++ {
		p2.Lines().Append(lines.At(i))
	}
	p.Lines().SetSliced(0, at)
	moving := false // this node and all after it
	for c := p.FirstChild(); c != nil; {
		next := c.NextSibling()
		moving = moving || inlineStart(c) >= off
		if moving {
			p.RemoveChild(p, c)
			p2.AppendChild(p2, c)
		}
		c = next
	}
	if t, ok := p.LastChild().(*ast.Text); ok {
		t.SetSoftLineBreak(false)
	}
	return p2
}

// inlineStart is where an inline node's first text starts; -1 without text.
func inlineStart(n ast.Node) int {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			off = c.Segment.Start
		case *ast.RawHTML:
			if c.Segments.Len() == 0 {
				return ast.WalkContinue, nil
			}
			off = c.Segments.At(0).Start
		default:
			return ast.WalkContinue, nil
		}
		return ast.WalkStop, nil
	})
	return off
}

// foreignInfo reads a code fence's info string as other tools write it,
// returning the language and podium's "{LINES}" (or ""): xaringan's
// "{r label, include=FALSE}" (an R chunk; include=FALSE and echo=FALSE
// hide it, as knitr would, since podium runs no R), Slidev's "ts
// [file.ts] {1|3-5} {lines: true} twoslash" ("*" is "all"), reveal's
// "js [1-2|3]". What podium cannot follow is a warning at the fence.
func (cs *chapterState) foreignInfo(info string, off int) (lang, spec string, hide bool) {
	line := cs.lines.line(off)
	if in, ok := strings.CutPrefix(info, "{"); ok {
		in, _, _ = strings.Cut(in, "}")
		words := strings.FieldsFunc(in, func(r rune) bool { return r == ' ' || r == ',' })
		if len(words) > 0 {
			lang = strings.ToLower(words[0])
		}
		for _, w := range words[min(1, len(words)):] {
			k, v, _ := strings.Cut(strings.ReplaceAll(w, " ", ""), "=")
			if (k == "include" || k == "echo") && (v == "FALSE" || v == "F") {
				hide = true
			}
		}
		return lang, "", hide
	}
	i := strings.IndexAny(info, " \t{[")
	if i < 0 {
		return info, "", false
	}
	lang, rest := info[:i], info[i:]
	var ignored []string
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
		open := rest[0]
		closer := map[byte]byte{'{': '}', '[': ']'}[open]
		if closer == 0 {
			w, tail, _ := strings.Cut(rest, " ")
			ignored, rest = append(ignored, w), tail
			continue
		}
		end := strings.IndexByte(rest, closer)
		if end < 0 {
			ignored, rest = append(ignored, rest), ""
			break
		}
		group, inner := rest[:end+1], strings.TrimSpace(rest[1:end])
		rest = rest[end+1:]
		switch {
		case inner == "" && open == '[':
			// reveal's line numbers without highlights
		case lineSpec(inner) && spec == "":
			spec = "{" + strings.NewReplacer("*", "all", " ", "").Replace(inner) + "}"
		default:
			ignored = append(ignored, group)
		}
	}
	if len(ignored) > 0 {
		cs.fm.warn(line, "code fence %q: %s not followed by podium: ignored", clip(info, 60), strings.Join(ignored, " "))
	}
	return lang, spec, false
}

// lineSpec reports whether s reads as line highlights: numbers, ranges,
// "*" and "all", separated by "," and "|".
func lineSpec(s string) bool {
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == ',' || r == ' ' }) {
		if part == "*" || part == "all" {
			continue
		}
		for _, c := range part {
			if (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return s != ""
}

// xaringanOutput reports whether an R Markdown output names xaringan's
// moon_reader with its title slide (seal) not turned off.
func xaringanOutput(n *yaml.Node) bool {
	found, sealed := false, true
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && strings.HasPrefix(n.Value, "xaringan::") {
			found = true
		}
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 && c.Value == "seal" && i+1 < len(n.Content) && n.Content[i+1].Value == "false" {
				sealed = false
			}
			walk(c)
		}
	}
	walk(n)
	return found && sealed
}

// xaringanTitle is the title slide xaringan makes of an R Markdown
// file's YAML: its title, subtitle, author, institute and date as
// headings, with the class "title-slide". nil when it makes none.
func (cs *chapterState) xaringanTitle() *slideNode {
	seal := cs.fm.seal
	if seal["output"] == "" || seal["title"] == "" {
		return nil
	}
	s := &slideNode{start: 0, end: cs.body, body: cs.body, brk: -1, next: cs.body}
	s.settings.class, s.settings.layout = "title-slide center middle inverse", "cover"
	for _, h := range []struct {
		key   string
		level int
	}{{"title", 1}, {"subtitle", 2}, {"author", 3}, {"institute", 3}, {"date", 3}} {
		if v := seal[h.key]; v != "" {
			n := ast.NewHeading(h.level)
			n.AppendChild(n, ast.NewString([]byte(v)))
			s.AppendChild(s, n)
		}
	}
	s.line = 1
	s.norm = normalize(string(cs.src[:cs.body]))
	s.podium.made = podiumHeadings(s)
	return s
}

// slidevLayout maps Slidev's built-in layouts onto podium's where one is
// the same thing under another name; others stay (a warning when podium
// has no such layout).
func slidevLayout(l string) string {
	switch l {
	case "intro":
		return "cover"
	case "end":
		return "center"
	case "two-cols-header":
		return "two-cols"
	case "image":
		return "full"
	}
	return l
}

// dialectExt is the goldmark extension for what other tools' dialects
// say inside a slide rather than between slides: Marp's background
// images (![bg](x)), reveal's <!-- .slide: … --> and <!-- .element: … -->
// comments. It runs before steps (a fragment is a step) and assets (a
// background is resolved and checked as a setting is).
type dialectExt struct{}

func (dialectExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(dialectTransformer{}, 150)))
}

type dialectTransformer struct{}

func (dialectTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	cs := chapterOf(pc)
	if cs == nil || (cs.dia.Dialect != DialectMarp && cs.dia.Dialect != DialectReveal) {
		return
	}
	eachSlide(doc, func(s *slideNode) {
		src := reader.Source()
		if s.from != nil {
			src = s.from.src
		}
		var drop []ast.Node
		walkSlide(s, func(n ast.Node, notes bool) ast.WalkStatus {
			if notes {
				return ast.WalkSkipChildren
			}
			switch n := n.(type) {
			case *ast.Image:
				if cs.dia.Dialect == DialectMarp && cs.marpBackground(s, n, src) {
					drop = append(drop, n)
				}
			case *ast.HTMLBlock:
				if t, ok := commentText(n, src); ok && cs.revealComment(s, n, t) {
					s.podium.drop(blockLines(n, src))
				}
			case *ast.RawHTML:
				var b bytes.Buffer
				for i := 0; i < n.Segments.Len(); i++ {
					seg := n.Segments.At(i)
					b.Write(seg.Value(src))
				}
				if t, ok := strings.CutPrefix(b.String(), "<!--"); ok && cs.revealComment(s, n, strings.TrimSpace(strings.TrimSuffix(t, "-->"))) && n.Segments.Len() > 0 {
					from, to := n.Segments.At(0).Start, n.Segments.At(n.Segments.Len()-1).Stop
					if to >= len(src) || src[to] == '\n' {
						for from > 0 && (src[from-1] == ' ' || src[from-1] == '\t') {
							from-- // and the blanks before it, at a line's end
						}
					}
					s.podium.dropInline(src, from, to)
				}
			}
			return ast.WalkContinue
		})
		for _, n := range drop {
			p := n.Parent()
			p.RemoveChild(p, n)
			if para, ok := p.(*ast.Paragraph); ok && blankInline(para, src) {
				para.Parent().RemoveChild(para.Parent(), para)
			}
		}
	})
}

// blankInline reports whether a paragraph has nothing left but blanks.
func blankInline(p *ast.Paragraph, src []byte) bool {
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok || len(bytes.TrimSpace(t.Segment.Value(src))) > 0 {
			return false
		}
	}
	return true
}

// marpBackground reads Marp's ![bg …](x): the slide's background image,
// with "contain"/"fit", "cover", "auto" or a percentage as its size.
// Split backgrounds (left, right) and filters are warnings.
func (cs *chapterState) marpBackground(s *slideNode, img *ast.Image, src []byte) bool {
	words := strings.Fields(plainText(img, src))
	if len(words) == 0 || words[0] != "bg" {
		return false
	}
	line := cs.lines.line(nodeOffset(img, src, img.Destination))
	from, to := imageSpan(img, src)
	s.podium.dropInline(src, from, to)
	if s.settings.bg.Image != "" {
		cs.fm.warn(line, "Marp background %q: podium shows one background image per slide: ignored", img.Destination)
		return true
	}
	var fm frontMatter
	fm.slide = s.settings
	cs.fm.value(&fm, "background", string(img.Destination), "!!str", line, fmBreak)
	s.settings = fm.slide
	for _, w := range words[1:] {
		switch {
		case w == "contain" || w == "fit":
			s.settings.bg.Size = "contain"
		case w == "cover" || w == "auto":
			s.settings.bg.Size = w
		case strings.HasSuffix(w, "%") && cssWords(w, 1):
			s.settings.bg.Size = w
		default:
			cs.fm.warn(line, "Marp background option %q has no podium equivalent: ignored", w)
		}
	}
	return true
}

// revealComment reads reveal's <!-- .slide: attrs --> (the slide's
// background and class) and <!-- .element: class="fragment" --> (its
// element is a step). Other attributes are warnings. It reports whether
// the comment was one of them (reveal's markup, not a comment).
func (cs *chapterState) revealComment(s *slideNode, n ast.Node, text string) bool {
	line := cs.lines.line(max(n.Pos(), 0))
	if attrs, ok := strings.CutPrefix(text, ".slide:"); ok {
		var fm frontMatter
		fm.slide = s.settings
		for _, m := range attrRe.FindAllStringSubmatch(attrs, -1) {
			k, v := strings.ToLower(m[1]), html.UnescapeString(m[3]+m[4])
			switch k {
			case "data-background", "data-background-color", "data-background-image":
				cs.fm.value(&fm, "background", v, "!!str", line, fmBreak)
			case "data-background-size":
				cs.fm.value(&fm, "background-size", v, "!!str", line, fmBreak)
			case "data-background-position":
				cs.fm.value(&fm, "background-position", v, "!!str", line, fmBreak)
			case "class":
				cs.fm.value(&fm, "class", v, "!!str", line, fmBreak)
			default:
				cs.fm.warn(line, "reveal slide attribute %q has no podium equivalent: ignored", k)
			}
		}
		s.settings = fm.slide
		return true
	}
	attrs, ok := strings.CutPrefix(text, ".element:")
	if !ok {
		return false
	}
	for _, m := range attrRe.FindAllStringSubmatch(attrs, -1) {
		if strings.ToLower(m[1]) == "class" && strings.Contains(" "+m[3]+m[4]+" ", " fragment ") {
			// The element it follows: a list item's, else its block.
			var el ast.Node = n
			for el != nil && el.Type() != ast.TypeBlock {
				el = el.Parent()
			}
			if el != nil {
				if li, ok := el.Parent().(*ast.ListItem); ok {
					el = li
				}
			}
			if el != nil {
				el.SetAttributeString("data-fragment", []byte("1"))
			}
			continue
		}
		cs.fm.warn(line, "reveal element attribute %s=%q has no podium equivalent: ignored", m[1], m[3]+m[4])
	}
	return true
}
