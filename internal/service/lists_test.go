package service_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestListOffsets checks that Offset really skips: the page at offset k of
// size n is the k-th to (k+n)-th element of the whole list.
func TestListOffsets(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	for i := range 7 {
		if _, err := e.Svc.CreateNote(ctx, e.As("alice"), e.Rel.ID, fmt.Sprintf("offset note %d", i), mentorvault.VisibilityShared); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("notes", func(t *testing.T) {
		all, err := e.Svc.ListNotes(ctx, e.As("alice"), e.Rel.ID, service.NoteFilter{})
		if err != nil {
			t.Fatal(err)
		}
		ids := func(ns []*service.NoteView) (out []string) {
			for _, n := range ns {
				out = append(out, n.ID)
			}
			return out
		}
		if len(all) < 7 {
			t.Fatalf("%d notes, want at least 7", len(all))
		}
		for _, f := range []service.NoteFilter{{Offset: 2, Limit: 3}, {Offset: 5}, {Offset: len(all) + 1, Limit: 2}, {Before: all[1].ID, Offset: 1, Limit: 2}} {
			got, err := e.Svc.ListNotes(ctx, e.As("alice"), e.Rel.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			from := all
			if f.Before != "" {
				from = all[slices.IndexFunc(all, func(n *service.NoteView) bool { return n.ID == f.Before })+1:]
			}
			want := from[min(f.Offset, len(from)):]
			if f.Limit > 0 && len(want) > f.Limit {
				want = want[:f.Limit]
			}
			if !slices.Equal(ids(got), ids(want)) {
				t.Errorf("%+v: got %v, want %v", f, ids(got), ids(want))
			}
		}
		if _, err := e.Svc.ListNotes(ctx, e.As("alice"), e.Rel.ID, service.NoteFilter{Offset: -1}); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Errorf("negative offset: %v", err)
		}
	})

	t.Run("notes carry what the viewer may do", func(t *testing.T) {
		ns, err := e.Svc.ListNotes(ctx, e.As("bob"), e.Rel.ID, service.NoteFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		bob := e.Users["bob"].ID
		for _, n := range ns {
			mine := n.AuthorID == bob
			if !n.Allowed.Has("note.read") || n.Allowed.Has("note.update") != mine || n.Allowed.Has("note.delete") != mine {
				t.Errorf("note by %s, seen by bob: allowed %v", n.AuthorID, n.Allowed)
			}
		}
	})

	t.Run("audit", func(t *testing.T) {
		// Each read appends an audit.read event, so compare pages below a fixed cursor.
		first, err := e.Svc.RelationshipAudit(ctx, e.As("alice"), e.Rel.ID, service.AuditFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		before := first.Entries[0].Seq
		all, err := e.Svc.RelationshipAudit(ctx, e.As("alice"), e.Rel.ID, service.AuditFilter{BeforeSeq: before, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Entries) < 8 {
			t.Fatalf("%d events, want at least 8", len(all.Entries))
		}
		got, err := e.Svc.RelationshipAudit(ctx, e.As("alice"), e.Rel.ID, service.AuditFilter{BeforeSeq: before, Offset: 3, Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Entries) != 4 {
			t.Fatalf("%d events, want 4", len(got.Entries))
		}
		for i, en := range got.Entries {
			if en.Seq != all.Entries[3+i].Seq {
				t.Errorf("entry %d: seq %d, want %d", i, en.Seq, all.Entries[3+i].Seq)
			}
		}
		if got.NextBefore != got.Entries[3].Seq {
			t.Errorf("next before = %d, want %d", got.NextBefore, got.Entries[3].Seq)
		}
	})

	t.Run("directory", func(t *testing.T) {
		if _, err := e.Svc.Transition(ctx, e.As("judy"), e.Proposed.ID, mentorvault.ActAccept); err != nil {
			t.Fatal(err)
		}
		all, err := e.Svc.Directory(ctx, e.As("carol"), service.DirectoryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 2 {
			t.Fatalf("%d relationships in the directory, want at least 2", len(all))
		}
		got, err := e.Svc.Directory(ctx, e.As("carol"), service.DirectoryFilter{Offset: 1, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != all[1].ID {
			t.Errorf("offset 1, limit 1: got %d relationships, want %s", len(got), all[1].ID)
		}
		rest, err := e.Svc.Directory(ctx, e.As("carol"), service.DirectoryFilter{Offset: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(rest) != len(all)-1 {
			t.Errorf("offset 1: %d relationships, want %d", len(rest), len(all)-1)
		}
	})
}
