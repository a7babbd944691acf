// Package httpx is what every HTTP handler of mentorvault shares: the
// error-returning handler adapters, the principal and session of a request,
// JSON and form decoding, the edge's view of TLS, cookies and client
// addresses, and the one mapping from error codes to HTTP statuses.
package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/mentorvault/mentorvault"
)

// HandlerFunc is an HTTP handler that returns its error instead of writing
// it, so that no handler forgets to return after one; an adapter writes it.
type HandlerFunc func(http.ResponseWriter, *http.Request) error

// Codes used only at the HTTP edge.
const (
	CodeUnsupportedMedia = "unsupported_media_type"
	CodeTooLarge         = "too_large"
	CodeMethod           = "method_not_allowed"
)

// Status is the only place error codes become HTTP statuses.
func Status(code string) int {
	switch code {
	case mentorvault.EINVALID:
		return http.StatusBadRequest
	case mentorvault.EUNAUTHENTICATED:
		return http.StatusUnauthorized
	case mentorvault.EFORBIDDEN:
		return http.StatusForbidden
	case mentorvault.ENOTFOUND:
		return http.StatusNotFound
	case mentorvault.ECONFLICT:
		return http.StatusConflict
	case mentorvault.EGONE:
		return http.StatusGone
	case mentorvault.ETOOMANY:
		return http.StatusTooManyRequests
	case CodeUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeMethod:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// LogError logs an internal error with its cause. Domain errors are the
// caller's business and are not logged, nor is a request the client
// abandoned (its context is cancelled: nobody is waiting for an answer).
// Error messages never carry content.
func LogError(log *slog.Logger, r *http.Request, err error) {
	if mentorvault.ErrorCode(err) != mentorvault.EINTERNAL {
		return
	}
	if Abandoned(r, err) {
		log.DebugContext(r.Context(), "request abandoned by the client", slog.String("request_id", RequestID(r.Context())))
		return
	}
	var me *mentorvault.Error
	if errors.As(err, &me) && me.Err != nil {
		err = me.Err
	}
	log.ErrorContext(r.Context(), "request failed", slog.String("request_id", RequestID(r.Context())), slog.String("err", err.Error()))
}

// Abandoned reports whether err comes from the client going away: the
// request's context was cancelled and err says so.
func Abandoned(r *http.Request, err error) bool {
	return r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

// Plain adapts a handler that writes its own response: an error is only logged.
func Plain(log *slog.Logger, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			LogError(log, r, err)
		}
	})
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keySession
)

// WithRequestID returns ctx carrying the request's ID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, keyRequestID, id)
}

// RequestID is the ID given to the request by the server ("" if none).
func RequestID(ctx context.Context) string { s, _ := ctx.Value(keyRequestID).(string); return s }

// WithSession returns ctx carrying the web session the request came with.
func WithSession(ctx context.Context, s *mentorvault.Session) context.Context {
	return context.WithValue(ctx, keySession, s)
}

// Session is the request's web session, nil for bearer-token and anonymous requests.
func Session(ctx context.Context) *mentorvault.Session {
	s, _ := ctx.Value(keySession).(*mentorvault.Session)
	return s
}

// Principal is the caller of a request.
func Principal(r *http.Request) mentorvault.Principal { return mentorvault.PrincipalFrom(r.Context()) }
