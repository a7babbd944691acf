package sqlstore

import (
	"context"
	"database/sql"

	"github.com/mentorvault/mentorvault"
)

// CreateNote stores a new note's ciphertext (never its Body). Returns
// ECONFLICT for a duplicate ID and EINVALID for an unknown relationship,
// author or meeting. Unlike the other Create methods (see Tx.write) it takes
// no savepoint, as it is on the hot path and the service checks the
// references first, so on PostgreSQL a failure leaves the transaction fit
// only for Rollback.
func (tx *Tx) CreateNote(ctx context.Context, n *mentorvault.Note) error {
	_, err := tx.exec(ctx, `INSERT INTO notes (id, relationship_id, author_id, meeting_id, visibility, body_sealed, seal_version, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.ID, n.RelationshipID, n.AuthorID, nullString(n.MeetingID), string(n.Visibility), n.BodySealed, n.SealVersion, tx.d.timeArg(n.CreatedAt), tx.d.timeArg(n.UpdatedAt))
	return mapError("create note", "note", err)
}

const noteColumns = `id, relationship_id, author_id, meeting_id, visibility, body_sealed, seal_version, created_at, updated_at`

func scanNote(s interface{ Scan(...any) error }) (*mentorvault.Note, error) {
	var n mentorvault.Note
	var vis string
	if err := s.Scan(&n.ID, &n.RelationshipID, &n.AuthorID, stringCol{&n.MeetingID}, &vis, bytesCol{&n.BodySealed}, &n.SealVersion,
		timeCol{&n.CreatedAt}, timeCol{&n.UpdatedAt}); err != nil {
		return nil, err
	}
	n.Visibility = mentorvault.Visibility(vis)
	return &n, nil
}

// FindNoteByID returns a note with its ciphertext, or ENOTFOUND.
func (tx *Tx) FindNoteByID(ctx context.Context, id string) (*mentorvault.Note, error) {
	n, err := scanNote(tx.queryRow(ctx, `SELECT `+noteColumns+` FROM notes WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find note", "note", err)
	}
	return n, nil
}

// FindNotes returns one relationship's notes, newest first: with MeetingID,
// only that session's notes; with ReaderID, only shared notes and the
// reader's own; with Before, only notes older than that ID; Offset of them
// skipped. Limit defaults to 50, at most 500. Returns EINVALID without a RelationshipID.
func (tx *Tx) FindNotes(ctx context.Context, f mentorvault.NoteFilter) ([]*mentorvault.Note, error) {
	if f.RelationshipID == "" {
		return nil, mentorvault.Errorf(mentorvault.EINVALID, "a relationship is required to list notes")
	}
	q := `SELECT ` + noteColumns + ` FROM notes WHERE relationship_id = ?`
	args := []any{f.RelationshipID}
	if f.MeetingID != "" {
		q += ` AND meeting_id = ?`
		args = append(args, f.MeetingID)
	}
	if f.ReaderID != "" {
		q += ` AND (visibility = ? OR author_id = ?)`
		args = append(args, string(mentorvault.VisibilityShared), f.ReaderID)
	}
	if f.Before != "" {
		q += ` AND id < ?`
		args = append(args, f.Before)
	}
	q += ` ORDER BY id DESC LIMIT ? OFFSET ?`
	args = append(args, clampLimit(f.Limit, 50, 500), max(f.Offset, 0))
	rows, err := tx.query(ctx, q, args...)
	return collect(rows, err, "find notes", func(r *sql.Rows) (*mentorvault.Note, error) { return scanNote(r) })
}

// UpdateNote stores Visibility, BodySealed, SealVersion, UpdatedAt and MeetingID. Returns ENOTFOUND.
func (tx *Tx) UpdateNote(ctx context.Context, n *mentorvault.Note) error {
	return tx.execOne(ctx, "update note", "note",
		`UPDATE notes SET visibility = ?, body_sealed = ?, seal_version = ?, updated_at = ?, meeting_id = ? WHERE id = ?`,
		string(n.Visibility), n.BodySealed, n.SealVersion, tx.d.timeArg(n.UpdatedAt), nullString(n.MeetingID), n.ID)
}

// DeleteNote deletes a note. Returns ENOTFOUND.
func (tx *Tx) DeleteNote(ctx context.Context, id string) error {
	return tx.execOne(ctx, "delete note", "note", `DELETE FROM notes WHERE id = ?`, id)
}
