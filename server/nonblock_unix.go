//go:build unix

package server

import "syscall"

// oNonblock makes open(2) of a FIFO return at once instead of waiting for
// a writer; regular files ignore it.
const oNonblock = syscall.O_NONBLOCK
