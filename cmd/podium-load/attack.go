package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// attackStats counts what one attacking client did while the rounds ran.
type attackStats struct {
	sent     atomic.Int64 // pings written, or login attempts made
	answered atomic.Int64 // pongs received, or logins not refused with 429
	closed   atomic.Int64 // connections the server closed (pings)
	limited  atomic.Int64 // 429 answers (logins)
}

// attack runs one hostile client beside the fan-out until ctx ends:
//
//	pings   one audience websocket writing pings as fast as it can,
//	        reconnecting whenever the server closes it (1008)
//	logins  GET /presenter?token=<a new wrong guess> as fast as it can
//	        over one keep-alive connection
func attack(ctx context.Context, cfg config, kind string, st *attackStats) error {
	switch kind {
	case "pings":
		for ctx.Err() == nil {
			conn, _, err := newDialer().DialContext(ctx, cfg.url, nil)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("ping attacker: %w", err)
			}
			conn.SetPongHandler(func(string) error { st.answered.Add(1); return nil })
			go func() {
				for {
					if _, _, err := conn.ReadMessage(); err != nil {
						st.closed.Add(1)
						return
					}
				}
			}()
			for ctx.Err() == nil {
				if err := conn.WriteControl(websocket.PingMessage, []byte("x"), time.Now().Add(time.Second)); err != nil {
					break
				}
				st.sent.Add(1)
			}
			conn.Close()
		}
	case "logins":
		u, err := url.Parse(cfg.url)
		if err != nil {
			return err
		}
		u.Scheme = strings.Replace(u.Scheme, "ws", "http", 1)
		u.Path = "/presenter"
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for i := 0; ctx.Err() == nil; i++ {
			q := url.Values{"token": {fmt.Sprintf("wrong-guess-%016d", i)}}
			u.RawQuery = q.Encode()
			req, _ := http.NewRequestWithContext(ctx, "GET", u.String(), nil)
			res, err := client.Do(req)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("login attacker: %w", err)
			}
			res.Body.Close()
			st.sent.Add(1)
			if res.StatusCode == http.StatusTooManyRequests {
				st.limited.Add(1)
			} else {
				st.answered.Add(1)
			}
		}
	default:
		return fmt.Errorf("unknown -attack %q (pings, logins)", kind)
	}
	return nil
}

func (st *attackStats) report(kind string, d time.Duration) {
	s := d.Seconds()
	switch kind {
	case "pings":
		fmt.Printf("attack pings: %d sent (%.0f/s), %d answered, %d connections closed by the server\n",
			st.sent.Load(), float64(st.sent.Load())/s, st.answered.Load(), st.closed.Load())
	case "logins":
		fmt.Printf("attack logins: %d attempts (%.0f/s), %d checked (403), %d refused unchecked (429)\n",
			st.sent.Load(), float64(st.sent.Load())/s, st.answered.Load(), st.limited.Load())
	}
}
