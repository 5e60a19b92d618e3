package live

import (
	"testing"
	"time"
)

func testDeck(version string, ids ...string) Deck {
	d := Deck{Version: version}
	for i, id := range ids {
		d.Slides = append(d.Slides, Slide{ID: id, Steps: i % 3}) // a:0 b:1 c:2 d:0 ...
	}
	return d
}

func TestNextPrev(t *testing.T) {
	d := testDeck("v1", "a", "b", "c", "d")
	type pos struct{ i, step int }
	tests := []struct {
		name     string
		from     pos
		next     pos
		prev     pos
		fromSlug string
	}{
		{"first slide, no steps", pos{0, 0}, pos{1, 0}, pos{0, 0}, "a"},
		{"step 0 of a stepped slide", pos{1, 0}, pos{1, 1}, pos{0, 0}, "b"},
		{"last step goes to next slide", pos{1, 1}, pos{2, 0}, pos{1, 0}, "b"},
		{"prev from step 0 lands on the last step", pos{2, 0}, pos{2, 1}, pos{1, 1}, "c"},
		{"middle step", pos{2, 1}, pos{2, 2}, pos{2, 0}, "c"},
		{"last slide clamps", pos{3, 0}, pos{3, 0}, pos{2, 2}, "d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := State{Version: "v1"}.at(&d, tt.from.i, tt.from.step)
			if s.Slide != tt.fromSlug {
				t.Fatalf("at(%d) = %q, want %q", tt.from.i, s.Slide, tt.fromSlug)
			}
			if n := s.next(&d); n.Index != tt.next.i || n.Step != tt.next.step || n.Slide != d.Slides[n.Index].ID {
				t.Errorf("next = %+v, want index %d step %d", n, tt.next.i, tt.next.step)
			}
			if p := s.prev(&d); p.Index != tt.prev.i || p.Step != tt.prev.step || p.Slide != d.Slides[p.Index].ID {
				t.Errorf("prev = %+v, want index %d step %d", p, tt.prev.i, tt.prev.step)
			}
		})
	}
	empty := Deck{}
	if s := (State{}).next(&empty).prev(&empty).at(&empty, 5, 5); s != (State{}) {
		t.Errorf("navigation in an empty deck = %+v, want zero", s)
	}
}

func TestRebase(t *testing.T) {
	old := Deck{Version: "v1", Slides: []Slide{{"a", 0}, {"b", 2}, {"c", 3}, {"d", 0}, {"e", 0}}}
	tests := []struct {
		name    string
		from    State
		nu      Deck
		want    State
		comment string
	}{
		{"same id moves index", State{Slide: "c", Index: 2, Step: 2},
			Deck{Version: "v2", Slides: []Slide{{"x", 0}, {"a", 0}, {"b", 2}, {"c", 3}}},
			State{Slide: "c", Index: 3, Step: 2, Version: "v2"}, ""},
		{"step clamps", State{Slide: "c", Index: 2, Step: 3},
			Deck{Version: "v2", Slides: []Slide{{"a", 0}, {"b", 2}, {"c", 1}}},
			State{Slide: "c", Index: 2, Step: 1, Version: "v2"}, ""},
		{"deleted: next survivor first", State{Slide: "c", Index: 2, Step: 1},
			Deck{Version: "v2", Slides: []Slide{{"a", 0}, {"b", 2}, {"d", 0}, {"e", 0}}},
			State{Slide: "d", Index: 2, Step: 0, Version: "v2"}, ""},
		{"deleted with neighbours after: previous survivor", State{Slide: "c", Index: 2},
			Deck{Version: "v2", Slides: []Slide{{"a", 0}, {"b", 2}}},
			State{Slide: "b", Index: 1, Step: 0, Version: "v2"}, ""},
		{"walks outward", State{Slide: "c", Index: 2},
			Deck{Version: "v2", Slides: []Slide{{"e", 0}, {"z", 0}}},
			State{Slide: "e", Index: 0, Step: 0, Version: "v2"}, ""},
		{"nothing survives: clamp index", State{Slide: "e", Index: 4, Blackout: true},
			Deck{Version: "v2", Slides: []Slide{{"p", 0}, {"q", 0}}},
			State{Slide: "q", Index: 1, Step: 0, Blackout: true, Version: "v2"}, ""},
		{"empty deck", State{Slide: "c", Index: 2}, Deck{Version: "v2"}, State{Version: "v2"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.from.rebase(&old, &tt.nu, nil); got != tt.want {
				t.Errorf("rebase = %+v, want %+v", got, tt.want)
			}
		})
	}
	// From an empty deck, the first deck starts at its first slide.
	if got := (State{}).rebase(&Deck{}, &old, nil); got.Slide != "a" || got.Index != 0 {
		t.Errorf("first deck: %+v, want slide a", got)
	}
}

func TestTimerState(t *testing.T) {
	var tm timerState
	t0 := time.Unix(1000, 0)
	ten := int64(600)
	if !tm.apply("start", &ten, t0) {
		t.Fatal("start refused")
	}
	m := tm.msg(t0.Add(5 * time.Second))
	if !m.Running || m.Elapsed != 5000 || m.Target != 600 || m.StartedAt != t0.UnixMilli() {
		t.Errorf("running: %+v", m)
	}
	tm.apply("pause", nil, t0.Add(7*time.Second))
	if m := tm.msg(t0.Add(60 * time.Second)); m.Running || m.Elapsed != 7000 || m.StartedAt != 0 {
		t.Errorf("paused: %+v", m)
	}
	tm.apply("start", nil, t0.Add(100*time.Second))
	if m := tm.msg(t0.Add(101 * time.Second)); m.Elapsed != 8000 {
		t.Errorf("resumed: %+v", m)
	}
	tm.apply("reset", nil, t0.Add(102*time.Second))
	if m := tm.msg(t0.Add(103 * time.Second)); m.Running || m.Elapsed != 0 || m.Target != 600 {
		t.Errorf("reset: %+v", m)
	}
	if tm.apply("explode", nil, t0) || tm.apply("", nil, t0) {
		t.Error("bad actions accepted")
	}
}

func TestBucket(t *testing.T) {
	b := bucket{rate: 10, burst: 3}
	t0 := time.Unix(0, 0)
	for i := range 3 {
		if !b.allow(t0) {
			t.Fatalf("burst message %d refused", i)
		}
	}
	if b.allow(t0) {
		t.Fatal("4th message in the same instant allowed")
	}
	if !b.allow(t0.Add(100 * time.Millisecond)) {
		t.Fatal("a token should be back after 1/rate")
	}
}
