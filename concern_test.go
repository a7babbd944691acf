package mentorvault_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
)

func TestDisclosureStateMachine(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	effective := t0.Add(72 * time.Hour)
	type step struct {
		op   string // "withdraw" or "deliver"
		at   time.Time
		want mentorvault.DisclosureState
		code string
	}
	for _, tc := range []struct {
		name  string
		from  mentorvault.DisclosureState
		steps []step
	}{
		{"notice delivered at its time", mentorvault.DisclosureScheduled, []step{
			{"deliver", effective.Add(-time.Second), mentorvault.DisclosureScheduled, mentorvault.ECONFLICT},
			{"deliver", effective, mentorvault.DisclosureDelivered, ""},
			{"deliver", effective.Add(time.Hour), mentorvault.DisclosureDelivered, mentorvault.ECONFLICT},
		}},
		{"withdrawn within the notice period", mentorvault.DisclosureScheduled, []step{
			{"withdraw", t0.Add(24 * time.Hour), mentorvault.DisclosureWithdrawn, ""},
			{"deliver", effective, mentorvault.DisclosureWithdrawn, mentorvault.ECONFLICT},
		}},
		{"too late to withdraw", mentorvault.DisclosureScheduled, []step{
			{"withdraw", effective, mentorvault.DisclosureScheduled, mentorvault.ECONFLICT},
		}},
		{"delivered cannot be withdrawn", mentorvault.DisclosureDelivered, []step{
			{"withdraw", t0, mentorvault.DisclosureDelivered, mentorvault.ECONFLICT},
		}},
		{"a plan awaiting signatures can be withdrawn", mentorvault.DisclosureAwaitingSignatures, []step{
			{"deliver", effective, mentorvault.DisclosureAwaitingSignatures, mentorvault.ECONFLICT},
			{"withdraw", effective.Add(time.Hour), mentorvault.DisclosureWithdrawn, ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &mentorvault.Disclosure{State: tc.from, EffectiveAt: effective}
			for i, s := range tc.steps {
				var err error
				if s.op == "withdraw" {
					err = d.Withdraw(s.at)
				} else {
					err = d.Deliver(s.at)
				}
				if mentorvault.ErrorCode(err) != s.code || d.State != s.want {
					t.Fatalf("step %d %s at %s: %v, state %s; want %q, %s", i, s.op, s.at, err, d.State, s.code, s.want)
				}
			}
		})
	}
}

func TestEarliestEffective(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if got := mentorvault.EarliestEffective(now, 72, false); !got.Equal(now.Add(72 * time.Hour)) {
		t.Fatalf("72h notice: %s", got)
	}
	if got := mentorvault.EarliestEffective(now, 72, true); !got.Equal(now) {
		t.Fatalf("imminent danger: %s", got)
	}
}

func TestConcernOutcome(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		from mentorvault.ConcernStatus
		to   mentorvault.ConcernStatus
		code string
	}{
		{mentorvault.ConcernOpen, mentorvault.ConcernResolved, ""},
		{mentorvault.ConcernOpen, mentorvault.ConcernDisclosed, ""},
		{mentorvault.ConcernOpen, mentorvault.ConcernWithdrawn, ""},
		{mentorvault.ConcernOpen, "forgotten", mentorvault.EINVALID},
		{mentorvault.ConcernOpen, mentorvault.ConcernOpen, mentorvault.EINVALID},
		{mentorvault.ConcernResolved, mentorvault.ConcernDisclosed, mentorvault.ECONFLICT},
	} {
		c := &mentorvault.Concern{Status: tc.from}
		err := c.Close(tc.to, now)
		if mentorvault.ErrorCode(err) != tc.code || (tc.code == "" && (c.Status != tc.to || c.ClosedAt == nil)) {
			t.Errorf("%s → %s: %v (status %s)", tc.from, tc.to, err, c.Status)
		}
	}
	for cat, want := range map[mentorvault.ConcernCategory]mentorvault.ExceptionKind{
		mentorvault.ConcernDangerToMentee: mentorvault.ExcDutyOfCare, mentorvault.ConcernDangerToOthers: mentorvault.ExcDutyOfCare,
		mentorvault.ConcernTheft: mentorvault.ExcDutyInLaw, mentorvault.ConcernTradeSecrets: mentorvault.ExcDutyInLaw,
		mentorvault.ConcernUnlawful: mentorvault.ExcDutyInLaw, mentorvault.ConcernHarmToOrg: mentorvault.ExcDutyToOrg,
	} {
		if got := mentorvault.ExceptionsFor(cat); len(got) != 1 || got[0] != want {
			t.Errorf("ExceptionsFor(%s) = %v", cat, got)
		}
	}
	if got := mentorvault.ExceptionsFor(mentorvault.ConcernOther); len(got) != 0 {
		t.Errorf("other: %v", got)
	}
}

// TestDisclosureSigning checks that CanSign answers as Sign decides: a plan
// awaiting signatures takes each party's signature once, and nothing else
// is signed.
func TestDisclosureSigning(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	rel := &mentorvault.Relationship{MentorID: "mentor", MenteeID: "mentee"}
	d := &mentorvault.Disclosure{Kind: mentorvault.DisclosurePlan, State: mentorvault.DisclosureAwaitingSignatures}
	for i, s := range []struct {
		who  string
		both bool
		code string
	}{
		{"mentor", false, ""},
		{"mentor", false, mentorvault.ECONFLICT},
		{"mentee", true, ""},
		{"mentee", false, mentorvault.ECONFLICT},
	} {
		can := d.CanSign(rel, s.who)
		both, err := d.Sign(rel, s.who, now)
		if mentorvault.ErrorCode(err) != s.code || both != s.both || can != (s.code == "") || !d.SignedBy(rel, s.who) {
			t.Fatalf("step %d, %s signs: can %v, both %v, %v; want %q", i, s.who, can, both, err, s.code)
		}
	}
	for _, other := range []*mentorvault.Disclosure{
		{Kind: mentorvault.DisclosureNotice, State: mentorvault.DisclosureAwaitingSignatures},
		{Kind: mentorvault.DisclosurePlan, State: mentorvault.DisclosureScheduled},
		{Kind: mentorvault.DisclosurePlan, State: mentorvault.DisclosureWithdrawn},
	} {
		if _, err := other.Sign(rel, "mentor", now); other.CanSign(rel, "mentor") || mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || other.SignedBy(rel, "mentor") {
			t.Errorf("signing a %s %s: %v", other.State, other.Kind, err)
		}
	}
}

// TestDisclosureWithdrawable checks that CanWithdraw and Pending answer as
// Withdraw decides, and who may withdraw what.
func TestDisclosureWithdrawable(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	effective := t0.Add(72 * time.Hour)
	for _, tc := range []struct {
		state            mentorvault.DisclosureState
		at               time.Time
		pending, canDraw bool
	}{
		{mentorvault.DisclosureAwaitingSignatures, effective.Add(time.Hour), true, true},
		{mentorvault.DisclosureScheduled, t0, true, true},
		{mentorvault.DisclosureScheduled, effective, true, false},
		{mentorvault.DisclosureDelivered, t0, false, false},
		{mentorvault.DisclosureWithdrawn, t0, false, false},
	} {
		d := &mentorvault.Disclosure{State: tc.state, EffectiveAt: effective}
		if d.Pending() != tc.pending || d.CanWithdraw(tc.at) != tc.canDraw {
			t.Errorf("%s at %s: pending %v, can withdraw %v", tc.state, tc.at, d.Pending(), d.CanWithdraw(tc.at))
		}
		if err := d.Withdraw(tc.at); (err == nil) != tc.canDraw {
			t.Errorf("%s at %s: CanWithdraw %v but Withdraw: %v", tc.state, tc.at, tc.canDraw, err)
		}
	}
	notice := &mentorvault.Disclosure{Kind: mentorvault.DisclosureNotice, DiscloserID: "filer"}
	plan := &mentorvault.Disclosure{Kind: mentorvault.DisclosurePlan, DiscloserID: "filer"}
	if !notice.MayBeWithdrawnBy("filer") || notice.MayBeWithdrawnBy("other") || !plan.MayBeWithdrawnBy("filer") || !plan.MayBeWithdrawnBy("other") {
		t.Error("a notice is withdrawn by its filer only, a plan by either party")
	}
	for st, open := range map[mentorvault.ConcernStatus]bool{mentorvault.ConcernOpen: true, mentorvault.ConcernResolved: false,
		mentorvault.ConcernDisclosed: false, mentorvault.ConcernWithdrawn: false} {
		if (&mentorvault.Concern{Status: st}).IsOpen() != open {
			t.Errorf("a %s concern: IsOpen %v", st, !open)
		}
	}
}
