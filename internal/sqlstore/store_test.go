package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// t0 has nanoseconds on purpose: stores keep microseconds.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)

// us returns t as both backends store it: UTC, truncated to microseconds.
func us(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func ptr[T any](v T) *T { return &v }

// TestStore is the conformance suite: every backend must pass all of it.
func TestStore(t *testing.T) {
	tests := []struct {
		name string
		fn   func(t *testing.T, db *sqlstore.DB)
	}{
		{"Clock", testClock},
		{"Orgs", testOrgs},
		{"Programmes", testProgrammes},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"APITokens", testAPITokens},
		{"LoginFailures", testLoginFailures},
		{"Relationships", testRelationships},
		{"Matches", testMatches},
		{"DataKeys", testDataKeys},
		{"Notes", testNotes},
		{"ProgrammeSettings", testProgrammeSettings},
		{"Guidelines", testGuidelines},
		{"AgreementVersions", testAgreementVersions},
		{"AgreementSignatures", testAgreementSignatures},
		{"AgreementComments", testAgreementComments},
		{"Reviews", testReviews},
		{"Meetings", testMeetings},
		{"MeetingsForUser", testMeetingsForUser},
		{"ReminderAcks", testReminderAcks},
		{"MeetingNotes", testMeetingNotes},
		{"Goals", testGoals},
		{"Commitments", testCommitments},
		{"Feedback", testFeedback},
		{"Notifications", testNotifications},
		{"CalendarFeeds", testCalendarFeeds},
		{"Concerns", testConcerns},
		{"ConcernSteps", testConcernSteps},
		{"Disclosures", testDisclosures},
		{"Consultations", testConsultations},
		{"Jobs", testJobs},
		{"JobsClaimedOnce", testJobsClaimedOnce},
		{"JobsSkipLocked", testJobsSkipLocked},
		{"InputRequests", testInputRequests},
		{"Statements", testStatements},
		{"ThreeWays", testThreeWays},
		{"Audit", testAudit},
		{"AuditConcurrent", testAuditConcurrent},
		{"Rollback", testRollback},
		{"ErrorKeepsTx", testErrorKeepsTx},
		{"Migrate", testMigrate},
		{"Rebind", testRebind},
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

// --- helpers ---

func begin(t *testing.T, db *sqlstore.DB) mentorvault.Tx {
	t.Helper()
	tx, err := db.BeginTx(context.Background())
	if err != nil {
		t.Fatalf("BeginTx: %v", err)
	}
	t.Cleanup(func() { tx.Rollback() })
	return tx
}

func commit(t *testing.T, tx mentorvault.Tx) {
	t.Helper()
	if err := tx.Commit(); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := mentorvault.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if code != mentorvault.EINTERNAL && mentorvault.ErrorMessage(err) == "internal error" {
		t.Fatalf("error %v has no caller-safe message", err)
	}
}

func equal(t *testing.T, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Fatalf("mismatch\n got: %s\nwant: %s", g, w)
	}
}

var ctx = context.Background()

// fixture is an organisation with a programme, four users and a relationship.
type fixture struct {
	org                            *mentorvault.Org
	prog                           *mentorvault.Programme
	mentor, mentee, manager, other *mentorvault.User
	rel                            *mentorvault.Relationship
}

var userSeq int

func newUser(t *testing.T, tx mentorvault.Tx, orgID, name string) *mentorvault.User {
	t.Helper()
	userSeq++
	u := &mentorvault.User{
		ID: mentorvault.NewID(), OrgID: orgID, Email: fmt.Sprintf("%s%d@example.org", strings.ToLower(name), userSeq),
		Name: name, PasswordHash: "$argon2id$v=19$x", CreatedAt: us(t0),
	}
	ok(t, tx.CreateUser(ctx, u))
	return u
}

func seed(t *testing.T, db *sqlstore.DB) *fixture {
	t.Helper()
	tx := begin(t, db)
	f := &fixture{}
	f.org = &mentorvault.Org{ID: mentorvault.NewID(), Name: "Acme", CreatedAt: us(t0)}
	ok(t, tx.CreateOrg(ctx, f.org))
	f.prog = &mentorvault.Programme{ID: mentorvault.NewID(), OrgID: f.org.ID, Name: "Leaders", Kind: mentorvault.ProgrammeMentoring, DefaultCapacity: 1, CreatedAt: us(t0)}
	ok(t, tx.CreateProgramme(ctx, f.prog))
	f.mentor = newUser(t, tx, f.org.ID, "Mentor")
	f.mentee = newUser(t, tx, f.org.ID, "Mentee")
	f.manager = newUser(t, tx, f.org.ID, "Manager")
	f.other = newUser(t, tx, f.org.ID, "Other")
	f.rel = &mentorvault.Relationship{
		ID: mentorvault.NewID(), OrgID: f.org.ID, ProgrammeID: f.prog.ID, Kind: mentorvault.KindMentoring,
		MentorID: f.mentor.ID, MenteeID: f.mentee.ID, ProposedByID: f.mentor.ID, Status: mentorvault.StatusProposed,
		CreatedAt: us(t0), UpdatedAt: us(t0),
	}
	ok(t, tx.CreateRelationship(ctx, f.rel))
	commit(t, tx)
	return f
}

// --- tests ---

func testClock(t *testing.T, db *sqlstore.DB) {
	tx := begin(t, db)
	if got := tx.Now(); !got.Equal(us(t0)) || got.Location() != time.UTC || got.Nanosecond()%1000 != 0 {
		t.Fatalf("Now = %v, want %v in UTC", got, us(t0))
	}
	ok(t, tx.Rollback())

	zone := time.FixedZone("X", 5*3600)
	db.SetClock(func() time.Time { return t0.In(zone) })
	tx = begin(t, db)
	if got := tx.Now(); got != us(t0) {
		t.Fatalf("Now = %#v, want %#v", got, us(t0))
	}
	// Times in another zone are stored as the same instant, read back in UTC.
	o := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Zoned", CreatedAt: t0.In(zone)}
	ok(t, tx.CreateOrg(ctx, o))
	got, err := tx.FindOrgByID(ctx, o.ID)
	ok(t, err)
	equal(t, got.CreatedAt, us(t0))
}

func testOrgs(t *testing.T, db *sqlstore.DB) {
	tx := begin(t, db)
	b := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Beta", CreatedAt: us(t0)}
	a := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Alpha", CreatedAt: us(t0.Add(time.Hour))}
	ok(t, tx.CreateOrg(ctx, b))
	ok(t, tx.CreateOrg(ctx, a))
	got, err := tx.FindOrgByID(ctx, b.ID)
	ok(t, err)
	equal(t, got, b)
	all, err := tx.FindOrgs(ctx)
	ok(t, err)
	equal(t, all, []*mentorvault.Org{a, b})

	_, err = tx.FindOrgByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)
	if mentorvault.ErrorMessage(err) != "organisation not found" {
		t.Errorf("message = %q", mentorvault.ErrorMessage(err))
	}
	wantCode(t, tx.CreateOrg(ctx, b), mentorvault.ECONFLICT)
}

func testProgrammes(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	p2 := &mentorvault.Programme{ID: mentorvault.NewID(), OrgID: f.org.ID, Name: "Graduates", Description: "For graduates.", Kind: mentorvault.ProgrammePeer,
		EnrolmentOpen: true, DefaultCapacity: 4, CreatedAt: us(t0.Add(time.Minute))}
	ok(t, tx.CreateProgramme(ctx, p2))
	got, err := tx.FindProgrammeByID(ctx, f.prog.ID)
	ok(t, err)
	equal(t, got, f.prog)
	list, err := tx.FindProgrammes(ctx, f.org.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Programme{p2, f.prog})
	list, err = tx.FindProgrammes(ctx, mentorvault.NewID())
	ok(t, err)
	if len(list) != 0 {
		t.Fatalf("programmes of unknown org: %d", len(list))
	}
	_, err = tx.FindProgrammeByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)
	wantCode(t, tx.CreateProgramme(ctx, &mentorvault.Programme{ID: mentorvault.NewID(), OrgID: mentorvault.NewID(), Name: "X", CreatedAt: us(t0)}), mentorvault.EINVALID)

	roles := []mentorvault.ProgrammeRole{
		{ProgrammeID: f.prog.ID, UserID: f.manager.ID, Role: mentorvault.RoleCoordinator},
		{ProgrammeID: f.prog.ID, UserID: f.manager.ID, Role: mentorvault.RoleSupervisor},
		{ProgrammeID: f.prog.ID, UserID: f.other.ID, Role: mentorvault.RoleSupervisor},
		{ProgrammeID: p2.ID, UserID: f.manager.ID, Role: mentorvault.RoleCoordinator},
	}
	for _, r := range roles {
		ok(t, tx.AddProgrammeRole(ctx, r))
	}
	wantCode(t, tx.AddProgrammeRole(ctx, roles[0]), mentorvault.ECONFLICT)
	wantCode(t, tx.AddProgrammeRole(ctx, mentorvault.ProgrammeRole{ProgrammeID: f.prog.ID, UserID: f.other.ID, Role: "king"}), mentorvault.EINVALID)
	wantCode(t, tx.AddProgrammeRole(ctx, mentorvault.ProgrammeRole{ProgrammeID: mentorvault.NewID(), UserID: f.other.ID, Role: mentorvault.RoleCoordinator}), mentorvault.EINVALID)

	byUser, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{UserID: f.manager.ID})
	ok(t, err)
	if len(byUser) != 3 {
		t.Fatalf("roles of manager: %+v", byUser)
	}
	for _, r := range byUser {
		if r.UserID != f.manager.ID {
			t.Fatalf("role of another user: %+v", r)
		}
	}
	byProg, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{ProgrammeID: f.prog.ID})
	ok(t, err)
	if len(byProg) != 3 {
		t.Fatalf("roles in programme: %+v", byProg)
	}
	both, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{UserID: f.other.ID, ProgrammeID: f.prog.ID})
	ok(t, err)
	equal(t, both, []mentorvault.ProgrammeRole{roles[2]})
	for _, want := range roles {
		byRole, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{UserID: want.UserID, ProgrammeID: want.ProgrammeID, Role: want.Role})
		ok(t, err)
		equal(t, byRole, []mentorvault.ProgrammeRole{want})
	}
	supervisors, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{ProgrammeID: f.prog.ID, Role: mentorvault.RoleSupervisor})
	ok(t, err)
	if len(supervisors) != 2 || supervisors[0].Role != mentorvault.RoleSupervisor || supervisors[1].Role != mentorvault.RoleSupervisor {
		t.Fatalf("supervisors of the programme: %+v", supervisors)
	}
	all, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{})
	ok(t, err)
	if len(all) < len(roles) {
		t.Fatalf("all roles: %+v", all)
	}
}

func testUsers(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	u := &mentorvault.User{
		ID: mentorvault.NewID(), OrgID: f.org.ID, Email: "ada@example.org", Name: "Ada", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$abc$def",
		ManagerID: f.manager.ID, OrgAdmin: true, Requester: true, CreatedAt: us(t0.Add(time.Second)), DisabledAt: ptr(us(t0.Add(time.Hour))),
	}
	ok(t, tx.CreateUser(ctx, u))
	got, err := tx.FindUserByID(ctx, u.ID)
	ok(t, err)
	equal(t, got, u)
	got, err = tx.FindUserByEmail(ctx, "ada@example.org")
	ok(t, err)
	equal(t, got, u)
	// Optional fields empty: "" manager and nil DisabledAt round-trip.
	got, err = tx.FindUserByID(ctx, f.mentor.ID)
	ok(t, err)
	equal(t, got, f.mentor)

	_, err = tx.FindUserByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)
	_, err = tx.FindUserByEmail(ctx, "nobody@example.org")
	wantCode(t, err, mentorvault.ENOTFOUND)

	dup := *u
	dup.ID = mentorvault.NewID()
	wantCode(t, tx.CreateUser(ctx, &dup), mentorvault.ECONFLICT)
	bad := *u
	bad.ID, bad.Email, bad.ManagerID = mentorvault.NewID(), "bad@example.org", mentorvault.NewID()
	wantCode(t, tx.CreateUser(ctx, &bad), mentorvault.EINVALID)
	bad.ManagerID, bad.OrgID = "", mentorvault.NewID()
	wantCode(t, tx.CreateUser(ctx, &bad), mentorvault.EINVALID)

	ok(t, tx.UpdateUserPassword(ctx, u.ID, "new-hash"))
	got, err = tx.FindUserByID(ctx, u.ID)
	ok(t, err)
	if got.PasswordHash != "new-hash" {
		t.Fatalf("password hash = %q", got.PasswordHash)
	}
	wantCode(t, tx.UpdateUserPassword(ctx, mentorvault.NewID(), "x"), mentorvault.ENOTFOUND)

	users, err := tx.FindUsers(ctx, f.org.ID)
	ok(t, err)
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	equal(t, names, []string{"Ada", "Manager", "Mentee", "Mentor", "Other"})
}

func testSessions(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	hash := sha256.Sum256([]byte("cookie"))
	s := &mentorvault.Session{
		ID: mentorvault.NewID(), TokenHash: hash[:], UserID: f.mentor.ID, CSRFToken: "csrf",
		CreatedAt: us(t0), ExpiresAt: us(t0.Add(24 * time.Hour)), LastSeenAt: us(t0),
	}
	ok(t, tx.CreateSession(ctx, s))
	got, err := tx.FindSessionByHash(ctx, hash[:])
	ok(t, err)
	equal(t, got, s)

	dup := *s
	dup.ID = mentorvault.NewID()
	wantCode(t, tx.CreateSession(ctx, &dup), mentorvault.ECONFLICT)
	other := sha256.Sum256([]byte("other"))
	_, err = tx.FindSessionByHash(ctx, other[:])
	wantCode(t, err, mentorvault.ENOTFOUND)
	wantCode(t, tx.CreateSession(ctx, &mentorvault.Session{ID: mentorvault.NewID(), TokenHash: other[:], UserID: mentorvault.NewID(),
		CreatedAt: t0, ExpiresAt: t0, LastSeenAt: t0}), mentorvault.EINVALID)

	later := t0.Add(time.Minute + 999*time.Nanosecond)
	ok(t, tx.TouchSession(ctx, s.ID, later))
	got, err = tx.FindSessionByHash(ctx, hash[:])
	ok(t, err)
	equal(t, got.LastSeenAt, us(later))
	wantCode(t, tx.TouchSession(ctx, mentorvault.NewID(), later), mentorvault.ENOTFOUND)

	ok(t, tx.DeleteSession(ctx, s.ID))
	_, err = tx.FindSessionByHash(ctx, hash[:])
	wantCode(t, err, mentorvault.ENOTFOUND)
	ok(t, tx.DeleteSession(ctx, s.ID)) // idempotent

	var hashes [][]byte
	for i, uid := range []string{f.mentor.ID, f.mentor.ID, f.mentee.ID} {
		h := sha256.Sum256([]byte{byte(i)})
		hashes = append(hashes, h[:])
		ok(t, tx.CreateSession(ctx, &mentorvault.Session{ID: mentorvault.NewID(), TokenHash: h[:], UserID: uid,
			CreatedAt: t0, ExpiresAt: t0, LastSeenAt: t0}))
	}
	ok(t, tx.DeleteUserSessions(ctx, f.mentor.ID))
	for i, h := range hashes {
		_, err := tx.FindSessionByHash(ctx, h)
		if i < 2 {
			wantCode(t, err, mentorvault.ENOTFOUND)
		} else {
			ok(t, err)
		}
	}
}

func testAPITokens(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	h1, h2 := sha256.Sum256([]byte("t1")), sha256.Sum256([]byte("t2"))
	old := &mentorvault.APIToken{ID: mentorvault.NewID(), UserID: f.mentor.ID, Name: "ci", Hash: h1[:], CreatedAt: us(t0)}
	newer := &mentorvault.APIToken{ID: mentorvault.NewID(), UserID: f.mentor.ID, Name: "laptop", Hash: h2[:], CreatedAt: us(t0.Add(time.Hour)),
		LastUsedAt: ptr(us(t0.Add(2 * time.Hour))), RevokedAt: ptr(us(t0.Add(3 * time.Hour)))}
	ok(t, tx.CreateAPIToken(ctx, old))
	ok(t, tx.CreateAPIToken(ctx, newer))
	got, err := tx.FindAPITokenByHash(ctx, h1[:])
	ok(t, err)
	equal(t, got, old)
	got, err = tx.FindAPITokenByHash(ctx, h2[:])
	ok(t, err)
	equal(t, got, newer)
	list, err := tx.FindAPITokens(ctx, f.mentor.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.APIToken{newer, old})
	list, err = tx.FindAPITokens(ctx, f.mentee.ID)
	ok(t, err)
	if len(list) != 0 {
		t.Fatalf("tokens of mentee: %d", len(list))
	}

	dup := *old
	dup.ID = mentorvault.NewID()
	wantCode(t, tx.CreateAPIToken(ctx, &dup), mentorvault.ECONFLICT)
	h3 := sha256.Sum256([]byte("t3"))
	_, err = tx.FindAPITokenByHash(ctx, h3[:])
	wantCode(t, err, mentorvault.ENOTFOUND)

	ok(t, tx.TouchAPIToken(ctx, old.ID, t0.Add(time.Minute)))
	ok(t, tx.RevokeAPIToken(ctx, old.ID, t0.Add(2*time.Minute)))
	ok(t, tx.RevokeAPIToken(ctx, old.ID, t0.Add(5*time.Minute))) // keeps the first time
	got, err = tx.FindAPITokenByHash(ctx, h1[:])
	ok(t, err)
	want := *old
	want.LastUsedAt, want.RevokedAt = ptr(us(t0.Add(time.Minute))), ptr(us(t0.Add(2*time.Minute)))
	equal(t, got, &want)
	wantCode(t, tx.TouchAPIToken(ctx, mentorvault.NewID(), t0), mentorvault.ENOTFOUND)
	wantCode(t, tx.RevokeAPIToken(ctx, mentorvault.NewID(), t0), mentorvault.ENOTFOUND)
}

func testLoginFailures(t *testing.T, db *sqlstore.DB) {
	tx := begin(t, db)
	const a, b = "acct:a|addr:1.2.3.4", "acct:b|addr:1.2.3.4"
	for _, ago := range []time.Duration{10 * time.Minute, 5 * time.Minute, time.Minute, 0} {
		ok(t, tx.RecordLoginFailure(ctx, a, t0.Add(-ago)))
	}
	ok(t, tx.RecordLoginFailure(ctx, b, t0))
	count := func(key string, since time.Time) int {
		t.Helper()
		n, err := tx.CountLoginFailures(ctx, key, since)
		ok(t, err)
		return n
	}
	for _, c := range []struct {
		name  string
		key   string
		since time.Time
		want  int
	}{
		{"all", a, t0.Add(-time.Hour), 4},
		{"window", a, t0.Add(-6 * time.Minute), 3},
		{"inclusive bound", a, t0.Add(-5 * time.Minute), 3},
		{"exact now", a, t0, 1},
		{"future", a, t0.Add(time.Second), 0},
		{"other key", b, t0.Add(-time.Hour), 1},
		{"unknown key", "nobody", time.Time{}, 0},
	} {
		if got := count(c.key, c.since); got != c.want {
			t.Errorf("%s: count = %d, want %d", c.name, got, c.want)
		}
	}
	ok(t, tx.DeleteLoginFailuresBefore(ctx, t0.Add(-2*time.Minute)))
	if got := count(a, time.Time{}); got != 2 {
		t.Fatalf("after purge: %d, want 2", got)
	}
	ok(t, tx.ClearLoginFailures(ctx, a))
	if got := count(a, time.Time{}); got != 0 {
		t.Fatalf("after clear: %d", got)
	}
	if got := count(b, time.Time{}); got != 1 {
		t.Fatalf("clear removed another key's failures: %d", got)
	}
}

func testRelationships(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)

	got, err := tx.FindRelationshipByID(ctx, f.rel.ID)
	ok(t, err)
	equal(t, got, f.rel)
	_, err = tx.FindRelationshipByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)

	// Informal, every optional time set.
	informal := &mentorvault.Relationship{
		ID: mentorvault.NewID(), OrgID: f.org.ID, Kind: mentorvault.KindPeer,
		MentorID: f.manager.ID, MenteeID: f.other.ID, ProposedByID: f.other.ID, Status: mentorvault.StatusClosed,
		MentorAgreedAt: ptr(us(t0.Add(1 * time.Hour))), MenteeAgreedAt: ptr(us(t0.Add(2 * time.Hour))),
		CreatedAt: us(t0), UpdatedAt: us(t0.Add(5 * time.Hour)),
		StartedAt: ptr(us(t0.Add(2 * time.Hour))), EndedAt: ptr(us(t0.Add(5 * time.Hour))),
	}
	ok(t, tx.CreateRelationship(ctx, informal))
	got, err = tx.FindRelationshipByID(ctx, informal.ID)
	ok(t, err)
	equal(t, got, informal)
	if got.Formal() {
		t.Fatal("informal relationship read back as formal")
	}

	active := &mentorvault.Relationship{
		ID: mentorvault.NewID(), OrgID: f.org.ID, ProgrammeID: f.prog.ID, Kind: mentorvault.KindMentoring,
		MentorID: f.mentor.ID, MenteeID: f.other.ID, ProposedByID: f.other.ID, Status: mentorvault.StatusActive,
		CreatedAt: us(t0.Add(-time.Hour)), UpdatedAt: us(t0),
	}
	ok(t, tx.CreateRelationship(ctx, active))

	org2 := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Elsewhere", CreatedAt: us(t0)}
	ok(t, tx.CreateOrg(ctx, org2))
	x, y := newUser(t, tx, org2.ID, "X"), newUser(t, tx, org2.ID, "Y")
	foreign := &mentorvault.Relationship{
		ID: mentorvault.NewID(), OrgID: org2.ID, Kind: mentorvault.KindMentoring,
		MentorID: x.ID, MenteeID: y.ID, ProposedByID: x.ID, Status: mentorvault.StatusActive,
		CreatedAt: us(t0.Add(-2 * time.Hour)), UpdatedAt: us(t0),
	}
	ok(t, tx.CreateRelationship(ctx, foreign))

	// f.rel and informal have the same CreatedAt: ordered by ID then.
	sameTime := []*mentorvault.Relationship{f.rel, informal}
	if informal.ID < f.rel.ID {
		sameTime = []*mentorvault.Relationship{informal, f.rel}
	}
	ids := func(rs []*mentorvault.Relationship) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, c := range []struct {
		name   string
		filter mentorvault.RelationshipFilter
		want   []*mentorvault.Relationship
	}{
		{"all", mentorvault.RelationshipFilter{}, append([]*mentorvault.Relationship{foreign, active}, sameTime...)},
		{"org", mentorvault.RelationshipFilter{OrgID: f.org.ID}, append([]*mentorvault.Relationship{active}, sameTime...)},
		{"party as mentor", mentorvault.RelationshipFilter{PartyID: f.mentor.ID}, []*mentorvault.Relationship{active, f.rel}},
		{"party as mentee", mentorvault.RelationshipFilter{PartyID: f.other.ID}, []*mentorvault.Relationship{active, informal}},
		{"programme", mentorvault.RelationshipFilter{ProgrammeID: f.prog.ID}, []*mentorvault.Relationship{active, f.rel}},
		{"statuses", mentorvault.RelationshipFilter{OrgID: f.org.ID, Statuses: []mentorvault.RelationshipStatus{mentorvault.StatusActive, mentorvault.StatusClosed}},
			[]*mentorvault.Relationship{active, informal}},
		{"one status", mentorvault.RelationshipFilter{Statuses: []mentorvault.RelationshipStatus{mentorvault.StatusProposed}}, []*mentorvault.Relationship{f.rel}},
		{"combined", mentorvault.RelationshipFilter{OrgID: f.org.ID, PartyID: f.other.ID, ProgrammeID: f.prog.ID,
			Statuses: []mentorvault.RelationshipStatus{mentorvault.StatusActive}}, []*mentorvault.Relationship{active}},
		{"limit", mentorvault.RelationshipFilter{Limit: 2}, []*mentorvault.Relationship{foreign, active}},
		{"none", mentorvault.RelationshipFilter{PartyID: mentorvault.NewID()}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := tx.FindRelationships(ctx, c.filter)
			ok(t, err)
			equal(t, ids(got), ids(c.want))
			if len(got) > 0 {
				equal(t, got, c.want)
			}
		})
	}

	// Update through the lifecycle.
	r := *f.rel
	ok(t, r.Apply(mentorvault.ActAccept, f.mentee.ID, us(t0.Add(time.Minute))))
	r.StartAgreeing(us(t0.Add(2 * time.Minute)))
	ok(t, r.Activate(us(t0.Add(3*time.Minute)), us(t0.Add(2*time.Minute)), us(t0.Add(3*time.Minute))))
	ok(t, r.Apply(mentorvault.ActClose, f.mentor.ID, us(t0.Add(4*time.Minute))))
	ok(t, tx.UpdateRelationship(ctx, &r))
	got, err = tx.FindRelationshipByID(ctx, r.ID)
	ok(t, err)
	equal(t, got, &r)
	if got.StartedAt == nil || got.EndedAt == nil || got.Status != mentorvault.StatusClosed {
		t.Fatalf("update lost fields: %+v", got)
	}
	missing := r
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateRelationship(ctx, &missing), mentorvault.ENOTFOUND)

	wantCode(t, tx.CreateRelationship(ctx, f.rel), mentorvault.ECONFLICT)
	bad := *f.rel
	bad.ID, bad.ProgrammeID = mentorvault.NewID(), mentorvault.NewID()
	wantCode(t, tx.CreateRelationship(ctx, &bad), mentorvault.EINVALID)
	bad.ProgrammeID, bad.MenteeID = "", mentorvault.NewID()
	wantCode(t, tx.CreateRelationship(ctx, &bad), mentorvault.EINVALID)
}

func testDataKeys(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	_, err := tx.FindDataKey(ctx, f.rel.ID)
	wantCode(t, err, mentorvault.ENOTFOUND)

	ok(t, tx.CreateDataKey(ctx, f.rel.ID, []byte("wrapped-1"), t0))
	got, err := tx.FindDataKey(ctx, f.rel.ID)
	ok(t, err)
	equal(t, got, []byte("wrapped-1"))
	wantCode(t, tx.CreateDataKey(ctx, f.rel.ID, []byte("again"), t0), mentorvault.ECONFLICT)
	wantCode(t, tx.CreateDataKey(ctx, mentorvault.NewID(), []byte("k"), t0), mentorvault.EINVALID)

	ok(t, tx.UpdateDataKey(ctx, f.rel.ID, []byte("wrapped-2"), t0.Add(time.Hour)))
	got, err = tx.FindDataKey(ctx, f.rel.ID)
	ok(t, err)
	equal(t, got, []byte("wrapped-2"))
	wantCode(t, tx.UpdateDataKey(ctx, mentorvault.NewID(), []byte("k"), t0), mentorvault.ENOTFOUND)

	ok(t, tx.DestroyDataKey(ctx, f.rel.ID, t0.Add(2*time.Hour)))
	_, err = tx.FindDataKey(ctx, f.rel.ID)
	wantCode(t, err, mentorvault.ENOTFOUND)
	wantCode(t, tx.UpdateDataKey(ctx, f.rel.ID, []byte("resurrect"), t0), mentorvault.ENOTFOUND)
	ok(t, tx.DestroyDataKey(ctx, f.rel.ID, t0.Add(3*time.Hour))) // idempotent
	wantCode(t, tx.DestroyDataKey(ctx, mentorvault.NewID(), t0), mentorvault.ENOTFOUND)
	commit(t, tx)

	// The keyset is really gone from the row, not just hidden.
	var n int
	err = db.SQLDB().QueryRow(db.Rebind(`SELECT COUNT(*) FROM data_keys WHERE relationship_id = ? AND wrapped IS NULL AND destroyed_at IS NOT NULL`), f.rel.ID).Scan(&n)
	ok(t, err)
	if n != 1 {
		t.Fatalf("destroyed data key row: %d rows with wrapped NULL", n)
	}
	ok(t, db.Scrub(ctx))

	// Wrapped keys for rewrapping: live ones only, by ID, in pages; a
	// rewrap applies only to the bytes it read.
	tx = begin(t, db)
	r2 := otherRel(t, tx, f, f.manager.ID, f.other.ID, "")
	r3 := otherRel(t, tx, f, f.mentor.ID, f.other.ID, "")
	ok(t, tx.CreateDataKey(ctx, r2.ID, []byte("w2"), t0))
	ok(t, tx.CreateDataKey(ctx, r3.ID, []byte("w3"), t0))
	ids := []string{r2.ID, r3.ID}
	slices.Sort(ids)
	keys, err := tx.FindWrappedKeys(ctx, mentorvault.WrappedDataKey, "", 0)
	ok(t, err)
	if len(keys) != 2 || keys[0].ID != ids[0] || keys[1].ID != ids[1] {
		t.Fatalf("wrapped keys = %+v, want the two live ones in ID order %v", keys, ids)
	}
	page, err := tx.FindWrappedKeys(ctx, mentorvault.WrappedDataKey, ids[0], 1)
	ok(t, err)
	if len(page) != 1 || page[0].ID != ids[1] {
		t.Fatalf("second page = %+v", page)
	}
	done, err := tx.RewrapKey(ctx, mentorvault.WrappedDataKey, r2.ID, []byte("stale"), []byte("new"), t0)
	ok(t, err)
	if done {
		t.Fatal("rewrapped a key that had changed since it was read")
	}
	done, err = tx.RewrapKey(ctx, mentorvault.WrappedDataKey, r2.ID, []byte("w2"), []byte("new"), t0)
	ok(t, err)
	got, _ = tx.FindDataKey(ctx, r2.ID)
	if !done || string(got) != "new" {
		t.Fatalf("rewrap = %v, key now %q", done, got)
	}
	done, err = tx.RewrapKey(ctx, mentorvault.WrappedDataKey, f.rel.ID, nil, []byte("resurrect"), t0)
	ok(t, err)
	if done {
		t.Fatal("rewrapped a destroyed key")
	}
	_, err = tx.FindWrappedKeys(ctx, "nosuch", "", 0)
	wantCode(t, err, mentorvault.EINVALID)
	none, err := tx.FindWrappedKeys(ctx, mentorvault.WrappedOutboxKey, "", 0)
	ok(t, err)
	if len(none) != 0 {
		t.Fatalf("outbox keys in an empty outbox: %+v", none)
	}
	commit(t, tx)
}

func testNotes(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	mk := func(author *mentorvault.User, vis mentorvault.Visibility, relID string) *mentorvault.Note {
		n := &mentorvault.Note{
			ID: mentorvault.NewID(), RelationshipID: relID, AuthorID: author.ID, Visibility: vis,
			BodySealed: []byte("sealed:" + string(vis)), CreatedAt: us(t0), UpdatedAt: us(t0),
		}
		ok(t, tx.CreateNote(ctx, n))
		return n
	}
	n1 := mk(f.mentor, mentorvault.VisibilityShared, f.rel.ID)
	n2 := mk(f.mentor, mentorvault.VisibilityPrivate, f.rel.ID)
	n3 := mk(f.mentee, mentorvault.VisibilityPrivate, f.rel.ID)
	n4 := mk(f.mentee, mentorvault.VisibilityShared, f.rel.ID)
	n5 := mk(f.mentor, mentorvault.VisibilityShared, f.rel.ID)

	other := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: f.org.ID, Kind: mentorvault.KindPeer,
		MentorID: f.manager.ID, MenteeID: f.other.ID, ProposedByID: f.other.ID, Status: mentorvault.StatusActive,
		CreatedAt: us(t0), UpdatedAt: us(t0)}
	ok(t, tx.CreateRelationship(ctx, other))
	mk(f.other, mentorvault.VisibilityShared, other.ID)

	got, err := tx.FindNoteByID(ctx, n2.ID)
	ok(t, err)
	equal(t, got, n2)
	if !got.Body.IsZero() {
		t.Fatal("the store returned a plaintext body")
	}

	for _, c := range []struct {
		name   string
		filter mentorvault.NoteFilter
		want   []*mentorvault.Note
	}{
		{"all", mentorvault.NoteFilter{RelationshipID: f.rel.ID}, []*mentorvault.Note{n5, n4, n3, n2, n1}},
		{"mentor reads", mentorvault.NoteFilter{RelationshipID: f.rel.ID, ReaderID: f.mentor.ID}, []*mentorvault.Note{n5, n4, n2, n1}},
		{"mentee reads", mentorvault.NoteFilter{RelationshipID: f.rel.ID, ReaderID: f.mentee.ID}, []*mentorvault.Note{n5, n4, n3, n1}},
		{"stranger reads", mentorvault.NoteFilter{RelationshipID: f.rel.ID, ReaderID: f.other.ID}, []*mentorvault.Note{n5, n4, n1}},
		{"limit", mentorvault.NoteFilter{RelationshipID: f.rel.ID, ReaderID: f.mentor.ID, Limit: 2}, []*mentorvault.Note{n5, n4}},
		{"cursor", mentorvault.NoteFilter{RelationshipID: f.rel.ID, ReaderID: f.mentor.ID, Before: n4.ID, Limit: 2}, []*mentorvault.Note{n2, n1}},
		{"cursor at end", mentorvault.NoteFilter{RelationshipID: f.rel.ID, Before: n1.ID}, nil},
		{"offset skips", mentorvault.NoteFilter{RelationshipID: f.rel.ID, ReaderID: f.mentor.ID, Offset: 1}, []*mentorvault.Note{n4, n2, n1}},
		{"offset and limit", mentorvault.NoteFilter{RelationshipID: f.rel.ID, ReaderID: f.mentor.ID, Offset: 1, Limit: 2}, []*mentorvault.Note{n4, n2}},
		{"offset after cursor", mentorvault.NoteFilter{RelationshipID: f.rel.ID, Before: n5.ID, Offset: 2, Limit: 1}, []*mentorvault.Note{n2}},
		{"offset past the end", mentorvault.NoteFilter{RelationshipID: f.rel.ID, Offset: 5}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := tx.FindNotes(ctx, c.filter)
			ok(t, err)
			equal(t, got, c.want)
		})
	}
	_, err = tx.FindNotes(ctx, mentorvault.NoteFilter{})
	wantCode(t, err, mentorvault.EINVALID)

	// Default limit 50, maximum 500.
	for i := 0; i < 505; i++ {
		mk(f.mentee, mentorvault.VisibilityShared, other.ID)
	}
	list, err := tx.FindNotes(ctx, mentorvault.NoteFilter{RelationshipID: other.ID})
	ok(t, err)
	if len(list) != 50 {
		t.Fatalf("default limit: %d notes", len(list))
	}
	list, err = tx.FindNotes(ctx, mentorvault.NoteFilter{RelationshipID: other.ID, Limit: 10000})
	ok(t, err)
	if len(list) != 500 {
		t.Fatalf("max limit: %d notes", len(list))
	}

	upd := *n1
	upd.Visibility, upd.BodySealed, upd.UpdatedAt = mentorvault.VisibilityPrivate, []byte("resealed"), us(t0.Add(time.Hour))
	ok(t, tx.UpdateNote(ctx, &upd))
	got, err = tx.FindNoteByID(ctx, n1.ID)
	ok(t, err)
	equal(t, got, &upd)
	missing := upd
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateNote(ctx, &missing), mentorvault.ENOTFOUND)

	ok(t, tx.DeleteNote(ctx, n3.ID))
	_, err = tx.FindNoteByID(ctx, n3.ID)
	wantCode(t, err, mentorvault.ENOTFOUND)
	wantCode(t, tx.DeleteNote(ctx, n3.ID), mentorvault.ENOTFOUND)

	commit(t, tx)

	// CreateNote takes no savepoint (it is on the hot path), so on
	// PostgreSQL a failure leaves its transaction fit only for Rollback:
	// every failure gets a transaction of its own.
	createFails := func(n *mentorvault.Note, code string) {
		t.Helper()
		tx := begin(t, db)
		wantCode(t, tx.CreateNote(ctx, n), code)
		ok(t, tx.Rollback())
	}
	createFails(n2, mentorvault.ECONFLICT)
	orphan := &mentorvault.Note{ID: mentorvault.NewID(), RelationshipID: mentorvault.NewID(), AuthorID: f.mentor.ID,
		Visibility: mentorvault.VisibilityShared, BodySealed: []byte("x"), CreatedAt: t0, UpdatedAt: t0}
	createFails(orphan, mentorvault.EINVALID)
	orphan.RelationshipID, orphan.AuthorID = f.rel.ID, mentorvault.NewID()
	createFails(orphan, mentorvault.EINVALID)
	orphan.AuthorID, orphan.MeetingID = f.mentor.ID, mentorvault.NewID()
	createFails(orphan, mentorvault.EINVALID)
	orphan.MeetingID, orphan.Visibility = "", "public"
	createFails(orphan, mentorvault.EINVALID)
}

func testProgrammeSettings(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	got, err := tx.FindProgrammeSettings(ctx, f.prog.ID)
	ok(t, err)
	equal(t, got, mentorvault.DefaultProgrammeSettings())

	s := mentorvault.DefaultProgrammeSettings()
	s.Template.Clauses = []mentorvault.Clause{{Discloser: mentorvault.PartyMentee, What: mentorvault.WhatItem, Item: "the move",
		Recipient: mentorvault.ToNamedPerson, RecipientName: "Ada", Condition: mentorvault.CondPermission,
		Until: mentorvault.UntilMonthsAfter, Months: 6}}
	s.Template.GuidelinesVersion = 3
	// Terms store empty lists as [] (AgreementTerms.MarshalJSON), so they read back empty, not nil.
	s.Template.KeptConfidential = []mentorvault.KeptItem{}
	s.MandatoryExceptions = []mentorvault.ExceptionKind{mentorvault.ExcDutyToOrg}
	s.MinNoticeHours, s.ReviewEveryWeeks, s.KThreshold, s.RetentionDays = 24, 8, 7, 90
	ok(t, tx.UpdateProgrammeSettings(ctx, f.prog.ID, s))
	commit(t, tx)

	tx = begin(t, db)
	got, err = tx.FindProgrammeSettings(ctx, f.prog.ID)
	ok(t, err)
	equal(t, got, s)
	// The programme itself is unchanged.
	p, err := tx.FindProgrammeByID(ctx, f.prog.ID)
	ok(t, err)
	equal(t, p, f.prog)

	_, err = tx.FindProgrammeSettings(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)
	wantCode(t, tx.UpdateProgrammeSettings(ctx, mentorvault.NewID(), s), mentorvault.ENOTFOUND)
}

func testGuidelines(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	_, err := tx.FindGuidelines(ctx, f.prog.ID, 0)
	wantCode(t, err, mentorvault.ENOTFOUND)

	g1 := &mentorvault.Guidelines{ProgrammeID: f.prog.ID, Version: 1, Body: "# One", CreatedByID: f.manager.ID, CreatedAt: us(t0)}
	g2 := &mentorvault.Guidelines{ProgrammeID: f.prog.ID, Version: 2, Body: "# Two", CreatedAt: us(t0.Add(time.Hour))}
	// Inserted out of order: the latest is the highest version.
	ok(t, tx.CreateGuidelines(ctx, g2))
	ok(t, tx.CreateGuidelines(ctx, g1))
	got, err := tx.FindGuidelines(ctx, f.prog.ID, 0)
	ok(t, err)
	equal(t, got, g2)
	got, err = tx.FindGuidelines(ctx, f.prog.ID, 1)
	ok(t, err)
	equal(t, got, g1)
	_, err = tx.FindGuidelines(ctx, f.prog.ID, 3)
	wantCode(t, err, mentorvault.ENOTFOUND)
	_, err = tx.FindGuidelines(ctx, mentorvault.NewID(), 0)
	wantCode(t, err, mentorvault.ENOTFOUND)

	wantCode(t, tx.CreateGuidelines(ctx, &mentorvault.Guidelines{ProgrammeID: f.prog.ID, Version: 1, Body: "again", CreatedAt: us(t0)}), mentorvault.ECONFLICT)
	wantCode(t, tx.CreateGuidelines(ctx, &mentorvault.Guidelines{ProgrammeID: mentorvault.NewID(), Version: 1, Body: "x", CreatedAt: us(t0)}), mentorvault.EINVALID)
	wantCode(t, tx.CreateGuidelines(ctx, &mentorvault.Guidelines{ProgrammeID: f.prog.ID, Version: 9, Body: "x", CreatedByID: mentorvault.NewID(), CreatedAt: us(t0)}), mentorvault.EINVALID)
	// The transaction is still usable after the errors.
	got, err = tx.FindGuidelines(ctx, f.prog.ID, 0)
	ok(t, err)
	equal(t, got, g2)
}

// newVersion stores an agreement version of f.rel (or relID) with sealed content only.
func newVersion(t *testing.T, tx mentorvault.Tx, f *fixture, relID string, number int) *mentorvault.AgreementVersion {
	t.Helper()
	text := fmt.Sprintf("# Agreement %d", number)
	h := sha256.Sum256([]byte(text))
	v := &mentorvault.AgreementVersion{
		ID: mentorvault.NewID(), RelationshipID: relID, Number: number, State: mentorvault.AgreementDraft,
		TermsSealed: []byte(fmt.Sprintf("sealed-terms-%d", number)), TextSealed: []byte(fmt.Sprintf("sealed-text-%d", number)),
		Hash: h[:], CreatedByID: f.mentor.ID, UpdatedByID: f.mentor.ID, CreatedAt: us(t0), UpdatedAt: us(t0),
	}
	ok(t, tx.CreateAgreementVersion(ctx, v))
	return v
}

func testAgreementVersions(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	// Plaintext fields are never stored.
	v1 := &mentorvault.AgreementVersion{
		ID: mentorvault.NewID(), RelationshipID: f.rel.ID, Number: 1, State: mentorvault.AgreementDraft,
		Terms:       mentorvault.AgreementTerms{Protocols: mentorvault.Protocols{Suitability: "plaintext"}, GuidelinesVersion: 2},
		TermsSealed: []byte("sealed-terms"), Text: mentorvault.NewSecret("# plaintext"), TextSealed: []byte("sealed-text"),
		Hash: mentorvault.AgreementHash("# plaintext"), CreatedByID: f.mentor.ID, UpdatedByID: f.mentee.ID,
		CreatedAt: t0, UpdatedAt: t0.Add(time.Minute),
	}
	ok(t, tx.CreateAgreementVersion(ctx, v1))
	v3 := newVersion(t, tx, f, f.rel.ID, 3)
	v2 := newVersion(t, tx, f, f.rel.ID, 2)
	commit(t, tx)

	tx = begin(t, db)
	want := *v1
	want.Terms, want.Text = mentorvault.AgreementTerms{}, mentorvault.Secret{}
	want.CreatedAt, want.UpdatedAt = us(t0), us(t0.Add(time.Minute))
	got, err := tx.FindAgreementVersionByID(ctx, v1.ID)
	ok(t, err)
	equal(t, got, &want)
	if !got.Text.IsZero() || !reflect.DeepEqual(got.Terms, mentorvault.AgreementTerms{}) {
		t.Fatal("the store returned plaintext terms or text")
	}
	list, err := tx.FindAgreementVersions(ctx, f.rel.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.AgreementVersion{&want, v2, v3})
	list, err = tx.FindAgreementVersions(ctx, mentorvault.NewID())
	ok(t, err)
	if len(list) != 0 {
		t.Fatalf("unknown relationship: %d versions", len(list))
	}

	// Update: every stored field except the identity and creation.
	upd := *v2
	upd.State, upd.TermsSealed, upd.TextSealed = mentorvault.AgreementInForce, []byte("resealed-terms"), []byte("resealed-text")
	upd.Hash, upd.UpdatedByID, upd.UpdatedAt, upd.InForceAt = mentorvault.AgreementHash("new"), f.mentee.ID, us(t0.Add(time.Hour)), ptr(us(t0.Add(time.Hour)))
	ok(t, tx.UpdateAgreementVersion(ctx, &upd))
	got, err = tx.FindAgreementVersionByID(ctx, v2.ID)
	ok(t, err)
	equal(t, got, &upd)
	upd.State, upd.InForceAt = mentorvault.AgreementSuperseded, nil
	ok(t, tx.UpdateAgreementVersion(ctx, &upd))
	got, err = tx.FindAgreementVersionByID(ctx, v2.ID)
	ok(t, err)
	equal(t, got, &upd)
	missing := upd
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateAgreementVersion(ctx, &missing), mentorvault.ENOTFOUND)
	_, err = tx.FindAgreementVersionByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)

	// Duplicates and references.
	wantCode(t, tx.CreateAgreementVersion(ctx, v1), mentorvault.ECONFLICT)
	dup := *v3
	dup.ID = mentorvault.NewID()
	wantCode(t, tx.CreateAgreementVersion(ctx, &dup), mentorvault.ECONFLICT)
	orphan := *v3
	orphan.ID, orphan.RelationshipID, orphan.Number = mentorvault.NewID(), mentorvault.NewID(), 1
	wantCode(t, tx.CreateAgreementVersion(ctx, &orphan), mentorvault.EINVALID)
	orphan.RelationshipID, orphan.Number, orphan.CreatedByID = f.rel.ID, 4, mentorvault.NewID()
	wantCode(t, tx.CreateAgreementVersion(ctx, &orphan), mentorvault.EINVALID)
	orphan.CreatedByID, orphan.State = f.mentor.ID, "signed"
	wantCode(t, tx.CreateAgreementVersion(ctx, &orphan), mentorvault.EINVALID)
	bad := upd
	bad.State = "signed"
	wantCode(t, tx.UpdateAgreementVersion(ctx, &bad), mentorvault.EINVALID)

	// Another relationship may reuse a number.
	other := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: f.org.ID, Kind: mentorvault.KindPeer,
		MentorID: f.manager.ID, MenteeID: f.other.ID, ProposedByID: f.other.ID, Status: mentorvault.StatusAgreeing,
		CreatedAt: us(t0), UpdatedAt: us(t0)}
	ok(t, tx.CreateRelationship(ctx, other))
	o1 := newVersion(t, tx, f, other.ID, 1)
	list, err = tx.FindAgreementVersions(ctx, other.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.AgreementVersion{o1})
}

func testAgreementSignatures(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	v1 := newVersion(t, tx, f, f.rel.ID, 1)
	v2 := newVersion(t, tx, f, f.rel.ID, 2)
	s1 := &mentorvault.AgreementSignature{VersionID: v1.ID, UserID: f.mentee.ID, Hash: v1.Hash, SignedAt: t0.Add(2 * time.Minute)}
	s2 := &mentorvault.AgreementSignature{VersionID: v1.ID, UserID: f.mentor.ID, Hash: v1.Hash, SignedAt: us(t0.Add(time.Minute))}
	s3 := &mentorvault.AgreementSignature{VersionID: v2.ID, UserID: f.mentor.ID, Hash: v2.Hash, SignedAt: us(t0)}
	for _, s := range []*mentorvault.AgreementSignature{s1, s2, s3} {
		ok(t, tx.CreateAgreementSignature(ctx, s))
	}
	s1.SignedAt = us(s1.SignedAt)
	got, err := tx.FindAgreementSignatures(ctx, v1.ID)
	ok(t, err)
	equal(t, got, []*mentorvault.AgreementSignature{s2, s1})

	dup := *s1
	dup.SignedAt = us(t0.Add(time.Hour))
	wantCode(t, tx.CreateAgreementSignature(ctx, &dup), mentorvault.ECONFLICT)
	wantCode(t, tx.CreateAgreementSignature(ctx, &mentorvault.AgreementSignature{VersionID: mentorvault.NewID(), UserID: f.mentor.ID,
		Hash: v1.Hash, SignedAt: us(t0)}), mentorvault.EINVALID)
	wantCode(t, tx.CreateAgreementSignature(ctx, &mentorvault.AgreementSignature{VersionID: v1.ID, UserID: mentorvault.NewID(),
		Hash: v1.Hash, SignedAt: us(t0)}), mentorvault.EINVALID)

	ok(t, tx.DeleteAgreementSignatures(ctx, v1.ID))
	got, err = tx.FindAgreementSignatures(ctx, v1.ID)
	ok(t, err)
	if len(got) != 0 {
		t.Fatalf("after delete: %d signatures", len(got))
	}
	// Deleting none is fine; other versions keep theirs.
	ok(t, tx.DeleteAgreementSignatures(ctx, v1.ID))
	got, err = tx.FindAgreementSignatures(ctx, v2.ID)
	ok(t, err)
	equal(t, got, []*mentorvault.AgreementSignature{s3})
	// The user can sign again after the signatures were cleared.
	ok(t, tx.CreateAgreementSignature(ctx, &dup))
	commit(t, tx)

	tx = begin(t, db)
	got, err = tx.FindAgreementSignatures(ctx, v1.ID)
	ok(t, err)
	equal(t, got, []*mentorvault.AgreementSignature{&dup})
}

func testAgreementComments(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	v := newVersion(t, tx, f, f.rel.ID, 1)
	mk := func(author *mentorvault.User, section string, at time.Time) *mentorvault.AgreementComment {
		c := &mentorvault.AgreementComment{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, VersionID: v.ID, Section: section,
			AuthorID: author.ID, Body: mentorvault.NewSecret("plaintext " + section), BodySealed: []byte("sealed " + section), CreatedAt: at}
		ok(t, tx.CreateAgreementComment(ctx, c))
		c.Body, c.CreatedAt = mentorvault.Secret{}, us(at)
		return c
	}
	c2 := mk(f.mentee, "clauses", t0.Add(2*time.Minute))
	c1 := mk(f.mentor, "expectations", t0)
	c3 := mk(f.mentor, "exceptions", t0.Add(3*time.Minute))
	commit(t, tx)

	tx = begin(t, db)
	got, err := tx.FindAgreementComments(ctx, f.rel.ID)
	ok(t, err)
	equal(t, got, []*mentorvault.AgreementComment{c1, c2, c3})
	for _, c := range got {
		if !c.Body.IsZero() {
			t.Fatal("the store returned a plaintext comment")
		}
	}
	got, err = tx.FindAgreementComments(ctx, mentorvault.NewID())
	ok(t, err)
	if len(got) != 0 {
		t.Fatalf("unknown relationship: %d comments", len(got))
	}

	wantCode(t, tx.CreateAgreementComment(ctx, c1), mentorvault.ECONFLICT)
	orphan := *c1
	orphan.ID, orphan.RelationshipID = mentorvault.NewID(), mentorvault.NewID()
	wantCode(t, tx.CreateAgreementComment(ctx, &orphan), mentorvault.EINVALID)
	orphan.RelationshipID, orphan.VersionID = f.rel.ID, mentorvault.NewID()
	wantCode(t, tx.CreateAgreementComment(ctx, &orphan), mentorvault.EINVALID)
	orphan.VersionID, orphan.AuthorID = v.ID, mentorvault.NewID()
	wantCode(t, tx.CreateAgreementComment(ctx, &orphan), mentorvault.EINVALID)
}

func testReviews(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	v := newVersion(t, tx, f, f.rel.ID, 1)
	mk := func(user *mentorvault.User, at time.Time) *mentorvault.Review {
		r := &mentorvault.Review{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, VersionID: v.ID, UserID: user.ID,
			Answer: mentorvault.ReviewPartly, Notes: mentorvault.NewSecret("plaintext notes"), Sealed: []byte("sealed " + user.ID), CreatedAt: at}
		ok(t, tx.CreateReview(ctx, r))
		r.Answer, r.Notes, r.CreatedAt = "", mentorvault.Secret{}, us(at)
		return r
	}
	r2 := mk(f.mentee, t0.Add(time.Hour))
	r1 := mk(f.mentor, t0)
	commit(t, tx)

	tx = begin(t, db)
	got, err := tx.FindReviews(ctx, f.rel.ID)
	ok(t, err)
	equal(t, got, []*mentorvault.Review{r1, r2})
	for _, r := range got {
		if r.Answer != "" || !r.Notes.IsZero() {
			t.Fatal("the store returned a plaintext review")
		}
	}
	got, err = tx.FindReviews(ctx, mentorvault.NewID())
	ok(t, err)
	if len(got) != 0 {
		t.Fatalf("unknown relationship: %d reviews", len(got))
	}

	wantCode(t, tx.CreateReview(ctx, r1), mentorvault.ECONFLICT)
	orphan := *r1
	orphan.ID, orphan.RelationshipID = mentorvault.NewID(), mentorvault.NewID()
	wantCode(t, tx.CreateReview(ctx, &orphan), mentorvault.EINVALID)
	orphan.RelationshipID, orphan.VersionID = f.rel.ID, mentorvault.NewID()
	wantCode(t, tx.CreateReview(ctx, &orphan), mentorvault.EINVALID)
	orphan.VersionID, orphan.UserID = v.ID, mentorvault.NewID()
	wantCode(t, tx.CreateReview(ctx, &orphan), mentorvault.EINVALID)
}

// chain appends n events after the locked head, each hash covering the previous.
func chain(t *testing.T, tx mentorvault.Tx, n int, relIDs ...string) []*mentorvault.AuditEvent {
	t.Helper()
	head, err := tx.LockAuditHead(ctx)
	ok(t, err)
	var out []*mentorvault.AuditEvent
	for i := 0; i < n; i++ {
		e := &mentorvault.AuditEvent{
			Seq: head.Seq + 1, ID: mentorvault.NewID(), At: tx.Now(), Action: "note.read", Outcome: mentorvault.OutcomeOK,
			PrevHash: head.Hash,
		}
		if len(relIDs) > 0 {
			e.RelationshipID = relIDs[i%len(relIDs)]
		}
		if e.RelationshipID != "" {
			e.ActorID, e.OrgID, e.ResourceType, e.ResourceID, e.Detail = mentorvault.NewID(), mentorvault.NewID(), "note", mentorvault.NewID(), "via=token"
		}
		sum := sha256.Sum256(append(append([]byte(nil), head.Hash...), e.ID...))
		e.Hash = sum[:]
		ok(t, tx.InsertAuditEvent(ctx, e))
		head = mentorvault.AuditHead{Seq: e.Seq, Hash: e.Hash}
		out = append(out, e)
	}
	return out
}

func testAudit(t *testing.T, db *sqlstore.DB) {
	tx := begin(t, db)
	head, err := tx.LockAuditHead(ctx)
	ok(t, err)
	equal(t, head, mentorvault.AuditHead{Seq: 0, Hash: nil})

	relA, relB := mentorvault.NewID(), mentorvault.NewID() // audit rows need no real relationship
	evs := chain(t, tx, 6, relA, relB, "")
	commit(t, tx)

	tx = begin(t, db)
	head, err = tx.LockAuditHead(ctx)
	ok(t, err)
	equal(t, head, mentorvault.AuditHead{Seq: 6, Hash: evs[5].Hash})
	if evs[0].PrevHash != nil {
		t.Fatal("first event has a previous hash")
	}

	rev := func(es ...*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
		out := make([]*mentorvault.AuditEvent, len(es))
		for i, e := range es {
			out[len(es)-1-i] = e
		}
		return out
	}
	for _, c := range []struct {
		name   string
		filter mentorvault.AuditFilter
		want   []*mentorvault.AuditEvent
	}{
		{"all", mentorvault.AuditFilter{}, evs},
		{"descending", mentorvault.AuditFilter{Descending: true}, rev(evs...)},
		{"relationship", mentorvault.AuditFilter{RelationshipID: relA}, []*mentorvault.AuditEvent{evs[0], evs[3]}},
		{"after", mentorvault.AuditFilter{AfterSeq: 4}, evs[4:]},
		{"before", mentorvault.AuditFilter{BeforeSeq: 3}, evs[:2]},
		{"window", mentorvault.AuditFilter{AfterSeq: 1, BeforeSeq: 5}, evs[1:4]},
		{"limit", mentorvault.AuditFilter{Limit: 2}, evs[:2]},
		{"limit descending", mentorvault.AuditFilter{Limit: 2, Descending: true}, rev(evs[4:]...)},
		{"page back", mentorvault.AuditFilter{BeforeSeq: 5, Limit: 2, Descending: true}, rev(evs[2:4]...)},
		{"relationship descending", mentorvault.AuditFilter{RelationshipID: relB, Descending: true}, []*mentorvault.AuditEvent{evs[4], evs[1]}},
		{"offset skips", mentorvault.AuditFilter{Offset: 2}, evs[2:]},
		{"offset and limit", mentorvault.AuditFilter{Offset: 1, Limit: 3}, evs[1:4]},
		{"offset descending", mentorvault.AuditFilter{Offset: 1, Limit: 2, Descending: true}, rev(evs[3:5]...)},
		{"offset after cursor", mentorvault.AuditFilter{BeforeSeq: 6, Offset: 1, Limit: 2, Descending: true}, rev(evs[2:4]...)},
		{"offset in a relationship", mentorvault.AuditFilter{RelationshipID: relA, Offset: 1}, evs[3:4]},
		{"offset past the end", mentorvault.AuditFilter{Offset: 6}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := tx.FindAuditEvents(ctx, c.filter)
			ok(t, err)
			equal(t, got, c.want)
		})
	}

	dup := *evs[2]
	dup.ID = mentorvault.NewID()
	wantCode(t, tx.InsertAuditEvent(ctx, &dup), mentorvault.ECONFLICT)
	ok(t, tx.Rollback())

	// Default limit 100.
	tx = begin(t, db)
	chain(t, tx, 150)
	list, err := tx.FindAuditEvents(ctx, mentorvault.AuditFilter{})
	ok(t, err)
	if len(list) != 100 || list[0].Seq != 1 {
		t.Fatalf("default limit: %d events from %d", len(list), list[0].Seq)
	}
	commit(t, tx)

	// The log is not protected by constraints: tamper tests must be able to
	// edit, delete and reorder rows, and the chain must catch it.
	sdb := db.SQLDB()
	_, err = sdb.Exec(db.Rebind(`UPDATE audit_events SET detail = ?, actor_id = ? WHERE seq = ?`), "edited", mentorvault.NewID(), 2)
	ok(t, err)
	_, err = sdb.Exec(db.Rebind(`UPDATE audit_events SET seq = ? WHERE seq = ?`), 1000, 3)
	ok(t, err)
	_, err = sdb.Exec(db.Rebind(`DELETE FROM audit_events WHERE seq = ?`), 4)
	ok(t, err)
}

func testAuditConcurrent(t *testing.T, db *sqlstore.DB) {
	const workers, each = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				errs <- appendOne(db)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	tx := begin(t, db)
	evs, err := tx.FindAuditEvents(ctx, mentorvault.AuditFilter{Limit: 1000})
	ok(t, err)
	if len(evs) != workers*each {
		t.Fatalf("%d events, want %d", len(evs), workers*each)
	}
	var prev []byte
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
		if !reflect.DeepEqual(e.PrevHash, prev) {
			t.Fatalf("event %d: chain broken", e.Seq)
		}
		prev = e.Hash
	}
	head, err := tx.LockAuditHead(ctx)
	ok(t, err)
	equal(t, head, mentorvault.AuditHead{Seq: workers * each, Hash: prev})
}

func appendOne(db *sqlstore.DB) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	head, err := tx.LockAuditHead(ctx)
	if err != nil {
		return err
	}
	e := &mentorvault.AuditEvent{Seq: head.Seq + 1, ID: mentorvault.NewID(), At: tx.Now(), Action: "login", Outcome: mentorvault.OutcomeOK, PrevHash: head.Hash}
	sum := sha256.Sum256(append(append([]byte(nil), head.Hash...), e.ID...))
	e.Hash = sum[:]
	if err := tx.InsertAuditEvent(ctx, e); err != nil {
		return fmt.Errorf("seq %d: %w", e.Seq, err)
	}
	return tx.Commit()
}

func testRollback(t *testing.T, db *sqlstore.DB) {
	tx := begin(t, db)
	o := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Gone", CreatedAt: us(t0)}
	ok(t, tx.CreateOrg(ctx, o))
	chain(t, tx, 1)
	ok(t, tx.Rollback())
	ok(t, tx.Rollback()) // twice is harmless

	tx = begin(t, db)
	_, err := tx.FindOrgByID(ctx, o.ID)
	wantCode(t, err, mentorvault.ENOTFOUND)
	head, err := tx.LockAuditHead(ctx)
	ok(t, err)
	if head.Seq != 0 {
		t.Fatalf("rolled-back audit event advanced the head to %d", head.Seq)
	}
	ok(t, tx.CreateOrg(ctx, o))
	commit(t, tx)
	ok(t, tx.Rollback()) // after Commit: a no-op that keeps the commit

	tx = begin(t, db)
	_, err = tx.FindOrgByID(ctx, o.ID)
	ok(t, err)
}

// A constraint error undoes only the failed statement, on every backend, so
// a service can still record the failure and commit. (Not so for CreateNote
// and InsertAuditEvent, which take no savepoint.)
func testErrorKeepsTx(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	dup := *f.mentor
	dup.ID = mentorvault.NewID()
	wantCode(t, tx.CreateUser(ctx, &dup), mentorvault.ECONFLICT)
	wantCode(t, tx.CreateMeeting(ctx, &mentorvault.Meeting{ID: mentorvault.NewID(), RelationshipID: mentorvault.NewID(), StartsAt: t0, Minutes: 60,
		Status: mentorvault.MeetingScheduled, CreatedByID: f.mentor.ID, CreatedAt: t0, UpdatedAt: t0}), mentorvault.EINVALID)
	o := &mentorvault.Org{ID: mentorvault.NewID(), Name: "After", CreatedAt: us(t0)}
	ok(t, tx.CreateOrg(ctx, o))
	evs := chain(t, tx, 1)
	commit(t, tx)

	tx = begin(t, db)
	_, err := tx.FindOrgByID(ctx, o.ID)
	ok(t, err)
	got, err := tx.FindAuditEvents(ctx, mentorvault.AuditFilter{})
	ok(t, err)
	equal(t, got, evs)
	_, err = tx.FindUserByID(ctx, dup.ID)
	wantCode(t, err, mentorvault.ENOTFOUND)
}

func testMigrate(t *testing.T, db *sqlstore.DB) {
	seed(t, db)
	ok(t, db.Migrate(ctx))
	ok(t, db.Migrate(ctx))
	var versions, heads int
	ok(t, db.SQLDB().QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&versions))
	ok(t, db.SQLDB().QueryRow(`SELECT COUNT(*) FROM audit_head`).Scan(&heads))
	files, err := os.ReadDir(filepath.Join("migrations", db.Dialect()))
	ok(t, err)
	if versions != len(files) || versions < 14 || heads != 1 {
		t.Fatalf("after re-migrating: %d migrations recorded, %d audit heads", versions, heads)
	}
	tx := begin(t, db)
	orgs, err := tx.FindOrgs(ctx)
	ok(t, err)
	if len(orgs) != 1 {
		t.Fatalf("re-migrating lost data: %d orgs", len(orgs))
	}
}

func testRebind(t *testing.T, db *sqlstore.DB) {
	q := "SELECT 1 WHERE 'a' = ? AND 'b' = ?"
	want := q
	if db.Dialect() == "postgres" {
		want = "SELECT 1 WHERE 'a' = $1 AND 'b' = $2"
	}
	if got := db.Rebind(q); got != want {
		t.Fatalf("Rebind = %q, want %q", got, want)
	}
	var n int
	ok(t, db.SQLDB().QueryRow(db.Rebind(q), "a", "b").Scan(&n))
	ok(t, db.Ping(ctx))
}

func TestOpenSQLiteCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	path := filepath.Join(dir, "mv.db")
	db, err := sqlstore.Open(ctx, "", path)
	ok(t, err)
	defer db.Close()
	ok(t, db.Migrate(ctx))
	if db.Dialect() != "sqlite" {
		t.Fatalf("dialect %q", db.Dialect())
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		st, err := os.Stat(p)
		ok(t, err)
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", p, got, want)
		}
	}
	var mode string
	ok(t, db.SQLDB().QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	var fk, sync int
	ok(t, db.SQLDB().QueryRow(`PRAGMA foreign_keys`).Scan(&fk))
	ok(t, db.SQLDB().QueryRow(`PRAGMA synchronous`).Scan(&sync))
	if mode != "wal" || fk != 1 || sync != 2 {
		t.Fatalf("journal_mode=%s foreign_keys=%d synchronous=%d", mode, fk, sync)
	}
}

func TestOpenRejectsUnknownScheme(t *testing.T) {
	for _, u := range []string{"mysql://root@localhost/db", "sqlite:///tmp/x.db", "::not a url"} {
		_, err := sqlstore.Open(ctx, u, filepath.Join(t.TempDir(), "x.db"))
		if err == nil {
			t.Errorf("Open(%q) succeeded", u)
		}
	}
	_, err := sqlstore.OpenSQLite("")
	if err == nil {
		t.Error("OpenSQLite(\"\") succeeded")
	}
}

// --- meetings, goals, commitments, feedback, notifications, calendar feeds ---

func newMeeting(t *testing.T, tx mentorvault.Tx, relID, byID string, start time.Time, minutes int, status mentorvault.MeetingStatus) *mentorvault.Meeting {
	t.Helper()
	m := &mentorvault.Meeting{
		ID: mentorvault.NewID(), RelationshipID: relID, StartsAt: us(start), Minutes: minutes, Location: "Room 4",
		Agenda: mentorvault.NewSecret("plaintext agenda"), AgendaSealed: []byte("sealed agenda"), SealVersion: 1, Status: status,
		CreatedByID: byID, CreatedAt: us(t0), UpdatedAt: us(t0),
	}
	ok(t, tx.CreateMeeting(ctx, m))
	m.Agenda = mentorvault.Secret{} // the store keeps the ciphertext only
	return m
}

// otherRel creates a relationship of mentorID and menteeID.
func otherRel(t *testing.T, tx mentorvault.Tx, f *fixture, mentorID, menteeID, programmeID string) *mentorvault.Relationship {
	t.Helper()
	r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: f.org.ID, ProgrammeID: programmeID, Kind: mentorvault.KindMentoring,
		MentorID: mentorID, MenteeID: menteeID, ProposedByID: mentorID, Status: mentorvault.StatusActive,
		CreatedAt: us(t0), UpdatedAt: us(t0)}
	ok(t, tx.CreateRelationship(ctx, r))
	return r
}

func testMeetings(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	h := time.Hour
	m1 := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(-48*h), 60, mentorvault.MeetingScheduled)           // over, outcome not recorded
	m2 := newMeeting(t, tx, f.rel.ID, f.mentee.ID, t0.Add(-30*time.Minute), 60, mentorvault.MeetingScheduled) // under way
	m3 := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(24*h), 60, mentorvault.MeetingCancelledLate)
	m4 := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(48*h), 45, mentorvault.MeetingScheduled)
	m5 := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(48*h), 90, mentorvault.MeetingScheduled) // same start as m4
	m6 := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(-72*h), 60, mentorvault.MeetingHeld)
	other := otherRel(t, tx, f, f.manager.ID, f.other.ID, "")
	newMeeting(t, tx, other.ID, f.manager.ID, t0.Add(h), 60, mentorvault.MeetingScheduled)
	newMeeting(t, tx, other.ID, f.manager.ID, t0.Add(-h), 30, mentorvault.MeetingHeld)

	got, err := tx.FindMeetingByID(ctx, m4.ID)
	ok(t, err)
	equal(t, got, m4)
	if !got.Agenda.IsZero() {
		t.Fatal("the store returned a plaintext agenda")
	}
	_, err = tx.FindMeetingByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)

	now := us(t0)
	later := us(t0.Add(30 * time.Minute)) // m2 has just ended
	type M = []*mentorvault.Meeting
	for _, c := range []struct {
		name   string
		filter mentorvault.MeetingFilter
		want   M
	}{
		// Upcoming: scheduled and ends after now; past: ended by now, or
		// not scheduled any more (m3, cancelled ahead of its time, will not happen).
		{"upcoming", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Upcoming: true, Now: now}, M{m2, m4, m5}},
		{"past", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Now: now}, M{m3, m1, m6}},
		{"upcoming page 1", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Upcoming: true, Now: now, Limit: 2}, M{m2, m4}},
		{"upcoming page 2", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Upcoming: true, Now: now, Limit: 2, Before: m4.ID}, M{m5}},
		{"upcoming page 3", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Upcoming: true, Now: now, Limit: 2, Before: m5.ID}, nil},
		{"past page 1", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Now: now, Limit: 1}, M{m3}},
		{"past page 2", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Now: now, Limit: 2, Before: m3.ID}, M{m1, m6}},
		{"past end", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Now: now, Before: m6.ID}, nil},
		{"upcoming later", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Upcoming: true, Now: later}, M{m4, m5}},
		{"past later", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Now: later}, M{m3, m2, m1, m6}},
		{"past later page 2", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Now: later, Before: m2.ID, Limit: 1}, M{m1}},
		{"all over", mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Upcoming: true, Now: now.Add(100 * h)}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := tx.FindMeetings(ctx, c.filter)
			ok(t, err)
			equal(t, got, c.want)
		})
	}
	_, err = tx.FindMeetings(ctx, mentorvault.MeetingFilter{})
	wantCode(t, err, mentorvault.EINVALID)
	_, err = tx.FindMeetings(ctx, mentorvault.MeetingFilter{RelationshipID: other.ID, Now: now, Before: m1.ID})
	wantCode(t, err, mentorvault.EINVALID)

	// Every meeting of the relationship, by ID, whatever its times, in pages.
	all := M{m1, m2, m3, m4, m5, m6}
	slices.SortFunc(all, func(a, b *mentorvault.Meeting) int { return strings.Compare(a.ID, b.ID) })
	page1, err := tx.FindRelationshipMeetings(ctx, f.rel.ID, "", 4)
	ok(t, err)
	equal(t, page1, all[:4])
	page2, err := tx.FindRelationshipMeetings(ctx, f.rel.ID, page1[3].ID, 4)
	ok(t, err)
	equal(t, page2, all[4:])

	// Cancelling the meeting under way moves it to the past list: it will not go on.
	upd := *m2
	ok(t, upd.Cancel(f.mentee.ID, 24, now))
	ok(t, tx.UpdateMeeting(ctx, &upd))
	got, err = tx.FindMeetingByID(ctx, m2.ID)
	ok(t, err)
	equal(t, got, &upd)
	if got.Status != mentorvault.MeetingCancelledLate || got.Sequence != 1 || got.CancelledByID != f.mentee.ID {
		t.Fatalf("cancelled meeting stored as %+v", got)
	}
	list, err := tx.FindMeetings(ctx, mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Upcoming: true, Now: now})
	ok(t, err)
	equal(t, list, M{m4, m5})
	list, err = tx.FindMeetings(ctx, mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Now: now})
	ok(t, err)
	equal(t, list, M{m3, &upd, m1, m6})

	// Rescheduling changes the end too.
	upd4 := *m4
	ok(t, upd4.Reschedule(us(t0.Add(-2*h)), 60, "https://meet.example.org/x", now))
	upd4.AgendaSealed, upd4.SealVersion = []byte("resealed"), 2
	ok(t, tx.UpdateMeeting(ctx, &upd4))
	got, err = tx.FindMeetingByID(ctx, m4.ID)
	ok(t, err)
	equal(t, got, &upd4)
	list, err = tx.FindMeetings(ctx, mentorvault.MeetingFilter{RelationshipID: f.rel.ID, Upcoming: true, Now: now})
	ok(t, err)
	equal(t, list, M{m5})

	missing := upd4
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateMeeting(ctx, &missing), mentorvault.ENOTFOUND)
	wantCode(t, tx.CreateMeeting(ctx, m1), mentorvault.ECONFLICT)
	bad := *m1
	bad.ID, bad.Status = mentorvault.NewID(), "postponed"
	wantCode(t, tx.CreateMeeting(ctx, &bad), mentorvault.EINVALID)
	bad.Status, bad.CreatedByID = mentorvault.MeetingScheduled, mentorvault.NewID()
	wantCode(t, tx.CreateMeeting(ctx, &bad), mentorvault.EINVALID)
}

func testMeetingsForUser(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	h := time.Hour
	// f.mentor mentors f.rel and is the mentee of asMentee.
	asMentee := otherRel(t, tx, f, f.manager.ID, f.mentor.ID, "")
	strangers := otherRel(t, tx, f, f.manager.ID, f.other.ID, "")
	newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(-h), 30, mentorvault.MeetingScheduled) // started before since
	a := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(48*h), 60, mentorvault.MeetingScheduled)
	newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(2*h), 60, mentorvault.MeetingCancelledInTime)
	b := newMeeting(t, tx, asMentee.ID, f.manager.ID, t0.Add(24*h), 60, mentorvault.MeetingScheduled)
	c := newMeeting(t, tx, f.rel.ID, f.mentee.ID, us(t0), 60, mentorvault.MeetingScheduled) // starts exactly at since
	s := newMeeting(t, tx, strangers.ID, f.manager.ID, t0.Add(3*h), 60, mentorvault.MeetingScheduled)

	type M = []*mentorvault.Meeting
	got, err := tx.FindMeetingsForUser(ctx, f.mentor.ID, us(t0), 0)
	ok(t, err)
	equal(t, got, M{c, b, a})
	got, err = tx.FindMeetingsForUser(ctx, f.mentor.ID, us(t0), 2)
	ok(t, err)
	equal(t, got, M{c, b})
	got, err = tx.FindMeetingsForUser(ctx, f.mentee.ID, us(t0.Add(h)), 0)
	ok(t, err)
	equal(t, got, M{a})
	got, err = tx.FindMeetingsForUser(ctx, f.manager.ID, us(t0), 0)
	ok(t, err)
	equal(t, got, M{s, b})
	got, err = tx.FindMeetingsForUser(ctx, mentorvault.NewID(), us(t0), 0)
	ok(t, err)
	equal(t, got, M(nil))
}

func testReminderAcks(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	m := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0, 60, mentorvault.MeetingScheduled)
	m0 := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(-24*time.Hour), 60, mentorvault.MeetingHeld)
	other := otherRel(t, tx, f, f.manager.ID, f.other.ID, "")
	om := newMeeting(t, tx, other.ID, f.manager.ID, t0, 60, mentorvault.MeetingScheduled)
	ok(t, tx.UpsertReminderAck(ctx, &mentorvault.ReminderAck{MeetingID: om.ID, UserID: f.manager.ID, ShownAt: us(t0)}))

	shown := us(t0)
	a := &mentorvault.ReminderAck{MeetingID: m.ID, UserID: f.mentor.ID, ShownAt: shown}
	ok(t, tx.UpsertReminderAck(ctx, a))
	equal(t, a, &mentorvault.ReminderAck{MeetingID: m.ID, UserID: f.mentor.ID, ShownAt: shown})

	// Shown again and acknowledged: the first shown time stays.
	acked := us(t0.Add(6 * time.Minute))
	a = &mentorvault.ReminderAck{MeetingID: m.ID, UserID: f.mentor.ID, ShownAt: us(t0.Add(5 * time.Minute)), AcknowledgedAt: &acked}
	ok(t, tx.UpsertReminderAck(ctx, a))
	wantMentor := &mentorvault.ReminderAck{MeetingID: m.ID, UserID: f.mentor.ID, ShownAt: shown, AcknowledgedAt: &acked}
	equal(t, a, wantMentor)
	// Shown once more without acknowledging: the acknowledgement stays.
	a = &mentorvault.ReminderAck{MeetingID: m.ID, UserID: f.mentor.ID, ShownAt: us(t0.Add(9 * time.Minute))}
	ok(t, tx.UpsertReminderAck(ctx, a))
	equal(t, a, wantMentor)

	wantMentee := &mentorvault.ReminderAck{MeetingID: m.ID, UserID: f.mentee.ID, ShownAt: us(t0.Add(time.Minute))}
	ok(t, tx.UpsertReminderAck(ctx, &mentorvault.ReminderAck{MeetingID: m.ID, UserID: f.mentee.ID, ShownAt: wantMentee.ShownAt}))
	earlier := &mentorvault.ReminderAck{MeetingID: m0.ID, UserID: f.mentee.ID, ShownAt: us(t0.Add(-24 * time.Hour)), AcknowledgedAt: ptr(us(t0.Add(-23 * time.Hour)))}
	ok(t, tx.UpsertReminderAck(ctx, &mentorvault.ReminderAck{MeetingID: m0.ID, UserID: f.mentee.ID, ShownAt: earlier.ShownAt, AcknowledgedAt: earlier.AcknowledgedAt}))

	want := []*mentorvault.ReminderAck{wantMentor, wantMentee}
	if f.mentee.ID < f.mentor.ID {
		want = []*mentorvault.ReminderAck{wantMentee, wantMentor}
	}
	got, err := tx.FindReminderAcks(ctx, f.rel.ID)
	ok(t, err)
	equal(t, got, append([]*mentorvault.ReminderAck{earlier}, want...))

	wantCode(t, tx.UpsertReminderAck(ctx, &mentorvault.ReminderAck{MeetingID: mentorvault.NewID(), UserID: f.mentor.ID, ShownAt: shown}), mentorvault.EINVALID)
	wantCode(t, tx.UpsertReminderAck(ctx, &mentorvault.ReminderAck{MeetingID: m.ID, UserID: mentorvault.NewID(), ShownAt: shown}), mentorvault.EINVALID)
}

func testMeetingNotes(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	m := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0, 60, mentorvault.MeetingHeld)
	m2 := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(time.Hour), 60, mentorvault.MeetingScheduled)
	mk := func(author *mentorvault.User, vis mentorvault.Visibility, meetingID string) *mentorvault.Note {
		n := &mentorvault.Note{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, AuthorID: author.ID, MeetingID: meetingID, Visibility: vis,
			BodySealed: []byte("sealed"), CreatedAt: us(t0), UpdatedAt: us(t0)}
		ok(t, tx.CreateNote(ctx, n))
		return n
	}
	n1 := mk(f.mentor, mentorvault.VisibilityShared, m.ID)
	n2 := mk(f.mentor, mentorvault.VisibilityShared, "")
	n3 := mk(f.mentee, mentorvault.VisibilityPrivate, m.ID)
	n4 := mk(f.mentee, mentorvault.VisibilityShared, m2.ID)

	got, err := tx.FindNoteByID(ctx, n1.ID)
	ok(t, err)
	equal(t, got, n1)
	got, err = tx.FindNoteByID(ctx, n2.ID)
	ok(t, err)
	equal(t, got, n2)

	type N = []*mentorvault.Note
	for _, c := range []struct {
		name   string
		filter mentorvault.NoteFilter
		want   N
	}{
		{"meeting", mentorvault.NoteFilter{RelationshipID: f.rel.ID, MeetingID: m.ID}, N{n3, n1}},
		{"meeting, mentor reads", mentorvault.NoteFilter{RelationshipID: f.rel.ID, MeetingID: m.ID, ReaderID: f.mentor.ID}, N{n1}},
		{"other meeting", mentorvault.NoteFilter{RelationshipID: f.rel.ID, MeetingID: m2.ID}, N{n4}},
		{"all", mentorvault.NoteFilter{RelationshipID: f.rel.ID}, N{n4, n3, n2, n1}},
		{"unknown meeting", mentorvault.NoteFilter{RelationshipID: f.rel.ID, MeetingID: mentorvault.NewID()}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := tx.FindNotes(ctx, c.filter)
			ok(t, err)
			equal(t, got, c.want)
		})
	}

	upd := *n1
	upd.MeetingID, upd.UpdatedAt = "", us(t0.Add(time.Hour))
	ok(t, tx.UpdateNote(ctx, &upd))
	got, err = tx.FindNoteByID(ctx, n1.ID)
	ok(t, err)
	equal(t, got, &upd)
	list, err := tx.FindNotes(ctx, mentorvault.NoteFilter{RelationshipID: f.rel.ID, MeetingID: m.ID})
	ok(t, err)
	equal(t, list, N{n3})
}

func testGoals(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	mk := func(relID, byID string, at time.Time) *mentorvault.Goal {
		g := &mentorvault.Goal{ID: mentorvault.NewID(), RelationshipID: relID, Title: mentorvault.NewSecret("plaintext title"),
			TitleSealed: []byte("sealed title"), Status: mentorvault.GoalActive, CreatedByID: byID, CreatedAt: us(at), UpdatedAt: us(at)}
		ok(t, tx.CreateGoal(ctx, g))
		g.Title = mentorvault.Secret{}
		return g
	}
	g1 := mk(f.rel.ID, f.mentee.ID, t0)
	g2 := mk(f.rel.ID, f.mentor.ID, t0.Add(time.Hour))
	other := otherRel(t, tx, f, f.manager.ID, f.other.ID, "")
	og := mk(other.ID, f.other.ID, t0)

	got, err := tx.FindGoalByID(ctx, g1.ID)
	ok(t, err)
	equal(t, got, g1)
	if !got.Title.IsZero() {
		t.Fatal("the store returned a plaintext title")
	}
	_, err = tx.FindGoalByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)

	upd := *g1
	upd.Status, upd.TitleSealed, upd.UpdatedAt = mentorvault.GoalAchieved, []byte("resealed"), us(t0.Add(2*time.Hour))
	ok(t, tx.UpdateGoal(ctx, &upd))
	list, err := tx.FindGoals(ctx, f.rel.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Goal{&upd, g2})
	missing := upd
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateGoal(ctx, &missing), mentorvault.ENOTFOUND)
	bad := *g2
	bad.ID, bad.Status = mentorvault.NewID(), "paused"
	wantCode(t, tx.CreateGoal(ctx, &bad), mentorvault.EINVALID)
	wantCode(t, tx.CreateGoal(ctx, g2), mentorvault.ECONFLICT)

	prog := func(goalID, authorID string, at time.Time) *mentorvault.GoalProgress {
		return &mentorvault.GoalProgress{ID: mentorvault.NewID(), GoalID: goalID, AuthorID: authorID,
			Body: mentorvault.NewSecret("plaintext progress"), BodySealed: []byte("sealed progress"), CreatedAt: us(at)}
	}
	p2 := prog(g2.ID, f.mentor.ID, t0.Add(2*time.Hour))
	p1 := prog(g1.ID, f.mentee.ID, t0.Add(time.Hour))
	ok(t, tx.CreateGoalProgress(ctx, p2))
	ok(t, tx.CreateGoalProgress(ctx, p1))
	ok(t, tx.CreateGoalProgress(ctx, prog(og.ID, f.other.ID, t0)))
	p1.Body, p2.Body = mentorvault.Secret{}, mentorvault.Secret{}
	ps, err := tx.FindGoalProgress(ctx, f.rel.ID)
	ok(t, err)
	equal(t, ps, []*mentorvault.GoalProgress{p1, p2})
	wantCode(t, tx.CreateGoalProgress(ctx, prog(mentorvault.NewID(), f.mentor.ID, t0)), mentorvault.EINVALID)
	wantCode(t, tx.CreateGoalProgress(ctx, prog(g1.ID, mentorvault.NewID(), t0)), mentorvault.EINVALID)
	wantCode(t, tx.CreateGoalProgress(ctx, p1), mentorvault.ECONFLICT)
}

func testCommitments(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	g := &mentorvault.Goal{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, TitleSealed: []byte("t"), Status: mentorvault.GoalActive,
		CreatedByID: f.mentee.ID, CreatedAt: us(t0), UpdatedAt: us(t0)}
	ok(t, tx.CreateGoal(ctx, g))
	m := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0, 60, mentorvault.MeetingHeld)
	mk := func(owner, proposer, goalID, meetingID string, due time.Time, status mentorvault.CommitmentStatus) *mentorvault.Commitment {
		c := &mentorvault.Commitment{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, OwnerID: owner, ProposedByID: proposer,
			GoalID: goalID, MeetingID: meetingID, Description: mentorvault.NewSecret("plaintext promise"), DescriptionSealed: []byte("sealed promise"),
			DueAt: us(due), Status: status, CreatedAt: us(t0), UpdatedAt: us(t0)}
		ok(t, tx.CreateCommitment(ctx, c))
		c.Description = mentorvault.Secret{}
		return c
	}
	c1 := mk(f.mentee.ID, f.mentee.ID, "", "", t0.Add(72*time.Hour), mentorvault.CommitmentOpen)
	c2 := mk(f.mentee.ID, f.mentor.ID, g.ID, m.ID, t0.Add(24*time.Hour), mentorvault.CommitmentProposed)
	c3 := mk(f.mentor.ID, f.mentor.ID, "", m.ID, t0.Add(48*time.Hour), mentorvault.CommitmentOpen)

	got, err := tx.FindCommitmentByID(ctx, c2.ID)
	ok(t, err)
	equal(t, got, c2)
	if !got.Description.IsZero() {
		t.Fatal("the store returned a plaintext description")
	}
	_, err = tx.FindCommitmentByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)
	list, err := tx.FindCommitments(ctx, f.rel.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Commitment{c2, c3, c1})

	// Kept, moved earlier and linked to the goal.
	upd := *c1
	ok(t, upd.Close(mentorvault.CommitmentKept, f.mentee.ID, us(t0.Add(time.Hour))))
	upd.DueAt, upd.GoalID, upd.DescriptionSealed = us(t0), g.ID, []byte("resealed")
	ok(t, tx.UpdateCommitment(ctx, &upd))
	got, err = tx.FindCommitmentByID(ctx, c1.ID)
	ok(t, err)
	equal(t, got, &upd)
	list, err = tx.FindCommitments(ctx, f.rel.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Commitment{&upd, c2, c3})
	// Unlinked from the goal.
	upd.GoalID = ""
	ok(t, tx.UpdateCommitment(ctx, &upd))
	got, err = tx.FindCommitmentByID(ctx, c1.ID)
	ok(t, err)
	equal(t, got, &upd)

	missing := upd
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateCommitment(ctx, &missing), mentorvault.ENOTFOUND)
	bad := *c3
	bad.ID, bad.GoalID = mentorvault.NewID(), mentorvault.NewID()
	wantCode(t, tx.CreateCommitment(ctx, &bad), mentorvault.EINVALID)
	bad.GoalID, bad.MeetingID = "", mentorvault.NewID()
	wantCode(t, tx.CreateCommitment(ctx, &bad), mentorvault.EINVALID)
	bad.MeetingID, bad.Status = "", "broken"
	wantCode(t, tx.CreateCommitment(ctx, &bad), mentorvault.EINVALID)
	wantCode(t, tx.CreateCommitment(ctx, c3), mentorvault.ECONFLICT)
	upd.Status = "broken"
	wantCode(t, tx.UpdateCommitment(ctx, &upd), mentorvault.EINVALID)
}

func testFeedback(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	sameProg := otherRel(t, tx, f, f.manager.ID, f.other.ID, f.prog.ID)
	informal := otherRel(t, tx, f, f.other.ID, f.mentor.ID, "") // another pair: one pair holds one open relationship
	req := func(rel *mentorvault.Relationship, at time.Time) *mentorvault.FeedbackRequest {
		r := &mentorvault.FeedbackRequest{ID: mentorvault.NewID(), RelationshipID: rel.ID, MentorID: rel.MentorID, MenteeID: rel.MenteeID,
			ProgrammeID: rel.ProgrammeID, RequestedAt: us(at)}
		ok(t, tx.CreateFeedbackRequest(ctx, r))
		return r
	}
	r1 := req(f.rel, t0)
	r2 := req(f.rel, t0.Add(time.Hour))
	r3 := req(sameProg, t0)
	r4 := req(informal, t0)

	got, err := tx.FindFeedbackRequestByID(ctx, r1.ID)
	ok(t, err)
	equal(t, got, r1)
	got, err = tx.FindFeedbackRequestByID(ctx, r4.ID)
	ok(t, err)
	equal(t, got, r4)
	_, err = tx.FindFeedbackRequestByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)
	reqs, err := tx.FindFeedbackRequests(ctx, f.rel.ID)
	ok(t, err)
	equal(t, reqs, []*mentorvault.FeedbackRequest{r1, r2})
	wantCode(t, tx.CreateFeedbackRequest(ctx, r1), mentorvault.ECONFLICT)

	answer := func(r *mentorvault.FeedbackRequest, at time.Time) *mentorvault.FeedbackResponse {
		return &mentorvault.FeedbackResponse{RequestID: r.ID, RelationshipID: r.RelationshipID, ProgrammeID: r.ProgrammeID,
			Answer: mentorvault.FeedbackAnswer{Ratings: map[string]int{"listening": 5}, Text: "plaintext"},
			Sealed: []byte("sealed answer " + r.ID), CreatedAt: us(at)}
	}
	stored := func(r *mentorvault.FeedbackResponse) *mentorvault.FeedbackResponse {
		v := *r
		v.Answer = mentorvault.FeedbackAnswer{}
		return &v
	}
	a1 := answer(r1, t0.Add(2*time.Hour))
	ok(t, tx.CreateFeedbackResponse(ctx, a1))
	got, err = tx.FindFeedbackRequestByID(ctx, r1.ID)
	ok(t, err)
	want := *r1
	want.AnsweredAt = ptr(a1.CreatedAt)
	equal(t, got, &want)

	// Answered twice: ECONFLICT, and nothing changes.
	wantCode(t, tx.CreateFeedbackResponse(ctx, answer(r1, t0.Add(3*time.Hour))), mentorvault.ECONFLICT)
	got, err = tx.FindFeedbackRequestByID(ctx, r1.ID)
	ok(t, err)
	equal(t, got, &want)
	wantCode(t, tx.CreateFeedbackResponse(ctx, answer(&mentorvault.FeedbackRequest{ID: mentorvault.NewID(), RelationshipID: f.rel.ID}, t0)),
		mentorvault.EINVALID)
	// A response the schema refuses leaves its request unanswered.
	broken := answer(r2, t0)
	broken.ProgrammeID = mentorvault.NewID()
	wantCode(t, tx.CreateFeedbackResponse(ctx, broken), mentorvault.EINVALID)
	got, err = tx.FindFeedbackRequestByID(ctx, r2.ID)
	ok(t, err)
	equal(t, got, r2)

	a3 := answer(r3, t0.Add(time.Hour))
	a4 := answer(r4, t0.Add(time.Hour))
	ok(t, tx.CreateFeedbackResponse(ctx, a3))
	ok(t, tx.CreateFeedbackResponse(ctx, a4))

	resps, err := tx.FindFeedbackResponses(ctx, f.rel.ID)
	ok(t, err)
	equal(t, resps, []*mentorvault.FeedbackResponse{stored(a1)})
	resps, err = tx.FindProgrammeFeedback(ctx, f.prog.ID)
	ok(t, err)
	equal(t, resps, []*mentorvault.FeedbackResponse{stored(a3), stored(a1)})
	resps, err = tx.FindFeedbackResponses(ctx, informal.ID)
	ok(t, err)
	equal(t, resps, []*mentorvault.FeedbackResponse{stored(a4)})
	resps, err = tx.FindProgrammeFeedback(ctx, mentorvault.NewID())
	ok(t, err)
	equal(t, resps, []*mentorvault.FeedbackResponse(nil))

	// The count: every response of the programme, and those whose
	// relationship has a live data key (none yet, then both, then one).
	count := func(prog string, want mentorvault.FeedbackCount) {
		t.Helper()
		c, err := tx.CountProgrammeFeedback(ctx, prog)
		ok(t, err)
		equal(t, c, want)
	}
	count(f.prog.ID, mentorvault.FeedbackCount{Total: 2, Live: 0})
	ok(t, tx.CreateDataKey(ctx, f.rel.ID, []byte("wrapped"), us(t0)))
	ok(t, tx.CreateDataKey(ctx, sameProg.ID, []byte("wrapped"), us(t0)))
	ok(t, tx.CreateDataKey(ctx, informal.ID, []byte("wrapped"), us(t0)))
	count(f.prog.ID, mentorvault.FeedbackCount{Total: 2, Live: 2})
	ok(t, tx.DestroyDataKey(ctx, sameProg.ID, us(t0.Add(time.Hour))))
	count(f.prog.ID, mentorvault.FeedbackCount{Total: 2, Live: 1})
	count(mentorvault.NewID(), mentorvault.FeedbackCount{})
}

func testNotifications(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	mk := func(user *mentorvault.User, key string, at time.Time) *mentorvault.Notification {
		return &mentorvault.Notification{ID: mentorvault.NewID(), UserID: user.ID, Kind: mentorvault.NotifyMeetingUpcoming,
			RelationshipID: f.rel.ID, RefID: mentorvault.NewID(), Text: "A session with Mentee starts soon", Link: "/relationships/" + f.rel.ID,
			DedupeKey: key, CreatedAt: us(at)}
	}
	n1 := mk(f.mentor, "meeting.upcoming:1", t0)
	n2 := mk(f.mentor, "meeting.upcoming:2", t0.Add(time.Minute))
	n3 := mk(f.mentor, "", t0.Add(2*time.Minute))
	n3.RelationshipID, n3.RefID, n3.Link = "", "", ""
	n4 := mk(f.mentor, "", t0.Add(3*time.Minute))
	n5 := mk(f.mentee, "meeting.upcoming:1", t0) // same key, other user
	for _, n := range []*mentorvault.Notification{n1, n2, n3, n4, n5} {
		ok(t, tx.CreateNotification(ctx, n))
	}
	// The same key again is a silent no-op.
	ok(t, tx.CreateNotification(ctx, mk(f.mentor, "meeting.upcoming:1", t0.Add(time.Hour))))

	type N = []*mentorvault.Notification
	list, err := tx.FindNotifications(ctx, f.mentor.ID, 0, 0)
	ok(t, err)
	equal(t, list, N{n4, n3, n2, n1})
	list, err = tx.FindNotifications(ctx, f.mentor.ID, 0, 2)
	ok(t, err)
	equal(t, list, N{n4, n3})
	list, err = tx.FindNotifications(ctx, f.mentor.ID, 2, 1)
	ok(t, err)
	equal(t, list, N{n2})
	list, err = tx.FindNotifications(ctx, f.mentor.ID, 4, 10)
	ok(t, err)
	equal(t, list, N(nil))
	count := func(u *mentorvault.User, want int) {
		t.Helper()
		n, err := tx.CountUnreadNotifications(ctx, u.ID)
		ok(t, err)
		if n != want {
			t.Fatalf("%s has %d unread notifications, want %d", u.Name, n, want)
		}
	}
	count(f.mentor, 4)
	count(f.mentee, 1)
	count(f.other, 0)

	read := us(t0.Add(time.Hour))
	ok(t, tx.MarkNotificationsRead(ctx, f.mentor.ID, n2.ID, read))
	ok(t, tx.MarkNotificationsRead(ctx, f.mentor.ID, n2.ID, read.Add(time.Hour))) // keeps the first time
	count(f.mentor, 3)
	wantCode(t, tx.MarkNotificationsRead(ctx, f.mentee.ID, n1.ID, read), mentorvault.ENOTFOUND) // not hers
	wantCode(t, tx.MarkNotificationsRead(ctx, f.mentor.ID, mentorvault.NewID(), read), mentorvault.ENOTFOUND)
	count(f.mentor, 3)

	all := us(t0.Add(2 * time.Hour))
	ok(t, tx.MarkNotificationsRead(ctx, f.mentor.ID, "", all))
	count(f.mentor, 0)
	count(f.mentee, 1)
	ok(t, tx.MarkNotificationsRead(ctx, f.other.ID, "", all)) // none to mark
	n1.ReadAt, n2.ReadAt, n3.ReadAt, n4.ReadAt = &all, &read, &all, &all
	list, err = tx.FindNotifications(ctx, f.mentor.ID, 0, 0)
	ok(t, err)
	equal(t, list, N{n4, n3, n2, n1})

	wantCode(t, tx.CreateNotification(ctx, n3), mentorvault.ECONFLICT)
	orphan := mk(f.mentor, "x", t0)
	orphan.UserID = mentorvault.NewID()
	wantCode(t, tx.CreateNotification(ctx, orphan), mentorvault.EINVALID)
}

func testCalendarFeeds(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	mk := func(u *mentorvault.User, token string, detailed bool, at time.Time) *mentorvault.CalendarFeed {
		h := sha256.Sum256([]byte(token))
		c := &mentorvault.CalendarFeed{ID: mentorvault.NewID(), UserID: u.ID, TokenHash: h[:], Detailed: detailed, CreatedAt: us(at)}
		ok(t, tx.CreateCalendarFeed(ctx, c))
		return c
	}
	c1 := mk(f.mentor, "one", true, t0)
	c2 := mk(f.mentor, "two", false, t0.Add(time.Hour))
	mk(f.mentee, "three", false, t0)

	h1 := sha256.Sum256([]byte("one"))
	got, err := tx.FindCalendarFeedByHash(ctx, h1[:])
	ok(t, err)
	equal(t, got, c1)
	list, err := tx.FindCalendarFeeds(ctx, f.mentor.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.CalendarFeed{c2, c1})

	at := us(t0.Add(2 * time.Hour))
	ok(t, tx.RevokeCalendarFeed(ctx, c1.ID, at))
	ok(t, tx.RevokeCalendarFeed(ctx, c1.ID, at.Add(time.Hour))) // keeps the first time
	c1.RevokedAt = &at
	got, err = tx.FindCalendarFeedByHash(ctx, h1[:])
	ok(t, err)
	equal(t, got, c1)
	h2 := sha256.Sum256([]byte("two"))
	got, err = tx.FindCalendarFeedByHash(ctx, h2[:])
	ok(t, err)
	equal(t, got, c2)

	missing := sha256.Sum256([]byte("missing"))
	_, err = tx.FindCalendarFeedByHash(ctx, missing[:])
	wantCode(t, err, mentorvault.ENOTFOUND)
	wantCode(t, tx.RevokeCalendarFeed(ctx, mentorvault.NewID(), at), mentorvault.ENOTFOUND)
	dup := *c2
	dup.ID = mentorvault.NewID()
	wantCode(t, tx.CreateCalendarFeed(ctx, &dup), mentorvault.ECONFLICT)
	dup.TokenHash, dup.UserID = []byte("other hash"), mentorvault.NewID()
	wantCode(t, tx.CreateCalendarFeed(ctx, &dup), mentorvault.EINVALID)
}

// --- concerns, disclosures, consultations, jobs ---

func newConcern(t *testing.T, tx mentorvault.Tx, relID, byID string, at time.Time) *mentorvault.Concern {
	t.Helper()
	c := &mentorvault.Concern{ID: mentorvault.NewID(), RelationshipID: relID, RaisedByID: byID, Category: mentorvault.ConcernDangerToOthers,
		Description: mentorvault.NewSecret("plaintext concern"), DescriptionSealed: []byte("sealed concern"), Imminent: true,
		Status: mentorvault.ConcernOpen, CreatedAt: us(at), UpdatedAt: us(at)}
	ok(t, tx.CreateConcern(ctx, c))
	c.Description = mentorvault.Secret{} // the store keeps the ciphertext only
	return c
}

func testConcerns(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	other := otherRel(t, tx, f, f.manager.ID, f.other.ID, f.prog.ID)
	c1 := newConcern(t, tx, f.rel.ID, f.mentee.ID, t0)
	c2 := newConcern(t, tx, f.rel.ID, f.mentor.ID, t0.Add(time.Hour))
	c3 := newConcern(t, tx, other.ID, f.other.ID, t0.Add(2*time.Hour))
	c4 := &mentorvault.Concern{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, RaisedByID: f.mentor.ID, Category: mentorvault.ConcernTradeSecrets,
		DescriptionSealed: []byte("s4"), Status: mentorvault.ConcernOpen, CreatedAt: us(t0.Add(time.Hour)), UpdatedAt: us(t0.Add(time.Hour))}
	ok(t, tx.CreateConcern(ctx, c4))
	commit(t, tx)

	tx = begin(t, db)
	got, err := tx.FindConcernByID(ctx, c1.ID)
	ok(t, err)
	equal(t, got, c1)
	if !got.Description.IsZero() {
		t.Fatal("the store returned a plaintext description")
	}
	got, err = tx.FindConcernByID(ctx, c4.ID)
	ok(t, err)
	equal(t, got, c4)
	_, err = tx.FindConcernByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)

	// Newest first; equal times by ID, descending.
	same := []*mentorvault.Concern{c2, c4}
	if same[0].ID < same[1].ID {
		same[0], same[1] = same[1], same[0]
	}
	list, err := tx.FindConcerns(ctx, f.rel.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Concern{same[0], same[1], c1})
	list, err = tx.FindConcerns(ctx, other.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Concern{c3})
	list, err = tx.FindConcerns(ctx, mentorvault.NewID())
	ok(t, err)
	equal(t, list, []*mentorvault.Concern(nil))

	// Closing stores the outcome; only Status, UpdatedAt and ClosedAt change.
	upd := *c1
	ok(t, upd.Close(mentorvault.ConcernResolved, us(t0.Add(3*time.Hour))))
	changed := upd
	changed.Category, changed.DescriptionSealed, changed.Imminent = mentorvault.ConcernOther, []byte("ignored"), false
	ok(t, tx.UpdateConcern(ctx, &changed))
	got, err = tx.FindConcernByID(ctx, c1.ID)
	ok(t, err)
	equal(t, got, &upd)

	missing := upd
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateConcern(ctx, &missing), mentorvault.ENOTFOUND)
	bad := upd
	bad.Status = "forgotten"
	wantCode(t, tx.UpdateConcern(ctx, &bad), mentorvault.EINVALID)
	bad = *c3
	bad.ID, bad.RelationshipID = mentorvault.NewID(), mentorvault.NewID()
	wantCode(t, tx.CreateConcern(ctx, &bad), mentorvault.EINVALID)
	bad.RelationshipID, bad.RaisedByID = c3.RelationshipID, mentorvault.NewID()
	wantCode(t, tx.CreateConcern(ctx, &bad), mentorvault.EINVALID)
	bad.RaisedByID, bad.Category = c3.RaisedByID, "gossip"
	wantCode(t, tx.CreateConcern(ctx, &bad), mentorvault.EINVALID)
	bad.Category, bad.Status = c3.Category, "pending"
	wantCode(t, tx.CreateConcern(ctx, &bad), mentorvault.EINVALID)
	bad.Status, bad.DescriptionSealed = c3.Status, nil
	wantCode(t, tx.CreateConcern(ctx, &bad), mentorvault.EINVALID)
	wantCode(t, tx.CreateConcern(ctx, c3), mentorvault.ECONFLICT)
	bad.DescriptionSealed = []byte("x")
	ok(t, tx.CreateConcern(ctx, &bad)) // the transaction is still usable
}

func testConcernSteps(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	c := newConcern(t, tx, f.rel.ID, f.mentee.ID, t0)
	other := newConcern(t, tx, f.rel.ID, f.mentor.ID, t0)
	mk := func(concernID, authorID string, kind mentorvault.ConcernStepKind, at time.Time) *mentorvault.ConcernStep {
		s := &mentorvault.ConcernStep{ID: mentorvault.NewID(), ConcernID: concernID, AuthorID: authorID, Kind: kind,
			Answer: "yes", Body: mentorvault.NewSecret("plaintext view"), Sealed: []byte("sealed " + string(kind)), CreatedAt: us(at)}
		ok(t, tx.CreateConcernStep(ctx, s))
		s.Answer, s.Body = "", mentorvault.Secret{} // sealed together in Sealed, never stored in the clear
		return s
	}
	s2 := mk(c.ID, f.mentor.ID, mentorvault.StepDuties, t0.Add(2*time.Hour))
	s1 := mk(c.ID, f.mentee.ID, mentorvault.StepEthicalView, t0.Add(time.Hour))
	s3 := mk(c.ID, f.mentee.ID, mentorvault.StepComment, t0.Add(3*time.Hour))
	o1 := mk(other.ID, f.mentor.ID, mentorvault.StepComment, t0)

	list, err := tx.FindConcernSteps(ctx, c.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.ConcernStep{s1, s2, s3})
	for _, s := range list {
		if s.Answer != "" || !s.Body.IsZero() {
			t.Fatal("the store returned a plaintext step")
		}
	}
	list, err = tx.FindConcernSteps(ctx, other.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.ConcernStep{o1})
	list, err = tx.FindConcernSteps(ctx, mentorvault.NewID())
	ok(t, err)
	equal(t, list, []*mentorvault.ConcernStep(nil))

	bad := *s1
	bad.ID, bad.ConcernID = mentorvault.NewID(), mentorvault.NewID()
	wantCode(t, tx.CreateConcernStep(ctx, &bad), mentorvault.EINVALID)
	bad.ConcernID, bad.AuthorID = c.ID, mentorvault.NewID()
	wantCode(t, tx.CreateConcernStep(ctx, &bad), mentorvault.EINVALID)
	bad.AuthorID, bad.Kind = f.mentee.ID, "vote"
	wantCode(t, tx.CreateConcernStep(ctx, &bad), mentorvault.EINVALID)
	wantCode(t, tx.CreateConcernStep(ctx, s2), mentorvault.ECONFLICT)
}

func testDisclosures(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	c := newConcern(t, tx, f.rel.ID, f.mentee.ID, t0)
	c2 := newConcern(t, tx, f.rel.ID, f.mentor.ID, t0)
	mk := func(concernID string, kind mentorvault.DisclosureKind, recipientUserID, recipientName string, at time.Time, state mentorvault.DisclosureState) *mentorvault.Disclosure {
		d := &mentorvault.Disclosure{ID: mentorvault.NewID(), ConcernID: concernID, RelationshipID: f.rel.ID, Kind: kind, DiscloserID: f.mentor.ID,
			RecipientUserID: recipientUserID, RecipientName: recipientName, How: "in person",
			Content: mentorvault.NewSecret("plaintext disclosure"), ContentSealed: []byte("sealed disclosure"),
			EffectiveAt: us(at.Add(48 * time.Hour)), State: state, CreatedAt: us(at), UpdatedAt: us(at)}
		ok(t, tx.CreateDisclosure(ctx, d))
		d.Content = mentorvault.Secret{}
		return d
	}
	plan := mk(c.ID, mentorvault.DisclosurePlan, f.manager.ID, "", t0.Add(time.Hour), mentorvault.DisclosureAwaitingSignatures)
	notice := mk(c.ID, mentorvault.DisclosureNotice, "", "Pat at Northwind", t0, mentorvault.DisclosureScheduled)
	notice.Imminent = true
	ok(t, tx.UpdateDisclosure(ctx, notice)) // Imminent is not updated
	notice.Imminent = false
	d3 := mk(c2.ID, mentorvault.DisclosureNotice, f.manager.ID, "", t0, mentorvault.DisclosureScheduled)
	d4 := mk(c2.ID, mentorvault.DisclosureNotice, f.manager.ID, "", t0.Add(time.Minute), mentorvault.DisclosureScheduled)
	d5 := mk(c2.ID, mentorvault.DisclosureNotice, f.other.ID, "", t0.Add(2*time.Minute), mentorvault.DisclosureScheduled)
	imminent := &mentorvault.Disclosure{ID: mentorvault.NewID(), ConcernID: c2.ID, RelationshipID: f.rel.ID, Kind: mentorvault.DisclosureNotice,
		DiscloserID: f.mentee.ID, RecipientUserID: f.manager.ID, RecipientName: "also named", How: "by phone", ContentSealed: []byte("now"),
		EffectiveAt: us(t0), Imminent: true, State: mentorvault.DisclosureDelivered, MenteeSignedAt: ptr(us(t0)),
		CreatedAt: us(t0.Add(3 * time.Minute)), UpdatedAt: us(t0.Add(3 * time.Minute)), DeliveredAt: ptr(us(t0.Add(3 * time.Minute)))}
	ok(t, tx.CreateDisclosure(ctx, imminent))
	commit(t, tx)

	tx = begin(t, db)
	for _, want := range []*mentorvault.Disclosure{plan, notice, imminent} {
		got, err := tx.FindDisclosureByID(ctx, want.ID)
		ok(t, err)
		equal(t, got, want)
		if !got.Content.IsZero() {
			t.Fatal("the store returned plaintext content")
		}
	}
	_, err := tx.FindDisclosureByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)
	list, err := tx.FindDisclosures(ctx, c.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Disclosure{notice, plan})
	list, err = tx.FindDisclosures(ctx, c2.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Disclosure{d3, d4, d5, imminent})

	// Both sign the plan: scheduled, moved later.
	upd := *plan
	upd.MentorSignedAt, upd.MenteeSignedAt = ptr(us(t0.Add(2*time.Hour))), ptr(us(t0.Add(3*time.Hour)))
	upd.State, upd.EffectiveAt, upd.UpdatedAt = mentorvault.DisclosureScheduled, us(t0.Add(96*time.Hour)), us(t0.Add(3*time.Hour))
	// A reseal rewrites the content, how and recipient name (since 0008);
	// the kind, concern and parties stay.
	upd.How, upd.RecipientName, upd.ContentSealed = "changed", "changed", []byte("changed")
	changed := upd
	changed.Kind, changed.DiscloserID = mentorvault.DisclosureNotice, f.manager.ID
	ok(t, tx.UpdateDisclosure(ctx, &changed))
	got, err := tx.FindDisclosureByID(ctx, plan.ID)
	ok(t, err)
	equal(t, got, &upd)

	// Nothing delivered to the manager yet but the imminent one.
	delivered, err := tx.FindDeliveredDisclosures(ctx, f.manager.ID)
	ok(t, err)
	equal(t, delivered, []*mentorvault.Disclosure{imminent})
	// Deliver d3 late and d4 early: newest delivered first.
	deliver := func(d *mentorvault.Disclosure, at time.Time) *mentorvault.Disclosure {
		v := *d
		if !v.Started() {
			// A notice takes effect only once it reached the other party.
			started, err := tx.StartNotice(ctx, v.ID, us(t0), mentorvault.ReachedInApp, v.EffectiveAt)
			ok(t, err)
			if !started {
				t.Fatalf("notice %s not started", v.ID)
			}
			v.ReachedAt, v.ReachedVia = ptr(us(t0)), mentorvault.ReachedInApp
		}
		ok(t, v.Deliver(us(at)))
		ok(t, tx.UpdateDisclosure(ctx, &v))
		return &v
	}
	v3 := deliver(d3, t0.Add(72*time.Hour))
	v4 := deliver(d4, t0.Add(50*time.Hour))
	v5 := deliver(d5, t0.Add(80*time.Hour))
	w := *notice
	ok(t, w.Withdraw(us(t0.Add(time.Hour))))
	ok(t, tx.UpdateDisclosure(ctx, &w))
	got, err = tx.FindDisclosureByID(ctx, notice.ID)
	ok(t, err)
	equal(t, got, &w)
	delivered, err = tx.FindDeliveredDisclosures(ctx, f.manager.ID)
	ok(t, err)
	equal(t, delivered, []*mentorvault.Disclosure{v3, v4, imminent})
	delivered, err = tx.FindDeliveredDisclosures(ctx, f.other.ID)
	ok(t, err)
	equal(t, delivered, []*mentorvault.Disclosure{v5})
	// A scheduled one (the plan) is not delivered; nor is anything to a stranger.
	upd.RecipientUserID = f.manager.ID
	delivered, err = tx.FindDeliveredDisclosures(ctx, f.mentee.ID)
	ok(t, err)
	equal(t, delivered, []*mentorvault.Disclosure(nil))

	missing := upd
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateDisclosure(ctx, &missing), mentorvault.ENOTFOUND)
	badState := upd
	badState.State = "lost"
	wantCode(t, tx.UpdateDisclosure(ctx, &badState), mentorvault.EINVALID)
	bad := *d5
	bad.ID = mentorvault.NewID()
	for name, mod := range map[string]func(*mentorvault.Disclosure){
		"concern":        func(d *mentorvault.Disclosure) { d.ConcernID = mentorvault.NewID() },
		"relationship":   func(d *mentorvault.Disclosure) { d.RelationshipID = mentorvault.NewID() },
		"discloser":      func(d *mentorvault.Disclosure) { d.DiscloserID = mentorvault.NewID() },
		"recipient user": func(d *mentorvault.Disclosure) { d.RecipientUserID = mentorvault.NewID() },
		"no recipient":   func(d *mentorvault.Disclosure) { d.RecipientUserID, d.RecipientName = "", "" },
		"kind":           func(d *mentorvault.Disclosure) { d.Kind = "rumour" },
		"state":          func(d *mentorvault.Disclosure) { d.State = "lost" },
		"content":        func(d *mentorvault.Disclosure) { d.ContentSealed = nil },
	} {
		b := bad
		mod(&b)
		if err := tx.CreateDisclosure(ctx, &b); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("%s: error %v, want EINVALID", name, err)
		}
	}
	wantCode(t, tx.CreateDisclosure(ctx, d5), mentorvault.ECONFLICT)
	ok(t, tx.CreateDisclosure(ctx, &bad))
}

func testConsultations(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	c := newConcern(t, tx, f.rel.ID, f.mentee.ID, t0)
	mk := func(consultant *mentorvault.User, role string, supervisor *mentorvault.User, concernID string, at time.Time) *mentorvault.Consultation {
		v := &mentorvault.Consultation{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, ConsultantID: consultant.ID, ConsultantRole: role,
			SupervisorID: supervisor.ID, ProgrammeID: f.prog.ID, ConcernID: concernID, CreatedAt: us(at)}
		ok(t, tx.CreateConsultation(ctx, v))
		return v
	}
	k1 := mk(f.mentee, "mentee", f.manager, c.ID, t0)
	k2 := mk(f.mentee, "mentee", f.other, "", t0.Add(time.Hour))
	k3 := mk(f.mentor, "mentor", f.manager, "", t0.Add(2*time.Hour))
	commit(t, tx)

	tx = begin(t, db)
	for _, want := range []*mentorvault.Consultation{k1, k2} {
		got, err := tx.FindConsultationByID(ctx, want.ID)
		ok(t, err)
		equal(t, got, want)
	}
	_, err := tx.FindConsultationByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)
	list, err := tx.FindConsultations(ctx, f.mentee.ID, "")
	ok(t, err)
	equal(t, list, []*mentorvault.Consultation{k2, k1})
	list, err = tx.FindConsultations(ctx, f.mentee.ID, f.manager.ID) // the consultant wins
	ok(t, err)
	equal(t, list, []*mentorvault.Consultation{k2, k1})
	list, err = tx.FindConsultations(ctx, "", f.manager.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Consultation{k3, k1})
	list, err = tx.FindConsultations(ctx, "", f.mentee.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Consultation(nil))

	upd := *k1
	upd.ClosedAt = ptr(us(t0.Add(5 * time.Hour)))
	changed := upd
	changed.ConsultantRole, changed.SupervisorID = "partner", f.other.ID
	ok(t, tx.UpdateConsultation(ctx, &changed))
	got, err := tx.FindConsultationByID(ctx, k1.ID)
	ok(t, err)
	equal(t, got, &upd)
	missing := upd
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateConsultation(ctx, &missing), mentorvault.ENOTFOUND)

	bad := *k3
	bad.ID = mentorvault.NewID()
	for name, mod := range map[string]func(*mentorvault.Consultation){
		"relationship": func(v *mentorvault.Consultation) { v.RelationshipID = mentorvault.NewID() },
		"consultant":   func(v *mentorvault.Consultation) { v.ConsultantID = mentorvault.NewID() },
		"supervisor":   func(v *mentorvault.Consultation) { v.SupervisorID = mentorvault.NewID() },
		"programme":    func(v *mentorvault.Consultation) { v.ProgrammeID = mentorvault.NewID() },
		"concern":      func(v *mentorvault.Consultation) { v.ConcernID = mentorvault.NewID() },
		"role":         func(v *mentorvault.Consultation) { v.ConsultantRole = "bystander" },
	} {
		b := bad
		mod(&b)
		if err := tx.CreateConsultation(ctx, &b); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("%s: error %v, want EINVALID", name, err)
		}
	}
	wantCode(t, tx.CreateConsultation(ctx, k3), mentorvault.ECONFLICT)

	// Messages: ciphertext only, oldest first, per consultation.
	msg := func(consultationID string, fromSupervisor bool, at time.Time) *mentorvault.ConsultationMessage {
		m := &mentorvault.ConsultationMessage{ID: mentorvault.NewID(), ConsultationID: consultationID, FromSupervisor: fromSupervisor,
			Body: mentorvault.NewSecret("plaintext message"), BodySealed: []byte("sealed message"), CreatedAt: us(at)}
		ok(t, tx.CreateConsultationMessage(ctx, m))
		m.Body = mentorvault.Secret{}
		return m
	}
	m2 := msg(k1.ID, true, t0.Add(2*time.Hour))
	m1 := msg(k1.ID, false, t0.Add(time.Hour))
	m3 := msg(k2.ID, false, t0)
	msgs, err := tx.FindConsultationMessages(ctx, k1.ID)
	ok(t, err)
	equal(t, msgs, []*mentorvault.ConsultationMessage{m1, m2})
	for _, m := range msgs {
		if !m.Body.IsZero() {
			t.Fatal("the store returned a plaintext message")
		}
	}
	msgs, err = tx.FindConsultationMessages(ctx, k2.ID)
	ok(t, err)
	equal(t, msgs, []*mentorvault.ConsultationMessage{m3})
	badMsg := *m3
	badMsg.ID, badMsg.ConsultationID = mentorvault.NewID(), mentorvault.NewID()
	wantCode(t, tx.CreateConsultationMessage(ctx, &badMsg), mentorvault.EINVALID)
	badMsg.ConsultationID, badMsg.BodySealed = k2.ID, nil
	wantCode(t, tx.CreateConsultationMessage(ctx, &badMsg), mentorvault.EINVALID)
	wantCode(t, tx.CreateConsultationMessage(ctx, m3), mentorvault.ECONFLICT)
}

func newJob(t *testing.T, tx mentorvault.Tx, refID string, runAt time.Time) *mentorvault.Job {
	t.Helper()
	j := &mentorvault.Job{ID: mentorvault.NewID(), Kind: mentorvault.JobDeliverDisclosure, RefID: refID, RunAt: us(runAt), CreatedAt: us(t0)}
	ok(t, tx.CreateJob(ctx, j))
	return j
}

func testJobs(t *testing.T, db *sqlstore.DB) {
	tx := begin(t, db)
	ref := mentorvault.NewID()
	_, err := tx.ClaimDueJob(ctx, t0)
	wantCode(t, err, mentorvault.ENOTFOUND)
	later := newJob(t, tx, ref, t0.Add(time.Hour))
	due2 := newJob(t, tx, ref, t0.Add(-time.Minute))
	due1 := newJob(t, tx, mentorvault.NewID(), t0.Add(-time.Hour))
	atNow := newJob(t, tx, ref, t0)
	done := &mentorvault.Job{ID: mentorvault.NewID(), Kind: "other", RefID: ref, RunAt: us(t0.Add(-2 * time.Hour)), Attempts: 2,
		LastError: "was down", CreatedAt: us(t0), DoneAt: ptr(us(t0))}
	ok(t, tx.CreateJob(ctx, done))
	commit(t, tx)

	tx = begin(t, db)
	jobs, err := tx.FindJobs(ctx, ref)
	ok(t, err)
	equal(t, jobs, []*mentorvault.Job{done, due2, atNow, later})
	jobs, err = tx.FindJobs(ctx, mentorvault.NewID())
	ok(t, err)
	equal(t, jobs, []*mentorvault.Job(nil))

	// Due and undone jobs, oldest first; a job due exactly now is due.
	claim := func(now time.Time) *mentorvault.Job {
		t.Helper()
		j, err := tx.ClaimDueJob(ctx, now)
		ok(t, err)
		return j
	}
	equal(t, claim(us(t0)), due1)
	_, err = tx.ClaimDueJob(ctx, us(t0.Add(-3*time.Hour)))
	wantCode(t, err, mentorvault.ENOTFOUND)
	ok(t, tx.CompleteJob(ctx, due1.ID, us(t0.Add(time.Second))))
	equal(t, claim(us(t0)), due2)
	ok(t, tx.CompleteJob(ctx, due2.ID, us(t0.Add(time.Second))))
	equal(t, claim(us(t0)), atNow)

	// A failure moves the job later and counts the attempt.
	ok(t, tx.RetryJob(ctx, atNow.ID, us(t0.Add(2*time.Hour)), "recipient unreachable"))
	retried := *atNow
	retried.Attempts, retried.RunAt, retried.LastError = 1, us(t0.Add(2*time.Hour)), "recipient unreachable"
	_, err = tx.ClaimDueJob(ctx, us(t0))
	wantCode(t, err, mentorvault.ENOTFOUND)
	equal(t, claim(us(t0.Add(time.Hour))), later)
	equal(t, claim(us(t0.Add(3*time.Hour))), later) // not done yet: still the oldest
	ok(t, tx.RetryJob(ctx, atNow.ID, us(t0.Add(30*time.Minute)), "again"))
	retried.Attempts, retried.RunAt, retried.LastError = 2, us(t0.Add(30*time.Minute)), "again"
	equal(t, claim(us(t0.Add(3*time.Hour))), &retried)
	ok(t, tx.CompleteJob(ctx, later.ID, us(t0.Add(4*time.Hour))))
	ok(t, tx.CompleteJob(ctx, atNow.ID, us(t0.Add(4*time.Hour))))
	_, err = tx.ClaimDueJob(ctx, us(t0.Add(100*time.Hour)))
	wantCode(t, err, mentorvault.ENOTFOUND)
	commit(t, tx)

	tx = begin(t, db)
	jobs, err = tx.FindJobs(ctx, ref)
	ok(t, err)
	retried.DoneAt = ptr(us(t0.Add(4 * time.Hour)))
	doneLater := *later
	doneLater.DoneAt = ptr(us(t0.Add(4 * time.Hour)))
	doneDue2 := *due2
	doneDue2.DoneAt = ptr(us(t0.Add(time.Second)))
	equal(t, jobs, []*mentorvault.Job{done, &doneDue2, &retried, &doneLater})

	wantCode(t, tx.CompleteJob(ctx, mentorvault.NewID(), us(t0)), mentorvault.ENOTFOUND)
	wantCode(t, tx.RetryJob(ctx, mentorvault.NewID(), us(t0), "x"), mentorvault.ENOTFOUND)
	wantCode(t, tx.CreateJob(ctx, later), mentorvault.ECONFLICT)
	bad := *later
	bad.ID, bad.Kind = mentorvault.NewID(), ""
	wantCode(t, tx.CreateJob(ctx, &bad), mentorvault.EINVALID)
	bad.Kind, bad.Attempts = "k", -1
	wantCode(t, tx.CreateJob(ctx, &bad), mentorvault.EINVALID)
}

// Workers looping claim → complete over due jobs complete each exactly once.
// On SQLite transactions take turns; on PostgreSQL they run at once and
// skip the jobs others hold.
func testJobsClaimedOnce(t *testing.T, db *sqlstore.DB) {
	const jobs, workers = 20, 6
	tx := begin(t, db)
	for i := 0; i < jobs; i++ {
		newJob(t, tx, "ref", t0.Add(-time.Duration(i)*time.Second))
	}
	commit(t, tx)

	var mu sync.Mutex
	completions := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				id, err := claimAndComplete(db)
				if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
					return
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				completions[id]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(completions) != jobs {
		t.Fatalf("%d jobs completed, want %d", len(completions), jobs)
	}
	for id, n := range completions {
		if n != 1 {
			t.Fatalf("job %s completed %d times", id, n)
		}
	}
	tx = begin(t, db)
	all, err := tx.FindJobs(ctx, "ref")
	ok(t, err)
	for _, j := range all {
		if j.DoneAt == nil {
			t.Fatalf("job %s is not done", j.ID)
		}
	}
}

func claimAndComplete(db *sqlstore.DB) (string, error) {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	j, err := tx.ClaimDueJob(ctx, tx.Now())
	if err != nil {
		return "", err
	}
	time.Sleep(time.Millisecond) // hold the claim while others try
	if err := tx.CompleteJob(ctx, j.ID, tx.Now()); err != nil {
		return "", err
	}
	return j.ID, tx.Commit()
}

// Two transactions claiming at once get different jobs, and a completed job
// is not claimed again. PostgreSQL only: SQLite has one writer at a time.
func testJobsSkipLocked(t *testing.T, db *sqlstore.DB) {
	if db.Dialect() != "postgres" {
		t.Skip("SQLite serialises writers: no two transactions claim at once")
	}
	tx := begin(t, db)
	j1 := newJob(t, tx, "ref", t0.Add(-2*time.Hour))
	j2 := newJob(t, tx, "ref", t0.Add(-time.Hour))
	commit(t, tx)

	a, b := begin(t, db), begin(t, db)
	ga, err := a.ClaimDueJob(ctx, us(t0))
	ok(t, err)
	equal(t, ga.ID, j1.ID)
	gb, err := b.ClaimDueJob(ctx, us(t0)) // skips j1, which a holds
	ok(t, err)
	equal(t, gb.ID, j2.ID)
	// A third finds nothing left to claim.
	c := begin(t, db)
	_, err = c.ClaimDueJob(ctx, us(t0))
	wantCode(t, err, mentorvault.ENOTFOUND)
	ok(t, c.Rollback())

	// a completes j1; b gives j2 up without completing it.
	ok(t, a.CompleteJob(ctx, j1.ID, us(t0)))
	commit(t, a)
	ok(t, b.Rollback())
	c = begin(t, db)
	gc, err := c.ClaimDueJob(ctx, us(t0))
	ok(t, err)
	equal(t, gc.ID, j2.ID) // j1 is done: never claimed again
	// While c holds j2, a new claimant finds nothing: j1 is done.
	d := begin(t, db)
	_, err = d.ClaimDueJob(ctx, us(t0))
	wantCode(t, err, mentorvault.ENOTFOUND)
	ok(t, d.Rollback())
	ok(t, c.CompleteJob(ctx, j2.ID, us(t0)))
	commit(t, c)
	d = begin(t, db)
	_, err = d.ClaimDueJob(ctx, us(t0))
	wantCode(t, err, mentorvault.ENOTFOUND)
}

// testMatches: a coordinator's match keeps who matched it, each party's
// acceptance and its expiry; FindExpiredProposals finds only unanswered
// proposals whose date has come.
func testMatches(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	coord := newUser(t, tx, f.org.ID, "Coordinator")
	m := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: f.org.ID, ProgrammeID: f.prog.ID, Kind: mentorvault.KindMentoring,
		MentorID: f.other.ID, MenteeID: f.manager.ID, ProposedByID: coord.ID, MatchedByID: coord.ID, Status: mentorvault.StatusProposed,
		CreatedAt: us(t0), UpdatedAt: us(t0), ExpiresAt: ptr(us(t0.Add(time.Hour)))}
	ok(t, tx.CreateRelationship(ctx, m))
	f.rel.ExpiresAt = ptr(us(t0.Add(3 * time.Hour)))
	ok(t, tx.UpdateRelationship(ctx, f.rel))
	got, err := tx.FindRelationshipByID(ctx, m.ID)
	ok(t, err)
	equal(t, got, m)
	due, err := tx.FindExpiredProposals(ctx, us(t0.Add(2*time.Hour)), 10)
	ok(t, err)
	if len(due) != 1 || due[0].ID != m.ID {
		t.Fatalf("expired proposals = %v, want only the match", due)
	}
	m.MentorAcceptedAt = ptr(us(t0.Add(time.Minute)))
	m.UpdatedAt = us(t0.Add(time.Minute))
	ok(t, tx.UpdateRelationship(ctx, m))
	ok(t, m.Expire(us(t0.Add(2*time.Hour))))
	ok(t, tx.UpdateRelationship(ctx, m))
	got, err = tx.FindRelationshipByID(ctx, m.ID)
	ok(t, err)
	equal(t, got, m)
	due, err = tx.FindExpiredProposals(ctx, us(t0.Add(4*time.Hour)), 10)
	ok(t, err)
	if len(due) != 1 || due[0].ID != f.rel.ID {
		t.Fatalf("expired proposals = %v, want only the party's proposal", due)
	}
	commit(t, tx)
}
