package service

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// SCIM provisioning (RFC 7643/7644). An org admin adds a provisioning client
// (org.scim) and is shown its bearer token once; the token is stored only as
// its SHA-256. internal/scim turns each /scim/v2 request into one call here,
// which checks the token in the request's own transaction and then acts as
// the client: Cedar's ScimClient principal, whose organisation is the one
// that made it, decided as scim.provision on that organisation (lists,
// creates, groups) or on the person changed. A revoked or unknown token is
// EUNAUTHENTICATED. Every change is audited (scim.user.*, scim.group.*) with
// via=scim and the client's ID, never its token. Deactivation, by active=false
// or DELETE, is the people deactivation: sessions ended, tokens and
// invitations revoked, relationships paused — nothing is erased.

// scimTokenPrefix marks provisioning tokens.
const scimTokenPrefix = "mvscim_"

// scimTouchEvery is how stale a client's last-used time may get before a
// request records it again (one write a minute, not one a request).
const scimTouchEvery = time.Minute

// ErrSCIMTaken is wrapped by the ECONFLICT of a userName, email or group
// displayName another record has (SCIM's "uniqueness").
var ErrSCIMTaken = errors.New("scim: the value is taken")

// SCIMClientView is a provisioning client as its organisation's admins see
// it: never its token.
type SCIMClientView struct {
	ID, Name   string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func scimClientView(c *mentorvault.SCIMClient) *SCIMClientView {
	return &SCIMClientView{ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt, LastUsedAt: c.LastUsedAt, RevokedAt: c.RevokedAt}
}

func scimClientTarget(c *mentorvault.SCIMClient) target {
	return target{orgID: c.OrgID, typ: "provisioning client", id: c.ID}
}

// AddSCIMClient adds a provisioning client to the caller's organisation and
// returns it with its bearer token, which is shown this once. Returns
// EUNAUTHENTICATED, EFORBIDDEN or EINVALID.
func (s *Service) AddSCIMClient(ctx context.Context, p mentorvault.Principal, name string) (*SCIMClientView, string, error) {
	if err := mentorvault.ValidateLines("name", name); err != nil {
		return nil, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return nil, "", mentorvault.Invalid("the provisioning client is not valid", map[string]string{"name": "must be 1 to 100 characters"})
	}
	var (
		out   *SCIMClientView
		token string
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManageSCIM)
		if err != nil {
			return err
		}
		token = auth.NewSecretToken(scimTokenPrefix)
		c := &mentorvault.SCIMClient{ID: mentorvault.NewID(), OrgID: a.user.OrgID, Name: name, TokenHash: auth.TokenHash(token),
			CreatedByID: a.user.ID, CreatedAt: tx.Now()}
		if err := tx.CreateSCIMClient(ctx, c); err != nil {
			return err
		}
		out = scimClientView(c)
		return s.record(ctx, tx, a, "scim.client.create", scimClientTarget(c), "name="+c.Name)
	})
	if err != nil {
		return nil, "", err
	}
	return out, token, nil
}

// SCIMClients lists the caller's organisation's provisioning clients,
// revoked ones included. Returns EUNAUTHENTICATED or EFORBIDDEN.
func (s *Service) SCIMClients(ctx context.Context, p mentorvault.Principal) ([]*SCIMClientView, error) {
	var out []*SCIMClientView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManageSCIM)
		if err != nil {
			return err
		}
		cs, err := tx.FindSCIMClients(ctx, a.user.OrgID)
		if err != nil {
			return err
		}
		out = []*SCIMClientView{}
		for _, c := range cs {
			out = append(out, scimClientView(c))
		}
		return nil
	})
	return out, err
}

// RevokeSCIMClient revokes a provisioning client of the caller's
// organisation: its token stops working at once. Returns EUNAUTHENTICATED,
// EFORBIDDEN, ENOTFOUND or ECONFLICT (already revoked).
func (s *Service) RevokeSCIMClient(ctx context.Context, p mentorvault.Principal, id string) (*SCIMClientView, error) {
	var out *SCIMClientView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManageSCIM)
		if err != nil {
			return err
		}
		notFound := mentorvault.Errorf(mentorvault.ENOTFOUND, "provisioning client not found")
		if !mentorvault.ValidID(id) {
			return notFound
		}
		c, err := tx.FindSCIMClientByID(ctx, id)
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && c.OrgID != a.user.OrgID) {
			return notFound
		} else if err != nil {
			return err
		}
		if c.RevokedAt != nil {
			return mentorvault.Errorf(mentorvault.ECONFLICT, "the provisioning client %s is already revoked", c.Name)
		}
		now := tx.Now()
		if err := tx.RevokeSCIMClient(ctx, c.ID, now); err != nil {
			return err
		}
		c.RevokedAt = &now
		out = scimClientView(c)
		return s.record(ctx, tx, a, "scim.client.revoke", scimClientTarget(c), "name="+c.Name)
	})
	return out, err
}

// scimCall checks a provisioning token in the request's transaction and
// decides scim.provision on the client's organisation. A token that is
// malformed, unknown or revoked is refused (EUNAUTHENTICATED) and audited.
func (s *Service) scimCall(ctx context.Context, tx mentorvault.Tx, token string) (actor, *mentorvault.SCIMClient, error) {
	a := actor{p: mentorvault.Principal{Via: "scim"}}
	refuse := func(why string) error {
		if err := s.appendEvent(ctx, tx, a, string(policy.Provision), mentorvault.OutcomeDenied, target{}, why); err != nil {
			return err
		}
		return denied{mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "the provisioning token is not valid")}
	}
	if !strings.HasPrefix(token, scimTokenPrefix) || len(token) > 128 {
		return a, nil, refuse("not a provisioning token")
	}
	c, err := tx.FindSCIMClientByHash(ctx, auth.TokenHash(token))
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return a, nil, refuse("unknown provisioning token")
	} else if err != nil {
		return a, nil, err
	}
	a.p.OrgID = c.OrgID
	if c.RevokedAt != nil {
		return a, nil, refuse("revoked provisioning client " + c.ID)
	}
	a.subj = policy.Subject{SCIMClientID: c.ID, OrgID: c.OrgID}
	if err := s.authorize(ctx, tx, a, policy.Provision, policy.Org{ID: c.OrgID}, orgTarget(c.OrgID), never); err != nil {
		return a, nil, err
	}
	if now := tx.Now(); c.LastUsedAt == nil || now.Sub(*c.LastUsedAt) >= scimTouchEvery {
		if err := tx.TouchSCIMClient(ctx, c.ID, now); err != nil {
			return a, nil, err
		}
	}
	return a, c, nil
}

// scimRecord audits a provisioning change as the client.
func (s *Service) scimRecord(ctx context.Context, tx mentorvault.Tx, a actor, c *mentorvault.SCIMClient, action string, t target, detail string) error {
	d := "client=" + c.ID
	if detail != "" {
		d += "; " + detail
	}
	return s.record(ctx, tx, a, action, t, d)
}

// SCIMUser is a person as a provisioning client sees and sends them. On
// the way in, zero strings are "not given"; Email "" takes the userName.
type SCIMUser struct {
	ID         string
	UserName   string
	ExternalID string
	GivenName  string
	FamilyName string
	// DisplayName is the person's name in mentorvault; when none is given,
	// the given and family names make it.
	DisplayName string
	Email       string
	Active      bool
	ManagerID   string // the line manager's ID ("" for none)
	Groups      []SCIMGroupRef
	Created     time.Time
	Modified    time.Time
}

// SCIMGroupRef names a group a person is a member of, or a member of a group.
type SCIMGroupRef struct{ ID, Display string }

// SCIMUserQuery selects a page of people: at most one of the filters set,
// StartIndex 1-based (RFC 7644 §3.4.2.4), Count 0 for the count alone.
type SCIMUserQuery struct {
	UserName, ExternalID, Email string
	StartIndex, Count           int
}

// SCIMList is one page of a list: the total the filter selects, and the page.
type SCIMList[T any] struct {
	Total     int
	Resources []T
}

// MaxSCIMPage is the most resources one list returns (ServiceProviderConfig's filter.maxResults).
const MaxSCIMPage = 200

func scimPage(start, count int) (offset, limit int) {
	if start < 1 {
		start = 1
	}
	if count < 0 {
		count = 0
	}
	return start - 1, min(count, MaxSCIMPage)
}

func (s *Service) scimUserView(ctx context.Context, tx mentorvault.Tx, p *mentorvault.SCIMPerson) (*SCIMUser, error) {
	u := p.User
	v := &SCIMUser{ID: u.ID, UserName: p.UserName(), DisplayName: u.Name, Email: u.Email, Active: u.DisabledAt == nil,
		ManagerID: u.ManagerID, Created: u.CreatedAt, Modified: u.CreatedAt, Groups: []SCIMGroupRef{}}
	if p.Identity != nil {
		v.ExternalID, v.GivenName, v.FamilyName = p.Identity.ExternalID, p.Identity.GivenName, p.Identity.FamilyName
		if p.Identity.UpdatedAt.After(v.Modified) {
			v.Modified = p.Identity.UpdatedAt
		}
	}
	gs, err := tx.FindUserSCIMGroups(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		v.Groups = append(v.Groups, SCIMGroupRef{ID: g.ID, Display: g.DisplayName})
	}
	return v, nil
}

// SCIMUsers lists a page of the client's organisation's people, filtered
// by userName, externalId or email. Returns EUNAUTHENTICATED.
func (s *Service) SCIMUsers(ctx context.Context, token string, q SCIMUserQuery) (*SCIMList[*SCIMUser], error) {
	if err := mentorvault.ValidateLines("userName", q.UserName, "externalId", q.ExternalID, "emails", q.Email); err != nil {
		return nil, err
	}
	var out *SCIMList[*SCIMUser]
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		_, c, err := s.scimCall(ctx, tx, token)
		if err != nil {
			return err
		}
		offset, limit := scimPage(q.StartIndex, q.Count)
		ps, total, err := tx.FindSCIMPeople(ctx, mentorvault.SCIMUserFilter{OrgID: c.OrgID, UserName: q.UserName, ExternalID: q.ExternalID,
			Email: q.Email, Offset: offset, Limit: limit})
		if err != nil {
			return err
		}
		out = &SCIMList[*SCIMUser]{Total: total, Resources: []*SCIMUser{}}
		for _, p := range ps {
			v, err := s.scimUserView(ctx, tx, p)
			if err != nil {
				return err
			}
			out.Resources = append(out.Resources, v)
		}
		return nil
	})
	return out, err
}

// scimPerson loads a person of the client's organisation and decides
// scim.provision on them; anyone else, or an ID that names nobody, is
// ENOTFOUND. A change (lock) first takes the organisation's people lock.
func (s *Service) scimPerson(ctx context.Context, tx mentorvault.Tx, a actor, c *mentorvault.SCIMClient, id string, lock bool) (*mentorvault.SCIMPerson, error) {
	notFound := mentorvault.Errorf(mentorvault.ENOTFOUND, "no user has the id %s", id)
	if !mentorvault.ValidID(id) {
		return nil, notFound
	}
	if lock {
		if err := tx.LockOrgPeople(ctx, c.OrgID); err != nil {
			return nil, err
		}
	}
	u, err := tx.FindUserByID(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, tx, a, policy.Provision, personResource(u), personTarget(u), always); err != nil {
		return nil, err
	}
	p := &mentorvault.SCIMPerson{User: u}
	idn, err := tx.FindSCIMIdentity(ctx, u.ID)
	if err == nil {
		p.Identity = idn
	} else if mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
		return nil, err
	}
	return p, nil
}

// SCIMUserByID returns one person of the client's organisation. Returns
// EUNAUTHENTICATED or ENOTFOUND.
func (s *Service) SCIMUserByID(ctx context.Context, token, id string) (*SCIMUser, error) {
	var out *SCIMUser
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, c, err := s.scimCall(ctx, tx, token)
		if err != nil {
			return err
		}
		p, err := s.scimPerson(ctx, tx, a, c, id, false)
		if err != nil {
			return err
		}
		out, err = s.scimUserView(ctx, tx, p)
		return err
	})
	return out, err
}

func scimTaken(field, msg string, cause error) error {
	return &mentorvault.Error{Code: mentorvault.ECONFLICT, Message: msg, Fields: map[string]string{field: "is taken"},
		Err: errors.Join(ErrSCIMTaken, cause)}
}

// userNameTaken refuses a userName another person of the organisation has
// (as their SCIM userName, or as their email when no client provisioned them).
func userNameTaken(ctx context.Context, tx mentorvault.Tx, orgID, userName, self string) error {
	ps, _, err := tx.FindSCIMPeople(ctx, mentorvault.SCIMUserFilter{OrgID: orgID, UserName: userName, Limit: 2})
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.User.ID != self {
			return scimTaken("userName", "another user has the userName "+userName, nil)
		}
	}
	return nil
}

// cleanSCIMUser trims in and builds the account and identity it describes
// onto u and id. Returns EINVALID naming the SCIM attribute.
func cleanSCIMUser(in *SCIMUser, u *mentorvault.User, id *mentorvault.SCIMIdentity) error {
	if err := mentorvault.ValidateLines("userName", in.UserName, "externalId", in.ExternalID, "name.givenName", in.GivenName,
		"name.familyName", in.FamilyName, "displayName", in.DisplayName, "emails", in.Email, "manager", in.ManagerID); err != nil {
		return err
	}
	in.UserName, in.GivenName, in.FamilyName = strings.TrimSpace(in.UserName), strings.TrimSpace(in.GivenName), strings.TrimSpace(in.FamilyName)
	in.DisplayName, in.ExternalID, in.ManagerID = strings.TrimSpace(in.DisplayName), strings.TrimSpace(in.ExternalID), strings.TrimSpace(in.ManagerID)
	id.UserName, id.ExternalID, id.GivenName, id.FamilyName = in.UserName, in.ExternalID, in.GivenName, in.FamilyName
	if err := id.Validate(); err != nil {
		return err
	}
	email := in.Email
	if strings.TrimSpace(email) == "" {
		email = in.UserName
	}
	name := in.DisplayName
	if name == "" {
		name = strings.TrimSpace(in.GivenName + " " + in.FamilyName)
	}
	if name == "" {
		name = in.UserName
	}
	u.Name, u.Email = name, mentorvault.NormalizeEmail(email)
	if err := u.Validate(); err != nil {
		var e *mentorvault.Error
		if errors.As(err, &e) {
			fields := map[string]string{}
			for k, v := range e.Fields {
				switch k {
				case "email":
					k = "emails"
					if strings.TrimSpace(in.Email) == "" {
						k, v = "userName", "must be the person's email address when no work email is given"
					}
				case "name":
					k = "displayName"
				}
				fields[k] = v
			}
			return mentorvault.Invalid("the user is not valid", fields)
		}
		return err
	}
	return nil
}

// scimManager resolves the manager a client names by its SCIM id (a
// person's ID) into u's line manager; "" clears it.
func scimManager(ctx context.Context, tx mentorvault.Tx, u *mentorvault.User, managerID string) error {
	if managerID == "" {
		u.ManagerID = ""
		return nil
	}
	m, err := findManager(ctx, tx, u.OrgID, managerID, "")
	if err != nil {
		return scimField(err, "manager")
	}
	if err := checkManagerChain(ctx, tx, u, m); err != nil {
		return scimField(err, "manager")
	}
	u.ManagerID = m.ID
	return nil
}

// scimField renames an EINVALID's fields to the one SCIM attribute at fault.
func scimField(err error, field string) error {
	var e *mentorvault.Error
	if errors.As(err, &e) && e.Code == mentorvault.EINVALID {
		msgs := make([]string, 0, len(e.Fields))
		for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
			msgs = append(msgs, e.Fields[k])
		}
		return mentorvault.Invalid(e.Message, map[string]string{field: strings.Join(msgs, "; ")})
	}
	return err
}

// CheckSCIMUser checks the text of a user a client sent, before anything
// is asked of the store. Returns EINVALID naming the SCIM attribute.
func CheckSCIMUser(in SCIMUser) error {
	return mentorvault.ValidateLines("userName", in.UserName, "externalId", in.ExternalID, "name.givenName", in.GivenName,
		"name.familyName", in.FamilyName, "displayName", in.DisplayName, "emails", in.Email, "manager", in.ManagerID)
}

// CheckSCIMGroup checks the text of a group a client sent. Returns EINVALID.
func CheckSCIMGroup(in SCIMGroupInput) error {
	if err := mentorvault.ValidateLines("displayName", in.DisplayName, "externalId", in.ExternalID); err != nil {
		return err
	}
	for _, m := range in.Members {
		if err := mentorvault.ValidateLines("members", m); err != nil {
			return err
		}
	}
	return nil
}

// SCIMCreateUser provisions a person in the client's organisation (no
// invitation: they sign in through the organisation's identity provider,
// or an admin invites them). Active false creates them deactivated.
// Returns EUNAUTHENTICATED, EINVALID or ECONFLICT wrapping ErrSCIMTaken.
func (s *Service) SCIMCreateUser(ctx context.Context, token string, in SCIMUser) (*SCIMUser, error) {
	if err := CheckSCIMUser(in); err != nil {
		return nil, err
	}
	var out *SCIMUser
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		in := in
		a, c, err := s.scimCall(ctx, tx, token)
		if err != nil {
			return err
		}
		if err := tx.LockOrgPeople(ctx, c.OrgID); err != nil {
			return err
		}
		now := tx.Now()
		u := &mentorvault.User{ID: mentorvault.NewID(), OrgID: c.OrgID, CreatedAt: now}
		idn := &mentorvault.SCIMIdentity{UserID: u.ID, OrgID: c.OrgID, UpdatedAt: now}
		if err := cleanSCIMUser(&in, u, idn); err != nil {
			return err
		}
		if err := userNameTaken(ctx, tx, c.OrgID, idn.UserName, ""); err != nil {
			return err
		}
		if err := scimManager(ctx, tx, u, in.ManagerID); err != nil {
			return err
		}
		if !in.Active {
			u.DisabledAt = &now
		}
		if err := tx.CreateUser(ctx, u); mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
			return scimTaken("emails", "a user with the email address "+u.Email+" already exists", err)
		} else if err != nil {
			return err
		}
		if err := tx.PutSCIMIdentity(ctx, idn); mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
			return scimTaken("userName", "another user has the userName "+idn.UserName, err)
		} else if err != nil {
			return err
		}
		if out, err = s.scimUserView(ctx, tx, &mentorvault.SCIMPerson{User: u, Identity: idn}); err != nil {
			return err
		}
		return s.scimRecord(ctx, tx, a, c, "scim.user.create", personTarget(u), fmt.Sprintf("active=%t", in.Active))
	})
	return out, err
}

// SCIMUpdateUser changes a person of the client's organisation: change is
// handed the person as SCIM sees them and edits it (a PUT replaces every
// attribute, a PATCH applies its operations; it returns EINVALID for one it
// cannot apply). Active false deactivates them at once (as
// DeactivatePerson: sessions ended, tokens and invitations revoked,
// relationships paused; the organisation's last active admin is refused
// with ECONFLICT), true reactivates them. Returns EUNAUTHENTICATED,
// ENOTFOUND, EINVALID or ECONFLICT.
func (s *Service) SCIMUpdateUser(ctx context.Context, token, id string, change func(*SCIMUser) error) (*SCIMUser, error) {
	var out *SCIMUser
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, c, err := s.scimCall(ctx, tx, token)
		if err != nil {
			return err
		}
		p, err := s.scimPerson(ctx, tx, a, c, id, true)
		if err != nil {
			return err
		}
		cur, err := s.scimUserView(ctx, tx, p)
		if err != nil {
			return err
		}
		next := *cur
		next.Groups = nil
		// A name made of the given and family names follows them, unless
		// the client sets the displayName too.
		derived := cur.DisplayName == strings.TrimSpace(cur.GivenName+" "+cur.FamilyName)
		if err := change(&next); err != nil {
			return err
		}
		if derived && next.DisplayName == cur.DisplayName {
			next.DisplayName = ""
		}
		u, before := p.User, *p.User
		idn := &mentorvault.SCIMIdentity{UserID: u.ID, OrgID: u.OrgID, UpdatedAt: tx.Now()}
		if err := cleanSCIMUser(&next, u, idn); err != nil {
			return err
		}
		var changed []string
		if p.Identity == nil || idn.UserName != p.Identity.UserName {
			if !strings.EqualFold(idn.UserName, cur.UserName) {
				if err := userNameTaken(ctx, tx, u.OrgID, idn.UserName, u.ID); err != nil {
					return err
				}
			}
			if idn.UserName != cur.UserName {
				changed = append(changed, "userName")
			}
		}
		if p.Identity == nil || idn.ExternalID != p.Identity.ExternalID || idn.GivenName != p.Identity.GivenName || idn.FamilyName != p.Identity.FamilyName {
			changed = append(changed, "identity")
		}
		if next.ManagerID != before.ManagerID {
			if err := scimManager(ctx, tx, u, next.ManagerID); err != nil {
				return err
			}
			changed = append(changed, "manager")
		}
		if u.Name != before.Name {
			changed = append(changed, "name")
		}
		if u.Email != before.Email {
			changed = append(changed, "email")
		}
		if len(changed) > 0 {
			if u.Name != before.Name || u.Email != before.Email || u.ManagerID != before.ManagerID {
				if err := tx.UpdateUser(ctx, u); mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
					return scimTaken("emails", "a user with the email address "+u.Email+" already exists", err)
				} else if err != nil {
					return err
				}
			}
			if err := tx.PutSCIMIdentity(ctx, idn); mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
				return scimTaken("userName", "another user has the userName "+idn.UserName, err)
			} else if err != nil {
				return err
			}
			p.Identity = idn
			if err := s.scimRecord(ctx, tx, a, c, "scim.user.update", personTarget(u), "changed="+strings.Join(changed, ",")); err != nil {
				return err
			}
		}
		switch active := u.DisabledAt == nil; {
		case active && !next.Active:
			if err := s.scimDeactivate(ctx, tx, a, c, u); err != nil {
				return err
			}
		case !active && next.Active:
			u.DisabledAt = nil
			if err := tx.UpdateUser(ctx, u); err != nil {
				return err
			}
			if err := s.scimRecord(ctx, tx, a, c, "scim.user.reactivate", personTarget(u), ""); err != nil {
				return err
			}
		}
		out, err = s.scimUserView(ctx, tx, p)
		return err
	})
	return out, err
}

// scimDeactivate deactivates u through the people deactivation path.
func (s *Service) scimDeactivate(ctx context.Context, tx mentorvault.Tx, a actor, c *mentorvault.SCIMClient, u *mentorvault.User) error {
	if err := lastAdmin(ctx, tx, u, "deactivated"); err != nil {
		return err
	}
	if err := s.deactivate(ctx, tx, a, u); err != nil {
		return err
	}
	return s.scimRecord(ctx, tx, a, c, "scim.user.deactivate", personTarget(u), "")
}

// SCIMDeleteUser is SCIM's DELETE: it deactivates the person (never
// erases them or their audit trail); one already deactivated stays so.
// Returns EUNAUTHENTICATED, ENOTFOUND or ECONFLICT (the last active admin).
func (s *Service) SCIMDeleteUser(ctx context.Context, token, id string) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, c, err := s.scimCall(ctx, tx, token)
		if err != nil {
			return err
		}
		p, err := s.scimPerson(ctx, tx, a, c, id, true)
		if err != nil {
			return err
		}
		if p.User.DisabledAt != nil {
			return nil
		}
		return s.scimDeactivate(ctx, tx, a, c, p.User)
	})
}

// SCIMGroupView is a group as a provisioning client (and the organisation's
// admins) see it.
type SCIMGroupView struct {
	ID, DisplayName, ExternalID string
	Members                     []SCIMGroupRef
	Created, Modified           time.Time
}

// SCIMGroupInput is a group as a client sends it: Members are person IDs.
type SCIMGroupInput struct {
	DisplayName, ExternalID string
	Members                 []string
}

// SCIMGroupQuery selects a page of groups (at most one filter set).
type SCIMGroupQuery struct {
	DisplayName, ExternalID string
	StartIndex, Count       int
}

func groupTarget(g *mentorvault.SCIMGroup) target {
	return target{orgID: g.OrgID, typ: "group", id: g.ID}
}

// scimGroupViews names the members of gs with one query.
func scimGroupViews(ctx context.Context, tx mentorvault.Tx, gs []*mentorvault.SCIMGroup) ([]*SCIMGroupView, error) {
	var ids []string
	for _, g := range gs {
		ids = append(ids, g.Members...)
	}
	us, err := tx.FindUsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, u := range us {
		names[u.ID] = u.Name
	}
	out := make([]*SCIMGroupView, 0, len(gs))
	for _, g := range gs {
		v := &SCIMGroupView{ID: g.ID, DisplayName: g.DisplayName, ExternalID: g.ExternalID, Members: []SCIMGroupRef{},
			Created: g.CreatedAt, Modified: g.UpdatedAt}
		for _, m := range g.Members {
			v.Members = append(v.Members, SCIMGroupRef{ID: m, Display: names[m]})
		}
		out = append(out, v)
	}
	return out, nil
}

// SCIMGroups lists a page of the client's organisation's groups. Returns
// EUNAUTHENTICATED or EINVALID.
func (s *Service) SCIMGroups(ctx context.Context, token string, q SCIMGroupQuery) (*SCIMList[*SCIMGroupView], error) {
	if err := mentorvault.ValidateLines("displayName", q.DisplayName, "externalId", q.ExternalID); err != nil {
		return nil, err
	}
	var out *SCIMList[*SCIMGroupView]
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		_, c, err := s.scimCall(ctx, tx, token)
		if err != nil {
			return err
		}
		offset, limit := scimPage(q.StartIndex, q.Count)
		gs, total, err := tx.FindSCIMGroups(ctx, mentorvault.SCIMGroupFilter{OrgID: c.OrgID, DisplayName: q.DisplayName,
			ExternalID: q.ExternalID, Offset: offset, Limit: limit})
		if err != nil {
			return err
		}
		vs, err := scimGroupViews(ctx, tx, gs)
		out = &SCIMList[*SCIMGroupView]{Total: total, Resources: vs}
		return err
	})
	return out, err
}

// scimGroup loads a group of the client's organisation; ENOTFOUND otherwise.
func scimGroup(ctx context.Context, tx mentorvault.Tx, c *mentorvault.SCIMClient, id string) (*mentorvault.SCIMGroup, error) {
	notFound := mentorvault.Errorf(mentorvault.ENOTFOUND, "no group has the id %s", id)
	if !mentorvault.ValidID(id) {
		return nil, notFound
	}
	g, err := tx.FindSCIMGroupByID(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && g.OrgID != c.OrgID) {
		return nil, notFound
	}
	return g, err
}

// SCIMGroupByID returns one group. Returns EUNAUTHENTICATED or ENOTFOUND.
func (s *Service) SCIMGroupByID(ctx context.Context, token, id string) (*SCIMGroupView, error) {
	var out *SCIMGroupView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		_, c, err := s.scimCall(ctx, tx, token)
		if err != nil {
			return err
		}
		g, err := scimGroup(ctx, tx, c, id)
		if err != nil {
			return err
		}
		vs, err := scimGroupViews(ctx, tx, []*mentorvault.SCIMGroup{g})
		if err == nil {
			out = vs[0]
		}
		return err
	})
	return out, err
}

// cleanGroup validates in onto g: its members must be people of the
// organisation. Returns EINVALID.
func cleanGroup(ctx context.Context, tx mentorvault.Tx, in SCIMGroupInput, g *mentorvault.SCIMGroup) error {
	g.DisplayName, g.ExternalID = strings.TrimSpace(in.DisplayName), strings.TrimSpace(in.ExternalID)
	if err := g.Validate(); err != nil {
		return err
	}
	g.Members = []string{}
	for _, m := range in.Members {
		if err := mentorvault.ValidateLines("members", m); err != nil {
			return err
		}
		if !mentorvault.ValidID(m) {
			return mentorvault.Invalid("the group is not valid", map[string]string{"members": m + " is not a user of this organisation"})
		}
		if !slices.Contains(g.Members, m) {
			g.Members = append(g.Members, m)
		}
	}
	us, err := tx.FindUsersByIDs(ctx, g.Members)
	if err != nil {
		return err
	}
	found := map[string]bool{}
	for _, u := range us {
		found[u.ID] = u.OrgID == g.OrgID
	}
	for _, m := range g.Members {
		if !found[m] {
			return mentorvault.Invalid("the group is not valid", map[string]string{"members": m + " is not a user of this organisation"})
		}
	}
	return nil
}

// SCIMCreateGroup creates a group in the client's organisation. Returns
// EUNAUTHENTICATED, EINVALID or ECONFLICT wrapping ErrSCIMTaken.
func (s *Service) SCIMCreateGroup(ctx context.Context, token string, in SCIMGroupInput) (*SCIMGroupView, error) {
	if err := CheckSCIMGroup(in); err != nil {
		return nil, err
	}
	var out *SCIMGroupView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, c, err := s.scimCall(ctx, tx, token)
		if err != nil {
			return err
		}
		now := tx.Now()
		g := &mentorvault.SCIMGroup{ID: mentorvault.NewID(), OrgID: c.OrgID, CreatedAt: now, UpdatedAt: now}
		if err := cleanGroup(ctx, tx, in, g); err != nil {
			return err
		}
		if err := tx.CreateSCIMGroup(ctx, g); mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
			return scimTaken("displayName", "a group named "+g.DisplayName+" already exists", err)
		} else if err != nil {
			return err
		}
		vs, err := scimGroupViews(ctx, tx, []*mentorvault.SCIMGroup{g})
		if err != nil {
			return err
		}
		out = vs[0]
		return s.scimRecord(ctx, tx, a, c, "scim.group.create", groupTarget(g), fmt.Sprintf("members=%d", len(g.Members)))
	})
	return out, err
}

// SCIMUpdateGroup changes a group: change edits the group as the client
// sees it (members by ID). Returns EUNAUTHENTICATED, ENOTFOUND, EINVALID or
// ECONFLICT.
func (s *Service) SCIMUpdateGroup(ctx context.Context, token, id string, change func(*SCIMGroupInput) error) (*SCIMGroupView, error) {
	var out *SCIMGroupView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, c, err := s.scimCall(ctx, tx, token)
		if err != nil {
			return err
		}
		g, err := scimGroup(ctx, tx, c, id)
		if err != nil {
			return err
		}
		in := SCIMGroupInput{DisplayName: g.DisplayName, ExternalID: g.ExternalID, Members: slices.Clone(g.Members)}
		if err := change(&in); err != nil {
			return err
		}
		before := *g
		if err := cleanGroup(ctx, tx, in, g); err != nil {
			return err
		}
		added, removed := 0, 0
		for _, m := range g.Members {
			if !slices.Contains(before.Members, m) {
				added++
			}
		}
		for _, m := range before.Members {
			if !slices.Contains(g.Members, m) {
				removed++
			}
		}
		if added+removed > 0 || g.DisplayName != before.DisplayName || g.ExternalID != before.ExternalID {
			g.UpdatedAt = tx.Now()
			if err := tx.UpdateSCIMGroup(ctx, g); mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
				return scimTaken("displayName", "a group named "+g.DisplayName+" already exists", err)
			} else if err != nil {
				return err
			}
			if err := s.scimRecord(ctx, tx, a, c, "scim.group.update", groupTarget(g),
				fmt.Sprintf("members added=%d; removed=%d; renamed=%t", added, removed, g.DisplayName != before.DisplayName)); err != nil {
				return err
			}
		}
		vs, err := scimGroupViews(ctx, tx, []*mentorvault.SCIMGroup{g})
		if err == nil {
			out = vs[0]
		}
		return err
	})
	return out, err
}

// SCIMDeleteGroup deletes a group and its memberships (the people stay).
// Returns EUNAUTHENTICATED or ENOTFOUND.
func (s *Service) SCIMDeleteGroup(ctx context.Context, token, id string) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, c, err := s.scimCall(ctx, tx, token)
		if err != nil {
			return err
		}
		g, err := scimGroup(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteSCIMGroup(ctx, g.ID); err != nil {
			return err
		}
		return s.scimRecord(ctx, tx, a, c, "scim.group.delete", groupTarget(g), fmt.Sprintf("name=%s; members=%d", g.DisplayName, len(g.Members)))
	})
}

// SCIMGroupsOfOrg lists the groups provisioning clients pushed to the
// caller's organisation, for its admins. Returns EUNAUTHENTICATED or
// EFORBIDDEN.
func (s *Service) SCIMGroupsOfOrg(ctx context.Context, p mentorvault.Principal) ([]*SCIMGroupView, error) {
	var out []*SCIMGroupView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManageSCIM)
		if err != nil {
			return err
		}
		gs, _, err := tx.FindSCIMGroups(ctx, mentorvault.SCIMGroupFilter{OrgID: a.user.OrgID, Limit: 1000})
		if err != nil {
			return err
		}
		out, err = scimGroupViews(ctx, tx, gs)
		return err
	})
	return out, err
}

// SCIMOverview is what the organisation's admins see of provisioning: the
// clients (never their tokens) and the groups the clients pushed.
type SCIMOverview struct {
	Clients []*SCIMClientView
	Groups  []*SCIMGroupView
}

// SCIMProvisioning returns the caller's organisation's provisioning clients
// and groups, in one transaction, for the admin page. Returns
// EUNAUTHENTICATED or EFORBIDDEN.
func (s *Service) SCIMProvisioning(ctx context.Context, p mentorvault.Principal) (*SCIMOverview, error) {
	var out *SCIMOverview
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.peopleOrg(ctx, tx, p, policy.ManageSCIM)
		if err != nil {
			return err
		}
		cs, err := tx.FindSCIMClients(ctx, a.user.OrgID)
		if err != nil {
			return err
		}
		out = &SCIMOverview{Clients: []*SCIMClientView{}}
		for _, c := range cs {
			out.Clients = append(out.Clients, scimClientView(c))
		}
		gs, _, err := tx.FindSCIMGroups(ctx, mentorvault.SCIMGroupFilter{OrgID: a.user.OrgID, Limit: 1000})
		if err != nil {
			return err
		}
		out.Groups, err = scimGroupViews(ctx, tx, gs)
		return err
	})
	return out, err
}
