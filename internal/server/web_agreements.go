package server

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// The web pages of the confidentiality agreement (issue 3): the pair's
// agreement page, the guided editor, the diff, signing, comments, reviews,
// and the programme page with its guidelines and settings.

// markdown renders Markdown to HTML in goldmark's safe mode: raw HTML is
// dropped and dangerous link targets are emptied.
var markdown = goldmark.New()

func renderMarkdown(src string) template.HTML {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(b.String()) //nolint:gosec // goldmark without WithUnsafe escapes raw HTML
}

const dateFmt = "2 Jan 2006"

func fmtDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(dateFmt)
}

// opt is one option of a select.
type opt struct {
	Value, Label string
	Selected     bool
}

func options[T ~string](vals []T, sel string, label func(string) string) []opt {
	out := make([]opt, len(vals))
	for i, v := range vals {
		out[i] = opt{Value: string(v), Label: label(string(v)), Selected: string(v) == sel}
	}
	return out
}

var sectionTitles = map[string]string{
	"expectations":      "How we will work together",
	"clauses":           "What may be shared",
	"kept_confidential": "What each of us wants kept private",
	"exceptions":        "Exceptions",
	"protocols":         "Third parties",
	"guidelines":        "Programme guidelines",
}

func sectionOptions(sel string) []opt {
	return options(mentorvault.AgreementSections, sel, func(s string) string { return sectionTitles[s] })
}

// --- the agreement page ---

type versionRow struct {
	ID, State, StateLabel, Date string
	Number, Prev                int
	HasPrevious                 bool
}

type commentView struct {
	Section, Author, Date, Body string
	Version                     int
}

type sigLine struct {
	Name, Date string
	Mine       bool
}

type reviewView struct {
	Author, Date, Answer, Notes string
}

type agreementPage struct {
	base
	Rel     *service.RelationshipView
	MyRole  string
	Other   service.Person
	Done    string
	CanEdit bool // the relationship is in a state where the agreement may change

	InForce     *service.VersionView
	InForceHTML template.HTML
	InForceSigs []sigLine
	InForceHash string

	Draft       *service.VersionView
	DraftHTML   template.HTML
	DraftHash   string
	DraftSigs   []sigLine
	ISigned     string // date I signed the draft's current text, "" if not
	OtherSigned string
	DraftEditor string

	Versions []versionRow

	SignError, SignStale string

	Comments       []commentView
	Sections       []opt
	CommentBody    string
	CommentError   string
	CommentVersion string

	Verify     *service.Verification
	VerifyHash string

	ShowReviews   bool
	ReviewDue     bool
	ReviewDueAt   string
	ReviewEvery   int
	Reviews       []reviewView
	ReviewAnswer  string
	ReviewNotes   string
	ReviewAmend   bool
	ReviewError   string
	ReviewsError  string
	ReviewAnswers []opt
}

var stateLabels = map[mentorvault.AgreementState]string{
	mentorvault.AgreementDraft: "Draft", mentorvault.AgreementInForce: "In force", mentorvault.AgreementSuperseded: "Superseded",
}

func personName(rv *service.RelationshipView, userID, me string) string {
	switch {
	case userID == me:
		return "You"
	case userID == rv.MentorID:
		return rv.Mentor.Name
	case userID == rv.MenteeID:
		return rv.Mentee.Name
	}
	return "Someone"
}

func sigLines(v *service.VersionView, rv *service.RelationshipView, me string) []sigLine {
	var out []sigLine
	for _, s := range []*mentorvault.AgreementSignature{v.MentorSigned, v.MenteeSigned} {
		if s != nil {
			t := s.SignedAt
			out = append(out, sigLine{Name: personName(rv, s.UserID, me), Date: t.Format("2 Jan 2006, 15:04 MST"), Mine: s.UserID == me})
		}
	}
	return out
}

func (s *Server) agreementPage(r *http.Request) (*agreementPage, error) {
	p := principal(r)
	av, err := s.svc.Agreement(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	rv := av.Rel
	pg := &agreementPage{base: s.base(r, "Confidentiality agreement"), Rel: rv, MyRole: rv.Role(p.UserID), Other: rv.Other(p.UserID),
		Done: r.URL.Query().Get("done"), Sections: sectionOptions("")}
	switch rv.Status {
	case mentorvault.StatusAccepted, mentorvault.StatusAgreeing, mentorvault.StatusActive, mentorvault.StatusPaused:
		pg.CanEdit = true
	}
	if v := av.InForce; v != nil {
		pg.InForce, pg.InForceHTML, pg.InForceHash = v, renderMarkdown(v.Text.Reveal()), hex.EncodeToString(v.Hash)
		pg.InForceSigs = sigLines(v, rv, p.UserID)
	}
	if v := av.Draft; v != nil {
		pg.Draft, pg.DraftHTML, pg.DraftHash = v, renderMarkdown(v.Text.Reveal()), hex.EncodeToString(v.Hash)
		pg.DraftSigs = sigLines(v, rv, p.UserID)
		if sg := v.SignedBy(p.UserID); sg != nil {
			pg.ISigned = sg.SignedAt.Format("2 Jan 2006, 15:04 MST")
		}
		if sg := v.SignedBy(pg.Other.ID); sg != nil {
			pg.OtherSigned = sg.SignedAt.Format("2 Jan 2006, 15:04 MST")
		}
		pg.DraftEditor = personName(rv, v.UpdatedByID, p.UserID)
		pg.CommentVersion = v.ID
	} else if av.InForce != nil {
		pg.CommentVersion = av.InForce.ID
	}
	num := map[string]int{}
	for i := len(av.Versions) - 1; i >= 0; i-- {
		v := av.Versions[i]
		num[v.ID] = v.Number
		row := versionRow{ID: v.ID, Number: v.Number, State: string(v.State), StateLabel: stateLabels[v.State], HasPrevious: i > 0, Prev: v.Number - 1,
			Date: v.UpdatedAt.Format(dateFmt)}
		if v.InForceAt != nil {
			row.Date = v.InForceAt.Format(dateFmt)
		}
		pg.Versions = append(pg.Versions, row)
	}
	for _, c := range av.Comments {
		pg.Comments = append(pg.Comments, commentView{Section: sectionTitles[c.Section], Author: personName(rv, c.AuthorID, p.UserID),
			Date: c.CreatedAt.Format("2 Jan 2006, 15:04"), Body: c.Body.Reveal(), Version: num[c.VersionID]})
	}
	if vid := r.URL.Query().Get("verify"); vid != "" {
		ver, err := s.svc.VerifyAgreement(r.Context(), p, rv.ID, vid)
		if err != nil {
			return nil, err
		}
		pg.Verify, pg.VerifyHash = ver, hex.EncodeToString(ver.Hash)
	}
	pg.ReviewAnswers = []opt{{Value: mentorvault.ReviewHolds, Label: "Yes, they still hold"}, {Value: mentorvault.ReviewPartly, Label: "Partly"},
		{Value: mentorvault.ReviewNotHolds, Label: "No, we should change them"}}
	if av.InForce != nil {
		rs, err := s.svc.Reviews(r.Context(), p, rv.ID)
		switch {
		case err == nil:
			pg.ShowReviews = true
			st := rs.For(p.UserID)
			pg.ReviewDue, pg.ReviewDueAt, pg.ReviewEvery = st.Due, fmtDate(st.DueAt), rs.EveryWeeks
			for i := len(rs.Reviews) - 1; i >= 0; i-- {
				rev := rs.Reviews[i]
				pg.Reviews = append(pg.Reviews, reviewView{Author: personName(rv, rev.UserID, p.UserID), Date: rev.CreatedAt.Format(dateFmt),
					Answer: map[string]string{mentorvault.ReviewHolds: "Still hold", mentorvault.ReviewPartly: "Partly hold", mentorvault.ReviewNotHolds: "Do not hold"}[rev.Answer],
					Notes:  rev.Notes.Reveal()})
			}
		case mentorvault.ErrorCode(err) == mentorvault.EINTERNAL:
			return nil, err
		default:
			pg.ReviewsError = mentorvault.ErrorMessage(err)
		}
	}
	return pg, nil
}

func (s *Server) webAgreement(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.agreementPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "agreement.html", pg)
	return nil
}

func agreementPath(id string) string { return "/relationships/" + id + "/agreement" }

func (s *Server) webStartDraft(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := s.svc.StartDraft(r.Context(), principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, agreementPath(id)+"/edit?done=started", http.StatusSeeOther)
	return nil
}

func (s *Server) webSignAgreement(w http.ResponseWriter, r *http.Request) error {
	id, vid := r.PathValue("id"), r.PathValue("versionID")
	hash, _ := hex.DecodeString(strings.TrimSpace(r.PostFormValue("hash")))
	v, err := s.svc.SignAgreement(r.Context(), principal(r), id, vid, hash, r.PostFormValue("password"))
	if err == nil {
		done := "signed"
		if v.State == mentorvault.AgreementInForce {
			done = "in_force"
		}
		http.Redirect(w, r, agreementPath(id)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	code := mentorvault.ErrorCode(err)
	if code != mentorvault.EUNAUTHENTICATED && code != mentorvault.ECONFLICT && code != mentorvault.ETOOMANY && code != mentorvault.EINVALID {
		return err
	}
	pg, perr := s.agreementPage(r)
	if perr != nil {
		return perr
	}
	switch {
	case code == mentorvault.EUNAUTHENTICATED:
		pg.SignError = "The password is not correct. Enter the password you sign in with."
	case pg.Draft != nil && pg.DraftHash != hex.EncodeToString(hash):
		pg.SignStale = vid
		pg.SignError = "The draft changed after you read it, so your signature was not recorded. Read what changed, then sign the current text."
	default:
		pg.SignError = mentorvault.ErrorMessage(err)
	}
	s.render(w, r, statusOf(code), "agreement.html", pg)
	return nil
}

func (s *Server) webCommentAgreement(w http.ResponseWriter, r *http.Request) error {
	id, vid := r.PathValue("id"), r.PathValue("versionID")
	section, body := r.PostFormValue("section"), r.PostFormValue("body")
	_, err := s.svc.CommentAgreement(r.Context(), principal(r), id, vid, section, body)
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.agreementPage(r)
		if perr != nil {
			return perr
		}
		pg.CommentBody, pg.Sections, pg.CommentError = body, sectionOptions(section), fieldsMessage(err)
		s.render(w, r, http.StatusBadRequest, "agreement.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, agreementPath(id)+"?done=comment#comments", http.StatusSeeOther)
	return nil
}

func (s *Server) webRecordReview(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	answer, notes, amend := r.PostFormValue("answer"), r.PostFormValue("notes"), r.PostFormValue("amend") == "yes"
	_, err := s.svc.RecordReview(r.Context(), principal(r), id, answer, notes, amend)
	if c := mentorvault.ErrorCode(err); c == mentorvault.EINVALID || c == mentorvault.ECONFLICT {
		pg, perr := s.agreementPage(r)
		if perr != nil {
			return perr
		}
		pg.ReviewAnswer, pg.ReviewNotes, pg.ReviewAmend = answer, notes, amend
		pg.ReviewError = mentorvault.ErrorMessage(err)
		if f := mentorvault.ErrorFields(err); f["answer"] != "" {
			pg.ReviewError = "Choose whether our agreed expectations still hold."
		} else if f["notes"] != "" {
			pg.ReviewError = "Notes " + f["notes"] + "."
		}
		s.render(w, r, statusOf(c), "agreement.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	if amend {
		http.Redirect(w, r, agreementPath(id)+"/edit?done=review", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, agreementPath(id)+"?done=review#reviews", http.StatusSeeOther)
	return nil
}

// --- the diff ---

type diffLine struct {
	Op, Text string
}

type diffPage struct {
	base
	Rel              *service.RelationshipView
	From, To         *service.VersionView
	Lines            []diffLine
	Added, Removed   int
	Versions         []opt
	ToID             string
	FromDraftUpdated string
	Editor           string
}

func (s *Server) webAgreementDiff(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	id, vid, from := r.PathValue("id"), r.PathValue("versionID"), r.URL.Query().Get("from")
	av, err := s.svc.Agreement(r.Context(), p, id)
	if err != nil {
		return err
	}
	lines, fv, tv, err := s.svc.AgreementDiff(r.Context(), p, id, from, vid)
	if err != nil {
		return err
	}
	pg := &diffPage{base: s.base(r, "What changed"), Rel: av.Rel, From: fv, To: tv, ToID: tv.ID,
		Editor: personName(av.Rel, tv.UpdatedByID, p.UserID), FromDraftUpdated: tv.UpdatedAt.Format("2 Jan 2006, 15:04 MST")}
	for _, l := range lines {
		op := map[byte]string{' ': "same", '-': "removed", '+': "added"}[l.Op]
		switch l.Op {
		case '+':
			pg.Added++
		case '-':
			pg.Removed++
		}
		pg.Lines = append(pg.Lines, diffLine{Op: op, Text: l.Text})
	}
	for _, v := range av.Versions {
		if v.ID != tv.ID {
			pg.Versions = append(pg.Versions, opt{Value: v.ID, Label: fmt.Sprintf("Version %d (%s)", v.Number, strings.ToLower(stateLabels[v.State])),
				Selected: fv != nil && fv.ID == v.ID})
		}
	}
	s.render(w, r, http.StatusOK, "agreement_diff.html", pg)
	return nil
}

// --- the guided editor ---

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
	EndDate                                                           string

	Presets []opt
	Clauses []clauseRow
	Kept    []keptRow
	Excs    []excRow

	Suitability, MenteeToManager, ThreeWay string

	GuidelinesLatest int
	GuidelinesRead   bool
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

func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// editBase loads what the editor needs besides the terms.
func (s *Server) editBase(r *http.Request) (*editPage, *service.AgreementView, error) {
	p := principal(r)
	av, err := s.svc.Agreement(r.Context(), p, r.PathValue("id"))
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
	pg := &editPage{base: s.base(r, "Edit our agreement"), Rel: rv, MyRole: rv.Role(p.UserID), Other: rv.Other(p.UserID),
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
	pg.GuidelinesRead = t.GuidelinesVersion > 0 && t.GuidelinesVersion == pg.GuidelinesLatest
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

func (s *Server) webAgreementEdit(w http.ResponseWriter, r *http.Request) error {
	pg, av, err := s.editBase(r)
	if err != nil {
		return err
	}
	pg.fromTerms(av.Draft.Terms, av.Settings.MandatoryExceptions)
	s.render(w, r, http.StatusOK, "agreement_edit.html", pg)
	return nil
}

// rowIndexes returns the row numbers the form holds for prefix (e.g.
// "clauses"), in order, from its count field.
func rowCount(r *http.Request, name string) int {
	n, err := strconv.Atoi(r.PostFormValue(name))
	if err != nil || n < 0 {
		return 0
	}
	return min(n, mentorvault.MaxAgreementItems+10)
}

func atoiField(v, field string, errs map[string]string) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		errs[field] = "must be a whole number"
	}
	return n
}

// fromForm reads the editor's form into the page (as typed, so a problem
// never loses anything) and into terms. termRow maps each term index back
// to its row on the page, so the service's error paths find their field.
func (pg *editPage) fromForm(r *http.Request, mandatory []mentorvault.ExceptionKind) (t mentorvault.AgreementTerms, local map[string]string, clauseAt, keptAt, excAt []int) {
	f := r.PostFormValue
	local = map[string]string{}
	pg.ChannelsOn = map[string]bool{}
	for _, c := range r.PostForm["channels"] {
		pg.ChannelsOn[c] = true
		t.Expectations.Channels = append(t.Expectations.Channels, c)
	}
	x := &t.Expectations
	x.MeetingFrequency = f("frequency")
	pg.Minutes, pg.NoticeHours, pg.ReviewWeeks = f("minutes"), f("notice_hours"), f("review_weeks")
	x.MeetingMinutes = atoiField(pg.Minutes, "expectations.meeting_minutes", local)
	x.CancellationNoticeHours = atoiField(pg.NoticeHours, "expectations.cancellation_notice_hours", local)
	x.ReviewEveryWeeks = atoiField(pg.ReviewWeeks, "expectations.review_every_weeks", local)
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
		for i := 0; i < rowCount(r, "clause_rows"); i++ {
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
				c.Months = atoiField(row.Months, "months", row.Errs)
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
	for i := 0; i < rowCount(r, "kept_rows"); i++ {
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
	for i := 0; i < rowCount(r, "exception_rows"); i++ {
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
	pg.GuidelinesRead = f("guidelines_read") == "yes" && pg.GuidelinesLatest > 0
	if pg.GuidelinesRead {
		t.GuidelinesVersion = pg.GuidelinesLatest
	}
	return t, local, clauseAt, keptAt, excAt
}

// placeErrors puts each error (keyed by its path in the terms) next to its field.
func (pg *editPage) placeErrors(errs map[string]string, clauseAt, keptAt, excAt []int) {
	for k, v := range errs {
		var i int
		var field string
		switch {
		case scanRow(k, "clauses", &i, &field):
			if i < len(clauseAt) {
				row := &pg.Clauses[clauseAt[i]]
				if row.Errs == nil {
					row.Errs = map[string]string{}
				}
				row.Errs[field] = v
				continue
			}
		case scanRow(k, "kept_confidential", &i, &field):
			if i < len(keptAt) {
				row := &pg.Kept[keptAt[i]]
				if row.Errs == nil {
					row.Errs = map[string]string{}
				}
				row.Errs[field] = v
				continue
			}
		case scanRow(k, "exceptions", &i, &field):
			if i < len(excAt) {
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

// scanRow parses "clauses[2].recipient" (or a local "clauses[2].months",
// already in page-row numbers — those are placed before the service runs).
func scanRow(k, prefix string, i *int, field *string) bool {
	rest, ok := strings.CutPrefix(k, prefix+"[")
	if !ok {
		return false
	}
	num, f, ok := strings.Cut(rest, "].")
	if !ok {
		return false
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return false
	}
	*i, *field = n, f
	return true
}

func (s *Server) webAgreementSave(w http.ResponseWriter, r *http.Request) error {
	pg, av, err := s.editBase(r)
	if err != nil {
		return err
	}
	if vid := r.PostFormValue("version_id"); vid != "" && vid != av.Draft.ID {
		pg.VersionID = vid
	}
	pg.BaseHash = r.PostFormValue("base_hash")
	terms, local, clauseAt, keptAt, excAt := pg.fromForm(r, av.Settings.MandatoryExceptions)
	if len(local) > 0 {
		// Row-level problems found here are already in page-row numbers.
		for k, v := range local {
			var i int
			var field string
			if scanRow(k, "clauses", &i, &field) && i < len(pg.Clauses) {
				if pg.Clauses[i].Errs == nil {
					pg.Clauses[i].Errs = map[string]string{}
				}
				pg.Clauses[i].Errs[field] = v
				continue
			}
			pg.Fields[k] = v
		}
		pg.Error = "Some answers need another look; nothing is saved yet. The problems are marked below."
		pg.listOtherFields()
		pg.addBlankRows()
		s.render(w, r, http.StatusBadRequest, "agreement_edit.html", pg)
		return nil
	}
	base, _ := hex.DecodeString(pg.BaseHash)
	_, err = s.svc.UpdateDraft(r.Context(), principal(r), pg.Rel.ID, pg.VersionID, base, terms)
	switch mentorvault.ErrorCode(err) {
	case "":
		http.Redirect(w, r, agreementPath(pg.Rel.ID)+"?done=saved", http.StatusSeeOther)
		return nil
	case mentorvault.EINVALID:
		pg.placeErrors(mentorvault.ErrorFields(err), clauseAt, keptAt, excAt)
		pg.Error = "Some answers need another look; nothing is saved yet. The problems are marked below."
	case mentorvault.ECONFLICT:
		pg.Conflict = true
		pg.Error = pg.Other.Name + " changed the draft while you were editing, so your changes are not saved yet. They are all still in the form below. Look at what changed, then save again to replace the draft with what is in this form."
		// Saving again is a deliberate choice made after seeing the message.
		pg.BaseHash, pg.VersionID = hex.EncodeToString(av.Draft.Hash), av.Draft.ID
	default:
		return err
	}
	pg.listOtherFields()
	pg.addBlankRows()
	s.render(w, r, statusOf(mentorvault.ErrorCode(err)), "agreement_edit.html", pg)
	return nil
}

// --- the programme page ---

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
	NextVersion                                                              int
	TemplateSummary                                                          string
	Feedback                                                                 *feedbackAggs // anonymous feedback figures; nil for those who may not see them
}

func (s *Server) programmePage(r *http.Request) (*programmePage, error) {
	pv, err := s.svc.Programme(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	pg := &programmePage{base: s.base(r, pv.Name), Prog: pv, Done: r.URL.Query().Get("done"), Fields: map[string]string{}}
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
	pg.setOptions(st.MandatoryExceptions, st.Template.Expectations.MeetingFrequency)
	pg.Feedback = s.feedbackAggs(r, pv.ID)
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

func (s *Server) webProgramme(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.programmePage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "programme.html", pg)
	return nil
}

func (s *Server) webPublishGuidelines(w http.ResponseWriter, r *http.Request) error {
	id, body := r.PathValue("id"), r.PostFormValue("body")
	_, err := s.svc.PublishGuidelines(r.Context(), principal(r), id, body)
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := s.programmePage(r)
		if perr != nil {
			return perr
		}
		pg.Draft, pg.GuidelinesErr = body, "The guidelines "+mentorvault.ErrorFields(err)["body"]+"."
		s.render(w, r, http.StatusBadRequest, "programme.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/programmes/"+url.PathEscape(id)+"?done=guidelines", http.StatusSeeOther)
	return nil
}

func (s *Server) webProgrammeSettings(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	pg, err := s.programmePage(r)
	if err != nil {
		return err
	}
	f := r.PostFormValue
	st := pg.Prog.Settings
	local := map[string]string{}
	pg.MinNotice, pg.ReviewWeeks, pg.KThreshold, pg.RetentionDays = f("min_notice_hours"), f("review_every_weeks"), f("k_threshold"), f("retention_days")
	pg.TplMinutes, pg.TplNotice = f("template_minutes"), f("template_notice_hours")
	st.MinNoticeHours = atoiField(pg.MinNotice, "min_notice_hours", local)
	st.ReviewEveryWeeks = atoiField(pg.ReviewWeeks, "review_every_weeks", local)
	st.KThreshold = atoiField(pg.KThreshold, "k_threshold", local)
	st.RetentionDays = atoiField(pg.RetentionDays, "retention_days", local)
	st.Template.Expectations.MeetingMinutes = atoiField(pg.TplMinutes, "template.expectations.meeting_minutes", local)
	st.Template.Expectations.CancellationNoticeHours = atoiField(pg.TplNotice, "template.expectations.cancellation_notice_hours", local)
	st.Template.Expectations.MeetingFrequency = f("template_frequency")
	st.Template.Expectations.ReviewEveryWeeks = st.ReviewEveryWeeks
	st.MandatoryExceptions = nil
	for _, k := range r.PostForm["mandatory"] {
		st.MandatoryExceptions = append(st.MandatoryExceptions, mentorvault.ExceptionKind(k))
	}
	pg.setOptions(st.MandatoryExceptions, st.Template.Expectations.MeetingFrequency)
	if len(local) == 0 {
		_, err = s.svc.UpdateProgrammeSettings(r.Context(), principal(r), id, st)
		if err == nil {
			http.Redirect(w, r, "/programmes/"+url.PathEscape(id)+"?done=settings", http.StatusSeeOther)
			return nil
		}
		if mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			return err
		}
		local = mentorvault.ErrorFields(err)
	}
	pg.Fields = local
	pg.SettingsErr = "Some settings need another look; nothing is saved yet."
	s.render(w, r, http.StatusBadRequest, "programme.html", pg)
	return nil
}

// --- the agreement on the relationship page ---

// agreementPanel is what the relationship page shows about the agreement:
// the pair get the status and a link; the programme's coordinator only the
// status line; everyone else nothing.
type agreementPanel struct {
	Summary string
	Party   bool // the viewer is one of the pair
	Link    bool // and may open the agreement page
	Starts  bool // notes open once both have signed
}

func agreementSummary(st *service.AgreementStatus) string {
	switch {
	case st.InForceVersion > 0 && st.DraftVersion > 0:
		return fmt.Sprintf("Agreement version %d, signed by both on %s. An amendment (version %d) is being drafted since %s.",
			st.InForceVersion, fmtDate(st.SignedAt), st.DraftVersion, fmtDate(st.DraftSince))
	case st.InForceVersion > 0:
		return fmt.Sprintf("Agreement version %d, signed by both on %s.", st.InForceVersion, fmtDate(st.SignedAt))
	case st.DraftVersion > 0:
		return fmt.Sprintf("Not yet signed; being drafted since %s.", fmtDate(st.DraftSince))
	}
	return "No agreement yet."
}

// agreementPanelFor decides what the viewer may see, and asks the service
// only when the viewer is a party or coordinates the relationship's
// programme (asking otherwise would be refused, and audited as refused).
func (s *Server) agreementPanelFor(r *http.Request, v *service.RelationshipView) (*agreementPanel, error) {
	p := principal(r)
	if !v.IsParty(p.UserID) {
		if v.ProgrammeID == "" {
			return nil, nil
		}
		me, err := s.svc.Me(r.Context(), p)
		if err != nil {
			return nil, err
		}
		coordinates := false
		for _, role := range me.Roles {
			coordinates = coordinates || (role.Role == mentorvault.RoleCoordinator && role.ProgrammeID == v.ProgrammeID)
		}
		if !coordinates {
			return nil, nil
		}
	}
	st, err := s.svc.AgreementStatusOf(r.Context(), p, v.ID)
	switch c := mentorvault.ErrorCode(err); {
	case err == nil:
	case c == mentorvault.EFORBIDDEN || c == mentorvault.ENOTFOUND:
		return nil, nil
	default:
		return nil, err
	}
	ap := &agreementPanel{Summary: agreementSummary(st), Party: v.IsParty(p.UserID)}
	switch v.Status {
	case mentorvault.StatusProposed, mentorvault.StatusDeclined, mentorvault.StatusWithdrawn:
	default:
		ap.Link = ap.Party
	}
	ap.Starts = v.Status == mentorvault.StatusAccepted || v.Status == mentorvault.StatusAgreeing
	return ap, nil
}

// shownFields are the error keys the editor shows next to a field.
var shownFields = map[string]bool{"expectations.meeting_frequency": true, "expectations.meeting_minutes": true,
	"expectations.cancellation_notice_hours": true, "expectations.late_cancellation": true, "expectations.scope_in": true,
	"expectations.scope_out": true, "expectations.goals": true, "expectations.review_every_weeks": true, "expectations.end_date": true,
	"clauses": true, "kept_confidential": true, "exceptions": true, "protocols.suitability": true, "protocols.mentee_to_manager": true,
	"protocols.three_way": true, "guidelines_version": true}

func (pg *editPage) listOtherFields() {
	for k, v := range pg.Fields {
		if !shownFields[k] {
			name := strings.NewReplacer("expectations.", "", "_", " ", ".", " ").Replace(k)
			pg.OtherFields = append(pg.OtherFields, title(name)+" "+v)
		}
	}
	slices.Sort(pg.OtherFields)
}
