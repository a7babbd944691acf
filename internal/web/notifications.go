package web

import (
	"net/http"
	_ "time/tzdata" // the time-zone choices of the meeting forms work without a system zoneinfo

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type notificationRow struct {
	ID, Text, When string
	Unread, Link   bool
}

type notificationsPage struct {
	base
	Rows []notificationRow
	Done string
}

func (h *Handler) Notifications(w http.ResponseWriter, r *http.Request) error {
	z := h.zone(r)
	ns, err := h.svc.Notifications(r.Context(), httpx.Principal(r), service.NotificationFilter{})
	if err != nil {
		return err
	}
	pg := &notificationsPage{base: h.base(r, "Notifications"), Done: r.URL.Query().Get("done")}
	for _, n := range ns {
		pg.Rows = append(pg.Rows, notificationRow{ID: n.ID, Text: n.Text, When: z.when(n.CreatedAt), Unread: n.ReadAt == nil, Link: n.Link != ""})
	}
	h.render(w, r, http.StatusOK, "notifications.html", pg)
	return nil
}

func (h *Handler) MarkNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.MarkNotificationsRead(r.Context(), httpx.Principal(r), ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications?done=read", http.StatusSeeOther)
	return nil
}

// webOpenNotification marks one notification read and follows its link.
func (h *Handler) OpenNotification(w http.ResponseWriter, r *http.Request) error {
	p, id := httpx.Principal(r), r.PathValue("notificationID")
	ns, err := h.svc.Notifications(r.Context(), p, service.NotificationFilter{})
	if err != nil {
		return err
	}
	for _, n := range ns {
		if n.ID == id {
			if err := h.svc.MarkNotificationsRead(r.Context(), p, id); err != nil {
				return err
			}
			link := "/notifications"
			if n.Link != "" {
				link = safeNext(n.Link)
			}
			http.Redirect(w, r, link, http.StatusSeeOther)
			return nil
		}
	}
	return mentorvault.Errorf(mentorvault.ENOTFOUND, "notification not found")
}
