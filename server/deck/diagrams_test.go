package deck

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestDiagramRenderer: Options.Diagram is called once per diagram and
// theme, its SVGs land in the slide, one per theme; an error is a
// problem at the fence's line; ErrNoDiagrams leaves the source for the
// page.
func TestDiagramRenderer(t *testing.T) {
	t.Parallel()
	src := "# D\n\ntext\n\n```mermaid\ngraph TD\n  A --> B\n```\n"
	var mu sync.Mutex
	calls := map[string]int{}
	render := func(src, theme string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		calls[theme]++
		switch {
		case strings.Contains(src, "bad"):
			return "", errors.New("Parse error on line 2")
		case strings.Contains(src, "none"):
			return "", fmt.Errorf("%w: no Chromium", ErrNoDiagrams)
		}
		return `<svg id="` + theme + `"></svg>`, nil
	}
	d, err := NewLoaderWith(deckFS(t, "01.md", src), Options{Diagram: render}).Load()
	if err != nil {
		t.Fatal(err)
	}
	want := `<figure class="diagram"><div class="diagram-light"><svg id="light"></svg></div><div class="diagram-dark"><svg id="dark"></svg></div></figure>`
	if !strings.Contains(d.Slides[0].HTML, want) {
		t.Errorf("slide HTML:\n%s\nwant it to contain\n%s", d.Slides[0].HTML, want)
	}
	if calls["light"] != 1 || calls["dark"] != 1 {
		t.Errorf("renderer calls %v, want one per theme", calls)
	}

	_, err = NewLoaderWith(deckFS(t, "01.md", "# D\n\n```mermaid\nbad\n```\n"), Options{Diagram: render}).Load()
	if want := "01.md:3: mermaid: Parse error on line 2"; err == nil || err.Error() != want {
		t.Errorf("bad diagram: err = %v, want %s", err, want)
	}

	d, err = NewLoaderWith(deckFS(t, "01.md", "# D\n\n```mermaid\nnone\n```\n"), Options{Diagram: render}).Load()
	if err != nil || !strings.Contains(d.Slides[0].HTML, `<pre class="mermaid">none`) {
		t.Errorf("no renderer: err = %v, HTML %s", err, d.Slides[0].HTML)
	}
}
