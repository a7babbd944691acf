package service

import (
	"context"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// agendaAD binds a meeting's agenda to who scheduled it.
func agendaAD(m *mentorvault.Meeting) seal.AD {
	return seal.AD{RelationshipID: m.RelationshipID, Record: "meeting", RecordID: m.ID, Field: "agenda", Version: m.SealVersion,
		Bind: []seal.Binding{{Name: "created_by", Value: m.CreatedByID}}}
}

func agendaSealed(m *mentorvault.Meeting) sealedField {
	return sealedField{agendaAD(m), m.AgendaSealed}
}

// eachMeeting lists every meeting of a relationship for VerifySealed (by
// ID: FindMeetings selects by times, which a row edited behind the
// service's back need not keep consistent).
func eachMeeting(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	for after := ""; ; {
		ms, err := tx.FindRelationshipMeetings(ctx, rel.ID, after, 500)
		if err != nil {
			return err
		}
		for _, m := range ms {
			yield(sealedRecord{record: "meeting", id: m.ID, version: m.SealVersion, fields: []sealedField{agendaSealed(m)}})
		}
		if len(ms) < 500 {
			return nil
		}
		after = ms[len(ms)-1].ID
	}
}

// MeetingInput is a meeting to schedule or reschedule.
type MeetingInput struct {
	StartsAt time.Time
	Minutes  int
	Location string
	Agenda   string
}

// openMeeting opens m's agenda; a meeting whose agenda does not open is damaged.
func (s *Service) openMeeting(ctx context.Context, key []byte, m *mentorvault.Meeting) error {
	if len(m.AgendaSealed) == 0 {
		return nil
	}
	ag, err := s.keys.Open(key, agendaAD(m), m.AgendaSealed)
	if err != nil {
		return s.damaged(ctx, "meeting", m.ID, err)
	}
	m.Agenda = ag
	return nil
}

// sealAgenda seals agenda into m at its next seal version. An empty agenda
// is sealed too, so that clearing it is a sealed, audited write that an
// older agenda restored in its place cannot undo unnoticed.
func (s *Service) sealAgenda(key []byte, m *mentorvault.Meeting, agenda string) error {
	m.Agenda = mentorvault.NewSecret(agenda)
	m.SealVersion++
	var err error
	m.AgendaSealed, err = s.keys.Seal(key, agendaAD(m), m.Agenda)
	return err
}

// ScheduleMeeting plans a session; the other party is notified. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN (not active, not a party) or EINVALID.
func (s *Service) ScheduleMeeting(ctx context.Context, p mentorvault.Principal, relID string, in MeetingInput) (*mentorvault.Meeting, error) {
	if err := mentorvault.ValidateMeetingInput(in.StartsAt, in.Minutes, in.Location, in.Agenda); err != nil {
		return nil, err
	}
	var out *mentorvault.Meeting
	err := s.relOp(ctx, p, policy.ScheduleMeeting, relID, partyRefusal, func(o *op) (event, error) {
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		m := &mentorvault.Meeting{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, StartsAt: in.StartsAt.UTC().Truncate(time.Minute), Minutes: in.Minutes,
			Location: in.Location, Status: mentorvault.MeetingScheduled, CreatedByID: o.a.user.ID, CreatedAt: o.tx.Now(), UpdatedAt: o.tx.Now()}
		if err := s.sealAgenda(key, m, in.Agenda); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateMeeting(o.ctx, m); err != nil {
			return event{}, err
		}
		out = m
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, mentorvault.NotifyMeetingChanged, m.ID,
			fmt.Sprintf("%s scheduled a mentoring session for %s.", o.a.user.Name, m.StartsAt.Format("Mon 2 Jan 2006, 15:04 MST")),
			meetingLink(o.rel.ID, m.ID), "meeting.scheduled:"+m.ID); err != nil {
			return event{}, err
		}
		return event{"meeting.schedule", meetingTarget(o.rel, m.ID), withSeal("", agendaSealed(m))}, nil
	})
	return out, err
}

func meetingLink(relID, meetingID string) string {
	return "/relationships/" + relID + "/meetings/" + meetingID
}

// MeetingPage is a page of a relationship's meetings, agendas opened.
type MeetingPage struct {
	Meetings   []*mentorvault.Meeting
	NextBefore string // cursor for more past meetings, "" when there are none
}

// MeetingFilter selects a page of a relationship's meetings: the upcoming
// ones (soonest first) or the past ones (latest first), after the Before
// cursor (a meeting ID), skipping Offset, at most Limit (50 when 0, at
// most 200).
type MeetingFilter struct {
	Upcoming bool
	Before   string
	Limit    int
	Offset   int
}

// Meetings lists a relationship's upcoming or past meetings as f selects.
// Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID (a malformed
// cursor or a negative offset).
func (s *Service) Meetings(ctx context.Context, p mentorvault.Principal, relID string, f MeetingFilter) (*MeetingPage, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	var out *MeetingPage
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		var err error
		out, err = s.meetingsIn(ctx, tx, p, relID, f)
		return err
	})
	return out, err
}

func (f MeetingFilter) check() error {
	if f.Before != "" && !mentorvault.ValidID(f.Before) {
		return mentorvault.Invalid("the cursor is not valid", map[string]string{"before": "must be a meeting ID"})
	}
	if f.Offset < 0 {
		return mentorvault.Invalid("the query is not valid", map[string]string{"offset": "must not be negative"})
	}
	return nil
}

// meetingsIn is Meetings in the caller's transaction tx (f checked).
func (s *Service) meetingsIn(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, relID string, f MeetingFilter) (*MeetingPage, error) {
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var out *MeetingPage
	err := s.relOpIn(ctx, tx, p, policy.ListMeetings, relID, partyRefusal, func(o *op) (event, error) {
		ms, err := o.tx.FindMeetings(o.ctx, mentorvault.MeetingFilter{RelationshipID: o.rel.ID, Upcoming: f.Upcoming, Now: o.tx.Now(), Before: f.Before,
			Limit: limit + 1, Offset: f.Offset})
		if err != nil {
			return event{}, err
		}
		out = &MeetingPage{}
		if len(ms) > limit {
			ms = ms[:limit]
			out.NextBefore = ms[limit-1].ID
		}
		if len(ms) > 0 {
			key, err := o.key()
			if err != nil {
				return event{}, err
			}
			for _, m := range ms {
				if err := s.openMeeting(o.ctx, key, m); isDamaged(err) {
					m.Damaged = true // shown as damaged; the rest of the list is served
				} else if err != nil {
					return event{}, err
				}
			}
		}
		out.Meetings = ms
		which := "past"
		if f.Upcoming {
			which = "upcoming"
		}
		return event{"meeting.list", relTarget(o.rel), fmt.Sprintf("%s; count=%d", which, len(ms))}, nil
	})
	return out, err
}

// MeetingView is one meeting with its session notes and who saw the reminder.
type MeetingView struct {
	*mentorvault.Meeting
	Notes        []*mentorvault.Note
	Acks         []*mentorvault.ReminderAck
	NoticeHours  int // the cancellation notice of the agreement in force
	CancelIsLate bool
}

// Meeting returns one meeting, its agenda and the caller's readable session
// notes. Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Meeting(ctx context.Context, p mentorvault.Principal, relID, meetingID string) (*MeetingView, error) {
	var out *MeetingView
	err := s.relOp(ctx, p, policy.ListMeetings, relID, partyRefusal, func(o *op) (event, error) {
		m, err := loadMeeting(o.ctx, o.tx, o.rel, meetingID)
		if err != nil {
			return event{}, err
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		if err := s.openMeeting(o.ctx, key, m); err != nil {
			return event{}, err
		}
		out = &MeetingView{Meeting: m}
		notes, err := o.tx.FindNotes(o.ctx, mentorvault.NoteFilter{RelationshipID: o.rel.ID, MeetingID: m.ID, ReaderID: o.a.user.ID, Limit: 500})
		if err != nil {
			return event{}, err
		}
		for _, n := range notes {
			if err := s.authorize(o.ctx, o.tx, o.a, policy.ReadNote, noteResource(o.rel, n), noteTarget(o.rel, n.ID), always); err != nil {
				return event{}, err
			}
			if err := s.openNote(o.ctx, o.tx, key, n); isDamaged(err) {
				n.Damaged = true // shown as damaged; the rest of the list is served
			} else if err != nil {
				return event{}, err
			}
		}
		out.Notes = notes
		acks, err := o.tx.FindReminderAcks(o.ctx, o.rel.ID)
		if err != nil {
			return event{}, err
		}
		for _, ak := range acks {
			if ak.MeetingID == m.ID {
				out.Acks = append(out.Acks, ak)
			}
		}
		if v, err := s.inForce(o.ctx, o.tx, o.rel, key); err != nil {
			return event{}, err
		} else if v != nil {
			out.NoticeHours = v.Terms.Expectations.CancellationNoticeHours
		}
		out.CancelIsLate = m.StartsAt.Sub(o.tx.Now()) < time.Duration(out.NoticeHours)*time.Hour
		return event{"meeting.read", meetingTarget(o.rel, m.ID), ""}, nil
	})
	return out, err
}

func loadMeeting(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, id string) (*mentorvault.Meeting, error) {
	notFound := mentorvault.Errorf(mentorvault.ENOTFOUND, "meeting not found")
	if !mentorvault.ValidID(id) {
		return nil, notFound
	}
	m, err := tx.FindMeetingByID(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && m.RelationshipID != rel.ID) {
		return nil, notFound
	}
	return m, err
}

// changeMeeting loads a meeting for an update, applies change and stores it.
func (s *Service) changeMeeting(ctx context.Context, p mentorvault.Principal, relID, meetingID, action string,
	change func(tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, key []byte, m *mentorvault.Meeting) (string, error)) (*mentorvault.Meeting, error) {
	var out *mentorvault.Meeting
	err := s.relOp(ctx, p, policy.UpdateMeeting, relID, partyRefusal, func(o *op) (event, error) {
		m, err := loadMeeting(o.ctx, o.tx, o.rel, meetingID)
		if err != nil {
			return event{}, err
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		if err := s.openMeeting(o.ctx, key, m); err != nil {
			return event{}, err
		}
		sealedBefore := m.SealVersion
		note, err := change(o.tx, o.a, o.rel, key, m)
		if err != nil {
			return event{}, err
		}
		if err := o.tx.UpdateMeeting(o.ctx, m); err != nil {
			return event{}, err
		}
		out = m
		if note != "" {
			if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, mentorvault.NotifyMeetingChanged, m.ID, note, meetingLink(o.rel.ID, m.ID),
				fmt.Sprintf("meeting.%s:%s:%d", action, m.ID, m.Sequence)); err != nil {
				return event{}, err
			}
		}
		detail := "status=" + string(m.Status)
		if m.SealVersion != sealedBefore {
			detail = withSeal(detail, agendaSealed(m))
		}
		return event{"meeting." + action, meetingTarget(o.rel, m.ID), detail}, nil
	})
	return out, err
}

// RescheduleMeeting moves a scheduled meeting (and may change its agenda).
// Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) RescheduleMeeting(ctx context.Context, p mentorvault.Principal, relID, meetingID string, in MeetingInput) (*mentorvault.Meeting, error) {
	if err := mentorvault.ValidateMeetingInput(in.StartsAt, in.Minutes, in.Location, in.Agenda); err != nil {
		return nil, err
	}
	return s.changeMeeting(ctx, p, relID, meetingID, "reschedule", func(tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, key []byte, m *mentorvault.Meeting) (string, error) {
		if err := m.Reschedule(in.StartsAt.UTC().Truncate(time.Minute), in.Minutes, in.Location, tx.Now()); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s moved your mentoring session to %s.", a.user.Name, m.StartsAt.Format("Mon 2 Jan 2006, 15:04 MST")), s.sealAgenda(key, m, in.Agenda)
	})
}

// CancelMeeting cancels a scheduled meeting: late if with less notice than
// the agreement in force asks. Returns EUNAUTHENTICATED, ENOTFOUND,
// EFORBIDDEN or ECONFLICT.
func (s *Service) CancelMeeting(ctx context.Context, p mentorvault.Principal, relID, meetingID string) (*mentorvault.Meeting, error) {
	return s.changeMeeting(ctx, p, relID, meetingID, "cancel", func(tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, key []byte, m *mentorvault.Meeting) (string, error) {
		notice := 0
		if v, err := s.inForce(ctx, tx, rel, key); err != nil {
			return "", err
		} else if v != nil {
			notice = v.Terms.Expectations.CancellationNoticeHours
		}
		if err := m.Cancel(a.user.ID, notice, tx.Now()); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s cancelled the mentoring session of %s.", a.user.Name, m.StartsAt.Format("Mon 2 Jan 2006, 15:04 MST")), nil
	})
}

// RecordMeetingOutcome records that a meeting was held or missed. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) RecordMeetingOutcome(ctx context.Context, p mentorvault.Principal, relID, meetingID string, outcome mentorvault.MeetingStatus) (*mentorvault.Meeting, error) {
	if err := lines(p, "outcome", string(outcome)); err != nil {
		return nil, err
	}
	return s.changeMeeting(ctx, p, relID, meetingID, "outcome", func(tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, key []byte, m *mentorvault.Meeting) (string, error) {
		return "", m.RecordOutcome(outcome, tx.Now())
	})
}

// SessionStart is what opening a session shows first: the reminder of the
// agreement in force.
type SessionStart struct {
	Meeting  *mentorvault.Meeting
	Reminder mentorvault.Reminder
	Ack      *mentorvault.ReminderAck
}

// StartMeeting opens a session: it generates the confidentiality reminder
// from the agreement in force and records that it was shown to the caller.
// Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or ECONFLICT.
func (s *Service) StartMeeting(ctx context.Context, p mentorvault.Principal, relID, meetingID string) (*SessionStart, error) {
	return s.reminder(ctx, p, relID, meetingID, reminderShow)
}

// MeetingReminder returns the reminder of a session the caller started
// (StartMeeting), for the page that shows it, recording nothing but the
// read. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or ECONFLICT (not
// started).
func (s *Service) MeetingReminder(ctx context.Context, p mentorvault.Principal, relID, meetingID string) (*SessionStart, error) {
	return s.reminder(ctx, p, relID, meetingID, reminderRead)
}

// What reminder does with the caller's acknowledgement.
const (
	reminderShow = iota // record that it was shown
	reminderAck         // record that it was read and acknowledged
	reminderRead        // record nothing: it was shown already
)

// AcknowledgeReminder records that the caller read the reminder. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or ECONFLICT.
func (s *Service) AcknowledgeReminder(ctx context.Context, p mentorvault.Principal, relID, meetingID string) (*SessionStart, error) {
	return s.reminder(ctx, p, relID, meetingID, reminderAck)
}

func (s *Service) reminder(ctx context.Context, p mentorvault.Principal, relID, meetingID string, mode int) (*SessionStart, error) {
	var out *SessionStart
	err := s.relOp(ctx, p, policy.StartMeeting, relID, partyRefusal, func(o *op) (event, error) {
		m, err := loadMeeting(o.ctx, o.tx, o.rel, meetingID)
		if err != nil {
			return event{}, err
		}
		if !m.Startable() {
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "the meeting was %s", m.Status)
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		if err := s.openMeeting(o.ctx, key, m); err != nil {
			return event{}, err
		}
		v, err := s.inForce(o.ctx, o.tx, o.rel, key)
		if err != nil {
			return event{}, err
		}
		if v == nil {
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "there is no signed agreement to remind you of")
		}
		vs, err := views(o.ctx, o.tx, o.rel.OrgID, []*mentorvault.Relationship{o.rel})
		if err != nil {
			return event{}, err
		}
		now := o.tx.Now()
		ak := &mentorvault.ReminderAck{MeetingID: m.ID, UserID: o.a.user.ID, ShownAt: now}
		action := "meeting.start"
		switch mode {
		case reminderRead:
			acks, err := o.tx.FindReminderAcks(o.ctx, o.rel.ID)
			if err != nil {
				return event{}, err
			}
			ak = nil
			for _, a := range acks {
				if a.MeetingID == m.ID && a.UserID == o.a.user.ID {
					ak = a
				}
			}
			if ak == nil {
				return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "start the session first: its reminder is shown when you do")
			}
			action = "meeting.read"
		case reminderAck:
			ak.AcknowledgedAt = &now
			action = "meeting.reminder_ack"
			fallthrough
		default:
			if err := o.tx.UpsertReminderAck(o.ctx, ak); err != nil {
				return event{}, err
			}
		}
		out = &SessionStart{Meeting: m, Reminder: v.Terms.Reminder(header(vs[0], v.Number)), Ack: ak}
		return event{action, meetingTarget(o.rel, m.ID), fmt.Sprintf("agreement_version=%d", v.Number)}, nil
	})
	return out, err
}

// CreateSessionNote writes a note that belongs to a meeting. Returns what
// CreateNote returns, and ENOTFOUND for a meeting of another relationship.
func (s *Service) CreateSessionNote(ctx context.Context, p mentorvault.Principal, relID, meetingID, body string, vis mentorvault.Visibility) (*mentorvault.Note, error) {
	return s.createNote(ctx, p, relID, meetingID, body, vis)
}
