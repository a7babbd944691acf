package scim

import (
	"net/http"
	"strings"

	"github.com/mentorvault/mentorvault/internal/service"
)

// A SCIM Group is a named set of the organisation's people, kept as sent
// and shown to the organisation's admins (mentorvault scim groups). It
// grants no access and changes no role or programme.

type groupJSON struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id"`
	ExternalID  string      `json:"externalId,omitempty"`
	DisplayName string      `json:"displayName"`
	Members     []multiJSON `json:"members,omitempty"`
	Meta        metaJSON    `json:"meta"`
}

func (h *Handler) groupJSON(r *http.Request, g *service.SCIMGroupView, members bool) groupJSON {
	base := h.base(r)
	out := groupJSON{Schemas: []string{SchemaGroup}, ID: g.ID, ExternalID: g.ExternalID, DisplayName: g.DisplayName,
		Meta: metaJSON{ResourceType: "Group", Created: stamp(g.Created), LastModified: stamp(g.Modified), Location: base + "/Groups/" + g.ID}}
	if members {
		out.Members = []multiJSON{}
		for _, m := range g.Members {
			out.Members = append(out.Members, multiJSON{Value: m.ID, Display: m.Display, Ref: base + "/Users/" + m.ID, Type: "User"})
		}
	}
	return out
}

// withMembers reports whether the response lists members: Entra ID asks
// for groups with excludedAttributes=members.
func withMembers(r *http.Request) bool {
	for _, a := range strings.Split(r.URL.Query().Get("excludedAttributes"), ",") {
		if strings.EqualFold(strings.TrimSpace(a), "members") {
			return false
		}
	}
	return true
}

func applyGroup(m map[string]any, g *service.SCIMGroupInput) error {
	*g = service.SCIMGroupInput{}
	for k, v := range m {
		if err := setGroupAttr(g, "replace", k, v); err != nil {
			return err
		}
	}
	if strings.TrimSpace(g.DisplayName) == "" {
		return badRequest("invalidValue", "displayName is required")
	}
	return nil
}

// ListGroups is GET /Groups: filter by displayName or externalId.
func (h *Handler) ListGroups(w http.ResponseWriter, r *http.Request, token string) error {
	start, count, err := page(r)
	if err != nil {
		return err
	}
	q := service.SCIMGroupQuery{StartIndex: start, Count: count}
	if f := r.URL.Query().Get("filter"); f != "" {
		fe, err := parseFilter(f, "displayName", "externalId")
		if err != nil {
			return err
		}
		if fe.Value == "" {
			writeJSON(w, http.StatusOK, list(start, 0, []any{}))
			return nil
		}
		if fe.Attr == "displayname" {
			q.DisplayName = fe.Value
		} else {
			q.ExternalID = fe.Value
		}
	}
	res, err := h.svc.SCIMGroups(r.Context(), token, q)
	if err != nil {
		return err
	}
	items := make([]any, 0, len(res.Resources))
	for _, g := range res.Resources {
		items = append(items, h.groupJSON(r, g, withMembers(r)))
	}
	writeJSON(w, http.StatusOK, list(start, res.Total, items))
	return nil
}

// GetGroup is GET /Groups/{id}.
func (h *Handler) GetGroup(w http.ResponseWriter, r *http.Request, token string) error {
	g, err := h.svc.SCIMGroupByID(r.Context(), token, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.groupJSON(r, g, withMembers(r)))
	return nil
}

// CreateGroup is POST /Groups: 201.
func (h *Handler) CreateGroup(w http.ResponseWriter, r *http.Request, token string) error {
	m, err := readBody(r)
	if err != nil {
		return err
	}
	var in service.SCIMGroupInput
	if err := applyGroup(m, &in); err != nil {
		return err
	}
	g, err := h.svc.SCIMCreateGroup(r.Context(), token, in)
	if err != nil {
		return err
	}
	out := h.groupJSON(r, g, true)
	w.Header().Set("Location", out.Meta.Location)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// ReplaceGroup is PUT /Groups/{id}.
func (h *Handler) ReplaceGroup(w http.ResponseWriter, r *http.Request, token string) error {
	m, err := readBody(r)
	if err != nil {
		return err
	}
	var check service.SCIMGroupInput
	if err := applyGroup(m, &check); err != nil {
		return err
	}
	if err := service.CheckSCIMGroup(check); err != nil {
		return err
	}
	g, err := h.svc.SCIMUpdateGroup(r.Context(), token, r.PathValue("id"), func(g *service.SCIMGroupInput) error { return applyGroup(m, g) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.groupJSON(r, g, true))
	return nil
}

// PatchGroup is PATCH /Groups/{id}: members added and removed, renamed.
// Answered with the group (200), as Okta expects; Entra ID takes either.
func (h *Handler) PatchGroup(w http.ResponseWriter, r *http.Request, token string) error {
	ops, err := readPatch(r)
	if err != nil {
		return err
	}
	check := service.SCIMGroupInput{DisplayName: "x"}
	if err := patchGroup(&check, ops); err != nil {
		return err
	}
	if err := service.CheckSCIMGroup(check); err != nil {
		return err
	}
	g, err := h.svc.SCIMUpdateGroup(r.Context(), token, r.PathValue("id"), func(g *service.SCIMGroupInput) error { return patchGroup(g, ops) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.groupJSON(r, g, withMembers(r)))
	return nil
}

// DeleteGroup is DELETE /Groups/{id}: the group goes, its people stay; 204.
func (h *Handler) DeleteGroup(w http.ResponseWriter, r *http.Request, token string) error {
	if err := h.svc.SCIMDeleteGroup(r.Context(), token, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
