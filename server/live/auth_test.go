package live

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) < 22 {
		t.Errorf("tokens %q %q: want distinct, >= 128 bits", a, b)
	}
	if NewAuth("").Token() == "" {
		t.Error("NewAuth(\"\") has no token")
	}
	raw, err := base64.RawURLEncoding.DecodeString(a)
	if err != nil || len(raw)*8 < 128 || len(a) < MinTokenLen {
		t.Errorf("token %q: %d random bits (%v), %d characters; want >= 128 bits and >= MinTokenLen", a, len(raw)*8, err, len(a))
	}
}

func TestCheck(t *testing.T) {
	a := NewAuth("s3cret-token")
	for _, tt := range []struct {
		guess string
		want  bool
	}{
		{"s3cret-token", true},
		{"", false},
		{"s3cret-toke", false},   // prefix
		{"s3cret-tokenX", false}, // longer
		{"S3cret-token", false},
		{strings.Repeat("x", 10000), false},
	} {
		if got := a.Check(tt.guess); got != tt.want {
			t.Errorf("Check(%.20q) = %v, want %v", tt.guess, got, tt.want)
		}
	}
	// Check compares fixed-size digests with subtle.ConstantTimeCompare, so
	// neither the length nor the first differing byte of a guess changes the
	// work done; the sum is all it keeps.
	if a.sum == ([32]byte{}) {
		t.Error("Auth keeps no digest")
	}
}

func TestIsPresenter(t *testing.T) {
	a := NewAuth("tok")
	r := httptest.NewRequest("GET", "/ws", nil)
	if a.IsPresenter(r) {
		t.Error("bare request is presenter")
	}
	r = httptest.NewRequest("GET", "/ws?token=tok", nil)
	if !a.IsPresenter(r) {
		t.Error("?token= not accepted")
	}
	r = httptest.NewRequest("GET", "/ws?token=nope", nil)
	if a.IsPresenter(r) {
		t.Error("wrong ?token= accepted")
	}
	r = httptest.NewRequest("GET", "/ws", nil)
	r.AddCookie(&http.Cookie{Name: CookieName, Value: "tok"})
	if !a.IsPresenter(r) {
		t.Error("cookie not accepted")
	}
	var none *Auth
	if none.IsPresenter(r) {
		t.Error("nil Auth has a presenter")
	}
}

func TestLogin(t *testing.T) {
	a := NewAuth("tok")
	t.Run("valid token sets cookie and redirects without it", func(t *testing.T) {
		w := httptest.NewRecorder()
		if !a.Login(w, httptest.NewRequest("GET", "/talk/?x=1&token=tok", nil)) {
			t.Fatal("Login did not handle ?token=")
		}
		res := w.Result()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("status %d, want 303", res.StatusCode)
		}
		if loc := res.Header.Get("Location"); loc != "/talk/?x=1" {
			t.Errorf("Location %q, want /talk/?x=1", loc)
		}
		cs := res.Cookies()
		if len(cs) != 1 {
			t.Fatalf("cookies %v", cs)
		}
		c := cs[0]
		if c.Name != CookieName || c.Value != "tok" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
			t.Errorf("cookie %+v: want podium_token, HttpOnly, SameSite=Strict, Path=/", c)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Error("token redirect is cacheable")
		}
	})
	t.Run("invalid token is 403 without cookie", func(t *testing.T) {
		w := httptest.NewRecorder()
		if !a.Login(w, httptest.NewRequest("GET", "/?token=bad", nil)) {
			t.Fatal("Login did not handle bad ?token=")
		}
		if w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
			t.Errorf("status %d cookies %v, want 403 and none", w.Code, w.Result().Cookies())
		}
	})
	t.Run("no token: caller goes on", func(t *testing.T) {
		w := httptest.NewRecorder()
		if a.Login(w, httptest.NewRequest("GET", "/", nil)) || w.Code != 200 || w.Body.Len() != 0 {
			t.Error("Login wrote a response without ?token=")
		}
	})
	t.Run("no open redirect", func(t *testing.T) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/?token=tok", nil)
		r.URL.Path = "//evil.example/x"
		a.Login(w, r)
		if loc := w.Result().Header.Get("Location"); loc != "/evil.example/x" {
			t.Errorf("Location %q, want a local path", loc)
		}
	})
	t.Run("cookie is Secure over TLS", func(t *testing.T) {
		w := httptest.NewRecorder()
		a.Login(w, httptest.NewRequest("GET", "https://podium.example/?token=tok", nil))
		if cs := w.Result().Cookies(); len(cs) != 1 || !cs[0].Secure {
			t.Errorf("cookies %v, want one Secure", cs)
		}
	})
}

func TestRequire(t *testing.T) {
	a := NewAuth("tok")
	h := a.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("notes")) }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/notes", nil))
	if w.Code != http.StatusForbidden || w.Body.String() == "notes" {
		t.Errorf("audience got %d %q", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/api/notes", nil)
	r.AddCookie(&http.Cookie{Name: CookieName, Value: "tok"})
	h.ServeHTTP(w, r)
	if w.Code != 200 || w.Body.String() != "notes" {
		t.Errorf("presenter got %d %q", w.Code, w.Body)
	}
}
