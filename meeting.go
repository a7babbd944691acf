package mentorvault

import (
	"net/url"
	"strings"
	"time"
)

// MeetingStatus is where a meeting stands. Scheduled is the only open state;
// the others are outcomes.
type MeetingStatus string

const (
	MeetingScheduled       MeetingStatus = "scheduled"
	MeetingHeld            MeetingStatus = "held"
	MeetingCancelledInTime MeetingStatus = "cancelled_in_time"
	MeetingCancelledLate   MeetingStatus = "cancelled_late" // with less notice than the agreement asks
	MeetingMissed          MeetingStatus = "missed"
)

// Limits on meetings.
const (
	MaxMeetingMinutes = 480
	MaxLocationBytes  = 500
	MaxAgendaBytes    = 8 << 10
)

// Meeting is a mentoring session of a relationship. Its agenda is sealed;
// time, length and place are not content (they reach the pair's calendars).
type Meeting struct {
	ID             string
	RelationshipID string
	StartsAt       time.Time
	Minutes        int
	Location       string // a place or a video link
	Agenda         Secret
	AgendaSealed   []byte
	SealVersion    int  // raised by every write that seals; bound into the sealed fields' associated data
	Damaged        bool // set when a sealed field did not open: changed outside mentorvault; the opened fields are empty
	Status         MeetingStatus
	Sequence       int // bumped on every change, for calendar clients (RFC 5545 SEQUENCE)
	CreatedByID    string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	CancelledByID  string
	CancelledAt    *time.Time
}

// EndsAt is when the meeting is planned to end.
func (m *Meeting) EndsAt() time.Time { return m.StartsAt.Add(time.Duration(m.Minutes) * time.Minute) }

// ValidateMeetingInput checks a meeting's time, length, place and agenda.
// Returns EINVALID.
func ValidateMeetingInput(start time.Time, minutes int, location, agenda string) error {
	f := map[string]string{}
	if start.IsZero() {
		f["starts_at"] = "is required (RFC 3339, e.g. 2026-12-01T10:00:00Z)"
	} else if err := ValidateTime("starts_at", start); err != nil {
		f["starts_at"] = ErrorFields(err)["starts_at"]
	}
	if minutes < 5 || minutes > MaxMeetingMinutes {
		f["minutes"] = "must be from 5 to 480"
	}
	switch {
	case !CleanLine(location):
		f["location"] = textProblem(location, false)
	case len(location) > MaxLocationBytes:
		f["location"] = "is too long (at most 500 bytes)"
	case strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://"):
		if u, err := url.Parse(location); err != nil || u.Host == "" {
			f["location"] = "is not a valid link"
		}
	}
	switch {
	case !CleanText(agenda):
		f["agenda"] = textProblem(agenda, true)
	case len(agenda) > MaxAgendaBytes:
		f["agenda"] = "is too long (at most 8 KiB)"
	}
	if len(f) > 0 {
		return Invalid("the meeting is not valid", f)
	}
	return nil
}

// Open reports whether the meeting is still scheduled: only an open meeting
// is rescheduled, cancelled or given an outcome.
func (m *Meeting) Open() bool { return m.Status == MeetingScheduled }

// Startable reports whether a session may be opened on the meeting (its
// confidentiality reminder shown): while it is scheduled, or once held.
func (m *Meeting) Startable() bool { return m.Status == MeetingScheduled || m.Status == MeetingHeld }

// Started reports whether the meeting's start time has come by now.
func (m *Meeting) Started(now time.Time) bool { return !now.Before(m.StartsAt) }

// CanRecordOutcome reports whether an outcome (held or missed) may be
// recorded now: the meeting is open and has begun.
func (m *Meeting) CanRecordOutcome(now time.Time) bool { return m.Open() && m.Started(now) }

// MeetingPhase is where a meeting stands at a moment, from its status and
// the clock: the one state model its pages read.
type MeetingPhase string

const (
	PhaseUpcoming   MeetingPhase = "upcoming"    // scheduled, not begun
	PhaseInProgress MeetingPhase = "in_progress" // scheduled, between its start and its end
	PhaseToRecord   MeetingPhase = "to_record"   // scheduled and over: whether it was held is not recorded yet
	PhaseHeld       MeetingPhase = "held"
	PhaseMissed     MeetingPhase = "missed"
	PhaseCancelled  MeetingPhase = "cancelled" // in time or late
)

// Phase is the meeting's phase at now.
func (m *Meeting) Phase(now time.Time) MeetingPhase {
	switch m.Status {
	case MeetingHeld:
		return PhaseHeld
	case MeetingMissed:
		return PhaseMissed
	case MeetingCancelledInTime, MeetingCancelledLate:
		return PhaseCancelled
	}
	switch {
	case !m.Started(now):
		return PhaseUpcoming
	case now.Before(m.EndsAt()):
		return PhaseInProgress
	}
	return PhaseToRecord
}

// MeetingOffers is what a meeting's phase lets its pair do. Whether a
// person may act on the meeting at all is decided by policy beforehand;
// the operations below (Reschedule, Cancel, RecordOutcome) refuse exactly
// what this does not offer.
type MeetingOffers struct {
	Start         bool // open the session: show its confidentiality reminder
	Reschedule    bool
	Cancel        bool
	RecordOutcome bool // held or missed
	Record        bool // session notes and commitments
	Reminder      bool // who saw the reminder
}

// Offers is what the meeting offers at now: a cancelled or missed meeting
// has no session (no reminder, notes or commitments); an outcome is
// recorded once the meeting has begun.
func (m *Meeting) Offers(now time.Time) MeetingOffers {
	switch m.Phase(now) {
	case PhaseUpcoming:
		return MeetingOffers{Start: true, Reschedule: true, Cancel: true, Record: true, Reminder: true}
	case PhaseInProgress, PhaseToRecord:
		return MeetingOffers{Start: true, Reschedule: true, Cancel: true, RecordOutcome: true, Record: true, Reminder: true}
	case PhaseHeld:
		return MeetingOffers{Start: true, Record: true, Reminder: true}
	}
	return MeetingOffers{}
}

// Reschedule moves a scheduled meeting. Returns ECONFLICT once it has an outcome.
func (m *Meeting) Reschedule(start time.Time, minutes int, location string, now time.Time) error {
	if !m.Open() {
		return Errorf(ECONFLICT, "a meeting that is %s cannot be rescheduled", strings.ReplaceAll(string(m.Status), "_", " "))
	}
	m.StartsAt, m.Minutes, m.Location, m.UpdatedAt = start, minutes, location, now
	m.Sequence++
	return nil
}

// Cancel cancels a scheduled meeting: in time if at least noticeHours remain
// before it starts (the notice the signed agreement asks), late otherwise.
// Returns ECONFLICT once it has an outcome.
func (m *Meeting) Cancel(byID string, noticeHours int, now time.Time) error {
	if !m.Open() {
		return Errorf(ECONFLICT, "a meeting that is %s cannot be cancelled", strings.ReplaceAll(string(m.Status), "_", " "))
	}
	m.Status = MeetingCancelledInTime
	if m.StartsAt.Sub(now) < time.Duration(noticeHours)*time.Hour {
		m.Status = MeetingCancelledLate
	}
	t := now
	m.CancelledByID, m.CancelledAt, m.UpdatedAt = byID, &t, now
	m.Sequence++
	return nil
}

// RecordOutcome records that a scheduled meeting was held or missed, once
// it has started. Returns EINVALID for another outcome, ECONFLICT otherwise.
func (m *Meeting) RecordOutcome(outcome MeetingStatus, now time.Time) error {
	if outcome != MeetingHeld && outcome != MeetingMissed {
		return Invalid("the outcome is not valid", map[string]string{"outcome": `must be "held" or "missed" (cancel a meeting to cancel it)`})
	}
	if !m.Open() {
		return Errorf(ECONFLICT, "the meeting is already %s", strings.ReplaceAll(string(m.Status), "_", " "))
	}
	if !m.Started(now) {
		return Errorf(ECONFLICT, "the meeting has not started yet")
	}
	m.Status, m.UpdatedAt = outcome, now
	m.Sequence++
	return nil
}

// MeetingFilter selects a relationship's meetings. Upcoming are the
// scheduled meetings ending after Now (planned or in progress), soonest
// first; past are the rest (over, held, missed, or cancelled), latest
// first.
type MeetingFilter struct {
	RelationshipID string
	Upcoming       bool
	Now            time.Time
	Before         string // ID cursor for paging past meetings
	Limit          int
	Offset         int // meetings to skip after the cursor
}

// ReminderAck records that the confidentiality reminder was shown to a
// party at the start of a meeting, and when they acknowledged it.
type ReminderAck struct {
	MeetingID      string
	UserID         string
	ShownAt        time.Time
	AcknowledgedAt *time.Time
}
