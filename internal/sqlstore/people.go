package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
)

// FindPeople lists a page of an organisation's people by name (then ID).
// A query keeps those whose name_key or email starts with its search key: a
// range on the (org_id, name_key) and (org_id, email) indexes, compared
// byte by byte in both dialects (see 0010_people.sql).
func (tx *Tx) FindPeople(ctx context.Context, f mentorvault.PeopleFilter) ([]*mentorvault.User, error) {
	limit := clampLimit(f.Limit, mentorvault.DefaultPeoplePage, mentorvault.MaxPeoplePage)
	offset := max(f.Offset, 0)
	q := `SELECT ` + userColumns + ` FROM users WHERE org_id = ?`
	args := []any{f.OrgID}
	if key := mentorvault.SearchKey(f.Query); key != "" {
		// Each prefix is a range on its own index, and the matches are
		// fetched by ID: with a plain OR, or with org_id = ? outside the
		// subquery, SQLite walks the organisation's whole name index.
		hi := key + "\U0010FFFF"
		q = `SELECT ` + userColumns + ` FROM users WHERE id IN (
SELECT id FROM users WHERE org_id = ? AND name_key >= ? AND name_key < ?
UNION SELECT id FROM users WHERE org_id = ? AND email >= ? AND email < ?)`
		args = []any{f.OrgID, key, hi, f.OrgID, key, hi}
	}
	q += ` ORDER BY name_key, id LIMIT ? OFFSET ?`
	args = append(args, limit, offset)
	rows, err := tx.query(ctx, q, args...)
	return collect(rows, err, "find people", func(r *sql.Rows) (*mentorvault.User, error) { return scanUser(r) })
}

// UpdateUser stores a user's email, name, line manager, org admin flag and
// deactivation. Returns ENOTFOUND, ECONFLICT for an email already taken, or
// EINVALID for an unknown manager.
func (tx *Tx) UpdateUser(ctx context.Context, u *mentorvault.User) error {
	res, err := tx.write(ctx,
		`UPDATE users SET email = ?, name = ?, name_key = ?, manager_id = ?, org_admin = ?, disabled_at = ? WHERE id = ?`,
		u.Email, u.Name, mentorvault.SearchKey(u.Name), nullString(u.ManagerID), u.OrgAdmin, tx.d.nullTimeArg(u.DisabledAt), u.ID)
	if constraint(err) == constraintUnique {
		return &mentorvault.Error{Code: mentorvault.ECONFLICT, Message: "a user with this email address already exists", Err: err}
	}
	if err != nil {
		return mapError("update user", "user", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapErr("update user", err)
	} else if n == 0 {
		return notFound("user")
	}
	return nil
}

// userBatch is how many users one INSERT or IN (…) carries: few round
// trips, well under both dialects' limits on parameters.
const userBatch = 500

// CreateUsers stores new users with multi-row INSERTs. The caller orders
// them so that a manager comes before the people they manage. Returns
// ECONFLICT for a duplicate email or ID and EINVALID for an unknown
// organisation or manager.
func (tx *Tx) CreateUsers(ctx context.Context, us []*mentorvault.User) error {
	for start := 0; start < len(us); start += userBatch {
		batch := us[start:min(start+userBatch, len(us))]
		var q strings.Builder
		q.WriteString(`INSERT INTO users (id, org_id, email, name, password_hash, manager_id, org_admin, requester, created_at, disabled_at, name_key) VALUES `)
		args := make([]any, 0, len(batch)*11)
		for i, u := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, u.ID, u.OrgID, u.Email, u.Name, u.PasswordHash, nullString(u.ManagerID), u.OrgAdmin, u.Requester,
				tx.d.timeArg(u.CreatedAt), tx.d.nullTimeArg(u.DisabledAt), mentorvault.SearchKey(u.Name))
		}
		_, err := tx.write(ctx, q.String(), args...)
		if constraint(err) == constraintUnique {
			return &mentorvault.Error{Code: mentorvault.ECONFLICT, Message: "a user with one of these email addresses already exists", Err: err}
		}
		if err != nil {
			return mapError("create users", "user", err)
		}
	}
	return nil
}

// FindUsersByEmails returns the users with these emails, in batches.
func (tx *Tx) FindUsersByEmails(ctx context.Context, emails []string) ([]*mentorvault.User, error) {
	var out []*mentorvault.User
	for start := 0; start < len(emails); start += userBatch {
		batch := emails[start:min(start+userBatch, len(emails))]
		args := make([]any, len(batch))
		for i, e := range batch {
			args[i] = e
		}
		rows, err := tx.query(ctx, `SELECT `+userColumns+` FROM users WHERE email IN (?`+strings.Repeat(", ?", len(batch)-1)+`)`, args...)
		us, err := collect(rows, err, "find users by emails", func(r *sql.Rows) (*mentorvault.User, error) { return scanUser(r) })
		if err != nil {
			return nil, err
		}
		out = append(out, us...)
	}
	return out, nil
}

// CountOrgAdmins counts the organisation's org admins who are not deactivated.
func (tx *Tx) CountOrgAdmins(ctx context.Context, orgID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE org_id = ? AND org_admin = ? AND disabled_at IS NULL`, orgID, true).Scan(&n)
	return n, mapError("count org admins", "user", err)
}

// LockOrgPeople takes a transaction-scoped lock on the organisation's people
// (an advisory lock on PostgreSQL; SQLite's single writer already serialises).
func (tx *Tx) LockOrgPeople(ctx context.Context, orgID string) error {
	if lock := tx.d.keyLock(); lock != "" {
		if _, err := tx.exec(ctx, lock, "people:"+orgID); err != nil {
			return mapError("lock people", "user", err)
		}
	}
	return nil
}

// RevokeUserAPITokens revokes each of the user's tokens not revoked yet.
func (tx *Tx) RevokeUserAPITokens(ctx context.Context, userID string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, tx.d.timeArg(at), userID)
	return mapError("revoke user api tokens", "API token", err)
}

const invitationColumns = `id, user_id, token_hash, created_by_id, created_at, expires_at, used_at, revoked_at`

func scanInvitation(s interface{ Scan(...any) error }) (*mentorvault.Invitation, error) {
	var i mentorvault.Invitation
	if err := s.Scan(&i.ID, &i.UserID, bytesCol{&i.TokenHash}, stringCol{&i.CreatedByID}, timeCol{&i.CreatedAt},
		timeCol{&i.ExpiresAt}, nullTimeCol{&i.UsedAt}, nullTimeCol{&i.RevokedAt}); err != nil {
		return nil, err
	}
	return &i, nil
}

// CreateInvitation stores an invitation. Returns ECONFLICT for a duplicate
// token hash and EINVALID for an unknown user.
func (tx *Tx) CreateInvitation(ctx context.Context, inv *mentorvault.Invitation) error {
	_, err := tx.write(ctx, `INSERT INTO invitations (`+invitationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.UserID, inv.TokenHash, nullString(inv.CreatedByID), tx.d.timeArg(inv.CreatedAt), tx.d.timeArg(inv.ExpiresAt),
		tx.d.nullTimeArg(inv.UsedAt), tx.d.nullTimeArg(inv.RevokedAt))
	return mapError("create invitation", "invitation", err)
}

// FindInvitationByHash returns the invitation with this token hash, or ENOTFOUND.
func (tx *Tx) FindInvitationByHash(ctx context.Context, hash []byte) (*mentorvault.Invitation, error) {
	inv, err := scanInvitation(tx.queryRow(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, findErr("find invitation", "invitation", err)
	}
	return inv, nil
}

// FindInvitations lists a user's invitations, newest first.
func (tx *Tx) FindInvitations(ctx context.Context, userID string) ([]*mentorvault.Invitation, error) {
	rows, err := tx.query(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE user_id = ? ORDER BY created_at DESC, id DESC`, userID)
	return collect(rows, err, "find invitations", func(r *sql.Rows) (*mentorvault.Invitation, error) { return scanInvitation(r) })
}

// UseInvitation marks an unused, unrevoked invitation used. Returns
// ECONFLICT when it was used or revoked meanwhile.
func (tx *Tx) UseInvitation(ctx context.Context, id string, at time.Time) error {
	err := tx.execOne(ctx, "use invitation", "invitation",
		`UPDATE invitations SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL`, tx.d.timeArg(at), id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return mentorvault.Errorf(mentorvault.ECONFLICT, "this invitation link has already been used")
	}
	return err
}

// RevokeUserInvitations revokes the user's invitations not used or revoked yet.
func (tx *Tx) RevokeUserInvitations(ctx context.Context, userID string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE invitations SET revoked_at = ? WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL`, tx.d.timeArg(at), userID)
	return mapError("revoke invitations", "invitation", err)
}
