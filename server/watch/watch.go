// Package watch turns file-system notifications for a talk's folders into
// debounced batches of "these paths changed".
//
// Editors rarely save by writing a file in place: VS Code, JetBrains IDEs,
// gedit and sed write a temporary file and rename it over the original; vim
// renames the original to a backup, writes a new file and deletes the backup;
// along the way they create swap files, lock files and probe files. Watching
// the files themselves loses them at the first rename, so a Watcher watches
// every folder under its roots (including folders created later), drops
// attribute-only events and editor noise (see [Ignored]), and collects what is
// left until the folders have been quiet for [Options.Debounce]. Each save,
// however many events it takes, becomes one [Batch]; so does a git checkout
// that touches hundreds of files.
//
// A file that is missing or shorter than before when the folders fall quiet
// is not yet taken for deleted or cut: an editor writing in chunks, git
// replacing a file, a sync tool removing and recreating it all pass through
// such states. The Watcher looks again after [Options.Grace] and sends the
// batch only once every such file has come back, or has stayed that way for
// the whole grace period (then it really was deleted or shortened). One save
// is one batch of whole files.
//
// A root folder that is removed or renamed away is reported in [Batch.Gone];
// when a folder of that name appears again (the talk recreated, a fresh git
// clone, a backup restored), the Watcher watches the new folder and reports
// it in [Batch.Replaced]. The parent of each root is watched for this.
//
// When the kernel's event queue overflows, events were lost and the next batch
// says so with Rescan. When the kernel refuses more watches (the inotify watch
// limit, or too many open files), the Watcher logs a warning and polls
// instead: it stat-walks the roots every [Options.PollInterval] and reports
// what appeared, disappeared, or changed size or modification time.
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

const (
	// DefaultDebounce is how long the folders must be quiet before a batch
	// goes. It protects the audience from seeing one save as several
	// reloads: every editor's save sequence (temp file, rename, backup,
	// swap file) takes well under a millisecond to a few milliseconds. It
	// stays far below what a person waiting for the browser notices.
	DefaultDebounce = 20 * time.Millisecond

	// DefaultGrace is how long a file found missing or shorter than before
	// at the end of a burst may take to come back before the batch reports
	// it so. It protects the audience from half-finished saves: an editor
	// that truncates and writes in chunks, `git checkout` or a sync tool that
	// removes a chapter and recreates it within 200 ms never publishes the
	// partial deck, so the live position never jumps off a slide that is
	// only briefly gone. The price: a save that deletes or shortens a file
	// reaches the pages this much later; nothing else waits.
	DefaultGrace = 250 * time.Millisecond

	// DefaultPollInterval is the poller's period: slow enough that walking a
	// talk folder costs nothing, fast enough to feel live.
	DefaultPollInterval = 500 * time.Millisecond

	// minMaxWait bounds how long a batch may be held open by a stream of
	// events that never pauses (a tool rewriting a file in a loop): the
	// batch is sent after max(minMaxWait, 10×Debounce) even if events keep
	// coming. Generous, so that a large git checkout still arrives whole.
	minMaxWait = 2 * time.Second
)

// Options configures a Watcher. The zero value is ready to use.
type Options struct {
	// Debounce is how long the folders must stay quiet before the collected
	// changes are sent as one batch. Zero means DefaultDebounce.
	Debounce time.Duration

	// Logger receives warnings: the fallback to polling, folders that cannot
	// be watched, errors reported by fsnotify. Nil discards them.
	Logger *slog.Logger

	// Grace is how long a missing or shrunken file may take to come back
	// before a batch reports it. Zero means DefaultGrace.
	Grace time.Duration

	// PollInterval is how often the poller walks the roots. Zero means
	// DefaultPollInterval. It matters only when polling.
	PollInterval time.Duration

	// Poll skips fsnotify and polls from the start, for file systems that
	// send no notifications (NFS, SMB, some container bind mounts).
	Poll bool

	// addHook, when set, stands between the Watcher and fsnotify's Add so
	// tests can make the kernel refuse a watch. See export_test.go.
	addHook func(next func(dir string) error, dir string) error

	// clock, when set, replaces the wall clock (tests of timing).
	clock clock

	// trace, when set, is called with the name of every fsnotify event the
	// Watcher has handled, so tests know when it has seen a save.
	trace func(name string)
}

// Batch is one settled set of changes.
type Batch struct {
	// Paths lists what changed: absolute, cleaned, sorted, without
	// duplicates. A path may name a file that no longer exists (deleted, or
	// renamed away: a rename lists both names) or a folder that was created,
	// deleted or renamed, which stands for everything beneath it.
	Paths []string

	// Rescan means changes may have been lost (the event queue overflowed,
	// or the Watcher switched to polling, or a root was replaced): reload
	// everything, not just Paths.
	Rescan bool

	// Gone lists the roots that were removed or renamed away and have not
	// come back: nothing under them is seen until they do.
	Gone []string

	// Replaced lists the roots that came back since the last batch: a new
	// folder under the old name, now watched instead of the old one. A
	// consumer holding the old folder open (an os.Root) must open it again.
	Replaced []string
}

// Watcher watches folder trees and sends a Batch for each settled burst of
// changes. Create one with New and stop it with Close.
type Watcher struct {
	out   chan Batch
	quit  chan struct{}
	done  chan struct{}
	probe chan chan<- probe // tests: see export_test.go

	// fsw is the notifier New started with, or nil when polling from the
	// start. It never changes after New (run may close it when falling back
	// to polling), so tests may read it.
	fsw *fsnotify.Watcher

	closeOnce sync.Once
	closeErr  error // set by run before done is closed
}

// New watches each root folder and every folder beneath it, except hidden
// ones (.git and the like). Roots may be relative; batches report absolute
// paths. New fails if a root is not a readable folder; if the kernel cannot
// watch them all, it falls back to polling rather than fail.
func New(roots []string, opts Options) (*Watcher, error) {
	if len(roots) == 0 {
		return nil, errors.New("watch: no folders to watch")
	}
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.Grace <= 0 {
		opts.Grace = DefaultGrace
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.clock == nil {
		opts.clock = wallClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	abs := make([]string, 0, len(roots))
	for _, r := range roots {
		a, err := filepath.Abs(r)
		if err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
		fi, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("watch: %s: not a folder", a)
		}
		if !slices.Contains(abs, a) {
			abs = append(abs, a)
		}
	}

	w := &Watcher{
		out:   make(chan Batch),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
		probe: make(chan chan<- probe),
	}
	l := &loop{
		roots:    abs,
		opts:     opts,
		log:      opts.Logger,
		clock:    opts.clock,
		maxWait:  max(minMaxWait, 10*opts.Debounce),
		dirs:     make(map[string]bool),
		parents:  make(map[string]bool),
		rootInfo: make(map[string]os.FileInfo),
		gone:     make(map[string]bool),
		replaced: make(map[string]bool),
		sizes:    make(map[string]int64),
		suspect:  make(map[string]suspect),
		pending:  make(map[string]bool),
		timer:    opts.clock.NewTimer(time.Hour),
		out:      w.out,
		quit:     w.quit,
		probe:    w.probe,
		closeErr: &w.closeErr,
	}
	l.timer.Stop()
	for _, r := range abs {
		if fi, err := os.Stat(r); err == nil {
			l.rootInfo[r] = fi
		}
	}

	if opts.Poll {
		l.startPolling()
	} else if fsw, err := fsnotify.NewWatcher(); err != nil {
		if !exhausted(err) {
			return nil, fmt.Errorf("watch: %w", err)
		}
		l.log.Warn("watch: cannot start fsnotify; polling instead", "err", err,
			"interval", opts.PollInterval)
		l.startPolling()
	} else {
		w.fsw = fsw
		l.useNotify(fsw)
		for _, r := range abs {
			if err := l.addTree(r, false); err != nil {
				fsw.Close()
				return nil, err
			}
			if l.fsw == nil {
				// Fell back to polling before anything was reported:
				// the consumer's first load needs no rescan.
				l.rescan = false
				l.timer.Stop()
				break
			}
		}
		if l.fsw != nil {
			l.watchParents()
		}
	}

	go func() {
		defer close(w.done)
		l.run()
	}()
	return w, nil
}

// Batches returns the channel on which batches arrive. A consumer slower than
// the batches finds the ones it missed merged into the next one, so the
// Watcher never blocks on it. The channel is closed by Close.
func (w *Watcher) Batches() <-chan Batch { return w.out }

// Close stops watching, waits for the Watcher's goroutines to end and closes
// the Batches channel. It is safe to call more than once, from any goroutine.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() { close(w.quit) })
	<-w.done
	return w.closeErr
}

// exhausted reports whether err means the kernel will give no more watches:
// inotify's max_user_watches (ENOSPC) or its instance limit or the open-file
// limit (EMFILE, ENFILE).
func exhausted(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) ||
		errors.Is(err, syscall.ENFILE)
}

// loop is the state of one Watcher's goroutine. After New hands it to that
// goroutine, nothing else touches it.
type loop struct {
	roots   []string
	opts    Options
	log     *slog.Logger
	clock   clock
	maxWait time.Duration

	// Event source: fsnotify, or the poller once fsw is nil.
	fsw     *fsnotify.Watcher
	events  <-chan fsnotify.Event
	errs    <-chan error
	dirs    map[string]bool // folders with a watch, when using fsnotify
	parents map[string]bool // the roots' parent folders, watched for the roots alone
	poll    *snapshot       // last poll's view, when polling
	ticker  ticker

	// The roots: the folder each one is (to tell a new folder of the same
	// name), which are gone, which came back since the last batch.
	rootInfo map[string]os.FileInfo
	gone     map[string]bool
	replaced map[string]bool

	// sizes holds each file's size as of the last batch (or the start), to
	// tell a file that shrank; suspect the files found missing or shrunken
	// at the end of a burst, and since when they have looked so.
	sizes   map[string]int64
	suspect map[string]suspect

	// The batch being collected: the timer runs while it is non-empty.
	pending map[string]bool
	rescan  bool
	opened  time.Time // when the first change of this batch arrived
	timer   timer

	// The batch waiting for the consumer, if it has not taken it yet.
	ready    Batch
	hasReady bool

	out      chan<- Batch
	quit     <-chan struct{}
	probe    <-chan chan<- probe
	closeErr *error
}

// look is what settle sees of a path: whether it exists, and a file's size.
type look struct {
	exists, dir bool
	size        int64
}

// suspect is a file that looked missing or shrunken: how, and since when.
type suspect struct {
	look  look
	since time.Time
}

// probe is what a test learns of the loop between two events (export_test.go).
type probe struct {
	ready   bool // a batch waits for the consumer
	waiting bool // changes are being collected or held in grace
}

func (l *loop) run() {
	defer close(l.out)
	defer l.timer.Stop()
	for {
		var out chan<- Batch
		if l.hasReady {
			out = l.out
		}
		var tick <-chan time.Time
		if l.ticker != nil {
			tick = l.ticker.C()
		}
		select {
		case <-l.quit:
			if l.ticker != nil {
				l.ticker.Stop()
			}
			if l.fsw != nil {
				*l.closeErr = l.fsw.Close()
			}
			return
		case ev, ok := <-l.events:
			if !ok {
				l.events = nil
				continue
			}
			l.event(ev)
			if l.opts.trace != nil {
				l.opts.trace(ev.Name)
			}
		case err, ok := <-l.errs:
			if !ok {
				l.errs = nil
				continue
			}
			l.error(err)
		case <-tick:
			for _, r := range l.roots {
				l.checkRoot(r)
			}
			for _, p := range l.poll.update(l.roots) {
				l.changed(p)
			}
		case <-l.timer.C():
			l.settle()
		case out <- l.ready:
			l.ready, l.hasReady = Batch{}, false
		case reply := <-l.probe:
			reply <- probe{ready: l.hasReady, waiting: len(l.pending) > 0 || l.rescan}
		}
	}
}

// event filters one fsnotify event and keeps the folder watches in step
// with the tree.
func (l *loop) event(ev fsnotify.Event) {
	if ev.Op&^fsnotify.Chmod == 0 {
		return // attributes only: touch, chmod, indexers, virus scanners
	}
	name := filepath.Clean(ev.Name)
	if slices.Contains(l.roots, name) {
		// A root itself was removed, renamed, or (seen from its parent)
		// created: what is there now decides.
		l.checkRoot(name)
		return
	}
	if parent := filepath.Dir(name); l.parents[parent] && !l.dirs[parent] {
		return // a sibling of a root
	}
	dir := l.dirs[name] // a watched folder, changed, removed or renamed
	if dir && ev.Op&^(fsnotify.Write|fsnotify.Chmod) == 0 {
		// kqueue and Windows say a folder was written when an entry in it
		// changed; that entry has an event of its own.
		return
	}
	if !dir && ev.Has(fsnotify.Create) {
		fi, err := os.Lstat(name)
		dir = err == nil && fi.IsDir()
	}
	if skip(name, dir) {
		return
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		l.forget(name)
	}
	if dir && ev.Has(fsnotify.Create) {
		// Files may have landed in it before its watch existed: addTree
		// reports whatever it finds.
		if err := l.addTree(name, true); err != nil {
			l.log.Warn("watch: cannot watch new folder", "dir", name, "err", err)
		}
		if l.fsw == nil {
			return // addTree fell back to polling; the rescan covers this event
		}
	}
	l.changed(name)
}

// checkRoot compares a root with the folder the Watcher knows under its
// name: gone, back as another folder (or back at all), or unchanged.
func (l *loop) checkRoot(root string) {
	fi, err := os.Stat(root)
	switch {
	case err != nil || !fi.IsDir():
		if l.gone[root] {
			return
		}
		l.log.Warn("watch: a watched folder is gone; watching for it to come back", "dir", root)
		l.gone[root] = true
		delete(l.replaced, root)
		if l.fsw != nil {
			l.forget(root)
		}
		l.changed(root)
	case !l.gone[root] && l.rootInfo[root] != nil && os.SameFile(fi, l.rootInfo[root]):
		// Still the same folder.
	default:
		l.log.Warn("watch: a watched folder was replaced by a new one; watching the new one", "dir", root)
		delete(l.gone, root)
		l.rootInfo[root] = fi
		l.replaced[root] = true
		if l.fsw != nil {
			l.forget(root)
			if err := l.addTree(root, true); err != nil {
				l.log.Warn("watch: cannot watch folder", "dir", root, "err", err)
			}
		}
		l.needRescan()
	}
}

// watchParents watches the folder above each root, so that a root removed
// and made again (or renamed away and another renamed in) is seen.
func (l *loop) watchParents() {
	for _, r := range l.roots {
		p := filepath.Dir(r)
		if p == r || l.parents[p] || l.dirs[p] {
			continue
		}
		if err := l.add(p); err != nil {
			l.log.Warn("watch: cannot watch the folder above a root; a root removed and "+
				"recreated is not seen", "dir", p, "err", err)
			continue
		}
		l.parents[p] = true
	}
}

// skip reports whether a path is left out: folders only when hidden (a folder
// named 2024 is no vim probe), files when Ignored.
func skip(path string, dir bool) bool {
	if dir {
		return strings.HasPrefix(filepath.Base(path), ".")
	}
	return Ignored(path)
}

func (l *loop) error(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		l.log.Warn("watch: event queue overflowed; asking for a full reload", "err", err)
		// Lost events may have created folders, or renamed them so that
		// their watches report stale names: watch everything afresh.
		for d := range l.dirs {
			_ = l.fsw.Remove(d)
		}
		clear(l.dirs)
		for _, r := range l.roots {
			if l.gone[r] {
				continue
			}
			if err := l.addTree(r, false); err != nil {
				l.log.Warn("watch: cannot watch folder", "dir", r, "err", err)
			}
			if l.fsw == nil {
				break
			}
		}
		for _, r := range l.roots {
			l.checkRoot(r)
		}
		l.needRescan()
		return
	}
	l.log.Warn("watch: fsnotify error", "err", err)
}

// addTree watches dir and the folders beneath it, skipping ignored ones. With
// report set, it also counts every file and folder it finds as changed. If
// the kernel runs out of watches, it switches to polling.
func (l *loop) addTree(dir string, report bool) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				if errors.Is(err, fs.ErrNotExist) && report {
					return nil // gone again already
				}
				return fmt.Errorf("watch: %w", err)
			}
			l.log.Warn("watch: cannot read folder", "dir", p, "err", err)
			return nil
		}
		if p != dir && skip(p, d.IsDir()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if report && p != dir {
			l.changed(p)
		}
		if !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				l.sizes[p] = fi.Size()
			}
			return nil
		}
		if err := l.add(p); err != nil {
			if exhausted(err) {
				l.log.Warn("watch: the kernel refuses more watches; polling instead "+
					"(raise fs.inotify.max_user_watches to avoid this)",
					"dir", p, "err", err, "interval", l.opts.PollInterval)
				l.fallBack()
				return fs.SkipAll
			}
			if p == dir && !report {
				return fmt.Errorf("watch: %s: %w", p, err)
			}
			if !errors.Is(err, fs.ErrNotExist) {
				l.log.Warn("watch: cannot watch folder", "dir", p, "err", err)
			}
			return fs.SkipDir
		}
		l.dirs[p] = true
		return nil
	})
}

func (l *loop) add(dir string) error {
	if l.opts.addHook != nil {
		return l.opts.addHook(l.fsw.Add, dir)
	}
	return l.fsw.Add(dir)
}

// forget drops the watches of a removed or renamed folder and of every folder
// beneath it. inotify keeps watching a renamed folder under its old name, and
// re-adding it under the new name would return that stale watch.
func (l *loop) forget(p string) {
	if !l.dirs[p] {
		return
	}
	prefix := p + string(filepath.Separator)
	for d := range l.dirs {
		if d == p || strings.HasPrefix(d, prefix) {
			delete(l.dirs, d)
			_ = l.fsw.Remove(d) // often gone already with its folder
		}
	}
}

func (l *loop) useNotify(fsw *fsnotify.Watcher) {
	l.fsw, l.events, l.errs = fsw, fsw.Events, fsw.Errors
}

// fallBack replaces fsnotify with the poller for the rest of the Watcher's
// life. Whatever happened meanwhile is unknown, so the next batch asks for a
// rescan.
func (l *loop) fallBack() {
	if err := l.fsw.Close(); err != nil {
		l.log.Warn("watch: closing fsnotify", "err", err)
	}
	l.fsw, l.events, l.errs, l.dirs = nil, nil, nil, nil
	l.startPolling()
	l.needRescan()
}

func (l *loop) startPolling() {
	l.poll = &snapshot{log: l.log}
	l.poll.update(l.roots)
	l.ticker = l.clock.NewTicker(l.opts.PollInterval)
}

// changed adds p to the batch being collected.
func (l *loop) changed(p string) {
	l.arm()
	l.pending[p] = true
}

func (l *loop) needRescan() {
	l.arm()
	l.rescan = true
}

// arm (re)starts the batch's one timer: Debounce from now, but never later
// than maxWait after the batch's first change.
func (l *loop) arm() {
	now := l.clock.Now()
	if len(l.pending) == 0 && !l.rescan {
		l.opened = now
	}
	l.timer.Reset(min(l.opts.Debounce, l.opened.Add(l.maxWait).Sub(now)))
}

// settle runs when the folders have been quiet for Debounce. Unless a file
// of the batch looks half-saved (see hold), it moves the batch to ready,
// merging it with a ready batch the consumer has not taken yet.
func (l *loop) settle() {
	if len(l.pending) == 0 && !l.rescan {
		return
	}
	now := l.clock.Now()
	looks := make(map[string]look, len(l.pending))
	for p := range l.pending {
		looks[p] = lookAt(p)
	}
	if wait := l.hold(looks, now); wait > 0 {
		if deadline := l.opened.Add(l.maxWait); now.Before(deadline) {
			l.timer.Reset(min(wait, deadline.Sub(now)))
			return
		}
	}
	for p, lk := range looks {
		delete(l.suspect, p)
		switch {
		case !lk.exists || lk.dir:
			delete(l.sizes, p)
		default:
			l.sizes[p] = lk.size
		}
	}
	replaced := maps.Clone(l.replaced)
	if l.hasReady {
		for _, p := range l.ready.Paths {
			l.pending[p] = true
		}
		for _, r := range l.ready.Replaced {
			replaced[r] = true
		}
	}
	for r := range l.gone {
		delete(replaced, r)
	}
	l.ready = Batch{
		Paths:    slices.Sorted(maps.Keys(l.pending)),
		Rescan:   l.rescan || l.ready.Rescan,
		Gone:     slices.Sorted(maps.Keys(l.gone)),
		Replaced: slices.Sorted(maps.Keys(replaced)),
	}
	if len(l.ready.Gone) == 0 {
		l.ready.Gone = nil
	}
	if len(l.ready.Replaced) == 0 {
		l.ready.Replaced = nil
	}
	l.hasReady = true
	clear(l.pending)
	clear(l.replaced)
	l.rescan = false
}

// hold returns how much longer the batch must wait for its suspect files:
// those missing, or shorter than at the last batch. A file that has looked
// the same for Grace is taken as it is (deleted, or really shortened); one
// that changes again starts its grace anew; one that is whole again is no
// suspect. Zero means the batch may go.
func (l *loop) hold(looks map[string]look, now time.Time) time.Duration {
	var wait time.Duration
	for p, lk := range looks {
		size, known := l.sizes[p]
		if lk.dir || lk.exists && (!known || lk.size >= size) {
			delete(l.suspect, p)
			continue
		}
		s, ok := l.suspect[p]
		if !ok || s.look != lk {
			s = suspect{look: lk, since: now}
			l.suspect[p] = s
		}
		wait = max(wait, s.since.Add(l.opts.Grace).Sub(now))
	}
	return wait
}

// lookAt sees what is at p now.
func lookAt(p string) look {
	fi, err := os.Lstat(p)
	if err != nil {
		return look{}
	}
	return look{exists: true, dir: fi.IsDir(), size: fi.Size()}
}
