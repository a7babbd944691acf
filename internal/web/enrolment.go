package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

// Enrolment on the programme page: a member joins as a mentor, a mentee or
// a peer with a profile for matching, changes it or withdraws; the
// programme's coordinators set its topics and see who enrolled. The
// profile is shown only to its person and the coordinators (the service
// gives it to no one else).

// enrolForm is the enrolment form filled from the viewer's enrolment, or
// the defaults of a new one (reporting line excluded).
func enrolForm(e *service.EnrolmentView, pv *service.ProgrammeView) form.Enrolment {
	if e == nil || e.WithdrawnAt != nil {
		f := form.Enrolment{Role: string(mentorvault.RolesFor(pv.Kind)[0]), ExcludeReportingLine: true}
		if e != nil {
			f.Role = string(e.Role)
		}
		return f
	}
	f := form.Enrolment{Role: string(e.Role), Topics: e.Topics, TopicsOther: e.TopicsOther, Goals: e.Goals,
		LanguagesText: strings.Join(e.Languages, ", "), TimeZone: e.TimeZone, Availability: e.Availability,
		ExcludeReportingLine: e.ExcludeReportingLine}
	if e.Capacity > 0 {
		f.CapacityText = strconv.Itoa(e.Capacity)
	}
	var emails []string
	for _, p := range e.Excluded {
		emails = append(emails, p.Email)
	}
	f.ExclusionsText = strings.Join(emails, "\n")
	return f
}

// Roles are the roles the viewer may enrol for, with labels.
func (pg *programmePage) Roles() []opt {
	var out []opt
	for _, r := range mentorvault.RolesFor(pg.Prog.Kind) {
		out = append(out, opt{Value: string(r), Label: map[mentorvault.EnrolmentRole]string{mentorvault.EnrolMentor: "Mentor",
			mentorvault.EnrolMentee: "Mentee", mentorvault.EnrolPeer: "Peer partner"}[r], Selected: pg.EnrolForm.Role == string(r)})
	}
	return out
}

// TopicChoices are the programme's topics, ticked as the form has them.
func (pg *programmePage) TopicChoices() []opt {
	var out []opt
	for _, t := range pg.Prog.Topics {
		out = append(out, opt{Value: t, Label: t, Selected: slices.Contains(pg.EnrolForm.Topics, t)})
	}
	return out
}

// ExclusionsProblem is the refusal of the excluded people (the field
// "exclusions" or one of its rows), or "".
func (pg *programmePage) ExclusionsProblem() string {
	for k, v := range pg.EnrolFields {
		if strings.HasPrefix(k, "exclusions") {
			return v
		}
	}
	return ""
}

// EnrolledNext is the offset of the enrolled list's next page, 0 if none.
func (pg *programmePage) EnrolledNext() int {
	if pg.Enrolled == nil || !pg.Enrolled.More {
		return 0
	}
	return pg.Enrolled.Offset + len(pg.Enrolled.Enrolments)
}

// Enrol serves POST /programmes/{id}/enrol: join, or change one's enrolment.
func (h *Handler) Enrol(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseEnrolment, func(in form.Enrolment) (string, error) {
		exclude := in.ExcludeReportingLine
		_, err := h.svc.Enrol(r.Context(), httpx.Principal(r), id, service.EnrolmentInput{Role: mentorvault.EnrolmentRole(in.Role),
			Topics: in.Topics, TopicsOther: in.TopicsOther, Goals: in.Goals, Languages: in.Languages, TimeZone: in.TimeZone,
			Availability: in.Availability, Capacity: in.Capacity, ExcludeReportingLine: &exclude, Exclusions: in.ExcludeEmails})
		return "/programmes/" + url.PathEscape(id) + "?done=enrolled#enrolment", err
	}, func(bad refused) error {
		pg, err := h.programmePage(r)
		if err != nil {
			return err
		}
		pg.EnrolForm, _ = form.ParseEnrolment(r.PostForm)
		pg.EnrolFields, pg.EnrolErr = bad.Problems, "Your enrolment needs another look; nothing is saved yet."
		if bad.Err != nil {
			pg.EnrolFields, pg.EnrolErr = mentorvault.ErrorFields(bad.Err), title(mentorvault.ErrorMessage(bad.Err))+"."
		}
		h.render(w, r, bad.status(), "programme.html", pg)
		return nil
	}, mentorvault.ECONFLICT)
}

// WithdrawEnrolment serves POST /programmes/{id}/withdraw: the viewer
// withdraws; their profile is deleted.
func (h *Handler) WithdrawEnrolment(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := h.svc.WithdrawEnrolment(r.Context(), httpx.Principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/programmes/"+url.PathEscape(id)+"?done=withdrawn#enrolment", http.StatusSeeOther)
	return nil
}

// ProgrammeTopics serves POST /programmes/{id}/topics: the topic list,
// one a line, replaces the present one (coordinators and org admins).
func (h *Handler) ProgrammeTopics(w http.ResponseWriter, r *http.Request) error {
	parse := func(v url.Values) ([]string, form.Problems) {
		topics, problem := form.Lines(v.Get("topics"))
		if problem != "" {
			return nil, form.Problems{"topics": problem}
		}
		if topics == nil {
			topics = []string{}
		}
		return topics, nil
	}
	return submit(w, r, parse, func(topics []string) (string, error) {
		return h.programmeUpdate(w, r, service.ProgrammeUpdate{Topics: &topics}, "topics")
	}, func(bad refused) error { return h.programmeRefused(w, r, bad) })
}
