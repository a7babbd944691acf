package service_test

// Concurrency tests for every operation that reads a relationship's state,
// decides and writes (issue 11 point 1): many calls at the same moment, many
// rounds, on both backends. Each round asserts that the outcome is one a
// serial order of the calls could give — exactly one winner where there
// can be only one, losers told why (conflict, forbidden, not found; never an
// internal error, never "try again" after the retries ran out) — and the
// audit chain verifies at the end.
//
// Several races are against time as well as against each other (an
// objection against the release job, a withdrawal against the delivery
// job). There the store's clock ticks forward with every transaction, so
// that the calls of one round straddle the deadline (at a different point
// in each round): on PostgreSQL a
// transaction takes its time before it waits for the relationship's lock,
// so one that began before the deadline may decide after one that began
// after it, and must then decide on what that one committed.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// opsWorkers is how many calls race in one round.
const opsWorkers = 8

// atOnce runs f(0) … f(n-1) at the same moment and returns their errors.
func atOnce(n int, f func(i int) error) []error {
	fs := make([]func() error, n)
	for i := range fs {
		fs[i] = func() error { return f(i) }
	}
	return concurrently(fs...)
}

// winners counts the calls that succeeded and fails the test for any other
// outcome than a loser's codes: an internal error, or a conflict that is
// only the retries running out, is a failure.
func winners(t *testing.T, round int, what string, errs []error, loser ...string) int {
	t.Helper()
	n := 0
	for i, err := range errs {
		if err == nil {
			n++
			continue
		}
		if errors.Is(err, mentorvault.ErrLostRace) {
			t.Fatalf("round %d: %s %d lost every retry: %v", round, what, i, err)
		}
		if code := mentorvault.ErrorCode(err); !slices.Contains(loser, code) {
			t.Fatalf("round %d: %s %d: %v (%s), want success or one of %v", round, what, i, err, code, loser)
		}
	}
	return n
}

// verifyChain checks the whole audit chain.
func verifyChain(t *testing.T, e *mvtest.Env) {
	t.Helper()
	if _, err := audit.Verify(ctx, e.DB, nil); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
}

// okEvents returns the successful audit events after seq of action about
// resource id ("" for any).
func okEvents(t *testing.T, e *mvtest.Env, after int64, action, id string) []*mentorvault.AuditEvent {
	t.Helper()
	var out []*mentorvault.AuditEvent
	for _, ev := range e.Events(t, after) {
		if ev.Action == action && ev.Outcome == mentorvault.OutcomeOK && (id == "" || ev.ResourceID == id) {
			out = append(out, ev)
		}
	}
	return out
}

// read runs f in a transaction of the store that is rolled back.
func read(t *testing.T, e *mvtest.Env, f func(tx mentorvault.Tx) error) {
	t.Helper()
	tx, err := e.DB.BeginTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		t.Fatal(err)
	}
}

// oneJob returns the one job about refID, which must be done.
func oneJob(t *testing.T, e *mvtest.Env, round int, refID string) {
	t.Helper()
	read(t, e, func(tx mentorvault.Tx) error {
		jobs, err := tx.FindJobs(ctx, refID)
		if err != nil {
			return err
		}
		if len(jobs) != 1 || jobs[0].DoneAt == nil || jobs[0].Attempts != 0 {
			t.Fatalf("round %d: jobs about %s: %+v, want one, done at the first attempt", round, refID, jobs)
		}
		return nil
	})
}

// ticker is a store clock: fixed, or (step > 0) moving on by step with every
// transaction begun.
type ticker struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *ticker) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *ticker) set(t time.Time, step time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t, c.step = t, step
}

func newTicker(e *mvtest.Env) *ticker {
	c := &ticker{t: time.Now().UTC().Truncate(time.Second)}
	e.DB.SetClock(c.Now)
	return c
}

// TestConcurrentStatementDecisions has the subject approve, ask for changes
// and refuse one statement at the same moment: exactly one decision stands
// and the statement is in its state (released only by an approval, with one
// release event); then the author withdraws the released statement many
// times at once: one withdrawal.
func TestConcurrentStatementDecisions(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		decisions := []string{"approve", "changes", "refuse"}
		for round := range 20 {
			r := request(t, e, "frank", fmt.Sprintf("race %d", round))
			st := must[*service.StatementView](t)(e.Svc.DraftStatement(ctx, e.As("alice"), rel, r.ID, "We worked on delegation."))
			st = must[*service.StatementView](t)(e.Svc.SubmitStatement(ctx, e.As("alice"), rel, st.ID))
			if st.State != mentorvault.StatementAwaitingConsent {
				t.Fatalf("round %d: submitted statement is %s", round, st.State)
			}
			head := e.Head(t)
			// The last caller is the author, who may not decide for the subject.
			errs := atOnce(opsWorkers, func(i int) error {
				who := "bob"
				if i == opsWorkers-1 {
					who = "alice"
				}
				_, err := e.Svc.DecideStatement(ctx, e.As(who), rel, st.ID, decisions[i%3], "please say less")
				return err
			})
			if mentorvault.ErrorCode(errs[opsWorkers-1]) != mentorvault.EFORBIDDEN {
				t.Fatalf("round %d: the author decided: %v", round, errs[opsWorkers-1])
			}
			if n := winners(t, round, "decision", errs, mentorvault.ECONFLICT, mentorvault.EFORBIDDEN); n != 1 {
				t.Fatalf("round %d: %d decisions succeeded, want exactly 1: %v", round, n, errs)
			}
			won := ""
			for i, err := range errs {
				if err == nil {
					won = decisions[i%3]
				}
			}
			want := map[string]mentorvault.StatementState{"approve": mentorvault.StatementReleased, "changes": mentorvault.StatementChangesRequested,
				"refuse": mentorvault.StatementRefused}[won]
			got := must[*service.StatementView](t)(e.Svc.Statement(ctx, e.As("alice"), rel, st.ID))
			if got.State != want {
				t.Fatalf("round %d: %s won and the statement is %s", round, won, got.State)
			}
			if n := len(okEvents(t, e, head, "statement."+won, st.ID)); n != 1 {
				t.Fatalf("round %d: %d statement.%s events, want 1", round, n, won)
			}
			releases := len(okEvents(t, e, head, "statement.release", st.ID))
			if (won == "approve") != (releases == 1) || releases > 1 {
				t.Fatalf("round %d: %s won and %d release events", round, won, releases)
			}
			if won != "approve" {
				continue
			}
			head = e.Head(t)
			errs = atOnce(opsWorkers, func(int) error {
				_, err := e.Svc.WithdrawStatement(ctx, e.As("alice"), rel, st.ID)
				return err
			})
			if n := winners(t, round, "withdrawal", errs, mentorvault.ECONFLICT); n != 1 {
				t.Fatalf("round %d: %d withdrawals succeeded, want exactly 1", round, n)
			}
			if got := must[*service.StatementView](t)(e.Svc.Statement(ctx, e.As("alice"), rel, st.ID)); got.State != mentorvault.StatementWithdrawn {
				t.Fatalf("round %d: withdrawn statement is %s", round, got.State)
			}
			if n := len(okEvents(t, e, head, "statement.withdraw", st.ID)); n != 1 {
				t.Fatalf("round %d: %d withdraw events", round, n)
			}
		}
		verifyChain(t, e)
	})
}

// TestConcurrentObjectionAndRelease races the subject's objections to a
// pre-authorised summary against two instances running the release job, at
// the end of the window: either the job released it (once) and every
// objection came too late, or one objection stopped it and the job left it
// alone — never both, never neither.
func TestConcurrentObjectionAndRelease(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		clk := newTicker(e)
		other := instance(t, e)
		rel := e.Rel.ID
		decisions := []string{"refuse", "changes"}
		tally := map[string]int{}
		for round := range 20 {
			st := must[*service.StatementView](t)(e.Svc.PrepareSummary(ctx, e.As("bob"), rel, service.SummaryInput{RecipientEmail: "dave@northwind.example",
				Purpose: fmt.Sprintf("goals %d", round), Body: "We worked on delegation and on running planning meetings."}))
			st = must[*service.StatementView](t)(e.Svc.SubmitStatement(ctx, e.As("bob"), rel, st.ID))
			if st.State != mentorvault.StatementPreAuthorised {
				t.Fatalf("round %d: submitted summary is %s", round, st.State)
			}
			head, end := e.Head(t), *st.ReleaseAt
			// The first 0…8 transactions begun are before the deadline.
			clk.set(end.Add(-time.Duration(round%(opsWorkers+1))*time.Millisecond), time.Millisecond)
			errs := atOnce(opsWorkers, func(i int) error {
				switch i {
				case 0:
					_, err := e.Svc.RunDueJobs(ctx)
					return err
				case 1:
					_, err := other.RunDueJobs(ctx)
					return err
				}
				_, err := e.Svc.DecideStatement(ctx, e.As("alice"), rel, st.ID, decisions[i%2], "not this")
				return err
			})
			if winners(t, round, "job run", errs[:2]) != 2 {
				t.Fatalf("round %d: a job run failed: %v", round, errs[:2])
			}
			objected := winners(t, round, "objection", errs[2:], mentorvault.ECONFLICT)
			// Whatever was not due during the race is due now.
			clk.set(end.Add(time.Second), 0)
			if _, err := e.Svc.RunDueJobs(ctx); err != nil {
				t.Fatal(err)
			}
			releases := len(okEvents(t, e, head, "statement.release", st.ID))
			if objected+releases != 1 {
				t.Fatalf("round %d: %d objections succeeded and %d releases: want exactly one of them", round, objected, releases)
			}
			got := must[*service.StatementView](t)(e.Svc.Statement(ctx, e.As("alice"), rel, st.ID))
			received := false
			for _, rs := range must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, e.As("dave"))) {
				received = received || rs.ID == st.ID
			}
			switch {
			case releases == 1 && (got.State != mentorvault.StatementReleased || !received):
				t.Fatalf("round %d: released, and the summary is %s (dave received it: %v)", round, got.State, received)
			case objected == 1 && (received || got.State != map[string]mentorvault.StatementState{"refuse": mentorvault.StatementRefused,
				"changes": mentorvault.StatementChangesRequested}[decisions[(2+slices.IndexFunc(errs[2:], func(err error) bool { return err == nil }))%2]]):
				t.Fatalf("round %d: objected to, and the summary is %s (dave received it: %v)", round, got.State, received)
			}
			oneJob(t, e, round, st.ID)
			tally[string(got.State)]++
		}
		t.Logf("outcomes over the rounds: %v", tally)
		verifyChain(t, e)
	})
}

// TestConcurrentPlanSignatures has both parties sign a joint disclosure
// plan many times at once: the other party's one signature counts, the
// proposer's second is refused, and the plan is scheduled (one job) or, when
// its time has come, delivered once. Then both withdraw a scheduled plan at
// once: one withdrawal.
func TestConcurrentPlanSignatures(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		c, err := e.Svc.RaiseConcern(ctx, e.As("alice"), rel, mentorvault.ConcernHarmToOrg, "Figures are passed on.", false)
		if err != nil {
			t.Fatal(err)
		}
		for round := range 20 {
			now := round%2 == 0 // even rounds: effective at once
			at := time.Now().Add(100 * time.Hour)
			if now {
				at = time.Now().Add(-time.Minute)
			}
			plan, err := e.Svc.ProposeDisclosurePlan(ctx, e.As("alice"), rel, c.ID, service.DisclosureInput{DiscloserID: e.Users["bob"].ID,
				RecipientEmail: "grace@northwind.example", How: "a meeting", Content: fmt.Sprintf("Bob will tell Grace what he saw (%d).", round), EffectiveAt: at})
			if err != nil {
				t.Fatal(err)
			}
			head := e.Head(t)
			errs := atOnce(opsWorkers, func(i int) error {
				who := []string{"bob", "alice"}[i%2]
				_, err := e.Svc.SignDisclosurePlan(ctx, e.As(who), rel, plan.ID)
				return err
			})
			if n := winners(t, round, "signature", errs, mentorvault.ECONFLICT); n != 1 {
				t.Fatalf("round %d: %d signatures succeeded, want exactly 1: %v", round, n, errs)
			}
			for i := 1; i < opsWorkers; i += 2 {
				if errs[i] == nil {
					t.Fatalf("round %d: the proposer signed twice", round)
				}
			}
			var d *mentorvault.Disclosure
			var jobs []*mentorvault.Job
			read(t, e, func(tx mentorvault.Tx) error {
				if d, err = tx.FindDisclosureByID(ctx, plan.ID); err != nil {
					return err
				}
				jobs, err = tx.FindJobs(ctx, plan.ID)
				return err
			})
			delivered := len(okEvents(t, e, head, "disclosure.delivered", plan.ID))
			if d.MentorSignedAt == nil || d.MenteeSignedAt == nil {
				t.Fatalf("round %d: signatures %v %v", round, d.MentorSignedAt, d.MenteeSignedAt)
			}
			if now && (d.State != mentorvault.DisclosureDelivered || delivered != 1 || len(jobs) != 0) ||
				!now && (d.State != mentorvault.DisclosureScheduled || delivered != 0 || len(jobs) != 1) {
				t.Fatalf("round %d (due now: %v): plan %s, %d delivered events, %d jobs", round, now, d.State, delivered, len(jobs))
			}
			if now {
				continue
			}
			head = e.Head(t)
			errs = atOnce(opsWorkers, func(i int) error {
				who := []string{"bob", "alice"}[i%2]
				_, err := e.Svc.WithdrawDisclosure(ctx, e.As(who), rel, plan.ID)
				return err
			})
			if n := winners(t, round, "withdrawal", errs, mentorvault.ECONFLICT); n != 1 {
				t.Fatalf("round %d: %d withdrawals succeeded, want exactly 1", round, n)
			}
			if n := len(okEvents(t, e, head, "disclosure.withdraw", plan.ID)); n != 1 {
				t.Fatalf("round %d: %d withdraw events", round, n)
			}
		}
		verifyChain(t, e)
	})
}

// TestConcurrentNoticesAndClose has both parties file notices on one
// concern while one of them closes it as resolved: either the notices are
// filed (each with its one job) and closing is refused while they are
// pending, or the concern is closed first and every notice is refused — a
// closed concern never has a pending disclosure.
func TestConcurrentNoticesAndClose(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		tally := map[string]int{}
		for round := range 20 {
			c, err := e.Svc.RaiseConcern(ctx, e.As("alice"), rel, mentorvault.ConcernHarmToOrg, fmt.Sprintf("Figures are passed on (%d).", round), false)
			if err != nil {
				t.Fatal(err)
			}
			at := time.Now().Add(100 * time.Hour)
			errs := atOnce(opsWorkers, func(i int) error {
				if i%4 == 3 {
					_, err := e.Svc.CloseConcern(ctx, e.As("alice"), rel, c.ID, mentorvault.ConcernResolved, "")
					return err
				}
				who := []string{"alice", "bob"}[i%2]
				_, err := e.Svc.FileDisclosureNotice(ctx, e.As(who), rel, c.ID, service.DisclosureInput{RecipientEmail: "dave@northwind.example",
					How: "in person", Content: fmt.Sprintf("notice %d of %s", i, who), EffectiveAt: at})
				return err
			})
			var notices, closes []error
			for i, err := range errs {
				if i%4 == 3 {
					closes = append(closes, err)
				} else {
					notices = append(notices, err)
				}
			}
			filed := winners(t, round, "notice", notices, mentorvault.ECONFLICT)
			closed := winners(t, round, "close", closes, mentorvault.ECONFLICT)
			tally[map[bool]string{true: "closed first", false: "filed first"}[closed == 1]]++
			if closed > 1 || closed == 1 && filed > 0 || closed == 0 && filed != len(notices) {
				t.Fatalf("round %d: %d notices filed, %d closes: not a serial outcome (%v)", round, filed, closed, errs)
			}
			read(t, e, func(tx mentorvault.Tx) error {
				cc, err := tx.FindConcernByID(ctx, c.ID)
				if err != nil {
					return err
				}
				ds, err := tx.FindDisclosures(ctx, c.ID)
				if err != nil {
					return err
				}
				if cc.IsOpen() == (closed == 1) || len(ds) != filed {
					t.Fatalf("round %d: concern %s with %d disclosures after %d notices and %d closes", round, cc.Status, len(ds), filed, closed)
				}
				for _, d := range ds {
					jobs, err := tx.FindJobs(ctx, d.ID)
					if err != nil {
						return err
					}
					// A notice gets its delivery job when it reaches the other
					// party; none has yet (mail is off, nobody opened it).
					want := 0
					if d.Started() {
						want = 1
					}
					if d.State != mentorvault.DisclosureScheduled || len(jobs) != want {
						t.Fatalf("round %d: notice %s (started %v) with %d jobs", round, d.State, d.Started(), len(jobs))
					}
				}
				return nil
			})
		}
		t.Logf("outcomes over the rounds: %v", tally)
		verifyChain(t, e)
	})
}

// TestConcurrentWithdrawAndDelivery races the discloser's withdrawals of a
// notice against two instances running its delivery job, at the moment it
// takes effect: it is either withdrawn (and never delivered) or delivered
// once (and every withdrawal refused).
func TestConcurrentWithdrawAndDelivery(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		clk := newTicker(e)
		other := instance(t, e)
		rel := e.Rel.ID
		c, err := e.Svc.RaiseConcern(ctx, e.As("alice"), rel, mentorvault.ConcernHarmToOrg, "Figures are passed on.", false)
		if err != nil {
			t.Fatal(err)
		}
		tally := map[string]int{}
		for round := range 20 {
			d, err := e.Svc.FileDisclosureNotice(ctx, e.As("alice"), rel, c.ID, service.DisclosureInput{RecipientEmail: "dave@northwind.example",
				How: "in person", Content: fmt.Sprintf("notice %d", round), EffectiveAt: clk.Now().Add(73 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			// bob opens it: its notice starts now (it ran from filing before notices waited to arrive).
			if _, err := e.Svc.Concern(ctx, e.As("bob"), rel, c.ID); err != nil {
				t.Fatal(err)
			}
			head, at := e.Head(t), d.EffectiveAt
			// The first 0…8 transactions begun are before the deadline.
			clk.set(at.Add(-time.Duration(round%(opsWorkers+1))*time.Millisecond), time.Millisecond)
			errs := atOnce(opsWorkers, func(i int) error {
				switch i {
				case 0:
					_, err := e.Svc.RunDueJobs(ctx)
					return err
				case 1:
					_, err := other.RunDueJobs(ctx)
					return err
				}
				_, err := e.Svc.WithdrawDisclosure(ctx, e.As("alice"), rel, d.ID)
				return err
			})
			if winners(t, round, "job run", errs[:2]) != 2 {
				t.Fatalf("round %d: a job run failed: %v", round, errs[:2])
			}
			withdrawn := winners(t, round, "withdrawal", errs[2:], mentorvault.ECONFLICT)
			clk.set(at.Add(time.Second), 0)
			if _, err := e.Svc.RunDueJobs(ctx); err != nil {
				t.Fatal(err)
			}
			delivered := len(okEvents(t, e, head, "disclosure.delivered", d.ID))
			if withdrawn+delivered != 1 {
				t.Fatalf("round %d: %d withdrawals and %d deliveries: want exactly one of them", round, withdrawn, delivered)
			}
			received := false
			for _, rd := range must[[]*service.ReceivedDisclosure](t)(e.Svc.ReceivedDisclosures(ctx, e.As("dave"))) {
				received = received || rd.ID == d.ID
			}
			read(t, e, func(tx mentorvault.Tx) error {
				got, err := tx.FindDisclosureByID(ctx, d.ID)
				if err != nil {
					return err
				}
				want := mentorvault.DisclosureDelivered
				if withdrawn == 1 {
					want = mentorvault.DisclosureWithdrawn
				}
				if got.State != want || received != (delivered == 1) {
					t.Fatalf("round %d: %d withdrawals, %d deliveries: the notice is %s, dave received it: %v", round, withdrawn, delivered, got.State, received)
				}
				return nil
			})
			oneJob(t, e, round, d.ID)
			tally[map[bool]string{true: "withdrawn", false: "delivered"}[withdrawn == 1]]++
		}
		t.Logf("outcomes over the rounds: %v", tally)
		verifyChain(t, e)
	})
}

// TestConcurrentThreeWayAgreement has the three people of a three-way
// meeting agree its brief at once: only the other party's agreement
// counts, once, and the line manager is invited once. Then agreement races
// cancellation, and held races cancelled: the outcomes are a serial order's.
func TestConcurrentThreeWayAgreement(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		propose := func(round int) *service.ThreeWayView {
			return must[*service.ThreeWayView](t)(e.Svc.ProposeThreeWay(ctx, e.As("alice"), rel, service.ThreeWayInput{
				Brief: fmt.Sprintf("Bob's growth (%d)", round), StartsAt: time.Now().Add(48 * time.Hour), Minutes: 30, Location: "room 1"}))
		}
		threeWay := func(id string) *mentorvault.ThreeWayMeeting {
			var m *mentorvault.ThreeWayMeeting
			read(t, e, func(tx mentorvault.Tx) (err error) { m, err = tx.FindThreeWayByID(ctx, id); return err })
			return m
		}
		for round := range 15 {
			// Three agree at once: bob counts; alice agreed when proposing; dave is not asked.
			m := propose(round)
			head := e.Head(t)
			errs := atOnce(opsWorkers, func(i int) error {
				who := []string{"bob", "alice", "dave", "bob"}[i%4]
				_, err := e.Svc.AgreeThreeWay(ctx, e.As(who), m.ID)
				return err
			})
			if n := winners(t, round, "agreement", errs, mentorvault.ECONFLICT, mentorvault.EFORBIDDEN, mentorvault.ENOTFOUND); n != 1 {
				t.Fatalf("round %d: %d agreements succeeded, want exactly 1: %v", round, n, errs)
			}
			for i, err := range errs {
				if i%4 == 1 || i%4 == 2 {
					if err == nil {
						t.Fatalf("round %d: call %d (not bob) agreed", round, i)
					}
				}
			}
			if got := threeWay(m.ID); got.State != mentorvault.ThreeWayAgreed {
				t.Fatalf("round %d: agreed meeting is %s", round, got.State)
			}
			if n := len(okEvents(t, e, head, "threeway.agree", m.ID)); n != 1 {
				t.Fatalf("round %d: %d agree events", round, n)
			}
			// Held and cancelled at once, once its time has come: one of them.
			at := time.Now().Add(49 * time.Hour)
			e.DB.SetClock(func() time.Time { return at })
			head = e.Head(t)
			outcomes := []mentorvault.ThreeWayState{mentorvault.ThreeWayHeld, mentorvault.ThreeWayCancelled}
			errs = atOnce(opsWorkers, func(i int) error {
				who := []string{"alice", "bob"}[i/4]
				_, err := e.Svc.FinishThreeWay(ctx, e.As(who), m.ID, outcomes[i%2])
				return err
			})
			if n := winners(t, round, "finish", errs, mentorvault.ECONFLICT); n != 1 {
				t.Fatalf("round %d: %d outcomes recorded, want exactly 1: %v", round, n, errs)
			}
			won := outcomes[slices.IndexFunc(errs, func(err error) bool { return err == nil })%2]
			if got := threeWay(m.ID); got.State != won {
				t.Fatalf("round %d: %s won and the meeting is %s", round, won, got.State)
			}
			if n := len(okEvents(t, e, head, "threeway.held", m.ID)) + len(okEvents(t, e, head, "threeway.cancelled", m.ID)); n != 1 {
				t.Fatalf("round %d: %d outcome events", round, n)
			}
			e.DB.SetClock(time.Now)

			// Agreement against cancellation: cancelled in the end, agreed at most once, and only before.
			m = propose(round)
			head = e.Head(t)
			errs = atOnce(opsWorkers, func(i int) error {
				if i%2 == 0 {
					_, err := e.Svc.AgreeThreeWay(ctx, e.As("bob"), m.ID)
					return err
				}
				_, err := e.Svc.FinishThreeWay(ctx, e.As("alice"), m.ID, mentorvault.ThreeWayCancelled)
				return err
			})
			var agrees, cancels []error
			for i, err := range errs {
				if i%2 == 0 {
					agrees = append(agrees, err)
				} else {
					cancels = append(cancels, err)
				}
			}
			agreed := winners(t, round, "agreement", agrees, mentorvault.ECONFLICT)
			if n := winners(t, round, "cancellation", cancels, mentorvault.ECONFLICT); n != 1 || agreed > 1 {
				t.Fatalf("round %d: %d agreements and %d cancellations", round, agreed, n)
			}
			if got := threeWay(m.ID); got.State != mentorvault.ThreeWayCancelled {
				t.Fatalf("round %d: cancelled meeting is %s", round, got.State)
			}
			agreeEvs, cancelEvs := okEvents(t, e, head, "threeway.agree", m.ID), okEvents(t, e, head, "threeway.cancelled", m.ID)
			if len(agreeEvs) != agreed || len(cancelEvs) != 1 || agreed == 1 && agreeEvs[0].Seq > cancelEvs[0].Seq {
				t.Fatalf("round %d: agree events %d, cancel events %d (an agreement after the cancellation?)", round, len(agreeEvs), len(cancelEvs))
			}
		}
		verifyChain(t, e)
	})
}

// TestConcurrentMeetingOutcome marks one started meeting held (twice by
// each party), missed and cancelled at the same moment: exactly one outcome
// is recorded and the meeting is in it.
func TestConcurrentMeetingOutcome(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		clk := newTicker(e)
		rel := e.Rel.ID
		for round := range 20 {
			m, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), rel, service.MeetingInput{StartsAt: clk.Now().Add(time.Hour), Minutes: 30})
			if err != nil {
				t.Fatal(err)
			}
			clk.set(clk.Now().Add(90*time.Minute), 0)
			head := e.Head(t)
			type call struct {
				who    string
				action string // "held", "missed" or "cancel"
			}
			calls := []call{{"alice", "held"}, {"bob", "held"}, {"alice", "held"}, {"bob", "held"}, {"bob", "missed"}, {"alice", "missed"}, {"alice", "cancel"}, {"bob", "cancel"}}
			errs := atOnce(len(calls), func(i int) error {
				c := calls[i]
				if c.action == "cancel" {
					_, err := e.Svc.CancelMeeting(ctx, e.As(c.who), rel, m.ID)
					return err
				}
				_, err := e.Svc.RecordMeetingOutcome(ctx, e.As(c.who), rel, m.ID, mentorvault.MeetingStatus(c.action))
				return err
			})
			if n := winners(t, round, "outcome", errs, mentorvault.ECONFLICT); n != 1 {
				t.Fatalf("round %d: %d outcomes recorded, want exactly 1: %v", round, n, errs)
			}
			won := calls[slices.IndexFunc(errs, func(err error) bool { return err == nil })].action
			want := map[string]mentorvault.MeetingStatus{"held": mentorvault.MeetingHeld, "missed": mentorvault.MeetingMissed, "cancel": mentorvault.MeetingCancelledLate}[won]
			got := must[*service.MeetingView](t)(e.Svc.Meeting(ctx, e.As("bob"), rel, m.ID))
			if got.Status != want {
				t.Fatalf("round %d: %s won and the meeting is %s", round, won, got.Status)
			}
			if n := len(okEvents(t, e, head, "meeting.outcome", m.ID)) + len(okEvents(t, e, head, "meeting.cancel", m.ID)); n != 1 {
				t.Fatalf("round %d: %d outcome events, want 1", round, n)
			}
		}
		verifyChain(t, e)
	})
}

// TestConcurrentNotesAndPause writes notes while the relationship is
// paused (or, every fifth round on a fresh pair, closed): no note commits
// after the pause, judged by commit order (the audit sequence; transaction
// start times cannot tell), every note acknowledged is on the log before it,
// and every refused one was refused because of the new state.
func TestConcurrentNotesAndPause(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		for round := range 20 {
			relID, action, writers := e.Rel.ID, mentorvault.ActPause, []string{"alice", "bob"}
			if round%5 == 4 {
				relID, action, writers = activePair(t, e).ID, mentorvault.ActClose, []string{"frank", "heidi"}
			}
			head := e.Head(t)
			const stop = opsWorkers / 2 // the transition starts among the writers
			ids := make([]string, opsWorkers)
			errs := atOnce(opsWorkers, func(i int) error {
				if i == stop {
					_, err := e.Svc.Transition(ctx, e.As(writers[1]), relID, action)
					return err
				}
				n, err := e.Svc.CreateNote(ctx, e.As(writers[i%2]), relID, fmt.Sprintf("note %d of round %d", i, round), mentorvault.VisibilityShared)
				if err == nil {
					ids[i] = n.ID
				}
				return err
			})
			if errs[stop] != nil {
				t.Fatalf("round %d: %s: %v", round, action, errs[stop])
			}
			errs[stop] = nil
			written := winners(t, round, "note", errs, mentorvault.EFORBIDDEN) - 1
			stops := okEvents(t, e, head, "relationship."+string(action), relID)
			if len(stops) != 1 {
				t.Fatalf("round %d: %d %s events", round, len(stops), action)
			}
			seqOf := map[string]int64{}
			for _, ev := range okEvents(t, e, head, "note.create", "") {
				seqOf[ev.ResourceID] = ev.Seq
			}
			if len(seqOf) != written {
				t.Fatalf("round %d: %d notes acknowledged, %d on the audit log", round, written, len(seqOf))
			}
			for i, id := range ids {
				if id == "" {
					continue
				}
				if seq := seqOf[id]; seq == 0 || seq > stops[0].Seq {
					t.Fatalf("round %d: note %d committed at audit position %d, after the %s at %d", round, i, seq, action, stops[0].Seq)
				}
			}
			if action == mentorvault.ActPause {
				if _, err := e.Svc.Transition(ctx, e.As("alice"), relID, mentorvault.ActResume); err != nil {
					t.Fatal(err)
				}
			}
		}
		verifyChain(t, e)
	})
}

// TestConcurrentDeclineAndDraft has the party asked for input decline the
// request and draft an answer to it at the same moment: a declined request
// has no answer in progress, and a request with an answer is not declined.
func TestConcurrentDeclineAndDraft(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		tally := map[string]int{}
		for round := range 20 {
			r := request(t, e, "frank", fmt.Sprintf("decline race %d", round))
			errs := atOnce(opsWorkers, func(i int) error {
				if i%2 == 0 {
					_, err := e.Svc.DeclineRequest(ctx, e.As("alice"), rel, r.ID, "")
					return err
				}
				_, err := e.Svc.DraftStatement(ctx, e.As("alice"), rel, r.ID, fmt.Sprintf("Answer %d.", i))
				return err
			})
			var declines, drafts []error
			for i, err := range errs {
				if i%2 == 0 {
					declines = append(declines, err)
				} else {
					drafts = append(drafts, err)
				}
			}
			declined := winners(t, round, "decline", declines, mentorvault.ECONFLICT)
			drafted := winners(t, round, "draft", drafts, mentorvault.ECONFLICT)
			tally[map[bool]string{true: "declined", false: "drafted"}[declined == 1]]++
			if declined > 1 || declined == 1 && drafted > 0 || declined == 0 && drafted == 0 {
				t.Fatalf("round %d: %d declines and %d drafts succeeded", round, declined, drafted)
			}
			read(t, e, func(tx mentorvault.Tx) error {
				got, err := tx.FindInputRequestByID(ctx, r.ID)
				if err != nil {
					return err
				}
				sts, err := tx.FindStatements(ctx, rel, mentorvault.Page{})
				if err != nil {
					return err
				}
				answers := 0
				for _, st := range sts {
					if st.RequestID == r.ID {
						answers++
					}
				}
				if (got.Status == mentorvault.RequestDeclined) != (declined == 1) || answers != drafted {
					t.Fatalf("round %d: request %s with %d answers after %d declines and %d drafts", round, got.Status, answers, declined, drafted)
				}
				return nil
			})
		}
		t.Logf("outcomes over the rounds: %v", tally)
		verifyChain(t, e)
	})
}

// TestLostRaceIsRunAgain provokes a real deadlock on PostgreSQL between a
// service call and another transaction: the other holds the audit head and
// then asks for the relationship the call holds while waiting for the head.
// The server aborts the call's transaction (the other one waits longer
// before it looks for deadlocks); the service runs it again, and the note is
// written once, audited once.
func TestLostRaceIsRunAgain(t *testing.T) {
	dbURL := sqlstoretest.PostgresSchemaURL(t)
	db, err := sqlstore.OpenPostgres(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	e := mvtest.NewWithLogger(t, db, slog.New(slog.NewTextHandler(&logs, nil)))
	raw, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	other, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	for _, q := range []string{`SET LOCAL deadlock_timeout = '30s'`, `SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE`} {
		if _, err := other.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var otherPID int
	if err := other.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&otherPID); err != nil {
		t.Fatal(err)
	}
	head := e.Head(t)
	done := make(chan error, 1)
	var note *mentorvault.Note
	go func() {
		n, err := e.Svc.CreateNote(ctx, e.As("alice"), e.Rel.ID, "written once", mentorvault.VisibilityShared)
		note = n
		done <- err
	}()
	// Wait until the call holds the relationship and waits for the head.
	for waiting := 0; waiting == 0; {
		if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, otherPID).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			t.Fatalf("the call finished while the audit head was held: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if _, err := other.ExecContext(ctx, `SELECT id FROM relationships WHERE id = $1 FOR UPDATE`, e.Rel.ID); err != nil {
		t.Fatalf("the other transaction lost the deadlock instead: %v", err)
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the call that lost the race: %v, want it run again and succeeding", err)
	}
	if !strings.Contains(logs.String(), "lost a race; running it again") {
		t.Fatalf("the call was not run again; log:\n%s", logs.String())
	}
	evs := okEvents(t, e, head, "note.create", "")
	if len(evs) != 1 || evs[0].ResourceID != note.ID {
		t.Fatalf("note.create events after the retry: %+v, want exactly one, of note %s", evs, note.ID)
	}
	count := 0
	for _, n := range must[[]*service.NoteView](t)(e.Svc.ListNotes(ctx, e.As("alice"), e.Rel.ID, service.NoteFilter{Limit: 500})) {
		if n.Body.Reveal() == "written once" {
			count++
		}
	}
	if count != 1 {
		t.Fatalf("%d copies of the note, want 1", count)
	}
	verifyChain(t, e)
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

// racyStore is a store whose commits lose a race (ErrLostRace) while lose
// is above zero, counting the transactions begun.
type racyStore struct {
	mentorvault.Store
	mu           sync.Mutex
	lose, begins int
}

func (s *racyStore) BeginTx(ctx context.Context) (mentorvault.Tx, error) {
	tx, err := s.Store.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.begins++
	s.mu.Unlock()
	return &racyTx{Tx: tx, s: s}, nil
}

type racyTx struct {
	mentorvault.Tx
	s *racyStore
}

func (tx *racyTx) Commit() error {
	tx.s.mu.Lock()
	lose := tx.s.lose > 0
	if lose {
		tx.s.lose--
	}
	tx.s.mu.Unlock()
	if lose {
		tx.Tx.Rollback()
		return fmt.Errorf("racyStore: %w", mentorvault.ErrLostRace)
	}
	return tx.Tx.Commit()
}

// TestLostRaceRetries runs calls whose transactions lose races: one that
// loses twice is run again until it commits, once; one that loses every time
// is given up after a few runs with a conflict that says to try again, and
// leaves nothing behind.
func TestLostRaceRetries(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		authz, err := policy.New()
		if err != nil {
			t.Fatal(err)
		}
		racy := &racyStore{Store: e.DB}
		svc, err := service.New(racy, authz, e.Keys, service.Options{PasswordParams: auth.TestParams, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		head := e.Head(t)
		racy.lose = 2
		n, err := svc.CreateNote(ctx, e.As("bob"), e.Rel.ID, "after two lost races", mentorvault.VisibilityShared)
		if err != nil {
			t.Fatalf("a call that lost twice: %v", err)
		}
		if racy.begins != 3 {
			t.Fatalf("%d transactions for a call that lost twice, want 3", racy.begins)
		}
		if evs := okEvents(t, e, head, "note.create", ""); len(evs) != 1 || evs[0].ResourceID != n.ID {
			t.Fatalf("note.create events: %+v, want one", evs)
		}

		head, racy.begins, racy.lose = e.Head(t), 0, 1000
		_, err = svc.CreateNote(ctx, e.As("bob"), e.Rel.ID, "never written", mentorvault.VisibilityShared)
		racy.lose = 0
		if mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !errors.Is(err, mentorvault.ErrLostRace) || !strings.Contains(mentorvault.ErrorMessage(err), "try again") {
			t.Fatalf("a call that always loses: %v, want a conflict saying to try again", err)
		}
		if racy.begins < 2 || racy.begins > 10 {
			t.Fatalf("%d transactions for a call that always loses, want a few", racy.begins)
		}
		if evs := e.Events(t, head); len(evs) != 0 {
			t.Fatalf("a call that never committed left audit events: %+v", evs)
		}
		verifyChain(t, e)
	})
}

// TestConcurrentSignAndEdit has the mentee sign the draft the mentor has
// signed while the mentor edits it: either the signature came first (the
// version is in force, the relationship active, every edit refused) or one
// edit did (the mentor's signature cleared, every signature of the old text
// refused): no version comes into force, and no signature stands, over a
// text its signer did not read.
func TestConcurrentSignAndEdit(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		tally := map[string]int{}
		for round := range 10 {
			rel := newPair(t, e)
			d := must[*service.VersionView](t)(e.Svc.StartDraft(ctx, e.As("frank"), rel.ID))
			must[*service.VersionView](t)(e.Svc.SignAgreement(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, demo.Password))
			errs := atOnce(opsWorkers, func(i int) error {
				if i%2 == 0 {
					_, err := e.Svc.SignAgreement(ctx, e.As("heidi"), rel.ID, d.ID, d.Hash, demo.Password)
					return err
				}
				// The signature checks the password first: the edits start
				// later and later over the rounds, to meet it at every point.
				time.Sleep(time.Duration(round) * 3 * time.Millisecond)
				terms := d.Terms
				terms.Expectations.CancellationNoticeHours = 24 + i
				_, err := e.Svc.UpdateDraft(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, terms)
				return err
			})
			var signs, edits []error
			for i, err := range errs {
				if i%2 == 0 {
					signs = append(signs, err)
				} else {
					edits = append(edits, err)
				}
			}
			signed := winners(t, round, "signature", signs, mentorvault.ECONFLICT)
			edited := winners(t, round, "edit", edits, mentorvault.ECONFLICT, mentorvault.EFORBIDDEN)
			if signed+edited != 1 {
				t.Fatalf("round %d: %d signatures and %d edits succeeded, want exactly one of them: %v", round, signed, edited, errs)
			}
			av := must[*service.AgreementView](t)(e.Svc.Agreement(ctx, e.As("frank"), rel.ID))
			st := status(t, e, rel.ID)
			switch {
			case signed == 1 && (av.InForce == nil || av.InForce.ID != d.ID || !bytes.Equal(av.InForce.Hash, d.Hash) || st != mentorvault.StatusActive):
				t.Fatalf("round %d: signed, and the relationship is %s with %+v in force", round, st, av.InForce)
			case edited == 1 && (av.InForce != nil || av.Draft == nil || bytes.Equal(av.Draft.Hash, d.Hash) || st != mentorvault.StatusAgreeing):
				t.Fatalf("round %d: edited, and the relationship is %s with %+v in force", round, st, av.InForce)
			}
			read(t, e, func(tx mentorvault.Tx) error {
				v, err := tx.FindAgreementVersionByID(ctx, d.ID)
				if err != nil {
					return err
				}
				sigs, err := tx.FindAgreementSignatures(ctx, d.ID)
				if err != nil {
					return err
				}
				for _, sig := range sigs {
					if !bytes.Equal(sig.Hash, v.Hash) {
						t.Fatalf("round %d: a signature over %x stands on a version whose text is %x", round, sig.Hash, v.Hash)
					}
				}
				if want := map[bool]int{true: 2, false: 0}[signed == 1]; len(sigs) != want {
					t.Fatalf("round %d: %d signatures, want %d", round, len(sigs), want)
				}
				return nil
			})
			tally[map[bool]string{true: "signed first", false: "edited first"}[signed == 1]]++
			if _, err := e.Svc.Transition(ctx, e.As("frank"), rel.ID, mentorvault.ActClose); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("outcomes over the rounds: %v", tally)
		verifyChain(t, e)
	})
}
