package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/mentorvault/mentorvault"
)

const accountLinkColumns = `id, user_id, kind, token_hash, new_email, created_by_id, created_at, expires_at, used_at, revoked_at`

func scanAccountLink(s interface{ Scan(...any) error }) (*mentorvault.AccountLink, error) {
	var l mentorvault.AccountLink
	if err := s.Scan(&l.ID, &l.UserID, &l.Kind, bytesCol{&l.TokenHash}, &l.NewEmail, stringCol{&l.CreatedByID}, timeCol{&l.CreatedAt},
		timeCol{&l.ExpiresAt}, nullTimeCol{&l.UsedAt}, nullTimeCol{&l.RevokedAt}); err != nil {
		return nil, err
	}
	return &l, nil
}

// CreateAccountLink stores an account link. Returns ECONFLICT for a
// duplicate token hash and EINVALID for an unknown user.
func (tx *Tx) CreateAccountLink(ctx context.Context, l *mentorvault.AccountLink) error {
	_, err := tx.write(ctx, `INSERT INTO account_links (`+accountLinkColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.UserID, l.Kind, l.TokenHash, l.NewEmail, nullString(l.CreatedByID), tx.d.timeArg(l.CreatedAt), tx.d.timeArg(l.ExpiresAt),
		tx.d.nullTimeArg(l.UsedAt), tx.d.nullTimeArg(l.RevokedAt))
	return mapError("create account link", "account link", err)
}

// FindAccountLinkByHash returns the link with this token hash, or ENOTFOUND.
func (tx *Tx) FindAccountLinkByHash(ctx context.Context, hash []byte) (*mentorvault.AccountLink, error) {
	l, err := scanAccountLink(tx.queryRow(ctx, `SELECT `+accountLinkColumns+` FROM account_links WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, findErr("find account link", "account link", err)
	}
	return l, nil
}

// FindOpenAccountLinks lists a user's usable links of kind, newest first.
func (tx *Tx) FindOpenAccountLinks(ctx context.Context, userID, kind string, now time.Time) ([]*mentorvault.AccountLink, error) {
	rows, err := tx.query(ctx, `SELECT `+accountLinkColumns+` FROM account_links
		WHERE user_id = ? AND kind = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
		ORDER BY created_at DESC, id DESC`, userID, kind, tx.d.timeArg(now))
	return collect(rows, err, "find account links", func(r *sql.Rows) (*mentorvault.AccountLink, error) { return scanAccountLink(r) })
}

// UseAccountLink marks an unused, unrevoked link used. Returns ECONFLICT
// when it was used or revoked meanwhile.
func (tx *Tx) UseAccountLink(ctx context.Context, id string, at time.Time) error {
	err := tx.execOne(ctx, "use account link", "account link",
		`UPDATE account_links SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL`, tx.d.timeArg(at), id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return mentorvault.Errorf(mentorvault.ECONFLICT, "this link has already been used")
	}
	return err
}

// RevokeAccountLinks revokes the user's unused links of kind ("" for all).
func (tx *Tx) RevokeAccountLinks(ctx context.Context, userID, kind string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE account_links SET revoked_at = ? WHERE user_id = ? AND (kind = ? OR ? = '') AND used_at IS NULL AND revoked_at IS NULL`,
		tx.d.timeArg(at), userID, kind, kind)
	return mapError("revoke account links", "account link", err)
}
