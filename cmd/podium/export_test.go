package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportBrokenDeck: a deck with an error exports nothing and says
// where the error is, like podium check.
func TestExportBrokenDeck(t *testing.T) {
	t.Parallel()
	broken := writeDeck(t, map[string]string{"01-a.md": "# A\n", "02-b.md": "# B\n\n```go\nfunc main() {\n"})
	for _, format := range []string{"pdf", "html"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := runCmd(t, "export", "--format", format, "-o", out, "--browser", os.Args[0], broken)
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			want := filepath.ToSlash(filepath.Join(broken, "02-b.md")) + ":3: unterminated code fence"
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr %q lacks %q", stderr, want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was written (err %v)", out, err)
			}
			left, _ := os.ReadDir(filepath.Dir(out))
			if len(left) > 0 {
				t.Errorf("files left in the output folder: %v", left)
			}
		})
	}
}

func TestExportCommandLine(t *testing.T) {
	t.Parallel()
	good := writeDeck(t, map[string]string{"01-a.md": "# A\n\nNote: the secret note\n"})
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown format", []string{"export", "--format", "pptx", good}, exitError, `unknown format "pptx"`},
		{"notes in html", []string{"export", "--format", "html", "--notes", good}, exitError, "--steps and --notes are for --format pdf"},
		{"no such browser", []string{"export", "--browser", "/nonexistent/chromium", good}, exitError, "--browser /nonexistent/chromium"},
		{"two folders", []string{"export", good, good}, exitUsage, "export takes one folder"},
		{"help", []string{"export", "--help"}, exitOK, "Usage: podium export"},
		{"unknown theme", []string{"export", "--format", "html", "--theme", "neon", "-o", filepath.Join(t.TempDir(), "x"), good}, exitError, `unknown theme "neon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}

// TestExportHTML writes the static copy through the command line, flags
// after the folder as well as before.
func TestExportHTML(t *testing.T) {
	t.Parallel()
	good := writeDeck(t, map[string]string{"01-a.md": "# A\n\n---\n\n# B\n\nNote: the secret note\n"})
	out := filepath.Join(t.TempDir(), "site")
	code, _, stderr := runCmd(t, "export", good, "--format", "html", "-o", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "wrote "+filepath.Join(out, "index.html")+" (2 slides") {
		t.Errorf("stderr %q does not say what was written", stderr)
	}
	idx, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(idx), "secret note") {
		t.Error("index.html holds the notes")
	}
}

// TestExportOneFile: "podium export FILE.md" exports that chapter alone.
func TestExportOneFile(t *testing.T) {
	t.Parallel()
	dir := writeDeck(t, map[string]string{"01-a.md": "# A\n", "02-b.md": "# B only\n\n---\n\n# B two\n"})
	out := filepath.Join(t.TempDir(), "site")
	code, _, stderr := runCmd(t, "export", "--format", "html", "-o", out, filepath.Join(dir, "02-b.md"))
	if code != exitOK || !strings.Contains(stderr, "(2 slides") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	idx, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if strings.Contains(string(idx), `"A"`) || !strings.Contains(string(idx), "B two") {
		t.Errorf("the export is not the one chapter:\n%s", idx)
	}
}

// TestExportNoBrowser: with no Chromium on PATH a PDF export writes
// nothing and says in one line how to get one.
func TestExportNoBrowser(t *testing.T) {
	good := writeDeck(t, map[string]string{"01-a.md": "# A\n"})
	t.Setenv("PATH", t.TempDir())
	out := filepath.Join(t.TempDir(), "a.pdf")
	code, _, stderr := runCmd(t, "export", "-o", out, good)
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 ||
		!strings.Contains(stderr, "no Chromium found") || !strings.Contains(stderr, "apt-get install chromium") {
		t.Errorf("stderr = %q, want one line saying how to install Chromium", stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was written (err %v)", out, err)
	}
}
