package deck

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file reads Go present's .slide files (golang.org/x/tools/present):
// it translates one into podium Markdown, which the loader then parses
// once like any chapter, and remembers for every line it writes the line
// of the .slide it came from, so that problems point into the .slide.
// Present is line-based (its own parser reads it line by line), so the
// translation is too; the Markdown it writes is then goldmark's to read.

// translated is a deck file in another format turned into podium
// Markdown: its text, and for each of its lines (0-based) the 1-based
// line of the original file it comes from.
type translated struct {
	text     string
	lines    []int
	warnings []Problem
	// dialect is the dialect its text is in when the format says so
	// (a remark page's Markdown is remark's), and why.
	dialect Dialect
	why     string
}

// origLine maps line n (1-based) of the translated text to its line in
// the original file.
func (t *translated) origLine(n int) int {
	switch {
	case n <= 0 || len(t.lines) == 0:
		return n
	case n > len(t.lines):
		return t.lines[len(t.lines)-1]
	}
	return t.lines[n-1]
}

// mdWriter collects Markdown lines with their origins.
type mdWriter struct {
	out   []string
	lines []int
}

func (w *mdWriter) line(src int, s string) {
	w.out = append(w.out, s)
	w.lines = append(w.lines, src)
}

// blank ends the block before it, unless the text already ends in a
// blank line.
func (w *mdWriter) blank(src int) {
	if n := len(w.out); n > 0 && w.out[n-1] != "" {
		w.line(src, "")
	}
}

// presentReader is one .slide file on its way to podium Markdown.
type presentReader struct {
	fsys     fs.FS
	file     string
	ls       []string
	i        int // next line, 0-based
	markdown bool
	comment  string // prefix of comment lines: "#" in legacy present, "//" in Markdown mode
	prefix   string // of slide titles: "*" or "##"
	w        mdWriter
	probs    []Problem
	warnings []Problem
}

// presentSlide is one slide being read: its settings and notes are
// written once the whole slide has been read.
type presentSlide struct {
	line       int
	background string
	body       mdWriter
	notes      mdWriter
	// bullet is the list marker of the slide's last list: present's
	// lists apart are lists apart, and Markdown starts a new list only
	// when the marker changes ("-" then "+"; both appear at once).
	bullet string
}

// translatePresent turns the .slide file's text into podium Markdown.
// Files that .code and .play show are read from fsys, relative to the
// .slide's folder.
func translatePresent(fsys fs.FS, file, text string) (*translated, []Problem) {
	r := &presentReader{fsys: fsys, file: file, ls: strings.Split(strings.TrimRight(text, "\n"), "\n")}
	for _, l := range r.ls {
		if l != "" {
			r.markdown = strings.HasPrefix(l, "# ")
			break
		}
	}
	r.comment, r.prefix = "#", "*"
	if r.markdown {
		r.comment, r.prefix = "//", "##"
	}
	r.header()
	for r.i < len(r.ls) {
		r.slide()
	}
	if len(r.probs) > 0 {
		return nil, r.probs
	}
	return &translated{text: strings.Join(r.w.out, "\n") + "\n", lines: r.w.lines, warnings: r.warnings}, nil
}

func (r *presentReader) problem(line int, format string, args ...any) {
	r.probs = append(r.probs, Problem{File: r.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (r *presentReader) warn(line int, format string, args ...any) {
	r.warnings = append(r.warnings, Problem{File: r.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// next returns the next line that is not a comment, and its 1-based number.
func (r *presentReader) next() (string, int, bool) {
	for r.i < len(r.ls) {
		l, n := r.ls[r.i], r.i+1
		r.i++
		if !strings.HasPrefix(l, r.comment) {
			return l, n, true
		}
	}
	return "", 0, false
}

// peek is next without consuming the line.
func (r *presentReader) peek() (string, int, bool) {
	i := r.i
	l, n, ok := r.next()
	r.i = i
	return l, n, ok
}

func (r *presentReader) skipBlank() {
	for {
		l, _, ok := r.peek()
		if !ok || l != "" {
			return
		}
		r.next()
	}
}

func isPresentNote(l string) bool { return strings.HasPrefix(l, ": ") || l == ":" }

// isTitle reports a slide title line of this file ("* Title", "## Title").
func (r *presentReader) isTitle(l string) bool {
	return l == r.prefix || strings.HasPrefix(l, r.prefix+" ")
}

// presentDate reads present's date line: "15:04 2 Jan 2006" or "2 Jan 2006".
func presentDate(l string) bool {
	for _, layout := range []string{"15:04 2 Jan 2006", "2 Jan 2006"} {
		if _, err := time.Parse(layout, l); err == nil {
			return true
		}
	}
	return false
}

// header reads the title, subtitle, date, tags and the author blocks,
// and writes the front matter and the title slide.
func (r *presentReader) header() {
	r.skipBlank()
	title, tline, ok := r.next()
	if !ok {
		r.problem(1, "present: no title: the file holds only comments or blank lines")
		return
	}
	if r.markdown {
		title = strings.TrimSpace(strings.TrimPrefix(title, "#"))
	}
	var subtitle, date string
	var notes []int // lines
	for {
		l, n, ok := r.next()
		if !ok || l == "" {
			break
		}
		switch {
		case isPresentNote(l):
			notes = append(notes, n)
		case strings.HasPrefix(l, "Tags:"), strings.HasPrefix(l, "Summary:"), strings.HasPrefix(l, "OldURL:"):
			// Metadata for blogs and redirects; a slide shows none of it.
		case presentDate(l):
			date = l
		case subtitle == "":
			subtitle = l
		default:
			r.problem(n, "present: unexpected header line %q: the header is the title, a subtitle, a date and Tags/Summary/OldURL lines, then a blank line", l)
		}
	}
	// Author blocks, up to the first slide title.
	var authors [][]string
	var alines []int
	var names []string
	for {
		r.skipBlank()
		l, n, ok := r.peek()
		if !ok || r.isTitle(l) {
			break
		}
		var block []string
		textOnly := true
		for {
			l, n, ok = r.peek()
			if !ok || l == "" || r.isTitle(l) {
				break
			}
			r.next()
			if isPresentNote(l) {
				notes = append(notes, n)
				continue
			}
			// The title slide shows an author's text lines, up to the
			// first address (mail, web, @name), as present does.
			if strings.Contains(l, "@") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
				textOnly = false
			}
			if textOnly {
				block = append(block, l)
				alines = append(alines, n)
			}
		}
		if len(block) > 0 {
			authors = append(authors, block)
			names = append(names, strings.TrimSpace(block[0]))
		}
	}
	// The front matter: the deck's metadata.
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	r.w.line(tline, "---")
	r.w.line(tline, "title: "+q(title))
	if len(names) > 0 {
		r.w.line(tline, "author: "+q(strings.Join(names, ", ")))
	}
	if date != "" {
		r.w.line(tline, "date: "+q(date))
	}
	r.w.line(tline, "---")
	r.w.line(tline, "")
	r.w.line(tline, "# "+r.inline(title))
	if subtitle != "" {
		r.w.line(tline, "")
		r.w.line(tline, r.inline(subtitle))
	}
	if date != "" {
		r.w.line(tline, "")
		r.w.line(tline, r.inline(date))
	}
	k := 0
	for _, b := range authors {
		r.w.blank(alines[k])
		for j, l := range b {
			s := r.inline(strings.TrimSpace(l))
			if j < len(b)-1 {
				s += `\`
			}
			r.w.line(alines[k], s)
			k++
		}
	}
	r.writeNotes(notes)
}

// writeNotes writes the speaker notes of the title slide, which present
// takes from ": " lines anywhere before the first slide.
func (r *presentReader) writeNotes(lines []int) {
	if len(lines) == 0 {
		return
	}
	var nw mdWriter
	for _, n := range lines {
		nw.line(n, r.noteText(r.ls[n-1]))
	}
	r.appendNotes(&r.w, &nw)
}

func (r *presentReader) noteText(l string) string {
	t := strings.TrimSpace(strings.TrimPrefix(l, ":"))
	if r.markdown {
		return t
	}
	return r.inline(t)
}

// appendNotes writes notes as podium's "Note:" paragraph, at the slide's
// end: present lets them appear anywhere in a slide.
func (r *presentReader) appendNotes(w, notes *mdWriter) {
	if len(notes.out) == 0 {
		return
	}
	w.blank(notes.lines[0])
	for i, l := range notes.out {
		if i == 0 {
			l = "Note: " + l
		}
		w.line(notes.lines[i], l)
	}
}

// slide reads one slide: its title line and everything up to the next.
func (r *presentReader) slide() {
	r.skipBlank()
	l, n, ok := r.next()
	if !ok {
		return
	}
	if !r.isTitle(l) {
		r.problem(n, "present: unexpected line %q: want a slide title (%q)", clip(l, 40), r.prefix+" Title")
		// Skip to the next title, so that one mistake is one problem.
		for {
			l, _, ok := r.peek()
			if !ok || r.isTitle(l) {
				return
			}
			r.next()
		}
	}
	s := &presentSlide{line: n}
	if t := r.titleText(strings.TrimSpace(l[len(r.prefix):])); t != "" {
		s.body.line(n, "## "+t)
	}
	for {
		l, n, ok := r.peek()
		if !ok || r.isTitle(l) {
			break
		}
		r.next()
		r.element(s, l, n)
	}
	r.w.blank(s.line)
	r.w.line(s.line, "---")
	if s.background != "" {
		r.w.line(s.line, "background: "+s.background)
		r.w.line(s.line, "---")
	}
	r.w.line(s.line, "")
	if len(s.body.out) == 0 && len(s.notes.out) == 0 {
		// A slide with no title and no content: podium refuses empty
		// slides, present shows a blank page.
		s.body.line(s.line, "&nbsp;")
	}
	r.w.out = append(r.w.out, s.body.out...)
	r.w.lines = append(r.w.lines, s.body.lines...)
	r.appendNotes(&r.w, &s.notes)
}

// titleText is a title as Markdown: legacy markup translated, or in
// Markdown mode the title without its {#anchor}.
func (r *presentReader) titleText(t string) string {
	if !r.markdown {
		return r.inline(t)
	}
	if strings.HasSuffix(t, "}") {
		if j := strings.LastIndex(t, "{#"); j >= 0 {
			t = strings.TrimSpace(t[:j])
		}
	}
	return t
}

// element reads one element of a slide starting at line l (number n).
func (r *presentReader) element(s *presentSlide, l string, n int) {
	b := &s.body
	first, _ := utf8.DecodeRuneInString(l)
	switch {
	case l == "":
		return
	case isPresentNote(l):
		s.notes.line(n, r.noteText(l))
	case strings.HasPrefix(l, r.prefix+r.prefix[:1]):
		// A subsection: "** Sub" or "### Sub" and deeper.
		depth := len(l) - len(strings.TrimLeft(l, r.prefix[:1]))
		rest := strings.TrimSpace(l[depth:])
		level := depth + 1 // "**" (legacy) is a level-3 heading, like "###"
		if r.markdown {
			level = depth
		}
		b.blank(n)
		b.line(n, strings.Repeat("#", min(level, 6))+" "+r.titleText(rest))
		b.line(n, "")
	case strings.HasPrefix(l, "."):
		r.command(s, l, n)
	case r.markdown:
		b.blank(n)
		for {
			if strings.HasPrefix(l, `\.`) {
				l = l[1:]
			}
			if isDashes(l) {
				// A thematic break; "---" alone would be a slide break.
				l = "***"
			}
			if t := strings.TrimLeft(l, "\t"); t != l {
				l = strings.Repeat("    ", len(l)-len(t)) + t
			}
			b.line(n, l)
			nl, nn, ok := r.peek()
			if !ok || r.isTitle(nl) || strings.HasPrefix(nl, ".") || strings.HasPrefix(nl, "#") || isPresentNote(nl) {
				break
			}
			r.next()
			l, n = nl, nn
		}
		b.blank(n)
	case unicode.IsSpace(first):
		r.preformatted(b, l, n)
	case strings.HasPrefix(l, "- "):
		b.blank(n)
		s.bullet = map[string]string{"-": "+", "+": "-", "": "-"}[s.bullet]
		for {
			nl, nn, ok := r.peek()
			switch {
			case strings.HasPrefix(l, "- "):
				b.line(n, s.bullet+" "+r.inline(l[2:]))
			default:
				b.line(n, "  "+r.inline(strings.TrimSpace(l)))
			}
			if !ok || !(strings.HasPrefix(nl, "- ") || strings.HasPrefix(nl, " ") && strings.TrimSpace(nl) != "") {
				break
			}
			r.next()
			l, n = nl, nn
		}
		b.line(n, "")
	default:
		b.blank(n)
		for {
			if strings.HasPrefix(l, `\.`) {
				l = l[1:]
			}
			b.line(n, r.inline(l))
			nl, nn, ok := r.peek()
			if !ok || strings.TrimSpace(nl) == "" || r.isTitle(nl) || strings.HasPrefix(nl, ".") || isPresentNote(nl) ||
				strings.HasPrefix(nl, r.prefix+r.prefix[:1]) {
				break
			}
			r.next()
			l, n = nl, nn
		}
		b.line(n, "")
	}
}

// preformatted reads an indented block of legacy present: the lines that
// keep the first one's indentation (and blank lines between them).
func (r *presentReader) preformatted(b *mdWriter, l string, n int) {
	indent := l[:len(l)-len(strings.TrimLeftFunc(l, unicode.IsSpace))]
	if strings.TrimSpace(l) == "" {
		return
	}
	var code []string
	var lines []int
	for {
		if l == "" {
			code = append(code, "")
		} else {
			code = append(code, strings.ReplaceAll(l[len(indent):], "\t", "    "))
		}
		lines = append(lines, n)
		nl, nn, ok := r.peek()
		if !ok || !(nl == "" || strings.HasPrefix(nl, indent)) {
			break
		}
		r.next()
		l, n = nl, nn
	}
	for len(code) > 0 && strings.TrimSpace(code[len(code)-1]) == "" {
		code, lines = code[:len(code)-1], lines[:len(lines)-1]
	}
	writeFence(b, lines[0], "", code, lines)
}

// writeFence writes code as a fenced block, with a fence longer than any
// run of backticks in it.
func writeFence(b *mdWriter, at int, info string, code []string, lines []int) {
	fence := "```"
	for _, c := range code {
		for strings.Contains(c, fence) {
			fence += "`"
		}
	}
	b.blank(at)
	b.line(at, fence+info)
	for i, c := range code {
		src := at
		if lines != nil {
			src = lines[i]
		}
		b.line(src, c)
	}
	b.line(at, fence)
	b.line(at, "")
}

// command translates a present command line (".image x.png").
func (r *presentReader) command(s *presentSlide, l string, n int) {
	args := strings.Fields(l)
	b := &s.body
	name := args[0]
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	need := func(k int) bool {
		if len(args) < k+1 {
			r.problem(n, "present: %s wants %d argument(s), got %d", name, k, len(args)-1)
			return false
		}
		return true
	}
	switch name {
	case ".image":
		if need(1) {
			b.blank(n)
			b.line(n, "![]("+mdDest(arg(1))+")")
			b.line(n, "")
		}
	case ".background":
		if need(1) {
			s.background = arg(1)
		}
	case ".code", ".play":
		r.code(b, l, n)
	case ".link":
		if need(1) {
			label := strings.Join(args[2:], " ")
			if label == "" {
				label = arg(1)
			}
			b.blank(n)
			b.line(n, "["+escapeMD(label)+"]("+mdDest(arg(1))+")")
			b.line(n, "")
		}
	case ".caption":
		text := strings.TrimSpace(strings.TrimPrefix(l, ".caption"))
		if !r.markdown {
			text = r.inline(text)
		}
		b.blank(n)
		b.line(n, text)
		b.line(n, "")
	case ".iframe", ".video":
		if need(1) {
			r.warn(n, "present: %s %s is shown as a link: podium does not embed other pages or players in audience devices", name, arg(1))
			b.blank(n)
			b.line(n, "["+escapeMD(arg(1))+"]("+mdDest(arg(1))+")")
			b.line(n, "")
		}
	case ".html":
		r.warn(n, "present: .html %s is left out: podium does not put a file's raw HTML on audience devices", arg(1))
	default:
		r.warn(n, "present: unknown command %s: ignored", name)
	}
}

// mdDest is a link destination in <…> when it needs them.
func mdDest(d string) string {
	if strings.ContainsAny(d, " ()<>") {
		return "<" + strings.NewReplacer("<", "%3C", ">", "%3E").Replace(d) + ">"
	}
	return d
}

var (
	presentHL     = regexp.MustCompile(`\s+HL([a-zA-Z0-9_]+)?$`)
	presentHLLine = regexp.MustCompile(`^(.+) // HL(.*)$`)
)

// code translates ".code [-numbers] [-edit] FILE [ADDRESS] [HLword]": the
// lines of FILE that ADDRESS selects, without lines ending in OMIT, in a
// fenced block whose highlighted lines are those marked "// HLword".
// ".play" shows the same; running it is not podium's business.
func (r *presentReader) code(b *mdWriter, l string, n int) {
	cmd := strings.Join(strings.Fields(l), " ")
	hl := ""
	if m := presentHL.FindStringSubmatchIndex(cmd); m != nil {
		if m[2] >= 0 {
			hl = cmd[m[2]:m[3]]
		}
		cmd = cmd[:m[0]]
	}
	name, rest, _ := strings.Cut(cmd, " ")
	rest = strings.TrimSpace(rest)
	for {
		flag, after, _ := strings.Cut(rest, " ")
		if flag != "-numbers" && flag != "-edit" {
			break
		}
		rest = strings.TrimSpace(after)
	}
	arg, addr, _ := strings.Cut(rest, " ")
	addr = strings.TrimSpace(addr)
	if arg == "" {
		r.problem(n, "present: %s wants a file name", name)
		return
	}
	file := path.Join(path.Dir(r.file), arg)
	if !fs.ValidPath(file) || strings.HasPrefix(arg, "/") {
		r.problem(n, "present: %s %s: the file is outside the deck folder", name, arg)
		return
	}
	if r.fsys == nil {
		r.problem(n, "present: %s %s: no deck folder to read it from", name, arg)
		return
	}
	data, err := fs.ReadFile(r.fsys, file)
	if err != nil {
		r.problem(n, "present: %s %s: %v", name, arg, errNotExist(err))
		return
	}
	if len(data) > MaxFileSize {
		r.problem(n, "present: %s %s: file too large (limit 1 MiB)", name, arg)
		return
	}
	src := strings.ReplaceAll(string(data), "\r\n", "\n")
	lo, hi, err := presentAddress(src, addr)
	if err != nil {
		r.problem(n, "present: %s %s %s: %v", name, arg, addr, err)
		return
	}
	var code []string
	var marked []int
	for _, cl := range strings.Split(strings.TrimSuffix(src[lo:hi], "\n"), "\n") {
		if strings.HasSuffix(cl, "OMIT") {
			continue
		}
		cl = strings.ReplaceAll(cl, "\t", "    ")
		if m := presentHLLine.FindStringSubmatch(cl); m != nil {
			cl = m[1]
			if hl != "" && m[2] == hl {
				marked = append(marked, len(code)+1)
			}
		}
		code = append(code, cl)
	}
	// Blank lines at either end are trimmed, as present does.
	for len(code) > 0 && code[0] == "" {
		code = code[1:]
		for i := range marked {
			marked[i]--
		}
	}
	for len(code) > 0 && code[len(code)-1] == "" {
		code = code[:len(code)-1]
	}
	info := strings.TrimPrefix(path.Ext(file), ".")
	if len(marked) > 0 {
		parts := make([]string, len(marked))
		for i, m := range marked {
			parts[i] = strconv.Itoa(m)
		}
		info += " {" + strings.Join(parts, ",") + "}"
	}
	if len(code) == 0 {
		code = []string{""}
	}
	writeFence(b, n, info, code, nil)
}

func errNotExist(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// presentAddress finds the byte range of src that a present address
// selects, rounded out to whole lines. The address language is sam's
// (present's), in the subset talks use: a line number N, a regular
// expression /re/ (Go syntax, multi-line mode, searched forward from the
// end of what came before, wrapping around), $ for the end, and two of
// these joined by a comma for the range from the start of the first to
// the end of the second. An empty address is the whole file.
func presentAddress(src, addr string) (lo, hi int, err error) {
	if addr == "" {
		return 0, len(src), nil
	}
	parts, err := splitAddress(addr)
	if err != nil {
		return 0, 0, err
	}
	if len(parts) > 2 {
		return 0, 0, fmt.Errorf("address has %d parts: want ADDR or ADDR,ADDR", len(parts))
	}
	from := 0
	var ranges [][2]int
	for _, p := range parts {
		a, b, err := simpleAddress(src, p, from)
		if err != nil {
			return 0, 0, err
		}
		ranges = append(ranges, [2]int{a, b})
		from = b
	}
	lo, hi = ranges[0][0], ranges[len(ranges)-1][1]
	if lo > hi {
		lo, hi = hi, lo
	}
	for lo > 0 && src[lo-1] != '\n' {
		lo--
	}
	for hi < len(src) && (hi == 0 || src[hi-1] != '\n') {
		hi++
	}
	return lo, hi, nil
}

// splitAddress splits an address at its top-level commas (not those
// inside /re/).
func splitAddress(addr string) ([]string, error) {
	var parts []string
	start, inRE := 0, false
	for i := 0; i < len(addr); i++ {
		switch c := addr[i]; {
		case c == '\\' && inRE:
			i++
		case c == '/':
			inRE = !inRE
		case c == ',' && !inRE:
			parts = append(parts, addr[start:i])
			start = i + 1
		}
	}
	if inRE {
		return nil, fmt.Errorf("unterminated regular expression in address")
	}
	return append(parts, addr[start:]), nil
}

// simpleAddress is the byte range of one address without commas.
func simpleAddress(src, a string, from int) (lo, hi int, err error) {
	a = strings.TrimSpace(a)
	switch {
	case a == "$":
		return len(src), len(src), nil
	case a == "" || a == "0":
		return 0, 0, nil
	case a[0] >= '0' && a[0] <= '9':
		n, err := strconv.Atoi(a)
		if err != nil {
			return 0, 0, fmt.Errorf("bad line number %q", a)
		}
		off := 0
		for k := 1; k < n; k++ {
			j := strings.IndexByte(src[off:], '\n')
			if j < 0 {
				return 0, 0, fmt.Errorf("line %d is past the end of the file", n)
			}
			off += j + 1
		}
		end := len(src)
		if j := strings.IndexByte(src[off:], '\n'); j >= 0 {
			end = off + j + 1
		}
		return off, end, nil
	case a[0] == '/' && len(a) >= 2 && a[len(a)-1] == '/':
		re, err := regexp.Compile("(?m:" + a[1:len(a)-1] + ")")
		if err != nil {
			return 0, 0, fmt.Errorf("bad regular expression: %v", err)
		}
		if m := re.FindStringIndex(src[from:]); m != nil {
			return from + m[0], from + m[1], nil
		}
		if m := re.FindStringIndex(src); m != nil { // sam wraps around
			return m[0], m[1], nil
		}
		return 0, 0, fmt.Errorf("no match for %s", a)
	}
	return 0, 0, fmt.Errorf("unsupported address %q (podium reads N, /regexp/, $ and ranges of two)", a)
}

// inline translates a line of legacy present text to Markdown: its font
// markers (_italic_, *bold*, `code`) and links ([[url][label]], [[url]])
// become Markdown's, and the rest is escaped, since legacy present text is
// not Markdown (a "<", "$" or "Note:" in it is just text). In Markdown
// mode the line is Markdown already.
func (r *presentReader) inline(s string) string {
	if r.markdown {
		return s
	}
	var b strings.Builder
	for s != "" {
		// The next link or word.
		if strings.HasPrefix(s, "[[") {
			if end := strings.Index(s, "]]"); end > 0 {
				inner := s[2:end]
				url, label, _ := strings.Cut(inner, "][")
				if label == "" {
					label = url
				}
				b.WriteString("[" + escapeMD(label) + "](" + mdDest(url) + ")")
				s = s[end+2:]
				continue
			}
		}
		if s[0] == ' ' || s[0] == '\t' {
			b.WriteByte(s[0])
			s = s[1:]
			continue
		}
		end := strings.IndexAny(s, " \t")
		if j := strings.Index(s, "[["); j > 0 && (end < 0 || j < end) {
			end = j
		}
		if end < 0 {
			end = len(s)
		}
		b.WriteString(fontWord(s[:end]))
		s = s[end:]
	}
	return escapeLineStart(b.String())
}

// fontWord translates one word's font markers, by present's rules: the
// opening marker starts the word or follows punctuation, the closing one
// is the last of the same character and ends the word or precedes
// punctuation; inside, a single marker is a space and a doubled one the
// character itself.
func fontWord(w string) string {
	first := strings.IndexAny(w, "_*`")
	if first < 0 || len(w) < 2 {
		return escapeMD(w)
	}
	if first > 0 {
		if r, _ := utf8.DecodeLastRuneInString(w[:first]); !unicode.IsPunct(r) {
			return escapeMD(w)
		}
	}
	c := w[first]
	last := strings.LastIndexByte(w, c)
	if last == first {
		return escapeMD(w)
	}
	if last+1 < len(w) {
		if r, _ := utf8.DecodeRuneInString(w[last+1:]); !unicode.IsPunct(r) {
			return escapeMD(w)
		}
	}
	var in strings.Builder
	body := w[first+1 : last]
	for i := 0; i < len(body); i++ {
		switch {
		case body[i] != c:
			in.WriteByte(body[i])
		case i+1 < len(body) && body[i+1] == c:
			in.WriteByte(c)
			i++
		default:
			in.WriteByte(' ')
		}
	}
	text := strings.TrimSpace(in.String())
	if text == "" {
		return escapeMD(w)
	}
	var mid string
	switch c {
	case '`':
		fence := "`"
		for strings.Contains(text, fence) {
			fence += "`"
		}
		pad := ""
		if len(fence) > 1 || strings.HasPrefix(text, "`") || strings.HasSuffix(text, "`") {
			pad = " "
		}
		mid = fence + pad + text + pad + fence
	case '*':
		mid = "**" + escapeMD(text) + "**"
	default:
		mid = "*" + escapeMD(text) + "*"
	}
	return escapeMD(w[:first]) + mid + escapeMD(w[last+1:])
}

// escapeMD escapes what Markdown would read as markup in plain text:
// emphasis, code, links, HTML, math, strikethrough, entities and emoji
// shortcodes. What matters only at the start of a line is escapeLineStart's.
func escapeMD(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<', '$', '~', '|':
			b.WriteByte('\\')
		case '&':
			if i+1 < len(s) && (s[i+1] == '#' || isAlnum(s[i+1])) {
				b.WriteByte('\\')
			}
		case ':':
			if i+1 < len(s) && isAlnum(s[i+1]) {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) }

// escapeLineStart escapes what Markdown reads as a block at the start of
// a line: headings, quotes, lists, breaks, setext underlines, pauses,
// definitions and podium's "Note:".
func escapeLineStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '>', '-', '+', '=', '.', ':':
		return `\` + s
	}
	d := digitRun(s)
	if d > 0 && d < len(s) && (s[d] == '.' || s[d] == ')') {
		return s[:d] + `\` + s[d:]
	}
	if len(s) >= 5 && strings.EqualFold(s[:5], "note:") || len(s) >= 6 && strings.EqualFold(s[:6], "notes:") {
		i := strings.IndexByte(s, ':')
		return s[:i] + `\` + s[i:]
	}
	return s
}
