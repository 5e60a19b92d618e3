package deck

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"go.yaml.in/yaml/v3"
)

// Converted is a deck written out as podium's own format, for "podium
// convert": chapter files of podium Markdown, the folder's files they use,
// and what could not be carried over.
type Converted struct {
	// Chapters are the chapter files to write, in order: Name is the
	// file name in the new deck folder, Text its podium Markdown.
	Chapters []ConvertedFile
	// Assets are the files of the deck folder the slides use (slash
	// paths), to copy beside the chapters: the chapters refer to them by
	// the same relative paths. The deck's style.css is one of them.
	Assets []string
	// Warnings list what the new deck lacks, located in the source.
	Warnings []Problem
	// Deck is the source deck as loaded, to compare the result with.
	Deck *Deck
}

// ConvertedFile is one chapter file of a converted deck.
type ConvertedFile struct {
	Name, Text string
}

// Convert loads the deck and returns it as podium Markdown, in any
// dialect podium reads. Each chapter file of the source is one chapter
// file of the new deck, and a one-file deck's Slidev "src:" imports cut
// it: the slides of each imported file are a chapter, and the slides
// after it another (the first slide of such a chapter keeps its layout,
// not a section slide's).
//
// The podium form of a slide comes from the dialect's reader, which knows
// its parts: the reader records, in each slide's podiumForm, what of its
// source is its dialect's markup (settings, directives, notes markers,
// click and content-class markup, background images, code fence
// attributes, paths from another folder) and the writer here keeps the
// rest of the source as it is, with the slide's settings as podium's
// slide settings, its notes as a "Note:" paragraph and its steps as
// podium's (pauses, "*" lists). What podium cannot say is a warning.
func (l *Loader) Convert() (c *Converted, err error) {
	d, err := l.Load()
	if err != nil {
		return nil, err
	}
	defer func() {
		// A bug in the writer is a problem to report, not a crash.
		if r := recover(); r != nil {
			c, err = nil, Problems{{File: d.Slides[0].File, Msg: fmt.Sprintf("internal error converting this deck: %v", r)}}
		}
	}()
	c = &Converted{Deck: d, Warnings: slices.Clone(d.Warnings)}
	files, _ := l.chapterFiles()
	dia := d.Dialect
	if dia == DialectPresent {
		dia = DialectPodium // parsed as the podium Markdown it becomes
	}
	for i, f := range files {
		text, _, p := readChapter(l.fsys, f, &l.rbuf)
		if p != nil {
			return nil, Problems{*p}
		}
		tr, ps := translate(l.fsys, f, text, l.opt.Dialect)
		if ps != nil {
			return nil, Problems(ps)
		}
		if tr != nil {
			text = tr.text
		}
		w := l.eng.parse(l.fsys, f, text, i == 0, files[0], d.Meta.HTML, l.dialectOf(dia, f), nil)
		if len(w.probs) > 0 {
			return nil, sortProblems(w.probs)
		}
		parts := []chapterPart{{nodes: w.nodes, slides: d.Chapters[i].Slides, file: f}}
		if len(files) == 1 {
			parts = splitImports(w, d.Chapters[i].Slides)
		}
		for k, part := range parts {
			name := strings.TrimSuffix(path.Base(part.file), path.Ext(part.file))
			if !strings.HasSuffix(f, ".md") || len(files) == 1 {
				name = fmt.Sprintf("%02d-%s", i+k+1, strings.TrimLeft(name, "0123456789-_. "))
				if strings.HasSuffix(name, "-") {
					name += "talk"
				}
			}
			part.name, part.ci, part.k = name+".md", i, k
			out, warns := writeChapter(w, d, part)
			if tr != nil {
				mapLines(map[string]*translated{f: tr}, warns)
			}
			c.Warnings = append(c.Warnings, warns...)
			c.Chapters = append(c.Chapters, ConvertedFile{Name: part.name, Text: out})
		}
	}
	first := &c.Chapters[0]
	if got, _ := DetectDialect(first.Name, []byte(first.Text)); got != DialectPodium {
		// Its text has another tool's markers (a "--" line in code under
		// slide settings reads as remark's): say it is podium's.
		if rest, ok := strings.CutPrefix(first.Text, "---\n"); ok {
			first.Text = "---\ndialect: podium\n" + rest
		} else {
			first.Text = "---\ndialect: podium\n---\n\n" + first.Text
		}
	}
	c.Warnings = sortProblems(c.Warnings)
	for a := range d.Assets {
		c.Assets = append(c.Assets, a)
	}
	if d.Style != "" {
		c.Assets = append(c.Assets, StyleFile)
	}
	slices.Sort(c.Assets)
	return c, nil
}

// podiumForm is what a dialect's reader knows of a slide's source in
// podium's own format: the byte ranges of the source that are its
// dialect's markup (deleted or replaced), where its notes start, and the
// Markdown of a slide made from no source of its own.
type podiumForm struct {
	edits    []srcEdit
	notes    bool // notesAt and notesCut are set: a notes marker
	notesAt  int  // offset of the notes' first line
	notesCut int  // length of the marker on it
	made     string
}

// srcEdit replaces src[start:end] by with; warn, when set, says what the
// podium form loses there.
type srcEdit struct {
	start, end int
	with, warn string
}

func (f *podiumForm) replace(start, end int, with string) {
	if start >= 0 && end >= start {
		f.edits = append(f.edits, srcEdit{start: start, end: end, with: with})
	}
}

func (f *podiumForm) drop(start, end int) { f.replace(start, end, "") }

// dropInline drops inline markup at src[start:end], escaping what the
// deletion would make a block marker.
func (f *podiumForm) dropInline(src []byte, start, end int) {
	if start < 0 || end < start {
		return
	}
	f.drop(start, end)
	f.edits = append(f.edits, exposed(src, start, end)...)
}

func (f *podiumForm) dropWarn(warn string, start, end int) {
	if start >= 0 && end >= start {
		f.edits = append(f.edits, srcEdit{start: start, end: end, warn: warn})
	}
}

// rewrite replaces a link's or image's destination dest, written in src
// after the node's text, by to.
func (f *podiumForm) rewrite(n ast.Node, src, dest []byte, to string) {
	off := lineStart(src, max(nodeOffset(n, src, dest), 0))
	i := bytes.Index(src[off:], append([]byte("]("), dest...))
	if i < 0 {
		i = bytes.Index(src[off:], append([]byte("](<"), dest...))
		if i < 0 {
			return
		}
		i++
	}
	start := off + i + 2
	f.replace(start, start+len(dest), to)
}

// clickAttrDropRe finds Slidev's click attributes in an HTML tag.
var clickAttrDropRe = regexp.MustCompile(`\s(v-click|v-after|v-clicks)(\.[a-z]+)*(=("[^"]*"|'[^']*'|[^\s>]+))?`)

// dropAttrs deletes Slidev's click attributes from an HTML block that is
// a step of its own: podium's pause before it says when it shows.
func (f *podiumForm) dropAttrs(c ast.Node, src []byte) {
	start, end := blockLines(c, src)
	for _, m := range clickAttrDropRe.FindAllIndex(src[start:end], -1) {
		f.drop(start+m[0], start+m[1])
	}
}

// lineStart is the offset of the start of off's line.
func lineStart(src []byte, off int) int {
	off = min(max(off, 0), len(src))
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// lineEnd is the offset after off's line and its newline.
func lineEnd(src []byte, off int) int {
	_, end := nextLine(src, min(max(off, 0), len(src)))
	return end
}

// blockLines is the span of whole lines a leaf block (a paragraph, an
// HTML block) is written on; (-1, -1) when it has no lines.
func blockLines(c ast.Node, src []byte) (int, int) {
	lines := c.Lines()
	if lines.Len() == 0 {
		if c.Pos() >= 0 {
			return lineStart(src, c.Pos()), lineEnd(src, c.Pos())
		}
		return -1, -1
	}
	start, stop := lines.At(0).Start, lines.At(lines.Len()-1).Stop
	if h, ok := c.(*ast.HTMLBlock); ok && h.HasClosure() {
		stop = h.ClosureLine.Stop
	}
	if stop > start && src[stop-1] == '\n' {
		return lineStart(src, start), stop
	}
	return lineStart(src, start), lineEnd(src, stop)
}

// imageSpan is where an image "![alt](dest)" is written.
func imageSpan(img *ast.Image, src []byte) (int, int) {
	off := nodeOffset(img, src, img.Destination)
	start := bytes.LastIndex(src[:min(off+2, len(src))], []byte("!["))
	if start < 0 {
		return -1, -1
	}
	i := bytes.Index(src[start:], []byte("]("))
	if i < 0 {
		return -1, -1
	}
	depth := 0
	for k := start + i + 2; k < len(src) && src[k] != '\n'; k++ {
		switch src[k] {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return start, k + 1
			}
			depth--
		}
	}
	return -1, -1
}

// podiumHeadings is the Markdown of a slide made of headings of text
// (xaringan's title slide).
func podiumHeadings(s *slideNode) string {
	var b strings.Builder
	for c := s.FirstChild(); c != nil; c = c.NextSibling() {
		h, ok := c.(*ast.Heading)
		if !ok {
			continue
		}
		var t strings.Builder
		for x := h.FirstChild(); x != nil; x = x.NextSibling() {
			if str, ok := x.(*ast.String); ok {
				t.Write(str.Value)
			}
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(strings.Repeat("#", h.Level) + " " + mdEscape(t.String()))
	}
	return b.String()
}

// classWarning is what converting a remark content class loses.
func classWarning(name string) string {
	return fmt.Sprintf("remark content class .%s[…]: podium has no content classes: its content is kept, without the class", name)
}

// mdEscape escapes text so that podium's Markdown shows it as it is.
func mdEscape(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case strings.ContainsRune("\\`*_[]<>!|~$&:^{}", r),
			i == 0 && strings.ContainsRune("#-+=>", r):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	out := b.String()
	// "1." and "1)" at the start would be a list.
	if k := strings.IndexFunc(out, func(r rune) bool { return r < '0' || r > '9' }); k > 0 && (out[k] == '.' || out[k] == ')') {
		out = out[:k] + "\\" + out[k:]
	}
	return out
}

// commentMarkdown is a comment note (shown as text, its paragraphs split
// at blank lines, its lines kept) as podium Markdown.
func commentMarkdown(text string) string {
	var paras []string
	for _, para := range strings.Split(text, "\n\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		lines := strings.Split(para, "\n")
		for i, ln := range lines {
			lines[i] = mdEscape(strings.TrimSpace(ln))
		}
		paras = append(paras, strings.Join(lines, "\\\n"))
	}
	return strings.Join(paras, "\n\n")
}

// chapterPart is the slides of a source chapter that make one chapter
// of the converted deck: all of them, or a run of them from one file.
type chapterPart struct {
	nodes  []*slideNode
	slides []*Slide // as the source deck shows them
	file   string   // the file they come from
	name   string   // of the new chapter file
	ci, k  int      // the source chapter, and which part of it
}

// splitImports cuts a chapter's slides where a Slidev "src:" import
// starts or ends: each file's run of slides is a chapter of its own,
// as its author split the talk into files.
func splitImports(w *chapterWork, slides []*Slide) []chapterPart {
	var parts []chapterPart
	for i, s := range w.nodes {
		file := s.fileOr(w.file)
		if len(parts) == 0 || parts[len(parts)-1].file != file {
			parts = append(parts, chapterPart{file: file})
		}
		p := &parts[len(parts)-1]
		p.nodes, p.slides = append(p.nodes, s), append(p.slides, slides[i])
	}
	return parts
}

// writeChapter writes part of chapter ci of deck d, parsed as w, as
// podium Markdown, with the warnings of what it loses.
func writeChapter(w *chapterWork, d *Deck, part chapterPart) (string, []Problem) {
	var b strings.Builder
	var warns []Problem
	if part.k == 0 {
		for _, line := range w.hidden {
			warns = append(warns, Problem{File: w.file, Line: line, Msg: "a slide its tool does not show (hidden, excluded): left out"})
		}
	}
	for k, s := range part.nodes {
		src, file := w.src, w.file
		if s.from != nil {
			src, file = s.from.src, s.from.file
		}
		keys := slideKeys(s.settings)
		if k == 0 && part.k > 0 && s.settings.layout == "" {
			// Not a section slide for being a chapter's first.
			keys = append([][2]string{{"layout", part.slides[0].Layout}}, keys...)
		}
		if k == 0 {
			head := chapterKeys(part, d)
			head = append(head, keys...)
			if len(head) > 0 {
				b.WriteString("---\n" + yamlOf(head) + "---\n\n")
			}
		} else {
			b.WriteString("\n---\n")
			if len(keys) > 0 {
				b.WriteString(yamlOf(keys) + "---\n")
			}
			b.WriteString("\n")
		}
		body, notes, ws := podiumSlide(s, src, d.Dialect)
		lines := newLineIndex(src)
		for _, e := range ws {
			warns = append(warns, Problem{File: file, Line: lines.line(e.start), Msg: e.warn})
		}
		if body == "" && (len(keys) == 0 || k == 0) {
			// A slide of settings alone: podium needs something after
			// front matter, and something on a slide without settings.
			body = "<!-- a slide with nothing podium shows -->"
		}
		b.WriteString(body)
		if notes != "" {
			if body != "" {
				b.WriteString("\n\n")
			}
			b.WriteString(notes)
		}
		b.WriteString("\n")
	}
	return b.String(), warns
}

// chapterKeys are the front matter keys of a converted chapter: the
// deck's in the first, and its title where its first heading (or file
// name) would not give it. A part after the first has its own title.
func chapterKeys(part chapterPart, d *Deck) [][2]string {
	var keys [][2]string
	derived := ""
	for _, s := range part.nodes {
		if s.heading != "" {
			derived = s.heading
			break
		}
	}
	if derived == "" {
		derived = fileTitle(part.name)
	}
	title := d.Chapters[part.ci].Title
	if part.k > 0 {
		return nil
	}
	if part.ci > 0 {
		if title != derived {
			keys = append(keys, [2]string{"title", title})
		}
		return keys
	}
	m := d.Meta
	chapter := derived
	if m.Title != derived {
		keys = append(keys, [2]string{"title", m.Title})
		chapter = m.Title
	}
	if title != chapter {
		keys = append(keys, [2]string{"chapter", title})
	}
	for _, kv := range [][2]string{{"subtitle", m.Subtitle}, {"author", m.Author}, {"event", m.Event}, {"date", m.Date}} {
		if kv[1] != "" {
			keys = append(keys, kv)
		}
	}
	if m.Lang != "" && m.Lang != "en" {
		keys = append(keys, [2]string{"lang", m.Lang})
	}
	if m.Theme != "" && m.Theme != "light" {
		keys = append(keys, [2]string{"theme", m.Theme})
	}
	if m.HTML {
		keys = append(keys, [2]string{"html", "true"})
	}
	return keys
}

// slideKeys are a slide's settings as podium's slide keys.
func slideKeys(st settings) [][2]string {
	var keys [][2]string
	add := func(k, v string) {
		if v != "" {
			keys = append(keys, [2]string{k, v})
		}
	}
	add("title", st.title)
	add("layout", st.layout)
	add("class", st.class)
	if st.bg.Image != "" {
		add("background", assetPath(st.bg.Image))
	} else {
		add("background", st.bg.Color)
	}
	add("background-size", st.bg.Size)
	add("background-position", st.bg.Position)
	add("image", assetPath(st.image))
	if st.noSteps {
		add("steps", "false")
	}
	return keys
}

// assetPath is the deck folder's path of an asset URL ("/deck/x.png?v=…"
// → "x.png"); other URLs stay.
func assetPath(u string) string {
	p, ok := strings.CutPrefix(u, "/deck/")
	if !ok {
		return u
	}
	p, _, _ = strings.Cut(p, "?")
	return p
}

// yamlOf writes keys as YAML lines, quoted where YAML needs it.
func yamlOf(keys [][2]string) string {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, kv := range keys {
		v := &yaml.Node{Kind: yaml.ScalarNode, Value: kv[1], Tag: "!!str"}
		if (kv[0] == "html" || kv[0] == "steps") && (kv[1] == "true" || kv[1] == "false") {
			v.Tag = "!!bool"
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: kv[0], Tag: "!!str"}, v)
	}
	out, err := yaml.Marshal(m)
	if err != nil {
		return ""
	}
	return string(out)
}

// podiumSlide is a slide's body and notes as podium Markdown, and the
// edits of its source that lose something.
func podiumSlide(s *slideNode, src []byte, dia Dialect) (body, notes string, lost []srcEdit) {
	if s.podium.made != "" {
		return s.podium.made, "", nil
	}
	edits := slices.Clone(s.podium.edits)
	edits = append(edits, bodyEdits(s, src, edits, dia == DialectSlidev)...)
	if s.notes != nil {
		// remark's "--" in the notes shows nothing; it ends a paragraph.
		_ = ast.Walk(s.notes, func(x ast.Node, entering bool) (ast.WalkStatus, error) {
			if p, ok := x.(*pauseNode); ok && entering && p.end > p.start {
				edits = append(edits, srcEdit{start: lineStart(src, p.start), end: p.end, with: "\n"})
			}
			return ast.WalkContinue, nil
		})
	}
	slices.SortStableFunc(edits, func(a, b srcEdit) int { return a.start - b.start })
	end := s.end
	if s.podium.notes {
		end = lineStart(src, s.podium.notesAt)
	}
	body = trimBlank(applyEdits(src, s.body, end, edits))
	var ns []string
	if s.podium.notes {
		t := applyEdits(src, s.podium.notesAt+s.podium.notesCut, s.end, edits)
		t = strings.TrimLeft(t, " \t")
		if strings.HasPrefix(t, "\n") {
			ns = append(ns, strings.TrimRight("Note:"+t, " \t\n"))
		} else if t = strings.TrimRight(t, " \t\n"); t != "" {
			ns = append(ns, "Note: "+t)
		}
	}
	if s.notes != nil {
		var texts []string
		for c := s.notes.FirstChild(); c != nil; c = c.NextSibling() {
			if cn, ok := c.(*commentNote); ok {
				if md := commentMarkdown(cn.text); md != "" {
					texts = append(texts, md)
				}
			}
		}
		if len(texts) > 0 {
			if len(ns) == 0 {
				ns = append(ns, "Note:")
			}
			ns = append(ns, texts...)
		}
	}
	for _, e := range edits {
		if e.warn != "" && e.start >= s.start && e.start < s.end {
			lost = append(lost, e)
		}
	}
	return body, strings.Join(ns, "\n\n"), lost
}

// trimBlank drops the blank lines at the start and the blanks at the end.
func trimBlank(t string) string {
	for {
		ln, rest, ok := strings.Cut(t, "\n")
		if !ok || strings.TrimSpace(ln) != "" {
			break
		}
		t = rest
	}
	if strings.TrimSpace(t) == "" {
		return ""
	}
	return strings.TrimRight(t, " \t\n")
}

// applyEdits is src[from:to] with the edits inside it applied, in order;
// an edit overlapping an earlier one is left out.
func applyEdits(src []byte, from, to int, edits []srcEdit) string {
	var b strings.Builder
	at := from
	for _, e := range edits {
		if e.start < at || e.end > to || e.start >= to && e.end > e.start {
			continue
		}
		b.Write(src[at:e.start])
		b.WriteString(e.with)
		at = e.end
	}
	if at < to {
		b.Write(src[at:to])
	}
	return b.String()
}

// covered reports whether off is inside a deletion.
func covered(edits []srcEdit, off int) bool {
	for _, e := range edits {
		if e.with == "" && off >= e.start && off < e.end {
			return true
		}
	}
	return false
}

// pauseText is podium's pause, with the blank lines it needs around it.
const pauseText = "\n. . .\n\n"

// bodyEdits are the writer's own edits of a slide's body, from what the
// reader made of it: podium's pauses where a block shows at a later step
// (Slidev's v-click, remark's "--"), list markers that step (or not) as
// the source's lists do, "---" thematic breaks written "***", and a text
// paragraph starting "Note:" escaped.
func bodyEdits(s *slideNode, src []byte, known []srcEdit, slidev bool) []srcEdit {
	var out []srcEdit
	blocks := topBlocks(s)
	// A pause inside a block is none (remark's "--" in a content class).
	for _, c := range blocks {
		_ = ast.Walk(c, func(x ast.Node, entering bool) (ast.WalkStatus, error) {
			if p, ok := x.(*pauseNode); ok && entering && x != c && p.end > p.start {
				out = append(out, srcEdit{start: lineStart(src, p.start), end: p.end})
			}
			return ast.WalkContinue, nil
		})
	}
	n, seg, pending := 0, 0, false
	var lastList byte // the marker of the block before, when a list
	for _, c := range blocks {
		if p, ok := c.(*pauseNode); ok {
			if p.end > p.start {
				out = append(out, srcEdit{start: lineStart(src, p.start), end: p.end, with: pauseText})
			}
			pending = true
			continue
		}
		start, _ := blockSpan(c, src)
		if start < 0 || covered(known, start) {
			continue
		}
		want := blockStep(c)
		if !s.settings.noSteps {
			if !pending && want > seg {
				out = append(out, srcEdit{start: start, end: start, with: pauseText})
				pending = true
			}
			if pending {
				n++
				seg, pending = n, false
			} else if want < seg {
				out = append(out, srcEdit{start: start, end: start, warn: fmt.Sprintf("shown from step %d in its tool, after what shows at step %d: podium's pauses show it with the step before it", want, seg)})
			}
		}
		if l, ok := c.(*ast.List); ok {
			m := listMarker(l)
			if m == lastList {
				// What kept them two lists is gone (Slidev's <v-clicks>).
				out = append(out, srcEdit{start: start, end: start, with: "<!-- -->\n\n"})
			}
			lastList = m
		} else {
			lastList = 0
		}
		switch c := c.(type) {
		case *ast.ThematicBreak:
			if ln := strings.TrimSpace(string(src[start:lineEnd(src, start)])); strings.Trim(ln, "-") == "" || strings.Trim(ln, "_") == "" {
				out = append(out, srcEdit{start: start, end: lineEnd(src, start), with: "***\n"})
			}
		case *ast.Paragraph:
			if c.Lines().Len() > 0 && c.Lines().At(0).Start == start && bytes.HasPrefix(src[start:], []byte("Note:")) {
				out = append(out, srcEdit{start: start + 4, end: start + 4, with: "\\"})
			}
		}
		_ = ast.Walk(c, func(x ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			// Slidev's click markup the reader does not step by (inside
			// other HTML) means nothing to podium: it goes.
			switch x := x.(type) {
			case *ast.HTMLBlock:
				if slidev {
					from, to := blockLines(x, src)
					out = append(out, clickMarkup(src, from, to)...)
				}
			case *ast.RawHTML:
				if slidev && x.Segments.Len() > 0 {
					from, to := x.Segments.At(0).Start, x.Segments.At(x.Segments.Len()-1).Stop
					if es := clickMarkup(src, from, to); len(es) > 0 {
						out = append(out, es...)
						out = append(out, exposed(src, from, to)...)
					}
				}
			}
			if s.settings.noSteps {
				return ast.WalkContinue, nil
			}
			switch x := x.(type) {
			case *ast.List:
				stepped, all := 0, 0
				for li := x.FirstChild(); li != nil; li = li.NextSibling() {
					all++
					if _, ok := li.AttributeString("data-step"); ok {
						stepped++
					}
				}
				n += stepped
				podiumSteps := x.Marker == '*' || x.Marker == ')'
				if stepped > 0 && stepped < all {
					out = append(out, srcEdit{start: start, end: start, warn: "a list with some items stepped: podium steps a list's items all or none: all are stepped"})
				}
				if (stepped > 0) == podiumSteps {
					break
				}
				for li := x.FirstChild(); li != nil; li = li.NextSibling() {
					if e, ok := markerEdit(li, x, src, stepped > 0); ok {
						out = append(out, e)
					}
				}
			case *codeBlock:
				if len(x.sets) > 1 {
					n += len(x.sets) - 1
				}
			}
			return ast.WalkContinue, nil
		})
	}
	return out
}

// clickTagDropRe finds Slidev's click elements' tags.
var clickTagDropRe = regexp.MustCompile(`</?v-(click|clicks|after|switch)\b[^>]*>`)

// clickMarkup deletes Slidev's click attributes and elements in the HTML
// at src[from:to].
func clickMarkup(src []byte, from, to int) []srcEdit {
	if from < 0 || to > len(src) || from >= to || !bytes.Contains(src[from:to], []byte("v-")) {
		return nil
	}
	var out []srcEdit
	for _, re := range []*regexp.Regexp{clickAttrDropRe, clickTagDropRe} {
		for _, m := range re.FindAllIndex(src[from:to], -1) {
			start, end := from+m[0], from+m[1]
			ls, le := lineStart(src, start), lineEnd(src, end)
			with := ""
			if len(bytes.TrimSpace(src[ls:start])) == 0 && len(bytes.TrimSpace(src[end:le])) == 0 {
				start, end = ls, le // alone on its line: a blank line would end the HTML
				if ls == from && le < to {
					// The block's first line: without it, the lines
					// after it would be Markdown, no longer HTML.
					with = "<div>\n"
					if bytes.HasPrefix(bytes.TrimSpace(src[ls:le]), []byte("</")) {
						with = "</div>\n"
					}
				}
			}
			out = append(out, srcEdit{start: start, end: end, with: with})
		}
	}
	return out
}

// exposed escapes what deleting src[from:to], inline, would make a
// block marker: the text after it at the line's start ("```", "* "), or
// a line left of dashes alone (a slide break, front matter).
func exposed(src []byte, from, to int) []srcEdit {
	ls, le := lineStart(src, from), lineEnd(src, to)
	before := src[ls:from]
	k := to
	for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
		k++
	}
	if len(bytes.TrimSpace(before)) == 0 && k < len(src) && strings.IndexByte("`~*-+#>=_|0123456789", src[k]) >= 0 {
		return []srcEdit{{start: k, end: k, with: "\\"}}
	}
	rest := strings.TrimSpace(string(before) + string(src[to:le]))
	for _, ch := range "-=*_" {
		if rest != "" && strings.Trim(rest, string(ch)+" ") == "" {
			at := ls + len(before) - len(bytes.TrimLeft(before, " \t"))
			return []srcEdit{{start: at, end: at, with: "\\"}}
		}
	}
	return nil
}

// listMarker is the marker a list has in podium's form.
func listMarker(l *ast.List) byte {
	stepped := false
	for li := l.FirstChild(); li != nil; li = li.NextSibling() {
		if _, ok := li.AttributeString("data-step"); ok {
			stepped = true
		}
	}
	switch {
	case l.IsOrdered() && stepped:
		return ')'
	case l.IsOrdered():
		return '.'
	case stepped:
		return '*'
	case l.Marker == '*':
		return '-'
	}
	return l.Marker
}

// topBlocks are the top-level blocks of a slide's body, in order, the
// columns a layout made of them (columns.go) opened.
func topBlocks(s *slideNode) []ast.Node {
	var out []ast.Node
	var add func(ast.Node)
	add = func(p ast.Node) {
		for c := p.FirstChild(); c != nil; c = c.NextSibling() {
			switch c.(type) {
			case *notesNode:
				return
			case *columnBox:
				add(c)
			default:
				out = append(out, c)
			}
		}
	}
	add(s)
	return out
}

// markerEdit rewrites a list item's marker so that podium steps its list
// (stepped: "*" or "1)") or shows it at once ("-" or "1.").
func markerEdit(li ast.Node, l *ast.List, src []byte, stepped bool) (srcEdit, bool) {
	off := li.Pos()
	if off < 0 {
		return srcEdit{}, false
	}
	for off < len(src) && (src[off] == ' ' || src[off] == '\t') {
		off++
	}
	if l.IsOrdered() {
		for off < len(src) && src[off] >= '0' && src[off] <= '9' {
			off++
		}
	}
	if off >= len(src) || src[off] != l.Marker {
		return srcEdit{}, false
	}
	with := map[bool]map[bool]string{true: {true: ")", false: "."}, false: {true: "*", false: "-"}}[l.IsOrdered()][stepped]
	return srcEdit{start: off, end: off + 1, with: with}, true
}

// blockSpan is where a block starts (its line) and ends in src.
func blockSpan(c ast.Node, src []byte) (int, int) {
	switch c := c.(type) {
	case *stepBlock:
		if c.FirstChild() != nil {
			return blockSpan(c.FirstChild(), src)
		}
	case *remarkClass:
		if c.FirstChild() != nil {
			return blockSpan(c.FirstChild(), src)
		}
		return -1, -1
	}
	if c.Pos() >= 0 {
		return lineStart(src, c.Pos()), -1
	}
	start := -1
	_ = ast.Walk(c, func(x ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && x.Type() == ast.TypeBlock && x.Lines().Len() > 0 {
			start = x.Lines().At(0).Start
			return ast.WalkStop, nil
		}
		if entering && x.Pos() >= 0 {
			start = x.Pos()
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if start < 0 {
		return -1, -1
	}
	return lineStart(src, start), -1
}

// blockStep is the step the reader gave a top-level block (0: shown with
// the slide).
func blockStep(c ast.Node) int {
	if cb, ok := c.(*codeBlock); ok {
		return cb.step
	}
	if v, ok := c.AttributeString("data-step"); ok {
		if b, ok := v.([]byte); ok {
			n, _ := strconv.Atoi(string(b))
			return n
		}
	}
	if rc, ok := c.(*remarkClass); ok && rc.FirstChild() != nil {
		return blockStep(rc.FirstChild())
	}
	return 0
}
