package api

import (
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
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

func (h *Handler) Audit(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		if before, err = strconv.ParseInt(b, 10, 64); err != nil || before < 1 {
			return mentorvault.Invalid("the query is not valid", map[string]string{"before": "must be a positive event number"})
		}
	}
	page, err := h.svc.RelationshipAudit(r.Context(), httpx.Principal(r), r.PathValue("id"), before, limit)
	if err != nil {
		return err
	}
	out := struct {
		Events     []auditEventJSON `json:"events"`
		Head       map[string]any   `json:"head"`
		Checkpoint string           `json:"checkpoint"`
		NextBefore *int64           `json:"next_before"`
	}{Events: []auditEventJSON{}, Head: map[string]any{"seq": page.Head.Seq, "hash": hex.EncodeToString(page.Head.Hash)}, Checkpoint: h.checkpoint()}
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
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
