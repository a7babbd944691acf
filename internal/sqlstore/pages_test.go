package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestPageQueries covers the store methods a page is built from: users
// named by ID in one query, relationships paged and searched in SQL.
func TestPageQueries(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.Open(t)
			db.SetClock(func() time.Time { return t0 })
			t.Run("FindUsersByIDs", func(t *testing.T) { testFindUsersByIDs(t, db) })
			t.Run("RelationshipPages", func(t *testing.T) { testRelationshipPages(t, db) })
			t.Run("ListLoads", func(t *testing.T) { testListLoads(t, db) })
		})
	}
}

func testFindUsersByIDs(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	us, err := tx.FindUsersByIDs(ctx, []string{f.mentee.ID, f.mentor.ID, "", f.mentee.ID, mentorvault.NewID()})
	ok(t, err)
	var got []string
	for _, u := range us {
		got = append(got, u.Name+"/"+u.Email)
	}
	slices.Sort(got)
	want := []string{f.mentee.Name + "/" + f.mentee.Email, f.mentor.Name + "/" + f.mentor.Email}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("FindUsersByIDs = %v, want %v (duplicates, \"\" and unknown IDs left out)", got, want)
	}
	if us, err := tx.FindUsersByIDs(ctx, nil); err != nil || len(us) != 0 {
		t.Fatalf("no IDs: %v, %v", us, err)
	}
}

func testRelationshipPages(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	// Five more listed relationships of the organisation, one a minute, and
	// one in another organisation.
	rels := []*mentorvault.Relationship{f.rel}
	names := []string{"Ada 100%", "Bea_x", "Cleo", "Dora", "Eve"}
	for i, name := range names {
		mentee := newUser(t, tx, f.org.ID, name)
		r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: f.org.ID, Kind: mentorvault.KindMentoring,
			MentorID: f.other.ID, MenteeID: mentee.ID, ProposedByID: f.other.ID, Status: mentorvault.StatusActive,
			CreatedAt: us(t0.Add(time.Duration(i+1) * time.Minute)), UpdatedAt: us(t0)}
		if i == 2 {
			r.MentorID, r.ProgrammeID = f.manager.ID, f.prog.ID
		}
		ok(t, tx.CreateRelationship(ctx, r))
		rels = append(rels, r)
	}
	org2 := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Elsewhere", CreatedAt: us(t0)}
	ok(t, tx.CreateOrg(ctx, org2))
	a, b := newUser(t, tx, org2.ID, "Cleo"), newUser(t, tx, org2.ID, "Zed")
	ok(t, tx.CreateRelationship(ctx, &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: org2.ID, Kind: mentorvault.KindMentoring,
		MentorID: a.ID, MenteeID: b.ID, ProposedByID: a.ID, Status: mentorvault.StatusActive, CreatedAt: us(t0), UpdatedAt: us(t0)}))

	ids := func(rs []*mentorvault.Relationship) (out []string) {
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	all := ids(rels)
	active := all[1:]
	for _, tc := range []struct {
		name string
		f    mentorvault.RelationshipFilter
		want []string
	}{
		{"all of the organisation", mentorvault.RelationshipFilter{OrgID: f.org.ID}, all},
		{"first page", mentorvault.RelationshipFilter{OrgID: f.org.ID, Limit: 2}, all[:2]},
		{"second page", mentorvault.RelationshipFilter{OrgID: f.org.ID, Limit: 2, Offset: 2}, all[2:4]},
		{"last page", mentorvault.RelationshipFilter{OrgID: f.org.ID, Limit: 4, Offset: 4}, all[4:]},
		{"offset alone", mentorvault.RelationshipFilter{OrgID: f.org.ID, Offset: 5}, all[5:]},
		{"past the end", mentorvault.RelationshipFilter{OrgID: f.org.ID, Limit: 2, Offset: 6}, nil},
		{"statuses, paged", mentorvault.RelationshipFilter{OrgID: f.org.ID, Statuses: []mentorvault.RelationshipStatus{mentorvault.StatusActive}, Limit: 2, Offset: 1}, active[1:3]},
		{"query by name, any case", mentorvault.RelationshipFilter{OrgID: f.org.ID, Query: "cLEO"}, all[3:4]},
		{"query by mentor name", mentorvault.RelationshipFilter{OrgID: f.org.ID, Query: f.other.Name}, []string{all[1], all[2], all[4], all[5]}},
		{"query by email", mentorvault.RelationshipFilter{OrgID: f.org.ID, Query: f.mentee.Email}, all[:1]},
		{"query by programme", mentorvault.RelationshipFilter{OrgID: f.org.ID, Query: "leaDERS"}, []string{all[0], all[3]}},
		{"a % in the query is a percent sign", mentorvault.RelationshipFilter{OrgID: f.org.ID, Query: "100%"}, all[1:2]},
		{"an _ in the query is an underscore", mentorvault.RelationshipFilter{OrgID: f.org.ID, Query: "a_x"}, all[2:3]},
		{"no wildcard matches a plain name", mentorvault.RelationshipFilter{OrgID: f.org.ID, Query: "e%e"}, nil},
		{"query, paged", mentorvault.RelationshipFilter{OrgID: f.org.ID, Query: f.other.Name, Limit: 2, Offset: 1}, []string{all[2], all[4]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tx.FindRelationships(ctx, tc.f)
			ok(t, err)
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("FindRelationships(%+v) = %v, want %v", tc.f, ids(got), tc.want)
			}
		})
	}
}

// testListLoads covers the one-query loads of lists spread over several
// relationships: relationships by IDs, a party's meetings.
func testListLoads(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	other := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: f.org.ID, Kind: mentorvault.KindMentoring,
		MentorID: f.other.ID, MenteeID: f.mentor.ID, ProposedByID: f.other.ID, Status: mentorvault.StatusActive, CreatedAt: us(t0), UpdatedAt: us(t0)}
	ok(t, tx.CreateRelationship(ctx, other))
	third := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: f.org.ID, Kind: mentorvault.KindMentoring,
		MentorID: f.manager.ID, MenteeID: f.other.ID, ProposedByID: f.manager.ID, Status: mentorvault.StatusActive, CreatedAt: us(t0), UpdatedAt: us(t0)}
	ok(t, tx.CreateRelationship(ctx, third))

	rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{IDs: []string{third.ID, f.rel.ID, mentorvault.NewID()}})
	ok(t, err)
	if len(rels) != 2 || rels[0].ID != f.rel.ID || rels[1].ID != third.ID {
		t.Fatalf("by IDs: %d relationships", len(rels))
	}

	// The mentor is a party of f.rel (mentor) and of other (mentee), not of third.
	early := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(-100*24*time.Hour), 30, mentorvault.MeetingScheduled)
	past := newMeeting(t, tx, other.ID, f.mentor.ID, t0.Add(-24*time.Hour), 30, mentorvault.MeetingCancelledInTime)
	soon := newMeeting(t, tx, f.rel.ID, f.mentor.ID, t0.Add(time.Hour), 30, mentorvault.MeetingScheduled)
	later := newMeeting(t, tx, other.ID, f.mentor.ID, t0.Add(48*time.Hour), 30, mentorvault.MeetingScheduled)
	newMeeting(t, tx, third.ID, f.manager.ID, t0.Add(2*time.Hour), 30, mentorvault.MeetingScheduled)
	ms, err := tx.FindMeetingsOfParty(ctx, f.mentor.ID, t0.Add(-90*24*time.Hour), 0)
	ok(t, err)
	var got []string
	for _, m := range ms {
		got = append(got, m.ID)
	}
	if want := []string{past.ID, soon.ID, later.ID}; !slices.Equal(got, want) {
		t.Fatalf("meetings of the party since 90 days: %v, want %v (not %s, too early)", got, want, early.ID)
	}
	if ms, err := tx.FindMeetingsOfParty(ctx, f.mentor.ID, t0.Add(-90*24*time.Hour), 2); err != nil || len(ms) != 2 {
		t.Fatalf("limit 2: %d, %v", len(ms), err)
	}
}
