package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keySession
)

func requestID(ctx context.Context) string { s, _ := ctx.Value(keyRequestID).(string); return s }

func sessionFrom(ctx context.Context) *mentorvault.Session {
	s, _ := ctx.Value(keySession).(*mentorvault.Session)
	return s
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an ID, logs one line per request (method,
// route pattern, status, duration — never bodies or query strings), counts
// it in the metrics and recovers from panics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(ctx, "panic serving request", "request_id", id, "panic", slog.AnyValue(v).String())
				if sw.status == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
			s.metrics.duration.WithLabelValues(route).Observe(d.Seconds())
			s.log.InfoContext(ctx, "request", "request_id", id, "method", r.Method, "route", route,
				"status", sw.status, "bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000)
		}()
		next.ServeHTTP(sw, r)
	})
}

// secure sets the security headers of every response. The
// Content-Security-Policy allows no inline script or style.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cache-Control", "no-store")
		if s.tls(r) {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// tls reports whether the request reached us over TLS (directly, or through
// a proxy the operator trusts to say so).
func (s *Server) tls(r *http.Request) bool {
	return r.TLS != nil || (s.cfg.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https")
}

// clientAddr is the client's IP address, for login rate limits.
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.TrustProxy {
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

// authenticate resolves the bearer token or session cookie into a principal
// in the request context. A bad bearer token is refused at once; a stale
// cookie just leaves the request anonymous.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := mentorvault.Principal{RequestID: requestID(ctx)}
		if h := r.Header.Get("Authorization"); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.writeAPIError(w, r, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "use an Authorization: Bearer <token> header"))
				return
			}
			tp, err := s.svc.AuthenticateToken(ctx, strings.TrimSpace(tok))
			if err != nil {
				s.writeAPIError(w, r, err)
				return
			}
			tp.RequestID = p.RequestID
			p = tp
		} else if c, err := r.Cookie(s.sessionCookieName(r)); err == nil && c.Value != "" {
			sp, sess, err := s.svc.AuthenticateSession(ctx, c.Value)
			switch {
			case err == nil:
				sp.RequestID = p.RequestID
				p = sp
				ctx = context.WithValue(ctx, keySession, sess)
			case mentorvault.ErrorCode(err) == mentorvault.EUNAUTHENTICATED:
				s.clearSessionCookie(w, r)
			default:
				s.logError(r, err)
				http.Error(w, "the service is unavailable; try again shortly", http.StatusServiceUnavailable)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(mentorvault.WithPrincipal(ctx, p)))
	})
}

func (s *Server) sessionCookieName(r *http.Request) string {
	if s.tls(r) {
		return "__Host-mv_session"
	}
	return "mv_session"
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(r), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.tls(r), SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(r), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.tls(r), SameSite: http.SameSiteLaxMode})
}
