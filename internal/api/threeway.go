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
}

// threeWayOut is where a brief and the notes for the three enter a response.
func threeWayOut(v *service.ThreeWayView) threeWayJSON {
	out := threeWayJSON{ID: v.ID, RelationshipID: v.RelationshipID, Mentor: person(v.Mentor), Mentee: person(v.Mentee), Manager: person(v.Manager),
		ProposedBy: v.ProposedByID, Brief: v.Brief.Reveal(), StartsAt: v.StartsAt, Minutes: v.Minutes, Location: v.Location, State: string(v.State),
		MentorAgreedAt: v.MentorAgreedAt, MenteeAgreedAt: v.MenteeAgreedAt, Notes: []threeWayNoteJSON{}, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	for _, n := range v.Notes {
		out.Notes = append(out.Notes, threeWayNoteOut(n))
	}
	return out
}

func threeWayNoteOut(n *service.ThreeWayNoteView) threeWayNoteJSON {
	return threeWayNoteJSON{ID: n.ID, Author: person(n.Author), Body: n.Body.Reveal(), CreatedAt: n.CreatedAt}
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

func (h *Handler) ProposeThreeWay(w http.ResponseWriter, r *http.Request) error {
	var in threeWayInputJSON
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.svc.ProposeThreeWay(r.Context(), httpx.Principal(r), r.PathValue("id"), in.input())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, threeWayOut(v))
	return nil
}

func (h *Handler) MyThreeWays(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.svc.MyThreeWays(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	out := []threeWayJSON{}
	for _, v := range vs {
		out = append(out, threeWayOut(v))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"three_way_meetings": out})
	return nil
}

func (h *Handler) ThreeWay(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.ThreeWay(r.Context(), httpx.Principal(r), r.PathValue("threeWayID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, threeWayOut(v))
	return nil
}

func (h *Handler) ReviseThreeWay(w http.ResponseWriter, r *http.Request) error {
	var in threeWayInputJSON
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.svc.ReviseThreeWay(r.Context(), httpx.Principal(r), r.PathValue("threeWayID"), in.input())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, threeWayOut(v))
	return nil
}

func (h *Handler) AgreeThreeWay(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.AgreeThreeWay(r.Context(), httpx.Principal(r), r.PathValue("threeWayID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, threeWayOut(v))
	return nil
}

func (h *Handler) ThreeWayOutcome(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		State string `json:"state"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.svc.FinishThreeWay(r.Context(), httpx.Principal(r), r.PathValue("threeWayID"), mentorvault.ThreeWayState(in.State))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, threeWayOut(v))
	return nil
}

func (h *Handler) ThreeWayNote(w http.ResponseWriter, r *http.Request) error {
	var in statementBodyJSON
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	n, err := h.svc.AddThreeWayNote(r.Context(), httpx.Principal(r), r.PathValue("threeWayID"), in.Body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, threeWayNoteOut(n))
	return nil
}
