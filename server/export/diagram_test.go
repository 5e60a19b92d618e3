package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// diagramDeck has one Mermaid flowchart whose labels appear nowhere else.
var diagramDeck = fstest.MapFS{
	"01-a.md": {Data: []byte("---\ntitle: Diagrams\n---\n\n# The runtime\n\n```mermaid\nflowchart LR\n  A[Kubelet] --> B[Containerd]\n```\n")},
}

// TestPDFDiagram exports a deck with a diagram: Mermaid draws it in the
// export's own browser, and the PDF has its labels as text (pdftotext
// finds them), not the diagram's source.
func TestPDFDiagram(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "d.pdf")
	err := Run(t.Context(), Config{Deck: diagramDeck, Themes: themes.FS, Web: web.FS, Out: out, Browser: browser(t)})
	if err != nil {
		t.Fatal(err)
	}
	text := poppler(t, "pdftotext", out, "-")
	for _, want := range []string{"Kubelet", "Containerd"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks the diagram's label %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "flowchart") || strings.Contains(text, "-->") {
		t.Errorf("the PDF shows the diagram's source, not the diagram:\n%s", text)
	}
}

// TestHTMLDiagram exports the same deck as a static copy: the diagram is
// an SVG in the page, so the copy needs no Mermaid.
func TestHTMLDiagram(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "site")
	err := Run(t.Context(), Config{Deck: diagramDeck, Themes: themes.FS, Web: web.FS, Out: out, Format: "html", Browser: browser(t)})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	// The deck is JSON in the page, with < escaped as \u003c.
	deck := strings.ReplaceAll(string(page), `\u003c`, "<")
	if !strings.Contains(deck, "<svg") || !strings.Contains(deck, "Kubelet") {
		t.Errorf("index.html has no SVG diagram with the label Kubelet")
	}
	if strings.Contains(deck, `class=\"mermaid\"`) {
		t.Errorf("index.html leaves the diagram to Mermaid in the reader's browser")
	}
}
