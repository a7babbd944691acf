package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

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

func disclosureStateLabel(d *mentorvault.Disclosure, z zone) string {
	switch d.State {
	case mentorvault.DisclosureAwaitingSignatures:
		return "Waiting for both signatures"
	case mentorvault.DisclosureScheduled:
		if !d.Started() {
			return "Not started: waiting to reach the other party"
		}
		return "Takes effect " + z.when(d.EffectiveAt) + " unless withdrawn"
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

var outcomeWords = map[mentorvault.ConcernStatus]string{
	mentorvault.ConcernDisclosed: "Disclosed: a disclosure has been made",
	mentorvault.ConcernResolved:  "Resolved without disclosure",
	mentorvault.ConcernWithdrawn: "Withdrawn: I no longer have this concern",
}

var answerWords = map[string]string{"yes": "Yes, there is an ethical issue", "no": "No ethical issue", "unsure": "Unsure"}

type concernRow struct {
	ID, RelID, Category, Status, StatusLabel, RaisedBy, When string
	About                                                    string // the category in a sentence: "danger to the mentee"
	Imminent                                                 bool
	Open                                                     bool // the concern takes steps, disclosures and an outcome (Concern.IsOpen)
}

func concernRowOf(c *mentorvault.Concern, v *service.RelationshipView, me string, z zone) concernRow {
	return concernRow{ID: c.ID, RelID: c.RelationshipID, Category: title(service.CategoryLabel(c.Category)), About: service.CategoryLabel(c.Category), Status: string(c.Status),
		StatusLabel: concernStatusLabel(c.Status), RaisedBy: nameOf(v, c.RaisedByID, me), When: z.when(c.CreatedAt),
		Imminent: c.Imminent, Open: c.IsOpen()}
}

type raiseForm struct {
	Category, Description string
	Imminent              bool
	Error                 string
	Fields                map[string]string
}

// concernsPage lists a relationship's concerns; what it offers (raising one,
// consulting a supervisor) comes from Rel.Allowed.
type concernsPage struct {
	base
	Rel        *service.RelationshipView
	Other      service.Person
	Rows       []concernRow
	Categories []opt
	Form       raiseForm
	Done       string
}

func (h *Handler) concernsPage(r *http.Request) (*concernsPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	cs, err := h.svc.Concerns(r.Context(), p, v.ID)
	if err != nil {
		return nil, err
	}
	pg := &concernsPage{base: h.base(r, "Concerns"), Rel: v, Other: v.Other(p.UserID), Done: r.URL.Query().Get("done")}
	for _, c := range cs { // newest first
		pg.Rows = append(pg.Rows, concernRowOf(c.Concern, v, p.UserID, z))
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

func (h *Handler) Concerns(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.concernsPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "concerns.html", pg)
	return nil
}

func (h *Handler) RaiseConcern(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseConcern, func(in form.Concern) (string, error) {
		c, err := h.svc.RaiseConcern(r.Context(), httpx.Principal(r), id, in.Category, in.Description, in.Imminent)
		if err != nil {
			return "", err
		}
		return concernPath(id, c.ID) + "?done=raised", nil
	}, func(bad refused) error {
		pg, err := h.concernsPage(r)
		if err != nil {
			return err
		}
		in, _ := form.ParseConcern(r.PostForm)
		f := raiseForm{Category: string(in.Category), Description: in.Description, Imminent: in.Imminent,
			Error: "Please correct the concern below.", Fields: map[string]string{}}
		for k, m := range mentorvault.ErrorFields(bad.Err) {
			if k == "category" {
				f.Fields[k] = "Choose what the concern is about."
			} else {
				f.Fields[k] = map[string]string{"description": "The description "}[k] + m + "."
			}
		}
		pg.Form = f
		pg.setCategories(f.Category)
		h.render(w, r, bad.status(), "concerns.html", pg)
		return nil
	})
}

type concernExcRow struct {
	Label, Text string
	Mandatory   bool
}

type viewRow struct {
	Who, Answer, AnswerLabel string
}

type stepRow struct {
	Who, Kind, KindLabel, Answer, AnswerLabel, When string
	Body                                            mentorvault.Secret
	Damaged                                         bool // its sealed text did not open: changed outside mentorvault
}

type disclosureRow struct {
	ID, Kind, KindLabel, State, StateLabel string
	Discloser, To, How                     string
	Content                                mentorvault.Secret
	Damaged                                bool // its sealed text did not open: changed outside mentorvault
	When, Filed, Delivered                 string
	Reached                                string // a notice: when and how the other party was reached, or that it has not started
	Imminent, Outside, Started             bool
	Signatures                             []string
	// Signable and Withdrawable are what the disclosure's state lets the
	// viewer do (service.DisclosureView); the page offers them only where
	// Cedar allows concern.act.
	Signable, Withdrawable bool
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

// concernPage is one concern. What it offers comes from Rel.Allowed
// (concern.act, consultation.start) and from what the concern's state allows
// (C.Open, Pending, the outcomes and each disclosure's Signable and
// Withdrawable), both decided by the service.
type concernPage struct {
	base
	Rel            *service.RelationshipView
	Other          service.Person
	C              concernRow
	Description    mentorvault.Secret
	Exceptions     []concernExcRow
	MinNotice      int
	Earliest       string
	Views          []viewRow
	Steps          []stepRow
	Disclosures    []disclosureRow
	Pending        bool // a disclosure is pending: the outcome waits
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

func newDisclosureForm(when time.Time, z zone) disclosureForm {
	f := disclosureForm{Discloser: "me", To: "member", TZ: z.name(), TZs: tzOptions(z.name()), Fields: map[string]string{}}
	if !when.IsZero() {
		f.When = z.input(when.UTC())
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

func (h *Handler) concernPage(r *http.Request) (*concernPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	cv, err := h.svc.Concern(r.Context(), p, v.ID, r.PathValue("concernID"))
	if err != nil {
		return nil, err
	}
	me := p.UserID
	now := time.Now()
	row := concernRowOf(cv.Concern, v, me, z)
	pg := &concernPage{base: h.base(r, "Concern: "+row.Category), Rel: v, Other: v.Other(me), C: row,
		Description: cv.Description, MinNotice: cv.MinNotice, Pending: cv.Pending, Done: r.URL.Query().Get("done"),
		PlanForm: newDisclosureForm(time.Time{}, z), NoticeForm: newDisclosureForm(earliestNotice(now, cv.MinNotice), z)}
	pg.Earliest = z.when(now.Add(time.Duration(cv.MinNotice) * time.Hour))
	for _, e := range cv.Exceptions {
		pg.Exceptions = append(pg.Exceptions, concernExcRow{Label: exceptionWords[e.Kind], Text: e.Text, Mandatory: e.Mandatory})
	}
	latest := map[string]*mentorvault.ConcernStep{}
	for _, st := range cv.Steps {
		sr := stepRow{Who: nameOf(v, st.AuthorID, me), Kind: string(st.Kind), Answer: st.Answer, AnswerLabel: answerWords[st.Answer],
			Body: st.Body, When: z.when(st.CreatedAt), Damaged: st.Damaged}
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
		dr := disclosureRow{ID: d.ID, Kind: string(d.Kind), State: string(d.State), StateLabel: disclosureStateLabel(d.Disclosure, z),
			Discloser: nameOf(v, d.DiscloserID, me), How: d.How, Content: d.Content, Damaged: d.Damaged, When: z.when(d.EffectiveAt),
			Filed: z.when(d.CreatedAt), Imminent: d.Imminent, Outside: d.RecipientName != "", Signable: d.Signable, Withdrawable: d.Withdrawable}
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
			dr.Delivered = z.when(*d.DeliveredAt)
		}
		dr.Reached, dr.Started = service.NoticeReach(d.Disclosure, z.when), d.Started()
		if d.Kind == mentorvault.DisclosurePlan {
			for _, sig := range []struct {
				who string
				at  *time.Time
			}{{v.MentorID, d.MentorSignedAt}, {v.MenteeID, d.MenteeSignedAt}} {
				if sig.at != nil {
					dr.Signatures = append(dr.Signatures, nameOf(v, sig.who, me)+" signed "+z.when(*sig.at))
				} else {
					dr.Signatures = append(dr.Signatures, nameOf(v, sig.who, me)+": not signed yet")
				}
			}
		}
		pg.Disclosures = append(pg.Disclosures, dr)
	}
	for i, oc := range cv.Outcomes {
		pg.OutcomeOptions = append(pg.OutcomeOptions, opt{Value: string(oc), Label: outcomeWords[oc], Selected: i == 0})
	}
	return pg, nil
}

func (h *Handler) Concern(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.concernPage(r)
	if err != nil {
		return err
	}
	h.renderConcern(w, r, http.StatusOK, pg)
	return nil
}

// renderConcern renders the concern page, its two disclosure forms told
// which page they are on.
func (h *Handler) renderConcern(w http.ResponseWriter, r *http.Request, status int, pg *concernPage) {
	for _, f := range []*disclosureForm{&pg.PlanForm, &pg.NoticeForm} {
		f.RelID, f.ConcernID, f.CSRF, f.OtherName, f.Imminent = pg.Rel.ID, pg.C.ID, pg.CSRF, pg.Other.Name, pg.C.Imminent
	}
	pg.PlanForm.Notice, pg.PlanForm.Prefix = false, "plan"
	pg.NoticeForm.Notice, pg.NoticeForm.Prefix = true, "notice"
	h.render(w, r, status, "concern.html", pg)
}

func thisConcern(r *http.Request) string {
	return concernPath(r.PathValue("id"), r.PathValue("concernID"))
}

func (h *Handler) ConcernStep(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseConcernStep, func(in form.ConcernStep) (string, error) {
		_, err := h.svc.RecordConcernStep(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"), in.Kind, in.Answer, in.Body)
		return thisConcern(r) + "?done=step#steps", err
	}, func(bad refused) error {
		pg, err := h.concernPage(r)
		if err != nil {
			return err
		}
		in, _ := form.ParseConcernStep(r.PostForm)
		f := stepForm{Answer: in.Answer, Body: in.Body, Kind: string(in.Kind), For: "step"}
		if in.Kind == mentorvault.StepEthicalView {
			f.For = "view"
		}
		fields := mentorvault.ErrorFields(bad.Err)
		switch {
		case fields["answer"] != "":
			f.Error = "Choose yes, no or unsure."
		case fields["kind"] != "":
			f.Error = "Choose what you are adding: responsibilities and duties, or a comment."
		case fields["body"] != "":
			f.Error = "The text " + fields["body"] + "."
		default:
			f.Error = fieldsMessage(bad.Err)
		}
		pg.StepForm = f
		h.renderConcern(w, r, bad.status(), pg)
		return nil
	})
}

// typedDisclosure is the plan or notice form as it was posted, to show again.
func typedDisclosure(v url.Values, notice bool) disclosureForm {
	f := disclosureForm{Discloser: v.Get("discloser"), To: v.Get("to"), Email: strings.TrimSpace(v.Get("recipient_email")),
		Name: strings.TrimSpace(v.Get("recipient_name")), How: strings.TrimSpace(v.Get("how")), Content: v.Get("content"),
		When: strings.TrimSpace(v.Get("effective_at")), TZ: form.Zone(v.Get("tz")), AtOnce: notice && v.Get("at_once") == "yes",
		Fields: map[string]string{}}
	f.TZs = tzOptions(f.TZ)
	if notice || f.Discloser != "other" {
		f.Discloser = "me"
	}
	if f.To != "outside" {
		f.To = "member"
	}
	return f
}

// refuse shows why the form was refused: its own problems, or the service's.
func (f *disclosureForm) refuse(bad refused) {
	if bad.Err != nil {
		f.fail(bad.Err)
		return
	}
	f.Error, f.Fields = "Please correct the details below.", bad.Problems
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

func (h *Handler) webDisclosureForm(w http.ResponseWriter, r *http.Request, notice bool) error {
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	parse := func(vals url.Values) (service.DisclosureInput, form.Problems) {
		return form.ParseDisclosure(vals, notice, v.Other(p.UserID).ID, time.Now())
	}
	return submit(w, r, parse, func(in service.DisclosureInput) (string, error) {
		var d *mentorvault.Disclosure
		var err error
		if notice {
			d, err = h.svc.FileDisclosureNotice(r.Context(), p, v.ID, r.PathValue("concernID"), in)
		} else {
			d, err = h.svc.ProposeDisclosurePlan(r.Context(), p, v.ID, r.PathValue("concernID"), in)
		}
		if err != nil {
			return "", err
		}
		done := "plan"
		if notice {
			done = "notice"
			if d.State == mentorvault.DisclosureDelivered {
				done = "disclosed"
			}
		}
		return thisConcern(r) + "?done=" + done + "#d-" + d.ID, nil
	}, func(bad refused) error {
		pg, err := h.concernPage(r)
		if err != nil {
			return err
		}
		f := typedDisclosure(r.PostForm, notice)
		f.refuse(bad)
		if notice {
			pg.NoticeForm = f
		} else {
			pg.PlanForm = f
		}
		h.renderConcern(w, r, bad.status(), pg)
		return nil
	})
}

func (h *Handler) ProposePlan(w http.ResponseWriter, r *http.Request) error {
	return h.webDisclosureForm(w, r, false)
}

func (h *Handler) FileNotice(w http.ResponseWriter, r *http.Request) error {
	return h.webDisclosureForm(w, r, true)
}

func (h *Handler) CloseConcern(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseConcernClose, func(in form.ConcernClose) (string, error) {
		_, err := h.svc.CloseConcern(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("concernID"), in.Outcome, in.Then)
		done := "closed"
		if in.Then != "" {
			done = "closed-" + string(in.Then)
		}
		return thisConcern(r) + "?done=" + done, err
	}, func(bad refused) error {
		pg, err := h.concernPage(r)
		if err != nil {
			return err
		}
		pg.CloseError = mentorvault.ErrorMessage(bad.Err) + "."
		h.renderConcern(w, r, bad.status(), pg)
		return nil
	}, mentorvault.ECONFLICT)
}
