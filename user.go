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
	// KFloor is the smallest k any of its programmes may set (the k rule,
	// dashboard.go); its org admins set it.
	KFloor int
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

// Programme is a formal mentoring programme of an organisation. Its
// fields are not confidential: every member of the organisation may read them.
type Programme struct {
	ID          string
	OrgID       string
	Name        string
	Description string        // plain text, "" if none
	Kind        ProgrammeKind // one-to-one mentoring or peer
	// EnrolmentOpen is true while members may enrol; an archived programme
	// is always closed.
	EnrolmentOpen bool
	// DefaultCapacity is how many mentees a mentor takes unless their
	// enrolment says otherwise (1..MaxMentorCapacity).
	DefaultCapacity int
	// Topics are what people who enrol choose from (offered by mentors,
	// sought by mentees); its coordinators and org admins set them.
	Topics     []string
	CreatedAt  time.Time
	ArchivedAt *time.Time // nil while the programme runs
}

// ProgrammeKind says how a programme pairs its people.
type ProgrammeKind string

// Programme kinds.
const (
	ProgrammeMentoring ProgrammeKind = "mentoring" // a mentor and a mentee
	ProgrammePeer      ProgrammeKind = "peer"      // two partners
)

// Programme field limits.
const (
	MaxProgrammeDescription = 4000
	MaxMentorCapacity       = 20
)

// Archived reports whether the programme was archived.
func (p *Programme) Archived() bool { return p.ArchivedAt != nil }

// Validate checks the programme's fields. Returns EINVALID.
func (p *Programme) Validate() error {
	fields := map[string]string{}
	if strings.TrimSpace(p.Name) == "" || len(p.Name) > 200 || !CleanLine(p.Name) {
		fields["name"] = "is required (one line, at most 200 characters)"
	}
	if msg := textProblem(p.Description, true); msg != "" {
		fields["description"] = msg
	} else if len(p.Description) > MaxProgrammeDescription {
		fields["description"] = "must be at most 4000 bytes"
	}
	if p.Kind != ProgrammeMentoring && p.Kind != ProgrammePeer {
		fields["kind"] = `must be "mentoring" or "peer"`
	}
	if p.DefaultCapacity < 1 || p.DefaultCapacity > MaxMentorCapacity {
		fields["default_capacity"] = "must be between 1 and 20"
	}
	if err := ValidateTopics(p.Topics); err != nil {
		fields["topics"] = ErrorFields(err)["topics"]
	}
	if p.ArchivedAt != nil && p.EnrolmentOpen {
		fields["enrolment_open"] = "an archived programme cannot be open for enrolment"
	}
	if len(fields) > 0 {
		return Invalid("the programme is not valid", fields)
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
