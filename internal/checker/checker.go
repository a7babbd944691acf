// Package checker is the statement checker (DESIGN.md §5, issue 5): it
// reads a draft a party writes for a third party and explains, sentence by
// sentence, what the subject should know before it leaves the pair — words
// from the subject's kept-confidential items, performance-review language
// and judgements of the person as an employee, and topics no signed clause
// lets the author share with this recipient. Since issue 18 it reads
// meaning as well as words: kept items through a concept lexicon
// (lexicon.go), judgements through composed rules (judgements.go) and an
// evaluation net over embedded lexicons (assess.go) beneath the word lists
// (performance.go). It is not a model and calls nothing: the same input
// always gives the same findings, each with the sentence that caused it,
// the words that triggered it, why, and a suggestion. docs/checker.md
// gives its measured precision and recall and what it cannot catch.
// Findings warn; they never block.
package checker

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
)

// Input is one draft and what it is checked against.
type Input struct {
	Text          string
	KeptItems     []string                    // the subject's kept-confidential items (their words from the signed agreement)
	Terms         *mentorvault.AgreementTerms // the agreement in force; nil when none (then every topic is "not allowed")
	Author        mentorvault.Party           // PartyMentor or PartyMentee: who writes
	Recipient     mentorvault.Recipient       // who receives it (ToPromotionHR, ToLineManager, ToCoordinator, ToSupervisor, ToNamedPerson)
	RecipientName string                      // for ToNamedPerson
	At            time.Time
	EndedAt       *time.Time
}

// Finding kinds.
const (
	KindKeptItem    = "kept_item"   // matches something the subject asked to keep confidential
	KindPerformance = "performance" // performance-review language / judgement of the person as an employee
	KindNotAllowed  = "not_allowed" // a topic no signed clause lets the author share with this recipient
)

// kindOrder orders the findings of one sentence.
var kindOrder = map[string]int{KindKeptItem: 0, KindPerformance: 1, KindNotAllowed: 2}

// Finding is one explained warning.
type Finding struct {
	Kind        string `json:"kind"`
	Sentence    string `json:"sentence"`    // the sentence that caused it, as written
	Match       string `json:"match"`       // the words that matched (for not_allowed: the topic label)
	Explanation string `json:"explanation"` // plain English, safe to show to both parties
	Suggestion  string `json:"suggestion"`
}

// Result is the checker's answer.
type Result struct {
	Findings      []Finding                    `json:"findings"`       // never nil: [] when clean
	Topics        []mentorvault.DisclosureWhat `json:"topics"`         // topics detected, in first-seen order, no repeats
	PreAuthorised bool                         `json:"pre_authorised"` // true only when there are no findings, at least one topic was detected, and every sentence's topic is allowed by a signed clause with condition "always" for this author and recipient (Terms.MayDisclose(...).Allowed with PermissionGiven=false, ExceptionApplies=false)
}

// Check runs every rule over in.Text. Deterministic: same input, same output.
// A sentence with several topics (see classify) is allowed only when all of
// them are, and Topics lists every topic detected. Kept items and
// performance language are checked in every sentence, courtesies and
// honest limits included; only topics skip those, and the judgement
// model skips a sentence that is a courtesy as a whole ("Kind regards,").
func Check(in Input) Result {
	res := Result{Findings: []Finding{}, Topics: []mentorvault.DisclosureWhat{}}
	c := newRun(in)
	topicSentences := 0
	for _, s := range splitSentences(in.Text) {
		toks := tokenize(s)
		low := lowerASCII(s)
		var fs []finding

		// Kept items.
		ix := indexOf(toks)
		for _, p := range c.kept {
			if m, via, ok := p.match(s, toks, ix, false); ok {
				expl := fmt.Sprintf("This mentions “%s”, which %s asked to keep confidential.", p.text, c.subject)
				if via != "" {
					expl = fmt.Sprintf("“%s” says in other words “%s”, which %s asked to keep confidential (the checker reads it as %s).", m, p.text, c.subject, via)
				}
				fs = append(fs, finding{pos: toks[0].start, Finding: Finding{
					Kind: KindKeptItem, Sentence: s, Match: m,
					Explanation: expl,
					Suggestion:  fmt.Sprintf("Leave it out, or put it in general words that do not reveal it; %s decides whether it is shared.", c.subject),
				}})
			}
		}

		// Performance language, and evaluations in other words beneath it.
		pms := performanceMatches(s, low)
		if len(pms) == 0 && len(fs) == 0 {
			if a, b, ok := assess(s, toks, ix); ok && !refused(s, low) {
				pms = append(pms, perfMatch{start: a, end: b, fam: famAssess})
			} else if a, b, top, ok := modelJudges(s, toks); ok && !courtesy(s) {
				fs = append(fs, finding{pos: a, Finding: Finding{
					Kind: KindPerformance, Sentence: s, Match: s[a:b], Explanation: modelText(top),
					Suggestion: "Leave the judgement out, or describe what you saw in your sessions instead (what they worked on, how they grew), or say what you cannot judge.",
				}})
			}
		}
		for _, m := range pms {
			expl, sugg := perfText(m.fam, s[m.start:m.end])
			fs = append(fs, finding{pos: m.start, Finding: Finding{
				Kind: KindPerformance, Sentence: s, Match: s[m.start:m.end], Explanation: expl, Suggestion: sugg,
			}})
		}

		// Topics against the signed clauses.
		kind, cands := classify(s, low, toks, ix, c.items)
		if kind == kindContent {
			topicSentences++
			var deciding *candidate
			for i := range cands {
				if !slices.Contains(res.Topics, cands[i].what) {
					res.Topics = append(res.Topics, cands[i].what)
				}
				if deciding == nil && !c.answer(cands[i]).Allowed {
					deciding = &cands[i]
				}
			}
			if deciding != nil {
				label := c.topicLabel(*deciding)
				expl, sugg := c.notAllowedText(*deciding, label)
				fs = append(fs, finding{pos: len(s), Finding: Finding{
					Kind: KindNotAllowed, Sentence: s, Match: label, Explanation: expl, Suggestion: sugg,
				}})
			}
		}

		slices.SortStableFunc(fs, func(a, b finding) int {
			if d := kindOrder[a.Kind] - kindOrder[b.Kind]; d != 0 {
				return d
			}
			return a.pos - b.pos
		})
		for _, f := range fs {
			res.Findings = append(res.Findings, f.Finding)
		}
	}
	res.PreAuthorised = len(res.Findings) == 0 && topicSentences > 0
	return res
}

type finding struct {
	Finding
	pos int // where in the sentence, for ordering
}

// run holds what one Check call derives from its input once.
type run struct {
	in      Input
	terms   *mentorvault.AgreementTerms
	kept    []phrase
	items   []phrase // the items named by clauses
	author  string   // "the mentor"
	subject string   // "the mentee"
	to      string   // "promotion panels and HR"
	answers map[candidate]mentorvault.DisclosureAnswer
}

func newRun(in Input) *run {
	c := &run{in: in, terms: in.Terms, answers: map[candidate]mentorvault.DisclosureAnswer{}}
	if c.terms == nil {
		c.terms = &mentorvault.AgreementTerms{}
	}
	for _, k := range in.KeptItems {
		if p := newPhrase(k, true); len(p.slots) > 0 {
			c.kept = append(c.kept, p)
		}
	}
	seen := map[string]bool{}
	for _, cl := range c.terms.Clauses {
		key := strings.ToLower(strings.TrimSpace(cl.Item))
		if cl.What != mentorvault.WhatItem || seen[key] {
			continue
		}
		seen[key] = true
		if p := newPhrase(cl.Item, false); len(p.slots) > 0 {
			p.text = strings.TrimSpace(cl.Item) // MayDisclose compares the clause's own words
			c.items = append(c.items, p)
		}
	}
	switch in.Author {
	case mentorvault.PartyMentor:
		c.author, c.subject = "the mentor", "the mentee"
	case mentorvault.PartyMentee:
		c.author, c.subject = "the mentee", "the mentor"
	default:
		c.author, c.subject = "the author", "the other party"
	}
	c.to = recipientLabel(in.Recipient, in.RecipientName)
	return c
}

func recipientLabel(r mentorvault.Recipient, name string) string {
	switch {
	case r == mentorvault.ToNamedPerson && strings.TrimSpace(name) != "":
		return strings.Join(strings.Fields(name), " ")
	case r == mentorvault.ToNamedPerson:
		return "the named person"
	case slices.Contains(mentorvault.Recipients, r):
		return mentorvault.Label(string(r))
	}
	return "this recipient"
}

func (c *run) query(cd candidate) mentorvault.DisclosureQuery {
	return mentorvault.DisclosureQuery{
		Discloser: c.in.Author, What: cd.what, Item: cd.item,
		Recipient: c.in.Recipient, RecipientName: c.in.RecipientName,
		At: c.in.At, EndedAt: c.in.EndedAt,
	}
}

// answer asks the signed clauses, once per topic per Check.
func (c *run) answer(cd candidate) mentorvault.DisclosureAnswer {
	if a, ok := c.answers[cd]; ok {
		return a
	}
	a := c.terms.MayDisclose(c.query(cd))
	c.answers[cd] = a
	return a
}

func (c *run) topicLabel(cd candidate) string {
	switch cd.what {
	case mentorvault.WhatAttendance:
		return "meeting attendance"
	case mentorvault.WhatGrowth:
		return "observations of growth and engagement"
	case mentorvault.WhatTopicsGoals:
		return "the topics and goals worked on"
	case mentorvault.WhatItem:
		return "“" + cd.item + "”"
	}
	return "details from the mentoring"
}

// notAllowedText explains why a topic may not go to this recipient, from
// the deciding clause's answer, and what to do instead.
func (c *run) notAllowedText(cd candidate, label string) (explanation, suggestion string) {
	a := c.answer(cd)
	shares := "This shares " + label + ". "
	ask := fmt.Sprintf("Leave it out, or ask %s for consent: the subject decides.", c.subject)
	switch {
	case c.in.Terms == nil:
		return shares + fmt.Sprintf("No signed agreement is in force, so nothing may be shared with %s.", c.to), ask
	case a.NeedsPermission:
		return shares + fmt.Sprintf("The signed agreement lets %s share this with %s only with %s's permission each time.", c.author, c.to, c.subject),
			fmt.Sprintf("Ask %s for permission before it is released (they see the draft first), or leave it out.", c.subject)
	case a.NeedsException:
		return shares + fmt.Sprintf("The signed agreement lets %s share this with %s only when one of its exceptions applies (such as a duty of care or a duty in law).", c.author, c.to),
			fmt.Sprintf("Leave it out. If you believe an exception applies, raise a concern instead, so that %s hears of it first.", c.subject)
	}
	// No clause covers it now. Say why, when the reason is plain.
	if c.in.EndedAt != nil {
		q := c.query(cd)
		q.EndedAt = nil
		if before := c.terms.MayDisclose(q); before.Clause >= 0 {
			return shares + fmt.Sprintf("A signed clause covered this only for a time, and that time ended with the relationship, so it now stays confidential from %s.", c.to), ask
		}
	}
	var others []string
	for _, r := range mentorvault.Recipients {
		if r == c.in.Recipient || r == mentorvault.ToNamedPerson {
			continue
		}
		q := c.query(cd)
		q.Recipient, q.RecipientName = r, ""
		if c.terms.MayDisclose(q).Clause >= 0 {
			others = append(others, recipientLabel(r, ""))
		}
	}
	if len(others) > 0 {
		return shares + fmt.Sprintf("A signed clause covers this for %s, but none lets %s share it with %s, so it stays confidential.", strings.Join(others, " and "), c.author, c.to), ask
	}
	return shares + fmt.Sprintf("No signed clause lets %s share this with %s, so it stays confidential.", c.author, c.to), ask
}
