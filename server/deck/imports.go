package deck

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/yuin/goldmark/parser"
	gmtext "github.com/yuin/goldmark/text"
)

// This file is Slidev's "src:" imports: a slide whose settings say
// "src: ./pages/x.md" stands for the slides of that file, parsed on their
// own (goldmark's parse of that file decides them, as of any chapter)
// and put in its place. The importing slide's other settings apply to the
// first imported slide, as in Slidev.

// maxImportDepth bounds imports of imports (and cycles).
const maxImportDepth = 8

// imported is the file an imported slide comes from.
type imported struct {
	file string
	src  []byte
}

// expandImports replaces every slide of w.nodes with a "src:" setting by
// the slides of the file it names.
func (e *engine) expandImports(fsys fs.FS, w *chapterWork, dia dialectKey, depth int, seen []string) {
	var out []*slideNode
	for _, s := range w.nodes {
		if s.settings.src == "" {
			out = append(out, s)
			continue
		}
		from := w.file
		if s.from != nil {
			from = s.from.file
		}
		out = append(out, e.importFile(fsys, w, from, s, dia, depth, seen)...)
	}
	w.nodes = out
}

// importFile parses the file slide s imports, relative to the file from.
func (e *engine) importFile(fsys fs.FS, w *chapterWork, from string, s *slideNode, dia dialectKey, depth int, seen []string) []*slideNode {
	bad := func(format string, args ...any) []*slideNode {
		w.probs = append(w.probs, Problem{File: from, Line: s.line, Msg: fmt.Sprintf(format, args...)})
		return nil
	}
	target := strings.TrimPrefix(s.settings.src, "/")
	name := path.Join(path.Dir(from), target)
	if strings.HasPrefix(s.settings.src, "/") {
		name = path.Clean(target)
	}
	switch {
	case depth >= maxImportDepth:
		return bad("src %q: imports nested more than %d deep", s.settings.src, maxImportDepth)
	case name == ".." || strings.HasPrefix(name, "../") || !fs.ValidPath(name):
		return bad("src %q escapes the deck folder", s.settings.src)
	case contains(seen, name):
		return bad("src %q imports itself (through %s)", s.settings.src, strings.Join(seen, " → "))
	}
	for _, el := range strings.Split(name, "/") {
		if HiddenName(el) {
			return bad("src %q names a dotfile or draft", s.settings.src)
		}
	}
	var buf bytes.Buffer
	text, _, p := readChapter(fsys, name, &buf)
	if p != nil {
		p.File, p.Msg = from, fmt.Sprintf("src %q: %s", s.settings.src, p.Msg)
		if p.Line == 0 {
			p.Line = s.line
		}
		w.probs = append(w.probs, *p)
		return nil
	}
	src := []byte(text)
	fr := &fmReader{as: &assetResolver{fsys: fsys, file: name, versions: &e.versions, dia: dia.Dialect}, first: w.file, dia: dia.Dialect}
	cs := &chapterState{fm: fr, src: src, lines: newLineIndex(src), guard: guardState{budget: guardBudget}, dia: dia}
	if reg, ok, p := findFrontMatter(name, text); p != nil {
		w.probs = append(w.probs, *p)
		return nil
	} else if ok {
		cs.first = fr.read(text[reg.yaml:reg.end], 2, fmBreak).slide
		cs.body, cs.fmEnd = reg.body, reg.end
	}
	pc := parser.NewContext()
	pc.Set(stateKey, cs)
	doc := e.parser().Parse(gmtext.NewReader(src), parser.WithContext(pc))
	if p := cs.guard.problem(cs); p != nil {
		fr.problems = append(fr.problems, *p)
	}
	w.probs = append(w.probs, fr.problems...)
	w.warnings = append(w.warnings, fr.warnings...)
	w.guard += cs.guard.cost
	sub := &chapterWork{file: w.file}
	from0 := &imported{file: name, src: src}
	eachSlide(doc, func(n *slideNode) {
		n.from = from0
		sub.nodes = append(sub.nodes, n)
	})
	if len(sub.nodes) > 0 {
		own := s.settings
		own.src = ""
		first := sub.nodes[0]
		first.settings = mergeSettings(first.settings, own)
		// An edit of the imported file is an edit of the chapter.
		first.assets = append(first.assets, assetRef{name: name, Asset: e.versions.get(fsys, name), source: true})
	}
	e.expandImports(fsys, sub, dia, depth+1, append(seen, name))
	w.probs = append(w.probs, sub.probs...)
	w.warnings = append(w.warnings, sub.warnings...)
	return sub.nodes
}

// fileOr is the file the slide's source is in: its import's, else file.
func (s *slideNode) fileOr(file string) string {
	if s.from != nil {
		return s.from.file
	}
	return file
}
