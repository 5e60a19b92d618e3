package server

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/podium-talks/podium/server/deck"
)

// theme is one folder of the themes file system: its CSS followed by the
// chroma CSS of its code style, joined and prepared once at start.
type theme struct {
	name string
	css  *blob
	// base and style are what css was made of, when it carries a deck's
	// own style.css after the theme's CSS (withStyle).
	base  *theme
	style string
}

// themeSpec is themes/<name>/theme.json.
type themeSpec struct {
	Chroma string `json:"chroma"` // chroma style name for code blocks
}

func loadThemes(z *gzipper, fsys fs.FS) (map[string]*theme, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("themes: %w", err)
	}
	themes := make(map[string]*theme)
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		t, err := loadTheme(z, fsys, e.Name())
		if err != nil {
			return nil, err
		}
		themes[t.name] = t
	}
	if len(themes) == 0 {
		return nil, fmt.Errorf("themes: no theme folders")
	}
	return themes, nil
}

func loadTheme(z *gzipper, fsys fs.FS, name string) (*theme, error) {
	css, err := fs.ReadFile(fsys, name+"/theme.css")
	if err != nil {
		return nil, fmt.Errorf("theme %s: %w", name, err)
	}
	raw, err := fs.ReadFile(fsys, name+"/theme.json")
	if err != nil {
		return nil, fmt.Errorf("theme %s: %w", name, err)
	}
	var spec themeSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("theme %s: theme.json: %w", name, err)
	}
	if spec.Chroma == "" {
		return nil, fmt.Errorf(`theme %s: theme.json: missing "chroma" style`, name)
	}
	code, err := deck.ChromaCSS(spec.Chroma)
	if err != nil {
		return nil, fmt.Errorf("theme %s: %w", name, err)
	}
	body := make([]byte, 0, len(css)+len(code)+1)
	body = append(append(append(body, css...), '\n'), code...)
	return &theme{name: name, css: newBlob(z, body, "text/css; charset=utf-8")}, nil
}

func themeNames(themes map[string]*theme) string {
	var names []string
	for n := range themes {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// withStyle is t with the deck's own CSS (deck.StyleFile) after the
// theme's, in one stylesheet: one request, one content-hashed URL, and an
// edit of either reaches every page the way a theme edit does (the page
// swaps the stylesheet in place). last is the previous deck's, reused when
// nothing changed, so a slide edit does not compress the CSS again.
func withStyle(z *gzipper, t *theme, style string, last *theme) *theme {
	if style == "" {
		return t
	}
	if last != nil && last.base == t && last.style == style {
		return last
	}
	body := deck.AppendStyle(t.css.body[:len(t.css.body):len(t.css.body)], style)
	return &theme{name: t.name, css: newBlob(z, body, "text/css; charset=utf-8"), base: t, style: style}
}
