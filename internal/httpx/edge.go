package httpx

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
)

// MaxFormBody bounds every form post.
const MaxFormBody = 128 << 10

// ParseForm parses a urlencoded form post of at most MaxFormBody. Returns
// EINVALID, or the edge codes for a wrong media type or a form too large.
func ParseForm(w http.ResponseWriter, r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return &mentorvault.Error{Code: CodeUnsupportedMedia, Message: "send the form as application/x-www-form-urlencoded"}
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &mentorvault.Error{Code: CodeTooLarge, Message: "the form is too large"}
		}
		return mentorvault.Errorf(mentorvault.EINVALID, "the form could not be read")
	}
	return nil
}

// Edge is what the server believes about how a request reached it.
type Edge struct {
	// TrustProxy makes the server believe X-Forwarded-Proto/For from a reverse proxy.
	TrustProxy bool
}

// TLS reports whether the request reached us over TLS (directly, or through
// a proxy the operator trusts to say so).
func (e Edge) TLS(r *http.Request) bool {
	return r.TLS != nil || (e.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https")
}

// BaseURL is the server's own origin as the client sees it, for links.
func (e Edge) BaseURL(r *http.Request) string {
	scheme := "http"
	if e.TLS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// ClientAddr is the client's IP address, for login rate limits.
func (e Edge) ClientAddr(r *http.Request) string {
	if e.TrustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			return strings.TrimSpace(strings.Split(f, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// SessionCookieName is the session cookie's name: __Host- prefixed over TLS.
func (e Edge) SessionCookieName(r *http.Request) string {
	if e.TLS(r) {
		return "__Host-mv_session"
	}
	return "mv_session"
}

// SetSessionCookie sets the session cookie to token until expires.
func (e Edge) SetSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: e.SessionCookieName(r), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: e.TLS(r), SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie removes the session cookie.
func (e Edge) ClearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: e.SessionCookieName(r), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: e.TLS(r), SameSite: http.SameSiteLaxMode})
}

// ParseSeq parses a positive sequence number from the address (an audit
// event number, a guidelines version). Returns EINVALID.
func ParseSeq(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, mentorvault.Invalid("the address is not valid", map[string]string{"before": "must be a positive event number"})
	}
	return n, nil
}
