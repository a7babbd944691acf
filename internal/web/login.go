package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

const loginCSRFCookie = "mv_login_csrf"

type loginPage struct {
	base
	Email string
	Next  string
	Error string
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
	p := &loginPage{base: h.base(r, "Sign in"), Next: safeNext(r.URL.Query().Get("next"))}
	p.CSRF = h.loginCSRF(w, r)
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
		p := &loginPage{base: h.base(r, "Sign in"), Email: email, Next: next, Error: msg}
		p.CSRF = c.Value
		h.render(w, r, httpx.Status(code), "login.html", p)
		return nil
	}
	// A new session ID at every login: the old cookie, if any, is replaced.
	if old, err := r.Cookie(h.edge.SessionCookieName(r)); err == nil && old.Value != "" {
		_ = h.svc.Logout(r.Context(), old.Value)
	}
	h.edge.SetSessionCookie(w, r, res.Token, res.Session.ExpiresAt)
	http.Redirect(w, r, next, http.StatusSeeOther)
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
