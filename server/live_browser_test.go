package server

// Browser tests of a live talk that never loses the room: a phone whose
// connection dies silently notices and catches up, offline says so at
// once, and a clicker on the projector (the audience page in the
// presenter's own browser) drives everyone.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/server/live"
)

// testHeartbeat is the heartbeat of the tests' servers: short, so that a
// silent connection is found in 1.5 s rather than 9 s. The production
// constants (live.DefaultHeartbeat, live.SilenceBeats) are measured by
// TestSilentDropRecovers with PODIUM_FIGURE=1 (docs/benchmarks.md).
const testHeartbeat = 500 * time.Millisecond

// startBeating serves the shipped talk as startLive does, with heartbeat
// hb (0: the production one).
func startBeating(t testing.TB, hb time.Duration) (*Server, *httptest.Server) {
	t.Helper()
	root, err := os.OpenRoot("../slides")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: root.FS(), Web: os.DirFS("../web"), Themes: os.DirFS("../themes"),
		Token: presenterToken, Heartbeat: hb})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { stopLive(s, ts) })
	return s, ts
}

// tcpProxy forwards loopback TCP connections to a server, byte for byte,
// until stall: then the connections open so far stop forwarding in both
// directions while both of their sockets stay open, as a wifi network
// that roamed away or a NAT that forgot the flow. Connections made after
// stall are forwarded again.
type tcpProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	pairs  []*atomic.Bool // one stall flag per connection
	conns  []net.Conn
}

func newTCPProxy(t testing.TB, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *tcpProxy) url() string { return "http://" + p.ln.Addr().String() }

func (p *tcpProxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		stalled := new(atomic.Bool)
		p.mu.Lock()
		p.pairs = append(p.pairs, stalled)
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go forward(out, in, stalled)
		go forward(in, out, stalled)
	}
}

// forward copies src to dst; once stalled it reads on but forwards
// nothing: bytes vanish as on a dead network, and no socket closes.
func forward(dst, src net.Conn, stalled *atomic.Bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !stalled.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF || !stalled.Load() {
				dst.Close()
			}
			return
		}
	}
}

// stall stops every connection open so far.
func (p *tcpProxy) stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.pairs {
		s.Store(true)
	}
}

func (p *tcpProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

// waitWithin polls cond in tab for at most d and returns how long it
// took; after d it fails the test with what.
func waitWithin(t testing.TB, tab context.Context, d time.Duration, cond, what string) time.Duration {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(tab, d)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(d))); err != nil {
		bt.Fail(t, tab, "waiting %v for %s: %v", d, what, err)
	}
	return time.Since(start)
}

const badgeIs = `document.querySelector(".live-status").dataset.status === %q`

// TestSilentDropRecovers: a phone behind a proxy that stops forwarding
// (both sockets open, nothing arrives) while the presenter moves on
// shows "reconnecting" within 10 s and the presenter's slide within
// 15 s, without a reload; and the presenter's count loses it meanwhile.
// With PODIUM_FIGURE=1 it runs on the production heartbeat and logs the
// figure of docs/benchmarks.md.
func TestSilentDropRecovers(t *testing.T) {
	t.Parallel()
	hb := testHeartbeat
	if os.Getenv("PODIUM_FIGURE") == "1" {
		hb = 0
	}
	srv, ts := startBeating(t, hb)
	d := srv.Deck()
	proxy := newTCPProxy(t, ts.Listener.Addr().String())
	ctx := bt.New(t)
	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, ts.URL+"/presenter?token="+presenterToken)
	phone := openPhone(t, ctx, proxy.url())
	bt.WaitFor(t, pres, `document.querySelector('[data-out="people"]').textContent === "1"`, "the presenter to count the phone")

	proxy.stall()
	stalled := time.Now()
	i, s := 0, 0
	for range 3 {
		bt.Press(t, pres, kb.ArrowRight)
		i, s = next(d, i, s)
	}
	bt.WaitAt(t, pres, "presenter", i, s)
	if p := position(t, phone); p.Index == i && p.Step == s {
		t.Fatal("the stalled proxy still delivered the state: the test proves nothing")
	}
	limit := time.Duration(live.SilenceBeats) * live.DefaultHeartbeat
	waitWithin(t, phone, 10*time.Second, fmt.Sprintf(badgeIs, "reconnecting"), "the phone to say reconnecting")
	noticed := time.Since(stalled)
	waitWithin(t, phone, 15*time.Second-time.Since(stalled), bt.At(i, s), fmt.Sprintf("the phone to show slide %d step %d", i+1, s))
	back := time.Since(stalled)
	bt.WaitFor(t, phone, fmt.Sprintf(badgeIs, "live"), "the phone to say live again")
	if !bt.Eval[bool](t, phone, `window.notReloaded === true`) {
		t.Error("the phone page was reloaded to catch up")
	}
	if hb == 0 {
		hb = live.DefaultHeartbeat
	}
	t.Logf("heartbeat %v (production: %v, silence limit %v): reconnecting after %v, live slide after %v",
		hb, live.DefaultHeartbeat, limit, noticed, back)
}

// TestOfflineSaysReconnecting: the offline event shows "reconnecting" at
// once, whatever the socket says; online brings the page back live.
func TestOfflineSaysReconnecting(t *testing.T) {
	t.Parallel()
	_, ts := startBeating(t, 0) // the production heartbeat: only the event can explain a fast badge
	ctx := bt.New(t)
	phone := openPhone(t, ctx, ts.URL)
	setOnline(t, phone, false)
	waitWithin(t, phone, time.Second, fmt.Sprintf(badgeIs, "reconnecting"), "the phone to say reconnecting at once")
	setOnline(t, phone, true)
	bt.WaitFor(t, phone, fmt.Sprintf(badgeIs, "live"), "the phone to say live again")
}

// TestProjectorDrives: the usual setup. The presenter view on the
// laptop, the audience page full screen on the projector in the same
// browser (it has the presenter cookie), a clicker sending PgDn/PgUp to
// the projector's window: it moves everyone, a phone included, shows no
// audience chrome, and the presenter view says a projector drives. The
// projector never fetches the notes.
func TestProjectorDrives(t *testing.T) {
	t.Parallel()
	srv, ts := startBeating(t, testHeartbeat)
	d := srv.Deck()
	ctx := bt.New(t)
	laptop := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, laptop, ts.URL+"/presenter?token="+presenterToken)
	proj := bt.Tab(t, laptop) // same browser: same cookie
	bt.WatchConsole(t, proj, bt.ServerAway)
	bt.Do(t, proj, bt.Viewport(bt.DesktopSize), bt.ReducedMotion())
	bt.Open(t, proj, ts.URL+"/")
	bt.WaitFor(t, proj, `podium.driving && podium.sync.status === "live" && !!podium.sync.state`, "the projector to connect as a driver")
	phone := openPhone(t, ctx, ts.URL)
	bt.WaitFor(t, laptop, `(() => { const e = document.querySelector('[data-out="drivers"]');
		return !e.hidden && e.textContent === "1 台投影在翻页"; })()`, "the presenter view to show one driving projector")

	i, s := 0, 0
	for range 2 {
		bt.Press(t, proj, kb.PageDown)
		i, s = next(d, i, s)
	}
	bt.WaitAt(t, proj, "projector", i, s)
	bt.WaitAt(t, phone, "phone", i, s)
	bt.WaitAt(t, laptop, "presenter", i, s)
	bt.Press(t, proj, kb.PageUp)
	if s > 0 {
		s--
	} else {
		i, s = i-1, d.Slides[i-1].Steps
	}
	bt.WaitAt(t, phone, "phone", i, s)
	if !bt.Eval[bool](t, proj, `podium.sync.following`) {
		t.Error("the clicker detached the projector from the talk")
	}
	chrome := bt.Eval[string](t, proj, `(() => {
		const shown = (sel) => { const e = document.querySelector(sel); return e && !e.hidden && getComputedStyle(e).display !== "none"; };
		return [".live-status", ".back-live"].filter(shown).join(" ");
	})()`)
	if chrome != "" {
		t.Errorf("the projector shows audience chrome: %s", chrome)
	}
	// The bar fades when the mouse rests.
	bt.WaitFor(t, proj, `document.getElementById("podium").dataset.idle === "true"`, "the projector's bar to fade")

	// B on the projector blacks out the phone too.
	bt.Press(t, proj, "b")
	bt.WaitFor(t, phone, `podium.controls.blackout.open && podium.controls.blackout.by === "speaker"`, "the phone to black out")
	bt.Press(t, proj, "b")
	bt.WaitFor(t, phone, `!podium.controls.blackout.open`, "the phone's blackout to end")
	// (The projector's own blackout closes on its own schedule: a G
	// pressed while it is still open goes to the blackout, not the page.)
	bt.WaitFor(t, proj, `!podium.controls.blackout.open`, "the projector's blackout to end")

	// G on the projector goes there for everyone.
	bt.Press(t, proj, "g")
	bt.WaitFor(t, proj, `document.activeElement?.matches(".overlay-goto input")`, "the go-to dialog")
	bt.Do(t, proj, bt.Key("5"))
	bt.Press(t, proj, kb.Enter)
	bt.WaitAt(t, phone, "phone", 4, 0)

	notes := bt.Eval[int](t, proj, `performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/notes")).length`)
	if notes != 0 {
		t.Errorf("the projector fetched the notes %d times", notes)
	}
	// A phone without the cookie still browses on its own.
	bt.Press(t, phone, kb.ArrowRight)
	waitFollowing(t, phone, false)
	bt.WaitAt(t, proj, "projector", 4, 0)
}
