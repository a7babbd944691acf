package mentorvault

import "context"

// PeopleCounts is how many people an organisation has in each account
// state, for its admins' home page. It names no one.
type PeopleCounts struct {
	Active      int // not deactivated, and joined (a password is set)
	Invited     int // not deactivated, and not joined yet (no password: invited)
	Deactivated int // deactivated by an org admin
}

// ProgrammeFigures are the counts behind a programme's dashboard: its
// relationships by status and the people of its active ones. They name no
// one; which of them may be shown, and how, is the service's k rule.
type ProgrammeFigures struct {
	Active            int // relationships active
	Paused            int // relationships paused
	Proposed          int // proposed, waiting for the other person's answer
	AwaitingSignature int // accepted or agreeing: the agreement is not yet signed by both
	// Parties are the distinct people who are a party of an active
	// relationship of the programme, each mapped to whether a review of
	// their expectations is overdue: the reminders job's review.due
	// notification with no review of theirs at or after it (so nothing is
	// computed on page view).
	Parties map[string]bool
	// Enrolled are the people enrolled (not withdrawn) in the programme,
	// each mapped to whether they are in no open relationship of it
	// (proposed, accepted, agreeing, active or paused): waiting to be
	// matched.
	Enrolled map[string]bool
}

// HomeStore reads the counts of the home page's dashboards, each in one
// query or two, never one per record.
type HomeStore interface {
	// CountPeople counts an organisation's people by account state.
	CountPeople(ctx context.Context, orgID string) (PeopleCounts, error)
	// CountProgrammeFigures returns the figures of each of the programmes
	// ids (zero figures for one without relationships), keyed by ID.
	CountProgrammeFigures(ctx context.Context, programmeIDs []string) (map[string]ProgrammeFigures, error)
}
