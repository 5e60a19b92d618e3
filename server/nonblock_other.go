//go:build !unix

package server

// oNonblock is 0 where open(2) has no O_NONBLOCK (Windows has no FIFOs in
// a folder); the lstat before the open still refuses special files.
const oNonblock = 0
