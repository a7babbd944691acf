package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type emailKindJSON struct {
	Kind      string `json:"kind"`
	Label     string `json:"label"`
	Mandatory bool   `json:"mandatory"`
	Mode      string `json:"mode"`
}

type emailFailureJSON struct {
	Reason   string    `json:"reason"`
	FailedAt time.Time `json:"failed_at"`
}

type emailSettingsJSON struct {
	MailOn   bool              `json:"mail_on"`
	Address  string            `json:"address"`
	Failing  *emailFailureJSON `json:"failing"`
	TimeZone string            `json:"time_zone"`
	Kinds    []emailKindJSON   `json:"kinds"`
}

func emailSettingsOut(v *service.MailSettingsView) emailSettingsJSON {
	out := emailSettingsJSON{MailOn: v.MailOn, Address: v.Address, TimeZone: v.TimeZone, Kinds: make([]emailKindJSON, len(v.Kinds))}
	if v.Failing != nil {
		out.Failing = &emailFailureJSON{Reason: v.Failing.Reason, FailedAt: v.Failing.FailedAt}
	}
	for i, k := range v.Kinds {
		out.Kinds[i] = emailKindJSON{Kind: k.Kind, Label: k.Label, Mandatory: k.Mandatory, Mode: k.Mode}
	}
	return out
}

// EmailSettings serves GET /api/v1/me/email: the caller's email settings.
func (h *Handler) EmailSettings(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (emailSettingsJSON, error) {
		v, err := h.svc.MailSettings(r.Context(), httpx.Principal(r))
		if err != nil {
			return emailSettingsJSON{}, err
		}
		return emailSettingsOut(v), nil
	})(w, r)
}

type emailSettingsInputJSON struct {
	TimeZone *string           `json:"time_zone"`
	Modes    map[string]string `json:"modes"`
}

// UpdateEmailSettings serves PUT /api/v1/me/email: changes the time zone
// (when given) and the modes given, and answers with the settings.
func (h *Handler) UpdateEmailSettings(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in emailSettingsInputJSON) (emailSettingsJSON, error) {
		p := httpx.Principal(r)
		if err := h.svc.UpdateMailSettings(r.Context(), p, service.MailSettingsUpdate{TimeZone: in.TimeZone, Modes: in.Modes}); err != nil {
			return emailSettingsJSON{}, err
		}
		v, err := h.svc.MailSettings(r.Context(), p)
		if err != nil {
			return emailSettingsJSON{}, err
		}
		return emailSettingsOut(v), nil
	})(w, r)
}

type passwordChangeJSON struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// ChangePassword serves PUT /api/v1/me/password: 204 once the password is
// changed; every other session of the caller ends, API tokens stay.
func (h *Handler) ChangePassword(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSONNoContent(func(r *http.Request, in passwordChangeJSON) error {
		keep := ""
		if sess := httpx.Session(r.Context()); sess != nil {
			keep = sess.ID
		}
		return h.svc.ChangePassword(r.Context(), httpx.Principal(r), keep, in.CurrentPassword, in.NewPassword)
	})(w, r)
}
