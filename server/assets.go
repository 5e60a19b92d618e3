package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

// blob is a response body prepared once: its bytes, their gzip form when
// that is smaller, a content type and a strong ETag.
type blob struct {
	body  []byte
	ctype string
	etag  string

	z    *gzipper  // nil: never compressed
	once sync.Once // compresses on the first request, not at start
	gz   []byte    // nil when compression does not pay
}

func newBlob(z *gzipper, body []byte, ctype string) *blob {
	sum := sha256.Sum256(body)
	b := &blob{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	if compressible(ctype) && len(body) > 256 {
		b.z = z
	}
	return b
}

// gzipped is the blob's gzip form, nil when compression does not pay. It
// is made on the first request for the blob: a server (and every test
// server) starts without compressing the web folder's three megabytes of
// vendored scripts that most talks never load.
func (b *blob) gzipped() []byte {
	b.once.Do(func() {
		if b.z == nil {
			return
		}
		if gz := b.z.compress(b.body); len(gz) < len(b.body) {
			b.gz = gz
		}
	})
	return b.gz
}

// gzipper compresses bodies at the best level, once each. It keeps its
// writers: a new one allocates about a megabyte of tables, which on every
// reload would cost more than the compression itself.
type gzipper struct{ pool sync.Pool }

func (z *gzipper) compress(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := z.pool.Get().(*gzip.Writer)
	if zw == nil {
		zw, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
	} else {
		zw.Reset(&buf)
	}
	zw.Write(body)
	zw.Close()
	z.pool.Put(zw)
	return buf.Bytes()
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") ||
		strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "image/svg+xml")
}

// serve writes the blob, honouring If-None-Match and Accept-Encoding.
// cache is the Cache-Control value.
func (b *blob) serve(w http.ResponseWriter, r *http.Request, cache string) {
	h := w.Header()
	h.Set("Content-Type", b.ctype)
	h.Set("Cache-Control", cache)
	h.Set("ETag", b.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	gz := b.gzipped()
	if gz != nil {
		h.Add("Vary", "Accept-Encoding")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, b.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := b.body
	if gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = gz
	}
	h.Set("Content-Length", itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return strings.ReplaceAll(q, " ", "") != "q=0"
		}
	}
	return false
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(buf[i:])
		}
	}
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".json":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// bundle is every static file of the web folder, prepared once and served
// under one content hash: a change to any file changes every URL, so the
// files can be cached forever and relative module imports stay inside the
// hashed prefix.
type bundle struct {
	hash  string
	files map[string]*blob
}

func newBundle(z *gzipper, fsys fs.FS) (*bundle, error) {
	b := &bundle{files: make(map[string]*blob)}
	all := sha256.New()
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".html") {
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		all.Write([]byte(name))
		all.Write([]byte{0})
		all.Write(data)
		b.files[name] = newBlob(z, data, contentType(name))
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.hash = hex.EncodeToString(all.Sum(nil)[:6])
	return b, nil
}
