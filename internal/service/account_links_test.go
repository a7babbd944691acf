package service_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mail/mailtest"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// mailbox sends what e's outbox holds to a real SMTP server and reads back
// what arrives.
type mailbox struct {
	t    *testing.T
	e    *mvtest.Env
	srv  *mailtest.Server
	seen int
}

func newMailbox(t *testing.T, e *mvtest.Env) *mailbox {
	mb := &mailbox{t: t, e: e, srv: mailtest.Start(t)}
	mb.deliver() // the demo's own messages
	return mb
}

// deliver runs the due jobs (a reset request's among them), sends every
// queued message and returns those that arrived.
func (mb *mailbox) deliver() []*received {
	mb.t.Helper()
	if _, err := mb.e.Svc.RunDueJobs(ctx); err != nil {
		mb.t.Fatal(err)
	}
	n, err := mb.e.Svc.SendMail(ctx, sender(mb.t, mb.srv))
	if err != nil {
		mb.t.Fatal(err)
	}
	raw := mb.srv.Wait(mb.t, mb.seen+n)
	var out []*received
	for _, r := range raw[mb.seen:] {
		out = append(out, parseReceived(mb.t, r))
	}
	mb.seen = len(raw)
	return out
}

var (
	resetLinkRE   = regexp.MustCompile(`https://mv\.example/login/reset/(mvr_[A-Za-z0-9_-]+)`)
	confirmLinkRE = regexp.MustCompile(`https://mv\.example/login/confirm-email/(mve_[A-Za-z0-9_-]+)`)
)

// to is the messages of ms addressed to address.
func to(ms []*received, address string) []*received {
	var out []*received
	for _, m := range ms {
		if m.to == address {
			out = append(out, m)
		}
	}
	return out
}

// linkIn is the one token re finds in m's text, which its HTML must carry too.
func linkIn(t *testing.T, m *received, re *regexp.Regexp) string {
	t.Helper()
	got := re.FindAllStringSubmatch(m.parts["text/plain"], -1)
	if len(got) != 1 || !strings.Contains(m.parts["text/html"], got[0][0]) {
		t.Fatalf("message %q to %s: want one link in the text and the HTML:\n%s", m.subject, m.to, m.parts["text/plain"])
	}
	return got[0][1]
}

func eventsNamed(t *testing.T, e *mvtest.Env, head int64, action string) []*mentorvault.AuditEvent {
	var out []*mentorvault.AuditEvent
	for _, ev := range e.Events(t, head) {
		if ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

// noSecretsIn fails if any audit event since head carries a link's token.
func noSecretsIn(t *testing.T, e *mvtest.Env, head int64) {
	t.Helper()
	for _, ev := range e.Events(t, head) {
		if strings.Contains(ev.Detail, "mvr_") || strings.Contains(ev.Detail, "mve_") || strings.Contains(ev.Detail, "/login/") {
			t.Errorf("audit event %s carries a link: %q", ev.Action, ev.Detail)
		}
	}
}

// TestPasswordReset: the emailed reset link, received by a real SMTP
// server, on both backends — the same answer for every address, one link
// to the account only, single use, replaced by a newer link, expiring
// after an hour, under the password rules, ending every session, and
// audited without the token.
func TestPasswordReset(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		mb := newMailbox(t, e)
		alice, heidi := e.Users["alice"], e.Users["heidi"]
		here, err := e.Svc.Login(ctx, alice.Email, demo.Password, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		there, err := e.Svc.Login(ctx, alice.Email, demo.Password, "10.0.0.2")
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := e.Svc.CreateAPIToken(ctx, e.As("alice"), "script")
		if err != nil {
			t.Fatal(err)
		}
		// Heidi has a session and a token, then an admin deactivates her
		// (after a link was sent to her).
		hSess, err := e.Svc.Login(ctx, heidi.Email, demo.Password, "10.0.0.3")
		if err != nil {
			t.Fatal(err)
		}
		hTok, _, err := e.Svc.CreateAPIToken(ctx, e.As("heidi"), "script")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Svc.RequestPasswordReset(ctx, heidi.Email, "10.0.0.9"); err != nil {
			t.Fatal(err)
		}
		heidiToken := linkIn(t, to(mb.deliver(), heidi.Email)[0], resetLinkRE)
		if _, err := e.Svc.DeactivatePerson(ctx, e.As("grace"), heidi.ID); err != nil {
			t.Fatal(err)
		}

		head := e.Head(t)
		for _, addr := range []string{" Alice@Northwind.example ", "nobody@northwind.example", heidi.Email} {
			if err := e.Svc.RequestPasswordReset(ctx, addr, "10.0.0.9"); err != nil {
				t.Fatalf("%q: %v, want the same answer (nil) for every address", addr, err)
			}
		}
		got := mb.deliver()
		if len(got) != 1 || got[0].to != alice.Email {
			t.Fatalf("delivered %d messages, want one, to alice: %v", len(got), got)
		}
		if got[0].subject != "Set a new mentorvault password" {
			t.Errorf("subject %q", got[0].subject)
		}
		token1 := linkIn(t, got[0], resetLinkRE)
		var requests, sends []string
		for _, ev := range eventsNamed(t, e, head, "password.reset.request") {
			requests = append(requests, ev.Outcome+": "+ev.Detail+" "+ev.ResourceID+ev.OrgID)
		}
		for _, ev := range eventsNamed(t, e, head, "password.reset.send") {
			sends = append(sends, ev.Outcome+": "+ev.Detail)
		}
		// The request is the same whatever the address; its job decides.
		if want := []string{"ok: via=web; queued ", "ok: via=web; queued ", "ok: via=web; queued "}; !slices.Equal(requests, want) {
			t.Errorf("requests audited %q, want %q", requests, want)
		}
		if want := []string{"ok: via=job; link emailed", "failed: via=job; no link sent: no account", "denied: via=job; no link sent: deactivated"}; !slices.Equal(sends, want) {
			t.Errorf("sends audited %q, want %q", sends, want)
		}

		for _, tc := range []struct {
			name, token, password, code, says string
		}{
			{"not a link", "mvr_nothing", "a brand new passphrase", mentorvault.ENOTFOUND, "not valid"},
			{"an invitation's kind of token", "mvi_" + token1[4:], "a brand new passphrase", mentorvault.ENOTFOUND, "not valid"},
			{"too short", token1, "short", mentorvault.EINVALID, "at least"},
			{"breached", token1, "password1234", mentorvault.EINVALID, service.BreachedPasswordReason},
			{"deactivated", heidiToken, "a brand new passphrase", mentorvault.ECONFLICT, "deactivated"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := e.Svc.ResetPassword(ctx, tc.token, tc.password)
				if mentorvault.ErrorCode(err) != tc.code || !strings.Contains(mentorvault.ErrorMessage(err)+mentorvault.ErrorFields(err)["password"], tc.says) {
					t.Fatalf("%v %v, want %s saying %q", err, mentorvault.ErrorFields(err), tc.code, tc.says)
				}
			})
		}
		// A deactivated person's replayed cookie and API token fail.
		if _, _, err := e.Svc.AuthenticateSession(ctx, hSess.Token); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Errorf("heidi's cookie after deactivation: %v", err)
		}
		if _, err := e.Svc.AuthenticateToken(ctx, hTok); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Errorf("heidi's API token after deactivation: %v", err)
		}

		// A newer link replaces the first.
		if err := e.Svc.RequestPasswordReset(ctx, alice.Email, "10.0.0.9"); err != nil {
			t.Fatal(err)
		}
		token2 := linkIn(t, to(mb.deliver(), alice.Email)[0], resetLinkRE)
		if err := e.Svc.ResetPassword(ctx, token1, "a brand new passphrase"); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(err.Error(), "replaced") {
			t.Fatalf("the older link: %v", err)
		}
		if v, err := e.Svc.PasswordReset(ctx, token2); err != nil || v.Email != alice.Email {
			t.Fatalf("the newer link: %v %v", v, err)
		}
		if err := e.Svc.ResetPassword(ctx, token2, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{here.Token, there.Token} {
			if _, _, err := e.Svc.AuthenticateSession(ctx, s); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
				t.Errorf("a session survived the reset: %v", err)
			}
		}
		if _, err := e.Svc.AuthenticateToken(ctx, tok); err != nil {
			t.Errorf("API tokens stay (documented): %v", err)
		}
		if _, err := e.Svc.Login(ctx, alice.Email, demo.Password, "10.0.0.4"); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Errorf("the old password still works: %v", err)
		}
		if _, err := e.Svc.Login(ctx, alice.Email, "a brand new passphrase", "10.0.0.4"); err != nil {
			t.Errorf("the new password: %v", err)
		}
		if err := e.Svc.ResetPassword(ctx, token2, "another new passphrase"); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(err.Error(), "already been used") {
			t.Fatalf("the link used again: %v", err)
		}
		if evs := eventsNamed(t, e, head, "password.reset"); len(evs) != 1 || evs[0].Outcome != mentorvault.OutcomeOK || evs[0].ActorID != alice.ID {
			t.Fatalf("password.reset audited %v", evs)
		}

		// An hour later the link has expired.
		if err := e.Svc.RequestPasswordReset(ctx, alice.Email, "10.0.0.9"); err != nil {
			t.Fatal(err)
		}
		token3 := linkIn(t, to(mb.deliver(), alice.Email)[0], resetLinkRE)
		e.DB.SetClock(func() time.Time { return time.Now().Add(mentorvault.PasswordResetTTL + time.Minute) })
		if err := e.Svc.ResetPassword(ctx, token3, "a third new passphrase"); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("an expired link: %v", err)
		}
		e.DB.SetClock(time.Now)
		noSecretsIn(t, e, head)
	})
}

// TestPasswordResetLimits: requests are limited per address asked about
// and per client address, whether or not the address has an account, and
// a person who signs in with single sign-on only gets no link.
func TestPasswordResetLimits(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		mb := newMailbox(t, e)
		for _, kind := range []string{"password.reset", "email.confirm", "email.change.notice"} {
			for _, mode := range []string{mentorvault.MailOff, mentorvault.MailDigest} {
				err := e.Svc.UpdateMailSettings(ctx, e.As("bob"), service.MailSettingsUpdate{Modes: map[string]string{kind: mode}})
				if mentorvault.ErrorCode(err) != mentorvault.EINVALID || mentorvault.ErrorFields(err)["modes."+kind] == "" {
					t.Errorf("%s %s: %v, want it refused (always sent at once)", kind, mode, err)
				}
			}
		}
		for i := range 5 { // service.MaxResetsPerAccount, as docs/security.md says
			if err := e.Svc.RequestPasswordReset(ctx, "nobody@northwind.example", "10.1.0."+string(rune('1'+i))); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Svc.RequestPasswordReset(ctx, "nobody@northwind.example", "10.1.1.1"); mentorvault.ErrorCode(err) != mentorvault.ETOOMANY {
			t.Fatalf("request %d for one address: %v, want ETOOMANY", 6, err)
		}
		for i := range 30 { // service.MaxResetsPerAddr
			if err := e.Svc.RequestPasswordReset(ctx, "someone"+strings.Repeat("x", i)+"@northwind.example", "10.2.0.1"); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Svc.RequestPasswordReset(ctx, e.Users["bob"].Email, "10.2.0.1"); mentorvault.ErrorCode(err) != mentorvault.ETOOMANY {
			t.Fatalf("request %d from one client: %v, want ETOOMANY", 31, err)
		}
		if got := mb.deliver(); len(got) != 0 {
			t.Fatalf("%d messages for addresses without an account, or refused requests", len(got))
		}
		// The organisation's people now sign in with its provider only.
		secret := filepath.Join(t.TempDir(), "secret")
		if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.AddSSOProvider(ctx, e.As("grace"), service.NewSSOProvider{Name: "Northwind SSO", Issuer: "https://idp.northwind.example",
			ClientID: "mentorvault", SecretFile: secret, Domains: []string{"northwind.example"}, SSOOnly: true}); err != nil {
			t.Fatal(err)
		}
		head := e.Head(t)
		if err := e.Svc.RequestPasswordReset(ctx, e.Users["carol"].Email, "10.3.0.1"); err != nil {
			t.Fatalf("single sign-on only: %v, want the same answer", err)
		}
		if got := mb.deliver(); len(got) != 0 {
			t.Fatalf("a single sign-on only person got %d messages", len(got))
		}
		if evs := eventsNamed(t, e, head, "password.reset.send"); len(evs) != 1 || !strings.Contains(evs[0].Detail, "sso only") {
			t.Fatalf("audited %v", evs)
		}
		if _, err := e.Svc.SendPasswordReset(ctx, e.As("grace"), e.Users["carol"].ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("an admin-sent reset to a single sign-on only person: %v", err)
		}
	})
}

// TestAdminSendsPasswordReset: an org admin has a person emailed a reset
// link and sees neither it nor a password; nobody else may.
func TestAdminSendsPasswordReset(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		mb := newMailbox(t, e)
		bob := e.Users["bob"]
		head := e.Head(t)
		for _, who := range []string{"alice", "dave", "carol", "bob"} {
			if _, err := e.Svc.SendPasswordReset(ctx, e.As(who), bob.ID); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
				t.Errorf("%s sends bob a reset: %v, want EFORBIDDEN", who, err)
			}
		}
		if _, err := e.Svc.SendPasswordReset(ctx, e.As("grace"), mentorvault.NewID()); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Errorf("nobody: %v", err)
		}
		v, err := e.Svc.SendPasswordReset(ctx, e.As("grace"), bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !v.CanSendReset() || v.Email != bob.Email {
			t.Errorf("the view: %+v", v)
		}
		got := mb.deliver()
		if len(got) != 1 || got[0].to != bob.Email || !strings.Contains(got[0].parts["text/plain"], "Grace Green, your organisation's admin") {
			t.Fatalf("delivered %v", got)
		}
		if err := e.Svc.ResetPassword(ctx, linkIn(t, got[0], resetLinkRE), "bob's own new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.Login(ctx, bob.Email, "bob's own new passphrase", "10.0.0.5"); err != nil {
			t.Fatal(err)
		}
		if evs := eventsNamed(t, e, head, "people.password_reset"); len(evs) != 5 || evs[4].Outcome != mentorvault.OutcomeOK || evs[4].ActorID != e.Users["grace"].ID {
			t.Errorf("people.password_reset audited %d times: %v", len(evs), evs)
		}
		if evs := eventsNamed(t, e, head, "password.reset"); len(evs) != 1 || !strings.Contains(evs[0].Detail, "sent by admin "+e.Users["grace"].ID) {
			t.Errorf("password.reset audited %v", evs)
		}
		// Someone who never set a password is invited, not reset.
		added, _, err := e.Svc.AddPerson(ctx, e.As("grace"), service.NewPerson{Name: "Ivy New", Email: "ivy.new@northwind.example"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.SendPasswordReset(ctx, e.As("grace"), added.ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(err.Error(), "invitation") {
			t.Errorf("no password yet: %v", err)
		}
		noSecretsIn(t, e, head)
	})
}

// TestEmailChange: a new address is confirmed by a link sent to it; the
// current address gets a notice without a link and stays until then.
func TestEmailChange(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		mb := newMailbox(t, e)
		heidi := e.Users["heidi"]
		const next = "heidi.hall@elsewhere.example"
		head := e.Head(t)
		for _, tc := range []struct{ email, code string }{
			{"not an address", mentorvault.EINVALID}, {heidi.Email, mentorvault.EINVALID}, {"a\x00b@example.org", mentorvault.EINVALID},
		} {
			if _, err := e.Svc.RequestEmailChange(ctx, e.As("heidi"), tc.email); mentorvault.ErrorCode(err) != tc.code || mentorvault.ErrorFields(err)["email"] == "" {
				t.Errorf("%q: %v, want %s on email", tc.email, err, tc.code)
			}
		}
		if _, err := e.Svc.RequestEmailChange(ctx, e.As("heidi"), " Heidi.Hall@Elsewhere.example "); err != nil {
			t.Fatal(err)
		}
		me, err := e.Svc.Me(ctx, e.As("heidi"))
		if err != nil {
			t.Fatal(err)
		}
		if me.User.Email != heidi.Email || me.PendingEmail == nil || me.PendingEmail.Address != next {
			t.Fatalf("before confirming: address %q, pending %+v", me.User.Email, me.PendingEmail)
		}
		got := mb.deliver()
		if len(got) != 2 || len(to(got, next)) != 1 || len(to(got, heidi.Email)) != 1 {
			t.Fatalf("delivered %d messages: %v", len(got), got)
		}
		notice := to(got, heidi.Email)[0]
		if strings.Contains(notice.raw2(), "https://") || strings.Contains(notice.raw2(), "mve_") {
			t.Fatalf("the notice to the old address carries a link:\n%s", notice.parts["text/plain"])
		}
		token1 := linkIn(t, to(got, next)[0], confirmLinkRE)
		if _, err := e.Svc.Login(ctx, next, demo.Password, "10.0.0.1"); err == nil {
			t.Fatal("the new address signs in before it is confirmed")
		}
		// A day later the link has expired; a new request replaces it.
		e.DB.SetClock(func() time.Time { return time.Now().Add(mentorvault.EmailChangeTTL + time.Minute) })
		if err := e.Svc.ConfirmEmailChange(ctx, token1); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("an expired link: %v", err)
		}
		e.DB.SetClock(time.Now)
		if _, err := e.Svc.RequestEmailChange(ctx, e.As("heidi"), next); err != nil {
			t.Fatal(err)
		}
		token2 := linkIn(t, to(mb.deliver(), next)[0], confirmLinkRE)
		if err := e.Svc.ConfirmEmailChange(ctx, token1); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("the older link: %v", err)
		}
		if v, err := e.Svc.EmailChange(ctx, token2); err != nil || v.OldEmail != heidi.Email || v.NewEmail != next {
			t.Fatalf("the link's page: %+v %v", v, err)
		}
		if err := e.Svc.ConfirmEmailChange(ctx, token2); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.Login(ctx, next, demo.Password, "10.0.0.1"); err != nil {
			t.Fatalf("the confirmed address: %v", err)
		}
		if err := e.Svc.ConfirmEmailChange(ctx, token2); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("the link used again: %v", err)
		}
		if me, _ := e.Svc.Me(ctx, e.As("heidi")); me.User.Email != next || me.PendingEmail != nil {
			t.Fatalf("after confirming: %q, pending %+v", me.User.Email, me.PendingEmail)
		}
		if evs := eventsNamed(t, e, head, "account.email_change"); len(evs) != 1 {
			t.Errorf("account.email_change audited %v", evs)
		}
		if evs := eventsNamed(t, e, head, "account.email_change.request"); len(evs) != 2 {
			t.Errorf("account.email_change.request audited %v", evs)
		}

		// An address taken meanwhile cannot be confirmed.
		if _, err := e.Svc.RequestEmailChange(ctx, e.As("frank"), e.Users["bob"].Email); err != nil {
			t.Fatalf("the request says nothing of who has an address: %v", err)
		}
		if err := e.Svc.ConfirmEmailChange(ctx, linkIn(t, to(mb.deliver(), e.Users["bob"].Email)[0], confirmLinkRE)); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("confirming a taken address: %v", err)
		}

		// An admin's change goes through the same link.
		alice := e.Users["alice"]
		const aliceNext = "alice.archer@elsewhere.example"
		if _, err := e.Svc.UpdatePerson(ctx, e.As("grace"), alice.ID, service.PersonUpdate{Email: ptr(e.Users["dave"].Email)}); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("an admin changing to a taken address: %v", err)
		}
		v, err := e.Svc.UpdatePerson(ctx, e.As("grace"), alice.ID, service.PersonUpdate{Email: ptr(aliceNext)})
		if err != nil {
			t.Fatal(err)
		}
		if v.Email != alice.Email || v.PendingEmail == nil || v.PendingEmail.Address != aliceNext {
			t.Fatalf("the admin's change before confirming: %q, pending %+v", v.Email, v.PendingEmail)
		}
		got = mb.deliver()
		if len(to(got, alice.Email)) != 1 || !strings.Contains(to(got, alice.Email)[0].parts["text/plain"], "Grace Green, your organisation's admin") {
			t.Fatalf("the notice to alice: %v", got)
		}
		if err := e.Svc.ConfirmEmailChange(ctx, linkIn(t, to(got, aliceNext)[0], confirmLinkRE)); err != nil {
			t.Fatal(err)
		}
		if p, err := e.Svc.PersonByID(ctx, e.As("grace"), alice.ID); err != nil || p.Email != aliceNext {
			t.Fatalf("after alice confirmed: %v %v", p, err)
		}
		noSecretsIn(t, e, head)
	})
}

func ptr[T any](v T) *T { return &v }

// raw2 is the message's text and HTML together.
func (r *received) raw2() string { return r.parts["text/plain"] + r.parts["text/html"] }

// BenchmarkPasswordResetRequest compares the work of a reset request for
// an address with an account and for one without, on SQLite: the same
// (the limits, a job queued, an audit event), the job doing the rest.
// The clock moves on 15 minutes per request so the limits never apply.
func BenchmarkPasswordResetRequest(b *testing.B) {
	e := mvtest.NewWithOptions(b, sqlstoretest.OpenSQLite(b), service.Options{Mail: mailOpts})
	at := time.Now()
	for _, tc := range []struct{ name, email string }{{"account", e.Users["alice"].Email}, {"no account", "nobody@northwind.example"}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				at = at.Add(service.LoginWindow)
				now := at
				e.DB.SetClock(func() time.Time { return now })
				if err := e.Svc.RequestPasswordReset(ctx, tc.email, "10.9.9.9"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
