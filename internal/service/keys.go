package service

import (
	"context"
	"fmt"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// Master key versions are the operator's (mentorvault keys list | rotate |
// retire): these calls read and rewrap wrapped keys, never content, and the
// HTTP server never calls them.

// rewrapBatch is how many keys one transaction rewraps.
const rewrapBatch = 200

var wrappedKinds = []mentorvault.WrappedKeyKind{mentorvault.WrappedDataKey, mentorvault.WrappedOutboxKey}

// keyringID is the ID a key is wrapped for (its associated data).
func keyringID(k mentorvault.WrappedKey) string {
	if k.Kind == mentorvault.WrappedOutboxKey {
		return outboxKeyID(k.ID)
	}
	return k.ID
}

// MasterKeyUse counts the live wrapped keys by the master key version that
// wrapped them. A version with none can be retired.
func (s *Service) MasterKeyUse(ctx context.Context) (map[uint32]int, error) {
	use := map[uint32]int{}
	err := s.eachWrappedKeys(ctx, func(tx mentorvault.Tx, page []mentorvault.WrappedKey) (func(), error) {
		vs := make([]uint32, 0, len(page))
		for _, k := range page {
			v, err := seal.WrappedVersion(k.Wrapped)
			if err != nil {
				return nil, fmt.Errorf("the %s key %s is not a wrapped keyset", k.Kind, k.ID)
			}
			vs = append(vs, v)
		}
		return func() {
			for _, v := range vs {
				use[v]++
			}
		}, nil
	})
	return use, err
}

// RewrapKeys wraps every live key that a version other than primary wrapped
// again, with the keyring's primary version, in batches of one transaction
// each. It returns how many it rewrapped and how many it skipped because
// they changed while it ran (a data key rotated or destroyed meanwhile:
// MasterKeyUse afterwards says whether any still needs another pass). The
// keyring must have been loaded after primary became the primary version.
func (s *Service) RewrapKeys(ctx context.Context, primary uint32) (rewrapped, skipped int, err error) {
	err = s.eachWrappedKeys(ctx, func(tx mentorvault.Tx, page []mentorvault.WrappedKey) (func(), error) {
		done, missed := 0, 0
		for _, k := range page {
			if v, err := seal.WrappedVersion(k.Wrapped); err == nil && v == primary {
				continue
			}
			w, err := s.keys.Rewrap(keyringID(k), k.Wrapped)
			if err != nil {
				return nil, fmt.Errorf("rewrap the %s key %s: %w", k.Kind, k.ID, err)
			}
			if v, err := seal.WrappedVersion(w); err != nil || v != primary {
				return nil, fmt.Errorf("rewrap: the keyring wraps with version %d, not the primary %d: reload the master key", v, primary)
			}
			ok, err := tx.RewrapKey(ctx, k.Kind, k.ID, k.Wrapped, w, tx.Now())
			if err != nil {
				return nil, err
			}
			if ok {
				done++
			} else {
				missed++
			}
		}
		return func() { rewrapped += done; skipped += missed }, nil
	})
	return rewrapped, skipped, err
}

// eachWrappedKeys calls fn with every live wrapped key, a page per
// transaction; the func fn returns runs once that transaction committed
// (fn may run again for the same page if the transaction is retried).
func (s *Service) eachWrappedKeys(ctx context.Context, fn func(mentorvault.Tx, []mentorvault.WrappedKey) (func(), error)) error {
	for _, kind := range wrappedKinds {
		after := ""
		for {
			var page []mentorvault.WrappedKey
			var commit func()
			err := s.inTx(ctx, func(tx mentorvault.Tx) error {
				var err error
				if page, err = tx.FindWrappedKeys(ctx, kind, after, rewrapBatch); err != nil {
					return err
				}
				commit, err = fn(tx, page)
				return err
			})
			if err != nil {
				return err
			}
			commit()
			if len(page) < rewrapBatch {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	return nil
}

// scrubber is a store that can leave no copy of destroyed keys in its files.
type scrubber interface {
	Scrub(ctx context.Context) error
}

// scrub runs after a transaction that destroyed a data key committed: the
// store checkpoints its log (SQLite) or vacuums the key table (PostgreSQL).
// A failure is logged, not returned: the key is destroyed either way, and
// the next checkpoint or vacuum finishes the job.
func (s *Service) scrub(ctx context.Context) {
	sc, ok := s.store.(scrubber)
	if !ok {
		return
	}
	if err := sc.Scrub(ctx); err != nil {
		s.log.Warn("scrub after erasure", "err", err)
	}
}
