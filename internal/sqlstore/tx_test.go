package sqlstore

// Tests of the SQLite prepared-statement cache (stmtCache in tx.go). Run
// them with -race: they use the cache from concurrent transactions on the
// single SQLite connection.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
)

func openCacheTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := OpenSQLite(filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if db.stmts == nil {
		t.Fatal("SQLite store has no statement cache")
	}
	return db
}

const (
	qInsertOrg = `INSERT INTO orgs (id, name, created_at, k_floor) VALUES (?, ?, ?, ?)`
	qListOrgs  = `SELECT id, name, created_at, k_floor FROM orgs ORDER BY name, id`
)

func newOrg(tx *Tx, name string) *mentorvault.Org {
	return &mentorvault.Org{ID: mentorvault.NewID(), Name: name, CreatedAt: tx.Now()}
}

// inTx runs f in a transaction and commits it.
func inTx(t *testing.T, db *DB, f func(tx *Tx)) {
	t.Helper()
	tx, err := db.begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	f(tx)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestStmtCachePreparesAfterTheTransaction(t *testing.T) {
	ctx := context.Background()
	db := openCacheTestDB(t)
	var dup *mentorvault.Org
	inTx(t, db, func(tx *Tx) {
		dup = newOrg(tx, "a")
		if err := tx.CreateOrg(ctx, dup); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.FindOrgs(ctx); err != nil {
			t.Fatal(err)
		}
		// Nothing is prepared while the transaction holds the connection.
		if st := db.stmts.get(qInsertOrg); st != nil {
			t.Fatal("statement prepared inside the transaction")
		}
	})
	for _, q := range []string{qInsertOrg, qListOrgs} {
		if db.stmts.get(q) == nil {
			t.Errorf("not cached after the transaction: %s", q)
		}
	}

	// The cached statements work, survive a constraint error and are
	// reused by the next transactions.
	for i := range 3 {
		inTx(t, db, func(tx *Tx) {
			err := tx.CreateOrg(ctx, dup)
			var de *mentorvault.Error
			if !errors.As(err, &de) || de.Code != mentorvault.ECONFLICT {
				t.Fatalf("duplicate org: got %v, want ECONFLICT", err)
			}
			if err := tx.CreateOrg(ctx, newOrg(tx, fmt.Sprintf("b%d", i))); err != nil {
				t.Fatal(err)
			}
			orgs, err := tx.FindOrgs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(orgs) != i+2 {
				t.Fatalf("%d orgs, want %d", len(orgs), i+2)
			}
		})
	}
	// A rolled-back transaction leaves the cached statements usable.
	tx, err := db.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.CreateOrg(ctx, newOrg(tx, "rolled back")); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, func(tx *Tx) {
		orgs, err := tx.FindOrgs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 4 {
			t.Fatalf("%d orgs after a rollback, want 4", len(orgs))
		}
	})
}

// The driver keeps one SQLite statement per prepared query: a query run
// again while its earlier rows are open must not use the cached statement.
func TestStmtCacheNestedQuery(t *testing.T) {
	ctx := context.Background()
	db := openCacheTestDB(t)
	inTx(t, db, func(tx *Tx) {
		for _, name := range []string{"a", "b", "c"} {
			if err := tx.CreateOrg(ctx, newOrg(tx, name)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tx.FindOrgs(ctx); err != nil {
			t.Fatal(err)
		}
	})
	if db.stmts.get(qListOrgs) == nil {
		t.Fatal("query not cached")
	}
	names := func(rows interface {
		Next() bool
		Scan(...any) error
	}) []string {
		var out []string
		for rows.Next() {
			var id, name, at string
			var floor int
			if err := rows.Scan(&id, &name, &at, &floor); err != nil {
				t.Fatal(err)
			}
			out = append(out, name)
		}
		return out
	}
	inTx(t, db, func(tx *Tx) {
		outer, err := tx.query(ctx, qListOrgs)
		if err != nil {
			t.Fatal(err)
		}
		defer outer.Close()
		if !outer.Next() {
			t.Fatal("no first row")
		}
		for range 2 {
			inner, err := tx.query(ctx, qListOrgs)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(inner); fmt.Sprint(got) != "[a b c]" {
				t.Fatalf("inner query: %v", got)
			}
			if err := inner.Close(); err != nil {
				t.Fatal(err)
			}
			var id string
			if err := tx.queryRow(ctx, `SELECT id FROM orgs WHERE name = ?`, "b").Scan(&id); err != nil {
				t.Fatal(err)
			}
		}
		if got := names(outer); fmt.Sprint(got) != "[b c]" {
			t.Fatalf("outer query after the inner ones: %v", got)
		}
		if err := outer.Err(); err != nil {
			t.Fatal(err)
		}
		// Its rows are closed: the query uses the cached statement again.
		if st := tx.stmt(ctx, qListOrgs); st == nil {
			t.Fatal("cached statement not used once the rows are closed")
		}
	})
}

// Concurrent transactions on the one SQLite connection, each running cached
// and uncached statements and ending while others wait for the connection:
// no deadlock, no race, and an intact audit chain.
func TestStmtCacheConcurrentTransactions(t *testing.T) {
	ctx := context.Background()
	db := openCacheTestDB(t)
	const workers, perWorker = 8, 25
	done := make(chan struct{})
	errs := make(chan error, workers)
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWorker {
					if err := concurrentStep(ctx, db, w, i); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("concurrent transactions did not finish: deadlock?")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n, err := audit.Verify(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != workers*perWorker {
		t.Fatalf("%d audit events, want %d", n, workers*perWorker)
	}
	inTx(t, db, func(tx *Tx) {
		orgs, err := tx.FindOrgs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != workers*perWorker {
			t.Fatalf("%d orgs, want %d", len(orgs), workers*perWorker)
		}
	})
}

func concurrentStep(ctx context.Context, db *DB, w, i int) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	o := newOrg(tx, fmt.Sprintf("w%d-%d", w, i))
	if err := tx.CreateOrg(ctx, o); err != nil {
		return err
	}
	if _, err := tx.FindOrgByID(ctx, o.ID); err != nil {
		return err
	}
	if _, err := tx.FindOrgs(ctx); err != nil {
		return err
	}
	// A query text unique to this worker and step is never cached before
	// the transaction ends, so every transaction prepares one on the pool
	// after it has ended, while the other workers wait for the connection.
	var n int
	if err := tx.queryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) + %d FROM orgs WHERE name = ?`, w*1000+i), o.Name).Scan(&n); err != nil {
		return err
	}
	if err := audit.Append(ctx, tx, &mentorvault.AuditEvent{Action: "org.create", Outcome: mentorvault.OutcomeOK, ResourceID: o.ID}); err != nil {
		return err
	}
	return tx.Commit()
}

func TestStmtCacheClose(t *testing.T) {
	ctx := context.Background()
	db := openCacheTestDB(t)
	inTx(t, db, func(tx *Tx) {
		if _, err := tx.FindOrgs(ctx); err != nil {
			t.Fatal(err)
		}
	})
	if db.stmts.get(qListOrgs) == nil {
		t.Fatal("query not cached")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db.stmts.get(qListOrgs) != nil || !db.stmts.full() {
		t.Fatal("cache not emptied and closed by Close")
	}
	db.stmts.prepare([]string{qListOrgs}) // after Close: does nothing
	if db.stmts.get(qListOrgs) != nil {
		t.Fatal("prepared after Close")
	}
}

// openPostgresTestDB returns a migrated PostgreSQL store in a new schema,
// dropped when the test ends (sqlstoretest does this for the other tests,
// but it cannot be imported from inside the package). The server is
// MENTORVAULT_TEST_DATABASE_URL's, or the local one; unreachable, the test
// is skipped, or failed in CI (CI=true).
func openPostgresTestDB(t *testing.T) *DB {
	t.Helper()
	base := os.Getenv("MENTORVAULT_TEST_DATABASE_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is unreachable (required in CI): %v", err)
		}
		t.Skipf("PostgreSQL is unreachable: %v", err)
	}
	defer admin.Close()
	var rnd [8]byte
	rand.Read(rnd[:])
	schema := "mvtest_" + hex.EncodeToString(rnd[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := OpenPostgres(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() }) // before the schema is dropped
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestDeadlockIsLostRace has two PostgreSQL transactions lock two
// relationships through the store in opposite orders, a real deadlock: the
// one the server aborts gets an error that is mentorvault.ErrLostRace (what
// the service runs again), not a domain error, and the other goes on and
// commits.
func TestDeadlockIsLostRace(t *testing.T) {
	ctx := context.Background()
	db := openPostgresTestDB(t)
	var rels [2]string
	inTx(t, db, func(tx *Tx) {
		org := newOrg(tx, "deadlock")
		if err := tx.CreateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		for i := range rels {
			var ids [2]string
			for j := range ids {
				u := &mentorvault.User{ID: mentorvault.NewID(), OrgID: org.ID, Email: fmt.Sprintf("u%d%d@example.org", i, j), Name: "U",
					PasswordHash: "$argon2id$v=19$x", CreatedAt: tx.Now()}
				if err := tx.CreateUser(ctx, u); err != nil {
					t.Fatal(err)
				}
				ids[j] = u.ID
			}
			r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: org.ID, Kind: mentorvault.KindMentoring, MentorID: ids[0], MenteeID: ids[1],
				ProposedByID: ids[0], Status: mentorvault.StatusProposed, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
			if err := tx.CreateRelationship(ctx, r); err != nil {
				t.Fatal(err)
			}
			rels[i] = r.ID
		}
	})
	var txs [2]*Tx
	for i := range txs {
		tx, err := db.begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		txs[i] = tx
		if _, err := tx.LockRelationshipByID(ctx, rels[i]); err != nil {
			t.Fatal(err)
		}
	}
	// Each now asks for the other's relationship: neither can go on until
	// the server finds the deadlock (after deadlock_timeout) and aborts one.
	var errs [2]error
	var wg sync.WaitGroup
	for i, tx := range txs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := tx.LockRelationshipByID(ctx, rels[1-i]); err != nil {
				errs[i] = err
				tx.Rollback() // the survivor's lock is released with it
				return
			}
			errs[i] = tx.Commit()
		}()
	}
	wg.Wait()
	lost := 0
	for i, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, mentorvault.ErrLostRace):
			lost++
			var de *mentorvault.Error
			if errors.As(err, &de) {
				t.Errorf("transaction %d: the deadlock is a domain error (%s), want the store's error marked ErrLostRace", i, de.Code)
			}
		default:
			t.Errorf("transaction %d: %v, want nil or ErrLostRace", i, err)
		}
	}
	if lost != 1 {
		t.Fatalf("%d transactions lost the race (%v), want exactly one", lost, errs)
	}
}
