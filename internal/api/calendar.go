package api

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/calendar"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

func writeICS(w http.ResponseWriter, name, filename string, events []calendar.Event) error {
	var b bytes.Buffer
	if err := calendar.Write(&b, name, events); err != nil {
		return mentorvault.Internal(err)
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	if filename != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// calendarFeed serves a private calendar subscription: authorised by the
// secret token in its URL, since calendar apps send no credentials.
func (h *Handler) CalendarFeed(w http.ResponseWriter, r *http.Request) error {
	token, _ := strings.CutSuffix(r.PathValue("file"), ".ics")
	evs, err := h.svc.CalendarFeedEvents(r.Context(), token, h.edge.BaseURL(r))
	if err != nil {
		if mentorvault.ErrorCode(err) == mentorvault.EUNAUTHENTICATED {
			http.Error(w, mentorvault.ErrorMessage(err), http.StatusNotFound)
			return nil
		}
		return err
	}
	return writeICS(w, "Mentoring (mentorvault)", "", evs)
}

type feedJSON struct {
	ID        string     `json:"id"`
	Detailed  bool       `json:"detailed"`
	URL       string     `json:"url,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

func (h *Handler) CalendarFeeds(w http.ResponseWriter, r *http.Request) error {
	fs, err := h.svc.CalendarFeeds(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	out := []feedJSON{}
	for _, f := range fs {
		out = append(out, feedJSON{ID: f.ID, Detailed: f.Detailed, CreatedAt: f.CreatedAt, RevokedAt: f.RevokedAt})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"feeds": out})
	return nil
}

func (h *Handler) CreateCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Detailed bool `json:"detailed"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	raw, f, err := h.svc.CreateCalendarFeed(r.Context(), httpx.Principal(r), in.Detailed)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, feedJSON{ID: f.ID, Detailed: f.Detailed, URL: h.edge.BaseURL(r) + "/calendar/" + raw + ".ics", CreatedAt: f.CreatedAt})
	return nil
}

func (h *Handler) RevokeCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.RevokeCalendarFeed(r.Context(), httpx.Principal(r), r.PathValue("feedID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
