package service

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Passkeys (WebAuthn) as a way to sign in, as the second factor after a
// password and as the step-up of sensitive actions; recovery codes for a
// lost passkey; an organisation's second-factor policy.
//
// Every ceremony's challenge is kept server-side (auth_ceremonies), keyed
// by the hash of a token the browser holds, used once (deleted by the
// call that checks it, in the same transaction) and expiring after
// ceremonyTTL. A sign-in whose password was right but which still needs a
// second factor is kept the same way, for pendingTTL: no session exists
// until the second factor is given.

const (
	ceremonyTTL          = 5 * time.Minute
	pendingTTL           = 10 * time.Minute
	ceremonyTokenPrefix  = "mvw_"
	pendingTokenPrefix   = "mvp_"
	recoveryCodeCount    = 10
	maxCredentialBytes   = 64 << 10
	passkeyRefusedMsg    = "the passkey was not accepted; try again, or sign in with your password"
	ceremonyExpiredMsg   = "this passkey request has expired or was already used; try again"
	pendingExpiredMsg    = "this sign-in has expired; sign in again with your password"
	secondFactorWrongMsg = "that did not work; use your passkey, or enter one of your recovery codes exactly as it was shown"
	// NotifySecurity is the kind of the notification a person gets when a
	// recovery code of theirs is used.
	NotifySecurity = "account.recovery_used"
)

// CeremonyOptions starts a WebAuthn ceremony in the browser: Options is
// the JSON for navigator.credentials.create or .get ({"publicKey": …});
// Ceremony is the token the browser sends back with the answer.
type CeremonyOptions struct {
	Ceremony string          `json:"ceremony"`
	Options  json.RawMessage `json:"options"`
}

// Passkey is one of the caller's passkeys as their security page shows it.
type Passkey struct {
	ID         string
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	Synced     bool // backed up by its provider (a synced passkey)
}

// Security is the caller's sign-in factors: their passkeys, how many
// unused recovery codes they have, whether they asked for their passkey
// after their password and whether their organisation requires it.
type Security struct {
	Passkeys       []Passkey
	RecoveryLeft   int
	RecoveryMade   bool // they generated codes at some point
	SecondFactorOn bool
	Required       bool // their organisation's policy requires a second factor of them
	ManagesPolicy  bool // Cedar lets them set their organisation's policy (org.mfa)
	HasPassword    bool
	// Policy is the organisation's second-factor policy, for an admin
	// Cedar lets set it (ManagesPolicy); nil otherwise.
	Policy *MFAPolicyView
	// KFloor is the organisation's floor under its programmes' k, for an
	// admin Cedar lets set it (org.privacy); 0 otherwise.
	KFloor int
}

// StepUp is how a caller proves again, for a sensitive action, that they
// are themselves: their password, or a passkey's answer (Credential, the
// assertion's JSON) to the challenge of BeginStepUp (Ceremony) at Origin.
type StepUp struct {
	Password   string
	Ceremony   string
	Credential []byte
	Origin     string
}

// Passkey reports whether the step-up is a passkey's.
func (su StepUp) Passkey() bool { return len(su.Credential) > 0 || su.Ceremony != "" }

func (su StepUp) validate() error {
	if err := mentorvault.ValidateLines("password", su.Password, "ceremony", su.Ceremony, "credential", string(su.Credential)); err != nil {
		return err
	}
	if len(su.Credential) > maxCredentialBytes {
		return mentorvault.Invalid("the passkey's answer is not valid", map[string]string{"credential": "is too long"})
	}
	return nil
}

// relyingParty is the WebAuthn relying party of origin, the address the
// browser is at ("https://mentorvault.example.org"): its ID is the host,
// and only that origin is accepted.
func relyingParty(origin string) (*webauthn.WebAuthn, error) {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.Path != "" {
		return nil, mentorvault.Errorf(mentorvault.EINVALID, "passkeys need the address mentorvault is reached at")
	}
	if net.ParseIP(strings.Trim(u.Hostname(), "[]")) != nil {
		return nil, mentorvault.Errorf(mentorvault.EINVALID, "passkeys work only when mentorvault is reached at a domain name (such as localhost or mentorvault.example.org), not at an IP address")
	}
	rp, err := webauthn.New(&webauthn.Config{RPID: u.Hostname(), RPDisplayName: "mentorvault", RPOrigins: []string{origin},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTTL},
		}})
	if err != nil {
		return nil, &mentorvault.Error{Code: mentorvault.EINVALID, Message: "passkeys need the address mentorvault is reached at", Err: err}
	}
	return rp, nil
}

// waUser is a user with their passkeys, as the WebAuthn library sees them.
// The user handle is the user's ID (random, and no personal data).
type waUser struct {
	u    *mentorvault.User
	keys []*mentorvault.Passkey
}

func (w waUser) WebAuthnID() []byte          { return []byte(w.u.ID) }
func (w waUser) WebAuthnName() string        { return w.u.Email }
func (w waUser) WebAuthnDisplayName() string { return w.u.Name }
func (w waUser) WebAuthnCredentials() []webauthn.Credential {
	out := make([]webauthn.Credential, 0, len(w.keys))
	for _, k := range w.keys {
		out = append(out, credentialOf(k))
	}
	return out
}

func credentialOf(k *mentorvault.Passkey) webauthn.Credential {
	ts := make([]protocol.AuthenticatorTransport, 0, len(k.Transports))
	for _, t := range k.Transports {
		ts = append(ts, protocol.AuthenticatorTransport(t))
	}
	return webauthn.Credential{ID: k.CredentialID, PublicKey: k.PublicKey, AttestationFormat: k.AttestationFormat, Transport: ts,
		Flags: webauthn.CredentialFlags{
			UserPresent:    k.Flags&mentorvault.PasskeyFlagPresent != 0,
			UserVerified:   k.Flags&mentorvault.PasskeyFlagVerified != 0,
			BackupEligible: k.Flags&mentorvault.PasskeyFlagBackupEligible != 0,
			BackupState:    k.Flags&mentorvault.PasskeyFlagBackupState != 0,
		},
		Authenticator: webauthn.Authenticator{AAGUID: k.AAGUID, SignCount: k.SignCount}}
}

func flagsOf(f webauthn.CredentialFlags) uint8 {
	var b uint8
	if f.UserPresent {
		b |= mentorvault.PasskeyFlagPresent
	}
	if f.UserVerified {
		b |= mentorvault.PasskeyFlagVerified
	}
	if f.BackupEligible {
		b |= mentorvault.PasskeyFlagBackupEligible
	}
	if f.BackupState {
		b |= mentorvault.PasskeyFlagBackupState
	}
	return b
}

func passkeyTarget(u *mentorvault.User, id string) target {
	return target{orgID: u.OrgID, typ: "passkey", id: id}
}

// newCeremony stores a ceremony's state and returns its token.
func newCeremony(ctx context.Context, tx mentorvault.Tx, kind, userID string, data any, next string, ttl time.Duration) (string, error) {
	var raw []byte
	if data != nil {
		var err error
		if raw, err = json.Marshal(data); err != nil {
			return "", err
		}
	}
	prefix := ceremonyTokenPrefix
	if kind == mentorvault.CeremonySecondFactor {
		prefix = pendingTokenPrefix
	}
	tok := auth.NewSecretToken(prefix)
	now := tx.Now()
	// Expired ceremonies nobody finished go as new ones begin.
	if err := tx.DeleteAuthCeremoniesBefore(ctx, now); err != nil {
		return "", err
	}
	return tok, tx.CreateAuthCeremony(ctx, &mentorvault.AuthCeremony{TokenHash: auth.TokenHash(tok), Kind: kind, UserID: userID,
		Data: raw, Next: next, CreatedAt: now, ExpiresAt: now.Add(ttl)})
}

// takeCeremony uses up the ceremony of token, which must be of kind (and,
// when userID is not "", that user's) and not expired. ok is false when it
// is not: unknown, used already, expired or someone else's.
func takeCeremony(ctx context.Context, tx mentorvault.Tx, token, kind, userID string) (*mentorvault.AuthCeremony, *webauthn.SessionData, bool, error) {
	return takeBoundCeremony(ctx, tx, token, kind, userID, "")
}

// takeBoundCeremony is takeCeremony for a ceremony begun for one waiting
// sign-in (bound is its binding, see boundTo): it is of no use to another.
func takeBoundCeremony(ctx context.Context, tx mentorvault.Tx, token, kind, userID, bound string) (*mentorvault.AuthCeremony, *webauthn.SessionData, bool, error) {
	if !strings.HasPrefix(token, ceremonyTokenPrefix) || len(token) > 128 {
		return nil, nil, false, nil
	}
	c, err := tx.TakeAuthCeremony(ctx, auth.TokenHash(token))
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil, nil, false, nil
	} else if err != nil {
		return nil, nil, false, err
	}
	if c.Kind != kind || (userID != "" && c.UserID != userID) || c.Next != bound || !tx.Now().Before(c.ExpiresAt) {
		return c, nil, false, nil
	}
	var sd webauthn.SessionData
	if err := json.Unmarshal(c.Data, &sd); err != nil {
		return c, nil, false, nil
	}
	return c, &sd, true, nil
}

func optionsJSON(tok string, v any) (*CeremonyOptions, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &CeremonyOptions{Ceremony: tok, Options: b}, nil
}

func (s *Service) beginRegistration(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User, origin, kind, bound string) (*CeremonyOptions, error) {
	rp, err := relyingParty(origin)
	if err != nil {
		return nil, err
	}
	keys, err := tx.FindPasskeys(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	wu := waUser{u: u, keys: keys}
	creation, sd, err := rp.BeginRegistration(wu,
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: protocol.VerificationPreferred}),
		webauthn.WithExclusions(webauthn.Credentials(wu.WebAuthnCredentials()).CredentialDescriptors()))
	if err != nil {
		return nil, fmt.Errorf("begin passkey registration: %w", err)
	}
	tok, err := newCeremony(ctx, tx, kind, u.ID, sd, bound, ceremonyTTL)
	if err != nil {
		return nil, err
	}
	return optionsJSON(tok, creation)
}

// finishRegistration verifies a registration's answer and stores the
// passkey. ok is false (and the passkey not stored) when the answer does
// not verify; why says why, for the audit log.
func (s *Service) finishRegistration(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User, origin, kind, bound, ceremony, name string, credential []byte) (pk *mentorvault.Passkey, why string, err error) {
	rp, err := relyingParty(origin)
	if err != nil {
		return nil, "", err
	}
	_, sd, ok, err := takeBoundCeremony(ctx, tx, ceremony, kind, u.ID, bound)
	if err != nil || !ok {
		return nil, "challenge unknown, used or expired", err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return nil, "answer not readable", nil
	}
	keys, err := tx.FindPasskeys(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	cred, err := rp.CreateCredential(waUser{u: u, keys: keys}, *sd, parsed)
	if err != nil {
		s.log.InfoContext(ctx, "passkey registration refused", "user", u.ID, "err", err)
		return nil, "answer did not verify", nil
	}
	ts := make([]string, 0, len(cred.Transport))
	for _, t := range cred.Transport {
		ts = append(ts, string(t))
	}
	pk = &mentorvault.Passkey{ID: mentorvault.NewID(), UserID: u.ID, Name: name, CredentialID: cred.ID, PublicKey: cred.PublicKey,
		SignCount: cred.Authenticator.SignCount, Transports: ts, AAGUID: cred.Authenticator.AAGUID, Flags: flagsOf(cred.Flags),
		AttestationFormat: cred.AttestationFormat, CreatedAt: tx.Now()}
	if err := tx.CreatePasskey(ctx, pk); mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
		return nil, "credential already registered", nil
	} else if err != nil {
		return nil, "", err
	}
	return pk, "", nil
}

func defaultPasskeyName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return "Passkey"
	}
	return name
}

// BeginPasskeyRegistration starts adding a passkey to the caller's account
// from origin. Returns EUNAUTHENTICATED, EFORBIDDEN or EINVALID.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, p mentorvault.Principal, origin string) (*CeremonyOptions, error) {
	if p.Anonymous() {
		return nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	var out *CeremonyOptions
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		out, err = s.beginRegistration(ctx, tx, a.user, origin, mentorvault.CeremonyRegister, "")
		return err
	})
	return out, err
}

// FinishPasskeyRegistration verifies the browser's answer to
// BeginPasskeyRegistration and stores the passkey under name; audited as
// passkey.add. Returns EUNAUTHENTICATED, EFORBIDDEN or EINVALID (on
// "credential" when the answer does not verify).
func (s *Service) FinishPasskeyRegistration(ctx context.Context, p mentorvault.Principal, origin, ceremony, name string, credential []byte) (*Passkey, error) {
	if p.Anonymous() {
		return nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	name = defaultPasskeyName(name)
	if err := validateCeremonyInput(ceremony, credential); err != nil {
		return nil, err
	}
	if err := mentorvault.ValidatePasskeyName(name); err != nil {
		return nil, err
	}
	var out *Passkey
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		pk, why, err := s.finishRegistration(ctx, tx, a.user, origin, mentorvault.CeremonyRegister, "", ceremony, name, credential)
		if err != nil {
			return err
		}
		if pk == nil {
			return s.record2(ctx, tx, a, "passkey.add", mentorvault.OutcomeFailed, passkeyTarget(a.user, ""), why,
				mentorvault.Invalid("the passkey was not added", map[string]string{"credential": "could not be verified; try adding the passkey again"}))
		}
		out = passkeyView(pk)
		return s.record(ctx, tx, a, "passkey.add", passkeyTarget(a.user, pk.ID), "")
	})
	return out, err
}

func validateCeremonyInput(ceremony string, credential []byte) error {
	if err := mentorvault.ValidateLines("ceremony", ceremony, "credential", string(credential)); err != nil {
		return err
	}
	if ceremony == "" || len(ceremony) > 128 {
		return mentorvault.Invalid("the passkey's answer is not valid", map[string]string{"ceremony": "is missing; try again"})
	}
	if len(credential) == 0 || len(credential) > maxCredentialBytes {
		return mentorvault.Invalid("the passkey's answer is not valid", map[string]string{"credential": "is missing; your browser did not answer"})
	}
	return nil
}

func passkeyView(k *mentorvault.Passkey) *Passkey {
	return &Passkey{ID: k.ID, Name: k.Name, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, Synced: k.Flags&mentorvault.PasskeyFlagBackupState != 0}
}

// Security returns the caller's sign-in factors. Returns EUNAUTHENTICATED or EFORBIDDEN.
func (s *Service) Security(ctx context.Context, p mentorvault.Principal) (*Security, error) {
	if p.Anonymous() {
		return nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	var out *Security
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		keys, err := tx.FindPasskeys(ctx, a.user.ID)
		if err != nil {
			return err
		}
		out = &Security{HasPassword: a.user.PasswordHash != "", ManagesPolicy: s.may(ctx, a, policy.ManageMFA, policy.Org{ID: a.user.OrgID})}
		for _, k := range keys {
			out.Passkeys = append(out.Passkeys, *passkeyView(k))
		}
		codes, err := tx.FindRecoveryCodes(ctx, a.user.ID)
		if err != nil {
			return err
		}
		out.RecoveryMade = len(codes) > 0
		for _, c := range codes {
			if c.UsedAt == nil {
				out.RecoveryLeft++
			}
		}
		if out.SecondFactorOn, err = tx.FindSecondFactorOn(ctx, a.user.ID); err != nil {
			return err
		}
		if out.ManagesPolicy {
			pol, err := tx.FindMFAPolicy(ctx, a.user.OrgID)
			if err != nil {
				return err
			}
			out.Policy = &MFAPolicyView{Everyone: pol.Everyone, Roles: pol.Roles, UpdatedAt: pol.UpdatedAt}
		}
		if s.may(ctx, a, policy.ManagePrivacy, policy.Org{ID: a.user.OrgID}) {
			org, err := tx.FindOrgByID(ctx, a.user.OrgID)
			if err != nil {
				return err
			}
			out.KFloor = org.KFloor
		}
		out.Required, err = s.secondFactorRequired(ctx, tx, a.user)
		return err
	})
	return out, err
}

// ownPasskey finds one of the actor's passkeys; anyone else's is not found.
func ownPasskey(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User, id string) (*mentorvault.Passkey, error) {
	keys, err := tx.FindPasskeys(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.ID == id {
			return k, nil
		}
	}
	return nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "passkey not found")
}

// RenamePasskey renames one of the caller's passkeys; audited as
// passkey.rename. Returns EUNAUTHENTICATED, EFORBIDDEN, ENOTFOUND or EINVALID.
func (s *Service) RenamePasskey(ctx context.Context, p mentorvault.Principal, id, name string) error {
	if p.Anonymous() {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	name = strings.TrimSpace(name)
	if err := mentorvault.ValidatePasskeyName(name); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		k, err := ownPasskey(ctx, tx, a.user, id)
		if err != nil {
			return err
		}
		if err := tx.RenamePasskey(ctx, k.ID, name); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "passkey.rename", passkeyTarget(a.user, k.ID), "")
	})
}

// RemovePasskey removes one of the caller's passkeys after a step-up (the
// password, or another passkey — or the same one); audited as
// passkey.remove. Removing the last one turns the caller's own "ask for my
// passkey" off; an organisation that requires a second factor asks them
// for a new one at their next sign-in. Returns EUNAUTHENTICATED (the
// step-up failed), ETOOMANY, EFORBIDDEN, ENOTFOUND or EINVALID.
func (s *Service) RemovePasskey(ctx context.Context, p mentorvault.Principal, id string, su StepUp) error {
	if p.Anonymous() {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	st, p, err := s.prepareStepUp(ctx, p, su)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		k, err := ownPasskey(ctx, tx, a.user, id)
		if err != nil {
			return err
		}
		t := passkeyTarget(a.user, k.ID)
		if err := s.checkStepUp(ctx, tx, a, st, "passkey.remove", t); err != nil {
			return err
		}
		if err := tx.DeletePasskey(ctx, k.ID); err != nil {
			return err
		}
		left, err := tx.FindPasskeys(ctx, a.user.ID)
		if err != nil {
			return err
		}
		if len(left) == 0 {
			if err := tx.SetSecondFactorOn(ctx, a.user.ID, false, tx.Now()); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, "passkey.remove", t, fmt.Sprintf("left=%d", len(left)))
	})
}

// SetSecondFactor turns the caller's "ask for my passkey after my password"
// on or off; on needs a passkey. Audited as mfa.personal. Returns
// EUNAUTHENTICATED, EFORBIDDEN or ECONFLICT (no passkey).
func (s *Service) SetSecondFactor(ctx context.Context, p mentorvault.Principal, on bool) error {
	if p.Anonymous() {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		if on {
			keys, err := tx.FindPasskeys(ctx, a.user.ID)
			if err != nil {
				return err
			}
			if len(keys) == 0 {
				return mentorvault.Errorf(mentorvault.ECONFLICT, "add a passkey first: it is what you will be asked for after your password")
			}
		}
		if err := tx.SetSecondFactorOn(ctx, a.user.ID, on, tx.Now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "mfa.personal", target{orgID: a.user.OrgID, typ: "account", id: a.user.ID}, fmt.Sprintf("on=%t", on))
	})
}

var recoveryAlphabet = base32.NewEncoding("abcdefghjkmnpqrstuvwxyz023456789").WithPadding(base32.NoPadding)

// newRecoveryCode is 12 random characters (60 bits) in three groups.
func newRecoveryCode() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	c := recoveryAlphabet.EncodeToString(b)[:12]
	return c[:4] + "-" + c[4:8] + "-" + c[8:]
}

// normalRecoveryCode is a typed code as it was made: lower case, without
// the spaces and dashes people add or leave out.
func normalRecoveryCode(code string) string {
	code = strings.ToLower(code)
	code = strings.NewReplacer(" ", "", "-", "", "\t", "", "o", "0").Replace(code)
	if len(code) != 12 {
		return code
	}
	return code[:4] + "-" + code[4:8] + "-" + code[8:]
}

// GenerateRecoveryCodes makes the caller ten new single-use recovery codes
// and invalidates any old ones. The codes are returned this once and
// stored only hashed; audited as recovery.generate. Returns
// EUNAUTHENTICATED or EFORBIDDEN.
func (s *Service) GenerateRecoveryCodes(ctx context.Context, p mentorvault.Principal) ([]string, error) {
	if p.Anonymous() {
		return nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	var out []string
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		out = out[:0]
		codes := make([]*mentorvault.RecoveryCode, 0, recoveryCodeCount)
		for range recoveryCodeCount {
			c := newRecoveryCode()
			out = append(out, c)
			codes = append(codes, &mentorvault.RecoveryCode{ID: mentorvault.NewID(), UserID: a.user.ID, Hash: auth.TokenHash(c), CreatedAt: tx.Now()})
		}
		if err := tx.ReplaceRecoveryCodes(ctx, a.user.ID, codes); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "recovery.generate", target{orgID: a.user.OrgID, typ: "account", id: a.user.ID}, fmt.Sprintf("codes=%d", len(codes)))
	})
	return out, err
}

// secondFactorRequired reports whether u's organisation requires a second
// factor of them.
func (s *Service) secondFactorRequired(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User) (bool, error) {
	pol, err := tx.FindMFAPolicy(ctx, u.OrgID)
	if err != nil {
		return false, err
	}
	if pol.Everyone {
		return true, nil
	}
	if len(pol.Roles) == 0 {
		return false, nil
	}
	if (u.OrgAdmin && slices.Contains(pol.Roles, mentorvault.MFARoleAdmin)) || (u.Requester && slices.Contains(pol.Roles, mentorvault.MFARoleRequester)) {
		return true, nil
	}
	roles, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{UserID: u.ID})
	if err != nil {
		return false, err
	}
	for _, r := range roles {
		if (r.Role == mentorvault.RoleCoordinator && slices.Contains(pol.Roles, mentorvault.MFARoleCoordinator)) ||
			(r.Role == mentorvault.RoleSupervisor && slices.Contains(pol.Roles, mentorvault.MFARoleSupervisor)) {
			return true, nil
		}
	}
	return false, nil
}

// needsSecondFactor reports whether u's password alone may not sign them
// in: they asked for their passkey too, or their organisation requires a
// second factor of them.
func (s *Service) needsSecondFactor(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User) (bool, error) {
	on, err := tx.FindSecondFactorOn(ctx, u.ID)
	if err != nil || on {
		return on, err
	}
	return s.secondFactorRequired(ctx, tx, u)
}

// PendingSignIn is a sign-in whose password was right and that waits for
// its second factor: what the second-factor page offers.
type PendingSignIn struct {
	Name        string
	HasPasskey  bool
	HasRecovery bool
	// MustEnrol: the organisation requires a second factor and they have
	// none yet: they add a passkey before going in.
	MustEnrol bool
}

// pending loads the waiting sign-in of token, without using it up.
func pending(ctx context.Context, tx mentorvault.Tx, token string) (*mentorvault.AuthCeremony, *mentorvault.User, error) {
	gone := mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, pendingExpiredMsg)
	if !strings.HasPrefix(token, pendingTokenPrefix) || len(token) > 128 {
		return nil, nil, gone
	}
	c, err := tx.FindAuthCeremony(ctx, auth.TokenHash(token))
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil, nil, gone
	} else if err != nil {
		return nil, nil, err
	}
	if c.Kind != mentorvault.CeremonySecondFactor || !tx.Now().Before(c.ExpiresAt) {
		return nil, nil, gone
	}
	u, err := tx.FindUserByID(ctx, c.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.DisabledAt != nil {
		return nil, nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, deactivatedLoginMsg)
	}
	return c, u, nil
}

func pendingView(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User) (*PendingSignIn, error) {
	keys, err := tx.FindPasskeys(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	codes, err := tx.FindRecoveryCodes(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	v := &PendingSignIn{Name: u.Name, HasPasskey: len(keys) > 0}
	for _, c := range codes {
		v.HasRecovery = v.HasRecovery || c.UsedAt == nil
	}
	v.MustEnrol = !v.HasPasskey && !v.HasRecovery
	return v, nil
}

// PendingSignIn returns what the waiting sign-in of token (the second-
// factor cookie) may use. Returns EUNAUTHENTICATED when it has expired.
func (s *Service) PendingSignIn(ctx context.Context, token string) (*PendingSignIn, error) {
	var out *PendingSignIn
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		_, u, err := pending(ctx, tx, token)
		if err != nil {
			return err
		}
		out, err = pendingView(ctx, tx, u)
		return err
	})
	return out, err
}

// startPending keeps a sign-in whose password was right until its second
// factor comes, and returns its token.
func startPending(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User, next string) (string, error) {
	return newCeremony(ctx, tx, mentorvault.CeremonySecondFactor, u.ID, nil, next, pendingTTL)
}

// completePending ends the waiting sign-in of c and starts the session.
func (s *Service) completePending(ctx context.Context, tx mentorvault.Tx, c *mentorvault.AuthCeremony, u *mentorvault.User) (*LoginResult, error) {
	if _, err := tx.TakeAuthCeremony(ctx, c.TokenHash); err != nil {
		return nil, err
	}
	sess, token, err := s.newSession(ctx, tx, u.ID)
	if err != nil {
		return nil, err
	}
	return &LoginResult{Session: sess, Token: token, User: accountOf(u), Next: c.Next}, nil
}

func secondFactorKey(userID string) string { return "mfa:" + userID }

// boundTo is the binding of a ceremony begun for the waiting sign-in c
// (kept in the ceremony's Next): the hex of c's token hash.
func boundTo(c *mentorvault.AuthCeremony) string { return "pending:" + hex.EncodeToString(c.TokenHash) }

// BeginSecondFactor starts the passkey check of a waiting sign-in (its
// token) from origin. Returns EUNAUTHENTICATED or EINVALID.
func (s *Service) BeginSecondFactor(ctx context.Context, token, origin string) (*CeremonyOptions, error) {
	rp, err := relyingParty(origin)
	if err != nil {
		return nil, err
	}
	var out *CeremonyOptions
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		c, u, err := pending(ctx, tx, token)
		if err != nil {
			return err
		}
		keys, err := tx.FindPasskeys(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "you have no passkey yet: add one, or use a recovery code")
		}
		assertion, sd, err := rp.BeginLogin(waUser{u: u, keys: keys}, webauthn.WithUserVerification(protocol.VerificationPreferred))
		if err != nil {
			return fmt.Errorf("begin second factor: %w", err)
		}
		tok, err := newCeremony(ctx, tx, mentorvault.CeremonyMFAAssert, u.ID, sd, boundTo(c), ceremonyTTL)
		if err != nil {
			return err
		}
		out, err = optionsJSON(tok, assertion)
		return err
	})
	return out, err
}

// verifyAssertion checks a passkey's answer to the challenge sd against
// u's passkeys and records the use. ok is false when it does not verify
// (why says why, for the audit log), including a sign count that did not
// go up (a cloned authenticator).
func (s *Service) verifyAssertion(ctx context.Context, tx mentorvault.Tx, rp *webauthn.WebAuthn, u *mentorvault.User, sd *webauthn.SessionData, parsed *protocol.ParsedCredentialAssertionData) (pk *mentorvault.Passkey, why string, err error) {
	keys, err := tx.FindPasskeys(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	wu := waUser{u: u, keys: keys}
	var cred *webauthn.Credential
	if len(sd.UserID) == 0 {
		_, cred, err = rp.ValidatePasskeyLogin(func(_, _ []byte) (webauthn.User, error) { return wu, nil }, *sd, parsed)
	} else {
		cred, err = rp.ValidateLogin(wu, *sd, parsed)
	}
	if err != nil {
		s.log.InfoContext(ctx, "passkey assertion refused", "user", u.ID, "err", err)
		return nil, "assertion did not verify", nil
	}
	for _, k := range keys {
		if string(k.CredentialID) == string(cred.ID) {
			pk = k
		}
	}
	if pk == nil {
		return nil, "unknown credential", nil
	}
	if cred.Authenticator.CloneWarning {
		return pk, "sign count did not increase", nil
	}
	if err := tx.UsePasskey(ctx, pk.ID, cred.Authenticator.SignCount, flagsOf(cred.Flags), tx.Now()); err != nil {
		return nil, "", err
	}
	return pk, "", nil
}

// FinishSecondFactor checks the passkey's answer for a waiting sign-in and,
// if it verifies, starts the session (password + passkey). Audited as
// login.second_factor. Returns EUNAUTHENTICATED, ETOOMANY or EINVALID.
func (s *Service) FinishSecondFactor(ctx context.Context, token, origin, ceremony string, credential []byte) (*LoginResult, error) {
	if err := validateCeremonyInput(ceremony, credential); err != nil {
		return nil, err
	}
	rp, err := relyingParty(origin)
	if err != nil {
		return nil, err
	}
	parsed, perr := protocol.ParseCredentialRequestResponseBytes(credential)
	var out *LoginResult
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		c, u, err := pending(ctx, tx, token)
		if err != nil {
			return err
		}
		a := actor{p: mentorvault.Principal{UserID: u.ID, Via: "web"}, user: u}
		t := target{orgID: u.OrgID, typ: "user", id: u.ID}
		if err := s.secondFactorLimit(ctx, tx, a, t); err != nil {
			return err
		}
		_, sd, ok, err := takeBoundCeremony(ctx, tx, ceremony, mentorvault.CeremonyMFAAssert, u.ID, boundTo(c))
		if err != nil {
			return err
		}
		why := "challenge unknown, used or expired"
		var pk *mentorvault.Passkey
		if ok && perr != nil {
			why = "answer not readable"
		} else if ok {
			if pk, why, err = s.verifyAssertion(ctx, tx, rp, u, sd, parsed); err != nil {
				return err
			}
		}
		if why != "" {
			if err := tx.RecordLoginFailure(ctx, secondFactorKey(u.ID), tx.Now()); err != nil {
				return err
			}
			return s.record2(ctx, tx, a, "login.second_factor", mentorvault.OutcomeFailed, t, why,
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, secondFactorWrongMsg))
		}
		if out, err = s.completePending(ctx, tx, c, u); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "login.second_factor", t, "passkey "+pk.ID)
	})
	return out, err
}

func (s *Service) secondFactorLimit(ctx context.Context, tx mentorvault.Tx, a actor, t target) error {
	n, err := tx.CountLoginFailures(ctx, secondFactorKey(a.user.ID), tx.Now().Add(-LoginWindow))
	if err != nil {
		return err
	}
	if n >= MaxFailuresPerPair {
		return s.record2(ctx, tx, a, "login.second_factor", mentorvault.OutcomeDenied, t, "rate limited",
			mentorvault.Errorf(mentorvault.ETOOMANY, "too many wrong tries; wait a few minutes and try again"))
	}
	return nil
}

// UseRecoveryCode completes a waiting sign-in with one of the person's
// recovery codes instead of their passkey. The code is used up; the
// person is notified; audited as recovery.use. Returns EUNAUTHENTICATED,
// ETOOMANY or EINVALID.
func (s *Service) UseRecoveryCode(ctx context.Context, token, code string) (*LoginResult, error) {
	if err := mentorvault.ValidateLines("code", code); err != nil {
		return nil, err
	}
	if strings.TrimSpace(code) == "" || len(code) > 64 {
		return nil, mentorvault.Invalid("the recovery code is not valid", map[string]string{"code": "enter one of your recovery codes"})
	}
	var out *LoginResult
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		c, u, err := pending(ctx, tx, token)
		if err != nil {
			return err
		}
		a := actor{p: mentorvault.Principal{UserID: u.ID, Via: "web"}, user: u}
		t := target{orgID: u.OrgID, typ: "user", id: u.ID}
		if err := s.secondFactorLimit(ctx, tx, a, t); err != nil {
			return err
		}
		err = tx.UseRecoveryCode(ctx, u.ID, auth.TokenHash(normalRecoveryCode(code)), tx.Now())
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			if err := tx.RecordLoginFailure(ctx, secondFactorKey(u.ID), tx.Now()); err != nil {
				return err
			}
			return s.record2(ctx, tx, a, "recovery.use", mentorvault.OutcomeFailed, t, "wrong or used code",
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, secondFactorWrongMsg))
		} else if err != nil {
			return err
		}
		codes, err := tx.FindRecoveryCodes(ctx, u.ID)
		if err != nil {
			return err
		}
		left := 0
		for _, rc := range codes {
			if rc.UsedAt == nil {
				left++
			}
		}
		if out, err = s.completePending(ctx, tx, c, u); err != nil {
			return err
		}
		text := fmt.Sprintf("A recovery code was used to sign in to your account; %d are left. If it was not you, change your password and make new recovery codes now.", left)
		if err := s.notify(ctx, tx, u.ID, NotifySecurity, "", "", text, "/settings/security", ""); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "recovery.use", t, fmt.Sprintf("left=%d", left))
	})
	return out, err
}

// BeginSecondFactorEnrolment starts adding a passkey for a waiting sign-in
// whose organisation requires a second factor the person does not have
// yet. Returns EUNAUTHENTICATED, ECONFLICT (they have one) or EINVALID.
func (s *Service) BeginSecondFactorEnrolment(ctx context.Context, token, origin string) (*CeremonyOptions, error) {
	var out *CeremonyOptions
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		c, u, err := pending(ctx, tx, token)
		if err != nil {
			return err
		}
		v, err := pendingView(ctx, tx, u)
		if err != nil {
			return err
		}
		if !v.MustEnrol {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "you already have a second factor: use it to sign in, then add more passkeys in your settings")
		}
		out, err = s.beginRegistration(ctx, tx, u, origin, mentorvault.CeremonyMFAEnrol, boundTo(c))
		return err
	})
	return out, err
}

// FinishSecondFactorEnrolment stores the passkey added for a waiting
// sign-in and starts the session (the password and the new passkey).
// Audited as passkey.add. Returns EUNAUTHENTICATED or EINVALID.
func (s *Service) FinishSecondFactorEnrolment(ctx context.Context, token, origin, ceremony, name string, credential []byte) (*LoginResult, error) {
	name = defaultPasskeyName(name)
	if err := validateCeremonyInput(ceremony, credential); err != nil {
		return nil, err
	}
	if err := mentorvault.ValidatePasskeyName(name); err != nil {
		return nil, err
	}
	var out *LoginResult
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		c, u, err := pending(ctx, tx, token)
		if err != nil {
			return err
		}
		a := actor{p: mentorvault.Principal{UserID: u.ID, Via: "web"}, user: u}
		pk, why, err := s.finishRegistration(ctx, tx, u, origin, mentorvault.CeremonyMFAEnrol, boundTo(c), ceremony, name, credential)
		if err != nil {
			return err
		}
		if pk == nil {
			return s.record2(ctx, tx, a, "passkey.add", mentorvault.OutcomeFailed, passkeyTarget(u, ""), why,
				mentorvault.Invalid("the passkey was not added", map[string]string{"credential": "could not be verified; try adding the passkey again"}))
		}
		if out, err = s.completePending(ctx, tx, c, u); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, "passkey.add", passkeyTarget(u, pk.ID), "at sign-in"); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "login.second_factor", target{orgID: u.OrgID, typ: "user", id: u.ID}, "new passkey "+pk.ID)
	})
	return out, err
}

// BeginPasskeyLogin starts a sign-in with a passkey from origin: the
// browser offers the person's discoverable passkeys for this site. It
// reads nothing of anyone. Returns EINVALID.
func (s *Service) BeginPasskeyLogin(ctx context.Context, origin string) (*CeremonyOptions, error) {
	rp, err := relyingParty(origin)
	if err != nil {
		return nil, err
	}
	assertion, sd, err := rp.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, fmt.Errorf("begin passkey sign-in: %w", err)
	}
	var out *CeremonyOptions
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		tok, err := newCeremony(ctx, tx, mentorvault.CeremonyLogin, "", sd, "", ceremonyTTL)
		if err != nil {
			return err
		}
		out, err = optionsJSON(tok, assertion)
		return err
	})
	return out, err
}

// FinishPasskeyLogin checks a passkey's answer to BeginPasskeyLogin and
// starts a session for its owner: a passkey that verified the person
// (user verification) is a full sign-in, a second factor included. A sign
// count that did not go up is refused. Every outcome is audited as
// login.passkey. Returns EUNAUTHENTICATED or EINVALID.
func (s *Service) FinishPasskeyLogin(ctx context.Context, origin, ceremony string, credential []byte) (*LoginResult, error) {
	if err := validateCeremonyInput(ceremony, credential); err != nil {
		return nil, err
	}
	rp, err := relyingParty(origin)
	if err != nil {
		return nil, err
	}
	parsed, perr := protocol.ParseCredentialRequestResponseBytes(credential)
	var out *LoginResult
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		a := actor{p: mentorvault.Principal{Via: "web"}}
		t := target{typ: "user"}
		fail := func(why string) error {
			return s.record2(ctx, tx, a, "login.passkey", mentorvault.OutcomeFailed, t, why,
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, passkeyRefusedMsg))
		}
		_, sd, ok, err := takeCeremony(ctx, tx, ceremony, mentorvault.CeremonyLogin, "")
		if err != nil {
			return err
		}
		if !ok {
			return s.record2(ctx, tx, a, "login.passkey", mentorvault.OutcomeFailed, t, "challenge unknown, used or expired",
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, ceremonyExpiredMsg))
		}
		if perr != nil {
			return fail("answer not readable")
		}
		k, err := tx.FindPasskeyByCredentialID(ctx, parsed.RawID)
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return fail("unknown credential")
		} else if err != nil {
			return err
		}
		u, err := tx.FindUserByID(ctx, k.UserID)
		if err != nil {
			return err
		}
		a.p.UserID, a.user = u.ID, u
		t = target{orgID: u.OrgID, typ: "user", id: u.ID}
		if string(parsed.Response.UserHandle) != u.ID {
			return fail("user handle does not match")
		}
		pk, why, err := s.verifyAssertion(ctx, tx, rp, u, sd, parsed)
		if err != nil {
			return err
		}
		if why != "" {
			if pk != nil {
				why += ": passkey " + pk.ID
			}
			return fail(why)
		}
		if u.DisabledAt != nil {
			return s.record2(ctx, tx, a, "login.passkey", mentorvault.OutcomeDenied, t, "deactivated",
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, deactivatedLoginMsg))
		}
		sess, token, err := s.newSession(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		out = &LoginResult{Session: sess, Token: token, User: accountOf(u)}
		return s.record(ctx, tx, a, "login.passkey", t, "passkey "+pk.ID)
	})
	return out, err
}

// BeginStepUp starts a passkey step-up for a sensitive action of the
// caller's (signing an agreement, removing a passkey): its answer goes
// with the action as StepUp. Returns EUNAUTHENTICATED, EFORBIDDEN,
// ECONFLICT (no passkey) or EINVALID.
func (s *Service) BeginStepUp(ctx context.Context, p mentorvault.Principal, origin string) (*CeremonyOptions, error) {
	if p.Anonymous() {
		return nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	rp, err := relyingParty(origin)
	if err != nil {
		return nil, err
	}
	var out *CeremonyOptions
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		keys, err := tx.FindPasskeys(ctx, a.user.ID)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "you have no passkey: add one on your security settings, or use your password")
		}
		assertion, sd, err := rp.BeginLogin(waUser{u: a.user, keys: keys}, webauthn.WithUserVerification(protocol.VerificationRequired))
		if err != nil {
			return fmt.Errorf("begin step-up: %w", err)
		}
		tok, err := newCeremony(ctx, tx, mentorvault.CeremonyStepUp, a.user.ID, sd, "", ceremonyTTL)
		if err != nil {
			return err
		}
		out, err = optionsJSON(tok, assertion)
		return err
	})
	return out, err
}

// stepUpState is a step-up prepared outside the action's transaction: the
// failures counted so far and, for a password, whether it matched (the
// hash is slow, so it is not computed inside a transaction).
type stepUpState struct {
	su         StepUp
	failures   int
	passwordOK bool
}

// prepareStepUp validates su and, for a password, checks it. It returns p
// with its token settled (the caller's ID is needed before the action's
// transaction).
func (s *Service) prepareStepUp(ctx context.Context, p mentorvault.Principal, su StepUp) (*stepUpState, mentorvault.Principal, error) {
	if err := su.validate(); err != nil {
		return nil, p, err
	}
	if su.Passkey() {
		if err := validateCeremonyInput(su.Ceremony, su.Credential); err != nil {
			return nil, p, err
		}
	}
	p, err := s.settled(ctx, p)
	if err != nil {
		return nil, p, err
	}
	st := &stepUpState{su: su}
	tx, err := s.store.BeginTx(ctx)
	if err != nil {
		return nil, p, err
	}
	user, err := tx.FindUserByID(ctx, p.UserID)
	if err == nil {
		st.failures, err = tx.CountLoginFailures(ctx, stepUpKey(p.UserID), tx.Now().Add(-LoginWindow))
	}
	_ = tx.Rollback()
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil, p, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	} else if err != nil {
		return nil, p, err
	}
	if !su.Passkey() {
		ok, verr := s.verifyPassword(ctx, user.PasswordHash, su.Password)
		if verr != nil && ctx.Err() != nil {
			return nil, p, verr
		}
		st.passwordOK = ok && verr == nil && user.PasswordHash != "" && len(su.Password) <= maxPasswordBytes
	}
	return st, p, nil
}

// checkStepUp decides, in the action's transaction, whether the step-up
// passes: too many recent failures refuse it (ETOOMANY); a wrong password
// or a passkey answer that does not verify is counted and refused
// (EUNAUTHENTICATED). Either refusal is audited as action, on t, and
// committed. A passkey's challenge is used up either way.
func (s *Service) checkStepUp(ctx context.Context, tx mentorvault.Tx, a actor, st *stepUpState, action string, t target) error {
	if st.failures >= MaxFailuresPerPair {
		return s.record2(ctx, tx, a, action, mentorvault.OutcomeDenied, t, "step-up rate limited",
			mentorvault.Errorf(mentorvault.ETOOMANY, "too many wrong tries; wait a few minutes and try again"))
	}
	why, msg := "", ""
	if st.su.Passkey() {
		why, msg = "passkey refused", "your passkey was not accepted; try again, or use your password"
		rp, err := relyingParty(st.su.Origin)
		if err != nil {
			return err
		}
		_, sd, ok, err := takeCeremony(ctx, tx, st.su.Ceremony, mentorvault.CeremonyStepUp, a.user.ID)
		if err != nil {
			return err
		}
		if ok {
			parsed, perr := protocol.ParseCredentialRequestResponseBytes(st.su.Credential)
			if perr == nil {
				var pwhy string
				if _, pwhy, err = s.verifyAssertion(ctx, tx, rp, a.user, sd, parsed); err != nil {
					return err
				}
				if pwhy == "" {
					why = ""
				} else {
					why = "passkey refused: " + pwhy
				}
			}
		} else {
			why = "passkey refused: challenge unknown, used or expired"
		}
	} else if !st.passwordOK {
		why, msg = "wrong password", "the password is not correct; re-enter your password"
	}
	if why == "" {
		return nil
	}
	if err := tx.RecordLoginFailure(ctx, stepUpKey(a.user.ID), tx.Now()); err != nil {
		return err
	}
	return s.record2(ctx, tx, a, action, mentorvault.OutcomeFailed, t, why, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "%s", msg))
}

// MFAPolicyView is an organisation's second-factor policy as its admins see it.
type MFAPolicyView struct {
	Everyone  bool
	Roles     []string
	UpdatedAt time.Time
}

// MFAPolicy returns the caller's organisation's second-factor policy.
// Returns EUNAUTHENTICATED or EFORBIDDEN (org.mfa).
func (s *Service) MFAPolicy(ctx context.Context, p mentorvault.Principal) (*MFAPolicyView, error) {
	var out *MFAPolicyView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManageMFA)
		if err != nil {
			return err
		}
		pol, err := tx.FindMFAPolicy(ctx, a.user.OrgID)
		if err != nil {
			return err
		}
		out = &MFAPolicyView{Everyone: pol.Everyone, Roles: pol.Roles, UpdatedAt: pol.UpdatedAt}
		return nil
	})
	return out, err
}

// SetMFAPolicy sets who in the caller's organisation must use a second
// factor after their password: everyone, or the people holding one of
// roles (MFARoles). Audited as mfa.policy. Returns EUNAUTHENTICATED,
// EFORBIDDEN (org.mfa) or EINVALID.
func (s *Service) SetMFAPolicy(ctx context.Context, p mentorvault.Principal, everyone bool, roles []string) (*MFAPolicyView, error) {
	for _, r := range roles {
		if err := mentorvault.ValidateLines("roles", r); err != nil {
			return nil, err
		}
	}
	pol := &mentorvault.MFAPolicy{Everyone: everyone, Roles: slices.Clone(roles)}
	if err := pol.Validate(); err != nil {
		return nil, err
	}
	var out *MFAPolicyView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManageMFA)
		if err != nil {
			return err
		}
		pol.OrgID, pol.UpdatedAt, pol.UpdatedBy = a.user.OrgID, tx.Now(), a.user.ID
		if err := tx.PutMFAPolicy(ctx, pol); err != nil {
			return err
		}
		out = &MFAPolicyView{Everyone: pol.Everyone, Roles: pol.Roles, UpdatedAt: pol.UpdatedAt}
		return s.record(ctx, tx, a, "mfa.policy", orgTarget(a.user.OrgID), fmt.Sprintf("everyone=%t; roles=%s", pol.Everyone, strings.Join(pol.Roles, ",")))
	})
	return out, err
}
