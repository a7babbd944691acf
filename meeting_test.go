package mentorvault_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
)

func TestCancellationNotice(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		notice int // hours the agreement asks
		at     time.Time
		want   mentorvault.MeetingStatus
	}{
		{"a day ahead, 24h notice", 24, start.Add(-24 * time.Hour), mentorvault.MeetingCancelledInTime},
		{"a minute short of 24h", 24, start.Add(-24*time.Hour + time.Minute), mentorvault.MeetingCancelledLate},
		{"a week ahead, 48h notice", 48, start.Add(-7 * 24 * time.Hour), mentorvault.MeetingCancelledInTime},
		{"an hour ahead, no notice asked", 0, start.Add(-time.Hour), mentorvault.MeetingCancelledInTime},
		{"after the start, no notice asked", 0, start.Add(time.Minute), mentorvault.MeetingCancelledLate},
		{"an hour ahead, 2h notice", 2, start.Add(-time.Hour), mentorvault.MeetingCancelledLate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mentorvault.Meeting{StartsAt: start, Minutes: 45, Status: mentorvault.MeetingScheduled}
			if err := m.Cancel("u1", tc.notice, tc.at); err != nil {
				t.Fatal(err)
			}
			if m.Status != tc.want || m.CancelledByID != "u1" || m.CancelledAt == nil || m.Sequence != 1 {
				t.Fatalf("got %+v", m)
			}
		})
	}
}

func TestMeetingTransitions(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	before, after := start.Add(-time.Hour), start.Add(time.Hour)
	type op func(m *mentorvault.Meeting) error
	for _, tc := range []struct {
		name string
		from mentorvault.MeetingStatus
		do   op
		want mentorvault.MeetingStatus
		code string
	}{
		{"held after the start", mentorvault.MeetingScheduled, func(m *mentorvault.Meeting) error { return m.RecordOutcome(mentorvault.MeetingHeld, after) }, mentorvault.MeetingHeld, ""},
		{"missed after the start", mentorvault.MeetingScheduled, func(m *mentorvault.Meeting) error { return m.RecordOutcome(mentorvault.MeetingMissed, after) }, mentorvault.MeetingMissed, ""},
		{"not held before it starts", mentorvault.MeetingScheduled, func(m *mentorvault.Meeting) error { return m.RecordOutcome(mentorvault.MeetingHeld, before) }, "", mentorvault.ECONFLICT},
		{"outcome must be held or missed", mentorvault.MeetingScheduled, func(m *mentorvault.Meeting) error {
			return m.RecordOutcome(mentorvault.MeetingCancelledLate, after)
		}, "", mentorvault.EINVALID},
		{"held twice", mentorvault.MeetingHeld, func(m *mentorvault.Meeting) error { return m.RecordOutcome(mentorvault.MeetingHeld, after) }, "", mentorvault.ECONFLICT},
		{"cancel a held meeting", mentorvault.MeetingHeld, func(m *mentorvault.Meeting) error { return m.Cancel("u", 24, before) }, "", mentorvault.ECONFLICT},
		{"cancel twice", mentorvault.MeetingCancelledInTime, func(m *mentorvault.Meeting) error { return m.Cancel("u", 24, before) }, "", mentorvault.ECONFLICT},
		{"reschedule", mentorvault.MeetingScheduled, func(m *mentorvault.Meeting) error { return m.Reschedule(start.Add(48*time.Hour), 30, "Room 2", before) }, mentorvault.MeetingScheduled, ""},
		{"reschedule a missed meeting", mentorvault.MeetingMissed, func(m *mentorvault.Meeting) error { return m.Reschedule(start, 30, "", before) }, "", mentorvault.ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mentorvault.Meeting{StartsAt: start, Minutes: 45, Status: tc.from}
			err := tc.do(&m)
			if tc.code != "" {
				if mentorvault.ErrorCode(err) != tc.code || m.Status != tc.from || m.Sequence != 0 {
					t.Fatalf("want %s and no change, got %v %+v", tc.code, err, m)
				}
				return
			}
			if err != nil || m.Status != tc.want || m.Sequence != 1 {
				t.Fatalf("got %v %+v", err, m)
			}
		})
	}
}

func TestValidateMeetingInput(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		start    time.Time
		minutes  int
		location string
		agenda   string
		field    string
	}{
		{start, 45, "https://meet.example/abc", "Delegation", ""},
		{time.Time{}, 45, "", "", "starts_at"},
		{start, 2, "", "", "minutes"},
		{start, 600, "", "", "minutes"},
		{start, 45, "line one\nline two", "", "location"},
		{start, 45, "https://", "", "location"},
		{start, 45, "", "\xff", "agenda"},
	} {
		err := mentorvault.ValidateMeetingInput(tc.start, tc.minutes, tc.location, tc.agenda)
		if tc.field == "" && err != nil || tc.field != "" && mentorvault.ErrorFields(err)[tc.field] == "" {
			t.Errorf("%+v: %v", tc, err)
		}
	}
}

func TestRates(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	ms := func(sts ...mentorvault.MeetingStatus) []*mentorvault.Meeting {
		var out []*mentorvault.Meeting
		for i, s := range sts {
			out = append(out, &mentorvault.Meeting{Status: s, StartsAt: now.Add(time.Duration(i-len(sts)) * 24 * time.Hour)})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		in   []*mentorvault.Meeting
		want mentorvault.MeetingFigures
	}{
		{"nothing", nil, mentorvault.MeetingFigures{}},
		{"all held", ms(mentorvault.MeetingHeld, mentorvault.MeetingHeld), mentorvault.MeetingFigures{Planned: 2, Held: 2}},
		{"in-time cancellations are not planned", ms(mentorvault.MeetingHeld, mentorvault.MeetingCancelledInTime), mentorvault.MeetingFigures{Planned: 1, Held: 1, CancelledInTime: 1}},
		{"late cancellations and misses count as planned", ms(mentorvault.MeetingHeld, mentorvault.MeetingCancelledLate, mentorvault.MeetingMissed),
			mentorvault.MeetingFigures{Planned: 3, Held: 1, CancelledLate: 1, Missed: 1}},
		{"a past meeting without an outcome is planned, not held", ms(mentorvault.MeetingScheduled), mentorvault.MeetingFigures{Planned: 1}},
		{"future meetings are upcoming", []*mentorvault.Meeting{{Status: mentorvault.MeetingScheduled, StartsAt: now.Add(time.Hour)}}, mentorvault.MeetingFigures{Upcoming: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mentorvault.FiguresOf(tc.in, now); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}

	cs := func(owner string, sts ...mentorvault.CommitmentStatus) []*mentorvault.Commitment {
		var out []*mentorvault.Commitment
		for _, s := range sts {
			out = append(out, &mentorvault.Commitment{OwnerID: owner, Status: s})
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		in       []*mentorvault.Commitment
		rate     float64
		ok       bool
		kept, op int
	}{
		{"none decided", cs("a", mentorvault.CommitmentOpen, mentorvault.CommitmentProposed), 0, false, 0, 1},
		{"all kept", cs("a", mentorvault.CommitmentKept, mentorvault.CommitmentKept), 1, true, 2, 0},
		{"dropped does not count", cs("a", mentorvault.CommitmentKept, mentorvault.CommitmentDropped, mentorvault.CommitmentMissed), 0.5, true, 1, 0},
		{"other owner ignored", append(cs("a", mentorvault.CommitmentMissed), cs("b", mentorvault.CommitmentKept, mentorvault.CommitmentKept)...), 0, true, 0, 0},
		{"three of four", cs("a", mentorvault.CommitmentKept, mentorvault.CommitmentKept, mentorvault.CommitmentKept, mentorvault.CommitmentMissed), 0.75, true, 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := mentorvault.FollowThroughOf(tc.in, "a")
			rate, ok := f.Rate()
			if rate != tc.rate || ok != tc.ok || f.Kept != tc.kept || f.Open != tc.op {
				t.Fatalf("got %+v rate %v %v", f, rate, ok)
			}
		})
	}
}

func TestCommitmentTransitions(t *testing.T) {
	now := time.Now()
	c := &mentorvault.Commitment{OwnerID: "bob", ProposedByID: "alice", Status: mentorvault.CommitmentProposed}
	if err := c.Accept("alice", now); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
		t.Fatalf("the proposer accepted on the owner's behalf: %v", err)
	}
	if err := c.Close(mentorvault.CommitmentKept, "bob", now); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
		t.Fatalf("kept before accepted: %v", err)
	}
	if err := c.Accept("bob", now); err != nil || c.Status != mentorvault.CommitmentOpen {
		t.Fatalf("accept: %v", err)
	}
	if err := c.Close(mentorvault.CommitmentKept, "alice", now); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
		t.Fatalf("the other party marked it kept: %v", err)
	}
	if err := c.Close("done", "bob", now); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		t.Fatalf("unknown status: %v", err)
	}
	if err := c.Close(mentorvault.CommitmentKept, "bob", now); err != nil || c.ClosedAt == nil {
		t.Fatalf("kept: %v", err)
	}
	if err := c.Close(mentorvault.CommitmentDropped, "alice", now); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
		t.Fatalf("dropped after kept: %v", err)
	}
}

// TestFeedbackKThreshold counts people, not answers: a figure stands on
// at least k distinct people answering about at least k distinct mentors.
func TestFeedbackKThreshold(t *testing.T) {
	answer := func(v int, who, mentor string) mentorvault.FeedbackAnswer {
		r := map[string]int{}
		for _, q := range mentorvault.FeedbackQuestions {
			r[q.Key] = v
		}
		return mentorvault.FeedbackAnswer{Ratings: r, RespondentID: who, MentorID: mentor}
	}
	four := []mentorvault.FeedbackAnswer{answer(5, "a", "m1"), answer(4, "b", "m2"), answer(3, "c", "m3"), answer(4, "d", "m4")}
	for _, a := range mentorvault.AggregateFeedback(four, 5) {
		if !a.Withheld || a.Mean != 0 || a.Responses != 0 || a.Why == "" {
			t.Fatalf("4 people under k=5 must be withheld: %+v", a)
		}
	}
	five := append(slices.Clone(four), answer(4, "e", "m5"))
	for _, a := range mentorvault.AggregateFeedback(five, 5) {
		if a.Withheld || a.Mean != 4 || a.Responses != 5 {
			t.Fatalf("5 people about 5 mentors at k=5: %+v", a)
		}
	}
	// Six answers from one person are one person.
	var bob []mentorvault.FeedbackAnswer
	for i := range 6 {
		bob = append(bob, answer(4, "bob", fmt.Sprint("m", i)))
	}
	if got := mentorvault.AggregateFeedback(bob, 2); !got[0].Withheld {
		t.Fatalf("six answers from one person unlocked a figure at k=2: %+v", got[0])
	}
	// Five people about one mentor would be her own ratings.
	var one []mentorvault.FeedbackAnswer
	for _, who := range []string{"a", "b", "c", "d", "e"} {
		one = append(one, answer(4, who, "alice"))
	}
	if got := mentorvault.AggregateFeedback(one, 5); !got[0].Withheld {
		t.Fatalf("five answers about one mentor were shown: %+v", got[0])
	}
	// One person answering five times is one person: withheld at k 5;
	// with four others, their five answers weigh as one.
	var same []mentorvault.FeedbackAnswer
	for range 5 {
		same = append(same, answer(1, "bob", "m1"))
	}
	for _, a := range mentorvault.AggregateFeedback(same, 5) {
		if !a.Withheld || a.People != 0 || a.Mean != 0 {
			t.Fatalf("5 answers by one person at k=5 must be withheld: %+v", a)
		}
	}
	mixed := append(slices.Clone(same), answer(5, "a", "m2"), answer(5, "b", "m3"), answer(5, "c", "m4"), answer(5, "d", "m5"))
	for _, a := range mentorvault.AggregateFeedback(mixed, 5) {
		if a.Withheld || a.People != 5 || a.Responses != 9 || a.Mean != 4.2 {
			t.Fatalf("bob five times and four others once, at k=5: %+v (want the mean of five people, 4.2)", a)
		}
	}
	if got := mentorvault.AggregateFeedback(nil, 2); !got[0].Withheld {
		t.Fatal("no responses must be withheld")
	}
	bad := answer(6, "a", "m1")
	if err := bad.Validate(); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		t.Fatalf("rating 6: %v", err)
	}
	partial := mentorvault.FeedbackAnswer{Ratings: map[string]int{"listening": 3}}
	if err := partial.Validate(); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		t.Fatalf("unanswered questions: %v", err)
	}
	ok := answer(3, "a", "m1")
	ok.Text = "Helpful sessions."
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestMeetingOffers: what a meeting offers at a moment is exactly what its
// operations accept then, for every status, before, during and after it;
// a cancelled or missed meeting has no session at all.
func TestMeetingOffers(t *testing.T) {
	start := time.Date(2026, 12, 10, 14, 0, 0, 0, time.UTC)
	moments := map[string]time.Time{"before": start.Add(-time.Hour), "during": start.Add(10 * time.Minute), "after": start.Add(2 * time.Hour)}
	for _, st := range []mentorvault.MeetingStatus{mentorvault.MeetingScheduled, mentorvault.MeetingHeld, mentorvault.MeetingMissed,
		mentorvault.MeetingCancelledInTime, mentorvault.MeetingCancelledLate} {
		for name, now := range moments {
			m := func() *mentorvault.Meeting {
				return &mentorvault.Meeting{Status: st, StartsAt: start, Minutes: 45}
			}
			o := m().Offers(now)
			if got := m().Reschedule(start.Add(24*time.Hour), 45, "", now) == nil; got != o.Reschedule {
				t.Errorf("%s %s: offers reschedule %v, Reschedule accepts %v", st, name, o.Reschedule, got)
			}
			if got := m().Cancel("x", 24, now) == nil; got != o.Cancel {
				t.Errorf("%s %s: offers cancel %v, Cancel accepts %v", st, name, o.Cancel, got)
			}
			if got := m().RecordOutcome(mentorvault.MeetingHeld, now) == nil; got != o.RecordOutcome {
				t.Errorf("%s %s: offers an outcome %v, RecordOutcome accepts %v", st, name, o.RecordOutcome, got)
			}
			if got := m().Startable(); o.Start && !got {
				t.Errorf("%s %s: offers a start the meeting does not allow", st, name)
			}
			ph := m().Phase(now)
			noSession := ph == mentorvault.PhaseCancelled || ph == mentorvault.PhaseMissed
			if noSession && (o.Start || o.Record || o.Reminder) {
				t.Errorf("%s %s: a meeting that did not happen offers a session: %+v", st, name, o)
			}
			if !noSession && !(o.Record && o.Reminder) {
				t.Errorf("%s %s: a meeting that happens or happened offers no record: %+v", st, name, o)
			}
		}
	}
	m := &mentorvault.Meeting{Status: mentorvault.MeetingScheduled, StartsAt: start, Minutes: 45}
	for name, want := range map[string]mentorvault.MeetingPhase{"before": mentorvault.PhaseUpcoming, "during": mentorvault.PhaseInProgress, "after": mentorvault.PhaseToRecord} {
		if got := m.Phase(moments[name]); got != want {
			t.Errorf("scheduled, %s: phase %s, want %s", name, got, want)
		}
	}
}
