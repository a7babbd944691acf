package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// Input requests: a third party (a requester) asks a party of a
// relationship for input about the other; the pair see that it exists, the
// asked party declines or drafts a statement, the requester sees only what
// is released.

// requestAD binds an input request's sealed field to who asked, whom and
// about whom: those decide who reads the request and to whom its answer
// goes.
func requestAD(r *mentorvault.InputRequest, field string) seal.AD {
	return seal.AD{RelationshipID: r.RelationshipID, Record: "input_request", RecordID: r.ID, Field: field, Version: r.SealVersion,
		Bind: []seal.Binding{{Name: "requester", Value: r.RequesterID}, {Name: "asked", Value: r.AskedID}, {Name: "subject", Value: r.SubjectID}}}
}

func questionAD(r *mentorvault.InputRequest) seal.AD { return requestAD(r, "question") }

// sealRequest seals r's question, purpose and decline reply (none while
// empty) at its next seal version.
func (s *Service) sealRequest(key []byte, r *mentorvault.InputRequest) (err error) {
	r.SealVersion++
	if r.QuestionSealed, err = s.keys.Seal(key, questionAD(r), r.Question); err != nil {
		return err
	}
	if r.PurposeSealed, err = s.keys.Seal(key, requestAD(r, "purpose"), mentorvault.NewSecret(r.Purpose)); err != nil {
		return err
	}
	r.DeclineReplySealed = nil
	if r.DeclineReply != "" {
		r.DeclineReplySealed, err = s.keys.Seal(key, requestAD(r, "decline_reply"), mentorvault.NewSecret(r.DeclineReply))
	}
	return err
}

// requestSealed is what a write of r sealed, for its audit event.
func requestSealed(r *mentorvault.InputRequest) []sealedField {
	return []sealedField{{questionAD(r), r.QuestionSealed}, {requestAD(r, "purpose"), r.PurposeSealed}, {requestAD(r, "decline_reply"), r.DeclineReplySealed}}
}

// openRequest opens r's sealed fields; one that does not open is damaged.
// A row from before purposes were sealed keeps its plain purpose and reply
// until SealLeftovers.
func (s *Service) openRequest(ctx context.Context, key []byte, r *mentorvault.InputRequest) error {
	q, err := s.keys.Open(key, questionAD(r), r.QuestionSealed)
	if err != nil {
		return s.damaged(ctx, "input request", r.ID, err)
	}
	for _, f := range []struct {
		name   string
		sealed []byte
		to     *string
	}{{"purpose", r.PurposeSealed, &r.Purpose}, {"decline_reply", r.DeclineReplySealed, &r.DeclineReply}} {
		if f.sealed == nil {
			continue
		}
		v, err := s.keys.Open(key, requestAD(r, f.name), f.sealed)
		if err != nil {
			return s.damaged(ctx, "input request", r.ID, err)
		}
		*f.to = v.Reveal()
	}
	r.Question = q
	return nil
}

// eachRequest lists every input request of a relationship for VerifySealed.
func eachRequest(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	rs, err := tx.FindInputRequests(ctx, rel.ID, "", mentorvault.Page{})
	if err != nil {
		return err
	}
	for _, r := range rs {
		yield(sealedRecord{record: "input_request", id: r.ID, version: r.SealVersion, fields: requestSealed(r)})
	}
	return nil
}

func requestResource(rel *mentorvault.Relationship, r *mentorvault.InputRequest) policy.InputRequest {
	return policy.InputRequest{ID: r.ID, RequesterID: r.RequesterID, AskedID: r.AskedID, Relationship: relResource(rel)}
}

// answerable loads a request of the operation's relationship that the actor
// answers (decides input.answer: the party asked).
func (s *Service) answerable(o *op, requestID string) (*mentorvault.InputRequest, error) {
	r, err := loadRequest(o.ctx, o.tx, o.rel, requestID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(o.ctx, o.tx, o.a, policy.AnswerRequest, requestResource(o.rel, r), requestTarget(o.rel, r.ID), never); err != nil {
		return nil, err
	}
	// Opening checks its bindings: a request whose requester, asked party
	// or subject was changed outside mentorvault is answered to no one.
	key, err := o.key()
	if err != nil {
		return nil, err
	}
	return r, s.openRequest(o.ctx, key, r)
}

// InputRequestInput is a requester's request for input about one party.
type InputRequestInput struct {
	AskedID    string // the party asked (a user ID), or
	AskedEmail string // their email
	Purpose    string // e.g. "promotion to team lead"
	Question   string
	Deadline   time.Time
}

// RequestInput asks a party for input about the other. The caller must be
// a requester (HR, a promotion panel) or a line manager of a party. Both
// parties are told at once who asks and for what purpose. It returns the
// request as the requester sees it. Returns EUNAUTHENTICATED, ENOTFOUND,
// EFORBIDDEN or EINVALID.
func (s *Service) RequestInput(ctx context.Context, p mentorvault.Principal, relID string, in InputRequestInput) (*MyRequest, error) {
	if err := lines(p, "asked_id", in.AskedID, "asked_email", in.AskedEmail); err != nil {
		return nil, err
	}
	f := map[string]string{}
	if err := mentorvault.ValidateTime("deadline", in.Deadline); err != nil {
		f["deadline"] = mentorvault.ErrorFields(err)["deadline"]
	}
	if err := mentorvault.ValidatePurpose(in.Purpose); err != nil {
		f["purpose"] = mentorvault.ErrorFields(err)["purpose"]
	}
	if err := mentorvault.ValidateText("question", in.Question, 4<<10); err != nil {
		f["question"] = mentorvault.ErrorFields(err)["question"]
	}
	if in.Deadline.IsZero() {
		f["deadline"] = "is required (RFC 3339, e.g. 2026-12-15T17:00:00Z)"
	}
	if (in.AskedID == "") == (in.AskedEmail == "") {
		f["asked_id"] = "name the party asked: asked_id or asked_email, one of them"
	}
	if len(f) > 0 {
		return nil, mentorvault.Invalid("the request is not valid", f)
	}
	var out *MyRequest
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, res, err := s.inputRequestCall(ctx, tx, p, relID)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, tx, a, policy.RequestInput, res, relTarget(rel), s.unless(ctx, a, policy.ViewRelationship, relResource(rel))); err != nil {
			return err
		}
		asked := in.AskedID
		if in.AskedEmail != "" {
			if u, err := tx.FindUserByEmail(ctx, mentorvault.NormalizeEmail(in.AskedEmail)); err == nil {
				asked = u.ID
			}
		}
		if !rel.IsParty(asked) {
			return mentorvault.Invalid("the request is not valid", map[string]string{"asked_id": "must be one of the two people in the relationship"})
		}
		if !in.Deadline.After(tx.Now()) {
			return mentorvault.Invalid("the request is not valid", map[string]string{"deadline": "must be in the future"})
		}
		r := &mentorvault.InputRequest{ID: mentorvault.NewID(), RelationshipID: rel.ID, RequesterID: a.user.ID, AskedID: asked,
			SubjectID: rel.Partner(asked), Purpose: strings.TrimSpace(in.Purpose), Question: mentorvault.NewSecret(in.Question),
			Deadline: in.Deadline.UTC().Truncate(time.Second), Status: mentorvault.RequestOpen, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		key, err := s.dataKey(ctx, tx, rel.ID)
		if err != nil {
			return err
		}
		if err := s.sealRequest(key, r); err != nil {
			return err
		}
		if err := tx.CreateInputRequest(ctx, r); err != nil {
			return err
		}
		names, err := names(ctx, tx, r.AskedID, r.SubjectID)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, tx, r.AskedID, "input.requested", rel.ID, r.ID,
			fmt.Sprintf("%s asked you for input about %s. You may decline; nothing is shared without %s's consent.",
				a.user.Name, names[r.SubjectID], names[r.SubjectID]), thirdPartyLink(rel.ID), "input.requested:"+r.ID); err != nil {
			return err
		}
		if err := s.notify(ctx, tx, r.SubjectID, "input.requested", rel.ID, r.ID,
			fmt.Sprintf("%s asked %s for input about you. You will see any statement before it is released.",
				a.user.Name, names[r.AskedID]), thirdPartyLink(rel.ID), "input.requested:"+r.ID); err != nil {
			return err
		}
		out = &MyRequest{ID: r.ID, Purpose: r.Purpose, Question: r.Question, Status: r.Status, Deadline: r.Deadline, CreatedAt: r.CreatedAt,
			RelationshipID: rel.ID}
		if out.Asked, err = person(ctx, tx, r.AskedID); err != nil {
			return err
		}
		if out.Subject, err = person(ctx, tx, r.SubjectID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "input.request", requestTarget(rel, r.ID), withSeal("", requestSealed(r)...))
	})
	return out, err
}

// inputRequestResource is rel as input.request sees it: with the parties' line managers.
func inputRequestResource(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship) (policy.Relationship, error) {
	res := relResource(rel)
	for _, id := range []string{rel.MentorID, rel.MenteeID} {
		u, err := tx.FindUserByID(ctx, id)
		if err != nil {
			return res, err
		}
		if u.ManagerID != "" {
			res.Managers = append(res.Managers, u.ManagerID)
		}
	}
	return res, nil
}

// inputRequestCall resolves the actor and the relationship with what
// input.request decides on (the parties' line managers).
func (s *Service) inputRequestCall(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, relID string) (actor, *mentorvault.Relationship, policy.Relationship, error) {
	a, err := s.resolve(ctx, tx, p, policy.RequestInput)
	if err != nil {
		return a, nil, policy.Relationship{}, err
	}
	rel, err := loadRel(ctx, tx, relID)
	if err != nil {
		return a, nil, policy.Relationship{}, err
	}
	res, err := inputRequestResource(ctx, tx, rel)
	return a, rel, res, err
}

// MayRequestInput tells the web page whether to offer the caller the form
// to ask for input about relID: a hint asked of the same policy, not a
// decision (RequestInput decides and audits). It is false on any error.
func (s *Service) MayRequestInput(ctx context.Context, p mentorvault.Principal, relID string) bool {
	return !p.Anonymous() && s.AskInput(ctx, p, relID) == nil // anonymous: no refusal to audit
}

// AskInput decides, for the page that offers the form, whether the caller
// may ask for input about relID: Cedar's input.request, asked without
// auditing (RequestInput decides and audits the request itself). A party
// is told that the pair do not ask each other. Returns EUNAUTHENTICATED,
// ENOTFOUND or EFORBIDDEN.
func (s *Service) AskInput(ctx context.Context, p mentorvault.Principal, relID string) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, res, err := s.inputRequestCall(ctx, tx, p, relID)
		if err != nil {
			return err
		}
		switch {
		case s.may(ctx, a, policy.RequestInput, res):
			return nil
		case rel.IsParty(a.user.ID):
			return mentorvault.Errorf(mentorvault.EFORBIDDEN, "the two of you do not ask each other for input: a requester or a line manager does")
		case !s.may(ctx, a, policy.ViewRelationship, relResource(rel)):
			return mentorvault.Errorf(mentorvault.ENOTFOUND, "relationship not found")
		}
		return mentorvault.Errorf(mentorvault.EFORBIDDEN, "you do not have access to this relationship")
	})
}

// RequestView is an input request with its people named, as the pair see it.
type RequestView struct {
	*mentorvault.InputRequest
	Requester, Asked, Subject Person
	StatementID               string // the statement answering it, if one was drafted
	// Answer is that statement, still sealed (its state, for a label), on
	// whichever page of statements it is; nil with no StatementID.
	Answer *mentorvault.Statement
	// Allowed holds what Cedar lets the viewer do to the request
	// (input.answer); ThirdParties sets it.
	Allowed policy.Allowed
	// busy is true while a statement answering it is in progress
	// (Statement.InProgress), which openDrafts refuses too.
	busy bool
}

// CanAnswer reports whether the viewer may decline the request or draft
// its answer: Cedar allows input.answer, the request is open and no
// statement answering it is in progress.
func (v *RequestView) CanAnswer() bool {
	return v.Allowed.Has(policy.AnswerRequest) && v.Open() && !v.busy
}

// requestView opens r for the pair's list: a damaged request is flagged and
// served without its sealed fields.
func (s *Service) requestView(ctx context.Context, tx mentorvault.Tx, key []byte, r *mentorvault.InputRequest) (*RequestView, error) {
	err := s.openRequest(ctx, key, r)
	switch {
	case isDamaged(err):
		r.Damaged = true
	case err != nil:
		return nil, err
	}
	v := &RequestView{InputRequest: r}
	if v.Requester, err = person(ctx, tx, r.RequesterID); err != nil {
		return nil, err
	}
	if v.Asked, err = person(ctx, tx, r.AskedID); err != nil {
		return nil, err
	}
	if v.Subject, err = person(ctx, tx, r.SubjectID); err != nil {
		return nil, err
	}
	return v, nil
}

func loadRequest(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, id string) (*mentorvault.InputRequest, error) {
	return loadIn(ctx, rel, id, "input request", tx.FindInputRequestByID, func(r *mentorvault.InputRequest) string { return r.RelationshipID })
}

// DeclineRequest declines an open request with reply, or with the neutral
// standard reply when reply is empty (declining must not read as a
// negative signal). Only the party asked answers. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) DeclineRequest(ctx context.Context, p mentorvault.Principal, relID, requestID, reply string) (*mentorvault.InputRequest, error) {
	if reply != "" {
		if err := mentorvault.ValidateText("reply", reply, 2<<10); err != nil {
			return nil, err
		}
	}
	var out *mentorvault.InputRequest
	err := s.relOp(ctx, p, policy.ReadThirdParty, relID, partyRefusal, func(o *op) (event, error) {
		r, err := s.answerable(o, requestID)
		if err != nil {
			return event{}, err
		}
		if err := s.openDrafts(o.ctx, o.tx, r); err != nil {
			return event{}, err
		}
		if err := r.Decline(reply, o.tx.Now()); err != nil {
			return event{}, err
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		if err := s.sealRequest(key, r); err != nil {
			return event{}, err
		}
		if err := o.tx.UpdateInputRequest(o.ctx, r); err != nil {
			return event{}, err
		}
		if err := s.notify(o.ctx, o.tx, r.RequesterID, "input.declined", "", r.ID,
			fmt.Sprintf("%s replied to your request.", o.a.user.Name), "/requests", "input.declined:"+r.ID); err != nil {
			return event{}, err
		}
		if err := s.notify(o.ctx, o.tx, r.SubjectID, "input.declined", o.rel.ID, r.ID,
			fmt.Sprintf("%s declined the request for input about you.", o.a.user.Name), thirdPartyLink(o.rel.ID), "input.declined:"+r.ID); err != nil {
			return event{}, err
		}
		out = r
		return event{"input.decline", requestTarget(o.rel, r.ID), withSeal("", requestSealed(r)...)}, nil
	})
	return out, err
}

// openDrafts refuses to decline a request that has a statement in progress.
func (s *Service) openDrafts(ctx context.Context, tx mentorvault.Tx, r *mentorvault.InputRequest) error {
	sts, err := tx.FindStatements(ctx, r.RelationshipID, mentorvault.Page{})
	if err != nil {
		return err
	}
	for _, st := range sts {
		if st.RequestID == r.ID && st.InProgress() {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "a statement for this request is %s", strings.ReplaceAll(string(st.State), "_", " "))
		}
	}
	return nil
}

// MyRequest is a request as its requester sees it: who was asked about
// whom, for what, and what became of it — never a draft or a comment.
type MyRequest struct {
	ID, Purpose, DeclineReply string
	Question                  mentorvault.Secret // zero once its relationship's content was erased, or when damaged (so are Purpose and DeclineReply)
	Damaged                   bool               // its sealed fields were changed outside mentorvault and do not open
	Status                    mentorvault.RequestStatus
	Deadline, CreatedAt       time.Time
	RelationshipID            string
	Asked, Subject            Person
	StatementID               string // the released statement, if any
}

// MyRequestList is a page of the requests the caller made.
type MyRequestList struct {
	Requests []*MyRequest
	More     bool // there are more after this page
}

// MyRequests lists a page of the requests the caller made, newest first.
// Returns EUNAUTHENTICATED or EINVALID (a negative limit or offset).
func (s *Service) MyRequests(ctx context.Context, p mentorvault.Principal, f PageFilter) (*MyRequestList, error) {
	pg, err := f.page()
	if err != nil {
		return nil, err
	}
	var out []*MyRequest
	var more bool
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		out, more, err = s.myRequestsIn(ctx, tx, a, pg)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &MyRequestList{Requests: out, More: more}, nil
}

// myRequestsIn is MyRequests in the caller's transaction, for an actor
// whose account was decided: each request is decided (input.read) and its
// read audited on its relationship.
func (s *Service) myRequestsIn(ctx context.Context, tx mentorvault.Tx, a actor, pg mentorvault.Page) ([]*MyRequest, bool, error) {
	var out []*MyRequest
	reqs, err := tx.FindInputRequests(ctx, "", a.user.ID, pg)
	if err != nil {
		return nil, false, err
	}
	reqs, more := cut(reqs, pg)
	// The statements released to the caller for this page's requests
	// (newest first: the first one found per request is kept).
	reqIDs := make([]string, len(reqs))
	for i, r := range reqs {
		reqIDs[i] = r.ID
	}
	released := map[string]string{}
	if sts, err := tx.FindStatementsForRequests(ctx, reqIDs); err != nil {
		return nil, false, err
	} else {
		for _, st := range sts {
			if st.State == mentorvault.StatementReleased && st.RecipientUserID == a.user.ID && released[st.RequestID] == "" {
				released[st.RequestID] = st.ID
			}
		}
	}
	// The requests' relationships, keys and people in one query each.
	var relIDs, userIDs []string
	for _, r := range reqs {
		relIDs, userIDs = append(relIDs, r.RelationshipID), append(userIDs, r.AskedID, r.SubjectID)
	}
	l, err := s.loadForList(ctx, tx, relIDs, userIDs)
	if err != nil {
		return nil, false, err
	}
	for _, r := range reqs {
		rel := l.rels[r.RelationshipID]
		if err := s.authorize(ctx, tx, a, policy.ReadInputRequest, requestResource(rel, r), requestTarget(rel, r.ID), always); err != nil {
			return nil, false, err
		}
		m := &MyRequest{ID: r.ID, Status: r.Status, Deadline: r.Deadline,
			CreatedAt: r.CreatedAt, RelationshipID: r.RelationshipID, StatementID: released[r.ID]}
		key, err := l.key(ctx, tx, rel.ID)
		if err != nil && !errors.Is(err, errErased) {
			return nil, false, err
		}
		if err == nil { // a shredded request keeps its existence, not its question
			switch err := s.openRequest(ctx, key, r); {
			case isDamaged(err):
				m.Damaged = true // shown as damaged; the rest of the list is served
			case err != nil:
				return nil, false, err
			default:
				m.Question, m.Purpose, m.DeclineReply = r.Question, r.Purpose, r.DeclineReply
			}
		}
		if m.Asked, err = l.person(r.AskedID); err != nil {
			return nil, false, err
		}
		if m.Subject, err = l.person(r.SubjectID); err != nil {
			return nil, false, err
		}
		out = append(out, m)
		// One event per request, on its relationship: each pair sees
		// the read in their own access log.
		if err := s.record(ctx, tx, a, "input.read", requestTarget(rel, r.ID), ""); err != nil {
			return nil, false, err
		}
	}
	return out, more, nil
}
