package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Ending a relationship (DESIGN.md §2.7, issue 17): a party closes it after
// settling, one by one, what is still open; a coordinator ends it for the
// programme; the retention job warns both parties and, on the erase date,
// destroys its data key; an org admin's legal hold suspends that.

// ClosingItem is something open in a relationship that closing does not
// end by itself. Each is listed before a party confirms the close and must
// be settled explicitly (its ID among CloseInput.Settled). It names
// records, never their content.
type ClosingItem struct {
	ID    string
	Kind  string // "concern", "notice", "plan" (a joint disclosure plan) or "statement"
	State string // the record's state
	ByID  string // who raised, filed, proposed or wrote it
	// At is when a scheduled disclosure takes effect, or a pre-authorised
	// statement is released (nil when that is not set yet).
	At   *time.Time
	Link string // its page
}

// ClosingPlan is what closing a relationship now would mean.
type ClosingPlan struct {
	Rel *RelationshipView
	// ByProgramme: the caller is a coordinator who ends it for the
	// programme. They see no items: what is open is the pair's content, and
	// it all keeps its course.
	ByProgramme   bool
	RetentionDays int
	ByAgreement   bool      // the agreement in force sets the retention period, not the programme
	EraseOn       time.Time // when the content would be erased if it closed now
	Items         []ClosingItem
	People        map[string]Person // the people the items name
}

// CloseInput is a party's close: an optional reason for the partner (kept
// as a shared note of the relationship, sealed and erased with the rest)
// and the IDs of the open items they settled.
type CloseInput struct {
	Reason  string
	Settled []string
}

// MaxCloseReasonBytes bounds the reason for closing.
const MaxCloseReasonBytes = mentorvault.MaxNoteBytes

// retentionDays is how long rel's content is kept after it ends: what the
// agreement in force says (byAgreement), or else the programme's setting
// (the default for an informal relationship). Only the number leaves the
// agreement.
func (s *Service) retentionDays(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship) (days int, byAgreement bool, err error) {
	st, _, err := settingsFor(ctx, tx, rel)
	if err != nil || rel.StartedAt == nil {
		return st.RetentionDays, false, err
	}
	key, err := s.dataKey(ctx, tx, rel.ID)
	if errors.Is(err, errErased) {
		return st.RetentionDays, false, nil
	} else if err != nil {
		return 0, false, err
	}
	v, err := s.inForce(ctx, tx, rel, key)
	if err != nil {
		return 0, false, err
	}
	if v != nil && v.Terms.Expectations.RetentionDays > 0 {
		return v.Terms.Expectations.RetentionDays, true, nil
	}
	return st.RetentionDays, false, nil
}

// ClosingPlan says what closing the relationship now would mean to the
// caller: for a party, the erase date and every open item to settle; for
// a coordinator of its programme, the erase date only. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, or ECONFLICT when it cannot be
// closed in its status.
func (s *Service) ClosingPlan(ctx context.Context, p mentorvault.Principal, relID string) (*ClosingPlan, error) {
	var out *ClosingPlan
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, byProgramme, err := s.closer(ctx, tx, p, relID)
		if err != nil {
			return err
		}
		if err := closable(rel, a.user.ID, byProgramme); err != nil {
			return err
		}
		days, byAgreement, err := s.retentionDays(ctx, tx, rel)
		if err != nil {
			return err
		}
		rv, err := relView(ctx, tx, rel)
		if err != nil {
			return err
		}
		out = &ClosingPlan{Rel: rv, ByProgramme: byProgramme, RetentionDays: days, ByAgreement: byAgreement, EraseOn: tx.Now().AddDate(0, 0, days), Items: []ClosingItem{}}
		if byProgramme {
			return nil
		}
		if out.Items, err = openItems(ctx, tx, rel); err != nil {
			return err
		}
		ids := []string{}
		for _, it := range out.Items {
			ids = append(ids, it.ByID)
		}
		out.People, err = peopleByID(ctx, tx, ids)
		return err
	})
	return out, err
}

// closer resolves who closes: a party closes (policy.CloseRelationship),
// anyone else may only end it for the programme (policy.EndRelationship).
func (s *Service) closer(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, relID string) (actor, *mentorvault.Relationship, bool, error) {
	a, err := s.resolve(ctx, tx, p, policy.CloseRelationship)
	if err != nil {
		return a, nil, false, err
	}
	rel, err := loadRel(ctx, tx, relID)
	if err != nil {
		return a, nil, false, err
	}
	act := policy.CloseRelationship
	if !rel.IsParty(a.user.ID) {
		act = policy.EndRelationship
	}
	if err := s.authorizeRel(ctx, tx, a, act, rel); err != nil {
		return a, nil, false, err
	}
	return a, rel, act == policy.EndRelationship, nil
}

// closable says why rel cannot be closed (or ended by the programme) now.
func closable(rel *mentorvault.Relationship, actorID string, byProgramme bool) error {
	probe := *rel
	return probe.Close(actorID, byProgramme, time.Time{})
}

// openItems lists rel's open concerns, its disclosures not yet delivered or
// withdrawn, and its statements not yet released or ended, oldest first.
// It reads their states only; no sealed field is opened.
func openItems(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship) ([]ClosingItem, error) {
	out := []ClosingItem{}
	concerns, err := tx.FindConcerns(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	slices.Reverse(concerns) // oldest first
	for _, c := range concerns {
		link := "/relationships/" + rel.ID + "/concerns/" + c.ID
		if c.IsOpen() {
			out = append(out, ClosingItem{ID: c.ID, Kind: "concern", State: string(c.Status), ByID: c.RaisedByID, Link: link})
		}
		ds, err := tx.FindDisclosures(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.State != mentorvault.DisclosureScheduled && d.State != mentorvault.DisclosureAwaitingSignatures {
				continue
			}
			it := ClosingItem{ID: d.ID, Kind: string(d.Kind), State: string(d.State), ByID: d.DiscloserID, Link: link}
			if d.State == mentorvault.DisclosureScheduled && d.Started() {
				t := d.EffectiveAt
				it.At = &t
			}
			out = append(out, it)
		}
	}
	sts, err := tx.FindStatements(ctx, rel.ID, mentorvault.Page{Limit: 1000})
	if err != nil {
		return nil, err
	}
	slices.Reverse(sts)
	for _, st := range sts {
		switch st.State {
		case mentorvault.StatementDraft, mentorvault.StatementAwaitingConsent, mentorvault.StatementChangesRequested, mentorvault.StatementPreAuthorised:
			out = append(out, ClosingItem{ID: st.ID, Kind: "statement", State: string(st.State), ByID: st.AuthorID, At: st.ReleaseAt,
				Link: "/relationships/" + rel.ID + "/third-parties/statements/" + st.ID})
		}
	}
	return out, nil
}

// CloseRelationship closes the relationship for a party, once every open
// item is settled (its ID in in.Settled): nothing is cancelled or hastened
// by closing — a scheduled disclosure keeps its course, an open concern
// stays open, a statement not released is never released unless a signed
// clause pre-authorised it. The reason, if any, becomes a shared note the
// partner reads. The content is erased after the programme's retention
// period. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID (a
// reason too long) or ECONFLICT (not closable now, or items not settled,
// each named in the error's fields).
func (s *Service) CloseRelationship(ctx context.Context, p mentorvault.Principal, relID string, in CloseInput) (*RelationshipView, error) {
	reason := strings.TrimSpace(in.Reason)
	if len(reason) > MaxCloseReasonBytes {
		return nil, mentorvault.Invalid("the message is too long", map[string]string{"message": fmt.Sprintf("must be at most %d bytes", MaxCloseReasonBytes)})
	}
	if reason != "" {
		if err := mentorvault.ValidateText("message", reason, MaxCloseReasonBytes); err != nil {
			return nil, err
		}
	}
	var out *RelationshipView
	err := s.relOp(ctx, p, policy.CloseRelationship, relID, nil, func(o *op) (event, error) {
		rel := o.rel
		from := rel.Status
		if err := closable(rel, o.a.user.ID, false); err != nil {
			return event{}, err
		}
		items, err := openItems(o.ctx, o.tx, rel)
		if err != nil {
			return event{}, err
		}
		if unsettled := unsettledItems(items, in.Settled); len(unsettled) > 0 {
			f := map[string]string{}
			for _, it := range unsettled {
				f["settled."+it.ID] = "confirm what happens to this " + itemNoun(it.Kind) + " after closing"
			}
			return event{}, &mentorvault.Error{Code: mentorvault.ECONFLICT, Fields: f,
				Message: fmt.Sprintf("%d open %s must be settled before closing: confirm what happens to each", len(unsettled), plural(len(unsettled), "item", "items"))}
		}
		if reason != "" && rel.StartedAt != nil {
			if err := s.closingNote(o, reason); err != nil {
				return event{}, err
			}
		}
		if out, err = s.closeAndSchedule(o, false); err != nil {
			return event{}, err
		}
		text := fmt.Sprintf("%s closed the mentoring relationship.", o.a.user.Name)
		if reason != "" && rel.StartedAt != nil {
			text = fmt.Sprintf("%s closed the mentoring relationship and left you a note saying why.", o.a.user.Name)
		}
		if err := s.notifyPartner(o.ctx, o.tx, o.a, rel, mentorvault.NotifyRelationshipClosed, rel.ID, text,
			"/relationships/"+rel.ID, mentorvault.NotifyRelationshipClosed+":"+rel.ID); err != nil {
			return event{}, err
		}
		return event{"relationship.close", relTarget(rel), fmt.Sprintf("from=%s; to=%s; settled=%d; erase_on=%s", from, rel.Status, len(items), rel.EraseAt.UTC().Format(time.DateOnly))}, nil
	})
	return out, err
}

// closeAndSchedule closes o's relationship as its actor (for the programme
// when byProgramme), sets its erase date and stores it, and answers its view.
func (s *Service) closeAndSchedule(o *op, byProgramme bool) (*RelationshipView, error) {
	rel, now := o.rel, o.tx.Now()
	days, _, err := s.retentionDays(o.ctx, o.tx, rel)
	if err != nil {
		return nil, err
	}
	if err := rel.Close(o.a.user.ID, byProgramme, now); err != nil {
		return nil, err
	}
	rel.ScheduleErasure(now.AddDate(0, 0, days), now)
	if err := o.tx.UpdateRelationship(o.ctx, rel); err != nil {
		return nil, err
	}
	return relView(o.ctx, o.tx, rel)
}

// closingNote writes the closer's reason as a shared note, audited as a
// note written (note.create is the party's own act of writing).
func (s *Service) closingNote(o *op, reason string) error {
	key, err := o.key()
	if err != nil {
		return err
	}
	n := &mentorvault.Note{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, AuthorID: o.a.user.ID, Visibility: mentorvault.VisibilityShared,
		CreatedAt: o.tx.Now(), UpdatedAt: o.tx.Now()}
	if err := s.sealNote(key, n, reason); err != nil {
		return err
	}
	if err := o.tx.CreateNote(o.ctx, n); err != nil {
		return err
	}
	return s.record(o.ctx, o.tx, o.a, "note.create", noteTarget(o.rel, n.ID), withSeal("visibility=shared; on=close", sealedField{noteAD(n), n.BodySealed}))
}

func unsettledItems(items []ClosingItem, settled []string) []ClosingItem {
	var out []ClosingItem
	for _, it := range items {
		if !slices.Contains(settled, it.ID) {
			out = append(out, it)
		}
	}
	return out
}

func itemNoun(kind string) string {
	switch kind {
	case "notice":
		return "disclosure notice"
	case "plan":
		return "disclosure plan"
	}
	return kind
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// EndRelationship ends a relationship of the caller's programme for the
// programme: the pair see it was "ended by the programme", are both told,
// and its content is erased after the programme's retention period.
// Whatever the pair had open keeps its course (the coordinator sees none of
// it). Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or ECONFLICT.
func (s *Service) EndRelationship(ctx context.Context, p mentorvault.Principal, relID string) (*RelationshipView, error) {
	var out *RelationshipView
	err := s.relOp(ctx, p, policy.EndRelationship, relID, nil, func(o *op) (event, error) {
		rel := o.rel
		from := rel.Status
		var err error
		if out, err = s.closeAndSchedule(o, true); err != nil {
			return event{}, err
		}
		for _, id := range []string{rel.MentorID, rel.MenteeID} {
			if err := s.notifyBy(o.ctx, o.tx, o.a.user.ID, id, mentorvault.NotifyRelationshipEnded, rel.ID, rel.ID,
				"Your mentoring relationship was ended by the programme.", "/relationships/"+rel.ID, mentorvault.NotifyRelationshipEnded+":"+rel.ID); err != nil {
				return event{}, err
			}
		}
		return event{"relationship.end", relTarget(rel), fmt.Sprintf("from=%s; to=%s; erase_on=%s", from, rel.Status, rel.EraseAt.UTC().Format(time.DateOnly))}, nil
	})
	return out, err
}

// PlaceHold places an org admin's legal hold on a relationship: its
// erasure waits until the hold is released. Both parties are told, and see
// the hold, its reason and who placed it. Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN, EINVALID (no reason, or too long) or ECONFLICT
// (held already, or its content is erased).
func (s *Service) PlaceHold(ctx context.Context, p mentorvault.Principal, relID, reason string) (*RelationshipView, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, mentorvault.Invalid("say why the relationship is held", map[string]string{"reason": "is required"})
	case len(reason) > mentorvault.MaxHoldReasonBytes:
		return nil, mentorvault.Invalid("the reason is too long", map[string]string{"reason": fmt.Sprintf("must be at most %d bytes", mentorvault.MaxHoldReasonBytes)})
	}
	if reason != "" {
		if err := mentorvault.ValidateLine("reason", reason, mentorvault.MaxHoldReasonBytes); err != nil {
			return nil, err
		}
	}
	return s.holdOp(ctx, p, relID, func(o *op) (string, string, error) {
		switch {
		case o.rel.ErasedAt != nil:
			return "", "", mentorvault.Errorf(mentorvault.ECONFLICT, "this relationship's content is erased already: there is nothing to hold")
		case o.rel.Hold != nil:
			return "", "", mentorvault.Errorf(mentorvault.ECONFLICT, "this relationship is on hold already")
		}
		o.rel.Hold = &mentorvault.LegalHold{Reason: reason, ByID: o.a.user.ID, At: o.tx.Now()}
		return "relationship.hold", fmt.Sprintf("%s placed a legal hold on your mentoring relationship: its content is not erased while it stands.", o.a.user.Name), nil
	})
}

// ReleaseHold releases a relationship's legal hold: its erasure schedule
// resumes, never sooner than a week from now, so both parties are warned
// first. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or ECONFLICT (not
// held).
func (s *Service) ReleaseHold(ctx context.Context, p mentorvault.Principal, relID string) (*RelationshipView, error) {
	return s.holdOp(ctx, p, relID, func(o *op) (string, string, error) {
		if o.rel.Hold == nil {
			return "", "", mentorvault.Errorf(mentorvault.ECONFLICT, "this relationship is not on hold")
		}
		o.rel.Hold = nil
		now := o.tx.Now()
		if soonest := now.AddDate(0, 0, mentorvault.EraseWarnings[len(mentorvault.EraseWarnings)-1]); o.rel.EraseAt != nil && o.rel.EraseAt.Before(soonest) {
			resumeErasure(o.rel, soonest, now)
		}
		return "relationship.hold_release", fmt.Sprintf("%s released the legal hold on your mentoring relationship.", o.a.user.Name), nil
	})
}

// holdOp places or releases a hold (change sets it and says what to record
// and tell the parties).
func (s *Service) holdOp(ctx context.Context, p mentorvault.Principal, relID string, change func(o *op) (action, text string, err error)) (*RelationshipView, error) {
	var out *RelationshipView
	err := s.relOp(ctx, p, policy.HoldRelationship, relID, nil, func(o *op) (event, error) {
		action, text, err := change(o)
		if err != nil {
			return event{}, err
		}
		o.rel.UpdatedAt = o.tx.Now()
		if err := o.tx.UpdateRelationship(o.ctx, o.rel); err != nil {
			return event{}, err
		}
		if out, err = relView(o.ctx, o.tx, o.rel); err != nil {
			return event{}, err
		}
		kind := mentorvault.NotifyRelationshipHold
		if action == "relationship.hold_release" {
			kind = mentorvault.NotifyRelationshipHoldReleased
		}
		for _, id := range []string{o.rel.MentorID, o.rel.MenteeID} {
			if err := s.notifyBy(o.ctx, o.tx, o.a.user.ID, id, kind, o.rel.ID, o.rel.ID, text, "/relationships/"+o.rel.ID,
				kind+":"+o.rel.ID+":"+o.tx.Now().Format("20060102150405.000000")); err != nil {
				return event{}, err
			}
		}
		return event{action, relTarget(o.rel), ""}, nil
	})
	return out, err
}

// RetentionEvery is how often the retention job runs.
const RetentionEvery = time.Hour

// retentionBatch is how many relationships one run of the job handles.
const retentionBatch = 200

const retentionJobID = "job-maintenance-retention"

// ScheduleRetention makes sure the recurring retention job exists; every
// instance calls it at start-up.
func (s *Service) ScheduleRetention(ctx context.Context) error {
	return s.scheduleRecurring(ctx, retentionJobID, mentorvault.JobRetention)
}

// runRetention does what retention owes at now, in the job's transaction:
// it gives an erasure date to a relationship that ended before dates were
// kept (never sooner than a week away), warns both parties 30 and 7 days
// before, and on the date destroys the data key — unless a legal hold
// stands, or a disclosure or pre-authorised statement is still to take
// effect (closing never cancels one; erasure waits for it). It reports how
// many it erased, and whether there is more to do now.
func (s *Service) runRetention(ctx context.Context, tx mentorvault.Tx) (erased int, more bool, err error) {
	now := tx.Now()
	rels, err := tx.FindRetentionDue(ctx, now, retentionBatch)
	if err != nil {
		return 0, false, err
	}
	sys := actor{p: mentorvault.Principal{Via: "scheduler"}}
	progressed := 0 // relationships this run changed: only then is there more to do at once
	for _, r := range rels {
		rel, err := tx.LockRelationshipByID(ctx, r.ID)
		if err != nil {
			return 0, false, err
		}
		if rel.EraseAt == nil {
			days, _, err := s.retentionDays(ctx, tx, rel)
			if err != nil {
				return 0, false, err
			}
			erase, soonest := rel.EndedAt.AddDate(0, 0, days), now.AddDate(0, 0, mentorvault.EraseWarnings[len(mentorvault.EraseWarnings)-1])
			resumeErasure(rel, later(erase, soonest), now)
			if err := tx.UpdateRelationship(ctx, rel); err != nil {
				return 0, false, err
			}
			progressed++
			continue
		}
		if rel.EraseDue(now) {
			waiting, err := pendingCourse(ctx, tx, rel)
			if err != nil {
				return 0, false, err
			}
			if waiting {
				continue
			}
			if err := tx.DestroyDataKey(ctx, rel.ID, now); err != nil {
				return 0, false, err
			}
			t := now
			rel.ErasedAt, rel.UpdatedAt = &t, now
			if err := tx.UpdateRelationship(ctx, rel); err != nil {
				return 0, false, err
			}
			for _, id := range []string{rel.MentorID, rel.MenteeID} {
				if err := s.notify(ctx, tx, id, mentorvault.NotifyRelationshipErased, rel.ID, rel.ID,
					"The content of your closed mentoring relationship was erased, as its retention period ended.",
					"/relationships/"+rel.ID, mentorvault.NotifyRelationshipErased+":"+rel.ID); err != nil {
					return 0, false, err
				}
			}
			if err := s.record(ctx, tx, sys, "relationship.erase", relTarget(rel), ""); err != nil {
				return 0, false, err
			}
			erased++
			progressed++
			continue
		}
		if d := rel.EraseWarningDue(now); d > 0 {
			progressed++
			rel.EraseWarned = d
			if err := tx.UpdateRelationship(ctx, rel); err != nil {
				return 0, false, err
			}
			for _, id := range []string{rel.MentorID, rel.MenteeID} {
				if err := s.notify(ctx, tx, id, mentorvault.NotifyEraseWarning, rel.ID, rel.ID,
					"The content of your closed mentoring relationship will be erased on "+rel.EraseAt.UTC().Format("2 January 2006")+". Download what you want to keep before then.",
					"/relationships/"+rel.ID, fmt.Sprintf("%s:%s:%d:%s", mentorvault.NotifyEraseWarning, rel.ID, d, rel.EraseAt.UTC().Format(time.DateOnly))); err != nil {
					return 0, false, err
				}
			}
		}
	}
	// A full batch of relationships that all wait (a disclosure still to
	// take effect) is not more work now: the next hourly run looks again.
	return erased, len(rels) == retentionBatch && progressed > 0, nil
}

// resumeErasure schedules rel's erasure at erase when it resumes (a hold
// released, a date given to a relationship that ended before dates were
// kept): the last warning is sent even where its day is past, so nobody's
// content is erased without a warning.
func resumeErasure(rel *mentorvault.Relationship, erase, now time.Time) {
	rel.ScheduleErasure(erase, now)
	if rel.StartedAt != nil && rel.EraseWarned == mentorvault.EraseWarnings[len(mentorvault.EraseWarnings)-1] {
		rel.EraseWarned = mentorvault.EraseWarnings[0]
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// pendingCourse reports whether something rel's closing let keep its
// course is still to take effect: a scheduled disclosure, or a
// pre-authorised statement.
func pendingCourse(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship) (bool, error) {
	items, err := openItems(ctx, tx, rel)
	if err != nil {
		return false, err
	}
	for _, it := range items {
		if it.State == string(mentorvault.DisclosureScheduled) || it.State == string(mentorvault.StatementPreAuthorised) {
			return true, nil
		}
	}
	return false, nil
}
