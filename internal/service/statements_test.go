package service_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/checker"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

func wantErr(t *testing.T, err error, code string) {
	t.Helper()
	if mentorvault.ErrorCode(err) != code {
		t.Fatalf("got %v (%s), want %s", err, mentorvault.ErrorCode(err), code)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func kinds(fs []service.Finding) []string {
	var out []string
	for _, f := range fs {
		if !slices.Contains(out, f.Kind) {
			out = append(out, f.Kind)
		}
	}
	slices.Sort(out)
	return out
}

func notified(t *testing.T, e *mvtest.Env, who, refID, contains string) bool {
	t.Helper()
	ns, err := e.Svc.Notifications(ctx, e.As(who), service.NotificationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.RefID == refID && strings.Contains(n.Text, contains) {
			return true
		}
	}
	return false
}

func request(t *testing.T, e *mvtest.Env, who, purpose string) *service.MyRequest {
	t.Helper()
	r, err := e.Svc.RequestInput(ctx, e.As(who), e.Rel.ID, service.InputRequestInput{AskedEmail: "alice@northwind.example", Purpose: purpose,
		Question: "How has Bob grown as a leader?", Deadline: time.Now().Add(14 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestInputRequestConsentPaths walks a request for input through every
// consent path: changes requested then approved, refused, declined with the
// neutral reply, and a released statement withdrawn by its author. The
// requester sees only what was released; the coordinator, a member and the
// line manager see nothing of it; every step is on the pair's access log.
func TestInputRequestConsentPaths(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		head := e.Head(t)
		before := len(must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, e.As("frank")))) // the demo's released statement
		if before != 1 {
			t.Fatalf("the demo has %d statements released to frank, want 1", before)
		}
		demoDraft := false
		for _, st := range must[*service.ThirdPartyView](t)(e.Svc.ThirdParties(ctx, e.As("alice"), rel, service.PageFilter{})).Statements {
			if st.State == mentorvault.StatementDraft && strings.Contains(st.Purpose, "nomination") {
				got := kinds(st.Check.Findings)
				demoDraft = slices.Contains(got, checker.KindKeptItem) && slices.Contains(got, checker.KindPerformance)
			}
		}
		if !demoDraft {
			t.Fatal("the demo has no draft answer with kept-item and performance findings")
		}
		r := request(t, e, "frank", "promotion to team lead")
		if r.Status != mentorvault.RequestOpen || r.Subject.Email != "bob@northwind.example" || r.Asked.Email != "alice@northwind.example" {
			t.Fatalf("request %+v", r)
		}
		// Both parties see at once that the request exists: who asks, for what.
		if !notified(t, e, "alice", r.ID, "Frank Fischer asked you for input about Bob Baker.") ||
			!notified(t, e, "bob", r.ID, "Frank Fischer asked Alice Archer for input about you.") {
			t.Fatal("the parties were not told of the request")
		}
		tp := must[*service.ThirdPartyView](t)(e.Svc.ThirdParties(ctx, e.As("bob"), rel, service.PageFilter{}))
		if len(tp.Requests) == 0 || tp.Requests[0].ID != r.ID || tp.Requests[0].Question.Reveal() != "How has Bob grown as a leader?" {
			t.Fatalf("bob does not see the request: %+v", tp.Requests)
		}
		for _, who := range []string{"carol", "heidi", "dave", "frank", "grace", "erin"} {
			_, err := e.Svc.ThirdParties(ctx, e.As(who), rel, service.PageFilter{})
			wantErr(t, err, mentorvault.ENOTFOUND) // outside the pair: they may not learn what it holds
		}
		// Only the one asked answers; the subject does not draft about themselves.
		_, err := e.Svc.DraftStatement(ctx, e.As("bob"), rel, r.ID, "Bob says hi.")
		wantErr(t, err, mentorvault.EFORBIDDEN)
		_, err = e.Svc.DraftStatement(ctx, e.As("alice"), rel, r.ID, "   ")
		wantErr(t, err, mentorvault.EINVALID)

		draft := "Bob is a poor performer compared with his peers. He told me about his health. We worked on delegation."
		st := must[*service.StatementView](t)(e.Svc.DraftStatement(ctx, e.As("alice"), rel, r.ID, draft))
		if got := kinds(st.Check.Findings); !slices.Contains(got, checker.KindKeptItem) || !slices.Contains(got, checker.KindPerformance) {
			t.Fatalf("findings on the draft: %+v", st.Check.Findings)
		}
		if st.Check.PreAuthorised || st.RecipientKind != mentorvault.ToPromotionHR {
			t.Fatalf("a draft with findings to HR: pre-authorised %v, recipient %s", st.Check.PreAuthorised, st.RecipientKind)
		}
		// The subject sees the draft and the findings too; the requester nothing.
		bobView := must[*service.StatementView](t)(e.Svc.Statement(ctx, e.As("bob"), rel, st.ID))
		if bobView.Body.Reveal() != draft || len(bobView.Check.Findings) != len(st.Check.Findings) {
			t.Fatal("bob does not see the draft with its findings")
		}
		_, err = e.Svc.Statement(ctx, e.As("frank"), rel, st.ID)
		wantErr(t, err, mentorvault.ENOTFOUND)
		if got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, e.As("frank"))); len(got) != before {
			t.Fatalf("frank received a draft: %d statements, %d before", len(got), before)
		}
		_, err = e.Svc.DecideStatement(ctx, e.As("bob"), rel, st.ID, "approve", "")
		wantErr(t, err, mentorvault.ECONFLICT) // not yet shown to him

		// Shown to bob: he asks for changes, alice edits, he approves.
		st = must[*service.StatementView](t)(e.Svc.SubmitStatement(ctx, e.As("alice"), rel, st.ID))
		if st.State != mentorvault.StatementAwaitingConsent {
			t.Fatalf("submitted: %s", st.State)
		}
		_, err = e.Svc.DecideStatement(ctx, e.As("alice"), rel, st.ID, "approve", "")
		wantErr(t, err, mentorvault.EFORBIDDEN) // the author does not consent for the subject
		_, err = e.Svc.DecideStatement(ctx, e.As("bob"), rel, st.ID, "changes", "")
		wantErr(t, err, mentorvault.EINVALID) // say what should change
		st = must[*service.StatementView](t)(e.Svc.DecideStatement(ctx, e.As("bob"), rel, st.ID, "changes", "Please leave out my health and the comparison."))
		if st.State != mentorvault.StatementChangesRequested || st.Comment.Reveal() != "Please leave out my health and the comparison." {
			t.Fatalf("changes requested: %s %q", st.State, st.Comment.Reveal())
		}
		_, err = e.Svc.EditStatement(ctx, e.As("bob"), rel, st.ID, "Bob edits alice's words.")
		wantErr(t, err, mentorvault.EFORBIDDEN)
		final := "In our sessions Bob engaged fully and grew in confidence in leading planning meetings."
		st = must[*service.StatementView](t)(e.Svc.EditStatement(ctx, e.As("alice"), rel, st.ID, final))
		if len(st.Check.Findings) > 0 && slices.Contains(kinds(st.Check.Findings), checker.KindPerformance) {
			t.Fatalf("advocacy flagged as a performance judgement: %+v", st.Check.Findings)
		}
		st = must[*service.StatementView](t)(e.Svc.SubmitStatement(ctx, e.As("alice"), rel, st.ID))
		st = must[*service.StatementView](t)(e.Svc.DecideStatement(ctx, e.As("bob"), rel, st.ID, "approve", ""))
		if st.State != mentorvault.StatementReleased || st.ReleasedAt == nil {
			t.Fatalf("approved: %s", st.State)
		}
		_, err = e.Svc.EditStatement(ctx, e.As("alice"), rel, st.ID, "too late")
		wantErr(t, err, mentorvault.ECONFLICT) // released is immutable

		got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, e.As("frank")))
		if len(got) != before+1 || got[0].ID != st.ID || got[0].Body.Reveal() != final || got[0].Subject.Email != "bob@northwind.example" || got[0].WithdrawnAt != nil {
			t.Fatalf("frank received %+v", got)
		}
		if !notified(t, e, "frank", st.ID, "Alice Archer released a statement for you about Bob Baker") {
			t.Fatal("frank was not told of the release")
		}
		mine := must[*service.MyRequestList](t)(e.Svc.MyRequests(ctx, e.As("frank"), service.PageFilter{})).Requests
		if mine[0].ID != r.ID || mine[0].Status != mentorvault.RequestAnswered || mine[0].StatementID != st.ID {
			t.Fatalf("frank's requests: %+v", mine[0])
		}
		for _, who := range []string{"carol", "dave", "heidi", "alice"} {
			if got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, e.As(who))); len(got) != 0 {
				t.Fatalf("%s received a statement addressed to frank", who)
			}
		}

		// Withdrawal: frank sees that it was withdrawn, no longer the text.
		_, err = e.Svc.WithdrawStatement(ctx, e.As("bob"), rel, st.ID)
		wantErr(t, err, mentorvault.EFORBIDDEN)
		must[*service.StatementView](t)(e.Svc.WithdrawStatement(ctx, e.As("alice"), rel, st.ID))
		got = must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, e.As("frank")))
		if len(got) != before+1 || got[0].ID != st.ID || got[0].WithdrawnAt == nil || !got[0].Body.IsZero() {
			t.Fatalf("after withdrawal frank sees %+v", got)
		}

		// Refusal: nothing reaches frank.
		r2 := request(t, e, "frank", "leadership programme nomination")
		st2 := must[*service.StatementView](t)(e.Svc.DraftStatement(ctx, e.As("alice"), rel, r2.ID, "Bob grew a lot this year."))
		must[*service.StatementView](t)(e.Svc.SubmitStatement(ctx, e.As("alice"), rel, st2.ID))
		st2 = must[*service.StatementView](t)(e.Svc.DecideStatement(ctx, e.As("bob"), rel, st2.ID, "refuse", "I would rather not."))
		if st2.State != mentorvault.StatementRefused {
			t.Fatalf("refused: %s", st2.State)
		}
		if got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, e.As("frank"))); len(got) != before+1 {
			t.Fatalf("a refused statement reached frank: %d statements", len(got))
		}

		// Declining: the neutral standard reply, which frank reads.
		r3 := request(t, e, "frank", "secondment")
		_, err = e.Svc.DeclineRequest(ctx, e.As("bob"), rel, r3.ID, "")
		wantErr(t, err, mentorvault.EFORBIDDEN)
		must[*mentorvault.InputRequest](t)(e.Svc.DeclineRequest(ctx, e.As("alice"), rel, r3.ID, ""))
		_, err = e.Svc.DeclineRequest(ctx, e.As("alice"), rel, r3.ID, "")
		wantErr(t, err, mentorvault.ECONFLICT)
		mine = must[*service.MyRequestList](t)(e.Svc.MyRequests(ctx, e.As("frank"), service.PageFilter{})).Requests
		if mine[0].ID != r3.ID || mine[0].Status != mentorvault.RequestDeclined || mine[0].DeclineReply != mentorvault.NeutralDecline {
			t.Fatalf("frank's declined request: %+v", mine[0])
		}

		// Who may ask: requesters and the parties' line managers, never a party or a member.
		for who, want := range map[string]bool{"frank": true, "dave": true, "heidi": false, "carol": false, "alice": false, "bob": false, "": false} {
			if got := e.Svc.MayRequestInput(ctx, e.As(who), rel); got != want {
				t.Errorf("MayRequestInput(%q) = %v, want %v", who, got, want)
			}
		}
		if e.Svc.MayRequestInput(ctx, e.As("frank"), e.Proposed.ID) {
			t.Error("frank is offered to ask about a proposal")
		}
		_, err = e.Svc.RequestInput(ctx, e.As("dave"), rel, service.InputRequestInput{AskedEmail: "alice@northwind.example", Purpose: "what Bob works on",
			Question: "What is Bob working on?", Deadline: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatalf("bob's line manager asks: %v", err)
		}
		for _, who := range []string{"heidi", "carol", "bob", "grace"} {
			_, err = e.Svc.RequestInput(ctx, e.As(who), rel, service.InputRequestInput{AskedEmail: "alice@northwind.example", Purpose: "x",
				Question: "y", Deadline: time.Now().Add(time.Hour)})
			wantErr(t, err, mentorvault.EFORBIDDEN)
		}
		_, err = e.Svc.RequestInput(ctx, e.As("frank"), e.Proposed.ID, service.InputRequestInput{AskedEmail: "ivan@northwind.example", Purpose: "x",
			Question: "y", Deadline: time.Now().Add(time.Hour)})
		wantErr(t, err, mentorvault.ENOTFOUND) // a proposal is not in the directory
		_, err = e.Svc.RequestInput(ctx, e.As("frank"), rel, service.InputRequestInput{AskedEmail: "heidi@northwind.example", Purpose: "x",
			Question: "y", Deadline: time.Now().Add(time.Hour)})
		wantErr(t, err, mentorvault.EINVALID)

		// Every step is on the pair's access log, denials included.
		var actions []string
		for _, ev := range e.Events(t, head) {
			if ev.RelationshipID == rel {
				actions = append(actions, ev.Action+":"+ev.Outcome)
			}
		}
		for _, want := range []string{"input.request:ok", "statement.draft:ok", "statement.submit:ok", "statement.changes:ok", "statement.edit:ok",
			"statement.approve:ok", "statement.release:ok", "statement.receive:ok", "statement.withdraw:ok", "statement.refuse:ok", "input.decline:ok",
			"input.read:ok", "thirdparty.read:denied", "statement.write:denied", "input.request:denied", "input.answer:denied"} {
			if !slices.Contains(actions, want) {
				t.Errorf("no %s event on the relationship's log", want)
			}
		}
	})
}

// TestPreAuthorisedSummary: a summary a signed clause allows (the demo
// agreement lets either party tell the mentee's line manager the topics and
// goals) is released after the programme's notice window unless the
// subject objects, exactly once, also when another instance runs the job.
func TestPreAuthorisedSummary(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
		e.DB.SetClock(clk.Now)
		rel := e.Rel.ID
		head := e.Head(t)
		body := "We worked on delegation and on running planning meetings."
		st := must[*service.StatementView](t)(e.Svc.PrepareSummary(ctx, e.As("bob"), rel, service.SummaryInput{RecipientEmail: "dave@northwind.example",
			Purpose: "goals and progress", Body: body}))
		if st.RecipientKind != mentorvault.ToLineManager || st.SubjectID != e.Users["alice"].ID || !st.Check.PreAuthorised {
			t.Fatalf("summary for dave: recipient %s, subject %s, check %+v", st.RecipientKind, st.SubjectID, st.Check)
		}
		st = must[*service.StatementView](t)(e.Svc.SubmitStatement(ctx, e.As("bob"), rel, st.ID))
		if st.State != mentorvault.StatementPreAuthorised || st.ReleaseAt == nil || !st.ReleaseAt.Equal(clk.Now().Add(72*time.Hour)) {
			t.Fatalf("submitted: %s, release at %v", st.State, st.ReleaseAt)
		}
		if !notified(t, e, "alice", st.ID, "unless you object") {
			t.Fatal("alice was not shown the pre-authorised summary")
		}
		// An objection to a second summary within the window stops it.
		st2 := must[*service.StatementView](t)(e.Svc.PrepareSummary(ctx, e.As("bob"), rel, service.SummaryInput{RecipientEmail: "dave@northwind.example",
			Purpose: "goals", Body: "We worked on giving feedback."}))
		must[*service.StatementView](t)(e.Svc.SubmitStatement(ctx, e.As("bob"), rel, st2.ID))

		clk.Add(71 * time.Hour)
		if n, err := e.Svc.RunDueJobs(ctx); err != nil || n != 0 {
			t.Fatalf("jobs before the window ended: %d, %v", n, err)
		}
		must[*service.StatementView](t)(e.Svc.DecideStatement(ctx, e.As("alice"), rel, st2.ID, "refuse", "Not this one."))
		if got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, e.As("dave"))); len(got) != 0 {
			t.Fatal("dave received a summary before the window ended")
		}

		clk.Add(time.Hour)
		other := instance(t, e)
		n1, err1 := e.Svc.RunDueJobs(ctx)
		n2, err2 := other.RunDueJobs(ctx)
		if err1 != nil || err2 != nil || n1+n2 != 2 {
			t.Fatalf("jobs at the end of the window: %d+%d, %v %v", n1, n2, err1, err2)
		}
		got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, e.As("dave")))
		if len(got) != 1 || got[0].ID != st.ID || got[0].Body.Reveal() != body {
			t.Fatalf("dave received %+v", got)
		}
		v := must[*service.StatementView](t)(e.Svc.Statement(ctx, e.As("alice"), rel, st2.ID))
		if v.State != mentorvault.StatementRefused {
			t.Fatalf("the objected summary is %s", v.State)
		}
		releases := 0
		for _, ev := range e.Events(t, head) {
			if ev.Action == "statement.release" {
				releases++
			}
		}
		if releases != 1 {
			t.Fatalf("%d release events, want exactly 1", releases)
		}
		_, err := e.Svc.DecideStatement(ctx, e.As("alice"), rel, st.ID, "refuse", "too late")
		wantErr(t, err, mentorvault.ECONFLICT)

		// A summary for someone no clause covers waits for consent.
		st3 := must[*service.StatementView](t)(e.Svc.PrepareSummary(ctx, e.As("bob"), rel, service.SummaryInput{RecipientEmail: "heidi@northwind.example",
			Purpose: "goals", Body: "We worked on delegation."}))
		if st3.Check.PreAuthorised || !slices.Contains(kinds(st3.Check.Findings), checker.KindNotAllowed) {
			t.Fatalf("a summary for heidi: %+v", st3.Check)
		}
		_, err = e.Svc.PrepareSummary(ctx, e.As("bob"), rel, service.SummaryInput{RecipientEmail: "alice@northwind.example", Purpose: "x", Body: "y"})
		wantErr(t, err, mentorvault.EINVALID)
		_, err = e.Svc.PrepareSummary(ctx, e.As("bob"), rel, service.SummaryInput{RecipientEmail: "nobody@elsewhere.example", Purpose: "x", Body: "y"})
		wantErr(t, err, mentorvault.EINVALID)
	})
}

// TestThreeWayMeeting: the line manager sees nothing of a three-way meeting
// until both parties agreed its brief; then the brief, the meeting and the
// notes for the three — never the pair's own notes.
func TestThreeWayMeeting(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		in := service.ThreeWayInput{Brief: "We may say Bob works on delegation; nothing about the reorganisation.", StartsAt: time.Now().Add(48 * time.Hour),
			Minutes: 30, Location: "Room 4"}
		_, err := e.Svc.ProposeThreeWay(ctx, e.As("dave"), rel, in)
		wantErr(t, err, mentorvault.ENOTFOUND)
		bad := in
		bad.Brief, bad.Minutes = "", 1
		_, err = e.Svc.ProposeThreeWay(ctx, e.As("bob"), rel, bad)
		wantErr(t, err, mentorvault.EINVALID)
		m := must[*service.ThreeWayView](t)(e.Svc.ProposeThreeWay(ctx, e.As("bob"), rel, in))
		if m.ManagerID != e.Users["dave"].ID || m.State != mentorvault.ThreeWayProposed || m.MenteeAgreedAt == nil || m.MentorAgreedAt != nil {
			t.Fatalf("proposed: %+v", m.ThreeWayMeeting)
		}
		for _, who := range []string{"dave", "carol", "heidi", "grace"} {
			_, err = e.Svc.ThreeWay(ctx, e.As(who), m.ID)
			wantErr(t, err, mentorvault.ENOTFOUND)
		}
		if got := must[[]*service.ThreeWayView](t)(e.Svc.MyThreeWays(ctx, e.As("dave"))); len(got) != 0 {
			t.Fatal("dave sees a brief not yet agreed")
		}
		_, err = e.Svc.AddThreeWayNote(ctx, e.As("bob"), m.ID, "too early")
		wantErr(t, err, mentorvault.EFORBIDDEN)
		_, err = e.Svc.AgreeThreeWay(ctx, e.As("bob"), m.ID)
		wantErr(t, err, mentorvault.ECONFLICT) // he proposed it: agreed already

		m = must[*service.ThreeWayView](t)(e.Svc.AgreeThreeWay(ctx, e.As("alice"), m.ID))
		if m.State != mentorvault.ThreeWayAgreed {
			t.Fatalf("agreed by both: %s", m.State)
		}
		if !notified(t, e, "dave", m.ID, "invite you to a three-way mentoring meeting") {
			t.Fatal("dave was not invited")
		}
		dv := must[*service.ThreeWayView](t)(e.Svc.ThreeWay(ctx, e.As("dave"), m.ID))
		if dv.Brief.Reveal() != in.Brief {
			t.Fatalf("dave reads the brief %q", dv.Brief.Reveal())
		}
		_, err = e.Svc.AgreeThreeWay(ctx, e.As("dave"), m.ID)
		wantErr(t, err, mentorvault.EFORBIDDEN)
		_, err = e.Svc.ReviseThreeWay(ctx, e.As("alice"), m.ID, in)
		wantErr(t, err, mentorvault.ECONFLICT)
		must[*service.ThreeWayNoteView](t)(e.Svc.AddThreeWayNote(ctx, e.As("dave"), m.ID, "Thanks both: I will support the delegation work."))
		must[*service.ThreeWayNoteView](t)(e.Svc.AddThreeWayNote(ctx, e.As("bob"), m.ID, "Agreed next steps."))
		av := must[*service.ThreeWayView](t)(e.Svc.ThreeWay(ctx, e.As("alice"), m.ID))
		if len(av.Notes) != 2 || av.Notes[0].Author.Email != "dave@northwind.example" {
			t.Fatalf("alice sees the notes for the three: %+v", av.Notes)
		}
		// The pair's own notes stay theirs.
		_, err = e.Svc.ListNotes(ctx, e.As("dave"), rel, service.NoteFilter{Limit: 50})
		if mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN && mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Fatalf("dave lists the pair's notes: %v", err)
		}
		_, err = e.Svc.ThreeWay(ctx, e.As("carol"), m.ID)
		wantErr(t, err, mentorvault.ENOTFOUND)
		// It is held once its time has come, not before.
		_, err = e.Svc.FinishThreeWay(ctx, e.As("alice"), m.ID, mentorvault.ThreeWayHeld)
		wantErr(t, err, mentorvault.ECONFLICT)
		newTicker(e).set(in.StartsAt, 0)
		must[*service.ThreeWayView](t)(e.Svc.FinishThreeWay(ctx, e.As("alice"), m.ID, mentorvault.ThreeWayHeld))
		if got := must[[]*service.ThreeWayView](t)(e.Svc.MyThreeWays(ctx, e.As("dave"))); len(got) != 1 || got[0].State != mentorvault.ThreeWayHeld {
			t.Fatalf("dave's three-way meetings: %+v", got)
		}
	})
}
