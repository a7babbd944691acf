package service

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// Agreement versions: drafting, signing over the canonical text's hash,
// verifying signatures, and comparing versions.

// termsAD binds a version's terms and text to who started it and to its
// number, which orders the versions: a text moved to another number, or a
// version credited to someone else, does not open. Its state is not bound:
// signing changes it without resealing, and the signatures over the hash
// guard it.
func termsAD(v *mentorvault.AgreementVersion, field string) seal.AD {
	return seal.AD{RelationshipID: v.RelationshipID, Record: "agreement_version", RecordID: v.ID, Field: field, Version: v.SealVersion,
		Bind: []seal.Binding{{Name: "created_by", Value: v.CreatedByID}, {Name: "number", Value: strconv.Itoa(v.Number)}}}
}

// versionSealed is what a write that sealed v records in its audit event.
func versionSealed(v *mentorvault.AgreementVersion) []sealedField {
	return []sealedField{{termsAD(v, "terms"), v.TermsSealed}, {termsAD(v, "text"), v.TextSealed}}
}

// eachAgreementVersion lists every agreement version of a relationship for VerifySealed.
func eachAgreementVersion(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	vs, err := tx.FindAgreementVersions(ctx, rel.ID)
	if err != nil {
		return err
	}
	for _, v := range vs {
		yield(sealedRecord{record: "agreement_version", id: v.ID, version: v.SealVersion, fields: versionSealed(v)})
	}
	return nil
}

// sealVersion renders the canonical text of v.Terms and seals terms and
// text at v's next seal version.
func (s *Service) sealVersion(key []byte, rv *RelationshipView, v *mentorvault.AgreementVersion) error {
	terms, err := json.Marshal(v.Terms)
	if err != nil {
		return err
	}
	v.SealVersion++
	text := v.Terms.Markdown(header(rv, v.Number))
	v.Text, v.Hash = mentorvault.NewSecret(text), mentorvault.AgreementHash(text)
	if v.TermsSealed, err = s.keys.Seal(key, termsAD(v, "terms"), mentorvault.NewSecret(string(terms))); err != nil {
		return err
	}
	v.TextSealed, err = s.keys.Seal(key, termsAD(v, "text"), v.Text)
	return err
}

// openVersion opens v's terms and text; a version that does not open is
// damaged. (It takes no context because call.go's inForce calls it so; the
// damaged log line goes without the request's attributes.)
func (s *Service) openVersion(key []byte, v *mentorvault.AgreementVersion) error {
	terms, err := s.keys.Open(key, termsAD(v, "terms"), v.TermsSealed)
	if err != nil {
		return s.damaged(context.Background(), "agreement version", v.ID, err)
	}
	if err := json.Unmarshal([]byte(terms.Reveal()), &v.Terms); err != nil {
		return mentorvault.Internal(fmt.Errorf("decode agreement %s terms: %w", v.ID, err))
	}
	if v.Text, err = s.keys.Open(key, termsAD(v, "text"), v.TextSealed); err != nil {
		v.Terms = mentorvault.AgreementTerms{}
		return s.damaged(context.Background(), "agreement version", v.ID, err)
	}
	return nil
}

// damagedVersion is the answer for a call that needs v's content when v
// did not open.
func (s *Service) damagedVersion(ctx context.Context, v *VersionView) error {
	return s.damaged(ctx, "agreement version", v.ID, seal.ErrOpen)
}

// loadVersions loads and opens every version of rel with its signatures; a
// version that does not open is marked Damaged, the rest are served.
func (s *Service) loadVersions(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, key []byte) ([]*VersionView, error) {
	vs, err := tx.FindAgreementVersions(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*VersionView, len(vs))
	for i, v := range vs {
		if err := s.openVersion(key, v); isDamaged(err) {
			v.Damaged = true
		} else if err != nil {
			return nil, err
		}
		sigs, err := tx.FindAgreementSignatures(ctx, v.ID)
		if err != nil {
			return nil, err
		}
		vv := &VersionView{AgreementVersion: v, Signatures: sigs}
		vv.MentorSigned, vv.MenteeSigned = vv.SignedBy(rel.MentorID), vv.SignedBy(rel.MenteeID)
		out[i] = vv
	}
	return out, nil
}

func current(vs []*VersionView) (inForce, draft *VersionView) {
	for _, v := range vs {
		switch v.State {
		case mentorvault.AgreementInForce:
			inForce = v
		case mentorvault.AgreementDraft:
			draft = v
		}
	}
	return inForce, draft
}

// StartDraft opens a draft: a copy of the version in force (an amendment) or,
// for a new pair, the programme's template with its mandatory exceptions. If
// a draft exists it is returned. Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) StartDraft(ctx context.Context, p mentorvault.Principal, relID string) (*VersionView, error) {
	var out *VersionView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.agreementRelCall(ctx, tx, p, policy.EditAgreement, relID)
		if err != nil {
			return err
		}
		rv, err := relView(ctx, tx, rel)
		if err != nil {
			return err
		}
		var ev *event
		if out, ev, err = s.startDraft(ctx, tx, a, rel, rv); err != nil || ev == nil {
			return err
		}
		return s.record(ctx, tx, a, ev.action, ev.t, ev.detail)
	})
	return out, err
}

// startDraft opens the draft and returns the event its caller appends
// last, or the existing draft and no event.
func (s *Service) startDraft(ctx context.Context, tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, rv *RelationshipView) (*VersionView, *event, error) {
	key, err := s.dataKey(ctx, tx, rel.ID)
	if err != nil {
		return nil, nil, err
	}
	vs, err := s.loadVersions(ctx, tx, rel, key)
	if err != nil {
		return nil, nil, err
	}
	inForce, draft := current(vs)
	if draft != nil && draft.Damaged {
		return nil, nil, s.damagedVersion(ctx, draft)
	}
	if draft != nil {
		return draft, nil, nil
	}
	if inForce != nil && inForce.Damaged {
		return nil, nil, s.damagedVersion(ctx, inForce) // its terms cannot be copied into an amendment
	}
	v := &mentorvault.AgreementVersion{ID: mentorvault.NewID(), RelationshipID: rel.ID, Number: len(vs) + 1, State: mentorvault.AgreementDraft,
		CreatedByID: a.user.ID, UpdatedByID: a.user.ID, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
	if inForce != nil {
		v.Terms = inForce.Terms
	} else {
		st, g, err := settingsFor(ctx, tx, rel)
		if err != nil {
			return nil, nil, err
		}
		v.Terms = st.Template
		v.Terms.Exceptions = withMandatory(v.Terms.Exceptions, st.MandatoryExceptions)
		if g != nil {
			v.Terms.GuidelinesVersion = g.Version
		}
	}
	if err := s.sealVersion(key, rv, v); err != nil {
		return nil, nil, err
	}
	if err := tx.CreateAgreementVersion(ctx, v); err != nil {
		return nil, nil, err
	}
	if rel.Status == mentorvault.StatusAccepted {
		rel.StartAgreeing(tx.Now())
		if err := tx.UpdateRelationship(ctx, rel); err != nil {
			return nil, nil, err
		}
	}
	detail := "new"
	if inForce != nil {
		detail = fmt.Sprintf("amends=%d", inForce.Number)
	}
	return &VersionView{AgreementVersion: v}, &event{"agreement.draft", agreementTarget(rel, v.ID), withSeal(fmt.Sprintf("version=%d; %s", v.Number, detail), versionSealed(v)...)}, nil
}

// withMandatory marks the programme's mandatory exceptions, adding the
// standard wording for any that are missing.
func withMandatory(exs []mentorvault.Exception, mandatory []mentorvault.ExceptionKind) []mentorvault.Exception {
	out := slices.Clone(exs)
	for _, k := range mandatory {
		found := false
		for i := range out {
			if out[i].Kind == k {
				out[i].Mandatory, found = true, true
			}
		}
		if !found {
			for _, std := range mentorvault.StandardExceptions() {
				if std.Kind == k {
					std.Mandatory = true
					out = append(out, std)
				}
			}
		}
	}
	return out
}

// UpdateDraft replaces the draft's terms. baseHash is the hash of the draft
// the editor started from: if the other party changed it meanwhile the edit
// is refused (ECONFLICT) so nobody overwrites the other unseen. A change
// clears signatures given to the old text. Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) UpdateDraft(ctx context.Context, p mentorvault.Principal, relID, versionID string, baseHash []byte, terms mentorvault.AgreementTerms) (*VersionView, error) {
	if err := terms.Validate(); err != nil {
		return nil, err
	}
	var out *VersionView
	err := s.relOp(ctx, p, policy.EditAgreement, relID, agreementRefusal(policy.EditAgreement), func(o *op) (event, error) {
		rv, err := relView(o.ctx, o.tx, o.rel)
		if err != nil {
			return event{}, err
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		v, err := s.draftVersion(o.ctx, o.tx, o.rel, key, versionID)
		if err != nil {
			return event{}, err
		}
		if !bytes.Equal(baseHash, v.Hash) {
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "the draft changed since you opened it; look at the changes and make your edit again")
		}
		st, g, err := settingsFor(o.ctx, o.tx, o.rel)
		if err != nil {
			return event{}, err
		}
		for _, k := range st.MandatoryExceptions {
			if !slices.ContainsFunc(terms.Exceptions, func(e mentorvault.Exception) bool { return e.Kind == k }) {
				return event{}, mentorvault.Invalid("the agreement is not valid", map[string]string{"exceptions": fmt.Sprintf("the programme requires the %q exception", mentorvault.Label(string(k)))})
			}
		}
		if terms.GuidelinesVersion != 0 && (g == nil || terms.GuidelinesVersion > g.Version) {
			return event{}, mentorvault.Invalid("the agreement is not valid", map[string]string{"guidelines_version": "no such version of the programme guidelines"})
		}
		terms.Exceptions = withMandatory(terms.Exceptions, st.MandatoryExceptions)
		old := v.Hash
		v.Terms, v.UpdatedByID, v.UpdatedAt = terms, o.a.user.ID, o.tx.Now()
		if err := s.sealVersion(key, rv, v); err != nil {
			return event{}, err
		}
		cleared := 0
		if !bytes.Equal(old, v.Hash) {
			sigs, err := o.tx.FindAgreementSignatures(o.ctx, v.ID)
			if err != nil {
				return event{}, err
			}
			if cleared = len(sigs); cleared > 0 {
				if err := o.tx.DeleteAgreementSignatures(o.ctx, v.ID); err != nil {
					return event{}, err
				}
			}
		}
		if err := o.tx.UpdateAgreementVersion(o.ctx, v); err != nil {
			return event{}, err
		}
		if !bytes.Equal(old, v.Hash) {
			text := o.a.user.Name + " changed the agreement draft."
			if cleared > 0 {
				text += " Signatures on the earlier text no longer count."
			}
			if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, mentorvault.NotifyAgreementChanged, v.ID, text,
				"/relationships/"+o.rel.ID+"/agreement", fmt.Sprintf("agreement.changed:%s:%x", v.ID, v.Hash)); err != nil {
				return event{}, err
			}
		}
		out = &VersionView{AgreementVersion: v}
		return event{"agreement.edit", agreementTarget(o.rel, v.ID), withSeal(fmt.Sprintf("version=%d; signatures_cleared=%d", v.Number, cleared), versionSealed(v)...)}, nil
	})
	return out, err
}

// draftVersion loads and opens the version with id, which must be the draft.
func (s *Service) draftVersion(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, key []byte, id string) (*mentorvault.AgreementVersion, error) {
	v, err := s.findVersion(ctx, tx, rel, id)
	if err != nil {
		return nil, err
	}
	if v.State != mentorvault.AgreementDraft {
		return nil, mentorvault.Errorf(mentorvault.ECONFLICT, "version %d is signed and cannot change; start an amendment instead", v.Number)
	}
	return v, s.openVersion(key, v)
}

func (s *Service) findVersion(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, id string) (*mentorvault.AgreementVersion, error) {
	notFound := mentorvault.Errorf(mentorvault.ENOTFOUND, "agreement version not found")
	if !mentorvault.ValidID(id) {
		return nil, notFound
	}
	v, err := tx.FindAgreementVersionByID(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && v.RelationshipID != rel.ID) {
		return nil, notFound
	}
	return v, err
}

// stepUpKey is the rate-limit key of a user's password re-entries.
func stepUpKey(userID string) string { return "stepup:" + userID }

// SignAgreement signs the draft's hash after the signer re-enters their
// password. hash must be the hash the signer read: a draft that changed
// since is refused. When both parties have signed the same hash the version
// comes into force, the previous one is superseded and the relationship
// becomes active. Returns EUNAUTHENTICATED (wrong password), ETOOMANY,
// ENOTFOUND, EFORBIDDEN or ECONFLICT (stale hash, already signed).
func (s *Service) SignAgreement(ctx context.Context, p mentorvault.Principal, relID, versionID string, hash []byte, password string) (*VersionView, error) {
	return s.SignAgreementStepUp(ctx, p, relID, versionID, hash, StepUp{Password: password})
}

// SignAgreementStepUp is SignAgreement with the signer's step-up given as
// their password or as a passkey's answer to BeginStepUp. Returns what
// SignAgreement does; EUNAUTHENTICATED also for a passkey that did not verify.
func (s *Service) SignAgreementStepUp(ctx context.Context, p mentorvault.Principal, relID, versionID string, hash []byte, su StepUp) (*VersionView, error) {
	if p.Anonymous() {
		return nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	if len(hash) != 32 {
		return nil, mentorvault.Invalid("the signature is not valid", map[string]string{"hash": "must be the agreement's SHA-256 in hex"})
	}
	// Step-up: a password is checked outside any transaction (the hash is
	// slow); a passkey inside, where its challenge is used up.
	st, p, err := s.prepareStepUp(ctx, p, su)
	if err != nil {
		return nil, err
	}

	var out *VersionView
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.agreementRelCall(ctx, tx, p, policy.SignAgreement, relID)
		if err != nil {
			return err
		}
		rv, err := relView(ctx, tx, rel)
		if err != nil {
			return err
		}
		t := agreementTarget(rel, versionID)
		if err := s.checkStepUp(ctx, tx, a, st, "agreement.sign", t); err != nil {
			return err
		}
		key, err := s.dataKey(ctx, tx, rel.ID)
		if err != nil {
			return err
		}
		v, err := s.draftVersion(ctx, tx, rel, key, versionID)
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(hash, v.Hash) != 1 {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "the draft changed after you read it; read the current text and sign that")
		}
		sigs, err := tx.FindAgreementSignatures(ctx, v.ID)
		if err != nil {
			return err
		}
		vv := &VersionView{AgreementVersion: v, Signatures: sigs}
		if vv.SignedBy(a.user.ID) != nil {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "you have already signed this version")
		}
		sig := &mentorvault.AgreementSignature{VersionID: v.ID, UserID: a.user.ID, Hash: v.Hash, SignedAt: tx.Now()}
		if err := tx.CreateAgreementSignature(ctx, sig); err != nil {
			return err
		}
		vv.Signatures = append(vv.Signatures, sig)
		vv.MentorSigned, vv.MenteeSigned = vv.SignedBy(rel.MentorID), vv.SignedBy(rel.MenteeID)
		out = vv
		// The audit events come after every other write (the audit head is
		// held the least): the signature's, then the coming into force's.
		signed := func() error {
			return s.record(ctx, tx, a, "agreement.sign", t, fmt.Sprintf("version=%d; hash=%x", v.Number, v.Hash))
		}
		agreementLink := "/relationships/" + rel.ID + "/agreement"
		if vv.MentorSigned == nil || vv.MenteeSigned == nil {
			if err := s.notifyPartner(ctx, tx, a, rel, mentorvault.NotifyAgreementSign, v.ID, a.user.Name+" signed the agreement: it waits for your signature.",
				agreementLink, "agreement.to_sign:"+v.ID); err != nil {
				return err
			}
			return signed()
		}
		// Both signed the same text: it comes into force.
		olds, err := tx.FindAgreementVersions(ctx, rel.ID)
		if err != nil {
			return err
		}
		for _, o := range olds {
			if o.State == mentorvault.AgreementInForce {
				o.State, o.UpdatedAt = mentorvault.AgreementSuperseded, tx.Now()
				if err := tx.UpdateAgreementVersion(ctx, o); err != nil {
					return err
				}
			}
		}
		now := tx.Now()
		v.State, v.InForceAt, v.UpdatedAt = mentorvault.AgreementInForce, &now, now
		if err := tx.UpdateAgreementVersion(ctx, v); err != nil {
			return err
		}
		from := rel.Status
		if err := rel.Activate(vv.MentorSigned.SignedAt, vv.MenteeSigned.SignedAt, now); err != nil {
			return err
		}
		if err := tx.UpdateRelationship(ctx, rel); err != nil {
			return err
		}
		rv.Relationship = rel
		if err := s.notifyPartner(ctx, tx, a, rel, mentorvault.NotifyAgreementSigned, v.ID, a.user.Name+" signed the agreement: it is signed by both of you and in force.",
			agreementLink, "agreement.signed:"+v.ID); err != nil {
			return err
		}
		if err := signed(); err != nil {
			return err
		}
		if err := s.goalsFromAgreement(ctx, tx, a, rel, key, v.Terms.Expectations.Goals); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "agreement.in_force", t, fmt.Sprintf("version=%d; from=%s; to=%s", v.Number, from, rel.Status))
	})
	return out, err
}

// Verification is the result of checking a version's signatures against its stored text.
type Verification struct {
	Version  int
	Hash     []byte
	OK       bool
	Problems []string
}

// VerifyAgreement recomputes the hash of a version's stored text and checks
// it against the version's hash and every signature. A stored text that was
// tampered with fails to open or to match. Returns EUNAUTHENTICATED,
// ENOTFOUND or EFORBIDDEN.
func (s *Service) VerifyAgreement(ctx context.Context, p mentorvault.Principal, relID, versionID string) (*Verification, error) {
	var out *Verification
	err := s.relOp(ctx, p, policy.ReadAgreement, relID, agreementRefusal(policy.ReadAgreement), func(o *op) (event, error) {
		v, err := s.findVersion(o.ctx, o.tx, o.rel, versionID)
		if err != nil {
			return event{}, err
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		out = &Verification{Version: v.Number, Hash: v.Hash}
		text, oerr := s.keys.Open(key, termsAD(v, "text"), v.TextSealed)
		if oerr != nil {
			out.Problems = append(out.Problems, "the stored text cannot be opened: it was altered or moved")
		} else if got := mentorvault.AgreementHash(text.Reveal()); !bytes.Equal(got, v.Hash) {
			out.Problems = append(out.Problems, "the stored text does not match the version's hash")
		}
		sigs, err := o.tx.FindAgreementSignatures(o.ctx, v.ID)
		if err != nil {
			return event{}, err
		}
		if v.State != mentorvault.AgreementDraft && len(sigs) < 2 {
			out.Problems = append(out.Problems, "a signed version lacks a signature")
		}
		for _, sg := range sigs {
			if !bytes.Equal(sg.Hash, v.Hash) {
				out.Problems = append(out.Problems, fmt.Sprintf("a signature from %s covers another text", sg.SignedAt.Format(time.RFC3339)))
			}
		}
		out.OK = len(out.Problems) == 0
		return event{"agreement.verify", agreementTarget(o.rel, v.ID), fmt.Sprintf("version=%d; ok=%v", v.Number, out.OK)}, nil
	})
	return out, err
}

// DiffLine is one line of a line diff: Op is ' ' (same), '-' (removed) or '+' (added).
type DiffLine struct {
	Op   byte
	Text mentorvault.Secret
}

// AgreementDiff compares the canonical texts of two versions; an empty
// fromID compares toID with the version before it. Returns EUNAUTHENTICATED,
// ENOTFOUND or EFORBIDDEN.
func (s *Service) AgreementDiff(ctx context.Context, p mentorvault.Principal, relID, fromID, toID string) ([]DiffLine, *VersionView, *VersionView, error) {
	var (
		out      []DiffLine
		from, to *VersionView
	)
	err := s.relOp(ctx, p, policy.ReadAgreement, relID, agreementRefusal(policy.ReadAgreement), func(o *op) (event, error) {
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		vs, err := s.loadVersions(o.ctx, o.tx, o.rel, key)
		if err != nil {
			return event{}, err
		}
		for i, v := range vs {
			if v.ID == toID {
				to = v
				if fromID == "" && i > 0 {
					from = vs[i-1]
				}
			}
			if v.ID == fromID {
				from = v
			}
		}
		if to == nil || (fromID != "" && from == nil) {
			return event{}, mentorvault.Errorf(mentorvault.ENOTFOUND, "agreement version not found")
		}
		for _, v := range []*VersionView{from, to} {
			if v != nil && v.Damaged {
				return event{}, s.damagedVersion(o.ctx, v)
			}
		}
		old := ""
		if from != nil {
			old = from.Text.Reveal()
		}
		out = diffLines(old, to.Text.Reveal())
		return event{"agreement.diff", agreementTarget(o.rel, to.ID), ""}, nil
	})
	return out, from, to, err
}

// diffLines is a longest-common-subsequence line diff; agreement texts are
// a few hundred lines at most.
func diffLines(a, b string) []DiffLine {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	if a == "" {
		x = nil
	}
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffLine{' ', mentorvault.NewSecret(x[i])})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{'-', mentorvault.NewSecret(x[i])})
			i++
		default:
			out = append(out, DiffLine{'+', mentorvault.NewSecret(y[j])})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{'-', mentorvault.NewSecret(x[i])})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{'+', mentorvault.NewSecret(y[j])})
	}
	return out
}
