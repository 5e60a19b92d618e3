package live

// Deck is all the hub needs to know about a talk: its version and, for each
// slide in order, a stable id and how many steps it has.
type Deck struct {
	// Version changes whenever the rendered deck changes (a content hash,
	// say); clients refetch the deck when it differs from theirs.
	Version string
	Slides  []Slide
	// Files names the files the deck was read from where replicas share
	// them (server/cluster's deck version): the same on every replica,
	// unlike Version, which also covers slide IDs, and those depend on
	// the versions a replica loaded before. Empty outside a cluster.
	Files string
}

// Slide is one slide of a Deck.
type Slide struct {
	// ID is stable across reloads as long as the slide exists (the
	// author's anchor or a hash of its heading), so the audience stays
	// on it when the chapters around it are edited.
	ID string
	// Steps is the number of incremental reveals: the valid steps are
	// 0 (nothing revealed yet) through Steps (everything revealed).
	Steps int
}

// State is the position every client follows. It is what a state frame
// carries (see docs/protocol.md).
type State struct {
	Slide    string `json:"slide"`
	Index    int    `json:"index"`
	Step     int    `json:"step"`
	Blackout bool   `json:"blackout"`
	Version  string `json:"version"`
	// Download is on while the presenter offers the slides: audience
	// pages then show a link to GET /download.
	Download bool `json:"download"`
}

// copyDeck keeps the hub's deck away from the caller's slice.
func copyDeck(d Deck) Deck {
	d.Slides = append([]Slide(nil), d.Slides...)
	return d
}

// at returns the state for slide i at step, both clamped into the deck.
// It leaves Blackout and Version alone.
func (s State) at(d *Deck, i, step int) State {
	if len(d.Slides) == 0 {
		s.Slide, s.Index, s.Step = "", 0, 0
		return s
	}
	i = max(0, min(i, len(d.Slides)-1))
	s.Slide = d.Slides[i].ID
	s.Index = i
	s.Step = max(0, min(step, d.Slides[i].Steps))
	return s
}

// next moves one step forward, or to step 0 of the next slide after the
// last step; it stays put at the very end.
func (s State) next(d *Deck) State {
	if len(d.Slides) == 0 {
		return s
	}
	if s.Step < d.Slides[s.Index].Steps {
		return s.at(d, s.Index, s.Step+1)
	}
	if s.Index+1 < len(d.Slides) {
		return s.at(d, s.Index+1, 0)
	}
	return s
}

// prev moves one step back, or to the last step of the previous slide from
// step 0; it stays put at the very beginning.
func (s State) prev(d *Deck) State {
	if len(d.Slides) == 0 {
		return s
	}
	if s.Step > 0 {
		return s.at(d, s.Index, s.Step-1)
	}
	if s.Index > 0 {
		return s.at(d, s.Index-1, d.Slides[s.Index-1].Steps)
	}
	return s
}

// rebase carries s from deck old to deck nu: the slide the presenter
// chose, if a reload had moved the talk off it and nu has it again (at the
// chosen step, clamped); else the same slide by id if it survived (its
// step clamped); else the nearest surviving slide of the old deck,
// searched outward from the old position, after before before (the slide
// that took its place first), at step 0. chosen may be nil.
func (s State) rebase(old, nu *Deck, chosen *Position) State {
	s.Version = nu.Version
	ids := make(map[string]int, len(nu.Slides))
	for i, sl := range nu.Slides {
		if _, dup := ids[sl.ID]; !dup {
			ids[sl.ID] = i
		}
	}
	if chosen != nil {
		if i, ok := ids[chosen.Slide]; ok {
			return s.at(nu, i, chosen.Step)
		}
	}
	if i, ok := ids[s.Slide]; ok && s.Slide != "" {
		return s.at(nu, i, s.Step)
	}
	for d := 1; d < len(old.Slides); d++ {
		for _, j := range [2]int{s.Index + d, s.Index - d} {
			if j < 0 || j >= len(old.Slides) {
				continue
			}
			if i, ok := ids[old.Slides[j].ID]; ok {
				return s.at(nu, i, 0)
			}
		}
	}
	return s.at(nu, s.Index, 0)
}
