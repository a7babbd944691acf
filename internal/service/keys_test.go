package service_test

import (
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/seal"
	"github.com/mentorvault/mentorvault/internal/service"
)

// A master key rotation rewraps every live key — relationships' data keys
// and the keys of queued messages' sealed links — so that the old version
// can be retired while notes still open and a queued reset link still
// arrives and works.
func TestMasterKeyRotation(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		mb := newMailbox(t, e)
		bob := e.Users["bob"]
		if _, err := e.Svc.SendPasswordReset(ctx, e.As("grace"), bob.ID); err != nil {
			t.Fatal(err)
		}
		before, err := e.Svc.ListNotes(ctx, e.As("alice"), e.Rel.ID, service.NoteFilter{})
		if err != nil || len(before) == 0 {
			t.Fatalf("notes before: %d, %v", len(before), err)
		}
		use, err := e.Svc.MasterKeyUse(ctx)
		if err != nil {
			t.Fatal(err)
		}
		vs, _ := seal.MasterKeyVersions(e.MasterKeyFile)
		old := vs[0].ID
		if len(use) != 1 || use[old] < 3 {
			t.Fatalf("key use before rotation: %v (version %d)", use, old)
		}
		total := use[old]

		v2, err := seal.RotateMasterKey(e.MasterKeyFile)
		if err != nil {
			t.Fatal(err)
		}
		m, err := seal.LoadMasterKey(e.MasterKeyFile)
		if err != nil {
			t.Fatal(err)
		}
		e.Keys.SetMaster(m)
		n, skipped, err := e.Svc.RewrapKeys(ctx, v2)
		if err != nil || n != total || skipped != 0 {
			t.Fatalf("rewrap: %d rewrapped, %d skipped, %v; want %d", n, skipped, err, total)
		}
		if again, _, err := e.Svc.RewrapKeys(ctx, v2); err != nil || again != 0 {
			t.Fatalf("a second rewrap did %d (%v), want nothing left", again, err)
		}
		use, _ = e.Svc.MasterKeyUse(ctx)
		if len(use) != 1 || use[v2] != total {
			t.Fatalf("key use after rewrap: %v, want all %d on %d", use, total, v2)
		}
		if err := seal.RetireMasterKey(e.MasterKeyFile, old); err != nil {
			t.Fatal(err)
		}
		if m, err = seal.LoadMasterKey(e.MasterKeyFile); err != nil {
			t.Fatal(err)
		}
		// A new instance with a fresh keyring over the retired file: no
		// cached key helps.
		e.Keys = seal.NewKeyring(m)
		e.Svc = newService(t, e, e.DB)
		after, err := e.Svc.ListNotes(ctx, e.As("alice"), e.Rel.ID, service.NoteFilter{})
		if err != nil || len(after) != len(before) || after[0].Body.Reveal() != before[0].Body.Reveal() {
			t.Fatalf("notes after retire: %d, %v", len(after), err)
		}
		got := to(mb.deliver(), bob.Email)
		if len(got) != 1 {
			t.Fatalf("the queued reset link was not delivered after the rotation: %d messages", len(got))
		}
		if err := e.Svc.ResetPassword(ctx, linkIn(t, got[0], resetLinkRE), "bob's own new passphrase"); err != nil {
			t.Fatalf("the rewrapped reset link: %v", err)
		}
	})
}
