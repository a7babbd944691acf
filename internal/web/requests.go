package web

import (
	"net/http"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

func thirdPartyPath(relID string) string { return relPath(relID) + "/third-parties" }

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

type askForm struct {
	formState
	Asked, Purpose, Deadline string
	Question                 mentorvault.Secret // as typed, shown again when refused
}

type askPage struct {
	base
	Rel  *service.RelationshipView
	Form askForm
}

func (h *Handler) AskForm(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Relationship(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.svc.AskInput(r.Context(), httpx.Principal(r), v.ID); err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "request_new.html", &askPage{base: h.base(r, "Ask for input"), Rel: v, Form: askForm{Asked: v.Mentor.Email}})
	return nil
}

func (h *Handler) RequestInput(w http.ResponseWriter, r *http.Request) error {
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	return submit(w, r, form.ParseInputRequest, func(in service.InputRequestInput) (string, error) {
		_, err := h.svc.RequestInput(r.Context(), p, v.ID, in)
		return "/requests?done=asked", err
	}, func(bad refused) error {
		f := askForm{Asked: r.PostFormValue("asked_email"), Purpose: strings.TrimSpace(r.PostFormValue("purpose")),
			Question: mentorvault.NewSecret(r.PostFormValue("question")), Deadline: strings.TrimSpace(r.PostFormValue("deadline"))}
		if bad.Err == nil {
			f.Error, f.Fields = "Please correct the request below.", bad.Problems
		} else {
			f.fail(bad.Err, askNames)
		}
		// The form's page answers 400 even for a conflict, which it explains.
		h.render(w, r, http.StatusBadRequest, "request_new.html", &askPage{base: h.base(r, "Ask for input"), Rel: v, Form: f})
		return nil
	}, mentorvault.ECONFLICT)
}

type myRequestRow struct {
	ID, RelID, Asked, Subject, Purpose, Deadline string
	Created, Status, StatusLabel, DeclineReply   string
	ReleasedAt, WithdrawnAt                      string
	Question, Body                               mentorvault.Secret
	Damaged                                      bool // its sealed text did not open: changed outside mentorvault
}

type requestsPage struct {
	base
	Rows      []myRequestRow
	Requester bool
	Done      string
	Pager
}

func (h *Handler) MyRequests(w http.ResponseWriter, r *http.Request) error {
	z := h.zone(r)
	p := httpx.Principal(r)
	offset, err := pageOffset(r)
	if err != nil {
		return err
	}
	l, err := h.svc.MyRequests(r.Context(), p, service.PageFilter{Offset: offset, Limit: listPageSize})
	if err != nil {
		return err
	}
	mine := l.Requests
	var received []*service.ReceivedStatement
	if len(mine) > 0 {
		if received, err = h.svc.ReceivedStatements(r.Context(), p); err != nil {
			return err
		}
	}
	pg := &requestsPage{base: h.base(r, "My requests"), Done: r.URL.Query().Get("done"), Pager: pagerOf(offset, listPageSize, l.More)}
	pg.Nav = "requests"
	if m, err := h.svc.Me(r.Context(), p); err == nil {
		pg.Requester = m.User.Requester
	}
	for _, q := range mine {
		row := myRequestRow{ID: q.ID, RelID: q.RelationshipID, Asked: q.Asked.Name, Subject: q.Subject.Name, Purpose: q.Purpose, Question: q.Question, Damaged: q.Damaged,
			Deadline: q.Deadline.UTC().Format("Mon 2 Jan 2006"), Created: z.when(q.CreatedAt), Status: string(q.Status),
			StatusLabel: requestStatusLabel(q.Status), DeclineReply: q.DeclineReply}
		for _, rs := range received { // newest first: the latest answer to this request
			if rs.RequestID != q.ID {
				continue
			}
			row.ReleasedAt = z.when(rs.ReleasedAt)
			if rs.WithdrawnAt != nil {
				row.WithdrawnAt = z.when(*rs.WithdrawnAt)
				row.StatusLabel = "The answer was withdrawn"
			} else {
				row.Body = rs.Body
			}
			break
		}
		pg.Rows = append(pg.Rows, row)
	}
	h.render(w, r, http.StatusOK, "requests.html", pg)
	return nil
}

type requestRow struct {
	ID, Requester, RequesterEmail, Asked, Subject, Purpose string
	Deadline, Created, Status, StatusLabel, DeclineReply   string
	StatementID, StatementLabel                            string
	Question                                               mentorvault.Secret
	Damaged                                                bool               // its sealed text did not open: changed outside mentorvault
	CanAnswer                                              bool               // service.RequestView.CanAnswer: Cedar and the request's state
	Draft                                                  mentorvault.Secret // a refused draft, shown again
	Decline                                                string
	DraftForm, DeclineForm                                 formState
}

type thirdPartiesPage struct {
	base
	Rel        *service.RelationshipView
	Other      service.Person
	Me         string
	Requests   []*requestRow
	Statements []statementRow
	ThreeWays  []threeWayRow
	Manager    *service.Person
	Summary    summaryForm
	TW         threeWayForm
	Neutral    string
	Done       string
	Error      string // a refused action whose form is no longer shown
	Pager
}

func (h *Handler) thirdPartiesPage(r *http.Request) (*thirdPartiesPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	offset, err := pageOffset(r)
	if err != nil {
		return nil, err
	}
	tp, err := h.svc.ThirdParties(r.Context(), p, v.ID, service.PageFilter{Offset: offset, Limit: listPageSize})
	if err != nil {
		return nil, err
	}
	pg := &thirdPartiesPage{base: h.base(r, "Third parties"), Rel: v, Other: v.Other(p.UserID), Me: p.UserID, Manager: tp.Manager,
		Neutral: mentorvault.NeutralDecline,
		Done:    r.URL.Query().Get("done"), TW: newThreeWayForm(z), Pager: pagerOf(offset, listPageSize, tp.More)}
	if tp.Manager != nil {
		pg.Summary.RecipientEmail = tp.Manager.Email
		pg.Summary.Purpose = "goals and progress"
	}
	states := map[string]*service.StatementView{}
	for _, st := range tp.Statements {
		states[st.ID] = st
		row := statementRow{ID: st.ID, Kind: st.Kind, Author: me(st.Author, p.UserID), Subject: me(st.Subject, p.UserID), Recipient: st.Recipient.Name,
			Purpose: st.Purpose, State: string(st.State), StateLabel: statementStateLabel(st.Statement, st.Subject, httpx.Principal(r).UserID, z),
			Updated: z.when(st.UpdatedAt), Findings: len(st.Check.Findings)}
		if st.ReleasedAt != nil {
			row.Release = "Released to " + st.Recipient.Name + " on " + z.when(*st.ReleasedAt)
			if st.WithdrawnAt != nil {
				row.Release += "; withdrawn on " + z.when(*st.WithdrawnAt)
			}
		}
		pg.Statements = append(pg.Statements, row)
	}
	for _, q := range tp.Requests {
		row := &requestRow{ID: q.ID, Requester: q.Requester.Name, RequesterEmail: q.Requester.Email, Asked: me(q.Asked, p.UserID),
			Subject: me(q.Subject, p.UserID), Purpose: q.Purpose, Question: q.Question, Damaged: q.Damaged,
			Deadline: q.Deadline.UTC().Format("Mon 2 Jan 2006"), Created: z.when(q.CreatedAt), Status: string(q.Status),
			StatusLabel: requestStatusLabel(q.Status), DeclineReply: q.DeclineReply, StatementID: q.StatementID,
			CanAnswer: q.CanAnswer(), Decline: mentorvault.NeutralDecline}
		if q.Answer != nil {
			row.StatementLabel = statementStateLabel(q.Answer, q.Subject, httpx.Principal(r).UserID, z)
		}
		pg.Requests = append(pg.Requests, row)
	}
	for _, tw := range tp.ThreeWays {
		pg.ThreeWays = append(pg.ThreeWays, threeWayRowOf(tw, p.UserID, z))
	}
	return pg, nil
}

func (h *Handler) ThirdParties(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.thirdPartiesPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "third_parties.html", pg)
	return nil
}

// rerenderThirdParties shows the third-party page again with a refused
// form's input and problem, set by keep.
func (h *Handler) rerenderThirdParties(w http.ResponseWriter, r *http.Request, f formState, keep func(*thirdPartiesPage)) error {
	pg, err := h.thirdPartiesPage(r)
	if err != nil {
		return err
	}
	keep(pg)
	h.render(w, r, f.Status, "third_parties.html", pg)
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

func (h *Handler) DeclineRequest(w http.ResponseWriter, r *http.Request) error {
	id, reqID := r.PathValue("id"), r.PathValue("requestID")
	return submit(w, r, form.ParseDecline, func(reply string) (string, error) {
		_, err := h.svc.DeclineRequest(r.Context(), httpx.Principal(r), id, reqID, reply)
		return thirdPartyPath(id) + "?done=declined#requests", err
	}, func(bad refused) error {
		var f formState
		f.fail(bad.Err, map[string]string{"reply": "the reply"})
		return h.rerenderThirdParties(w, r, f, func(pg *thirdPartiesPage) {
			pg.requestForm(reqID, f, func(q *requestRow) { q.Decline, q.DeclineForm = r.PostFormValue("reply"), f })
		})
	}, mentorvault.ECONFLICT)
}
