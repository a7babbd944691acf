package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

func (h *Handler) CreateNote(w http.ResponseWriter, r *http.Request) error {
	id, body, vis := r.PathValue("id"), r.PostFormValue("body"), r.PostFormValue("visibility")
	_, err := h.svc.CreateNote(r.Context(), httpx.Principal(r), id, body, mentorvault.Visibility(vis))
	if c := mentorvault.ErrorCode(err); c == mentorvault.EINVALID {
		// Keep what was typed: render the page again with the problem.
		pg, perr := h.relationshipPage(r)
		if perr != nil {
			return perr
		}
		pg.NoteBody, pg.NoteVis, pg.NoteError = body, vis, fieldsMessage(err)
		h.render(w, r, http.StatusBadRequest, "relationship.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done=note#notes", http.StatusSeeOther)
	return nil
}

type editNotePage struct {
	base
	Rel        *service.RelationshipView
	NoteID     string
	Body       string
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
		Body: n.Body.Reveal(), Visibility: string(n.Visibility)})
	return nil
}

func (h *Handler) UpdateNote(w http.ResponseWriter, r *http.Request) error {
	p := httpx.Principal(r)
	id, noteID := r.PathValue("id"), r.PathValue("noteID")
	body, vis := r.PostFormValue("body"), mentorvault.Visibility(r.PostFormValue("visibility"))
	_, err := h.svc.UpdateNote(r.Context(), p, id, noteID, mentorvault.NoteUpdate{Body: &body, Visibility: &vis})
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		v, verr := h.svc.Relationship(r.Context(), p, id)
		if verr != nil {
			return verr
		}
		h.render(w, r, http.StatusBadRequest, "note_edit.html", &editNotePage{base: h.base(r, "Edit note"), Rel: v, NoteID: noteID,
			Body: body, Visibility: string(vis), Error: fieldsMessage(err)})
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done=saved#note-"+noteID, http.StatusSeeOther)
	return nil
}

func (h *Handler) DeleteNote(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := h.svc.DeleteNote(r.Context(), httpx.Principal(r), id, r.PathValue("noteID")); err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done=deleted#notes", http.StatusSeeOther)
	return nil
}
