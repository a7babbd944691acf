package mentorvault

import "context"

// MatchStore reads what matching needs about an organisation that the
// other stores give only a page at a time.
type MatchStore interface {
	// FindManagers returns each of the organisation's people who has a line
	// manager, mapped to that manager's ID, in one query.
	FindManagers(ctx context.Context, orgID string) (map[string]string, error)
}
