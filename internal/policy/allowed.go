package policy

import (
	"errors"
	"fmt"
	"slices"
)

// Allowed is the set of actions one principal may take on one resource, as
// Cedar decided them. Service views carry it so that a page offers a button
// only from it and no handler re-derives a rule (DESIGN.md §2.6).
type Allowed map[Action]bool

// Has reports whether act is allowed.
func (a Allowed) Has(act Action) bool { return a[act] }

// Can reports whether the action with this Cedar ID (e.g.
// "meeting.schedule") is allowed; it is for templates. An ID that names no
// action is an error, so a typo in a template fails the page (and its test)
// instead of silently hiding a button.
func (a Allowed) Can(id string) (bool, error) {
	act := Action(id)
	if _, ok := actionIndex[act]; !ok {
		return false, fmt.Errorf("policy: no action %q", id)
	}
	return a[act], nil
}

var actionIndex = func() map[Action]int {
	m := make(map[Action]int, len(Actions))
	for i, a := range Actions {
		m[a] = i
	}
	return m
}()

// Allow decides each of acts on one resource for s. An action whose
// evaluation errored is denied and its error returned (joined with the
// others'): the caller logs it as the bug it is.
func (a *Authorizer) Allow(s Subject, r Resource, acts ...Action) (Allowed, error) {
	ents, principal, resource, err := a.request(s, r)
	if err != nil {
		return Allowed{}, err
	}
	out := make(Allowed, len(acts))
	var errs []error
	for _, act := range acts {
		d, err := a.decide(ents, principal, act, resource)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if d.Allowed {
			out[act] = true
		}
	}
	return out, errors.Join(errs...)
}

// RelationshipActions are the actions whose resource is a Relationship:
// what a relationship's page may offer its viewer.
var RelationshipActions = []Action{
	ViewRelationship, AcceptRelationship, DeclineRelationship, WithdrawRelationship,
	PauseRelationship, ResumeRelationship, CloseRelationship, EndRelationship, HoldRelationship,
	AgreementStatus, ReadAgreement, EditAgreement, SignAgreement, CommentAgreement, ExportAgreement,
	RecordReview, ReadReviews,
	CreateNote, ListNotes, ReadAudit,
	ScheduleMeeting, ListMeetings, UpdateMeeting, StartMeeting,
	CreateCommitment, UpdateCommitment, ListCommitments,
	CreateGoal, ListGoals,
	RequestFeedback, ListFeedback,
	RaiseConcern, ReadConcerns, ActOnConcern, StartConsultation,
	RequestInput, ReadThirdParty, ActThirdParty,
}

// partyOnlyWall is the forbid that keeps everyone outside the pair away
// from the pair's content (walls.cedar).
const partyOnlyWall = "forbid.party-only.non-party"

// OutsideThePair reports whether d refused a content action because the
// principal is outside the pair (the party-only wall determined it). Such a
// principal may not know what the pair's content holds, so the refusal is
// answered as not found, the same by the web and the API.
func OutsideThePair(act Action, d Decision) bool {
	return !d.Allowed && slices.Contains(actionGroups[act], "content") && slices.Contains(d.Policies, partyOnlyWall)
}
