package watch_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/podium-talks/podium/server/watch"
)

const (
	// debounce is longer than the default so that a save sequence performed
	// by the test (with -race, on a shared machine) is not split by a
	// scheduling hiccup. An editor's save takes microseconds to milliseconds.
	debounce = 100 * time.Millisecond

	// patience bounds waiting for a batch that must come. Generous: it costs
	// nothing when the batch arrives and only a slow failure when it does not.
	patience = 10 * time.Second
)

// talk is a temporary talk folder under watch.
type talk struct {
	tb  testing.TB
	dir string
	w   *watch.Watcher

	// quiet is how long "no further batch" must hold: well past the point
	// where a split or repeated batch would have been sent.
	quiet time.Duration
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
	k.quiet = 3 * opts.Debounce
	w, err := watch.New(roots, opts)
	if err != nil {
		k.tb.Fatalf("watch.New: %v", err)
	}
	k.w = w
	k.tb.Cleanup(func() {
		if err := w.Close(); err != nil {
			k.tb.Errorf("Close: %v", err)
		}
	})
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

// next waits for the next batch.
func (k *talk) next() watch.Batch {
	k.tb.Helper()
	select {
	case b, ok := <-k.w.Batches():
		if !ok {
			k.tb.Fatal("Batches closed")
		}
		return b
	case <-time.After(patience):
		k.tb.Fatalf("no batch within %v", patience)
	}
	panic("unreachable")
}

// none asserts that no batch arrives for the quiet window.
func (k *talk) none() {
	k.tb.Helper()
	k.noneFor(k.quiet)
}

func (k *talk) noneFor(d time.Duration) {
	k.tb.Helper()
	select {
	case b := <-k.w.Batches():
		k.tb.Fatalf("unexpected batch %v", k.rel(b))
	case <-time.After(d):
	}
}

// one asserts that exactly one batch arrives, then quiet.
func (k *talk) one() watch.Batch {
	k.tb.Helper()
	b := k.next()
	select {
	case b2 := <-k.w.Batches():
		k.tb.Fatalf("want one batch, got a second: %v after %v", k.rel(b2), k.rel(b))
	case <-time.After(k.quiet):
	}
	return b
}

// settle collects batches until the folder has been quiet for the window,
// waiting for at least one.
func (k *talk) settle() (paths []string, rescan bool) {
	k.tb.Helper()
	b := k.next()
	for {
		paths = append(paths, b.Paths...)
		rescan = rescan || b.Rescan
		select {
		case b = <-k.w.Batches():
		case <-time.After(k.quiet):
			slices.Sort(paths)
			return slices.Compact(paths), rescan
		}
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
