package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
)

func (h *Handler) Notifications(w http.ResponseWriter, r *http.Request) error {
	ns, err := h.svc.Notifications(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	type nJSON struct {
		ID             string     `json:"id"`
		Kind           string     `json:"kind"`
		RelationshipID *string    `json:"relationship_id"`
		Text           string     `json:"text"`
		Link           string     `json:"link"`
		CreatedAt      time.Time  `json:"created_at"`
		ReadAt         *time.Time `json:"read_at"`
	}
	out := []nJSON{}
	unread := 0
	for _, n := range ns {
		out = append(out, nJSON{n.ID, n.Kind, optString(n.RelationshipID), n.Text, n.Link, n.CreatedAt, n.ReadAt})
		if n.ReadAt == nil {
			unread++
		}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"notifications": out, "unread": unread})
	return nil
}

func (h *Handler) MarkNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ID string `json:"id"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if err := h.svc.MarkNotificationsRead(r.Context(), httpx.Principal(r), in.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
