package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// reload measures file save → deck frame on every client: it rewrites
// -file in -dir (the folder the server watches) -saves times, recording the
// moment before each write, and each client's arrival of the next deck
// frame. The file gets its original content back at the end.
func reload(cfg config) error {
	if cfg.dir == "" || cfg.file == "" {
		return errors.New("reload needs -dir (the served deck folder) and -file (a chapter in it)")
	}
	path := filepath.Join(cfg.dir, cfg.file)
	orig, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	save := func(b []byte) error {
		if !cfg.rename {
			return os.WriteFile(path, b, st.Mode())
		}
		// The way most editors save: a temp file renamed over the chapter.
		// The "~" suffix is one the watcher ignores as editor noise.
		tmp := filepath.Join(cfg.dir, "."+cfg.file+".podium-load~")
		if err := os.WriteFile(tmp, b, st.Mode()); err != nil {
			return err
		}
		return os.Rename(tmp, path)
	}
	defer func() {
		if err := save(orig); err != nil {
			log.Printf("restoring %s: %v", path, err)
		}
	}()

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
			if r == nil || !frameType(b, "deck") || r.lat[id].Load() != 0 {
				continue
			}
			r.record(id, now)
		}
	}
	clients, err := connectAll(cfg, &wg, read)
	if err != nil {
		return err
	}
	defer func() { closeAll(clients); wg.Wait() }()

	var all, first, last []time.Duration
	delivered, expected := 0, 0
	var saves cpuMeter
	for k := range cfg.warmup + cfg.saves {
		if k == cfg.warmup {
			saves = startCPU(cfg.pid)
		}
		r := newRound(cfg.n)
		cur.Store(r)
		edited := fmt.Appendf(append([]byte{}, orig...), "\n\npodium-load edit %d at %d\n", k, time.Now().UnixNano())
		r.sentAt = time.Now()
		if err := save(edited); err != nil {
			return err
		}
		r.wait(cfg.timeout, fmt.Sprintf("save %d", k))
		cur.Store(nil)
		time.Sleep(cfg.interval)
		if k < cfg.warmup {
			continue
		}
		expected += cfg.n
		lats, lo, hi := r.latencies()
		all = append(all, lats...)
		delivered += len(lats)
		first, last = append(first, lo), append(last, hi)
	}
	saves.report("saves")
	fmt.Printf("clients=%d saves=%d rename=%t delivered=%d/%d\n", cfg.n, cfg.saves, cfg.rename, delivered, expected)
	summary("save→deck frame", all)
	summary("per-save first client", first)
	summary("per-save last client", last)
	return nil
}
