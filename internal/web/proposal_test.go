package web

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// TestProposalState: each viewer of a proposal reads where it stands — who
// matched or proposed it, who accepted, whom it waits for, when it
// expires — and an expired one says so.
func TestProposalState(t *testing.T) {
	z := zone{time.UTC}
	exp := time.Date(2026, 12, 17, 9, 0, 0, 0, time.UTC)
	accepted := exp.AddDate(0, 0, -3)
	match := func() *service.RelationshipView {
		return &service.RelationshipView{Relationship: &mentorvault.Relationship{ID: "r", ProgrammeID: "p", Kind: mentorvault.KindMentoring,
			MentorID: "leona", MenteeID: "heidi", ProposedByID: "carol", MatchedByID: "carol", Status: mentorvault.StatusProposed, ExpiresAt: &exp},
			Mentor: service.Person{ID: "leona", Name: "Leona"}, Mentee: service.Person{ID: "heidi", Name: "Heidi"},
			MatchedBy: service.Person{ID: "carol", Name: "Carol"}, ProposedBy: service.Person{ID: "carol", Name: "Carol"}, ProgrammeName: "Leaders"}
	}
	v := match()
	for viewer, want := range map[string]string{
		"heidi": "Matched by Carol for the programme Leaders; waiting for both of you to accept. It expires unanswered on 17 Dec 2026.",
		"carol": "Matched by Carol for the programme Leaders; waiting for Leona and Heidi to accept. It expires unanswered on 17 Dec 2026.",
	} {
		if got := proposalState(v, viewer, z); got != want {
			t.Errorf("%s reads %q, want %q", viewer, got, want)
		}
	}
	v.MenteeAcceptedAt = &accepted
	for viewer, want := range map[string]string{
		"heidi": "Matched by Carol for the programme Leaders; you accepted, waiting for Leona.",
		"leona": "Matched by Carol for the programme Leaders; Heidi accepted, waiting for you.",
		"carol": "Matched by Carol for the programme Leaders; Heidi accepted, waiting for Leona.",
	} {
		if got := proposalState(v, viewer, z); !strings.HasPrefix(got, want) {
			t.Errorf("%s reads %q, want %q…", viewer, got, want)
		}
	}
	picked := match()
	picked.MatchedByID, picked.ProposedByID = "", "heidi"
	if got := proposalState(picked, "leona", z); !strings.HasPrefix(got, "Proposed by Heidi; waiting for you to accept.") {
		t.Errorf("the mentor of a pick reads %q", got)
	}
	if got := proposalState(picked, "heidi", z); !strings.HasPrefix(got, "Proposed by you; waiting for Leona to accept.") {
		t.Errorf("the mentee of a pick reads %q", got)
	}

	expired := match()
	ended := exp.Add(time.Hour)
	expired.Status, expired.EndedAt, expired.ExpiredAt = mentorvault.StatusWithdrawn, &ended, &ended
	if got := proposalState(expired, "heidi", z); got != "" {
		t.Errorf("an expired proposal still reads %q", got)
	}
	if e := endingPanelFor(expired, "heidi", z); e == nil || e.Closed != "Expired unanswered on 17 Dec 2026." {
		t.Errorf("the ending panel of an expired proposal: %+v", e)
	}
}
