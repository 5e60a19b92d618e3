package deck

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// This file is the first stage: bytes of one chapter file → clean text,
// and where its front matter ends. The slides are found by goldmark's
// parse of the text (slides.go), never by scanning lines here.

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
		return "", &Problem{File: file, Line: lineAt(raw, firstInvalid(raw)), Msg: "invalid UTF-8"}
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

// firstInvalid is the offset of b's first byte that does not start a
// valid UTF-8 sequence (len(b) when there is none).
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
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

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func isDashes(s string) bool { return strings.TrimRight(s, " \t") == "---" }

// fmRegion is where a chapter's front matter is: its YAML text from
// byte yaml to end (the closing "---" line excluded) and the offset of the
// body after it. ambiguous tells that the closing line has a blank line
// before it and one (or the end of the file) after it: it could as well
// be a slide break after a front matter that was never closed.
type fmRegion struct {
	yaml, end, body int
	ambiguous       bool
}

// findFrontMatter finds the front matter at the top of text, if its first
// line is "---": it ends at the next line that is "---".
func findFrontMatter(file, text string) (fmRegion, bool, *Problem) {
	first, _, _ := strings.Cut(text, "\n")
	if !isDashes(first) {
		return fmRegion{}, false, nil
	}
	r := fmRegion{yaml: len(first) + 1}
	off, prevBlank := r.yaml, false
	for off < len(text) {
		ln, after, found := strings.Cut(text[off:], "\n")
		next := off + len(ln) + 1
		if !found {
			next = len(text)
		}
		if isDashes(ln) {
			nextLn, _, _ := strings.Cut(after, "\n")
			r.end, r.body, r.ambiguous = off, next, prevBlank && blank(nextLn)
			return r, true, nil
		}
		prevBlank = blank(ln)
		off = next
	}
	return r, false, unterminated(file)
}

func unterminated(file string) *Problem {
	return &Problem{File: file, Line: 1, Msg: `unterminated front matter: no closing "---"`}
}

// endsInHeading reports whether the last lines of YAML text, after a
// blank line, are all "#" lines: comments to YAML, but as likely a
// Markdown heading swallowed by a front matter never closed.
func endsInHeading(yaml string) bool {
	ls := strings.Split(strings.TrimRight(yaml, " \t\n"), "\n")
	i := len(ls) - 1
	for i >= 0 && strings.HasPrefix(ls[i], "#") {
		i--
	}
	return i < len(ls)-1 && i >= 0 && blank(ls[i])
}

// lineIndex maps byte offsets of a text to 1-based line numbers.
type lineIndex []int // offsets of line starts

func newLineIndex(text []byte) lineIndex {
	ix := lineIndex{0}
	for i, c := range text {
		if c == '\n' {
			ix = append(ix, i+1)
		}
	}
	return ix
}

// line is the 1-based line of offset off.
func (ix lineIndex) line(off int) int {
	lo, hi := 0, len(ix)
	for lo < hi {
		m := (lo + hi) / 2
		if ix[m] <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return max(lo, 1)
}

// normalize is the slide source an ID is computed from: trailing blanks
// trimmed from each line, leading and trailing blank lines dropped.
func normalize(s string) string {
	ls := strings.Split(s, "\n")
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
