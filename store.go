package mentorvault

import (
	"context"
	"time"
)

// Store is the persistence boundary. One implementation (internal/sqlstore)
// serves both SQLite and PostgreSQL and passes the same conformance tests.
type Store interface {
	// BeginTx starts a read-write transaction. Every service call runs in
	// one, so that authorisation, the change and its audit event commit together.
	BeginTx(ctx context.Context) (Tx, error)
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Dialect is "sqlite" or "postgres".
	Dialect() string
	Close() error
}

// Tx is a read-write transaction. Find* methods return ENOTFOUND when a
// single record does not exist; Create* return ECONFLICT on a duplicate key.
type Tx interface {
	// Now is the transaction's time, taken once when it began.
	Now() time.Time
	Commit() error
	Rollback() error

	OrgStore
	ProgrammeStore
	EnrolmentStore
	UserStore
	PeopleStore
	SessionStore
	TokenStore
	LoginLimitStore
	RelationshipStore
	DataKeyStore
	NoteStore
	AuditStore
	AgreementStore
	ReviewStore
	MeetingStore
	CommitmentStore
	GoalStore
	FeedbackStore
	NotificationStore
	CalendarFeedStore
	ConcernStore
	DisclosureStore
	NoticeStore
	ConsultationStore
	JobStore
	InputRequestStore
	StatementStore
	ThreeWayStore
	MailStore
	HomeStore
	DashboardStore
	OIDCStore
	MatchStore
	AccountLinkStore
	PasskeyStore
	SCIMStore
}

// OrgStore stores organisations.
type OrgStore interface {
	CreateOrg(ctx context.Context, o *Org) error
	FindOrgByID(ctx context.Context, id string) (*Org, error)
	FindOrgs(ctx context.Context) ([]*Org, error)
}

// ProgrammeRoleFilter selects programme roles. Zero fields do not filter.
type ProgrammeRoleFilter struct {
	UserID      string
	ProgrammeID string
	Role        string // RoleCoordinator or RoleSupervisor
}

// ProgrammeStore stores programmes, their roles, settings and guidelines.
type ProgrammeStore interface {
	CreateProgramme(ctx context.Context, p *Programme) error
	FindProgrammeByID(ctx context.Context, id string) (*Programme, error)
	FindProgrammes(ctx context.Context, orgID string) ([]*Programme, error)
	// LockProgrammeByID is FindProgrammeByID that also holds the row's lock
	// until the transaction ends, so two edits take turns. ENOTFOUND.
	LockProgrammeByID(ctx context.Context, id string) (*Programme, error)
	// UpdateProgramme stores p's name, description, kind, enrolment,
	// default capacity and archived time. ENOTFOUND.
	UpdateProgramme(ctx context.Context, p *Programme) error
	// SetProgrammeStaff replaces the programme's coordinators and supervisors
	// with roles (each for this programme). EINVALID for an unknown user.
	SetProgrammeStaff(ctx context.Context, programmeID string, roles []ProgrammeRole) error
	AddProgrammeRole(ctx context.Context, r ProgrammeRole) error
	// FindProgrammeRoles lists the roles f selects, ordered by programme, user and role.
	FindProgrammeRoles(ctx context.Context, f ProgrammeRoleFilter) ([]ProgrammeRole, error)
	// UpdateProgrammeSettings stores p's settings (as JSON) and guidelines version.
	UpdateProgrammeSettings(ctx context.Context, programmeID string, s ProgrammeSettings) error
	// FindProgrammeSettings returns the stored settings, or DefaultProgrammeSettings when none were saved.
	FindProgrammeSettings(ctx context.Context, programmeID string) (ProgrammeSettings, error)
	// CreateGuidelines publishes a guidelines version; ECONFLICT if the version exists.
	CreateGuidelines(ctx context.Context, g *Guidelines) error
	// FindGuidelines returns a version, or the latest when version is 0; ENOTFOUND if none.
	FindGuidelines(ctx context.Context, programmeID string, version int) (*Guidelines, error)
}

// UserStore stores user accounts.
type UserStore interface {
	CreateUser(ctx context.Context, u *User) error
	FindUserByID(ctx context.Context, id string) (*User, error)
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	FindUsers(ctx context.Context, orgID string) ([]*User, error)
	// FindUsersByIDs returns the users with these IDs (duplicates and ""
	// ignored, unknown IDs left out), in one query, in no particular order:
	// for naming the people of a page without loading the organisation.
	FindUsersByIDs(ctx context.Context, ids []string) ([]*User, error)
	UpdateUserPassword(ctx context.Context, id, hash string) error
	// FindMeetingsForUser lists scheduled meetings of every relationship the user is a party of, starting after since.
	FindMeetingsForUser(ctx context.Context, userID string, since time.Time, limit int) ([]*Meeting, error)
	// FindMeetingsOfParty lists the meetings in any status of every
	// relationship the user is a party of that start after since, by start,
	// in one query (at most limit: 50 when 0, at most 5000).
	FindMeetingsOfParty(ctx context.Context, userID string, since time.Time, limit int) ([]*Meeting, error)
}

// SessionStore stores sign-in sessions by the hash of their token.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	FindSessionByHash(ctx context.Context, hash []byte) (*Session, error)
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	DeleteUserSessions(ctx context.Context, userID string) error
	// DeleteOtherUserSessions ends every session of a user but keepID ("" keeps none).
	DeleteOtherUserSessions(ctx context.Context, userID, keepID string) error
	// DeleteStaleSessions deletes the sessions that expired before now or
	// were last seen before idleSince, and returns how many.
	DeleteStaleSessions(ctx context.Context, now, idleSince time.Time) (int, error)
}

// TokenStore stores API tokens by the hash of their secret.
type TokenStore interface {
	CreateAPIToken(ctx context.Context, t *APIToken) error
	FindAPITokenByHash(ctx context.Context, hash []byte) (*APIToken, error)
	FindAPITokens(ctx context.Context, userID string) ([]*APIToken, error)
	TouchAPIToken(ctx context.Context, id string, at time.Time) error
	RevokeAPIToken(ctx context.Context, id string, at time.Time) error
}

// LoginLimitStore counts failed logins and password re-entries, for rate limits.
type LoginLimitStore interface {
	// RecordLoginFailure notes a failed login under key (e.g. "acct:…|addr:…").
	RecordLoginFailure(ctx context.Context, key string, at time.Time) error
	CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, key string) error
	DeleteLoginFailuresBefore(ctx context.Context, before time.Time) error
	// ReserveLoginAttempt counts an attempt before its password is checked:
	// if fewer than max failures are recorded under key at or after since,
	// it records one at at and reports true. It holds key's lock until the
	// transaction ends, so concurrent attempts, on any instance, are counted
	// one after another and no more than max reach the password check.
	ReserveLoginAttempt(ctx context.Context, key string, since, at time.Time, max int) (bool, error)
	// ReleaseLoginAttempt forgets one reservation of key made at at (the
	// attempt succeeded).
	ReleaseLoginAttempt(ctx context.Context, key string, at time.Time) error
}

// RelationshipStore stores relationships and their lifecycle.
type RelationshipStore interface {
	CreateRelationship(ctx context.Context, r *Relationship) error
	FindRelationshipByID(ctx context.Context, id string) (*Relationship, error)
	// LockRelationshipByID is FindRelationshipByID that also holds the
	// relationship's row until the transaction ends (SELECT … FOR UPDATE on
	// PostgreSQL; SQLite's single writer already serialises), so that an
	// operation that reads state, decides and writes is never interleaved
	// with another on the same relationship, on any instance.
	LockRelationshipByID(ctx context.Context, id string) (*Relationship, error)
	FindRelationships(ctx context.Context, f RelationshipFilter) ([]*Relationship, error)
	// UpdateRelationship stores the status, agreement times, start/end,
	// who ended it, its erasure schedule and legal hold, and UpdatedAt.
	UpdateRelationship(ctx context.Context, r *Relationship) error
	// FindExpiredProposals lists, at most limit, the proposals still
	// unanswered at now whose ExpiresAt has come.
	FindExpiredProposals(ctx context.Context, now time.Time, limit int) ([]*Relationship, error)
	// FindRetentionDue lists, at most limit, the ended relationships the
	// retention job has work on at now: without an erasure date yet, or
	// (unless held) due for erasure or for their next warning.
	FindRetentionDue(ctx context.Context, now time.Time, limit int) ([]*Relationship, error)
}

// DataKeyStore stores relationships' wrapped data keysets and destroys them.
type DataKeyStore interface {
	// CreateDataKey stores a relationship's wrapped data keyset.
	CreateDataKey(ctx context.Context, relationshipID string, wrapped []byte, at time.Time) error
	// FindDataKey returns the wrapped keyset; ENOTFOUND if none or destroyed.
	FindDataKey(ctx context.Context, relationshipID string) ([]byte, error)
	UpdateDataKey(ctx context.Context, relationshipID string, wrapped []byte, at time.Time) error
	// FindBoundDataKey returns the live wrapped keyset with its party
	// binding and the relationship's parties as stored; ENOTFOUND if none
	// or destroyed.
	FindBoundDataKey(ctx context.Context, relationshipID string) (*BoundDataKey, error)
	// FindPartyBindings returns every relationship's party binding (nil
	// where none), keyed by relationship ID, for audit verify.
	FindPartyBindings(ctx context.Context) (map[string][]byte, error)
	// SetPartyBinding stores the sealed token that binds a relationship's
	// key to its parties. Returns ENOTFOUND if it has no key row.
	SetPartyBinding(ctx context.Context, relationshipID string, binding []byte, at time.Time) error
	// StartUpgradeStep records a one-time upgrade step as done and reports
	// whether this call was the first: only then is the step to be run, in
	// the same transaction.
	StartUpgradeStep(ctx context.Context, name string, at time.Time) (bool, error)
	// UpgradeStepDone reports whether a one-time upgrade step was recorded.
	UpgradeStepDone(ctx context.Context, name string) (bool, error)
	// DestroyDataKey erases the wrapped keyset (crypto-shredding).
	DestroyDataKey(ctx context.Context, relationshipID string, at time.Time) error
	// FindWrappedKeys lists the live keys of one kind that the master key
	// wrapped, by ID after the cursor after, at most limit (500 when 0).
	FindWrappedKeys(ctx context.Context, kind WrappedKeyKind, after string, limit int) ([]WrappedKey, error)
	// RewrapKey replaces a live wrapped key by its rewrapped bytes if it is
	// still old; false if it changed or was destroyed meanwhile.
	RewrapKey(ctx context.Context, kind WrappedKeyKind, id string, old, rewrapped []byte, at time.Time) (bool, error)
}

// WrappedKeyKind names where a key wrapped by the master key is kept.
type WrappedKeyKind string

const (
	// WrappedDataKey is a relationship's data keyset.
	WrappedDataKey WrappedKeyKind = "relationship"
	// WrappedOutboxKey is the key of a queued message's sealed link.
	WrappedOutboxKey WrappedKeyKind = "outbox"
)

// WrappedKey is one key wrapped by the master key: ID is the relationship's
// or the queued message's.
type WrappedKey struct {
	Kind    WrappedKeyKind
	ID      string
	Wrapped []byte
}

// NoteStore stores sealed notes.
type NoteStore interface {
	CreateNote(ctx context.Context, n *Note) error
	FindNoteByID(ctx context.Context, id string) (*Note, error)
	// FindNotes returns notes newest first.
	FindNotes(ctx context.Context, f NoteFilter) ([]*Note, error)
	// UpdateNote stores Visibility, BodySealed, UpdatedAt and MeetingID.
	UpdateNote(ctx context.Context, n *Note) error
	DeleteNote(ctx context.Context, id string) error
	// CreateThreeWayNote stores a note's ciphertext (never Body).
	CreateThreeWayNote(ctx context.Context, n *ThreeWayNote) error
	// FindThreeWayNotes lists a three-way meeting's notes, oldest first.
	FindThreeWayNotes(ctx context.Context, threeWayID string) ([]*ThreeWayNote, error)
}

// AuditStore appends to and reads the hash-chained audit log.
type AuditStore interface {
	// LockAuditHead returns the chain's head and holds it until the
	// transaction ends, so that appends from concurrent transactions (and
	// server instances) serialise.
	LockAuditHead(ctx context.Context) (AuditHead, error)
	// InsertAuditEvent stores an event whose Seq, PrevHash and Hash the caller
	// computed from the locked head, and advances the head.
	InsertAuditEvent(ctx context.Context, e *AuditEvent) error
	FindAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)
}

// AgreementStore stores agreement versions, their signatures and comments.
type AgreementStore interface {
	CreateAgreementVersion(ctx context.Context, v *AgreementVersion) error
	// UpdateAgreementVersion stores State, TermsSealed, TextSealed, Hash, UpdatedByID, UpdatedAt and InForceAt.
	UpdateAgreementVersion(ctx context.Context, v *AgreementVersion) error
	FindAgreementVersionByID(ctx context.Context, id string) (*AgreementVersion, error)
	// FindAgreementVersions lists a relationship's versions, lowest number first.
	FindAgreementVersions(ctx context.Context, relationshipID string) ([]*AgreementVersion, error)
	// CreateAgreementSignature returns ECONFLICT if the user already signed the version.
	CreateAgreementSignature(ctx context.Context, s *AgreementSignature) error
	FindAgreementSignatures(ctx context.Context, versionID string) ([]*AgreementSignature, error)
	DeleteAgreementSignatures(ctx context.Context, versionID string) error
	// CreateGuidelinesRead returns ECONFLICT if the user already confirmed that version.
	CreateGuidelinesRead(ctx context.Context, r *GuidelinesRead) error
	// FindGuidelinesReads lists a relationship's confirmed reads, earliest first.
	FindGuidelinesReads(ctx context.Context, relationshipID string) ([]*GuidelinesRead, error)
	CreateAgreementComment(ctx context.Context, c *AgreementComment) error
	// FindAgreementComments lists a relationship's comments, oldest first.
	FindAgreementComments(ctx context.Context, relationshipID string) ([]*AgreementComment, error)
}

// ReviewStore stores the pair's periodic reviews of their expectations.
type ReviewStore interface {
	CreateReview(ctx context.Context, r *Review) error
	// FindReviews lists a relationship's reviews, oldest first.
	FindReviews(ctx context.Context, relationshipID string) ([]*Review, error)
}

// MeetingStore stores meetings and the reminders shown for them.
type MeetingStore interface {
	CreateMeeting(ctx context.Context, m *Meeting) error
	// UpdateMeeting stores StartsAt, Minutes, Location, AgendaSealed, SealVersion, Status, Sequence, UpdatedAt, CancelledByID, CancelledAt.
	UpdateMeeting(ctx context.Context, m *Meeting) error
	FindMeetingByID(ctx context.Context, id string) (*Meeting, error)
	FindMeetings(ctx context.Context, f MeetingFilter) ([]*Meeting, error)
	// FindRelationshipMeetings lists every meeting of a relationship, whatever
	// its times and state, by ID after the cursor after ("" for the first
	// page), at most limit (500 when 0, at most 500): for checks that must
	// see every row.
	FindRelationshipMeetings(ctx context.Context, relationshipID, after string, limit int) ([]*Meeting, error)
	// UpsertReminderAck records that the reminder was shown (and, if AcknowledgedAt is set, acknowledged).
	UpsertReminderAck(ctx context.Context, a *ReminderAck) error
	FindReminderAcks(ctx context.Context, relationshipID string) ([]*ReminderAck, error)
}

// CommitmentStore stores commitments.
type CommitmentStore interface {
	CreateCommitment(ctx context.Context, c *Commitment) error
	// UpdateCommitment stores Status, UpdatedAt, ClosedAt, DescriptionSealed, DueAt, GoalID.
	UpdateCommitment(ctx context.Context, c *Commitment) error
	FindCommitmentByID(ctx context.Context, id string) (*Commitment, error)
	// FindCommitments lists a relationship's commitments by due date.
	FindCommitments(ctx context.Context, relationshipID string) ([]*Commitment, error)
}

// GoalStore stores goals and their progress notes.
type GoalStore interface {
	CreateGoal(ctx context.Context, g *Goal) error
	// UpdateGoal stores Status, TitleSealed, UpdatedAt.
	UpdateGoal(ctx context.Context, g *Goal) error
	FindGoalByID(ctx context.Context, id string) (*Goal, error)
	FindGoals(ctx context.Context, relationshipID string) ([]*Goal, error)
	CreateGoalProgress(ctx context.Context, p *GoalProgress) error
	// FindGoalProgress lists a relationship's progress notes, oldest first.
	FindGoalProgress(ctx context.Context, relationshipID string) ([]*GoalProgress, error)
}

// FeedbackCount is how many feedback responses a programme has, and how many
// of them can still be opened (their relationship's data key is live).
// Responses are only ever added and erasure is final, so both numbers only
// grow and an unchanged count means an unchanged set of openable responses.
type FeedbackCount struct {
	Total, Live int
}

// FeedbackStore stores feedback requests and their sealed answers.
type FeedbackStore interface {
	CreateFeedbackRequest(ctx context.Context, r *FeedbackRequest) error
	FindFeedbackRequests(ctx context.Context, relationshipID string) ([]*FeedbackRequest, error)
	FindFeedbackRequestByID(ctx context.Context, id string) (*FeedbackRequest, error)
	// CreateFeedbackResponse stores the answer and sets the request's AnsweredAt; ECONFLICT if answered.
	CreateFeedbackResponse(ctx context.Context, r *FeedbackResponse) error
	FindFeedbackResponses(ctx context.Context, relationshipID string) ([]*FeedbackResponse, error)
	// FindProgrammeFeedback lists every response of a programme's relationships.
	FindProgrammeFeedback(ctx context.Context, programmeID string) ([]*FeedbackResponse, error)
	// CountProgrammeFeedback counts a programme's responses, and those whose
	// relationship's data key is live (not erased), in one query.
	CountProgrammeFeedback(ctx context.Context, programmeID string) (FeedbackCount, error)
}

// NotificationStore stores in-app notifications.
type NotificationStore interface {
	// CreateNotification stores n unless the user already has one with its DedupeKey (then it is a no-op).
	CreateNotification(ctx context.Context, n *Notification) error
	// FindNotifications lists a page of a user's notifications, newest
	// first: offset skipped, then at most limit.
	FindNotifications(ctx context.Context, userID string, offset, limit int) ([]*Notification, error)
	CountUnreadNotifications(ctx context.Context, userID string) (int, error)
	// MarkNotificationsRead marks the user's notifications read (all when id is "").
	MarkNotificationsRead(ctx context.Context, userID, id string, at time.Time) error
}

// CalendarFeedStore stores calendar feeds by the hash of their token.
type CalendarFeedStore interface {
	CreateCalendarFeed(ctx context.Context, f *CalendarFeed) error
	FindCalendarFeedByHash(ctx context.Context, hash []byte) (*CalendarFeed, error)
	FindCalendarFeeds(ctx context.Context, userID string) ([]*CalendarFeed, error)
	RevokeCalendarFeed(ctx context.Context, id string, at time.Time) error
}

// ConcernStore stores concerns and the steps of working them through.
type ConcernStore interface {
	CreateConcern(ctx context.Context, c *Concern) error
	// UpdateConcern stores Status, UpdatedAt and ClosedAt.
	UpdateConcern(ctx context.Context, c *Concern) error
	FindConcernByID(ctx context.Context, id string) (*Concern, error)
	// FindConcerns lists a relationship's concerns, newest first.
	FindConcerns(ctx context.Context, relationshipID string) ([]*Concern, error)
	CreateConcernStep(ctx context.Context, s *ConcernStep) error
	// FindConcernSteps lists a concern's steps, oldest first.
	FindConcernSteps(ctx context.Context, concernID string) ([]*ConcernStep, error)
}

// DisclosureStore stores disclosure plans and notices.
type DisclosureStore interface {
	CreateDisclosure(ctx context.Context, d *Disclosure) error
	// UpdateDisclosure stores State, ContentSealed, SealVersion, EffectiveAt, MentorSignedAt, MenteeSignedAt, UpdatedAt, DeliveredAt and WithdrawnAt.
	UpdateDisclosure(ctx context.Context, d *Disclosure) error
	FindDisclosureByID(ctx context.Context, id string) (*Disclosure, error)
	// FindDisclosures lists a concern's disclosures, oldest first.
	FindDisclosures(ctx context.Context, concernID string) ([]*Disclosure, error)
	// FindDeliveredDisclosures lists the disclosures delivered to a user, newest first.
	FindDeliveredDisclosures(ctx context.Context, recipientUserID string) ([]*Disclosure, error)
}

// ConsultationStore stores consultations with a supervisor and their messages.
type ConsultationStore interface {
	CreateConsultation(ctx context.Context, c *Consultation) error
	// UpdateConsultation stores ClosedAt.
	UpdateConsultation(ctx context.Context, c *Consultation) error
	FindConsultationByID(ctx context.Context, id string) (*Consultation, error)
	// FindConsultations lists consultations by consultant (consultantID != "") or by supervisor, newest first.
	FindConsultations(ctx context.Context, consultantID, supervisorID string) ([]*Consultation, error)
	CreateConsultationMessage(ctx context.Context, m *ConsultationMessage) error
	// FindConsultationMessages lists a consultation's messages, oldest first.
	FindConsultationMessages(ctx context.Context, consultationID string) ([]*ConsultationMessage, error)
}

// JobStore stores durable background jobs and hands them out one at a time.
type JobStore interface {
	CreateJob(ctx context.Context, j *Job) error
	// ClaimDueJob returns the oldest job due at now that is not done, locked
	// for this transaction (on PostgreSQL other transactions skip it); ENOTFOUND if none.
	ClaimDueJob(ctx context.Context, now time.Time) (*Job, error)
	CompleteJob(ctx context.Context, id string, at time.Time) error
	// RescheduleJob moves a recurring job to its next run, still pending.
	RescheduleJob(ctx context.Context, id string, runAt time.Time) error
	// RetryJob records a failure and moves the job to runAt.
	RetryJob(ctx context.Context, id string, runAt time.Time, lastError string) error
	// FindJobs lists the jobs about refID (for tests and operators).
	FindJobs(ctx context.Context, refID string) ([]*Job, error)
}

// Page selects a slice of a list in the store's order: Offset rows skipped,
// then at most Limit (0: every row after the offset).
type Page struct {
	Limit, Offset int
}

// InputRequestStore stores third parties' requests for input.
type InputRequestStore interface {
	// CreateInputRequest stores a request with its sealed question (never Question).
	CreateInputRequest(ctx context.Context, r *InputRequest) error
	// UpdateInputRequest stores Status, DeclineReply, QuestionSealed, SealVersion and UpdatedAt.
	UpdateInputRequest(ctx context.Context, r *InputRequest) error
	FindInputRequestByID(ctx context.Context, id string) (*InputRequest, error)
	// FindInputRequests lists a page of requests by relationship (relationshipID != "") or by requester, newest first.
	FindInputRequests(ctx context.Context, relationshipID, requesterID string, pg Page) ([]*InputRequest, error)
}

// StatementStore stores statements for third parties.
type StatementStore interface {
	// CreateStatement stores a statement with its sealed body and comment (never Body or Comment).
	CreateStatement(ctx context.Context, st *Statement) error
	// UpdateStatement stores State, BodySealed, CommentSealed, SealVersion, ReleaseAt, UpdatedAt, ReleasedAt and WithdrawnAt.
	UpdateStatement(ctx context.Context, st *Statement) error
	FindStatementByID(ctx context.Context, id string) (*Statement, error)
	// FindStatements lists a page of a relationship's statements, newest first.
	FindStatements(ctx context.Context, relationshipID string, pg Page) ([]*Statement, error)
	// FindStatementsForRequests lists the statements answering any of these requests, newest first.
	FindStatementsForRequests(ctx context.Context, requestIDs []string) ([]*Statement, error)
	// FindStatementsForRecipient lists the released or withdrawn statements addressed to a user, newest first.
	FindStatementsForRecipient(ctx context.Context, recipientUserID string) ([]*Statement, error)
}

// ThreeWayStore stores three-way meetings with a line manager and their notes.
type ThreeWayStore interface {
	// CreateThreeWay stores a three-way meeting with its sealed brief (never Brief).
	CreateThreeWay(ctx context.Context, m *ThreeWayMeeting) error
	// UpdateThreeWay stores BriefSealed, SealVersion, StartsAt, Minutes, Location, State, MentorAgreedAt, MenteeAgreedAt and UpdatedAt.
	UpdateThreeWay(ctx context.Context, m *ThreeWayMeeting) error
	FindThreeWayByID(ctx context.Context, id string) (*ThreeWayMeeting, error)
	// FindThreeWays lists a page of three-way meetings by relationship (relationshipID != "") or by line manager, soonest first.
	FindThreeWays(ctx context.Context, relationshipID, managerID string, pg Page) ([]*ThreeWayMeeting, error)
}

// OIDCStore stores organisations' OpenID Connect providers.
type OIDCStore interface {
	// CreateOIDCProvider returns ECONFLICT when the organisation already has
	// this issuer and client ID.
	CreateOIDCProvider(ctx context.Context, p *OIDCProvider) error
	FindOIDCProviderByID(ctx context.Context, id string) (*OIDCProvider, error)
	// FindOIDCProviders lists the providers of one organisation, or of every
	// organisation when orgID is "", by name.
	FindOIDCProviders(ctx context.Context, orgID string) ([]*OIDCProvider, error)
	// DeleteOIDCProvider removes a provider; ENOTFOUND when there is none.
	DeleteOIDCProvider(ctx context.Context, id string) error
}
