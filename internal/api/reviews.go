package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type reviewJSON struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	VersionID string    `json:"version_id"`
	Answer    string    `json:"answer"`
	Notes     string    `json:"notes"`
	CreatedAt time.Time `json:"created_at"`
}

func reviewOut(rv *mentorvault.Review) reviewJSON {
	return reviewJSON{ID: rv.ID, UserID: rv.UserID, VersionID: rv.VersionID, Answer: rv.Answer, Notes: rv.Notes.Reveal(), CreatedAt: rv.CreatedAt}
}

func (h *Handler) Reviews(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Reviews(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	type dueJSON struct {
		UserID string     `json:"user_id"`
		Due    bool       `json:"due"`
		DueAt  *time.Time `json:"due_at"`
	}
	out := struct {
		Reviews    []reviewJSON `json:"reviews"`
		EveryWeeks int          `json:"every_weeks"`
		Status     []dueJSON    `json:"status"`
	}{Reviews: []reviewJSON{}, EveryWeeks: v.EveryWeeks}
	for _, rv := range v.Reviews {
		out.Reviews = append(out.Reviews, reviewOut(rv))
	}
	for _, st := range []service.ReviewStatus{v.Mentor, v.Mentee} {
		out.Status = append(out.Status, dueJSON{st.UserID, st.Due, st.DueAt})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) RecordReview(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Answer string `json:"answer"`
		Notes  string `json:"notes"`
		Amend  bool   `json:"amend"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	rv, err := h.svc.RecordReview(r.Context(), httpx.Principal(r), r.PathValue("id"), in.Answer, in.Notes, in.Amend)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, reviewOut(rv))
	return nil
}
