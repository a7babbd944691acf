package mentorvault

import (
	"context"
	"time"
)

// NoticeStore records when a disclosure notice reached the other party, or
// that its message could not be delivered. Each write happens at most once
// per notice, whichever transaction gets there first.
type NoticeStore interface {
	// StartNotice records that the scheduled notice id reached the other
	// party at reachedAt via how, and fixes its effectiveAt, unless it was
	// reached already (or is no longer scheduled): reports whether it did.
	StartNotice(ctx context.Context, id string, reachedAt time.Time, via string, effectiveAt time.Time) (bool, error)
	// MarkNoticeUndelivered records that the message of the scheduled,
	// not yet reached notice id could not be delivered, at at, unless it
	// was recorded already: reports whether it did.
	MarkNoticeUndelivered(ctx context.Context, id string, at time.Time) (bool, error)
}
