package sqlstore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/mentorvault/mentorvault"
)

// dialect is everything that differs between SQLite and PostgreSQL. The rest
// of the package writes plain SQL with "?" placeholders.
type dialect struct {
	name string // "sqlite" or "postgres"
}

var (
	dialectSQLite   = dialect{name: "sqlite"}
	dialectPostgres = dialect{name: "postgres"}
)

// sqliteTimeFormat is fixed-width so that stored times compare as strings.
const sqliteTimeFormat = "2006-01-02T15:04:05.000000Z"

// rebind turns "?" placeholders into "$1", "$2", … for PostgreSQL. The
// queries of this package contain no "?" inside string literals.
func (d dialect) rebind(query string) string {
	if d.name != "postgres" || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// forUpdate is the row-locking suffix of a SELECT. SQLite needs none: its
// transactions begin IMMEDIATE, which already serialises writers.
func (d dialect) forUpdate() string {
	if d.name == "postgres" {
		return " FOR UPDATE"
	}
	return ""
}

// keyLock is a statement that takes a transaction-scoped lock on the text
// of its one argument ("" if the writer lock already serialises).
func (d dialect) keyLock() string {
	if d.name == "postgres" {
		return "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))"
	}
	return ""
}

// rowID names a table's physical row identifier, for deleting one of
// several identical rows.
func (d dialect) rowID() string {
	if d.name == "postgres" {
		return "ctid"
	}
	return "rowid"
}

// migrationLock is a statement run first in every migration transaction so
// that several instances migrating at once take turns ("" if not needed).
func (d dialect) migrationLock() string {
	if d.name == "postgres" {
		return "SELECT pg_advisory_xact_lock(7318005521)"
	}
	return ""
}

// statementSavepoints reports whether a failed statement must be wrapped in
// a savepoint to leave its transaction usable. PostgreSQL aborts the whole
// transaction on any error; SQLite undoes just the failed statement. With
// savepoints both behave like SQLite, so a service can, say, record an
// audit event after a duplicate-key error in the same transaction.
func (d dialect) statementSavepoints() bool { return d.name == "postgres" }

// timeArg converts t to the value stored for it. Times are stored in UTC
// with microsecond precision on both backends, so that they round-trip equal.
func (d dialect) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d.name == "sqlite" {
		return t.Format(sqliteTimeFormat)
	}
	return t
}

// nullTimeArg is timeArg for an optional time: nil stores NULL.
func (d dialect) nullTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return d.timeArg(*t)
}

// timeCol scans a stored time: time.Time from PostgreSQL, text from SQLite.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	t, ok, err := parseTime(src)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("sqlstore: unexpected NULL time")
	}
	*c.t = t
	return nil
}

// nullTimeCol scans an optional stored time; NULL gives nil.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(src any) error {
	t, ok, err := parseTime(src)
	if err != nil {
		return err
	}
	if !ok {
		*c.t = nil
		return nil
	}
	*c.t = &t
	return nil
}

func parseTime(src any) (time.Time, bool, error) {
	switch v := src.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return v.UTC(), true, nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("sqlstore: bad stored time %q: %w", v, err)
		}
		return t.UTC(), true, nil
	case []byte:
		return parseTime(string(v))
	}
	return time.Time{}, false, fmt.Errorf("sqlstore: cannot scan %T as a time", src)
}

// Constraint kinds that a database error can be mapped to.
const (
	constraintNone = iota
	constraintUnique
	constraintForeignKey
	constraintCheck
	constraintCharacters // a value the database's text type cannot hold
)

// constraint classifies err by the database's error code, never its text.
func constraint(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return constraintUnique
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return constraintForeignKey
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return constraintCheck
		}
		return constraintNone
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return constraintUnique
		case "23503": // foreign_key_violation
			return constraintForeignKey
		case "23514", "23502": // check_violation, not_null_violation
			return constraintCheck
		case "22021", "22P05": // character_not_in_repertoire (e.g. NUL in text), untranslatable_character
			return constraintCharacters
		}
	}
	return constraintNone
}

// lostRace reports whether err is the database aborting the transaction
// because it lost a race with another (by SQLSTATE, never the text):
// PostgreSQL's deadlock_detected (40P01) and serialization_failure (40001).
// SQLite has neither: its IMMEDIATE transactions take the one write lock
// first, and wait for it (busy_timeout).
func lostRace(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// raceError is an error that lostRace recognised: it is still the
// database's error, and it is mentorvault.ErrLostRace too.
type raceError struct {
	op  string
	err error
}

func (e *raceError) Error() string   { return "sqlstore: " + e.op + ": " + e.err.Error() }
func (e *raceError) Unwrap() []error { return []error{mentorvault.ErrLostRace, e.err} }

// wrapErr wraps a database error with op as context, marking one that lost
// a race (see lostRace) as mentorvault.ErrLostRace.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if lostRace(err) {
		return &raceError{op: op, err: err}
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// mapError turns a database error from an operation on thing (e.g. "note")
// into a domain error: ECONFLICT for a duplicate, EINVALID for a reference to
// a missing record, a value the schema refuses or characters the database
// cannot store (PostgreSQL's NUL in text); anything else is wrapped
// with op as context.
func mapError(op, thing string, err error) error {
	if err == nil {
		return nil
	}
	var de *mentorvault.Error
	if errors.As(err, &de) || errors.Is(err, mentorvault.ErrLostRace) {
		return err
	}
	switch constraint(err) {
	case constraintUnique:
		return &mentorvault.Error{Code: mentorvault.ECONFLICT, Message: "the " + thing + " already exists", Err: err}
	case constraintForeignKey:
		return &mentorvault.Error{Code: mentorvault.EINVALID, Message: "the " + thing + " refers to a record that does not exist", Err: err}
	case constraintCheck:
		return &mentorvault.Error{Code: mentorvault.EINVALID, Message: "the " + thing + " has a missing or invalid value", Err: err}
	case constraintCharacters:
		// The service refuses control characters first; this is the net
		// under it, so that a value PostgreSQL cannot store is never a 500.
		return &mentorvault.Error{Code: mentorvault.EINVALID, Message: "the " + thing + " has characters that cannot be stored", Err: err}
	}
	return wrapErr(op, err)
}
