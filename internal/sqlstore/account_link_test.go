package sqlstore_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestAccountLinkStore is the account links' part of the conformance
// suite, on every backend: stored by hash, open ones listed by kind,
// single use, revoked by kind or all at once.
func TestAccountLinkStore(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.Open(t)
			db.SetClock(func() time.Time { return t0 })
			f := seed(t, db)
			tx := begin(t, db)
			reset := &mentorvault.AccountLink{ID: mentorvault.NewID(), UserID: f.other.ID, Kind: mentorvault.LinkPasswordReset, TokenHash: []byte("reset-1"),
				CreatedByID: f.manager.ID, CreatedAt: us(t0), ExpiresAt: us(t0.Add(mentorvault.PasswordResetTTL))}
			email := &mentorvault.AccountLink{ID: mentorvault.NewID(), UserID: f.other.ID, Kind: mentorvault.LinkEmailChange, TokenHash: []byte("email-1"),
				NewEmail: "new@acme.example", CreatedAt: us(t0.Add(time.Second)), ExpiresAt: us(t0.Add(mentorvault.EmailChangeTTL))}
			ok(t, tx.CreateAccountLink(ctx, reset))
			ok(t, tx.CreateAccountLink(ctx, email))
			wantCode(t, tx.CreateAccountLink(ctx, &mentorvault.AccountLink{ID: mentorvault.NewID(), UserID: f.other.ID, Kind: mentorvault.LinkPasswordReset,
				TokenHash: []byte("reset-1"), CreatedAt: us(t0), ExpiresAt: us(t0)}), mentorvault.ECONFLICT)

			got, err := tx.FindAccountLinkByHash(ctx, []byte("email-1"))
			ok(t, err)
			equal(t, got, email)
			_, err = tx.FindAccountLinkByHash(ctx, []byte("nope"))
			wantCode(t, err, mentorvault.ENOTFOUND)

			open, err := tx.FindOpenAccountLinks(ctx, f.other.ID, mentorvault.LinkPasswordReset, t0)
			ok(t, err)
			equal(t, open, []*mentorvault.AccountLink{reset})
			// An hour later the reset link has expired; the email link has not.
			later := t0.Add(mentorvault.PasswordResetTTL)
			open, err = tx.FindOpenAccountLinks(ctx, f.other.ID, mentorvault.LinkPasswordReset, later)
			ok(t, err)
			equal(t, len(open), 0)
			equal(t, reset.State(later), mentorvault.InvitationExpired)
			open, err = tx.FindOpenAccountLinks(ctx, f.other.ID, mentorvault.LinkEmailChange, later)
			ok(t, err)
			equal(t, open, []*mentorvault.AccountLink{email})

			at := us(t0.Add(time.Minute))
			ok(t, tx.RevokeAccountLinks(ctx, f.other.ID, mentorvault.LinkPasswordReset, at))
			wantCode(t, tx.UseAccountLink(ctx, reset.ID, at), mentorvault.ECONFLICT)
			ok(t, tx.UseAccountLink(ctx, email.ID, at))
			wantCode(t, tx.UseAccountLink(ctx, email.ID, at), mentorvault.ECONFLICT)
			got, err = tx.FindAccountLinkByHash(ctx, []byte("email-1"))
			ok(t, err)
			equal(t, got.State(at), mentorvault.InvitationUsed)

			third := &mentorvault.AccountLink{ID: mentorvault.NewID(), UserID: f.other.ID, Kind: mentorvault.LinkEmailChange, TokenHash: []byte("email-2"),
				NewEmail: "newer@acme.example", CreatedAt: us(t0), ExpiresAt: us(t0.Add(mentorvault.EmailChangeTTL))}
			ok(t, tx.CreateAccountLink(ctx, third))
			ok(t, tx.RevokeAccountLinks(ctx, f.other.ID, "", at)) // every kind
			got, err = tx.FindAccountLinkByHash(ctx, []byte("email-2"))
			ok(t, err)
			equal(t, got.State(at), mentorvault.InvitationRevoked)
			got, err = tx.FindAccountLinkByHash(ctx, []byte("email-1"))
			ok(t, err)
			if got.RevokedAt != nil {
				t.Fatal("revoking revoked a used link")
			}
			commit(t, tx)
		})
	}
}
