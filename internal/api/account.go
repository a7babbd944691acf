package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type pendingEmailJSON struct {
	Address   string    `json:"address"`
	ExpiresAt time.Time `json:"expires_at"`
}

func pendingEmailOut(p *service.PendingEmail) *pendingEmailJSON {
	if p == nil {
		return nil
	}
	return &pendingEmailJSON{Address: p.Address, ExpiresAt: p.ExpiresAt}
}

type emailChangeJSON struct {
	Email string `json:"email"`
}

// RequestEmailChange serves POST /api/v1/me/email-change: 202 with the
// pending change; a link to confirm it goes to the new address, and the
// address changes only when it is opened.
func (h *Handler) RequestEmailChange(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusAccepted, func(r *http.Request, in emailChangeJSON) (*pendingEmailJSON, error) {
		p, err := h.svc.RequestEmailChange(r.Context(), httpx.Principal(r), in.Email)
		if err != nil {
			return nil, err
		}
		return pendingEmailOut(p), nil
	})(w, r)
}

type timeZoneJSON struct {
	TimeZone string `json:"time_zone"`
}

// UpdateTimeZone serves PUT /api/v1/me/time-zone: the IANA zone ("" for
// UTC) every page and message shows the caller's times in; answers with
// the caller (GET /api/v1/me).
func (h *Handler) UpdateTimeZone(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in timeZoneJSON) (meJSON, error) {
		p := httpx.Principal(r)
		if err := h.svc.UpdateMailSettings(r.Context(), p, service.MailSettingsUpdate{TimeZone: &in.TimeZone}); err != nil {
			return meJSON{}, err
		}
		return asJSON(meOut)(h.svc.Me(r.Context(), p))
	})(w, r)
}

// SendPasswordReset serves POST /api/v1/people/{id}/password-reset: the
// person is emailed a single-use link to set a new password; the answer
// carries neither the link nor any password.
func (h *Handler) SendPasswordReset(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (personFullJSON, error) {
		return asJSON(personOut)(h.svc.SendPasswordReset(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}
