package web

import (
	"net/http"
	_ "time/tzdata" // the time-zone choices of the meeting forms work without a system zoneinfo

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

type feedRow struct {
	ID, Created, Titles string
	Revoked             bool
}

type calendarPanel struct {
	Feeds  []feedRow
	NewURL string
	Error  string
}

func (h *Handler) calendarPanel(r *http.Request) *calendarPanel {
	z := h.zone(r)
	fs, err := h.svc.CalendarFeeds(r.Context(), httpx.Principal(r))
	if err != nil {
		return &calendarPanel{Error: mentorvault.ErrorMessage(err)}
	}
	cp := &calendarPanel{}
	for _, f := range fs {
		row := feedRow{ID: f.ID, Created: z.date(f.CreatedAt.UTC()), Titles: "“Mentoring session”", Revoked: f.RevokedAt != nil}
		if f.Detailed {
			row.Titles = "“Mentoring session with …” (names the other person)"
		}
		cp.Feeds = append(cp.Feeds, row)
	}
	return cp
}

func (h *Handler) CreateCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	raw, _, err := h.svc.CreateCalendarFeed(r.Context(), httpx.Principal(r), r.PostFormValue("detailed") == "yes")
	if err != nil {
		return err
	}
	pg, err := h.settingsPage(r)
	if err != nil {
		return err
	}
	if pg.Calendar == nil {
		pg.Calendar = &calendarPanel{}
	}
	pg.Calendar.NewURL = h.edge.BaseURL(r) + "/calendar/" + raw + ".ics"
	h.render(w, r, http.StatusOK, "settings.html", pg)
	return nil
}

func (h *Handler) RevokeCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.RevokeCalendarFeed(r.Context(), httpx.Principal(r), r.PathValue("feedID")); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings?done=feed-revoked#calendar", http.StatusSeeOther)
	return nil
}
