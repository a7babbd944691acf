package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Notifier delivers a notification to its user. The in-app notifier stores
// it; an email notifier can follow behind the same interface. Notify runs
// inside the transaction of the event, so a notification exists exactly
// when its event does. Texts never carry content.
type Notifier interface {
	Notify(ctx context.Context, tx mentorvault.Tx, n *mentorvault.Notification) error
}

// InApp stores notifications for the notifications page and the header count.
type InApp struct{}

// Notify stores n (once per user and DedupeKey).
func (InApp) Notify(ctx context.Context, tx mentorvault.Tx, n *mentorvault.Notification) error {
	return tx.CreateNotification(ctx, n)
}

// notify sends one notification through the service's notifiers.
func (s *Service) notify(ctx context.Context, tx mentorvault.Tx, userID, kind, relID, refID, text, link, dedupe string) error {
	n := &mentorvault.Notification{ID: mentorvault.NewID(), UserID: userID, Kind: kind, RelationshipID: relID, RefID: refID,
		Text: text, Link: link, DedupeKey: dedupe, CreatedAt: tx.Now()}
	for _, nt := range s.notifiers {
		if err := nt.Notify(ctx, tx, n); err != nil {
			return err
		}
	}
	return nil
}

// notifyPartner notifies the party of rel who is not the actor.
func (s *Service) notifyPartner(ctx context.Context, tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, kind, refID, text, link, dedupe string) error {
	return s.notify(ctx, tx, rel.Partner(a.user.ID), kind, rel.ID, refID, text, link, dedupe)
}

func accountResource(u *mentorvault.User) policy.Account {
	return policy.Account{UserID: u.ID, OrgID: u.OrgID}
}

// account resolves the caller and decides act on their own account.
func (s *Service) account(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal) (actor, error) {
	a, err := s.resolve(ctx, tx, p, policy.ManageAccount)
	if err != nil {
		return a, err
	}
	return a, s.authorize(ctx, tx, a, policy.ManageAccount, accountResource(a.user), target{orgID: a.user.OrgID, typ: "account", id: a.user.ID}, never)
}

// Reminder horizons for due items.
const (
	meetingSoon    = 24 * time.Hour
	commitmentSoon = 48 * time.Hour
)

// refreshDue creates the notifications that time has made due for the
// user: a meeting within a day, a review due, a commitment due within two
// days or overdue. Each is created once (deduplicated in the database), so
// this is safe to run on every request and on several instances.
func (s *Service) refreshDue(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User) error {
	now := tx.Now()
	ms, err := tx.FindMeetingsForUser(ctx, u.ID, now, 20)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.StartsAt.Sub(now) <= meetingSoon {
			if err := s.notify(ctx, tx, u.ID, mentorvault.NotifyMeetingUpcoming, m.RelationshipID, m.ID,
				"You have a mentoring session on "+m.StartsAt.Format("Mon 2 Jan, 15:04 MST")+".",
				meetingLink(m.RelationshipID, m.ID), fmt.Sprintf("meeting.upcoming:%s:%d", m.ID, m.Sequence)); err != nil {
				return err
			}
		}
	}
	rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{PartyID: u.ID, Statuses: []mentorvault.RelationshipStatus{mentorvault.StatusActive}})
	if err != nil {
		return err
	}
	for _, rel := range rels {
		key, err := s.dataKey(ctx, tx, rel.ID)
		if errors.Is(err, errErased) {
			continue // shredded: nothing is due any more
		}
		if err != nil {
			return err
		}
		v, err := s.inForce(ctx, tx, rel, key)
		if err != nil {
			return err
		}
		if v != nil {
			reviews, err := tx.FindReviews(ctx, rel.ID)
			if err != nil {
				return err
			}
			m, e, _ := reviewStatus(rel, v, reviews, now)
			st := m
			if u.ID == rel.MenteeID {
				st = e
			}
			if st.Due {
				if err := s.notify(ctx, tx, u.ID, mentorvault.NotifyReviewDue, rel.ID, v.ID,
					"It is time to review whether your agreed expectations still hold.",
					"/relationships/"+rel.ID+"/agreement#reviews", "review.due:"+rel.ID+":"+st.DueAt.Format(time.DateOnly)); err != nil {
					return err
				}
			}
		}
		cs, err := tx.FindCommitments(ctx, rel.ID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.OwnerID == u.ID && c.Status == mentorvault.CommitmentOpen && c.DueAt.Sub(now) <= commitmentSoon {
				text := "A commitment of yours is due on " + c.DueAt.Format("Mon 2 Jan") + "."
				if c.DueAt.Before(now) {
					text = "A commitment of yours was due on " + c.DueAt.Format("Mon 2 Jan") + "."
				}
				if err := s.notify(ctx, tx, u.ID, mentorvault.NotifyCommitmentDue, rel.ID, c.ID, text,
					"/relationships/"+rel.ID+"/commitments", "commitment.due:"+c.ID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// NotificationFilter selects a page of the caller's notifications, newest
// first: Offset skipped, then at most Limit (200 when 0, at most 500).
type NotificationFilter struct {
	Limit  int
	Offset int
}

// maxNotifications bounds a page of notifications, and how far a page may
// reach (the store lists at most this many).
const maxNotifications = 500

// Notifications brings the caller's due notifications up to date and lists
// the page of them f selects, newest first. Returns EUNAUTHENTICATED, or
// EINVALID for a negative offset.
func (s *Service) Notifications(ctx context.Context, p mentorvault.Principal, f NotificationFilter) ([]*mentorvault.Notification, error) {
	if f.Offset < 0 {
		return nil, mentorvault.Invalid("the query is not valid", map[string]string{"offset": "must not be negative"})
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	limit = min(limit, maxNotifications)
	var out []*mentorvault.Notification
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		if err := s.refreshDue(ctx, tx, a.user); err != nil {
			return err
		}
		if f.Offset >= maxNotifications {
			return nil
		}
		// The store pages by limit alone: read through the offset and skip it.
		ns, err := tx.FindNotifications(ctx, a.user.ID, min(f.Offset+limit, maxNotifications))
		if err != nil {
			return err
		}
		out = ns[min(f.Offset, len(ns)):]
		return nil
	})
	return out, err
}

// UnreadNotifications counts the caller's unread notifications, after
// bringing due ones up to date. Returns EUNAUTHENTICATED.
func (s *Service) UnreadNotifications(ctx context.Context, p mentorvault.Principal) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		if err := s.refreshDue(ctx, tx, a.user); err != nil {
			return err
		}
		n, err = tx.CountUnreadNotifications(ctx, a.user.ID)
		return err
	})
	return n, err
}

// MarkNotificationsRead marks one (id) or all ("") of the caller's
// notifications read. Returns EUNAUTHENTICATED.
func (s *Service) MarkNotificationsRead(ctx context.Context, p mentorvault.Principal, id string) error {
	if err := lines(p, "id", id); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		return tx.MarkNotificationsRead(ctx, a.user.ID, id, tx.Now())
	})
}
