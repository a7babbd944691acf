package service

import (
	"context"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Shared summaries: a party drafts, for a named member outside the pair
// (typically the mentee's line manager), what they may say; it goes
// through the checker and the other party's consent like an answer.

// SummaryInput is a shared summary for a named third party.
type SummaryInput struct {
	RecipientEmail string // typically the mentee's line manager
	Purpose        string // e.g. "goals and progress"
	Body           string
}

// PrepareSummary drafts a shared summary for a named member of the
// organisation outside the pair (typically the mentee's line manager: goals
// and progress, what the mentee may say about the mentor's advice). It goes
// through the checker, the other party's consent and release like an
// answer to a request. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) PrepareSummary(ctx context.Context, p mentorvault.Principal, relID string, in SummaryInput) (*StatementView, error) {
	if err := lines(p, "recipient_email", in.RecipientEmail); err != nil {
		return nil, err
	}
	f := map[string]string{}
	if err := mentorvault.ValidatePurpose(in.Purpose); err != nil {
		f["purpose"] = mentorvault.ErrorFields(err)["purpose"]
	}
	if err := mentorvault.ValidateText("body", in.Body, mentorvault.MaxStatementBytes); err != nil {
		f["body"] = mentorvault.ErrorFields(err)["body"]
	}
	if strings.TrimSpace(in.RecipientEmail) == "" {
		f["recipient_email"] = "is required"
	}
	if len(f) > 0 {
		return nil, mentorvault.Invalid("the summary is not valid", f)
	}
	var out *StatementView
	err := s.relOp(ctx, p, policy.ActThirdParty, relID, partyRefusal, func(o *op) (event, error) {
		u, err := o.tx.FindUserByEmail(o.ctx, mentorvault.NormalizeEmail(in.RecipientEmail))
		switch {
		case err != nil && mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND:
			return event{}, err
		case err != nil || u.OrgID != o.rel.OrgID || u.DisabledAt != nil:
			return event{}, mentorvault.Invalid("the summary is not valid", map[string]string{"recipient_email": "is not a member of the organisation"})
		case o.rel.IsParty(u.ID):
			return event{}, mentorvault.Invalid("the summary is not valid", map[string]string{"recipient_email": "must be someone outside the two of you"})
		}
		rk, err := recipientKind(o.ctx, o.tx, o.rel, u)
		if err != nil {
			return event{}, err
		}
		st := &mentorvault.Statement{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, Kind: mentorvault.StatementSummary,
			AuthorID: o.a.user.ID, SubjectID: o.rel.Partner(o.a.user.ID), RecipientUserID: u.ID, RecipientKind: rk, Purpose: strings.TrimSpace(in.Purpose),
			State: mentorvault.StatementDraft, CreatedAt: o.tx.Now(), UpdatedAt: o.tx.Now()}
		v, ev, err := s.createStatement(o.ctx, o.tx, o.a, o.rel, st, in.Body)
		if err != nil {
			return event{}, err
		}
		out = v
		return ev, nil
	})
	return out, err
}
