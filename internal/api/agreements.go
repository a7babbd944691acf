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
	Damaged      bool                       `json:"damaged,omitempty"`
}

// versionOut is where an agreement's plaintext enters an API response.
func versionOut(v *service.VersionView) versionJSON {
	out := versionJSON{ID: v.ID, Number: v.Number, State: string(v.State), Hash: hex.EncodeToString(v.Hash), Terms: v.Terms,
		Text: v.Text.Reveal(), Signatures: []signatureJSON{}, CreatedBy: v.CreatedByID, UpdatedBy: v.UpdatedByID,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, InForceAt: v.InForceAt, MentorSigned: v.MentorSigned != nil, MenteeSigned: v.MenteeSigned != nil,
		Damaged: v.Damaged}
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
	Damaged   bool      `json:"damaged,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func commentOut(c *mentorvault.AgreementComment) commentJSON {
	return commentJSON{ID: c.ID, VersionID: c.VersionID, Section: c.Section, AuthorID: c.AuthorID, Body: c.Body.Reveal(), Damaged: c.Damaged, CreatedAt: c.CreatedAt}
}

type agreementJSON struct {
	Versions          []versionJSON        `json:"versions"`
	InForceVersionID  *string              `json:"in_force_version_id"`
	DraftVersionID    *string              `json:"draft_version_id"`
	Comments          []commentJSON        `json:"comments"`
	GuidelinesVersion int                  `json:"guidelines_version"`
	MandatoryExc      []string             `json:"mandatory_exceptions"`
	GuidelinesReads   []guidelinesReadJSON `json:"guidelines_reads"`
}

type guidelinesReadJSON struct {
	UserID  string    `json:"user_id"`
	Version int       `json:"version"`
	ReadAt  time.Time `json:"read_at"`
	// Inferred is set on a read of an agreement written before each party
	// confirmed for themselves: its text says both had read the version.
	Inferred bool `json:"inferred,omitempty"`
}

func guidelinesReadOut(g *mentorvault.GuidelinesRead) guidelinesReadJSON {
	return guidelinesReadJSON{UserID: g.UserID, Version: g.Version, ReadAt: g.ReadAt, Inferred: g.Legacy}
}

func agreementOut(av *service.AgreementView) agreementJSON {
	out := agreementJSON{Versions: []versionJSON{}, Comments: []commentJSON{}, MandatoryExc: []string{}, GuidelinesReads: []guidelinesReadJSON{}}
	for _, g := range av.GuidelinesReads {
		out.GuidelinesReads = append(out.GuidelinesReads, guidelinesReadOut(g))
	}
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
	return out
}

// Agreement serves GET /api/v1/relationships/{id}/agreement: every version,
// which is in force and which is being drafted, and the comments.
func (h *Handler) Agreement(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (agreementJSON, error) {
		return asJSON(agreementOut)(h.svc.Agreement(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

// StartDraft serves POST /api/v1/relationships/{id}/agreement/drafts: 201
// with the new draft version.
func (h *Handler) StartDraft(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusCreated, func(r *http.Request) (versionJSON, error) {
		return asJSON(versionOut)(h.svc.StartDraft(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

func parseHash(field, s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != 32 {
		return nil, mentorvault.Invalid("the request is not valid", map[string]string{field: "must be a SHA-256 hash in hex (64 characters)"})
	}
	return b, nil
}

type draftUpdateJSON struct {
	BaseHash string                      `json:"base_hash"`
	Terms    *mentorvault.AgreementTerms `json:"terms"`
}

// UpdateDraft serves PUT /api/v1/relationships/{id}/agreement/versions/{versionID}:
// replaces the draft's terms if base_hash is still its hash (else ECONFLICT).
func (h *Handler) UpdateDraft(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in draftUpdateJSON) (versionJSON, error) {
		base, err := parseHash("base_hash", in.BaseHash)
		if err != nil {
			return versionJSON{}, err
		}
		if in.Terms == nil {
			return versionJSON{}, mentorvault.Invalid("the request is not valid", map[string]string{"terms": "is required"})
		}
		return asJSON(versionOut)(h.svc.UpdateDraft(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("versionID"), base, *in.Terms))
	})(w, r)
}

type signJSON struct {
	Hash     string `json:"hash"`
	Password string `json:"password"`
}

// Sign serves POST /api/v1/relationships/{id}/agreement/versions/{versionID}/sign:
// the caller signs the version whose hash they saw, re-entering their password.
func (h *Handler) Sign(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in signJSON) (versionJSON, error) {
		sum, err := parseHash("hash", in.Hash)
		if err != nil {
			return versionJSON{}, err
		}
		return asJSON(versionOut)(h.svc.SignAgreement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("versionID"), sum, in.Password))
	})(w, r)
}

// Verify serves GET /api/v1/relationships/{id}/agreement/versions/{versionID}/verify:
// whether the version's text and signatures still match their hashes.
func (h *Handler) Verify(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(func(v *service.Verification) map[string]any {
			if v.Problems == nil {
				v.Problems = []string{}
			}
			return map[string]any{"version": v.Version, "hash": hex.EncodeToString(v.Hash), "ok": v.OK, "problems": v.Problems}
		})(h.svc.VerifyAgreement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("versionID")))
	})(w, r)
}

type diffLineJSON struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

type diffJSON struct {
	From  *int           `json:"from_version"`
	To    int            `json:"to_version"`
	Lines []diffLineJSON `json:"lines"`
}

// Diff serves GET /api/v1/relationships/{id}/agreement/versions/{versionID}/diff:
// the lines changed from ?from= (by default the version before) to this one.
func (h *Handler) Diff(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (diffJSON, error) {
		lines, from, to, err := h.svc.AgreementDiff(r.Context(), httpx.Principal(r), r.PathValue("id"), r.URL.Query().Get("from"), r.PathValue("versionID"))
		if err != nil {
			return diffJSON{}, err
		}
		out := diffJSON{To: to.Number, Lines: []diffLineJSON{}}
		if from != nil {
			out.From = &from.Number
		}
		for _, l := range lines {
			op := map[byte]string{' ': "same", '-': "removed", '+': "added"}[l.Op]
			out.Lines = append(out.Lines, diffLineJSON{op, l.Text.Reveal()})
		}
		return out, nil
	})(w, r)
}

// ConfirmGuidelines serves POST
// /api/v1/relationships/{id}/agreement/guidelines/{version}/read: the caller,
// a party, confirms for themselves that they read that version of the
// programme's guidelines (again: the first confirmation stands).
func (h *Handler) ConfirmGuidelines(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (guidelinesReadJSON, error) {
		n, err := strconv.Atoi(r.PathValue("version"))
		if err != nil || n <= 0 {
			return guidelinesReadJSON{}, mentorvault.Errorf(mentorvault.ENOTFOUND, "no such version of the programme guidelines")
		}
		return asJSON(guidelinesReadOut)(h.svc.ConfirmGuidelinesRead(r.Context(), httpx.Principal(r), r.PathValue("id"), n))
	})(w, r)
}

type commentInputJSON struct {
	Section string `json:"section"`
	Body    string `json:"body"`
}

// Comment serves POST /api/v1/relationships/{id}/agreement/versions/{versionID}/comments:
// 201 with the comment on a section.
func (h *Handler) Comment(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in commentInputJSON) (commentJSON, error) {
		return asJSON(commentOut)(h.svc.CommentAgreement(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("versionID"), in.Section, in.Body))
	})(w, r)
}

// Export serves GET /api/v1/relationships/{id}/agreement/versions/{versionID}/export:
// the version as Markdown (the default) or PDF, as ?format= asks.
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

// AgreementStatus serves GET /api/v1/relationships/{id}/agreement/status:
// what others (line managers, coordinators) may know of the agreement —
// versions and dates, never its terms.
func (h *Handler) AgreementStatus(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(func(st *service.AgreementStatus) map[string]any {
			return map[string]any{"in_force_version": st.InForceVersion, "signed_at": st.SignedAt,
				"draft_version": st.DraftVersion, "draft_since": st.DraftSince, "summary": statusSummary(st)}
		})(h.svc.AgreementStatusOf(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
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

type presetJSON struct {
	Name    string               `json:"name"`
	Label   string               `json:"label"`
	Clauses []mentorvault.Clause `json:"clauses"`
}

// Presets serves GET /api/v1/agreement-presets: the clause presets and the
// standard exceptions to confidentiality. Returns EUNAUTHENTICATED.
func (h *Handler) Presets(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		if httpx.Principal(r).Anonymous() {
			return nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
		}
		out := []presetJSON{}
		for _, p := range mentorvault.Presets {
			cl, _ := mentorvault.PresetClauses(p.Name)
			if cl == nil {
				cl = []mentorvault.Clause{}
			}
			out = append(out, presetJSON{p.Name, p.Label, cl})
		}
		return map[string]any{"presets": out, "standard_exceptions": mentorvault.StandardExceptions()}, nil
	})(w, r)
}
