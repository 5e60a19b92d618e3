package watch

import "time"

// clock is where a Watcher gets its time: the wall clock in use, a clock
// the test moves by hand in the tests of debounce and grace timing (see
// clock_test.go), so that a loaded machine cannot split a batch or make a
// grace period look over.
type clock interface {
	Now() time.Time
	NewTimer(d time.Duration) timer
	NewTicker(d time.Duration) ticker
}

// timer is the part of time.Timer a Watcher uses. As with time.Timer since
// Go 1.23, no stale time is received after Reset or Stop.
type timer interface {
	C() <-chan time.Time
	Reset(d time.Duration)
	Stop()
}

type ticker interface {
	C() <-chan time.Time
	Stop()
}

// wallClock is the clock of time.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) NewTimer(d time.Duration) timer { return wallTimer{time.NewTimer(d)} }

func (wallClock) NewTicker(d time.Duration) ticker { return wallTicker{time.NewTicker(d)} }

type wallTimer struct{ t *time.Timer }

func (t wallTimer) C() <-chan time.Time   { return t.t.C }
func (t wallTimer) Reset(d time.Duration) { t.t.Reset(d) }
func (t wallTimer) Stop()                 { t.t.Stop() }

type wallTicker struct{ t *time.Ticker }

func (t wallTicker) C() <-chan time.Time { return t.t.C }
func (t wallTicker) Stop()               { t.t.Stop() }
