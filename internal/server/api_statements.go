package server

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/checker"
	"github.com/mentorvault/mentorvault/internal/service"
)

// The third-party API: requesters ask for input and read what was released
// to them; the pair answer, draft, check, consent and release; three-way
// meetings with the mentee's line manager.

type requestJSON struct {
	ID           string     `json:"id"`
	Requester    personJSON `json:"requester"`
	Asked        personJSON `json:"asked"`
	Subject      personJSON `json:"subject"`
	Purpose      string     `json:"purpose"`
	Question     string     `json:"question"`
	Deadline     time.Time  `json:"deadline"`
	Status       string     `json:"status"`
	DeclineReply string     `json:"decline_reply"`
	StatementID  *string    `json:"statement_id"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// requestOut is where a request's question enters a response to the pair.
func requestOut(v *service.RequestView) requestJSON {
	return requestJSON{ID: v.ID, Requester: person(v.Requester), Asked: person(v.Asked), Subject: person(v.Subject), Purpose: v.Purpose,
		Question: v.Question.Reveal(), Deadline: v.Deadline, Status: string(v.Status), DeclineReply: v.DeclineReply,
		StatementID: optString(v.StatementID), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
}

type statementJSON struct {
	ID            string         `json:"id"`
	Kind          string         `json:"kind"`
	RequestID     *string        `json:"request_id"`
	Author        personJSON     `json:"author"`
	Subject       personJSON     `json:"subject"`
	Recipient     personJSON     `json:"recipient"`
	RecipientKind string         `json:"recipient_kind"`
	Purpose       string         `json:"purpose"`
	Body          string         `json:"body"`
	Comment       string         `json:"comment"`
	State         string         `json:"state"`
	ReleaseAt     *time.Time     `json:"release_at"`
	Check         checker.Result `json:"check"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	ReleasedAt    *time.Time     `json:"released_at"`
	WithdrawnAt   *time.Time     `json:"withdrawn_at"`
}

// statementOut is where a statement's text, comment and findings enter a
// response to the pair; requesters get receivedOut instead.
func statementOut(v *service.StatementView) statementJSON {
	return statementJSON{ID: v.ID, Kind: v.Kind, RequestID: optString(v.RequestID), Author: person(v.Author), Subject: person(v.Subject),
		Recipient: person(v.Recipient), RecipientKind: string(v.RecipientKind), Purpose: v.Purpose, Body: v.Body.Reveal(), Comment: v.Comment.Reveal(),
		State: string(v.State), ReleaseAt: v.ReleaseAt, Check: v.Check, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
		ReleasedAt: v.ReleasedAt, WithdrawnAt: v.WithdrawnAt}
}

type threeWayNoteJSON struct {
	ID        string     `json:"id"`
	Author    personJSON `json:"author"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
}

type threeWayJSON struct {
	ID             string             `json:"id"`
	RelationshipID string             `json:"relationship_id"`
	Mentor         personJSON         `json:"mentor"`
	Mentee         personJSON         `json:"mentee"`
	Manager        personJSON         `json:"manager"`
	ProposedBy     string             `json:"proposed_by"`
	Brief          string             `json:"brief"`
	StartsAt       time.Time          `json:"starts_at"`
	Minutes        int                `json:"minutes"`
	Location       string             `json:"location"`
	State          string             `json:"state"`
	MentorAgreedAt *time.Time         `json:"mentor_agreed_at"`
	MenteeAgreedAt *time.Time         `json:"mentee_agreed_at"`
	Notes          []threeWayNoteJSON `json:"notes"`
	CreatedAt      time.Time          `json:"created_at"`
	UpdatedAt      time.Time          `json:"updated_at"`
}

// threeWayOut is where a brief and the notes for the three enter a response.
func threeWayOut(v *service.ThreeWayView) threeWayJSON {
	out := threeWayJSON{ID: v.ID, RelationshipID: v.RelationshipID, Mentor: person(v.Mentor), Mentee: person(v.Mentee), Manager: person(v.Manager),
		ProposedBy: v.ProposedByID, Brief: v.Brief.Reveal(), StartsAt: v.StartsAt, Minutes: v.Minutes, Location: v.Location, State: string(v.State),
		MentorAgreedAt: v.MentorAgreedAt, MenteeAgreedAt: v.MenteeAgreedAt, Notes: []threeWayNoteJSON{}, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	for _, n := range v.Notes {
		out.Notes = append(out.Notes, threeWayNoteOut(n))
	}
	return out
}

func threeWayNoteOut(n *service.ThreeWayNoteView) threeWayNoteJSON {
	return threeWayNoteJSON{ID: n.ID, Author: person(n.Author), Body: n.Body.Reveal(), CreatedAt: n.CreatedAt}
}

func (s *Server) apiThirdParties(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.ThirdParties(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Requests   []requestJSON   `json:"requests"`
		Statements []statementJSON `json:"statements"`
		ThreeWays  []threeWayJSON  `json:"three_way_meetings"`
		Manager    *personJSON     `json:"line_manager"`
	}{Requests: []requestJSON{}, Statements: []statementJSON{}, ThreeWays: []threeWayJSON{}}
	for _, q := range v.Requests {
		out.Requests = append(out.Requests, requestOut(q))
	}
	for _, st := range v.Statements {
		out.Statements = append(out.Statements, statementOut(st))
	}
	for _, m := range v.ThreeWays {
		out.ThreeWays = append(out.ThreeWays, threeWayOut(m))
	}
	if v.Manager != nil {
		p := person(*v.Manager)
		out.Manager = &p
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type myRequestJSON struct {
	ID             string     `json:"id"`
	RelationshipID string     `json:"relationship_id"`
	Asked          personJSON `json:"asked"`
	Subject        personJSON `json:"subject"`
	Purpose        string     `json:"purpose"`
	Question       string     `json:"question"`
	Deadline       time.Time  `json:"deadline"`
	Status         string     `json:"status"`
	DeclineReply   string     `json:"decline_reply"`
	StatementID    *string    `json:"statement_id"`
	CreatedAt      time.Time  `json:"created_at"`
}

func myRequestOut(m *service.MyRequest) myRequestJSON {
	return myRequestJSON{ID: m.ID, RelationshipID: m.RelationshipID, Asked: person(m.Asked), Subject: person(m.Subject), Purpose: m.Purpose,
		Question: m.Question, Deadline: m.Deadline, Status: string(m.Status), DeclineReply: m.DeclineReply, StatementID: optString(m.StatementID),
		CreatedAt: m.CreatedAt}
}

func (s *Server) apiRequestInput(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		AskedID    string     `json:"asked_id"`
		AskedEmail string     `json:"asked_email"`
		Purpose    string     `json:"purpose"`
		Question   string     `json:"question"`
		Deadline   *time.Time `json:"deadline"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	si := service.InputRequestInput{AskedID: in.AskedID, AskedEmail: in.AskedEmail, Purpose: in.Purpose, Question: in.Question}
	if in.Deadline != nil {
		si.Deadline = *in.Deadline
	}
	m, err := s.svc.RequestInput(r.Context(), principal(r), r.PathValue("id"), si)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, myRequestOut(m))
	return nil
}

func (s *Server) apiMyRequests(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.svc.MyRequests(r.Context(), principal(r))
	if err != nil {
		return err
	}
	out := []myRequestJSON{}
	for _, m := range ms {
		out = append(out, myRequestOut(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": out})
	return nil
}

func (s *Server) apiDeclineRequest(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reply string `json:"reply"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.DeclineRequest(r.Context(), principal(r), r.PathValue("id"), r.PathValue("requestID"), in.Reply); err != nil {
		return err
	}
	return s.apiThirdParties(w, r)
}

type statementBodyJSON struct {
	Body string `json:"body"`
}

func (s *Server) apiDraftStatement(w http.ResponseWriter, r *http.Request) error {
	var in statementBodyJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.DraftStatement(r.Context(), principal(r), r.PathValue("id"), r.PathValue("requestID"), in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, statementOut(v))
	return nil
}

func (s *Server) apiPrepareSummary(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		RecipientEmail string `json:"recipient_email"`
		Purpose        string `json:"purpose"`
		Body           string `json:"body"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.PrepareSummary(r.Context(), principal(r), r.PathValue("id"), service.SummaryInput{RecipientEmail: in.RecipientEmail, Purpose: in.Purpose, Body: in.Body})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, statementOut(v))
	return nil
}

func (s *Server) apiStatement(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Statement(r.Context(), principal(r), r.PathValue("id"), r.PathValue("statementID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, statementOut(v))
	return nil
}

func (s *Server) apiEditStatement(w http.ResponseWriter, r *http.Request) error {
	var in statementBodyJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.EditStatement(r.Context(), principal(r), r.PathValue("id"), r.PathValue("statementID"), in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, statementOut(v))
	return nil
}

func (s *Server) apiSubmitStatement(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.SubmitStatement(r.Context(), principal(r), r.PathValue("id"), r.PathValue("statementID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, statementOut(v))
	return nil
}

func (s *Server) apiDecideStatement(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.DecideStatement(r.Context(), principal(r), r.PathValue("id"), r.PathValue("statementID"), in.Decision, in.Comment)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, statementOut(v))
	return nil
}

func (s *Server) apiWithdrawStatement(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.WithdrawStatement(r.Context(), principal(r), r.PathValue("id"), r.PathValue("statementID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, statementOut(v))
	return nil
}

type receivedJSON struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	RequestID   *string    `json:"request_id"`
	Author      personJSON `json:"author"`
	Subject     personJSON `json:"subject"`
	Purpose     string     `json:"purpose"`
	State       string     `json:"state"`
	Body        *string    `json:"body"` // null once withdrawn
	ReleasedAt  time.Time  `json:"released_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
}

// receivedOut is where a released statement's text enters a response to its recipient.
func receivedOut(v *service.ReceivedStatement) receivedJSON {
	out := receivedJSON{ID: v.ID, Kind: v.Kind, RequestID: optString(v.RequestID), Author: person(v.Author), Subject: person(v.Subject),
		Purpose: v.Purpose, State: string(mentorvault.StatementReleased), ReleasedAt: v.ReleasedAt, WithdrawnAt: v.WithdrawnAt}
	if v.WithdrawnAt != nil {
		out.State = string(mentorvault.StatementWithdrawn)
	} else {
		b := v.Body.Reveal()
		out.Body = &b
	}
	return out
}

func (s *Server) apiReceivedStatements(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.ReceivedStatements(r.Context(), principal(r))
	if err != nil {
		return err
	}
	out := []receivedJSON{}
	for _, v := range vs {
		out = append(out, receivedOut(v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"statements": out})
	return nil
}

type threeWayInputJSON struct {
	Brief    string     `json:"brief"`
	StartsAt *time.Time `json:"starts_at"`
	Minutes  int        `json:"minutes"`
	Location string     `json:"location"`
}

func (in threeWayInputJSON) input() service.ThreeWayInput {
	out := service.ThreeWayInput{Brief: in.Brief, Minutes: in.Minutes, Location: in.Location}
	if in.StartsAt != nil {
		out.StartsAt = *in.StartsAt
	}
	return out
}

func (s *Server) apiProposeThreeWay(w http.ResponseWriter, r *http.Request) error {
	var in threeWayInputJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.ProposeThreeWay(r.Context(), principal(r), r.PathValue("id"), in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, threeWayOut(v))
	return nil
}

func (s *Server) apiMyThreeWays(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.MyThreeWays(r.Context(), principal(r))
	if err != nil {
		return err
	}
	out := []threeWayJSON{}
	for _, v := range vs {
		out = append(out, threeWayOut(v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"three_way_meetings": out})
	return nil
}

func (s *Server) apiThreeWay(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.ThreeWay(r.Context(), principal(r), r.PathValue("threeWayID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, threeWayOut(v))
	return nil
}

func (s *Server) apiReviseThreeWay(w http.ResponseWriter, r *http.Request) error {
	var in threeWayInputJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.ReviseThreeWay(r.Context(), principal(r), r.PathValue("threeWayID"), in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, threeWayOut(v))
	return nil
}

func (s *Server) apiAgreeThreeWay(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.AgreeThreeWay(r.Context(), principal(r), r.PathValue("threeWayID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, threeWayOut(v))
	return nil
}

func (s *Server) apiThreeWayOutcome(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		State string `json:"state"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.FinishThreeWay(r.Context(), principal(r), r.PathValue("threeWayID"), mentorvault.ThreeWayState(in.State))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, threeWayOut(v))
	return nil
}

func (s *Server) apiThreeWayNote(w http.ResponseWriter, r *http.Request) error {
	var in statementBodyJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	n, err := s.svc.AddThreeWayNote(r.Context(), principal(r), r.PathValue("threeWayID"), in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, threeWayNoteOut(n))
	return nil
}
