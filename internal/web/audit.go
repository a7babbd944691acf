package web

import (
	"encoding/hex"
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type auditRow struct {
	Seq              int64
	At               string
	Who, What        string
	Denied, Failed   bool
	Resource, Detail string
}

type auditPage struct {
	base
	Rel        *service.RelationshipView
	Rows       []auditRow
	HeadSeq    int64
	HeadHash   string
	Checkpoint string
	NextBefore int64
}

func describeAction(a string) string {
	if w, ok := actionWords[a]; ok {
		return w
	}
	return a
}

func (h *Handler) Audit(w http.ResponseWriter, r *http.Request) error {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		var perr error
		if before, perr = httpx.ParseSeq(b); perr != nil {
			return perr
		}
	}
	page, err := h.svc.RelationshipAudit(r.Context(), p, v.ID, service.AuditFilter{BeforeSeq: before, Limit: 100})
	if err != nil {
		return err
	}
	pg := &auditPage{base: h.base(r, "Access log"), Rel: v, HeadSeq: page.Head.Seq, HeadHash: hex.EncodeToString(page.Head.Hash),
		Checkpoint: h.checkpoint(), NextBefore: page.NextBefore}
	for _, e := range page.Entries {
		row := auditRow{Seq: e.Seq, At: z.format(e.At, "2 Jan 2006 15:04:05 MST"), Who: e.ActorName, What: describeAction(e.Action),
			Denied: e.Outcome == mentorvault.OutcomeDenied, Failed: e.Outcome == mentorvault.OutcomeFailed, Detail: e.Detail}
		if e.ActorID == p.UserID {
			row.Who = "You"
		}
		if e.ResourceType == "note" {
			row.Resource = "note " + shortID(e.ResourceID)
		}
		pg.Rows = append(pg.Rows, row)
	}
	h.render(w, r, http.StatusOK, "audit.html", pg)
	return nil
}
