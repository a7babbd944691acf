// Package service implements mentorvault's capabilities. Every call follows
// one shape, inside one database transaction: identify the actor, load the
// resource, authorise (policy.Authorize; a denial is audited and committed),
// open or seal the confidential fields, change the store, append the audit
// event, commit. The web handlers, the API and the CLI all come through here.
package service

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// Options tune a Service. Zero values take the defaults.
type Options struct {
	PasswordParams auth.Params   // argon2id cost; default auth.DefaultParams
	SessionTTL     time.Duration // absolute session lifetime; default 12h
	SessionIdle    time.Duration // idle timeout; default 2h
	Logger         *slog.Logger
	// Notifiers receive every notification after the in-app one (e.g. email).
	Notifiers []Notifier
}

// Service is the one entry point to mentorvault's data.
type Service struct {
	store     mentorvault.Store
	authz     *policy.Authorizer
	keys      *seal.Keyring
	opts      Options
	log       *slog.Logger
	dummyHash string // verified against for unknown emails, so both take the same time
	notifiers []Notifier
}

// New returns a Service over its dependencies.
func New(store mentorvault.Store, authz *policy.Authorizer, keys *seal.Keyring, opts Options) (*Service, error) {
	if opts.PasswordParams == (auth.Params{}) {
		opts.PasswordParams = auth.DefaultParams
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.SessionIdle == 0 {
		opts.SessionIdle = 2 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	dummy, err := auth.HashPassword("mentorvault-timing-equaliser", opts.PasswordParams)
	if err != nil {
		return nil, err
	}
	return &Service{store: store, authz: authz, keys: keys, opts: opts, log: opts.Logger, dummyHash: dummy,
		notifiers: append([]Notifier{InApp{}}, opts.Notifiers...)}, nil
}

// Store returns the service's store (for health checks and the operator CLI).
func (s *Service) Store() mentorvault.Store { return s.store }

// denied wraps the error returned for a refused request. Its audit event is
// already appended; inTx commits the transaction so the denial is recorded.
type denied struct{ err *mentorvault.Error }

func (d denied) Error() string { return d.err.Error() }
func (d denied) Unwrap() error { return d.err }

// inTx runs fn in a transaction and commits it when fn succeeds or when fn
// was denied (to keep the denial's audit event).
func (s *Service) inTx(ctx context.Context, fn func(tx mentorvault.Tx) error) error {
	tx, err := s.store.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	err = fn(tx)
	var d denied
	if err != nil && !errors.As(err, &d) {
		return err
	}
	if cerr := tx.Commit(); cerr != nil {
		return cerr
	}
	return err
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
	a := actor{p: p}
	if !p.Anonymous() {
		u, err := tx.FindUserByID(ctx, p.UserID)
		if err != nil && mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			return a, err
		}
		if err == nil && u.DisabledAt == nil {
			roles, err := tx.FindProgrammeRoles(ctx, u.ID, "")
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

// authorize is the one place access is decided. A denial is appended to the
// audit log and answered with not_found when the actor may not even know the
// resource exists (hidden reports that, and is asked only on denial),
// forbidden otherwise.
func (s *Service) authorize(ctx context.Context, tx mentorvault.Tx, a actor, act policy.Action, res policy.Resource, t target, hidden func() bool) error {
	d, err := s.authz.Authorize(a.subj, act, res)
	if err == nil && d.Allowed {
		return nil
	}
	if err != nil {
		s.log.ErrorContext(ctx, "policy evaluation failed; denying", "action", string(act), "err", err)
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
func (s *Service) unless(a actor, see policy.Action, res policy.Resource) func() bool {
	return func() bool {
		d, err := s.authz.Authorize(a.subj, see, res)
		return err != nil || !d.Allowed
	}
}

// authorizeRel decides an action on a relationship: not_found if the actor
// may not view the relationship at all, forbidden if they may see it exists
// but not do this.
func (s *Service) authorizeRel(ctx context.Context, tx mentorvault.Tx, a actor, act policy.Action, r *mentorvault.Relationship) error {
	res := relResource(r)
	hidden := always
	if act != policy.ViewRelationship {
		hidden = s.unless(a, policy.ViewRelationship, res)
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

func noteResource(r *mentorvault.Relationship, n *mentorvault.Note) policy.Note {
	return policy.Note{ID: n.ID, AuthorID: n.AuthorID, Visibility: string(n.Visibility), Relationship: relResource(r)}
}
