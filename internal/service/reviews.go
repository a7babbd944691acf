package service

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// reviewAD binds a review to the party who gave it and the agreement
// version it reviews.
func reviewAD(r *mentorvault.Review) seal.AD {
	return seal.AD{RelationshipID: r.RelationshipID, Record: "review", RecordID: r.ID, Field: "answer", Version: r.SealVersion,
		Bind: []seal.Binding{{Name: "user", Value: r.UserID}, {Name: "version", Value: r.VersionID}}}
}

// sealReview seals answer and notes into r at its next seal version.
func (s *Service) sealReview(key []byte, r *mentorvault.Review, answer, notes string) error {
	b, err := json.Marshal(reviewSealed{Answer: answer, Notes: notes})
	if err != nil {
		return err
	}
	r.SealVersion++
	r.Sealed, err = s.keys.Seal(key, reviewAD(r), mentorvault.NewSecret(string(b)))
	return err
}

// eachReview lists every review of a relationship for VerifySealed.
func eachReview(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	rs, err := tx.FindReviews(ctx, rel.ID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		yield(sealedRecord{record: "review", id: r.ID, version: r.SealVersion, fields: []sealedField{{reviewAD(r), r.Sealed}}})
	}
	return nil
}

type reviewSealed struct {
	Answer string `json:"answer"`
	Notes  string `json:"notes"`
}

// ReviewStatus is where one party stands with the periodic review.
type ReviewStatus struct {
	UserID string
	Due    bool
	DueAt  *time.Time // nil when the agreement sets no cadence or none is in force
	Last   *mentorvault.Review
}

// ReviewsView is the pair's reviews, opened, who is due, and the pair's own
// figures to review against: meetings held against planned, late
// cancellations, commitments kept, sessions begun with the reminder.
type ReviewsView struct {
	Reviews      []*mentorvault.Review
	EveryWeeks   int
	Mentor       ReviewStatus
	Mentee       ReviewStatus
	InForceFrom  *time.Time
	Meetings     mentorvault.MeetingFigures
	MentorKept   mentorvault.FollowThrough
	MenteeKept   mentorvault.FollowThrough
	SessionsHeld int // held meetings…
	WithReminder int // …of which began with the reminder shown to both
}

// For returns the status of userID.
func (v *ReviewsView) For(userID string) ReviewStatus {
	if v.Mentee.UserID == userID {
		return v.Mentee
	}
	return v.Mentor
}

// reviewStatus computes, from the version in force and the reviews, when
// each party's next review is due: the cadence after their last review, or
// after the version came into force.
func reviewStatus(rel *mentorvault.Relationship, inForce *mentorvault.AgreementVersion, reviews []*mentorvault.Review, now time.Time) (ReviewStatus, ReviewStatus, int) {
	m, e := ReviewStatus{UserID: rel.MentorID}, ReviewStatus{UserID: rel.MenteeID}
	if inForce == nil || inForce.InForceAt == nil {
		return m, e, 0
	}
	weeks := inForce.Terms.Expectations.ReviewEveryWeeks
	for _, st := range []*ReviewStatus{&m, &e} {
		from := *inForce.InForceAt
		for _, r := range reviews {
			if r.UserID == st.UserID {
				st.Last = r
				if r.CreatedAt.After(from) {
					from = r.CreatedAt
				}
			}
		}
		if weeks > 0 {
			due := from.AddDate(0, 0, 7*weeks)
			st.DueAt, st.Due = &due, !now.Before(due)
		}
	}
	return m, e, weeks
}

// Reviews returns the pair's periodic reviews of their expectations and who
// is due. Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Reviews(ctx context.Context, p mentorvault.Principal, relID string) (*ReviewsView, error) {
	var out *ReviewsView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		var err error
		out, err = s.reviewsIn(ctx, tx, p, relID)
		return err
	})
	return out, err
}

// reviewsIn is Reviews in the caller's transaction tx.
func (s *Service) reviewsIn(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, relID string) (*ReviewsView, error) {
	var out *ReviewsView
	err := s.relOpIn(ctx, tx, p, policy.ReadReviews, relID, agreementRefusal(policy.ReadReviews), func(o *op) (event, error) {
		v, err := s.reviews(o.ctx, o.tx, o.rel)
		if err != nil {
			return event{}, err
		}
		out = v
		return event{"review.read", relTarget(o.rel), ""}, nil
	})
	return out, err
}

func (s *Service) reviews(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship) (*ReviewsView, error) {
	key, err := s.dataKey(ctx, tx, rel.ID)
	if err != nil {
		return nil, err
	}
	rs, err := tx.FindReviews(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		sec, err := s.keys.Open(key, reviewAD(r), r.Sealed)
		if err != nil {
			if err := s.damaged(ctx, "review", r.ID, err); !isDamaged(err) {
				return nil, err
			}
			r.Damaged = true // shown as damaged; the rest are served
			continue
		}
		var rsd reviewSealed
		if err := json.Unmarshal([]byte(sec.Reveal()), &rsd); err != nil {
			return nil, mentorvault.Internal(err)
		}
		r.Answer, r.Notes = rsd.Answer, mentorvault.NewSecret(rsd.Notes)
	}
	vs, err := tx.FindAgreementVersions(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	var inForce *mentorvault.AgreementVersion
	for _, v := range vs {
		if v.State == mentorvault.AgreementInForce {
			if err := s.openVersion(key, v); err != nil {
				return nil, err
			}
			inForce = v
		}
	}
	out := &ReviewsView{Reviews: rs}
	out.Mentor, out.Mentee, out.EveryWeeks = reviewStatus(rel, inForce, rs, tx.Now())
	if inForce != nil {
		out.InForceFrom = inForce.InForceAt
	}
	var ms []*mentorvault.Meeting
	for _, upcoming := range []bool{true, false} {
		page, err := tx.FindMeetings(ctx, mentorvault.MeetingFilter{RelationshipID: rel.ID, Upcoming: upcoming, Now: tx.Now(), Limit: 500})
		if err != nil {
			return nil, err
		}
		ms = append(ms, page...)
	}
	out.Meetings = mentorvault.FiguresOf(ms, tx.Now())
	acks, err := tx.FindReminderAcks(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	shown := map[string]int{}
	for _, ak := range acks {
		out.Meetings.RemindersShown++
		if ak.AcknowledgedAt != nil {
			out.Meetings.RemindersAcknowledged++
		}
		shown[ak.MeetingID]++
	}
	for _, m := range ms {
		if m.Status == mentorvault.MeetingHeld {
			out.SessionsHeld++
			if shown[m.ID] >= 2 {
				out.WithReminder++
			}
		}
	}
	cs, err := tx.FindCommitments(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	out.MentorKept, out.MenteeKept = mentorvault.FollowThroughOf(cs, rel.MentorID), mentorvault.FollowThroughOf(cs, rel.MenteeID)
	return out, nil
}

// RecordReview records the caller's review of whether the agreed
// expectations still hold (yes, partly, no) with optional notes, sealed.
// With amend, it also opens a draft amendment of the agreement. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT (no
// agreement in force).
func (s *Service) RecordReview(ctx context.Context, p mentorvault.Principal, relID, answer, notes string, amend bool) (*mentorvault.Review, error) {
	if err := lines(p, "answer", answer); err != nil {
		return nil, err
	}
	f := map[string]string{}
	switch answer {
	case mentorvault.ReviewHolds, mentorvault.ReviewPartly, mentorvault.ReviewNotHolds:
	default:
		f["answer"] = `must be "yes", "partly" or "no"`
	}
	if strings.TrimSpace(notes) != "" {
		if err := mentorvault.ValidateNoteInput(notes, mentorvault.VisibilityShared); err != nil {
			f["notes"] = mentorvault.ErrorFields(err)["body"]
		} else if len(notes) > MaxCommentBytes {
			f["notes"] = "is too long (at most 4000 bytes)"
		}
	}
	if len(f) > 0 {
		return nil, mentorvault.Invalid("the review is not valid", f)
	}
	var out *mentorvault.Review
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.agreementRelCall(ctx, tx, p, policy.RecordReview, relID)
		if err != nil {
			return err
		}
		rv, err := relView(ctx, tx, rel)
		if err != nil {
			return err
		}
		vs, err := tx.FindAgreementVersions(ctx, rel.ID)
		if err != nil {
			return err
		}
		var inForce *mentorvault.AgreementVersion
		for _, v := range vs {
			if v.State == mentorvault.AgreementInForce {
				inForce = v
			}
		}
		if inForce == nil {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "there is no signed agreement to review yet")
		}
		key, err := s.dataKey(ctx, tx, rel.ID)
		if err != nil {
			return err
		}
		r := &mentorvault.Review{ID: mentorvault.NewID(), RelationshipID: rel.ID, VersionID: inForce.ID, UserID: a.user.ID, CreatedAt: tx.Now()}
		if err := s.sealReview(key, r, answer, notes); err != nil {
			return err
		}
		if err := tx.CreateReview(ctx, r); err != nil {
			return err
		}
		r.Answer, r.Notes, out = answer, mentorvault.NewSecret(notes), r
		// The audit events come after every other write: the review's, then
		// the amendment's.
		var draft *event
		if amend {
			if _, draft, err = s.startDraft(ctx, tx, a, rel, rv); err != nil {
				return err
			}
		}
		if err := s.record(ctx, tx, a, "review.record", target{orgID: rel.OrgID, relID: rel.ID, typ: "review", id: r.ID}, withSeal("", sealedField{reviewAD(r), r.Sealed})); err != nil || draft == nil {
			return err
		}
		return s.record(ctx, tx, a, draft.action, draft.t, draft.detail)
	})
	return out, err
}
