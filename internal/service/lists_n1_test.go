package service_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestListsLoadOncePerList checks that the lists spread over records of
// several kinds load the records they name once per list, not once per row:
// the one-record lookups of "my requests", of the third-party page and of a
// calendar feed do not grow with the number of rows.
func TestListsLoadOncePerList(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	lookups := func(call func() error) int64 {
		t.Helper()
		before := e.Txs.Lookups()
		if err := call(); err != nil {
			t.Fatal(err)
		}
		return e.Txs.Lookups() - before
	}
	myRequests := func() error {
		l, err := e.Svc.MyRequests(ctx, e.As("frank"), service.PageFilter{})
		if err == nil && len(l.Requests) == 0 {
			t.Fatal("frank has no requests")
		}
		return err
	}
	thirdParties := func() error {
		_, err := e.Svc.ThirdParties(ctx, e.As("alice"), e.Rel.ID, service.PageFilter{})
		return err
	}
	raw, _, err := e.Svc.CreateCalendarFeed(ctx, e.As("bob"), true)
	if err != nil {
		t.Fatal(err)
	}
	feed := func() error { _, err := e.Svc.CalendarFeedEvents(ctx, raw, "https://mv.example"); return err }

	request(t, e, "frank", "promotion to team lead")
	if _, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: time.Now().Add(48 * time.Hour), Minutes: 30}); err != nil {
		t.Fatal(err)
	}
	few := []int64{lookups(myRequests), lookups(thirdParties), lookups(feed)}
	for i := range 4 {
		request(t, e, "frank", "promotion round "+string(rune('A'+i)))
		if _, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: time.Now().Add(time.Duration(72+24*i) * time.Hour), Minutes: 30}); err != nil {
			t.Fatal(err)
		}
	}
	many := []int64{lookups(myRequests), lookups(thirdParties), lookups(feed)}
	for i, name := range []string{"my requests", "third parties", "calendar feed"} {
		if many[i] != few[i] {
			t.Errorf("%s: %d one-record lookups with 4 more rows, %d before: a query per row", name, many[i], few[i])
		}
	}
	if few[2] > 2 {
		t.Errorf("calendar feed: %d one-record lookups, want at most 2 (the feed's user; no meeting list per relationship)", few[2])
	}
}
