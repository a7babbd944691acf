// Package scim serves SCIM 2.0 provisioning (RFC 7643, RFC 7644) under
// /scim/v2 for identity providers such as Microsoft Entra ID and Okta:
// Users, Groups, and the discovery endpoints ServiceProviderConfig, Schemas
// and ResourceTypes. It is a small handler set written for what those
// clients send — filters of the form `attribute eq "value"`, PATCH with
// case-insensitive add/replace/remove, with or without a path — because no
// Go library fits our service layer (elimity-com/scim wants to own the
// resource handlers, types and storage calls and has no transaction per
// request; we need each request to be one service call, decided and
// audited). Every request's bearer token is checked by the service, in the
// request's own transaction; nothing here decides access.
package scim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// Schema and message URNs (RFC 7643 §8.7, RFC 7644 §3.1).
const (
	SchemaUser       = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	SchemaList       = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	SchemaPatch      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SchemaError      = "urn:ietf:params:scim:api:messages:2.0:Error"
	SchemaSPConfig   = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	SchemaResType    = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	SchemaSchema     = "urn:ietf:params:scim:schemas:core:2.0:Schema"
)

// ContentType is SCIM's media type (RFC 7644 §3.1).
const ContentType = "application/scim+json"

// maxBody bounds a request body.
const maxBody = 1 << 20

// defaultCount is the page size when a list names none.
const defaultCount = 100

// Handler serves /scim/v2.
type Handler struct {
	svc  *service.Service
	log  *slog.Logger
	edge httpx.Edge
}

// New returns the SCIM handlers over the service.
func New(svc *service.Service, log *slog.Logger, edge httpx.Edge) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{svc: svc, log: log, edge: edge}
}

// HandlerFunc is a SCIM handler: it is given the request's bearer token
// ("" if none) and returns an error the adapter writes in SCIM's error schema.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, token string) error

// Handle adapts a SCIM handler: it takes the bearer token from the
// Authorization header and writes any error as RFC 7644 §3.12 says.
func (h *Handler) Handle(f HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if a := r.Header.Get("Authorization"); a != "" {
			scheme, rest, _ := strings.Cut(a, " ")
			if strings.EqualFold(scheme, "Bearer") {
				token = strings.TrimSpace(rest)
			}
		}
		if err := f(w, r, token); err != nil {
			h.writeError(w, r, err)
		}
	})
}

// Public adapts a discovery handler, which needs no token (RFC 7644 §4).
func (h *Handler) Public(f func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return h.Handle(func(w http.ResponseWriter, r *http.Request, _ string) error { return f(w, r) })
}

// scimError is an error with SCIM's detail error keyword (scimType).
type scimError struct {
	status   int
	scimType string
	detail   string
}

func (e *scimError) Error() string { return e.detail }

func badRequest(scimType, format string, args ...any) error {
	return &scimError{status: http.StatusBadRequest, scimType: scimType, detail: fmt.Sprintf(format, args...)}
}

// errorBody is RFC 7644 §3.12's error response: status is a string.
type errorBody struct {
	Schemas  []string `json:"schemas"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail"`
	Status   string   `json:"status"`
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	body := errorBody{Schemas: []string{SchemaError}}
	status := http.StatusInternalServerError
	var se *scimError
	var de *mentorvault.Error
	switch {
	case errors.As(err, &se):
		status, body.ScimType, body.Detail = se.status, se.scimType, se.detail
	case errors.As(err, &de):
		status = httpx.Status(de.Code)
		body.Detail = de.Message
		if len(de.Fields) > 0 {
			var parts []string
			for _, k := range sortedKeys(de.Fields) {
				parts = append(parts, k+": "+de.Fields[k])
			}
			body.Detail += " (" + strings.Join(parts, "; ") + ")"
		}
		switch {
		case de.Code == mentorvault.EINVALID:
			body.ScimType = "invalidValue"
		case de.Code == mentorvault.ECONFLICT && errors.Is(err, service.ErrSCIMTaken):
			body.ScimType = "uniqueness"
		}
		if status == http.StatusInternalServerError {
			httpx.LogError(h.log, r, err)
			body.Detail = "something went wrong on our side; try again later"
		}
	default:
		httpx.LogError(h.log, r, err)
		body.Detail = "something went wrong on our side; try again later"
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mentorvault SCIM"`)
	}
	body.Status = strconv.Itoa(status)
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"schemas":["`+SchemaError+`"],"detail":"could not encode the response","status":"500"}`)
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// readBody decodes a JSON object body, accepting application/scim+json and
// application/json (what Entra ID and Okta send).
func readBody(r *http.Request) (map[string]any, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != ContentType && mt != "application/json") {
			return nil, &scimError{status: http.StatusUnsupportedMediaType, scimType: "invalidSyntax",
				detail: "send the body as " + ContentType + " or application/json"}
		}
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, badRequest("invalidSyntax", "the body could not be read")
	}
	if len(b) > maxBody {
		return nil, &scimError{status: http.StatusRequestEntityTooLarge, detail: "the body is larger than 1 MiB"}
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, badRequest("invalidSyntax", "the body is not a JSON object")
	}
	if dec.More() {
		return nil, badRequest("invalidSyntax", "the body has more than one JSON value")
	}
	return m, nil
}

// attr finds an attribute without regard to case (RFC 7643 §2.1).
func attr(m map[string]any, name string) (any, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func str(field string, v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	}
	return "", badRequest("invalidValue", "%s must be a string", field)
}

// boolean reads a boolean, also given as the strings "True" and "False"
// (Entra ID sends those in PATCH).
func boolean(field string, v any) (bool, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, badRequest("invalidValue", "%s must be true or false", field)
}

func (h *Handler) base(r *http.Request) string { return h.edge.BaseURL(r) + "/scim/v2" }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// page reads startIndex and count (RFC 7644 §3.4.2.4).
func page(r *http.Request) (start, count int, err error) {
	start, count = 1, defaultCount
	q := r.URL.Query()
	if s := q.Get("startIndex"); s != "" {
		if start, err = strconv.Atoi(s); err != nil {
			return 0, 0, badRequest("invalidValue", "startIndex must be a whole number")
		}
		if start < 1 {
			start = 1
		}
	}
	if s := q.Get("count"); s != "" {
		if count, err = strconv.Atoi(s); err != nil {
			return 0, 0, badRequest("invalidValue", "count must be a whole number")
		}
		count = max(count, 0)
	}
	return start, min(count, service.MaxSCIMPage), nil
}

type listResponse struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Resources    []any    `json:"Resources"`
}

func list(start int, total int, items []any) listResponse {
	return listResponse{Schemas: []string{SchemaList}, TotalResults: total, StartIndex: start, ItemsPerPage: len(items), Resources: items}
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// NotFound answers a /scim/v2 path that is not served.
func (h *Handler) NotFound(w http.ResponseWriter, r *http.Request, _ string) error {
	return &scimError{status: http.StatusNotFound, detail: "there is no SCIM endpoint " + r.URL.Path}
}
