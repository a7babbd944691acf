package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

type reviewView struct {
	Author, Date, Answer, Notes string
}

func (h *Handler) RecordReview(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	answer, notes, amend := r.PostFormValue("answer"), r.PostFormValue("notes"), r.PostFormValue("amend") == "yes"
	_, err := h.svc.RecordReview(r.Context(), httpx.Principal(r), id, answer, notes, amend)
	if c := mentorvault.ErrorCode(err); c == mentorvault.EINVALID || c == mentorvault.ECONFLICT {
		pg, perr := h.agreementPage(r)
		if perr != nil {
			return perr
		}
		pg.ReviewAnswer, pg.ReviewNotes, pg.ReviewAmend = answer, notes, amend
		pg.ReviewError = mentorvault.ErrorMessage(err)
		if f := mentorvault.ErrorFields(err); f["answer"] != "" {
			pg.ReviewError = "Choose whether our agreed expectations still hold."
		} else if f["notes"] != "" {
			pg.ReviewError = "Notes " + f["notes"] + "."
		}
		h.render(w, r, httpx.Status(c), "agreement.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	if amend {
		http.Redirect(w, r, agreementPath(id)+"/edit?done=review", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, agreementPath(id)+"?done=review#reviews", http.StatusSeeOther)
	return nil
}
