package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
)

const outboxColumns = `id, user_id, address, kind, state, subject, body_text, body_html, calendar, method, sentence, link, dedupe_key,
secret_key, secret, attempts, run_at, lease_ends_at, last_error, created_at, sent_at`

func scanOutbox(s interface{ Scan(...any) error }) (*mentorvault.OutboxMessage, error) {
	var m mentorvault.OutboxMessage
	if err := s.Scan(&m.ID, &m.UserID, &m.Address, &m.Kind, &m.State, &m.Subject, &m.Text, &m.HTML, &m.Calendar, &m.Method, &m.Sentence, &m.Link,
		stringCol{&m.DedupeKey}, &m.SecretKey, &m.Secret, &m.Attempts, timeCol{&m.RunAt}, nullTimeCol{&m.LeaseUntil}, &m.LastError, timeCol{&m.CreatedAt}, nullTimeCol{&m.SentAt}); err != nil {
		return nil, err
	}
	return &m, nil
}

// CreateOutboxMessage queues m, unless the user already has a message with
// its DedupeKey: then it does nothing and returns nil. Returns ECONFLICT for
// a duplicate ID and EINVALID for a missing kind or an unknown state.
func (tx *Tx) CreateOutboxMessage(ctx context.Context, m *mentorvault.OutboxMessage) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO outbox (`+outboxColumns+`)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (user_id, dedupe_key) DO NOTHING`,
		m.ID, m.UserID, m.Address, m.Kind, m.State, m.Subject, m.Text, m.HTML, m.Calendar, m.Method, m.Sentence, m.Link, nullString(m.DedupeKey),
		nullBytes(m.SecretKey), nullBytes(m.Secret), m.Attempts, d.timeArg(m.RunAt), d.nullTimeArg(m.LeaseUntil), m.LastError, d.timeArg(m.CreatedAt), d.nullTimeArg(m.SentAt))
	return mapError("create outbox message", "outbox message", err)
}

// ClaimOutboxMessage leases the oldest pending message (by run_at, then ID)
// due at now and not leased to a worker (or whose lease ran out) until
// leaseUntil, and counts the attempt. On PostgreSQL rows other
// transactions are claiming are skipped; on SQLite writers are serialised.
// The lease is committed with the claim, so a worker sends outside any
// transaction and no other worker takes the message meanwhile. Returns
// ENOTFOUND when none is due.
func (tx *Tx) ClaimOutboxMessage(ctx context.Context, now, leaseUntil time.Time) (*mentorvault.OutboxMessage, error) {
	d := tx.d
	m, err := scanOutbox(tx.queryRow(ctx, `SELECT `+outboxColumns+` FROM outbox
WHERE state = 'pending' AND run_at <= ? AND (lease_ends_at IS NULL OR lease_ends_at <= ?) ORDER BY run_at, id LIMIT 1`+d.skipLocked(),
		d.timeArg(now), d.timeArg(now)))
	if err != nil {
		return nil, findErr("claim outbox message", "due message", err)
	}
	if err := tx.execOne(ctx, "claim outbox message", "outbox message",
		`UPDATE outbox SET lease_ends_at = ?, attempts = attempts + 1 WHERE id = ?`, d.timeArg(leaseUntil), m.ID); err != nil {
		return nil, err
	}
	m.LeaseUntil, m.Attempts = &leaseUntil, m.Attempts+1
	return m, nil
}

// MarkOutboxSent records that the SMTP server accepted the message at at.
// Returns ENOTFOUND.
func (tx *Tx) MarkOutboxSent(ctx context.Context, id string, at time.Time) error {
	return tx.execOne(ctx, "mark outbox message sent", "outbox message",
		`UPDATE outbox SET state = 'sent', sent_at = ?, lease_ends_at = NULL, last_error = '', secret_key = NULL, secret = NULL WHERE id = ?`, tx.d.timeArg(at), id)
}

// RetryOutboxMessage releases the message's lease, records lastError and
// moves it to runAt. Returns ENOTFOUND.
func (tx *Tx) RetryOutboxMessage(ctx context.Context, id string, runAt time.Time, lastError string) error {
	return tx.execOne(ctx, "retry outbox message", "outbox message",
		`UPDATE outbox SET run_at = ?, lease_ends_at = NULL, last_error = ? WHERE id = ?`, tx.d.timeArg(runAt), lastError, id)
}

// FailOutboxMessage gives the message up for good. Returns ENOTFOUND.
func (tx *Tx) FailOutboxMessage(ctx context.Context, id, lastError string) error {
	return tx.execOne(ctx, "fail outbox message", "outbox message",
		`UPDATE outbox SET state = 'failed', lease_ends_at = NULL, last_error = ?, secret_key = NULL, secret = NULL WHERE id = ?`, lastError, id)
}

// SetOutboxState moves the messages ids to state (a digest's items to
// digested). Returns EINVALID for an unknown state.
func (tx *Tx) SetOutboxState(ctx context.Context, ids []string, state string) error {
	if len(ids) == 0 {
		return nil
	}
	args := append([]any{state}, anys(ids)...)
	_, err := tx.write(ctx, `UPDATE outbox SET state = ? WHERE id IN (`+marks(len(ids))+`)`, args...)
	return mapError("set outbox state", "outbox message", err)
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// FindOutboxMessages lists the messages f selects, oldest first (at most 1000).
func (tx *Tx) FindOutboxMessages(ctx context.Context, f mentorvault.OutboxFilter) ([]*mentorvault.OutboxMessage, error) {
	var (
		where []string
		args  []any
	)
	if f.UserID != "" {
		where, args = append(where, "user_id = ?"), append(args, f.UserID)
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	if !f.Before.IsZero() {
		where, args = append(where, "created_at < ?"), append(args, tx.d.timeArg(f.Before))
	}
	q := `SELECT ` + outboxColumns + ` FROM outbox`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := tx.query(ctx, q+` ORDER BY created_at, id LIMIT 1000`, args...)
	return collect(rows, err, "find outbox messages", func(r *sql.Rows) (*mentorvault.OutboxMessage, error) { return scanOutbox(r) })
}

// FindDigestUsers lists the people with messages waiting for a digest that
// were queued before before.
func (tx *Tx) FindDigestUsers(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT DISTINCT user_id FROM outbox WHERE state = 'digest' AND created_at < ? ORDER BY user_id`, tx.d.timeArg(before))
	return collect(rows, err, "find digest users", func(r *sql.Rows) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
}

// MarkAddressFailing records that the SMTP server refused f.Address for
// good (the first refusal's time is kept).
func (tx *Tx) MarkAddressFailing(ctx context.Context, f *mentorvault.MailFailure) error {
	_, err := tx.write(ctx, `INSERT INTO mail_failures (address, reason, failed_at) VALUES (?, ?, ?)
ON CONFLICT (address) DO UPDATE SET reason = excluded.reason`, mentorvault.NormalizeEmail(f.Address), f.Reason, tx.d.timeArg(f.FailedAt))
	return mapError("mark address failing", "mail failure", err)
}

// FindMailFailure returns the failure of address. Returns ENOTFOUND when
// the address is not failing.
func (tx *Tx) FindMailFailure(ctx context.Context, address string) (*mentorvault.MailFailure, error) {
	var f mentorvault.MailFailure
	err := tx.queryRow(ctx, `SELECT address, reason, failed_at FROM mail_failures WHERE address = ?`, mentorvault.NormalizeEmail(address)).
		Scan(&f.Address, &f.Reason, timeCol{&f.FailedAt})
	if err != nil {
		return nil, findErr("find mail failure", "mail failure", err)
	}
	return &f, nil
}

// FindMailFailures returns the failures among addresses.
func (tx *Tx) FindMailFailures(ctx context.Context, addresses []string) ([]*mentorvault.MailFailure, error) {
	if len(addresses) == 0 {
		return nil, nil
	}
	norm := make([]string, len(addresses))
	for i, a := range addresses {
		norm[i] = mentorvault.NormalizeEmail(a)
	}
	rows, err := tx.query(ctx, `SELECT address, reason, failed_at FROM mail_failures WHERE address IN (`+marks(len(norm))+`) ORDER BY address`, anys(norm)...)
	return collect(rows, err, "find mail failures", func(r *sql.Rows) (*mentorvault.MailFailure, error) {
		var f mentorvault.MailFailure
		return &f, r.Scan(&f.Address, &f.Reason, timeCol{&f.FailedAt})
	})
}

// FindMailSettings returns a person's email choices (none made: every
// kind immediate, times in UTC).
func (tx *Tx) FindMailSettings(ctx context.Context, userID string) (*mentorvault.MailSettings, error) {
	s := &mentorvault.MailSettings{UserID: userID, Modes: map[string]string{}}
	err := tx.queryRow(ctx, `SELECT time_zone FROM mail_settings WHERE user_id = ?`, userID).Scan(&s.TimeZone)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, wrapErr("find mail settings", err)
	}
	rows, err := tx.query(ctx, `SELECT kind, mode FROM mail_modes WHERE user_id = ? ORDER BY kind`, userID)
	pairs, err := collect(rows, err, "find mail modes", func(r *sql.Rows) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		s.Modes[p[0]] = p[1]
	}
	return s, nil
}

// SetMailMode sets how userID receives messages of kind. Returns EINVALID
// for an unknown mode or user.
func (tx *Tx) SetMailMode(ctx context.Context, userID, kind, mode string) error {
	_, err := tx.write(ctx, `INSERT INTO mail_modes (user_id, kind, mode) VALUES (?, ?, ?)
ON CONFLICT (user_id, kind) DO UPDATE SET mode = excluded.mode`, userID, kind, mode)
	return mapError("set mail mode", "mail mode", err)
}

// SetMailTimeZone sets the zone userID's messages show times in. Returns
// EINVALID for an unknown user.
func (tx *Tx) SetMailTimeZone(ctx context.Context, userID, tz string) error {
	_, err := tx.write(ctx, `INSERT INTO mail_settings (user_id, time_zone) VALUES (?, ?)
ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone`, userID, tz)
	return mapError("set mail time zone", "mail settings", err)
}
