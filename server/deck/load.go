package deck

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	gmtext "github.com/yuin/goldmark/text"
)

// MaxFileSize is the largest chapter file Load accepts (1 MiB). A talk's
// chapter is a few KB; anything near this limit is a mistake (a pasted log, a
// binary renamed .md) that would otherwise make every reload slow.
const MaxFileSize = 1 << 20

// MaxChapters is the most chapter files a deck folder may hold.
const MaxChapters = 1000

// Load reads the deck folder fsys ("." is the deck root), parses and renders
// every chapter. When anything is wrong it returns a nil deck and a
// Problems error listing every problem found, sorted by file and line.
func Load(fsys fs.FS) (*Deck, error) {
	return NewLoader(fsys).Load()
}

// Loader loads a deck folder again and again, as its files change. It
// re-reads every file on each Load but re-parses and re-renders only the
// chapters whose bytes changed, and gives slides the IDs they had in the
// previous good deck (see "Slide IDs" in the package doc). Within a changed
// chapter, slides whose source did not change are not rendered again either.
//
// A Loader is meant for one goroutine at a time (the file watcher's); the
// decks it returns are immutable and may be shared freely.
type Loader struct {
	fsys   fs.FS
	eng    *engine
	opt    Options
	cache  map[cacheKey]*chapter
	slides map[slideKey]*slideOut // every slide of the last good deck
	prev   *Deck                  // last good deck: the base for slide ID reconciliation
	rbuf   bytes.Buffer           // to read files into
	html   struct {               // the first chapter's html key, by its bytes
		file    string
		sum     [sha256.Size]byte
		allowed bool
		set     bool // by the key, not the dialect's default
	}

	renders int // chapters parsed and rendered so far, for tests
}

// NewLoader returns a Loader of the deck folder fsys.
func NewLoader(fsys fs.FS) *Loader {
	return NewLoaderWith(fsys, Options{})
}

// NewLoaderWith returns a Loader of the deck folder fsys with options.
func NewLoaderWith(fsys fs.FS, o Options) *Loader {
	return &Loader{fsys: fsys, eng: newEngine(o), opt: o, cache: map[cacheKey]*chapter{}}
}

// Base makes d, a deck another Loader read, the previous good deck of
// this one: the next Load reconciles its slide IDs with d's, as if this
// Loader had read d last. A replica that joins a held talk loads the
// version its audience is kept on apart, and the newest after it.
func (l *Loader) Base(d *Deck) { l.prev = d }

// cacheKey is everything a rendered chapter depends on, except the deck
// folder's other files (the assets it uses are re-checked on every Load).
type cacheKey struct {
	file  string
	sum   [sha256.Size]byte // of the file's bytes, which decide its text
	first bool              // deck keys allowed; title is the deck's
	html  bool              // raw HTML allowed
	dia   dialectKey        // how the file is read
}

// slideKey is everything a rendered slide depends on, except assets.
type slideKey struct {
	file string
	html bool
	dia  dialectKey
	src  string
	refs string // the chapter's link reference definitions, which any slide may use
	// noSteps is the slide's "steps: false", which may come from the
	// file's front matter, outside src.
	noSteps bool
}

// chapter is the cached, rendered form of one chapter file.
type chapter struct {
	title    string
	meta     Meta // first chapter only, before defaults
	slides   []rendered
	assets   []assetRef
	warnings []Problem
	// digest covers what audiences are sent (titles, HTML, steps,
	// settings, the metadata they see); notes covers the speaker notes. A
	// notes-only edit changes notes alone, so audience devices hear
	// nothing of it.
	digest, notes [sha256.Size]byte
	guard         int64 // its paragraphs' cost to goldmark (guard.go)
}

// rendered is one slide as rendered, before it gets its place in a deck.
type rendered struct {
	*slideOut
	key      slideKey
	line     int
	norm     string // normalized source
	sum      srcSum // its hash
	base     string // base ID
	settings settings
}

// slideOut is the output of rendering one slide's source; it depends only
// on the slideKey (and on the versions of the assets it uses).
type slideOut struct {
	title   string // "" when the slide has no heading nor text
	heading string // first heading, for the chapter title
	html    string
	notes   string
	steps   int
	assets  []assetRef
}

// Load reads the folder again and returns the new deck, or nil and
// Problems. A failed Load keeps the last good deck as the base for IDs.
func (l *Loader) Load() (*Deck, error) {
	files, probs := l.chapterFiles()
	if probs != nil {
		return nil, probs
	}
	texts := make([]string, len(files))
	sums := make([][sha256.Size]byte, len(files))
	trans := map[string]*translated{} // of files in other formats, to map lines back
	var origProbs []Problem           // of those files, at their own lines
	for i, f := range files {
		t, sum, p := readChapter(l.fsys, f, &l.rbuf)
		if p != nil {
			probs = append(probs, *p)
		}
		if t != "" {
			tr, ps := translate(l.fsys, f, t, l.opt.Dialect)
			origProbs = append(origProbs, ps...)
			if tr != nil {
				// The translation may hold other files (the code that
				// .code shows): its hash is the chapter's.
				trans[f], t, sum = tr, tr.text, sha256.Sum256([]byte(tr.text))
			} else if ps != nil {
				t = ""
			}
		}
		texts[i], sums[i] = t, sum
	}
	dia, why := l.opt.Dialect, "as asked"
	if tr := trans[files[0]]; dia == "" && tr != nil && tr.dialect != "" {
		// A remark page is remark's by construction, whatever markers
		// its Markdown has or lacks.
		dia, why = tr.dialect, tr.why
	}
	if dia == "" && texts[0] != "" {
		dia, why = DetectDialect(files[0], []byte(texts[0]))
		if _, _, ok := revealHTMLSeparators(l.fsys, files[0]); ok && dia == DialectPodium {
			dia, why = DialectReveal, "an HTML page of the folder loads it with <section data-markdown>"
		}
	}
	if dia == "" {
		dia = DialectPodium
	}
	// The first chapter's front matter decides whether raw HTML is allowed
	// everywhere, so it is read before any chapter is rendered; without
	// its html key, the dialect's tool decides.
	allowHTML := false
	if texts[0] != "" {
		if l.html.file != files[0] || l.html.sum != sums[0] {
			l.html.file, l.html.sum = files[0], sums[0]
			l.html.allowed, l.html.set = l.eng.htmlAllowed(l.fsys, files[0], texts[0])
		}
		allowHTML = l.html.allowed || !l.html.set && dia.htmlByDefault()
	}
	// A Go present file is parsed as the podium Markdown it was
	// translated to (present.go); the deck still says it is present.
	parseDia := dia
	if parseDia == DialectPresent {
		parseDia = DialectPodium
	}
	dks := make([]dialectKey, len(files))
	for i, f := range files {
		dks[i] = l.dialectOf(parseDia, f)
	}
	chapters := make([]*chapter, len(files))
	next := make(map[cacheKey]*chapter, len(files))
	keys := make([]cacheKey, len(files))
	var todo []int
	for i, f := range files {
		if texts[i] == "" {
			continue
		}
		keys[i] = cacheKey{file: f, sum: sums[i], first: i == 0, html: allowHTML, dia: dks[i]}
		if c := l.cache[keys[i]]; c != nil && l.eng.versions.current(l.fsys, c.assets) {
			chapters[i], next[keys[i]] = c, c
			continue
		}
		todo = append(todo, i)
	}
	// Render the changed chapters' slides, in parallel: a cold load
	// renders them all, and chroma is slow. l.slides is only read meanwhile.
	l.renders += len(todo)
	works := make([]*chapterWork, len(files))
	parallel(len(todo), func(k int) {
		i := todo[k]
		works[i] = l.eng.parse(l.fsys, files[i], texts[i], i == 0, files[0], allowHTML, dks[i], l.slides)
	})
	type job struct {
		w *chapterWork
		i int
	}
	var jobs []job
	for _, i := range todo {
		for _, s := range works[i].todo {
			jobs = append(jobs, job{works[i], s})
		}
	}
	parallel(len(jobs), func(k int) { l.eng.renderSlide(jobs[k].w, jobs[k].i) })
	chProbs := make([][]Problem, len(files))
	parallel(len(todo), func(k int) {
		i := todo[k]
		l.eng.renderTwins(works[i])
		chapters[i], chProbs[i] = works[i].finish()
	})
	for _, i := range todo {
		if len(chProbs[i]) > 0 {
			probs = append(probs, chProbs[i]...)
			chapters[i] = nil
			continue
		}
		next[keys[i]] = chapters[i]
	}
	style, sp := readStyle(l.fsys)
	if sp != nil {
		probs = append(probs, *sp)
	}
	if len(probs) > 0 || len(origProbs) > 0 {
		mapLines(trans, probs)
		return nil, sortProblems(append(probs, origProbs...))
	}
	slides := make(map[slideKey]*slideOut, len(l.slides))
	for _, c := range chapters {
		for _, r := range c.slides {
			slides[r.key] = r.slideOut
		}
	}
	l.slides = slides
	l.cache = next
	d := assemble(files, chapters, l.prev, style)
	d.Meta.HTML = allowHTML
	d.Dialect, d.DialectReason = dia, why
	if strings.HasPrefix(why, "ambiguous") {
		d.Warnings = append(d.Warnings, Problem{File: files[0], Msg: "read as a podium deck: " + why + "; set the dialect with a \"dialect:\" front matter key"})
	}
	mapLines(trans, d.Warnings)
	for _, tr := range trans {
		d.Warnings = append(d.Warnings, tr.warnings...)
	}
	for _, s := range d.Slides {
		if tr := trans[s.File]; tr != nil {
			s.Line = tr.origLine(s.Line)
		}
	}
	d.Warnings = sortProblems(d.Warnings)
	l.prev = d
	return d, nil
}

// translate turns a deck file in another format into podium Markdown: a
// Go present file (.slide, or any file read as DialectPresent), or a
// remark HTML page (the Markdown of its textarea, still in remark's
// dialect). Nil for a Markdown file.
func translate(fsys fs.FS, file, text string, d Dialect) (*translated, []Problem) {
	switch ext := strings.ToLower(path.Ext(file)); {
	case ext == ".slide" || d == DialectPresent:
		return translatePresent(fsys, file, text)
	case ext == ".html" || ext == ".htm":
		return translateRemarkHTML(file, text)
	}
	return nil, nil
}

// mapLines maps the lines of problems in translated files back to the
// lines of the files as written.
func mapLines(trans map[string]*translated, ps []Problem) {
	for i := range ps {
		if tr := trans[ps[i].File]; tr != nil && ps[i].Line > 0 {
			ps[i].Line = tr.origLine(ps[i].Line)
		}
	}
}

// htmlAllowed reads the first chapter's front matter for its html key,
// which decides how every chapter is rendered; set tells that the key is
// there (without it, the dialect decides: see htmlByDefault).
func (e *engine) htmlAllowed(fsys fs.FS, file, text string) (allowed, set bool) {
	reg, ok, _ := findFrontMatter(file, text)
	if !ok {
		return false, false
	}
	r := &fmReader{as: &assetResolver{fsys: fsys, file: file, versions: &e.versions}}
	fm := r.read(text[reg.yaml:reg.end], 2, fmFirst)
	return fm.meta.HTML, fm.htmlSet
}

// chapterFiles lists the chapter files of the folder in natural order.
func (l *Loader) chapterFiles() ([]string, Problems) {
	if l.fsys == nil {
		return nil, Problems{{Msg: "no deck folder"}}
	}
	if l.opt.File != "" {
		if !fs.ValidPath(l.opt.File) || !regularFile(l.fsys, l.opt.File) {
			return nil, Problems{{File: l.opt.File, Msg: "no such file in the deck folder"}}
		}
		return []string{l.opt.File}, nil
	}
	entries, err := fs.ReadDir(l.fsys, ".")
	if err != nil {
		return nil, Problems{{Msg: fmt.Sprintf("cannot read the deck folder: %v", err)}}
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".md") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		if e.IsDir() || !e.Type().IsRegular() && !regularFile(l.fsys, name) {
			continue
		}
		files = append(files, name)
	}
	if len(files) == 0 {
		return nil, Problems{{Msg: "no chapter files (*.md) in the deck folder"}}
	}
	if len(files) > MaxChapters {
		return nil, Problems{{Msg: fmt.Sprintf("too many chapter files: %d (limit %d)", len(files), MaxChapters)}}
	}
	slices.SortFunc(files, func(a, b string) int {
		if c := naturalCompare(a, b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return files, nil
}

// readChapter reads and sanitizes one chapter file and hashes its bytes;
// "" on error. buf is scratch space, kept by the Loader so that a reload
// allocates little more than the texts it returns.
func readChapter(fsys fs.FS, file string, buf *bytes.Buffer) (text string, sum [sha256.Size]byte, p *Problem) {
	tooLarge := func() *Problem {
		return &Problem{File: file, Msg: fmt.Sprintf("file too large: over %d bytes (limit 1 MiB)", MaxFileSize)}
	}
	if fi, err := fs.Stat(fsys, file); err == nil && fi.Size() > MaxFileSize {
		return "", sum, tooLarge()
	}
	f, err := fsys.Open(file)
	if err != nil {
		return "", sum, &Problem{File: file, Msg: fmt.Sprintf("cannot read: %v", err)}
	}
	defer f.Close()
	buf.Reset()
	if fi, err := f.Stat(); err == nil && fi.Size() >= 0 && fi.Size() <= MaxFileSize {
		buf.Grow(int(fi.Size()) + bytes.MinRead)
	}
	// The limit also holds for files that grow while being read.
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFileSize+1)); err != nil {
		return "", sum, &Problem{File: file, Msg: fmt.Sprintf("cannot read: %v", err)}
	}
	if buf.Len() > MaxFileSize {
		return "", sum, tooLarge()
	}
	sum = sha256.Sum256(buf.Bytes())
	text, p = sanitize(file, buf.Bytes())
	return text, sum, p
}

// chapterWork is one chapter on its way to a *chapter: parsed (which
// finds the slides rendered before), its other slides rendered, each on
// its own (renderSlide), then finished. Load renders the slides of all
// changed chapters on all cores: with whole chapters as the unit of work,
// the cores idle at the end of a cold load while the last chapters render.
type chapterWork struct {
	file       string
	first      bool
	md         goldmark.Markdown // its renderer
	src        []byte
	fm         frontMatter
	probs      []Problem // of the chapter as a whole
	warnings   []Problem
	nodes      []*slideNode
	slides     []rendered  // slideOut nil until rendered
	slideProbs [][]Problem // of each slide
	todo       []int       // slides to render
	twins      [][2]int    // slides (first) whose source equals an earlier one's (second) in todo
	guard      int64       // the chapter's cost to goldmark (guard.go)
	hidden     []int       // lines of the slides left out (hidden by their tool)
}

// parse parses a chapter, finds its slides and takes those rendered
// before from cache, which is only read.
func (e *engine) parse(fsys fs.FS, file, text string, first bool, firstFile string, allowHTML bool, dia dialectKey, cache map[slideKey]*slideOut) (w *chapterWork) {
	w = &chapterWork{file: file, first: first, md: e.safe, src: []byte(text)}
	if allowHTML {
		w.md = e.unsafe
	}
	fr := &fmReader{as: &assetResolver{fsys: fsys, file: file, versions: &e.versions}, first: firstFile, dia: dia.Dialect}
	fr.as.dia = dia.Dialect
	cs := &chapterState{fm: fr, src: w.src, lines: newLineIndex(w.src), guard: guardState{budget: guardBudget}, dia: dia}
	reg, ok, p := findFrontMatter(file, text)
	if p != nil {
		w.probs = []Problem{*p}
		return w
	}
	if ok {
		place := fmOther
		if first {
			place = fmFirst
		}
		w.fm = fr.read(text[reg.yaml:reg.end], 2, place)
		if reg.ambiguous && !dia.foreign() && (len(fr.problems) > 0 || len(fr.warnings) > 0 || endsInHeading(text[reg.yaml:reg.end])) {
			// Its closing line reads as a slide break, and what is above it
			// does not read as front matter.
			p := unterminated(file)
			p.Msg += fmt.Sprintf(` (the "---" at line %d has blank lines around it, so it reads as a slide break)`, cs.lines.line(reg.end))
			w.probs = []Problem{*p}
			return w
		}
		cs.body, cs.fmEnd, cs.first = reg.body, reg.end, w.fm.slide
		if blank(text[reg.body:]) {
			w.probs = append(fr.problems, Problem{File: file, Line: cs.lines.line(reg.end), Msg: "no slides after the front matter"})
			return w
		}
	}
	defer func() {
		// A bug in a Markdown library must not take the server down with
		// it: it becomes the author's problem report instead.
		if r := recover(); r != nil {
			w.probs = append(fr.problems, Problem{File: file, Line: 1, Msg: fmt.Sprintf("internal error parsing this file: %v", r)})
			w.nodes, w.slides, w.todo = nil, nil, nil
		}
	}()
	pc := parser.NewContext()
	pc.Set(stateKey, cs)
	doc := e.parser().Parse(gmtext.NewReader(w.src), parser.WithContext(pc))
	refs := refsKey(pc)
	eachSlide(doc, func(s *slideNode) { w.nodes = append(w.nodes, s) })
	if dia.Dialect == DialectSlidev {
		e.expandImports(fsys, w, dia, 0, []string{file})
	}
	if p := cs.guard.problem(cs); p != nil {
		fr.problems = append(fr.problems, *p)
	}
	w.probs, w.warnings, w.guard, w.hidden = fr.problems, fr.warnings, cs.guard.cost, cs.left
	w.slides = make([]rendered, len(w.nodes))
	w.slideProbs = make([][]Problem, len(w.nodes))
	seen := make(map[slideKey]int) // slide of w.todo by source
	for i, s := range w.nodes {
		r := &w.slides[i]
		stext := text
		if s.from != nil {
			stext = string(s.from.src)
		}
		*r = rendered{key: slideKey{file, allowHTML, dia, stext[s.start:s.end], refs, s.settings.noSteps}, line: s.line, norm: s.norm, settings: s.settings}
		if out := cache[r.key]; out != nil && e.versions.current(fsys, out.assets) {
			r.slideOut = out
		} else if len(w.probs) > 0 {
			continue
		} else if j, ok := seen[r.key]; ok {
			w.twins = append(w.twins, [2]int{i, j})
		} else {
			seen[r.key] = i
			w.todo = append(w.todo, i)
		}
	}
	return w
}

// refsKey is the chapter's link reference definitions, for the slide
// cache; "" when it has none.
func refsKey(pc parser.Context) string {
	refs := pc.References()
	if len(refs) == 0 {
		return ""
	}
	h := sha256.New()
	for _, r := range refs {
		fmt.Fprintf(h, "%q %q %q\n", r.Label(), r.Destination(), r.Title())
	}
	return string(h.Sum(nil))
}

// renderTwins gives each twin the rendering of its earlier equal, which
// is all a render depends on, so that n equal slides render once, not n
// times. Problems carry lines, though: the twins of a slide with problems
// are rendered on their own. Call it once w.todo is rendered.
func (e *engine) renderTwins(w *chapterWork) {
	for _, t := range w.twins {
		if len(w.slideProbs[t[1]]) > 0 {
			e.renderSlide(w, t[0])
			continue
		}
		w.slides[t[0]].slideOut = w.slides[t[1]].slideOut
	}
}

// renderSlide renders slide i of w. Different slides may be rendered
// concurrently: each render reads only its own slide's nodes.
func (e *engine) renderSlide(w *chapterWork, i int) {
	s := w.nodes[i]
	defer func() {
		if r := recover(); r != nil {
			w.slides[i].slideOut = &slideOut{}
			w.slideProbs[i] = []Problem{{File: w.file, Line: s.line, Msg: fmt.Sprintf("internal error rendering this slide: %v", r)}}
		}
	}()
	buf := e.buffer()
	defer e.bufs.Put(buf)
	out := &slideOut{heading: s.heading, title: s.heading, steps: s.steps, assets: s.assets}
	if out.title == "" {
		out.title = s.text
	}
	rd := w.md.Renderer()
	src := w.src
	if s.from != nil {
		src = s.from.src
	}
	for c := s.FirstChild(); c != nil; c = c.NextSibling() {
		if c != ast.Node(s.notes) {
			if err := rd.Render(bufWriter{buf}, src, c); err != nil {
				w.slideProbs[i] = append(w.slideProbs[i], Problem{File: s.fileOr(w.file), Line: s.line, Msg: fmt.Sprintf("render: %v", err)})
			}
		}
	}
	out.html = buf.String()
	if s.notes != nil {
		buf.Reset()
		for c := s.notes.FirstChild(); c != nil; c = c.NextSibling() {
			if err := rd.Render(bufWriter{buf}, src, c); err != nil {
				w.slideProbs[i] = append(w.slideProbs[i], Problem{File: s.fileOr(w.file), Line: s.line, Msg: fmt.Sprintf("render: %v", err)})
			}
		}
		out.notes = buf.String()
	}
	w.slides[i].slideOut = out
}

// finish assembles the chapter once all its slides are rendered.
func (w *chapterWork) finish() (*chapter, []Problem) {
	probs := w.probs
	if w.nodes == nil && len(probs) == 0 {
		// Every slide hidden (Slidev's hide, remark's exclude).
		return nil, []Problem{{File: w.file, Line: 1, Msg: "no slides to show: every slide of the file is hidden"}}
	}
	if w.nodes == nil || len(probs) > 0 {
		return nil, probs
	}
	c := &chapter{slides: w.slides, warnings: w.warnings, guard: w.guard}
	h, hn := sha256.New(), sha256.New()
	var buf []byte
	for i := range c.slides {
		r := &c.slides[i]
		probs = append(probs, w.slideProbs[i]...)
		c.assets = append(c.assets, r.assets...)
		if c.title == "" {
			c.title = r.heading
		}
		r.base = publicID(r.title, r.html, r.steps)
		full := sha256.Sum256([]byte(r.norm))
		r.sum = srcSum(full[:16])
		// Line is not part of it: moving a slide down a line renders
		// nothing new.
		buf = buf[:0]
		st := r.settings
		for _, v := range []string{r.title, r.html, st.layout, st.class, st.title, st.bg.Image, st.bg.Color, st.bg.Size, st.bg.Position, st.image} {
			buf = append(append(buf, v...), 0)
		}
		buf = append(strconv.AppendInt(buf, int64(r.steps), 10), 0)
		h.Write(buf)
		hn.Write(append(append(buf[:0], r.notes...), 0))
	}
	if len(probs) > 0 {
		return nil, probs
	}
	fm := w.fm
	switch {
	case fm.chapter != "":
		c.title = fm.chapter
	case fm.title != "":
		c.title = fm.title
	case c.title == "":
		c.title = fileTitle(w.file)
	}
	if w.first {
		c.meta = fm.meta
	}
	m := c.meta // every field but HTML, which shows only in the rendered HTML
	fmt.Fprintf(h, "%q %q %q %q %q %q %q %q", c.title, m.Title, m.Author, m.Date, m.Lang, m.Theme, m.Subtitle, m.Event)
	h.Sum(c.digest[:0])
	hn.Sum(c.notes[:0])
	return c, nil
}

// fileTitle is a chapter's fallback title: the file name without its
// numeric prefix and extension ("02-standards.md" → "standards").
func fileTitle(file string) string {
	name := strings.TrimSuffix(path.Base(file), ".md")
	t := strings.TrimLeft(name, "0123456789")
	if t != name {
		t = strings.TrimLeft(t, "-_. ")
	}
	if t == "" {
		return name
	}
	return t
}

// assemble builds the deck from rendered chapters, giving slides their IDs
// (reconciled with prev) and the deck its version.
func assemble(files []string, chapters []*chapter, prev *Deck, style string) *Deck {
	d := &Deck{Meta: chapters[0].meta, Assets: make(map[string]Asset), Style: style}
	if d.Meta.Lang == "" {
		d.Meta.Lang = "en"
	}
	if d.Meta.Theme == "" {
		d.Meta.Theme = "light"
	}
	if d.Meta.Title == "" {
		d.Meta.Title = chapters[0].title
	}
	sections := 0 // section slides so far, to number them
	for ci, c := range chapters {
		ch := &Chapter{File: files[ci], Title: c.title}
		d.Warnings = append(d.Warnings, c.warnings...)
		for k, r := range c.slides {
			st := r.settings
			s := &Slide{
				ID: r.base, Chapter: ci, Index: len(d.Slides), File: ch.File, Line: r.line,
				Title: r.title, HTML: r.html, Notes: r.notes, Steps: r.steps, pub: r.base, norm: r.norm, sum: r.sum,
				Layout: st.layout, Class: st.class, Background: st.bg,
			}
			switch {
			case s.Layout != "":
			case s.Index == 0:
				s.Layout = "cover"
			case k == 0:
				s.Layout = "section"
			default:
				s.Layout = "default"
			}
			switch s.Layout {
			case "cover":
				s.HTML += byline(d.Meta)
			case "section":
				sections++
				s.HTML = sectionNumber(sections) + s.HTML
			}
			if st.title != "" {
				s.Title = st.title
			}
			if s.Title == "" {
				s.Title = "Slide " + strconv.Itoa(s.Index+1)
			}
			ch.Slides = append(ch.Slides, s)
			d.Slides = append(d.Slides, s)
		}
		d.Chapters = append(d.Chapters, ch)
		for _, a := range c.assets {
			if a.Version != "" && !a.source {
				d.Assets[a.name] = a.Asset
			}
		}
	}
	d.Warnings = sortProblems(d.Warnings)
	assignIDs(d, prev)
	h := sha256.New()
	m := d.Meta
	fmt.Fprintf(h, "%q %q %q %q %q %q %q %q\n", m.Title, m.Author, m.Date, m.Lang, m.Theme, m.Subtitle, m.Event, styleVersion(style))
	for ci, c := range chapters {
		fmt.Fprintf(h, "%q %x\n", files[ci], c.digest)
	}
	for _, s := range d.Slides {
		io.WriteString(h, s.ID)
		io.WriteString(h, strconv.Itoa(s.Chapter))
		io.WriteString(h, s.Title)
		h.Write([]byte{0})
		io.WriteString(h, s.Layout)
		h.Write([]byte{0})
	}
	d.Version = hex.EncodeToString(h.Sum(nil)[:8])
	// The presenter's version: the public one (which fixes the slide IDs
	// the notes are keyed by) and every chapter's notes.
	io.WriteString(h, "notes\n")
	for _, c := range chapters {
		h.Write(c.notes[:])
	}
	d.PresenterVersion = hex.EncodeToString(h.Sum(nil)[:8])
	return d
}

// parallel calls f(0), …, f(n-1) on up to GOMAXPROCS goroutines, the
// calling one included, each taking the next index when done with one.
func parallel(n int, f func(int)) {
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
			f(i)
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

func sortProblems(ps []Problem) Problems {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := naturalCompare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return Problems(slices.Compact(ps))
}

// naturalCompare orders names numeric-aware: "2-x.md" before "10-x.md".
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			da, db := digitRun(a), digitRun(b)
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) - len(nb)
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	if c := len(a) - len(b); c != 0 {
		return c
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRun(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}
