package api

import (
	"encoding/hex"
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type auditEventJSON struct {
	Seq          int64       `json:"seq"`
	At           time.Time   `json:"at"`
	Actor        *personJSON `json:"actor"`
	Action       string      `json:"action"`
	Outcome      string      `json:"outcome"`
	ResourceType string      `json:"resource_type"`
	ResourceID   string      `json:"resource_id"`
	Detail       string      `json:"detail"`
	Hash         string      `json:"hash"`
}

type auditJSON struct {
	Events     []auditEventJSON `json:"events"`
	Head       map[string]any   `json:"head"`
	Checkpoint string           `json:"checkpoint"`
	NextBefore *int64           `json:"next_before"`
}

// Audit serves GET /api/v1/relationships/{id}/audit: a page of the
// relationship's audit events, newest first, before the event number
// ?before=, with the chain's head and latest checkpoint. Returns EINVALID
// for a bad limit or before.
func (h *Handler) Audit(w http.ResponseWriter, r *http.Request) error {
	return httpx.Paged(func(r *http.Request, p httpx.Page) (auditJSON, error) {
		before, err := p.BeforeSeq()
		if err != nil {
			return auditJSON{}, err
		}
		page, err := h.svc.RelationshipAudit(r.Context(), httpx.Principal(r), r.PathValue("id"), service.AuditFilter{BeforeSeq: before, Limit: p.Limit})
		if err != nil {
			return auditJSON{}, err
		}
		out := auditJSON{Events: []auditEventJSON{}, Head: map[string]any{"seq": page.Head.Seq, "hash": hex.EncodeToString(page.Head.Hash)}, Checkpoint: h.checkpoint()}
		for _, e := range page.Entries {
			ej := auditEventJSON{Seq: e.Seq, At: e.At, Action: e.Action, Outcome: e.Outcome, ResourceType: e.ResourceType,
				ResourceID: e.ResourceID, Detail: e.Detail, Hash: hex.EncodeToString(e.Hash)}
			if e.ActorID != "" {
				ej.Actor = &personJSON{ID: e.ActorID, Name: e.ActorName, Email: e.ActorEmail}
			}
			out.Events = append(out.Events, ej)
		}
		if page.NextBefore != 0 {
			out.NextBefore = &page.NextBefore
		}
		return out, nil
	})(w, r)
}
