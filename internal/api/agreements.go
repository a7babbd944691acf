package api

import (
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
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

func (h *Handler) Agreement(w http.ResponseWriter, r *http.Request) error {
	av, err := h.svc.Agreement(r.Context(), httpx.Principal(r), r.PathValue("id"))
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
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) StartDraft(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.StartDraft(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, versionOut(v))
	return nil
}

func parseHash(field, s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != 32 {
		return nil, mentorvault.Invalid("the request is not valid", map[string]string{field: "must be a SHA-256 hash in hex (64 characters)"})
	}
	return b, nil
}

func (h *Handler) UpdateDraft(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		BaseHash string                      `json:"base_hash"`
		Terms    *mentorvault.AgreementTerms `json:"terms"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	base, err := parseHash("base_hash", in.BaseHash)
	if err != nil {
		return err
	}
	if in.Terms == nil {
		return mentorvault.Invalid("the request is not valid", map[string]string{"terms": "is required"})
	}
	v, err := h.svc.UpdateDraft(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("versionID"), base, *in.Terms)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, versionOut(v))
	return nil
}

func (h *Handler) Sign(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Hash     string `json:"hash"`
		Password string `json:"password"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	sum, err := parseHash("hash", in.Hash)
	if err != nil {
		return err
	}
	v, err := h.svc.SignAgreement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("versionID"), sum, in.Password)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, versionOut(v))
	return nil
}

func (h *Handler) Verify(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.VerifyAgreement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("versionID"))
	if err != nil {
		return err
	}
	if v.Problems == nil {
		v.Problems = []string{}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"version": v.Version, "hash": hex.EncodeToString(v.Hash), "ok": v.OK, "problems": v.Problems})
	return nil
}

func (h *Handler) Diff(w http.ResponseWriter, r *http.Request) error {
	lines, from, to, err := h.svc.AgreementDiff(r.Context(), httpx.Principal(r), r.PathValue("id"), r.URL.Query().Get("from"), r.PathValue("versionID"))
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
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) Comment(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Section string `json:"section"`
		Body    string `json:"body"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.svc.CommentAgreement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("versionID"), in.Section, in.Body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, commentOut(c))
	return nil
}

func (h *Handler) Export(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "markdown"
	}
	if format != "markdown" && format != "pdf" {
		return mentorvault.Invalid("the query is not valid", map[string]string{"format": `must be "markdown" or "pdf"`})
	}
	v, rv, err := h.svc.ExportAgreement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("versionID"), format)
	if err != nil {
		return err
	}
	return writeExport(w, format, v, rv)
}

func (h *Handler) AgreementStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := h.svc.AgreementStatusOf(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"in_force_version": st.InForceVersion, "signed_at": st.SignedAt,
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

func (h *Handler) Presets(w http.ResponseWriter, r *http.Request) error {
	if httpx.Principal(r).Anonymous() {
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
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"presets": out, "standard_exceptions": mentorvault.StandardExceptions()})
	return nil
}
