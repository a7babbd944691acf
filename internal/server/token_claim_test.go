package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestTokenCheckedInTheRequestsTransaction: an API token is checked, and
// its use audited, by the request's own transaction — and still exactly
// once, with a bad token told so (401) before anything about what it sent,
// whatever the request fails on: its path, its body, the service's
// judgement, or a revoked token or deactivated owner. On both backends.
func TestTokenCheckedInTheRequestsTransaction(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			ctx := context.Background()
			notes := "/api/v1/relationships/" + f.ids["rel"] + "/notes"
			uses := func(r result) (ok, denied int) {
				for _, e := range r.events {
					if e.Action == "token.use" {
						if e.Outcome == mentorvault.OutcomeDenied {
							denied++
						} else {
							ok++
						}
					}
				}
				return ok, denied
			}
			check := func(name string, r result, status, wantOK, wantDenied int) {
				t.Helper()
				okN, deniedN := uses(r)
				if r.status != status || okN != wantOK || deniedN != wantDenied {
					t.Errorf("%s: status %d with %d token.use and %d denied, want %d with %d and %d: %s",
						name, r.status, okN, deniedN, status, wantOK, wantDenied, r.body)
				}
			}

			f.tokens["forger"] = "mvt_" + "0123456789abcdef0123456789abcdef"
			check("unknown token, bad body", f.do(t, "forger", "POST", notes, "application/json", []byte(`{"body":`)), 401, 0, 0)
			check("unknown token, bad path", f.do(t, "forger", "GET", "/api/v1/relationships/a%00b", "", nil), 401, 0, 0)
			check("unknown token, bad query", f.do(t, "forger", "GET", notes+"?limit=x", "", nil), 401, 0, 0)
			check("unknown token, a read", f.do(t, "forger", "GET", notes, "", nil), 401, 0, 0)

			check("good token, a read", f.do(t, "alice", "GET", notes, "", nil), 200, 1, 0)
			check("good token, body not JSON", f.do(t, "alice", "POST", notes, "application/json", []byte(`{"body":`)), 400, 1, 0)
			check("good token, bad path", f.do(t, "alice", "GET", "/api/v1/relationships/a%00b", "", nil), 400, 1, 0)
			check("good token, refused by the service", f.do(t, "alice", "POST", notes, "application/json", []byte(`{"body":"","visibility":"shared"}`)), 400, 1, 0)
			check("good token, not allowed", f.do(t, "heidi", "GET", notes, "", nil), 404, 1, 0)
			// A page that asks nothing of the store: the use is audited
			// when it is answered.
			before := f.env.Head(t)
			req, _ := http.NewRequest("GET", f.ts.URL+"/login", nil)
			req.Header.Set("Authorization", "Bearer "+f.tokens["alice"])
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			// Signed in by the token, the sign-in page sends on home.
			check("good token, a page that asks nothing of the store", result{status: resp.StatusCode, events: f.env.Events(t, before)}, http.StatusSeeOther, 1, 0)
			check("good token, a write", f.do(t, "alice", "POST", notes, "application/json", []byte(`{"body":"written","visibility":"shared"}`)), 201, 1, 0)

			// The token's last use is written with the call.
			r := f.do(t, "alice", "GET", "/api/v1/tokens", "", nil)
			var list struct {
				Tokens []struct {
					LastUsedAt *string `json:"last_used_at"`
				} `json:"tokens"`
			}
			if err := json.Unmarshal(r.body, &list); err != nil || len(list.Tokens) == 0 || list.Tokens[0].LastUsedAt == nil {
				t.Errorf("alice's token shows no last use: %s", r.body)
			}

			// Revoked: refused, the refusal audited once, whatever it sent.
			var mine struct {
				Tokens []struct{ ID string } `json:"tokens"`
			}
			_ = json.Unmarshal(f.do(t, "bob", "GET", "/api/v1/tokens", "", nil).body, &mine)
			if len(mine.Tokens) != 1 {
				t.Fatalf("bob has %d tokens", len(mine.Tokens))
			}
			if err := f.env.Svc.RevokeAPIToken(ctx, f.env.As("bob"), mine.Tokens[0].ID); err != nil {
				t.Fatal(err)
			}
			check("revoked token, a read", f.do(t, "bob", "GET", notes, "", nil), 401, 0, 1)
			check("revoked token, bad body", f.do(t, "bob", "POST", notes, "application/json", []byte(`{"body":`)), 401, 0, 1)

			// A deactivated owner's token stops at once.
			if _, err := f.env.Svc.DeactivatePerson(ctx, f.env.As("grace"), f.env.Users["frank"].ID); err != nil {
				t.Fatal(err)
			}
			check("deactivated owner", f.do(t, "frank", "GET", "/api/v1/relationships", "", nil), 401, 0, 1)
			if r := f.do(t, "frank", "GET", "/api/v1/relationships", "", nil); r.status != http.StatusUnauthorized {
				t.Errorf("a deactivated owner's token answered %d", r.status)
			}
		})
	}
}
