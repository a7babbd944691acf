package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

// peoplePage is the org admin's people list, with the add-a-person form.
type peoplePage struct {
	base
	Page     *service.PeoplePage
	Query    string
	PrevURL  string // "" on the first page
	NextURL  string // "" on the last page
	Form     form.Person
	Error    string
	Fields   map[string]string
	Added    *service.PersonView     // the person just added
	NewLink  string                  // their invitation link, shown this once
	LinkInfo *service.InvitationLink // when it expires
	Done     string
}

func peopleURL(q string, offset int) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	if len(v) == 0 {
		return "/people"
	}
	return "/people?" + v.Encode()
}

func (h *Handler) peoplePage(r *http.Request, q string, offset int) (*peoplePage, error) {
	pg, err := h.svc.People(r.Context(), httpx.Principal(r), service.PeopleFilter{Query: q, Offset: offset})
	if err != nil {
		return nil, err
	}
	p := &peoplePage{base: h.base(r, "People"), Page: pg, Query: pg.Query, Done: r.URL.Query().Get("done")}
	if pg.Offset > 0 {
		p.PrevURL = peopleURL(pg.Query, max(pg.Offset-pg.Limit, 0))
	}
	if pg.More {
		p.NextURL = peopleURL(pg.Query, pg.Offset+len(pg.People))
	}
	return p, nil
}

// People serves GET /people: the organisation's people (org admins).
func (h *Handler) People(w http.ResponseWriter, r *http.Request) error {
	q, offset, problems := form.ParsePeopleQuery(r.URL.Query())
	if len(problems) > 0 {
		return mentorvault.Invalid("the page is not valid", problems)
	}
	p, err := h.peoplePage(r, q, offset)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "people.html", p)
	return nil
}

// AddPerson serves POST /people: the person is added and the page shows
// their invitation link once.
func (h *Handler) AddPerson(w http.ResponseWriter, r *http.Request) error {
	in, _ := form.ParsePerson(r.PostForm)
	v, link, err := h.svc.AddPerson(r.Context(), httpx.Principal(r), service.NewPerson{Name: in.Name, Email: in.Email, ManagerEmail: in.ManagerEmail})
	if c := mentorvault.ErrorCode(err); err != nil && c != mentorvault.EINVALID && c != mentorvault.ECONFLICT {
		return err
	}
	p, perr := h.peoplePage(r, "", 0)
	if perr != nil {
		return perr
	}
	if err != nil {
		p.Form, p.Error, p.Fields = in, mentorvault.ErrorMessage(err), mentorvault.ErrorFields(err)
		h.render(w, r, httpx.Status(mentorvault.ErrorCode(err)), "people.html", p)
		return nil
	}
	p.Added, p.NewLink, p.LinkInfo = v, h.inviteURL(r, link), link
	h.render(w, r, http.StatusOK, "people.html", p)
	return nil
}

func (h *Handler) inviteURL(r *http.Request, link *service.InvitationLink) string {
	return h.edge.BaseURL(r) + "/invite/" + url.PathEscape(link.Token)
}

// personPage is one person as their organisation's admin manages them.
type personPage struct {
	base
	Person   *service.PersonView
	Form     form.Person
	Manager  string // the line manager's email, for the form
	Error    string
	Fields   map[string]string
	Refusal  string // why an action (deactivate, admin, invite) was refused
	NewLink  string
	LinkInfo *service.InvitationLink
	Done     string
}

func (h *Handler) personPage(r *http.Request) (*personPage, error) {
	v, err := h.svc.PersonByID(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p := &personPage{base: h.base(r, v.Name), Person: v, Form: form.Person{Name: v.Name, Email: v.Email}, Done: r.URL.Query().Get("done")}
	if v.ManagerID != "" {
		if m, err := h.svc.PersonByID(r.Context(), httpx.Principal(r), v.ManagerID); err == nil {
			p.Form.ManagerEmail = m.Email
		}
	}
	return p, nil
}

// Person serves GET /people/{id}.
func (h *Handler) Person(w http.ResponseWriter, r *http.Request) error {
	p, err := h.personPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "person.html", p)
	return nil
}

func personPath(id string) string { return "/people/" + url.PathEscape(id) }

// UpdatePerson serves POST /people/{id}: name, email and line manager.
func (h *Handler) UpdatePerson(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParsePerson, func(in form.Person) (string, error) {
		_, err := h.svc.UpdatePerson(r.Context(), httpx.Principal(r), id, service.PersonUpdate{Name: &in.Name, Email: &in.Email, ManagerEmail: &in.ManagerEmail})
		return personPath(id) + "?done=saved", err
	}, func(f refused) error {
		p, err := h.personPage(r)
		if err != nil {
			return err
		}
		p.Form, _ = form.ParsePerson(r.PostForm)
		p.Error, p.Fields = mentorvault.ErrorMessage(f.Err), mentorvault.ErrorFields(f.Err)
		h.render(w, r, f.status(), "person.html", p)
		return nil
	}, mentorvault.ECONFLICT)
}

// personAction runs one of the person page's buttons and goes back to the
// page; a refusal the admin can act on (the last admin, already
// deactivated) is shown on the page.
func (h *Handler) personAction(w http.ResponseWriter, r *http.Request, done string, call func(id string) error) error {
	id := r.PathValue("id")
	err := call(id)
	if err == nil {
		http.Redirect(w, r, personPath(id)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	if mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
		return err
	}
	p, perr := h.personPage(r)
	if perr != nil {
		return perr
	}
	p.Refusal = mentorvault.ErrorMessage(err)
	h.render(w, r, http.StatusConflict, "person.html", p)
	return nil
}

// DeactivatePerson serves POST /people/{id}/deactivate.
func (h *Handler) DeactivatePerson(w http.ResponseWriter, r *http.Request) error {
	return h.personAction(w, r, "deactivated", func(id string) error {
		_, err := h.svc.DeactivatePerson(r.Context(), httpx.Principal(r), id)
		return err
	})
}

// ReactivatePerson serves POST /people/{id}/reactivate.
func (h *Handler) ReactivatePerson(w http.ResponseWriter, r *http.Request) error {
	return h.personAction(w, r, "reactivated", func(id string) error {
		_, err := h.svc.ReactivatePerson(r.Context(), httpx.Principal(r), id)
		return err
	})
}

// PersonAdmin serves POST /people/{id}/admin: role=grant or role=revoke.
func (h *Handler) PersonAdmin(w http.ResponseWriter, r *http.Request) error {
	grant := r.PostFormValue("role") == "grant"
	if !grant && r.PostFormValue("role") != "revoke" {
		return mentorvault.Invalid("the form is not valid", map[string]string{"role": "must be grant or revoke"})
	}
	done := map[bool]string{true: "admin-granted", false: "admin-revoked"}[grant]
	return h.personAction(w, r, done, func(id string) error {
		_, err := h.svc.SetOrgAdmin(r.Context(), httpx.Principal(r), id, grant)
		return err
	})
}

// InvitePerson serves POST /people/{id}/invite: the page shows the new
// link once.
func (h *Handler) InvitePerson(w http.ResponseWriter, r *http.Request) error {
	_, link, err := h.svc.InvitePerson(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil && mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
		return err
	}
	p, perr := h.personPage(r)
	if perr != nil {
		return perr
	}
	if err != nil {
		p.Refusal = mentorvault.ErrorMessage(err)
		h.render(w, r, http.StatusConflict, "person.html", p)
		return nil
	}
	p.NewLink, p.LinkInfo = h.inviteURL(r, link), link
	h.render(w, r, http.StatusOK, "person.html", p)
	return nil
}

// The invitation page is for someone not signed in: its form carries a
// per-browser CSRF token, as the sign-in form does.
const inviteCSRFCookie = "mv_invite_csrf"

type invitePage struct {
	base
	Token   string
	Invite  *service.InvitationView
	Problem string // why the link cannot be used, in plain words
	Error   string
	Fields  map[string]string
}

func (h *Handler) inviteCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(inviteCSRFCookie); err == nil && strings.HasPrefix(c.Value, "mvl_") && len(c.Value) < 100 {
		return c.Value
	}
	tok := auth.NewSecretToken("mvl_")
	http.SetCookie(w, &http.Cookie{Name: inviteCSRFCookie, Value: tok, Path: "/invite/", HttpOnly: true, Secure: h.edge.TLS(r), SameSite: http.SameSiteStrictMode})
	return tok
}

// Invitation serves GET /invite/{token}: who the link is for and the form
// to set a password, or, in plain words, why the link no longer works.
func (h *Handler) Invitation(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	p := &invitePage{base: h.base(r, "Set your password"), Token: token}
	p.CSRF = h.inviteCSRF(w, r)
	iv, err := h.svc.Invitation(r.Context(), token)
	if err != nil {
		c := mentorvault.ErrorCode(err)
		if c != mentorvault.ENOTFOUND && c != mentorvault.ECONFLICT {
			return err
		}
		p.Title, p.Problem = "This invitation link does not work", mentorvault.ErrorMessage(err)
		h.render(w, r, httpx.Status(c), "invite.html", p)
		return nil
	}
	p.Invite = iv
	h.render(w, r, http.StatusOK, "invite.html", p)
	return nil
}

// AcceptInvitation serves POST /invite/{token}: set the password, sign in.
func (h *Handler) AcceptInvitation(w http.ResponseWriter, r *http.Request) error {
	if err := httpx.ParseForm(w, r); err != nil {
		return err
	}
	c, err := r.Cookie(inviteCSRFCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf_token"))) != 1 {
		return mentorvault.Errorf(mentorvault.EFORBIDDEN, "this form has expired; reload the page and try again")
	}
	token := r.PathValue("token")
	again := func(status int, msg string, fields map[string]string) error {
		p := &invitePage{base: h.base(r, "Set your password"), Token: token, Error: msg, Fields: fields}
		p.CSRF = c.Value
		iv, err := h.svc.Invitation(r.Context(), token)
		if err != nil {
			p.Title, p.Problem, p.Error = "This invitation link does not work", mentorvault.ErrorMessage(err), ""
		}
		p.Invite = iv
		h.render(w, r, status, "invite.html", p)
		return nil
	}
	pw, problems := form.ParseSetPassword(r.PostForm)
	if len(problems) > 0 {
		return again(http.StatusBadRequest, "", problems)
	}
	res, err := h.svc.AcceptInvitation(r.Context(), token, pw)
	if err != nil {
		code := mentorvault.ErrorCode(err)
		if code != mentorvault.EINVALID && code != mentorvault.ENOTFOUND && code != mentorvault.ECONFLICT {
			return err
		}
		return again(httpx.Status(code), mentorvault.ErrorMessage(err), mentorvault.ErrorFields(err))
	}
	if old, err := r.Cookie(h.edge.SessionCookieName(r)); err == nil && old.Value != "" {
		_ = h.svc.Logout(r.Context(), old.Value)
	}
	h.edge.SetSessionCookie(w, r, res.Token, res.Session.ExpiresAt)
	http.Redirect(w, r, "/?done=welcome", http.StatusSeeOther)
	return nil
}

// importPage is the CSV import: the upload form and, after a post, what
// was (or would be) done and every error.
type importPage struct {
	base
	Result  *service.ImportResult
	Applied bool // the import was written
	Error   string
	Missing bool // deactivate-missing was asked
}

// ImportForm serves GET /people/import.
func (h *Handler) ImportForm(w http.ResponseWriter, r *http.Request) error {
	// The org admin's own page: asking for the people list decides (and
	// audits) whether the caller may see it at all.
	if _, err := h.svc.People(r.Context(), httpx.Principal(r), service.PeopleFilter{Limit: 1}); err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "people_import.html", &importPage{base: h.base(r, "Import people")})
	return nil
}

// ImportPeople serves POST /people/import: a multipart upload of the CSV
// file, checked against the session's CSRF token like every form.
func (h *Handler) ImportPeople(w http.ResponseWriter, r *http.Request) error {
	sess := httpx.Session(r.Context())
	if sess == nil {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	r.Body = http.MaxBytesReader(w, r.Body, service.MaxImportBytes+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return mentorvault.Errorf(mentorvault.EINVALID, "the upload could not be read: choose a CSV file of at most %d MiB", service.MaxImportBytes>>20)
	}
	defer r.MultipartForm.RemoveAll()
	if subtle.ConstantTimeCompare([]byte(r.FormValue("csrf_token")), []byte(sess.CSRFToken)) != 1 {
		return mentorvault.Errorf(mentorvault.EFORBIDDEN, "this form has expired or did not come from mentorvault; go back, reload the page and try again")
	}
	p := &importPage{base: h.base(r, "Import people"), Missing: r.FormValue("deactivate_missing") == "yes"}
	file, _, err := r.FormFile("file")
	if err != nil {
		p.Error = "Choose the CSV file to import."
		h.render(w, r, http.StatusBadRequest, "people_import.html", p)
		return nil
	}
	defer file.Close()
	opt := service.ImportOptions{DryRun: r.FormValue("apply") != "yes", DeactivateMissing: p.Missing}
	res, err := h.svc.ImportPeople(r.Context(), httpx.Principal(r), file, opt)
	status := http.StatusOK
	switch {
	case res != nil && mentorvault.ErrorCode(err) == mentorvault.EINVALID:
		p.Error, status = mentorvault.ErrorMessage(err), http.StatusBadRequest
	case err != nil:
		return err
	}
	p.Result, p.Applied = res, err == nil && !opt.DryRun
	if res.DryRun && len(res.Errors) > 0 {
		status = http.StatusBadRequest
	}
	h.render(w, r, status, "people_import.html", p)
	return nil
}
