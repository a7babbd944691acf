package mentorvault

import (
	"time"
)

// CommitmentStatus is where a promise stands.
type CommitmentStatus string

const (
	CommitmentProposed CommitmentStatus = "proposed" // the other party proposed it; the owner has not accepted yet
	CommitmentOpen     CommitmentStatus = "open"
	CommitmentKept     CommitmentStatus = "kept"
	CommitmentMissed   CommitmentStatus = "missed"
	CommitmentDropped  CommitmentStatus = "dropped" // withdrawn by agreement; counts neither way
)

// MaxCommitmentBytes bounds a commitment's description and a goal's texts.
const MaxCommitmentBytes = 2000

// Commitment is who promised what by when. The description is sealed.
type Commitment struct {
	ID                string
	RelationshipID    string
	OwnerID           string // who promised
	ProposedByID      string
	GoalID            string // optional
	MeetingID         string // optional: the session it came from
	Description       Secret
	DescriptionSealed []byte
	SealVersion       int  // raised by every write that seals; bound into DescriptionSealed's associated data
	Damaged           bool // set when DescriptionSealed did not open: changed outside mentorvault; Description is empty
	DueAt             time.Time
	Status            CommitmentStatus
	CreatedAt         time.Time
	UpdatedAt         time.Time
	ClosedAt          *time.Time
}

// CanAccept reports whether byID may accept the commitment as it stands: it
// is proposed and byID would make the promise. Ownership is decided here,
// not by Cedar (commitment.update lets either party act on the record).
func (c *Commitment) CanAccept(byID string) bool {
	return c.Status == CommitmentProposed && byID == c.OwnerID
}

// CanClose reports whether byID may mark the commitment kept or missed: it
// is open and byID made the promise.
func (c *Commitment) CanClose(byID string) bool {
	return c.Status == CommitmentOpen && byID == c.OwnerID
}

// CanDrop reports whether the commitment may be dropped (by either party):
// it is open or proposed.
func (c *Commitment) CanDrop() bool {
	return c.Status == CommitmentOpen || c.Status == CommitmentProposed
}

// IsOverdue reports whether an open commitment's due date has passed by now.
func (c *Commitment) IsOverdue(now time.Time) bool {
	return c.Status == CommitmentOpen && c.DueAt.Before(now)
}

// Accept is the owner taking on a commitment the other party proposed.
func (c *Commitment) Accept(byID string, now time.Time) error {
	if byID != c.OwnerID {
		return Errorf(EFORBIDDEN, "only the person who would make the promise can accept it")
	}
	if c.Status != CommitmentProposed {
		return Errorf(ECONFLICT, "the commitment is already %s", c.Status)
	}
	c.Status, c.UpdatedAt = CommitmentOpen, now
	return nil
}

// Close marks an open (or, for dropping, proposed) commitment kept, missed
// or dropped. The owner says kept or missed; either party may drop it.
func (c *Commitment) Close(to CommitmentStatus, byID string, now time.Time) error {
	switch to {
	case CommitmentKept, CommitmentMissed:
		if c.Status != CommitmentOpen {
			return Errorf(ECONFLICT, "only an open commitment can be marked %s (this one is %s)", to, c.Status)
		}
		if byID != c.OwnerID {
			return Errorf(EFORBIDDEN, "only the person who made the promise marks it %s", to)
		}
	case CommitmentDropped:
		if !c.CanDrop() {
			return Errorf(ECONFLICT, "the commitment is already %s", c.Status)
		}
	default:
		return Invalid("the status is not valid", map[string]string{"status": `must be "kept", "missed" or "dropped"`})
	}
	t := now
	c.Status, c.UpdatedAt, c.ClosedAt = to, now, &t
	return nil
}

// FollowThrough is a party's record of keeping their promises.
type FollowThrough struct {
	Kept, Missed, Open int
}

// Rate is kept / (kept + missed), and ok is false when nothing was decided yet.
func (f FollowThrough) Rate() (rate float64, ok bool) {
	if f.Kept+f.Missed == 0 {
		return 0, false
	}
	return float64(f.Kept) / float64(f.Kept+f.Missed), true
}

// FollowThroughOf counts ownerID's commitments; dropped and proposed ones do not count.
func FollowThroughOf(cs []*Commitment, ownerID string) FollowThrough {
	var f FollowThrough
	for _, c := range cs {
		if c.OwnerID != ownerID {
			continue
		}
		switch c.Status {
		case CommitmentKept:
			f.Kept++
		case CommitmentMissed:
			f.Missed++
		case CommitmentOpen:
			f.Open++
		}
	}
	return f
}

// GoalStatus is where a goal stands.
type GoalStatus string

const (
	GoalActive   GoalStatus = "active"
	GoalAchieved GoalStatus = "achieved"
	GoalDropped  GoalStatus = "dropped"
)

// Goal is something the pair work towards. Its title is sealed.
type Goal struct {
	ID             string
	RelationshipID string
	Title          Secret
	TitleSealed    []byte
	SealVersion    int  // raised by every write that seals; bound into the sealed fields' associated data
	Damaged        bool // set when a sealed field did not open: changed outside mentorvault; the opened fields are empty
	Status         GoalStatus
	CreatedByID    string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// GoalProgress is a dated, sealed progress note on a goal.
type GoalProgress struct {
	ID          string
	GoalID      string
	AuthorID    string
	Body        Secret
	BodySealed  []byte
	SealVersion int  // raised by every write that seals; bound into BodySealed's associated data
	Damaged     bool // set when BodySealed did not open: changed outside mentorvault; Body is empty
	CreatedAt   time.Time
}

// MeetingFigures are the pair's own record of follow-through, shown at reviews.
type MeetingFigures struct {
	Planned, Held, CancelledInTime, CancelledLate, Missed, Upcoming int
	RemindersShown, RemindersAcknowledged                           int // sessions that began with the reminder, per party-session
}

// FiguresOf counts meetings that should have happened by now.
func FiguresOf(ms []*Meeting, now time.Time) MeetingFigures {
	var f MeetingFigures
	for _, m := range ms {
		switch m.Status {
		case MeetingScheduled:
			if m.StartsAt.After(now) {
				f.Upcoming++
				continue
			}
		case MeetingHeld:
			f.Held++
		case MeetingCancelledInTime:
			f.CancelledInTime++
			continue // cancelled with notice: not planned any more
		case MeetingCancelledLate:
			f.CancelledLate++
		case MeetingMissed:
			f.Missed++
		}
		f.Planned++
	}
	return f
}
