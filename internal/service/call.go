package service

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// This file holds the shape every service call shares: the transaction, the
// actor, the one authorisation decision, the audit event, and the shared
// loads and lookups.

// denied wraps the error returned for a refused request. Its audit event is
// already appended; inTx commits the transaction so the denial is recorded.
type denied struct{ err *mentorvault.Error }

// inTx runs fn in a transaction and commits it when fn succeeds or when fn
// was denied (to keep the denial's audit event).
//
// A transaction the database aborted because it lost a race with another
// (mentorvault.ErrLostRace: a deadlock, a serialisation failure) is run
// again from the start, up to txAttempts times in all, after a short
// jittered pause. So fn must be re-runnable: everything it does goes through
// tx (and so rolled back with it), and what it hands out through captured
// variables it sets afresh on every run (a list starts empty). Once the
// attempts are spent the caller is told to try again (ECONFLICT).
func (s *Service) inTx(ctx context.Context, fn func(tx mentorvault.Tx) error) error {
	claim := mentorvault.PrincipalFrom(ctx).Token
	run := fn
	if claim != nil {
		run = func(tx mentorvault.Tx) error {
			err := fn(tx)
			if claim.PendingUse() && (err == nil || keepDenied(err)) {
				if terr := tx.TouchAPIToken(ctx, claim.TokenID, tx.Now()); terr != nil {
					return terr
				}
			}
			return err
		}
	}
	for attempt := 1; ; attempt++ {
		err := s.tryTx(ctx, run)
		if claim != nil {
			// A token checked in fn was audited only if fn's work was kept.
			claim.Settle(err == nil || keepDenied(err))
		}
		if !errors.Is(err, mentorvault.ErrLostRace) {
			return err
		}
		if attempt == txAttempts {
			s.log.WarnContext(ctx, "transaction lost a race on every attempt", "attempts", attempt, "err", err)
			return &mentorvault.Error{Code: mentorvault.ECONFLICT, Message: "someone else was changing this at the same moment; try again", Err: err}
		}
		s.log.InfoContext(ctx, "transaction lost a race; running it again", "attempt", attempt, "err", err)
		pause := time.Duration(rand.Int64N(int64(txRetryPause << attempt)))
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		}
	}
}

// txAttempts is how many times inTx runs a transaction that keeps losing a
// race; txRetryPause is the scale of the random pause between runs (up to
// 2, 4, 8 … times it), so that two that deadlocked do not meet again.
const (
	txAttempts   = 5
	txRetryPause = 5 * time.Millisecond
)

// updater is a store that runs a transaction for the caller and may share
// it with concurrent callers (sqlstore's group commit): fn runs in a
// savepoint of its own, its work is kept when it succeeds or keep says so,
// and Update returns only once that work is committed.
type updater interface {
	Update(ctx context.Context, fn func(mentorvault.Tx) error, keep func(error) bool) error
}

// tryTx is one run of inTx's transaction. fn's work is committed when it
// succeeds or was denied (keepDenied), and undone otherwise.
func (s *Service) tryTx(ctx context.Context, fn func(tx mentorvault.Tx) error) error {
	if u, ok := s.store.(updater); ok {
		return u.Update(ctx, fn, keepDenied)
	}
	tx, err := s.store.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	err = fn(tx)
	if err != nil && !keepDenied(err) {
		return err
	}
	if cerr := tx.Commit(); cerr != nil {
		return cerr
	}
	return err
}

// keepDenied reports whether err is a denial, whose audit event is kept.
func keepDenied(err error) bool {
	var d denied
	return errors.As(err, &d)
}

// actor is the principal resolved against the store.
type actor struct {
	p    mentorvault.Principal
	user *mentorvault.User // nil when anonymous
	subj policy.Subject
}

// resolve loads the principal's user and roles. An anonymous principal, or
// one whose account is gone or disabled, is refused and the refusal audited.
func (s *Service) resolve(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action) (actor, error) {
	if p.UserID == "" && p.Token != nil {
		// An API request's token is checked, and its use audited, here in
		// the request's own transaction.
		vp, err := s.checkToken(ctx, tx, p)
		if err != nil {
			return actor{p: p}, err
		}
		p = vp
	}
	a := actor{p: p}
	if !p.Anonymous() {
		u, err := tx.FindUserByID(ctx, p.UserID)
		if err != nil && mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			return a, err
		}
		if err == nil && u.DisabledAt == nil {
			roles, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{UserID: u.ID})
			if err != nil {
				return a, err
			}
			a.user = u
			a.subj = policy.Subject{UserID: u.ID, OrgID: u.OrgID, OrgAdmin: u.OrgAdmin, Requester: u.Requester}
			for _, r := range roles {
				switch r.Role {
				case mentorvault.RoleCoordinator:
					a.subj.Coordinates = append(a.subj.Coordinates, r.ProgrammeID)
				case mentorvault.RoleSupervisor:
					a.subj.Supervises = append(a.subj.Supervises, r.ProgrammeID)
				}
			}
			return a, nil
		}
	}
	if err := s.appendEvent(ctx, tx, a, string(act), mentorvault.OutcomeDenied, target{}, "not signed in"); err != nil {
		return a, err
	}
	return a, denied{mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")}
}

// target names the record an action is about, for the audit log.
type target struct {
	orgID, relID, typ, id string
}

func relTarget(r *mentorvault.Relationship) target {
	return target{orgID: r.OrgID, relID: r.ID, typ: "relationship", id: r.ID}
}

func noteTarget(r *mentorvault.Relationship, noteID string) target {
	return target{orgID: r.OrgID, relID: r.ID, typ: "note", id: noteID}
}

// decide is the one way the service asks Cedar. An evaluation error is a
// bug in a policy or a resource: it is logged, and the action denied.
func (s *Service) decide(ctx context.Context, a actor, act policy.Action, res policy.Resource) policy.Decision {
	d, err := s.authz.Authorize(a.subj, act, res)
	if err != nil {
		s.log.ErrorContext(ctx, "policy evaluation failed; denying", "action", string(act), "err", err)
		return policy.Decision{}
	}
	return d
}

// may reports whether the actor may take act on res, without auditing: for
// questions asked after a decision (what to hide) and for what a view offers.
func (s *Service) may(ctx context.Context, a actor, act policy.Action, res policy.Resource) bool {
	return s.decide(ctx, a, act, res).Allowed
}

// allowed decides each of acts on res for the actor, for a view to carry
// (policy.Allowed); evaluation errors are logged and deny.
func (s *Service) allowed(ctx context.Context, a actor, res policy.Resource, acts ...policy.Action) policy.Allowed {
	out, err := s.authz.Allow(a.subj, res, acts...)
	if err != nil {
		s.log.ErrorContext(ctx, "policy evaluation failed; denying", "err", err)
	}
	return out
}

// authorize is the one place access is decided. A denial is appended to the
// audit log and answered with not_found when the actor may not even know the
// resource exists (hidden reports that, and is asked only on denial),
// forbidden otherwise.
func (s *Service) authorize(ctx context.Context, tx mentorvault.Tx, a actor, act policy.Action, res policy.Resource, t target, hidden func() bool) error {
	d := s.decide(ctx, a, act, res)
	if d.Allowed {
		return nil
	}
	if aerr := s.appendEvent(ctx, tx, a, string(act), mentorvault.OutcomeDenied, t, ""); aerr != nil {
		return aerr
	}
	if hidden() {
		return denied{mentorvault.Errorf(mentorvault.ENOTFOUND, "%s not found", t.typ)}
	}
	return denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "you do not have access to this %s", t.typ)}
}

// always and never answer authorize's hidden question.
func always() bool { return true }
func never() bool  { return false }

// unless returns a hidden function that is true when the actor may not take
// the action see on the resource (a policy question asked only after a denial).
func (s *Service) unless(ctx context.Context, a actor, see policy.Action, res policy.Resource) func() bool {
	return func() bool { return !s.may(ctx, a, see, res) }
}

// authorizeRel decides an action on a relationship: not_found if the actor
// may not view the relationship at all, or is refused its content by the
// party-only wall (they may not learn what the pair's content holds);
// forbidden if they may see it exists but not do this.
func (s *Service) authorizeRel(ctx context.Context, tx mentorvault.Tx, a actor, act policy.Action, r *mentorvault.Relationship) error {
	res := relResource(r)
	hidden := always
	if act != policy.ViewRelationship {
		hidden = func() bool {
			return !s.may(ctx, a, policy.ViewRelationship, res) || policy.OutsideThePair(act, s.decide(ctx, a, act, res))
		}
	}
	return s.authorize(ctx, tx, a, act, res, relTarget(r), hidden)
}

func (s *Service) appendEvent(ctx context.Context, tx mentorvault.Tx, a actor, action, outcome string, t target, detail string) error {
	via := a.p.Via
	if via == "" {
		via = "anonymous"
	}
	if detail == "" {
		detail = "via=" + via
	} else {
		detail = "via=" + via + "; " + detail
	}
	orgID := t.orgID
	if orgID == "" && a.user != nil {
		orgID = a.user.OrgID
	}
	actorID := ""
	if a.user != nil {
		actorID = a.user.ID
	} else if a.p.UserID != "" {
		actorID = a.p.UserID
	}
	return audit.Append(ctx, tx, &mentorvault.AuditEvent{
		ActorID:        actorID,
		Action:         action,
		Outcome:        outcome,
		OrgID:          orgID,
		RelationshipID: t.relID,
		ResourceType:   t.typ,
		ResourceID:     t.id,
		Detail:         detail,
	})
}

// record appends the audit event of an allowed action.
func (s *Service) record(ctx context.Context, tx mentorvault.Tx, a actor, action string, t target, detail string) error {
	return s.appendEvent(ctx, tx, a, action, mentorvault.OutcomeOK, t, detail)
}

func relResource(r *mentorvault.Relationship) policy.Relationship {
	return policy.Relationship{ID: r.ID, OrgID: r.OrgID, ProgrammeID: r.ProgrammeID, MentorID: r.MentorID, MenteeID: r.MenteeID,
		Status: string(r.Status), Kind: string(r.Kind)}
}

// loadRel finds a relationship or answers not_found, and holds its lock for
// the rest of the transaction: every call that decides on a relationship
// loads it here, so two operations on one relationship (two signatures, a
// transition and a note) take turns on every instance and each decides on
// what the other committed. This is the one serialising mechanism.
func loadRel(ctx context.Context, tx mentorvault.Tx, id string) (*mentorvault.Relationship, error) {
	if !mentorvault.ValidID(id) {
		return nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "relationship not found")
	}
	return tx.LockRelationshipByID(ctx, id)
}

// lockRecord loads a record that is reached by its own ID (a three-way
// meeting, a consultation, a job's disclosure or statement) the way loadRel
// loads a relationship: it resolves the record's relationship, takes that
// relationship's lock, and only then reads the record again, so what the
// caller decides on is what the relationship's previous holder committed.
// One that does not exist or has a malformed ID is not found (what names it).
func lockRecord[T any](ctx context.Context, tx mentorvault.Tx, id, what string, find func(context.Context, string) (*T, error), relOf func(*T) string) (*T, *mentorvault.Relationship, error) {
	notFound := mentorvault.Errorf(mentorvault.ENOTFOUND, "%s not found", what)
	if !mentorvault.ValidID(id) {
		return nil, nil, notFound
	}
	v, err := find(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, err
	}
	rel, err := loadRel(ctx, tx, relOf(v))
	if err != nil {
		return nil, nil, err
	}
	// Read again under the lock: the first read only named the relationship
	// (which a record never changes).
	if v, err = find(ctx, id); mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil, nil, notFound
	}
	return v, rel, err
}

// errErased is the cause of the conflict dataKey returns for a relationship
// whose data key was destroyed (crypto-shredded at the end of retention).
// A call that lists records across relationships skips those, and only
// those (errors.Is(err, errErased)); any other failure is an error.
var errErased = errors.New("data key destroyed")

// dataKey returns the relationship's data key. A destroyed key is EGONE
// wrapping errErased, with the date the content was erased when the
// retention job erased it.
//
// The key opens only while its party binding does: a relationship whose
// organisation, programme, mentor or mentee was changed outside mentorvault
// (or whose binding was removed) is damaged, and none of its content opens.
func (s *Service) dataKey(ctx context.Context, tx mentorvault.Tx, relID string) ([]byte, error) {
	k, err := tx.FindBoundDataKey(ctx, relID)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil, erasedError(ctx, tx, relID)
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkParties(ctx, relID, k); err != nil {
		return nil, err
	}
	return k.Wrapped, nil
}

// erasedError is the answer to reading the content of a relationship whose
// data key is gone: 410, saying when it was erased where that is known.
func erasedError(ctx context.Context, tx mentorvault.Tx, relID string) error {
	msg := "This relationship's content has been erased."
	if rel, err := tx.FindRelationshipByID(ctx, relID); err == nil && rel.ErasedAt != nil {
		msg = "This relationship's content was erased on " + rel.ErasedAt.UTC().Format("2 January 2006") + ", at the end of its retention period."
	}
	return &mentorvault.Error{Code: mentorvault.EGONE, Message: msg, Err: errErased}
}

func meetingTarget(rel *mentorvault.Relationship, id string) target {
	return target{orgID: rel.OrgID, relID: rel.ID, typ: "meeting", id: id}
}

// refusal turns authorizeRel's denial into one that tells a party why they
// are refused. It is asked only on denial, and returns err unchanged for
// anyone the message would tell too much (a non-party).
type refusal func(a actor, rel *mentorvault.Relationship, err error) error

// partyRefusal is the common refusal: a party is told that the relationship
// is not (yet, or any more) in a state that allows the action.
func partyRefusal(a actor, rel *mentorvault.Relationship, err error) error {
	if !rel.IsParty(a.subj.UserID) {
		return err
	}
	switch rel.Status {
	case mentorvault.StatusAccepted, mentorvault.StatusAgreeing:
		return denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "this opens once you have both signed the confidentiality agreement")}
	default:
		return denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "this cannot be done while the relationship is %s", rel.Status)}
	}
}

// openRel resolves the actor, loads the relationship (a malformed or unknown
// ID is not_found) and decides act on it. A denial is audited by authorize
// and, when refuse is not nil, reworded by it for a party.
func (s *Service) openRel(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action, relID string, refuse refusal) (actor, *mentorvault.Relationship, error) {
	a, err := s.resolve(ctx, tx, p, act)
	if err != nil {
		return a, nil, err
	}
	rel, err := loadRel(ctx, tx, relID)
	if err != nil {
		return a, nil, err
	}
	if err := s.authorizeRel(ctx, tx, a, act, rel); err != nil {
		if refuse != nil {
			err = refuse(a, rel, err)
		}
		return a, nil, err
	}
	if rel.ErasedAt != nil && policy.IsContent(act) && act != policy.ReadAudit {
		// Erased: every content call answers 410, also one that would
		// have opened nothing (an empty list). The access log stays.
		return a, nil, erasedError(ctx, tx, rel.ID)
	}
	return a, rel, nil
}

// relCall is openRel with the common party refusal, for calls that need the
// actor and relationship inside a transaction of their own shape.
func (s *Service) relCall(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action, relID string) (actor, *mentorvault.Relationship, error) {
	return s.openRel(ctx, tx, p, act, relID, partyRefusal)
}

// op is one allowed operation on a relationship in progress: its
// transaction, actor and relationship, and the relationship's data key once
// the operation asks for it.
type op struct {
	s   *Service
	ctx context.Context
	tx  mentorvault.Tx
	a   actor
	rel *mentorvault.Relationship
	k   []byte
}

// key returns the relationship's data key, loading it on first use, so an
// operation that opens nothing never reads it. A destroyed key is the
// conflict dataKey returns.
func (o *op) key() ([]byte, error) {
	if o.k == nil {
		k, err := o.s.dataKey(o.ctx, o.tx, o.rel.ID)
		if err != nil {
			return nil, err
		}
		o.k = k
	}
	return o.k, nil
}

// event is the audit event an operation appends once its change is made.
type event struct {
	action string
	t      target
	detail string
}

// relOp runs the common call shape in one transaction: resolve the actor,
// load the relationship, authorise act on it (a denial is audited, committed
// and answered not_found to one who may not view the relationship, forbidden
// otherwise, reworded by refuse when it is not nil), run fn, and append fn's
// audit event last, so the audit head is touched as late as possible.
func (s *Service) relOp(ctx context.Context, p mentorvault.Principal, act policy.Action, relID string, refuse refusal, fn func(o *op) (event, error)) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.openRel(ctx, tx, p, act, relID, refuse)
		if err != nil {
			return err
		}
		ev, err := fn(&op{s: s, ctx: ctx, tx: tx, a: a, rel: rel})
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ev.action, ev.t, ev.detail)
	})
}

// inForce returns the agreement version in force, opened, or nil.
func (s *Service) inForce(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, key []byte) (*mentorvault.AgreementVersion, error) {
	vs, err := tx.FindAgreementVersions(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.State == mentorvault.AgreementInForce {
			return v, s.openVersion(key, v)
		}
	}
	return nil, nil
}

func agreementTarget(rel *mentorvault.Relationship, versionID string) target {
	return target{orgID: rel.OrgID, relID: rel.ID, typ: "agreement", id: versionID}
}

func concernTarget(rel *mentorvault.Relationship, id string) target {
	return target{orgID: rel.OrgID, relID: rel.ID, typ: "concern", id: id}
}

func requestTarget(rel *mentorvault.Relationship, id string) target {
	return target{orgID: rel.OrgID, relID: rel.ID, typ: "input request", id: id}
}

func statementTarget(rel *mentorvault.Relationship, id string) target {
	return target{orgID: rel.OrgID, relID: rel.ID, typ: "statement", id: id}
}

// loadIn loads a record of rel by id with find; one that does not exist,
// belongs to another relationship or has a malformed ID is not found.
func loadIn[T any](ctx context.Context, rel *mentorvault.Relationship, id, what string, find func(context.Context, string) (*T, error), relOf func(*T) string) (*T, error) {
	notFound := mentorvault.Errorf(mentorvault.ENOTFOUND, "%s not found", what)
	if !mentorvault.ValidID(id) {
		return nil, notFound
	}
	v, err := find(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && relOf(v) != rel.ID) {
		return nil, notFound
	}
	return v, err
}

// names maps user IDs to names, in one query (FindUsersByIDs). Returns
// ENOTFOUND if one of the IDs (other than "") is no user.
func names(ctx context.Context, tx mentorvault.Tx, ids ...string) (map[string]string, error) {
	users, err := tx.FindUsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(users))
	for _, u := range users {
		out[u.ID] = u.Name
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok && id != "" {
			return nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "user not found")
		}
	}
	return out, nil
}

func person(ctx context.Context, tx mentorvault.Tx, id string) (Person, error) {
	u, err := tx.FindUserByID(ctx, id)
	if err != nil {
		return Person{}, err
	}
	return Person{ID: u.ID, Name: u.Name, Email: u.Email}, nil
}

func personName(ctx context.Context, tx mentorvault.Tx, id string) string {
	u, err := tx.FindUserByID(ctx, id)
	if err != nil {
		return "someone"
	}
	return u.Name
}

func threeWayTarget(rel *mentorvault.Relationship, id string) target {
	return target{orgID: rel.OrgID, relID: rel.ID, typ: "three-way meeting", id: id}
}

// Consultation events are not tied to the relationship in the audit log:
// the other party must not learn from their access log that a consultation
// happened. They stay on the tamper-evident chain.
func consultationTarget(orgID, id string) target {
	return target{orgID: orgID, typ: "consultation", id: id}
}

func progTarget(p *mentorvault.Programme) target {
	return target{orgID: p.OrgID, typ: "programme", id: p.ID}
}
