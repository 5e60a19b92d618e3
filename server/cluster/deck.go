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
	"hash"
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

// Pack is one deck version packed for the replicas: the files of the deck
// folder as one tar, and its version, named by their content (the same
// files give the same version on any machine).
type Pack struct {
	Version string
	files   []fileEntry
	tar     []byte
}

// PackDeck packs the files of the deck folder fsys that keep admits
// (names as fs.WalkDir gives them; a folder refused is skipped whole). It
// reaches no network: the origin knows the version of what it loaded even
// while NATS is away.
func PackDeck(fsys fs.FS, keep func(name string) bool) (*Pack, error) {
	var files []fileEntry
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	sum := versionHash{sha256.New()}
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
		sum.add(name, h)
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return &Pack{Version: sum.version(), files: files, tar: buf.Bytes()}, nil
}

// versionHash names a deck version by its files, in the order they are
// packed: their names and the SHA-256 of their bytes.
type versionHash struct{ h hash.Hash }

func (v versionHash) add(name string, sum [sha256.Size]byte) {
	fmt.Fprintf(v.h, "%s\x00%x\x00", name, sum)
}
func (v versionHash) version() string { return hex.EncodeToString(v.h.Sum(nil))[:16] }

// PublishDeck packs the deck folder fsys (see PackDeck) and sends it.
func (n *Node) PublishDeck(ctx context.Context, fsys fs.FS, keep func(name string) bool) (string, error) {
	p, err := PackDeck(fsys, keep)
	if err != nil {
		return "", err
	}
	return p.Version, n.Send(ctx, p)
}

// Send puts deck version p in the object store and makes it the newest.
// The origin calls it after every good reload; a version already the
// newest is not sent again.
func (n *Node) Send(ctx context.Context, p *Pack) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if m, err := n.manifest(ctx); err == nil && m.Version == p.Version {
		return nil
	}
	object := objectName(p.Version)
	if _, err := n.obj.PutBytes(ctx, object, p.tar); err != nil {
		return fmt.Errorf("nats: sending deck version %s: %w", p.Version, err)
	}
	b, err := json.Marshal(manifest{Version: p.Version, Object: object, Files: p.files})
	if err != nil {
		return err
	}
	if _, err := n.kv.Put(ctx, keyDeck, b); err != nil {
		return fmt.Errorf("nats: announcing deck version %s: %w", p.Version, err)
	}
	n.prune(ctx)
	return nil
}

func objectName(version string) string { return "deck-" + version }

// prune deletes all but the keepVersions newest deck versions, and never
// the one a held talk's audience is kept on (Snapshot.Published): a
// replica that starts during the hold must find it. When the state cannot
// be read, nothing is deleted.
func (n *Node) prune(ctx context.Context) {
	infos, err := n.obj.List(ctx)
	if err != nil || len(infos) <= keepVersions {
		return
	}
	s, _, err := n.get(ctx)
	if err != nil {
		return
	}
	held := ""
	if s.Held && s.Published != "" {
		held = objectName(s.Published)
	}
	slices.SortFunc(infos, func(a, b *jetstream.ObjectInfo) int { return b.ModTime.Compare(a.ModTime) })
	for _, o := range infos[keepVersions:] {
		if o.Name != held {
			n.obj.Delete(ctx, o.Name)
		}
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

// ErrVersionGone is the error of FetchVersion when the object store no
// longer has the version: it keeps the keepVersions newest and the held
// one, so only a version held while it was already that old is gone.
var ErrVersionGone = errors.New("no longer in the cluster's object store")

// FetchVersion fetches deck version version, whichever the newest is:
// the one a held talk's audience is kept on, for a replica that joins
// during the hold. The files are checked against the version, which names
// their content.
func (n *Node) FetchVersion(ctx context.Context, version string) (*DeckFS, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	r, err := n.obj.Get(ctx, objectName(version))
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, fmt.Errorf("deck version %s: %w (it keeps the %d newest and the held one)", version, ErrVersionGone, keepVersions)
	}
	if err != nil {
		return nil, fmt.Errorf("deck version %s: %w", version, err)
	}
	defer r.Close()
	files, err := unpack(r, version, nil)
	if err != nil {
		return nil, err
	}
	d := &DeckFS{}
	d.cur.Store(&files)
	d.version.Store(&version)
	return d, nil
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
	files, err := unpack(r, m.Version, want)
	return files, m.Version, err
}

// unpack reads the tar of deck version version from r. With want (the
// manifest's files by name), every file must be one of them, of its size
// and hash, and none may be missing; either way the files must make up
// the version they are said to be.
func unpack(r io.Reader, version string, want map[string]fileEntry) (fstest.MapFS, error) {
	files := fstest.MapFS{}
	sum := versionHash{sha256.New()}
	tr := tar.NewReader(io.LimitReader(r, maxDeckBytes+1<<20))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("deck version %s: %w", version, err)
		}
		if h.Typeflag != tar.TypeReg || !fs.ValidPath(h.Name) || path.Clean(h.Name) != h.Name || h.Size < 0 || h.Size > maxDeckBytes || files[h.Name] != nil {
			return nil, fmt.Errorf("deck version %s: %s: not a deck file", version, h.Name)
		}
		f, ok := want[h.Name]
		if want != nil && (!ok || h.Size != f.Size) {
			return nil, fmt.Errorf("deck version %s: %s: not in its manifest", version, h.Name)
		}
		b, err := io.ReadAll(io.LimitReader(tr, h.Size))
		if err != nil {
			return nil, fmt.Errorf("deck version %s: %w", version, err)
		}
		s := sha256.Sum256(b)
		if want != nil && hex.EncodeToString(s[:]) != f.SHA256 {
			return nil, fmt.Errorf("deck version %s: %s: damaged on the way", version, h.Name)
		}
		sum.add(h.Name, s)
		files[h.Name] = &fstest.MapFile{Data: b, Mode: 0o644, ModTime: h.ModTime}
		delete(want, h.Name)
	}
	if len(want) > 0 {
		return nil, fmt.Errorf("deck version %s: %d files missing", version, len(want))
	}
	if sum.version() != version {
		return nil, fmt.Errorf("deck version %s: the files are of another version (%s)", version, sum.version())
	}
	return files, nil
}
