package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

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

func (h *Handler) Supervisors(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.svc.Supervisors(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []personJSON{}
	for _, p := range ps {
		out = append(out, person(p))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"supervisors": out})
	return nil
}

func (h *Handler) StartConsultation(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		SupervisorID string `json:"supervisor_id"`
		ConcernID    string `json:"concern_id"`
		Message      string `json:"message"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.svc.StartConsultation(r.Context(), httpx.Principal(r), r.PathValue("id"), in.SupervisorID, in.ConcernID, in.Message)
	if err != nil {
		return err
	}
	v, err := h.svc.Consultation(r.Context(), httpx.Principal(r), c.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, consultationOut(v))
	return nil
}

func (h *Handler) Consultations(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.svc.Consultations(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	out := []consultationJSON{}
	for _, v := range vs {
		out = append(out, consultationOut(v))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"consultations": out})
	return nil
}

func (h *Handler) Consultation(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Consultation(r.Context(), httpx.Principal(r), r.PathValue("consultationID"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, consultationOut(v))
	return nil
}

func (h *Handler) PostConsultation(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body string `json:"body"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if err := h.svc.PostConsultationMessage(r.Context(), httpx.Principal(r), r.PathValue("consultationID"), in.Body); err != nil {
		return err
	}
	return h.Consultation(w, r)
}

func (h *Handler) CloseConsultation(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.CloseConsultation(r.Context(), httpx.Principal(r), r.PathValue("consultationID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
