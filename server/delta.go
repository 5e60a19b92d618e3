package server

import (
	"encoding/json"
	"sync"

	"github.com/podium-talks/podium/server/deck"
)

// maxRecent is how many recent decks the server keeps to answer
// /api/deck?since= with a delta: a page more than that many saves behind
// (asleep through a burst of edits) gets the whole deck, which is as right.
const maxRecent = 8

// recentDecks are the last good decks, newest last.
type recentDecks struct {
	mu    sync.Mutex
	decks []*published
}

func (r *recentDecks) add(p *published) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.decks = append(r.decks, p)
	if len(r.decks) > maxRecent {
		r.decks = append(r.decks[:0], r.decks[len(r.decks)-maxRecent:]...)
	}
}

// recent returns the recent deck of that version, or nil.
func (s *Server) recent(version string) *published {
	s.history.mu.Lock()
	defer s.history.mu.Unlock()
	for _, p := range s.history.decks {
		if p.version == version {
			return p
		}
	}
	return nil
}

// apiDelta is the JSON of GET /api/deck?since=V: the deck, as /api/deck
// has it, except that a slide's fields that are the same as in version V
// are left out (a slide unchanged in every way is just its id). A page
// showing V fills them in from what it has. No notes, ever.
type apiDelta struct {
	apiDeck
	Since  string       `json:"since"`
	Slides []deltaSlide `json:"slides"`
}

// deltaSlide is a deck.PublicSlide with the fields as in Since left out (nil).
type deltaSlide struct {
	ID      string  `json:"id"`
	Chapter *int    `json:"chapter,omitempty"`
	Title   *string `json:"title,omitempty"`
	HTML    *string `json:"html,omitempty"`
	Steps   *int    `json:"steps,omitempty"`
	// The slide's settings: a changed one is sent even when it is now
	// empty ("class": "", "background": {}), so the page drops the old.
	Layout     *string          `json:"layout,omitempty"`
	Class      *string          `json:"class,omitempty"`
	Background *deck.Background `json:"background,omitempty"`
}

func (p *published) apiBlob() (*blob, error) {
	return p.api.get(func() (*blob, error) {
		b, err := json.Marshal(newAPIDeck(p))
		if err != nil {
			return nil, err
		}
		return newBlob(p.z, b, "application/json"), nil
	})
}

func (p *published) notesBlob() (*blob, error) {
	return p.notes.get(func() (*blob, error) {
		notes := apiNotes{Version: p.notesVersion, Notes: make(map[string]string), Files: make([]string, len(p.deck.Chapters))}
		for i, c := range p.deck.Chapters {
			notes.Files[i] = c.File
		}
		for _, sl := range p.deck.Slides {
			if sl.Notes != "" {
				notes.Notes[sl.ID] = sl.Notes
			}
		}
		b, err := json.Marshal(notes)
		if err != nil {
			return nil, err
		}
		return newBlob(p.z, b, "application/json"), nil
	})
}

// delta is the response to a page that has deck base: what changed since,
// made once per base. Without a base (too old, or unknown), the whole deck.
func (p *published) delta(base *published) (*blob, error) {
	if base == nil {
		return p.apiBlob()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if b := p.deltas[base.version]; b != nil {
		return b, nil
	}
	old := make(map[string]*deck.Slide, len(base.deck.Slides))
	for _, sl := range base.deck.Slides {
		old[sl.ID] = sl
	}
	d := apiDelta{apiDeck: newAPIDeck(p), Since: base.version}
	d.Slides = make([]deltaSlide, len(p.deck.Slides))
	for i, sl := range p.deck.Slides {
		ds := &d.Slides[i]
		ds.ID = sl.ID
		was := old[sl.ID]
		if was == nil || sl.Chapter != was.Chapter {
			ds.Chapter = &sl.Chapter
		}
		if was == nil || sl.Title != was.Title {
			ds.Title = &sl.Title
		}
		if was == nil || sl.HTML != was.HTML {
			ds.HTML = &sl.HTML
		}
		if was == nil || sl.Steps != was.Steps {
			ds.Steps = &sl.Steps
		}
		if was == nil || sl.Layout != was.Layout {
			ds.Layout = &sl.Layout
		}
		if was == nil || sl.Class != was.Class {
			ds.Class = &sl.Class
		}
		if was == nil || sl.Background != was.Background {
			ds.Background = &sl.Background
		}
	}
	d.apiDeck.Slides = nil
	j, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	b := newBlob(p.z, j, "application/json")
	if p.deltas == nil {
		p.deltas = make(map[string]*blob)
	}
	p.deltas[base.version] = b
	return b, nil
}
