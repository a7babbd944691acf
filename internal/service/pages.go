package service

import (
	"context"
	"errors"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Pages: what a web page shows, read in one transaction. Every commit is
// an fsync on SQLite, so a page that called one service per panel paid one
// commit per panel; here each panel is the same call (the same decision,
// the same audit event) run in the page's one transaction.

// relOpIn is relOp in the caller's transaction tx: resolve, load,
// authorise act (a denial is audited in tx), run fn, append fn's event.
func (s *Service) relOpIn(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action, relID string, refuse refusal, fn func(o *op) (event, error)) error {
	a, rel, err := s.openRel(ctx, tx, p, act, relID, refuse)
	if err != nil {
		return err
	}
	ev, err := fn(&op{s: s, ctx: ctx, tx: tx, a: a, rel: rel})
	if err != nil {
		return err
	}
	return s.record(ctx, tx, a, ev.action, ev.t, ev.detail)
}

// RelationshipPageFilter sizes the lists of the relationship page.
type RelationshipPageFilter struct {
	Notes       int // at most this many notes, newest first (0: DefaultNotes)
	NotesOffset int // after skipping this many
	Meetings    int // at most this many upcoming meetings (0: 50)
}

// RelationshipPage is what the relationship page shows, each panel with
// the error its own call would have answered (nil when it is shown): a
// panel the caller may not see is refused, and its refusal audited, just
// as the call alone would refuse and audit it.
type RelationshipPage struct {
	Rel *RelationshipView
	// Agreement is the agreement's status, when Rel.Allowed has agreement.status.
	Agreement    *AgreementStatus
	AgreementErr error
	// Upcoming and Reviews are the habits panel, for a party of a
	// relationship that started and whose meetings they may list.
	Upcoming    *MeetingPage
	UpcomingErr error
	Reviews     *ReviewsView
	ReviewsErr  error
	// Notes are the notes the caller may read, for a party (Rel.Allowed
	// has relationship.close).
	Notes    []*NoteView
	NotesErr error
}

// RelationshipPage reads, in one transaction, the relationship view
// (Relationship) and the panels its page shows: the agreement's status
// (AgreementStatusOf), and for a party the upcoming meetings (Meetings),
// the reviews (Reviews) and the notes (ListNotes). A panel's refusal is in
// its error field; the page itself fails only when the relationship may not
// be seen (EUNAUTHENTICATED, ENOTFOUND) or on an internal error.
func (s *Service) RelationshipPage(ctx context.Context, p mentorvault.Principal, id string, f RelationshipPageFilter) (*RelationshipPage, error) {
	nf, mf := NoteFilter{Limit: f.Notes, Offset: f.NotesOffset}, MeetingFilter{Upcoming: true, Limit: f.Meetings}
	if err := nf.check(); err != nil {
		return nil, err
	}
	if err := mf.check(); err != nil {
		return nil, err
	}
	var out *RelationshipPage
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out = nil // inTx may run this again: start afresh
		v, err := s.relationshipIn(ctx, tx, p, id)
		if err != nil {
			return err
		}
		pg := &RelationshipPage{Rel: v}
		// panel keeps a panel's refusal for the page and fails the page on
		// an internal error (which rolls the transaction back).
		panel := func(err error) (error, error) {
			if mentorvault.ErrorCode(err) == mentorvault.EINTERNAL {
				return nil, err
			}
			return err, nil
		}
		if v.Allowed.Has(policy.AgreementStatus) {
			st, err := s.agreementStatusIn(ctx, tx, p, v.ID)
			if pg.AgreementErr, err = panel(err); err != nil {
				return err
			}
			pg.Agreement = st
		}
		if v.Allowed.Has(policy.CloseRelationship) { // a party
			if v.Allowed.Has(policy.ListMeetings) && v.StartedAt != nil {
				m, err := s.meetingsIn(ctx, tx, p, v.ID, mf)
				if pg.UpcomingErr, err = panel(err); err != nil {
					return err
				}
				r, err := s.reviewsIn(ctx, tx, p, v.ID)
				if pg.ReviewsErr, err = panel(err); err != nil {
					return err
				}
				pg.Upcoming, pg.Reviews = m, r
			}
			// Notes open with the first agreement both signed: before
			// that there are none to read, and asking would only put a
			// refusal on the pair's log at every visit.
			if v.StartedAt != nil {
				ns, err := s.listNotesIn(ctx, tx, p, v.ID, nf)
				if pg.NotesErr, err = panel(err); err != nil {
					return err
				}
				pg.Notes = ns
			}
		}
		out = pg
		return nil
	})
	return out, err
}

// listLoads is what a list of records spread over several relationships
// needs, each loaded once for the whole list, not once per row: the
// relationships and the people named in one query each, and each
// relationship's data key once (through dataKey, which checks its party
// binding).
type listLoads struct {
	s      *Service
	rels   map[string]*mentorvault.Relationship
	keys   map[string][]byte
	keyErr map[string]error
	people map[string]Person
}

// loadForList loads the relationships relIDs (all of them must exist) and
// the people userIDs.
func (s *Service) loadForList(ctx context.Context, tx mentorvault.Tx, relIDs, userIDs []string) (*listLoads, error) {
	l := &listLoads{s: s, rels: map[string]*mentorvault.Relationship{}, keys: map[string][]byte{}, keyErr: map[string]error{}}
	if ids := uniq(relIDs); len(ids) > 0 {
		rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{IDs: ids})
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			l.rels[r.ID] = r
		}
		if len(l.rels) != len(ids) {
			return nil, mentorvault.Internal(errors.New("a listed record's relationship is missing"))
		}
	}
	var err error
	if l.people, err = peopleByID(ctx, tx, userIDs); err != nil {
		return nil, err
	}
	return l, nil
}

// key is the relationship's data key (dataKey's answer), loaded once per list.
func (l *listLoads) key(ctx context.Context, tx mentorvault.Tx, relID string) ([]byte, error) {
	if k, ok := l.keys[relID]; ok {
		return k, nil
	}
	if err, ok := l.keyErr[relID]; ok {
		return nil, err
	}
	k, err := l.s.dataKey(ctx, tx, relID)
	if err != nil {
		l.keyErr[relID] = err
		return nil, err
	}
	l.keys[relID] = k
	return k, nil
}

// person is a loaded person, or ENOTFOUND as person() answers.
func (l *listLoads) person(id string) (Person, error) {
	if p, ok := l.people[id]; ok {
		return p, nil
	}
	return Person{}, mentorvault.Errorf(mentorvault.ENOTFOUND, "user not found")
}

// uniq returns ids without duplicates and "", in their first order.
func uniq(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// preloadedUsers is a transaction whose FindUserByID answers the users it
// was given from memory (loaded in one FindUsersByIDs query) and asks the
// store for any other: so view helpers that name people one by one cost no
// query per row inside a list.
type preloadedUsers struct {
	mentorvault.Tx
	users map[string]*mentorvault.User
}

// FindUserByID returns a preloaded user, or asks the store.
func (t preloadedUsers) FindUserByID(ctx context.Context, id string) (*mentorvault.User, error) {
	if u, ok := t.users[id]; ok {
		return u, nil
	}
	return t.Tx.FindUserByID(ctx, id)
}

// preloadUsers returns tx with the users ids preloaded.
func preloadUsers(ctx context.Context, tx mentorvault.Tx, ids []string) (mentorvault.Tx, error) {
	us, err := tx.FindUsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	m := make(map[string]*mentorvault.User, len(us))
	for _, u := range us {
		m[u.ID] = u
	}
	return preloadedUsers{Tx: tx, users: m}, nil
}
