//go:build !unix

package deck

import "time"

func cpuTime() (time.Duration, bool) { return 0, false }
