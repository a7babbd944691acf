package scim

import (
	"net/http"
	"strings"

	"github.com/mentorvault/mentorvault/internal/service"
)

// The discovery endpoints (RFC 7644 §4) say what this server supports; they
// describe the server, not any organisation, and need no token.

// ServiceProviderConfig is GET /ServiceProviderConfig (RFC 7643 §5).
func (h *Handler) ServiceProviderConfig(w http.ResponseWriter, r *http.Request) error {
	type supported struct {
		Supported bool `json:"supported"`
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas":          []string{SchemaSPConfig},
		"documentationUri": "https://github.com/mentorvault/mentorvault/blob/main/docs/provisioning.md",
		"patch":            supported{true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": service.MaxSCIMPage},
		"changePassword":   supported{false},
		"sort":             supported{false},
		"etag":             supported{false},
		"authenticationSchemes": []map[string]any{{
			"type": "oauthbearertoken", "name": "Bearer token",
			"description": "The provisioning client's token, made by an org admin (mentorvault scim add), in an Authorization: Bearer header.",
			"primary":     true,
		}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": h.base(r) + "/ServiceProviderConfig"},
	})
	return nil
}

func (h *Handler) resourceTypes(r *http.Request) []map[string]any {
	base := h.base(r)
	return []map[string]any{
		{"schemas": []string{SchemaResType}, "id": "User", "name": "User", "endpoint": "/Users", "description": "A person of the organisation",
			"schema": SchemaUser, "schemaExtensions": []map[string]any{{"schema": SchemaEnterprise, "required": false}},
			"meta": map[string]any{"resourceType": "ResourceType", "location": base + "/ResourceTypes/User"}},
		{"schemas": []string{SchemaResType}, "id": "Group", "name": "Group", "endpoint": "/Groups", "description": "A named group of the organisation's people",
			"schema": SchemaGroup, "schemaExtensions": []map[string]any{},
			"meta": map[string]any{"resourceType": "ResourceType", "location": base + "/ResourceTypes/Group"}},
	}
}

// ResourceTypes is GET /ResourceTypes, a list response.
func (h *Handler) ResourceTypes(w http.ResponseWriter, r *http.Request) error {
	rts := h.resourceTypes(r)
	items := make([]any, len(rts))
	for i, rt := range rts {
		items[i] = rt
	}
	writeJSON(w, http.StatusOK, list(1, len(items), items))
	return nil
}

// ResourceType is GET /ResourceTypes/{id}.
func (h *Handler) ResourceType(w http.ResponseWriter, r *http.Request) error {
	for _, rt := range h.resourceTypes(r) {
		if strings.EqualFold(rt["id"].(string), r.PathValue("id")) {
			writeJSON(w, http.StatusOK, rt)
			return nil
		}
	}
	return &scimError{status: http.StatusNotFound, detail: "there is no resource type " + r.PathValue("id")}
}

// attrDef is an attribute definition (RFC 7643 §7).
func attrDef(name, typ string, multi, required bool, mutability, uniqueness string, sub ...map[string]any) map[string]any {
	a := map[string]any{"name": name, "type": typ, "multiValued": multi, "description": "", "required": required,
		"caseExact": false, "mutability": mutability, "returned": "default", "uniqueness": uniqueness}
	if len(sub) > 0 {
		a["subAttributes"] = sub
	}
	if typ == "reference" {
		a["referenceTypes"] = []string{"User", "Group"}
	}
	return a
}

func (h *Handler) schemas(r *http.Request) []map[string]any {
	base := h.base(r)
	schema := func(id, name, desc string, attrs ...map[string]any) map[string]any {
		return map[string]any{"schemas": []string{SchemaSchema}, "id": id, "name": name, "description": desc, "attributes": attrs,
			"meta": map[string]any{"resourceType": "Schema", "location": base + "/Schemas/" + id}}
	}
	rw, ro, none := "readWrite", "readOnly", "none"
	return []map[string]any{
		schema(SchemaUser, "User", "A person of the organisation",
			attrDef("userName", "string", false, true, rw, "server"),
			attrDef("name", "complex", false, false, rw, none,
				attrDef("givenName", "string", false, false, rw, none),
				attrDef("familyName", "string", false, false, rw, none),
				attrDef("formatted", "string", false, false, ro, none)),
			attrDef("displayName", "string", false, false, rw, none),
			attrDef("emails", "complex", true, false, rw, none,
				attrDef("value", "string", false, false, rw, none),
				attrDef("type", "string", false, false, rw, none),
				attrDef("primary", "boolean", false, false, rw, none)),
			attrDef("active", "boolean", false, false, rw, none),
			attrDef("groups", "complex", true, false, ro, none,
				attrDef("value", "string", false, false, ro, none),
				attrDef("$ref", "reference", false, false, ro, none),
				attrDef("display", "string", false, false, ro, none)),
		),
		schema(SchemaEnterprise, "EnterpriseUser", "The line manager",
			attrDef("manager", "complex", false, false, rw, none,
				attrDef("value", "string", false, false, rw, none),
				attrDef("$ref", "reference", false, false, ro, none),
				attrDef("displayName", "string", false, false, ro, none)),
		),
		schema(SchemaGroup, "Group", "A named group of the organisation's people",
			attrDef("displayName", "string", false, true, rw, "server"),
			attrDef("members", "complex", true, false, rw, none,
				attrDef("value", "string", false, false, rw, none),
				attrDef("$ref", "reference", false, false, ro, none),
				attrDef("display", "string", false, false, ro, none),
				attrDef("type", "string", false, false, ro, none)),
		),
	}
}

// Schemas is GET /Schemas, a list response.
func (h *Handler) Schemas(w http.ResponseWriter, r *http.Request) error {
	ss := h.schemas(r)
	items := make([]any, len(ss))
	for i, s := range ss {
		items[i] = s
	}
	writeJSON(w, http.StatusOK, list(1, len(items), items))
	return nil
}

// Schema is GET /Schemas/{id}.
func (h *Handler) Schema(w http.ResponseWriter, r *http.Request) error {
	for _, s := range h.schemas(r) {
		if strings.EqualFold(s["id"].(string), r.PathValue("id")) {
			writeJSON(w, http.StatusOK, s)
			return nil
		}
	}
	return &scimError{status: http.StatusNotFound, detail: "there is no schema " + r.PathValue("id")}
}
