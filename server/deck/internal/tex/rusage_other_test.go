//go:build !unix

package tex

import "time"

func cpuTime() (time.Duration, bool) { return 0, false }
