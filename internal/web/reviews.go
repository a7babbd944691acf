package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

type reviewView struct {
	Author, Date, Answer string
	Notes                mentorvault.Secret
	Damaged              bool // the review did not open: changed outside mentorvault
}

func (h *Handler) RecordReview(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseReview, func(in form.Review) (string, error) {
		_, err := h.svc.RecordReview(r.Context(), httpx.Principal(r), id, in.Answer, in.Notes, in.Amend)
		if in.Amend {
			return agreementPath(id) + "/edit?done=review", err
		}
		return agreementPath(id) + "?done=review#reviews", err
	}, func(bad refused) error {
		pg, err := h.agreementPage(r)
		if err != nil {
			return err
		}
		in, _ := form.ParseReview(r.PostForm)
		pg.ReviewAnswer, pg.ReviewNotes, pg.ReviewAmend = in.Answer, in.Notes, in.Amend
		pg.ReviewError = mentorvault.ErrorMessage(bad.Err)
		if f := mentorvault.ErrorFields(bad.Err); f["answer"] != "" {
			pg.ReviewError = "Choose whether our agreed expectations still hold."
		} else if f["notes"] != "" {
			pg.ReviewError = "Notes " + f["notes"] + "."
		}
		h.render(w, r, bad.status(), "agreement.html", pg)
		return nil
	}, mentorvault.ECONFLICT)
}
