package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// The home page shows each person what they do, one section per role they
// have: a party's relationships and what is due, a coordinator's programme
// dashboards, a requester's input requests, a supervisor's consultations,
// an org admin's people and programmes. It is read in one transaction
// (Home); each section is decided on its own, and audited where it reads
// anything protected, as the call it stands for would be.

// HomePage is what the home page shows the caller. A section is nil (or
// empty) when the caller does not have its role; a section the caller has
// the role for but Cedar refused is nil too, its refusal audited.
type HomePage struct {
	Me string // the caller's user ID
	// Party is the caller's own relationships and what is due in them,
	// always read (it is empty for someone in no relationship).
	Party *PartySection
	// Dashboards are the programmes the caller coordinates, one each.
	Dashboards []*ProgrammeDashboard
	// Requests are the input requests the caller made; nil unless they
	// are a requester or made one (a line manager may).
	Requests *RequestsSection
	// Consultations are those the caller is consulted in, for a
	// supervisor; nil for anyone else.
	Consultations *ConsultationsSection
	// Admin is the organisation's people and programmes in counts, for an
	// org admin; nil for anyone else.
	Admin *AdminSection
}

// PartySection is a party's relationships and what is due in them.
type PartySection struct {
	Relationships []*RelationshipView
	// Upcoming are the next scheduled meetings of the caller's
	// relationships, soonest first (times, places and who with; never an
	// agenda).
	Upcoming []*HomeMeeting
	// Due are the caller's unread reminders that something is due: a
	// review, a commitment, an agreement to sign. The reminders job made
	// them; the page only reads them.
	Due []*mentorvault.Notification
	// Unsigned are the relationships (accepted or agreeing) whose
	// agreement is not yet signed by both: signatures are awaited (whose,
	// the agreement page says; the relationship row does not know).
	Unsigned []*RelationshipView
}

// HomeMeeting is an upcoming meeting as the home page lists it.
type HomeMeeting struct {
	ID, RelationshipID string
	StartsAt           time.Time
	Minutes            int
	Location           string
	With               Person // the other party
}

// Figure is a count about people, shown only when at least K people stand
// behind it and behind its complement (the rest of the people it is
// counted among): otherwise N is zero and Withheld set, so the figure
// cannot reach a page. FewerThanK says which side was too small: the
// figure itself ("fewer than K"), or its complement ("all but fewer than
// K"), which is the complement's own suppressed figure. Zero is a figure
// over fewer than k people too: "none of the 12 is overdue" says something
// about each of them, as "all 12 are" does. A figure shown is released in
// steps (releaser): AsOf is when the value shown was released.
type Figure struct {
	N          int
	Withheld   bool
	FewerThanK bool // withheld because N < K; otherwise because the rest is
	K          int
	AsOf       time.Time
}

// ProgrammeDashboard is what a programme's coordinator sees of it on
// their home page: counts, never a name.
//
// Which counts the k threshold applies to, and why: the pairs by status
// (active, paused, proposals pending, agreements awaiting signature) are
// counts of what the coordinator may already see one by one (a
// coordinator sees existence, status and dates of every relationship of
// their programme: relationship.view.coordinator), and the listed ones are
// in every member's directory, so counting them reveals no one and k does
// not apply. Whose review is overdue is about what people do in their
// relationship, which no coordinator sees one by one, so it is a Figure
// over the people of the programme's active relationships, withheld below
// k with its complement. So is the number of people waiting to be
// matched (who enrolled is personal).
type ProgrammeDashboard struct {
	Programme         *mentorvault.Programme
	K                 int // the programme's k threshold
	Active            int
	Paused            int
	ProposalsPending  int
	AwaitingSignature int
	ReviewsOverdue    Figure // people with a review overdue, of those in active relationships
	// WaitingToBeMatched is the number of people enrolled and in no open
	// relationship of the programme, out of those enrolled: who enrolled
	// is personal, so it is a Figure under the k rule.
	WaitingToBeMatched Figure
}

// RequestsSection is the newest of the input requests the caller made.
type RequestsSection struct {
	Requests []*MyRequest
	More     bool // there are older ones (the requests page lists them)
}

// ConsultationsSection lists the consultations a supervisor is consulted in.
type ConsultationsSection struct {
	Consultations []*HomeConsultation
}

// HomeConsultation is a consultation as the supervisor's home page lists
// it: never who consults, never a message.
type HomeConsultation struct {
	ID             string
	ProgrammeName  string
	ConsultantRole string
	Closed         bool
	CreatedAt      time.Time
}

// AdminSection is an org admin's organisation in counts.
type AdminSection struct {
	People mentorvault.PeopleCounts
	// Programmes counts the organisation's programmes: running ones,
	// those of them open for enrolment, and archived ones.
	Programmes, OpenEnrolment, Archived int
}

// Home sizes: how much of each list the home page shows.
const (
	homeMeetings = 5
	homeRequests = 10
	homeDue      = 10
	// homeNotifications is how many of the newest notifications are read
	// to find the unread reminders among them.
	homeNotifications = 50
)

// dueKinds are the notification kinds that tell a party something is due.
var dueKinds = []string{mentorvault.NotifyReviewDue, mentorvault.NotifyCommitmentDue, mentorvault.NotifyAgreementSign}

// Home reads the caller's home page in one transaction: each section of a
// role they have, each with its own decision and audit event. Returns
// EUNAUTHENTICATED; a section Cedar refuses is left out (its refusal
// audited), the page still shown.
func (s *Service) Home(ctx context.Context, p mentorvault.Principal) (*HomePage, error) {
	var out *HomePage
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out = nil // inTx may run this again: start afresh
		a, err := s.resolve(ctx, tx, p, policy.ViewRelationship)
		if err != nil {
			return err
		}
		progs, err := tx.FindProgrammes(ctx, a.user.OrgID)
		if err != nil {
			return err
		}
		// The reminders and the requests come from the caller's own
		// account, decided once as the notifications and requests pages
		// decide it.
		refused, err := section(s.authorize(ctx, tx, a, policy.ManageAccount, accountResource(a.user),
			target{orgID: a.user.OrgID, typ: "account", id: a.user.ID}, never))
		if err != nil {
			return err
		}
		own := !refused
		pg := &HomePage{Me: a.user.ID}
		if pg.Party, err = s.homeParty(ctx, tx, a, progs, own); err != nil {
			return err
		}
		if pg.Dashboards, err = s.homeDashboards(ctx, tx, a, progs); err != nil {
			return err
		}
		if own {
			if pg.Requests, err = s.homeRequests(ctx, tx, a); err != nil {
				return err
			}
		}
		if pg.Consultations, err = s.homeConsultations(ctx, tx, a, progs); err != nil {
			return err
		}
		if pg.Admin, err = s.homeAdmin(ctx, tx, a, progs); err != nil {
			return err
		}
		out = pg
		return nil
	})
	return out, err
}

// section turns a section's refusal (already audited, kept with the
// transaction) into "leave the section out"; any other error fails the page.
func section(err error) (refused bool, _ error) {
	if keepDenied(err) {
		return true, nil
	}
	return false, err
}

// homeParty is MyRelationships, with the next meetings (one query over
// every relationship: FindMeetingsForUser), each relationship's decided
// meeting.list and audited as the meetings list is, and the caller's
// unread due reminders (their own notifications: account.manage).
func (s *Service) homeParty(ctx context.Context, tx mentorvault.Tx, a actor, progs []*mentorvault.Programme, own bool) (*PartySection, error) {
	rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{PartyID: a.user.ID})
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		if err := s.authorizeRel(ctx, tx, a, policy.ViewRelationship, r); err != nil {
			return nil, err
		}
	}
	vs, err := viewsWith(ctx, tx, rels, progs)
	if err != nil {
		return nil, err
	}
	out := &PartySection{Relationships: vs}
	byID := make(map[string]*RelationshipView, len(vs))
	for _, v := range vs {
		byID[v.ID] = v
		if v.Status.AwaitsAgreement() {
			out.Unsigned = append(out.Unsigned, v)
		}
	}
	if len(rels) > 0 {
		ms, err := tx.FindMeetingsForUser(ctx, a.user.ID, tx.Now(), homeMeetings)
		if err != nil {
			return nil, err
		}
		listed := map[string]bool{}
		for _, m := range ms {
			v := byID[m.RelationshipID]
			if v == nil || !s.may(ctx, a, policy.ListMeetings, relResource(v.Relationship)) {
				continue // a relationship whose meetings they may no longer list (closed)
			}
			out.Upcoming = append(out.Upcoming, &HomeMeeting{ID: m.ID, RelationshipID: m.RelationshipID, StartsAt: m.StartsAt,
				Minutes: m.Minutes, Location: m.Location, With: v.Other(a.user.ID)})
			if !listed[v.ID] {
				listed[v.ID] = true
				// One event per relationship shown, on it: each pair sees
				// the read in their own access log.
				if err := s.record(ctx, tx, a, "meeting.list", relTarget(v.Relationship), "home"); err != nil {
					return nil, err
				}
			}
		}
	}
	if !own { // Cedar refused them their own account: no reminders
		return out, nil
	}
	ns, err := tx.FindNotifications(ctx, a.user.ID, 0, homeNotifications)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		if n.ReadAt == nil && slices.Contains(dueKinds, n.Kind) && len(out.Due) < homeDue {
			out.Due = append(out.Due, n)
		}
	}
	return out, nil
}

// homeDashboards is the dashboard of each programme the caller
// coordinates: programme.dashboard decided (a refusal audited and the
// dashboard left out), its figures counted and its releases read for all
// of them in one store call each, the k rule applied, and each dashboard's
// read audited on its programme.
func (s *Service) homeDashboards(ctx context.Context, tx mentorvault.Tx, a actor, progs []*mentorvault.Programme) ([]*ProgrammeDashboard, error) {
	var mine []*mentorvault.Programme
	for _, pr := range progs {
		if !slices.Contains(a.subj.Coordinates, pr.ID) {
			continue
		}
		err := s.authorize(ctx, tx, a, policy.ProgrammeDashboard, progResource(pr), progTarget(pr), never)
		if refused, err := section(err); err != nil {
			return nil, err
		} else if !refused {
			mine = append(mine, pr)
		}
	}
	if len(mine) == 0 {
		return nil, nil
	}
	out := make([]*ProgrammeDashboard, 0, len(mine))
	err := s.dashboards(ctx, tx, mine, func(d *ProgrammeDashboard) error {
		out = append(out, d)
		return s.record(ctx, tx, a, "programme.dashboard", progTarget(d.Programme), fmt.Sprintf("k=%d", d.K))
	})
	return out, err
}

// dashboards computes the home dashboards of progs (one organisation's):
// figures and releases read for all of them at once, the k in force for
// each, the releases made stored.
func (s *Service) dashboards(ctx context.Context, tx mentorvault.Tx, progs []*mentorvault.Programme, each func(*ProgrammeDashboard) error) error {
	ids := make([]string, len(progs))
	for i, pr := range progs {
		ids[i] = pr.ID
	}
	figs, err := tx.CountProgrammeFigures(ctx, ids)
	if err != nil {
		return err
	}
	releases, err := tx.FindDashboardReleases(ctx, ids)
	if err != nil {
		return err
	}
	org, err := tx.FindOrgByID(ctx, progs[0].OrgID)
	if err != nil {
		return err
	}
	for _, pr := range progs {
		st, err := tx.FindProgrammeSettings(ctx, pr.ID)
		if err != nil {
			return err
		}
		r := &releaser{prog: pr.ID, k: max(st.KThreshold, org.KFloor), now: tx.Now(), prev: releases[pr.ID]}
		d := dashboardOf(pr, figs[pr.ID], r)
		if err := r.store(ctx, tx); err != nil {
			return err
		}
		if err := each(d); err != nil {
			return err
		}
	}
	return nil
}

// homeRequests is the newest page of the caller's input requests
// (myRequestsIn: each decided and audited), for a requester or anyone who
// made one (a line manager may ask too); nil for anyone else.
func (s *Service) homeRequests(ctx context.Context, tx mentorvault.Tx, a actor) (*RequestsSection, error) {
	reqs, more, err := s.myRequestsIn(ctx, tx, a, mentorvault.Page{Limit: homeRequests + 1})
	if refused, err := section(err); err != nil || refused {
		return nil, err
	}
	if !a.subj.Requester && len(reqs) == 0 {
		return nil, nil
	}
	return &RequestsSection{Requests: reqs, More: more}, nil
}

// homeConsultations lists the consultations a supervisor is consulted in,
// each decided (consultation.read), the list audited once on the
// organisation: identities stay withheld, and no message is opened.
func (s *Service) homeConsultations(ctx context.Context, tx mentorvault.Tx, a actor, progs []*mentorvault.Programme) (*ConsultationsSection, error) {
	if len(a.subj.Supervises) == 0 {
		return nil, nil
	}
	cs, err := tx.FindConsultations(ctx, "", a.user.ID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(progs))
	for _, pr := range progs {
		names[pr.ID] = pr.Name
	}
	out := &ConsultationsSection{Consultations: []*HomeConsultation{}}
	for _, c := range cs {
		err := s.authorize(ctx, tx, a, policy.ReadConsultation, consultationResource(c, a.user.OrgID), consultationTarget(a.user.OrgID, c.ID), always)
		if refused, err := section(err); err != nil {
			return nil, err
		} else if refused {
			continue
		}
		out.Consultations = append(out.Consultations, &HomeConsultation{ID: c.ID, ProgrammeName: names[c.ProgrammeID],
			ConsultantRole: c.ConsultantRole, Closed: c.ClosedAt != nil, CreatedAt: c.CreatedAt})
	}
	return out, s.record(ctx, tx, a, "consultation.list", orgTarget(a.user.OrgID), fmt.Sprintf("home; shown=%d", len(out.Consultations)))
}

// homeAdmin counts an org admin's people (people.list, audited as a count)
// and programmes (programme.manage; programmes are no secret to members).
func (s *Service) homeAdmin(ctx context.Context, tx mentorvault.Tx, a actor, progs []*mentorvault.Programme) (*AdminSection, error) {
	if !a.subj.OrgAdmin {
		return nil, nil
	}
	org := a.user.OrgID
	err := s.authorize(ctx, tx, a, policy.ListPeople, policy.Org{ID: org}, orgTarget(org), never)
	if refused, err := section(err); err != nil || refused {
		return nil, err
	}
	err = s.authorize(ctx, tx, a, policy.ManageProgrammes, policy.Org{ID: org}, orgTarget(org), never)
	if refused, err := section(err); err != nil || refused {
		return nil, err
	}
	out := &AdminSection{}
	if out.People, err = tx.CountPeople(ctx, org); err != nil {
		return nil, err
	}
	for _, pr := range progs {
		switch {
		case pr.ArchivedAt != nil:
			out.Archived++
		default:
			out.Programmes++
			if pr.EnrolmentOpen {
				out.OpenEnrolment++
			}
		}
	}
	return out, s.record(ctx, tx, a, "people.count", orgTarget(org), fmt.Sprintf("active=%d; invited=%d; deactivated=%d",
		out.People.Active, out.People.Invited, out.People.Deactivated))
}

// ProgrammeOverview is one programme's dashboard, for its coordinators
// (the home page's, alone): counts by status, and the figures about
// people under the k rule. Returns EUNAUTHENTICATED, ENOTFOUND or
// EFORBIDDEN.
func (s *Service) ProgrammeOverview(ctx context.Context, p mentorvault.Principal, programmeID string) (*ProgrammeDashboard, error) {
	if err := lines(p, "id", programmeID); err != nil {
		return nil, err
	}
	var out *ProgrammeDashboard
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out = nil // inTx may run this again
		a, pr, err := s.programmeCall(ctx, tx, p, policy.ProgrammeDashboard, programmeID)
		if err != nil {
			return err
		}
		if err := s.dashboards(ctx, tx, []*mentorvault.Programme{pr}, func(d *ProgrammeDashboard) error { out = d; return nil }); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "programme.dashboard", progTarget(pr), fmt.Sprintf("k=%d", out.K))
	})
	return out, err
}
