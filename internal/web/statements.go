package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/checker"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

func statementPath(relID, id string) string {
	return thirdPartyPath(relID) + "/statements/" + url.PathEscape(id)
}

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
	f.Error, f.Status = title(mentorvault.ErrorMessage(err))+".", httpx.Status(c)
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

// statementStateLabel says where a statement stands, to the reader: the
// subject reads of their own consent as "your".
func statementStateLabel(st *mentorvault.Statement, subject service.Person, reader string, z zone) string {
	you := subject.ID != "" && subject.ID == reader
	name, their := subject.Name, subject.Name+"’s"
	if you {
		name, their = "you", "your"
	}
	switch st.State {
	case mentorvault.StatementDraft:
		return "Draft"
	case mentorvault.StatementAwaitingConsent:
		return "Waiting for " + their + " consent"
	case mentorvault.StatementChangesRequested:
		return title(name) + " asked for changes"
	case mentorvault.StatementPreAuthorised:
		if st.ReleaseAt != nil {
			if you {
				return "Released " + z.when(*st.ReleaseAt) + " unless you object"
			}
			return "Released " + z.when(*st.ReleaseAt) + " unless " + name + " objects"
		}
		return "Pre-authorised"
	case mentorvault.StatementRefused:
		return "Refused by " + name
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

var askNames = map[string]string{"asked_id": "who you ask", "asked_email": "who you ask"}

type receivedStatementRow struct {
	ID, Kind, Author, Subject, Purpose, ReleasedAt, WithdrawnAt string
	Body                                                        mentorvault.Secret // zero once withdrawn
	Damaged                                                     bool               // its sealed text did not open: changed outside mentorvault
}

type receivedPage struct {
	base
	Rows      []receivedStatementRow
	ThreeWays []threeWayRow
	Requester bool
}

func (h *Handler) ReceivedStatements(w http.ResponseWriter, r *http.Request) error {
	z := h.zone(r)
	p := httpx.Principal(r)
	got, err := h.svc.ReceivedStatements(r.Context(), p)
	if err != nil {
		return err
	}
	tws, err := h.svc.MyThreeWays(r.Context(), p)
	if err != nil {
		return err
	}
	pg := &receivedPage{base: h.base(r, "Statements for me")}
	pg.Nav = "statements"
	if m, err := h.svc.Me(r.Context(), p); err == nil {
		pg.Requester = m.User.Requester
	}
	for _, rs := range got {
		row := receivedStatementRow{ID: rs.ID, Kind: rs.Kind, Author: rs.Author.Name, Subject: rs.Subject.Name, Purpose: rs.Purpose, ReleasedAt: z.when(rs.ReleasedAt), Damaged: rs.Damaged}
		if rs.WithdrawnAt != nil {
			row.WithdrawnAt = z.when(*rs.WithdrawnAt)
		} else {
			row.Body = rs.Body
		}
		pg.Rows = append(pg.Rows, row)
	}
	for _, tw := range tws {
		pg.ThreeWays = append(pg.ThreeWays, threeWayRowOf(tw, p.UserID, z))
	}
	h.render(w, r, http.StatusOK, "received_statements.html", pg)
	return nil
}

type statementRow struct {
	ID, Kind, Author, Subject, Recipient, Purpose, State, StateLabel string
	Updated, Release                                                 string
	Findings                                                         int
}

type summaryForm struct {
	formState
	RecipientEmail, Purpose string
	Body                    mentorvault.Secret // as typed, shown again when refused
}

func (h *Handler) DraftStatement(w http.ResponseWriter, r *http.Request) error {
	id, reqID := r.PathValue("id"), r.PathValue("requestID")
	return submit(w, r, form.ParseStatement, func(body string) (string, error) {
		st, err := h.svc.DraftStatement(r.Context(), httpx.Principal(r), id, reqID, body)
		if err != nil {
			return "", err
		}
		return statementPath(id, st.ID) + "?done=drafted", nil
	}, func(bad refused) error {
		var f formState
		f.fail(bad.Err, map[string]string{"body": "the statement"})
		return h.rerenderThirdParties(w, r, f, func(pg *thirdPartiesPage) {
			pg.requestForm(reqID, f, func(q *requestRow) { q.Draft, q.DraftForm = mentorvault.NewSecret(r.PostFormValue("body")), f })
		})
	}, mentorvault.ECONFLICT)
}

func (h *Handler) PrepareSummary(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseSummary, func(in service.SummaryInput) (string, error) {
		st, err := h.svc.PrepareSummary(r.Context(), httpx.Principal(r), id, in)
		if err != nil {
			return "", err
		}
		return statementPath(id, st.ID) + "?done=drafted", nil
	}, func(bad refused) error {
		in, _ := form.ParseSummary(r.PostForm)
		f := summaryForm{RecipientEmail: in.RecipientEmail, Purpose: in.Purpose, Body: mentorvault.NewSecret(in.Body)}
		f.fail(bad.Err, map[string]string{"recipient_email": "the recipient's email", "body": "the summary"})
		return h.rerenderThirdParties(w, r, f.formState, func(pg *thirdPartiesPage) {
			if pg.Summary = f; !pg.Rel.Allowed.Has(policy.ActThirdParty) {
				pg.Error = f.Error
			}
		})
	}, mentorvault.ECONFLICT)
}

type findingView struct {
	Sentence, Match         mentorvault.Secret
	Explanation, Suggestion string
}

type findingGroup struct {
	Kind, Heading string
	Findings      []findingView
}

type statementPage struct {
	base
	Rel               *service.RelationshipView
	St                *service.StatementView // its CanEdit, CanDecide and CanWithdraw decide the forms shown
	Body, Comment     mentorvault.Secret
	Kind              string
	State, StateLabel string
	Author, Subject   string // as the reader is named: "you" or the name
	SubjectName       string
	Recipient         service.Person
	RecipientKind     string
	Groups            []findingGroup
	Findings          int
	Topics            []string
	ReleaseAt         string
	ReleasedAt        string
	WithdrawnAt       string
	PreAuthorised     bool
	Draft             mentorvault.Secret // the text in the edit form: the body, or a refused edit
	EditForm          formState
	Comment2          mentorvault.Secret // a refused decision's comment, shown again
	DecideForm        formState
	Done              string
	Error             string // a refused action whose form is no longer shown
}

func findingGroups(res service.Check, subject string) []findingGroup {
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

func (h *Handler) statementPage(r *http.Request) (*statementPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	st, err := h.svc.Statement(r.Context(), p, v.ID, r.PathValue("statementID"))
	if err != nil {
		return nil, err
	}
	pg := &statementPage{base: h.base(r, "Statement for "+st.Recipient.Name), Rel: v, St: st, Body: st.Body, Comment: st.Comment,
		Kind: st.Kind, State: string(st.State), StateLabel: statementStateLabel(st.Statement, st.Subject, p.UserID, z),
		Author: me(st.Author, p.UserID), Subject: me(st.Subject, p.UserID), SubjectName: st.Subject.Name, Recipient: st.Recipient,
		RecipientKind: stRecipientLabel(st.RecipientKind), Groups: findingGroups(st.Check, st.Subject.Name), Findings: len(st.Check.Findings),
		PreAuthorised: st.State == mentorvault.StatementPreAuthorised,
		Done:          r.URL.Query().Get("done")}
	if st.Kind == mentorvault.StatementSummary {
		pg.Title = "Summary for " + st.Recipient.Name
	}
	pg.Draft = pg.Body
	for _, t := range st.Check.Topics {
		pg.Topics = append(pg.Topics, topicLabel(t))
	}
	if st.ReleaseAt != nil {
		pg.ReleaseAt = z.when(*st.ReleaseAt)
	}
	if st.ReleasedAt != nil {
		pg.ReleasedAt = z.when(*st.ReleasedAt)
	}
	if st.WithdrawnAt != nil {
		pg.WithdrawnAt = z.when(*st.WithdrawnAt)
	}
	return pg, nil
}

func (h *Handler) Statement(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.statementPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "statement.html", pg)
	return nil
}

func (h *Handler) rerenderStatement(w http.ResponseWriter, r *http.Request, f formState, keep func(*statementPage)) error {
	pg, err := h.statementPage(r)
	if err != nil {
		return err
	}
	keep(pg)
	h.render(w, r, f.Status, "statement.html", pg)
	return nil
}

func (h *Handler) EditStatement(w http.ResponseWriter, r *http.Request) error {
	id, stID := r.PathValue("id"), r.PathValue("statementID")
	return submit(w, r, form.ParseStatement, func(body string) (string, error) {
		_, err := h.svc.EditStatement(r.Context(), httpx.Principal(r), id, stID, body)
		return statementPath(id, stID) + "?done=saved", err
	}, func(bad refused) error {
		var f formState
		f.fail(bad.Err, map[string]string{"body": "the statement"})
		return h.rerenderStatement(w, r, f, func(pg *statementPage) {
			if pg.Draft, pg.EditForm = mentorvault.NewSecret(r.PostFormValue("body")), f; !pg.St.CanEdit() {
				pg.Error = f.Error
			}
		})
	}, mentorvault.ECONFLICT)
}

func (h *Handler) SubmitStatement(w http.ResponseWriter, r *http.Request) error {
	id, stID := r.PathValue("id"), r.PathValue("statementID")
	st, err := h.svc.SubmitStatement(r.Context(), httpx.Principal(r), id, stID)
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
	return h.rerenderStatement(w, r, f, func(pg *statementPage) {
		if pg.EditForm = f; !pg.St.CanEdit() {
			pg.Error = f.Error
		}
	})
}

func (h *Handler) DecideStatement(w http.ResponseWriter, r *http.Request) error {
	id, stID := r.PathValue("id"), r.PathValue("statementID")
	return submit(w, r, form.ParseDecision, func(d form.Decision) (string, error) {
		_, err := h.svc.DecideStatement(r.Context(), httpx.Principal(r), id, stID, d.Decision, d.Comment)
		return statementPath(id, stID) + "?done=" + url.QueryEscape(d.Decision), err
	}, func(bad refused) error {
		d, _ := form.ParseDecision(r.PostForm)
		var f formState
		f.fail(bad.Err, map[string]string{"comment": "your comment"})
		return h.rerenderStatement(w, r, f, func(pg *statementPage) {
			if pg.Comment2, pg.DecideForm = mentorvault.NewSecret(d.Comment), f; !pg.St.CanDecide() {
				pg.Error = f.Error
			}
		})
	}, mentorvault.ECONFLICT)
}

func (h *Handler) WithdrawStatement(w http.ResponseWriter, r *http.Request) error {
	id, stID := r.PathValue("id"), r.PathValue("statementID")
	if _, err := h.svc.WithdrawStatement(r.Context(), httpx.Principal(r), id, stID); err != nil {
		return err
	}
	http.Redirect(w, r, statementPath(id, stID)+"?done=withdrawn", http.StatusSeeOther)
	return nil
}
