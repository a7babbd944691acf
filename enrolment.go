package mentorvault

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Enrolment is a person's enrolment in a programme as a mentor, a mentee or
// a peer, with the profile a matcher reads. The profile is personal data:
// the person and the programme's coordinators read it (and, once matching
// exists, the people proposed as their match); nobody else, not the
// organisation's admins. It is stored unsealed: sealing keys exist per
// relationship, and an enrolment belongs to none (docs/security.md).
//
// Withdrawing keeps the row — who, which role, when they enrolled and
// withdrew — and empties the profile.
type Enrolment struct {
	ID          string
	ProgrammeID string
	UserID      string
	Role        EnrolmentRole
	// Topics are chosen from the programme's topic list: offered by a
	// mentor, sought by a mentee or a peer.
	Topics      []string
	TopicsOther string   // free text, one line
	Goals       string   // free text
	Languages   []string // the languages they can mentor or be mentored in
	TimeZone    string   // an IANA name, such as Europe/London
	// Availability is free text on one line ("Tuesday mornings, or a
	// lunchtime every other week").
	Availability string
	// Capacity is how many mentees a mentor takes (1..MaxMentorCapacity);
	// 0 for mentees and peers.
	Capacity int
	// ExcludeReportingLine keeps a matcher from pairing them with anyone in
	// their reporting line: their managers up the chain and their reports
	// down it. It is on unless they turn it off.
	ExcludeReportingLine bool
	// Exclusions are people (user IDs) they must not be matched with.
	Exclusions  []string
	EnrolledAt  time.Time
	UpdatedAt   time.Time
	WithdrawnAt *time.Time
}

// EnrolmentRole is the part a person enrols for.
type EnrolmentRole string

// Enrolment roles: mentors and mentees in a mentoring programme, peers in
// a peer programme.
const (
	EnrolMentor EnrolmentRole = "mentor"
	EnrolMentee EnrolmentRole = "mentee"
	EnrolPeer   EnrolmentRole = "peer"
)

// Enrolment states, as a list shows them.
const (
	EnrolmentEnrolled  = "enrolled" // waiting to be matched
	EnrolmentWithdrawn = "withdrawn"
)

// Enrolment field limits.
const (
	MaxEnrolmentTopics     = 20
	MaxEnrolmentLanguages  = 10
	MaxEnrolmentExclusions = 50
	MaxEnrolmentLine       = 500  // topics_other, availability
	MaxEnrolmentGoals      = 2000 // bytes
	MaxTopic               = 80   // bytes, a topic or a language
	MaxProgrammeTopics     = 50
	DefaultEnrolmentPage   = 50
	MaxEnrolmentPage       = 200
)

// State is EnrolmentEnrolled or EnrolmentWithdrawn.
func (e *Enrolment) State() string {
	if e.WithdrawnAt != nil {
		return EnrolmentWithdrawn
	}
	return EnrolmentEnrolled
}

// RolesFor lists the roles a programme of kind k takes.
func RolesFor(k ProgrammeKind) []EnrolmentRole {
	if k == ProgrammePeer {
		return []EnrolmentRole{EnrolPeer}
	}
	return []EnrolmentRole{EnrolMentor, EnrolMentee}
}

// Validate checks the enrolment against its programme's kind and topic
// list. Time zones are checked by the caller (time.LoadLocation). Returns
// EINVALID naming every bad field.
func (e *Enrolment) Validate(p *Programme) error {
	f := map[string]string{}
	if !slices.Contains(RolesFor(p.Kind), e.Role) {
		if p.Kind == ProgrammePeer {
			f["role"] = `must be "peer" in a peer programme`
		} else {
			f["role"] = `must be "mentor" or "mentee" in a mentoring programme`
		}
	}
	if len(e.Topics) > MaxEnrolmentTopics {
		f["topics"] = fmt.Sprintf("at most %d topics", MaxEnrolmentTopics)
	}
	for _, t := range e.Topics {
		if !slices.Contains(p.Topics, t) {
			f["topics"] = "must be chosen from the programme's topics (say anything else under other topics)"
		}
	}
	optional := func(field, s string, multiline bool, max int) {
		if msg := textProblem(s, multiline); msg != "" {
			f[field] = msg
		} else if len(s) > max {
			f[field] = "is too long (at most " + size(max) + ")"
		}
	}
	optional("topics_other", e.TopicsOther, false, MaxEnrolmentLine)
	optional("goals", e.Goals, true, MaxEnrolmentGoals)
	optional("availability", e.Availability, false, MaxEnrolmentLine)
	if len(e.Languages) > MaxEnrolmentLanguages {
		f["languages"] = fmt.Sprintf("at most %d languages", MaxEnrolmentLanguages)
	}
	for _, l := range e.Languages {
		if msg := textProblem(l, false); msg != "" {
			f["languages"] = msg
		} else if strings.TrimSpace(l) == "" || len(l) > MaxTopic {
			f["languages"] = fmt.Sprintf("each must be a name of at most %d characters", MaxTopic)
		}
	}
	if msg := textProblem(e.TimeZone, false); msg != "" {
		f["time_zone"] = msg
	} else if e.TimeZone == "" {
		f["time_zone"] = "is required (a time zone such as Europe/London)"
	}
	switch {
	case e.Role == EnrolMentor && (e.Capacity < 1 || e.Capacity > MaxMentorCapacity):
		f["capacity"] = fmt.Sprintf("must be between 1 and %d", MaxMentorCapacity)
	case e.Role != EnrolMentor && e.Capacity != 0:
		f["capacity"] = "is for mentors only"
	}
	if len(e.Exclusions) > MaxEnrolmentExclusions {
		f["exclusions"] = fmt.Sprintf("at most %d people", MaxEnrolmentExclusions)
	}
	if len(f) > 0 {
		return Invalid("the enrolment is not valid", f)
	}
	return nil
}

// ValidateTopics checks a programme's topic list: at most
// MaxProgrammeTopics short, single-line, distinct topics. Returns EINVALID.
func ValidateTopics(topics []string) error {
	if len(topics) > MaxProgrammeTopics {
		return Invalid("the topics are not valid", map[string]string{"topics": fmt.Sprintf("at most %d topics", MaxProgrammeTopics)})
	}
	seen := map[string]bool{}
	for _, t := range topics {
		msg := textProblem(t, false)
		switch {
		case msg != "":
		case strings.TrimSpace(t) == "" || t != strings.TrimSpace(t):
			msg = "each must be a topic without leading or trailing spaces"
		case len(t) > MaxTopic:
			msg = fmt.Sprintf("each must be at most %d characters", MaxTopic)
		case seen[strings.ToLower(t)]:
			msg = "must not repeat a topic"
		}
		if msg != "" {
			return Invalid("the topics are not valid", map[string]string{"topics": msg})
		}
		seen[strings.ToLower(t)] = true
	}
	return nil
}

// EnrolmentFilter selects a programme's enrolments, a page at a time.
type EnrolmentFilter struct {
	ProgrammeID   string
	Limit, Offset int
}

// EnrolmentStore stores enrolments.
type EnrolmentStore interface {
	// CreateEnrolment stores a new enrolment. Returns ECONFLICT when the
	// person already has one in the programme.
	CreateEnrolment(ctx context.Context, e *Enrolment) error
	// FindEnrolment returns a person's enrolment in a programme (withdrawn
	// or not), or ENOTFOUND.
	FindEnrolment(ctx context.Context, programmeID, userID string) (*Enrolment, error)
	// UpdateEnrolment stores e's profile, role, dates and withdrawal.
	// Returns ENOTFOUND.
	UpdateEnrolment(ctx context.Context, e *Enrolment) error
	// FindEnrolments lists a programme's enrolments, the ones still
	// enrolled first, then by date enrolled.
	FindEnrolments(ctx context.Context, f EnrolmentFilter) ([]*Enrolment, error)
}
