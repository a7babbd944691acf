package service

import (
	"context"
	"fmt"
	"maps"
	"slices"
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
		org, err := tx.FindOrgByID(ctx, prog.OrgID)
		if err != nil {
			return err
		}
		if st.KThreshold < org.KFloor {
			return mentorvault.Invalid("the programme settings are not valid", map[string]string{
				"k_threshold": fmt.Sprintf("must be at least %d, your organisation's floor", org.KFloor)})
		}
		old, err := tx.FindProgrammeSettings(ctx, prog.ID)
		if err != nil {
			return err
		}
		st.ProposalExpiryDays = st.ExpiryDays() // 0 (left out): the default
		if err := tx.UpdateProgrammeSettings(ctx, prog.ID, st); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, "programme.settings", progTarget(prog), fmt.Sprintf("mentees_pick=%t; proposal_expiry_days=%d", st.MenteesPick, st.ProposalExpiryDays)); err != nil {
			return err
		}
		return s.kChanged(ctx, tx, a, prog, max(old.KThreshold, org.KFloor), max(st.KThreshold, org.KFloor))
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

// kChanged audits a change of the k in force for a programme (from, to)
// and tells its participants: everyone enrolled and every party of a
// relationship of it not ended. Nothing when it did not change.
func (s *Service) kChanged(ctx context.Context, tx mentorvault.Tx, a actor, prog *mentorvault.Programme, from, to int) error {
	if from == to {
		return nil
	}
	if err := s.record(ctx, tx, a, "programme.k_change", progTarget(prog), fmt.Sprintf("from=%d; to=%d", from, to)); err != nil {
		return err
	}
	people := map[string]bool{}
	es, err := tx.FindEnrolments(ctx, mentorvault.EnrolmentFilter{ProgrammeID: prog.ID})
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.WithdrawnAt == nil {
			people[e.UserID] = true
		}
	}
	rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{ProgrammeID: prog.ID, Statuses: openStatuses})
	if err != nil {
		return err
	}
	for _, r := range rels {
		people[r.MentorID], people[r.MenteeID] = true, true
	}
	ids := slices.Sorted(maps.Keys(people))
	text := fmt.Sprintf("The programme %s now shows a figure about its people only when at least %d of them stand behind it (it was %d).", prog.Name, to, from)
	dedupe := fmt.Sprintf("programme.k_changed:%s:%d", prog.ID, tx.Now().UnixNano())
	for _, id := range ids {
		if err := s.notifyBy(ctx, tx, a.user.ID, id, mentorvault.NotifyProgrammeKChanged, "", prog.ID, text, "/programmes/"+prog.ID, dedupe); err != nil {
			return err
		}
	}
	return nil
}

// KFloorView is an organisation's floor under its programmes' k.
type KFloorView struct {
	KFloor int
}

// KFloor returns the caller's organisation's k floor (org.privacy: its org
// admins). Returns EUNAUTHENTICATED or EFORBIDDEN.
func (s *Service) KFloor(ctx context.Context, p mentorvault.Principal) (*KFloorView, error) {
	var out *KFloorView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManagePrivacy)
		if err != nil {
			return err
		}
		org, err := tx.FindOrgByID(ctx, a.user.OrgID)
		if err != nil {
			return err
		}
		out = &KFloorView{KFloor: org.KFloor}
		return nil
	})
	return out, err
}

// SetKFloor sets the caller's organisation's k floor: no programme's
// figures stand on fewer people. Raising it above a programme's threshold
// raises that programme's k, which is audited and announced as a change of
// its own; lowering it changes no programme (each keeps its threshold).
// Audited as org.k_floor. Returns EUNAUTHENTICATED, EFORBIDDEN or EINVALID.
func (s *Service) SetKFloor(ctx context.Context, p mentorvault.Principal, k int) (*KFloorView, error) {
	if !mentorvault.ValidKFloor(k) {
		return nil, mentorvault.Invalid("the privacy floor is not valid", map[string]string{"k_floor": "must be from 2 to 100"})
	}
	var out *KFloorView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManagePrivacy)
		if err != nil {
			return err
		}
		org, err := tx.FindOrgByID(ctx, a.user.OrgID)
		if err != nil {
			return err
		}
		if err := tx.SetOrgKFloor(ctx, org.ID, k); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, "org.k_floor", orgTarget(org.ID), fmt.Sprintf("from=%d; to=%d", org.KFloor, k)); err != nil {
			return err
		}
		progs, err := tx.FindProgrammes(ctx, org.ID)
		if err != nil {
			return err
		}
		for _, pr := range progs {
			if pr.ArchivedAt != nil {
				continue
			}
			st, err := tx.FindProgrammeSettings(ctx, pr.ID)
			if err != nil {
				return err
			}
			if err := s.kChanged(ctx, tx, a, pr, max(st.KThreshold, org.KFloor), max(st.KThreshold, k)); err != nil {
				return err
			}
		}
		out = &KFloorView{KFloor: k}
		return nil
	})
	return out, err
}
