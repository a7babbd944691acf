package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type statementJSON struct {
	ID            string     `json:"id"`
	Kind          string     `json:"kind"`
	RequestID     *string    `json:"request_id"`
	Author        personJSON `json:"author"`
	Subject       personJSON `json:"subject"`
	Recipient     personJSON `json:"recipient"`
	RecipientKind string     `json:"recipient_kind"`
	Purpose       string     `json:"purpose"`
	Body          string     `json:"body"`
	Comment       string     `json:"comment"`
	State         string     `json:"state"`
	ReleaseAt     *time.Time `json:"release_at"`
	Check         checkJSON  `json:"check"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	ReleasedAt    *time.Time `json:"released_at"`
	WithdrawnAt   *time.Time `json:"withdrawn_at"`
	Damaged       bool       `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

// statementOut is where a statement's text, comment and findings enter a
// response to the pair; requesters get receivedOut instead.
func statementOut(v *service.StatementView) statementJSON {
	return statementJSON{ID: v.ID, Kind: v.Kind, RequestID: optString(v.RequestID), Author: person(v.Author), Subject: person(v.Subject),
		Recipient: person(v.Recipient), RecipientKind: string(v.RecipientKind), Purpose: v.Purpose, Body: v.Body.Reveal(), Comment: v.Comment.Reveal(), Damaged: v.Damaged,
		State: string(v.State), ReleaseAt: v.ReleaseAt, Check: checkOut(v.Check), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
		ReleasedAt: v.ReleasedAt, WithdrawnAt: v.WithdrawnAt}
}

type checkJSON struct {
	Findings      []findingJSON                `json:"findings"`
	Topics        []mentorvault.DisclosureWhat `json:"topics"`
	PreAuthorised bool                         `json:"pre_authorised"`
}

type findingJSON struct {
	Kind        string `json:"kind"`
	Sentence    string `json:"sentence"`
	Match       string `json:"match"`
	Explanation string `json:"explanation"`
	Suggestion  string `json:"suggestion"`
}

// checkOut is where the checker's quotes of a statement enter a response to the pair.
func checkOut(c service.Check) checkJSON {
	out := checkJSON{Findings: []findingJSON{}, Topics: c.Topics, PreAuthorised: c.PreAuthorised}
	if out.Topics == nil {
		out.Topics = []mentorvault.DisclosureWhat{}
	}
	for _, f := range c.Findings {
		out.Findings = append(out.Findings, findingJSON{Kind: f.Kind, Sentence: f.Sentence.Reveal(), Match: f.Match.Reveal(),
			Explanation: f.Explanation, Suggestion: f.Suggestion})
	}
	return out
}

type statementBodyJSON struct {
	Body string `json:"body"`
}

// DraftStatement serves POST /api/v1/relationships/{id}/input-requests/{requestID}/statement:
// 201 with the draft statement answering the request.
func (h *Handler) DraftStatement(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in statementBodyJSON) (statementJSON, error) {
		return asJSON(statementOut)(h.svc.DraftStatement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("requestID"), in.Body))
	})(w, r)
}

type summaryInputJSON struct {
	RecipientEmail string `json:"recipient_email"`
	Purpose        string `json:"purpose"`
	Body           string `json:"body"`
}

// PrepareSummary serves POST /api/v1/relationships/{id}/summaries: 201 with
// a draft summary for a line manager.
func (h *Handler) PrepareSummary(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in summaryInputJSON) (statementJSON, error) {
		return asJSON(statementOut)(h.svc.PrepareSummary(r.Context(), httpx.Principal(r), r.PathValue("id"), service.SummaryInput(in)))
	})(w, r)
}

// Statement serves GET /api/v1/relationships/{id}/statements/{statementID}.
func (h *Handler) Statement(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (statementJSON, error) {
		return asJSON(statementOut)(h.svc.Statement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("statementID")))
	})(w, r)
}

// EditStatement serves PUT /api/v1/relationships/{id}/statements/{statementID}:
// replaces the draft's text.
func (h *Handler) EditStatement(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in statementBodyJSON) (statementJSON, error) {
		return asJSON(statementOut)(h.svc.EditStatement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("statementID"), in.Body))
	})(w, r)
}

// SubmitStatement serves POST /api/v1/relationships/{id}/statements/{statementID}/submit:
// the author hands the draft to the subject for a decision.
func (h *Handler) SubmitStatement(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (statementJSON, error) {
		return asJSON(statementOut)(h.svc.SubmitStatement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("statementID")))
	})(w, r)
}

type decisionJSON struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
}

// DecideStatement serves POST /api/v1/relationships/{id}/statements/{statementID}/decision:
// the subject approves or declines its release.
func (h *Handler) DecideStatement(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in decisionJSON) (statementJSON, error) {
		return asJSON(statementOut)(h.svc.DecideStatement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("statementID"), in.Decision, in.Comment))
	})(w, r)
}

// WithdrawStatement serves POST /api/v1/relationships/{id}/statements/{statementID}/withdraw.
func (h *Handler) WithdrawStatement(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (statementJSON, error) {
		return asJSON(statementOut)(h.svc.WithdrawStatement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("statementID")))
	})(w, r)
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
	Damaged     bool       `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

// receivedOut is where a released statement's text enters a response to its recipient.
func receivedOut(v *service.ReceivedStatement) receivedJSON {
	out := receivedJSON{ID: v.ID, Kind: v.Kind, RequestID: optString(v.RequestID), Author: person(v.Author), Subject: person(v.Subject),
		Purpose: v.Purpose, State: string(mentorvault.StatementReleased), ReleasedAt: v.ReleasedAt, WithdrawnAt: v.WithdrawnAt, Damaged: v.Damaged}
	if v.WithdrawnAt != nil {
		out.State = string(mentorvault.StatementWithdrawn)
	} else {
		b := v.Body.Reveal()
		out.Body = &b
	}
	return out
}

// ReceivedStatements serves GET /api/v1/statements: the statements released
// to the caller (withdrawn ones without their text).
func (h *Handler) ReceivedStatements(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(func(vs []*service.ReceivedStatement) map[string]any {
			out := []receivedJSON{}
			for _, v := range vs {
				out = append(out, receivedOut(v))
			}
			return map[string]any{"statements": out}
		})(h.svc.ReceivedStatements(r.Context(), httpx.Principal(r)))
	})(w, r)
}
