// Package cluster keeps several podium replicas of one talk in sync
// through NATS: the presentation state lives in a JetStream key-value
// bucket (one per talk) that every replica changes by compare-and-set and
// watches, the deck travels through a JetStream object store from the
// replica that has the folder (the origin) to those that have none, and
// each replica publishes its presence counts for the presenters of all.
// A hold names, in the shared state, the deck version its audience is
// kept on; the object store keeps that version while the hold lasts, so a
// replica that joins during it fetches it by name (FetchVersion).
//
// A Node is one replica's connection. It implements live.Shared; the
// server wires it to its hub (Follow) and, on the origin, hands it every
// good deck version (PublishDeck). NATS is the one owner of the shared
// state: a replica that cannot reach it keeps serving what it has and
// refuses presenter commands, and when NATS is back it reads the stored
// value again, so no two replicas ever disagree for longer than a watch.
//
// Everything here reaches NATS only; no HTTP route serves a subject, a
// key or an object. The bucket holds the whole deck, speaker notes
// included, and the presenter token: NATS credentials protect them.
package cluster

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/podium-talks/podium/server/live"
)

// Config says how to reach NATS and which talk this replica serves.
type Config struct {
	// URLs is a comma-separated list of NATS servers to join (--nats).
	URLs string
	// User and Password, Token, Creds (a .creds file) and the TLS files
	// are the usual NATS client credentials; leave unused ones empty.
	User, Password, Token, Creds string
	CA, Cert, Key                string
	// Listen, when set, runs a NATS server with JetStream inside this
	// process at this host:port (--nats-listen), storing under StoreDir;
	// the node then connects to it in-process.
	Listen   string
	StoreDir string
	// Server, when set, is an embedded NATS server to join in-process
	// (tests: no port at all).
	Server *server.Server
	// Talk names the talk: its bucket and subjects. Replicas of one talk
	// must agree on it; two talks on one NATS must not. Letters, digits,
	// '-' and '_'.
	Talk string
	// Name is this replica's name in presence; empty means host:pid.
	Name string
	// PresenceEvery is how often this replica says how many devices it
	// holds (and checks whether NATS is reachable); 0 means one second.
	// A replica unheard of for three periods is forgotten.
	PresenceEvery time.Duration
	Logger        *slog.Logger
}

// pingInterval and maxPingsOut bound how long a silent NATS server goes
// unnoticed (see Start).
const (
	pingInterval = 5 * time.Second
	maxPingsOut  = 2
)

// opTimeout bounds one round trip to JetStream: a presenter waits at most
// this long before a move is refused as unreachable.
const opTimeout = 2 * time.Second

// Keys of the talk's bucket.
const (
	keyState = "state" // live.Snapshot as JSON: where the talk is
	keyToken = "token" // the random presenter token every replica accepts
	keyDeck  = "deck"  // the newest deck version's manifest (see PublishDeck)
)

var talkName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Node is one replica's membership in the cluster. Start it, hand it to
// the hub as its live.Shared, Follow with the hub, Close at the end.
type Node struct {
	cfg    Config
	log    *slog.Logger
	ns     *server.Server // the embedded server, when this node runs it
	nc     *nats.Conn
	js     jetstream.JetStream
	kv     jetstream.KeyValue
	obj    jetstream.ObjectStore
	kick   chan struct{} // the connection went up or down: tell presenters now
	counts chan struct{} // this replica's device counts changed

	mu       sync.Mutex
	replicas map[string]seen // presence of the others, by name
	back     chan struct{}   // closed at the next reconnect (see Reconnected)
}

type seen struct {
	live.ReplicaPresence
	at time.Time
}

// Start connects to NATS (or starts the embedded server first) and opens
// the talk's bucket and object store, creating them if needed.
func Start(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Talk == "" {
		cfg.Talk = "podium"
	}
	if !talkName.MatchString(cfg.Talk) {
		return nil, fmt.Errorf("talk name %q: use letters, digits, '-' and '_' (at most 64)", cfg.Talk)
	}
	if cfg.Name == "" {
		host, _ := os.Hostname()
		cfg.Name = host + ":" + strconv.Itoa(os.Getpid())
	}
	if cfg.PresenceEvery <= 0 {
		cfg.PresenceEvery = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	n := &Node{cfg: cfg, log: cfg.Logger, kick: make(chan struct{}, 1), counts: make(chan struct{}, 1),
		replicas: map[string]seen{}, back: make(chan struct{})}
	if cfg.Listen != "" {
		ns, err := embedded(cfg.Listen, cfg.StoreDir)
		if err != nil {
			return nil, err
		}
		n.ns = ns
		cfg.Server = ns
	}
	opts := []nats.Option{
		nats.Name("podium " + cfg.Name),
		nats.MaxReconnects(-1), // a replica never gives up on the cluster
		nats.ReconnectWait(250 * time.Millisecond),
		// A NATS server that vanishes without closing the connection (a
		// partition, a host switched off) is noticed within pingInterval ×
		// (maxPingsOut + 1), not NATS's default of minutes: presenters are
		// told the cluster is unreachable. A server that stops, or whose
		// process dies, closes the socket and is noticed at once.
		nats.PingInterval(pingInterval),
		nats.MaxPingsOutstanding(maxPingsOut),
		nats.RetryOnFailedConnect(false),
		nats.DisconnectErrHandler(func(*nats.Conn, error) { n.poke() }),
		nats.ReconnectHandler(func(*nats.Conn) { n.reconnected(); n.poke() }),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			n.log.Debug("nats", "err", err)
		}),
	}
	if cfg.User != "" {
		opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
	}
	if cfg.Token != "" {
		opts = append(opts, nats.Token(cfg.Token))
	}
	if cfg.Creds != "" {
		opts = append(opts, nats.UserCredentials(cfg.Creds))
	}
	if cfg.CA != "" {
		opts = append(opts, nats.RootCAs(cfg.CA))
	}
	if cfg.Cert != "" || cfg.Key != "" {
		opts = append(opts, nats.ClientCert(cfg.Cert, cfg.Key))
	}
	if cfg.CA != "" || cfg.Cert != "" {
		opts = append(opts, nats.Secure(&tls.Config{MinVersion: tls.VersionTLS12}))
	}
	url := cfg.URLs
	if cfg.Server != nil {
		opts = append(opts, nats.InProcessServer(cfg.Server))
		if url == "" {
			url = cfg.Server.ClientURL()
		}
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		n.shutdownServer()
		return nil, fmt.Errorf("nats %s: %w", url, err)
	}
	n.nc = nc
	if err := n.open(ctx); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

// embedded starts a NATS server with JetStream at listen (host:port),
// its store under dir.
func embedded(listen, dir string) (*server.Server, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("--nats-listen %s: %w", listen, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("--nats-listen %s: bad port", listen)
	}
	if dir == "" {
		return nil, errors.New("embedded NATS needs a store folder")
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: "podium", Host: host, Port: p, JetStream: true,
		StoreDir: filepath.Join(dir, "jetstream"), NoSigs: true, NoLog: true,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("embedded NATS at %s did not start", listen)
	}
	return ns, nil
}

// open creates or opens the talk's bucket and object store.
func (n *Node) open(ctx context.Context) error {
	js, err := jetstream.New(n.nc)
	if err != nil {
		return err
	}
	n.js = js
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	bucket := "podium_" + n.cfg.Talk
	if n.kv, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: bucket, Description: "podium: the state of talk " + n.cfg.Talk, History: 1,
		Storage: jetstream.FileStorage,
	}); err != nil {
		return fmt.Errorf("nats: key-value bucket %s (is JetStream on?): %w", bucket, err)
	}
	if n.obj, err = js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: bucket + "_deck", Description: "podium: the deck files of talk " + n.cfg.Talk,
		Storage: jetstream.FileStorage,
	}); err != nil {
		return fmt.Errorf("nats: object store %s_deck: %w", bucket, err)
	}
	return nil
}

// ClientURL is the address other replicas join with --nats when this node
// runs the embedded server; "" otherwise.
func (n *Node) ClientURL() string {
	if n.ns == nil {
		return ""
	}
	return n.ns.ClientURL()
}

// Name is this replica's name in presence.
func (n *Node) Name() string { return n.cfg.Name }

// Close says goodbye to the other replicas (they drop this one's presence
// at once), closes the connection and stops the embedded server, if any.
func (n *Node) Close() {
	if n.nc != nil {
		if b, err := json.Marshal(presence{Name: n.cfg.Name, Gone: true}); err == nil && n.reachable() {
			n.nc.Publish(n.subject("presence"), b)
			n.nc.FlushTimeout(time.Second)
		}
		n.nc.Close()
	}
	n.shutdownServer()
}

func (n *Node) shutdownServer() {
	if n.ns != nil {
		n.ns.Shutdown()
		n.ns.WaitForShutdown()
	}
}

func (n *Node) subject(s string) string { return "podium." + n.cfg.Talk + "." + s }

// Reconnected is closed at the next reconnect to NATS: a watch then starts
// over, since a restarted NATS server has forgotten the consumer behind
// it, and the origin sends its deck again.
func (n *Node) Reconnected() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.back
}

func (n *Node) reconnected() {
	n.mu.Lock()
	defer n.mu.Unlock()
	close(n.back)
	n.back = make(chan struct{})
}

func (n *Node) poke() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

// presenceGap is the longest a change of this replica's device counts
// waits before the others are told (a tenth of the presence period when
// that is shorter): at most one message per gap however many devices come
// at once.
const presenceGap = 100 * time.Millisecond

// CountsChanged says that this replica's device counts changed: Follow
// tells the others within presenceGap instead of at the next presence
// period. It never blocks (the
// hub calls it under its lock: live.Options.CountsChanged).
func (n *Node) CountsChanged() {
	select {
	case n.counts <- struct{}{}:
	default:
	}
}

// reachable reports whether the connection is up.
func (n *Node) reachable() bool { return n.nc.Status() == nats.CONNECTED }

// Load reads the shared state: the zero Snapshot and revision 0 when no
// replica has written it yet.
func (n *Node) Load(ctx context.Context) (live.Snapshot, uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	return n.get(ctx)
}

func (n *Node) get(ctx context.Context) (live.Snapshot, uint64, error) {
	var s live.Snapshot
	e, err := n.kv.Get(ctx, keyState)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return s, 0, nil
	}
	if err != nil {
		return s, 0, fmt.Errorf("%w: %w", live.ErrUnreachable, err)
	}
	if err := json.Unmarshal(e.Value(), &s); err != nil {
		// Not ours, or damaged: the next move writes over it.
		n.log.Warn("the shared state is not a podium state; starting from the beginning", "err", err)
		return live.Snapshot{}, e.Revision(), nil
	}
	return s, e.Revision(), nil
}

// Update is live.Shared's compare-and-set: read, apply f, write if the
// revision is still the one read, else read again and re-apply.
func (n *Node) Update(f func(live.Snapshot) (live.Snapshot, error)) (live.Snapshot, uint64, error) {
	if !n.reachable() {
		return live.Snapshot{}, 0, fmt.Errorf("%w: not connected to NATS", live.ErrUnreachable)
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	for {
		cur, rev, err := n.get(ctx)
		if err != nil {
			return cur, 0, err
		}
		next, err := f(cur)
		if err != nil {
			return cur, 0, err
		}
		next.Token = "" // the token has its own key
		b, err := json.Marshal(next)
		if err != nil {
			return cur, 0, err
		}
		var nrev uint64
		if rev == 0 {
			nrev, err = n.kv.Create(ctx, keyState, b)
		} else {
			nrev, err = n.kv.Update(ctx, keyState, b, rev)
		}
		if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			continue // another replica wrote first: apply f to its value
		}
		if err != nil {
			return cur, 0, fmt.Errorf("%w: %w", live.ErrUnreachable, err)
		}
		return next, nrev, nil
	}
}

// Token is the presenter token every replica accepts: want when the
// speaker chose one (it is not stored), else the random one the first
// replica stored, or a new one that this replica stores.
func (n *Node) Token(ctx context.Context, want string) (string, error) {
	if want != "" {
		return want, nil
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	for {
		e, err := n.kv.Get(ctx, keyToken)
		if err == nil && len(e.Value()) >= live.MinTokenLen {
			return string(e.Value()), nil
		}
		if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
			return "", fmt.Errorf("nats: reading the presenter token: %w", err)
		}
		tok := live.NewToken()
		if _, err := n.kv.Create(ctx, keyToken, []byte(tok)); err == nil {
			return tok, nil
		} else if !errors.Is(err, jetstream.ErrKeyExists) {
			return "", fmt.Errorf("nats: storing the presenter token: %w", err)
		}
	}
}

// presence is one replica's message on the presence subject.
type presence struct {
	Name       string `json:"name"`
	Audience   int    `json:"audience"`
	Presenters int    `json:"presenters"`
	Gone       bool   `json:"gone,omitempty"` // the replica is shutting down
}

// Follow keeps hub in step with the cluster until ctx ends: it applies
// every stored state (and reads it again after a reconnect), publishes
// this replica's presence and tells presenters the cluster's presence and
// whether it is reachable.
func (n *Node) Follow(ctx context.Context, hub *live.Hub) {
	heard := make(chan struct{}, 1)
	sub, err := n.nc.Subscribe(n.subject("presence"), func(m *nats.Msg) {
		var p presence
		if json.Unmarshal(m.Data, &p) != nil || p.Name == "" || p.Name == n.cfg.Name {
			return
		}
		n.mu.Lock()
		if p.Gone {
			delete(n.replicas, p.Name)
		} else {
			n.replicas[p.Name] = seen{live.ReplicaPresence{Name: p.Name, Audience: p.Audience, Presenters: p.Presenters}, time.Now()}
		}
		n.mu.Unlock()
		select { // tell presenters; no answer, or two replicas would chat without end
		case heard <- struct{}{}:
		default:
		}
	})
	if err == nil {
		defer sub.Unsubscribe()
	}
	go n.watchState(ctx, hub)
	t := time.NewTicker(n.cfg.PresenceEvery)
	defer t.Stop()
	gap := min(n.cfg.PresenceEvery/10, presenceGap)
	wasUp := true
	for {
		up := n.reachable()
		if up && !wasUp {
			// Back after an outage: the stored state is the truth, even
			// if the watch has not caught up yet.
			if s, rev, err := n.Load(ctx); err == nil && rev > 0 {
				hub.Apply(rev, s)
			}
		}
		wasUp = up
		a, p := hub.Presence()
		if up {
			if b, err := json.Marshal(presence{Name: n.cfg.Name, Audience: a, Presenters: p}); err == nil {
				n.nc.Publish(n.subject("presence"), b)
			}
		}
		hub.SetCluster(n.status(up, a, p))
		last := time.Now()
		var soon <-chan time.Time // the next message, after a change of counts
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				waiting = false
			case <-n.kick:
				waiting = false
			case <-n.counts:
				if soon == nil {
					soon = time.After(max(0, gap-time.Since(last)))
				}
			case <-soon:
				waiting = false
			case <-heard:
				a, p := hub.Presence()
				hub.SetCluster(n.status(n.reachable(), a, p))
			}
		}
	}
}

// status is the cluster as this replica sees it: itself first, then the
// others heard of within three presence periods, by name.
func (n *Node) status(up bool, audience, presenters int) live.ClusterStatus {
	cs := live.ClusterStatus{Reachable: up,
		Replicas: []live.ReplicaPresence{{Name: n.cfg.Name, Audience: audience, Presenters: presenters}}}
	n.mu.Lock()
	defer n.mu.Unlock()
	stale := time.Now().Add(-3 * n.cfg.PresenceEvery)
	var others []live.ReplicaPresence
	for name, r := range n.replicas {
		if r.at.Before(stale) {
			delete(n.replicas, name)
			continue
		}
		others = append(others, r.ReplicaPresence)
	}
	slices.SortFunc(others, func(a, b live.ReplicaPresence) int { return strings.Compare(a.Name, b.Name) })
	cs.Replicas = append(cs.Replicas, others...)
	return cs
}

// watchState applies every value of the state key to hub, the current one
// first. The watch resumes by itself after a reconnect.
func (n *Node) watchState(ctx context.Context, hub *live.Hub) {
	n.watch(ctx, keyState, func(e jetstream.KeyValueEntry) {
		var s live.Snapshot
		if err := json.Unmarshal(e.Value(), &s); err != nil {
			n.log.Warn("ignoring a shared state that is not a podium state", "revision", e.Revision(), "err", err)
			return
		}
		hub.Apply(e.Revision(), s)
	})
}

// watch calls f with every value put under key, the current one first,
// until ctx ends; it starts over after a reconnect, and after a failure
// once per presence period.
func (n *Node) watch(ctx context.Context, key string, f func(jetstream.KeyValueEntry)) {
	for ctx.Err() == nil {
		back := n.Reconnected()
		w, err := n.kv.Watch(ctx, key)
		if err != nil {
			n.log.Debug("cannot watch; retrying", "key", key, "err", err)
			select {
			case <-ctx.Done():
			case <-back:
			case <-time.After(n.cfg.PresenceEvery):
			}
			continue
		}
	read:
		for {
			select {
			case <-ctx.Done():
				break read
			case <-back:
				break read
			case e, ok := <-w.Updates():
				if !ok {
					break read
				}
				if e != nil && e.Operation() == jetstream.KeyValuePut { // nil: the current value is in
					f(e)
				}
			}
		}
		w.Stop()
	}
}
