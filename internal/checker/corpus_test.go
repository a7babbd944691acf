package checker_test

import (
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/checker"
)

// The corpus: example statements, acceptable and not, with the exact
// findings (kind, sentence, matched words) the checker must give.

var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func clause(who mentorvault.Party, what mentorvault.DisclosureWhat, to mentorvault.Recipient, cond mentorvault.Condition) mentorvault.Clause {
	return mentorvault.Clause{Discloser: who, What: what, Recipient: to, Condition: cond, Until: mentorvault.UntilIndefinitely}
}

const (
	mentor = mentorvault.PartyMentor
	mentee = mentorvault.PartyMentee
	either = mentorvault.PartyEither
	always = mentorvault.CondAlways
	hr     = mentorvault.ToPromotionHR
	lm     = mentorvault.ToLineManager
)

// advocacy lets the mentor tell promotion panels and HR about attendance,
// growth, and topics and goals — never the details.
var advocacy = &mentorvault.AgreementTerms{Clauses: []mentorvault.Clause{
	clause(mentor, mentorvault.WhatAttendance, hr, always),
	clause(mentor, mentorvault.WhatGrowth, hr, always),
	clause(either, mentorvault.WhatTopicsGoals, hr, always),
}}

// topicsToManager is the "topics, not details" preset: topics and goals to
// line managers always, growth to HR with permission each time.
var topicsToManager = func() *mentorvault.AgreementTerms {
	cs, _ := mentorvault.PresetClauses("topics_not_details")
	return &mentorvault.AgreementTerms{Clauses: cs}
}()

var exceptionOnly = &mentorvault.AgreementTerms{Clauses: []mentorvault.Clause{
	clause(either, mentorvault.WhatEverything, mentorvault.ToSupervisor, mentorvault.CondException),
}}

var attendanceToCoordinator = &mentorvault.AgreementTerms{Clauses: []mentorvault.Clause{
	clause(either, mentorvault.WhatAttendance, mentorvault.ToCoordinator, always),
}}

var namedItem = &mentorvault.AgreementTerms{Clauses: []mentorvault.Clause{
	{Discloser: mentor, What: mentorvault.WhatItem, Item: "Her move to the Lisbon office", Recipient: hr, Condition: always, Until: mentorvault.UntilIndefinitely},
	{Discloser: either, What: mentorvault.WhatItem, Item: "the mentoring award", Recipient: mentorvault.ToNamedPerson, RecipientName: "Dana Reyes", Condition: always, Until: mentorvault.UntilIndefinitely},
	clause(mentor, mentorvault.WhatGrowth, hr, always),
}}

var duringOnly = &mentorvault.AgreementTerms{Clauses: []mentorvault.Clause{
	{Discloser: either, What: mentorvault.WhatTopicsGoals, Recipient: lm, Condition: always, Until: mentorvault.UntilDuring},
}}

var yearAfter = &mentorvault.AgreementTerms{Clauses: []mentorvault.Clause{
	{Discloser: mentor, What: mentorvault.WhatGrowth, Recipient: hr, Condition: always, Until: mentorvault.UntilMonthsAfter, Months: 12},
}}

var (
	endedLastMonth = now.AddDate(0, -1, 0)
	endedTwoMonths = now.AddDate(0, -2, 0)
)

type want struct{ kind, sentence, match string }

func kept(sentence, match string) want { return want{checker.KindKeptItem, sentence, match} }
func perf(sentence, match string) want { return want{checker.KindPerformance, sentence, match} }
func notAllowed(sentence, label string) want {
	return want{checker.KindNotAllowed, sentence, label}
}

const (
	details    = "details from the mentoring"
	attendance = "meeting attendance"
	growth     = "observations of growth and engagement"
	topicsGoal = "the topics and goals worked on"
)

type corpusCase struct {
	name   string
	in     checker.Input // Author defaults to the mentor, Recipient to HR, At to now
	want   []want
	topics []mentorvault.DisclosureWhat
	pre    bool
}

var (
	tAtt    = mentorvault.WhatAttendance
	tGrowth = mentorvault.WhatGrowth
	tTopics = mentorvault.WhatTopicsGoals
	tItem   = mentorvault.WhatItem
	tAll    = mentorvault.WhatEverything
)

func ts(ws ...mentorvault.DisclosureWhat) []mentorvault.DisclosureWhat { return ws }

const letter = `Dear Frank,

I have been Bob's mentor since March 2025, and I am writing in response to your request for input on his promotion.
We met every two weeks and he came to almost every session.
We worked on delegation and on preparing for difficult conversations.
Over the year he grew in confidence and took ownership of his development plan.
I am happy to answer any questions.

Kind regards,
Alice Smith`

var corpus = []corpusCase{
	// Acceptable: advocacy about the person as a mentee.
	{name: "growth", in: checker.Input{Text: "She grew in confidence over the year we spent together.", Terms: advocacy},
		topics: ts(tGrowth), pre: true},
	{name: "engagement", in: checker.Input{Text: "He engaged fully with our sessions and came prepared each time.", Terms: advocacy},
		topics: ts(tGrowth), pre: true},
	{name: "worked on together", in: checker.Input{Text: "We worked on delegation and on giving feedback to her own team.", Terms: advocacy},
		topics: ts(tTopics), pre: true},
	{name: "ready for more responsibility", in: checker.Input{Text: "She is ready for more responsibility.", Terms: advocacy},
		topics: ts(tGrowth), pre: true},
	{name: "honest limits have no topic", in: checker.Input{Text: "We could not meet as often as planned, so I cannot offer a reliable picture.", Terms: advocacy},
		topics: ts(), pre: false},
	{name: "refusing to rate is a limit", in: checker.Input{Text: "I will not rate her; that is not my role as her mentor.", Terms: advocacy},
		topics: ts(), pre: false},
	{name: "refusing to judge performance", in: checker.Input{Text: "I cannot comment on her performance at work.", Terms: advocacy},
		topics: ts()},
	{name: "refusing a promotion verdict", in: checker.Input{Text: "It is not for me to say whether he should be promoted.", Terms: advocacy},
		topics: ts()},
	{name: "sending the question to the manager is a limit", in: checker.Input{Text: "Anything about her performance review should come from her manager, not from me.", Terms: advocacy},
		topics: ts()},
	{name: "not knowing the appraisal is a limit", in: checker.Input{Text: "I dont know what was in her appraisal.", Terms: advocacy},
		topics: ts()},
	{name: "a deferral does not excuse a trait", in: checker.Input{Text: "She is lazy; ask her manager about her performance.", Terms: advocacy},
		want:   []want{perf("She is lazy; ask her manager about her performance.", "lazy")},
		topics: ts()},
	{name: "supporting the application is not a verdict", in: checker.Input{Text: "I am happy to support her application.", Terms: advocacy},
		topics: ts()},
	{name: "supporting the promotion is", in: checker.Input{Text: "I fully support her promotion.", Terms: advocacy},
		want:   []want{perf("I fully support her promotion.", "support her promotion"), notAllowed("I fully support her promotion.", details)},
		topics: ts(tAll)},
	{name: "whole letter", in: checker.Input{Text: letter, Terms: advocacy},
		topics: ts(tAtt, tTopics, tGrowth), pre: true},
	{name: "courtesy only is not pre-authorised", in: checker.Input{Text: "Dear Frank,\nThank you for asking.\nKind regards,\nAlice", Terms: advocacy},
		topics: ts(), pre: false},
	{name: "attendance count is not a rating", in: checker.Input{Text: "She attended 8 out of 10 sessions.", Terms: advocacy},
		topics: ts(tAtt), pre: true},
	{name: "a date is not a rating", in: checker.Input{Text: "We have met monthly since 12/10/2025.", Terms: advocacy},
		topics: ts(tAtt), pre: true},
	{name: "beyond my expectations is not a review", in: checker.Input{Text: "She engaged with our sessions beyond my expectations.", Terms: advocacy},
		topics: ts(tGrowth), pre: true},
	{name: "aspiration is not a judgement", in: checker.Input{Text: "She wants to become a strong manager, and we worked on that goal.", Terms: advocacy},
		topics: ts(tTopics), pre: true},
	{name: "unreliable thing, not person", in: checker.Input{Text: "The video link was unreliable, so we met in person.", Terms: advocacy},
		topics: ts(tAtt), pre: true},
	{name: "organising is a topic", in: checker.Input{Text: "We worked on organising her week.", Terms: advocacy},
		topics: ts(tTopics), pre: true},
	{name: "building skills is a topic", in: checker.Input{Text: "She is building the skills to lead a team, which we worked on.", Terms: advocacy},
		topics: ts(tTopics), pre: true},
	{name: "mock interview practice", in: checker.Input{Text: "He performed well in the mock interview we practised.", Terms: advocacy},
		topics: ts(tTopics), pre: true},

	// Issue 18 counts verdicts on readiness for a role among judgements
	// (issue 5 had read this sentence as growth); readiness for more
	// responsibility, naming no role, is still growth.
	{name: "readiness for a named role is a verdict", in: checker.Input{Text: "In my view she is ready to take on a team lead role.", Terms: advocacy},
		want:   []want{perf("In my view she is ready to take on a team lead role.", "ready")},
		topics: ts(tGrowth)},
	{name: "readiness for more responsibility is growth", in: checker.Input{Text: "She is ready for more responsibility.", Terms: advocacy},
		topics: ts(tGrowth), pre: true},
	{name: "more comfortable is growth", in: checker.Input{Text: "He has become much more comfortable giving difficult feedback, and acted on the feedback he asked for.", Terms: advocacy},
		topics: ts(tGrowth), pre: true},
	{name: "mentee writes a summary for their manager", in: checker.Input{Text: "My mentor and I worked on my goals for the year.", Terms: topicsToManager, Author: mentee, Recipient: lm},
		topics: ts(tTopics), pre: true},

	// Kept items.
	{name: "kept item word form", in: checker.Input{Text: "He was divorcing at the time, and we worked on his focus.", KeptItems: []string{"my divorce"}, Terms: advocacy},
		want:   []want{kept("He was divorcing at the time, and we worked on his focus.", "divorcing")},
		topics: ts(tTopics)},
	{name: "kept item other pronoun", in: checker.Input{Text: "We worked on planning. She told me about her divorce.", KeptItems: []string{"my divorce"}, Terms: advocacy},
		want:   []want{kept("She told me about her divorce.", "divorce"), notAllowed("She told me about her divorce.", details)},
		topics: ts(tTopics, tAll)},
	{name: "kept item phrase in another order", in: checker.Input{Text: "The Lisbon restructuring weighed on him.", KeptItems: []string{"the restructuring in Lisbon"}, Terms: advocacy},
		want:   []want{kept("The Lisbon restructuring weighed on him.", "Lisbon restructuring"), notAllowed("The Lisbon restructuring weighed on him.", details)},
		topics: ts(tAll)},
	{name: "kept item words apart", in: checker.Input{Text: "After the restructuring he moved to Lisbon, and we discussed his goals.", KeptItems: []string{"the restructuring in Lisbon"}, Terms: advocacy},
		want:   []want{kept("After the restructuring he moved to Lisbon, and we discussed his goals.", "restructuring … Lisbon")},
		topics: ts(tTopics)},
	{name: "art does not match start", in: checker.Input{Text: "She started a new project and we worked on her planning.", KeptItems: []string{"art"}, Terms: advocacy},
		topics: ts(tTopics), pre: true},
	{name: "art matches arts", in: checker.Input{Text: "We worked on her goals for the Arts.", KeptItems: []string{"art"}, Terms: advocacy},
		want:   []want{kept("We worked on her goals for the Arts.", "Arts")},
		topics: ts(tTopics)},
	{name: "a kept item's word naming a team is work", in: checker.Input{Text: "We worked on her goals in the Arts team.", KeptItems: []string{"art"}, Terms: advocacy},
		want:   []want{},
		topics: ts(tTopics), pre: true},
	{name: "kept item only stop words", in: checker.Input{Text: "It is what it is, and she grew.", KeptItems: []string{"it is what it is"}, Terms: advocacy},
		topics: ts(tGrowth), pre: true},
	{name: "kept item possessive and case", in: checker.Input{Text: "Her HEALTH's ups and downs shaped our goals.", KeptItems: []string{"Health"}, Terms: advocacy},
		want:   []want{kept("Her HEALTH's ups and downs shaped our goals.", "HEALTH's")},
		topics: ts(tTopics)},
	{name: "kept item partly repeated", in: checker.Input{Text: "We talked about her mental health.", KeptItems: []string{"mental health struggles"}, Terms: advocacy},
		want:   []want{kept("We talked about her mental health.", "mental health")},
		topics: ts(tTopics)},

	// Performance judgements, each beside the advocacy it differs from.
	{name: "disorganised", in: checker.Input{Text: "We worked on planning. She is disorganised.", Terms: advocacy},
		want:   []want{perf("She is disorganised.", "disorganised"), notAllowed("She is disorganised.", details)},
		topics: ts(tTopics, tAll)},
	{name: "negated trait is still a judgement", in: checker.Input{Text: "He is not disorganised at all.", Terms: advocacy},
		want:   []want{perf("He is not disorganised at all.", "disorganised"), notAllowed("He is not disorganised at all.", details)},
		topics: ts(tAll)},
	{name: "unprofessional", in: checker.Input{Text: "He was unprofessional with a client.", Terms: advocacy},
		want:   []want{perf("He was unprofessional with a client.", "unprofessional"), notAllowed("He was unprofessional with a client.", details)},
		topics: ts(tAll)},
	{name: "poor performer", in: checker.Input{Text: "Frankly, she is a poor performer.", Terms: advocacy},
		want:   []want{perf("Frankly, she is a poor performer.", "poor performer"), notAllowed("Frankly, she is a poor performer.", details)},
		topics: ts(tAll)},
	{name: "lacks the skills", in: checker.Input{Text: "He lacks the skills for a lead role.", Terms: advocacy},
		want:   []want{perf("He lacks the skills for a lead role.", "lacks the skills"), notAllowed("He lacks the skills for a lead role.", details)},
		topics: ts(tAll)},
	{name: "growth wrapped round a trait", in: checker.Input{Text: "She grew, though she is still lazy.", Terms: advocacy},
		want:   []want{perf("She grew, though she is still lazy.", "lazy")},
		topics: ts(tGrowth)},
	{name: "unreliable person", in: checker.Input{Text: "Bob is unreliable.", Terms: advocacy},
		want:   []want{perf("Bob is unreliable.", "Bob is unreliable"), notAllowed("Bob is unreliable.", details)},
		topics: ts(tAll)},
	{name: "employee noun", in: checker.Input{Text: "He is an excellent engineer.", Terms: advocacy},
		want:   []want{perf("He is an excellent engineer.", "excellent engineer"), notAllowed("He is an excellent engineer.", details)},
		topics: ts(tAll)},
	{name: "rating out of ten", in: checker.Input{Text: "I would rate her 7/10 overall.", Terms: advocacy},
		want: []want{perf("I would rate her 7/10 overall.", "rate her"), perf("I would rate her 7/10 overall.", "7/10"),
			notAllowed("I would rate her 7/10 overall.", details)},
		topics: ts(tAll)},
	{name: "rating in words", in: checker.Input{Text: "Three out of five for teamwork.", Terms: advocacy},
		want:   []want{perf("Three out of five for teamwork.", "Three out of five"), notAllowed("Three out of five for teamwork.", details)},
		topics: ts(tAll)},
	{name: "meets expectations", in: checker.Input{Text: "She meets expectations.", Terms: advocacy},
		want:   []want{perf("She meets expectations.", "meets expectations"), notAllowed("She meets expectations.", details)},
		topics: ts(tAll)},
	{name: "peer comparison inside growth", in: checker.Input{Text: "She is more confident than her peers.", Terms: advocacy},
		want:   []want{perf("She is more confident than her peers.", "more confident than her peers")},
		topics: ts(tGrowth)},
	{name: "the rest of the team", in: checker.Input{Text: "We worked on planning, where he is better than the rest of the team.", Terms: advocacy},
		want:   []want{perf("We worked on planning, where he is better than the rest of the team.", "better than the rest of the team")},
		topics: ts(tTopics)},
	{name: "strongest on the team", in: checker.Input{Text: "She is the strongest analyst on the team.", Terms: advocacy},
		want:   []want{perf("She is the strongest analyst on the team.", "strongest analyst on the team"), notAllowed("She is the strongest analyst on the team.", details)},
		topics: ts(tAll)},
	{name: "top performer", in: checker.Input{Text: "He is a top performer.", Terms: advocacy},
		want:   []want{perf("He is a top performer.", "top performer"), notAllowed("He is a top performer.", details)},
		topics: ts(tAll)},
	{name: "ready for promotion is a verdict", in: checker.Input{Text: "She is ready for promotion.", Terms: advocacy},
		want:   []want{perf("She is ready for promotion.", "ready for promotion")},
		topics: ts(tGrowth)},
	{name: "would make a great team lead is a verdict", in: checker.Input{Text: "She would make a great team lead.", Terms: advocacy},
		want:   []want{perf("She would make a great team lead.", "would make a great team lead"), notAllowed("She would make a great team lead.", details)},
		topics: ts(tAll)},
	{name: "bottom ten percent", in: checker.Input{Text: "He is in the bottom 10% of his team.", Terms: advocacy},
		want:   []want{perf("He is in the bottom 10% of his team.", "bottom 10%"), notAllowed("He is in the bottom 10% of his team.", details)},
		topics: ts(tAll)},
	{name: "should not be promoted", in: checker.Input{Text: "He should not be promoted yet.", Terms: advocacy},
		want:   []want{perf("He should not be promoted yet.", "should not be promoted"), notAllowed("He should not be promoted yet.", details)},
		topics: ts(tAll)},
	{name: "should have been promoted", in: checker.Input{Text: "She should have been promoted years ago.", Terms: advocacy},
		want:   []want{perf("She should have been promoted years ago.", "should have been promoted"), notAllowed("She should have been promoted years ago.", details)},
		topics: ts(tAll)},
	{name: "promotion overdue", in: checker.Input{Text: "Her promotion is long overdue.", Terms: advocacy},
		want:   []want{perf("Her promotion is long overdue.", "promotion is long overdue"), notAllowed("Her promotion is long overdue.", details)},
		topics: ts(tAll)},
	{name: "a trait whose object is the mentoring", in: checker.Input{Text: "He has been diligent about preparing for our sessions.", Terms: advocacy},
		want:   []want{notAllowed("He has been diligent about preparing for our sessions.", details)},
		topics: ts(tAll)},
	{name: "the same trait of his work", in: checker.Input{Text: "He has been diligent about his client reports.", Terms: advocacy},
		want:   []want{perf("He has been diligent about his client reports.", "He has been diligent"), notAllowed("He has been diligent about his client reports.", details)},
		topics: ts(tAll)},
	{name: "a professional qualification evaluates nothing", in: checker.Input{Text: "He is working towards a professional qualification.", Terms: advocacy},
		want:   []want{notAllowed("He is working towards a professional qualification.", details)},
		topics: ts(tAll)},
	{name: "review words as a topic the mentee asked about", in: checker.Input{Text: "She asked how ratings are calibrated across teams.", Terms: advocacy},
		want:   []want{notAllowed("She asked how ratings are calibrated across teams.", details)},
		topics: ts(tAll)},
	{name: "a topic clause about the person being something judges", in: checker.Input{Text: "We talked about how she is the strongest analyst on the team.", Terms: advocacy},
		want:   []want{perf("We talked about how she is the strongest analyst on the team.", "strongest analyst on the team")},
		topics: ts(tTopics)},
	{name: "a contraction is read in full", in: checker.Input{Text: "Luis isn't ready for a team lead role yet.", Terms: advocacy},
		want:   []want{perf("Luis isn't ready for a team lead role yet.", "isn't ready for a team lead role")},
		topics: ts(tGrowth)},
	{name: "a recommendation in other words", in: checker.Input{Text: "I have no hesitation in recommending Owain for the post of deputy head.", Terms: advocacy},
		want:   []want{perf("I have no hesitation in recommending Owain for the post of deputy head.", "recommending Owain for the post"), notAllowed("I have no hesitation in recommending Owain for the post of deputy head.", details)},
		topics: ts(tAll)},
	{name: "chat without apostrophes", in: checker.Input{Text: "shes not the most reliable, been late a fair few times", Terms: advocacy},
		want:   []want{perf("shes not the most reliable, been late a fair few times", "shes not the most"), notAllowed("shes not the most reliable, been late a fair few times", details)},
		topics: ts(tAll)},
	{name: "a hedged trait in other words", in: checker.Input{Text: "Brendan could show a bit more initiative chasing suppliers.", Terms: advocacy},
		want:   []want{perf("Brendan could show a bit more initiative chasing suppliers.", "could show a bit more initiative")},
		topics: ts(tGrowth)},
	{name: "preparing for an appraisal is not one", in: checker.Input{Text: "We went over how to prep for her performance review.", Terms: advocacy},
		want:   []want{notAllowed("We went over how to prep for her performance review.", details)},
		topics: ts(tAll)},
	{name: "would not recommend is a verdict", in: checker.Input{Text: "I would not recommend her for promotion.", Terms: advocacy},
		want:   []want{perf("I would not recommend her for promotion.", "recommend her for promotion"), notAllowed("I would not recommend her for promotion.", details)},
		topics: ts(tAll)},
	{name: "her performance", in: checker.Input{Text: "Her performance has slipped this year.", Terms: advocacy},
		want:   []want{perf("Her performance has slipped this year.", "Her performance"), notAllowed("Her performance has slipped this year.", details)},
		topics: ts(tAll)},

	// Topics against the signed clauses.
	{name: "topics allowed, details not", in: checker.Input{Text: "We worked on delegation. She told me she is thinking of leaving.", Terms: topicsToManager, Recipient: lm},
		want:   []want{notAllowed("She told me she is thinking of leaving.", details)},
		topics: ts(tTopics, tAll)},
	{name: "topics allowed to the manager only", in: checker.Input{Text: "We worked on delegation.", Terms: topicsToManager, Recipient: lm},
		topics: ts(tTopics), pre: true},
	{name: "two topics in a sentence, one not allowed", in: checker.Input{Text: "We met every two weeks and worked on delegation.", Terms: topicsToManager, Recipient: lm},
		want:   []want{notAllowed("We met every two weeks and worked on delegation.", attendance)},
		topics: ts(tAtt, tTopics)},
	{name: "permission each time", in: checker.Input{Text: "She grew in confidence.", Terms: topicsToManager},
		want:   []want{notAllowed("She grew in confidence.", growth)},
		topics: ts(tGrowth)},
	{name: "exception only", in: checker.Input{Text: "She told me something that worried me.", Terms: exceptionOnly, Recipient: mentorvault.ToSupervisor},
		want:   []want{notAllowed("She told me something that worried me.", details)},
		topics: ts(tAll)},
	{name: "recipient mismatch", in: checker.Input{Text: "We met twelve times this year.", Terms: attendanceToCoordinator},
		want:   []want{notAllowed("We met twelve times this year.", attendance)},
		topics: ts(tAtt)},
	{name: "same clause, right recipient", in: checker.Input{Text: "We met twelve times this year.", Terms: attendanceToCoordinator, Recipient: mentorvault.ToCoordinator},
		topics: ts(tAtt), pre: true},
	{name: "named item allowed", in: checker.Input{Text: "Her move to the Lisbon office went smoothly. She grew in confidence.", Terms: namedItem},
		topics: ts(tItem, tGrowth), pre: true},
	{name: "named item, other recipient", in: checker.Input{Text: "Her move to the Lisbon office went smoothly.", Terms: namedItem, Recipient: lm},
		want:   []want{notAllowed("Her move to the Lisbon office went smoothly.", "“Her move to the Lisbon office”")},
		topics: ts(tItem)},
	{name: "named item for a named person", in: checker.Input{Text: "She won the mentoring award.", Terms: namedItem, Recipient: mentorvault.ToNamedPerson, RecipientName: "dana reyes"},
		topics: ts(tItem), pre: true},
	{name: "named item, other named person", in: checker.Input{Text: "She won the mentoring award.", Terms: namedItem, Recipient: mentorvault.ToNamedPerson, RecipientName: "Sam Ortiz"},
		want:   []want{notAllowed("She won the mentoring award.", "“the mentoring award”")},
		topics: ts(tItem)},
	{name: "partial item mention is not the item", in: checker.Input{Text: "She visited the Lisbon office.", Terms: namedItem},
		want:   []want{notAllowed("She visited the Lisbon office.", details)},
		topics: ts(tAll)},
	{name: "clause expired with the relationship", in: checker.Input{Text: "We worked on delegation.", Terms: duringOnly, Recipient: lm, EndedAt: &endedLastMonth},
		want:   []want{notAllowed("We worked on delegation.", topicsGoal)},
		topics: ts(tTopics)},
	{name: "clause still running after the end", in: checker.Input{Text: "She grew in confidence.", Terms: yearAfter, EndedAt: &endedTwoMonths},
		topics: ts(tGrowth), pre: true},
	{name: "no agreement in force", in: checker.Input{Text: "We worked on delegation.", Terms: nil},
		want:   []want{notAllowed("We worked on delegation.", topicsGoal)},
		topics: ts(tTopics)},
	{name: "clause for the mentor only, mentee writes", in: checker.Input{Text: "He grew in confidence.", Terms: advocacy, Author: mentee},
		want:   []want{notAllowed("He grew in confidence.", growth)},
		topics: ts(tGrowth)},

	// Sentence splitting.
	{name: "e.g. does not end a sentence", in: checker.Input{Text: "We worked on skills, e.g. delegation and feedback. She is disorganised.", Terms: advocacy},
		want:   []want{perf("She is disorganised.", "disorganised"), notAllowed("She is disorganised.", details)},
		topics: ts(tTopics, tAll)},
	{name: "Dr. does not end a sentence", in: checker.Input{Text: "We read a book by Dr. Ruiz on delegation, which we worked on. She is lazy!", Terms: advocacy},
		want:   []want{perf("She is lazy!", "lazy"), notAllowed("She is lazy!", details)},
		topics: ts(tTopics, tAll)},
	{name: "a line break ends a sentence", in: checker.Input{Text: "  We worked on delegation\n  she is a poor performer  ", Terms: advocacy},
		want:   []want{perf("she is a poor performer", "poor performer"), notAllowed("she is a poor performer", details)},
		topics: ts(tTopics, tAll)},
	{name: "findings in sentence order, then kind", in: checker.Input{Text: "Her divorce made her disorganised. She grew.", KeptItems: []string{"divorce"}, Terms: advocacy},
		want: []want{kept("Her divorce made her disorganised.", "divorce"), perf("Her divorce made her disorganised.", "disorganised"),
			notAllowed("Her divorce made her disorganised.", details)},
		topics: ts(tAll, tGrowth)},
}
