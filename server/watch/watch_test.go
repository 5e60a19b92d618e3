package watch_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/podium-talks/podium/server/watch"
)

const chapter = "02-standards.md"

// smallTalk lists the files of a small talk: a few chapters, an image
// folder, a git folder.
func smallTalk() []string {
	return []string{"01-intro.md", chapter, "03-outro.md", "img/logo.svg", ".git/HEAD"}
}

// vimSave performs what vim 9 does on ":w" of a chapter it has open, with
// 'writebackup' on (the default): the swap file appears when the file is
// opened, a backup exists only during the write, the swap goes on quit.
func vimSave(k *talk, backupcopy, swap string) {
	k.create(swap, "b0VIM 9.1")
	k.rewrite(swap, "b0VIM 9.1", " page 1")
	if backupcopy == "auto" {
		// Can vim create files here with the same owner? Probe with 4913.
		k.create("4913", "")
		k.remove("4913")
	}
	switch backupcopy {
	case "yes":
		// Copy to the backup, then overwrite the original in place: the
		// file's inode never changes, and there is no Create event.
		k.create(chapter+"~", k.read(chapter))
		k.check(os.Chmod(k.path(chapter+"~"), 0o644))
		k.rewrite(chapter, "# Standards\n", "edited by vim\n")
	default:
		// Rename the original away and write a new file: vim never sends a
		// Write to the original's inode.
		k.rename(chapter, chapter+"~")
		k.create(chapter, "# Standards\nedited by vim\n")
		k.check(os.Chmod(k.path(chapter), 0o644))
	}
	k.rewrite(swap, "b0VIM 9.1", " page 2")
	k.remove(chapter + "~")
	k.remove(swap)
}

// TestSavePatterns: each way an editor or tool saves gives exactly one batch,
// naming exactly the chapters it changed.
func TestSavePatterns(t *testing.T) {
	const edited = "# Standards\nedited\n"
	tests := []struct {
		name string
		save func(k *talk)
		want []string // relative to the talk; the batch must equal it
	}{
		{"in place (O_TRUNC write)", func(k *talk) {
			k.check(os.WriteFile(k.path(chapter), []byte(edited), 0o644))
		}, []string{chapter}},
		{"in place in chunks (VS Code, nano)", func(k *talk) {
			k.rewrite(chapter, "# Standards\n", "edited\n")
		}, []string{chapter}},
		{"hidden temp renamed over (atomic writers)", func(k *talk) {
			k.create("."+chapter+".tmp4711", edited)
			k.rename("."+chapter+".tmp4711", chapter)
		}, []string{chapter}},
		{"JetBrains safe write", func(k *talk) {
			k.create(chapter+"___jb_tmp___", edited)
			k.rename(chapter, chapter+"___jb_old___")
			k.rename(chapter+"___jb_tmp___", chapter)
			k.remove(chapter + "___jb_old___")
		}, []string{chapter}},
		{"gedit .goutputstream", func(k *talk) {
			k.create(".goutputstream-3KQ7Z2", edited)
			k.rename(".goutputstream-3KQ7Z2", chapter)
		}, []string{chapter}},
		{"remove then create", func(k *talk) {
			k.remove(chapter)
			k.create(chapter, edited)
		}, []string{chapter}},
		{"vim backupcopy=yes", func(k *talk) {
			vimSave(k, "yes", "."+chapter+".swp")
		}, []string{chapter}},
		{"vim backupcopy=no", func(k *talk) {
			vimSave(k, "no", "."+chapter+".swp")
		}, []string{chapter}},
		{"vim backupcopy=auto", func(k *talk) {
			vimSave(k, "auto", "."+chapter+".swp")
		}, []string{chapter}},
		{"vim, second instance (.swx swap)", func(k *talk) {
			k.create("."+chapter+".swp", "b0VIM 9.1")
			vimSave(k, "auto", "."+chapter+".swx")
			k.remove("." + chapter + ".swp")
		}, []string{chapter}},
		{"emacs (lock, auto-save, backup by rename)", func(k *talk) {
			k.check(os.Symlink("ada@host.4242:1700000000", k.path(".#"+chapter)))
			k.create("#"+chapter+"#", edited)
			k.rename(chapter, chapter+"~")
			k.create(chapter, edited)
			k.remove("#" + chapter + "#")
			k.remove(".#" + chapter)
		}, []string{chapter}},
		{"sed -i", func(k *talk) {
			k.create("sedK3xQ9a", strings.ToUpper(k.read(chapter)))
			k.rename("sedK3xQ9a", chapter)
		}, []string{chapter}},
		{"git checkout of several chapters", func(k *talk) {
			// git unlinks each file and creates it anew, under index.lock.
			k.create(".git/index.lock", "DIRC")
			for _, c := range []string{"01-intro.md", chapter, "03-outro.md"} {
				k.remove(c)
				k.create(c, "from another branch: "+c)
			}
			k.rename(".git/index.lock", ".git/index")
		}, []string{"01-intro.md", chapter, "03-outro.md"}},
		{"git stash (in place, plus a new file removed)", func(k *talk) {
			k.write("01-intro.md", "stashed")
			k.write("img/logo.svg", "<svg/>")
			k.remove("03-outro.md")
		}, []string{"01-intro.md", "03-outro.md", "img/logo.svg"}},
		{"new chapter", func(k *talk) {
			k.create("04-questions.md", "# Questions?\n")
		}, []string{"04-questions.md"}},
		{"deleted chapter", func(k *talk) {
			k.remove(chapter)
		}, []string{chapter}},
		{"renamed chapter", func(k *talk) {
			k.rename(chapter, "02-standards-and-practice.md")
		}, []string{chapter, "02-standards-and-practice.md"}},
		{"image in a subfolder", func(k *talk) {
			k.create("img/.logo.svg.tmp", "<svg/>")
			k.rename("img/.logo.svg.tmp", "img/logo.svg")
		}, []string{"img/logo.svg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := newTalk(t, watch.Options{}, smallTalk()...)
			tt.save(k)
			b := k.one()
			if want := k.paths(tt.want...); !slices.Equal(b.Paths, want) || b.Rescan {
				t.Errorf("batch = %v, want %v", k.rel(b), tt.want)
			}
		})
	}
}

// TestNoise: attribute changes and editor scaffolding alone send nothing.
func TestNoise(t *testing.T) {
	tests := []struct {
		name  string
		noise func(k *talk)
	}{
		{"chmod", func(k *talk) { k.check(os.Chmod(k.path(chapter), 0o600)) }},
		{"touch", func(k *talk) {
			k.check(os.Chtimes(k.path(chapter), time.Now(), time.Now()))
		}},
		{"vim opens and quits", func(k *talk) {
			k.create("."+chapter+".swp", "b0VIM 9.1")
			k.rewrite("."+chapter+".swp", "b0VIM 9.1 page 2")
			k.remove("." + chapter + ".swp")
		}},
		{"vim probe 4913", func(k *talk) { k.create("4913", ""); k.remove("4913") }},
		{"backup~", func(k *talk) { k.create(chapter+"~", "old"); k.remove(chapter + "~") }},
		{"emacs lock and auto-save", func(k *talk) {
			k.check(os.Symlink("ada@host.4242", k.path(".#"+chapter)))
			k.create("#"+chapter+"#", "draft")
			k.remove("#" + chapter + "#")
			k.remove(".#" + chapter)
		}},
		{"JetBrains temp", func(k *talk) {
			k.create(chapter+"___jb_tmp___", "x")
			k.remove(chapter + "___jb_tmp___")
		}},
		{"git internals", func(k *talk) {
			k.write(".git/objects/ab/cdef", "blob")
			k.write(".git/HEAD", "ref: refs/heads/main")
		}},
		{"hidden folder created", func(k *talk) { k.write(".cache/thumbs/a.png", "png") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := newTalk(t, watch.Options{}, smallTalk()...)
			tt.noise(k)
			k.none()
			// And the watcher still works afterwards.
			k.write(chapter, "after the noise")
			if b := k.one(); !slices.Equal(b.Paths, k.paths(chapter)) {
				t.Errorf("batch = %v, want [%s]", k.rel(b), chapter)
			}
		})
	}
}

// TestEverySaveSeen: 100 saves in a row, each after the last one's batch,
// give 100 batches, and reading the chapter on each batch shows each version.
func TestEverySaveSeen(t *testing.T) {
	k := newTalk(t, watch.Options{Debounce: 50 * time.Millisecond}, smallTalk()...)
	for i := range 100 {
		want := fmt.Sprintf("# Standards\nversion %d\n", i)
		if i%2 == 0 {
			k.write(chapter, want)
		} else {
			k.create(".tmp-save", want)
			k.rename(".tmp-save", chapter)
		}
		b := k.next()
		if !slices.Equal(b.Paths, k.paths(chapter)) {
			t.Fatalf("save %d: batch = %v", i, k.rel(b))
		}
		if got := k.read(chapter); got != want {
			t.Fatalf("save %d: read %q after the batch, want %q", i, got, want)
		}
	}
	k.none()
}

// TestCheckoutOf500Files: a change to 500 files at once is one batch.
func TestCheckoutOf500Files(t *testing.T) {
	var files []string
	for i := range 500 {
		files = append(files, fmt.Sprintf("part%d/%03d-slide.md", i%5, i))
	}
	k := newTalk(t, watch.Options{}, files...)
	for i, f := range files {
		if i%2 == 0 {
			k.write(f, "checked out")
		} else {
			k.remove(f)
			k.create(f, "checked out")
		}
	}
	b := k.one()
	if want := k.paths(files...); !slices.Equal(b.Paths, want) {
		t.Errorf("batch has %d paths, want the %d files", len(b.Paths), len(want))
	}
}

// TestNewFolders: folders created after the start are watched, including
// files written into them before their watch could exist.
func TestNewFolders(t *testing.T) {
	k := newTalk(t, watch.Options{}, smallTalk()...)

	k.mkdir("figures")
	if b := k.one(); !slices.Equal(b.Paths, k.paths("figures")) {
		t.Errorf("mkdir: batch = %v, want [figures]", k.rel(b))
	}
	k.write("figures/chart.svg", "<svg/>")
	if b := k.one(); !slices.Equal(b.Paths, k.paths("figures/chart.svg")) {
		t.Errorf("write: batch = %v, want [figures/chart.svg]", k.rel(b))
	}

	// mkdir -p and a write right away: the file lands before the watcher
	// can watch the new folders; it must be reported all the same.
	k.write("a/b/c/deep.md", "deep")
	paths, _ := k.settle()
	if !slices.Contains(paths, k.path("a/b/c/deep.md")) {
		t.Errorf("mkdir -p and write: batches = %v, want a/b/c/deep.md among them", paths)
	}
	k.write("a/b/c/deep.md", "deeper")
	if b := k.one(); !slices.Equal(b.Paths, k.paths("a/b/c/deep.md")) {
		t.Errorf("rewrite: batch = %v, want [a/b/c/deep.md]", k.rel(b))
	}

	// Only files are judged by Ignored: a folder named like vim's probe
	// file, or like a backup, is a folder of the talk.
	for _, dir := range []string{"2024", "drafts~"} {
		k.mkdir(dir)
		k.one()
		k.write(dir+"/photo.png", "png")
		if b := k.one(); !slices.Equal(b.Paths, k.paths(dir+"/photo.png")) {
			t.Errorf("write in %s: batch = %v, want [%s/photo.png]", dir, k.rel(b), dir)
		}
	}
}

// TestRenamedFolder: files in a renamed folder are reported under its new
// name, and the old name is not watched any more.
func TestRenamedFolder(t *testing.T) {
	k := newTalk(t, watch.Options{}, "img/logo.svg", "img/icons/a.svg", chapter)
	k.rename("img", "pictures")
	if b := k.one(); !slices.Equal(b.Paths, k.paths("img", "pictures", "pictures/icons", "pictures/icons/a.svg", "pictures/logo.svg")) {
		t.Errorf("rename: batch = %v, want the old folder and everything under the new one", k.rel(b))
	}
	k.write("pictures/icons/a.svg", "<svg>new</svg>")
	if b := k.one(); !slices.Equal(b.Paths, k.paths("pictures/icons/a.svg")) {
		t.Errorf("write after rename: batch = %v, want [pictures/icons/a.svg]", k.rel(b))
	}
	k.mkdir("img")
	k.one()
	k.write("img/new.svg", "<svg/>")
	if b := k.one(); !slices.Equal(b.Paths, k.paths("img/new.svg")) {
		t.Errorf("write in a new folder of the old name: batch = %v, want [img/new.svg]", k.rel(b))
	}
}

// TestDeletedFolder: removing a folder reports it, and recreating it works.
func TestDeletedFolder(t *testing.T) {
	k := newTalk(t, watch.Options{}, "img/logo.svg", chapter)
	k.check(os.RemoveAll(k.path("img")))
	if b := k.one(); !slices.Equal(b.Paths, k.paths("img", "img/logo.svg")) {
		t.Errorf("rm -r: batch = %v, want [img img/logo.svg]", k.rel(b))
	}
	k.write("img/logo.svg", "<svg/>")
	if paths, _ := k.settle(); !slices.Contains(paths, k.path("img/logo.svg")) {
		t.Errorf("recreate: batches = %v, want img/logo.svg", paths)
	}
}

// TestTwoRoots: the deck folder and the themes folder are watched together.
func TestTwoRoots(t *testing.T) {
	deck, themes := t.TempDir(), t.TempDir()
	k := &talk{tb: t, dir: deck}
	k.write(chapter, "deck")
	t2 := &talk{tb: t, dir: themes}
	t2.write("dark/theme.css", "body{}")
	k.watch(watch.Options{}, deck, themes, deck) // a duplicate root is harmless
	t2.write("dark/theme.css", "body{color:white}")
	if b := k.one(); !slices.Equal(b.Paths, t2.paths("dark/theme.css")) {
		t.Errorf("batch = %v, want [%s]", b.Paths, t2.path("dark/theme.css"))
	}
}

// TestOverflow: when the kernel's queue overflows, the next batch asks for a
// rescan.
func TestOverflow(t *testing.T) {
	k := newTalk(t, watch.Options{}, smallTalk()...)
	k.w.Overflow()
	if b := k.one(); !b.Rescan {
		t.Errorf("batch = %v, want a rescan", k.rel(b))
	}
	// Every folder is watched afresh.
	for _, f := range []string{chapter, "img/logo.svg"} {
		k.write(f, "still watching")
		if b := k.one(); b.Rescan || !slices.Equal(b.Paths, k.paths(f)) {
			t.Errorf("batch = %v, want [%s]", k.rel(b), f)
		}
	}
}

// TestSlowConsumer: batches the consumer was too slow to take are merged,
// never dropped, and the watcher keeps reading events meanwhile.
func TestSlowConsumer(t *testing.T) {
	k := newTalk(t, watch.Options{}, smallTalk()...)
	for _, f := range []string{"01-intro.md", chapter, "03-outro.md"} {
		k.write(f, "edited")
		k.flush() // a batch is ready, and not taken
	}
	if b := k.one(); !slices.Equal(b.Paths, k.paths("01-intro.md", chapter, "03-outro.md")) {
		t.Errorf("batch = %v, want all three chapters", k.rel(b))
	}
}

// TestPolling: the poller reports writes, creations and deletions, ignores
// the same noise, and watches new folders.
func TestPolling(t *testing.T) {
	k := newTalk(t, watch.Options{Poll: true, PollInterval: 20 * time.Millisecond}, smallTalk()...)
	steps := []struct {
		name string
		do   func()
		want []string
	}{
		{"write", func() { k.write(chapter, "a longer version of the chapter") }, []string{chapter}},
		{"create", func() { k.create("04-new.md", "new") }, []string{"04-new.md"}},
		{"delete", func() { k.remove("01-intro.md") }, []string{"01-intro.md"}},
		{"rename over", func() {
			k.create("."+chapter+".tmp", "renamed over")
			k.rename("."+chapter+".tmp", chapter)
		}, []string{chapter}},
		{"new folder", func() { k.write("figures/chart.svg", "<svg/>") }, []string{"figures", "figures/chart.svg"}},
	}
	for _, s := range steps {
		s.do()
		paths, rescan := k.settle()
		if !slices.Equal(paths, k.paths(s.want...)) || rescan {
			t.Errorf("%s: batches = %v, want %v", s.name, paths, s.want)
		}
	}
	vimSave(k, "no", "."+chapter+".swp")
	if paths, _ := k.settle(); !slices.Equal(paths, k.paths(chapter)) {
		t.Errorf("vim: batches = %v, want [%s]", paths, chapter)
	}
	k.check(os.Chmod(k.path(chapter), 0o600))
	k.create(".x.swp", "")
	k.noneFor(10 * 20 * time.Millisecond)
}

// TestFallBackToPolling: when the kernel refuses watches, the watcher says so
// and polls.
func TestFallBackToPolling(t *testing.T) {
	noSpace := func(next func(string) error, dir string) error { return syscall.ENOSPC }

	t.Run("at start", func(t *testing.T) {
		var log syncBuffer
		opts := watch.WithAddHook(watch.Options{
			Logger:       slog.New(slog.NewTextHandler(&log, nil)),
			PollInterval: 20 * time.Millisecond,
		}, noSpace)
		k := newTalk(t, opts, smallTalk()...)
		k.polling = true
		k.noneFor(5 * 20 * time.Millisecond) // the first load needs no rescan
		if !strings.Contains(log.String(), "polling") {
			t.Errorf("no warning logged; log:\n%s", log.String())
		}
		k.write(chapter, "a longer version of the chapter")
		if paths, rescan := k.settle(); !slices.Equal(paths, k.paths(chapter)) || rescan {
			t.Errorf("batches = %v, rescan %v, want [%s]", paths, rescan, chapter)
		}
	})

	t.Run("when a new folder cannot be watched", func(t *testing.T) {
		var log syncBuffer
		var started atomic.Bool
		opts := watch.WithAddHook(watch.Options{
			Logger:       slog.New(slog.NewTextHandler(&log, nil)),
			PollInterval: 20 * time.Millisecond,
		}, func(next func(string) error, dir string) error {
			if started.Load() {
				return syscall.ENOSPC
			}
			return next(dir)
		})
		k := newTalk(t, opts, smallTalk()...)
		started.Store(true) // from now on, the kernel is out of watches
		k.mkdir("figures")
		// The fallback closes fsnotify, so no fence is seen: wait for the
		// Watcher to start its batch instead.
		for deadline := time.Now().Add(patience); ; time.Sleep(time.Millisecond) {
			if ready, waiting := k.w.Probe(); ready || waiting {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no batch started after mkdir")
			}
		}
		k.polling = true
		if b := k.next(); !b.Rescan {
			t.Errorf("batch = %v, want a rescan", k.rel(b))
		}
		if !strings.Contains(log.String(), "polling") {
			t.Errorf("no warning logged; log:\n%s", log.String())
		}
		k.write("figures/chart.svg", "<svg/>")
		if paths, _ := k.settle(); !slices.Contains(paths, k.path("figures/chart.svg")) {
			t.Errorf("batches = %v, want figures/chart.svg", paths)
		}
		k.write(chapter, "a longer version of the chapter")
		if paths, rescan := k.settle(); !slices.Equal(paths, k.paths(chapter)) || rescan {
			t.Errorf("batches = %v, rescan %v, want [%s]", paths, rescan, chapter)
		}
	})
}

// syncBuffer is a log destination the watcher's goroutine and the test may
// share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNewFails: a missing root or a file as a root is an error, not a watcher
// of nothing.
func TestNewFails(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/chapter.md"
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, roots := range [][]string{nil, {dir + "/missing"}, {file}, {dir, dir + "/missing"}} {
		if w, err := watch.New(roots, watch.Options{}); err == nil {
			w.Close()
			t.Errorf("New(%q) succeeded", roots)
		}
	}
}

// TestClose: Close ends every goroutine, closes Batches, and may be called
// again, concurrently, in either mode, even while events are arriving.
func TestClose(t *testing.T) {
	for _, poll := range []bool{false, true} {
		t.Run(fmt.Sprintf("poll=%v", poll), func(t *testing.T) {
			dir := t.TempDir()
			w, err := watch.New([]string{dir}, watch.Options{Poll: poll, PollInterval: time.Millisecond, Debounce: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			stop := make(chan struct{})
			var writer sync.WaitGroup
			writer.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
						os.WriteFile(fmt.Sprintf("%s/%d.md", dir, i%10), []byte(fmt.Sprint(i)), 0o644)
					}
				}
			})
			<-w.Batches() // the watcher is busy; later batches go unread

			var closers sync.WaitGroup
			for range 3 {
				closers.Go(func() {
					if err := w.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
				})
			}
			closers.Wait()
			close(stop)
			writer.Wait()
			for range w.Batches() {
				// At most a batch that was ready; then closed.
			}
			if err := w.Close(); err != nil {
				t.Errorf("Close again: %v", err)
			}
			noGoroutines(t, "server/watch.", "fsnotify.")
		})
	}
}

// noGoroutines fails if, after a grace period, a goroutine is still running
// code whose name contains one of the markers.
func noGoroutines(t *testing.T, markers ...string) {
	t.Helper()
	var stacks string
	for deadline := time.Now().Add(patience); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		buf := make([]byte, 1<<20)
		stacks = string(buf[:runtime.Stack(buf, true)])
		leaked := false
		for g := range strings.SplitSeq(stacks, "\n\n") {
			if strings.Contains(g, "noGoroutines") {
				continue
			}
			for _, m := range markers {
				leaked = leaked || strings.Contains(g, m)
			}
		}
		if !leaked {
			return
		}
	}
	t.Errorf("goroutines left after Close:\n%s", stacks)
}

// TestNoStarvation: a file rewritten without pause (a recording, an export in
// progress) does not hold batches back forever: the batch goes 2 s after its
// first change at the latest.
func TestNoStarvation(t *testing.T) {
	k := newTalk(t, watch.Options{}, smallTalk()...)
	const step = debounce / 2
	for i := 0; ; i++ {
		k.write("recording.log", fmt.Sprint(i))
		k.pass(step)
		if ready, _ := k.w.Probe(); ready {
			if b := k.take(); !slices.Contains(b.Paths, k.path("recording.log")) {
				t.Errorf("batch = %v, want recording.log", k.rel(b))
			}
			if waited := time.Duration(i+1) * step; waited < 2*time.Second || waited > 2*time.Second+step {
				t.Errorf("the batch went after %v of writes, want 2s", waited)
			}
			return
		}
		if i > 100 {
			t.Fatalf("no batch in %v of continuous writes", time.Duration(i)*step)
		}
	}
}

// TestHalfSaves: a chapter missing or shorter than before when the folder
// falls quiet is looked at again after the grace period; a save that passes
// through such a state is one batch of the whole file, never a batch of the
// half-saved one. Real deletions and cuts are sent after the grace period.
func TestHalfSaves(t *testing.T) {
	const whole = "# Standards\n\nOCI, CRI, CNI: the standards that made Kubernetes.\n"
	// held asserts that after d on the clock nothing is sent yet.
	held := func(k *talk, d time.Duration, what string) {
		t.Helper()
		k.pass(d)
		if ready, waiting := k.w.Probe(); ready || !waiting {
			t.Fatalf("%s: ready %v, waiting %v; want the batch held", what, ready, waiting)
		}
	}
	sent := func(k *talk, what string) {
		t.Helper()
		if ready, _ := k.w.Probe(); !ready {
			t.Fatalf("%s: no batch", what)
		}
		if b := k.take(); !slices.Equal(b.Paths, k.paths(chapter)) {
			t.Errorf("%s: batch = %v, want [%s]", what, k.rel(b), chapter)
		}
		k.none()
	}
	setup := func(t *testing.T) *talk {
		k := newTalk(t, watch.Options{}, smallTalk()...)
		k.write(chapter, whole)
		k.next()
		return k
	}

	t.Run("removed and recreated identically within 200 ms", func(t *testing.T) {
		k := setup(t)
		k.remove(chapter)
		held(k, 190*time.Millisecond, "removed")
		k.create(chapter, whole)
		k.flush()
		sent(k, "recreated")
		if got := k.read(chapter); got != whole {
			t.Errorf("read %q at the batch, want the whole chapter", got)
		}
	})

	t.Run("written in four chunks", func(t *testing.T) {
		k := setup(t)
		f, err := os.OpenFile(k.path(chapter), os.O_WRONLY|os.O_TRUNC, 0)
		k.check(err)
		for i, chunk := range chunks(whole, 4) {
			k.check2(f.WriteString(chunk))
			if i < 3 {
				held(k, 2*debounce, fmt.Sprintf("after chunk %d", i+1))
			}
		}
		k.check(f.Close())
		k.pass(debounce)
		sent(k, "after the last chunk")
	})

	t.Run("a real deletion waits the grace period", func(t *testing.T) {
		k := setup(t)
		k.remove(chapter)
		held(k, debounce+watch.DefaultGrace-time.Millisecond, "deleted")
		k.pass(time.Millisecond)
		sent(k, "deleted, grace over")
	})

	t.Run("a real cut waits the grace period", func(t *testing.T) {
		k := setup(t)
		k.write(chapter, "# Standards\n")
		held(k, debounce+watch.DefaultGrace-time.Millisecond, "cut")
		k.pass(time.Millisecond)
		sent(k, "cut, grace over")
	})

	t.Run("a file that keeps changing while short waits for it", func(t *testing.T) {
		k := setup(t)
		k.write(chapter, "")
		held(k, debounce+watch.DefaultGrace/2, "truncated")
		k.write(chapter, "# Stand")
		held(k, debounce+watch.DefaultGrace/2, "partly written")
		k.write(chapter, whole+"more\n")
		k.pass(debounce)
		sent(k, "whole and longer")
	})

	t.Run("a growing save goes after the debounce alone", func(t *testing.T) {
		k := setup(t)
		k.write(chapter, whole+"added\n")
		k.pass(debounce)
		sent(k, "grown")
	})
}

// chunks cuts s into n pieces.
func chunks(s string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, s[i*len(s)/n:(i+1)*len(s)/n])
	}
	return out
}

func (k *talk) check2(_ int, err error) { k.tb.Helper(); k.check(err) }

// TestRootReplaced: a talk folder moved away or deleted is reported gone;
// a folder made again under its name (or another one renamed there) is
// watched instead, reported as replaced, with a rescan.
func TestRootReplaced(t *testing.T) {
	for _, how := range []string{"mv", "rm -r"} {
		t.Run(how, func(t *testing.T) {
			k := newTalk(t, watch.Options{}, smallTalk()...)
			away := k.dir + ".old"
			if how == "mv" {
				k.check(os.Rename(k.dir, away))
			} else {
				k.check(os.RemoveAll(k.dir))
			}
			b := k.next()
			if !slices.Equal(b.Gone, []string{k.dir}) || b.Replaced != nil {
				t.Fatalf("after %s: gone %v, replaced %v; want gone [%s]", how, b.Gone, b.Replaced, k.dir)
			}
			k.none()
			if how == "mv" {
				// The old folder, elsewhere now, is not watched any more.
				k.check(os.WriteFile(filepath.Join(away, chapter), []byte("edited away"), 0o644))
				k.none()
			}

			k.mkdir(".")
			k.write(chapter, "# New folder\n")
			paths, rescan := k.settle()
			if !rescan || !slices.Contains(paths, k.path(chapter)) {
				t.Errorf("after mkdir: paths %v, rescan %v; want %s and a rescan", paths, rescan, chapter)
			}
			k.write(chapter, "# New folder, edited\n")
			if b := k.one(); !slices.Equal(b.Paths, k.paths(chapter)) || b.Gone != nil || b.Replaced != nil {
				t.Errorf("edit in the new folder: %v, gone %v, replaced %v", k.rel(b), b.Gone, b.Replaced)
			}
		})
	}

	t.Run("swapped within the grace period", func(t *testing.T) {
		k := newTalk(t, watch.Options{}, smallTalk()...)
		fresh := k.dir + ".new"
		k.check(os.CopyFS(fresh, os.DirFS(k.dir)))
		k.check(os.Rename(k.dir, k.dir+".old"))
		k.check(os.Rename(fresh, k.dir))
		b := k.one()
		if b.Gone != nil || !slices.Equal(b.Replaced, []string{k.dir}) || !b.Rescan {
			t.Errorf("gone %v, replaced %v, rescan %v; want replaced [%s] and a rescan", b.Gone, b.Replaced, b.Rescan, k.dir)
		}
		k.write("img/logo.svg", "<svg>new</svg>")
		if b := k.one(); !slices.Equal(b.Paths, k.paths("img/logo.svg")) {
			t.Errorf("edit in the swapped-in folder: %v", k.rel(b))
		}
	})
}
