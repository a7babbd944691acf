package mentorvault

import (
	"context"
	"strings"
	"time"
)

// SCIMClient is a provisioning client of one organisation: an identity
// provider (Entra ID, Okta) that creates, changes and deactivates the
// organisation's people through /scim/v2. Its bearer token is shown once
// and stored only as a hash.
type SCIMClient struct {
	ID          string
	OrgID       string
	Name        string
	TokenHash   []byte
	CreatedByID string // "" when the operator made it
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time // nil while it works
}

// SCIMIdentity is what a provisioning client keeps about a person beyond
// their account: the userName it knows them by (unique in the organisation,
// compared without case), its externalId and the parts of their name.
type SCIMIdentity struct {
	UserID     string
	OrgID      string
	UserName   string
	ExternalID string
	GivenName  string
	FamilyName string
	UpdatedAt  time.Time
}

// SCIMPerson is a person as provisioning sees them: the account, with its
// SCIM identity (nil if no client provisioned them yet; their userName is
// then their email).
type SCIMPerson struct {
	User     *User
	Identity *SCIMIdentity
}

// UserName is the person's SCIM userName.
func (p *SCIMPerson) UserName() string {
	if p.Identity != nil {
		return p.Identity.UserName
	}
	return p.User.Email
}

// SCIMGroup is a group an identity provider pushes (RFC 7643 §4.2): a named
// set of the organisation's people, shown to its admins. It grants nothing.
type SCIMGroup struct {
	ID          string
	OrgID       string
	DisplayName string
	ExternalID  string
	Members     []string // user IDs
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// SCIMUserFilter selects an organisation's people for provisioning; empty
// fields do not filter, and each compares without case. Limit 0 counts only.
type SCIMUserFilter struct {
	OrgID      string
	UserName   string
	ExternalID string
	Email      string
	Offset     int
	Limit      int
}

// SCIMGroupFilter selects an organisation's groups; empty fields do not
// filter. Limit 0 counts only.
type SCIMGroupFilter struct {
	OrgID       string
	DisplayName string
	ExternalID  string
	Offset      int
	Limit       int
}

// SCIMStore stores provisioning clients, identities and groups.
type SCIMStore interface {
	// CreateSCIMClient stores a client; ECONFLICT on a duplicate token hash.
	CreateSCIMClient(ctx context.Context, c *SCIMClient) error
	// FindSCIMClientByHash returns the client with this token hash, revoked
	// or not; ENOTFOUND.
	FindSCIMClientByHash(ctx context.Context, hash []byte) (*SCIMClient, error)
	// FindSCIMClientByID returns a client; ENOTFOUND.
	FindSCIMClientByID(ctx context.Context, id string) (*SCIMClient, error)
	// FindSCIMClients lists an organisation's clients, oldest first.
	FindSCIMClients(ctx context.Context, orgID string) ([]*SCIMClient, error)
	// RevokeSCIMClient marks a client revoked; ENOTFOUND.
	RevokeSCIMClient(ctx context.Context, id string, at time.Time) error
	// TouchSCIMClient records when a client was last used.
	TouchSCIMClient(ctx context.Context, id string, at time.Time) error
	// FindSCIMPeople lists a page of f's organisation's people by creation
	// and counts every one f selects.
	FindSCIMPeople(ctx context.Context, f SCIMUserFilter) ([]*SCIMPerson, int, error)
	// FindSCIMIdentity returns a person's SCIM identity; ENOTFOUND.
	FindSCIMIdentity(ctx context.Context, userID string) (*SCIMIdentity, error)
	// PutSCIMIdentity creates or replaces a person's SCIM identity;
	// ECONFLICT when another person of the organisation has its userName.
	PutSCIMIdentity(ctx context.Context, id *SCIMIdentity) error
	// CreateSCIMGroup stores a group with its members; ECONFLICT when the
	// organisation has a group of that display name.
	CreateSCIMGroup(ctx context.Context, g *SCIMGroup) error
	// UpdateSCIMGroup stores DisplayName, ExternalID, UpdatedAt and
	// replaces the members; ENOTFOUND or ECONFLICT.
	UpdateSCIMGroup(ctx context.Context, g *SCIMGroup) error
	// FindSCIMGroupByID returns a group with its members; ENOTFOUND.
	FindSCIMGroupByID(ctx context.Context, id string) (*SCIMGroup, error)
	// FindSCIMGroups lists a page of the groups f selects, with their
	// members, by display name, and counts every one f selects.
	FindSCIMGroups(ctx context.Context, f SCIMGroupFilter) ([]*SCIMGroup, int, error)
	// FindUserSCIMGroups lists the groups a person is a member of (without
	// their members), by display name.
	FindUserSCIMGroups(ctx context.Context, userID string) ([]*SCIMGroup, error)
	// DeleteSCIMGroup deletes a group and its memberships; ENOTFOUND.
	DeleteSCIMGroup(ctx context.Context, id string) error
}

// Validate checks the identity's fields. Returns EINVALID naming the SCIM
// attribute at fault.
func (id *SCIMIdentity) Validate() error {
	if err := ValidateLines("userName", id.UserName, "externalId", id.ExternalID,
		"name.givenName", id.GivenName, "name.familyName", id.FamilyName); err != nil {
		return err
	}
	fields := map[string]string{}
	if strings.TrimSpace(id.UserName) == "" || len(id.UserName) > 320 {
		fields["userName"] = "is required (at most 320 characters)"
	}
	if len(id.ExternalID) > 500 {
		fields["externalId"] = "is at most 500 characters"
	}
	if len(id.GivenName) > 200 || len(id.FamilyName) > 200 {
		fields["name"] = "each part is at most 200 characters"
	}
	if len(fields) > 0 {
		return Invalid("the user is not valid", fields)
	}
	return nil
}

// Validate checks the group's fields. Returns EINVALID.
func (g *SCIMGroup) Validate() error {
	if err := ValidateLines("displayName", g.DisplayName, "externalId", g.ExternalID); err != nil {
		return err
	}
	fields := map[string]string{}
	if strings.TrimSpace(g.DisplayName) == "" || len(g.DisplayName) > 200 {
		fields["displayName"] = "is required (at most 200 characters)"
	}
	if len(g.ExternalID) > 500 {
		fields["externalId"] = "is at most 500 characters"
	}
	if len(fields) > 0 {
		return Invalid("the group is not valid", fields)
	}
	return nil
}
