package deck

import (
	"strings"
	"testing"
)

// TestSettingsReload: a reload sees settings changes, even those that
// live outside the slide's own source (the file's front matter), and an
// edited slide keeps its ID.
func TestSettingsReload(t *testing.T) {
	t.Parallel()
	fsys := deckFS(t, "01.md", "---\ntitle: t\n---\n\n* a\n* b\n\n---\n\n# Two\n")
	l := NewLoader(fsys)
	d1, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	if s := d1.Slides[0]; s.Steps != 2 || !strings.Contains(s.HTML, "data-step") || s.Layout != "cover" {
		t.Fatalf("slide 0 = steps %d layout %q:\n%s", s.Steps, s.Layout, s.HTML)
	}
	fsys["01.md"].Data = []byte("---\ntitle: t\nsteps: false\nlayout: center\n---\n\n* a\n* b\n\n---\nlayout: statement\nclass: big\n---\n\n# Two\n")
	d2, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	if s := d2.Slides[0]; s.Steps != 0 || strings.Contains(s.HTML, "data-step") || s.Layout != "center" {
		t.Errorf("after steps: false, slide 0 = steps %d layout %q:\n%s", s.Steps, s.Layout, s.HTML)
	}
	if s := d2.Slides[1]; s.Layout != "statement" || s.Class != "big" || s.ID != d1.Slides[1].ID {
		t.Errorf("slide 1 = layout %q class %q id %s (was %s)", s.Layout, s.Class, s.ID, d1.Slides[1].ID)
	}
	if d1.Version == d2.Version {
		t.Error("settings changed, version did not")
	}
}

// TestStructureFromGoldmark: what goldmark parses as one block is never
// split, whatever lines it holds.
func TestStructureFromGoldmark(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		src    string
		slides int
		notes  bool
	}{
		{"fence line in a pre block", "<pre>\n```\n\n---\n\n</pre>\n\n# after\n", 1, false},
		{"fence line in indented code", "# a\n\n    ```\n\n    ---\n\nafter\n", 1, false},
		{"break line in an HTML comment", "# a\n\n<!--\n\n---\n\n-->\n", 1, false},
		{"break line in fenced code", "# a\n\n```\n\n---\n\n```\n", 1, false},
		{"break line in a quote", "# a\n\n> x\n>\n> ---\n>\n> y\n", 1, false},
		{"Note: in indented code", "# a\n\n    Note: x\n", 1, false},
		{"Note: in a list", "# a\n\n- Note: x\n", 1, false},
		{"Note: at the top level", "# a\n\nNote: x\n", 1, true},
		{"two slides", "# a\n\n---\n\n# b\n", 2, false},
		{"settings", "# a\n\n---\nlayout: center\n---\n# b\n", 2, false},
		{"settings interrupted by a blank line", "# a\n\n---\nlayout: center\n\n---\n\n# b\n", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Load(deckFS(t, "01.md", "---\nhtml: true\n---\n\n"+tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Slides) != tt.slides || (d.Slides[0].Notes != "") != tt.notes {
				t.Errorf("%d slides, notes %q; want %d slides, notes %t", len(d.Slides), d.Slides[0].Notes, tt.slides, tt.notes)
			}
		})
	}
}
