package live

import (
	"crypto/sha256"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// ClientIP is the address a limit is kept for: the peer's IP from
// RemoteAddr (never a forwarded-for header, which the client writes), an
// IPv6 peer by its /64, since one host can use any address of its
// network.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// loopback reports whether r comes from this machine: the speaker's own
// browser, a load test, or a reverse proxy, behind which every client
// would share one address.
func loopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// ipCount counts open audience connections per client address, so that
// one device (or one script) cannot take the whole MaxConns for itself.
type ipCount struct {
	max int // <= 0: no cap
	mu  sync.Mutex
	n   map[string]int
}

// acquire counts one more connection from ip, or reports false when ip
// already has max.
func (c *ipCount) acquire(ip string) bool {
	if c.max <= 0 {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = make(map[string]int)
	}
	if c.n[ip] >= c.max {
		return false
	}
	c.n[ip]++
	return true
}

func (c *ipCount) release(ip string) {
	if c.max <= 0 || ip == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[ip]--; c.n[ip] <= 0 {
		delete(c.n, ip)
	}
}

// Defaults of the failed-login limit: each client address may present
// LoginBurst wrong tokens at once and one more every LoginEvery; beyond
// that no token from it is even checked (the right one included) until
// it has waited. A 128-bit token cannot be guessed at any rate; the
// limit turns a short or leaked-in-part token from seconds of guessing
// into years, and puts the attempt in the log.
const (
	LoginBurst = 10
	LoginEvery = time.Second
)

// maxTracked bounds the failure table: beyond it, addresses whose bucket
// has refilled are forgotten first, and if none has, the table starts
// afresh (an attacker with that many addresses is not stopped by a
// per-address limit anyway).
const maxTracked = 10000

// failures is the failed-login table, per client address. Only distinct
// wrong tokens count: a browser that keeps sending the stale cookie of an
// earlier run (a new random token at each start) makes one failure, not
// one per request, so its speaker can still log in with the new token.
type failures struct {
	burst int
	every time.Duration
	mu    sync.Mutex
	by    map[string]*failRecord
}

type failRecord struct {
	tokens float64   // attempts left; refills one per every
	last   time.Time // of the last refill
	seen   [8][sha256.Size]byte
	next   int  // slot of seen to overwrite next
	logged bool // the block was logged since the last success
}

// blocked reports whether ip has used up its failures.
func (f *failures) blocked(ip string, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.by[ip]
	if r == nil {
		return false
	}
	f.refill(r, now)
	return r.tokens < 1
}

func (f *failures) refill(r *failRecord, now time.Time) {
	r.tokens = min(float64(f.burst), r.tokens+now.Sub(r.last).Seconds()/f.every.Seconds())
	r.last = now
}

// fail records the wrong token sum from ip. It returns whether this
// failure counted (a token not seen from ip recently), and whether it
// used the last attempt (the caller logs the block once).
func (f *failures) fail(ip string, sum [sha256.Size]byte, now time.Time) (counted, nowBlocked bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.by == nil {
		f.by = make(map[string]*failRecord)
	}
	r := f.by[ip]
	if r == nil {
		if len(f.by) >= maxTracked {
			f.prune(now)
		}
		r = &failRecord{tokens: float64(f.burst), last: now}
		f.by[ip] = r
	}
	for _, s := range r.seen {
		if s == sum {
			return false, false
		}
	}
	r.seen[r.next] = sum
	r.next = (r.next + 1) % len(r.seen)
	f.refill(r, now)
	if r.tokens >= 1 {
		r.tokens--
	}
	if r.tokens < 1 && !r.logged {
		r.logged = true
		return true, true
	}
	return true, false
}

// forgive clears ip after a good token: its next typo starts afresh.
func (f *failures) forgive(ip string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.by, ip)
}

func (f *failures) prune(now time.Time) {
	for ip, r := range f.by {
		f.refill(r, now)
		if r.tokens >= float64(f.burst) {
			delete(f.by, ip)
		}
	}
	if len(f.by) >= maxTracked {
		clear(f.by)
	}
}
