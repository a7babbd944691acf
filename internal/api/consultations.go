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
	Damaged   bool      `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

func consultationOut(v *service.ConsultationView) consultationJSON {
	out := consultationJSON{ID: v.ID, Mine: v.Mine, ConsultantRole: v.ConsultantRole, Programme: v.ProgrammeName, Supervisor: person(v.Supervisor),
		RelationshipID: optString(v.RelationshipID), Closed: v.Closed}
	for _, m := range v.Messages {
		from := "consultant"
		if m.FromSupervisor {
			from = "supervisor"
		}
		out.Messages = append(out.Messages, messageJSON{from, m.Body.Reveal(), m.CreatedAt, m.Damaged})
	}
	return out
}

// Supervisors serves GET /api/v1/relationships/{id}/supervisors: whom the
// caller may consult about this relationship.
func (h *Handler) Supervisors(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(func(ps []service.Person) map[string]any {
			out := []personJSON{}
			for _, p := range ps {
				out = append(out, person(p))
			}
			return map[string]any{"supervisors": out}
		})(h.svc.Supervisors(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

type consultationInputJSON struct {
	SupervisorID string `json:"supervisor_id"`
	ConcernID    string `json:"concern_id"`
	Message      string `json:"message"`
}

// StartConsultation serves POST /api/v1/relationships/{id}/consultations:
// 201 with the consultation and its first message.
func (h *Handler) StartConsultation(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in consultationInputJSON) (consultationJSON, error) {
		c, err := h.svc.StartConsultation(r.Context(), httpx.Principal(r), r.PathValue("id"), in.SupervisorID, in.ConcernID, in.Message)
		if err != nil {
			return consultationJSON{}, err
		}
		return h.consultation(r, c.ID)
	})(w, r)
}

func (h *Handler) consultation(r *http.Request, id string) (consultationJSON, error) {
	return asJSON(consultationOut)(h.svc.Consultation(r.Context(), httpx.Principal(r), id))
}

// Consultations serves GET /api/v1/consultations: those the caller started
// or supervises, without their messages.
func (h *Handler) Consultations(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(func(vs []*service.ConsultationView) map[string]any {
			out := []consultationJSON{}
			for _, v := range vs {
				out = append(out, consultationOut(v))
			}
			return map[string]any{"consultations": out}
		})(h.svc.Consultations(r.Context(), httpx.Principal(r)))
	})(w, r)
}

// Consultation serves GET /api/v1/consultations/{consultationID}: the
// consultation with its messages.
func (h *Handler) Consultation(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (consultationJSON, error) {
		return h.consultation(r, r.PathValue("consultationID"))
	})(w, r)
}

type consultationMessageJSON struct {
	Body string `json:"body"`
}

// PostConsultation serves POST /api/v1/consultations/{consultationID}/messages:
// adds a message and answers the consultation, as Consultation.
func (h *Handler) PostConsultation(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in consultationMessageJSON) (consultationJSON, error) {
		if err := h.svc.PostConsultationMessage(r.Context(), httpx.Principal(r), r.PathValue("consultationID"), in.Body); err != nil {
			return consultationJSON{}, err
		}
		return h.consultation(r, r.PathValue("consultationID"))
	})(w, r)
}

// CloseConsultation serves POST /api/v1/consultations/{consultationID}/close: 204.
func (h *Handler) CloseConsultation(w http.ResponseWriter, r *http.Request) error {
	return httpx.NoContent(func(r *http.Request) error {
		return h.svc.CloseConsultation(r.Context(), httpx.Principal(r), r.PathValue("consultationID"))
	})(w, r)
}
