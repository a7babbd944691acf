package server

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/mentorvault/mentorvault"
)

// statusOf is the only place error codes become HTTP statuses.
func statusOf(code string) int {
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
	case mentorvault.ETOOMANY:
		return http.StatusTooManyRequests
	case codeUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	case codeMethod:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// Codes used only at the HTTP edge.
const (
	codeUnsupportedMedia = "unsupported_media_type"
	codeTooLarge         = "too_large"
	codeMethod           = "method_not_allowed"
)

// logError logs internal errors with their cause; domain errors are the
// caller's business and are not logged. Error messages never carry content.
func (s *Server) logError(r *http.Request, err error) {
	if mentorvault.ErrorCode(err) != mentorvault.EINTERNAL {
		return
	}
	var me *mentorvault.Error
	if errors.As(err, &me) && me.Err != nil {
		err = me.Err
	}
	s.log.ErrorContext(r.Context(), "request failed", slog.String("request_id", requestID(r.Context())), slog.String("err", err.Error()))
}
