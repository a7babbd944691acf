package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Running programmes: an org admin creates a programme, changes what it is
// (name, description, kind, default mentor capacity), archives it, and names
// its coordinators and supervisors; a coordinator opens and closes its
// enrolment. Each call is decided by Cedar (programme.manage on the
// organisation; programme.update, programme.enrolment, programme.staff on the
// programme) and audited, denials included. A programme is not confidential.

// NewProgramme is a programme an org admin creates. A zero Kind is
// mentoring and a zero DefaultCapacity is one mentee a mentor.
type NewProgramme struct {
	Name, Description string
	Kind              mentorvault.ProgrammeKind
	EnrolmentOpen     bool
	DefaultCapacity   int
}

// ProgrammeUpdate changes a programme; nil fields stay as they are.
// EnrolmentOpen is decided as programme.enrolment (a coordinator may),
// Topics (the list people who enrol choose from) as programme.edit (a
// coordinator may), the rest as programme.update (org admins). Archived
// true archives the programme (and closes its enrolment), false brings it
// back.
type ProgrammeUpdate struct {
	Name, Description *string
	Kind              *mentorvault.ProgrammeKind
	EnrolmentOpen     *bool
	DefaultCapacity   *int
	Archived          *bool
	Topics            *[]string
}

// ProgrammeStaff names a programme's coordinators and supervisors, each by
// user ID or email address; it replaces whoever held those roles.
type ProgrammeStaff struct {
	Coordinators, Supervisors []string
}

// ProgrammeItem is one programme of a list, with the viewer's roles in it.
type ProgrammeItem struct {
	*mentorvault.Programme
	Roles []string // mentorvault.RoleCoordinator and/or RoleSupervisor
}

// ProgrammeList is the programmes a person can see on the programmes page:
// every one of the organisation for its admins, the ones they coordinate or
// supervise for anyone else.
type ProgrammeList struct {
	Programmes []*ProgrammeItem
	// Allowed holds what Cedar lets the viewer do on the organisation
	// (programme.manage: create a programme).
	Allowed policy.Allowed
}

func cleanProgramme(p *mentorvault.Programme) error {
	if err := mentorvault.ValidateLines("name", p.Name); err != nil {
		return err
	}
	p.Name = strings.TrimSpace(p.Name)
	p.Description = strings.TrimSpace(strings.ReplaceAll(p.Description, "\r\n", "\n"))
	return p.Validate()
}

// Programmes lists the programmes the caller can see (ProgrammeList),
// by name. Returns EUNAUTHENTICATED.
func (s *Service) Programmes(ctx context.Context, p mentorvault.Principal) (*ProgrammeList, error) {
	var out *ProgrammeList
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		// Listing is open to the organisation's members as its directory
		// is; what each sees is then decided per programme.
		a, err := s.resolve(ctx, tx, p, policy.ViewDirectory)
		if err != nil {
			return err
		}
		org := policy.Org{ID: a.user.OrgID}
		if err := s.authorize(ctx, tx, a, policy.ViewDirectory, org, orgTarget(org.ID), never); err != nil {
			return err
		}
		all := s.may(ctx, a, policy.ManageProgrammes, org)
		progs, err := tx.FindProgrammes(ctx, a.user.OrgID)
		if err != nil {
			return err
		}
		out = &ProgrammeList{Programmes: []*ProgrammeItem{}, Allowed: s.allowed(ctx, a, org, policy.ManageProgrammes)}
		for _, prog := range progs {
			var roles []string
			if slices.Contains(a.subj.Coordinates, prog.ID) {
				roles = append(roles, mentorvault.RoleCoordinator)
			}
			if slices.Contains(a.subj.Supervises, prog.ID) {
				roles = append(roles, mentorvault.RoleSupervisor)
			}
			if (all || len(roles) > 0) && s.may(ctx, a, policy.ViewProgramme, progResource(prog)) {
				out.Programmes = append(out.Programmes, &ProgrammeItem{Programme: prog, Roles: roles})
			}
		}
		return nil
	})
	return out, err
}

// CreateProgramme creates a programme in the caller's organisation; org
// admins only. Returns EUNAUTHENTICATED, EFORBIDDEN or EINVALID.
func (s *Service) CreateProgramme(ctx context.Context, p mentorvault.Principal, in NewProgramme) (*ProgrammeView, error) {
	prog := &mentorvault.Programme{ID: mentorvault.NewID(), Name: in.Name, Description: in.Description,
		Kind: in.Kind, EnrolmentOpen: in.EnrolmentOpen, DefaultCapacity: in.DefaultCapacity}
	if prog.Kind == "" {
		prog.Kind = mentorvault.ProgrammeMentoring
	}
	if prog.DefaultCapacity == 0 {
		prog.DefaultCapacity = 1
	}
	if err := cleanProgramme(prog); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.resolve(ctx, tx, p, policy.ManageProgrammes)
		if err != nil {
			return err
		}
		prog.OrgID = a.user.OrgID
		if err := s.authorize(ctx, tx, a, policy.ManageProgrammes, policy.Org{ID: prog.OrgID}, orgTarget(prog.OrgID), never); err != nil {
			return err
		}
		prog.CreatedAt = tx.Now()
		if err := tx.CreateProgramme(ctx, prog); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "programme.create", progTarget(prog),
			fmt.Sprintf("kind=%s; enrolment=%s; capacity=%d", prog.Kind, enrolmentWord(prog.EnrolmentOpen), prog.DefaultCapacity))
	})
	if err != nil {
		return nil, err
	}
	return s.Programme(ctx, p, prog.ID)
}

func enrolmentWord(open bool) string {
	if open {
		return "open"
	}
	return "closed"
}

// programmeChange resolves the actor, locks the programme and decides each
// of acts on it; the first refusal is audited and returned (not found when
// the actor may not even view the programme).
func (s *Service) programmeChange(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, id string, acts ...policy.Action) (actor, *mentorvault.Programme, error) {
	a, err := s.resolve(ctx, tx, p, acts[0])
	if err != nil {
		return a, nil, err
	}
	notFound := mentorvault.Errorf(mentorvault.ENOTFOUND, "programme not found")
	if !mentorvault.ValidID(id) {
		return a, nil, notFound
	}
	prog, err := tx.LockProgrammeByID(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return a, nil, notFound
	} else if err != nil {
		return a, nil, err
	}
	for _, act := range acts {
		if err := s.authorize(ctx, tx, a, act, progResource(prog), progTarget(prog), s.unless(ctx, a, policy.ViewProgramme, progResource(prog))); err != nil {
			return a, nil, err
		}
	}
	return a, prog, nil
}

// UpdateProgramme changes a programme (ProgrammeUpdate). Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) UpdateProgramme(ctx context.Context, p mentorvault.Principal, id string, upd ProgrammeUpdate) (*ProgrammeView, error) {
	var acts []policy.Action
	if upd.Name != nil || upd.Description != nil || upd.Kind != nil || upd.DefaultCapacity != nil || upd.Archived != nil {
		acts = append(acts, policy.UpdateProgramme)
	}
	if upd.EnrolmentOpen != nil {
		acts = append(acts, policy.ProgrammeEnrolment)
	}
	if upd.Topics != nil {
		acts = append(acts, policy.EditProgramme)
		for _, t := range *upd.Topics {
			if err := mentorvault.ValidateLines("topics", t); err != nil {
				return nil, err
			}
		}
	}
	if len(acts) == 0 {
		return nil, mentorvault.Invalid("nothing to change", map[string]string{"": "give at least one field to change"})
	}
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, prog, err := s.programmeChange(ctx, tx, p, id, acts...)
		if err != nil {
			return err
		}
		before := *prog
		var changed []string
		if upd.Name != nil && *upd.Name != prog.Name {
			prog.Name, changed = *upd.Name, append(changed, "name")
		}
		if upd.Description != nil && *upd.Description != prog.Description {
			prog.Description, changed = *upd.Description, append(changed, "description")
		}
		if upd.Kind != nil && *upd.Kind != prog.Kind {
			prog.Kind, changed = *upd.Kind, append(changed, "kind")
		}
		if upd.DefaultCapacity != nil && *upd.DefaultCapacity != prog.DefaultCapacity {
			prog.DefaultCapacity, changed = *upd.DefaultCapacity, append(changed, "default_capacity")
		}
		switch {
		case upd.Archived != nil && *upd.Archived && prog.ArchivedAt == nil:
			now := tx.Now()
			prog.ArchivedAt, changed = &now, append(changed, "archived")
			if upd.EnrolmentOpen == nil {
				prog.EnrolmentOpen = false // archiving closes enrolment
			}
		case upd.Archived != nil && !*upd.Archived && prog.ArchivedAt != nil:
			prog.ArchivedAt, changed = nil, append(changed, "unarchived")
		}
		if upd.EnrolmentOpen != nil {
			prog.EnrolmentOpen = *upd.EnrolmentOpen
		}
		topicsChanged := false
		if upd.Topics != nil {
			topics := trimmed(*upd.Topics)
			topicsChanged = !slices.Equal(topics, prog.Topics)
			prog.Topics = topics
		}
		if err := cleanProgramme(prog); err != nil {
			return err
		}
		if err := tx.UpdateProgramme(ctx, prog); err != nil {
			return err
		}
		if slices.Contains(acts, policy.UpdateProgramme) {
			detail := "changed=" + strings.Join(changed, ",")
			if len(changed) == 0 {
				detail = "unchanged"
			}
			if err := s.record(ctx, tx, a, "programme.update", progTarget(prog), detail); err != nil {
				return err
			}
		}
		if slices.Contains(acts, policy.EditProgramme) {
			detail := fmt.Sprintf("topics=%d", len(prog.Topics))
			if !topicsChanged {
				detail += "; unchanged"
			}
			if err := s.record(ctx, tx, a, "programme.topics", progTarget(prog), detail); err != nil {
				return err
			}
		}
		if slices.Contains(acts, policy.ProgrammeEnrolment) || prog.EnrolmentOpen != before.EnrolmentOpen {
			return s.record(ctx, tx, a, "programme.enrolment", progTarget(prog), "enrolment="+enrolmentWord(prog.EnrolmentOpen))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Programme(ctx, p, id)
}

// SetProgrammeStaff replaces a programme's coordinators and supervisors
// with active people of its organisation; org admins only. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) SetProgrammeStaff(ctx context.Context, p mentorvault.Principal, id string, st ProgrammeStaff) (*ProgrammeView, error) {
	for _, refs := range [][]string{st.Coordinators, st.Supervisors} {
		if len(refs) > 100 {
			return nil, mentorvault.Invalid("the staff is not valid", map[string]string{"": "at most 100 people a role"})
		}
		for _, r := range refs {
			if err := mentorvault.ValidateLines("person", r); err != nil {
				return nil, err
			}
		}
	}
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, prog, err := s.programmeChange(ctx, tx, p, id, policy.ProgrammeStaff)
		if err != nil {
			return err
		}
		var roles []mentorvault.ProgrammeRole
		ids := map[string][]string{}
		for _, set := range []struct {
			role, field string
			refs        []string
		}{
			{mentorvault.RoleCoordinator, "coordinators", st.Coordinators},
			{mentorvault.RoleSupervisor, "supervisors", st.Supervisors},
		} {
			seen := map[string]bool{}
			for i, ref := range set.refs {
				u, problem, err := staffMember(ctx, tx, prog.OrgID, ref)
				if err != nil {
					return err
				}
				if problem != "" {
					return mentorvault.Invalid("the staff is not valid", map[string]string{fmt.Sprintf("%s[%d]", set.field, i): problem})
				}
				if seen[u.ID] {
					continue
				}
				seen[u.ID] = true
				roles = append(roles, mentorvault.ProgrammeRole{ProgrammeID: prog.ID, UserID: u.ID, Role: set.role})
				ids[set.role] = append(ids[set.role], u.ID)
			}
		}
		if err := tx.SetProgrammeStaff(ctx, prog.ID, roles); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "programme.staff", progTarget(prog), fmt.Sprintf("coordinators=%s; supervisors=%s",
			strings.Join(ids[mentorvault.RoleCoordinator], ","), strings.Join(ids[mentorvault.RoleSupervisor], ",")))
	})
	if err != nil {
		return nil, err
	}
	return s.Programme(ctx, p, id)
}

// staffMember finds an active person of the organisation by ID or email;
// problem says what is wrong with ref when there is none.
func staffMember(ctx context.Context, tx mentorvault.Tx, orgID, ref string) (u *mentorvault.User, problem string, err error) {
	ref = strings.TrimSpace(ref)
	switch {
	case strings.Contains(ref, "@"):
		u, err = tx.FindUserByEmail(ctx, mentorvault.NormalizeEmail(ref))
	case mentorvault.ValidID(ref):
		u, err = tx.FindUserByID(ctx, ref)
	default:
		return nil, "must be a person's ID or email address", nil
	}
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && u.OrgID != orgID) {
		return nil, "no such person in the organisation", nil
	} else if err != nil {
		return nil, "", err
	}
	if u.DisabledAt != nil {
		return nil, "is deactivated", nil
	}
	return u, "", nil
}
