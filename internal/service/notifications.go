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
	return s.notifyBy(ctx, tx, "", userID, kind, relID, refID, text, link, dedupe)
}

// notifyBy is notify for a notification actorID caused. Every notification
// is stored in-app and, when mail is on, queued as an email in the same
// transaction.
func (s *Service) notifyBy(ctx context.Context, tx mentorvault.Tx, actorID, userID, kind, relID, refID, text, link, dedupe string) error {
	n := &mentorvault.Notification{ID: mentorvault.NewID(), UserID: userID, Kind: kind, RelationshipID: relID, RefID: refID,
		Text: text, Link: link, DedupeKey: dedupe, CreatedAt: tx.Now(), ActorID: actorID}
	if err := s.queueMail(ctx, tx, n); err != nil {
		return err
	}
	for _, nt := range s.notifiers {
		if err := nt.Notify(ctx, tx, n); err != nil {
			return err
		}
	}
	return nil
}

// notifyPartner notifies the party of rel who is not the actor.
func (s *Service) notifyPartner(ctx context.Context, tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, kind, refID, text, link, dedupe string) error {
	return s.notifyBy(ctx, tx, a.user.ID, rel.Partner(a.user.ID), kind, rel.ID, refID, text, link, dedupe)
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

// runReminders creates the notifications that time has made due, for every
// party of an active or paused relationship: a meeting within a day, a
// review due, a commitment due within two days or overdue. It is the
// reminders job's effect (page views only read). Each is created once
// (deduplicated in the database), so running it again, or on several
// instances, repeats nothing.
func (s *Service) runReminders(ctx context.Context, tx mentorvault.Tx) error {
	now := tx.Now()
	rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{Statuses: []mentorvault.RelationshipStatus{mentorvault.StatusActive, mentorvault.StatusPaused}})
	if err != nil {
		return err
	}
	var parties []string
	seen := map[string]bool{}
	for _, rel := range rels {
		for _, id := range []string{rel.MentorID, rel.MenteeID} {
			if !seen[id] {
				seen[id] = true
				parties = append(parties, id)
			}
		}
		if rel.Status == mentorvault.StatusActive {
			if err := s.relReminders(ctx, tx, rel, now); err != nil {
				return err
			}
		}
	}
	for _, id := range parties {
		ms, err := tx.FindMeetingsForUser(ctx, id, now, 20)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.StartsAt.Sub(now) <= meetingSoon {
				if err := s.notify(ctx, tx, id, mentorvault.NotifyMeetingUpcoming, m.RelationshipID, m.ID,
					"You have a mentoring session on "+m.StartsAt.Format("Mon 2 Jan, 15:04 MST")+".",
					meetingLink(m.RelationshipID, m.ID), fmt.Sprintf("meeting.upcoming:%s:%d", m.ID, m.Sequence)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// relReminders creates an active relationship's due review and commitment
// notifications for its parties.
func (s *Service) relReminders(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, now time.Time) error {
	key, err := s.dataKey(ctx, tx, rel.ID)
	if errors.Is(err, errErased) {
		return nil // shredded: nothing is due any more
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
		for _, due := range []struct {
			userID string
			st     ReviewStatus
		}{{rel.MentorID, m}, {rel.MenteeID, e}} {
			if !due.st.Due {
				continue
			}
			if err := s.notify(ctx, tx, due.userID, mentorvault.NotifyReviewDue, rel.ID, v.ID,
				"It is time to review whether your agreed expectations still hold.",
				"/relationships/"+rel.ID+"/agreement#reviews", "review.due:"+rel.ID+":"+due.st.DueAt.Format(time.DateOnly)); err != nil {
				return err
			}
		}
	}
	cs, err := tx.FindCommitments(ctx, rel.ID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if rel.IsParty(c.OwnerID) && c.Status == mentorvault.CommitmentOpen && c.DueAt.Sub(now) <= commitmentSoon {
			text := "A commitment of yours is due on " + c.DueAt.Format("Mon 2 Jan") + "."
			if c.DueAt.Before(now) {
				text = "A commitment of yours was due on " + c.DueAt.Format("Mon 2 Jan") + "."
			}
			if err := s.notify(ctx, tx, c.OwnerID, mentorvault.NotifyCommitmentDue, rel.ID, c.ID, text,
				"/relationships/"+rel.ID+"/commitments", "commitment.due:"+c.ID); err != nil {
				return err
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

// maxNotifications bounds a page of notifications.
const maxNotifications = 500

// Notifications lists the page of the caller's notifications f selects, newest first. Returns EUNAUTHENTICATED, or
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
		out, err = tx.FindNotifications(ctx, a.user.ID, f.Offset, limit)
		return err
	})
	return out, err
}

// UnreadNotifications counts the caller's unread notifications (one COUNT
// over a partial index; due reminders are the reminders job's work, so this
// only reads). Returns EUNAUTHENTICATED.
func (s *Service) UnreadNotifications(ctx context.Context, p mentorvault.Principal) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
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
