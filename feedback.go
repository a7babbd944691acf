package mentorvault

import (
	"fmt"
	"strconv"
	"time"
)

// FeedbackQuestions are the rating questions of the feedback form on the
// mentor's approach, each answered 1 (not at all) to 5 (very much).
var FeedbackQuestions = []struct{ Key, Text string }{
	{"listening", "My mentor listens to me and understands what I mean."},
	{"safety", "I feel safe to speak freely in our sessions."},
	{"challenge", "My mentor challenges me in a way that helps me grow."},
	{"reliability", "My mentor is reliable: sessions happen, promises are kept."},
	{"usefulness", "Our sessions are useful to me."},
}

// FeedbackRequest is a mentor asking their mentee how the mentoring is landing.
type FeedbackRequest struct {
	ID             string
	RelationshipID string
	MentorID       string
	MenteeID       string
	ProgrammeID    string // for anonymous programme aggregates; "" when informal
	RequestedAt    time.Time
	AnsweredAt     *time.Time
}

// FeedbackAnswer is the mentee's answer: ratings and free text, sealed
// together; only the mentor reads it, the programme sees only aggregates.
type FeedbackAnswer struct {
	Ratings map[string]int `json:"ratings"`
	Text    string         `json:"text"`
	// RespondentID and MentorID are who answered and whom it is about,
	// from its request, for the k rule over distinct people; not sealed
	// with the answer.
	RespondentID string `json:"-"`
	MentorID     string `json:"-"`
}

// Validate checks every rating is 1–5 for a known question, all answered. Returns EINVALID.
func (a *FeedbackAnswer) Validate() error {
	f := map[string]string{}
	for _, q := range FeedbackQuestions {
		v, ok := a.Ratings[q.Key]
		if !ok || v < 1 || v > 5 {
			f["ratings."+q.Key] = "must be a number from 1 to 5"
		}
	}
	for k := range a.Ratings {
		known := false
		for _, q := range FeedbackQuestions {
			known = known || q.Key == k
		}
		if !known {
			f["ratings."+k] = "is not a question of the form"
		}
	}
	switch {
	case !CleanText(a.Text):
		f["text"] = textProblem(a.Text, true)
	case len(a.Text) > MaxCommitmentBytes:
		f["text"] = fmt.Sprintf("is too long (at most %d bytes)", MaxCommitmentBytes)
	}
	if len(f) > 0 {
		return Invalid("the feedback is not valid", f)
	}
	return nil
}

// FeedbackResponse is a stored answer; Sealed holds the FeedbackAnswer JSON.
type FeedbackResponse struct {
	RequestID      string
	RelationshipID string
	ProgrammeID    string
	Answer         FeedbackAnswer // plaintext inside an authorised call only
	Sealed         []byte
	SealVersion    int  // raised by every write that seals; bound into the sealed fields' associated data
	Damaged        bool // set when a sealed field did not open: changed outside mentorvault; the opened fields are empty
	CreatedAt      time.Time
}

// Aggregate is one programme-level figure and how many people stand behind it.
type Aggregate struct {
	Key       string
	Text      string
	Responses int // the distinct people who answered behind the figure shown (0 when withheld)
	Mean      float64
	Withheld  bool   // fewer than k people answered, or about fewer than k mentors: not shown
	Why       string // when withheld, in plain words
	AsOf      time.Time
}

// AggregateFeedback averages each question over answers, withholding every
// figure that fewer than k distinct people answered, or that is about
// fewer than k distinct mentors (then it would be one mentor's own
// ratings). Six answers from one person are one person. The service
// releases the figures in steps on top of this (releaser).
func AggregateFeedback(answers []FeedbackAnswer, k int) []Aggregate {
	out := make([]Aggregate, len(FeedbackQuestions))
	for i, q := range FeedbackQuestions {
		sum, n := 0, 0
		people, mentors := map[string]bool{}, map[string]bool{}
		for _, a := range answers {
			if v, ok := a.Ratings[q.Key]; ok {
				sum, n = sum+v, n+1
				people[a.RespondentID], mentors[a.MentorID] = true, true
			}
		}
		out[i] = Aggregate{Key: q.Key, Text: q.Text}
		switch {
		case n == 0:
			out[i].Withheld, out[i].Why = true, "no answers yet"
		case len(people) < k:
			out[i].Withheld, out[i].Why = true, fmt.Sprintf("fewer than %d people answered", k)
		case len(mentors) < k:
			out[i].Withheld, out[i].Why = true, fmt.Sprintf("about fewer than %d mentors", k)
		default:
			out[i].Mean, out[i].Responses = float64(sum)/float64(n), len(people)
		}
	}
	return out
}

// FeedbackContributions are the people who answered question key among
// answers, each with how many of their answers it counts.
func FeedbackContributions(answers []FeedbackAnswer, key string) Contributions {
	per := map[string]int{}
	for _, a := range answers {
		if _, ok := a.Ratings[key]; ok {
			per[a.RespondentID]++
		}
	}
	out := make(Contributions, len(per))
	for id, n := range per {
		out[id] = strconv.Itoa(n)
	}
	return out
}

// Notification kinds.
const (
	NotifyMeetingUpcoming   = "meeting.upcoming"
	NotifyMeetingChanged    = "meeting.changed"
	NotifyReviewDue         = "review.due"
	NotifyCommitmentDue     = "commitment.due"
	NotifyCommitmentPropose = "commitment.proposed"
	NotifyFeedbackRequested = "feedback.requested"
	NotifyAgreementChanged  = "agreement.changed" // the draft's text changed
	NotifyAgreementSign     = "agreement.to_sign"
	NotifyAgreementSigned   = "agreement.signed" // signed by both: in force

	NotifyRelationshipProposed     = "relationship.proposed"
	NotifyRelationshipAccepted     = "relationship.accepted"
	NotifyRelationshipDeclined     = "relationship.declined"
	NotifyRelationshipWithdrawn    = "relationship.withdrawn"
	NotifyRelationshipPaused       = "relationship.paused"
	NotifyRelationshipResumed      = "relationship.resumed"
	NotifyRelationshipClosed       = "relationship.closed"
	NotifyRelationshipEnded        = "relationship.ended" // by the programme
	NotifyEraseWarning             = "relationship.erase_warning"
	NotifyRelationshipErased       = "relationship.erased"
	NotifyRelationshipHold         = "relationship.hold"
	NotifyRelationshipHoldReleased = "relationship.hold_released"
	NotifyProgrammeKChanged        = "programme.k_changed"         // the k in force for a programme's figures changed
	NotifyRelationshipMatched      = "relationship.matched"        // a coordinator matched the two for the programme
	NotifyMatchAnswered            = "relationship.match_answered" // a party of a match accepted or declined it
	NotifyProposalExpired          = "relationship.expired"        // a proposal expired unanswered
)

// Notification is an in-app message to one user. Its text never carries
// content: it names the relationship and the kind of event only.
type Notification struct {
	ID             string
	UserID         string
	Kind           string
	RelationshipID string
	RefID          string // the meeting, commitment, … it is about
	Text           string
	Link           string
	DedupeKey      string // one notification per key and user
	// ActorID is who caused it, when someone did; it is not stored (the
	// in-app text names them) but lets an email name them too.
	ActorID   string
	CreatedAt time.Time
	ReadAt    *time.Time
}

// CalendarFeed is a user's private calendar subscription; only the token's
// SHA-256 is stored.
type CalendarFeed struct {
	ID        string
	UserID    string
	TokenHash []byte
	Detailed  bool // the user opted in to titles naming the other party
	CreatedAt time.Time
	RevokedAt *time.Time
}
