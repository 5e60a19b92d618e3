//go:build unix

package main

import "syscall"

// raiseOpenFiles raises the soft limit on open files to the hard limit
// (every audience phone holds one descriptor) and returns the limit now
// in force and the one found. Go raises it at start on some systems
// already; doing it here makes it explicit and tells us the figure.
func raiseOpenFiles() (now, was uint64, err error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, 0, err
	}
	was = lim.Cur
	if lim.Cur < lim.Max {
		want := lim
		want.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err == nil {
			lim = want
		} else if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return was, was, err
		}
	}
	return lim.Cur, was, nil
}
