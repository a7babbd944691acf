package service

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// A programme's dashboard (issue 16, DESIGN.md §6) tells its coordinators
// how the programme is doing without becoming a window into anyone's
// relationship. It reads statuses, dates and counts, never content, and
// applies the k rule (dashboard.go in the root package) to every figure
// about what people do:
//
//   - Relationships by state over time, and how many of them signed their
//     agreement and how soon, are counts of what a coordinator already sees
//     one by one (relationship.view.coordinator: status and dates), so k
//     does not apply to them.
//   - Every other figure stands on at least k distinct people, is released
//     in steps (it moves only when at least k people's parts changed since
//     its last release; meanwhile the last release shows, with its date),
//     and is withheld where it would say something about each of its
//     people: a count whose complement is below k, a rate of 0 or 100 %.
//   - Meetings held against the agreed cadence and late cancellations
//     count only the pairs whose agreement in force lets attendance be
//     shared with the programme (a clause "attendance → coordinator,
//     always"); the rate rule does not apply to them, as the pair agreed
//     their attendance may be known.
//   - Feedback figures stand on at least k distinct people answering and k
//     distinct mentors answered about, so that no mentor's own ratings show.

// DashboardWindow is how far back the activity figures look.
const DashboardWindow = 90 * 24 * time.Hour

// reviewGrace is how long after a review falls due it still counts as on time.
const reviewGrace = 14 * 24 * time.Hour

// Stat is one figure of the dashboard, formatted, or withheld with why.
type Stat struct {
	Key      string
	Label    string
	Value    string // as shown ("12 days", "83 %", "7 of 20 people"); "" when withheld
	Rate     int    // 0..100 for a rate shown, for its bar; -1 otherwise
	Withheld bool
	Why      string    // when withheld, in plain words
	AsOf     time.Time // when the value shown was released (zero for figures k does not apply to)
	Note     string    // what it counts
}

// StateMonth is how many of a programme's relationships were in each state
// at the end of a month (the current month: now).
type StateMonth struct {
	Month      time.Time // the first day of the month, UTC
	NotStarted int       // proposed, accepted or agreeing: the agreement not yet in force
	Running    int       // active or paused
	Ended      int       // ended (closed, declined, withdrawn) during the month
}

// DashboardReport is a programme's full dashboard.
type DashboardReport struct {
	Programme *mentorvault.Programme
	K         int       // the k in force: the programme's threshold, never below the floor
	KFloor    int       // the organisation's floor
	Since     time.Time // the activity figures' window starts here
	At        time.Time
	Current   *ProgrammeDashboard // counts by status and the two people figures, as on the home page
	States    []StateMonth
	Stats     []Stat
	Feedback  []Stat
}

// releaser applies the k rule and the release steps to one programme's
// figures, and collects the releases to store.
type releaser struct {
	prog string
	k    int
	now  time.Time
	prev map[string]*mentorvault.DashboardRelease
	save []*mentorvault.DashboardRelease
}

// show decides a figure: withheld (why) when the figure itself is not safe
// to show; otherwise the new value if a release is due, else the last one.
func (r *releaser) show(key, value string, cur mentorvault.Contributions, why string) (shown string, asOf time.Time, withheld bool, reason string) {
	if why != "" {
		return "", time.Time{}, true, why
	}
	prev := r.prev[key]
	if mentorvault.Release(prev, cur, r.k) {
		rel := &mentorvault.DashboardRelease{ProgrammeID: r.prog, Figure: key, Value: value, People: cur, ReleasedAt: r.now}
		r.save = append(r.save, rel)
		if r.prev == nil {
			r.prev = map[string]*mentorvault.DashboardRelease{}
		}
		r.prev[key] = rel
		return value, r.now, false, ""
	}
	if prev != nil {
		return prev.Value, prev.ReleasedAt, false, ""
	}
	return "", time.Time{}, true, r.fewer()
}

// store saves the releases r made.
func (r *releaser) store(ctx context.Context, tx mentorvault.Tx) error {
	for _, rel := range r.save {
		if err := tx.SaveDashboardRelease(ctx, rel); err != nil {
			return err
		}
	}
	return nil
}

func (r *releaser) fewer() string { return fmt.Sprintf("fewer than %d people", r.k) }

// count is a Figure of the people members marks, out of all of them: shown
// when at least k are marked and at least k are not.
func (r *releaser) count(key string, members map[string]bool) Figure {
	n := 0
	cur := make(mentorvault.Contributions, len(members))
	for id, in := range members {
		cur[id] = "0"
		if in {
			n++
			cur[id] = "1"
		}
	}
	why := ""
	switch {
	case n < r.k:
		why = "few"
	case len(members)-n < r.k:
		why = "rest"
	}
	shown, asOf, withheld, reason := r.show(key, strconv.Itoa(n), cur, why)
	if withheld {
		return Figure{Withheld: true, FewerThanK: reason != "rest", K: r.k}
	}
	v, _ := strconv.Atoi(shown)
	return Figure{N: v, K: r.k, AsOf: asOf}
}

// rate is a Stat of part out of whole events, cur the people behind them;
// extremes withholds 0 and 100 %, which say something about each of them.
func (r *releaser) rate(key, label, note string, part, whole int, cur mentorvault.Contributions, extremes bool) Stat {
	st := Stat{Key: key, Label: label, Note: note, Rate: -1}
	why := ""
	switch {
	case whole == 0:
		why = "nothing to count yet"
	case len(cur) < r.k:
		why = r.fewer()
	case extremes && (part == 0 || part == whole):
		why = "it would say the same of every one of them"
	}
	value := ""
	if whole > 0 {
		value = strconv.Itoa(int(math.Round(100 * float64(part) / float64(whole))))
	}
	shown, asOf, withheld, reason := r.show(key, value, cur, why)
	if withheld {
		st.Withheld, st.Why = true, reason
		return st
	}
	st.Rate, _ = strconv.Atoi(shown)
	st.Value, st.AsOf = shown+" %", asOf
	return st
}

// median is a Stat of the median of days over the people of cur.
func (r *releaser) median(key, label, note string, days map[string]int) Stat {
	st := Stat{Key: key, Label: label, Note: note, Rate: -1}
	cur := make(mentorvault.Contributions, len(days))
	vals := make([]int, 0, len(days))
	for id, d := range days {
		cur[id] = strconv.Itoa(d)
		vals = append(vals, d)
	}
	why := ""
	if len(vals) < r.k {
		why = r.fewer()
		if len(vals) == 0 {
			why = "nothing to count yet"
		}
	}
	value := ""
	if len(vals) > 0 {
		value = strconv.Itoa(medianOf(vals))
	}
	shown, asOf, withheld, reason := r.show(key, value, cur, why)
	if withheld {
		st.Withheld, st.Why = true, reason
		return st
	}
	st.Value, st.AsOf = daysText(shown), asOf
	return st
}

func daysText(n string) string {
	if n == "1" {
		return "1 day"
	}
	return n + " days"
}

// medianOf is the median of vals (the lower middle of an even count).
func medianOf(vals []int) int {
	slices.Sort(vals)
	return vals[(len(vals)-1)/2]
}

// kFor is the k in force for a programme: its threshold, never below its
// organisation's floor.
func kFor(ctx context.Context, tx mentorvault.Tx, prog *mentorvault.Programme) (k, floor int, err error) {
	st, err := tx.FindProgrammeSettings(ctx, prog.ID)
	if err != nil {
		return 0, 0, err
	}
	org, err := tx.FindOrgByID(ctx, prog.OrgID)
	if err != nil {
		return 0, 0, err
	}
	return max(st.KThreshold, org.KFloor), org.KFloor, nil
}

// ProgrammeDashboardReport returns a programme's full dashboard for its
// coordinators (programme.dashboard), audited on the programme. Viewing it
// stores the releases it made. Returns EUNAUTHENTICATED, ENOTFOUND or
// EFORBIDDEN.
func (s *Service) ProgrammeDashboardReport(ctx context.Context, p mentorvault.Principal, programmeID string) (*DashboardReport, error) {
	if err := lines(p, "id", programmeID); err != nil {
		return nil, err
	}
	var (
		out   *DashboardReport
		fresh *feedbackEntry // ratings opened by this call, cached once committed
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out, fresh = nil, nil // inTx may run this again
		a, pr, err := s.programmeCall(ctx, tx, p, policy.ProgrammeDashboard, programmeID)
		if err != nil {
			return err
		}
		if out, fresh, err = s.dashboardReport(ctx, tx, pr); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "programme.dashboard", progTarget(pr), fmt.Sprintf("k=%d; full", out.K))
	})
	// As FeedbackAggregates: only what a committed transaction read is cached.
	if err == nil && fresh != nil {
		s.feedback.put(out.Programme.ID, fresh.count, fresh.answers)
	}
	return out, err
}

func (s *Service) dashboardReport(ctx context.Context, tx mentorvault.Tx, pr *mentorvault.Programme) (*DashboardReport, *feedbackEntry, error) {
	now := tx.Now()
	figs, err := tx.CountProgrammeFigures(ctx, []string{pr.ID})
	if err != nil {
		return nil, nil, err
	}
	releases, err := tx.FindDashboardReleases(ctx, []string{pr.ID})
	if err != nil {
		return nil, nil, err
	}
	k, floor, err := kFor(ctx, tx, pr)
	if err != nil {
		return nil, nil, err
	}
	r := &releaser{prog: pr.ID, k: k, now: now, prev: releases[pr.ID]}
	out := &DashboardReport{Programme: pr, K: k, KFloor: floor, At: now, Since: now.Add(-DashboardWindow)}
	out.Current = dashboardOf(pr, figs[pr.ID], r)

	rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{ProgrammeID: pr.ID})
	if err != nil {
		return nil, nil, err
	}
	out.States = statesOverTime(rels, now)
	out.Stats = append(out.Stats, agreementStats(rels)...)

	es, err := tx.FindEnrolments(ctx, mentorvault.EnrolmentFilter{ProgrammeID: pr.ID})
	if err != nil {
		return nil, nil, err
	}
	out.Stats = append(out.Stats, r.median("days_to_match", "Time from enrolment to match",
		"Median days from a mentee's enrolment to the proposal of the relationship they went on to accept.", daysToMatch(es, rels)))

	facts, err := tx.FindDashboardFacts(ctx, pr.ID, out.Since)
	if err != nil {
		return nil, nil, err
	}
	consented, err := s.attendanceShared(ctx, tx, rels)
	if err != nil {
		return nil, nil, err
	}
	out.Stats = append(out.Stats, meetingStats(r, rels, consented, facts.Meetings, out.Since, now)...)
	out.Stats = append(out.Stats, commitmentStat(r, facts.Commitments, now))
	out.Stats = append(out.Stats, reviewStat(r, facts.Reviews, now))

	answers, fresh, err := s.cachedRatings(ctx, tx, pr.ID)
	if err != nil {
		return nil, nil, err
	}
	out.Feedback = feedbackStats(r, answers)
	return out, fresh, r.store(ctx, tx)
}

// dashboardOf is the home page's dashboard of a programme: counts by
// status, and the two figures about people through r.
func dashboardOf(pr *mentorvault.Programme, f mentorvault.ProgrammeFigures, r *releaser) *ProgrammeDashboard {
	return &ProgrammeDashboard{Programme: pr, K: r.k, Active: f.Active, Paused: f.Paused,
		ProposalsPending: f.Proposed, AwaitingSignature: f.AwaitingSignature,
		ReviewsOverdue:     r.count("reviews_overdue", f.Parties),
		WaitingToBeMatched: r.count("waiting_to_be_matched", f.Enrolled)}
}

// statesOverTime counts rels by state at the end of each of the last 12
// months (the current one: now).
func statesOverTime(rels []*mentorvault.Relationship, now time.Time) []StateMonth {
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	out := make([]StateMonth, 12)
	for i := range out {
		start := first.AddDate(0, i-11, 0)
		end := start.AddDate(0, 1, 0)
		if end.After(now) {
			end = now
		}
		m := StateMonth{Month: start}
		for _, rel := range rels {
			switch {
			case rel.CreatedAt.After(end):
			case rel.EndedAt != nil && !rel.EndedAt.After(end):
				if !rel.EndedAt.Before(start) {
					m.Ended++
				}
			case rel.StartedAt != nil && !rel.StartedAt.After(end):
				m.Running++
			default:
				m.NotStarted++
			}
		}
		out[i] = m
	}
	return out
}

// agreementStats is the share of accepted relationships whose agreement
// came into force and the median days it took: what a coordinator sees of
// each relationship (its status and dates), so k does not apply.
func agreementStats(rels []*mentorvault.Relationship) []Stat {
	accepted, signed := 0, 0
	var days []int
	for _, rel := range rels {
		switch {
		case rel.StartedAt != nil:
			accepted++
			signed++
			days = append(days, int(rel.StartedAt.Sub(rel.CreatedAt).Hours()/24))
		case rel.Status == mentorvault.StatusAccepted || rel.Status == mentorvault.StatusAgreeing:
			accepted++
		}
	}
	share := Stat{Key: "agreements_signed", Label: "Agreements signed", Rate: -1,
		Note: "Of the relationships accepted, how many have an agreement both signed. Every relationship's status is visible to its coordinators, so this is not held back."}
	med := Stat{Key: "days_to_sign", Label: "Time to sign the agreement", Rate: -1,
		Note: "Median days from the proposal to both signatures."}
	if accepted == 0 {
		share.Withheld, share.Why = true, "nothing to count yet"
	} else {
		share.Rate = int(math.Round(100 * float64(signed) / float64(accepted)))
		share.Value = fmt.Sprintf("%d %% (%d of %d)", share.Rate, signed, accepted)
	}
	if len(days) == 0 {
		med.Withheld, med.Why = true, "nothing to count yet"
	} else {
		med.Value = daysText(strconv.Itoa(medianOf(days)))
	}
	return []Stat{share, med}
}

// daysToMatch is, for each mentee matched, the days from their enrolment
// to the proposal of their first relationship in the programme that was
// accepted.
func daysToMatch(es []*mentorvault.Enrolment, rels []*mentorvault.Relationship) map[string]int {
	first := map[string]time.Time{}
	for _, rel := range rels {
		accepted := rel.StartedAt != nil || rel.Status == mentorvault.StatusAccepted || rel.Status == mentorvault.StatusAgreeing
		if !accepted {
			continue
		}
		if t, ok := first[rel.MenteeID]; !ok || rel.CreatedAt.Before(t) {
			first[rel.MenteeID] = rel.CreatedAt
		}
	}
	out := map[string]int{}
	for _, e := range es {
		if e.Role != mentorvault.EnrolMentee {
			continue
		}
		if t, ok := first[e.UserID]; ok {
			out[e.UserID] = max(0, int(t.Sub(e.EnrolledAt).Hours()/24))
		}
	}
	return out
}

// attendanceShared returns the relationships now active or paused whose
// agreement in force lets meeting attendance go to the programme always,
// each with its agreed meeting frequency. It opens each agreement (the
// pair's key): the decision is the pair's own consent, and only that yes
// and the frequency leave this function.
func (s *Service) attendanceShared(ctx context.Context, tx mentorvault.Tx, rels []*mentorvault.Relationship) (map[string]string, error) {
	out := map[string]string{}
	for _, rel := range rels {
		if rel.Status != mentorvault.StatusActive && rel.Status != mentorvault.StatusPaused {
			continue
		}
		key, err := s.dataKey(ctx, tx, rel.ID)
		if errors.Is(err, errErased) {
			continue // no key: nothing of it can be opened, attendance included
		} else if err != nil {
			return nil, err
		}
		v, err := s.inForce(ctx, tx, rel, key)
		if isDamaged(err) {
			continue // logged as damaged; not counted
		} else if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		// Either party may tell the programme their attendance without
		// asking each time (no permission given, no exception): then it
		// may be known.
		shared := false
		for _, by := range []mentorvault.Party{mentorvault.PartyMentor, mentorvault.PartyMentee} {
			q := mentorvault.DisclosureQuery{Discloser: by, What: mentorvault.WhatAttendance, Recipient: mentorvault.ToCoordinator, At: tx.Now(), EndedAt: rel.EndedAt}
			shared = shared || v.Terms.MayDisclose(q).Allowed
		}
		if shared {
			out[rel.ID] = v.Terms.Expectations.MeetingFrequency
		}
	}
	return out, nil
}

// cadenceDays is how many days an agreed meeting frequency gives between
// meetings; 0 for "as needed", which sets no cadence.
func cadenceDays(freq string) float64 {
	switch freq {
	case "weekly":
		return 7
	case "fortnightly":
		return 14
	case "monthly":
		return 30
	}
	return 0
}

// meetingStats are meetings held against the agreed cadence, and late
// cancellations, over the pairs who share their attendance.
func meetingStats(r *releaser, rels []*mentorvault.Relationship, consented map[string]string, ms []mentorvault.MeetingFact, since, now time.Time) []Stat {
	byRel := map[string][]mentorvault.MeetingFact{}
	for _, m := range ms {
		// A meeting still to come counts once it is settled (cancelled).
		if _, ok := consented[m.RelationshipID]; ok && (!m.StartsAt.After(now) || m.Status != mentorvault.MeetingScheduled) {
			byRel[m.RelationshipID] = append(byRel[m.RelationshipID], m)
		}
	}
	held, expected, late, all := 0, 0, 0, 0
	heldBy, lateBy := mentorvault.Contributions{}, mentorvault.Contributions{}
	for _, rel := range rels {
		freq, ok := consented[rel.ID]
		if !ok {
			continue
		}
		h, l, n := 0, 0, 0
		for _, m := range byRel[rel.ID] {
			n++
			switch m.Status {
			case mentorvault.MeetingHeld:
				h++
			case mentorvault.MeetingCancelledLate:
				l++
			}
		}
		from := since
		if rel.StartedAt != nil && rel.StartedAt.After(from) {
			from = *rel.StartedAt
		}
		if c := cadenceDays(freq); c > 0 {
			e := int(now.Sub(from).Hours() / 24 / c)
			expected += e
			held += min(h, e)
			for _, id := range []string{rel.MentorID, rel.MenteeID} {
				heldBy[id] += fmt.Sprintf("%s:%d/%d;", rel.ID, min(h, e), e)
			}
		}
		late, all = late+l, all+n
		for _, id := range []string{rel.MentorID, rel.MenteeID} {
			lateBy[id] += fmt.Sprintf("%s:%d/%d;", rel.ID, l, n)
		}
	}
	return []Stat{
		r.rate("meetings_held", "Meetings held as agreed", "Meetings held in the last 90 days against each agreement's meeting frequency, over the pairs whose agreement lets their attendance be shared with the programme.", held, expected, heldBy, false),
		r.rate("late_cancellations", "Late cancellations", "Meetings cancelled with less notice than agreed, of the meetings since 90 days ago that took place or were cancelled, over the pairs who share their attendance.", late, all, lateBy, false),
	}
}

// commitmentStat is the share of commitments due in the window and
// settled that were kept.
func commitmentStat(r *releaser, cs []mentorvault.CommitmentFact, now time.Time) Stat {
	kept, settled := 0, 0
	counts := map[string][2]int{}
	for _, c := range cs {
		if c.DueAt.After(now) {
			continue
		}
		switch c.Status {
		case mentorvault.CommitmentKept, mentorvault.CommitmentMissed, mentorvault.CommitmentDropped:
		default:
			continue
		}
		n := counts[c.OwnerID]
		n[1]++
		settled++
		if c.Status == mentorvault.CommitmentKept {
			n[0]++
			kept++
		}
		counts[c.OwnerID] = n
	}
	cur := mentorvault.Contributions{}
	for id, n := range counts {
		cur[id] = fmt.Sprintf("%d/%d", n[0], n[1])
	}
	return r.rate("commitments_kept", "Commitments kept", "Of the commitments due in the last 90 days and settled, the share kept.", kept, settled, cur, true)
}

// reviewStat is how many of the people a review fell due for in the window
// (at least two weeks ago) recorded every one of them within two weeks.
func reviewStat(r *releaser, rs []mentorvault.ReviewFact, now time.Time) Stat {
	onTime := map[string]bool{}
	for _, f := range rs {
		if f.DueAt.Add(reviewGrace).After(now) {
			continue // still within its two weeks
		}
		ok := f.ReviewedAt != nil && !f.ReviewedAt.After(f.DueAt.Add(reviewGrace))
		if prev, seen := onTime[f.UserID]; !seen || prev {
			onTime[f.UserID] = ok
		}
	}
	f := r.count("reviews_on_time", onTime)
	st := Stat{Key: "reviews_on_time", Label: "Reviews on time", Rate: -1,
		Note: "People who recorded every review of expectations that fell due in the last 90 days within two weeks of it."}
	switch {
	case len(onTime) == 0:
		st.Withheld, st.Why = true, "nothing to count yet"
	case f.Withheld && f.FewerThanK:
		st.Withheld, st.Why = true, r.fewer()
	case f.Withheld:
		st.Withheld, st.Why = true, fmt.Sprintf("fewer than %d people did not", r.k)
	default:
		st.Value, st.AsOf = fmt.Sprintf("%d of %d people", f.N, len(onTime)), f.AsOf
		st.Rate = int(math.Round(100 * float64(f.N) / float64(len(onTime))))
	}
	return st
}

// feedbackStats are the feedback questions' means as the programme page
// shows them (releaseFeedback).
func feedbackStats(r *releaser, answers []mentorvault.FeedbackAnswer) []Stat {
	var out []Stat
	for _, a := range releaseFeedback(r, answers) {
		st := Stat{Key: "feedback." + a.Key, Label: a.Text, Rate: -1, Withheld: a.Withheld, Why: a.Why, AsOf: a.AsOf}
		if !a.Withheld {
			st.Value = fmt.Sprintf("%.1f out of 5, from %d people", a.Mean, a.People)
		}
		out = append(out, st)
	}
	return out
}
