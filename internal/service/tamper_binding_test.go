package service_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// sealedReport runs what 'audit verify' runs: the chain, then every live
// sealed record against its last audited write.
func sealedReport(t *testing.T, e *mvtest.Env) service.SealedReport {
	t.Helper()
	var sa service.SealedAudit
	if _, err := audit.VerifyEach(ctx, e.Svc.Store(), nil, sa.Add); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	rep, err := e.Svc.VerifySealed(ctx, &sa)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// wantReported insists VerifySealed names exactly the records ids (of kind
// record), with a reason that contains why.
func wantReported(t *testing.T, e *mvtest.Env, record, why string, ids ...string) {
	t.Helper()
	rep := sealedReport(t, e)
	var got []string
	for _, p := range rep.Problems {
		if p.Record != record || !strings.Contains(p.Reason, why) {
			t.Errorf("unexpected problem: %s", p)
			continue
		}
		got = append(got, p.ID)
	}
	slices.Sort(got)
	ids = slices.Sorted(slices.Values(ids))
	if !slices.Equal(got, ids) {
		t.Errorf("audit verify reports %v, want %v (%d checked)", got, ids, rep.Checked)
	}
}

// wantDamaged insists err is the damaged answer: a conflict that says so.
func wantDamaged(t *testing.T, what string, err error) {
	t.Helper()
	if mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(mentorvault.ErrorMessage(err), "damaged") {
		t.Errorf("%s: got %v, want a conflict saying it is damaged", what, err)
	}
}

// TestSealedRecordsIntact: after the demo and ordinary writes, every sealed
// record matches its last audited write.
func TestSealedRecordsIntact(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		n := must[*mentorvault.Note](t)(e.Svc.CreateNote(ctx, e.As("bob"), e.Rel.ID, "first", mentorvault.VisibilityPrivate))
		body := "second"
		must[*mentorvault.Note](t)(e.Svc.UpdateNote(ctx, e.As("bob"), e.Rel.ID, n.ID, mentorvault.NoteUpdate{Body: &body}))
		rep := sealedReport(t, e)
		if len(rep.Problems) > 0 || rep.Checked == 0 {
			t.Fatalf("intact store: %d checked, problems %v", rep.Checked, rep.Problems)
		}
	})
}

// TestTamperNoteBinding changes, behind the service's back, what decides who
// may read a note, or rolls its ciphertext back, or inserts a row: each is
// refused at read as damaged (the rest of the list still served) and
// reported by audit verify with the note named.
func TestTamperNoteBinding(t *testing.T) {
	type fixture struct {
		private, shared *mentorvault.Note // bob's; shared was edited once
		sharedV1        *mentorvault.Note // shared as first written
	}
	setup := func(t *testing.T, e *mvtest.Env) fixture {
		var f fixture
		bob := e.As("bob")
		f.private = must[*mentorvault.Note](t)(e.Svc.CreateNote(ctx, bob, e.Rel.ID, "bob's private worry", mentorvault.VisibilityPrivate))
		f.shared = must[*mentorvault.Note](t)(e.Svc.CreateNote(ctx, bob, e.Rel.ID, "what we agreed first", mentorvault.VisibilityShared))
		change(t, e, func(tx mentorvault.Tx) (err error) { f.sharedV1, err = tx.FindNoteByID(ctx, f.shared.ID); return err })
		body := "what we agreed in the end"
		must[*mentorvault.Note](t)(e.Svc.UpdateNote(ctx, bob, e.Rel.ID, f.shared.ID, mentorvault.NoteUpdate{Body: &body}))
		return f
	}
	stored := func(t *testing.T, e *mvtest.Env, id string) (n *mentorvault.Note) {
		change(t, e, func(tx mentorvault.Tx) (err error) { n, err = tx.FindNoteByID(ctx, id); return err })
		return n
	}
	cases := []struct {
		name   string
		mutate func(t *testing.T, e *mvtest.Env, f fixture) (reader, damagedID string)
		why    string
	}{
		{"visibility flipped to shared", func(t *testing.T, e *mvtest.Env, f fixture) (string, string) {
			n := stored(t, e, f.private.ID)
			n.Visibility = mentorvault.VisibilityShared
			change(t, e, func(tx mentorvault.Tx) error { return tx.UpdateNote(ctx, n) })
			return "alice", n.ID
		}, "differs from its last audited write"},
		{"author swapped", func(t *testing.T, e *mvtest.Env, f fixture) (string, string) {
			n := stored(t, e, f.private.ID)
			n.AuthorID = e.Users["alice"].ID
			change(t, e, func(tx mentorvault.Tx) error {
				if err := tx.DeleteNote(ctx, n.ID); err != nil {
					return err
				}
				return tx.CreateNote(ctx, n)
			})
			return "alice", n.ID
		}, "differs from its last audited write"},
		{"older ciphertext restored", func(t *testing.T, e *mvtest.Env, f fixture) (string, string) {
			n := stored(t, e, f.shared.ID)
			n.BodySealed = f.sharedV1.BodySealed
			change(t, e, func(tx mentorvault.Tx) error { return tx.UpdateNote(ctx, n) })
			return "alice", n.ID
		}, "differs from its last audited write"},
		{"row inserted directly", func(t *testing.T, e *mvtest.Env, f fixture) (string, string) {
			n := *stored(t, e, f.shared.ID)
			n.ID = mentorvault.NewID()
			change(t, e, func(tx mentorvault.Tx) error { return tx.CreateNote(ctx, &n) })
			return "alice", n.ID
		}, "no audited write"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, e *mvtest.Env) {
				f := setup(t, e)
				reader, id := tc.mutate(t, e, f)
				_, err := e.Svc.ReadNote(ctx, e.As(reader), e.Rel.ID, id)
				wantDamaged(t, "read the tampered note", err)
				list := must[[]*service.NoteView](t)(e.Svc.ListNotes(ctx, e.As(reader), e.Rel.ID, service.NoteFilter{}))
				var flagged, served int
				for _, n := range list {
					switch {
					case n.ID == id && n.Damaged && n.Body.IsZero():
						flagged++
					case n.ID == id:
						t.Errorf("the tampered note is listed undamaged: %+v", n.Note)
					case !n.Body.IsZero():
						served++
					}
				}
				if flagged != 1 || served == 0 {
					t.Errorf("list: %d flagged damaged, %d others served; want 1 and the rest", flagged, served)
				}
				wantReported(t, e, "note", tc.why, id)
			})
		})
	}
	// Restoring ciphertext and seal version together opens (it is a valid
	// older state); audit verify finds it.
	t.Run("ciphertext and version rolled back", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, e *mvtest.Env) {
			f := setup(t, e)
			change(t, e, func(tx mentorvault.Tx) error { return tx.UpdateNote(ctx, f.sharedV1) })
			wantReported(t, e, "note", "rolled back", f.shared.ID)
		})
	})
}

// rawExec runs q on the database behind the service's back; "?" marks
// arguments on both backends.
func rawExec(t *testing.T, e *mvtest.Env, q string, args ...any) {
	t.Helper()
	if e.DB.Dialect() == "postgres" {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
		}
	}
	if _, err := e.DB.SQLDB().ExecContext(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestTamperRelationshipParties: a relationship's key opens only for the
// parties it was made for. Changing the mentee, the mentor or the
// programme outside mentorvault, or removing the binding, makes every read of
// the pair's content answer damaged, and audit verify names the
// relationship.
func TestTamperRelationshipParties(t *testing.T) {
	cases := []struct {
		name, q string
		arg     func(e *mvtest.Env) any
		why     string
	}{
		{"mentee swapped", `UPDATE relationships SET mentee_id = ? WHERE id = ?`, func(e *mvtest.Env) any { return e.Users["carol"].ID }, "differs from its last audited write"},
		{"mentor swapped", `UPDATE relationships SET mentor_id = ? WHERE id = ?`, func(e *mvtest.Env) any { return e.Users["carol"].ID }, "differs from its last audited write"},
		{"binding removed", `UPDATE data_keys SET parties_sealed = ? WHERE relationship_id = ?`, func(*mvtest.Env) any { return nil }, "rolled back or edited"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, e *mvtest.Env) {
				n := must[*mentorvault.Note](t)(e.Svc.CreateNote(ctx, e.As("bob"), e.Rel.ID, "shared with alice", mentorvault.VisibilityShared))
				rawExec(t, e, tc.q, tc.arg(e), e.Rel.ID)
				for _, who := range []string{"alice", "bob", "carol"} {
					_, err := e.Svc.ReadNote(ctx, e.As(who), e.Rel.ID, n.ID)
					if err == nil {
						t.Errorf("%s read a note of a relationship whose parties were changed", who)
					} else if c := mentorvault.ErrorCode(err); c != mentorvault.ECONFLICT && c != mentorvault.ENOTFOUND {
						t.Errorf("%s: got %v, want damaged or not found", who, err)
					}
				}
				// Whoever the row names as a party now is told it is damaged.
				_, err := e.Svc.ListNotes(ctx, e.As("carol"), e.Rel.ID, service.NoteFilter{})
				if tc.name != "binding removed" {
					wantDamaged(t, "carol lists the notes", err)
				}
				wantReported(t, e, "relationship", tc.why, e.Rel.ID)
			})
		})
	}
}

// TestBindLegacyParties: keys made before bindings are bound once, at the
// first start after the upgrade; a binding removed later is not rebound.
func TestBindLegacyParties(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		n := must[*mentorvault.Note](t)(e.Svc.CreateNote(ctx, e.As("bob"), e.Rel.ID, "written before the upgrade", mentorvault.VisibilityShared))
		rawExec(t, e, `UPDATE data_keys SET parties_sealed = NULL`)
		if _, err := e.Svc.ReadNote(ctx, e.As("alice"), e.Rel.ID, n.ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("read before binding: %v, want damaged", err)
		}
		bound := must[int](t)(e.Svc.BindLegacyParties(ctx))
		if bound == 0 {
			t.Fatal("BindLegacyParties bound nothing")
		}
		if got := must[*mentorvault.Note](t)(e.Svc.ReadNote(ctx, e.As("alice"), e.Rel.ID, n.ID)); got.Body.Reveal() != "written before the upgrade" {
			t.Fatalf("after binding the note reads %q", got.Body.Reveal())
		}
		if rep := sealedReport(t, e); len(rep.Problems) > 0 {
			t.Fatalf("after binding: %v", rep.Problems)
		}
		rawExec(t, e, `UPDATE data_keys SET parties_sealed = NULL WHERE relationship_id = ?`, e.Rel.ID)
		if again := must[int](t)(e.Svc.BindLegacyParties(ctx)); again != 0 {
			t.Fatalf("the upgrade step ran twice: bound %d", again)
		}
		_, err := e.Svc.ReadNote(ctx, e.As("alice"), e.Rel.ID, n.ID)
		wantDamaged(t, "read after the binding was removed", err)
	})
}
