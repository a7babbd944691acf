// Package mvtest builds test fixtures: a service over a real store with the
// demo organisation seeded, and helpers to act as its people.
package mvtest

import (
	"context"
	"log/slog"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// Env is a seeded service over a real database.
type Env struct {
	DB    *sqlstore.DB
	Svc   *service.Service
	Users map[string]*mentorvault.User // by demo key: "alice", "bob", …
	// Rel is the active relationship alice (mentor) – bob (mentee);
	// Proposed is ivan's proposal to judy.
	Rel, Proposed *mentorvault.Relationship
	Keys          *seal.Keyring
	MasterKeyFile string // the master key file Keys was loaded from
	// Txs counts the transactions the service begins (it is the service's
	// store, wrapping DB), for tests that bound what a page costs.
	Txs *sqlstoretest.CountingStore
}

// New seeds the demo organisation into db and returns the environment.
func New(tb testing.TB, db *sqlstore.DB) *Env {
	tb.Helper()
	return NewWithLogger(tb, db, slog.New(slog.DiscardHandler))
}

// NewWithLogger is New with the service logging to log.
func NewWithLogger(tb testing.TB, db *sqlstore.DB, log *slog.Logger) *Env {
	tb.Helper()
	return NewWithOptions(tb, db, service.Options{Logger: log})
}

// NewWithOptions is New with the service's options (fast password hashing
// whatever opts says).
func NewWithOptions(tb testing.TB, db *sqlstore.DB, opts service.Options) *Env {
	tb.Helper()
	ctx := context.Background()
	keyFile := tb.TempDir() + "/master.key"
	master, _, err := seal.LoadOrCreateMasterKey(keyFile)
	if err != nil {
		tb.Fatal(err)
	}
	authz, err := policy.New()
	if err != nil {
		tb.Fatal(err)
	}
	keys := seal.NewKeyring(master)
	txs := sqlstoretest.Counting(db)
	opts.PasswordParams = auth.TestParams
	svc, err := service.New(txs, authz, keys, opts)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := demo.Seed(ctx, svc); err != nil {
		tb.Fatalf("seed demo: %v", err)
	}
	e := &Env{DB: db, Svc: svc, Users: map[string]*mentorvault.User{}, Keys: keys, MasterKeyFile: keyFile, Txs: txs}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	for _, p := range demo.People {
		u, err := tx.FindUserByEmail(ctx, p.Email())
		if err != nil {
			tb.Fatal(err)
		}
		e.Users[p.Key] = u
	}
	rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{PartyID: e.Users["alice"].ID})
	if err != nil || len(rels) != 1 {
		tb.Fatalf("demo relationship: %v (%d)", err, len(rels))
	}
	e.Rel = rels[0]
	rels, err = tx.FindRelationships(ctx, mentorvault.RelationshipFilter{PartyID: e.Users["judy"].ID})
	if err != nil || len(rels) != 1 {
		tb.Fatalf("demo proposal: %v (%d)", err, len(rels))
	}
	e.Proposed = rels[0]
	return e
}

// As returns the principal of a demo user; "" is anonymous.
func (e *Env) As(key string) mentorvault.Principal {
	if key == "" {
		return mentorvault.Principal{}
	}
	u := e.Users[key]
	return mentorvault.Principal{UserID: u.ID, OrgID: u.OrgID, Via: "test"}
}

// Events returns every audit event after seq, in order.
func (e *Env) Events(tb testing.TB, afterSeq int64) []*mentorvault.AuditEvent {
	tb.Helper()
	tx, err := e.DB.BeginTx(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	evs, err := tx.FindAuditEvents(context.Background(), mentorvault.AuditFilter{AfterSeq: afterSeq, Limit: 10000})
	if err != nil {
		tb.Fatal(err)
	}
	return evs
}

// Head returns the current last audit sequence number.
func (e *Env) Head(tb testing.TB) int64 {
	tb.Helper()
	tx, err := e.DB.BeginTx(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	evs, err := tx.FindAuditEvents(context.Background(), mentorvault.AuditFilter{Descending: true, Limit: 1})
	if err != nil {
		tb.Fatal(err)
	}
	if len(evs) == 0 {
		return 0
	}
	return evs[0].Seq
}

// CloseSettled closes relID as the demo user who, settling every open item
// of its closing plan.
func (e *Env) CloseSettled(tb testing.TB, who, relID string) {
	tb.Helper()
	ctx := context.Background()
	plan, err := e.Svc.ClosingPlan(ctx, e.As(who), relID)
	if err != nil {
		tb.Fatal(err)
	}
	var ids []string
	for _, it := range plan.Items {
		ids = append(ids, it.ID)
	}
	if _, err := e.Svc.CloseRelationship(ctx, e.As(who), relID, service.CloseInput{Settled: ids}); err != nil {
		tb.Fatal(err)
	}
}

// SetK sets the demo programme progID's k threshold to k as its
// coordinator carol, first lowering the organisation's floor to it (as its
// org admin grace) when k is below the floor.
func (e *Env) SetK(tb testing.TB, progID string, k int) {
	tb.Helper()
	ctx := context.Background()
	f, err := e.Svc.KFloor(ctx, e.As("grace"))
	if err != nil {
		tb.Fatal(err)
	}
	if k < f.KFloor {
		if _, err := e.Svc.SetKFloor(ctx, e.As("grace"), k); err != nil {
			tb.Fatal(err)
		}
	}
	pv, err := e.Svc.Programme(ctx, e.As("carol"), progID)
	if err != nil {
		tb.Fatal(err)
	}
	st := pv.Settings
	st.KThreshold = k
	if _, err := e.Svc.UpdateProgrammeSettings(ctx, e.As("carol"), progID, st); err != nil {
		tb.Fatal(err)
	}
}
