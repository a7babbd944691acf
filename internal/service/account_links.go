package service

import (
	"context"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/mail"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Account links: a password reset and the confirmation of a new email
// address are single-use links mentorvault emails to the person alone. The
// token is random (auth.NewSecretToken: 256 bits), stored only as its
// SHA-256, and expires (an hour for a reset, a day for an address); the
// link travels sealed in the outbox and is erased once sent. Nobody — an
// admin who asked for it included — ever sees a link or a password.

// Token prefixes of account links.
const (
	resetTokenPrefix = "mvr_"
	emailTokenPrefix = "mve_"
)

// Reset request limits within LoginWindow: per address asked about (so
// nobody floods a person's inbox) and per client address (so nobody tries
// many addresses). Every request counts, answered or not.
const (
	MaxResetsPerAccount = 5
	MaxResetsPerAddr    = 30
)

// ResetRequestedMsg is the one answer to a reset request, whether or not
// the address has an account that can be reset.
const ResetRequestedMsg = "If that address has an account, we have sent a link to it. The link works once, for an hour."

const noMailResetMsg = "this server sends no email, so a password cannot be reset by email: ask your organisation's admin"

// RequestPasswordReset asks for the account of email to be sent a
// single-use link to set a new password (expiring after PasswordResetTTL,
// replacing any earlier one). Whether the address has an account, is
// deactivated or signs in with single sign-on only (none of which gets a
// link) the caller is not told, and the request does the same work for
// every address — it counts against the limits and queues a job
// (JobPasswordReset, run within seconds by the job worker, see
// runPasswordReset) — so neither the answer nor its time tells. addr is
// the client's address for the rate limit. Returns EINVALID (no email),
// ETOOMANY or ECONFLICT (the server sends no email at all, which says
// nothing about any account).
func (s *Service) RequestPasswordReset(ctx context.Context, email, addr string) error {
	if err := mentorvault.ValidateLines("email", email); err != nil {
		return err
	}
	email = mentorvault.NormalizeEmail(email)
	if email == "" || len(email) > 320 {
		return mentorvault.Invalid("enter the email address you sign in with", map[string]string{"email": "is required (at most 320 characters)"})
	}
	if s.opts.Mail == nil {
		return mentorvault.Errorf(mentorvault.ECONFLICT, noMailResetMsg)
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		now := tx.Now()
		since := now.Add(-LoginWindow)
		okAcct, err := tx.ReserveLoginAttempt(ctx, "reset:acct:"+email, since, now, MaxResetsPerAccount)
		if err != nil {
			return err
		}
		okAddr, err := tx.ReserveLoginAttempt(ctx, "reset:addr:"+addr, since, now, MaxResetsPerAddr)
		if err != nil {
			return err
		}
		a := actor{p: mentorvault.Principal{Via: "web"}}
		if !okAcct || !okAddr {
			return s.record2(ctx, tx, a, "password.reset.request", mentorvault.OutcomeDenied, target{typ: "user"}, "rate limited",
				mentorvault.Errorf(mentorvault.ETOOMANY, "too many password reset requests; wait a few minutes and try again"))
		}
		if err := tx.CreateJob(ctx, &mentorvault.Job{ID: mentorvault.NewID(), Kind: mentorvault.JobPasswordReset, RefID: email, RunAt: now, CreatedAt: now}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "password.reset.request", target{typ: "user"}, "queued")
	})
}

// runPasswordReset is a reset request's job: it emails the account of the
// address asked about a link when that account may reset, and audits what
// it did (password.reset.send: ok, failed for no account, denied for a
// deactivated or single sign-on only account).
func (s *Service) runPasswordReset(ctx context.Context, tx mentorvault.Tx, j *mentorvault.Job) error {
	email := j.RefID
	u, err := tx.FindUserByEmail(ctx, email)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		u, err = nil, nil
	}
	if err != nil {
		return err
	}
	a, t := actor{p: mentorvault.Principal{Via: "job"}}, target{typ: "user"}
	if u != nil {
		a.p.UserID, a.p.OrgID, a.user = u.ID, u.OrgID, u
		t = target{orgID: u.OrgID, typ: "user", id: u.ID}
	}
	sso, err := ssoOnlyProvider(ctx, tx, email)
	if err != nil {
		return err
	}
	switch {
	case u == nil:
		return s.appendEvent(ctx, tx, a, "password.reset.send", mentorvault.OutcomeFailed, t, "no link sent: no account")
	case u.DisabledAt != nil:
		return s.appendEvent(ctx, tx, a, "password.reset.send", mentorvault.OutcomeDenied, t, "no link sent: deactivated")
	case sso != nil:
		return s.appendEvent(ctx, tx, a, "password.reset.send", mentorvault.OutcomeDenied, t, "no link sent: sso only: provider "+sso.ID)
	case s.opts.Mail == nil:
		return s.appendEvent(ctx, tx, a, "password.reset.send", mentorvault.OutcomeFailed, t, "no link sent: email is off")
	}
	if err := s.sendResetLink(ctx, tx, actor{}, u); err != nil {
		return err
	}
	return s.record(ctx, tx, a, "password.reset.send", t, "link emailed")
}

// sendResetLink makes u a new reset link (earlier ones stop working) and
// queues it to u's address; by is the admin who sent it (zero when u asked).
func (s *Service) sendResetLink(ctx context.Context, tx mentorvault.Tx, by actor, u *mentorvault.User) error {
	token, err := s.newAccountLink(ctx, tx, by, u, mentorvault.LinkPasswordReset, "", resetTokenPrefix, mentorvault.PasswordResetTTL)
	if err != nil {
		return err
	}
	m, err := s.linkMessage(tx, by, u, u.Email, "password.reset", "/login/reset/"+token)
	if err != nil {
		return err
	}
	return tx.CreateOutboxMessage(ctx, m)
}

// newAccountLink revokes u's open links of kind and stores a new one,
// returning its token (which only the email will carry).
func (s *Service) newAccountLink(ctx context.Context, tx mentorvault.Tx, by actor, u *mentorvault.User, kind, newEmail, prefix string, ttl time.Duration) (string, error) {
	now := tx.Now()
	if err := tx.RevokeAccountLinks(ctx, u.ID, kind, now); err != nil {
		return "", err
	}
	token := auth.NewSecretToken(prefix)
	l := &mentorvault.AccountLink{ID: mentorvault.NewID(), UserID: u.ID, Kind: kind, TokenHash: auth.TokenHash(token),
		NewEmail: newEmail, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if by.user != nil && by.user.ID != u.ID {
		l.CreatedByID = by.user.ID
	}
	return token, tx.CreateAccountLink(ctx, l)
}

// linkMessage is the message of kind to address for u carrying the link
// at path, sealed as an invitation's is (queueInvitation). by names the
// admin who sent it, if one did.
func (s *Service) linkMessage(tx mentorvault.Tx, by actor, u *mentorvault.User, address, kind, path string) (*mentorvault.OutboxMessage, error) {
	d := &mail.Data{Kind: kind, Recipient: u.Name, Link: mail.SecretLinkMark}
	if d.Recipient == "" {
		d.Recipient = "there"
	}
	if by.user != nil && by.user.ID != u.ID {
		d.Actor = by.user.Name
	}
	m := &mentorvault.OutboxMessage{ID: mentorvault.NewID(), UserID: u.ID, Address: address, Kind: kind, State: mentorvault.OutboxPending,
		RunAt: tx.Now(), CreatedAt: tx.Now()}
	var err error
	if m.Subject, m.Text, m.HTML, err = mail.Render(d); err != nil {
		return nil, err
	}
	if m.SecretKey, err = s.keys.NewDataKey(outboxKeyID(m.ID)); err != nil {
		return nil, err
	}
	if m.Secret, err = s.keys.Seal(m.SecretKey, outboxAD(m), mentorvault.NewSecret(s.mailLink(path))); err != nil {
		return nil, err
	}
	return m, nil
}

// openAccountLink finds the link of token (of kind) and its person, and
// says in plain words why it cannot be used if it cannot.
func openAccountLink(ctx context.Context, tx mentorvault.Tx, token, kind string) (*mentorvault.AccountLink, *mentorvault.User, error) {
	what, prefix, again := "password reset link", resetTokenPrefix, "ask for a new one on the sign-in page (Forgot your password?)"
	if kind == mentorvault.LinkEmailChange {
		what, prefix, again = "confirmation link", emailTokenPrefix, "ask for the change again in Settings"
	}
	invalid := mentorvault.Errorf(mentorvault.ENOTFOUND, "this %s is not valid: check that you copied all of it, or %s", what, again)
	if !strings.HasPrefix(token, prefix) || len(token) > 128 {
		return nil, nil, invalid
	}
	l, err := tx.FindAccountLinkByHash(ctx, auth.TokenHash(token))
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && l.Kind != kind) {
		return nil, nil, invalid
	} else if err != nil {
		return nil, nil, err
	}
	u, err := tx.FindUserByID(ctx, l.UserID)
	if err != nil {
		return nil, nil, err
	}
	switch l.State(tx.Now()) {
	case mentorvault.InvitationUsed:
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "this %s has already been used; each link works once", what)
	case mentorvault.InvitationRevoked:
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "this %s was replaced by a newer one: use the newest link you were sent", what)
	case mentorvault.InvitationExpired:
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "this %s has expired: %s", what, again)
	}
	if u.DisabledAt != nil {
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "this account has been deactivated: ask your organisation's admin")
	}
	return l, u, nil
}

// PasswordResetView is what the reset page shows the holder of a link.
type PasswordResetView struct {
	Email     string
	ExpiresAt time.Time
}

// PasswordReset shows the holder of a reset link whose account it is for.
// The link's secret token is the credential. Returns ENOTFOUND (not a
// link) or ECONFLICT (used, replaced, expired, deactivated) with a message
// that says so.
func (s *Service) PasswordReset(ctx context.Context, token string) (*PasswordResetView, error) {
	var out *PasswordResetView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		l, u, err := openAccountLink(ctx, tx, token, mentorvault.LinkPasswordReset)
		if err != nil {
			return err
		}
		out = &PasswordResetView{Email: u.Email, ExpiresAt: l.ExpiresAt}
		return nil
	})
	return out, err
}

// ResetPassword sets the password of a reset link's person under the rules
// that apply everywhere (passwordProblem), uses the link up and ends every
// session of theirs, so whoever was signed in as them is signed out; API
// tokens, separate credentials, stay (the person revokes them in
// Settings). The person then signs in with the new password. Returns
// ENOTFOUND, ECONFLICT (as PasswordReset, or single sign-on only) or
// EINVALID (the password).
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	if err := mentorvault.ValidateLines("password", password); err != nil {
		return err
	}
	if problem := passwordProblem(password); problem != "" {
		return mentorvault.Invalid("the password is not valid", map[string]string{"password": problem})
	}
	// Check the link before the slow hash, and again in the transaction
	// that uses it (UseAccountLink refuses a second use).
	if _, err := s.PasswordReset(ctx, token); err != nil {
		return err
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		l, u, err := openAccountLink(ctx, tx, token, mentorvault.LinkPasswordReset)
		if err != nil {
			return err
		}
		if sso, err := ssoOnlyProvider(ctx, tx, u.Email); err != nil {
			return err
		} else if sso != nil {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "your organisation signs you in with %s, so there is no password to reset", sso.Name)
		}
		now := tx.Now()
		if err := tx.UseAccountLink(ctx, l.ID, now); err != nil {
			return err
		}
		if err := tx.RevokeAccountLinks(ctx, u.ID, mentorvault.LinkPasswordReset, now); err != nil {
			return err
		}
		if err := tx.UpdateUserPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := tx.DeleteOtherUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
		a := actor{p: mentorvault.Principal{UserID: u.ID, OrgID: u.OrgID, Via: "web"}, user: u}
		detail := "every session ended; API tokens kept"
		if l.CreatedByID != "" {
			detail = "link sent by admin " + l.CreatedByID + "; " + detail
		}
		return s.record(ctx, tx, a, "password.reset", target{orgID: u.OrgID, typ: "user", id: u.ID}, detail)
	})
}

// SendPasswordReset has mentorvault email a person of the caller's
// organisation a password reset link (people.password_reset: its org
// admins). The link goes to the person's address only; the admin sees
// neither it nor any password. Returns EUNAUTHENTICATED, EFORBIDDEN,
// ENOTFOUND or ECONFLICT (deactivated, no password yet — invite them
// instead —, single sign-on only, or the server sends no email).
func (s *Service) SendPasswordReset(ctx context.Context, p mentorvault.Principal, id string) (*PersonView, error) {
	var out *PersonView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, u, err := s.personCall(ctx, tx, p, policy.ResetPersonPassword, id, true)
		if err != nil {
			return err
		}
		sso, err := ssoOnlyProvider(ctx, tx, u.Email)
		if err != nil {
			return err
		}
		switch {
		case s.opts.Mail == nil:
			return mentorvault.Errorf(mentorvault.ECONFLICT, "this server sends no email, so no reset link can be sent")
		case u.DisabledAt != nil:
			return mentorvault.Errorf(mentorvault.ECONFLICT, "%s is deactivated; reactivate them first", u.Name)
		case u.PasswordHash == "":
			return mentorvault.Errorf(mentorvault.ECONFLICT, "%s has not set a password yet: send them an invitation instead", u.Name)
		case sso != nil:
			return mentorvault.Errorf(mentorvault.ECONFLICT, "%s signs in with %s only, so there is no password to reset", u.Name, sso.Name)
		}
		if err := s.sendResetLink(ctx, tx, a, u); err != nil {
			return err
		}
		if out, err = s.personView(ctx, tx, a, u, nil); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "people.password_reset", personTarget(u), "link emailed to the person")
	})
	return out, err
}

// PendingEmail is a change of address waiting for its confirmation.
type PendingEmail struct {
	Address   string
	ExpiresAt time.Time
}

// pendingEmail is u's newest open email change, or nil.
func pendingEmail(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User) (*PendingEmail, error) {
	ls, err := tx.FindOpenAccountLinks(ctx, u.ID, mentorvault.LinkEmailChange, tx.Now())
	if err != nil || len(ls) == 0 {
		return nil, err
	}
	return &PendingEmail{Address: ls[0].NewEmail, ExpiresAt: ls[0].ExpiresAt}, nil
}

// checkNewEmail is email as a person's new address, or EINVALID naming field.
func checkNewEmail(field, email string) (string, error) {
	if err := mentorvault.ValidateLines(field, email); err != nil {
		return "", err
	}
	u := &mentorvault.User{OrgID: "-", Name: "-", Email: mentorvault.NormalizeEmail(email)}
	if err := u.Validate(); err != nil {
		return "", mentorvault.Invalid("the email address is not valid", map[string]string{field: mentorvault.ErrorFields(err)["email"]})
	}
	return u.Email, nil
}

// RequestEmailChange asks for the caller's address to become email: a
// link to confirm it goes to the new address (expiring after
// EmailChangeTTL; earlier ones stop working), a notice without a link to
// the current one, and the address changes only when the link is opened.
// Returns EUNAUTHENTICATED, EINVALID (not an address, or the current one)
// or ECONFLICT (the server sends no email).
func (s *Service) RequestEmailChange(ctx context.Context, p mentorvault.Principal, email string) (*PendingEmail, error) {
	if p.Anonymous() {
		return nil, mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	next, err := checkNewEmail("email", email)
	if err != nil {
		return nil, err
	}
	if s.opts.Mail == nil {
		return nil, mentorvault.Errorf(mentorvault.ECONFLICT, "this server sends no email, so a new address cannot be confirmed: ask your organisation's admin to change it")
	}
	var out *PendingEmail
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		if next == a.user.Email {
			return mentorvault.Invalid("the email address is not changed", map[string]string{"email": "is already your address"})
		}
		// Whether another account has the address is not said here (that
		// would tell anyone signed in who has an account); confirming
		// refuses a taken address.
		if out, err = s.sendEmailChange(ctx, tx, a, a.user, next); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "account.email_change.request", target{orgID: a.user.OrgID, typ: "account", id: a.user.ID},
			"confirmation link sent to the new address; notice to the current one")
	})
	return out, err
}

// sendEmailChange makes u a link confirming next as their address, queues
// it to next and a notice (no link) to u's current address.
func (s *Service) sendEmailChange(ctx context.Context, tx mentorvault.Tx, by actor, u *mentorvault.User, next string) (*PendingEmail, error) {
	token, err := s.newAccountLink(ctx, tx, by, u, mentorvault.LinkEmailChange, next, emailTokenPrefix, mentorvault.EmailChangeTTL)
	if err != nil {
		return nil, err
	}
	m, err := s.linkMessage(tx, by, u, next, "email.confirm", "/login/confirm-email/"+token)
	if err != nil {
		return nil, err
	}
	if err := tx.CreateOutboxMessage(ctx, m); err != nil {
		return nil, err
	}
	if u.Email != "" {
		d := &mail.Data{Kind: "email.change.notice", Recipient: u.Name}
		if by.user != nil && by.user.ID != u.ID {
			d.Actor = by.user.Name
		}
		n := &mentorvault.OutboxMessage{ID: mentorvault.NewID(), UserID: u.ID, Address: u.Email, Kind: d.Kind, State: mentorvault.OutboxPending,
			RunAt: tx.Now(), CreatedAt: tx.Now()}
		if n.Subject, n.Text, n.HTML, err = mail.Render(d); err != nil {
			return nil, err
		}
		if err := tx.CreateOutboxMessage(ctx, n); err != nil {
			return nil, err
		}
	}
	return &PendingEmail{Address: next, ExpiresAt: tx.Now().Add(mentorvault.EmailChangeTTL)}, nil
}

// EmailChangeView is what the confirmation page shows the link's holder.
type EmailChangeView struct {
	Name, OldEmail, NewEmail string
	ExpiresAt                time.Time
}

// EmailChange shows the holder of a confirmation link which change it
// confirms. The link's secret token is the credential. Returns ENOTFOUND
// or ECONFLICT as PasswordReset does.
func (s *Service) EmailChange(ctx context.Context, token string) (*EmailChangeView, error) {
	var out *EmailChangeView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		l, u, err := openAccountLink(ctx, tx, token, mentorvault.LinkEmailChange)
		if err != nil {
			return err
		}
		out = &EmailChangeView{Name: u.Name, OldEmail: u.Email, NewEmail: l.NewEmail, ExpiresAt: l.ExpiresAt}
		return nil
	})
	return out, err
}

// ConfirmEmailChange makes a confirmation link's new address the person's
// own and uses the link up. Returns ENOTFOUND or ECONFLICT (as
// EmailChange, or the address now belongs to another account).
func (s *Service) ConfirmEmailChange(ctx context.Context, token string) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		l, u, err := openAccountLink(ctx, tx, token, mentorvault.LinkEmailChange)
		if err != nil {
			return err
		}
		taken := mentorvault.Errorf(mentorvault.ECONFLICT, "%s now belongs to another account, so it cannot become yours", l.NewEmail)
		if other, err := tx.FindUserByEmail(ctx, l.NewEmail); err == nil && other.ID != u.ID {
			return taken
		} else if err != nil && mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			return err
		}
		now := tx.Now()
		if err := tx.UseAccountLink(ctx, l.ID, now); err != nil {
			return err
		}
		if err := tx.RevokeAccountLinks(ctx, u.ID, mentorvault.LinkEmailChange, now); err != nil {
			return err
		}
		u.Email = l.NewEmail
		if err := tx.UpdateUser(ctx, u); err != nil {
			if mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
				return taken
			}
			return err
		}
		a := actor{p: mentorvault.Principal{UserID: u.ID, OrgID: u.OrgID, Via: "web"}, user: u}
		detail := "confirmed from the new address"
		if l.CreatedByID != "" {
			detail = "asked by admin " + l.CreatedByID + "; " + detail
		}
		return s.record(ctx, tx, a, "account.email_change", target{orgID: u.OrgID, typ: "account", id: u.ID}, detail)
	})
}
