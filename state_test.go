package mentorvault_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
)

// The state a page asks about (which buttons fit) is the state the
// transitions apply: each answer agrees with whether the transition succeeds.
func TestMeetingStateAgreesWithTransitions(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, st := range []mentorvault.MeetingStatus{mentorvault.MeetingScheduled, mentorvault.MeetingHeld, mentorvault.MeetingMissed,
		mentorvault.MeetingCancelledInTime, mentorvault.MeetingCancelledLate} {
		for _, now := range []time.Time{start.Add(-time.Hour), start, start.Add(time.Hour)} {
			m := mentorvault.Meeting{StartsAt: start, Minutes: 45, Status: st}
			if got, want := m.Startable(), st == mentorvault.MeetingScheduled || st == mentorvault.MeetingHeld; got != want {
				t.Errorf("%s: Startable %v, want %v", st, got, want)
			}
			open := m.Open()
			if (m.Reschedule(start.Add(time.Hour), 45, "", now) == nil) != open {
				t.Errorf("%s: Open %v disagrees with Reschedule", st, open)
			}
			m = mentorvault.Meeting{StartsAt: start, Minutes: 45, Status: st}
			if (m.Cancel("u", 0, now) == nil) != open {
				t.Errorf("%s: Open %v disagrees with Cancel", st, open)
			}
			m = mentorvault.Meeting{StartsAt: start, Minutes: 45, Status: st}
			can := m.CanRecordOutcome(now)
			if (m.RecordOutcome(mentorvault.MeetingHeld, now) == nil) != can {
				t.Errorf("%s at %s: CanRecordOutcome %v disagrees with RecordOutcome", st, now.Format(time.Kitchen), can)
			}
		}
	}
}

func TestCommitmentStateAgreesWithTransitions(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, st := range []mentorvault.CommitmentStatus{mentorvault.CommitmentProposed, mentorvault.CommitmentOpen, mentorvault.CommitmentKept,
		mentorvault.CommitmentMissed, mentorvault.CommitmentDropped} {
		for _, by := range []string{"owner", "other"} {
			c := mentorvault.Commitment{OwnerID: "owner", Status: st}
			can := c.CanAccept(by)
			if (c.Accept(by, now) == nil) != can {
				t.Errorf("%s by %s: CanAccept %v disagrees with Accept", st, by, can)
			}
			for _, to := range []mentorvault.CommitmentStatus{mentorvault.CommitmentKept, mentorvault.CommitmentMissed} {
				c = mentorvault.Commitment{OwnerID: "owner", Status: st}
				can = c.CanClose(by)
				if (c.Close(to, by, now) == nil) != can {
					t.Errorf("%s by %s to %s: CanClose %v disagrees with Close", st, by, to, can)
				}
			}
			c = mentorvault.Commitment{OwnerID: "owner", Status: st}
			can = c.CanDrop()
			if (c.Close(mentorvault.CommitmentDropped, by, now) == nil) != can {
				t.Errorf("%s by %s: CanDrop %v disagrees with dropping", st, by, can)
			}
		}
	}
	c := mentorvault.Commitment{Status: mentorvault.CommitmentOpen, DueAt: now.Add(-time.Hour)}
	if !c.IsOverdue(now) {
		t.Error("an open commitment past its due date is not overdue")
	}
	if c.Status = mentorvault.CommitmentKept; c.IsOverdue(now) {
		t.Error("a kept commitment is overdue")
	}
}
