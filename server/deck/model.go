package deck

import (
	"fmt"
	"strings"
)

// Meta is the deck-level metadata. It comes from the front matter of the
// first chapter file (in file-name order), the one documented place for it.
type Meta struct {
	Title  string `json:"title"`
	Author string `json:"author,omitempty"`
	Date   string `json:"date,omitempty"`
	// Subtitle and Event are shown on the cover, with Author and Date
	// (see "Layouts" in the package doc).
	Subtitle string `json:"subtitle,omitempty"`
	Event    string `json:"event,omitempty"`
	Lang     string `json:"lang"`            // BCP 47 tag for <html lang>; default "en"
	Theme    string `json:"theme,omitempty"` // theme name; the --theme flag overrides it
	// HTML lets raw HTML in the Markdown through to the page. Off by
	// default: goldmark's safe renderer omits it. Only for trusted authors.
	HTML bool `json:"-"`
}

// Deck is a rendered presentation: chapters of slides, in order.
type Deck struct {
	Meta     Meta
	Chapters []*Chapter
	// Slides is every slide of every chapter, in presentation order;
	// Slides[i].Index == i.
	Slides []*Slide
	// Version changes whenever something audience devices are sent
	// changes (slide IDs, titles, HTML, steps, settings, chapter titles,
	// metadata), and only then: it is the audience's ETag and the hub's
	// state version. A notes-only edit keeps it, so phones hear nothing.
	Version string
	// PresenterVersion changes whenever Version or any speaker note
	// changes: the version of what presenters are sent (/api/notes).
	PresenterVersion string
	// Warnings are things the author probably got wrong but that do not
	// stop the deck from loading (an unknown front matter key, say), in
	// file and line order. podium check prints them; the server shows
	// them to the presenter.
	Warnings []Problem
	// Dialect is the dialect the deck was read as, and DialectReason why
	// (the marker seen, or the option given): the server announces them,
	// "reading slides.md as a Slidev deck (headmatter key drawings)".
	Dialect       Dialect
	DialectReason string
	// Style is the deck's own CSS (StyleFile), "" when it has none: the
	// server serves it after the theme's, in the theme's stylesheet.
	Style string
	// Assets holds the files of the deck folder the slides show or link to,
	// by slash path, at the versions their URLs carry.
	Assets map[string]Asset
}

// Chapter is one Markdown file of the deck folder.
type Chapter struct {
	File   string // slash path relative to the deck folder, e.g. "01-docker.md"
	Title  string
	Slides []*Slide
}

// Slide is one slide of a chapter.
type Slide struct {
	// ID is stable: it survives edits to other slides, slides inserted
	// or removed around it, and edits to the slide itself (see "Slide
	// IDs" in the package doc).
	ID      string
	Chapter int    // index into Deck.Chapters
	Index   int    // index into Deck.Slides
	File    string // chapter file, slash path
	Line    int    // 1-based line of the slide's first line in File
	Title   string // plain text, for overview, go-to search and the presenter
	HTML    string // the slide's content; never contains notes
	Notes   string // speaker notes as HTML; empty when there are none
	Steps   int    // number of reveal steps after the initial state (0: none)

	// Layout names the slide's layout for the page's CSS: the slide's own
	// "layout" setting, else "cover" for the deck's first slide, "section"
	// for the first slide of every other chapter, "default" for the rest.
	Layout     string
	Class      string     // the slide's "class" setting: class names for its wrapper
	Background Background // the slide's "background" settings

	pub  string // base ID (publicID), to keep every ID when only notes change
	norm string // normalized source, to pair edited slides across reloads
	sum  srcSum // hash of norm, to match unchanged slides across reloads
}

// Background is a slide's own background; the zero value means the
// theme's. Image is an asset URL (resolved and checked like an image's),
// Color a CSS colour, Size and Position CSS keywords or lengths, all
// checked so that they are safe to put in a style attribute.
type Background struct {
	Image    string `json:"image,omitempty"`
	Color    string `json:"color,omitempty"`
	Size     string `json:"size,omitempty"`
	Position string `json:"position,omitempty"`
}

// Problem is one thing wrong with the deck, located like a compiler error.
type Problem struct {
	File string // slash path relative to the deck folder; "" for the folder itself
	Line int    // 1-based; 0 when the problem concerns the whole file
	Msg  string
}

func (p Problem) Error() string {
	switch {
	case p.File == "":
		return p.Msg
	case p.Line == 0:
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	default:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
}

// Problems is the error Load returns when the deck has errors: every
// problem found, in file and line order, so an author fixes them in one go.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	return b.String()
}
