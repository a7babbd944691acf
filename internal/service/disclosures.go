package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// Disclosure plans and notices: the last steps of breaking confidentiality.
// A plan both parties sign, or a notice one files, takes effect only after the
// other party has had it for the notice period (at once only for imminent
// danger); delivery is a durable job.

// disclosureADFor binds a disclosure's sealed field to the concern it
// belongs to, its kind, who discloses, to whom (a user or a named outsider)
// and its state: the recipient reads it only once delivered. An outside
// recipient's name is itself a sealed field of the record.
func disclosureADFor(d *mentorvault.Disclosure, field string) seal.AD {
	return seal.AD{RelationshipID: d.RelationshipID, Record: "disclosure", RecordID: d.ID, Field: field, Version: d.SealVersion,
		Bind: []seal.Binding{{Name: "concern", Value: d.ConcernID}, {Name: "kind", Value: string(d.Kind)}, {Name: "discloser", Value: d.DiscloserID},
			{Name: "recipient", Value: d.RecipientUserID}, {Name: "state", Value: string(d.State)}}}
}

func disclosureAD(d *mentorvault.Disclosure) seal.AD { return disclosureADFor(d, "content") }

// sealDisclosure seals d's content at its next seal version. Every write of
// a disclosure calls it, since its state is bound: the caller has opened it.
func (s *Service) sealDisclosure(key []byte, d *mentorvault.Disclosure) (err error) {
	d.SealVersion++
	if d.ContentSealed, err = s.keys.Seal(key, disclosureAD(d), d.Content); err != nil {
		return err
	}
	d.HowSealed, d.RecipientNameSealed = nil, nil
	if d.How != "" {
		if d.HowSealed, err = s.keys.Seal(key, disclosureADFor(d, "how"), mentorvault.NewSecret(d.How)); err != nil {
			return err
		}
	}
	if d.RecipientName != "" {
		d.RecipientNameSealed, err = s.keys.Seal(key, disclosureADFor(d, "recipient_name"), mentorvault.NewSecret(d.RecipientName))
	}
	return err
}

// disclosureSealed is what a write of d sealed, for its audit event.
func disclosureSealed(d *mentorvault.Disclosure) []sealedField {
	return []sealedField{{disclosureAD(d), d.ContentSealed}, {disclosureADFor(d, "how"), d.HowSealed},
		{disclosureADFor(d, "recipient_name"), d.RecipientNameSealed}}
}

// openDisclosure opens d's content; one that does not open is damaged.
func (s *Service) openDisclosure(ctx context.Context, key []byte, d *mentorvault.Disclosure) error {
	c, err := s.keys.Open(key, disclosureAD(d), d.ContentSealed)
	if err != nil {
		return s.damaged(ctx, "disclosure", d.ID, err)
	}
	for _, f := range []struct {
		name   string
		sealed []byte
		to     *string
	}{{"how", d.HowSealed, &d.How}, {"recipient_name", d.RecipientNameSealed, &d.RecipientName}} {
		if f.sealed == nil {
			continue // empty, or a row from before they were sealed (SealLeftovers)
		}
		v, err := s.keys.Open(key, disclosureADFor(d, f.name), f.sealed)
		if err != nil {
			return s.damaged(ctx, "disclosure", d.ID, err)
		}
		*f.to = v.Reveal()
	}
	d.Content = c
	return nil
}

// loadOpenDisclosure loads a disclosure of the operation's relationship and
// opens it (checking what it binds) before a write.
func (s *Service) loadOpenDisclosure(o *op, id string) (*mentorvault.Disclosure, []byte, error) {
	d, err := loadDisclosure(o.ctx, o.tx, o.rel, id)
	if err != nil {
		return nil, nil, err
	}
	key, err := o.key()
	if err != nil {
		return nil, nil, err
	}
	return d, key, s.openDisclosure(o.ctx, key, d)
}

// eachDisclosure lists every disclosure of a relationship for VerifySealed.
func eachDisclosure(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	cs, err := tx.FindConcerns(ctx, rel.ID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		ds, err := tx.FindDisclosures(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			yield(sealedRecord{record: "disclosure", id: d.ID, version: d.SealVersion, fields: disclosureSealed(d)})
		}
	}
	return nil
}

func disclosureResource(rel *mentorvault.Relationship, d *mentorvault.Disclosure) policy.Disclosure {
	return policy.Disclosure{ID: d.ID, RecipientUserID: d.RecipientUserID, State: string(d.State), Relationship: relResource(rel)}
}

// DisclosureInput is what will be disclosed, to whom, how and when.
type DisclosureInput struct {
	DiscloserID    string // plans: who of the pair discloses ("" = the caller)
	RecipientEmail string // a user of the organisation, or
	RecipientName  string // someone outside the system
	How            string
	Content        string
	EffectiveAt    time.Time
	Imminent       bool // notices only, and only for a concern raised as imminent
}

// check refuses, before anything is loaded, control characters in the
// input's single-line values (how is one line too: "in person", "by
// phone"), and an implausible date. Returns EUNAUTHENTICATED or EINVALID.
func (in DisclosureInput) check(p mentorvault.Principal) error {
	if err := lines(p, "discloser_id", in.DiscloserID, "recipient_email", in.RecipientEmail, "recipient_name", in.RecipientName, "how", in.How); err != nil {
		return err
	}
	return mentorvault.ValidateTime("effective_at", in.EffectiveAt)
}

func (s *Service) newDisclosure(ctx context.Context, tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, c *mentorvault.Concern, key []byte, kind mentorvault.DisclosureKind, in DisclosureInput) (*mentorvault.Disclosure, error) {
	f := map[string]string{}
	if err := mentorvault.ValidateText("content", in.Content, mentorvault.MaxConcernText); err != nil {
		f["content"] = mentorvault.ErrorFields(err)["content"]
	}
	if len(in.How) > 500 {
		f["how"] = "is too long"
	}
	d := &mentorvault.Disclosure{ID: mentorvault.NewID(), ConcernID: c.ID, RelationshipID: rel.ID, Kind: kind, DiscloserID: a.user.ID,
		How: in.How, EffectiveAt: in.EffectiveAt.UTC(), CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
	if kind == mentorvault.DisclosurePlan && in.DiscloserID != "" {
		if !rel.IsParty(in.DiscloserID) {
			f["discloser_id"] = "must be one of the pair"
		}
		d.DiscloserID = in.DiscloserID
	}
	switch {
	case in.RecipientEmail != "" && in.RecipientName != "":
		f["recipient"] = "give a user's email or an outside recipient's name, not both"
	case in.RecipientEmail != "":
		u, err := tx.FindUserByEmail(ctx, mentorvault.NormalizeEmail(in.RecipientEmail))
		if err != nil || u.OrgID != rel.OrgID {
			f["recipient_email"] = "is not a member of the organisation"
		} else if rel.IsParty(u.ID) {
			f["recipient_email"] = "must be someone outside the pair"
		} else {
			d.RecipientUserID = u.ID
		}
	case in.RecipientName != "":
		if err := mentorvault.ValidateLine("recipient_name", in.RecipientName, mentorvault.MaxConcernText); err != nil || len(in.RecipientName) > 200 {
			f["recipient_name"] = "must be a name of at most 200 characters"
		}
		d.RecipientName = in.RecipientName
	default:
		f["recipient"] = "say to whom: a user's email or an outside recipient's name"
	}
	if in.EffectiveAt.IsZero() {
		f["effective_at"] = "is required"
	}
	if len(f) > 0 {
		return nil, mentorvault.Invalid("the disclosure is not valid", f)
	}
	d.Content = mentorvault.NewSecret(in.Content)
	return d, nil // sealed by the caller once its state is settled
}

// schedule makes a disclosure take effect at its time: at once (in this
// transaction) when due now, otherwise through a durable job. A disclosure
// it delivered at once is the caller's to store and, after its last other
// write, to audit (recordDelivery).
func (s *Service) schedule(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, key []byte, d *mentorvault.Disclosure) error {
	d.State = mentorvault.DisclosureScheduled
	if !d.Started() {
		return nil // a notice: its job is made once it reaches the other party (startNotice)
	}
	if !d.EffectiveAt.After(tx.Now()) {
		return s.deliver(ctx, tx, rel, key, d)
	}
	return tx.CreateJob(ctx, &mentorvault.Job{ID: mentorvault.NewID(), Kind: mentorvault.JobDeliverDisclosure, RefID: d.ID, RunAt: d.EffectiveAt, CreatedAt: tx.Now()})
}

// ProposeDisclosurePlan proposes the joint disclosure plan (who discloses
// what, to whom, how and when), signed by the proposer; it takes effect once
// the other party signs too. Returns EUNAUTHENTICATED, ENOTFOUND,
// EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) ProposeDisclosurePlan(ctx context.Context, p mentorvault.Principal, relID, concernID string, in DisclosureInput) (*mentorvault.Disclosure, error) {
	if err := in.check(p); err != nil {
		return nil, err
	}
	var out *mentorvault.Disclosure
	err := s.relOp(ctx, p, policy.ActOnConcern, relID, partyRefusal, func(o *op) (event, error) {
		c, key, err := s.openConcern(o, concernID)
		if err != nil {
			return event{}, err
		}
		d, err := s.newDisclosure(o.ctx, o.tx, o.a, o.rel, c, key, mentorvault.DisclosurePlan, in)
		if err != nil {
			return event{}, err
		}
		if d.EffectiveAt.Before(o.tx.Now()) {
			d.EffectiveAt = o.tx.Now()
		}
		d.State = mentorvault.DisclosureAwaitingSignatures
		if _, err := d.Sign(o.rel, o.a.user.ID, o.tx.Now()); err != nil {
			return event{}, err
		}
		if err := s.sealDisclosure(key, d); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateDisclosure(o.ctx, d); err != nil {
			return event{}, err
		}
		out = d
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "disclosure.plan", d.ID, o.a.user.Name+" proposed a joint disclosure plan for you to read and sign.",
			concernLink(o.rel.ID, c.ID), "disclosure.plan:"+d.ID); err != nil {
			return event{}, err
		}
		return event{"disclosure.plan", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "disclosure", id: d.ID}, withSeal("concern="+c.ID, disclosureSealed(d)...)}, nil
	})
	return out, err
}

func loadDisclosure(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, id string) (*mentorvault.Disclosure, error) {
	return loadIn(ctx, rel, id, "disclosure", tx.FindDisclosureByID, func(d *mentorvault.Disclosure) string { return d.RelationshipID })
}

// SignDisclosurePlan adds the caller's signature to a plan; with both it is
// scheduled (or takes effect at once if its time has come). Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or ECONFLICT.
func (s *Service) SignDisclosurePlan(ctx context.Context, p mentorvault.Principal, relID, disclosureID string) (*mentorvault.Disclosure, error) {
	var out *mentorvault.Disclosure
	err := s.relOp(ctx, p, policy.ActOnConcern, relID, partyRefusal, func(o *op) (event, error) {
		d, key, err := s.loadOpenDisclosure(o, disclosureID)
		if err != nil {
			return event{}, err
		}
		both, err := d.Sign(o.rel, o.a.user.ID, o.tx.Now())
		if err != nil {
			return event{}, err
		}
		d.UpdatedAt = o.tx.Now()
		if both {
			if err := s.schedule(o.ctx, o.tx, o.rel, key, d); err != nil {
				return event{}, err
			}
		}
		if err := s.sealDisclosure(key, d); err != nil {
			return event{}, err
		}
		if err := o.tx.UpdateDisclosure(o.ctx, d); err != nil {
			return event{}, err
		}
		out = d
		if d.State == mentorvault.DisclosureDelivered { // due already: delivered by schedule
			if err := s.recordDelivery(o.ctx, o.tx, o.rel, d); err != nil {
				return event{}, err
			}
		}
		return event{"disclosure.sign", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "disclosure", id: d.ID}, withSeal("state="+string(d.State), disclosureSealed(d)...)}, nil
	})
	return out, err
}

// FileDisclosureNotice files one party's notice when the pair cannot agree:
// exactly what will be said, to whom and when. The other party receives it
// at once; it cannot take effect before the programme's minimum notice,
// except for an imminent danger, when it may take effect at once and the
// notice is delivered at the same time, marked as such. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) FileDisclosureNotice(ctx context.Context, p mentorvault.Principal, relID, concernID string, in DisclosureInput) (*mentorvault.Disclosure, error) {
	if err := in.check(p); err != nil {
		return nil, err
	}
	var out *mentorvault.Disclosure
	err := s.relOp(ctx, p, policy.ActOnConcern, relID, partyRefusal, func(o *op) (event, error) {
		c, key, err := s.openConcern(o, concernID)
		if err != nil {
			return event{}, err
		}
		in.DiscloserID = ""
		d, err := s.newDisclosure(o.ctx, o.tx, o.a, o.rel, c, key, mentorvault.DisclosureNotice, in)
		if err != nil {
			return event{}, err
		}
		if in.Imminent && !c.Imminent {
			return event{}, mentorvault.Invalid("the notice is not valid", map[string]string{"imminent": "only a concern raised as an imminent danger can skip the notice period"})
		}
		st, _, err := settingsFor(o.ctx, o.tx, o.rel)
		if err != nil {
			return event{}, err
		}
		d.Imminent = in.Imminent
		if d.Imminent && d.EffectiveAt.Before(o.tx.Now()) {
			d.EffectiveAt = o.tx.Now() // "now" on the filer's clock: at once
		}
		earliest := mentorvault.EarliestEffective(o.tx.Now(), st.MinNoticeHours, d.Imminent)
		if d.EffectiveAt.Before(earliest) {
			return event{}, mentorvault.Invalid("the notice is not valid", map[string]string{"effective_at": fmt.Sprintf(
				"must be at least %d hours from now (%s at the earliest): the other party gets the programme's minimum notice", st.MinNoticeHours, s.timeFor(o.ctx, o.tx, o.a.user.ID, earliest))})
		}
		if err := s.schedule(o.ctx, o.tx, o.rel, key, d); err != nil {
			return event{}, err
		}
		if err := s.sealDisclosure(key, d); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateDisclosure(o.ctx, d); err != nil {
			return event{}, err
		}
		out = d
		text := fmt.Sprintf("%s filed a disclosure notice: it takes effect on %s at the earliest, and not until %d hours after it reaches you "+
			"(by email, or now that you open it here), unless withdrawn. Read exactly what will be said, and to whom.",
			o.a.user.Name, d.EffectiveAt.Format(noticeTime), st.MinNoticeHours)
		if d.Imminent {
			text = o.a.user.Name + " made an urgent disclosure because of an imminent danger. Read exactly what was said, and to whom."
		}
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "disclosure.notice", d.ID, text, concernLink(o.rel.ID, c.ID), "disclosure.notice:"+d.ID); err != nil {
			return event{}, err
		}
		if d.State == mentorvault.DisclosureDelivered { // imminent: delivered by schedule
			if err := s.recordDelivery(o.ctx, o.tx, o.rel, d); err != nil {
				return event{}, err
			}
		}
		return event{"disclosure.notice", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "disclosure", id: d.ID},
			withSeal(fmt.Sprintf("effective_at=%s; imminent=%v", d.EffectiveAt.Format(time.RFC3339), d.Imminent), disclosureSealed(d)...)}, nil
	})
	return out, err
}

// WithdrawDisclosure withdraws a plan or notice before it takes effect: a
// notice by its discloser, a plan by either party. Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN or ECONFLICT.
func (s *Service) WithdrawDisclosure(ctx context.Context, p mentorvault.Principal, relID, disclosureID string) (*mentorvault.Disclosure, error) {
	var out *mentorvault.Disclosure
	err := s.relOp(ctx, p, policy.ActOnConcern, relID, partyRefusal, func(o *op) (event, error) {
		d, key, err := s.loadOpenDisclosure(o, disclosureID)
		if err != nil {
			return event{}, err
		}
		if !d.MayBeWithdrawnBy(o.a.user.ID) { // ownership, enforced here rather than by Cedar
			return event{}, mentorvault.Errorf(mentorvault.EFORBIDDEN, "only the party who filed the notice can withdraw it")
		}
		if err := d.Withdraw(o.tx.Now()); err != nil {
			return event{}, err
		}
		if err := s.sealDisclosure(key, d); err != nil {
			return event{}, err
		}
		if err := o.tx.UpdateDisclosure(o.ctx, d); err != nil {
			return event{}, err
		}
		out = d
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "disclosure.withdrawn", d.ID, o.a.user.Name+" withdrew a disclosure before it took effect.",
			concernLink(o.rel.ID, d.ConcernID), "disclosure.withdrawn:"+d.ID); err != nil {
			return event{}, err
		}
		return event{"disclosure.withdraw", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "disclosure", id: d.ID}, withSeal("", disclosureSealed(d)...)}, nil
	})
	return out, err
}

// deliver makes a scheduled disclosure take effect: the recipient, if a
// user, receives it in-app; one to someone outside is recorded as made;
// both parties are told. Runs in the caller's transaction, which stores d
// and then, after its last other write, appends recordDelivery; d's content
// is open, and sealed here for its new state (key nil: the relationship's
// key was destroyed and the content is gone with it).
func (s *Service) deliver(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, key []byte, d *mentorvault.Disclosure) error {
	if err := d.Deliver(tx.Now()); err != nil {
		return err
	}
	if key != nil {
		if err := s.sealDisclosure(key, d); err != nil {
			return err
		}
	}
	for _, uid := range []string{rel.MentorID, rel.MenteeID} {
		text := "A disclosure about your relationship has now been made"
		if d.RecipientName != "" || d.RecipientNameSealed != nil {
			text += " (outside mentorvault)" // to whom is sealed: the concern's page says
		}
		if err := s.notify(ctx, tx, uid, "disclosure.delivered", rel.ID, d.ID, text+".", concernLink(rel.ID, d.ConcernID), "disclosure.delivered:"+d.ID); err != nil {
			return err
		}
	}
	if d.RecipientUserID != "" {
		if err := s.notify(ctx, tx, d.RecipientUserID, "disclosure.received", "", d.ID, "You have received a confidential disclosure from a mentoring relationship.",
			"/disclosures", "disclosure.received:"+d.ID); err != nil {
			return err
		}
	}
	return nil
}

// recordDelivery appends the audit event of a delivered disclosure.
func (s *Service) recordDelivery(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, d *mentorvault.Disclosure) error {
	sys := actor{p: mentorvault.Principal{Via: "scheduler"}}
	return s.record(ctx, tx, sys, "disclosure.delivered", target{orgID: rel.OrgID, relID: rel.ID, typ: "disclosure", id: d.ID},
		withSeal(fmt.Sprintf("kind=%s; imminent=%v", d.Kind, d.Imminent), disclosureSealed(d)...))
}

// runDelivery delivers the job's disclosure if it is still scheduled; a
// withdrawn one is left as it is.
func (s *Service) runDelivery(ctx context.Context, tx mentorvault.Tx, j *mentorvault.Job) error {
	d, rel, err := lockRecord(ctx, tx, j.RefID, "disclosure", tx.FindDisclosureByID, func(d *mentorvault.Disclosure) string { return d.RelationshipID })
	if err != nil {
		return err
	}
	if d.State != mentorvault.DisclosureScheduled || !d.Started() {
		return nil // withdrawn, or (never by this job) a notice that has not started
	}
	key, err := s.dataKey(ctx, tx, rel.ID)
	switch {
	case errors.Is(err, errErased):
		key = nil
	case err != nil:
		return err
	default:
		if err := s.openDisclosure(ctx, key, d); err != nil {
			return err // damaged: not delivered; the job retries and the log names it
		}
	}
	if err := s.deliver(ctx, tx, rel, key, d); err != nil {
		return err
	}
	if err := tx.UpdateDisclosure(ctx, d); err != nil {
		return err
	}
	return s.recordDelivery(ctx, tx, rel, d)
}

// ReceivedDisclosure is a disclosure delivered to the caller, opened.
type ReceivedDisclosure struct {
	*mentorvault.Disclosure        // Damaged when its content was changed outside mentorvault
	From                    Person // the discloser
	Imminent                bool
}

// ReceivedDisclosures lists what was disclosed to the caller — only what was
// delivered to them, nothing else of the relationship. Returns EUNAUTHENTICATED.
func (s *Service) ReceivedDisclosures(ctx context.Context, p mentorvault.Principal) ([]*ReceivedDisclosure, error) {
	var out []*ReceivedDisclosure
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out = nil // inTx may run this again: start afresh
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		ds, err := tx.FindDeliveredDisclosures(ctx, a.user.ID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			rel, err := tx.FindRelationshipByID(ctx, d.RelationshipID)
			if err != nil {
				return err
			}
			t := target{orgID: rel.OrgID, relID: rel.ID, typ: "disclosure", id: d.ID}
			if err := s.authorize(ctx, tx, a, policy.ReadDisclosure, disclosureResource(rel, d), t, always); err != nil {
				return err
			}
			key, err := s.dataKey(ctx, tx, rel.ID)
			if errors.Is(err, errErased) {
				continue // shredded: its content is gone with its key
			}
			if err != nil {
				return err
			}
			switch err := s.openDisclosure(ctx, key, d); {
			case isDamaged(err):
				d.Damaged = true // shown as damaged; the rest of the list is served
			case err != nil:
				return err
			}
			from, err := tx.FindUserByID(ctx, d.DiscloserID)
			if err != nil {
				return err
			}
			out = append(out, &ReceivedDisclosure{Disclosure: d, From: Person{ID: from.ID, Name: from.Name, Email: from.Email}, Imminent: d.Imminent})
			if err := s.record(ctx, tx, a, "disclosure.read", t, ""); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
