package mentorvault

import (
	"net/mail"
	"strings"
	"time"
)

// Org is an organisation running mentoring programmes.
type Org struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// User is a person with an account in an organisation.
type User struct {
	ID           string
	OrgID        string
	Email        string // lower-case
	Name         string
	PasswordHash string // argon2id, PHC string format
	ManagerID    string // line manager, "" if none
	OrgAdmin     bool   // manages accounts and programmes; sees no content
	Requester    bool   // may ask parties for input (HR, promotion panels)
	CreatedAt    time.Time
	DisabledAt   *time.Time
}

// NormalizeEmail lower-cases and trims an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks the user's fields. Returns EINVALID.
func (u *User) Validate() error {
	fields := map[string]string{}
	if u.OrgID == "" {
		fields["org"] = "is required"
	}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || u.Email != NormalizeEmail(u.Email) {
		fields["email"] = "must be a plain, lower-case email address such as name@example.org"
	}
	if strings.TrimSpace(u.Name) == "" || len(u.Name) > 200 {
		fields["name"] = "is required (at most 200 characters)"
	}
	if u.ManagerID != "" && u.ManagerID == u.ID {
		fields["manager"] = "cannot be the user themself"
	}
	if len(fields) > 0 {
		return Invalid("the user is not valid", fields)
	}
	return nil
}

// Programme is a formal mentoring programme of an organisation.
type Programme struct {
	ID        string
	OrgID     string
	Name      string
	CreatedAt time.Time
}

// Validate checks the programme's fields. Returns EINVALID.
func (p *Programme) Validate() error {
	if strings.TrimSpace(p.Name) == "" || len(p.Name) > 200 {
		return Invalid("the programme is not valid", map[string]string{"name": "is required (at most 200 characters)"})
	}
	return nil
}

// Programme roles a user can hold.
const (
	RoleCoordinator = "coordinator"
	RoleSupervisor  = "supervisor"
)

// ProgrammeRole says that a user holds a role in a programme.
type ProgrammeRole struct {
	ProgrammeID string
	UserID      string
	Role        string // RoleCoordinator or RoleSupervisor
}

// Session is a signed-in browser session. Only the SHA-256 of the cookie
// value is stored.
type Session struct {
	ID         string
	TokenHash  []byte
	UserID     string
	CSRFToken  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// APIToken is a bearer token for the API. Only its SHA-256 is stored.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	Hash       []byte
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}
