package server

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
	"github.com/mentorvault/mentorvault/internal/service"
)

// The web pages of the habits that build trust: meetings and the
// confidentiality reminder, session notes, commitments, goals, feedback on
// the mentoring approach, notifications and calendar feeds.

const whenFmt = "Mon 2 Jan 2006, 15:04 MST"

// timeZones are the zones the meeting forms offer; times entered are read in
// the chosen zone, and every time is shown in UTC.
var timeZones = []string{"UTC", "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
	"Europe/Amsterdam", "Europe/Warsaw", "Europe/Helsinki", "America/New_York", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Sao_Paulo", "Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
	"Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland"}

func tzOptions(sel string) []opt {
	if sel == "" {
		sel = "UTC"
	}
	out := make([]opt, len(timeZones))
	for i, z := range timeZones {
		out[i] = opt{Value: z, Label: strings.ReplaceAll(z, "_", " "), Selected: z == sel}
	}
	return out
}

func fmtWhen(t time.Time) string { return t.UTC().Format(whenFmt) }

func relPath(id string) string { return "/relationships/" + url.PathEscape(id) }

// --- the schedule/reschedule form ---

type meetingForm struct {
	When, TZ, Minutes, Location, Agenda string
	Error                               string
	Fields                              map[string]string
	TZs                                 []opt
}

func newMeetingForm() meetingForm {
	return meetingForm{TZ: "UTC", Minutes: "45", TZs: tzOptions("UTC"), Fields: map[string]string{}}
}

func meetingFormFrom(m *mentorvault.Meeting) meetingForm {
	f := newMeetingForm()
	f.When, f.Minutes, f.Location, f.Agenda = m.StartsAt.UTC().Format("2006-01-02T15:04"), strconv.Itoa(m.Minutes), m.Location, m.Agenda.Reveal()
	return f
}

// parse reads the posted form; errors are kept in f for showing again.
func (f *meetingForm) parse(r *http.Request) (service.MeetingInput, bool) {
	f.When, f.TZ, f.Minutes = strings.TrimSpace(r.PostFormValue("starts_at")), r.PostFormValue("tz"), strings.TrimSpace(r.PostFormValue("minutes"))
	f.Location, f.Agenda = strings.TrimSpace(r.PostFormValue("location")), r.PostFormValue("agenda")
	f.Fields = map[string]string{}
	if f.TZ == "" {
		f.TZ = "UTC"
	}
	f.TZs = tzOptions(f.TZ)
	var in service.MeetingInput
	loc, err := time.LoadLocation(f.TZ)
	known := false
	for _, z := range timeZones {
		known = known || z == f.TZ
	}
	if err != nil || !known {
		f.Fields["tz"] = "Choose a time zone from the list."
		loc = time.UTC
	}
	switch {
	case f.When == "":
		f.Fields["starts_at"] = "Enter the date and time the meeting starts."
	default:
		t, err := time.ParseInLocation("2006-01-02T15:04", f.When, loc)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02T15:04:05", f.When, loc)
		}
		if err != nil {
			f.Fields["starts_at"] = "Enter a date and time like 2026-03-01 14:30."
		}
		in.StartsAt = t
	}
	n, err := strconv.Atoi(f.Minutes)
	if err != nil {
		f.Fields["minutes"] = "Enter the length in minutes, from 5 to 480."
	}
	in.Minutes, in.Location, in.Agenda = n, f.Location, f.Agenda
	if len(f.Fields) > 0 {
		f.Error = "Please correct the meeting details below."
		return in, false
	}
	return in, true
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

// --- meetings as rows ---

type meetingRow struct {
	ID, RelID, When, Ends, Length string
	Location                      string
	LocationIsLink                bool
	Status, StatusLabel           string
	HasAgenda                     bool
	Past                          bool
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

func meetingRowOf(m *mentorvault.Meeting, now time.Time) meetingRow {
	return meetingRow{ID: m.ID, RelID: m.RelationshipID, When: fmtWhen(m.StartsAt), Ends: m.EndsAt().UTC().Format("15:04 MST"), Length: fmt.Sprintf("%d minutes", m.Minutes),
		Location: m.Location, LocationIsLink: strings.HasPrefix(m.Location, "https://") || strings.HasPrefix(m.Location, "http://"),
		Status: string(m.Status), StatusLabel: meetingStatusLabel(m.Status), HasAgenda: !m.Agenda.IsZero(), Past: !m.EndsAt().After(now)}
}

// --- the relationship page's habits panel ---

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

type habitsPanel struct {
	Upcoming    []meetingRow
	Error       string
	CanSchedule bool
	Form        meetingForm
	Figures     *figuresView
}

// habitsPanel is the meetings section of a party's relationship page; nil
// when there is nothing to show yet (the relationship has not started).
func (s *Server) habitsPanel(r *http.Request, v *service.RelationshipView) (*habitsPanel, error) {
	p := principal(r)
	if !v.IsParty(p.UserID) || v.StartedAt == nil {
		return nil, nil
	}
	hp := &habitsPanel{CanSchedule: v.Status == mentorvault.StatusActive, Form: newMeetingForm()}
	page, err := s.svc.Meetings(r.Context(), p, v.ID, true, "", 5)
	switch {
	case err == nil:
		now := time.Now()
		for _, m := range page.Meetings {
			hp.Upcoming = append(hp.Upcoming, meetingRowOf(m, now))
		}
	case mentorvault.ErrorCode(err) == mentorvault.EINTERNAL:
		return nil, err
	default:
		hp.Error = mentorvault.ErrorMessage(err)
	}
	if rv, err := s.svc.Reviews(r.Context(), p, v.ID); err == nil {
		hp.Figures = figuresOf(rv, v)
	} else if mentorvault.ErrorCode(err) == mentorvault.EINTERNAL {
		return nil, err
	}
	return hp, nil
}

func (s *Server) webScheduleMeeting(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := newMeetingForm()
	in, ok := f.parse(r)
	if ok {
		m, err := s.svc.ScheduleMeeting(r.Context(), principal(r), id, in)
		if err == nil {
			http.Redirect(w, r, relPath(id)+"/meetings/"+m.ID+"?done=scheduled", http.StatusSeeOther)
			return nil
		}
		if !f.fail(err) {
			return err
		}
	}
	pg, err := s.relationshipPage(r)
	if err != nil {
		return err
	}
	if pg.Habits == nil {
		return mentorvault.Errorf(mentorvault.EFORBIDDEN, "meetings open once you have both signed the confidentiality agreement")
	}
	pg.Habits.Form = f
	s.render(w, r, http.StatusBadRequest, "relationship.html", pg)
	return nil
}

// --- all meetings ---

type meetingsPage struct {
	base
	Rel        *service.RelationshipView
	Upcoming   []meetingRow
	Past       []meetingRow
	NextBefore string
	Older      bool
}

func (s *Server) webMeetings(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	before := r.URL.Query().Get("before")
	pg := &meetingsPage{base: s.base(r, "Meetings"), Rel: v, Older: before != ""}
	now := time.Now()
	if before == "" {
		up, err := s.svc.Meetings(r.Context(), p, v.ID, true, "", 100)
		if err != nil {
			return s.hideFromOutsider(v, p, err)
		}
		for _, m := range up.Meetings {
			pg.Upcoming = append(pg.Upcoming, meetingRowOf(m, now))
		}
	}
	past, err := s.svc.Meetings(r.Context(), p, v.ID, false, before, 25)
	if err != nil {
		return s.hideFromOutsider(v, p, err)
	}
	for _, m := range past.Meetings {
		pg.Past = append(pg.Past, meetingRowOf(m, now))
	}
	pg.NextBefore = past.NextBefore
	s.render(w, r, http.StatusOK, "meetings.html", pg)
	return nil
}

// hideFromOutsider answers "not found" to someone outside the pair who asks
// for the pair's content: they learn nothing of what exists in it.
func (s *Server) hideFromOutsider(v *service.RelationshipView, p mentorvault.Principal, err error) error {
	if mentorvault.ErrorCode(err) == mentorvault.EFORBIDDEN && !v.IsParty(p.UserID) {
		return mentorvault.Errorf(mentorvault.ENOTFOUND, "there is no page at this address")
	}
	return err
}

// --- one meeting ---

type ackRow struct {
	Who, Shown, Acknowledged string
}

type commitmentRow struct {
	ID, Description, OwnerName, Due, Status, StatusLabel string
	Mine, CanAccept, CanClose, CanDrop, Overdue          bool
	MeetingID, GoalID                                    string
}

type commitmentForm struct {
	Owner, Description, Due, GoalID string
	Error                           string
}

type meetingPage struct {
	base
	Rel          *service.RelationshipView
	Other        service.Person
	M            meetingRow
	Agenda       string
	Done         string
	Active       bool
	Scheduled    bool
	Startable    bool
	Started      bool // it is past the start time
	CanRecord    bool
	InProgress   bool // the viewer acknowledged the reminder
	MyAckAt      string
	CancelIsLate bool
	NoticeHours  int
	Acks         []ackRow
	OtherAcked   bool
	Notes        []noteView
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

func commitmentRowOf(c *mentorvault.Commitment, v *service.RelationshipView, me string, now time.Time) commitmentRow {
	row := commitmentRow{ID: c.ID, Description: c.Description.Reveal(), OwnerName: nameOf(v, c.OwnerID, me), Due: c.DueAt.UTC().Format("Mon 2 Jan 2006"),
		Status: string(c.Status), StatusLabel: title(string(c.Status)), Mine: c.OwnerID == me, MeetingID: c.MeetingID, GoalID: c.GoalID}
	if c.Status == mentorvault.CommitmentProposed {
		row.StatusLabel = "Proposed — waiting for " + nameOf(v, c.OwnerID, me)
		if row.Mine {
			row.StatusLabel = "Proposed to you"
		}
	}
	active := v.Status == mentorvault.StatusActive
	row.CanAccept = active && row.Mine && c.Status == mentorvault.CommitmentProposed
	row.CanClose = active && row.Mine && c.Status == mentorvault.CommitmentOpen
	row.CanDrop = active && (c.Status == mentorvault.CommitmentOpen || c.Status == mentorvault.CommitmentProposed)
	row.Overdue = c.Status == mentorvault.CommitmentOpen && c.DueAt.Before(now)
	return row
}

func (s *Server) meetingPage(r *http.Request) (*meetingPage, error) {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	mv, err := s.svc.Meeting(r.Context(), p, v.ID, r.PathValue("meetingID"))
	if err != nil {
		return nil, s.hideFromOutsider(v, p, err)
	}
	now := time.Now()
	pg := &meetingPage{base: s.base(r, "Mentoring session "+mv.StartsAt.UTC().Format("2 Jan 2006")), Rel: v, Other: v.Other(p.UserID),
		M: meetingRowOf(mv.Meeting, now), Agenda: mv.Agenda.Reveal(), Done: r.URL.Query().Get("done"),
		Active: v.Status == mentorvault.StatusActive, Scheduled: mv.Status == mentorvault.MeetingScheduled,
		Started: !now.Before(mv.StartsAt), CancelIsLate: mv.CancelIsLate, NoticeHours: mv.NoticeHours, NoteVis: "shared",
		CForm: commitmentForm{Owner: "me"}, RForm: meetingFormFrom(mv.Meeting),
		ICS: "/api/v1/relationships/" + url.PathEscape(v.ID) + "/meetings/" + url.PathEscape(mv.ID) + "/ics"}
	pg.Startable = pg.Active && (mv.Status == mentorvault.MeetingScheduled || mv.Status == mentorvault.MeetingHeld)
	pg.CanRecord = pg.Scheduled && pg.Started && (pg.Active || v.Status == mentorvault.StatusPaused)
	if mv.CancelledByID != "" {
		pg.CancelledBy = nameOf(v, mv.CancelledByID, p.UserID)
	}
	for _, who := range []string{v.MentorID, v.MenteeID} {
		row := ackRow{Who: nameOf(v, who, p.UserID)}
		for _, ak := range mv.Acks {
			if ak.UserID != who {
				continue
			}
			row.Shown = fmtWhen(ak.ShownAt)
			if ak.AcknowledgedAt != nil {
				row.Acknowledged = fmtWhen(*ak.AcknowledgedAt)
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
		nv := noteView{ID: n.ID, Visibility: string(n.Visibility), Body: n.Body.Reveal(), Mine: n.AuthorID == p.UserID,
			CreatedAt: fmtWhen(n.CreatedAt), UpdatedAt: fmtWhen(n.UpdatedAt), Edited: n.UpdatedAt.After(n.CreatedAt), AuthorName: nameOf(v, n.AuthorID, p.UserID)}
		pg.Notes = append(pg.Notes, nv)
	}
	cv, err := s.svc.Commitments(r.Context(), p, v.ID)
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

func (s *Server) webMeeting(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.meetingPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "meeting.html", pg)
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

func (s *Server) webStartMeeting(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	st, err := s.svc.StartMeeting(r.Context(), p, v.ID, r.PathValue("meetingID"))
	if err != nil {
		return s.hideFromOutsider(v, p, err)
	}
	s.render(w, r, http.StatusOK, "meeting_reminder.html", &reminderPage{base: s.base(r, "Before you begin"), Rel: v, Other: v.Other(p.UserID),
		M: meetingRowOf(st.Meeting, time.Now()), Reminder: st.Reminder})
	return nil
}

func (s *Server) webAckReminder(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.svc.AcknowledgeReminder(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID")); err != nil {
		return err
	}
	http.Redirect(w, r, meetingPath(r)+"?done=started", http.StatusSeeOther)
	return nil
}

func (s *Server) webSessionNote(w http.ResponseWriter, r *http.Request) error {
	body, vis := r.PostFormValue("body"), r.PostFormValue("visibility")
	_, err := s.svc.CreateSessionNote(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"), body, mentorvault.Visibility(vis))
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.meetingPage(r)
		if perr != nil {
			return perr
		}
		pg.NoteBody, pg.NoteVis, pg.NoteError = body, vis, fieldsMessage(err)
		s.render(w, r, http.StatusBadRequest, "meeting.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, meetingPath(r)+"?done=note#session-notes", http.StatusSeeOther)
	return nil
}

// commitmentInput reads the commitment form; owner is "me" or "other".
func (s *Server) commitmentInput(r *http.Request, v *service.RelationshipView) (service.CommitmentInput, commitmentForm, error) {
	me := principal(r).UserID
	f := commitmentForm{Owner: r.PostFormValue("owner"), Description: r.PostFormValue("description"), Due: strings.TrimSpace(r.PostFormValue("due")), GoalID: r.PostFormValue("goal_id")}
	in := service.CommitmentInput{OwnerID: me, Description: f.Description, GoalID: f.GoalID}
	if f.Owner == "other" {
		in.OwnerID = v.Other(me).ID
	} else {
		f.Owner = "me"
	}
	if f.Due == "" {
		return in, f, mentorvault.Invalid("the commitment is not valid", map[string]string{"due": "is required: by when is it promised?"})
	}
	d, err := time.Parse("2006-01-02", f.Due)
	if err != nil {
		return in, f, mentorvault.Invalid("the commitment is not valid", map[string]string{"due": "must be a date like 2026-03-01"})
	}
	in.DueAt = d.Add(24*time.Hour - time.Minute) // by the end of that day (UTC)
	return in, f, nil
}

func commitmentError(err error) string {
	names := map[string]string{"description": "What is promised", "due": "The due date", "due_at": "The due date", "owner_id": "Who promises",
		"goal_id": "The goal", "meeting_id": "The meeting"}
	msg := mentorvault.ErrorMessage(err)
	for k, v := range mentorvault.ErrorFields(err) {
		n := names[k]
		if n == "" {
			n = k
		}
		msg += ". " + n + " " + v
	}
	return msg + "."
}

func (s *Server) webMeetingCommitment(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	in, f, err := s.commitmentInput(r, v)
	if err == nil {
		in.MeetingID = r.PathValue("meetingID")
		_, err = s.svc.CreateCommitment(r.Context(), p, v.ID, in)
	}
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.meetingPage(r)
		if perr != nil {
			return perr
		}
		f.Error = commitmentError(err)
		pg.CForm = f
		s.render(w, r, http.StatusBadRequest, "meeting.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, meetingPath(r)+"?done=commitment#session-commitments", http.StatusSeeOther)
	return nil
}

func (s *Server) webRescheduleMeeting(w http.ResponseWriter, r *http.Request) error {
	f := newMeetingForm()
	in, ok := f.parse(r)
	if ok {
		_, err := s.svc.RescheduleMeeting(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"), in)
		if err == nil {
			http.Redirect(w, r, meetingPath(r)+"?done=rescheduled", http.StatusSeeOther)
			return nil
		}
		if !f.fail(err) {
			return err
		}
	}
	pg, err := s.meetingPage(r)
	if err != nil {
		return err
	}
	pg.RForm = f
	s.render(w, r, http.StatusBadRequest, "meeting.html", pg)
	return nil
}

func (s *Server) webCancelMeeting(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.CancelMeeting(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, meetingPath(r)+"?done="+string(m.Status), http.StatusSeeOther)
	return nil
}

func (s *Server) webMeetingOutcome(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.RecordMeetingOutcome(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"), mentorvault.MeetingStatus(r.PostFormValue("outcome")))
	if err != nil {
		return err
	}
	http.Redirect(w, r, meetingPath(r)+"?done="+string(m.Status), http.StatusSeeOther)
	return nil
}

// --- commitments ---

type partyFigure struct {
	Name, Text string
}

type commitmentsPage struct {
	base
	Rel         *service.RelationshipView
	Other       service.Person
	Active      bool
	Done        string
	Rows        []commitmentRow
	FollowUp    []partyFigure
	Form        commitmentForm
	Goals       []opt
	ListError   string
	OtherIsName string
}

func (s *Server) commitmentsPage(r *http.Request) (*commitmentsPage, error) {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	cv, err := s.svc.Commitments(r.Context(), p, v.ID)
	if err != nil {
		return nil, s.hideFromOutsider(v, p, err)
	}
	pg := &commitmentsPage{base: s.base(r, "Commitments"), Rel: v, Other: v.Other(p.UserID), Active: v.Status == mentorvault.StatusActive,
		Done: r.URL.Query().Get("done"), Form: commitmentForm{Owner: "me"}}
	now := time.Now()
	for _, c := range cv.Commitments {
		pg.Rows = append(pg.Rows, commitmentRowOf(c, v, p.UserID, now))
	}
	pg.FollowUp = []partyFigure{{nameOf(v, v.MentorID, p.UserID), followThroughText(cv.Mentor)}, {nameOf(v, v.MenteeID, p.UserID), followThroughText(cv.Mentee)}}
	if gs, err := s.svc.Goals(r.Context(), p, v.ID); err == nil {
		pg.Goals = []opt{{Value: "", Label: "No goal"}}
		for _, g := range gs {
			if g.Status == mentorvault.GoalActive {
				pg.Goals = append(pg.Goals, opt{Value: g.ID, Label: g.Title.Reveal()})
			}
		}
	}
	return pg, nil
}

func (s *Server) webCommitments(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.commitmentsPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "commitments.html", pg)
	return nil
}

func (s *Server) webCreateCommitment(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	in, f, err := s.commitmentInput(r, v)
	if err == nil {
		_, err = s.svc.CreateCommitment(r.Context(), p, v.ID, in)
	}
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.commitmentsPage(r)
		if perr != nil {
			return perr
		}
		f.Error = commitmentError(err)
		pg.Form = f
		for i := range pg.Goals {
			pg.Goals[i].Selected = pg.Goals[i].Value == f.GoalID
		}
		s.render(w, r, http.StatusBadRequest, "commitments.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	back := relPath(v.ID) + "/commitments?done=created#commitments"
	if f.GoalID != "" && r.PostFormValue("back") == "goals" {
		back = relPath(v.ID) + "/goals?done=commitment#goal-" + url.PathEscape(f.GoalID)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func (s *Server) webUpdateCommitment(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	c, err := s.svc.UpdateCommitment(r.Context(), principal(r), id, r.PathValue("commitmentID"), mentorvault.CommitmentStatus(r.PostFormValue("status")))
	if err != nil {
		return err
	}
	back := relPath(id) + "/commitments?done=" + string(c.Status) + "#c-" + c.ID
	if r.PostFormValue("back") == "meeting" && c.MeetingID != "" {
		back = relPath(id) + "/meetings/" + c.MeetingID + "?done=c-" + string(c.Status) + "#session-commitments"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// --- goals ---

type progressRow struct {
	Who, When, Body string
}

type goalRow struct {
	ID, Title, Status, StatusLabel string
	Progress                       []progressRow
	Commitments                    []commitmentRow
}

type goalsPage struct {
	base
	Rel       *service.RelationshipView
	Other     service.Person
	Active    bool
	Done      string
	Goals     []goalRow
	NewTitle  string
	Error     string
	ErrorGoal string
}

func (s *Server) goalsPage(r *http.Request) (*goalsPage, error) {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	gs, err := s.svc.Goals(r.Context(), p, v.ID)
	if err != nil {
		return nil, s.hideFromOutsider(v, p, err)
	}
	pg := &goalsPage{base: s.base(r, "Goals"), Rel: v, Other: v.Other(p.UserID), Active: v.Status == mentorvault.StatusActive, Done: r.URL.Query().Get("done")}
	now := time.Now()
	for _, g := range gs {
		row := goalRow{ID: g.ID, Title: g.Title.Reveal(), Status: string(g.Status), StatusLabel: title(string(g.Status))}
		for i := len(g.Progress) - 1; i >= 0; i-- {
			pr := g.Progress[i]
			row.Progress = append(row.Progress, progressRow{Who: nameOf(v, pr.AuthorID, p.UserID), When: pr.CreatedAt.UTC().Format("2 Jan 2006"), Body: pr.Body.Reveal()})
		}
		for _, c := range g.Commitments {
			row.Commitments = append(row.Commitments, commitmentRowOf(c, v, p.UserID, now))
		}
		pg.Goals = append(pg.Goals, row)
	}
	return pg, nil
}

func (s *Server) webGoals(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.goalsPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "goals.html", pg)
	return nil
}

func (s *Server) webCreateGoal(w http.ResponseWriter, r *http.Request) error {
	id, t := r.PathValue("id"), r.PostFormValue("title")
	g, err := s.svc.CreateGoal(r.Context(), principal(r), id, t)
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.goalsPage(r)
		if perr != nil {
			return perr
		}
		pg.NewTitle, pg.Error = t, "The goal "+mentorvault.ErrorFields(err)["title"]+"."
		s.render(w, r, http.StatusBadRequest, "goals.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, relPath(id)+"/goals?done=created#goal-"+g.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) webGoalProgress(w http.ResponseWriter, r *http.Request) error {
	id, gid := r.PathValue("id"), r.PathValue("goalID")
	_, err := s.svc.AddGoalProgress(r.Context(), principal(r), id, gid, strings.TrimSpace(r.PostFormValue("body")), mentorvault.GoalStatus(r.PostFormValue("status")))
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.goalsPage(r)
		if perr != nil {
			return perr
		}
		pg.ErrorGoal = gid
		pg.Error = "Write a progress note or choose a new status."
		if f := mentorvault.ErrorFields(err); f["body"] != "" && !strings.HasPrefix(f["body"], "write") {
			pg.Error = "The progress note " + f["body"] + "."
		}
		s.render(w, r, http.StatusBadRequest, "goals.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, relPath(id)+"/goals?done=progress#goal-"+url.PathEscape(gid), http.StatusSeeOther)
	return nil
}

// --- feedback ---

type ratingRow struct {
	Text  string
	Value int
	Stars []bool
}

type askedRow struct {
	RequestedAt, AnsweredAt string
	Answered                bool
	Ratings                 []ratingRow
	Text                    string
}

type questionRow struct {
	Key, Text string
	Selected  int
	Error     bool
}

type toAnswerRow struct {
	ID, RequestedAt string
	Questions       []questionRow
	Text            string
	Error           string
}

type feedbackPage struct {
	base
	Rel         *service.RelationshipView
	Other       service.Person
	Active      bool
	Done        string
	CanAsk      bool
	OpenRequest bool
	Asked       []askedRow
	ToAnswer    []toAnswerRow
	Scale       []int
}

func (s *Server) feedbackPage(r *http.Request) (*feedbackPage, error) {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	fv, err := s.svc.Feedback(r.Context(), p, v.ID)
	if err != nil {
		return nil, s.hideFromOutsider(v, p, err)
	}
	pg := &feedbackPage{base: s.base(r, "Feedback on the mentoring"), Rel: v, Other: v.Other(p.UserID), Active: v.Status == mentorvault.StatusActive,
		Done: r.URL.Query().Get("done"), Scale: []int{1, 2, 3, 4, 5}}
	role := v.Role(p.UserID)
	pg.CanAsk = pg.Active && (role == "mentor" || role == "partner")
	for i := len(fv.Asked) - 1; i >= 0; i-- {
		fr := fv.Asked[i]
		row := askedRow{RequestedAt: fr.RequestedAt.UTC().Format("2 Jan 2006")}
		if a := fv.Answers[fr.ID]; a != nil {
			row.Answered, row.AnsweredAt, row.Text = true, a.CreatedAt.UTC().Format("2 Jan 2006"), a.Answer.Text
			for _, q := range mentorvault.FeedbackQuestions {
				n := a.Answer.Ratings[q.Key]
				rr := ratingRow{Text: q.Text, Value: n}
				for k := 1; k <= 5; k++ {
					rr.Stars = append(rr.Stars, k <= n)
				}
				row.Ratings = append(row.Ratings, rr)
			}
		} else {
			pg.OpenRequest = true
		}
		pg.Asked = append(pg.Asked, row)
	}
	for _, fr := range fv.ToAnswer {
		row := toAnswerRow{ID: fr.ID, RequestedAt: fr.RequestedAt.UTC().Format("2 Jan 2006")}
		for _, q := range mentorvault.FeedbackQuestions {
			row.Questions = append(row.Questions, questionRow{Key: q.Key, Text: q.Text})
		}
		pg.ToAnswer = append(pg.ToAnswer, row)
	}
	return pg, nil
}

func (s *Server) webFeedback(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.feedbackPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "feedback.html", pg)
	return nil
}

func (s *Server) webRequestFeedback(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := s.svc.RequestFeedback(r.Context(), principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, relPath(id)+"/feedback?done=asked", http.StatusSeeOther)
	return nil
}

func (s *Server) webAnswerFeedback(w http.ResponseWriter, r *http.Request) error {
	id, rid := r.PathValue("id"), r.PathValue("requestID")
	ans := mentorvault.FeedbackAnswer{Ratings: map[string]int{}, Text: r.PostFormValue("text")}
	for _, q := range mentorvault.FeedbackQuestions {
		if n, err := strconv.Atoi(r.PostFormValue("q_" + q.Key)); err == nil {
			ans.Ratings[q.Key] = n
		}
	}
	err := s.svc.AnswerFeedback(r.Context(), principal(r), id, rid, ans)
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.feedbackPage(r)
		if perr != nil {
			return perr
		}
		fields := mentorvault.ErrorFields(err)
		for i := range pg.ToAnswer {
			if pg.ToAnswer[i].ID != rid {
				continue
			}
			row := &pg.ToAnswer[i]
			row.Text, row.Error = ans.Text, "Please answer every question with a rating from 1 to 5."
			if t := fields["text"]; t != "" {
				row.Error = "Your comments " + t + "."
			}
			for j := range row.Questions {
				row.Questions[j].Selected = ans.Ratings[row.Questions[j].Key]
				row.Questions[j].Error = fields["ratings."+row.Questions[j].Key] != ""
			}
		}
		s.render(w, r, http.StatusBadRequest, "feedback.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, relPath(id)+"/feedback?done=answered", http.StatusSeeOther)
	return nil
}

// --- programme feedback aggregates ---

type aggRow struct {
	Text      string
	Responses int
	Mean      string
	Withheld  bool
}

type feedbackAggs struct {
	K    int
	Rows []aggRow
}

// feedbackAggs is the programme's anonymous feedback figures for those who
// may see them, nil for everyone else.
func (s *Server) feedbackAggs(r *http.Request, programmeID string) *feedbackAggs {
	as, k, err := s.svc.FeedbackAggregates(r.Context(), principal(r), programmeID)
	if err != nil {
		if mentorvault.ErrorCode(err) == mentorvault.EINTERNAL {
			s.logError(r, err)
		}
		return nil
	}
	out := &feedbackAggs{K: k}
	for _, a := range as {
		out.Rows = append(out.Rows, aggRow{Text: a.Text, Responses: a.Responses, Mean: fmt.Sprintf("%.1f", a.Mean), Withheld: a.Withheld})
	}
	return out
}

// --- notifications ---

type notificationRow struct {
	ID, Text, When string
	Unread, Link   bool
}

type notificationsPage struct {
	base
	Rows []notificationRow
	Done string
}

func (s *Server) webNotifications(w http.ResponseWriter, r *http.Request) error {
	ns, err := s.svc.Notifications(r.Context(), principal(r))
	if err != nil {
		return err
	}
	pg := &notificationsPage{base: s.base(r, "Notifications"), Done: r.URL.Query().Get("done")}
	for _, n := range ns {
		pg.Rows = append(pg.Rows, notificationRow{ID: n.ID, Text: n.Text, When: fmtWhen(n.CreatedAt), Unread: n.ReadAt == nil, Link: n.Link != ""})
	}
	s.render(w, r, http.StatusOK, "notifications.html", pg)
	return nil
}

func (s *Server) webMarkNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.MarkNotificationsRead(r.Context(), principal(r), ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications?done=read", http.StatusSeeOther)
	return nil
}

// webOpenNotification marks one notification read and follows its link.
func (s *Server) webOpenNotification(w http.ResponseWriter, r *http.Request) error {
	p, id := principal(r), r.PathValue("notificationID")
	ns, err := s.svc.Notifications(r.Context(), p)
	if err != nil {
		return err
	}
	for _, n := range ns {
		if n.ID == id {
			if err := s.svc.MarkNotificationsRead(r.Context(), p, id); err != nil {
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

// --- calendar feeds (on the settings page) ---

type feedRow struct {
	ID, Created, Titles string
	Revoked             bool
}

type calendarPanel struct {
	Feeds  []feedRow
	NewURL string
	Error  string
}

func (s *Server) calendarPanel(r *http.Request) *calendarPanel {
	fs, err := s.svc.CalendarFeeds(r.Context(), principal(r))
	if err != nil {
		return &calendarPanel{Error: mentorvault.ErrorMessage(err)}
	}
	cp := &calendarPanel{}
	for _, f := range fs {
		row := feedRow{ID: f.ID, Created: f.CreatedAt.UTC().Format("2 Jan 2006"), Titles: "“Mentoring session”", Revoked: f.RevokedAt != nil}
		if f.Detailed {
			row.Titles = "“Mentoring session with …” (names the other person)"
		}
		cp.Feeds = append(cp.Feeds, row)
	}
	return cp
}

func (s *Server) webCreateCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	raw, _, err := s.svc.CreateCalendarFeed(r.Context(), principal(r), r.PostFormValue("detailed") == "yes")
	if err != nil {
		return err
	}
	pg, err := s.settingsPage(r)
	if err != nil {
		return err
	}
	if pg.Calendar == nil {
		pg.Calendar = &calendarPanel{}
	}
	pg.Calendar.NewURL = s.baseURL(r) + "/calendar/" + raw + ".ics"
	s.render(w, r, http.StatusOK, "settings.html", pg)
	return nil
}

func (s *Server) webRevokeCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RevokeCalendarFeed(r.Context(), principal(r), r.PathValue("feedID")); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings?done=feed-revoked#calendar", http.StatusSeeOther)
	return nil
}
