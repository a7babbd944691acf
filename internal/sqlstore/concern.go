package sqlstore

import (
	"context"
	"database/sql"

	"github.com/mentorvault/mentorvault"
)

// CreateConcern stores a new concern with its sealed description (never
// Description). Returns ECONFLICT for a duplicate ID and EINVALID for an
// unknown relationship or user, or a category or status the schema refuses.
func (tx *Tx) CreateConcern(ctx context.Context, c *mentorvault.Concern) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO concerns (id, relationship_id, raised_by_id, category, description_sealed, seal_version, imminent, status,
	created_at, updated_at, closed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.RelationshipID, c.RaisedByID, string(c.Category), c.DescriptionSealed, c.SealVersion, c.Imminent, string(c.Status),
		d.timeArg(c.CreatedAt), d.timeArg(c.UpdatedAt), d.nullTimeArg(c.ClosedAt))
	return mapError("create concern", "concern", err)
}

// UpdateConcern stores Status, UpdatedAt and ClosedAt. Returns ENOTFOUND.
func (tx *Tx) UpdateConcern(ctx context.Context, c *mentorvault.Concern) error {
	d := tx.d
	return tx.execOne(ctx, "update concern", "concern",
		`UPDATE concerns SET status = ?, updated_at = ?, closed_at = ? WHERE id = ?`,
		string(c.Status), d.timeArg(c.UpdatedAt), d.nullTimeArg(c.ClosedAt), c.ID)
}

const concernColumns = `id, relationship_id, raised_by_id, category, description_sealed, seal_version, imminent, status, created_at, updated_at, closed_at`

func scanConcern(s interface{ Scan(...any) error }) (*mentorvault.Concern, error) {
	var c mentorvault.Concern
	var category, status string
	if err := s.Scan(&c.ID, &c.RelationshipID, &c.RaisedByID, &category, bytesCol{&c.DescriptionSealed}, &c.SealVersion, &c.Imminent, &status,
		timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt}, nullTimeCol{&c.ClosedAt}); err != nil {
		return nil, err
	}
	c.Category, c.Status = mentorvault.ConcernCategory(category), mentorvault.ConcernStatus(status)
	return &c, nil
}

// FindConcernByID returns a concern with its sealed description, or ENOTFOUND.
func (tx *Tx) FindConcernByID(ctx context.Context, id string) (*mentorvault.Concern, error) {
	c, err := scanConcern(tx.queryRow(ctx, `SELECT `+concernColumns+` FROM concerns WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find concern", "concern", err)
	}
	return c, nil
}

// FindConcerns lists a relationship's concerns, newest first.
func (tx *Tx) FindConcerns(ctx context.Context, relationshipID string) ([]*mentorvault.Concern, error) {
	rows, err := tx.query(ctx, `SELECT `+concernColumns+` FROM concerns WHERE relationship_id = ? ORDER BY created_at DESC, id DESC`, relationshipID)
	return collect(rows, err, "find concerns", func(r *sql.Rows) (*mentorvault.Concern, error) { return scanConcern(r) })
}

// CreateConcernStep stores a step's ciphertext (never Answer or Body).
// Returns ECONFLICT for a duplicate ID and EINVALID for an unknown concern or
// user, or a kind the schema refuses.
func (tx *Tx) CreateConcernStep(ctx context.Context, s *mentorvault.ConcernStep) error {
	_, err := tx.write(ctx, `INSERT INTO concern_steps (id, concern_id, author_id, kind, sealed, seal_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.ConcernID, s.AuthorID, string(s.Kind), s.Sealed, s.SealVersion, tx.d.timeArg(s.CreatedAt))
	return mapError("create concern step", "concern step", err)
}

// FindConcernSteps lists a concern's steps (ciphertext only), oldest first.
func (tx *Tx) FindConcernSteps(ctx context.Context, concernID string) ([]*mentorvault.ConcernStep, error) {
	rows, err := tx.query(ctx, `SELECT id, concern_id, author_id, kind, sealed, seal_version, created_at FROM concern_steps
WHERE concern_id = ? ORDER BY created_at, id`, concernID)
	return collect(rows, err, "find concern steps", func(r *sql.Rows) (*mentorvault.ConcernStep, error) {
		var s mentorvault.ConcernStep
		var kind string
		if err := r.Scan(&s.ID, &s.ConcernID, &s.AuthorID, &kind, bytesCol{&s.Sealed}, &s.SealVersion, timeCol{&s.CreatedAt}); err != nil {
			return nil, err
		}
		s.Kind = mentorvault.ConcernStepKind(kind)
		return &s, nil
	})
}

// CreateDisclosure stores a new disclosure with its sealed content (never
// Content). Returns ECONFLICT for a duplicate ID and EINVALID for an unknown
// concern, relationship or user, no recipient, or a kind or state the schema
// refuses.
func (tx *Tx) CreateDisclosure(ctx context.Context, v *mentorvault.Disclosure) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO disclosures (id, concern_id, relationship_id, kind, discloser_id, recipient_user_id, recipient_name, how,
	recipient_name_sealed, how_sealed, content_sealed, seal_version, effective_at, imminent, state, mentor_signed_at, mentee_signed_at,
	created_at, updated_at, delivered_at, withdrawn_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.ConcernID, v.RelationshipID, string(v.Kind), v.DiscloserID, nullString(v.RecipientUserID),
		plainOr(v.RecipientNameSealed, v.RecipientName, mentorvault.Redacted), plainOr(v.HowSealed, v.How, ""), nullBytes(v.RecipientNameSealed), nullBytes(v.HowSealed),
		v.ContentSealed, v.SealVersion, d.timeArg(v.EffectiveAt), v.Imminent, string(v.State), d.nullTimeArg(v.MentorSignedAt), d.nullTimeArg(v.MenteeSignedAt),
		d.timeArg(v.CreatedAt), d.timeArg(v.UpdatedAt), d.nullTimeArg(v.DeliveredAt), d.nullTimeArg(v.WithdrawnAt))
	return mapError("create disclosure", "disclosure", err)
}

// UpdateDisclosure stores State, ContentSealed, How(Sealed), RecipientName(Sealed), SealVersion, EffectiveAt,
// MentorSignedAt, MenteeSignedAt, UpdatedAt, DeliveredAt and WithdrawnAt.
// Returns ENOTFOUND.
func (tx *Tx) UpdateDisclosure(ctx context.Context, v *mentorvault.Disclosure) error {
	d := tx.d
	return tx.execOne(ctx, "update disclosure", "disclosure",
		`UPDATE disclosures SET state = ?, content_sealed = ?, how = ?, how_sealed = ?, recipient_name = ?, recipient_name_sealed = ?,
	seal_version = ?, effective_at = ?, mentor_signed_at = ?, mentee_signed_at = ?, updated_at = ?,
	delivered_at = ?, withdrawn_at = ?
WHERE id = ?`,
		string(v.State), v.ContentSealed, plainOr(v.HowSealed, v.How, ""), nullBytes(v.HowSealed),
		plainOr(v.RecipientNameSealed, v.RecipientName, mentorvault.Redacted), nullBytes(v.RecipientNameSealed), v.SealVersion, d.timeArg(v.EffectiveAt), d.nullTimeArg(v.MentorSignedAt), d.nullTimeArg(v.MenteeSignedAt), d.timeArg(v.UpdatedAt),
		d.nullTimeArg(v.DeliveredAt), d.nullTimeArg(v.WithdrawnAt), v.ID)
}

const disclosureColumns = `id, concern_id, relationship_id, kind, discloser_id, recipient_user_id, recipient_name, how,
	recipient_name_sealed, how_sealed, content_sealed, seal_version, effective_at, imminent, state, mentor_signed_at, mentee_signed_at, created_at, updated_at, delivered_at, withdrawn_at,
	reached_at, reached_via, undelivered_at`

func scanDisclosure(s interface{ Scan(...any) error }) (*mentorvault.Disclosure, error) {
	var v mentorvault.Disclosure
	var kind, state string
	if err := s.Scan(&v.ID, &v.ConcernID, &v.RelationshipID, &kind, &v.DiscloserID, stringCol{&v.RecipientUserID}, &v.RecipientName, &v.How,
		bytesCol{&v.RecipientNameSealed}, bytesCol{&v.HowSealed}, bytesCol{&v.ContentSealed}, &v.SealVersion, timeCol{&v.EffectiveAt}, &v.Imminent, &state, nullTimeCol{&v.MentorSignedAt}, nullTimeCol{&v.MenteeSignedAt},
		timeCol{&v.CreatedAt}, timeCol{&v.UpdatedAt}, nullTimeCol{&v.DeliveredAt}, nullTimeCol{&v.WithdrawnAt},
		nullTimeCol{&v.ReachedAt}, &v.ReachedVia, nullTimeCol{&v.UndeliveredAt}); err != nil {
		return nil, err
	}
	v.Kind, v.State = mentorvault.DisclosureKind(kind), mentorvault.DisclosureState(state)
	v.RecipientName, v.How = unsealedOr(v.RecipientNameSealed, v.RecipientName), unsealedOr(v.HowSealed, v.How)
	return &v, nil
}

// FindDisclosureByID returns a disclosure with its sealed content, or ENOTFOUND.
func (tx *Tx) FindDisclosureByID(ctx context.Context, id string) (*mentorvault.Disclosure, error) {
	v, err := scanDisclosure(tx.queryRow(ctx, `SELECT `+disclosureColumns+` FROM disclosures WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find disclosure", "disclosure", err)
	}
	return v, nil
}

// FindDisclosures lists a concern's disclosures, oldest first.
func (tx *Tx) FindDisclosures(ctx context.Context, concernID string) ([]*mentorvault.Disclosure, error) {
	rows, err := tx.query(ctx, `SELECT `+disclosureColumns+` FROM disclosures WHERE concern_id = ? ORDER BY created_at, id`, concernID)
	return collect(rows, err, "find disclosures", func(r *sql.Rows) (*mentorvault.Disclosure, error) { return scanDisclosure(r) })
}

// FindDeliveredDisclosures lists the disclosures delivered to a user (in
// state delivered), newest delivered first.
func (tx *Tx) FindDeliveredDisclosures(ctx context.Context, recipientUserID string) ([]*mentorvault.Disclosure, error) {
	rows, err := tx.query(ctx, `SELECT `+disclosureColumns+` FROM disclosures
WHERE recipient_user_id = ? AND state = ? ORDER BY delivered_at DESC, id DESC`,
		recipientUserID, string(mentorvault.DisclosureDelivered))
	return collect(rows, err, "find delivered disclosures", func(r *sql.Rows) (*mentorvault.Disclosure, error) { return scanDisclosure(r) })
}

// CreateConsultation stores a new consultation. Returns ECONFLICT for a
// duplicate ID and EINVALID for an unknown relationship, user, programme or
// concern, or a role the schema refuses.
func (tx *Tx) CreateConsultation(ctx context.Context, c *mentorvault.Consultation) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO consultations (id, relationship_id, consultant_id, consultant_role, supervisor_id, programme_id, concern_id,
	created_at, closed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.RelationshipID, c.ConsultantID, c.ConsultantRole, c.SupervisorID, c.ProgrammeID, nullString(c.ConcernID),
		d.timeArg(c.CreatedAt), d.nullTimeArg(c.ClosedAt))
	return mapError("create consultation", "consultation", err)
}

// UpdateConsultation stores ClosedAt. Returns ENOTFOUND.
func (tx *Tx) UpdateConsultation(ctx context.Context, c *mentorvault.Consultation) error {
	return tx.execOne(ctx, "update consultation", "consultation",
		`UPDATE consultations SET closed_at = ? WHERE id = ?`, tx.d.nullTimeArg(c.ClosedAt), c.ID)
}

const consultationColumns = `id, relationship_id, consultant_id, consultant_role, supervisor_id, programme_id, concern_id, created_at, closed_at`

func scanConsultation(s interface{ Scan(...any) error }) (*mentorvault.Consultation, error) {
	var c mentorvault.Consultation
	if err := s.Scan(&c.ID, &c.RelationshipID, &c.ConsultantID, &c.ConsultantRole, &c.SupervisorID, &c.ProgrammeID, stringCol{&c.ConcernID},
		timeCol{&c.CreatedAt}, nullTimeCol{&c.ClosedAt}); err != nil {
		return nil, err
	}
	return &c, nil
}

// FindConsultationByID returns a consultation, or ENOTFOUND.
func (tx *Tx) FindConsultationByID(ctx context.Context, id string) (*mentorvault.Consultation, error) {
	c, err := scanConsultation(tx.queryRow(ctx, `SELECT `+consultationColumns+` FROM consultations WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find consultation", "consultation", err)
	}
	return c, nil
}

// FindConsultations lists the consultations of consultantID when it is
// given, otherwise those with supervisorID, newest first.
func (tx *Tx) FindConsultations(ctx context.Context, consultantID, supervisorID string) ([]*mentorvault.Consultation, error) {
	col, id := "supervisor_id", supervisorID
	if consultantID != "" {
		col, id = "consultant_id", consultantID
	}
	rows, err := tx.query(ctx, `SELECT `+consultationColumns+` FROM consultations WHERE `+col+` = ? ORDER BY created_at DESC, id DESC`, id)
	return collect(rows, err, "find consultations", func(r *sql.Rows) (*mentorvault.Consultation, error) { return scanConsultation(r) })
}

// CreateConsultationMessage stores a message's ciphertext (never Body).
// Returns ECONFLICT for a duplicate ID and EINVALID for an unknown consultation.
func (tx *Tx) CreateConsultationMessage(ctx context.Context, m *mentorvault.ConsultationMessage) error {
	_, err := tx.write(ctx, `INSERT INTO consultation_messages (id, consultation_id, from_supervisor, body_sealed, seal_version, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		m.ID, m.ConsultationID, m.FromSupervisor, m.BodySealed, m.SealVersion, tx.d.timeArg(m.CreatedAt))
	return mapError("create consultation message", "consultation message", err)
}

// FindConsultationMessages lists a consultation's messages (ciphertext
// only), oldest first.
func (tx *Tx) FindConsultationMessages(ctx context.Context, consultationID string) ([]*mentorvault.ConsultationMessage, error) {
	rows, err := tx.query(ctx, `SELECT id, consultation_id, from_supervisor, body_sealed, seal_version, created_at FROM consultation_messages
WHERE consultation_id = ? ORDER BY created_at, id`, consultationID)
	return collect(rows, err, "find consultation messages", func(r *sql.Rows) (*mentorvault.ConsultationMessage, error) {
		var m mentorvault.ConsultationMessage
		if err := r.Scan(&m.ID, &m.ConsultationID, &m.FromSupervisor, bytesCol{&m.BodySealed}, &m.SealVersion, timeCol{&m.CreatedAt}); err != nil {
			return nil, err
		}
		return &m, nil
	})
}
