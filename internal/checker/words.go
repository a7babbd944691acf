package checker

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Words and simple word forms, for matching the subject's kept items (and
// the items named by clauses) against a sentence.
//
// A word is a run of letters and digits; an apostrophe between letters stays
// inside it ("Lisbon's", "don't"); hyphens and other punctuation separate
// words, so "self-doubt" is "self" and "doubt". Words are compared by a
// deliberately simple stem: lower case, possessive "'s" dropped, then one
// plural ("-s", "-ies"), then one verb ending ("-ed", "-ing", with a doubled
// consonant undone), then a final "-e". So "divorce", "divorces", "divorced",
// "divorcing" and "divorce's" share the stem "divorc", "party" and "parties"
// share "party", and "plan" and "planned" share "plan". Whole words only:
// "art" and "arts" match each other, never "start".

type token struct {
	start, end int    // byte offsets in the sentence
	lower      string // lower case, apostrophes as '
	stem       string
	plural     bool // a plural possessive: an apostrophe follows ("patients' wishes")
}

// tokenize splits s into words with their offsets.
func tokenize(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += w
			continue
		}
		start := i
		for i < len(s) {
			r, w = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				i += w
				continue
			}
			if r == '\'' || r == '’' {
				if r2, _ := utf8.DecodeRuneInString(s[i+w:]); i+w < len(s) && unicode.IsLetter(r2) {
					i += w
					continue
				}
			}
			break
		}
		lower := fold(strings.ToLower(strings.ReplaceAll(s[start:i], "’", "'")))
		r, _ = utf8.DecodeRuneInString(s[i:])
		plural := i < len(s) && (r == '\'' || r == '’') && strings.HasSuffix(lower, "s")
		toks = append(toks, token{start: start, end: i, lower: lower, stem: stem(lower), plural: plural})
	}
	return toks
}

// fold takes the accents off a word's letters, so that "fiancé" is
// "fiance" and "naïve" is "naive", whichever way the writer typed it.
func fold(w string) string {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			if f, _, err := transform.String(unaccent, w); err == nil {
				return f
			}
			return w
		}
	}
	return w
}

var unaccent = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// stem reduces a lower-case word to the simple form words are compared by.
func stem(w string) string {
	switch {
	case strings.HasSuffix(w, "'s"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s'"):
		w = w[:len(w)-1]
	}
	n := len(w)
	switch {
	case n > 4 && (strings.HasSuffix(w, "ies") || strings.HasSuffix(w, "ied")):
		return w[:n-3] + "y"
	case n > 3 && w[n-1] == 's' && !strings.ContainsRune("siu", rune(w[n-2])):
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case n >= 6 && strings.HasSuffix(w, "ing"):
		w = undouble(w[:n-3])
	case n >= 5 && strings.HasSuffix(w, "ed"):
		w = undouble(w[:n-2])
	}
	if n = len(w); n >= 4 && w[n-1] == 'e' {
		w = w[:n-1]
	}
	return w
}

// undouble turns "plann" back into "plan"; double l, s and z stay ("call",
// "stress", "buzz").
func undouble(w string) string {
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// stopWords carry no content: an item's stop words are ignored ("my divorce"
// matches "his divorce"), and an item made only of them matches nothing.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		a an the this that these those some any all each every no none other another such
		i me my mine myself we us our ours ourselves you your yours yourself yourselves
		he him his himself she her hers herself they them their theirs themselves it its itself
		one ones someone something anything everything nothing
		am is are was were be been being have has had having do does did doing done
		will would shall should can could may might must ought
		and or but nor so yet if then than because as while when where why how what which who whom whose
		of in on at to for from by with about into onto over under after before during between
		through up down out off around against among without within along across upon via per
		not very too also just only really quite rather more most much many few less least
		there here now again once ever never always often still even
		s t re ve ll d m 's 't 're 've 'll 'd 'm`) {
		stopWords[w] = true
	}
}

// phrase is an item (kept confidential, or named by a clause) ready to match.
type phrase struct {
	text       string // as written in the agreement
	slots      []slot // its content words or concept phrases, in order, no repeats
	needMatter int    // matterNeed, worked out once
}

// slot is one content word (or concept phrase) of an item and what it may
// be written as in a statement: itself, and for a kept item every term of
// the concepts it belongs to (lexicon/kept.txt).
type slot struct {
	key     string     // the item's own stems, space-separated
	alts    [][]string // stem sequences that match it; alts[0] is the item's own words
	vias    []string   // for each alt, what widened the slot to it: "" for the item's own words, a concept's name, a WordNet relation
	weak    bool       // a common word that says nothing alone (weakWords)
	generic bool       // a word that only frames the item ("treatment", "situation"): optional when the item has others
	concept string     // the concept the slot was widened by, or "" (for the explanation)
	frame   bool       // a word that frames a kept item ("my plans to …"): dropped when it has others
	detail  bool       // who or where the matter concerns ("my grievance against my manager"), not the matter itself
	head    bool       // the last word of the item's first noun phrase ("arrest" in "my DUI arrest")
}

// newPhrase reads an item as written. A kept item (concepts true) is read
// through the concept lexicon; a clause's named item, which decides what is
// allowed, is taken literally.
func newPhrase(text string, concepts bool) phrase {
	p := phrase{text: strings.Join(strings.Fields(text), " ")}
	toks := tokenize(text)
	seen := map[string]bool{}
	after := false // past a preposition that introduces a detail ("against my manager")
	// The item's first noun phrase is its first run of content words that
	// are not frames ("my plan to leave" is "leave"); its last word that is
	// not generic is the head, which the words before it only qualify ("my
	// DUI arrest", "my alcohol use").
	run, ended := -1, false
	add := func(s slot) {
		if !ended && !s.frame && !s.generic {
			run = len(p.slots)
			if seen[s.key] {
				run = slices.IndexFunc(p.slots, func(o slot) bool { return o.key == s.key })
			}
		}
		if !seen[s.key] {
			seen[s.key] = true
			p.slots = append(p.slots, s)
		}
	}
	for i := 0; i < len(toks); {
		if concepts && detailPrepositions[toks[i].lower] {
			after = true
		}
		if concepts {
			n, cs := lexicon.longestTerm(toks[i:])
			if n > 0 && stopWords[toks[i].lower] && i+1 < len(toks) {
				// "my pay cut" is the term "pay cut", not "my pay" and "cut".
				if n2, _ := lexicon.longestTerm(toks[i+1:]); 1+n2 > n {
					n = 0
				}
			}
			if n > 1 {
				// A term that begins with a shorter one is of its concepts
				// too: "my Professional Standards investigation" is a
				// regulator's investigation and professional standards.
				cs = slices.Clone(cs)
				for m := n - 1; m > 0; m-- {
					if m2, more := lexicon.longestTerm(toks[i : i+m]); m2 == m {
						for _, c := range more {
							if !slices.Contains(cs, c) {
								cs = append(cs, c)
							}
						}
						break
					}
				}
			}
			if n > 0 {
				stems := stemsOf(toks[i : i+n])
				s := slot{key: strings.Join(stems, " "), alts: [][]string{stems}, vias: []string{""}, concept: lexicon.names[cs[0]]}
				s.detail = after || whoConcepts[s.concept] || ownsNext(toks, i+n-1)
				for _, c := range cs {
					for _, t := range lexicon.terms[c] {
						s.alts, s.vias = append(s.alts, t), append(s.vias, lexicon.names[c])
					}
				}
				s.weak = n == 1 && weakWords[stems[0]]
				s.generic = n == 1 && genericWords[stems[0]]
				if n == 1 {
					s.widen()
				}
				add(s)
				i += n
				if i < len(toks) && stopWords[toks[i].lower] && run >= 0 {
					ended = true
				}
				after = after || detailPrepositions[toks[i-1].lower] // "my offer from another firm"
				continue
			}
		}
		t := toks[i]
		i++
		if stopWords[t.lower] {
			ended = ended || run >= 0
			continue
		}
		s := slot{key: t.stem, alts: [][]string{{t.stem}}, vias: []string{""}, weak: weakWords[t.stem], generic: concepts && genericWords[t.stem],
			frame: concepts && frameWords[t.stem], detail: concepts && (after || ownsNext(toks, i-1))}
		if c, ok := itemAliases[t.stem]; ok && concepts {
			s.concept = lexicon.names[c]
			for _, term := range lexicon.terms[c] {
				s.alts, s.vias = append(s.alts, term), append(s.vias, s.concept)
			}
		}
		if concepts {
			s.widen()
		}
		add(s)
	}
	// A feeling that heads the item is how the person feels about the
	// matter before it: "my mortgage stress" is the mortgage, "my
	// redundancy fears" the redundancy.
	if run > 0 && feelingConcepts[p.slots[run].concept] && !p.slots[run-1].detail && !p.slots[run-1].generic && p.slots[run-1].concept != "" {
		run--
	}
	if run >= 0 {
		p.slots[run].head = true
		// A head that is no kept matter only says which of the matter
		// before it ("my anxiety attacks", "my therapy sessions", "my
		// religious fasting"); a head that is a matter beside another
		// matter leaves each enough alone ("my drink-driving conviction"
		// is revealed by the drink-driving as by the conviction).
		if prev := run - 1; prev >= 0 && p.matter(p.slots[prev]) && (p.slots[run].concept == "" || p.matter(p.slots[run])) {
			p.slots[prev].head = true
		}
	}
	// Frame words go when the item has other words ("planning" alone is kept).
	if rest := slices.DeleteFunc(slices.Clone(p.slots), func(s slot) bool { return s.frame }); len(rest) > 0 {
		p.slots = rest
	}
	p.needMatter = p.matterNeed()
	return p
}

// ownsNext: the item's word at i owns what follows ("my son's drug use").
func ownsNext(toks []token, i int) bool {
	return i+1 < len(toks) && (strings.HasSuffix(toks[i].lower, "'s") || strings.HasSuffix(toks[i].lower, "s'"))
}

// detailPrepositions introduce who or where a kept matter concerns: "my
// grievance against my manager", "my complaint to the Ombudsman", "my
// criminal record as a teenager", "my job interviews with other
// departments". What follows them is a detail of the matter.
var detailPrepositions = map[string]bool{"against": true, "with": true, "to": true, "from": true, "as": true, "at": true,
	"toward": true, "towards": true, "by": true}

// whoConcepts name the people a kept matter concerns, not the matter: "my
// husband's deployment" is the deployment, "my conflict with my manager"
// the conflict.
var whoConcepts = map[string]bool{"father": true, "mother": true, "parent": true, "spouse": true, "child": true,
	"sibling": true, "manager": true}

// itemAliases widen a word of a kept item to a concept it is too
// ambiguous to be a term of: "my plan to leave" is leaving the company,
// though "leave" in a statement is as often annual leave; "my study plans"
// are a degree, though "study" in a statement is as often a case study.
var itemAliases = map[string]int{} // stem → concept index in lexicon

func init() {
	for w, c := range map[string]string{"leave": "leave the company", "leaving": "leave the company", "operation": "surgery", "offer": "leave the company",
		"study": "study", "studies": "study", "studying": "study", "degree": "study", "university": "study", "college": "study"} {
		id := slices.Index(lexicon.names, c)
		if id < 0 {
			panic("checker: itemAliases: no concept " + c)
		}
		itemAliases[stem(w)] = id
	}
}

// ownWork concepts are work the person does on their own account ("she
// runs a small online shop at weekends"): doing it is the matter, so a
// work verb before it does not make it the subject of their job.
var ownWork = map[string]bool{"second job": true}

// feelingConcepts are how the person feels about a matter ("my worries
// about the reorganisation", "my doubts about staying in law"): alone they
// say nothing of what is kept, so they never carry an item by themselves.
var feelingConcepts = map[string]bool{"worry": true}

// widen adds the WordNet relatives of a kept item's one-word slot, unless
// the word is common or generic (it says nothing alone) or a frame.
func (s *slot) widen() {
	if s.weak || s.generic || s.frame {
		return
	}
	for _, r := range relatives()[s.key] {
		if !slices.ContainsFunc(s.alts, func(a []string) bool { return slices.Equal(a, r.stems) }) {
			s.alts, s.vias = append(s.alts, r.stems), append(s.vias, r.via)
		}
	}
}

func stemsOf(toks []token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.stem
	}
	return out
}

// need is how many of a phrase's content words a sentence must contain: all
// of them for one or two, two of three, and for longer items at least half
// and at least three — so "mental health struggles" is recognised in "her
// mental health", and a long item ("my mother's illness and the time off it
// took") when a sentence repeats its core. Generic words ("treatment",
// "situation") do not count when the item has others: "my IVF treatment" is
// recognised in "the IVF". strict (a clause's named item, which decides
// what is allowed) always needs all of them.
func (p phrase) need(strict bool) int {
	n := len(p.slots)
	if strict {
		return n
	}
	if g := p.generics(); g < n {
		n -= g
	}
	return needOf(n)
}

// matterNeed is need over the slots that are not details, when the item
// names a matter (hasMatter); 0 when it does not. A sentence that holds
// the matter is enough without who or where: "my grievance against my
// manager" is recognised in "she has lodged a formal complaint", "my
// husband's deployment" in "he was deployed in May", "my criminal record
// as a teenager" in "he was convicted at sixteen". A detail is a word
// after a preposition that introduces one (detailPrepositions), a
// possessor ("my son's") or a person (whoConcepts).
func (p phrase) matterNeed() int {
	if !p.hasMatter() {
		return 0
	}
	n := 0
	for _, s := range p.slots {
		if !s.detail && p.counted(s) {
			n++
		}
	}
	return needOf(n)
}

// needOf is how many of n content words a match needs.
func needOf(n int) int {
	switch {
	case n <= 2:
		return n
	case n == 3:
		return 2
	}
	return max(3, (n+1)/2)
}

// hasMatter: one of the item's slots that is not a detail is a kept
// concept that is neither a person nor a feeling.
func (p phrase) hasMatter() bool {
	return slices.ContainsFunc(p.slots, p.matter)
}

// matter: the slot is a kept concept that is neither a person nor a
// feeling, and not a detail or a generic word. When it is the head of the
// item's first noun phrase, it alone is enough: "my DUI arrest" is
// recognised in "he was arrested", "my student loan debt" in "her debts",
// "my upcoming surgery" in "her operation" — but not "my worries about
// the reorganisation" in "the restructuring" (the head is "worries").
func (p phrase) matter(s slot) bool {
	return !s.detail && s.concept != "" && !whoConcepts[s.concept] && !feelingConcepts[s.concept] && !s.generic
}

// counted: the slot counts towards need — not a generic word, unless the
// item has only those.
func (p phrase) counted(s slot) bool { return !s.generic || p.generics() == len(p.slots) }

func (p phrase) generics() int {
	g := 0
	for _, s := range p.slots {
		if s.generic {
			g++
		}
	}
	return g
}

// weakWords are common enough that matching only them says nothing: a
// partial match of an item must include at least one other word ("my
// illness last year" is not matched by "last year" alone).
var weakWords = map[string]bool{}

// frameWords frame a kept item without being what is kept ("my plans to
// leave the company" keeps the leaving; "the complaint I made"): they are
// read as stop words in a kept item.
var frameWords = map[string]bool{}

// genericWords name a kind of thing ("my IVF treatment", "my visa
// situation", "my money problems"): the item's other words carry it.
var genericWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`time year month week day last first next new old work job team
		people person thing way lot get make go say tell like good bad big small long`) {
		weakWords[stem(w)] = true
	}
	for _, w := range strings.Fields(`plan plans planned planning intention intentions wish decision thoughts made make had got go going start starting set setting`) {
		frameWords[stem(w)] = true
	}
	for _, w := range strings.Fields(`treatment situation status problem problems issue issues matter matters struggles
		difficulties stuff things process journey responsibilities membership history symptoms past case company firm
		organisation organization employer institute council diagnosis recovery experience own activity activities background
		claim use usage consumption request requests organising organizing time period spell stint expectations expectation
		involvement disorder`) {
		genericWords[stem(w)] = true
	}
}

// span is where one slot matched: tokens from first to last.
type span struct{ first, last int }

// index maps each stem of a sentence to its token positions, built once per
// sentence.
type index map[string][]int

func indexOf(toks []token) index {
	ix := make(index, len(toks))
	for i, t := range toks {
		ix[t.stem] = append(ix[t.stem], i)
	}
	return ix
}

// find returns the first place the stem sequence alt occurs in toks: its
// words in order, with at most three stop words between two of them.
func (ix index) find(toks []token, alt []string) (span, bool) {
next:
	for _, start := range ix[alt[0]] {
		at := start
		for _, w := range alt[1:] {
			j, gap := at+1, 0
			for ; j < len(toks) && toks[j].stem != w; j++ {
				if !(stopWords[toks[j].lower] || adverb(toks[j].lower)) || gap == 3 {
					continue next
				}
				gap++
			}
			if j == len(toks) {
				continue next
			}
			at = j
		}
		return span{start, at}, true
	}
	return span{}, false
}

// adverb: a word in "-ly" that only qualifies what it stands in ("paid
// noticeably less", "laid off quietly").
func adverb(w string) bool {
	return len(w) > 5 && strings.HasSuffix(w, "ly") && w != "family" && w != "early" && w != "only"
}

// match reports whether the sentence's words contain the phrase, and the
// matched words as written: adjacent ones as one span ("the Lisbon
// restructuring"), others joined by " … ". via names the concepts that
// widened matched slots whose own words are not in the sentence ("worry and
// reorganisation"; "" when every match is the item's own words).
func (p phrase) match(sentence string, toks []token, ix index, strict bool) (m, via string, ok bool) {
	if len(p.slots) == 0 {
		return "", "", false
	}
	var hits []span
	var vias []string
	all, counted, countedMatter, strong, head := 0, 0, 0, false, false
	var senses *senseSpans // the sentence's other-sense uses, found once when first needed
	for _, s := range p.slots {
		alts := s.alts
		if strict {
			alts = alts[:1]
		}
		// The item's own words if they occur, else the longest term.
		best, bestK := span{}, -1
		for k, alt := range alts {
			if bestK == 0 || (bestK > 0 && len(alt) <= len(alts[bestK])) {
				continue
			}
			if sp, found := ix.find(toks, alt); found {
				if senses == nil {
					senses = otherSenseSpans(sentence)
				}
				if !senses.covers(toks, sp, ownWork[s.concept]) {
					best, bestK = sp, k
				}
			}
		}
		for _, sh := range conceptShapes {
			if bestK >= 0 || strict || !slices.Contains(s.vias, sh.concept) {
				continue
			}
			if sp, found := sh.find(sentence, toks); found {
				best, bestK = sp, len(s.vias)
				s.vias = append(slices.Clip(s.vias), sh.via)
			}
		}
		if bestK < 0 {
			continue
		}
		hits = append(hits, best)
		all++
		head = head || (s.head && p.matter(s))
		if p.counted(s) {
			counted++
			if !s.detail {
				countedMatter++
			}
		}
		strong = strong || !s.weak
		if bestK > 0 && !slices.Contains(vias, s.vias[bestK]) {
			vias = append(vias, s.vias[bestK])
		}
	}
	// Enough of the item's words, generic ones left out or counted ("my VA
	// disability claim" in "a claim … hearing loss").
	enough := counted >= p.need(strict) || (!strict && all >= needOf(len(p.slots)))
	if !strict && p.needMatter > 0 && countedMatter >= p.needMatter {
		enough = true // the matter itself, without who or where (matterNeed)
	}
	if !strict && head {
		enough = true // the head names the matter; the words before it only say which (matter)
	}
	if !enough || (len(hits) < len(p.slots) && !strong) {
		return "", "", false
	}
	sort.Slice(hits, func(a, b int) bool { return hits[a].first < hits[b].first })
	var parts []string
	cur := hits[0]
	for _, h := range hits[1:] {
		if h.first <= cur.last || adjacent(toks, cur.last, h.first) {
			cur.last = max(cur.last, h.last)
			continue
		}
		parts = append(parts, sentence[toks[cur.first].start:toks[cur.last].end])
		cur = h
	}
	parts = append(parts, sentence[toks[cur.first].start:toks[cur.last].end])
	return strings.Join(parts, " … "), strings.Join(vias, " and "), true
}

// adjacent: only stop words (at most three) lie between tokens a and b.
func adjacent(toks []token, a, b int) bool {
	if b-a-1 > 3 {
		return false
	}
	for i := a + 1; i < b; i++ {
		if !stopWords[toks[i].lower] {
			return false
		}
	}
	return true
}

// Other senses. Some words of a kept concept are also said of things that
// reveal nothing about the person: "the health of the project pipeline",
// "health and safety training", "split up a large project into steps",
// "earn the trust of a new team", "how salary bands work". A match whose
// words lie inside such a use does not count. Each sense is a pattern over
// the sentence; the matched words must lie inside what it matches.
var otherSenses = []*regexp.Regexp{
	// The health of a thing, a thing's health, and health as a field.
	rx(`\bhealth\s+of\s+(?:(?:the|a|an|her|his|their|our|its|this|that|these|those|each|every)\s+)?(?:[\w-]+(?:'s)?\s+){0,3}?(?:projects?|teams?|business|businesses|culture|pipelines?|portfolios?|process|processes|codebase|code|economy|markets?|company|companies|organi[sz]ations?|departments?|services?|systems?|relationships?\s+with\s+(?:clients?|customers?|suppliers?|stakeholders?)|programmes?|programs?|products?|platforms?|accounts?|sales|networks?|supply\s+chain|balance\s+sheet|finances|budget|backlog|sector|industry|practice|firm|branch|unit|workforce|data|suppliers?|supplier\s+base|vendors?|clients?|customer\s+base|estate|fleet|pipeline)\b`),
	rx(`\bhealth\s+(?:and\s+safety|checks?|scores?|metrics?|indicators?|dashboards?|status|rating|report)\b`),
	rx(`\b(?:project|projects|team|teams|business|financial|fiscal|pipeline|portfolio|system|systems|code|codebase|organisational|organizational|company|economic|market|product|platform|service|account|customer|brand|delivery|network|cluster|server|database|repo|repository|programme|program|data)(?:'s)?\s+health\b`),
	rx(`\b(?:public|global|population|community|environmental)\s+health\b|\bhealth\s+(?:sector|service|services|policy|policies|economics|system|board|authority|authorities|research|data|tech|technology|startup|startups|care\s+sector|visitors?|promotion)\b`),
	// Splitting or breaking up work.
	rx(`\b(?:split|splits|splitting|broke|break|breaks|breaking|broken)\s+(?:up\s+|down\s+)?(?:(?:a|an|the|her|his|their|our|this|that|these|those|its|my|your|each)\s+)?(?:\w+\s+){0,3}?(?:into|between|across)\b`),
	rx(`\b(?:split|splits|splitting|broke|break|breaks|breaking|broken)\s+(?:up\s+|down\s+)?(?:(?:a|an|the|her|his|their|our|this|that|its)\s+)?(?:\w+\s+)?(?:work|workload|tasks?|project|projects|problem|problems|week|day|time|team|teams|roles?|responsibilities|budget|backlog|meeting|meetings|goals?|deliverables?|sections?|chapters?)\b`),
	// Earning what is not money.
	rx(`\bearn(?:s|ed|ing|t)?\s+(?:(?:the|a|an|her|his|their|its|our|some|real|genuine)\s+)*(?:trust|respect|reputation|credibility|buy-?in|place|seat|stripes|right|confidence|praise|recognition|goodwill|loyalty|support|keep|spurs)\b`),
	// A service for other people, a field of study, a thing's health, and
	// other things of the same name.
	rx(`\b\w+(?:[\s-]+\w+){0,3}\s+for\s+(?:\w+\+?\s+){0,2}(?:families|people|patients|clients|students|children|staff|employees|refugees|customers|users|members|parents|carers|women|men|veterans|survivors|tenants|pupils|residents|victims|workers|colleagues)\b`),
	rx(`\b(?:sociology|history|philosophy|anthropology|psychology|studies|economics|politics|science|ethics|theology|geography)\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,2}[\w-]+`),
	rx(`\b(?:herd|animal|plant|soil|crop|ocean|reef|river|forest|population|one|livestock|flock)\s+health\b|\bhealth\s+(?:ministry|minister|department|secretary|officials?)\b`),
	rx(`\b(?:technical|tech|sovereign|corporate|government|national|public|bad|senior|junior|mezzanine)\s+debt\b|\bdebt\s+(?:financing|markets?|collection|recovery|instruments?|portfolio|desk|capital)\b`),
	rx(`\b(?:soft|fizzy|energy|sports)[\s-]drinks?\b|\bdrinks\s+(?:client|brand|company|industry|sector|account|business|reception|trolley|order|maker|makers)\b`),
	rx(`(?-i:\bVisa\b)\s+(?:partnership|account|pitch|deal|contract|client|team|campaign|brand|network|card)`),
	rx(`\bdivorc(?:e|es|ed|ing)\s+(?:[\w'-]+\s+){1,5}?from\b|\bthe\s+gamble\s+of\b|\bcase\s+stud(?:y|ies)\b|\b(?:staff|employee|customer|community|stakeholder|public|user|student|patient|audience|social\s+media|civic|donor)\s+engagement\b`),
	rx(`\bleave\s+(?:more\s+|enough\s+|some\s+|a\s+bit\s+of\s+|plenty\s+of\s+)?(?:room|time|space|margin|slack|headroom|buffer)\b`),
	rx(`\bhealth\s+of\s+(?:the|a|an|our|its|this|that)\s+(?:\w+\s+){0,3}?(?:consortium|partnership|collaboration|alliance|community|ecosystem|network|coalition|union|federation|institution|discipline|field|programme|program)\b`),
	// Groups of people with that trait, as the subject of work.
	rx(`\b(?:faith|religious|interfaith|multi-?faith|community|patient|patients'|user|advocacy|stakeholder|disability|lgbt\w*)\s+(?:groups|leaders|communities|organi[sz]ations|representatives|networks|charities)\b`),
	rx(`\bchain[\s-]+of[\s-]+custody\b|\btransition\s+from\s+(?:paediatric|pediatric|child|children's|adolescent|primary|secondary|school|university|college|hospital|acute|student|academic|the\s+old|the\s+legacy|one)\b`),
	// Figures of speech and other things of the same name.
	rx(`\bwedded\s+to\b|\bbet\s+the\s+(?:farm|house|company|ranch)\b|\b(?:calculated|big|huge|real|safe|bold)\s+(?:gamble|bet)\b|\b(?:intellectually|morally)\s+bankrupt\b|\bclean\s+bill\s+of\s+health\b|\bmiscarriages?\s+of\s+justice\b|\banxious\s+to\s+(?:get|take|make|start|learn|see|do|show|prove|move|try|help|contribute|begin|join)\b|\bage\s+of\b|\blike\s+a\s+second\s+job\b`),
	rx(`\b(?:disabled|disable|disables|disabling)\s+(?:the|a|an|our|its|their|all|every|two|three)\s+(?:\w+[\s-]+){0,3}?(?:system|systems|account|accounts|feature|features|login|logins|service|services|server|servers|alerts?|option|options|setting|settings|module|plugin|integration|function)\b|\badoption\s+of\s+(?:the|a|an|our|new|this|that)\b`),
	rx(`\b(?:enthusiasm|energy|momentum|interest|excitement|fire|candle|novelty|hype|engine)\s+(?:had\s+|has\s+|have\s+)?(?:burnt|burned)\s+out\b|\b(?:gp|doctor` + apos + `s|doctors` + apos + `)\s+surgery\b`),
	rx(`\bsick\s+(?:and\s+tired\s+)?of\b|\bdebt\s+of\s+gratitude\b|\bpregnant\s+(?:pause|silence)\b|\bdrinking\s+in\s+(?:every|the|all|each)\b`),
	rx(`\b(?:lavish|grand|glittering|formal|informal|simple|quiet|low-key|black-tie|family|one-off|sorry|messy|whole)\s+affair\b`),
	rx(`\brelocat(?:e|es|ed|ing)\s+(?:the|our|its|their|a|an)\s+(?:\w+(?:'s)?\s+){0,3}?(?:servers?|data|office|offices|headquarters|hq|team|teams|operations?|warehouse|factory|plant|function|systems?|stock|equipment)\b`),
	rx(`\b(?:almost|nearly|quite|positively|borderline)\s+religious(?:ly)?\b|\breligious(?:ly)?\s+(?:about|when\s+it\s+comes)\b|\breligiously\b`),
	rx(`\bdrinking\s+from\s+(?:the|a)\s+fire\s*-?hose\b|\bdrink\s+the\s+kool-?aid\b`),
	rx(`\b(?:company|business|firm|product|startup|bank|charity|organisation|organization|it|they|we|app|platform)\s+(?:actually\s+|really\s+)?(?:make|makes|made|making|earn|earns|earned)\s+(?:its\s+|their\s+|our\s+)?money\b`),
	rx(`(?-i:\bVisa\b)\s*(?:and|or|,|/)\s*(?-i:Mastercard|MasterCard|Amex|American\s+Express)|(?-i:\bVisa\s+(?:and\s+)?(?:card|cards|network|payments?))\b`),
	rx(`\b(?:business|travel|tourist|visitor|client|customer|conference|transit)\s+visas?\b`),
	rx(`\bretir(?:e|es|ed|ing)\s+(?:the|our|this|that|these|those|its)\s+\w+`),
	rx(`\b(?:a|any|every|each|the\s+ideal|the\s+average|a\s+good|a\s+new|a\s+first-time|new)\s+(?:line\s+)?(?:manager|managers|boss|supervisor)\b`),
	// Conflict, complaints and concerns as a skill or a process: "conflict
	// resolution", "handling conflict between two teams", "merge
	// conflicts", "dealing with complaints over live chat", "how trainees
	// can raise concerns", "a customer grievance".
	rx(`\bconflict[\s-]+(?:resolution|management|styles?|skills?|coaching|mediation|avoidance|of\s+interest)\b|\bmerge\s+conflicts?\b|\b(?:handl|manag|resolv|de-?escalat|calm|mediat|navigat|defus|diffus)\w*\s+(?:down\s+)?(?:(?:the|a|any|some|workplace|team)\s+)?conflicts?\b|\b(?:conflicts?|disputes?|arguments?)\s+(?:between|among|amongst)\s+(?:\w+\s+)?(?:two|customers|relatives|colleagues|teams?|people|members|staff|departments|stakeholders|suppliers|groups|parties|contractors|subcontractors|subbies|residents|patients|families)\b`),
	rx(`\b(?:deal|deals|dealing|dealt|handl\w*|manag\w*|resolv\w*|respond\w*\s+to|log\w*|triag\w*|process\w*|investigat\w*)\s+(?:with\s+)?(?:(?:customer|client|guest|patient|public|incoming|angry|formal|the)\s+)?(?:complaints|grievances)\b|\b(?:customer|client|consumer|patient|public|tenant|guest|passenger|user|resident)s?['’]?\s+(?:grievances?|complaints?)\b|\bhow\s+(?:\w+\s+){0,3}?(?:can|could|should|to)\s+raise\s+(?:concerns|complaints|grievances)\b`),
	// Other things of the same name and other people's matters: "drinking
	// water", "fault diagnosis", "health inequalities", "young carers", "the
	// insolvency of a supplier", "calculated risks", "part-time staff", "visa
	// rules".
	rx(`\bdrinking\s+water\b|\b(?:fault|root[\s-]cause|engine|system|network|machine|technical|equipment|vehicle|software)\s+diagnos\w*|\bhealth\s+(?:inequalit\w+|disparities|outcomes|equity|literacy|visiting)\b|\byoung\s+carers\b|\b(?:insolvency|bankruptcy|liquidation|collapse)\s+of\s+(?:a|an|the|one|our|their|its|this|that|several|two|three)\b|\b(?:calculated|big|bold|smart|sensible|measured|bigger|considered)\s+risks?\b|\bpart[\s-]time\s+(?:staff|workers|employees|colleagues|team\s+members|students|volunteers)\b|\bvisa\s+(?:rules|process|processes|requirements|regulations|policy|policies|system|routes)\b`),
	// A condition managed as a field of work or study ("long-term illness
	// management"), not "her pain management".
	rx(`\b(?:long-term\s+|chronic\s+)?(?:illness|disease|sickness|absence|attendance|stress|pain|medication|condition)\s+management\b`),
	// Figures of speech: "commercial suicide", "arrested the decline",
	// "called the culture of blame a cancer", "people with terminal
	// cancer" (other people).
	rx(`\b(?:commercial|political|career|professional|electoral|financial|social)\s+suicide\b|\barrest(?:ed|s|ing)?\s+(?:the|a|its|this|that|our)\s+(?:\w+\s+){0,2}?(?:decline|slide|fall|drop|trend|slump|downturn|losses|loss|rot)\b|\bdeployed\s+(?:headquarters|hq)\b|\bhandl\w*\s+(?:the\s+)?sick\s+calls\b|\bcalled\s+(?:\w+(?:'s)?\s+){1,6}?a\s+cancer\b|\b(?:people|patients|families|children|clients|residents|those|adults|women|men|anyone)\s+(?:living\s+|diagnosed\s+)?with\s+(?:\w+[\s-]+){0,2}?(?:cancer|illness|illnesses|conditions?|disease|diseases|dementia|diabetes|disabilities|disability|addictions?)\b`),
	// Named things: a law, a campaign, a network or a body named with
	// capitals ("the Gambling Act white paper", "the Dementia Friends
	// session", "Mental Health Awareness Week").
	rx(`(?-i:\b[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|and|of|&))*\s+(?:Act|Acts|Bill|Friends|Champions|Commission|Foundation|Society|Association|Alliance|Network|Week|Month|Day|Awareness|Charter|Strategy|Council|Committee|Forum|Institute|Inquiry|Framework|Standards?|Partnership|Campaign|Coalition|Summit|Conference)\b)`),
	// A matter as policy, a field or an initiative, not the person's own:
	// "prison reform", "the wellbeing champions network", "bankruptcy-remote
	// structures".
	rx(`\b(?:prison|penal|justice|sentencing|drugs?|immigration|asylum|housing|welfare|pensions?|gambling|alcohol|adoption|fostering|mental\s+health|disability|refugee|visa)\s+(?:reform|reforms|policy|policies|legislation|sector|research|charity|charities|campaigners?|advocacy|system)\b` +
		`|\bwell-?being\s+(?:champions?|network|programme|program|initiative|strategy|week|day|hub|offer|budget|survey|leads?|team|policy|framework|app|platform|resources?|committee|group|agenda|sessions?\s+for)\b` +
		`|\bmental\s+health\s+(?:first\s+aid(?:ers?)?|awareness|champions?|training)\b|\bbankruptcy[\s-]+remote\b`),
	// Pay as policy, not the person's pay.
	rx(`(?:^|[^\w'])(?:(?:the|a|an|our|their|company|sector|industry|market)\s+)?(?:salary|salaries|pay)\s+(?:bands?|scales?|structures?|ranges?|benchmark\w*|transparency|polic(?:y|ies)|equity|gaps?|frameworks?|grades?|negotiations?\s+in\s+general|data|surveys?|reviews?\s+(?:work|process|cycles?))\b`),
}

// guardedSenses are other senses too costly to try on every sentence:
// each runs only when one of its keywords occurs in it (see containsAny).
var guardedSenses = []struct {
	any []string
	re  *regexp.Regexp
}{
	// A condition among other people: "depression in older patients",
	// "the risk of hearing loss for operators".
	{kw("patients|pupils|residents|students|children|clients|customers|visitors|staff|workers|operators|users|adults|families|teenagers|veterans|employees|drivers|passengers|learners|tenants"),
		rx(`\b(?:[\w-]+\s+){1,2}(?:in|among|amongst|for)\s+(?:(?:older|younger|elderly|young|vulnerable|local|our|the|its|their)\s+)?(?:patients|pupils|residents|students|children|clients|customers|visitors|staff|workers|operators|users|adults|families|teenagers|veterans|employees|drivers|passengers|learners|tenants)\b`)},
	// Named as a subject: "debt restructuring as a practice area".
	{kw("process|subject|practice area|field|specialism|specialty|speciality|topic|discipline|policy question|area of"),
		rx(`\b(?:[\w-]+\s+){1,4}as\s+(?:a|an)\s+(?:process|subject(?:\s+area)?|practice\s+area|field|specialism|specialty|speciality|topic|discipline|policy\s+question|area\s+of\s+(?:law|practice|work))\b`)},
	// People in prison or care as the subject of work: "literacy
	// programmes for men in prison".
	{kw("prison|custody|jail|care|recovery|hospital|hospice|rehab"),
		rx(`\b(?:for|with|to|among|supporting|visiting|teaching|mentoring)\s+(?:\w+\s+)?(?:men|women|people|adults|offenders|inmates|those|children|teenagers|families|prisoners|patients)\s+(?:in|leaving|released\s+from|after|coming\s+out\s+of)\s+(?:prison|custody|jail|care|recovery|hospital|hospice|rehab)\b`)},
	// A condition as the subject of work: other people who have it, what
	// is made friendly to it, staff wellbeing as a field, terms of art.
	{kw("with|who ha|living|affected|risk|experienc|suffering|recovering"), rx(`\b(?:patients|pupils|residents|students|children|clients|customers|visitors|people|staff|workers|operators|users|members|adults|families|those|anyone|colleagues|employees|learners|tenants|passengers|drivers|veterans|carers|parents|women|men|teenagers|young\s+people|older\s+people)\s+(?:with|who\s+have|who\s+had|living\s+with|affected\s+by|at\s+risk\s+of|experiencing|suffering\s+from|recovering\s+from)\s+(?:[\w'-]+\s+){0,2}[\w'-]+`)},
	{kw("friendly|burnout|wellbeing|well-being|sickness|absence|turnover|mental|stress"), rx(`\b[\w]+-friendly\b|\b(?:staff|employee|workforce|sector|industry|nurse|teacher|doctor|clinician|student|pupil)\s+(?:burnout|wellbeing|well-being|sickness|absence|turnover|mental\s+health|stress)\b`)},
	{kw("niece|nephew|friend|neighbo|cousin|flatmate|roommate|student|pupil|patient|client|mentee"), rx(`\b(?:his|her|their)\s+(?:niece|nephew|friend|neighbou?r|cousin|flatmate|roommate|student|pupil|patient|client|mentee)\s+(?:is|was|has|had)\s+(?:\w+\s+){0,2}?[\w-]+`)},
	{kw("retiring|leaving|resigning|relocating"), rx(`\b(?:colleagues?|staff|managers?|partners|directors|members|people)\s+(?:\w+\s+)?(?:are|is|were|was)\s+(?:\w+\s+)?(?:retiring|leaving|resigning|relocating)\b`)},
	{kw("conviction"), rx(`\b(?:with|real|genuine|great|strong|deep|quiet|such)\s+conviction\b|\bconviction\s+(?:that|about)\b`)},
	{kw("religion"), rx(`\b(?:is|was|became|like|as)\s+(?:almost\s+)?a\s+religion\b`)},
	{kw("transition"), rx(`\b(?:energy|digital|net[\s-]zero|green|just|political|economic|organisational|organizational|system|systems|platform)\s+transition\b|\btransition\s+(?:of|between)\s+(?:the|a|an|our|its|their)\b`)},
	{kw("operation|second job"), rx(`\b(?:the|its|day-to-day|daily|smooth|safe)\s+operation\s+of\b|\bsecond\s+job\s+(?:rotation|placement|posting)\b`)},
	{kw("vitro"), rx(`\bin\s+vitro\s+(?:studies|study|experiments?|testing|tests|models?|assays?|work|research|data)\b`)},
	{kw("dispute"), rx(`\b(?:variations?|contract|contractual|commercial|boundary|planning|trade|legal)\s+disputes?\b`)},
	{kw("medical"), rx(`\bmedical\s+(?:school|schools|students?|device|devices|records|history\s+of|museum|collection|research|sciences?|education|journal|ethics|law|writing|imaging|physics)\b`)},
	{kw("moving"), rx(`\bmoving\s+(?:the|our|their|its)\s+(?:\w+'s\s+)?(?:[\w-]+\s+){0,2}?(?:records|files|servers|data|office|offices|stock|equipment|archive|collection|team|department)\b`)},
	{kw("redundan"), rx(`\b(?:build|builds|building|built|add|adds|adding|added|design|designing|designed|plan|planning|planned)\s+(?:some\s+|in\s+|more\s+|enough\s+)?redundancy\b|\bredundancy\s+into\b`)},
	{kw("redundant"), rx(`\bredundant\s+(?:phrasing|words?|code|systems?|servers?|copies|data|steps|checks|links?|power|paragraphs?|sentences?|features?)\b`)},
	{kw("redundanc"), rx(`\bredundancy\s+(?:procedures?|process(?:es)?|law|policy|policies|consultations?\s+(?:for|with)\s+(?:clients|staff|employers))\s+(?:to|for|with)\s+(?:\w+\s+)?(?:clients|employers|staff|managers|customers)\b`)},
	{kw("reporting"), rx(`\breporting\s+(?:abusive|spam|harmful|offensive|bugs?|issues|incidents|errors|metrics|data|results|tools?|features?|dashboards?|requirements|standards|obligations)\b`)},
	{kw("disagree|conflict|dispute|tension|friction"), rx(`\b(?:handling|handle|managing|manage|resolving|resolve|navigating|navigate|de-escalating|mediating)\s+(?:disagreements|conflicts|disputes|conflict|tension|friction)\s+(?:in|between|among|across|within|generally|at|during)\b`)},
	{kw("counsel|therapist"), rx(`\b(?:rather\s+than|not)\s+(?:a\s+)?(?:coach|counsellor|counselor|therapist)(?:\s+or\s+(?:a\s+)?(?:coach|counsellor|counselor|therapist))?\b|\b(?:coach|mentor)\s+or\s+(?:a\s+)?(?:counsellor|counselor|therapist)\b`)},
	{kw("lottery"), rx(`\b(?:feels?|felt|is|was|seems?|like)\s+(?:like\s+)?a\s+(?:bit\s+of\s+a\s+)?lottery\b`)},
	{kw("gambl"), rx(`\ba\s+(?:bit\s+of\s+a\s+|real\s+|big\s+|huge\s+|calculated\s+)?gamble\b|\bgambl(?:e|ed|ing)\s+on\s+(?:the|a|an|this|that|it|his|her|their)\b`)},
	// Economic and medical terms of art, idioms, and periods of time.
	{kw("depression"), rx(`\b(?:great|economic|tropical|market|trade)\s+depression\b|\bdepression[\s-]+(?:era|in\s+(?:the\s+)?(?:\w+\s+)?(?:markets?|economy|prices|demand|sector))\b`)},
	{kw("cardiac|death"), rx(`\bcardiac\s+arrest\b|\bdeath\s+(?:march|marches|spiral|by\s+(?:powerpoint|a\s+thousand|committee))\b|\bsudden[\s-]death\s+(?:round|play|overtime)\b`)},
	{kw("leave|surgery"), rx(`\b(?:annual|study|shore|home|garden(?:ing)?)\s+leave\b|\bsurgery\s+on\s+(?:\w+\s+){0,2}?(?:cv|resume|résumé|deck|slides|draft|plan|code|document|report|portfolio|proposal|essay|pitch)\b`)},
	{kw("covid|pandemic|lockdown"), rx(`\b(?:during|since|before|after|through|throughout|pre|post)[\s-]+(?:the\s+)?(?:covid|pandemic|lockdowns?)\b`)},
	{kw("owe"), rx(`\bowes?\s+(?:a\s+lot|so\s+much|everything|a\s+great\s+deal|much|a\s+debt|a\s+debt\s+of\s+gratitude)\s+to\b`)},
	{kw("prisoner"), rx(`\bprisoners?\s+(?:of|to)\s+(?:the|his|her|their|its|a|an)\s+(?:\w+\s+){0,3}?(?:way|ways|past|habit|habits|routine|process|processes|thinking|system|calendar|inbox|schedule|expectations|success|fear)\b`)},
	{kw("comment|speak|talk"), rx(`\b(?:can` + apos + `?t|cannot|won` + apos + `?t|will\s+not|not\s+able\s+to|unable\s+to|not\s+in\s+a\s+position\s+to)\s+(?:comment|speak|talk)\s+(?:on|about|to)\s+(?:compensation|pay|salary|salaries|remuneration|health|money|finances|family\s+matters)\s*(?:[,.;:]|$|and\b|or\b)`)},
	{kw("novel"), rx(`\bnovel\s+(?:uses?|ways?|approach(?:es)?|ideas?|methods?|solutions?|techniques?|applications?|materials?|therap(?:y|ies)|drugs?|treatments?|virus|coronavirus|features?|designs?)\b`)},
	{kw("politics|union"), rx(`\b(?:office|workplace|internal|organisational|organizational)\s+politics\b|\b(?:a|the)\s+(?:\w+\s+)?union\s+of\s+(?:the|two|three|both)\b`)},
	{kw("engagement|engaged"), rx(`\bengagement\s+(?:with|in|on|at|during|across|levels?|surveys?|scores?|metrics?|rates?|team|strategy|plan)\b|\bengaged\s+(?:with|in|by|on|throughout|during)\s+(?:the|our|his|her|their|every|each|all|a|this|that)\b`)},
	{kw("bankrupt|bust|under|administration|liquidation"), rx(`\b(?:vendor|supplier|client|customer|company|firm|business|bank|retailer|competitor|rival|startup|start-up|airline|carrier|partner|contractor|counterparty|insurer)s?\s+(?:goes|went|going|gone|that\s+went|that\s+goes|were\s+to\s+go)\s+(?:bankrupt|bust|under|into\s+administration|into\s+liquidation)\b`)},
	{kw("layoff|redundanc|job cuts|closure|restructuring|reorgani|bankruptcy|insolvenc"), rx(`\b(?:layoffs?|redundanc(?:y|ies)|job\s+cuts|closures?|restructuring|reorgani[sz]ation|bankruptcy|insolvency)\s+(?:at|of)\s+(?:a|an|one\s+of\s+(?:our|the|his|her|their)|several|two|three|another)\s+(?:\w+[\s-]+){0,2}?(?:clients?|customers?|suppliers?|vendors?|competitors?|rivals?|compan(?:y|ies)|firms?|manufacturers?|retailers?|banks?|businesses|employers?)\b`)},
	{kw("pregnancy"), rx(`\b(?:used|safe|taken|prescribed|risks?)\s+(?:in|during)\s+pregnancy\b`)},
	{kw("faith|marr"), rx(`\b(?:kept|keep|keeps|keeping)\s+(?:the\s+)?faith\s+with\b|\bmarr(?:y|ying|ied|ies)\s+(?:her|his|their|the|a|an|our)?\s*(?:[\w-]+\s+){0,3}?with\b`)},
	{kw("drinks"), rx(`\b(?:coffee|lunch|dinner|tea)\s+(?:or|rather\s+than|and|instead\s+of)\s+drinks\b|\bdrinks\s+after\s+work\b`)},
	{kw("engagement"), rx(`\b(?:client|consulting|audit|advisory|customer)\s+engagements?\b|\bthe\s+engagement\s+(?:he|she|they)\s+(?:joined|started|led|leads|is\s+on|was\s+on)\b|\b(?:on|joined|staffed\s+on)\s+(?:the|a|an|this|that|her|his|their)\s+(?:\w+\s+)?engagement\b`)},
	{kw("custody"), rx(`\bcustody\s+(?:rules?|accounts?|services?|banks?|assets|of\s+(?:client\s+)?(?:assets|funds|securities|data|evidence))\b`)},
	{kw("pip"), rx(`\bpip\s+(?:install|installs|dependency|dependencies|packages?|index|freeze|cache|upgrade)\b`)},
	// Other people's own matters: "advises families on their finances".
	{kw("their"),
		rx(`\b(?:families|clients|customers|people|households|members|students|patients|residents|tenants|employees|users|parents|carers|couples)\s+(?:on|with|about|through)\s+their\s+[\w-]+(?:\s+[\w-]+)?`)},
}

// A kept concept's word is often the subject of the person's work rather
// than of their life: "the council's mental health strategy", "the review
// of disability access", "a bereavement support leaflet", "visa
// applications for students". workNouns are what such a use names next.
var workNouns = map[string]bool{}

// artifacts are work nouns that a possessive before a compound owns
// instead of its first word: "her oncology pricing project", "his HIV
// franchise", "her medical device division" are theirs as work.
var artifacts = map[string]bool{}

// otherPeople are people a kept word may describe who are not the person:
// "bereaved relatives", "anxious patients".
var otherPeople = map[string]bool{"relatives": true, "patients": true, "families": true, "clients": true, "residents": true,
	"children": true, "parents": true, "students": true, "users": true, "customers": true, "pupils": true, "carers": true,
	"people": true, "women": true, "men": true, "adults": true, "teenagers": true, "victims": true, "survivors": true,
	"visitors": true, "guests": true, "passengers": true, "callers": true, "tenants": true, "operators": true, "drivers": true,
	"workers": true, "staff": true, "employees": true, "colleagues": true, "mothers": true, "learners": true, "applicants": true,
	"flyers": true, "travellers": true, "travelers": true, "diners": true, "patrons": true}

// orgOwners own a thing that is not the person's: "the charity's money",
// "the company's pay bands".
var orgOwners = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`strategy strategies policy policies team teams pathway pathways programme programmes
		program programs review reviews access allocation allocations leaflet leaflets training awareness campaign campaigns
		committee committees charity charities fund funds funding grant grants sector sectors department departments provision
		framework frameworks budget budgets audit audits research data processing establishment establishments law laws
		legislation caseload statistics figures literacy outcomes toolkit toolkits module modules curriculum workshop workshops
		guidance providers project projects product products market markets industry board boards platform platforms course courses
		ministry ministries inclusion nursing midwifery medicine costs handbook handbooks requirements regulations rules
		provisions scheme schemes ceremony ceremonies celebration party speech supply supplies shipping trade exports imports
		operations sites subsidiary building buildings banners work faq faqs page pages`) {
		workNouns[w] = true
	}
	for _, w := range strings.Fields(`project projects product products portfolio portfolios franchise franchises account accounts
		app apps device devices division divisions desk desks pricing analysis analyses model models dashboard dashboards
		pipeline pipelines securities deal deals contract contracts tender tenders client clients brand brands launch
		benchmarking forecasting forecast forecasts detection hotel hotels squad squads vertical verticals skills skill
		rosters roster signage microservice microservices api apis database databases feature features tool tools goals`) {
		artifacts[w] = true
		workNouns[w] = true
	}
	for _, w := range strings.Fields(`council company firm trust bank charity organisation organization business school university hospital
		department government client agency board group nhs employer practice company's council's firm's trust's bank's charity's
		organisation's organization's business's school's university's hospital's department's government's client's agency's
		board's group's employer's practice's team's ward's unit's clinic's service's home's pharmacy's
		patients' clients' families' residents' users' customers' students' pupils' children's staff's parents'
		colleague's patient's pupil's student's customer's caller's resident's visitor's tenant's user's member's neighbour's
		neighbor's borough's city's county's state's country's museum's library's authority's region's sector's club's fund's
		project's programme's program's site's mine's plant's school's`) {
		orgOwners[w] = true
	}
}

// workTopic reports whether a match names a subject of work: followed by
// a work noun (perhaps after "support", "care" or "awareness"), owned by an
// organisation, or another person's ("a student whose visa"), and not
// the person's own ("her …").
func workTopic(toks []token, sp span) bool {
	owned := ownedByPerson(toks, sp)
	next := sp.last + 1
	// Up to three more words of a compound may come between: "cancer
	// treatment pathway", "mental health first aid course".
	for k := 1; k <= 3 && next+k < len(toks); k++ {
		if stopWords[toks[next+k-1].lower] || workNouns[toks[next+k-1].lower] {
			break
		}
		if workNouns[toks[next+k].lower] {
			next += k
			break
		}
	}
	if next < len(toks) && (toks[next].lower == "support" || toks[next].lower == "care" || toks[next].lower == "awareness" ||
		toks[next].lower == "related") {
		next++
	}
	if stopWords[toks[sp.last].lower] {
		next = len(toks) // a term that ends in "his" does not qualify the noun after it
	}
	if next < len(toks) && artifacts[toks[next].lower] {
		return true // "her oncology pricing project" is her project, not her oncology
	}
	if owned {
		return false // "her mental health team" is hers
	}
	if next < len(toks) && (workNouns[toks[next].lower] || otherPeople[toks[next].lower]) {
		return true // "the mental health strategy", "bereaved relatives"
	}
	for i := sp.first - 1; i >= 0 && i >= sp.first-3; i-- {
		w := toks[i].lower
		if toks[i].plural {
			w += "'"
		}
		switch {
		case w == "whose":
			return true
		case orgOwners[w] && (strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "s'")):
			return true // "the charity's money", "patients' religious wishes"
		case w == "her" || w == "his" || w == "their" || w == "my":
			return false
		}
	}
	return false
}

// workVerbs are what a person does in their job to a subject: "he
// manages the bereavement support service", "she covers corporate
// bankruptcy", "he trains call handlers to respond to domestic abuse".
var workVerbs = map[string]bool{}

// notOccupations end like an occupation ("-er", "-ent", "-ist") but name
// a person's state or relation: "a single parent who", "a carer for".
var notOccupations = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		manage manages managed managing lead leads led leading run runs ran running
		administer administers administered develop develops developed developing design designs designed designing
		train trains trained training advise advises advised advising cover covers covered covering
		process processes processed processing research researches researched researching
		negotiate negotiates negotiated organise organises organised organize organizes organized
		coordinate coordinates coordinated chair chairs chaired oversee oversees oversaw supervise supervises supervised
		teach teaches taught specialise specialises specialised specialize specializes specialized specialising specializing
		fund funds funded audit audits audited campaign campaigns campaigned commission commissions commissioned
		draft drafts drafted redesign redesigns redesigned sits sat serves served edit edits edited write writes wrote writing
		book books booked schedule schedules scheduled investigate investigates investigated prosecute prosecutes prosecuted
		treat treats treated counsel counsels counselled tracks tracked models modelled modeled
		analyses analysed analyzes analyzed underwrites underwrote insures insured sells sold markets marketed
		builds built codes coded conduct conducts conducted conducting mentors mentored represent represents represented
		curate curates curated produce produces produced launched launches pilots piloted evaluates evaluated`) {
		workVerbs[w] = true
	}
	for _, w := range strings.Fields(`parent parents patient client resident dependent carer survivor sufferer user drinker gambler smoker
		believer member partner mother father brother sister daughter grandmother grandfather widower widow worshipper leaver
		joiner mourner migrant immigrant emigrant defendant claimant tenant person teenager beginner learner convert adherent
		addict alcoholic diabetic epileptic asthmatic vegetarian vegan christian muslim hindu sikh buddhist jew catholic
		newcomer stranger foreigner refugee lesbian socialist communist feminist pacifist nationalist unionist marxist anarchist
		royalist monarchist republican democrat baptist methodist adventist calvinist humanist zionist islamist introvert extrovert
		insomniac hypochondriac anorexic bulimic schizophrenic paraplegic quadriplegic amputee divorcee bachelor spinster fiancee
		latter former other another better bitter sober silver proper clever eager over under after ever never whether together
		rather power water winter summer border order number quarter counter letter matter`) {
		notOccupations[w] = true
	}
}

// professional reports whether a match is the subject of the person's
// job: a work verb comes before it in its clause ("she manages a
// residential addiction recovery centre"), or the sentence says what the
// person is by trade and the match comes after ("he is a consultant
// obstetrician who specialises in high-risk pregnancy", "an embryologist
// at a fertility clinic") or names the trade itself ("a diabetes
// educator"). Not when the match is theirs ("manages his diabetes").
func professional(toks []token, sp span, own bool) bool {
	if ownedByPerson(toks, sp) {
		return false
	}
	for i := sp.first - 1; i >= 0 && i >= sp.first-12; i-- {
		w := toks[i].lower
		if w == "but" || w == "because" || w == "since" || w == "while" || w == "after" || w == "although" || w == "though" {
			break
		}
		// "and" ends the clause when a new one starts ("she manages a team
		// and has had cancer"), not between two nouns.
		if w == "and" && i+1 < len(toks) && clauseStart[toks[i+1].lower] {
			break
		}
		if w == "her" || w == "his" || w == "my" || w == "herself" || w == "himself" {
			break // "manages her recovery from addiction" is hers
		}
		if workVerbs[w] && !passiveOrPhrasal(toks, i) {
			run := w == "run" || w == "runs" || w == "ran" || w == "running"
			if run && own {
				continue // "she runs a small online shop at weekends" is the matter
			}
			if !run || (i+1 < len(toks) && determiners[toks[i+1].lower]) {
				return true // "runs the relocation service", not "a running dispute"
			}
		}
	}
	// "is a/an … <trade>": find the noun phrase after "is a".
	for i := 0; i+2 < len(toks) && i < sp.first; i++ {
		opener := i == 0 && toks[i].lower == "as" && (toks[i+1].lower == "a" || toks[i+1].lower == "an") // "As an insolvency practitioner, she …"
		if !opener && ((toks[i].lower != "is" && toks[i].lower != "was" && toks[i].lower != "works") || (toks[i+1].lower != "a" && toks[i+1].lower != "an" && toks[i+1].lower != "as")) {
			continue
		}
		j := i + 2
		if toks[i+1].lower == "as" && j < len(toks) && (toks[j].lower == "a" || toks[j].lower == "an") {
			j++
		}
		// The noun phrase runs to a relative word, a preposition or a stop
		// word ("a practising Muslim and would rather"); it names a trade
		// when one of its words is one.
		trade := false
		for k := j; k < len(toks) && k < j+5; k++ {
			w := toks[k].lower
			if w == "who" || w == "that" || w == "at" || w == "in" || w == "on" || w == "for" || w == "with" || w == "whose" || stopWords[w] {
				break
			}
			trade = trade || occupation(w)
		}
		if trade && sp.first >= j {
			return true
		}
	}
	return false
}

var clauseStart = map[string]bool{"he": true, "she": true, "they": true, "i": true, "we": true, "has": true, "had": true, "have": true,
	"is": true, "was": true, "are": true, "were": true, "will": true, "would": true, "can": true, "could": true, "did": true, "does": true}

var determiners = map[string]bool{"the": true, "a": true, "an": true, "our": true, "its": true, "their": true, "this": true, "that": true}

// passiveOrPhrasal: the verb at i is passive ("was treated for",
// "being counselled") or part of a phrase that is not work ("run up
// debts", "ran out of money", "served a prison sentence"): then it says
// nothing of a job.
func passiveOrPhrasal(toks []token, i int) bool {
	if i > 0 && !strings.HasSuffix(toks[i].lower, "ing") { // "is researching" is active
		switch toks[i-1].lower {
		case "was", "were", "been", "being", "is", "are", "be", "got", "get", "gets", "getting":
			return true
		}
	}
	if w := toks[i].lower; w == "serve" || w == "serves" || w == "served" || w == "serving" {
		for j := i + 1; j < len(toks) && j <= i+4; j++ {
			switch toks[j].lower {
			case "sentence", "time", "term", "prison", "jail", "years", "months":
				return true // "served a short prison sentence", "served time"
			}
		}
	}
	if w := toks[i].lower; i+1 < len(toks) && (w == "run" || w == "runs" || w == "ran" || w == "running") {
		switch toks[i+1].lower {
		case "up", "out", "into", "low", "short", "away", "off", "through", "over":
			return true
		}
	}
	return false
}

// occupation: a word shaped like the name of a trade ("obstetrician",
// "embryologist", "adviser", "solicitor", "educator", "planner") and not
// a person's state.
func occupation(w string) bool {
	if notOccupations[w] {
		return false
	}
	switch w {
	case "nurse", "doctor", "surgeon", "midwife", "coach", "clerk", "judge", "chef", "lead", "guardian", "officer", "medic", "gp", "dentist", "vet", "paramedic", "carer's":
		return true
	}
	for _, suf := range []string{"ist", "ian", "or", "er", "ant", "eer", "ive"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf)+3 {
			return true
		}
	}
	return false
}

// ownedByPerson: "her", "his", "their" or "my" is one of the two words
// before the match.
func ownedByPerson(toks []token, sp span) bool {
	if i := sp.first - 1; i >= 0 && toks[i].plural && (otherPeople[toks[i].lower] || orgOwners[toks[i].lower+"'"]) {
		return false // "their parents' separation" is the parents', "her patients' wishes" the patients'
	}
	for i := sp.first - 1; i >= 0 && i >= sp.first-2; i-- {
		if w := toks[i].lower; w == "her" || w == "his" || w == "their" || w == "my" || w == "herself" || w == "himself" {
			return true
		}
	}
	return false
}

// senseSpans are the places of a sentence where a kept concept's word is
// used in another sense: its topic clauses and the matches of otherSenses
// (without those that are the person's own, "her salary band"). They are
// found once per sentence and item, however many terms of it occur.
type senseSpans struct {
	topics, uses [][2]int
}

func otherSenseSpans(sentence string) *senseSpans {
	ss := &senseSpans{topics: topicClauses(sentence)}
	add := func(re *regexp.Regexp) {
		for _, loc := range re.FindAllStringIndex(sentence, -1) {
			if !personalBefore(sentence[:loc[0]], sentence[loc[0]:loc[1]]) {
				ss.uses = append(ss.uses, [2]int{loc[0], loc[1]})
			}
		}
	}
	for _, re := range otherSenses {
		add(re)
	}
	low := lowerASCII(sentence)
	for _, g := range guardedSenses {
		if containsAny(low, g.any) {
			add(g.re)
		}
	}
	return ss
}

// covers reports whether the tokens of sp are used in another sense: the
// subject of work (workTopic, professional), inside what the person asked
// or learned about ("how to reduce exam anxiety among his students") unless
// it is theirs ("how to manage her anxiety"), or inside an other-sense use.
func (ss *senseSpans) covers(toks []token, sp span, work bool) bool {
	if workTopic(toks, sp) || professional(toks, sp, work) {
		return true
	}
	a, b := toks[sp.first].start, toks[sp.last].end
	return (inTopic(ss.topics, a, b) && !ownedByPerson(toks, sp)) || inTopic(ss.uses, a, b)
}

// personalBefore: the use is the person's own ("her salary band", "his
// pay scale", "her pain management", "his visa process").
func personalBefore(before, use string) bool {
	low := strings.ToLower(use)
	owned := strings.Contains(low, "salar") || strings.Contains(low, "pay") || strings.HasSuffix(low, " management") || strings.HasPrefix(low, "visa ")
	if strings.HasPrefix(low, "her ") || strings.HasPrefix(low, "his ") || strings.HasPrefix(low, "their ") || strings.HasPrefix(low, "my ") {
		return owned
	}
	f := strings.Fields(strings.ToLower(before))
	if len(f) == 0 {
		return false
	}
	switch f[len(f)-1] {
	case "her", "his", "their", "my":
		return owned
	}
	return false
}

// A conceptShape is a kept concept said in a shape no list of terms
// covers: a sum said as pay reveals a kept salary, a length of time done or
// served a kept prison term. via names the shape in the finding.
type conceptShape struct {
	concept string // the concept's name in lexicon/kept.txt
	rx      *regexp.Regexp
	hint    string         // the sentence holds one of these bytes, or the shape cannot match
	not     *regexp.Regexp // what, right after a match, makes it something else
	via     string
}

var conceptShapes = []conceptShape{
	{concept: "salary", rx: payAmount, hint: "£$€0123456789", via: "an amount of pay"},
	{concept: "prison", rx: timeServed, not: servedElsewhere, via: "a length of time served"},
}

// timeServed is a length of time done or served, as people say a prison
// term: "did two years at Parchman", "served eighteen months", "did a
// five-year stretch", "doing a bid". A length alone ("two years at the
// bank") is not.
var timeServed = rx(`\b(?:did|done|served|serving|doing)\s+(?:an?\s+)?(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|few|several|\d+)(?:\s+and\s+a\s+half)?[\s-]+)?(?:years?|months?|stretch|bid)(?:\s+(?:stretch|bid|sentence))?\b`)

// servedElsewhere: time served in the forces, on a board or as something is
// a career, not a sentence ("served four years in the Marines").
var servedElsewhere = rx(`^(?:\s+\w+)?\s+(?:in|with|on|as|for|at)\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+)?(?:us\s+|royal\s+|british\s+|australian\s+|canadian\s+)?(?:army|navy|marines?|marine\s+corps|air\s+force|raf|ran|raaf|military|forces|armed\s+forces|reserves?|national\s+guard|guard|coast\s+guard|corps|regiment|infantry|artillery|paras?|fleet|battalion|brigade|squadron|board|council|committee|trustees?|governors?|bench|jury|officer|soldier|sailor|medic|volunteer|apprentice|trainee|firefighter|paramedic|nurse)\b`)

// payAmount is a sum said as someone's pay: "on $62k a year", "paid
// £29,500", "anything under 140k". A sum alone ("a $2m budget") is not.
var payAmount = rx(`\b(?:paid|earns?|earning|earned|makes?|making|on|salary\s+(?:of|is)|pay\s+(?:of|is)|offered|asking\s+for|wants?|under|below|above|at\s+least)\s+(?:about\s+|around\s+|roughly\s+|just\s+|only\s+|anything\s+under\s+)?[£$€]\s?\d[\d,.]*\s*k?\b` +
	`|[£$€]\s?\d[\d,.]*\s*k?\s+(?:a|per)\s+(?:year|annum|month|hour|week)\b|\b\d[\d,.]*\s*k\s+(?:a|per)\s+(?:year|annum)\b` +
	`|\b(?:under|below|above|over|at\s+least|less\s+than|more\s+than)\s+\d[\d,.]*k\b|\b\d[\d,.]*\s*(?:lpa|lakhs?(?:\s+per\s+annum)?|ctc)\b`)

// find finds the shape in the sentence, as a span of its tokens.
func (sh conceptShape) find(sentence string, toks []token) (span, bool) {
	if sh.hint != "" && !strings.ContainsAny(sentence, sh.hint) {
		return span{}, false
	}
	loc := sh.rx.FindStringIndex(sentence)
	if loc == nil || (sh.not != nil && sh.not.MatchString(sentence[loc[1]:])) {
		return span{}, false
	}
	sp := span{first: -1}
	for i, t := range toks {
		if t.end > loc[0] && t.start < loc[1] {
			if sp.first < 0 {
				sp.first = i
			}
			sp.last = i
		}
	}
	return sp, sp.first >= 0
}
