package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
)

// A notice that arrives: a disclosure notice's minimum notice runs from
// when it reached the other party — the SMTP server accepted the message
// to them, or they opened the concern in mentorvault, whichever came
// first — not from when it was filed. Until then it has not started: its
// time is not fixed and no delivery job exists. A message that cannot be
// delivered before then does not start it either, and the discloser is
// told. An imminent danger is unchanged (at once).

// noticeTime is how notifications write a notice's times.
const noticeTime = "Mon 2 Jan 2006, 15:04 MST"

// startNotice starts notice d of rel, reached now via how (a the party who
// opened it, or the mailer): it takes effect at its requested time or the
// programme's minimum notice after now, whichever is later, through a
// delivery job; the discloser is told when; the start is audited (no
// content). A notice reached already — the other way, in a transaction that
// got there first — is left as it is.
func (s *Service) startNotice(ctx context.Context, tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, d *mentorvault.Disclosure, via string) error {
	if d.Started() || d.State != mentorvault.DisclosureScheduled {
		return nil
	}
	st, _, err := settingsFor(ctx, tx, rel)
	if err != nil {
		return err
	}
	now := tx.Now()
	at := d.StartsAt(now, st.MinNoticeHours)
	ok, err := tx.StartNotice(ctx, d.ID, now, via, at)
	if err != nil || !ok {
		return err
	}
	reached := now
	d.ReachedAt, d.ReachedVia, d.EffectiveAt, d.UpdatedAt = &reached, via, at, now
	if err := tx.CreateJob(ctx, &mentorvault.Job{ID: mentorvault.NewID(), Kind: mentorvault.JobDeliverDisclosure, RefID: d.ID, RunAt: at, CreatedAt: now}); err != nil {
		return err
	}
	other, err := tx.FindUserByID(ctx, rel.Partner(d.DiscloserID))
	if err != nil {
		return err
	}
	how := "opened it in mentorvault"
	if via == mentorvault.ReachedByEmail {
		how = "was reached by email"
	}
	text := fmt.Sprintf("Your disclosure notice has started: %s %s on %s. It takes effect on %s unless you withdraw it.",
		other.Name, how, now.Format(noticeTime), at.Format(noticeTime))
	if err := s.notify(ctx, tx, d.DiscloserID, "disclosure.started", rel.ID, d.ID, text, concernLink(rel.ID, d.ConcernID), "disclosure.started:"+d.ID); err != nil {
		return err
	}
	return s.record(ctx, tx, a, "disclosure.notice_started", target{orgID: rel.OrgID, relID: rel.ID, typ: "disclosure", id: d.ID},
		fmt.Sprintf("via=%s; reached_at=%s; effective_at=%s", via, now.Format(time.RFC3339), at.Format(time.RFC3339)))
}

// openedNotices starts every notice of ds that the viewer, the other party
// of rel, has now opened in the app.
func (s *Service) openedNotices(ctx context.Context, tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, ds []*mentorvault.Disclosure) error {
	for _, d := range ds {
		if d.Kind == mentorvault.DisclosureNotice && !d.Started() && d.State == mentorvault.DisclosureScheduled &&
			a.user != nil && a.user.ID != d.DiscloserID && rel.IsParty(a.user.ID) {
			if err := s.startNotice(ctx, tx, a, rel, d, mentorvault.ReachedInApp); err != nil {
				return err
			}
		}
	}
	return nil
}

// noticeOf is the disclosure a notice's message m is about, or "".
func noticeOf(m *mentorvault.OutboxMessage) string {
	if m.Kind != "disclosure.notice" {
		return ""
	}
	return strings.TrimPrefix(m.DedupeKey, "disclosure.notice:")
}

// loadNotice loads the notice id with its relationship (held locked, as
// every operation on it does) for the mailer; ok false when it is not a
// notice waiting to start.
func loadNotice(ctx context.Context, tx mentorvault.Tx, id string) (*mentorvault.Disclosure, *mentorvault.Relationship, bool, error) {
	d, err := tx.FindDisclosureByID(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil, nil, false, nil
	} else if err != nil {
		return nil, nil, false, err
	}
	rel, err := loadRel(ctx, tx, d.RelationshipID)
	if err != nil {
		return nil, nil, false, err
	}
	if d, err = tx.FindDisclosureByID(ctx, id); err != nil { // again, under the relationship's lock
		return nil, nil, false, err
	}
	return d, rel, d.Kind == mentorvault.DisclosureNotice && !d.Started() && d.State == mentorvault.DisclosureScheduled, nil
}

// mailer is the actor of what the sending of mail causes.
var mailer = actor{p: mentorvault.Principal{Via: "mailer"}}

// noticeAccepted starts the notice whose message m the SMTP server has
// just accepted, in the transaction that marks m sent.
func (s *Service) noticeAccepted(ctx context.Context, tx mentorvault.Tx, m *mentorvault.OutboxMessage) error {
	id := noticeOf(m)
	if id == "" {
		return nil
	}
	d, rel, ok, err := loadNotice(ctx, tx, id)
	if err != nil || !ok || m.UserID != rel.Partner(d.DiscloserID) {
		return err
	}
	return s.startNotice(ctx, tx, mailer, rel, d, mentorvault.ReachedByEmail)
}

// noticeUndelivered records that the message m of a notice could not be
// delivered (refused for good, its address failing, or given up after its
// retries) while the other party has not opened it: the notice does not
// start, and the discloser is told, in the app and by email, once.
func (s *Service) noticeUndelivered(ctx context.Context, tx mentorvault.Tx, m *mentorvault.OutboxMessage) error {
	id := noticeOf(m)
	if id == "" {
		return nil
	}
	d, rel, ok, err := loadNotice(ctx, tx, id)
	if err != nil || !ok || m.UserID != rel.Partner(d.DiscloserID) {
		return err
	}
	marked, err := tx.MarkNoticeUndelivered(ctx, d.ID, tx.Now())
	if err != nil || !marked {
		return err
	}
	other, err := tx.FindUserByID(ctx, m.UserID)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("Your disclosure notice could not be delivered to %s by email, so it has not started: "+
		"its minimum notice starts only when %s opens it in mentorvault. Nothing is disclosed before then.", other.Name, other.Name)
	if err := s.notify(ctx, tx, d.DiscloserID, "disclosure.undelivered", rel.ID, d.ID, text, concernLink(rel.ID, d.ConcernID), "disclosure.undelivered:"+d.ID); err != nil {
		return err
	}
	return s.record(ctx, tx, mailer, "disclosure.notice_undelivered", target{orgID: rel.OrgID, relID: rel.ID, typ: "disclosure", id: d.ID}, "")
}

// NoticeReach says, in plain words, whether and how a notice reached the
// other party: "by email at …", "opened in mentorvault at …", or that it has
// not reached them and has not started. "" for what is not a notice
// waiting on its notice (a plan, an imminent danger).
func NoticeReach(d *mentorvault.Disclosure, format func(time.Time) string) string {
	if d.Kind != mentorvault.DisclosureNotice || d.Imminent {
		return ""
	}
	if d.ReachedAt == nil {
		if d.State != mentorvault.DisclosureScheduled {
			return "never reached the other party"
		}
		s := "not reached yet — the notice has not started"
		if d.UndeliveredAt != nil {
			s += " (the email to them could not be delivered on " + format(*d.UndeliveredAt) + "; it starts when they open it in mentorvault)"
		}
		return s
	}
	switch d.ReachedVia {
	case mentorvault.ReachedByEmail:
		return "by email at " + format(*d.ReachedAt)
	case mentorvault.ReachedInApp:
		return "opened in mentorvault at " + format(*d.ReachedAt)
	}
	return "when it was filed, at " + format(*d.ReachedAt)
}
