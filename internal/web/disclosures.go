package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

func (h *Handler) SignPlan(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	d, err := h.svc.SignDisclosurePlan(r.Context(), httpx.Principal(r), id, r.PathValue("disclosureID"))
	if err != nil {
		return err
	}
	done := "signed"
	switch d.State {
	case mentorvault.DisclosureScheduled:
		done = "plan-agreed"
	case mentorvault.DisclosureDelivered:
		done = "disclosed"
	}
	http.Redirect(w, r, concernPath(id, d.ConcernID)+"?done="+done+"#d-"+d.ID, http.StatusSeeOther)
	return nil
}

func (h *Handler) WithdrawDisclosure(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	d, err := h.svc.WithdrawDisclosure(r.Context(), httpx.Principal(r), id, r.PathValue("disclosureID"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, concernPath(id, d.ConcernID)+"?done=withdrawn#d-"+d.ID, http.StatusSeeOther)
	return nil
}

type receivedRow struct {
	ID, From, How, Delivered string
	Content                  mentorvault.Secret
	Imminent                 bool
	Damaged                  bool // its sealed text did not open: changed outside mentorvault
}

type disclosuresPage struct {
	base
	Rows []receivedRow
}

func (h *Handler) Disclosures(w http.ResponseWriter, r *http.Request) error {
	z := h.zone(r)
	ds, err := h.svc.ReceivedDisclosures(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	pg := &disclosuresPage{base: h.base(r, "Disclosures received")}
	for _, d := range ds { // newest first
		row := receivedRow{ID: d.ID, From: d.From.Name, How: d.How, Content: d.Content, Imminent: d.Imminent, Damaged: d.Damaged}
		if d.DeliveredAt != nil {
			row.Delivered = z.when(*d.DeliveredAt)
		}
		pg.Rows = append(pg.Rows, row)
	}
	h.render(w, r, http.StatusOK, "disclosures.html", pg)
	return nil
}
