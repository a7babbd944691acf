package api

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

func (h *Handler) Me(w http.ResponseWriter, r *http.Request) error {
	me, err := h.svc.Me(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	type roleJSON struct {
		ProgrammeID   string `json:"programme_id"`
		ProgrammeName string `json:"programme_name"`
		Role          string `json:"role"`
	}
	out := struct {
		ID        string        `json:"id"`
		Email     string        `json:"email"`
		Name      string        `json:"name"`
		Org       programmeJSON `json:"org"`
		Manager   *personJSON   `json:"manager"`
		OrgAdmin  bool          `json:"org_admin"`
		Requester bool          `json:"requester"`
		Roles     []roleJSON    `json:"programme_roles"`
	}{ID: me.User.ID, Email: me.User.Email, Name: me.User.Name, Org: programmeJSON{ID: me.User.OrgID, Name: me.OrgName},
		OrgAdmin: me.User.OrgAdmin, Requester: me.User.Requester, Roles: []roleJSON{}}
	if me.Manager != nil {
		m := person(*me.Manager)
		out.Manager = &m
	}
	for _, ro := range me.Roles {
		out.Roles = append(out.Roles, roleJSON{ro.ProgrammeID, me.ProgNames[ro.ProgrammeID], ro.Role})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) Directory(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.svc.Directory(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"relationships": relsJSON(vs)})
	return nil
}

func (h *Handler) MyRelationships(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.svc.MyRelationships(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"relationships": relsJSON(vs)})
	return nil
}

func (h *Handler) Propose(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		OtherEmail  string `json:"other_email"`
		MyRole      string `json:"my_role"`
		ProgrammeID string `json:"programme_id"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.svc.ProposeRelationship(r.Context(), httpx.Principal(r), service.ProposeInput(in))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/relationships/"+v.ID)
	httpx.WriteJSON(w, http.StatusCreated, relJSON(v))
	return nil
}

func (h *Handler) Relationship(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Relationship(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, relJSON(v))
	return nil
}

func (h *Handler) Lifecycle(a mentorvault.LifecycleAction) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := h.svc.Transition(r.Context(), httpx.Principal(r), r.PathValue("id"), a)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, relJSON(v))
		return nil
	}
}
