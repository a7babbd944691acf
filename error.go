package mentorvault

import (
	"errors"
	"fmt"
)

// Error codes. Only internal/server maps them to HTTP statuses.
const (
	EINVALID         = "invalid"
	EUNAUTHENTICATED = "unauthenticated"
	EFORBIDDEN       = "forbidden"
	ENOTFOUND        = "not_found"
	ECONFLICT        = "conflict"
	EGONE            = "gone" // the relationship's content was erased at the end of its retention
	ETOOMANY         = "too_many_requests"
	EINTERNAL        = "internal"
)

// Error is the domain error: a code, a message that is safe to show to the
// caller, optional per-field problems, and the wrapped cause for the log.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a domain error with the given code and a formatted message.
// The message is shown to callers: never put content into it.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error with per-field problems.
func Invalid(msg string, fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// Internal wraps err as an internal error whose message is generic.
func Internal(err error) *Error {
	return &Error{Code: EINTERNAL, Message: "internal error", Err: err}
}

// ErrorCode returns the code of a domain error, or EINTERNAL for any other
// non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of err; errors that are not
// domain errors give a generic message.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "internal error"
}

// ErrorFields returns the per-field problems of a domain error, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
