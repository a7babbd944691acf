package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
)

// CreateUser stores a new user. Returns ECONFLICT for a duplicate email or
// ID and EINVALID for an unknown organisation or manager.
func (tx *Tx) CreateUser(ctx context.Context, u *mentorvault.User) error {
	_, err := tx.write(ctx, `INSERT INTO users (id, org_id, email, name, password_hash, manager_id, org_admin, requester, created_at, disabled_at, name_key)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.OrgID, u.Email, u.Name, u.PasswordHash, nullString(u.ManagerID), u.OrgAdmin, u.Requester,
		tx.d.timeArg(u.CreatedAt), tx.d.nullTimeArg(u.DisabledAt), mentorvault.SearchKey(u.Name))
	if constraint(err) == constraintUnique {
		return &mentorvault.Error{Code: mentorvault.ECONFLICT, Message: "a user with this email address already exists", Err: err}
	}
	return mapError("create user", "user", err)
}

const userColumns = `id, org_id, email, name, password_hash, manager_id, org_admin, requester, created_at, disabled_at`

func scanUser(s interface{ Scan(...any) error }) (*mentorvault.User, error) {
	var u mentorvault.User
	if err := s.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.PasswordHash, stringCol{&u.ManagerID},
		&u.OrgAdmin, &u.Requester, timeCol{&u.CreatedAt}, nullTimeCol{&u.DisabledAt}); err != nil {
		return nil, err
	}
	return &u, nil
}

// FindUserByID returns a user, or ENOTFOUND.
func (tx *Tx) FindUserByID(ctx context.Context, id string) (*mentorvault.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find user", "user", err)
	}
	return u, nil
}

// FindUserByEmail returns the user with this (lower-case) email, or ENOTFOUND.
func (tx *Tx) FindUserByEmail(ctx context.Context, email string) (*mentorvault.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
	if err != nil {
		return nil, findErr("find user", "user", err)
	}
	return u, nil
}

// FindUsers lists an organisation's users by name.
func (tx *Tx) FindUsers(ctx context.Context, orgID string) ([]*mentorvault.User, error) {
	rows, err := tx.query(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = ? ORDER BY name, id`, orgID)
	return collect(rows, err, "find users", func(r *sql.Rows) (*mentorvault.User, error) { return scanUser(r) })
}

// FindUsersByIDs returns the users with these IDs in one query (unknown
// IDs are left out), ordered by ID.
func (tx *Tx) FindUsersByIDs(ctx context.Context, ids []string) ([]*mentorvault.User, error) {
	seen := make(map[string]bool, len(ids))
	var args []any
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return nil, nil
	}
	rows, err := tx.query(ctx, `SELECT `+userColumns+` FROM users WHERE id IN (`+marks(len(args))+`) ORDER BY id`, args...)
	return collect(rows, err, "find users by IDs", func(r *sql.Rows) (*mentorvault.User, error) { return scanUser(r) })
}

// marks returns n comma-separated placeholders, for an IN list.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// UpdateUserPassword replaces a user's password hash. Returns ENOTFOUND.
func (tx *Tx) UpdateUserPassword(ctx context.Context, id, hash string) error {
	return tx.execOne(ctx, "update user password", "user", `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
}

// CreateSession stores a new session. Returns ECONFLICT for a duplicate
// token hash and EINVALID for an unknown user.
func (tx *Tx) CreateSession(ctx context.Context, s *mentorvault.Session) error {
	_, err := tx.write(ctx, `INSERT INTO sessions (id, token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.TokenHash, s.UserID, s.CSRFToken, tx.d.timeArg(s.CreatedAt), tx.d.timeArg(s.ExpiresAt), tx.d.timeArg(s.LastSeenAt))
	return mapError("create session", "session", err)
}

// FindSessionByHash returns the session with this token hash, or ENOTFOUND.
// Expiry is the caller's to check.
func (tx *Tx) FindSessionByHash(ctx context.Context, hash []byte) (*mentorvault.Session, error) {
	var s mentorvault.Session
	err := tx.queryRow(ctx, `SELECT id, token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at FROM sessions WHERE token_hash = ?`, hash).
		Scan(&s.ID, bytesCol{&s.TokenHash}, &s.UserID, &s.CSRFToken, timeCol{&s.CreatedAt}, timeCol{&s.ExpiresAt}, timeCol{&s.LastSeenAt})
	if err != nil {
		return nil, findErr("find session", "session", err)
	}
	return &s, nil
}

// TouchSession records that a session was used at at. Returns ENOTFOUND.
func (tx *Tx) TouchSession(ctx context.Context, id string, at time.Time) error {
	return tx.execOne(ctx, "touch session", "session", `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, tx.d.timeArg(at), id)
}

// DeleteSession ends a session; a missing session is not an error.
func (tx *Tx) DeleteSession(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	return mapError("delete session", "session", err)
}

// DeleteStaleSessions deletes expired and idle sessions.
func (tx *Tx) DeleteStaleSessions(ctx context.Context, now, idleSince time.Time) (int, error) {
	res, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?`, tx.d.timeArg(now), tx.d.timeArg(idleSince))
	if err != nil {
		return 0, mapError("delete stale sessions", "session", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// DeleteUserSessions ends every session of a user.
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return mapError("delete user sessions", "session", err)
}

// DeleteOtherUserSessions ends every session of a user but keepID.
func (tx *Tx) DeleteOtherUserSessions(ctx context.Context, userID, keepID string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepID)
	return mapError("delete user sessions", "session", err)
}

// CreateAPIToken stores a new API token. Returns ECONFLICT for a duplicate
// hash and EINVALID for an unknown user.
func (tx *Tx) CreateAPIToken(ctx context.Context, t *mentorvault.APIToken) error {
	_, err := tx.write(ctx, `INSERT INTO api_tokens (id, user_id, name, hash, created_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.UserID, t.Name, t.Hash, tx.d.timeArg(t.CreatedAt), tx.d.nullTimeArg(t.LastUsedAt), tx.d.nullTimeArg(t.RevokedAt))
	return mapError("create api token", "API token", err)
}

const apiTokenColumns = `id, user_id, name, hash, created_at, last_used_at, revoked_at`

func scanAPIToken(s interface{ Scan(...any) error }) (*mentorvault.APIToken, error) {
	var t mentorvault.APIToken
	if err := s.Scan(&t.ID, &t.UserID, &t.Name, bytesCol{&t.Hash}, timeCol{&t.CreatedAt},
		nullTimeCol{&t.LastUsedAt}, nullTimeCol{&t.RevokedAt}); err != nil {
		return nil, err
	}
	return &t, nil
}

// FindAPITokenByHash returns the token with this hash, revoked or not, or ENOTFOUND.
func (tx *Tx) FindAPITokenByHash(ctx context.Context, hash []byte) (*mentorvault.APIToken, error) {
	t, err := scanAPIToken(tx.queryRow(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE hash = ?`, hash))
	if err != nil {
		return nil, findErr("find api token", "API token", err)
	}
	return t, nil
}

// FindAPITokens lists a user's tokens, newest first.
func (tx *Tx) FindAPITokens(ctx context.Context, userID string) ([]*mentorvault.APIToken, error) {
	rows, err := tx.query(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC`, userID)
	return collect(rows, err, "find api tokens", func(r *sql.Rows) (*mentorvault.APIToken, error) { return scanAPIToken(r) })
}

// TouchAPIToken records that a token was used at at. Returns ENOTFOUND.
func (tx *Tx) TouchAPIToken(ctx context.Context, id string, at time.Time) error {
	return tx.execOne(ctx, "touch api token", "API token", `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, tx.d.timeArg(at), id)
}

// RevokeAPIToken revokes a token at at; revoking it again keeps the first
// time. Returns ENOTFOUND.
func (tx *Tx) RevokeAPIToken(ctx context.Context, id string, at time.Time) error {
	return tx.execOne(ctx, "revoke api token", "API token",
		`UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, tx.d.timeArg(at), id)
}

// RecordLoginFailure notes a failed login under key at at.
func (tx *Tx) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, key, tx.d.timeArg(at))
	return mapError("record login failure", "login failure", err)
}

// CountLoginFailures counts the failures under key at or after since.
func (tx *Tx) CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?`, key, tx.d.timeArg(since)).Scan(&n); err != nil {
		return 0, mapError("count login failures", "login failure", err)
	}
	return n, nil
}

// ClearLoginFailures forgets every failure under key.
func (tx *Tx) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := tx.exec(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
	return mapError("clear login failures", "login failure", err)
}

// ReserveLoginAttempt records an attempt under key if fewer than max
// failures are recorded since since. On PostgreSQL a transaction-scoped
// advisory lock on the key makes concurrent reservations take turns; SQLite's
// single writer already does.
func (tx *Tx) ReserveLoginAttempt(ctx context.Context, key string, since, at time.Time, max int) (bool, error) {
	if lock := tx.d.keyLock(); lock != "" {
		if _, err := tx.exec(ctx, lock, key); err != nil {
			return false, mapError("lock login key", "login failure", err)
		}
	}
	n, err := tx.CountLoginFailures(ctx, key, since)
	if err != nil || n >= max {
		return false, err
	}
	return true, tx.RecordLoginFailure(ctx, key, at)
}

// ReleaseLoginAttempt deletes one failure recorded under key at at.
func (tx *Tx) ReleaseLoginAttempt(ctx context.Context, key string, at time.Time) error {
	_, err := tx.exec(ctx, `DELETE FROM login_failures WHERE `+tx.d.rowID()+` IN (SELECT `+tx.d.rowID()+` FROM login_failures WHERE key = ? AND at = ? LIMIT 1)`, key, tx.d.timeArg(at))
	return mapError("release login attempt", "login failure", err)
}

// DeleteLoginFailuresBefore forgets every failure older than before.
func (tx *Tx) DeleteLoginFailuresBefore(ctx context.Context, before time.Time) error {
	_, err := tx.exec(ctx, `DELETE FROM login_failures WHERE at < ?`, tx.d.timeArg(before))
	return mapError("delete login failures", "login failure", err)
}
