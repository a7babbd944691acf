package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestPeopleStore is the people part of the conformance suite, on every backend.
func TestPeopleStore(t *testing.T) {
	tests := []struct {
		name string
		fn   func(t *testing.T, db *sqlstore.DB)
	}{
		{"FindPeople", testFindPeople},
		{"UpdateUser", testUpdateUser},
		{"OrgAdminsAndTokens", testOrgAdminsAndTokens},
		{"Invitations", testInvitations},
		{"CreateUsers", testCreateUsers},
	}
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					db := b.Open(t)
					db.SetClock(func() time.Time { return t0 })
					tt.fn(t, db)
				})
			}
		})
	}
}

func namesOf(us []*mentorvault.User) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, u.Name)
	}
	return out
}

func testFindPeople(t *testing.T, db *sqlstore.DB) {
	tx := begin(t, db)
	org := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Acme", CreatedAt: us(t0)}
	other := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Globex", CreatedAt: us(t0)}
	ok(t, tx.CreateOrg(ctx, org))
	ok(t, tx.CreateOrg(ctx, other))
	add := func(orgID, name, email string) {
		ok(t, tx.CreateUser(ctx, &mentorvault.User{ID: mentorvault.NewID(), OrgID: orgID, Email: email, Name: name, CreatedAt: us(t0)}))
	}
	add(org.ID, "zoë Brown", "zb@acme.example")
	add(org.ID, "Alice Smith", "alice@acme.example")
	add(org.ID, "alan Turing", "turing@acme.example")
	add(org.ID, "Bob Jones", "al.bob@acme.example")
	add(org.ID, "Émile Zola", "emile@acme.example")
	add(other.ID, "Alma Other", "alma@globex.example")
	commit(t, tx)

	cases := []struct {
		name string
		f    mentorvault.PeopleFilter
		want []string
	}{
		{"all by name, ignoring case", mentorvault.PeopleFilter{OrgID: org.ID},
			[]string{"alan Turing", "Alice Smith", "Bob Jones", "zoë Brown", "Émile Zola"}},
		{"name or email prefix, any case", mentorvault.PeopleFilter{OrgID: org.ID, Query: "AL"},
			[]string{"alan Turing", "Alice Smith", "Bob Jones"}},
		{"longer prefix", mentorvault.PeopleFilter{OrgID: org.ID, Query: "ali"}, []string{"Alice Smith"}},
		{"email prefix", mentorvault.PeopleFilter{OrgID: org.ID, Query: "turing@"}, []string{"alan Turing"}},
		{"not a middle word", mentorvault.PeopleFilter{OrgID: org.ID, Query: "smith"}, []string{}},
		{"non-ASCII, any case", mentorvault.PeopleFilter{OrgID: org.ID, Query: "ZOË"}, []string{"zoë Brown"}},
		{"non-ASCII capital", mentorvault.PeopleFilter{OrgID: org.ID, Query: "émile"}, []string{"Émile Zola"}},
		{"a page", mentorvault.PeopleFilter{OrgID: org.ID, Limit: 2, Offset: 1}, []string{"Alice Smith", "Bob Jones"}},
		{"past the end", mentorvault.PeopleFilter{OrgID: org.ID, Offset: 10}, []string{}},
		{"another organisation", mentorvault.PeopleFilter{OrgID: other.ID, Query: "al"}, []string{"Alma Other"}},
		{"LIKE characters are plain", mentorvault.PeopleFilter{OrgID: org.ID, Query: "%"}, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx := begin(t, db)
			got, err := tx.FindPeople(ctx, c.f)
			ok(t, err)
			equal(t, namesOf(got), c.want)
		})
	}
}

func testUpdateUser(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	u, err := tx.FindUserByID(ctx, f.other.ID)
	ok(t, err)
	u.Name, u.Email, u.ManagerID, u.OrgAdmin = "Zed Renamed", "zed@acme.example", f.manager.ID, true
	at := us(t0.Add(time.Hour))
	u.DisabledAt = &at
	ok(t, tx.UpdateUser(ctx, u))
	got, err := tx.FindUserByID(ctx, u.ID)
	ok(t, err)
	equal(t, got, u)
	// The new name is what the list searches and sorts by.
	ps, err := tx.FindPeople(ctx, mentorvault.PeopleFilter{OrgID: f.org.ID, Query: "zed r"})
	ok(t, err)
	equal(t, namesOf(ps), []string{"Zed Renamed"})

	taken := *got
	taken.Email = f.mentor.Email
	wantCode(t, tx.UpdateUser(ctx, &taken), mentorvault.ECONFLICT)
	// The transaction is still usable after the conflict.
	gone := *got
	gone.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateUser(ctx, &gone), mentorvault.ENOTFOUND)
	bad := *got
	bad.ManagerID = mentorvault.NewID()
	wantCode(t, tx.UpdateUser(ctx, &bad), mentorvault.EINVALID)
	commit(t, tx)
}

func testOrgAdminsAndTokens(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	ok(t, tx.LockOrgPeople(ctx, f.org.ID))
	n, err := tx.CountOrgAdmins(ctx, f.org.ID)
	ok(t, err)
	equal(t, n, 0)
	for _, id := range []string{f.mentor.ID, f.manager.ID} {
		u, err := tx.FindUserByID(ctx, id)
		ok(t, err)
		u.OrgAdmin = true
		if id == f.manager.ID {
			at := us(t0)
			u.DisabledAt = &at // a deactivated admin does not count
		}
		ok(t, tx.UpdateUser(ctx, u))
	}
	n, err = tx.CountOrgAdmins(ctx, f.org.ID)
	ok(t, err)
	equal(t, n, 1)

	for i, name := range []string{"a", "b"} {
		ok(t, tx.CreateAPIToken(ctx, &mentorvault.APIToken{ID: mentorvault.NewID(), UserID: f.mentor.ID, Name: name,
			Hash: []byte{byte(i), 1, 2}, CreatedAt: us(t0)}))
	}
	ok(t, tx.CreateAPIToken(ctx, &mentorvault.APIToken{ID: mentorvault.NewID(), UserID: f.mentee.ID, Name: "other",
		Hash: []byte{9, 9, 9}, CreatedAt: us(t0)}))
	at := us(t0.Add(time.Minute))
	ok(t, tx.RevokeUserAPITokens(ctx, f.mentor.ID, at))
	ts, err := tx.FindAPITokens(ctx, f.mentor.ID)
	ok(t, err)
	for _, tk := range ts {
		if tk.RevokedAt == nil || !tk.RevokedAt.Equal(at) {
			t.Fatalf("token %s not revoked at %v: %v", tk.Name, at, tk.RevokedAt)
		}
	}
	ts, err = tx.FindAPITokens(ctx, f.mentee.ID)
	ok(t, err)
	if ts[0].RevokedAt != nil {
		t.Fatal("another user's token was revoked")
	}
	commit(t, tx)
}

func testInvitations(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	first := &mentorvault.Invitation{ID: mentorvault.NewID(), UserID: f.other.ID, TokenHash: []byte("hash-1"), CreatedByID: f.manager.ID,
		CreatedAt: us(t0), ExpiresAt: us(t0.Add(mentorvault.InvitationTTL))}
	ok(t, tx.CreateInvitation(ctx, first))
	cli := &mentorvault.Invitation{ID: mentorvault.NewID(), UserID: f.other.ID, TokenHash: []byte("hash-2"),
		CreatedAt: us(t0.Add(time.Second)), ExpiresAt: us(t0.Add(mentorvault.InvitationTTL))}
	ok(t, tx.CreateInvitation(ctx, cli))
	wantCode(t, tx.CreateInvitation(ctx, &mentorvault.Invitation{ID: mentorvault.NewID(), UserID: f.other.ID, TokenHash: []byte("hash-1"),
		CreatedAt: us(t0), ExpiresAt: us(t0)}), mentorvault.ECONFLICT)

	got, err := tx.FindInvitationByHash(ctx, []byte("hash-1"))
	ok(t, err)
	equal(t, got, first)
	_, err = tx.FindInvitationByHash(ctx, []byte("nope"))
	wantCode(t, err, mentorvault.ENOTFOUND)
	list, err := tx.FindInvitations(ctx, f.other.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Invitation{cli, first})

	at := us(t0.Add(time.Minute))
	ok(t, tx.UseInvitation(ctx, first.ID, at))
	wantCode(t, tx.UseInvitation(ctx, first.ID, at), mentorvault.ECONFLICT)
	ok(t, tx.RevokeUserInvitations(ctx, f.other.ID, at))
	wantCode(t, tx.UseInvitation(ctx, cli.ID, at), mentorvault.ECONFLICT)
	list, err = tx.FindInvitations(ctx, f.other.ID)
	ok(t, err)
	if list[0].RevokedAt == nil || list[1].RevokedAt != nil || list[1].UsedAt == nil {
		t.Fatalf("after use and revoke: %+v %+v", list[0], list[1])
	}
	equal(t, list[1].State(at), mentorvault.InvitationUsed)
	equal(t, list[0].State(at), mentorvault.InvitationRevoked)
	commit(t, tx)
}

func testCreateUsers(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	var list []*mentorvault.User
	var emails []string
	for i := range 1203 { // more than two batches
		u := &mentorvault.User{ID: mentorvault.NewID(), OrgID: f.org.ID, Email: fmt.Sprintf("bulk%04d@acme.example", i), Name: fmt.Sprintf("Bulk %04d", i), CreatedAt: us(t0)}
		if i > 0 {
			u.ManagerID = list[0].ID
		}
		list = append(list, u)
		emails = append(emails, u.Email)
	}
	ok(t, tx.CreateUsers(ctx, list))
	got, err := tx.FindUsersByEmails(ctx, append(emails, f.mentor.Email, "nobody@acme.example"))
	ok(t, err)
	equal(t, len(got), 1204)
	one, err := tx.FindUserByEmail(ctx, "bulk1202@acme.example")
	ok(t, err)
	equal(t, one, list[1202])
	ps, err := tx.FindPeople(ctx, mentorvault.PeopleFilter{OrgID: f.org.ID, Query: "BULK 120"})
	ok(t, err)
	equal(t, namesOf(ps), []string{"Bulk 1200", "Bulk 1201", "Bulk 1202"})
	wantCode(t, tx.CreateUsers(ctx, []*mentorvault.User{{ID: mentorvault.NewID(), OrgID: f.org.ID, Email: f.mentee.Email, Name: "Dup", CreatedAt: us(t0)}}), mentorvault.ECONFLICT)
	none, err := tx.FindUsersByEmails(ctx, nil)
	ok(t, err)
	equal(t, len(none), 0)
	commit(t, tx)
}
