package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/match"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// From suggestion to relationship (issue 16 part 3). A coordinator
// proposes pairs of the plan in bulk; each becomes a proposal both people
// accept (Relationship.Matched). Where the programme lets them, a mentee
// picks one of their top suggestions, which proposes the pair as the
// mentee; the mentor accepts or declines. A proposal in a programme
// expires unanswered after the programme's proposal_expiry_days (the
// recurring job maintenance.proposal_expiry).

// MatchProposal is one pair a coordinator proposes.
type MatchProposal struct {
	MenteeID, MentorID string
}

// MatchOutcome is what became of one proposed pair: the proposal it made,
// or why it was refused.
type MatchOutcome struct {
	Mentee, Mentor Person
	Relationship   *RelationshipView // nil when refused
	Refused        string            // why the pair was not proposed, in words; "" when it was
}

// MatchProposals is the answer to a bulk proposal, pair by pair, in the
// order asked.
type MatchProposals struct {
	Programme         *mentorvault.Programme
	Outcomes          []MatchOutcome
	Proposed, Refused int
}

// MaxMatchProposals bounds the pairs of one bulk proposal.
const MaxMatchProposals = 1000

// ProposeMatches proposes the pairs a programme's coordinator chose from
// the plan. Every hard rule is checked again now, pair by pair and in
// order, counting the pairs proposed before it: both enrolled in the
// programme (mentee and mentor) and active, the mentee not already
// proposed or paired in it, never the mentee's line manager, management
// chain or reports, no exclusion, the mentor's places, no open
// relationship between the two. A pair that breaks one is refused with the
// reason and the others are still proposed: the answer lists each pair's
// outcome, and nothing is proposed that it does not list as proposed.
// Each proposal gets its data key, both parties are told, and each is
// audited, as is the whole. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN,
// EINVALID (no pairs, too many, a malformed ID, a mentee twice, a peer
// programme) or ECONFLICT (an archived programme).
func (s *Service) ProposeMatches(ctx context.Context, p mentorvault.Principal, programmeID string, pairs []MatchProposal) (*MatchProposals, error) {
	bad := map[string]string{}
	switch {
	case len(pairs) == 0:
		bad["pairs"] = "must list at least one pair to propose"
	case len(pairs) > MaxMatchProposals:
		bad["pairs"] = fmt.Sprintf("must list at most %d pairs", MaxMatchProposals)
	}
	seen := map[string]bool{}
	for i, pr := range pairs {
		if !mentorvault.ValidID(pr.MenteeID) {
			bad[fmt.Sprintf("pairs[%d].mentee_id", i)] = "is not a person's ID"
		}
		if !mentorvault.ValidID(pr.MentorID) {
			bad[fmt.Sprintf("pairs[%d].mentor_id", i)] = "is not a person's ID"
		}
		if seen[pr.MenteeID] {
			bad[fmt.Sprintf("pairs[%d].mentee_id", i)] = "is listed twice: a mentee is proposed one mentor at a time"
		}
		seen[pr.MenteeID] = true
	}
	if len(bad) > 0 {
		return nil, mentorvault.Invalid("the pairs to propose are not valid", bad)
	}
	var out *MatchProposals
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, prog, err := s.programmeCall(ctx, tx, p, policy.ProposeMatches, programmeID)
		if err != nil {
			return err
		}
		// The programme's lock: two bulk proposals (or picks) take the
		// mentors' places one after the other.
		if prog, err = tx.LockProgrammeByID(ctx, prog.ID); err != nil {
			return err
		}
		if prog.ArchivedAt != nil {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "the programme is archived: nobody is matched in it any more")
		}
		c, err := loadCohort(ctx, tx, prog)
		if err != nil {
			return err
		}
		ids := make([]string, 0, 2*len(pairs))
		for _, pr := range pairs {
			ids = append(ids, pr.MenteeID, pr.MentorID)
		}
		us, err := tx.FindUsersByIDs(ctx, ids)
		if err != nil {
			return err
		}
		people := map[string]Person{} // only the organisation's people are named
		for _, u := range us {
			if u.OrgID == prog.OrgID {
				people[u.ID] = Person{ID: u.ID, Name: u.Name, Email: u.Email}
			}
		}
		named := func(id string) Person {
			if pp, ok := people[id]; ok {
				return pp
			}
			return Person{ID: id, Name: "someone not in the organisation"}
		}
		out = &MatchProposals{Programme: prog}
		var made []*mentorvault.Relationship // the proposals, named once at the end
		var at []int                         // each one's outcome
		for _, pr := range pairs {
			o := MatchOutcome{Mentee: named(pr.MenteeID), Mentor: named(pr.MentorID)}
			if o.Refused = c.refusal(pr, a.user.ID); o.Refused != "" {
				out.Outcomes, out.Refused = append(out.Outcomes, o), out.Refused+1
				continue
			}
			r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: prog.OrgID, ProgrammeID: prog.ID, Kind: mentorvault.KindMentoring,
				MentorID: pr.MentorID, MenteeID: pr.MenteeID, ProposedByID: a.user.ID, MatchedByID: a.user.ID,
				Status: mentorvault.StatusProposed, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
			if err := r.Validate(); err != nil {
				return err
			}
			parties, err := s.createProposal(ctx, tx, r)
			if err != nil {
				// The checks above read the open relationships under the
				// programme's lock; a conflict here is another proposal
				// outside the programme committed meanwhile, and the whole
				// bulk proposal rolls back with it.
				if mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
					return mentorvault.Errorf(mentorvault.ECONFLICT, "%s and %s were proposed to each other meanwhile; nothing is proposed, try again", o.Mentee.Name, o.Mentor.Name)
				}
				return err
			}
			c.hold(r)
			made, at = append(made, r), append(at, len(out.Outcomes))
			for _, id := range []string{r.MentorID, r.MenteeID} {
				other := o.Mentor
				if id == r.MentorID {
					other = o.Mentee
				}
				text := fmt.Sprintf("%s matched you with %s in %s. Accept or decline by %s.", a.user.Name, other.Name, prog.Name, r.ExpiresAt.UTC().Format("2 January 2006"))
				if err := s.notifyBy(ctx, tx, a.user.ID, id, mentorvault.NotifyRelationshipMatched, r.ID, r.ID, text, "/relationships/"+r.ID,
					mentorvault.NotifyRelationshipMatched+":"+r.ID); err != nil {
					return err
				}
			}
			if err := s.record(ctx, tx, a, "relationship.propose", relTarget(r), withSeal("kind=mentoring; matched_by=coordinator; expires_on="+
				r.ExpiresAt.UTC().Format(time.DateOnly), parties)); err != nil {
				return err
			}
			out.Outcomes, out.Proposed = append(out.Outcomes, o), out.Proposed+1
		}
		vs, err := views(ctx, tx, prog.OrgID, made)
		if err != nil {
			return err
		}
		for i, v := range vs {
			out.Outcomes[at[i]].Relationship = v
		}
		return s.record(ctx, tx, a, string(policy.ProposeMatches), progTarget(prog), fmt.Sprintf("pairs=%d; proposed=%d; refused=%d", len(pairs), out.Proposed, out.Refused))
	})
	return out, err
}

// refusal is why coordinator coordID may not propose pr now, or "".
func (c *cohort) refusal(pr MatchProposal, coordID string) string {
	me, mo := c.enrolled[pr.MenteeID], c.enrolled[pr.MentorID]
	menteeName, mentorName := c.named(pr.MenteeID).Name, c.named(pr.MentorID).Name
	switch {
	case pr.MenteeID == coordID || pr.MentorID == coordID:
		return "you cannot match yourself: propose a relationship of your own from your side"
	case me == nil || me.Role != mentorvault.EnrolMentee:
		return "the mentee is not enrolled as a mentee in the programme"
	case mo == nil || mo.Role != mentorvault.EnrolMentor:
		return "the mentor is not enrolled as a mentor in the programme"
	case !c.activeUser(pr.MenteeID):
		return menteeName + "'s account is deactivated"
	case !c.activeUser(pr.MentorID):
		return mentorName + "'s account is deactivated"
	case c.menteeInProg[pr.MenteeID]:
		return menteeName + " already has a proposal or a mentor in the programme"
	}
	if rule := match.HardRule(c.org, c.person(me), c.person(mo), c.listed); rule != "" {
		return "never paired: " + mentorName + " is " + ruleWords(rule)
	}
	if c.placesLeft(mo) == 0 {
		return mentorName + " has no place left in the programme"
	}
	return ""
}

// ruleWords is a hard rule (match.HardRule) said of the mentor.
func ruleWords(rule string) string {
	if rule == "already in a relationship together" {
		return "already in an open relationship with the mentee"
	}
	return rule
}

// MenteePick is one of a mentee's top suggestions: a mentor with places
// left whom no hard rule rules out, and the reasons about what the two
// share — nothing else of the mentor's profile.
type MenteePick struct {
	Mentor  Person
	Percent int
	Reasons []string
}

// MenteePicks is what a mentee of a programme that lets mentees pick sees:
// their top suggestions, or why there are none.
type MenteePicks struct {
	Programme *mentorvault.Programme
	Picks     []MenteePick
	// Waiting is the proposal or relationship the mentee already has in the
	// programme (nil when none): then they pick nothing.
	Waiting *RelationshipView
	Why     string // when there are no picks
}

// menteePicks is how many suggestions a mentee picks from.
const menteePicks = 3

// sharedReason reports whether a suggestion's reason speaks only of what
// the two share (not a mentor's seniority, nor what the mentee lacks).
func sharedReason(r string) bool {
	return strings.Contains(r, "shared topic") || strings.Contains(r, "goal word") || strings.HasPrefix(r, "both ") ||
		strings.HasPrefix(r, "same ")
}

// MenteeSuggestions returns the caller's top suggestions in a programme
// that lets its mentees pick, scored as the coordinator's plan is (the
// default weights) under the same hard rules. Returns EUNAUTHENTICATED,
// ENOTFOUND (no such programme, or not enrolled in it) or EFORBIDDEN (not
// a mentee, or the programme does not let mentees pick).
func (s *Service) MenteeSuggestions(ctx context.Context, p mentorvault.Principal, programmeID string) (*MenteePicks, error) {
	var out *MenteePicks
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, prog, err := s.pickCall(ctx, tx, p, programmeID)
		if err != nil {
			return err
		}
		c, err := loadCohort(ctx, tx, prog)
		if err != nil {
			return err
		}
		out, err = s.picksIn(ctx, tx, a, c)
		if err != nil {
			return err
		}
		out.Programme = prog
		return s.record(ctx, tx, a, "match.suggestions", progTarget(prog), fmt.Sprintf("picks=%d", len(out.Picks)))
	})
	return out, err
}

// picksOnPage are a's top suggestions for the programme page, in its
// transaction, when Cedar lets a pick (nil otherwise, and nothing asked
// of the store).
func (s *Service) picksOnPage(ctx context.Context, tx mentorvault.Tx, a actor, prog *mentorvault.Programme, st mentorvault.ProgrammeSettings, e *EnrolmentView) (*MenteePicks, error) {
	if e == nil || e.WithdrawnAt != nil {
		return nil, nil
	}
	res := enrolResource(e.Enrolment, prog.OrgID)
	res.Mentee, res.MenteesPick = e.Role == mentorvault.EnrolMentee, st.MenteesPick
	if !s.may(ctx, a, policy.PickMatch, res) {
		return nil, nil
	}
	if err := s.authorize(ctx, tx, a, policy.PickMatch, res, progTarget(prog), never); err != nil {
		return nil, err
	}
	c, err := loadCohort(ctx, tx, prog)
	if err != nil {
		return nil, err
	}
	out, err := s.picksIn(ctx, tx, a, c)
	if err != nil {
		return nil, err
	}
	out.Programme = prog
	return out, s.record(ctx, tx, a, "match.suggestions", progTarget(prog), fmt.Sprintf("picks=%d", len(out.Picks)))
}

// pickCall resolves the caller's enrolment in programmeID and decides
// match.pick on it.
func (s *Service) pickCall(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, programmeID string) (actor, *mentorvault.Programme, error) {
	a, err := s.resolve(ctx, tx, p, policy.PickMatch)
	if err != nil {
		return a, nil, err
	}
	if !mentorvault.ValidID(programmeID) {
		return a, nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "programme not found")
	}
	prog, err := tx.FindProgrammeByID(ctx, programmeID)
	if err != nil {
		return a, nil, err
	}
	if prog.OrgID != a.user.OrgID {
		return a, nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "programme not found")
	}
	st, err := tx.FindProgrammeSettings(ctx, prog.ID)
	if err != nil {
		return a, nil, err
	}
	e, err := tx.FindEnrolment(ctx, prog.ID, a.user.ID)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && e.WithdrawnAt != nil) {
		return a, nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "you are not enrolled in this programme")
	} else if err != nil {
		return a, nil, err
	}
	res := enrolResource(e, prog.OrgID)
	res.Mentee, res.MenteesPick = e.Role == mentorvault.EnrolMentee, st.MenteesPick
	if err := s.authorize(ctx, tx, a, policy.PickMatch, res, progTarget(prog), never); err != nil {
		if _, ok := err.(denied); !ok {
			return a, nil, err
		}
		why := "this programme's coordinators make the matches: mentees do not pick"
		if e.Role != mentorvault.EnrolMentee {
			why = "only mentees pick a mentor"
		}
		return a, nil, denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "%s", why)}
	}
	return a, prog, nil
}

// picksIn are a's top suggestions in cohort c.
func (s *Service) picksIn(ctx context.Context, tx mentorvault.Tx, a actor, c *cohort) (*MenteePicks, error) {
	out := &MenteePicks{Picks: []MenteePick{}}
	if c.menteeInProg[a.user.ID] {
		rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{PartyID: a.user.ID, ProgrammeID: c.prog.ID, Statuses: heldStatuses()})
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			if r.MenteeID == a.user.ID {
				if out.Waiting, err = relView(ctx, tx, r); err != nil {
					return nil, err
				}
				break
			}
		}
		out.Why = "you already have a proposal or a mentor in this programme"
		return out, nil
	}
	me := c.enrolled[a.user.ID]
	crit := match.Criteria{Weights: match.DefaultWeights}
	type cand struct {
		e *mentorvault.Enrolment
		p match.Pair
	}
	var cands []cand
	for _, mo := range c.mentors {
		if c.placesLeft(mo) == 0 {
			continue
		}
		pr := crit.Score(c.org, c.person(me), c.person(mo), c.listed, tx.Now())
		if pr.Rule == "" {
			cands = append(cands, cand{mo, pr})
		}
	}
	slices.SortStableFunc(cands, func(x, y cand) int { return y.p.Score - x.p.Score })
	for _, cd := range cands[:min(len(cands), menteePicks)] {
		pk := MenteePick{Mentor: c.named(cd.e.UserID), Percent: cd.p.Percent(), Reasons: []string{}}
		for _, r := range cd.p.Reasons {
			if sharedReason(r) {
				pk.Reasons = append(pk.Reasons, r)
			}
		}
		out.Picks = append(out.Picks, pk)
	}
	if len(out.Picks) == 0 {
		out.Why = "no mentor with a place left suits you yet; the coordinators will match you"
	}
	return out, nil
}

// PickMentor proposes, as the caller, a mentoring relationship with
// mentorID, one of their top suggestions (MenteeSuggestions, read again
// now under the programme's lock): the mentor accepts or declines it, and
// it expires unanswered like any proposal of the programme. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID (not one of their
// suggestions) or ECONFLICT (they have a proposal or a mentor in the
// programme already).
func (s *Service) PickMentor(ctx context.Context, p mentorvault.Principal, programmeID, mentorID string) (*RelationshipView, error) {
	if err := lines(p, "mentor_id", mentorID); err != nil {
		return nil, err
	}
	var out *RelationshipView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, prog, err := s.pickCall(ctx, tx, p, programmeID)
		if err != nil {
			return err
		}
		if prog, err = tx.LockProgrammeByID(ctx, prog.ID); err != nil {
			return err
		}
		if prog.ArchivedAt != nil {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "the programme is archived: nobody is matched in it any more")
		}
		c, err := loadCohort(ctx, tx, prog) // again, under the lock
		if err != nil {
			return err
		}
		picks, err := s.picksIn(ctx, tx, a, c)
		if err != nil {
			return err
		}
		if picks.Waiting != nil || c.menteeInProg[a.user.ID] {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "You already have a proposal or a mentor in this programme.")
		}
		i := slices.IndexFunc(picks.Picks, func(pk MenteePick) bool { return pk.Mentor.ID == mentorID })
		if i < 0 {
			return mentorvault.Invalid("pick one of the mentors suggested to you", map[string]string{"mentor_id": "is not one of your suggestions (they may have filled their places meanwhile)"})
		}
		r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: prog.OrgID, ProgrammeID: prog.ID, Kind: mentorvault.KindMentoring,
			MentorID: mentorID, MenteeID: a.user.ID, ProposedByID: a.user.ID, Status: mentorvault.StatusProposed, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		if err := r.Validate(); err != nil {
			return err
		}
		parties, err := s.createProposal(ctx, tx, r)
		if mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "You and %s already have an open relationship.", picks.Picks[i].Mentor.Name)
		} else if err != nil {
			return err
		}
		if out, err = relView(ctx, tx, r); err != nil {
			return err
		}
		text := fmt.Sprintf("%s picked you as their mentor in %s. Accept or decline by %s.", a.user.Name, prog.Name, r.ExpiresAt.UTC().Format("2 January 2006"))
		if err := s.notifyPartner(ctx, tx, a, r, mentorvault.NotifyRelationshipProposed, r.ID, text, "/relationships/"+r.ID, mentorvault.NotifyRelationshipProposed+":"+r.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "relationship.propose", relTarget(r), withSeal("kind=mentoring; picked=1; expires_on="+r.ExpiresAt.UTC().Format(time.DateOnly), parties))
	})
	return out, err
}

// ExpiryEvery is how often the proposal expiry job runs.
const ExpiryEvery = 15 * time.Minute

// expiryJobID is the one recurring proposal expiry job's ID.
const expiryJobID = "job-maintenance-proposal-expiry"

// expiryBatch bounds the proposals one run expires; a full batch runs
// again at once.
const expiryBatch = 100

// ScheduleExpiry makes sure the recurring proposal expiry job exists;
// every instance calls it at start-up, and all but the first find it
// scheduled.
func (s *Service) ScheduleExpiry(ctx context.Context) error {
	return s.scheduleRecurring(ctx, expiryJobID, mentorvault.JobProposalExpiry)
}

// runExpiry expires, in the job's transaction, the proposals left
// unanswered past their date: each is withdrawn with ExpiredAt set, its
// erasure scheduled as a withdrawn one's, both parties (and the
// coordinator of a match) told once. Each is locked and checked again, so
// two runners never expire one twice. It reports whether a full batch
// leaves more to do now.
func (s *Service) runExpiry(ctx context.Context, tx mentorvault.Tx) (more bool, err error) {
	now := tx.Now()
	rels, err := tx.FindExpiredProposals(ctx, now, expiryBatch)
	if err != nil {
		return false, err
	}
	sys := actor{p: mentorvault.Principal{Via: "scheduler"}}
	for _, r := range rels {
		rel, err := tx.LockRelationshipByID(ctx, r.ID)
		if err != nil {
			return false, err
		}
		if !rel.ExpiryDue(now) {
			continue // answered, or expired by another runner, meanwhile
		}
		if err := rel.Expire(now); err != nil {
			return false, err
		}
		days, _, err := s.retentionDays(ctx, tx, rel)
		if err != nil {
			return false, err
		}
		rel.ScheduleErasure(now.AddDate(0, 0, days), now)
		if err := tx.UpdateRelationship(ctx, rel); err != nil {
			return false, err
		}
		told := []string{rel.MentorID, rel.MenteeID}
		if rel.Matched() {
			told = append(told, rel.MatchedByID)
		}
		for _, id := range told {
			if err := s.notify(ctx, tx, id, mentorvault.NotifyProposalExpired, rel.ID, rel.ID,
				"A mentoring proposal expired unanswered on "+now.UTC().Format("2 January 2006")+".", "/relationships/"+rel.ID,
				mentorvault.NotifyProposalExpired+":"+rel.ID+":"+id); err != nil {
				return false, err
			}
		}
		if err := s.record(ctx, tx, sys, "relationship.expire", relTarget(rel), "from=proposed; to=withdrawn; erase_on="+rel.EraseAt.UTC().Format(time.DateOnly)); err != nil {
			return false, err
		}
	}
	return len(rels) == expiryBatch, nil
}
