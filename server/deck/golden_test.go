package deck

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestGolden loads every case under testdata/golden — a single NAME.md
// (a one-chapter deck) or a folder NAME/ (a whole deck) — and compares a
// readable dump of the deck with NAME.golden. Run with -update to accept.
func TestGolden(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir("testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		var fsys fs.FS
		switch {
		case e.IsDir():
			fsys = os.DirFS(filepath.Join("testdata/golden", name))
		case strings.HasSuffix(name, ".md"):
			b, err := os.ReadFile(filepath.Join("testdata/golden", name))
			if err != nil {
				t.Fatal(err)
			}
			fsys = fstest.MapFS{name: {Data: b}}
			name = strings.TrimSuffix(name, ".md")
		default:
			continue
		}
		t.Run(name, func(t *testing.T) {
			d, err := Load(fsys)
			got := dump(d, err)
			checkGolden(t, filepath.Join("testdata/golden", name+".golden"), got)
		})
	}
}

func checkGolden(tb testing.TB, file, got string) {
	tb.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		tb.Errorf("%s differs (run go test -update to accept):\n--- got\n%s\n--- want\n%s", file, got, want)
	}
}

// dump is the golden form of a Load result.
func dump(d *Deck, err error) string {
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "error:\n%v\n", err)
		return b.String()
	}
	m := d.Meta
	fmt.Fprintf(&b, "deck title=%q author=%q date=%q lang=%q theme=%q html=%t\n", m.Title, m.Author, m.Date, m.Lang, m.Theme, m.HTML)
	for ci, c := range d.Chapters {
		fmt.Fprintf(&b, "chapter %d file=%q title=%q slides=%d\n", ci, c.File, c.Title, len(c.Slides))
	}
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "warning: %v\n", w)
	}
	for _, s := range d.Slides {
		fmt.Fprintf(&b, "\n=== slide %d id=%s chapter=%d %s:%d steps=%d title=%q layout=%s\n", s.Index, s.ID, s.Chapter, s.File, s.Line, s.Steps, s.Title, s.Layout)
		if s.Class != "" {
			fmt.Fprintf(&b, "class=%q\n", s.Class)
		}
		if s.Background != (Background{}) {
			fmt.Fprintf(&b, "background=%+v\n", s.Background)
		}
		b.WriteString(s.HTML)
		if s.Notes != "" {
			b.WriteString("--- notes\n")
			b.WriteString(s.Notes)
		}
	}
	return b.String()
}

// TestReadmeExample keeps the README's format example and its golden case
// the same text, so the example is known to load as the README says.
func TestReadmeExample(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "~~~markdown\n")
	example, _, ok2 := strings.Cut(rest, "~~~\n")
	if !ok || !ok2 {
		t.Fatal("README.md has no ~~~markdown example")
	}
	golden, err := os.ReadFile("testdata/golden/readme/01-talk.md")
	if err != nil {
		t.Fatal(err)
	}
	if example != string(golden) {
		t.Errorf("README.md's format example differs from testdata/golden/readme/01-talk.md:\n%s", example)
	}
}
