// Package audit keeps mentorvault's tamper-evident audit log: every event
// stores the hash of the one before it, so editing, inserting, deleting or
// reordering events breaks the chain, and a checkpoint kept outside the
// database detects a truncated or rewritten chain.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
)

// canonicalVersion tags the canonical encoding; a new encoding gets a new tag.
const canonicalVersion = "mentorvault-audit/v1"

// Hash returns the hash an event must carry: SHA-256(PrevHash || canonical(e)).
//
// canonical(e) is a stored format; changing it invalidates every stored
// chain. It is the concatenation of:
//
//	str("mentorvault-audit/v1")
//	i64(Seq)
//	str(ID)
//	i64(At as unix microseconds, UTC; i.e. unix nanoseconds truncated to µs, divided by 1000)
//	str(ActorID) str(Action) str(Outcome) str(OrgID) str(RelationshipID)
//	str(ResourceType) str(ResourceID) str(Detail)
//	bytes(PrevHash)
//
// where i64(x) is x as 8 bytes big-endian two's complement, and str(s) and
// bytes(b) are a 4-byte big-endian length followed by the bytes. The length
// prefixes make the encoding unambiguous: no two different events encode to
// the same bytes. Every field but Hash is covered.
func Hash(e *mentorvault.AuditEvent) []byte {
	sum := hash(e)
	return sum[:]
}

// hash is Hash without the allocation of its result. The pre-image,
// PrevHash || canonical(e), is built in a buffer on the stack (typical
// events need ~200 bytes; longer ones grow it on the heap) and hashed in
// one call, so hashing an event allocates nothing.
func hash(e *mentorvault.AuditEvent) [sha256.Size]byte {
	var buf [512]byte
	b := append(buf[:0], e.PrevHash...)
	b = appendCanonical(b, e)
	return sha256.Sum256(b)
}

// appendCanonical appends canonical(e) to b.
func appendCanonical(b []byte, e *mentorvault.AuditEvent) []byte {
	b = appendStr(b, canonicalVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Seq))
	b = appendStr(b, e.ID)
	b = binary.BigEndian.AppendUint64(b, uint64(e.At.UnixMicro()))
	for _, s := range [...]string{e.ActorID, e.Action, e.Outcome, e.OrgID, e.RelationshipID, e.ResourceType, e.ResourceID, e.Detail} {
		b = appendStr(b, s)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(e.PrevHash)))
	return append(b, e.PrevHash...)
}

func appendStr(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// Append adds e to the end of the chain inside tx: it locks the head, sets
// Seq, PrevHash, ID (if empty), At (if zero, tx.Now(); always normalised to
// UTC microseconds so that it round-trips through the database unchanged)
// and Hash, and inserts the event. It returns EINVALID if Action is empty or
// Outcome is not one of the Outcome constants.
func Append(ctx context.Context, tx mentorvault.Tx, e *mentorvault.AuditEvent) error {
	if e.Action == "" {
		return mentorvault.Invalid("audit event has no action", map[string]string{"action": "required"})
	}
	switch e.Outcome {
	case mentorvault.OutcomeOK, mentorvault.OutcomeDenied, mentorvault.OutcomeFailed:
	default:
		return mentorvault.Invalid("audit event has an unknown outcome", map[string]string{"outcome": "must be ok, denied or failed"})
	}
	head, err := tx.LockAuditHead(ctx)
	if err != nil {
		return fmt.Errorf("audit: lock head: %w", err)
	}
	e.Seq = head.Seq + 1
	e.PrevHash = bytes.Clone(head.Hash)
	if e.ID == "" {
		e.ID = mentorvault.NewID()
	}
	if e.At.IsZero() {
		e.At = tx.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Hash = Hash(e)
	if err := tx.InsertAuditEvent(ctx, e); err != nil {
		return fmt.Errorf("audit: insert event: %w", err)
	}
	return nil
}

// BrokenError reports where a chain stops verifying: the first event (by
// position in seq order) that does not follow from the events before it, or,
// for a truncated chain, the missing Seq (ID empty). An inserted event that
// carries a correctly computed hash of its own is caught at the event after
// it, whose seq or prev-hash no longer fits.
type BrokenError struct {
	Seq    int64
	ID     string
	Reason string
}

func (e *BrokenError) Error() string {
	if e.ID == "" {
		return fmt.Sprintf("audit chain broken at seq %d: %s", e.Seq, e.Reason)
	}
	return fmt.Sprintf("audit chain broken at seq %d (event %s): %s", e.Seq, e.ID, e.Reason)
}

// Reasons a chain breaks, as they appear in BrokenError.Reason.
const (
	ReasonHash      = "hash mismatch: the event was edited"
	ReasonPrevHash  = "prev-hash mismatch: an event before it was inserted, deleted, replaced or reordered"
	ReasonDuplicate = "seq duplicate or out of order: an event was duplicated or reordered"
	ReasonGap       = "seq gap: events before it were deleted or moved"
	ReasonTruncated = "chain truncated: the event is missing"
	ReasonRewritten = "event differs from the checkpoint: the chain was rewritten"
	ReasonHead      = "stored head does not match the last event"
)

// Verifier checks a chain incrementally. Feed it every event in seq order,
// starting at seq 1; once broken it keeps returning the first break.
type Verifier struct {
	head mentorvault.AuditHead
	err  *BrokenError
}

// Next checks that e follows the events seen so far and returns a
// *BrokenError if it does not.
func (v *Verifier) Next(e *mentorvault.AuditEvent) error {
	if v.err != nil {
		return v.err
	}
	want := v.head.Seq + 1
	switch {
	case e.Seq < want:
		v.err = &BrokenError{Seq: e.Seq, ID: e.ID, Reason: fmt.Sprintf("%s (expected seq %d)", ReasonDuplicate, want)}
	case e.Seq > want:
		v.err = &BrokenError{Seq: e.Seq, ID: e.ID, Reason: fmt.Sprintf("%s (seq %d to %d missing)", ReasonGap, want, e.Seq-1)}
	case !bytes.Equal(e.PrevHash, v.head.Hash):
		v.err = &BrokenError{Seq: e.Seq, ID: e.ID, Reason: ReasonPrevHash}
	case !hashEqual(e):
		v.err = &BrokenError{Seq: e.Seq, ID: e.ID, Reason: ReasonHash}
	}
	if v.err != nil {
		return v.err
	}
	v.head = mentorvault.AuditHead{Seq: e.Seq, Hash: e.Hash}
	return nil
}

// hashEqual reports whether e.Hash is Hash(e), without allocating.
func hashEqual(e *mentorvault.AuditEvent) bool {
	sum := hash(e)
	return bytes.Equal(sum[:], e.Hash)
}

// Head returns the end of the chain verified so far.
func (v *Verifier) Head() mentorvault.AuditHead { return v.head }

// pageSize is how many events Verify reads per transaction.
const pageSize = 5000

// Verify reads the whole chain from s in pages, each in its own short
// transaction that it rolls back, verifies it, checks that the stored head
// matches the last event and, when cp is not nil, that the chain still
// holds event cp.Seq with hash cp.Hash. It returns the number of events
// verified, and a *BrokenError if the chain is broken or any store error.
func Verify(ctx context.Context, s mentorvault.Store, cp *Checkpoint) (int64, error) {
	return VerifyEach(ctx, s, cp, nil)
}

// VerifyEach is Verify that also hands each event, once verified, to each
// (when not nil), in chain order: for checks over what the events say, such
// as the sealed-record check of 'audit verify'.
func VerifyEach(ctx context.Context, s mentorvault.Store, cp *Checkpoint, each func(*mentorvault.AuditEvent)) (int64, error) {
	var (
		v      Verifier
		cpSeen *mentorvault.AuditEvent
		head   mentorvault.AuditHead
	)
	feed := func(evs []*mentorvault.AuditEvent) error {
		for _, e := range evs {
			if err := v.Next(e); err != nil {
				return err
			}
			if each != nil {
				each(e)
			}
			if cp != nil && e.Seq == cp.Seq {
				cpSeen = e
			}
		}
		return nil
	}
	for done := false; !done; {
		if err := ctx.Err(); err != nil {
			return v.Head().Seq, err
		}
		err := func() error {
			tx, err := s.BeginTx(ctx)
			if err != nil {
				return fmt.Errorf("audit: verify: %w", err)
			}
			defer tx.Rollback()
			evs, err := tx.FindAuditEvents(ctx, mentorvault.AuditFilter{AfterSeq: v.Head().Seq, Limit: pageSize})
			if err != nil {
				return fmt.Errorf("audit: verify: read events: %w", err)
			}
			if err := feed(evs); err != nil {
				return err
			}
			if len(evs) == pageSize {
				return nil
			}
			// Last page: read the head in the same transaction. Events
			// appended between the read and the lock are read now that
			// the head is held.
			done = true
			head, err = tx.LockAuditHead(ctx)
			if err != nil {
				return fmt.Errorf("audit: verify: read head: %w", err)
			}
			for head.Seq > v.Head().Seq {
				evs, err := tx.FindAuditEvents(ctx, mentorvault.AuditFilter{AfterSeq: v.Head().Seq, Limit: pageSize})
				if err != nil {
					return fmt.Errorf("audit: verify: read events: %w", err)
				}
				if len(evs) == 0 {
					break
				}
				if err := feed(evs); err != nil {
					return err
				}
			}
			return nil
		}()
		if err != nil {
			return v.Head().Seq, err
		}
	}
	n := v.Head().Seq
	if cp != nil {
		switch {
		case cp.Seq > n:
			return n, &BrokenError{Seq: cp.Seq, Reason: fmt.Sprintf("%s (checkpoint %s, chain ends at seq %d)", ReasonTruncated, cp, n)}
		case cp.Seq > 0 && (cpSeen == nil || !bytes.Equal(cpSeen.Hash, cp.Hash)):
			id := ""
			if cpSeen != nil {
				id = cpSeen.ID
			}
			return n, &BrokenError{Seq: cp.Seq, ID: id, Reason: fmt.Sprintf("%s (checkpoint %s)", ReasonRewritten, cp)}
		}
	}
	if head.Seq != n || !bytes.Equal(head.Hash, v.Head().Hash) {
		if head.Seq > n {
			return n, &BrokenError{Seq: n + 1, Reason: fmt.Sprintf("%s: head is at seq %d, chain ends at seq %d (events deleted)", ReasonHead, head.Seq, n)}
		}
		return n, &BrokenError{Seq: head.Seq, Reason: fmt.Sprintf("%s: head is at seq %d, chain ends at seq %d", ReasonHead, head.Seq, n)}
	}
	return n, nil
}

// IsBroken reports whether err says the chain is broken (as opposed to,
// say, the database being unreachable).
func IsBroken(err error) bool {
	var b *BrokenError
	return errors.As(err, &b)
}
