package server

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// maxAPIBody bounds every API request body.
const maxAPIBody = 256 << 10

//go:embed openapi.json
var openAPIFS embed.FS

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	b, _ := openAPIFS.ReadFile("openapi.json")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(b)
}

// api adapts an error-returning API handler: errors become the JSON error body.
// Cookie-authenticated requests that change state must carry the session's
// CSRF token in X-CSRF-Token; bearer-token requests need none.
func (s *Server) api(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sess := sessionFrom(r.Context()); sess != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
			if r.Header.Get("X-CSRF-Token") != sess.CSRFToken {
				s.writeAPIError(w, r, mentorvault.Errorf(mentorvault.EFORBIDDEN, "missing or wrong X-CSRF-Token header"))
				return
			}
		}
		if err := h(w, r); err != nil {
			s.writeAPIError(w, r, err)
		}
	})
}

type apiErrorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	s.logError(r, err)
	code := mentorvault.ErrorCode(err)
	if code == mentorvault.EUNAUTHENTICATED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mentorvault"`)
	}
	writeJSON(w, statusOf(code), apiErrorBody{apiError{Code: code, Message: mentorvault.ErrorMessage(err), Fields: mentorvault.ErrorFields(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// decode reads a JSON object into v: the content type must be JSON, the body
// at most maxAPIBody, valid UTF-8, one object, and without unknown fields.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &mentorvault.Error{Code: codeUnsupportedMedia, Message: "send the request body as JSON with Content-Type: application/json"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &mentorvault.Error{Code: codeTooLarge, Message: "the request body is too large (at most 256 KiB)"}
	} else if err != nil {
		return mentorvault.Errorf(mentorvault.EINVALID, "the request body could not be read")
	}
	if !utf8.Valid(body) {
		return mentorvault.Errorf(mentorvault.EINVALID, "the request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return mentorvault.Errorf(mentorvault.EINVALID, "the request body is not valid JSON (at byte %d)", se.Offset)
		case errors.As(err, &te):
			return mentorvault.Errorf(mentorvault.EINVALID, "field %q has the wrong type: want %s", te.Field, te.Type)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return mentorvault.Errorf(mentorvault.EINVALID, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		case errors.Is(err, io.EOF):
			return mentorvault.Errorf(mentorvault.EINVALID, "the request body is empty; send a JSON object")
		}
		return mentorvault.Errorf(mentorvault.EINVALID, "the request body is not valid JSON")
	}
	if dec.More() {
		return mentorvault.Errorf(mentorvault.EINVALID, "send exactly one JSON object")
	}
	return nil
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) error {
	for _, rt := range s.apiRoutes() {
		if pathMatches(rt.Path, r.URL.Path) {
			w.Header().Set("Allow", rt.Method)
			return &mentorvault.Error{Code: codeMethod, Message: "method " + r.Method + " is not allowed here"}
		}
	}
	return mentorvault.Errorf(mentorvault.ENOTFOUND, "no such API endpoint; see /api/v1/openapi.json")
}

// pathMatches reports whether path fits a route pattern with {wildcards}.
func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], "{") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// JSON shapes of the API.

type personJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type programmeJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type relationshipJSON struct {
	ID             string         `json:"id"`
	Kind           string         `json:"kind"`
	Status         string         `json:"status"`
	Programme      *programmeJSON `json:"programme"`
	Mentor         personJSON     `json:"mentor"`
	Mentee         personJSON     `json:"mentee"`
	ProposedBy     string         `json:"proposed_by"`
	MentorAgreedAt *time.Time     `json:"mentor_agreed_at"`
	MenteeAgreedAt *time.Time     `json:"mentee_agreed_at"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	StartedAt      *time.Time     `json:"started_at"`
	EndedAt        *time.Time     `json:"ended_at"`
}

func person(p service.Person) personJSON { return personJSON(p) }

func relJSON(v *service.RelationshipView) relationshipJSON {
	out := relationshipJSON{ID: v.ID, Kind: string(v.Kind), Status: string(v.Status), Mentor: person(v.Mentor), Mentee: person(v.Mentee),
		ProposedBy: v.ProposedByID, MentorAgreedAt: v.MentorAgreedAt, MenteeAgreedAt: v.MenteeAgreedAt,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, StartedAt: v.StartedAt, EndedAt: v.EndedAt}
	if v.ProgrammeID != "" {
		out.Programme = &programmeJSON{ID: v.ProgrammeID, Name: v.ProgrammeName}
	}
	return out
}

func relsJSON(vs []*service.RelationshipView) []relationshipJSON {
	out := make([]relationshipJSON, len(vs))
	for i, v := range vs {
		out[i] = relJSON(v)
	}
	return out
}

type noteJSON struct {
	ID             string    `json:"id"`
	RelationshipID string    `json:"relationship_id"`
	AuthorID       string    `json:"author_id"`
	Visibility     string    `json:"visibility"`
	Body           string    `json:"body"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// noteOut is the one place a note's plaintext enters an API response.
func noteOut(n *mentorvault.Note) noteJSON {
	return noteJSON{ID: n.ID, RelationshipID: n.RelationshipID, AuthorID: n.AuthorID, Visibility: string(n.Visibility),
		Body: n.Body.Reveal(), CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	me, err := s.svc.Me(r.Context(), principal(r))
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
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiDirectory(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.Directory(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"relationships": relsJSON(vs)})
	return nil
}

func (s *Server) apiMyRelationships(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.MyRelationships(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"relationships": relsJSON(vs)})
	return nil
}

func (s *Server) apiPropose(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		OtherEmail  string `json:"other_email"`
		MyRole      string `json:"my_role"`
		ProgrammeID string `json:"programme_id"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.ProposeRelationship(r.Context(), principal(r), service.ProposeInput(in))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/relationships/"+v.ID)
	writeJSON(w, http.StatusCreated, relJSON(v))
	return nil
}

func (s *Server) apiRelationship(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Relationship(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, relJSON(v))
	return nil
}

func (s *Server) apiLifecycle(a mentorvault.LifecycleAction) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := s.svc.Transition(r.Context(), principal(r), r.PathValue("id"), a)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, relJSON(v))
		return nil
	}
}

func (s *Server) apiCreateNote(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body       *string `json:"body"`
		Visibility string  `json:"visibility"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Body == nil {
		return mentorvault.Invalid("the note is not valid", map[string]string{"body": "is required"})
	}
	n, err := s.svc.CreateNote(r.Context(), principal(r), r.PathValue("id"), *in.Body, mentorvault.Visibility(in.Visibility))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/relationships/"+n.RelationshipID+"/notes/"+n.ID)
	writeJSON(w, http.StatusCreated, noteOut(n))
	return nil
}

func queryLimit(r *http.Request) (int, error) {
	q := r.URL.Query().Get("limit")
	if q == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 || n > 500 {
		return 0, mentorvault.Invalid("the query is not valid", map[string]string{"limit": "must be a number from 1 to 500"})
	}
	return n, nil
}

func (s *Server) apiListNotes(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	ns, err := s.svc.ListNotes(r.Context(), principal(r), r.PathValue("id"), r.URL.Query().Get("before"), limit)
	if err != nil {
		return err
	}
	out := struct {
		Notes      []noteJSON `json:"notes"`
		NextBefore *string    `json:"next_before"`
	}{Notes: make([]noteJSON, len(ns))}
	for i, n := range ns {
		out.Notes[i] = noteOut(n)
	}
	if len(ns) == limit {
		out.NextBefore = &ns[len(ns)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiReadNote(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.ReadNote(r.Context(), principal(r), r.PathValue("id"), r.PathValue("noteID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, noteOut(n))
	return nil
}

func (s *Server) apiUpdateNote(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body       *string `json:"body"`
		Visibility *string `json:"visibility"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	upd := mentorvault.NoteUpdate{Body: in.Body}
	if in.Visibility != nil {
		v := mentorvault.Visibility(*in.Visibility)
		upd.Visibility = &v
	}
	n, err := s.svc.UpdateNote(r.Context(), principal(r), r.PathValue("id"), r.PathValue("noteID"), upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, noteOut(n))
	return nil
}

func (s *Server) apiDeleteNote(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.DeleteNote(r.Context(), principal(r), r.PathValue("id"), r.PathValue("noteID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type auditEventJSON struct {
	Seq          int64       `json:"seq"`
	At           time.Time   `json:"at"`
	Actor        *personJSON `json:"actor"`
	Action       string      `json:"action"`
	Outcome      string      `json:"outcome"`
	ResourceType string      `json:"resource_type"`
	ResourceID   string      `json:"resource_id"`
	Detail       string      `json:"detail"`
	Hash         string      `json:"hash"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		if before, err = strconv.ParseInt(b, 10, 64); err != nil || before < 1 {
			return mentorvault.Invalid("the query is not valid", map[string]string{"before": "must be a positive event number"})
		}
	}
	page, err := s.svc.RelationshipAudit(r.Context(), principal(r), r.PathValue("id"), before, limit)
	if err != nil {
		return err
	}
	out := struct {
		Events     []auditEventJSON `json:"events"`
		Head       map[string]any   `json:"head"`
		Checkpoint string           `json:"checkpoint"`
		NextBefore *int64           `json:"next_before"`
	}{Events: []auditEventJSON{}, Head: map[string]any{"seq": page.Head.Seq, "hash": hexString(page.Head.Hash)}, Checkpoint: s.cfg.Checkpoint()}
	for _, e := range page.Entries {
		ej := auditEventJSON{Seq: e.Seq, At: e.At, Action: e.Action, Outcome: e.Outcome, ResourceType: e.ResourceType,
			ResourceID: e.ResourceID, Detail: e.Detail, Hash: hexString(e.Hash)}
		if e.ActorID != "" {
			ej.Actor = &personJSON{ID: e.ActorID, Name: e.ActorName, Email: e.ActorEmail}
		}
		out.Events = append(out.Events, ej)
	}
	if page.NextBefore != 0 {
		out.NextBefore = &page.NextBefore
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type tokenJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Token      string     `json:"token,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func tokenOut(t *mentorvault.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.svc.APITokens(r.Context(), principal(r))
	if err != nil {
		return err
	}
	out := make([]tokenJSON, len(ts))
	for i, t := range ts {
		out[i] = tokenOut(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
	return nil
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	raw, t, err := s.svc.CreateAPIToken(r.Context(), principal(r), in.Name)
	if err != nil {
		return err
	}
	out := tokenOut(t)
	out.Token = raw
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RevokeAPIToken(r.Context(), principal(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
