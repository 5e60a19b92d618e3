package live

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock whose time moves only when the test says so.
// Timers due after Advance run in Advance's goroutine, before it returns,
// so a test knows every save it caused is done.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at   time.Time
	f    func()
	done bool
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_800_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		stopped := !t.done
		t.done = true
		return stopped
	}
}

// Advance moves the time on by d and runs the timers that came due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	for _, t := range c.timers {
		if !t.done && !t.at.After(c.now) {
			t.done = true
			due = append(due, t)
		}
	}
	c.mu.Unlock()
	for _, t := range due {
		t.f()
	}
}

// countingStore is a FileStore that counts its saves.
type countingStore struct {
	*FileStore
	mu    sync.Mutex
	saves int
}

func (s *countingStore) Save(snap Snapshot) error {
	s.mu.Lock()
	s.saves++
	s.mu.Unlock()
	return s.FileStore.Save(snap)
}

func (s *countingStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saves
}

func newCountingStore(t testing.TB) *countingStore {
	t.Helper()
	return &countingStore{FileStore: NewFileStore(filepath.Join(t.TempDir(), "state", "talk.json"))}
}

func load(t testing.TB, s Store) Snapshot {
	t.Helper()
	snap, err := s.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return snap
}

func TestFileStoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	st := NewFileStore(filepath.Join(dir, "sub", "s.json"))
	if snap, err := st.Load(); err != nil || !reflect.DeepEqual(snap, Snapshot{}) {
		t.Fatalf("Load of a missing file = %+v, %v; want the zero Snapshot, nil", snap, err)
	}
	want := Snapshot{Slide: "c", Index: 2, Step: 1, Blackout: true, Held: true,
		Chosen: &Position{"x", 3}, Timer: TimerSnapshot{Running: true, Elapsed: 5, StartedAt: 7, Target: 600}, Token: "tok"}
	for range 2 { // the second Save replaces the first
		if err := st.Save(want); err != nil {
			t.Fatal(err)
		}
	}
	if got := load(t, st); !reflect.DeepEqual(got, want) {
		t.Errorf("Load = %+v, want %+v", got, want)
	}
	fi, err := os.Stat(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600 (it holds the token)", fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(filepath.Dir(st.Path()))
	if len(ents) != 1 {
		t.Errorf("folder holds %d entries, want only the state file (no temp files left)", len(ents))
	}
}

func TestFileStoreBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, body, want string
	}{
		{"garbage", "{not json", "not a state file"},
		{"truncated", `{"slide":"c","ind`, "not a state file"},
		{"wrong types", `{"slide":3}`, "not a state file"},
		{"huge", `{"slide":"` + strings.Repeat("x", maxStateFile) + `"}`, "larger than"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name+".json")
			if err := os.WriteFile(p, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			snap, err := NewFileStore(p).Load()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), p+": ") {
				t.Errorf("Load = %v, want an error %q starting with the path", err, tt.want)
			}
			if !reflect.DeepEqual(snap, Snapshot{}) {
				t.Errorf("Load returned %+v with its error, want the zero Snapshot", snap)
			}
		})
	}
	// A folder where the file should be cannot be read, nor replaced.
	p := filepath.Join(dir, "folder.json")
	if err := os.Mkdir(p, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := NewFileStore(p).Load(); err == nil {
		t.Error("Load of a folder: no error")
	}
	if err := NewFileStore(p).Save(Snapshot{}); err == nil {
		t.Error("Save over a folder: no error")
	}
}

// TestStateSurvivesHubRestart drives a hub over real websockets, lets it
// die without a goodbye, and starts a second hub from what the store
// holds: the talk, the clock (with the downtime counted) and the hold
// are back, for the audience and for presenters.
func TestStateSurvivesHubRestart(t *testing.T) {
	clock := newFakeClock()
	st := newCountingStore(t)
	e := newEnv(t, Options{Store: st, Clock: clock})
	p := e.dial(t, true)
	p.send(frame{"type": "goto", "slide": "c", "step": 2})
	p.send(frame{"type": "blackout", "on": true})
	p.send(frame{"type": "timer", "action": "start", "target": 1800})
	p.send(frame{"type": "hold"})
	p.until(func(f frame) bool { return f.typ() == "hold" && f["held"] == true })
	clock.Advance(saveDelay)
	want := Snapshot{Slide: "c", Index: 2, Step: 2, Blackout: true, Held: true,
		Timer: TimerSnapshot{Running: true, StartedAt: clock.Now().Add(-saveDelay).UnixMilli(), Target: 1800}}
	if got := load(t, st); !reflect.DeepEqual(got, want) {
		t.Fatalf("saved %+v, want %+v", got, want)
	}

	// The first hub is gone (a crash: nothing more is written); 40 s later
	// a second one starts from the file.
	clock.Advance(40 * time.Second)
	e2 := newEnv(t, Options{Store: st, Clock: clock, Restore: load(t, st)})
	a := e2.dial(t, false)
	if f := a.read(); f.typ() != "state" || f["slide"] != "c" || f.num("step") != 2 || f["blackout"] != true || f["version"] != "v1" {
		t.Errorf("audience after restart: %v, want c step 2, blackout", f)
	}
	p2 := e2.dial(t, true)
	tm := p2.until(isType("timer"))
	if tm["running"] != true || tm.num("target") != 1800 || tm.num("elapsed") != int((40*time.Second+saveDelay)/time.Millisecond) {
		t.Errorf("timer after restart: %v, want running, target 1800, elapsed 40.1 s (the downtime counts)", tm)
	}
	if f := p2.until(isType("hold")); f["held"] != true || f["published"] != "v1" {
		t.Errorf("hold after restart: %v, want held on the first deck", f)
	}
}

func TestSavesCoalesce(t *testing.T) {
	clock := newFakeClock()
	st := newCountingStore(t)
	e := newEnv(t, Options{Store: st, Clock: clock, Auth: NewAuth("kept"), KeepToken: true})
	clock.Advance(saveDelay) // the snapshot of the start (and of the first deck)
	if n := st.count(); n != 1 {
		t.Fatalf("%d saves at start, want 1", n)
	}
	if tok := load(t, st).Token; tok != "kept" {
		t.Errorf("saved token %q, want the hub's (KeepToken)", tok)
	}
	for burst := 1; burst <= 3; burst++ {
		before := st.count()
		for range 7 { // a clicker held down: 7 presses within saveDelay
			e.hub.Next()
			clock.Advance(saveDelay / 10)
		}
		if n := st.count() - before; n != 0 {
			t.Fatalf("burst %d: %d saves before the delay ran out, want 0", burst, n)
		}
		clock.Advance(saveDelay)
		if n := st.count() - before; n != 1 {
			t.Fatalf("burst %d: %d saves, want one per burst", burst, n)
		}
		want := e.hub.State()
		if got := load(t, st); got.Slide != want.Slide || got.Step != want.Step {
			t.Errorf("burst %d saved %s/%d, want the last position %s/%d", burst, got.Slide, got.Step, want.Slide, want.Step)
		}
		e.hub.Goto(0, 0)
		clock.Advance(saveDelay)
	}
	// Shutdown writes what is pending at once, without waiting for the clock.
	e.hub.Goto(3, 0)
	before := st.count()
	e.hub.Close()
	if n := st.count(); n != before+1 || load(t, st).Slide != "d" {
		t.Errorf("after Close: %d new saves, slide %q; want the last move saved", st.count()-before, load(t, st).Slide)
	}
}

func TestTokenNotKeptUnlessAsked(t *testing.T) {
	clock := newFakeClock()
	st := newCountingStore(t)
	newEnv(t, Options{Store: st, Clock: clock, Auth: NewAuth("chosen-by-speaker")})
	clock.Advance(saveDelay)
	b, err := os.ReadFile(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "chosen-by-speaker") {
		t.Errorf("a token the speaker chose reached the state file:\n%s", b)
	}
}

// TestRestoreMissingSlide: a saved slide id that the deck no longer has
// maps to the slide now at its saved index.
func TestRestoreMissingSlide(t *testing.T) {
	e := newEnv(t, Options{Restore: Snapshot{Slide: "gone", Index: 3, Step: 1}})
	if s := e.hub.State(); s.Slide != "d" || s.Index != 3 || s.Step != 0 {
		t.Errorf("state %+v, want d (index 3) at step 0", s)
	}
	e = newEnv(t, Options{Restore: Snapshot{Slide: "gone", Index: 99}})
	if s := e.hub.State(); s.Slide != "e" {
		t.Errorf("state %+v, want the last slide e", s)
	}
}

func TestTimerFromSnapshot(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, tt := range []struct {
		name    string
		in      TimerSnapshot
		elapsed int64 // ms at now
		running bool
	}{
		{"paused", TimerSnapshot{Elapsed: 5000, Target: 60}, 5000, false},
		{"running through downtime", TimerSnapshot{Running: true, Elapsed: 1000, StartedAt: now.Add(-time.Minute).UnixMilli()}, 61000, true},
		{"run from the future", TimerSnapshot{Running: true, Elapsed: 1000, StartedAt: now.Add(time.Hour).UnixMilli()}, 1000, true},
		{"running without a start", TimerSnapshot{Running: true}, 0, true},
		{"negative", TimerSnapshot{Elapsed: -5, Target: -3}, 0, false},
		{"absurd", TimerSnapshot{Elapsed: 1 << 62, Target: 1 << 62}, maxTimerTarget * 1000, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tm := timerFromSnapshot(tt.in, now)
			m := tm.msg(now)
			if m.Elapsed != tt.elapsed || m.Running != tt.running || m.Target < 0 || m.Target > maxTimerTarget {
				t.Errorf("msg = %+v, want elapsed %d running %v", m, tt.elapsed, tt.running)
			}
		})
	}
}

// TestReloadDroppingSlideReturnsToIt: a save that briefly loses the
// presenter's slide (or some of its steps) moves everyone to the nearest
// slide, and the next save that brings it back returns everyone to it,
// at the step the presenter chose; once the presenter moves, the old
// choice is forgotten.
func TestReloadDroppingSlideReturnsToIt(t *testing.T) {
	e := newEnv(t, Options{}) // a(0 steps) b(1) c(2) d(0) e(1)
	p := e.dial(t, true)
	a := e.dial(t, false)
	full := testDeck("v1", "a", "b", "c", "d", "e")
	p.send(frame{"type": "goto", "slide": "c", "step": 2})
	a.until(atSlide("c", 2))

	e.hub.SetDeck(Deck{Version: "half", Slides: []Slide{{"a", 0}, {"b", 1}}})
	a.until(atSlide("b", 0))
	p.send(frame{"type": "blackout", "on": true}) // not a move: the choice stands
	a.until(func(f frame) bool { return f.typ() == "state" && f["blackout"] == true })
	e.hub.SetDeck(Deck{Version: "v1b", Slides: full.Slides})
	if f := a.until(isType("state")); f["slide"] != "c" || f.num("step") != 2 || f["blackout"] != true {
		t.Fatalf("after the slide came back: %v, want c step 2", f)
	}

	// Fewer steps for a save, then all of them again.
	e.hub.SetDeck(Deck{Version: "short", Slides: []Slide{{"a", 0}, {"b", 1}, {"c", 0}, {"d", 0}, {"e", 1}}})
	a.until(atSlide("c", 0))
	e.hub.SetDeck(Deck{Version: "v1c", Slides: full.Slides})
	a.until(atSlide("c", 2))

	// The presenter moves while the slide is gone: that is the new choice.
	e.hub.SetDeck(Deck{Version: "half2", Slides: []Slide{{"a", 0}, {"b", 1}}})
	a.until(atSlide("b", 0))
	p.send(frame{"type": "prev"})
	a.until(atSlide("a", 0))
	e.hub.SetDeck(Deck{Version: "v1d", Slides: full.Slides})
	if f := a.until(isType("state")); f["slide"] != "a" {
		t.Errorf("after the presenter moved: %v, want to stay on a", f)
	}
}

func TestSnapshotJSON(t *testing.T) {
	// The file format is the contract between versions of podium: its
	// field names must not drift.
	b, err := json.Marshal(Snapshot{Slide: "s", Chosen: &Position{"c", 1}, Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"slide":"s","index":0,"step":0,"blackout":false,"held":false,"chosen":{"slide":"c","step":1},"timer":{"running":false,"elapsed":0,"started_at":0,"target":0},"token":"t"}`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
}

// BenchmarkFileStoreSave is the cost of one durable save (write, fsync,
// rename, fsync of the folder) in the benchmark's temp folder.
func BenchmarkFileStoreSave(b *testing.B) {
	st := NewFileStore(filepath.Join(b.TempDir(), "s.json"))
	snap := Snapshot{Slide: "abcdef12", Index: 20, Step: 2, Blackout: true,
		Timer: TimerSnapshot{Running: true, StartedAt: time.Now().UnixMilli(), Target: 1800}, Token: NewToken()}
	for b.Loop() {
		if err := st.Save(snap); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKeyBurst presses next every 10 ms (a clicker's auto-repeat)
// for a second, on the real clock, and reports the writes that caused per
// 100 ms of presses.
func BenchmarkKeyBurst(b *testing.B) {
	for b.Loop() {
		st := newCountingStore(b)
		h := New(Options{Store: st})
		d := testDeck("v1")
		for i := range 200 {
			d.Slides = append(d.Slides, Slide{ID: string(rune('A' + i)), Steps: 0})
		}
		h.SetDeck(d)
		time.Sleep(2 * saveDelay) // the snapshot of the start
		start := st.count()
		t0 := time.Now()
		for range 100 {
			h.Next()
			time.Sleep(10 * time.Millisecond)
		}
		elapsed := time.Since(t0)
		writes := st.count() - start
		h.Close()
		b.ReportMetric(float64(writes)/(float64(elapsed)/float64(saveDelay)), "writes/100ms")
		b.ReportMetric(float64(writes), "writes/burst")
	}
}
