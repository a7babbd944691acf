package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

// Account links: "Forgot your password?" on the sign-in page, the reset
// link's page, and the page that confirms a new email address. They are
// for someone not signed in, under /login so that the sign-in form's
// per-browser CSRF cookie covers their forms too.

type forgotPage struct {
	base
	Email  string
	Sent   bool
	MailOn bool
	Error  string
	Fields map[string]string
}

// ForgotForm serves GET /login/forgot: the form asking for an email.
func (h *Handler) ForgotForm(w http.ResponseWriter, r *http.Request) error {
	p := &forgotPage{base: h.base(r, "Forgot your password?"), Sent: r.URL.Query().Get("done") == "sent", MailOn: h.svc.MailOn()}
	p.CSRF = h.loginCSRF(w, r)
	h.render(w, r, http.StatusOK, "forgot.html", p)
	return nil
}

// checkLoginCSRF checks a signed-out form's token against the sign-in
// form's cookie, and returns the token.
func checkLoginCSRF(r *http.Request) (string, error) {
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf_token"))) != 1 {
		return "", mentorvault.Errorf(mentorvault.EFORBIDDEN, "this form has expired; reload the page and try again")
	}
	return c.Value, nil
}

// RequestReset serves POST /login/forgot: the same answer for every address.
func (h *Handler) RequestReset(w http.ResponseWriter, r *http.Request) error {
	if err := httpx.ParseForm(w, r); err != nil {
		return err
	}
	csrf, err := checkLoginCSRF(r)
	if err != nil {
		return err
	}
	email := r.PostFormValue("email")
	err = h.svc.RequestPasswordReset(r.Context(), email, h.edge.ClientAddr(r))
	if err == nil {
		http.Redirect(w, r, "/login/forgot?done=sent", http.StatusSeeOther)
		return nil
	}
	code := mentorvault.ErrorCode(err)
	if code == mentorvault.EINTERNAL {
		return err
	}
	p := &forgotPage{base: h.base(r, "Forgot your password?"), Email: email, MailOn: h.svc.MailOn(), Error: mentorvault.ErrorMessage(err), Fields: mentorvault.ErrorFields(err)}
	p.CSRF = csrf
	h.render(w, r, httpx.Status(code), "forgot.html", p)
	return nil
}

type resetPage struct {
	base
	Token   string
	Reset   *service.PasswordResetView
	Problem string // why the link cannot be used, in plain words
	Error   string
	Fields  map[string]string
}

// ResetForm serves GET /login/reset/{token}: the form to choose a new
// password, or, in plain words, why the link no longer works.
func (h *Handler) ResetForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	p := &resetPage{base: h.base(r, "Choose a new password"), Token: token}
	p.CSRF = h.loginCSRF(w, r)
	v, err := h.svc.PasswordReset(r.Context(), token)
	if err != nil {
		c := mentorvault.ErrorCode(err)
		if c != mentorvault.ENOTFOUND && c != mentorvault.ECONFLICT {
			return err
		}
		p.Title, p.Problem = "This link does not work", mentorvault.ErrorMessage(err)
		h.render(w, r, httpx.Status(c), "reset.html", p)
		return nil
	}
	p.Reset = v
	h.render(w, r, http.StatusOK, "reset.html", p)
	return nil
}

// ResetPassword serves POST /login/reset/{token}: set the new password,
// end every session, and go to the sign-in page.
func (h *Handler) ResetPassword(w http.ResponseWriter, r *http.Request) error {
	if err := httpx.ParseForm(w, r); err != nil {
		return err
	}
	csrf, err := checkLoginCSRF(r)
	if err != nil {
		return err
	}
	token := r.PathValue("token")
	again := func(status int, msg string, fields map[string]string) error {
		p := &resetPage{base: h.base(r, "Choose a new password"), Token: token, Error: msg, Fields: fields, Reset: &service.PasswordResetView{}}
		p.CSRF = csrf
		h.render(w, r, status, "reset.html", p)
		return nil
	}
	pw, problems := form.ParseSetPassword(r.PostForm)
	if len(problems) > 0 {
		return again(http.StatusBadRequest, "Your password is not changed.", problems)
	}
	if err := h.svc.ResetPassword(r.Context(), token, pw); err != nil {
		code := mentorvault.ErrorCode(err)
		switch code {
		case mentorvault.EINVALID:
			return again(http.StatusBadRequest, mentorvault.ErrorMessage(err), mentorvault.ErrorFields(err))
		case mentorvault.ENOTFOUND, mentorvault.ECONFLICT:
			p := &resetPage{base: h.base(r, "This link does not work"), Token: token, Problem: mentorvault.ErrorMessage(err)}
			p.CSRF = csrf
			h.render(w, r, httpx.Status(code), "reset.html", p)
			return nil
		}
		return err
	}
	// This browser's own session, if any, ended with all the others.
	if old, err := r.Cookie(h.edge.SessionCookieName(r)); err == nil && old.Value != "" {
		_ = h.svc.Logout(r.Context(), old.Value)
	}
	http.Redirect(w, r, "/login?done=reset", http.StatusSeeOther)
	return nil
}

type confirmEmailPage struct {
	base
	Token   string
	Change  *service.EmailChangeView
	Problem string
	Done    bool
}

// EmailChangeForm serves GET /login/confirm-email/{token}: which change
// the link confirms, and the button that confirms it (a mail scanner that
// fetches the link changes nothing).
func (h *Handler) EmailChangeForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	p := &confirmEmailPage{base: h.base(r, "Confirm your new email address"), Token: token, Done: r.URL.Query().Get("done") == "confirmed"}
	p.CSRF = h.loginCSRF(w, r)
	if p.Done {
		h.render(w, r, http.StatusOK, "confirm_email.html", p)
		return nil
	}
	v, err := h.svc.EmailChange(r.Context(), token)
	if err != nil {
		c := mentorvault.ErrorCode(err)
		if c != mentorvault.ENOTFOUND && c != mentorvault.ECONFLICT {
			return err
		}
		p.Title, p.Problem = "This link does not work", mentorvault.ErrorMessage(err)
		h.render(w, r, httpx.Status(c), "confirm_email.html", p)
		return nil
	}
	p.Change = v
	h.render(w, r, http.StatusOK, "confirm_email.html", p)
	return nil
}

// ConfirmEmailChange serves POST /login/confirm-email/{token}.
func (h *Handler) ConfirmEmailChange(w http.ResponseWriter, r *http.Request) error {
	if err := httpx.ParseForm(w, r); err != nil {
		return err
	}
	csrf, err := checkLoginCSRF(r)
	if err != nil {
		return err
	}
	token := r.PathValue("token")
	if err := h.svc.ConfirmEmailChange(r.Context(), token); err != nil {
		c := mentorvault.ErrorCode(err)
		if c != mentorvault.ENOTFOUND && c != mentorvault.ECONFLICT {
			return err
		}
		p := &confirmEmailPage{base: h.base(r, "This link does not work"), Token: token, Problem: mentorvault.ErrorMessage(err)}
		p.CSRF = csrf
		h.render(w, r, httpx.Status(c), "confirm_email.html", p)
		return nil
	}
	http.Redirect(w, r, "/login/confirm-email/"+url.PathEscape(token)+"?done=confirmed", http.StatusSeeOther)
	return nil
}

// RequestEmailChange serves POST /settings/email-address: a confirmation
// link goes to the new address.
func (h *Handler) RequestEmailChange(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseEmailChange, func(email string) (string, error) {
		_, err := h.svc.RequestEmailChange(r.Context(), httpx.Principal(r), email)
		return "/settings?done=email-sent", err
	}, func(bad refused) error {
		pg, err := h.settingsPage(r)
		if err != nil {
			return err
		}
		pg.NewEmail, pg.EmailFields = r.PostFormValue("email"), bad.Problems
		if bad.Err != nil {
			pg.EmailFields = mentorvault.ErrorFields(bad.Err)
			if len(pg.EmailFields) == 0 {
				pg.EmailError = mentorvault.ErrorMessage(bad.Err)
			}
		}
		h.render(w, r, bad.status(), "settings.html", pg)
		return nil
	}, mentorvault.ECONFLICT)
}

// UpdateTimeZone serves POST /settings/time-zone: the zone every page and
// message shows the caller's times in.
func (h *Handler) UpdateTimeZone(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseTimeZone, func(tz string) (string, error) {
		return "/settings?done=time-zone", h.svc.UpdateMailSettings(r.Context(), httpx.Principal(r), service.MailSettingsUpdate{TimeZone: &tz})
	}, func(bad refused) error {
		pg, err := h.settingsPage(r)
		if err != nil {
			return err
		}
		pg.ZoneFields = bad.Problems
		if bad.Err != nil {
			pg.ZoneFields = mentorvault.ErrorFields(bad.Err)
		}
		h.render(w, r, bad.status(), "settings.html", pg)
		return nil
	})
}

// SendPasswordReset serves POST /people/{id}/password-reset: the person
// is emailed a reset link; the admin sees that it was sent, never the link.
func (h *Handler) SendPasswordReset(w http.ResponseWriter, r *http.Request) error {
	return h.personAction(w, r, "reset-sent", func(id string) error {
		_, err := h.svc.SendPasswordReset(r.Context(), httpx.Principal(r), id)
		return err
	})
}
