package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/checker"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

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

type statementBodyJSON struct {
	Body string `json:"body"`
}

func (h *Handler) DraftStatement(w http.ResponseWriter, r *http.Request) error {
	var in statementBodyJSON
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.svc.DraftStatement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("requestID"), in.Body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, statementOut(v))
	return nil
}

func (h *Handler) PrepareSummary(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		RecipientEmail string `json:"recipient_email"`
		Purpose        string `json:"purpose"`
		Body           string `json:"body"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.svc.PrepareSummary(r.Context(), httpx.Principal(r), r.PathValue("id"), service.SummaryInput{RecipientEmail: in.RecipientEmail, Purpose: in.Purpose, Body: in.Body})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, statementOut(v))
	return nil
}

func (h *Handler) Statement(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Statement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("statementID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, statementOut(v))
	return nil
}

func (h *Handler) EditStatement(w http.ResponseWriter, r *http.Request) error {
	var in statementBodyJSON
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.svc.EditStatement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("statementID"), in.Body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, statementOut(v))
	return nil
}

func (h *Handler) SubmitStatement(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.SubmitStatement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("statementID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, statementOut(v))
	return nil
}

func (h *Handler) DecideStatement(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.svc.DecideStatement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("statementID"), in.Decision, in.Comment)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, statementOut(v))
	return nil
}

func (h *Handler) WithdrawStatement(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.WithdrawStatement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("statementID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, statementOut(v))
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

func (h *Handler) ReceivedStatements(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.svc.ReceivedStatements(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	out := []receivedJSON{}
	for _, v := range vs {
		out = append(out, receivedOut(v))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"statements": out})
	return nil
}
