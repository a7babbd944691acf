package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
)

// SCIM provisioning: clients, the identities they keep and their groups.

const scimClientColumns = `id, org_id, name, token_hash, created_by_id, created_at, last_used_at, revoked_at`

func scanSCIMClient(s interface{ Scan(...any) error }) (*mentorvault.SCIMClient, error) {
	var c mentorvault.SCIMClient
	if err := s.Scan(&c.ID, &c.OrgID, &c.Name, bytesCol{&c.TokenHash}, stringCol{&c.CreatedByID}, timeCol{&c.CreatedAt},
		nullTimeCol{&c.LastUsedAt}, nullTimeCol{&c.RevokedAt}); err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateSCIMClient stores a new provisioning client. ECONFLICT on a duplicate.
func (tx *Tx) CreateSCIMClient(ctx context.Context, c *mentorvault.SCIMClient) error {
	_, err := tx.write(ctx, `INSERT INTO scim_clients (id, org_id, name, token_hash, created_by_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrgID, c.Name, c.TokenHash, nullString(c.CreatedByID), tx.d.timeArg(c.CreatedAt))
	return mapError("create scim client", "provisioning client", err)
}

// FindSCIMClientByHash returns the client with this token hash; ENOTFOUND.
func (tx *Tx) FindSCIMClientByHash(ctx context.Context, hash []byte) (*mentorvault.SCIMClient, error) {
	c, err := scanSCIMClient(tx.queryRow(ctx, `SELECT `+scimClientColumns+` FROM scim_clients WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, findErr("find scim client", "provisioning client", err)
	}
	return c, nil
}

// FindSCIMClientByID returns a client; ENOTFOUND.
func (tx *Tx) FindSCIMClientByID(ctx context.Context, id string) (*mentorvault.SCIMClient, error) {
	c, err := scanSCIMClient(tx.queryRow(ctx, `SELECT `+scimClientColumns+` FROM scim_clients WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find scim client", "provisioning client", err)
	}
	return c, nil
}

// FindSCIMClients lists an organisation's clients, oldest first.
func (tx *Tx) FindSCIMClients(ctx context.Context, orgID string) ([]*mentorvault.SCIMClient, error) {
	rows, err := tx.query(ctx, `SELECT `+scimClientColumns+` FROM scim_clients WHERE org_id = ? ORDER BY created_at, id`, orgID)
	return collect(rows, err, "find scim clients", func(r *sql.Rows) (*mentorvault.SCIMClient, error) { return scanSCIMClient(r) })
}

// RevokeSCIMClient revokes a client; revoking again keeps the first time. ENOTFOUND.
func (tx *Tx) RevokeSCIMClient(ctx context.Context, id string, at time.Time) error {
	return tx.execOne(ctx, "revoke scim client", "provisioning client",
		`UPDATE scim_clients SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, tx.d.timeArg(at), id)
}

// TouchSCIMClient records the client's last use.
func (tx *Tx) TouchSCIMClient(ctx context.Context, id string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE scim_clients SET last_used_at = ? WHERE id = ?`, tx.d.timeArg(at), id)
	return mapError("touch scim client", "provisioning client", err)
}

const scimPersonFrom = ` FROM users u LEFT JOIN scim_users s ON s.user_id = u.id
	WHERE u.org_id = ? AND (? = '' OR COALESCE(s.user_name_key, u.email) = ?) AND (? = '' OR s.external_id = ?) AND (? = '' OR u.email = ?)`

// FindSCIMPeople lists a page of the organisation's people, oldest first,
// with their SCIM identities, and counts every one f selects.
func (tx *Tx) FindSCIMPeople(ctx context.Context, f mentorvault.SCIMUserFilter) ([]*mentorvault.SCIMPerson, int, error) {
	name, email := strings.ToLower(f.UserName), mentorvault.NormalizeEmail(f.Email)
	args := []any{f.OrgID, name, name, f.ExternalID, f.ExternalID, email, email}
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*)`+scimPersonFrom, args...).Scan(&total); err != nil {
		return nil, 0, wrapErr("count scim people", err)
	}
	if f.Limit <= 0 || f.Offset >= total {
		return []*mentorvault.SCIMPerson{}, total, nil
	}
	rows, err := tx.query(ctx, `SELECT u.id, u.org_id, u.email, u.name, u.password_hash, u.manager_id, u.org_admin, u.requester, u.created_at, u.disabled_at,
		s.user_id, s.user_name, s.external_id, s.given_name, s.family_name, s.updated_at`+scimPersonFrom+
		` ORDER BY u.created_at, u.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	out, err := collect(rows, err, "find scim people", func(r *sql.Rows) (*mentorvault.SCIMPerson, error) {
		var (
			u       mentorvault.User
			id      mentorvault.SCIMIdentity
			updated *time.Time
		)
		if err := r.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.PasswordHash, stringCol{&u.ManagerID}, &u.OrgAdmin, &u.Requester,
			timeCol{&u.CreatedAt}, nullTimeCol{&u.DisabledAt}, stringCol{&id.UserID}, stringCol{&id.UserName}, stringCol{&id.ExternalID},
			stringCol{&id.GivenName}, stringCol{&id.FamilyName}, nullTimeCol{&updated}); err != nil {
			return nil, err
		}
		p := &mentorvault.SCIMPerson{User: &u}
		if id.UserID != "" {
			id.OrgID = u.OrgID
			if updated != nil {
				id.UpdatedAt = *updated
			}
			p.Identity = &id
		}
		return p, nil
	})
	if out == nil && err == nil {
		out = []*mentorvault.SCIMPerson{}
	}
	return out, total, err
}

// FindSCIMIdentity returns a person's SCIM identity; ENOTFOUND.
func (tx *Tx) FindSCIMIdentity(ctx context.Context, userID string) (*mentorvault.SCIMIdentity, error) {
	var id mentorvault.SCIMIdentity
	err := tx.queryRow(ctx, `SELECT user_id, org_id, user_name, external_id, given_name, family_name, updated_at FROM scim_users WHERE user_id = ?`, userID).
		Scan(&id.UserID, &id.OrgID, &id.UserName, &id.ExternalID, &id.GivenName, &id.FamilyName, timeCol{&id.UpdatedAt})
	if err != nil {
		return nil, findErr("find scim identity", "SCIM user", err)
	}
	return &id, nil
}

// PutSCIMIdentity creates or replaces a person's SCIM identity; ECONFLICT
// when the userName is another person's.
func (tx *Tx) PutSCIMIdentity(ctx context.Context, id *mentorvault.SCIMIdentity) error {
	_, err := tx.write(ctx, `INSERT INTO scim_users (user_id, org_id, user_name, user_name_key, external_id, given_name, family_name, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET user_name = excluded.user_name, user_name_key = excluded.user_name_key,
			external_id = excluded.external_id, given_name = excluded.given_name, family_name = excluded.family_name, updated_at = excluded.updated_at`,
		id.UserID, id.OrgID, id.UserName, strings.ToLower(id.UserName), id.ExternalID, id.GivenName, id.FamilyName, tx.d.timeArg(id.UpdatedAt))
	if constraint(err) == constraintUnique {
		return &mentorvault.Error{Code: mentorvault.ECONFLICT, Message: "another person has this userName", Err: err}
	}
	return mapError("put scim identity", "SCIM user", err)
}

func (tx *Tx) setSCIMMembers(ctx context.Context, g *mentorvault.SCIMGroup) error {
	if _, err := tx.exec(ctx, `DELETE FROM scim_group_members WHERE group_id = ?`, g.ID); err != nil {
		return mapError("set scim members", "group", err)
	}
	for _, uid := range g.Members {
		if _, err := tx.write(ctx, `INSERT INTO scim_group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, g.ID, uid); err != nil {
			return mapError("set scim members", "group member", err)
		}
	}
	return nil
}

func groupConflict(op string, err error) error {
	if constraint(err) == constraintUnique {
		return &mentorvault.Error{Code: mentorvault.ECONFLICT, Message: "a group with this displayName already exists", Err: err}
	}
	return mapError(op, "group", err)
}

// CreateSCIMGroup stores a group and its members. ECONFLICT on a taken display name.
func (tx *Tx) CreateSCIMGroup(ctx context.Context, g *mentorvault.SCIMGroup) error {
	_, err := tx.write(ctx, `INSERT INTO scim_groups (id, org_id, display_name, display_name_key, external_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, g.ID, g.OrgID, g.DisplayName, strings.ToLower(g.DisplayName), g.ExternalID,
		tx.d.timeArg(g.CreatedAt), tx.d.timeArg(g.UpdatedAt))
	if err != nil {
		return groupConflict("create scim group", err)
	}
	return tx.setSCIMMembers(ctx, g)
}

// UpdateSCIMGroup stores the group's names and time and replaces its members.
func (tx *Tx) UpdateSCIMGroup(ctx context.Context, g *mentorvault.SCIMGroup) error {
	res, err := tx.write(ctx, `UPDATE scim_groups SET display_name = ?, display_name_key = ?, external_id = ?, updated_at = ? WHERE id = ?`,
		g.DisplayName, strings.ToLower(g.DisplayName), g.ExternalID, tx.d.timeArg(g.UpdatedAt), g.ID)
	if err != nil {
		return groupConflict("update scim group", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapErr("update scim group", err)
	} else if n == 0 {
		return notFound("group")
	}
	return tx.setSCIMMembers(ctx, g)
}

const scimGroupColumns = `id, org_id, display_name, external_id, created_at, updated_at`

func scanSCIMGroup(s interface{ Scan(...any) error }) (*mentorvault.SCIMGroup, error) {
	var g mentorvault.SCIMGroup
	if err := s.Scan(&g.ID, &g.OrgID, &g.DisplayName, &g.ExternalID, timeCol{&g.CreatedAt}, timeCol{&g.UpdatedAt}); err != nil {
		return nil, err
	}
	g.Members = []string{}
	return &g, nil
}

// loadSCIMMembers fills in the members of gs with one query.
func (tx *Tx) loadSCIMMembers(ctx context.Context, gs []*mentorvault.SCIMGroup) error {
	if len(gs) == 0 {
		return nil
	}
	byID := map[string]*mentorvault.SCIMGroup{}
	marks := make([]string, len(gs))
	args := make([]any, len(gs))
	for i, g := range gs {
		byID[g.ID], marks[i], args[i] = g, "?", g.ID
	}
	rows, err := tx.query(ctx, `SELECT m.group_id, m.user_id FROM scim_group_members m JOIN users u ON u.id = m.user_id
		WHERE m.group_id IN (`+strings.Join(marks, ", ")+`) ORDER BY u.created_at, u.id`, args...)
	pairs, err := collect(rows, err, "find scim members", func(r *sql.Rows) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return err
	}
	for _, p := range pairs {
		byID[p[0]].Members = append(byID[p[0]].Members, p[1])
	}
	return nil
}

// FindSCIMGroupByID returns a group with its members; ENOTFOUND.
func (tx *Tx) FindSCIMGroupByID(ctx context.Context, id string) (*mentorvault.SCIMGroup, error) {
	g, err := scanSCIMGroup(tx.queryRow(ctx, `SELECT `+scimGroupColumns+` FROM scim_groups WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find scim group", "group", err)
	}
	return g, tx.loadSCIMMembers(ctx, []*mentorvault.SCIMGroup{g})
}

// FindSCIMGroups lists a page of the groups f selects by display name, and
// counts every one.
func (tx *Tx) FindSCIMGroups(ctx context.Context, f mentorvault.SCIMGroupFilter) ([]*mentorvault.SCIMGroup, int, error) {
	name := strings.ToLower(f.DisplayName)
	where := ` FROM scim_groups WHERE org_id = ? AND (? = '' OR display_name_key = ?) AND (? = '' OR external_id = ?)`
	args := []any{f.OrgID, name, name, f.ExternalID, f.ExternalID}
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, wrapErr("count scim groups", err)
	}
	if f.Limit <= 0 || f.Offset >= total {
		return []*mentorvault.SCIMGroup{}, total, nil
	}
	rows, err := tx.query(ctx, `SELECT `+scimGroupColumns+where+` ORDER BY display_name_key, id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	gs, err := collect(rows, err, "find scim groups", func(r *sql.Rows) (*mentorvault.SCIMGroup, error) { return scanSCIMGroup(r) })
	if err != nil {
		return nil, 0, err
	}
	return gs, total, tx.loadSCIMMembers(ctx, gs)
}

// FindUserSCIMGroups lists the groups a person is in, without members.
func (tx *Tx) FindUserSCIMGroups(ctx context.Context, userID string) ([]*mentorvault.SCIMGroup, error) {
	rows, err := tx.query(ctx, `SELECT g.id, g.org_id, g.display_name, g.external_id, g.created_at, g.updated_at
		FROM scim_groups g JOIN scim_group_members m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY g.display_name_key, g.id`, userID)
	return collect(rows, err, "find user scim groups", func(r *sql.Rows) (*mentorvault.SCIMGroup, error) { return scanSCIMGroup(r) })
}

// DeleteSCIMGroup deletes a group and its memberships; ENOTFOUND.
func (tx *Tx) DeleteSCIMGroup(ctx context.Context, id string) error {
	if _, err := tx.exec(ctx, `DELETE FROM scim_group_members WHERE group_id = ?`, id); err != nil {
		return mapError("delete scim group", "group", err)
	}
	return tx.execOne(ctx, "delete scim group", "group", `DELETE FROM scim_groups WHERE id = ?`, id)
}
