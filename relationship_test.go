package mentorvault_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
)

func TestLifecycle(t *testing.T) {
	const mentor, mentee, outsider, coordinator = "m1", "m2", "x", "c"
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	type rel = mentorvault.Relationship
	matched := func(r *rel) { r.ProgrammeID, r.MatchedByID, r.ProposedByID = "p", coordinator, coordinator }
	acceptedBy := func(id string) func(*rel) {
		return func(r *rel) {
			t := now.Add(-time.Hour)
			if id == r.MentorID {
				r.MentorAcceptedAt = &t
			} else {
				r.MenteeAcceptedAt = &t
			}
		}
	}
	mk := func(st mentorvault.RelationshipStatus, mutate ...func(*rel)) rel {
		r := rel{ID: "r", Kind: mentorvault.KindMentoring, MentorID: mentor, MenteeID: mentee, ProposedByID: mentee, Status: st}
		for _, f := range mutate {
			f(&r)
		}
		return r
	}
	for _, tc := range []struct {
		name   string
		from   rel
		action mentorvault.LifecycleAction
		actor  string
		want   mentorvault.RelationshipStatus // "" = refused
		code   string
	}{
		{"invitee accepts", mk(mentorvault.StatusProposed), mentorvault.ActAccept, mentor, mentorvault.StatusAccepted, ""},
		{"proposer cannot accept own proposal", mk(mentorvault.StatusProposed), mentorvault.ActAccept, mentee, "", mentorvault.EFORBIDDEN},
		{"invitee declines", mk(mentorvault.StatusProposed), mentorvault.ActDecline, mentor, mentorvault.StatusDeclined, ""},
		{"proposer cannot decline", mk(mentorvault.StatusProposed), mentorvault.ActDecline, mentee, "", mentorvault.EFORBIDDEN},
		{"proposer withdraws", mk(mentorvault.StatusProposed), mentorvault.ActWithdraw, mentee, mentorvault.StatusWithdrawn, ""},
		{"invitee cannot withdraw a proposal", mk(mentorvault.StatusProposed), mentorvault.ActWithdraw, mentor, "", mentorvault.EFORBIDDEN},
		{"either withdraws while accepted", mk(mentorvault.StatusAccepted), mentorvault.ActWithdraw, mentor, mentorvault.StatusWithdrawn, ""},
		{"pause active", mk(mentorvault.StatusActive), mentorvault.ActPause, mentor, mentorvault.StatusPaused, ""},
		{"cannot pause paused", mk(mentorvault.StatusPaused), mentorvault.ActPause, mentor, "", mentorvault.ECONFLICT},
		{"resume paused", mk(mentorvault.StatusPaused), mentorvault.ActResume, mentee, mentorvault.StatusActive, ""},
		{"cannot resume active", mk(mentorvault.StatusActive), mentorvault.ActResume, mentee, "", mentorvault.ECONFLICT},
		{"close active", mk(mentorvault.StatusActive), mentorvault.ActClose, mentee, mentorvault.StatusClosed, ""},
		{"close paused", mk(mentorvault.StatusPaused), mentorvault.ActClose, mentor, mentorvault.StatusClosed, ""},
		{"close while agreeing", mk(mentorvault.StatusAgreeing), mentorvault.ActClose, mentor, mentorvault.StatusClosed, ""},
		{"cannot close a proposal (withdraw or decline it)", mk(mentorvault.StatusProposed), mentorvault.ActClose, mentor, "", mentorvault.ECONFLICT},
		{"cannot reopen closed", mk(mentorvault.StatusClosed), mentorvault.ActResume, mentor, "", mentorvault.ECONFLICT},
		{"cannot accept closed", mk(mentorvault.StatusClosed), mentorvault.ActAccept, mentor, "", mentorvault.ECONFLICT},
		{"cannot withdraw active", mk(mentorvault.StatusActive), mentorvault.ActWithdraw, mentor, "", mentorvault.ECONFLICT},
		{"cannot accept declined", mk(mentorvault.StatusDeclined), mentorvault.ActAccept, mentor, "", mentorvault.ECONFLICT},
		{"outsider refused", mk(mentorvault.StatusActive), mentorvault.ActPause, outsider, "", mentorvault.EFORBIDDEN},
		{"unknown action", mk(mentorvault.StatusActive), "explode", mentor, "", mentorvault.EINVALID},
		{"one party accepting a match leaves it proposed", mk(mentorvault.StatusProposed, matched), mentorvault.ActAccept, mentor, mentorvault.StatusProposed, ""},
		{"the second acceptance of a match accepts it", mk(mentorvault.StatusProposed, matched, acceptedBy(mentor)), mentorvault.ActAccept, mentee, mentorvault.StatusAccepted, ""},
		{"a party cannot accept a match twice", mk(mentorvault.StatusProposed, matched, acceptedBy(mentor)), mentorvault.ActAccept, mentor, "", mentorvault.ECONFLICT},
		{"either party declines a match", mk(mentorvault.StatusProposed, matched), mentorvault.ActDecline, mentee, mentorvault.StatusDeclined, ""},
		{"a party who accepted a match can still decline it", mk(mentorvault.StatusProposed, matched, acceptedBy(mentor)), mentorvault.ActDecline, mentor, mentorvault.StatusDeclined, ""},
		{"neither party withdraws a match", mk(mentorvault.StatusProposed, matched), mentorvault.ActWithdraw, mentee, "", mentorvault.EFORBIDDEN},
		{"the coordinator is no party to the lifecycle", mk(mentorvault.StatusProposed, matched), mentorvault.ActAccept, coordinator, "", mentorvault.EFORBIDDEN},
		{"either withdraws an accepted match", mk(mentorvault.StatusAccepted, matched), mentorvault.ActWithdraw, mentee, mentorvault.StatusWithdrawn, ""},
		{"agreeing is not a user action", mk(mentorvault.StatusAccepted), "agree", mentor, "", mentorvault.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.from
			before := r
			err := r.Apply(tc.action, tc.actor, now)
			if tc.want == "" {
				if got := mentorvault.ErrorCode(err); got != tc.code {
					t.Fatalf("error code = %q (%v), want %q", got, err, tc.code)
				}
				if mentorvault.ErrorMessage(err) == "" {
					t.Fatal("refusal without a message")
				}
				if r.Status != before.Status {
					t.Fatalf("status changed to %s on a refused transition", r.Status)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if r.Status != tc.want {
				t.Fatalf("status = %s, want %s", r.Status, tc.want)
			}
			if !r.UpdatedAt.Equal(now) {
				t.Fatal("UpdatedAt not set")
			}
			switch tc.want {
			case mentorvault.StatusClosed, mentorvault.StatusDeclined, mentorvault.StatusWithdrawn:
				if r.EndedAt == nil {
					t.Fatal("EndedAt not set")
				}
			}
		})
	}
}

func TestListedStatuses(t *testing.T) {
	listed := map[mentorvault.RelationshipStatus]bool{mentorvault.StatusAccepted: true, mentorvault.StatusAgreeing: true, mentorvault.StatusActive: true, mentorvault.StatusPaused: true}
	for _, s := range []mentorvault.RelationshipStatus{mentorvault.StatusProposed, mentorvault.StatusAccepted, mentorvault.StatusAgreeing, mentorvault.StatusActive,
		mentorvault.StatusPaused, mentorvault.StatusClosed, mentorvault.StatusDeclined, mentorvault.StatusWithdrawn} {
		if s.Listed() != listed[s] {
			t.Errorf("%s.Listed() = %v", s, s.Listed())
		}
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := mentorvault.NewSecret("the mentee is thinking of resigning")
	for _, got := range []string{s.String(), s.GoString()} {
		if got != mentorvault.Redacted {
			t.Errorf("printed %q", got)
		}
	}
	b, _ := s.MarshalJSON()
	if string(b) != `"[sealed]"` {
		t.Errorf("JSON %s", b)
	}
	if s.Reveal() != "the mentee is thinking of resigning" {
		t.Error("Reveal lost the text")
	}
}

func TestValidateNoteInput(t *testing.T) {
	for _, tc := range []struct {
		body string
		vis  mentorvault.Visibility
		ok   bool
	}{
		{"hello", mentorvault.VisibilityShared, true},
		{"hello", mentorvault.VisibilityPrivate, true},
		{"  \n", mentorvault.VisibilityShared, false},
		{"hello", "public", false},
		{"bad \xff utf8", mentorvault.VisibilityShared, false},
		{"nul \x00", mentorvault.VisibilityShared, false},
		{string(make([]byte, mentorvault.MaxNoteBytes+1)), mentorvault.VisibilityShared, false},
	} {
		err := mentorvault.ValidateNoteInput(tc.body, tc.vis)
		if (err == nil) != tc.ok || (err != nil && mentorvault.ErrorCode(err) != mentorvault.EINVALID) {
			t.Errorf("ValidateNoteInput(%.20q, %q) = %v", tc.body, tc.vis, err)
		}
	}
}

func TestActivateBySignatures(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	m1, m2 := now.Add(-2*time.Hour), now.Add(-time.Hour)
	for _, tc := range []struct {
		from mentorvault.RelationshipStatus
		want mentorvault.RelationshipStatus
		ok   bool
	}{
		{mentorvault.StatusAccepted, mentorvault.StatusActive, true},
		{mentorvault.StatusAgreeing, mentorvault.StatusActive, true},
		{mentorvault.StatusActive, mentorvault.StatusActive, true}, // amendment
		{mentorvault.StatusPaused, mentorvault.StatusPaused, true}, // amendment while paused
		{mentorvault.StatusProposed, mentorvault.StatusProposed, false},
		{mentorvault.StatusClosed, mentorvault.StatusClosed, false},
	} {
		r := mentorvault.Relationship{Status: tc.from}
		err := r.Activate(m1, m2, now)
		if (err == nil) != tc.ok || r.Status != tc.want {
			t.Errorf("Activate from %s: %v, status %s", tc.from, err, r.Status)
		}
		if tc.ok && (r.MentorAgreedAt == nil || !r.MentorAgreedAt.Equal(m1) || !r.MenteeAgreedAt.Equal(m2)) {
			t.Errorf("Activate from %s did not record the signatures", tc.from)
		}
		if tc.ok && tc.from != mentorvault.StatusActive && tc.from != mentorvault.StatusPaused && (r.StartedAt == nil || !r.StartedAt.Equal(now)) {
			t.Errorf("Activate from %s did not record the start", tc.from)
		}
	}
	r := mentorvault.Relationship{Status: mentorvault.StatusAccepted}
	r.StartAgreeing(now)
	if r.Status != mentorvault.StatusAgreeing {
		t.Errorf("StartAgreeing: %s", r.Status)
	}
	r = mentorvault.Relationship{Status: mentorvault.StatusActive}
	r.StartAgreeing(now)
	if r.Status != mentorvault.StatusActive {
		t.Errorf("StartAgreeing on an active relationship changed it to %s", r.Status)
	}
}

func TestLifecycleOffers(t *testing.T) {
	const mentor, mentee = "m1", "m2"
	A := func(as ...mentorvault.LifecycleAction) []mentorvault.LifecycleAction { return as }
	for _, tc := range []struct {
		status mentorvault.RelationshipStatus
		actor  string
		want   []mentorvault.LifecycleAction
		match  string // "", "matched" (by coordinator c), "matched, mentor accepted"
	}{
		{mentorvault.StatusProposed, mentor, A(mentorvault.ActAccept, mentorvault.ActDecline), ""},
		{mentorvault.StatusProposed, mentee, A(mentorvault.ActWithdraw), ""},
		{mentorvault.StatusAccepted, mentor, A(mentorvault.ActWithdraw), ""},
		{mentorvault.StatusAgreeing, mentee, A(mentorvault.ActWithdraw), ""},
		{mentorvault.StatusActive, mentor, A(mentorvault.ActPause, mentorvault.ActClose), ""},
		{mentorvault.StatusPaused, mentee, A(mentorvault.ActResume, mentorvault.ActClose), ""},
		{mentorvault.StatusClosed, mentor, nil, ""},
		{mentorvault.StatusActive, "x", nil, ""},
		{mentorvault.StatusProposed, mentor, A(mentorvault.ActAccept, mentorvault.ActDecline), "matched"},
		{mentorvault.StatusProposed, mentee, A(mentorvault.ActAccept, mentorvault.ActDecline), "matched"},
		{mentorvault.StatusProposed, mentor, A(mentorvault.ActDecline), "matched, mentor accepted"},
		{mentorvault.StatusProposed, mentee, A(mentorvault.ActAccept, mentorvault.ActDecline), "matched, mentor accepted"},
		{mentorvault.StatusProposed, "c", nil, "matched"},
		{mentorvault.StatusAccepted, mentee, A(mentorvault.ActWithdraw), "matched"},
	} {
		r := mentorvault.Relationship{ID: "r", Kind: mentorvault.KindMentoring, MentorID: mentor, MenteeID: mentee, ProposedByID: mentee, Status: tc.status}
		if strings.HasPrefix(tc.match, "matched") {
			r.ProgrammeID, r.MatchedByID, r.ProposedByID = "p", "c", "c"
		}
		if strings.HasSuffix(tc.match, "mentor accepted") {
			t := time.Now()
			r.MentorAcceptedAt = &t
		}
		got := r.Offers(tc.actor)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s, %s %s: Offers = %v, want %v", tc.status, tc.actor, tc.match, got, tc.want)
		}
		for _, a := range mentorvault.LifecycleActions {
			c := r
			if r.CanApply(a, tc.actor) != (c.Apply(a, tc.actor, time.Now()) == nil) {
				t.Errorf("%s, %s, %s: CanApply disagrees with Apply", tc.status, tc.actor, a)
			}
		}
	}
}

func TestMatchValidateAndExpire(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	base := mentorvault.Relationship{ID: "r", Kind: mentorvault.KindMentoring, MentorID: "m1", MenteeID: "m2", ProgrammeID: "p",
		ProposedByID: "c", MatchedByID: "c", Status: mentorvault.StatusProposed}
	if err := base.Validate(); err != nil {
		t.Fatalf("a coordinator's match is refused: %v", err)
	}
	for name, mutate := range map[string]func(*mentorvault.Relationship){
		"proposer is not the matcher":    func(r *mentorvault.Relationship) { r.ProposedByID = "m1" },
		"the matcher is one of the pair": func(r *mentorvault.Relationship) { r.MatchedByID, r.ProposedByID = "m1", "m1" },
		"a match outside a programme":    func(r *mentorvault.Relationship) { r.ProgrammeID = "" },
		"an outsider proposes":           func(r *mentorvault.Relationship) { r.MatchedByID = "" },
	} {
		r := base
		mutate(&r)
		if got := mentorvault.ErrorCode(r.Validate()); got != mentorvault.EINVALID {
			t.Errorf("%s: Validate = %q, want invalid", name, got)
		}
	}

	r := base
	exp := now.Add(time.Hour)
	r.ExpiresAt = &exp
	if r.ExpiryDue(now) || r.Expire(now) == nil {
		t.Fatal("a proposal expired before its date")
	}
	later := now.Add(2 * time.Hour)
	if err := r.Expire(later); err != nil {
		t.Fatal(err)
	}
	if r.Status != mentorvault.StatusWithdrawn || r.ExpiredAt == nil || r.EndedAt == nil {
		t.Fatalf("expired: status %s, expired %v, ended %v", r.Status, r.ExpiredAt, r.EndedAt)
	}
	if r.Expire(later) == nil {
		t.Fatal("a proposal expired twice")
	}
	accepted := base
	accepted.ExpiresAt, accepted.Status = &exp, mentorvault.StatusAccepted
	if accepted.ExpiryDue(later) {
		t.Fatal("an accepted relationship expires")
	}
}
