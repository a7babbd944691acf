package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

// The programmes page and the org admin's forms: create a programme, change
// what it is, archive it, name its staff; a coordinator opens or closes its
// enrolment. Buttons come from the views' Allowed.

type programmesPage struct {
	base
	List   *service.ProgrammeList
	Form   form.Programme
	Error  string
	Fields map[string]string
}

func (h *Handler) programmesPage(r *http.Request) (*programmesPage, error) {
	l, err := h.svc.Programmes(r.Context(), httpx.Principal(r))
	if err != nil {
		return nil, err
	}
	return &programmesPage{base: h.base(r, "Programmes"), List: l, Form: form.Programme{Kind: string(mentorvault.ProgrammeMentoring), DefaultCapacity: 1}}, nil
}

// Programmes serves GET /programmes: the programmes the viewer runs (all
// of the organisation for its admins), and the create form for admins.
func (h *Handler) Programmes(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.programmesPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "programmes.html", pg)
	return nil
}

// CreateProgramme serves POST /programmes.
func (h *Handler) CreateProgramme(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseProgramme, func(in form.Programme) (string, error) {
		v, err := h.svc.CreateProgramme(r.Context(), httpx.Principal(r), service.NewProgramme{Name: in.Name, Description: in.Description,
			Kind: mentorvault.ProgrammeKind(in.Kind), EnrolmentOpen: in.EnrolmentOpen, DefaultCapacity: in.DefaultCapacity})
		if err != nil {
			return "", err
		}
		return "/programmes/" + url.PathEscape(v.ID) + "?done=created", nil
	}, func(bad refused) error {
		pg, err := h.programmesPage(r)
		if err != nil {
			return err
		}
		pg.Form, _ = form.ParseProgramme(r.PostForm)
		pg.Fields = bad.Problems
		if bad.Err != nil {
			pg.Fields = mentorvault.ErrorFields(bad.Err)
		}
		pg.Error = "The programme needs another look; nothing is saved yet."
		h.render(w, r, bad.status(), "programmes.html", pg)
		return nil
	})
}

// programmeRefused shows the programme page again with the refusal beside
// the manage forms.
func (h *Handler) programmeRefused(w http.ResponseWriter, r *http.Request, bad refused) error {
	pg, err := h.programmePage(r)
	if err != nil {
		return err
	}
	pg.ManageFields = bad.Problems
	pg.ManageErr = "That change needs another look; nothing is saved yet."
	if bad.Err != nil {
		pg.ManageFields, pg.ManageErr = mentorvault.ErrorFields(bad.Err), mentorvault.ErrorMessage(bad.Err)+"."
	}
	if r.URL.Path == "/programmes/"+r.PathValue("id")+"/edit" {
		pg.Edit, _ = form.ParseProgramme(r.PostForm)
	}
	if r.URL.Path == "/programmes/"+r.PathValue("id")+"/topics" {
		pg.TopicsText = r.PostFormValue("topics")
	}
	if r.URL.Path == "/programmes/"+r.PathValue("id")+"/staff" {
		pg.CoordinatorsText, pg.SupervisorsText = r.PostFormValue("coordinators"), r.PostFormValue("supervisors")
	}
	h.render(w, r, bad.status(), "programme.html", pg)
	return nil
}

func (h *Handler) programmeUpdate(w http.ResponseWriter, r *http.Request, upd service.ProgrammeUpdate, done string) (string, error) {
	id := r.PathValue("id")
	_, err := h.svc.UpdateProgramme(r.Context(), httpx.Principal(r), id, upd)
	return "/programmes/" + url.PathEscape(id) + "?done=" + done, err
}

// EditProgramme serves POST /programmes/{id}/edit: name, description,
// kind and default capacity (org admins).
func (h *Handler) EditProgramme(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseProgramme, func(in form.Programme) (string, error) {
		kind := mentorvault.ProgrammeKind(in.Kind)
		return h.programmeUpdate(w, r, service.ProgrammeUpdate{Name: &in.Name, Description: &in.Description, Kind: &kind, DefaultCapacity: &in.DefaultCapacity}, "edited")
	}, func(bad refused) error { return h.programmeRefused(w, r, bad) })
}

// ProgrammeEnrolment serves POST /programmes/{id}/enrolment: open=true
// opens enrolment, false closes it (its coordinators and org admins).
func (h *Handler) ProgrammeEnrolment(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseSwitch("open"), func(open bool) (string, error) {
		return h.programmeUpdate(w, r, service.ProgrammeUpdate{EnrolmentOpen: &open}, "enrolment")
	}, func(bad refused) error { return h.programmeRefused(w, r, bad) })
}

// ArchiveProgramme serves POST /programmes/{id}/archive: archived=true
// archives the programme, false brings it back (org admins).
func (h *Handler) ArchiveProgramme(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseSwitch("archived"), func(archived bool) (string, error) {
		return h.programmeUpdate(w, r, service.ProgrammeUpdate{Archived: &archived}, "archived")
	}, func(bad refused) error { return h.programmeRefused(w, r, bad) })
}

// ProgrammeStaff serves POST /programmes/{id}/staff: the coordinators and
// supervisors, emails one a line, replace the present ones (org admins).
func (h *Handler) ProgrammeStaff(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseStaff, func(st form.Staff) (string, error) {
		_, err := h.svc.SetProgrammeStaff(r.Context(), httpx.Principal(r), id, service.ProgrammeStaff{Coordinators: st.Coordinators, Supervisors: st.Supervisors})
		return "/programmes/" + url.PathEscape(id) + "?done=staff", err
	}, func(bad refused) error { return h.programmeRefused(w, r, bad) })
}

func emailsText(ps []service.Person) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Email)
	}
	return strings.Join(out, "\n")
}

// programmeForm is what the programme-fields template shows.
type programmeForm struct {
	Form   form.Programme
	Fields map[string]string
}

// EditForm is the edit form's data for the programme-fields template.
func (pg *programmePage) EditForm() programmeForm {
	return programmeForm{Form: pg.Edit, Fields: pg.ManageFields}
}
