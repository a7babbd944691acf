// Package service implements mentorvault's capabilities. Every call follows
// one shape, inside one database transaction: identify the actor, load the
// resource, authorise (policy.Authorize; a denial is audited and committed),
// open or seal the confidential fields, change the store, append the audit
// event, commit. call.go holds that shape (relOp runs it for an operation on
// a relationship). The web handlers, the API and the CLI all come through here.
package service

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"github.com/mentorvault/mentorvault"
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
	// Mail, when set, queues every notification as an email too (see
	// SendMail); nil leaves mail off.
	Mail *MailOptions
}

// Service is the one entry point to mentorvault's data.
type Service struct {
	store     mentorvault.Store
	authz     *policy.Authorizer
	keys      *seal.Keyring
	opts      Options
	log       *slog.Logger
	dummyHash string // verified against for unknown emails, so both take the same time
	// hashing bounds the password hashes computed at once (each takes the
	// argon2id memory cost, 64 MiB by default) to the CPUs, so a burst of
	// sign-ins queues instead of exhausting memory.
	hashing   chan struct{}
	notifiers []Notifier
	// feedback caches each programme's opened ratings for
	// FeedbackAggregates (see feedbackCache).
	feedback feedbackCache
	// oidc caches each identity provider's discovery document.
	oidc oidcCache
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
		notifiers: append([]Notifier{InApp{}}, opts.Notifiers...), hashing: make(chan struct{}, runtime.NumCPU())}, nil
}

// Store returns the service's store (for health checks and the operator CLI).
func (s *Service) Store() mentorvault.Store { return s.store }

func (d denied) Error() string { return d.err.Error() }
func (d denied) Unwrap() error { return d.err }

func noteResource(r *mentorvault.Relationship, n *mentorvault.Note) policy.Note {
	return policy.Note{ID: n.ID, AuthorID: n.AuthorID, Visibility: string(n.Visibility), Relationship: relResource(r)}
}

// verifyPassword checks password against hash under the hashing semaphore.
// A request that gives up while it waits is not hashed at all.
func (s *Service) verifyPassword(ctx context.Context, hash, password string) (bool, error) {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-s.hashing }()
	return auth.VerifyPassword(hash, password)
}
