package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/mentorvault/mentorvault"
)

// UpdateProgrammeSettings stores a programme's settings as plain JSON (they
// hold no one's content). Returns ENOTFOUND for an unknown programme.
func (tx *Tx) UpdateProgrammeSettings(ctx context.Context, programmeID string, s mentorvault.ProgrammeSettings) error {
	b, err := json.Marshal(s)
	if err != nil {
		return wrapErr("update programme settings", err)
	}
	return tx.execOne(ctx, "update programme settings", "programme",
		`UPDATE programmes SET settings_json = ? WHERE id = ?`, string(b), programmeID)
}

// FindProgrammeSettings returns a programme's stored settings, or
// DefaultProgrammeSettings if none were saved. Returns ENOTFOUND for an
// unknown programme.
func (tx *Tx) FindProgrammeSettings(ctx context.Context, programmeID string) (mentorvault.ProgrammeSettings, error) {
	var raw sql.NullString
	err := tx.queryRow(ctx, `SELECT settings_json FROM programmes WHERE id = ?`, programmeID).Scan(&raw)
	if err != nil {
		return mentorvault.ProgrammeSettings{}, findErr("find programme settings", "programme", err)
	}
	if !raw.Valid {
		return mentorvault.DefaultProgrammeSettings(), nil
	}
	var s mentorvault.ProgrammeSettings
	if err := json.Unmarshal([]byte(raw.String), &s); err != nil {
		return mentorvault.ProgrammeSettings{}, fmt.Errorf("sqlstore: find programme settings: stored settings: %w", err)
	}
	if s.ProposalExpiryDays == 0 { // saved before proposals expired
		s.ProposalExpiryDays = mentorvault.DefaultProposalExpiryDays
	}
	return s, nil
}

// CreateGuidelines publishes a guidelines version. Returns ECONFLICT if the
// version exists and EINVALID for an unknown programme or author.
func (tx *Tx) CreateGuidelines(ctx context.Context, g *mentorvault.Guidelines) error {
	_, err := tx.write(ctx, `INSERT INTO guidelines (programme_id, version, body, created_by_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		g.ProgrammeID, g.Version, g.Body, nullString(g.CreatedByID), tx.d.timeArg(g.CreatedAt))
	return mapError("create guidelines", "guidelines version", err)
}

// FindGuidelines returns a programme's guidelines version, or the latest
// when version is 0. Returns ENOTFOUND if there is none.
func (tx *Tx) FindGuidelines(ctx context.Context, programmeID string, version int) (*mentorvault.Guidelines, error) {
	q := `SELECT programme_id, version, body, created_by_id, created_at FROM guidelines WHERE programme_id = ?`
	args := []any{programmeID}
	if version != 0 {
		q += ` AND version = ?`
		args = append(args, version)
	}
	q += ` ORDER BY version DESC LIMIT 1`
	var g mentorvault.Guidelines
	err := tx.queryRow(ctx, q, args...).Scan(&g.ProgrammeID, &g.Version, &g.Body, stringCol{&g.CreatedByID}, timeCol{&g.CreatedAt})
	if err != nil {
		return nil, findErr("find guidelines", "guidelines", err)
	}
	return &g, nil
}

// CreateAgreementVersion stores a new version's ciphertexts and hash (never
// its Terms or Text). Returns ECONFLICT for a duplicate ID or number and
// EINVALID for an unknown relationship or user.
func (tx *Tx) CreateAgreementVersion(ctx context.Context, v *mentorvault.AgreementVersion) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO agreement_versions (id, relationship_id, number, state, terms_sealed, text_sealed, hash, seal_version,
	created_by_id, updated_by_id, created_at, updated_at, in_force_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.RelationshipID, v.Number, string(v.State), v.TermsSealed, v.TextSealed, v.Hash, v.SealVersion,
		nullString(v.CreatedByID), nullString(v.UpdatedByID), d.timeArg(v.CreatedAt), d.timeArg(v.UpdatedAt), d.nullTimeArg(v.InForceAt))
	return mapError("create agreement version", "agreement version", err)
}

// UpdateAgreementVersion stores State, TermsSealed, TextSealed, Hash, SealVersion,
// UpdatedByID, UpdatedAt and InForceAt. Returns ENOTFOUND.
func (tx *Tx) UpdateAgreementVersion(ctx context.Context, v *mentorvault.AgreementVersion) error {
	d := tx.d
	return tx.execOne(ctx, "update agreement version", "agreement version",
		`UPDATE agreement_versions SET state = ?, terms_sealed = ?, text_sealed = ?, hash = ?, seal_version = ?, updated_by_id = ?, updated_at = ?, in_force_at = ?
WHERE id = ?`,
		string(v.State), v.TermsSealed, v.TextSealed, v.Hash, v.SealVersion, nullString(v.UpdatedByID), d.timeArg(v.UpdatedAt), d.nullTimeArg(v.InForceAt), v.ID)
}

const agreementVersionColumns = `id, relationship_id, number, state, terms_sealed, text_sealed, hash, seal_version,
	created_by_id, updated_by_id, created_at, updated_at, in_force_at`

func scanAgreementVersion(s interface{ Scan(...any) error }) (*mentorvault.AgreementVersion, error) {
	var v mentorvault.AgreementVersion
	var state string
	if err := s.Scan(&v.ID, &v.RelationshipID, &v.Number, &state, bytesCol{&v.TermsSealed}, bytesCol{&v.TextSealed}, bytesCol{&v.Hash}, &v.SealVersion,
		stringCol{&v.CreatedByID}, stringCol{&v.UpdatedByID}, timeCol{&v.CreatedAt}, timeCol{&v.UpdatedAt}, nullTimeCol{&v.InForceAt}); err != nil {
		return nil, err
	}
	v.State = mentorvault.AgreementState(state)
	return &v, nil
}

// FindAgreementVersionByID returns a version with its ciphertexts, or ENOTFOUND.
func (tx *Tx) FindAgreementVersionByID(ctx context.Context, id string) (*mentorvault.AgreementVersion, error) {
	v, err := scanAgreementVersion(tx.queryRow(ctx, `SELECT `+agreementVersionColumns+` FROM agreement_versions WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find agreement version", "agreement version", err)
	}
	return v, nil
}

// FindAgreementVersions lists a relationship's versions, lowest number first.
func (tx *Tx) FindAgreementVersions(ctx context.Context, relationshipID string) ([]*mentorvault.AgreementVersion, error) {
	rows, err := tx.query(ctx, `SELECT `+agreementVersionColumns+` FROM agreement_versions WHERE relationship_id = ? ORDER BY number`, relationshipID)
	return collect(rows, err, "find agreement versions", func(r *sql.Rows) (*mentorvault.AgreementVersion, error) { return scanAgreementVersion(r) })
}

// CreateAgreementSignature records a signature. Returns ECONFLICT if the
// user already signed the version and EINVALID for an unknown version or user.
func (tx *Tx) CreateAgreementSignature(ctx context.Context, s *mentorvault.AgreementSignature) error {
	_, err := tx.write(ctx, `INSERT INTO agreement_signatures (version_id, user_id, hash, signed_at) VALUES (?, ?, ?, ?)`,
		s.VersionID, s.UserID, s.Hash, tx.d.timeArg(s.SignedAt))
	return mapError("create agreement signature", "signature", err)
}

// FindAgreementSignatures lists a version's signatures, earliest first.
func (tx *Tx) FindAgreementSignatures(ctx context.Context, versionID string) ([]*mentorvault.AgreementSignature, error) {
	rows, err := tx.query(ctx, `SELECT version_id, user_id, hash, signed_at FROM agreement_signatures WHERE version_id = ?
ORDER BY signed_at, user_id`, versionID)
	return collect(rows, err, "find agreement signatures", func(r *sql.Rows) (*mentorvault.AgreementSignature, error) {
		var s mentorvault.AgreementSignature
		if err := r.Scan(&s.VersionID, &s.UserID, bytesCol{&s.Hash}, timeCol{&s.SignedAt}); err != nil {
			return nil, err
		}
		return &s, nil
	})
}

// DeleteAgreementSignatures removes every signature of a version (its draft
// changed). Deleting none is not an error.
func (tx *Tx) DeleteAgreementSignatures(ctx context.Context, versionID string) error {
	_, err := tx.write(ctx, `DELETE FROM agreement_signatures WHERE version_id = ?`, versionID)
	return mapError("delete agreement signatures", "signature", err)
}

// CreateGuidelinesRead records that a party read a guidelines version.
// Returns ECONFLICT if they already confirmed it and EINVALID for an unknown
// relationship or user.
func (tx *Tx) CreateGuidelinesRead(ctx context.Context, g *mentorvault.GuidelinesRead) error {
	_, err := tx.write(ctx, `INSERT INTO guidelines_reads (relationship_id, user_id, guidelines_version, read_at) VALUES (?, ?, ?, ?)`,
		g.RelationshipID, g.UserID, g.Version, tx.d.timeArg(g.ReadAt))
	return mapError("create guidelines read", "guidelines read", err)
}

// FindGuidelinesReads lists the guidelines versions a relationship's
// parties confirmed reading, earliest first.
func (tx *Tx) FindGuidelinesReads(ctx context.Context, relationshipID string) ([]*mentorvault.GuidelinesRead, error) {
	rows, err := tx.query(ctx, `SELECT relationship_id, user_id, guidelines_version, read_at FROM guidelines_reads WHERE relationship_id = ?
ORDER BY read_at, user_id, guidelines_version`, relationshipID)
	return collect(rows, err, "find guidelines reads", func(r *sql.Rows) (*mentorvault.GuidelinesRead, error) {
		var g mentorvault.GuidelinesRead
		if err := r.Scan(&g.RelationshipID, &g.UserID, &g.Version, timeCol{&g.ReadAt}); err != nil {
			return nil, err
		}
		return &g, nil
	})
}

// CreateAgreementComment stores a comment's ciphertext (never its Body).
// Returns ECONFLICT for a duplicate ID and EINVALID for an unknown
// relationship, version or author.
func (tx *Tx) CreateAgreementComment(ctx context.Context, c *mentorvault.AgreementComment) error {
	_, err := tx.write(ctx, `INSERT INTO agreement_comments (id, relationship_id, version_id, section, author_id, body_sealed, seal_version, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.RelationshipID, c.VersionID, c.Section, c.AuthorID, c.BodySealed, c.SealVersion, tx.d.timeArg(c.CreatedAt))
	return mapError("create agreement comment", "comment", err)
}

// FindAgreementComments lists a relationship's comments, oldest first.
func (tx *Tx) FindAgreementComments(ctx context.Context, relationshipID string) ([]*mentorvault.AgreementComment, error) {
	rows, err := tx.query(ctx, `SELECT id, relationship_id, version_id, section, author_id, body_sealed, seal_version, created_at
FROM agreement_comments WHERE relationship_id = ? ORDER BY created_at, id`, relationshipID)
	return collect(rows, err, "find agreement comments", func(r *sql.Rows) (*mentorvault.AgreementComment, error) {
		var c mentorvault.AgreementComment
		if err := r.Scan(&c.ID, &c.RelationshipID, &c.VersionID, &c.Section, &c.AuthorID, bytesCol{&c.BodySealed}, &c.SealVersion, timeCol{&c.CreatedAt}); err != nil {
			return nil, err
		}
		return &c, nil
	})
}

// CreateReview stores a review's ciphertext (never its Answer or Notes).
// Returns ECONFLICT for a duplicate ID and EINVALID for an unknown
// relationship, version or user.
func (tx *Tx) CreateReview(ctx context.Context, r *mentorvault.Review) error {
	_, err := tx.write(ctx, `INSERT INTO reviews (id, relationship_id, version_id, user_id, sealed, seal_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.RelationshipID, nullString(r.VersionID), r.UserID, r.Sealed, r.SealVersion, tx.d.timeArg(r.CreatedAt))
	return mapError("create review", "review", err)
}

// FindReviews lists a relationship's reviews, oldest first.
func (tx *Tx) FindReviews(ctx context.Context, relationshipID string) ([]*mentorvault.Review, error) {
	rows, err := tx.query(ctx, `SELECT id, relationship_id, version_id, user_id, sealed, seal_version, created_at
FROM reviews WHERE relationship_id = ? ORDER BY created_at, id`, relationshipID)
	return collect(rows, err, "find reviews", func(r *sql.Rows) (*mentorvault.Review, error) {
		var v mentorvault.Review
		if err := r.Scan(&v.ID, &v.RelationshipID, stringCol{&v.VersionID}, &v.UserID, bytesCol{&v.Sealed}, &v.SealVersion, timeCol{&v.CreatedAt}); err != nil {
			return nil, err
		}
		return &v, nil
	})
}
