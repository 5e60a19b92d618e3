package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"

	"github.com/gorilla/websocket"
	"github.com/podium-talks/podium/server/cluster"
	"github.com/podium-talks/podium/server/live"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// embeddedNATS starts a real NATS server with JetStream, storing under
// dir: in-process only (no port) when port is 0, else on 127.0.0.1:port.
func embeddedNATS(tb testing.TB, dir string, port int) *natsserver.Server {
	tb.Helper()
	o := &natsserver.Options{ServerName: "test", JetStream: true, StoreDir: dir, NoSigs: true, NoLog: true,
		Host: "127.0.0.1", Port: port, DontListen: port == 0}
	ns, err := natsserver.NewServer(o)
	if err != nil {
		tb.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		tb.Fatal("NATS did not start")
	}
	tb.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	return ns
}

// freePort is a TCP port nobody listens on now.
func freePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(tb, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// replica is one podium server of a cluster, on httptest.
type replica struct {
	srv  *Server
	ts   *httptest.Server
	node *cluster.Node
	stop func()
}

const clusterToken = "cluster-test-token-0123456789"

// startReplica starts a podium server joined to NATS (in-process through
// ns, or at url): the origin of dir when dir is not empty, else a replica
// serving what the origin published.
func startReplica(tb testing.TB, ns *natsserver.Server, url, name, dir string) *replica {
	tb.Helper()
	return startReplicaEvery(tb, ns, url, name, dir, 20*time.Millisecond)
}

// startReplicaEvery is startReplica with the presence period every.
func startReplicaEvery(tb testing.TB, ns *natsserver.Server, url, name, dir string, every time.Duration) *replica {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ccfg := cluster.Config{Talk: "test", Name: name, PresenceEvery: every, URLs: url}
	if url == "" {
		ccfg.Server = ns
	}
	node, err := cluster.Start(ctx, ccfg)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	cfg := Config{Web: web.FS, Themes: themes.FS, Cluster: node, ClientDiagrams: true}
	if dir != "" {
		cfg.Deck = os.DirFS(dir)
	} else {
		fctx, fcancel := context.WithTimeout(ctx, 10*time.Second)
		d, err := node.FetchDeck(fctx)
		fcancel()
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		cfg.Deck, cfg.FromCluster = d, true
	}
	srv, err := New(cfg)
	if err != nil {
		tb.Fatalf("%s: New: %v", name, err)
	}
	ts := httptest.NewServer(srv)
	done := make(chan struct{})
	go func() { srv.RunCluster(ctx); close(done) }()
	var once sync.Once
	r := &replica{srv: srv, ts: ts, node: node}
	r.stop = func() {
		once.Do(func() {
			cancel()
			<-done
			srv.Shutdown(context.Background())
			ts.Close()
			node.Close()
		})
	}
	tb.Cleanup(r.stop)
	return r
}

func (r *replica) dial(t *testing.T, presenter bool) *wsClient {
	t.Helper()
	u := "ws" + strings.TrimPrefix(r.ts.URL, "http") + "/ws"
	if presenter {
		u += "?token=" + r.srv.PresenterToken()
	}
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	must(t, err)
	t.Cleanup(func() { c.Close() })
	return &wsClient{t: t, conn: c}
}

// clusterDeck writes a deck of n slides (the second with two steps) into
// a new folder.
func clusterDeck(t *testing.T, n int, title string) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\n---\n\n# Slide 1\n\nNote: %s\n", title, secretNote)
	for i := 2; i <= n; i++ {
		fmt.Fprintf(&b, "\n---\n\n# Slide %d\n", i)
		if i == 2 {
			b.WriteString("\n* one\n<!-- pause -->\n* two\n<!-- pause -->\n* three\n")
		}
	}
	must(t, os.WriteFile(filepath.Join(dir, "01-talk.md"), []byte(b.String()), 0o644))
	return dir
}

func atIndex(i int) func(map[string]any) bool {
	return func(f map[string]any) bool { return f["index"] == float64(i) }
}

// eventually polls cond until it holds; the deadline is a failure bound,
// not a wait.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestClusterFollow: three replicas on one NATS; the presenter on the
// origin moves and the audiences on the two others follow, a late joiner
// gets the snapshot, the token is the same everywhere, the replicas
// without the folder serve the origin's deck (notes to presenters only),
// and the presenter sees every replica's devices.
func TestClusterFollow(t *testing.T) {
	t.Parallel()
	ns := embeddedNATS(t, t.TempDir(), 0)
	r1 := startReplica(t, ns, "", "r1", clusterDeck(t, 4, "Cluster talk"))
	r2 := startReplica(t, ns, "", "r2", "")
	r3 := startReplica(t, ns, "", "r3", "")
	if r2.srv.PresenterToken() != r1.srv.PresenterToken() || r3.srv.PresenterToken() != r1.srv.PresenterToken() {
		t.Fatal("the replicas have different presenter tokens")
	}
	if d := r3.srv.Deck(); d.Meta.Title != "Cluster talk" || len(d.Slides) != 4 {
		t.Fatalf("r3 serves %q with %d slides, want the origin's", d.Meta.Title, len(d.Slides))
	}
	p := r1.dial(t, true)
	a2, a3 := r2.dial(t, false), r3.dial(t, false)
	p.until("state", nil)
	a2.until("state", nil)
	a3.until("state", nil)

	must(t, p.conn.WriteJSON(map[string]any{"type": "goto", "index": 1, "step": 1}))
	must(t, p.conn.WriteJSON(map[string]any{"type": "next"}))
	a2.until("state", func(f map[string]any) bool { return f["index"] == 1.0 && f["step"] == 2.0 })
	a3.until("state", func(f map[string]any) bool { return f["index"] == 1.0 && f["step"] == 2.0 })

	late := r3.dial(t, false)
	if f := late.until("state", nil); f["index"] != 1.0 || f["step"] != 2.0 {
		t.Errorf("late joiner's first state %v, want slide 2 step 2", f)
	}

	// The replicas' copy of the deck: notes for the presenter, never
	// for the audience.
	_, body := get(t, r2.ts.URL+"/api/deck")
	if strings.Contains(string(body), secretNote) {
		t.Errorf("a replica's /api/deck carries the notes")
	}
	_, body = get(t, r2.ts.URL+"/api/notes", "Cookie", "")
	if strings.Contains(string(body), secretNote) {
		t.Errorf("a replica's /api/notes gave the notes without a token")
	}
	if resp, body := get(t, r2.ts.URL+"/api/notes", "Cookie", presenterCookie(t, r2)); resp.StatusCode != 200 || !strings.Contains(string(body), secretNote) {
		t.Errorf("a replica's presenter does not get the notes: %d %s", resp.StatusCode, body)
	}

	// Presence across replicas: r2 has one phone, r3 two.
	p.until("cluster", func(f map[string]any) bool {
		return f["reachable"] == true && f["audience"] == 3.0 && len(f["replicas"].([]any)) == 3
	})
}

// presenterCookie logs in on r with the token and returns the cookie.
func presenterCookie(t *testing.T, r *replica) string {
	t.Helper()
	resp, _ := get(t, r.ts.URL+"/presenter?token="+r.srv.PresenterToken())
	for _, c := range resp.Cookies() {
		return c.Name + "=" + c.Value
	}
	t.Fatal("no presenter cookie")
	return ""
}

// TestClusterRace: two presenters on two replicas race 100 moves; none is
// lost, and every replica ends in the same state.
func TestClusterRace(t *testing.T) {
	t.Parallel()
	ns := embeddedNATS(t, t.TempDir(), 0)
	r1 := startReplica(t, ns, "", "r1", clusterDeck(t, 120, "Race"))
	r2 := startReplica(t, ns, "", "r2", "")
	r3 := startReplica(t, ns, "", "r3", "")
	var wg sync.WaitGroup
	for _, r := range []*replica{r1, r2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				r.srv.hub.Next()
			}
		}()
	}
	wg.Wait()
	// Slide 2 has two steps: 100 moves end on slide 99 (index 98).
	for _, r := range []*replica{r1, r2, r3} {
		eventually(t, "every replica on index 98", func() bool { return r.srv.hub.State().Index == 98 })
	}
	if r1.srv.hub.Revision() != r3.srv.hub.Revision() {
		t.Errorf("revisions differ: %d and %d", r1.srv.hub.Revision(), r3.srv.hub.Revision())
	}
}

// TestClusterKillReplica: a replica dies; its phone reconnects to another
// and gets the snapshot; presenters stop counting the dead replica.
func TestClusterKillReplica(t *testing.T) {
	t.Parallel()
	ns := embeddedNATS(t, t.TempDir(), 0)
	r1 := startReplica(t, ns, "", "r1", clusterDeck(t, 4, "Kill"))
	r2 := startReplica(t, ns, "", "r2", "")
	r3 := startReplica(t, ns, "", "r3", "")
	p := r1.dial(t, true)
	a := r3.dial(t, false)
	a.until("state", nil)
	must(t, p.conn.WriteJSON(map[string]any{"type": "goto", "index": 2}))
	a.until("state", atIndex(2))
	p.until("cluster", func(f map[string]any) bool { return len(f["replicas"].([]any)) == 3 })

	// The phone reads on while the replica stops: its shutdown waits for
	// the phone to answer the close frame.
	stopped := make(chan struct{})
	go func() { r3.stop(); close(stopped) }()
	a.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := a.conn.ReadMessage(); err != nil {
			break // the replica said goodbye
		}
	}
	<-stopped
	again := r2.dial(t, false) // through the load balancer, to another replica
	if f := again.until("state", nil); f["index"] != 2.0 {
		t.Errorf("reconnected phone at %v, want slide 3", f)
	}
	p.until("cluster", func(f map[string]any) bool { return len(f["replicas"].([]any)) == 2 })
	must(t, p.conn.WriteJSON(map[string]any{"type": "next"}))
	again.until("state", atIndex(3))
}

// TestClusterOutage: NATS goes away; the replicas keep serving their
// phones, presenters are told, and moves are refused rather than forking;
// when NATS is back everyone converges without a reload.
func TestClusterOutage(t *testing.T) {
	t.Parallel()
	dir, port := t.TempDir(), freePort(t)
	ns := embeddedNATS(t, dir, port)
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	r1 := startReplica(t, nil, url, "r1", clusterDeck(t, 4, "Outage"))
	r2 := startReplica(t, nil, url, "r2", "")
	p := r1.dial(t, true)
	a := r2.dial(t, false)
	must(t, p.conn.WriteJSON(map[string]any{"type": "goto", "index": 1}))
	a.until("state", atIndex(1))

	ns.Shutdown()
	ns.WaitForShutdown()
	p.until("cluster", func(f map[string]any) bool { return f["reachable"] == false })
	must(t, p.conn.WriteJSON(map[string]any{"type": "next"}))
	f := p.until("error", nil)
	if f["code"] != "cluster_unreachable" || !strings.Contains(f["message"].(string), "unreachable") {
		t.Errorf("refusal %v, want cluster_unreachable", f)
	}
	if st := r1.srv.hub.State(); st.Index != 1 || st.Step != 0 {
		t.Errorf("r1 moved alone to %+v during the outage", st)
	}
	// r2's phones still get their page and deck.
	if resp, _ := get(t, r2.ts.URL+"/api/deck"); resp.StatusCode != 200 {
		t.Errorf("r2 /api/deck during the outage: %d", resp.StatusCode)
	}

	embeddedNATS(t, dir, port) // back, with its stored state
	p.until("cluster", func(f map[string]any) bool { return f["reachable"] == true })
	p2 := r2.dial(t, true)
	p2.until("cluster", func(f map[string]any) bool { return f["reachable"] == true })
	must(t, p2.conn.WriteJSON(map[string]any{"type": "goto", "index": 3}))
	a.until("state", atIndex(3))
	p.until("state", atIndex(3))
}

// TestClusterDeckEdit: an edit on the origin's folder reaches a replica
// without the folder: its phones get a deck frame and the new deck.
func TestClusterDeckEdit(t *testing.T) {
	t.Parallel()
	ns := embeddedNATS(t, t.TempDir(), 0)
	dir := clusterDeck(t, 3, "Before")
	r1 := startReplica(t, ns, "", "r1", dir)
	startReplica(t, ns, "", "r2", "")
	r3 := startReplica(t, ns, "", "r3", "")
	a := r3.dial(t, false)
	old := a.until("state", nil)["version"]
	must(t, os.WriteFile(filepath.Join(dir, "01-talk.md"), []byte("---\ntitle: After\n---\n\n# One\n\n---\n\n# Two\n"), 0o644))
	if _, err := r1.srv.Reload(); err != nil {
		t.Fatal(err)
	}
	if f := a.until("deck", nil); f["version"] == old {
		t.Errorf("deck frame with the old version")
	}
	_, body := get(t, r3.ts.URL+"/api/deck")
	var d struct{ Title string }
	must(t, json.Unmarshal(body, &d))
	if d.Title != "After" {
		t.Errorf("r3 serves %q, want the edited deck", d.Title)
	}
}

// TestClusterHoldPublish: a hold on the origin's presenter keeps the
// audience of another replica on the published deck through an edit,
// and a publish from a presenter on a third replica releases it.
func TestClusterHoldPublish(t *testing.T) {
	t.Parallel()
	ns := embeddedNATS(t, t.TempDir(), 0)
	dir := clusterDeck(t, 3, "Held")
	r1 := startReplica(t, ns, "", "r1", dir)
	r2 := startReplica(t, ns, "", "r2", "")
	r3 := startReplica(t, ns, "", "r3", "")
	p := r1.dial(t, true)
	a := r2.dial(t, false)
	old := a.until("state", nil)["version"].(string)
	must(t, p.conn.WriteJSON(map[string]any{"type": "hold"}))
	p.until("hold", func(f map[string]any) bool { return f["held"] == true })
	eventually(t, "r2 held", func() bool { held, _, _ := r2.srv.hub.Held(); return held })

	must(t, os.WriteFile(filepath.Join(dir, "01-talk.md"), []byte("---\ntitle: Edited\n---\n\n# One\n"), 0o644))
	if _, err := r1.srv.Reload(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "r2 has the edit pending", func() bool { _, _, pending := r2.srv.hub.Held(); return pending != "" })
	_, body := get(t, r2.ts.URL+"/api/deck")
	if !strings.Contains(string(body), `"version":"`+old+`"`) {
		t.Errorf("r2's audience left the published deck while held")
	}

	p3 := r3.dial(t, true)
	p3.until("hold", nil)
	must(t, p3.conn.WriteJSON(map[string]any{"type": "publish"}))
	if f := a.until("deck", nil); f["version"] == old {
		t.Errorf("publish brought the old version")
	}
	_, body = get(t, r2.ts.URL+"/api/deck")
	if !strings.Contains(string(body), `"title":"Edited"`) {
		t.Errorf("r2's audience does not get the published edit")
	}
}

// editDeck replaces the deck in dir with one whose first slide says
// "Edited slide", and reloads the origin r.
func editDeck(t *testing.T, r *replica, dir string) {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(dir, "01-talk.md"), []byte("---\ntitle: Edited\n---\n\n# Edited slide\n\n---\n\n# Two\n"), 0o644))
	if _, err := r.srv.Reload(); err != nil {
		t.Fatal(err)
	}
}

// showsEdit reports whether r serves its audience the edit of editDeck.
func showsEdit(t *testing.T, r *replica) bool {
	t.Helper()
	_, body := get(t, r.ts.URL+"/api/deck")
	return strings.Contains(string(body), "Edited slide")
}

// audienceSees checks that r serves its audience the published deck
// (its first slide, not the edit) or, with edited, the edit.
func audienceSees(t *testing.T, r *replica, edited bool) {
	t.Helper()
	_, body := get(t, r.ts.URL+"/api/deck")
	if got := strings.Contains(string(body), "Edited slide"); got != edited {
		t.Errorf("%s's audience: edit shown %v, want %v (%.200s)", r.node.Name(), got, edited, body)
	}
	if got := strings.Contains(string(body), "Slide 1"); got == edited {
		t.Errorf("%s's audience: published deck shown %v, want %v", r.node.Name(), got, !edited)
	}
	if strings.Contains(string(body), secretNote) {
		t.Errorf("%s's audience is sent the speaker notes", r.node.Name())
	}
}

// TestClusterHoldLateReplica: a replica that starts during a hold serves
// its audience the published deck, not the edit the hold keeps back; its
// presenter sees the edit pending, as on the origin; a publish from a
// presenter on another replica releases the edit there too.
func TestClusterHoldLateReplica(t *testing.T) {
	t.Parallel()
	ns := embeddedNATS(t, t.TempDir(), 0)
	dir := clusterDeck(t, 3, "Held")
	r1 := startReplica(t, ns, "", "r1", dir)
	r2 := startReplica(t, ns, "", "r2", "")
	p := r1.dial(t, true)
	must(t, p.conn.WriteJSON(map[string]any{"type": "hold"}))
	p.until("hold", func(f map[string]any) bool { return f["held"] == true })
	editDeck(t, r1, dir)
	hold := p.until("hold", func(f map[string]any) bool { return f["pending"] != nil && f["pending"] != "" })

	r3 := startReplica(t, ns, "", "r3", "")
	a3 := r3.dial(t, false)
	if f := a3.until("state", nil); f["version"] != hold["published"] {
		t.Errorf("r3's phone is on version %v, want the published %v", f["version"], hold["published"])
	}
	audienceSees(t, r3, false)
	p3 := r3.dial(t, true)
	if f := p3.until("hold", nil); f["held"] != true || f["published"] != hold["published"] || f["pending"] != hold["pending"] {
		t.Errorf("r3's presenter is told %v, want the origin's %v", f, hold)
	}
	_, body := get(t, r3.ts.URL+"/api/deck?live", "Cookie", presenterCookie(t, r3))
	if !strings.Contains(string(body), "Edited slide") {
		t.Errorf("r3's presenter does not get the pending edit from /api/deck?live")
	}

	// The origin restarts during the hold: its folder has only the edit.
	p.conn.Close() // its presenter goes first: the shutdown does not wait for them
	r1.stop()
	r1 = startReplica(t, ns, "", "r1", dir)
	audienceSees(t, r1, false)
	if held, published, pending := r1.srv.hub.Held(); !held || published != hold["published"] || pending != hold["pending"] {
		t.Errorf("the restarted origin: held %v, published %s, pending %s; want %v", held, published, pending, hold)
	}

	p2 := r2.dial(t, true)
	p2.until("hold", nil)
	must(t, p2.conn.WriteJSON(map[string]any{"type": "publish"}))
	if f := a3.until("deck", nil); f["version"] != hold["pending"] {
		t.Errorf("publish brought r3's phone version %v, want %v", f["version"], hold["pending"])
	}
	audienceSees(t, r3, true)
	for _, r := range []*replica{r1, r2} {
		eventually(t, r.node.Name()+"'s audience on the edit", func() bool { return showsEdit(t, r) })
	}
}

// TestClusterOutageHold: NATS restarts during a hold; the hold is kept on
// every replica, a replica started after the restart serves the
// published deck too, and a publish afterwards releases everyone.
func TestClusterOutageHold(t *testing.T) {
	t.Parallel()
	dir, port := t.TempDir(), freePort(t)
	ns := embeddedNATS(t, dir, port)
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	deckDir := clusterDeck(t, 3, "Held")
	r1 := startReplica(t, nil, url, "r1", deckDir)
	r2 := startReplica(t, nil, url, "r2", "")
	p := r1.dial(t, true)
	must(t, p.conn.WriteJSON(map[string]any{"type": "hold"}))
	p.until("hold", func(f map[string]any) bool { return f["held"] == true })
	editDeck(t, r1, deckDir)
	p.until("hold", func(f map[string]any) bool { return f["pending"] != nil && f["pending"] != "" })
	eventually(t, "r2 has the edit pending", func() bool { _, _, pending := r2.srv.hub.Held(); return pending != "" })

	ns.Shutdown()
	ns.WaitForShutdown()
	p.until("cluster", func(f map[string]any) bool { return f["reachable"] == false })
	embeddedNATS(t, dir, port)
	p.until("cluster", func(f map[string]any) bool { return f["reachable"] == true })

	r3 := startReplica(t, nil, url, "r3", "")
	for _, r := range []*replica{r1, r2, r3} {
		if held, _, pending := r.srv.hub.Held(); !held || pending == "" {
			t.Errorf("%s after the restart: held %v, pending %q; want held with the edit pending", r.node.Name(), held, pending)
		}
		audienceSees(t, r, false)
	}
	a2 := r2.dial(t, false)
	a2.until("state", nil)
	must(t, p.conn.WriteJSON(map[string]any{"type": "publish"}))
	a2.until("deck", nil)
	for _, r := range []*replica{r1, r2, r3} {
		eventually(t, r.node.Name()+" released", func() bool { held, _, _ := r.srv.hub.Held(); return !held })
		audienceSees(t, r, true)
	}
}

// TestClusterHoldOtherVersion: a hold naming a deck version that the
// replicas no longer show (what a presenter on a replica the edit had not
// reached yet writes) brings that version back from the object store on
// every replica, with the newest pending. A version the store no longer
// has is a problem every presenter is told of, naming it, and a publish
// clears it.
func TestClusterHoldOtherVersion(t *testing.T) {
	t.Parallel()
	ns := embeddedNATS(t, t.TempDir(), 0)
	dir := clusterDeck(t, 3, "Held")
	r1 := startReplica(t, ns, "", "r1", dir)
	r2 := startReplica(t, ns, "", "r2", "")
	v1 := r1.srv.cur.Load().files
	if v1 == "" {
		t.Fatal("the origin's deck has no cluster version")
	}
	p := r1.dial(t, true)
	p2 := r2.dial(t, true)
	a2 := r2.dial(t, false)
	old := a2.until("state", nil)["version"]
	editDeck(t, r1, dir)
	a2.until("deck", func(f map[string]any) bool { return f["version"] != old })

	holdOn := func(version string) {
		t.Helper()
		if _, _, err := r2.node.Update(func(s live.Snapshot) (live.Snapshot, error) {
			s.Held, s.Published = true, version
			return s, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	holdOn(v1)
	for _, r := range []*replica{r1, r2} {
		eventually(t, r.node.Name()+"'s audience back on the held version", func() bool { return !showsEdit(t, r) })
		audienceSees(t, r, false)
	}
	for _, p := range []*wsClient{p, p2} {
		p.until("hold", func(f map[string]any) bool { return f["held"] == true && f["pending"] != nil && f["pending"] != "" })
	}

	const gone = "00000000deadbeef"
	holdOn(gone)
	for _, p := range []*wsClient{p, p2} {
		f := p.until("problems", func(f map[string]any) bool { return len(f["problems"].([]any)) > 0 })
		if msg := f["problems"].([]any)[0].(string); !strings.Contains(msg, gone) || !strings.Contains(msg, "no longer in the cluster's object store") {
			t.Errorf("problem %q, want the held version %s named as gone", msg, gone)
		}
	}
	audienceSees(t, r2, false) // the deck it has, and its presenter knows

	must(t, p.conn.WriteJSON(map[string]any{"type": "publish"}))
	for _, p := range []*wsClient{p, p2} {
		p.until("problems", func(f map[string]any) bool { return len(f["problems"].([]any)) == 0 })
	}
	for _, r := range []*replica{r1, r2} {
		eventually(t, r.node.Name()+"'s audience on the edit", func() bool { return showsEdit(t, r) })
	}
}

// TestClusterPresenceOnChange: a phone joining one replica reaches the
// presenter's count on another at once, not at the next presence period
// (an hour here, so only the change itself can tell it).
func TestClusterPresenceOnChange(t *testing.T) {
	t.Parallel()
	ns := embeddedNATS(t, t.TempDir(), 0)
	r1 := startReplicaEvery(t, ns, "", "r1", clusterDeck(t, 2, "Counts"), time.Hour)
	r2 := startReplicaEvery(t, ns, "", "r2", "", time.Hour)
	p := r1.dial(t, true)
	p.until("cluster", nil)
	r2.dial(t, false)
	p.until("cluster", func(f map[string]any) bool { return f["audience"] == 1.0 && len(f["replicas"].([]any)) == 2 })
}
