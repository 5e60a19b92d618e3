package live

import (
	"errors"
	"time"
)

// Shared is an owner of the presentation state outside this process, which
// the hubs of several replicas share (server/cluster keeps it in a NATS
// key-value bucket). With Options.Shared set, the hub no longer changes
// the state itself when a presenter asks: it hands the command to Update,
// and takes what the shared owner stored back through Apply, as every
// other replica does. The hub stays the one local owner of connections and
// of the deck; only where the talk is, the clock and the hold switch move
// out.
type Shared interface {
	// Update applies f to the shared snapshot with a compare-and-set: f
	// gets the current value, and if another replica wrote in between, f
	// is called again on the fresher one, so two presenters on two
	// replicas never fork the talk. It returns what was stored and its
	// revision. An error from f is returned as is, with nothing stored;
	// any other error means the shared store could not be reached
	// (ErrUnreachable, wrapped): nothing changed.
	Update(f func(Snapshot) (Snapshot, error)) (Snapshot, uint64, error)
}

// ErrUnreachable is the error of a Shared that cannot reach its store.
var ErrUnreachable = errors.New("the cluster is unreachable")

// ErrClusterUnreachable is the error code of a presenter command refused
// because the shared state cannot be reached: moving on alone would fork
// the talk between replicas.
const ErrClusterUnreachable = "cluster_unreachable"

// refusedMsg is f's error when a command is wrong whatever the state (an
// unknown slide): it reaches the presenter as its own error frame.
type refusedMsg struct{ code, msg string }

func (r *refusedMsg) Error() string { return r.msg }

// command is one presenter command as a change of the shared snapshot,
// read on this replica's deck d at now.
type command func(s Snapshot, d *Deck, now time.Time) (Snapshot, error)

// stateOf is where snapshot s puts the talk on deck d: its slide by id,
// else by index (rebase), with d's version.
func stateOf(s Snapshot, old, d *Deck) State {
	st := State{Slide: s.Slide, Index: max(0, s.Index), Step: max(0, s.Step), Blackout: s.Blackout, Download: s.Download}
	return st.rebase(old, d, nil)
}

// withState writes a position back into a snapshot.
func withState(s Snapshot, st State) Snapshot {
	s.Slide, s.Index, s.Step, s.Blackout, s.Download = st.Slide, st.Index, st.Step, st.Blackout, st.Download
	s.Chosen = nil
	return s
}

// move is a command that changes the position with f.
func move(f func(State, *Deck) State) command {
	return func(s Snapshot, d *Deck, _ time.Time) (Snapshot, error) {
		return withState(s, f(stateOf(s, d, d), d)), nil
	}
}

// commandOf turns a presenter message into a command; a message that is
// wrong in itself is refused at once.
func commandOf(m inMsg) (command, *refusedMsg) {
	switch m.Type {
	case "next":
		return move(func(s State, d *Deck) State { return s.next(d) }), nil
	case "prev":
		return move(func(s State, d *Deck) State { return s.prev(d) }), nil
	case "blackout":
		return move(func(s State, _ *Deck) State {
			if m.On != nil {
				s.Blackout = *m.On
			} else {
				s.Blackout = !s.Blackout
			}
			return s
		}), nil
	case "goto":
		step := 0
		if m.Step != nil {
			step = *m.Step
		}
		switch {
		case m.Slide != nil:
			id := *m.Slide
			return func(s Snapshot, d *Deck, _ time.Time) (Snapshot, error) {
				for i, sl := range d.Slides {
					if sl.ID == id {
						return withState(s, stateOf(s, d, d).at(d, i, step)), nil
					}
				}
				return s, &refusedMsg{ErrNotFound, "no slide with this id"}
			}, nil
		case m.Index != nil:
			i := *m.Index
			return move(func(s State, d *Deck) State { return s.at(d, i, step) }), nil
		default:
			return nil, &refusedMsg{ErrBadRequest, "goto needs slide or index"}
		}
	case "hold":
		return held(m.On == nil || *m.On), nil
	case "publish":
		return held(false), nil
	case "timer":
		if m.Action == "" && m.Target == nil {
			return nil, &refusedMsg{ErrBadRequest, "timer action must be start, pause or reset"}
		}
		switch m.Action {
		case "", "start", "pause", "reset":
		default:
			return nil, &refusedMsg{ErrBadRequest, "timer action must be start, pause or reset"}
		}
		return func(s Snapshot, _ *Deck, now time.Time) (Snapshot, error) {
			t := timerFromSnapshot(s.Timer, now)
			t.apply(m.Action, m.Target, now)
			s.Timer = t.snapshot()
			return s, nil
		}, nil
	}
	return nil, &refusedMsg{ErrUnknownType, "unknown message type"}
}

// held is hold (on) and publish. A hold names the deck this replica's
// audience is on (d, the published deck, is the newest while not held):
// the version every replica keeps its audience on, a late one too. A
// second hold keeps the first one's version.
func held(on bool) command {
	return func(s Snapshot, d *Deck, _ time.Time) (Snapshot, error) {
		if !on {
			s.Held, s.Published = false, ""
			return s, nil
		}
		if !s.Held || s.Published == "" {
			s.Published = d.Files
		}
		s.Held = true
		return s, nil
	}
}

// update runs cmd through the shared owner and applies the result here at
// once (the watch brings it too, and is ignored by revision). c, when not
// nil, is the presenter who asked: a refusal is told to them.
func (h *Hub) update(c *client, typ string, cmd command) {
	snap, rev, err := h.opts.Shared.Update(func(cur Snapshot) (Snapshot, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		return cmd(cur, &h.deck, h.clock.Now())
	})
	var refused *refusedMsg
	switch {
	case errors.As(err, &refused):
		if c != nil {
			c.sendError(refused.code, refused.msg, typ)
		}
		return
	case err != nil:
		h.log.Warn("presenter command refused: the shared state is out of reach", "type", typ, "err", err)
		if c != nil {
			c.sendError(ErrClusterUnreachable, "the cluster (NATS) is unreachable: the talk stays where it is "+
				"until it is back, so that the replicas cannot disagree", typ)
		}
		return
	}
	h.Apply(rev, snap)
}

// Apply installs snapshot s, revision rev of the shared state, as every
// replica's watch of the shared store delivers it: the position is found
// on this replica's deck by slide id, the clock and hold switch are taken
// as they are. A revision not newer than the last applied one is ignored,
// so the watch and a replica's own Update can both deliver it.
func (h *Hub) Apply(rev uint64, s Snapshot) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.opts.Shared == nil || rev <= h.sharedRev {
		return
	}
	h.sharedRev = rev
	prevTimer := h.shared.Timer
	h.shared = s
	h.chosen = nil
	if s.Timer != prevTimer {
		now := h.clock.Now()
		h.timer = timerFromSnapshot(s.Timer, now)
		h.broadcastLocked(kindTimer, prepare(h.timer.msg(now)), true)
	}
	h.setHeldLocked(s.Held) // a publish installs the pending deck, whose state is s's
	h.followHoldLocked()
	h.setStateLocked(stateOf(s, &h.deck, &h.deck), false)
}

// Revision is the revision of the shared state last applied (0 before any,
// and without Options.Shared).
func (h *Hub) Revision() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sharedRev
}

// ClusterStatus is what presenters are told about the replicas: whether
// the shared state is reachable (moves are refused while it is not) and
// the devices connected to each replica, as each last said.
type ClusterStatus struct {
	Reachable bool              `json:"reachable"`
	Replicas  []ReplicaPresence `json:"replicas"`
}

// ReplicaPresence is one replica's presence counts.
type ReplicaPresence struct {
	Name       string `json:"name"`
	Audience   int    `json:"audience"`
	Presenters int    `json:"presenters"`
}

type clusterMsg struct {
	Type string `json:"type"`
	ClusterStatus
	Audience   int `json:"audience"`   // the sum over replicas
	Presenters int `json:"presenters"` // likewise
}

// SetCluster tells presenters the state of the cluster (a cluster frame);
// late presenters get the last one on connect.
func (h *Hub) SetCluster(cs ClusterStatus) {
	m := clusterMsg{Type: "cluster", ClusterStatus: cs}
	m.Replicas = append([]ReplicaPresence{}, cs.Replicas...)
	for _, r := range m.Replicas {
		m.Audience += r.Audience
		m.Presenters += r.Presenters
	}
	pm := prepare(m)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clusterPM = pm
	h.broadcastLocked(kindCluster, pm, true)
}
