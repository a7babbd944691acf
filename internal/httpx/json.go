package httpx

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/mentorvault/mentorvault"
)

// MaxAPIBody bounds every API request body.
const MaxAPIBody = 256 << 10

// API adapts an error-returning API handler: errors become the JSON error
// body. Cookie-authenticated requests that change state must carry the
// session's CSRF token in X-CSRF-Token; bearer-token requests need none.
func API(log *slog.Logger, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sess := Session(r.Context()); sess != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
			if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(sess.CSRFToken)) != 1 {
				WriteError(log, w, r, mentorvault.Errorf(mentorvault.EFORBIDDEN, "missing or wrong X-CSRF-Token header"))
				return
			}
		}
		if err := h(w, r); err != nil {
			WriteError(log, w, r, err)
		}
	})
}

// JSON is the handler of an API operation that takes a JSON body In and
// answers Out with status: decode, call, encode in one place.
func JSON[In, Out any](status int, call func(r *http.Request, in In) (Out, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		if err := Decode(w, r, &in); err != nil {
			return err
		}
		out, err := call(r, in)
		if err != nil {
			return err
		}
		WriteJSON(w, status, out)
		return nil
	}
}

// Get is the handler of an API operation without a body that answers Out
// with 200 OK.
func Get[Out any](call func(r *http.Request) (Out, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		out, err := call(r)
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusOK, out)
		return nil
	}
}

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error ErrorJSON `json:"error"`
}

// ErrorJSON is an API error: its code, a message safe to show and the
// problems of each invalid field.
type ErrorJSON struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// WriteError writes err as the JSON error body with its status.
func WriteError(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	LogError(log, r, err)
	code := mentorvault.ErrorCode(err)
	if code == mentorvault.EUNAUTHENTICATED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mentorvault"`)
	}
	WriteJSON(w, Status(code), ErrorBody{ErrorJSON{Code: code, Message: mentorvault.ErrorMessage(err), Fields: mentorvault.ErrorFields(err)}})
}

// WriteJSON encodes v into a buffer first, so an encoding error never sends
// half a body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Decode reads a JSON object into v: the content type must be JSON, the body
// at most MaxAPIBody, valid UTF-8, one object, and without unknown fields.
// Returns EINVALID, or the edge codes for a wrong media type or a body too large.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &mentorvault.Error{Code: CodeUnsupportedMedia, Message: "send the request body as JSON with Content-Type: application/json"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxAPIBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &mentorvault.Error{Code: CodeTooLarge, Message: "the request body is too large (at most 256 KiB)"}
	} else if err != nil {
		return mentorvault.Errorf(mentorvault.EINVALID, "the request body could not be read")
	}
	if !utf8.Valid(body) {
		return mentorvault.Errorf(mentorvault.EINVALID, "the request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return mentorvault.Errorf(mentorvault.EINVALID, "the request body is not valid JSON (at byte %d)", se.Offset)
		case errors.As(err, &te):
			return mentorvault.Errorf(mentorvault.EINVALID, "field %q has the wrong type: want %s", te.Field, te.Type)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return mentorvault.Errorf(mentorvault.EINVALID, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		case errors.Is(err, io.EOF):
			return mentorvault.Errorf(mentorvault.EINVALID, "the request body is empty; send a JSON object")
		}
		return mentorvault.Errorf(mentorvault.EINVALID, "the request body is not valid JSON")
	}
	if dec.More() {
		return mentorvault.Errorf(mentorvault.EINVALID, "send exactly one JSON object")
	}
	return nil
}
