package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/mentorvault/mentorvault"
)

// SealLeftovers seals, once, the content that rows written before migration
// 0008 keep in plain columns — an input request's purpose and decline
// reply, a statement's purpose, a disclosure's how and outside recipient's
// name — with the relationship's data key, and clears the plain columns.
// Each record sealed is a system write on the audit log ("record.seal",
// with its digests). It is idempotent: a row whose field is sealed is left
// alone, so a rerun after an interruption seals only the rest; once it has
// finished (the upgrade step "seal-leftovers"), it never runs again, so a
// plain value written into those columns later outside mentorvault is never
// sealed as if it were genuine. A relationship whose key was destroyed is
// skipped (its content went with the key). 'serve' runs it before it
// listens, after BindLegacyParties. Returns how many records it sealed.
func (s *Service) SealLeftovers(ctx context.Context) (int, error) {
	var rels []*mentorvault.Relationship
	done := false
	if err := s.readOnly(ctx, func(tx mentorvault.Tx) (err error) {
		if done, err = tx.UpgradeStepDone(ctx, "seal-leftovers"); err != nil || done {
			return err
		}
		rels, err = tx.FindRelationships(ctx, mentorvault.RelationshipFilter{})
		return err
	}); err != nil || done {
		return 0, err
	}
	total := 0
	for _, r := range rels {
		var n int
		err := s.inTx(ctx, func(tx mentorvault.Tx) error {
			n = 0 // inTx may run this again
			rel, err := loadRel(ctx, tx, r.ID)
			if err != nil {
				return err
			}
			key, err := s.dataKey(ctx, tx, rel.ID)
			if errors.Is(err, errErased) {
				return nil
			}
			if err != nil {
				return err
			}
			n, err = s.sealLeftovers(ctx, tx, rel, key)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("seal leftover plain fields of relationship %s: %w", r.ID, err)
		}
		total += n
	}
	return total, s.inTx(ctx, func(tx mentorvault.Tx) error {
		_, err := tx.StartUpgradeStep(ctx, "seal-leftovers", tx.Now())
		return err
	})
}

func (s *Service) sealLeftovers(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, key []byte) (int, error) {
	sys := actor{p: mentorvault.Principal{Via: "service"}}
	n := 0
	reqs, err := tx.FindInputRequests(ctx, rel.ID, "", mentorvault.Page{})
	if err != nil {
		return n, err
	}
	for _, r := range reqs {
		if (r.PurposeSealed != nil || r.Purpose == "") && (r.DeclineReplySealed != nil || r.DeclineReply == "") {
			continue
		}
		if err := s.openRequest(ctx, key, r); err != nil {
			return n, err
		}
		if err := s.sealRequest(key, r); err != nil {
			return n, err
		}
		if err := tx.UpdateInputRequest(ctx, r); err != nil {
			return n, err
		}
		if err := s.record(ctx, tx, sys, "record.seal", requestTarget(rel, r.ID), withSeal("sealed leftover plain fields", requestSealed(r)...)); err != nil {
			return n, err
		}
		n++
	}
	sts, err := tx.FindStatements(ctx, rel.ID, mentorvault.Page{})
	if err != nil {
		return n, err
	}
	for _, st := range sts {
		if st.PurposeSealed != nil || st.Purpose == "" {
			continue
		}
		if err := s.openStatement(ctx, key, st); err != nil {
			return n, err
		}
		if err := s.sealStatement(key, st); err != nil {
			return n, err
		}
		if err := tx.UpdateStatement(ctx, st); err != nil {
			return n, err
		}
		if err := s.record(ctx, tx, sys, "record.seal", statementTarget(rel, st.ID), withSeal("sealed leftover plain fields", statementSealed(st)...)); err != nil {
			return n, err
		}
		n++
	}
	cs, err := tx.FindConcerns(ctx, rel.ID)
	if err != nil {
		return n, err
	}
	for _, c := range cs {
		ds, err := tx.FindDisclosures(ctx, c.ID)
		if err != nil {
			return n, err
		}
		for _, d := range ds {
			if (d.HowSealed != nil || d.How == "") && (d.RecipientNameSealed != nil || d.RecipientName == "") {
				continue
			}
			if err := s.openDisclosure(ctx, key, d); err != nil {
				return n, err
			}
			if err := s.sealDisclosure(key, d); err != nil {
				return n, err
			}
			if err := tx.UpdateDisclosure(ctx, d); err != nil {
				return n, err
			}
			t := target{orgID: rel.OrgID, relID: rel.ID, typ: "disclosure", id: d.ID}
			if err := s.record(ctx, tx, sys, "record.seal", t, withSeal("sealed leftover plain fields", disclosureSealed(d)...)); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
