package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

type emailPage struct {
	base
	Settings   *service.MailSettingsView
	Zones      []string
	ModePrefix string
	Done       string
	Error      string
	Fields     map[string]string
}

func (h *Handler) emailPage(r *http.Request) (*emailPage, error) {
	v, err := h.svc.MailSettings(r.Context(), httpx.Principal(r))
	if err != nil {
		return nil, err
	}
	return &emailPage{base: h.base(r, "Email"), Settings: v, Zones: form.TimeZones, ModePrefix: form.ModePrefix, Done: r.URL.Query().Get("done")}, nil
}

// EmailSettings shows the caller's email settings.
func (h *Handler) EmailSettings(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.emailPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "email.html", pg)
	return nil
}

// UpdateEmailSettings saves the email settings form.
func (h *Handler) UpdateEmailSettings(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseEmailSettings, func(in form.EmailSettings) (string, error) {
		err := h.svc.UpdateMailSettings(r.Context(), httpx.Principal(r), service.MailSettingsUpdate{TimeZone: &in.TimeZone, Modes: in.Modes})
		return "/settings/email?done=saved", err
	}, func(bad refused) error {
		pg, err := h.emailPage(r)
		if err != nil {
			return err
		}
		pg.Fields = bad.Problems
		if bad.Err != nil {
			pg.Fields = mentorvault.ErrorFields(bad.Err)
		}
		pg.Error = "Some settings need another look; nothing is saved yet."
		h.render(w, r, bad.status(), "email.html", pg)
		return nil
	})
}
