package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const testToken = "test-token"

// wait is how long a test waits for a frame that must come.
const wait = 5 * time.Second

type testEnv struct {
	hub *Hub
	srv *httptest.Server
	url string // ws://.../ws
}

func newEnv(t testing.TB, opts Options) *testEnv {
	t.Helper()
	if opts.Auth == nil {
		opts.Auth = NewAuth(testToken)
	}
	h := New(opts)
	h.SetDeck(testDeck("v1", "a", "b", "c", "d", "e"))
	mux := http.NewServeMux()
	mux.Handle("/ws", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		h.Close()
		srv.Close()
	})
	return &testEnv{hub: h, srv: srv, url: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"}
}

type frame map[string]any

func (f frame) typ() string { s, _ := f["type"].(string); return s }
func (f frame) num(k string) int {
	v, _ := f[k].(float64)
	return int(v)
}

type testClient struct {
	t    testing.TB
	conn *websocket.Conn
}

func (e *testEnv) dial(t testing.TB, presenter bool) *testClient {
	t.Helper()
	u := e.url
	if presenter {
		u += "?token=" + testToken
	}
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	tc := &testClient{t: t, conn: c}
	if h := tc.read(); h.typ() != "hello" {
		t.Fatalf("first frame %v, want hello", h)
	}
	return tc
}

func (c *testClient) send(v any) {
	c.t.Helper()
	if err := c.conn.WriteJSON(v); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *testClient) read() frame {
	c.t.Helper()
	f, err := c.tryRead(wait)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return f
}

// tryRead returns the next frame other than a heartbeat (see rawRead).
func (c *testClient) tryRead(d time.Duration) (frame, error) {
	for {
		f, err := c.rawRead(d)
		if err != nil || f.typ() != "beat" {
			return f, err
		}
	}
}

// rawRead returns the next frame, heartbeats included.
func (c *testClient) rawRead(d time.Duration) (frame, error) {
	c.conn.SetReadDeadline(time.Now().Add(d))
	_, b, err := c.conn.ReadMessage()
	if err != nil {
		return nil, err
	}
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("frame %q: %v", b, err)
	}
	return f, nil
}

// until reads frames until one satisfies ok, and returns it.
func (c *testClient) until(ok func(frame) bool) frame {
	c.t.Helper()
	for {
		if f := c.read(); ok(f) {
			return f
		}
	}
}

func isType(typ string) func(frame) bool { return func(f frame) bool { return f.typ() == typ } }

func atSlide(id string, step int) func(frame) bool {
	return func(f frame) bool { return f.typ() == "state" && f["slide"] == id && f.num("step") == step }
}

// closeCode reads until the connection fails and returns the close code.
func (c *testClient) closeCode() int {
	c.t.Helper()
	for {
		_, err := c.tryRead(wait)
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		c.t.Fatalf("read ended with %v, want a close frame", err)
	}
}

func TestGotoReachesEveryone(t *testing.T) {
	e := newEnv(t, Options{})
	p := e.dial(t, true)
	var aud []*testClient
	for range 5 {
		aud = append(aud, e.dial(t, false))
	}
	p.send(frame{"type": "goto", "slide": "c", "step": 1})
	for i, a := range append(aud, p) {
		f := a.until(isType("state"))
		for f["slide"] != "c" { // the snapshot may come first
			f = a.until(isType("state"))
		}
		if f.num("index") != 2 || f.num("step") != 1 || f["version"] != "v1" || f["blackout"] != false {
			t.Errorf("client %d got %v", i, f)
		}
	}
	p.send(frame{"type": "goto", "index": 4})
	aud[0].until(atSlide("e", 0))
	if s := e.hub.State(); s.Slide != "e" || s.Index != 4 {
		t.Errorf("hub state %+v", s)
	}
	p.send(frame{"type": "goto", "slide": "nope"})
	if f := p.until(isType("error")); f["code"] != ErrNotFound {
		t.Errorf("goto unknown id: %v", f)
	}
}

func TestNextPrevOverWire(t *testing.T) {
	e := newEnv(t, Options{})
	p := e.dial(t, true)
	a := e.dial(t, false)
	// Deck: a(0 steps) b(1) c(2) d(0) e(1).
	path := []struct {
		msg  string
		id   string
		step int
	}{
		{"next", "b", 0}, {"next", "b", 1}, {"next", "c", 0}, {"prev", "b", 1},
		{"prev", "b", 0}, {"prev", "a", 0},
	}
	for _, s := range path {
		p.send(frame{"type": s.msg})
		a.until(atSlide(s.id, s.step))
	}
	e.hub.Goto(4, 1)
	a.until(atSlide("e", 1))
	p.send(frame{"type": "next"}) // clamped at the end
	p.send(frame{"type": "blackout"})
	if f := a.until(isType("state")); f["blackout"] != true || f["slide"] != "e" || f.num("step") != 1 {
		t.Errorf("after next at the end + blackout toggle: %v", f)
	}
	p.send(frame{"type": "blackout", "on": false})
	if f := a.until(isType("state")); f["blackout"] != false {
		t.Errorf("blackout off: %v", f)
	}
}

func TestAudienceCannotNavigate(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.dial(t, false)
	before := e.hub.State()
	for _, m := range []frame{
		{"type": "goto", "index": 3}, {"type": "next"}, {"type": "prev"},
		{"type": "blackout"}, {"type": "timer", "action": "start"},
	} {
		a.send(m)
		f := a.until(isType("error"))
		if f["code"] != ErrForbidden || f["for"] != m["type"] {
			t.Errorf("%v: got %v, want forbidden error", m, f)
		}
	}
	if s := e.hub.State(); s != before {
		t.Errorf("audience changed state: %+v -> %+v", before, s)
	}
	a.send(frame{"type": "dance"})
	if f := a.until(isType("error")); f["code"] != ErrUnknownType {
		t.Errorf("unknown type: %v", f)
	}
	a.conn.WriteMessage(websocket.TextMessage, []byte("{not json"))
	if f := a.until(isType("error")); f["code"] != ErrBadRequest {
		t.Errorf("bad json: %v", f)
	}
}

func TestPresenterAuth(t *testing.T) {
	e := newEnv(t, Options{})
	check := func(name string, u string, h http.Header, want string) {
		t.Helper()
		c, _, err := websocket.DefaultDialer.Dial(u, h)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer c.Close()
		tc := &testClient{t: t, conn: c}
		if f := tc.read(); f.typ() != "hello" || f["role"] != want || f.num("protocol") != ProtocolVersion {
			t.Errorf("%s: hello %v, want role %s", name, f, want)
		}
	}
	check("no token", e.url, nil, RoleAudience)
	check("query token", e.url+"?token="+testToken, nil, RolePresenter)
	check("wrong token", e.url+"?token=guess", nil, RoleAudience)
	check("cookie", e.url, http.Header{"Cookie": {CookieName + "=" + testToken}}, RolePresenter)
}

func TestLateJoinerGetsSnapshotFirst(t *testing.T) {
	e := newEnv(t, Options{})
	p := e.dial(t, true)
	p.send(frame{"type": "goto", "slide": "d"})
	p.send(frame{"type": "blackout", "on": true})
	p.until(func(f frame) bool { return f.typ() == "state" && f["blackout"] == true })

	c, _, err := websocket.DefaultDialer.Dial(e.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	late := &testClient{t: t, conn: c}
	if f := late.read(); f.typ() != "hello" || f["role"] != RoleAudience {
		t.Fatalf("first frame %v", f)
	}
	f := late.read()
	if f.typ() != "state" || f["slide"] != "d" || f.num("index") != 3 || f["blackout"] != true || f["version"] != "v1" {
		t.Fatalf("second frame %v, want the current state", f)
	}
}

// allowedAudience lists every field an audience client may ever see, per
// frame type. Anything else (notes above all) is a leak.
var allowedAudience = map[string][]string{
	"hello": {"type", "role", "protocol", "max_message_size", "rate"},
	"state": {"type", "slide", "index", "step", "blackout", "version", "download"},
	"deck":  {"type", "version"},
	"error": {"type", "code", "message", "for"},
}

func TestAudienceFramesCarryOnlyPublicFields(t *testing.T) {
	e := newEnv(t, Options{})
	c, _, err := websocket.DefaultDialer.Dial(e.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a := &testClient{t: t, conn: c}
	if f := a.read(); f.typ() != "hello" { // also: a is registered from here on
		t.Fatalf("first frame %v", f)
	}
	types := []string{"hello"}
	p := e.dial(t, true)
	p2 := e.dial(t, true) // presence changes
	p.send(frame{"type": "timer", "action": "start", "target": 60})
	p.send(frame{"type": "next"})
	e.hub.SetDeck(testDeck("v2", "b", "c"))
	p2.send(frame{"type": "goto", "slide": "c", "step": 2})
	p2.conn.Close()
	a.send(frame{"type": "next"})
	p.send(frame{"type": "hold"})
	e.hub.SetDeck(testDeck("v3", "c"))
	p.send(frame{"type": "publish"})
	p.send(frame{"type": "blackout", "on": true})

	blackout := false
	for !blackout || !slices.Contains(types, "error") {
		f := a.read()
		types = append(types, f.typ())
		allowed, ok := allowedAudience[f.typ()]
		if !ok {
			t.Fatalf("audience received a %q frame: %v", f.typ(), f)
		}
		for k := range f {
			if !slices.Contains(allowed, k) {
				t.Errorf("audience %s frame has field %q: %v", f.typ(), k, f)
			}
		}
		if f.typ() == "state" && f["blackout"] == true {
			blackout = true
		}
	}
	for _, want := range []string{"hello", "state", "deck", "error"} {
		if !slices.Contains(types, want) {
			t.Errorf("audience never saw %q (saw %v)", want, types)
		}
	}
}

func TestPresenceAndTimerForPresenters(t *testing.T) {
	e := newEnv(t, Options{})
	p := e.dial(t, true)
	p.until(func(f frame) bool { return f.typ() == "presence" && f.num("presenters") == 1 })
	a := e.dial(t, false)
	p.until(func(f frame) bool { return f.typ() == "presence" && f.num("audience") == 1 })
	a.conn.Close()
	p.until(func(f frame) bool { return f.typ() == "presence" && f.num("audience") == 0 })

	p.send(frame{"type": "timer", "action": "start", "target": 1200})
	f := p.until(isType("timer"))
	if f["running"] != true || f.num("target") != 1200 || f.num("started_at") == 0 {
		t.Errorf("timer after start: %v", f)
	}
	p.send(frame{"type": "timer", "action": "pause"})
	f = p.until(isType("timer"))
	if f["running"] != false {
		t.Errorf("timer after pause: %v", f)
	}
	paused := f.num("elapsed")

	// A reloaded presenter page gets the same clock back.
	p.conn.Close()
	p2 := e.dial(t, true)
	f = p2.until(isType("timer"))
	if f["running"] != false || f.num("elapsed") != paused || f.num("target") != 1200 {
		t.Errorf("timer after reconnect: %v, want paused at %d", f, paused)
	}
	p2.send(frame{"type": "timer", "action": "rewind"})
	if f := p2.until(isType("error")); f["code"] != ErrBadRequest {
		t.Errorf("bad timer action: %v", f)
	}
}

func TestTwoPresentersShareOneState(t *testing.T) {
	e := newEnv(t, Options{})
	laptop, phone := e.dial(t, true), e.dial(t, true)
	a := e.dial(t, false)
	laptop.send(frame{"type": "next"})
	phone.until(atSlide("b", 0))
	phone.send(frame{"type": "next"})
	laptop.until(atSlide("b", 1))
	a.until(atSlide("b", 1))
}

func TestSetDeckMovesToNearestSurvivor(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.dial(t, false)
	e.hub.Goto(2, 1) // c, step 1
	a.until(atSlide("c", 1))
	e.hub.SetDeck(Deck{Version: "v2", Slides: []Slide{{"a", 0}, {"b", 1}, {"d", 0}, {"e", 1}}})
	if f := a.read(); f.typ() != "deck" || f["version"] != "v2" {
		t.Fatalf("first frame after SetDeck %v, want deck v2", f)
	}
	if f := a.read(); f.typ() != "state" || f["slide"] != "d" || f.num("index") != 2 || f.num("step") != 0 || f["version"] != "v2" {
		t.Fatalf("state after SetDeck %v, want d/2/0 v2", f)
	}
	// Same slide, new position: index follows the id.
	e.hub.SetDeck(Deck{Version: "v3", Slides: []Slide{{"new", 0}, {"a", 0}, {"b", 1}, {"d", 0}}})
	a.until(isType("deck"))
	if f := a.read(); f["slide"] != "d" || f.num("index") != 3 {
		t.Fatalf("state after insert %v, want d at 3", f)
	}
}

func TestCrossOriginRefused(t *testing.T) {
	e := newEnv(t, Options{AllowedOrigins: []string{"https://trusted.example"}})
	for _, tt := range []struct {
		origin string
		want   int
	}{
		{"http://evil.example", http.StatusForbidden},
		{"null", http.StatusForbidden},
		{e.srv.URL, http.StatusSwitchingProtocols},
		{"https://trusted.example", http.StatusSwitchingProtocols},
	} {
		c, res, err := websocket.DefaultDialer.Dial(e.url, http.Header{"Origin": {tt.origin}})
		if c != nil {
			c.Close()
		}
		if res == nil {
			t.Fatalf("origin %s: %v", tt.origin, err)
		}
		if res.StatusCode != tt.want {
			t.Errorf("origin %s: status %d, want %d", tt.origin, res.StatusCode, tt.want)
		}
	}
}

func TestOversizeFrameClosed1009(t *testing.T) {
	e := newEnv(t, Options{MaxMessageSize: 512})
	p := e.dial(t, true)
	p.conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"next","pad":"`+strings.Repeat("x", 600)+`"}`))
	if code := p.closeCode(); code != websocket.CloseMessageTooBig {
		t.Errorf("close code %d, want 1009", code)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, Options{RateLimit: 5, RateBurst: 5})
	p := e.dial(t, true)
	for range 5 {
		p.send(frame{"type": "blackout"})
	}
	for range 20 {
		p.send(frame{"type": "blackout"})
	}
	limited := 0
	code := 0
	for code == 0 {
		f, err := p.tryRead(wait)
		var ce *websocket.CloseError
		switch {
		case errors.As(err, &ce):
			code = ce.Code
		case err != nil:
			t.Fatalf("read: %v", err)
		case f.typ() == "error" && f["code"] == ErrRateLimited:
			limited++
		}
	}
	if code != websocket.ClosePolicyViolation {
		t.Errorf("close code %d, want 1008", code)
	}
	if limited == 0 {
		t.Error("no rate_limited error frame before the close")
	}
}

func TestConnectionCap(t *testing.T) {
	e := newEnv(t, Options{MaxConns: 2})
	a := e.dial(t, false)
	e.dial(t, false)
	_, res, err := websocket.DefaultDialer.Dial(e.url, nil)
	if err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third connection: %v %v, want 503", res, err)
	}
	e.dial(t, true) // a full room does not lock the speaker out
	a.conn.Close()
	deadline := time.Now().Add(wait)
	for {
		c, _, err := websocket.DefaultDialer.Dial(e.url, nil)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slot never freed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestShutdownSends1001(t *testing.T) {
	e := newEnv(t, Options{})
	cs := []*testClient{e.dial(t, true), e.dial(t, false), e.dial(t, false)}
	done := make(chan error)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		done <- e.hub.Shutdown(ctx)
	}()
	for i, c := range cs {
		if code := c.closeCode(); code != websocket.CloseGoingAway {
			t.Errorf("client %d: close code %d, want 1001", i, code)
		}
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	_, res, err := websocket.DefaultDialer.Dial(e.url, nil)
	if res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("dial after shutdown: %v %v, want 503", res, err)
	}
}

// dialStalled connects a client with a tiny receive buffer that never reads.
func dialStalled(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{
		NetDialContext: (&net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024)
			})
			return serr
		}}).DialContext,
	}
	c, _, err := d.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(wait))
	if _, b, err := c.ReadMessage(); err != nil || !bytes.Contains(b, []byte(`"hello"`)) {
		t.Fatalf("stalled client's first frame %q, %v", b, err) // read so that it is registered
	}
	return c
}

func TestStalledClientDelaysNobody(t *testing.T) {
	e := newEnv(t, Options{})
	// Big frames fill the stalled socket after a few rounds.
	d := testDeck(strings.Repeat("v", 32<<10), "a", "b", "c", "d", "e")
	e.hub.SetDeck(d)
	stalled := dialStalled(t, e.url)
	p := e.dial(t, true)
	var others []*testClient
	for range 3 {
		others = append(others, e.dial(t, false))
	}
	var sc *client
	e.hub.mu.Lock()
	for c := range e.hub.clients {
		if c.conn.RemoteAddr().String() == stalled.LocalAddr().String() {
			sc = c
		}
	}
	e.hub.mu.Unlock()
	if sc == nil {
		t.Fatal("stalled client not registered")
	}
	isStalled := func() bool {
		sc.mu.Lock()
		defer sc.mu.Unlock()
		return sc.writing && sc.out[kindState] != nil
	}

	var ms runtime.MemStats
	var heapAtStall uint64
	var lats []time.Duration // delivery to all others, in rounds where the writer was stuck
	stalledRounds := 0
	for round := 0; stalledRounds < 100; round++ {
		if round > 2000 {
			t.Fatal("the stalled client never backed up")
		}
		id := d.Slides[1+round%4].ID
		start := time.Now()
		e.hub.Goto(1+round%4, 0)
		var wg sync.WaitGroup
		for _, o := range others {
			wg.Add(1)
			go func() {
				defer wg.Done()
				want := []byte(`"slide":"` + id + `"`)
				for { // raw bytes: decoding 32 KiB under -race would dominate the timing
					o.conn.SetReadDeadline(time.Now().Add(wait))
					_, b, err := o.conn.ReadMessage()
					if err != nil {
						t.Errorf("round %d: %v", round, err)
						return
					}
					if bytes.HasPrefix(b, []byte(`{"type":"state"`)) && bytes.Contains(b, want) {
						return
					}
				}
			}()
		}
		wg.Wait()
		el := time.Since(start)
		if isStalled() {
			lats = append(lats, el)
			if stalledRounds == 0 {
				t.Logf("client backed up after %d rounds", round)
				runtime.GC()
				runtime.ReadMemStats(&ms)
				heapAtStall = ms.HeapAlloc
			}
			stalledRounds++
		}
	}
	// Blocking on the stalled writer would cost writeWait (10 s) per round,
	// which is what the bar tells apart; the latencies themselves are the
	// benchmarks' to measure (a loaded machine stretches any of them).
	slices.Sort(lats)
	p50, p90, worst := lats[len(lats)/2], lats[len(lats)*9/10], lats[len(lats)-1]
	t.Logf("delivery to the others while stalled: p50 %v p90 %v max %v", p50, p90, worst)
	if worst >= e.hub.writeWait/2 {
		t.Errorf("others delayed while a client was stalled: p50 %v p90 %v max %v", p50, p90, worst)
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	// The stalled client holds one in-flight and one pending frame (~64 KiB
	// each with this deck), however many rounds go by.
	if grow := int64(ms.HeapAlloc) - int64(heapAtStall); grow > 1<<20 {
		t.Errorf("heap grew %d bytes over 100 rounds with a stalled client", grow)
	}
	sc.mu.Lock()
	pending := 0
	for _, pm := range sc.out {
		if pm != nil {
			pending++
		}
	}
	sc.mu.Unlock()
	if pending > int(numKinds) {
		t.Errorf("stalled client has %d pending frames", pending)
	}
	t.Logf("heap growth over 100 stalled rounds: %d bytes", int64(ms.HeapAlloc)-int64(heapAtStall))
	_ = p
}

func TestConcurrentDriversRace(t *testing.T) {
	e := newEnv(t, Options{RateLimit: -1})
	var ps []*testClient
	for range 3 {
		ps = append(ps, e.dial(t, true))
	}
	a := e.dial(t, false)
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				p.conn.WriteJSON(frame{"type": "next"})
				p.conn.WriteJSON(frame{"type": "prev"})
			}
		}()
	}
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				e.hub.SetDeck(testDeck(fmt.Sprint("r", i), "a", "b", "c", "d"))
			}
		}()
	}
	wg.Wait()
	for _, p := range ps { // an error reply means the reader is past everything before it
		p.send(frame{"type": "sync"})
		p.until(isType("error"))
	}
	e.hub.Blackout(true) // the drivers never touch blackout: this frame is the last
	f := a.until(func(f frame) bool { return f.typ() == "state" && f["blackout"] == true })
	if want := e.hub.State(); f["version"] != want.Version || f["slide"] != want.Slide || f.num("index") != want.Index || f.num("step") != want.Step {
		t.Errorf("last frame %v, hub state %+v", f, want)
	}
}

func TestStalledClientIsEvicted(t *testing.T) {
	e := newEnv(t, Options{})
	// Short, before any connection (no writer reads it yet), yet long
	// enough that the reading client, whose reads a loaded machine may
	// delay, is never taken for a stalled one.
	e.hub.writeWait = time.Second
	e.hub.SetDeck(testDeck(strings.Repeat("v", 32<<10), "a", "b", "c"))
	dialStalled(t, e.url)
	a := e.dial(t, false)
	deadline := time.Now().Add(wait)
	for round := 0; ; round++ {
		if aud, _ := e.hub.Presence(); aud == 1 {
			break // the stalled client is gone, the reading one stays
		}
		if time.Now().After(deadline) {
			t.Fatal("stalled client never evicted")
		}
		e.hub.Goto(round%3, 0)
		a.until(atSlide(string(rune('a'+round%3)), 0))
	}
}

func TestHoldKeepsAudienceOnPublishedDeck(t *testing.T) {
	e := newEnv(t, Options{})
	p := e.dial(t, true)
	a := e.dial(t, false)
	p.until(isType("hold"))
	p.send(frame{"type": "hold"})
	if f := p.until(isType("hold")); f["held"] != true || f["published"] != "v1" || f["pending"] != "" {
		t.Fatalf("after hold: %v", f)
	}
	e.hub.SetDeck(testDeck("v2", "a", "z", "c"))
	if f := p.until(isType("hold")); f["pending"] != "v2" || f["published"] != "v1" {
		t.Fatalf("edit while held: %v", f)
	}
	if held, pub, pend := e.hub.Held(); !held || pub != "v1" || pend != "v2" {
		t.Errorf("Held() = %v %q %q", held, pub, pend)
	}
	p.send(frame{"type": "goto", "slide": "d"}) // d exists only in the published deck
	a.until(isType("state"))                    // the snapshot
	if f := a.read(); f.typ() != "state" || f["slide"] != "d" || f["version"] != "v1" {
		t.Fatalf("audience while held: %v, want state d on v1 and no deck frame", f)
	}
	late := e.dial(t, true) // a reloaded presenter view learns about the hold
	if f := late.until(isType("hold")); f["held"] != true || f["pending"] != "v2" {
		t.Errorf("snapshot hold frame %v", f)
	}

	p.send(frame{"type": "publish"})
	if f := a.read(); f.typ() != "deck" || f["version"] != "v2" {
		t.Fatalf("after publish: %v, want deck v2", f)
	}
	// d is gone from v2 and so is e, after it: the nearest survivor is c.
	if f := a.read(); f.typ() != "state" || f["slide"] != "c" || f["version"] != "v2" {
		t.Fatalf("after publish: %v, want state c on v2", f)
	}
	if f := p.until(isType("hold")); f["held"] != false || f["published"] != "v2" || f["pending"] != "" {
		t.Errorf("hold frame after publish: %v", f)
	}
	a.send(frame{"type": "hold"})
	if f := a.until(isType("error")); f["code"] != ErrForbidden {
		t.Errorf("audience hold: %v", f)
	}
}

func TestPingAnsweredThroughWriter(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.dial(t, false)
	got := make(chan string, 1)
	a.conn.SetPongHandler(func(data string) error { got <- data; return nil })
	if err := a.conn.WriteControl(websocket.PingMessage, []byte("hi"), time.Now().Add(wait)); err != nil {
		t.Fatal(err)
	}
	go func() { // control frames are handled while reading
		for {
			if _, _, err := a.conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	select {
	case d := <-got:
		if d != "hi" {
			t.Errorf("pong %q, want hi", d)
		}
	case <-time.After(wait):
		t.Fatal("no pong")
	}
}

// TestProblemsReachPresentersOnly: a broken edit is shown to presenters,
// including ones that connect later, and never to the audience.
func TestProblemsReachPresentersOnly(t *testing.T) {
	e := newEnv(t, Options{})
	p := e.dial(t, true)
	a := e.dial(t, false)
	e.hub.SetProblems([]string{"02-x.md:4: unterminated code fence"})
	f := p.until(isType("problems"))
	if got := fmt.Sprint(f["problems"]); got != "[02-x.md:4: unterminated code fence]" {
		t.Errorf("problems frame = %v", f)
	}
	late := e.dial(t, true)
	late.until(isType("problems"))

	e.hub.SetProblems(nil)
	if f := p.until(isType("problems")); len(f["problems"].([]any)) != 0 {
		t.Errorf("clearing frame = %v", f)
	}
	// The audience got nothing of it: its next frame is the next state.
	e.hub.Next()
	for {
		f := a.read()
		if f.typ() == "problems" {
			t.Fatalf("audience got %v", f)
		}
		if f.typ() == "state" && f.num("index") == 1 {
			break
		}
	}
}

// dialQuery is dial with a query string on the websocket URL (device=,
// page=, token=).
func (e *testEnv) dialQuery(t testing.TB, query string) *testClient {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(e.url+"?"+query, nil)
	if err != nil {
		t.Fatalf("dial ?%s: %v", query, err)
	}
	t.Cleanup(func() { c.Close() })
	tc := &testClient{t: t, conn: c}
	if h := tc.read(); h.typ() != "hello" {
		t.Fatalf("first frame %v, want hello", h)
	}
	return tc
}

// TestHeartbeat: hello announces the period and the silence limit, and an
// idle connection then gets beat frames, which a page can see, besides
// the pings it cannot.
func TestHeartbeat(t *testing.T) {
	// Long enough that a loaded machine answers a ping within the silence
	// limit (3 × 300 ms), short enough for a fast test.
	e := newEnv(t, Options{Heartbeat: 300 * time.Millisecond})
	c, _, err := websocket.DefaultDialer.Dial(e.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pings := make(chan struct{}, 100)
	c.SetPingHandler(func(data string) error {
		select {
		case pings <- struct{}{}:
		default:
		}
		return c.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(wait))
	})
	a := &testClient{t: t, conn: c}
	hello := a.read()
	if hello.typ() != "hello" || hello.num("heartbeat") != 300 || hello.num("silence") != SilenceBeats*300 {
		t.Fatalf("hello %v, want heartbeat 300 and silence %d", hello, SilenceBeats*300)
	}
	beats := 0
	for beats < 2 {
		f, err := a.rawRead(wait)
		if err != nil {
			t.Fatalf("after %d beats: %v", beats, err)
		}
		if f.typ() == "beat" {
			if len(f) != 1 {
				t.Errorf("beat frame %v carries more than its type", f)
			}
			beats++
		}
	}
	if len(pings) == 0 {
		t.Error("beats came without pings: the server cannot tell a silent peer")
	}
	// Answering pings keeps the connection: it outlives several silence
	// limits (a pong is all a browser sends when idle).
	for n := 0; n < 2*SilenceBeats; {
		f, err := a.rawRead(wait)
		if err != nil {
			t.Fatalf("an idle client that answers pings was dropped: %v", err)
		}
		if f.typ() == "beat" {
			n++
		}
	}
	if aud, _ := e.hub.Presence(); aud != 1 {
		t.Errorf("presence %d, want 1", aud)
	}
}

// TestSilentPeerDropped: a phone whose socket went silent (it answers no
// ping: it reads nothing) leaves the presence count within the silence
// limit, and the presenter is told.
func TestSilentPeerDropped(t *testing.T) {
	e := newEnv(t, Options{Heartbeat: 300 * time.Millisecond}) // see TestHeartbeat
	p := e.dial(t, true)
	dialStalled(t, e.url) // never reads again, so never answers a ping
	p.until(func(f frame) bool { return f.typ() == "presence" && f.num("audience") == 1 })
	p.until(func(f frame) bool { return f.typ() == "presence" && f.num("audience") == 0 })
	if aud, _ := e.hub.Presence(); aud != 0 {
		t.Errorf("presence %d after the silent phone was dropped", aud)
	}
}

// TestPresenceCountsDevices: tabs of one browser profile (one device id)
// count once; connections without an id, or with one that is not one,
// count one each; a presenter on the audience page is a driver.
func TestPresenceCountsDevices(t *testing.T) {
	e := newEnv(t, Options{})
	p := e.dialQuery(t, "token="+testToken+"&device=laptop&page=presenter")
	presence := func(aud, pres, drivers int) {
		t.Helper()
		p.until(func(f frame) bool {
			return f.typ() == "presence" && f.num("audience") == aud && f.num("presenters") == pres && f.num("drivers") == drivers
		})
		if a, pr := e.hub.Presence(); a != aud || pr != pres {
			t.Errorf("Presence() = %d, %d; want %d, %d", a, pr, aud, pres)
		}
	}
	presence(0, 1, 0)
	tab1 := e.dialQuery(t, "device=phone1&page=audience")
	presence(1, 1, 0)
	tab2 := e.dialQuery(t, "device=phone1&page=audience")
	e.dialQuery(t, "device=phone2&page=audience")
	presence(2, 1, 0)
	e.dialQuery(t, "page=audience")
	e.dialQuery(t, "device=not%20an%20id")
	e.dialQuery(t, "device="+strings.Repeat("x", deviceIDMax+1))
	presence(5, 1, 0)
	tab1.conn.Close()
	presence(5, 1, 0)
	tab2.conn.Close()
	presence(4, 1, 0)

	// The projector in the presenter's browser: same device, a driver.
	proj := e.dialQuery(t, "token="+testToken+"&device=laptop&page=audience")
	presence(4, 1, 1)
	remote := e.dialQuery(t, "token="+testToken+"&device=phone9&page=remote")
	presence(4, 2, 1)
	proj.conn.Close()
	remote.conn.Close()
	presence(4, 1, 0)
	// Without rights, ?page=audience is just the audience.
	e.dialQuery(t, "device=laptop&page=audience")
	presence(5, 1, 0)
}

// TestNotesFrameOnlyToPresenters: SetNotes reaches every presenter as a
// notes frame and no audience connection.
func TestNotesFrameOnlyToPresenters(t *testing.T) {
	e := newEnv(t, Options{})
	p := e.dial(t, true)
	a := e.dial(t, false)
	e.hub.SetNotes("v2")
	if f := p.until(isType("notes")); f["version"] != "v2" {
		t.Errorf("notes frame = %v", f)
	}
	// The audience got nothing of it: its next frame is the next state.
	e.hub.Next()
	for {
		f := a.read()
		if f.typ() == "notes" {
			t.Fatalf("audience got %v", f)
		}
		if f.typ() == "state" && f.num("index") == 1 {
			break
		}
	}
}

// TestWarningsBesideProblems: the deck's warnings travel in the problems
// frame beside the problems, each list kept when the other changes, to
// presenters that connect later too, never to the audience; an unchanged
// list sends nothing, and both empty clear the panel.
func TestWarningsBesideProblems(t *testing.T) {
	e := newEnv(t, Options{})
	p := e.dial(t, true)
	a := e.dial(t, false)
	// A frame may be coalesced with the next (latest wins): wait for
	// what each step leaves, not for a number of frames.
	lists := func(problems, warnings int) func(frame) bool {
		return func(f frame) bool {
			return f.typ() == "problems" && count(f["problems"]) == problems && count(f["warnings"]) == warnings
		}
	}
	e.hub.SetWarnings([]string{`00.md:3: unknown front matter key "colour"`})
	f := p.until(lists(0, 1))
	if got := fmt.Sprint(f["problems"], f["warnings"]); got != `[] [00.md:3: unknown front matter key "colour"]` {
		t.Errorf("warnings frame = %v", f)
	}
	e.hub.SetProblems([]string{"01.md:9: unterminated code fence"})
	f = p.until(lists(1, 1))
	if got := fmt.Sprint(f["problems"], f["warnings"]); got != `[01.md:9: unterminated code fence] [00.md:3: unknown front matter key "colour"]` {
		t.Errorf("problems frame = %v", f)
	}
	late := e.dial(t, true)
	if f := late.until(isType("problems")); count(f["warnings"]) != 1 {
		t.Errorf("late presenter's frame = %v", f)
	}
	e.hub.SetProblems(nil)
	p.until(lists(0, 1))
	e.hub.SetWarnings([]string{`00.md:3: unknown front matter key "colour"`}) // the same: no frame
	e.hub.SetWarnings(nil)
	if f := p.until(isType("problems")); count(f["problems"]) != 0 || f["warnings"] != nil {
		t.Errorf("all cleared: frame = %v, want no problems and no warnings field", f)
	}
	e.hub.Next()
	for {
		f := a.read()
		if f.typ() == "problems" {
			t.Fatalf("audience got %v", f)
		}
		if f.typ() == "state" && f.num("index") == 1 {
			break
		}
	}
}

// count is the length of a list in a decoded frame: 0 when it is absent.
func count(v any) int {
	l, _ := v.([]any)
	return len(l)
}
