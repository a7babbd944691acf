package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/mentorvault/mentorvault"
)

// CreateOrg stores a new organisation (with DefaultKFloor when its KFloor
// is zero). Returns ECONFLICT for a duplicate ID.
func (tx *Tx) CreateOrg(ctx context.Context, o *mentorvault.Org) error {
	if o.KFloor == 0 {
		o.KFloor = mentorvault.DefaultKFloor
	}
	_, err := tx.write(ctx, `INSERT INTO orgs (id, name, created_at, k_floor) VALUES (?, ?, ?, ?)`,
		o.ID, o.Name, tx.d.timeArg(o.CreatedAt), o.KFloor)
	return mapError("create org", "organisation", err)
}

const orgColumns = `id, name, created_at, k_floor`

func scanOrg(s interface{ Scan(...any) error }) (*mentorvault.Org, error) {
	var o mentorvault.Org
	if err := s.Scan(&o.ID, &o.Name, timeCol{&o.CreatedAt}, &o.KFloor); err != nil {
		return nil, err
	}
	return &o, nil
}

// FindOrgByID returns an organisation, or ENOTFOUND.
func (tx *Tx) FindOrgByID(ctx context.Context, id string) (*mentorvault.Org, error) {
	o, err := scanOrg(tx.queryRow(ctx, `SELECT `+orgColumns+` FROM orgs WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find org", "organisation", err)
	}
	return o, nil
}

// FindOrgs lists every organisation by name.
func (tx *Tx) FindOrgs(ctx context.Context) ([]*mentorvault.Org, error) {
	rows, err := tx.query(ctx, `SELECT `+orgColumns+` FROM orgs ORDER BY name, id`)
	return collect(rows, err, "find orgs", func(r *sql.Rows) (*mentorvault.Org, error) { return scanOrg(r) })
}

// CreateProgramme stores a new programme. Returns ECONFLICT for a duplicate
// ID and EINVALID for an unknown organisation.
func (tx *Tx) CreateProgramme(ctx context.Context, p *mentorvault.Programme) error {
	_, err := tx.write(ctx, `INSERT INTO programmes (id, org_id, name, description, kind, enrolment_open, default_capacity, topics, created_at, archived_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.OrgID, p.Name, p.Description, string(programmeKind(p.Kind)), p.EnrolmentOpen, programmeCapacity(p.DefaultCapacity),
		jsonList(p.Topics), tx.d.timeArg(p.CreatedAt), tx.d.nullTimeArg(p.ArchivedAt))
	return mapError("create programme", "programme", err)
}

// programmeKind and programmeCapacity give the defaults of a programme made
// before kinds and capacities (the operator's programme create).
func programmeKind(k mentorvault.ProgrammeKind) mentorvault.ProgrammeKind {
	if k == "" {
		return mentorvault.ProgrammeMentoring
	}
	return k
}

func programmeCapacity(n int) int {
	if n == 0 {
		return 1
	}
	return n
}

const programmeColumns = `id, org_id, name, description, kind, enrolment_open, default_capacity, topics, created_at, archived_at`

func scanProgramme(s interface{ Scan(...any) error }) (*mentorvault.Programme, error) {
	var p mentorvault.Programme
	var kind string
	if err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.Description, &kind, &p.EnrolmentOpen, &p.DefaultCapacity,
		listCol{&p.Topics}, timeCol{&p.CreatedAt}, nullTimeCol{&p.ArchivedAt}); err != nil {
		return nil, err
	}
	p.Kind = mentorvault.ProgrammeKind(kind)
	return &p, nil
}

// FindProgrammeByID returns a programme, or ENOTFOUND.
func (tx *Tx) FindProgrammeByID(ctx context.Context, id string) (*mentorvault.Programme, error) {
	p, err := scanProgramme(tx.queryRow(ctx, `SELECT `+programmeColumns+` FROM programmes WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find programme", "programme", err)
	}
	return p, nil
}

// LockProgrammeByID finds a programme and locks its row until the
// transaction ends. Returns ENOTFOUND.
func (tx *Tx) LockProgrammeByID(ctx context.Context, id string) (*mentorvault.Programme, error) {
	p, err := scanProgramme(tx.queryRow(ctx, `SELECT `+programmeColumns+` FROM programmes WHERE id = ?`+tx.d.forUpdate(), id))
	if err != nil {
		return nil, findErr("lock programme", "programme", err)
	}
	return p, nil
}

// UpdateProgramme stores a programme's editable fields. Returns ENOTFOUND.
func (tx *Tx) UpdateProgramme(ctx context.Context, p *mentorvault.Programme) error {
	res, err := tx.write(ctx, `UPDATE programmes SET name = ?, description = ?, kind = ?, enrolment_open = ?, default_capacity = ?, topics = ?, archived_at = ? WHERE id = ?`,
		p.Name, p.Description, string(p.Kind), p.EnrolmentOpen, p.DefaultCapacity, jsonList(p.Topics), tx.d.nullTimeArg(p.ArchivedAt), p.ID)
	if err != nil {
		return mapError("update programme", "programme", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapErr("update programme", err)
	} else if n == 0 {
		return notFound("programme")
	}
	return nil
}

// SetProgrammeStaff replaces a programme's roles. Returns EINVALID for an
// unknown user.
func (tx *Tx) SetProgrammeStaff(ctx context.Context, programmeID string, roles []mentorvault.ProgrammeRole) error {
	if _, err := tx.write(ctx, `DELETE FROM programme_roles WHERE programme_id = ?`, programmeID); err != nil {
		return mapError("set programme staff", "programme role", err)
	}
	for _, r := range roles {
		if r.ProgrammeID != programmeID {
			return mentorvault.Errorf(mentorvault.EINVALID, "a role of another programme")
		}
		if err := tx.AddProgrammeRole(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// FindProgrammes lists an organisation's programmes by name.
func (tx *Tx) FindProgrammes(ctx context.Context, orgID string) ([]*mentorvault.Programme, error) {
	rows, err := tx.query(ctx, `SELECT `+programmeColumns+` FROM programmes WHERE org_id = ? ORDER BY name, id`, orgID)
	return collect(rows, err, "find programmes", func(r *sql.Rows) (*mentorvault.Programme, error) { return scanProgramme(r) })
}

// AddProgrammeRole gives a user a role in a programme. Returns ECONFLICT if
// they already hold it and EINVALID for an unknown programme, user or role.
func (tx *Tx) AddProgrammeRole(ctx context.Context, r mentorvault.ProgrammeRole) error {
	_, err := tx.write(ctx, `INSERT INTO programme_roles (programme_id, user_id, role) VALUES (?, ?, ?)`,
		r.ProgrammeID, r.UserID, r.Role)
	return mapError("add programme role", "programme role", err)
}

// FindProgrammeRoles lists the roles f selects (by user, programme and/or
// role), ordered by programme, user and role.
func (tx *Tx) FindProgrammeRoles(ctx context.Context, f mentorvault.ProgrammeRoleFilter) ([]mentorvault.ProgrammeRole, error) {
	var where []string
	var args []any
	if f.UserID != "" {
		where, args = append(where, "user_id = ?"), append(args, f.UserID)
	}
	if f.ProgrammeID != "" {
		where, args = append(where, "programme_id = ?"), append(args, f.ProgrammeID)
	}
	if f.Role != "" {
		where, args = append(where, "role = ?"), append(args, f.Role)
	}
	q := `SELECT programme_id, user_id, role FROM programme_roles`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY programme_id, user_id, role`
	rows, err := tx.query(ctx, q, args...)
	return collect(rows, err, "find programme roles", func(r *sql.Rows) (mentorvault.ProgrammeRole, error) {
		var pr mentorvault.ProgrammeRole
		err := r.Scan(&pr.ProgrammeID, &pr.UserID, &pr.Role)
		return pr, err
	})
}
