// Package browsertest is the old path of internal/browsertest, which
// moved to the module's root so that cmd/podium's tests can drive pages
// too (Go lets only server/... import server/internal/...). Each name here
// is the one in internal/browsertest (one browser per test binary, one
// owner of the code); nothing is defined twice.
//
// Deprecated: import github.com/podium-talks/podium/internal/browsertest.
// Only server/export's tests still use this path, until the export work
// in progress there merges; then switch their import and delete this
// package.
package browsertest

import (
	"context"
	"testing"

	bt "github.com/podium-talks/podium/internal/browsertest"
)

// Timeout is browsertest.Timeout.
const Timeout = bt.Timeout

// Size is browsertest.Size.
type Size = bt.Size

// The names of internal/browsertest.
var (
	DesktopSize   = bt.DesktopSize
	PhoneSize     = bt.PhoneSize
	FindBrowser   = bt.FindBrowser
	Main          = bt.Main
	New           = bt.New
	Browser       = bt.Browser
	Tab           = bt.Tab
	Isolated      = bt.Isolated
	Viewport      = bt.Viewport
	Do            = bt.Do
	WaitFor       = bt.WaitFor
	Screenshot    = bt.Screenshot
	Fail          = bt.Fail
	Key           = bt.Key
	Swipe         = bt.Swipe
	ReducedMotion = bt.ReducedMotion
	WatchConsole  = bt.WatchConsole
	ServerAway    = bt.ServerAway
)

// Eval is browsertest.Eval (a generic function has no value to forward).
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	return bt.Eval[T](t, ctx, expr)
}
