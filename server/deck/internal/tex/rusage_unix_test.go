//go:build unix

package tex

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) the process has used: on a
// shared, noisy machine it says more about a benchmark than the wall clock.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
