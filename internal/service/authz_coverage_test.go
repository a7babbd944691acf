package service_test

import (
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Deny by default (DESIGN §2.6), checked over the source: every exported
// function or method of this package that reaches the store must reach the
// one authorisation decision, (*Service).authorize, too, and no transaction
// (a closure passed to inTx) may change the store before its decision.
//
// What it does: it type-checks this package's non-test files (imports come
// from the export data `go list -export` reports, so no new dependency),
// builds the package's call graph and asks, for each exported name it finds:
//
//   - does it reach the store? A call of any method of mentorvault.Store or
//     mentorvault.Tx (or an interface they embed), a read of a field of that
//     type (s.store, o.tx), or a call into another package that is handed
//     one (audit.Append(ctx, tx, …)) — directly or through any function of
//     this package, including inside closures (a closure's calls count as
//     its enclosing function's), method values (loadIn(…, o.tx.FindNoteByID,
//     …)) and calls through an interface declared here (Notifier.Notify
//     counts as every implementation's).
//   - does it reach (*Service).authorize the same way?
//   - for every inTx closure it can reach, in source order (a call's own
//     effect before the closures it is handed, so relOp's decision comes
//     before the body it runs): does a store write (any Tx method other than
//     Find*, Count*, Lock*, Now, Commit, Rollback) come before the decision?
//
// Limits: the reach question is path-insensitive — a method that decides on
// one branch and writes on another passes; so does one that ignores
// authorize's error. A call of a func-typed value (fn(tx)) is followed only
// where the func literal is written, so a closure stored and called later
// counts where it is written. The write-order question is asked only of
// closures passed to inTx: a transaction begun with s.store.BeginTx directly
// is asked only the reach question. Reflection and package-level func
// variables are not followed. may, allowed and decide ask Cedar but audit
// nothing, so they are not a decision here. A write is any Tx method but
// the reads named in isWrite, so a new kind of write is caught by default.

// authzAllowlist names the exported methods that reach the store without a
// Cedar decision, each with why that is right. Keep it short: a new entry is
// a design decision, not a way to make this test pass.
var authzAllowlist = map[string]string{
	// Establishing who the principal is: there is no principal to decide
	// for until these have run. Each audits its outcome.
	"Service.Login":               "checks a password; rate-limited, audited",
	"Service.Logout":              "the session token is the credential; ends only that session, audited",
	"Service.AuthenticateSession": "turns a session cookie into a principal; removes expired sessions",
	"Service.AuthenticatePage":    "AuthenticateSession with the page header, whose count is asked of Cedar (account.manage) through may",
	"Service.AuthenticateToken":   "turns an API token into a principal; refuses revoked tokens and disabled users, audited",
	"Service.SettleToken":         "AuthenticateToken for a request's token claim that no decided call of the request checked; audited",
	// A capability URL: the secret feed token is the credential. It refuses
	// a revoked feed or a disabled user (audited), and returns only the
	// meetings of its own user's relationships (FindRelationships{PartyID}),
	// times and places only, never agendas or notes.
	"Service.CalendarFeedEvents": "capability URL; the feed token is the credential",
	// An invitation link is a capability URL too: its secret token (stored
	// only hashed, single-use, expiring after 7 days) is the credential of
	// the one person it was made for, who has no password yet. Showing it
	// reads only that person's name, email and organisation; accepting it
	// sets that person's password and signs them in, audited.
	"Service.Invitation": "capability URL; the invitation token is the credential",
	// OpenID Connect sign-in establishes who the principal is, as Login
	// does: the login page lists providers' names only; starting reads one
	// provider's public settings; finishing verifies the ID token (state,
	// nonce, PKCE, audience, expiry, verified email, allowed domain) and
	// only then finds — or, where the provider allows it, creates — that
	// person's account and session. Each outcome is audited (login.sso).
	"Service.SSOButtons":       "the sign-in page's provider names, before anyone is signed in",
	"Service.StartSSO":         "begins a sign-in: reads the provider's public settings",
	"Service.FinishSSO":        "a verified ID token is the credential; creates the account just in time only where the provider allows it, audited",
	"Service.AcceptInvitation": "capability URL; sets the invited person's own password, audited",
	// Account links (password reset, a new email address's confirmation)
	// are capability URLs as invitations are: a secret token (256 bits,
	// stored only hashed, single-use, expiring) emailed to the one person
	// it is for. Asking for a reset has no principal by design (the person
	// cannot sign in); it is rate-limited per address and per client,
	// answers the same for every address and is audited.
	"Service.RequestPasswordReset": "no principal: the person cannot sign in; rate-limited, same answer for every address, audited",
	"Service.PasswordReset":        "capability URL; the reset token is the credential",
	"Service.ResetPassword":        "capability URL; sets the link's person's own password and ends their sessions, audited",
	"Service.EmailChange":          "capability URL; the confirmation token, sent to the new address, is the credential",
	"Service.ConfirmEmailChange":   "capability URL; makes the confirmed address the link's person's own, audited",
	// Passkey sign-in and the second factor establish who the principal
	// is, as Login does. Starting a passkey sign-in reads nobody (it stores
	// a fresh single-use challenge); finishing verifies the assertion
	// (challenge, origin, RP ID, signature, sign count) and only then
	// starts the owner's session, audited (login.passkey). The second-
	// factor calls act for a sign-in whose password was right, named by
	// its secret, single-use, expiring token (kept hashed); each checks it,
	// is rate-limited and audited (login.second_factor, recovery.use,
	// passkey.add), and only the last step starts a session.
	"Service.BeginPasskeyLogin":           "begins a passkey sign-in: stores a single-use challenge, reads nobody",
	"Service.FinishPasskeyLogin":          "a verified passkey assertion is the credential; audited",
	"Service.PendingSignIn":               "the pending sign-in's token is the credential; reads what second factors its own person has",
	"Service.BeginSecondFactor":           "the pending sign-in's token is the credential; stores a challenge for its own person's passkeys",
	"Service.FinishSecondFactor":          "the pending sign-in's token and a verified passkey assertion are the credentials; rate-limited, audited",
	"Service.UseRecoveryCode":             "the pending sign-in's token and a single-use recovery code are the credentials; rate-limited, audited, notified",
	"Service.BeginSecondFactorEnrolment":  "the pending sign-in's token is the credential, for a person required to add a passkey before going in",
	"Service.FinishSecondFactorEnrolment": "the pending sign-in's token and the verified new passkey complete the sign-in; audited",
	// The operator CLI (cmd/mentorvault, internal/demo): the operator holds
	// the database and the master key; the HTTP server never calls these.
	// Each is audited with the actor "operator" (via=cli).
	"Service.OperatorCreateOrg":        "operator CLI",
	"Service.OperatorAddUser":          "operator CLI",
	"Service.OperatorCreateProgramme":  "operator CLI",
	"Service.OperatorAddProgrammeRole": "operator CLI",
	"Service.OperatorCreateToken":      "operator CLI",
	"Service.VerifySealed":             "operator CLI (audit verify): reads stored rows and digests, opens nothing",
	"Service.BindLegacyParties":        "upgrade step run by serve at start-up, before it listens",
	"Service.SealLeftovers":            "start-up data step ('serve' before it listens): seals pre-0008 plain fields in place, audited as a system write",
	"Service.Orgs":                     "operator CLI (user add, config check, demo): lists organisations, no content",
	"Service.MasterKeyUse":             "operator CLI (keys list, retire): counts wrapped keys by master key version, opens nothing",
	"Service.RewrapKeys":               "operator CLI (keys rotate, rewrap): rewraps data keys under a new master key version, opens no content",
	// mentorvault people … --as EMAIL: only turns the email into that
	// person's principal; every people call it is passed to decides (Cedar:
	// org admins only) and audits as that person, via=cli.
	"Service.OperatorPrincipal": "operator CLI: the principal of --as, whose calls are each decided",
	// Background work: the durable jobs (disclosure delivery, statement
	// release) were scheduled by an action that was decided and audited.
	"Service.RunDueJobs": "background jobs, scheduled by decided actions",
	// The purge and reminders jobs are maintenance no principal asks for:
	// each instance schedules them at start-up; purge deletes expired
	// sessions and old login failures, never content or audit; reminders
	// creates due notifications (texts without content).
	"Service.SchedulePurge":     "maintenance scheduled by the server itself at start-up",
	"Service.ScheduleReminders": "maintenance scheduled by the server itself at start-up",
	"Service.ScheduleExpiry":    "maintenance scheduled by the server itself at start-up",
	"Service.ScheduleRetention": "maintenance scheduled by the server itself at start-up",
	"Service.ScheduleDigest":    "the daily email digest, scheduled by the server itself at start-up",
	"Service.SendMail":          "the outbox worker: sends what decided actions queued, in their transactions",
	// Store hands out the store itself, for the health check's Ping and the
	// operator CLI; whoever holds it holds the database.
	"Service.Store": "health check and operator CLI",
	// A Notifier runs inside its caller's transaction, after the caller's
	// decision, with the caller's Tx: it cannot open one of its own.
	"InApp.Notify": "runs in a decided caller's transaction",
	// A hint for the web page, asked of Cedar through may (not audited):
	// it returns only that bool, and RequestInput decides and audits.
	"Service.MayRequestInput": "a may hint; RequestInput decides",
	// The same question for the ask-for-input form: it returns only whether
	// (or why not) the form may be shown; RequestInput decides and audits.
	"Service.AskInput": "a may hint for the form; RequestInput decides",
}

// storeTypes are the store's interfaces in the root package; a method of any
// interface they implement reaches the store.
var storeTypes = []string{"Store", "Tx"}

const (
	rootPkg    = "github.com/mentorvault/mentorvault"
	servicePkg = rootPkg + "/internal/service"
)

func TestAuthzCoverage(t *testing.T) {
	ctx, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	var files []source
	for _, name := range ctx.GoFiles {
		b, err := os.ReadFile(filepath.Join(ctx.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, source{name, string(b)})
	}
	a := analyse(t, files)
	if len(a.exported()) < 50 {
		t.Fatalf("found only %d exported functions; is the analysis reading the package?", len(a.exported()))
	}
	for _, f := range a.check(authzAllowlist) {
		t.Error(f)
	}
}

// TestAuthzCoverageReports proves the analysis fails: a fake Service whose
// methods write a note without a decision, or before it, is reported, by
// name and with the store call reached; the well-behaved ones are not.
func TestAuthzCoverageReports(t *testing.T) {
	const src = `package service

import (
	"context"

	"github.com/mentorvault/mentorvault"
)

type Service struct {
	store mentorvault.Store
	n     notifier
}

func (s *Service) inTx(ctx context.Context, fn func(tx mentorvault.Tx) error) error {
	tx, err := s.store.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Service) authorize(ctx context.Context, tx mentorvault.Tx) error { return nil }

func (s *Service) openRel(ctx context.Context, tx mentorvault.Tx, id string) (*mentorvault.Relationship, error) {
	rel, err := tx.FindRelationshipByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return rel, s.authorize(ctx, tx)
}

func (s *Service) relOp(ctx context.Context, id string, fn func(tx mentorvault.Tx) error) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		if _, err := s.openRel(ctx, tx, id); err != nil {
			return err
		}
		return fn(tx)
	})
}

func save(ctx context.Context, tx mentorvault.Tx, n *mentorvault.Note) error { return tx.CreateNote(ctx, n) }

// Good decides, then writes.
func (s *Service) Good(ctx context.Context, n *mentorvault.Note) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		if err := s.authorize(ctx, tx); err != nil {
			return err
		}
		return tx.CreateNote(ctx, n)
	})
}

// GoodOp writes in the body relOp runs after its decision.
func (s *Service) GoodOp(ctx context.Context, n *mentorvault.Note) error {
	return s.relOp(ctx, n.RelationshipID, func(tx mentorvault.Tx) error { return save(ctx, tx, n) })
}

// Unchecked writes a note with no decision at all.
func (s *Service) Unchecked(ctx context.Context, n *mentorvault.Note) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error { return tx.CreateNote(ctx, n) })
}

// Peek reads through a method value and decides nothing.
func (s *Service) Peek(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		find := tx.FindNoteByID
		_, err := find(ctx, id)
		return err
	})
}

// WritesFirst decides, but only after the write.
func (s *Service) WritesFirst(ctx context.Context, n *mentorvault.Note) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		if err := save(ctx, tx, n); err != nil {
			return err
		}
		return s.authorize(ctx, tx)
	})
}

type notifier interface {
	notify(ctx context.Context, tx mentorvault.Tx, n *mentorvault.Note) error
}

type inbox struct{}

func (inbox) notify(ctx context.Context, tx mentorvault.Tx, n *mentorvault.Note) error {
	return tx.CreateNote(ctx, n)
}

// Notifies writes through an interface before it decides.
func (s *Service) Notifies(ctx context.Context, n *mentorvault.Note) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		if err := s.n.notify(ctx, tx, n); err != nil {
			return err
		}
		return s.authorize(ctx, tx)
	})
}

// Allowed reaches the store undecided, and is on the allowlist.
func (s *Service) Allowed(ctx context.Context) error { return s.store.Ping(ctx) }

// Stale is on the allowlist but decides.
func (s *Service) Stale(ctx context.Context, n *mentorvault.Note) error { return s.GoodOp(ctx, n) }
`
	a := analyse(t, []source{{"fake.go", src}})
	got := a.check(map[string]string{
		"Service.Allowed": "test",
		"Service.Stale":   "test",
		"Service.Missing": "test",
	})
	want := []string{
		"Service.Missing: on the allowlist but not an exported function",
		"Service.Notifies: the transaction at fake.go:98 writes to the store (inbox.notify → tx.CreateNote, fake.go:93) before any authorisation decision",
		"Service.Peek reaches the store (tx.FindNoteByID, fake.go:70) without an authorisation decision (s.authorize)",
		"Service.Stale: on the allowlist but reaches s.authorize; take it off",
		"Service.Unchecked reaches the store (tx.CreateNote, fake.go:64) without an authorisation decision (s.authorize)",
		"Service.Unchecked: the transaction at fake.go:64 writes to the store (tx.CreateNote, fake.go:64) before any authorisation decision",
		"Service.WritesFirst: the transaction at fake.go:78 writes to the store (save → tx.CreateNote, fake.go:45) before any authorisation decision",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
