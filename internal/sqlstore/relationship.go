package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
)

// CreateRelationship stores a new relationship. Returns ECONFLICT for a
// duplicate ID and EINVALID for an unknown organisation, programme or user.
func (tx *Tx) CreateRelationship(ctx context.Context, r *mentorvault.Relationship) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO relationships (id, org_id, programme_id, kind, mentor_id, mentee_id, proposed_by_id, status,
	mentor_agreed_at, mentee_agreed_at, created_at, updated_at, started_at, ended_at,
	matched_by_id, mentor_accepted_at, mentee_accepted_at, expires_at, expired_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.OrgID, nullString(r.ProgrammeID), string(r.Kind), r.MentorID, r.MenteeID, r.ProposedByID, string(r.Status),
		d.nullTimeArg(r.MentorAgreedAt), d.nullTimeArg(r.MenteeAgreedAt), d.timeArg(r.CreatedAt), d.timeArg(r.UpdatedAt),
		d.nullTimeArg(r.StartedAt), d.nullTimeArg(r.EndedAt),
		nullString(r.MatchedByID), d.nullTimeArg(r.MentorAcceptedAt), d.nullTimeArg(r.MenteeAcceptedAt), d.nullTimeArg(r.ExpiresAt), d.nullTimeArg(r.ExpiredAt))
	return mapError("create relationship", "relationship", err)
}

const relationshipColumns = `id, org_id, programme_id, kind, mentor_id, mentee_id, proposed_by_id, status,
	mentor_agreed_at, mentee_agreed_at, created_at, updated_at, started_at, ended_at,
	closed_by_id, ended_by_programme, erase_at, erase_warned, erased_at, hold_reason, hold_by_id, hold_at,
	matched_by_id, mentor_accepted_at, mentee_accepted_at, expires_at, expired_at`

func scanRelationship(s interface{ Scan(...any) error }) (*mentorvault.Relationship, error) {
	var r mentorvault.Relationship
	var kind, status, holdReason, holdBy string
	var byProgramme int64
	var holdAt *time.Time
	if err := s.Scan(&r.ID, &r.OrgID, stringCol{&r.ProgrammeID}, &kind, &r.MentorID, &r.MenteeID, &r.ProposedByID, &status,
		nullTimeCol{&r.MentorAgreedAt}, nullTimeCol{&r.MenteeAgreedAt}, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt},
		nullTimeCol{&r.StartedAt}, nullTimeCol{&r.EndedAt},
		stringCol{&r.ClosedByID}, &byProgramme, nullTimeCol{&r.EraseAt}, &r.EraseWarned, nullTimeCol{&r.ErasedAt},
		stringCol{&holdReason}, stringCol{&holdBy}, nullTimeCol{&holdAt},
		stringCol{&r.MatchedByID}, nullTimeCol{&r.MentorAcceptedAt}, nullTimeCol{&r.MenteeAcceptedAt}, nullTimeCol{&r.ExpiresAt}, nullTimeCol{&r.ExpiredAt}); err != nil {
		return nil, err
	}
	r.Kind, r.Status = mentorvault.RelationshipKind(kind), mentorvault.RelationshipStatus(status)
	r.EndedByProgramme = byProgramme != 0
	if holdAt != nil {
		r.Hold = &mentorvault.LegalHold{Reason: holdReason, ByID: holdBy, At: *holdAt}
	}
	return &r, nil
}

// FindRelationshipByID returns a relationship, or ENOTFOUND.
func (tx *Tx) FindRelationshipByID(ctx context.Context, id string) (*mentorvault.Relationship, error) {
	r, err := scanRelationship(tx.queryRow(ctx, `SELECT `+relationshipColumns+` FROM relationships WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find relationship", "relationship", err)
	}
	return r, nil
}

// LockRelationshipByID finds a relationship and locks its row until the
// transaction ends.
func (tx *Tx) LockRelationshipByID(ctx context.Context, id string) (*mentorvault.Relationship, error) {
	r, err := scanRelationship(tx.queryRow(ctx, `SELECT `+relationshipColumns+` FROM relationships WHERE id = ?`+tx.d.forUpdate(), id))
	if err != nil {
		return nil, findErr("lock relationship", "relationship", err)
	}
	return r, nil
}

// FindRelationships lists the relationships f selects, oldest first, the
// page f.Offset and f.Limit select. A page of an organisation's listed
// relationships reads only that page from the index
// relationships_org_id_created_at (migration 0009).
func (tx *Tx) FindRelationships(ctx context.Context, f mentorvault.RelationshipFilter) ([]*mentorvault.Relationship, error) {
	var where []string
	var args []any
	if len(f.IDs) > 0 {
		where = append(where, "r.id IN ("+marks(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.OrgID != "" {
		where, args = append(where, "r.org_id = ?"), append(args, f.OrgID)
	}
	if f.PartyID != "" {
		where, args = append(where, "(r.mentor_id = ? OR r.mentee_id = ?)"), append(args, f.PartyID, f.PartyID)
	}
	if f.ProgrammeID != "" {
		where, args = append(where, "r.programme_id = ?"), append(args, f.ProgrammeID)
	}
	if len(f.Statuses) > 0 {
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
		where = append(where, "r.status IN ("+marks(len(f.Statuses))+")")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		where = append(where, `(EXISTS (SELECT 1 FROM users u WHERE u.id IN (r.mentor_id, r.mentee_id)
		AND (LOWER(u.name) LIKE ? ESCAPE '\' OR LOWER(u.email) LIKE ? ESCAPE '\'))
	OR EXISTS (SELECT 1 FROM programmes p WHERE p.id = r.programme_id AND LOWER(p.name) LIKE ? ESCAPE '\'))`)
		args = append(args, like, like, like)
	}
	q := `SELECT ` + relationshipColumnsOf("r") + ` FROM relationships r`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY r.created_at, r.id`
	if f.Limit > 0 || f.Offset > 0 {
		limit := int64(f.Limit)
		if limit <= 0 {
			limit = -1 // SQLite: no limit
			if tx.d.name == "postgres" {
				limit = math.MaxInt64
			}
		}
		q += ` LIMIT ? OFFSET ?`
		args = append(args, limit, max(f.Offset, 0))
	}
	rows, err := tx.query(ctx, q, args...)
	return collect(rows, err, "find relationships", func(r *sql.Rows) (*mentorvault.Relationship, error) { return scanRelationship(r) })
}

// relationshipColumnsOf is relationshipColumns qualified by a table alias.
func relationshipColumnsOf(alias string) string {
	cols := strings.Split(relationshipColumns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// escapeLike escapes LIKE's wildcards (and the escape character) in s.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UpdateRelationship stores the status, agreement times, start/end, who
// ended it, its erasure schedule, its legal hold and UpdatedAt. Returns
// ENOTFOUND.
func (tx *Tx) UpdateRelationship(ctx context.Context, r *mentorvault.Relationship) error {
	d := tx.d
	byProgramme := 0
	if r.EndedByProgramme {
		byProgramme = 1
	}
	var holdReason, holdBy, holdAt any
	if h := r.Hold; h != nil {
		holdReason, holdBy, holdAt = h.Reason, h.ByID, d.timeArg(h.At)
	}
	return tx.execOne(ctx, "update relationship", "relationship",
		`UPDATE relationships SET status = ?, mentor_agreed_at = ?, mentee_agreed_at = ?, started_at = ?, ended_at = ?, updated_at = ?,
	closed_by_id = ?, ended_by_programme = ?, erase_at = ?, erase_warned = ?, erased_at = ?, hold_reason = ?, hold_by_id = ?, hold_at = ?,
	mentor_accepted_at = ?, mentee_accepted_at = ?, expires_at = ?, expired_at = ?
WHERE id = ?`,
		string(r.Status), d.nullTimeArg(r.MentorAgreedAt), d.nullTimeArg(r.MenteeAgreedAt),
		d.nullTimeArg(r.StartedAt), d.nullTimeArg(r.EndedAt), d.timeArg(r.UpdatedAt),
		nullString(r.ClosedByID), byProgramme, d.nullTimeArg(r.EraseAt), r.EraseWarned, d.nullTimeArg(r.ErasedAt), holdReason, holdBy, holdAt,
		d.nullTimeArg(r.MentorAcceptedAt), d.nullTimeArg(r.MenteeAcceptedAt), d.nullTimeArg(r.ExpiresAt), d.nullTimeArg(r.ExpiredAt),
		r.ID)
}

// FindRetentionDue lists, soonest first and at most limit, the ended
// relationships the retention job has work on at now: those without an
// erasure date yet (ended before dates were kept), and, unless held, those
// whose date has come or whose next warning is due (mentorvault.EraseWarnings).
func (tx *Tx) FindRetentionDue(ctx context.Context, now time.Time, limit int) ([]*mentorvault.Relationship, error) {
	d := tx.d
	first, last := mentorvault.EraseWarnings[0], mentorvault.EraseWarnings[len(mentorvault.EraseWarnings)-1]
	rows, err := tx.query(ctx, `SELECT `+relationshipColumns+` FROM relationships
WHERE ended_at IS NOT NULL AND erased_at IS NULL AND (erase_at IS NULL OR (hold_at IS NULL AND
	(erase_at <= ? OR (erase_warned = 0 AND erase_at <= ?) OR (erase_warned = ? AND erase_at <= ?))))
ORDER BY erase_at, id LIMIT ?`,
		d.timeArg(now), d.timeArg(now.AddDate(0, 0, first)), first, d.timeArg(now.AddDate(0, 0, last)), limit)
	return collect(rows, err, "find relationships due for retention", func(r *sql.Rows) (*mentorvault.Relationship, error) { return scanRelationship(r) })
}

// FindExpiredProposals lists, oldest expiry first and at most limit, the
// proposals still unanswered at now whose expiry date has come (index
// relationships_expires_at, migration 0022).
func (tx *Tx) FindExpiredProposals(ctx context.Context, now time.Time, limit int) ([]*mentorvault.Relationship, error) {
	rows, err := tx.query(ctx, `SELECT `+relationshipColumns+` FROM relationships
WHERE status = 'proposed' AND expires_at IS NOT NULL AND expires_at <= ?
ORDER BY expires_at, id LIMIT ?`, tx.d.timeArg(now), limit)
	return collect(rows, err, "find expired proposals", func(r *sql.Rows) (*mentorvault.Relationship, error) { return scanRelationship(r) })
}

// CreateDataKey stores a relationship's wrapped data keyset. Returns
// ECONFLICT if it has one (even a destroyed one) and EINVALID for an unknown
// relationship.
func (tx *Tx) CreateDataKey(ctx context.Context, relationshipID string, wrapped []byte, at time.Time) error {
	_, err := tx.write(ctx, `INSERT INTO data_keys (relationship_id, wrapped, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		relationshipID, wrapped, tx.d.timeArg(at), tx.d.timeArg(at))
	return mapError("create data key", "data key", err)
}

// FindDataKey returns a relationship's wrapped keyset; ENOTFOUND if it has
// none or it was destroyed.
func (tx *Tx) FindDataKey(ctx context.Context, relationshipID string) ([]byte, error) {
	var b []byte
	err := tx.queryRow(ctx, `SELECT wrapped FROM data_keys WHERE relationship_id = ? AND destroyed_at IS NULL AND wrapped IS NOT NULL`, relationshipID).
		Scan(bytesCol{&b})
	if err != nil {
		return nil, findErr("find data key", "data key", err)
	}
	return b, nil
}

// FindBoundDataKey returns a relationship's live wrapped keyset, its party
// binding and its parties as stored, in one query; ENOTFOUND if it has none
// or it was destroyed.
func (tx *Tx) FindBoundDataKey(ctx context.Context, relationshipID string) (*mentorvault.BoundDataKey, error) {
	var k mentorvault.BoundDataKey
	err := tx.queryRow(ctx, `SELECT k.wrapped, k.parties_sealed, r.org_id, r.programme_id, r.mentor_id, r.mentee_id
FROM data_keys k JOIN relationships r ON r.id = k.relationship_id
WHERE k.relationship_id = ? AND k.destroyed_at IS NULL AND k.wrapped IS NOT NULL`, relationshipID).
		Scan(bytesCol{&k.Wrapped}, bytesCol{&k.Binding}, &k.OrgID, stringCol{&k.ProgrammeID}, &k.MentorID, &k.MenteeID)
	if err != nil {
		return nil, findErr("find data key", "data key", err)
	}
	return &k, nil
}

// FindPartyBindings returns every key row's party binding (nil where none).
func (tx *Tx) FindPartyBindings(ctx context.Context) (map[string][]byte, error) {
	rows, err := tx.query(ctx, `SELECT relationship_id, parties_sealed FROM data_keys`)
	if err != nil {
		return nil, mapError("find party bindings", "data key", err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var id string
		var b []byte
		if err := rows.Scan(&id, bytesCol{&b}); err != nil {
			return nil, mapError("find party bindings", "data key", err)
		}
		out[id] = b
	}
	return out, mapError("find party bindings", "data key", rows.Err())
}

// SetPartyBinding stores a key row's party binding. Returns ENOTFOUND.
func (tx *Tx) SetPartyBinding(ctx context.Context, relationshipID string, binding []byte, at time.Time) error {
	return tx.execOne(ctx, "set party binding", "data key",
		`UPDATE data_keys SET parties_sealed = ?, updated_at = ? WHERE relationship_id = ?`,
		binding, tx.d.timeArg(at), relationshipID)
}

// StartUpgradeStep records step name as done; true if it was not before.
func (tx *Tx) StartUpgradeStep(ctx context.Context, name string, at time.Time) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO upgrade_steps (name, done_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, tx.d.timeArg(at))
	if err != nil {
		return false, mapError("start upgrade step", "upgrade step", err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapError("start upgrade step", "upgrade step", err)
}

// UpgradeStepDone reports whether step name was recorded.
func (tx *Tx) UpgradeStepDone(ctx context.Context, name string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM upgrade_steps WHERE name = ?`, name).Scan(&n)
	return n > 0, mapError("find upgrade step", "upgrade step", err)
}

// UpdateDataKey replaces a live wrapped keyset (rotation or rewrapping).
// Returns ENOTFOUND if there is none or it was destroyed.
func (tx *Tx) UpdateDataKey(ctx context.Context, relationshipID string, wrapped []byte, at time.Time) error {
	return tx.execOne(ctx, "update data key", "data key",
		`UPDATE data_keys SET wrapped = ?, updated_at = ? WHERE relationship_id = ? AND destroyed_at IS NULL`,
		wrapped, tx.d.timeArg(at), relationshipID)
}

// DestroyDataKey erases the wrapped keyset (crypto-shredding); destroying it
// again keeps the first time. Returns ENOTFOUND if the relationship never had one.
func (tx *Tx) DestroyDataKey(ctx context.Context, relationshipID string, at time.Time) error {
	t := tx.d.timeArg(at)
	return tx.execOne(ctx, "destroy data key", "data key",
		`UPDATE data_keys SET wrapped = NULL, destroyed_at = COALESCE(destroyed_at, ?), updated_at = ? WHERE relationship_id = ?`,
		t, t, relationshipID)
}

// wrappedKeyTables says where each kind of wrapped key lives: its table,
// ID column and key column, and what makes a row's key live.
var wrappedKeyTables = map[mentorvault.WrappedKeyKind]struct{ table, id, key, live string }{
	mentorvault.WrappedDataKey:   {"data_keys", "relationship_id", "wrapped", "destroyed_at IS NULL AND wrapped IS NOT NULL"},
	mentorvault.WrappedOutboxKey: {"outbox", "id", "secret_key", "secret_key IS NOT NULL"},
}

// FindWrappedKeys lists live wrapped keys of one kind by ID after the cursor.
func (tx *Tx) FindWrappedKeys(ctx context.Context, kind mentorvault.WrappedKeyKind, after string, limit int) ([]mentorvault.WrappedKey, error) {
	t, ok := wrappedKeyTables[kind]
	if !ok {
		return nil, mentorvault.Errorf(mentorvault.EINVALID, "no such kind of wrapped key: %q", kind)
	}
	rows, err := tx.query(ctx, `SELECT `+t.id+`, `+t.key+` FROM `+t.table+` WHERE `+t.live+` AND `+t.id+` > ? ORDER BY `+t.id+` LIMIT ?`,
		after, clampLimit(limit, 500, 500))
	return collect(rows, err, "find wrapped keys", func(r *sql.Rows) (mentorvault.WrappedKey, error) {
		k := mentorvault.WrappedKey{Kind: kind}
		err := r.Scan(&k.ID, bytesCol{&k.Wrapped})
		return k, err
	})
}

// RewrapKey swaps a live wrapped key for its rewrapping, only if it is
// still the one read (a rotation of the data key meanwhile wins).
func (tx *Tx) RewrapKey(ctx context.Context, kind mentorvault.WrappedKeyKind, id string, old, rewrapped []byte, at time.Time) (bool, error) {
	t, ok := wrappedKeyTables[kind]
	if !ok {
		return false, mentorvault.Errorf(mentorvault.EINVALID, "no such kind of wrapped key: %q", kind)
	}
	q := `UPDATE ` + t.table + ` SET ` + t.key + ` = ?`
	args := []any{rewrapped}
	if kind == mentorvault.WrappedDataKey {
		q += `, updated_at = ?`
		args = append(args, tx.d.timeArg(at))
	}
	q += ` WHERE ` + t.id + ` = ? AND ` + t.key + ` = ? AND ` + t.live
	args = append(args, id, old)
	res, err := tx.write(ctx, q, args...)
	if err != nil {
		return false, mapError("rewrap key", "key", err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapError("rewrap key", "key", err)
}

// Scrub leaves no copy of a destroyed key in the database's files: on
// SQLite (secure_delete overwrote the row in its page) the write-ahead log,
// which may still hold the page as it was, is checkpointed and truncated;
// on PostgreSQL the key table is vacuumed, so its dead row versions go.
// Call it after the transaction that destroyed a key has committed.
func (db *DB) Scrub(ctx context.Context) error {
	if db.d.name == "postgres" {
		if _, err := db.db.ExecContext(ctx, `VACUUM data_keys`); err != nil {
			return fmt.Errorf("sqlstore: scrub: %w", err)
		}
		return nil
	}
	var busy, frames, done int
	if err := db.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("sqlstore: scrub: %w", err)
	}
	if busy != 0 {
		return errors.New("sqlstore: scrub: readers kept the write-ahead log from being truncated; SQLite's next checkpoint does it")
	}
	return nil
}
