package live

import (
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// client is one websocket connection. Its reader goroutine lives as long as
// the connection; its writer goroutine runs only while the outbox is not
// empty, so an idle connection has no writer at all.
type client struct {
	hub       *Hub
	conn      *websocket.Conn
	presenter bool
	driver    bool        // a presenter on the audience page: a projector
	device    string      // the page's device id, "" if none (presence)
	slot      int         // heartbeat group (see Hub.pinger); set at register
	ip        string      // counted in Hub.perIP; "" when not counted
	closing   atomic.Bool // a close frame is queued: the reader stops extending deadlines

	mu       sync.Mutex // guards the outbox below
	out      [numKinds]*websocket.PreparedMessage
	ping     bool
	pong     []byte // payload of the ping to answer; nil if none
	closeMsg []byte // close frame to send next; non-nil also means "accept nothing more"
	writing  bool   // a writer goroutine is running
	dead     bool   // connection cut: drop everything
}

// push replaces the pending frame of kind k. It never blocks: a client that
// is not keeping up holds at most one frame per kind, the latest.
func (c *client) push(k kind, pm *websocket.PreparedMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead || c.closeMsg != nil {
		return
	}
	c.out[k] = pm
	c.kickLocked()
}

// queuePong answers a client's ping through the writer; only the latest
// unanswered ping is kept.
func (c *client) queuePong(data string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead || c.closeMsg != nil {
		return
	}
	c.pong = append([]byte{}, data...)
	c.kickLocked()
}

// heartbeat queues a ping (the peer's pong proves it alive to the
// reader) and the beat frame pm (which proves the connection alive to a
// page, where pings are invisible), for one writer run.
func (c *client) heartbeat(pm *websocket.PreparedMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead || c.closeMsg != nil {
		return
	}
	c.ping = true
	c.out[kindBeat] = pm
	c.kickLocked()
}

// closeWith queues a close frame after the frames already pending (the
// last error frame may explain the close), refuses any new frame, and gives
// the peer closeGrace to answer before the reader gives up.
func (c *client) closeWith(code int, text string) {
	c.mu.Lock()
	if c.dead || c.closeMsg != nil {
		c.mu.Unlock()
		return
	}
	c.closeMsg = websocket.FormatCloseMessage(code, text)
	c.kickLocked()
	c.mu.Unlock()
	c.closing.Store(true)
	c.conn.SetReadDeadline(time.Now().Add(c.hub.closeGrace))
}

func (c *client) sendError(code, msg, forType string) {
	c.push(kindError, prepare(errorMsg{Type: "error", Code: code, Message: msg, For: forType}))
}

func (c *client) kickLocked() {
	if !c.writing {
		c.writing = true
		go c.writeLoop()
	}
}

// writeLoop is the connection's only writer: it drains the outbox in kind
// order and exits when it is empty. A write that cannot complete within
// writeWait cuts the connection.
func (c *client) writeLoop() {
	for {
		c.mu.Lock()
		if c.dead {
			c.writing = false
			c.mu.Unlock()
			return
		}
		if c.pong != nil && c.closeMsg == nil {
			data := c.pong
			c.pong = nil
			c.mu.Unlock()
			if err := c.conn.WriteControl(websocket.PongMessage, data, time.Now().Add(c.hub.writeWait)); err != nil {
				c.cut()
				return
			}
			continue
		}
		if c.ping && c.closeMsg == nil {
			c.ping = false
			c.mu.Unlock()
			// Prepared once for every connection: WriteControl would
			// allocate a frame per ping, garbage that idle rooms pay in RSS.
			c.conn.SetWriteDeadline(time.Now().Add(c.hub.writeWait))
			if err := c.conn.WritePreparedMessage(c.hub.pingPM); err != nil {
				c.cut()
				return
			}
			continue
		}
		var pm *websocket.PreparedMessage
		for k := range c.out {
			if c.out[k] != nil {
				pm, c.out[k] = c.out[k], nil
				break
			}
		}
		if pm == nil && c.closeMsg != nil {
			// Pending frames went first (the last error may explain the
			// close). After the close frame nothing more is written: writing
			// stays true so no writer starts again; the reader finishes.
			msg := c.closeMsg
			c.mu.Unlock()
			c.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.hub.writeWait))
			return
		}
		if pm == nil {
			c.writing = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		c.conn.SetWriteDeadline(time.Now().Add(c.hub.writeWait))
		if err := c.conn.WritePreparedMessage(pm); err != nil {
			c.cut()
			return
		}
	}
}

// cut drops the outbox and closes the socket; the reader then unregisters.
func (c *client) cut() {
	c.mu.Lock()
	c.dead = true
	c.writing = false
	c.out = [numKinds]*websocket.PreparedMessage{}
	c.mu.Unlock()
	c.conn.Close()
}

// readLoop is the connection's only reader. It enforces the read deadline,
// the frame size limit (gorilla answers 1009) and the rate limit, and hands
// messages to the hub.
func (c *client) readLoop() {
	h := c.hub
	defer func() {
		c.cut()
		h.unregister(c)
	}()
	c.conn.SetReadLimit(h.opts.MaxMessageSize)
	c.conn.SetReadDeadline(time.Now().Add(h.pongWait))
	b := bucket{rate: h.opts.RateLimit, burst: float64(h.opts.RateBurst)}
	strikes := 0
	// over takes a token for one frame, data or control: a flood of pings
	// or pongs costs as much as a flood of messages and ends the same way,
	// with 1008 once RateBurst frames in a row found the bucket empty.
	// (The control handlers run inside ReadMessage, on this goroutine, so
	// sharing b and strikes is safe.)
	over := func() bool {
		if b.allow(time.Now()) {
			strikes = 0
			return false
		}
		if strikes++; strikes > h.opts.RateBurst {
			c.closeWith(ClosePolicyViolation, "rate limit exceeded")
		}
		return true
	}
	c.conn.SetPongHandler(func(string) error {
		if !c.closing.Load() && !over() {
			c.extend()
		}
		return nil
	})
	// A ping is answered through the writer like every other frame, and
	// only when it is within the rate limit.
	c.conn.SetPingHandler(func(data string) error {
		if !c.closing.Load() && !over() {
			c.extend()
			c.queuePong(data)
		}
		return nil
	})
	for {
		typ, data, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		if c.closing.Load() {
			continue
		}
		if over() {
			if !c.closing.Load() {
				c.sendError(ErrRateLimited, "too many messages; this one was dropped", "")
			}
			continue
		}
		c.extend()
		// RFC 6455 5.6: a text frame that is not UTF-8 fails the
		// connection with 1007; gorilla leaves the check to us.
		if typ == websocket.TextMessage && !utf8.Valid(data) {
			c.closeWith(CloseInvalidPayload, "text frame is not valid UTF-8")
			continue
		}
		h.handle(c, typ, data)
	}
}

// extend pushes the read deadline pongWait ahead, unless a close frame is
// queued: then the shorter closeGrace deadline set by closeWith must stand.
func (c *client) extend() {
	c.conn.SetReadDeadline(time.Now().Add(c.hub.pongWait))
	if c.closing.Load() {
		c.conn.SetReadDeadline(time.Now().Add(c.hub.closeGrace))
	}
}

// bucket is a token bucket: rate tokens per second, at most burst saved up.
// A rate <= 0 lets everything through.
type bucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func (b *bucket) allow(now time.Time) bool {
	if b.rate <= 0 {
		return true
	}
	if b.last.IsZero() {
		b.tokens = b.burst
	} else {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
