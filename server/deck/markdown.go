package deck

import (
	"bytes"
	"fmt"
	"io/fs"
	"sync"

	"github.com/podium-talks/podium/server/deck/internal/tex"
	"github.com/yuin/goldmark"
	emoji "github.com/yuin/goldmark-emoji"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
)

// This file sets up goldmark. Each of podium's Markdown features is a
// goldmark Extender in a file of its own, its parser, AST transformer and
// renderer side by side, as in goldmark's own extension folder:
//
//	slides.go   front matter, slide breaks and settings, pauses, notes
//	foreign.go  the same in other tools' dialects (dialect.go detects them)
//	comments.go HTML comments kept off the page; notes written as comments
//	imports.go  Slidev's src: imports
//	remark.go   remark's .class[…] content classes
//	code.go     code blocks highlighted by chroma in class mode
//	steps.go    stepped lists, pauses and highlights (data-step)
//	assets.go   link and image targets resolved in the deck folder
//	cjk.go      soft line breaks between East Asian wide characters
//	titles.go   a slide's title: its first heading, else its first text
//	guard.go    a bound on goldmark's work for hostile paragraphs
//	math.go     TeX math ($…$, $$…$$, ```math) to MathML, at parse time
//	footnotes.go GitHub footnotes, numbered per slide, at the slide's foot
//	alerts.go   GitHub alerts (> [!NOTE] …)
//	diagrams.go ```mermaid blocks, rendered by Options.Diagram
//	columns.go  the two-cols layout's column markers (::left::, ::right::)
//	images.go   images fit their layout: size hints, the side image
//	svg.go      deck SVGs inlined, sanitised, so that they follow the theme
//
// Emoji shortcodes and definition lists are goldmark's own extensions.
//
// A chapter file is parsed once, as one goldmark document; the slides
// extension groups its top-level blocks into slides, and the others work
// on each slide.

// engine holds the configured goldmark instances: one parser for every
// chapter, and two renderers (safe and, for decks with `html: true`,
// unsafe). One engine serves every chapter a Loader renders; it is safe
// for concurrent use.
type engine struct {
	safe, unsafe goldmark.Markdown

	versions assetVersions  // of the files the slides use
	tex      *tex.Converter // TeX to MathML, for math.go
	lx       *lexers        // chroma's, and what they highlighted (code.go)

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
	lx := newLexers()
	conv := tex.New()
	return &engine{safe: markdown(lx, conv, o, false), unsafe: markdown(lx, conv, o, true), tex: conv, lx: lx}
}

// parser is the one goldmark parser: safe and unsafe differ only in
// their renderer.
func (e *engine) parser() parser.Parser { return e.safe.Parser() }

// markdown is podium's goldmark: CommonMark, GitHub's extensions and
// podium's own. The order of the AST transformers matters: structure first
// (the others work slide by slide), then code blocks are replaced (steps
// number their highlight sets), titles last (they read code blocks' text).
func markdown(lx *lexers, conv *tex.Converter, o Options, unsafe bool) goldmark.Markdown {
	var opts []goldmark.Option
	if unsafe {
		opts = append(opts, goldmark.WithRendererOptions(html.WithUnsafe()))
	}
	return goldmark.New(append(opts,
		goldmark.WithExtensions(
			extension.GFM,
			structure{},
			comments{unsafe},
			dialectExt{},
			remarkClasses{},
			extension.DefinitionList,
			emoji.New(emoji.WithRenderingMethod(emoji.Unicode)),
			footnotes{},
			alerts{},
			mathExt{conv},
			diagrams{o.Diagram},
			cjk{},
			code{lx},
			steps{},
			columns{},
			images{},
			svgs{},
			assets{},
			titling{},
			guard{},
		),
	)...)
}

// stateKey finds the chapterState of a parse in goldmark's
// parser.Context. Context keys are how goldmark extensions carry
// per-document state.
var stateKey = parser.NewContextKey()

// chapterState is what the extensions need to know about the chapter
// they parse, and what they report back.
type chapterState struct {
	fm    *fmReader
	src   []byte
	lines lineIndex
	body  int        // offset of the body, after the front matter (0: none)
	fmEnd int        // offset of the front matter's closing line
	first settings   // of the first slide, from the file's front matter
	dia   dialectKey // the dialect it is read in (dialect.go)

	tooDeep bool       // nesting reported
	long    []int      // offsets of paragraphs too long to parse
	guard   guardState // what its paragraphs cost goldmark (guard.go)
	left    []int      // lines of the slides its tool does not show (convert.go)
	lost    []srcEdit  // what podium's form of it leaves out, found before its slides are
}

// chapterOf returns the chapterState of a parse, or nil.
func chapterOf(pc parser.Context) *chapterState {
	cs, _ := pc.Get(stateKey).(*chapterState)
	return cs
}

func (cs *chapterState) problem(off int, format string, args ...any) {
	off = min(max(off, 0), len(cs.src))
	cs.problemLine(cs.lines.line(off), format, args...)
}

func (cs *chapterState) problemLine(line int, format string, args ...any) {
	cs.fm.problems = append(cs.fm.problems, Problem{File: cs.fm.as.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// files returns the deck folder and the chapter file.
func (cs *chapterState) files() (fs.FS, string) { return cs.fm.as.fsys, cs.fm.as.file }

// bufWriter lets goldmark render straight into a bytes.Buffer: given a
// plain io.Writer, its renderer allocates a 4 KB bufio.Writer per
// document, and a slide is several renders.
type bufWriter struct{ *bytes.Buffer }

func (bufWriter) Buffered() int { return 0 }
func (bufWriter) Flush() error  { return nil }
