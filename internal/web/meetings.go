package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the time-zone choices of the meeting forms work without a system zoneinfo

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

type meetingForm struct {
	When, TZ, Minutes, Location string
	Agenda                      mentorvault.Secret // sealed content, shown again with reveal
	Error                       string
	Fields                      map[string]string
	TZs                         []opt
}

// newMeetingForm is an empty meeting form whose times are read in the
// viewer's zone z (the zone it offers first).
func newMeetingForm(z zone) meetingForm {
	return meetingForm{TZ: z.name(), Minutes: "45", TZs: tzOptions(z.name()), Fields: map[string]string{}}
}

func meetingFormFrom(m *mentorvault.Meeting, z zone) meetingForm {
	f := newMeetingForm(z)
	f.When, f.Minutes, f.Location, f.Agenda = z.input(m.StartsAt.UTC()), strconv.Itoa(m.Minutes), m.Location, m.Agenda
	return f
}

// typedMeeting is the meeting form as it was posted, to show again.
func typedMeeting(v url.Values) meetingForm {
	f := meetingForm{When: strings.TrimSpace(v.Get("starts_at")), TZ: form.Zone(v.Get("tz")), Minutes: strings.TrimSpace(v.Get("minutes")),
		Location: strings.TrimSpace(v.Get("location")), Agenda: mentorvault.NewSecret(v.Get("agenda")), Fields: map[string]string{}}
	f.TZs = tzOptions(f.TZ)
	return f
}

// refuse shows why the form was refused: its own problems, or the service's.
func (f *meetingForm) refuse(bad refused) {
	if bad.Err == nil {
		f.Error, f.Fields = "Please correct the meeting details below.", bad.Problems
		return
	}
	f.fail(bad.Err)
}

// fail keeps a service's EINVALID in the form; it reports whether err was one.
func (f *meetingForm) fail(err error) bool {
	if mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		return false
	}
	f.Error = mentorvault.ErrorMessage(err) + "."
	if f.Fields == nil {
		f.Fields = map[string]string{}
	}
	names := map[string]string{"starts_at": "The start", "minutes": "The length", "location": "The place or link", "agenda": "The agenda"}
	for k, v := range mentorvault.ErrorFields(err) {
		if k == "starts_at" {
			v = "is required"
		}
		f.Fields[k] = names[k] + " " + v + "."
	}
	return true
}

type meetingRow struct {
	ID, RelID, When, Ends, Length string
	Location                      string
	LocationIsLink                bool
	Status, StatusLabel           string
	Phase                         string // Meeting.Phase at the page's time
	HasAgenda                     bool
	Past                          bool
	Damaged                       bool // the agenda did not open: changed outside mentorvault
}

func meetingStatusLabel(s mentorvault.MeetingStatus) string {
	switch s {
	case mentorvault.MeetingScheduled:
		return "Scheduled"
	case mentorvault.MeetingHeld:
		return "Held"
	case mentorvault.MeetingCancelledInTime:
		return "Cancelled in time"
	case mentorvault.MeetingCancelledLate:
		return "Cancelled late"
	case mentorvault.MeetingMissed:
		return "Missed"
	}
	return string(s)
}

// meetingPhaseLabel is the badge of a meeting at now: its phase, and for a
// cancelled one whether it was cancelled in time.
func meetingPhaseLabel(m *mentorvault.Meeting, now time.Time) string {
	switch m.Phase(now) {
	case mentorvault.PhaseInProgress:
		return "In progress"
	case mentorvault.PhaseToRecord:
		return "Over — record whether it was held"
	}
	return meetingStatusLabel(m.Status)
}

func meetingRowOf(m *mentorvault.Meeting, now time.Time, z zone) meetingRow {
	return meetingRow{ID: m.ID, RelID: m.RelationshipID, When: z.when(m.StartsAt), Ends: z.format(m.EndsAt(), "15:04 MST"), Length: fmt.Sprintf("%d minutes", m.Minutes),
		Location: m.Location, LocationIsLink: strings.HasPrefix(m.Location, "https://") || strings.HasPrefix(m.Location, "http://"),
		Status: string(m.Status), Phase: string(m.Phase(now)), StatusLabel: meetingPhaseLabel(m, now), HasAgenda: !m.Agenda.IsZero(), Past: !m.EndsAt().After(now),
		Damaged: m.Damaged}
}

type figuresView struct {
	Planned, Held, CancelledInTime, CancelledLate, Missed, Upcoming int
	MentorName, MenteeName                                          string
	MentorKept, MenteeKept                                          string
	SessionsHeld, WithReminder                                      int
}

func followThroughText(f mentorvault.FollowThrough) string {
	rate, ok := f.Rate()
	if !ok {
		s := "not enough decided yet"
		if f.Open > 0 {
			s += fmt.Sprintf(" (%d open)", f.Open)
		}
		return s
	}
	s := fmt.Sprintf("%d of %d kept (%d%%)", f.Kept, f.Kept+f.Missed, int(math.Round(rate*100)))
	if f.Open > 0 {
		s += fmt.Sprintf(", %d open", f.Open)
	}
	return s
}

func figuresOf(rv *service.ReviewsView, v *service.RelationshipView) *figuresView {
	m := rv.Meetings
	return &figuresView{Planned: m.Planned, Held: m.Held, CancelledInTime: m.CancelledInTime, CancelledLate: m.CancelledLate, Missed: m.Missed,
		Upcoming: m.Upcoming, MentorName: v.Mentor.Name, MenteeName: v.Mentee.Name,
		MentorKept: followThroughText(rv.MentorKept), MenteeKept: followThroughText(rv.MenteeKept),
		SessionsHeld: rv.SessionsHeld, WithReminder: rv.WithReminder}
}

// habitsPanel is the meetings section of a relationship page. Whether it
// offers to schedule a meeting is the relationship's Allowed
// (meeting.schedule), asked by the template.
type habitsPanel struct {
	Upcoming []meetingRow
	Error    string
	Form     meetingForm
	Figures  *figuresView
}

// habitsPanelFor is the meetings section of the relationship page, from the
// meetings and reviews the page read (service.RelationshipPage), for one
// whom Cedar lets list its meetings; nil when there is nothing to show yet
// (the relationship has not started) or they may not.
func habitsPanelFor(v *service.RelationshipView, rp *service.RelationshipPage, z zone) *habitsPanel {
	if !v.Allowed.Has(policy.ListMeetings) || v.StartedAt == nil {
		return nil
	}
	hp := &habitsPanel{Form: newMeetingForm(z)}
	if rp.UpcomingErr == nil && rp.Upcoming != nil {
		now := time.Now()
		for _, m := range rp.Upcoming.Meetings {
			hp.Upcoming = append(hp.Upcoming, meetingRowOf(m, now, z))
		}
	} else if rp.UpcomingErr != nil {
		hp.Error = mentorvault.ErrorMessage(rp.UpcomingErr)
	}
	if rp.ReviewsErr == nil && rp.Reviews != nil {
		hp.Figures = figuresOf(rp.Reviews, v)
	}
	return hp
}

func (h *Handler) ScheduleMeeting(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseMeeting, func(in service.MeetingInput) (string, error) {
		m, err := h.svc.ScheduleMeeting(r.Context(), httpx.Principal(r), id, in)
		if err != nil {
			return "", err
		}
		return relPath(id) + "/meetings/" + m.ID + "?done=scheduled", nil
	}, func(bad refused) error {
		pg, err := h.relationshipPage(r)
		if err != nil {
			return err
		}
		if pg.Habits == nil {
			return mentorvault.Errorf(mentorvault.EFORBIDDEN, "meetings open once you have both signed the confidentiality agreement")
		}
		pg.Habits.Form = typedMeeting(r.PostForm)
		pg.Habits.Form.refuse(bad)
		h.render(w, r, bad.status(), "relationship.html", pg)
		return nil
	})
}

type meetingsPage struct {
	base
	Rel        *service.RelationshipView
	Upcoming   []meetingRow
	Past       []meetingRow
	NextBefore string
	Older      bool
}

func (h *Handler) Meetings(w http.ResponseWriter, r *http.Request) error {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	before := r.URL.Query().Get("before")
	pg := &meetingsPage{base: h.base(r, "Meetings"), Rel: v, Older: before != ""}
	now := time.Now()
	if before == "" {
		up, err := h.svc.Meetings(r.Context(), p, v.ID, service.MeetingFilter{Upcoming: true, Limit: 100})
		if err != nil {
			return err
		}
		for _, m := range up.Meetings {
			pg.Upcoming = append(pg.Upcoming, meetingRowOf(m, now, z))
		}
	}
	past, err := h.svc.Meetings(r.Context(), p, v.ID, service.MeetingFilter{Before: before, Limit: 25})
	if err != nil {
		return err
	}
	for _, m := range past.Meetings {
		pg.Past = append(pg.Past, meetingRowOf(m, now, z))
	}
	pg.NextBefore = past.NextBefore
	h.render(w, r, http.StatusOK, "meetings.html", pg)
	return nil
}

type ackRow struct {
	Who, Shown, Acknowledged string
}

// sessionNote is a session note as the meeting page shows it.
type sessionNote struct {
	ID, Visibility string
	Body           mentorvault.Secret
	AuthorName     string
	CreatedAt      string
	Damaged        bool // the note did not open: changed outside mentorvault
}

// meetingPage is one meeting. Its buttons show when Cedar allows the action
// on the relationship (Rel.Allowed) and the meeting's own state allows it
// (Meeting's Open, Startable, CanRecordOutcome), both asked by the template.
type meetingPage struct {
	base
	Rel     *service.RelationshipView
	Other   service.Person
	M       meetingRow
	Meeting *mentorvault.Meeting
	Now     time.Time
	Agenda  mentorvault.Secret
	Done    string
	// Offers is what the meeting's phase offers (Meeting.Offers): the one
	// place that decides which parts of the page show.
	Offers       mentorvault.MeetingOffers
	InProgress   bool // the viewer acknowledged the reminder
	MyAckAt      string
	CancelIsLate bool
	NoticeHours  int
	Acks         []ackRow
	OtherAcked   bool
	Notes        []sessionNote
	NoteBody     string
	NoteVis      string
	NoteError    string
	Commitments  []commitmentRow
	CForm        commitmentForm
	RForm        meetingForm
	ICS          string
	CancelledBy  string
}

func nameOf(v *service.RelationshipView, userID, me string) string {
	switch userID {
	case me:
		return "You"
	case v.MentorID:
		return v.Mentor.Name
	case v.MenteeID:
		return v.Mentee.Name
	}
	return "Someone"
}

func (h *Handler) meetingPage(r *http.Request) (*meetingPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	mv, err := h.svc.Meeting(r.Context(), p, v.ID, r.PathValue("meetingID"))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	pg := &meetingPage{base: h.base(r, "Mentoring session "+z.date(mv.StartsAt.UTC())), Rel: v, Other: v.Other(p.UserID),
		M: meetingRowOf(mv.Meeting, now, z), Meeting: mv.Meeting, Now: now, Offers: mv.Offers(now), Agenda: mv.Agenda, Done: r.URL.Query().Get("done"),
		CancelIsLate: mv.CancelIsLate, NoticeHours: mv.NoticeHours, NoteVis: "shared",
		CForm: commitmentForm{Owner: "me"}, RForm: meetingFormFrom(mv.Meeting, z),
		ICS: "/api/v1/relationships/" + url.PathEscape(v.ID) + "/meetings/" + url.PathEscape(mv.ID) + "/ics"}
	if mv.CancelledByID != "" {
		pg.CancelledBy = nameOf(v, mv.CancelledByID, p.UserID)
	}
	for _, who := range []string{v.MentorID, v.MenteeID} {
		row := ackRow{Who: nameOf(v, who, p.UserID)}
		for _, ak := range mv.Acks {
			if ak.UserID != who {
				continue
			}
			row.Shown = z.when(ak.ShownAt)
			if ak.AcknowledgedAt != nil {
				row.Acknowledged = z.when(*ak.AcknowledgedAt)
				if who == p.UserID {
					pg.InProgress, pg.MyAckAt = true, row.Acknowledged
				} else {
					pg.OtherAcked = true
				}
			}
		}
		pg.Acks = append(pg.Acks, row)
	}
	for _, n := range mv.Notes {
		pg.Notes = append(pg.Notes, sessionNote{ID: n.ID, Visibility: string(n.Visibility), Body: n.Body, CreatedAt: z.when(n.CreatedAt),
			AuthorName: nameOf(v, n.AuthorID, p.UserID), Damaged: n.Damaged})
	}
	cv, err := h.svc.Commitments(r.Context(), p, v.ID)
	if err != nil && mentorvault.ErrorCode(err) == mentorvault.EINTERNAL {
		return nil, err
	}
	if cv != nil {
		for _, c := range cv.Commitments {
			if c.MeetingID == mv.ID {
				pg.Commitments = append(pg.Commitments, commitmentRowOf(c, v, p.UserID, now))
			}
		}
	}
	return pg, nil
}

func (h *Handler) Meeting(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.meetingPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "meeting.html", pg)
	return nil
}

func meetingPath(r *http.Request) string {
	return relPath(r.PathValue("id")) + "/meetings/" + url.PathEscape(r.PathValue("meetingID"))
}

type reminderPage struct {
	base
	Rel      *service.RelationshipView
	Other    service.Person
	M        meetingRow
	Reminder mentorvault.Reminder
}

func (h *Handler) StartMeeting(w http.ResponseWriter, r *http.Request) error {
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, err := h.svc.StartMeeting(r.Context(), p, v.ID, r.PathValue("meetingID")); err != nil {
		return err
	}
	// Post, then redirect: the reminder is a page of its own, so reloading
	// it shows it again instead of posting the form again.
	http.Redirect(w, r, meetingPath(r)+"/reminder", http.StatusSeeOther)
	return nil
}

// Reminder serves the reminder of a session the viewer started.
func (h *Handler) Reminder(w http.ResponseWriter, r *http.Request) error {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	st, err := h.svc.MeetingReminder(r.Context(), p, v.ID, r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "meeting_reminder.html", &reminderPage{base: h.base(r, "Before you begin"), Rel: v, Other: v.Other(p.UserID),
		M: meetingRowOf(st.Meeting, time.Now(), z), Reminder: st.Reminder})
	return nil
}

func (h *Handler) AckReminder(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.svc.AcknowledgeReminder(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID")); err != nil {
		return err
	}
	http.Redirect(w, r, meetingPath(r)+"?done=started", http.StatusSeeOther)
	return nil
}

func (h *Handler) SessionNote(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseNote, func(n form.Note) (string, error) {
		_, err := h.svc.CreateSessionNote(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), n.Body, n.Visibility)
		return meetingPath(r) + "?done=note#session-notes", err
	}, func(bad refused) error {
		pg, err := h.meetingPage(r)
		if err != nil {
			return err
		}
		pg.NoteBody, pg.NoteVis, pg.NoteError = r.PostFormValue("body"), r.PostFormValue("visibility"), fieldsMessage(bad.Err)
		h.render(w, r, bad.status(), "meeting.html", pg)
		return nil
	})
}

func (h *Handler) RescheduleMeeting(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseMeeting, func(in service.MeetingInput) (string, error) {
		_, err := h.svc.RescheduleMeeting(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), in)
		return meetingPath(r) + "?done=rescheduled", err
	}, func(bad refused) error {
		pg, err := h.meetingPage(r)
		if err != nil {
			return err
		}
		pg.RForm = typedMeeting(r.PostForm)
		pg.RForm.refuse(bad)
		h.render(w, r, bad.status(), "meeting.html", pg)
		return nil
	})
}

func (h *Handler) CancelMeeting(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.CancelMeeting(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, meetingPath(r)+"?done="+string(m.Status), http.StatusSeeOther)
	return nil
}

func (h *Handler) MeetingOutcome(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.RecordMeetingOutcome(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("meetingID"), mentorvault.MeetingStatus(r.PostFormValue("outcome")))
	if err != nil {
		return err
	}
	http.Redirect(w, r, meetingPath(r)+"?done="+string(m.Status), http.StatusSeeOther)
	return nil
}
