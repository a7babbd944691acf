package httpx

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentorvault/mentorvault"
)

// MaxAPIBody bounds every API request body.
const MaxAPIBody = 256 << 10

// API adapts an error-returning API handler: errors become the JSON error
// body, and a path ID with a control character is refused (CheckPath)
// before the handler runs. Cookie-authenticated requests that change state
// must carry the session's CSRF token in X-CSRF-Token; bearer-token
// requests need none.
func API(log *slog.Logger, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sess := Session(r.Context()); sess != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
			// An empty token would match a missing header: never accept it.
			if sess.CSRFToken == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(sess.CSRFToken)) != 1 {
				WriteError(log, w, r, mentorvault.Errorf(mentorvault.EFORBIDDEN, "missing or wrong X-CSRF-Token header"))
				return
			}
		}
		if err := CheckPath(r); err != nil {
			WriteError(log, w, r, tokenFirst(r, err))
			return
		}
		if err := h(w, r); err != nil {
			WriteError(log, w, r, tokenFirst(r, err))
		}
	})
}

type tokenCheckKey struct{}

// WithTokenCheck returns a context whose requests check their bearer
// token with check (the service's SettleToken) before answering an error.
func WithTokenCheck(ctx context.Context, check func(context.Context) error) context.Context {
	return context.WithValue(ctx, tokenCheckKey{}, check)
}

// tokenFirst is the error to answer a request with: a bearer token that
// no transaction of the request has checked yet is checked first, so that
// a bad token is told it is not valid (401) before anything about what it
// sent — its path, query or body.
func tokenFirst(r *http.Request, err error) error {
	if c := Principal(r).Token; c == nil || mentorvault.ErrorCode(err) == mentorvault.EUNAUTHENTICATED {
		return err
	}
	check, _ := r.Context().Value(tokenCheckKey{}).(func(context.Context) error)
	if check == nil {
		return err
	}
	if cerr := check(r.Context()); cerr != nil {
		return cerr
	}
	return err
}

// signedIn refuses an anonymous request to an operation that takes a body:
// who is asking is answered before what was sent, so an anonymous caller
// learns nothing from how its body is judged. Returns EUNAUTHENTICATED.
func signedIn(r *http.Request) error {
	if Principal(r).Anonymous() {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	return nil
}

// SignedIn is signedIn for a handler that reads a body other than JSON (a
// CSV upload): call it before looking at the body or its type.
func SignedIn(r *http.Request) error { return signedIn(r) }

// CheckPath refuses a path whose wildcards (IDs, versions) carry a control
// character or are not valid UTF-8, naming the wildcard, so that such an ID
// is refused alike on every backend (PostgreSQL cannot even compare a NUL)
// instead of being looked up. An anonymous caller is told to sign in first.
// Returns EINVALID or EUNAUTHENTICATED.
func CheckPath(r *http.Request) error {
	err := CheckPublicPath(r)
	if err == nil {
		return nil
	}
	if serr := signedIn(r); serr != nil {
		return serr
	}
	return err
}

// CheckPublicPath is CheckPath for a page meant for someone not signed in
// (an invitation link): a bad wildcard is refused as not valid to anyone.
// Returns EINVALID naming every bad wildcard.
func CheckPublicPath(r *http.Request) error {
	fields := map[string]string{}
	first := ""
	for _, name := range PathWildcards(r.Pattern) {
		if msg := mentorvault.TextProblem(r.PathValue(name), false); msg != "" {
			if first == "" {
				first = name
			}
			fields[name] = msg
		}
	}
	if first == "" {
		return nil
	}
	return mentorvault.Invalid("the "+first+" in the address is not valid", fields)
}

// PathWildcards lists the names of the wildcards of a ServeMux pattern
// ("POST /a/{id}/b/{rest...}" → id, rest), for checking their values.
func PathWildcards(pattern string) []string {
	var out []string
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			return out
		}
		if name := strings.TrimSuffix(pattern[i+1:i+j], "..."); name != "$" && name != "" {
			out = append(out, name)
		}
		pattern = pattern[i+j+1:]
	}
}

// JSON is the handler of an API operation that takes a JSON body In and
// answers Out with status: decode, call, encode in one place. An anonymous
// caller is answered unauthenticated before the body is read; Decode's codes
// (invalid, unsupported_media_type, too_large) come back before call runs;
// call's error comes back as it is.
func JSON[In, Out any](status int, call func(r *http.Request, in In) (Out, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		if err := signedIn(r); err != nil {
			return err
		}
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

// Created is the handler of an API operation that takes a JSON body In,
// creates a resource and answers it with 201 Created and its address in
// Location. Errors as for JSON.
func Created[In, Out any](call func(r *http.Request, in In) (out Out, location string, err error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		if err := signedIn(r); err != nil {
			return err
		}
		if err := Decode(w, r, &in); err != nil {
			return err
		}
		out, loc, err := call(r, in)
		if err != nil {
			return err
		}
		w.Header().Set("Location", loc)
		WriteJSON(w, http.StatusCreated, out)
		return nil
	}
}

// JSONNoContent is the handler of an API operation that takes a JSON body In
// and answers 204 No Content. Errors as for JSON.
func JSONNoContent[In any](call func(r *http.Request, in In) error) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		if err := signedIn(r); err != nil {
			return err
		}
		if err := Decode(w, r, &in); err != nil {
			return err
		}
		if err := call(r, in); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// Get is the handler of an API operation without a body that answers Out
// with 200 OK; call's error comes back as it is.
func Get[Out any](call func(r *http.Request) (Out, error)) HandlerFunc {
	return Call(http.StatusOK, call)
}

// Call is the handler of an API operation without a body (an action such as
// "sign" or "cancel") that answers Out with status; call's error comes back
// as it is.
func Call[Out any](status int, call func(r *http.Request) (Out, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		out, err := call(r)
		if err != nil {
			return err
		}
		WriteJSON(w, status, out)
		return nil
	}
}

// NoContent is the handler of an API operation without a body that answers
// 204 No Content; call's error comes back as it is.
func NoContent(call func(r *http.Request) error) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := call(r); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// Page is what a list's query asks for: at most Limit items, starting
// before the cursor Before ("" for the first page).
type Page struct {
	Limit  int
	Before string
}

// Page sizes: DefaultLimit when the query names none, at most MaxLimit.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ParsePage reads limit and before from the query. Returns EINVALID for a
// limit that is not a number from 1 to MaxLimit.
func ParsePage(r *http.Request) (Page, error) {
	q := r.URL.Query()
	p := Page{Limit: DefaultLimit, Before: q.Get("before")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return Page{}, mentorvault.Invalid("the query is not valid", map[string]string{"limit": "must be a number from 1 to 500"})
		}
		p.Limit = n
	}
	return p, nil
}

// ParseOffset reads offset from the query (0 when absent), for the lists
// paged by position. Returns EINVALID for one that is not a number from 0.
func ParseOffset(r *http.Request) (int, error) {
	s := r.URL.Query().Get("offset")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, mentorvault.Invalid("the query is not valid", map[string]string{"offset": "must be a number, 0 or more"})
	}
	return n, nil
}

// BeforeSeq is the page's cursor as an event number, 0 for the first page.
// Returns EINVALID when it is not a positive number.
func (p Page) BeforeSeq() (int64, error) {
	if p.Before == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(p.Before, 10, 64)
	if err != nil || n < 1 {
		return 0, mentorvault.Invalid("the query is not valid", map[string]string{"before": "must be a positive event number"})
	}
	return n, nil
}

// Paged is the handler of a list operation without a body that answers Out
// with 200 OK for the page its query asks for. Returns EINVALID for a bad
// limit before call runs; call's error comes back as it is.
func Paged[Out any](call func(r *http.Request, p Page) (Out, error)) HandlerFunc {
	return Get(func(r *http.Request) (Out, error) {
		p, err := ParsePage(r)
		if err != nil {
			var zero Out
			return zero, err
		}
		return call(r, p)
	})
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
// at most MaxAPIBody, valid UTF-8, one object, without unknown fields,
// without a member given twice or spelled in another case than its field,
// and without a control character (but tab and line breaks) in any string;
// a date that does not parse is named.
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
	if err := checkStrings(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		var pe *time.ParseError
		switch {
		case errors.As(err, &pe):
			return badTime(body, reflect.TypeOf(v))
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
	return checkNames(body, reflect.TypeOf(v))
}
