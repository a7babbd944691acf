package service_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	mvmail "github.com/mentorvault/mentorvault/internal/mail"
	"github.com/mentorvault/mentorvault/internal/mail/mailtest"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// kindsNoContentEvery are the kinds TestMailCarriesNoContentEveryKind must
// receive.
var kindsNoContentEvery = []string{
	mentorvault.NotifyRelationshipWithdrawn, mentorvault.NotifyRelationshipResumed, mentorvault.NotifyPartnerDeactivated,
	mentorvault.NotifyAgreementChanged, mentorvault.NotifyAgreementSign, mentorvault.NotifyAgreementSigned, mentorvault.NotifyReviewDue,
	"input.declined", "statement.draft", "statement.changes_asked", "statement.refused", "statement.withdrawn",
	"concern.step", "concern.closed", "disclosure.plan", "disclosure.withdrawn",
	"disclosure.started", "disclosure.delivered", "disclosure.received",
	"threeway.proposed", "threeway.agreed", "threeway.invited", "threeway.note", "threeway.cancelled",
	mentorvault.NotifyRelationshipEnded, mentorvault.NotifyRelationshipHold, mentorvault.NotifyRelationshipHoldReleased,
	mentorvault.NotifyEraseWarning, mentorvault.NotifyRelationshipErased, mentorvault.NotifyProgrammeKChanged,
	mentorvault.NotifyRelationshipMatched, mentorvault.NotifyMatchAnswered, mentorvault.NotifyProposalExpired,
}

// kindsWithoutRelationshipContent are the message kinds about a person's
// own account, which no relationship's content can reach; their own tests
// (invitations, password reset, email change, recovery codes, the digest)
// check what they carry.
var kindsWithoutRelationshipContent = []string{"invitation", "digest", "password.reset", "email.confirm", "email.change.notice",
	"account.recovery_used", "disclosure.undelivered"}

// TestMailCarriesNoContentEveryKind writes canaries into the content behind
// every kind of message the two tests above do not trigger (withdrawn and
// resumed relationships, the agreement changed, to sign and signed, reviews
// due, input declined, statements drafted, sent back, refused and
// withdrawn, concern steps and outcomes, disclosure plans, withdrawals,
// starts, deliveries and receipts, every three-way meeting message, a
// partner deactivated), triggers them on a store clock, and scans every
// byte the SMTP server received. Every message has a subject and sentence
// of its own, and, with the two tests above, every kind of message mail
// knows is received by one of them.
func TestMailCarriesNoContentEveryKind(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		srv := mailtest.Start(t)
		c := &canaries{t: t}
		clk := newTicker(e)
		t0 := clk.Now()
		alice, bob, frank, heidi := e.As("alice"), e.As("bob"), e.As("frank"), e.As("heidi")
		rel := e.Rel.ID
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		send := func() {
			t.Helper()
			_, err := e.Svc.SendMail(ctx, sender(t, srv))
			must(err)
		}

		// Relationships: a proposal withdrawn, a pause and its end.
		prop, err := e.Svc.ProposeRelationship(ctx, heidi, service.ProposeInput{OtherEmail: e.Users["carol"].Email, MyRole: "mentee"})
		must(err)
		_, err = e.Svc.Transition(ctx, heidi, prop.ID, mentorvault.ActWithdraw)
		must(err)
		_, err = e.Svc.Transition(ctx, alice, rel, mentorvault.ActPause)
		must(err)
		_, err = e.Svc.Transition(ctx, alice, rel, mentorvault.ActResume)
		must(err)

		// An agreement changed, signed by one, then by both.
		pair := newPair(t, e)
		d, err := e.Svc.StartDraft(ctx, frank, pair.ID)
		must(err)
		terms := d.Terms
		terms.Expectations.MeetingMinutes = 30
		d2, err := e.Svc.UpdateDraft(ctx, frank, pair.ID, d.ID, d.Hash, terms)
		must(err)
		for _, who := range []mentorvault.Principal{heidi, frank} {
			_, err := e.Svc.SignAgreement(ctx, who, pair.ID, d2.ID, d2.Hash, demo.Password)
			must(err)
		}

		// Input declined; statements drafted, sent back, refused, and
		// withdrawn after release.
		ask := func(what string) *service.MyRequest {
			r, err := e.Svc.RequestInput(ctx, frank, rel, service.InputRequestInput{AskedEmail: e.Users["alice"].Email,
				Purpose: "Purpose " + c.mark(what), Question: "Question " + c.mark(what), Deadline: t0.Add(14 * 24 * time.Hour)})
			must(err)
			return r
		}
		r := ask("declined")
		_, err = e.Svc.DeclineRequest(ctx, alice, rel, r.ID, "Reply "+c.mark("reply"))
		must(err)
		for _, decision := range []string{"changes", "refuse", "approve"} {
			st, err := e.Svc.DraftStatement(ctx, alice, rel, ask(decision).ID, "Statement "+c.mark("statement"))
			must(err)
			_, err = e.Svc.SubmitStatement(ctx, alice, rel, st.ID)
			must(err)
			_, err = e.Svc.DecideStatement(ctx, bob, rel, st.ID, decision, "Comment "+c.mark("comment"))
			must(err)
			if decision == "approve" {
				_, err = e.Svc.WithdrawStatement(ctx, alice, rel, st.ID)
				must(err)
			}
		}

		// A concern worked through, a plan proposed and withdrawn, the
		// concern withdrawn.
		c1, err := e.Svc.RaiseConcern(ctx, alice, rel, mentorvault.ConcernHarmToOrg, "Concern "+c.mark("concern"), false)
		must(err)
		_, err = e.Svc.RecordConcernStep(ctx, bob, rel, c1.ID, mentorvault.StepEthicalView, "no", "Step "+c.mark("step"))
		must(err)
		plan, err := e.Svc.ProposeDisclosurePlan(ctx, alice, rel, c1.ID, service.DisclosureInput{RecipientName: "Name " + c.mark("recipient"),
			Content: "Plan " + c.mark("plan"), EffectiveAt: t0})
		must(err)
		_, err = e.Svc.WithdrawDisclosure(ctx, alice, rel, plan.ID)
		must(err)
		_, err = e.Svc.CloseConcern(ctx, alice, rel, c1.ID, mentorvault.ConcernWithdrawn, "")
		must(err)

		// A three-way meeting proposed, agreed (the line manager invited),
		// noted and cancelled.
		tw, err := e.Svc.ProposeThreeWay(ctx, bob, rel, service.ThreeWayInput{Brief: "Brief " + c.mark("brief"),
			StartsAt: t0.Add(48 * time.Hour).Truncate(time.Minute), Minutes: 30, Location: "Room " + c.mark("location")})
		must(err)
		_, err = e.Svc.AgreeThreeWay(ctx, alice, tw.ID)
		must(err)
		_, err = e.Svc.AddThreeWayNote(ctx, e.As("dave"), tw.ID, "Note "+c.mark("threeway-note"))
		must(err)
		_, err = e.Svc.FinishThreeWay(ctx, alice, tw.ID, mentorvault.ThreeWayCancelled)
		must(err)

		// A disclosure notice: it reaches bob by email and starts (alice is
		// told), takes effect (both are told), and dave receives it.
		c2, err := e.Svc.RaiseConcern(ctx, alice, rel, mentorvault.ConcernHarmToOrg, "Concern "+c.mark("concern"), false)
		must(err)
		_, err = e.Svc.FileDisclosureNotice(ctx, alice, rel, c2.ID, service.DisclosureInput{RecipientEmail: e.Users["dave"].Email,
			How: "How " + c.mark("how"), Content: "Disclosure " + c.mark("disclosure"), EffectiveAt: t0.Add(72 * time.Hour)})
		must(err)
		send()
		clk.set(t0.Add(73*time.Hour), 0)
		_, err = e.Svc.RunDueJobs(ctx)
		must(err)

		// Reviews fall due; then heidi's account is deactivated.
		clk.set(t0.Add(40*7*24*time.Hour), 0)
		must(e.Svc.ScheduleReminders(ctx))
		_, err = e.Svc.RunDueJobs(ctx)
		must(err)
		_, err = e.Svc.DeactivatePerson(ctx, e.As("grace"), e.Users["heidi"].ID)
		must(err)

		// The programme's k is raised: its participants are told.
		pv, err := e.Svc.Programme(ctx, e.As("carol"), e.Rel.ProgrammeID)
		must(err)
		st := pv.Settings
		st.KThreshold++
		_, err = e.Svc.UpdateProgrammeSettings(ctx, e.As("carol"), e.Rel.ProgrammeID, st)
		must(err)

		// Ending: alice writes a note, the programme ends alice and bob's
		// relationship, a legal hold is placed and released, the erasure
		// warned of and done.
		_, err = e.Svc.CreateNote(ctx, alice, rel, "Note "+c.mark("closing-note"), mentorvault.VisibilityShared)
		must(err)
		ended, err := e.Svc.EndRelationship(ctx, e.As("carol"), rel)
		must(err)
		_, err = e.Svc.PlaceHold(ctx, e.As("grace"), rel, "Hold "+c.mark("hold"))
		must(err)
		_, err = e.Svc.ReleaseHold(ctx, e.As("grace"), rel)
		must(err)
		must(e.Svc.ScheduleRetention(ctx))
		for _, at := range []time.Time{ended.EraseAt.AddDate(0, 0, -30).Add(time.Minute), ended.EraseAt.Add(time.Minute)} {
			clk.set(at, 0)
			_, err = e.Svc.RunDueJobs(ctx)
			must(err)
		}

		// Matching: yuki and ursula enrol with canaries in their profiles;
		// the coordinator matches them, yuki accepts, and the match expires
		// unanswered by ursula.
		for who, role := range map[string]mentorvault.EnrolmentRole{"yuki": mentorvault.EnrolMentee, "ursula": mentorvault.EnrolMentor} {
			_, err = e.Svc.Enrol(ctx, e.As(who), e.Rel.ProgrammeID, service.EnrolmentInput{Role: role, Goals: "Goals " + c.mark("goals-"+who),
				TopicsOther: "Other " + c.mark("other-"+who), TimeZone: "Europe/London", Availability: "Tuesday mornings", Capacity: map[bool]int{true: 1}[role == mentorvault.EnrolMentor]})
			must(err)
		}
		res, err := e.Svc.ProposeMatches(ctx, e.As("carol"), e.Rel.ProgrammeID, []service.MatchProposal{{MenteeID: e.Users["yuki"].ID, MentorID: e.Users["ursula"].ID}})
		must(err)
		if res.Proposed != 1 {
			t.Fatalf("the match: %+v", res.Outcomes)
		}
		_, err = e.Svc.Transition(ctx, e.As("yuki"), res.Outcomes[0].Relationship.ID, mentorvault.ActAccept)
		must(err)
		must(e.Svc.ScheduleExpiry(ctx))
		clk.set(res.Outcomes[0].Relationship.ExpiresAt.Add(time.Minute), 0)
		_, err = e.Svc.RunDueJobs(ctx)
		must(err)
		send()

		byID := map[string]*mentorvault.OutboxMessage{}
		for _, q := range outbox(t, e.DB, mentorvault.OutboxFilter{}) {
			byID[q.ID] = q
		}
		raws := srv.Messages(t)
		kinds := map[string]int{}
		for _, raw := range raws {
			r := parseReceived(t, raw)
			c.scan(r, "harm to the organisation", "harm_to_organisation")
			q := byID[r.id]
			if q == nil {
				t.Fatalf("received a message the outbox does not know: %s", r.id)
			}
			kinds[q.Kind]++
			if !mvmail.Known(q.Kind) {
				t.Errorf("a %s message has no subject and sentence of its own (it went out as the generic one)", q.Kind)
			}
			if !strings.Contains(r.parts["text/plain"], "https://mv.example/") || r.parts["text/html"] == "" {
				t.Errorf("message %s (%s) lacks a link or an HTML part", r.id, q.Kind)
			}
		}
		for _, k := range kindsNoContentEvery {
			if kinds[k] == 0 {
				t.Errorf("no %s message was received (got %v)", k, kinds)
			}
		}

		// Every kind mail knows is received by one of the three tests.
		covered := map[string]bool{}
		for _, list := range [][]string{kindsNoContent, kindsNoContentMore, kindsNoContentEvery, kindsWithoutRelationshipContent} {
			for _, k := range list {
				covered[strings.TrimPrefix(k, "bob:")] = true
			}
		}
		for _, k := range mvmail.Kinds() {
			if !covered[k] {
				t.Errorf("no test triggers a %s message and scans it for content", k)
			}
		}
		if !slices.Contains(mvmail.Kinds(), "statement.refused") {
			t.Fatal("mail.Kinds does not list the kinds")
		}
	})
}
