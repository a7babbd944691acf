package sqlstore_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestOIDCStore stores, finds and lists identity providers on every backend.
func TestOIDCStore(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.Open(t)
			db.SetClock(func() time.Time { return t0 })
			f := seed(t, db)
			tx := begin(t, db)
			other := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Globex", CreatedAt: us(t0)}
			ok(t, tx.CreateOrg(ctx, other))
			p := &mentorvault.OIDCProvider{ID: mentorvault.NewID(), OrgID: f.org.ID, Name: "Acme SSO", Issuer: "https://login.acme.example",
				ClientID: "mv", SecretFile: "/run/secrets/acme", Domains: []string{"acme.example", "acme.test"}, SSOOnly: true, CreateUsers: true, CreatedAt: us(t0)}
			ok(t, tx.CreateOIDCProvider(ctx, p))
			q := &mentorvault.OIDCProvider{ID: mentorvault.NewID(), OrgID: other.ID, Name: "Globex SSO", Issuer: "https://login.globex.example",
				ClientID: "mv", SecretFile: "/run/secrets/globex", Domains: []string{"globex.example"}, CreatedAt: us(t0)}
			ok(t, tx.CreateOIDCProvider(ctx, q))
			dup := *p
			dup.ID = mentorvault.NewID()
			wantCode(t, tx.CreateOIDCProvider(ctx, &dup), mentorvault.ECONFLICT)
			commit(t, tx)

			tx = begin(t, db)
			got, err := tx.FindOIDCProviderByID(ctx, p.ID)
			ok(t, err)
			if !reflect.DeepEqual(got, p) {
				t.Fatalf("got %+v, want %+v", got, p)
			}
			_, err = tx.FindOIDCProviderByID(ctx, "nope")
			wantCode(t, err, mentorvault.ENOTFOUND)
			mine, err := tx.FindOIDCProviders(ctx, f.org.ID)
			ok(t, err)
			all, err := tx.FindOIDCProviders(ctx, "")
			ok(t, err)
			if len(mine) != 1 || mine[0].ID != p.ID || len(all) != 2 || all[0].ID != p.ID || all[1].ID != q.ID {
				t.Fatalf("mine %v, all %v", mine, all)
			}
			ok(t, tx.Rollback())
		})
	}
}
