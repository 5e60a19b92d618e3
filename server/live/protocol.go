package live

import (
	"encoding/json"
	"time"

	"github.com/gorilla/websocket"
)

// ProtocolVersion is sent in the hello frame; it changes only when an
// existing message changes meaning (new messages and fields do not bump it).
const ProtocolVersion = 1

// Roles, as sent in the hello frame.
const (
	RoleAudience  = "audience"
	RolePresenter = "presenter"
)

// Error codes carried by error frames.
const (
	ErrBadRequest  = "bad_request"  // not JSON, binary frame, invalid fields
	ErrUnknownType = "unknown_type" // type not in the protocol
	ErrForbidden   = "forbidden"    // presenter message from the audience
	ErrNotFound    = "not_found"    // goto to a slide id not in the deck
	ErrRateLimited = "rate_limited" // message dropped by the rate limit
)

// Close codes the hub sends besides those gorilla sends itself
// (1009 message too big, 1002 protocol error).
const (
	CloseGoingAway       = websocket.CloseGoingAway               // 1001: hub shutting down
	CloseInvalidPayload  = websocket.CloseInvalidFramePayloadData // 1007: a text frame that is not UTF-8
	ClosePolicyViolation = websocket.ClosePolicyViolation         // 1008: rate limit exceeded persistently (messages, pings or pongs)
)

// Frame kinds; a client's outbox holds the latest frame of each kind and
// writes them in this order, so a deck frame always precedes the state frame
// that refers to its version.
type kind int

const (
	kindHello kind = iota
	kindDeck
	kindState
	kindTimer
	kindHold
	kindPresence
	kindCluster
	kindProblems
	kindNotes
	kindError
	kindBeat
	numKinds
)

type helloMsg struct {
	Type           string  `json:"type"`
	Role           string  `json:"role"`
	Protocol       int     `json:"protocol"`
	MaxMessageSize int64   `json:"max_message_size"`
	Rate           float64 `json:"rate"`
	Heartbeat      int64   `json:"heartbeat"` // ms between beat frames
	Silence        int64   `json:"silence"`   // ms without a frame that mean the connection is dead
}

// beatMsg is the heartbeat frame: it carries nothing but its arrival.
type beatMsg struct {
	Type string `json:"type"`
}

type stateMsg struct {
	Type string `json:"type"`
	State
}

type deckMsg struct {
	Type    string `json:"type"`
	Version string `json:"version"`
}

type holdMsg struct {
	Type      string `json:"type"`
	Held      bool   `json:"held"`
	Published string `json:"published"` // version the audience is on
	Pending   string `json:"pending"`   // newer version waiting for publish; "" if none
}

// problemsMsg tells presenters why the deck on disk does not load, and
// what the deck shown probably got wrong; empty lists clear the message.
// The audience never gets it.
type problemsMsg struct {
	Type     string   `json:"type"`
	Problems []string `json:"problems"`
	Warnings []string `json:"warnings,omitempty"`
}

// notesMsg tells presenters the speaker notes changed while nothing the
// audience sees did: refetch /api/notes. The audience never gets it.
type notesMsg struct {
	Type    string `json:"type"`
	Version string `json:"version"`
}

type presenceMsg struct {
	Type       string `json:"type"`
	Audience   int    `json:"audience"`
	Presenters int    `json:"presenters"`
	Drivers    int    `json:"drivers"` // presenter windows on the audience page (projectors)
}

type timerMsg struct {
	Type      string `json:"type"`
	Running   bool   `json:"running"`
	Elapsed   int64  `json:"elapsed"`    // ms on the clock at Now
	StartedAt int64  `json:"started_at"` // unix ms the current run began; 0 when paused
	Target    int64  `json:"target"`     // seconds; 0 = no target
	Now       int64  `json:"now"`        // server unix ms when this frame was made
}

type errorMsg struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
	For     string `json:"for,omitempty"`
}

// inMsg is any client→server message; pointers tell absent from zero.
type inMsg struct {
	Type   string  `json:"type"`
	Slide  *string `json:"slide"`
	Index  *int    `json:"index"`
	Step   *int    `json:"step"`
	On     *bool   `json:"on"`
	Action string  `json:"action"`
	Target *int64  `json:"target"`
}

// prepare encodes v once for any number of connections.
func prepare(v any) *websocket.PreparedMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("live: encoding frame: " + err.Error()) // only our own plain structs get here
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, b)
	if err != nil {
		panic("live: preparing frame: " + err.Error())
	}
	return pm
}

// maxTimerTarget (seconds) keeps a target far from Duration overflow.
const maxTimerTarget = 7 * 24 * 3600

// timerState is the presenter clock; it survives presenter reloads because
// it lives here rather than in a page.
type timerState struct {
	running   bool
	elapsed   time.Duration // accumulated before the current run
	startedAt time.Time     // start of the current run, when running
	target    time.Duration
}

func (t *timerState) msg(now time.Time) timerMsg {
	m := timerMsg{Type: "timer", Running: t.running, Target: int64(t.target / time.Second), Now: now.UnixMilli()}
	el := t.elapsed
	if t.running {
		el += now.Sub(t.startedAt)
		m.StartedAt = t.startedAt.UnixMilli()
	}
	m.Elapsed = el.Milliseconds()
	return m
}

// apply performs a timer action; it reports false for an unknown action.
func (t *timerState) apply(action string, target *int64, now time.Time) bool {
	switch action {
	case "start":
		if !t.running {
			t.running, t.startedAt = true, now
		}
	case "pause":
		if t.running {
			t.elapsed += now.Sub(t.startedAt)
			t.running = false
		}
	case "reset":
		t.running, t.elapsed = false, 0
	case "":
		if target == nil {
			return false
		}
	default:
		return false
	}
	if target != nil {
		t.target = time.Duration(max(0, min(*target, maxTimerTarget))) * time.Second
	}
	return true
}
