package deck

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// This file reads front matter, the YAML at the top of a chapter file and
// after a slide break's "---" (see "Front matter" and "Slide settings" in
// the package doc), with go.yaml.in/yaml/v3: every YAML form parses
// (quoting, nested values, block scalars, comments); podium then checks
// the keys it knows and warns about the others.

// fmPlace is where front matter is written; it decides the keys allowed.
type fmPlace int

const (
	fmFirst fmPlace = iota // top of the first chapter file: deck, chapter and slide keys
	fmOther                // top of another chapter file: chapter and slide keys
	fmBreak                // after a slide break: slide keys
)

// frontMatter is what one block of front matter says.
type frontMatter struct {
	title, chapter string
	meta           Meta // deck keys: the first chapter file only
	htmlSet        bool // the html key was given (else the dialect's default)
	slide          settings
}

// settings are one slide's own settings.
type settings struct {
	layout  string // "" when not set: assemble picks one
	class   string // space-separated class names
	title   string // overrides the slide's title
	bg      Background
	image   string     // the side image of image-left/right, as an asset URL
	noSteps bool       // steps: false
	assets  []assetRef // the background image, as checked in the deck folder
	set     bool       // any slide key was given

	hide bool   // Slidev's hide/disabled, remark's exclude: not shown (dialect.go)
	src  string // Slidev's src: the slides of another file come here
}

// keyPlaces tells where a known key may be written; all false for an
// unknown key. title is the deck's or chapter's title at the top of a
// file and the slide's title after a slide break.
func keyPlaces(k string) (deck, chapter, slide bool) {
	switch k {
	case "title":
		return true, true, true
	case "author", "date", "lang", "theme", "html", "dialect", "subtitle", "event":
		return true, false, false
	case "chapter":
		return false, true, false
	case "layout", "class", "background", "background-size", "background-position", "steps", "image":
		return false, false, true
	}
	return false, false, false
}

// knownKeys lists every key keyPlaces knows, for "did you mean" hints.
func knownKeys() []string {
	return []string{"title", "author", "date", "lang", "theme", "html", "dialect", "subtitle", "event", "chapter",
		"layout", "class", "background", "background-size", "background-position", "steps", "image"}
}

// knownLayouts lists the layouts the themes style (a deck's own CSS may
// style more: an unknown layout is a warning, not an error).
func knownLayouts() []string {
	return []string{"default", "cover", "section", "center", "statement", "fact", "quote",
		"two-cols", "image-left", "image-right", "full"}
}

// fmReader reads the front matter blocks of one chapter file.
type fmReader struct {
	as       *assetResolver
	first    string // the first chapter file, for messages
	dia      Dialect
	seal     map[string]string // xaringan's title slide: its YAML's title, subtitle, … (foreign.go)
	problems []Problem
	warnings []Problem
}

func (r *fmReader) bad(line int, format string, args ...any) {
	if r.dia.foreign() {
		// Another tool's deck loads as that tool would: a value podium
		// cannot use is left out, with a warning.
		r.warn(line, format+": ignored", args...)
		return
	}
	r.problems = append(r.problems, Problem{File: r.as.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (r *fmReader) warn(line int, format string, args ...any) {
	r.warnings = append(r.warnings, Problem{File: r.as.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// read parses src, YAML whose first line is file line line0, written at
// place.
func (r *fmReader) read(src string, line0 int, place fmPlace) (fm frontMatter) {
	var doc yaml.Node
	if err := unmarshal(src, &doc); err != nil {
		line, msg := yamlError(err)
		// The library counts the line after the last for an unexpected end.
		line = min(line, strings.Count(strings.TrimRight(src, "\n"), "\n")+1)
		r.problems = append(r.problems, Problem{File: r.as.file, Line: line0 + line - 1, Msg: "front matter: " + msg})
		return fm
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return fm // only blank lines and comments
	}
	root := doc.Content[0]
	switch {
	case root.Kind == yaml.ScalarNode && root.Tag == "!!null":
		return fm
	case root.Kind == yaml.ScalarNode:
		first, _, _ := strings.Cut(src[lineOffset(src, root.Line):], "\n")
		r.bad(line0+root.Line-1, `malformed front matter line %q: want "key: value"`, clip(strings.TrimSpace(first), 40))
		return fm
	case root.Kind != yaml.MappingNode:
		r.bad(line0+root.Line-1, `malformed front matter: want "key: value" lines, not a list`)
		return fm
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		kn, vn := root.Content[i], root.Content[i+1]
		line := line0 + kn.Line - 1
		if kn.Kind != yaml.ScalarNode {
			r.bad(line, "malformed front matter key: want a name")
			continue
		}
		key := kn.Value
		deck, chapter, slide := keyPlaces(key)
		if r.dia.foreign() && r.foreignKey(&fm, key, vn, line, place) {
			continue
		}
		switch {
		case !deck && !chapter && !slide:
			if near := nearest(key, knownKeys()); near != "" {
				r.warn(line, "unknown front matter key %q (did you mean %q?): ignored", key, near)
			} else {
				r.warn(line, "unknown front matter key %q: ignored", key)
			}
			continue
		case place == fmOther && !chapter && !slide:
			r.bad(line, "front matter key %q is a deck key: it belongs in the first chapter file (%s)", key, r.first)
			continue
		case place == fmBreak && !slide:
			if chapter {
				r.bad(line, "front matter key %q is a chapter key: it belongs at the top of the chapter file", key)
			} else {
				r.bad(line, "front matter key %q is a deck key: it belongs in the first chapter file (%s)", key, r.first)
			}
			continue
		}
		if seen[key] {
			r.bad(line, "duplicate front matter key %q", key)
			continue
		}
		seen[key] = true
		for vn.Kind == yaml.AliasNode && vn.Alias != nil {
			vn = vn.Alias
		}
		if vn.Kind != yaml.ScalarNode {
			r.bad(line, "front matter key %q: want a single value, not a list or map", key)
			continue
		}
		val := strings.TrimSpace(vn.Value)
		if vn.Tag == "!!null" {
			val = ""
		}
		r.value(&fm, key, val, vn.Tag, line, place)
	}
	return fm
}

// value checks and stores one key's value.
func (r *fmReader) value(fm *frontMatter, key, val, tag string, line int, place fmPlace) {
	s := &fm.slide
	boolean := func() (bool, bool) {
		b, err := strconv.ParseBool(val)
		if tag != "!!bool" || err != nil {
			r.bad(line, "front matter key %q: want true or false, got %q", key, clip(val, 40))
			return false, false
		}
		return b, true
	}
	switch key {
	case "title":
		if place == fmBreak {
			s.title, s.set = val, true
		} else {
			fm.title, fm.meta.Title = val, val
		}
	case "chapter":
		fm.chapter = val
	case "author":
		fm.meta.Author = val
	case "date":
		fm.meta.Date = val
	case "subtitle":
		fm.meta.Subtitle = val
	case "event":
		fm.meta.Event = val
	case "theme":
		fm.meta.Theme = val
	case "lang":
		if !validLang(val) {
			r.bad(line, "front matter key %q: %q is not a BCP 47 language tag", key, clip(val, 40))
			return
		}
		fm.meta.Lang = val
	case "html":
		if b, ok := boolean(); ok {
			fm.meta.HTML, fm.htmlSet = b, true
		}
	case "steps":
		if b, ok := boolean(); ok {
			s.noSteps, s.set = !b, true
		}
	case "layout":
		if r.dia == DialectSlidev {
			val = slidevLayout(val)
		}
		if !isIdent(val, false) {
			r.bad(line, "front matter key %q: %q is not a layout name (lower-case letters, digits and -)", key, clip(val, 40))
			return
		}
		if !contains(knownLayouts(), val) {
			if near := nearest(val, knownLayouts()); near != "" {
				r.warn(line, "unknown layout %q (did you mean %q?); a deck's own CSS may style it", val, near)
			} else {
				r.warn(line, "unknown layout %q (have %s); a deck's own CSS may style it", val, strings.Join(knownLayouts(), ", "))
			}
		}
		s.layout, s.set = val, true
	case "class":
		names := strings.Fields(val)
		for _, c := range names {
			if !isIdent(c, true) {
				r.bad(line, "front matter key %q: %q is not a class name", key, clip(c, 40))
				return
			}
		}
		s.class, s.set = strings.Join(names, " "), true
	case "background":
		if isColor(val) {
			s.bg.Color, s.set = val, true
			return
		}
		u, ref, msg := r.as.resolve(val, true)
		if ref.name != "" {
			s.assets = append(s.assets, ref)
		}
		if msg != "" {
			r.bad(line, "background %s", msg)
			return
		}
		s.bg.Image, s.set = u, true
	case "image":
		u, ref, msg := r.as.resolve(val, true)
		if ref.name != "" {
			s.assets = append(s.assets, ref)
		}
		if msg != "" {
			r.bad(line, "image %s", msg)
			return
		}
		s.image, s.set = u, true
	case "background-size":
		if !cssWords(val, 2, "cover", "contain", "auto") {
			r.bad(line, "front matter key %q: want cover, contain, auto or one or two lengths, got %q", key, clip(val, 40))
			return
		}
		s.bg.Size, s.set = val, true
	case "background-position":
		if !cssWords(val, 4, "center", "top", "bottom", "left", "right") {
			r.bad(line, "front matter key %q: want keywords (center, top, bottom, left, right) or lengths, got %q", key, clip(val, 40))
			return
		}
		s.bg.Position, s.set = val, true
	}
}

// unmarshal is yaml.Unmarshal that turns a panic inside the YAML library
// into an error: a bug there must not take the server down.
func unmarshal(src string, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: internal error: %v", r)
		}
	}()
	return yaml.Unmarshal([]byte(src), n)
}

// yamlError splits a YAML library error "yaml: line 3: msg" into its line
// (1 when it names none) and message.
func yamlError(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(n); err == nil && line > 0 {
				return line, tail
			}
		}
	}
	return 1, msg
}

// lineOffset is the offset of 1-based line n of s.
func lineOffset(s string, n int) int {
	off := 0
	for ; n > 1; n-- {
		i := strings.IndexByte(s[off:], '\n')
		if i < 0 {
			return len(s)
		}
		off += i + 1
	}
	return off
}

// isIdent reports whether s is a layout name ([a-z][a-z0-9-]*) or, with
// class, a class name ([A-Za-z_-][A-Za-z0-9_-]*).
func isIdent(s string, class bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		lower := c >= 'a' && c <= 'z'
		ok := lower || c == '-' && (i > 0 || class) || c >= '0' && c <= '9' && i > 0
		if class {
			ok = ok || c >= 'A' && c <= 'Z' || c == '_'
		}
		if !ok {
			return false
		}
	}
	return s != "" && len(s) <= 64
}

// isColor reports whether a background value is a CSS colour: "#" and 3,
// 4, 6 or 8 hex digits, a colour name (letters only: "navy",
// "transparent"), or a colour function such as "rgb(0 0 0 / 50%)".
// Everything else is an image path.
func isColor(v string) bool {
	if h, ok := strings.CutPrefix(v, "#"); ok {
		switch len(h) {
		case 3, 4, 6, 8:
			for i := 0; i < len(h); i++ {
				if !strings.ContainsRune("0123456789abcdefABCDEF", rune(h[i])) {
					return false
				}
			}
			return true
		}
		return false
	}
	if name, args, ok := strings.Cut(v, "("); ok {
		switch strings.ToLower(name) {
		case "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch":
		default:
			return false
		}
		inner, ok := strings.CutSuffix(args, ")")
		if !ok {
			return false
		}
		for i := 0; i < len(inner); i++ {
			c := inner[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || strings.IndexByte(" .,%/+-", c) >= 0) {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(v); i++ {
		if c := v[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return v != "" && len(v) <= 32
}

// cssWords reports whether v is 1..n words, each one of keywords or a
// CSS length or percentage ("50%", "10px", "2.5em").
func cssWords(v string, n int, keywords ...string) bool {
	ws := strings.Fields(v)
	if len(ws) == 0 || len(ws) > n {
		return false
	}
	for _, w := range ws {
		if !contains(keywords, w) && !isLength(w) {
			return false
		}
	}
	return true
}

func isLength(w string) bool {
	num := strings.TrimRight(w, "%abcdefghijklmnopqrstuvwxyz")
	unit := w[len(num):]
	switch unit {
	case "%", "px", "em", "rem", "vw", "vh", "vmin", "vmax":
	case "":
		if num != "0" {
			return false
		}
	default:
		return false
	}
	if _, err := strconv.ParseFloat(num, 64); err != nil || strings.ContainsAny(num, "eEinfINFxX") {
		return false
	}
	return true
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// nearest is the candidate closest to s by edit distance, when it is close
// enough to be a typo of it; "" otherwise.
func nearest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), c); d < bestD && d <= max(1, len(c)/3) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, in bytes; long
// inputs are not typos of a key, so they are cut short.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
