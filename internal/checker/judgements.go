package checker

import (
	"regexp"
	"strings"
)

// Judgements by meaning (issue 18). The word-list rules in performance.go
// catch named traits and fixed phrases; these rules compose small lexicons
// so that the ways people actually judge a colleague are caught too:
//
//   - an attribute of the person's work (time management, output, work
//     quality, technical depth, communication, deadlines, results, …) that
//     is theirs ("his", "her", "Bob's") and is then evaluated or said to
//     change ("his output has dropped", "her attention to detail is
//     lacking", "his work quality has been inconsistent", "her numbers are
//     down");
//   - an evaluation before such an attribute, when the sentence speaks of a
//     person ("she has a poor work ethic", "he writes excellent code") —
//     not when it is something to learn or talk about ("we explored what
//     good communication looks like", "she wants to build strong
//     leadership skills");
//   - a person who struggles with, has trouble with, lacks, is bad or good
//     at, or falls short on such an attribute ("he struggles with time
//     management", "she struggles to manage her time");
//   - a trait said of the person, hedged or not ("she is very reliable",
//     "he is not always reliable", "he is technically weak", "he could be
//     more organised", "she is perhaps not the most technical member of
//     the team");
//   - a judging noun ("a poor communicator", "a natural leader", "one of
//     the hardest workers", "a safe pair of hands", "management material",
//     "an asset to any team");
//   - comparisons and rankings in more shapes ("better organised than most
//     of his peers", "not as strong as the other candidates", "the best
//     analyst I have worked with", "the most productive person on her
//     team", "below the bar"), verdicts ("not ready for the senior role",
//     "ready to be promoted", "a good fit for the role", "would struggle as
//     a manager", "I fully support her promotion") and work measures
//     ("meeting all his targets", "scored highly in his last review", "had
//     a weak year", "did a poor job", "needs constant hand-holding").
//
// Growth and engagement stay clean: "improved", "grew", "more confident",
// "took ownership of her development plan" are not evaluations here, and
// what the pair worked on ("we worked on his time management") names an
// attribute without judging it.

const (
	// possessor: the person whose work it is.
	possessor = `(?:his|her|their|` + name + apos + `s)`
	// attribute: what of a person's work can be judged.
	attribute = `(?:time[\s-]?management|time-?keeping|punctuality|prioriti[sz](?:ation|ing)|organi[sz]ation(?:al)?\s+skills|` +
		`(?:(?:written|verbal|oral|client|team)\s+)?communications?(?:\s+skills)?|work\s+quality|quality\s+of\s+(?:his|her|their)\s+work|quality|` +
		`code(?:\s+quality)?|coding|output|productivity|delivery|deliverables|results|numbers|(?:sales\s+)?figures|targets|deadlines|` +
		`attention\s+to\s+detail|technical\s+(?:depth|skills?|knowledge|abilit(?:y|ies)|expertise|work)|skills?(?:\s*set)?|expertise|` +
		`knowledge|experience|work(?:\s+ethic)?|judge?ment|decision-?making|leadership(?:\s+skills)?|(?:stakeholder|people|project|client|time)\s+management|` +
		`management\s+skills|reports?|presentations?|documentation|focus|efficiency|accuracy|reliability|track\s+record|execution|` +
		`follow-?through|attitude|teamwork|collaboration|professionalism|competence|estimates?|analysis|contributions?|impact|` +
		`(?:working\s+)?relationships|rapport|(?:classroom|case|caseload|behaviou?r|ward|shift|site|account|vendor|supplier|risk)\s+management|` +
		`supervision(?:\s+of\s+[\w\s]+?)?|teaching|rostering|scheduling|publication\s+record|publications|grant\s+capture|research\s+output|` +
		`teaching\s+scores|student\s+evaluations|clinical\s+skills|clinical\s+judge?ment|record\s+keeping|record-keeping|charting|` +
		`safety\s+record|site\s+safety|workmanship|craftsmanship)`
	// evaluation: what an attribute is said to be.
	evaluation = `(?:poor|weak|bad|terrible|awful|lacking|limited|shaky|patchy|uneven|inconsistent|unreliable|sloppy|careless|erratic|mediocre|` +
		`sub-?par|(?:well\s+|far\s+|way\s+)?(?:below|above)\s+(?:par|average|standard|the\s+bar|expectations)|disappointing|underwhelming|average|` +
		`lacklust(?:re|er)|questionable|problematic|not\s+up\s+to|(?:up\s+to|of)\s+(?:a\s+)?(?:high|low|good|poor)?\s*standard|not\s+where|` +
		`not\s+what|hit\s+(?:and|or)\s+miss|full\s+of\s+(?:errors|mistakes)|error-?prone|excellent|outstanding|exceptional|strong|great|superb|` +
		`brilliant|impressive|solid|reliable|dependable|consistent|top-?notch|first-?rate|flawless|impeccable|meticulous|exemplary|good|` +
		`stellar|remarkable|accurate|the\s+(?:best|worst|strongest|weakest)|down|behind|low|high|unsatisfactory|satisfactory|adequate|mixed|` +
		`variable|spotty|negative|positive|slow|late|second\s+to\s+none|not\s+(?:good|great|strong|bad)\s+enough|` +
		`rushed|incomplete|muddy|thin|thinner|flabby|messy|rough|unclear|vague|confused|confusing|chaotic|shallow|superficial|` +
		`polished|crisp|sharp|thorough|overdue|poorly\s+\w+|badly\s+\w+|beautifully\s+\w+|` +
		`(?:a\s+lot\s+|much\s+|far\s+|a\s+bit\s+|somewhat\s+)?(?:clearer|tighter|sharper|crisper|stronger|faster|sloppier|messier|weaker|worse|slower|` +
		`more\s+(?:concise|consistent|reliable|thorough|careful|accurate|timely)|less\s+(?:timely|reliable|accurate|careful|consistent|thorough))|` +
		`a\s+(?:shambles|mess|disaster|nightmare|triumph|real\s+strength|weak\s+spot))`
	// change: what an attribute is said to have done over time.
	change = `(?:dropped|dropping|declined|declining|slipped|slipping|slips|deteriorated|deteriorating|worsened|worsening|fallen|fell|` +
		`gone\s+(?:down(?:hill)?)|dipped|tailed\s+off|dropped\s+off|fallen\s+off|suffered|suffering|stagnated|stagnating|plateaued|` +
		`fallen\s+behind|gone\s+backwards|doubled|tripled|halved|soared|shot\s+up|picked\s+up|risen|climbed|rocketed)`
	// evalAdj: an evaluation written before an attribute.
	evalAdj = `(?:poor|weak|bad|terrible|awful|excellent|outstanding|exceptional|strong|great|superb|brilliant|impressive|solid|good|` +
		`high-?quality|high\s+quality|low-?quality|top-?notch|first-?rate|sloppy|careless|mediocre|average|inconsistent|disappointing|` +
		`limited|exemplary|flawless|impeccable|shoddy|lacklust(?:re|er)|fantastic|amazing|questionable|unreliable|reliable|consistent)`
	// beVerb2: "is", "has been", "can be", …, and the adverbs around it.
	beVerb2 = `(?:(?:is|are|was|were|has\s+been|have\s+been|had\s+been|seems?|seemed|looks?|looked|remains?|remained|can\s+be|tends?\s+to\s+be|` +
		`becomes?|became|(?:has|have)\s+(?:become|grown|gotten|got)|gets|(?:is|are|was|were)\s+found\s+to\s+be|could\s+be|` +
		`is\s+not|isn` + apos + `t|are\s+not|aren` + apos + `t|was\s+not|wasn` + apos + `t|has\s+not\s+been|hasn` + apos + `t\s+been)\s+)`
	adverbs = `(?:(?:not|never|rarely|always|often|usually|generally|consistently|very|really|quite|rather|fairly|pretty|extremely|so|too|` +
		`a\s+bit|somewhat|at\s+times|sometimes|frankly|honestly|perhaps|probably|a\s+little|highly|exceptionally|incredibly|increasingly|` +
		`still|already|now|also|just|only|clearly|definitely|simply|noticeably|markedly|significantly|really|exactly|genuinely|truly|absolutely)\s+)*`
	// person: the subject a trait is said of.
	person = `(?:he|she|they|` + name + `)`
	// traitAdj: traits of a person as an employee, said of them.
	traitAdj = `(?:reliable|unreliable|dependable|diligent|hard-?working|conscientious|meticulous|talented|gifted|brilliant|competent|` +
		`incompetent|capable|smart|bright|sharp|efficient|inefficient|productive|unproductive|effective|ineffective|professional|` +
		`punctual|slow|lazy|sloppy|careless|chaotic|inconsistent|erratic|mediocre|average|excellent|outstanding|exceptional|` +
		`defensive|stubborn|overrated|overqualified|underqualified|inexperienced|immature|naive|indispensable|invaluable|` +
		`(?:dis)?organi[sz]ed|unfocused|scattered|detail-?oriented|technical|weak|strong|accurate|thorough|sharp|quick\s+to\s+deliver|` +
		`(?:too\s+)?junior|a\s+(?:real\s+|big\s+)?disappointment|a\s+self-?starter|up\s+to\s+the\s+job|good\s+at\s+(?:his|her|their)\s+job|` +
		`rigid|inflexible|unwilling\s+to\s+adapt|imperious|abrasive|arrogant|rude|dismissive|condescending|patronising|patronizing|brusque|` +
		`aloof|tactless|hot-?headed|volatile|temperamental|unflappable|level-?headed|resourceful|complacent|disengaged|checked\s+out|` +
		`lax|slack|trustworthy|principled|resistant\s+to\s+change|a\s+pushover|a\s+soft\s+touch|abrupt|hard\s+to\s+approach|unapproachable|approachable)`
	// judgingNoun: what a person is called when judged as an employee.
	judgingNoun = `(?:communicators?|workers?|performers?|leaders?|learners?|presenters?|coders?|programmers?|writers?|engineers?|` +
		`developers?|analysts?|managers?|employees?|colleagues?|hires?|contributors?|team[\s-]players?|assets?|problem[\s-]solvers?|` +
		`self-?starters?|designers?|consultants?|salespeople|salesperson|lead|thinkers?|operators?|member\s+of\s+(?:the\s+)?(?:team|staff))`
	judgingAdj = `(?:poor|weak|bad|terrible|strong|excellent|great|good|brilliant|talented|natural|hard|slow|fast|average|mediocre|` +
		`gifted|real|true|reliable|unreliable|effective|ineffective|outstanding|exceptional|valuable|solid|superb|capable|competent|` +
		`efficient|productive|dependable|diligent|skilled|able|promising|strategic|safe|steady|\w+est|most\s+\w+|least\s+\w+)`
)

// work: a new family, for judgements of the quality or quantity of the
// person's work.
const famWork family = 100

// famAssess: an evaluation found by assess (assess.go).
const famAssess family = 101

// learning: before an evaluation of an attribute, something to learn,
// build or talk about — not a judgement of the person.
var learning = rx(`\b(?:wants?|wanted|hopes?|hoped|aims?|aimed|goals?|learn\w*|build\w*|develop\w*|improv\w*|work(?:ed|ing)?\s+on|` +
	`focus\w*\s+on|practi[sc]\w*|what|how|about|discuss\w*|explor\w*|talk\w*|ask\w*|looks?\s+like|means?|become|becoming|to\s+be|` +
	`into|towards?|example|examples|tips|advice|read\w*)\s+(?:\S+\s+){0,4}$`)

func init() {
	rules = append(rules,
		// An attribute of the person's work, evaluated or changing.
		rule{broad: true, any: attributeKeys, fam: famWork, guarded: true,
			re: rx(`\b(?:` + possessor + `\s+(?:(?:own|overall|recent|current|day-to-day|general|actual|work|code)\s+)*(?:[\w-]+\s+){0,2}?` + attribute +
				`|the\s+(?:quality|standard|pace|volume|accuracy|level)\s+of\s+(?:his|her|their)\s+(?:work|output|code|reports|delivery))\b` +
				`(?:\s+[^\s.;!?]+){0,5}?\s+(?:` + beVerb2 + adverbs + evaluation + `|(?:(?:has|have|had)\s+)?` + adverbs + change + `)\b`)},
		// An evaluation before an attribute, said of a person.
		rule{broad: true, any: kw("time|keeping|ethic|judg|leadership|communication|code|work|attention|attitude|track|technical|decision|delivery|output|results"), fam: famWork, guarded: true,
			re: rx(`\b` + evalAdj + `\s+(?:[\w-]+\s+)?(?:time[\s-]?management|time-?keeping|work\s+ethic|judge?ment|leadership|communication(?:\s+skills)?|code|work|attention\s+to\s+detail|attitude|track\s+record|technical\s+(?:skills|depth|ability|knowledge)|decision-?making|delivery|output|results)\b`),
			skip: func(before, after, m string) bool {
				return !mentionsPerson(before+" "+after) || learning.MatchString(before)
			}},
		rule{broad: true, any: kw("year|quarter|half|job|month"), fam: famWork, guarded: true,
			re: rx(`\b(?:had|having|has\s+had)\s+an?\s+(?:very\s+|really\s+)?(?:poor|weak|bad|strong|great|excellent|good|disappointing|outstanding|solid|mediocre|average|stellar|exceptional)\s+(?:year|quarter|half|month|cycle)\b` +
				`|\bdid\s+an?\s+(?:very\s+|really\s+)?(?:poor|bad|terrible|great|excellent|good|fantastic|brilliant|outstanding|solid|decent|mediocre|sloppy|superb)\s+job\b`)},
		// A person who struggles with or lacks an attribute, or is bad or good at it.
		rule{broad: true, any: kw("struggl|trouble|difficult|problem|issue|hard|bad|poor|weak|good|great|excellent|strong|excel|short|lack|terrible"), fam: famWork, guarded: true,
			re: rx(`\b` + person + `\s+(?:\w+\s+){0,2}?(?:struggles?|struggled|struggling|(?:has|had|have)\s+(?:real\s+|some\s+|a\s+lot\s+of\s+)?(?:trouble|difficulty|difficulties|problems|issues)|finds?\s+it\s+hard\s+to|` +
				`(?:is|are|was|were)\s+(?:not\s+)?(?:very\s+|really\s+|particularly\s+)?(?:bad|poor|weak|good|great|excellent|strong|terrible)\s+(?:at|on|in)|excels?\s+(?:at|in)|excelled\s+(?:at|in)|` +
				`(?:falls?|fell|falling)\s+short\s+(?:on|in|of)|lacks?|lacked|lacking)\s+(?:with\s+|to\s+)?(?:\w+\s+){0,3}?(?:` + attribute + `|manag\w*\s+(?:his|her|their)\s+(?:time|workload|work|priorities))\b`)},
		// A trait said of the person, hedged or not.
		rule{broad: true, any: traitKeys, fam: famTrait,
			re: rx(`\b` + person + `\s+(?:is|was|has\s+been|can\s+be|seems?|seemed|comes\s+across\s+as|came\s+across\s+as|tends?\s+to\s+be|remains|isn` + apos + `t|wasn` + apos + `t|` +
				`(?:is|was|has\s+been)\s+(?:not\s+)?(?:always|usually|generally|often)|(?:i|we)\s+think\s+(?:he|she|they)\s+(?:is|are))\s+` + adverbs + `(?:technically\s+` + adverbs + `)?` + traitAdj + `\b`),
			skip: func(before, after, m string) bool {
				return learning.MatchString(before) || ofTheMentoring.MatchString(after) || (atOurMeetings.MatchString(before) && punctuality.MatchString(m))
			}},
		rule{broad: true, any: kw("efficien|productiv|reliab|dependab|diligent|conscientious|meticulous|careless|sloppy|lazy|competen|capab|professional|punctual|organi|hard"), fam: famTrait,
			re:   rx(`\b(?:and|but)\s+` + adverbs + `(?:efficient|inefficient|productive|unproductive|reliable|unreliable|dependable|diligent|conscientious|meticulous|careless|sloppy|lazy|competent|incompetent|capable|professional|unprofessional|punctual|disorgani[sz]ed|hard-?working)\b`),
			skip: func(before, after, _ string) bool { return !mentionsPerson(before + " " + after) }},
		rule{broad: true, any: kw("technically"), fam: famTrait,
			re: rx(`\btechnically\s+` + adverbs + `(?:strong|weak|excellent|gifted|brilliant|limited|solid|able|capable|superb|outstanding|sound|competent|poor)\b`)},
		rule{broad: true, any: kw("could|most|best|strongest|quickest|fastest|sharpest|brightest"), fam: famTrait, guarded: true,
			re: rx(`\b` + person + `\s+could\s+(?:be|do)\s+(?:a\s+(?:bit|lot|little)\s+)?(?:more|less|better)\b` +
				`|\b(?:is|was)\s+(?:perhaps\s+|probably\s+|certainly\s+|definitely\s+)?not\s+(?:always\s+)?the\s+(?:most|best|strongest|quickest|fastest|sharpest|brightest)\b`),
			skip: func(_, after, _ string) bool { return selfCare.MatchString(after) }},
		rule{broad: true, any: kw("suit|point|weakness|plateau|stagnat|confidence|experience"), fam: famTrait, guarded: true,
			re: rx(`\b(?:his|her|their)\s+(?:strong|weak)\s+(?:suit|point|spot)s?\b|\b(?:his|her|their)\s+(?:biggest\s+|main\s+|real\s+)?weakness(?:es)?\b` +
				`|\b` + person + `\s+(?:has|had|have)\s+(?:\w+\s+)?(?:plateaued|stagnated|peaked)\b|\b` + person + `\s+lacks\s+(?:the\s+)?confidence\b` +
				`|\b(?:does\s+not|doesn` + apos + `t|did\s+not|didn` + apos + `t)\s+have\s+(?:the\s+|enough\s+)?(?:\w+\s+)?(?:experience|depth|expertise|seniority|maturity)\b`)},
		// The person's work products as the subject of a sentence ("his
		// reports need a lot of rework", "her designs are not very
		// creative", "her sales this year were well below target"),
		// outside the mentoring (see outsideMentoring).
		rule{broad: true, any: kw("his|her|their|'s|’s"), fam: famWork, guarded: true,
			re: rx(`^(?:\W*(?:frankly|honestly|overall|generally|sadly|unfortunately|in\s+general|to\s+be\s+honest)\W+)?(?:his|her|their|` + name + apos + `s)\s+(?:own\s+|recent\s+|latest\s+|day-to-day\s+)?(?:\w+\s+)?` + workProduct + `\b`),
			skip: func(before, after, m string) bool {
				// "Her lesson plans" are not the mentoring's plans, and "have
				// become" or "have grown" only links them to what they are.
				return outsideMentoring(before, linking.ReplaceAllString(after, " "), planWord.ReplaceAllString(m, " ")) || notWorkProduct.MatchString(after) || pronounIs.MatchString(m)
			}},
		// Reputation and habit: "is known for", "has a habit of", "tends to",
		// "the last to finish", "the person everyone goes to", "not someone I
		// would trust", "would not cope with".
		rule{broad: true, any: kw("known|reputation|habit|tends|tend|last|first|only|everyone|someone|trust|cope|complain|target|rework|checked|corners"), fam: famTrait, guarded: true,
			re: rx(`\b(?:is|was|has\s+been)\s+(?:\w+\s+)?(?:known|famous|notorious)\s+for\b|\bha(?:s|d)\s+(?:a|the)\s+(?:\w+\s+)?(?:reputation|habit|tendency)\s+(?:for|of)\b` +
				`|\b` + person + `\s+(?:\w+\s+)?tends?\s+to\b|\b(?:is|was)\s+(?:\w+\s+)?the\s+(?:first|last|only|slowest|fastest)\s+(?:one\s+|person\s+)?to\b` +
				`|\b(?:the\s+(?:person|one)\s+(?:everyone|everybody|people|the\s+team)|everyone|everybody)\s+(?:\w+\s+)?(?:goes|go|turns|turn|relies|rely|trusts|trust|comes|come)\s+(?:to|on)\b` +
				`|\b(?:not\s+)?someone\s+(?:i|we|you)\s+(?:\w+\s+)?(?:trust|rely|depend|count)\b|\btrust\s+(?:him|her|them)\s+with\b` +
				`|\bwould\s+(?:not\s+|never\s+|n` + apos + `t\s+)?(?:cope|manage|handle|survive|succeed|fail|struggle|thrive|excel|flounder)\s+(?:with|in|as|under)\b` +
				`|\b(?:customers|clients|colleagues|stakeholders|users|people)\s+(?:\w+\s+)?(?:complain|complained|complaining|praise|praised|rave)\b|\bcomplaints\s+about\s+(?:him|her|them|his|her|their)\b` +
				`|\b(?:below|above|under|over|short\s+of|off)\s+(?:the\s+|their\s+|his\s+|her\s+)?targets?\b|\b(?:rework|re-?work|redone|checked\s+twice|double-?checked|corrections)\b|\bcuts?\s+corners\b|\bcutting\s+corners\b`),
			skip: outsideMentoring},
		// "too cautious to lead a big programme", "not strategic enough
		// for a senior post": a trait measured against a role.
		rule{broad: true, any: kw("too|enough"), fam: famVerdict, guarded: true,
			re:   rx(`\b(?:too\s+(?:\w+\s+)?\w+|not\s+(?:\w+\s+)?\w+\s+enough|\w+\s+enough)\s+(?:to\s+(?:lead|manage|run|be\s+promoted|take\s+on|step\s+up|head|own)|for\s+(?:a|an|the|this|that)\s+(?:\w+\s+){0,2}?(?:role|post|position|job|promotion|level|grade|team|programme|project))\b`),
			skip: outsideMentoring},
		// Judging nouns.
		rule{broad: true, any: judgingNounKeys, fam: famEmployee,
			re: rx(`\b(?:a|an|the|one\s+of\s+the|one\s+of\s+our)\s+(?:very\s+|really\s+|truly\s+|genuinely\s+|thoroughly\s+)?` + judgingAdj + `\s+(?:[\w-]+\s+)?` + judgingNoun + `\b`),
			skip: func(before, _, m string) bool {
				return aspiration.MatchString(before) || learning.MatchString(before) || notJudgingNoun(m)
			}},
		rule{broad: true, any: kw("star|flyer|flier|pair|link|weight|material|cut|asset|liability|player|carries|carry|carried"), fam: famEmployee,
			re: rx(`\b(?:rising\s+star|high[\s-]fl(?:y|i)ers?|rock\s*stars?|safe\s+pair\s+of\s+hands|weak(?:est)?\s+links?|dead\s*weight|(?:management|leadership|partner|director)\s+material|` +
				`cut\s+out\s+for|an?\s+(?:\w+\s+)?asset\s+to|pull(?:s|ed|ing)?\s+(?:his|her|their)\s+(?:own\s+)?weight|carr(?:y|ies|ied|ying)\s+the\s+team|an?\s+(?:real\s+|true\s+)?team[\s-]player)\b`)},
		// Work measures and habits.
		rule{broad: true, any: kw("targets"), fam: famWork, guarded: true,
			re: rx(`\b(?:meets?|meeting|met|hits?|hitting|exceeds?|exceeded|exceeding|miss(?:es|ed|ing)?|beats?|beat|beating)\s+(?:all\s+|most\s+|none\s+|some\s+|many\s+)?(?:of\s+)?(?:his|her|their|the|its)\s+(?:\w+\s+)?targets\b`)},
		rule{broad: true, any: kw("scored|review"), fam: famWork, guarded: true,
			re: rx(`\bscored\s+(?:very\s+)?(?:highly|well|poorly|badly|low|high)\b|\b(?:in|at)\s+(?:his|her|their)\s+(?:last|latest|annual|mid-?year|year-?end|recent)\s+(?:performance\s+)?review\b`)},
		rule{broad: true, any: kw("rate|rating|grade|score|assess"), fam: famWork, guarded: true,
			re: rx(`\b(?:rate|rated|rating|grade|graded|score|scored|assess|assessed)\s+(?:his|her|their)\s+(?:work|output|performance|contribution)\b`)},
		rule{broad: true, any: kw("done|produce"), fam: famWork, guarded: true,
			re: rx(`\bgets?\s+things\s+done\b|\bgot\s+things\s+done\b|\bproduces?\s+(?:very\s+|too\s+)?(?:little|a\s+lot|nothing|less|more)\b`)},
		rule{broad: true, any: kw("supervis|hand|micromanag|oversight|chasing"), fam: famWork, guarded: true,
			re: rx(`\b(?:needs?|needed|requires?|required)\s+(?:a\s+lot\s+of\s+|constant\s+|close\s+|little\s+|no\s+|too\s+much\s+)?(?:supervision|hand-?holding|micromanag\w*|oversight|chasing)\b|\bwithout\s+(?:supervision|oversight)\b`)},
		rule{broad: true, any: kw("behind|late|time"), fam: famWork, guarded: true,
			re: rx(`\bbehind\s+schedule\b|\bbehind\s+on\s+(?:his|her|their)\s+work\b|\b(?:late|on\s+time)\s+(?:to|for)\s+(?:work|the\s+office|team\s+meetings|client\s+meetings|stand-?ups?)\b`)},
		rule{broad: true, any: kw("feedback|ownership|responsib"), fam: famWork, guarded: true,
			re: rx(`\b(?:doesn` + apos + `t|does\s+not|won` + apos + `t|will\s+not|never|rarely)\s+(?:\w+\s+)?(?:listen|respond|take)\s+(?:well\s+)?(?:to\s+feedback|ownership|responsibility)\b`)},
		rule{broad: true, any: kw("expect|bar"), fam: famWork, guarded: true,
			re: rx(`\b(?:expected\s+of\s+(?:him|her|them)|what\s+(?:we|i)\s+expect\s+(?:of|from))\b|\b(?:below|above|meets?|clears?|raises?|under)\s+the\s+bar\b`)},
		rule{broad: true, any: kw("communicat"), fam: famWork, guarded: true,
			re: rx(`\bcommunicat(?:es|ed)\s+(?:very\s+|really\s+|quite\s+)?(?:well|badly|poorly|clearly|effectively|ineffectively|brilliantly)\b`)},
		rule{broad: true, any: kw("perform"), fam: famPerformance, guarded: true,
			re:   rx(`\b(?:not\s+)?perform(?:s|ed|ing)?\s+(?:as\s+well|at\s+(?:the\s+|a\s+)?(?:\w+\s+)?level|at\s+(?:his|her|their)\s+best|to\s+(?:a|the)\s+(?:high\s+)?standard)\b`),
			skip: func(_, after, _ string) bool { return practice.MatchString(after) }},
		// Comparisons in more shapes.
		rule{broad: true, any: kw("than|as"), fam: famComparison, guarded: true,
			re: rx(`\b(?:(?:better|worse|more|less)\s+[\w-]+(?:\s+[\w-]+){0,4}?|[\w-]+er|more|less|better|worse)\s+than\s+` + peerPre + `(?:` + peers + `|(?:other\s+)?candidates|predecessors?|successors?|(?:the\s+)?average|(?:most|anyone|everyone|others)\b)` +
				`|\b(?:not\s+)?as\s+[\w-]+\s+as\s+` + peerPre + `(?:` + peers + `|(?:other\s+)?candidates|predecessors?)\b`)},
		rule{broad: true, any: kw("the"), fam: famComparison, guarded: true,
			re:   rx(`\bthe\s+(?:best|worst|strongest|weakest|brightest|sharpest|fastest|slowest|most\s+[\w-]+|least\s+[\w-]+)\s+(?:[\w-]+\s+){0,2}?(?:(?:i|we)\s+(?:have|` + apos + `ve|had)?\s*(?:ever\s+)?(?:worked|work|managed|seen|met|known|hired)|(?:on|in|of)\s+(?:the|his|her|their|our)\s+(?:team|group|department|cohort|unit|office|region|company))\b`),
			skip: func(_, _, m string) bool { return amongMentees.MatchString(m) }},
		rule{broad: true, any: kw("behind|level|ahead|grade"), fam: famComparison, guarded: true,
			re: rx(`\bbehind\s+where\s+(?:he|she|they)\s+should\s+be\b|\b(?:at|above|below|beyond)\s+(?:the\s+level\s+of|(?:his|her|their)\s+(?:current\s+)?(?:level|grade|pay\s+grade))\b`)},
		// Verdicts.
		// "the sort of officer I'd want in charge of a wing", "the kind of
		// employee you want on a peak season team".
		rule{broad: true, any: kw("sort|kind|type"), fam: famVerdict, guarded: true,
			re: rx(`\b(?:sort|kind|type)\s+of\s+(?:[\w-]+\s+){0,2}?(?:person|officer|employee|worker|colleague|manager|leader|engineer|nurse|teacher|analyst|hire|agent|rep|candidate|professional|lawyer|doctor|scientist|supervisor|lead|practitioner|clinician|investigator|detective|editor|writer|banker|associate|operator|technician|researcher|player)\s+(?:(?:that\s+)?(?:i|you|we|they|anyone|everyone|any\s+\w+|every\s+\w+)\s*(?:` + apos + `d|would|'d|will|can)?\s*(?:want|need|trust|hire|rely\s+on|put|pick|choose|promote|love|keep)|(?:who|that)\s+(?:\w+\s+)?(?:you|i|we)\s+(?:want|need|can\s+trust|can\s+rely\s+on))\b`)},
		// "I believe she would thrive as a Senior Investigating Officer",
		// "he would struggle in a management role".
		rule{broad: true, any: kw("thrive|excel|flourish|shine|struggle|flounder|sink|drown"), fam: famVerdict, guarded: true,
			re:   rx(`\b(?:would|will|could|is\s+going\s+to|(?:i|we)\s+(?:think|believe|expect)\s+(?:she|he|they)\s+(?:would|will))\s+(?:really\s+|absolutely\s+|certainly\s+|definitely\s+|likely\s+)?(?:thrive|excel|flourish|shine|do\s+well|struggle|flounder|sink|drown)\s+(?:as\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?\w+|in\s+(?:a|an|the|that|this)\s+(?:[\w-]+\s+){0,3}?(?:role|post|position|job|seat|grade|band|rank|team))`),
			skip: func(_, _, m string) bool { return amongMentees.MatchString(m) }},
		// "would be hard pushed to find a better candidate", "could not ask
		// for a better colleague".
		rule{broad: true, any: kw("find|ask|wish|hope"), fam: famComparison, guarded: true,
			re: rx(`\b(?:hard[\s-](?:pushed|pressed)|struggle|difficult|unlikely|impossible)\s+to\s+find\s+(?:a\s+|anyone\s+|someone\s+)?(?:better|stronger|more\s+[\w-]+)\b` +
				`|\b(?:could|can)(?:n` + apos + `?t|not|\s+not)\s+(?:find|ask\s+for|wish\s+for|hope\s+for)\s+(?:a\s+)?(?:better|stronger|more\s+[\w-]+)\s+(?:[\w-]+\s+)?(?:candidate|colleague|person|officer|employee|hire|successor|lead|manager|deputy|team\s*mate|analyst|engineer|nurse|teacher)\b`)},
		// "She hasn't shown she can handle the pressure of a supervisor
		// seat", "he has not yet demonstrated the judgement the grade needs".
		rule{broad: true, any: kw("shown|demonstrated|proven|proved|handle"), fam: famVerdict, guarded: true,
			re: rx(`\b(?:has|have|had)(?:n` + apos + `?t|\s+not|\s+never)\s+(?:yet\s+|really\s+)?(?:shown|demonstrated|proven|proved)\s+(?:(?:that\s+)?(?:she|he|they)\s+(?:can|could|is|are)\b|(?:[\w-]+\s+){0,3}?(?:the\s+|enough\s+|any\s+|much\s+)?(?:leadership|judge?ment|resilience|maturity|skills?|ability|capacity|gravitas|presence|authority|rigou?r|initiative|consistency|reliability|capability|competence)\b)` +
				`|\b(?:can|could)(?:n` + apos + `?t|not|\s+not)\s+(?:yet\s+|really\s+)?(?:handle|cope\s+with|take)\s+the\s+pressure\b`),
			skip: func(before, _, _ string) bool { return meAsSubject.MatchString(before) }},
		// Targets and goals hit or missed: "consistently hits her sales goals".
		rule{broad: true, any: kw("goal|target|number|quota|kpi|sla|metric|deadline"), fam: famPerformance, guarded: true,
			re: rx(`\b(?:hits?|hitting|misses|missed|missing|exceeds?|exceeded|exceeding|beats?|beating|smashe[sd]|smashing|crushe[sd]|crushing|surpass(?:es|ed)?|falls?\s+short\s+of|fell\s+short\s+of|blows?\s+(?:through|past)|blew\s+(?:through|past))\s+(?:all\s+(?:of\s+)?|most\s+(?:of\s+)?)?(?:his|her|their)\s+(?:[\w-]+\s+){0,2}?(?:goals?|targets?|numbers|quotas?|kpis?|slas?|metrics|deadlines)\b`)},
		// Quality that rose or fell: "her reports … became each quarter more
		// precise, the quality went really up".
		rule{broad: true, any: kw("quality|accuracy|standard|precise|accurate|reliable|consistent|thorough|polished|rigorous|careful|sloppy|careless"), fam: famWork, guarded: true,
			re: rx(`\b(?:her|his|their)\s+(?:[\w-]+\s+){1,5}?(?:became|become|got|grew|has\s+become|have\s+become|is\s+becoming|are\s+becoming)\s+(?:[\w-]+\s+){0,3}?(?:more|less)\s+(?:precise|accurate|reliable|consistent|thorough|polished|rigorous|careful|sloppy|careless)\b` +
				`|\b(?:her|his|their)\s+[^.;!?]{0,60}?\b(?:the\s+)?(?:quality|accuracy|standard)\s+(?:went|has\s+gone|goes|really\s+went)\s+(?:really\s+|way\s+|right\s+|steadily\s+)?(?:up|down)\b`)},
		// A rating's label or a year-end mark: 'A "Must Improve" would be a
		// fair end-of-year marking'.
		rule{broad: true, any: kw("marking|improve|mark"), fam: famRating, guarded: true,
			re: rx(`\b(?:end[\s-]of[\s-]year|year[\s-]end|annual|mid[\s-]year|appraisal|pdr|box)\s+(?:marking|mark)\b|["“](?:must|needs\s+to|requires)\s+improve(?:ment)?["”]`)},
		rule{broad: true, any: kw("ready"), fam: famVerdict, guarded: true,
			re:   rx(`\bnot\s+(?:yet\s+)?ready\s+(?:for|to)\b|\bready\s+to\s+be\s+promoted\b|\bready\s+for\s+(?:the\s+)?(?:next\s+(?:level|grade|step)|(?:a|the|this)\s+(?:senior|lead|management|principal)\s+(?:role|position|post|job))\b`),
			skip: func(before, _, _ string) bool { return meAsSubject.MatchString(before) || toBecome.MatchString(before) }},
		rule{broad: true, any: kw("fit"), fam: famVerdict, guarded: true,
			re: rx(`\b(?:good|great|strong|natural|poor|bad|perfect|right|excellent|obvious|ideal)\s+fit\s+for\b`)},
		rule{broad: true, any: kw("promotion|application|candidacy|case|nomination|bid"), fam: famVerdict, guarded: true,
			re: rx(`\b(?:support|supports|endorse|endorses|recommend|recommends|back|backs|champion)\s+(?:(?:fully|strongly|wholeheartedly)\s+)?(?:his|her|their|` + name + apos + `s)\s+(?:\w+\s+)?(?:promotion|candidacy|case|nomination|bid)\b`)},
		// Readiness in short and chat forms: "theyre not ready", "ready for
		// team lead", "promo-ready", "more mid-level than senior".
		rule{broad: true, any: kw("ready"), fam: famVerdict, guarded: true,
			re: rx(`\b(?:not|isn` + apos + `?t|aren` + apos + `?t)\s+(?:yet\s+|quite\s+|really\s+|fully\s+)?ready(?:\s+yet)?\s*(?:[.,;!?]|$)`),
			skip: func(before, _, _ string) bool {
				return !mentionsPerson(before) || meAsSubject.MatchString(before) || toBecome.MatchString(before)
			}},
		rule{broad: true, any: kw("ready"), fam: famVerdict, guarded: true,
			re: rx(`\bready\s+for\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,3}?(?:role|position|post|promotion|advancement|step[\s-]up|lead|manager|management|supervisor|supervisory|leadership|principal|partnership|director|charge\s+nurse|sergeant)\b` +
				`|\b(?:promo|promotion)[\s-]ready\b|\bready\s+for\s+(?:a\s+)?(?:promo|promotion)\b` +
				`|\bready\s+for\s+(?:a\s+|the\s+|her\s+|his\s+)?(?:band|grade|level|pay\s+band)\s*\d+\b`),
			skip: func(before, _, _ string) bool {
				return meAsSubject.MatchString(before) || toBecome.MatchString(before) || learning.MatchString(before)
			}},
		rule{broad: true, any: kw("than|level|grade|job|role"), fam: famComparison, guarded: true,
			re: rx(`\bmore\s+(?:of\s+an?\s+)?(?:junior|mid-?level|mid|senior|intermediate|entry-?level)\s+(?:\w+\s+)?than\s+(?:an?\s+)?(?:junior|mid-?level|senior|lead|principal|staff)\b` +
				`|\b(?:operating|performing|functioning)\s+(?:well\s+)?(?:at|above|below)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?(?:level|grade)\b` +
				`|\b(?:basically|already|effectively)\s+doing\s+(?:that|the|this)\s+(?:job|role)\b` +
				`|\b(?:is|are|was)\s+(?:still\s+)?(?:quite\s+|very\s+|rather\s+|pretty\s+|too\s+)?(?:basic|rudimentary|rusty|shaky|weak|thin)\s+for\s+(?:a|an|the|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?:role|job|level|position|grade)\b`)},
		// Attitude to feedback and attendance at work.
		rule{broad: true, any: kw("feedback|criticism|direction|correction|skip|miss|late"), fam: famTrait, guarded: true,
			re: rx(`\b(?:doesn` + apos + `?t|does\s+not|don` + apos + `?t|do\s+not|won` + apos + `?t|never|rarely|can` + apos + `?t)\s+(?:always\s+|really\s+)?(?:take|takes|handle|handles|accept|accepts|respond\s+to|react\s+to)\s+(?:\w+\s+)?(?:feedback|criticism|direction|correction)\s+(?:\w+\s+){0,3}?(?:well|on\s+board|gracefully|constructively)\b` +
				`|\b(?:often|regularly|always|frequently|keeps|routinely)\s+(?:skips?|skipping|misses|missing|late\s+(?:to|for)|absent\s+from)\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:\w+\s+)?(?:standups?|stand-ups?|team\s+meetings|deadlines|shifts|handovers?|huddles?|briefings?)\b`),
			skip: func(before, _, _ string) bool { return !mentionsPerson(before) }},
		// Idioms of a verdict or a ranking.
		rule{broad: true, any: kw("finished|born|among|top|come|go-to|trust|call|good|person|officer|engineer|nurse|colleague|one"), fam: famComparison, guarded: true,
			re: rx(`\bthe\s+finished\s+article\b|\bborn\s+(?:leader|manager|teacher|salesperson|communicator|engineer|nurse|organiser|organizer)\b` +
				`|\bamong\s+(?:the\s+)?(?:top|best|strongest|weakest|brightest|sharpest|most\s+\w+)\s+(?:\w+\s+){0,4}?(?:in|on|at|of|i\s+have)\b` +
				`|\b(?:the\s+)?top\s+(?:handful|few|tier|quartile|decile|performers?)\s+(?:of|in|on|at)\b` +
				`|\bthe\s+(?:best|worst|strongest|weakest|brightest|sharpest|finest)\s+(?:[\w-]+\s+){0,3}?(?:to\s+come\s+through|in\s+(?:a|the)\s+(?:decade|generation)|in\s+years)\b` +
				`|\bthe\s+(?:go-to|first)\s+(?:person|one|engineer|analyst|nurse|officer)\s+(?:\w+\s+)?(?:for|when|to\s+call|they\s+call|people\s+call|everyone)\b` +
				`|\bthe\s+(?:person|one|officer|engineer|nurse|colleague)\s+(?:everyone|people|they|we|i)\s+(?:would\s+)?(?:pings?|calls?|trusts?|turns?\s+to|rel(?:y|ies)\s+on|want\s+beside)\b` +
				`|\b(?:really|very|so|genuinely)\s+good\s+at\s+what\s+(?:he|she|they)\s+do(?:es)?\b`)},
		rule{broad: true, any: kw("presence|authority|gravitas|experience|skill|depth|judg|maturity|credibility|seniority"), fam: famVerdict, guarded: true,
			re: rx(`\b(?:doesn` + apos + `?t|does\s+not|don` + apos + `?t|do\s+not|hasn` + apos + `?t|has\s+not|haven` + apos + `?t|have\s+not|lacks?|lacking)\s+(?:yet\s+)?(?:have\s+|has\s+|got\s+)?(?:the|enough)\s+(?:\w+\s+){0,2}?(?:presence|authority|gravitas|experience|skills?|depth|judge?ment|maturity|credibility|seniority)\s+(?:\w+\s+){0,2}?(?:needed|required|to\s+(?:manage|lead|run|chair|handle|take)|(?:the|this|that)\s+(?:role|job|post|position)\s+(?:needs|requires|demands))\b`)},
		rule{broad: true, any: kw("not"), fam: famEmployee, guarded: true,
			re: rx(`\bnot\s+(?:exactly|really|quite|much\s+of|the\s+most\s+\w+)\s+(?:an?\s+)?(?:[\w-]+\s+)?(?:self-?starter|team[\s-]player|people\s+person|leader|thinker|communicator|details?[\s-]person|closer|finisher)\b`)},
		// A judging adjective before an occupation: "an exceptional
		// journalist", "a weak nurse".
		rule{broad: true, any: judgingAdjKeys, fam: famEmployee, guarded: true,
			re: rx(`\b(?:a|an|one\s+of\s+the|one\s+of\s+our)\s+(?:very\s+|really\s+|truly\s+|genuinely\s+|thoroughly\s+)?` + judgingAdj + `\s+(?:[\w-]+\s+)?[\w-]+\b`),
			skip: func(before, _, m string) bool {
				f := strings.Fields(lowerASCII(m))
				said := (copulaBefore.MatchString(before) && mentionsPerson(before+" "+m)) || describesAs.MatchString(before)
				return !occupation(f[len(f)-1]) || !said || learning.MatchString(before) || aspiration.MatchString(before)
			}},
		// Conduct, effort and comparisons in more shapes.
		rule{broad: true, any: kw("follow|stick|comply|adhere|could|benefit|engaged|no one|nobody|job|minimum"), fam: famWork, guarded: true,
			re: rx(`\b(?:doesn` + apos + `?t|does\s+not|don` + apos + `?t|do\s+not|rarely|never|not\s+always|seldom)\s+(?:always\s+)?(?:follow|follows|stick\s+to|sticks\s+to|comply\s+with|complies\s+with|adhere\s+to|adheres\s+to)\s+(?:the\s+)?(?:[\w-]+\s+)?(?:procedures?|process(?:es)?|protocols?|policy|policies|rules|guidelines|standards|instructions)\b` +
				`|\bcould\s+do\s+(?:far\s+|much\s+|a\s+lot\s+|a\s+bit\s+|rather\s+)?more\s+to\b` +
				`|\bwould\s+benefit\s+from\s+(?:far\s+|much\s+|a\s+lot\s+|a\s+bit\s+)?more\s+(?:care|attention|rigou?r|focus|effort|discipline|thought)\b` +
				`|\b(?:less|more)\s+engaged\s+(?:in|with)\s+(?:his|her|their)\s+(?:\w+\s+)?(?:work|job|role|duties)\b` +
				`|\b(?:no\s+one|nobody|none\s+of\s+(?:the|our|his|her))\s+(?:\w+\s+){0,5}?(?:as\s+[\w-]+\s+as|better\s+than)\b` +
				`|\bdoes\s+what\s+(?:the|his|her|their)\s+job\s+(?:asks|requires|demands)\b|\bthe\s+bare\s+minimum\b`),
			skip: func(before, after, m string) bool {
				return !mentionsPerson(before+" "+m+" "+after) || learning.MatchString(before) || selfCare.MatchString(after)
			}},
		rule{broad: true, any: kw("best|worst|strongest|weakest|most|least"), fam: famComparison, guarded: true,
			re:   rx(`\bthe\s+(?:best|worst|strongest|weakest|most\s+\w+|least\s+\w+)(?:-\w+)?\s+(?:[\w-]+\s+){0,2}?(?:in|on|of|at|across)\s+(?:the|his|her|their|our|this)\s+(?:\w+\s+)?(?:team|group|department|cohort|unit|office|region|company|borough|county|district|division|branch|store|firm|school|trust|service|force|ward|practice|agency|city|country|area|year|intake|class)\b`),
			skip: func(before, _, _ string) bool { return !mentionsPerson(before) || learning.MatchString(before) }},
		rule{broad: true, any: kw("quality|standard|accuracy|volume|pace"), fam: famWork, guarded: true,
			re: rx(`\bthe\s+(?:quality|standard|accuracy|volume|pace)\s+of\s+(?:his|her|their|(?:(?:Dr|Mr|Ms|Mrs|Prof)\.?\s+)?` + name + apos + `s)\s+(?:[\w-]+\s+){1,3}?(?:has\s+|have\s+|had\s+)?(?:\w+\s+)?(?:improved|declined|dropped|slipped|deteriorated|fallen|risen|gone\s+up|gone\s+down)\b`)},
		// Work that got better, said of the person's own work ("Jordan's work
		// quality has improved a ton"): a judgement over time, not growth
		// in the mentoring.
		rule{broad: true, any: kw("improv|better"), fam: famWork, guarded: true,
			re: rx(`\b` + possessor + `\s+(?:work\s+quality|quality\s+of\s+work|output|productivity|code\s+quality|performance|results|numbers|sales|figures|accuracy|reliability|timekeeping|punctuality|attendance|error\s+rate)\s+(?:has|have|had)\s+(?:\w+\s+)?(?:improved|got\s+better|gotten\s+better)\b`)},
		// Praise and blame from others, and conduct in more shapes.
		rule{broad: true, any: kw("single|ask|traced|caused|made|than|stepped|rushes|rushed|natural|missed|trust|show|display|demonstrat|exercis|outperform|struggl"), fam: famTrait, guarded: true,
			re: rx(`\bsingle[sd]?\s+out\s+(?:him|her|them|` + name + `)\s+for\b` +
				`|\b(?:customers|clients|regulars|patients|people|directors|guests|families|relatives|users)\s+(?:\w+\s+)?(?:ask|asks|asking|request|requests)\s+for\s+(?:him|her|them)\b` +
				`|\b(?:mistakes|errors|incidents|complaints|problems|discrepancies)\s+(?:[\w-]+\s+){0,6}?(?:traced\s+(?:back\s+)?to|caused\s+by|made\s+by)\s+(?:him|her|them|` + name + `)\b` +
				`|\b(?:sooner|faster|earlier|more\s+often|more\s+\w+)\s+than\s+(?:she|he|they)\s+(?:currently\s+)?(?:does|do|did|is|are)\b` +
				`|\b(?:hasn` + apos + `?t|has\s+not|haven` + apos + `?t|have\s+not|never|didn` + apos + `?t|did\s+not)\s+(?:really\s+|yet\s+|quite\s+)?stepped\s+up\b` +
				`|\brush(?:es|ed)\s+(?:the|his|her|their)\s+(?:[\w-]+\s+)?(?:checks|work|reports|jobs|tasks|paperwork|handovers?)\b` +
				`|\ba\s+natural\s+(?:with|at|when|in|on|around)\b` +
				`|\b(?:deadlines|commitments|targets|dates|milestones|sla|slas)\s+(?:are|were|have\s+been|get|got)\s+(?:\w+\s+)?missed\b` +
				`|\b(?:wouldn` + apos + `?t|would\s+not|don` + apos + `?t|do\s+not|can` + apos + `?t|cannot)\s+(?:yet\s+)?trust\s+(?:him|her|them|` + name + `)\s+(?:to|with)\b` +
				`|\b(?:doesn` + apos + `?t|does\s+not|didn` + apos + `?t|did\s+not)\s+(?:always\s+)?(?:show|display|demonstrate|exercise)\s+(?:the\s+|enough\s+|good\s+|sound\s+)?(?:judge?ment|leadership|initiative|maturity|care|rigou?r|attention)\b` +
				`|\boutperform(?:s|ed|ing)?\b` +
				`|\bstruggl(?:es|ed|ing)\s+to\s+(?:keep|get|manage|lead|motivate|control|run|organi[sz]e|hold|handle)\s+(?:his|her|their)\s+(?:team|crew|staff|people|class|classes|ward|shift|workload|projects?|reports|caseload|site)\b`),
			skip: func(before, _, _ string) bool { return learning.MatchString(before) }},
		// Doubts that the person has what a role needs, and other verdicts
		// and measures in longer, hedged forms (blind set 14).
		rule{broad: true, any: kw("skill|nous|judg|thinking|competenc|temperament|resilience|stamina|grip|grasp|maturity|confidence|presence|authority|gravitas|experience|knowledge|depth|credibility|seniority|reasoning"), fam: famVerdict, guarded: true,
			re: rx(`\b(?:(?:not\s+(?:yet\s+)?convinced|(?:do\s+not|don` + apos + `?t)\s+(?:think|believe)|doubt(?:\s+that)?)\s+(?:he|she|they|` + name + `)(?:` + apos + `s\s+got|\s+has|\s+have|\s+has\s+got|\s+possesses)|(?:doesn` + apos + `?t|does\s+not|don` + apos + `?t|do\s+not)\s+have|lacks?)\s+(?:the|enough)\s+(?:[\w-]+\s+){0,2}?` +
				`(?:skills?|nous|judge?ment|thinking|competenc[ey]|temperament|resilience|stamina|grip|grasp|maturity|confidence|presence|authority|gravitas|experience|knowledge|depth|credibility|seniority|reasoning)\s+` +
				`(?:for\s+(?:a|an|the|this|that)\s+(?:[\w-]+\s+){0,3}?(?:role|job|post|position|car|team|grade|band|level|promotion)|(?:that|which)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?(?:needs|requires|demands)|(?:needed|required)\b)`)},
		rule{broad: true, any: kw("pace|keep|expect|earned|deserve|fit|scale|give|count|regard|reservation|concern|doubt|worr|understand|grasp|apprecia|gets|led|hoped|wanted|needed|go-to|by name"), fam: famWork, guarded: true,
			re: rx(`\b(?:isn` + apos + `?t|is\s+not|not|aren` + apos + `?t|struggling\s+to|can` + apos + `?t|cannot)\s+keep(?:ing)?\s+(?:pace|up)\s+with\s+(?:the|her|his|their)\s+(?:\w+\s+)?(?:workload|work|caseload|demands|pace|volume|team)\b` +
				`|\b(?:weaker|stronger|better|worse|slower|faster|sharper)\s+than\s+(?:you|one|i|we)(?:` + apos + `d|\s+would|\s+might)?\s+expect\b` +
				`|\b(?:earned|deserves?|deserved)\s+(?:the|her|his|their|a)\s+(?:band\s*\d*|grade|promotion|step\s+up|role|post|position|place)\b` +
				`|\b(?:un)?fit\s+for\s+(?:the|a|this|that)\s+(?:[\w-]+\s+)?(?:role|job|post|position|promotion)\b` +
				`|\bon\s+a\s+(?:\w+[\s-])?point\s+scale\b|\b(?:would|` + apos + `d)\s+give\s+(?:him|her|them|` + name + `)\s+(?:a\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b` +
				`|\bcount\s+(?:him|her|them|` + name + `)\s+among\b|\bregard(?:s|ed)?\s+(?:him|her|them|` + name + `)\s+as\b` +
				`|\b(?:reservations|concerns|doubts|worries)\s+(?:\w+\s+){0,3}?about\s+(?:his|her|their|` + name + apos + `s)\s+(?:\w+\s+)?` + attribute + `\b` +
				`|\b(?:do\s+not|don` + apos + `?t)\s+think\s+(?:he|she|they)\s+(?:fully\s+|really\s+|yet\s+)?(?:understands?|grasps?|appreciates?|gets?)\s+(?:the|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?:responsibilities|role|job|demands|requirements|expectations)\b` +
				`|\bled\s+to\s+(?:two|three|four|several|a\s+number\s+of|repeated|multiple|many|\d+)\s+(?:formal\s+)?(?:complaints|errors|incidents|escalations|delays)\b` +
				`|\bnot\s+been\s+what\s+(?:the|we|i|they|his|her)\s+(?:\w+\s+)?(?:hoped|expected|wanted|needed)\b` +
				`|\bthe\s+go-to\b|\b(?:consultants|doctors|managers|colleagues|nurses|partners|clients|customers)\s+(?:\w+\s+)?ask\s+for\s+(?:him|her|them)\s+by\s+name\b`),
			skip: func(before, _, _ string) bool { return learning.MatchString(before) || aspiration.MatchString(before) }},
		rule{broad: true, any: kw("est"), fam: famComparison, guarded: true,
			re:   rx(`\bthe\s+\w+est(?:-\w+)?\s+(?:and\s+most\s+\w+\s+)?(?:[\w-]+\s+)?(?:person|one|member|worker|nurse|engineer|officer|analyst|operator|hand|employee|colleague|papers|reports|work|code|notes|presentations|designs|briefs)\s+(?:in|on|of|at|across)\s+(?:the|his|her|their|our|this)\b`),
			skip: func(before, _, _ string) bool { return learning.MatchString(before) || aspiration.MatchString(before) }},
		rule{broad: true, any: kw("struggl|lack|need"), fam: famWork, guarded: true,
			re: rx(`^\W*(?:struggles|struggled|struggling|lacks|needs\s+help)\s+(?:to\s+|with\s+)?(?:prioriti[sz]e|prioriti[sz]ing|delegate|delegating|plan|planning|organi[sz]e|focus|communicate|keep\s+up|manage|lead|deliver|meet\s+deadlines|` + attribute + `)\b`)},
		rule{broad: true, any: kw("asked|minimum"), fam: famWork, guarded: true,
			re: rx(`\bdoes\s+(?:what` + apos + `s\s+asked|what\s+is\s+asked|what\s+(?:she|he|they)\s+(?:is|are)\s+asked|the\s+minimum)\b`)},
		// A note that starts with a trait, its subject left out ("Super
		// reliable on-call, never misses a page").
		rule{broad: true, any: kw("super|very|really|extremely|incredibly|highly|consistently"), fam: famTrait, guarded: true,
			re: rx(`^\W*(?:super|very|really|extremely|incredibly|highly|consistently)\s+` + traitAdj + `\b`)},
		// From blind 15's misses: what one would expect of a grade, places
		// in a ranking, beating colleagues, slipping deadlines.
		rule{broad: true, any: kw("expect|bottom|top|beats|outpac|outsell|outshin|wasted|regarded|slip|slide"), fam: famTrait, guarded: true,
			re: rx(`\b(?:the|a)\s+(?:[\w-]+\s+){0,3}?(?:you|one|i|we)(?:` + apos + `d|\s+would|\s+might)\s+expect\s+(?:from|of)\s+(?:a|an)\b` +
				`|\b(?:near|at|towards?)\s+the\s+(?:top|bottom)\s+of\s+(?:his|her|their|the)\s+(?:\w+\s+)?(?:cohort|class|team|group|year|intake|list|rankings?|league\s+table|pool)\b` +
				`|\b(?:beats|outpaces|outsells|outshines)\s+(?:most|all|many|nearly\s+all|almost\s+all)\s+(?:of\s+)?(?:the\s+|his\s+|her\s+|their\s+)?(?:[\w-]+\s+)?(?:staff|colleagues|peers|team|others|crew)\b` +
				`|\b(?:would|` + apos + `d)\s+be\s+wasted\b|\b(?:is|was|are)\s+(?:widely\s+|generally\s+|rightly\s+)?regarded\s+as\b` +
				`|\bdeadlines\s+(?:\w+\s+)?(?:slip|slips|slide|slides|get\s+missed|are\s+missed|keep\s+slipping)\b`),
			skip: func(before, after, m string) bool {
				return learning.MatchString(before) || aspiration.MatchString(before) || !mentionsPerson(before+" "+m+" "+after)
			}},
		rule{broad: true, any: kw("promotion"), fam: famVerdict, guarded: true,
			re: rx(`\bpromotion\s+(?:\w+\s+){0,3}?(?:premature|overdue|deserved|well[\s-]deserved|long\s+overdue|too\s+early|too\s+soon)\b|\b(?:premature|overdue|deserved|well[\s-]deserved)\s+promotion\b`)},
		rule{broad: true, any: kw("would"), fam: famVerdict, guarded: true,
			re: rx(`\bwould\s+(?:struggle|fail|flounder|thrive|excel|shine|succeed|do\s+well|do\s+badly|be\s+great|be\s+excellent|be\s+wasted)\s+(?:as|in)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:role|manager|lead|leader|position|job|team\s+lead)\b`)},
	)
}

// workProduct: what a person produces at work, which, as the subject of a
// sentence about them, is being reviewed.
const workProduct = `(?:reports?|designs?|code|tickets?|sales|customers|clients|deliverables?|projects?|output|numbers|figures|estimates?|` +
	`documentation|docs|analysis|analyses|presentations?|slides|deadlines|response\s+times?|reviews|code\s+reviews|quality|results|` +
	`work|emails|writing|specs?|proposals?|forecasts?|pitches|accounts|metrics|kpis|productivity|performance|delivery|standards|` +
	`attendance\s+at\s+work|timekeeping|contributions?|decisions|judge?ment|intros|briefs|columns?|copy|headlines|` +
	`lesson\s+plans|lessons|data\s+entry|sound\s+design|design\s+work|drawings|case\s+notes|casework|care\s+plans|handovers|charts|` +
	`audits|filings|drafts|submissions|tenders|bids|campaigns|shifts)`

// ofTheMentoring: what follows a trait names the mentoring ("punctual for
// our sessions"): it is attendance, not a review.
var ofTheMentoring = rx(`^\s+(?:\w+\s+)?(?:for|to|at|in|with)\s+(?:our|every|each|all|the|my)\s+(?:\w+\s+)?(?:sessions?|meetings?\s+with\s+me|mentoring|calls?\s+with\s+me)\b|^\s+with\s+me\b`)

// notWorkProduct follows "his work" when it is a document or a thing, not
// what he produces: "her work permit runs out", "his work visa".
var notWorkProduct = rx(`^\s*(?:permits?|visas?|phones?|laptops?|emails?|address|hours|pattern|schedule|rota|contract|placement|experience\s+placement|clothes|uniform|badge|pass|account)\b`)

// outsideMentoring vetoes a match in a sentence framed as the mentoring
// (see mentoringFrame in assess.go): "his reports" is reviewed in "his
// reports need rework", not in "we looked at his reports together".
func outsideMentoring(before, after, m string) bool {
	for _, t := range tokenize(before + " " + m + " " + after) {
		if mentoringFrame[t.stem] {
			return true
		}
	}
	return false
}

// attributeKeys prefilter the attribute rule: one of them is in every
// alternative of attribute (and of "the quality of his work").
var attributeKeys = kw("time|punctual|priorit|organi|communication|work|quality|code|coding|output|productivity|delivery|deliverable|" +
	"results|numbers|figures|targets|deadlines|attention|technical|skill|expertise|knowledge|experience|judg|decision|leadership|" +
	"management|report|presentation|documentation|focus|efficiency|accuracy|reliability|track|execution|follow|attitude|teamwork|" +
	"collaboration|professionalism|competence|estimate|analysis|contribution|impact|relationships|rapport|supervision|teaching|" +
	"publication|grant|research|evaluations|clinical|record|charting|safety|workmanship|craftsmanship|rostering|scheduling")

// judgingNounKeys prefilter the judging-noun rule: one of them is in every
// judgingNoun.
var judgingNounKeys = kw("communicator|worker|performer|leader|learner|presenter|coder|programmer|writer|engineer|developer|analyst|" +
	"manager|employee|colleague|hire|contributor|player|asset|solver|starter|designer|consultant|sales|lead|member")

// traitKeys prefilter the trait rule: one of them is in every traitAdj.
var traitKeys = kw("pushover|soft|abrupt|approach|lax|slack|trustworthy|principled|resistant|rigid|inflexible|unwilling|imperious|abrasive|arrogant|rude|dismissive|condescending|patroni|brusque|aloof|tactless|headed|volatile|temperamental|unflappable|resourceful|complacent|disengaged|checked|reliab|dependab|diligent|hard|conscientious|meticulous|talent|gifted|brilliant|competen|capab|smart|bright|sharp|" +
	"efficien|productiv|effective|professional|punctual|slow|lazy|sloppy|careless|chaotic|inconsistent|erratic|mediocre|average|excellent|" +
	"outstanding|exceptional|defensive|stubborn|overrated|qualified|inexperienced|immature|naive|indispensable|invaluable|organi|unfocused|" +
	"scattered|detail|technical|weak|strong|accurate|thorough|quick|junior|disappointment|starter|job|good")

// mentionsPerson: the sentence speaks of a person (a pronoun), so an
// evaluation in it can be of them.
func mentionsPerson(s string) bool {
	for _, w := range strings.FieldsFunc(lowerASCII(s), func(r rune) bool { return !('a' <= r && r <= 'z') }) {
		switch w {
		case "he", "she", "his", "her", "him", "hers", "himself", "herself", "themselves", "themself", "shes", "hes", "they", "theyre", "theyve", "them":
			return true
		}
	}
	if describedPerson.MatchString(s) || fragment(s) {
		return true
	}
	// In chat written all in lower case, a first word said to be something
	// is a name: "dan is super reliable".
	if m := lowerSubject.FindStringSubmatch(s); m != nil && s == lowerASCII(s) && !notAName[m[1]] && !stopWords[m[1]] {
		return true
	}
	for _, m := range namedSubject.FindAllStringSubmatch(s, -1) {
		if !notAName[lowerASCII(m[1])] {
			return true
		}
	}
	return false
}

// fragment reports whether the sentence is a review-form fragment about
// an unnamed person: it has no subject and begins with what is said of
// them ("Lacks polish in written correspondence.", "Occasionally careless
// with data entry.", "A genuinely gifted editor.", "Has been coasting since
// the reorg.").
func fragment(s string) bool {
	f := strings.Fields(lowerASCII(s))
	if len(f) == 0 || len(f) > 14 {
		return false
	}
	w := strings.Trim(f[0], ",.;:!?\"'")
	if fragmentStarts[w] {
		return true
	}
	// "A genuinely gifted editor.", "A natural when presenting": a noun
	// phrase with no verb of its own.
	if w == "a" || w == "an" {
		for _, x := range f[1:] {
			if finiteVerbs[strings.Trim(x, ",.;:!?\"'")] {
				return false
			}
		}
		return true
	}
	return false
}

var fragmentStarts, finiteVerbs = map[string]bool{}, map[string]bool{}

func init() {
	for _, w := range strings.Fields(`lacks has tends struggles takes needs shows delivers delivered brings works handles makes gets
		keeps seems communicates writes produces misses consistently occasionally often always never rarely sometimes frequently
		generally extremely highly genuinely truly frequently regularly reliably excels exceeds meets falls goes sets leads builds
		closes asks listens responds creates avoids shies thrives performs contributes demonstrates displays owns requires could
		would should can brilliant strong weak excellent great good poor solid reliable unreliable careless careful sloppy
		quick slow late punctual thorough meticulous organised organized disorganised disorganized capable competent talented
		gifted outstanding exceptional average mediocre adequate satisfactory inconsistent consistent dependable hardworking
		hard-working lazy proactive reactive defensive abrasive rude arrogant`) {
		fragmentStarts[w] = true
	}
	for _, w := range strings.Fields(`is was are were has have had will would can could should may might must does did do be been
		being made took gave went came got held ran led saw said told asked met`) {
		finiteVerbs[w] = true
	}
}

// describedPerson is a person described rather than a pronoun: "my
// mentee", "the candidate", "Ms Novak", "they are …" (a person, or
// people, said to be something).
// toBecome: readiness as an aim ("her aim is to be ready for a
// people-management role", "getting ready for the panel").
// amongMentees: a comparison among mentees speaks of the person as one
// ("one of the most engaged mentees I've worked with").
var amongMentees = rx(`\b(?:mentees?|prot[eé]g[eé]s?)\b`)

var toBecome = rx(`\b(?:to\s+be|to\s+get|to\s+feel|to\s+become|getting|get|gets|be|feel|feels|felt)\s+(?:\w+\s+)?$`)

// pronounIs: "she's", "he's", "it's" — a pronoun and "is", not a
// possessive name.
var pronounIs = rx(`^\W*(?:she|he|it|that|there|what|who)` + apos + `s\b`)

// planWord: "plans" in a work product ("lesson plans", "care plans") is
// not the mentoring's plans.
var planWord = rx(`\bplans?\b`)

// linking: a verb of growth that only links a subject to what it is ("her
// intros have grown flabby").
var linking = rx(`^\s+(?:\w+\s+)?(?:has|have|had)\s+(?:become|grown)\b`)

// judgingAdjKeys prefilter rules built on judgingAdj: one of them is in
// every alternative.
var judgingAdjKeys = kw("poor|weak|bad|terrible|strong|excellent|great|good|brilliant|talented|natural|hard|slow|fast|average|" +
	"mediocre|gifted|real|true|reliable|effective|outstanding|exceptional|valuable|solid|superb|capable|competent|efficient|" +
	"productive|dependable|diligent|skilled|able|promising|strategic|safe|steady|est|most|least")

// atOurMeetings, punctuality: "we met every six weeks and he was always
// punctual" is attendance at the mentoring, not a trait at work.
var (
	atOurMeetings = rx(`\b(?:we\s+(?:have\s+|had\s+)?(?:met|meet)|our\s+(?:sessions|meetings|calls))\b`)
	punctuality   = rx(`\b(?:punctual|on\s+time|prepared|well-prepared)\b`)
)

// selfCare: what follows "could do more (to)" is care of oneself, not
// work ("she could do more to look after herself").
var selfCare = rx(`^\s+(?:to\s+)?(?:(?:look\s+after|take\s+care\s+of|care\s+for|protect|pace)\s+(?:herself|himself|themselves|themself)|rest|relax|switch\s+off)\b`)

// copulaBefore: what follows is said to be the person ("she is a", "he
// has become one of the").
var copulaBefore = rx(`\b(?:is|was|are|were|be|been|being|becomes?|became|becoming|remains?|seems?|makes?|made|isn` + apos + `?t|wasn` + apos + `?t|` + apos + `s)\s+(?:\w+\s+){0,2}?$`)

// describesAs: the author calls a named person something ("I would
// describe Fatima as", "I consider Tom").
var describesAs = rx(`\b(?:describe|consider|call|regard|see|rate)\s+(?-i:[A-Z][\w'-]+)(?:\s+(?-i:[A-Z][\w'-]+))?\s+(?:as\s+)?$`)

// meAsSubject: the author or the pair is the subject ("I'm not ready").
var meAsSubject = rx(`\b(?:i` + apos + `?m|i\s+am|we` + apos + `?re|we\s+are|i\s+was|we\s+were)\s+(?:\w+\s+)?$`)

var describedPerson = rx(`\b(?:my|the|our|this|your)\s+(?:mentee|candidate|employee|applicant|nominee|protégée?|protegee?)\b` +
	`|(?-i:\b(?:Mr|Ms|Mrs|Miss|Mx|Dr|Prof|Professor)\.?\s+[A-Z])` +
	`|\bthey\s+(?:are|were|have\s+been|seem|tend|never|always|rarely|consistently)\b`)

// namedSubject is a capitalised word said to be or have something, or
// owning something: "Jordan is …", "Dana's bookings". notAName leaves out
// the capitalised words that begin sentences.
var namedSubject = regexp.MustCompile(`(?:^|[^\pL])(\p{Lu}\p{Ll}+)(?:\s+(?:is|was|has|had|isn't|wasn't|hasn't|seems|tends|never|always|rarely|consistently|struggles|lacks|needs|handles|plans|lets|could|would|should)\b|(?:'|’)s\s+\p{Ll})`)

var lowerSubject = regexp.MustCompile(`^(?:tbh\s+|imo\s+|honestly\s+|fwiw\s+)?([a-z]+)\s+(?:is|was|has|hasnt|isnt|never|always|rarely|consistently)\b`)

var notAName = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`this that it there what which who where when here the a an our we i you they one each every all some
		everyone everybody nobody someone something nothing everything anyone anything none either neither another such
		his her their its my your whose how why today yesterday tomorrow now then time work feedback communication progress
		attendance mentoring confidence growth`) {
		notAName[w] = true
	}
}

// notJudgingNoun vetoes judging nouns that name the mentoring itself or a
// plain description ("the first member of the team to …" is fine as a
// fact, "the most recent hire" too).
func notJudgingNoun(m string) bool {
	l := lowerASCII(m)
	for _, w := range []string{"first", "latest", "newest", "most recent", "last", "next", "best mentor", "interest", "biggest", "largest", "closest", "nearest"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}
