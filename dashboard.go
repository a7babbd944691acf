package mentorvault

import (
	"context"
	"time"
)

// The k rule (DESIGN.md §6). Every figure a coordinator sees about what
// people do is over at least k distinct people; a figure that would say
// something about each of them (its complement below k, a rate of 0 or
// 100 %) is withheld; and a figure is released in steps: it moves only when
// at least k people's contributions changed since it was last released,
// so that two views never differ by one person's answer. k is the
// programme's threshold, never below its organisation's floor.

// DefaultKFloor is a new organisation's floor under every programme's k.
const DefaultKFloor = 5

// ValidKFloor reports whether k may be an organisation's floor: the same
// range a programme's threshold takes.
func ValidKFloor(k int) bool { return k >= 2 && k <= 100 }

// Contributions are the people behind a figure, each with a fingerprint of
// their part in it (a count or a yes/no, never content): a person whose
// fingerprint differs between two computations changed the figure.
type Contributions map[string]string

// Changed counts the people who joined, left, or whose part differs
// between c and prev.
func (c Contributions) Changed(prev Contributions) int {
	n := 0
	for id, f := range c {
		if g, ok := prev[id]; !ok || g != f {
			n++
		}
	}
	for id := range prev {
		if _, ok := c[id]; !ok {
			n++
		}
	}
	return n
}

// DashboardRelease is the last released value of one of a programme's
// figures and the contributions it was computed from.
type DashboardRelease struct {
	ProgrammeID string
	Figure      string // a stable key, e.g. "reviews_overdue" or "feedback.listening"
	Value       string // the released value, as the service formats it
	People      Contributions
	ReleasedAt  time.Time
}

// Release decides what a figure computed now from cur shows, given its last
// release prev (nil when none): the new value when at least k people stand
// behind it and, after a release, at least k of them changed since;
// otherwise the last release. ok says the new value is to be stored.
func Release(prev *DashboardRelease, cur Contributions, k int) (ok bool) {
	if len(cur) < k {
		return false
	}
	return prev == nil || cur.Changed(prev.People) >= k
}

// MeetingFact is what the dashboard reads of a meeting: no agenda, no notes.
type MeetingFact struct {
	RelationshipID string
	Status         MeetingStatus
	StartsAt       time.Time
}

// CommitmentFact is what the dashboard reads of a commitment: its owner,
// status and due date, never its description.
type CommitmentFact struct {
	RelationshipID string
	OwnerID        string
	Status         CommitmentStatus
	DueAt          time.Time
}

// ReviewFact is a review of expectations falling due for a party (the
// reminders job's review.due) and when they recorded one after it.
type ReviewFact struct {
	RelationshipID string
	UserID         string
	DueAt          time.Time
	ReviewedAt     *time.Time // the first review of theirs at or after DueAt
}

// DashboardFacts are the records a programme's dashboard is computed from,
// since a moment (meetings started, commitments due and reviews due at or
// after it). None of them carries content.
type DashboardFacts struct {
	Meetings    []MeetingFact
	Commitments []CommitmentFact
	Reviews     []ReviewFact
}

// DashboardStore reads what a coordinator's dashboard counts and keeps its
// releases.
type DashboardStore interface {
	// FindDashboardFacts reads a programme's meetings, commitments and
	// reviews due since since, in three queries.
	FindDashboardFacts(ctx context.Context, programmeID string, since time.Time) (*DashboardFacts, error)
	// FindDashboardReleases returns the programmes' last releases, keyed by
	// programme and then figure, in one query.
	FindDashboardReleases(ctx context.Context, programmeIDs []string) (map[string]map[string]*DashboardRelease, error)
	// SaveDashboardRelease stores r in place of its figure's last release.
	SaveDashboardRelease(ctx context.Context, r *DashboardRelease) error
	// SetOrgKFloor stores an organisation's k floor. Returns ENOTFOUND.
	SetOrgKFloor(ctx context.Context, orgID string, k int) error
}
