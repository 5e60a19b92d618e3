package cluster

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/podium-talks/podium/server/live"
)

func startNode(t *testing.T) *Node {
	t.Helper()
	ns, err := server.NewServer(&server.Options{JetStream: true, StoreDir: t.TempDir(), DontListen: true, NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS did not start")
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	n, err := Start(context.Background(), Config{Server: ns, Talk: "t", Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	return n
}

func notHidden(name string) bool {
	for _, el := range strings.Split(name, "/") {
		if el[0] == '.' || el[0] == '_' {
			return false
		}
	}
	return true
}

// TestDeckTravels: the files the filter admits arrive whole; a version
// whose object does not match its manifest is refused.
func TestDeckTravels(t *testing.T) {
	n := startNode(t)
	ctx := context.Background()
	src := fstest.MapFS{
		"01.md":        {Data: []byte("# A\n\nNote: secret\n")},
		"img/a.png":    {Data: []byte("png")},
		".env":         {Data: []byte("KEY=1")},
		"_drafts/x.md": {Data: []byte("# draft")},
	}
	v, err := n.PublishDeck(ctx, src, notHidden)
	if err != nil {
		t.Fatal(err)
	}
	d, err := n.FetchDeck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version() != v {
		t.Errorf("fetched version %s, published %s", d.Version(), v)
	}
	if b, err := fs.ReadFile(d, "01.md"); err != nil || string(b) != "# A\n\nNote: secret\n" {
		t.Errorf("01.md: %q %v", b, err)
	}
	for _, hidden := range []string{".env", "_drafts/x.md"} {
		if _, err := fs.Stat(d, hidden); err == nil {
			t.Errorf("%s travelled", hidden)
		}
	}
	if again, _ := n.PublishDeck(ctx, src, notHidden); again != v {
		t.Errorf("the same files gave version %s, then %s", v, again)
	}

	// Someone with write access to the bucket swaps the object.
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "01.md", Mode: 0o644, Size: 18, Typeflag: tar.TypeReg})
	tw.Write([]byte("# B\n\nNote: swaps\n\n"))
	tw.Close()
	if _, err := n.obj.PutBytes(ctx, "deck-"+v, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	e, err := n.kv.Get(ctx, keyDeck)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.fetch(ctx, e.Value()); err == nil {
		t.Error("a deck that does not match its manifest was accepted")
	}
}

// TestHeldVersionKept: the object store keeps the keepVersions newest deck
// versions and the one a hold names (a replica joining during the hold
// fetches it by its version), whatever is published meanwhile; once the
// hold ends it goes like any other. A version gone, or an object that is
// not the version it is named after, is refused.
func TestHeldVersionKept(t *testing.T) {
	n := startNode(t)
	ctx := context.Background()
	version := func(i int) string {
		t.Helper()
		v, err := n.PublishDeck(ctx, fstest.MapFS{"01.md": {Data: fmt.Appendf(nil, "# Version %d\n", i)}}, notHidden)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	hold := func(on bool, v string) {
		t.Helper()
		if _, _, err := n.Update(func(s live.Snapshot) (live.Snapshot, error) { s.Held, s.Published = on, v; return s, nil }); err != nil {
			t.Fatal(err)
		}
	}
	held, second := version(0), version(1)
	hold(true, held)
	for i := 2; i < keepVersions+3; i++ {
		version(i)
	}
	d, err := n.FetchVersion(ctx, held)
	if err != nil {
		t.Fatalf("the held version: %v", err)
	}
	if b, _ := fs.ReadFile(d, "01.md"); string(b) != "# Version 0\n" || d.Version() != held {
		t.Errorf("the held version has %q, version %s", b, d.Version())
	}
	if _, err := n.FetchVersion(ctx, second); !errors.Is(err, ErrVersionGone) {
		t.Errorf("a version older than the %d newest, not held: %v, want ErrVersionGone", keepVersions, err)
	}
	hold(false, "")
	version(100)
	if _, err := n.FetchVersion(ctx, held); !errors.Is(err, ErrVersionGone) {
		t.Errorf("the version held before the publish: %v, want ErrVersionGone", err)
	}

	// An object under a version's name with other files in it.
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "01.md", Mode: 0o644, Size: 4, Typeflag: tar.TypeReg})
	tw.Write([]byte("# B\n"))
	tw.Close()
	if _, err := n.obj.PutBytes(ctx, objectName("0123456789abcdef"), buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	if _, err := n.FetchVersion(ctx, "0123456789abcdef"); err == nil || !strings.Contains(err.Error(), "another version") {
		t.Errorf("an object that is not its version: %v, want refused", err)
	}
}
