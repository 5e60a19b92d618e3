package watch_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podium-talks/podium/server/watch"
)

const (
	// debounce is the tests' debounce, on the fake clock: a save performed
	// by the test is never split, however slow the machine, because the
	// clock stands still until the test has seen the Watcher take the save.
	debounce = 100 * time.Millisecond

	// patience bounds waiting for something that must happen (the Watcher
	// taking an event, a batch that is ready). Generous: it costs nothing
	// when it happens and only a slow failure when it does not.
	patience = 10 * time.Second
)

// talk is a temporary talk folder under watch, on a fake clock.
type talk struct {
	tb    testing.TB
	dir   string
	w     *watch.Watcher
	clock watch.Clock
	opts  watch.Options

	// polling: the Watcher polls (from the start or since a fallback), so
	// fences are not seen and time must pass for a change to be seen.
	polling bool

	mu     sync.Mutex
	seen   map[string]bool // fence names the Watcher has handled
	signal chan struct{}
	fences int
}

// newTalk creates a talk folder holding the given files (each with its own
// name as content) and watches it with opts, using debounce unless opts sets
// one.
func newTalk(tb testing.TB, opts watch.Options, files ...string) *talk {
	tb.Helper()
	k := &talk{tb: tb, dir: tb.TempDir()}
	for _, f := range files {
		k.write(f, f)
	}
	k.watch(opts, k.dir)
	return k
}

func (k *talk) watch(opts watch.Options, roots ...string) {
	k.tb.Helper()
	if opts.Debounce == 0 {
		opts.Debounce = debounce
	}
	k.seen, k.signal = map[string]bool{}, make(chan struct{}, 1)
	k.clock = watch.NewClock(k.tb)
	k.polling = opts.Poll
	opts = watch.WithClock(opts, k.clock)
	opts = watch.WithTrace(opts, func(name string) {
		if !strings.HasPrefix(filepath.Base(name), ".fence-") {
			return
		}
		k.mu.Lock()
		k.seen[filepath.Base(name)] = true
		k.mu.Unlock()
		select {
		case k.signal <- struct{}{}:
		default:
		}
	})
	k.opts = opts
	w, err := watch.New(roots, opts)
	if err != nil {
		k.tb.Fatalf("watch.New: %v", err)
	}
	k.w = w
	k.clock.Attach(w)
	k.tb.Cleanup(func() {
		if err := w.Close(); err != nil {
			k.tb.Errorf("Close: %v", err)
		}
	})
}

// fence returns once the Watcher has handled every event of what the test
// did before: it creates a hidden file beside the talk folder (in the root's
// parent, which the Watcher watches for the root alone) and waits for the
// Watcher to see it. inotify reports a watcher's events in order.
func (k *talk) fence() {
	k.tb.Helper()
	if k.polling {
		return
	}
	k.fences++
	name := fmt.Sprintf(".fence-%d", k.fences)
	k.check(os.WriteFile(filepath.Join(filepath.Dir(k.dir), name), nil, 0o644))
	deadline := time.After(patience)
	for {
		k.mu.Lock()
		ok := k.seen[name]
		k.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-k.signal:
		case <-deadline:
			k.tb.Fatalf("the watcher did not see %s within %v", name, patience)
		}
	}
}

// flush lets the Watcher see what the test did and lets its clock run until
// it waits for nothing: afterwards, every batch the test's actions make is
// ready.
func (k *talk) flush() {
	k.tb.Helper()
	k.fence()
	if k.polling {
		k.clock.Advance(k.opts.PollInterval)
	}
	k.clock.Flush()
}

// pass lets d go by on the Watcher's clock, after it has seen what the test
// did: debounce and grace timers due meanwhile fire, later ones do not.
func (k *talk) pass(d time.Duration) {
	k.tb.Helper()
	k.fence()
	k.clock.Advance(d)
}

// path turns a slash-separated name relative to the talk into the absolute
// path batches report.
func (k *talk) path(rel string) string { return filepath.Join(k.dir, filepath.FromSlash(rel)) }

func (k *talk) paths(rels ...string) []string {
	ps := make([]string, len(rels))
	for i, r := range rels {
		ps[i] = k.path(r)
	}
	slices.Sort(ps)
	return ps
}

func (k *talk) write(rel, content string) {
	k.tb.Helper()
	p := k.path(rel)
	k.check(os.MkdirAll(filepath.Dir(p), 0o755))
	k.check(os.WriteFile(p, []byte(content), 0o644))
}

func (k *talk) read(rel string) string {
	k.tb.Helper()
	b, err := os.ReadFile(k.path(rel))
	k.check(err)
	return string(b)
}

func (k *talk) rename(from, to string) { k.tb.Helper(); k.check(os.Rename(k.path(from), k.path(to))) }
func (k *talk) remove(rel string)      { k.tb.Helper(); k.check(os.Remove(k.path(rel))) }
func (k *talk) mkdir(rel string)       { k.tb.Helper(); k.check(os.MkdirAll(k.path(rel), 0o755)) }

// create makes a new file with O_EXCL, as editors create their scaffolding.
func (k *talk) create(rel, content string) {
	k.tb.Helper()
	f, err := os.OpenFile(k.path(rel), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	k.check(err)
	_, err = f.WriteString(content)
	k.check(err)
	k.check(f.Close())
}

// rewrite opens an existing file with O_TRUNC and writes content in chunks,
// the way a save in place does.
func (k *talk) rewrite(rel string, chunks ...string) {
	k.tb.Helper()
	f, err := os.OpenFile(k.path(rel), os.O_WRONLY|os.O_TRUNC, 0)
	k.check(err)
	for _, c := range chunks {
		_, err = f.WriteString(c)
		k.check(err)
	}
	k.check(f.Sync())
	k.check(f.Close())
}

func (k *talk) check(err error) {
	k.tb.Helper()
	if err != nil {
		k.tb.Fatal(err)
	}
}

// next returns the batch the test's actions made.
func (k *talk) next() watch.Batch {
	k.tb.Helper()
	k.flush()
	return k.take()
}

// take receives the batch that is ready.
func (k *talk) take() watch.Batch {
	k.tb.Helper()
	if ready, _ := k.w.Probe(); !ready {
		k.tb.Fatal("no batch")
	}
	select {
	case b, ok := <-k.w.Batches():
		if !ok {
			k.tb.Fatal("Batches closed")
		}
		return b
	case <-time.After(patience):
		k.tb.Fatalf("a ready batch was not sent within %v", patience)
	}
	panic("unreachable")
}

// none asserts that the test's actions make no batch.
func (k *talk) none() {
	k.tb.Helper()
	k.flush()
	if ready, _ := k.w.Probe(); ready {
		k.tb.Fatalf("unexpected batch %v", k.rel(k.take()))
	}
}

// noneFor asserts that no batch comes while d passes on the Watcher's clock.
func (k *talk) noneFor(d time.Duration) {
	k.tb.Helper()
	k.fence()
	k.clock.Advance(d)
	k.clock.Flush()
	if ready, _ := k.w.Probe(); ready {
		k.tb.Fatalf("unexpected batch %v", k.rel(k.take()))
	}
}

// one asserts that the test's actions make exactly one batch.
func (k *talk) one() watch.Batch {
	k.tb.Helper()
	b := k.next()
	k.none()
	return b
}

// settle returns what the test's actions changed, however many batches
// they took (a fallback to polling may take two).
func (k *talk) settle() (paths []string, rescan bool) {
	k.tb.Helper()
	b := k.next()
	for {
		paths = append(paths, b.Paths...)
		rescan = rescan || b.Rescan
		k.flush()
		if ready, _ := k.w.Probe(); !ready {
			slices.Sort(paths)
			return slices.Compact(paths), rescan
		}
		b = k.take()
	}
}

// rel shows a batch with paths relative to the talk, for failure messages;
// long batches are cut short.
func (k *talk) rel(b watch.Batch) []string {
	const most = 10
	out := make([]string, 0, most+2)
	for i, p := range b.Paths {
		if i == most {
			out = append(out, fmt.Sprintf("… (%d paths)", len(b.Paths)))
			break
		}
		r, err := filepath.Rel(k.dir, p)
		if err != nil {
			r = p
		}
		out = append(out, filepath.ToSlash(r))
	}
	if b.Rescan {
		out = append(out, "(rescan)")
	}
	return out
}
