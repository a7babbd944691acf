package service

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// ssoTimeout bounds each call to an identity provider (discovery, code exchange).
const ssoTimeout = 15 * time.Second

const ssoFailedMsg = "the sign-in with your organisation's identity provider did not succeed; try again from the sign-in page"

// oidcCache holds each issuer's discovery document, fetched at first use.
type oidcCache struct {
	mu        sync.Mutex
	providers map[string]*oidc.Provider
}

func (c *oidcCache) get(ctx context.Context, issuer string) (*oidc.Provider, error) {
	c.mu.Lock()
	p := c.providers[issuer]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	ctx, cancel := context.WithTimeout(ctx, ssoTimeout)
	defer cancel()
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.providers == nil {
		c.providers = map[string]*oidc.Provider{}
	}
	c.providers[issuer] = p
	return p, nil
}

// NewSSOProvider is what an org admin gives to add an identity provider.
type NewSSOProvider struct {
	Name, Issuer, ClientID, SecretFile string
	Domains                            []string
	SSOOnly, CreateUsers               bool
}

// SSOProviderView is a provider as its organisation's admins see it: where
// its secret is, never the secret.
type SSOProviderView struct {
	ID, Name, Issuer, ClientID, SecretFile string
	Domains                                []string
	SSOOnly, CreateUsers                   bool
}

// CallbackPath is the path of the redirect URI to register at the
// provider, after the server's base URL.
func (v *SSOProviderView) CallbackPath() string { return "/login/sso/" + v.ID + "/callback" }

func ssoView(p *mentorvault.OIDCProvider) *SSOProviderView {
	return &SSOProviderView{ID: p.ID, Name: p.Name, Issuer: p.Issuer, ClientID: p.ClientID, SecretFile: p.SecretFile,
		Domains: p.Domains, SSOOnly: p.SSOOnly, CreateUsers: p.CreateUsers}
}

// AddSSOProvider adds an OpenID Connect provider to the caller's
// organisation. The secret file must be readable now. Returns
// EUNAUTHENTICATED, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) AddSSOProvider(ctx context.Context, p mentorvault.Principal, in NewSSOProvider) (*SSOProviderView, error) {
	var out *SSOProviderView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManageSSO)
		if err != nil {
			return err
		}
		prov := &mentorvault.OIDCProvider{ID: mentorvault.NewID(), OrgID: a.user.OrgID, Name: strings.TrimSpace(in.Name),
			Issuer: strings.TrimSpace(in.Issuer), ClientID: strings.TrimSpace(in.ClientID), SecretFile: in.SecretFile,
			Domains: append([]string(nil), in.Domains...), SSOOnly: in.SSOOnly, CreateUsers: in.CreateUsers, CreatedAt: tx.Now()}
		if err := prov.Validate(); err != nil {
			return err
		}
		if _, err := readSecret(prov.SecretFile); err != nil {
			return mentorvault.Errorf(mentorvault.EINVALID, "the client secret file cannot be read or is empty")
		}
		if err := tx.CreateOIDCProvider(ctx, prov); err != nil {
			return err
		}
		out = ssoView(prov)
		return s.record(ctx, tx, a, "org.sso.add", orgTarget(prov.OrgID), "provider "+prov.ID)
	})
	return out, err
}

// SSOProviders lists the caller's organisation's providers. Returns
// EUNAUTHENTICATED or EFORBIDDEN.
func (s *Service) SSOProviders(ctx context.Context, p mentorvault.Principal) ([]*SSOProviderView, error) {
	var out []*SSOProviderView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManageSSO)
		if err != nil {
			return err
		}
		ps, err := tx.FindOIDCProviders(ctx, a.user.OrgID)
		if err != nil {
			return err
		}
		out = []*SSOProviderView{}
		for _, prov := range ps {
			out = append(out, ssoView(prov))
		}
		return nil
	})
	return out, err
}

// RemoveSSOProvider removes one of the caller's organisation's providers:
// its button goes from the sign-in page and its sso_only rule with it.
// People keep their accounts and sessions. Returns EUNAUTHENTICATED,
// EFORBIDDEN, EINVALID or ENOTFOUND (also for another organisation's).
func (s *Service) RemoveSSOProvider(ctx context.Context, p mentorvault.Principal, id string) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManageSSO)
		if err != nil {
			return err
		}
		prov, err := tx.FindOIDCProviderByID(ctx, id)
		if err != nil {
			return err
		}
		if prov.OrgID != a.user.OrgID {
			return mentorvault.Errorf(mentorvault.ENOTFOUND, "identity provider not found")
		}
		if err := tx.DeleteOIDCProvider(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "org.sso.remove", orgTarget(prov.OrgID), "provider "+prov.ID)
	})
}

// SSOButton is a provider as the sign-in page shows it.
type SSOButton struct{ ID, Name string }

// SSOButtons lists every organisation's providers for the sign-in page.
func (s *Service) SSOButtons(ctx context.Context) ([]SSOButton, error) {
	out := []SSOButton{}
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		ps, err := tx.FindOIDCProviders(ctx, "")
		for _, p := range ps {
			out = append(out, SSOButton{ID: p.ID, Name: p.Name})
		}
		return err
	})
	return out, err
}

// ssoFlow is what the browser keeps between the start of a sign-in and the
// callback: it never leaves the browser except back to us.
type ssoFlow struct {
	Provider string `json:"p"`
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
}

// SSOStarted is the redirect to the identity provider and the flow to keep
// in a short-lived cookie until the callback.
type SSOStarted struct {
	URL  string
	Flow string
}

func readSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sec := strings.TrimSpace(string(b))
	if sec == "" {
		return "", os.ErrNotExist
	}
	return sec, nil
}

// oauthConfig loads the provider's secret and discovery document.
func (s *Service) oauthConfig(ctx context.Context, prov *mentorvault.OIDCProvider, redirectURL string) (*oauth2.Config, *oidc.Provider, error) {
	secret, err := readSecret(prov.SecretFile)
	if err != nil {
		return nil, nil, &mentorvault.Error{Code: mentorvault.EINTERNAL, Message: "the identity provider's client secret cannot be read", Err: err}
	}
	op, err := s.oidc.get(ctx, prov.Issuer)
	if err != nil {
		return nil, nil, &mentorvault.Error{Code: mentorvault.EINTERNAL, Message: "the identity provider does not answer; try again later", Err: err}
	}
	return &oauth2.Config{ClientID: prov.ClientID, ClientSecret: secret, Endpoint: op.Endpoint(), RedirectURL: redirectURL,
		Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, op, nil
}

func (s *Service) findProvider(ctx context.Context, id string) (*mentorvault.OIDCProvider, error) {
	var prov *mentorvault.OIDCProvider
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		var err error
		prov, err = tx.FindOIDCProviderByID(ctx, id)
		return err
	})
	return prov, err
}

// StartSSO begins an authorization code flow with PKCE, state and nonce
// at the provider id; redirectURL is our callback. next is where to go
// after signing in. Returns ENOTFOUND or EINTERNAL (the provider does not answer).
func (s *Service) StartSSO(ctx context.Context, id, redirectURL, next string) (*SSOStarted, error) {
	prov, err := s.findProvider(ctx, id)
	if err != nil {
		return nil, err
	}
	cfg, _, err := s.oauthConfig(ctx, prov, redirectURL)
	if err != nil {
		return nil, err
	}
	f := ssoFlow{Provider: prov.ID, State: auth.NewSecretToken(""), Nonce: auth.NewSecretToken(""), Verifier: oauth2.GenerateVerifier(), Next: next}
	raw, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	u := cfg.AuthCodeURL(f.State, oauth2.S256ChallengeOption(f.Verifier), oidc.Nonce(f.Nonce))
	return &SSOStarted{URL: u, Flow: base64.RawURLEncoding.EncodeToString(raw)}, nil
}

// SSOCallback is what the provider sends back to the callback.
type SSOCallback struct {
	ProviderID  string
	RedirectURL string
	Flow        string // the cookie set at the start
	State, Code string
	Error       string // the provider's error parameter, if any
}

// SSOLoginResult is a new session and where to go next.
type SSOLoginResult struct {
	LoginResult
	Next string
}

// idClaims are the ID token's claims we read. Some providers send
// email_verified as a string.
type idClaims struct {
	Email         string          `json:"email"`
	EmailVerified json.RawMessage `json:"email_verified"`
	Name          string          `json:"name"`
}

func (c idClaims) verified() bool {
	v := strings.Trim(string(c.EmailVerified), `"`)
	return v == "true"
}

// FinishSSO completes a sign-in at the callback: it checks the state,
// exchanges the code with the verifier, verifies the ID token and its
// nonce, and signs in (or creates, when the provider allows it) the
// account of the token's verified email in the provider's organisation.
// Every outcome is audited as login.sso. Returns ENOTFOUND or
// EUNAUTHENTICATED.
func (s *Service) FinishSSO(ctx context.Context, cb SSOCallback) (*SSOLoginResult, error) {
	prov, err := s.findProvider(ctx, cb.ProviderID)
	if err != nil {
		return nil, err
	}
	fail := func(outcome, detail, msg string, user *mentorvault.User) error {
		return s.inTx(ctx, func(tx mentorvault.Tx) error {
			a, t := actor{p: mentorvault.Principal{Via: "web"}}, orgTarget(prov.OrgID)
			if user != nil {
				a.p.UserID, a.user = user.ID, user
				t = target{orgID: user.OrgID, typ: "user", id: user.ID}
			}
			return s.record2(ctx, tx, a, "login.sso", outcome, t, "provider "+prov.ID+": "+detail,
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "%s", msg))
		})
	}
	var f ssoFlow
	raw, derr := base64.RawURLEncoding.DecodeString(cb.Flow)
	if derr != nil || json.Unmarshal(raw, &f) != nil || f.Provider != prov.ID || f.State == "" ||
		subtle.ConstantTimeCompare([]byte(f.State), []byte(cb.State)) != 1 {
		return nil, fail(mentorvault.OutcomeFailed, "state mismatch", "this sign-in has expired or was not started here; start again from the sign-in page", nil)
	}
	if cb.Error != "" || cb.Code == "" {
		return nil, fail(mentorvault.OutcomeFailed, "provider refused", ssoFailedMsg, nil)
	}
	cfg, op, err := s.oauthConfig(ctx, prov, cb.RedirectURL)
	if err != nil {
		s.log.ErrorContext(ctx, "sso: provider unavailable", "provider", prov.ID, "err", err)
		return nil, fail(mentorvault.OutcomeFailed, "provider unavailable", ssoFailedMsg, nil)
	}
	xctx, cancel := context.WithTimeout(ctx, ssoTimeout)
	defer cancel()
	tok, err := cfg.Exchange(xctx, cb.Code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		s.log.WarnContext(ctx, "sso: code exchange failed", "provider", prov.ID, "err", err)
		return nil, fail(mentorvault.OutcomeFailed, "code exchange failed", ssoFailedMsg, nil)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := op.Verifier(&oidc.Config{ClientID: prov.ClientID}).Verify(xctx, rawID)
	if err != nil {
		s.log.WarnContext(ctx, "sso: ID token refused", "provider", prov.ID, "err", err)
		return nil, fail(mentorvault.OutcomeFailed, "ID token refused", ssoFailedMsg, nil)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return nil, fail(mentorvault.OutcomeFailed, "nonce mismatch", ssoFailedMsg, nil)
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		return nil, fail(mentorvault.OutcomeFailed, "unreadable claims", ssoFailedMsg, nil)
	}
	if c.Email == "" {
		// Many providers put the email scope's claims only at the UserInfo
		// endpoint (OpenID Connect Core §5.4); its subject must be the ID
		// token's (§5.3.2).
		ui, err := op.UserInfo(xctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			s.log.WarnContext(ctx, "sso: userinfo failed", "provider", prov.ID, "err", err)
			return nil, fail(mentorvault.OutcomeFailed, "userinfo failed", ssoFailedMsg, nil)
		}
		if ui.Subject != idt.Subject {
			return nil, fail(mentorvault.OutcomeFailed, "userinfo subject mismatch", ssoFailedMsg, nil)
		}
		var uc idClaims
		if err := ui.Claims(&uc); err != nil {
			return nil, fail(mentorvault.OutcomeFailed, "unreadable claims", ssoFailedMsg, nil)
		}
		if uc.Name == "" {
			uc.Name = c.Name
		}
		c = uc
	}
	email := mentorvault.NormalizeEmail(c.Email)
	if email == "" || !c.verified() {
		return nil, fail(mentorvault.OutcomeDenied, "email not verified",
			"your identity provider did not confirm your email address, so you cannot sign in with it", nil)
	}
	if !prov.AllowsEmail(email) {
		return nil, fail(mentorvault.OutcomeDenied, "email domain not allowed",
			"people of your email domain cannot sign in with "+prov.Name, nil)
	}
	var out *SSOLoginResult
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, t := actor{p: mentorvault.Principal{Via: "web"}}, orgTarget(prov.OrgID)
		user, err := tx.FindUserByEmail(ctx, email)
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			user, err = nil, nil
		}
		if err != nil {
			return err
		}
		detail := "provider " + prov.ID
		switch {
		case user != nil && user.OrgID != prov.OrgID:
			return s.record2(ctx, tx, a, "login.sso", mentorvault.OutcomeDenied, t, detail+": account of another organisation",
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "there is no account for you here; ask your organisation's admin"))
		case user == nil && !prov.CreateUsers:
			return s.record2(ctx, tx, a, "login.sso", mentorvault.OutcomeDenied, t, detail+": no account",
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "there is no account for you here; ask your organisation's admin"))
		case user == nil:
			name := strings.TrimSpace(c.Name)
			if name == "" {
				name = email[:strings.IndexByte(email, '@')]
			}
			user = &mentorvault.User{ID: mentorvault.NewID(), OrgID: prov.OrgID, Email: email, Name: name, CreatedAt: tx.Now()}
			if err := cleanPerson(user); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, user); err != nil {
				return err
			}
			detail += ": account created"
		}
		a.p.UserID, a.user = user.ID, user
		t = target{orgID: user.OrgID, typ: "user", id: user.ID}
		if user.DisabledAt != nil {
			return s.record2(ctx, tx, a, "login.sso", mentorvault.OutcomeDenied, t, detail+": deactivated",
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, deactivatedLoginMsg))
		}
		sess, token, err := s.newSession(ctx, tx, user.ID)
		if err != nil {
			return err
		}
		out = &SSOLoginResult{LoginResult: LoginResult{Session: sess, Token: token, User: accountOf(user)}, Next: f.Next}
		return s.record(ctx, tx, a, "login.sso", t, detail)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ssoOnlyProvider returns the sso_only provider of the email's domain, or nil.
func ssoOnlyProvider(ctx context.Context, tx mentorvault.Tx, email string) (*mentorvault.OIDCProvider, error) {
	ps, err := tx.FindOIDCProviders(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.SSOOnly && p.AllowsEmail(email) {
			return p, nil
		}
	}
	return nil, nil
}
