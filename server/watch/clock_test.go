package watch

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when a test advances it. Its timers
// fire by a send on an unbuffered channel, so Advance returns only once the
// Watcher has taken each firing; with Watcher.Sync after it, the Watcher has
// also acted on it.
type fakeClock struct {
	tb     testing.TB
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	sync   func() // waits until the watcher has acted on a firing
}

type fakeTimer struct {
	c      *fakeClock
	ch     chan time.Time
	at     time.Time
	armed  bool
	period time.Duration // tickers
}

func newFakeClock(tb testing.TB) *fakeClock {
	return &fakeClock{tb: tb, now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), sync: func() {}}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) timer {
	return c.add(&fakeTimer{c: c, ch: make(chan time.Time)}, d)
}

func (c *fakeClock) NewTicker(d time.Duration) ticker {
	return c.add(&fakeTimer{c: c, ch: make(chan time.Time), period: d}, d)
}

func (c *fakeClock) add(t *fakeTimer, d time.Duration) *fakeTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t.at, t.armed = c.now.Add(d), true
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Reset(d time.Duration) {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	t.at, t.armed = t.c.now.Add(d), true
}

func (t *fakeTimer) Stop() {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	t.armed = false
}

// next returns the earliest armed timer due by until (tickers only when
// ticks is set), or nil.
func (c *fakeClock) next(until time.Time, ticks bool) *fakeTimer {
	var due []*fakeTimer
	for _, t := range c.timers {
		if t.armed && !t.at.After(until) && (ticks || t.period == 0) {
			due = append(due, t)
		}
	}
	if len(due) == 0 {
		return nil
	}
	return slices.MinFunc(due, func(a, b *fakeTimer) int { return a.at.Compare(b.at) })
}

// Advance moves the clock forward by d, firing every timer and ticker that
// falls due on the way, in order.
func (c *fakeClock) Advance(d time.Duration) {
	c.tb.Helper()
	c.mu.Lock()
	until := c.now.Add(d)
	c.mu.Unlock()
	for c.fire(until, true) {
	}
	c.mu.Lock()
	c.now = until
	c.mu.Unlock()
}

// Flush fires timers (not tickers) until none is armed: whatever the
// Watcher is waiting for (debounce, grace) is over.
func (c *fakeClock) Flush() {
	c.tb.Helper()
	for c.fire(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), false) {
	}
}

// fire fires the earliest timer due by until and reports whether there
// was one.
func (c *fakeClock) fire(until time.Time, ticks bool) bool {
	c.tb.Helper()
	c.mu.Lock()
	t := c.next(until, ticks)
	if t == nil {
		c.mu.Unlock()
		return false
	}
	if t.at.After(c.now) {
		c.now = t.at
	}
	now := c.now
	if t.period > 0 {
		t.at = t.at.Add(t.period)
	} else {
		t.armed = false
	}
	c.mu.Unlock()
	select {
	case t.ch <- now:
	case <-time.After(10 * time.Second):
		c.tb.Fatalf("the watcher took no timer firing in 10s")
	}
	c.sync()
	return true
}
