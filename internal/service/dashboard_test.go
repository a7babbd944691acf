package service_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

func stat(t *testing.T, d *service.DashboardReport, key string) service.Stat {
	t.Helper()
	for _, s := range append(append([]service.Stat{}, d.Stats...), d.Feedback...) {
		if s.Key == key {
			return s
		}
	}
	t.Fatalf("the dashboard has no figure %q", key)
	return service.Stat{}
}

// TestProgrammeDashboard checks the full dashboard: counts a coordinator
// sees one by one shown as they are; a figure over k−1 people never shown;
// attendance counted only for the pairs who agreed to share it; a figure
// moving only when at least k people's part in it changed; coordinators
// only, and every view audited.
func TestProgrammeDashboard(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		prog := e.Rel.ProgrammeID
		carol := e.As("carol")
		view := func() *service.DashboardReport {
			t.Helper()
			d, err := e.Svc.ProgrammeDashboardReport(ctx, carol, prog)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		e.SetK(t, prog, 3)
		pair := activePair(t, e) // frank mentors heidi: the programme's template, which shares no attendance
		d := view()
		if d.K != 3 || d.KFloor != 3 || d.Current.Active != 2 {
			t.Fatalf("dashboard: k %d, floor %d, active %d", d.K, d.KFloor, d.Current.Active)
		}
		last := d.States[len(d.States)-1]
		if last.Running != d.Current.Active+d.Current.Paused {
			t.Errorf("this month %+v, but %d active and %d paused", last, d.Current.Active, d.Current.Paused)
		}
		if s := stat(t, d, "agreements_signed"); s.Withheld || s.Rate != 100 {
			t.Errorf("two accepted pairs, both signed: %+v", s)
		}
		// One mentee matched from enrolment (heidi) and two people sharing
		// attendance (alice and bob): under k = 3, never shown.
		for _, key := range []string{"days_to_match", "meetings_held", "late_cancellations"} {
			if s := stat(t, d, key); !s.Withheld || s.Value != "" {
				t.Errorf("%s over two people at k 3: %+v", key, s)
			}
		}
		if _, err := e.Svc.ProgrammeDashboardReport(ctx, e.As("heidi"), prog); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Errorf("a mentee of the programme read its dashboard: %v", err)
		}
		if _, err := e.Svc.ProgrammeDashboardReport(ctx, e.As("grace"), prog); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Errorf("an org admin who does not coordinate it read its dashboard: %v", err)
		}
		if n := countEvents(t, e, "programme.dashboard", prog); n < 1 {
			t.Errorf("the dashboard views were not audited: %d events", n)
		}

		// At k = 2 the two people show.
		e.SetK(t, prog, 2)
		d = view()
		late := stat(t, d, "late_cancellations")
		if late.Withheld {
			t.Fatalf("at k 2: late cancellations %+v", late)
		}
		// frank and heidi's pair shares no attendance: its late cancellation
		// is not counted.
		soon := time.Now().Add(2 * time.Hour).Truncate(time.Minute)
		m, err := e.Svc.ScheduleMeeting(ctx, e.As("frank"), pair.ID, service.MeetingInput{StartsAt: soon, Minutes: 30, Location: "Room 1"})
		if err != nil {
			t.Fatal(err)
		}
		if m, err = e.Svc.CancelMeeting(ctx, e.As("frank"), pair.ID, m.ID); err != nil || m.Status != mentorvault.MeetingCancelledLate {
			t.Fatalf("cancel with two hours' notice: %v %+v", err, m)
		}
		if got := stat(t, view(), "late_cancellations"); got.Value != late.Value || !got.AsOf.Equal(late.AsOf) {
			t.Errorf("a pair that shares no attendance moved late cancellations: %+v, then %+v", late, got)
		}
		// alice and bob's does: two people's part changed, at k 2 it moves.
		m, err = e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: soon, Minutes: 30, Location: "Room 2"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.CancelMeeting(ctx, e.As("alice"), e.Rel.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		if got := stat(t, view(), "late_cancellations"); got.Withheld || got.Rate <= late.Rate {
			t.Errorf("a late cancellation by a pair sharing attendance: %+v, then %+v", late, got)
		}
	})
}

// TestFeedbackCountsPeopleInSteps: repeated answers from one person never
// unlock a figure, and once shown, a figure never moves by one person's
// answer: only when at least k people's answers changed since.
func TestFeedbackCountsPeopleInSteps(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		prog := e.Rel.ProgrammeID
		e.SetK(t, prog, 2)
		figures := func() []mentorvault.Aggregate {
			t.Helper()
			aggs, k, err := e.Svc.FeedbackAggregates(ctx, e.As("carol"), prog)
			if err != nil || k != 2 {
				t.Fatalf("aggregates: %v, k %d", err, k)
			}
			return aggs
		}
		// The demo's answers are all bob's, about alice; three more of his.
		for range 3 {
			answerFeedback(t, e, "alice", "bob", e.Rel.ID, 5)
		}
		for _, a := range figures() {
			if !a.Withheld || a.Mean != 0 || a.Responses != 0 {
				t.Fatalf("answers from one person about one mentor unlocked a figure at k 2: %+v", a)
			}
		}
		pair := activePair(t, e) // frank mentors heidi
		answerFeedback(t, e, "frank", "heidi", pair.ID, 1)
		first := figures()
		if first[0].Withheld || first[0].People != 2 {
			t.Fatalf("two people about two mentors at k 2: %+v", first[0])
		}
		// bob answers again: one person changed, the figures stay as released.
		answerFeedback(t, e, "alice", "bob", e.Rel.ID, 5)
		same := figures()
		for i := range same {
			if same[i].Mean != first[i].Mean || !same[i].AsOf.Equal(first[i].AsOf) {
				t.Fatalf("one person's answer moved %s: %+v, then %+v", same[i].Key, first[i], same[i])
			}
		}
		// heidi answers again too (3, so her mean moves from 1 to 2): two
		// people changed since, it moves.
		answerFeedback(t, e, "frank", "heidi", pair.ID, 3)
		moved := figures()
		if moved[0].Mean == first[0].Mean || moved[0].AsOf.Before(first[0].AsOf) {
			t.Fatalf("two people's answers did not move the figure: %+v, then %+v", first[0], moved[0])
		}
		// The full dashboard shows the same release.
		d, err := e.Svc.ProgrammeDashboardReport(ctx, e.As("carol"), prog)
		if err != nil {
			t.Fatal(err)
		}
		if s := stat(t, d, "feedback."+moved[0].Key); s.Withheld || !s.AsOf.Equal(moved[0].AsOf) {
			t.Errorf("the dashboard's %s %+v, the programme page's %+v", moved[0].Key, s, moved[0])
		}
	})
}

// TestKFloor: a coordinator cannot go below the organisation's floor; an
// org admin sets it; raising it raises a programme's k, audited and
// announced to the programme's participants.
func TestKFloor(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		prog := e.Rel.ProgrammeID
		pv, err := e.Svc.Programme(ctx, e.As("carol"), prog)
		if err != nil {
			t.Fatal(err)
		}
		st := pv.Settings
		st.KThreshold = 3
		_, err = e.Svc.UpdateProgrammeSettings(ctx, e.As("carol"), prog, st)
		if f := mentorvault.ErrorFields(err); mentorvault.ErrorCode(err) != mentorvault.EINVALID || f["k_threshold"] == "" {
			t.Fatalf("k 3 under the floor of 5: %v %v", err, f)
		}
		if _, err := e.Svc.SetKFloor(ctx, e.As("carol"), 2); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("a coordinator set the floor: %v", err)
		}
		if _, err := e.Svc.SetKFloor(ctx, e.As("grace"), 1); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("a floor of 1: %v", err)
		}
		e.SetK(t, prog, 3) // lowers the floor to 3 first
		if n := countEvents(t, e, "programme.k_change", prog); n != 1 {
			t.Errorf("k 5 → 3: %d programme.k_change events, want 1", n)
		}
		before := notificationsOf(t, e, "bob", mentorvault.NotifyProgrammeKChanged, "")
		if _, err := e.Svc.SetKFloor(ctx, e.As("grace"), 7); err != nil {
			t.Fatal(err)
		}
		d, err := e.Svc.ProgrammeOverview(ctx, e.As("carol"), prog)
		if err != nil || d.K != 7 {
			t.Fatalf("after the floor rose to 7: %v, k %d", err, d.K)
		}
		if n := countEvents(t, e, "programme.k_change", prog); n != 2 {
			t.Errorf("the floor raised the programme's k: %d programme.k_change events, want 2", n)
		}
		if got := notificationsOf(t, e, "bob", mentorvault.NotifyProgrammeKChanged, ""); got != before+1 {
			t.Errorf("bob, a party in the programme, was told %d times, want %d", got, before+1)
		}
		if got := notificationsOf(t, e, "dave", mentorvault.NotifyProgrammeKChanged, ""); got != 0 {
			t.Errorf("dave, outside the programme, was told %d times", got)
		}
	})
}

func countEvents(t *testing.T, e *mvtest.Env, action, targetID string) int {
	t.Helper()
	n := 0
	for _, ev := range eventsNamed(t, e, 0, action) {
		if ev.ResourceID == targetID {
			n++
		}
	}
	return n
}
