package service

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// Three-way meetings with the mentee's line manager: one party proposes a
// brief (what may be revealed, and how) and a time; once both parties
// agreed that exact brief, the line manager sees the brief, the meeting and
// the notes marked for the three of them. The pair's own notes stay theirs.

// briefAD binds a three-way brief to the line manager invited, who proposed
// it, its state and each party's agreement: the line manager reads it only
// once both parties agreed it.
func briefAD(m *mentorvault.ThreeWayMeeting) seal.AD {
	return seal.AD{RelationshipID: m.RelationshipID, Record: "three_way", RecordID: m.ID, Field: "brief", Version: m.SealVersion,
		Bind: []seal.Binding{{Name: "manager", Value: m.ManagerID}, {Name: "proposed_by", Value: m.ProposedByID}, {Name: "state", Value: string(m.State)},
			{Name: "mentor_agreed", Value: strconv.FormatBool(m.MentorAgreedAt != nil)}, {Name: "mentee_agreed", Value: strconv.FormatBool(m.MenteeAgreedAt != nil)}}}
}

// threeWayNoteAD binds a note for the three to its meeting and its author.
func threeWayNoteAD(relID string, n *mentorvault.ThreeWayNote) seal.AD {
	return seal.AD{RelationshipID: relID, Record: "three_way_note", RecordID: n.ID, Field: "body", Version: n.SealVersion,
		Bind: []seal.Binding{{Name: "three_way", Value: n.ThreeWayID}, {Name: "author", Value: n.AuthorID}}}
}

// sealBrief seals m's brief at its next seal version. Every write of a
// three-way meeting calls it, since its state and agreements are bound.
func (s *Service) sealBrief(key []byte, m *mentorvault.ThreeWayMeeting) (err error) {
	m.SealVersion++
	m.BriefSealed, err = s.keys.Seal(key, briefAD(m), m.Brief)
	return err
}

// openBrief opens m's brief; one that does not open is damaged.
func (s *Service) openBrief(ctx context.Context, key []byte, m *mentorvault.ThreeWayMeeting) error {
	b, err := s.keys.Open(key, briefAD(m), m.BriefSealed)
	if err != nil {
		return s.damaged(ctx, "three-way meeting", m.ID, err)
	}
	m.Brief = b
	return nil
}

// eachThreeWay lists every three-way meeting of a relationship, and its
// notes, for VerifySealed.
func eachThreeWay(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	ms, err := tx.FindThreeWays(ctx, rel.ID, "", mentorvault.Page{})
	if err != nil {
		return err
	}
	for _, m := range ms {
		yield(sealedRecord{record: "three_way", id: m.ID, version: m.SealVersion, fields: []sealedField{{briefAD(m), m.BriefSealed}}})
		ns, err := tx.FindThreeWayNotes(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, n := range ns {
			yield(sealedRecord{record: "three_way_note", id: n.ID, version: n.SealVersion, fields: []sealedField{{threeWayNoteAD(rel.ID, n), n.BodySealed}}})
		}
	}
	return nil
}

func threeWayResource(rel *mentorvault.Relationship, m *mentorvault.ThreeWayMeeting) policy.ThreeWay {
	return policy.ThreeWay{ID: m.ID, ManagerID: m.ManagerID, State: string(m.State),
		Agreed: m.MentorAgreedAt != nil && m.MenteeAgreedAt != nil, Relationship: relResource(rel)}
}

func threeWayLink(id string) string { return "/three-way/" + id }

// MaxBriefBytes bounds a three-way brief and its notes.
const MaxBriefBytes = 8 << 10

// ThreeWayInput is a three-way meeting's brief and time.
type ThreeWayInput struct {
	Brief    string // what may be revealed, and how
	StartsAt time.Time
	Minutes  int
	Location string
}

func (in ThreeWayInput) validate() error {
	f := map[string]string{}
	if err := mentorvault.ValidateMeetingInput(in.StartsAt, in.Minutes, in.Location, ""); err != nil {
		f = mentorvault.ErrorFields(err)
	}
	if err := mentorvault.ValidateText("brief", in.Brief, MaxBriefBytes); err != nil {
		f["brief"] = mentorvault.ErrorFields(err)["brief"]
	}
	if len(f) > 0 {
		return mentorvault.Invalid("the three-way meeting is not valid", f)
	}
	return nil
}

// ThreeWayView is a three-way meeting, opened, with its people and notes.
type ThreeWayView struct {
	*mentorvault.ThreeWayMeeting
	Mentor, Mentee, Manager Person
	Notes                   []*ThreeWayNoteView
	// Allowed holds what Cedar lets the viewer do to the meeting
	// (ThreeWayActions); ThreeWay sets it, and it is nil elsewhere.
	Allowed policy.Allowed
	// mayAgree is the meeting's own state for the viewer
	// (ThreeWayMeeting.CanAgree): the brief awaits their agreement.
	mayAgree bool
	// now is when the view was read, for what the meeting's time allows.
	now time.Time
}

// ThreeWayActions are the actions a three-way meeting's page may offer its viewer.
var ThreeWayActions = []policy.Action{policy.ReadThreeWay, policy.ActThreeWay, policy.NoteThreeWay}

// CanAgree reports whether the viewer may agree the brief: Cedar allows
// threeway.act and the brief awaits their agreement.
func (v *ThreeWayView) CanAgree() bool { return v.Allowed.Has(policy.ActThreeWay) && v.mayAgree }

// CanRevise reports whether the viewer may change the brief or the time:
// Cedar allows threeway.act and the brief is not yet agreed by both.
func (v *ThreeWayView) CanRevise() bool {
	return v.Allowed.Has(policy.ActThreeWay) && v.AwaitsAgreement()
}

// CanHold reports whether the viewer may mark the meeting held.
func (v *ThreeWayView) CanHold() bool {
	return v.Allowed.Has(policy.ActThreeWay) && v.CanFinish(mentorvault.ThreeWayHeld, v.now)
}

// CanCancel reports whether the viewer may cancel the meeting.
func (v *ThreeWayView) CanCancel() bool {
	return v.Allowed.Has(policy.ActThreeWay) && v.CanFinish(mentorvault.ThreeWayCancelled, v.now)
}

// CanNote reports whether the viewer may add a note for the three (Cedar's
// threeway.note also asks that the brief be agreed and the meeting not cancelled).
func (v *ThreeWayView) CanNote() bool { return v.Allowed.Has(policy.NoteThreeWay) }

// ThreeWayNoteView is a note for the three, with its author named.
type ThreeWayNoteView struct {
	*mentorvault.ThreeWayNote
	Author Person
}

// threeWayView opens m with its people and, withNotes, its notes. A damaged
// brief is flagged (a single read has refused it in threeWayCall already),
// and so is a damaged note, the rest served.
func (s *Service) threeWayView(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, key []byte, m *mentorvault.ThreeWayMeeting, withNotes bool) (*ThreeWayView, error) {
	err := s.openBrief(ctx, key, m)
	switch {
	case isDamaged(err):
		m.Damaged = true
	case err != nil:
		return nil, err
	}
	v := &ThreeWayView{ThreeWayMeeting: m, now: tx.Now()}
	if v.Mentor, err = person(ctx, tx, rel.MentorID); err != nil {
		return nil, err
	}
	if v.Mentee, err = person(ctx, tx, rel.MenteeID); err != nil {
		return nil, err
	}
	if v.Manager, err = person(ctx, tx, m.ManagerID); err != nil {
		return nil, err
	}
	if !withNotes {
		return v, nil
	}
	ns, err := tx.FindThreeWayNotes(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		if n.Body, err = s.keys.Open(key, threeWayNoteAD(rel.ID, n), n.BodySealed); err != nil {
			if err := s.damaged(ctx, "three-way note", n.ID, err); !isDamaged(err) {
				return nil, err
			}
			n.Damaged = true // shown as damaged; the other notes are served
		}
		nv := &ThreeWayNoteView{ThreeWayNote: n}
		if nv.Author, err = person(ctx, tx, n.AuthorID); err != nil {
			return nil, err
		}
		v.Notes = append(v.Notes, nv)
	}
	return v, nil
}

// ProposeThreeWay proposes a three-way meeting with the mentee's line
// manager: the brief and the time, agreed by the proposer; the other party
// agrees next. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or
// ECONFLICT (the mentee has no line manager).
func (s *Service) ProposeThreeWay(ctx context.Context, p mentorvault.Principal, relID string, in ThreeWayInput) (*ThreeWayView, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *ThreeWayView
	err := s.relOp(ctx, p, policy.ActThirdParty, relID, partyRefusal, func(o *op) (event, error) {
		mgr, err := menteeManager(o.ctx, o.tx, o.rel)
		if err != nil {
			return event{}, err
		}
		if mgr == nil {
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "the mentee has no line manager on record to invite")
		}
		if o.rel.IsParty(mgr.ID) {
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "the mentee's line manager is already in this relationship")
		}
		m := &mentorvault.ThreeWayMeeting{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, ManagerID: mgr.ID, ProposedByID: o.a.user.ID,
			StartsAt: in.StartsAt.UTC().Truncate(time.Minute), Minutes: in.Minutes, Location: in.Location, State: mentorvault.ThreeWayProposed,
			CreatedAt: o.tx.Now(), UpdatedAt: o.tx.Now()}
		if err := m.Revise(o.rel, o.a.user.ID, o.tx.Now()); err != nil { // the proposer agrees to their own brief
			return event{}, err
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		m.Brief = mentorvault.NewSecret(in.Brief)
		if err := s.sealBrief(key, m); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateThreeWay(o.ctx, m); err != nil {
			return event{}, err
		}
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "threeway.proposed", m.ID,
			fmt.Sprintf("%s proposed a three-way meeting with %s. Read the brief: %s sees nothing until you both agree it.", o.a.user.Name, mgr.Name, mgr.Name),
			thirdPartyLink(o.rel.ID), fmt.Sprintf("threeway.proposed:%s:%d", m.ID, m.UpdatedAt.UnixNano())); err != nil {
			return event{}, err
		}
		if out, err = s.threeWayView(o.ctx, o.tx, o.rel, key, m, true); err != nil {
			return event{}, err
		}
		return event{"threeway.propose", threeWayTarget(o.rel, m.ID), withSeal("", sealedField{briefAD(m), m.BriefSealed})}, nil
	})
	return out, err
}

func loadThreeWay(ctx context.Context, tx mentorvault.Tx, id string) (*mentorvault.ThreeWayMeeting, *mentorvault.Relationship, error) {
	return lockRecord(ctx, tx, id, "three-way meeting", tx.FindThreeWayByID, func(m *mentorvault.ThreeWayMeeting) string { return m.RelationshipID })
}

// threeWayCall resolves the actor and a three-way meeting and decides act
// on it. A meeting the actor may not read is not found.
func (s *Service) threeWayCall(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action, id string) (actor, *mentorvault.Relationship, *mentorvault.ThreeWayMeeting, []byte, error) {
	a, err := s.resolve(ctx, tx, p, act)
	if err != nil {
		return a, nil, nil, nil, err
	}
	m, rel, err := loadThreeWay(ctx, tx, id)
	if err != nil {
		return a, nil, nil, nil, err
	}
	res := threeWayResource(rel, m)
	hidden := always
	if act != policy.ReadThreeWay {
		hidden = s.unless(ctx, a, policy.ReadThreeWay, res)
	}
	if err := s.authorize(ctx, tx, a, act, res, threeWayTarget(rel, m.ID), hidden); err != nil {
		return a, nil, nil, nil, err
	}
	key, err := s.dataKey(ctx, tx, rel.ID)
	if err != nil {
		return a, nil, nil, nil, err
	}
	// Opening checks its bindings: the manager and the agreements decide
	// who reads the brief and the notes.
	return a, rel, m, key, s.openBrief(ctx, key, m)
}

// ThreeWay returns a three-way meeting with its brief and its notes for
// the three, to the pair and — once both agreed the brief — to the line
// manager, with what the caller may do to it (Allowed). Returns EUNAUTHENTICATED or ENOTFOUND.
func (s *Service) ThreeWay(ctx context.Context, p mentorvault.Principal, id string) (*ThreeWayView, error) {
	var out *ThreeWayView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, m, key, err := s.threeWayCall(ctx, tx, p, policy.ReadThreeWay, id)
		if err != nil {
			return err
		}
		if out, err = s.threeWayView(ctx, tx, rel, key, m, true); err != nil {
			return err
		}
		out.Allowed = s.allowed(ctx, a, threeWayResource(rel, m), ThreeWayActions...)
		out.mayAgree = m.CanAgree(rel, a.user.ID)
		return s.record(ctx, tx, a, "threeway.read", threeWayTarget(rel, m.ID), "")
	})
	return out, err
}

// MyThreeWays lists the three-way meetings the caller was invited to as a
// line manager whose brief both parties agreed. Returns EUNAUTHENTICATED.
func (s *Service) MyThreeWays(ctx context.Context, p mentorvault.Principal) ([]*ThreeWayView, error) {
	var out []*ThreeWayView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out = nil // inTx may run this again: start afresh
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		ms, err := tx.FindThreeWays(ctx, "", a.user.ID, mentorvault.Page{})
		if err != nil {
			return err
		}
		for _, m := range ms {
			rel, err := tx.FindRelationshipByID(ctx, m.RelationshipID)
			if err != nil {
				return err
			}
			if !s.may(ctx, a, policy.ReadThreeWay, threeWayResource(rel, m)) {
				continue // not agreed yet: the line manager does not learn of it
			}
			key, err := s.dataKey(ctx, tx, rel.ID)
			if errors.Is(err, errErased) {
				continue // shredded: its content is gone with its key
			}
			if err != nil {
				return err
			}
			v, err := s.threeWayView(ctx, tx, rel, key, m, false)
			if err != nil {
				return err
			}
			out = append(out, v)
			if err := s.record(ctx, tx, a, "threeway.read", threeWayTarget(rel, m.ID), ""); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ReviseThreeWay changes a proposed brief or time; the other party must
// agree again. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) ReviseThreeWay(ctx context.Context, p mentorvault.Principal, id string, in ThreeWayInput) (*ThreeWayView, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *ThreeWayView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, m, key, err := s.threeWayCall(ctx, tx, p, policy.ActThreeWay, id)
		if err != nil {
			return err
		}
		if err := m.Revise(rel, a.user.ID, tx.Now()); err != nil {
			return err
		}
		m.StartsAt, m.Minutes, m.Location = in.StartsAt.UTC().Truncate(time.Minute), in.Minutes, in.Location
		m.Brief = mentorvault.NewSecret(in.Brief)
		if err := s.sealBrief(key, m); err != nil {
			return err
		}
		if err := tx.UpdateThreeWay(ctx, m); err != nil {
			return err
		}
		if err := s.notifyPartner(ctx, tx, a, rel, "threeway.proposed", m.ID, a.user.Name+" changed the brief of the three-way meeting: read it and agree again.",
			thirdPartyLink(rel.ID), fmt.Sprintf("threeway.proposed:%s:%d", m.ID, m.UpdatedAt.UnixNano())); err != nil {
			return err
		}
		if out, err = s.threeWayView(ctx, tx, rel, key, m, true); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "threeway.revise", threeWayTarget(rel, m.ID), withSeal("", sealedField{briefAD(m), m.BriefSealed}))
	})
	return out, err
}

// AgreeThreeWay records the caller's agreement to the brief; once both
// agreed, the line manager is invited and sees the brief. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or ECONFLICT.
func (s *Service) AgreeThreeWay(ctx context.Context, p mentorvault.Principal, id string) (*ThreeWayView, error) {
	var out *ThreeWayView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, m, key, err := s.threeWayCall(ctx, tx, p, policy.ActThreeWay, id)
		if err != nil {
			return err
		}
		if err := m.Agree(rel, a.user.ID, tx.Now()); err != nil {
			return err
		}
		if err := s.sealBrief(key, m); err != nil {
			return err
		}
		if err := tx.UpdateThreeWay(ctx, m); err != nil {
			return err
		}
		if m.State == mentorvault.ThreeWayAgreed {
			nm, err := names(ctx, tx, rel.MentorID, rel.MenteeID)
			if err != nil {
				return err
			}
			if err := s.notify(ctx, tx, m.ManagerID, "threeway.invited", "", m.ID,
				fmt.Sprintf("%s and %s invite you to a three-way mentoring meeting on %s. Read the brief they agreed.", nm[rel.MentorID], nm[rel.MenteeID],
					m.StartsAt.Format("Mon 2 Jan 2006, 15:04 MST")), threeWayLink(m.ID), "threeway.invited:"+m.ID); err != nil {
				return err
			}
			if err := s.notifyPartner(ctx, tx, a, rel, "threeway.agreed", m.ID, a.user.Name+" agreed the brief: the line manager is invited.",
				thirdPartyLink(rel.ID), "threeway.agreed:"+m.ID); err != nil {
				return err
			}
		}
		if out, err = s.threeWayView(ctx, tx, rel, key, m, true); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "threeway.agree", threeWayTarget(rel, m.ID), withSeal("state="+string(m.State), sealedField{briefAD(m), m.BriefSealed}))
	})
	return out, err
}

// FinishThreeWay records that the meeting was held or cancelled. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) FinishThreeWay(ctx context.Context, p mentorvault.Principal, id string, to mentorvault.ThreeWayState) (*ThreeWayView, error) {
	if err := lines(p, "state", string(to)); err != nil {
		return nil, err
	}
	var out *ThreeWayView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, m, key, err := s.threeWayCall(ctx, tx, p, policy.ActThreeWay, id)
		if err != nil {
			return err
		}
		wasAgreed := m.State == mentorvault.ThreeWayAgreed
		if err := m.Finish(to, tx.Now()); err != nil {
			return err
		}
		if err := s.sealBrief(key, m); err != nil {
			return err
		}
		if err := tx.UpdateThreeWay(ctx, m); err != nil {
			return err
		}
		if to == mentorvault.ThreeWayCancelled && wasAgreed {
			if err := s.notify(ctx, tx, m.ManagerID, "threeway.cancelled", "", m.ID, "The three-way mentoring meeting on "+
				m.StartsAt.Format("Mon 2 Jan 2006, 15:04 MST")+" was cancelled.", threeWayLink(m.ID), "threeway.cancelled:"+m.ID); err != nil {
				return err
			}
		}
		if out, err = s.threeWayView(ctx, tx, rel, key, m, true); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "threeway."+string(to), threeWayTarget(rel, m.ID), withSeal("", sealedField{briefAD(m), m.BriefSealed}))
	})
	return out, err
}

// AddThreeWayNote adds a note marked for the three of them (the pair and
// the line manager), once the brief is agreed. Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) AddThreeWayNote(ctx context.Context, p mentorvault.Principal, id, body string) (*ThreeWayNoteView, error) {
	if err := mentorvault.ValidateText("body", body, MaxBriefBytes); err != nil {
		return nil, err
	}
	var out *ThreeWayNoteView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, m, key, err := s.threeWayCall(ctx, tx, p, policy.NoteThreeWay, id)
		if err != nil {
			return err
		}
		n := &mentorvault.ThreeWayNote{ID: mentorvault.NewID(), ThreeWayID: m.ID, AuthorID: a.user.ID, Body: mentorvault.NewSecret(body), CreatedAt: tx.Now(), SealVersion: 1}
		if n.BodySealed, err = s.keys.Seal(key, threeWayNoteAD(rel.ID, n), n.Body); err != nil {
			return err
		}
		if err := tx.CreateThreeWayNote(ctx, n); err != nil {
			return err
		}
		for _, uid := range []string{rel.MentorID, rel.MenteeID, m.ManagerID} {
			if uid == a.user.ID {
				continue
			}
			relID, link := rel.ID, threeWayLink(m.ID)
			if uid == m.ManagerID {
				relID = ""
			}
			if err := s.notify(ctx, tx, uid, "threeway.note", relID, m.ID, a.user.Name+" added a note to the three-way meeting.", link,
				"threeway.note:"+n.ID); err != nil {
				return err
			}
		}
		out = &ThreeWayNoteView{ThreeWayNote: n, Author: Person{ID: a.user.ID, Name: a.user.Name, Email: a.user.Email}}
		return s.record(ctx, tx, a, "threeway.note", threeWayTarget(rel, m.ID), withSeal("", sealedField{threeWayNoteAD(rel.ID, n), n.BodySealed}))
	})
	return out, err
}
