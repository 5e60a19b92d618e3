package deck

import (
	"os"
	"strings"
	"testing"
)

func TestChromaCSS(t *testing.T) {
	t.Parallel()
	for _, style := range []string{"github", "github-dark", "monokai", "GitHub"} {
		css, err := ChromaCSS(style)
		if err != nil {
			t.Fatalf("%s: %v", style, err)
		}
		for _, want := range []string{".chroma {", ".chroma .k {", ".chroma .hl {", ".chroma .line {"} {
			if !strings.Contains(css, want) {
				t.Errorf("%s: no %q in\n%s", style, want, css)
			}
		}
		for _, line := range strings.Split(strings.TrimSpace(css), "\n") {
			if _, rule, _ := strings.Cut(line, "*/"); !strings.HasPrefix(strings.TrimSpace(rule), ".chroma") {
				t.Errorf("%s: rule not scoped under .chroma: %s", style, line)
			}
		}
	}
	if _, err := ChromaCSS("no-such-style"); err == nil || err.Error() != `deck: unknown chroma style "no-such-style"` {
		t.Errorf("unknown style: err = %v", err)
	}
}

func TestMissingFolder(t *testing.T) {
	t.Parallel()
	_, err := Load(os.DirFS("testdata/no-such-folder"))
	if err == nil || !strings.HasPrefix(err.Error(), "cannot read the deck folder: ") {
		t.Errorf("err = %v", err)
	}
	if p, ok := err.(Problems); !ok || len(p) != 1 || p[0].File != "" {
		t.Errorf("err = %#v, want one Problem with File \"\"", err)
	}
}

func TestNaturalOrder(t *testing.T) {
	t.Parallel()
	tests := []struct{ a, b string }{
		{"2-x.md", "10-x.md"},
		{"01-a.md", "1-b.md"},
		{"a9.md", "a10.md"},
		{"intro.md", "outro.md"},
		{"1.md", "1a.md"},
	}
	for _, tt := range tests {
		if naturalCompare(tt.a, tt.b) >= 0 || naturalCompare(tt.b, tt.a) <= 0 {
			t.Errorf("want %s before %s", tt.a, tt.b)
		}
	}
}

func TestFileTitle(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"02-standards.md": "standards",
		"10_outlook.md":   "outlook",
		"intro.md":        "intro",
		"2024.md":         "2024",
	} {
		if got := fileTitle(in); got != want {
			t.Errorf("fileTitle(%q) = %q, want %q", in, got, want)
		}
	}
}
