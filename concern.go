package mentorvault

import (
	"time"
)

// Breaking confidentiality without surprise (DESIGN.md §5): a party raises a
// concern, the pair work it through step by step, either may consult a
// supervisor, and any disclosure reaches the other party before it takes
// effect — at the same time only for an imminent danger.

// ConcernCategory is what a concern is about.
type ConcernCategory string

const (
	ConcernDangerToMentee ConcernCategory = "danger_to_mentee"
	ConcernDangerToOthers ConcernCategory = "danger_to_others"
	ConcernUnlawful       ConcernCategory = "unlawful_conduct"
	ConcernTheft          ConcernCategory = "theft"
	ConcernTradeSecrets   ConcernCategory = "trade_secrets" // passing trade secrets to outsiders
	ConcernHarmToOrg      ConcernCategory = "harm_to_organisation"
	ConcernOther          ConcernCategory = "other"
)

// ConcernCategories lists the categories in display order.
var ConcernCategories = []ConcernCategory{ConcernDangerToMentee, ConcernDangerToOthers, ConcernUnlawful, ConcernTheft, ConcernTradeSecrets, ConcernHarmToOrg, ConcernOther}

// ExceptionsFor names the agreement exceptions a category may fall under.
func ExceptionsFor(c ConcernCategory) []ExceptionKind {
	switch c {
	case ConcernDangerToMentee, ConcernDangerToOthers:
		return []ExceptionKind{ExcDutyOfCare}
	case ConcernUnlawful, ConcernTheft, ConcernTradeSecrets:
		return []ExceptionKind{ExcDutyInLaw}
	case ConcernHarmToOrg:
		return []ExceptionKind{ExcDutyToOrg}
	}
	return nil
}

// ConcernStatus is where a concern stands.
type ConcernStatus string

const (
	ConcernOpen      ConcernStatus = "open"
	ConcernDisclosed ConcernStatus = "disclosed" // outcome: a disclosure was made
	ConcernResolved  ConcernStatus = "resolved"  // outcome: resolved without disclosure
	ConcernWithdrawn ConcernStatus = "withdrawn" // outcome: the raiser withdrew it
)

// Concern is a party's concern that confidentiality may have to be broken.
// Its description is sealed.
type Concern struct {
	ID                string
	RelationshipID    string
	RaisedByID        string
	Category          ConcernCategory
	Description       Secret
	DescriptionSealed []byte
	SealVersion       int  // raised by every write that seals; bound into its sealed fields' associated data
	Damaged           bool // set by a read when a sealed field did not open: changed outside mentorvault; its plaintext is empty
	Imminent          bool // an imminent danger: a disclosure may take effect at once
	Status            ConcernStatus
	CreatedAt         time.Time
	UpdatedAt         time.Time
	ClosedAt          *time.Time
}

// MaxConcernText bounds a concern's texts.
const MaxConcernText = 8 << 10

// IsOpen reports whether the concern is still being worked through: only an
// open concern takes steps, disclosures and an outcome.
func (c *Concern) IsOpen() bool { return c.Status == ConcernOpen }

// Close records the concern's outcome. Returns ECONFLICT once it is closed,
// EINVALID for an unknown outcome.
func (c *Concern) Close(outcome ConcernStatus, now time.Time) error {
	switch outcome {
	case ConcernDisclosed, ConcernResolved, ConcernWithdrawn:
	default:
		return Invalid("the outcome is not valid", map[string]string{"outcome": `must be "disclosed", "resolved" or "withdrawn"`})
	}
	if !c.IsOpen() {
		return Errorf(ECONFLICT, "the concern is already %s", c.Status)
	}
	t := now
	c.Status, c.UpdatedAt, c.ClosedAt = outcome, now, &t
	return nil
}

// ConcernStepKind is one step of working a concern through together.
type ConcernStepKind string

const (
	StepEthicalView ConcernStepKind = "ethical_view" // is there an ethical issue? each party's view
	StepDuties      ConcernStepKind = "duties"       // responsibilities and duties of care
	StepComment     ConcernStepKind = "comment"
)

// ConcernStep is a recorded, sealed step.
type ConcernStep struct {
	ID          string
	ConcernID   string
	AuthorID    string
	Kind        ConcernStepKind
	Answer      string // for StepEthicalView: "yes", "no" or "unsure" (sealed with Body)
	Body        Secret
	Sealed      []byte // sealed JSON of Answer and Body
	SealVersion int    // raised by every write that seals; bound into its sealed fields' associated data
	Damaged     bool   // set by a read when a sealed field did not open: changed outside mentorvault; its plaintext is empty
	CreatedAt   time.Time
}

// DisclosureKind says how a disclosure came about.
type DisclosureKind string

const (
	DisclosurePlan   DisclosureKind = "plan"   // the joint plan both sign
	DisclosureNotice DisclosureKind = "notice" // one party's notice, when they cannot agree
)

// DisclosureState is where a disclosure stands.
type DisclosureState string

const (
	DisclosureAwaitingSignatures DisclosureState = "awaiting_signatures" // a plan one party has not signed yet
	DisclosureScheduled          DisclosureState = "scheduled"           // takes effect at EffectiveAt
	DisclosureDelivered          DisclosureState = "delivered"
	DisclosureWithdrawn          DisclosureState = "withdrawn"
)

// Disclosure is what will be said, to whom, how and when. Content is
// sealed; the recipient reads it only once delivered.
type Disclosure struct {
	ID                  string
	ConcernID           string
	RelationshipID      string
	Kind                DisclosureKind
	DiscloserID         string
	RecipientUserID     string // a user of the organisation, who receives it in-app; or
	RecipientName       string // someone outside the system, to whom it is made outside; opened from RecipientNameSealed
	How                 string // how it will be made (e.g. "in person", "by phone"); opened from HowSealed
	RecipientNameSealed []byte // nil when there is no outside recipient, or for a row written before it was sealed
	HowSealed           []byte // nil when how is empty, or for a row written before it was sealed
	Content             Secret
	ContentSealed       []byte
	SealVersion         int  // raised by every write that seals; bound into its sealed fields' associated data
	Damaged             bool // set by a read when a sealed field did not open: changed outside mentorvault; its plaintext is empty
	EffectiveAt         time.Time
	Imminent            bool
	State               DisclosureState
	MentorSignedAt      *time.Time // plans: both parties sign
	MenteeSignedAt      *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
	DeliveredAt         *time.Time
	WithdrawnAt         *time.Time
	// ReachedAt is when a notice reached the other party — the SMTP server
	// accepted the message to them, or they opened it in mentorvault,
	// whichever came first — and ReachedVia how (ReachedByEmail,
	// ReachedInApp, ReachedAtFiling). A notice's minimum notice runs from
	// then; nil: it has not started.
	ReachedAt  *time.Time
	ReachedVia string
	// UndeliveredAt is when the message to the other party could not be
	// delivered (refused, or given up) before they were reached: the
	// notice has not started and the discloser was told.
	UndeliveredAt *time.Time
}

// How a notice reached the other party.
const (
	ReachedByEmail  = "email" // the SMTP server accepted the message to them
	ReachedInApp    = "app"   // they opened the concern or the notice in mentorvault
	ReachedAtFiling = "filed" // filed before notices waited to arrive: its notice ran from filing
)

// Started reports whether the disclosure's time runs: always for a plan
// and for an imminent danger; a notice once it has reached the other party.
func (d *Disclosure) Started() bool {
	return d.Kind != DisclosureNotice || d.Imminent || d.ReachedAt != nil
}

// StartsAt is when a notice that reached the other party at reached takes
// effect: its requested time, or the minimum notice after reaching them if
// that is later.
func (d *Disclosure) StartsAt(reached time.Time, minNoticeHours int) time.Time {
	at := reached.Add(time.Duration(minNoticeHours) * time.Hour)
	if d.EffectiveAt.After(at) {
		return d.EffectiveAt
	}
	return at
}

// EarliestEffective is when a notice filed at now may take effect: after the
// minimum notice, or at once for an imminent danger.
func EarliestEffective(now time.Time, minNoticeHours int, imminent bool) time.Time {
	if imminent {
		return now
	}
	return now.Add(time.Duration(minNoticeHours) * time.Hour)
}

// Pending reports whether the disclosure still waits to take effect: a plan
// awaiting signatures, or a scheduled disclosure its job has not delivered.
// A concern's outcome waits for it.
func (d *Disclosure) Pending() bool {
	return d.State == DisclosureAwaitingSignatures || d.State == DisclosureScheduled
}

// SignedBy reports whether the party userID of r has signed the plan.
func (d *Disclosure) SignedBy(r *Relationship, userID string) bool {
	if userID == r.MentorID {
		return d.MentorSignedAt != nil
	}
	return d.MenteeSignedAt != nil
}

func (d *Disclosure) signable(r *Relationship, userID string) error {
	if d.Kind != DisclosurePlan || d.State != DisclosureAwaitingSignatures {
		return Errorf(ECONFLICT, "only a plan awaiting signatures can be signed")
	}
	if d.SignedBy(r, userID) {
		return Errorf(ECONFLICT, "you have already signed this plan")
	}
	return nil
}

// CanSign reports whether the plan awaits the signature of the party userID
// of r (what Sign checks).
func (d *Disclosure) CanSign(r *Relationship, userID string) bool {
	return d.signable(r, userID) == nil
}

// Sign adds the signature of the party userID of r at now and reports
// whether both parties have now signed. Returns ECONFLICT for a disclosure
// that is not a plan awaiting signatures, or that userID has signed.
func (d *Disclosure) Sign(r *Relationship, userID string, now time.Time) (bool, error) {
	if err := d.signable(r, userID); err != nil {
		return false, err
	}
	t := now
	if userID == r.MentorID {
		d.MentorSignedAt = &t
	} else {
		d.MenteeSignedAt = &t
	}
	return d.MentorSignedAt != nil && d.MenteeSignedAt != nil, nil
}

func (d *Disclosure) withdrawable(now time.Time) error {
	if !d.Pending() {
		return Errorf(ECONFLICT, "the disclosure is already %s", d.State)
	}
	if d.State == DisclosureScheduled && d.Started() && !now.Before(d.EffectiveAt) {
		return Errorf(ECONFLICT, "the disclosure has taken effect and cannot be withdrawn")
	}
	return nil
}

// CanWithdraw reports whether the disclosure can still be withdrawn at now
// (what Withdraw checks).
func (d *Disclosure) CanWithdraw(now time.Time) bool { return d.withdrawable(now) == nil }

// MayBeWithdrawnBy reports whether userID, one of the pair, may withdraw the
// disclosure: a notice only its discloser, a plan either party.
func (d *Disclosure) MayBeWithdrawnBy(userID string) bool {
	return d.Kind == DisclosurePlan || d.DiscloserID == userID
}

// Withdraw withdraws a disclosure that has not taken effect. Returns ECONFLICT otherwise.
func (d *Disclosure) Withdraw(now time.Time) error {
	if err := d.withdrawable(now); err != nil {
		return err
	}
	t := now
	d.State, d.UpdatedAt, d.WithdrawnAt = DisclosureWithdrawn, now, &t
	return nil
}

// Deliver makes a scheduled disclosure take effect at now. Returns ECONFLICT
// when it is not scheduled, a notice that has not reached the other party,
// or not yet due.
func (d *Disclosure) Deliver(now time.Time) error {
	if d.State != DisclosureScheduled {
		return Errorf(ECONFLICT, "the disclosure is %s", d.State)
	}
	if !d.Started() {
		return Errorf(ECONFLICT, "the notice has not reached the other party yet: its notice has not started")
	}
	if now.Before(d.EffectiveAt) {
		return Errorf(ECONFLICT, "the disclosure takes effect on %s", d.EffectiveAt.UTC().Format("Mon 2 Jan 2006 at 15:04 UTC"))
	}
	t := now
	d.State, d.UpdatedAt, d.DeliveredAt = DisclosureDelivered, now, &t
	return nil
}

// Consultation is a thread between one party and a programme supervisor.
// The supervisor does not learn who is consulting or about which
// relationship: they see the role and programme only.
type Consultation struct {
	ID             string
	RelationshipID string // never shown to the supervisor
	ConsultantID   string // never shown to the supervisor
	ConsultantRole string // "mentor", "mentee" or "partner": what the supervisor sees
	SupervisorID   string
	ProgrammeID    string
	ConcernID      string // optional
	CreatedAt      time.Time
	ClosedAt       *time.Time
}

// ConsultationMessage is one sealed message of a consultation.
type ConsultationMessage struct {
	ID             string
	ConsultationID string
	FromSupervisor bool // the author is shown as "the supervisor" or "the consulting party"
	Body           Secret
	BodySealed     []byte
	SealVersion    int  // raised by every write that seals; bound into its sealed fields' associated data
	Damaged        bool // set by a read when a sealed field did not open: changed outside mentorvault; its plaintext is empty
	CreatedAt      time.Time
}

// Job is durable scheduled work (a disclosure taking effect after its
// notice): stored in the database, run once, by whichever instance gets it.
type Job struct {
	ID        string
	Kind      string
	RefID     string
	RunAt     time.Time
	Attempts  int
	LastError string
	CreatedAt time.Time
	DoneAt    *time.Time
}

// Job kinds.
const (
	JobDeliverDisclosure = "disclosure.deliver"
	// JobPurge deletes what has served its time (expired sessions, old
	// login failures); one recurring job, rescheduled after each run.
	JobPurge = "maintenance.purge"
	// JobReminders creates the notifications time has made due (meetings
	// soon, reviews due, commitments due); one recurring job, so that no
	// page view computes them.
	JobReminders = "maintenance.reminders"
	// JobRetention warns of and carries out the erasure of ended
	// relationships' content; one recurring job.
	JobRetention = "maintenance.retention"
	// JobProposalExpiry expires the proposals left unanswered past their
	// ExpiresAt; one recurring job.
	JobProposalExpiry = "maintenance.proposal_expiry"
)
