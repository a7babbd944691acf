package mentorvault

import "time"

// AgreementState is where an agreement version stands.
type AgreementState string

const (
	AgreementDraft      AgreementState = "draft"      // being shaped; either party edits, both sign
	AgreementInForce    AgreementState = "in_force"   // both signed the same hash
	AgreementSuperseded AgreementState = "superseded" // replaced by a later version both signed
)

// AgreementVersion is one numbered version of a relationship's agreement.
// Terms and Text are plaintext inside an authorised call; the store keeps
// TermsSealed and TextSealed. Hash is the SHA-256 of Text, the canonical
// Markdown both parties sign.
type AgreementVersion struct {
	ID             string
	RelationshipID string
	Number         int
	State          AgreementState
	Terms          AgreementTerms
	TermsSealed    []byte
	Text           Secret
	TextSealed     []byte
	Hash           []byte
	SealVersion    int  // raised by every write that seals; bound into the sealed fields' associated data
	Damaged        bool // set when a sealed field did not open: changed outside mentorvault; the opened fields are empty
	CreatedByID    string
	UpdatedByID    string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	InForceAt      *time.Time
}

// GuidelinesRead records that a party confirmed, for themselves, that they
// read a version of their programme's guidelines. Legacy is set on a read
// the service infers from an agreement version signed before each party
// confirmed for themselves ("We have both read version N"): it is not stored.
type GuidelinesRead struct {
	RelationshipID string
	UserID         string
	Version        int
	ReadAt         time.Time
	Legacy         bool
}

// AgreementSignature records that a party signed a version's hash.
type AgreementSignature struct {
	VersionID string
	UserID    string
	Hash      []byte
	SignedAt  time.Time
}

// AgreementComment is a party's comment on a section of a draft.
type AgreementComment struct {
	ID             string
	RelationshipID string
	VersionID      string
	Section        string // one of AgreementSections
	AuthorID       string
	Body           Secret
	BodySealed     []byte
	SealVersion    int  // raised by every write that seals; bound into the sealed fields' associated data
	Damaged        bool // set when a sealed field did not open: changed outside mentorvault; the opened fields are empty
	CreatedAt      time.Time
}

// AgreementSections are the parts of an agreement, in the order a first
// meeting covers them.
var AgreementSections = []string{"expectations", "clauses", "kept_confidential", "exceptions", "protocols", "guidelines"}

// Review answers for whether the agreed expectations still hold.
const (
	ReviewHolds    = "yes"
	ReviewPartly   = "partly"
	ReviewNotHolds = "no"
)

// Review is one party's periodic review of the expectations. Its answer is
// sealed: Answer/Notes are plaintext inside an authorised call only.
type Review struct {
	ID             string
	RelationshipID string
	VersionID      string // the version in force when reviewed
	UserID         string
	Answer         string // ReviewHolds, ReviewPartly, ReviewNotHolds
	Notes          Secret
	Sealed         []byte // sealed JSON of answer and notes
	SealVersion    int    // raised by every write that seals; bound into the sealed fields' associated data
	Damaged        bool   // set when a sealed field did not open: changed outside mentorvault; the opened fields are empty
	CreatedAt      time.Time
}

// ProgrammeSettings are what a programme's agreements draw on. Coordinators
// edit them; they hold no one's content.
type ProgrammeSettings struct {
	Template            AgreementTerms  `json:"template"`             // the default terms a new pair starts from
	MandatoryExceptions []ExceptionKind `json:"mandatory_exceptions"` // exceptions every agreement of the programme keeps
	MinNoticeHours      int             `json:"min_notice_hours"`     // minimum notice before a disclosure takes effect
	ReviewEveryWeeks    int             `json:"review_every_weeks"`   // default review cadence
	KThreshold          int             `json:"k_threshold"`          // smallest group behind any aggregate figure
	RetentionDays       int             `json:"retention_days"`       // after a relationship closes, before its key is destroyed
	// Matching (issue 16): whether an enrolled mentee may pick a mentor
	// from their top suggestions, and how many days a proposal in the
	// programme waits for an answer before it expires (0: the default).
	MenteesPick        bool `json:"mentees_pick"`
	ProposalExpiryDays int  `json:"proposal_expiry_days"`
}

// DefaultProposalExpiryDays is how long a proposal waits for an answer
// when the programme has not said.
const DefaultProposalExpiryDays = 14

// ExpiryDays is how many days a proposal in the programme waits for an
// answer: ProposalExpiryDays, or DefaultProposalExpiryDays when unset.
func (s ProgrammeSettings) ExpiryDays() int {
	if s.ProposalExpiryDays <= 0 {
		return DefaultProposalExpiryDays
	}
	return s.ProposalExpiryDays
}

// DefaultProgrammeSettings are a new programme's settings, also used for
// informal relationships.
func DefaultProgrammeSettings() ProgrammeSettings {
	return ProgrammeSettings{
		Template: AgreementTerms{
			Exceptions: StandardExceptions(),
			Protocols: Protocols{
				Suitability:     "The mentor speaks about the mentee only by mutual agreement, about them as a mentee — what we worked on and how they grew — never as a performance review.",
				MenteeToManager: "The mentee may share the mentor's advice in general terms, without quoting the mentor.",
				ThreeWay:        "A three-way meeting follows a brief we both agree beforehand; nothing outside the brief is raised.",
			},
			Expectations: Expectations{Channels: []string{"video", "in_person"}, MeetingFrequency: "monthly", MeetingMinutes: 60,
				CancellationNoticeHours: 24, LateCancellation: "Cancelling with less notice than agreed, or not turning up.", ReviewEveryWeeks: 12},
		},
		MandatoryExceptions: []ExceptionKind{ExcDutyOfCare, ExcDutyInLaw},
		MinNoticeHours:      72,
		ReviewEveryWeeks:    12,
		KThreshold:          5,
		RetentionDays:       365,
		ProposalExpiryDays:  DefaultProposalExpiryDays,
	}
}

// Validate checks the settings. Returns EINVALID.
func (s *ProgrammeSettings) Validate() error {
	f := map[string]string{}
	if err := s.Template.Validate(); err != nil {
		for k, v := range ErrorFields(err) {
			f["template."+k] = v
		}
	}
	for i, k := range s.MandatoryExceptions {
		if k == ExcOther || !containsKind(ExceptionKinds, k) {
			f["mandatory_exceptions"] = "must be among duty_of_care, duty_in_law, duty_to_organisation"
			_ = i
		}
	}
	if s.MinNoticeHours < 0 || s.MinNoticeHours > 24*30 {
		f["min_notice_hours"] = "must be from 0 to 720"
	}
	if s.ReviewEveryWeeks < 0 || s.ReviewEveryWeeks > 104 {
		f["review_every_weeks"] = "must be from 0 to 104"
	}
	if s.KThreshold < 2 || s.KThreshold > 100 {
		f["k_threshold"] = "must be from 2 to 100"
	}
	if s.RetentionDays < 0 || s.RetentionDays > 3650 {
		f["retention_days"] = "must be from 0 to 3650"
	}
	if s.ProposalExpiryDays < 0 || s.ProposalExpiryDays > 90 {
		f["proposal_expiry_days"] = "must be from 1 to 90"
	}
	if len(f) > 0 {
		return Invalid("the programme settings are not valid", f)
	}
	return nil
}

func containsKind(ks []ExceptionKind, k ExceptionKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// Guidelines is one published version of a programme's guidelines (Markdown,
// rendered safely; not confidential).
type Guidelines struct {
	ProgrammeID string
	Version     int
	Body        string
	CreatedByID string
	CreatedAt   time.Time
}

// MaxGuidelinesBytes bounds a guidelines text.
const MaxGuidelinesBytes = 64 << 10
