package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

func concernAD(c *mentorvault.Concern) seal.AD {
	return seal.AD{RelationshipID: c.RelationshipID, Record: "concern", RecordID: c.ID, Field: "description"}
}

func stepAD(relID string, s *mentorvault.ConcernStep) seal.AD {
	return seal.AD{RelationshipID: relID, Record: "concern_step", RecordID: s.ID, Field: "body"}
}

func disclosureAD(d *mentorvault.Disclosure) seal.AD {
	return seal.AD{RelationshipID: d.RelationshipID, Record: "disclosure", RecordID: d.ID, Field: "content"}
}

func disclosureResource(rel *mentorvault.Relationship, d *mentorvault.Disclosure) policy.Disclosure {
	return policy.Disclosure{ID: d.ID, RecipientUserID: d.RecipientUserID, State: string(d.State), Relationship: relResource(rel)}
}

var categoryWords = map[mentorvault.ConcernCategory]string{
	mentorvault.ConcernDangerToMentee: "danger to the mentee", mentorvault.ConcernDangerToOthers: "danger to others",
	mentorvault.ConcernUnlawful: "unlawful conduct", mentorvault.ConcernTheft: "theft",
	mentorvault.ConcernTradeSecrets: "passing trade secrets to outsiders", mentorvault.ConcernHarmToOrg: "serious harm to the organisation",
	mentorvault.ConcernOther: "another matter",
}

// CategoryLabel words a concern category.
func CategoryLabel(c mentorvault.ConcernCategory) string { return categoryWords[c] }

// RaiseConcern raises a concern that confidentiality may have to be broken.
// The other party is notified at once. Returns EUNAUTHENTICATED, ENOTFOUND,
// EFORBIDDEN or EINVALID.
func (s *Service) RaiseConcern(ctx context.Context, p mentorvault.Principal, relID string, cat mentorvault.ConcernCategory, description string, imminent bool) (*mentorvault.Concern, error) {
	if !slices.Contains(mentorvault.ConcernCategories, cat) {
		return nil, mentorvault.Invalid("the concern is not valid", map[string]string{"category": "must be one of danger_to_mentee, danger_to_others, unlawful_conduct, theft, trade_secrets, harm_to_organisation, other"})
	}
	if err := mentorvault.ValidateConcernText("description", description); err != nil {
		return nil, err
	}
	var out *mentorvault.Concern
	err := s.relOp(ctx, p, policy.RaiseConcern, relID, partyRefusal, func(o *op) (event, error) {
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		c := &mentorvault.Concern{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, RaisedByID: o.a.user.ID, Category: cat, Imminent: imminent,
			Status: mentorvault.ConcernOpen, CreatedAt: o.tx.Now(), UpdatedAt: o.tx.Now(), Description: mentorvault.NewSecret(description)}
		if c.DescriptionSealed, err = s.keys.Seal(key, concernAD(c), c.Description); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateConcern(o.ctx, c); err != nil {
			return event{}, err
		}
		out = c
		text := fmt.Sprintf("%s raised a concern about %s. Nothing is disclosed without notice to you.", o.a.user.Name, categoryWords[cat])
		if imminent {
			text = fmt.Sprintf("%s raised an urgent concern about %s (imminent danger).", o.a.user.Name, categoryWords[cat])
		}
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "concern.raised", c.ID, text, concernLink(o.rel.ID, c.ID), "concern.raised:"+c.ID); err != nil {
			return event{}, err
		}
		return event{"concern.raise", concernTarget(o.rel, c.ID), fmt.Sprintf("category=%s; imminent=%v", cat, imminent)}, nil
	})
	return out, err
}

func concernLink(relID, id string) string { return "/relationships/" + relID + "/concerns/" + id }

// ConcernView is a concern, opened, with its steps, disclosures and the
// exceptions of the agreement in force that its category may fall under.
type ConcernView struct {
	*mentorvault.Concern
	Steps       []*mentorvault.ConcernStep
	Disclosures []*mentorvault.Disclosure
	Exceptions  []mentorvault.Exception // of the agreement in force, matching the category
	MinNotice   int                     // hours, from the programme
	Recipients  map[string]Person       // the users its disclosures are addressed to, by ID
}

// Concerns lists a relationship's concerns, opened. Returns
// EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Concerns(ctx context.Context, p mentorvault.Principal, relID string) ([]*ConcernView, error) {
	var out []*ConcernView
	err := s.relOp(ctx, p, policy.ReadConcerns, relID, partyRefusal, func(o *op) (event, error) {
		cs, err := o.tx.FindConcerns(o.ctx, o.rel.ID)
		if err != nil {
			return event{}, err
		}
		for _, c := range cs {
			v, err := s.concernView(o.ctx, o.tx, o.rel, c)
			if err != nil {
				return event{}, err
			}
			out = append(out, v)
		}
		return event{"concern.read", relTarget(o.rel), fmt.Sprintf("count=%d", len(out))}, nil
	})
	return out, err
}

// Concern returns one concern, opened. Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Concern(ctx context.Context, p mentorvault.Principal, relID, id string) (*ConcernView, error) {
	var out *ConcernView
	err := s.relOp(ctx, p, policy.ReadConcerns, relID, partyRefusal, func(o *op) (event, error) {
		c, err := loadConcern(o.ctx, o.tx, o.rel, id)
		if err != nil {
			return event{}, err
		}
		if out, err = s.concernView(o.ctx, o.tx, o.rel, c); err != nil {
			return event{}, err
		}
		return event{"concern.read", concernTarget(o.rel, c.ID), ""}, nil
	})
	return out, err
}

func loadConcern(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, id string) (*mentorvault.Concern, error) {
	return loadIn(ctx, rel, id, "concern", tx.FindConcernByID, func(c *mentorvault.Concern) string { return c.RelationshipID })
}

type stepSealed struct {
	Answer string `json:"answer,omitempty"`
	Body   string `json:"body"`
}

func (s *Service) concernView(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, c *mentorvault.Concern) (*ConcernView, error) {
	key, err := s.dataKey(ctx, tx, rel.ID)
	if err != nil {
		return nil, err
	}
	if c.Description, err = s.keys.Open(key, concernAD(c), c.DescriptionSealed); err != nil {
		return nil, mentorvault.Internal(fmt.Errorf("open concern %s: %w", c.ID, err))
	}
	v := &ConcernView{Concern: c}
	steps, err := tx.FindConcernSteps(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, st := range steps {
		sec, err := s.keys.Open(key, stepAD(rel.ID, st), st.Sealed)
		if err != nil {
			return nil, mentorvault.Internal(fmt.Errorf("open concern step %s: %w", st.ID, err))
		}
		var ss stepSealed
		if err := json.Unmarshal([]byte(sec.Reveal()), &ss); err != nil {
			return nil, mentorvault.Internal(err)
		}
		st.Answer, st.Body = ss.Answer, mentorvault.NewSecret(ss.Body)
	}
	v.Steps = steps
	ds, err := tx.FindDisclosures(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	v.Recipients = map[string]Person{}
	for _, d := range ds {
		if d.Content, err = s.keys.Open(key, disclosureAD(d), d.ContentSealed); err != nil {
			return nil, mentorvault.Internal(fmt.Errorf("open disclosure %s: %w", d.ID, err))
		}
		if id := d.RecipientUserID; id != "" {
			if _, ok := v.Recipients[id]; !ok {
				u, err := tx.FindUserByID(ctx, id)
				if err != nil {
					return nil, err
				}
				v.Recipients[id] = Person{ID: u.ID, Name: u.Name, Email: u.Email}
			}
		}
	}
	v.Disclosures = ds
	if inf, err := s.inForce(ctx, tx, rel, key); err != nil {
		return nil, err
	} else if inf != nil {
		for _, e := range inf.Terms.Exceptions {
			if slices.Contains(mentorvault.ExceptionsFor(c.Category), e.Kind) {
				v.Exceptions = append(v.Exceptions, e)
			}
		}
	}
	st, _, err := settingsFor(ctx, tx, rel)
	if err != nil {
		return nil, err
	}
	v.MinNotice = st.MinNoticeHours
	return v, nil
}

// openConcern loads an open concern of the operation's relationship, for a
// step of the protocol, with the relationship's data key.
func (s *Service) openConcern(o *op, concernID string) (*mentorvault.Concern, []byte, error) {
	c, err := loadConcern(o.ctx, o.tx, o.rel, concernID)
	if err != nil {
		return nil, nil, err
	}
	if c.Status != mentorvault.ConcernOpen {
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "the concern is %s", c.Status)
	}
	key, err := o.key()
	return c, key, err
}

// RecordConcernStep records a step of working the concern through: each
// party's view on whether there is an ethical issue (answer yes, no or
// unsure), responsibilities and duties, or a comment. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) RecordConcernStep(ctx context.Context, p mentorvault.Principal, relID, concernID string, kind mentorvault.ConcernStepKind, answer, body string) (*mentorvault.ConcernStep, error) {
	f := map[string]string{}
	switch kind {
	case mentorvault.StepEthicalView:
		if answer != "yes" && answer != "no" && answer != "unsure" {
			f["answer"] = `must be "yes", "no" or "unsure"`
		}
	case mentorvault.StepDuties, mentorvault.StepComment:
		if answer != "" {
			f["answer"] = "is only for ethical_view"
		}
	default:
		f["kind"] = "must be ethical_view, duties or comment"
	}
	if err := mentorvault.ValidateConcernText("body", body); err != nil && (kind != mentorvault.StepEthicalView || body != "") {
		f["body"] = mentorvault.ErrorFields(err)["body"]
	}
	if len(f) > 0 {
		return nil, mentorvault.Invalid("the step is not valid", f)
	}
	var out *mentorvault.ConcernStep
	err := s.relOp(ctx, p, policy.ActOnConcern, relID, partyRefusal, func(o *op) (event, error) {
		c, key, err := s.openConcern(o, concernID)
		if err != nil {
			return event{}, err
		}
		st := &mentorvault.ConcernStep{ID: mentorvault.NewID(), ConcernID: c.ID, AuthorID: o.a.user.ID, Kind: kind, Answer: answer, Body: mentorvault.NewSecret(body), CreatedAt: o.tx.Now()}
		b, err := json.Marshal(stepSealed{Answer: answer, Body: body})
		if err != nil {
			return event{}, err
		}
		if st.Sealed, err = s.keys.Seal(key, stepAD(o.rel.ID, st), mentorvault.NewSecret(string(b))); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateConcernStep(o.ctx, st); err != nil {
			return event{}, err
		}
		out = st
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "concern.step", c.ID, o.a.user.Name+" added to the concern you are working through.", concernLink(o.rel.ID, c.ID),
			"concern.step:"+st.ID); err != nil {
			return event{}, err
		}
		return event{"concern.step", concernTarget(o.rel, c.ID), "kind=" + string(kind)}, nil
	})
	return out, err
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

func (s *Service) newDisclosure(ctx context.Context, tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, c *mentorvault.Concern, key []byte, kind mentorvault.DisclosureKind, in DisclosureInput) (*mentorvault.Disclosure, error) {
	f := map[string]string{}
	if err := mentorvault.ValidateConcernText("content", in.Content); err != nil {
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
		if err := mentorvault.ValidateConcernText("recipient_name", in.RecipientName); err != nil || len(in.RecipientName) > 200 {
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
	var err error
	if d.ContentSealed, err = s.keys.Seal(key, disclosureAD(d), d.Content); err != nil {
		return nil, err
	}
	return d, nil
}

// schedule makes a disclosure take effect at its time: at once (in this
// transaction) when due now, otherwise through a durable job.
func (s *Service) schedule(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, d *mentorvault.Disclosure) error {
	d.State = mentorvault.DisclosureScheduled
	if !d.EffectiveAt.After(tx.Now()) {
		return s.deliver(ctx, tx, rel, d)
	}
	return tx.CreateJob(ctx, &mentorvault.Job{ID: mentorvault.NewID(), Kind: mentorvault.JobDeliverDisclosure, RefID: d.ID, RunAt: d.EffectiveAt, CreatedAt: tx.Now()})
}

func signPlan(rel *mentorvault.Relationship, d *mentorvault.Disclosure, userID string, now time.Time) bool {
	t := now
	if userID == rel.MentorID {
		d.MentorSignedAt = &t
	} else {
		d.MenteeSignedAt = &t
	}
	return d.MentorSignedAt != nil && d.MenteeSignedAt != nil
}

// ProposeDisclosurePlan proposes the joint disclosure plan (who discloses
// what, to whom, how and when), signed by the proposer; it takes effect once
// the other party signs too. Returns EUNAUTHENTICATED, ENOTFOUND,
// EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) ProposeDisclosurePlan(ctx context.Context, p mentorvault.Principal, relID, concernID string, in DisclosureInput) (*mentorvault.Disclosure, error) {
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
		signPlan(o.rel, d, o.a.user.ID, o.tx.Now())
		if err := o.tx.CreateDisclosure(o.ctx, d); err != nil {
			return event{}, err
		}
		out = d
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "disclosure.plan", d.ID, o.a.user.Name+" proposed a joint disclosure plan for you to read and sign.",
			concernLink(o.rel.ID, c.ID), "disclosure.plan:"+d.ID); err != nil {
			return event{}, err
		}
		return event{"disclosure.plan", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "disclosure", id: d.ID}, "concern=" + c.ID}, nil
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
		d, err := loadDisclosure(o.ctx, o.tx, o.rel, disclosureID)
		if err != nil {
			return event{}, err
		}
		if d.Kind != mentorvault.DisclosurePlan || d.State != mentorvault.DisclosureAwaitingSignatures {
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "only a plan awaiting signatures can be signed")
		}
		if (o.a.user.ID == o.rel.MentorID && d.MentorSignedAt != nil) || (o.a.user.ID == o.rel.MenteeID && d.MenteeSignedAt != nil) {
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "you have already signed this plan")
		}
		d.UpdatedAt = o.tx.Now()
		if signPlan(o.rel, d, o.a.user.ID, o.tx.Now()) {
			if err := s.schedule(o.ctx, o.tx, o.rel, d); err != nil {
				return event{}, err
			}
		}
		if err := o.tx.UpdateDisclosure(o.ctx, d); err != nil {
			return event{}, err
		}
		out = d
		return event{"disclosure.sign", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "disclosure", id: d.ID}, "state=" + string(d.State)}, nil
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
				"must be at least %d hours from now (%s): the other party gets the programme's minimum notice", st.MinNoticeHours, earliest.Format(time.RFC3339))})
		}
		if err := s.schedule(o.ctx, o.tx, o.rel, d); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateDisclosure(o.ctx, d); err != nil {
			return event{}, err
		}
		out = d
		text := fmt.Sprintf("%s filed a disclosure notice: it takes effect on %s unless withdrawn. Read exactly what will be said, and to whom.",
			o.a.user.Name, d.EffectiveAt.Format("Mon 2 Jan 2006, 15:04 MST"))
		if d.Imminent {
			text = o.a.user.Name + " made an urgent disclosure because of an imminent danger. Read exactly what was said, and to whom."
		}
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "disclosure.notice", d.ID, text, concernLink(o.rel.ID, c.ID), "disclosure.notice:"+d.ID); err != nil {
			return event{}, err
		}
		return event{"disclosure.notice", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "disclosure", id: d.ID}, fmt.Sprintf("effective_at=%s; imminent=%v", d.EffectiveAt.Format(time.RFC3339), d.Imminent)}, nil
	})
	return out, err
}

// WithdrawDisclosure withdraws a plan or notice before it takes effect: a
// notice by its discloser, a plan by either party. Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN or ECONFLICT.
func (s *Service) WithdrawDisclosure(ctx context.Context, p mentorvault.Principal, relID, disclosureID string) (*mentorvault.Disclosure, error) {
	var out *mentorvault.Disclosure
	err := s.relOp(ctx, p, policy.ActOnConcern, relID, partyRefusal, func(o *op) (event, error) {
		d, err := loadDisclosure(o.ctx, o.tx, o.rel, disclosureID)
		if err != nil {
			return event{}, err
		}
		if d.Kind == mentorvault.DisclosureNotice && d.DiscloserID != o.a.user.ID {
			return event{}, mentorvault.Errorf(mentorvault.EFORBIDDEN, "only the party who filed the notice can withdraw it")
		}
		if err := d.Withdraw(o.tx.Now()); err != nil {
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
		return event{"disclosure.withdraw", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "disclosure", id: d.ID}, ""}, nil
	})
	return out, err
}

// deliver makes a scheduled disclosure take effect: the recipient, if a
// user, receives it in-app; one to someone outside is recorded as made;
// both parties are told. Runs in the caller's transaction.
func (s *Service) deliver(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, d *mentorvault.Disclosure) error {
	if err := d.Deliver(tx.Now()); err != nil {
		return err
	}
	sys := actor{p: mentorvault.Principal{Via: "scheduler"}}
	for _, uid := range []string{rel.MentorID, rel.MenteeID} {
		text := "A disclosure about your relationship has now been made"
		if d.RecipientName != "" {
			text += " (outside mentorvault, to " + d.RecipientName + ")"
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
	return s.record(ctx, tx, sys, "disclosure.delivered", target{orgID: rel.OrgID, relID: rel.ID, typ: "disclosure", id: d.ID},
		fmt.Sprintf("kind=%s; imminent=%v", d.Kind, d.Imminent))
}

// CloseConcern records the concern's outcome (disclosed, resolved without
// disclosure, or withdrawn) and may pause or close the relationship.
// Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) CloseConcern(ctx context.Context, p mentorvault.Principal, relID, concernID string, outcome mentorvault.ConcernStatus, then mentorvault.LifecycleAction) (*mentorvault.Concern, error) {
	if then != "" && then != mentorvault.ActPause && then != mentorvault.ActClose {
		return nil, mentorvault.Invalid("the outcome is not valid", map[string]string{"relationship": `must be "", "pause" or "close"`})
	}
	var out *mentorvault.Concern
	err := s.relOp(ctx, p, policy.ActOnConcern, relID, partyRefusal, func(o *op) (event, error) {
		c, _, err := s.openConcern(o, concernID)
		if err != nil {
			return event{}, err
		}
		if outcome == mentorvault.ConcernWithdrawn && c.RaisedByID != o.a.user.ID {
			return event{}, mentorvault.Errorf(mentorvault.EFORBIDDEN, "only the party who raised the concern can withdraw it")
		}
		ds, err := o.tx.FindDisclosures(o.ctx, c.ID)
		if err != nil {
			return event{}, err
		}
		pending, delivered := false, false
		for _, d := range ds {
			pending = pending || d.State == mentorvault.DisclosureScheduled || d.State == mentorvault.DisclosureAwaitingSignatures
			delivered = delivered || d.State == mentorvault.DisclosureDelivered
		}
		switch {
		case pending:
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "a disclosure is still pending: withdraw it or let it take effect first")
		case outcome == mentorvault.ConcernDisclosed && !delivered:
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "no disclosure has taken effect")
		case outcome != mentorvault.ConcernDisclosed && delivered:
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "a disclosure has taken effect: the outcome is disclosed")
		}
		if err := c.Close(outcome, o.tx.Now()); err != nil {
			return event{}, err
		}
		if err := o.tx.UpdateConcern(o.ctx, c); err != nil {
			return event{}, err
		}
		if then != "" && o.rel.Status != mentorvault.StatusClosed {
			from := o.rel.Status
			if err := o.rel.Apply(then, o.a.user.ID, o.tx.Now()); err != nil {
				return event{}, err
			}
			if err := o.tx.UpdateRelationship(o.ctx, o.rel); err != nil {
				return event{}, err
			}
			if err := s.record(o.ctx, o.tx, o.a, "relationship."+string(then), relTarget(o.rel), fmt.Sprintf("from=%s; to=%s; after concern", from, o.rel.Status)); err != nil {
				return event{}, err
			}
		}
		out = c
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "concern.closed", c.ID, o.a.user.Name+" recorded the concern's outcome: "+string(outcome)+".",
			concernLink(o.rel.ID, c.ID), "concern.closed:"+c.ID); err != nil {
			return event{}, err
		}
		return event{"concern.close", concernTarget(o.rel, c.ID), "outcome=" + string(outcome)}, nil
	})
	return out, err
}

// ReceivedDisclosure is a disclosure delivered to the caller, opened.
type ReceivedDisclosure struct {
	*mentorvault.Disclosure
	From     Person // the discloser
	Imminent bool
}

// ReceivedDisclosures lists what was disclosed to the caller — only what was
// delivered to them, nothing else of the relationship. Returns EUNAUTHENTICATED.
func (s *Service) ReceivedDisclosures(ctx context.Context, p mentorvault.Principal) ([]*ReceivedDisclosure, error) {
	var out []*ReceivedDisclosure
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
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
			if err != nil {
				continue // shredded
			}
			if d.Content, err = s.keys.Open(key, disclosureAD(d), d.ContentSealed); err != nil {
				return mentorvault.Internal(fmt.Errorf("open disclosure %s: %w", d.ID, err))
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

// RunDueJobs runs every durable job that is due, each in its own
// transaction, and reports how many it ran. Safe on several instances at
// once: a job is claimed under a lock and completed in the same transaction
// as its effect, so it takes effect exactly once, also across restarts.
func (s *Service) RunDueJobs(ctx context.Context) (int, error) {
	n := 0
	for {
		ran, err := s.runOneJob(ctx)
		if err != nil || !ran {
			return n, err
		}
		n++
	}
}

func (s *Service) runOneJob(ctx context.Context) (bool, error) {
	var (
		job    *mentorvault.Job
		jobErr error
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		j, err := tx.ClaimDueJob(ctx, tx.Now())
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		job = j
		switch j.Kind {
		case mentorvault.JobDeliverDisclosure:
			jobErr = s.runDelivery(ctx, tx, j)
		case mentorvault.JobReleaseStatement:
			jobErr = s.runStatementRelease(ctx, tx, j)
		default:
			jobErr = fmt.Errorf("unknown job kind %q", j.Kind)
		}
		if jobErr != nil {
			return jobErr
		}
		return tx.CompleteJob(ctx, j.ID, tx.Now())
	})
	if job == nil {
		return false, err
	}
	if jobErr != nil {
		// The effect rolled back with its transaction; record the failure and retry later.
		s.log.ErrorContext(ctx, "job failed; will retry", "job", job.ID, "kind", job.Kind, "err", jobErr.Error())
		rerr := s.inTx(ctx, func(tx mentorvault.Tx) error {
			return tx.RetryJob(ctx, job.ID, tx.Now().Add(time.Minute<<min(job.Attempts, 6)), mentorvault.ErrorMessage(jobErr))
		})
		return rerr == nil, rerr
	}
	return true, err
}

// runDelivery delivers the job's disclosure if it is still scheduled; a
// withdrawn one is left as it is.
func (s *Service) runDelivery(ctx context.Context, tx mentorvault.Tx, j *mentorvault.Job) error {
	d, err := tx.FindDisclosureByID(ctx, j.RefID)
	if err != nil {
		return err
	}
	if d.State != mentorvault.DisclosureScheduled {
		return nil
	}
	rel, err := tx.FindRelationshipByID(ctx, d.RelationshipID)
	if err != nil {
		return err
	}
	if err := s.deliver(ctx, tx, rel, d); err != nil {
		return err
	}
	return tx.UpdateDisclosure(ctx, d)
}
