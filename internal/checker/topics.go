package checker

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mentorvault/mentorvault"
)

// Topic detection. Each sentence is, in this order:
//
//  1. an honest limit ("we could not meet as often as planned, so I cannot
//     offer a reliable picture", "I will not rate her", "what we discuss
//     stays between us"): no topic;
//  2. a plain courtesy as a whole — a greeting, a sign-off, a thank-you, a
//     subject line or a signature line: no topic;
//  3. otherwise its topics by cue words: a clause's named item (all of the
//     item's content words, in any simple word form), attendance (meeting
//     counts and frequency, attendance, missed or cancelled sessions),
//     growth (grew, confidence, readiness, progress, engagement, improved,
//     learned, more comfortable, acted on feedback, proactive) and topics and goals (worked on, focused on, goals, topics,
//     discussed, explored). A sentence may carry several; it is allowed only
//     if every one is, and the first that is not decides its finding;
//  4. with no cue, an offer or framing sentence ("I am happy to answer
//     questions", "I have been her mentor since March", "I am writing in
//     response to your request"): no topic, since the requester already
//     knows the relationship exists;
//  5. anything else states content: "details from the mentoring"
//     (WhatEverything).

var limitVerbs = `(?:say|judge|rate|score|grade|rank|assess|evaluate|comment|speak|offer|give|provide|compare|vouch|review|share|describe|report|disclose|form|draw|go\s+into|add|reveal|discuss\s+(?:details|specifics|the\s+content))`

var limitRe = rx(`\b(?:i|we)(?:\s+(?:really|honestly|simply|therefore|also|just|still))?\s+(?:cannot|can` + apos + `?t|can\s+not|will\s+not|won` + apos + `t|would\s+not|wouldn` + apos + `t|do\s+not|don` + apos + `t|prefer\s+not\s+to|decline\s+to|(?:am|are)\s+(?:not\s+able|unable|not\s+in\s+a\s+position)\s+to)\s+(?:\w+\s+){0,3}?` + limitVerbs + `\b` +
	`|\b(?:i` + apos + `m|we` + apos + `re)\s+(?:not\s+able|unable|not\s+in\s+a\s+position)\s+to\s+(?:\w+\s+){0,3}?` + limitVerbs + `\b` +
	`|\b(?:i` + apos + `d|i\s+would)\s+rather\s+not\b` +
	`|\bnot\s+(?:for\s+me|my\s+place|my\s+role)\s+to\b` +
	`|\b(?:reliable|full|complete|fair|rounded|accurate)\s+picture\b` +
	`|\b(?:i|we)\s+(?:can\s+)?only\s+(?:speak|comment|say|talk)\b` +
	`|\b(?:stays?|remains?|is\s+kept|are\s+kept)\s+(?:\w+\s+)?(?:confidential|private|between\s+us)\b`)

// Whole-sentence courtesies.
var courtesyRe = []*regexp.Regexp{
	rx(`^(?:dear|hello|hi|hey|good\s+(?:morning|afternoon|evening)|greetings|to\s+whom\s+it\s+may\s+concern)\b[^.!?;]{0,60}[,:.!]?$`),
	rx(`^(?:(?:kind|best|warm|warmest|many|with\s+best)\s+)?(?:regards|wishes)\b[^;]{0,40}$`),
	rx(`^(?:yours\s+(?:sincerely|faithfully|truly)|sincerely|cheers|with\s+thanks|best|thanks|thank\s+you|many\s+thanks)[\s,.!]*$`),
	rx(`^(?:thank\s+you|many\s+thanks|thanks)\s+(?:(?:very|so)\s+much\s+)?(?:for|again|in\s+advance)\b[^;]{0,80}$`),
	rx(`^(?:re|subject|fwd?)\s*:`),
}

// Offers and framing: no topic when no cue word is present.
var framingRe = rx(`\b(?:happy|glad|pleased|available)\s+to\s+(?:answer|help|talk|discuss|speak|clarify|follow\s+up)\b` +
	`|\b(?:happy|glad|pleased|delighted)\s+to\s+(?:support|back|endorse)\s+(?:his|her|their)\s+application\b` +
	`|\bplease\s+(?:do\s+)?(?:let\s+me\s+know|get\s+in\s+touch|contact|feel\s+free|reach\s+out)\b` +
	`|\b(?:feel\s+free\s+to|do\s+not\s+hesitate|don` + apos + `t\s+hesitate)\b` +
	`|\bany\s+(?:further\s+|other\s+|more\s+)?questions\b` +
	`|^(?:i\s+am|i` + apos + `m)\s+writing\b` +
	`|\bin\s+(?:response|reply)\s+to\s+your\s+(?:request|question|email|message|note)\b` +
	`|\byou\s+asked\s+(?:me\s+)?(?:for|about|whether|if|to)\b` +
	`|\b(?:i\s+have|i` + apos + `ve)\s+been\s+(?:\w+` + apos + `s\s+|his\s+|her\s+|their\s+|a\s+|the\s+)?mentor\b` +
	`|\b(?:i\s+am|i` + apos + `m)\s+(?:\w+` + apos + `s\s+|his\s+|her\s+|their\s+|a\s+|the\s+)?mentor\b` +
	`|\b(?:i\s+have|i` + apos + `ve)\s+(?:been\s+)?mentor(?:ed|ing)\b`)

var (
	attendanceRe = rx(`\bwe\s+(?:have\s+|had\s+|usually\s+|regularly\s+)?(?:met|meet)\b` +
		`|\bmet\s+(?:\w+\s+){0,3}?(?:times|weekly|monthly|fortnightly|every|regularly|twice|once|since)\b` +
		`|\battend(?:ed|s|ing|ance)?\b` +
		`|\b(?:missed|cancell?ed|canceled|rescheduled|postponed|skipped)\s+(?:\w+\s+){0,2}?(?:sessions?|meetings?|calls?)\b` +
		`|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a\s+few|a\s+dozen)\s+(?:\w+\s+)?(?:sessions|meetings|calls)\b` +
		`|\b(?:weekly|fortnightly|monthly|regular)\s+(?:sessions?|meetings?|calls?)\b` +
		`|\b(?:every|each)\s+(?:week|two\s+weeks|fortnight|month|other\s+week)\b|\b(?:once|twice)\s+a\s+(?:week|month|fortnight)\b` +
		`|\bas\s+often\s+as\b|\b(?:punctual|no-?shows?)\b|\bon\s+time\b` +
		`|\bcame\s+to\s+(?:every|all|most|each|half)\s+(?:of\s+(?:our|the)\s+)?(?:sessions?|meetings?)\b`)
	growthRe = rx(`\b(?:grew|grow|grown|grows|growing|growth|confiden(?:t|ce|tly)|self-?confiden(?:t|ce)|readiness|ready\s+(?:for|to)|progress(?:ed|es|ing)?|developed|engag(?:ed|ement|ing|es)|improved|learned|learnt|matured?|maturity|stepped\s+up|self-?awareness|reflective|reflected|open\s+to\s+feedback|committed|commitment|came\s+prepared|well\s+prepared|curious|curiosity|resilien(?:t|ce)|assured|initiative|took\s+ownership|strides|blossomed|flourished|(?:more|increasingly)\s+(?:comfortable|at\s+ease|assured|willing)|(?:has|have|had)\s+become|acted\s+on|(?:asked|asks|sought|seeks|welcomed|welcomes)\s+(?:for\s+)?feedback|proactive(?:ly)?|took\s+on|taken\s+on|candid|candour|candor)\b`)
	topicsRe = rx(`\b(?:work(?:ed|ing)?\s+(?:on|through|together\s+on)|focus(?:ed|sed|es|ing)?\s+on|topics?|goals?|themes?|objectives?|discuss(?:ed|ing)?|talked\s+(?:about|through)|explor(?:ed|ing)|looked\s+at|covered|aim(?:s|ed)?\s+(?:to|at|was)|wanted\s+to\s+(?:improve|develop|work|build|get\s+better)|areas?\s+(?:such\s+as|like|of)|practi[sc](?:ed|ing))\b`)
)

// Prefilters for the patterns above (see containsAny).
var (
	limitKeys      = kw("not|n't|n’t|cant|unable|decline|rather|picture|only|confidential|private|between")
	framingKeys    = kw("happy|glad|pleased|available|please|free|hesitate|questions|writing|response|reply|asked|mentor")
	attendanceKeys = kw("we|met|attend|miss|cancel|resched|postpon|skip|session|meeting|call|every|each|once|twice|often|punctual|show|time|came")
	growthKeys     = kw("grew|grow|confiden|readiness|ready|progress|developed|engag|improved|learn|matur|stepped|awareness|reflect|feedback|committed|commitment|prepared|curio|resilien|assured|initiative|ownership|strides|blossomed|flourished|comfortable|ease|willing|become|acted|proactive|took|taken|candi|cando")
	topicsKeys     = kw("work|focus|topic|goal|theme|objective|discuss|talked|explor|looked|covered|aim|wanted|area|practi")
)

// sentenceKind is what topic detection makes of a sentence.
type sentenceKind int

const (
	kindContent  sentenceKind = iota // has topics
	kindLimit                        // an honest limit
	kindCourtesy                     // a courtesy, offer or framing
)

// candidate is one topic of a sentence; item is set for WhatItem.
type candidate struct {
	what mentorvault.DisclosureWhat
	item string
}

// courtesy: the sentence as a whole is a greeting, a sign-off or a
// thank-you ("Kind regards,").
func courtesy(s string) bool {
	bare := strings.TrimLeftFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, re := range courtesyRe {
		if re.MatchString(bare) {
			return true
		}
	}
	return false
}

// classify returns the sentence's kind and, for content, its topics in
// order: item, attendance, growth, topics and goals, or everything alone.
func classify(s, low string, toks []token, ix index, items []phrase) (sentenceKind, []candidate) {
	if containsAny(low, limitKeys) && limitRe.MatchString(s) {
		return kindLimit, nil
	}
	if courtesy(s) {
		return kindCourtesy, nil
	}
	if isSignature(s, toks) {
		return kindCourtesy, nil
	}
	var cs []candidate
	for _, p := range items {
		if _, _, ok := p.match(s, toks, ix, true); ok {
			cs = append(cs, candidate{mentorvault.WhatItem, p.text})
		}
	}
	if containsAny(low, attendanceKeys) && attendanceRe.MatchString(s) {
		cs = append(cs, candidate{what: mentorvault.WhatAttendance})
	}
	if containsAny(low, growthKeys) && growthRe.MatchString(s) {
		cs = append(cs, candidate{what: mentorvault.WhatGrowth})
	}
	if containsAny(low, topicsKeys) && topicsRe.MatchString(s) {
		cs = append(cs, candidate{what: mentorvault.WhatTopicsGoals})
	}
	if len(cs) > 0 {
		return kindContent, cs
	}
	if containsAny(low, framingKeys) && framingRe.MatchString(s) {
		return kindCourtesy, nil
	}
	if defers(s, low) {
		return kindLimit, nil // "anything about her appraisal should come from her manager"
	}
	return kindContent, []candidate{{what: mentorvault.WhatEverything}}
}

// isSignature: a short line of capitalised words with no closing full stop
// ("Alice Smith", "Alice (mentor)").
func isSignature(s string, toks []token) bool {
	if len(toks) == 0 || len(toks) > 4 {
		return false
	}
	if r, _ := utf8.DecodeLastRuneInString(s); r == '.' || r == '!' || r == '?' {
		return false
	}
	for _, t := range toks {
		r, _ := utf8.DecodeRuneInString(s[t.start:])
		if !unicode.IsUpper(r) && t.lower != "mentor" && t.lower != "mentee" {
			return false
		}
	}
	return true
}
