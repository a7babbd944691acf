package httpx_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

// discard is a logger for tests that do not look at the log.
var discard = slog.New(slog.DiscardHandler)

type noteIn struct {
	Body string `json:"body"`
	N    int    `json:"n"`
}

type noteOut struct {
	ID   string `json:"id"`
	Body string `json:"body"`
}

// newRequest is a request from a signed-in caller (an anonymous one is
// refused before its body is read: see TestAnonymousBeforeBody).
func newRequest(t *testing.T, method, target, contentType, body string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r = r.WithContext(mentorvault.WithPrincipal(r.Context(), mentorvault.Principal{UserID: "u1", OrgID: "o1", Via: "test"}))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

// serve runs h behind the API adapter and returns the recorded response.
func serve(t *testing.T, h httpx.HandlerFunc, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	httpx.API(discard, h).ServeHTTP(w, r)
	return w
}

// errorBody decodes the JSON error body of w.
func errorBody(t *testing.T, w *httptest.ResponseRecorder) httpx.ErrorJSON {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("Content-Type = %q, want JSON", ct)
	}
	var b httpx.ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("error body %q: %v", w.Body, err)
	}
	return b.Error
}

func TestDecode(t *testing.T) {
	tooLarge := `{"body":"` + strings.Repeat("a", httpx.MaxAPIBody) + `"}`
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		code        string // "" for success
		message     string // a substring of the message
	}{
		{"ok", "application/json", `{"body":"hello","n":2}`, "", ""},
		{"ok with charset", "application/json; charset=utf-8", `{"body":"hello"}`, "", ""},
		{"ok with trailing space", "application/json", "{\"body\":\"hello\"}\n  ", "", ""},
		{"no content type", "", `{"body":"hello"}`, httpx.CodeUnsupportedMedia, "Content-Type: application/json"},
		{"form content type", "application/x-www-form-urlencoded", `body=hello`, httpx.CodeUnsupportedMedia, "Content-Type: application/json"},
		{"bad content type", "application/json; =", `{}`, httpx.CodeUnsupportedMedia, "Content-Type: application/json"},
		{"too large", "application/json", tooLarge, httpx.CodeTooLarge, "too large"},
		{"bad UTF-8", "application/json", "{\"body\":\"\xff\xfe\"}", mentorvault.EINVALID, "not valid UTF-8"},
		{"unknown field", "application/json", `{"body":"x","author":"u1"}`, mentorvault.EINVALID, `unknown field "author"`},
		{"two objects", "application/json", `{"body":"a"}{"body":"b"}`, mentorvault.EINVALID, "exactly one JSON object"},
		{"empty", "application/json", ``, mentorvault.EINVALID, "the request body is empty"},
		{"only space", "application/json", "  \n", mentorvault.EINVALID, "the request body is empty"},
		{"syntax", "application/json", `{"body":}`, mentorvault.EINVALID, "not valid JSON (at byte"},
		{"truncated", "application/json", `{"body":"x"`, mentorvault.EINVALID, "not valid JSON"},
		{"wrong type", "application/json", `{"n":"two"}`, mentorvault.EINVALID, `field "n" has the wrong type`},
		{"not an object", "application/json", `[1,2]`, mentorvault.EINVALID, "wrong type"},
		{"duplicate member", "application/json", `{"body":"hello","body":"other"}`, mentorvault.EINVALID, `field "body" is given twice`},
		{"member in another case", "application/json", `{"Body":"hello"}`, mentorvault.EINVALID, `field "body" is spelled "Body"`},
		{"both cases", "application/json", `{"body":"hello","BODY":"x"}`, mentorvault.EINVALID, `spelled "BODY"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRequest(t, "POST", "/api/v1/x", tc.contentType, tc.body)
			var in noteIn
			err := httpx.Decode(httptest.NewRecorder(), r, &in)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if in.Body != "hello" {
					t.Errorf("Body = %q, want hello", in.Body)
				}
				return
			}
			if got := mentorvault.ErrorCode(err); got != tc.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tc.code)
			}
			if msg := mentorvault.ErrorMessage(err); !strings.Contains(msg, tc.message) {
				t.Errorf("message = %q, want it to contain %q", msg, tc.message)
			}
		})
	}
}

func TestDecodeMessageCarriesNoContent(t *testing.T) {
	// A body that fails to decode may hold a confidential note: the
	// message names the problem, never the text.
	for _, body := range []string{`{"body": "my secret", "x": }`, `{"body": "my secret", "n": "my secret"}`, `{"body": "my secret"}{}`} {
		r := newRequest(t, "POST", "/", "application/json", body)
		err := httpx.Decode(httptest.NewRecorder(), r, &noteIn{})
		if err == nil {
			t.Fatalf("Decode(%s) succeeded", body)
		}
		if msg := mentorvault.ErrorMessage(err); strings.Contains(msg, "my secret") {
			t.Errorf("Decode(%s) message %q carries the content", body, msg)
		}
	}
}

func TestJSON(t *testing.T) {
	create := func(r *http.Request, in noteIn) (noteOut, error) {
		if in.Body == "" {
			return noteOut{}, mentorvault.Invalid("the note is not valid", map[string]string{"body": "is required"})
		}
		if in.Body == "boom" {
			return noteOut{}, errors.New("disk on fire")
		}
		return noteOut{ID: r.PathValue("id") + "-n1", Body: in.Body}, nil
	}
	h := httpx.JSON(http.StatusCreated, create)

	t.Run("success", func(t *testing.T) {
		r := newRequest(t, "POST", "/notes", "application/json", `{"body":"hello"}`)
		w := serve(t, h, r)
		if w.Code != http.StatusCreated {
			t.Fatalf("status = %d, want 201; body %s", w.Code, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		var out noteOut
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.Body != "hello" || out.ID != "-n1" {
			t.Errorf("body = %s (%v)", w.Body, err)
		}
	})
	t.Run("decode error does not call", func(t *testing.T) {
		called := false
		h := httpx.JSON(http.StatusOK, func(r *http.Request, in noteIn) (noteOut, error) { called = true; return noteOut{}, nil })
		w := serve(t, h, newRequest(t, "POST", "/notes", "text/plain", `{"body":"hello"}`))
		if w.Code != http.StatusUnsupportedMediaType {
			t.Errorf("status = %d, want 415", w.Code)
		}
		if e := errorBody(t, w); e.Code != httpx.CodeUnsupportedMedia {
			t.Errorf("code = %q", e.Code)
		}
		if called {
			t.Error("call ran after a decode error")
		}
	})
	t.Run("domain error", func(t *testing.T) {
		w := serve(t, h, newRequest(t, "POST", "/notes", "application/json", `{"body":""}`))
		if w.Code != http.StatusBadRequest {
			t.Fatalf("status = %d, want 400", w.Code)
		}
		e := errorBody(t, w)
		if e.Code != mentorvault.EINVALID || e.Message != "the note is not valid" || e.Fields["body"] != "is required" {
			t.Errorf("error = %+v", e)
		}
	})
	t.Run("internal error", func(t *testing.T) {
		w := serve(t, h, newRequest(t, "POST", "/notes", "application/json", `{"body":"boom"}`))
		if w.Code != http.StatusInternalServerError {
			t.Fatalf("status = %d, want 500", w.Code)
		}
		e := errorBody(t, w)
		if e.Code != mentorvault.EINTERNAL || e.Message != "internal error" {
			t.Errorf("error = %+v, want the generic internal error", e)
		}
		if strings.Contains(w.Body.String(), "disk on fire") {
			t.Errorf("body %s shows the cause", w.Body)
		}
	})
}

func TestCreated(t *testing.T) {
	h := httpx.Created(func(r *http.Request, in noteIn) (noteOut, string, error) {
		if in.Body == "" {
			return noteOut{}, "/never", mentorvault.Errorf(mentorvault.EFORBIDDEN, "no")
		}
		return noteOut{ID: "n1", Body: in.Body}, "/api/v1/notes/n1", nil
	})
	w := serve(t, h, newRequest(t, "POST", "/notes", "application/json", `{"body":"hello"}`))
	if w.Code != http.StatusCreated || w.Header().Get("Location") != "/api/v1/notes/n1" {
		t.Errorf("status %d, Location %q; want 201 and /api/v1/notes/n1", w.Code, w.Header().Get("Location"))
	}
	var out noteOut
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.ID != "n1" {
		t.Errorf("body = %s (%v)", w.Body, err)
	}

	w = serve(t, h, newRequest(t, "POST", "/notes", "application/json", `{}`))
	if w.Code != http.StatusForbidden || w.Header().Get("Location") != "" {
		t.Errorf("error: status %d, Location %q; want 403 and none", w.Code, w.Header().Get("Location"))
	}
}

func TestGetAndCall(t *testing.T) {
	var gotBody bool
	get := func(r *http.Request) (noteOut, error) {
		b, _ := io.ReadAll(r.Body)
		gotBody = len(b) > 0
		if r.URL.Query().Get("id") == "" {
			return noteOut{}, mentorvault.Errorf(mentorvault.ENOTFOUND, "note not found")
		}
		return noteOut{ID: r.URL.Query().Get("id")}, nil
	}
	for _, tc := range []struct {
		name   string
		h      httpx.HandlerFunc
		method string
		status int
	}{
		{"Get", httpx.Get(get), "GET", http.StatusOK},
		{"Call 200", httpx.Call(http.StatusOK, get), "POST", http.StatusOK},
		{"Call 201", httpx.Call(http.StatusCreated, get), "POST", http.StatusCreated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// No body is read or required, whatever the content type.
			w := serve(t, tc.h, newRequest(t, tc.method, "/x?id=n7", "", ""))
			if w.Code != tc.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tc.status, w.Body)
			}
			var out noteOut
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.ID != "n7" {
				t.Errorf("body = %s (%v)", w.Body, err)
			}
			w = serve(t, tc.h, newRequest(t, tc.method, "/x", "", ""))
			if w.Code != http.StatusNotFound {
				t.Errorf("error: status = %d, want 404", w.Code)
			}
			if e := errorBody(t, w); e.Code != mentorvault.ENOTFOUND || e.Message != "note not found" {
				t.Errorf("error = %+v", e)
			}
		})
	}
	if gotBody {
		t.Error("a request without a body reached call with one")
	}
}

func TestNoContent(t *testing.T) {
	fail := mentorvault.Errorf(mentorvault.ECONFLICT, "already gone")
	t.Run("without body", func(t *testing.T) {
		var err error
		h := httpx.NoContent(func(r *http.Request) error { return err })
		w := serve(t, h, newRequest(t, "DELETE", "/notes/n1", "", ""))
		if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
			t.Errorf("status %d, body %q; want 204 and none", w.Code, w.Body)
		}
		err = fail
		w = serve(t, h, newRequest(t, "DELETE", "/notes/n1", "", ""))
		if w.Code != http.StatusConflict || errorBody(t, w).Message != "already gone" {
			t.Errorf("error: status %d, body %s", w.Code, w.Body)
		}
	})
	t.Run("with body", func(t *testing.T) {
		var got noteIn
		h := httpx.JSONNoContent(func(r *http.Request, in noteIn) error {
			got = in
			if in.Body == "x" {
				return fail
			}
			return nil
		})
		w := serve(t, h, newRequest(t, "POST", "/read", "application/json", `{"body":"ok","n":3}`))
		if w.Code != http.StatusNoContent || w.Body.Len() != 0 || got.N != 3 {
			t.Errorf("status %d, body %q, in %+v; want 204, none, n=3", w.Code, w.Body, got)
		}
		w = serve(t, h, newRequest(t, "POST", "/read", "application/json", `{"body":"x"}`))
		if w.Code != http.StatusConflict {
			t.Errorf("call error: status %d, want 409", w.Code)
		}
		got = noteIn{}
		w = serve(t, h, newRequest(t, "POST", "/read", "application/json", `{"nope":1}`))
		if w.Code != http.StatusBadRequest || got != (noteIn{}) {
			t.Errorf("decode error: status %d, in %+v; want 400 and no call", w.Code, got)
		}
	})
}

func TestPaged(t *testing.T) {
	var got httpx.Page
	h := httpx.Paged(func(r *http.Request, p httpx.Page) (map[string]int, error) {
		got = p
		if _, err := p.BeforeSeq(); err != nil {
			return nil, err
		}
		return map[string]int{"limit": p.Limit}, nil
	})
	for _, tc := range []struct {
		query  string
		status int
		page   httpx.Page
		field  string
	}{
		{"", http.StatusOK, httpx.Page{Limit: httpx.DefaultLimit}, ""},
		{"?limit=1&before=17", http.StatusOK, httpx.Page{Limit: 1, Before: "17"}, ""},
		{"?limit=500", http.StatusOK, httpx.Page{Limit: httpx.MaxLimit}, ""},
		{"?limit=0", http.StatusBadRequest, httpx.Page{}, "limit"},
		{"?limit=501", http.StatusBadRequest, httpx.Page{}, "limit"},
		{"?limit=ten", http.StatusBadRequest, httpx.Page{}, "limit"},
		{"?limit=-5", http.StatusBadRequest, httpx.Page{}, "limit"},
		{"?before=0", http.StatusBadRequest, httpx.Page{Limit: httpx.DefaultLimit, Before: "0"}, "before"},
		{"?before=n1", http.StatusBadRequest, httpx.Page{Limit: httpx.DefaultLimit, Before: "n1"}, "before"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			got = httpx.Page{}
			w := serve(t, h, newRequest(t, "GET", "/x"+tc.query, "", ""))
			if w.Code != tc.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tc.status, w.Body)
			}
			if got != tc.page {
				t.Errorf("page = %+v, want %+v", got, tc.page)
			}
			if tc.field != "" {
				e := errorBody(t, w)
				if e.Code != mentorvault.EINVALID || e.Message != "the query is not valid" || e.Fields[tc.field] == "" {
					t.Errorf("error = %+v, want invalid %s", e, tc.field)
				}
			}
		})
	}
}

func TestPageBeforeSeq(t *testing.T) {
	for before, want := range map[string]int64{"": 0, "1": 1, "9000000000": 9000000000} {
		if n, err := (httpx.Page{Before: before}).BeforeSeq(); err != nil || n != want {
			t.Errorf("BeforeSeq(%q) = %d, %v; want %d", before, n, err, want)
		}
	}
	for _, before := range []string{"0", "-1", "x", "1.5", "99999999999999999999"} {
		if _, err := (httpx.Page{Before: before}).BeforeSeq(); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Errorf("BeforeSeq(%q) error = %v, want invalid", before, err)
		}
	}
}

func TestWriteError(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		status  int
		code    string
		message string
		fields  map[string]string
		authn   bool
	}{
		{"invalid", mentorvault.Invalid("the note is not valid", map[string]string{"body": "is required"}), 400, mentorvault.EINVALID, "the note is not valid", map[string]string{"body": "is required"}, false},
		{"unauthenticated", mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue"), 401, mentorvault.EUNAUTHENTICATED, "sign in to continue", nil, true},
		{"forbidden", mentorvault.Errorf(mentorvault.EFORBIDDEN, "not yours"), 403, mentorvault.EFORBIDDEN, "not yours", nil, false},
		{"not found", mentorvault.Errorf(mentorvault.ENOTFOUND, "note not found"), 404, mentorvault.ENOTFOUND, "note not found", nil, false},
		{"conflict", mentorvault.Errorf(mentorvault.ECONFLICT, "changed"), 409, mentorvault.ECONFLICT, "changed", nil, false},
		{"too many", mentorvault.Errorf(mentorvault.ETOOMANY, "slow down"), 429, mentorvault.ETOOMANY, "slow down", nil, false},
		{"too large", &mentorvault.Error{Code: httpx.CodeTooLarge, Message: "big"}, 413, httpx.CodeTooLarge, "big", nil, false},
		{"media", &mentorvault.Error{Code: httpx.CodeUnsupportedMedia, Message: "json please"}, 415, httpx.CodeUnsupportedMedia, "json please", nil, false},
		{"internal", mentorvault.Internal(errors.New("pq: relation notes does not exist")), 500, mentorvault.EINTERNAL, "internal error", nil, false},
		{"plain error", errors.New("note body: my secret"), 500, mentorvault.EINTERNAL, "internal error", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			httpx.WriteError(discard, w, newRequest(t, "GET", "/", "", ""), tc.err)
			if w.Code != tc.status {
				t.Errorf("status = %d, want %d", w.Code, tc.status)
			}
			var raw map[string]map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil || len(raw) != 1 || raw["error"] == nil {
				t.Fatalf("body %s is not {\"error\": {...}} (%v)", w.Body, err)
			}
			if _, ok := raw["error"]["fields"]; ok != (tc.fields != nil) {
				t.Errorf("body %s: fields present = %v, want %v", w.Body, ok, tc.fields != nil)
			}
			e := errorBody(t, w)
			if e.Code != tc.code || e.Message != tc.message || len(e.Fields) != len(tc.fields) {
				t.Errorf("error = %+v, want code %q message %q fields %v", e, tc.code, tc.message, tc.fields)
			}
			for k, v := range tc.fields {
				if e.Fields[k] != v {
					t.Errorf("fields[%s] = %q, want %q", k, e.Fields[k], v)
				}
			}
			if got := w.Header().Get("WWW-Authenticate"); (got != "") != tc.authn || (tc.authn && got != `Bearer realm="mentorvault"`) {
				t.Errorf("WWW-Authenticate = %q, want it only on 401", got)
			}
			if strings.Contains(w.Body.String(), "secret") || strings.Contains(w.Body.String(), "pq:") {
				t.Errorf("body %s shows the cause", w.Body)
			}
		})
	}
}

func TestWriteJSONEscapesHTML(t *testing.T) {
	w := httptest.NewRecorder()
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"body": "<script>"})
	if strings.Contains(w.Body.String(), "<script>") {
		t.Errorf("body %s carries raw HTML", w.Body)
	}
}

func TestWriteJSONEncodingError(t *testing.T) {
	w := httptest.NewRecorder()
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"f": func() {}})
	if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), `"f"`) {
		t.Errorf("status %d, body %s; want 500 and no half body", w.Code, w.Body)
	}
}

func TestAPICSRF(t *testing.T) {
	const token = "mvcsrf_right-token"
	sess := &mentorvault.Session{ID: "s1", UserID: "u1", CSRFToken: token}
	for _, tc := range []struct {
		name    string
		method  string
		session *mentorvault.Session
		header  string
		ran     bool
	}{
		{"cookie POST without token", "POST", sess, "", false},
		{"cookie POST with wrong token", "POST", sess, "mvcsrf_wrong-token", false},
		{"cookie POST with a prefix of the token", "POST", sess, token[:len(token)-1], false},
		{"cookie POST with the token and more", "POST", sess, token + "x", false},
		{"cookie PUT without token", "PUT", sess, "", false},
		{"cookie PATCH with wrong token", "PATCH", sess, "nope", false},
		{"cookie DELETE without token", "DELETE", sess, "", false},
		{"cookie POST with the right token", "POST", sess, token, true},
		{"cookie DELETE with the right token", "DELETE", sess, token, true},
		{"cookie GET needs none", "GET", sess, "", true},
		{"cookie HEAD needs none", "HEAD", sess, "", true},
		{"session without a token refuses an empty header", "POST", &mentorvault.Session{ID: "s2", UserID: "u1"}, "", false},
		{"bearer POST needs none", "POST", nil, "", true},
		{"bearer DELETE needs none", "DELETE", nil, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran := false
			h := httpx.NoContent(func(r *http.Request) error { ran = true; return nil })
			r := newRequest(t, tc.method, "/api/v1/x", "", "")
			if tc.session != nil {
				r = r.WithContext(httpx.WithSession(r.Context(), tc.session))
			}
			if tc.header != "" {
				r.Header.Set("X-CSRF-Token", tc.header)
			}
			w := serve(t, h, r)
			if ran != tc.ran {
				t.Fatalf("handler ran = %v, want %v", ran, tc.ran)
			}
			if tc.ran {
				if w.Code != http.StatusNoContent {
					t.Errorf("status = %d, want 204", w.Code)
				}
				return
			}
			if w.Code != http.StatusForbidden {
				t.Errorf("status = %d, want 403", w.Code)
			}
			if e := errorBody(t, w); e.Code != mentorvault.EFORBIDDEN || !strings.Contains(e.Message, "X-CSRF-Token") {
				t.Errorf("error = %+v", e)
			}
		})
	}
}

// TestDecodeNamesNested holds the name checks to nested objects, arrays of
// objects, maps, embedded structs and types that decode themselves.
func TestDecodeNamesNested(t *testing.T) {
	type clause struct {
		What string `json:"what"`
	}
	type Common struct {
		Note string `json:"note"`
	}
	type in struct {
		Common
		Clauses []clause          `json:"clauses"`
		Meta    map[string]string `json:"meta"`
		Inner   *clause           `json:"inner"`
		When    time.Time         `json:"when"`
		Any     any               `json:"any"`
	}
	for _, tc := range []struct {
		name, body, message string // message "" for success
	}{
		{"ok", `{"note":"n","clauses":[{"what":"topics"}],"meta":{"A":"1","a":"2"},"inner":{"what":"x"},"when":"2026-01-02T03:04:05Z","any":{"X":1,"x":2}}`, ""},
		{"duplicate below any", `{"any":{"X":1,"X":2}}`, `field "any.X" is given twice`},
		{"nested case", `{"clauses":[{"what":"a"},{"What":"b"}]}`, `field "clauses[1].what" is spelled "What"`},
		{"nested duplicate", `{"inner":{"what":"a","what":"b"}}`, `field "inner.what" is given twice`},
		{"embedded case", `{"Note":"n"}`, `field "note" is spelled "Note"`},
		{"map duplicate", `{"meta":{"k":"1","k":"2"}}`, `field "meta.k" is given twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v in
			err := httpx.Decode(httptest.NewRecorder(), newRequest(t, "POST", "/api/v1/x", "application/json", tc.body), &v)
			if tc.message == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			if mentorvault.ErrorCode(err) != mentorvault.EINVALID || !strings.Contains(mentorvault.ErrorMessage(err), tc.message) {
				t.Fatalf("got %v, want invalid with %q", err, tc.message)
			}
		})
	}
}

// TestDecodeRefusesControlCharacters: a control character in any string of
// the body — a member deep down, a date, a member's name — is refused with
// the member named, before the body is decoded; tabs and line breaks are
// left to the domain, which knows which fields are one line.
func TestDecodeRefusesControlCharacters(t *testing.T) {
	type clause struct {
		Text string `json:"text"`
	}
	type in struct {
		Body    string            `json:"body"`
		When    time.Time         `json:"when"`
		Due     *time.Time        `json:"due"`
		Clauses []clause          `json:"clauses"`
		Meta    map[string]string `json:"meta"`
	}
	for _, tc := range []struct {
		name, body, field, says string // field "" for success
	}{
		{"text with tab and line breaks", `{"body":"a\tb\r\nc"}`, "", ""},
		{"NUL", `{"body":"a\u0000b"}`, "body", "NUL"},
		{"raw bell", "{\"body\":\"a\x07b\"}", "", "not valid JSON"}, // a raw control character is not JSON
		{"escaped bell", `{"body":"a\u0007b"}`, "body", "control characters"},
		{"ESC", `{"body":"\u001b[31m"}`, "body", "control characters"},
		{"DEL", `{"body":"a\u007fb"}`, "body", "control characters"},
		{"C1", `{"body":"a\u0085b"}`, "body", "control characters"},
		{"nested", `{"clauses":[{"text":"ok"},{"text":"a\u0000"}]}`, "clauses[1].text", "NUL"},
		{"map value", `{"meta":{"k":"\u0001"}}`, "meta.k", "control characters"},
		{"member name", `{"meta":{"k\u0000":"v"}}`, "meta", "member name"},
		{"date with NUL", `{"when":"2026-01-02T03:04:05Z\u0000"}`, "when", "NUL"},
		{"date with CR", `{"when":"2026-01-02T03:04:05Z\r"}`, "when", "like 2026-03-01T14:30:00Z"},
		{"date that is no date", `{"due":"tomorrow"}`, "due", "like 2026-03-01T14:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v in
			err := httpx.Decode(httptest.NewRecorder(), newRequest(t, "POST", "/api/v1/x", "application/json", tc.body), &v)
			switch {
			case tc.field == "" && tc.says == "":
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
			case tc.field == "":
				if mentorvault.ErrorCode(err) != mentorvault.EINVALID || !strings.Contains(mentorvault.ErrorMessage(err), tc.says) {
					t.Fatalf("got %v, want invalid saying %q", err, tc.says)
				}
			default:
				if got := mentorvault.ErrorFields(err)[tc.field]; mentorvault.ErrorCode(err) != mentorvault.EINVALID || !strings.Contains(got, tc.says) {
					t.Fatalf("got %v %v, want %q saying %q", err, mentorvault.ErrorFields(err), tc.field, tc.says)
				}
			}
		})
	}
}

// TestAnonymousBeforeBody: an anonymous request to an operation with a body
// is told to sign in before its body is read, whatever the body holds.
func TestAnonymousBeforeBody(t *testing.T) {
	called := false
	call := func(r *http.Request, in noteIn) (noteOut, error) { called = true; return noteOut{}, nil }
	for name, h := range map[string]httpx.HandlerFunc{
		"JSON":      httpx.JSON(http.StatusOK, call),
		"Created":   httpx.Created(func(r *http.Request, in noteIn) (noteOut, string, error) { called = true; return noteOut{}, "/x", nil }),
		"NoContent": httpx.JSONNoContent(func(r *http.Request, in noteIn) error { called = true; return nil }),
	} {
		for _, body := range []string{`{"body":`, `{"body":"\u0000"}`, `{"body":"ok"}`} {
			r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			w := serve(t, h, r)
			if w.Code != http.StatusUnauthorized || called {
				t.Errorf("%s with %s: status %d (called %v), want 401 without a call", name, body, w.Code, called)
			}
		}
	}
}

// TestAPIPathWildcards: a path whose ID carries a control character is
// refused at the adapter with the wildcard named, before the handler runs;
// an anonymous caller is told to sign in first.
func TestAPIPathWildcards(t *testing.T) {
	mux := http.NewServeMux()
	called := false
	mux.Handle("GET /api/v1/things/{id}/parts/{partID}", httpx.API(discard, func(w http.ResponseWriter, r *http.Request) error {
		called = true
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
	signedIn := func(r *http.Request) *http.Request {
		return r.WithContext(mentorvault.WithPrincipal(r.Context(), mentorvault.Principal{UserID: "u1", OrgID: "o1", Via: "test"}))
	}
	for _, tc := range []struct {
		name, path string
		anonymous  bool
		status     int
		field      string
	}{
		{"plain", "/api/v1/things/a1/parts/b2", false, http.StatusNoContent, ""},
		{"NUL in id", "/api/v1/things/a%00/parts/b2", false, http.StatusBadRequest, "id"},
		{"CR in the part", "/api/v1/things/a1/parts/b%0D", false, http.StatusBadRequest, "partID"},
		{"DEL", "/api/v1/things/a%7F/parts/b2", false, http.StatusBadRequest, "id"},
		{"invalid UTF-8", "/api/v1/things/a%FF/parts/b2", false, http.StatusBadRequest, "id"},
		{"anonymous", "/api/v1/things/a%00/parts/b2", true, http.StatusUnauthorized, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			called = false
			r := httptest.NewRequest("GET", tc.path, nil)
			if !tc.anonymous {
				r = signedIn(r)
			}
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			if w.Code != tc.status || called != (tc.status == http.StatusNoContent) {
				t.Fatalf("status %d (handler ran: %v), want %d: %s", w.Code, called, tc.status, w.Body)
			}
			if tc.field != "" {
				var e httpx.ErrorBody
				_ = json.Unmarshal(w.Body.Bytes(), &e)
				if e.Error.Fields[tc.field] == "" {
					t.Fatalf("the error does not name %q: %s", tc.field, w.Body)
				}
			}
		})
	}
	if got := httpx.PathWildcards("POST /a/{id}/b/{rest...}/{$}"); !slices.Equal(got, []string{"id", "rest"}) {
		t.Errorf("PathWildcards = %v", got)
	}
}
