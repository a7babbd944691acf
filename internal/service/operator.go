package service

import (
	"context"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
)

// The operator runs the server and holds the database and the master key.
// These calls bootstrap an organisation from the command line (mentorvault
// user add, token create, demo); the HTTP server never calls them. They touch
// no content and each is audited with the actor "operator" (via=cli).

func operatorActor() actor { return actor{p: mentorvault.Principal{Via: "cli"}} }

// OperatorCreateOrg creates an organisation. Returns EINVALID.
func (s *Service) OperatorCreateOrg(ctx context.Context, name string) (*mentorvault.Org, error) {
	if err := mentorvault.ValidateLines("name", name); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return nil, mentorvault.Invalid("the organisation is not valid", map[string]string{"name": "is required (at most 200 characters)"})
	}
	o := &mentorvault.Org{ID: mentorvault.NewID(), Name: name}
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		o.CreatedAt = tx.Now()
		if err := tx.CreateOrg(ctx, o); err != nil {
			return err
		}
		return s.record(ctx, tx, operatorActor(), "org.create", target{orgID: o.ID, typ: "org", id: o.ID}, "")
	})
	return o, err
}

// Orgs lists the organisations (operator only).
func (s *Service) Orgs(ctx context.Context) ([]*mentorvault.Org, error) {
	var out []*mentorvault.Org
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		var err error
		out, err = tx.FindOrgs(ctx)
		return err
	})
	return out, err
}

// NewUser is an account to create.
type NewUser struct {
	OrgID        string
	NewOrgName   string // with no OrgID: the organisation to create with the user, in one transaction
	Email        string
	Name         string
	Password     string
	ManagerEmail string // optional line manager
	OrgAdmin     bool
	Requester    bool
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// OperatorAddUser creates an account and returns it (without its password
// hash). Returns EINVALID or ECONFLICT (email taken).
func (s *Service) OperatorAddUser(ctx context.Context, in NewUser) (*Account, error) {
	if err := mentorvault.ValidateLines("org_id", in.OrgID, "email", in.Email, "name", in.Name, "password", in.Password, "manager_email", in.ManagerEmail); err != nil {
		return nil, err
	}
	if problem := passwordProblem(in.Password); problem != "" {
		return nil, mentorvault.Invalid("the user is not valid", map[string]string{"password": problem})
	}
	var newOrg *mentorvault.Org
	if in.OrgID == "" && in.NewOrgName != "" {
		if err := mentorvault.ValidateLines("org", in.NewOrgName); err != nil {
			return nil, err
		}
		name := strings.TrimSpace(in.NewOrgName)
		if name == "" || len(name) > 200 {
			return nil, mentorvault.Invalid("the organisation is not valid", map[string]string{"name": "is required (at most 200 characters)"})
		}
		newOrg = &mentorvault.Org{ID: mentorvault.NewID(), Name: name}
		in.OrgID = newOrg.ID
	}
	hash, err := auth.HashPassword(in.Password, s.opts.PasswordParams)
	if err != nil {
		return nil, err
	}
	u := &mentorvault.User{ID: mentorvault.NewID(), OrgID: in.OrgID, Email: mentorvault.NormalizeEmail(in.Email),
		Name: strings.TrimSpace(in.Name), PasswordHash: hash, OrgAdmin: in.OrgAdmin, Requester: in.Requester}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		if newOrg != nil {
			// The organisation and its first user are made together: a
			// refused user leaves no organisation behind.
			newOrg.CreatedAt = tx.Now()
			if err := tx.CreateOrg(ctx, newOrg); err != nil {
				return err
			}
			if err := s.record(ctx, tx, operatorActor(), "org.create", target{orgID: newOrg.ID, typ: "org", id: newOrg.ID}, ""); err != nil {
				return err
			}
		} else if _, err := tx.FindOrgByID(ctx, u.OrgID); err != nil {
			return mentorvault.Invalid("the user is not valid", map[string]string{"org": "no such organisation"})
		}
		if in.ManagerEmail != "" {
			m, err := tx.FindUserByEmail(ctx, mentorvault.NormalizeEmail(in.ManagerEmail))
			if err != nil || m.OrgID != u.OrgID {
				return mentorvault.Invalid("the user is not valid", map[string]string{"manager": "is not the email of anyone in the organisation"})
			}
			u.ManagerID = m.ID
		}
		u.CreatedAt = tx.Now()
		if err := tx.CreateUser(ctx, u); err != nil {
			if mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
				return mentorvault.Errorf(mentorvault.ECONFLICT, "a user with email %s already exists", u.Email)
			}
			return err
		}
		return s.record(ctx, tx, operatorActor(), "user.create", target{orgID: u.OrgID, typ: "user", id: u.ID}, "")
	})
	if err != nil {
		return nil, err
	}
	return accountOf(u), nil
}

// OperatorCreateProgramme creates a programme. Returns EINVALID.
func (s *Service) OperatorCreateProgramme(ctx context.Context, orgID, name string) (*mentorvault.Programme, error) {
	if err := mentorvault.ValidateLines("org_id", orgID, "name", name); err != nil {
		return nil, err
	}
	p := &mentorvault.Programme{ID: mentorvault.NewID(), OrgID: orgID, Name: strings.TrimSpace(name),
		Kind: mentorvault.ProgrammeMentoring, DefaultCapacity: 1}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		p.CreatedAt = tx.Now()
		if err := tx.CreateProgramme(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, operatorActor(), "programme.create", target{orgID: orgID, typ: "programme", id: p.ID}, "")
	})
	return p, err
}

// OperatorAddProgrammeRole makes a user coordinator or supervisor of a programme. Returns EINVALID.
func (s *Service) OperatorAddProgrammeRole(ctx context.Context, programmeID, email, role string) error {
	if err := mentorvault.ValidateLines("programme_id", programmeID, "email", email, "role", role); err != nil {
		return err
	}
	if role != mentorvault.RoleCoordinator && role != mentorvault.RoleSupervisor {
		return mentorvault.Invalid("the role is not valid", map[string]string{"role": `must be "coordinator" or "supervisor"`})
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		u, err := tx.FindUserByEmail(ctx, mentorvault.NormalizeEmail(email))
		if err != nil {
			return mentorvault.Invalid("the role is not valid", map[string]string{"email": "no such user"})
		}
		prog, err := tx.FindProgrammeByID(ctx, programmeID)
		if err != nil || prog.OrgID != u.OrgID {
			return mentorvault.Invalid("the role is not valid", map[string]string{"programme": "no such programme in the user's organisation"})
		}
		if err := tx.AddProgrammeRole(ctx, mentorvault.ProgrammeRole{ProgrammeID: programmeID, UserID: u.ID, Role: role}); err != nil {
			return err
		}
		return s.record(ctx, tx, operatorActor(), "programme.role.add", target{orgID: u.OrgID, typ: "user", id: u.ID}, "role="+role)
	})
}

// OperatorCreateToken issues an API token for the user with email. Returns EINVALID.
func (s *Service) OperatorCreateToken(ctx context.Context, email, name string) (string, *mentorvault.APIToken, error) {
	if err := mentorvault.ValidateLines("email", email, "name", name); err != nil {
		return "", nil, err
	}
	var (
		raw string
		out *mentorvault.APIToken
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		u, err := tx.FindUserByEmail(ctx, mentorvault.NormalizeEmail(email))
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return mentorvault.Invalid("no such user", map[string]string{"email": "no user has this email"})
		} else if err != nil {
			return err
		}
		raw, out, err = s.createToken(ctx, tx, operatorActor(), u, name)
		return err
	})
	return raw, out, err
}
