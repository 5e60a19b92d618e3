package diagram

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/podium-talks/podium/server/deck"
)

// kinds reads one diagram of each kind podium promises, from
// testdata/KIND.mmd (the server's browser tests use them too).
func kinds(t *testing.T) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, k := range []string{"flowchart", "sequence", "class", "state", "gantt", "timeline"} {
		b, err := os.ReadFile("testdata/" + k + ".mmd")
		if err != nil {
			t.Fatal(err)
		}
		m[k] = string(b)
	}
	return m
}

// shared is the package's renderer, one Chromium for every test, as a
// server has one for its life; TestMain closes it.
var shared = New()

func TestMain(m *testing.M) {
	code := m.Run()
	shared.Close()
	os.Exit(code)
}

func renderer(t *testing.T) *Renderer {
	t.Helper()
	r := shared
	if r.exec == "" {
		if !ci() {
			t.Skip("no Chromium")
		}
		t.Fatal("no Chromium under CI=true")
	}
	return r
}

func ci() bool { return strings.EqualFold(os.Getenv("CI"), "true") }

// TestKinds renders a diagram of each kind in both themes.
func TestKinds(t *testing.T) {
	r := renderer(t)
	kinds := kinds(t)
	for name, src := range kinds {
		for _, theme := range []string{"light", "dark"} {
			svg, err := r.Render(src, theme)
			if err != nil {
				t.Errorf("%s/%s: %v", name, theme, err)
				continue
			}
			if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "viewBox") {
				t.Errorf("%s/%s: not an SVG: %.100s", name, theme, svg)
			}
		}
	}
	light, _ := r.Render(kinds["flowchart"], "light")
	dark, _ := r.Render(kinds["flowchart"], "dark")
	if light == dark {
		t.Error("light and dark SVGs are the same")
	}
}

// TestBadDiagram: a diagram Mermaid cannot parse is an error, and the
// renderer still works after it.
func TestBadDiagram(t *testing.T) {
	r := renderer(t)
	_, err := r.Render("flowchart LR\n  A --> \n  -->", "light")
	if err == nil || errors.Is(err, deck.ErrNoDiagrams) {
		t.Fatalf("err = %v, want a parse error", err)
	}
	t.Log(err)
	// A diagram no other test draws: rendered after the bad one, not
	// taken from the cache.
	if _, err := r.Render(kinds(t)["state"]+"\n%% after a bad diagram\n", "light"); err != nil {
		t.Fatalf("after a bad diagram: %v", err)
	}
}

// TestNoBrowser: without a browser every diagram says so, wrapping
// deck.ErrNoDiagrams, and nothing is started.
func TestNoBrowser(t *testing.T) {
	r := New()
	r.exec = ""
	_, err := r.Render(kinds(t)["flowchart"], "light")
	if !errors.Is(err, deck.ErrNoDiagrams) {
		t.Fatalf("err = %v, want deck.ErrNoDiagrams", err)
	}
}
