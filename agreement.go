package mentorvault

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The confidentiality agreement (DESIGN.md §3): structured terms the pair
// shape together, rendered to one canonical Markdown text whose SHA-256 both
// sign. Terms are sealed like any other content; only the pair reads them.

// Party says which of the pair a clause or item is about.
type Party string

const (
	PartyMentor Party = "mentor" // in peer relationships: the first partner
	PartyMentee Party = "mentee" // in peer relationships: the second partner
	PartyEither Party = "either"
)

// DisclosureWhat is what a clause lets be disclosed.
type DisclosureWhat string

const (
	WhatTopicsGoals DisclosureWhat = "topics_goals" // the topics and goals we work on, never the details
	WhatGrowth      DisclosureWhat = "growth"       // positive observations of growth and readiness
	WhatAttendance  DisclosureWhat = "attendance"   // meeting attendance
	WhatItem        DisclosureWhat = "item"         // one specific item, named in Clause.Item
	WhatEverything  DisclosureWhat = "everything"
)

// Recipient is to whom a clause lets something be disclosed.
type Recipient string

const (
	ToLineManager Recipient = "line_manager"       // the mentee's line manager
	ToPromotionHR Recipient = "promotion_panel_hr" // promotion panels and HR
	ToCoordinator Recipient = "coordinator"        // the programme coordinator
	ToSupervisor  Recipient = "supervisor"         // the mentoring supervisor
	ToNamedPerson Recipient = "named_person"       // someone named in Clause.RecipientName
)

// Condition is when a clause applies.
type Condition string

const (
	CondAlways     Condition = "always"
	CondPermission Condition = "permission_each_time" // only with the other's permission each time
	CondException  Condition = "exception_only"       // only under an exception of the agreement
)

// Until is how long a clause lasts.
type Until string

const (
	UntilDuring       Until = "during_relationship"
	UntilMonthsAfter  Until = "months_after_end" // Clause.Months after the relationship ends
	UntilIndefinitely Until = "indefinitely"
)

// Clause is one disclosure permission: who may disclose what, to whom, under
// which condition, until when. Clauses are data so that later workflows can
// ask MayDisclose.
type Clause struct {
	Discloser     Party          `json:"discloser"`
	What          DisclosureWhat `json:"what"`
	Item          string         `json:"item,omitempty"`
	Recipient     Recipient      `json:"recipient"`
	RecipientName string         `json:"recipient_name,omitempty"`
	Condition     Condition      `json:"condition"`
	Until         Until          `json:"until"`
	Months        int            `json:"months,omitempty"`
}

// ExceptionKind names the known limits of confidentiality.
type ExceptionKind string

const (
	ExcDutyOfCare ExceptionKind = "duty_of_care"         // the mentee or others in mental or physical danger
	ExcDutyInLaw  ExceptionKind = "duty_in_law"          // crime, theft, passing trade secrets, other unlawful behaviour
	ExcDutyToOrg  ExceptionKind = "duty_to_organisation" // serious harm to the organisation
	ExcOther      ExceptionKind = "other"                // one the pair adds
)

// Exception is a limit of confidentiality both accept. Mandatory ones come
// from the programme and cannot be removed by the pair.
type Exception struct {
	Kind      ExceptionKind `json:"kind"`
	Text      string        `json:"text"`
	Mandatory bool          `json:"mandatory,omitempty"`
}

// KeptItem is something one party particularly wants kept confidential.
type KeptItem struct {
	Party Party  `json:"party"` // mentor or mentee
	Text  string `json:"text"`
}

// Protocols say how the pair handle third parties.
type Protocols struct {
	Suitability     string `json:"suitability"`       // how the mentor answers questions about the mentee's suitability for a role
	MenteeToManager string `json:"mentee_to_manager"` // what the mentee may tell their line manager about the mentor's advice
	ThreeWay        string `json:"three_way"`         // what a three-way meeting with the line manager may reveal, and how
}

// Expectations are the practical terms of the relationship.
type Expectations struct {
	Channels                []string `json:"channels"`          // in_person, video, phone, chat, email
	MeetingFrequency        string   `json:"meeting_frequency"` // weekly, fortnightly, monthly, as_needed
	MeetingMinutes          int      `json:"meeting_minutes"`
	CancellationNoticeHours int      `json:"cancellation_notice_hours"`
	LateCancellation        string   `json:"late_cancellation"` // what counts as a late cancellation
	ScopeIn                 string   `json:"scope_in"`
	ScopeOut                string   `json:"scope_out"`
	Goals                   string   `json:"goals"`
	ReviewEveryWeeks        int      `json:"review_every_weeks"`
	EndDate                 string   `json:"end_date,omitempty"` // YYYY-MM-DD
	// RetentionDays is how long after the relationship ends its content
	// is kept before it is erased; 0 leaves it to the programme's setting.
	RetentionDays int `json:"retention_days,omitempty"`
}

// AgreementTerms is the whole content of one agreement version.
type AgreementTerms struct {
	Clauses           []Clause     `json:"clauses"`
	KeptConfidential  []KeptItem   `json:"kept_confidential"`
	Exceptions        []Exception  `json:"exceptions"`
	Protocols         Protocols    `json:"protocols"`
	Expectations      Expectations `json:"expectations"`
	GuidelinesVersion int          `json:"guidelines_version"` // the programme guidelines both confirm they read (0: none)
}

// MarshalJSON writes empty lists as [] rather than null, so every client
// (and the OpenAPI document) sees one shape.
func (t AgreementTerms) MarshalJSON() ([]byte, error) {
	type plain AgreementTerms
	p := plain(t)
	if p.Clauses == nil {
		p.Clauses = []Clause{}
	}
	if p.KeptConfidential == nil {
		p.KeptConfidential = []KeptItem{}
	}
	if p.Exceptions == nil {
		p.Exceptions = []Exception{}
	}
	if p.Expectations.Channels == nil {
		p.Expectations.Channels = []string{}
	}
	return json.Marshal(p)
}

// Allowed values, in display order.
var (
	Channels           = []string{"in_person", "video", "phone", "chat", "email"}
	MeetingFrequencies = []string{"weekly", "fortnightly", "monthly", "as_needed"}
	Disclosers         = []Party{PartyMentor, PartyMentee, PartyEither}
	DisclosureWhats    = []DisclosureWhat{WhatTopicsGoals, WhatGrowth, WhatAttendance, WhatItem, WhatEverything}
	Recipients         = []Recipient{ToLineManager, ToPromotionHR, ToCoordinator, ToSupervisor, ToNamedPerson}
	Conditions         = []Condition{CondAlways, CondPermission, CondException}
	Untils             = []Until{UntilDuring, UntilMonthsAfter, UntilIndefinitely}
	ExceptionKinds     = []ExceptionKind{ExcDutyOfCare, ExcDutyInLaw, ExcDutyToOrg, ExcOther}
)

// Limits on agreement terms.
const (
	MaxAgreementText  = 4000 // bytes per free-text field
	MaxAgreementItems = 50   // clauses, items or exceptions
)

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Validate checks every value of the terms and names each problem by its
// field path (e.g. "clauses[2].recipient"). Returns EINVALID.
func (t *AgreementTerms) Validate() error {
	f := map[string]string{}
	// A name, an item, a kept-confidential item and the late-cancellation
	// rule are one line each (the editor's text inputs); the rest is text.
	text := func(path, s string, required bool) {
		multiline := !strings.HasSuffix(path, ".recipient_name") && !strings.HasSuffix(path, ".item") &&
			!strings.HasPrefix(path, "kept_confidential[") && path != "expectations.late_cancellation"
		switch {
		case textProblem(s, multiline) != "":
			f[path] = textProblem(s, multiline)
		case len(s) > MaxAgreementText:
			f[path] = fmt.Sprintf("is too long (at most %d bytes)", MaxAgreementText)
		case required && strings.TrimSpace(s) == "":
			f[path] = "is required"
		}
	}
	oneOf := func(path string, ok bool, allowed string) {
		if !ok {
			f[path] = "must be one of " + allowed
		}
	}
	if len(t.Clauses) > MaxAgreementItems {
		f["clauses"] = fmt.Sprintf("at most %d", MaxAgreementItems)
	}
	for i, c := range t.Clauses {
		p := fmt.Sprintf("clauses[%d].", i)
		oneOf(p+"discloser", slices.Contains(Disclosers, c.Discloser), join(Disclosers))
		oneOf(p+"what", slices.Contains(DisclosureWhats, c.What), join(DisclosureWhats))
		oneOf(p+"recipient", slices.Contains(Recipients, c.Recipient), join(Recipients))
		oneOf(p+"condition", slices.Contains(Conditions, c.Condition), join(Conditions))
		oneOf(p+"until", slices.Contains(Untils, c.Until), join(Untils))
		text(p+"item", c.Item, c.What == WhatItem)
		text(p+"recipient_name", c.RecipientName, c.Recipient == ToNamedPerson)
		if c.What != WhatItem && c.Item != "" {
			f[p+"item"] = `is only for what = "item"`
		}
		if c.Recipient != ToNamedPerson && c.RecipientName != "" {
			f[p+"recipient_name"] = `is only for recipient = "named_person"`
		}
		switch {
		case c.Until == UntilMonthsAfter && (c.Months < 1 || c.Months > 120):
			f[p+"months"] = "must be from 1 to 120"
		case c.Until != UntilMonthsAfter && c.Months != 0:
			f[p+"months"] = `is only for until = "months_after_end"`
		}
	}
	if len(t.KeptConfidential) > MaxAgreementItems {
		f["kept_confidential"] = fmt.Sprintf("at most %d", MaxAgreementItems)
	}
	for i, k := range t.KeptConfidential {
		p := fmt.Sprintf("kept_confidential[%d].", i)
		oneOf(p+"party", k.Party == PartyMentor || k.Party == PartyMentee, "mentor, mentee")
		text(p+"text", k.Text, true)
	}
	if len(t.Exceptions) > MaxAgreementItems {
		f["exceptions"] = fmt.Sprintf("at most %d", MaxAgreementItems)
	}
	for i, e := range t.Exceptions {
		p := fmt.Sprintf("exceptions[%d].", i)
		oneOf(p+"kind", slices.Contains(ExceptionKinds, e.Kind), join(ExceptionKinds))
		text(p+"text", e.Text, true)
	}
	text("protocols.suitability", t.Protocols.Suitability, false)
	text("protocols.mentee_to_manager", t.Protocols.MenteeToManager, false)
	text("protocols.three_way", t.Protocols.ThreeWay, false)
	x := t.Expectations
	for i, ch := range x.Channels {
		oneOf(fmt.Sprintf("expectations.channels[%d]", i), slices.Contains(Channels, ch), strings.Join(Channels, ", "))
	}
	if x.MeetingFrequency != "" {
		oneOf("expectations.meeting_frequency", slices.Contains(MeetingFrequencies, x.MeetingFrequency), strings.Join(MeetingFrequencies, ", "))
	}
	if x.MeetingMinutes < 0 || x.MeetingMinutes > 480 {
		f["expectations.meeting_minutes"] = "must be from 0 to 480"
	}
	if x.CancellationNoticeHours < 0 || x.CancellationNoticeHours > 24*14 {
		f["expectations.cancellation_notice_hours"] = "must be from 0 to 336"
	}
	if x.ReviewEveryWeeks < 0 || x.ReviewEveryWeeks > 104 {
		f["expectations.review_every_weeks"] = "must be from 0 (no reviews) to 104"
	}
	if x.RetentionDays < 0 || x.RetentionDays > 3650 {
		f["expectations.retention_days"] = "must be from 0 (the programme's period) to 3650"
	}
	if x.EndDate != "" {
		if d, err := time.Parse("2006-01-02", x.EndDate); err != nil || !isoDate.MatchString(x.EndDate) {
			f["expectations.end_date"] = "must be a date like 2027-06-30"
		} else if ValidateTime("end_date", d) != nil {
			f["expectations.end_date"] = ErrorFields(ValidateTime("end_date", d))["end_date"]
		}
	}
	text("expectations.late_cancellation", x.LateCancellation, false)
	text("expectations.scope_in", x.ScopeIn, false)
	text("expectations.scope_out", x.ScopeOut, false)
	text("expectations.goals", x.Goals, false)
	if t.GuidelinesVersion < 0 {
		f["guidelines_version"] = "must not be negative"
	}
	if len(f) > 0 {
		return Invalid("the agreement is not valid", f)
	}
	return nil
}

func join[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// StandardExceptions are the three known limits of confidentiality, in the
// words offered to every pair.
func StandardExceptions() []Exception {
	return []Exception{
		{Kind: ExcDutyOfCare, Text: "If either of us believes the mentee or someone else is in danger of mental or physical harm, we may break confidentiality to get help."},
		{Kind: ExcDutyInLaw, Text: "If we learn of a crime, theft, the passing of trade secrets to outsiders or other unlawful behaviour, the law may require us to disclose it."},
		{Kind: ExcDutyToOrg, Text: "As officers of the organisation we may have to disclose something that would cause it serious harm."},
	}
}

// Presets are the common degrees of confidentiality, as clause lists.
var Presets = []struct {
	Name, Label string
	Clauses     []Clause
}{
	{"law_only", "Everything confidential, except where the law or a duty of care requires", nil},
	{"permission_first", "Nothing disclosed without the other's permission each time", []Clause{
		{Discloser: PartyEither, What: WhatEverything, Recipient: ToLineManager, Condition: CondPermission, Until: UntilIndefinitely},
		{Discloser: PartyEither, What: WhatEverything, Recipient: ToPromotionHR, Condition: CondPermission, Until: UntilIndefinitely},
	}},
	{"topics_not_details", "Topics and goals may be shared with line managers, details never", []Clause{
		{Discloser: PartyEither, What: WhatTopicsGoals, Recipient: ToLineManager, Condition: CondAlways, Until: UntilDuring},
		{Discloser: PartyMentor, What: WhatGrowth, Recipient: ToPromotionHR, Condition: CondPermission, Until: UntilMonthsAfter, Months: 12},
	}},
	{"attendance_only", "Only meeting attendance may be reported to the programme", []Clause{
		{Discloser: PartyEither, What: WhatAttendance, Recipient: ToCoordinator, Condition: CondAlways, Until: UntilDuring},
	}},
}

// PresetClauses returns a copy of a preset's clauses; ok is false for an unknown name.
func PresetClauses(name string) ([]Clause, bool) {
	for _, p := range Presets {
		if p.Name == name {
			return slices.Clone(p.Clauses), true
		}
	}
	return nil, false
}

// DisclosureQuery asks whether the signed terms let Discloser tell
// Recipient about What at time At.
type DisclosureQuery struct {
	Discloser        Party // mentor or mentee
	What             DisclosureWhat
	Item             string    // for WhatItem
	Recipient        Recipient // and RecipientName for ToNamedPerson
	RecipientName    string
	At               time.Time
	EndedAt          *time.Time // when the relationship ended, nil while it lasts
	PermissionGiven  bool       // the other party agreed this time
	ExceptionApplies bool       // an exception of the agreement applies
}

// DisclosureAnswer is MayDisclose's answer.
type DisclosureAnswer struct {
	Allowed         bool
	NeedsPermission bool // a clause would allow it with the other's permission
	NeedsException  bool // a clause would allow it under an exception
	Clause          int  // index of the deciding clause, -1 if none
	Reason          string
}

// MayDisclose answers from the clauses alone; the strongest matching clause
// decides (always > with permission > under an exception). Without a
// matching clause the answer is no: confidential by default.
func (t *AgreementTerms) MayDisclose(q DisclosureQuery) DisclosureAnswer {
	best, bestRank := -1, 0
	rank := map[Condition]int{CondAlways: 3, CondPermission: 2, CondException: 1}
	for i, c := range t.Clauses {
		if !c.matches(q) {
			continue
		}
		if r := rank[c.Condition]; r > bestRank {
			best, bestRank = i, r
		}
	}
	if best < 0 {
		return DisclosureAnswer{Clause: -1, Reason: "no signed clause allows this: it stays confidential"}
	}
	a := DisclosureAnswer{Clause: best}
	switch t.Clauses[best].Condition {
	case CondAlways:
		a.Allowed, a.Reason = true, "a signed clause allows this"
	case CondPermission:
		a.Allowed, a.NeedsPermission = q.PermissionGiven, !q.PermissionGiven
		a.Reason = "a signed clause allows this only with the other's permission each time"
	case CondException:
		a.Allowed, a.NeedsException = q.ExceptionApplies, !q.ExceptionApplies
		a.Reason = "a signed clause allows this only when an exception applies"
	}
	return a
}

func (c Clause) matches(q DisclosureQuery) bool {
	if c.Discloser != PartyEither && c.Discloser != q.Discloser {
		return false
	}
	switch {
	case c.What == WhatEverything:
	case c.What != q.What:
		return false
	case c.What == WhatItem && !strings.EqualFold(strings.TrimSpace(c.Item), strings.TrimSpace(q.Item)):
		return false
	}
	if c.Recipient != q.Recipient {
		return false
	}
	if c.Recipient == ToNamedPerson && !strings.EqualFold(strings.TrimSpace(c.RecipientName), strings.TrimSpace(q.RecipientName)) {
		return false
	}
	switch c.Until {
	case UntilDuring:
		return q.EndedAt == nil || q.At.Before(*q.EndedAt)
	case UntilMonthsAfter:
		return q.EndedAt == nil || !q.At.After(q.EndedAt.AddDate(0, c.Months, 0))
	case UntilIndefinitely:
		return true
	}
	return false
}

// AgreementHeader names the parties and the version in the canonical text.
type AgreementHeader struct {
	RelationshipID string
	Version        int
	Kind           RelationshipKind
	Mentor, Mentee string // "Name <email>"
	Programme      string // "" for informal
}

var labels = map[string]string{
	string(PartyMentor): "the mentor", string(PartyMentee): "the mentee", string(PartyEither): "either of us",
	string(WhatTopicsGoals): "the topics and goals we work on, never the details", string(WhatGrowth): "positive observations of growth and readiness",
	string(WhatAttendance): "meeting attendance", string(WhatEverything): "anything from our conversations",
	string(ToLineManager): "the mentee's line manager", string(ToPromotionHR): "promotion panels and HR",
	string(ToCoordinator): "the programme coordinator", string(ToSupervisor): "the mentoring supervisor",
	string(CondAlways): "at any time", string(CondPermission): "only with the other's permission each time",
	string(CondException): "only when an exception below applies",
	string(ExcDutyOfCare): "Duty of care", string(ExcDutyInLaw): "Duty in law", string(ExcDutyToOrg): "Duty to the organisation", string(ExcOther): "Other",
	"in_person": "in person", "video": "video call", "phone": "phone", "chat": "chat", "email": "email",
	"weekly": "weekly", "fortnightly": "every two weeks", "monthly": "monthly", "as_needed": "as needed",
}

// Label is the plain-English wording of an agreement value.
func Label(v string) string {
	if l, ok := labels[v]; ok {
		return l
	}
	return v
}

// PartyLabel words a party for this kind of relationship.
func (h AgreementHeader) partyLabel(p Party) string {
	if h.Kind == KindPeer {
		switch p {
		case PartyMentor:
			return "the first partner"
		case PartyMentee:
			return "the second partner"
		}
	}
	return Label(string(p))
}

// Sentence words a clause as one sentence of the agreement.
func (h AgreementHeader) Sentence(c Clause) string {
	what := Label(string(c.What))
	if c.What == WhatItem {
		what = fmt.Sprintf("%q", c.Item)
	}
	to := Label(string(c.Recipient))
	if c.Recipient == ToNamedPerson {
		to = c.RecipientName
	}
	until := "while the relationship lasts"
	switch c.Until {
	case UntilMonthsAfter:
		until = fmt.Sprintf("until %d months after it ends", c.Months)
	case UntilIndefinitely:
		until = "with no end date"
	}
	s := fmt.Sprintf("%s may tell %s %s, %s, %s.", h.partyLabel(c.Discloser), to, what, Label(string(c.Condition)), until)
	return strings.ToUpper(s[:1]) + s[1:]
}

// mdLine keeps user text on one Markdown line and stops it being read as markup.
func mdLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "#", `\#`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "|", `\|`)
	return r.Replace(s)
}

// mdBlock keeps user text's paragraphs, each escaped.
func mdBlock(s string) string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n") {
		if strings.TrimSpace(para) != "" {
			out = append(out, mdLine(para))
		}
	}
	if len(out) == 0 {
		return "_Not stated._"
	}
	return strings.Join(out, "\n\n")
}

// Markdown renders the canonical text of the terms: deterministic for the
// same terms and header, and what both parties sign (its SHA-256).
func (t *AgreementTerms) Markdown(h AgreementHeader) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Confidentiality agreement, version %d\n\n", h.Version)
	w("Relationship: %s\n\n", h.RelationshipID)
	if h.Kind == KindPeer {
		w("- First partner: %s\n- Second partner: %s\n", mdLine(h.Mentor), mdLine(h.Mentee))
	} else {
		w("- Mentor: %s\n- Mentee: %s\n", mdLine(h.Mentor), mdLine(h.Mentee))
	}
	if h.Programme != "" {
		w("- Programme: %s\n", mdLine(h.Programme))
	} else {
		w("- Programme: none (informal relationship)\n")
	}
	w("\n## 1. Confidential by default\n\nEverything said in this relationship is private to the two of us unless a clause below says otherwise.\n")
	w("\n## 2. What may be shared\n\n")
	if len(t.Clauses) == 0 {
		w("Nothing. No clause allows either of us to disclose anything, except under the exceptions in section 4.\n")
	}
	for i, c := range t.Clauses {
		w("%d. %s\n", i+1, mdLine(h.Sentence(c)))
	}
	w("\n## 3. Kept confidential\n\n")
	if len(t.KeptConfidential) == 0 {
		w("Neither of us listed particular items.\n")
	}
	for _, k := range t.KeptConfidential {
		w("- %s asks that this stays private: %s\n", strings.ToUpper(h.partyLabel(k.Party)[:1])+h.partyLabel(k.Party)[1:], mdLine(k.Text))
	}
	w("\n## 4. Exceptions\n\nConfidentiality is never absolute. We both accept these limits, and agree that breaking confidentiality will never come as a surprise to the other:\n\n")
	if len(t.Exceptions) == 0 {
		w("- None listed.\n")
	}
	for _, e := range t.Exceptions {
		m := ""
		if e.Mandatory {
			m = " (required by the programme)"
		}
		w("- **%s**%s: %s\n", Label(string(e.Kind)), m, mdLine(e.Text))
	}
	w("\n## 5. Third parties\n\n")
	w("### Questions about the mentee's suitability for a role\n\n%s\n\n", mdBlock(t.Protocols.Suitability))
	w("### What the mentee may tell their line manager about the mentor's advice\n\n%s\n\n", mdBlock(t.Protocols.MenteeToManager))
	w("### Three-way meetings with the line manager\n\n%s\n", mdBlock(t.Protocols.ThreeWay))
	x := t.Expectations
	w("\n## 6. Expectations\n\n")
	chans := make([]string, len(x.Channels))
	for i, c := range x.Channels {
		chans[i] = Label(c)
	}
	opt := func(s string) string {
		if s == "" {
			return "not stated"
		}
		return s
	}
	w("- Channels: %s\n", opt(strings.Join(chans, ", ")))
	w("- Meetings: %s", opt(Label(x.MeetingFrequency)))
	if x.MeetingMinutes > 0 {
		w(", %d minutes", x.MeetingMinutes)
	}
	w("\n- Cancellation notice: %d hours\n", x.CancellationNoticeHours)
	w("- A late cancellation is: %s\n", opt(mdLine(x.LateCancellation)))
	if x.ReviewEveryWeeks > 0 {
		w("- We review these expectations every %d weeks\n", x.ReviewEveryWeeks)
	} else {
		w("- We review these expectations when either of us asks\n")
	}
	w("- End date: %s\n", opt(x.EndDate))
	if x.RetentionDays > 0 {
		w("- After the relationship ends, its content is erased after %d days\n", x.RetentionDays)
	}
	w("\n### In scope\n\n%s\n\n### Out of scope\n\n%s\n\n### Goals\n\n%s\n", mdBlock(x.ScopeIn), mdBlock(x.ScopeOut), mdBlock(x.Goals))
	w("\n## 7. Programme guidelines\n\n")
	if t.GuidelinesVersion > 0 {
		w("Version %d of the programme's guidelines applies to us. Each of us confirms for ourselves that we have read it.\n", t.GuidelinesVersion)
	} else {
		w("No programme guidelines apply.\n")
	}
	return b.String()
}

// legacyGuidelinesRead is how a version written before each party confirmed
// reading for themselves said that one of them had ticked "we have both
// read" (Sprintf with the guidelines version); no new text says it.
const legacyGuidelinesRead = "We have both read version %d of the programme's guidelines."

// SaysBothReadGuidelines reports whether a canonical agreement text is one
// written before each party confirmed reading the guidelines for
// themselves, which states that both read version n: such a text counts as
// read by both.
func SaysBothReadGuidelines(text string, n int) bool {
	return n > 0 && strings.Contains(text, "\n## 7. Programme guidelines\n\n"+fmt.Sprintf(legacyGuidelinesRead, n)+"\n")
}

// AgreementHash is the SHA-256 of a canonical agreement text.
func AgreementHash(markdown string) []byte {
	h := sha256.Sum256([]byte(markdown))
	return h[:]
}

// Reminder is the short confidentiality reminder shown at the start of a
// session, generated from the agreement in force.
type Reminder struct {
	Version    int
	Private    []string // what stays between the two of you
	Shareable  []string // what may be shared, with whom, when
	Exceptions []string // the known limits of confidentiality
}

// Reminder words the terms as the reminder for the start of a session.
func (t *AgreementTerms) Reminder(h AgreementHeader) Reminder {
	r := Reminder{Version: h.Version, Private: []string{"Everything said in this session stays between the two of you unless a clause below says otherwise."}}
	for _, k := range t.KeptConfidential {
		l := h.partyLabel(k.Party)
		r.Private = append(r.Private, strings.ToUpper(l[:1])+l[1:]+" asked to keep this private: "+strings.Join(strings.Fields(k.Text), " "))
	}
	for _, c := range t.Clauses {
		r.Shareable = append(r.Shareable, h.Sentence(c))
	}
	if len(r.Shareable) == 0 {
		r.Shareable = []string{"Nothing: no clause allows either of you to share anything."}
	}
	for _, e := range t.Exceptions {
		r.Exceptions = append(r.Exceptions, Label(string(e.Kind))+": "+strings.Join(strings.Fields(e.Text), " "))
	}
	return r
}
