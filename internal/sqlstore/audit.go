package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/mentorvault/mentorvault"
)

// LockAuditHead returns the chain's head and holds it until the transaction
// ends: on PostgreSQL with SELECT … FOR UPDATE, on SQLite by the IMMEDIATE
// transaction's write lock.
func (tx *Tx) LockAuditHead(ctx context.Context) (mentorvault.AuditHead, error) {
	var h mentorvault.AuditHead
	err := tx.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+tx.d.forUpdate()).Scan(&h.Seq, bytesCol{&h.Hash})
	if err != nil {
		return mentorvault.AuditHead{}, wrapErr("lock audit head", err)
	}
	if len(h.Hash) == 0 {
		h.Hash = nil
	}
	return h, nil
}

// InsertAuditEvent stores an event and advances the head to its Seq and
// Hash. Returns ECONFLICT if the Seq is taken, which only happens when the
// head was not locked; unlike the Create methods (see Tx.write) it takes no
// savepoint, as it is on every request's path, so on PostgreSQL a failure
// leaves the transaction fit only for Rollback.
//
// On PostgreSQL it is one statement (one round trip): the UPDATE of the
// head takes the inserted row's seq and hash from a data-modifying WITH, so
// if the insert fails nothing is changed, as with the two statements SQLite
// runs (it has no data-modifying WITH; its statements cost no round trip).
func (tx *Tx) InsertAuditEvent(ctx context.Context, e *mentorvault.AuditEvent) error {
	args := []any{e.Seq, e.ID, tx.d.timeArg(e.At), nullString(e.ActorID), e.Action, e.Outcome, nullString(e.OrgID),
		nullString(e.RelationshipID), nullString(e.ResourceType), nullString(e.ResourceID), nullString(e.Detail),
		e.PrevHash, e.Hash}
	if tx.d.name == "postgres" {
		_, err := tx.exec(ctx, `WITH e AS (
	`+insertAuditEvent+`
	RETURNING seq, hash
)
UPDATE audit_head SET seq = e.seq, hash = e.hash FROM e WHERE audit_head.id = 1`, args...)
		return mapError("insert audit event", "audit event", err)
	}
	if _, err := tx.exec(ctx, insertAuditEvent, args...); err != nil {
		return mapError("insert audit event", "audit event", err)
	}
	_, err := tx.exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, e.Seq, e.Hash)
	return mapError("advance audit head", "audit head", err)
}

const insertAuditEvent = `INSERT INTO audit_events (seq, id, at, actor_id, action, outcome, org_id, relationship_id,
	resource_type, resource_id, detail, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// FindAuditEvents lists the events f selects, by Seq (ascending unless
// Descending), skipping Offset of them in that order. Limit defaults to 100,
// at most 10000.
func (tx *Tx) FindAuditEvents(ctx context.Context, f mentorvault.AuditFilter) ([]*mentorvault.AuditEvent, error) {
	var where []string
	var args []any
	if f.RelationshipID != "" {
		where, args = append(where, "relationship_id = ?"), append(args, f.RelationshipID)
	}
	if f.AfterSeq > 0 {
		where, args = append(where, "seq > ?"), append(args, f.AfterSeq)
	}
	if f.BeforeSeq > 0 {
		where, args = append(where, "seq < ?"), append(args, f.BeforeSeq)
	}
	if f.ActorID != "" {
		where, args = append(where, "actor_id = ?"), append(args, f.ActorID)
	}
	if f.NotActorID != "" {
		where, args = append(where, "(actor_id IS NULL OR actor_id <> ?)"), append(args, f.NotActorID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, tx.d.timeArg(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, "at < ?"), append(args, tx.d.timeArg(f.Until))
	}
	switch f.Kind {
	case mentorvault.AuditReads, mentorvault.AuditChanges:
		var like []string
		for _, suf := range mentorvault.ReadActionSuffixes {
			like, args = append(like, "action LIKE ?"), append(args, "%"+suf)
		}
		cond := "(" + strings.Join(like, " OR ") + ")"
		if f.Kind == mentorvault.AuditChanges {
			cond = "NOT " + cond
		}
		where = append(where, cond)
	case mentorvault.AuditRefused:
		where, args = append(where, "outcome <> ?"), append(args, mentorvault.OutcomeOK)
	case "":
	default:
		return nil, mentorvault.Invalid("the filter is not valid", map[string]string{"kind": `must be "reads", "changes" or "refused"`})
	}
	q := `SELECT seq, id, at, actor_id, action, outcome, org_id, relationship_id, resource_type, resource_id, detail, prev_hash, hash
FROM audit_events`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	if f.Descending {
		q += ` ORDER BY seq DESC`
	} else {
		q += ` ORDER BY seq`
	}
	q += ` LIMIT ? OFFSET ?`
	args = append(args, clampLimit(f.Limit, 100, 10000), max(f.Offset, 0))
	rows, err := tx.query(ctx, q, args...)
	return collect(rows, err, "find audit events", func(r *sql.Rows) (*mentorvault.AuditEvent, error) {
		var e mentorvault.AuditEvent
		err := r.Scan(&e.Seq, &e.ID, timeCol{&e.At}, stringCol{&e.ActorID}, &e.Action, &e.Outcome, stringCol{&e.OrgID},
			stringCol{&e.RelationshipID}, stringCol{&e.ResourceType}, stringCol{&e.ResourceID}, stringCol{&e.Detail},
			bytesCol{&e.PrevHash}, bytesCol{&e.Hash})
		return &e, err
	})
}
