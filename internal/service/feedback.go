package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// feedbackAD binds an answer to its request's asker and answerer, the two
// who may read it, and to the programme whose anonymous figures it counts
// in.
func feedbackAD(r *mentorvault.FeedbackResponse, fr *mentorvault.FeedbackRequest) seal.AD {
	return seal.AD{RelationshipID: r.RelationshipID, Record: "feedback", RecordID: r.RequestID, Field: "answer", Version: r.SealVersion,
		Bind: []seal.Binding{{Name: "asker", Value: fr.MentorID}, {Name: "answerer", Value: fr.MenteeID}, {Name: "programme", Value: r.ProgrammeID}}}
}

// sealFeedback seals the answer JSON b into r, the answer to fr, at its
// next seal version.
func (s *Service) sealFeedback(key []byte, r *mentorvault.FeedbackResponse, fr *mentorvault.FeedbackRequest, b []byte) (err error) {
	r.SealVersion++
	r.Sealed, err = s.keys.Seal(key, feedbackAD(r, fr), mentorvault.NewSecret(string(b)))
	return err
}

// feedbackRequests indexes a relationship's feedback requests by ID.
func feedbackRequests(ctx context.Context, tx mentorvault.Tx, relID string) (map[string]*mentorvault.FeedbackRequest, error) {
	reqs, err := tx.FindFeedbackRequests(ctx, relID)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*mentorvault.FeedbackRequest, len(reqs))
	for _, fr := range reqs {
		byID[fr.ID] = fr
	}
	return byID, nil
}

// eachFeedback lists every feedback answer of a relationship for
// VerifySealed. An answer whose request is gone binds empty parties, and
// so differs from its audited write.
func eachFeedback(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	reqs, err := feedbackRequests(ctx, tx, rel.ID)
	if err != nil {
		return err
	}
	resps, err := tx.FindFeedbackResponses(ctx, rel.ID)
	if err != nil {
		return err
	}
	for _, r := range resps {
		fr := reqs[r.RequestID]
		if fr == nil {
			fr = &mentorvault.FeedbackRequest{}
		}
		yield(sealedRecord{record: "feedback", id: r.RequestID, version: r.SealVersion, fields: []sealedField{{feedbackAD(r, fr), r.Sealed}}})
	}
	return nil
}

func feedbackResource(rel *mentorvault.Relationship, fr *mentorvault.FeedbackRequest) policy.Feedback {
	return policy.Feedback{ID: fr.ID, AskerID: fr.MentorID, AnswererID: fr.MenteeID, Relationship: relResource(rel)}
}

// offersFeedback reports whether userID, a party of rel, gives feedback
// rather than asks for it: the mentee of a mentoring relationship (a kind
// other than "peer" is mentoring). The mentor, and either peer partner, asks.
func offersFeedback(rel *mentorvault.Relationship, userID string) bool {
	return rel.Kind != mentorvault.KindPeer && userID == rel.MenteeID && userID != rel.MentorID
}

// RequestFeedback asks the other party how the caller's mentoring is
// landing; called by the mentee of a mentoring relationship, it opens the
// mentee's own form to give feedback on the mentor's approach unasked
// (Offered), which the mentee then answers like an asked one. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or ECONFLICT (a request is open).
func (s *Service) RequestFeedback(ctx context.Context, p mentorvault.Principal, relID string) (*mentorvault.FeedbackRequest, error) {
	var out *mentorvault.FeedbackRequest
	err := s.relOp(ctx, p, policy.RequestFeedback, relID, partyRefusal, func(o *op) (event, error) {
		reqs, err := o.tx.FindFeedbackRequests(o.ctx, o.rel.ID)
		if err != nil {
			return event{}, err
		}
		offer := offersFeedback(o.rel, o.a.user.ID)
		for _, r := range reqs {
			switch {
			case r.AnsweredAt != nil:
			case offer && r.MenteeID == o.a.user.ID:
				return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "a feedback form is already open for you: answer it first")
			case !offer && !r.Offered && r.MentorID == o.a.user.ID:
				return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "you already asked; the answer is still open")
			}
		}
		fr := &mentorvault.FeedbackRequest{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, MentorID: o.a.user.ID, MenteeID: o.rel.Partner(o.a.user.ID),
			ProgrammeID: o.rel.ProgrammeID, RequestedAt: o.tx.Now()}
		if offer {
			fr.MentorID, fr.MenteeID, fr.Offered = o.rel.MentorID, o.a.user.ID, true
		}
		if err := o.tx.CreateFeedbackRequest(o.ctx, fr); err != nil {
			return event{}, err
		}
		out = fr
		if offer {
			return event{"feedback.request", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "feedback", id: fr.ID}, "offered"}, nil
		}
		if err := s.notify(o.ctx, o.tx, fr.MenteeID, mentorvault.NotifyFeedbackRequested, o.rel.ID, fr.ID,
			o.a.user.Name+" asks how their mentoring is working for you (a short form; only they read your answer).",
			"/relationships/"+o.rel.ID+"/feedback", "feedback.requested:"+fr.ID); err != nil {
			return event{}, err
		}
		return event{"feedback.request", target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "feedback", id: fr.ID}, ""}, nil
	})
	return out, err
}

// AnswerView is an answer to a feedback request, opened: the ratings, and
// the comment kept sealed as a Secret.
type AnswerView struct {
	RequestID string
	Ratings   map[string]int
	Text      mentorvault.Secret
	CreatedAt time.Time
	Damaged   bool // the answer did not open: changed outside mentorvault; Ratings and Text are empty
}

// FeedbackView is what the caller sees of feedback in a relationship: the
// requests they must answer, the answers to their own requests, and the
// answers they gave.
type FeedbackView struct {
	ToAnswer []*mentorvault.FeedbackRequest
	Asked    []*mentorvault.FeedbackRequest
	Given    []*mentorvault.FeedbackRequest // answered by the caller, oldest first
	// Answers is by request ID: for the caller's own requests and for the
	// ones they answered, never for anyone else's.
	Answers map[string]*AnswerView
	// Allowed is, by request ID, what Cedar lets the caller do to each
	// request to answer (feedback.answer on the Feedback resource).
	Allowed map[string]policy.Allowed
	// K is the programme's k threshold: its figures count an answer only
	// once at least K distinct people stand behind it; 0 when informal
	// (no programme figures).
	K int
}

// Feedback returns the caller's feedback requests and answers. An answer is
// read by its asker and, back, by its answerer. Returns EUNAUTHENTICATED,
// ENOTFOUND or EFORBIDDEN.
func (s *Service) Feedback(ctx context.Context, p mentorvault.Principal, relID string) (*FeedbackView, error) {
	var out *FeedbackView
	err := s.relOp(ctx, p, policy.ListFeedback, relID, partyRefusal, func(o *op) (event, error) {
		reqs, err := o.tx.FindFeedbackRequests(o.ctx, o.rel.ID)
		if err != nil {
			return event{}, err
		}
		resps, err := o.tx.FindFeedbackResponses(o.ctx, o.rel.ID)
		if err != nil {
			return event{}, err
		}
		byReq := map[string]*mentorvault.FeedbackResponse{}
		for _, r := range resps {
			byReq[r.RequestID] = r
		}
		out = &FeedbackView{Answers: map[string]*AnswerView{}, Allowed: map[string]policy.Allowed{}}
		if o.rel.ProgrammeID != "" {
			st, err := o.tx.FindProgrammeSettings(o.ctx, o.rel.ProgrammeID)
			if err != nil {
				return event{}, err
			}
			out.K = st.KThreshold
		}
		var key []byte
		for _, fr := range reqs {
			switch o.a.user.ID {
			case fr.MenteeID:
				if fr.AnsweredAt == nil {
					out.ToAnswer = append(out.ToAnswer, fr)
					out.Allowed[fr.ID] = s.allowed(o.ctx, o.a, feedbackResource(o.rel, fr), policy.AnswerFeedback)
					continue
				}
				out.Given = append(out.Given, fr)
			case fr.MentorID:
				out.Asked = append(out.Asked, fr)
			default:
				continue
			}
			// The asker reads the answer; the answerer reads back their own.
			resp := byReq[fr.ID]
			if resp == nil {
				continue
			}
			if err := s.authorize(o.ctx, o.tx, o.a, policy.ReadFeedback, feedbackResource(o.rel, fr), target{orgID: o.rel.OrgID, relID: o.rel.ID, typ: "feedback", id: fr.ID}, always); err != nil {
				return event{}, err
			}
			if key == nil {
				if key, err = o.key(); err != nil {
					return event{}, err
				}
			}
			if err := s.openFeedback(o.ctx, key, resp, fr); isDamaged(err) {
				out.Answers[fr.ID] = &AnswerView{RequestID: resp.RequestID, CreatedAt: resp.CreatedAt, Damaged: true} // the rest are served
				continue
			} else if err != nil {
				return event{}, err
			}
			out.Answers[fr.ID] = &AnswerView{RequestID: resp.RequestID, Ratings: resp.Answer.Ratings,
				Text: mentorvault.NewSecret(resp.Answer.Text), CreatedAt: resp.CreatedAt}
		}
		return event{"feedback.list", relTarget(o.rel), fmt.Sprintf("answers=%d", len(out.Answers))}, nil
	})
	return out, err
}

// openFeedback opens r, the answer to fr; an answer that does not open is damaged.
func (s *Service) openFeedback(ctx context.Context, key []byte, r *mentorvault.FeedbackResponse, fr *mentorvault.FeedbackRequest) error {
	sec, err := s.keys.Open(key, feedbackAD(r, fr), r.Sealed)
	if err != nil {
		return s.damaged(ctx, "feedback answer", r.RequestID, err)
	}
	return json.Unmarshal([]byte(sec.Reveal()), &r.Answer)
}

// AnswerFeedback records the asked party's answer, sealed. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT (answered).
func (s *Service) AnswerFeedback(ctx context.Context, p mentorvault.Principal, relID, requestID string, ans mentorvault.FeedbackAnswer) error {
	if err := ans.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.resolve(ctx, tx, p, policy.AnswerFeedback)
		if err != nil {
			return err
		}
		rel, err := loadRel(ctx, tx, relID)
		if err != nil {
			return err
		}
		fr, err := tx.FindFeedbackRequestByID(ctx, requestID)
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && fr.RelationshipID != rel.ID) || !mentorvault.ValidID(requestID) {
			return mentorvault.Errorf(mentorvault.ENOTFOUND, "feedback request not found")
		} else if err != nil {
			return err
		}
		t := target{orgID: rel.OrgID, relID: rel.ID, typ: "feedback", id: fr.ID}
		if err := s.authorize(ctx, tx, a, policy.AnswerFeedback, feedbackResource(rel, fr), t, s.unless(ctx, a, policy.ViewRelationship, relResource(rel))); err != nil {
			return err
		}
		key, err := s.dataKey(ctx, tx, rel.ID)
		if err != nil {
			return err
		}
		b, err := json.Marshal(ans)
		if err != nil {
			return err
		}
		r := &mentorvault.FeedbackResponse{RequestID: fr.ID, RelationshipID: rel.ID, ProgrammeID: fr.ProgrammeID, CreatedAt: tx.Now()}
		if err := s.sealFeedback(key, r, fr, b); err != nil {
			return err
		}
		if err := tx.CreateFeedbackResponse(ctx, r); err != nil {
			if mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
				return mentorvault.Errorf(mentorvault.ECONFLICT, "this request is already answered")
			}
			return err
		}
		return s.record(ctx, tx, a, "feedback.answer", t, withSeal("", sealedField{feedbackAD(r, fr), r.Sealed}))
	})
}

// FeedbackAggregates returns a programme's anonymous feedback figures, each
// withheld unless at least the programme's k distinct people stand behind it.
// Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) FeedbackAggregates(ctx context.Context, p mentorvault.Principal, programmeID string) ([]mentorvault.Aggregate, int, error) {
	var (
		out    []mentorvault.Aggregate
		k      int
		fresh  *feedbackEntry // ratings opened by this call, cached once committed
		progID string
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		fresh = nil // inTx may run this again
		a, prog, err := s.programmeCall(ctx, tx, p, policy.ViewFeedbackAggregates, programmeID)
		if err != nil {
			return err
		}
		out, k, fresh, err = s.feedbackAggregatesIn(ctx, tx, a, prog)
		progID = prog.ID
		return err
	})
	// Only what a committed transaction read is cached: a batch that failed
	// to commit may have shown this call a response that never was.
	if err == nil && fresh != nil {
		s.feedback.put(progID, fresh.count, fresh.answers)
	}
	return out, k, err
}

// programmeRatings opens every response of a programme and returns their

// feedbackAggregatesIn is FeedbackAggregates inside a transaction of the
// caller's, once feedback.aggregate is decided: the figures, the k
// threshold, and the ratings this call opened (nil when the cache had
// them), for the caller to cache once the transaction committed.
func (s *Service) feedbackAggregatesIn(ctx context.Context, tx mentorvault.Tx, a actor, prog *mentorvault.Programme) ([]mentorvault.Aggregate, int, *feedbackEntry, error) {
	k, _, err := kFor(ctx, tx, prog)
	if err != nil {
		return nil, 0, nil, err
	}
	answers, fresh, err := s.cachedRatings(ctx, tx, prog.ID)
	if err != nil {
		return nil, 0, nil, err
	}
	releases, err := tx.FindDashboardReleases(ctx, []string{prog.ID})
	if err != nil {
		return nil, 0, nil, err
	}
	r := &releaser{prog: prog.ID, k: k, now: tx.Now(), prev: releases[prog.ID]}
	out := releaseFeedback(r, answers)
	if err := r.store(ctx, tx); err != nil {
		return nil, 0, nil, err
	}
	return out, k, fresh, s.record(ctx, tx, a, "feedback.aggregate", progTarget(prog), fmt.Sprintf("responses=%d; k=%d", len(answers), k))
}

// ratings (never their text), skipping erased and damaged ones.
func (s *Service) programmeRatings(ctx context.Context, tx mentorvault.Tx, programmeID string) ([]mentorvault.FeedbackAnswer, error) {
	resps, err := tx.FindProgrammeFeedback(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	keys := map[string][]byte{}
	reqs := map[string]map[string]*mentorvault.FeedbackRequest{}
	var answers []mentorvault.FeedbackAnswer
	for _, r := range resps {
		key, ok := keys[r.RelationshipID]
		if !ok {
			key, err = s.dataKey(ctx, tx, r.RelationshipID)
			if errors.Is(err, errErased) {
				keys[r.RelationshipID] = nil
				continue // shredded: its answers are gone
			}
			if err != nil {
				return nil, err
			}
			keys[r.RelationshipID] = key
		}
		if key == nil {
			continue
		}
		byID, ok := reqs[r.RelationshipID]
		if !ok {
			if byID, err = feedbackRequests(ctx, tx, r.RelationshipID); err != nil {
				return nil, err
			}
			reqs[r.RelationshipID] = byID
		}
		fr := byID[r.RequestID]
		if fr == nil {
			fr = &mentorvault.FeedbackRequest{}
		}
		if err := s.openFeedback(ctx, key, r, fr); isDamaged(err) {
			continue // logged as damaged; not counted
		} else if err != nil {
			return nil, err
		}
		answers = append(answers, mentorvault.FeedbackAnswer{Ratings: r.Answer.Ratings, RespondentID: fr.MenteeID, MentorID: fr.MentorID})
	}
	return answers, nil
}

// feedbackCache holds, per programme, the ratings of its openable feedback
// responses and the FeedbackCount they were read at. An entry is valid only
// while the programme's count, read in the caller's transaction, is the
// same: responses are only ever added and erasure is final, so any change
// to the set moves the count (a new response raises Total, an erased
// relationship lowers Live). It is checked against the database on every
// view, so several instances over one database stay right. It holds ratings
// only, never the answers' text, and the k threshold is applied on every
// view, after it. A response damaged in the database after its ratings were
// cached keeps counting until the count next changes (the damage is still
// caught by VerifySealed and by every other read of it).
type feedbackCache struct {
	mu sync.Mutex
	m  map[string]feedbackEntry
}

type feedbackEntry struct {
	count   mentorvault.FeedbackCount
	answers []mentorvault.FeedbackAnswer
}

func (c *feedbackCache) get(programmeID string, count mentorvault.FeedbackCount) ([]mentorvault.FeedbackAnswer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[programmeID]
	if !ok || e.count != count {
		return nil, false
	}
	return e.answers, true
}

func (c *feedbackCache) put(programmeID string, count mentorvault.FeedbackCount, answers []mentorvault.FeedbackAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]feedbackEntry{}
	}
	c.m[programmeID] = feedbackEntry{count: count, answers: answers}
}

// cachedRatings returns a programme's ratings (programmeRatings), opened
// once per change of its responses, not on every view: the count, read in
// this transaction, says whether the cached ones are still the set. fresh
// is what this call opened (nil when the cache had it), for the caller to
// cache once its transaction committed.
func (s *Service) cachedRatings(ctx context.Context, tx mentorvault.Tx, programmeID string) ([]mentorvault.FeedbackAnswer, *feedbackEntry, error) {
	count, err := tx.CountProgrammeFeedback(ctx, programmeID)
	if err != nil {
		return nil, nil, err
	}
	if answers, ok := s.feedback.get(programmeID, count); ok {
		return answers, nil, nil
	}
	answers, err := s.programmeRatings(ctx, tx, programmeID)
	if err != nil {
		return nil, nil, err
	}
	return answers, &feedbackEntry{count: count, answers: answers}, nil
}

// releaseFeedback is the feedback figures of answers under the k rule
// (AggregateFeedback: k people answering, k mentors answered about),
// released in steps through r: a mean moves only when at least k people's
// answers changed since it was last released. A figure shown is the last
// release, with the number of people behind it then.
func releaseFeedback(r *releaser, answers []mentorvault.FeedbackAnswer) []mentorvault.Aggregate {
	out := mentorvault.AggregateFeedback(answers, r.k)
	for i, a := range out {
		value := ""
		if !a.Withheld {
			value = fmt.Sprintf("%s;%d;%d", strconv.FormatFloat(a.Mean, 'f', -1, 64), a.People, a.Responses)
		}
		shown, asOf, withheld, why := r.show("feedback."+a.Key, value, mentorvault.FeedbackContributions(answers, a.Key), a.Why)
		out[i].Withheld, out[i].Why, out[i].AsOf, out[i].Mean, out[i].People, out[i].Responses = withheld, why, asOf, 0, 0, 0
		if withheld {
			continue
		}
		f := strings.Split(shown, ";")
		if len(f) != 3 {
			continue // a release stored before answers were counted: shown again only once released anew
		}
		out[i].Mean, _ = strconv.ParseFloat(f[0], 64)
		out[i].People, _ = strconv.Atoi(f[1])
		out[i].Responses, _ = strconv.Atoi(f[2])
	}
	return out
}
