package mentorvault

import "time"

// RelationshipKind is mentoring (a mentor and a mentee) or peer (two partners).
type RelationshipKind string

const (
	KindMentoring RelationshipKind = "mentoring"
	KindPeer      RelationshipKind = "peer"
)

// RelationshipStatus is a state of the lifecycle in DESIGN.md §3:
// proposed → accepted → agreeing → active ⇄ paused → closed, or declined / withdrawn.
type RelationshipStatus string

const (
	StatusProposed  RelationshipStatus = "proposed"
	StatusAccepted  RelationshipStatus = "accepted"
	StatusAgreeing  RelationshipStatus = "agreeing"
	StatusActive    RelationshipStatus = "active"
	StatusPaused    RelationshipStatus = "paused"
	StatusClosed    RelationshipStatus = "closed"
	StatusDeclined  RelationshipStatus = "declined"
	StatusWithdrawn RelationshipStatus = "withdrawn"
)

// Listed reports whether a relationship in this status appears in the
// organisation's directory. Existence is public: once accepted and until it
// ends, a relationship cannot be hidden.
func (s RelationshipStatus) Listed() bool {
	switch s {
	case StatusAccepted, StatusAgreeing, StatusActive, StatusPaused:
		return true
	}
	return false
}

// AwaitsAgreement reports whether a relationship in this status starts when
// both parties sign the same agreement version (Activate).
func (s RelationshipStatus) AwaitsAgreement() bool {
	return s == StatusAccepted || s == StatusAgreeing
}

// LifecycleAction is something a party does to a relationship's status.
type LifecycleAction string

const (
	ActAccept   LifecycleAction = "accept"   // invitee: proposed → accepted
	ActDecline  LifecycleAction = "decline"  // invitee: proposed → declined
	ActWithdraw LifecycleAction = "withdraw" // proposer: proposed → withdrawn; either party before active
	ActPause    LifecycleAction = "pause"    // either party: active → paused
	ActResume   LifecycleAction = "resume"   // either party: paused → active
	ActClose    LifecycleAction = "close"    // either party: accepted/agreeing/active/paused → closed
)

// LifecycleActions lists every lifecycle action.
// Becoming active is not among them: it happens when both parties sign the
// same version of the confidentiality agreement (see StartAgreeing, Activate).
var LifecycleActions = []LifecycleAction{ActAccept, ActDecline, ActWithdraw, ActPause, ActResume, ActClose}

// Relationship is a mentoring relationship between two people, formal (in a
// programme) or informal. Its existence is public within the organisation;
// its content is sealed to the pair.
type Relationship struct {
	ID           string
	OrgID        string
	ProgrammeID  string // "" for an informal relationship
	Kind         RelationshipKind
	MentorID     string // for peer relationships: the first partner
	MenteeID     string // for peer relationships: the second partner
	ProposedByID string
	Status       RelationshipStatus
	// MentorAgreedAt and MenteeAgreedAt are when each party signed the
	// agreement version now in force (nil before one is).
	MentorAgreedAt *time.Time
	MenteeAgreedAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	StartedAt      *time.Time // first became active
	EndedAt        *time.Time // closed, declined or withdrawn

	// Ending and retention (DESIGN.md §2.7).
	ClosedByID       string     // who closed it: a party, or the coordinator who ended it for the programme
	EndedByProgramme bool       // a coordinator ended it, not one of the pair
	EraseAt          *time.Time // closed: when its content is erased (its data key destroyed)
	EraseWarned      int        // the last erasure warning sent, in days before EraseAt: 0 (none yet), 30 or 7
	ErasedAt         *time.Time // when its data key was destroyed
	Hold             *LegalHold // an org admin's legal hold: erasure waits while it stands

	// Matching (issue 16). A coordinator's match is a proposal the
	// coordinator made for the programme: MatchedByID and ProposedByID are
	// both the coordinator, who is not one of the pair, so each party
	// accepts it for themselves (MentorAcceptedAt, MenteeAcceptedAt) and it
	// is accepted once both have; either may decline it, neither can
	// withdraw it (the coordinator ends it for the programme instead).
	MatchedByID      string     // the coordinator who matched the pair; "" when a party proposed
	MentorAcceptedAt *time.Time // when the mentor accepted the proposal (nil before)
	MenteeAcceptedAt *time.Time // when the mentee accepted the proposal (nil before)
	ExpiresAt        *time.Time // a proposal not answered by then expires (nil: never)
	ExpiredAt        *time.Time // when it expired unanswered (it is then withdrawn)
}

// Matched reports whether the programme's coordinator proposed the pair.
func (r *Relationship) Matched() bool { return r.MatchedByID != "" }

// AcceptedBy reports whether userID, a party, has accepted the proposal:
// the invitee once it is accepted, each party of a match as they do.
func (r *Relationship) AcceptedBy(userID string) bool {
	switch {
	case !r.IsParty(userID):
		return false
	case userID == r.ProposedByID:
		return true
	case userID == r.MentorID && r.MentorAcceptedAt != nil, userID == r.MenteeID && r.MenteeAcceptedAt != nil:
		return true
	}
	return r.Status != StatusProposed && r.Status != StatusDeclined && r.Status != StatusWithdrawn
}

// ExpiryDue reports whether the proposal is still unanswered at now,
// past its ExpiresAt.
func (r *Relationship) ExpiryDue(now time.Time) bool {
	return r.Status == StatusProposed && r.ExpiresAt != nil && !r.ExpiresAt.After(now)
}

// Expire records that the proposal expired unanswered at now: it is
// withdrawn, with ExpiredAt set. Returns ECONFLICT unless ExpiryDue.
func (r *Relationship) Expire(now time.Time) error {
	if !r.ExpiryDue(now) {
		return Errorf(ECONFLICT, "only an unanswered proposal past its expiry date expires (this one is %s)", r.Status)
	}
	t := now
	r.Status, r.UpdatedAt, r.EndedAt, r.ExpiredAt = StatusWithdrawn, now, &t, &t
	return nil
}

// LegalHold suspends a relationship's erasure. It is never secret: both
// parties see it, its reason and who placed it.
type LegalHold struct {
	Reason string
	ByID   string
	At     time.Time
}

// MaxHoldReasonBytes bounds a legal hold's reason.
const MaxHoldReasonBytes = 1000

// EraseWarnings are the days before erasure on which both parties are warned.
var EraseWarnings = []int{30, 7}

// Close records that actorID closed the relationship at now. byProgramme
// says a coordinator ended it, which the lifecycle table does not offer
// (Apply checks a party's close): the caller has decided that the
// coordinator may. Returns ECONFLICT unless it is accepted, agreeing,
// active or paused (or, for the programme, proposed).
func (r *Relationship) Close(actorID string, byProgramme bool, now time.Time) error {
	if byProgramme {
		switch r.Status {
		case StatusProposed, StatusAccepted, StatusAgreeing, StatusActive, StatusPaused:
		default:
			return Errorf(ECONFLICT, "cannot end a relationship that is %s", r.Status)
		}
		r.Status, r.UpdatedAt = StatusClosed, now
		t := now
		r.EndedAt = &t
	} else if err := r.Apply(ActClose, actorID, now); err != nil {
		return err
	}
	r.ClosedByID, r.EndedByProgramme = actorID, byProgramme
	return nil
}

// ScheduleErasure sets the date an ended relationship's content is erased.
// Warnings whose day is already past at now are not sent (the page that
// ends it shows the date), nor any for a relationship that never started.
func (r *Relationship) ScheduleErasure(erase, now time.Time) {
	r.EraseAt, r.EraseWarned = &erase, 0
	for _, d := range EraseWarnings {
		if r.StartedAt == nil || !erase.AddDate(0, 0, -d).After(now) {
			r.EraseWarned = d
		}
	}
}

// EraseWarningDue returns the warning (days before erasure) due at now
// that has not been sent, or 0.
func (r *Relationship) EraseWarningDue(now time.Time) int {
	if r.EndedAt == nil || r.EraseAt == nil || r.ErasedAt != nil || r.Hold != nil {
		return 0
	}
	due := 0
	for _, d := range EraseWarnings {
		if (r.EraseWarned == 0 || d < r.EraseWarned) && !r.EraseAt.AddDate(0, 0, -d).After(now) {
			due = d
		}
	}
	return due
}

// EraseDue reports whether the relationship's content is to be erased at
// now: ended, its date reached, no legal hold, not erased yet.
func (r *Relationship) EraseDue(now time.Time) bool {
	return r.EndedAt != nil && r.EraseAt != nil && !r.EraseAt.After(now) && r.ErasedAt == nil && r.Hold == nil
}

// Formal reports whether the relationship belongs to a programme.
func (r *Relationship) Formal() bool { return r.ProgrammeID != "" }

// IsParty reports whether userID is one of the pair.
func (r *Relationship) IsParty(userID string) bool {
	return userID != "" && (userID == r.MentorID || userID == r.MenteeID)
}

// Partner returns the other party's ID, or "" if userID is not a party.
func (r *Relationship) Partner(userID string) string {
	switch userID {
	case r.MentorID:
		return r.MenteeID
	case r.MenteeID:
		return r.MentorID
	}
	return ""
}

// Validate checks a new relationship. Returns EINVALID.
func (r *Relationship) Validate() error {
	fields := map[string]string{}
	if r.Kind != KindMentoring && r.Kind != KindPeer {
		fields["kind"] = `must be "mentoring" or "peer"`
	}
	if r.MentorID == "" {
		fields["mentor"] = "is required"
	}
	if r.MenteeID == "" {
		fields["mentee"] = "is required"
	}
	if r.MentorID != "" && r.MentorID == r.MenteeID {
		fields["mentee"] = "must be someone other than the mentor"
	}
	switch {
	case r.MatchedByID != "":
		// A match: the coordinator proposed it for the programme.
		if r.ProposedByID != r.MatchedByID {
			fields["proposer"] = "must be the coordinator who matched the pair"
		} else if r.IsParty(r.MatchedByID) {
			fields["matched_by"] = "must not be one of the pair: propose a relationship of your own from your side"
		}
		if r.ProgrammeID == "" {
			fields["programme"] = "is required: a match is made in a programme"
		}
	case !r.IsParty(r.ProposedByID):
		fields["proposer"] = "must be one of the pair"
	}
	if len(fields) > 0 {
		return Invalid("the relationship is not valid", fields)
	}
	return nil
}

// Apply performs a lifecycle action by actorID at now, or returns an error
// that says why the transition is not allowed (ECONFLICT for a wrong state,
// EFORBIDDEN for the wrong party, EINVALID for an unknown action). Whether the
// actor may act on the relationship at all is decided by policy beforehand.
func (r *Relationship) Apply(action LifecycleAction, actorID string, now time.Time) error {
	to, err := r.next(action, actorID)
	if err != nil {
		return err
	}
	if action == ActAccept && r.Matched() {
		// Each party of a match accepts for themselves; it is accepted
		// when both have (next has checked this one has not yet).
		t := now
		if actorID == r.MentorID {
			r.MentorAcceptedAt = &t
		} else {
			r.MenteeAcceptedAt = &t
		}
		if r.MentorAcceptedAt == nil || r.MenteeAcceptedAt == nil {
			to = StatusProposed
		}
	}
	r.Status = to
	r.UpdatedAt = now
	switch to {
	case StatusClosed, StatusDeclined, StatusWithdrawn:
		t := now
		r.EndedAt = &t
	}
	return nil
}

// CanApply reports whether the lifecycle table lets actorID take action now
// (Apply would succeed). It is domain state, not access: policy decides
// beforehand whether the actor may act on the relationship at all.
func (r *Relationship) CanApply(action LifecycleAction, actorID string) bool {
	_, err := r.next(action, actorID)
	return err == nil
}

// Offers lists, in the order a page shows them, the lifecycle actions
// actorID can take now. Before the relationship starts, ending it is
// withdrawing (Apply accepts close there too, so it is not offered twice).
func (r *Relationship) Offers(actorID string) []LifecycleAction {
	var out []LifecycleAction
	for _, a := range LifecycleActions {
		if a == ActClose && r.CanApply(ActWithdraw, actorID) {
			continue
		}
		if r.CanApply(a, actorID) {
			out = append(out, a)
		}
	}
	return out
}

// next is the lifecycle table: the status action by actorID leads to, or
// why it cannot be taken.
func (r *Relationship) next(action LifecycleAction, actorID string) (RelationshipStatus, error) {
	if !r.IsParty(actorID) {
		return "", Errorf(EFORBIDDEN, "only the two parties can change the relationship's status")
	}
	from := r.Status
	wrongState := func() (RelationshipStatus, error) {
		return "", Errorf(ECONFLICT, "cannot %s a relationship that is %s", action, from)
	}
	switch action {
	case ActAccept, ActDecline:
		if from != StatusProposed {
			return wrongState()
		}
		if actorID == r.ProposedByID {
			return "", Errorf(EFORBIDDEN, "you proposed this relationship; the other party decides whether to %s it", action)
		}
		if action == ActAccept && r.Matched() && r.AcceptedBy(actorID) {
			return "", Errorf(ECONFLICT, "you have accepted this match already; it is waiting for the other party")
		}
		if action == ActDecline {
			return StatusDeclined, nil
		}
		return StatusAccepted, nil
	case ActWithdraw:
		switch from {
		case StatusProposed:
			if r.Matched() {
				return "", Errorf(EFORBIDDEN, "the programme's coordinator proposed this match, so it cannot be withdrawn; you can decline it")
			}
			if actorID != r.ProposedByID {
				return "", Errorf(EFORBIDDEN, "only the person who proposed the relationship can withdraw it; you can decline it")
			}
		case StatusAccepted, StatusAgreeing:
		default:
			return wrongState()
		}
		return StatusWithdrawn, nil
	case ActPause:
		if from != StatusActive {
			return wrongState()
		}
		return StatusPaused, nil
	case ActResume:
		if from != StatusPaused {
			return wrongState()
		}
		return StatusActive, nil
	case ActClose:
		switch from {
		case StatusAccepted, StatusAgreeing, StatusActive, StatusPaused:
		default:
			return wrongState()
		}
		return StatusClosed, nil
	}
	return "", Errorf(EINVALID, "unknown action %q", string(action))
}

// StartAgreeing moves an accepted relationship to agreeing when the pair
// start their agreement. Other statuses are left as they are.
func (r *Relationship) StartAgreeing(now time.Time) {
	if r.Status == StatusAccepted {
		r.Status, r.UpdatedAt = StatusAgreeing, now
	}
}

// Activate records that both parties signed the same agreement version at
// mentorSigned and menteeSigned. An accepted or agreeing relationship becomes
// active; an active or paused one stays as it is (an amendment). Returns
// ECONFLICT for any other status.
func (r *Relationship) Activate(mentorSigned, menteeSigned, now time.Time) error {
	switch {
	case r.Status.AwaitsAgreement():
		r.Status = StatusActive
		if r.StartedAt == nil {
			t := now
			r.StartedAt = &t
		}
	case r.Status == StatusActive || r.Status == StatusPaused:
	default:
		return Errorf(ECONFLICT, "an agreement cannot come into force while the relationship is %s", r.Status)
	}
	r.MentorAgreedAt, r.MenteeAgreedAt, r.UpdatedAt = &mentorSigned, &menteeSigned, now
	return nil
}

// RelationshipFilter selects relationships. Zero fields do not filter.
type RelationshipFilter struct {
	IDs         []string // only these (none when empty: no filter)
	OrgID       string
	PartyID     string // the user is mentor or mentee
	ProgrammeID string
	Statuses    []RelationshipStatus
	// Query keeps the relationships whose mentor's or mentee's name or
	// email, or whose programme's name, contains it (case-insensitive).
	Query  string
	Limit  int // at most this many (0: all)
	Offset int // skip this many first (with an order, created_at then ID)
}

// BoundDataKey is a relationship's live wrapped data keyset, the sealed token
// that binds it to the relationship's parties (nil for a key made before
// bindings), and those parties as the relationship row holds them now.
type BoundDataKey struct {
	Wrapped, Binding                       []byte
	OrgID, ProgrammeID, MentorID, MenteeID string
}
