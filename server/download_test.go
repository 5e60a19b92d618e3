package server

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

func newDownloadServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	cfg.Deck, cfg.Web, cfg.Themes, cfg.Token = testDeck, web.FS, themes.FS, "tok"
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := newHTTPServer(t, s)
	return s, ts
}

func newHTTPServer(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptestServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

func post(t *testing.T, url, ctype, body string, cookie bool) int {
	t.Helper()
	if cookie {
		url += "?token=tok"
	}
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestDownloadSwitch: nothing to download until the presenter offers it;
// only a presenter can, with JSON.
func TestDownloadSwitch(t *testing.T) {
	t.Parallel()
	s, url := newDownloadServer(t, Config{})
	if resp, _ := get(t, url+"/download"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /download before the offer: %d, want 404", resp.StatusCode)
	}
	if code := post(t, url+"/api/download", "application/json", `{"on":true}`, false); code != http.StatusUnauthorized && code != http.StatusForbidden {
		t.Errorf("audience POST /api/download: %d, want 401 or 403", code)
	}
	if code := post(t, url+"/api/download", "text/plain", `{"on":true}`, true); code != http.StatusUnsupportedMediaType {
		t.Errorf("form-like POST: %d, want 415", code)
	}
	if s.hub.State().Download {
		t.Fatal("download switched on by a refused request")
	}
	if code := post(t, url+"/api/download", "application/json", `{"on":true}`, true); code != http.StatusNoContent {
		t.Fatalf("presenter POST: %d, want 204", code)
	}
	if !s.hub.State().Download {
		t.Error("the state frame does not say the slides are offered")
	}
	post(t, url+"/api/download", "application/json", `{"on":false}`, true)
	if resp, _ := get(t, url+"/download"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /download after switching off: %d, want 404", resp.StatusCode)
	}
}

// TestDownloadZipNoNotes: without a browser the audience gets the static
// copy as a zip, and no file in it has the notes.
func TestDownloadZipNoNotes(t *testing.T) {
	t.Parallel()
	_, url := newDownloadServer(t, Config{Download: true})
	resp, body := get(t, url+"/download")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("GET /download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment; filename*=UTF-8''Test%20talk.zip") {
		t.Errorf("Content-Disposition = %q", resp.Header.Get("Content-Disposition"))
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range zr.File {
		seen[f.Name] = true
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(data, []byte(secretNote)) {
			t.Errorf("%s in the zip holds the speaker note", f.Name)
		}
		if strings.HasSuffix(f.Name, ".md") {
			t.Errorf("the zip has a chapter source: %s", f.Name)
		}
	}
	if !seen["slides/index.html"] || !seen["slides/deck/img/logo.svg"] {
		t.Errorf("zip lacks index.html or the image: %v", seen)
	}
}

// TestDownloadPDFNoNotes: with a browser the download is the PDF of the
// published deck, built once, and it has no notes.
func TestDownloadPDFNoNotes(t *testing.T) {
	t.Parallel()
	b := browsertest.FindBrowser()
	if b == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found (CI=true)")
		}
		t.Skip("chromium not found")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not found; apt-get install poppler-utils")
	}
	s, url := newDownloadServer(t, Config{Download: true, Browser: b})
	resp, body := get(t, url+"/download")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET /download: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	p := filepath.Join(t.TempDir(), "d.pdf")
	os.WriteFile(p, body, 0o644)
	out, err := exec.Command("pdftotext", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(secretNote)) {
		t.Error("the downloaded PDF holds the speaker note")
	}
	if !bytes.Contains(out, []byte("Second")) {
		t.Errorf("the PDF lacks the slides' text: %q", out)
	}
	// Built once per version: a second request gets the same build.
	first := s.dl.get(s, s.public())
	if resp2, body2 := get(t, url+"/download"); resp2.StatusCode != http.StatusOK || !bytes.Equal(body2, body) || s.dl.get(s, s.public()) != first {
		t.Error("a second download was built again")
	}
}

func httptestServer(h http.Handler) *httptest.Server { return httptest.NewServer(h) }
