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
}

// disclosureOut is where a disclosure's content enters an API response.
func disclosureOut(d *mentorvault.Disclosure) disclosureJSON {
	return disclosureJSON{ID: d.ID, ConcernID: d.ConcernID, Kind: string(d.Kind), DiscloserID: d.DiscloserID, RecipientUserID: optString(d.RecipientUserID),
		RecipientName: optString(d.RecipientName), How: d.How, Content: d.Content.Reveal(), EffectiveAt: d.EffectiveAt, Imminent: d.Imminent,
		State: string(d.State), MentorSignedAt: d.MentorSignedAt, MenteeSignedAt: d.MenteeSignedAt, CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt, WithdrawnAt: d.WithdrawnAt}
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
}

type stepJSON struct {
	ID        string    `json:"id"`
	AuthorID  string    `json:"author_id"`
	Kind      string    `json:"kind"`
	Answer    string    `json:"answer,omitempty"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func concernOut(v *service.ConcernView) concernJSON {
	out := concernJSON{ID: v.ID, RaisedBy: v.RaisedByID, Category: string(v.Category), Description: v.Description.Reveal(), Imminent: v.Imminent,
		Status: string(v.Status), CreatedAt: v.CreatedAt, ClosedAt: v.ClosedAt, Steps: []stepJSON{}, Disclosures: []disclosureJSON{},
		Exceptions: v.Exceptions, MinNotice: v.MinNotice}
	if out.Exceptions == nil {
		out.Exceptions = []mentorvault.Exception{}
	}
	for _, st := range v.Steps {
		out.Steps = append(out.Steps, stepJSON{st.ID, st.AuthorID, string(st.Kind), st.Answer, st.Body.Reveal(), st.CreatedAt})
	}
	for _, d := range v.Disclosures {
		out.Disclosures = append(out.Disclosures, disclosureOut(d))
	}
	return out
}

func (h *Handler) Concerns(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.svc.Concerns(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []concernJSON{}
	for _, v := range vs {
		out = append(out, concernOut(v))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"concerns": out})
	return nil
}

func (h *Handler) RaiseConcern(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Category    string `json:"category"`
		Description string `json:"description"`
		Imminent    bool   `json:"imminent"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.svc.RaiseConcern(r.Context(), httpx.Principal(r), r.PathValue("id"), mentorvault.ConcernCategory(in.Category), in.Description, in.Imminent)
	if err != nil {
		return err
	}
	v, err := h.svc.Concern(r.Context(), httpx.Principal(r), r.PathValue("id"), c.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, concernOut(v))
	return nil
}

func (h *Handler) Concern(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Concern(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, concernOut(v))
	return nil
}

func (h *Handler) ConcernStep(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind   string `json:"kind"`
		Answer string `json:"answer"`
		Body   string `json:"body"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if _, err := h.svc.RecordConcernStep(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"), mentorvault.ConcernStepKind(in.Kind), in.Answer, in.Body); err != nil {
		return err
	}
	return h.concernCreated(w, r)
}

func (h *Handler) concernCreated(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Concern(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, concernOut(v))
	return nil
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

func (h *Handler) ProposePlan(w http.ResponseWriter, r *http.Request) error {
	var in disclosureInputJSON
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	d, err := h.svc.ProposeDisclosurePlan(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"), in.input())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, disclosureOut(d))
	return nil
}

func (h *Handler) FileNotice(w http.ResponseWriter, r *http.Request) error {
	var in disclosureInputJSON
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	d, err := h.svc.FileDisclosureNotice(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"), in.input())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, disclosureOut(d))
	return nil
}

func (h *Handler) CloseConcern(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Outcome      string `json:"outcome"`
		Relationship string `json:"relationship"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if _, err := h.svc.CloseConcern(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"),
		mentorvault.ConcernStatus(in.Outcome), mentorvault.LifecycleAction(in.Relationship)); err != nil {
		return err
	}
	v, err := h.svc.Concern(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, concernOut(v))
	return nil
}
