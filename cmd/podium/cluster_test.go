package main

import (
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// within is until with a deadline for the whole wait: frames keep coming
// (beats, presence), so a read deadline alone would never end it.
func (c *wsClient) within(typ string, ok func(frame) bool) frame {
	c.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		f := c.read()
		if f["type"] == typ && (ok == nil || ok(f)) {
			return f
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no such %s frame; the last frame: %v", typ, f)
		}
	}
}

// TestClusterProcesses: two podium processes, the origin running NATS on
// a real TCP port (--nats-listen), the other joining it (--nats) without a
// folder: it serves the origin's deck, accepts the same token, follows
// the presenter on the origin, and a kill of the origin's NATS side is
// survived by the replica's phones (they keep their state).
func TestClusterProcesses(t *testing.T) {
	t.Parallel()
	bin := buildPodium(t)
	deck := restartDeck(t)
	home := t.TempDir()
	natsAddr := freeAddr(t)
	a1, a2 := freeAddr(t), freeAddr(t)
	origin := startPodium(t, bin, a1, home, "serve", "--addr", a1, "--state", filepath.Join(t.TempDir(), "o.json"),
		"--nats-listen", natsAddr, "--nats-name", "origin", deck)
	if !strings.Contains(origin.stdout.String(), "--nats nats://"+natsAddr) {
		t.Errorf("the origin does not say how to join it:\n%s", origin.stdout)
	}
	replica := startPodium(t, bin, a2, home, "serve", "--addr", a2, "--nats", "nats://"+natsAddr, "--nats-name", "replica")
	if replica.token != origin.token {
		t.Errorf("replica token %q, origin %q", replica.token, origin.token)
	}
	resp, err := http.Get("http://" + a2 + "/api/deck")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	pres := dialWS(t, a1, origin.token)
	phone := dialWS(t, a2, "")
	phone.within("state", nil)
	pres.send(frame{"type": "goto", "index": 20, "step": 2})
	if f := phone.within("state", func(f frame) bool { return f.num("index") == 20 }); f.num("step") != 2 {
		t.Errorf("phone on the replica at %v, want slide 21 step 2", f)
	}
	pres.within("cluster", func(f frame) bool { return f.num("audience") == 1 && len(f["replicas"].([]any)) == 2 })

	// A presenter on the replica drives the phone there and the origin's.
	pres2 := dialWS(t, a2, replica.token)
	phone1 := dialWS(t, a1, "")
	phone1.within("state", func(f frame) bool { return f.num("index") == 20 })
	pres2.send(frame{"type": "goto", "index": 21})
	phone1.within("state", func(f frame) bool { return f.num("index") == 21 })
	phone.within("state", func(f frame) bool { return f.num("index") == 21 })

	// The origin dies (and NATS with it): the replica keeps its phones
	// on their slide and refuses moves.
	origin.kill()
	pres2.within("cluster", func(f frame) bool { return f["reachable"] == false })
	pres2.send(frame{"type": "next"})
	if f := pres2.within("error", nil); f["code"] != "cluster_unreachable" {
		t.Errorf("move during the outage: %v, want cluster_unreachable", f)
	}
	late := dialWS(t, a2, "")
	if f := late.within("state", nil); f.num("index") != 21 {
		t.Errorf("a phone joining during the outage at %v, want slide 22", f)
	}
	if _, err := net.Dial("tcp", natsAddr); err == nil {
		t.Errorf("NATS still up after its process died")
	}
}
