package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

func (h *Handler) CreateNote(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseNote, func(n form.Note) (string, error) {
		_, err := h.svc.CreateNote(r.Context(), httpx.Principal(r), id, n.Body, n.Visibility)
		return "/relationships/" + id + "?done=note#notes", err
	}, func(bad refused) error {
		// Keep what was typed: render the page again with the problem.
		pg, err := h.relationshipPage(r)
		if err != nil {
			return err
		}
		pg.NoteBody, pg.NoteVis, pg.NoteError = r.PostFormValue("body"), r.PostFormValue("visibility"), fieldsMessage(bad.Err)
		h.render(w, r, bad.status(), "relationship.html", pg)
		return nil
	})
}

type editNotePage struct {
	base
	Rel        *service.RelationshipView
	NoteID     string
	Body       mentorvault.Secret
	Visibility string
	Error      string
}

func (h *Handler) EditNote(w http.ResponseWriter, r *http.Request) error {
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := h.svc.NoteForEdit(r.Context(), p, v.ID, r.PathValue("noteID"))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "note_edit.html", &editNotePage{base: h.base(r, "Edit note"), Rel: v, NoteID: n.ID,
		Body: n.Body, Visibility: string(n.Visibility)})
	return nil
}

func (h *Handler) UpdateNote(w http.ResponseWriter, r *http.Request) error {
	p := httpx.Principal(r)
	id, noteID := r.PathValue("id"), r.PathValue("noteID")
	return submit(w, r, form.ParseNote, func(n form.Note) (string, error) {
		_, err := h.svc.UpdateNote(r.Context(), p, id, noteID, mentorvault.NoteUpdate{Body: &n.Body, Visibility: &n.Visibility})
		return "/relationships/" + id + "?done=saved#note-" + noteID, err
	}, func(bad refused) error {
		v, err := h.svc.Relationship(r.Context(), p, id)
		if err != nil {
			return err
		}
		n, _ := form.ParseNote(r.PostForm)
		h.render(w, r, bad.status(), "note_edit.html", &editNotePage{base: h.base(r, "Edit note"), Rel: v, NoteID: noteID,
			Body: mentorvault.NewSecret(n.Body), Visibility: string(n.Visibility), Error: fieldsMessage(bad.Err)})
		return nil
	})
}

func (h *Handler) DeleteNote(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := h.svc.DeleteNote(r.Context(), httpx.Principal(r), id, r.PathValue("noteID")); err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done=deleted#notes", http.StatusSeeOther)
	return nil
}
