// Package api serves mentorvault's JSON API under /api/v1: one file per
// capability, the OpenAPI document beside them. Handlers translate between
// JSON and internal/service; access is decided there.
package api

import (
	"log/slog"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
)

// Handler serves the JSON API: one file per capability, each handler
// translating between JSON and internal/service, where access is decided.
type Handler struct {
	svc        *service.Service
	log        *slog.Logger
	edge       httpx.Edge
	checkpoint func() string
}

// New returns the API's handlers. checkpoint returns the latest audit
// checkpoint to show the parties ("" if none).
func New(svc *service.Service, log *slog.Logger, edge httpx.Edge, checkpoint func() string) *Handler {
	return &Handler{svc: svc, log: log, edge: edge, checkpoint: checkpoint}
}

type personJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type programmeJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type relationshipJSON struct {
	ID             string         `json:"id"`
	Kind           string         `json:"kind"`
	Status         string         `json:"status"`
	Programme      *programmeJSON `json:"programme"`
	Mentor         personJSON     `json:"mentor"`
	Mentee         personJSON     `json:"mentee"`
	ProposedBy     string         `json:"proposed_by"`
	MentorAgreedAt *time.Time     `json:"mentor_agreed_at"`
	MenteeAgreedAt *time.Time     `json:"mentee_agreed_at"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	StartedAt      *time.Time     `json:"started_at"`
	EndedAt        *time.Time     `json:"ended_at"`
	// Ending: who closed it (a coordinator when ended_by_programme), when
	// its content is (or was) erased, and a legal hold, shown only to the
	// parties and to org admins (never in the directory or other lists).
	ClosedBy         *personJSON `json:"closed_by"`
	EndedByProgramme bool        `json:"ended_by_programme"`
	EraseAt          *time.Time  `json:"erase_at"`
	ErasedAt         *time.Time  `json:"erased_at"`
	Hold             *holdJSON   `json:"hold,omitempty"`
	// Matching: the coordinator who matched the pair (null when a party
	// proposed), when each party accepted a match, when an unanswered
	// proposal expires and when it expired.
	MatchedBy        *personJSON `json:"matched_by"`
	MentorAcceptedAt *time.Time  `json:"mentor_accepted_at"`
	MenteeAcceptedAt *time.Time  `json:"mentee_accepted_at"`
	ExpiresAt        *time.Time  `json:"expires_at"`
	ExpiredAt        *time.Time  `json:"expired_at"`
}

type holdJSON struct {
	Reason string     `json:"reason"`
	By     personJSON `json:"by"`
	At     time.Time  `json:"at"`
}

func person(p service.Person) personJSON { return personJSON(p) }

func relJSON(v *service.RelationshipView) relationshipJSON {
	out := relationshipJSON{ID: v.ID, Kind: string(v.Kind), Status: string(v.Status), Mentor: person(v.Mentor), Mentee: person(v.Mentee),
		ProposedBy: v.ProposedByID, MentorAgreedAt: v.MentorAgreedAt, MenteeAgreedAt: v.MenteeAgreedAt,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, StartedAt: v.StartedAt, EndedAt: v.EndedAt,
		EndedByProgramme: v.EndedByProgramme, EraseAt: v.EraseAt, ErasedAt: v.ErasedAt,
		MentorAcceptedAt: v.MentorAcceptedAt, MenteeAcceptedAt: v.MenteeAcceptedAt, ExpiresAt: v.ExpiresAt, ExpiredAt: v.ExpiredAt}
	if v.MatchedByID != "" {
		p := person(v.MatchedBy)
		out.MatchedBy = &p
	}
	if v.ProgrammeID != "" {
		out.Programme = &programmeJSON{ID: v.ProgrammeID, Name: v.ProgrammeName}
	}
	if v.ClosedByID != "" {
		p := person(v.ClosedBy)
		out.ClosedBy = &p
	}
	if h := v.Hold; h != nil && (v.Allowed.Has(policy.CloseRelationship) || v.Allowed.Has(policy.HoldRelationship)) {
		out.Hold = &holdJSON{Reason: h.Reason, By: person(v.HoldBy), At: h.At}
	}
	return out
}

func relsJSON(vs []*service.RelationshipView) []relationshipJSON {
	out := make([]relationshipJSON, len(vs))
	for i, v := range vs {
		out[i] = relJSON(v)
	}
	return out
}

// asJSON lifts f, which maps a service result to its JSON, over the
// service's (result, error) pair, so a handler reads
// asJSON(noteOut)(h.svc.ReadNote(…)); an error passes through as it is.
func asJSON[T, J any](f func(T) J) func(T, error) (J, error) {
	return func(v T, err error) (J, error) {
		if err != nil {
			var zero J
			return zero, err
		}
		return f(v), nil
	}
}
