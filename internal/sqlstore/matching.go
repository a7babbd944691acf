package sqlstore

import (
	"context"
)

// FindManagers maps each of an organisation's people who has a line manager
// to that manager.
func (tx *Tx) FindManagers(ctx context.Context, orgID string) (map[string]string, error) {
	rows, err := tx.query(ctx, `SELECT id, manager_id FROM users WHERE org_id = ? AND manager_id IS NOT NULL AND manager_id <> ''`, orgID)
	if err != nil {
		return nil, wrapErr("find managers", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, m string
		if err := rows.Scan(&id, &m); err != nil {
			return nil, wrapErr("find managers", err)
		}
		out[id] = m
	}
	return out, wrapErr("find managers", rows.Err())
}
