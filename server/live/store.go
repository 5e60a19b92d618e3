package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Snapshot is the part of the presentation that must survive a restart:
// where the talk is, the presenter's clock, whether edits are held, and
// the random presenter token (so the URLs on the speaker's devices keep
// working). The hub hands one to its Store after every change and takes
// one back at start (Options.Restore).
type Snapshot struct {
	Slide    string `json:"slide"`
	Index    int    `json:"index"`
	Step     int    `json:"step"`
	Blackout bool   `json:"blackout"`
	Held     bool   `json:"held"`
	// Published is, while Held, the deck version the audience is kept on,
	// by the name of its files in the shared store (Deck.Files), so that a
	// replica that joins during the hold shows the same one. Only a shared
	// state (Options.Shared) carries it.
	Published string `json:"published,omitempty"`
	// Download is the presenter's offer of the slides. Only a shared
	// state (Options.Shared) carries it: one process starts without.
	Download bool `json:"download,omitempty"`
	// Chosen is the slide and step the presenter last navigated to, when
	// a reload moved the talk elsewhere (their slide vanished for a save
	// or two); nil when the talk is where the presenter put it.
	Chosen *Position     `json:"chosen,omitempty"`
	Timer  TimerSnapshot `json:"timer"`
	// Token is the presenter token when the hub keeps it (Options.KeepToken);
	// empty when the speaker chose it, which then never reaches the disk.
	Token string `json:"token,omitempty"`
}

// Position is a slide, by id, and a step on it.
type Position struct {
	Slide string `json:"slide"`
	Step  int    `json:"step"`
}

// TimerSnapshot is the presenter clock. A running clock is saved by the
// wall-clock time its run began, not by its reading, so that the time the
// server was down counts as talk time: the talk went on meanwhile.
type TimerSnapshot struct {
	Running   bool  `json:"running"`
	Elapsed   int64 `json:"elapsed"`    // ms accumulated before the current run
	StartedAt int64 `json:"started_at"` // unix ms the current run began; 0 when paused
	Target    int64 `json:"target"`     // seconds; 0 = none
}

// Store keeps the latest Snapshot somewhere that outlives the process. The
// hub calls Save from one goroutine at a time, never under its own lock,
// and at most once per saveDelay; a Store need not coalesce. FileStore is
// the one podium uses; a replicated backend (a key-value bucket with
// compare-and-set) fits the same two methods.
type Store interface {
	// Load returns the saved snapshot, or the zero Snapshot and nil when
	// nothing was saved yet. An error means something was saved but cannot
	// be read back (the caller starts fresh and says so).
	Load() (Snapshot, error)
	// Save replaces the saved snapshot with s, durably: after it returns,
	// a crash of the process or the machine keeps s.
	Save(s Snapshot) error
}

// maxStateFile bounds what Load reads: a snapshot is a few hundred bytes,
// and whatever sits at the path must not make the server allocate without
// end.
const maxStateFile = 64 << 10

// FileStore keeps the snapshot in one JSON file, replaced atomically on
// every Save (a temporary file in the same folder, written, synced and
// renamed over the old one, then the folder synced), so that a crash at
// any moment leaves either the old snapshot or the new one, never half of
// one. The file is private to the user (mode 0600): it may hold the token.
type FileStore struct {
	path string
}

// NewFileStore returns the store for the file at path; the folder is
// created on the first Save if it is missing.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// Path is the state file's name, for messages.
func (f *FileStore) Path() string { return f.path }

// Load reads the state file. A missing file is no error (a first start).
func (f *FileStore) Load() (Snapshot, error) {
	var s Snapshot
	fh, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxStateFile+1))
	if err != nil {
		return s, fmt.Errorf("%s: %w", f.path, err)
	}
	if len(b) > maxStateFile {
		return s, fmt.Errorf("%s: not a state file (larger than %d bytes)", f.path, maxStateFile)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return Snapshot{}, fmt.Errorf("%s: not a state file: %w", f.path, err)
	}
	return s, nil
}

// Save writes s to the state file atomically and durably.
func (f *FileStore) Save(s Snapshot) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.path)+".*.tmp") // mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing to remove
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return err
	}
	// The rename is durable only once the folder's entry is on disk.
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// saveDelay coalesces saves: the first change after a quiet spell arms a
// timer, and when it fires the newest snapshot is saved, once. A burst of
// key presses is therefore one write, writes never come faster than one
// per saveDelay, and a crash loses at most the last saveDelay of moves.
const saveDelay = 100 * time.Millisecond

// Clock is the hub's time: the presenter clock reads Now, the saver waits
// with AfterFunc. Tests replace it to decide when time passes.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine after d; stop cancels it and
	// reports whether it did so before f started.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// realClock is the clock of a running server.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// saver is the hub's side of a Store: it holds the newest unsaved
// snapshot and writes it, coalesced, from a timer goroutine. The hub calls
// changed under its own lock; the slow Save runs outside it, so a slow
// disk never delays a broadcast.
type saver struct {
	store Store
	clock Clock
	log   *slog.Logger

	writeMu sync.Mutex // one Save at a time, in the order of the snapshots

	mu      sync.Mutex // guards below
	latest  Snapshot
	dirty   bool        // latest is not saved yet
	stop    func() bool // cancels the armed timer; nil when none is armed
	failing bool        // the last Save failed (log once, and once on recovery)
	closed  bool
}

// changed records s as the newest snapshot and arms the timer if it is
// not armed yet.
func (sv *saver) changed(s Snapshot) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.closed {
		return
	}
	sv.latest, sv.dirty = s, true
	if sv.stop == nil {
		sv.stop = sv.clock.AfterFunc(saveDelay, sv.flush)
	}
}

// flush saves the newest snapshot if it is not saved yet.
func (sv *saver) flush() {
	sv.writeMu.Lock()
	defer sv.writeMu.Unlock()
	sv.mu.Lock()
	s, dirty := sv.latest, sv.dirty
	sv.dirty, sv.stop = false, nil
	sv.mu.Unlock()
	if !dirty {
		return
	}
	err := sv.store.Save(s)
	sv.mu.Lock()
	defer sv.mu.Unlock()
	switch {
	case err != nil && !sv.failing:
		sv.log.Warn("cannot save the presentation state; a restart will not find this position", "err", err)
	case err == nil && sv.failing:
		sv.log.Info("presentation state saved again")
	}
	sv.failing = err != nil
}

// close cancels the timer and saves what is pending, so that a clean
// shutdown keeps the very last move. Later changes are ignored.
func (sv *saver) close() {
	sv.mu.Lock()
	if sv.stop != nil {
		sv.stop()
		sv.stop = nil
	}
	sv.closed = true
	sv.mu.Unlock()
	sv.flush()
}

// restore starts the hub where snapshot r left the talk. The deck is not
// there yet: the first SetDeck finds the slide by id, else by index.
func (h *Hub) restore(r Snapshot) {
	h.state = State{Slide: r.Slide, Index: max(0, r.Index), Step: max(0, r.Step), Blackout: r.Blackout}
	h.held = r.Held
	if r.Chosen != nil && r.Chosen.Slide != "" {
		c := *r.Chosen
		h.chosen = &c
	}
	h.timer = timerFromSnapshot(r.Timer, h.clock.Now())
}

// persistLocked hands the current snapshot to the saver.
func (h *Hub) persistLocked() {
	if h.saver != nil {
		h.saver.changed(h.snapshotLocked())
	}
}

func (h *Hub) snapshotLocked() Snapshot {
	s := Snapshot{
		Slide: h.state.Slide, Index: h.state.Index, Step: h.state.Step, Blackout: h.state.Blackout,
		Held: h.held, Timer: h.timer.snapshot(),
	}
	if h.opts.Shared != nil {
		s.Download = h.state.Download
	}
	if h.chosen != nil {
		c := *h.chosen
		s.Chosen = &c
	}
	if h.opts.KeepToken && h.auth != nil {
		s.Token = h.auth.Token()
	}
	return s
}

// closeStore writes what is pending; Shutdown calls it once every client
// is gone, so the snapshot is the final state.
func (h *Hub) closeStore() {
	if h.saver != nil {
		h.saver.close()
	}
}

func (t *timerState) snapshot() TimerSnapshot {
	s := TimerSnapshot{Running: t.running, Elapsed: t.elapsed.Milliseconds(), Target: int64(t.target / time.Second)}
	if t.running {
		s.StartedAt = t.startedAt.UnixMilli()
	}
	return s
}

// timerFromSnapshot is the clock of s, read at now. Nonsense from a
// hand-edited file is clamped: no negative time, no run that begins in
// the future (the machine's clock went back), no target beyond
// maxTimerTarget.
func timerFromSnapshot(s TimerSnapshot, now time.Time) timerState {
	t := timerState{
		running: s.Running,
		elapsed: time.Duration(max(0, min(s.Elapsed, maxTimerTarget*1000))) * time.Millisecond,
		target:  time.Duration(max(0, min(s.Target, maxTimerTarget))) * time.Second,
	}
	if t.running {
		t.startedAt = time.UnixMilli(s.StartedAt)
		if s.StartedAt <= 0 || t.startedAt.After(now) {
			t.startedAt = now
		}
	}
	return t
}
