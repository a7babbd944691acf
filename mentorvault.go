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
	UserID    string // empty for anonymous
	OrgID     string
	Via       string // "session", "token", "cli" or "" for anonymous
	RequestID string // for correlating log lines; never stored with content
}

// Anonymous reports whether the principal is not signed in.
func (p Principal) Anonymous() bool { return p.UserID == "" }

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
