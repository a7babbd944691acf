package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// ProgrammeView is a programme with its settings and latest guidelines.
// None of it is confidential.
type ProgrammeView struct {
	*mentorvault.Programme
	Settings   mentorvault.ProgrammeSettings
	Guidelines *mentorvault.Guidelines // latest, nil if none
	// Coordinators and Supervisors run the programme, by name.
	Coordinators, Supervisors []Person
	// Allowed holds what Cedar lets the viewer do to the programme
	// (programmeActions: edit its guidelines and settings, see its
	// anonymous feedback figures, change it, open or close its enrolment,
	// name its staff, enrol, list who enrolled).
	Allowed policy.Allowed
}

// programmeActions are what a programme's view says the viewer may do.
var programmeActions = []policy.Action{policy.ViewProgramme, policy.EditProgramme, policy.ViewFeedbackAggregates,
	policy.UpdateProgramme, policy.ProgrammeEnrolment, policy.ProgrammeStaff, policy.ProgrammeEnrol, policy.ListEnrolments}

func progResource(p *mentorvault.Programme) policy.Programme {
	return policy.Programme{ID: p.ID, OrgID: p.OrgID}
}

// programmeCall resolves the actor and programme and decides act.
func (s *Service) programmeCall(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action, id string) (actor, *mentorvault.Programme, error) {
	a, err := s.resolve(ctx, tx, p, act)
	if err != nil {
		return a, nil, err
	}
	if !mentorvault.ValidID(id) {
		return a, nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "programme not found")
	}
	prog, err := tx.FindProgrammeByID(ctx, id)
	if err != nil {
		return a, nil, err
	}
	return a, prog, s.authorize(ctx, tx, a, act, progResource(prog), progTarget(prog), s.unless(ctx, a, policy.ViewProgramme, progResource(prog)))
}

// Programme returns a programme's settings and guidelines to members of its
// organisation. Returns EUNAUTHENTICATED or ENOTFOUND.
func (s *Service) Programme(ctx context.Context, p mentorvault.Principal, id string) (*ProgrammeView, error) {
	var out *ProgrammeView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		var err error
		_, _, out, err = s.programmeIn(ctx, tx, p, id)
		return err
	})
	return out, err
}

// programmeIn is Programme inside a transaction of the caller's.
func (s *Service) programmeIn(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, id string) (actor, *mentorvault.Programme, *ProgrammeView, error) {
	a, prog, err := s.programmeCall(ctx, tx, p, policy.ViewProgramme, id)
	if err != nil {
		return a, nil, nil, err
	}
	out := &ProgrammeView{Programme: prog}
	if out.Settings, err = tx.FindProgrammeSettings(ctx, prog.ID); err != nil {
		return a, nil, nil, err
	}
	if g, err := tx.FindGuidelines(ctx, prog.ID, 0); err == nil {
		out.Guidelines = g
	} else if mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
		return a, nil, nil, err
	}
	roles, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{ProgrammeID: prog.ID})
	if err != nil {
		return a, nil, nil, err
	}
	out.Coordinators, out.Supervisors = []Person{}, []Person{}
	for _, r := range roles {
		who, err := person(ctx, tx, r.UserID)
		if err != nil {
			return a, nil, nil, err
		}
		switch r.Role {
		case mentorvault.RoleCoordinator:
			out.Coordinators = append(out.Coordinators, who)
		case mentorvault.RoleSupervisor:
			out.Supervisors = append(out.Supervisors, who)
		}
	}
	out.Allowed = s.allowed(ctx, a, progResource(prog), programmeActions...)
	return a, prog, out, nil
}

// Guidelines returns one published version of a programme's guidelines (0:
// the latest). Returns EUNAUTHENTICATED or ENOTFOUND.
func (s *Service) Guidelines(ctx context.Context, p mentorvault.Principal, programmeID string, version int) (*mentorvault.Guidelines, error) {
	var out *mentorvault.Guidelines
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		_, prog, err := s.programmeCall(ctx, tx, p, policy.ViewProgramme, programmeID)
		if err != nil {
			return err
		}
		out, err = tx.FindGuidelines(ctx, prog.ID, version)
		return err
	})
	return out, err
}

// UpdateProgrammeSettings replaces a programme's settings; its coordinators
// and org admins may. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) UpdateProgrammeSettings(ctx context.Context, p mentorvault.Principal, id string, st mentorvault.ProgrammeSettings) (*ProgrammeView, error) {
	if err := st.Validate(); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, prog, err := s.programmeCall(ctx, tx, p, policy.EditProgramme, id)
		if err != nil {
			return err
		}
		st.Template.Exceptions = withMandatory(st.Template.Exceptions, st.MandatoryExceptions)
		st.ProposalExpiryDays = st.ExpiryDays() // 0 (left out): the default
		if err := tx.UpdateProgrammeSettings(ctx, prog.ID, st); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "programme.settings", progTarget(prog), fmt.Sprintf("mentees_pick=%t; proposal_expiry_days=%d", st.MenteesPick, st.ProposalExpiryDays))
	})
	if err != nil {
		return nil, err
	}
	return s.Programme(ctx, p, id)
}

// PublishGuidelines publishes a new version of a programme's guidelines
// (Markdown). Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) PublishGuidelines(ctx context.Context, p mentorvault.Principal, id, body string) (*mentorvault.Guidelines, error) {
	switch {
	case !mentorvault.CleanText(body):
		return nil, mentorvault.Invalid("the guidelines are not valid", map[string]string{"body": "must be valid UTF-8 text without control characters"})
	case strings.TrimSpace(body) == "":
		return nil, mentorvault.Invalid("the guidelines are not valid", map[string]string{"body": "must not be empty"})
	case len(body) > mentorvault.MaxGuidelinesBytes:
		return nil, mentorvault.Invalid("the guidelines are not valid", map[string]string{"body": "is too long (at most 64 KiB)"})
	}
	var out *mentorvault.Guidelines
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, prog, err := s.programmeCall(ctx, tx, p, policy.EditProgramme, id)
		if err != nil {
			return err
		}
		next := 1
		if g, err := tx.FindGuidelines(ctx, prog.ID, 0); err == nil {
			next = g.Version + 1
		} else if mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			return err
		}
		out = &mentorvault.Guidelines{ProgrammeID: prog.ID, Version: next, Body: body, CreatedByID: a.user.ID, CreatedAt: tx.Now()}
		if err := tx.CreateGuidelines(ctx, out); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "programme.guidelines", progTarget(prog), fmt.Sprintf("version=%d", next))
	})
	return out, err
}
