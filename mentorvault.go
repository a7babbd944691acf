// Package mentorvault is the domain of the mentorvault mentoring platform:
// its entities, their validation, the error type and the store interface.
// Technologies (SQL, HTTP, Cedar, Tink) live in subpackages under internal/.
package mentorvault

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Version is the build version, set with -ldflags "-X github.com/mentorvault/mentorvault.Version=…".
var Version = "dev"

// NewID returns a new time-ordered unique identifier (UUIDv7). IDs are made
// by the application, not the database, so that sealed fields can bind their
// record's ID as associated data before the record is stored.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// ValidID reports whether s has the shape of an ID made by NewID.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// Principal is who is making a request: a signed-in user or anonymous.
type Principal struct {
	UserID    string // empty for anonymous, and for a Token not yet checked
	OrgID     string
	Via       string // "session", "token", "cli" or "" for anonymous
	RequestID string // for correlating log lines; never stored with content

	// Token is the API bearer token the request presented, checked — and
	// its use audited — by the request's first transaction rather than one
	// of its own (the service's resolve), so that an API request costs one
	// transaction. Nil for every other principal.
	Token *TokenClaim
}

// Anonymous reports whether the principal is not signed in. A principal
// with a Token is not anonymous: whether the token is good is the first
// transaction's to say.
func (p Principal) Anonymous() bool { return p.UserID == "" && p.Token == nil }

// TokenClaim is an API bearer token presented with one request: its hash
// (the token itself is not kept) and, once a committed transaction has
// checked it and audited its use, the outcome. One request's claim is used
// by one request at a time.
type TokenClaim struct {
	Hash []byte // SHA-256 of the token

	// Set by the service when the transaction that audited the use
	// commits: Audited, and Err (nil when the token is good) with the
	// principal and the token it stands for.
	Audited   bool
	Err       error
	Principal Principal
	TokenID   string

	// pending is set while a transaction that audits the use runs.
	pending bool
}

// MarkPending notes that a running transaction audits the use of token
// tokenID by principal p, or refuses it with err; Settle keeps or drops it.
func (c *TokenClaim) MarkPending(p Principal, tokenID string, err error) {
	c.pending, c.Principal, c.TokenID, c.Err = true, p, tokenID, err
}

// PendingUse reports whether a running transaction audits a good use.
func (c *TokenClaim) PendingUse() bool { return c.pending && c.Err == nil }

// Settle ends a transaction that may have audited the claim: when it was
// committed, the use is audited for good.
func (c *TokenClaim) Settle(committed bool) {
	if c.pending && committed {
		c.Audited = true
	}
	c.pending = false
}

// Clock tells the time; tests substitute a fixed clock.
type Clock func() time.Time

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or the anonymous principal.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}
