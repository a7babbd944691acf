package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/match"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Matching suggests mentor–mentee pairs for a programme's enrolled people:
// every pair scored by the coordinator's weights under the hard rules, and
// the cohort assignment that maximises the total score (or the number
// matched) within mentors' capacities. It reads the same profiles the
// enrolment list shows, so it is decided as enrolment.list: the
// programme's coordinators only.

// MatchRequest is what a coordinator asks of the matcher.
type MatchRequest struct {
	Criteria  match.Criteria
	Objective match.Objective // match.MaxScore when ""
}

// SuggestedPair is a mentee with a mentor, its score and its reasons.
type SuggestedPair struct {
	Mentee, Mentor Person
	Percent        int
	Reasons        []string
}

// MenteeSuggestions is one mentee's place in the plan: the mentor the
// assignment gives them (nil for none), why none, and their best
// alternatives.
type MenteeSuggestions struct {
	Mentee       Person
	Assigned     *SuggestedPair
	Why          string // when Assigned is nil
	Alternatives []SuggestedPair
}

// MatchPlan is the suggestions for a programme's cohort.
type MatchPlan struct {
	Programme     *mentorvault.Programme
	Request       MatchRequest
	Mentees       []MenteeSuggestions
	Mentors       int // enrolled mentors
	SlotsLeft     int // mentor places still free before this plan
	Matched       int
	AverageScore  int // percent, over the matched pairs
	ForbiddenBy   map[string]int
	AlreadyPaired int // enrolled mentees already proposed or paired in the programme
	// MayPropose is whether Cedar lets the viewer propose the plan's pairs
	// (programme.match.propose).
	MayPropose bool
}

const matchAlternatives = 3

// MatchSuggestions scores and assigns a programme's enrolled mentees to
// its enrolled mentors. Mentees already in a listed relationship of the
// programme (or proposed in it) are left out, and each mentor's capacity
// counts the relationships they already hold in it. Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN or EINVALID (the criteria, or a peer programme).
func (s *Service) MatchSuggestions(ctx context.Context, p mentorvault.Principal, programmeID string, req MatchRequest) (*MatchPlan, error) {
	if req.Objective == "" {
		req.Objective = match.MaxScore
	}
	bad := req.Criteria.Validate()
	if req.Objective != match.MaxScore && req.Objective != match.MaxMatched {
		bad["objective"] = `must be "score" or "matched"`
	}
	if len(bad) > 0 {
		return nil, mentorvault.Invalid("the matching criteria are not valid", bad)
	}
	var out *MatchPlan
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.resolve(ctx, tx, p, policy.ListEnrolments)
		if err != nil {
			return err
		}
		if !mentorvault.ValidID(programmeID) {
			return mentorvault.Errorf(mentorvault.ENOTFOUND, "programme not found")
		}
		prog, err := tx.FindProgrammeByID(ctx, programmeID)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, tx, a, policy.ListEnrolments, progResource(prog), progTarget(prog), s.unless(ctx, a, policy.ViewProgramme, progResource(prog))); err != nil {
			return err
		}
		out, err = s.matchPlan(ctx, tx, prog, req)
		if err != nil {
			return err
		}
		out.MayPropose = s.may(ctx, a, policy.ProposeMatches, progResource(prog))
		return s.record(ctx, tx, a, "programme.match", progTarget(prog), fmt.Sprintf("objective=%s; mentees=%d; mentors=%d; matched=%d",
			req.Objective, len(out.Mentees), out.Mentors, out.Matched))
	})
	return out, err
}

// cohort is what matching reads of a programme: its enrolled, active
// mentees and mentors with their people, the management chain, and the
// relationships that hold pairs and mentors' places.
type cohort struct {
	prog    *mentorvault.Programme
	mentees []*mentorvault.Enrolment // waiting to be matched: not yet proposed or paired in the programme
	mentors []*mentorvault.Enrolment
	// enrolled is every active enrolment by user ID, the mentees already
	// proposed or paired in the programme too.
	enrolled      map[string]*mentorvault.Enrolment
	users         map[string]*mentorvault.User
	org           *match.Org
	paired        map[[2]string]bool
	mentoring     map[string]int // mentor → relationships held in this programme
	menteeInProg  map[string]bool
	alreadyPaired int
}

// loadCohort reads prog's cohort. Returns EINVALID for a peer programme.
func loadCohort(ctx context.Context, tx mentorvault.Tx, prog *mentorvault.Programme) (*cohort, error) {
	es, err := tx.FindEnrolments(ctx, mentorvault.EnrolmentFilter{ProgrammeID: prog.ID})
	if err != nil {
		return nil, err
	}
	rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{OrgID: prog.OrgID, Statuses: heldStatuses()})
	if err != nil {
		return nil, err
	}
	managers, err := tx.FindManagers(ctx, prog.OrgID)
	if err != nil {
		return nil, err
	}
	c := &cohort{prog: prog, enrolled: map[string]*mentorvault.Enrolment{}, users: map[string]*mentorvault.User{}, org: match.NewOrg(managers),
		paired: map[[2]string]bool{}, mentoring: map[string]int{}, menteeInProg: map[string]bool{}}
	for _, r := range rels {
		c.hold(r)
	}
	var ids []string
	for _, e := range es {
		if e.WithdrawnAt != nil {
			continue
		}
		switch e.Role {
		case mentorvault.EnrolMentee:
			if c.menteeInProg[e.UserID] {
				c.alreadyPaired++
			} else {
				c.mentees = append(c.mentees, e)
			}
		case mentorvault.EnrolMentor:
			c.mentors = append(c.mentors, e)
		default:
			return nil, mentorvault.Invalid("this programme cannot be matched", map[string]string{"programme": "peer programmes are not matched mentor to mentee"})
		}
		c.enrolled[e.UserID] = e
		ids = append(ids, e.UserID)
	}
	us, err := tx.FindUsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		c.users[u.ID] = u
	}
	// Deactivated people are not matched.
	active := func(list []*mentorvault.Enrolment) []*mentorvault.Enrolment {
		return slices.DeleteFunc(list, func(e *mentorvault.Enrolment) bool { return !c.activeUser(e.UserID) })
	}
	c.mentees, c.mentors = active(c.mentees), active(c.mentors)
	return c, nil
}

// hold records that r holds its pair (and, in the programme, its mentor's
// place and its mentee).
func (c *cohort) hold(r *mentorvault.Relationship) {
	c.paired[[2]string{r.MenteeID, r.MentorID}] = true
	c.paired[[2]string{r.MentorID, r.MenteeID}] = true
	if r.ProgrammeID == c.prog.ID {
		c.mentoring[r.MentorID]++
		c.menteeInProg[r.MenteeID] = true
	}
}

func (c *cohort) activeUser(id string) bool {
	u := c.users[id]
	return u != nil && u.DisabledAt == nil
}

func (c *cohort) listed(a, b string) bool { return c.paired[[2]string{a, b}] }

func (c *cohort) person(e *mentorvault.Enrolment) match.Person {
	return match.Person{ID: e.UserID, Topics: e.Topics, Goals: e.Goals + " " + e.TopicsOther, Languages: e.Languages, TimeZone: e.TimeZone,
		Availability: e.Availability, ExcludeReportingLine: e.ExcludeReportingLine, Exclusions: e.Exclusions}
}

// placesLeft is how many more mentees mentor e takes in the programme.
func (c *cohort) placesLeft(e *mentorvault.Enrolment) int {
	n := e.Capacity
	if n == 0 {
		n = c.prog.DefaultCapacity
	}
	return max(0, n-c.mentoring[e.UserID])
}

func (c *cohort) named(id string) Person {
	u := c.users[id]
	if u == nil {
		return Person{ID: id}
	}
	return Person{ID: u.ID, Name: u.Name, Email: u.Email}
}

func (s *Service) matchPlan(ctx context.Context, tx mentorvault.Tx, prog *mentorvault.Programme, req MatchRequest) (*MatchPlan, error) {
	c, err := loadCohort(ctx, tx, prog)
	if err != nil {
		return nil, err
	}
	mentees, mentors := c.mentees, c.mentors
	plan := &MatchPlan{Programme: prog, Request: req, ForbiddenBy: map[string]int{}, AlreadyPaired: c.alreadyPaired}
	plan.Mentors = len(mentors)
	prob := match.Problem{Score: make([][]int, len(mentees)), Capacity: make([]int, len(mentors))}
	for j, m := range mentors {
		prob.Capacity[j] = c.placesLeft(m)
		plan.SlotsLeft += prob.Capacity[j]
	}
	pairs := make([][]match.Pair, len(mentees))
	now := tx.Now()
	mentorPeople := make([]match.Person, len(mentors))
	for j, mo := range mentors {
		mentorPeople[j] = c.person(mo)
	}
	for i, me := range mentees {
		pairs[i] = make([]match.Pair, len(mentors))
		prob.Score[i] = make([]int, len(mentors))
		pm := c.person(me)
		for j, mo := range mentorPeople {
			pr := req.Criteria.Score(c.org, pm, mo, c.listed, now)
			pairs[i][j], prob.Score[i][j] = pr, pr.Score
			if pr.Rule != "" {
				plan.ForbiddenBy[pr.Rule]++
			}
		}
	}
	assigned := match.Assign(prob, req.Objective)
	named := c.named
	suggestion := func(i, j int) SuggestedPair {
		return SuggestedPair{Mentee: named(mentees[i].UserID), Mentor: named(mentors[j].UserID), Percent: pairs[i][j].Percent(), Reasons: pairs[i][j].Reasons}
	}
	total := 0
	for i, me := range mentees {
		ms := MenteeSuggestions{Mentee: named(me.UserID)}
		if j := assigned[i]; j >= 0 {
			sp := suggestion(i, j)
			ms.Assigned = &sp
			plan.Matched++
			total += sp.Percent
		}
		order := make([]int, 0, len(mentors))
		for j := range mentors {
			if pairs[i][j].Rule == "" && j != assigned[i] {
				order = append(order, j)
			}
		}
		slices.SortStableFunc(order, func(x, y int) int { return pairs[i][y].Score - pairs[i][x].Score })
		for _, j := range order[:min(len(order), matchAlternatives)] {
			ms.Alternatives = append(ms.Alternatives, suggestion(i, j))
		}
		if ms.Assigned == nil {
			switch {
			case len(mentors) == 0:
				ms.Why = "no mentor has enrolled yet"
			case len(order) == 0:
				ms.Why = "every enrolled mentor is ruled out for them (reporting line, exclusions or an existing relationship)"
			default:
				ms.Why = "the mentors who could take them are full, or better placed with others"
			}
		}
		plan.Mentees = append(plan.Mentees, ms)
	}
	if plan.Matched > 0 {
		plan.AverageScore = total / plan.Matched
	}
	return plan, nil
}

// heldStatuses are the relationship states that hold a pair together: the
// listed ones (see RelationshipStatus.Listed) and a proposal still
// waiting for an answer, which also takes one of its mentor's places.
func heldStatuses() []mentorvault.RelationshipStatus {
	out := []mentorvault.RelationshipStatus{mentorvault.StatusProposed}
	for _, st := range []mentorvault.RelationshipStatus{mentorvault.StatusAccepted, mentorvault.StatusAgreeing,
		mentorvault.StatusActive, mentorvault.StatusPaused} {
		if st.Listed() {
			out = append(out, st)
		}
	}
	return out
}
