package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type closingItemJSON struct {
	ID    string     `json:"id"`
	Kind  string     `json:"kind"` // concern, notice, plan, statement
	State string     `json:"state"`
	By    personJSON `json:"by"`
	At    *time.Time `json:"at"` // when a scheduled disclosure takes effect or a pre-authorised statement is released
}

type closingPlanJSON struct {
	Relationship  relationshipJSON  `json:"relationship"`
	ByProgramme   bool              `json:"by_programme"`
	RetentionDays int               `json:"retention_days"`
	EraseOn       time.Time         `json:"erase_on"`
	Items         []closingItemJSON `json:"items"`
}

func closingPlanOut(p *service.ClosingPlan) closingPlanJSON {
	out := closingPlanJSON{Relationship: relJSON(p.Rel), ByProgramme: p.ByProgramme, RetentionDays: p.RetentionDays, EraseOn: p.EraseOn,
		Items: []closingItemJSON{}}
	for _, it := range p.Items {
		out.Items = append(out.Items, closingItemJSON{ID: it.ID, Kind: it.Kind, State: it.State, By: person(p.People[it.ByID]), At: it.At})
	}
	return out
}

// ClosingPlan serves GET /api/v1/relationships/{id}/close: what closing it
// now would mean — the erase date and, for a party, each open item to
// settle.
func (h *Handler) ClosingPlan(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (closingPlanJSON, error) {
		return asJSON(closingPlanOut)(h.svc.ClosingPlan(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

type closeJSON struct {
	Reason  string   `json:"message"` // why, for the partner
	Settled []string `json:"settled"`
}

// Close serves POST /api/v1/relationships/{id}/close: a party closes the
// relationship, with an optional JSON body {message, settled}; without a
// body nothing is settled, which is enough only when nothing is open.
func (h *Handler) Close(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return httpx.Call(http.StatusOK, func(r *http.Request) (relationshipJSON, error) {
			return asJSON(relJSON)(h.svc.CloseRelationship(r.Context(), httpx.Principal(r), r.PathValue("id"), service.CloseInput{}))
		})(w, r)
	}
	return httpx.JSON(http.StatusOK, func(r *http.Request, in closeJSON) (relationshipJSON, error) {
		return asJSON(relJSON)(h.svc.CloseRelationship(r.Context(), httpx.Principal(r), r.PathValue("id"), service.CloseInput(in)))
	})(w, r)
}

// End serves POST /api/v1/relationships/{id}/end: a coordinator ends a
// relationship of their programme for the programme.
func (h *Handler) End(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (relationshipJSON, error) {
		return asJSON(relJSON)(h.svc.EndRelationship(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

type holdInJSON struct {
	Reason string `json:"reason"`
}

// PlaceHold serves PUT /api/v1/relationships/{id}/hold: an org admin
// places a legal hold, with its reason.
func (h *Handler) PlaceHold(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in holdInJSON) (relationshipJSON, error) {
		return asJSON(relJSON)(h.svc.PlaceHold(r.Context(), httpx.Principal(r), r.PathValue("id"), in.Reason))
	})(w, r)
}

// ReleaseHold serves DELETE /api/v1/relationships/{id}/hold.
func (h *Handler) ReleaseHold(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (relationshipJSON, error) {
		return asJSON(relJSON)(h.svc.ReleaseHold(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}
