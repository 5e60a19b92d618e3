package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/podium-talks/podium/server/export"
)

// buildTimeout bounds one build of the download: a deck that takes longer
// to print has something wrong with it, and phones should not wait on it.
const buildTimeout = 2 * time.Minute

// downloads builds the file the audience downloads (GET /download) once
// per published deck version, in the background, and keeps the latest.
// It never prints notes: export.PDFOptions.Notes stays false here.
type downloads struct {
	browser string // Chromium for the PDF; "" means the static copy as a zip
	ctx     context.Context
	stop    context.CancelFunc

	mu  sync.Mutex
	cur *download // the build of the newest version asked for
}

// download is one build: done closes when body or err is set.
type download struct {
	version string
	done    chan struct{}
	body    *blob
	name    string // file name offered to the browser
	err     error
}

func newDownloads(browser string) *downloads {
	ctx, stop := context.WithCancel(context.Background())
	return &downloads{browser: browser, ctx: ctx, stop: stop}
}

// get returns the build of p, starting it when p's version has none yet.
func (ds *downloads) get(s *Server, p *published) *download {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if ds.cur != nil && ds.cur.version == p.version {
		return ds.cur
	}
	d := &download{version: p.version, done: make(chan struct{})}
	ds.cur = d
	go func() {
		defer close(d.done)
		ctx, cancel := context.WithTimeout(ds.ctx, buildTimeout)
		defer cancel()
		start := time.Now()
		d.body, d.name, d.err = ds.build(ctx, s, p)
		if d.err != nil {
			s.log.Warn("download: build failed", "version", p.version, "err", d.err)
			return
		}
		s.log.Info("download: built", "file", d.name, "bytes", len(d.body.body), "took", time.Since(start).Round(time.Millisecond))
	}()
	return d
}

func (ds *downloads) build(ctx context.Context, s *Server, p *published) (*blob, string, error) {
	t := &export.Talk{Deck: p.deck, Theme: p.theme.name, ThemeCSS: p.theme.css.body, Web: s.cfg.Web, Files: s.files.Load().fs}
	name := fileName(p.deck.Meta.Title)
	if ds.browser == "" {
		zipped, err := zipSite(t)
		return newBlob(&s.gz, zipped, "application/zip"), name + ".zip", err
	}
	pdf, err := t.PDF(ctx, export.PDFOptions{Browser: ds.browser})
	if err != nil {
		return nil, "", err
	}
	return newBlob(&s.gz, pdf, "application/pdf"), name + ".pdf", nil
}

// zipSite is the static copy of the talk as one zip, for a server without
// a browser to print with.
func zipSite(t *export.Talk) ([]byte, error) {
	site, err := t.HTML()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(site))
	for n := range site {
		names = append(names, n)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create("slides/" + n)
		if err != nil {
			return nil, err
		}
		w.Write(site[n])
	}
	err = zw.Close()
	return buf.Bytes(), err
}

// fileName is a download's name from the deck title: the title itself
// (any script), without what file systems refuse.
func fileName(title string) string {
	n := strings.Map(func(r rune) rune {
		if r < ' ' || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(title))
	if n == "" || n == "." || n == ".." {
		return "slides"
	}
	return n
}

// handleDownload serves the published deck's download while the presenter
// offers it, waiting for its build when it is not ready yet.
func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request) {
	if !s.hub.State().Download {
		http.Error(w, "the speaker has not offered the slides for download", http.StatusNotFound)
		return
	}
	d := s.dl.get(s, s.public())
	select {
	case <-d.done:
	case <-r.Context().Done():
		return
	}
	if d.err != nil {
		http.Error(w, "the slides could not be prepared; ask the speaker", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(d.name))
	d.body.serve(w, r, "no-cache")
}

// handleSetDownload is the presenter's switch: POST {"on": true|false}.
// Turning it on starts building the download at once, so the first phone
// to ask need not wait for it.
func (s *Server) handleSetDownload(w http.ResponseWriter, r *http.Request) {
	// JSON only: a cross-site form cannot send this content type, so a
	// page elsewhere cannot flip the switch with the presenter's cookie.
	if ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); strings.TrimSpace(ct) != "application/json" {
		http.Error(w, "want Content-Type: application/json", http.StatusUnsupportedMediaType)
		return
	}
	var m struct {
		On *bool `json:"on"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1024)).Decode(&m); err != nil || m.On == nil {
		http.Error(w, `want {"on": true} or {"on": false}`, http.StatusBadRequest)
		return
	}
	s.setDownload(*m.On)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) setDownload(on bool) {
	s.hub.SetDownload(on)
	if on {
		s.dl.get(s, s.public())
	}
}

// downloadInfo is GET /api/download: whether the slides are offered and
// as what, for the presenter's switch.
func (s *Server) handleDownloadInfo(w http.ResponseWriter, r *http.Request) {
	kind := "pdf"
	if s.dl.browser == "" {
		kind = "zip"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"on": s.hub.State().Download, "kind": kind})
}
