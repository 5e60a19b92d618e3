package server

import (
	"net"
	"net/netip"
	"sync"
)

// LimitListener wraps ln so that one client address holds at most max
// TCP connections at once (page and API requests, keep-alive connections
// and websockets alike); a connection beyond that is closed as soon as
// it is accepted. It keeps one address from using up the descriptors
// that the audience cap leaves to everyone else. Loopback peers (the
// speaker's machine, a reverse proxy on it) are not limited; max <= 0
// returns ln itself.
func LimitListener(ln net.Listener, max int) net.Listener {
	if max <= 0 {
		return ln
	}
	return &limitListener{Listener: ln, max: max, n: make(map[netip.Addr]int)}
}

type limitListener struct {
	net.Listener
	max int
	mu  sync.Mutex
	n   map[netip.Addr]int
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
		if err != nil || ap.Addr().Unmap().IsLoopback() {
			return c, nil
		}
		a := ap.Addr().Unmap()
		if a.Is6() {
			p, _ := a.Prefix(64) // as live.ClientIP: a host may use its whole /64
			a = p.Addr()
		}
		l.mu.Lock()
		if l.n[a] >= l.max {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.n[a]++
		l.mu.Unlock()
		return &limitConn{Conn: c, l: l, addr: a}, nil
	}
}

// limitConn gives its slot back once, on the first Close (net/http and
// gorilla may both close a hijacked connection).
type limitConn struct {
	net.Conn
	l    *limitListener
	addr netip.Addr
	once sync.Once
}

func (c *limitConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		if c.l.n[c.addr]--; c.l.n[c.addr] <= 0 {
			delete(c.l.n, c.addr)
		}
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}
