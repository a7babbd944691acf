package service

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// VersionView is an agreement version with its signatures, opened.
type VersionView struct {
	*mentorvault.AgreementVersion
	Signatures   []*mentorvault.AgreementSignature
	MentorSigned *mentorvault.AgreementSignature // over the version's current hash
	MenteeSigned *mentorvault.AgreementSignature
}

// SignedBy returns the signature of userID over the current hash, if any.
func (v *VersionView) SignedBy(userID string) *mentorvault.AgreementSignature {
	for _, s := range v.Signatures {
		if s.UserID == userID && bytes.Equal(s.Hash, v.Hash) {
			return s
		}
	}
	return nil
}

// AgreementView is everything of a relationship's agreement the pair sees.
type AgreementView struct {
	Rel        *RelationshipView
	Versions   []*VersionView // lowest number first
	InForce    *VersionView   // nil before both signed a version
	Draft      *VersionView   // nil when nobody is editing
	Comments   []*mentorvault.AgreementComment
	Settings   mentorvault.ProgrammeSettings
	Guidelines *mentorvault.Guidelines // latest published, nil if none
	// GuidelinesReads are the guidelines versions each party confirmed
	// reading, with the legacy ones inferred from old signed texts.
	GuidelinesReads []*mentorvault.GuidelinesRead
}

// ReadGuidelines returns userID's confirmation of reading guidelines
// version n, or nil.
func (av *AgreementView) ReadGuidelines(userID string, n int) *mentorvault.GuidelinesRead {
	for _, g := range av.GuidelinesReads {
		if g.UserID == userID && g.Version == n {
			return g
		}
	}
	return nil
}

// guidelinesReads returns rel's confirmed reads and, for each version of
// the agreement written before each party confirmed for themselves, whose
// text says "We have both read version N", a read of N by both parties:
// the pair signed (or drafted) that statement, and it is not undone.
func guidelinesReads(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, vs []*VersionView) ([]*mentorvault.GuidelinesRead, error) {
	reads, err := tx.FindGuidelinesReads(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	have := func(userID string, n int) bool {
		return slices.ContainsFunc(reads, func(g *mentorvault.GuidelinesRead) bool { return g.UserID == userID && g.Version == n })
	}
	for _, v := range vs {
		n := v.Terms.GuidelinesVersion
		if v.Damaged || !mentorvault.SaysBothReadGuidelines(v.Text.Reveal(), n) {
			continue
		}
		for _, userID := range []string{rel.MentorID, rel.MenteeID} {
			if !have(userID, n) {
				reads = append(reads, &mentorvault.GuidelinesRead{RelationshipID: rel.ID, UserID: userID, Version: n, ReadAt: v.UpdatedAt, Legacy: true})
			}
		}
	}
	return reads, nil
}

// ConfirmGuidelinesRead records that the principal, a party, read version n
// of their programme's guidelines: each party confirms for themselves.
// Confirming again changes nothing. Returns EUNAUTHENTICATED, ENOTFOUND
// (also for a guidelines version the programme does not have), EFORBIDDEN,
// or EINVALID for an informal relationship.
func (s *Service) ConfirmGuidelinesRead(ctx context.Context, p mentorvault.Principal, relID string, n int) (*mentorvault.GuidelinesRead, error) {
	var out *mentorvault.GuidelinesRead
	err := s.relOp(ctx, p, policy.SignAgreement, relID, agreementRefusal(policy.SignAgreement), func(o *op) (event, error) {
		if o.rel.ProgrammeID == "" {
			return event{}, mentorvault.Errorf(mentorvault.EINVALID, "an informal relationship has no programme guidelines to read")
		}
		if n <= 0 {
			return event{}, mentorvault.Errorf(mentorvault.ENOTFOUND, "no such version of the programme guidelines")
		}
		if _, err := o.tx.FindGuidelines(o.ctx, o.rel.ProgrammeID, n); mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return event{}, mentorvault.Errorf(mentorvault.ENOTFOUND, "no such version of the programme guidelines")
		} else if err != nil {
			return event{}, err
		}
		reads, err := o.tx.FindGuidelinesReads(o.ctx, o.rel.ID)
		if err != nil {
			return event{}, err
		}
		for _, g := range reads {
			if g.UserID == o.a.user.ID && g.Version == n {
				out = g
				return event{"agreement.guidelines_read", relTarget(o.rel), fmt.Sprintf("version=%d; again", n)}, nil
			}
		}
		out = &mentorvault.GuidelinesRead{RelationshipID: o.rel.ID, UserID: o.a.user.ID, Version: n, ReadAt: o.tx.Now()}
		if err := o.tx.CreateGuidelinesRead(o.ctx, out); err != nil {
			return event{}, err
		}
		return event{"agreement.guidelines_read", relTarget(o.rel), fmt.Sprintf("version=%d", n)}, nil
	})
	return out, err
}

// header names the parties for the canonical text.
func header(rv *RelationshipView, number int) mentorvault.AgreementHeader {
	return mentorvault.AgreementHeader{RelationshipID: rv.ID, Version: number, Kind: rv.Kind,
		Mentor: rv.Mentor.Name + " <" + rv.Mentor.Email + ">", Mentee: rv.Mentee.Name + " <" + rv.Mentee.Email + ">", Programme: rv.ProgrammeName}
}

// settingsFor returns the programme's settings, or the defaults for an informal relationship.
func settingsFor(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship) (mentorvault.ProgrammeSettings, *mentorvault.Guidelines, error) {
	if rel.ProgrammeID == "" {
		return mentorvault.DefaultProgrammeSettings(), nil, nil
	}
	st, err := tx.FindProgrammeSettings(ctx, rel.ProgrammeID)
	if err != nil {
		return st, nil, err
	}
	g, err := tx.FindGuidelines(ctx, rel.ProgrammeID, 0)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return st, nil, nil
	}
	return st, g, err
}

// agreementRefusal tells a party why act on the agreement is refused.
func agreementRefusal(act policy.Action) refusal {
	return func(a actor, rel *mentorvault.Relationship, err error) error {
		if !rel.IsParty(a.subj.UserID) {
			return err
		}
		switch act {
		case policy.ReadAgreement, policy.ExportAgreement, policy.ReadReviews:
			return denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "there is no agreement yet: the pair draft it once the relationship is accepted (it is %s)", rel.Status)}
		case policy.RecordReview:
			return denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "reviews are for active relationships (this one is %s)", rel.Status)}
		default:
			return denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "the agreement cannot be changed while the relationship is %s", rel.Status)}
		}
	}
}

// agreementRelCall is openRel with the agreement's refusal, for calls of
// their own shape.
func (s *Service) agreementRelCall(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action, relID string) (actor, *mentorvault.Relationship, error) {
	return s.openRel(ctx, tx, p, act, relID, agreementRefusal(act))
}

// relView returns the relationship's view (names of the parties, programme).
func relView(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship) (*RelationshipView, error) {
	vs, err := views(ctx, tx, rel.OrgID, []*mentorvault.Relationship{rel})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// Agreement returns the relationship's agreement: every version, the one in
// force, the draft, comments, and the programme's settings and guidelines.
// Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Agreement(ctx context.Context, p mentorvault.Principal, relID string) (*AgreementView, error) {
	var out *AgreementView
	err := s.relOp(ctx, p, policy.ReadAgreement, relID, agreementRefusal(policy.ReadAgreement), func(o *op) (event, error) {
		rv, err := relView(o.ctx, o.tx, o.rel)
		if err != nil {
			return event{}, err
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		rv.Allowed = s.allowed(o.ctx, o.a, relResource(o.rel), policy.RelationshipActions...)
		out = &AgreementView{Rel: rv}
		if out.Versions, err = s.loadVersions(o.ctx, o.tx, o.rel, key); err != nil {
			return event{}, err
		}
		out.InForce, out.Draft = current(out.Versions)
		if out.GuidelinesReads, err = guidelinesReads(o.ctx, o.tx, o.rel, out.Versions); err != nil {
			return event{}, err
		}
		comments, err := o.tx.FindAgreementComments(o.ctx, o.rel.ID)
		if err != nil {
			return event{}, err
		}
		for _, c := range comments {
			body, err := s.keys.Open(key, commentAD(c), c.BodySealed)
			if err != nil {
				if err := s.damaged(o.ctx, "agreement comment", c.ID, err); !isDamaged(err) {
					return event{}, err
				}
				c.Damaged = true // shown as damaged; the rest are served
				continue
			}
			c.Body = body
		}
		out.Comments = comments
		if out.Settings, out.Guidelines, err = settingsFor(o.ctx, o.tx, o.rel); err != nil {
			return event{}, err
		}
		return event{"agreement.read", relTarget(o.rel), ""}, nil
	})
	return out, err
}

// commentAD binds a comment to its author and to the version and section
// it is about.
func commentAD(c *mentorvault.AgreementComment) seal.AD {
	return seal.AD{RelationshipID: c.RelationshipID, Record: "agreement_comment", RecordID: c.ID, Field: "body", Version: c.SealVersion,
		Bind: []seal.Binding{{Name: "author", Value: c.AuthorID}, {Name: "version", Value: c.VersionID}, {Name: "section", Value: c.Section}}}
}

// sealComment seals body into c at its next seal version.
func (s *Service) sealComment(key []byte, c *mentorvault.AgreementComment, body string) (err error) {
	c.SealVersion++
	c.BodySealed, err = s.keys.Seal(key, commentAD(c), mentorvault.NewSecret(body))
	return err
}

// eachAgreementComment lists every agreement comment of a relationship for VerifySealed.
func eachAgreementComment(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	cs, err := tx.FindAgreementComments(ctx, rel.ID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		yield(sealedRecord{record: "agreement_comment", id: c.ID, version: c.SealVersion, fields: []sealedField{{commentAD(c), c.BodySealed}}})
	}
	return nil
}

// MaxCommentBytes bounds an agreement comment.
const MaxCommentBytes = 4000

// CommentAgreement adds a comment on a section of a version. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) CommentAgreement(ctx context.Context, p mentorvault.Principal, relID, versionID, section, body string) (*mentorvault.AgreementComment, error) {
	if err := lines(p, "section", section); err != nil {
		return nil, err
	}
	f := map[string]string{}
	if !slices.Contains(mentorvault.AgreementSections, section) {
		f["section"] = "must be one of " + strings.Join(mentorvault.AgreementSections, ", ")
	}
	if err := mentorvault.ValidateNoteInput(body, mentorvault.VisibilityShared); err != nil {
		f["body"] = mentorvault.ErrorFields(err)["body"]
	} else if len(body) > MaxCommentBytes {
		f["body"] = "is too long (at most 4000 bytes)"
	}
	if len(f) > 0 {
		return nil, mentorvault.Invalid("the comment is not valid", f)
	}
	var out *mentorvault.AgreementComment
	err := s.relOp(ctx, p, policy.CommentAgreement, relID, agreementRefusal(policy.CommentAgreement), func(o *op) (event, error) {
		v, err := s.findVersion(o.ctx, o.tx, o.rel, versionID)
		if err != nil {
			return event{}, err
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		c := &mentorvault.AgreementComment{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, VersionID: v.ID, Section: section,
			AuthorID: o.a.user.ID, CreatedAt: o.tx.Now()}
		if err := s.sealComment(key, c, body); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateAgreementComment(o.ctx, c); err != nil {
			return event{}, err
		}
		c.Body, out = mentorvault.NewSecret(body), c
		return event{"agreement.comment", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "agreement_comment", id: c.ID}, withSeal("section="+section, sealedField{commentAD(c), c.BodySealed})}, nil
	})
	return out, err
}

// AgreementStatus is what the coordinator may know of an agreement: whether
// one is in force, since when, and its number — never its terms.
type AgreementStatus struct {
	InForceVersion int        // 0 if none
	SignedAt       *time.Time // when the version in force came into force
	DraftVersion   int        // 0 if none
	DraftSince     *time.Time
}

// AgreementStatusOf returns the agreement's status for the pair or the
// programme's coordinator. Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) AgreementStatusOf(ctx context.Context, p mentorvault.Principal, relID string) (*AgreementStatus, error) {
	var out *AgreementStatus
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		var err error
		out, err = s.agreementStatusIn(ctx, tx, p, relID)
		return err
	})
	return out, err
}

// agreementStatusIn is AgreementStatusOf in the caller's transaction tx.
func (s *Service) agreementStatusIn(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, relID string) (*AgreementStatus, error) {
	a, err := s.resolve(ctx, tx, p, policy.AgreementStatus)
	if err != nil {
		return nil, err
	}
	rel, err := loadRel(ctx, tx, relID)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeRel(ctx, tx, a, policy.AgreementStatus, rel); err != nil {
		return nil, err
	}
	vs, err := tx.FindAgreementVersions(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	out := &AgreementStatus{}
	for _, v := range vs {
		switch v.State {
		case mentorvault.AgreementInForce:
			out.InForceVersion, out.SignedAt = v.Number, v.InForceAt
		case mentorvault.AgreementDraft:
			t := v.CreatedAt
			out.DraftVersion, out.DraftSince = v.Number, &t
		}
	}
	return out, nil
}

// ExportAgreement returns a version, opened, for download by the pair; the
// export is audited. Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) ExportAgreement(ctx context.Context, p mentorvault.Principal, relID, versionID, format string) (*VersionView, *RelationshipView, error) {
	var (
		out *VersionView
		rv  *RelationshipView
	)
	err := s.relOp(ctx, p, policy.ExportAgreement, relID, agreementRefusal(policy.ExportAgreement), func(o *op) (event, error) {
		r, err := relView(o.ctx, o.tx, o.rel)
		if err != nil {
			return event{}, err
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		vs, err := s.loadVersions(o.ctx, o.tx, o.rel, key)
		if err != nil {
			return event{}, err
		}
		for _, v := range vs {
			if v.ID == versionID {
				out = v
			}
		}
		if out == nil {
			return event{}, mentorvault.Errorf(mentorvault.ENOTFOUND, "agreement version not found")
		}
		if out.Damaged {
			return event{}, s.damagedVersion(o.ctx, out)
		}
		rv = r
		return event{"agreement.export", agreementTarget(o.rel, out.ID), fmt.Sprintf("version=%d; format=%s", out.Number, format)}, nil
	})
	return out, rv, err
}
