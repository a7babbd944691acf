package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/checker"
	"github.com/mentorvault/mentorvault/internal/service"
)

// The web pages of third parties (DESIGN.md §5, issue 5): a requester asks
// a party for input and reads only what was released to them; the pair see
// every request, answer or decline it, draft statements and summaries with
// the checker's findings beside them, and the subject consents, asks for
// changes, refuses or objects; three-way meetings with the mentee's line
// manager, preceded by a brief both agree on. Every decision is the
// service's; these pages show what it returns to its reader.

func thirdPartyPath(relID string) string { return relPath(relID) + "/third-parties" }

func statementPath(relID, id string) string {
	return thirdPartyPath(relID) + "/statements/" + url.PathEscape(id)
}

func threeWayPath(id string) string { return "/three-way/" + url.PathEscape(id) }

// formState keeps what was typed into a refused form and why it was refused.
type formState struct {
	Error  string
	Fields map[string]string
	Status int // the HTTP status of the page that shows the problem
}

// fail keeps a service's EINVALID or ECONFLICT in the form, the field
// messages prefixed with their plain names; it reports whether err was one.
func (f *formState) fail(err error, names map[string]string) bool {
	c := mentorvault.ErrorCode(err)
	if c != mentorvault.EINVALID && c != mentorvault.ECONFLICT {
		return false
	}
	f.Error, f.Status = title(mentorvault.ErrorMessage(err))+".", statusOf(c)
	if f.Fields == nil {
		f.Fields = map[string]string{}
	}
	for k, v := range mentorvault.ErrorFields(err) {
		name := strings.ReplaceAll(k, "_", " ")
		if n, ok := names[k]; ok {
			name = n
		}
		f.Fields[k] = title(name) + " " + v + "."
	}
	return true
}

func requestStatusLabel(s mentorvault.RequestStatus) string {
	switch s {
	case mentorvault.RequestOpen:
		return "Waiting for an answer"
	case mentorvault.RequestDeclined:
		return "Declined"
	case mentorvault.RequestAnswered:
		return "Answered: a statement was released"
	}
	return string(s)
}

func statementStateLabel(st *mentorvault.Statement, subject string) string {
	switch st.State {
	case mentorvault.StatementDraft:
		return "Draft"
	case mentorvault.StatementAwaitingConsent:
		return "Waiting for " + subject + "’s consent"
	case mentorvault.StatementChangesRequested:
		return subject + " asked for changes"
	case mentorvault.StatementPreAuthorised:
		if st.ReleaseAt != nil {
			return "Released " + fmtWhen(*st.ReleaseAt) + " unless " + subject + " objects"
		}
		return "Pre-authorised"
	case mentorvault.StatementRefused:
		return "Refused by " + subject
	case mentorvault.StatementReleased:
		return "Released"
	case mentorvault.StatementWithdrawn:
		return "Withdrawn"
	}
	return string(st.State)
}

func stRecipientLabel(r mentorvault.Recipient) string {
	switch r {
	case mentorvault.ToLineManager:
		return "the mentee’s line manager"
	case mentorvault.ToPromotionHR:
		return "HR or a promotion panel"
	case mentorvault.ToCoordinator:
		return "the programme coordinator"
	case mentorvault.ToSupervisor:
		return "a mentoring supervisor"
	}
	return "a named person"
}

func topicLabel(w mentorvault.DisclosureWhat) string {
	switch w {
	case mentorvault.WhatTopicsGoals:
		return "the topics and goals you work on"
	case mentorvault.WhatGrowth:
		return "growth and engagement as a mentee"
	case mentorvault.WhatAttendance:
		return "meeting attendance"
	case mentorvault.WhatItem:
		return "a specific item"
	}
	return "details of the mentoring"
}

// me is how a page names a person to its reader: "you" for the reader.
func me(p service.Person, userID string) string {
	if p.ID == userID {
		return "you"
	}
	return p.Name
}

// --- asking for input (requesters and the parties' line managers) ---

type askForm struct {
	formState
	Asked, Purpose, Question, Deadline string
}

type askPage struct {
	base
	Rel  *service.RelationshipView
	Form askForm
}

var askNames = map[string]string{"asked_id": "who you ask", "asked_email": "who you ask"}

func (s *Server) webAskForm(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Relationship(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if v.IsParty(principal(r).UserID) {
		return mentorvault.Errorf(mentorvault.EFORBIDDEN, "the two of you do not ask each other for input: a requester or a line manager does")
	}
	s.render(w, r, http.StatusOK, "request_new.html", &askPage{base: s.base(r, "Ask for input"), Rel: v, Form: askForm{Asked: v.Mentor.Email}})
	return nil
}

func (s *Server) webRequestInput(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := askForm{Asked: r.PostFormValue("asked_email"), Purpose: strings.TrimSpace(r.PostFormValue("purpose")),
		Question: r.PostFormValue("question"), Deadline: strings.TrimSpace(r.PostFormValue("deadline"))}
	f.Fields = map[string]string{}
	in := service.InputRequestInput{AskedEmail: f.Asked, Purpose: f.Purpose, Question: f.Question}
	if f.Deadline == "" {
		f.Fields["deadline"] = "Enter the date by which you need an answer."
	} else if d, err := time.Parse("2006-01-02", f.Deadline); err != nil {
		f.Fields["deadline"] = "Enter a date like 2026-03-01."
	} else {
		in.Deadline = d.Add(24*time.Hour - time.Second) // the end of that day, UTC
	}
	if len(f.Fields) == 0 {
		_, err := s.svc.RequestInput(r.Context(), p, v.ID, in)
		if err == nil {
			http.Redirect(w, r, "/requests?done=asked", http.StatusSeeOther)
			return nil
		}
		if !f.fail(err, askNames) {
			return err
		}
	} else {
		f.Error = "Please correct the request below."
	}
	s.render(w, r, http.StatusBadRequest, "request_new.html", &askPage{base: s.base(r, "Ask for input"), Rel: v, Form: f})
	return nil
}

// --- the requester's own requests ---

type myRequestRow struct {
	ID, RelID, Asked, Subject, Purpose, Question, Deadline string
	Created, Status, StatusLabel, DeclineReply             string
	Body, ReleasedAt, WithdrawnAt                          string
}

type requestsPage struct {
	base
	Rows      []myRequestRow
	Requester bool
	Done      string
}

func (s *Server) webMyRequests(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	mine, err := s.svc.MyRequests(r.Context(), p)
	if err != nil {
		return err
	}
	var received []*service.ReceivedStatement
	if len(mine) > 0 {
		if received, err = s.svc.ReceivedStatements(r.Context(), p); err != nil {
			return err
		}
	}
	pg := &requestsPage{base: s.base(r, "My requests"), Done: r.URL.Query().Get("done")}
	pg.Nav = "statements"
	if m, err := s.svc.Me(r.Context(), p); err == nil {
		pg.Requester = m.User.Requester
	}
	for _, q := range mine {
		row := myRequestRow{ID: q.ID, RelID: q.RelationshipID, Asked: q.Asked.Name, Subject: q.Subject.Name, Purpose: q.Purpose, Question: q.Question,
			Deadline: q.Deadline.UTC().Format("Mon 2 Jan 2006"), Created: fmtWhen(q.CreatedAt), Status: string(q.Status),
			StatusLabel: requestStatusLabel(q.Status), DeclineReply: q.DeclineReply}
		for _, rs := range received { // newest first: the latest answer to this request
			if rs.RequestID != q.ID {
				continue
			}
			row.ReleasedAt = fmtWhen(rs.ReleasedAt)
			if rs.WithdrawnAt != nil {
				row.WithdrawnAt = fmtWhen(*rs.WithdrawnAt)
				row.StatusLabel = "The answer was withdrawn"
			} else {
				row.Body = rs.Body.Reveal()
			}
			break
		}
		pg.Rows = append(pg.Rows, row)
	}
	s.render(w, r, http.StatusOK, "requests.html", pg)
	return nil
}

// --- statements released to me, and three-way meetings I am invited to ---

type receivedStatementRow struct {
	ID, Kind, Author, Subject, Purpose, Body, ReleasedAt, WithdrawnAt string
}

type threeWayRow struct {
	ID, When, Length, Location, State, StateLabel, With string
	Agreed                                              string
}

type receivedPage struct {
	base
	Rows      []receivedStatementRow
	ThreeWays []threeWayRow
	Requester bool
}

func threeWayStateLabel(m *mentorvault.ThreeWayMeeting) string {
	switch m.State {
	case mentorvault.ThreeWayProposed:
		return "Brief not agreed yet"
	case mentorvault.ThreeWayAgreed:
		return "Brief agreed"
	case mentorvault.ThreeWayHeld:
		return "Held"
	case mentorvault.ThreeWayCancelled:
		return "Cancelled"
	}
	return string(m.State)
}

func threeWayRowOf(v *service.ThreeWayView, userID string) threeWayRow {
	row := threeWayRow{ID: v.ID, When: fmtWhen(v.StartsAt), Length: strconv.Itoa(v.Minutes) + " minutes", Location: v.Location, State: string(v.State),
		StateLabel: threeWayStateLabel(v.ThreeWayMeeting), With: v.Mentor.Name + ", " + v.Mentee.Name + " and " + v.Manager.Name}
	var agreed []string
	if v.MentorAgreedAt != nil {
		agreed = append(agreed, me(v.Mentor, userID))
	}
	if v.MenteeAgreedAt != nil {
		agreed = append(agreed, me(v.Mentee, userID))
	}
	if len(agreed) > 0 {
		row.Agreed = "agreed by " + strings.Join(agreed, " and ")
	}
	return row
}

func (s *Server) webReceivedStatements(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	got, err := s.svc.ReceivedStatements(r.Context(), p)
	if err != nil {
		return err
	}
	tws, err := s.svc.MyThreeWays(r.Context(), p)
	if err != nil {
		return err
	}
	pg := &receivedPage{base: s.base(r, "Statements for me")}
	pg.Nav = "statements"
	if m, err := s.svc.Me(r.Context(), p); err == nil {
		pg.Requester = m.User.Requester
	}
	for _, rs := range got {
		row := receivedStatementRow{ID: rs.ID, Kind: rs.Kind, Author: rs.Author.Name, Subject: rs.Subject.Name, Purpose: rs.Purpose, ReleasedAt: fmtWhen(rs.ReleasedAt)}
		if rs.WithdrawnAt != nil {
			row.WithdrawnAt = fmtWhen(*rs.WithdrawnAt)
		} else {
			row.Body = rs.Body.Reveal()
		}
		pg.Rows = append(pg.Rows, row)
	}
	for _, tw := range tws {
		pg.ThreeWays = append(pg.ThreeWays, threeWayRowOf(tw, p.UserID))
	}
	s.render(w, r, http.StatusOK, "received_statements.html", pg)
	return nil
}

// --- the pair's third-party page ---

type requestRow struct {
	ID, Requester, RequesterEmail, Asked, Subject, Purpose, Question string
	Deadline, Created, Status, StatusLabel, DeclineReply             string
	StatementID, StatementLabel                                      string
	Mine, CanAnswer                                                  bool
	Draft, Decline                                                   string
	DraftForm, DeclineForm                                           formState
}

type statementRow struct {
	ID, Kind, Author, Subject, Recipient, Purpose, State, StateLabel string
	Updated, Release                                                 string
	Findings                                                         int
}

type summaryForm struct {
	formState
	RecipientEmail, Purpose, Body string
}

type threeWayForm struct {
	meetingForm
	Brief      string
	BriefError string
	Conflict   bool // the service refused it as it stands (ECONFLICT)
}

type thirdPartiesPage struct {
	base
	Rel        *service.RelationshipView
	Other      service.Person
	Me         string
	CanAct     bool
	Requests   []*requestRow
	Statements []statementRow
	ThreeWays  []threeWayRow
	Manager    *service.Person
	Summary    summaryForm
	TW         threeWayForm
	Neutral    string
	Done       string
	Error      string // a refused action whose form is no longer shown
}

func newThreeWayForm() threeWayForm {
	f := threeWayForm{meetingForm: newMeetingForm()}
	f.Minutes = "45"
	return f
}

func (s *Server) thirdPartiesPage(r *http.Request) (*thirdPartiesPage, error) {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	tp, err := s.svc.ThirdParties(r.Context(), p, v.ID)
	if err != nil {
		return nil, s.hideFromOutsider(v, p, err)
	}
	pg := &thirdPartiesPage{base: s.base(r, "Third parties"), Rel: v, Other: v.Other(p.UserID), Me: p.UserID, Manager: tp.Manager,
		CanAct: v.Status == mentorvault.StatusActive || v.Status == mentorvault.StatusPaused, Neutral: mentorvault.NeutralDecline,
		Done: r.URL.Query().Get("done"), TW: newThreeWayForm()}
	if tp.Manager != nil {
		pg.Summary.RecipientEmail = tp.Manager.Email
		pg.Summary.Purpose = "goals and progress"
	}
	states := map[string]*service.StatementView{}
	for _, st := range tp.Statements {
		states[st.ID] = st
		row := statementRow{ID: st.ID, Kind: st.Kind, Author: me(st.Author, p.UserID), Subject: me(st.Subject, p.UserID), Recipient: st.Recipient.Name,
			Purpose: st.Purpose, State: string(st.State), StateLabel: statementStateLabel(st.Statement, st.Subject.Name),
			Updated: fmtWhen(st.UpdatedAt), Findings: len(st.Check.Findings)}
		if st.ReleasedAt != nil {
			row.Release = "Released to " + st.Recipient.Name + " on " + fmtWhen(*st.ReleasedAt)
			if st.WithdrawnAt != nil {
				row.Release += "; withdrawn on " + fmtWhen(*st.WithdrawnAt)
			}
		}
		pg.Statements = append(pg.Statements, row)
	}
	for _, q := range tp.Requests {
		row := &requestRow{ID: q.ID, Requester: q.Requester.Name, RequesterEmail: q.Requester.Email, Asked: me(q.Asked, p.UserID),
			Subject: me(q.Subject, p.UserID), Purpose: q.Purpose, Question: q.Question.Reveal(),
			Deadline: q.Deadline.UTC().Format("Mon 2 Jan 2006"), Created: fmtWhen(q.CreatedAt), Status: string(q.Status),
			StatusLabel: requestStatusLabel(q.Status), DeclineReply: q.DeclineReply, StatementID: q.StatementID,
			Mine: q.AskedID == p.UserID, Decline: mentorvault.NeutralDecline}
		busy := false
		if st := states[q.StatementID]; st != nil {
			row.StatementLabel = statementStateLabel(st.Statement, st.Subject.Name)
			busy = st.State != mentorvault.StatementRefused && st.State != mentorvault.StatementWithdrawn
		}
		row.CanAnswer = row.Mine && pg.CanAct && q.Status == mentorvault.RequestOpen && !busy
		pg.Requests = append(pg.Requests, row)
	}
	for _, tw := range tp.ThreeWays {
		pg.ThreeWays = append(pg.ThreeWays, threeWayRowOf(tw, p.UserID))
	}
	return pg, nil
}

func (s *Server) webThirdParties(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.thirdPartiesPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "third_parties.html", pg)
	return nil
}

// rerenderThirdParties shows the third-party page again with a refused
// form's input and problem, set by keep.
func (s *Server) rerenderThirdParties(w http.ResponseWriter, r *http.Request, f formState, keep func(*thirdPartiesPage)) error {
	pg, err := s.thirdPartiesPage(r)
	if err != nil {
		return err
	}
	keep(pg)
	s.render(w, r, f.Status, "third_parties.html", pg)
	return nil
}

// requestForm puts a refused answer's problem in its request's form, or at
// the top of the page when that form is no longer offered.
func (pg *thirdPartiesPage) requestForm(id string, f formState, set func(*requestRow)) {
	if q := pg.request(id); q != nil && q.CanAnswer {
		set(q)
		return
	}
	pg.Error = f.Error
}

func (pg *thirdPartiesPage) request(id string) *requestRow {
	for _, q := range pg.Requests {
		if q.ID == id {
			return q
		}
	}
	return nil
}

func (s *Server) webDeclineRequest(w http.ResponseWriter, r *http.Request) error {
	id, reqID, reply := r.PathValue("id"), r.PathValue("requestID"), r.PostFormValue("reply")
	_, err := s.svc.DeclineRequest(r.Context(), principal(r), id, reqID, reply)
	if err == nil {
		http.Redirect(w, r, thirdPartyPath(id)+"?done=declined#requests", http.StatusSeeOther)
		return nil
	}
	var f formState
	if !f.fail(err, map[string]string{"reply": "the reply"}) {
		return err
	}
	return s.rerenderThirdParties(w, r, f, func(pg *thirdPartiesPage) {
		pg.requestForm(reqID, f, func(q *requestRow) { q.Decline, q.DeclineForm = reply, f })
	})
}

func (s *Server) webDraftStatement(w http.ResponseWriter, r *http.Request) error {
	id, reqID, body := r.PathValue("id"), r.PathValue("requestID"), r.PostFormValue("body")
	st, err := s.svc.DraftStatement(r.Context(), principal(r), id, reqID, body)
	if err == nil {
		http.Redirect(w, r, statementPath(id, st.ID)+"?done=drafted", http.StatusSeeOther)
		return nil
	}
	var f formState
	if !f.fail(err, map[string]string{"body": "the statement"}) {
		return err
	}
	return s.rerenderThirdParties(w, r, f, func(pg *thirdPartiesPage) {
		pg.requestForm(reqID, f, func(q *requestRow) { q.Draft, q.DraftForm = body, f })
	})
}

func (s *Server) webPrepareSummary(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	in := service.SummaryInput{RecipientEmail: strings.TrimSpace(r.PostFormValue("recipient_email")), Purpose: strings.TrimSpace(r.PostFormValue("purpose")),
		Body: r.PostFormValue("body")}
	st, err := s.svc.PrepareSummary(r.Context(), principal(r), id, in)
	if err == nil {
		http.Redirect(w, r, statementPath(id, st.ID)+"?done=drafted", http.StatusSeeOther)
		return nil
	}
	f := summaryForm{RecipientEmail: in.RecipientEmail, Purpose: in.Purpose, Body: in.Body}
	if !f.fail(err, map[string]string{"recipient_email": "the recipient's email", "body": "the summary"}) {
		return err
	}
	return s.rerenderThirdParties(w, r, f.formState, func(pg *thirdPartiesPage) {
		if pg.Summary = f; !pg.CanAct {
			pg.Error = f.Error
		}
	})
}

// parse reads a three-way meeting's form; problems are kept in f.
func (f *threeWayForm) parse(r *http.Request) (service.ThreeWayInput, bool) {
	in, ok := f.meetingForm.parse(r)
	f.Brief = r.PostFormValue("brief")
	if strings.TrimSpace(f.Brief) == "" {
		f.BriefError, ok = "Write the brief: what may be said in the meeting, and how.", false
		if f.Error == "" {
			f.Error = "Please correct the meeting details below."
		}
	}
	return service.ThreeWayInput{Brief: f.Brief, StartsAt: in.StartsAt, Minutes: in.Minutes, Location: in.Location}, ok
}

func (f *threeWayForm) fail(err error) bool {
	if mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
		f.Error, f.Conflict = title(mentorvault.ErrorMessage(err))+".", true
		return true
	}
	if !f.meetingForm.fail(err) {
		return false
	}
	if v := mentorvault.ErrorFields(err)["brief"]; v != "" {
		f.BriefError = "The brief " + v + "."
		delete(f.Fields, "brief")
	}
	return true
}

func (s *Server) webProposeThreeWay(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := newThreeWayForm()
	in, ok := f.parse(r)
	if ok {
		tw, err := s.svc.ProposeThreeWay(r.Context(), principal(r), id, in)
		if err == nil {
			http.Redirect(w, r, threeWayPath(tw.ID)+"?done=proposed", http.StatusSeeOther)
			return nil
		}
		if !f.fail(err) {
			return err
		}
	}
	status := http.StatusBadRequest
	if f.Conflict {
		status = http.StatusConflict
	}
	return s.rerenderThirdParties(w, r, formState{Status: status}, func(pg *thirdPartiesPage) {
		if pg.TW = f; !pg.CanAct || pg.Manager == nil {
			pg.Error = f.Error
		}
	})
}

// --- one statement, as the pair see it ---

type findingView struct {
	Sentence, Match, Explanation, Suggestion string
}

type findingGroup struct {
	Kind, Heading string
	Findings      []findingView
}

type statementPage struct {
	base
	Rel                 *service.RelationshipView
	St                  *service.StatementView
	Body, Comment       string
	Kind                string
	State, StateLabel   string
	Author, Subject     string // as the reader is named: "you" or the name
	SubjectName         string
	Recipient           service.Person
	RecipientKind       string
	Groups              []findingGroup
	Findings            int
	Topics              []string
	ReleaseAt           string
	ReleasedAt          string
	WithdrawnAt         string
	IsAuthor, IsSubject bool
	CanEdit, CanDecide  bool
	CanWithdraw         bool
	PreAuthorised       bool
	Draft               string
	EditForm            formState
	Comment2            string
	DecideForm          formState
	Done                string
	Error               string // a refused action whose form is no longer shown
}

func findingGroups(res checker.Result, subject string) []findingGroup {
	heads := []struct{ kind, heading string }{
		{checker.KindKeptItem, "Things " + subject + " asked to keep confidential"},
		{checker.KindPerformance, "Sounds like a performance review, not mentoring"},
		{checker.KindNotAllowed, "Not covered by your signed agreement for this recipient"},
	}
	var out []findingGroup
	for _, h := range heads {
		g := findingGroup{Kind: h.kind, Heading: h.heading}
		for _, f := range res.Findings {
			if f.Kind == h.kind {
				g.Findings = append(g.Findings, findingView{Sentence: f.Sentence, Match: f.Match, Explanation: f.Explanation, Suggestion: f.Suggestion})
			}
		}
		if len(g.Findings) > 0 {
			out = append(out, g)
		}
	}
	return out
}

func (s *Server) statementPage(r *http.Request) (*statementPage, error) {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	st, err := s.svc.Statement(r.Context(), p, v.ID, r.PathValue("statementID"))
	if err != nil {
		return nil, s.hideFromOutsider(v, p, err)
	}
	running := v.Status == mentorvault.StatusActive || v.Status == mentorvault.StatusPaused
	pg := &statementPage{base: s.base(r, "Statement for "+st.Recipient.Name), Rel: v, St: st, Body: st.Body.Reveal(), Comment: st.Comment.Reveal(),
		Kind: st.Kind, State: string(st.State), StateLabel: statementStateLabel(st.Statement, st.Subject.Name),
		Author: me(st.Author, p.UserID), Subject: me(st.Subject, p.UserID), SubjectName: st.Subject.Name, Recipient: st.Recipient,
		RecipientKind: stRecipientLabel(st.RecipientKind), Groups: findingGroups(st.Check, st.Subject.Name), Findings: len(st.Check.Findings),
		IsAuthor: st.AuthorID == p.UserID, IsSubject: st.SubjectID == p.UserID, PreAuthorised: st.State == mentorvault.StatementPreAuthorised,
		Done: r.URL.Query().Get("done")}
	if st.Kind == mentorvault.StatementSummary {
		pg.Title = "Summary for " + st.Recipient.Name
	}
	pg.Draft = pg.Body
	for _, t := range st.Check.Topics {
		pg.Topics = append(pg.Topics, topicLabel(t))
	}
	if st.ReleaseAt != nil {
		pg.ReleaseAt = fmtWhen(*st.ReleaseAt)
	}
	if st.ReleasedAt != nil {
		pg.ReleasedAt = fmtWhen(*st.ReleasedAt)
	}
	if st.WithdrawnAt != nil {
		pg.WithdrawnAt = fmtWhen(*st.WithdrawnAt)
	}
	editable := st.State == mentorvault.StatementDraft || st.State == mentorvault.StatementChangesRequested
	pg.CanEdit = running && pg.IsAuthor && editable
	pg.CanDecide = running && pg.IsSubject && (st.State == mentorvault.StatementAwaitingConsent || st.State == mentorvault.StatementPreAuthorised)
	pg.CanWithdraw = running && pg.IsAuthor && st.State == mentorvault.StatementReleased
	return pg, nil
}

func (s *Server) webStatement(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.statementPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "statement.html", pg)
	return nil
}

func (s *Server) rerenderStatement(w http.ResponseWriter, r *http.Request, f formState, keep func(*statementPage)) error {
	pg, err := s.statementPage(r)
	if err != nil {
		return err
	}
	keep(pg)
	s.render(w, r, f.Status, "statement.html", pg)
	return nil
}

func (s *Server) webEditStatement(w http.ResponseWriter, r *http.Request) error {
	id, stID, body := r.PathValue("id"), r.PathValue("statementID"), r.PostFormValue("body")
	_, err := s.svc.EditStatement(r.Context(), principal(r), id, stID, body)
	if err == nil {
		http.Redirect(w, r, statementPath(id, stID)+"?done=saved", http.StatusSeeOther)
		return nil
	}
	var f formState
	if !f.fail(err, map[string]string{"body": "the statement"}) {
		return err
	}
	return s.rerenderStatement(w, r, f, func(pg *statementPage) {
		if pg.Draft, pg.EditForm = body, f; !pg.CanEdit {
			pg.Error = f.Error
		}
	})
}

func (s *Server) webSubmitStatement(w http.ResponseWriter, r *http.Request) error {
	id, stID := r.PathValue("id"), r.PathValue("statementID")
	st, err := s.svc.SubmitStatement(r.Context(), principal(r), id, stID)
	if err == nil {
		done := "submitted"
		if st.State == mentorvault.StatementPreAuthorised {
			done = "pre_authorised"
		}
		http.Redirect(w, r, statementPath(id, stID)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	var f formState
	if !f.fail(err, nil) {
		return err
	}
	return s.rerenderStatement(w, r, f, func(pg *statementPage) {
		if pg.EditForm = f; !pg.CanEdit {
			pg.Error = f.Error
		}
	})
}

func (s *Server) webDecideStatement(w http.ResponseWriter, r *http.Request) error {
	id, stID := r.PathValue("id"), r.PathValue("statementID")
	decision, comment := r.PostFormValue("decision"), strings.TrimSpace(r.PostFormValue("comment"))
	_, err := s.svc.DecideStatement(r.Context(), principal(r), id, stID, decision, comment)
	if err == nil {
		http.Redirect(w, r, statementPath(id, stID)+"?done="+url.QueryEscape(decision), http.StatusSeeOther)
		return nil
	}
	var f formState
	if !f.fail(err, map[string]string{"comment": "your comment"}) {
		return err
	}
	return s.rerenderStatement(w, r, f, func(pg *statementPage) {
		if pg.Comment2, pg.DecideForm = comment, f; !pg.CanDecide {
			pg.Error = f.Error
		}
	})
}

func (s *Server) webWithdrawStatement(w http.ResponseWriter, r *http.Request) error {
	id, stID := r.PathValue("id"), r.PathValue("statementID")
	if _, err := s.svc.WithdrawStatement(r.Context(), principal(r), id, stID); err != nil {
		return err
	}
	http.Redirect(w, r, statementPath(id, stID)+"?done=withdrawn", http.StatusSeeOther)
	return nil
}

// --- one three-way meeting, for the pair and the line manager ---

type threeWayNoteRow struct {
	ID, Author, When, Body string
}

type threeWayPage struct {
	base
	TW                 threeWayRow
	RelID              string
	Mentor, Mentee     string
	Manager            string
	Brief              string
	Agreements         []string
	IsParty, IsManager bool
	CanAgree           bool
	CanRevise          bool
	CanHold, CanCancel bool
	CanNote            bool
	Notes              []threeWayNoteRow
	NoteBody           string
	NoteForm           formState
	RForm              threeWayForm
	Done               string
	Error              string // a refused action whose form is no longer shown
}

func (s *Server) threeWayPage(r *http.Request) (*threeWayPage, error) {
	p := principal(r)
	tw, err := s.svc.ThreeWay(r.Context(), p, r.PathValue("threeWayID"))
	if err != nil {
		return nil, err
	}
	pg := &threeWayPage{base: s.base(r, "Three-way meeting"), TW: threeWayRowOf(tw, p.UserID), RelID: tw.RelationshipID,
		Mentor: tw.Mentor.Name, Mentee: tw.Mentee.Name, Manager: tw.Manager.Name, Brief: tw.Brief.Reveal(),
		IsParty: p.UserID == tw.Mentor.ID || p.UserID == tw.Mentee.ID, IsManager: p.UserID == tw.ManagerID, Done: r.URL.Query().Get("done")}
	if !pg.IsParty {
		pg.Nav = "statements"
	}
	for _, a := range []struct {
		who service.Person
		at  *time.Time
	}{{tw.Mentor, tw.MentorAgreedAt}, {tw.Mentee, tw.MenteeAgreedAt}} {
		name := title(me(a.who, p.UserID))
		if a.at != nil {
			pg.Agreements = append(pg.Agreements, name+" agreed this brief on "+fmtWhen(*a.at)+".")
		} else if tw.State == mentorvault.ThreeWayProposed {
			has := " has"
			if a.who.ID == p.UserID {
				has = " have"
			}
			pg.Agreements = append(pg.Agreements, name+has+" not agreed this brief yet.")
		}
	}
	running := true
	if v, err := s.svc.Relationship(r.Context(), p, tw.RelationshipID); err == nil {
		running = v.Status == mentorvault.StatusActive || v.Status == mentorvault.StatusPaused
	} else if mentorvault.ErrorCode(err) == mentorvault.EINTERNAL {
		return nil, err
	}
	proposed, agreed := tw.State == mentorvault.ThreeWayProposed, tw.State == mentorvault.ThreeWayAgreed
	pg.CanAgree = running && pg.IsParty && proposed && !((p.UserID == tw.Mentor.ID && tw.MentorAgreedAt != nil) || (p.UserID == tw.Mentee.ID && tw.MenteeAgreedAt != nil))
	pg.CanRevise = running && pg.IsParty && proposed
	pg.CanHold = running && pg.IsParty && agreed
	pg.CanCancel = running && pg.IsParty && (proposed || agreed)
	pg.CanNote = running && (pg.IsParty || pg.IsManager) && (agreed || tw.State == mentorvault.ThreeWayHeld)
	for _, n := range tw.Notes {
		pg.Notes = append(pg.Notes, threeWayNoteRow{ID: n.ID, Author: title(me(n.Author, p.UserID)), When: fmtWhen(n.CreatedAt), Body: n.Body.Reveal()})
	}
	pg.RForm = newThreeWayForm()
	pg.RForm.When, pg.RForm.Minutes, pg.RForm.Location, pg.RForm.Brief = tw.StartsAt.UTC().Format("2006-01-02T15:04"), strconv.Itoa(tw.Minutes), tw.Location, pg.Brief
	return pg, nil
}

func (s *Server) webThreeWay(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.threeWayPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "three_way.html", pg)
	return nil
}

func (s *Server) rerenderThreeWay(w http.ResponseWriter, r *http.Request, status int, keep func(*threeWayPage)) error {
	pg, err := s.threeWayPage(r)
	if err != nil {
		return err
	}
	keep(pg)
	s.render(w, r, status, "three_way.html", pg)
	return nil
}

func (s *Server) webAgreeThreeWay(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("threeWayID")
	if _, err := s.svc.AgreeThreeWay(r.Context(), principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, threeWayPath(id)+"?done=agreed", http.StatusSeeOther)
	return nil
}

func (s *Server) webReviseThreeWay(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("threeWayID")
	f := newThreeWayForm()
	in, ok := f.parse(r)
	if ok {
		_, err := s.svc.ReviseThreeWay(r.Context(), principal(r), id, in)
		if err == nil {
			http.Redirect(w, r, threeWayPath(id)+"?done=revised", http.StatusSeeOther)
			return nil
		}
		if !f.fail(err) {
			return err
		}
	}
	status := http.StatusBadRequest
	if f.Conflict {
		status = http.StatusConflict
	}
	return s.rerenderThreeWay(w, r, status, func(pg *threeWayPage) {
		if pg.RForm = f; !pg.CanRevise {
			pg.Error = f.Error
		}
	})
}

func (s *Server) webThreeWayOutcome(w http.ResponseWriter, r *http.Request) error {
	id, to := r.PathValue("threeWayID"), mentorvault.ThreeWayState(r.PostFormValue("outcome"))
	if _, err := s.svc.FinishThreeWay(r.Context(), principal(r), id, to); err != nil {
		return err
	}
	http.Redirect(w, r, threeWayPath(id)+"?done="+url.QueryEscape(string(to)), http.StatusSeeOther)
	return nil
}

func (s *Server) webThreeWayNote(w http.ResponseWriter, r *http.Request) error {
	id, body := r.PathValue("threeWayID"), r.PostFormValue("body")
	_, err := s.svc.AddThreeWayNote(r.Context(), principal(r), id, body)
	if err == nil {
		http.Redirect(w, r, threeWayPath(id)+"?done=note#notes", http.StatusSeeOther)
		return nil
	}
	var f formState
	if !f.fail(err, map[string]string{"body": "the note"}) {
		return err
	}
	return s.rerenderThreeWay(w, r, f.Status, func(pg *threeWayPage) {
		if pg.NoteBody, pg.NoteForm = body, f; !pg.CanNote {
			pg.Error = f.Error
		}
	})
}
