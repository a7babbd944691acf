package server

import (
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

type signatureJSON struct {
	UserID   string    `json:"user_id"`
	Hash     string    `json:"hash"`
	SignedAt time.Time `json:"signed_at"`
}

type versionJSON struct {
	ID           string                     `json:"id"`
	Number       int                        `json:"number"`
	State        string                     `json:"state"`
	Hash         string                     `json:"hash"`
	Terms        mentorvault.AgreementTerms `json:"terms"`
	Text         string                     `json:"text"`
	Signatures   []signatureJSON            `json:"signatures"`
	CreatedBy    string                     `json:"created_by"`
	UpdatedBy    string                     `json:"updated_by"`
	CreatedAt    time.Time                  `json:"created_at"`
	UpdatedAt    time.Time                  `json:"updated_at"`
	InForceAt    *time.Time                 `json:"in_force_at"`
	MentorSigned bool                       `json:"mentor_signed"`
	MenteeSigned bool                       `json:"mentee_signed"`
}

// versionOut is where an agreement's plaintext enters an API response.
func versionOut(v *service.VersionView) versionJSON {
	out := versionJSON{ID: v.ID, Number: v.Number, State: string(v.State), Hash: hex.EncodeToString(v.Hash), Terms: v.Terms,
		Text: v.Text.Reveal(), Signatures: []signatureJSON{}, CreatedBy: v.CreatedByID, UpdatedBy: v.UpdatedByID,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, InForceAt: v.InForceAt, MentorSigned: v.MentorSigned != nil, MenteeSigned: v.MenteeSigned != nil}
	for _, s := range v.Signatures {
		out.Signatures = append(out.Signatures, signatureJSON{UserID: s.UserID, Hash: hex.EncodeToString(s.Hash), SignedAt: s.SignedAt})
	}
	return out
}

type commentJSON struct {
	ID        string    `json:"id"`
	VersionID string    `json:"version_id"`
	Section   string    `json:"section"`
	AuthorID  string    `json:"author_id"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func commentOut(c *mentorvault.AgreementComment) commentJSON {
	return commentJSON{ID: c.ID, VersionID: c.VersionID, Section: c.Section, AuthorID: c.AuthorID, Body: c.Body.Reveal(), CreatedAt: c.CreatedAt}
}

func (s *Server) apiAgreement(w http.ResponseWriter, r *http.Request) error {
	av, err := s.svc.Agreement(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Versions          []versionJSON `json:"versions"`
		InForceVersionID  *string       `json:"in_force_version_id"`
		DraftVersionID    *string       `json:"draft_version_id"`
		Comments          []commentJSON `json:"comments"`
		GuidelinesVersion int           `json:"guidelines_version"`
		MandatoryExc      []string      `json:"mandatory_exceptions"`
	}{Versions: []versionJSON{}, Comments: []commentJSON{}, MandatoryExc: []string{}}
	for _, v := range av.Versions {
		out.Versions = append(out.Versions, versionOut(v))
	}
	if av.InForce != nil {
		out.InForceVersionID = &av.InForce.ID
	}
	if av.Draft != nil {
		out.DraftVersionID = &av.Draft.ID
	}
	for _, c := range av.Comments {
		out.Comments = append(out.Comments, commentOut(c))
	}
	if av.Guidelines != nil {
		out.GuidelinesVersion = av.Guidelines.Version
	}
	for _, k := range av.Settings.MandatoryExceptions {
		out.MandatoryExc = append(out.MandatoryExc, string(k))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiStartDraft(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.StartDraft(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, versionOut(v))
	return nil
}

func parseHash(field, s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != 32 {
		return nil, mentorvault.Invalid("the request is not valid", map[string]string{field: "must be a SHA-256 hash in hex (64 characters)"})
	}
	return b, nil
}

func (s *Server) apiUpdateDraft(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		BaseHash string                      `json:"base_hash"`
		Terms    *mentorvault.AgreementTerms `json:"terms"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	base, err := parseHash("base_hash", in.BaseHash)
	if err != nil {
		return err
	}
	if in.Terms == nil {
		return mentorvault.Invalid("the request is not valid", map[string]string{"terms": "is required"})
	}
	v, err := s.svc.UpdateDraft(r.Context(), principal(r), r.PathValue("id"), r.PathValue("versionID"), base, *in.Terms)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, versionOut(v))
	return nil
}

func (s *Server) apiSign(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Hash     string `json:"hash"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	h, err := parseHash("hash", in.Hash)
	if err != nil {
		return err
	}
	v, err := s.svc.SignAgreement(r.Context(), principal(r), r.PathValue("id"), r.PathValue("versionID"), h, in.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, versionOut(v))
	return nil
}

func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.VerifyAgreement(r.Context(), principal(r), r.PathValue("id"), r.PathValue("versionID"))
	if err != nil {
		return err
	}
	if v.Problems == nil {
		v.Problems = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": v.Version, "hash": hex.EncodeToString(v.Hash), "ok": v.OK, "problems": v.Problems})
	return nil
}

func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request) error {
	lines, from, to, err := s.svc.AgreementDiff(r.Context(), principal(r), r.PathValue("id"), r.URL.Query().Get("from"), r.PathValue("versionID"))
	if err != nil {
		return err
	}
	type lineJSON struct {
		Op   string `json:"op"`
		Text string `json:"text"`
	}
	out := struct {
		From  *int       `json:"from_version"`
		To    int        `json:"to_version"`
		Lines []lineJSON `json:"lines"`
	}{To: to.Number, Lines: []lineJSON{}}
	if from != nil {
		out.From = &from.Number
	}
	for _, l := range lines {
		op := map[byte]string{' ': "same", '-': "removed", '+': "added"}[l.Op]
		out.Lines = append(out.Lines, lineJSON{op, l.Text})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiComment(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Section string `json:"section"`
		Body    string `json:"body"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.CommentAgreement(r.Context(), principal(r), r.PathValue("id"), r.PathValue("versionID"), in.Section, in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, commentOut(c))
	return nil
}

func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "markdown"
	}
	if format != "markdown" && format != "pdf" {
		return mentorvault.Invalid("the query is not valid", map[string]string{"format": `must be "markdown" or "pdf"`})
	}
	v, rv, err := s.svc.ExportAgreement(r.Context(), principal(r), r.PathValue("id"), r.PathValue("versionID"), format)
	if err != nil {
		return err
	}
	return writeExport(w, format, v, rv)
}

func (s *Server) apiAgreementStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.AgreementStatusOf(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"in_force_version": st.InForceVersion, "signed_at": st.SignedAt,
		"draft_version": st.DraftVersion, "draft_since": st.DraftSince, "summary": statusSummary(st)})
	return nil
}

// statusSummary is the one sentence others may read about an agreement.
func statusSummary(st *service.AgreementStatus) string {
	switch {
	case st.InForceVersion > 0 && st.DraftVersion > 0:
		return "Agreement version " + itoa(st.InForceVersion) + ", signed by both on " + st.SignedAt.Format("2 Jan 2006") + "; an amendment is being drafted."
	case st.InForceVersion > 0:
		return "Agreement version " + itoa(st.InForceVersion) + ", signed by both on " + st.SignedAt.Format("2 Jan 2006") + "."
	case st.DraftVersion > 0:
		return "Not yet signed; being drafted since " + st.DraftSince.Format("2 Jan 2006") + "."
	}
	return "No agreement yet."
}

func itoa(n int) string { return strconv.Itoa(n) }

type reviewJSON struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	VersionID string    `json:"version_id"`
	Answer    string    `json:"answer"`
	Notes     string    `json:"notes"`
	CreatedAt time.Time `json:"created_at"`
}

func reviewOut(rv *mentorvault.Review) reviewJSON {
	return reviewJSON{ID: rv.ID, UserID: rv.UserID, VersionID: rv.VersionID, Answer: rv.Answer, Notes: rv.Notes.Reveal(), CreatedAt: rv.CreatedAt}
}

func (s *Server) apiReviews(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Reviews(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	type dueJSON struct {
		UserID string     `json:"user_id"`
		Due    bool       `json:"due"`
		DueAt  *time.Time `json:"due_at"`
	}
	out := struct {
		Reviews    []reviewJSON `json:"reviews"`
		EveryWeeks int          `json:"every_weeks"`
		Status     []dueJSON    `json:"status"`
	}{Reviews: []reviewJSON{}, EveryWeeks: v.EveryWeeks}
	for _, rv := range v.Reviews {
		out.Reviews = append(out.Reviews, reviewOut(rv))
	}
	for _, st := range []service.ReviewStatus{v.Mentor, v.Mentee} {
		out.Status = append(out.Status, dueJSON{st.UserID, st.Due, st.DueAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiRecordReview(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Answer string `json:"answer"`
		Notes  string `json:"notes"`
		Amend  bool   `json:"amend"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rv, err := s.svc.RecordReview(r.Context(), principal(r), r.PathValue("id"), in.Answer, in.Notes, in.Amend)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, reviewOut(rv))
	return nil
}

func (s *Server) apiPresets(w http.ResponseWriter, r *http.Request) error {
	if principal(r).Anonymous() {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	type presetJSON struct {
		Name    string               `json:"name"`
		Label   string               `json:"label"`
		Clauses []mentorvault.Clause `json:"clauses"`
	}
	out := []presetJSON{}
	for _, p := range mentorvault.Presets {
		cl, _ := mentorvault.PresetClauses(p.Name)
		if cl == nil {
			cl = []mentorvault.Clause{}
		}
		out = append(out, presetJSON{p.Name, p.Label, cl})
	}
	writeJSON(w, http.StatusOK, map[string]any{"presets": out, "standard_exceptions": mentorvault.StandardExceptions()})
	return nil
}

type programmeFullJSON struct {
	ID         string                        `json:"id"`
	Name       string                        `json:"name"`
	Settings   mentorvault.ProgrammeSettings `json:"settings"`
	Guidelines *guidelinesJSON               `json:"guidelines"`
	CanEdit    bool                          `json:"can_edit"`
}

type guidelinesJSON struct {
	Version   int       `json:"version"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func guidelinesOut(g *mentorvault.Guidelines) *guidelinesJSON {
	if g == nil {
		return nil
	}
	return &guidelinesJSON{Version: g.Version, Body: g.Body, CreatedAt: g.CreatedAt}
}

func programmeOut(v *service.ProgrammeView) programmeFullJSON {
	return programmeFullJSON{ID: v.ID, Name: v.Name, Settings: v.Settings, Guidelines: guidelinesOut(v.Guidelines), CanEdit: v.CanEdit}
}

func (s *Server) apiProgramme(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Programme(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, programmeOut(v))
	return nil
}

func (s *Server) apiUpdateProgrammeSettings(w http.ResponseWriter, r *http.Request) error {
	var in mentorvault.ProgrammeSettings
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.UpdateProgrammeSettings(r.Context(), principal(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, programmeOut(v))
	return nil
}

func (s *Server) apiPublishGuidelines(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body string `json:"body"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	g, err := s.svc.PublishGuidelines(r.Context(), principal(r), r.PathValue("id"), in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, guidelinesOut(g))
	return nil
}

func (s *Server) apiGuidelines(w http.ResponseWriter, r *http.Request) error {
	n, err := parseSeq(r.PathValue("version"))
	if err != nil {
		return mentorvault.Errorf(mentorvault.ENOTFOUND, "guidelines version not found")
	}
	g, err := s.svc.Guidelines(r.Context(), principal(r), r.PathValue("id"), int(n))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, guidelinesOut(g))
	return nil
}
