package api

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type roleJSON struct {
	ProgrammeID   string `json:"programme_id"`
	ProgrammeName string `json:"programme_name"`
	Role          string `json:"role"`
}

type meJSON struct {
	ID        string        `json:"id"`
	Email     string        `json:"email"`
	Name      string        `json:"name"`
	Org       programmeJSON `json:"org"`
	Manager   *personJSON   `json:"manager"`
	OrgAdmin  bool          `json:"org_admin"`
	Requester bool          `json:"requester"`
	Roles     []roleJSON    `json:"programme_roles"`
	// TimeZone is the IANA zone pages and messages show times in ("" is UTC).
	TimeZone     string            `json:"time_zone"`
	PendingEmail *pendingEmailJSON `json:"pending_email"`
}

func meOut(me *service.Me) meJSON {
	out := meJSON{ID: me.User.ID, Email: me.User.Email, Name: me.User.Name, Org: programmeJSON{ID: me.User.OrgID, Name: me.OrgName},
		OrgAdmin: me.User.OrgAdmin, Requester: me.User.Requester, Roles: []roleJSON{}, TimeZone: me.TimeZone, PendingEmail: pendingEmailOut(me.PendingEmail)}
	if me.Manager != nil {
		m := person(*me.Manager)
		out.Manager = &m
	}
	for _, ro := range me.Roles {
		out.Roles = append(out.Roles, roleJSON{ro.ProgrammeID, me.ProgNames[ro.ProgrammeID], ro.Role})
	}
	return out
}

// Me serves GET /api/v1/me: the caller, their organisation, line manager
// and programme roles.
func (h *Handler) Me(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (meJSON, error) {
		return asJSON(meOut)(h.svc.Me(r.Context(), httpx.Principal(r)))
	})(w, r)
}

func relationshipsOut(vs []*service.RelationshipView) map[string]any {
	return map[string]any{"relationships": relsJSON(vs)}
}

// Directory serves GET /api/v1/directory: a page (limit, offset; q to
// search names, emails and programmes) of the relationships of the caller's
// organisation that are listed, oldest first.
func (h *Handler) Directory(w http.ResponseWriter, r *http.Request) error {
	return httpx.Paged(func(r *http.Request, p httpx.Page) (map[string]any, error) {
		offset, err := httpx.ParseOffset(r)
		if err != nil {
			return nil, err
		}
		f := service.DirectoryFilter{Query: r.URL.Query().Get("q"), Limit: p.Limit, Offset: offset}
		return asJSON(relationshipsOut)(h.svc.Directory(r.Context(), httpx.Principal(r), f))
	})(w, r)
}

// MyRelationships serves GET /api/v1/relationships: those the caller is a party to.
func (h *Handler) MyRelationships(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(relationshipsOut)(h.svc.MyRelationships(r.Context(), httpx.Principal(r)))
	})(w, r)
}

type proposeJSON struct {
	OtherEmail  string `json:"other_email"`
	MyRole      string `json:"my_role"`
	ProgrammeID string `json:"programme_id"`
}

// Propose serves POST /api/v1/relationships: 201 with the proposed
// relationship and its address in Location.
func (h *Handler) Propose(w http.ResponseWriter, r *http.Request) error {
	return httpx.Created(func(r *http.Request, in proposeJSON) (relationshipJSON, string, error) {
		v, err := h.svc.ProposeRelationship(r.Context(), httpx.Principal(r), service.ProposeInput(in))
		if err != nil {
			return relationshipJSON{}, "", err
		}
		return relJSON(v), "/api/v1/relationships/" + v.ID, nil
	})(w, r)
}

// Relationship serves GET /api/v1/relationships/{id}.
func (h *Handler) Relationship(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (relationshipJSON, error) {
		return asJSON(relJSON)(h.svc.Relationship(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

// Lifecycle is the handler of POST /api/v1/relationships/{id}/{action} for
// one lifecycle action (accept, decline, withdraw, pause, resume, close).
func (h *Handler) Lifecycle(a mentorvault.LifecycleAction) func(http.ResponseWriter, *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (relationshipJSON, error) {
		return asJSON(relJSON)(h.svc.Transition(r.Context(), httpx.Principal(r), r.PathValue("id"), a))
	})
}
