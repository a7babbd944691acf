package audit_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
)

// fakeStore is an in-memory mentorvault.Store that implements only what
// the audit package uses. LockAuditHead holds a store-wide lock until the
// transaction ends, as the real stores do; inserts apply on Commit.
type fakeStore struct {
	mentorvault.Store // nil: any other method panics

	headLock sync.Mutex
	mu       sync.Mutex
	events   []*mentorvault.AuditEvent
	head     mentorvault.AuditHead

	begins, commits, rollbacks, finds int
	maxLimit                          int
}

func newFakeStore(evs []*mentorvault.AuditEvent) *fakeStore {
	s := &fakeStore{events: evs}
	if n := len(evs); n > 0 {
		s.head = mentorvault.AuditHead{Seq: evs[n-1].Seq, Hash: evs[n-1].Hash}
	}
	return s
}

func (s *fakeStore) BeginTx(ctx context.Context) (mentorvault.Tx, error) {
	s.mu.Lock()
	s.begins++
	s.mu.Unlock()
	return &fakeTx{s: s, now: t0.Add(123456789 * time.Nanosecond)}, nil
}

type fakeTx struct {
	mentorvault.Tx // nil: any other method panics

	s       *fakeStore
	now     time.Time
	locked  bool
	pending []*mentorvault.AuditEvent
	head    mentorvault.AuditHead
	done    bool
}

func (tx *fakeTx) Now() time.Time { return tx.now }

func (tx *fakeTx) end() {
	tx.done = true
	if tx.locked {
		tx.locked = false
		tx.s.headLock.Unlock()
	}
}

func (tx *fakeTx) Commit() error {
	if tx.done {
		return errors.New("tx done")
	}
	tx.s.mu.Lock()
	tx.s.commits++
	tx.s.events = append(tx.s.events, tx.pending...)
	if len(tx.pending) > 0 {
		tx.s.head = tx.head
	}
	tx.s.mu.Unlock()
	tx.end()
	return nil
}

func (tx *fakeTx) Rollback() error {
	if tx.done {
		return nil
	}
	tx.s.mu.Lock()
	tx.s.rollbacks++
	tx.s.mu.Unlock()
	tx.end()
	return nil
}

func (tx *fakeTx) LockAuditHead(ctx context.Context) (mentorvault.AuditHead, error) {
	if !tx.locked {
		tx.s.headLock.Lock()
		tx.locked = true
	}
	tx.s.mu.Lock()
	defer tx.s.mu.Unlock()
	tx.head = tx.s.head
	return tx.s.head, nil
}

func (tx *fakeTx) InsertAuditEvent(ctx context.Context, e *mentorvault.AuditEvent) error {
	if !tx.locked {
		return errors.New("fake: insert without locked head")
	}
	c := *e
	tx.pending = append(tx.pending, &c)
	tx.head = mentorvault.AuditHead{Seq: e.Seq, Hash: e.Hash}
	return nil
}

func (tx *fakeTx) FindAuditEvents(ctx context.Context, f mentorvault.AuditFilter) ([]*mentorvault.AuditEvent, error) {
	tx.s.mu.Lock()
	defer tx.s.mu.Unlock()
	tx.s.finds++
	tx.s.maxLimit = max(tx.s.maxLimit, f.Limit)
	var out []*mentorvault.AuditEvent
	for _, e := range tx.s.events {
		if e.Seq > f.AfterSeq && (f.BeforeSeq == 0 || e.Seq < f.BeforeSeq) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *mentorvault.AuditEvent) int { return int(a.Seq - b.Seq) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func TestVerifyPaging(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 4999, 5000, 10000, 12000} {
		s := newFakeStore(buildChain(n))
		got, err := audit.Verify(ctx, s, nil)
		if err != nil || got != int64(n) {
			t.Fatalf("n=%d: Verify = %d, %v", n, got, err)
		}
		if s.maxLimit != 5000 {
			t.Fatalf("n=%d: page limit %d, want 5000", n, s.maxLimit)
		}
		if wantPages := n/5000 + 1; s.begins != wantPages || s.finds != wantPages {
			t.Fatalf("n=%d: %d transactions, %d reads, want %d each", n, s.begins, s.finds, wantPages)
		}
		if s.rollbacks != s.begins || s.commits != 0 {
			t.Fatalf("n=%d: %d begins, %d rollbacks, %d commits", n, s.begins, s.rollbacks, s.commits)
		}
	}
}

func TestVerifyDetectsBreakAcrossPages(t *testing.T) {
	evs := buildChain(12000)
	evs[7000].Detail = "edited"
	_, err := audit.Verify(context.Background(), newFakeStore(evs), nil)
	wantBroken(t, err, 7001, evs[7000].ID, audit.ReasonHash)

	evs = buildChain(12000)
	evs = slices.Delete(evs, 5000, 5001) // first event of the second page
	_, err = audit.Verify(context.Background(), newFakeStore(evs), nil)
	wantBroken(t, err, 5002, evs[5000].ID, audit.ReasonGap)
}

func TestVerifyCheckpoint(t *testing.T) {
	ctx := context.Background()
	full := buildChain(12000)
	cp := audit.NewCheckpoint(mentorvault.AuditHead{Seq: 12000, Hash: full[11999].Hash}, t0)

	t.Run("intact", func(t *testing.T) {
		n, err := audit.Verify(ctx, newFakeStore(clone(full)), &cp)
		if err != nil || n != 12000 {
			t.Fatalf("Verify = %d, %v", n, err)
		}
		// A later chain still contains the checkpoint.
		more := chain(append(clone(full), newEvent(12001), newEvent(12002)))
		if n, err := audit.Verify(ctx, newFakeStore(more), &cp); err != nil || n != 12002 {
			t.Fatalf("grown chain: Verify = %d, %v", n, err)
		}
	})
	t.Run("tail truncated, head rewound", func(t *testing.T) {
		// A careful attacker deletes the tail and moves the head back:
		// the chain itself is valid, only the checkpoint tells.
		evs := clone(full)[:11990]
		n, err := audit.Verify(ctx, newFakeStore(evs), nil)
		if err != nil || n != 11990 {
			t.Fatalf("without checkpoint: %d, %v", n, err)
		}
		_, err = audit.Verify(ctx, newFakeStore(evs), &cp)
		wantBroken(t, err, 12000, "", audit.ReasonTruncated)
	})
	t.Run("tail truncated, head left", func(t *testing.T) {
		s := newFakeStore(clone(full))
		s.events = s.events[:11990]
		_, err := audit.Verify(ctx, s, nil)
		wantBroken(t, err, 11991, "", audit.ReasonHead)
		_, err = audit.Verify(ctx, s, &cp)
		wantBroken(t, err, 12000, "", audit.ReasonTruncated)
	})
	t.Run("everything deleted", func(t *testing.T) {
		_, err := audit.Verify(ctx, newFakeStore(nil), &cp)
		wantBroken(t, err, 12000, "", audit.ReasonTruncated)
	})
	t.Run("chain rewritten", func(t *testing.T) {
		// Edit an old event and recompute every hash after it: a valid
		// chain that no longer matches the checkpoint.
		evs := clone(full)
		evs[100].ActorID = "someone-else"
		chain(evs)
		s := newFakeStore(evs)
		if _, err := audit.Verify(ctx, s, nil); err != nil {
			t.Fatalf("rewritten chain should be self-consistent: %v", err)
		}
		mid := audit.NewCheckpoint(mentorvault.AuditHead{Seq: 6000, Hash: full[5999].Hash}, t0)
		_, err := audit.Verify(ctx, s, &mid)
		wantBroken(t, err, 6000, evs[5999].ID, audit.ReasonRewritten)
	})
}

func TestVerifyHeadMismatch(t *testing.T) {
	s := newFakeStore(buildChain(10))
	s.head.Hash = bytes.Repeat([]byte{9}, 32)
	_, err := audit.Verify(context.Background(), s, nil)
	wantBroken(t, err, 10, "", audit.ReasonHead)

	s = newFakeStore(buildChain(10))
	s.head.Seq = 8
	_, err = audit.Verify(context.Background(), s, nil)
	wantBroken(t, err, 8, "", audit.ReasonHead)
}

func TestAppend(t *testing.T) {
	ctx := context.Background()
	s := newFakeStore(nil)
	for i := 1; i <= 20; i++ {
		tx, err := s.BeginTx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		e := newEvent(i)
		if i%2 == 0 {
			e.ID, e.At = "", time.Time{}
		} else {
			e.At = e.At.In(time.FixedZone("CET", 3600)).Add(999 * time.Nanosecond)
		}
		if err := audit.Append(ctx, tx, e); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if e.Seq != int64(i) || len(e.Hash) != 32 || (i > 1 && len(e.PrevHash) != 32) {
			t.Fatalf("event %d: seq %d hash %x prev %x", i, e.Seq, e.Hash, e.PrevHash)
		}
		if e.At.Location() != time.UTC || e.At.Nanosecond()%1000 != 0 {
			t.Fatalf("event %d: At %v not normalised to UTC µs", i, e.At)
		}
		if i%2 == 0 {
			if !mentorvault.ValidID(e.ID) {
				t.Fatalf("event %d: ID %q", i, e.ID)
			}
			if !e.At.Equal(tx.Now().Truncate(time.Microsecond)) {
				t.Fatalf("event %d: At %v, want tx time", i, e.At)
			}
		}
	}
	n, err := audit.Verify(ctx, s, nil)
	if err != nil || n != 20 {
		t.Fatalf("Verify = %d, %v", n, err)
	}
}

func TestAppendRolledBack(t *testing.T) {
	ctx := context.Background()
	s := newFakeStore(buildChain(3))
	tx, _ := s.BeginTx(ctx)
	if err := audit.Append(ctx, tx, newEvent(4)); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	tx, _ = s.BeginTx(ctx)
	e := newEvent(5)
	if err := audit.Append(ctx, tx, e); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	if e.Seq != 4 {
		t.Fatalf("seq after rollback = %d, want 4", e.Seq)
	}
	if n, err := audit.Verify(ctx, s, nil); err != nil || n != 4 {
		t.Fatalf("Verify = %d, %v", n, err)
	}
}

func TestAppendConcurrent(t *testing.T) {
	ctx := context.Background()
	s := newFakeStore(nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				tx, _ := s.BeginTx(ctx)
				if err := audit.Append(ctx, tx, newEvent(g*1000+i)); err != nil {
					t.Error(err)
				}
				tx.Commit()
			}
		})
	}
	wg.Wait()
	if n, err := audit.Verify(ctx, s, nil); err != nil || n != 400 {
		t.Fatalf("Verify = %d, %v", n, err)
	}
}

func TestAppendInvalid(t *testing.T) {
	ctx := context.Background()
	s := newFakeStore(nil)
	for _, e := range []*mentorvault.AuditEvent{
		{Outcome: mentorvault.OutcomeOK},
		{Action: "note.read"},
		{Action: "note.read", Outcome: "maybe"},
	} {
		tx, _ := s.BeginTx(ctx)
		err := audit.Append(ctx, tx, e)
		tx.Rollback()
		if mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("Append(%+v) = %v, want invalid", e, err)
		}
	}
}
