// Command podium-load measures how fast a podium server fans out slide
// changes. It opens N audience websockets and one presenter websocket, then
// the presenter sends goto K times; for each round it records, per audience
// client, the time from the send to the arrival of the matching state frame,
// and finally prints percentiles over all deliveries.
//
//	podium-load -url ws://127.0.0.1:8080/ws -token SECRET -n 10000 -rounds 20
//
// With -idle it holds the connections idle for a while after connecting
// (printing "idle: N connections") so that the server's RSS can be read from
// /proc/<pid>/status. It raises its own RLIMIT_NOFILE; the server needs the
// same (ulimit -n).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

type config struct {
	url      string
	token    string
	n        int
	rounds   int
	warmup   int
	slides   int
	conc     int
	interval time.Duration
	timeout  time.Duration
	idle     time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.url, "url", "ws://127.0.0.1:8080/ws", "websocket URL of the server")
	flag.StringVar(&cfg.token, "token", os.Getenv("PODIUM_TOKEN"), "presenter token (default $PODIUM_TOKEN)")
	flag.IntVar(&cfg.n, "n", 10000, "audience connections")
	flag.IntVar(&cfg.rounds, "rounds", 20, "measured goto rounds")
	flag.IntVar(&cfg.warmup, "warmup", 2, "unmeasured rounds first")
	flag.IntVar(&cfg.slides, "slides", 20, "goto cycles through slide indexes 1..slides (the deck must have that many)")
	flag.IntVar(&cfg.conc, "c", 64, "concurrent dials")
	flag.DurationVar(&cfg.interval, "interval", 100*time.Millisecond, "pause between rounds")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "give up waiting for a round after this")
	flag.DurationVar(&cfg.idle, "idle", 0, "hold the connections idle this long before the rounds")
	flag.Parse()
	if err := run(cfg); err != nil {
		log.Fatal(err)
	}
}

// round is what every client compares incoming states with.
type round struct {
	index  int
	sentAt time.Time
	got    atomic.Int64 // clients that received it
	done   chan struct{}
	lat    []atomic.Int64 // ns per client, written once
	n      int64
}

type loadClient struct {
	id   int
	conn *websocket.Conn
}

func run(cfg config) error {
	soft, err := raiseNoFile()
	if err != nil {
		log.Printf("RLIMIT_NOFILE: %v", err)
	}
	if soft < uint64(cfg.n)+64 {
		log.Printf("warning: RLIMIT_NOFILE %d is below -n %d", soft, cfg.n)
	}
	dialer := &websocket.Dialer{ReadBufferSize: 512, WriteBufferSize: 256, HandshakeTimeout: 30 * time.Second}

	var cur atomic.Pointer[round]
	var wg sync.WaitGroup
	read := func(c *loadClient) {
		defer wg.Done()
		for {
			_, b, err := c.conn.ReadMessage()
			if err != nil {
				return
			}
			now := time.Now()
			r := cur.Load()
			if r == nil {
				continue
			}
			if i, ok := stateIndex(b); !ok || i != r.index || r.lat[c.id].Load() != 0 {
				continue
			}
			r.lat[c.id].Store(int64(max(1, now.Sub(r.sentAt))))
			if r.got.Add(1) == r.n {
				close(r.done)
			}
		}
	}

	start := time.Now()
	clients := make([]*loadClient, cfg.n)
	sem := make(chan struct{}, cfg.conc)
	var dialErr atomic.Value
	var dialWG sync.WaitGroup
	for i := range cfg.n {
		sem <- struct{}{}
		dialWG.Add(1)
		go func() {
			defer func() { <-sem; dialWG.Done() }()
			var conn *websocket.Conn
			var err error
			for try := range 5 {
				conn, _, err = dialer.Dial(cfg.url, nil)
				if err == nil {
					break
				}
				time.Sleep(time.Duration(50<<try) * time.Millisecond)
			}
			if err != nil {
				dialErr.Store(fmt.Errorf("client %d: %w", i, err))
				return
			}
			clients[i] = &loadClient{id: i, conn: conn}
			wg.Add(1)
			go read(clients[i])
		}()
	}
	dialWG.Wait()
	if err, _ := dialErr.Load().(error); err != nil {
		return err
	}
	log.Printf("connected %d audience clients in %v", cfg.n, time.Since(start).Round(time.Millisecond))

	pu, err := url.Parse(cfg.url)
	if err != nil {
		return err
	}
	q := pu.Query()
	q.Set("token", cfg.token)
	pu.RawQuery = q.Encode()
	pres, _, err := dialer.Dial(pu.String(), nil)
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
		time.Sleep(cfg.idle)
	}

	var all []time.Duration
	var roundMax []time.Duration
	delivered, expected := 0, 0
	for k := range cfg.warmup + cfg.rounds {
		r := &round{index: 1 + k%cfg.slides, done: make(chan struct{}), lat: make([]atomic.Int64, cfg.n), n: int64(cfg.n)}
		r.sentAt = time.Now()
		cur.Store(r)
		if err := pres.WriteJSON(map[string]any{"type": "goto", "index": r.index}); err != nil {
			return fmt.Errorf("presenter send: %w", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
		select {
		case <-r.done:
		case <-ctx.Done():
		}
		cancel()
		cur.Store(nil)
		time.Sleep(cfg.interval)
		if k < cfg.warmup {
			continue
		}
		expected += cfg.n
		var mx time.Duration
		for i := range r.lat {
			if l := time.Duration(r.lat[i].Load()); l > 0 {
				all = append(all, l)
				mx = max(mx, l)
				delivered++
			}
		}
		roundMax = append(roundMax, mx)
	}
	slices.Sort(all)
	slices.Sort(roundMax)
	pct := func(s []time.Duration, p float64) time.Duration {
		if len(s) == 0 {
			return 0
		}
		return s[min(len(s)-1, int(p*float64(len(s))))]
	}
	fmt.Printf("clients=%d rounds=%d delivered=%d/%d\n", cfg.n, cfg.rounds, delivered, expected)
	fmt.Printf("latency p50=%v p90=%v p99=%v max=%v\n",
		pct(all, .50).Round(10*time.Microsecond), pct(all, .90).Round(10*time.Microsecond),
		pct(all, .99).Round(10*time.Microsecond), pct(all, 1).Round(10*time.Microsecond))
	fmt.Printf("per-round last delivery: median=%v max=%v\n",
		pct(roundMax, .5).Round(10*time.Microsecond), pct(roundMax, 1).Round(10*time.Microsecond))

	for _, c := range clients {
		c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		c.conn.Close()
	}
	wg.Wait()
	return nil
}

// raiseNoFile lifts the soft open-files limit to the hard one.
func raiseNoFile() (uint64, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	if rl.Cur < rl.Max {
		rl.Cur = rl.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			return rl.Cur, err
		}
	}
	return rl.Cur, nil
}

// stateIndex pulls the index out of a state frame without a JSON decoder:
// with 10,000 clients on the same machine as the server, the load
// generator's own CPU time is part of what it measures.
func stateIndex(b []byte) (int, bool) {
	if !bytes.HasPrefix(b, []byte(`{"type":"state"`)) {
		return 0, false
	}
	k := bytes.Index(b, []byte(`"index":`))
	if k < 0 {
		return 0, false
	}
	n, ok := 0, false
	for _, ch := range b[k+len(`"index":`):] {
		if ch < '0' || ch > '9' {
			break
		}
		n, ok = n*10+int(ch-'0'), true
	}
	return n, ok
}
