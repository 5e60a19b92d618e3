package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	// writeWait bounds every write. A client whose socket stays full this
	// long is evicted; it must exceed any honest stall (a phone switching
	// networks). A peer that is gone altogether is noticed sooner, by the
	// reader (SilenceBeats heartbeats without a pong), so writeWait need not
	// be short.
	writeWait = 10 * time.Second

	// closeGrace is how long a connection lingers after we queue a close
	// frame, waiting for the peer's close reply, before it is cut.
	closeGrace = 2 * time.Second

	// readBufferSize is small on purpose: client messages are a few dozen
	// bytes, and idle connections must stay cheap. gorilla raises it to 125
	// if needed to hold a control frame.
	readBufferSize = 256
)

const (
	// DefaultHeartbeat is how often the hub proves every connection alive,
	// both ways, through its one writer: a ping, which browsers answer by
	// themselves (the pong extends the server's read deadline), and a beat
	// frame, which pages can see (browsers hide pings from scripts). It
	// sets how fast a dead connection is noticed (SilenceBeats of it) and
	// what idle connections cost: two small writes per connection per beat.
	DefaultHeartbeat = 3 * time.Second

	// SilenceBeats heartbeats without a word from the peer mean it is
	// gone: the server drops it (so presence forgets it) and the page shows
	// "reconnecting" and dials again. More than one, so that a beat queued
	// behind a slow write or a lost packet's retransmit is not a death;
	// few enough that SilenceBeats × DefaultHeartbeat stays within the 10 s
	// a room notices (docs/protocol.md promises ≤ 10 s).
	SilenceBeats = 3
)

// deviceIDMax bounds the device id a page sends (docs/protocol.md): a
// random id is 22 characters; anything longer or odd is not one.
const deviceIDMax = 64

// Defaults for zero Options fields.
const (
	DefaultMaxConns       = 20000
	DefaultMaxConnsPerIP  = 64
	DefaultMaxMessageSize = 4096
	DefaultRateLimit      = 20 // messages per second, per connection
	DefaultRateBurst      = 40
)

// Options configure a Hub. The zero value is usable.
type Options struct {
	// Auth grants presenter rights; nil means nobody can drive.
	Auth *Auth
	// MaxConns caps simultaneous audience connections; beyond it the
	// upgrade is refused with 503. Presenters always get in.
	// 0 means DefaultMaxConns, <0 no cap.
	MaxConns int
	// MaxConnsPerIP caps simultaneous audience connections from one
	// client address (ClientIP); beyond it the upgrade is refused with
	// 429. Presenters and loopback clients (this machine, or a reverse
	// proxy on it) are not capped. 0 means DefaultMaxConnsPerIP, <0 no cap.
	MaxConnsPerIP int
	// MaxMessageSize is the largest client frame accepted; bigger ones
	// close the connection with 1009. 0 means DefaultMaxMessageSize.
	MaxMessageSize int64
	// RateLimit is the sustained number of messages per second one
	// connection may send, with bursts of RateBurst. Excess messages are
	// dropped with a rate_limited error frame; a client that keeps going
	// after RateBurst consecutive drops is closed with 1008.
	// 0 means the defaults; a negative RateLimit disables the limit.
	RateLimit float64
	RateBurst int
	// Heartbeat is the period of pings and beat frames (see
	// DefaultHeartbeat); a connection silent for SilenceBeats of them is
	// dropped. 0 means DefaultHeartbeat. Tests shorten it.
	Heartbeat time.Duration
	// AllowedOrigins lists extra origins (scheme://host[:port]) allowed to
	// open the websocket besides the page's own; "*" allows any. Requests
	// without an Origin header (non-browser clients) are always allowed.
	AllowedOrigins []string
	// Logger receives connection-level events; nil discards them.
	Logger *slog.Logger

	// Store keeps the presentation state across restarts: the hub saves a
	// Snapshot after every change (coalesced, see saveDelay) and once at
	// start, and a last time in Shutdown. Nil keeps nothing.
	Store Store
	// Restore is where the talk starts: usually what Store.Load returned.
	// Its slide is found again by id in the first deck (SetDeck), else by
	// its index; a running timer has been running all along.
	Restore Snapshot
	// KeepToken saves Auth's token with the state, so that a restart does
	// not lock the presenter out. Leave it off for a token the speaker
	// chose: it never reaches the disk.
	KeepToken bool
	// Clock is the time the hub uses for the presenter clock and for
	// coalescing saves; nil means the real one.
	Clock Clock

	// Shared, when set, owns the state instead of this hub: presenter
	// commands go through its compare-and-set, and the hub follows what
	// Apply brings (see Shared). Restore is then the shared value read at
	// start, Revision its revision; Store should be nil.
	Shared   Shared
	Revision uint64
	// WantDeck, with Shared, is asked for the deck whose files are
	// version files (Deck.Files) when the shared state holds the audience
	// on it and this hub has not got it: a replica that missed the hold,
	// or whose origin moved on meanwhile. It runs on a goroutine of its
	// own, and answers with SetPublished; until then the audience stays
	// on the deck it has. It is called again with "" when the hub lacks
	// none any more (the hold ended, the version arrived); see Wanted.
	WantDeck func(files string)
	// CountsChanged, when set, is called whenever a device connects or
	// goes (see Presence), under the hub's lock: it must not block. A
	// replica tells the others its counts sooner than its presence period.
	CountsChanged func()
}

// Hub owns the presentation state and the connected clients. Create it with
// New, mount it at /ws, feed it with SetDeck, stop it with Shutdown or Close.
type Hub struct {
	auth     *Auth
	opts     Options
	log      *slog.Logger
	upgrader websocket.Upgrader
	hello    [2]*websocket.PreparedMessage // audience, presenter
	beat     *websocket.PreparedMessage    // the heartbeat frame, encoded once
	pingPM   *websocket.PreparedMessage    // the heartbeat's ping, likewise
	perIP    ipCount

	// Tests shorten these; everything else uses the constants.
	writeWait, pongWait, pingPeriod, closeGrace time.Duration

	clock Clock
	saver *saver // nil without a Store

	mu         sync.Mutex // guards all below
	deck       Deck       // the published deck: the one State refers to
	pending    *Deck      // newest deck received while held, if newer than deck
	held       bool       // deck edits wait for a publish
	state      State
	chosen     *Position // where the presenter put the talk, if a reload moved it elsewhere
	timer      timerState
	statePM    *websocket.PreparedMessage // current state, shared with late joiners
	problems   []string                   // why the last reload failed; none when it did not
	warnings   []string                   // what the deck shown probably got wrong
	problemsPM *websocket.PreparedMessage // problems and warnings; nil when there are none
	clusterPM  *websocket.PreparedMessage // the last cluster frame; nil without one
	shared     Snapshot                   // the shared state last applied (Options.Shared)
	sharedRev  uint64                     // its revision
	wanted     string                     // the files asked of WantDeck last
	clients    map[*client]struct{}
	presenters int   // presenter connections
	devices    tally // audience devices, for presence
	speakers   tally // presenter devices, for presence
	drivers    int   // presenter connections from the audience page (projectors)
	slots      int   // heartbeat group of the next connection (see pinger)
	upgrading  int   // connections counted against MaxConns before they register
	closing    bool  // Shutdown started: refuse new connections
	drained    chan struct{}
	stop       chan struct{} // closed by Shutdown: stops the pinger
}

// New returns a Hub with an empty deck. It starts one background goroutine
// (the pinger); call Shutdown or Close to stop it.
func New(opts Options) *Hub {
	if opts.MaxConns == 0 {
		opts.MaxConns = DefaultMaxConns
	}
	if opts.MaxConnsPerIP == 0 {
		opts.MaxConnsPerIP = DefaultMaxConnsPerIP
	}
	if opts.MaxMessageSize <= 0 {
		opts.MaxMessageSize = DefaultMaxMessageSize
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = DefaultRateLimit
	}
	if opts.RateBurst <= 0 {
		opts.RateBurst = DefaultRateBurst
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = DefaultHeartbeat
	}
	h := &Hub{
		auth:       opts.Auth,
		opts:       opts,
		log:        opts.Logger,
		writeWait:  writeWait,
		pongWait:   SilenceBeats * opts.Heartbeat,
		pingPeriod: opts.Heartbeat,
		closeGrace: closeGrace,
		clock:      opts.Clock,
		clients:    make(map[*client]struct{}),
		drained:    make(chan struct{}),
		stop:       make(chan struct{}),
		perIP:      ipCount{max: opts.MaxConnsPerIP},
	}
	h.upgrader = websocket.Upgrader{
		ReadBufferSize:  readBufferSize,
		WriteBufferSize: 1024,
		WriteBufferPool: new(sync.Pool),
		CheckOrigin:     h.checkOrigin,
	}
	rate := opts.RateLimit
	if rate < 0 {
		rate = 0
	}
	for i, role := range [2]string{RoleAudience, RolePresenter} {
		h.hello[i] = prepare(helloMsg{Type: "hello", Role: role, Protocol: ProtocolVersion,
			MaxMessageSize: opts.MaxMessageSize, Rate: rate,
			Heartbeat: opts.Heartbeat.Milliseconds(), Silence: h.pongWait.Milliseconds()})
	}
	h.restore(opts.Restore)
	if opts.Shared != nil {
		h.shared, h.sharedRev = opts.Restore, opts.Revision
		h.state.Download = opts.Restore.Download
	}
	h.beat = prepare(beatMsg{"beat"})
	var err error
	if h.pingPM, err = websocket.NewPreparedMessage(websocket.PingMessage, nil); err != nil {
		panic("live: preparing ping: " + err.Error()) // a constant frame
	}
	h.statePM = prepare(stateMsg{"state", h.state})
	if opts.Store != nil {
		h.saver = &saver{store: opts.Store, clock: opts.Clock, log: opts.Logger}
		h.persistLocked() // the token, and a fresh start replaces an old state at once
	}
	go h.pinger()
	return h
}

// State returns the current state.
func (h *Hub) State() State {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}

// Presence returns the number of audience and presenter devices connected:
// connections that sent the same device id count once (the tabs of one
// browser profile), connections without one count one each.
func (h *Hub) Presence() (audience, presenters int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.devices.count(), h.speakers.count()
}

// tally counts distinct devices among connections: a reference count per
// device id, plus the connections that sent none.
type tally struct {
	ids  map[string]int
	anon int
}

func (t *tally) add(id string, d int) {
	if id == "" {
		t.anon += d
		return
	}
	if t.ids == nil {
		t.ids = make(map[string]int)
	}
	if n := t.ids[id] + d; n > 0 {
		t.ids[id] = n
	} else {
		delete(t.ids, id)
	}
}

func (t *tally) count() int { return len(t.ids) + t.anon }

// deviceID returns the device id a page sent on the websocket URL, or ""
// when it sent none or something that is not one.
func deviceID(r *http.Request) string {
	id := r.URL.Query().Get("device")
	if len(id) > deviceIDMax {
		return ""
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return ""
		}
	}
	return id
}

// SetDeck installs a new deck version (call it on every successful reload).
// The current slide is found again by id; if it is gone the nearest
// surviving slide takes over. Clients get a deck frame, then a state frame.
// A deck with the same version and the same resulting state is a no-op.
//
// While a presenter holds (the hold message), the deck is kept pending
// instead: presenters get a hold frame naming it, the audience stays on the
// published deck until a presenter publishes. See Held.
func (h *Hub) SetDeck(d Deck) {
	d = copyDeck(d)
	h.mu.Lock()
	defer h.mu.Unlock()
	// The first deck is published even when held (after a restart): the
	// audience must have something to show.
	if h.held && h.deck.Version != "" {
		if h.opts.Shared != nil && d.Files != "" && d.Files == h.shared.Published && d.Files != h.deck.Files {
			// The version the shared hold names, reaching this replica
			// after the hold: it is the one the audience must see.
			h.pending = nil
			h.showHeldLocked(d)
			return
		}
		h.pending = &d
		if d.Version == h.deck.Version {
			h.pending = nil
		}
		h.holdLocked()
		return
	}
	h.applyDeckLocked(d)
}

// SetProblems tells presenters why the deck on disk fails to load (one
// "file:line: message" per entry), or, with none, that it loads again. The
// audience is never told: it keeps the last good deck.
func (h *Hub) SetProblems(problems []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.setProblemsLocked(problems, h.warnings, len(problems) > 0)
}

// SetWarnings tells presenters what the deck that loads probably got
// wrong (deck.Deck.Warnings, as podium check prints them), in the same
// frame as the problems. The audience is never told.
func (h *Hub) SetWarnings(warnings []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.setProblemsLocked(h.problems, warnings, false)
}

// setProblemsLocked sends presenters a problems frame when the problems
// or the warnings changed, or when again is set: each failed save shows
// its problems again, even the same ones, on a panel the presenter closed.
func (h *Hub) setProblemsLocked(problems, warnings []string, again bool) {
	if !again && slices.Equal(problems, h.problems) && slices.Equal(warnings, h.warnings) {
		return
	}
	h.problems, h.warnings = slices.Clone(problems), slices.Clone(warnings)
	pm := prepare(problemsMsg{"problems", append([]string{}, problems...), h.warnings})
	h.problemsPM = pm
	if len(problems) == 0 && len(warnings) == 0 {
		h.problemsPM = nil
	}
	h.broadcastLocked(kindProblems, pm, true)
}

// SetNotes tells presenters that the speaker notes changed (to version)
// in an edit that changed nothing else: a notes frame, so they refetch
// /api/notes. The audience is never told; nothing it sees changed.
func (h *Hub) SetNotes(version string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.broadcastLocked(kindNotes, prepare(notesMsg{"notes", version}), true)
}

// Held reports whether deck edits are held, the published version (the one
// State refers to and the audience must be served) and the pending one (""
// when nothing waits). The server keeps the rendered deck of the published
// version around while a newer one is pending.
func (h *Hub) Held() (held bool, published, pending string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pending != nil {
		pending = h.pending.Version
	}
	return h.held, h.deck.Version, pending
}

// Hold and Publish are the hold and publish messages, for server-side use.
func (h *Hub) Hold() {
	if h.opts.Shared != nil {
		h.update(nil, "hold", held(true))
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.setHeldLocked(true)
}

// Publish releases the pending deck, if any, to everyone and stops holding.
func (h *Hub) Publish() {
	if h.opts.Shared != nil {
		h.update(nil, "publish", held(false))
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.setHeldLocked(false)
}

// SetPublished installs d, the deck version the shared state holds the
// audience on (Snapshot.Published) as the server fetched it for WantDeck,
// as the published deck; the newest deck stays pending. A deck the shared
// state no longer names, or that is already shown, is ignored.
func (h *Hub) SetPublished(d Deck) {
	d = copyDeck(d)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.opts.Shared == nil || !h.held || d.Files == "" || d.Files != h.shared.Published || d.Files == h.deck.Files {
		return
	}
	newest := h.deck
	if h.pending != nil {
		newest = *h.pending
	}
	h.pending = nil
	if newest.Version != d.Version {
		h.pending = &newest
	}
	h.showHeldLocked(d)
}

// followHoldLocked makes the published deck the version the shared hold
// names when it is another: the pending deck if it is that version, else
// what WantDeck brings.
func (h *Hub) followHoldLocked() {
	want := h.shared.Published
	if !h.held || want == "" || h.deck.Version == "" || want == h.deck.Files {
		h.wantLocked("")
		return
	}
	if h.pending != nil && h.pending.Files == want {
		d := *h.pending
		h.pending = nil
		h.showHeldLocked(d)
		return
	}
	h.wantLocked(want)
}

// showHeldLocked puts the audience on d, the version the shared hold
// names, and stops asking WantDeck for it.
func (h *Hub) showHeldLocked(d Deck) {
	h.applyDeckLocked(d)
	h.holdLocked()
	h.wantLocked("")
}

// wantLocked tells WantDeck the deck version this hub lacks, or "" when
// it lacks none any more, if that changed.
func (h *Hub) wantLocked(files string) {
	if h.opts.WantDeck == nil || files == h.wanted {
		return
	}
	h.wanted = files
	go h.opts.WantDeck(files)
}

// Wanted is the deck version last asked of WantDeck: "" when the hub
// lacks none. An answer to an older question is stale.
func (h *Hub) Wanted() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.wanted
}

func (h *Hub) setHeldLocked(held bool) {
	if held == h.held {
		return
	}
	h.held = held
	h.persistLocked()
	if !held && h.pending != nil {
		d := *h.pending
		h.pending = nil
		h.applyDeckLocked(d)
	}
	h.holdLocked()
}

func (h *Hub) holdMsgLocked() holdMsg {
	m := holdMsg{Type: "hold", Held: h.held, Published: h.deck.Version}
	if h.pending != nil {
		m.Pending = h.pending.Version
	}
	return m
}

func (h *Hub) holdLocked() {
	if h.presenters > 0 {
		h.broadcastLocked(kindHold, prepare(h.holdMsgLocked()), true)
	}
}

func (h *Hub) applyDeckLocked(d Deck) {
	old := h.deck
	h.deck = d
	if h.opts.Shared != nil {
		// The shared value is where the presenter put the talk: every
		// replica finds it again on its own deck, nothing is written.
		s := stateOf(h.shared, &old, &h.deck)
		if d.Version != old.Version {
			h.broadcastLocked(kindDeck, prepare(deckMsg{"deck", d.Version}), false)
		}
		h.setStateLocked(s, true)
		return
	}
	s := h.state.rebase(&old, &h.deck, h.chosen)
	if d.Version == old.Version && s == h.state {
		return
	}
	// Remember where the presenter put the talk while a reload moves it
	// elsewhere (a save that briefly drops their slide): a later reload
	// that brings the slide back returns everyone to it.
	switch {
	case h.chosen != nil && s.Slide == h.chosen.Slide && s.Step == h.chosen.Step:
		h.chosen = nil
	case h.chosen == nil && h.state.Slide != "" && (s.Slide != h.state.Slide || s.Step != h.state.Step):
		h.chosen = &Position{Slide: h.state.Slide, Step: h.state.Step}
	}
	if d.Version != old.Version {
		h.broadcastLocked(kindDeck, prepare(deckMsg{"deck", d.Version}), false)
	}
	h.setStateLocked(s, true)
}

// Next, Prev, Goto and Blackout drive the presentation from the server side
// (a CLI remote, tests); they behave like the presenter messages.
func (h *Hub) Next() { h.navigate(true, func(s State, d *Deck) State { return s.next(d) }) }

// Prev moves one step back; see Next.
func (h *Hub) Prev() { h.navigate(true, func(s State, d *Deck) State { return s.prev(d) }) }

// Goto moves to slide index i at step (both clamped).
func (h *Hub) Goto(i, step int) {
	h.navigate(true, func(s State, d *Deck) State { return s.at(d, i, step) })
}

// Blackout turns the blackout on or off.
func (h *Hub) Blackout(on bool) {
	h.navigate(false, func(s State, _ *Deck) State { s.Blackout = on; return s })
}

// SetDownload offers the slides to the audience, or stops offering them:
// every client hears it in the next state frame.
func (h *Hub) SetDownload(on bool) {
	h.navigate(false, func(s State, _ *Deck) State { s.Download = on; return s })
}

// navigate applies f to the state; moved says it is a move of the
// presenter's (not a blackout), which makes the result their chosen slide.
func (h *Hub) navigate(moved bool, f func(State, *Deck) State) {
	if h.opts.Shared != nil {
		h.update(nil, "navigate", move(f))
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.changeLocked(f(h.state, &h.deck), moved)
}

// changeLocked installs a state a presenter asked for; a move also makes
// it the slide the presenter chose, forgetting any other.
func (h *Hub) changeLocked(s State, moved bool) {
	if moved && h.chosen != nil {
		h.chosen = nil
		h.persistLocked()
	}
	h.setStateLocked(s, false)
}

// setStateLocked installs s and broadcasts it if it changed (or if force).
func (h *Hub) setStateLocked(s State, force bool) {
	if s == h.state && !force {
		return
	}
	h.state = s
	h.statePM = prepare(stateMsg{"state", s})
	h.broadcastLocked(kindState, h.statePM, false)
	h.persistLocked()
}

// broadcastLocked drops pm into the slot k of every client (presenters only
// if presentersOnly). It never blocks: slots are latest-wins.
func (h *Hub) broadcastLocked(k kind, pm *websocket.PreparedMessage, presentersOnly bool) {
	for c := range h.clients {
		if presentersOnly && !c.presenter {
			continue
		}
		c.push(k, pm)
	}
}

func (h *Hub) presenceLocked() {
	if h.opts.CountsChanged != nil {
		h.opts.CountsChanged()
	}
	if h.presenters == 0 {
		return
	}
	h.broadcastLocked(kindPresence, prepare(presenceMsg{"presence", h.devices.count(), h.speakers.count(), h.drivers}), true)
}

// ServeHTTP is the /ws endpoint: it upgrades the request, decides the role
// with Options.Auth (cookie or ?token=), and sends the hello and snapshot
// frames. The page may say which device it runs on (?device=, for
// presence) and which page it is (?page=audience: with presenter rights
// that is a driver, a projector the clicker drives). It returns as soon as the connection is registered, so that no
// goroutine keeps net/http's per-request buffers alive.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	presenter := h.auth.IsPresenter(r)
	h.mu.Lock()
	if h.closing {
		h.mu.Unlock()
		http.Error(w, "503 shutting down", http.StatusServiceUnavailable)
		return
	}
	// Presenters are not counted against the cap: a full room must not
	// lock the speaker out.
	if !presenter && h.opts.MaxConns > 0 && len(h.clients)-h.presenters+h.upgrading >= h.opts.MaxConns {
		h.mu.Unlock()
		w.Header().Set("Retry-After", "5")
		http.Error(w, "503 too many connections", http.StatusServiceUnavailable)
		return
	}
	ip := ""
	if !presenter && !loopback(r) {
		if ip = ClientIP(r); !h.perIP.acquire(ip) {
			h.mu.Unlock()
			h.log.Info("websocket refused: too many connections from one address", "ip", ip, "max", h.opts.MaxConnsPerIP)
			w.Header().Set("Retry-After", "5")
			http.Error(w, "429 too many connections from your address", http.StatusTooManyRequests)
			return
		}
	}
	h.upgrading++
	h.mu.Unlock()

	conn, err := h.upgrader.Upgrade(w, r, nil)

	h.mu.Lock()
	defer h.mu.Unlock()
	h.upgrading--
	if err != nil {
		h.perIP.release(ip)
		h.log.Debug("websocket upgrade failed", "remote", r.RemoteAddr, "err", err)
		return // the upgrader has answered
	}
	c := &client{hub: h, conn: conn, presenter: presenter, ip: ip, device: deviceID(r),
		driver: presenter && r.URL.Query().Get("page") == "audience"}
	if h.closing {
		h.perIP.release(ip)
		conn.Close()
		return
	}
	h.clients[c] = struct{}{}
	h.count(c, 1)
	c.slot = h.slots
	h.slots = (h.slots + 1) % beatSlices
	// The writer may start at the first push: hello goes in first so it is
	// written first whatever the writer's timing.
	role := 0
	if presenter {
		role = 1
	}
	c.push(kindHello, h.hello[role])
	c.push(kindState, h.statePM)
	if presenter {
		c.push(kindTimer, prepare(h.timer.msg(h.clock.Now())))
		c.push(kindHold, prepare(h.holdMsgLocked()))
		if h.problemsPM != nil {
			c.push(kindProblems, h.problemsPM)
		}
		if h.clusterPM != nil {
			c.push(kindCluster, h.clusterPM)
		}
	}
	h.presenceLocked()
	go c.readLoop()
}

// unregister forgets c; called once, by its reader, when it ends.
func (h *Hub) unregister(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[c]; !ok {
		return
	}
	delete(h.clients, c)
	h.perIP.release(c.ip)
	h.count(c, -1)
	h.presenceLocked()
	if h.closing && len(h.clients) == 0 {
		close(h.drained)
	}
}

// count adds c (d = 1) to the presence counts or removes it (d = -1).
func (h *Hub) count(c *client, d int) {
	if !c.presenter {
		h.devices.add(c.device, d)
		return
	}
	h.presenters += d
	h.speakers.add(c.device, d)
	if c.driver {
		h.drivers += d
	}
}

// handle applies one message from c. Only the reader of c calls it.
func (h *Hub) handle(c *client, typ int, data []byte) {
	if typ != websocket.TextMessage {
		c.sendError(ErrBadRequest, "frames must be JSON text", "")
		return
	}
	var m inMsg
	if err := json.Unmarshal(data, &m); err != nil {
		c.sendError(ErrBadRequest, "invalid JSON", "")
		return
	}
	switch m.Type {
	case "goto", "next", "prev", "blackout", "timer", "hold", "publish":
	default:
		c.sendError(ErrUnknownType, "unknown message type", m.Type)
		return
	}
	if !c.presenter {
		c.sendError(ErrForbidden, "only a presenter may send "+m.Type, m.Type)
		return
	}
	if h.opts.Shared != nil {
		cmd, refused := commandOf(m)
		if refused != nil {
			c.sendError(refused.code, refused.msg, m.Type)
			return
		}
		h.update(c, m.Type, cmd)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.state
	switch m.Type {
	case "next":
		s = s.next(&h.deck)
	case "prev":
		s = s.prev(&h.deck)
	case "blackout":
		if m.On != nil {
			s.Blackout = *m.On
		} else {
			s.Blackout = !s.Blackout
		}
	case "goto":
		step := 0
		if m.Step != nil {
			step = *m.Step
		}
		switch {
		case m.Slide != nil:
			i := -1
			for j, sl := range h.deck.Slides {
				if sl.ID == *m.Slide {
					i = j
					break
				}
			}
			if i < 0 {
				c.sendError(ErrNotFound, "no slide with this id", m.Type)
				return
			}
			s = s.at(&h.deck, i, step)
		case m.Index != nil:
			s = s.at(&h.deck, *m.Index, step)
		default:
			c.sendError(ErrBadRequest, "goto needs slide or index", m.Type)
			return
		}
	case "hold":
		h.setHeldLocked(m.On == nil || *m.On)
		return
	case "publish":
		h.setHeldLocked(false)
		return
	case "timer":
		now := h.clock.Now()
		if !h.timer.apply(m.Action, m.Target, now) {
			c.sendError(ErrBadRequest, "timer action must be start, pause or reset", m.Type)
			return
		}
		h.broadcastLocked(kindTimer, prepare(h.timer.msg(now)), true)
		h.persistLocked()
		return
	}
	h.changeLocked(s, m.Type != "blackout")
}

// checkOrigin accepts clients without Origin (not a browser), the page's
// own origin, and Options.AllowedOrigins.
func (h *Hub) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, o := range h.opts.AllowedOrigins {
		if o == "*" || strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	h.log.Info("websocket origin refused", "origin", origin, "host", r.Host)
	return false
}

// pinger queues the heartbeat (a ping and a beat frame) on every
// connection each pingPeriod; the writers send them, so they never race
// data frames, and an idle connection needs no goroutine of its own.
//
// Each tick serves one of beatSlices groups of connections (by the slot
// given at register), so that a 10,000-strong room is not woken at once:
// all of their writers at the same instant would cost a burst of
// goroutine stacks (RSS the runtime keeps) and a CPU spike every beat.
func (h *Hub) pinger() {
	t := time.NewTicker(h.pingPeriod / beatSlices)
	defer t.Stop()
	for tick := 0; ; tick = (tick + 1) % beatSlices {
		select {
		case <-h.stop:
			return
		case <-t.C:
			h.mu.Lock()
			for c := range h.clients {
				if c.slot == tick {
					c.heartbeat(h.beat)
				}
			}
			h.mu.Unlock()
		}
	}
}

// beatSlices is how many groups the heartbeat is spread over within one
// period (see pinger).
const beatSlices = 16

// Shutdown sends a 1001 close frame to every client and waits until they
// have all gone or ctx ends, then cuts whatever remains. New connections
// are refused with 503 from the start. net/http's Server.Shutdown does not
// track hijacked connections, so call this alongside it.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	if !h.closing {
		h.closing = true
		close(h.stop)
		if len(h.clients) == 0 {
			close(h.drained)
		}
		for c := range h.clients {
			c.closeWith(CloseGoingAway, "server shutting down")
		}
	}
	h.mu.Unlock()
	select {
	case <-h.drained:
		h.closeStore()
		return nil
	case <-ctx.Done():
	}
	h.mu.Lock()
	for c := range h.clients {
		c.conn.Close()
	}
	h.mu.Unlock()
	<-h.drained
	h.closeStore()
	return ctx.Err()
}

// Close is Shutdown with closeGrace to say goodbye.
func (h *Hub) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), h.closeGrace)
	defer cancel()
	return h.Shutdown(ctx)
}
