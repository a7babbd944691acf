package service

import (
	"context"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/calendar"
	"github.com/mentorvault/mentorvault/internal/policy"
)

const calendarTokenPrefix = "mvf_"

// CreateCalendarFeed issues a private calendar subscription for the caller
// and returns its secret token (shown once). Detailed feeds name the other
// party in titles; others say only "Mentoring session". Returns EUNAUTHENTICATED.
func (s *Service) CreateCalendarFeed(ctx context.Context, p mentorvault.Principal, detailed bool) (string, *mentorvault.CalendarFeed, error) {
	var (
		raw string
		out *mentorvault.CalendarFeed
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		raw = auth.NewSecretToken(calendarTokenPrefix)
		out = &mentorvault.CalendarFeed{ID: mentorvault.NewID(), UserID: a.user.ID, TokenHash: auth.TokenHash(raw), Detailed: detailed, CreatedAt: tx.Now()}
		if err := tx.CreateCalendarFeed(ctx, out); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "calendar.feed.create", target{orgID: a.user.OrgID, typ: "calendar_feed", id: out.ID}, "")
	})
	return raw, out, err
}

// CalendarFeeds lists the caller's calendar subscriptions. Returns EUNAUTHENTICATED.
func (s *Service) CalendarFeeds(ctx context.Context, p mentorvault.Principal) ([]*mentorvault.CalendarFeed, error) {
	var out []*mentorvault.CalendarFeed
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		out, err = tx.FindCalendarFeeds(ctx, a.user.ID)
		return err
	})
	return out, err
}

// RevokeCalendarFeed revokes one of the caller's subscriptions. Returns
// EUNAUTHENTICATED or ENOTFOUND.
func (s *Service) RevokeCalendarFeed(ctx context.Context, p mentorvault.Principal, id string) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		fs, err := tx.FindCalendarFeeds(ctx, a.user.ID)
		if err != nil {
			return err
		}
		for _, f := range fs {
			if f.ID == id {
				if err := tx.RevokeCalendarFeed(ctx, id, tx.Now()); err != nil {
					return err
				}
				return s.record(ctx, tx, a, "calendar.feed.revoke", target{orgID: a.user.OrgID, typ: "calendar_feed", id: id}, "")
			}
		}
		return mentorvault.Errorf(mentorvault.ENOTFOUND, "calendar feed not found")
	})
}

// calendarEvent is a meeting as a calendar entry: time, place, a neutral
// title, a link back — never the agenda or notes.
func calendarEvent(m *mentorvault.Meeting, title, baseURL string) calendar.Event {
	return calendar.Event{UID: m.ID + "@mentorvault", Sequence: m.Sequence, Start: m.StartsAt, End: m.EndsAt(), Summary: title,
		Location: m.Location, URL: strings.TrimRight(baseURL, "/") + meetingLink(m.RelationshipID, m.ID),
		Cancelled: m.Status == mentorvault.MeetingCancelledInTime || m.Status == mentorvault.MeetingCancelledLate, Updated: m.UpdatedAt}
}

// feedWindow is how far back a feed reaches; feedMeetings bounds how many
// meetings a feed lists.
const (
	feedWindow   = 90 * 24 * time.Hour
	feedMeetings = 5000
)

// CalendarFeedEvents returns the events of the feed with the secret token:
// the meetings of every relationship of its user from 90 days ago on,
// cancelled ones as cancelled. The use is audited. Returns EUNAUTHENTICATED
// for an unknown or revoked token.
func (s *Service) CalendarFeedEvents(ctx context.Context, token, baseURL string) ([]calendar.Event, error) {
	unauth := mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "this calendar link is not valid (it may have been revoked)")
	if !strings.HasPrefix(token, calendarTokenPrefix) || len(token) > 128 {
		return nil, unauth
	}
	var out []calendar.Event
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out = nil // inTx may run this again: start afresh
		f, err := tx.FindCalendarFeedByHash(ctx, auth.TokenHash(token))
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return unauth
		} else if err != nil {
			return err
		}
		u, err := tx.FindUserByID(ctx, f.UserID)
		if err != nil {
			return err
		}
		a := actor{p: mentorvault.Principal{UserID: u.ID, Via: "calendar"}, user: u}
		t := target{orgID: u.OrgID, typ: "calendar_feed", id: f.ID}
		if f.RevokedAt != nil || u.DisabledAt != nil {
			return s.record2(ctx, tx, a, "calendar.feed.read", mentorvault.OutcomeDenied, t, "revoked", unauth)
		}
		rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{PartyID: u.ID})
		if err != nil {
			return err
		}
		vs, err := views(ctx, tx, u.OrgID, rels)
		if err != nil {
			return err
		}
		byRel := make(map[string]*RelationshipView, len(vs))
		for _, v := range vs {
			byRel[v.ID] = v
		}
		// Every relationship's meetings in one query, not two per relationship.
		ms, err := tx.FindMeetingsOfParty(ctx, u.ID, tx.Now().Add(-feedWindow), feedMeetings)
		if err != nil {
			return err
		}
		for _, m := range ms {
			v := byRel[m.RelationshipID]
			if v == nil {
				continue
			}
			title := "Mentoring session"
			if f.Detailed {
				title = "Mentoring session with " + v.Other(u.ID).Name
			}
			out = append(out, calendarEvent(m, title, baseURL))
		}
		return s.record(ctx, tx, a, "calendar.feed.read", t, "")
	})
	return out, err
}

// MeetingCalendar returns one meeting as a calendar event for its pair.
// Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) MeetingCalendar(ctx context.Context, p mentorvault.Principal, relID, meetingID, baseURL string) (calendar.Event, error) {
	var out calendar.Event
	err := s.relOp(ctx, p, policy.ListMeetings, relID, partyRefusal, func(o *op) (event, error) {
		m, err := loadMeeting(o.ctx, o.tx, o.rel, meetingID)
		if err != nil {
			return event{}, err
		}
		out = calendarEvent(m, "Mentoring session", baseURL)
		return event{"meeting.ics", meetingTarget(o.rel, m.ID), ""}, nil
	})
	return out, err
}
