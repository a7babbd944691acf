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
}

// meetingOut is where a meeting's agenda enters an API response.
func meetingOut(m *mentorvault.Meeting) meetingJSON {
	out := meetingJSON{ID: m.ID, StartsAt: m.StartsAt, Minutes: m.Minutes, Location: m.Location, Agenda: m.Agenda.Reveal(),
		Status: string(m.Status), Sequence: m.Sequence, CreatedBy: m.CreatedByID, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, CancelledAt: m.CancelledAt}
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

func (h *Handler) ScheduleMeeting(w http.ResponseWriter, r *http.Request) error {
	var in meetingInputJSON
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	m, err := h.svc.ScheduleMeeting(r.Context(), httpx.Principal(r), r.PathValue("id"), in.input())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, meetingOut(m))
	return nil
}

func (h *Handler) Meetings(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	when := q.Get("when")
	if when == "" {
		when = "upcoming"
	}
	if when != "upcoming" && when != "past" {
		return mentorvault.Invalid("the query is not valid", map[string]string{"when": `must be "upcoming" or "past"`})
	}
	page, err := h.svc.Meetings(r.Context(), httpx.Principal(r), r.PathValue("id"), when == "upcoming", q.Get("before"), limit)
	if err != nil {
		return err
	}
	out := struct {
		Meetings   []meetingJSON `json:"meetings"`
		NextBefore *string       `json:"next_before"`
	}{Meetings: []meetingJSON{}}
	for _, m := range page.Meetings {
		out.Meetings = append(out.Meetings, meetingOut(m))
	}
	if page.NextBefore != "" {
		out.NextBefore = &page.NextBefore
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) Meeting(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Meeting(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	type ackJSON struct {
		UserID         string     `json:"user_id"`
		ShownAt        time.Time  `json:"shown_at"`
		AcknowledgedAt *time.Time `json:"acknowledged_at"`
	}
	out := struct {
		meetingJSON
		Notes              []noteJSON `json:"notes"`
		Reminders          []ackJSON  `json:"reminders"`
		CancellationNotice int        `json:"cancellation_notice_hours"`
		CancelNowIsLate    bool       `json:"cancel_now_is_late"`
	}{meetingJSON: meetingOut(v.Meeting), Notes: []noteJSON{}, Reminders: []ackJSON{}, CancellationNotice: v.NoticeHours, CancelNowIsLate: v.CancelIsLate}
	for _, n := range v.Notes {
		out.Notes = append(out.Notes, noteOut(n))
	}
	for _, a := range v.Acks {
		out.Reminders = append(out.Reminders, ackJSON{a.UserID, a.ShownAt, a.AcknowledgedAt})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) RescheduleMeeting(w http.ResponseWriter, r *http.Request) error {
	var in meetingInputJSON
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	m, err := h.svc.RescheduleMeeting(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), in.input())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, meetingOut(m))
	return nil
}

func (h *Handler) CancelMeeting(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.CancelMeeting(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, meetingOut(m))
	return nil
}

func (h *Handler) MeetingOutcome(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Outcome string `json:"outcome"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	m, err := h.svc.RecordMeetingOutcome(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), mentorvault.MeetingStatus(in.Outcome))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, meetingOut(m))
	return nil
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

func (h *Handler) StartMeeting(w http.ResponseWriter, r *http.Request) error {
	st, err := h.svc.StartMeeting(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, reminderOut(st))
	return nil
}

func (h *Handler) AckReminder(w http.ResponseWriter, r *http.Request) error {
	st, err := h.svc.AcknowledgeReminder(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, reminderOut(st))
	return nil
}

func (h *Handler) MeetingNote(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body       *string `json:"body"`
		Visibility string  `json:"visibility"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Body == nil {
		return mentorvault.Invalid("the note is not valid", map[string]string{"body": "is required"})
	}
	n, err := h.svc.CreateSessionNote(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), *in.Body, mentorvault.Visibility(in.Visibility))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, noteOut(n))
	return nil
}

func (h *Handler) MeetingICS(w http.ResponseWriter, r *http.Request) error {
	ev, err := h.svc.MeetingCalendar(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), h.edge.BaseURL(r))
	if err != nil {
		return err
	}
	return writeICS(w, "", "mentoring-session.ics", []calendar.Event{ev})
}
