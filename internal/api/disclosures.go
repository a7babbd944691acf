package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// SignPlan serves POST /api/v1/relationships/{id}/disclosures/{disclosureID}/sign:
// the caller signs a disclosure plan.
func (h *Handler) SignPlan(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (disclosureJSON, error) {
		return asJSON(disclosureOut)(h.svc.SignDisclosurePlan(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("disclosureID")))
	})(w, r)
}

// WithdrawDisclosure serves POST /api/v1/relationships/{id}/disclosures/{disclosureID}/withdraw.
func (h *Handler) WithdrawDisclosure(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (disclosureJSON, error) {
		return asJSON(disclosureOut)(h.svc.WithdrawDisclosure(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("disclosureID")))
	})(w, r)
}

type receivedDisclosureJSON struct {
	ID          string     `json:"id"`
	From        personJSON `json:"from"`
	Content     string     `json:"content"`
	How         string     `json:"how"`
	Imminent    bool       `json:"imminent"`
	DeliveredAt *time.Time `json:"delivered_at"`
	Damaged     bool       `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

// receivedDisclosuresOut is where a delivered disclosure's content enters a
// response to its recipient.
func receivedDisclosuresOut(ds []*service.ReceivedDisclosure) map[string]any {
	out := []receivedDisclosureJSON{}
	for _, d := range ds {
		out = append(out, receivedDisclosureJSON{d.ID, person(d.From), d.Content.Reveal(), d.How, d.Imminent, d.DeliveredAt, d.Damaged})
	}
	return map[string]any{"disclosures": out}
}

// ReceivedDisclosures serves GET /api/v1/disclosures: the disclosures
// delivered to the caller.
func (h *Handler) ReceivedDisclosures(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(receivedDisclosuresOut)(h.svc.ReceivedDisclosures(r.Context(), httpx.Principal(r)))
	})(w, r)
}
