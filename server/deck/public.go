package deck

// PublicChapter and PublicSlide are a deck as audience devices get it: the
// JSON of the server's GET /api/deck and of an exported copy, built in one
// place so the two cannot drift. Neither has a field for notes, nor for
// chapter file names: they must never reach an audience device.
type PublicChapter struct {
	Title  string   `json:"title"`
	Slides []string `json:"slides"` // slide IDs
}

// PublicSlide is one slide of a PublicChapter's deck.
type PublicSlide struct {
	ID         string      `json:"id"`
	Chapter    int         `json:"chapter"`
	Title      string      `json:"title"`
	HTML       string      `json:"html"`
	Steps      int         `json:"steps"`
	Layout     string      `json:"layout"`
	Class      string      `json:"class,omitempty"`
	Background *Background `json:"background,omitempty"` // nil: the theme's
}

// Public returns d's chapters and slides as audience devices get them.
// The results are d's copies: changing them leaves d alone.
func (d *Deck) Public() ([]PublicChapter, []PublicSlide) {
	chapters := make([]PublicChapter, len(d.Chapters))
	for i, c := range d.Chapters {
		ids := make([]string, len(c.Slides))
		for k, sl := range c.Slides {
			ids[k] = sl.ID
		}
		chapters[i] = PublicChapter{Title: c.Title, Slides: ids}
	}
	slides := make([]PublicSlide, len(d.Slides))
	for i, sl := range d.Slides {
		slides[i] = PublicSlide{ID: sl.ID, Chapter: sl.Chapter, Title: sl.Title, HTML: sl.HTML, Steps: sl.Steps, Layout: sl.Layout, Class: sl.Class}
		if sl.Background != (Background{}) {
			bg := sl.Background
			slides[i].Background = &bg
		}
	}
	return chapters, slides
}
