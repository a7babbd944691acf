package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// eachBackend runs f against a freshly seeded environment on SQLite and, when
// reachable, PostgreSQL.
func eachBackend(t *testing.T, f func(t *testing.T, e *mvtest.Env)) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { f(t, mvtest.New(t, b.Open(t))) })
	}
}

var ctx = context.Background()

// TestServiceAccessMatrix decides every role × operation on the demo data at
// the service (what the web, API and CLI call), and checks that every
// refusal is on the audit log as a denied event of that actor.
func TestServiceAccessMatrix(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		alicePriv, err := e.Svc.CreateNote(ctx, e.As("alice"), rel, "alice private", mentorvault.VisibilityPrivate)
		if err != nil {
			t.Fatal(err)
		}
		aliceShared, err := e.Svc.CreateNote(ctx, e.As("alice"), rel, "alice shared", mentorvault.VisibilityShared)
		if err != nil {
			t.Fatal(err)
		}
		bobPriv, err := e.Svc.CreateNote(ctx, e.As("bob"), rel, "bob private", mentorvault.VisibilityPrivate)
		if err != nil {
			t.Fatal(err)
		}
		ops := []struct {
			name string
			do   func(p mentorvault.Principal) error
		}{
			{"view relationship", func(p mentorvault.Principal) error { _, err := e.Svc.Relationship(ctx, p, rel); return err }},
			{"view proposed relationship", func(p mentorvault.Principal) error { _, err := e.Svc.Relationship(ctx, p, e.Proposed.ID); return err }},
			{"directory", func(p mentorvault.Principal) error {
				_, err := e.Svc.Directory(ctx, p, service.DirectoryFilter{})
				return err
			}},
			{"list notes", func(p mentorvault.Principal) error {
				_, err := e.Svc.ListNotes(ctx, p, rel, service.NoteFilter{Limit: 50})
				return err
			}},
			{"read alice's private note", func(p mentorvault.Principal) error { _, err := e.Svc.ReadNote(ctx, p, rel, alicePriv.ID); return err }},
			{"read alice's shared note", func(p mentorvault.Principal) error { _, err := e.Svc.ReadNote(ctx, p, rel, aliceShared.ID); return err }},
			{"read bob's private note", func(p mentorvault.Principal) error { _, err := e.Svc.ReadNote(ctx, p, rel, bobPriv.ID); return err }},
			{"create note", func(p mentorvault.Principal) error {
				_, err := e.Svc.CreateNote(ctx, p, rel, "x", mentorvault.VisibilityShared)
				return err
			}},
			{"edit alice's shared note", func(p mentorvault.Principal) error {
				b := "alice shared"
				_, err := e.Svc.UpdateNote(ctx, p, rel, aliceShared.ID, mentorvault.NoteUpdate{Body: &b})
				return err
			}},
			{"read audit log", func(p mentorvault.Principal) error {
				_, err := e.Svc.RelationshipAudit(ctx, p, rel, service.AuditFilter{Limit: 10})
				return err
			}},
			{"resume (a lifecycle action)", func(p mentorvault.Principal) error {
				_, err := e.Svc.Transition(ctx, p, rel, mentorvault.ActResume)
				return err
			}},
		}
		// Expected outcome per role, one letter per op in the order above:
		// A allowed, N not found, F forbidden, U unauthenticated, C conflict
		// (allowed by policy, refused by the state machine). Anyone outside
		// the pair is refused the pair's content as not found: they may not
		// learn what it holds; a lifecycle action on a relationship they can
		// see is forbidden.
		expect := map[string]string{
			"alice": "ANAAAAN" + "AAAC",
			"bob":   "ANAANAA" + "AFAC",
			"carol": "AAANNNN" + "NNNF",
			"erin":  "ANANNNN" + "NNNF",
			"dave":  "ANANNNN" + "NNNF",
			"frank": "ANANNNN" + "NNNF",
			"grace": "ANANNNN" + "NNNF",
			"heidi": "ANANNNN" + "NNNF",
			"":      "UUUUUUU" + "UUUU",
		}
		for _, role := range []string{"alice", "bob", "carol", "erin", "dave", "frank", "grace", "heidi", ""} {
			for i, op := range ops {
				name := role
				if name == "" {
					name = "anonymous"
				}
				t.Run(name+"/"+op.name, func(t *testing.T) {
					before := e.Head(t)
					err := op.do(e.As(role))
					want := expect[role][i]
					got := map[string]byte{"": 'A', mentorvault.ENOTFOUND: 'N', mentorvault.EFORBIDDEN: 'F',
						mentorvault.EUNAUTHENTICATED: 'U', mentorvault.ECONFLICT: 'C'}[mentorvault.ErrorCode(err)]
					if got != want {
						t.Fatalf("got %c (%v), want %c", got, err, want)
					}
					if want == 'N' || want == 'F' || want == 'U' {
						evs := e.Events(t, before)
						if len(evs) != 1 || evs[0].Outcome != mentorvault.OutcomeDenied {
							t.Fatalf("a refusal must append exactly one denied audit event, got %d: %+v", len(evs), evs)
						}
						wantActor := ""
						if role != "" {
							wantActor = e.Users[role].ID
						}
						if evs[0].ActorID != wantActor {
							t.Fatalf("denied event actor = %q, want %q", evs[0].ActorID, wantActor)
						}
					}
				})
			}
		}
	})
}

func TestNotesLifecycleAndAudit(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		before := e.Head(t)
		n, err := e.Svc.CreateNote(ctx, e.As("bob"), rel, "we talked about the promotion", mentorvault.VisibilityPrivate)
		if err != nil {
			t.Fatal(err)
		}
		if n.ID == "" || n.Body.Reveal() != "we talked about the promotion" || n.AuthorID != e.Users["bob"].ID {
			t.Fatalf("created note %+v", n)
		}
		if _, err := e.Svc.ReadNote(ctx, e.As("alice"), rel, n.ID); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Fatalf("alice read bob's private note: %v", err)
		}
		// Bob shares it: now alice can read it.
		vis := mentorvault.VisibilityShared
		if _, err := e.Svc.UpdateNote(ctx, e.As("bob"), rel, n.ID, mentorvault.NoteUpdate{Visibility: &vis}); err != nil {
			t.Fatal(err)
		}
		got, err := e.Svc.ReadNote(ctx, e.As("alice"), rel, n.ID)
		if err != nil || got.Body.Reveal() != "we talked about the promotion" || got.Visibility != vis {
			t.Fatalf("alice reads the shared note: %v %+v", err, got)
		}
		// Only the author edits or deletes.
		if err := e.Svc.DeleteNote(ctx, e.As("alice"), rel, n.ID); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("alice deleted bob's note: %v", err)
		}
		if err := e.Svc.DeleteNote(ctx, e.As("bob"), rel, n.ID); err != nil {
			t.Fatal(err)
		}
		// A deleted note is simply gone (nothing to deny, so nothing audited).
		if _, err := e.Svc.ReadNote(ctx, e.As("bob"), rel, n.ID); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Fatalf("deleted note still readable: %v", err)
		}
		var actions []string
		for _, ev := range e.Events(t, before) {
			actions = append(actions, ev.Action+":"+ev.Outcome)
			if strings.Contains(ev.Detail, "promotion") {
				t.Fatalf("content in an audit event: %+v", ev)
			}
		}
		want := "note.create:ok note.read:denied note.update:ok note.read:ok note.delete:denied note.delete:ok"
		if strings.Join(actions, " ") != want {
			t.Fatalf("audit events\n got: %s\nwant: %s", strings.Join(actions, " "), want)
		}
		// The pair reads them on the relationship's log.
		page, err := e.Svc.RelationshipAudit(ctx, e.As("alice"), rel, service.AuditFilter{Limit: 100})
		if err != nil || len(page.Entries) == 0 || page.Entries[0].Action != "audit.read" || page.Head.Seq == 0 {
			t.Fatalf("relationship audit: %v %+v", err, page)
		}
	})
}

func TestNotesNeedAnActiveRelationship(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		if _, err := e.Svc.Transition(ctx, e.As("bob"), e.Rel.ID, mentorvault.ActPause); err != nil {
			t.Fatal(err)
		}
		_, err := e.Svc.CreateNote(ctx, e.As("alice"), e.Rel.ID, "x", mentorvault.VisibilityShared)
		if mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN || !strings.Contains(mentorvault.ErrorMessage(err), "paused") {
			t.Fatalf("note in a paused relationship: %v", err)
		}
		// Reading still works while paused.
		if _, err := e.Svc.ListNotes(ctx, e.As("alice"), e.Rel.ID, service.NoteFilter{Limit: 10}); err != nil {
			t.Fatal(err)
		}
		// Proposed relationships take no notes either.
		_, err = e.Svc.CreateNote(ctx, e.As("ivan"), e.Proposed.ID, "x", mentorvault.VisibilityShared)
		if mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("note in a proposed relationship: %v", err)
		}
	})
}

func TestProposeAcceptAgreeThroughService(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		v, err := e.Svc.ProposeRelationship(ctx, e.As("heidi"), service.ProposeInput{OtherEmail: "FRANK@northwind.example", MyRole: "mentee"})
		if err != nil {
			t.Fatal(err)
		}
		if v.MentorID != e.Users["frank"].ID || v.Status != mentorvault.StatusProposed || v.Formal() {
			t.Fatalf("proposal %+v", v.Relationship)
		}
		// Not in the directory until accepted.
		inDir := func() bool {
			vs, err := e.Svc.Directory(ctx, e.As("carol"), service.DirectoryFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range vs {
				if d.ID == v.ID {
					return true
				}
			}
			return false
		}
		if inDir() {
			t.Fatal("a proposal is listed in the directory")
		}
		if _, err := e.Svc.ProposeRelationship(ctx, e.As("frank"), service.ProposeInput{OtherEmail: "heidi@northwind.example", MyRole: "mentor"}); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("duplicate proposal: %v", err)
		}
		if _, err := e.Svc.Transition(ctx, e.As("frank"), v.ID, mentorvault.ActAccept); err != nil {
			t.Fatal(err)
		}
		d, err := e.Svc.StartDraft(ctx, e.As("heidi"), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, who := range []string{"heidi", "frank"} {
			got, err := e.Svc.SignAgreement(ctx, e.As(who), v.ID, d.ID, d.Hash, demo.Password)
			if err != nil {
				t.Fatalf("%s signs: %v", who, err)
			}
			if i == 1 && got.State != mentorvault.AgreementInForce {
				t.Fatalf("after both signed the version is %s", got.State)
			}
		}
		if !inDir() {
			t.Fatal("an active relationship is missing from the directory")
		}
		for _, bad := range []service.ProposeInput{
			{OtherEmail: "nobody@northwind.example", MyRole: "mentor"},
			{OtherEmail: "heidi@northwind.example", MyRole: "mentor"}, // herself
			{OtherEmail: "bob@northwind.example", MyRole: "boss"},
			{OtherEmail: "bob@northwind.example", MyRole: "mentor", ProgrammeID: "no-such"},
		} {
			if _, err := e.Svc.ProposeRelationship(ctx, e.As("heidi"), bad); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
				t.Errorf("propose %+v: %v, want invalid", bad, err)
			}
		}
	})
}

func TestLogin(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		alice := "alice@northwind.example"
		res, err := e.Svc.Login(ctx, " Alice@Northwind.example ", demo.Password, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		p, sess, err := e.Svc.AuthenticateSession(ctx, res.Token)
		if err != nil || p.UserID != e.Users["alice"].ID || sess.CSRFToken == "" {
			t.Fatalf("session: %v %+v", err, p)
		}
		// Unknown email and wrong password: the same answer.
		_, err1 := e.Svc.Login(ctx, "nobody@northwind.example", "whatever-password", "10.0.0.2")
		_, err2 := e.Svc.Login(ctx, alice, "wrong-password", "10.0.0.2")
		if mentorvault.ErrorCode(err1) != mentorvault.EUNAUTHENTICATED || mentorvault.ErrorMessage(err1) != mentorvault.ErrorMessage(err2) || mentorvault.ErrorCode(err2) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("unknown email %v vs wrong password %v", err1, err2)
		}
		// Rate limit: after MaxFailuresPerPair failures from one address…
		for i := 1; i < service.MaxFailuresPerPair; i++ {
			if _, err := e.Svc.Login(ctx, alice, "wrong-password", "10.0.0.2"); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if _, err := e.Svc.Login(ctx, alice, demo.Password, "10.0.0.2"); mentorvault.ErrorCode(err) != mentorvault.ETOOMANY {
			t.Fatalf("after %d failures the right password from the attacking address: %v, want too_many_requests", service.MaxFailuresPerPair, err)
		}
		// …the owner from their own address still gets in.
		if _, err := e.Svc.Login(ctx, alice, demo.Password, "10.0.0.1"); err != nil {
			t.Fatalf("the victim is locked out: %v", err)
		}
		// Logout revokes the session.
		if err := e.Svc.Logout(ctx, res.Token); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Svc.AuthenticateSession(ctx, res.Token); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("session after logout: %v", err)
		}
		// Every attempt is on the log.
		var logins, failed, limited int
		for _, ev := range e.Events(t, 0) {
			if ev.Action == "login" {
				logins++
				switch {
				case ev.Outcome == mentorvault.OutcomeFailed:
					failed++
				case ev.Outcome == mentorvault.OutcomeDenied:
					limited++
				}
			}
		}
		if logins != 3+service.MaxFailuresPerPair+1 || failed != service.MaxFailuresPerPair+1 || limited != 1 {
			t.Fatalf("login events: %d (failed %d, limited %d)", logins, failed, limited)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	now := time.Now().UTC()
	db.SetClock(func() time.Time { return now })
	res, err := e.Svc.Login(ctx, "bob@northwind.example", demo.Password, "a")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(3 * time.Hour) // past the 2h idle timeout
	if _, _, err := e.Svc.AuthenticateSession(ctx, res.Token); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
		t.Fatalf("idle session still valid: %v", err)
	}
}

func TestTokens(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		raw, tok, err := e.Svc.OperatorCreateToken(ctx, "bob@northwind.example", "script")
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.Svc.AuthenticateToken(ctx, raw)
		if err != nil || p.UserID != e.Users["bob"].ID || p.Via != "token" {
			t.Fatalf("token: %v %+v", err, p)
		}
		if _, err := e.Svc.AuthenticateToken(ctx, raw+"x"); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("wrong token: %v", err)
		}
		if err := e.Svc.RevokeAPIToken(ctx, e.As("alice"), tok.ID); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Fatalf("alice revoked bob's token: %v", err)
		}
		if err := e.Svc.RevokeAPIToken(ctx, e.As("bob"), tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.AuthenticateToken(ctx, raw); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("revoked token accepted: %v", err)
		}
		uses := 0
		for _, ev := range e.Events(t, 0) {
			if ev.Action == "token.use" {
				uses++
			}
		}
		if uses != 2 {
			t.Fatalf("token.use events = %d, want 2 (one ok, one denied)", uses)
		}
	})
}

func TestShreddedKeyMakesContentUnreadable(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	tx, err := db.BeginTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.DestroyDataKey(ctx, e.Rel.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	_, err = e.Svc.ListNotes(ctx, e.As("alice"), e.Rel.ID, service.NoteFilter{Limit: 10})
	if mentorvault.ErrorCode(err) != mentorvault.EGONE {
		t.Fatalf("notes after crypto-shredding: %v, want gone", err)
	}
}

func TestNotePaging(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	demoNotes, err := e.Svc.ListNotes(ctx, e.As("alice"), e.Rel.ID, service.NoteFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		if _, err := e.Svc.CreateNote(ctx, e.As("alice"), e.Rel.ID, fmt.Sprintf("note %d", i), mentorvault.VisibilityPrivate); err != nil {
			t.Fatal(err)
		}
	}
	seen, before := 0, ""
	for {
		ns, err := e.Svc.ListNotes(ctx, e.As("alice"), e.Rel.ID, service.NoteFilter{Before: before, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		seen += len(ns)
		if len(ns) < 10 {
			break
		}
		before = ns[len(ns)-1].ID
	}
	if seen != 25+len(demoNotes) {
		t.Fatalf("paged through %d notes, want %d", seen, 25+len(demoNotes))
	}
}
