package server

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
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

func (s *Server) apiConcerns(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.Concerns(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []concernJSON{}
	for _, v := range vs {
		out = append(out, concernOut(v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"concerns": out})
	return nil
}

func (s *Server) apiRaiseConcern(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Category    string `json:"category"`
		Description string `json:"description"`
		Imminent    bool   `json:"imminent"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.RaiseConcern(r.Context(), principal(r), r.PathValue("id"), mentorvault.ConcernCategory(in.Category), in.Description, in.Imminent)
	if err != nil {
		return err
	}
	v, err := s.svc.Concern(r.Context(), principal(r), r.PathValue("id"), c.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, concernOut(v))
	return nil
}

func (s *Server) apiConcern(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Concern(r.Context(), principal(r), r.PathValue("id"), r.PathValue("concernID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, concernOut(v))
	return nil
}

func (s *Server) apiConcernStep(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind   string `json:"kind"`
		Answer string `json:"answer"`
		Body   string `json:"body"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.RecordConcernStep(r.Context(), principal(r), r.PathValue("id"), r.PathValue("concernID"), mentorvault.ConcernStepKind(in.Kind), in.Answer, in.Body); err != nil {
		return err
	}
	return s.apiConcernCreated(w, r)
}

func (s *Server) apiConcernCreated(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Concern(r.Context(), principal(r), r.PathValue("id"), r.PathValue("concernID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, concernOut(v))
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

func (s *Server) apiProposePlan(w http.ResponseWriter, r *http.Request) error {
	var in disclosureInputJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.svc.ProposeDisclosurePlan(r.Context(), principal(r), r.PathValue("id"), r.PathValue("concernID"), in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, disclosureOut(d))
	return nil
}

func (s *Server) apiFileNotice(w http.ResponseWriter, r *http.Request) error {
	var in disclosureInputJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.svc.FileDisclosureNotice(r.Context(), principal(r), r.PathValue("id"), r.PathValue("concernID"), in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, disclosureOut(d))
	return nil
}

func (s *Server) apiSignPlan(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.SignDisclosurePlan(r.Context(), principal(r), r.PathValue("id"), r.PathValue("disclosureID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, disclosureOut(d))
	return nil
}

func (s *Server) apiWithdrawDisclosure(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.WithdrawDisclosure(r.Context(), principal(r), r.PathValue("id"), r.PathValue("disclosureID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, disclosureOut(d))
	return nil
}

func (s *Server) apiCloseConcern(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Outcome      string `json:"outcome"`
		Relationship string `json:"relationship"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.CloseConcern(r.Context(), principal(r), r.PathValue("id"), r.PathValue("concernID"),
		mentorvault.ConcernStatus(in.Outcome), mentorvault.LifecycleAction(in.Relationship)); err != nil {
		return err
	}
	v, err := s.svc.Concern(r.Context(), principal(r), r.PathValue("id"), r.PathValue("concernID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, concernOut(v))
	return nil
}

func (s *Server) apiReceivedDisclosures(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.svc.ReceivedDisclosures(r.Context(), principal(r))
	if err != nil {
		return err
	}
	type rJSON struct {
		ID          string     `json:"id"`
		From        personJSON `json:"from"`
		Content     string     `json:"content"`
		How         string     `json:"how"`
		Imminent    bool       `json:"imminent"`
		DeliveredAt *time.Time `json:"delivered_at"`
	}
	out := []rJSON{}
	for _, d := range ds {
		out = append(out, rJSON{d.ID, person(d.From), d.Content.Reveal(), d.How, d.Imminent, d.DeliveredAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"disclosures": out})
	return nil
}

type consultationJSON struct {
	ID             string        `json:"id"`
	Mine           bool          `json:"mine"`
	ConsultantRole string        `json:"consultant_role"`
	Programme      string        `json:"programme"`
	Supervisor     personJSON    `json:"supervisor"`
	RelationshipID *string       `json:"relationship_id"`
	Closed         bool          `json:"closed"`
	Messages       []messageJSON `json:"messages,omitempty"`
}

type messageJSON struct {
	From      string    `json:"from"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func consultationOut(v *service.ConsultationView) consultationJSON {
	out := consultationJSON{ID: v.ID, Mine: v.Mine, ConsultantRole: v.ConsultantRole, Programme: v.ProgrammeName, Supervisor: person(v.Supervisor),
		RelationshipID: optString(v.RelationshipID), Closed: v.Closed}
	for _, m := range v.Messages {
		from := "consultant"
		if m.FromSupervisor {
			from = "supervisor"
		}
		out.Messages = append(out.Messages, messageJSON{from, m.Body.Reveal(), m.CreatedAt})
	}
	return out
}

func (s *Server) apiSupervisors(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.svc.Supervisors(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []personJSON{}
	for _, p := range ps {
		out = append(out, person(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"supervisors": out})
	return nil
}

func (s *Server) apiStartConsultation(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		SupervisorID string `json:"supervisor_id"`
		ConcernID    string `json:"concern_id"`
		Message      string `json:"message"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.StartConsultation(r.Context(), principal(r), r.PathValue("id"), in.SupervisorID, in.ConcernID, in.Message)
	if err != nil {
		return err
	}
	v, err := s.svc.Consultation(r.Context(), principal(r), c.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, consultationOut(v))
	return nil
}

func (s *Server) apiConsultations(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.Consultations(r.Context(), principal(r))
	if err != nil {
		return err
	}
	out := []consultationJSON{}
	for _, v := range vs {
		out = append(out, consultationOut(v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"consultations": out})
	return nil
}

func (s *Server) apiConsultation(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Consultation(r.Context(), principal(r), r.PathValue("consultationID"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, consultationOut(v))
	return nil
}

func (s *Server) apiPostConsultation(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body string `json:"body"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.PostConsultationMessage(r.Context(), principal(r), r.PathValue("consultationID"), in.Body); err != nil {
		return err
	}
	return s.apiConsultation(w, r)
}

func (s *Server) apiCloseConsultation(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.CloseConsultation(r.Context(), principal(r), r.PathValue("consultationID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
