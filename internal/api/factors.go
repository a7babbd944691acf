package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// mfaPolicyJSON is an organisation's second-factor policy.
type mfaPolicyJSON struct {
	Everyone  bool       `json:"everyone"`
	Roles     []string   `json:"roles"`
	UpdatedAt *time.Time `json:"updated_at"`
}

func mfaPolicyOut(v *service.MFAPolicyView) mfaPolicyJSON {
	out := mfaPolicyJSON{Everyone: v.Everyone, Roles: v.Roles}
	if out.Roles == nil {
		out.Roles = []string{}
	}
	if !v.UpdatedAt.IsZero() {
		t := v.UpdatedAt
		out.UpdatedAt = &t
	}
	return out
}

// MFAPolicy serves GET /api/v1/org/mfa-policy: who in the caller's
// organisation must give a second factor after their password (org admins).
func (h *Handler) MFAPolicy(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (mfaPolicyJSON, error) {
		v, err := h.svc.MFAPolicy(r.Context(), httpx.Principal(r))
		if err != nil {
			return mfaPolicyJSON{}, err
		}
		return mfaPolicyOut(v), nil
	})(w, r)
}

type mfaPolicyInputJSON struct {
	Everyone bool     `json:"everyone"`
	Roles    []string `json:"roles"`
}

// SetMFAPolicy serves PUT /api/v1/org/mfa-policy: sets the policy and
// answers with it; audited as mfa.policy.
func (h *Handler) SetMFAPolicy(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in mfaPolicyInputJSON) (mfaPolicyJSON, error) {
		v, err := h.svc.SetMFAPolicy(r.Context(), httpx.Principal(r), in.Everyone, in.Roles)
		if err != nil {
			return mfaPolicyJSON{}, err
		}
		return mfaPolicyOut(v), nil
	})(w, r)
}
