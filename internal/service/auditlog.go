package service

import (
	"context"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// AuditEntry is an audit event with its actor named, for the pair to read.
type AuditEntry struct {
	*mentorvault.AuditEvent
	ActorName  string
	ActorEmail string
}

// AuditPage is a page of a relationship's access log, newest first, and the
// head of the whole chain (count and hash) for the parties to note down.
type AuditPage struct {
	Entries []AuditEntry
	Head    mentorvault.AuditHead
	// NextBefore is the cursor for the next (older) page; 0 when there is none.
	NextBefore int64
}

// AuditFilter selects a page of a relationship's access log, newest first.
type AuditFilter struct {
	BeforeSeq int64 // events before this number (0 for the newest)
	Limit     int   // at most this many; 0 or more than 500 means 100
	Offset    int   // skip this many first
	// Who keeps the reader's own events ("me"), or everyone else's
	// ("others"); "" keeps all.
	Who string
	// What is a mentorvault.AuditFilter Kind: "reads", "changes", "refused" or "".
	What         string
	Since, Until time.Time // zero: no bound
}

// RelationshipAudit returns the access log of a relationship: who did what,
// when, and every denied attempt. Only the pair may read it. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID (a negative offset).
func (s *Service) RelationshipAudit(ctx context.Context, p mentorvault.Principal, relID string, f AuditFilter) (*AuditPage, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	if f.Offset < 0 {
		return nil, mentorvault.Invalid("the page is not valid", map[string]string{"offset": "must not be negative"})
	}
	switch {
	case f.Who != "" && f.Who != "me" && f.Who != "others":
		return nil, mentorvault.Invalid(`the filter is not valid: who must be "me" or "others"`, map[string]string{"who": `must be "me" or "others"`})
	case f.What != "" && f.What != mentorvault.AuditReads && f.What != mentorvault.AuditChanges && f.What != mentorvault.AuditRefused:
		return nil, mentorvault.Invalid(`the filter is not valid: what must be "reads", "changes" or "refused"`, map[string]string{"what": `must be "reads", "changes" or "refused"`})
	case !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since):
		return nil, mentorvault.Invalid("the filter is not valid: the last day must not be before the first", map[string]string{"until": "must be after the start"})
	}
	var out *AuditPage
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.resolve(ctx, tx, p, policy.ReadAudit)
		if err != nil {
			return err
		}
		rel, err := loadRel(ctx, tx, relID)
		if err != nil {
			return err
		}
		if err := s.authorizeRel(ctx, tx, a, policy.ReadAudit, rel); err != nil {
			return err
		}
		// Record the read first, so the reader sees their own access too.
		if err := s.record(ctx, tx, a, "audit.read", relTarget(rel), ""); err != nil {
			return err
		}
		// One more than the page, to know whether there is a next one.
		sf := mentorvault.AuditFilter{RelationshipID: rel.ID, BeforeSeq: f.BeforeSeq,
			Limit: limit + 1, Offset: f.Offset, Descending: true, Kind: f.What, Since: f.Since, Until: f.Until}
		switch f.Who {
		case "me":
			sf.ActorID = a.user.ID
		case "others":
			sf.NotActorID = a.user.ID
		}
		evs, err := tx.FindAuditEvents(ctx, sf)
		if err != nil {
			return err
		}
		head, err := tx.LockAuditHead(ctx)
		if err != nil {
			return err
		}
		out = &AuditPage{Head: head}
		if len(evs) > limit {
			evs = evs[:limit]
			out.NextBefore = evs[limit-1].Seq
		}
		// Name the page's actors only, in one query, never the organisation.
		actorIDs := make([]string, len(evs))
		for i, e := range evs {
			actorIDs[i] = e.ActorID
		}
		users, err := tx.FindUsersByIDs(ctx, actorIDs)
		if err != nil {
			return err
		}
		byID := make(map[string]*mentorvault.User, len(users))
		for _, u := range users {
			if u.OrgID == rel.OrgID {
				byID[u.ID] = u
			}
		}
		for _, e := range evs {
			en := AuditEntry{AuditEvent: e, ActorName: "someone outside the organisation"}
			if e.ActorID == "" {
				en.ActorName = "anonymous or system"
			} else if u := byID[e.ActorID]; u != nil {
				en.ActorName, en.ActorEmail = u.Name, u.Email
			}
			out.Entries = append(out.Entries, en)
		}
		return nil
	})
	return out, err
}
