package web

import (
	"encoding/hex"
	"fmt"
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

type clauseRow struct {
	Index                                                                     int
	Discloser, What, Item, Recipient, RecipientName, Condition, Until, Months string
	Remove                                                                    bool
	Sentence                                                                  string
	Errs                                                                      map[string]string
	Disclosers, Whats, Recipients, Conditions, Untils                         []opt
}

type keptRow struct {
	Index       int
	Party, Text string
	Remove      bool
	Errs        map[string]string
	Parties     []opt
}

type excRow struct {
	Index      int
	Kind, Text string
	KindLabel  string
	Mandatory  bool
	Remove     bool
	Errs       map[string]string
	Kinds      []opt
}

type editPage struct {
	base
	Rel         *service.RelationshipView
	MyRole      string
	Other       service.Person
	Done        string
	VersionID   string
	Number      int
	BaseHash    string
	Error       string
	Conflict    bool
	Fields      map[string]string // errors that belong to no row
	OtherFields []string          // those of them no field on the page shows
	Comments    map[string]int

	Channels                                                          []opt
	ChannelsOn                                                        map[string]bool
	Frequencies                                                       []opt
	Minutes, NoticeHours, Late, ScopeIn, ScopeOut, Goals, ReviewWeeks string
	RetentionDays                                                     string // "" leaves it to the programme
	EndDate                                                           string

	Presets []opt
	Clauses []clauseRow
	Kept    []keptRow
	Excs    []excRow

	Suitability, MenteeToManager, ThreeWay string

	GuidelinesLatest int
	FollowGuidelines bool // the draft follows the latest guidelines version (each party confirms reading it on the agreement page)
	ProgrammeID      string
	MinNotice        int
}

func (pg *editPage) partyLabel(p string) string {
	if pg.Rel.Kind == mentorvault.KindPeer {
		switch mentorvault.Party(p) {
		case mentorvault.PartyMentor:
			return "the first partner (" + pg.Rel.Mentor.Name + ")"
		case mentorvault.PartyMentee:
			return "the second partner (" + pg.Rel.Mentee.Name + ")"
		}
	}
	switch mentorvault.Party(p) {
	case mentorvault.PartyMentor:
		return "the mentor (" + pg.Rel.Mentor.Name + ")"
	case mentorvault.PartyMentee:
		return "the mentee (" + pg.Rel.Mentee.Name + ")"
	}
	return mentorvault.Label(p)
}

func whatLabel(v string) string {
	if v == string(mentorvault.WhatItem) {
		return "one specific item (name it)"
	}
	return mentorvault.Label(v)
}

func recipientLabel(v string) string {
	if v == string(mentorvault.ToNamedPerson) {
		return "a person we name"
	}
	return mentorvault.Label(v)
}

func untilLabel(v string) string {
	return map[string]string{string(mentorvault.UntilDuring): "while the relationship lasts",
		string(mentorvault.UntilMonthsAfter): "until some months after it ends", string(mentorvault.UntilIndefinitely): "with no end date"}[v]
}

func (pg *editPage) fillClause(c *clauseRow) {
	blank := func(o []opt, empty string) []opt {
		return append([]opt{{Value: "", Label: empty, Selected: false}}, o...)
	}
	c.Disclosers = blank(options(mentorvault.Disclosers, c.Discloser, pg.partyLabel), "— choose who —")
	c.Whats = options(mentorvault.DisclosureWhats, c.What, whatLabel)
	c.Recipients = options(mentorvault.Recipients, c.Recipient, recipientLabel)
	c.Conditions = options(mentorvault.Conditions, c.Condition, mentorvault.Label)
	c.Untils = options(mentorvault.Untils, c.Until, untilLabel)
}

func (pg *editPage) fillKept(k *keptRow) {
	k.Parties = options([]mentorvault.Party{mentorvault.PartyMentor, mentorvault.PartyMentee}, k.Party, pg.partyLabel)
}

func fillExc(e *excRow) {
	e.Kinds = options(mentorvault.ExceptionKinds, e.Kind, mentorvault.Label)
	e.KindLabel = mentorvault.Label(e.Kind)
}

// addBlankRows appends the empty rows a person fills in to add something.
func (pg *editPage) addBlankRows() {
	for i := 0; i < 2; i++ {
		c := clauseRow{Index: len(pg.Clauses), What: string(mentorvault.WhatTopicsGoals), Recipient: string(mentorvault.ToLineManager),
			Condition: string(mentorvault.CondPermission), Until: string(mentorvault.UntilDuring)}
		pg.fillClause(&c)
		pg.Clauses = append(pg.Clauses, c)
	}
	for i := 0; i < 2; i++ {
		k := keptRow{Index: len(pg.Kept), Party: string(mentorvault.PartyMentee)}
		if pg.MyRole == "mentor" {
			k.Party = string(mentorvault.PartyMentor)
		}
		pg.fillKept(&k)
		pg.Kept = append(pg.Kept, k)
	}
	e := excRow{Index: len(pg.Excs), Kind: string(mentorvault.ExcOther)}
	fillExc(&e)
	pg.Excs = append(pg.Excs, e)
}

// editBase loads what the editor needs besides the terms.
func (h *Handler) editBase(r *http.Request) (*editPage, *service.AgreementView, error) {
	p := httpx.Principal(r)
	av, err := h.svc.Agreement(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	if av.Draft == nil {
		what := "There is no draft to edit."
		if av.InForce != nil {
			what = "There is no draft to edit: the signed version stays as it is. Start an amendment to change it."
		}
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "%s", what)
	}
	rv := av.Rel
	pg := &editPage{base: h.base(r, "Edit our agreement"), Rel: rv, MyRole: rv.Role(p.UserID), Other: rv.Other(p.UserID),
		Done: r.URL.Query().Get("done"), VersionID: av.Draft.ID, Number: av.Draft.Number, BaseHash: hex.EncodeToString(av.Draft.Hash),
		ProgrammeID: rv.ProgrammeID, MinNotice: av.Settings.MinNoticeHours, Comments: map[string]int{}, Fields: map[string]string{}}
	if av.Guidelines != nil {
		pg.GuidelinesLatest = av.Guidelines.Version
	}
	for _, c := range av.Comments {
		pg.Comments[c.Section]++
	}
	pg.Presets = append([]opt{{Value: "", Label: "Keep the clauses below"}}, options(presetNames(), "", presetLabel)...)
	return pg, av, nil
}

func presetNames() []string {
	var out []string
	for _, p := range mentorvault.Presets {
		out = append(out, p.Name)
	}
	return out
}

func presetLabel(name string) string {
	for _, p := range mentorvault.Presets {
		if p.Name == name {
			return p.Label
		}
	}
	return name
}

// fromTerms fills the editor from saved terms.
func (pg *editPage) fromTerms(t mentorvault.AgreementTerms, mandatory []mentorvault.ExceptionKind) {
	x := t.Expectations
	pg.ChannelsOn = map[string]bool{}
	for _, c := range x.Channels {
		pg.ChannelsOn[c] = true
	}
	pg.Minutes, pg.NoticeHours, pg.ReviewWeeks = itoa0(x.MeetingMinutes), strconv.Itoa(x.CancellationNoticeHours), strconv.Itoa(x.ReviewEveryWeeks)
	pg.Late, pg.ScopeIn, pg.ScopeOut, pg.Goals, pg.EndDate = x.LateCancellation, x.ScopeIn, x.ScopeOut, x.Goals, x.EndDate
	pg.RetentionDays = itoa0(x.RetentionDays)
	pg.fillExpectationOptions(x.MeetingFrequency)
	pg.setClauses(t.Clauses)
	for _, k := range t.KeptConfidential {
		row := keptRow{Index: len(pg.Kept), Party: string(k.Party), Text: k.Text}
		pg.fillKept(&row)
		pg.Kept = append(pg.Kept, row)
	}
	for _, e := range t.Exceptions {
		row := excRow{Index: len(pg.Excs), Kind: string(e.Kind), Text: e.Text, Mandatory: e.Mandatory || slices.Contains(mandatory, e.Kind)}
		fillExc(&row)
		pg.Excs = append(pg.Excs, row)
	}
	pg.Suitability, pg.MenteeToManager, pg.ThreeWay = t.Protocols.Suitability, t.Protocols.MenteeToManager, t.Protocols.ThreeWay
	pg.FollowGuidelines = t.GuidelinesVersion > 0 && t.GuidelinesVersion == pg.GuidelinesLatest
	pg.addBlankRows()
}

func (pg *editPage) setClauses(cs []mentorvault.Clause) {
	h := mentorvault.AgreementHeader{Kind: pg.Rel.Kind}
	pg.Clauses = nil
	for _, c := range cs {
		row := clauseRow{Index: len(pg.Clauses), Discloser: string(c.Discloser), What: string(c.What), Item: c.Item, Recipient: string(c.Recipient),
			RecipientName: c.RecipientName, Condition: string(c.Condition), Until: string(c.Until), Months: itoa0(c.Months), Sentence: h.Sentence(c)}
		pg.fillClause(&row)
		pg.Clauses = append(pg.Clauses, row)
	}
}

func (pg *editPage) fillExpectationOptions(freq string) {
	pg.Channels = options(mentorvault.Channels, "", mentorvault.Label)
	for i := range pg.Channels {
		pg.Channels[i].Selected = pg.ChannelsOn[pg.Channels[i].Value]
	}
	pg.Frequencies = append([]opt{{Value: "", Label: "Not decided yet"}}, options(mentorvault.MeetingFrequencies, freq, func(s string) string { return title(mentorvault.Label(s)) })...)
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (h *Handler) AgreementEdit(w http.ResponseWriter, r *http.Request) error {
	pg, av, err := h.editBase(r)
	if err != nil {
		return err
	}
	pg.fromTerms(av.Draft.Terms, av.Settings.MandatoryExceptions)
	h.render(w, r, http.StatusOK, "agreement_edit.html", pg)
	return nil
}

// rowIndexes returns the row numbers the form holds for prefix (e.g.
// "clauses"), in order, from its count field.
// fromForm reads the editor's form into the page (as typed, so a problem
// never loses anything) and into terms. termRow maps each term index back
// to its row on the page, so the service's error paths find their field.
func (pg *editPage) fromForm(r *http.Request, mandatory []mentorvault.ExceptionKind) (t mentorvault.AgreementTerms, local form.Problems, clauseAt, keptAt, excAt []int) {
	f := r.PostFormValue
	local = form.Problems{}
	pg.ChannelsOn = map[string]bool{}
	for _, c := range r.PostForm["channels"] {
		pg.ChannelsOn[c] = true
		t.Expectations.Channels = append(t.Expectations.Channels, c)
	}
	x := &t.Expectations
	x.MeetingFrequency = f("frequency")
	pg.Minutes, pg.NoticeHours, pg.ReviewWeeks = f("minutes"), f("notice_hours"), f("review_weeks")
	x.MeetingMinutes = form.Int(pg.Minutes, "expectations.meeting_minutes", local)
	x.CancellationNoticeHours = form.Int(pg.NoticeHours, "expectations.cancellation_notice_hours", local)
	x.ReviewEveryWeeks = form.Int(pg.ReviewWeeks, "expectations.review_every_weeks", local)
	pg.RetentionDays = f("retention_days")
	x.RetentionDays = form.Int(pg.RetentionDays, "expectations.retention_days", local)
	pg.Late, pg.ScopeIn, pg.ScopeOut, pg.Goals, pg.EndDate = f("late_cancellation"), f("scope_in"), f("scope_out"), f("goals"), strings.TrimSpace(f("end_date"))
	x.LateCancellation, x.ScopeIn, x.ScopeOut, x.Goals, x.EndDate = pg.Late, pg.ScopeIn, pg.ScopeOut, pg.Goals, pg.EndDate
	pg.fillExpectationOptions(x.MeetingFrequency)

	h := mentorvault.AgreementHeader{Kind: pg.Rel.Kind}
	if preset := f("preset"); preset != "" {
		cs, ok := mentorvault.PresetClauses(preset)
		if !ok {
			local["preset"] = "is not one of the offered presets"
		}
		t.Clauses = cs
		pg.setClauses(cs)
		for i := range cs {
			clauseAt = append(clauseAt, i)
		}
	} else {
		for i := 0; i < form.RowCount(r.PostForm, "clause_rows"); i++ {
			p := fmt.Sprintf("clauses[%d].", i)
			row := clauseRow{Index: len(pg.Clauses), Discloser: f(p + "discloser"), What: f(p + "what"), Item: f(p + "item"), Recipient: f(p + "recipient"),
				RecipientName: f(p + "recipient_name"), Condition: f(p + "condition"), Until: f(p + "until"), Months: f(p + "months"),
				Remove: f(p+"remove") == "yes", Errs: map[string]string{}}
			if row.Discloser == "" {
				continue // a blank row: nothing to add
			}
			c := mentorvault.Clause{Discloser: mentorvault.Party(row.Discloser), What: mentorvault.DisclosureWhat(row.What), Recipient: mentorvault.Recipient(row.Recipient),
				Condition: mentorvault.Condition(row.Condition), Until: mentorvault.Until(row.Until)}
			// Fields that do not apply to the choices made are ignored, not errors.
			if c.What == mentorvault.WhatItem {
				c.Item = strings.TrimSpace(row.Item)
			}
			if c.Recipient == mentorvault.ToNamedPerson {
				c.RecipientName = strings.TrimSpace(row.RecipientName)
			}
			if c.Until == mentorvault.UntilMonthsAfter {
				c.Months = form.Int(row.Months, "months", row.Errs)
				if c.Months == 0 && len(row.Errs) == 0 {
					row.Errs["months"] = "say how many months (1 to 120)"
				}
			}
			for k, v := range row.Errs {
				local[fmt.Sprintf("clauses[%d].%s", row.Index, k)] = v
			}
			if !row.Remove {
				row.Sentence = h.Sentence(c)
				t.Clauses = append(t.Clauses, c)
				clauseAt = append(clauseAt, len(pg.Clauses))
			}
			pg.fillClause(&row)
			pg.Clauses = append(pg.Clauses, row)
		}
	}
	for i := 0; i < form.RowCount(r.PostForm, "kept_rows"); i++ {
		p := fmt.Sprintf("kept_confidential[%d].", i)
		row := keptRow{Index: len(pg.Kept), Party: f(p + "party"), Text: f(p + "text"), Remove: f(p+"remove") == "yes"}
		if strings.TrimSpace(row.Text) == "" {
			continue
		}
		if !row.Remove {
			t.KeptConfidential = append(t.KeptConfidential, mentorvault.KeptItem{Party: mentorvault.Party(row.Party), Text: strings.TrimSpace(row.Text)})
			keptAt = append(keptAt, len(pg.Kept))
		}
		pg.fillKept(&row)
		pg.Kept = append(pg.Kept, row)
	}
	for i := 0; i < form.RowCount(r.PostForm, "exception_rows"); i++ {
		p := fmt.Sprintf("exceptions[%d].", i)
		row := excRow{Index: len(pg.Excs), Kind: f(p + "kind"), Text: f(p + "text"), Remove: f(p+"remove") == "yes"}
		row.Mandatory = slices.Contains(mandatory, mentorvault.ExceptionKind(row.Kind))
		if strings.TrimSpace(row.Text) == "" && !row.Mandatory {
			continue
		}
		if row.Mandatory {
			row.Remove = false
		}
		if !row.Remove {
			t.Exceptions = append(t.Exceptions, mentorvault.Exception{Kind: mentorvault.ExceptionKind(row.Kind), Text: strings.TrimSpace(row.Text)})
			excAt = append(excAt, len(pg.Excs))
		}
		fillExc(&row)
		pg.Excs = append(pg.Excs, row)
	}
	t.Protocols = mentorvault.Protocols{Suitability: f("suitability"), MenteeToManager: f("mentee_to_manager"), ThreeWay: f("three_way")}
	pg.Suitability, pg.MenteeToManager, pg.ThreeWay = t.Protocols.Suitability, t.Protocols.MenteeToManager, t.Protocols.ThreeWay
	pg.FollowGuidelines = f("follow_guidelines") == "yes" && pg.GuidelinesLatest > 0
	if pg.FollowGuidelines {
		t.GuidelinesVersion = pg.GuidelinesLatest
	}
	return t, local, clauseAt, keptAt, excAt
}

// placeErrors puts each error (keyed by its path in the terms) next to its field.
func (pg *editPage) placeErrors(errs map[string]string, clauseAt, keptAt, excAt []int) {
	for k, v := range errs {
		switch {
		case isRow(k, "clauses"):
			if i, field, _ := form.ScanRow(k, "clauses"); i < len(clauseAt) {
				row := &pg.Clauses[clauseAt[i]]
				if row.Errs == nil {
					row.Errs = map[string]string{}
				}
				row.Errs[field] = v
				continue
			}
		case isRow(k, "kept_confidential"):
			if i, field, _ := form.ScanRow(k, "kept_confidential"); i < len(keptAt) {
				row := &pg.Kept[keptAt[i]]
				if row.Errs == nil {
					row.Errs = map[string]string{}
				}
				row.Errs[field] = v
				continue
			}
		case isRow(k, "exceptions"):
			if i, field, _ := form.ScanRow(k, "exceptions"); i < len(excAt) {
				row := &pg.Excs[excAt[i]]
				if row.Errs == nil {
					row.Errs = map[string]string{}
				}
				row.Errs[field] = v
				continue
			}
		}
		pg.Fields[k] = v
	}
}

// isRow reports whether k is the path of a field of one of prefix's rows.
func isRow(k, prefix string) bool { _, _, ok := form.ScanRow(k, prefix); return ok }

func (h *Handler) AgreementSave(w http.ResponseWriter, r *http.Request) error {
	pg, av, err := h.editBase(r)
	if err != nil {
		return err
	}
	if vid := r.PostFormValue("version_id"); vid != "" && vid != av.Draft.ID {
		pg.VersionID = vid
	}
	pg.BaseHash = r.PostFormValue("base_hash")
	var clauseAt, keptAt, excAt []int
	parse := func(url.Values) (t mentorvault.AgreementTerms, local form.Problems) {
		t, local, clauseAt, keptAt, excAt = pg.fromForm(r, av.Settings.MandatoryExceptions)
		return t, local
	}
	return submit(w, r, parse, func(terms mentorvault.AgreementTerms) (string, error) {
		base, _ := hex.DecodeString(pg.BaseHash)
		_, err := h.svc.UpdateDraft(r.Context(), httpx.Principal(r), pg.Rel.ID, pg.VersionID, base, terms)
		return agreementPath(pg.Rel.ID) + "?done=saved", err
	}, func(bad refused) error {
		pg.Error = "Some answers need another look; nothing is saved yet. The problems are marked below."
		switch {
		case bad.Err == nil:
			// Row-level problems found here are already in page-row numbers.
			for k, v := range bad.Problems {
				if i, field, ok := form.ScanRow(k, "clauses"); ok && i < len(pg.Clauses) {
					if pg.Clauses[i].Errs == nil {
						pg.Clauses[i].Errs = map[string]string{}
					}
					pg.Clauses[i].Errs[field] = v
					continue
				}
				pg.Fields[k] = v
			}
		case mentorvault.ErrorCode(bad.Err) == mentorvault.EINVALID:
			pg.placeErrors(mentorvault.ErrorFields(bad.Err), clauseAt, keptAt, excAt)
		default: // ECONFLICT
			pg.Conflict = true
			pg.Error = pg.Other.Name + " changed the draft while you were editing, so your changes are not saved yet. They are all still in the form below. Look at what changed, then save again to replace the draft with what is in this form."
			// Saving again is a deliberate choice made after seeing the message.
			pg.BaseHash, pg.VersionID = hex.EncodeToString(av.Draft.Hash), av.Draft.ID
		}
		pg.listOtherFields()
		pg.addBlankRows()
		h.render(w, r, bad.status(), "agreement_edit.html", pg)
		return nil
	}, mentorvault.ECONFLICT)
}

func (pg *editPage) listOtherFields() {
	for k, v := range pg.Fields {
		if !shownFields[k] {
			name := strings.NewReplacer("expectations.", "", "_", " ", ".", " ").Replace(k)
			pg.OtherFields = append(pg.OtherFields, title(name)+" "+v)
		}
	}
	slices.Sort(pg.OtherFields)
}
