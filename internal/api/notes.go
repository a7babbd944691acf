package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

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

func (h *Handler) CreateNote(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body       *string `json:"body"`
		Visibility string  `json:"visibility"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Body == nil {
		return mentorvault.Invalid("the note is not valid", map[string]string{"body": "is required"})
	}
	n, err := h.svc.CreateNote(r.Context(), httpx.Principal(r), r.PathValue("id"), *in.Body, mentorvault.Visibility(in.Visibility))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/relationships/"+n.RelationshipID+"/notes/"+n.ID)
	httpx.WriteJSON(w, http.StatusCreated, noteOut(n))
	return nil
}

func (h *Handler) ListNotes(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	ns, err := h.svc.ListNotes(r.Context(), httpx.Principal(r), r.PathValue("id"), r.URL.Query().Get("before"), limit)
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
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) ReadNote(w http.ResponseWriter, r *http.Request) error {
	n, err := h.svc.ReadNote(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("noteID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, noteOut(n))
	return nil
}

func (h *Handler) UpdateNote(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body       *string `json:"body"`
		Visibility *string `json:"visibility"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	upd := mentorvault.NoteUpdate{Body: in.Body}
	if in.Visibility != nil {
		v := mentorvault.Visibility(*in.Visibility)
		upd.Visibility = &v
	}
	n, err := h.svc.UpdateNote(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("noteID"), upd)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, noteOut(n))
	return nil
}

func (h *Handler) DeleteNote(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.DeleteNote(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("noteID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
