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
	Damaged   bool      `json:"damaged,omitempty"`
}

func reviewOut(rv *mentorvault.Review) reviewJSON {
	return reviewJSON{ID: rv.ID, UserID: rv.UserID, VersionID: rv.VersionID, Answer: rv.Answer, Notes: rv.Notes.Reveal(), CreatedAt: rv.CreatedAt, Damaged: rv.Damaged}
}

type reviewDueJSON struct {
	UserID string     `json:"user_id"`
	Due    bool       `json:"due"`
	DueAt  *time.Time `json:"due_at"`
}

type reviewsJSON struct {
	Reviews    []reviewJSON    `json:"reviews"`
	EveryWeeks int             `json:"every_weeks"`
	Status     []reviewDueJSON `json:"status"`
}

func reviewsOut(v *service.ReviewsView) reviewsJSON {
	out := reviewsJSON{Reviews: []reviewJSON{}, EveryWeeks: v.EveryWeeks}
	for _, rv := range v.Reviews {
		out.Reviews = append(out.Reviews, reviewOut(rv))
	}
	for _, st := range []service.ReviewStatus{v.Mentor, v.Mentee} {
		out.Status = append(out.Status, reviewDueJSON{st.UserID, st.Due, st.DueAt})
	}
	return out
}

// Reviews serves GET /api/v1/relationships/{id}/reviews: the agreement
// reviews so far and whether each party's next one is due.
func (h *Handler) Reviews(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (reviewsJSON, error) {
		return asJSON(reviewsOut)(h.svc.Reviews(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

type reviewInputJSON struct {
	Answer string `json:"answer"`
	Notes  string `json:"notes"`
	Amend  bool   `json:"amend"`
}

// RecordReview serves POST /api/v1/relationships/{id}/reviews: 201 with the
// caller's review of the agreement.
func (h *Handler) RecordReview(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in reviewInputJSON) (reviewJSON, error) {
		return asJSON(reviewOut)(h.svc.RecordReview(r.Context(), httpx.Principal(r), r.PathValue("id"), in.Answer, in.Notes, in.Amend))
	})(w, r)
}
