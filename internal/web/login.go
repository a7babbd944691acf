package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

const loginCSRFCookie = "mv_login_csrf"

type loginPage struct {
	base
	Email string
	Next  string
	Error string
	SSO   []service.SSOButton
	Done  string // "reset": a new password was just set
}

// newLoginPage is the sign-in page with a button for every identity provider.
func (h *Handler) newLoginPage(r *http.Request, email, next, msg string) (*loginPage, error) {
	sso, err := h.svc.SSOButtons(r.Context())
	if err != nil {
		return nil, err
	}
	return &loginPage{base: h.base(r, "Sign in"), Email: email, Next: next, Error: msg, SSO: sso}, nil
}

func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (h *Handler) loginCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCSRFCookie); err == nil && strings.HasPrefix(c.Value, "mvl_") && len(c.Value) < 100 {
		return c.Value
	}
	tok := auth.NewSecretToken("mvl_")
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: tok, Path: "/login", HttpOnly: true, Secure: h.edge.TLS(r), SameSite: http.SameSiteStrictMode})
	return tok
}

func (h *Handler) LoginForm(w http.ResponseWriter, r *http.Request) error {
	if !httpx.Principal(r).Anonymous() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	p, err := h.newLoginPage(r, "", safeNext(r.URL.Query().Get("next")), "")
	if err != nil {
		return err
	}
	p.CSRF, p.Done = h.loginCSRF(w, r), r.URL.Query().Get("done")
	h.render(w, r, http.StatusOK, "login.html", p)
	return nil
}

func (h *Handler) Login(w http.ResponseWriter, r *http.Request) error {
	if err := httpx.ParseForm(w, r); err != nil {
		return err
	}
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf_token"))) != 1 {
		return mentorvault.Errorf(mentorvault.EFORBIDDEN, "this sign-in form has expired; reload the page and try again")
	}
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	res, err := h.svc.Login(r.Context(), email, r.PostFormValue("password"), h.edge.ClientAddr(r))
	if err != nil {
		code := mentorvault.ErrorCode(err)
		if code == mentorvault.EINTERNAL {
			return err
		}
		msg := mentorvault.ErrorMessage(err)
		if f := mentorvault.ErrorFields(err); f["email"] != "" {
			msg = "The email " + f["email"] + "."
		} else if f["password"] != "" {
			msg = "The password " + f["password"] + "."
		}
		p, perr := h.newLoginPage(r, email, next, msg)
		if perr != nil {
			return perr
		}
		p.CSRF = c.Value
		h.render(w, r, httpx.Status(code), "login.html", p)
		return nil
	}
	// The password was right but a second factor is needed: no session yet.
	if res.Pending != "" {
		h.toSecondFactor(w, r, res, next)
		return nil
	}
	// A new session ID at every login: the old cookie, if any, is replaced.
	h.signIn(w, r, res, next)
	return nil
}

const ssoCookie = "mv_sso"

func (h *Handler) ssoCallbackURL(r *http.Request, id string) string {
	return h.edge.BaseURL(r) + "/login/sso/" + url.PathEscape(id) + "/callback"
}

// StartSSO serves GET /login/sso/{id}: off to the identity provider, the
// flow's state, nonce and PKCE verifier kept in a short-lived cookie.
func (h *Handler) StartSSO(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	st, err := h.svc.StartSSO(r.Context(), id, h.ssoCallbackURL(r, id), safeNext(r.URL.Query().Get("next")))
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: st.Flow, Path: "/login/sso", MaxAge: 600, HttpOnly: true,
		Secure: h.edge.TLS(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, st.URL, http.StatusSeeOther)
	return nil
}

// FinishSSO serves GET /login/sso/{id}/callback: the provider's answer.
// A refusal shows the sign-in page with its reason.
func (h *Handler) FinishSSO(w http.ResponseWriter, r *http.Request) error {
	id, q := r.PathValue("id"), r.URL.Query()
	if err := mentorvault.ValidateLines("state", q.Get("state"), "code", q.Get("code"), "error", q.Get("error")); err != nil {
		return err
	}
	cb := service.SSOCallback{ProviderID: id, RedirectURL: h.ssoCallbackURL(r, id), State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error")}
	if c, err := r.Cookie(ssoCookie); err == nil {
		cb.Flow = c.Value
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Path: "/login/sso", MaxAge: -1, HttpOnly: true, Secure: h.edge.TLS(r), SameSite: http.SameSiteLaxMode})
	res, err := h.svc.FinishSSO(r.Context(), cb)
	if err != nil {
		code := mentorvault.ErrorCode(err)
		if code != mentorvault.EUNAUTHENTICATED {
			return err
		}
		p, perr := h.newLoginPage(r, "", "/", mentorvault.ErrorMessage(err))
		if perr != nil {
			return perr
		}
		p.CSRF = h.loginCSRF(w, r)
		h.render(w, r, httpx.Status(code), "login.html", p)
		return nil
	}
	if old, err := r.Cookie(h.edge.SessionCookieName(r)); err == nil && old.Value != "" {
		_ = h.svc.Logout(r.Context(), old.Value)
	}
	h.edge.SetSessionCookie(w, r, res.Token, res.Session.ExpiresAt)
	http.Redirect(w, r, safeNext(res.Next), http.StatusSeeOther)
	return nil
}

func (h *Handler) Logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(h.edge.SessionCookieName(r)); err == nil {
		if err := h.svc.Logout(r.Context(), c.Value); err != nil && mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			return err
		}
	}
	h.edge.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
