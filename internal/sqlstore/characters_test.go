package sqlstore_test

import (
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestListedPair: the same two people hold at most one open relationship,
// whoever is mentor and whatever the programme; closed ones do not count.
func TestListedPair(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.Open(t)
			f := seed(t, db)
			for _, st := range []mentorvault.RelationshipStatus{mentorvault.StatusProposed, mentorvault.StatusAccepted,
				mentorvault.StatusAgreeing, mentorvault.StatusActive, mentorvault.StatusPaused} {
				tx := begin(t, db)
				r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: f.org.ID, Kind: mentorvault.KindPeer,
					MentorID: f.mentee.ID, MenteeID: f.mentor.ID, ProposedByID: f.mentee.ID, Status: st, CreatedAt: us(t0), UpdatedAt: us(t0)}
				wantCode(t, tx.CreateRelationship(ctx, r), mentorvault.ECONFLICT)
				_ = tx.Rollback()
			}
			tx := begin(t, db)
			for _, st := range []mentorvault.RelationshipStatus{mentorvault.StatusClosed, mentorvault.StatusDeclined, mentorvault.StatusWithdrawn} {
				r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: f.org.ID, ProgrammeID: f.prog.ID, Kind: mentorvault.KindMentoring,
					MentorID: f.mentor.ID, MenteeID: f.mentee.ID, ProposedByID: f.mentor.ID, Status: st, CreatedAt: us(t0), UpdatedAt: us(t0)}
				ok(t, tx.CreateRelationship(ctx, r))
			}
			otherRel(t, tx, f, f.mentor.ID, f.other.ID, f.prog.ID) // another pair
			commit(t, tx)
		})
	}
}

// TestUnstorableCharacters: a value PostgreSQL's text cannot hold (NUL) is
// EINVALID, never an internal error; SQLite stores it, so there the lookup
// simply finds nothing. The service refuses such values before they get here.
func TestUnstorableCharacters(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.Open(t)
			tx := begin(t, db)
			defer tx.Rollback()
			_, err := tx.FindUserByEmail(ctx, "a\x00b@example.com")
			want := mentorvault.EINVALID
			if b.Name == "sqlite" {
				want = mentorvault.ENOTFOUND
			}
			wantCode(t, err, want)
		})
	}
}
