package export

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/podium-talks/podium/server/deck"
)

// Talk is one good deck with everything a page of it needs: the theme's
// stylesheet, the browser files and the deck folder for its images. The
// live server makes one from the deck it has published; Load makes one
// from folders.
type Talk struct {
	Deck *deck.Deck
	// Theme names the theme (the data-theme of the page); ThemeCSS is its
	// stylesheet with the chroma CSS of its code style, as the server
	// serves it.
	Theme    string
	ThemeCSS []byte
	// Web is the web folder (podium.css, view.js, print.js, …) and Files
	// the deck folder, whose assets the slides reference as /deck/NAME.
	Web   fs.FS
	Files fs.FS
}

// Load reads the deck folder deckFS and the theme named theme (empty: the
// deck's own, else "light") from themes. A deck with errors fails with
// deck.Problems.
func Load(deckFS, themes, web fs.FS, theme string) (*Talk, error) {
	return LoadWith(deckFS, themes, web, theme, deck.Options{})
}

// LoadWith is Load with deck options: one file of the folder (podium
// export FILE), a dialect, and the diagram renderer that draws the deck's
// Mermaid blocks in the export's browser.
func LoadWith(deckFS, themes, web fs.FS, theme string, o deck.Options) (*Talk, error) {
	d, err := deck.NewLoaderWith(deckFS, o).Load()
	if err != nil {
		return nil, err
	}
	name := theme
	if name == "" {
		name = d.Meta.Theme
	}
	if name == "" {
		name = "light"
	}
	css, err := themeCSS(themes, name)
	if err != nil {
		if theme == "" && len(d.Chapters) > 0 {
			// The deck's own front matter named it: point there.
			return nil, deck.Problems{{File: d.Chapters[0].File, Msg: err.Error()}}
		}
		return nil, err
	}
	return &Talk{Deck: d, Theme: name, ThemeCSS: deck.AppendStyle(css, d.Style), Web: web, Files: deckFS}, nil
}

// themeCSS is themes/<name>/theme.css followed by the chroma CSS of the
// style its theme.json names: the same bytes server/theme.go serves.
func themeCSS(themes fs.FS, name string) ([]byte, error) {
	if !fs.ValidPath(name) || strings.Contains(name, "/") {
		return nil, fmt.Errorf("unknown theme %q", name)
	}
	css, err := fs.ReadFile(themes, name+"/theme.css")
	if err != nil {
		return nil, fmt.Errorf("unknown theme %q: %w", name, err)
	}
	raw, err := fs.ReadFile(themes, name+"/theme.json")
	if err != nil {
		return nil, fmt.Errorf("theme %s: %w", name, err)
	}
	var spec struct {
		Chroma string `json:"chroma"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("theme %s: theme.json: %w", name, err)
	}
	code, err := deck.ChromaCSS(spec.Chroma)
	if err != nil {
		return nil, fmt.Errorf("theme %s: %w", name, err)
	}
	return append(append(css, '\n'), code...), nil
}

// deckJSON is what view.js's applyDeck takes: the shape of GET /api/deck.
// It has no field for notes.
type deckJSON struct {
	Title    string               `json:"title"`
	Lang     string               `json:"lang"`
	Author   string               `json:"author,omitempty"`
	Date     string               `json:"date,omitempty"`
	Theme    string               `json:"theme"`
	Version  string               `json:"version"`
	Chapters []deck.PublicChapter `json:"chapters"`
	Slides   []deck.PublicSlide   `json:"slides"`
}

// viewDeck is the deck for view.js, with each slide's HTML and background
// image URL passed through rewrite (nil: as rendered).
func (t *Talk) viewDeck(rewrite func(string) string) deckJSON {
	d := t.Deck
	j := deckJSON{
		Title: d.Meta.Title, Lang: d.Meta.Lang, Author: d.Meta.Author, Date: d.Meta.Date,
		Theme: t.Theme, Version: d.Version,
	}
	j.Chapters, j.Slides = d.Public()
	if rewrite == nil {
		return j
	}
	for i := range j.Slides {
		sl := &j.Slides[i]
		sl.HTML = rewrite(sl.HTML)
		if sl.Background != nil && sl.Background.Image != "" {
			sl.Background.Image = rewrite(sl.Background.Image) // Public's copy
		}
	}
	return j
}
