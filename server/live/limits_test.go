package live

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestInvalidUTF8Closes1007(t *testing.T) {
	e := newEnv(t, Options{})
	for _, presenter := range []bool{false, true} {
		c := e.dial(t, presenter)
		c.conn.WriteMessage(websocket.TextMessage, []byte("{\"type\":\"next\",\"x\":\"\xff\xfe\"}"))
		if code := c.closeCode(); code != websocket.CloseInvalidFramePayloadData {
			t.Errorf("presenter=%v: close code %d, want 1007", presenter, code)
		}
	}
	// A binary frame is not text: it gets an error frame, not 1007.
	c := e.dial(t, false)
	c.conn.WriteMessage(websocket.BinaryMessage, []byte("\xff"))
	if f := c.until(isType("error")); f["code"] != ErrBadRequest {
		t.Errorf("binary frame: %v", f)
	}
}

// TestPingFloodClosed1008: pings count against the rate limit; a client
// that keeps pinging past it is closed like one that keeps messaging, and
// only the pings within the limit are answered.
func TestPingFloodClosed1008(t *testing.T) {
	e := newEnv(t, Options{RateLimit: 5, RateBurst: 5})
	for _, control := range []int{websocket.PingMessage, websocket.PongMessage} {
		c := e.dial(t, false)
		var mu sync.Mutex
		pongs := 0
		c.conn.SetPongHandler(func(string) error { mu.Lock(); pongs++; mu.Unlock(); return nil })
		go func() {
			for range 2000 {
				if c.conn.WriteControl(control, []byte("x"), time.Now().Add(wait)) != nil {
					return
				}
			}
		}()
		if code := c.closeCode(); code != websocket.ClosePolicyViolation {
			t.Errorf("%d flood: close code %d, want 1008", control, code)
		}
		mu.Lock()
		if pongs > 5+5 {
			t.Errorf("%d flood: %d pongs answered, want at most the burst and what the rate refilled", control, pongs)
		}
		mu.Unlock()
	}
}

// lanEnv is newEnv listening on this machine's first non-loopback IPv4
// address, so that clients arrive with a real LAN address, as phones do
// (loopback clients are not capped per address).
func lanEnv(t *testing.T, opts Options) *testEnv {
	t.Helper()
	var ip net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil && !n.IP.IsLinkLocalUnicast() {
			ip = n.IP
			break
		}
	}
	if ip == nil {
		t.Skip("no non-loopback IPv4 address to listen on")
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	if opts.Auth == nil {
		opts.Auth = NewAuth(testToken)
	}
	h := New(opts)
	h.SetDeck(testDeck("v1", "a", "b"))
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(func() { h.Close(); srv.Close() })
	return &testEnv{hub: h, srv: srv, url: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"}
}

func TestConnectionsPerIP(t *testing.T) {
	e := lanEnv(t, Options{MaxConnsPerIP: 3})
	var first *testClient
	for i := range 3 {
		c := e.dial(t, false)
		if i == 0 {
			first = c
		}
	}
	_, res, err := websocket.DefaultDialer.Dial(e.url, nil)
	if err == nil || res == nil || res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("fourth connection from one address: %v %v, want 429", res, err)
	}
	e.dial(t, true) // the speaker is never capped
	e.dial(t, true)
	first.conn.Close()
	deadline := time.Now().Add(wait)
	for {
		c, _, err := websocket.DefaultDialer.Dial(e.url, nil)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the address's slot never freed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Loopback clients (this machine, a proxy on it) are not capped.
	lo := newEnv(t, Options{MaxConnsPerIP: 3})
	for range 6 {
		lo.dial(t, false)
	}
}

// TestFailedLoginsLimited: distinct wrong tokens from one address are
// refused with 403, then with 429 without being checked (the right one
// included); a repeated wrong token (a stale cookie) counts once; another
// address is unaffected; every failure is logged with the address.
func TestFailedLoginsLimited(t *testing.T) {
	var logs bytes.Buffer
	a := NewAuth(testToken)
	a.SetLogger(slog.New(slog.NewTextHandler(&logs, nil)))
	login := func(ip, token string) int {
		r := httptest.NewRequest("GET", "/presenter?token="+token, nil)
		r.RemoteAddr = ip + ":5555"
		w := httptest.NewRecorder()
		a.Login(w, r)
		return w.Code
	}
	for range 50 {
		if code := login("192.0.2.9", "stale-cookie"); code != http.StatusForbidden {
			t.Fatalf("the same wrong token again: %d, want 403", code)
		}
	}
	for i := range LoginBurst - 1 {
		if code := login("192.0.2.9", fmt.Sprint("guess", i)); code != http.StatusForbidden {
			t.Fatalf("guess %d: %d, want 403", i, code)
		}
	}
	if code := login("192.0.2.9", "after-the-burst"); code != http.StatusTooManyRequests {
		t.Errorf("guess beyond the burst: %d, want 429", code)
	}
	if code := login("192.0.2.9", testToken); code != http.StatusTooManyRequests {
		t.Errorf("right token while blocked: %d, want 429 (it must not be checked)", code)
	}
	if code := login("198.51.100.1", testToken); code != http.StatusSeeOther {
		t.Errorf("another address with the right token: %d, want 303", code)
	}
	// The cookie and ?token= of websocket and API requests share the count.
	r := httptest.NewRequest("GET", "/ws", nil)
	r.RemoteAddr = "192.0.2.9:1"
	r.AddCookie(&http.Cookie{Name: CookieName, Value: testToken})
	if a.IsPresenter(r) {
		t.Error("a blocked address got presenter rights with a cookie")
	}
	out := logs.String()
	if n := strings.Count(out, `msg="wrong presenter token"`); n != LoginBurst {
		t.Errorf("%d failures logged, want %d (each distinct token once):\n%s", n, LoginBurst, out)
	}
	if !strings.Contains(out, "ip=192.0.2.9") || !strings.Contains(out, "refused for a while") {
		t.Errorf("log lacks the address or the block:\n%s", out)
	}
}

// TestFailuresRefill: the failure bucket refills one attempt per
// LoginEvery, and a good login forgives the address.
func TestFailuresRefill(t *testing.T) {
	f := failures{burst: 3, every: time.Second}
	t0 := time.Unix(1000, 0)
	for i := range 3 {
		f.fail("x", sha256.Sum256([]byte{byte(i)}), t0)
	}
	if !f.blocked("x", t0) {
		t.Fatal("not blocked after the burst")
	}
	if f.blocked("x", t0.Add(1100*time.Millisecond)) {
		t.Error("still blocked after one refill period")
	}
	f.fail("x", sha256.Sum256([]byte{9}), t0.Add(1100*time.Millisecond))
	if !f.blocked("x", t0.Add(1200*time.Millisecond)) {
		t.Error("the refilled attempt was not used")
	}
	f.forgive("x")
	if f.blocked("x", t0.Add(1200*time.Millisecond)) {
		t.Error("a good login did not forgive")
	}
}

func TestClientIP(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.1:80":               "192.0.2.1",
		"[::ffff:192.0.2.1]:80":      "192.0.2.1",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:443": "2001:db8:1:2::/64",
		"not-an-address":             "not-an-address",
	} {
		r := &http.Request{RemoteAddr: addr}
		if got := ClientIP(r); got != want {
			t.Errorf("ClientIP(%q) = %q, want %q", addr, got, want)
		}
	}
}
