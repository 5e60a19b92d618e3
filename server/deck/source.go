package deck

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the first stage: bytes of one chapter file → clean text →
// front matter + raw slides (split, notes separated, pauses found). No
// Markdown is parsed here; the splitter only knows enough to never split
// inside fenced code.

// sanitize applies the input hygiene rules: size limit, NUL bytes, UTF-8,
// BOM and line endings. It returns LF-only text.
func sanitize(file string, raw []byte) (string, *Problem) {
	if len(raw) > MaxFileSize {
		return "", &Problem{File: file, Msg: fmt.Sprintf("file too large: %d bytes (limit %d)", len(raw), MaxFileSize)}
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		return "", &Problem{File: file, Line: lineAt(raw, i), Msg: "binary file: contains a NUL byte"}
	}
	if !utf8.Valid(raw) {
		for i := 0; i < len(raw); {
			r, n := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && n <= 1 {
				return "", &Problem{File: file, Line: lineAt(raw, i), Msg: "invalid UTF-8"}
			}
			i += n
		}
	}
	s := string(raw)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	if strings.TrimSpace(s) == "" {
		return "", &Problem{File: file, Msg: "empty chapter: the file holds only whitespace"}
	}
	return s, nil
}

// lineAt is the 1-based line of byte offset i, counting LF, CRLF and lone CR
// as one line end each (the file is not normalized yet when this is used).
func lineAt(b []byte, i int) int {
	line := 1
	for j := 0; j < i && j < len(b); j++ {
		switch b[j] {
		case '\n':
			line++
		case '\r':
			if j+1 >= len(b) || b[j+1] != '\n' {
				line++
			}
		}
	}
	return line
}

// frontMatter is the parsed front matter of one chapter file.
type frontMatter struct {
	present bool
	values  map[string]string
}

// isDeckKey reports whether k may appear in the first chapter's front
// matter; isChapterKey whether it may appear in any chapter's.
func isDeckKey(k string) bool {
	switch k {
	case "title", "author", "date", "lang", "theme", "html":
		return true
	}
	return false
}

func isChapterKey(k string) bool { return k == "title" || k == "chapter" }

// parseFrontMatter reads the optional front matter at the top of lines. It
// returns the index of the first body line. first tells whether this is the
// deck's first chapter (deck keys allowed); firstFile names it for messages.
func parseFrontMatter(file string, lines []string, first bool, firstFile string) (frontMatter, int, []Problem) {
	fm := frontMatter{}
	if len(lines) == 0 || !isDashes(lines[0]) {
		return fm, 0, nil
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if isDashes(lines[i]) {
			end = i
			break
		}
	}
	if end < 0 {
		return fm, len(lines), []Problem{{File: file, Line: 1, Msg: `unterminated front matter: no closing "---"`}}
	}
	fm.present = true
	fm.values = map[string]string{}
	var probs []Problem
	bad := func(i int, format string, args ...any) {
		probs = append(probs, Problem{File: file, Line: i + 1, Msg: fmt.Sprintf(format, args...)})
	}
	for i := 1; i < end; i++ {
		ln := strings.TrimSpace(lines[i])
		if ln == "" || ln[0] == '#' {
			continue
		}
		colon := strings.IndexByte(ln, ':')
		if colon <= 0 || !validKey(ln[:colon]) {
			bad(i, `malformed front matter line %q: want "key: value"`, clip(ln, 40))
			continue
		}
		key, rest := ln[:colon], strings.TrimSpace(ln[colon+1:])
		val, ok := parseValue(rest)
		if !ok {
			bad(i, "malformed front matter value for %q: %s", key, clip(rest, 40))
			continue
		}
		switch {
		case !isDeckKey(key) && !isChapterKey(key):
			bad(i, "unknown front matter key %q", key)
			continue
		case !first && !isChapterKey(key):
			bad(i, "front matter key %q is a deck key: it belongs in the first chapter file (%s)", key, firstFile)
			continue
		}
		if _, dup := fm.values[key]; dup {
			bad(i, "duplicate front matter key %q", key)
			continue
		}
		switch key {
		case "html":
			if val != "true" && val != "false" {
				bad(i, `front matter key "html": want true or false, got %q`, val)
				continue
			}
		case "lang":
			if !validLang(val) {
				bad(i, `front matter key "lang": %q is not a BCP 47 language tag`, val)
				continue
			}
		}
		fm.values[key] = val
	}
	return fm, end + 1, probs
}

func isDashes(s string) bool { return strings.TrimRight(s, " \t") == "---" }

func validKey(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return k != ""
}

// parseValue accepts the YAML subset of the format: a plain string (a
// trailing " #" comment is dropped) or a "double-quoted" string with Go/YAML
// backslash escapes.
func parseValue(s string) (string, bool) {
	if s == "" || s[0] != '"' {
		if i := strings.Index(s, " #"); i >= 0 {
			s = strings.TrimSpace(s[:i])
		}
		return s, true
	}
	end := -1
	for i := 1; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '"' {
			end = i
			break
		}
	}
	if end < 0 {
		return "", false
	}
	if tail := strings.TrimSpace(s[end+1:]); tail != "" && tail[0] != '#' {
		return "", false
	}
	v, err := strconv.Unquote(s[:end+1])
	if err != nil || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return "", false
	}
	return v, true
}

// validLang is a shape check of a BCP 47 tag: alphanumeric subtags of 1-8
// characters joined by hyphens, the first alphabetic.
func validLang(s string) bool {
	if s == "" {
		return false
	}
	for i, sub := range strings.Split(s, "-") {
		if len(sub) < 1 || len(sub) > 8 {
			return false
		}
		for j := 0; j < len(sub); j++ {
			c := sub[j]
			alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !alpha && !(i > 0 && c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// part is a run of source lines: a slide segment between pauses, or notes.
type part struct {
	line int // 1-based file line of text's first line
	text string
}

// rawSlide is one slide as split from the source, before Markdown parsing.
type rawSlide struct {
	line  int    // 1-based line of the slide's first line
	segs  []part // body, split at ". . ." pauses; segs[0] may be empty
	notes *part  // nil when the slide has no "Note:" line
	norm  string // normalized source (body and notes), for IDs
	src   string // exact source, the key of the slide render cache
}

// fence describes an opening code fence line.
type fence struct {
	char byte
	n    int
}

// openFence reports whether ln opens a fenced code block. Container
// prefixes (indentation, "> ", list markers) are skipped so fences inside
// quotes and list items protect their content too.
func openFence(ln string) (fence, bool) {
	s := stripContainers(ln)
	if len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return fence{}, false
	}
	c := s[0]
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	if n < 3 || c == '`' && strings.IndexByte(s[n:], '`') >= 0 {
		return fence{}, false
	}
	return fence{c, n}, true
}

func (f fence) closedBy(ln string) bool {
	s := stripContainers(ln)
	n := 0
	for n < len(s) && s[n] == f.char {
		n++
	}
	return n >= f.n && strings.TrimSpace(s[n:]) == ""
}

func stripContainers(s string) string {
	for {
		t := strings.TrimLeft(s, " \t")
		switch {
		case strings.HasPrefix(t, ">"):
			t = t[1:]
		case len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && (t[1] == ' ' || t[1] == '\t'):
			t = t[2:]
		default:
			d := 0
			for d < len(t) && d < 9 && t[d] >= '0' && t[d] <= '9' {
				d++
			}
			if d > 0 && d+1 < len(t) && (t[d] == '.' || t[d] == ')') && (t[d+1] == ' ' || t[d+1] == '\t') {
				t = t[d+2:]
			} else {
				return t
			}
		}
		s = t
	}
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// maxPrefix bounds how deeply a line outside fenced code may nest quotes
// and lists. Markdown parsers take time quadratic in the nesting depth: a
// megabyte of ">" would stall every reload for minutes.
const maxPrefix = 128

// maxSlideLines bounds a slide's length (a slide is one screen, its notes
// a page or two): goldmark takes quadratic time on some long paragraphs,
// such as thousands of link reference definitions in a row.
const maxSlideLines = 2000

// prefixWidth is the width of ln's container prefix, a tab counting 4.
func prefixWidth(ln string) int {
	p := ln[:len(ln)-len(stripContainers(ln))]
	return len(p) + 3*strings.Count(p, "\t")
}

// splitSlides cuts body lines (the first at file line `first`) into slides.
func splitSlides(file string, lines []string, first int) ([]rawSlide, []Problem) {
	var (
		slides []rawSlide
		probs  []Problem
		open   fence
		inCode bool
		codeAt int
	)
	type building struct {
		start  int // index into lines
		segs   []part
		seg    []string
		segAt  int
		notes  []string
		noteAt int
		inNote bool
	}
	newSlide := func(start int) *building {
		return &building{start: start, segAt: start}
	}
	cur := newSlide(0)
	breakBefore := 0 // file line of the break that opened cur; 0 for none
	finish := func(end, breakAfter int) {
		s := rawSlide{line: first + cur.start}
		for k := cur.start; k < end; k++ {
			if !blank(lines[k]) {
				s.line = first + k
				break
			}
		}
		segs := append(cur.segs, part{line: first + cur.segAt, text: joinLines(cur.seg)})
		s.segs = segs
		if cur.inNote {
			s.notes = &part{line: first + cur.noteAt, text: joinLines(cur.notes)}
		}
		s.norm = normalize(lines[cur.start:end])
		if n := strings.Count(s.norm, "\n") + 1; n > maxSlideLines {
			// Not rendered: see maxSlideLines.
			probs = append(probs, Problem{File: file, Line: s.line, Msg: fmt.Sprintf("slide too long: %d lines (limit %d); split it with ---", n, maxSlideLines)})
			s.segs, s.notes = nil, nil
		}
		s.src = strings.Join(lines[cur.start:end], "\n")
		if s.norm == "" {
			at := breakAfter
			if at == 0 {
				at = breakBefore
			}
			if at == 0 {
				at = s.line
			}
			probs = append(probs, Problem{File: file, Line: at, Msg: "empty slide"})
		}
		slides = append(slides, s)
	}
	for i, ln := range lines {
		if inCode {
			if open.closedBy(ln) {
				inCode = false
			}
		} else if isDashes(ln) && (i == 0 || blank(lines[i-1])) && (i == len(lines)-1 || blank(lines[i+1])) {
			finish(i, first+i)
			breakBefore = first + i
			cur = newSlide(i + 1)
			continue
		} else if prefixWidth(ln) > maxPrefix {
			probs = append(probs, Problem{File: file, Line: first + i, Msg: fmt.Sprintf("line nested too deeply: more than %d characters of indentation, quote and list markers", maxPrefix)})
			ln = ""
		} else if f, ok := openFence(ln); ok {
			open, inCode, codeAt = f, true, first+i
		} else if !cur.inNote && strings.HasPrefix(ln, "Note:") {
			cur.inNote = true
			cur.noteAt = i
			cur.notes = append(cur.notes, strings.TrimLeft(ln[len("Note:"):], " \t"))
			continue
		} else if !cur.inNote && strings.TrimRight(ln, " \t") == ". . ." {
			cur.segs = append(cur.segs, part{line: first + cur.segAt, text: joinLines(cur.seg)})
			cur.seg, cur.segAt = nil, i+1
			continue
		}
		if cur.inNote {
			cur.notes = append(cur.notes, ln)
		} else {
			cur.seg = append(cur.seg, ln)
		}
	}
	finish(len(lines), 0)
	if inCode {
		probs = append(probs, Problem{File: file, Line: codeAt, Msg: "unterminated code fence (opened here)"})
	}
	return slides, probs
}

func joinLines(ls []string) string {
	if len(ls) == 0 {
		return ""
	}
	n := 0
	for _, l := range ls {
		n += len(l) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for _, l := range ls {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// normalize is the slide source an ID is computed from: trailing blanks
// trimmed from each line, leading and trailing blank lines dropped.
func normalize(ls []string) string {
	for len(ls) > 0 && blank(ls[0]) {
		ls = ls[1:]
	}
	for len(ls) > 0 && blank(ls[len(ls)-1]) {
		ls = ls[:len(ls)-1]
	}
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight(l, " \t"))
	}
	return b.String()
}

// splitLines splits LF text into lines without a final empty element.
func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n")
}
