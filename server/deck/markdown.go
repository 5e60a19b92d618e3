package deck

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// This file sets up goldmark. Each of podium's Markdown features is a
// goldmark Extender in a file of its own, its parser, AST transformer and
// renderer side by side, as in goldmark's own extension folder:
//
//	steps.go    stepped lists and pauses (data-step), stepped highlights' steps
//	code.go     code blocks highlighted by chroma in class mode
//	assets.go   link and image targets resolved in the deck folder
//	cjk.go      soft line breaks between East Asian wide characters
//	titles.go   a slide's title: its first heading, else its first text

// engine holds the configured goldmark instances (safe and, for decks
// with `html: true`, unsafe, which differ only in their renderer) and the
// chroma lexer cache. One engine serves every chapter a Loader renders; it
// is safe for concurrent use.
type engine struct {
	safe, unsafe goldmark.Markdown

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

func newEngine() *engine {
	lx := newLexers()
	return &engine{safe: markdown(lx, false), unsafe: markdown(lx, true)}
}

// markdown is podium's goldmark: CommonMark, GitHub's extensions and
// podium's own. The order of the AST transformers matters: code blocks
// are replaced first (steps number their highlight sets), titles last
// (they read code blocks' text).
func markdown(lx *lexers, unsafe bool) goldmark.Markdown {
	var opts []goldmark.Option
	if unsafe {
		opts = append(opts, goldmark.WithRendererOptions(html.WithUnsafe()))
	}
	return goldmark.New(append(opts,
		goldmark.WithExtensions(
			extension.GFM,
			cjk{},
			code{lx},
			steps{},
			assets{},
			titling{},
		),
	)...)
}

// stateKey finds the per-parse renderState in goldmark's parser.Context.
// Context keys are how goldmark extensions carry per-document state.
var stateKey = parser.NewContextKey()

// renderState is what the transformers need to know about the Markdown
// they transform, and what they report back.
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
}

// state returns the renderState of a parse, or nil outside a slide.
func state(pc parser.Context) *renderState {
	st, _ := pc.Get(stateKey).(*renderState)
	return st
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
