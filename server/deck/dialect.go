package deck

import (
	"bytes"
	"fmt"
	"html"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// Dialect names the Markdown dialect a deck is written in: podium's own,
// or another slide tool's, read as that tool reads it (see "Dialects" in
// the package doc). The zero value "" means "detect it".
type Dialect string

// The dialects podium reads.
const (
	DialectPodium  Dialect = "podium"
	DialectMarp    Dialect = "marp"
	DialectSlidev  Dialect = "slidev"
	DialectRemark  Dialect = "remark" // remark.js, and xaringan's .Rmd
	DialectReveal  Dialect = "reveal" // reveal.js's markdown plugin and reveal-md
	DialectPresent Dialect = "present"
)

// Dialects lists every dialect, podium's first, for flags and messages.
func Dialects() []Dialect {
	return []Dialect{DialectPodium, DialectMarp, DialectSlidev, DialectRemark, DialectReveal, DialectPresent}
}

// ParseDialect reads a dialect name as a user writes it (--dialect, the
// "dialect" front matter key): any case, "reveal-md", "revealjs",
// "xaringan" and "go-present" accepted. "" and "auto" are "" (detect).
func ParseDialect(s string) (Dialect, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return "", nil
	case "podium":
		return DialectPodium, nil
	case "marp":
		return DialectMarp, nil
	case "slidev":
		return DialectSlidev, nil
	case "remark", "remarkjs", "xaringan":
		return DialectRemark, nil
	case "reveal", "revealjs", "reveal.js", "reveal-md":
		return DialectReveal, nil
	case "present", "go-present":
		return DialectPresent, nil
	}
	names := make([]string, 0, 6)
	for _, d := range Dialects() {
		names = append(names, string(d))
	}
	return "", fmt.Errorf("unknown dialect %q (have %s)", s, strings.Join(names, ", "))
}

// Tool is the dialect's tool as people name it, for announcements:
// "reading slides.md as a Slidev deck".
func (d Dialect) Tool() string {
	switch d {
	case DialectMarp:
		return "Marp"
	case DialectSlidev:
		return "Slidev"
	case DialectRemark:
		return "remark"
	case DialectReveal:
		return "reveal.js"
	case DialectPresent:
		return "Go present"
	}
	return "podium"
}

// htmlByDefault reports whether d's tool shows a deck's raw HTML without
// being asked: Slidev (its slides are Vue templates), remark and reveal.js
// (both hand the Markdown's HTML to the browser). podium's own format and
// Marp (marp-core lets a few tags through unless --html) leave it out;
// Go present has no raw HTML. An html front matter key overrides it.
func (d Dialect) htmlByDefault() bool {
	return d == DialectSlidev || d == DialectRemark || d == DialectReveal
}

// foreign reports whether d is another tool's dialect.
func (d Dialect) foreign() bool { return d != "" && d != DialectPodium }

// DetectDialect names the dialect of a deck's main file from unmistakable
// markers, and says which it saw (for the announcement, and for the
// warning when markers of several dialects disagree). A "dialect" front
// matter key wins; without any marker the deck is podium's. name is the
// file's name (".slide" is Go present, ".Rmd" xaringan's remark).
//
// It reads only what decides: the front matter's keys and whether the
// body holds a marker anywhere; it does not parse the deck.
func DetectDialect(name string, src []byte) (Dialect, string) {
	switch strings.ToLower(path.Ext(name)) {
	case ".slide":
		return DialectPresent, "a .slide file"
	case ".rmd":
		return DialectRemark, "an R Markdown (xaringan) file"
	}
	fm, body := splitFrontMatter(src)
	// A v-click inside code is an example (a talk about Slidev), not the
	// deck's dialect. (Other markers are notes syntax: they count anywhere,
	// so that no reading of the deck shows them.)
	prose := withoutFences(body)
	if v, ok := fmValue(fm, "dialect"); ok {
		if d, err := ParseDialect(v); err == nil && d != "" {
			return d, "its front matter says dialect: " + v
		}
	}
	var seen []string // markers, as "dialect: marker"
	found := map[Dialect]string{}
	mark := func(d Dialect, why string) {
		if _, ok := found[d]; !ok {
			found[d] = why
			seen = append(seen, d.Tool()+" ("+why+")")
		}
	}
	if v, ok := fmValue(fm, "marp"); ok && v == "true" {
		mark(DialectMarp, "marp: true")
	}
	for _, k := range slidevHeadKeys {
		if _, ok := fmValue(fm, k); ok {
			mark(DialectSlidev, "headmatter key "+k)
			break
		}
	}
	if bytes.Contains(prose, []byte("<v-click")) || bytes.Contains(prose, []byte(" v-click")) {
		mark(DialectSlidev, "v-click")
	}
	if _, ok := fmValue(fm, "output"); ok && bytes.Contains(fm, []byte("xaringan")) {
		mark(DialectRemark, "xaringan output")
	}
	remarkNotes, remarkProps := hasLine(body, "???"), remarkPropsRe.Match(body)
	if remarkNotes && remarkProps || remarkNotes && hasLine(body, "--") || remarkProps && hasLine(body, "--") {
		mark(DialectRemark, "??? / -- with slide properties")
	}
	if revealNotesRe.Match(body) && (hasLine(body, "----") || bytes.Contains(body, []byte("<!-- .slide:")) || bytes.Contains(body, []byte("<!-- .element:"))) {
		mark(DialectReveal, "Note: with reveal separators")
	}
	if bytes.Contains(body, []byte("<!-- .slide:")) || bytes.Contains(body, []byte("<!-- .element:")) {
		mark(DialectReveal, ".slide/.element comments")
	}
	if bytes.Contains(body, []byte("\n\n----\n\n")) {
		mark(DialectReveal, "---- vertical separators")
	}
	// v-click alone against podium's own notes: read as Slidev, those
	// notes would show as text, while read as podium a Slidev deck's notes
	// (comments) still never show. Podium's, then. (remark's and reveal's
	// markers are their notes syntax: either reading would show one kind
	// of notes, so their markers win.)
	if why, ok := found[DialectSlidev]; ok && why == "v-click" && len(found) == 1 && podiumNoteRe.Match(body) {
		seen = append(seen, "podium (Note: paragraphs)")
		found[DialectPodium] = "Note: paragraphs"
	}
	switch len(found) {
	case 0:
		return DialectPodium, "no other tool's markers"
	case 1:
		for d, why := range found {
			return d, why
		}
	}
	// Front matter markers are deliberate; the body's may be examples.
	if why, ok := found[DialectMarp]; ok {
		return DialectMarp, why
	}
	return DialectPodium, "ambiguous markers: " + strings.Join(seen, ", ")
}

// slidevHeadKeys are headmatter keys only Slidev uses.
var slidevHeadKeys = []string{"drawings", "transition", "mdc", "comark", "highlighter", "lineNumbers", "colorSchema", "routerMode", "aspectRatio", "canvasWidth", "themeConfig", "fonts", "favicon", "monaco", "selectable", "record", "download", "exportFilename", "seoMeta", "addons"}

var (
	// remarkPropsRe finds remark's slide properties right after a "---".
	remarkPropsRe = regexp.MustCompile(`(?m)^---\n(class|name|layout|background-image|template|count|exclude): `)
	// podiumNoteRe finds podium's notes marker.
	podiumNoteRe = regexp.MustCompile(`(?m)^Note: `)
	// revealNotesRe finds reveal's notes marker.
	revealNotesRe = regexp.MustCompile(`(?mi)^\s*notes?:`)
)

// hasLine reports whether src has a line that is exactly ln (trailing
// blanks allowed).
func hasLine(src []byte, ln string) bool {
	for len(src) > 0 {
		l, rest, _ := bytes.Cut(src, []byte{'\n'})
		if string(bytes.TrimRight(l, " \t\r")) == ln {
			return true
		}
		src = rest
	}
	return false
}

// splitFrontMatter splits off the YAML between a first line "---" and the
// next "---" line, for detection only (the loader reads front matter
// properly).
func splitFrontMatter(src []byte) (fm, body []byte) {
	if !bytes.HasPrefix(src, []byte("---\n")) && !bytes.HasPrefix(src, []byte("---\r\n")) {
		return nil, src
	}
	rest := src[bytes.IndexByte(src, '\n')+1:]
	for off := 0; off < len(rest); {
		l, _, _ := bytes.Cut(rest[off:], []byte{'\n'})
		if isDashes(strings.TrimRight(string(l), "\r")) {
			return rest[:off], rest[min(off+len(l)+1, len(rest)):]
		}
		off += len(l) + 1
	}
	return nil, src
}

// fmValue finds a top-level "key: value" line in front matter.
func fmValue(fm []byte, key string) (string, bool) {
	for len(fm) > 0 {
		l, rest, _ := bytes.Cut(fm, []byte{'\n'})
		fm = rest
		if v, ok := bytes.CutPrefix(l, []byte(key+":")); ok {
			v = bytes.TrimSpace(v)
			return strings.Trim(string(v), `"'`), true
		}
	}
	return "", false
}

// dialectKey is how one chapter file is read: its dialect and, for
// reveal, the separators the deck's HTML sets for it. It is part of the
// cache keys: a changed separator re-renders the chapter.
type dialectKey struct {
	Dialect
	h, v sepRule // reveal's horizontal and vertical separators
	warn string  // a separator podium cannot follow, for a warning
}

// sepRule is a reveal separator as podium follows it in goldmark's
// tree: a top-level line that is exactly line (with blank lines around
// it when blanks), or a gap of at least gap blank lines between two
// top-level blocks. The zero rule separates nothing.
type sepRule struct {
	line   string
	blanks bool
	gap    int
}

// revealDefaults are reveal-md's separators ("\n---\n" and "\n----\n" with
// blank lines around), which reveal.js's own default shares for "---".
var revealDefaults = [2]sepRule{{line: "---"}, {line: "----"}}

// dialectOf is how file is read in a deck of dialect d.
func (l *Loader) dialectOf(d Dialect, file string) dialectKey {
	k := dialectKey{Dialect: d}
	if d != DialectReveal {
		return k
	}
	k.h, k.v = revealDefaults[0], revealDefaults[1]
	h, v, ok := revealHTMLSeparators(l.fsys, file)
	if !ok {
		return k
	}
	var bad []string
	if h != "" {
		if r, ok := parseSeparator(h); ok {
			k.h = r
		} else {
			bad = append(bad, fmt.Sprintf("data-separator=%q", h))
		}
	}
	if v != "" {
		if r, ok := parseSeparator(v); ok {
			k.v = r
		} else {
			bad = append(bad, fmt.Sprintf("data-separator-vertical=%q", v))
		}
	} else if h != "" {
		k.v = sepRule{} // the HTML sets a horizontal one only: no vertical slides
	}
	if len(bad) > 0 {
		k.warn = "reveal separator " + strings.Join(bad, " and ") + " is a regular expression podium does not follow: reading \"---\" and \"----\" lines instead"
	}
	return k
}

// revealHTMLSeparators finds, in the HTML files at the top of the deck
// folder, the <section data-markdown="FILE"> that loads file, and the
// separators its attributes set.
func revealHTMLSeparators(fsys fs.FS, file string) (h, v string, ok bool) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "", "", false
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(strings.ToLower(e.Name()), ".html") {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil || len(b) > MaxFileSize {
			continue
		}
		for _, m := range sectionRe.FindAllSubmatch(b, -1) {
			attrs := string(m[1])
			src, ok := htmlAttr(attrs, "data-markdown")
			if !ok || path.Clean(strings.TrimPrefix(src, "./")) != file {
				continue
			}
			h, _ = htmlAttr(attrs, "data-separator")
			v, _ = htmlAttr(attrs, "data-separator-vertical")
			return h, v, true
		}
	}
	return "", "", false
}

var (
	sectionRe = regexp.MustCompile(`(?is)<section\b([^>]*)>`)
	attrRe    = regexp.MustCompile(`(?is)([a-z-]+)\s*=\s*("([^"]*)"|'([^']*)')`)
)

// htmlAttr finds an attribute's value in a tag's attribute text.
func htmlAttr(attrs, name string) (string, bool) {
	for _, m := range attrRe.FindAllStringSubmatch(attrs, -1) {
		if strings.EqualFold(m[1], name) {
			return html.UnescapeString(m[3] + m[4]), true
		}
	}
	return "", false
}

// parseSeparator reads the reveal separators decks write: a line of
// dashes ("---", "^\n---\n$", "\r?\n--\r?\n", "^\r?\n---\r?\n$") and
// runs of blank lines ("^\n\n\n": two blank lines). Other regular
// expressions are not followed (goldmark's tree, not a regular
// expression, decides where slides end).
func parseSeparator(re string) (sepRule, bool) {
	s := strings.NewReplacer(`\r?`, "", `(\r\n?|\n)`, `\n`, `\r\n`, `\n`).Replace(re)
	anchored := strings.HasPrefix(s, "^")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "^"), "$")
	if s == "" {
		return sepRule{}, false
	}
	if strings.Trim(s, `\n`) == "" && len(s)%2 == 0 {
		n := len(s) / 2 // "\n" pairs
		if anchored {
			n++ // "^" starts at the line after a text line's end
		}
		if n >= 2 {
			return sepRule{gap: n - 1}, true
		}
		return sepRule{}, false
	}
	body := strings.TrimSuffix(strings.TrimPrefix(s, `\n`), `\n`)
	if body == "" || strings.Trim(body, "-") != "" && strings.Trim(body, "=") != "" && strings.Trim(body, "*") != "" {
		return sepRule{}, false
	}
	// "^\n---\n$": a blank line before the dashes and one after.
	blanks := anchored && strings.HasPrefix(s, `\n`) && strings.HasSuffix(re, "$")
	return sepRule{line: body, blanks: blanks}, true
}

// withoutFences drops the lines of fenced code blocks (``` and ~~~), for
// detection only.
func withoutFences(src []byte) []byte {
	var out []byte
	fence := ""
	for len(src) > 0 {
		l, rest, _ := bytes.Cut(src, []byte{'\n'})
		src = rest
		t := strings.TrimLeft(string(l), " ")
		switch {
		case fence != "":
			if strings.HasPrefix(t, fence) && strings.Trim(strings.TrimSpace(t), fence[:1]) == "" {
				fence = ""
			}
			continue
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			n := len(t) - len(strings.TrimLeft(t, t[:1]))
			fence = strings.Repeat(t[:1], n)
			continue
		}
		out = append(append(out, l...), '\n')
	}
	return out
}
