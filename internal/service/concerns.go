package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// concernAD binds a concern's description to who raised it (only they may
// withdraw it) and whether it was raised as an imminent danger (which lets a
// disclosure skip the notice period).
func concernAD(c *mentorvault.Concern) seal.AD {
	return seal.AD{RelationshipID: c.RelationshipID, Record: "concern", RecordID: c.ID, Field: "description", Version: c.SealVersion,
		Bind: []seal.Binding{{Name: "raised_by", Value: c.RaisedByID}, {Name: "imminent", Value: strconv.FormatBool(c.Imminent)}}}
}

// stepAD binds a concern step to its concern, its author and its kind.
func stepAD(relID string, s *mentorvault.ConcernStep) seal.AD {
	return seal.AD{RelationshipID: relID, Record: "concern_step", RecordID: s.ID, Field: "body", Version: s.SealVersion,
		Bind: []seal.Binding{{Name: "concern", Value: s.ConcernID}, {Name: "author", Value: s.AuthorID}, {Name: "kind", Value: string(s.Kind)}}}
}

// sealConcern seals c's description at its next seal version.
func (s *Service) sealConcern(key []byte, c *mentorvault.Concern) (err error) {
	c.SealVersion++
	c.DescriptionSealed, err = s.keys.Seal(key, concernAD(c), c.Description)
	return err
}

// sealStep seals a step's answer and body at its next seal version.
func (s *Service) sealStep(key []byte, relID string, st *mentorvault.ConcernStep) error {
	b, err := json.Marshal(stepSealed{Answer: st.Answer, Body: st.Body.Reveal()})
	if err != nil {
		return err
	}
	st.SealVersion++
	st.Sealed, err = s.keys.Seal(key, stepAD(relID, st), mentorvault.NewSecret(string(b)))
	return err
}

// openConcernText opens c's description; one that does not open is damaged.
func (s *Service) openConcernText(ctx context.Context, key []byte, c *mentorvault.Concern) error {
	d, err := s.keys.Open(key, concernAD(c), c.DescriptionSealed)
	if err != nil {
		return s.damaged(ctx, "concern", c.ID, err)
	}
	c.Description = d
	return nil
}

// eachConcern lists every concern of a relationship, and every step of
// each, for VerifySealed.
func eachConcern(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	cs, err := tx.FindConcerns(ctx, rel.ID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		yield(sealedRecord{record: "concern", id: c.ID, version: c.SealVersion, fields: []sealedField{{concernAD(c), c.DescriptionSealed}}})
		steps, err := tx.FindConcernSteps(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, st := range steps {
			yield(sealedRecord{record: "concern_step", id: st.ID, version: st.SealVersion, fields: []sealedField{{stepAD(rel.ID, st), st.Sealed}}})
		}
	}
	return nil
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
	if err := lines(p, "category", string(cat)); err != nil {
		return nil, err
	}
	if !slices.Contains(mentorvault.ConcernCategories, cat) {
		return nil, mentorvault.Invalid("the concern is not valid", map[string]string{"category": "must be one of danger_to_mentee, danger_to_others, unlawful_conduct, theft, trade_secrets, harm_to_organisation, other"})
	}
	if err := mentorvault.ValidateText("description", description, mentorvault.MaxConcernText); err != nil {
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
		if err := s.sealConcern(key, c); err != nil {
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
		return event{"concern.raise", concernTarget(o.rel, c.ID), withSeal(fmt.Sprintf("category=%s; imminent=%v", cat, imminent), sealedField{concernAD(c), c.DescriptionSealed})}, nil
	})
	return out, err
}

func concernLink(relID, id string) string { return "/relationships/" + relID + "/concerns/" + id }

// ConcernView is a concern, opened, with its steps, disclosures and the
// exceptions of the agreement in force that its category may fall under,
// and what its state lets the viewer do next. Whether Cedar lets the viewer
// act on the concern at all is the relationship's concern.act
// (RelationshipView.Allowed).
type ConcernView struct {
	*mentorvault.Concern
	Steps       []*mentorvault.ConcernStep
	Disclosures []*DisclosureView
	Exceptions  []mentorvault.Exception // of the agreement in force, matching the category
	MinNotice   int                     // hours, from the programme
	Recipients  map[string]Person       // the users its disclosures are addressed to, by ID
	Pending     bool                    // a disclosure is awaiting signatures or scheduled: the outcome waits
	// Outcomes are the outcomes the viewer may record now, in the order a
	// page offers them: what CloseConcern accepts (closeCheck). Empty while
	// a disclosure is pending or once the concern is closed.
	Outcomes []mentorvault.ConcernStatus
}

// DisclosureView is a disclosure of a concern, opened, with what its state
// lets the viewer do to it now (the checks SignDisclosurePlan and
// WithdrawDisclosure make).
type DisclosureView struct {
	*mentorvault.Disclosure
	Signable     bool // a plan awaiting the viewer's signature
	Withdrawable bool // not yet in effect, and the viewer may withdraw it (a notice only its discloser)
}

// Concerns lists a relationship's concerns, opened. Returns
// EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Concerns(ctx context.Context, p mentorvault.Principal, relID string) ([]*ConcernView, error) {
	var out []*ConcernView
	err := s.relOp(ctx, p, policy.ReadConcerns, relID, partyRefusal, func(o *op) (event, error) {
		out = nil // inTx may run this again: start afresh
		cs, err := o.tx.FindConcerns(o.ctx, o.rel.ID)
		if err != nil {
			return event{}, err
		}
		for _, c := range cs {
			v, err := s.concernView(o, c, true)
			if err != nil {
				return event{}, err
			}
			out = append(out, v)
		}
		return event{"concern.read", relTarget(o.rel), fmt.Sprintf("count=%d", len(out))}, nil
	})
	return out, err
}

// Concern returns one concern, opened. The other party opening it starts
// each of its disclosure notices that has not reached them yet (startNotice).
// Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Concern(ctx context.Context, p mentorvault.Principal, relID, id string) (*ConcernView, error) {
	if err := lines(p, "concern_id", id); err != nil {
		return nil, err
	}
	var out *ConcernView
	err := s.relOp(ctx, p, policy.ReadConcerns, relID, partyRefusal, func(o *op) (event, error) {
		c, err := loadConcern(o.ctx, o.tx, o.rel, id)
		if err != nil {
			return event{}, err
		}
		if out, err = s.concernView(o, c, false); err != nil {
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

// concernView opens c with its steps and disclosures. A step or disclosure
// that does not open is flagged damaged and the rest served; so is the
// concern itself in a list (list true), while alone it is the damaged error.
func (s *Service) concernView(o *op, c *mentorvault.Concern, list bool) (*ConcernView, error) {
	ctx, tx, rel, me, now := o.ctx, o.tx, o.rel, o.a.user.ID, o.tx.Now()
	key, err := o.key()
	if err != nil {
		return nil, err
	}
	switch err := s.openConcernText(ctx, key, c); {
	case list && isDamaged(err):
		c.Damaged = true
	case err != nil:
		return nil, err
	}
	v := &ConcernView{Concern: c}
	steps, err := tx.FindConcernSteps(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, st := range steps {
		sec, err := s.keys.Open(key, stepAD(rel.ID, st), st.Sealed)
		if err != nil {
			if err := s.damaged(ctx, "concern step", st.ID, err); !isDamaged(err) {
				return nil, err
			}
			st.Damaged = true
			continue
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
	// The other party opening the concern (alone, as its page does: a list
	// shows no notice) is a notice reaching them in the app.
	if !list {
		if err := s.openedNotices(ctx, tx, o.a, rel, ds); err != nil {
			return nil, err
		}
	}
	v.Recipients = map[string]Person{}
	for _, d := range ds {
		if err := s.openDisclosure(ctx, key, d); isDamaged(err) {
			d.Damaged = true
		} else if err != nil {
			return nil, err
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
		v.Disclosures = append(v.Disclosures, &DisclosureView{Disclosure: d, Signable: d.CanSign(rel, me),
			Withdrawable: d.CanWithdraw(now) && d.MayBeWithdrawnBy(me)})
		v.Pending = v.Pending || d.Pending()
	}
	if c.IsOpen() {
		for _, oc := range []mentorvault.ConcernStatus{mentorvault.ConcernDisclosed, mentorvault.ConcernResolved, mentorvault.ConcernWithdrawn} {
			if closeCheck(c, ds, me, oc) == nil {
				v.Outcomes = append(v.Outcomes, oc)
			}
		}
	}
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
	if !c.IsOpen() {
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "the concern is %s", c.Status)
	}
	key, err := o.key()
	if err != nil {
		return nil, nil, err
	}
	// Opening checks its bindings: who raised it decides who may withdraw it.
	return c, key, s.openConcernText(o.ctx, key, c)
}

// RecordConcernStep records a step of working the concern through: each
// party's view on whether there is an ethical issue (answer yes, no or
// unsure), responsibilities and duties, or a comment. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) RecordConcernStep(ctx context.Context, p mentorvault.Principal, relID, concernID string, kind mentorvault.ConcernStepKind, answer, body string) (*mentorvault.ConcernStep, error) {
	if err := lines(p, "kind", string(kind), "answer", answer); err != nil {
		return nil, err
	}
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
	if err := mentorvault.ValidateText("body", body, mentorvault.MaxConcernText); err != nil && (kind != mentorvault.StepEthicalView || body != "") {
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
		if err := s.sealStep(key, o.rel.ID, st); err != nil {
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
		return event{"concern.step", concernTarget(o.rel, c.ID), withSeal("kind="+string(kind), sealedField{stepAD(o.rel.ID, st), st.Sealed})}, nil
	})
	return out, err
}

// CloseConcern records the concern's outcome (disclosed, resolved without
// disclosure, or withdrawn) and may pause or close the relationship.
// Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) CloseConcern(ctx context.Context, p mentorvault.Principal, relID, concernID string, outcome mentorvault.ConcernStatus, then mentorvault.LifecycleAction) (*mentorvault.Concern, error) {
	if err := lines(p, "outcome", string(outcome), "relationship", string(then)); err != nil {
		return nil, err
	}
	if then != "" && then != mentorvault.ActPause && then != mentorvault.ActClose {
		return nil, mentorvault.Invalid("the outcome is not valid", map[string]string{"relationship": `must be "", "pause" or "close"`})
	}
	var out *mentorvault.Concern
	err := s.relOp(ctx, p, policy.ActOnConcern, relID, partyRefusal, func(o *op) (event, error) {
		c, _, err := s.openConcern(o, concernID)
		if err != nil {
			return event{}, err
		}
		ds, err := o.tx.FindDisclosures(o.ctx, c.ID)
		if err != nil {
			return event{}, err
		}
		if err := closeCheck(c, ds, o.a.user.ID, outcome); err != nil {
			return event{}, err
		}
		if err := c.Close(outcome, o.tx.Now()); err != nil {
			return event{}, err
		}
		if err := o.tx.UpdateConcern(o.ctx, c); err != nil {
			return event{}, err
		}
		transitioned, from := then != "" && o.rel.Status != mentorvault.StatusClosed, o.rel.Status
		if transitioned {
			if err := o.rel.Apply(then, o.a.user.ID, o.tx.Now()); err != nil {
				return event{}, err
			}
			if err := o.tx.UpdateRelationship(o.ctx, o.rel); err != nil {
				return event{}, err
			}
		}
		out = c
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "concern.closed", c.ID, o.a.user.Name+" recorded the concern's outcome: "+string(outcome)+".",
			concernLink(o.rel.ID, c.ID), "concern.closed:"+c.ID); err != nil {
			return event{}, err
		}
		// After every other write, just before relOp appends the concern's event.
		if transitioned {
			if err := s.record(o.ctx, o.tx, o.a, "relationship."+string(then), relTarget(o.rel), fmt.Sprintf("from=%s; to=%s; after concern", from, o.rel.Status)); err != nil {
				return event{}, err
			}
		}
		return event{"concern.close", concernTarget(o.rel, c.ID), "outcome=" + string(outcome)}, nil
	})
	return out, err
}

// closeCheck says why userID may not record outcome on the open concern c,
// whose disclosures are ds, or returns nil: the rule CloseConcern enforces
// and a concern's view offers its outcomes from. That only the raiser
// withdraws a concern is enforced here, not by Cedar.
func closeCheck(c *mentorvault.Concern, ds []*mentorvault.Disclosure, userID string, outcome mentorvault.ConcernStatus) error {
	if outcome == mentorvault.ConcernWithdrawn && c.RaisedByID != userID {
		return mentorvault.Errorf(mentorvault.EFORBIDDEN, "only the party who raised the concern can withdraw it")
	}
	pending, delivered := false, false
	for _, d := range ds {
		pending = pending || d.Pending()
		delivered = delivered || d.State == mentorvault.DisclosureDelivered
	}
	switch {
	case pending:
		return mentorvault.Errorf(mentorvault.ECONFLICT, "a disclosure is still pending: withdraw it or let it take effect first")
	case outcome == mentorvault.ConcernDisclosed && !delivered:
		return mentorvault.Errorf(mentorvault.ECONFLICT, "no disclosure has taken effect")
	case outcome != mentorvault.ConcernDisclosed && delivered:
		return mentorvault.Errorf(mentorvault.ECONFLICT, "a disclosure has taken effect: the outcome is disclosed")
	}
	return nil
}
