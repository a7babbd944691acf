package mentorvault

import (
	"context"
	"slices"
	"time"
)

// Passkey is one of a person's WebAuthn credentials. Only the public half
// is stored: nothing here is a secret.
type Passkey struct {
	ID                string
	UserID            string
	Name              string // the person's own label, such as "work laptop"
	CredentialID      []byte
	PublicKey         []byte // COSE key
	SignCount         uint32
	Transports        []string
	AAGUID            []byte
	Flags             uint8 // PasskeyFlag* bits as last seen
	AttestationFormat string
	CreatedAt         time.Time
	LastUsedAt        *time.Time
}

// The bits of Passkey.Flags.
const (
	PasskeyFlagPresent        uint8 = 1 << 0
	PasskeyFlagVerified       uint8 = 1 << 1
	PasskeyFlagBackupEligible uint8 = 1 << 2
	PasskeyFlagBackupState    uint8 = 1 << 3
)

// ValidatePasskeyName checks a passkey's label. Returns EINVALID on "name".
func ValidatePasskeyName(name string) error {
	if name == "" || len(name) > 100 {
		return Invalid("the passkey's name is not valid", map[string]string{"name": "must be 1 to 100 characters"})
	}
	return ValidateLine("name", name, 100)
}

// RecoveryCode is one single-use code that stands in for a lost passkey as
// the second factor. Hash is the SHA-256 of the code; the code itself is
// shown once and never stored.
type RecoveryCode struct {
	ID        string
	UserID    string
	Hash      []byte
	CreatedAt time.Time
	UsedAt    *time.Time
}

// The roles an organisation's second-factor policy may name.
const (
	MFARoleAdmin       = "admin"
	MFARoleCoordinator = "coordinator"
	MFARoleSupervisor  = "supervisor"
	MFARoleRequester   = "requester"
)

// MFARoles lists the roles a second-factor policy may name, in order.
var MFARoles = []string{MFARoleAdmin, MFARoleCoordinator, MFARoleSupervisor, MFARoleRequester}

// MFAPolicy is an organisation's rule for who must use a second factor
// after their password: everyone, or whoever holds one of Roles.
type MFAPolicy struct {
	OrgID     string
	Everyone  bool
	Roles     []string
	UpdatedAt time.Time
	UpdatedBy string
}

// Validate checks the policy's roles. Returns EINVALID on "roles".
func (p *MFAPolicy) Validate() error {
	for _, r := range p.Roles {
		if !slices.Contains(MFARoles, r) {
			return Invalid("the second-factor policy is not valid", map[string]string{"roles": "must be among admin, coordinator, supervisor and requester"})
		}
	}
	slices.Sort(p.Roles)
	p.Roles = slices.Compact(p.Roles)
	return nil
}

// The kinds of AuthCeremony.
const (
	CeremonyRegister     = "register"     // adding a passkey, signed in
	CeremonyLogin        = "login"        // signing in with a passkey
	CeremonyStepUp       = "stepup"       // re-authenticating with a passkey
	CeremonySecondFactor = "mfa"          // a sign-in whose password was right, waiting for its second factor
	CeremonyMFAAssert    = "mfa.assert"   // the passkey asked for as that second factor
	CeremonyMFAEnrol     = "mfa.register" // the passkey added by someone who must have one before going in
)

// AuthCeremony is server-side state a browser refers to by a secret token
// (only its SHA-256 is stored): a WebAuthn ceremony's challenge (Data is
// the library's session data) or a sign-in waiting for its second factor.
// Each is used once and expires.
type AuthCeremony struct {
	TokenHash []byte
	Kind      string
	UserID    string // "" for a passkey sign-in, which learns who from the passkey
	Data      []byte
	Next      string // a pending sign-in: where it goes once complete; a ceremony begun for one: the binding to it
	CreatedAt time.Time
	ExpiresAt time.Time
}

// PasskeyStore stores passkeys, recovery codes, second-factor settings and
// the state of sign-in ceremonies.
type PasskeyStore interface {
	// CreatePasskey stores a new passkey. ECONFLICT for a credential ID
	// already registered (to anyone).
	CreatePasskey(ctx context.Context, p *Passkey) error
	// FindPasskeys lists a user's passkeys, oldest first.
	FindPasskeys(ctx context.Context, userID string) ([]*Passkey, error)
	// FindPasskeyByCredentialID returns the passkey of a credential ID, or ENOTFOUND.
	FindPasskeyByCredentialID(ctx context.Context, credentialID []byte) (*Passkey, error)
	// UsePasskey records a successful use: the new sign count and flags. ENOTFOUND.
	UsePasskey(ctx context.Context, id string, signCount uint32, flags uint8, at time.Time) error
	// RenamePasskey changes a passkey's name. ENOTFOUND.
	RenamePasskey(ctx context.Context, id, name string) error
	// DeletePasskey removes a passkey. ENOTFOUND.
	DeletePasskey(ctx context.Context, id string) error

	// ReplaceRecoveryCodes deletes every recovery code of the user and stores codes.
	ReplaceRecoveryCodes(ctx context.Context, userID string, codes []*RecoveryCode) error
	// FindRecoveryCodes lists a user's recovery codes, used ones included.
	FindRecoveryCodes(ctx context.Context, userID string) ([]*RecoveryCode, error)
	// UseRecoveryCode marks the unused code of hash used by userID at at;
	// ENOTFOUND if there is none (wrong, someone else's, or used already).
	UseRecoveryCode(ctx context.Context, userID string, hash []byte, at time.Time) error

	// FindMFAPolicy returns an organisation's second-factor policy; one
	// that was never set requires nobody (a zero policy, not ENOTFOUND).
	FindMFAPolicy(ctx context.Context, orgID string) (*MFAPolicy, error)
	// PutMFAPolicy stores an organisation's policy, replacing any.
	PutMFAPolicy(ctx context.Context, p *MFAPolicy) error
	// FindSecondFactorOn reports whether the user asked for their passkey after their password.
	FindSecondFactorOn(ctx context.Context, userID string) (bool, error)
	// SetSecondFactorOn records the user's choice.
	SetSecondFactorOn(ctx context.Context, userID string, on bool, at time.Time) error

	// CreateAuthCeremony stores a ceremony's state. ECONFLICT for a duplicate token.
	CreateAuthCeremony(ctx context.Context, c *AuthCeremony) error
	// FindAuthCeremony returns the ceremony of a token hash, expired or
	// not, without using it up; ENOTFOUND.
	FindAuthCeremony(ctx context.Context, tokenHash []byte) (*AuthCeremony, error)
	// TakeAuthCeremony deletes and returns the ceremony of a token hash, so
	// that of two concurrent uses only one gets it; ENOTFOUND.
	TakeAuthCeremony(ctx context.Context, tokenHash []byte) (*AuthCeremony, error)
	// DeleteAuthCeremoniesBefore deletes the ceremonies that expired before t.
	DeleteAuthCeremoniesBefore(ctx context.Context, t time.Time) error
}
