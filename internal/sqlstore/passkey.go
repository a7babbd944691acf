package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/mentorvault/mentorvault"
)

// CreatePasskey stores a new passkey. Returns ECONFLICT for a credential ID
// already registered.
func (tx *Tx) CreatePasskey(ctx context.Context, p *mentorvault.Passkey) error {
	_, err := tx.write(ctx, `INSERT INTO passkeys (id, user_id, name, credential_id, public_key, sign_count, transports, aaguid, flags, attestation_format, created_at, last_used_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.UserID, p.Name, p.CredentialID, p.PublicKey, int64(p.SignCount), jsonList(p.Transports), nullBytes(p.AAGUID),
		int(p.Flags), p.AttestationFormat, tx.d.timeArg(p.CreatedAt), tx.d.nullTimeArg(p.LastUsedAt))
	return mapError("create passkey", "passkey", err)
}

const passkeyColumns = `id, user_id, name, credential_id, public_key, sign_count, transports, aaguid, flags, attestation_format, created_at, last_used_at`

func scanPasskey(s interface{ Scan(...any) error }) (*mentorvault.Passkey, error) {
	var (
		p     mentorvault.Passkey
		count int64
		flags int
	)
	if err := s.Scan(&p.ID, &p.UserID, &p.Name, bytesCol{&p.CredentialID}, bytesCol{&p.PublicKey}, &count, listCol{&p.Transports},
		bytesCol{&p.AAGUID}, &flags, &p.AttestationFormat, timeCol{&p.CreatedAt}, nullTimeCol{&p.LastUsedAt}); err != nil {
		return nil, err
	}
	p.SignCount, p.Flags = uint32(count), uint8(flags)
	return &p, nil
}

// FindPasskeys lists a user's passkeys, oldest first.
func (tx *Tx) FindPasskeys(ctx context.Context, userID string) ([]*mentorvault.Passkey, error) {
	rows, err := tx.query(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE user_id = ? ORDER BY created_at, id`, userID)
	return collect(rows, err, "find passkeys", func(r *sql.Rows) (*mentorvault.Passkey, error) { return scanPasskey(r) })
}

// FindPasskeyByCredentialID returns the passkey of a credential ID, or ENOTFOUND.
func (tx *Tx) FindPasskeyByCredentialID(ctx context.Context, credentialID []byte) (*mentorvault.Passkey, error) {
	p, err := scanPasskey(tx.queryRow(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE credential_id = ?`, credentialID))
	if err != nil {
		return nil, findErr("find passkey", "passkey", err)
	}
	return p, nil
}

// UsePasskey records a successful use. Returns ENOTFOUND.
func (tx *Tx) UsePasskey(ctx context.Context, id string, signCount uint32, flags uint8, at time.Time) error {
	return tx.execOne(ctx, "use passkey", "passkey", `UPDATE passkeys SET sign_count = ?, flags = ?, last_used_at = ? WHERE id = ?`,
		int64(signCount), int(flags), tx.d.timeArg(at), id)
}

// RenamePasskey changes a passkey's name. Returns ENOTFOUND.
func (tx *Tx) RenamePasskey(ctx context.Context, id, name string) error {
	return tx.execOne(ctx, "rename passkey", "passkey", `UPDATE passkeys SET name = ? WHERE id = ?`, name, id)
}

// DeletePasskey removes a passkey. Returns ENOTFOUND.
func (tx *Tx) DeletePasskey(ctx context.Context, id string) error {
	return tx.execOne(ctx, "delete passkey", "passkey", `DELETE FROM passkeys WHERE id = ?`, id)
}

// ReplaceRecoveryCodes deletes the user's recovery codes and stores codes.
func (tx *Tx) ReplaceRecoveryCodes(ctx context.Context, userID string, codes []*mentorvault.RecoveryCode) error {
	if _, err := tx.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return wrapErr("delete recovery codes", err)
	}
	for _, c := range codes {
		if _, err := tx.write(ctx, `INSERT INTO recovery_codes (id, user_id, code_hash, created_at, used_at) VALUES (?, ?, ?, ?, ?)`,
			c.ID, c.UserID, c.Hash, tx.d.timeArg(c.CreatedAt), tx.d.nullTimeArg(c.UsedAt)); err != nil {
			return mapError("create recovery code", "recovery code", err)
		}
	}
	return nil
}

// FindRecoveryCodes lists a user's recovery codes.
func (tx *Tx) FindRecoveryCodes(ctx context.Context, userID string) ([]*mentorvault.RecoveryCode, error) {
	rows, err := tx.query(ctx, `SELECT id, user_id, code_hash, created_at, used_at FROM recovery_codes WHERE user_id = ? ORDER BY id`, userID)
	return collect(rows, err, "find recovery codes", func(r *sql.Rows) (*mentorvault.RecoveryCode, error) {
		var c mentorvault.RecoveryCode
		if err := r.Scan(&c.ID, &c.UserID, bytesCol{&c.Hash}, timeCol{&c.CreatedAt}, nullTimeCol{&c.UsedAt}); err != nil {
			return nil, err
		}
		return &c, nil
	})
}

// UseRecoveryCode marks the user's unused code of hash used. Returns
// ENOTFOUND when there is none.
func (tx *Tx) UseRecoveryCode(ctx context.Context, userID string, hash []byte, at time.Time) error {
	return tx.execOne(ctx, "use recovery code", "recovery code",
		`UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`, tx.d.timeArg(at), userID, hash)
}

// FindMFAPolicy returns an organisation's second-factor policy; a zero one
// when it was never set.
func (tx *Tx) FindMFAPolicy(ctx context.Context, orgID string) (*mentorvault.MFAPolicy, error) {
	p := mentorvault.MFAPolicy{OrgID: orgID}
	var by sql.NullString
	err := tx.queryRow(ctx, `SELECT everyone, roles, updated_at, updated_by FROM mfa_policies WHERE org_id = ?`, orgID).
		Scan(&p.Everyone, listCol{&p.Roles}, timeCol{&p.UpdatedAt}, &by)
	if err == sql.ErrNoRows {
		return &p, nil
	} else if err != nil {
		return nil, wrapErr("find mfa policy", err)
	}
	p.UpdatedBy = by.String
	return &p, nil
}

// PutMFAPolicy stores an organisation's policy, replacing any.
func (tx *Tx) PutMFAPolicy(ctx context.Context, p *mentorvault.MFAPolicy) error {
	_, err := tx.write(ctx, `INSERT INTO mfa_policies (org_id, everyone, roles, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET everyone = excluded.everyone, roles = excluded.roles, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		p.OrgID, p.Everyone, jsonList(p.Roles), tx.d.timeArg(p.UpdatedAt), nullString(p.UpdatedBy))
	return mapError("put mfa policy", "second-factor policy", err)
}

// FindSecondFactorOn reports whether the user turned the second factor on.
func (tx *Tx) FindSecondFactorOn(ctx context.Context, userID string) (bool, error) {
	var on bool
	err := tx.queryRow(ctx, `SELECT enabled FROM user_second_factor WHERE user_id = ?`, userID).Scan(&on)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return on, wrapErr("find second factor", err)
}

// SetSecondFactorOn records the user's choice.
func (tx *Tx) SetSecondFactorOn(ctx context.Context, userID string, on bool, at time.Time) error {
	_, err := tx.write(ctx, `INSERT INTO user_second_factor (user_id, enabled, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at`, userID, on, tx.d.timeArg(at))
	return mapError("set second factor", "second factor", err)
}

// CreateAuthCeremony stores a ceremony's state. Returns ECONFLICT for a duplicate token.
func (tx *Tx) CreateAuthCeremony(ctx context.Context, c *mentorvault.AuthCeremony) error {
	_, err := tx.write(ctx, `INSERT INTO auth_ceremonies (token_hash, kind, user_id, data, next, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.TokenHash, c.Kind, nullString(c.UserID), nullBytes(c.Data), c.Next, tx.d.timeArg(c.CreatedAt), tx.d.timeArg(c.ExpiresAt))
	return mapError("create auth ceremony", "sign-in step", err)
}

const ceremonyColumns = `token_hash, kind, user_id, data, next, created_at, expires_at`

func scanCeremony(s interface{ Scan(...any) error }) (*mentorvault.AuthCeremony, error) {
	var c mentorvault.AuthCeremony
	if err := s.Scan(bytesCol{&c.TokenHash}, &c.Kind, stringCol{&c.UserID}, bytesCol{&c.Data}, &c.Next, timeCol{&c.CreatedAt}, timeCol{&c.ExpiresAt}); err != nil {
		return nil, err
	}
	return &c, nil
}

// FindAuthCeremony returns the ceremony of a token hash; ENOTFOUND.
func (tx *Tx) FindAuthCeremony(ctx context.Context, tokenHash []byte) (*mentorvault.AuthCeremony, error) {
	c, err := scanCeremony(tx.queryRow(ctx, `SELECT `+ceremonyColumns+` FROM auth_ceremonies WHERE token_hash = ?`, tokenHash))
	if err != nil {
		return nil, findErr("find auth ceremony", "sign-in step", err)
	}
	return c, nil
}

// TakeAuthCeremony deletes and returns the ceremony of a token hash; of two
// concurrent takes only one gets a row (DELETE … RETURNING). ENOTFOUND.
func (tx *Tx) TakeAuthCeremony(ctx context.Context, tokenHash []byte) (*mentorvault.AuthCeremony, error) {
	c, err := scanCeremony(tx.queryRow(ctx, `DELETE FROM auth_ceremonies WHERE token_hash = ? RETURNING `+ceremonyColumns, tokenHash))
	if err != nil {
		return nil, findErr("take auth ceremony", "sign-in step", err)
	}
	return c, nil
}

// DeleteAuthCeremoniesBefore deletes the ceremonies that expired before t.
func (tx *Tx) DeleteAuthCeremoniesBefore(ctx context.Context, t time.Time) error {
	_, err := tx.exec(ctx, `DELETE FROM auth_ceremonies WHERE expires_at < ?`, tx.d.timeArg(t))
	return wrapErr("delete expired auth ceremonies", err)
}
