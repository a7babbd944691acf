package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
)

type programmeFullJSON struct {
	ID         string                        `json:"id"`
	Name       string                        `json:"name"`
	Settings   mentorvault.ProgrammeSettings `json:"settings"`
	Guidelines *guidelinesJSON               `json:"guidelines"`
	CanEdit    bool                          `json:"can_edit"`
}

type guidelinesJSON struct {
	Version   int       `json:"version"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func guidelinesOut(g *mentorvault.Guidelines) *guidelinesJSON {
	if g == nil {
		return nil
	}
	return &guidelinesJSON{Version: g.Version, Body: g.Body, CreatedAt: g.CreatedAt}
}

func programmeOut(v *service.ProgrammeView) programmeFullJSON {
	return programmeFullJSON{ID: v.ID, Name: v.Name, Settings: v.Settings, Guidelines: guidelinesOut(v.Guidelines), CanEdit: v.Allowed.Has(policy.EditProgramme)}
}

// Programme serves GET /api/v1/programmes/{id}: its settings, latest
// guidelines and whether the caller may edit them.
func (h *Handler) Programme(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (programmeFullJSON, error) {
		return asJSON(programmeOut)(h.svc.Programme(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

// UpdateProgrammeSettings serves PUT /api/v1/programmes/{id}/settings.
func (h *Handler) UpdateProgrammeSettings(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in mentorvault.ProgrammeSettings) (programmeFullJSON, error) {
		return asJSON(programmeOut)(h.svc.UpdateProgrammeSettings(r.Context(), httpx.Principal(r), r.PathValue("id"), in))
	})(w, r)
}

type guidelinesInputJSON struct {
	Body string `json:"body"`
}

// PublishGuidelines serves POST /api/v1/programmes/{id}/guidelines: 201 with
// the new version of the guidelines.
func (h *Handler) PublishGuidelines(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in guidelinesInputJSON) (*guidelinesJSON, error) {
		return asJSON(guidelinesOut)(h.svc.PublishGuidelines(r.Context(), httpx.Principal(r), r.PathValue("id"), in.Body))
	})(w, r)
}

// Guidelines serves GET /api/v1/programmes/{id}/guidelines/{version}; a
// version that is not a positive number is ENOTFOUND.
func (h *Handler) Guidelines(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (*guidelinesJSON, error) {
		n, err := httpx.ParseSeq(r.PathValue("version"))
		if err != nil {
			return nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "guidelines version not found")
		}
		return asJSON(guidelinesOut)(h.svc.Guidelines(r.Context(), httpx.Principal(r), r.PathValue("id"), int(n)))
	})(w, r)
}
