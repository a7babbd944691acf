package service

import (
	"context"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/checker"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// Third parties (DESIGN.md §2.4, §5): a requester asks a party for input
// about the other; the asked party declines or drafts a statement; the
// checker explains what in it may not belong; the subject consents, or —
// where a signed clause pre-authorises it — sees it for the programme's
// notice window before it is released. The recipient reads only released
// statements; the pair see every step. Shared summaries take the same path
// without a request.

// statementAD binds a statement's sealed field to what decides who may read
// it: its kind and request, its author, subject and recipient (and what the
// recipient is to the pair, which the checker and clauses decide on), and
// its state — the recipient reads only a released statement.
func statementAD(st *mentorvault.Statement, field string) seal.AD {
	return seal.AD{RelationshipID: st.RelationshipID, Record: "statement", RecordID: st.ID, Field: field, Version: st.SealVersion,
		Bind: []seal.Binding{{Name: "kind", Value: st.Kind}, {Name: "request", Value: st.RequestID}, {Name: "author", Value: st.AuthorID},
			{Name: "subject", Value: st.SubjectID}, {Name: "recipient", Value: st.RecipientUserID},
			{Name: "recipient_kind", Value: string(st.RecipientKind)}, {Name: "state", Value: string(st.State)}}}
}

func statementBodyAD(st *mentorvault.Statement) seal.AD    { return statementAD(st, "body") }
func statementCommentAD(st *mentorvault.Statement) seal.AD { return statementAD(st, "comment") }

// sealStatement seals st's Body and Comment (none when empty) at its next
// seal version. Every write of a statement calls it, since its state is
// bound: the caller has opened the statement first.
func (s *Service) sealStatement(key []byte, st *mentorvault.Statement) (err error) {
	st.SealVersion++
	if st.PurposeSealed, err = s.keys.Seal(key, statementAD(st, "purpose"), mentorvault.NewSecret(st.Purpose)); err != nil {
		return err
	}
	if st.BodySealed, err = s.keys.Seal(key, statementBodyAD(st), st.Body); err != nil {
		return err
	}
	st.CommentSealed = nil
	if !st.Comment.IsZero() {
		st.CommentSealed, err = s.keys.Seal(key, statementCommentAD(st), st.Comment)
	}
	return err
}

// statementSealed is what a write of st sealed, for its audit event.
func statementSealed(st *mentorvault.Statement) []sealedField {
	return []sealedField{{statementAD(st, "purpose"), st.PurposeSealed}, {statementBodyAD(st), st.BodySealed}, {statementCommentAD(st), st.CommentSealed}}
}

// eachStatement lists every statement of a relationship for VerifySealed.
func eachStatement(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	sts, err := tx.FindStatements(ctx, rel.ID, mentorvault.Page{})
	if err != nil {
		return err
	}
	for _, st := range sts {
		yield(sealedRecord{record: "statement", id: st.ID, version: st.SealVersion, fields: statementSealed(st)})
	}
	return nil
}

func statementResource(rel *mentorvault.Relationship, st *mentorvault.Statement) policy.Statement {
	return policy.Statement{ID: st.ID, AuthorID: st.AuthorID, SubjectID: st.SubjectID, RecipientUserID: st.RecipientUserID,
		Released: st.ReleasedAt != nil, Relationship: relResource(rel)}
}

func thirdPartyLink(relID string) string { return "/relationships/" + relID + "/third-parties" }

func statementLink(relID, id string) string { return thirdPartyLink(relID) + "/statements/" + id }

// partyOf is the agreement's name for a party of rel.
func partyOf(rel *mentorvault.Relationship, userID string) mentorvault.Party {
	if userID == rel.MentorID {
		return mentorvault.PartyMentor
	}
	return mentorvault.PartyMentee
}

// StatementView is a statement as the pair see it: the body and the
// subject's comment opened, the checker's findings, the people named.
type StatementView struct {
	*mentorvault.Statement
	Author, Subject, Recipient Person
	Check                      Check
	// Allowed holds what Cedar lets the viewer do to the statement
	// (StatementActions); Statement sets it, and it is nil elsewhere.
	Allowed policy.Allowed
}

// Check is the statement checker's answer as a view carries it: what it
// noticed, the topics it found, whether a signed clause pre-authorises the
// statement.
type Check struct {
	Findings      []Finding // never nil
	Topics        []mentorvault.DisclosureWhat
	PreAuthorised bool
}

// Finding is one thing the checker noticed. Its sentence and the words it
// matched are quoted from the sealed text, so they stay Secrets.
type Finding struct {
	Kind                    string
	Sentence, Match         mentorvault.Secret
	Explanation, Suggestion string
}

func checkOf(r checker.Result) Check {
	out := Check{Findings: make([]Finding, 0, len(r.Findings)), Topics: r.Topics, PreAuthorised: r.PreAuthorised}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, Finding{Kind: f.Kind, Sentence: mentorvault.NewSecret(f.Sentence), Match: mentorvault.NewSecret(f.Match),
			Explanation: f.Explanation, Suggestion: f.Suggestion})
	}
	return out
}

// StatementActions are the actions a statement's page may offer its viewer.
var StatementActions = []policy.Action{policy.WriteStatement, policy.DecideStatement}

// CanEdit reports whether the viewer may change the text and show it to the
// subject: Cedar allows statement.write and the statement is still editable.
func (v *StatementView) CanEdit() bool {
	return v.Allowed.Has(policy.WriteStatement) && v.Editable()
}

// CanDecide reports whether the viewer may approve, ask for changes or
// refuse: Cedar allows statement.decide and there is a decision to make.
func (v *StatementView) CanDecide() bool {
	return v.Allowed.Has(policy.DecideStatement) && v.Decidable()
}

// CanWithdraw reports whether the viewer may withdraw it: Cedar allows
// statement.write and it is released.
func (v *StatementView) CanWithdraw() bool {
	return v.Allowed.Has(policy.WriteStatement) && v.Withdrawable()
}

// ThirdPartyView is everything third parties asked of a relationship and
// everything prepared for them, as the pair see it.
type ThirdPartyView struct {
	Requests   []*RequestView
	Statements []*StatementView
	ThreeWays  []*ThreeWayView
	Manager    *Person // the mentee's line manager, who can join a three-way meeting (nil if none)
	// More reports that at least one of the three lists goes on past this page.
	More bool
}

// PageFilter selects a page of a list: Offset skipped, then at most Limit
// (the list's default page when 0, at most MaxPage).
type PageFilter struct {
	Limit  int
	Offset int
}

// List page sizes for the third-party page and my requests.
const (
	DefaultPage = 50
	MaxPage     = 500
)

// page checks f and returns the store's page, one row longer than asked so
// the caller knows whether there is a next one. Returns EINVALID.
func (f PageFilter) page() (mentorvault.Page, error) {
	if f.Limit < 0 || f.Offset < 0 {
		return mentorvault.Page{}, mentorvault.Invalid("the page is not valid", map[string]string{"limit": "must not be negative", "offset": "must not be negative"})
	}
	limit := f.Limit
	if limit == 0 {
		limit = DefaultPage
	}
	return mentorvault.Page{Limit: min(limit, MaxPage) + 1, Offset: f.Offset}, nil
}

// cut drops the extra row page asked for, and reports whether there was one.
func cut[T any](rows []T, pg mentorvault.Page) ([]T, bool) {
	if len(rows) >= pg.Limit {
		return rows[:pg.Limit-1], true
	}
	return rows, false
}

// ThirdParties lists a page of a relationship's input requests, statements
// (drafts, findings, comments, release records) and three-way meetings: f
// pages each of the three lists alike. Returns EUNAUTHENTICATED, ENOTFOUND,
// EFORBIDDEN or EINVALID (a negative limit or offset).
func (s *Service) ThirdParties(ctx context.Context, p mentorvault.Principal, relID string, f PageFilter) (*ThirdPartyView, error) {
	pg, err := f.page()
	if err != nil {
		return nil, err
	}
	var out *ThirdPartyView
	err = s.relOp(ctx, p, policy.ReadThirdParty, relID, partyRefusal, func(o *op) (event, error) {
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		v := &ThirdPartyView{}
		reqs, err := o.tx.FindInputRequests(o.ctx, o.rel.ID, "", pg)
		if err != nil {
			return event{}, err
		}
		sts, err := o.tx.FindStatements(o.ctx, o.rel.ID, pg)
		if err != nil {
			return event{}, err
		}
		tws, err := o.tx.FindThreeWays(o.ctx, o.rel.ID, "", pg)
		if err != nil {
			return event{}, err
		}
		var more [3]bool
		reqs, more[0] = cut(reqs, pg)
		sts, more[1] = cut(sts, pg)
		tws, more[2] = cut(tws, pg)
		v.More = more[0] || more[1] || more[2]
		// What became of this page's requests, whichever page their
		// statements are on.
		reqIDs := make([]string, len(reqs))
		for i, r := range reqs {
			reqIDs[i] = r.ID
		}
		answers, err := o.tx.FindStatementsForRequests(o.ctx, reqIDs)
		if err != nil {
			return event{}, err
		}
		// Everyone the lists name, in one query, not a few per row.
		ids := []string{o.rel.MentorID, o.rel.MenteeID}
		for _, r := range reqs {
			ids = append(ids, r.RequesterID, r.AskedID, r.SubjectID)
		}
		for _, st := range sts {
			ids = append(ids, st.AuthorID, st.SubjectID, st.RecipientUserID)
		}
		for _, m := range tws {
			ids = append(ids, m.ManagerID)
		}
		tx, err := preloadUsers(o.ctx, o.tx, ids)
		if err != nil {
			return event{}, err
		}
		answered, busy := map[string]*mentorvault.Statement{}, map[string]bool{}
		for _, st := range answers {
			if st.RequestID != "" && answered[st.RequestID] == nil {
				answered[st.RequestID] = st // newest first: the latest statement
			}
			if st.RequestID != "" && st.InProgress() {
				busy[st.RequestID] = true
			}
		}
		for _, r := range reqs {
			rv, err := s.requestView(o.ctx, tx, key, r)
			if err != nil {
				return event{}, err
			}
			if st := answered[r.ID]; st != nil {
				rv.StatementID, rv.Answer = st.ID, st
			}
			rv.busy = busy[r.ID]
			rv.Allowed = s.allowed(o.ctx, o.a, requestResource(o.rel, r), policy.AnswerRequest)
			v.Requests = append(v.Requests, rv)
		}
		var cx *checkContext
		for _, st := range sts {
			if cx == nil {
				if cx, err = s.checkContext(o.ctx, tx, o.rel, key); err != nil {
					return event{}, err
				}
			}
			sv, err := s.statementView(o.ctx, tx, o.rel, key, cx, st, true)
			if err != nil {
				return event{}, err
			}
			v.Statements = append(v.Statements, sv)
		}
		for _, m := range tws {
			tv, err := s.threeWayView(o.ctx, tx, o.rel, key, m, false)
			if err != nil {
				return event{}, err
			}
			v.ThreeWays = append(v.ThreeWays, tv)
		}
		if mgr, err := menteeManager(o.ctx, tx, o.rel); err != nil {
			return event{}, err
		} else if mgr != nil {
			v.Manager = &Person{ID: mgr.ID, Name: mgr.Name, Email: mgr.Email}
		}
		out = v
		return event{"thirdparty.read", relTarget(o.rel), fmt.Sprintf("requests=%d; statements=%d; three_way=%d", len(reqs), len(sts), len(tws))}, nil
	})
	return out, err
}

// checkContext is what the checker needs of a relationship: the agreement
// in force (its clauses and the kept-confidential items).
type checkContext struct {
	rel   *mentorvault.Relationship
	terms *mentorvault.AgreementTerms
}

func (s *Service) checkContext(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, key []byte) (*checkContext, error) {
	inf, err := s.inForce(ctx, tx, rel, key)
	if err != nil {
		return nil, err
	}
	cx := &checkContext{rel: rel}
	if inf != nil {
		cx.terms = &inf.Terms
	}
	return cx, nil
}

// check runs the statement checker on body as written by author about subject for the recipient.
func (cx *checkContext) check(ctx context.Context, tx mentorvault.Tx, st *mentorvault.Statement, body string, now time.Time) (checker.Result, error) {
	in := checker.Input{Text: body, Terms: cx.terms, Author: partyOf(cx.rel, st.AuthorID), Recipient: st.RecipientKind, At: now, EndedAt: cx.rel.EndedAt}
	if cx.terms != nil {
		subject := partyOf(cx.rel, st.SubjectID)
		for _, it := range cx.terms.KeptConfidential {
			if it.Party == subject {
				in.KeptItems = append(in.KeptItems, it.Text)
			}
		}
	}
	if st.RecipientKind == mentorvault.ToNamedPerson {
		u, err := tx.FindUserByID(ctx, st.RecipientUserID)
		if err != nil {
			return checker.Result{}, err
		}
		in.RecipientName = u.Name
	}
	return checker.Check(in), nil
}

// openStatement opens st's body and comment; one that does not open is
// damaged.
func (s *Service) openStatement(ctx context.Context, key []byte, st *mentorvault.Statement) error {
	if err := s.openStatementPurpose(ctx, key, st); err != nil {
		return err
	}
	b, err := s.keys.Open(key, statementBodyAD(st), st.BodySealed)
	if err != nil {
		return s.damaged(ctx, "statement", st.ID, err)
	}
	var c mentorvault.Secret
	if len(st.CommentSealed) > 0 {
		if c, err = s.keys.Open(key, statementCommentAD(st), st.CommentSealed); err != nil {
			return s.damaged(ctx, "statement", st.ID, err)
		}
	}
	st.Body, st.Comment = b, c
	return nil
}

// openStatementPurpose opens st's purpose (a row from before purposes were
// sealed keeps its plain one until SealLeftovers).
func (s *Service) openStatementPurpose(ctx context.Context, key []byte, st *mentorvault.Statement) error {
	if st.PurposeSealed == nil {
		return nil
	}
	p, err := s.keys.Open(key, statementAD(st, "purpose"), st.PurposeSealed)
	if err != nil {
		return s.damaged(ctx, "statement", st.ID, err)
	}
	st.Purpose = p.Reveal()
	return nil
}

// statementView opens st for the pair. In a list (list true) a damaged
// statement is flagged and served without its texts or findings; alone it
// is the damaged error.
func (s *Service) statementView(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, key []byte, cx *checkContext, st *mentorvault.Statement, list bool) (*StatementView, error) {
	err := s.openStatement(ctx, key, st)
	switch {
	case list && isDamaged(err):
		st.Damaged = true
	case err != nil:
		return nil, err
	}
	v := &StatementView{Statement: st, Check: Check{Findings: []Finding{}}}
	if v.Author, err = person(ctx, tx, st.AuthorID); err != nil {
		return nil, err
	}
	if v.Subject, err = person(ctx, tx, st.SubjectID); err != nil {
		return nil, err
	}
	if v.Recipient, err = person(ctx, tx, st.RecipientUserID); err != nil {
		return nil, err
	}
	if st.Damaged {
		return v, nil
	}
	at := tx.Now()
	if st.ReleasedAt != nil {
		at = *st.ReleasedAt
	}
	res, err := cx.check(ctx, tx, st, st.Body.Reveal(), at)
	if err != nil {
		return nil, err
	}
	v.Check = checkOf(res)
	return v, nil
}

// viewStatement is statementView for one statement, against the agreement in force.
func (s *Service) viewStatement(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, key []byte, st *mentorvault.Statement) (*StatementView, error) {
	cx, err := s.checkContext(ctx, tx, rel, key)
	if err != nil {
		return nil, err
	}
	return s.statementView(ctx, tx, rel, key, cx, st, false)
}

// Statement returns one statement as the pair see it, with the checker's
// findings and what the caller may do to it (Allowed). Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) Statement(ctx context.Context, p mentorvault.Principal, relID, id string) (*StatementView, error) {
	var out *StatementView
	err := s.relOp(ctx, p, policy.ReadThirdParty, relID, partyRefusal, func(o *op) (event, error) {
		st, err := loadStatement(o.ctx, o.tx, o.rel, id)
		if err != nil {
			return event{}, err
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		if out, err = s.viewStatement(o.ctx, o.tx, o.rel, key, st); err != nil {
			return event{}, err
		}
		out.Allowed = s.allowed(o.ctx, o.a, statementResource(o.rel, st), StatementActions...)
		return event{"statement.read", statementTarget(o.rel, st.ID), ""}, nil
	})
	return out, err
}

func loadStatement(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, id string) (*mentorvault.Statement, error) {
	return loadIn(ctx, rel, id, "statement", tx.FindStatementByID, func(st *mentorvault.Statement) string { return st.RelationshipID })
}

// recipientKind says who a recipient is to the pair, in the agreement's terms.
func recipientKind(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, u *mentorvault.User) (mentorvault.Recipient, error) {
	mgr, err := menteeManager(ctx, tx, rel)
	if err != nil {
		return "", err
	}
	if mgr != nil && mgr.ID == u.ID {
		return mentorvault.ToLineManager, nil
	}
	if rel.ProgrammeID != "" {
		roles, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{UserID: u.ID})
		if err != nil {
			return "", err
		}
		for _, r := range roles {
			if r.ProgrammeID != rel.ProgrammeID {
				continue
			}
			switch r.Role {
			case mentorvault.RoleCoordinator:
				return mentorvault.ToCoordinator, nil
			case mentorvault.RoleSupervisor:
				return mentorvault.ToSupervisor, nil
			}
		}
	}
	if u.Requester {
		return mentorvault.ToPromotionHR, nil
	}
	return mentorvault.ToNamedPerson, nil
}

// menteeManager is the mentee's line manager, or nil.
func menteeManager(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship) (*mentorvault.User, error) {
	mentee, err := tx.FindUserByID(ctx, rel.MenteeID)
	if err != nil || mentee.ManagerID == "" {
		return nil, err
	}
	return tx.FindUserByID(ctx, mentee.ManagerID)
}

// DraftStatement starts the answer to an open request, as a draft only the
// pair can read. Only the party asked drafts. Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) DraftStatement(ctx context.Context, p mentorvault.Principal, relID, requestID, body string) (*StatementView, error) {
	if err := validateStatementBody(body); err != nil {
		return nil, err
	}
	var out *StatementView
	err := s.relOp(ctx, p, policy.ReadThirdParty, relID, partyRefusal, func(o *op) (event, error) {
		r, err := s.answerable(o, requestID)
		if err != nil {
			return event{}, err
		}
		if !r.Open() {
			return event{}, mentorvault.Errorf(mentorvault.ECONFLICT, "the request is already %s", r.Status)
		}
		if err := s.openDrafts(o.ctx, o.tx, r); err != nil {
			return event{}, err
		}
		requester, err := o.tx.FindUserByID(o.ctx, r.RequesterID)
		if err != nil {
			return event{}, err
		}
		rk, err := recipientKind(o.ctx, o.tx, o.rel, requester)
		if err != nil {
			return event{}, err
		}
		st := &mentorvault.Statement{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, Kind: mentorvault.StatementInput, RequestID: r.ID,
			AuthorID: o.a.user.ID, SubjectID: r.SubjectID, RecipientUserID: r.RequesterID, RecipientKind: rk, Purpose: r.Purpose,
			State: mentorvault.StatementDraft, CreatedAt: o.tx.Now(), UpdatedAt: o.tx.Now()}
		v, ev, err := s.createStatement(o.ctx, o.tx, o.a, o.rel, st, body)
		if err != nil {
			return event{}, err
		}
		out = v
		return ev, nil
	})
	return out, err
}

func (s *Service) createStatement(ctx context.Context, tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, st *mentorvault.Statement, body string) (*StatementView, event, error) {
	key, err := s.dataKey(ctx, tx, rel.ID)
	if err != nil {
		return nil, event{}, err
	}
	st.Body = mentorvault.NewSecret(body)
	if err := s.sealStatement(key, st); err != nil {
		return nil, event{}, err
	}
	if err := tx.CreateStatement(ctx, st); err != nil {
		return nil, event{}, err
	}
	v, err := s.viewStatement(ctx, tx, rel, key, st)
	if err != nil {
		return nil, event{}, err
	}
	what := "an answer to " + v.Recipient.Name + "'s request"
	if st.Kind == mentorvault.StatementSummary {
		what = "a summary for " + v.Recipient.Name
	}
	if err := s.notifyPartner(ctx, tx, a, rel, "statement.draft", st.ID,
		fmt.Sprintf("%s started drafting %s. You will be asked before anything is released.", a.user.Name, what),
		statementLink(rel.ID, st.ID), "statement.draft:"+st.ID); err != nil {
		return nil, event{}, err
	}
	return v, event{"statement.draft", statementTarget(rel, st.ID), withSeal(fmt.Sprintf("kind=%s; findings=%d", st.Kind, len(v.Check.Findings)), statementSealed(st)...)}, nil
}

// openStatementFor loads a statement of the operation's relationship,
// decides act on it, and opens it.
func (s *Service) openStatementFor(o *op, act policy.Action, id string) (*mentorvault.Statement, []byte, error) {
	st, err := loadStatement(o.ctx, o.tx, o.rel, id)
	if err != nil {
		return nil, nil, err
	}
	if err := s.authorize(o.ctx, o.tx, o.a, act, statementResource(o.rel, st), statementTarget(o.rel, st.ID), never); err != nil {
		return nil, nil, err
	}
	key, err := o.key()
	if err != nil {
		return nil, nil, err
	}
	return st, key, s.openStatement(o.ctx, key, st)
}

// EditStatement replaces a draft's text (also after the subject asked for
// changes). Only the author edits. Returns EUNAUTHENTICATED, ENOTFOUND,
// EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) EditStatement(ctx context.Context, p mentorvault.Principal, relID, id, body string) (*StatementView, error) {
	if err := validateStatementBody(body); err != nil {
		return nil, err
	}
	var out *StatementView
	err := s.relOp(ctx, p, policy.ReadThirdParty, relID, partyRefusal, func(o *op) (event, error) {
		st, key, err := s.openStatementFor(o, policy.WriteStatement, id)
		if err != nil {
			return event{}, err
		}
		if err := st.Edit(o.tx.Now()); err != nil {
			return event{}, err
		}
		st.Body = mentorvault.NewSecret(body)
		if err := s.sealStatement(key, st); err != nil {
			return event{}, err
		}
		if err := o.tx.UpdateStatement(o.ctx, st); err != nil {
			return event{}, err
		}
		if out, err = s.viewStatement(o.ctx, o.tx, o.rel, key, st); err != nil {
			return event{}, err
		}
		return event{"statement.edit", statementTarget(o.rel, st.ID), withSeal(fmt.Sprintf("findings=%d", len(out.Check.Findings)), statementSealed(st)...)}, nil
	})
	return out, err
}

// SubmitStatement shows a draft to its subject. When the checker finds the
// statement entirely within what a signed clause lets the author tell this
// recipient without asking, it is pre-authorised: released after the
// programme's notice window unless the subject objects first. Otherwise it
// waits for the subject's consent. Returns EUNAUTHENTICATED, ENOTFOUND,
// EFORBIDDEN or ECONFLICT.
func (s *Service) SubmitStatement(ctx context.Context, p mentorvault.Principal, relID, id string) (*StatementView, error) {
	var out *StatementView
	err := s.relOp(ctx, p, policy.ReadThirdParty, relID, partyRefusal, func(o *op) (event, error) {
		st, key, err := s.openStatementFor(o, policy.WriteStatement, id)
		if err != nil {
			return event{}, err
		}
		cx, err := s.checkContext(o.ctx, o.tx, o.rel, key)
		if err != nil {
			return event{}, err
		}
		res, err := cx.check(o.ctx, o.tx, st, st.Body.Reveal(), o.tx.Now())
		if err != nil {
			return event{}, err
		}
		settings, _, err := settingsFor(o.ctx, o.tx, o.rel)
		if err != nil {
			return event{}, err
		}
		window := time.Duration(settings.MinNoticeHours) * time.Hour
		if err := st.Submit(res.PreAuthorised, window, o.tx.Now()); err != nil {
			return event{}, err
		}
		st.Comment = mentorvault.Secret{}
		if err := s.sealStatement(key, st); err != nil {
			return event{}, err
		}
		if err := o.tx.UpdateStatement(o.ctx, st); err != nil {
			return event{}, err
		}
		text := fmt.Sprintf("%s asks for your consent to a statement about you for %s. Read it and approve, ask for changes or refuse.",
			o.a.user.Name, personName(o.ctx, o.tx, st.RecipientUserID))
		if st.State == mentorvault.StatementPreAuthorised {
			if err := o.tx.CreateJob(o.ctx, &mentorvault.Job{ID: mentorvault.NewID(), Kind: mentorvault.JobReleaseStatement, RefID: st.ID,
				RunAt: *st.ReleaseAt, CreatedAt: o.tx.Now()}); err != nil {
				return event{}, err
			}
			text = fmt.Sprintf("%s prepared a statement about you for %s that your signed agreement allows. It will be released on %s unless you object before then.",
				o.a.user.Name, personName(o.ctx, o.tx, st.RecipientUserID), st.ReleaseAt.Format("Mon 2 Jan 2006, 15:04 MST"))
		}
		if err := s.notify(o.ctx, o.tx, st.SubjectID, "statement.submitted", o.rel.ID, st.ID, text, statementLink(o.rel.ID, st.ID),
			fmt.Sprintf("statement.submitted:%s:%d", st.ID, st.UpdatedAt.UnixNano())); err != nil {
			return event{}, err
		}
		if out, err = s.statementView(o.ctx, o.tx, o.rel, key, cx, st, false); err != nil {
			return event{}, err
		}
		return event{"statement.submit", statementTarget(o.rel, st.ID), withSeal(fmt.Sprintf("state=%s; findings=%d", st.State, len(res.Findings)), statementSealed(st)...)}, nil
	})
	return out, err
}

// DecideStatement is the subject's answer: "approve" releases it to the
// recipient; "changes" sends it back to the author with comment; "refuse"
// ends it. On a pre-authorised statement "changes" and "refuse" are the
// subject's objection within the window. Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN, EINVALID or ECONFLICT.
func (s *Service) DecideStatement(ctx context.Context, p mentorvault.Principal, relID, id, decision, comment string) (*StatementView, error) {
	if err := lines(p, "decision", decision); err != nil {
		return nil, err
	}
	switch decision {
	case "approve", "refuse":
		if comment != "" {
			if err := mentorvault.ValidateText("comment", comment, 4<<10); err != nil {
				return nil, err
			}
		}
	case "changes":
		if err := mentorvault.ValidateText("comment", comment, 4<<10); err != nil {
			if mentorvault.CleanText(comment) && len(comment) <= 4<<10 { // blank
				return nil, mentorvault.Invalid("say what should change", map[string]string{"comment": "tell the author what to change"})
			}
			return nil, err // a control character or too long: say which
		}
	default:
		return nil, mentorvault.Invalid("the decision is not valid", map[string]string{"decision": `must be "approve", "changes" or "refuse"`})
	}
	var out *StatementView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, err := s.relCall(ctx, tx, p, policy.ReadThirdParty, relID)
		if err != nil {
			return err
		}
		st, key, err := s.openStatementFor(&op{s: s, ctx: ctx, tx: tx, a: a, rel: rel}, policy.DecideStatement, id)
		if err != nil {
			return err
		}
		if err := st.Decide(decision, tx.Now()); err != nil {
			return err
		}
		st.Comment = mentorvault.NewSecret(comment)
		if err := s.sealStatement(key, st); err != nil {
			return err
		}
		if err := tx.UpdateStatement(ctx, st); err != nil {
			return err
		}
		if st.State == mentorvault.StatementReleased {
			if err := s.released(ctx, tx, rel, st); err != nil {
				return err
			}
		} else {
			words := map[string]string{"changes": "asked for changes to", "refuse": "refused"}[decision]
			kind := map[string]string{"changes": "statement.changes_asked", "refuse": "statement.refused"}[decision]
			if err := s.notifyPartner(ctx, tx, a, rel, kind, st.ID, fmt.Sprintf("%s %s the statement for %s.",
				a.user.Name, words, personName(ctx, tx, st.RecipientUserID)), statementLink(rel.ID, st.ID),
				fmt.Sprintf("statement.%s:%s:%d", decision, st.ID, st.UpdatedAt.UnixNano())); err != nil {
				return err
			}
		}
		if out, err = s.viewStatement(ctx, tx, rel, key, st); err != nil {
			return err
		}
		// The audit events come after every other write (the audit head is
		// held the least): the decision's, then the release's.
		if err := s.record(ctx, tx, a, "statement."+decision, statementTarget(rel, st.ID), withSeal("state="+string(st.State), statementSealed(st)...)); err != nil {
			return err
		}
		if st.State == mentorvault.StatementReleased {
			return s.recordRelease(ctx, tx, rel, st)
		}
		return nil
	})
	return out, err
}

// WithdrawStatement withdraws a released statement; the recipient sees
// that it was withdrawn and can no longer read it. Only the author
// withdraws. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or ECONFLICT.
func (s *Service) WithdrawStatement(ctx context.Context, p mentorvault.Principal, relID, id string) (*StatementView, error) {
	var out *StatementView
	err := s.relOp(ctx, p, policy.ReadThirdParty, relID, partyRefusal, func(o *op) (event, error) {
		st, key, err := s.openStatementFor(o, policy.WriteStatement, id)
		if err != nil {
			return event{}, err
		}
		if err := st.Withdraw(o.tx.Now()); err != nil {
			return event{}, err
		}
		if err := s.sealStatement(key, st); err != nil {
			return event{}, err
		}
		if err := o.tx.UpdateStatement(o.ctx, st); err != nil {
			return event{}, err
		}
		if err := s.notify(o.ctx, o.tx, st.RecipientUserID, "statement.withdrawn", "", st.ID,
			fmt.Sprintf("%s withdrew the statement released to you.", o.a.user.Name), "/statements", "statement.withdrawn:"+st.ID); err != nil {
			return event{}, err
		}
		if err := s.notifyPartner(o.ctx, o.tx, o.a, o.rel, "statement.withdrawn", st.ID, fmt.Sprintf("%s withdrew the statement for %s.",
			o.a.user.Name, personName(o.ctx, o.tx, st.RecipientUserID)), statementLink(o.rel.ID, st.ID), "statement.withdrawn:"+st.ID); err != nil {
			return event{}, err
		}
		if out, err = s.viewStatement(o.ctx, o.tx, o.rel, key, st); err != nil {
			return event{}, err
		}
		return event{"statement.withdraw", statementTarget(o.rel, st.ID), withSeal("", statementSealed(st)...)}, nil
	})
	return out, err
}

// validateStatementBody checks a statement's text; the error speaks of the
// statement. Returns EINVALID.
func validateStatementBody(body string) error {
	if err := mentorvault.ValidateText("body", body, mentorvault.MaxStatementBytes); err != nil {
		return mentorvault.Invalid("the statement is not valid", mentorvault.ErrorFields(err))
	}
	return nil
}
