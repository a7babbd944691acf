package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// Passkeys, the second factor and recovery codes. The WebAuthn ceremonies
// need the browser's navigator.credentials, so static/passkey.js asks for
// a ceremony's options (a POST answered with JSON), runs it and submits
// the answer with an ordinary form; everything else works without script.

type securityPage struct {
	base
	Sec     *service.Security
	Done    string
	Error   string
	Codes   []string // new recovery codes, shown this once
	Roles   []string
	RoleSet map[string]bool
	KFloor  int // the organisation's k floor, for an org admin (0 for others)
}

func (h *Handler) securityPage(r *http.Request) (*securityPage, error) {
	sec, err := h.svc.Security(r.Context(), httpx.Principal(r))
	if err != nil {
		return nil, err
	}
	pg := &securityPage{base: h.base(r, "Sign-in security"), Sec: sec, Done: r.URL.Query().Get("done"), Roles: mentorvault.MFARoles, RoleSet: map[string]bool{}, KFloor: sec.KFloor}
	if sec.Policy != nil {
		for _, r := range sec.Policy.Roles {
			pg.RoleSet[r] = true
		}
	}
	return pg, nil
}

// Security shows the caller's passkeys, second factor and recovery codes,
// and to an org admin their organisation's second-factor policy.
func (h *Handler) Security(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.securityPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "security.html", pg)
	return nil
}

// securityRefused shows the security page again with err's message, for
// the refusals a person can act on.
func (h *Handler) securityRefused(w http.ResponseWriter, r *http.Request, err error, pass ...string) error {
	code := mentorvault.ErrorCode(err)
	ok := code == mentorvault.EINVALID || code == mentorvault.EUNAUTHENTICATED || code == mentorvault.ETOOMANY || code == mentorvault.ECONFLICT
	for _, c := range pass {
		ok = ok || c == code
	}
	if !ok {
		return err
	}
	pg, perr := h.securityPage(r)
	if perr != nil {
		return perr
	}
	pg.Error = fieldsMessage(err)
	h.render(w, r, httpx.Status(code), "security.html", pg)
	return nil
}

// writeOptions answers a ceremony's options as JSON.
func writeOptions(w http.ResponseWriter, o *service.CeremonyOptions) error {
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}

// PasskeyOptions serves POST /settings/security/passkeys/options: the
// options of adding a passkey.
func (h *Handler) PasskeyOptions(w http.ResponseWriter, r *http.Request) error {
	o, err := h.svc.BeginPasskeyRegistration(r.Context(), httpx.Principal(r), h.edge.BaseURL(r))
	if err != nil {
		return err
	}
	return writeOptions(w, o)
}

// AddPasskey serves POST /settings/security/passkeys: the browser's answer.
func (h *Handler) AddPasskey(w http.ResponseWriter, r *http.Request) error {
	_, err := h.svc.FinishPasskeyRegistration(r.Context(), httpx.Principal(r), h.edge.BaseURL(r),
		r.PostFormValue("ceremony"), r.PostFormValue("name"), []byte(r.PostFormValue("credential")))
	if err != nil {
		return h.securityRefused(w, r, err)
	}
	http.Redirect(w, r, "/settings/security?done=added", http.StatusSeeOther)
	return nil
}

// RenamePasskey serves POST /settings/security/passkeys/{passkeyID}/rename.
func (h *Handler) RenamePasskey(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.RenamePasskey(r.Context(), httpx.Principal(r), r.PathValue("passkeyID"), r.PostFormValue("name")); err != nil {
		return h.securityRefused(w, r, err)
	}
	http.Redirect(w, r, "/settings/security?done=renamed", http.StatusSeeOther)
	return nil
}

// stepUpOf is the step-up a form sent: a passkey's answer when it has one,
// else the password.
func (h *Handler) stepUpOf(r *http.Request) service.StepUp {
	return service.StepUp{Password: r.PostFormValue("password"), Ceremony: r.PostFormValue("ceremony"),
		Credential: []byte(r.PostFormValue("credential")), Origin: h.edge.BaseURL(r)}
}

// RemovePasskey serves POST /settings/security/passkeys/{passkeyID}/remove,
// with the password or a passkey as its step-up.
func (h *Handler) RemovePasskey(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.RemovePasskey(r.Context(), httpx.Principal(r), r.PathValue("passkeyID"), h.stepUpOf(r)); err != nil {
		return h.securityRefused(w, r, err)
	}
	http.Redirect(w, r, "/settings/security?done=removed", http.StatusSeeOther)
	return nil
}

// StepUpOptions serves POST /settings/security/step-up/options: the
// options of a passkey step-up, for any form that asks for one.
func (h *Handler) StepUpOptions(w http.ResponseWriter, r *http.Request) error {
	o, err := h.svc.BeginStepUp(r.Context(), httpx.Principal(r), h.edge.BaseURL(r))
	if err != nil {
		return err
	}
	return writeOptions(w, o)
}

// SecondFactor serves POST /settings/security/second-factor: on or off.
func (h *Handler) SecondFactor(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue("on")
	if err := mentorvault.ValidateLines("on", v); err != nil {
		return err
	}
	if v != "true" && v != "false" {
		return mentorvault.Invalid("the choice is not valid", map[string]string{"on": "must be true or false"})
	}
	if err := h.svc.SetSecondFactor(r.Context(), httpx.Principal(r), v == "true"); err != nil {
		return h.securityRefused(w, r, err)
	}
	http.Redirect(w, r, "/settings/security?done=second-factor-"+map[bool]string{true: "on", false: "off"}[v == "true"], http.StatusSeeOther)
	return nil
}

// RecoveryCodes serves POST /settings/security/recovery-codes: new codes,
// shown on this page once.
func (h *Handler) RecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	codes, err := h.svc.GenerateRecoveryCodes(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	pg, err := h.securityPage(r)
	if err != nil {
		return err
	}
	pg.Codes = codes
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, http.StatusOK, "security.html", pg)
	return nil
}

// MFAPolicy serves POST /settings/security/policy: the organisation's
// second-factor policy (org admins).
func (h *Handler) MFAPolicy(w http.ResponseWriter, r *http.Request) error {
	who := r.PostFormValue("who")
	if err := mentorvault.ValidateLines("who", who); err != nil {
		return err
	}
	var roles []string
	switch who {
	case "nobody":
	case "everyone":
	case "roles":
		roles = r.PostForm["roles"]
	default:
		return mentorvault.Invalid("the policy is not valid", map[string]string{"who": "must be nobody, everyone or roles"})
	}
	if _, err := h.svc.SetMFAPolicy(r.Context(), httpx.Principal(r), who == "everyone", roles); err != nil {
		return h.securityRefused(w, r, err)
	}
	http.Redirect(w, r, "/settings/security?done=policy", http.StatusSeeOther)
	return nil
}

// PrivacyFloor serves POST /settings/security/privacy: the organisation's
// floor under every programme's k (org admins).
func (h *Handler) PrivacyFloor(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue("k_floor")
	if err := mentorvault.ValidateLines("k_floor", v); err != nil {
		return h.securityRefused(w, r, err)
	}
	k, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		k = 0 // not a number: SetKFloor says what it must be
	}
	if _, err := h.svc.SetKFloor(r.Context(), httpx.Principal(r), k); err != nil {
		return h.securityRefused(w, r, err)
	}
	http.Redirect(w, r, "/settings/security?done=privacy", http.StatusSeeOther)
	return nil
}

// --- Signing in with a passkey, and the second factor -----------------

const mfaCookie = "mv_mfa"

// loginFormCSRF checks a sign-in form's token against its cookie.
func loginFormCSRF(r *http.Request) error {
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf_token"))) != 1 {
		return mentorvault.Errorf(mentorvault.EFORBIDDEN, "this sign-in form has expired; reload the page and try again")
	}
	return nil
}

// signIn sets the session cookie of a completed sign-in and goes on.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request, res *service.LoginResult, next string) {
	if old, err := r.Cookie(h.edge.SessionCookieName(r)); err == nil && old.Value != "" {
		_ = h.svc.Logout(r.Context(), old.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: mfaCookie, Path: "/login", MaxAge: -1, HttpOnly: true, Secure: h.edge.TLS(r), SameSite: http.SameSiteStrictMode})
	h.edge.SetSessionCookie(w, r, res.Token, res.Session.ExpiresAt)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

// toSecondFactor keeps a sign-in that waits for its second factor in a
// short-lived cookie and sends the browser to the second-factor page.
func (h *Handler) toSecondFactor(w http.ResponseWriter, r *http.Request, res *service.LoginResult, next string) {
	http.SetCookie(w, &http.Cookie{Name: mfaCookie, Value: res.Pending, Path: "/login", MaxAge: 600, HttpOnly: true,
		Secure: h.edge.TLS(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login/second-factor?next="+url.QueryEscape(safeNext(next)), http.StatusSeeOther)
}

// PasskeyLoginOptions serves POST /login/passkey/options.
func (h *Handler) PasskeyLoginOptions(w http.ResponseWriter, r *http.Request) error {
	if err := httpx.ParseForm(w, r); err != nil {
		return err
	}
	if err := loginFormCSRF(r); err != nil {
		return err
	}
	o, err := h.svc.BeginPasskeyLogin(r.Context(), h.edge.BaseURL(r))
	if err != nil {
		return err
	}
	return writeOptions(w, o)
}

// PasskeyLogin serves POST /login/passkey: a passkey's answer signs in.
func (h *Handler) PasskeyLogin(w http.ResponseWriter, r *http.Request) error {
	if err := httpx.ParseForm(w, r); err != nil {
		return err
	}
	if err := loginFormCSRF(r); err != nil {
		return err
	}
	next := r.PostFormValue("next")
	if err := mentorvault.ValidateLines("next", next); err != nil {
		return err
	}
	res, err := h.svc.FinishPasskeyLogin(r.Context(), h.edge.BaseURL(r), r.PostFormValue("ceremony"), []byte(r.PostFormValue("credential")))
	if err != nil {
		code := mentorvault.ErrorCode(err)
		if code == mentorvault.EINTERNAL {
			return err
		}
		p, perr := h.newLoginPage(r, "", safeNext(next), mentorvault.ErrorMessage(err))
		if perr != nil {
			return perr
		}
		p.CSRF = h.loginCSRF(w, r)
		h.render(w, r, httpx.Status(code), "login.html", p)
		return nil
	}
	h.signIn(w, r, res, next)
	return nil
}

type secondFactorPage struct {
	base
	Pending *service.PendingSignIn
	Next    string
	Error   string
	Code    string
}

func pendingToken(r *http.Request) string {
	if c, err := r.Cookie(mfaCookie); err == nil {
		return c.Value
	}
	return ""
}

func (h *Handler) renderSecondFactor(w http.ResponseWriter, r *http.Request, status int, next, msg, code string) error {
	pend, err := h.svc.PendingSignIn(r.Context(), pendingToken(r))
	if mentorvault.ErrorCode(err) == mentorvault.EUNAUTHENTICATED {
		// The sign-in is over: start again, told why (what was wrong
		// with the form, if that was the refusal).
		if msg == "" || status != http.StatusBadRequest {
			status, msg = http.StatusUnauthorized, mentorvault.ErrorMessage(err)
		}
		p, perr := h.newLoginPage(r, "", safeNext(next), msg)
		if perr != nil {
			return perr
		}
		p.CSRF = h.loginCSRF(w, r)
		h.render(w, r, status, "login.html", p)
		return nil
	} else if err != nil {
		return err
	}
	pg := &secondFactorPage{base: h.base(r, "Second step of signing in"), Pending: pend, Next: safeNext(next), Error: msg, Code: code}
	pg.CSRF = h.loginCSRF(w, r)
	h.render(w, r, status, "second_factor.html", pg)
	return nil
}

// SecondFactorForm serves GET /login/second-factor: the passkey, a
// recovery code, or — when the organisation requires a second factor the
// person does not have — adding a passkey.
func (h *Handler) SecondFactorForm(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if err := mentorvault.ValidateLines("next", next); err != nil {
		return err
	}
	return h.renderSecondFactor(w, r, http.StatusOK, next, "", "")
}

// secondFactorPost parses a second-factor form and checks its token.
func secondFactorPost(w http.ResponseWriter, r *http.Request, fields ...string) (next string, err error) {
	if err := httpx.ParseForm(w, r); err != nil {
		return "", err
	}
	if err := loginFormCSRF(r); err != nil {
		return "", err
	}
	next = r.PostFormValue("next")
	pairs := []string{"next", next}
	for _, f := range fields {
		pairs = append(pairs, f, r.PostFormValue(f))
	}
	return next, mentorvault.ValidateLines(pairs...)
}

// secondFactorDone signs in, or shows the second-factor page again with
// the refusal.
func (h *Handler) secondFactorDone(w http.ResponseWriter, r *http.Request, next string, res *service.LoginResult, err error, code string) error {
	if err == nil {
		h.signIn(w, r, res, next)
		return nil
	}
	c := mentorvault.ErrorCode(err)
	if c == mentorvault.EINTERNAL || c == mentorvault.EFORBIDDEN {
		return err
	}
	return h.renderSecondFactor(w, r, httpx.Status(c), next, fieldsMessage(err), code)
}

// SecondFactorOptions serves POST /login/second-factor/options.
func (h *Handler) SecondFactorOptions(w http.ResponseWriter, r *http.Request) error {
	if _, err := secondFactorPost(w, r); err != nil {
		return err
	}
	o, err := h.svc.BeginSecondFactor(r.Context(), pendingToken(r), h.edge.BaseURL(r))
	if err != nil {
		return err
	}
	return writeOptions(w, o)
}

// SecondFactorPasskey serves POST /login/second-factor: the passkey's answer.
func (h *Handler) SecondFactorPasskey(w http.ResponseWriter, r *http.Request) error {
	next, err := secondFactorPost(w, r, "ceremony", "credential")
	if err != nil {
		return err
	}
	res, err := h.svc.FinishSecondFactor(r.Context(), pendingToken(r), h.edge.BaseURL(r), r.PostFormValue("ceremony"), []byte(r.PostFormValue("credential")))
	return h.secondFactorDone(w, r, next, res, err, "")
}

// SecondFactorRecovery serves POST /login/second-factor/recovery: a
// recovery code instead of the passkey.
func (h *Handler) SecondFactorRecovery(w http.ResponseWriter, r *http.Request) error {
	next, err := secondFactorPost(w, r)
	if err != nil {
		return err
	}
	code := r.PostFormValue("code")
	res, err := h.svc.UseRecoveryCode(r.Context(), pendingToken(r), code)
	if err != nil && mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		code = strings.TrimSpace(code)
	}
	return h.secondFactorDone(w, r, next, res, err, code)
}

// EnrolPasskeyOptions serves POST /login/second-factor/enrol/options.
func (h *Handler) EnrolPasskeyOptions(w http.ResponseWriter, r *http.Request) error {
	if _, err := secondFactorPost(w, r); err != nil {
		return err
	}
	o, err := h.svc.BeginSecondFactorEnrolment(r.Context(), pendingToken(r), h.edge.BaseURL(r))
	if err != nil {
		return err
	}
	return writeOptions(w, o)
}

// EnrolPasskey serves POST /login/second-factor/enrol: the new passkey's answer.
func (h *Handler) EnrolPasskey(w http.ResponseWriter, r *http.Request) error {
	next, err := secondFactorPost(w, r)
	if err != nil {
		return err
	}
	res, err := h.svc.FinishSecondFactorEnrolment(r.Context(), pendingToken(r), h.edge.BaseURL(r), r.PostFormValue("ceremony"),
		r.PostFormValue("name"), []byte(r.PostFormValue("credential")))
	return h.secondFactorDone(w, r, next, res, err, "")
}
