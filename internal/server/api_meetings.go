package server

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/calendar"
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

func (s *Server) apiScheduleMeeting(w http.ResponseWriter, r *http.Request) error {
	var in meetingInputJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.ScheduleMeeting(r.Context(), principal(r), r.PathValue("id"), in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, meetingOut(m))
	return nil
}

func (s *Server) apiMeetings(w http.ResponseWriter, r *http.Request) error {
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
	page, err := s.svc.Meetings(r.Context(), principal(r), r.PathValue("id"), when == "upcoming", q.Get("before"), limit)
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
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiMeeting(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Meeting(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"))
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
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiRescheduleMeeting(w http.ResponseWriter, r *http.Request) error {
	var in meetingInputJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.RescheduleMeeting(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"), in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meetingOut(m))
	return nil
}

func (s *Server) apiCancelMeeting(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.CancelMeeting(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meetingOut(m))
	return nil
}

func (s *Server) apiMeetingOutcome(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Outcome string `json:"outcome"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.RecordMeetingOutcome(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"), mentorvault.MeetingStatus(in.Outcome))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meetingOut(m))
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

func (s *Server) apiStartMeeting(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.StartMeeting(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reminderOut(st))
	return nil
}

func (s *Server) apiAckReminder(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.AcknowledgeReminder(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reminderOut(st))
	return nil
}

func (s *Server) apiMeetingNote(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body       *string `json:"body"`
		Visibility string  `json:"visibility"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Body == nil {
		return mentorvault.Invalid("the note is not valid", map[string]string{"body": "is required"})
	}
	n, err := s.svc.CreateSessionNote(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"), *in.Body, mentorvault.Visibility(in.Visibility))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, noteOut(n))
	return nil
}

// baseURL is the server's own origin, for links in calendar entries.
func (s *Server) baseURL(r *http.Request) string {
	scheme := "http"
	if s.tls(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

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

func (s *Server) apiMeetingICS(w http.ResponseWriter, r *http.Request) error {
	ev, err := s.svc.MeetingCalendar(r.Context(), principal(r), r.PathValue("id"), r.PathValue("meetingID"), s.baseURL(r))
	if err != nil {
		return err
	}
	return writeICS(w, "", "mentoring-session.ics", []calendar.Event{ev})
}

// calendarFeed serves a private calendar subscription: authorised by the
// secret token in its URL, since calendar apps send no credentials.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) error {
	token, _ := strings.CutSuffix(r.PathValue("file"), ".ics")
	evs, err := s.svc.CalendarFeedEvents(r.Context(), token, s.baseURL(r))
	if err != nil {
		if mentorvault.ErrorCode(err) == mentorvault.EUNAUTHENTICATED {
			http.Error(w, mentorvault.ErrorMessage(err), http.StatusNotFound)
			return nil
		}
		return err
	}
	return writeICS(w, "Mentoring (mentorvault)", "", evs)
}

type commitmentJSON struct {
	ID          string     `json:"id"`
	OwnerID     string     `json:"owner_id"`
	ProposedBy  string     `json:"proposed_by"`
	GoalID      *string    `json:"goal_id"`
	MeetingID   *string    `json:"meeting_id"`
	Description string     `json:"description"`
	DueAt       time.Time  `json:"due_at"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	ClosedAt    *time.Time `json:"closed_at"`
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func commitmentOut(c *mentorvault.Commitment) commitmentJSON {
	return commitmentJSON{ID: c.ID, OwnerID: c.OwnerID, ProposedBy: c.ProposedByID, GoalID: optString(c.GoalID), MeetingID: optString(c.MeetingID),
		Description: c.Description.Reveal(), DueAt: c.DueAt, Status: string(c.Status), CreatedAt: c.CreatedAt, ClosedAt: c.ClosedAt}
}

type followJSON struct {
	Kept   int      `json:"kept"`
	Missed int      `json:"missed"`
	Open   int      `json:"open"`
	Rate   *float64 `json:"rate"`
}

func followOut(f mentorvault.FollowThrough) followJSON {
	out := followJSON{Kept: f.Kept, Missed: f.Missed, Open: f.Open}
	if r, ok := f.Rate(); ok {
		out.Rate = &r
	}
	return out
}

func (s *Server) apiCommitments(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Commitments(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Commitments []commitmentJSON `json:"commitments"`
		Mentor      followJSON       `json:"mentor_follow_through"`
		Mentee      followJSON       `json:"mentee_follow_through"`
	}{Commitments: []commitmentJSON{}, Mentor: followOut(v.Mentor), Mentee: followOut(v.Mentee)}
	for _, c := range v.Commitments {
		out.Commitments = append(out.Commitments, commitmentOut(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateCommitment(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		OwnerID     string     `json:"owner_id"`
		Description string     `json:"description"`
		DueAt       *time.Time `json:"due_at"`
		GoalID      string     `json:"goal_id"`
		MeetingID   string     `json:"meeting_id"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ci := service.CommitmentInput{OwnerID: in.OwnerID, Description: in.Description, GoalID: in.GoalID, MeetingID: in.MeetingID}
	if in.DueAt != nil {
		ci.DueAt = *in.DueAt
	}
	c, err := s.svc.CreateCommitment(r.Context(), principal(r), r.PathValue("id"), ci)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, commitmentOut(c))
	return nil
}

func (s *Server) apiUpdateCommitment(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Status string `json:"status"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.UpdateCommitment(r.Context(), principal(r), r.PathValue("id"), r.PathValue("commitmentID"), mentorvault.CommitmentStatus(in.Status))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, commitmentOut(c))
	return nil
}

func (s *Server) apiGoals(w http.ResponseWriter, r *http.Request) error {
	gs, err := s.svc.Goals(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	type progressJSON struct {
		ID        string    `json:"id"`
		AuthorID  string    `json:"author_id"`
		Body      string    `json:"body"`
		CreatedAt time.Time `json:"created_at"`
	}
	type goalJSON struct {
		ID          string           `json:"id"`
		Title       string           `json:"title"`
		Status      string           `json:"status"`
		CreatedAt   time.Time        `json:"created_at"`
		Progress    []progressJSON   `json:"progress"`
		Commitments []commitmentJSON `json:"commitments"`
	}
	out := []goalJSON{}
	for _, g := range gs {
		gj := goalJSON{ID: g.ID, Title: g.Title.Reveal(), Status: string(g.Status), CreatedAt: g.CreatedAt, Progress: []progressJSON{}, Commitments: []commitmentJSON{}}
		for _, p := range g.Progress {
			gj.Progress = append(gj.Progress, progressJSON{p.ID, p.AuthorID, p.Body.Reveal(), p.CreatedAt})
		}
		for _, c := range g.Commitments {
			gj.Commitments = append(gj.Commitments, commitmentOut(c))
		}
		out = append(out, gj)
	}
	writeJSON(w, http.StatusOK, map[string]any{"goals": out})
	return nil
}

func (s *Server) apiCreateGoal(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title string `json:"title"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	g, err := s.svc.CreateGoal(r.Context(), principal(r), r.PathValue("id"), in.Title)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": g.ID, "title": g.Title.Reveal(), "status": g.Status, "created_at": g.CreatedAt})
	return nil
}

func (s *Server) apiGoalProgress(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body   string `json:"body"`
		Status string `json:"status"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	_, err := s.svc.AddGoalProgress(r.Context(), principal(r), r.PathValue("id"), r.PathValue("goalID"), in.Body, mentorvault.GoalStatus(in.Status))
	if err != nil {
		return err
	}
	return s.apiGoals(w, r)
}

func (s *Server) apiFeedback(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Feedback(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	type reqJSON struct {
		ID          string                      `json:"id"`
		AskerID     string                      `json:"asker_id"`
		AnswererID  string                      `json:"answerer_id"`
		RequestedAt time.Time                   `json:"requested_at"`
		AnsweredAt  *time.Time                  `json:"answered_at"`
		Answer      *mentorvault.FeedbackAnswer `json:"answer"`
	}
	out := struct {
		ToAnswer []reqJSON `json:"to_answer"`
		Asked    []reqJSON `json:"asked"`
	}{ToAnswer: []reqJSON{}, Asked: []reqJSON{}}
	for _, fr := range v.ToAnswer {
		out.ToAnswer = append(out.ToAnswer, reqJSON{fr.ID, fr.MentorID, fr.MenteeID, fr.RequestedAt, fr.AnsweredAt, nil})
	}
	for _, fr := range v.Asked {
		rj := reqJSON{fr.ID, fr.MentorID, fr.MenteeID, fr.RequestedAt, fr.AnsweredAt, nil}
		if a := v.Answers[fr.ID]; a != nil {
			rj.Answer = &a.Answer
		}
		out.Asked = append(out.Asked, rj)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiRequestFeedback(w http.ResponseWriter, r *http.Request) error {
	fr, err := s.svc.RequestFeedback(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": fr.ID, "asker_id": fr.MentorID, "answerer_id": fr.MenteeID, "requested_at": fr.RequestedAt})
	return nil
}

func (s *Server) apiAnswerFeedback(w http.ResponseWriter, r *http.Request) error {
	var in mentorvault.FeedbackAnswer
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.AnswerFeedback(r.Context(), principal(r), r.PathValue("id"), r.PathValue("requestID"), in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiFeedbackAggregates(w http.ResponseWriter, r *http.Request) error {
	aggs, k, err := s.svc.FeedbackAggregates(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	type aggJSON struct {
		Key       string   `json:"key"`
		Question  string   `json:"question"`
		Responses *int     `json:"responses"`
		Mean      *float64 `json:"mean"`
		Withheld  bool     `json:"withheld"`
	}
	out := []aggJSON{}
	for _, a := range aggs {
		aj := aggJSON{Key: a.Key, Question: a.Text, Withheld: a.Withheld}
		if !a.Withheld {
			n, m := a.Responses, a.Mean
			aj.Responses, aj.Mean = &n, &m
		}
		out = append(out, aj)
	}
	writeJSON(w, http.StatusOK, map[string]any{"k_threshold": k, "figures": out})
	return nil
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) error {
	ns, err := s.svc.Notifications(r.Context(), principal(r))
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
	writeJSON(w, http.StatusOK, map[string]any{"notifications": out, "unread": unread})
	return nil
}

func (s *Server) apiMarkNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ID string `json:"id"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.MarkNotificationsRead(r.Context(), principal(r), in.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type feedJSON struct {
	ID        string     `json:"id"`
	Detailed  bool       `json:"detailed"`
	URL       string     `json:"url,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

func (s *Server) apiCalendarFeeds(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.svc.CalendarFeeds(r.Context(), principal(r))
	if err != nil {
		return err
	}
	out := []feedJSON{}
	for _, f := range fs {
		out = append(out, feedJSON{ID: f.ID, Detailed: f.Detailed, CreatedAt: f.CreatedAt, RevokedAt: f.RevokedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"feeds": out})
	return nil
}

func (s *Server) apiCreateCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Detailed bool `json:"detailed"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	raw, f, err := s.svc.CreateCalendarFeed(r.Context(), principal(r), in.Detailed)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, feedJSON{ID: f.ID, Detailed: f.Detailed, URL: s.baseURL(r) + "/calendar/" + raw + ".ics", CreatedAt: f.CreatedAt})
	return nil
}

func (s *Server) apiRevokeCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RevokeCalendarFeed(r.Context(), principal(r), r.PathValue("feedID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
