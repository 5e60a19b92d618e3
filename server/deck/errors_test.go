package deck

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// deckFS builds a deck folder from name → content pairs.
func deckFS(tb testing.TB, files ...string) fstest.MapFS {
	tb.Helper()
	if len(files)%2 != 0 {
		tb.Fatal("deckFS: odd number of arguments")
	}
	m := fstest.MapFS{}
	for i := 0; i < len(files); i += 2 {
		m[files[i]] = &fstest.MapFile{Data: []byte(files[i+1])}
	}
	return m
}

// TestProblems pins every error message, exactly as an author sees it.
func TestProblems(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", MaxFileSize) + "\n"
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"no chapters", []string{"img.png", "x", "_draft.md", "# d"},
			"no chapter files (*.md) in the deck folder"},
		{"whitespace only", []string{"01.md", " \n\t\n"},
			"01.md: empty chapter: the file holds only whitespace"},
		{"invalid utf8", []string{"01.md", "# ok\n\nbad \xff byte\n"},
			"01.md:3: invalid UTF-8"},
		{"invalid utf8 crlf", []string{"01.md", "a\r\nb\r\n\xc3"},
			"01.md:3: invalid UTF-8"},
		{"nul byte", []string{"01.md", "# t\n\x00"},
			"01.md:2: binary file: contains a NUL byte"},
		{"too large", []string{"01.md", long},
			"01.md: file too large: over 1048576 bytes (limit 1 MiB)"},
		{"unterminated front matter", []string{"01.md", "---\ntitle: x\n\n# body\n"},
			`01.md:1: unterminated front matter: no closing "---"`},
		{"unterminated front matter in chapter 2", []string{"01.md", "# a\n", "02.md", "---\ntitle: Two\n\n# First slide\n\n---\n\n# Second\n"},
			`02.md:1: unterminated front matter: no closing "---" (the "---" at line 6 has blank lines around it, so it reads as a slide break)`},
		{"unterminated front matter, text below", []string{"01.md", "# a\n", "02.md", "---\ntitle: Two\n\n# First slide\n\nSome text.\n\n---\n\n# Second\n"},
			`02.md:1: unterminated front matter: no closing "---" (the "---" at line 8 has blank lines around it, so it reads as a slide break)`},
		{"unterminated front matter, key-like text below", []string{"01.md", "# a\n", "02.md", "---\ntitle: Two\n\nNote: a note\n\n---\n\n# Second\n"},
			`02.md:1: unterminated front matter: no closing "---" (the "---" at line 6 has blank lines around it, so it reads as a slide break)`},
		{"front matter value not a string", []string{"01.md", "---\ntitle:\n  nested: map\n---\n# a\n"},
			`01.md:2: front matter key "title": want a single value, not a list or map`},
		{"front matter is a list", []string{"01.md", "---\n- a\n- b\n---\n# a\n"},
			`01.md:2: malformed front matter: want "key: value" lines, not a list`},
		{"yaml syntax error line", []string{"01.md", "---\ntitle: a\nauthor: b: c\n---\n# a\n"},
			`01.md:3: front matter: mapping values are not allowed in this context`},
		{"slide settings: deck key", []string{"01.md", "# a\n\n---\ntheme: dark\n---\n\n# b\n"},
			`01.md:4: front matter key "theme" is a deck key: it belongs in the first chapter file (01.md)`},
		{"slide settings: chapter key", []string{"01.md", "# a\n\n---\nchapter: x\n---\n\n# b\n"},
			`01.md:4: front matter key "chapter" is a chapter key: it belongs at the top of the chapter file`},
		{"slide settings: bad layout", []string{"01.md", "# a\n\n---\nlayout: Big One\n---\n\n# b\n"},
			`01.md:4: front matter key "layout": "Big One" is not a layout name (lower-case letters, digits and -)`},
		{"slide settings: bad class", []string{"01.md", "# a\n\n---\nclass: ok \"><script>\n---\n\n# b\n"},
			`01.md:4: front matter key "class": "\"><script>" is not a class name`},
		{"slide settings: bad steps", []string{"01.md", "# a\n\n---\nsteps: sometimes\n---\n\n# b\n"},
			`01.md:4: front matter key "steps": want true or false, got "sometimes"`},
		{"slide settings: background not found", []string{"01.md", "# a\n\n---\nbackground: img/nope.jpg\n---\n\n# b\n"},
			`01.md:4: background "img/nope.jpg" not found (looked for img/nope.jpg in the deck folder)`},
		{"slide settings: background escapes", []string{"01.md", "# a\n\n---\nbackground: ../secret.png\n---\n\n# b\n"},
			`01.md:4: background "../secret.png" escapes the deck folder`},
		{"slide settings: background size", []string{"01.md", "# a\n\n---\nbackground: navy\nbackground-size: cover, 50%\n---\n\n# b\n"},
			`01.md:5: front matter key "background-size": want cover, contain, auto or one or two lengths, got "cover, 50%"`},
		{"slide settings: background position", []string{"01.md", "# a\n\n---\nbackground-position: url(x)\n---\n\n# b\n"},
			`01.md:4: front matter key "background-position": want keywords (center, top, bottom, left, right) or lengths, got "url(x)"`},
		{"slide settings in the file front matter", []string{"01.md", "---\ntitle: t\nlayout: -x\n---\n\n# b\n"},
			`01.md:3: front matter key "layout": "-x" is not a layout name (lower-case letters, digits and -)`},
		{"deck key outside first file", []string{"01.md", "# a\n", "02.md", "---\nauthor: me\n---\n# b\n"},
			`02.md:2: front matter key "author" is a deck key: it belongs in the first chapter file (01.md)`},
		{"malformed line", []string{"01.md", "---\njust words\n---\n# a\n"},
			`01.md:2: malformed front matter line "just words": want "key: value"`},
		{"bad quoted value", []string{"01.md", "---\ntitle: \"open\n---\n# a\n"},
			`01.md:2: front matter: found unexpected end of stream`},
		{"bad html value", []string{"01.md", "---\nhtml: yes\n---\n# a\n"},
			`01.md:2: front matter key "html": want true or false, got "yes"`},
		{"bad lang", []string{"01.md", "---\nlang: zh CN\n---\n# a\n"},
			`01.md:2: front matter key "lang": "zh CN" is not a BCP 47 language tag`},
		{"duplicate key", []string{"01.md", "---\ntitle: a\ntitle: b\n---\n# a\n"},
			`01.md:3: duplicate front matter key "title"`},
		{"front matter only", []string{"01.md", "---\ntitle: a\n---\n\n"},
			"01.md:3: no slides after the front matter"},
		{"empty slide middle", []string{"01.md", "# a\n\n---\n\n---\n\n# b\n"},
			"01.md:5: empty slide"},
		{"empty slide at end", []string{"01.md", "# a\n\n---\n\n"},
			"01.md:3: empty slide"},
		{"empty slide at start", []string{"01.md", "---\ntitle: t\n---\n\n---\n\n# a\n"},
			"01.md:5: empty slide"},
		{"unterminated fence", []string{"01.md", "# a\n\n```go\nx\n\n---\n\n# b\n"},
			"01.md:3: unterminated code fence (opened here)"},
		{"unterminated tilde fence", []string{"01.md", "# a\n\n~~~~\nx\n~~~\n"},
			"01.md:3: unterminated code fence (opened here)"},
		{"bad highlight", []string{"01.md", "# a\n\n```go {2-1}\nx\ny\n```\n"},
			`01.md:3: bad line highlight "{2-1}": range 2-1 is backwards`},
		{"highlight past end", []string{"01.md", "# a\n\n```go {1|3}\nx\n```\n"},
			`01.md:3: bad line highlight "{1|3}": line 3 is past the end of the code (1 lines)`},
		{"highlight zero", []string{"01.md", "# a\n\n```go {0}\nx\n```\n"},
			`01.md:3: bad line highlight "{0}": line numbers start at 1`},
		{"highlight junk", []string{"01.md", "# a\n\n```go {x}\nx\n```\n"},
			`01.md:3: bad line highlight "{x}": "x" is not a line number`},
		{"highlight empty set", []string{"01.md", "# a\n\n```go {1||2}\nx\ny\n```\n"},
			`01.md:3: bad line highlight "{1||2}": empty highlight set`},
		{"highlight unclosed", []string{"01.md", "# a\n\n```go {1,2\nx\ny\n```\n"},
			`01.md:3: bad line highlight "{1,2": missing "}"`},
		{"image escapes", []string{"01.md", "# a\n\ntext\n![x](../secret.png)\n"},
			`01.md:4: image "../secret.png" escapes the deck folder`},
		{"link escapes", []string{"01.md", "# a\n\n[x](a/../../b)\n"},
			`01.md:3: link "a/../../b" escapes the deck folder`},
		{"absolute image", []string{"01.md", "# a\n\n![x](/etc/passwd)\n"},
			`01.md:3: image "/etc/passwd": absolute path; use a path relative to the deck folder`},
		{"dotfile", []string{"01.md", "# a\n\n![x](img/.env)\n", "img/.env", "x"},
			`01.md:3: image "img/.env" names a dotfile or the deck folder itself`},
		{"missing image", []string{"01.md", "# a\n\nsee\n\n![](img/nope.png)\n"},
			`01.md:5: image "img/nope.png" not found (looked for img/nope.png in the deck folder)`},
		{"image is a folder", []string{"01.md", "# a\n\n![dir](img)\n", "img/a.png", "x"},
			`01.md:3: image "img" not found (looked for img in the deck folder)`},
		{"image in notes", []string{"01.md", "# a\n\nNote: look\n![x](gone.png)\n"},
			`01.md:4: image "gone.png" not found (looked for gone.png in the deck folder)`},
		{"line after pause", []string{"01.md", "# a\n\n. . .\n\n![x](gone.png)\n"},
			`01.md:5: image "gone.png" not found (looked for gone.png in the deck folder)`},
		{"nested too deeply", []string{"01.md", "# a\n\n" + strings.Repeat("> ", 65) + "x\n"},
			"01.md:3: nested too deeply: quotes, lists and list items more than 64 deep"},
		{"lists nested too deeply", []string{"01.md", "# a\n\n" + nestedList(40) + "\n"},
			"01.md:35: nested too deeply: quotes, lists and list items more than 64 deep"},
		{"deep nesting inside code is fine, slide too long is not", []string{"01.md", "# a\n\n```\n" + strings.Repeat("> ", 65) + "x\n```\n\n---\n\n" + strings.Repeat("l\n", 2001)},
			"01.md:9: slide too long: 2001 lines (limit 2000); split it with ---"},
		{"bad inline math", []string{"01.md", "# a\n\ntext\nand $\\frac{a}{$ here\n"},
			`01.md:4: math: Unexpected end of input in a macro argument, expected '}' at end of input: \frac{a}{`},
		{"unknown math command", []string{"01.md", "# a\n\n$$\nx +\n\\nosuch{y}\n$$\n"},
			`01.md:5: math: Unsupported function name: \nosuch at position 5: x + \nosuch{y}`},
		{"bad math fence", []string{"01.md", "# a\n\n```math\n\\begin{pmatrix}\n```\n"},
			`01.md:4: math: Expected & or \\ or \cr or \end at end of input: \begin{pmatrix}`},
		{"unterminated display math", []string{"01.md", "# a\n\n$$\nx\n\n---\n\n# b\n"},
			"01.md:3: unterminated display math: $$ has no closing $$"},
		{"bad math in notes", []string{"01.md", "# a\n\nNote: say\n$\\sqrt{$\n"},
			`01.md:4: math: Expected '}', got 'EOF' at end of input: \sqrt{`},
		{"math macro bomb", []string{"01.md", "# a\n\n$\\def\\a{\\a\\a}\\a$\n"},
			"01.md:3: math: Too many expansions: infinite loop or need to increase maxExpand setting"},
		{"math too long", []string{"01.md", "# a\n\n$$\n" + strings.Repeat("x", 17000) + "\n$$\n"},
			"01.md:4: math: formula too long: 17000 bytes (limit 16384)"},
		{"empty diagram", []string{"01.md", "# a\n\n```mermaid\n```\n"},
			"01.md:3: empty mermaid diagram"},
		{"crlf lines", []string{"01.md", "# a\r\n\r\n---\r\n\r\n---\r\n\r\nb\r\n"},
			"01.md:5: empty slide"},
		{"all problems sorted", []string{
			"10.md", "# t\n\n![x](no.png)\n",
			"2.md", "---\nauthor: me\n---\n# a\n\n```\n",
			"1.md", "---\ntitle: t\nhtml: yes\n---\n# a\n",
		}, "1.md:3: front matter key \"html\": want true or false, got \"yes\"\n" +
			"2.md:2: front matter key \"author\" is a deck key: it belongs in the first chapter file (1.md)\n" +
			"2.md:6: unterminated code fence (opened here)\n" +
			"10.md:3: image \"no.png\" not found (looked for no.png in the deck folder)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Load(deckFS(t, tt.files...))
			if d != nil {
				t.Errorf("deck = %v, want nil", d)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("err = %v (%T), want Problems", err, err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// nestedList is a list nested n deep, one item a level.
func nestedList(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i) + "- x\n")
	}
	return b.String()
}

// TestWarnings pins every warning: the deck loads, and each one is
// reported at its file and line.
func TestWarnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"typo of a deck key", []string{"01.md", "---\ntitle: x\nthme: dark\n---\n\n# a\n"},
			`01.md:3: unknown front matter key "thme" (did you mean "theme"?): ignored`},
		{"unknown key, nested value", []string{"01.md", "---\ntitle: x\nextra:\n  a: 1\n  b: [2, 3]\n---\n\n# a\n"},
			`01.md:3: unknown front matter key "extra": ignored`},
		{"typo in chapter 2", []string{"01.md", "# a\n", "02.md", "---\nchapterr: Two\n---\n\n# b\n"},
			`02.md:2: unknown front matter key "chapterr" (did you mean "chapter"?): ignored`},
		{"typo in slide settings", []string{"01.md", "# a\n\n---\nlayuot: center\n---\n\n# b\n"},
			`01.md:4: unknown front matter key "layuot" (did you mean "layout"?): ignored`},
		{"unknown layout", []string{"01.md", "# a\n\n---\nlayout: statment\n---\n\n# b\n"},
			`01.md:4: unknown layout "statment" (did you mean "statement"?); a deck's own CSS may style it`},
		{"sorted", []string{"1.md", "---\nfoo: 1\n---\n# a\n", "10.md", "---\nbar: 2\n---\n# a\n", "2.md", "# a\n\n---\nbaz: 3\n---\n\nb\n"},
			"1.md:2: unknown front matter key \"foo\": ignored\n" +
				"2.md:4: unknown front matter key \"baz\": ignored\n" +
				"10.md:2: unknown front matter key \"bar\": ignored"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Load(deckFS(t, tt.files...))
			if err != nil {
				t.Fatal(err)
			}
			if got := Problems(d.Warnings).Error(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestMaxChapters(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	for i := 0; i <= MaxChapters; i++ {
		fsys[strings.Repeat("a", 1+i%5)+string(rune('0'+i%10))+strings.Repeat("b", i/10)+".md"] = &fstest.MapFile{Data: []byte("x")}
	}
	_, err := Load(fsys)
	if want := "too many chapter files: 1001 (limit 1000)"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestNilFS(t *testing.T) {
	t.Parallel()
	if _, err := Load(nil); err == nil || err.Error() != "no deck folder" {
		t.Errorf("err = %v", err)
	}
}
