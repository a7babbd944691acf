package service_test

import (
	"bytes"
	"crypto/sha256"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
)

func str(s string) *string { return &s }

// otherOrgAdmin adds an organisation with an admin of its own and returns
// the admin's principal.
func otherOrgAdmin(t *testing.T, e *mvtest.Env) mentorvault.Principal {
	t.Helper()
	org, err := e.Svc.OperatorCreateOrg(ctx, "Globex")
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.Svc.OperatorAddUser(ctx, service.NewUser{OrgID: org.ID, Email: "mallory@globex.example", Name: "Mallory Moss",
		Password: "correct horse battery", OrgAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	return mentorvault.Principal{UserID: u.ID, OrgID: org.ID, Via: "test"}
}

func code(err error) byte {
	return map[string]byte{"": 'A', mentorvault.ENOTFOUND: 'N', mentorvault.EFORBIDDEN: 'F',
		mentorvault.EUNAUTHENTICATED: 'U', mentorvault.ECONFLICT: 'C', mentorvault.EINVALID: 'I'}[mentorvault.ErrorCode(err)]
}

// TestPeopleAccess decides every people operation for every role at the
// service, and checks that each refusal is one denied audit event.
func TestPeopleAccess(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		mallory := otherOrgAdmin(t, e)
		heidi := e.Users["heidi"].ID
		// olga: an org admin of Northwind who was deactivated.
		olga, _, err := e.Svc.AddPerson(ctx, e.As("grace"), service.NewPerson{Name: "Olga Olsen", Email: "olga@northwind.example"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.SetOrgAdmin(ctx, e.As("grace"), olga.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.DeactivatePerson(ctx, e.As("grace"), olga.ID); err != nil {
			t.Fatal(err)
		}
		asOlga := mentorvault.Principal{UserID: olga.ID, OrgID: e.Users["grace"].OrgID, Via: "test"}
		n := 0
		ops := []struct {
			name string
			do   func(p mentorvault.Principal) error
		}{
			{"list", func(p mentorvault.Principal) error {
				_, err := e.Svc.People(ctx, p, service.PeopleFilter{})
				return err
			}},
			{"add", func(p mentorvault.Principal) error {
				n++
				_, _, err := e.Svc.AddPerson(ctx, p, service.NewPerson{Name: "New Person", Email: "new" + string(rune('a'+n)) + "@northwind.example"})
				return err
			}},
			{"view", func(p mentorvault.Principal) error { _, err := e.Svc.PersonByID(ctx, p, heidi); return err }},
			{"update", func(p mentorvault.Principal) error {
				_, err := e.Svc.UpdatePerson(ctx, p, heidi, service.PersonUpdate{Name: str("Heidi Hall")})
				return err
			}},
			{"deactivate", func(p mentorvault.Principal) error {
				_, err := e.Svc.DeactivatePerson(ctx, p, heidi)
				if err == nil {
					_, err = e.Svc.ReactivatePerson(ctx, p, heidi)
				}
				return err
			}},
			{"invite (heidi has a password)", func(p mentorvault.Principal) error { _, _, err := e.Svc.InvitePerson(ctx, p, heidi); return err }},
			{"revoke admin (heidi is none)", func(p mentorvault.Principal) error { _, err := e.Svc.SetOrgAdmin(ctx, p, heidi, false); return err }},
		}
		// A allowed, F forbidden, N not found, U unauthenticated, C conflict.
		// The admin of another organisation lists and adds people of their
		// own organisation only; Northwind's people are not found for them.
		expect := map[string]string{
			"grace":   "AAAAAC" + "A",
			"carol":   "FFFFFF" + "F",
			"erin":    "FFFFFF" + "F",
			"alice":   "FFFFFF" + "F",
			"heidi":   "FFFFFF" + "F",
			"mallory": "AANNNN" + "N",
			"olga":    "UUUUUU" + "U",
			"":        "UUUUUU" + "U",
		}
		principal := map[string]mentorvault.Principal{"mallory": mallory, "olga": asOlga}
		for _, role := range []string{"grace", "carol", "erin", "alice", "heidi", "mallory", "olga", ""} {
			p, ok := principal[role]
			if !ok {
				p = e.As(role)
			}
			for i, op := range ops {
				t.Run(role+"/"+op.name, func(t *testing.T) {
					before := e.Head(t)
					err := op.do(p)
					if got, want := code(err), expect[role][i]; got != want {
						t.Fatalf("got %c (%v), want %c", got, err, want)
					}
					if c := expect[role][i]; c == 'F' || c == 'N' || c == 'U' {
						evs := e.Events(t, before)
						if len(evs) != 1 || evs[0].Outcome != mentorvault.OutcomeDenied || evs[0].ActorID != p.UserID {
							t.Fatalf("a refusal must append one denied event of its actor, got %+v", evs)
						}
					}
				})
			}
		}
		// Mallory's list holds Globex's people only.
		page, err := e.Svc.People(ctx, mallory, service.PeopleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		demoIDs := map[string]bool{}
		for _, u := range e.Users {
			demoIDs[u.ID] = true
		}
		if len(page.People) != 2 { // mallory and the one she added
			t.Fatalf("mallory's list: %d people", len(page.People))
		}
		for _, v := range page.People {
			if demoIDs[v.ID] {
				t.Fatalf("another organisation's admin sees %s", v.Email)
			}
		}
	})
}

// TestPeopleSearchAndPaging: a prefix of the name or the email, any case;
// pages in name order with More telling whether another follows.
func TestPeopleSearchAndPaging(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		grace := e.As("grace")
		names := func(pg *service.PeoplePage) string {
			var out []string
			for _, v := range pg.People {
				out = append(out, v.Name)
			}
			return strings.Join(out, ",")
		}
		// The demo's people in name order (as the store compares names: the
		// search key, byte by byte): the last page holds the last of them.
		sorted := make([]string, 0, len(demo.People))
		for _, p := range demo.People {
			sorted = append(sorted, p.Name)
		}
		slices.SortFunc(sorted, func(a, b string) int { return strings.Compare(mentorvault.SearchKey(a), mentorvault.SearchKey(b)) })
		for _, c := range []struct {
			f    service.PeopleFilter
			want string
			more bool
		}{
			{service.PeopleFilter{Query: "AL"}, "Alice Archer", false},
			{service.PeopleFilter{Query: "judy@"}, "Judy Jones", false},
			{service.PeopleFilter{Query: "archer"}, "", false},
			{service.PeopleFilter{Limit: 3}, strings.Join(sorted[:3], ","), true},
			{service.PeopleFilter{Limit: 3, Offset: len(sorted) - 1}, sorted[len(sorted)-1], false},
		} {
			pg, err := e.Svc.People(ctx, grace, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(pg); got != c.want || pg.More != c.more {
				t.Errorf("%+v: got %q more=%v, want %q more=%v", c.f, got, pg.More, c.want, c.more)
			}
		}
		for _, f := range []service.PeopleFilter{{Limit: -1}, {Offset: -1}, {Limit: mentorvault.MaxPeoplePage + 1}, {Query: "a\x00"}} {
			if _, err := e.Svc.People(ctx, grace, f); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
				t.Errorf("%+v: %v, want invalid", f, err)
			}
		}
		pg, err := e.Svc.People(ctx, grace, service.PeopleFilter{Query: "bob"})
		if err != nil || len(pg.People) != 1 {
			t.Fatalf("%v %+v", err, pg)
		}
		bob := pg.People[0]
		if bob.ManagerName != "Dave Dawson" || !bob.HasPassword || !bob.Active() || !bob.Allowed.Has(policy.DeactivatePerson) || !pg.Allowed.Has(policy.CreatePerson) {
			t.Fatalf("bob's view: %+v", bob)
		}
	})
}

// TestDeactivation: a deactivated person's session and token fail at once
// (replayed), they cannot sign in and are told why; their active
// relationship pauses, their partner is told, the pause is on the
// relationship's access log the partner reads; reactivation lets them in
// again and leaves the relationship paused for the pair to resume.
func TestDeactivation(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		bob := e.Users["bob"]
		login, err := e.Svc.Login(ctx, bob.Email, demo.Password, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := e.Svc.CreateAPIToken(ctx, e.As("bob"), "script")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Svc.AuthenticateSession(ctx, login.Token); err != nil {
			t.Fatal(err)
		}
		before := e.Head(t)
		v, err := e.Svc.DeactivatePerson(ctx, e.As("grace"), bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Active() || v.DeactivatedAt == nil {
			t.Fatalf("view after deactivation: %+v", v)
		}
		if _, _, err := e.Svc.AuthenticateSession(ctx, login.Token); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("replayed session cookie: %v", err)
		}
		if _, err := e.Svc.AuthenticateToken(ctx, token); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("replayed API token: %v", err)
		}
		_, err = e.Svc.Login(ctx, bob.Email, demo.Password, "192.0.2.1")
		if mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED || !strings.Contains(mentorvault.ErrorMessage(err), "deactivated") {
			t.Fatalf("sign-in of a deactivated person: %v", err)
		}
		// A wrong password does not learn that the account is deactivated.
		_, err = e.Svc.Login(ctx, bob.Email, "not the password", "192.0.2.9")
		if strings.Contains(mentorvault.ErrorMessage(err), "deactivated") {
			t.Fatalf("a wrong password was told: %v", err)
		}
		if _, err := e.Svc.Me(ctx, e.As("bob")); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("a deactivated principal: %v", err)
		}
		if got := status(t, e, e.Rel.ID); got != mentorvault.StatusPaused {
			t.Fatalf("relationship is %s, want paused", got)
		}
		evs := e.Events(t, before)
		var acts []string
		for _, ev := range evs {
			acts = append(acts, ev.Action)
		}
		if strings.Join(acts[:2], " ") != "relationship.pause people.deactivate" || evs[0].RelationshipID != e.Rel.ID || evs[0].ActorID != e.Users["grace"].ID {
			t.Fatalf("events: %v", acts)
		}

		ns, err := e.Svc.Notifications(ctx, e.As("alice"), service.NotificationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) == 0 || ns[0].Kind != mentorvault.NotifyPartnerDeactivated || ns[0].RelationshipID != e.Rel.ID || !strings.Contains(ns[0].Text, "Bob Baker") {
			t.Fatalf("alice's notifications: %+v", ns)
		}
		log, err := e.Svc.RelationshipAudit(ctx, e.As("alice"), e.Rel.ID, service.AuditFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, ev := range log.Entries {
			found = found || ev.Action == "relationship.pause"
		}
		if !found {
			t.Fatalf("the pause is not on the relationship's access log: %+v", log.Entries)
		}
		// Existence is kept: bob is still a person of the organisation.
		if _, err := e.Svc.PersonByID(ctx, e.As("grace"), bob.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.DeactivatePerson(ctx, e.As("grace"), bob.ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("deactivating twice: %v", err)
		}

		if _, err := e.Svc.ReactivatePerson(ctx, e.As("grace"), bob.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.Login(ctx, bob.Email, demo.Password, "192.0.2.1"); err != nil {
			t.Fatalf("sign-in after reactivation: %v", err)
		}
		if _, err := e.Svc.AuthenticateToken(ctx, token); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("a token revoked by deactivation stays revoked: %v", err)
		}
		if got := status(t, e, e.Rel.ID); got != mentorvault.StatusPaused {
			t.Fatalf("relationship is %s after reactivation, want paused", got)
		}
		if _, err := e.Svc.Transition(ctx, e.As("alice"), e.Rel.ID, mentorvault.ActResume); err != nil {
			t.Fatalf("the pair resumes: %v", err)
		}
	})
}

// TestLastAdmin: the last active admin can neither lose the role nor be
// deactivated, and is told so; with a second admin both work.
func TestLastAdmin(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		grace, heidi := e.Users["grace"].ID, e.Users["heidi"].ID
		for name, do := range map[string]func() error{
			"revoke": func() error { _, err := e.Svc.SetOrgAdmin(ctx, e.As("grace"), grace, false); return err },
			"deactivate": func() error {
				_, err := e.Svc.DeactivatePerson(ctx, e.As("grace"), grace)
				return err
			},
		} {
			err := do()
			if mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(mentorvault.ErrorMessage(err), "last active admin") {
				t.Fatalf("%s the last admin: %v", name, err)
			}
		}
		if _, err := e.Svc.SetOrgAdmin(ctx, e.As("grace"), heidi, true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.People(ctx, e.As("heidi"), service.PeopleFilter{}); err != nil {
			t.Fatalf("the new admin lists people: %v", err)
		}
		if _, err := e.Svc.SetOrgAdmin(ctx, e.As("heidi"), grace, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.People(ctx, e.As("grace"), service.PeopleFilter{}); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("a former admin lists people: %v", err)
		}
		if _, err := e.Svc.DeactivatePerson(ctx, e.As("heidi"), heidi); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("the last admin deactivates themself: %v", err)
		}
	})
}

// TestPersonEdits: name, email and line manager change; bad values, a
// taken email, a deactivated or unknown manager and a cycle in the manager
// chain are refused with what is wrong.
func TestPersonEdits(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		grace := e.As("grace")
		bob, dave, heidi := e.Users["bob"], e.Users["dave"], e.Users["heidi"]
		v, err := e.Svc.UpdatePerson(ctx, grace, heidi.ID, service.PersonUpdate{Name: str(" Heidi Hall-Jones "), Email: str("Heidi.HJ@Northwind.example"),
			ManagerEmail: str(dave.Email)})
		if err != nil {
			t.Fatal(err)
		}
		if v.Name != "Heidi Hall-Jones" || v.Email != "heidi.hj@northwind.example" || v.ManagerID != dave.ID {
			t.Fatalf("updated: %+v", v)
		}
		if pg, err := e.Svc.People(ctx, grace, service.PeopleFilter{Query: "heidi hall-"}); err != nil || len(pg.People) != 1 {
			t.Fatalf("search by the new name: %v %+v", err, pg)
		}
		if _, err := e.Svc.Login(ctx, "heidi.hj@northwind.example", demo.Password, "192.0.2.3"); err != nil {
			t.Fatalf("sign in with the new email: %v", err)
		}
		before := e.Head(t)
		if _, err := e.Svc.UpdatePerson(ctx, grace, heidi.ID, service.PersonUpdate{Name: str("Heidi Hall-Jones")}); err != nil {
			t.Fatal(err)
		}
		if evs := e.Events(t, before); len(evs) != 0 {
			t.Fatalf("an edit that changes nothing is not recorded: %+v", evs)
		}

		olga, _, err := e.Svc.AddPerson(ctx, grace, service.NewPerson{Name: "Olga Olsen", Email: "olga@northwind.example"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.DeactivatePerson(ctx, grace, olga.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			id    string
			upd   service.PersonUpdate
			code  string
			field string
		}{
			{"own manager", bob.ID, service.PersonUpdate{ManagerID: str(bob.ID)}, mentorvault.EINVALID, "manager"},
			{"cycle", dave.ID, service.PersonUpdate{ManagerID: str(bob.ID)}, mentorvault.EINVALID, "manager"},
			{"longer cycle", dave.ID, service.PersonUpdate{ManagerEmail: str("heidi.hj@northwind.example")}, mentorvault.EINVALID, "manager"},
			{"deactivated manager", bob.ID, service.PersonUpdate{ManagerID: str(olga.ID)}, mentorvault.EINVALID, "manager_id"},
			{"unknown manager", bob.ID, service.PersonUpdate{ManagerEmail: str("nobody@northwind.example")}, mentorvault.EINVALID, "manager_email"},
			{"both", bob.ID, service.PersonUpdate{ManagerID: str(dave.ID), ManagerEmail: str(dave.Email)}, mentorvault.EINVALID, "manager"},
			{"bad email", bob.ID, service.PersonUpdate{Email: str("not an email")}, mentorvault.EINVALID, "email"},
			{"empty name", bob.ID, service.PersonUpdate{Name: str("  ")}, mentorvault.EINVALID, "name"},
			{"control character", bob.ID, service.PersonUpdate{Name: str("Bob\x07")}, mentorvault.EINVALID, "name"},
			{"taken email", bob.ID, service.PersonUpdate{Email: str(e.Users["alice"].Email)}, mentorvault.ECONFLICT, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := e.Svc.UpdatePerson(ctx, grace, c.id, c.upd)
				if mentorvault.ErrorCode(err) != c.code {
					t.Fatalf("%v, want %s", err, c.code)
				}
				if c.field != "" && mentorvault.ErrorFields(err)[c.field] == "" {
					t.Fatalf("no problem on %s: %v %v", c.field, err, mentorvault.ErrorFields(err))
				}
			})
		}
		// heidi is managed by dave, so dave under heidi is a cycle; bob's
		// manager is still dave and his record unchanged.
		got, err := e.Svc.PersonByID(ctx, grace, bob.ID)
		if err != nil || got.ManagerID != dave.ID || got.Name != bob.Name || got.Email != bob.Email {
			t.Fatalf("bob after refused edits: %v %+v", err, got)
		}
		if _, err := e.Svc.UpdatePerson(ctx, grace, bob.ID, service.PersonUpdate{ManagerID: str("")}); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.Svc.PersonByID(ctx, grace, bob.ID); got.ManagerID != "" {
			t.Fatalf("manager not cleared: %+v", got)
		}
	})
}

// TestInvitations: adding a person makes a single-use link stored only as
// a hash; the invitee sets a password (the usual rules) and is signed in;
// a used, replaced or expired link says so; nobody re-invites a person who
// has a password.
func TestInvitations(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		grace := e.As("grace")
		before := e.Head(t)
		v, link, err := e.Svc.AddPerson(ctx, grace, service.NewPerson{Name: "Nina New", Email: "Nina@Northwind.example", ManagerEmail: "dave@northwind.example"})
		if err != nil {
			t.Fatal(err)
		}
		if v.HasPassword || v.Invitation != mentorvault.InvitationOpen || v.ManagerName != "Dave Dawson" || !v.CanInvite() {
			t.Fatalf("new person: %+v", v)
		}
		if !link.ExpiresAt.Equal(v.CreatedAt.Add(7 * 24 * time.Hour)) {
			t.Fatalf("expires %v, created %v", link.ExpiresAt, v.CreatedAt)
		}
		evs := e.Events(t, before)
		if len(evs) != 1 || evs[0].Action != "people.create" || evs[0].ResourceID != v.ID || strings.Contains(evs[0].Detail, link.Token) {
			t.Fatalf("events: %+v", evs)
		}
		tx, err := e.DB.BeginTx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		invs, err := tx.FindInvitations(ctx, v.ID)
		tx.Rollback()
		if err != nil || len(invs) != 1 {
			t.Fatal(err, invs)
		}
		sum := sha256.Sum256([]byte(link.Token))
		if !bytes.Equal(invs[0].TokenHash, sum[:]) {
			t.Fatal("the invitation is not stored as the token's SHA-256")
		}
		if _, _, err := e.Svc.AddPerson(ctx, grace, service.NewPerson{Name: "Nina Again", Email: "nina@northwind.example"}); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("a taken email: %v", err)
		}
		if _, err := e.Svc.Login(ctx, "nina@northwind.example", "", "192.0.2.4"); err == nil {
			t.Fatal("signed in without a password")
		}

		// Invite again: the first link stops working.
		_, link2, err := e.Svc.InvitePerson(ctx, grace, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.Invitation(ctx, link.Token); !strings.Contains(mentorvault.ErrorMessage(err), "replaced") {
			t.Fatalf("the replaced link: %v", err)
		}
		iv, err := e.Svc.Invitation(ctx, link2.Token)
		if err != nil || iv.Email != "nina@northwind.example" || iv.OrgName != "Northwind" {
			t.Fatalf("%v %+v", err, iv)
		}
		for _, bad := range []string{"", "mvi_nope", "mvs_" + link2.Token[4:], link2.Token + "x"} {
			if _, err := e.Svc.Invitation(ctx, bad); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
				t.Fatalf("token %q: %v", bad, err)
			}
		}
		if _, err := e.Svc.AcceptInvitation(ctx, link2.Token, "short"); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("a short password: %v", err)
		}
		res, err := e.Svc.AcceptInvitation(ctx, link2.Token, "a long enough password")
		if err != nil {
			t.Fatal(err)
		}
		if p, _, err := e.Svc.AuthenticateSession(ctx, res.Token); err != nil || p.UserID != v.ID {
			t.Fatalf("signed in as %v: %v", p, err)
		}
		_, err = e.Svc.AcceptInvitation(ctx, link2.Token, "another long password")
		if mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(mentorvault.ErrorMessage(err), "already been used") {
			t.Fatalf("a used link: %v", err)
		}
		if _, err := e.Svc.Login(ctx, "nina@northwind.example", "a long enough password", "192.0.2.4"); err != nil {
			t.Fatalf("sign in with the password set: %v", err)
		}
		if _, _, err := e.Svc.InvitePerson(ctx, grace, v.ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("re-inviting someone with a password: %v", err)
		}

		// Expiry: seven days later the link says so.
		_, link3, err := e.Svc.AddPerson(ctx, grace, service.NewPerson{Name: "Omar Old", Email: "omar@northwind.example"})
		if err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(mentorvault.InvitationTTL + time.Minute)
		e.DB.SetClock(func() time.Time { return later })
		_, err = e.Svc.AcceptInvitation(ctx, link3.Token, "a long enough password")
		if mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(mentorvault.ErrorMessage(err), "expired") {
			t.Fatalf("an expired link: %v", err)
		}
	})
}
