package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mentorvault/mentorvault"
)

// Group commit. Every service call writes (a read of content appends its
// audit event), and every commit with synchronous=FULL is an fsync, which on
// a disk costs far more than the call's own work. So the store's writer
// goroutine runs the operations of concurrent callers one after another in
// one transaction, each in its own savepoint, and commits them with one
// fsync; only then is any of them answered.
//
// The writer takes the next operation as soon as the one before it is done,
// so operations that arrive while a batch runs or commits join the next one:
// under load batches form by themselves, and a lone caller never waits for
// company. When the previous batch held more than one operation the writer
// also waits up to MaxDelay for more before it commits.

// GroupCommit configures how the writer batches operations.
type GroupCommit struct {
	// MaxOps is the most operations one transaction holds; 1 or less turns
	// group commit off (each Update is its own transaction).
	MaxOps int
	// MaxDelay is how long, at most, a batch waits for more operations
	// before it commits, when the batch before it held more than one.
	MaxDelay time.Duration
}

// DefaultGroupCommit is what OpenSQLite and OpenPostgres start with.
var DefaultGroupCommit = GroupCommit{MaxOps: 64, MaxDelay: 0}

// errClosed answers an Update after Close.
var errClosed = errors.New("sqlstore: the database is closed")

// pendingOp is one caller's operation, queued for the writer.
type pendingOp struct {
	ctx  context.Context
	fn   func(mentorvault.Tx) error
	keep func(error) bool

	state atomic.Int32 // opQueued, opTaken or opWithdrawn
	err   error        // fn's error, or the batch's; set before done closes
	pnc   any          // a panic of fn, re-raised in the caller
	done  chan struct{}
}

const (
	opQueued int32 = iota
	opTaken
	opWithdrawn
)

// writer is the one goroutine that runs batched operations.
type writer struct {
	db    *DB
	queue chan *pendingOp

	mu     sync.RWMutex // held for reading while sending on queue
	closed bool
	conf   GroupCommit

	stopped chan struct{}

	commits, ops atomic.Int64 // see CommitStats
}

// CommitStats reports how many transactions Update has committed and how
// many operations they held: ops/commits is the mean batch size.
func (db *DB) CommitStats() (commits, ops int64) {
	return db.w.commits.Load(), db.w.ops.Load()
}

func newWriter(db *DB, conf GroupCommit) *writer {
	w := &writer{db: db, queue: make(chan *pendingOp, 256), conf: conf, stopped: make(chan struct{})}
	go w.loop()
	return w
}

// SetGroupCommit changes how operations are batched from the next batch on.
func (db *DB) SetGroupCommit(c GroupCommit) {
	db.w.mu.Lock()
	defer db.w.mu.Unlock()
	db.w.conf = c
}

// Update runs fn in a transaction and commits it. The work fn does is kept
// when fn returns nil, or an error for which keep (if not nil) reports true:
// then Update returns fn's error once the work is committed. Any other error
// undoes fn's work and is returned, also only after the commit of the batch
// fn ran in, as fn may have read what others in the batch wrote. A commit
// that fails returns its error to every operation of the batch.
//
// With group commit on, fn runs on the store's writer goroutine inside a
// savepoint of a transaction shared with concurrent Updates, so fn must do
// nothing but through tx, must not begin another transaction, and must not
// call tx.Commit or tx.Rollback. Statements fn runs are not interrupted by
// the cancellation of their context (that would abort the whole batch);
// an Update whose ctx ends before fn started returns ctx.Err() and never
// runs fn. An error marked mentorvault.ErrLostRace is returned as it is, for
// the caller to run fn again.
func (db *DB) Update(ctx context.Context, fn func(mentorvault.Tx) error, keep func(error) bool) error {
	if keep == nil {
		keep = func(error) bool { return false }
	}
	w := db.w
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errClosed
	}
	if w.conf.MaxOps <= 1 {
		w.mu.RUnlock()
		return db.updateAlone(ctx, fn, keep)
	}
	p := &pendingOp{ctx: ctx, fn: fn, keep: keep, done: make(chan struct{})}
	select {
	case w.queue <- p:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	select {
	case <-p.done:
	case <-ctx.Done():
		if p.state.CompareAndSwap(opQueued, opWithdrawn) {
			return ctx.Err()
		}
		<-p.done // running or run: its outcome is the commit's
	}
	if p.pnc != nil {
		panic(p.pnc)
	}
	return p.err
}

// updateAlone is Update in a transaction of its own.
func (db *DB) updateAlone(ctx context.Context, fn func(mentorvault.Tx) error, keep func(error) bool) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	err = fn(tx)
	if err != nil && !keep(err) {
		return err
	}
	if cerr := tx.Commit(); cerr != nil {
		return cerr
	}
	db.w.commits.Add(1)
	db.w.ops.Add(1)
	return err
}

// close stops taking operations, runs those queued and waits for the
// writer to finish.
func (w *writer) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.stopped
		return
	}
	w.closed = true
	close(w.queue)
	w.mu.Unlock()
	<-w.stopped
}

func (w *writer) config() GroupCommit {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.conf
}

func (w *writer) loop() {
	defer close(w.stopped)
	last := 0
	for p := range w.queue {
		last = w.batch(p, last)
	}
}

// batch runs first and whatever joins it in one transaction, commits, and
// answers every operation. last is the size of the previous batch; batch
// returns the size of this one.
func (w *writer) batch(first *pendingOp, last int) int {
	if !first.state.CompareAndSwap(opQueued, opTaken) {
		return last
	}
	conf := w.config()
	ops := []*pendingOp{first}
	b := &batchTx{db: w.db}
	err := b.run(first)
	var deadline <-chan time.Time
	if conf.MaxDelay > 0 && last > 1 {
		t := time.NewTimer(conf.MaxDelay)
		defer t.Stop()
		deadline = t.C
	}
	for err == nil && len(ops) < conf.MaxOps {
		p := w.next(deadline)
		if p == nil {
			break
		}
		if !p.state.CompareAndSwap(opQueued, opTaken) {
			continue // withdrawn by its caller
		}
		ops = append(ops, p)
		err = b.run(p)
	}
	switch {
	case err != nil:
		// The transaction could not be begun, or a savepoint could not be
		// taken or undone: the transaction is broken and rolled back,
		// through no fault of most of its operations. Run each again alone.
		b.rollback()
		for _, p := range ops {
			p.pnc, p.err = runAlone(w.db, p)
		}
	case b.tx == nil:
		// Every operation failed and was rolled back: nothing to commit.
	default:
		if err := b.commit(); err != nil {
			for _, p := range ops {
				p.err, p.pnc = err, nil
			}
		} else {
			w.commits.Add(1)
			w.ops.Add(int64(len(ops)))
		}
	}
	b.prepare()
	for _, p := range ops {
		close(p.done)
	}
	return len(ops)
}

// runAlone runs p in a transaction of its own, catching a panic.
func runAlone(db *DB, p *pendingOp) (pnc any, err error) {
	defer func() {
		if v := recover(); v != nil {
			pnc, err = v, nil
		}
	}()
	return nil, db.updateAlone(context.WithoutCancel(p.ctx), p.fn, p.keep)
}

// next returns the next queued operation: one waiting now, or, if deadline
// is not nil, one that arrives before it. It returns nil when there is none
// or the queue is closed.
func (w *writer) next(deadline <-chan time.Time) *pendingOp {
	select {
	case p := <-w.queue:
		return p
	default:
	}
	if deadline == nil {
		return nil
	}
	select {
	case p := <-w.queue:
		return p
	case <-deadline:
		return nil
	}
}

// batchTx is the transaction a batch shares.
type batchTx struct {
	db         *DB
	tx         *sql.Tx // nil until the first operation, and after one alone in it failed
	n          int     // operations run in tx
	unprepared []string
}

// opSavepoint is the savepoint each batched operation but the first runs
// in; the statement savepoints of Tx.write nest inside it.
const opSavepoint = "sqlstore_op"

func (b *batchTx) begin() error {
	tx, err := b.db.db.BeginTx(context.Background(), nil)
	if err != nil {
		return wrapErr("begin", err)
	}
	b.tx, b.n = tx, 0
	return nil
}

// run runs p, recording fn's error (or panic) in p, and undoes its work
// unless it is kept. The first operation of a transaction needs no
// savepoint (a lone caller pays for none): if it fails, the transaction is
// rolled back and the next operation begins another. Every later one runs
// in a savepoint. run returns an error only if the transaction could not
// be begun or a savepoint failed, which leaves the transaction unusable.
func (b *batchTx) run(p *pendingOp) error {
	ctx := context.Background()
	if b.tx == nil {
		if err := b.begin(); err != nil {
			return err
		}
	}
	first := b.n == 0
	if !first {
		if _, err := b.tx.ExecContext(ctx, "SAVEPOINT "+opSavepoint); err != nil {
			return wrapErr("savepoint", err)
		}
	}
	tx := b.db.opTx(b.tx)
	p.pnc, p.err = call(p.fn, tx)
	tx.mu.Lock()
	b.unprepared = append(b.unprepared, tx.unprepared...)
	tx.unprepared, tx.rows = nil, nil
	tx.mu.Unlock()
	undo := p.pnc != nil || (p.err != nil && !p.keep(p.err))
	switch {
	case first && undo:
		b.rollback()
		b.tx = nil
		return nil
	case first:
		b.n++
		return nil
	case undo:
		if _, err := b.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+opSavepoint); err != nil {
			return wrapErr("rollback to savepoint", err)
		}
	}
	if _, err := b.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+opSavepoint); err != nil {
		return wrapErr("release savepoint", err)
	}
	b.n++
	return nil
}

func call(fn func(mentorvault.Tx) error, tx *Tx) (pnc any, err error) {
	defer func() {
		if v := recover(); v != nil {
			pnc, err = v, nil
		}
	}()
	return nil, fn(tx)
}

func (b *batchTx) commit() error {
	if err := b.tx.Commit(); err != nil {
		return wrapErr("commit", err)
	}
	return nil
}

func (b *batchTx) rollback() {
	if b.tx != nil {
		_ = b.tx.Rollback()
	}
}

// prepare caches the statements the batch ran uncached, now that it holds
// no connection (see stmtCache).
func (b *batchTx) prepare() {
	if b.db.stmts != nil && len(b.unprepared) > 0 {
		b.db.stmts.prepare(b.unprepared)
	}
}
