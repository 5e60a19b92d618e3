package deck

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// hlSet is one set of emphasized lines; lines == nil means "all" (no line
// emphasized).
type hlSet struct {
	lines map[int]bool
}

func (s hlSet) has(line int) bool { return s.lines[line] }

// parseHighlight parses the inside of a "{...}" line spec: sets separated by
// "|", each "all" or comma-separated line numbers and ranges "a-b". n is the
// number of lines of the code block.
func parseHighlight(spec string, n int) ([]hlSet, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, errors.New("empty line spec")
	}
	var sets []hlSet
	for _, set := range strings.Split(spec, "|") {
		set = strings.TrimSpace(set)
		if set == "all" {
			sets = append(sets, hlSet{})
			continue
		}
		if set == "" {
			return nil, errors.New("empty highlight set")
		}
		s := hlSet{lines: map[int]bool{}}
		for _, item := range strings.Split(set, ",") {
			item = strings.TrimSpace(item)
			lo, hi, isRange := strings.Cut(item, "-")
			a, err := lineNumber(lo)
			if err != nil {
				return nil, err
			}
			b := a
			if isRange {
				if b, err = lineNumber(hi); err != nil {
					return nil, err
				}
				if b < a {
					return nil, fmt.Errorf("range %s is backwards", item)
				}
			}
			if b > n {
				return nil, fmt.Errorf("line %d is past the end of the code (%d lines)", b, n)
			}
			for l := a; l <= b; l++ {
				s.lines[l] = true
			}
		}
		sets = append(sets, s)
	}
	return sets, nil
}

func lineNumber(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || s == "" || s[0] == '+' || s[0] == '-' {
		if !utf8.ValidString(s) || len(s) > 20 {
			s = clip(s, 20)
		}
		return 0, fmt.Errorf("%q is not a line number", s)
	}
	if n < 1 {
		return 0, errors.New("line numbers start at 1")
	}
	return n, nil
}

// ChromaCSS returns the CSS for chroma's class-mode token classes in the
// named chroma style ("github", "monokai", ...), every rule scoped under
// ".chroma". Slide HTML carries only classes, so a server generates this
// once per theme and serves it as a file. An unknown style is an error
// (chroma itself would silently fall back to another style).
func ChromaCSS(style string) (string, error) {
	s, ok := styles.Registry[strings.ToLower(style)]
	if !ok {
		return "", fmt.Errorf("deck: unknown chroma style %q", style)
	}
	var b strings.Builder
	if err := html.New(html.WithClasses(true)).WriteCSS(&b, s); err != nil {
		return "", fmt.Errorf("deck: chroma style %q: %w", style, err)
	}
	// chroma writes one rule per line. Its ".bg" rule is the only one not
	// under ".chroma"; podium's markup never uses it, so it goes.
	var out strings.Builder
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if !strings.HasPrefix(line, "/* Background */") {
			out.WriteString(line)
		}
	}
	return out.String(), nil
}
