package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/calendar"
	"github.com/mentorvault/mentorvault/internal/mail"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// Email: every notification is also queued as an email in the outbox, in
// the transaction of its event, and workers send the outbox. A message is
// made only of facts that are no content — its kind, who caused it, a date
// in the recipient's zone, a link — never the notification's text, which
// may name a concern's category.

// MailOptions turn email on.
type MailOptions struct {
	// BaseURL is what links in messages start with, e.g.
	// https://mentoring.example.org (no trailing slash).
	BaseURL string
	// From is the sender's address, the organiser of meeting invitations.
	From string
}

// MailSender sends one message and returns once the SMTP server accepted
// it (*mail.Sender). An error for which mail.Rejected is true is a
// permanent refusal of the address.
type MailSender interface {
	Send(ctx context.Context, m *mail.Message) error
}

// MailOn reports whether the service queues email.
func (s *Service) MailOn() bool { return s.opts.Mail != nil }

// MailKind is a kind of message a person can choose how to receive.
type MailKind struct {
	Kind      string
	Label     string
	Mandatory bool // always sent at once; cannot be turned off or delayed
}

// MailKinds are the kinds of message, in the order the settings page shows them.
var MailKinds = []MailKind{
	{mentorvault.NotifyRelationshipProposed, "A relationship is proposed to you", false},
	{mentorvault.NotifyRelationshipAccepted, "Your proposal is accepted", false},
	{mentorvault.NotifyRelationshipDeclined, "Your proposal is declined", false},
	{mentorvault.NotifyRelationshipWithdrawn, "A proposal to you is withdrawn", false},
	{mentorvault.NotifyRelationshipMatched, "A programme matches you with someone", false},
	{mentorvault.NotifyMatchAnswered, "Someone answers a match the programme proposed", false},
	{mentorvault.NotifyProposalExpired, "A proposal expires unanswered", false},
	{mentorvault.NotifyRelationshipPaused, "Your relationship is paused", false},
	{mentorvault.NotifyRelationshipResumed, "Your relationship resumes", false},
	{mentorvault.NotifyRelationshipClosed, "Your relationship is closed", false},
	{mentorvault.NotifyRelationshipEnded, "Your relationship is ended by the programme", false},
	{mentorvault.NotifyEraseWarning, "A closed relationship will be erased soon", false},
	{mentorvault.NotifyRelationshipErased, "A closed relationship is erased", false},
	{mentorvault.NotifyRelationshipHold, "A legal hold is placed on your relationship", true},
	{mentorvault.NotifyRelationshipHoldReleased, "A legal hold on your relationship is released", true},
	{mentorvault.NotifyProgrammeKChanged, "A programme's privacy threshold changes", false},
	{mentorvault.NotifyPartnerDeactivated, "Your partner's account is deactivated", false},
	{mentorvault.NotifyAgreementChanged, "The agreement draft changes", false},
	{mentorvault.NotifyAgreementSign, "An agreement waits for your signature", false},
	{mentorvault.NotifyAgreementSigned, "An agreement is signed by both", false},
	{mentorvault.NotifyMeetingChanged, "A meeting is scheduled, changed or cancelled", false},
	{mentorvault.NotifyMeetingUpcoming, "Meeting reminders", false},
	{mentorvault.NotifyCommitmentDue, "A commitment is due", false},
	{mentorvault.NotifyCommitmentPropose, "A commitment is recorded for you", false},
	{mentorvault.NotifyReviewDue, "A review is due", false},
	{mentorvault.NotifyFeedbackRequested, "Feedback is asked of you", false},
	{"input.requested", "A request for input", false},
	{"statement.submitted", "Your consent is needed for a statement", true},
	{"statement.draft", "A statement that involves you is drafted", false},
	{"statement.changes_asked", "Changes are asked for a statement you wrote", false},
	{"statement.refused", "Consent to a statement you wrote is refused", false},
	{"statement.released", "A statement is released", false},
	{"statement.withdrawn", "A statement is withdrawn", false},
	{"input.declined", "A request for input is declined", false},
	{"concern.raised", "Something is raised to work through together", false},
	{"concern.step", "A step on a concern you work through together", false},
	{"concern.closed", "A concern's outcome is recorded", false},
	{"disclosure.plan", "A joint disclosure plan is proposed", false},
	{"disclosure.withdrawn", "A disclosure is withdrawn before it takes effect", false},
	{"disclosure.notice", "A disclosure notice is filed", true},
	{"disclosure.undelivered", "Your disclosure notice could not be delivered", true},
	{"disclosure.started", "Your disclosure notice has reached the other party", false},
	{"disclosure.received", "You receive a disclosure", true},
	{"disclosure.delivered", "A disclosure takes effect", false},
	{"consultation.started", "Someone asks for your guidance as a supervisor", false},
	{"consultation.message", "A reply in a consultation", false},
	{"threeway.proposed", "A three-way meeting is proposed", false},
	{"threeway.agreed", "A three-way meeting's brief is agreed", false},
	{"threeway.invited", "You are invited to a three-way meeting", false},
	{"threeway.cancelled", "A three-way meeting is cancelled", false},
	{"threeway.note", "A note on a three-way meeting", false},
	{"invitation", "Invitations to mentorvault", true},
	{"password.reset", "Password reset links", true},
	{"email.confirm", "Confirming a new email address", true},
	{"email.change.notice", "A change of your email address is asked for", true},
	{NotifySecurity, "A recovery code of yours is used to sign in", true},
}

// mandatoryMail is whether kind is always sent at once.
func mandatoryMail(kind string) bool {
	for _, k := range MailKinds {
		if k.Kind == kind {
			return k.Mandatory
		}
	}
	return false
}

// mailLease is how long a worker holds a message it is sending; a worker
// that dies meanwhile leaves it to another after this.
const mailLease = 5 * time.Minute

// maxMailAttempts is how often a message is tried before it is given up.
const maxMailAttempts = 12

// queueMail queues n as an email to its recipient when mail is on and the
// recipient wants it (now, or in the daily digest). The message is keyed
// by the notification's DedupeKey, so a reminder noticed again sends
// nothing.
func (s *Service) queueMail(ctx context.Context, tx mentorvault.Tx, n *mentorvault.Notification) error {
	if s.opts.Mail == nil {
		return nil
	}
	u, err := tx.FindUserByID(ctx, n.UserID)
	if err != nil {
		return err
	}
	if u.DisabledAt != nil || u.Email == "" {
		return nil
	}
	set, err := tx.FindMailSettings(ctx, u.ID)
	if err != nil {
		return err
	}
	mode := set.Modes[n.Kind]
	if mandatoryMail(n.Kind) || mode == "" {
		mode = mentorvault.MailImmediate
	}
	if mode == mentorvault.MailOff {
		return nil
	}
	loc := zoneOf(set.TimeZone)
	d := &mail.Data{Kind: n.Kind, Recipient: u.Name, Link: s.mailLink(n.Link)}
	if n.ActorID != "" {
		if a, err := tx.FindUserByID(ctx, n.ActorID); err == nil {
			d.Actor = a.Name
		}
	}
	m := &mentorvault.OutboxMessage{ID: mentorvault.NewID(), UserID: u.ID, Address: u.Email, State: mentorvault.OutboxPending,
		Link: d.Link, DedupeKey: n.DedupeKey, RunAt: tx.Now(), CreatedAt: tx.Now()}
	if mode == mentorvault.MailDigest {
		m.State = mentorvault.OutboxDigest
	}
	switch n.Kind {
	case mentorvault.NotifyMeetingChanged, mentorvault.NotifyMeetingUpcoming:
		mt, err := tx.FindMeetingByID(ctx, n.RefID)
		if err != nil {
			return err
		}
		d.When = mt.StartsAt.In(loc).Format(mailTime)
		if n.Kind == mentorvault.NotifyMeetingChanged {
			cancelled := mt.Status == mentorvault.MeetingCancelledInTime || mt.Status == mentorvault.MeetingCancelledLate
			if cancelled {
				d.Kind = "meeting.cancelled"
			}
			m.Calendar, m.Method, err = s.invitation(mt, u, cancelled, tx.Now(), set.TimeZone)
			if err != nil {
				return err
			}
		}
	case "disclosure.notice":
		disc, err := tx.FindDisclosureByID(ctx, n.RefID)
		if err != nil {
			return err
		}
		if !disc.Imminent {
			d.When = disc.EffectiveAt.In(loc).Format(mailTime)
			rel, err := tx.FindRelationshipByID(ctx, disc.RelationshipID)
			if err != nil {
				return err
			}
			st, _, err := settingsFor(ctx, tx, rel)
			if err != nil {
				return err
			}
			d.Hours = st.MinNoticeHours
		}
	case "disclosure.delivered":
		d.When = tx.Now().In(loc).Format(mailTime)
	case mentorvault.NotifyProposalExpired:
		d.When = tx.Now().In(loc).Format("Mon 2 Jan 2006")
	case mentorvault.NotifyEraseWarning:
		rel, err := tx.FindRelationshipByID(ctx, n.RelationshipID)
		if err != nil {
			return err
		}
		if rel.EraseAt != nil {
			d.When = rel.EraseAt.In(loc).Format("Mon 2 Jan 2006")
		}
	case mentorvault.NotifyCommitmentDue:
		c, err := tx.FindCommitmentByID(ctx, n.RefID)
		if err != nil {
			return err
		}
		d.When = c.DueAt.In(loc).Format("Mon 2 Jan 2006")
	}
	m.Kind = d.Kind
	if m.Subject, m.Text, m.HTML, err = mail.Render(d); err != nil {
		return err
	}
	if m.Sentence, err = mail.Sentence(d); err != nil {
		return err
	}
	return tx.CreateOutboxMessage(ctx, m)
}

// queueInvitation emails u the invitation link at path, made by a, when
// mail is on. The link is a credential: the outbox holds it sealed under a
// data key of the message's own, erased with it once it is sent.
func (s *Service) queueInvitation(ctx context.Context, tx mentorvault.Tx, a actor, u *mentorvault.User, path string) error {
	if s.opts.Mail == nil || u.Email == "" {
		return nil
	}
	d := &mail.Data{Kind: "invitation", Recipient: u.Name, Link: mail.SecretLinkMark}
	if a.user != nil {
		d.Actor = a.user.Name
	}
	m := &mentorvault.OutboxMessage{ID: mentorvault.NewID(), UserID: u.ID, Address: u.Email, Kind: "invitation", State: mentorvault.OutboxPending,
		RunAt: tx.Now(), CreatedAt: tx.Now()}
	var err error
	if m.Subject, m.Text, m.HTML, err = mail.Render(d); err != nil {
		return err
	}
	if m.SecretKey, err = s.keys.NewDataKey(outboxKeyID(m.ID)); err != nil {
		return err
	}
	if m.Secret, err = s.keys.Seal(m.SecretKey, outboxAD(m), mentorvault.NewSecret(s.mailLink(path))); err != nil {
		return err
	}
	return tx.CreateOutboxMessage(ctx, m)
}

// outboxKeyID names a queued message's own data key.
func outboxKeyID(id string) string { return "outbox:" + id }

// outboxAD binds a queued message's sealed link to the message, its
// recipient and their address.
func outboxAD(m *mentorvault.OutboxMessage) seal.AD {
	return seal.AD{RelationshipID: outboxKeyID(m.ID), Record: "outbox", RecordID: m.ID, Field: "link", Version: 1,
		Bind: []seal.Binding{{Name: "user", Value: m.UserID}, {Name: "address", Value: m.Address}}}
}

// mailTime is how messages write a date and time (in the recipient's zone).
const mailTime = "Mon 2 Jan 2006 at 15:04 MST"

// timeFor shows t to userID as messages and pages do: in their time zone,
// in words ("Sat 5 Dec 2026 at 14:00 GMT"), never as a raw timestamp.
func (s *Service) timeFor(ctx context.Context, tx mentorvault.Tx, userID string, t time.Time) string {
	tz := ""
	if set, err := tx.FindMailSettings(ctx, userID); err == nil {
		tz = set.TimeZone
	}
	return t.In(zoneOf(tz)).Format(mailTime)
}

func zoneOf(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// mailLink makes a page path absolute.
func (s *Service) mailLink(path string) string {
	if path == "" {
		path = "/"
	}
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return strings.TrimSuffix(s.opts.Mail.BaseURL, "/") + path
}

// invitation is a meeting's iMIP calendar for u: the time, a neutral title
// and the link, never the agenda, and no location (plain by design, but
// nothing a mail server needs to see).
func (s *Service) invitation(m *mentorvault.Meeting, u *mentorvault.User, cancelled bool, now time.Time, tz string) (string, string, error) {
	e := calendar.Event{UID: calendar.UID(m.ID), Sequence: m.Sequence, Start: m.StartsAt, End: m.EndsAt(),
		URL: s.mailLink(meetingLink(m.RelationshipID, m.ID)), Cancelled: cancelled, Updated: now, TZID: tz,
		Organizer: s.opts.Mail.From, Attendees: []string{u.Email}}
	var b strings.Builder
	if err := calendar.WriteInvitation(&b, e); err != nil {
		return "", "", err
	}
	method := "REQUEST"
	if cancelled {
		method = "CANCEL"
	}
	return b.String(), method, nil
}

// SendMail sends every queued message that is due with sender, and
// reports how many the SMTP server accepted. Each message is leased in a
// transaction of its own before it is sent, so workers on several
// instances never send the same one; it is marked sent, with the time of
// acceptance, in the next. A temporary failure is retried with exponential
// backoff (1 min, 2, 4 … up to about an hour, 12 attempts); a permanent
// refusal (5xx) gives the message up and marks its address failing, and
// nothing more is sent there until the address changes.
func (s *Service) SendMail(ctx context.Context, sender MailSender) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		var (
			m       *mentorvault.OutboxMessage
			skipped bool
		)
		err := s.inTx(ctx, func(tx mentorvault.Tx) error {
			m, skipped = nil, false
			got, err := tx.ClaimOutboxMessage(ctx, tx.Now(), tx.Now().Add(mailLease))
			if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
				return nil
			} else if err != nil {
				return err
			}
			m = got
			if _, err := tx.FindMailFailure(ctx, got.Address); err == nil {
				skipped = true
				if err := tx.FailOutboxMessage(ctx, got.ID, "the address is failing"); err != nil {
					return err
				}
				return s.noticeUndelivered(ctx, tx, got)
			} else if mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
				return err
			}
			return nil
		})
		if err != nil || m == nil {
			return sent, err
		}
		if skipped {
			continue
		}
		msg := &mail.Message{ID: m.ID, To: m.Address, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Calendar: m.Calendar, Method: m.Method}
		serr := s.openLink(m, msg)
		if serr == nil {
			serr = sender.Send(ctx, msg)
		}
		err = s.inTx(ctx, func(tx mentorvault.Tx) error {
			switch {
			case serr == nil:
				if err := tx.MarkOutboxSent(ctx, m.ID, tx.Now()); err != nil {
					return err
				}
				return s.noticeAccepted(ctx, tx, m) // a notice starts once its message is accepted
			case mail.Rejected(serr):
				if err := tx.FailOutboxMessage(ctx, m.ID, serr.Error()); err != nil {
					return err
				}
				if err := tx.MarkAddressFailing(ctx, &mentorvault.MailFailure{Address: m.Address, Reason: serr.Error(), FailedAt: tx.Now()}); err != nil {
					return err
				}
				return s.noticeUndelivered(ctx, tx, m)
			case m.Attempts >= maxMailAttempts:
				if err := tx.FailOutboxMessage(ctx, m.ID, serr.Error()); err != nil {
					return err
				}
				return s.noticeUndelivered(ctx, tx, m)
			default:
				return tx.RetryOutboxMessage(ctx, m.ID, tx.Now().Add(time.Minute<<min(m.Attempts-1, 6)), serr.Error())
			}
		})
		if err != nil {
			return sent, err
		}
		if serr != nil {
			s.log.WarnContext(ctx, "sending mail failed", "message", m.ID, "attempt", m.Attempts, "rejected", mail.Rejected(serr), "err", serr.Error())
			continue
		}
		sent++
	}
	return sent, ctx.Err()
}

// openLink puts a message's sealed link in place of its mark.
func (s *Service) openLink(m *mentorvault.OutboxMessage, msg *mail.Message) error {
	if len(m.Secret) == 0 {
		return nil
	}
	link, err := s.keys.Open(m.SecretKey, outboxAD(m), m.Secret)
	if err != nil {
		return fmt.Errorf("open the message's link: %w", err)
	}
	msg.Text = strings.ReplaceAll(msg.Text, mail.SecretLinkMark, link.Reveal())
	msg.HTML = strings.ReplaceAll(msg.HTML, mail.SecretLinkMark, link.Reveal())
	return nil
}

// DigestHour is the local hour (in each person's time zone) at which the
// daily digest goes out.
const DigestHour = 8

// DigestEvery is how often the digest job looks for people whose
// DigestHour has come: every quarter of an hour, on the quarter hour,
// since every time zone's offset is a multiple of 15 minutes (India's
// +5:30, Nepal's +5:45, Chatham's +12:45).
const DigestEvery = 15 * time.Minute

// nextDigestRun is when the digest job runs after now: the next quarter hour.
func nextDigestRun(now time.Time) time.Time { return now.Truncate(DigestEvery).Add(DigestEvery) }

// DigestDue is the digest time of a person in zone loc that now has most
// recently reached: DigestHour today in loc, or yesterday's if today's is
// still to come. Across a change of clocks it is still DigestHour on the
// local clock (the day is 23 or 25 hours long). A digest made at now lists
// the messages queued before it; later ones wait for the next.
func DigestDue(now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	y, m, d := local.Date()
	due := time.Date(y, m, d, DigestHour, 0, 0, 0, loc)
	if due.After(now) {
		due = time.Date(y, m, d-1, DigestHour, 0, 0, 0, loc)
	}
	return due
}

// digestJobID is the one recurring digest job's ID.
const digestJobID = "job-mail-digest"

// ScheduleDigest makes sure the recurring digest job exists; every
// instance calls it at start-up, and all but the first find it scheduled.
// A job left a day ahead by an older version (which sent the digest every
// 24 hours from start-up) is brought forward to the next quarter hour.
func (s *Service) ScheduleDigest(ctx context.Context) error {
	if err := s.scheduleRecurring(ctx, digestJobID, mentorvault.JobMailDigest); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		jobs, err := tx.FindJobs(ctx, digestJobID)
		if err != nil {
			return err
		}
		for _, j := range jobs {
			if next := nextDigestRun(tx.Now()); j.ID == digestJobID && j.RunAt.After(next) {
				return tx.RescheduleJob(ctx, j.ID, next)
			}
		}
		return nil
	})
}

// runDigest queues, for each person whose digest time (DigestHour in
// their zone) has come since their messages waiting for a digest were
// queued, one message that lists those, and marks them digested. It runs
// every DigestEvery; a server that was down at someone's hour sends their
// digest at its next run.
func (s *Service) runDigest(ctx context.Context, tx mentorvault.Tx) error {
	if s.opts.Mail == nil {
		return nil
	}
	now := tx.Now()
	users, err := tx.FindDigestUsers(ctx, now.Add(time.Microsecond))
	if err != nil {
		return err
	}
	for _, id := range users {
		u, err := tx.FindUserByID(ctx, id)
		if err != nil {
			return err
		}
		set, err := tx.FindMailSettings(ctx, id)
		if err != nil {
			return err
		}
		loc := zoneOf(set.TimeZone)
		due := DigestDue(now, loc)
		items, err := tx.FindOutboxMessages(ctx, mentorvault.OutboxFilter{UserID: id, State: mentorvault.OutboxDigest, Before: due})
		if err != nil {
			return err
		}
		if len(items) == 0 {
			continue // what waits came after this morning's hour: tomorrow's digest
		}
		d := &mail.Data{Kind: "digest", Recipient: u.Name, Link: s.mailLink("/notifications"), Count: len(items)}
		ids := make([]string, len(items))
		for i, it := range items {
			ids[i] = it.ID
			d.Items = append(d.Items, mail.Item{Sentence: it.Sentence, Link: it.Link})
		}
		m := &mentorvault.OutboxMessage{ID: mentorvault.NewID(), UserID: id, Address: u.Email, Kind: "digest", State: mentorvault.OutboxPending,
			Link: d.Link, DedupeKey: fmt.Sprintf("digest:%s:%s", due.In(loc).Format(time.DateOnly), items[0].ID), RunAt: now, CreatedAt: now}
		if m.Subject, m.Text, m.HTML, err = mail.Render(d); err != nil {
			return err
		}
		if err := tx.CreateOutboxMessage(ctx, m); err != nil {
			return err
		}
		if err := tx.SetOutboxState(ctx, ids, mentorvault.OutboxDigested); err != nil {
			return err
		}
	}
	return nil
}

// MailSettingsView is a person's email settings as the settings page and
// the API show them.
type MailSettingsView struct {
	MailOn   bool   // false: the server sends no email at all
	Address  string // where messages go
	Failing  *mentorvault.MailFailure
	TimeZone string // "" is UTC
	Kinds    []MailKindSetting
}

// MailKindSetting is one kind of message and how the person receives it.
type MailKindSetting struct {
	MailKind
	Mode string // immediate, digest or off
}

// MailSettings returns the caller's email settings. Returns EUNAUTHENTICATED.
func (s *Service) MailSettings(ctx context.Context, p mentorvault.Principal) (*MailSettingsView, error) {
	var out *MailSettingsView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		set, err := tx.FindMailSettings(ctx, a.user.ID)
		if err != nil {
			return err
		}
		v := &MailSettingsView{MailOn: s.MailOn(), Address: a.user.Email, TimeZone: set.TimeZone}
		if f, err := tx.FindMailFailure(ctx, a.user.Email); err == nil {
			v.Failing = f
		} else if mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			return err
		}
		for _, k := range MailKinds {
			mode := set.Modes[k.Kind]
			if mode == "" || k.Mandatory {
				mode = mentorvault.MailImmediate
			}
			v.Kinds = append(v.Kinds, MailKindSetting{k, mode})
		}
		out = v
		return nil
	})
	return out, err
}

// MailSettingsUpdate changes a person's email settings: the time zone
// when not nil, and the mode of each kind in Modes.
type MailSettingsUpdate struct {
	TimeZone *string
	Modes    map[string]string
}

// UpdateMailSettings changes the caller's email settings in one go, after
// checking all of them: each kind's mode is immediate, digest (once a day)
// or off, and the time zone an IANA name such as Europe/London ("" is
// UTC). Returns EUNAUTHENTICATED, or EINVALID for an unknown zone, kind or
// mode, or for turning off or delaying a kind that is always sent at once
// (disclosure notices, consent requests, disclosures received, invitations).
func (s *Service) UpdateMailSettings(ctx context.Context, p mentorvault.Principal, upd MailSettingsUpdate) error {
	if p.Anonymous() {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	fields := map[string]string{}
	if tz := upd.TimeZone; tz != nil && *tz != "" {
		if _, err := time.LoadLocation(*tz); err != nil || *tz == "Local" || mentorvault.ValidateLine("time_zone", *tz, 64) != nil {
			fields["time_zone"] = "must be a time zone name such as Europe/London"
		}
	}
	kinds := make([]string, 0, len(upd.Modes))
	for kind, mode := range upd.Modes {
		kinds = append(kinds, kind)
		var k *MailKind
		for i := range MailKinds {
			if MailKinds[i].Kind == kind {
				k = &MailKinds[i]
			}
		}
		switch {
		case k == nil:
			fields["modes"] = "has a kind of message that does not exist"
		case mode != mentorvault.MailImmediate && mode != mentorvault.MailDigest && mode != mentorvault.MailOff:
			fields["modes."+kind] = "must be immediate, digest or off"
		case k.Mandatory && mode != mentorvault.MailImmediate:
			fields["modes."+kind] = k.Label + ": always sent at once, it cannot be turned off or delayed"
		}
	}
	if len(fields) > 0 {
		return mentorvault.Invalid("the email settings are not valid", fields)
	}
	slices.Sort(kinds)
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		var detail []string
		if upd.TimeZone != nil {
			if err := tx.SetMailTimeZone(ctx, a.user.ID, *upd.TimeZone); err != nil {
				return err
			}
			detail = append(detail, "time_zone="+*upd.TimeZone)
		}
		for _, kind := range kinds {
			if err := tx.SetMailMode(ctx, a.user.ID, kind, upd.Modes[kind]); err != nil {
				return err
			}
			detail = append(detail, kind+"="+upd.Modes[kind])
		}
		return s.record(ctx, tx, a, "account.email_settings", target{orgID: a.user.OrgID, typ: "account", id: a.user.ID}, strings.Join(detail, "; "))
	})
}
