package service

import (
	"context"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// StartExport decides and audits a party's download of everything they
// may read of a relationship (GET /api/v1/relationships/{id}/export): the
// parties may, whenever they may download the agreement, until the
// content is erased. It answers the relationship; the content itself is
// then read through the calls the export is made of, each decided and
// audited as usual, so the export never holds more than those would show
// (never the other party's private notes). Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN, or EGONE once the content is erased.
func (s *Service) StartExport(ctx context.Context, p mentorvault.Principal, relID string) (*RelationshipView, error) {
	var rv *RelationshipView
	err := s.relOp(ctx, p, policy.ExportAgreement, relID, agreementRefusal(policy.ExportAgreement), func(o *op) (event, error) {
		r, err := relView(o.ctx, o.tx, o.rel)
		if err != nil {
			return event{}, err
		}
		if _, err := o.key(); err != nil { // erased: nothing to export
			return event{}, err
		}
		rv = r
		return event{"relationship.export", relTarget(o.rel), ""}, nil
	})
	return rv, err
}
