package service

import (
	"context"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

func commitmentAD(c *mentorvault.Commitment) seal.AD {
	return seal.AD{RelationshipID: c.RelationshipID, Record: "commitment", RecordID: c.ID, Field: "description"}
}

func goalAD(g *mentorvault.Goal) seal.AD {
	return seal.AD{RelationshipID: g.RelationshipID, Record: "goal", RecordID: g.ID, Field: "title"}
}

func progressAD(relID string, p *mentorvault.GoalProgress) seal.AD {
	return seal.AD{RelationshipID: relID, Record: "goal_progress", RecordID: p.ID, Field: "body"}
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
	if err := mentorvault.ValidateText("description", in.Description, mentorvault.MaxCommitmentBytes); err != nil {
		return nil, err
	}
	if in.DueAt.IsZero() {
		return nil, mentorvault.Invalid("the commitment is not valid", map[string]string{"due_at": "is required"})
	}
	var out *mentorvault.Commitment
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.relCall(ctx, tx, p, policy.CreateCommitment, relID)
		if err != nil {
			return err
		}
		if in.OwnerID == "" {
			in.OwnerID = a.user.ID
		}
		if !rel.IsParty(in.OwnerID) {
			return mentorvault.Invalid("the commitment is not valid", map[string]string{"owner_id": "must be one of the pair"})
		}
		if in.GoalID != "" {
			if g, err := tx.FindGoalByID(ctx, in.GoalID); err != nil || g.RelationshipID != rel.ID {
				return mentorvault.Invalid("the commitment is not valid", map[string]string{"goal_id": "is not a goal of this relationship"})
			}
		}
		if in.MeetingID != "" {
			if _, err := loadMeeting(ctx, tx, rel, in.MeetingID); err != nil {
				return mentorvault.Invalid("the commitment is not valid", map[string]string{"meeting_id": "is not a meeting of this relationship"})
			}
		}
		key, err := s.dataKey(ctx, tx, rel.ID)
		if err != nil {
			return err
		}
		c := &mentorvault.Commitment{ID: mentorvault.NewID(), RelationshipID: rel.ID, OwnerID: in.OwnerID, ProposedByID: a.user.ID,
			GoalID: in.GoalID, MeetingID: in.MeetingID, DueAt: in.DueAt.UTC(), Status: mentorvault.CommitmentOpen, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		if c.OwnerID != a.user.ID {
			c.Status = mentorvault.CommitmentProposed
		}
		c.Description = mentorvault.NewSecret(in.Description)
		if c.DescriptionSealed, err = s.keys.Seal(key, commitmentAD(c), c.Description); err != nil {
			return err
		}
		if err := tx.CreateCommitment(ctx, c); err != nil {
			return err
		}
		out = c
		if c.Status == mentorvault.CommitmentProposed {
			if err := s.notify(ctx, tx, c.OwnerID, mentorvault.NotifyCommitmentPropose, rel.ID, c.ID,
				a.user.Name+" proposed a commitment for you to accept.", "/relationships/"+rel.ID+"/commitments", "commitment.proposed:"+c.ID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, "commitment.create", target{orgID: rel.OrgID, relID: rel.ID, typ: "commitment", id: c.ID}, "status="+string(c.Status))
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
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.relCall(ctx, tx, p, policy.ListCommitments, relID)
		if err != nil {
			return err
		}
		cs, err := s.commitments(ctx, tx, rel)
		if err != nil {
			return err
		}
		out = &CommitmentsView{Commitments: cs, Mentor: mentorvault.FollowThroughOf(cs, rel.MentorID), Mentee: mentorvault.FollowThroughOf(cs, rel.MenteeID)}
		return s.record(ctx, tx, a, "commitment.list", relTarget(rel), fmt.Sprintf("count=%d", len(cs)))
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
			return nil, mentorvault.Internal(fmt.Errorf("open commitment %s: %w", c.ID, err))
		}
		c.Description = d
	}
	return cs, nil
}

// UpdateCommitment accepts a proposed commitment (to = "open") or marks one
// kept, missed or dropped. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN,
// EINVALID or ECONFLICT.
func (s *Service) UpdateCommitment(ctx context.Context, p mentorvault.Principal, relID, id string, to mentorvault.CommitmentStatus) (*mentorvault.Commitment, error) {
	var out *mentorvault.Commitment
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.relCall(ctx, tx, p, policy.UpdateCommitment, relID)
		if err != nil {
			return err
		}
		c, err := tx.FindCommitmentByID(ctx, id)
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && c.RelationshipID != rel.ID) || !mentorvault.ValidID(id) {
			return mentorvault.Errorf(mentorvault.ENOTFOUND, "commitment not found")
		} else if err != nil {
			return err
		}
		if to == mentorvault.CommitmentOpen {
			err = c.Accept(a.user.ID, tx.Now())
		} else {
			err = c.Close(to, a.user.ID, tx.Now())
		}
		if err != nil {
			return err
		}
		if err := tx.UpdateCommitment(ctx, c); err != nil {
			return err
		}
		out = c
		return s.record(ctx, tx, a, "commitment.update", target{orgID: rel.OrgID, relID: rel.ID, typ: "commitment", id: c.ID}, "status="+string(c.Status))
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
	if err := mentorvault.ValidateText("title", title, mentorvault.MaxCommitmentBytes); err != nil {
		return nil, err
	}
	var out *mentorvault.Goal
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.relCall(ctx, tx, p, policy.CreateGoal, relID)
		if err != nil {
			return err
		}
		key, err := s.dataKey(ctx, tx, rel.ID)
		if err != nil {
			return err
		}
		g := &mentorvault.Goal{ID: mentorvault.NewID(), RelationshipID: rel.ID, Status: mentorvault.GoalActive, CreatedByID: a.user.ID,
			CreatedAt: tx.Now(), UpdatedAt: tx.Now(), Title: mentorvault.NewSecret(title)}
		if g.TitleSealed, err = s.keys.Seal(key, goalAD(g), g.Title); err != nil {
			return err
		}
		if err := tx.CreateGoal(ctx, g); err != nil {
			return err
		}
		out = g
		return s.record(ctx, tx, a, "goal.create", target{orgID: rel.OrgID, relID: rel.ID, typ: "goal", id: g.ID}, "")
	})
	return out, err
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
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.relCall(ctx, tx, p, policy.CreateGoal, relID)
		if err != nil {
			return err
		}
		g, err := loadGoal(ctx, tx, rel, goalID)
		if err != nil {
			return err
		}
		if status != "" && status != g.Status {
			g.Status, g.UpdatedAt = status, tx.Now()
			if err := tx.UpdateGoal(ctx, g); err != nil {
				return err
			}
		}
		if body != "" {
			key, err := s.dataKey(ctx, tx, rel.ID)
			if err != nil {
				return err
			}
			pr := &mentorvault.GoalProgress{ID: mentorvault.NewID(), GoalID: g.ID, AuthorID: a.user.ID, CreatedAt: tx.Now(), Body: mentorvault.NewSecret(body)}
			if pr.BodySealed, err = s.keys.Seal(key, progressAD(rel.ID, pr), pr.Body); err != nil {
				return err
			}
			if err := tx.CreateGoalProgress(ctx, pr); err != nil {
				return err
			}
			out = pr
		}
		return s.record(ctx, tx, a, "goal.update", target{orgID: rel.OrgID, relID: rel.ID, typ: "goal", id: g.ID}, "status="+string(g.Status))
	})
	return out, err
}

// Goals lists a relationship's goals with their progress and commitments.
// Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Goals(ctx context.Context, p mentorvault.Principal, relID string) ([]*GoalView, error) {
	var out []*GoalView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.relCall(ctx, tx, p, policy.ListGoals, relID)
		if err != nil {
			return err
		}
		gs, err := tx.FindGoals(ctx, rel.ID)
		if err != nil {
			return err
		}
		if len(gs) > 0 {
			key, err := s.dataKey(ctx, tx, rel.ID)
			if err != nil {
				return err
			}
			byID := map[string]*GoalView{}
			for _, g := range gs {
				if g.Title, err = s.keys.Open(key, goalAD(g), g.TitleSealed); err != nil {
					return mentorvault.Internal(fmt.Errorf("open goal %s: %w", g.ID, err))
				}
				v := &GoalView{Goal: g}
				byID[g.ID] = v
				out = append(out, v)
			}
			prs, err := tx.FindGoalProgress(ctx, rel.ID)
			if err != nil {
				return err
			}
			for _, pr := range prs {
				if pr.Body, err = s.keys.Open(key, progressAD(rel.ID, pr), pr.BodySealed); err != nil {
					return mentorvault.Internal(fmt.Errorf("open goal progress %s: %w", pr.ID, err))
				}
				if v := byID[pr.GoalID]; v != nil {
					v.Progress = append(v.Progress, pr)
				}
			}
			cs, err := s.commitments(ctx, tx, rel)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if v := byID[c.GoalID]; v != nil {
					v.Commitments = append(v.Commitments, c)
				}
			}
		}
		return s.record(ctx, tx, a, "goal.list", relTarget(rel), fmt.Sprintf("count=%d", len(out)))
	})
	return out, err
}
