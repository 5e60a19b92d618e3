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
	cache  map[cacheKey]*chapter
	slides map[slideKey]*slideOut // every slide of the last good deck
	prev   *Deck                  // last good deck: the base for slide ID reconciliation
	rbuf   bytes.Buffer           // to read files into

	renders int // chapters parsed and rendered so far, for tests
}

// NewLoader returns a Loader of the deck folder fsys.
func NewLoader(fsys fs.FS) *Loader {
	return NewLoaderWith(fsys, Options{})
}

// NewLoaderWith returns a Loader of the deck folder fsys with options.
func NewLoaderWith(fsys fs.FS, o Options) *Loader {
	return &Loader{fsys: fsys, eng: newEngine(o), cache: map[cacheKey]*chapter{}}
}

// cacheKey is everything a rendered chapter depends on, except the deck
// folder's other files (images are re-checked on every Load).
type cacheKey struct {
	file  string
	sum   [sha256.Size]byte // of the file's bytes, which decide its text
	first bool              // deck keys allowed; title is the deck's
	html  bool              // raw HTML allowed
}

// slideKey is everything a rendered slide depends on, except images.
type slideKey struct {
	file string
	html bool
	src  string
}

// chapter is the cached, rendered form of one chapter file.
type chapter struct {
	title  string
	meta   Meta // first chapter only, before defaults
	slides []rendered
	images []string
	digest [sha256.Size]byte // of everything rendered
}

// rendered is one slide as rendered, before it gets its place in a deck.
type rendered struct {
	*slideOut
	key  slideKey
	line int
	norm string // normalized source
	sum  srcSum // its hash
	base string // base ID
}

// slideOut is the output of rendering one slide's source; it depends only
// on the slideKey (and on the images it names existing).
type slideOut struct {
	title   string // "" when the slide has no heading nor text
	heading string // first heading, for the chapter title
	html    string
	notes   string
	steps   int
	images  []string
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
	for i, f := range files {
		t, sum, p := readChapter(l.fsys, f, &l.rbuf)
		if p != nil {
			probs = append(probs, *p)
		}
		texts[i], sums[i] = t, sum
	}
	// The first chapter's front matter decides whether raw HTML is allowed
	// everywhere, so it is read before any chapter is rendered.
	allowHTML := false
	if texts[0] != "" {
		fm, _, _ := parseFrontMatter(files[0], headLines(texts[0]), true, files[0])
		allowHTML = fm.values["html"] == "true"
	}
	chapters := make([]*chapter, len(files))
	next := make(map[cacheKey]*chapter, len(files))
	keys := make([]cacheKey, len(files))
	var todo []int
	for i, f := range files {
		if texts[i] == "" {
			continue
		}
		keys[i] = cacheKey{file: f, sum: sums[i], first: i == 0, html: allowHTML}
		if c := l.cache[keys[i]]; c != nil && imagesExist(l.fsys, c.images) {
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
		works[i] = l.eng.split(l.fsys, files[i], texts[i], i == 0, files[0], allowHTML, l.slides)
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
	parallel(len(jobs), func(k int) { l.eng.renderSlide(l.fsys, jobs[k].w, jobs[k].i) })
	chProbs := make([][]Problem, len(files))
	parallel(len(todo), func(k int) {
		i := todo[k]
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
	if len(probs) > 0 {
		return nil, sortProblems(probs)
	}
	slides := make(map[slideKey]*slideOut, len(l.slides))
	for _, c := range chapters {
		for _, r := range c.slides {
			slides[r.key] = r.slideOut
		}
	}
	l.slides = slides
	l.cache = next
	d := assemble(files, chapters, l.prev)
	l.prev = d
	return d, nil
}

// headLines returns the lines of text up to the end of its front matter
// (or the first line when it has none).
func headLines(text string) []string {
	var lines []string
	for rest := text; rest != ""; {
		var ln string
		ln, rest, _ = strings.Cut(rest, "\n")
		lines = append(lines, ln)
		if len(lines) == 1 && !isDashes(ln) || len(lines) > 1 && isDashes(ln) {
			break
		}
	}
	return lines
}

// chapterFiles lists the chapter files of the folder in natural order.
func (l *Loader) chapterFiles() ([]string, Problems) {
	if l.fsys == nil {
		return nil, Problems{{Msg: "no deck folder"}}
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

func imagesExist(fsys fs.FS, images []string) bool {
	for _, im := range images {
		if !regularFile(fsys, im) {
			return false
		}
	}
	return true
}

// chapter parses and renders one sanitized chapter file.
// cache holds slides rendered before; it is only read.
func (e *engine) chapter(fsys fs.FS, file, text string, first bool, firstFile string, allowHTML bool, cache map[slideKey]*slideOut) (*chapter, []Problem) {
	w := e.split(fsys, file, text, first, firstFile, allowHTML, cache)
	for _, i := range w.todo {
		e.renderSlide(fsys, w, i)
	}
	return w.finish()
}

// chapterWork is one chapter on its way to a *chapter: split (which finds
// the slides rendered before), its other slides rendered, each on its own
// (renderSlide), then finished. Load renders the slides of all changed
// chapters on all cores: with whole chapters as the unit of work, the
// cores idle at the end of a cold load while the last chapters render.
type chapterWork struct {
	file       string
	first      bool
	md         goldmark.Markdown
	fm         frontMatter
	probs      []Problem // of the front matter and the splitter
	raws       []rawSlide
	slides     []rendered  // slideOut nil until rendered
	slideProbs [][]Problem // of each slide
	todo       []int       // slides to render
}

// split splits a chapter into slides and takes those rendered before from
// cache, which is only read.
func (e *engine) split(fsys fs.FS, file, text string, first bool, firstFile string, allowHTML bool, cache map[slideKey]*slideOut) *chapterWork {
	w := &chapterWork{file: file, first: first, md: e.safe}
	if allowHTML {
		w.md = e.unsafe
	}
	lines := splitLines(text)
	fm, body, probs := parseFrontMatter(file, lines, first, firstFile)
	w.fm, w.probs = fm, probs
	if !slices.ContainsFunc(lines[body:], func(l string) bool { return !blank(l) }) {
		if len(w.probs) == 0 {
			w.probs = append(w.probs, Problem{File: file, Line: body, Msg: "no slides after the front matter"})
		}
		return w
	}
	raws, ps := splitSlides(file, lines[body:], body+1)
	w.probs = append(w.probs, ps...)
	w.raws = raws
	w.slides = make([]rendered, len(raws))
	w.slideProbs = make([][]Problem, len(raws))
	for i, rs := range raws {
		r := &w.slides[i]
		*r = rendered{key: slideKey{file, allowHTML, rs.src}, line: rs.line, norm: rs.norm}
		if out := cache[r.key]; out != nil && imagesExist(fsys, out.images) {
			r.slideOut = out
		} else {
			w.todo = append(w.todo, i)
		}
	}
	return w
}

// renderSlide renders slide i of w. Different slides may be rendered
// concurrently.
func (e *engine) renderSlide(fsys fs.FS, w *chapterWork, i int) {
	w.slides[i].slideOut, w.slideProbs[i] = e.slide(w.md, fsys, w.file, w.raws[i])
}

// finish assembles the chapter once all its slides are rendered.
func (w *chapterWork) finish() (*chapter, []Problem) {
	probs := w.probs
	if w.raws == nil {
		return nil, probs
	}
	c := &chapter{slides: w.slides}
	h := sha256.New()
	var buf []byte
	for i := range c.slides {
		r := &c.slides[i]
		probs = append(probs, w.slideProbs[i]...)
		c.images = append(c.images, r.images...)
		if c.title == "" {
			c.title = r.heading
		}
		buf = append(append(append(buf[:0], w.file...), 0), r.norm...)
		r.base = shortHashBytes(buf)
		full := sha256.Sum256(buf[len(w.file)+1:])
		r.sum = srcSum(full[:16])
		// Line is not part of it: moving a slide down a line renders
		// nothing new.
		buf = buf[:0]
		for _, v := range []string{r.title, r.html, r.notes} {
			buf = append(append(buf, v...), 0)
		}
		buf = append(strconv.AppendInt(buf, int64(r.steps), 10), 0)
		h.Write(buf)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	v := w.fm.values
	switch {
	case v["chapter"] != "":
		c.title = v["chapter"]
	case v["title"] != "":
		c.title = v["title"]
	case c.title == "":
		c.title = fileTitle(w.file)
	}
	if w.first {
		c.meta = Meta{Title: v["title"], Author: v["author"], Date: v["date"], Lang: v["lang"], Theme: v["theme"], HTML: v["html"] == "true"}
	}
	fmt.Fprintf(h, "%s\x00%+v", c.title, c.meta)
	h.Sum(c.digest[:0])
	return c, nil
}

// slide renders one slide: its body, segment by segment, then its notes.
func (e *engine) slide(md goldmark.Markdown, fsys fs.FS, file string, rs rawSlide) (out *slideOut, probs []Problem) {
	// Footnote ids hash the slide's body, never its notes: the slide's
	// HTML must not change, nor tell anything, when only notes do.
	h := sha256.New()
	io.WriteString(h, file)
	for _, seg := range rs.segs {
		io.WriteString(h, "\x00"+seg.text)
	}
	fnPrefix := "fn" + hex.EncodeToString(h.Sum(nil)[:4]) + "-"
	st := &renderState{fsys: fsys, file: file, fnPrefix: fnPrefix}
	defer func() {
		// A bug in a Markdown library must not take the server down with
		// it: it becomes the author's problem report instead.
		if r := recover(); r != nil {
			out, probs = &slideOut{}, append(st.problems, Problem{File: file, Line: rs.line, Msg: fmt.Sprintf("internal error rendering this slide: %v", r)})
		}
	}()
	buf := e.buffer()
	defer e.bufs.Put(buf)
	for k, seg := range rs.segs {
		st.segStep = 0
		if k > 0 {
			st.segStep = -1 // allocated when the segment has content
		}
		e.render(md, st, seg, bufWriter{buf})
	}
	e.renderFootnotes(md, st, bufWriter{buf})
	out = &slideOut{html: buf.String(), steps: st.step, heading: st.heading, title: st.heading}
	if out.title == "" {
		out.title = st.text
	}
	if rs.notes != nil {
		buf.Reset()
		st.notes, st.segStep, st.fnPrefix = true, 0, "n"+fnPrefix
		e.render(md, st, *rs.notes, bufWriter{buf})
		e.renderFootnotes(md, st, bufWriter{buf})
		out.notes = buf.String()
	}
	out.images = st.images
	return out, st.problems
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
func assemble(files []string, chapters []*chapter, prev *Deck) *Deck {
	d := &Deck{Meta: chapters[0].meta}
	if d.Meta.Lang == "" {
		d.Meta.Lang = "en"
	}
	if d.Meta.Theme == "" {
		d.Meta.Theme = "light"
	}
	if d.Meta.Title == "" {
		d.Meta.Title = chapters[0].title
	}
	for ci, c := range chapters {
		ch := &Chapter{File: files[ci], Title: c.title}
		for _, r := range c.slides {
			s := &Slide{
				ID: r.base, Chapter: ci, Index: len(d.Slides), File: ch.File, Line: r.line,
				Title: r.title, HTML: r.html, Notes: r.notes, Steps: r.steps, norm: r.norm, sum: r.sum,
			}
			if s.Title == "" {
				s.Title = "Slide " + strconv.Itoa(s.Index+1)
			}
			ch.Slides = append(ch.Slides, s)
			d.Slides = append(d.Slides, s)
		}
		d.Chapters = append(d.Chapters, ch)
	}
	assignIDs(d, prev)
	h := sha256.New()
	m := d.Meta
	fmt.Fprintf(h, "%q %q %q %q %q %t\n", m.Title, m.Author, m.Date, m.Lang, m.Theme, m.HTML)
	for ci, c := range chapters {
		fmt.Fprintf(h, "%q %x\n", files[ci], c.digest)
	}
	for _, s := range d.Slides {
		io.WriteString(h, s.ID)
		io.WriteString(h, strconv.Itoa(s.Chapter))
		io.WriteString(h, s.Title)
		h.Write([]byte{0})
	}
	d.Version = hex.EncodeToString(h.Sum(nil)[:8])
	return d
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

func shortHashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:4])
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
