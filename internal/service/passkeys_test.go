package service_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

const origin = "https://mentorvault.example.org"

// registerPasskey adds a passkey of the software authenticator to who's account.
func registerPasskey(t *testing.T, e *mvtest.Env, who string, a *mvtest.Authenticator) {
	t.Helper()
	o, err := e.Svc.BeginPasskeyRegistration(ctx, e.As(who), origin)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := a.Create(o.Options)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.FinishPasskeyRegistration(ctx, e.As(who), origin, o.Ceremony, "laptop", cred); err != nil {
		t.Fatal(err)
	}
}

// actions lists the audit events after head as "action/outcome".
func actions(t *testing.T, e *mvtest.Env, head int64) []string {
	t.Helper()
	var out []string
	for _, ev := range e.Events(t, head) {
		out = append(out, ev.Action+"/"+ev.Outcome)
		for _, secret := range []string{"mvw_", "mvp_", "mvs_"} {
			if strings.Contains(ev.Detail, secret) {
				t.Errorf("event %s carries a secret: %q", ev.Action, ev.Detail)
			}
		}
	}
	return out
}

func TestPasskeyRegisterAndSignIn(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		a := mvtest.NewAuthenticator(origin)
		head := e.Head(t)
		registerPasskey(t, e, "alice", a)
		sec, err := e.Svc.Security(ctx, e.As("alice"))
		if err != nil {
			t.Fatal(err)
		}
		if len(sec.Passkeys) != 1 || sec.Passkeys[0].Name != "laptop" || sec.Passkeys[0].LastUsedAt != nil {
			t.Fatalf("passkeys after adding one: %+v", sec.Passkeys)
		}
		// Someone else's security page does not show alice's.
		if other, err := e.Svc.Security(ctx, e.As("bob")); err != nil || len(other.Passkeys) != 0 {
			t.Fatalf("bob's passkeys: %+v %v", other, err)
		}

		o, err := e.Svc.BeginPasskeyLogin(ctx, origin)
		if err != nil {
			t.Fatal(err)
		}
		assertion, err := a.Get(o.Options)
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Svc.FinishPasskeyLogin(ctx, origin, o.Ceremony, assertion)
		if err != nil {
			t.Fatal(err)
		}
		if res.User.ID != e.Users["alice"].ID || res.Token == "" {
			t.Fatalf("signed in as %+v", res.User)
		}
		p, _, err := e.Svc.AuthenticateSession(ctx, res.Token)
		if err != nil || p.UserID != e.Users["alice"].ID {
			t.Fatalf("the passkey's session: %v %v", p, err)
		}
		// Replayed: the same challenge and answer again.
		if _, err := e.Svc.FinishPasskeyLogin(ctx, origin, o.Ceremony, assertion); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("a replayed challenge: %v", err)
		}
		sec, _ = e.Svc.Security(ctx, e.As("alice"))
		if sec.Passkeys[0].LastUsedAt == nil {
			t.Fatal("the passkey's last use is not recorded")
		}
		got := actions(t, e, head)
		for _, want := range []string{"passkey.add/ok", "login.passkey/ok", "login.passkey/failed"} {
			if !slices.Contains(got, want) {
				t.Errorf("audit %v lacks %s", got, want)
			}
		}
	})
}

func TestPasskeyRefusals(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		a := mvtest.NewAuthenticator(origin)
		registerPasskey(t, e, "alice", a)
		signIn := func(t *testing.T, a *mvtest.Authenticator) error {
			t.Helper()
			o, err := e.Svc.BeginPasskeyLogin(ctx, origin)
			if err != nil {
				t.Fatal(err)
			}
			assertion, err := a.Get(o.Options)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Svc.FinishPasskeyLogin(ctx, origin, o.Ceremony, assertion)
			return err
		}
		if err := signIn(t, a); err != nil { // count 1
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			tweak func(*mvtest.Authenticator)
		}{
			{"wrong origin (a phishing site)", func(a *mvtest.Authenticator) { a.Origin = "https://mentorvault.example.org.evil.example" }},
			{"wrong RP ID", func(a *mvtest.Authenticator) { a.RPID = "evil.example" }},
			{"sign count went back", func(a *mvtest.Authenticator) { n := uint32(1); a.Counter = &n }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b := *a
				tc.tweak(&b)
				head := e.Head(t)
				if err := signIn(t, &b); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
					t.Fatalf("got %v, want EUNAUTHENTICATED", err)
				}
				if got := actions(t, e, head); !slices.Equal(got, []string{"login.passkey/failed"}) {
					t.Fatalf("audit %v", got)
				}
			})
		}
		// A registration answered from the wrong origin is not stored.
		o, err := e.Svc.BeginPasskeyRegistration(ctx, e.As("bob"), origin)
		if err != nil {
			t.Fatal(err)
		}
		phish := mvtest.NewAuthenticator("https://evil.example")
		cred, _ := phish.Create(o.Options)
		if _, err := e.Svc.FinishPasskeyRegistration(ctx, e.As("bob"), origin, o.Ceremony, "x", cred); mentorvault.ErrorFields(err)["credential"] == "" {
			t.Fatalf("a registration from another origin: %v", err)
		}
		// Another's challenge: bob cannot finish a ceremony alice began.
		o, _ = e.Svc.BeginPasskeyRegistration(ctx, e.As("alice"), origin)
		cred, _ = mvtest.NewAuthenticator(origin).Create(o.Options)
		if _, err := e.Svc.FinishPasskeyRegistration(ctx, e.As("bob"), origin, o.Ceremony, "x", cred); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("finishing someone else's ceremony: %v", err)
		}
		if sec, _ := e.Svc.Security(ctx, e.As("bob")); len(sec.Passkeys) != 0 {
			t.Fatalf("bob has passkeys %+v", sec.Passkeys)
		}
	})
}

func TestRequiredSecondFactor(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		const carol = "carol@northwind.example" // a coordinator
		// Only org admins set the policy.
		if _, err := e.Svc.SetMFAPolicy(ctx, e.As("carol"), true, nil); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("a coordinator set the policy: %v", err)
		}
		if _, err := e.Svc.SetMFAPolicy(ctx, e.As("grace"), false, []string{"coordinator", "boss"}); mentorvault.ErrorFields(err)["roles"] == "" {
			t.Fatalf("an unknown role: %v", err)
		}
		head := e.Head(t)
		if _, err := e.Svc.SetMFAPolicy(ctx, e.As("grace"), false, []string{"coordinator"}); err != nil {
			t.Fatal(err)
		}
		if got := actions(t, e, head); !slices.Contains(got, "mfa.policy/ok") {
			t.Fatalf("audit %v", got)
		}
		// heidi (a member) still signs in with her password alone.
		if res, err := e.Svc.Login(ctx, "heidi@northwind.example", demo.Password, "10.0.0.1"); err != nil || res.Token == "" || res.Pending != "" {
			t.Fatalf("heidi: %+v %v", res, err)
		}
		// carol gets no session: she must add a passkey first.
		res, err := e.Svc.Login(ctx, carol, demo.Password, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if res.Token != "" || res.Session != nil || res.Pending == "" {
			t.Fatalf("a required second factor gave a session: %+v", res)
		}
		if _, _, err := e.Svc.AuthenticateSession(ctx, res.Pending); err == nil {
			t.Fatal("the pending sign-in's token works as a session")
		}
		pend, err := e.Svc.PendingSignIn(ctx, res.Pending)
		if err != nil || !pend.MustEnrol {
			t.Fatalf("pending: %+v %v", pend, err)
		}
		a := mvtest.NewAuthenticator(origin)
		o, err := e.Svc.BeginSecondFactorEnrolment(ctx, res.Pending, origin)
		if err != nil {
			t.Fatal(err)
		}
		cred, _ := a.Create(o.Options)
		done, err := e.Svc.FinishSecondFactorEnrolment(ctx, res.Pending, origin, o.Ceremony, "phone", cred)
		if err != nil || done.Token == "" {
			t.Fatalf("enrolment: %+v %v", done, err)
		}
		// The pending sign-in is used up.
		if _, err := e.Svc.PendingSignIn(ctx, res.Pending); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("pending after use: %v", err)
		}

		// Next time: password, then the passkey.
		res, err = e.Svc.Login(ctx, carol, demo.Password, "10.0.0.1")
		if err != nil || res.Pending == "" {
			t.Fatalf("second sign-in: %+v %v", res, err)
		}
		if pend, _ := e.Svc.PendingSignIn(ctx, res.Pending); pend.MustEnrol || !pend.HasPasskey {
			t.Fatalf("pending: %+v", pend)
		}
		o, err = e.Svc.BeginSecondFactor(ctx, res.Pending, origin)
		if err != nil {
			t.Fatal(err)
		}
		assertion, _ := a.Get(o.Options)
		// The answer to this challenge does not complete another pending sign-in.
		other, _ := e.Svc.Login(ctx, carol, demo.Password, "10.0.0.1")
		if _, err := e.Svc.FinishSecondFactor(ctx, other.Pending, origin, o.Ceremony, assertion); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("a challenge of another sign-in: %v", err)
		}
		o, _ = e.Svc.BeginSecondFactor(ctx, res.Pending, origin)
		assertion, _ = a.Get(o.Options)
		done, err = e.Svc.FinishSecondFactor(ctx, res.Pending, origin, o.Ceremony, assertion)
		if err != nil || done.Token == "" || done.User.ID != e.Users["carol"].ID {
			t.Fatalf("password + passkey: %+v %v", done, err)
		}
		if _, _, err := e.Svc.AuthenticateSession(ctx, done.Token); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPersonalSecondFactorAndRecoveryCodes(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		const alice = "alice@northwind.example"
		if err := e.Svc.SetSecondFactor(ctx, e.As("alice"), true); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("turning it on without a passkey: %v", err)
		}
		a := mvtest.NewAuthenticator(origin)
		registerPasskey(t, e, "alice", a)
		if err := e.Svc.SetSecondFactor(ctx, e.As("alice"), true); err != nil {
			t.Fatal(err)
		}
		head := e.Head(t)
		codes, err := e.Svc.GenerateRecoveryCodes(ctx, e.As("alice"))
		if err != nil || len(codes) != 10 {
			t.Fatalf("codes %v %v", codes, err)
		}
		for _, ev := range e.Events(t, head) {
			for _, c := range codes {
				if strings.Contains(ev.Detail, c) {
					t.Fatalf("the audit log has a recovery code: %+v", ev)
				}
			}
		}
		res, err := e.Svc.Login(ctx, alice, demo.Password, "10.0.0.1")
		if err != nil || res.Pending == "" || res.Token != "" {
			t.Fatalf("alice asked for her passkey after her password: %+v %v", res, err)
		}
		if _, err := e.Svc.UseRecoveryCode(ctx, res.Pending, "aaaa-bbbb-cccc"); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("a wrong code: %v", err)
		}
		// Typed in capitals without dashes, the code still works — once.
		typed := strings.ToUpper(strings.ReplaceAll(codes[3], "-", " "))
		done, err := e.Svc.UseRecoveryCode(ctx, res.Pending, typed)
		if err != nil || done.Token == "" {
			t.Fatalf("a right code: %+v %v", done, err)
		}
		res, _ = e.Svc.Login(ctx, alice, demo.Password, "10.0.0.1")
		if _, err := e.Svc.UseRecoveryCode(ctx, res.Pending, codes[3]); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("a used code again: %v", err)
		}
		// The person is told.
		notes, err := e.Svc.Notifications(ctx, e.As("alice"), service.NotificationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		told := false
		for _, n := range notes {
			told = told || n.Kind == service.NotifySecurity
		}
		if !told {
			t.Fatal("using a recovery code notified nobody")
		}
		// New codes invalidate the old ones.
		fresh, err := e.Svc.GenerateRecoveryCodes(ctx, e.As("alice"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.UseRecoveryCode(ctx, res.Pending, codes[4]); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("an old code after new ones: %v", err)
		}
		if done, err := e.Svc.UseRecoveryCode(ctx, res.Pending, fresh[0]); err != nil || done.Token == "" {
			t.Fatalf("a new code: %v", err)
		}
		got := actions(t, e, head)
		for _, want := range []string{"recovery.generate/ok", "recovery.use/ok", "recovery.use/failed"} {
			if !slices.Contains(got, want) {
				t.Errorf("audit %v lacks %s", got, want)
			}
		}
		// Rate limit: five wrong codes, then even a right one waits.
		res, _ = e.Svc.Login(ctx, alice, demo.Password, "10.0.0.1")
		for range 5 {
			_, _ = e.Svc.UseRecoveryCode(ctx, res.Pending, "zzzz-zzzz-zzzz")
		}
		if _, err := e.Svc.UseRecoveryCode(ctx, res.Pending, fresh[1]); mentorvault.ErrorCode(err) != mentorvault.ETOOMANY {
			t.Fatalf("after five wrong codes: %v", err)
		}
	})
}

func TestPasskeyStepUp(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := newPair(t, e)
		d, err := e.Svc.StartDraft(ctx, e.As("frank"), rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		a := mvtest.NewAuthenticator(origin)
		registerPasskey(t, e, "frank", a)
		stepUp := func(t *testing.T, who string, a *mvtest.Authenticator) service.StepUp {
			t.Helper()
			o, err := e.Svc.BeginStepUp(ctx, e.As(who), origin)
			if err != nil {
				t.Fatal(err)
			}
			cred, err := a.Get(o.Options)
			if err != nil {
				t.Fatal(err)
			}
			return service.StepUp{Ceremony: o.Ceremony, Credential: cred, Origin: origin}
		}
		// heidi has no passkey: no step-up to begin.
		if _, err := e.Svc.BeginStepUp(ctx, e.As("heidi"), origin); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("a step-up without a passkey: %v", err)
		}
		// A passkey answer from the wrong origin does not sign.
		b := *a
		b.Origin = "https://evil.example"
		if _, err := e.Svc.SignAgreementStepUp(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, stepUp(t, "frank", &b)); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("signing with a phished passkey answer: %v", err)
		}
		su := stepUp(t, "frank", a)
		head := e.Head(t)
		if _, err := e.Svc.SignAgreementStepUp(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, su); err != nil {
			t.Fatalf("signing with a passkey: %v", err)
		}
		if got := actions(t, e, head); !slices.Contains(got, "agreement.sign/ok") {
			t.Fatalf("audit %v", got)
		}
		// The same answer again (replayed) is refused before anything else.
		if _, err := e.Svc.SignAgreementStepUp(ctx, e.As("heidi"), rel.ID, d.ID, d.Hash, su); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("a replayed step-up: %v", err)
		}
		// The password still works for heidi.
		if v, err := e.Svc.SignAgreement(ctx, e.As("heidi"), rel.ID, d.ID, d.Hash, demo.Password); err != nil || v.State != mentorvault.AgreementInForce {
			t.Fatalf("heidi signs with her password: %v", err)
		}

		// Removing a passkey needs a step-up too.
		sec, _ := e.Svc.Security(ctx, e.As("frank"))
		id := sec.Passkeys[0].ID
		if err := e.Svc.RemovePasskey(ctx, e.As("frank"), id, service.StepUp{Password: "not-the-password"}); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("removing with a wrong password: %v", err)
		}
		if err := e.Svc.RemovePasskey(ctx, e.As("heidi"), id, service.StepUp{Password: demo.Password}); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Fatalf("removing someone else's passkey: %v", err)
		}
		if err := e.Svc.RenamePasskey(ctx, e.As("frank"), id, "old phone"); err != nil {
			t.Fatal(err)
		}
		head = e.Head(t)
		if err := e.Svc.RemovePasskey(ctx, e.As("frank"), id, stepUp(t, "frank", a)); err != nil {
			t.Fatalf("removing with the passkey itself: %v", err)
		}
		if got := actions(t, e, head); !slices.Contains(got, "passkey.remove/ok") {
			t.Fatalf("audit %v", got)
		}
		if sec, _ := e.Svc.Security(ctx, e.As("frank")); len(sec.Passkeys) != 0 {
			t.Fatalf("still there: %+v", sec.Passkeys)
		}
	})
}
