package service_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// fakeOP is a small in-process OpenID provider: discovery, JWKS, and a
// token endpoint that checks the client, the PKCE verifier and the code,
// and signs an ID token with an RSA key. authorize stands in for the
// provider's login page.
type fakeOP struct {
	srv    *httptest.Server
	signer jose.Signer
	key    *rsa.PrivateKey
	mu     sync.Mutex
	codes  map[string]grant
	info   map[string]map[string]any // UserInfo claims by access token
}

type grant struct {
	challenge string
	claims    map[string]any
	userinfo  map[string]any
}

func newFakeOP(t *testing.T) *fakeOP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	op := &fakeOP{signer: signer, key: key, codes: map[string]grant{}, info: map[string]map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": op.srv.URL, "authorization_endpoint": op.srv.URL + "/authorize", "token_endpoint": op.srv.URL + "/token",
			"jwks_uri": op.srv.URL + "/jwks", "userinfo_endpoint": op.srv.URL + "/userinfo", "id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		if r.ParseForm() != nil || id != "mentorvault" || secret != "s3cret" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		op.mu.Lock()
		g, ok := op.codes[r.PostForm.Get("code")]
		delete(op.codes, r.PostForm.Get("code"))
		op.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		payload, _ := json.Marshal(g.claims)
		jws, err := op.signer.Sign(payload)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		idt, _ := jws.CompactSerialize()
		w.Header().Set("Content-Type", "application/json")
		at := "at-" + mentorvault.NewID()
		op.mu.Lock()
		op.info[at] = g.userinfo
		op.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 300, "id_token": idt})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		op.mu.Lock()
		ui, ok := op.info[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		op.mu.Unlock()
		if !ok || ui == nil {
			http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ui)
	})
	op.srv = httptest.NewServer(mux)
	t.Cleanup(op.srv.Close)
	return op
}

// authorize plays the provider's login: it issues a code for the request
// in authURL whose ID token carries email, after change edits its claims.
func (op *fakeOP) authorize(t *testing.T, authURL, email string, change func(map[string]any)) (state, code string) {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil || !strings.HasPrefix(authURL, op.srv.URL+"/authorize?") {
		t.Fatalf("authorization URL %q", authURL)
	}
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" || q.Get("state") == "" || q.Get("client_id") != "mentorvault" {
		t.Fatalf("authorization request %v: want PKCE S256, nonce and state", q)
	}
	now := time.Now()
	claims := map[string]any{"iss": op.srv.URL, "sub": "sub-" + email, "aud": "mentorvault", "nonce": q.Get("nonce"),
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "email": email, "email_verified": true, "name": "SSO Person"}
	if change != nil {
		change(claims)
	}
	ui, _ := claims["_userinfo"].(map[string]any)
	delete(claims, "_userinfo")
	code = "code-" + mentorvault.NewID()
	op.mu.Lock()
	op.codes[code] = grant{challenge: q.Get("code_challenge"), claims: claims, userinfo: ui}
	op.mu.Unlock()
	return q.Get("state"), code
}

func addFakeProvider(t *testing.T, e *mvtest.Env, op *fakeOP, ssoOnly, createUsers bool) *service.SSOProviderView {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := e.Svc.AddSSOProvider(ctx, e.As("grace"), service.NewSSOProvider{Name: "Northwind SSO", Issuer: op.srv.URL,
		ClientID: "mentorvault", SecretFile: secret, Domains: []string{"Northwind.example"}, SSOOnly: ssoOnly, CreateUsers: createUsers})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const ssoRedirect = "http://mentorvault.test/login/sso/callback"

// TestSSOManage: only the organisation's admin adds and lists providers,
// and nothing of the secret is kept or shown.
func TestSSOManage(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		op := newFakeOP(t)
		v := addFakeProvider(t, e, op, false, false)
		if v.Domains[0] != "northwind.example" {
			t.Fatalf("domains %v", v.Domains)
		}
		for _, who := range []string{"carol", "heidi", "viktor", ""} {
			if _, err := e.Svc.AddSSOProvider(ctx, e.As(who), service.NewSSOProvider{Name: "X", Issuer: op.srv.URL, ClientID: "x",
				SecretFile: "/etc/hostname", Domains: []string{"x.example"}}); err == nil {
				t.Fatalf("%q added a provider", who)
			}
			if _, err := e.Svc.SSOProviders(ctx, e.As(who)); err == nil {
				t.Fatalf("%q listed the providers", who)
			}
		}
		list, err := e.Svc.SSOProviders(ctx, e.As("grace"))
		if err != nil || len(list) != 1 || list[0].ID != v.ID {
			t.Fatalf("list %v %v", list, err)
		}
		if _, err := e.Svc.AddSSOProvider(ctx, e.As("grace"), service.NewSSOProvider{Name: "Y", Issuer: op.srv.URL, ClientID: "y",
			SecretFile: filepath.Join(t.TempDir(), "missing"), Domains: []string{"y.example"}}); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("missing secret file: %v", err)
		}
		buttons, err := e.Svc.SSOButtons(ctx)
		if err != nil || len(buttons) != 1 || buttons[0].Name != "Northwind SSO" {
			t.Fatalf("buttons %v %v", buttons, err)
		}
	})
}

// TestSSOLogin signs in through the in-process provider, and refuses every
// token or callback that is not right, each refusal audited and no
// session made.
func TestSSOLogin(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		op := newFakeOP(t)
		prov := addFakeProvider(t, e, op, true, true)
		signIn := func(t *testing.T, email string, change func(map[string]any), tamper func(*service.SSOCallback)) (*service.SSOLoginResult, error) {
			t.Helper()
			st, err := e.Svc.StartSSO(ctx, prov.ID, ssoRedirect, "/relationships")
			if err != nil {
				t.Fatal(err)
			}
			state, code := op.authorize(t, st.URL, email, change)
			cb := service.SSOCallback{ProviderID: prov.ID, RedirectURL: ssoRedirect, Flow: st.Flow, State: state, Code: code}
			if tamper != nil {
				tamper(&cb)
			}
			return e.Svc.FinishSSO(ctx, cb)
		}

		res, err := signIn(t, "Alice@Northwind.example", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p, _, err := e.Svc.AuthenticateSession(ctx, res.Token); err != nil || p.UserID != e.Users["alice"].ID || res.Next != "/relationships" {
			t.Fatalf("session %v %v next %q", p, err, res.Next)
		}
		// Just in time: a new person of an allowed domain gets an account.
		res, err = signIn(t, "newcomer@northwind.example", nil, nil)
		if err != nil || res.User.Email != "newcomer@northwind.example" || res.User.Name != "SSO Person" || res.User.OrgID != e.Users["alice"].OrgID {
			t.Fatalf("just-in-time account %+v %v", res, err)
		}
		// The email only at the UserInfo endpoint, as many providers send it.
		atUserInfo := func(sub string) func(map[string]any) {
			return func(c map[string]any) {
				c["_userinfo"] = map[string]any{"sub": sub, "email": c["email"], "email_verified": "true", "name": "Info Person"}
				delete(c, "email")
				delete(c, "email_verified")
			}
		}
		res, err = signIn(t, "infocomer@northwind.example", atUserInfo("sub-infocomer@northwind.example"), nil)
		if err != nil || res.User.Email != "infocomer@northwind.example" || res.User.Name != "Info Person" {
			t.Fatalf("email from UserInfo %+v %v", res, err)
		}

		cases := []struct {
			name, email, detail string
			change              func(map[string]any)
			tamper              func(*service.SSOCallback)
			msg                 string
		}{
			{"wrong audience", "alice@northwind.example", "ID token refused", func(c map[string]any) { c["aud"] = "someone-else" }, nil, "did not succeed"},
			{"wrong nonce", "alice@northwind.example", "nonce mismatch", func(c map[string]any) { c["nonce"] = "forged" }, nil, "did not succeed"},
			{"expired token", "alice@northwind.example", "ID token refused", func(c map[string]any) {
				c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
			}, nil, "did not succeed"},
			{"state mismatch", "alice@northwind.example", "state mismatch", nil, func(cb *service.SSOCallback) { cb.State = "forged" }, "start again"},
			{"flow of no sign-in", "alice@northwind.example", "state mismatch", nil, func(cb *service.SSOCallback) { cb.Flow = "garbage" }, "start again"},
			{"wrong verifier", "alice@northwind.example", "code exchange failed", nil, func(cb *service.SSOCallback) {
				raw, _ := base64.RawURLEncoding.DecodeString(cb.Flow)
				var f map[string]string
				_ = json.Unmarshal(raw, &f)
				f["v"] = "another-verifier-of-enough-length-for-pkce-0123456789"
				raw, _ = json.Marshal(f)
				cb.Flow = base64.RawURLEncoding.EncodeToString(raw)
			}, "did not succeed"},
			{"email not verified", "alice@northwind.example", "email not verified", func(c map[string]any) { c["email_verified"] = false }, nil, "did not confirm"},
			{"disallowed domain", "someone@elsewhere.example", "email domain not allowed", nil, nil, "cannot sign in with Northwind SSO"},
			{"deactivated account", "viktor@northwind.example", "deactivated", nil, nil, "deactivated"},
			{"UserInfo of another subject", "alice@northwind.example", "userinfo subject mismatch", func(c map[string]any) {
				c["_userinfo"] = map[string]any{"sub": "someone-else", "email": c["email"], "email_verified": true}
				delete(c, "email")
			}, nil, "did not succeed"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				head := e.Head(t)
				sessions := countSessions(t, e)
				res, err := signIn(t, tc.email, tc.change, tc.tamper)
				if mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED || !strings.Contains(mentorvault.ErrorMessage(err), tc.msg) || res != nil {
					t.Fatalf("got %v %v, want unauthenticated with %q", res, err, tc.msg)
				}
				evs := e.Events(t, head)
				if len(evs) != 1 || evs[0].Action != "login.sso" || evs[0].Outcome == mentorvault.OutcomeOK || !strings.Contains(evs[0].Detail, tc.detail) {
					t.Fatalf("audit: %+v", evs)
				}
				if strings.Contains(evs[0].Detail, "s3cret") || strings.Contains(evs[0].Detail, "code-") {
					t.Fatalf("a secret in the audit detail: %q", evs[0].Detail)
				}
				if n := countSessions(t, e); n != sessions {
					t.Fatalf("sessions %d → %d", sessions, n)
				}
			})
		}

		// sso_only: the password of a person of the provider's domain is not asked for.
		head := e.Head(t)
		_, err = e.Svc.Login(ctx, "alice@northwind.example", demo.Password, "10.0.0.9")
		if mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED || !strings.Contains(mentorvault.ErrorMessage(err), `"Sign in with Northwind SSO"`) {
			t.Fatalf("password login under sso_only: %v", err)
		}
		if evs := e.Events(t, head); len(evs) != 1 || evs[0].Action != "login" || evs[0].Outcome != mentorvault.OutcomeDenied || !strings.Contains(evs[0].Detail, "sso only") {
			t.Fatalf("audit: %+v", evs)
		}
	})
}

func countSessions(t *testing.T, e *mvtest.Env) int {
	t.Helper()
	var n int
	if err := e.DB.SQLDB().QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
