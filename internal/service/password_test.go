package service_test

import (
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

func TestChangePassword(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		const alice = "alice@northwind.example"
		here, err := e.Svc.Login(ctx, alice, demo.Password, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.Svc.Login(ctx, alice, demo.Password, "10.0.0.2")
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := e.Svc.CreateAPIToken(ctx, e.As("alice"), "script")
		if err != nil {
			t.Fatal(err)
		}
		p, sess, err := e.Svc.AuthenticateSession(ctx, here.Token)
		if err != nil {
			t.Fatal(err)
		}
		head := e.Head(t)
		for _, tc := range []struct {
			name, current, next, field string
			code                       string
		}{
			{"wrong current password", "not-my-password", "a brand new passphrase", "current_password", mentorvault.EINVALID},
			{"too short", demo.Password, "short", "new_password", mentorvault.EINVALID},
			{"breached", demo.Password, "password1234", "new_password", mentorvault.EINVALID},
			{"breached, any case", demo.Password, "QwertyUiop", "new_password", mentorvault.EINVALID},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := e.Svc.ChangePassword(ctx, p, sess.ID, tc.current, tc.next)
				if mentorvault.ErrorCode(err) != tc.code || mentorvault.ErrorFields(err)[tc.field] == "" {
					t.Fatalf("%v %v, want %s on %s", err, mentorvault.ErrorFields(err), tc.code, tc.field)
				}
			})
		}
		if got := mentorvault.ErrorFields(e.Svc.ChangePassword(ctx, p, sess.ID, demo.Password, "password1234"))["new_password"]; got != service.BreachedPasswordReason {
			t.Fatalf("breached reason %q", got)
		}
		if err := e.Svc.ChangePassword(ctx, p, sess.ID, demo.Password, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		// This session stays; the other one (a replayed cookie) is over.
		if _, _, err := e.Svc.AuthenticateSession(ctx, here.Token); err != nil {
			t.Fatalf("the current session ended: %v", err)
		}
		if _, _, err := e.Svc.AuthenticateSession(ctx, other.Token); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("the other session survived: %v", err)
		}
		// API tokens are separate credentials and stay.
		if _, err := e.Svc.AuthenticateToken(ctx, tok); err != nil {
			t.Fatalf("the API token ended: %v", err)
		}
		if _, err := e.Svc.Login(ctx, alice, demo.Password, "10.0.0.3"); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("the old password still works: %v", err)
		}
		if _, err := e.Svc.Login(ctx, alice, "a brand new passphrase", "10.0.0.3"); err != nil {
			t.Fatalf("the new password: %v", err)
		}
		var ok, failed int
		for _, ev := range e.Events(t, head) {
			if ev.Action == "password.change" {
				switch ev.Outcome {
				case mentorvault.OutcomeOK:
					ok++
				case mentorvault.OutcomeFailed:
					failed++
				}
				if ev.Detail != "" && (strings.Contains(ev.Detail, demo.Password) || strings.Contains(ev.Detail, "passphrase")) {
					t.Fatalf("a password in the audit log: %q", ev.Detail)
				}
			}
		}
		if ok != 1 || failed != 1 {
			t.Fatalf("password.change events: ok %d, failed %d", ok, failed)
		}
	})
}

func TestChangePasswordRateLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		p := e.As("bob")
		for i := 0; i < service.MaxFailuresPerPair; i++ {
			if err := e.Svc.ChangePassword(ctx, p, "", "wrong-password", "a brand new passphrase"); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if err := e.Svc.ChangePassword(ctx, p, "", demo.Password, "a brand new passphrase"); mentorvault.ErrorCode(err) != mentorvault.ETOOMANY {
			t.Fatalf("after %d wrong passwords: %v, want too many", service.MaxFailuresPerPair, err)
		}
		if err := e.Svc.ChangePassword(ctx, mentorvault.Principal{}, "", demo.Password, "a brand new passphrase"); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("anonymous: %v", err)
		}
	})
}
