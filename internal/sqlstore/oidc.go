package sqlstore

import (
	"context"
	"database/sql"

	"github.com/mentorvault/mentorvault"
)

// CreateOIDCProvider stores a new provider. Returns ECONFLICT for a duplicate
// ID or issuer and client ID within the organisation.
func (tx *Tx) CreateOIDCProvider(ctx context.Context, p *mentorvault.OIDCProvider) error {
	_, err := tx.write(ctx, `INSERT INTO oidc_providers (id, org_id, name, issuer, client_id, secret_file, domains, sso_only, create_users, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.OrgID, p.Name, p.Issuer, p.ClientID, p.SecretFile, jsonList(p.Domains), p.SSOOnly, p.CreateUsers, tx.d.timeArg(p.CreatedAt))
	return mapError("create oidc provider", "identity provider", err)
}

const oidcColumns = `id, org_id, name, issuer, client_id, secret_file, domains, sso_only, create_users, created_at`

func scanOIDCProvider(s interface{ Scan(...any) error }) (*mentorvault.OIDCProvider, error) {
	var p mentorvault.OIDCProvider
	if err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.Issuer, &p.ClientID, &p.SecretFile, listCol{&p.Domains},
		&p.SSOOnly, &p.CreateUsers, timeCol{&p.CreatedAt}); err != nil {
		return nil, err
	}
	return &p, nil
}

// FindOIDCProviderByID returns a provider, or ENOTFOUND.
func (tx *Tx) FindOIDCProviderByID(ctx context.Context, id string) (*mentorvault.OIDCProvider, error) {
	p, err := scanOIDCProvider(tx.queryRow(ctx, `SELECT `+oidcColumns+` FROM oidc_providers WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find oidc provider", "identity provider", err)
	}
	return p, nil
}

// FindOIDCProviders lists an organisation's providers (every one when orgID is "") by name.
func (tx *Tx) FindOIDCProviders(ctx context.Context, orgID string) ([]*mentorvault.OIDCProvider, error) {
	rows, err := tx.query(ctx, `SELECT `+oidcColumns+` FROM oidc_providers WHERE ? = '' OR org_id = ? ORDER BY name, id`, orgID, orgID)
	return collect(rows, err, "find oidc providers", func(r *sql.Rows) (*mentorvault.OIDCProvider, error) { return scanOIDCProvider(r) })
}

// DeleteOIDCProvider removes a provider. Returns ENOTFOUND.
func (tx *Tx) DeleteOIDCProvider(ctx context.Context, id string) error {
	res, err := tx.write(ctx, `DELETE FROM oidc_providers WHERE id = ?`, id)
	if err != nil {
		return mapError("delete oidc provider", "identity provider", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapErr("delete oidc provider", err)
	} else if n == 0 {
		return notFound("identity provider")
	}
	return nil
}
