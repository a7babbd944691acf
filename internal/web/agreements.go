package web

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/yuin/goldmark"
)

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

// agreementHTML renders an agreement's signed text for reading: the same
// text, with its reference line ("Relationship: ID", there for the
// signatures) moved from under the title to a footnote, so the document
// opens with who it is between, not with an identifier.
func agreementHTML(text string) template.HTML {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if id, ok := strings.CutPrefix(l, "Relationship: "); ok {
			lines = append(lines[:i:i], lines[i+1:]...)
			lines = append(lines, "", "---", "", "Reference: "+id)
			break
		}
	}
	return renderMarkdown(strings.Join(lines, "\n"))
}

const dateFmt = "2 Jan 2006"

func fmtDate(t *time.Time, z zone) string {
	if t == nil {
		return ""
	}
	return z.format(*t, dateFmt)
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

type versionRow struct {
	ID, State, StateLabel, Date string
	Number, Prev                int
	HasPrevious                 bool
	Damaged                     bool // the version did not open: changed outside mentorvault
}

type commentView struct {
	Section, Author, Date string
	Body                  mentorvault.Secret
	Version               int
	Damaged               bool // the comment did not open: changed outside mentorvault
}

type sigLine struct {
	Name, Date string
	Mine       bool
}

type agreementPage struct {
	base
	Rel     *service.RelationshipView
	MyRole  string
	Other   service.Person
	Done    string
	CanEdit bool // Cedar lets the viewer change the agreement (the relationship runs and has not closed)

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

	// Guidelines is the programme guidelines version the agreement (its
	// draft, else the version in force) follows, 0 if none; GuideReads says
	// who confirmed reading it, mentor first.
	Guidelines   int
	GuideReads   []guideRead
	ConfirmGuide bool // the viewer has not confirmed and may
	ProgrammeID  string

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

func sigLines(v *service.VersionView, rv *service.RelationshipView, me string, z zone) []sigLine {
	var out []sigLine
	for _, s := range []*mentorvault.AgreementSignature{v.MentorSigned, v.MenteeSigned} {
		if s != nil {
			t := s.SignedAt
			out = append(out, sigLine{Name: personName(rv, s.UserID, me), Date: z.format(t, "2 Jan 2006, 15:04 MST"), Mine: s.UserID == me})
		}
	}
	return out
}

func (h *Handler) agreementPage(r *http.Request) (*agreementPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	av, err := h.svc.Agreement(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	rv := av.Rel
	pg := &agreementPage{base: h.base(r, "Confidentiality agreement"), Rel: rv, MyRole: rv.Role(p.UserID), Other: rv.Other(p.UserID),
		Done: r.URL.Query().Get("done"), Sections: sectionOptions("")}
	pg.CanEdit = rv.Allowed.Has(policy.EditAgreement)
	// The agreement's text is Markdown, rendered here: the page's only Reveals.
	if v := av.InForce; v != nil {
		pg.InForce, pg.InForceHTML, pg.InForceHash = v, agreementHTML(v.Text.Reveal()), hex.EncodeToString(v.Hash)
		pg.InForceSigs = sigLines(v, rv, p.UserID, z)
	}
	if v := av.Draft; v != nil {
		pg.Draft, pg.DraftHTML, pg.DraftHash = v, agreementHTML(v.Text.Reveal()), hex.EncodeToString(v.Hash)
		pg.DraftSigs = sigLines(v, rv, p.UserID, z)
		if sg := v.SignedBy(p.UserID); sg != nil {
			pg.ISigned = z.format(sg.SignedAt, "2 Jan 2006, 15:04 MST")
		}
		if sg := v.SignedBy(pg.Other.ID); sg != nil {
			pg.OtherSigned = z.format(sg.SignedAt, "2 Jan 2006, 15:04 MST")
		}
		pg.DraftEditor = personName(rv, v.UpdatedByID, p.UserID)
		pg.CommentVersion = v.ID
	} else if av.InForce != nil {
		pg.CommentVersion = av.InForce.ID
	}
	for _, v := range []*service.VersionView{av.Draft, av.InForce} {
		if v != nil && !v.Damaged {
			pg.Guidelines = v.Terms.GuidelinesVersion
			break
		}
	}
	if pg.Guidelines > 0 {
		pg.ProgrammeID = rv.ProgrammeID
		for _, who := range []struct {
			person service.Person
			role   string
		}{{rv.Mentor, rv.Role(rv.Mentor.ID)}, {rv.Mentee, rv.Role(rv.Mentee.ID)}} {
			g := guideRead{Name: who.person.Name, Role: who.role, You: who.person.ID == p.UserID}
			if rd := av.ReadGuidelines(who.person.ID, pg.Guidelines); rd != nil {
				g.Date = z.format(rd.ReadAt, dateFmt)
			} else if g.You {
				pg.ConfirmGuide = rv.Allowed.Has(policy.SignAgreement)
			}
			pg.GuideReads = append(pg.GuideReads, g)
		}
	}
	num := map[string]int{}
	for i := len(av.Versions) - 1; i >= 0; i-- {
		v := av.Versions[i]
		num[v.ID] = v.Number
		row := versionRow{ID: v.ID, Number: v.Number, State: string(v.State), StateLabel: stateLabels[v.State], HasPrevious: i > 0, Prev: v.Number - 1,
			Date: z.format(v.UpdatedAt, dateFmt), Damaged: v.Damaged}
		if v.InForceAt != nil {
			row.Date = z.format(*v.InForceAt, dateFmt)
		}
		pg.Versions = append(pg.Versions, row)
	}
	for _, c := range av.Comments {
		pg.Comments = append(pg.Comments, commentView{Section: sectionTitles[c.Section], Author: personName(rv, c.AuthorID, p.UserID),
			Date: z.format(c.CreatedAt, "2 Jan 2006, 15:04 MST"), Body: c.Body, Version: num[c.VersionID], Damaged: c.Damaged})
	}
	if vid := r.URL.Query().Get("verify"); vid != "" {
		ver, err := h.svc.VerifyAgreement(r.Context(), p, rv.ID, vid)
		if err != nil {
			return nil, err
		}
		pg.Verify, pg.VerifyHash = ver, hex.EncodeToString(ver.Hash)
	}
	pg.ReviewAnswers = []opt{{Value: mentorvault.ReviewHolds, Label: "Yes, they still hold"}, {Value: mentorvault.ReviewPartly, Label: "Partly"},
		{Value: mentorvault.ReviewNotHolds, Label: "No, we should change them"}}
	if av.InForce != nil {
		rs, err := h.svc.Reviews(r.Context(), p, rv.ID)
		switch {
		case err == nil:
			pg.ShowReviews = true
			st := rs.For(p.UserID)
			pg.ReviewDue, pg.ReviewDueAt, pg.ReviewEvery = st.Due, fmtDate(st.DueAt, z), rs.EveryWeeks
			for i := len(rs.Reviews) - 1; i >= 0; i-- {
				rev := rs.Reviews[i]
				pg.Reviews = append(pg.Reviews, reviewView{Author: personName(rv, rev.UserID, p.UserID), Date: z.format(rev.CreatedAt, dateFmt),
					Answer: map[string]string{mentorvault.ReviewHolds: "Still hold", mentorvault.ReviewPartly: "Partly hold", mentorvault.ReviewNotHolds: "Do not hold"}[rev.Answer],
					Notes:  rev.Notes, Damaged: rev.Damaged})
			}
		case mentorvault.ErrorCode(err) == mentorvault.EINTERNAL:
			return nil, err
		default:
			pg.ReviewsError = mentorvault.ErrorMessage(err)
		}
	}
	return pg, nil
}

func (h *Handler) Agreement(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.agreementPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "agreement.html", pg)
	return nil
}

func agreementPath(id string) string { return "/relationships/" + id + "/agreement" }

func (h *Handler) StartDraft(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := h.svc.StartDraft(r.Context(), httpx.Principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, agreementPath(id)+"/edit?done=started", http.StatusSeeOther)
	return nil
}

// ConfirmGuidelines records that the viewer read the guidelines version in
// the path: each party confirms for themselves.
func (h *Handler) ConfirmGuidelines(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil {
		return mentorvault.Errorf(mentorvault.ENOTFOUND, "no such version of the programme guidelines")
	}
	if _, err := h.svc.ConfirmGuidelinesRead(r.Context(), httpx.Principal(r), id, n); err != nil {
		return err
	}
	http.Redirect(w, r, agreementPath(id)+"?done=guidelines#guidelines", http.StatusSeeOther)
	return nil
}

func (h *Handler) SignAgreement(w http.ResponseWriter, r *http.Request) error {
	id, vid := r.PathValue("id"), r.PathValue("versionID")
	hash, herr := hex.DecodeString(strings.TrimSpace(r.PostFormValue("hash")))
	if herr != nil {
		hash = nil // what decoded before the bad byte is no hash: the service refuses it
	}
	su := h.stepUpOf(r)
	v, err := h.svc.SignAgreementStepUp(r.Context(), httpx.Principal(r), id, vid, hash, su)
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
	pg, perr := h.agreementPage(r)
	if perr != nil {
		return perr
	}
	switch {
	case code == mentorvault.EUNAUTHENTICATED && su.Passkey():
		pg.SignError = "Your passkey was not accepted. Try it again, or sign with your password."
	case code == mentorvault.EUNAUTHENTICATED:
		pg.SignError = "The password is not correct. Enter the password you sign in with."
	case pg.Draft != nil && pg.DraftHash != hex.EncodeToString(hash):
		pg.SignStale = vid
		pg.SignError = "The draft changed after you read it, so your signature was not recorded. Read what changed, then sign the current text."
	default:
		pg.SignError = mentorvault.ErrorMessage(err)
	}
	h.render(w, r, httpx.Status(code), "agreement.html", pg)
	return nil
}

func (h *Handler) CommentAgreement(w http.ResponseWriter, r *http.Request) error {
	id, vid := r.PathValue("id"), r.PathValue("versionID")
	section, body := r.PostFormValue("section"), r.PostFormValue("body")
	_, err := h.svc.CommentAgreement(r.Context(), httpx.Principal(r), id, vid, section, body)
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := h.agreementPage(r)
		if perr != nil {
			return perr
		}
		pg.CommentBody, pg.Sections, pg.CommentError = body, sectionOptions(section), fieldsMessage(err)
		h.render(w, r, http.StatusBadRequest, "agreement.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, agreementPath(id)+"?done=comment#comments", http.StatusSeeOther)
	return nil
}

// guideRead is one party's line in the guidelines card.
type guideRead struct {
	Name, Role, Date string // Date "" when not confirmed
	You              bool
}

type diffPage struct {
	base
	Rel              *service.RelationshipView
	From, To         *service.VersionView
	Blocks           []diffBlock
	Changed          int
	Added, Removed   int
	Versions         []opt
	ToID             string
	FromDraftUpdated string
	Editor           string
}

func (h *Handler) AgreementDiff(w http.ResponseWriter, r *http.Request) error {
	z := h.zone(r)
	p := httpx.Principal(r)
	id, vid, from := r.PathValue("id"), r.PathValue("versionID"), r.URL.Query().Get("from")
	av, err := h.svc.Agreement(r.Context(), p, id)
	if err != nil {
		return err
	}
	lines, fv, tv, err := h.svc.AgreementDiff(r.Context(), p, id, from, vid)
	if err != nil {
		return err
	}
	pg := &diffPage{base: h.base(r, "What changed"), Rel: av.Rel, From: fv, To: tv, ToID: tv.ID,
		Editor: personName(av.Rel, tv.UpdatedByID, p.UserID), FromDraftUpdated: z.format(tv.UpdatedAt, "2 Jan 2006, 15:04 MST")}
	pg.Blocks = readableDiff(lines)
	for _, b := range pg.Blocks {
		switch b.Op {
		case "changed":
			pg.Changed++
		case "added":
			pg.Added++
		case "removed":
			pg.Removed++
		}
	}
	for _, v := range av.Versions {
		if v.ID != tv.ID {
			pg.Versions = append(pg.Versions, opt{Value: v.ID, Label: fmt.Sprintf("Version %d (%s)", v.Number, strings.ToLower(stateLabels[v.State])),
				Selected: fv != nil && fv.ID == v.ID})
		}
	}
	h.render(w, r, http.StatusOK, "agreement_diff.html", pg)
	return nil
}

func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// agreementPanel is what the relationship page shows about the agreement.
type agreementPanel struct {
	Summary string
	Party   bool // the viewer is one of the pair
	Link    bool // Cedar lets them read the agreement: the page links to it
	Starts  bool // signing starts the relationship: notes open once both have signed
}

func agreementSummary(st *service.AgreementStatus, z zone) string {
	switch {
	case st.InForceVersion > 0 && st.DraftVersion > 0:
		return fmt.Sprintf("Agreement version %d, signed by both on %s. An amendment (version %d) is being drafted since %s.",
			st.InForceVersion, fmtDate(st.SignedAt, z), st.DraftVersion, fmtDate(st.DraftSince, z))
	case st.InForceVersion > 0:
		return fmt.Sprintf("Agreement version %d, signed by both on %s.", st.InForceVersion, fmtDate(st.SignedAt, z))
	case st.DraftVersion > 0:
		return fmt.Sprintf("Not yet signed; being drafted since %s.", fmtDate(st.DraftSince, z))
	}
	return "No agreement yet."
}

// agreementPanelFor is the agreement panel of the relationship page from
// the status the page read (service.RelationshipPage), nil when the caller
// may not see it.
func agreementPanelFor(v *service.RelationshipView, party bool, st *service.AgreementStatus, err error, z zone) *agreementPanel {
	if !v.Allowed.Has(policy.AgreementStatus) || err != nil || st == nil {
		return nil
	}
	return &agreementPanel{Summary: agreementSummary(st, z), Party: party, Link: v.Allowed.Has(policy.ReadAgreement),
		Starts: v.Allowed.Has(policy.SignAgreement) && v.Status.AwaitsAgreement()}
}

// shownFields are the error keys the editor shows next to a field.
var shownFields = map[string]bool{"expectations.meeting_frequency": true, "expectations.meeting_minutes": true,
	"expectations.cancellation_notice_hours": true, "expectations.late_cancellation": true, "expectations.scope_in": true,
	"expectations.scope_out": true, "expectations.goals": true, "expectations.review_every_weeks": true, "expectations.end_date": true,
	"clauses": true, "kept_confidential": true, "exceptions": true, "protocols.suitability": true, "protocols.mentee_to_manager": true,
	"protocols.three_way": true, "guidelines_version": true}
