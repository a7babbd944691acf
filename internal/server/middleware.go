package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web"
)

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
		ctx := httpx.WithRequestID(r.Context(), id)
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
			route := s.pattern(r)
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
		if s.edge.TLS(r) {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the bearer token or session cookie into a principal
// in the request context. A bearer token is claimed here and checked — its
// use audited — by the request's own first transaction (the service's
// resolve); one the request did not check is settled when it is answered,
// so every use is audited once. A malformed bearer header is refused at
// once; a stale cookie is cleared and leaves the request anonymous; a
// failure to check either is an internal error (500), never a sign-out.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := mentorvault.Principal{RequestID: httpx.RequestID(ctx)}
		if strings.HasPrefix(r.URL.Path, "/scim/") {
			// SCIM provisioning: the bearer token is a provisioning
			// client's, checked by the service in each request's own
			// transaction (internal/scim); no cookie counts here.
			next.ServeHTTP(w, r.WithContext(mentorvault.WithPrincipal(ctx, p)))
			return
		}
		if h := r.Header.Get("Authorization"); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				httpx.WriteError(s.log, w, r, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "use an Authorization: Bearer <token> header"))
				return
			}
			claim, err := service.ClaimToken(strings.TrimSpace(tok))
			if err != nil {
				httpx.WriteError(s.log, w, r, err)
				return
			}
			p.Via, p.Token = "token", claim
			ctx = httpx.WithTokenCheck(mentorvault.WithPrincipal(ctx, p), func(ctx context.Context) error { return s.svc.SettleToken(ctx, claim) })
			next.ServeHTTP(w, r.WithContext(ctx))
			if !claim.Audited {
				// Answered without a transaction that kept its work
				// (nothing asked of the store, or undone): audit the use now.
				if err := s.svc.SettleToken(context.WithoutCancel(ctx), claim); err != nil && mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
					s.log.ErrorContext(ctx, "could not audit an API token's use", "err", err)
				}
			}
			return
		} else if c, err := r.Cookie(s.edge.SessionCookieName(r)); err == nil && c.Value != "" {
			// The page header's facts come with the session, in its
			// transaction, so a page spends none of its own on them.
			sp, sess, hd, err := s.svc.AuthenticatePage(ctx, c.Value)
			switch {
			case err == nil:
				sp.RequestID = p.RequestID
				p = sp
				ctx = web.WithHeader(httpx.WithSession(ctx, sess), hd)
			case mentorvault.ErrorCode(err) == mentorvault.EUNAUTHENTICATED:
				s.edge.ClearSessionCookie(w, r)
			default:
				// The session could not be checked (the store failed): an
				// error, logged, and the cookie stays, since it may be valid.
				s.fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(mentorvault.WithPrincipal(ctx, p)))
	})
}

// fail answers a request the middleware cannot pass on with err's status
// from httpx.Status and its safe message, logging an internal error: the
// JSON error under /api/, the HTML error page elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/") {
		httpx.WriteError(s.log, w, r, err)
		return
	}
	s.pages.Page(func(http.ResponseWriter, *http.Request) error { return err }).ServeHTTP(w, r)
}

// pattern is the route pattern that serves r ("unmatched" if none), for logs
// and metrics: a bounded set of labels that never carries an ID.
func (s *Server) pattern(r *http.Request) string {
	if s.mux == nil {
		return "unmatched"
	}
	if _, p := s.mux.Handler(r); p != "" {
		return p
	}
	return "unmatched"
}
