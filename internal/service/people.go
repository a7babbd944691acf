package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// People: an org admin lists, adds, edits, invites, deactivates and
// reactivates the people of their organisation and grants or revokes org
// admin. Every call is decided by Cedar (people.*) and audited; none sets,
// shows or resets a password: a person sets their own through a single-use
// invitation link.

// PersonView is a person as their organisation's admin sees them: never a
// password or its hash, never anything of their relationships.
type PersonView struct {
	ID, Name, Email string
	ManagerID       string // "" if none
	ManagerName     string
	OrgAdmin        bool
	CreatedAt       time.Time
	DeactivatedAt   *time.Time // nil while active
	// HasPassword is true once the person set a password (through an
	// invitation, or given by the operator CLI); whether, not what.
	HasPassword bool
	// Invitation is the state of the latest invitation ("" if none was
	// made), and InvitationExpiresAt when it stops working.
	Invitation          mentorvault.InvitationState
	InvitationExpiresAt *time.Time
	// EmailFailingAt is when the SMTP server refused the person's address
	// for good (nil while it is not failing): no more email goes there.
	EmailFailingAt *time.Time
	// PendingEmail is a new address waiting for its confirmation link to
	// be opened (set on a single person's view only), or nil.
	PendingEmail *PendingEmail
	// Allowed holds what Cedar lets the viewer do to this person
	// (personActions).
	Allowed policy.Allowed
}

// Active reports whether the person is not deactivated.
func (v *PersonView) Active() bool { return v.DeactivatedAt == nil }

// CanInvite reports whether a new invitation link makes sense: the person is
// active and has not set a password yet (an invitation is never a way to
// reset someone's password, which the admin would then know).
func (v *PersonView) CanInvite() bool { return v.Active() && !v.HasPassword }

// CanSendReset reports whether a password reset link makes sense: the
// person is active and has a password (one who has not is invited).
func (v *PersonView) CanSendReset() bool { return v.Active() && v.HasPassword }

// personActions are what a person's view says the viewer may do.
var personActions = []policy.Action{policy.UpdatePerson, policy.DeactivatePerson, policy.InvitePerson, policy.AdminPerson, policy.ResetPersonPassword}

// PeopleFilter selects a page of the organisation's people: Query is a
// prefix of the name or email (any case); Limit 0 takes the default page.
type PeopleFilter struct {
	Query  string
	Limit  int
	Offset int
}

// PeoplePage is one page of the people list.
type PeoplePage struct {
	People []*PersonView
	Query  string
	Limit  int
	Offset int
	More   bool // there is a next page
	// MailOn is whether the server sends email (invitations included).
	MailOn bool
	// Allowed holds what Cedar lets the viewer do on the organisation
	// (people.create, org.scim).
	Allowed policy.Allowed
}

// InvitationLink is a new invitation: Token goes into the link
// /invite/{token}, is shown to the admin once and stored only as a hash.
type InvitationLink struct {
	Token     string
	ExpiresAt time.Time
}

// invitationTokenPrefix marks invitation tokens.
const invitationTokenPrefix = "mvi_"

func personResource(u *mentorvault.User) policy.Person {
	return policy.Person{ID: u.ID, OrgID: u.OrgID}
}

func personTarget(u *mentorvault.User) target {
	return target{orgID: u.OrgID, typ: "person", id: u.ID}
}

func orgTarget(orgID string) target { return target{orgID: orgID, typ: "org", id: orgID} }

// peopleOrg resolves the actor and decides act (people.list or
// people.create) on their own organisation.
func (s *Service) peopleOrg(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action) (actor, error) {
	a, err := s.resolve(ctx, tx, p, act)
	if err != nil {
		return a, err
	}
	org := a.user.OrgID
	return a, s.authorize(ctx, tx, a, act, policy.Org{ID: org}, orgTarget(org), never)
}

// personCall resolves the actor, loads the person and decides act on them.
// A change (lock) first takes the organisation's people lock, so two
// admins' changes take turns and each decides on what the other committed.
// A person of another organisation, or an ID that names nobody, is not
// found; one of the actor's own organisation they may not manage is
// forbidden (members know each other from the directory).
func (s *Service) personCall(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action, id string, lock bool) (actor, *mentorvault.User, error) {
	a, err := s.resolve(ctx, tx, p, act)
	if err != nil {
		return a, nil, err
	}
	notFound := mentorvault.Errorf(mentorvault.ENOTFOUND, "person not found")
	if !mentorvault.ValidID(id) {
		return a, nil, notFound
	}
	if lock {
		if err := tx.LockOrgPeople(ctx, a.user.OrgID); err != nil {
			return a, nil, err
		}
	}
	u, err := tx.FindUserByID(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return a, nil, notFound
	} else if err != nil {
		return a, nil, err
	}
	hidden := func() bool { return u.OrgID != a.user.OrgID }
	if err := s.authorize(ctx, tx, a, act, personResource(u), personTarget(u), hidden); err != nil {
		return a, nil, err
	}
	return a, u, nil
}

// personView builds the view of u for the actor.
func (s *Service) personView(ctx context.Context, tx mentorvault.Tx, a actor, u *mentorvault.User, managers map[string]string) (*PersonView, error) {
	v := &PersonView{ID: u.ID, Name: u.Name, Email: u.Email, ManagerID: u.ManagerID, OrgAdmin: u.OrgAdmin,
		CreatedAt: u.CreatedAt, DeactivatedAt: u.DisabledAt, HasPassword: u.PasswordHash != ""}
	if u.ManagerID != "" {
		name, ok := managers[u.ManagerID]
		if !ok {
			name = personName(ctx, tx, u.ManagerID)
		}
		v.ManagerName = name
	}
	invs, err := tx.FindInvitations(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if len(invs) > 0 {
		v.Invitation = invs[0].State(tx.Now())
		t := invs[0].ExpiresAt
		v.InvitationExpiresAt = &t
	}
	v.Allowed = s.allowed(ctx, a, personResource(u), personActions...)
	return v, nil
}

// People lists a page of the caller's organisation's people, searched by
// name or email prefix; org admins only. Returns EUNAUTHENTICATED,
// EFORBIDDEN or EINVALID (a bad page or query).
func (s *Service) People(ctx context.Context, p mentorvault.Principal, f PeopleFilter) (*PeoplePage, error) {
	if err := mentorvault.ValidateLines("q", f.Query); err != nil {
		return nil, err
	}
	if len(f.Query) > 320 {
		return nil, mentorvault.Invalid("the search is not valid", map[string]string{"q": "is too long (at most 320 characters)"})
	}
	if f.Limit < 0 || f.Offset < 0 || f.Limit > mentorvault.MaxPeoplePage {
		return nil, mentorvault.Invalid("the page is not valid", map[string]string{
			"limit": fmt.Sprintf("must be between 0 and %d", mentorvault.MaxPeoplePage), "offset": "must not be negative"})
	}
	if f.Limit == 0 {
		f.Limit = mentorvault.DefaultPeoplePage
	}
	var out *PeoplePage
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ListPeople)
		if err != nil {
			return err
		}
		us, err := tx.FindPeople(ctx, mentorvault.PeopleFilter{OrgID: a.user.OrgID, Query: f.Query, Limit: f.Limit + 1, Offset: f.Offset})
		if err != nil {
			return err
		}
		out = &PeoplePage{Query: strings.TrimSpace(f.Query), Limit: f.Limit, Offset: f.Offset, People: []*PersonView{}, MailOn: s.MailOn(),
			Allowed: s.allowed(ctx, a, policy.Org{ID: a.user.OrgID}, policy.CreatePerson, policy.ManageSSO, policy.ManageSCIM)}
		if len(us) > f.Limit {
			out.More, us = true, us[:f.Limit]
		}
		// Managers are mostly on the page, or shared by many on it.
		managers := map[string]string{}
		for _, u := range us {
			managers[u.ID] = u.Name
		}
		for _, u := range us {
			v, err := s.personView(ctx, tx, a, u, managers)
			if err != nil {
				return err
			}
			if v.ManagerID != "" {
				managers[v.ManagerID] = v.ManagerName
			}
			out.People = append(out.People, v)
		}
		if err := markFailing(ctx, tx, out.People); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "people.list", orgTarget(a.user.OrgID), fmt.Sprintf("offset=%d; shown=%d", f.Offset, len(out.People)))
	})
	return out, err
}

// PersonByID returns one person of the caller's organisation; org admins
// only. Returns EUNAUTHENTICATED, EFORBIDDEN or ENOTFOUND.
func (s *Service) PersonByID(ctx context.Context, p mentorvault.Principal, id string) (*PersonView, error) {
	var out *PersonView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, u, err := s.personCall(ctx, tx, p, policy.ViewPerson, id, false)
		if err != nil {
			return err
		}
		if out, err = s.personView(ctx, tx, a, u, nil); err != nil {
			return err
		}
		if out.PendingEmail, err = pendingEmail(ctx, tx, u); err != nil {
			return err
		}
		return markFailing(ctx, tx, []*PersonView{out})
	})
	return out, err
}

// markFailing sets EmailFailingAt on the people whose address is failing,
// with one query.
func markFailing(ctx context.Context, tx mentorvault.Tx, vs []*PersonView) error {
	addrs := make([]string, len(vs))
	for i, v := range vs {
		addrs[i] = v.Email
	}
	fs, err := tx.FindMailFailures(ctx, addrs)
	if err != nil {
		return err
	}
	for _, f := range fs {
		for _, v := range vs {
			if mentorvault.NormalizeEmail(v.Email) == f.Address {
				v.EmailFailingAt = &f.FailedAt
			}
		}
	}
	return nil
}

// NewPerson is a person an org admin adds. The line manager is named by ID
// or by email (at most one of the two); none when both are empty.
type NewPerson struct {
	Name, Email  string
	ManagerID    string
	ManagerEmail string
}

// PersonUpdate changes a person; nil fields stay as they are. Manager
// names the new line manager by ID or email ("" for none); set at most one.
type PersonUpdate struct {
	Name, Email  *string
	ManagerID    *string
	ManagerEmail *string
	// OrgAdmin grants (true) or revokes the org admin role, decided as
	// people.admin, in the same transaction as the rest.
	OrgAdmin *bool
}

// findManager resolves a line manager given by ID or by email in the
// actor's organisation; field names the field a problem is reported on.
// Returns EINVALID when there is no such active person.
func findManager(ctx context.Context, tx mentorvault.Tx, orgID, id, email string) (*mentorvault.User, error) {
	var (
		m     *mentorvault.User
		err   error
		field = "manager_id"
	)
	switch {
	case id != "" && email != "":
		return nil, mentorvault.Invalid("the person is not valid", map[string]string{"manager": "give the line manager by ID or by email, not both"})
	case id != "":
		if !mentorvault.ValidID(id) {
			return nil, mentorvault.Invalid("the person is not valid", map[string]string{field: "is not a person of your organisation"})
		}
		m, err = tx.FindUserByID(ctx, id)
	case email != "":
		field = "manager_email"
		m, err = tx.FindUserByEmail(ctx, mentorvault.NormalizeEmail(email))
	default:
		return nil, nil
	}
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && m.OrgID != orgID) {
		return nil, mentorvault.Invalid("the person is not valid", map[string]string{field: "is not a person of your organisation"})
	} else if err != nil {
		return nil, err
	}
	if m.DisabledAt != nil {
		return nil, mentorvault.Invalid("the person is not valid", map[string]string{field: m.Name + " is deactivated; choose an active line manager"})
	}
	return m, nil
}

// checkManagerChain refuses a line manager whose own chain of managers
// leads back to u (a cycle: u would manage their own manager).
func checkManagerChain(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User, m *mentorvault.User) error {
	seen := map[string]bool{}
	for cur := m; cur != nil; {
		if cur.ID == u.ID {
			if m.ID == u.ID {
				return mentorvault.Invalid("the person is not valid", map[string]string{"manager": "a person cannot be their own line manager"})
			}
			return mentorvault.Invalid("the person is not valid", map[string]string{"manager": fmt.Sprintf(
				"%s cannot be %s's line manager: %s is already in %s's management chain", m.Name, u.Name, u.Name, m.Name)})
		}
		if seen[cur.ID] || cur.ManagerID == "" {
			return nil
		}
		seen[cur.ID] = true
		next, err := tx.FindUserByID(ctx, cur.ManagerID)
		if err != nil {
			return err
		}
		cur = next
	}
	return nil
}

// cleanPerson trims and validates a person's name and email.
func cleanPerson(u *mentorvault.User) error {
	if err := mentorvault.ValidateLines("name", u.Name, "email", u.Email); err != nil {
		return err
	}
	u.Name, u.Email = strings.TrimSpace(u.Name), mentorvault.NormalizeEmail(u.Email)
	return u.Validate()
}

// AddPerson adds a person to the caller's organisation and invites them:
// the returned link lets them set their own password (shown to the admin
// once, until email exists). Returns EUNAUTHENTICATED, EFORBIDDEN, EINVALID
// or ECONFLICT (the email is taken).
func (s *Service) AddPerson(ctx context.Context, p mentorvault.Principal, in NewPerson) (*PersonView, *InvitationLink, error) {
	if err := mentorvault.ValidateLines("manager_id", in.ManagerID, "manager_email", in.ManagerEmail); err != nil {
		return nil, nil, err
	}
	var (
		out  *PersonView
		link *InvitationLink
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.CreatePerson)
		if err != nil {
			return err
		}
		if err := tx.LockOrgPeople(ctx, a.user.OrgID); err != nil {
			return err
		}
		u := &mentorvault.User{ID: mentorvault.NewID(), OrgID: a.user.OrgID, Name: in.Name, Email: in.Email, CreatedAt: tx.Now()}
		if err := cleanPerson(u); err != nil {
			return err
		}
		m, err := findManager(ctx, tx, u.OrgID, strings.TrimSpace(in.ManagerID), strings.TrimSpace(in.ManagerEmail))
		if err != nil {
			return err
		}
		if m != nil {
			u.ManagerID = m.ID
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if link, err = s.newInvitation(ctx, tx, a, u); err != nil {
			return err
		}
		if out, err = s.personView(ctx, tx, a, u, nil); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "people.create", personTarget(u), "invited")
	})
	if err != nil {
		return nil, nil, err
	}
	return out, link, nil
}

// newInvitation revokes u's open invitations and makes a new one.
func (s *Service) newInvitation(ctx context.Context, tx mentorvault.Tx, a actor, u *mentorvault.User) (*InvitationLink, error) {
	now := tx.Now()
	if err := tx.RevokeUserInvitations(ctx, u.ID, now); err != nil {
		return nil, err
	}
	token := auth.NewSecretToken(invitationTokenPrefix)
	inv := &mentorvault.Invitation{ID: mentorvault.NewID(), UserID: u.ID, TokenHash: auth.TokenHash(token),
		CreatedAt: now, ExpiresAt: now.Add(mentorvault.InvitationTTL)}
	if a.user != nil {
		inv.CreatedByID = a.user.ID
	}
	if err := tx.CreateInvitation(ctx, inv); err != nil {
		return nil, err
	}
	if err := s.queueInvitation(ctx, tx, a, u, "/invite/"+token); err != nil {
		return nil, err
	}
	return &InvitationLink{Token: token, ExpiresAt: inv.ExpiresAt}, nil
}

// UpdatePerson changes a person's name, email or line manager (no cycles
// in the management chain). Returns EUNAUTHENTICATED, EFORBIDDEN,
// ENOTFOUND, EINVALID or ECONFLICT (the email is taken).
func (s *Service) UpdatePerson(ctx context.Context, p mentorvault.Principal, id string, upd PersonUpdate) (*PersonView, error) {
	for name, v := range map[string]*string{"manager_id": upd.ManagerID, "manager_email": upd.ManagerEmail} {
		if v != nil {
			if err := mentorvault.ValidateLines(name, *v); err != nil {
				return nil, err
			}
		}
	}
	var out *PersonView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, u, err := s.personCall(ctx, tx, p, policy.UpdatePerson, id, true)
		if err != nil {
			return err
		}
		var changed []string
		if upd.Name != nil && strings.TrimSpace(*upd.Name) != u.Name {
			u.Name, changed = *upd.Name, append(changed, "name")
		}
		// A new address is confirmed by a link sent to it (when the server
		// sends email; without, the admin's word is all there is): until
		// then the person keeps the one they have.
		newEmail := ""
		if upd.Email != nil && mentorvault.NormalizeEmail(*upd.Email) != u.Email {
			if s.opts.Mail == nil {
				u.Email, changed = *upd.Email, append(changed, "email")
			} else {
				c := *u
				c.Email = *upd.Email
				if err := cleanPerson(&c); err != nil {
					return err
				}
				newEmail = c.Email
			}
		}
		if err := cleanPerson(u); err != nil {
			return err
		}
		if newEmail != "" {
			if other, err := tx.FindUserByEmail(ctx, newEmail); err == nil && other.ID != u.ID {
				return mentorvault.Invalid("the person is not valid", map[string]string{"email": "is already used by another account"})
			} else if err != nil && mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
				return err
			}
			if _, err := s.sendEmailChange(ctx, tx, a, u, newEmail); err != nil {
				return err
			}
			changed = append(changed, "email (confirmation link sent to the new address)")
		}
		if upd.ManagerID != nil || upd.ManagerEmail != nil {
			mid, memail := "", ""
			if upd.ManagerID != nil {
				mid = strings.TrimSpace(*upd.ManagerID)
			}
			if upd.ManagerEmail != nil {
				memail = strings.TrimSpace(*upd.ManagerEmail)
			}
			m, err := findManager(ctx, tx, u.OrgID, mid, memail)
			if err != nil {
				return err
			}
			next := ""
			if m != nil {
				if err := checkManagerChain(ctx, tx, u, m); err != nil {
					return err
				}
				next = m.ID
			}
			if next != u.ManagerID {
				u.ManagerID, changed = next, append(changed, "manager")
			}
		}
		if upd.OrgAdmin != nil && *upd.OrgAdmin != u.OrgAdmin {
			if err := s.authorize(ctx, tx, a, policy.AdminPerson, personResource(u), personTarget(u), never); err != nil {
				return err
			}
			if err := checkAdminChange(ctx, tx, u, *upd.OrgAdmin); err != nil {
				return err
			}
			u.OrgAdmin, changed = *upd.OrgAdmin, append(changed, "org_admin")
		}
		if len(changed) > 0 {
			if err := tx.UpdateUser(ctx, u); err != nil {
				return err
			}
		}
		if out, err = s.personView(ctx, tx, a, u, nil); err != nil {
			return err
		}
		if out.PendingEmail, err = pendingEmail(ctx, tx, u); err != nil {
			return err
		}
		if len(changed) == 0 {
			return nil
		}
		return s.record(ctx, tx, a, "people.update", personTarget(u), "changed="+strings.Join(changed, ","))
	})
	return out, err
}

// lastAdmin refuses to take u's org admin role away (by revoking it or by
// deactivating u) when u is the organisation's last active admin.
func lastAdmin(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User, what string) error {
	if !u.OrgAdmin || u.DisabledAt != nil {
		return nil
	}
	n, err := tx.CountOrgAdmins(ctx, u.OrgID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return mentorvault.Errorf(mentorvault.ECONFLICT,
			"%s is the organisation's last active admin and cannot be %s: make someone else an admin first", u.Name, what)
	}
	return nil
}

// DeactivatePerson deactivates a person at once: every session ends, every
// API token and open invitation is revoked, and each of their active
// relationships pauses (its other party is told, and the pause is on that
// relationship's access log); the person, their relationships and the
// audit trail are kept. The last active admin cannot be deactivated.
// Returns EUNAUTHENTICATED, EFORBIDDEN, ENOTFOUND or ECONFLICT.
func (s *Service) DeactivatePerson(ctx context.Context, p mentorvault.Principal, id string) (*PersonView, error) {
	var out *PersonView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, u, err := s.personCall(ctx, tx, p, policy.DeactivatePerson, id, true)
		if err != nil {
			return err
		}
		if u.DisabledAt != nil {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "%s is already deactivated", u.Name)
		}
		if err := lastAdmin(ctx, tx, u, "deactivated"); err != nil {
			return err
		}
		if err := s.deactivate(ctx, tx, a, u); err != nil {
			return err
		}
		out, err = s.personView(ctx, tx, a, u, nil)
		return err
	})
	return out, err
}

// deactivate deactivates u (decided by the caller): the account, its
// sessions, tokens and invitations, its relationships paused, audited.
func (s *Service) deactivate(ctx context.Context, tx mentorvault.Tx, a actor, u *mentorvault.User) error {
	now := tx.Now()
	u.DisabledAt = &now
	if err := tx.UpdateUser(ctx, u); err != nil {
		return err
	}
	if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
		return err
	}
	if err := tx.RevokeUserAPITokens(ctx, u.ID, now); err != nil {
		return err
	}
	if err := tx.RevokeUserInvitations(ctx, u.ID, now); err != nil {
		return err
	}
	paused, err := s.pauseForDeactivation(ctx, tx, a, u)
	if err != nil {
		return err
	}
	return s.record(ctx, tx, a, "people.deactivate", personTarget(u),
		fmt.Sprintf("sessions ended; tokens revoked; relationships paused=%d", paused))
}

// pauseForDeactivation pauses u's active relationships and tells each
// other party; one accepted or being agreed stays as it is (it cannot start
// without u's signature) and its other party is told too. Each relationship
// is locked first and its change lands on its own access log.
func (s *Service) pauseForDeactivation(ctx context.Context, tx mentorvault.Tx, a actor, u *mentorvault.User) (int, error) {
	rels, err := tx.FindRelationships(ctx, mentorvault.RelationshipFilter{PartyID: u.ID,
		Statuses: []mentorvault.RelationshipStatus{mentorvault.StatusAccepted, mentorvault.StatusAgreeing, mentorvault.StatusActive}})
	if err != nil {
		return 0, err
	}
	// Every relationship's lock first, then the writes: the first audit
	// event holds the audit head, and a call on one of these relationships
	// holding its lock may be waiting for that head.
	locked := make([]*mentorvault.Relationship, 0, len(rels))
	for _, r := range rels {
		rel, err := loadRel(ctx, tx, r.ID)
		if err != nil {
			return 0, err
		}
		if rel.IsParty(u.ID) && rel.Status.Listed() {
			locked = append(locked, rel)
		}
	}
	paused := 0
	for _, rel := range locked {
		now := tx.Now()
		from := rel.Status
		text := fmt.Sprintf("%s's account was deactivated by your organisation, so your relationship is on hold.", u.Name)
		action, detail := "relationship.partner_deactivated", fmt.Sprintf("status=%s; deactivated=%s", from, u.ID)
		if rel.PauseForDeactivation(now) {
			if err := tx.UpdateRelationship(ctx, rel); err != nil {
				return 0, err
			}
			paused++
			text = fmt.Sprintf("%s's account was deactivated by your organisation, so your relationship is paused. "+
				"Nothing new can be written until it resumes.", u.Name)
			action, detail = "relationship.pause", fmt.Sprintf("from=%s; to=%s; because=party deactivated; deactivated=%s", from, rel.Status, u.ID)
		}
		if err := s.notify(ctx, tx, rel.Partner(u.ID), mentorvault.NotifyPartnerDeactivated, rel.ID, u.ID, text,
			"/relationships/"+rel.ID, fmt.Sprintf("deactivated:%s:%d", rel.ID, now.UnixMicro())); err != nil {
			return 0, err
		}
		if err := s.record(ctx, tx, a, action, relTarget(rel), detail); err != nil {
			return 0, err
		}
	}
	return paused, nil
}

// ReactivatePerson lets a deactivated person sign in again. Their paused
// relationships stay paused until the pair resumes them. Returns
// EUNAUTHENTICATED, EFORBIDDEN, ENOTFOUND or ECONFLICT.
func (s *Service) ReactivatePerson(ctx context.Context, p mentorvault.Principal, id string) (*PersonView, error) {
	var out *PersonView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, u, err := s.personCall(ctx, tx, p, policy.DeactivatePerson, id, true)
		if err != nil {
			return err
		}
		if u.DisabledAt == nil {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "%s is already active", u.Name)
		}
		u.DisabledAt = nil
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if out, err = s.personView(ctx, tx, a, u, nil); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "people.reactivate", personTarget(u), "")
	})
	return out, err
}

// checkAdminChange refuses to make a deactivated person an admin, and to
// take the role from the last active admin.
func checkAdminChange(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User, admin bool) error {
	if admin && u.DisabledAt != nil {
		return mentorvault.Errorf(mentorvault.ECONFLICT, "%s is deactivated; reactivate them before making them an admin", u.Name)
	}
	if !admin {
		return lastAdmin(ctx, tx, u, "removed as admin")
	}
	return nil
}

// SetOrgAdmin grants (admin true) or revokes a person's org admin role.
// The last active admin's role cannot be revoked. Returns EUNAUTHENTICATED,
// EFORBIDDEN, ENOTFOUND or ECONFLICT.
func (s *Service) SetOrgAdmin(ctx context.Context, p mentorvault.Principal, id string, admin bool) (*PersonView, error) {
	var out *PersonView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, u, err := s.personCall(ctx, tx, p, policy.AdminPerson, id, true)
		if err != nil {
			return err
		}
		if err := checkAdminChange(ctx, tx, u, admin); err != nil {
			return err
		}
		changed := u.OrgAdmin != admin
		if changed {
			u.OrgAdmin = admin
			if err := tx.UpdateUser(ctx, u); err != nil {
				return err
			}
		}
		if out, err = s.personView(ctx, tx, a, u, nil); err != nil {
			return err
		}
		if !changed {
			return nil
		}
		act := "people.admin.grant"
		if !admin {
			act = "people.admin.revoke"
		}
		return s.record(ctx, tx, a, act, personTarget(u), "")
	})
	return out, err
}

// InvitePerson makes a new invitation link for a person who has not set a
// password yet ("invite again"); earlier links stop working. Returns
// EUNAUTHENTICATED, EFORBIDDEN, ENOTFOUND or ECONFLICT (deactivated, or the
// password is already set).
func (s *Service) InvitePerson(ctx context.Context, p mentorvault.Principal, id string) (*PersonView, *InvitationLink, error) {
	var (
		out  *PersonView
		link *InvitationLink
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, u, err := s.personCall(ctx, tx, p, policy.InvitePerson, id, true)
		if err != nil {
			return err
		}
		switch {
		case u.DisabledAt != nil:
			return mentorvault.Errorf(mentorvault.ECONFLICT, "%s is deactivated; reactivate them before inviting them again", u.Name)
		case u.PasswordHash != "":
			return mentorvault.Errorf(mentorvault.ECONFLICT, "%s has already set a password and signs in with it; an invitation is only for someone who has not yet", u.Name)
		}
		if link, err = s.newInvitation(ctx, tx, a, u); err != nil {
			return err
		}
		if out, err = s.personView(ctx, tx, a, u, nil); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "people.invite", personTarget(u), "")
	})
	if err != nil {
		return nil, nil, err
	}
	return out, link, nil
}

// InvitationView is what the invitation page shows its holder.
type InvitationView struct {
	Name, Email string
	OrgName     string
	ExpiresAt   time.Time
}

// openInvitation finds the invitation of token and its person, and says in
// plain words why it cannot be used if it cannot.
func openInvitation(ctx context.Context, tx mentorvault.Tx, token string) (*mentorvault.Invitation, *mentorvault.User, error) {
	invalid := mentorvault.Errorf(mentorvault.ENOTFOUND, "this invitation link is not valid: check that you copied all of it, or ask your organisation's admin for a new one")
	if !strings.HasPrefix(token, invitationTokenPrefix) || len(token) > 128 {
		return nil, nil, invalid
	}
	inv, err := tx.FindInvitationByHash(ctx, auth.TokenHash(token))
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil, nil, invalid
	} else if err != nil {
		return nil, nil, err
	}
	u, err := tx.FindUserByID(ctx, inv.UserID)
	if err != nil {
		return nil, nil, err
	}
	switch inv.State(tx.Now()) {
	case mentorvault.InvitationUsed:
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "this invitation link has already been used: sign in with the password you set")
	case mentorvault.InvitationRevoked:
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "this invitation link was replaced or withdrawn: use the newest link you were given, or ask your organisation's admin for a new one")
	case mentorvault.InvitationExpired:
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "this invitation link expired on %s: ask your organisation's admin to invite you again", inv.ExpiresAt.UTC().Format("2 Jan 2006"))
	}
	if u.DisabledAt != nil {
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "this account has been deactivated: ask your organisation's admin")
	}
	if u.PasswordHash != "" {
		return nil, nil, mentorvault.Errorf(mentorvault.ECONFLICT, "a password is already set for this account: sign in with it")
	}
	return inv, u, nil
}

// Invitation shows the holder of an invitation link whose account it is
// for. The link's secret token is the credential. Returns ENOTFOUND (not a
// link) or ECONFLICT (used, expired, withdrawn) with a message that says so.
func (s *Service) Invitation(ctx context.Context, token string) (*InvitationView, error) {
	var out *InvitationView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		inv, u, err := openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		org, err := tx.FindOrgByID(ctx, u.OrgID)
		if err != nil {
			return err
		}
		out = &InvitationView{Name: u.Name, Email: u.Email, OrgName: org.Name, ExpiresAt: inv.ExpiresAt}
		return nil
	})
	return out, err
}

// AcceptInvitation sets the password of an invitation link's person (the
// same rules as everywhere: passwordProblem), uses the
// link up and signs them in. Returns ENOTFOUND, ECONFLICT (as Invitation)
// or EINVALID (the password).
func (s *Service) AcceptInvitation(ctx context.Context, token, password string) (*LoginResult, error) {
	if err := mentorvault.ValidateLines("password", password); err != nil {
		return nil, err
	}
	if problem := passwordProblem(password); problem != "" {
		return nil, mentorvault.Invalid("the password is not valid", map[string]string{"password": problem})
	}
	// Check the link before the slow hash, and again under the transaction
	// that uses it (UseInvitation refuses a second use).
	if _, err := s.Invitation(ctx, token); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return nil, err
	}
	var out *LoginResult
	err = s.inTx(ctx, func(tx mentorvault.Tx) error {
		inv, u, err := openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		if err := tx.UseInvitation(ctx, inv.ID, tx.Now()); err != nil {
			return err
		}
		if err := tx.UpdateUserPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		u.PasswordHash = hash
		sess, tok, err := s.newSession(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		out = &LoginResult{Session: sess, Token: tok, User: accountOf(u)}
		a := actor{p: mentorvault.Principal{UserID: u.ID, OrgID: u.OrgID, Via: "web"}, user: u}
		t := target{orgID: u.OrgID, typ: "user", id: u.ID}
		if err := s.record(ctx, tx, a, "invitation.accept", t, ""); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "login", t, "via invitation")
	})
	return out, err
}

// hashPassword hashes a new password under the hashing semaphore.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.hashing }()
	return auth.HashPassword(password, s.opts.PasswordParams)
}

// OperatorPrincipal is the principal of the person with this email, for
// the operator CLI's people commands (mentorvault people … --as EMAIL):
// what they do is then decided by Cedar as that person's (only an org
// admin may), and audited as theirs with via=cli. Returns ENOTFOUND, or
// EUNAUTHENTICATED for a deactivated account.
func (s *Service) OperatorPrincipal(ctx context.Context, email string) (mentorvault.Principal, error) {
	var p mentorvault.Principal
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		u, err := tx.FindUserByEmail(ctx, mentorvault.NormalizeEmail(email))
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return mentorvault.Errorf(mentorvault.ENOTFOUND, "nobody has the email %s", mentorvault.NormalizeEmail(email))
		} else if err != nil {
			return err
		}
		if u.DisabledAt != nil {
			return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "%s is deactivated", u.Email)
		}
		p = mentorvault.Principal{UserID: u.ID, OrgID: u.OrgID, Via: "cli"}
		return nil
	})
	return p, err
}
