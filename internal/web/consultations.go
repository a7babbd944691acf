package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

type consultForm struct {
	SupervisorID, Message         string
	ShareCategory, ShareDescribed bool
	Error                         string
	Fields                        map[string]string
}

type consultStartPage struct {
	base
	Rel         *service.RelationshipView
	MyRole      string
	Supervisors []opt
	Concern     *concernRow
	Description mentorvault.Secret // the concern's, to share if the consulting party ticks it
	Form        consultForm
}

func (h *Handler) consultStartPage(r *http.Request, concernID string) (*consultStartPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	sups, err := h.svc.Supervisors(r.Context(), p, v.ID)
	if err != nil {
		return nil, err
	}
	pg := &consultStartPage{base: h.base(r, "Consult a supervisor"), Rel: v, MyRole: v.Role(p.UserID),
		Form: consultForm{ShareCategory: true, Fields: map[string]string{}}}
	for _, sp := range sups {
		pg.Supervisors = append(pg.Supervisors, opt{Value: sp.ID, Label: sp.Name})
	}
	if len(sups) == 1 {
		pg.Supervisors[0].Selected = true
	}
	if concernID != "" {
		cv, err := h.svc.Concern(r.Context(), p, v.ID, concernID)
		if err != nil {
			return nil, err
		}
		row := concernRowOf(cv.Concern, v, p.UserID, z)
		pg.Concern, pg.Description = &row, cv.Description
	}
	return pg, nil
}

func (h *Handler) ConsultForm(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.consultStartPage(r, r.URL.Query().Get("concern"))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "consultation_new.html", pg)
	return nil
}

// consultMessage is the first message as the consulting party chose to
// compose it: only the parts they ticked, and their own words.
func consultMessage(pg *consultStartPage, f consultForm) string {
	var b strings.Builder
	if pg.Concern != nil && f.ShareCategory {
		b.WriteString("The concern is about " + pg.Concern.About)
		if pg.Concern.Imminent {
			b.WriteString(", and it was raised as an imminent danger")
		}
		b.WriteString(".\n\n")
	}
	if pg.Concern != nil && f.ShareDescribed {
		// Revealed to compose the first message, which the service seals
		// again: the party chose to share the concern word for word.
		b.WriteString("The concern as it was raised:\n" + pg.Description.Reveal() + "\n\n")
	}
	b.WriteString(strings.TrimSpace(f.Message))
	return b.String()
}

func (h *Handler) StartConsultation(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.consultStartPage(r, r.PostFormValue("concern_id"))
	if err != nil {
		return err
	}
	in, _ := form.ParseConsultation(r.PostForm)
	f := consultForm{SupervisorID: in.SupervisorID, Message: in.Message, ShareCategory: in.ShareCategory, ShareDescribed: in.ShareDescription,
		Fields: map[string]string{}}
	for i := range pg.Supervisors {
		pg.Supervisors[i].Selected = pg.Supervisors[i].Value == f.SupervisorID
	}
	return submit(w, r, form.ParseConsultation, func(in form.Consultation) (string, error) {
		c, err := h.svc.StartConsultation(r.Context(), httpx.Principal(r), pg.Rel.ID, in.SupervisorID, in.ConcernID, consultMessage(pg, f))
		if err != nil {
			return "", err
		}
		return "/consultations/" + url.PathEscape(c.ID) + "?done=started", nil
	}, func(bad refused) error {
		if bad.Err == nil {
			f.Error, f.Fields = "Please write your question.", bad.Problems
		} else {
			f.Error = mentorvault.ErrorMessage(bad.Err) + "."
			for k, m := range mentorvault.ErrorFields(bad.Err) {
				switch k {
				case "supervisor_id":
					f.Fields[k] = "Choose a supervisor from the list."
				case "message":
					f.Fields[k] = "Your message " + m + " (with what you chose to share)."
				default:
					f.Fields[k] = k + " " + m + "."
				}
			}
		}
		pg.Form = f
		h.render(w, r, bad.status(), "consultation_new.html", pg)
		return nil
	})
}

type consultationRow struct {
	ID, Title, Programme, Started string
	Closed                        bool
}

type consultationsPage struct {
	base
	Mine, Theirs []consultationRow
}

func roleNoun(role string) string {
	if role == "" {
		return "party"
	}
	return role
}

func article(w string) string {
	if strings.ContainsRune("aeiou", rune(w[0])) {
		return "An " + w
	}
	return "A " + w
}

func (h *Handler) Consultations(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.svc.Consultations(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	pg := &consultationsPage{base: h.base(r, "Consultations")}
	for _, v := range vs {
		row := consultationRow{ID: v.ID, Programme: v.ProgrammeName, Started: v.CreatedAt, Closed: v.Closed}
		if v.Mine {
			row.Title = "With " + v.Supervisor.Name + ", supervisor"
			pg.Mine = append(pg.Mine, row)
		} else {
			row.Title = article(roleNoun(v.ConsultantRole)) + " in " + v.ProgrammeName
			pg.Theirs = append(pg.Theirs, row)
		}
	}
	h.render(w, r, http.StatusOK, "consultations.html", pg)
	return nil
}

type messageRow struct {
	From, When string
	Body       mentorvault.Secret
	Mine       bool
	Damaged    bool // its sealed text did not open: changed outside mentorvault
}

// consultationPage is one consultation's thread. Replying and closing are
// offered from Allowed (consultation.post), as Cedar decided for the viewer.
type consultationPage struct {
	base
	ID       string
	Heading  string
	Mine     bool
	Closed   bool
	Allowed  policy.Allowed
	RelID    string
	Role     string
	Messages []messageRow
	Reply    string
	Error    string
	Done     string
}

func (h *Handler) consultationPage(r *http.Request) (*consultationPage, error) {
	z := h.zone(r)
	v, err := h.svc.Consultation(r.Context(), httpx.Principal(r), r.PathValue("consultationID"))
	if err != nil {
		return nil, err
	}
	pg := &consultationPage{base: h.base(r, "Consultation"), ID: v.ID, Mine: v.Mine, Closed: v.Closed, Allowed: v.Allowed, RelID: v.RelationshipID,
		Role: roleNoun(v.ConsultantRole), Done: r.URL.Query().Get("done")}
	if v.Mine {
		pg.Heading = "Your consultation with " + v.Supervisor.Name
	} else {
		pg.Heading = article(pg.Role) + " in " + v.ProgrammeName + " asks for your guidance"
	}
	for _, m := range v.Messages {
		row := messageRow{When: z.when(m.CreatedAt), Body: m.Body, Mine: m.FromSupervisor != v.Mine, Damaged: m.Damaged}
		switch {
		case row.Mine:
			row.From = "You"
		case m.FromSupervisor:
			row.From = v.Supervisor.Name + " (supervisor)"
		default:
			row.From = "The " + pg.Role
		}
		pg.Messages = append(pg.Messages, row)
	}
	return pg, nil
}

func (h *Handler) Consultation(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.consultationPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "consultation.html", pg)
	return nil
}

func (h *Handler) PostConsultation(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("consultationID")
	return submit(w, r, form.ParseReply, func(body string) (string, error) {
		err := h.svc.PostConsultationMessage(r.Context(), httpx.Principal(r), id, body)
		return "/consultations/" + url.PathEscape(id) + "?done=sent#reply", err
	}, func(bad refused) error {
		pg, err := h.consultationPage(r)
		if err != nil {
			return err
		}
		pg.Reply, pg.Error = r.PostFormValue("body"), "Your message "+mentorvault.ErrorFields(bad.Err)["body"]+"."
		h.render(w, r, bad.status(), "consultation.html", pg)
		return nil
	})
}

func (h *Handler) CloseConsultation(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("consultationID")
	if err := h.svc.CloseConsultation(r.Context(), httpx.Principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/consultations/"+url.PathEscape(id)+"?done=closed", http.StatusSeeOther)
	return nil
}
