package service_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// notificationsOf counts p's notifications of kind about relID.
func notificationsOf(t *testing.T, e *mvtest.Env, who, kind, relID string) int {
	t.Helper()
	ns, err := e.Svc.Notifications(ctx, e.As(who), service.NotificationFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range ns {
		if x.Kind == kind && x.RelationshipID == relID {
			n++
		}
	}
	return n
}

// TestCloseSettlesEveryOpenItem: a party sees what is open before closing
// (a concern, a scheduled disclosure notice), cannot close until each is
// settled, and closing cancels nothing: the concern stays open and the
// notice keeps its date. The partner is told, reads the reason as a shared
// note, and the relationship carries its erase date from the programme.
func TestCloseSettlesEveryOpenItem(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := activePair(t, e) // frank mentors heidi in the demo programme
		frank, heidi := e.As("frank"), e.As("heidi")
		c, err := e.Svc.RaiseConcern(ctx, frank, rel.ID, mentorvault.ConcernHarmToOrg, "Something to work through", false)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := e.Svc.ClosingPlan(ctx, heidi, rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		if plan.ByProgramme || len(plan.Items) != 1 || plan.Items[0].ID != c.ID || plan.Items[0].Kind != "concern" || plan.RetentionDays != 365 {
			t.Fatalf("closing plan: %+v, want the open concern and 365 days", plan)
		}
		_, err = e.Svc.CloseRelationship(ctx, heidi, rel.ID, service.CloseInput{Reason: "We met our goals"})
		if mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || mentorvault.ErrorFields(err)["settled."+c.ID] == "" {
			t.Fatalf("closing with the concern unsettled: %v (fields %v), want a conflict naming it", err, mentorvault.ErrorFields(err))
		}
		if _, err := e.Svc.Transition(ctx, heidi, rel.ID, mentorvault.ActClose); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("the bare lifecycle close with an item open: %v, want a conflict", err)
		}
		got, err := e.Svc.Relationship(ctx, heidi, rel.ID)
		if err != nil || got.Status != mentorvault.StatusActive {
			t.Fatalf("after refused closes: %v %v, want still active", got, err)
		}

		before := time.Now()
		v, err := e.Svc.CloseRelationship(ctx, heidi, rel.ID, service.CloseInput{Reason: "We met our goals", Settled: []string{c.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != mentorvault.StatusClosed || v.ClosedByID != e.Users["heidi"].ID || v.EndedByProgramme || v.EraseAt == nil {
			t.Fatalf("closed: %+v", v.Relationship)
		}
		if d := v.EraseAt.Sub(before); d < 364*24*time.Hour || d > 366*24*time.Hour {
			t.Fatalf("erase date %v is not a year after closing", v.EraseAt)
		}
		if n := notificationsOf(t, e, "frank", mentorvault.NotifyRelationshipClosed, rel.ID); n != 1 {
			t.Fatalf("frank was told %d times, want once", n)
		}
		notes, err := e.Svc.ListNotes(ctx, frank, rel.ID, service.NoteFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) == 0 || notes[0].Body.Reveal() != "We met our goals" || notes[0].Visibility != mentorvault.VisibilityShared {
			t.Fatalf("frank does not read heidi's reason as a shared note: %+v", notes)
		}
		cs, err := e.Svc.Concerns(ctx, frank, rel.ID)
		if err != nil || len(cs) != 1 || cs[0].Status != mentorvault.ConcernOpen {
			t.Fatalf("the concern after closing: %v %v, want it still open", cs, err)
		}
		if _, err := e.Svc.CloseRelationship(ctx, frank, rel.ID, service.CloseInput{Settled: []string{c.ID}}); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("closing twice: %v, want a conflict", err)
		}
	})
}

// TestEndedByTheProgramme: a coordinator ends a programme relationship as
// the programme, sees none of what the pair has open, and both parties
// are told; nobody else may, and a party cannot end it "for the programme".
func TestEndedByTheProgramme(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := activePair(t, e)
		if _, err := e.Svc.RaiseConcern(ctx, e.As("frank"), rel.ID, mentorvault.ConcernHarmToOrg, "Private to the pair", false); err != nil {
			t.Fatal(err)
		}
		plan, err := e.Svc.ClosingPlan(ctx, e.As("carol"), rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !plan.ByProgramme || len(plan.Items) != 0 {
			t.Fatalf("the coordinator's plan: %+v, want the programme's close with no items", plan)
		}
		for _, who := range []string{"grace", "dave", "alice", "heidi"} {
			if _, err := e.Svc.EndRelationship(ctx, e.As(who), rel.ID); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
				t.Errorf("%s ends it for the programme: %v, want forbidden", who, err)
			}
		}
		v, err := e.Svc.EndRelationship(ctx, e.As("carol"), rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != mentorvault.StatusClosed || !v.EndedByProgramme || v.ClosedBy.Name == "" || v.EraseAt == nil {
			t.Fatalf("ended: %+v", v.Relationship)
		}
		for _, who := range []string{"frank", "heidi"} {
			if n := notificationsOf(t, e, who, mentorvault.NotifyRelationshipEnded, rel.ID); n != 1 {
				t.Errorf("%s was told %d times, want once", who, n)
			}
		}
		if v, err := e.Svc.Relationship(ctx, e.As("heidi"), rel.ID); err != nil || !v.EndedByProgramme {
			t.Fatalf("heidi does not see it was ended by the programme: %v %v", v, err)
		}
	})
}

// TestRetention runs the retention job on a store clock: warnings 30 and 7
// days before the date, each once; a legal hold (visible to both parties,
// placed only by an org admin) suspends erasure past its date; its release
// resumes the schedule a week on, with a warning; two instances erase
// once; afterwards every read of content answers 410 Gone while the
// relationship itself, its status and its access log stay readable.
func TestRetention(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		clk := newTicker(e)
		t0 := clk.Now()
		rel := activePair(t, e)
		frank, heidi, grace := e.As("frank"), e.As("heidi"), e.As("grace")
		if _, err := e.Svc.CreateNote(ctx, heidi, rel.ID, "A private thought", mentorvault.VisibilityPrivate); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.ScheduleMeeting(ctx, frank, rel.ID, service.MeetingInput{StartsAt: t0.Add(48 * time.Hour), Minutes: 30}); err != nil {
			t.Fatal(err)
		}
		v, err := e.Svc.CloseRelationship(ctx, frank, rel.ID, service.CloseInput{})
		if err != nil {
			t.Fatal(err)
		}
		erase := *v.EraseAt
		if err := e.Svc.ScheduleRetention(ctx); err != nil {
			t.Fatal(err)
		}
		run := func(at time.Time) {
			t.Helper()
			clk.set(at, 0)
			if _, err := e.Svc.RunDueJobs(ctx); err != nil {
				t.Fatal(err)
			}
		}
		warnings := func(want int) {
			t.Helper()
			for _, who := range []string{"frank", "heidi"} {
				if n := notificationsOf(t, e, who, mentorvault.NotifyEraseWarning, rel.ID); n != want {
					t.Fatalf("%s has %d erasure warnings, want %d", who, n, want)
				}
			}
		}
		run(t0)
		warnings(0)
		run(erase.AddDate(0, 0, -31))
		warnings(0)
		run(erase.AddDate(0, 0, -30).Add(time.Minute))
		warnings(1)
		run(erase.AddDate(0, 0, -30).Add(2 * time.Hour))
		warnings(1)
		run(erase.AddDate(0, 0, -7).Add(time.Minute))
		warnings(2)

		// A hold: not by a party or a coordinator; visible to both.
		for _, who := range []string{"frank", "carol"} {
			if _, err := e.Svc.PlaceHold(ctx, e.As(who), rel.ID, "Litigation"); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
				t.Fatalf("%s places a hold: %v, want forbidden", who, err)
			}
		}
		if _, err := e.Svc.PlaceHold(ctx, grace, rel.ID, " "); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("a hold without a reason: %v, want invalid", err)
		}
		clk.set(erase.AddDate(0, 0, -1), 0)
		if _, err := e.Svc.PlaceHold(ctx, grace, rel.ID, "Employment tribunal case 42"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.PlaceHold(ctx, grace, rel.ID, "Again"); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("a second hold: %v, want a conflict", err)
		}
		for _, who := range []string{"frank", "heidi"} {
			got, err := e.Svc.Relationship(ctx, e.As(who), rel.ID)
			if err != nil || got.Hold == nil || got.Hold.Reason != "Employment tribunal case 42" || got.HoldBy.Name == "" {
				t.Fatalf("%s does not see the hold: %+v %v", who, got, err)
			}
			if n := notificationsOf(t, e, who, mentorvault.NotifyRelationshipHold, rel.ID); n != 1 {
				t.Fatalf("%s was told of the hold %d times, want once", who, n)
			}
		}
		run(erase.AddDate(0, 0, 3))
		if _, err := e.Svc.ListNotes(ctx, heidi, rel.ID, service.NoteFilter{}); err != nil {
			t.Fatalf("held past its date, the notes: %v, want them readable", err)
		}

		// Released: erasure a week on, with a warning first.
		released := erase.AddDate(0, 0, 4)
		clk.set(released, 0)
		if v, err = e.Svc.ReleaseHold(ctx, grace, rel.ID); err != nil {
			t.Fatal(err)
		}
		if v.Hold != nil || !v.EraseAt.Equal(released.AddDate(0, 0, 7)) {
			t.Fatalf("after release: hold %v, erase %v, want none and a week on", v.Hold, v.EraseAt)
		}
		run(released.Add(time.Minute))
		warnings(3)
		if _, err := e.Svc.ReleaseHold(ctx, grace, rel.ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("releasing no hold: %v, want a conflict", err)
		}

		// Two instances at the date: one erasure.
		head := e.Head(t)
		clk.set(v.EraseAt.Add(time.Minute), 0)
		other := newServiceWith(t, e, e.DB, service.Options{})
		var wg sync.WaitGroup
		for _, svc := range []*service.Service{e.Svc, other} {
			wg.Go(func() {
				if _, err := svc.RunDueJobs(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		n := 0
		for _, ev := range e.Events(t, head) {
			if ev.Action == "relationship.erase" {
				n++
				if ev.RelationshipID != rel.ID || ev.Detail != "via=scheduler" {
					t.Fatalf("erase event %+v: want only the relationship's ID and the kind", ev)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d erase events, want exactly 1", n)
		}

		// 410 for every kind of content; the relationship and its log stay.
		got, err := e.Svc.Relationship(ctx, heidi, rel.ID)
		if err != nil || got.ErasedAt == nil {
			t.Fatalf("the erased relationship: %+v %v, want it shown as erased", got, err)
		}
		reads := map[string]func() error{
			"notes":       func() error { _, err := e.Svc.ListNotes(ctx, heidi, rel.ID, service.NoteFilter{}); return err },
			"agreement":   func() error { _, err := e.Svc.Agreement(ctx, heidi, rel.ID); return err },
			"meetings":    func() error { _, err := e.Svc.Meetings(ctx, heidi, rel.ID, service.MeetingFilter{}); return err },
			"commitments": func() error { _, err := e.Svc.Commitments(ctx, heidi, rel.ID); return err },
			"goals":       func() error { _, err := e.Svc.Goals(ctx, heidi, rel.ID); return err },
			"reviews":     func() error { _, err := e.Svc.Reviews(ctx, heidi, rel.ID); return err },
			"feedback":    func() error { _, err := e.Svc.Feedback(ctx, heidi, rel.ID); return err },
			"concerns":    func() error { _, err := e.Svc.Concerns(ctx, heidi, rel.ID); return err },
			"export":      func() error { _, err := e.Svc.StartExport(ctx, heidi, rel.ID); return err },
		}
		for name, read := range reads {
			err := read()
			if mentorvault.ErrorCode(err) != mentorvault.EGONE || !strings.Contains(mentorvault.ErrorMessage(err), "erased on") {
				t.Errorf("%s of erased content: %v, want EGONE saying when", name, err)
			}
		}
		if _, err := e.Svc.RelationshipAudit(ctx, heidi, rel.ID, service.AuditFilter{}); err != nil {
			t.Errorf("the access log after erasure: %v, want it readable", err)
		}
		if _, err := e.Svc.PlaceHold(ctx, grace, rel.ID, "Too late"); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Errorf("a hold on erased content: %v, want a conflict", err)
		}
		for _, who := range []string{"frank", "heidi"} {
			if n := notificationsOf(t, e, who, mentorvault.NotifyRelationshipErased, rel.ID); n != 1 {
				t.Errorf("%s was told of the erasure %d times, want once", who, n)
			}
		}
	})
}

// TestAgreementSetsRetention: a period the pair agreed in their signed
// agreement decides the erase date, not the programme's.
func TestAgreementSetsRetention(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := newPair(t, e)
		frank, heidi := e.As("frank"), e.As("heidi")
		d, err := e.Svc.StartDraft(ctx, frank, rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		terms := d.Terms
		terms.Expectations.RetentionDays = 30
		d2, err := e.Svc.UpdateDraft(ctx, frank, rel.ID, d.ID, d.Hash, terms)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(d2.Text.Reveal(), "its content is erased after 30 days") {
			t.Fatalf("the agreement's text does not say the period: %s", d2.Text.Reveal())
		}
		for _, who := range []mentorvault.Principal{heidi, frank} {
			if _, err := e.Svc.SignAgreement(ctx, who, rel.ID, d2.ID, d2.Hash, demo.Password); err != nil {
				t.Fatal(err)
			}
		}
		plan, err := e.Svc.ClosingPlan(ctx, heidi, rel.ID)
		if err != nil || plan.RetentionDays != 30 || !plan.ByAgreement {
			t.Fatalf("closing plan: %+v %v, want the agreement's 30 days", plan, err)
		}
		before := time.Now()
		v, err := e.Svc.CloseRelationship(ctx, heidi, rel.ID, service.CloseInput{})
		if err != nil {
			t.Fatal(err)
		}
		if dd := v.EraseAt.Sub(before); dd < 29*24*time.Hour || dd > 31*24*time.Hour {
			t.Fatalf("erase date %v is not 30 days after closing", v.EraseAt)
		}
		terms.Expectations.RetentionDays = 4000
		if _, err := e.Svc.UpdateDraft(ctx, frank, rel.ID, d.ID, d.Hash, terms); mentorvault.ErrorCode(err) == "" {
			t.Fatal("a draft with 4000 days of retention was accepted")
		}
	})
}
