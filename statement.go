package mentorvault

import (
	"strings"
	"time"
)

// Third parties (DESIGN.md §5): a requester asks one party for input about
// the other; the asked party declines or drafts a statement; the subject
// sees it and consents, or a signed clause pre-authorises it and the subject
// sees it for a window before release; only released statements reach the
// requester. Shared summaries follow the same path without a request.

// RequestStatus is where an input request stands.
type RequestStatus string

const (
	RequestOpen     RequestStatus = "open"
	RequestDeclined RequestStatus = "declined"
	RequestAnswered RequestStatus = "answered" // a statement was released
)

// NeutralDecline is the standard reply offered for declining: it must not
// read as a negative signal about the subject.
const NeutralDecline = "Thank you for asking. As a matter of practice I do not give input about the people I mentor, so please do not read anything into this reply."

// InputRequest is a third party asking a party for input about the other.
// Its existence, requester and purpose are visible to both parties at once.
type InputRequest struct {
	ID                 string
	RelationshipID     string
	RequesterID        string
	AskedID            string // the party asked
	SubjectID          string // the party it is about
	Purpose            string // e.g. "promotion to team lead"; both parties and the requester see it; opened from PurposeSealed
	PurposeSealed      []byte // nil for a row written before purposes were sealed (see Service.SealLeftovers)
	Question           Secret // the requester's question, sealed with the relationship's key
	QuestionSealed     []byte
	SealVersion        int  // raised by every write that seals; bound into its sealed fields' associated data
	Damaged            bool // set by a read when a sealed field did not open: changed outside mentorvault; its plaintext is empty
	Deadline           time.Time
	Status             RequestStatus
	DeclineReply       string // opened from DeclineReplySealed
	DeclineReplySealed []byte
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// StatementState is where a statement stands.
type StatementState string

const (
	StatementDraft            StatementState = "draft"             // the author writes
	StatementAwaitingConsent  StatementState = "awaiting_consent"  // the subject decides
	StatementChangesRequested StatementState = "changes_requested" // back to the author, with the subject's comment
	StatementPreAuthorised    StatementState = "pre_authorised"    // a signed clause allows it: released at ReleaseAt unless the subject objects
	StatementRefused          StatementState = "refused"
	StatementReleased         StatementState = "released"
	StatementWithdrawn        StatementState = "withdrawn" // by its author, after release
)

// Statement kinds.
const (
	StatementInput   = "input"   // answers an input request
	StatementSummary = "summary" // a shared summary for a named third party
)

// Statement is what a party writes for a third party. Body and the
// subject's comment are sealed; the recipient reads the body only once released.
type Statement struct {
	ID              string
	RelationshipID  string
	Kind            string
	RequestID       string // for StatementInput
	AuthorID        string
	SubjectID       string
	RecipientUserID string
	RecipientKind   Recipient // who the recipient is to the pair, for the checker and the clauses
	Purpose         string    // opened from PurposeSealed
	PurposeSealed   []byte    // nil for a row written before purposes were sealed
	Body            Secret
	BodySealed      []byte
	Comment         Secret // the subject's latest comment (changes requested, objection, refusal)
	CommentSealed   []byte
	SealVersion     int  // raised by every write that seals; bound into its sealed fields' associated data
	Damaged         bool // set by a read when a sealed field did not open: changed outside mentorvault; its plaintext is empty
	State           StatementState
	ReleaseAt       *time.Time // pre-authorised: released then unless the subject objects
	CreatedAt       time.Time
	UpdatedAt       time.Time
	ReleasedAt      *time.Time
	WithdrawnAt     *time.Time
}

// MaxStatementBytes bounds a statement.
const MaxStatementBytes = 16 << 10

// MaxPurposeBytes bounds a request's or summary's purpose.
const MaxPurposeBytes = 300

// ValidatePurpose checks a purpose line. Returns EINVALID.
func ValidatePurpose(s string) error {
	msg := ""
	switch {
	case !CleanLine(s):
		msg = textProblem(s, false)
	case strings.TrimSpace(s) == "":
		msg = "must not be empty"
	case len(s) > MaxPurposeBytes:
		msg = "is too long (at most 300 bytes)"
	}
	if msg != "" {
		return Invalid("the purpose is not valid", map[string]string{"purpose": msg})
	}
	return nil
}

// Open reports whether the request still waits for an answer: the party
// asked may decline it or draft a statement.
func (r *InputRequest) Open() bool { return r.Status == RequestOpen }

// Decline answers an open request with a reply (the neutral one by default).
// Returns ECONFLICT once it was answered or declined.
func (r *InputRequest) Decline(reply string, now time.Time) error {
	if !r.Open() {
		return Errorf(ECONFLICT, "the request is already %s", r.Status)
	}
	if strings.TrimSpace(reply) == "" {
		reply = NeutralDecline
	}
	r.Status, r.DeclineReply, r.UpdatedAt = RequestDeclined, reply, now
	return nil
}

// Editable reports whether the author may still change the text and show
// it to the subject: a draft, or one the subject asked to change.
func (s *Statement) Editable() bool {
	return s.State == StatementDraft || s.State == StatementChangesRequested
}

// Decidable reports whether the subject has a decision to make: their
// consent is asked, or a pre-authorised release awaits its window.
func (s *Statement) Decidable() bool {
	return s.State == StatementAwaitingConsent || s.State == StatementPreAuthorised
}

// Withdrawable reports whether the author may withdraw it: it is released.
func (s *Statement) Withdrawable() bool { return s.State == StatementReleased }

// InProgress reports whether the statement still stands as an answer
// (neither refused nor withdrawn): its request cannot be declined or
// answered again meanwhile.
func (s *Statement) InProgress() bool {
	return s.State != StatementRefused && s.State != StatementWithdrawn
}

// Edit replaces the text while the author may still change it.
func (s *Statement) Edit(now time.Time) error {
	if s.Editable() {
		s.State, s.UpdatedAt = StatementDraft, now
		return nil
	}
	return Errorf(ECONFLICT, "a statement that is %s cannot be edited", strings.ReplaceAll(string(s.State), "_", " "))
}

// Submit shows the draft to the subject: for their consent, or — when a
// signed clause pre-authorises it — for a window after which it is released
// unless they object.
func (s *Statement) Submit(preAuthorised bool, window time.Duration, now time.Time) error {
	if !s.Editable() {
		return Errorf(ECONFLICT, "only a draft can be shown to the subject (this one is %s)", s.State)
	}
	s.UpdatedAt = now
	if preAuthorised {
		t := now.Add(window)
		s.State, s.ReleaseAt = StatementPreAuthorised, &t
		return nil
	}
	s.State, s.ReleaseAt = StatementAwaitingConsent, nil
	return nil
}

// Decide is the subject's answer: "approve" releases, "changes" sends it
// back to the author, "refuse" ends it. On a pre-authorised statement,
// "changes" and "refuse" are the subject's objection within the window.
func (s *Statement) Decide(decision string, now time.Time) error {
	if !s.Decidable() {
		return Errorf(ECONFLICT, "the statement is %s: there is nothing to decide", strings.ReplaceAll(string(s.State), "_", " "))
	}
	if s.State == StatementPreAuthorised && s.ReleaseAt != nil && !now.Before(*s.ReleaseAt) {
		return Errorf(ECONFLICT, "the window to object has closed")
	}
	switch decision {
	case "approve":
		return s.release(now)
	case "changes":
		s.State, s.ReleaseAt, s.UpdatedAt = StatementChangesRequested, nil, now
	case "refuse":
		s.State, s.ReleaseAt, s.UpdatedAt = StatementRefused, nil, now
	default:
		return Invalid("the decision is not valid", map[string]string{"decision": `must be "approve", "changes" or "refuse"`})
	}
	return nil
}

func (s *Statement) release(now time.Time) error {
	t := now
	s.State, s.ReleaseAt, s.ReleasedAt, s.UpdatedAt = StatementReleased, nil, &t, now
	return nil
}

// ReleaseIfDue releases a pre-authorised statement whose window has passed.
// Returns ECONFLICT otherwise.
func (s *Statement) ReleaseIfDue(now time.Time) error {
	if s.State != StatementPreAuthorised || s.ReleaseAt == nil {
		return Errorf(ECONFLICT, "the statement is %s", s.State)
	}
	if now.Before(*s.ReleaseAt) {
		return Errorf(ECONFLICT, "the window to object runs until %s", s.ReleaseAt.UTC().Format("Mon 2 Jan 2006 at 15:04 UTC"))
	}
	return s.release(now)
}

// Withdraw withdraws a released statement (by its author); the recipient sees that it was withdrawn.
func (s *Statement) Withdraw(now time.Time) error {
	if !s.Withdrawable() {
		return Errorf(ECONFLICT, "only a released statement can be withdrawn (this one is %s)", s.State)
	}
	t := now
	s.State, s.WithdrawnAt, s.UpdatedAt = StatementWithdrawn, &t, now
	return nil
}

// Job kind for pre-authorised releases.
const JobReleaseStatement = "statement.release"

// ThreeWayState is where a three-way meeting with the mentee's line manager stands.
type ThreeWayState string

const (
	ThreeWayProposed  ThreeWayState = "proposed" // the brief awaits the other party's agreement
	ThreeWayAgreed    ThreeWayState = "agreed"   // both agreed the brief: the line manager sees it and the meeting
	ThreeWayHeld      ThreeWayState = "held"
	ThreeWayCancelled ThreeWayState = "cancelled"
)

// ThreeWayMeeting is a meeting of the pair with the mentee's line manager,
// preceded by a brief both parties agree on: what may be revealed, and how.
// The line manager sees the brief and the meeting only once both agreed.
type ThreeWayMeeting struct {
	ID             string
	RelationshipID string
	ManagerID      string // the mentee's line manager
	ProposedByID   string
	Brief          Secret
	BriefSealed    []byte
	SealVersion    int  // raised by every write that seals; bound into its sealed fields' associated data
	Damaged        bool // set by a read when a sealed field did not open: changed outside mentorvault; its plaintext is empty
	StartsAt       time.Time
	Minutes        int
	Location       string
	State          ThreeWayState
	MentorAgreedAt *time.Time
	MenteeAgreedAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// AgreedBy reports whether the party has agreed the current brief.
func (m *ThreeWayMeeting) AgreedBy(rel *Relationship, userID string) bool {
	if userID == rel.MentorID {
		return m.MentorAgreedAt != nil
	}
	return userID == rel.MenteeID && m.MenteeAgreedAt != nil
}

// AwaitsAgreement reports whether the brief is proposed and not yet agreed
// by both: it may still be agreed or revised.
func (m *ThreeWayMeeting) AwaitsAgreement() bool { return m.State == ThreeWayProposed }

// CanAgree reports whether the party may still agree the brief: it awaits
// agreement and they have not agreed it yet.
func (m *ThreeWayMeeting) CanAgree(rel *Relationship, userID string) bool {
	return m.AwaitsAgreement() && !m.AgreedBy(rel, userID)
}

// CanFinish reports whether the meeting may be marked to (held or
// cancelled) at now: held once its brief is agreed and its time has come,
// cancelled until it is over.
func (m *ThreeWayMeeting) CanFinish(to ThreeWayState, now time.Time) bool {
	switch to {
	case ThreeWayHeld:
		return m.State == ThreeWayAgreed && !now.Before(m.StartsAt)
	case ThreeWayCancelled:
		return m.State == ThreeWayProposed || m.State == ThreeWayAgreed
	}
	return false
}

// Agree records a party's agreement to the brief; with both it is agreed.
// Returns ECONFLICT unless the brief awaits agreement or when the party agreed already.
func (m *ThreeWayMeeting) Agree(rel *Relationship, userID string, now time.Time) error {
	if !m.AwaitsAgreement() {
		return Errorf(ECONFLICT, "the three-way meeting is %s", m.State)
	}
	if m.AgreedBy(rel, userID) {
		return Errorf(ECONFLICT, "you have already agreed this brief")
	}
	t := now
	if userID == rel.MentorID {
		m.MentorAgreedAt = &t
	} else {
		m.MenteeAgreedAt = &t
	}
	m.UpdatedAt = now
	if m.MentorAgreedAt != nil && m.MenteeAgreedAt != nil {
		m.State = ThreeWayAgreed
	}
	return nil
}

// Revise changes the brief or the time before it was agreed by both: the
// other party must agree again. Returns ECONFLICT once agreed.
func (m *ThreeWayMeeting) Revise(rel *Relationship, userID string, now time.Time) error {
	if !m.AwaitsAgreement() {
		return Errorf(ECONFLICT, "an agreed brief cannot be changed: cancel this meeting and propose a new one")
	}
	t := now
	m.MentorAgreedAt, m.MenteeAgreedAt, m.UpdatedAt = nil, nil, now
	if userID == rel.MentorID {
		m.MentorAgreedAt = &t
	} else {
		m.MenteeAgreedAt = &t
	}
	return nil
}

// Finish records that the meeting was held or cancelled. Returns EINVALID
// for another state, ECONFLICT when it is over already, or when a meeting
// whose brief is not agreed, or whose time has not come, is marked held.
func (m *ThreeWayMeeting) Finish(to ThreeWayState, now time.Time) error {
	if to != ThreeWayHeld && to != ThreeWayCancelled {
		return Invalid("the outcome is not valid", map[string]string{"state": `must be "held" or "cancelled"`})
	}
	switch {
	case m.CanFinish(to, now):
	case m.State == ThreeWayHeld || m.State == ThreeWayCancelled:
		return Errorf(ECONFLICT, "the three-way meeting is already %s", m.State)
	case m.State == ThreeWayAgreed: // held before its time
		return Errorf(ECONFLICT, "the three-way meeting has not begun yet: it can be marked held from its start")
	default: // held before both agreed the brief
		return Errorf(ECONFLICT, "only a meeting whose brief both agreed can be held")
	}
	m.State, m.UpdatedAt = to, now
	return nil
}

// ThreeWayNote is a note marked for the three of them: the pair and the
// line manager. The pair's own notes stay theirs.
type ThreeWayNote struct {
	ID          string
	ThreeWayID  string
	AuthorID    string
	Body        Secret
	BodySealed  []byte
	SealVersion int  // raised by every write that seals; bound into its sealed fields' associated data
	Damaged     bool // set by a read when a sealed field did not open: changed outside mentorvault; its plaintext is empty
	CreatedAt   time.Time
}
