package mentorvault_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
)

func TestStatementConsentPaths(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	window := 72 * time.Hour
	type op struct {
		do   string // edit, submit, submit-pre, approve, changes, refuse, due, withdraw
		at   time.Time
		want mentorvault.StatementState
		code string
	}
	apply := func(s *mentorvault.Statement, o op) error {
		switch o.do {
		case "edit":
			return s.Edit(o.at)
		case "submit":
			return s.Submit(false, window, o.at)
		case "submit-pre":
			return s.Submit(true, window, o.at)
		case "due":
			return s.ReleaseIfDue(o.at)
		case "withdraw":
			return s.Withdraw(o.at)
		}
		return s.Decide(o.do, o.at)
	}
	for _, tc := range []struct {
		name string
		ops  []op
	}{
		{"approve", []op{{"submit", t0, mentorvault.StatementAwaitingConsent, ""}, {"approve", t0, mentorvault.StatementReleased, ""}}},
		{"change request, then approve", []op{
			{"submit", t0, mentorvault.StatementAwaitingConsent, ""},
			{"edit", t0, mentorvault.StatementAwaitingConsent, mentorvault.ECONFLICT},
			{"changes", t0, mentorvault.StatementChangesRequested, ""},
			{"edit", t0, mentorvault.StatementDraft, ""},
			{"submit", t0, mentorvault.StatementAwaitingConsent, ""},
			{"approve", t0, mentorvault.StatementReleased, ""},
		}},
		{"refuse", []op{{"submit", t0, mentorvault.StatementAwaitingConsent, ""}, {"refuse", t0, mentorvault.StatementRefused, ""},
			{"approve", t0, mentorvault.StatementRefused, mentorvault.ECONFLICT}, {"edit", t0, mentorvault.StatementRefused, mentorvault.ECONFLICT}}},
		{"pre-authorised, released after the window", []op{
			{"submit-pre", t0, mentorvault.StatementPreAuthorised, ""},
			{"due", t0.Add(window - time.Second), mentorvault.StatementPreAuthorised, mentorvault.ECONFLICT},
			{"due", t0.Add(window), mentorvault.StatementReleased, ""},
		}},
		{"pre-authorised, objection within the window", []op{
			{"submit-pre", t0, mentorvault.StatementPreAuthorised, ""},
			{"refuse", t0.Add(window - time.Minute), mentorvault.StatementRefused, ""},
			{"due", t0.Add(window), mentorvault.StatementRefused, mentorvault.ECONFLICT},
		}},
		{"pre-authorised, objection too late", []op{
			{"submit-pre", t0, mentorvault.StatementPreAuthorised, ""},
			{"changes", t0.Add(window), mentorvault.StatementPreAuthorised, mentorvault.ECONFLICT},
		}},
		{"pre-authorised, approved early", []op{{"submit-pre", t0, mentorvault.StatementPreAuthorised, ""}, {"approve", t0.Add(time.Hour), mentorvault.StatementReleased, ""}}},
		{"withdrawal after release", []op{
			{"withdraw", t0, mentorvault.StatementDraft, mentorvault.ECONFLICT},
			{"submit", t0, mentorvault.StatementAwaitingConsent, ""},
			{"approve", t0, mentorvault.StatementReleased, ""},
			{"withdraw", t0.Add(time.Hour), mentorvault.StatementWithdrawn, ""},
			{"withdraw", t0.Add(time.Hour), mentorvault.StatementWithdrawn, mentorvault.ECONFLICT},
		}},
		{"unknown decision", []op{{"submit", t0, mentorvault.StatementAwaitingConsent, ""}, {"maybe", t0, mentorvault.StatementAwaitingConsent, mentorvault.EINVALID}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &mentorvault.Statement{State: mentorvault.StatementDraft}
			for i, o := range tc.ops {
				err := apply(s, o)
				if mentorvault.ErrorCode(err) != o.code || s.State != o.want {
					t.Fatalf("step %d %s: %v, state %s; want %q, %s", i, o.do, err, s.State, o.code, o.want)
				}
			}
			if s.State == mentorvault.StatementReleased && s.ReleasedAt == nil {
				t.Fatal("released without a time")
			}
		})
	}
}

// TestStatementStateChecks: what a statement's state allows (the pages'
// buttons) agrees with what its transitions accept.
func TestStatementStateChecks(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	for _, state := range []mentorvault.StatementState{mentorvault.StatementDraft, mentorvault.StatementAwaitingConsent,
		mentorvault.StatementChangesRequested, mentorvault.StatementPreAuthorised, mentorvault.StatementRefused,
		mentorvault.StatementReleased, mentorvault.StatementWithdrawn} {
		t.Run(string(state), func(t *testing.T) {
			st := func() *mentorvault.Statement { return &mentorvault.Statement{State: state, ReleaseAt: &later} }
			if got, want := st().Editable(), st().Edit(now) == nil; got != want {
				t.Errorf("Editable = %v, Edit accepts %v", got, want)
			}
			if got, want := st().Editable(), st().Submit(false, time.Hour, now) == nil; got != want {
				t.Errorf("Editable = %v, Submit accepts %v", got, want)
			}
			if got, want := st().Decidable(), st().Decide("refuse", now) == nil; got != want {
				t.Errorf("Decidable = %v, Decide accepts %v", got, want)
			}
			if got, want := st().Withdrawable(), st().Withdraw(now) == nil; got != want {
				t.Errorf("Withdrawable = %v, Withdraw accepts %v", got, want)
			}
			over := state == mentorvault.StatementRefused || state == mentorvault.StatementWithdrawn
			if st().InProgress() == over {
				t.Errorf("InProgress = %v", st().InProgress())
			}
		})
	}
	r := &mentorvault.InputRequest{Status: mentorvault.RequestOpen}
	if !r.Open() || r.Decline("", now) != nil || r.Open() || r.Decline("", now) == nil {
		t.Error("an open request declines once, then is no longer open")
	}
}

// TestThreeWayStateChecks: what a three-way meeting's state allows agrees
// with what Agree, Revise and Finish accept.
func TestThreeWayStateChecks(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	rel := &mentorvault.Relationship{MentorID: "m", MenteeID: "e"}
	for _, state := range []mentorvault.ThreeWayState{mentorvault.ThreeWayProposed, mentorvault.ThreeWayAgreed,
		mentorvault.ThreeWayHeld, mentorvault.ThreeWayCancelled} {
		t.Run(string(state), func(t *testing.T) {
			tw := func() *mentorvault.ThreeWayMeeting {
				return &mentorvault.ThreeWayMeeting{State: state, MenteeAgreedAt: &now, StartsAt: now}
			}
			if got, want := tw().AwaitsAgreement(), tw().Revise(rel, "m", now) == nil; got != want {
				t.Errorf("AwaitsAgreement = %v, Revise accepts %v", got, want)
			}
			for _, who := range []string{"m", "e"} {
				if got, want := tw().CanAgree(rel, who), tw().Agree(rel, who, now) == nil; got != want {
					t.Errorf("CanAgree(%s) = %v, Agree accepts %v", who, got, want)
				}
			}
			for _, to := range []mentorvault.ThreeWayState{mentorvault.ThreeWayHeld, mentorvault.ThreeWayCancelled, mentorvault.ThreeWayAgreed} {
				for _, at := range []time.Time{now, now.Add(-time.Hour), now.Add(time.Hour)} { // at, before and after its start
					if got, want := tw().CanFinish(to, at), tw().Finish(to, at) == nil; got != want {
						t.Errorf("CanFinish(%s, %s) = %v, Finish accepts %v", to, at, got, want)
					}
				}
				if state == mentorvault.ThreeWayAgreed && to == mentorvault.ThreeWayHeld && tw().CanFinish(to, now.Add(-time.Minute)) {
					t.Error("an agreed meeting can be marked held before it begins")
				}
			}
		})
	}
}
