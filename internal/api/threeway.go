package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type threeWayNoteJSON struct {
	ID        string     `json:"id"`
	Author    personJSON `json:"author"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	Damaged   bool       `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

type threeWayJSON struct {
	ID             string             `json:"id"`
	RelationshipID string             `json:"relationship_id"`
	Mentor         personJSON         `json:"mentor"`
	Mentee         personJSON         `json:"mentee"`
	Manager        personJSON         `json:"manager"`
	ProposedBy     string             `json:"proposed_by"`
	Brief          string             `json:"brief"`
	StartsAt       time.Time          `json:"starts_at"`
	Minutes        int                `json:"minutes"`
	Location       string             `json:"location"`
	State          string             `json:"state"`
	MentorAgreedAt *time.Time         `json:"mentor_agreed_at"`
	MenteeAgreedAt *time.Time         `json:"mentee_agreed_at"`
	Notes          []threeWayNoteJSON `json:"notes"`
	CreatedAt      time.Time          `json:"created_at"`
	UpdatedAt      time.Time          `json:"updated_at"`
	Damaged        bool               `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

// threeWayOut is where a brief and the notes for the three enter a response.
func threeWayOut(v *service.ThreeWayView) threeWayJSON {
	out := threeWayJSON{ID: v.ID, RelationshipID: v.RelationshipID, Mentor: person(v.Mentor), Mentee: person(v.Mentee), Manager: person(v.Manager),
		ProposedBy: v.ProposedByID, Brief: v.Brief.Reveal(), StartsAt: v.StartsAt, Minutes: v.Minutes, Location: v.Location, State: string(v.State),
		MentorAgreedAt: v.MentorAgreedAt, MenteeAgreedAt: v.MenteeAgreedAt, Notes: []threeWayNoteJSON{}, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, Damaged: v.Damaged}
	for _, n := range v.Notes {
		out.Notes = append(out.Notes, threeWayNoteOut(n))
	}
	return out
}

func threeWayNoteOut(n *service.ThreeWayNoteView) threeWayNoteJSON {
	return threeWayNoteJSON{ID: n.ID, Author: person(n.Author), Body: n.Body.Reveal(), CreatedAt: n.CreatedAt, Damaged: n.Damaged}
}

type threeWayInputJSON struct {
	Brief    string     `json:"brief"`
	StartsAt *time.Time `json:"starts_at"`
	Minutes  int        `json:"minutes"`
	Location string     `json:"location"`
}

func (in threeWayInputJSON) input() service.ThreeWayInput {
	out := service.ThreeWayInput{Brief: in.Brief, Minutes: in.Minutes, Location: in.Location}
	if in.StartsAt != nil {
		out.StartsAt = *in.StartsAt
	}
	return out
}

// ProposeThreeWay serves POST /api/v1/relationships/{id}/three-way-meetings:
// 201 with a meeting of the pair and the mentee's line manager.
func (h *Handler) ProposeThreeWay(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in threeWayInputJSON) (threeWayJSON, error) {
		return asJSON(threeWayOut)(h.svc.ProposeThreeWay(r.Context(), httpx.Principal(r), r.PathValue("id"), in.input()))
	})(w, r)
}

// MyThreeWays serves GET /api/v1/three-way-meetings: those the caller is one of the three in.
func (h *Handler) MyThreeWays(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(func(vs []*service.ThreeWayView) map[string]any {
			out := []threeWayJSON{}
			for _, v := range vs {
				out = append(out, threeWayOut(v))
			}
			return map[string]any{"three_way_meetings": out}
		})(h.svc.MyThreeWays(r.Context(), httpx.Principal(r)))
	})(w, r)
}

// ThreeWay serves GET /api/v1/three-way-meetings/{threeWayID}.
func (h *Handler) ThreeWay(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (threeWayJSON, error) {
		return asJSON(threeWayOut)(h.svc.ThreeWay(r.Context(), httpx.Principal(r), r.PathValue("threeWayID")))
	})(w, r)
}

// ReviseThreeWay serves PUT /api/v1/three-way-meetings/{threeWayID}: a
// revised proposal, which the others agree to afresh.
func (h *Handler) ReviseThreeWay(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in threeWayInputJSON) (threeWayJSON, error) {
		return asJSON(threeWayOut)(h.svc.ReviseThreeWay(r.Context(), httpx.Principal(r), r.PathValue("threeWayID"), in.input()))
	})(w, r)
}

// AgreeThreeWay serves POST /api/v1/three-way-meetings/{threeWayID}/agree.
func (h *Handler) AgreeThreeWay(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (threeWayJSON, error) {
		return asJSON(threeWayOut)(h.svc.AgreeThreeWay(r.Context(), httpx.Principal(r), r.PathValue("threeWayID")))
	})(w, r)
}

type threeWayStateJSON struct {
	State string `json:"state"`
}

// ThreeWayOutcome serves POST /api/v1/three-way-meetings/{threeWayID}/outcome:
// records whether it was held or cancelled.
func (h *Handler) ThreeWayOutcome(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in threeWayStateJSON) (threeWayJSON, error) {
		return asJSON(threeWayOut)(h.svc.FinishThreeWay(r.Context(), httpx.Principal(r), r.PathValue("threeWayID"), mentorvault.ThreeWayState(in.State)))
	})(w, r)
}

// ThreeWayNote serves POST /api/v1/three-way-meetings/{threeWayID}/notes:
// 201 with a note the three share.
func (h *Handler) ThreeWayNote(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in statementBodyJSON) (threeWayNoteJSON, error) {
		return asJSON(threeWayNoteOut)(h.svc.AddThreeWayNote(r.Context(), httpx.Principal(r), r.PathValue("threeWayID"), in.Body))
	})(w, r)
}
