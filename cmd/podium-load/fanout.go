package main

import (
	"context"
	"fmt"
	"log"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// round is what every client compares incoming states with.
type round struct {
	index  int
	sentAt time.Time
	got    atomic.Int64 // clients that received it
	done   chan struct{}
	lat    []atomic.Int64 // ns per client, written once
	n      int64
}

func newRound(n int) *round {
	return &round{done: make(chan struct{}), lat: make([]atomic.Int64, n), n: int64(n)}
}

// record notes that client id got the round at now; the last one to get
// it releases wait.
func (r *round) record(id int, now time.Time) {
	r.lat[id].Store(int64(max(1, now.Sub(r.sentAt))))
	if r.got.Add(1) == r.n {
		close(r.done)
	}
}

// wait blocks until every client has the round, or timeout passes.
func (r *round) wait(timeout time.Duration, what string) {
	select {
	case <-r.done:
	case <-time.After(timeout):
		log.Printf("%s: %d of %d after %v", what, r.got.Load(), r.n, timeout)
	}
}

// latencies returns the latency of every client that got the round, and
// the smallest and largest of them.
func (r *round) latencies() (all []time.Duration, lo, hi time.Duration) {
	for i := range r.lat {
		if l := time.Duration(r.lat[i].Load()); l > 0 {
			all = append(all, l)
			if lo == 0 || l < lo {
				lo = l
			}
			hi = max(hi, l)
		}
	}
	return all, lo, hi
}

// fanout is the default mode: presenter goto → every audience client.
func fanout(cfg config) error {
	rss0, anon0, _ := procMem(cfg.pid)
	var cur atomic.Pointer[round]
	var wg sync.WaitGroup
	read := func(id int, conn *websocket.Conn) {
		for {
			_, b, err := conn.ReadMessage()
			if err != nil {
				return
			}
			now := time.Now()
			r := cur.Load()
			if r == nil {
				continue
			}
			if i, ok := stateIndex(b); !ok || i != r.index || r.lat[id].Load() != 0 {
				continue
			}
			r.record(id, now)
		}
	}
	connect := startCPU(cfg.pid)
	clients, err := connectAll(cfg, &wg, read)
	if err != nil {
		return err
	}
	defer func() { closeAll(clients); wg.Wait() }()
	connect.report("connect")

	pu, err := url.Parse(cfg.url)
	if err != nil {
		return err
	}
	q := pu.Query()
	q.Set("token", cfg.token)
	pu.RawQuery = q.Encode()
	pres, _, err := newDialer().Dial(pu.String(), nil)
	if err != nil {
		return fmt.Errorf("presenter: %w", err)
	}
	defer pres.Close()
	var hello struct{ Type, Role string }
	if err := pres.ReadJSON(&hello); err != nil || hello.Role != "presenter" {
		return fmt.Errorf("presenter hello %+v, %v: is -token right?", hello, err)
	}
	go func() { // drain the presenter's own frames
		for {
			if _, _, err := pres.ReadMessage(); err != nil {
				return
			}
		}
	}()

	if cfg.idle > 0 {
		fmt.Printf("idle: %d connections for %v\n", cfg.n, cfg.idle)
		idle := startCPU(cfg.pid)
		time.Sleep(cfg.idle)
		idle.report("idle")
		if len(cfg.pid) > 0 {
			rss1, anon1, _ := procMem(cfg.pid)
			fmt.Printf("server RSS: %d kB with no client, %d kB with %d idle (RssAnon %d → %d kB): %d bytes = %.2f KiB per connection\n",
				rss0, rss1, cfg.n, anon0, anon1, (rss1-rss0)*1024/int64(cfg.n), float64(rss1-rss0)/float64(cfg.n))
		}
	}

	if cfg.attack != "" {
		ctx, stop := context.WithCancel(context.Background())
		var st attackStats
		errc := make(chan error, 1)
		start := time.Now()
		go func() { errc <- attack(ctx, cfg, cfg.attack, &st) }()
		defer func() {
			stop()
			if err := <-errc; err != nil {
				fmt.Println(err)
			}
			st.report(cfg.attack, time.Since(start))
		}()
	}

	var all, roundMax []time.Duration
	delivered, expected := 0, 0
	var rounds cpuMeter
	for k := range cfg.warmup + cfg.rounds {
		if k == cfg.warmup {
			rounds = startCPU(cfg.pid)
		}
		r := newRound(cfg.n)
		r.index = 1 + k%cfg.slides
		r.sentAt = time.Now()
		cur.Store(r)
		if err := pres.WriteJSON(map[string]any{"type": "goto", "index": r.index}); err != nil {
			return fmt.Errorf("presenter send: %w", err)
		}
		r.wait(cfg.timeout, fmt.Sprintf("round %d", k))
		cur.Store(nil)
		time.Sleep(cfg.interval)
		if k < cfg.warmup {
			continue
		}
		expected += cfg.n
		lats, _, mx := r.latencies()
		all = append(all, lats...)
		delivered += len(lats)
		roundMax = append(roundMax, mx)
	}
	rounds.report("rounds")
	fmt.Printf("clients=%d rounds=%d delivered=%d/%d\n", cfg.n, cfg.rounds, delivered, expected)
	summary("latency", all)
	summary("per-round last delivery", roundMax)
	return nil
}
