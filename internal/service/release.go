package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Release: a statement reaches its recipient when the subject approves it,
// or, under a pre-authorising clause, when the subject has seen it for the
// agreed window (a durable job, safe on several instances).

// released completes a release in the caller's transaction: the request is
// answered, the recipient and both parties are told. The caller appends
// recordRelease after its last other write.
func (s *Service) released(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, st *mentorvault.Statement) error {
	if st.RequestID != "" {
		r, err := tx.FindInputRequestByID(ctx, st.RequestID)
		if err != nil {
			return err
		}
		if r.Status == mentorvault.RequestOpen {
			r.Status, r.UpdatedAt = mentorvault.RequestAnswered, tx.Now()
			if err := tx.UpdateInputRequest(ctx, r); err != nil {
				return err
			}
		}
	}
	nm, err := names(ctx, tx, st.AuthorID, st.SubjectID, st.RecipientUserID)
	if err != nil {
		return err
	}
	if err := s.notify(ctx, tx, st.RecipientUserID, "statement.released", "", st.ID,
		fmt.Sprintf("%s released a statement for you about %s.", nm[st.AuthorID], nm[st.SubjectID]), "/statements",
		"statement.released:"+st.ID); err != nil {
		return err
	}
	for _, uid := range []string{st.AuthorID, st.SubjectID} {
		if err := s.notify(ctx, tx, uid, "statement.released", rel.ID, st.ID,
			fmt.Sprintf("The statement for %s was released on %s.", nm[st.RecipientUserID], st.ReleasedAt.Format("Mon 2 Jan 2006, 15:04 MST")),
			statementLink(rel.ID, st.ID), "statement.released:"+st.ID); err != nil {
			return err
		}
	}
	return nil
}

// recordRelease appends the audit event of a release.
func (s *Service) recordRelease(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, st *mentorvault.Statement) error {
	sys := actor{p: mentorvault.Principal{Via: "service"}}
	return s.record(ctx, tx, sys, "statement.release", statementTarget(rel, st.ID), withSeal("recipient="+st.RecipientUserID, statementSealed(st)...))
}

// runStatementRelease releases the job's statement if it is still
// pre-authorised (an objection in the window leaves it as it is).
func (s *Service) runStatementRelease(ctx context.Context, tx mentorvault.Tx, j *mentorvault.Job) error {
	st, rel, err := lockRecord(ctx, tx, j.RefID, "statement", tx.FindStatementByID, func(st *mentorvault.Statement) string { return st.RelationshipID })
	if err != nil {
		return err
	}
	if st.State != mentorvault.StatementPreAuthorised {
		return nil
	}
	key, err := s.dataKey(ctx, tx, rel.ID)
	if err != nil {
		return err
	}
	if err := s.openStatement(ctx, key, st); err != nil {
		return err // damaged: not released; the job retries and the log names it
	}
	if err := st.ReleaseIfDue(tx.Now()); err != nil {
		return err
	}
	if err := s.sealStatement(key, st); err != nil {
		return err
	}
	if err := tx.UpdateStatement(ctx, st); err != nil {
		return err
	}
	if err := s.released(ctx, tx, rel, st); err != nil {
		return err
	}
	return s.recordRelease(ctx, tx, rel, st)
}

// ReceivedStatement is a statement as its recipient sees it: the released
// text (empty once withdrawn), who wrote it about whom, and when.
type ReceivedStatement struct {
	ID, Kind, Purpose, RequestID string
	Body                         mentorvault.Secret // zero once withdrawn, or when damaged
	Damaged                      bool               // the released text was changed outside mentorvault and does not open
	Author, Subject              Person
	ReleasedAt                   time.Time
	WithdrawnAt                  *time.Time
}

// ReceivedStatements lists the statements released to the caller, newest
// first. Each read is audited on the relationship, so the pair see it.
// Returns EUNAUTHENTICATED.
func (s *Service) ReceivedStatements(ctx context.Context, p mentorvault.Principal) ([]*ReceivedStatement, error) {
	var out []*ReceivedStatement
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out = nil // inTx may run this again: start afresh
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		sts, err := tx.FindStatementsForRecipient(ctx, a.user.ID)
		if err != nil {
			return err
		}
		// The statements' relationships, keys and people in one query each.
		var relIDs, userIDs []string
		for _, st := range sts {
			relIDs, userIDs = append(relIDs, st.RelationshipID), append(userIDs, st.AuthorID, st.SubjectID)
		}
		l, err := s.loadForList(ctx, tx, relIDs, userIDs)
		if err != nil {
			return err
		}
		for _, st := range sts {
			rel := l.rels[st.RelationshipID]
			t := statementTarget(rel, st.ID)
			if err := s.authorize(ctx, tx, a, policy.ReceiveStatement, statementResource(rel, st), t, always); err != nil {
				return err
			}
			v := &ReceivedStatement{ID: st.ID, Kind: st.Kind, RequestID: st.RequestID, ReleasedAt: *st.ReleasedAt, WithdrawnAt: st.WithdrawnAt}
			key, err := l.key(ctx, tx, rel.ID)
			switch {
			case errors.Is(err, errErased) && st.State == mentorvault.StatementReleased:
				continue // shredded: the statement is gone with its key
			case errors.Is(err, errErased):
				// withdrawn: it keeps its existence, not its purpose
			case err != nil:
				return err
			default:
				if err := s.openStatementPurpose(ctx, key, st); isDamaged(err) {
					v.Damaged = true
				} else if err != nil {
					return err
				}
				v.Purpose = st.Purpose
			}
			if st.State == mentorvault.StatementReleased && !v.Damaged {
				if v.Body, err = s.keys.Open(key, statementBodyAD(st), st.BodySealed); err != nil {
					if err := s.damaged(ctx, "statement", st.ID, err); !isDamaged(err) {
						return err
					}
					v.Damaged = true // shown as damaged; the rest of the list is served
				}
			}
			if v.Author, err = l.person(st.AuthorID); err != nil {
				return err
			}
			if v.Subject, err = l.person(st.SubjectID); err != nil {
				return err
			}
			out = append(out, v)
			// One event per statement, on its relationship: each pair sees
			// the read in their own access log.
			if err := s.record(ctx, tx, a, "statement.receive", t, "state="+string(st.State)); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
