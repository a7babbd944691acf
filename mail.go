package mentorvault

import (
	"context"
	"time"
)

// Email. A message says that something happened and links to it; it never
// carries content, so what the outbox stores is no secret (see
// internal/mail).

// Outbox states.
const (
	OutboxPending  = "pending"  // to send at RunAt
	OutboxDigest   = "digest"   // waits for the recipient's daily digest
	OutboxDigested = "digested" // went out inside a digest
	OutboxSent     = "sent"     // the SMTP server accepted it at SentAt
	OutboxFailed   = "failed"   // refused for good (5xx) or the address is failing
)

// JobMailDigest sends each person's daily digest of the messages they
// asked to receive that way.
const JobMailDigest = "mail.digest"

// OutboxMessage is one email, queued in the transaction of the event that
// caused it, so that nothing is sent for a write that rolled back and
// nothing is lost for one that committed.
type OutboxMessage struct {
	ID        string
	UserID    string
	Address   string
	Kind      string // the notification kind, or "digest", "invitation"
	State     string
	Subject   string
	Text      string
	HTML      string
	Calendar  string // iMIP attachment, "" if none
	Method    string // REQUEST or CANCEL with Calendar
	Sentence  string // the one line a digest shows
	Link      string
	DedupeKey string // one message per user and key; "" never matches
	// SecretKey and Secret hold a link that is a credential (an
	// invitation's), sealed under a data key of the message's own; Text
	// and HTML hold a mark in its place. Both are erased once the message
	// is sent or given up.
	SecretKey  []byte
	Secret     []byte
	Attempts   int
	RunAt      time.Time
	LeaseUntil *time.Time // claimed by a worker until then
	LastError  string
	CreatedAt  time.Time
	SentAt     *time.Time // the SMTP server's acceptance
}

// OutboxFilter selects queued messages; zero fields do not filter.
type OutboxFilter struct {
	UserID string
	State  string
	Before time.Time // created before
}

// MailFailure is an address the SMTP server refused for good.
type MailFailure struct {
	Address  string
	Reason   string
	FailedAt time.Time
}

// Mail delivery modes a person may choose per kind.
const (
	MailImmediate = "immediate"
	MailDigest    = "digest"
	MailOff       = "off"
)

// MailSettings are a person's email choices: a mode per kind (absent:
// immediate) and the time zone messages show times in.
type MailSettings struct {
	UserID   string
	TimeZone string // IANA name; "" is UTC
	Modes    map[string]string
}

// MailStore keeps the outbox, failing addresses and email preferences.
type MailStore interface {
	// CreateOutboxMessage queues m, unless the user already has a message
	// with its DedupeKey (then it does nothing).
	CreateOutboxMessage(ctx context.Context, m *OutboxMessage) error
	// ClaimOutboxMessage leases the oldest pending message due at now that
	// no worker holds (or whose lease ran out) until leaseUntil, counting an
	// attempt. Returns ENOTFOUND when none is due.
	ClaimOutboxMessage(ctx context.Context, now, leaseUntil time.Time) (*OutboxMessage, error)
	MarkOutboxSent(ctx context.Context, id string, at time.Time) error
	RetryOutboxMessage(ctx context.Context, id string, runAt time.Time, lastError string) error
	FailOutboxMessage(ctx context.Context, id, lastError string) error
	SetOutboxState(ctx context.Context, ids []string, state string) error
	FindOutboxMessages(ctx context.Context, f OutboxFilter) ([]*OutboxMessage, error)
	// FindDigestUsers lists the people with digest messages created before.
	FindDigestUsers(ctx context.Context, before time.Time) ([]string, error)
	MarkAddressFailing(ctx context.Context, f *MailFailure) error
	// FindMailFailure returns ENOTFOUND when address is not failing.
	FindMailFailure(ctx context.Context, address string) (*MailFailure, error)
	FindMailFailures(ctx context.Context, addresses []string) ([]*MailFailure, error)
	FindMailSettings(ctx context.Context, userID string) (*MailSettings, error)
	SetMailMode(ctx context.Context, userID, kind, mode string) error
	SetMailTimeZone(ctx context.Context, userID, tz string) error
}
