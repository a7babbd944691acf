package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

type passwordPage struct {
	base
	Done   string
	Error  string
	Fields map[string]string
}

// PasswordForm shows the change-password form.
func (h *Handler) PasswordForm(w http.ResponseWriter, r *http.Request) error {
	if httpx.Principal(r).Anonymous() {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	h.render(w, r, http.StatusOK, "password.html", &passwordPage{base: h.base(r, "Password"), Done: r.URL.Query().Get("done")})
	return nil
}

// ChangePassword changes the caller's password; this browser's session
// stays signed in, every other one ends.
func (h *Handler) ChangePassword(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParsePasswordChange, func(in form.PasswordChange) (string, error) {
		keep := ""
		if sess := httpx.Session(r.Context()); sess != nil {
			keep = sess.ID
		}
		return "/settings/password?done=changed", h.svc.ChangePassword(r.Context(), httpx.Principal(r), keep, in.Current, in.New)
	}, func(bad refused) error {
		pg := &passwordPage{base: h.base(r, "Password"), Fields: bad.Problems}
		if bad.Err != nil {
			pg.Fields = mentorvault.ErrorFields(bad.Err)
			if len(pg.Fields) == 0 {
				pg.Error = mentorvault.ErrorMessage(bad.Err)
			}
		}
		if pg.Error == "" {
			pg.Error = "Your password is not changed:"
		}
		h.render(w, r, bad.status(), "password.html", pg)
		return nil
	}, mentorvault.ETOOMANY)
}
