package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type noteJSON struct {
	ID             string    `json:"id"`
	RelationshipID string    `json:"relationship_id"`
	AuthorID       string    `json:"author_id"`
	Visibility     string    `json:"visibility"`
	Body           string    `json:"body"`
	Damaged        bool      `json:"damaged,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// noteOut is the one place a note's plaintext enters an API response.
func noteOut(n *mentorvault.Note) noteJSON {
	return noteJSON{ID: n.ID, RelationshipID: n.RelationshipID, AuthorID: n.AuthorID, Visibility: string(n.Visibility),
		Body: n.Body.Reveal(), Damaged: n.Damaged, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
}

type noteInputJSON struct {
	Body       *string `json:"body"`
	Visibility string  `json:"visibility"`
}

// CreateNote serves POST /api/v1/relationships/{id}/notes: 201 with the note
// and its address in Location.
func (h *Handler) CreateNote(w http.ResponseWriter, r *http.Request) error {
	return httpx.Created(func(r *http.Request, in noteInputJSON) (noteJSON, string, error) {
		if in.Body == nil {
			return noteJSON{}, "", mentorvault.Invalid("the note is not valid", map[string]string{"body": "is required"})
		}
		n, err := h.svc.CreateNote(r.Context(), httpx.Principal(r), r.PathValue("id"), *in.Body, mentorvault.Visibility(in.Visibility))
		if err != nil {
			return noteJSON{}, "", err
		}
		return noteOut(n), "/api/v1/relationships/" + n.RelationshipID + "/notes/" + n.ID, nil
	})(w, r)
}

type notesJSON struct {
	Notes      []noteJSON `json:"notes"`
	NextBefore *string    `json:"next_before"`
}

// ListNotes serves GET /api/v1/relationships/{id}/notes: a page of the notes
// the caller may read, newest first.
func (h *Handler) ListNotes(w http.ResponseWriter, r *http.Request) error {
	return httpx.Paged(func(r *http.Request, p httpx.Page) (notesJSON, error) {
		ns, err := h.svc.ListNotes(r.Context(), httpx.Principal(r), r.PathValue("id"), service.NoteFilter{Before: p.Before, Limit: p.Limit})
		if err != nil {
			return notesJSON{}, err
		}
		out := notesJSON{Notes: make([]noteJSON, len(ns))}
		for i, n := range ns {
			out.Notes[i] = noteOut(n.Note)
		}
		if len(ns) == p.Limit {
			out.NextBefore = &ns[len(ns)-1].ID
		}
		return out, nil
	})(w, r)
}

// ReadNote serves GET /api/v1/relationships/{id}/notes/{noteID}.
func (h *Handler) ReadNote(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (noteJSON, error) {
		return asJSON(noteOut)(h.svc.ReadNote(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("noteID")))
	})(w, r)
}

type noteUpdateJSON struct {
	Body       *string `json:"body"`
	Visibility *string `json:"visibility"`
}

// UpdateNote serves PATCH /api/v1/relationships/{id}/notes/{noteID}: only
// the fields sent change.
func (h *Handler) UpdateNote(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in noteUpdateJSON) (noteJSON, error) {
		upd := mentorvault.NoteUpdate{Body: in.Body}
		if in.Visibility != nil {
			v := mentorvault.Visibility(*in.Visibility)
			upd.Visibility = &v
		}
		return asJSON(noteOut)(h.svc.UpdateNote(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("noteID"), upd))
	})(w, r)
}

// DeleteNote serves DELETE /api/v1/relationships/{id}/notes/{noteID}: 204.
func (h *Handler) DeleteNote(w http.ResponseWriter, r *http.Request) error {
	return httpx.NoContent(func(r *http.Request) error {
		return h.svc.DeleteNote(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("noteID"))
	})(w, r)
}
