package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/mentorvault/mentorvault"
)

// CreateFeedbackRequest stores a request. Returns ECONFLICT for a duplicate
// ID and EINVALID for an unknown relationship, user or programme.
func (tx *Tx) CreateFeedbackRequest(ctx context.Context, r *mentorvault.FeedbackRequest) error {
	_, err := tx.write(ctx, `INSERT INTO feedback_requests (id, relationship_id, mentor_id, mentee_id, programme_id, requested_at, answered_at, offered)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.RelationshipID, r.MentorID, r.MenteeID, nullString(r.ProgrammeID), tx.d.timeArg(r.RequestedAt), tx.d.nullTimeArg(r.AnsweredAt), r.Offered)
	return mapError("create feedback request", "feedback request", err)
}

const feedbackRequestColumns = `id, relationship_id, mentor_id, mentee_id, programme_id, requested_at, answered_at, offered`

func scanFeedbackRequest(s interface{ Scan(...any) error }) (*mentorvault.FeedbackRequest, error) {
	var r mentorvault.FeedbackRequest
	if err := s.Scan(&r.ID, &r.RelationshipID, &r.MentorID, &r.MenteeID, stringCol{&r.ProgrammeID}, timeCol{&r.RequestedAt}, nullTimeCol{&r.AnsweredAt}, &r.Offered); err != nil {
		return nil, err
	}
	return &r, nil
}

// FindFeedbackRequests lists a relationship's requests, oldest first.
func (tx *Tx) FindFeedbackRequests(ctx context.Context, relationshipID string) ([]*mentorvault.FeedbackRequest, error) {
	rows, err := tx.query(ctx, `SELECT `+feedbackRequestColumns+` FROM feedback_requests WHERE relationship_id = ? ORDER BY requested_at, id`, relationshipID)
	return collect(rows, err, "find feedback requests", func(r *sql.Rows) (*mentorvault.FeedbackRequest, error) { return scanFeedbackRequest(r) })
}

// FindFeedbackRequestByID returns a request, or ENOTFOUND.
func (tx *Tx) FindFeedbackRequestByID(ctx context.Context, id string) (*mentorvault.FeedbackRequest, error) {
	r, err := scanFeedbackRequest(tx.queryRow(ctx, `SELECT `+feedbackRequestColumns+` FROM feedback_requests WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find feedback request", "feedback request", err)
	}
	return r, nil
}

// CreateFeedbackResponse stores an answer's ciphertext (never Answer) and
// sets the request's AnsweredAt to r.CreatedAt, in this transaction. Returns
// ECONFLICT if the request was already answered, EINVALID for an unknown
// request, relationship or programme; on an error nothing is changed.
func (tx *Tx) CreateFeedbackResponse(ctx context.Context, r *mentorvault.FeedbackResponse) error {
	const op, thing = "create feedback response", "feedback response"
	at := tx.d.timeArg(r.CreatedAt)
	res, err := tx.exec(ctx, `UPDATE feedback_requests SET answered_at = ? WHERE id = ? AND answered_at IS NULL`, at, r.RequestID)
	if err != nil {
		return mapError(op, thing, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrapErr(op, err)
	}
	if n == 0 {
		var one int
		err := tx.queryRow(ctx, `SELECT 1 FROM feedback_requests WHERE id = ?`, r.RequestID).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return &mentorvault.Error{Code: mentorvault.EINVALID, Message: "the feedback response refers to a request that does not exist"}
		case err != nil:
			return wrapErr(op, err)
		}
		return &mentorvault.Error{Code: mentorvault.ECONFLICT, Message: "the feedback request was already answered"}
	}
	_, err = tx.write(ctx, `INSERT INTO feedback_responses (request_id, relationship_id, programme_id, sealed, seal_version, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.RequestID, r.RelationshipID, nullString(r.ProgrammeID), r.Sealed, r.SealVersion, at)
	if err != nil {
		// Undo the answered mark so that the failure changes nothing.
		if _, uerr := tx.exec(ctx, `UPDATE feedback_requests SET answered_at = NULL WHERE id = ?`, r.RequestID); uerr != nil {
			return wrapErr(op, errors.Join(err, uerr))
		}
		return mapError(op, thing, err)
	}
	return nil
}

const feedbackResponseColumns = `request_id, relationship_id, programme_id, sealed, seal_version, created_at`

func scanFeedbackResponse(r *sql.Rows) (*mentorvault.FeedbackResponse, error) {
	var v mentorvault.FeedbackResponse
	if err := r.Scan(&v.RequestID, &v.RelationshipID, stringCol{&v.ProgrammeID}, bytesCol{&v.Sealed}, &v.SealVersion, timeCol{&v.CreatedAt}); err != nil {
		return nil, err
	}
	return &v, nil
}

// FindFeedbackResponses lists a relationship's responses (ciphertext only), oldest first.
func (tx *Tx) FindFeedbackResponses(ctx context.Context, relationshipID string) ([]*mentorvault.FeedbackResponse, error) {
	rows, err := tx.query(ctx, `SELECT `+feedbackResponseColumns+` FROM feedback_responses WHERE relationship_id = ? ORDER BY created_at, request_id`, relationshipID)
	return collect(rows, err, "find feedback responses", scanFeedbackResponse)
}

// CountProgrammeFeedback counts a programme's responses, and those whose
// relationship's data key is live, in one query and without opening any.
func (tx *Tx) CountProgrammeFeedback(ctx context.Context, programmeID string) (mentorvault.FeedbackCount, error) {
	var c mentorvault.FeedbackCount
	err := tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN k.wrapped IS NOT NULL AND k.destroyed_at IS NULL THEN 1 ELSE 0 END), 0)
FROM feedback_responses r LEFT JOIN data_keys k ON k.relationship_id = r.relationship_id WHERE r.programme_id = ?`, programmeID).Scan(&c.Total, &c.Live)
	return c, mapError("count programme feedback", "feedback response", err)
}

// FindProgrammeFeedback lists every response given in a programme
// (ciphertext only), oldest first.
func (tx *Tx) FindProgrammeFeedback(ctx context.Context, programmeID string) ([]*mentorvault.FeedbackResponse, error) {
	rows, err := tx.query(ctx, `SELECT `+feedbackResponseColumns+` FROM feedback_responses WHERE programme_id = ? ORDER BY created_at, request_id`, programmeID)
	return collect(rows, err, "find programme feedback", scanFeedbackResponse)
}
