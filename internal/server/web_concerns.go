package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// The web pages of breaking confidentiality without surprise (DESIGN.md §5):
// a relationship's concerns and the form to raise one, a concern worked
// through step by step with its joint plan and disclosure notices,
// consultations with a supervisor, and the recipient's inbox of what was
// disclosed to them. Every decision is the service's; these pages only show
// what it returns to its reader.

func concernPath(relID, id string) string { return relPath(relID) + "/concerns/" + url.PathEscape(id) }

func concernStatusLabel(s mentorvault.ConcernStatus) string {
	switch s {
	case mentorvault.ConcernOpen:
		return "Open"
	case mentorvault.ConcernDisclosed:
		return "Closed: disclosed"
	case mentorvault.ConcernResolved:
		return "Closed: resolved without disclosure"
	case mentorvault.ConcernWithdrawn:
		return "Closed: withdrawn"
	}
	return string(s)
}

func disclosureStateLabel(d *mentorvault.Disclosure) string {
	switch d.State {
	case mentorvault.DisclosureAwaitingSignatures:
		return "Waiting for both signatures"
	case mentorvault.DisclosureScheduled:
		return "Takes effect " + fmtWhen(d.EffectiveAt) + " unless withdrawn"
	case mentorvault.DisclosureDelivered:
		if d.Imminent {
			return "Made at once (imminent danger)"
		}
		return "Made"
	case mentorvault.DisclosureWithdrawn:
		return "Withdrawn before it took effect"
	}
	return string(d.State)
}

var answerWords = map[string]string{"yes": "Yes, there is an ethical issue", "no": "No ethical issue", "unsure": "Unsure"}

// --- the list of a relationship's concerns and the raise form ---

type concernRow struct {
	ID, RelID, Category, Status, StatusLabel, RaisedBy, When string
	About                                                    string // the category in a sentence: "danger to the mentee"
	Imminent, Open                                           bool
}

func concernRowOf(c *mentorvault.Concern, v *service.RelationshipView, me string) concernRow {
	return concernRow{ID: c.ID, RelID: c.RelationshipID, Category: title(service.CategoryLabel(c.Category)), About: service.CategoryLabel(c.Category), Status: string(c.Status),
		StatusLabel: concernStatusLabel(c.Status), RaisedBy: nameOf(v, c.RaisedByID, me), When: fmtWhen(c.CreatedAt),
		Imminent: c.Imminent, Open: c.Status == mentorvault.ConcernOpen}
}

type raiseForm struct {
	Category, Description string
	Imminent              bool
	Error                 string
	Fields                map[string]string
}

type concernsPage struct {
	base
	Rel        *service.RelationshipView
	Other      service.Person
	Rows       []concernRow
	CanRaise   bool
	CanConsult bool
	Categories []opt
	Form       raiseForm
	Done       string
}

func canConsult(v *service.RelationshipView) bool {
	return v.ProgrammeID != "" && (v.Status == mentorvault.StatusActive || v.Status == mentorvault.StatusPaused || v.Status == mentorvault.StatusClosed)
}

func (s *Server) concernsPage(r *http.Request) (*concernsPage, error) {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	cs, err := s.svc.Concerns(r.Context(), p, v.ID)
	if err != nil {
		return nil, s.hideFromOutsider(v, p, err)
	}
	pg := &concernsPage{base: s.base(r, "Concerns"), Rel: v, Other: v.Other(p.UserID), Done: r.URL.Query().Get("done"),
		CanRaise: v.Status == mentorvault.StatusActive || v.Status == mentorvault.StatusPaused, CanConsult: canConsult(v)}
	for _, c := range cs { // newest first
		pg.Rows = append(pg.Rows, concernRowOf(c.Concern, v, p.UserID))
	}
	pg.setCategories("")
	return pg, nil
}

func (pg *concernsPage) setCategories(sel string) {
	pg.Categories = []opt{{Value: "", Label: "Choose what it is about"}}
	for _, c := range mentorvault.ConcernCategories {
		pg.Categories = append(pg.Categories, opt{Value: string(c), Label: title(service.CategoryLabel(c)), Selected: string(c) == sel})
	}
}

func (s *Server) webConcerns(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.concernsPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "concerns.html", pg)
	return nil
}

func (s *Server) webRaiseConcern(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := raiseForm{Category: r.PostFormValue("category"), Description: r.PostFormValue("description"), Imminent: r.PostFormValue("imminent") == "yes"}
	c, err := s.svc.RaiseConcern(r.Context(), principal(r), id, mentorvault.ConcernCategory(f.Category), f.Description, f.Imminent)
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.concernsPage(r)
		if perr != nil {
			return perr
		}
		f.Error, f.Fields = "Please correct the concern below.", map[string]string{}
		names := map[string]string{"category": "Choose what the concern is about.", "description": "The description "}
		for k, m := range mentorvault.ErrorFields(err) {
			if k == "category" {
				f.Fields[k] = names[k]
			} else {
				f.Fields[k] = names[k] + m + "."
			}
		}
		pg.Form = f
		pg.setCategories(f.Category)
		s.render(w, r, http.StatusBadRequest, "concerns.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, concernPath(id, c.ID)+"?done=raised", http.StatusSeeOther)
	return nil
}

// --- one concern ---

type concernExcRow struct {
	Label, Text string
	Mandatory   bool
}

type viewRow struct {
	Who, Answer, AnswerLabel string
}

type stepRow struct {
	Who, Kind, KindLabel, Answer, AnswerLabel, Body, When string
}

type disclosureRow struct {
	ID, Kind, KindLabel, State, StateLabel string
	Discloser, To, How, Content            string
	When, Filed, Delivered                 string
	Imminent, Outside                      bool
	Signatures                             []string
	CanSign, CanWithdraw                   bool
}

// disclosureForm is the form of a joint plan or of a notice, with what the
// shared template needs to know of its page.
type disclosureForm struct {
	Notice                                             bool
	Prefix, RelID, ConcernID, CSRF, OtherName          string
	Imminent                                           bool // the concern was raised as an imminent danger
	Discloser, To, Email, Name, How, Content, When, TZ string
	AtOnce                                             bool // notices of an imminent concern: disclose at once
	TZs                                                []opt
	Error                                              string
	Fields                                             map[string]string
}

type stepForm struct {
	Answer, Body, Kind, Error string
	For                       string // "view" or "step": which form the error belongs to
}

type concernPage struct {
	base
	Rel            *service.RelationshipView
	Other          service.Person
	C              concernRow
	Description    string
	Exceptions     []concernExcRow
	MinNotice      int
	Earliest       string
	Views          []viewRow
	Steps          []stepRow
	Disclosures    []disclosureRow
	CanAct         bool
	IsRaiser       bool
	Pending        bool
	Delivered      bool
	CanConsult     bool
	StepForm       stepForm
	PlanForm       disclosureForm
	NoticeForm     disclosureForm
	OutcomeOptions []opt
	CloseError     string
	Done           string
}

var exceptionWords = map[mentorvault.ExceptionKind]string{
	mentorvault.ExcDutyOfCare: "Duty of care", mentorvault.ExcDutyInLaw: "Duty in law",
	mentorvault.ExcDutyToOrg: "Duty as an officer of the organisation", mentorvault.ExcOther: "Another exception",
}

func newDisclosureForm(when time.Time) disclosureForm {
	f := disclosureForm{Discloser: "me", To: "member", TZ: "UTC", TZs: tzOptions("UTC"), Fields: map[string]string{}}
	if !when.IsZero() {
		f.When = when.UTC().Format("2006-01-02T15:04")
	}
	return f
}

// earliestNotice is the first whole hour at least an hour after the
// programme's minimum notice, so a form filled in slowly is still in time.
func earliestNotice(now time.Time, hours int) time.Time {
	t := now.Add(time.Duration(hours)*time.Hour + time.Hour)
	if tr := t.Truncate(time.Hour); tr.Before(t) {
		t = tr.Add(time.Hour)
	}
	return t
}

func (s *Server) concernPage(r *http.Request) (*concernPage, error) {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	cv, err := s.svc.Concern(r.Context(), p, v.ID, r.PathValue("concernID"))
	if err != nil {
		return nil, s.hideFromOutsider(v, p, err)
	}
	me := p.UserID
	now := time.Now()
	row := concernRowOf(cv.Concern, v, me)
	pg := &concernPage{base: s.base(r, "Concern: "+row.Category), Rel: v, Other: v.Other(me), C: row,
		Description: cv.Description.Reveal(), MinNotice: cv.MinNotice, IsRaiser: cv.RaisedByID == me, Done: r.URL.Query().Get("done"),
		CanConsult: canConsult(v), PlanForm: newDisclosureForm(time.Time{}), NoticeForm: newDisclosureForm(earliestNotice(now, cv.MinNotice))}
	pg.Earliest = fmtWhen(now.Add(time.Duration(cv.MinNotice) * time.Hour))
	pg.CanAct = row.Open && (v.Status == mentorvault.StatusActive || v.Status == mentorvault.StatusPaused || v.Status == mentorvault.StatusClosed)
	for _, e := range cv.Exceptions {
		pg.Exceptions = append(pg.Exceptions, concernExcRow{Label: exceptionWords[e.Kind], Text: e.Text, Mandatory: e.Mandatory})
	}
	latest := map[string]*mentorvault.ConcernStep{}
	for _, st := range cv.Steps {
		sr := stepRow{Who: nameOf(v, st.AuthorID, me), Kind: string(st.Kind), Answer: st.Answer, AnswerLabel: answerWords[st.Answer],
			Body: st.Body.Reveal(), When: fmtWhen(st.CreatedAt)}
		switch st.Kind {
		case mentorvault.StepEthicalView:
			sr.KindLabel = "View on the ethical issue"
			latest[st.AuthorID] = st
		case mentorvault.StepDuties:
			sr.KindLabel = "Responsibilities and duties"
		default:
			sr.KindLabel = "Comment"
		}
		pg.Steps = append(pg.Steps, sr)
	}
	for _, who := range []string{v.MentorID, v.MenteeID} {
		vr := viewRow{Who: nameOf(v, who, me)}
		if st := latest[who]; st != nil {
			vr.Answer, vr.AnswerLabel = st.Answer, answerWords[st.Answer]
		}
		pg.Views = append(pg.Views, vr)
	}
	for _, d := range cv.Disclosures {
		dr := disclosureRow{ID: d.ID, Kind: string(d.Kind), State: string(d.State), StateLabel: disclosureStateLabel(d),
			Discloser: nameOf(v, d.DiscloserID, me), How: d.How, Content: d.Content.Reveal(), When: fmtWhen(d.EffectiveAt),
			Filed: fmtWhen(d.CreatedAt), Imminent: d.Imminent, Outside: d.RecipientName != ""}
		dr.KindLabel = "Disclosure notice"
		if d.Kind == mentorvault.DisclosurePlan {
			dr.KindLabel = "Joint disclosure plan"
		}
		if dr.Outside {
			dr.To = d.RecipientName + " (outside mentorvault)"
		} else if rp, ok := cv.Recipients[d.RecipientUserID]; ok {
			dr.To = rp.Name + " <" + rp.Email + ">"
		}
		if d.DeliveredAt != nil {
			dr.Delivered = fmtWhen(*d.DeliveredAt)
		}
		if d.Kind == mentorvault.DisclosurePlan {
			for _, sig := range []struct {
				who string
				at  *time.Time
			}{{v.MentorID, d.MentorSignedAt}, {v.MenteeID, d.MenteeSignedAt}} {
				if sig.at != nil {
					dr.Signatures = append(dr.Signatures, nameOf(v, sig.who, me)+" signed "+fmtWhen(*sig.at))
				} else {
					dr.Signatures = append(dr.Signatures, nameOf(v, sig.who, me)+": not signed yet")
				}
			}
			mine := d.MentorSignedAt
			if me == v.MenteeID {
				mine = d.MenteeSignedAt
			}
			dr.CanSign = pg.CanAct && d.State == mentorvault.DisclosureAwaitingSignatures && mine == nil
		}
		pending := d.State == mentorvault.DisclosureAwaitingSignatures || (d.State == mentorvault.DisclosureScheduled && now.Before(d.EffectiveAt))
		dr.CanWithdraw = pg.CanAct && pending && (d.Kind == mentorvault.DisclosurePlan || d.DiscloserID == me)
		pg.Pending = pg.Pending || d.State == mentorvault.DisclosureAwaitingSignatures || d.State == mentorvault.DisclosureScheduled
		pg.Delivered = pg.Delivered || d.State == mentorvault.DisclosureDelivered
		pg.Disclosures = append(pg.Disclosures, dr)
	}
	switch {
	case pg.Delivered:
		pg.OutcomeOptions = []opt{{Value: string(mentorvault.ConcernDisclosed), Label: "Disclosed: a disclosure has been made", Selected: true}}
	default:
		pg.OutcomeOptions = []opt{{Value: string(mentorvault.ConcernResolved), Label: "Resolved without disclosure", Selected: true}}
		if pg.IsRaiser {
			pg.OutcomeOptions = append(pg.OutcomeOptions, opt{Value: string(mentorvault.ConcernWithdrawn), Label: "Withdrawn: I no longer have this concern"})
		}
	}
	return pg, nil
}

func (s *Server) webConcern(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.concernPage(r)
	if err != nil {
		return err
	}
	s.renderConcern(w, r, http.StatusOK, pg)
	return nil
}

// renderConcern renders the concern page, its two disclosure forms told
// which page they are on.
func (s *Server) renderConcern(w http.ResponseWriter, r *http.Request, status int, pg *concernPage) {
	for _, f := range []*disclosureForm{&pg.PlanForm, &pg.NoticeForm} {
		f.RelID, f.ConcernID, f.CSRF, f.OtherName, f.Imminent = pg.Rel.ID, pg.C.ID, pg.CSRF, pg.Other.Name, pg.C.Imminent
	}
	pg.PlanForm.Notice, pg.PlanForm.Prefix = false, "plan"
	pg.NoticeForm.Notice, pg.NoticeForm.Prefix = true, "notice"
	s.render(w, r, status, "concern.html", pg)
}

func thisConcern(r *http.Request) string {
	return concernPath(r.PathValue("id"), r.PathValue("concernID"))
}

func (s *Server) webConcernStep(w http.ResponseWriter, r *http.Request) error {
	f := stepForm{Answer: r.PostFormValue("answer"), Body: r.PostFormValue("body"), Kind: r.PostFormValue("kind"), For: "step"}
	if f.Kind == string(mentorvault.StepEthicalView) {
		f.For = "view"
	}
	_, err := s.svc.RecordConcernStep(r.Context(), principal(r), r.PathValue("id"), r.PathValue("concernID"), mentorvault.ConcernStepKind(f.Kind), f.Answer, f.Body)
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.concernPage(r)
		if perr != nil {
			return perr
		}
		fields := mentorvault.ErrorFields(err)
		switch {
		case fields["answer"] != "":
			f.Error = "Choose yes, no or unsure."
		case fields["kind"] != "":
			f.Error = "Choose what you are adding: responsibilities and duties, or a comment."
		case fields["body"] != "":
			f.Error = "The text " + fields["body"] + "."
		default:
			f.Error = fieldsMessage(err)
		}
		pg.StepForm = f
		s.renderConcern(w, r, http.StatusBadRequest, pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, thisConcern(r)+"?done=step#steps", http.StatusSeeOther)
	return nil
}

// parseDisclosure reads the plan or notice form; problems found here are
// kept in f, the service's in the caller.
func parseDisclosure(r *http.Request, v *service.RelationshipView, notice bool) (service.DisclosureInput, disclosureForm, bool) {
	f := disclosureForm{Discloser: r.PostFormValue("discloser"), To: r.PostFormValue("to"), Email: strings.TrimSpace(r.PostFormValue("recipient_email")),
		Name: strings.TrimSpace(r.PostFormValue("recipient_name")), How: strings.TrimSpace(r.PostFormValue("how")), Content: r.PostFormValue("content"),
		When: strings.TrimSpace(r.PostFormValue("effective_at")), TZ: r.PostFormValue("tz"), AtOnce: notice && r.PostFormValue("at_once") == "yes",
		Fields: map[string]string{}}
	if f.TZ == "" {
		f.TZ = "UTC"
	}
	f.TZs = tzOptions(f.TZ)
	in := service.DisclosureInput{How: f.How, Content: f.Content, Imminent: f.AtOnce}
	me := principal(r).UserID
	if !notice && f.Discloser == "other" {
		in.DiscloserID = v.Other(me).ID
	} else {
		f.Discloser = "me"
	}
	if f.To == "outside" {
		in.RecipientName = f.Name
	} else {
		f.To, in.RecipientEmail = "member", f.Email
		if f.Email == "" {
			f.Fields["recipient_email"] = "Enter the email of the person in your organisation who will be told."
		}
	}
	switch {
	case f.AtOnce:
		in.EffectiveAt = time.Now()
	case f.When == "" && !notice:
		in.EffectiveAt = time.Now() // a plan takes effect when both have signed
	case f.When == "":
		f.Fields["effective_at"] = "Enter when the disclosure will take effect."
	default:
		loc, err := time.LoadLocation(f.TZ)
		known := false
		for _, z := range timeZones {
			known = known || z == f.TZ
		}
		if err != nil || !known {
			f.Fields["tz"] = "Choose a time zone from the list."
			loc = time.UTC
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", f.When, loc)
		if err != nil {
			f.Fields["effective_at"] = "Enter a date and time like 2026-03-01 14:30."
		}
		in.EffectiveAt = t
	}
	if len(f.Fields) > 0 {
		f.Error = "Please correct the details below."
		return in, f, false
	}
	return in, f, true
}

// failDisclosure keeps a service's EINVALID in the form; it reports whether err was one.
func (f *disclosureForm) fail(err error) bool {
	if mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		return false
	}
	f.Error = mentorvault.ErrorMessage(err) + "."
	names := map[string]string{"content": "What will be said", "how": "How", "recipient_email": "The email", "recipient_name": "The name",
		"recipient": "To whom:", "effective_at": "The time", "imminent": "Disclosing at once:", "discloser_id": "Who discloses"}
	for k, m := range mentorvault.ErrorFields(err) {
		f.Fields[k] = names[k] + " " + m + "."
	}
	return true
}

func (s *Server) webDisclosureForm(w http.ResponseWriter, r *http.Request, notice bool) error {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	in, f, ok := parseDisclosure(r, v, notice)
	if ok {
		var d *mentorvault.Disclosure
		if notice {
			d, err = s.svc.FileDisclosureNotice(r.Context(), p, v.ID, r.PathValue("concernID"), in)
		} else {
			d, err = s.svc.ProposeDisclosurePlan(r.Context(), p, v.ID, r.PathValue("concernID"), in)
		}
		if err == nil {
			done := "plan"
			if notice {
				done = "notice"
				if d.State == mentorvault.DisclosureDelivered {
					done = "disclosed"
				}
			}
			http.Redirect(w, r, thisConcern(r)+"?done="+done+"#d-"+d.ID, http.StatusSeeOther)
			return nil
		}
		if !f.fail(err) {
			return s.hideFromOutsider(v, p, err)
		}
	}
	pg, err := s.concernPage(r)
	if err != nil {
		return err
	}
	if notice {
		pg.NoticeForm = f
	} else {
		pg.PlanForm = f
	}
	s.renderConcern(w, r, http.StatusBadRequest, pg)
	return nil
}

func (s *Server) webProposePlan(w http.ResponseWriter, r *http.Request) error {
	return s.webDisclosureForm(w, r, false)
}

func (s *Server) webFileNotice(w http.ResponseWriter, r *http.Request) error {
	return s.webDisclosureForm(w, r, true)
}

func (s *Server) webSignPlan(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	d, err := s.svc.SignDisclosurePlan(r.Context(), principal(r), id, r.PathValue("disclosureID"))
	if err != nil {
		return err
	}
	done := "signed"
	switch d.State {
	case mentorvault.DisclosureScheduled:
		done = "plan-agreed"
	case mentorvault.DisclosureDelivered:
		done = "disclosed"
	}
	http.Redirect(w, r, concernPath(id, d.ConcernID)+"?done="+done+"#d-"+d.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) webWithdrawDisclosure(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	d, err := s.svc.WithdrawDisclosure(r.Context(), principal(r), id, r.PathValue("disclosureID"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, concernPath(id, d.ConcernID)+"?done=withdrawn#d-"+d.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) webCloseConcern(w http.ResponseWriter, r *http.Request) error {
	outcome, then := mentorvault.ConcernStatus(r.PostFormValue("outcome")), mentorvault.LifecycleAction(r.PostFormValue("relationship"))
	_, err := s.svc.CloseConcern(r.Context(), principal(r), r.PathValue("id"), r.PathValue("concernID"), outcome, then)
	if c := mentorvault.ErrorCode(err); c == mentorvault.EINVALID || c == mentorvault.ECONFLICT {
		pg, perr := s.concernPage(r)
		if perr != nil {
			return perr
		}
		pg.CloseError = mentorvault.ErrorMessage(err) + "."
		s.renderConcern(w, r, statusOf(c), pg)
		return nil
	} else if err != nil {
		return err
	}
	done := "closed"
	if then != "" {
		done = "closed-" + string(then)
	}
	http.Redirect(w, r, thisConcern(r)+"?done="+done, http.StatusSeeOther)
	return nil
}

// --- starting a consultation ---

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
	Description string
	Form        consultForm
}

func (s *Server) consultStartPage(r *http.Request, concernID string) (*consultStartPage, error) {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	sups, err := s.svc.Supervisors(r.Context(), p, v.ID)
	if err != nil {
		return nil, s.hideFromOutsider(v, p, err)
	}
	pg := &consultStartPage{base: s.base(r, "Consult a supervisor"), Rel: v, MyRole: v.Role(p.UserID),
		Form: consultForm{ShareCategory: true, Fields: map[string]string{}}}
	for _, sp := range sups {
		pg.Supervisors = append(pg.Supervisors, opt{Value: sp.ID, Label: sp.Name})
	}
	if len(sups) == 1 {
		pg.Supervisors[0].Selected = true
	}
	if concernID != "" {
		cv, err := s.svc.Concern(r.Context(), p, v.ID, concernID)
		if err != nil {
			return nil, s.hideFromOutsider(v, p, err)
		}
		row := concernRowOf(cv.Concern, v, p.UserID)
		pg.Concern, pg.Description = &row, cv.Description.Reveal()
	}
	return pg, nil
}

func (s *Server) webConsultForm(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.consultStartPage(r, r.URL.Query().Get("concern"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "consultation_new.html", pg)
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
		b.WriteString("The concern as it was raised:\n" + pg.Description + "\n\n")
	}
	b.WriteString(strings.TrimSpace(f.Message))
	return b.String()
}

func (s *Server) webStartConsultation(w http.ResponseWriter, r *http.Request) error {
	concernID := r.PostFormValue("concern_id")
	pg, err := s.consultStartPage(r, concernID)
	if err != nil {
		return err
	}
	f := consultForm{SupervisorID: r.PostFormValue("supervisor_id"), Message: r.PostFormValue("message"),
		ShareCategory: r.PostFormValue("share_category") == "yes", ShareDescribed: r.PostFormValue("share_description") == "yes", Fields: map[string]string{}}
	for i := range pg.Supervisors {
		pg.Supervisors[i].Selected = pg.Supervisors[i].Value == f.SupervisorID
	}
	if strings.TrimSpace(f.Message) == "" {
		f.Error, f.Fields["message"] = "Please write your question.", "Write what you would like the supervisor's guidance on."
	} else {
		c, err := s.svc.StartConsultation(r.Context(), principal(r), pg.Rel.ID, f.SupervisorID, concernID, consultMessage(pg, f))
		if err == nil {
			http.Redirect(w, r, "/consultations/"+url.PathEscape(c.ID)+"?done=started", http.StatusSeeOther)
			return nil
		}
		if mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			return err
		}
		f.Error = mentorvault.ErrorMessage(err) + "."
		for k, m := range mentorvault.ErrorFields(err) {
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
	s.render(w, r, http.StatusBadRequest, "consultation_new.html", pg)
	return nil
}

// --- consultations: the list and one thread ---

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

func (s *Server) webConsultations(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.Consultations(r.Context(), principal(r))
	if err != nil {
		return err
	}
	pg := &consultationsPage{base: s.base(r, "Consultations")}
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
	s.render(w, r, http.StatusOK, "consultations.html", pg)
	return nil
}

type messageRow struct {
	From, When, Body string
	Mine             bool
}

// consultationPage is one consultation's thread.
type consultationPage struct {
	base
	ID       string
	Heading  string
	Mine     bool
	Closed   bool
	RelID    string
	Role     string
	Messages []messageRow
	Reply    string
	Error    string
	Done     string
}

func (s *Server) consultationPage(r *http.Request) (*consultationPage, error) {
	v, err := s.svc.Consultation(r.Context(), principal(r), r.PathValue("consultationID"))
	if err != nil {
		return nil, err
	}
	pg := &consultationPage{base: s.base(r, "Consultation"), ID: v.ID, Mine: v.Mine, Closed: v.Closed, RelID: v.RelationshipID,
		Role: roleNoun(v.ConsultantRole), Done: r.URL.Query().Get("done")}
	if v.Mine {
		pg.Heading = "Your consultation with " + v.Supervisor.Name
	} else {
		pg.Heading = article(pg.Role) + " in " + v.ProgrammeName + " asks for your guidance"
	}
	for _, m := range v.Messages {
		row := messageRow{When: fmtWhen(m.CreatedAt), Body: m.Body.Reveal(), Mine: m.FromSupervisor != v.Mine}
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

func (s *Server) webConsultation(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.consultationPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "consultation.html", pg)
	return nil
}

func (s *Server) webPostConsultation(w http.ResponseWriter, r *http.Request) error {
	id, body := r.PathValue("consultationID"), r.PostFormValue("body")
	err := s.svc.PostConsultationMessage(r.Context(), principal(r), id, body)
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.consultationPage(r)
		if perr != nil {
			return perr
		}
		pg.Reply, pg.Error = body, "Your message "+mentorvault.ErrorFields(err)["message"]+"."
		s.render(w, r, http.StatusBadRequest, "consultation.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/consultations/"+url.PathEscape(id)+"?done=sent#reply", http.StatusSeeOther)
	return nil
}

func (s *Server) webCloseConsultation(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("consultationID")
	if err := s.svc.CloseConsultation(r.Context(), principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/consultations/"+url.PathEscape(id)+"?done=closed", http.StatusSeeOther)
	return nil
}

// --- what was disclosed to me ---

type receivedRow struct {
	ID, From, How, Content, Delivered string
	Imminent                          bool
}

type disclosuresPage struct {
	base
	Rows []receivedRow
}

func (s *Server) webDisclosures(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.svc.ReceivedDisclosures(r.Context(), principal(r))
	if err != nil {
		return err
	}
	pg := &disclosuresPage{base: s.base(r, "Disclosures received")}
	for _, d := range ds { // newest first
		row := receivedRow{ID: d.ID, From: d.From.Name, How: d.How, Content: d.Content.Reveal(), Imminent: d.Imminent}
		if d.DeliveredAt != nil {
			row.Delivered = fmtWhen(*d.DeliveredAt)
		}
		pg.Rows = append(pg.Rows, row)
	}
	s.render(w, r, http.StatusOK, "disclosures.html", pg)
	return nil
}
