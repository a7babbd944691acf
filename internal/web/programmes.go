package web

import (
	"fmt"
	"html/template"
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

type programmePage struct {
	base
	Prog                                                                     *service.ProgrammeView
	GuidelinesHTML                                                           template.HTML
	Done                                                                     string
	Mandatory                                                                []opt
	Frequencies                                                              []opt
	Draft                                                                    string // guidelines being written
	GuidelinesErr                                                            string
	SettingsErr                                                              string
	Fields                                                                   map[string]string
	MinNotice, ReviewWeeks, KThreshold, RetentionDays, TplMinutes, TplNotice string
	ExpiryDays                                                               string // proposal_expiry_days as the form shows it
	MenteesPick                                                              bool
	// Picks are the viewer's top suggestions when they are an enrolled
	// mentee of a programme that lets mentees pick (nil otherwise), and
	// PickErr the refusal of their last pick.
	Picks           *service.MenteePicks
	PickErr         string
	NextVersion     int
	TemplateSummary string
	Feedback        *feedbackAggs // anonymous feedback figures; nil for those who may not see them
	// The manage forms: what the programme is (Edit), its staff (emails one
	// a line), and the refusal of the last change.
	Edit                              form.Programme
	CoordinatorsText, SupervisorsText string
	ManageErr                         string
	ManageFields                      map[string]string
	// Enrolment: the viewer's own (nil if they never enrolled), the form
	// to join or change it and its refusal; the enrolled people for the
	// programme's coordinators (nil for anyone else); the topics form.
	Enrolment   *service.EnrolmentView
	Enrolled    *service.EnrolmentList
	EnrolForm   form.Enrolment
	EnrolErr    string
	EnrolFields map[string]string
	TopicsText  string
	TimeZones   []string
}

func (h *Handler) programmePage(r *http.Request) (*programmePage, error) {
	offset, _ := strconv.Atoi(r.URL.Query().Get("enrolled_offset"))
	page, err := h.svc.ProgrammePage(r.Context(), httpx.Principal(r), r.PathValue("id"), service.EnrolmentPageFilter{Offset: max(offset, 0)})
	if err != nil {
		return nil, err
	}
	pv := page.ProgrammeView
	pg := &programmePage{base: h.base(r, pv.Name), Prog: pv, Done: r.URL.Query().Get("done"), Fields: map[string]string{},
		Enrolment: page.Enrolment, Enrolled: page.Enrolled, EnrolForm: enrolForm(page.Enrolment, pv), EnrolFields: map[string]string{},
		TopicsText: strings.Join(pv.Topics, "\n"), TimeZones: form.TimeZones,
		Edit:             form.Programme{Name: pv.Name, Description: pv.Description, Kind: string(pv.Kind), EnrolmentOpen: pv.EnrolmentOpen, DefaultCapacity: pv.DefaultCapacity},
		CoordinatorsText: emailsText(pv.Coordinators), SupervisorsText: emailsText(pv.Supervisors)}
	if pv.Guidelines != nil {
		pg.GuidelinesHTML, pg.Draft = renderMarkdown(pv.Guidelines.Body), pv.Guidelines.Body
	}
	st := pv.Settings
	pg.NextVersion = 1
	if pv.Guidelines != nil {
		pg.NextVersion = pv.Guidelines.Version + 1
	}
	x := st.Template.Expectations
	pg.TemplateSummary = "meetings " + mentorvault.Label(x.MeetingFrequency)
	if x.MeetingFrequency == "" {
		pg.TemplateSummary = "meetings as the pair agree"
	}
	if x.MeetingMinutes > 0 {
		pg.TemplateSummary += fmt.Sprintf(" of %d minutes", x.MeetingMinutes)
	}
	pg.TemplateSummary += fmt.Sprintf(", %d hours' notice to cancel", x.CancellationNoticeHours)
	pg.MinNotice, pg.ReviewWeeks, pg.KThreshold, pg.RetentionDays = strconv.Itoa(st.MinNoticeHours), strconv.Itoa(st.ReviewEveryWeeks), strconv.Itoa(st.KThreshold), strconv.Itoa(st.RetentionDays)
	pg.TplMinutes, pg.TplNotice = strconv.Itoa(st.Template.Expectations.MeetingMinutes), strconv.Itoa(st.Template.Expectations.CancellationNoticeHours)
	pg.ExpiryDays, pg.MenteesPick = strconv.Itoa(st.ExpiryDays()), st.MenteesPick
	pg.Picks = page.Picks
	pg.setOptions(st.MandatoryExceptions, st.Template.Expectations.MeetingFrequency)
	if page.Feedback != nil {
		pg.Feedback = feedbackFigures(page.Feedback, page.FeedbackK)
	}
	return pg, nil
}

func (pg *programmePage) setOptions(mandatory []mentorvault.ExceptionKind, freq string) {
	pg.Mandatory = nil
	for _, k := range mentorvault.ExceptionKinds {
		if k == mentorvault.ExcOther {
			continue
		}
		pg.Mandatory = append(pg.Mandatory, opt{Value: string(k), Label: mentorvault.Label(string(k)), Selected: slices.Contains(mandatory, k)})
	}
	pg.Frequencies = options(mentorvault.MeetingFrequencies, freq, func(s string) string { return title(mentorvault.Label(s)) })
}

func (h *Handler) Programme(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.programmePage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "programme.html", pg)
	return nil
}

// PickMentor serves POST /programmes/{id}/pick: an enrolled mentee asks
// one of their top suggestions to mentor them.
func (h *Handler) PickMentor(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v, err := h.svc.PickMentor(r.Context(), httpx.Principal(r), id, r.PostFormValue("mentor_id"))
	if c := mentorvault.ErrorCode(err); c == mentorvault.EINVALID || c == mentorvault.ECONFLICT {
		pg, perr := h.programmePage(r)
		if perr != nil {
			return perr
		}
		pg.PickErr = mentorvault.ErrorMessage(err)
		if why := mentorvault.ErrorFields(err)["mentor_id"]; why != "" {
			pg.PickErr += ": the mentor you chose " + why
		}
		h.render(w, r, httpx.Status(c), "programme.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+url.PathEscape(v.ID)+"?done=picked", http.StatusSeeOther)
	return nil
}

func (h *Handler) PublishGuidelines(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseGuidelines, func(body string) (string, error) {
		_, err := h.svc.PublishGuidelines(r.Context(), httpx.Principal(r), id, body)
		return "/programmes/" + url.PathEscape(id) + "?done=guidelines", err
	}, func(bad refused) error {
		pg, err := h.programmePage(r)
		if err != nil {
			return err
		}
		pg.Draft, pg.GuidelinesErr = r.PostFormValue("body"), "The guidelines "+mentorvault.ErrorFields(bad.Err)["body"]+"."
		h.render(w, r, bad.status(), "programme.html", pg)
		return nil
	})
}

func (h *Handler) ProgrammeSettings(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	pg, err := h.programmePage(r)
	if err != nil {
		return err
	}
	parse := func(v url.Values) (mentorvault.ProgrammeSettings, form.Problems) {
		return form.ParseProgrammeSettings(v, pg.Prog.Settings)
	}
	return submit(w, r, parse, func(st mentorvault.ProgrammeSettings) (string, error) {
		_, err := h.svc.UpdateProgrammeSettings(r.Context(), httpx.Principal(r), id, st)
		return "/programmes/" + url.PathEscape(id) + "?done=settings", err
	}, func(bad refused) error {
		f := r.PostFormValue
		pg.MinNotice, pg.ReviewWeeks, pg.KThreshold, pg.RetentionDays = f("min_notice_hours"), f("review_every_weeks"), f("k_threshold"), f("retention_days")
		pg.TplMinutes, pg.TplNotice = f("template_minutes"), f("template_notice_hours")
		pg.ExpiryDays, pg.MenteesPick = f("proposal_expiry_days"), f("mentees_pick") != ""
		st, _ := parse(r.PostForm)
		pg.setOptions(st.MandatoryExceptions, st.Template.Expectations.MeetingFrequency)
		pg.Fields = bad.Problems
		if bad.Err != nil {
			pg.Fields = mentorvault.ErrorFields(bad.Err)
		}
		pg.SettingsErr = "Some settings need another look; nothing is saved yet."
		h.render(w, r, bad.status(), "programme.html", pg)
		return nil
	})
}
