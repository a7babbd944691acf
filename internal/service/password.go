package service

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
)

// BreachedPasswordReason is the reason given for a password on the embedded
// list of passwords known from breaches.
const BreachedPasswordReason = "this password is on a list of passwords known from breaches; choose another"

// passwordProblem is what is wrong with a new password under the rules that
// apply wherever a password is set (invitation, change, reset, CLI), or "".
func passwordProblem(password string) string {
	if utf8.RuneCountInString(password) < MinPasswordLen || len(password) > maxPasswordBytes {
		return fmt.Sprintf("must be at least %d characters (and at most %d bytes)", MinPasswordLen, maxPasswordBytes)
	}
	if auth.Breached(password) {
		return BreachedPasswordReason
	}
	return ""
}

// changePasswordKey is the rate-limit key of a user's password changes:
// the step-up counter, so wrong current passwords here and at a signature
// add up.
func changePasswordKey(userID string) string { return stepUpKey(userID) }

// ChangePassword sets the caller's password after they re-enter the current
// one (rate-limited like a step-up) and ends every other session of theirs;
// keepSessionID, the session the change came from ("" for a bearer token),
// stays. API tokens are separate credentials and stay too. Returns
// EUNAUTHENTICATED, EINVALID (current_password wrong, new_password against
// the rules) or ETOOMANY.
func (s *Service) ChangePassword(ctx context.Context, p mentorvault.Principal, keepSessionID, current, next string) error {
	if p.Anonymous() {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	if err := mentorvault.ValidateLines("current_password", current, "new_password", next); err != nil {
		return err
	}
	if problem := passwordProblem(next); problem != "" {
		return mentorvault.Invalid("the new password is not valid", map[string]string{"new_password": problem})
	}
	p, err := s.settled(ctx, p)
	if err != nil {
		return err
	}
	// Step-up: the slow hashes run outside any transaction.
	tx, err := s.store.BeginTx(ctx)
	if err != nil {
		return err
	}
	var failures int
	user, err := tx.FindUserByID(ctx, p.UserID)
	if err == nil {
		failures, err = tx.CountLoginFailures(ctx, changePasswordKey(p.UserID), tx.Now().Add(-LoginWindow))
	}
	_ = tx.Rollback()
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	if err != nil {
		return err
	}
	ok, hash := false, ""
	if failures < MaxFailuresPerPair {
		stored := s.dummyHash
		if user.PasswordHash != "" {
			stored = user.PasswordHash
		}
		match, verr := s.verifyPassword(ctx, stored, current)
		if verr != nil && ctx.Err() != nil {
			return verr
		}
		ok = match && verr == nil && user.PasswordHash != "" && len(current) <= maxPasswordBytes
		if ok {
			if hash, err = s.hashPassword(ctx, next); err != nil {
				return err
			}
		}
	}
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.account(ctx, tx, p)
		if err != nil {
			return err
		}
		t := target{orgID: a.user.OrgID, typ: "user", id: a.user.ID}
		if failures >= MaxFailuresPerPair {
			return s.record2(ctx, tx, a, "password.change", mentorvault.OutcomeDenied, t, "rate limited",
				mentorvault.Errorf(mentorvault.ETOOMANY, "too many wrong passwords; wait a few minutes and try again"))
		}
		if !ok {
			if err := tx.RecordLoginFailure(ctx, changePasswordKey(a.user.ID), tx.Now()); err != nil {
				return err
			}
			return s.record2(ctx, tx, a, "password.change", mentorvault.OutcomeFailed, t, "wrong current password",
				mentorvault.Invalid("the password is not changed", map[string]string{"current_password": "is not your current password"}))
		}
		if err := tx.UpdateUserPassword(ctx, a.user.ID, hash); err != nil {
			return err
		}
		if err := tx.DeleteOtherUserSessions(ctx, a.user.ID, keepSessionID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "password.change", t, "other sessions ended; API tokens kept")
	})
}
