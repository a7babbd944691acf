package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
)

func (h *Handler) SignPlan(w http.ResponseWriter, r *http.Request) error {
	d, err := h.svc.SignDisclosurePlan(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("disclosureID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, disclosureOut(d))
	return nil
}

func (h *Handler) WithdrawDisclosure(w http.ResponseWriter, r *http.Request) error {
	d, err := h.svc.WithdrawDisclosure(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("disclosureID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, disclosureOut(d))
	return nil
}

func (h *Handler) ReceivedDisclosures(w http.ResponseWriter, r *http.Request) error {
	ds, err := h.svc.ReceivedDisclosures(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	type rJSON struct {
		ID          string     `json:"id"`
		From        personJSON `json:"from"`
		Content     string     `json:"content"`
		How         string     `json:"how"`
		Imminent    bool       `json:"imminent"`
		DeliveredAt *time.Time `json:"delivered_at"`
	}
	out := []rJSON{}
	for _, d := range ds {
		out = append(out, rJSON{d.ID, person(d.From), d.Content.Reveal(), d.How, d.Imminent, d.DeliveredAt})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"disclosures": out})
	return nil
}
