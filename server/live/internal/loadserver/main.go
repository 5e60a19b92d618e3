// Command loadserver serves nothing but a live.Hub at /ws, with a synthetic
// deck, so that cmd/podium-load and /proc/<pid>/status can measure the hub
// alone: delivery latency and resident memory per idle connection.
//
//	go build -o /tmp/loadserver ./server/live/internal/loadserver
//	/tmp/loadserver -addr 127.0.0.1:18080 -token load &
//	grep VmRSS /proc/$!/status
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/podium-talks/podium/server/live"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "listen address")
	token := flag.String("token", "load", "presenter token")
	slides := flag.Int("slides", 100, "slides in the synthetic deck")
	maxConns := flag.Int("maxconns", 60000, "live.Options.MaxConns")
	flag.Parse()

	if soft, hard, err := raiseNoFile(); err != nil {
		log.Printf("RLIMIT_NOFILE: %v", err)
	} else {
		log.Printf("RLIMIT_NOFILE soft=%d hard=%d", soft, hard)
	}

	hub := live.New(live.Options{Auth: live.NewAuth(*token), MaxConns: *maxConns})
	d := live.Deck{Version: "load-1"}
	for i := range *slides {
		d.Slides = append(d.Slides, live.Slide{ID: fmt.Sprintf("s%d", i), Steps: i % 3})
	}
	hub.SetDeck(d)

	mux := http.NewServeMux()
	mux.Handle("/ws", hub)
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		<-ctx.Done()
		pprof.StopCPUProfile()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hub.Shutdown(ctx)
		srv.Shutdown(ctx)
	}()
	go memReport()
	log.Printf("pid %d serving ws://%s/ws (token %q)", os.Getpid(), *addr, *token)
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

// memReport logs where the memory is each time the process gets SIGUSR1,
// after a GC, so RSS per connection can be broken down. SIGUSR2 starts a CPU
// profile into $LOADSERVER_CPUPROFILE, the next SIGUSR2 stops it.
func memReport() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGUSR2)
	var prof *os.File
	for sig := range c {
		if sig == syscall.SIGUSR2 {
			if prof != nil {
				pprof.StopCPUProfile()
				prof.Close()
				prof = nil
				log.Printf("CPU profile written")
			} else if path := os.Getenv("LOADSERVER_CPUPROFILE"); path != "" {
				if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
					prof = f
				}
			}
			continue
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		log.Printf("goroutines=%d heapAlloc=%dk heapInuse=%dk heapIdle=%dk heapReleased=%dk stackInuse=%dk sys=%dk",
			runtime.NumGoroutine(), m.HeapAlloc>>10, m.HeapInuse>>10, m.HeapIdle>>10, m.HeapReleased>>10, m.StackInuse>>10, m.Sys>>10)
		if path := os.Getenv("LOADSERVER_HEAPPROFILE"); path != "" {
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}
}

// raiseNoFile lifts the soft open-files limit to the hard one: every
// websocket is a file descriptor. (Go already does this at start since 1.19;
// doing it here makes the limit visible in the log.)
func raiseNoFile() (soft, hard uint64, err error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, 0, err
	}
	if rl.Cur < rl.Max {
		rl.Cur = rl.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			return 0, 0, err
		}
	}
	return rl.Cur, rl.Max, nil
}
