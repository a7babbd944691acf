package service_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// enrolCohort enrols the demo's engineering line in alice and bob's
// programme, as TestMatchSuggestions does: Leona (1 place), Quentin (2),
// Ursula (1) mentor; Yuki (managed by Quentin) and Zara (managed by Ursula)
// are mentees, with Heidi, the demo's waiting mentee.
func enrolCohort(t *testing.T, e *mvtest.Env) string {
	t.Helper()
	prog := e.Rel.ProgrammeID
	for _, x := range []struct {
		who      string
		role     mentorvault.EnrolmentRole
		capacity int
	}{{"leona", mentorvault.EnrolMentor, 1}, {"quentin", mentorvault.EnrolMentor, 2}, {"ursula", mentorvault.EnrolMentor, 1},
		{"yuki", mentorvault.EnrolMentee, 0}, {"zara", mentorvault.EnrolMentee, 0}} {
		in := service.EnrolmentInput{Role: x.role, Topics: []string{"Delegation"}, Goals: "Grow as a leader of engineers and learn delegation",
			Languages: []string{"English"}, TimeZone: "Europe/London", Availability: "Tuesday mornings", Capacity: x.capacity}
		if _, err := e.Svc.Enrol(ctx, e.As(x.who), prog, in); err != nil {
			t.Fatalf("enrol %s: %v", x.who, err)
		}
	}
	return prog
}

func pair(e *mvtest.Env, mentee, mentor string) service.MatchProposal {
	return service.MatchProposal{MenteeID: e.Users[mentee].ID, MentorID: e.Users[mentor].ID}
}

// TestProposeMatches: the coordinator proposes pairs in bulk; each hard
// rule is checked again at proposal time, pair by pair (a line manager, a
// mentor's places counted across the bulk proposal), with the reason for
// each refusal; each proposal waits for both people, who accept for
// themselves (one acceptance leaves it proposed; both make it accepted,
// and the agreement follows), and neither can withdraw it.
func TestProposeMatches(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		prog := enrolCohort(t, e)
		carol := e.As("carol")
		head := e.Head(t)
		// Ursula's one place, asked for twice in one bulk proposal.
		res, err := e.Svc.ProposeMatches(ctx, carol, prog, []service.MatchProposal{pair(e, "heidi", "ursula"), pair(e, "yuki", "ursula"), pair(e, "zara", "quentin")})
		if err != nil {
			t.Fatal(err)
		}
		if res.Proposed != 2 || res.Refused != 1 || len(res.Outcomes) != 3 {
			t.Fatalf("outcomes %+v", res)
		}
		if o := res.Outcomes[1]; o.Relationship != nil || !strings.Contains(o.Refused, "no place left") || o.Mentee.Name != e.Users["yuki"].Name {
			t.Fatalf("a mentor beyond her places: %+v", o)
		}
		m, zq := res.Outcomes[0].Relationship, res.Outcomes[2].Relationship.ID
		if m == nil || m.Status != mentorvault.StatusProposed || m.MatchedByID != e.Users["carol"].ID || m.ProposedByID != e.Users["carol"].ID ||
			m.MenteeID != e.Users["heidi"].ID || m.MentorID != e.Users["ursula"].ID || m.ExpiresAt == nil ||
			!m.ExpiresAt.Equal(m.CreatedAt.AddDate(0, 0, mentorvault.DefaultProposalExpiryDays)) {
			t.Fatalf("the match %+v", m)
		}
		for _, who := range []string{"heidi", "ursula"} {
			if n := notificationsOf(t, e, who, mentorvault.NotifyRelationshipMatched, m.ID); n != 1 {
				t.Fatalf("%s told %d times of the match", who, n)
			}
		}
		var proposes, bulk int
		for _, ev := range e.Events(t, head) {
			switch ev.Action {
			case "relationship.propose":
				proposes++
				if !strings.Contains(ev.Detail, "matched_by=coordinator") {
					t.Errorf("propose event %q", ev.Detail)
				}
			case "programme.match.propose":
				bulk++
				if !strings.HasSuffix(ev.Detail, "pairs=3; proposed=2; refused=1") {
					t.Errorf("bulk event %q", ev.Detail)
				}
			}
		}
		if proposes != 2 || bulk != 1 {
			t.Fatalf("%d propose events, %d bulk events", proposes, bulk)
		}

		// Hard rules at proposal time: Quentin is Yuki's line manager;
		// Heidi is proposed already.
		res, err = e.Svc.ProposeMatches(ctx, carol, prog, []service.MatchProposal{pair(e, "yuki", "quentin"), pair(e, "heidi", "leona")})
		if err != nil {
			t.Fatal(err)
		}
		if res.Proposed != 0 || !strings.Contains(res.Outcomes[0].Refused, "the mentee's line manager") || !strings.Contains(res.Outcomes[1].Refused, "already has a proposal") {
			t.Fatalf("second bulk: %+v", res.Outcomes)
		}

		// Both must accept; neither withdraws.
		if _, err := e.Svc.Transition(ctx, e.As("heidi"), m.ID, mentorvault.ActWithdraw); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("a party withdraws a match: %v", err)
		}
		v, err := e.Svc.Transition(ctx, e.As("heidi"), m.ID, mentorvault.ActAccept)
		if err != nil || v.Status != mentorvault.StatusProposed || v.MenteeAcceptedAt == nil || v.MentorAcceptedAt != nil {
			t.Fatalf("one acceptance: %v %+v", err, v)
		}
		if _, err := e.Svc.Transition(ctx, e.As("heidi"), m.ID, mentorvault.ActAccept); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("accepting twice: %v", err)
		}
		if n := notificationsOf(t, e, "ursula", mentorvault.NotifyMatchAnswered, m.ID); n != 1 {
			t.Fatalf("ursula told %d times of heidi's answer", n)
		}
		if n := notificationsOf(t, e, "carol", mentorvault.NotifyMatchAnswered, m.ID); n != 1 {
			t.Fatalf("carol told %d times of heidi's answer", n)
		}
		v, err = e.Svc.Transition(ctx, e.As("ursula"), m.ID, mentorvault.ActAccept)
		if err != nil || v.Status != mentorvault.StatusAccepted {
			t.Fatalf("both accept: %v %+v", err, v)
		}
		// The existing agreement flow follows.
		d, err := e.Svc.StartDraft(ctx, e.As("ursula"), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"ursula", "heidi"} {
			if _, err := e.Svc.SignAgreement(ctx, e.As(who), m.ID, d.ID, d.Hash, demo.Password); err != nil {
				t.Fatal(err)
			}
		}
		if st := status(t, e, m.ID); st != mentorvault.StatusActive {
			t.Fatalf("after both signed: %s", st)
		}

		// Zara declines hers: Quentin and Carol are told.
		if v, err := e.Svc.Transition(ctx, e.As("zara"), zq, mentorvault.ActDecline); err != nil || v.Status != mentorvault.StatusDeclined || v.EraseAt == nil {
			t.Fatalf("decline: %v %+v", err, v)
		}
		if n := notificationsOf(t, e, "quentin", mentorvault.NotifyMatchAnswered, zq); n != 1 {
			t.Fatalf("quentin told %d times", n)
		}

		// Bad input and who may not propose.
		if _, err := e.Svc.ProposeMatches(ctx, carol, prog, nil); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("no pairs: %v", err)
		}
		if _, err := e.Svc.ProposeMatches(ctx, carol, prog, []service.MatchProposal{pair(e, "zara", "quentin"), pair(e, "zara", "ursula")}); mentorvault.ErrorCode(err) != mentorvault.EINVALID ||
			mentorvault.ErrorFields(err)["pairs[1].mentee_id"] == "" {
			t.Fatalf("a mentee twice: %v", err)
		}
		if res, err := e.Svc.ProposeMatches(ctx, carol, prog, []service.MatchProposal{pair(e, "alice", "quentin")}); err != nil || res.Proposed != 0 ||
			!strings.Contains(res.Outcomes[0].Refused, "not enrolled as a mentee") {
			t.Fatalf("a member not enrolled: %v %+v", err, res)
		}
		for who, code := range map[string]string{"grace": mentorvault.EFORBIDDEN, "leona": mentorvault.EFORBIDDEN, "": mentorvault.EUNAUTHENTICATED} {
			p := mentorvault.Principal{}
			if who != "" {
				p = e.As(who)
			}
			head := e.Head(t)
			if _, err := e.Svc.ProposeMatches(ctx, p, prog, []service.MatchProposal{pair(e, "zara", "quentin")}); mentorvault.ErrorCode(err) != code {
				t.Errorf("%q: %v, want %s", who, err, code)
			}
			if evs := e.Events(t, head); len(evs) != 1 || evs[0].Outcome != mentorvault.OutcomeDenied {
				t.Errorf("%q: audit %+v", who, evs)
			}
		}
	})
}

// TestMenteePick: a mentee sees their top suggestions and picks one only
// where the programme lets mentees pick; the pick is the mentee's own
// proposal, which the mentor accepts, and expires like any.
func TestMenteePick(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		prog := enrolCohort(t, e)
		heidi := e.As("heidi")
		if _, err := e.Svc.MenteeSuggestions(ctx, heidi, prog); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("suggestions where mentees do not pick: %v", err)
		}
		if _, err := e.Svc.PickMentor(ctx, heidi, prog, e.Users["leona"].ID); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("a pick where mentees do not pick: %v", err)
		}
		pv, err := e.Svc.Programme(ctx, e.As("carol"), prog)
		if err != nil {
			t.Fatal(err)
		}
		st := pv.Settings
		st.MenteesPick, st.ProposalExpiryDays = true, 10
		if _, err := e.Svc.UpdateProgrammeSettings(ctx, e.As("carol"), prog, st); err != nil {
			t.Fatal(err)
		}
		st.ProposalExpiryDays = 91
		if _, err := e.Svc.UpdateProgrammeSettings(ctx, e.As("carol"), prog, st); mentorvault.ErrorFields(err)["proposal_expiry_days"] == "" {
			t.Fatalf("91 days: %v", err)
		}
		if _, err := e.Svc.MenteeSuggestions(ctx, e.As("leona"), prog); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("a mentor's suggestions: %v", err)
		}
		if _, err := e.Svc.MenteeSuggestions(ctx, e.As("ivan"), prog); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Fatalf("suggestions of someone not enrolled: %v", err)
		}
		picks, err := e.Svc.MenteeSuggestions(ctx, e.As("yuki"), prog)
		if err != nil {
			t.Fatal(err)
		}
		if len(picks.Picks) == 0 || len(picks.Picks) > 3 {
			t.Fatalf("yuki's picks %+v", picks)
		}
		for _, pk := range picks.Picks {
			if pk.Mentor.ID == e.Users["quentin"].ID || pk.Mentor.ID == e.Users["leona"].ID {
				t.Fatalf("yuki is offered someone up her management chain: %s", pk.Mentor.Name)
			}
			for _, r := range pk.Reasons {
				if strings.Contains(r, "senior") || strings.Contains(r, "no ") {
					t.Fatalf("a reason that is not about what they share: %q", r)
				}
			}
		}
		if _, err := e.Svc.PickMentor(ctx, e.As("yuki"), prog, e.Users["quentin"].ID); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("yuki picks her line manager: %v", err)
		}
		head := e.Head(t)
		v, err := e.Svc.PickMentor(ctx, e.As("yuki"), prog, picks.Picks[0].Mentor.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != mentorvault.StatusProposed || v.ProposedByID != e.Users["yuki"].ID || v.Matched() || v.ExpiresAt == nil ||
			!v.ExpiresAt.Equal(v.CreatedAt.AddDate(0, 0, 10)) {
			t.Fatalf("the pick %+v", v)
		}
		evs := e.Events(t, head)
		if len(evs) == 0 || evs[len(evs)-1].Action != "relationship.propose" || !strings.Contains(evs[len(evs)-1].Detail, "picked=1") {
			t.Fatalf("audit %+v", evs)
		}
		if _, err := e.Svc.PickMentor(ctx, e.As("yuki"), prog, picks.Picks[0].Mentor.ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("a second pick: %v", err)
		}
		again, err := e.Svc.MenteeSuggestions(ctx, e.As("yuki"), prog)
		if err != nil || len(again.Picks) != 0 || again.Waiting == nil || again.Waiting.ID != v.ID {
			t.Fatalf("after the pick: %v %+v", err, again)
		}
		mentor := ""
		for k, u := range e.Users {
			if u.ID == v.MentorID {
				mentor = k
			}
		}
		if n := notificationsOf(t, e, mentor, mentorvault.NotifyRelationshipProposed, v.ID); n != 1 {
			t.Fatalf("the mentor told %d times", n)
		}
		if v, err := e.Svc.Transition(ctx, e.As(mentor), v.ID, mentorvault.ActAccept); err != nil || v.Status != mentorvault.StatusAccepted {
			t.Fatalf("the mentor accepts: %v", err)
		}
	})
}

// TestProposalExpiry: an unanswered proposal expires on its date, once,
// even with two instances running the job at the same moment: it is
// withdrawn with ExpiredAt set and its erasure scheduled, and both parties
// and the coordinator who matched them are told once.
func TestProposalExpiry(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		clk := newTicker(e)
		t0 := clk.Now()
		prog := enrolCohort(t, e)
		res, err := e.Svc.ProposeMatches(ctx, e.As("carol"), prog, []service.MatchProposal{pair(e, "heidi", "leona"), pair(e, "zara", "quentin")})
		if err != nil || res.Proposed != 2 {
			t.Fatalf("%v %+v", err, res)
		}
		m, answered := res.Outcomes[0].Relationship, res.Outcomes[1].Relationship
		if _, err := e.Svc.Transition(ctx, e.As("heidi"), m.ID, mentorvault.ActAccept); err != nil { // one answer is not both
			t.Fatal(err)
		}
		for _, who := range []string{"zara", "quentin"} {
			if _, err := e.Svc.Transition(ctx, e.As(who), answered.ID, mentorvault.ActAccept); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Svc.ScheduleExpiry(ctx); err != nil {
			t.Fatal(err)
		}
		other := newService(t, e, e.DB)
		if err := other.ScheduleExpiry(ctx); err != nil {
			t.Fatal(err)
		}
		run := func(at time.Time) {
			t.Helper()
			clk.set(at, 0)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, svc := range []*service.Service{e.Svc, other} {
				wg.Go(func() { _, errs[i] = svc.RunDueJobs(ctx) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		head := e.Head(t)
		run(t0.Add(time.Hour))
		if st := status(t, e, m.ID); st != mentorvault.StatusProposed {
			t.Fatalf("before its date: %s", st)
		}
		run(t0.AddDate(0, 0, mentorvault.DefaultProposalExpiryDays).Add(time.Hour))
		run(t0.AddDate(0, 0, mentorvault.DefaultProposalExpiryDays).Add(2 * time.Hour))
		v, err := e.Svc.Relationship(ctx, e.As("carol"), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != mentorvault.StatusWithdrawn || v.ExpiredAt == nil || v.EraseAt == nil || v.EndedAt == nil {
			t.Fatalf("expired: %+v", v.Relationship)
		}
		if st := status(t, e, answered.ID); st != mentorvault.StatusAccepted {
			t.Fatalf("an accepted match expired: %s", st)
		}
		for _, who := range []string{"heidi", "leona", "carol"} {
			if n := notificationsOf(t, e, who, mentorvault.NotifyProposalExpired, m.ID); n != 1 {
				t.Fatalf("%s told %d times of the expiry", who, n)
			}
		}
		n := 0
		for _, ev := range e.Events(t, head) {
			if ev.Action == "relationship.expire" && ev.RelationshipID == m.ID {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d expiry events", n)
		}
		// Expired, it holds no place: Leona may be matched again.
		res, err = e.Svc.ProposeMatches(ctx, e.As("carol"), prog, []service.MatchProposal{pair(e, "heidi", "leona")})
		if err != nil || res.Proposed != 1 {
			t.Fatalf("after the expiry: %v %+v", err, res.Outcomes)
		}
	})
}

// TestConcurrentMatchProposals: two bulk proposals at the same moment for
// Ursula's one place (Heidi's and Yuki's) take it once: the programme's
// lock orders them, and the second is refused with the reason.
func TestConcurrentMatchProposals(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		prog := enrolCohort(t, e)
		for round := range 3 {
			var wg sync.WaitGroup
			results := make([]*service.MatchProposals, 2)
			errs := make([]error, 2)
			for i, mentee := range []string{"heidi", "yuki"} {
				wg.Go(func() {
					results[i], errs[i] = e.Svc.ProposeMatches(ctx, e.As("carol"), prog, []service.MatchProposal{pair(e, mentee, "ursula")})
				})
			}
			wg.Wait()
			proposed := 0
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				proposed += results[i].Proposed
				if results[i].Proposed == 0 && !strings.Contains(results[i].Outcomes[0].Refused, "no place left") {
					t.Fatalf("round %d: refused for %q", round, results[i].Outcomes[0].Refused)
				}
			}
			if proposed != 1 {
				t.Fatalf("round %d: %d proposals for one place", round, proposed)
			}
			// Free the place again: the coordinator ends the proposal.
			for _, r := range results {
				if r.Proposed == 1 {
					if _, err := e.Svc.EndRelationship(ctx, e.As("carol"), r.Outcomes[0].Relationship.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	})
}
