package service_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

func ids(ms []*mentorvault.Meeting) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func TestMeetingFilterOffsetSkips(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		start := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Minute)
		for i := range 5 {
			if _, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: start.Add(time.Duration(i) * 24 * time.Hour), Minutes: 30}); err != nil {
				t.Fatal(err)
			}
		}
		all, err := e.Svc.Meetings(ctx, e.As("bob"), e.Rel.ID, service.MeetingFilter{Upcoming: true})
		if err != nil || len(all.Meetings) < 5 { // the demo pair has meetings of its own
			t.Fatalf("all upcoming: %v %+v", err, all)
		}
		want := ids(all.Meetings)
		n := len(want)
		page, err := e.Svc.Meetings(ctx, e.As("bob"), e.Rel.ID, service.MeetingFilter{Upcoming: true, Limit: 2, Offset: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(page.Meetings); len(got) != 2 || got[0] != want[2] || got[1] != want[3] {
			t.Fatalf("offset 2, limit 2: got %v, want %v", got, want[2:4])
		}
		if page.NextBefore != want[3] {
			t.Fatalf("next cursor %q, want %q", page.NextBefore, want[3])
		}
		last, err := e.Svc.Meetings(ctx, e.As("bob"), e.Rel.ID, service.MeetingFilter{Upcoming: true, Limit: 2, Offset: n - 1})
		if got := ids(last.Meetings); err != nil || len(got) != 1 || got[0] != want[n-1] || last.NextBefore != "" {
			t.Fatalf("offset 4: %v %v %q", err, got, last.NextBefore)
		}
		// The offset counts after the cursor.
		after, err := e.Svc.Meetings(ctx, e.As("bob"), e.Rel.ID, service.MeetingFilter{Upcoming: true, Before: want[0], Offset: 1})
		if got := ids(after.Meetings); err != nil || len(got) != n-2 || got[0] != want[2] {
			t.Fatalf("cursor then offset 1: %v %v", err, got)
		}
		if _, err := e.Svc.Meetings(ctx, e.As("bob"), e.Rel.ID, service.MeetingFilter{Offset: -1}); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("negative offset: %v", err)
		}
	})
}

func TestNotificationFilterOffsetSkips(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	start := time.Now().UTC().Add(72 * time.Hour)
	for i := range 4 {
		if _, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: start.Add(time.Duration(i) * 24 * time.Hour), Minutes: 30}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := e.Svc.Notifications(ctx, e.As("bob"), service.NotificationFilter{})
	if err != nil || len(all) < 4 {
		t.Fatalf("bob's notifications: %v %d", err, len(all))
	}
	page, err := e.Svc.Notifications(ctx, e.As("bob"), service.NotificationFilter{Limit: 2, Offset: 1})
	if err != nil || len(page) != 2 || page[0].ID != all[1].ID || page[1].ID != all[2].ID {
		t.Fatalf("offset 1, limit 2: %v %+v", err, page)
	}
	past, err := e.Svc.Notifications(ctx, e.As("bob"), service.NotificationFilter{Offset: len(all)})
	if err != nil || len(past) != 0 {
		t.Fatalf("offset past the end: %v %+v", err, past)
	}
	if _, err := e.Svc.Notifications(ctx, e.As("bob"), service.NotificationFilter{Offset: -1}); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		t.Fatalf("negative offset: %v", err)
	}
}

// The feedback view carries what Cedar allows on each request to answer:
// the one asked answers while the relationship runs, not after it closes.
func TestFeedbackViewCarriesAllowed(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	fr, err := e.Svc.RequestFeedback(ctx, e.As("alice"), e.Rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	fv, err := e.Svc.Feedback(ctx, e.As("bob"), e.Rel.ID)
	if err != nil || len(fv.ToAnswer) != 1 || !fv.Allowed[fr.ID].Has(policy.AnswerFeedback) {
		t.Fatalf("bob may answer: %v %+v", err, fv)
	}
	if _, err := e.Svc.Transition(ctx, e.As("alice"), e.Rel.ID, mentorvault.ActPause); err != nil {
		t.Fatal(err)
	}
	if fv, _ = e.Svc.Feedback(ctx, e.As("bob"), e.Rel.ID); !fv.Allowed[fr.ID].Has(policy.AnswerFeedback) {
		t.Fatal("bob may not answer while the relationship is paused")
	}
	e.CloseSettled(t, "alice", e.Rel.ID)
	fv, err = e.Svc.Feedback(ctx, e.As("bob"), e.Rel.ID)
	if err != nil || len(fv.ToAnswer) != 1 || fv.Allowed[fr.ID].Has(policy.AnswerFeedback) {
		t.Fatalf("bob may still answer once closed: %v %+v", err, fv)
	}
}
