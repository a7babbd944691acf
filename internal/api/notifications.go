package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type notificationJSON struct {
	ID             string     `json:"id"`
	Kind           string     `json:"kind"`
	RelationshipID *string    `json:"relationship_id"`
	Text           string     `json:"text"`
	Link           string     `json:"link"`
	CreatedAt      time.Time  `json:"created_at"`
	ReadAt         *time.Time `json:"read_at"`
}

func notificationsOut(ns []*mentorvault.Notification) map[string]any {
	out := []notificationJSON{}
	unread := 0
	for _, n := range ns {
		out = append(out, notificationJSON{n.ID, n.Kind, optString(n.RelationshipID), n.Text, n.Link, n.CreatedAt, n.ReadAt})
		if n.ReadAt == nil {
			unread++
		}
	}
	return map[string]any{"notifications": out, "unread": unread}
}

// Notifications serves GET /api/v1/notifications: the caller's
// notifications and how many are unread.
func (h *Handler) Notifications(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(notificationsOut)(h.svc.Notifications(r.Context(), httpx.Principal(r), service.NotificationFilter{}))
	})(w, r)
}

type markReadJSON struct {
	ID string `json:"id"`
}

// MarkNotificationsRead serves POST /api/v1/notifications/read: marks one
// notification read, or all when no id is sent; 204.
func (h *Handler) MarkNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSONNoContent(func(r *http.Request, in markReadJSON) error {
		return h.svc.MarkNotificationsRead(r.Context(), httpx.Principal(r), in.ID)
	})(w, r)
}
