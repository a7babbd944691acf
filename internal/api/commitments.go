package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type commitmentJSON struct {
	ID          string     `json:"id"`
	OwnerID     string     `json:"owner_id"`
	ProposedBy  string     `json:"proposed_by"`
	GoalID      *string    `json:"goal_id"`
	MeetingID   *string    `json:"meeting_id"`
	Description string     `json:"description"`
	DueAt       time.Time  `json:"due_at"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	ClosedAt    *time.Time `json:"closed_at"`
	Damaged     bool       `json:"damaged,omitempty"`
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func commitmentOut(c *mentorvault.Commitment) commitmentJSON {
	return commitmentJSON{ID: c.ID, OwnerID: c.OwnerID, ProposedBy: c.ProposedByID, GoalID: optString(c.GoalID), MeetingID: optString(c.MeetingID),
		Description: c.Description.Reveal(), DueAt: c.DueAt, Status: string(c.Status), CreatedAt: c.CreatedAt, ClosedAt: c.ClosedAt, Damaged: c.Damaged}
}

type followJSON struct {
	Kept   int      `json:"kept"`
	Missed int      `json:"missed"`
	Open   int      `json:"open"`
	Rate   *float64 `json:"rate"`
}

func followOut(f mentorvault.FollowThrough) followJSON {
	out := followJSON{Kept: f.Kept, Missed: f.Missed, Open: f.Open}
	if r, ok := f.Rate(); ok {
		out.Rate = &r
	}
	return out
}

type commitmentsJSON struct {
	Commitments []commitmentJSON `json:"commitments"`
	Mentor      followJSON       `json:"mentor_follow_through"`
	Mentee      followJSON       `json:"mentee_follow_through"`
}

func commitmentsOut(v *service.CommitmentsView) commitmentsJSON {
	out := commitmentsJSON{Commitments: []commitmentJSON{}, Mentor: followOut(v.Mentor), Mentee: followOut(v.Mentee)}
	for _, c := range v.Commitments {
		out.Commitments = append(out.Commitments, commitmentOut(c))
	}
	return out
}

// Commitments serves GET /api/v1/relationships/{id}/commitments: the
// commitments with each party's follow-through.
func (h *Handler) Commitments(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (commitmentsJSON, error) {
		return asJSON(commitmentsOut)(h.svc.Commitments(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

type commitmentInputJSON struct {
	OwnerID     string     `json:"owner_id"`
	Description string     `json:"description"`
	DueAt       *time.Time `json:"due_at"`
	GoalID      string     `json:"goal_id"`
	MeetingID   string     `json:"meeting_id"`
}

// CreateCommitment serves POST /api/v1/relationships/{id}/commitments: 201
// with the commitment.
func (h *Handler) CreateCommitment(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in commitmentInputJSON) (commitmentJSON, error) {
		ci := service.CommitmentInput{OwnerID: in.OwnerID, Description: in.Description, GoalID: in.GoalID, MeetingID: in.MeetingID}
		if in.DueAt != nil {
			ci.DueAt = *in.DueAt
		}
		return asJSON(commitmentOut)(h.svc.CreateCommitment(r.Context(), httpx.Principal(r), r.PathValue("id"), ci))
	})(w, r)
}

type commitmentUpdateJSON struct {
	Status string `json:"status"`
}

// UpdateCommitment serves PATCH /api/v1/relationships/{id}/commitments/{commitmentID}:
// sets its status (kept, missed, …).
func (h *Handler) UpdateCommitment(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in commitmentUpdateJSON) (commitmentJSON, error) {
		return asJSON(commitmentOut)(h.svc.UpdateCommitment(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("commitmentID"), mentorvault.CommitmentStatus(in.Status)))
	})(w, r)
}
