package deck

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// dataStep finds data-step attributes in rendered HTML (test-only check).
var dataStep = regexp.MustCompile(`data-step="(\d+)"`)

// FuzzParse runs one chapter through the whole pipeline — hygiene, front
// matter, splitter, goldmark with podium's transformer and renderers — and
// checks it never panics and keeps the invariants the browser relies on.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/golden/*.md")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b, false)
			f.Add(b, true)
		}
	}
	f.Add([]byte("---\ntitle: x\n---\n\n* a\n* b\n\n. . .\n\n```go {1|2}\na\nb\n```\n\nNote: n"), false)
	f.Add([]byte("a\n---\nb\n\n---\n\n~~~\n---\n~~~\n"), true)
	f.Add([]byte("\xef\xbb\xbf# t\r\n\r\n![x](a/../b.png)\r\n"), false)
	fsys := fstest.MapFS{"b.png": {Data: []byte("x")}}
	eng := newEngine(Options{})
	f.Fuzz(func(t *testing.T, data []byte, html bool) {
		text, p := sanitize("01.md", data)
		if p != nil {
			if p.File != "01.md" || p.Msg == "" {
				t.Fatalf("bad problem %+v", p)
			}
			return
		}
		c, probs := eng.chapter(fsys, "01.md", text, true, "01.md", html, nil)
		for _, p := range probs {
			if p.File != "01.md" || p.Line < 0 || p.Msg == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
		if c == nil {
			if len(probs) == 0 {
				t.Fatal("no chapter and no problems")
			}
			return
		}
		if len(probs) > 0 {
			t.Fatalf("chapter and problems %v", probs)
		}
		if len(c.slides) == 0 {
			t.Fatal("chapter without slides")
		}
		for _, s := range c.slides {
			if !utf8.ValidString(s.html) || !utf8.ValidString(s.notes) || !utf8.ValidString(s.title) {
				t.Fatalf("invalid UTF-8 out of valid input")
			}
			if s.steps < 0 {
				t.Fatalf("steps %d", s.steps)
			}
			for _, m := range dataStep.FindAllStringSubmatch(s.html, -1) {
				if html {
					break // raw HTML may carry its own data-step
				}
				if n, _ := strconv.Atoi(m[1]); n < 1 || n > s.steps {
					t.Fatalf("data-step=%d with %d steps", n, s.steps)
				}
			}
			if len(s.base) != 8 || s.line < 1 {
				t.Fatalf("base %q line %d", s.base, s.line)
			}
		}
	})
}
