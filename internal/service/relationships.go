package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Person is what other members may see of a user: name and email.
type Person struct {
	ID    string
	Name  string
	Email string
}

// RelationshipView is a relationship with its people and programme named.
// It carries no content.
type RelationshipView struct {
	*mentorvault.Relationship
	Mentor        Person
	Mentee        Person
	ProposedBy    Person
	MatchedBy     Person // the coordinator who matched the pair; zero when a party proposed
	ProgrammeName string // "" for informal
	ClosedBy      Person // who closed it (a coordinator when EndedByProgramme); zero while open
	HoldBy        Person // the org admin who placed the legal hold; zero without one
	// Allowed holds what Cedar lets the viewer do to the relationship
	// (policy.RelationshipActions); filled in by Relationship, nil in lists.
	Allowed policy.Allowed
}

// Role returns "mentor", "mentee" or "partner" for a party, "" for others.
func (v *RelationshipView) Role(userID string) string {
	switch {
	case !v.IsParty(userID):
		return ""
	case v.Kind == mentorvault.KindPeer:
		return "partner"
	case userID == v.MentorID:
		return "mentor"
	default:
		return "mentee"
	}
}

// Other returns the party who is not userID.
func (v *RelationshipView) Other(userID string) Person {
	if userID == v.MentorID {
		return v.Mentee
	}
	return v.Mentor
}

// views names the people and programmes of rels with one query each: the
// people by their IDs (FindUsersByIDs), never the whole organisation.
func views(ctx context.Context, tx mentorvault.Tx, orgID string, rels []*mentorvault.Relationship) ([]*RelationshipView, error) {
	if len(rels) == 0 {
		return []*RelationshipView{}, nil
	}
	progs, err := tx.FindProgrammes(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return viewsWith(ctx, tx, rels, progs)
}

// viewsWith is views with the organisation's programmes already loaded.
func viewsWith(ctx context.Context, tx mentorvault.Tx, rels []*mentorvault.Relationship, progs []*mentorvault.Programme) ([]*RelationshipView, error) {
	if len(rels) == 0 {
		return []*RelationshipView{}, nil
	}
	ids := make([]string, 0, 3*len(rels))
	for _, r := range rels {
		ids = append(ids, r.MentorID, r.MenteeID, r.ProposedByID)
		if r.ClosedByID != "" {
			ids = append(ids, r.ClosedByID)
		}
		if r.Hold != nil {
			ids = append(ids, r.Hold.ByID)
		}
	}
	people, err := peopleByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(progs))
	for _, p := range progs {
		names[p.ID] = p.Name
	}
	out := make([]*RelationshipView, len(rels))
	for i, r := range rels {
		out[i] = &RelationshipView{Relationship: r, Mentor: people[r.MentorID], Mentee: people[r.MenteeID],
			ProposedBy: people[r.ProposedByID], ProgrammeName: names[r.ProgrammeID], ClosedBy: people[r.ClosedByID]}
		if r.Hold != nil {
			out[i].HoldBy = people[r.Hold.ByID]
		}
		if r.MatchedByID != "" {
			out[i].MatchedBy = people[r.MatchedByID]
		}
	}
	return out, nil
}

// peopleByID names the users ids in one query (FindUsersByIDs); an unknown
// ID is left out.
func peopleByID(ctx context.Context, tx mentorvault.Tx, ids []string) (map[string]Person, error) {
	users, err := tx.FindUsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	people := make(map[string]Person, len(users))
	for _, u := range users {
		people[u.ID] = Person{ID: u.ID, Name: u.Name, Email: u.Email}
	}
	return people, nil
}

// ProposeInput is a proposal of a new relationship by one of its parties.
type ProposeInput struct {
	OtherEmail  string // the invited party
	MyRole      string // "mentor", "mentee" or "partner" (peer mentoring)
	ProgrammeID string // "" for an informal relationship
}

// ProposeRelationship proposes a relationship between the caller and another
// member and creates its data key. Returns EUNAUTHENTICATED, EFORBIDDEN,
// EINVALID or ECONFLICT (an open relationship between the two already exists).
func (s *Service) ProposeRelationship(ctx context.Context, p mentorvault.Principal, in ProposeInput) (*RelationshipView, error) {
	if err := lines(p, "other_email", in.OtherEmail, "my_role", in.MyRole, "programme_id", in.ProgrammeID); err != nil {
		return nil, err
	}
	var out *RelationshipView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.resolve(ctx, tx, p, policy.ProposeRelationship)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, tx, a, policy.ProposeRelationship, policy.Org{ID: a.user.OrgID}, target{orgID: a.user.OrgID, typ: "org", id: a.user.OrgID}, never); err != nil {
			return err
		}
		other, err := tx.FindUserByEmail(ctx, mentorvault.NormalizeEmail(in.OtherEmail))
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && (other.OrgID != a.user.OrgID || other.DisabledAt != nil)) {
			return mentorvault.Invalid("the relationship is not valid", map[string]string{"other_email": "is not a member of your organisation"})
		} else if err != nil {
			return err
		}
		if other.ID == a.user.ID {
			what := "mentor yourself or be your own mentee"
			if in.MyRole == "partner" {
				what = "be your own peer partner"
			}
			return mentorvault.Invalid("You cannot "+what+": invite someone else.", map[string]string{"other_email": "is your own address: you cannot " + what + "; invite someone else"})
		}
		r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: a.user.OrgID, ProgrammeID: in.ProgrammeID,
			ProposedByID: a.user.ID, Status: mentorvault.StatusProposed, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		switch in.MyRole {
		case "mentor":
			r.Kind, r.MentorID, r.MenteeID = mentorvault.KindMentoring, a.user.ID, other.ID
		case "mentee":
			r.Kind, r.MentorID, r.MenteeID = mentorvault.KindMentoring, other.ID, a.user.ID
		case "partner":
			r.Kind, r.MentorID, r.MenteeID = mentorvault.KindPeer, a.user.ID, other.ID
		default:
			return mentorvault.Invalid("the relationship is not valid", map[string]string{"my_role": `must be "mentor", "mentee" or "partner"`})
		}
		if err := r.Validate(); err != nil {
			return err
		}
		if r.ProgrammeID != "" {
			prog, err := tx.FindProgrammeByID(ctx, r.ProgrammeID)
			if err != nil || prog.OrgID != r.OrgID {
				return mentorvault.Invalid("the relationship is not valid", map[string]string{"programme_id": "is not a programme of your organisation"})
			}
		}
		// One pair, one open relationship, whatever its programme or kind.
		// The unique index relationships_listed_pair backs this check: of two
		// proposals at the same moment, the second to commit fails on it.
		open, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{PartyID: a.user.ID, Statuses: openStatuses})
		if err != nil {
			return err
		}
		for _, o := range open {
			if o.IsParty(other.ID) {
				return pairTaken(other, o)
			}
		}
		parties, err := s.createProposal(ctx, tx, r)
		if mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
			return pairTaken(other, nil)
		} else if err != nil {
			return err
		}
		vs, err := views(ctx, tx, r.OrgID, []*mentorvault.Relationship{r})
		if err != nil {
			return err
		}
		out = vs[0]
		if err := s.notifyPartner(ctx, tx, a, r, mentorvault.NotifyRelationshipProposed, r.ID, a.user.Name+" proposed a mentoring relationship with you.",
			"/relationships/"+r.ID, "relationship.proposed:"+r.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "relationship.propose", relTarget(r), withSeal("kind="+string(r.Kind), parties))
	})
	return out, err
}

// createProposal stores the new proposal r with its data key and the
// key's binding to the pair, and returns the binding for the audit event:
// the one way a relationship comes into being, whoever proposes it (a
// party, a mentee's pick, a coordinator's match). A proposal in a programme
// expires after the programme's proposal_expiry_days. Returns ECONFLICT
// when the pair already has an open relationship (the unique index
// relationships_listed_pair), for the caller to say in words.
func (s *Service) createProposal(ctx context.Context, tx mentorvault.Tx, r *mentorvault.Relationship) (sealedField, error) {
	if r.ProgrammeID != "" && r.ExpiresAt == nil {
		st, err := tx.FindProgrammeSettings(ctx, r.ProgrammeID)
		if err != nil {
			return sealedField{}, err
		}
		exp := r.CreatedAt.AddDate(0, 0, st.ExpiryDays())
		r.ExpiresAt = &exp
	}
	if err := tx.CreateRelationship(ctx, r); err != nil {
		return sealedField{}, err
	}
	wrapped, err := s.keys.NewDataKey(r.ID)
	if err != nil {
		return sealedField{}, err
	}
	if err := tx.CreateDataKey(ctx, r.ID, wrapped, tx.Now()); err != nil {
		return sealedField{}, err
	}
	return s.bindParties(ctx, tx, r, wrapped)
}

// openStatuses are the statuses in which a relationship holds its pair: the
// same two people have at most one relationship in any of them (the unique
// index relationships_listed_pair lists the same).
var openStatuses = []mentorvault.RelationshipStatus{mentorvault.StatusProposed, mentorvault.StatusAccepted,
	mentorvault.StatusAgreeing, mentorvault.StatusActive, mentorvault.StatusPaused}

// pairTaken is the conflict of proposing to someone the caller already has
// an open relationship with (o, when known), said in words.
func pairTaken(other *mentorvault.User, o *mentorvault.Relationship) error {
	name := strings.TrimSpace(other.Name)
	if name == "" {
		name = "this person"
	}
	if o == nil {
		return mentorvault.Errorf(mentorvault.ECONFLICT, "You and %s already have an open relationship.", name)
	}
	kind := "mentoring"
	if o.Kind == mentorvault.KindPeer {
		kind = "peer mentoring"
	}
	return mentorvault.Errorf(mentorvault.ECONFLICT, "You and %s already have a %s relationship (%s).", name, kind, o.Status)
}

// Relationship returns a relationship's public view. Returns
// EUNAUTHENTICATED or ENOTFOUND (also when the caller may not see it).
func (s *Service) Relationship(ctx context.Context, p mentorvault.Principal, id string) (*RelationshipView, error) {
	var out *RelationshipView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		var err error
		out, err = s.relationshipIn(ctx, tx, p, id)
		return err
	})
	return out, err
}

// relationshipIn is Relationship in the caller's transaction tx.
func (s *Service) relationshipIn(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, id string) (*RelationshipView, error) {
	a, err := s.resolve(ctx, tx, p, policy.ViewRelationship)
	if err != nil {
		return nil, err
	}
	rel, err := loadRel(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeRel(ctx, tx, a, policy.ViewRelationship, rel); err != nil {
		return nil, err
	}
	vs, err := views(ctx, tx, rel.OrgID, []*mentorvault.Relationship{rel})
	if err != nil {
		return nil, err
	}
	out := vs[0]
	// With the parties' line managers, whom input.request asks about.
	res, err := inputRequestResource(ctx, tx, rel)
	if err != nil {
		return nil, err
	}
	out.Allowed = s.allowed(ctx, a, res, policy.RelationshipActions...)
	return out, nil
}

var lifecycleActions = map[mentorvault.LifecycleAction]policy.Action{
	mentorvault.ActAccept:   policy.AcceptRelationship,
	mentorvault.ActDecline:  policy.DeclineRelationship,
	mentorvault.ActWithdraw: policy.WithdrawRelationship,
	mentorvault.ActPause:    policy.PauseRelationship,
	mentorvault.ActResume:   policy.ResumeRelationship,
	mentorvault.ActClose:    policy.CloseRelationship,
}

// lifecycleNotices are the notifications each lifecycle action sends the
// other party, and lifecycleWords how their texts say it.
var (
	lifecycleNotices = map[mentorvault.LifecycleAction]string{
		mentorvault.ActAccept: mentorvault.NotifyRelationshipAccepted, mentorvault.ActDecline: mentorvault.NotifyRelationshipDeclined,
		mentorvault.ActWithdraw: mentorvault.NotifyRelationshipWithdrawn, mentorvault.ActPause: mentorvault.NotifyRelationshipPaused,
		mentorvault.ActResume: mentorvault.NotifyRelationshipResumed, mentorvault.ActClose: mentorvault.NotifyRelationshipClosed,
	}
	lifecycleWords = map[mentorvault.LifecycleAction]string{
		mentorvault.ActAccept: "accepted", mentorvault.ActDecline: "declined", mentorvault.ActWithdraw: "withdrew",
		mentorvault.ActPause: "paused", mentorvault.ActResume: "resumed", mentorvault.ActClose: "closed",
	}
)

// LifecycleAction is the policy action that decides the lifecycle action a
// ("" for an unknown one), for a view to look it up in RelationshipView.Allowed.
func LifecycleAction(a mentorvault.LifecycleAction) policy.Action { return lifecycleActions[a] }

// Transition performs a lifecycle action. Returns EUNAUTHENTICATED,
// ENOTFOUND, EFORBIDDEN, EINVALID (unknown action) or ECONFLICT (not allowed
// from the current status, with a message that says why).
func (s *Service) Transition(ctx context.Context, p mentorvault.Principal, id string, action mentorvault.LifecycleAction) (*RelationshipView, error) {
	act, ok := lifecycleActions[action]
	if !ok {
		names := make([]string, len(mentorvault.LifecycleActions))
		for i, a := range mentorvault.LifecycleActions {
			names[i] = string(a)
		}
		return nil, mentorvault.Invalid(fmt.Sprintf("unknown action %q", string(action)), map[string]string{"action": "must be one of " + strings.Join(names, ", ")})
	}
	if action == mentorvault.ActClose {
		return s.CloseRelationship(ctx, p, id, CloseInput{})
	}
	var out *RelationshipView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.resolve(ctx, tx, p, act)
		if err != nil {
			return err
		}
		rel, err := loadRel(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.authorizeRel(ctx, tx, a, act, rel); err != nil {
			return err
		}
		from := rel.Status
		if err := rel.Apply(action, a.user.ID, tx.Now()); err != nil {
			return err
		}
		if rel.EndedAt != nil { // declined or withdrawn: what was written before it started is erased too
			days, _, err := s.retentionDays(ctx, tx, rel)
			if err != nil {
				return err
			}
			rel.ClosedByID = a.user.ID
			rel.ScheduleErasure(tx.Now().AddDate(0, 0, days), tx.Now())
		}
		if err := tx.UpdateRelationship(ctx, rel); err != nil {
			return err
		}
		vs, err := views(ctx, tx, rel.OrgID, []*mentorvault.Relationship{rel})
		if err != nil {
			return err
		}
		out = vs[0]
		if rel.Matched() && (action == mentorvault.ActAccept || action == mentorvault.ActDecline) {
			if err := s.notifyMatchAnswer(ctx, tx, a, rel, action); err != nil {
				return err
			}
		} else if kind := lifecycleNotices[action]; kind != "" {
			if err := s.notifyPartner(ctx, tx, a, rel, kind, rel.ID, fmt.Sprintf("%s %s the mentoring relationship.", a.user.Name, lifecycleWords[action]),
				"/relationships/"+rel.ID, kind+":"+rel.ID+":"+tx.Now().Format("20060102150405.000000")); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, "relationship."+string(action), relTarget(rel), fmt.Sprintf("from=%s; to=%s", from, rel.Status))
	})
	return out, err
}

// notifyMatchAnswer tells the other party and the coordinator who matched
// them that a party accepted or declined the match, and where it stands.
func (s *Service) notifyMatchAnswer(ctx context.Context, tx mentorvault.Tx, a actor, rel *mentorvault.Relationship, action mentorvault.LifecycleAction) error {
	people, err := peopleByID(ctx, tx, []string{rel.MentorID, rel.MenteeID})
	if err != nil {
		return err
	}
	other := people[rel.Partner(a.user.ID)]
	var toOther, toCoord string
	switch {
	case action == mentorvault.ActDecline:
		toOther = a.user.Name + " declined the match the programme proposed."
		toCoord = fmt.Sprintf("%s declined the match with %s.", a.user.Name, other.Name)
	case rel.Status == mentorvault.StatusAccepted:
		toOther = a.user.Name + " accepted the match too: it is accepted. Next, draft and sign your confidentiality agreement together."
		toCoord = fmt.Sprintf("%s and %s both accepted the match.", a.user.Name, other.Name)
	default:
		toOther = a.user.Name + " accepted the match the programme proposed; it waits for your answer."
		toCoord = fmt.Sprintf("%s accepted the match with %s; it waits for %s.", a.user.Name, other.Name, other.Name)
	}
	stamp := tx.Now().Format("20060102150405.000000")
	if err := s.notifyBy(ctx, tx, a.user.ID, other.ID, mentorvault.NotifyMatchAnswered, rel.ID, rel.ID, toOther, "/relationships/"+rel.ID,
		mentorvault.NotifyMatchAnswered+":"+rel.ID+":"+other.ID+":"+stamp); err != nil {
		return err
	}
	return s.notifyBy(ctx, tx, a.user.ID, rel.MatchedByID, mentorvault.NotifyMatchAnswered, rel.ID, rel.ID, toCoord, "/relationships/"+rel.ID,
		mentorvault.NotifyMatchAnswered+":"+rel.ID+":"+rel.MatchedByID+":"+stamp)
}

// DirectoryFilter selects a page of the directory, oldest first.
type DirectoryFilter struct {
	// Query keeps the relationships whose mentor's or mentee's name or
	// email, or whose programme's name, contains it (case-insensitive).
	Query  string
	Limit  int // at most this many: DirectoryPage when 0, at most MaxDirectoryPage
	Offset int // skip this many first
}

// Directory page sizes.
const (
	DirectoryPage    = 100
	MaxDirectoryPage = 500
)

// Directory lists a page of the relationships of the caller's organisation
// that are accepted, being agreed, active or paused: existence is public to
// members. A page reads only its own rows and names only its own people,
// whatever the organisation's size. Returns EUNAUTHENTICATED, EFORBIDDEN or
// EINVALID (a negative limit or offset).
func (s *Service) Directory(ctx context.Context, p mentorvault.Principal, f DirectoryFilter) ([]*RelationshipView, error) {
	if f.Limit < 0 || f.Offset < 0 {
		return nil, mentorvault.Invalid("the page is not valid", map[string]string{"limit": "must not be negative", "offset": "must not be negative"})
	}
	if err := mentorvault.ValidateLines("q", f.Query); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = DirectoryPage
	}
	limit = min(limit, MaxDirectoryPage)
	var out []*RelationshipView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.resolve(ctx, tx, p, policy.ViewDirectory)
		if err != nil {
			return err
		}
		org := a.user.OrgID
		if err := s.authorize(ctx, tx, a, policy.ViewDirectory, policy.Org{ID: org}, target{orgID: org, typ: "org", id: org}, never); err != nil {
			return err
		}
		rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{OrgID: org, Query: f.Query, Limit: limit, Offset: f.Offset,
			Statuses: []mentorvault.RelationshipStatus{mentorvault.StatusAccepted, mentorvault.StatusAgreeing, mentorvault.StatusActive, mentorvault.StatusPaused}})
		if err != nil {
			return err
		}
		out, err = views(ctx, tx, org, rels)
		return err
	})
	return out, err
}

// MyRelationships lists the caller's own relationships in every status.
// Returns EUNAUTHENTICATED.
func (s *Service) MyRelationships(ctx context.Context, p mentorvault.Principal) ([]*RelationshipView, error) {
	var out []*RelationshipView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.resolve(ctx, tx, p, policy.ViewRelationship)
		if err != nil {
			return err
		}
		rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{PartyID: a.user.ID})
		if err != nil {
			return err
		}
		for _, r := range rels {
			if err := s.authorizeRel(ctx, tx, a, policy.ViewRelationship, r); err != nil {
				return err
			}
		}
		out, err = views(ctx, tx, a.user.OrgID, rels)
		return err
	})
	return out, err
}
