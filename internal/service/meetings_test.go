package service_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/calendar"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

func TestMeetingsAndReminder(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		now := time.Now().UTC()
		agenda := "AGENDA-SECRET: talk about the reorganisation"
		m, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), rel, service.MeetingInput{StartsAt: now.Add(72 * time.Hour), Minutes: 45, Location: "https://meet.example/alice-bob", Agenda: agenda})
		if err != nil {
			t.Fatal(err)
		}
		// Bob is notified; the notification names no content.
		ns, err := e.Svc.Notifications(ctx, e.As("bob"), service.NotificationFilter{})
		if err != nil || len(ns) == 0 || !strings.Contains(ns[0].Text, "scheduled a mentoring session") || strings.Contains(ns[0].Text, "AGENDA") {
			t.Fatalf("bob's notifications: %v %+v", err, ns)
		}
		// Nobody else reads the meeting.
		for _, who := range []string{"carol", "grace", "dave", "heidi"} {
			if _, err := e.Svc.Meeting(ctx, e.As(who), rel, m.ID); err == nil {
				t.Fatalf("%s read the meeting", who)
			}
			if _, err := e.Svc.StartMeeting(ctx, e.As(who), rel, m.ID); err == nil {
				t.Fatalf("%s started the session", who)
			}
		}
		// Starting the session shows the reminder from the signed agreement and records it per party.
		st, err := e.Svc.StartMeeting(ctx, e.As("bob"), rel, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Reminder.Version != 1 || len(st.Reminder.Exceptions) != 3 || !strings.Contains(strings.Join(st.Reminder.Private, " "), "my health") || st.Ack.AcknowledgedAt != nil {
			t.Fatalf("reminder: %+v", st)
		}
		if _, err := e.Svc.AcknowledgeReminder(ctx, e.As("bob"), rel, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.StartMeeting(ctx, e.As("alice"), rel, m.ID); err != nil {
			t.Fatal(err)
		}
		mv, err := e.Svc.Meeting(ctx, e.As("alice"), rel, m.ID)
		if err != nil || len(mv.Acks) != 2 || mv.Agenda.Reveal() != agenda {
			t.Fatalf("meeting view: %v %+v", err, mv)
		}
		acked := 0
		for _, a := range mv.Acks {
			if a.AcknowledgedAt != nil {
				acked++
				if a.UserID != e.Users["bob"].ID {
					t.Fatal("the acknowledgement is recorded for the wrong party")
				}
			}
		}
		if acked != 1 {
			t.Fatalf("acknowledged %d, want 1 (bob only)", acked)
		}
		// A session note belongs to the meeting.
		if _, err := e.Svc.CreateSessionNote(ctx, e.As("alice"), rel, m.ID, "session note", mentorvault.VisibilityShared); err != nil {
			t.Fatal(err)
		}
		mv, _ = e.Svc.Meeting(ctx, e.As("bob"), rel, m.ID)
		if len(mv.Notes) != 1 || mv.Notes[0].MeetingID != m.ID {
			t.Fatalf("session notes: %+v", mv.Notes)
		}
		// The demo agreement asks for 24 hours' notice: 72 hours ahead is in time.
		c, err := e.Svc.CancelMeeting(ctx, e.As("bob"), rel, m.ID)
		if err != nil || c.Status != mentorvault.MeetingCancelledInTime {
			t.Fatalf("cancel in time: %v %+v", err, c)
		}
		soon, err := e.Svc.ScheduleMeeting(ctx, e.As("bob"), rel, service.MeetingInput{StartsAt: now.Add(3 * time.Hour), Minutes: 30})
		if err != nil {
			t.Fatal(err)
		}
		if c, err := e.Svc.CancelMeeting(ctx, e.As("alice"), rel, soon.ID); err != nil || c.Status != mentorvault.MeetingCancelledLate {
			t.Fatalf("cancel 3 hours ahead: %v %+v", err, c)
		}
		if _, err := e.Svc.CancelMeeting(ctx, e.As("alice"), rel, soon.ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("cancel twice: %v", err)
		}
	})
}

func TestCommitmentsGoalsAndFigures(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	// A fresh pair, so the figures are this test's alone: frank mentors
	// heidi; below "alice" plays the mentor and "bob" the mentee.
	rv0 := activePair(t, e)
	rel := rv0.ID
	e.Users["alice"], e.Users["bob"] = e.Users["frank"], e.Users["heidi"]
	g, err := e.Svc.CreateGoal(ctx, e.As("bob"), rel, "Lead the planning meeting")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Now().UTC().Add(24 * time.Hour)
	own, err := e.Svc.CreateCommitment(ctx, e.As("bob"), rel, service.CommitmentInput{Description: "Draft the agenda", DueAt: due, GoalID: g.ID})
	if err != nil || own.Status != mentorvault.CommitmentOpen {
		t.Fatalf("own commitment: %v %+v", err, own)
	}
	prop, err := e.Svc.CreateCommitment(ctx, e.As("alice"), rel, service.CommitmentInput{OwnerID: e.Users["bob"].ID, Description: "Ask Priya to run one item", DueAt: due})
	if err != nil || prop.Status != mentorvault.CommitmentProposed {
		t.Fatalf("proposed commitment: %v %+v", err, prop)
	}
	if _, err := e.Svc.UpdateCommitment(ctx, e.As("alice"), rel, prop.ID, mentorvault.CommitmentOpen); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
		t.Fatalf("alice accepted on bob's behalf: %v", err)
	}
	if _, err := e.Svc.UpdateCommitment(ctx, e.As("bob"), rel, prop.ID, mentorvault.CommitmentOpen); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.UpdateCommitment(ctx, e.As("bob"), rel, own.ID, mentorvault.CommitmentKept); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.UpdateCommitment(ctx, e.As("bob"), rel, prop.ID, mentorvault.CommitmentMissed); err != nil {
		t.Fatal(err)
	}
	cv, err := e.Svc.Commitments(ctx, e.As("alice"), rel)
	if err != nil {
		t.Fatal(err)
	}
	if rate, ok := cv.Mentee.Rate(); !ok || rate != 0.5 || cv.Commitments[0].Description.Reveal() == "" {
		t.Fatalf("follow-through: %+v", cv.Mentee)
	}
	if _, err := e.Svc.AddGoalProgress(ctx, e.As("alice"), rel, g.ID, "Ran it once, went well", mentorvault.GoalAchieved); err != nil {
		t.Fatal(err)
	}
	gs, err := e.Svc.Goals(ctx, e.As("bob"), rel)
	if err != nil || len(gs) != 1 || gs[0].Status != mentorvault.GoalAchieved || len(gs[0].Progress) != 1 || len(gs[0].Commitments) != 1 {
		t.Fatalf("goals: %v %+v", err, gs)
	}
	for _, who := range []string{"carol", "grace", "dave", "ivan"} {
		if _, err := e.Svc.Commitments(ctx, e.As(who), rel); err == nil {
			t.Fatalf("%s read the commitments", who)
		}
		if _, err := e.Svc.Goals(ctx, e.As(who), rel); err == nil {
			t.Fatalf("%s read the goals", who)
		}
	}
	// The review shows the pair's own figures.
	past := time.Now().UTC().Add(-2 * time.Hour)
	db.SetClock(func() time.Time { return past.Add(-time.Hour) })
	m, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), rel, service.MeetingInput{StartsAt: past, Minutes: 45})
	if err != nil {
		t.Fatal(err)
	}
	db.SetClock(func() time.Time { return time.Now().UTC() })
	for _, who := range []string{"alice", "bob"} {
		if _, err := e.Svc.AcknowledgeReminder(ctx, e.As(who), rel, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Svc.RecordMeetingOutcome(ctx, e.As("bob"), rel, m.ID, mentorvault.MeetingHeld); err != nil {
		t.Fatal(err)
	}
	rv, err := e.Svc.Reviews(ctx, e.As("alice"), rel)
	if err != nil {
		t.Fatal(err)
	}
	if rv.Meetings.Held != 1 || rv.Meetings.Planned != 1 || rv.SessionsHeld != 1 || rv.WithReminder != 1 || rv.MenteeKept.Kept != 1 || rv.MenteeKept.Missed != 1 {
		t.Fatalf("review figures: %+v %+v", rv.Meetings, rv)
	}
}

// TestFeedbackOnlyThePairReadsAndAggregatesNeedK: the mentor asks, the
// mentee answers; the mentor reads the answer and the mentee reads back
// what he gave, nobody else; the programme's figures need k people.
func TestFeedbackOnlyThePairReadsAndAggregatesNeedK(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	me, _ := e.Svc.Me(ctx, e.As("carol"))
	prog := me.Programmes[0].ID
	for _, who := range []string{"carol", "dave", "heidi"} {
		if _, err := e.Svc.RequestFeedback(ctx, e.As(who), e.Rel.ID); err == nil {
			t.Fatalf("%s, not a party, asked for feedback", who)
		}
	}
	fr, err := e.Svc.RequestFeedback(ctx, e.As("alice"), e.Rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	answer := mentorvault.FeedbackAnswer{Ratings: map[string]int{}, Text: "FEEDBACK-SECRET she listens"}
	for _, q := range mentorvault.FeedbackQuestions {
		answer.Ratings[q.Key] = 4
	}
	if err := e.Svc.AnswerFeedback(ctx, e.As("alice"), e.Rel.ID, fr.ID, answer); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
		t.Fatalf("the mentor answered her own request: %v", err)
	}
	if err := e.Svc.AnswerFeedback(ctx, e.As("bob"), e.Rel.ID, fr.ID, answer); err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.AnswerFeedback(ctx, e.As("bob"), e.Rel.ID, fr.ID, answer); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
		t.Fatalf("answered twice: %v", err)
	}
	fv, err := e.Svc.Feedback(ctx, e.As("alice"), e.Rel.ID)
	if err != nil || fv.Answers[fr.ID] == nil || fv.Answers[fr.ID].Text.Reveal() != answer.Text {
		t.Fatalf("alice reads the answer: %v %+v", err, fv)
	}
	fv, err = e.Svc.Feedback(ctx, e.As("bob"), e.Rel.ID)
	if err != nil || len(fv.Asked) != 0 || fv.Answers[fr.ID] == nil || fv.Answers[fr.ID].Text.Reveal() != answer.Text || fv.K != 5 {
		t.Fatalf("bob reads back the answer he gave, and the form's k: %v %+v", err, fv)
	}
	if !slices.ContainsFunc(fv.Given, func(g *mentorvault.FeedbackRequest) bool { return g.ID == fr.ID }) {
		t.Fatalf("bob's given answers lack this one: %+v", fv.Given)
	}
	for _, who := range []string{"carol", "dave", "erin", "heidi"} {
		fv, err := e.Svc.Feedback(ctx, e.As(who), e.Rel.ID)
		if err == nil && len(fv.Answers) != 0 {
			t.Fatalf("%s, outside the pair, read a feedback answer: %+v", who, fv)
		}
	}
	// One response: below k = 5, everything is withheld.
	aggs, k, err := e.Svc.FeedbackAggregates(ctx, e.As("carol"), prog)
	if err != nil || k != 5 {
		t.Fatal(err)
	}
	for _, a := range aggs {
		if !a.Withheld || a.Mean != 0 {
			t.Fatalf("a figure from 1 response was shown: %+v", a)
		}
	}
	if _, _, err := e.Svc.FeedbackAggregates(ctx, e.As("heidi"), prog); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
		t.Fatalf("a member read the aggregates: %v", err)
	}
	// Lower k to 1 (minimum allowed is 2) — 2 with a second pair's answer.
	e.SetK(t, prog, 2)
	// The demo's answers are all bob's: one person, withheld even at k 2.
	before, _, err := e.Svc.FeedbackAggregates(ctx, e.As("carol"), prog)
	if err != nil || !before[0].Withheld || before[0].People != 0 || before[0].Responses != 0 {
		t.Fatalf("the demo's and this test's answers, both bob's, at k=2: %v %+v; want withheld (one person), with no counts", err, before)
	}
	rel2 := activePair(t, e) // heidi (mentee) – frank (mentor)
	fr2, err := e.Svc.RequestFeedback(ctx, e.As("frank"), rel2.ID)
	if err != nil {
		t.Fatal(err)
	}
	a2 := answer
	a2.Ratings = map[string]int{}
	for _, q := range mentorvault.FeedbackQuestions {
		a2.Ratings[q.Key] = 2
	}
	if err := e.Svc.AnswerFeedback(ctx, e.As("heidi"), rel2.ID, fr2.ID, a2); err != nil {
		t.Fatal(err)
	}
	after, _, err := e.Svc.FeedbackAggregates(ctx, e.As("carol"), prog)
	if err != nil || after[0].Withheld || after[0].People != 2 {
		t.Fatalf("aggregate at k=2 with heidi's answer: %v %+v", err, after)
	}
	// Heidi's answer (2 on every question) weighs as much as bob's two
	// together: the mean is halfway between his mean and 2.
	fv, err = e.Svc.Feedback(ctx, e.As("bob"), e.Rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range mentorvault.FeedbackQuestions {
		sum, n := 0, 0
		for _, a := range fv.Answers {
			sum, n = sum+a.Ratings[q.Key], n+1
		}
		want := (float64(sum)/float64(n) + 2) / 2
		if diff := after[i].Mean - want; diff > 1e-9 || diff < -1e-9 {
			t.Fatalf("%s mean %v, want %v (bob's %d answers averaged, then with heidi's)", after[i].Key, after[i].Mean, want, n)
		}
	}
}

func TestCalendarFeedCarriesNoContent(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	// A fresh pair (frank mentors heidi) with no demo meetings; "alice" and
	// "bob" below are frank and heidi.
	rel := activePair(t, e).ID
	e.Users["alice"], e.Users["bob"] = e.Users["frank"], e.Users["heidi"]
	now := time.Now().UTC()
	secret := "CAL-SECRET-" + fmt.Sprint(now.UnixNano())
	m1, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), rel, service.MeetingInput{StartsAt: now.Add(48 * time.Hour), Minutes: 45, Location: "Room 4", Agenda: secret + " agenda"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.CreateSessionNote(ctx, e.As("alice"), rel, m1.ID, secret+" note", mentorvault.VisibilityShared); err != nil {
		t.Fatal(err)
	}
	m2, err := e.Svc.ScheduleMeeting(ctx, e.As("bob"), rel, service.MeetingInput{StartsAt: now.Add(96 * time.Hour), Minutes: 30, Agenda: secret})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.CancelMeeting(ctx, e.As("alice"), rel, m2.ID); err != nil {
		t.Fatal(err)
	}
	raw, feed, err := e.Svc.CreateCalendarFeed(ctx, e.As("bob"), false)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := e.Svc.CalendarFeedEvents(ctx, raw, "https://mv.example")
	if err != nil || len(evs) != 2 {
		t.Fatalf("feed events: %v %d", err, len(evs))
	}
	var b bytes.Buffer
	if err := calendar.Write(&b, "Mentoring", evs); err != nil {
		t.Fatal(err)
	}
	ics := b.String()
	if strings.Contains(ics, "CAL-SECRET") || strings.Contains(ics, "Frank") {
		t.Fatalf("the feed carries content or a name:\n%s", ics)
	}
	if !strings.Contains(ics, "SUMMARY:Mentoring session") || !strings.Contains(ics, "STATUS:CANCELLED") || !strings.Contains(ics, "LOCATION:Room 4") {
		t.Fatalf("the feed lacks the essentials:\n%s", ics)
	}
	one, err := e.Svc.MeetingCalendar(ctx, e.As("alice"), rel, m1.ID, "https://mv.example")
	if err != nil || strings.Contains(one.Summary+one.Location, "CAL-SECRET") {
		t.Fatalf("meeting ics: %v %+v", err, one)
	}
	if _, err := e.Svc.MeetingCalendar(ctx, e.As("carol"), rel, m1.ID, "https://mv.example"); err == nil {
		t.Fatal("the coordinator got the meeting's calendar entry")
	}
	// Revoked feeds stop working.
	if err := e.Svc.RevokeCalendarFeed(ctx, e.As("alice"), feed.ID); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
		t.Fatalf("alice revoked bob's feed: %v", err)
	}
	if err := e.Svc.RevokeCalendarFeed(ctx, e.As("bob"), feed.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.CalendarFeedEvents(ctx, raw, "https://mv.example"); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
		t.Fatalf("revoked feed: %v", err)
	}
}

func TestDueNotificationsAreCreatedOnce(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	now := time.Now().UTC()
	if _, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: now.Add(5 * time.Hour), Minutes: 30}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.CreateCommitment(ctx, e.As("alice"), e.Rel.ID, service.CommitmentInput{Description: "Send the article", DueAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// Due reminders are the reminders job's work, not a page view's.
	remind := func() {
		t.Helper()
		for range 2 { // two instances starting
			if err := e.Svc.ScheduleReminders(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.Svc.RunDueJobs(ctx); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		n, err := e.Svc.UnreadNotifications(ctx, e.As("alice"))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	dueKinds := func() map[string]bool {
		t.Helper()
		ns, err := e.Svc.Notifications(ctx, e.As("alice"), service.NotificationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, n := range ns {
			if n.Kind == mentorvault.NotifyMeetingUpcoming || n.Kind == mentorvault.NotifyCommitmentDue {
				kinds[n.Kind] = true
			}
		}
		return kinds
	}
	count()
	if k := dueKinds(); len(k) != 0 {
		t.Fatalf("due reminders %v before the reminders job ran: a page view created them", k)
	}
	remind()
	first := count()
	remind() // not due again for RemindEvery: nothing runs
	db.SetClock(func() time.Time { return now.Add(service.RemindEvery + time.Minute) })
	remind() // runs again: creates nothing twice
	db.SetClock(time.Now)
	if first < 2 || count() != first {
		t.Fatalf("due notifications: %d then %d", first, count())
	}
	ns, _ := e.Svc.Notifications(ctx, e.As("alice"), service.NotificationFilter{})
	kinds := map[string]bool{}
	for _, n := range ns {
		kinds[n.Kind] = true
	}
	if !kinds[mentorvault.NotifyMeetingUpcoming] || !kinds[mentorvault.NotifyCommitmentDue] {
		t.Fatalf("kinds: %v", kinds)
	}
	if err := e.Svc.MarkNotificationsRead(ctx, e.As("alice"), ""); err != nil {
		t.Fatal(err)
	}
	if count() != 0 {
		t.Fatal("marked read but still unread")
	}
	// Reviews fall due after the cadence.
	db.SetClock(func() time.Time { return now.AddDate(0, 0, 7*8+1) })
	remind()
	ns, _ = e.Svc.Notifications(ctx, e.As("bob"), service.NotificationFilter{})
	found := false
	for _, n := range ns {
		found = found || n.Kind == mentorvault.NotifyReviewDue
	}
	if !found {
		t.Fatal("no review-due notification after the cadence")
	}
}

// TestFeedbackOfferedByTheMentee: the mentee gives feedback on the mentor's
// approach unasked: his own form, one open at a time, answered by him
// alone; the mentor reads it as an offered answer, the mentee reads it back,
// and it counts in the programme's figures as his, one person however many
// times he answers.
func TestFeedbackOfferedByTheMentee(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	fr, err := e.Svc.RequestFeedback(ctx, e.As("bob"), e.Rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !fr.Offered || fr.MenteeID != e.Users["bob"].ID || fr.MentorID != e.Users["alice"].ID {
		t.Fatalf("bob's offer: %+v, want his own form, for alice", fr)
	}
	if _, err := e.Svc.RequestFeedback(ctx, e.As("bob"), e.Rel.ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
		t.Fatalf("a second open form: %v", err)
	}
	fv, err := e.Svc.Feedback(ctx, e.As("bob"), e.Rel.ID)
	if err != nil || len(fv.ToAnswer) != 1 || fv.ToAnswer[0].ID != fr.ID || !fv.Allowed[fr.ID].Has(policy.AnswerFeedback) {
		t.Fatalf("bob's form to fill in: %v %+v", err, fv)
	}
	answer := mentorvault.FeedbackAnswer{Ratings: map[string]int{}, Text: "OFFERED-SECRET more challenge please"}
	for _, q := range mentorvault.FeedbackQuestions {
		answer.Ratings[q.Key] = 3
	}
	if err := e.Svc.AnswerFeedback(ctx, e.As("alice"), e.Rel.ID, fr.ID, answer); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
		t.Fatalf("alice answered bob's offer: %v", err)
	}
	if err := e.Svc.AnswerFeedback(ctx, e.As("bob"), e.Rel.ID, fr.ID, answer); err != nil {
		t.Fatal(err)
	}
	for who, wantAsked := range map[string]bool{"alice": true, "bob": false} {
		fv, err := e.Svc.Feedback(ctx, e.As(who), e.Rel.ID)
		if err != nil || fv.Answers[fr.ID] == nil || fv.Answers[fr.ID].Text.Reveal() != answer.Text {
			t.Fatalf("%s reads the offered answer: %v %+v", who, err, fv)
		}
		asked := slices.ContainsFunc(fv.Asked, func(g *mentorvault.FeedbackRequest) bool { return g.ID == fr.ID && g.Offered })
		if asked != wantAsked {
			t.Fatalf("%s: the offer among the answers for them: %v, want %v", who, asked, wantAsked)
		}
	}
	// Bob answers again, many times: still one person in the programme's
	// figures, which stay withheld even at k 2.
	me, _ := e.Svc.Me(ctx, e.As("carol"))
	prog := me.Programmes[0].ID
	e.SetK(t, prog, 2)
	for range 3 {
		fr, err := e.Svc.RequestFeedback(ctx, e.As("bob"), e.Rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Svc.AnswerFeedback(ctx, e.As("bob"), e.Rel.ID, fr.ID, answer); err != nil {
			t.Fatal(err)
		}
	}
	after, _, err := e.Svc.FeedbackAggregates(ctx, e.As("carol"), prog)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range after {
		if !a.Withheld || a.Mean != 0 || !strings.Contains(a.Why, "fewer than 2 people") {
			t.Fatalf("bob answering three more times unlocked %s at k 2: %+v", a.Key, a)
		}
	}
	// An offer bob has not filled in yet does not stop alice asking.
	if _, err := e.Svc.RequestFeedback(ctx, e.As("bob"), e.Rel.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.RequestFeedback(ctx, e.As("alice"), e.Rel.ID); err != nil {
		t.Fatalf("alice asking while bob's own form is open: %v", err)
	}
}
