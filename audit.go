package mentorvault

import (
	"strings"
	"time"
)

// Audit outcomes.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied"
	OutcomeFailed = "failed"
)

// AuditEvent is one entry of the hash-chained audit log. It records who did
// what to which record, never the content itself. Seq numbers the chain from
// 1; Hash = SHA-256 over PrevHash and the event's canonical encoding (see
// internal/audit).
type AuditEvent struct {
	Seq            int64
	ID             string
	At             time.Time
	ActorID        string // "" for anonymous or the system
	Action         string // e.g. "note.read", "login", "token.use"
	Outcome        string // OutcomeOK, OutcomeDenied or OutcomeFailed
	OrgID          string
	RelationshipID string
	ResourceType   string // "note", "relationship", "user", …
	ResourceID     string
	Detail         string // non-confidential context, e.g. "via=token"
	PrevHash       []byte
	Hash           []byte
}

// AuditHead is the end of the chain: how many events it holds and the hash
// of the last one (nil for an empty chain).
type AuditHead struct {
	Seq  int64
	Hash []byte
}

// AuditFilter selects audit events. Zero fields do not filter.
type AuditFilter struct {
	RelationshipID string
	AfterSeq       int64 // events with Seq > AfterSeq
	BeforeSeq      int64 // events with Seq < BeforeSeq (0: no bound)
	Limit          int
	Offset         int // events to skip, in the order selected, after the Seq bounds
	Descending     bool
	ActorID        string    // only this person's events
	NotActorID     string    // everyone's but this person's
	Since, Until   time.Time // events at or after Since, before Until
	// Kind keeps only reads (AuditReads), only changes (AuditChanges: every
	// event that is not a read), or only refused and failed attempts
	// (AuditRefused); "" keeps all.
	Kind string
}

// Kinds of audit event an AuditFilter may keep.
const (
	AuditReads   = "reads"
	AuditChanges = "changes"
	AuditRefused = "refused"
)

// ReadActionSuffixes end the actions that only read: opening, listing,
// viewing, comparing, verifying or downloading something.
var ReadActionSuffixes = []string{".read", ".list", ".view", ".status", ".diff", ".verify", ".export", ".ics", ".receive"}

// IsReadAction reports whether action only reads.
func IsReadAction(action string) bool {
	for _, s := range ReadActionSuffixes {
		if strings.HasSuffix(action, s) {
			return true
		}
	}
	return false
}
