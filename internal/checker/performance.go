package checker

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The performance lexicon: language that reviews the person as an employee
// rather than speaking of them as a mentee. Each rule belongs to a family
// with its own explanation and suggestion. Choices, so that they can be
// argued with:
//
//   - Traits ("disorganised", "unprofessional", "incompetent", "lazy",
//     "sloppy", "unmotivated", "slow learner", "underperforms", "poor/top
//     performer", "high potential",
//     "lacks the skills", "not competent", "out of her depth", "not a team
//     player", "difficult to work with", "misses deadlines") are flagged
//     wherever they occur, negated or not: "she is not disorganised" still
//     judges her as an employee. Words that are also said of things
//     ("unreliable", "careless", "slow", "weak", "difficult") are flagged only
//     when said of a person ("she is unreliable", "unreliable as an
//     employee"), so "the video link was unreliable" passes. Evaluative
//     employee nouns ("an excellent engineer", "a valuable asset", "a strong
//     performer") are flagged, except as an aspiration ("she wants to become
//     a strong manager").
//   - Ratings ("7/10", "3 out of 5" unless a count of something, "four
//     stars", "I'd rate her", "meets/exceeds/below expectations", "ranked
//     first", "top 10%"), peer comparisons ("better than his colleagues",
//     "compared with her peers", "the strongest on the team", "ahead of her
//     peers"), verdicts on promotion or suitability ("should (not) be
//     promoted", "(not) ready for promotion", "deserves the promotion",
//     "recommend her for the role", "would make a great team lead", "(not)
//     promotable", "not suited to the role", "the right person for the
//     role") and talk of job performance ("her performance", "performed
//     well", "performance review", "as an employee") are flagged — positive
//     or negative alike, because the panel decides and the mentor speaks only
//     as a mentor. "Ready for more responsibility" is growth, and passes;
//     readiness for a named role or post ("not yet ready for the
//     responsibilities of a clinical lead") is a verdict (issue 18).
//   - Refusals are honest limits, not judgements: in these four families a
//     match is not flagged when the sentence says, before it, that the
//     author will not or cannot judge ("I will not rate her", "I cannot
//     comment on her performance", "it is not for me to say whether she
//     should be promoted"). A refusal does not excuse a trait ("I cannot say
//     she is lazy" is still flagged) or a verdict stated outright ("I would
//     not recommend her for promotion" is a verdict).
type family int

const (
	famTrait family = iota
	famEmployee
	famRating
	famComparison
	famVerdict
	famPerformance
)

// rule is one pattern of the lexicon. guarded rules are skipped after a
// refusal; skip, when set, vetoes a match given the text before and after it.
type rule struct {
	any     []string // a cheap prefilter: the ASCII-lowered sentence contains one of these
	fam     family
	re      *regexp.Regexp
	guarded bool
	skip    func(before, after, match string) bool
	broad   bool // a composed rule (judgements.go): yields to a word-list match it overlaps
}

func rx(s string) *regexp.Regexp { return regexp.MustCompile(`(?i)` + s) }

// prefilter is off only in tests that check it changes no result.
var prefilter = true

// kw splits a "|"-separated keyword list.
func kw(s string) []string { return strings.Split(s, "|") }

// containsAny reports whether low contains one of the keywords (all when
// there are none). Patterns are only run when it does: a substring search
// costs far less than a regular expression.
func containsAny(low string, keys []string) bool {
	if len(keys) == 0 || !prefilter {
		return true
	}
	for _, k := range keys {
		if strings.Contains(low, k) {
			return true
		}
	}
	return false
}

// lowerASCII lower-cases ASCII letters only, so byte offsets stay those of s.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// Shared pieces of patterns.
const (
	apos    = `['’]`
	name    = `(?-i:\p{Lu}\p{Ll}+)` // a capitalised word, perhaps a name ("Pádraig", "Zoë")
	beVerb  = `(?:is|was|are|were|can\s+be|could\s+be|has\s+been|have\s+been|had\s+been|seems?|seemed|appears?|appeared|comes?\s+across\s+as|came\s+across\s+as|tends?\s+to\s+be)`
	degree  = `(?:(?:very|quite|rather|often|sometimes|a\s+bit|a\s+little|somewhat|too|so|really|extremely|fairly|generally|always|frequently|occasionally|not\s+very|pretty)\s+)*`
	peers   = `(?:colleagues?|peers?|team-?mates?|co-?workers?|others|anyone\s+else|everyone\s+else|the\s+rest|rest\s+of\s+(?:the|his|her|their|our)\s+(?:team|group|department|cohort)|people\s+(?:in|on)\s+(?:the|his|her|their|our)\s+(?:team|group|department)|other\s+(?:members?|people|engineers|analysts|staff|candidates|mentees|employees|team\s+members|apprentices|trainees|graduates|juniors|\w+(?:ees|ers|ors|ists|ants|ices|ians|s)\b))`
	peerPre = `(?:(?:most|many|all|any|some|other|of|his|her|their|the|its|our)\s+)*`
	article = `(?:(?:a|an|the|this|that|her|his|their)\s+)?`
)

var rules = []rule{
	// Traits: judgements of the person as an employee.
	{any: kw("organi"), fam: famTrait, re: rx(`\b(?:dis|un)organi[sz](?:ed|ation)\b`)},
	{any: kw("unprofessional"), fam: famTrait, re: rx(`\bunprofessional(?:ly|ism)?\b`)},
	{any: kw("incompeten"), fam: famTrait, re: rx(`\bincompeten(?:t|ce|cy)\b`)},
	{any: kw("lazy|lazi|slopp|unmotivated|shy|learner"), fam: famTrait, re: rx(`\b(?:lazy|laziness|sloppy|sloppiness|unmotivated|work-?shy|slow\s+learner)\b`)},
	{any: kw("under"), fam: famTrait, re: rx(`\bunder-?(?:perform|achiev)\w*`)},
	{any: kw("performer"), fam: famTrait, re: rx(`\b(?:poor|low|weak|bad|under|top|high|strong|star|average|mediocre|solid|best|worst|good|great|stellar|middling|decent|adequate|reliable|steady|consistent|exceptional|outstanding|excellent|modest)[\s-]+performers?\b`)},
	{any: kw("potential|hipo|hi-po"), fam: famTrait, re: rx(`\bhigh[\s-]potential\b|\bhi-?po\b`)},
	{any: kw("lack"), fam: famTrait, re: rx(`\black(?:s|ed|ing)?\s+(?:the\s+|any\s+|some\s+)?(?:[A-Z]{2,5}\s+)?(?:necessary\s+|required\s+|right\s+|basic\s+|core\s+|technical\s+|leadership\s+|people\s+|management\s+|communication\s+|relevant\s+)?(?:skills?|skill-?set|abilit(?:y|ies)|competenc(?:e|es|y|ies)|capabilit(?:y|ies)|experience|knowledge|drive|motivation|commitment|maturity|judge?ment|initiative|professionalism|work\s+ethic)\b`)},
	{any: kw("lack"), fam: famTrait, re: rx(`\black\s+of\s+(?:the\s+)?(?:necessary\s+|required\s+|basic\s+|technical\s+|leadership\s+|relevant\s+)?(?:skills?|abilit(?:y|ies)|competence|capabilit(?:y|ies)|commitment|motivation|drive|initiative|professionalism|experience)\b`)},
	{any: kw("have"), fam: famTrait, re: rx(`\b(?:does\s+not|doesn` + apos + `t|did\s+not|didn` + apos + `t)\s+have\s+(?:the\s+)?(?:necessary\s+|required\s+|right\s+)?(?:skills?|abilit(?:y|ies)|competence|capabilit(?:y|ies)|what\s+it\s+takes)\b`)},
	{any: kw("competent|capable|up"), fam: famTrait, re: rx(`\b(?:not|isn` + apos + `t|wasn` + apos + `t|never\s+been)\s+(?:very\s+|really\s+|particularly\s+|fully\s+)?(?:competent|capable|up\s+to\s+(?:the|his|her|their|our)\s+(?:job|task|role|standard|mark))\b`)},
	{any: kw("depth"), fam: famTrait, re: rx(`\bout\s+of\s+(?:his|her|their)\s+depth\b`)},
	{any: kw("player"), fam: famTrait, re: rx(`\bnot\s+(?:a\s+|much\s+of\s+a\s+)?team[\s-]player\b`)},
	{any: kw("difficult|hard|impossible"), fam: famTrait, re: rx(`\b(?:difficult|hard|impossible)\s+to\s+(?:work\s+with|manage)\b`)},
	{any: kw("attitude"), fam: famTrait, re: rx(`\b(?:attitude\s+problems?|(?:bad|poor|negative)\s+attitude)\b`)},
	{any: kw("deadlines|targets"), fam: famTrait, re: rx(`\bmiss(?:es|ed|ing)?\s+(?:\w+\s+)?(?:deadlines|targets)\b`)},
	{any: kw("unreliable|careless|inefficient|unproductive|arrogant|abrasive|rude|aggressive|difficult|slow|mediocre|disappointing|weak|average|hopeless|useless|liability|problem|enough"), fam: famTrait, re: rx(`\b(?:he|she|they)\s+` + beVerb + `\s+` + degree + `(?:unreliable|careless|inefficient|unproductive|arrogant|abrasive|rude|aggressive|difficult|slow|mediocre|disappointing|weak|average|hopeless|useless|a\s+liability|a\s+problem|not\s+(?:good|strong)\s+enough)\b`)},
	{any: kw("unreliable|careless|arrogant|abrasive|rude|aggressive|hopeless|useless|liability"), fam: famTrait, re: rx(`\b` + name + `\s+` + beVerb + `\s+` + degree + `(?:unreliable|careless|arrogant|abrasive|rude|aggressive|hopeless|useless|a\s+liability)\b`), skip: notAPerson},
	{any: kw("unreliable"), fam: famTrait, re: rx(`\bunreliable\s+(?:as\s+an?\s+)?(?:employee|worker|colleague|team\s+member|member\s+of\s+staff)\b`)},

	// Evaluative employee nouns: "an excellent engineer", "a valuable asset".
	{any: kw("employee|worker|hire|asset|member|colleague|engineer|developer|analyst|manager|contributor|professional"), fam: famEmployee, re: rx(`\b(?:good|great|excellent|outstanding|exceptional|brilliant|poor|bad|weak|terrible|average|mediocre|model|ideal|valuable|strong|reliable|dependable|hard|hard-?working|diligent|productive|unproductive|solid|capable|competent)\s+(?:employee|worker|hire|asset|team\s+member|staff\s+member|member\s+of\s+staff|colleague|engineer|developer|analyst|manager|contributor|professional)s?\b`),
		skip: func(before, _, _ string) bool { return aspiration.MatchString(before) || learning.MatchString(before) }},

	// Ratings.
	{any: kw("/"), fam: famRating, guarded: true, re: rx(`(?:^|[^\w/.,])\d{1,3}(?:\.\d+)?\s*/\s*(?:5|10|20|100)\b`), skip: notScore},
	{any: kw("out"), fam: famRating, guarded: true, re: rx(`\b(?:\d{1,3}(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten)\s+out\s+of\s+(?:5|10|20|100|five|ten|twenty|a\s+hundred)\b`), skip: countOfThings},
	{any: kw("star"), fam: famRating, guarded: true, re: rx(`\b(?:\d(?:\.\d)?|one|two|three|four|five)[\s-]+stars?\b`)},
	{any: kw("rate|rating|score|grade|rank"), fam: famRating, guarded: true, re: rx(`\b(?:rate|rates|rated|rating|score|scores|scored|grade|grades|graded|rank|ranks|ranked)\s+(?:him|her|them|` + name + `)\b`)},
	{any: kw("rating"), fam: famRating, guarded: true, re: rx(`\b(?:performance\s+)?ratings?\b`), skip: ratingOfThings},
	{any: kw("expectations"), fam: famRating, guarded: true, re: rx(`\b(?:meets|met|exceeds|exceeded|exceeding|above|below|beneath|short\s+of|(?:fails|failed|does\s+not|did\s+not|doesn` + apos + `t|didn` + apos + `t)\s+(?:to\s+)?meet)\s+(?:all\s+|most\s+|the\s+|some\s+)?expectations\b`)},
	{any: kw("rank|top|bottom|nine"), fam: famRating, guarded: true, re: rx(`\branked\s+(?:first|last|top|bottom|highest|lowest|\d+)\b|\bstack[\s-]?rank\w*|\b(?:top|bottom)\s+(?:\d+\s*(?:%|percent\b|per\s+cent\b)|(?:half|quartile|tier|decile)\b)|\bnine[\s-]box\b`)},

	// Comparisons with peers.
	{any: kw("than"), fam: famComparison, guarded: true, re: rx(`\b(?:\w+er|more\s+\w+|less\s+\w+|better|worse)\s+than\s+` + peerPre + peers + `\b`)},
	{any: kw("compared"), fam: famComparison, guarded: true, re: rx(`\bcompared\s+(?:to|with)\s+` + peerPre + `(?:` + peers + `|team|cohort)\b`)},
	{any: kw("team|group|department|cohort|unit|peers"), fam: famComparison, guarded: true, re: rx(`\b(?:best|worst|strongest|weakest|brightest|most\s+(?:able|capable|talented|promising|productive|effective)|least\s+(?:able|capable|talented|promising|productive|effective))\s+(?:\w+\s+){0,2}?(?:on|in|of)\s+(?:the|his|her|their|our)\s+(?:team|group|department|cohort|unit|peers)\b`)},
	{any: kw("peers|colleagues|mates|workers|cohort|team|apprentices|trainees|graduates|juniors"), fam: famComparison, guarded: true, re: rx(`\b(?:ahead\s+of|behind|on\s+a\s+par\s+with|on\s+par\s+with|outperform\w*|outshine\w*|lags?\s+behind|lagging\s+behind)\s+(?:most\s+of\s+|all\s+of\s+)?(?:his|her|their|the)\s+(?:other\s+)?(?:peers|colleagues|team-?mates|co-?workers|cohort|team|apprentices|trainees|graduates|juniors)\b`)},
	{any: kw("one|among"), fam: famComparison, guarded: true, re: rx(`\b(?:one\s+of\s+the|among\s+the)\s+(?:best|strongest|weakest|worst|top|brightest|most\s+(?:able|capable|talented|promising))\s+(?:\w+\s+)?(?:people|engineers|members|performers|candidates|employees|staff|analysts|developers|colleagues|managers|mentees)\b`)},

	// Verdicts on promotion or suitability.
	{any: kw("promoted|fired|dismissed|demoted|let|sacked|pip|improvement"), fam: famVerdict, guarded: true, re: rx(`\b(?:should|shouldn` + apos + `t|must|ought\s+to|deserves?\s+to|needs?\s+to)\s+(?:(?:definitely|certainly|really|absolutely|not|never|yet|now)\s+)*(?:have\s+been|be)\s+(?:promoted|fired|dismissed|demoted|let\s+go|sacked|put\s+on\s+(?:a\s+)?(?:pip|performance\s+improvement\s+plan))\b`)},
	{any: kw("promotion"), fam: famVerdict, guarded: true, re: rx(`\bready\s+(?:\w+\s+){0,2}?for\s+` + article + `promotion\b`)},
	// Hedged traits in other words: "should take more initiative", "as
	// promptly as she should", "not convinced she has the judgement to".
	{any: kw("more"), fam: famTrait, guarded: true, re: rx(`\b(?:should|could|needs?\s+to|ought\s+to|must)\s+(?:\w+\s+){0,2}?(?:take|show|use|demonstrate|display|exercise)\s+(?:a\s+(?:bit|little|lot)\s+)?more\s+(?:initiative|ownership|care|judge?ment|leadership|responsibility|urgency|attention|rigou?r|discipline|energy|drive|confidence|accountability|tact|patience)\b`)},
	{any: kw("should|could|ought"), fam: famTrait, guarded: true, re: rx(`\bas\s+\w+\s+as\s+(?:she|he|they|one)\s+(?:should|could|ought\s+to|might)\b`)},
	{any: kw("convinced|doubt|unsure|sure"), fam: famVerdict, guarded: true, re: rx(`\b(?:not\s+convinced|doubt(?:s|ful)?|unsure|not\s+sure)\s+(?:that\s+|whether\s+)?(?:\w+\s+){0,2}?(?:has|have|is|would|could|can)\s+(?:yet\s+)?(?:the\s+|enough\s+)?(?:judge?ment|skills?|experience|maturity|ability|capacity|resilience|temperament|what\s+it\s+takes|gravitas|authority)\b`)},
	{any: kw("than"), fam: famComparison, guarded: true, re: rx(`\b(?:weaker|stronger|better|worse|abler|more\s+\w+|less\s+\w+)\s+(?:candidate|applicant|choice|fit|performer|worker|colleague|manager|leader|nurse|teacher|engineer|analyst|lawyer|officer|developer|designer|clinician|practitioner|paramedic|driver|agent|rep)\s+than\b`)},
	// Readiness for a post, said of the person ("is not yet ready for the
	// responsibilities of a clinical lead", "is ready for a bigger role").
	// "Ready for more responsibility" names no post, and is growth.
	{any: kw("ready"), fam: famVerdict, guarded: true, re: rx(`\b(?:is|are|was|were|not|isn` + apos + `t|wasn` + apos + `t)\s+(?:(?:yet|quite|really|fully|clearly|certainly|definitely|now|already|not|still)\s+)*ready\s+(?:yet\s+)?for\s+(?:a|an|the|this|that|her|his|their)\s+(?:\w+[\s-]+){0,4}?(?:role|position|post|job|promotion|responsibilities|grade|level|seat|appointment)\b`)},
	// Recommendations in other words.
	{any: kw("recommend|commend|endorse|support|back|put"), fam: famVerdict, guarded: true, re: rx(`\b(?:recommend(?:s|ed|ing)?|commend(?:s|ed|ing)?|endors(?:e|es|ed|ing)|support(?:s|ed|ing)?|back(?:s|ed|ing)?|put(?:ting)?)\s+(?:(?:him|her|them|my\s+mentee|the\s+candidate|` + name + `)(?:\s+forward)?|(?:the|his|her|their|(?:(?-i:(?:Mr|Ms|Mrs|Miss|Mx|Dr|Prof|Professor))\.?\s+)?` + name + apos + `s)\s+(?:application|candidacy|nomination|bid)(?:\s+of\s+(?:my\s+mentee|the\s+candidate|` + name + `))?)\s+(?:\w+\s+){0,2}?(?:for|to)\s+(?:(?:a|an|the|this|that)\s+)?(?:\w+[\s-]+){0,3}?(?:post|role|position|job|promotion|grade|appointment|vacancy|panel|board)\b`)},
	{any: kw("person|candidate|choice"), fam: famVerdict, guarded: true, re: rx(`\b(?:right|wrong|best|ideal|obvious|perfect|natural)\s+(?:person|candidate|choice)\s+to\s+(?:lead|run|manage|head|chair|direct|oversee|convene|coordinate|take\s+on|take\s+over|step\s+into)\b`)},
	{any: kw("asset"), fam: famVerdict, guarded: true, re: rx(`\b(?:would|will)\s+be\s+(?:a|an)\s+(?:real\s+|great\s+|huge\s+|genuine\s+|valuable\s+|tremendous\s+)?asset\b`)},
	{any: kw("promoted"), fam: famVerdict, guarded: true, re: rx(`\bpromoted\s+(?:too\s+(?:early|soon|late|quickly|fast)|prematurely|ahead\s+of\s+(?:time|schedule))`)},
	{any: kw("yet"), fam: famVerdict, guarded: true, re: rx(`\b(?:has|have)\s+yet\s+to\s+(?:show|prove|demonstrate|convince|earn)\b`)},
	// Superlatives within a group: "the most persuasive drafter … in the
	// ministry", "the tidiest in the whole group", "the most capable rigger
	// we have", "more tickets than anyone else".
	{broad: true, any: kw("most|est|than"), fam: famComparison, guarded: true, re: rx(`\b(?:the|one\s+of\s+the|among\s+the)\s+(?:very\s+)?(?:most\s+(?:\w+\s+){1,2}?|(?:\w+est|best|worst|top)(?:-\w+)?\s+)(?:\w+[\s-]+){0,4}?(?:in|on|at|of)\s+(?:the|his|her|their|our|this|[a-z0-9])\s+(?:whole\s+|entire\s+)?(?:wing|station|force|precinct|prison|watch|estate|patch|beat|newsroom|desk|agency|paper|title|masthead|team|department|school|faculty|ministry|office|firm|company|unit|group|practice|organi[sz]ation|region|division|cohort|year|squad|crew|site|branch|trust|service|directorate|lab|laboratory|institute|business|industry|sector|field|country|world|clinic|ward|hospital|home|store|depot|warehouse|shop|centre|center|area|district|county|state|stockroom|floor|shift|platform|line|desk|till|fleet)\b` +
		`|\bthe\s+most\s+\w+\s+\w+\s+(?:we|i)\s+(?:have|` + apos + `ve|had|know)\b` +
		`|\bthan\s+(?:anyone|anybody)\s+else\b`), skip: func(_, _, m string) bool { return amongMentees.MatchString(m) }},
	{any: kw("overdue"), fam: famVerdict, guarded: true, re: rx(`\b(?:long\s+)?overdue\s+(?:for\s+)?` + article + `(?:promotion|step\s+up|move\s+up)\b|\bpromotion\s+(?:is|was)\s+(?:long\s+)?overdue\b`)},
	{any: kw("promotion"), fam: famVerdict, guarded: true, re: rx(`\b(?:deserves?|deserved|deserving\s+of|merits?|merited|has\s+earned|earned)\s+` + article + `promotion\b`)},
	{any: kw("promotion|role|position|job|post"), fam: famVerdict, guarded: true, re: rx(`\b(?:recommend|endorse|support|back|put)\s+(?:him|her|them|` + name + `)\s+(?:forward\s+)?for\s+` + article + `(?:\w+\s+){0,2}?(?:promotion|role|position|job|post)\b`)},
	{any: kw("make|be"), fam: famVerdict, guarded: true, re: rx(`\bwould\s+(?:make|be)\s+an?\s+(?:great|good|excellent|strong|poor|bad|weak|terrible|natural|fine|brilliant|outstanding)\s+(?:\w+\s+)?(?:lead|leader|manager|head|director|supervisor|principal|partner)\b`)},
	{any: kw("promotable"), fam: famVerdict, guarded: true, re: rx(`\b(?:un)?promotable\b`)},
	{any: kw("suit"), fam: famVerdict, guarded: true, re: rx(`\b(?:un)?suit(?:able|ed)\s+(?:for|to)\s+` + article + `(?:\w+\s+){0,2}?(?:promotion|role|position|job|post)\b`)},
	{any: kw("person|candidate|choice|fit"), fam: famVerdict, guarded: true, re: rx(`\b(?:right|wrong|best|ideal|strongest|weakest|obvious)\s+(?:person|candidate|choice|fit)\s+for\s+` + article + `(?:role|job|position|promotion|post)\b`)},

	// Job performance.
	{any: kw("performance"), fam: famPerformance, guarded: true, re: rx(`\b(?:his|her|their|` + name + apos + `s)\s+(?:(?:job|work|overall|recent|current|day-to-day|general|actual)\s+)?performance\b`),
		skip: func(_, after, _ string) bool {
			return strings.HasPrefix(strings.ToLower(strings.TrimSpace(after)), "anxiety")
		}},
	{any: kw("performance"), fam: famPerformance, guarded: true, re: rx(`\b(?:poor|weak|bad|low|disappointing|unsatisfactory|mediocre|strong|excellent|outstanding|exceptional|good|great|solid|average|inconsistent|high)\s+(?:job\s+|work\s+)?performance\b`)},
	{any: kw("performance"), fam: famPerformance, guarded: true, re: rx(`\bperformance\s+(?:reviews?|ratings?|appraisals?|issues?|problems?|concerns?|improvement|management|record|levels?|targets?|scores?)\b`)},
	{any: kw("perform"), fam: famPerformance, guarded: true, re: rx(`\bperform(?:s|ed|ing)?\s+(?:very\s+|really\s+|quite\s+|extremely\s+|consistently\s+)?(?:well|poorly|badly|strongly|weakly|brilliantly|excellently|adequately|below|above)\b`),
		skip: func(_, after, _ string) bool { return practice.MatchString(after) }},
	{any: kw("appraisal|employee|worker|staff|pip|improvement"), fam: famPerformance, guarded: true, re: rx(`\bappraisals?\b|\bas\s+an?\s+(?:employee|worker|member\s+of\s+staff|staff\s+member)\b|(?-i:\bPIPs?\b)|\bperformance\s+improvement\s+plan\b`)},
}

// notAPerson vetoes a capitalised subject that is plainly not a person.
func notAPerson(_, _, match string) bool {
	switch firstWord(match) {
	case "it", "this", "that", "there", "here", "what", "which", "who", "everything", "nothing", "something", "travel", "video", "the":
		return true
	}
	return false
}

// practice: what follows "performed well" is a mentoring exercise ("in the
// mock interview we practised"), not work.
var practice = rx(`\b(?:mock|practi[sc]e|practi[sc]ed|role-?play|rehearsal|exercise|sessions?)\b`)

// aspiration: an evaluative employee noun as something to become.
var aspiration = rx(`\b(?:to\s+be(?:come)?|becoming|into|aims?\s+to\s+be|wants?\s+to\s+be)\s+(?:an?\s+)?$`)

// refusal: the author says they will not or cannot judge; before a guarded
// match it turns the match into an honest limit.
var refusal = rx(`\b(?:cannot|can` + apos + `?t|can\s+not|could\s+not|couldn` + apos + `?t|will\s+not|won` + apos + `?t|would\s+not|wouldn` + apos + `?t|do\s+not|don` + apos + `?t|did\s+not|didn` + apos + `?t|never|not\s+able\s+to|unable\s+to|not\s+in\s+a\s+position\s+to|prefer\s+not\s+to|decline\s+to|refrain\s+from|not\s+(?:for\s+me|my\s+place|my\s+role)\s+to)\s+(?:\w+\s+){0,3}?(?:say|judge|rate|rating|ratings|score|grade|rank|assess|evaluate|comment|speak|offer|give|provide|compare|comparing|vouch|review|appraise|make|judging|assessing|rating)\b|\bwhether\b|\bnot\s+(?:for\s+me|my\s+place|my\s+role)\b|\bnot\s+the\s+(?:right|best|best-placed|best\s+placed)\s+person\s+to\b|\b(?:have|has|got)\s+(?:no|little)\s+(?:view|opinion|basis|way|insight|visibility|knowledge|sight|window)\b|\brather\s+not\b|\bnot\s+(?:as\s+)?(?:an?\s+)?(?:assessment|evaluation|appraisal|comment|reference|judgement|judgment|review|verdict)\s+(?:of|on)\b`)

var refusalKeys = kw("not|n't|n’t|cant|dont|wont|didnt|couldnt|wouldnt|never|unable|decline|refrain|whether|no|rather")

// asSubject: what precedes is named as a subject, not said of the person.
var asSubject = rx(`^\s+(?:\w+\s+)?as\s+(?:a|an)\s+(?:general\s+|broad\s+|wider\s+)?(?:process|subject(?:\s+area)?|practice\s+area|field|topic|discipline|system|concept)\b|^\s+(?:in\s+general|generally|in\s+the\s+abstract)\b`)

// givesReviews: the person writes or holds reviews of others, as a
// manager; they are not reviewed.
var givesReviews = rx(`\b(?:write|writes|writing|wrote|conduct|conducts|conducting|conducted|run|runs|running|give|gives|giving|deliver|delivers|delivering|hold|holds|holding|carry\s+out|carrying\s+out)\s+(?:her|his|their|the|a|an)?\s*(?:first\s+|own\s+|team's\s+)?(?:set\s+of\s+|round\s+of\s+|batch\s+of\s+)?$`)

// deferral: the sentence sends a question about the person's work to
// someone placed to answer it, or says the author does not know it ("the
// panel should ask his manager about his delivery", "anything about her
// performance review should come from her manager", "I know nothing about
// her appraisal", "ratings are outside my remit"). Wherever it stands, it
// turns talk of performance, ratings and work into an honest limit; it
// does not excuse a trait, a comparison or a verdict.
var deferral = rx(`\b(?:outside|beyond|not\s+within|not\s+part\s+of)\s+(?:my|our|the\s+mentor` + apos + `s)\s+(?:remit|role|scope|purview|brief|knowledge|view|lane)\b` +
	`|\bshould\s+(?:come|be\s+heard|be\s+sought|be\s+asked\s+for)\s+(?:directly\s+)?from\s+(?:his|her|their|the|` + name + apos + `s)\b` +
	`|\b(?:ask|asks|asking|hear|hears|hearing|check\s+with|consult|speak\s+to|talk\s+to|come\s+from|directed\s+to|addressed\s+to|referred\s+to|put\s+to)\s+(?:\w+\s+){0,5}?(?:from\s+)?(?:his|her|their|the)\s+(?:line\s+)?(?:manager|lead|supervisor|director|boss|team\s+lead|team\s+leader|reporting\s+line)\b` +
	`|\bmy\s+(?:view|window|visibility|knowledge)\s+is\s+limited\b` +
	`|\b(?:must|should|would\s+need\s+to|will\s+have\s+to)\s+come\s+from\s+(?:elsewhere|others|someone\s+else|those\s+who)\b|\bdirected\s+to\s+(?:those|someone|others|people)\s+who\b` +
	`|\bnever\s+(?:reviewed|seen|assessed|managed|supervised)\s+(?:her|his|their)\s+work\b|\bno\s+line\s+responsibility\b` +
	`|\bnot\s+(?:be\s+)?appropriate\s+for\s+me\s+to\b|\b(?:would|wouldn` + apos + `?t)\s+(?:not\s+)?be\s+appropriate\s+for\s+me\s+to\b` +
	`|\b(?:isn` + apos + `?t|is\s+not|aren` + apos + `?t|are\s+not|not)\s+something\s+(?:i|we)\s+(?:can|could|am\s+able\s+to|would)\s+(?:\w+\s+)?(?:comment|speak|judge|assess)\b` +
	`|\b(?:is|are)\s+(?:a\s+)?(?:matter|question|one|something)\s+for\s+(?:his|her|their|the)\s+(?:line\s+)?(?:manager|management|lead|supervisor|director|panel|reporting\s+line)\b` +
	`|\b(?:i|we)\s+know\s+(?:nothing|little|very\s+little)\s+(?:about|of)\b` +
	`|\b(?:i|we)\s+(?:do\s+not|don` + apos + `?t|did\s+not|didn` + apos + `?t)\s+know\s+(?:what|how|anything|much|enough|the\s+details)\b` +
	`|\bdefer(?:s|red|ring)?\s+(?:\w+\s+)?to\s+(?:his|her|their|the)\b` +
	`|\bleave\s+(?:that|this|it|those|these|any\s+\w+|the\s+\w+)\s+(?:\w+\s+){0,3}?to\s+(?:his|her|their|the)\s+(?:line\s+)?(?:manager|lead|supervisor|director|boss|panel|team\s+lead|team\s+leader)\b` +
	`|\b(?:i` + apos + `m|i\s+am|i\s+was|i\s+have\s+never\s+been)\s+not\s+(?:his|her|their)\s+(?:line\s+)?(?:manager|supervisor|boss|lead|team\s+lead)\b` +
	`|\b(?:i|we)\s+can\s+say\s+(?:nothing|little)\b` +
	`|\b(?:i|we)\s+(?:have|had)\s+not\s+seen\s+(?:his|her|their)\b|\b(?:i|we)\s+(?:haven|hadn)` + apos + `?t\s+seen\s+(?:his|her|their)\b`)

var deferralKeys = kw("defer|leave|not|say|tell|judge|remit|role|scope|purview|brief|knowledge|view|lane|from|ask|hear|check|consult|speak|talk|limited|know|seen|matter|question|for|something|directed|addressed|referred|put|elsewhere|never|responsibility|appropriate")

// unsaid is a refusal of what came before it in the sentence: "about
// her performance I can say nothing", "if he is ready for promotion I
// cannot say, I do not see his work".
var unsaid = rx(`\b(?:i|we)\s+(?:can\s+say\s+(?:nothing|little)|(?:cannot|can` + apos + `?t|can\s+not|could\s+not|couldn` + apos + `?t)\s+(?:say|tell|judge)\s*(?:[,.;:!?]|$))`)

var unsaidKeys = kw("say|tell|judge")

// unsaidAt is where a refusal of what came before starts, or -1.
func unsaidAt(s, low string) int {
	if containsAny(low, unsaidKeys) {
		if loc := unsaid.FindStringIndex(s); loc != nil {
			return loc[0]
		}
	}
	return -1
}

// defers: the sentence holds a deferral.
func defers(s, low string) bool { return containsAny(low, deferralKeys) && deferral.MatchString(s) }

// ratingOfThings vetoes a rating of things rather than people: "a
// framework for rating suppliers", "credit ratings", "energy ratings".
func ratingOfThings(before, after, _ string) bool {
	return thingRated.MatchString(after) || ratedThing.MatchString(before)
}

var (
	thingRated = rx(`^\s+(?:(?:the|our|their|new|potential|external)\s+)?(?:suppliers?|vendors?|bids?|tenders?|risks?|products?|options?|proposals?|loans?|bonds?|properties|buildings?|hotels?|restaurants?|apps?|films?|books?|contractors?|claims?|assets?)\b`)
	ratedThing = rx(`\b(?:credit|energy|star|hygiene|safety|risk|bond|customer|user|app|film|movie|audience|approval|ofsted|cqc|fire)\s+$`)
)

// notScore vetoes "N/M" that is a date or a part of a larger number
// ("12/10/2025"), or whose numerator exceeds its denominator.
func notScore(_, after, match string) bool {
	if strings.HasPrefix(after, "/") || (after != "" && (after[0] >= '0' && after[0] <= '9')) {
		return true
	}
	m := strings.TrimLeftFunc(match, func(r rune) bool { return !unicode.IsDigit(r) })
	num, den, _ := strings.Cut(m, "/")
	return atof(num) > atof(strings.TrimSpace(den))
}

func atof(s string) float64 {
	s = strings.TrimSpace(s)
	v, frac, div := 0.0, false, 1.0
	for _, c := range s {
		switch {
		case c == '.':
			frac = true
		case c >= '0' && c <= '9':
			if frac {
				div *= 10
				v += float64(c-'0') / div
			} else {
				v = v*10 + float64(c-'0')
			}
		}
	}
	return v
}

// scoreWords may follow "3 out of 5" in a rating ("8 out of 10 for teamwork").
var scoreWords = map[string]bool{"for": true, "on": true, "in": true, "overall": true, "as": true, "at": true, "stars": true, "star": true, "points": true, "marks": true, "when": true, "from": true, "and": true, "but": true, "or": true}

// countOfThings vetoes "N out of M" that counts something ("8 out of 10
// sessions", "3 out of 5 of our meetings"): that is attendance, not a score.
func countOfThings(_, after, _ string) bool {
	w := firstWord(after)
	return w != "" && !scoreWords[w]
}

func firstWord(s string) string {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	end := 0
	for end < len(s) {
		r, w := utf8.DecodeRuneInString(s[end:])
		if !unicode.IsLetter(r) {
			break
		}
		end += w
	}
	return strings.ToLower(s[:end])
}

// refusalAt is where the sentence's first refusal starts, or -1.
func refusalAt(s, low string) int {
	if containsAny(low, refusalKeys) {
		for _, loc := range refusal.FindAllStringIndex(s, -1) {
			if !strings.Contains(strings.ToLower(s[loc[0]:loc[1]]), "hesitat") { // "I wouldn't hesitate to say" says it
				return loc[0]
			}
		}
	}
	return -1
}

// refused: the sentence is an honest limit, holds a refusal or defers.
func refused(s, low string) bool {
	return refusalAt(s, low) >= 0 || unsaidAt(s, low) >= 0 || (containsAny(low, limitKeys) && limitRe.MatchString(s)) || defers(s, low)
}

// attributiveOfOther: a trait word before a noun that is the object of a
// preposition or of handling it is said of something or someone else:
// "advice on handling an underperforming member of his own crew", "the
// difference between a lazy metaphor and a living one".
var attributiveOfOther = rx(`\b(?:between|about|on|with|for|of|from|into|to|handling|handle|handles|managing|manage|manages|coaching|coach|supporting|support|deal\s+with|dealing\s+with|address|addressing|avoid|avoiding|spot|spotting|spotted|writing|write|wrote|reading|read)\s+(?:an?|the|one|any)\s+$`)

// nounNext: a word follows, with no punctuation between.
var nounNext = rx(`^[\s-]+[a-z]`)

// mentoringObject is what follows a trait whose object is the mentoring
// itself: "diligent about preparing for our sessions", "always punctual
// for our meetings". That speaks of the person as a mentee.
var mentoringObject = rx(`^\s*(?:about|in|at|with|for|during|when|before)\b[^.;:!?]{0,40}?\b(?:our|the|these|each|every|mentoring)\s+(?:mentoring\s+)?(?:sessions?|meetings?|conversations?|catch-?ups?|check-?ins?)\b`)

// aboutTheMentoring reports whether the text after a trait makes the
// mentoring its object.
func aboutTheMentoring(after string) bool { return mentoringObject.MatchString(after) }

// A topic clause is what the mentee asked, learned, discussed or read
// about: "she asked how ratings are calibrated", "we discussed what good
// performance reviews look like", "he wanted to learn how to manage
// underperformance in his team". Review language inside one names a
// subject, not a judgement of the mentee, and is not flagged — unless the
// clause is about a person being something ("we talked about how she is
// the strongest analyst"). The clause runs from its question word to the
// end of the sentence or to a semicolon.
var topicCue = rx(`\b(?:ask(?:s|ed|ing)?|wonder(?:s|ed|ing)?|curious(?:\s+(?:about|to\s+know))?|(?:wants?|wanted|keen|hoped|hopes)\s+to\s+(?:know|understand|learn|find\s+out|explore|see)|learn(?:s|ed|t|ing)?|understand(?:s|ing)?|understood|discuss(?:es|ed|ing)?|talk(?:s|ed|ing)?\s+(?:about|through)|explor(?:e|es|ed|ing)|look(?:s|ed|ing)?\s+at|read(?:s|ing)?(?:\s+up)?\s+(?:on|about)|describ(?:e|es|ed|ing)|explain(?:s|ed|ing)?|work(?:s|ed|ing)?\s+(?:out|through)|(?:a|the|one|our)\s+session\s+on|advice\s+on|question(?:s)?\s+about|research(?:es|ed|ing)?|stud(?:y|ies|ied|ying)|figur(?:e|ed|ing)\s+out|(?:go|goes|went|going|gone)\s+(?:over|through))\s+(?:(?:me|us|with\s+me|together|in\s+detail|at\s+length|in\s+our\s+\w+)\s+)?(?:about\s+)?(?:how|what|whether|why|which|when|the\s+way)\b`)

// aboutAPerson is a topic clause that speaks of a person being something:
// the question word followed by a person and a verb of being or doing well.
var aboutAPerson = rx(`^\s*(?:how|what|whether|why|which|when|the\s+way)\s+(?:well\s+|much\s+|good\s+|far\s+)?(?:he|she|they|` + name + `)\s+(?:(?:really|actually|truly|compares?|ranks?)\s+)?(?:is|was|are|were|` + apos + `s|has|had|seems?|seemed|performs?|performed|compares?|compared|ranks?|ranked|rates?|rated|does|did|would\s+be|will\s+be|could\s+be|measures?\s+up)\b`)

// questionWords is topicCue's prefilter: no clause without one.
var questionWords = kw("how|what|whether|why|which|when|the way")

// topicObject is a subject read or learned about with no question word:
// "she has been reading widely about complications in pregnancy". The
// clause starts after "about" or "on".
var topicObject = rx(`\b(?:read(?:s|ing)?|learn(?:s|ed|t|ing)?|stud(?:y|ies|ied|ying)|research(?:es|ed|ing)?|lectures?|lectured|lecturing|writ(?:es|ing)|wrote|talks?|spoke)\s+(?:widely\s+|a\s+lot\s+|up\s+|more\s+)?(?:about|on)\b`)

// reviewEvent is an appraisal or review as an event the person prepares
// for, not its content: "we went over how to prep for her performance
// review".
var reviewEvent = rx(`\b(?:prep|preps|prepping|prepare|prepares|preparing|prepared|ready|get\s+ready|getting\s+ready)\s+for\s+(?:her|his|their|the|an?)\s+(?:own\s+)?(?:\w+[\s-]+){0,2}?(?:performance\s+reviews?|appraisals?|reviews?|calibration)\b`)

// topicClauses returns the spans of a sentence's topic clauses.
func topicClauses(s string) [][2]int {
	var out [][2]int
	for _, loc := range topicObject.FindAllStringIndex(s, -1) {
		out = append(out, [2]int{loc[1], clauseEnd(s, loc[1])})
	}
	for _, loc := range reviewEvent.FindAllStringIndex(s, -1) {
		out = append(out, [2]int{loc[0], loc[1]})
	}
	if prefilter && !containsAny(lowerASCII(s), questionWords) {
		return out
	}
	for _, loc := range topicCue.FindAllStringIndex(s, -1) {
		// The question word starts where the cue's match ends minus its
		// own length: find it from the end of the match.
		q := loc[1]
		for q > loc[0] && s[q-1] != ' ' {
			q--
		}
		if strings.HasSuffix(lowerASCII(s[loc[0]:loc[1]]), "the way") {
			q -= len("the ")
		}
		if aboutAPerson.MatchString(s[q:]) {
			continue
		}
		out = append(out, [2]int{q, clauseEnd(s, q)})
	}
	return out
}

// clauseEnd: a topic clause runs to the end of the sentence or to a
// semicolon.
func clauseEnd(s string, from int) int {
	if i := strings.IndexByte(s[from:], ';'); i >= 0 {
		return from + i
	}
	return len(s)
}

func inTopic(topics [][2]int, start, end int) bool {
	for _, t := range topics {
		if t[0] <= start && end <= t[1] {
			return true
		}
	}
	return false
}

// skipWindow bounds the text a veto looks at on either side of a match, so
// that a long sentence with many matches stays linear.
const skipWindow = 160

// perfMatch is one accepted match of the lexicon in a sentence.
type perfMatch struct {
	start, end int
	fam        family
	broad      bool
}

// performanceMatches returns the non-overlapping lexicon matches in s, in
// order of position (the earlier, then the longer, wins an overlap).
func performanceMatches(s, low string) []perfMatch {
	n, starts, ends := expandContractions(s)
	if n == s {
		return lexiconMatches(s, low)
	}
	ms := lexiconMatches(n, lowerASCII(n))
	for i := range ms {
		ms[i].start, ms[i].end = starts[ms[i].start], ends[ms[i].end]
	}
	return ms
}

// contraction is a contracted form the lexicon's patterns read in full:
// "he's smart" as "he is smart", "isn't ready" as "is not ready".
var contraction = rx(`(?:\b(?:he|she|it|that|who|there|what)` + apos + `s\s+been\b)|(?:\b(?:he|she|it|that|who|there|what)` + apos + `s\b)|(?:\b(?:is|was|are|were|does|do|did|has|have|had|could|would|should)n` + apos + `t\b)|(?:\b(?:won|can)` + apos + `t\b)|(?:\b(?:they|we|you)` + apos + `re\b)|(?:\b(?:they|we|you|i)` + apos + `ve\b)`)

// bareContractions are contractions written without their apostrophe, as
// in chat: how many letters of the word stay, and what follows them.
var bareContractions = map[string]struct {
	keep int
	full string
}{
	"shes": {3, " is"}, "hes": {2, " is"}, "hasnt": {3, " not"}, "isnt": {2, " not"}, "wasnt": {3, " not"},
	"doesnt": {4, " not"}, "didnt": {3, " not"}, "havent": {4, " not"}, "arent": {3, " not"}, "werent": {4, " not"},
	"couldnt": {5, " not"}, "wouldnt": {5, " not"}, "shouldnt": {6, " not"}, "theyre": {4, " are"}, "weve": {2, " have"},
	"thats": {4, " is"},
}

var bareContraction = rx(`\b(?:shes|hes|hasnt|isnt|wasnt|doesnt|didnt|havent|arent|werent|couldnt|wouldnt|shouldnt|theyre|weve|thats)\b`)

// expandContractions returns s with its contractions written out, and for
// each byte offset of the result the offset in s where a match starting
// (starts) or ending (ends) there begins or ends, so that a match in the
// expanded text names the words of s. It returns s itself when there is
// nothing to expand.
func expandContractions(s string) (string, []int, []int) {
	var locs [][]int
	if !prefilter || strings.ContainsAny(s, "'’") {
		locs = contraction.FindAllStringIndex(s, -1)
	}
	// Chat drops the apostrophe: "shes not the most reliable", "hasnt
	// stepped up".
	if bare := bareContraction.FindAllStringIndex(s, -1); bare != nil {
		locs = append(locs, bare...)
		slices.SortFunc(locs, func(a, b []int) int { return a[0] - b[0] })
	}
	if locs == nil {
		return s, nil, nil
	}
	var b strings.Builder
	starts := make([]int, 0, len(s)+16)
	ends := make([]int, 1, len(s)+17) // ends[0] = 0
	at := 0
	emit := func(text string, from, to int, copied bool) {
		for i := 0; i < len(text); i++ {
			b.WriteByte(text[i])
			if copied {
				starts = append(starts, from+i)
				ends = append(ends, from+i+1)
			} else {
				starts = append(starts, from)
				ends = append(ends, to)
			}
		}
	}
	for _, loc := range locs {
		emit(s[at:loc[0]], at, loc[0], true)
		c := s[loc[0]:loc[1]]
		low := strings.ReplaceAll(lowerASCII(c), "’", "'")
		var word, full string
		if b, ok := bareContractions[low]; ok {
			emit(c[:b.keep], loc[0], loc[0]+b.keep, true)
			emit(b.full, loc[0], loc[1], false) // a match starting in it names the whole word
			at = loc[1]
			continue
		}
		switch {
		case strings.HasSuffix(low, "'s been"):
			word, full = c[:strings.IndexAny(c, "'’")], " has been"
		case strings.HasSuffix(low, "'s"):
			word, full = c[:len(c)-len(c[strings.IndexAny(c, "'’"):])], " is"
		case low == "won't":
			word, full = c[:1], "ill not"
		case low == "can't":
			word, full = c[:3], "not"
		case strings.HasSuffix(low, "n't"):
			word, full = c[:strings.LastIndex(low, "n")], " not"
		case strings.HasSuffix(low, "'re"):
			word, full = c[:strings.IndexAny(c, "'’")], " are"
		default: // 've
			word, full = c[:strings.IndexAny(c, "'’")], " have"
		}
		emit(word, loc[0], loc[0]+len(word), true)
		emit(full, loc[0], loc[1], false) // a match starting in it names the whole word
		at = loc[1]
	}
	emit(s[at:], at, len(s), true)
	return b.String(), append(starts, len(s)), ends
}

// lexiconMatches is performanceMatches on text without contractions.
func lexiconMatches(s, low string) []perfMatch {
	var all []perfMatch
	refusedAt, unsaidFrom := refusalAt(s, low), unsaidAt(s, low)
	deferred := defers(s, low)
	topics := topicClauses(s)
	for _, r := range rules {
		if !containsAny(low, r.any) {
			continue
		}
		for _, loc := range r.re.FindAllStringIndex(s, -1) {
			start, end := loc[0], loc[1]
			// Patterns that start with a non-word guard character: trim it.
			for start < end {
				c, w := utf8.DecodeRuneInString(s[start:])
				if unicode.IsLetter(c) || unicode.IsDigit(c) {
					break
				}
				start += w
			}
			if r.guarded && ((refusedAt >= 0 && refusedAt < start) || unsaidFrom > start) {
				continue
			}
			before, after := s[max(0, start-skipWindow):start], s[end:min(len(s), end+skipWindow)]
			switch r.fam {
			case famPerformance, famRating:
				if (r.guarded && deferred) || asSubject.MatchString(after) || givesReviews.MatchString(before) {
					continue // "…should come from her manager", "performance reviews as a process", "write her first set of appraisals"
				}
			case famWork:
				if r.guarded && deferred {
					continue
				}
			case famTrait:
				if aboutTheMentoring(after) || (attributiveOfOther.MatchString(before) && nounNext.MatchString(after)) {
					continue // "punctual for our sessions", "handling an underperforming member of his crew", "a lazy metaphor"
				}
			}
			if r.skip != nil && r.skip(before, after, s[start:end]) {
				continue
			}
			if inTopic(topics, start, end) {
				continue
			}
			all = append(all, perfMatch{start, end, r.fam, r.broad})
		}
	}
	if len(all) < 2 {
		return all
	}
	sortMatches(all)
	out := all[:0:0]
	for _, m := range all {
		if !m.broad && (len(out) == 0 || m.start >= out[len(out)-1].end) {
			out = append(out, m)
		}
	}
	// Composed matches fill in only where no word-list match is.
	n := len(out)
	for _, m := range all {
		if !m.broad {
			continue
		}
		free := true
		for _, o := range out {
			if m.start < o.end && o.start < m.end {
				free = false
				break
			}
		}
		if free {
			out = append(out, m)
		}
	}
	if len(out) > n {
		sortMatches(out)
	}
	return out
}

func sortMatches(ms []perfMatch) {
	// insertion sort: a sentence has few matches
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && less(ms[j], ms[j-1]); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

func less(a, b perfMatch) bool {
	if a.start != b.start {
		return a.start < b.start
	}
	if a.end != b.end {
		return a.end > b.end
	}
	return a.fam < b.fam
}

// Explanations and suggestions per family: plain English, the same for
// the same match.
func perfText(f family, match string) (explanation, suggestion string) {
	q := "“" + match + "”"
	switch f {
	case famTrait, famEmployee:
		return q + " judges the person as an employee. A mentor speaks of them as a mentee: what you worked on together, their growth and their engagement.",
			"Leave the judgement out, or describe what you saw in your sessions instead (for example, what they worked on and how they grew)."
	case famRating:
		return q + " is a rating, which is performance-review language. A mentor does not rate the person they mentor.",
			"Remove the rating; describe their engagement and growth in words, or say honestly what you cannot judge."
	case famComparison:
		return q + " compares the person with others. A mentor sees them only as a mentee, so a comparison with peers reads as a performance judgement.",
			"Remove the comparison and speak of their own growth over the time you worked together."
	case famAssess:
		return q + " evaluates the person — how they work or what they are like at work — rather than speaking of them as a mentee.",
			"Leave the evaluation out, or describe what you saw in your sessions instead (what they worked on, how they grew), or say what you cannot judge."
	case famWork:
		return q + " judges the quality or amount of the person's work, which a mentor is not placed to review.",
			"Leave the judgement of their work to those who manage it; describe what you worked on together and how they grew, or say what you cannot judge."
	case famVerdict:
		return q + " gives a verdict on promotion or suitability for a role. That decision belongs to the panel; a mentor speaks of the person as a mentee.",
			"Say what you saw as their mentor (for example, growth, engagement, readiness for more responsibility) and leave the decision to the panel."
	default:
		return q + " speaks of the person's performance at work, which a mentor is not placed to review.",
			"Leave their work performance to those who manage it; speak of what you worked on together and how they grew, or say what you cannot judge."
	}
}
