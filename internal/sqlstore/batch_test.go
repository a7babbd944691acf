package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// errKept is an operation's error whose work is committed all the same (as
// the service keeps a denial's audit event).
var errKept = errors.New("refused, and the refusal recorded")

func keepErrKept(err error) bool { return errors.Is(err, errKept) }

// holdWriter queues an operation that blocks the writer until release is
// closed, and returns once it runs, so that the operations queued after it
// join one batch. Its own work is one org, named name.
func holdWriter(t *testing.T, db *sqlstore.DB, name string) (release chan struct{}, done <-chan error) {
	return holdWriterFailing(t, db, name, nil)
}

// holdWriterFailing is holdWriter with an operation that fails with fail
// once it has stored its org.
func holdWriterFailing(t *testing.T, db *sqlstore.DB, name string, fail error) (release chan struct{}, done <-chan error) {
	t.Helper()
	release = make(chan struct{})
	running := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- db.Update(context.Background(), func(tx mentorvault.Tx) error {
			close(running)
			<-release
			if err := tx.CreateOrg(context.Background(), &mentorvault.Org{ID: mentorvault.NewID(), Name: name, CreatedAt: tx.Now()}); err != nil {
				return err
			}
			return fail
		}, nil)
	}()
	<-running
	return release, errc
}

// waitQueued waits until n operations are queued for the writer.
func waitQueued(t *testing.T, db *sqlstore.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for db.QueuedOps() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d operations queued, want %d", db.QueuedOps(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func orgNames(t *testing.T, db *sqlstore.DB) map[string]bool {
	t.Helper()
	tx, err := db.BeginTx(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	orgs, err := tx.FindOrgs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, o := range orgs {
		out[o.Name] = true
	}
	return out
}

// TestUpdateSavepoints: in one batch, an operation that fails (or panics)
// is undone alone, one whose error is kept is committed, and the others
// commit; each caller gets its own outcome, and the batch commits once.
func TestUpdateSavepoints(t *testing.T) {
	for _, be := range sqlstoretest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			db := be.Open(t)
			ctx := context.Background()
			release, first := holdWriter(t, db, "first")
			commits0, ops0 := db.CommitStats()

			type result struct {
				name string
				err  error
				pnc  any
			}
			kinds := []string{"ok", "fail", "ok", "kept", "panic", "ok"}
			results := make(chan result, len(kinds))
			for i, kind := range kinds {
				name := fmt.Sprintf("%s-%d", kind, i)
				go func() {
					r := result{name: name}
					defer func() {
						r.pnc = recover()
						results <- r
					}()
					r.err = db.Update(ctx, func(tx mentorvault.Tx) error {
						id := mentorvault.NewID()
						if err := tx.CreateOrg(ctx, &mentorvault.Org{ID: id, Name: name, CreatedAt: tx.Now()}); err != nil {
							return err
						}
						switch kind {
						case "fail":
							// A failing statement, then the failure.
							if err := tx.CreateOrg(ctx, &mentorvault.Org{ID: id, Name: name, CreatedAt: tx.Now()}); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
								return fmt.Errorf("a duplicate org: %v, want a conflict", err)
							}
							return errors.New("failed on purpose")
						case "kept":
							return errKept
						case "panic":
							panic("on purpose")
						}
						return nil
					}, keepErrKept)
				}()
				waitQueued(t, db, i+1)
			}
			close(release)
			if err := <-first; err != nil {
				t.Fatalf("first: %v", err)
			}
			for range kinds {
				r := <-results
				switch kind := r.name[:len(r.name)-2]; kind {
				case "ok":
					if r.err != nil || r.pnc != nil {
						t.Errorf("%s: err %v, panic %v; want success", r.name, r.err, r.pnc)
					}
				case "fail":
					if r.err == nil || r.err.Error() != "failed on purpose" {
						t.Errorf("%s: err %v, want its own failure", r.name, r.err)
					}
				case "kept":
					if !errors.Is(r.err, errKept) {
						t.Errorf("%s: err %v, want errKept", r.name, r.err)
					}
				case "panic":
					if r.pnc != "on purpose" {
						t.Errorf("%s: panic %v, want its own", r.name, r.pnc)
					}
				}
			}
			got := orgNames(t, db)
			for i, kind := range kinds {
				name := fmt.Sprintf("%s-%d", kind, i)
				want := kind == "ok" || kind == "kept"
				if got[name] != want {
					t.Errorf("org %s stored: %v, want %v", name, got[name], want)
				}
			}
			if !got["first"] {
				t.Error("the first operation's org was not stored")
			}
			// The held operation and the six queued behind it: one commit.
			if commits, ops := db.CommitStats(); commits-commits0 != 1 || ops-ops0 != int64(len(kinds)+1) {
				t.Errorf("%d operations in %d commits, want %d in 1", ops-ops0, commits-commits0, len(kinds)+1)
			}
		})
	}
}

// TestUpdateFirstFails: when the first operation of a batch fails, its
// work is undone and the operations after it still share one commit.
func TestUpdateFirstFails(t *testing.T) {
	for _, be := range sqlstoretest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			db := be.Open(t)
			ctx := context.Background()
			failure := errors.New("the first fails")
			release, first := holdWriterFailing(t, db, "first", failure)
			commits0, ops0 := db.CommitStats()
			const n = 4
			errc := make(chan error, n)
			for i := range n {
				go func() {
					errc <- db.Update(ctx, func(tx mentorvault.Tx) error {
						return tx.CreateOrg(ctx, &mentorvault.Org{ID: mentorvault.NewID(), Name: fmt.Sprint("after-", i), CreatedAt: tx.Now()})
					}, nil)
				}()
			}
			waitQueued(t, db, n)
			close(release)
			if err := <-first; !errors.Is(err, failure) {
				t.Errorf("first: err %v, want its own failure", err)
			}
			for range n {
				if err := <-errc; err != nil {
					t.Errorf("an operation after the failed first: %v", err)
				}
			}
			got := orgNames(t, db)
			if got["first"] {
				t.Error("the failed first operation's org was stored")
			}
			for i := range n {
				if !got[fmt.Sprint("after-", i)] {
					t.Errorf("org after-%d not stored", i)
				}
			}
			if commits, ops := db.CommitStats(); commits-commits0 != 1 || ops-ops0 != n+1 {
				t.Errorf("%d operations in %d commits, want %d in 1", ops-ops0, commits-commits0, n+1)
			}
		})
	}
}

// TestUpdateFailsOnce: an operation that fails alone in its batch is run
// once, not again, and its caller gets its error.
func TestUpdateFailsOnce(t *testing.T) {
	for _, be := range sqlstoretest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			db := be.Open(t)
			ctx := context.Background()
			failure := errors.New("fails")
			runs := 0
			err := db.Update(ctx, func(tx mentorvault.Tx) error {
				runs++
				if err := tx.CreateOrg(ctx, &mentorvault.Org{ID: mentorvault.NewID(), Name: "failed", CreatedAt: tx.Now()}); err != nil {
					return err
				}
				return failure
			}, nil)
			if !errors.Is(err, failure) || runs != 1 {
				t.Errorf("err %v after %d runs, want its failure after 1", err, runs)
			}
			if orgNames(t, db)["failed"] {
				t.Error("the failed operation's org was stored")
			}
		})
	}
}

// TestUpdateAuditChain: concurrent operations that append audit events,
// some of them then failing, leave a chain that verifies, with exactly the
// events of the operations that were kept, in the writer's order.
func TestUpdateAuditChain(t *testing.T) {
	for _, be := range sqlstoretest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			db := be.Open(t)
			ctx := context.Background()
			const callers, each = 16, 10
			var wg sync.WaitGroup
			var mu sync.Mutex
			kept := map[string]bool{}
			for c := range callers {
				wg.Go(func() {
					for i := range each {
						id := mentorvault.NewID()
						fail := (c+i)%3 == 0
						err := db.Update(ctx, func(tx mentorvault.Tx) error {
							if err := audit.Append(ctx, tx, &mentorvault.AuditEvent{ID: id, Action: "test.op", Outcome: mentorvault.OutcomeOK}); err != nil {
								return err
							}
							if fail {
								return errors.New("failed after appending")
							}
							return nil
						}, nil)
						if fail != (err != nil) {
							t.Errorf("caller %d op %d: err %v, want failure %v", c, i, err, fail)
						}
						if err == nil {
							mu.Lock()
							kept[id] = true
							mu.Unlock()
						}
					}
				})
			}
			wg.Wait()
			n, err := audit.Verify(ctx, db, nil)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if n != int64(len(kept)) {
				t.Errorf("chain has %d events, want %d", n, len(kept))
			}
			tx, err := db.BeginTx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			evs, err := tx.FindAuditEvents(ctx, mentorvault.AuditFilter{Limit: 10000})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if !kept[e.ID] {
					t.Errorf("event %s of a failed operation is on the chain", e.ID)
				}
			}
			commits, ops := db.CommitStats()
			t.Logf("%d operations in %d commits", ops, commits)
		})
	}
}

// TestUpdateCancel: a caller whose context ends while its operation is
// queued gets the context's error and its operation never runs; one whose
// context ends while its operation runs neither interrupts it nor the
// batch, and gets the operation's outcome once committed.
func TestUpdateCancel(t *testing.T) {
	for _, be := range sqlstoretest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			db := be.Open(t)
			release, first := holdWriter(t, db, "first")

			// Queued, then withdrawn.
			qctx, qcancel := context.WithCancel(context.Background())
			ran := false
			queued := make(chan error, 1)
			go func() {
				queued <- db.Update(qctx, func(tx mentorvault.Tx) error { ran = true; return nil }, nil)
			}()
			waitQueued(t, db, 1)
			qcancel()
			if err := <-queued; !errors.Is(err, context.Canceled) {
				t.Errorf("withdrawn operation: err %v, want context.Canceled", err)
			}

			// Cancelled while running, between two statements.
			rctx, rcancel := context.WithCancel(context.Background())
			running := make(chan error, 1)
			go func() {
				running <- db.Update(rctx, func(tx mentorvault.Tx) error {
					if err := tx.CreateOrg(rctx, &mentorvault.Org{ID: mentorvault.NewID(), Name: "cancelled-1", CreatedAt: tx.Now()}); err != nil {
						return err
					}
					rcancel()
					return tx.CreateOrg(rctx, &mentorvault.Org{ID: mentorvault.NewID(), Name: "cancelled-2", CreatedAt: tx.Now()})
				}, nil)
			}()
			waitQueued(t, db, 1)
			after := make(chan error, 1)
			go func() {
				after <- db.Update(context.Background(), func(tx mentorvault.Tx) error {
					return tx.CreateOrg(context.Background(), &mentorvault.Org{ID: mentorvault.NewID(), Name: "after", CreatedAt: tx.Now()})
				}, nil)
			}()
			waitQueued(t, db, 2)
			close(release)
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			if err := <-running; err != nil {
				t.Errorf("operation cancelled while running: %v", err)
			}
			if err := <-after; err != nil {
				t.Errorf("operation after the cancelled one: %v", err)
			}
			if ran {
				t.Error("the withdrawn operation ran")
			}
			got := orgNames(t, db)
			for _, name := range []string{"first", "cancelled-1", "cancelled-2", "after"} {
				if !got[name] {
					t.Errorf("org %s not stored", name)
				}
			}
		})
	}
}

// TestUpdateClose: Close runs the operations already queued and commits
// them; an Update after Close fails.
func TestUpdateClose(t *testing.T) {
	for _, be := range sqlstoretest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			db := be.Open(t)
			release, first := holdWriter(t, db, "first")
			const n = 5
			errc := make(chan error, n)
			for i := range n {
				go func() {
					errc <- db.Update(context.Background(), func(tx mentorvault.Tx) error {
						return tx.CreateOrg(context.Background(), &mentorvault.Org{ID: mentorvault.NewID(), Name: fmt.Sprint("queued-", i), CreatedAt: tx.Now()})
					}, nil)
				}()
			}
			waitQueued(t, db, n)
			closed := make(chan error, 1)
			go func() { closed <- db.Close() }()
			close(release)
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			for range n {
				if err := <-errc; err != nil {
					t.Errorf("queued operation: %v", err)
				}
			}
			if err := <-closed; err != nil {
				t.Fatal(err)
			}
			if err := db.Update(context.Background(), func(mentorvault.Tx) error { return nil }, nil); err == nil {
				t.Error("Update after Close succeeded")
			}
		})
	}
}

// TestUpdateLostRace: on PostgreSQL, an operation of a batch that the
// database picks as a deadlock's victim gets mentorvault.ErrLostRace and
// its work is undone, and the operation before it in the same batch still
// commits.
func TestUpdateLostRace(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for PostgreSQL's deadlock detection")
	}
	for _, be := range sqlstoretest.Backends(t) {
		if be.Name != "postgres" {
			continue
		}
		t.Run(be.Name, func(t *testing.T) {
			db := be.Open(t)
			ctx := context.Background()
			x, y := mentorvault.NewID(), mentorvault.NewID()
			if err := db.Update(ctx, func(tx mentorvault.Tx) error {
				for _, id := range []string{x, y} {
					if err := tx.CreateOrg(ctx, &mentorvault.Org{ID: id, Name: "org", CreatedAt: tx.Now()}); err != nil {
						return err
					}
				}
				return nil
			}, nil); err != nil {
				t.Fatal(err)
			}

			// Another transaction, outside the writer, holds y.
			other, err := db.SQLDB().BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Rollback()
			if _, err := other.ExecContext(ctx, `UPDATE orgs SET name = 'other' WHERE id = $1`, y); err != nil {
				t.Fatal(err)
			}

			release, first := holdWriter(t, db, "before the victim")
			victim := make(chan error, 1)
			go func() {
				victim <- db.Update(ctx, func(tx mentorvault.Tx) error {
					if err := sqlstore.ExecRaw(ctx, tx, `UPDATE orgs SET name = 'victim' WHERE id = ?`, x); err != nil {
						return err
					}
					// Waits for y, first: after deadlock_timeout this
					// backend finds the cycle and aborts itself.
					return sqlstore.ExecRaw(ctx, tx, `UPDATE orgs SET name = 'victim' WHERE id = ?`, y)
				}, nil)
			}()
			waitQueued(t, db, 1)
			close(release)
			// Let the victim lock x and wait for y, then close the cycle.
			time.Sleep(300 * time.Millisecond)
			otherErr := make(chan error, 1)
			go func() {
				_, err := other.ExecContext(ctx, `UPDATE orgs SET name = 'other' WHERE id = $1`, x)
				otherErr <- err
			}()
			if err := <-victim; !errors.Is(err, mentorvault.ErrLostRace) {
				t.Fatalf("victim: err %v, want ErrLostRace", err)
			}
			if err := <-first; err != nil {
				t.Errorf("the operation before the victim in its batch: %v", err)
			}
			if err := <-otherErr; err != nil {
				t.Fatalf("other transaction: %v", err)
			}
			if err := other.Commit(); err != nil {
				t.Fatal(err)
			}
			got := orgNames(t, db)
			if !got["before the victim"] {
				t.Error("the operation before the victim was not committed")
			}
			if got["victim"] {
				t.Error("the victim's work was committed")
			}
		})
	}
}

// TestUpdateAnswersAfterCommit: an operation is answered only once the
// batch it ran in is committed: while a later operation of the same batch
// runs, the earlier one's caller is still waiting.
func TestUpdateAnswersAfterCommit(t *testing.T) {
	for _, be := range sqlstoretest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			db := be.Open(t)
			ctx := context.Background()
			var answered atomic.Bool
			release, first := holdWriter(t, db, "first")
			go func() {
				<-first
				answered.Store(true)
			}()
			seen := make(chan bool, 1)
			second := make(chan error, 1)
			go func() {
				second <- db.Update(ctx, func(tx mentorvault.Tx) error {
					// Give an early answer time to arrive.
					time.Sleep(50 * time.Millisecond)
					seen <- answered.Load()
					return nil
				}, nil)
			}()
			waitQueued(t, db, 1)
			close(release)
			if <-seen {
				t.Error("the first operation was answered before its batch committed")
			}
			if err := <-second; err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for !answered.Load() && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if !answered.Load() {
				t.Error("the first operation was never answered")
			}
		})
	}
}
