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

// CalendarFeed serves GET /calendar/{file}, a private calendar subscription:
// authorised by the secret token in its URL, since calendar apps send no
// credentials; an unknown or revoked token is a plain 404.
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

// CalendarFeeds serves GET /api/v1/calendar-feeds: the caller's feeds,
// without their secret URLs.
func (h *Handler) CalendarFeeds(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(func(fs []*mentorvault.CalendarFeed) map[string]any {
			out := []feedJSON{}
			for _, f := range fs {
				out = append(out, feedJSON{ID: f.ID, Detailed: f.Detailed, CreatedAt: f.CreatedAt, RevokedAt: f.RevokedAt})
			}
			return map[string]any{"feeds": out}
		})(h.svc.CalendarFeeds(r.Context(), httpx.Principal(r)))
	})(w, r)
}

type feedInputJSON struct {
	Detailed bool `json:"detailed"`
}

// CreateCalendarFeed serves POST /api/v1/calendar-feeds: 201 with the feed
// and its secret URL, shown only this once.
func (h *Handler) CreateCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in feedInputJSON) (feedJSON, error) {
		raw, f, err := h.svc.CreateCalendarFeed(r.Context(), httpx.Principal(r), in.Detailed)
		if err != nil {
			return feedJSON{}, err
		}
		return feedJSON{ID: f.ID, Detailed: f.Detailed, URL: h.edge.BaseURL(r) + "/calendar/" + raw + ".ics", CreatedAt: f.CreatedAt}, nil
	})(w, r)
}

// RevokeCalendarFeed serves DELETE /api/v1/calendar-feeds/{feedID}: 204.
func (h *Handler) RevokeCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	return httpx.NoContent(func(r *http.Request) error {
		return h.svc.RevokeCalendarFeed(r.Context(), httpx.Principal(r), r.PathValue("feedID"))
	})(w, r)
}
