package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
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
	return programmeFullJSON{ID: v.ID, Name: v.Name, Settings: v.Settings, Guidelines: guidelinesOut(v.Guidelines), CanEdit: v.CanEdit}
}

func (h *Handler) Programme(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Programme(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, programmeOut(v))
	return nil
}

func (h *Handler) UpdateProgrammeSettings(w http.ResponseWriter, r *http.Request) error {
	var in mentorvault.ProgrammeSettings
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.svc.UpdateProgrammeSettings(r.Context(), httpx.Principal(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, programmeOut(v))
	return nil
}

func (h *Handler) PublishGuidelines(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body string `json:"body"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	g, err := h.svc.PublishGuidelines(r.Context(), httpx.Principal(r), r.PathValue("id"), in.Body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, guidelinesOut(g))
	return nil
}

func (h *Handler) Guidelines(w http.ResponseWriter, r *http.Request) error {
	n, err := httpx.ParseSeq(r.PathValue("version"))
	if err != nil {
		return mentorvault.Errorf(mentorvault.ENOTFOUND, "guidelines version not found")
	}
	g, err := h.svc.Guidelines(r.Context(), httpx.Principal(r), r.PathValue("id"), int(n))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, guidelinesOut(g))
	return nil
}
