package service_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// TestRelationshipAuditFilters: the access log's filters keep exactly the
// events they name, on both backends, and a bad filter is refused.
func TestRelationshipAuditFilters(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		alice := e.As("alice")
		if _, err := e.Svc.ListNotes(ctx, e.As("bob"), e.Rel.ID, service.NoteFilter{Limit: 5}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.Concerns(ctx, e.As("frank"), e.Rel.ID); err == nil {
			t.Fatal("frank read the concerns")
		}
		get := func(f service.AuditFilter) []service.AuditEntry {
			t.Helper()
			f.Limit = 500
			pg, err := e.Svc.RelationshipAudit(ctx, alice, e.Rel.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			return pg.Entries
		}
		all := get(service.AuditFilter{})
		kinds := map[string]func(service.AuditEntry) bool{
			mentorvault.AuditReads:   func(en service.AuditEntry) bool { return mentorvault.IsReadAction(en.Action) },
			mentorvault.AuditChanges: func(en service.AuditEntry) bool { return !mentorvault.IsReadAction(en.Action) },
			mentorvault.AuditRefused: func(en service.AuditEntry) bool { return en.Outcome != mentorvault.OutcomeOK },
		}
		for what, keep := range kinds {
			got := get(service.AuditFilter{What: what})
			want := 0
			for _, en := range all {
				if keep(en) && en.Action != "audit.read" {
					want++
				}
			}
			n := 0
			for _, en := range got {
				if !keep(en) {
					t.Errorf("%s: kept %s (%s)", what, en.Action, en.Outcome)
				}
				if en.Action != "audit.read" {
					n++
				}
			}
			if n != want || want == 0 {
				t.Errorf("%s: %d events, want %d", what, n, want)
			}
		}
		for _, en := range get(service.AuditFilter{Who: "me"}) {
			if en.ActorID != e.Users["alice"].ID {
				t.Errorf("only me: %s by %s", en.Action, en.ActorName)
			}
		}
		others := get(service.AuditFilter{Who: "others"})
		for _, en := range others {
			if en.ActorID == e.Users["alice"].ID {
				t.Errorf("everyone but me: alice's %s", en.Action)
			}
		}
		if len(others) == 0 {
			t.Error("everyone but me: nothing")
		}
		if got := get(service.AuditFilter{Since: time.Now().Add(time.Hour)}); len(got) != 0 {
			t.Errorf("from an hour ahead: %d events", len(got))
		}
		if got := get(service.AuditFilter{Until: time.Now().Add(-24 * time.Hour)}); len(got) != 0 {
			t.Errorf("until yesterday: %d events", len(got))
		}
		for _, f := range []service.AuditFilter{{Who: "carol"}, {What: "all"}, {Since: time.Now(), Until: time.Now().Add(-time.Hour)}} {
			if _, err := e.Svc.RelationshipAudit(ctx, alice, e.Rel.ID, f); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
				t.Errorf("%+v: %v, want invalid", f, err)
			}
		}
	})
}
