package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type disclosureJSON struct {
	ID              string     `json:"id"`
	ConcernID       string     `json:"concern_id"`
	Kind            string     `json:"kind"`
	DiscloserID     string     `json:"discloser_id"`
	RecipientUserID *string    `json:"recipient_user_id"`
	RecipientName   *string    `json:"recipient_name"`
	How             string     `json:"how"`
	Content         string     `json:"content"`
	EffectiveAt     time.Time  `json:"effective_at"`
	Imminent        bool       `json:"imminent"`
	State           string     `json:"state"`
	MentorSignedAt  *time.Time `json:"mentor_signed_at"`
	MenteeSignedAt  *time.Time `json:"mentee_signed_at"`
	CreatedAt       time.Time  `json:"created_at"`
	DeliveredAt     *time.Time `json:"delivered_at"`
	WithdrawnAt     *time.Time `json:"withdrawn_at"`
	// A notice's minimum notice runs from when it reached the other party:
	// started is false until then (its effective_at is only the earliest).
	Started       bool       `json:"started"`
	ReachedAt     *time.Time `json:"reached_at"`
	ReachedVia    *string    `json:"reached_via"`       // email, app or filed
	Reached       string     `json:"reached"`           // the same in plain words; "" for a plan or an imminent danger
	UndeliveredAt *time.Time `json:"undelivered_at"`    // the email to the other party could not be delivered
	Damaged       bool       `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

// disclosureOut is where a disclosure's content enters an API response.
func disclosureOut(d *mentorvault.Disclosure) disclosureJSON {
	return disclosureJSON{ID: d.ID, ConcernID: d.ConcernID, Kind: string(d.Kind), DiscloserID: d.DiscloserID, RecipientUserID: optString(d.RecipientUserID),
		RecipientName: optString(d.RecipientName), How: d.How, Content: d.Content.Reveal(), Damaged: d.Damaged, EffectiveAt: d.EffectiveAt, Imminent: d.Imminent,
		State: string(d.State), MentorSignedAt: d.MentorSignedAt, MenteeSignedAt: d.MenteeSignedAt, CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt, WithdrawnAt: d.WithdrawnAt,
		Started: d.Started(), ReachedAt: d.ReachedAt, ReachedVia: optString(d.ReachedVia), Reached: service.NoticeReach(d, func(t time.Time) string { return t.UTC().Format(time.RFC3339) }),
		UndeliveredAt: d.UndeliveredAt}
}

type concernJSON struct {
	ID          string                  `json:"id"`
	RaisedBy    string                  `json:"raised_by"`
	Category    string                  `json:"category"`
	Description string                  `json:"description"`
	Imminent    bool                    `json:"imminent"`
	Status      string                  `json:"status"`
	CreatedAt   time.Time               `json:"created_at"`
	ClosedAt    *time.Time              `json:"closed_at"`
	Steps       []stepJSON              `json:"steps"`
	Disclosures []disclosureJSON        `json:"disclosures"`
	Exceptions  []mentorvault.Exception `json:"applicable_exceptions"`
	MinNotice   int                     `json:"min_notice_hours"`
	Damaged     bool                    `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

type stepJSON struct {
	ID        string    `json:"id"`
	AuthorID  string    `json:"author_id"`
	Kind      string    `json:"kind"`
	Answer    string    `json:"answer,omitempty"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	Damaged   bool      `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

func concernOut(v *service.ConcernView) concernJSON {
	out := concernJSON{ID: v.ID, RaisedBy: v.RaisedByID, Category: string(v.Category), Description: v.Description.Reveal(), Damaged: v.Damaged, Imminent: v.Imminent,
		Status: string(v.Status), CreatedAt: v.CreatedAt, ClosedAt: v.ClosedAt, Steps: []stepJSON{}, Disclosures: []disclosureJSON{},
		Exceptions: v.Exceptions, MinNotice: v.MinNotice}
	if out.Exceptions == nil {
		out.Exceptions = []mentorvault.Exception{}
	}
	for _, st := range v.Steps {
		out.Steps = append(out.Steps, stepJSON{st.ID, st.AuthorID, string(st.Kind), st.Answer, st.Body.Reveal(), st.CreatedAt, st.Damaged})
	}
	for _, d := range v.Disclosures {
		out.Disclosures = append(out.Disclosures, disclosureOut(d.Disclosure))
	}
	return out
}

// Concerns serves GET /api/v1/relationships/{id}/concerns: the concerns the
// caller may see, with their steps and disclosures.
func (h *Handler) Concerns(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(func(vs []*service.ConcernView) map[string]any {
			out := []concernJSON{}
			for _, v := range vs {
				out = append(out, concernOut(v))
			}
			return map[string]any{"concerns": out}
		})(h.svc.Concerns(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

type concernInputJSON struct {
	Category    string `json:"category"`
	Description string `json:"description"`
	Imminent    bool   `json:"imminent"`
}

// RaiseConcern serves POST /api/v1/relationships/{id}/concerns: 201 with the
// concern as the caller now sees it.
func (h *Handler) RaiseConcern(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in concernInputJSON) (concernJSON, error) {
		c, err := h.svc.RaiseConcern(r.Context(), httpx.Principal(r), r.PathValue("id"), mentorvault.ConcernCategory(in.Category), in.Description, in.Imminent)
		if err != nil {
			return concernJSON{}, err
		}
		return h.concern(r, c.ID)
	})(w, r)
}

// concern is the concern id of the relationship in the address, as the
// caller sees it.
func (h *Handler) concern(r *http.Request, id string) (concernJSON, error) {
	return asJSON(concernOut)(h.svc.Concern(r.Context(), httpx.Principal(r), r.PathValue("id"), id))
}

// Concern serves GET /api/v1/relationships/{id}/concerns/{concernID}.
func (h *Handler) Concern(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (concernJSON, error) {
		return h.concern(r, r.PathValue("concernID"))
	})(w, r)
}

type concernStepJSON struct {
	Kind   string `json:"kind"`
	Answer string `json:"answer"`
	Body   string `json:"body"`
}

// ConcernStep serves POST /api/v1/relationships/{id}/concerns/{concernID}/steps:
// 201 with the concern and the step recorded.
func (h *Handler) ConcernStep(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in concernStepJSON) (concernJSON, error) {
		if _, err := h.svc.RecordConcernStep(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"), mentorvault.ConcernStepKind(in.Kind), in.Answer, in.Body); err != nil {
			return concernJSON{}, err
		}
		return h.concern(r, r.PathValue("concernID"))
	})(w, r)
}

type disclosureInputJSON struct {
	DiscloserID    string     `json:"discloser_id"`
	RecipientEmail string     `json:"recipient_email"`
	RecipientName  string     `json:"recipient_name"`
	How            string     `json:"how"`
	Content        string     `json:"content"`
	EffectiveAt    *time.Time `json:"effective_at"`
	Imminent       bool       `json:"imminent"`
}

func (in disclosureInputJSON) input() service.DisclosureInput {
	out := service.DisclosureInput{DiscloserID: in.DiscloserID, RecipientEmail: in.RecipientEmail, RecipientName: in.RecipientName,
		How: in.How, Content: in.Content, Imminent: in.Imminent}
	if in.EffectiveAt != nil {
		out.EffectiveAt = *in.EffectiveAt
	}
	return out
}

// ProposePlan serves POST /api/v1/relationships/{id}/concerns/{concernID}/plans:
// 201 with a disclosure plan for both parties to sign.
func (h *Handler) ProposePlan(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in disclosureInputJSON) (disclosureJSON, error) {
		return asJSON(disclosureOut)(h.svc.ProposeDisclosurePlan(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"), in.input()))
	})(w, r)
}

// FileNotice serves POST /api/v1/relationships/{id}/concerns/{concernID}/notices:
// 201 with a disclosure one party makes under an exception, after notice.
func (h *Handler) FileNotice(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in disclosureInputJSON) (disclosureJSON, error) {
		return asJSON(disclosureOut)(h.svc.FileDisclosureNotice(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"), in.input()))
	})(w, r)
}

type closeConcernJSON struct {
	Outcome      string `json:"outcome"`
	Relationship string `json:"relationship"`
}

// CloseConcern serves POST /api/v1/relationships/{id}/concerns/{concernID}/close:
// records the outcome and what becomes of the relationship.
func (h *Handler) CloseConcern(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in closeConcernJSON) (concernJSON, error) {
		if _, err := h.svc.CloseConcern(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"),
			mentorvault.ConcernStatus(in.Outcome), mentorvault.LifecycleAction(in.Relationship)); err != nil {
			return concernJSON{}, err
		}
		return h.concern(r, r.PathValue("concernID"))
	})(w, r)
}
