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

// FeedbackRequest is a mentor asking their mentee how the mentoring is
// landing, or (Offered) the mentee's own form of feedback on the mentor's
// approach, given unasked. Either way MentorID is the asker, who reads the
// answer, and MenteeID the answerer, who reads it back (in a peer
// relationship, the asking and the answering partner).
type FeedbackRequest struct {
	ID             string
	RelationshipID string
	MentorID       string
	MenteeID       string
	ProgrammeID    string // for anonymous programme aggregates; "" when informal
	RequestedAt    time.Time
	AnsweredAt     *time.Time
	Offered        bool // the answerer opened it themselves; nobody asked
}

// FeedbackAnswer is the mentee's answer: ratings and free text, sealed
// together; only the pair read it (the asker, and the answerer their own),
// the programme sees only aggregates.
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

// Aggregate is one programme-level figure and how many answers, from how
// many people, stand behind it.
type Aggregate struct {
	Key       string
	Text      string
	Responses int // the answers behind the figure shown (0 when withheld)
	People    int // the distinct people who gave them (0 when withheld)
	Mean      float64
	Withheld  bool   // fewer than k people answered, or about fewer than k mentors: not shown
	Why       string // when withheld, in plain words
	AsOf      time.Time
}

// AggregateFeedback averages each question over answers, withholding every
// figure that fewer than k distinct people answered, or that is about
// fewer than k distinct mentors (then it would be one mentor's own
// ratings). Answers are counted by RespondentID, so one person answering
// many times (asked again, or offering feedback unasked) is one person, and
// each person's answers are averaged first, so nobody weighs more than
// another. An answer with no RespondentID (or MentorID) counts as a person
// of its own. The service releases the figures in steps on top of this
// (releaser).
func AggregateFeedback(answers []FeedbackAnswer, k int) []Aggregate {
	out := make([]Aggregate, len(FeedbackQuestions))
	for i, q := range FeedbackQuestions {
		type acc struct{ sum, n int }
		people := map[string]*acc{}
		mentors := map[string]bool{}
		var order []string
		n := 0
		for j, a := range answers {
			v, ok := a.Ratings[q.Key]
			if !ok {
				continue
			}
			n++
			who, about := a.RespondentID, a.MentorID
			if who == "" {
				who = fmt.Sprintf("#%d", j)
			}
			if about == "" {
				about = fmt.Sprintf("#%d", j)
			}
			mentors[about] = true
			p := people[who]
			if p == nil {
				p = &acc{}
				people[who] = p
				order = append(order, who)
			}
			p.sum, p.n = p.sum+v, p.n+1
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
			mean := 0.0
			for _, who := range order {
				mean += float64(people[who].sum) / float64(people[who].n)
			}
			out[i].Mean, out[i].Responses, out[i].People = mean/float64(len(people)), n, len(people)
		}
	}
	return out
}

// FeedbackContributions are the people who answered question key among
// answers, each with how many of their answers it counts.
func FeedbackContributions(answers []FeedbackAnswer, key string) Contributions {
	per := map[string]int{}
	for j, a := range answers {
		if _, ok := a.Ratings[key]; ok {
			who := a.RespondentID
			if who == "" {
				who = fmt.Sprintf("#%d", j)
			}
			per[who]++
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
