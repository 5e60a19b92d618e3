package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Storm events, as each client saw them.
const (
	evDial       = iota // a dial began
	evRefused           // the dial failed below HTTP (connection refused, reset)
	evBusy              // the handshake was answered 503
	evAccepted          // the handshake succeeded
	evSynced            // hello then state arrived on the new connection (on the expected slide, with -goto)
	evBadSync           // the first two frames were not hello, state
	evWrongSlide        // hello, state, but the state is not the slide and step of -goto
	evLost              // an established connection ended
	numEvents
)

type event struct {
	at   time.Duration // since the storm's epoch
	kind uint8
}

// stormClient is one reconnecting audience client; only its own goroutine
// touches it until the storm is over.
type stormClient struct {
	events []event
}

// backoff is web/sync.js's delay before reconnect attempt n: full jitter,
// uniformly random in 0…min(cap, base·2^n).
func backoff(base, cap time.Duration, n int) time.Duration {
	d := cap
	if n < 30 && base<<n < cap {
		d = base << n
	}
	return rand.N(d + 1)
}

// storm holds N reconnecting clients through a server kill and restart
// (done by someone else, see storm.sh) and reports how fast they resync.
func storm(cfg config) error {
	var want []byte // with -goto: what every state frame must say
	if cfg.gotoPos != "" {
		var err error
		if want, err = stormGoto(cfg); err != nil {
			return err
		}
		fmt.Printf("presenter moved the talk to %s: every client must land on %s\n", cfg.gotoPos, want)
	}
	epoch := time.Now()
	since := func() time.Duration { return time.Since(epoch) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var synced atomic.Int64
	allSynced := make(chan struct{})
	var firstLost atomic.Int64 // epoch offset of the first lost connection, 0 until then
	lost := make(chan struct{})
	dialer := newDialer()
	sem := make(chan struct{}, cfg.conc) // throttles the first connection only
	clients := make([]*stormClient, cfg.n)
	var wg sync.WaitGroup
	cpu := startCPU(cfg.pid)
	for i := range clients {
		c := &stormClient{}
		clients[i] = c
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			first := true
			release := func() {
				if first {
					first = false
					<-sem
				}
			}
			defer release()
			rec := func(k uint8) time.Duration {
				at := since()
				c.events = append(c.events, event{at, k})
				return at
			}
			n, dials := 0, 0
			for ctx.Err() == nil {
				rec(evDial)
				// With several -url (replicas), each dial goes to the next,
				// as a load balancer sends a reconnect away from a dead one.
				conn, resp, err := dialer.DialContext(ctx, cfg.urls[dials%len(cfg.urls)], nil)
				dials++
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					wait := backoff(cfg.backoff, cfg.capWait, n)
					n++
					if resp != nil && resp.StatusCode == http.StatusServiceUnavailable {
						rec(evBusy)
						if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && time.Duration(s)*time.Second > wait {
							wait = time.Duration(s) * time.Second
						}
					} else {
						rec(evRefused)
					}
					sleep(ctx, wait)
					continue
				}
				rec(evAccepted)
				stop := context.AfterFunc(ctx, func() { conn.Close() })
				conn.SetReadDeadline(time.Now().Add(10 * time.Second))
				_, b1, err1 := conn.ReadMessage()
				_, b2, err2 := conn.ReadMessage()
				conn.SetReadDeadline(time.Time{})
				wrong := want != nil && frameType(b2, "state") && !bytes.Contains(b2, want)
				if wrong {
					rec(evWrongSlide)
				}
				if err1 == nil && err2 == nil && frameType(b1, "hello") && frameType(b2, "state") && !wrong {
					rec(evSynced)
					if first {
						release()
						if synced.Add(1) == int64(cfg.n) {
							close(allSynced)
						}
					}
				} else if err1 == nil && err2 == nil && !wrong {
					rec(evBadSync)
				}
				up := time.Now()
				var rerr error
				for rerr == nil && err1 == nil && err2 == nil {
					_, _, rerr = conn.ReadMessage()
				}
				stop()
				conn.Close()
				if ctx.Err() != nil {
					return
				}
				at := rec(evLost)
				if firstLost.CompareAndSwap(0, int64(at)) {
					close(lost)
				}
				var ce *websocket.CloseError
				if errors.As(rerr, &ce) && (ce.Code == websocket.ClosePolicyViolation || ce.Code == websocket.CloseMessageTooBig) {
					return // our own bug: web/sync.js gives up too
				}
				if time.Since(up) > 10*time.Second {
					n = 0
				}
				sleep(ctx, backoff(cfg.backoff, cfg.capWait, n))
				n++
			}
		}()
	}
	select {
	case <-allSynced:
	case <-time.After(cfg.wait):
		cancel()
		wg.Wait()
		return fmt.Errorf("only %d of %d clients connected within %v", synced.Load(), cfg.n, cfg.wait)
	}
	cpu.report("connect")
	fmt.Printf("ready: %d connected; kill and restart the server now\n", cfg.n)
	select {
	case <-lost:
	case <-time.After(cfg.wait):
		cancel()
		wg.Wait()
		return fmt.Errorf("no connection was lost within %v", cfg.wait)
	}
	cpu = startCPU(cfg.pid)
	time.Sleep(cfg.window)
	cpu.report("storm")
	cancel()
	wg.Wait()
	t0 := time.Duration(firstLost.Load())
	fmt.Printf("t0 (first lost connection) = %s UTC\n", epoch.Add(t0).UTC().Format("15:04:05.000"))
	stormReport(cfg, clients, t0)
	return nil
}

// stormReport prints, relative to the first lost connection (t0, about
// the moment the server died): the share of clients that got hello+state
// back within 10 s, the distribution of their resync times, and a 250 ms
// histogram of every kind of event, which shows whether the reconnects
// came as a herd or spread out.
func stormReport(cfg config, clients []*stormClient, t0 time.Duration) {
	const bucket = 250 * time.Millisecond
	nb := int(cfg.window/bucket) + 1
	hist := make([][numEvents]int, nb)
	var totals [numEvents]int
	var fromT0, fromLoss, fromUp []time.Duration
	lostN, within10 := 0, 0
	firstAccept := time.Duration(-1)
	for _, c := range clients {
		var lostAt time.Duration = -1
		done := false
		for _, e := range c.events {
			if e.at < t0 {
				continue
			}
			totals[e.kind]++
			if b := int((e.at - t0) / bucket); b < nb {
				hist[b][e.kind]++
			}
			switch {
			case e.kind == evLost && lostAt < 0:
				lostAt = e.at
				lostN++
			case e.kind == evAccepted && (firstAccept < 0 || e.at < firstAccept):
				firstAccept = e.at
			case e.kind == evSynced && lostAt >= 0 && !done:
				done = true
				fromT0 = append(fromT0, e.at-t0)
				fromLoss = append(fromLoss, e.at-lostAt)
				if e.at-t0 <= 10*time.Second {
					within10++
				}
			}
		}
	}
	fmt.Printf("storm: clients=%d lost=%d resynced=%d; within 10 s of t0: %d (%.2f%%)\n",
		cfg.n, lostN, len(fromT0), within10, 100*float64(within10)/float64(cfg.n))
	if firstAccept >= 0 {
		fmt.Printf("server back (first accepted handshake) at t0+%s\n", ms(firstAccept-t0))
		for _, c := range clients {
			for _, e := range c.events {
				if e.kind == evSynced && e.at >= firstAccept {
					fromUp = append(fromUp, e.at-firstAccept)
					break
				}
			}
		}
	}
	summary("resync since t0", fromT0)
	summary("resync since own loss", fromLoss)
	summary("resync since server back", fromUp)
	fmt.Printf("events after t0: dials=%d refused=%d 503=%d accepted=%d resynced=%d badsync=%d wrongslide=%d lost=%d (%.2f dials per client)\n",
		totals[evDial], totals[evRefused], totals[evBusy], totals[evAccepted], totals[evSynced], totals[evBadSync], totals[evWrongSlide], totals[evLost],
		float64(totals[evDial])/float64(cfg.n))
	peak, peakAt := 0, 0
	for b, h := range hist {
		if h[evAccepted] > peak {
			peak, peakAt = h[evAccepted], b
		}
	}
	fmt.Printf("accepted per 250 ms: peak %d (%.1f%% of clients) at t0+%s\n",
		peak, 100*float64(peak)/float64(cfg.n), ms(time.Duration(peakAt)*bucket))
	fmt.Printf("%9s %6s %8s %5s %8s %8s %5s\n", "t0+ms", "dials", "refused", "503", "accepted", "resynced", "lost")
	last := 0
	for b, h := range hist {
		if h != [numEvents]int{} {
			last = b
		}
	}
	for b, h := range hist[:last+1] {
		fmt.Printf("%9d %6d %8d %5d %8d %8d %5d\n", b*int(bucket/time.Millisecond),
			h[evDial], h[evRefused], h[evBusy], h[evAccepted], h[evSynced], h[evLost])
	}
}

// stormGoto sends the talk to -goto INDEX.STEP as a presenter (-token)
// and returns the part of a state frame that says so (slide id, index,
// step, in the server's field order).
func stormGoto(cfg config) ([]byte, error) {
	is, ss, _ := strings.Cut(cfg.gotoPos, ".")
	index, err1 := strconv.Atoi(is)
	step, err2 := strconv.Atoi(cmp.Or(ss, "0"))
	if err1 != nil || err2 != nil || index < 0 || step < 0 {
		return nil, fmt.Errorf("-goto %q: want INDEX or INDEX.STEP (0-based index)", cfg.gotoPos)
	}
	conn, _, err := newDialer().Dial(cfg.url+"?token="+url.QueryEscape(cfg.token), nil)
	if err != nil {
		return nil, fmt.Errorf("-goto: %w", err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(cfg.timeout))
	if err := conn.WriteJSON(map[string]any{"type": "goto", "index": index, "step": step}); err != nil {
		return nil, err
	}
	for {
		var f struct {
			Type, Role, Slide string
			Index, Step       int
		}
		if err := conn.ReadJSON(&f); err != nil {
			return nil, fmt.Errorf("-goto: %w", err)
		}
		switch {
		case f.Type == "hello" && f.Role != "presenter":
			return nil, fmt.Errorf("-goto: the server says role %q: check -token", f.Role)
		case f.Type == "state" && f.Index == index && f.Step == step:
			return fmt.Appendf(nil, `"slide":%q,"index":%d,"step":%d,`, f.Slide, index, step), nil
		case f.Type == "error":
			return nil, fmt.Errorf("-goto: the server refused: %+v", f)
		}
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
