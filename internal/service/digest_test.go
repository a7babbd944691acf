package service_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// TestDigestDue tables, across zones and the days their clocks change,
// which digest time a moment has most recently reached: 08:00 on the local
// clock, whatever the offset that day.
func TestDigestDue(t *testing.T) {
	at := func(zone, local string) time.Time {
		t.Helper()
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		v, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	utc := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name, zone string
		now        time.Time
		want       time.Time // in UTC
	}{
		{"UTC, just before eight", "UTC", utc("2026-12-02 07:59"), utc("2026-12-01 08:00")},
		{"UTC, at eight", "UTC", utc("2026-12-02 08:00"), utc("2026-12-02 08:00")},
		{"London in winter (GMT)", "Europe/London", utc("2026-01-15 08:10"), utc("2026-01-15 08:00")},
		{"London in summer (BST): 08:00 is 07:00 UTC", "Europe/London", utc("2026-07-15 07:00"), utc("2026-07-15 07:00")},
		{"London in summer, a minute early", "Europe/London", utc("2026-07-15 06:59"), utc("2026-07-14 07:00")},
		{"London, the morning clocks go forward", "Europe/London", utc("2026-03-29 07:00"), utc("2026-03-29 07:00")},
		{"London, the morning after they go back", "Europe/London", utc("2026-10-25 07:30"), utc("2026-10-24 07:00")},
		{"London, the day they go back, at eight", "Europe/London", utc("2026-10-25 08:00"), utc("2026-10-25 08:00")},
		{"New York, the night clocks go forward", "America/New_York", utc("2026-03-08 07:00"), utc("2026-03-07 13:00")},
		{"New York, the first EDT morning", "America/New_York", utc("2026-03-08 12:00"), utc("2026-03-08 12:00")},
		{"New York, the day they go back", "America/New_York", utc("2026-11-01 13:00"), utc("2026-11-01 13:00")},
		{"New York, that day at 08:00 EDT time", "America/New_York", utc("2026-11-01 12:00"), utc("2026-10-31 12:00")},
		{"Kolkata (+5:30)", "Asia/Kolkata", utc("2026-12-02 02:30"), utc("2026-12-02 02:30")},
		{"Kolkata, a quarter early", "Asia/Kolkata", utc("2026-12-02 02:15"), utc("2026-12-01 02:30")},
		{"Kathmandu (+5:45)", "Asia/Kathmandu", utc("2026-12-02 02:15"), utc("2026-12-02 02:15")},
		{"Chatham in summer (+13:45): the day before in UTC", "Pacific/Chatham", utc("2026-12-01 18:15"), utc("2026-12-01 18:15")},
		{"Kiritimati (+14)", "Pacific/Kiritimati", utc("2026-12-01 18:00"), utc("2026-12-01 18:00")},
		{"St John's (-3:30)", "America/St_Johns", utc("2026-12-02 11:30"), utc("2026-12-02 11:30")},
		{"Lord Howe, the day its clock goes back half an hour", "Australia/Lord_Howe", utc("2026-04-04 21:30"), utc("2026-04-04 21:30")},
		{"Lord Howe, the day before (+11)", "Australia/Lord_Howe", utc("2026-04-03 21:00"), utc("2026-04-03 21:00")},
		{"Santiago, whose clocks change at midnight", "America/Santiago", utc("2026-09-06 11:00"), utc("2026-09-06 11:00")},
		{"Santiago, the day before (-4)", "America/Santiago", utc("2026-09-05 12:00"), utc("2026-09-05 12:00")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			got := service.DigestDue(tc.now, loc)
			if !got.Equal(tc.want) {
				t.Fatalf("DigestDue(%s in %s) = %s (%s), want %s", tc.now.Format(time.RFC3339), tc.zone, got.UTC().Format(time.RFC3339), got.Format(time.RFC3339), tc.want.Format(time.RFC3339))
			}
			if l := got.In(loc); l.Hour() != service.DigestHour || l.Minute() != 0 {
				t.Fatalf("%s is %s on the local clock", got.UTC(), l.Format("15:04 MST"))
			}
			if got.After(tc.now) || !at(tc.zone, got.In(loc).Format("2006-01-02 15:04")).Equal(got) {
				t.Fatalf("%s is after now or not a local time", got)
			}
		})
	}
}

// TestMailDigestLocalHour runs the digest job every quarter of an hour for
// two days across the night America/New_York changes to summer time, with
// alice there and bob in Asia/Kolkata, both wanting meeting messages in a
// digest: each digest goes out at 08:00 on its reader's clock, listing
// only what was queued before it.
func TestMailDigestLocalHour(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		for who, zone := range map[string]string{"alice": "America/New_York", "bob": "Asia/Kolkata"} {
			tz := zone
			if err := e.Svc.UpdateMailSettings(ctx, e.As(who), service.MailSettingsUpdate{TimeZone: &tz,
				Modes: map[string]string{mentorvault.NotifyMeetingChanged: mentorvault.MailDigest}}); err != nil {
				t.Fatal(err)
			}
		}
		clk := newTicker(e)
		start := time.Date(2027, 3, 13, 12, 0, 0, 0, time.UTC) // 07:00 EST, 17:30 IST; New York's clocks go forward on the 14th
		clk.set(start, 0)
		meeting := func(by string, n int) {
			t.Helper()
			if _, err := e.Svc.ScheduleMeeting(ctx, e.As(by), e.Rel.ID, service.MeetingInput{StartsAt: time.Date(2027, 4, 1+n, 10, 0, 0, 0, time.UTC), Minutes: 30}); err != nil {
				t.Fatal(err)
			}
		}
		meeting("alice", 0) // to bob
		meeting("bob", 1)   // to alice
		if err := e.Svc.ScheduleDigest(ctx); err != nil {
			t.Fatal(err)
		}
		digests := map[string][]time.Time{}
		seen := map[string]bool{}
		for now := start; now.Before(start.Add(48 * time.Hour)); now = now.Add(15 * time.Minute) {
			clk.set(now, 0)
			if now.Equal(start.Add(8 * time.Hour)) { // 15:00 EST, after alice's first digest
				meeting("bob", 2)
			}
			if _, err := e.Svc.RunDueJobs(ctx); err != nil {
				t.Fatal(err)
			}
			for _, m := range outbox(t, e.DB, mentorvault.OutboxFilter{}) {
				if m.Kind == "digest" && !seen[m.ID] {
					seen[m.ID] = true
					who := "alice"
					if m.UserID == e.Users["bob"].ID {
						who = "bob"
					}
					digests[who] = append(digests[who], m.CreatedAt.UTC())
				}
			}
		}
		want := map[string][]time.Time{
			"alice": {time.Date(2027, 3, 13, 13, 0, 0, 0, time.UTC), time.Date(2027, 3, 14, 12, 0, 0, 0, time.UTC)}, // 08:00 EST, then 08:00 EDT
			"bob":   {time.Date(2027, 3, 14, 2, 30, 0, 0, time.UTC)},                                                // 08:00 IST the next morning
		}
		for who, w := range want {
			got := digests[who]
			if len(got) != len(w) {
				t.Fatalf("%s's digests went out at %v, want %v", who, got, w)
			}
			for i := range w {
				if !got[i].Equal(w[i]) {
					t.Fatalf("%s's digests went out at %v, want %v", who, got, w)
				}
			}
		}
		if ms := outbox(t, e.DB, mentorvault.OutboxFilter{State: mentorvault.OutboxDigest}); len(ms) != 0 {
			t.Fatalf("%d messages still wait for a digest", len(ms))
		}
	})
}
