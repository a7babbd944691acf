package sqlstore

import (
	"context"
	"database/sql"
	"math"

	"github.com/mentorvault/mentorvault"
)

// nullBytes stores an empty ciphertext as NULL.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// plainOr is what a plain column that a sealed one replaced holds: the
// value itself only for a row not sealed yet (sealed nil), otherwise marker
// ("[sealed]" where the schema's CHECK wants a value, else ""). Migration
// 0008 explains why the columns stay.
func plainOr(sealed []byte, plain, marker string) string {
	if sealed != nil {
		return marker
	}
	return plain
}

// unsealedOr is the plain value a scan gives: empty once the field is
// sealed (the service opens it), the stored value for an older row.
func unsealedOr(sealed []byte, plain string) string {
	if sealed != nil {
		return ""
	}
	return plain
}

// CreateInputRequest stores a request with its sealed question (never
// Question). Returns ECONFLICT for a duplicate ID and EINVALID for an
// unknown relationship or user, or a status the schema refuses.
func (tx *Tx) CreateInputRequest(ctx context.Context, r *mentorvault.InputRequest) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO input_requests (id, relationship_id, requester_id, asked_id, subject_id, purpose, purpose_sealed, question_sealed, seal_version,
	deadline, status, decline_reply, decline_reply_sealed, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.RelationshipID, r.RequesterID, r.AskedID, r.SubjectID, plainOr(r.PurposeSealed, r.Purpose, mentorvault.Redacted), nullBytes(r.PurposeSealed),
		r.QuestionSealed, r.SealVersion, d.timeArg(r.Deadline), string(r.Status), plainOr(r.DeclineReplySealed, r.DeclineReply, ""), nullBytes(r.DeclineReplySealed),
		d.timeArg(r.CreatedAt), d.timeArg(r.UpdatedAt))
	return mapError("create input request", "input request", err)
}

// UpdateInputRequest stores Status, DeclineReply(Sealed), Purpose(Sealed),
// QuestionSealed, SealVersion and UpdatedAt. Returns ENOTFOUND.
func (tx *Tx) UpdateInputRequest(ctx context.Context, r *mentorvault.InputRequest) error {
	return tx.execOne(ctx, "update input request", "input request",
		`UPDATE input_requests SET status = ?, decline_reply = ?, decline_reply_sealed = ?, purpose = ?, purpose_sealed = ?, question_sealed = ?,
	seal_version = ?, updated_at = ? WHERE id = ?`,
		string(r.Status), plainOr(r.DeclineReplySealed, r.DeclineReply, ""), nullBytes(r.DeclineReplySealed),
		plainOr(r.PurposeSealed, r.Purpose, mentorvault.Redacted), nullBytes(r.PurposeSealed), r.QuestionSealed, r.SealVersion, tx.d.timeArg(r.UpdatedAt), r.ID)
}

const inputRequestColumns = `id, relationship_id, requester_id, asked_id, subject_id, purpose, purpose_sealed, question_sealed, seal_version,
	deadline, status, decline_reply, decline_reply_sealed, created_at, updated_at`

func scanInputRequest(s interface{ Scan(...any) error }) (*mentorvault.InputRequest, error) {
	var r mentorvault.InputRequest
	var status string
	if err := s.Scan(&r.ID, &r.RelationshipID, &r.RequesterID, &r.AskedID, &r.SubjectID, &r.Purpose, bytesCol{&r.PurposeSealed},
		bytesCol{&r.QuestionSealed}, &r.SealVersion, timeCol{&r.Deadline}, &status, &r.DeclineReply, bytesCol{&r.DeclineReplySealed},
		timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt}); err != nil {
		return nil, err
	}
	r.Purpose, r.DeclineReply = unsealedOr(r.PurposeSealed, r.Purpose), unsealedOr(r.DeclineReplySealed, r.DeclineReply)
	r.Status = mentorvault.RequestStatus(status)
	return &r, nil
}

// FindInputRequestByID returns a request with its sealed question, or ENOTFOUND.
func (tx *Tx) FindInputRequestByID(ctx context.Context, id string) (*mentorvault.InputRequest, error) {
	r, err := scanInputRequest(tx.queryRow(ctx, `SELECT `+inputRequestColumns+` FROM input_requests WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find input request", "input request", err)
	}
	return r, nil
}

// FindInputRequests lists a page of requests by relationship
// (relationshipID != "") or by requester, newest first.
func (tx *Tx) FindInputRequests(ctx context.Context, relationshipID, requesterID string, pg mentorvault.Page) ([]*mentorvault.InputRequest, error) {
	col, arg := "relationship_id", relationshipID
	if relationshipID == "" {
		col, arg = "requester_id", requesterID
	}
	limit, args := pageClause(pg, arg)
	rows, err := tx.query(ctx, `SELECT `+inputRequestColumns+` FROM input_requests WHERE `+col+` = ? ORDER BY created_at DESC, id DESC`+limit, args...)
	return collect(rows, err, "find input requests", func(r *sql.Rows) (*mentorvault.InputRequest, error) { return scanInputRequest(r) })
}

// CreateStatement stores a statement with its sealed body and comment
// (never Body or Comment). Returns ECONFLICT for a duplicate ID and EINVALID
// for an unknown relationship, request or user, or a kind, recipient kind or
// state the schema refuses.
func (tx *Tx) CreateStatement(ctx context.Context, st *mentorvault.Statement) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO statements (id, relationship_id, kind, request_id, author_id, subject_id, recipient_user_id, recipient_kind,
	purpose, purpose_sealed, body_sealed, comment_sealed, seal_version, state, release_at, created_at, updated_at, released_at, withdrawn_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.ID, st.RelationshipID, st.Kind, nullString(st.RequestID), st.AuthorID, st.SubjectID, st.RecipientUserID, string(st.RecipientKind),
		plainOr(st.PurposeSealed, st.Purpose, mentorvault.Redacted), nullBytes(st.PurposeSealed), st.BodySealed, nullBytes(st.CommentSealed), st.SealVersion, string(st.State), d.nullTimeArg(st.ReleaseAt),
		d.timeArg(st.CreatedAt), d.timeArg(st.UpdatedAt), d.nullTimeArg(st.ReleasedAt), d.nullTimeArg(st.WithdrawnAt))
	return mapError("create statement", "statement", err)
}

// UpdateStatement stores State, Purpose(Sealed), BodySealed, CommentSealed, SealVersion, ReleaseAt,
// UpdatedAt, ReleasedAt and WithdrawnAt. Returns ENOTFOUND.
func (tx *Tx) UpdateStatement(ctx context.Context, st *mentorvault.Statement) error {
	d := tx.d
	return tx.execOne(ctx, "update statement", "statement",
		`UPDATE statements SET state = ?, purpose = ?, purpose_sealed = ?, body_sealed = ?, comment_sealed = ?, seal_version = ?, release_at = ?, updated_at = ?, released_at = ?, withdrawn_at = ?
WHERE id = ?`,
		string(st.State), plainOr(st.PurposeSealed, st.Purpose, mentorvault.Redacted), nullBytes(st.PurposeSealed), st.BodySealed, nullBytes(st.CommentSealed), st.SealVersion, d.nullTimeArg(st.ReleaseAt), d.timeArg(st.UpdatedAt),
		d.nullTimeArg(st.ReleasedAt), d.nullTimeArg(st.WithdrawnAt), st.ID)
}

const statementColumns = `id, relationship_id, kind, request_id, author_id, subject_id, recipient_user_id, recipient_kind, purpose, purpose_sealed,
	body_sealed, comment_sealed, seal_version, state, release_at, created_at, updated_at, released_at, withdrawn_at`

func scanStatement(s interface{ Scan(...any) error }) (*mentorvault.Statement, error) {
	var st mentorvault.Statement
	var rk, state string
	if err := s.Scan(&st.ID, &st.RelationshipID, &st.Kind, stringCol{&st.RequestID}, &st.AuthorID, &st.SubjectID, &st.RecipientUserID, &rk,
		&st.Purpose, bytesCol{&st.PurposeSealed}, bytesCol{&st.BodySealed}, bytesCol{&st.CommentSealed}, &st.SealVersion, &state, nullTimeCol{&st.ReleaseAt},
		timeCol{&st.CreatedAt}, timeCol{&st.UpdatedAt}, nullTimeCol{&st.ReleasedAt}, nullTimeCol{&st.WithdrawnAt}); err != nil {
		return nil, err
	}
	st.RecipientKind, st.State = mentorvault.Recipient(rk), mentorvault.StatementState(state)
	st.Purpose = unsealedOr(st.PurposeSealed, st.Purpose)
	return &st, nil
}

// FindStatementByID returns a statement with its ciphertexts, or ENOTFOUND.
func (tx *Tx) FindStatementByID(ctx context.Context, id string) (*mentorvault.Statement, error) {
	st, err := scanStatement(tx.queryRow(ctx, `SELECT `+statementColumns+` FROM statements WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find statement", "statement", err)
	}
	return st, nil
}

// FindStatements lists a page of a relationship's statements, newest first.
func (tx *Tx) FindStatements(ctx context.Context, relationshipID string, pg mentorvault.Page) ([]*mentorvault.Statement, error) {
	limit, args := pageClause(pg, relationshipID)
	rows, err := tx.query(ctx, `SELECT `+statementColumns+` FROM statements WHERE relationship_id = ? ORDER BY created_at DESC, id DESC`+limit, args...)
	return collect(rows, err, "find statements", func(r *sql.Rows) (*mentorvault.Statement, error) { return scanStatement(r) })
}

// FindStatementsForRequests lists the statements that answer any of the
// requests requestIDs, newest first, in one query.
func (tx *Tx) FindStatementsForRequests(ctx context.Context, requestIDs []string) ([]*mentorvault.Statement, error) {
	args := make([]any, 0, len(requestIDs))
	seen := make(map[string]bool, len(requestIDs))
	for _, id := range requestIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return nil, nil
	}
	rows, err := tx.query(ctx, `SELECT `+statementColumns+` FROM statements WHERE request_id IN (`+marks(len(args))+`) ORDER BY created_at DESC, id DESC`, args...)
	return collect(rows, err, "find statements for requests", func(r *sql.Rows) (*mentorvault.Statement, error) { return scanStatement(r) })
}

// pageClause returns the LIMIT/OFFSET clause of pg, or "" for every row, and
// args with its arguments appended.
func pageClause(pg mentorvault.Page, args ...any) (string, []any) {
	if pg.Limit <= 0 && pg.Offset <= 0 {
		return "", args
	}
	limit := pg.Limit
	if limit <= 0 {
		limit = math.MaxInt32 // both dialects need a LIMIT before OFFSET
	}
	return ` LIMIT ? OFFSET ?`, append(args, limit, max(pg.Offset, 0))
}

// FindStatementsForRecipient lists the statements released to a user (and
// those since withdrawn), newest release first. Drafts never appear.
func (tx *Tx) FindStatementsForRecipient(ctx context.Context, recipientUserID string) ([]*mentorvault.Statement, error) {
	rows, err := tx.query(ctx, `SELECT `+statementColumns+` FROM statements
WHERE recipient_user_id = ? AND released_at IS NOT NULL ORDER BY released_at DESC, id DESC`, recipientUserID)
	return collect(rows, err, "find statements for recipient", func(r *sql.Rows) (*mentorvault.Statement, error) { return scanStatement(r) })
}

// CreateThreeWay stores a three-way meeting with its sealed brief (never
// Brief). Returns ECONFLICT for a duplicate ID and EINVALID for an unknown
// relationship or user, or a state or length the schema refuses.
func (tx *Tx) CreateThreeWay(ctx context.Context, m *mentorvault.ThreeWayMeeting) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO three_way_meetings (id, relationship_id, manager_id, proposed_by_id, brief_sealed, seal_version, starts_at, minutes,
	location, state, mentor_agreed_at, mentee_agreed_at, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.RelationshipID, m.ManagerID, m.ProposedByID, m.BriefSealed, m.SealVersion, d.timeArg(m.StartsAt), m.Minutes, m.Location, string(m.State),
		d.nullTimeArg(m.MentorAgreedAt), d.nullTimeArg(m.MenteeAgreedAt), d.timeArg(m.CreatedAt), d.timeArg(m.UpdatedAt))
	return mapError("create three-way meeting", "three-way meeting", err)
}

// UpdateThreeWay stores BriefSealed, SealVersion, StartsAt, Minutes, Location, State,
// MentorAgreedAt, MenteeAgreedAt and UpdatedAt. Returns ENOTFOUND.
func (tx *Tx) UpdateThreeWay(ctx context.Context, m *mentorvault.ThreeWayMeeting) error {
	d := tx.d
	return tx.execOne(ctx, "update three-way meeting", "three-way meeting",
		`UPDATE three_way_meetings SET brief_sealed = ?, seal_version = ?, starts_at = ?, minutes = ?, location = ?, state = ?, mentor_agreed_at = ?,
	mentee_agreed_at = ?, updated_at = ?
WHERE id = ?`,
		m.BriefSealed, m.SealVersion, d.timeArg(m.StartsAt), m.Minutes, m.Location, string(m.State), d.nullTimeArg(m.MentorAgreedAt),
		d.nullTimeArg(m.MenteeAgreedAt), d.timeArg(m.UpdatedAt), m.ID)
}

const threeWayColumns = `id, relationship_id, manager_id, proposed_by_id, brief_sealed, seal_version, starts_at, minutes, location, state,
	mentor_agreed_at, mentee_agreed_at, created_at, updated_at`

func scanThreeWay(s interface{ Scan(...any) error }) (*mentorvault.ThreeWayMeeting, error) {
	var m mentorvault.ThreeWayMeeting
	var state string
	if err := s.Scan(&m.ID, &m.RelationshipID, &m.ManagerID, &m.ProposedByID, bytesCol{&m.BriefSealed}, &m.SealVersion, timeCol{&m.StartsAt}, &m.Minutes,
		&m.Location, &state, nullTimeCol{&m.MentorAgreedAt}, nullTimeCol{&m.MenteeAgreedAt}, timeCol{&m.CreatedAt}, timeCol{&m.UpdatedAt}); err != nil {
		return nil, err
	}
	m.State = mentorvault.ThreeWayState(state)
	return &m, nil
}

// FindThreeWayByID returns a three-way meeting with its sealed brief, or ENOTFOUND.
func (tx *Tx) FindThreeWayByID(ctx context.Context, id string) (*mentorvault.ThreeWayMeeting, error) {
	m, err := scanThreeWay(tx.queryRow(ctx, `SELECT `+threeWayColumns+` FROM three_way_meetings WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find three-way meeting", "three-way meeting", err)
	}
	return m, nil
}

// FindThreeWays lists three-way meetings by relationship (relationshipID !=
// "") or by line manager, soonest first.
func (tx *Tx) FindThreeWays(ctx context.Context, relationshipID, managerID string, pg mentorvault.Page) ([]*mentorvault.ThreeWayMeeting, error) {
	col, arg := "relationship_id", relationshipID
	if relationshipID == "" {
		col, arg = "manager_id", managerID
	}
	limit, args := pageClause(pg, arg)
	rows, err := tx.query(ctx, `SELECT `+threeWayColumns+` FROM three_way_meetings WHERE `+col+` = ? ORDER BY starts_at, id`+limit, args...)
	return collect(rows, err, "find three-way meetings", func(r *sql.Rows) (*mentorvault.ThreeWayMeeting, error) { return scanThreeWay(r) })
}

// CreateThreeWayNote stores a note's ciphertext (never Body). Returns
// ECONFLICT for a duplicate ID and EINVALID for an unknown meeting or user.
func (tx *Tx) CreateThreeWayNote(ctx context.Context, n *mentorvault.ThreeWayNote) error {
	_, err := tx.write(ctx, `INSERT INTO three_way_notes (id, three_way_id, author_id, body_sealed, seal_version, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		n.ID, n.ThreeWayID, n.AuthorID, n.BodySealed, n.SealVersion, tx.d.timeArg(n.CreatedAt))
	return mapError("create three-way note", "three-way note", err)
}

// FindThreeWayNotes lists a three-way meeting's notes (ciphertext only), oldest first.
func (tx *Tx) FindThreeWayNotes(ctx context.Context, threeWayID string) ([]*mentorvault.ThreeWayNote, error) {
	rows, err := tx.query(ctx, `SELECT id, three_way_id, author_id, body_sealed, seal_version, created_at FROM three_way_notes
WHERE three_way_id = ? ORDER BY created_at, id`, threeWayID)
	return collect(rows, err, "find three-way notes", func(r *sql.Rows) (*mentorvault.ThreeWayNote, error) {
		var n mentorvault.ThreeWayNote
		if err := r.Scan(&n.ID, &n.ThreeWayID, &n.AuthorID, bytesCol{&n.BodySealed}, &n.SealVersion, timeCol{&n.CreatedAt}); err != nil {
			return nil, err
		}
		return &n, nil
	})
}
