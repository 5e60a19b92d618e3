package cluster

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"sync/atomic"
	"testing/fstest"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// maxDeckBytes bounds one deck version, packed: what a follower accepts
// and the origin sends. A talk is Markdown and a few images; a video
// belongs on a CDN.
const maxDeckBytes = 256 << 20

// keepVersions is how many deck versions stay in the object store: the
// newest, and older ones that a held talk's audience may still be on.
const keepVersions = 8

// manifest is the value of the deck key: the newest good version, the
// object that holds its files (a tar), and the files.
type manifest struct {
	Version string      `json:"version"`
	Object  string      `json:"object"`
	Files   []fileEntry `json:"files"`
}

type fileEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// PublishDeck sends the files of the deck folder fsys that keep admits
// (names as fs.WalkDir gives them; a folder refused is skipped whole) to
// the object store as one version, named by their content, and makes it
// the newest. The origin calls it after every good reload; a version
// already published is not sent again.
func (n *Node) PublishDeck(ctx context.Context, fsys fs.FS, keep func(name string) bool) (string, error) {
	var files []fileEntry
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	sum := sha256.New()
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name == "." {
			return nil
		}
		if !keep(name) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		st, err := fs.Stat(fsys, name) // through a link inside the folder
		if err != nil || !st.Mode().IsRegular() {
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if buf.Len()+len(b) > maxDeckBytes {
			return fmt.Errorf("%s: the deck is larger than %d MiB, too large to send to the replicas", name, maxDeckBytes>>20)
		}
		h := sha256.Sum256(b)
		files = append(files, fileEntry{Name: name, Size: int64(len(b)), SHA256: hex.EncodeToString(h[:])})
		fmt.Fprintf(sum, "%s\x00%x\x00", name, h)
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	version := hex.EncodeToString(sum.Sum(nil))[:16]
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if m, err := n.manifest(ctx); err == nil && m.Version == version {
		return version, nil
	}
	object := "deck-" + version
	if _, err := n.obj.PutBytes(ctx, object, buf.Bytes()); err != nil {
		return "", fmt.Errorf("nats: sending deck version %s: %w", version, err)
	}
	b, err := json.Marshal(manifest{Version: version, Object: object, Files: files})
	if err != nil {
		return "", err
	}
	if _, err := n.kv.Put(ctx, keyDeck, b); err != nil {
		return "", fmt.Errorf("nats: announcing deck version %s: %w", version, err)
	}
	n.prune(ctx)
	return version, nil
}

// prune deletes all but the keepVersions newest deck versions.
func (n *Node) prune(ctx context.Context) {
	infos, err := n.obj.List(ctx)
	if err != nil || len(infos) <= keepVersions {
		return
	}
	slices.SortFunc(infos, func(a, b *jetstream.ObjectInfo) int { return b.ModTime.Compare(a.ModTime) })
	for _, o := range infos[keepVersions:] {
		n.obj.Delete(ctx, o.Name)
	}
}

func (n *Node) manifest(ctx context.Context) (manifest, error) {
	var m manifest
	e, err := n.kv.Get(ctx, keyDeck)
	if err != nil {
		return m, err
	}
	err = json.Unmarshal(e.Value(), &m)
	return m, err
}

// DeckFS is a deck folder fetched from the cluster: the files of the
// newest version the origin published, replaced whole when it publishes
// another (FollowDeck), so that one deck.Loader reads every version.
type DeckFS struct {
	cur     atomic.Pointer[fstest.MapFS]
	version atomic.Pointer[string]
}

// Version is the version the files are of.
func (d *DeckFS) Version() string { return *d.version.Load() }

func (d *DeckFS) fs() fstest.MapFS { return *d.cur.Load() }

// Open, ReadFile, Stat and ReadDir read the current version.
func (d *DeckFS) Open(name string) (fs.File, error)          { return d.fs().Open(name) }
func (d *DeckFS) ReadFile(name string) ([]byte, error)       { return d.fs().ReadFile(name) }
func (d *DeckFS) Stat(name string) (fs.FileInfo, error)      { return d.fs().Stat(name) }
func (d *DeckFS) ReadDir(name string) ([]fs.DirEntry, error) { return d.fs().ReadDir(name) }

// FetchDeck waits until the origin has published a deck (or ctx ends) and
// returns its files.
func (n *Node) FetchDeck(ctx context.Context) (*DeckFS, error) {
	w, err := n.kv.Watch(ctx, keyDeck)
	if err != nil {
		return nil, fmt.Errorf("nats: waiting for the deck: %w", err)
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no deck published by the origin yet: %w", ctx.Err())
		case e, ok := <-w.Updates():
			if !ok {
				return nil, fmt.Errorf("no deck published by the origin yet: %w", ctx.Err())
			}
			if e == nil || e.Operation() != jetstream.KeyValuePut {
				continue
			}
			files, version, err := n.fetch(ctx, e.Value())
			if err != nil {
				n.log.Warn("cannot fetch the published deck; waiting for the next", "err", err)
				continue
			}
			d := &DeckFS{}
			d.cur.Store(&files)
			d.version.Store(&version)
			return d, nil
		}
	}
}

// FollowDeck replaces d's files with every version the origin publishes
// after it, calling changed after each, until ctx ends.
func (n *Node) FollowDeck(ctx context.Context, d *DeckFS, changed func()) {
	n.watch(ctx, keyDeck, func(e jetstream.KeyValueEntry) {
		files, version, err := n.fetch(ctx, e.Value())
		if err != nil {
			n.log.Warn("cannot fetch the published deck; keeping the last one", "err", err)
			return
		}
		if version == d.Version() {
			return
		}
		d.cur.Store(&files)
		d.version.Store(&version)
		changed()
	})
}

// fetch reads the version a manifest names and unpacks it, checking every
// file against the manifest.
func (n *Node) fetch(ctx context.Context, value []byte) (fstest.MapFS, string, error) {
	var m manifest
	if err := json.Unmarshal(value, &m); err != nil {
		return nil, "", fmt.Errorf("deck manifest: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	r, err := n.obj.Get(ctx, m.Object)
	if err != nil {
		return nil, "", fmt.Errorf("deck version %s: %w", m.Version, err)
	}
	defer r.Close()
	want := make(map[string]fileEntry, len(m.Files))
	for _, f := range m.Files {
		want[f.Name] = f
	}
	files := fstest.MapFS{}
	tr := tar.NewReader(io.LimitReader(r, maxDeckBytes+1<<20))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("deck version %s: %w", m.Version, err)
		}
		f, ok := want[h.Name]
		if h.Typeflag != tar.TypeReg || !ok || !fs.ValidPath(h.Name) || path.Clean(h.Name) != h.Name || h.Size != f.Size {
			return nil, "", fmt.Errorf("deck version %s: %s: not in its manifest", m.Version, h.Name)
		}
		b, err := io.ReadAll(io.LimitReader(tr, f.Size))
		if err != nil {
			return nil, "", err
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
			return nil, "", fmt.Errorf("deck version %s: %s: damaged on the way", m.Version, h.Name)
		}
		files[h.Name] = &fstest.MapFile{Data: b, Mode: 0o644, ModTime: h.ModTime}
		delete(want, h.Name)
	}
	if len(want) > 0 {
		return nil, "", fmt.Errorf("deck version %s: %d files missing", m.Version, len(want))
	}
	return files, m.Version, nil
}
