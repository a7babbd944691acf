package service

import (
	"context"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Login rate limits: failed attempts within LoginWindow. The per-account
// limit counts failures from one address only, so an attacker elsewhere
// cannot lock the account's owner out; the per-address limit stops one
// address from trying many accounts.
const (
	LoginWindow         = 15 * time.Minute
	MaxFailuresPerPair  = 5
	MaxFailuresPerAddr  = 30
	sessionTouchEvery   = time.Minute
	badCredentialsMsg   = "the email or password is not correct"
	maxPasswordBytes    = 1024
	sessionTokenPrefix  = "mvs_"
	apiTokenPrefix      = "mvt_"
	csrfTokenPrefix     = "mvc_"
	rateLimitedLoginMsg = "too many failed sign-in attempts from here; wait a few minutes and try again"
	deactivatedLoginMsg = "this account has been deactivated, so it cannot sign in; ask your organisation's admin if you think this is a mistake"
)

// LoginResult is a new session; Token goes into the session cookie and is
// not stored. When the password was right but a second factor is still
// needed, there is no session yet: Pending is the token of the waiting
// sign-in (see PendingSignIn), for a short-lived cookie.
type LoginResult struct {
	Session *mentorvault.Session
	Token   string
	User    *Account
	Pending string
	Next    string // where a completed second-factor sign-in goes ("" for the caller's own choice)
}

// Account is a user as the service shows them to themselves: never their
// password hash (no view carries a mentorvault.User).
type Account struct {
	ID, Name, Email string
	OrgID           string
	ManagerID       string // "" if none
	OrgAdmin        bool
	Requester       bool // may ask the pair for input (HR, promotion panels)
}

func accountOf(u *mentorvault.User) *Account {
	return &Account{ID: u.ID, Name: u.Name, Email: u.Email, OrgID: u.OrgID, ManagerID: u.ManagerID, OrgAdmin: u.OrgAdmin, Requester: u.Requester}
}

// Login checks an email and password and starts a session. Unknown emails and
// wrong passwords get the same answer after the same work. Returns
// EUNAUTHENTICATED, ETOOMANY or EINVALID.
func (s *Service) Login(ctx context.Context, email, password, addr string) (*LoginResult, error) {
	if err := mentorvault.ValidateLines("email", email, "password", password); err != nil {
		return nil, err
	}
	email = mentorvault.NormalizeEmail(email)
	if email == "" || password == "" || len(password) > maxPasswordBytes || len(email) > 320 {
		return nil, mentorvault.Errorf(mentorvault.EINVALID, "enter your email and password")
	}
	pairKey, addrKey := "acct:"+email+"|addr:"+addr, "addr:"+addr
	var (
		user       *mentorvault.User
		limited    bool
		reservedAt time.Time
	)
	// Reserve: the attempt is counted, in a write transaction holding the
	// keys' locks, before the password is checked, so that however many
	// attempts arrive at once no more than the limits reach the check. The
	// slow hash itself runs outside any transaction.
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		// People of an sso_only provider's domains sign in there only.
		if sso, err := ssoOnlyProvider(ctx, tx, email); err != nil || sso != nil {
			if err != nil {
				return err
			}
			return s.record2(ctx, tx, actor{p: mentorvault.Principal{Via: "web"}}, "login", mentorvault.OutcomeDenied,
				orgTarget(sso.OrgID), "sso only: provider "+sso.ID,
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "your organisation signs you in with %s: use the \"Sign in with %s\" button", sso.Name, sso.Name))
		}
		reservedAt = tx.Now()
		since := reservedAt.Add(-LoginWindow)
		okPair, err := tx.ReserveLoginAttempt(ctx, pairKey, since, reservedAt, MaxFailuresPerPair)
		if err != nil {
			return err
		}
		okAddr, err := tx.ReserveLoginAttempt(ctx, addrKey, since, reservedAt, MaxFailuresPerAddr)
		if err != nil {
			return err
		}
		limited = !okPair || !okAddr
		if limited && okPair {
			if err := tx.ReleaseLoginAttempt(ctx, pairKey, reservedAt); err != nil {
				return err
			}
		}
		if limited && okAddr {
			if err := tx.ReleaseLoginAttempt(ctx, addrKey, reservedAt); err != nil {
				return err
			}
		}
		user, err = tx.FindUserByEmail(ctx, email)
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			user, err = nil, nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}

	ok, deactivated := false, false
	if !limited {
		hash := s.dummyHash
		if user != nil && user.PasswordHash != "" {
			hash = user.PasswordHash
		}
		match, verr := s.verifyPassword(ctx, hash, password)
		if verr != nil && ctx.Err() != nil {
			return nil, verr
		}
		match = match && verr == nil && user != nil && user.PasswordHash != ""
		// Only someone who knows the password learns that the account was
		// deactivated; everyone else gets the same answer as before.
		ok, deactivated = match && user.DisabledAt == nil, match && user.DisabledAt != nil
	}

	var out *LoginResult
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		a := actor{p: mentorvault.Principal{Via: "web"}}
		t := target{typ: "user"}
		if user != nil {
			a.p.UserID, a.user = user.ID, user
			t = target{orgID: user.OrgID, typ: "user", id: user.ID}
		}
		if limited {
			return s.record2(ctx, tx, a, "login", mentorvault.OutcomeDenied, t, "rate limited",
				mentorvault.Errorf(mentorvault.ETOOMANY, rateLimitedLoginMsg))
		}
		if deactivated {
			return s.record2(ctx, tx, a, "login", mentorvault.OutcomeDenied, t, "deactivated",
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, deactivatedLoginMsg))
		}
		if !ok {
			// The reserved attempts stay recorded as failures.
			return s.record2(ctx, tx, a, "login", mentorvault.OutcomeFailed, t, "",
				mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, badCredentialsMsg))
		}
		if err := tx.ClearLoginFailures(ctx, pairKey); err != nil {
			return err
		}
		if err := tx.ReleaseLoginAttempt(ctx, addrKey, reservedAt); err != nil {
			return err
		}
		if err := tx.DeleteLoginFailuresBefore(ctx, reservedAt.Add(-LoginWindow)); err != nil {
			return err
		}
		// The password is right; a second factor, when the person asked
		// for one or their organisation requires it, comes before any session.
		need, err := s.needsSecondFactor(ctx, tx, user)
		if err != nil {
			return err
		}
		if need {
			tok, err := startPending(ctx, tx, user, "")
			if err != nil {
				return err
			}
			out = &LoginResult{Pending: tok, User: accountOf(user)}
			return s.record(ctx, tx, a, "login", t, "password; second factor pending")
		}
		sess, token, err := s.newSession(ctx, tx, user.ID)
		if err != nil {
			return err
		}
		out = &LoginResult{Session: sess, Token: token, User: accountOf(user)}
		return s.record(ctx, tx, a, "login", t, "")
	})
	return out, err
}

// record2 appends an event and returns err wrapped as a denial so the
// transaction still commits.
func (s *Service) record2(ctx context.Context, tx mentorvault.Tx, a actor, action, outcome string, t target, detail string, err *mentorvault.Error) error {
	if aerr := s.appendEvent(ctx, tx, a, action, outcome, t, detail); aerr != nil {
		return aerr
	}
	return denied{err}
}

func (s *Service) newSession(ctx context.Context, tx mentorvault.Tx, userID string) (*mentorvault.Session, string, error) {
	token := auth.NewSecretToken(sessionTokenPrefix)
	now := tx.Now()
	sess := &mentorvault.Session{ID: mentorvault.NewID(), TokenHash: auth.TokenHash(token), UserID: userID,
		CSRFToken: auth.NewSecretToken(csrfTokenPrefix), CreatedAt: now, ExpiresAt: now.Add(s.opts.SessionTTL), LastSeenAt: now}
	return sess, token, tx.CreateSession(ctx, sess)
}

// AuthenticateSession returns the principal and session of a session cookie
// value. Expired or idle sessions are removed. Returns EUNAUTHENTICATED.
func (s *Service) AuthenticateSession(ctx context.Context, token string) (mentorvault.Principal, *mentorvault.Session, error) {
	p, sess, _, err := s.authenticateSession(ctx, token, false)
	return p, sess, err
}

// Header is what every web page's header shows of the signed-in caller:
// their name, whether they supervise (the consultations link) and how many
// notifications they have not read. It carries no content.
type Header struct {
	Name       string
	Supervises bool
	Unread     int
	People     bool // Cedar lets them list their organisation's people (an org admin)
	Programmes bool // they run a programme, or Cedar lets them manage the organisation's
	// Zone is where the viewer wants times shown (their time zone; UTC
	// when they chose none).
	Zone *time.Location
}

// AuthenticatePage is AuthenticateSession for a web page: in the same
// transaction it reads the page header's facts (one COUNT for the unread
// notifications), so that a page costs no transactions of its own for its
// header. The header is nil when Cedar does not let the caller manage
// their account (it is a courtesy; the sign-in stands). Returns
// EUNAUTHENTICATED as AuthenticateSession does.
func (s *Service) AuthenticatePage(ctx context.Context, token string) (mentorvault.Principal, *mentorvault.Session, *Header, error) {
	return s.authenticateSession(ctx, token, true)
}

func (s *Service) authenticateSession(ctx context.Context, token string, header bool) (mentorvault.Principal, *mentorvault.Session, *Header, error) {
	unauth := mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "your session has ended; sign in again")
	if !strings.HasPrefix(token, sessionTokenPrefix) || len(token) > 128 {
		return mentorvault.Principal{}, nil, nil, unauth
	}
	var (
		p    mentorvault.Principal
		sess *mentorvault.Session
		hd   *Header
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		var err error
		hd = nil
		sess, err = tx.FindSessionByHash(ctx, auth.TokenHash(token))
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return unauth
		} else if err != nil {
			return err
		}
		now := tx.Now()
		if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > s.opts.SessionIdle {
			if err := tx.DeleteSession(ctx, sess.ID); err != nil {
				return err
			}
			return denied{unauth}
		}
		// A store failure is internal, not a sign-out: only a missing or
		// disabled account ends the session.
		u, err := tx.FindUserByID(ctx, sess.UserID)
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return unauth
		} else if err != nil {
			return err
		}
		if u.DisabledAt != nil {
			return unauth
		}
		if now.Sub(sess.LastSeenAt) > sessionTouchEvery {
			if err := tx.TouchSession(ctx, sess.ID, now); err != nil {
				return err
			}
		}
		p = mentorvault.Principal{UserID: u.ID, OrgID: u.OrgID, Via: "session"}
		if !header {
			return nil
		}
		a, err := s.resolve(ctx, tx, p, policy.ManageAccount)
		if err != nil {
			return err
		}
		if !s.may(ctx, a, policy.ManageAccount, accountResource(a.user)) {
			return nil
		}
		n, err := tx.CountUnreadNotifications(ctx, u.ID)
		if err != nil {
			return err
		}
		set, err := tx.FindMailSettings(ctx, u.ID)
		if err != nil {
			return err
		}
		hd = &Header{Zone: zoneOf(set.TimeZone), Name: u.Name, Supervises: len(a.subj.Supervises) > 0, Unread: n,
			People:     s.may(ctx, a, policy.ListPeople, policy.Org{ID: u.OrgID}),
			Programmes: len(a.subj.Coordinates) > 0 || len(a.subj.Supervises) > 0 || s.may(ctx, a, policy.ManageProgrammes, policy.Org{ID: u.OrgID})}
		return nil
	})
	return p, sess, hd, err
}

// Logout ends the session of token. Returns EUNAUTHENTICATED if there is none.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		sess, err := tx.FindSessionByHash(ctx, auth.TokenHash(token))
		if err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, sess.ID); err != nil {
			return err
		}
		u, err := tx.FindUserByID(ctx, sess.UserID)
		if err != nil {
			return err
		}
		a := actor{p: mentorvault.Principal{UserID: u.ID, Via: "session"}, user: u}
		return s.record(ctx, tx, a, "logout", target{orgID: u.OrgID, typ: "user", id: u.ID}, "")
	})
}

// ClaimToken is the claim of a bearer token presented with a request, for
// its principal's Token: the request's first transaction checks it and
// audits its use (see resolve). A token that cannot be one of ours is
// refused at once, without a transaction. Returns EUNAUTHENTICATED.
func ClaimToken(token string) (*mentorvault.TokenClaim, error) {
	if !strings.HasPrefix(token, apiTokenPrefix) || len(token) > 128 {
		return nil, errBadToken()
	}
	return &mentorvault.TokenClaim{Hash: auth.TokenHash(token)}, nil
}

func errBadToken() *mentorvault.Error {
	return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "the API token is not valid")
}

// AuthenticateToken returns the principal of an API bearer token and audits
// its use, in a transaction of its own. Returns EUNAUTHENTICATED.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (mentorvault.Principal, error) {
	c, err := ClaimToken(token)
	if err != nil {
		return mentorvault.Principal{}, err
	}
	if err := s.SettleToken(ctx, c); err != nil {
		return mentorvault.Principal{}, err
	}
	return c.Principal, nil
}

// SettleToken makes sure the claim's token has been checked and its use
// audited by a committed transaction — for a request whose calls did not
// (it failed before reaching the store, or its transaction was undone) —
// and returns the outcome: nil for a good token. Returns EUNAUTHENTICATED.
func (s *Service) SettleToken(ctx context.Context, c *mentorvault.TokenClaim) error {
	if c == nil {
		return nil
	}
	if !c.Audited {
		if mentorvault.PrincipalFrom(ctx).Token != c {
			ctx = mentorvault.WithPrincipal(ctx, mentorvault.Principal{Via: "token", Token: c})
		}
		err := s.inTx(ctx, func(tx mentorvault.Tx) error {
			_, err := s.checkToken(ctx, tx, mentorvault.Principal{Token: c})
			return err
		})
		c.Settle(err == nil || keepDenied(err))
		if !c.Audited {
			return err
		}
	}
	return c.Err
}

// settled is p with its token checked, for a call that needs the caller's
// ID before its transaction (a step-up's password check).
func (s *Service) settled(ctx context.Context, p mentorvault.Principal) (mentorvault.Principal, error) {
	if p.UserID != "" || p.Token == nil {
		return p, nil
	}
	if err := s.SettleToken(ctx, p.Token); err != nil {
		return p, err
	}
	return tokenPrincipal(p, p.Token.Principal), nil
}

// tokenPrincipal is the request's principal p as the user its token stands
// for (vp).
func tokenPrincipal(p, vp mentorvault.Principal) mentorvault.Principal {
	return mentorvault.Principal{UserID: vp.UserID, OrgID: vp.OrgID, Via: "token", RequestID: p.RequestID, Token: p.Token}
}

// checkToken checks p's token in tx and, the first time in a request,
// audits its use there (token.use, or token.use denied for a revoked token
// or a deactivated owner); inTx writes the token's last use once the call
// is done and settles the claim when tx ends. p's token must be the claim
// of ctx's principal.
// Returns the principal the token stands for, or EUNAUTHENTICATED.
func (s *Service) checkToken(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal) (mentorvault.Principal, error) {
	c := p.Token
	if c.Audited {
		if c.Err != nil {
			return p, c.Err
		}
		return tokenPrincipal(p, c.Principal), nil
	}
	t, err := tx.FindAPITokenByHash(ctx, c.Hash)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		// Nobody to attribute it to: nothing to audit, and no less true
		// whatever becomes of the transaction.
		c.Audited, c.Err = true, errBadToken()
		return p, c.Err
	} else if err != nil {
		return p, err
	}
	u, err := tx.FindUserByID(ctx, t.UserID)
	if err != nil {
		return p, err
	}
	a := actor{p: mentorvault.Principal{UserID: u.ID, Via: "token", RequestID: p.RequestID}, user: u}
	tg := target{orgID: u.OrgID, typ: "token", id: t.ID}
	if t.RevokedAt != nil || u.DisabledAt != nil {
		c.MarkPending(mentorvault.Principal{}, t.ID, errBadToken())
		return p, s.record2(ctx, tx, a, "token.use", mentorvault.OutcomeDenied, tg, "revoked", errBadToken())
	}
	vp := mentorvault.Principal{UserID: u.ID, OrgID: u.OrgID, Via: "token"}
	if err := s.record(ctx, tx, a, "token.use", tg, ""); err != nil {
		return p, err
	}
	// The token's last use is written when the call's work is done (inTx),
	// after the call's own decision.
	c.MarkPending(vp, t.ID, nil)
	return tokenPrincipal(p, vp), nil
}

// CreateAPIToken issues a bearer token for the caller. The token is returned
// once and stored only as a hash. Returns EUNAUTHENTICATED, EFORBIDDEN or
// EINVALID.
func (s *Service) CreateAPIToken(ctx context.Context, p mentorvault.Principal, name string) (string, *mentorvault.APIToken, error) {
	if p.Anonymous() {
		return "", nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", nil, mentorvault.Invalid("the token is not valid", map[string]string{"name": "is required (at most 100 characters)"})
	}
	if err := mentorvault.ValidateLine("name", name, 100); err != nil {
		return "", nil, err
	}
	var (
		raw string
		out *mentorvault.APIToken
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		raw, out, err = s.createToken(ctx, tx, a, a.user, name)
		return err
	})
	return raw, out, err
}

func (s *Service) createToken(ctx context.Context, tx mentorvault.Tx, a actor, u *mentorvault.User, name string) (string, *mentorvault.APIToken, error) {
	raw := auth.NewSecretToken(apiTokenPrefix)
	t := &mentorvault.APIToken{ID: mentorvault.NewID(), UserID: u.ID, Name: name, Hash: auth.TokenHash(raw), CreatedAt: tx.Now()}
	if err := tx.CreateAPIToken(ctx, t); err != nil {
		return "", nil, err
	}
	return raw, t, s.record(ctx, tx, a, "token.create", target{orgID: u.OrgID, typ: "token", id: t.ID}, "")
}

// APITokens lists the caller's tokens (never their secrets). Returns
// EUNAUTHENTICATED or EFORBIDDEN.
func (s *Service) APITokens(ctx context.Context, p mentorvault.Principal) ([]*mentorvault.APIToken, error) {
	if p.Anonymous() {
		return nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	var out []*mentorvault.APIToken
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		out, err = tx.FindAPITokens(ctx, a.user.ID)
		return err
	})
	return out, err
}

// RevokeAPIToken revokes one of the caller's tokens. Returns
// EUNAUTHENTICATED, EFORBIDDEN or ENOTFOUND.
func (s *Service) RevokeAPIToken(ctx context.Context, p mentorvault.Principal, id string) error {
	if p.Anonymous() {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		toks, err := tx.FindAPITokens(ctx, a.user.ID)
		if err != nil {
			return err
		}
		for _, t := range toks {
			if t.ID == id {
				if t.RevokedAt == nil {
					if err := tx.RevokeAPIToken(ctx, id, tx.Now()); err != nil {
						return err
					}
				}
				return s.record(ctx, tx, a, "token.revoke", target{orgID: a.user.OrgID, typ: "token", id: id}, "")
			}
		}
		return mentorvault.Errorf(mentorvault.ENOTFOUND, "token not found")
	})
}

// Me is the caller's own account and roles.
type Me struct {
	User        *Account
	OrgName     string
	Manager     *Person
	Programmes  []*mentorvault.Programme
	Roles       []mentorvault.ProgrammeRole
	ProgNames   map[string]string
	Coordinates bool
	Supervises  bool
	// ManagesPeople: Cedar lets the caller list their organisation's people
	// (people.list), so the header offers the people page.
	ManagesPeople bool
	// RunsProgrammes: the caller coordinates or supervises a programme, or
	// Cedar lets them manage the organisation's (programme.manage), so the
	// header offers the programmes page.
	RunsProgrammes bool
	// TimeZone is the IANA name of the zone pages and messages show times
	// in ("" is UTC).
	TimeZone string
	// PendingEmail is a new address waiting for its confirmation, or nil.
	PendingEmail *PendingEmail
}

// Me returns the caller's account. Returns EUNAUTHENTICATED or EFORBIDDEN.
func (s *Service) Me(ctx context.Context, p mentorvault.Principal) (*Me, error) {
	// Someone not signed in is answered at once and not audited (every
	// signed-out page asks who is there); a signed-in caller goes through
	// Cedar's account.manage.
	if p.Anonymous() {
		return nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	var out *Me
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		u := a.user
		org, err := tx.FindOrgByID(ctx, u.OrgID)
		if err != nil {
			return err
		}
		roles, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{UserID: u.ID})
		if err != nil {
			return err
		}
		progs, err := tx.FindProgrammes(ctx, u.OrgID)
		if err != nil {
			return err
		}
		out = &Me{User: accountOf(u), OrgName: org.Name, Programmes: progs, Roles: roles, ProgNames: map[string]string{}}
		for _, p := range progs {
			out.ProgNames[p.ID] = p.Name
		}
		for _, r := range roles {
			out.Coordinates = out.Coordinates || r.Role == mentorvault.RoleCoordinator
			out.Supervises = out.Supervises || r.Role == mentorvault.RoleSupervisor
		}
		out.ManagesPeople = s.may(ctx, a, policy.ListPeople, policy.Org{ID: u.OrgID})
		out.RunsProgrammes = len(roles) > 0 || s.may(ctx, a, policy.ManageProgrammes, policy.Org{ID: u.OrgID})
		if u.ManagerID != "" {
			if m, err := tx.FindUserByID(ctx, u.ManagerID); err == nil {
				out.Manager = &Person{ID: m.ID, Name: m.Name, Email: m.Email}
			}
		}
		set, err := tx.FindMailSettings(ctx, u.ID)
		if err != nil {
			return err
		}
		out.TimeZone = set.TimeZone
		out.PendingEmail, err = pendingEmail(ctx, tx, u)
		return err
	})
	return out, err
}
