package watch

import (
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WithAddHook returns opts with every fsnotify Add routed through hook, which
// may call next or fail the way the kernel does when it runs out of watches.
func WithAddHook(opts Options, hook func(next func(dir string) error, dir string) error) Options {
	opts.addHook = hook
	return opts
}

// Overflow makes fsnotify report a queue overflow, as inotify does when more
// events arrive than its queue holds (fs.inotify.max_queued_events).
func (w *Watcher) Overflow() { w.fsw.Errors <- fsnotify.ErrEventOverflow }

// Clock is a clock the test moves by hand.
type Clock interface {
	Now() time.Time
	// Advance moves the clock by d, firing what falls due on the way.
	Advance(d time.Duration)
	// Flush fires timers until none is armed (tickers do not fire).
	Flush()
	// Attach makes each firing wait until w has acted on it.
	Attach(w *Watcher)
}

// NewClock returns a clock at a fixed date that moves only when told.
func NewClock(tb testing.TB) Clock { return newFakeClock(tb) }

func (c *fakeClock) Attach(w *Watcher) { c.sync = func() { w.Probe() } }

// WithClock returns opts with the Watcher's time taken from c.
func WithClock(opts Options, c Clock) Options {
	opts.clock = c.(*fakeClock)
	return opts
}

// WithTrace returns opts with trace called, on the Watcher's goroutine, with
// the name of every fsnotify event once it has been handled.
func WithTrace(opts Options, trace func(name string)) Options {
	opts.trace = trace
	return opts
}

// Probe waits for the Watcher to finish what it is doing and reports
// whether a batch waits for the consumer (ready) and whether changes are
// still collected or held (waiting).
func (w *Watcher) Probe() (ready, waiting bool) {
	reply := make(chan probe, 1)
	select {
	case w.probe <- reply:
		p := <-reply
		return p.ready, p.waiting
	case <-w.done:
		return false, false
	}
}
