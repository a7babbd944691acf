package service_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// can is what a view offers its viewer, for comparing in one line.
func can(flags ...bool) string { return fmt.Sprint(flags) }

// TestStatementViewAllowed: a statement's page offers the author the edit
// and withdraw forms and the subject the decision, each only in the states
// that allow it and only while the relationship runs — Cedar decides who,
// the statement's state decides when.
func TestStatementViewAllowed(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		offers := func(who, id string) string { // edit, decide, withdraw
			t.Helper()
			v := must[*service.StatementView](t)(e.Svc.Statement(ctx, e.As(who), rel, id))
			return can(v.CanEdit(), v.CanDecide(), v.CanWithdraw())
		}
		check := func(step, who, id, want string) {
			t.Helper()
			if got := offers(who, id); got != want {
				t.Errorf("%s: %s is offered [edit decide withdraw] %s, want %s", step, who, got, want)
			}
		}
		r := request(t, e, "frank", "allowed on statements")
		// The request: the party asked may answer it, the subject may not.
		answer := func(who string) bool {
			t.Helper()
			for _, q := range must[*service.ThirdPartyView](t)(e.Svc.ThirdParties(ctx, e.As(who), rel, service.PageFilter{})).Requests {
				if q.ID == r.ID {
					return q.CanAnswer()
				}
			}
			t.Fatalf("%s does not see request %s", who, r.ID)
			return false
		}
		if !answer("alice") || answer("bob") {
			t.Fatalf("open request: alice may answer %v, bob %v; want true, false", answer("alice"), answer("bob"))
		}
		st := must[*service.StatementView](t)(e.Svc.DraftStatement(ctx, e.As("alice"), rel, r.ID, "We worked on delegation."))
		if st.Allowed != nil {
			t.Fatal("a statement returned by a write carries Allowed; only Statement decides it")
		}
		if answer("alice") {
			t.Fatal("a request with a draft in progress is offered to answer again")
		}
		check("draft", "alice", st.ID, can(true, false, false))
		check("draft", "bob", st.ID, can(false, false, false))
		must[*service.StatementView](t)(e.Svc.SubmitStatement(ctx, e.As("alice"), rel, st.ID))
		check("awaiting consent", "alice", st.ID, can(false, false, false))
		check("awaiting consent", "bob", st.ID, can(false, true, false))
		must[*service.StatementView](t)(e.Svc.DecideStatement(ctx, e.As("bob"), rel, st.ID, "changes", "Less about me, please."))
		check("changes requested", "alice", st.ID, can(true, false, false))
		check("changes requested", "bob", st.ID, can(false, false, false))
		must[*service.StatementView](t)(e.Svc.SubmitStatement(ctx, e.As("alice"), rel, st.ID))
		must[*service.StatementView](t)(e.Svc.DecideStatement(ctx, e.As("bob"), rel, st.ID, "approve", ""))
		check("released", "alice", st.ID, can(false, false, true))
		check("released", "bob", st.ID, can(false, false, false))
		if answer("alice") {
			t.Fatal("an answered request is offered to answer again")
		}

		// A refused answer frees the request again.
		r2 := request(t, e, "frank", "allowed after a refusal")
		st2 := must[*service.StatementView](t)(e.Svc.DraftStatement(ctx, e.As("alice"), rel, r2.ID, "We worked on planning."))
		must[*service.StatementView](t)(e.Svc.SubmitStatement(ctx, e.As("alice"), rel, st2.ID))
		must[*service.StatementView](t)(e.Svc.DecideStatement(ctx, e.As("bob"), rel, st2.ID, "refuse", ""))
		r = r2 // answer now asks about r2
		if !answer("alice") {
			t.Fatal("a request whose answer was refused is not offered to answer again")
		}

		// Closed: the pair still read, but nothing is offered.
		e.CloseSettled(t, "bob", rel)
		check("closed", "alice", st.ID, can(false, false, false))
		if answer("alice") {
			t.Fatal("a closed relationship's request is offered to answer")
		}
	})
}

// TestThreeWayViewAllowed: a three-way meeting's page offers the parties
// agree, revise, hold and cancel as its state allows, and the notes for the
// three to the line manager too once the brief is agreed.
func TestThreeWayViewAllowed(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		in := service.ThreeWayInput{Brief: "Delegation only.", StartsAt: time.Now().Add(48 * time.Hour), Minutes: 30}
		m := must[*service.ThreeWayView](t)(e.Svc.ProposeThreeWay(ctx, e.As("bob"), e.Rel.ID, in))
		check := func(step, who, want string) {
			t.Helper()
			v := must[*service.ThreeWayView](t)(e.Svc.ThreeWay(ctx, e.As(who), m.ID))
			if got := can(v.CanAgree(), v.CanRevise(), v.CanHold(), v.CanCancel(), v.CanNote()); got != want {
				t.Errorf("%s: %s is offered [agree revise hold cancel note] %s, want %s", step, who, got, want)
			}
		}
		check("proposed", "bob", can(false, true, false, true, false)) // he proposed it: agreed already
		check("proposed", "alice", can(true, true, false, true, false))
		must[*service.ThreeWayView](t)(e.Svc.AgreeThreeWay(ctx, e.As("alice"), m.ID))
		check("agreed, before its time", "alice", can(false, false, false, true, true))
		newTicker(e).set(in.StartsAt, 0)
		check("agreed, at its time", "alice", can(false, false, true, true, true))
		check("agreed", "dave", can(false, false, false, false, true))
		must[*service.ThreeWayView](t)(e.Svc.FinishThreeWay(ctx, e.As("alice"), m.ID, mentorvault.ThreeWayHeld))
		check("held", "bob", can(false, false, false, false, true))
		check("held", "dave", can(false, false, false, false, true))
		if _, err := e.Svc.Transition(ctx, e.As("bob"), e.Rel.ID, mentorvault.ActPause); err != nil {
			t.Fatal(err)
		}
		check("held, paused", "dave", can(false, false, false, false, true))
		e.CloseSettled(t, "bob", e.Rel.ID)
		check("held, closed", "bob", can(false, false, false, false, false))
		check("held, closed", "dave", can(false, false, false, false, false))
	})
}

// TestAskInput: the form to ask for input is offered as Cedar's
// input.request decides; a party is told why not.
func TestAskInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		for who, want := range map[string]string{"frank": "", "dave": "", "alice": mentorvault.EFORBIDDEN, "heidi": mentorvault.EFORBIDDEN} {
			err := e.Svc.AskInput(ctx, e.As(who), e.Rel.ID)
			if got := mentorvault.ErrorCode(err); got != want {
				t.Errorf("AskInput(%s) = %v, want %q", who, err, want)
			}
			if got, may := err == nil, e.Svc.MayRequestInput(ctx, e.As(who), e.Rel.ID); got != may {
				t.Errorf("AskInput(%s) allows %v, MayRequestInput %v", who, got, may)
			}
		}
		err := e.Svc.AskInput(ctx, e.As("bob"), e.Rel.ID)
		if !strings.Contains(mentorvault.ErrorMessage(err), "do not ask each other") {
			t.Errorf("a party is told %v", err)
		}
		wantErr(t, e.Svc.AskInput(ctx, e.As("frank"), "nope"), mentorvault.ENOTFOUND)
	})
}
