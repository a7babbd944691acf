package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
)

type personFullJSON struct {
	ID                  string      `json:"id"`
	Name                string      `json:"name"`
	Email               string      `json:"email"`
	Manager             *personJSON `json:"manager"`
	OrgAdmin            bool        `json:"org_admin"`
	Active              bool        `json:"active"`
	DeactivatedAt       *time.Time  `json:"deactivated_at"`
	CreatedAt           time.Time   `json:"created_at"`
	HasPassword         bool        `json:"has_password"`
	Invitation          string      `json:"invitation"` // "", open, used, expired, revoked
	InvitationExpiresAt *time.Time  `json:"invitation_expires_at"`
	Can                 personCan   `json:"can"`
	// PendingEmail is a new address waiting for its confirmation (on a
	// single person's answer only).
	PendingEmail *pendingEmailJSON `json:"pending_email,omitempty"`
}

// personCan is what Cedar lets the caller do to the person.
type personCan struct {
	Update     bool `json:"update"`
	Deactivate bool `json:"deactivate"`
	Invite     bool `json:"invite"`
	Admin      bool `json:"admin"`
	// PasswordReset: the person can be emailed a password reset link.
	PasswordReset bool `json:"password_reset"`
}

type invitationJSON struct {
	Token     string    `json:"token"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// personWithInvitationJSON is a person with the invitation link just made,
// shown this once.
type personWithInvitationJSON struct {
	personFullJSON
	NewInvitation *invitationJSON `json:"new_invitation"`
}

func personOut(v *service.PersonView) personFullJSON {
	out := personFullJSON{ID: v.ID, Name: v.Name, Email: v.Email, OrgAdmin: v.OrgAdmin, Active: v.Active(),
		DeactivatedAt: v.DeactivatedAt, CreatedAt: v.CreatedAt, HasPassword: v.HasPassword, Invitation: string(v.Invitation),
		InvitationExpiresAt: v.InvitationExpiresAt,
		Can: personCan{Update: v.Allowed.Has(policy.UpdatePerson), Deactivate: v.Allowed.Has(policy.DeactivatePerson),
			Invite: v.Allowed.Has(policy.InvitePerson) && v.CanInvite(), Admin: v.Allowed.Has(policy.AdminPerson),
			PasswordReset: v.Allowed.Has(policy.ResetPersonPassword) && v.CanSendReset()},
		PendingEmail: pendingEmailOut(v.PendingEmail)}
	if v.ManagerID != "" {
		out.Manager = &personJSON{ID: v.ManagerID, Name: v.ManagerName}
	}
	return out
}

func (h *Handler) withInvitation(r *http.Request, v *service.PersonView, link *service.InvitationLink) personWithInvitationJSON {
	return personWithInvitationJSON{personFullJSON: personOut(v), NewInvitation: &invitationJSON{Token: link.Token,
		URL: h.edge.BaseURL(r) + "/invite/" + url.PathEscape(link.Token), ExpiresAt: link.ExpiresAt}}
}

type peopleJSON struct {
	People     []personFullJSON `json:"people"`
	Limit      int              `json:"limit"`
	Offset     int              `json:"offset"`
	NextOffset *int             `json:"next_offset"`
	CanCreate  bool             `json:"can_create"`
}

// queryInt reads a non-negative number from the query (def when absent).
func queryInt(r *http.Request, name string, def int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, mentorvault.Invalid("the query is not valid", map[string]string{name: "must be a number, 0 or more"})
	}
	return n, nil
}

// People serves GET /api/v1/people?q=&limit=&offset=: a page of the
// caller's organisation's people (org admins), by name; q is a prefix of
// the name or email, any case.
func (h *Handler) People(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (peopleJSON, error) {
		limit, err := queryInt(r, "limit", 0)
		if err != nil {
			return peopleJSON{}, err
		}
		offset, err := queryInt(r, "offset", 0)
		if err != nil {
			return peopleJSON{}, err
		}
		pg, err := h.svc.People(r.Context(), httpx.Principal(r), service.PeopleFilter{Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
		if err != nil {
			return peopleJSON{}, err
		}
		out := peopleJSON{People: make([]personFullJSON, len(pg.People)), Limit: pg.Limit, Offset: pg.Offset, CanCreate: pg.Allowed.Has(policy.CreatePerson)}
		for i, v := range pg.People {
			out.People[i] = personOut(v)
		}
		if pg.More {
			next := pg.Offset + len(pg.People)
			out.NextOffset = &next
		}
		return out, nil
	})(w, r)
}

type newPersonJSON struct {
	Name         string `json:"name"`
	Email        string `json:"email"`
	ManagerID    string `json:"manager_id"`
	ManagerEmail string `json:"manager_email"`
}

// CreatePerson serves POST /api/v1/people: 201 with the person and their
// invitation link (shown this once), its address in Location.
func (h *Handler) CreatePerson(w http.ResponseWriter, r *http.Request) error {
	return httpx.Created(func(r *http.Request, in newPersonJSON) (personWithInvitationJSON, string, error) {
		v, link, err := h.svc.AddPerson(r.Context(), httpx.Principal(r), service.NewPerson(in))
		if err != nil {
			return personWithInvitationJSON{}, "", err
		}
		return h.withInvitation(r, v, link), "/api/v1/people/" + v.ID, nil
	})(w, r)
}

// Person serves GET /api/v1/people/{id}.
func (h *Handler) Person(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (personFullJSON, error) {
		return asJSON(personOut)(h.svc.PersonByID(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

type personUpdateJSON struct {
	Name         *string `json:"name"`
	Email        *string `json:"email"`
	ManagerID    *string `json:"manager_id"`    // "" for none
	ManagerEmail *string `json:"manager_email"` // "" for none
	OrgAdmin     *bool   `json:"org_admin"`
}

// UpdatePerson serves PATCH /api/v1/people/{id}: the members given change
// (name, email, the line manager by manager_id or manager_email, "" for
// none; org_admin grants or revokes the role).
func (h *Handler) UpdatePerson(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in personUpdateJSON) (personFullJSON, error) {
		return asJSON(personOut)(h.svc.UpdatePerson(r.Context(), httpx.Principal(r), r.PathValue("id"),
			service.PersonUpdate{Name: in.Name, Email: in.Email, ManagerID: in.ManagerID, ManagerEmail: in.ManagerEmail, OrgAdmin: in.OrgAdmin}))
	})(w, r)
}

// DeactivatePerson serves POST /api/v1/people/{id}/deactivate.
func (h *Handler) DeactivatePerson(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (personFullJSON, error) {
		return asJSON(personOut)(h.svc.DeactivatePerson(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

// ReactivatePerson serves POST /api/v1/people/{id}/reactivate.
func (h *Handler) ReactivatePerson(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (personFullJSON, error) {
		return asJSON(personOut)(h.svc.ReactivatePerson(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

// InvitePerson serves POST /api/v1/people/{id}/invite: a new invitation
// link (shown this once); earlier links stop working.
func (h *Handler) InvitePerson(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (personWithInvitationJSON, error) {
		v, link, err := h.svc.InvitePerson(r.Context(), httpx.Principal(r), r.PathValue("id"))
		if err != nil {
			return personWithInvitationJSON{}, err
		}
		return h.withInvitation(r, v, link), nil
	})(w, r)
}
