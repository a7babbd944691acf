package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/server"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// logBuffer collects the server's JSON log lines; requests log from the
// server's goroutines, so writes are locked.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the log lines written so far, decoded.
func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Bytes())
		}
		out = append(out, m)
	}
	return out
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startLogged is startFixture with the server logging, at debug level, to
// the returned buffer.
func startLogged(t *testing.T, env *mvtest.Env) (*fixture, *logBuffer) {
	t.Helper()
	f := startFixture(t, env)
	logs := &logBuffer{}
	srv, err := server.New(server.Config{Service: env.Svc, Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.ts = srv, httptest.NewServer(srv)
	t.Cleanup(f.ts.Close)
	f.oapi = openAPIRouter(t, f.ts.URL)
	return f, logs
}

// sessionCookie signs in as email through the login form and returns the
// session cookie.
func sessionCookie(t *testing.T, base, email string) *http.Cookie {
	t.Helper()
	w := newWeb(t, base)
	w.login(email)
	u, _ := url.Parse(base)
	for _, c := range w.c.Jar.Cookies(u) {
		if c.Name == "mv_session" {
			return c
		}
	}
	t.Fatal("no session cookie after login")
	return nil
}

// TestSessionCheckFailureIs500 breaks the store under a live session: the
// request fails with 500 and a generic message (JSON under /api/, the HTML
// error page elsewhere), the cause is logged, and the cookie is not
// cleared — the session comes back with the store.
func TestSessionCheckFailureIs500(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, logs := startLogged(t, mvtest.New(t, b.Open(t)))
			cookie := sessionCookie(t, f.ts.URL, "alice@northwind.example")
			get := func(t *testing.T, path string) (*http.Response, string) {
				t.Helper()
				req, _ := http.NewRequest("GET", f.ts.URL+path, nil)
				req.AddCookie(cookie)
				resp, err := http.DefaultTransport.RoundTrip(req) // no redirects
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				return resp, string(body)
			}
			sqlDB := f.env.DB.SQLDB()
			// sessions: the session lookup fails; users: the session is found
			// but its account cannot be read.
			for _, table := range []string{"sessions", "users"} {
				t.Run(table, func(t *testing.T) {
					if _, err := sqlDB.Exec("ALTER TABLE " + table + " RENAME TO " + table + "_gone"); err != nil {
						t.Fatal(err)
					}
					restored := false
					restore := func() {
						if !restored {
							restored = true
							if _, err := sqlDB.Exec("ALTER TABLE " + table + "_gone RENAME TO " + table); err != nil {
								t.Fatal(err)
							}
						}
					}
					defer restore()
					for _, tc := range []struct{ path, contentType, body string }{
						{"/api/v1/me", "application/json", `{"error":{"code":"internal","message":"`},
						{"/", "text/html", "Something went wrong"},
					} {
						resp, body := get(t, tc.path)
						if resp.StatusCode != http.StatusInternalServerError {
							t.Fatalf("GET %s with the store broken: %d, want 500\n%s", tc.path, resp.StatusCode, body)
						}
						if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.contentType) || !strings.Contains(body, tc.body) {
							t.Fatalf("GET %s: %s %s", tc.path, ct, body)
						}
						if strings.Contains(body, table+"_gone") || strings.Contains(strings.ToLower(body), "sql") {
							t.Fatalf("GET %s shows the cause: %s", tc.path, body)
						}
						for _, sc := range resp.Header.Values("Set-Cookie") {
							if strings.HasPrefix(sc, "mv_session=") {
								t.Fatalf("GET %s cleared the session cookie on a store failure: %s", tc.path, sc)
							}
						}
					}
					if !strings.Contains(logs.String(), `"msg":"request failed"`) || !strings.Contains(logs.String(), table) {
						t.Fatalf("the store failure was not logged:\n%s", logs)
					}
					restore()
					if resp, body := get(t, "/api/v1/me"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "alice@northwind.example") {
						t.Fatalf("the session did not survive the failure: %d %s", resp.StatusCode, body)
					}
				})
			}
		})
	}
}

// TestRoutePatternInLogsAndMetrics: the request log line and /metrics name a
// request by its route pattern, never by the IDs in its path.
func TestRoutePatternInLogsAndMetrics(t *testing.T) {
	f, logs := startLogged(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	const pattern = "GET /api/v1/relationships/{id}/notes"
	if r := f.do(t, "alice", "GET", "/api/v1/relationships/{rel}/notes", "", nil); r.status != http.StatusOK {
		t.Fatalf("notes: %d %s", r.status, r.body)
	}
	metrics := getRaw(t, f.ts.URL+"/metrics")
	if !strings.Contains(metrics, `route="`+pattern+`"`) {
		t.Fatalf("/metrics lacks the route pattern %q:\n%s", pattern, grepLines(metrics, "mentorvault_http"))
	}
	if strings.Contains(metrics, f.ids["rel"]) {
		t.Fatalf("/metrics carries the relationship ID:\n%s", grepLines(metrics, f.ids["rel"]))
	}
	var found bool
	for _, l := range logs.lines(t) {
		if l["msg"] == "request" && l["route"] == pattern && l["method"] == "GET" && l["status"] == float64(200) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no request log line with route %q:\n%s", pattern, logs)
	}
	if strings.Contains(logs.String(), f.ids["rel"]) {
		t.Fatalf("the log carries the relationship ID:\n%s", grepLines(logs.String(), f.ids["rel"]))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestMethodNotAllowedListsEveryMethod: a method a path does not take is a
// 405 whose Allow header lists every method the path does take.
func TestMethodNotAllowedListsEveryMethod(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	for _, tc := range []struct {
		method, path string
		allow        []string
	}{
		{"PUT", "/api/v1/relationships/{rel}/notes", []string{"GET", "HEAD", "POST"}},
		{"POST", "/api/v1/relationships/{rel}/notes/{alicePriv}", []string{"GET", "HEAD", "PATCH", "DELETE"}},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := f.do(t, "alice", tc.method, tc.path, "application/json", []byte(`{}`))
			if r.status != http.StatusMethodNotAllowed || r.errorCode() != "method_not_allowed" {
				t.Fatalf("status %d %s, want 405", r.status, r.body)
			}
			allow := strings.Split(r.header.Get("Allow"), ", ")
			for _, m := range tc.allow {
				if !strings.Contains(", "+r.header.Get("Allow")+", ", ", "+m+", ") {
					t.Errorf("Allow %q lacks %s", r.header.Get("Allow"), m)
				}
			}
			if len(allow) != len(tc.allow) {
				t.Errorf("Allow %q, want exactly %v", r.header.Get("Allow"), tc.allow)
			}
		})
	}
}

// TestAbandonedRequestIsNotAnError: a request whose client went away (its
// context is cancelled) fails in the store, but is not logged as a failed
// request — through the whole handler, for a bearer token and a session.
func TestAbandonedRequestIsNotAnError(t *testing.T) {
	f, logs := startLogged(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	cookie := sessionCookie(t, f.ts.URL, "alice@northwind.example")
	for _, tc := range []struct {
		name, path string
		auth       func(*http.Request)
	}{
		{"bearer token", "/api/v1/relationships/" + f.ids["rel"] + "/notes", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+f.tokens["alice"]) }},
		{"session", "/", func(r *http.Request) { r.AddCookie(cookie) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the client has gone before the server looks the caller up
			req := httptest.NewRequestWithContext(ctx, "GET", tc.path, nil)
			tc.auth(req)
			rec := httptest.NewRecorder()
			f.srv.ServeHTTP(rec, req)
			if rec.Code < 500 {
				t.Fatalf("a cancelled request answered %d; the test no longer reaches the store", rec.Code)
			}
			for _, l := range logs.lines(t) {
				if l["level"] == "ERROR" {
					t.Fatalf("an abandoned request was logged as an error: %v", l)
				}
			}
			if !strings.Contains(logs.String(), "request abandoned by the client") {
				t.Fatalf("no debug line for the abandoned request:\n%s", logs)
			}
		})
	}
}
