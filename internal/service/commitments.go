package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// commitmentAD binds a commitment's description to whom it concerns (its
// owner, who promises), who proposed it, and the goal and meeting it
// belongs to.
func commitmentAD(c *mentorvault.Commitment) seal.AD {
	return seal.AD{RelationshipID: c.RelationshipID, Record: "commitment", RecordID: c.ID, Field: "description", Version: c.SealVersion,
		Bind: []seal.Binding{{Name: "owner", Value: c.OwnerID}, {Name: "proposed_by", Value: c.ProposedByID}, {Name: "goal", Value: c.GoalID}, {Name: "meeting", Value: c.MeetingID}}}
}

// goalAD binds a goal's title to who set it.
func goalAD(g *mentorvault.Goal) seal.AD {
	return seal.AD{RelationshipID: g.RelationshipID, Record: "goal", RecordID: g.ID, Field: "title", Version: g.SealVersion,
		Bind: []seal.Binding{{Name: "created_by", Value: g.CreatedByID}}}
}

// progressAD binds a progress note to its author and its goal.
func progressAD(relID string, p *mentorvault.GoalProgress) seal.AD {
	return seal.AD{RelationshipID: relID, Record: "goal_progress", RecordID: p.ID, Field: "body", Version: p.SealVersion,
		Bind: []seal.Binding{{Name: "author", Value: p.AuthorID}, {Name: "goal", Value: p.GoalID}}}
}

// sealCommitment seals description into c at its next seal version.
func (s *Service) sealCommitment(key []byte, c *mentorvault.Commitment, description string) (err error) {
	c.Description = mentorvault.NewSecret(description)
	c.SealVersion++
	c.DescriptionSealed, err = s.keys.Seal(key, commitmentAD(c), c.Description)
	return err
}

// sealGoal seals title into g at its next seal version.
func (s *Service) sealGoal(key []byte, g *mentorvault.Goal, title string) (err error) {
	g.Title = mentorvault.NewSecret(title)
	g.SealVersion++
	g.TitleSealed, err = s.keys.Seal(key, goalAD(g), g.Title)
	return err
}

// sealProgress seals body into p, a progress note of relationship relID, at
// its next seal version.
func (s *Service) sealProgress(key []byte, relID string, p *mentorvault.GoalProgress, body string) (err error) {
	p.Body = mentorvault.NewSecret(body)
	p.SealVersion++
	p.BodySealed, err = s.keys.Seal(key, progressAD(relID, p), p.Body)
	return err
}

// eachCommitment lists every commitment of a relationship for VerifySealed.
func eachCommitment(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	cs, err := tx.FindCommitments(ctx, rel.ID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		yield(sealedRecord{record: "commitment", id: c.ID, version: c.SealVersion, fields: []sealedField{{commitmentAD(c), c.DescriptionSealed}}})
	}
	return nil
}

// eachGoal lists every goal of a relationship for VerifySealed.
func eachGoal(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	gs, err := tx.FindGoals(ctx, rel.ID)
	if err != nil {
		return err
	}
	for _, g := range gs {
		yield(sealedRecord{record: "goal", id: g.ID, version: g.SealVersion, fields: []sealedField{{goalAD(g), g.TitleSealed}}})
	}
	return nil
}

// eachGoalProgress lists every progress note on a relationship's goals for VerifySealed.
func eachGoalProgress(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	prs, err := tx.FindGoalProgress(ctx, rel.ID)
	if err != nil {
		return err
	}
	for _, p := range prs {
		yield(sealedRecord{record: "goal_progress", id: p.ID, version: p.SealVersion, fields: []sealedField{{progressAD(rel.ID, p), p.BodySealed}}})
	}
	return nil
}

// CommitmentInput is a promise to record. OwnerID is who promises: the
// caller (open at once) or the other party (proposed until they accept).
type CommitmentInput struct {
	OwnerID     string
	Description string
	DueAt       time.Time
	GoalID      string
	MeetingID   string
}

// CreateCommitment records a promise. Returns EUNAUTHENTICATED, ENOTFOUND,
// EFORBIDDEN or EINVALID.
func (s *Service) CreateCommitment(ctx context.Context, p mentorvault.Principal, relID string, in CommitmentInput) (*mentorvault.Commitment, error) {
	if err := lines(p, "owner_id", in.OwnerID, "goal_id", in.GoalID, "meeting_id", in.MeetingID); err != nil {
		return nil, err
	}
	if err := mentorvault.ValidateTime("due_at", in.DueAt); err != nil {
		return nil, err
	}
	if err := mentorvault.ValidateText("description", in.Description, mentorvault.MaxCommitmentBytes); err != nil {
		return nil, err
	}
	if in.DueAt.IsZero() {
		return nil, mentorvault.Invalid("the commitment is not valid", map[string]string{"due_at": "is required"})
	}
	var out *mentorvault.Commitment
	err := s.relOp(ctx, p, policy.CreateCommitment, relID, partyRefusal, func(o *op) (event, error) {
		if in.OwnerID == "" {
			in.OwnerID = o.a.user.ID
		}
		if !o.rel.IsParty(in.OwnerID) {
			return event{}, mentorvault.Invalid("the commitment is not valid", map[string]string{"owner_id": "must be one of the pair"})
		}
		if in.GoalID != "" {
			if g, err := o.tx.FindGoalByID(o.ctx, in.GoalID); err != nil || g.RelationshipID != o.rel.ID {
				return event{}, mentorvault.Invalid("the commitment is not valid", map[string]string{"goal_id": "is not a goal of this relationship"})
			}
		}
		if in.MeetingID != "" {
			if _, err := loadMeeting(o.ctx, o.tx, o.rel, in.MeetingID); err != nil {
				return event{}, mentorvault.Invalid("the commitment is not valid", map[string]string{"meeting_id": "is not a meeting of this relationship"})
			}
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		c := &mentorvault.Commitment{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, OwnerID: in.OwnerID, ProposedByID: o.a.user.ID,
			GoalID: in.GoalID, MeetingID: in.MeetingID, DueAt: in.DueAt.UTC(), Status: mentorvault.CommitmentOpen, CreatedAt: o.tx.Now(), UpdatedAt: o.tx.Now()}
		if c.OwnerID != o.a.user.ID {
			c.Status = mentorvault.CommitmentProposed
		}
		if err := s.sealCommitment(key, c, in.Description); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateCommitment(o.ctx, c); err != nil {
			return event{}, err
		}
		out = c
		if c.Status == mentorvault.CommitmentProposed {
			if err := s.notify(o.ctx, o.tx, c.OwnerID, mentorvault.NotifyCommitmentPropose, o.rel.ID, c.ID,
				o.a.user.Name+" proposed a commitment for you to accept.", "/relationships/"+o.rel.ID+"/commitments", "commitment.proposed:"+c.ID); err != nil {
				return event{}, err
			}
		}
		return event{"commitment.create", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "commitment", id: c.ID},
			withSeal("status="+string(c.Status), sealedField{commitmentAD(c), c.DescriptionSealed})}, nil
	})
	return out, err
}

// CommitmentsView is a relationship's commitments, opened, and each party's follow-through.
type CommitmentsView struct {
	Commitments []*mentorvault.Commitment
	Mentor      mentorvault.FollowThrough
	Mentee      mentorvault.FollowThrough
}

// Commitments lists a relationship's commitments by due date. Returns
// EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Commitments(ctx context.Context, p mentorvault.Principal, relID string) (*CommitmentsView, error) {
	var out *CommitmentsView
	err := s.relOp(ctx, p, policy.ListCommitments, relID, partyRefusal, func(o *op) (event, error) {
		cs, err := s.commitments(o.ctx, o.tx, o.rel)
		if err != nil {
			return event{}, err
		}
		out = &CommitmentsView{Commitments: cs, Mentor: mentorvault.FollowThroughOf(cs, o.rel.MentorID), Mentee: mentorvault.FollowThroughOf(cs, o.rel.MenteeID)}
		return event{"commitment.list", relTarget(o.rel), fmt.Sprintf("count=%d", len(cs))}, nil
	})
	return out, err
}

func (s *Service) commitments(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship) ([]*mentorvault.Commitment, error) {
	cs, err := tx.FindCommitments(ctx, rel.ID)
	if err != nil || len(cs) == 0 {
		return cs, err
	}
	key, err := s.dataKey(ctx, tx, rel.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		d, err := s.keys.Open(key, commitmentAD(c), c.DescriptionSealed)
		if err != nil {
			if err := s.damaged(ctx, "commitment", c.ID, err); !isDamaged(err) {
				return nil, err
			}
			c.Damaged = true // shown as damaged; the rest are served
			continue
		}
		c.Description = d
	}
	return cs, nil
}

// UpdateCommitment accepts a proposed commitment (to = "open") or marks one
// kept, missed or dropped. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN,
// EINVALID or ECONFLICT.
func (s *Service) UpdateCommitment(ctx context.Context, p mentorvault.Principal, relID, id string, to mentorvault.CommitmentStatus) (*mentorvault.Commitment, error) {
	if err := lines(p, "status", string(to)); err != nil {
		return nil, err
	}
	var out *mentorvault.Commitment
	err := s.relOp(ctx, p, policy.UpdateCommitment, relID, partyRefusal, func(o *op) (event, error) {
		c, err := o.tx.FindCommitmentByID(o.ctx, id)
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && c.RelationshipID != o.rel.ID) || !mentorvault.ValidID(id) {
			return event{}, mentorvault.Errorf(mentorvault.ENOTFOUND, "commitment not found")
		} else if err != nil {
			return event{}, err
		}
		if to == mentorvault.CommitmentOpen {
			err = c.Accept(o.a.user.ID, o.tx.Now())
		} else {
			err = c.Close(to, o.a.user.ID, o.tx.Now())
		}
		if err != nil {
			return event{}, err
		}
		if err := o.tx.UpdateCommitment(o.ctx, c); err != nil {
			return event{}, err
		}
		out = c
		return event{"commitment.update", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "commitment", id: c.ID}, "status=" + string(c.Status)}, nil
	})
	return out, err
}

// GoalView is a goal, opened, with its progress notes and linked commitments.
type GoalView struct {
	*mentorvault.Goal
	Progress    []*mentorvault.GoalProgress
	Commitments []*mentorvault.Commitment
}

// CreateGoal adds a goal. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) CreateGoal(ctx context.Context, p mentorvault.Principal, relID, title string) (*mentorvault.Goal, error) {
	if err := mentorvault.ValidateLine("title", title, mentorvault.MaxCommitmentBytes); err != nil {
		return nil, err
	}
	var out *mentorvault.Goal
	err := s.relOp(ctx, p, policy.CreateGoal, relID, partyRefusal, func(o *op) (event, error) {
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		g := &mentorvault.Goal{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, Status: mentorvault.GoalActive, CreatedByID: o.a.user.ID,
			CreatedAt: o.tx.Now(), UpdatedAt: o.tx.Now()}
		if err := s.sealGoal(key, g, title); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateGoal(o.ctx, g); err != nil {
			return event{}, err
		}
		out = g
		return event{"goal.create", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "goal", id: g.ID}, withSeal("", sealedField{goalAD(g), g.TitleSealed})}, nil
	})
	return out, err
}

// AgreementGoals splits an agreement's goals into the goals it names: one
// per line or list item ("- ", "* ", "1. "), blank lines dropped, each at
// most a goal's length.
func AgreementGoals(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		for _, p := range []string{"- ", "* ", "• "} {
			line = strings.TrimSpace(strings.TrimPrefix(line, p))
		}
		if i := strings.Index(line, ". "); i > 0 && i <= 3 && strings.Trim(line[:i], "0123456789") == "" {
			line = strings.TrimSpace(line[i+2:])
		}
		if line == "" || mentorvault.ValidateLine("title", line, mentorvault.MaxCommitmentBytes) != nil {
			continue
		}
		out = append(out, line)
	}
	return out
}

// goalsFromAgreement adds, when an agreement comes into force, the goals
// it names that the relationship does not have yet (by title), so goals
// agreed in the agreement are on the Goals page, followed up like any
// other. Each is audited as a goal the signer completing the agreement
// added.
func (s *Service) goalsFromAgreement(ctx context.Context, tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, key []byte, text string) error {
	titles := AgreementGoals(text)
	if len(titles) == 0 {
		return nil
	}
	gs, err := tx.FindGoals(ctx, rel.ID)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, g := range gs {
		t, err := s.keys.Open(key, goalAD(g), g.TitleSealed)
		if err != nil {
			continue // a damaged goal is reported where it is listed
		}
		have[strings.ToLower(t.Reveal())] = true
	}
	for _, title := range titles {
		if have[strings.ToLower(title)] {
			continue
		}
		have[strings.ToLower(title)] = true
		g := &mentorvault.Goal{ID: mentorvault.NewID(), RelationshipID: rel.ID, Status: mentorvault.GoalActive, CreatedByID: a.user.ID,
			CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		if err := s.sealGoal(key, g, title); err != nil {
			return err
		}
		if err := tx.CreateGoal(ctx, g); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, "goal.create", target{orgID: rel.OrgID, relID: rel.ID, typ: "goal", id: g.ID},
			withSeal("from the agreement", sealedField{goalAD(g), g.TitleSealed})); err != nil {
			return err
		}
	}
	return nil
}

func loadGoal(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, id string) (*mentorvault.Goal, error) {
	if !mentorvault.ValidID(id) {
		return nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "goal not found")
	}
	g, err := tx.FindGoalByID(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && g.RelationshipID != rel.ID) {
		return nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "goal not found")
	}
	return g, err
}

// AddGoalProgress records a progress note on a goal, or (status != "")
// marks it achieved, dropped or active again. Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) AddGoalProgress(ctx context.Context, p mentorvault.Principal, relID, goalID, body string, status mentorvault.GoalStatus) (*mentorvault.GoalProgress, error) {
	if err := lines(p, "status", string(status)); err != nil {
		return nil, err
	}
	if body != "" {
		if err := mentorvault.ValidateText("body", body, mentorvault.MaxCommitmentBytes); err != nil {
			return nil, err
		}
	}
	switch status {
	case "", mentorvault.GoalActive, mentorvault.GoalAchieved, mentorvault.GoalDropped:
	default:
		return nil, mentorvault.Invalid("the goal is not valid", map[string]string{"status": `must be "active", "achieved" or "dropped"`})
	}
	if body == "" && status == "" {
		return nil, mentorvault.Invalid("nothing to record", map[string]string{"body": "write a progress note or change the status"})
	}
	var out *mentorvault.GoalProgress
	err := s.relOp(ctx, p, policy.CreateGoal, relID, partyRefusal, func(o *op) (event, error) {
		g, err := loadGoal(o.ctx, o.tx, o.rel, goalID)
		if err != nil {
			return event{}, err
		}
		if status != "" && status != g.Status {
			g.Status, g.UpdatedAt = status, o.tx.Now()
			if err := o.tx.UpdateGoal(o.ctx, g); err != nil {
				return event{}, err
			}
		}
		if body != "" {
			key, err := o.key()
			if err != nil {
				return event{}, err
			}
			pr := &mentorvault.GoalProgress{ID: mentorvault.NewID(), GoalID: g.ID, AuthorID: o.a.user.ID, CreatedAt: o.tx.Now()}
			if err := s.sealProgress(key, o.rel.ID, pr, body); err != nil {
				return event{}, err
			}
			if err := o.tx.CreateGoalProgress(o.ctx, pr); err != nil {
				return event{}, err
			}
			out = pr
		}
		detail := "status=" + string(g.Status)
		if out != nil {
			detail = withSeal(detail, sealedField{progressAD(o.rel.ID, out), out.BodySealed})
		}
		return event{"goal.update", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "goal", id: g.ID}, detail}, nil
	})
	return out, err
}

// Goals lists a relationship's goals with their progress and commitments.
// Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Goals(ctx context.Context, p mentorvault.Principal, relID string) ([]*GoalView, error) {
	var out []*GoalView
	err := s.relOp(ctx, p, policy.ListGoals, relID, partyRefusal, func(o *op) (event, error) {
		out = nil // inTx may run this again: start afresh
		gs, err := o.tx.FindGoals(o.ctx, o.rel.ID)
		if err != nil {
			return event{}, err
		}
		if len(gs) > 0 {
			key, err := o.key()
			if err != nil {
				return event{}, err
			}
			byID := map[string]*GoalView{}
			for _, g := range gs {
				if g.Title, err = s.keys.Open(key, goalAD(g), g.TitleSealed); err != nil {
					if err := s.damaged(o.ctx, "goal", g.ID, err); !isDamaged(err) {
						return event{}, err
					}
					g.Damaged = true // shown as damaged; the rest are served
				}
				v := &GoalView{Goal: g}
				byID[g.ID] = v
				out = append(out, v)
			}
			prs, err := o.tx.FindGoalProgress(o.ctx, o.rel.ID)
			if err != nil {
				return event{}, err
			}
			for _, pr := range prs {
				if pr.Body, err = s.keys.Open(key, progressAD(o.rel.ID, pr), pr.BodySealed); err != nil {
					if err := s.damaged(o.ctx, "progress note", pr.ID, err); !isDamaged(err) {
						return event{}, err
					}
					pr.Damaged = true // shown as damaged; the rest are served
				}
				if v := byID[pr.GoalID]; v != nil {
					v.Progress = append(v.Progress, pr)
				}
			}
			cs, err := s.commitments(o.ctx, o.tx, o.rel)
			if err != nil {
				return event{}, err
			}
			for _, c := range cs {
				if v := byID[c.GoalID]; v != nil {
					v.Commitments = append(v.Commitments, c)
				}
			}
		}
		return event{"goal.list", relTarget(o.rel), fmt.Sprintf("count=%d", len(out))}, nil
	})
	return out, err
}
