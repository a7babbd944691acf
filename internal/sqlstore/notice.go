package sqlstore

import (
	"context"
	"time"

	"github.com/mentorvault/mentorvault"
)

// StartNotice records that a scheduled notice reached the other party and
// fixes when it takes effect; a notice reached already (by the other way,
// in a transaction that got there first) is left as it is and false
// returned. The condition in the UPDATE is what makes it once: PostgreSQL
// re-checks it after a concurrent writer commits, SQLite has one writer.
func (tx *Tx) StartNotice(ctx context.Context, id string, reachedAt time.Time, via string, effectiveAt time.Time) (bool, error) {
	d := tx.d
	res, err := tx.write(ctx, `UPDATE disclosures SET reached_at = ?, reached_via = ?, effective_at = ?, updated_at = ?
WHERE id = ? AND kind = ? AND state = ? AND reached_at IS NULL`,
		d.timeArg(reachedAt), via, d.timeArg(effectiveAt), d.timeArg(reachedAt), id, string(mentorvault.DisclosureNotice), string(mentorvault.DisclosureScheduled))
	if err != nil {
		return false, mapError("start notice", "disclosure", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, wrapErr("start notice", err)
	}
	return n == 1, nil
}

// MarkNoticeUndelivered records once that a scheduled notice's message could
// not be delivered before the other party was reached.
func (tx *Tx) MarkNoticeUndelivered(ctx context.Context, id string, at time.Time) (bool, error) {
	d := tx.d
	res, err := tx.write(ctx, `UPDATE disclosures SET undelivered_at = ?
WHERE id = ? AND kind = ? AND state = ? AND reached_at IS NULL AND undelivered_at IS NULL`,
		d.timeArg(at), id, string(mentorvault.DisclosureNotice), string(mentorvault.DisclosureScheduled))
	if err != nil {
		return false, mapError("mark notice undelivered", "disclosure", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, wrapErr("mark notice undelivered", err)
	}
	return n == 1, nil
}
