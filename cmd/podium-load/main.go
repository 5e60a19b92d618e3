// Command podium-load measures a podium server under many real websocket
// clients. It has three modes, each bounded in count and time:
//
//	fanout  (default) N audience websockets and one presenter; the presenter
//	        sends goto K times and every client's delay from the send to the
//	        matching state frame is recorded (p50/p90/p99).
//	storm   N audience websockets that reconnect like web/sync.js (full
//	        jitter, 0…min(8 s, 250 ms·2^n)) when the server goes away; kill
//	        and restart the server meanwhile (storm.sh does) and it reports
//	        the share that got hello+state back within 10 s and a histogram
//	        of reconnects in 250 ms buckets. With -goto the presenter first
//	        moves the talk, and only a state frame on that slide and step
//	        counts: the restart must keep the position, not just reconnect.
//
//	reload  N audience websockets; podium-load itself rewrites a chapter
//	        file of the deck folder the server watches, -saves times, and
//	        records each client's delay from the write to the deck frame.
//
// Examples (the scripts beside this file start the server and run these):
//
//	podium-load -url ws://127.0.0.1:8080/ws -token SECRET -n 10000 -rounds 20
//	podium-load -mode storm -n 2000 -window 20s
//	podium-load -mode reload -n 1000 -dir /tmp/deck -file 01-docker-coreos.md -saves 20
//
// With several servers in -url (replicas of one talk through NATS), fanout
// spreads the audience over them (client i on the i-th, modulo) and the
// presenter drives the first; storm sends every client to the first and
// each reconnect to the next, as a load balancer without sticky sessions
// would after the first one dies. -pid then takes their ids, summed.
//
// With -pid (the server's process id) it also reads the server's RSS and
// CPU time from /proc. It always reports its own CPU time, since on a small
// machine the load generator competes with the server it measures. It
// raises its own RLIMIT_NOFILE; the server needs the same (ulimit -n).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

type config struct {
	mode     string
	url      string
	urls     []string // every server the audience spreads over (-url a,b,c); url is the first
	token    string
	n        int
	conc     int
	pid      []int // the servers' process ids (-pid a,b,c): CPU and RSS are their sums
	timeout  time.Duration
	interval time.Duration

	// fanout
	rounds int
	warmup int
	slides int
	idle   time.Duration
	attack string

	// storm
	window  time.Duration
	wait    time.Duration
	backoff time.Duration
	capWait time.Duration
	gotoPos string

	// reload
	dir    string
	file   string
	saves  int
	rename bool
}

func main() {
	var cfg config
	flag.StringVar(&cfg.mode, "mode", "fanout", "fanout, storm or reload")
	flag.StringVar(&cfg.url, "url", "ws://127.0.0.1:8080/ws", "websocket `URL[,URL...]` of the server; with several (replicas of one talk), audience client i dials the i-th modulo their number and the presenter the first")
	flag.StringVar(&cfg.token, "token", os.Getenv("PODIUM_TOKEN"), "presenter token (default $PODIUM_TOKEN)")
	flag.IntVar(&cfg.n, "n", 10000, "audience connections")
	flag.IntVar(&cfg.conc, "c", 64, "concurrent dials while connecting")
	pids := flag.String("pid", "", "server process `id[,id...]`: report its RSS and CPU time from /proc (summed over several)")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "give up waiting for a round after this")
	flag.DurationVar(&cfg.interval, "interval", 100*time.Millisecond, "pause between rounds (fanout) or saves (reload)")
	flag.IntVar(&cfg.rounds, "rounds", 20, "fanout: measured goto rounds")
	flag.IntVar(&cfg.warmup, "warmup", 2, "fanout: unmeasured rounds first")
	flag.IntVar(&cfg.slides, "slides", 20, "fanout: goto cycles through slide indexes 1..slides (the deck must have that many)")
	flag.DurationVar(&cfg.idle, "idle", 0, "fanout: hold the connections idle this long before the rounds")
	flag.StringVar(&cfg.attack, "attack", "", "fanout: one hostile client meanwhile: pings (a ping flood) or logins (wrong tokens)")
	flag.DurationVar(&cfg.window, "window", 20*time.Second, "storm: how long to watch after the first disconnect")
	flag.DurationVar(&cfg.wait, "wait", 60*time.Second, "storm: give up if no disconnect comes within this")
	flag.DurationVar(&cfg.backoff, "backoff", 250*time.Millisecond, "storm: base of the exponential backoff")
	flag.DurationVar(&cfg.capWait, "cap", 8*time.Second, "storm: cap of the exponential backoff")
	flag.StringVar(&cfg.gotoPos, "goto", "", "storm: first move the talk to `INDEX.STEP` as a presenter (-token), and count a client resynced only when it lands there again")
	flag.StringVar(&cfg.dir, "dir", "", "reload: the deck folder the server serves")
	flag.StringVar(&cfg.file, "file", "", "reload: the chapter file in -dir to rewrite")
	flag.IntVar(&cfg.saves, "saves", 20, "reload: measured saves")
	flag.BoolVar(&cfg.rename, "rename", false, "reload: save like most editors (write a temp file, rename it over) instead of rewriting in place")
	flag.Parse()
	cfg.urls = strings.Split(cfg.url, ",")
	cfg.url = cfg.urls[0]
	for _, p := range strings.Split(*pids, ",") {
		if p == "" {
			continue
		}
		id, err := strconv.Atoi(p)
		if err != nil {
			log.Fatalf("-pid %s: not a process id", p)
		}
		cfg.pid = append(cfg.pid, id)
	}
	if soft, err := raiseNoFile(); err != nil {
		log.Printf("RLIMIT_NOFILE: %v", err)
	} else if soft < uint64(cfg.n)+64 {
		log.Printf("warning: RLIMIT_NOFILE %d is below -n %d", soft, cfg.n)
	}
	var err error
	switch cfg.mode {
	case "fanout":
		err = fanout(cfg)
	case "storm":
		err = storm(cfg)
	case "reload":
		err = reload(cfg)
	default:
		err = fmt.Errorf("unknown -mode %q (fanout, storm, reload)", cfg.mode)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// newDialer returns the dialer every mode uses: small buffers, since a
// frame is a few hundred bytes and 10,000 of them share the machine.
func newDialer() *websocket.Dialer {
	return &websocket.Dialer{ReadBufferSize: 512, WriteBufferSize: 256, HandshakeTimeout: 30 * time.Second}
}

// connectAll dials n audience websockets, conc at a time, with a few quick
// retries each, and starts read(i, conn) on its own goroutine for each.
// wg tracks the readers.
func connectAll(cfg config, wg *sync.WaitGroup, read func(i int, conn *websocket.Conn)) ([]*websocket.Conn, error) {
	dialer := newDialer()
	start := time.Now()
	conns := make([]*websocket.Conn, cfg.n)
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
				conn, _, err = dialer.Dial(cfg.urls[i%len(cfg.urls)], nil)
				if err == nil {
					break
				}
				time.Sleep(time.Duration(50<<try) * time.Millisecond)
			}
			if err != nil {
				dialErr.Store(fmt.Errorf("client %d: %w", i, err))
				return
			}
			conns[i] = conn
			wg.Add(1)
			go func() { defer wg.Done(); read(i, conn) }()
		}()
	}
	dialWG.Wait()
	if err, _ := dialErr.Load().(error); err != nil {
		closeAll(conns)
		return nil, err
	}
	log.Printf("connected %d audience clients in %v", cfg.n, time.Since(start).Round(time.Millisecond))
	return conns, nil
}

// closeAll says goodbye on every connection that is still there.
func closeAll(conns []*websocket.Conn) {
	bye := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	for _, c := range conns {
		if c != nil {
			c.WriteControl(websocket.CloseMessage, bye, time.Now().Add(time.Second))
			c.Close()
		}
	}
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

// frameType reports whether b is a frame of type t, assuming the server's
// field order (type first), without a JSON decoder: with 10,000 clients on
// the same machine as the server, the load generator's own CPU time is part
// of what it measures.
func frameType(b []byte, t string) bool {
	return bytes.HasPrefix(b, []byte(`{"type":"`+t+`"`))
}

// stateIndex pulls the index out of a state frame.
func stateIndex(b []byte) (int, bool) {
	if !frameType(b, "state") {
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

// pct returns the p-quantile of sorted s (nearest rank, rounded down).
func pct(s []time.Duration, p float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
}

// summary prints the percentiles of all (which it sorts).
func summary(label string, all []time.Duration) {
	slices.Sort(all)
	fmt.Printf("%s n=%d p50=%s p90=%s p95=%s p99=%s max=%s\n", label, len(all),
		ms(pct(all, .50)), ms(pct(all, .90)), ms(pct(all, .95)), ms(pct(all, .99)), ms(pct(all, 1)))
}

// cpuTime is user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clockTick is USER_HZ, the unit of /proc/PID/stat times; 100 on every
// Linux podium runs on.
const clockTick = 10 * time.Millisecond

// procCPU is the user and system CPU time of the processes pids, summed.
func procCPU(pids []int) (user, sys time.Duration) {
	for _, pid := range pids {
		u, s := procCPU1(pid)
		user, sys = user+u, sys+s
	}
	return user, sys
}

// procCPU1 is the user and system CPU time of process pid, from /proc.
func procCPU1(pid int) (user, sys time.Duration) {
	if pid <= 0 {
		return 0, 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64) // field 14, utime
	st, _ := strconv.ParseInt(f[12], 10, 64) // field 15, stime
	return time.Duration(ut) * clockTick, time.Duration(st) * clockTick
}

// procMem returns VmRSS, RssAnon and RssFile of the processes pids in
// kB, summed.
func procMem(pids []int) (rss, anon, file int64) {
	for _, pid := range pids {
		r, a, f := procMem1(pid)
		rss, anon, file = rss+r, anon+a, file+f
	}
	return
}

// procMem1 returns VmRSS, RssAnon and RssFile of process pid in kB.
func procMem1(pid int) (rss, anon, file int64) {
	if pid <= 0 {
		return
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "RssAnon":
			anon = n
		case "RssFile":
			file = n
		}
	}
	return
}

// cpuMeter measures the CPU time of this process and of the server over
// one phase, against the wall clock.
type cpuMeter struct {
	pid                  []int
	wall                 time.Time
	self, servU, servSys time.Duration
}

func startCPU(pid []int) cpuMeter {
	u, s := procCPU(pid)
	return cpuMeter{pid: pid, wall: time.Now(), self: cpuTime(), servU: u, servSys: s}
}

func (m cpuMeter) report(phase string) {
	wall := time.Since(m.wall)
	self := cpuTime() - m.self
	fmt.Printf("cpu %s: wall %s, load generator %s (%.0f%% of a core)", phase, ms(wall), ms(self), 100*float64(self)/float64(wall))
	if len(m.pid) > 0 {
		u, s := procCPU(m.pid)
		u, s = u-m.servU, s-m.servSys
		fmt.Printf(", server %s = user %s + sys %s (%.0f%% of a core)", ms(u+s), ms(u), ms(s), 100*float64(u+s)/float64(wall))
	}
	fmt.Println()
}
