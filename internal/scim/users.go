package scim

import (
	"net/http"
	"strings"

	"github.com/mentorvault/mentorvault/internal/service"
)

// How a person maps to SCIM's User (RFC 7643 §4.1):
//
//	id                  the person's ID
//	userName            the identity provider's name for them (unique in the organisation, any case)
//	externalId          kept as sent
//	name.givenName/familyName   kept; together they make the person's name when no displayName is sent
//	displayName         the person's name in mentorvault
//	emails              one: the person's email (sign-in and mail); the primary, else the "work", else the first
//	                    value sent; when none is sent, the userName is the email
//	active              false deactivates at once; true reactivates
//	groups              read-only: the groups the person is a member of
//	enterprise manager  the line manager, by their SCIM id
//
// Other attributes (title, phoneNumbers, addresses, password …) are
// accepted and not kept; mentorvault never sets a password from a client.

type nameJSON struct {
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
	Formatted  string `json:"formatted,omitempty"`
}

type multiJSON struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
	Ref     string `json:"$ref,omitempty"`
}

type metaJSON struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
	Location     string `json:"location"`
}

type managerJSON struct {
	Value       string `json:"value"`
	Ref         string `json:"$ref,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

type enterpriseJSON struct {
	Manager *managerJSON `json:"manager,omitempty"`
}

type userJSON struct {
	Schemas     []string        `json:"schemas"`
	ID          string          `json:"id"`
	ExternalID  string          `json:"externalId,omitempty"`
	UserName    string          `json:"userName"`
	Name        nameJSON        `json:"name"`
	DisplayName string          `json:"displayName"`
	Emails      []multiJSON     `json:"emails"`
	Active      bool            `json:"active"`
	Groups      []multiJSON     `json:"groups"`
	Enterprise  *enterpriseJSON `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,omitempty"`
	Meta        metaJSON        `json:"meta"`
}

func (h *Handler) userJSON(r *http.Request, u *service.SCIMUser) userJSON {
	base := h.base(r)
	out := userJSON{Schemas: []string{SchemaUser}, ID: u.ID, ExternalID: u.ExternalID, UserName: u.UserName,
		Name:        nameJSON{GivenName: u.GivenName, FamilyName: u.FamilyName, Formatted: strings.TrimSpace(u.GivenName + " " + u.FamilyName)},
		DisplayName: u.DisplayName, Emails: []multiJSON{{Value: u.Email, Type: "work", Primary: true}}, Active: u.Active,
		Groups: []multiJSON{},
		Meta:   metaJSON{ResourceType: "User", Created: stamp(u.Created), LastModified: stamp(u.Modified), Location: base + "/Users/" + u.ID}}
	for _, g := range u.Groups {
		out.Groups = append(out.Groups, multiJSON{Value: g.ID, Display: g.Display, Ref: base + "/Groups/" + g.ID})
	}
	if u.ManagerID != "" {
		out.Schemas = append(out.Schemas, SchemaEnterprise)
		out.Enterprise = &enterpriseJSON{Manager: &managerJSON{Value: u.ManagerID, Ref: base + "/Users/" + u.ManagerID}}
	}
	return out
}

// applyUser sets u from a full User body (POST or PUT). For a PUT every
// attribute mentorvault keeps is replaced, except active and the manager,
// which stay as they are when the body leaves them out (a client that does
// not send them does not mean to deactivate the person or drop their line
// manager).
func applyUser(m map[string]any, u *service.SCIMUser) error {
	u.UserName, u.ExternalID, u.GivenName, u.FamilyName, u.DisplayName, u.Email = "", "", "", "", "", ""
	for k, v := range m {
		if err := setUserAttr(u, k, v, false); err != nil {
			return err
		}
	}
	if strings.TrimSpace(u.UserName) == "" {
		return badRequest("invalidValue", "userName is required")
	}
	return nil
}

// setUserAttr sets one top-level attribute (or, from a PATCH, a dotted
// sub-attribute such as name.givenName). patch allows readOnly attributes
// to be named only with the value they already have.
func setUserAttr(u *service.SCIMUser, name string, v any, patch bool) error {
	lower := strings.ToLower(name)
	switch {
	case lower == "schemas":
		return nil
	case lower == "id" || lower == "meta" || lower == "groups":
		if patch {
			return badRequest("mutability", "%s is read-only", name)
		}
		return nil // a full body may repeat them; they are ignored
	case lower == "username":
		s, err := str("userName", v)
		u.UserName = s
		return err
	case lower == "externalid":
		s, err := str("externalId", v)
		u.ExternalID = s
		return err
	case lower == "displayname":
		s, err := str("displayName", v)
		u.DisplayName = s
		return err
	case lower == "active":
		b, err := boolean("active", v)
		u.Active = b
		return err
	case lower == "name":
		if v == nil {
			u.GivenName, u.FamilyName = "", ""
			return nil
		}
		m, ok := v.(map[string]any)
		if !ok {
			return badRequest("invalidValue", "name must be an object")
		}
		for k, sv := range m {
			if err := setUserAttr(u, "name."+k, sv, patch); err != nil {
				return err
			}
		}
		return nil
	case lower == "name.givenname":
		s, err := str("name.givenName", v)
		u.GivenName = s
		return err
	case lower == "name.familyname":
		s, err := str("name.familyName", v)
		u.FamilyName = s
		return err
	case lower == "emails":
		return setEmails(u, v)
	case lower == SchemaEnterprise || strings.ToLower(SchemaEnterprise+":manager") == lower:
		if lower == strings.ToLower(SchemaEnterprise) {
			m, ok := v.(map[string]any)
			if !ok {
				return badRequest("invalidValue", "%s must be an object", SchemaEnterprise)
			}
			mv, ok := attr(m, "manager")
			if !ok {
				return nil
			}
			v = mv
		}
		id, err := managerValue(v)
		u.ManagerID = id
		return err
	case strings.HasPrefix(lower, strings.ToLower(SchemaUser)+":"):
		return setUserAttr(u, name[len(SchemaUser)+1:], v, patch)
	}
	return nil // an attribute mentorvault does not keep
}

// managerValue reads the enterprise manager: {"value": id}, or the bare id
// (Entra ID sends the id as the PATCH value); null or "" clears it.
func managerValue(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case map[string]any:
		mv, _ := attr(v, "value")
		return str("manager.value", mv)
	}
	return "", badRequest("invalidValue", "manager must be an object with the manager's id as its value")
}

// setEmails takes the primary address, else the work one, else the first.
func setEmails(u *service.SCIMUser, v any) error {
	if v == nil {
		u.Email = ""
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return badRequest("invalidValue", "emails must be a list of objects with a value")
	}
	pick, rank := "", 0
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return badRequest("invalidValue", "emails must be a list of objects with a value")
		}
		val, _ := attr(m, "value")
		s, err := str("emails.value", val)
		if err != nil {
			return err
		}
		r := 1
		if t, _ := attr(m, "type"); t != nil {
			if ts, _ := t.(string); strings.EqualFold(ts, "work") {
				r = 2
			}
		}
		if p, _ := attr(m, "primary"); p != nil {
			if b, err := boolean("emails.primary", p); err == nil && b {
				r = 3
			}
		}
		if r > rank {
			pick, rank = s, r
		}
	}
	u.Email = pick
	return nil
}

// ListUsers is GET /Users: filter by userName, externalId or emails.value.
func (h *Handler) ListUsers(w http.ResponseWriter, r *http.Request, token string) error {
	start, count, err := page(r)
	if err != nil {
		return err
	}
	q := service.SCIMUserQuery{StartIndex: start, Count: count}
	if f := r.URL.Query().Get("filter"); f != "" {
		fe, err := parseFilter(f, "userName", "externalId", "emails.value", "emails")
		if err != nil {
			return err
		}
		switch fe.Attr {
		case "username":
			q.UserName = fe.Value
		case "externalid":
			q.ExternalID = fe.Value
		default:
			q.Email = fe.Value
		}
		if fe.Value == "" {
			writeJSON(w, http.StatusOK, list(start, 0, []any{}))
			return nil
		}
	}
	res, err := h.svc.SCIMUsers(r.Context(), token, q)
	if err != nil {
		return err
	}
	items := make([]any, 0, len(res.Resources))
	for _, u := range res.Resources {
		items = append(items, h.userJSON(r, u))
	}
	writeJSON(w, http.StatusOK, list(start, res.Total, items))
	return nil
}

// GetUser is GET /Users/{id}.
func (h *Handler) GetUser(w http.ResponseWriter, r *http.Request, token string) error {
	u, err := h.svc.SCIMUserByID(r.Context(), token, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.userJSON(r, u))
	return nil
}

// CreateUser is POST /Users: 201 with the user and its Location.
func (h *Handler) CreateUser(w http.ResponseWriter, r *http.Request, token string) error {
	m, err := readBody(r)
	if err != nil {
		return err
	}
	in := service.SCIMUser{Active: true}
	if err := applyUser(m, &in); err != nil {
		return err
	}
	u, err := h.svc.SCIMCreateUser(r.Context(), token, in)
	if err != nil {
		return err
	}
	out := h.userJSON(r, u)
	w.Header().Set("Location", out.Meta.Location)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// ReplaceUser is PUT /Users/{id}.
func (h *Handler) ReplaceUser(w http.ResponseWriter, r *http.Request, token string) error {
	m, err := readBody(r)
	if err != nil {
		return err
	}
	// The body is checked before the transaction, against a blank user, so
	// that a malformed one never reaches the store.
	var check service.SCIMUser
	if err := applyUser(m, &check); err != nil {
		return err
	}
	if err := service.CheckSCIMUser(check); err != nil {
		return err
	}
	u, err := h.svc.SCIMUpdateUser(r.Context(), token, r.PathValue("id"), func(u *service.SCIMUser) error { return applyUser(m, u) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.userJSON(r, u))
	return nil
}

// PatchUser is PATCH /Users/{id} (RFC 7644 §3.5.2).
func (h *Handler) PatchUser(w http.ResponseWriter, r *http.Request, token string) error {
	ops, err := readPatch(r)
	if err != nil {
		return err
	}
	var check service.SCIMUser
	if err := patchUser(&check, ops); err != nil {
		return err
	}
	if err := service.CheckSCIMUser(check); err != nil {
		return err
	}
	u, err := h.svc.SCIMUpdateUser(r.Context(), token, r.PathValue("id"), func(u *service.SCIMUser) error { return patchUser(u, ops) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.userJSON(r, u))
	return nil
}

// DeleteUser is DELETE /Users/{id}: the person is deactivated, never
// erased; 204.
func (h *Handler) DeleteUser(w http.ResponseWriter, r *http.Request, token string) error {
	if err := h.svc.SCIMDeleteUser(r.Context(), token, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
