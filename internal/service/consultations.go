package service

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// consultationAD binds a message to its consultation, to who consults whom
// (the consultant and the supervisor are who may read it) and to which side
// wrote it.
func consultationAD(c *mentorvault.Consultation, m *mentorvault.ConsultationMessage) seal.AD {
	return seal.AD{RelationshipID: c.RelationshipID, Record: "consultation_message", RecordID: m.ID, Field: "body", Version: m.SealVersion,
		Bind: []seal.Binding{{Name: "consultation", Value: m.ConsultationID}, {Name: "consultant", Value: c.ConsultantID},
			{Name: "supervisor", Value: c.SupervisorID}, {Name: "from_supervisor", Value: strconv.FormatBool(m.FromSupervisor)}}}
}

// eachConsultationMessage lists every message of every consultation about
// a relationship (started by one of its parties) for VerifySealed.
func eachConsultationMessage(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	for _, party := range []string{rel.MentorID, rel.MenteeID} {
		cs, err := tx.FindConsultations(ctx, party, "")
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.RelationshipID != rel.ID {
				continue
			}
			ms, err := tx.FindConsultationMessages(ctx, c.ID)
			if err != nil {
				return err
			}
			for _, m := range ms {
				yield(sealedRecord{record: "consultation_message", id: m.ID, version: m.SealVersion, fields: []sealedField{{consultationAD(c, m), m.BodySealed}}})
			}
		}
	}
	return nil
}

func consultationResource(c *mentorvault.Consultation, orgID string) policy.Consultation {
	return policy.Consultation{ID: c.ID, ConsultantID: c.ConsultantID, SupervisorID: c.SupervisorID, ProgrammeID: c.ProgrammeID, OrgID: orgID, Closed: c.ClosedAt != nil}
}

// Supervisors lists the supervisors a party of relID may consult: those of
// the relationship's programme. Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Supervisors(ctx context.Context, p mentorvault.Principal, relID string) ([]Person, error) {
	var out []Person
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		_, rel, err := s.relCall(ctx, tx, p, policy.StartConsultation, relID)
		if err != nil {
			return err
		}
		out, err = supervisorsOf(ctx, tx, rel.ProgrammeID)
		return err
	})
	return out, err
}

func supervisorsOf(ctx context.Context, tx mentorvault.Tx, programmeID string) ([]Person, error) {
	roles, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{ProgrammeID: programmeID})
	if err != nil {
		return nil, err
	}
	var out []Person
	for _, r := range roles {
		if r.Role == mentorvault.RoleSupervisor {
			u, err := tx.FindUserByID(ctx, r.UserID)
			if err != nil {
				return nil, err
			}
			out = append(out, Person{ID: u.ID, Name: u.Name, Email: u.Email})
		}
	}
	return out, nil
}

// StartConsultation opens a thread with a supervisor of the relationship's
// programme, with a first message. The supervisor sees "a mentor/mentee in
// programme X", never who or which relationship. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) StartConsultation(ctx context.Context, p mentorvault.Principal, relID, supervisorID, concernID, message string) (*mentorvault.Consultation, error) {
	if err := lines(p, "supervisor_id", supervisorID, "concern_id", concernID); err != nil {
		return nil, err
	}
	if err := mentorvault.ValidateText("message", message, mentorvault.MaxConcernText); err != nil {
		return nil, err
	}
	var out *mentorvault.Consultation
	err := s.relOp(ctx, p, policy.StartConsultation, relID, partyRefusal, func(o *op) (event, error) {
		sups, err := supervisorsOf(o.ctx, o.tx, o.rel.ProgrammeID)
		if err != nil {
			return event{}, err
		}
		found := false
		for _, sp := range sups {
			found = found || sp.ID == supervisorID
		}
		if !found {
			return event{}, mentorvault.Invalid("the consultation is not valid", map[string]string{"supervisor_id": "is not a supervisor of this programme"})
		}
		if concernID != "" {
			if _, err := loadConcern(o.ctx, o.tx, o.rel, concernID); err != nil {
				return event{}, mentorvault.Invalid("the consultation is not valid", map[string]string{"concern_id": "is not a concern of this relationship"})
			}
		}
		vs, err := views(o.ctx, o.tx, o.rel.OrgID, []*mentorvault.Relationship{o.rel})
		if err != nil {
			return event{}, err
		}
		c := &mentorvault.Consultation{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, ConsultantID: o.a.user.ID, ConsultantRole: vs[0].Role(o.a.user.ID),
			SupervisorID: supervisorID, ProgrammeID: o.rel.ProgrammeID, ConcernID: concernID, CreatedAt: o.tx.Now()}
		if err := o.tx.CreateConsultation(o.ctx, c); err != nil {
			return event{}, err
		}
		sealed, err := s.addMessage(o.ctx, o.tx, c, false, message)
		if err != nil {
			return event{}, err
		}
		out = c
		if err := s.notify(o.ctx, o.tx, supervisorID, "consultation.started", "", c.ID,
			fmt.Sprintf("A %s in %s asks for your guidance, in confidence.", c.ConsultantRole, vs[0].ProgrammeName), "/consultations/"+c.ID, "consultation.started:"+c.ID); err != nil {
			return event{}, err
		}
		return event{"consultation.start", consultationTarget(o.rel.OrgID, c.ID), withSeal("", sealed)}, nil
	})
	return out, err
}

// addMessage seals and stores a message of c, returning what it sealed for
// the caller's audit event.
func (s *Service) addMessage(ctx context.Context, tx mentorvault.Tx, c *mentorvault.Consultation, fromSupervisor bool, body string) (sealedField, error) {
	key, err := s.dataKey(ctx, tx, c.RelationshipID)
	if err != nil {
		return sealedField{}, err
	}
	m := &mentorvault.ConsultationMessage{ID: mentorvault.NewID(), ConsultationID: c.ID, FromSupervisor: fromSupervisor, CreatedAt: tx.Now(),
		Body: mentorvault.NewSecret(body), SealVersion: 1}
	if m.BodySealed, err = s.keys.Seal(key, consultationAD(c, m), m.Body); err != nil {
		return sealedField{}, err
	}
	return sealedField{consultationAD(c, m), m.BodySealed}, tx.CreateConsultationMessage(ctx, m)
}

// ConsultationView is a consultation as its reader may see it. For the
// supervisor the consultant and relationship are withheld.
type ConsultationView struct {
	ID             string
	Mine           bool   // the caller is the consulting party
	ConsultantRole string // what the supervisor sees: "mentor", "mentee" or "partner"
	ProgrammeName  string
	Supervisor     Person
	RelationshipID string // only for the consulting party
	Closed         bool
	CreatedAt      string
	Messages       []*mentorvault.ConsultationMessage
	// Allowed holds what Cedar lets the viewer do to the consultation
	// (consultationActions): reading it, and posting to or closing it while
	// it is open.
	Allowed policy.Allowed
}

// consultationActions are the actions whose resource is a Consultation:
// what a consultation's page may offer its viewer.
var consultationActions = []policy.Action{policy.ReadConsultation, policy.PostConsultation}

func (s *Service) consultationView(ctx context.Context, tx mentorvault.Tx, a actor, c *mentorvault.Consultation, res policy.Consultation, withMessages bool) (*ConsultationView, error) {
	prog, err := tx.FindProgrammeByID(ctx, c.ProgrammeID)
	if err != nil {
		return nil, err
	}
	sup, err := tx.FindUserByID(ctx, c.SupervisorID)
	if err != nil {
		return nil, err
	}
	v := &ConsultationView{ID: c.ID, Mine: c.ConsultantID == a.user.ID, ConsultantRole: c.ConsultantRole, ProgrammeName: prog.Name,
		Supervisor: Person{ID: sup.ID, Name: sup.Name, Email: sup.Email}, Closed: c.ClosedAt != nil, CreatedAt: c.CreatedAt.Format("2 Jan 2006"),
		Allowed: s.allowed(ctx, a, res, consultationActions...)}
	if v.Mine {
		v.RelationshipID = c.RelationshipID
	}
	if !withMessages {
		return v, nil
	}
	key, err := s.dataKey(ctx, tx, c.RelationshipID)
	if err != nil {
		return nil, err
	}
	ms, err := tx.FindConsultationMessages(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.Body, err = s.keys.Open(key, consultationAD(c, m), m.BodySealed); err != nil {
			if err := s.damaged(ctx, "consultation message", m.ID, err); !isDamaged(err) {
				return nil, err
			}
			m.Damaged = true // shown as damaged; the rest of the thread is served
		}
	}
	v.Messages = ms
	return v, nil
}

// Consultations lists the caller's consultations: those they started and
// those they supervise. Returns EUNAUTHENTICATED.
func (s *Service) Consultations(ctx context.Context, p mentorvault.Principal) ([]*ConsultationView, error) {
	var out []*ConsultationView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out = nil // inTx may run this again: start afresh
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		mine, err := tx.FindConsultations(ctx, a.user.ID, "")
		if err != nil {
			return err
		}
		theirs, err := tx.FindConsultations(ctx, "", a.user.ID)
		if err != nil {
			return err
		}
		for _, c := range append(mine, theirs...) {
			res := consultationResource(c, a.user.OrgID)
			if err := s.authorize(ctx, tx, a, policy.ReadConsultation, res, consultationTarget(a.user.OrgID, c.ID), always); err != nil {
				return err
			}
			v, err := s.consultationView(ctx, tx, a, c, res, false)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// loadConsultation loads a consultation and decides act on it; a
// consultation the caller may not read is not_found. It returns the
// consultation as a resource too, for a view's Allowed.
func (s *Service) loadConsultation(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action, id string) (actor, *mentorvault.Consultation, policy.Consultation, error) {
	var res policy.Consultation
	a, err := s.resolve(ctx, tx, p, act)
	if err != nil {
		return a, nil, res, err
	}
	c, rel, err := lockRecord(ctx, tx, id, "consultation", tx.FindConsultationByID, func(c *mentorvault.Consultation) string { return c.RelationshipID })
	if err != nil {
		return a, nil, res, err
	}
	res = consultationResource(c, rel.OrgID)
	err = s.authorize(ctx, tx, a, act, res, consultationTarget(rel.OrgID, c.ID), s.unless(ctx, a, policy.ReadConsultation, res))
	if err != nil && c.ClosedAt != nil && mentorvault.ErrorCode(err) == mentorvault.EFORBIDDEN {
		err = denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "this consultation is closed")}
	}
	return a, c, res, err
}

// Consultation returns a consultation thread. Returns EUNAUTHENTICATED or ENOTFOUND.
func (s *Service) Consultation(ctx context.Context, p mentorvault.Principal, id string) (*ConsultationView, error) {
	var out *ConsultationView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, c, res, err := s.loadConsultation(ctx, tx, p, policy.ReadConsultation, id)
		if err != nil {
			return err
		}
		if out, err = s.consultationView(ctx, tx, a, c, res, true); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "consultation.read", consultationTarget(a.user.OrgID, c.ID), "")
	})
	return out, err
}

// PostConsultationMessage adds a message to a consultation, from the
// consulting party or the supervisor; the other is notified. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN (closed) or EINVALID.
func (s *Service) PostConsultationMessage(ctx context.Context, p mentorvault.Principal, id, body string) error {
	if err := mentorvault.ValidateText("body", body, mentorvault.MaxConcernText); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, c, _, err := s.loadConsultation(ctx, tx, p, policy.PostConsultation, id)
		if err != nil {
			return err
		}
		fromSup := a.user.ID == c.SupervisorID
		sealed, err := s.addMessage(ctx, tx, c, fromSup, body)
		if err != nil {
			return err
		}
		to, text := c.SupervisorID, "The "+c.ConsultantRole+" you are advising wrote again."
		if fromSup {
			to, text = c.ConsultantID, "Your mentoring supervisor replied to your consultation."
		}
		if err := s.notify(ctx, tx, to, "consultation.message", "", c.ID, text, "/consultations/"+c.ID, "consultation.message:"+c.ID+":"+tx.Now().Format("20060102150405.000000")); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "consultation.post", consultationTarget(a.user.OrgID, c.ID), withSeal("", sealed))
	})
}

// CloseConsultation ends a consultation (its consulting party or supervisor).
// Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) CloseConsultation(ctx context.Context, p mentorvault.Principal, id string) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, c, _, err := s.loadConsultation(ctx, tx, p, policy.PostConsultation, id)
		if err != nil {
			return err
		}
		t := tx.Now()
		c.ClosedAt = &t
		if err := tx.UpdateConsultation(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "consultation.close", consultationTarget(a.user.OrgID, c.ID), "")
	})
}
