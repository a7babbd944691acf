package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/calendar"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type meetingJSON struct {
	ID          string     `json:"id"`
	StartsAt    time.Time  `json:"starts_at"`
	Minutes     int        `json:"minutes"`
	Location    string     `json:"location"`
	Agenda      string     `json:"agenda"`
	Status      string     `json:"status"`
	Sequence    int        `json:"sequence"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	CancelledBy *string    `json:"cancelled_by"`
	CancelledAt *time.Time `json:"cancelled_at"`
	Damaged     bool       `json:"damaged,omitempty"`
}

// meetingOut is where a meeting's agenda enters an API response.
func meetingOut(m *mentorvault.Meeting) meetingJSON {
	out := meetingJSON{ID: m.ID, StartsAt: m.StartsAt, Minutes: m.Minutes, Location: m.Location, Agenda: m.Agenda.Reveal(),
		Status: string(m.Status), Sequence: m.Sequence, CreatedBy: m.CreatedByID, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, CancelledAt: m.CancelledAt,
		Damaged: m.Damaged}
	if m.CancelledByID != "" {
		out.CancelledBy = &m.CancelledByID
	}
	return out
}

type meetingInputJSON struct {
	StartsAt *time.Time `json:"starts_at"`
	Minutes  int        `json:"minutes"`
	Location string     `json:"location"`
	Agenda   string     `json:"agenda"`
}

func (in meetingInputJSON) input() service.MeetingInput {
	out := service.MeetingInput{Minutes: in.Minutes, Location: in.Location, Agenda: in.Agenda}
	if in.StartsAt != nil {
		out.StartsAt = *in.StartsAt
	}
	return out
}

// ScheduleMeeting serves POST /api/v1/relationships/{id}/meetings: 201 with the meeting.
func (h *Handler) ScheduleMeeting(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in meetingInputJSON) (meetingJSON, error) {
		return asJSON(meetingOut)(h.svc.ScheduleMeeting(r.Context(), httpx.Principal(r), r.PathValue("id"), in.input()))
	})(w, r)
}

type meetingsJSON struct {
	Meetings   []meetingJSON `json:"meetings"`
	NextBefore *string       `json:"next_before"`
}

// Meetings serves GET /api/v1/relationships/{id}/meetings: a page of the
// upcoming (the default) or past meetings, as ?when= asks; EINVALID for
// another when.
func (h *Handler) Meetings(w http.ResponseWriter, r *http.Request) error {
	return httpx.Paged(func(r *http.Request, p httpx.Page) (meetingsJSON, error) {
		when := r.URL.Query().Get("when")
		if when == "" {
			when = "upcoming"
		}
		if when != "upcoming" && when != "past" {
			return meetingsJSON{}, mentorvault.Invalid("the query is not valid", map[string]string{"when": `must be "upcoming" or "past"`})
		}
		page, err := h.svc.Meetings(r.Context(), httpx.Principal(r), r.PathValue("id"), service.MeetingFilter{Upcoming: when == "upcoming", Before: p.Before, Limit: p.Limit})
		if err != nil {
			return meetingsJSON{}, err
		}
		out := meetingsJSON{Meetings: []meetingJSON{}}
		for _, m := range page.Meetings {
			out.Meetings = append(out.Meetings, meetingOut(m))
		}
		if page.NextBefore != "" {
			out.NextBefore = &page.NextBefore
		}
		return out, nil
	})(w, r)
}

type ackJSON struct {
	UserID         string     `json:"user_id"`
	ShownAt        time.Time  `json:"shown_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
}

type meetingViewJSON struct {
	meetingJSON
	Notes              []noteJSON `json:"notes"`
	Reminders          []ackJSON  `json:"reminders"`
	CancellationNotice int        `json:"cancellation_notice_hours"`
	CancelNowIsLate    bool       `json:"cancel_now_is_late"`
}

func meetingViewOut(v *service.MeetingView) meetingViewJSON {
	out := meetingViewJSON{meetingJSON: meetingOut(v.Meeting), Notes: []noteJSON{}, Reminders: []ackJSON{}, CancellationNotice: v.NoticeHours, CancelNowIsLate: v.CancelIsLate}
	for _, n := range v.Notes {
		out.Notes = append(out.Notes, noteOut(n))
	}
	for _, a := range v.Acks {
		out.Reminders = append(out.Reminders, ackJSON{a.UserID, a.ShownAt, a.AcknowledgedAt})
	}
	return out
}

// Meeting serves GET /api/v1/relationships/{id}/meetings/{meetingID}: the
// meeting with its notes, reminder acknowledgements and cancellation terms.
func (h *Handler) Meeting(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (meetingViewJSON, error) {
		return asJSON(meetingViewOut)(h.svc.Meeting(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID")))
	})(w, r)
}

// RescheduleMeeting serves PUT /api/v1/relationships/{id}/meetings/{meetingID}.
func (h *Handler) RescheduleMeeting(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in meetingInputJSON) (meetingJSON, error) {
		return asJSON(meetingOut)(h.svc.RescheduleMeeting(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), in.input()))
	})(w, r)
}

// CancelMeeting serves POST /api/v1/relationships/{id}/meetings/{meetingID}/cancel.
func (h *Handler) CancelMeeting(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (meetingJSON, error) {
		return asJSON(meetingOut)(h.svc.CancelMeeting(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID")))
	})(w, r)
}

type outcomeJSON struct {
	Outcome string `json:"outcome"`
}

// MeetingOutcome serves POST /api/v1/relationships/{id}/meetings/{meetingID}/outcome:
// records whether the meeting was held.
func (h *Handler) MeetingOutcome(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in outcomeJSON) (meetingJSON, error) {
		return asJSON(meetingOut)(h.svc.RecordMeetingOutcome(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), mentorvault.MeetingStatus(in.Outcome)))
	})(w, r)
}

type reminderJSON struct {
	AgreementVersion int        `json:"agreement_version"`
	Private          []string   `json:"private"`
	Shareable        []string   `json:"shareable"`
	Exceptions       []string   `json:"exceptions"`
	ShownAt          time.Time  `json:"shown_at"`
	AcknowledgedAt   *time.Time `json:"acknowledged_at"`
}

func reminderOut(st *service.SessionStart) reminderJSON {
	return reminderJSON{AgreementVersion: st.Reminder.Version, Private: st.Reminder.Private, Shareable: st.Reminder.Shareable,
		Exceptions: st.Reminder.Exceptions, ShownAt: st.Ack.ShownAt, AcknowledgedAt: st.Ack.AcknowledgedAt}
}

// StartMeeting serves POST /api/v1/relationships/{id}/meetings/{meetingID}/start:
// the confidentiality reminder to show as the session begins.
func (h *Handler) StartMeeting(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (reminderJSON, error) {
		return asJSON(reminderOut)(h.svc.StartMeeting(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID")))
	})(w, r)
}

// AckReminder serves POST /api/v1/relationships/{id}/meetings/{meetingID}/reminder-ack.
func (h *Handler) AckReminder(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (reminderJSON, error) {
		return asJSON(reminderOut)(h.svc.AcknowledgeReminder(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID")))
	})(w, r)
}

// MeetingNote serves POST /api/v1/relationships/{id}/meetings/{meetingID}/notes:
// 201 with the session note.
func (h *Handler) MeetingNote(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in noteInputJSON) (noteJSON, error) {
		if in.Body == nil {
			return noteJSON{}, mentorvault.Invalid("the note is not valid", map[string]string{"body": "is required"})
		}
		return asJSON(noteOut)(h.svc.CreateSessionNote(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), *in.Body, mentorvault.Visibility(in.Visibility)))
	})(w, r)
}

// MeetingICS serves GET /api/v1/relationships/{id}/meetings/{meetingID}/ics:
// the meeting as an iCalendar file.
func (h *Handler) MeetingICS(w http.ResponseWriter, r *http.Request) error {
	ev, err := h.svc.MeetingCalendar(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), h.edge.BaseURL(r))
	if err != nil {
		return err
	}
	return writeICS(w, "", "mentoring-session.ics", []calendar.Event{ev})
}
