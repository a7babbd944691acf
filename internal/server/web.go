package server

import (
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/service"
)

const (
	maxFormBody     = 128 << 10
	loginCSRFCookie = "mv_login_csrf"
)

func hexString(b []byte) string { return hex.EncodeToString(b) }

// page adapts an error-returning page handler: unauthenticated visitors are
// sent to the login page; other errors render the error page.
func (s *Server) page(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.webError(w, r, err)
		}
	})
}

// form adapts a handler of a signed-in user's form post: it bounds and
// parses the body and checks the session's CSRF token first.
func (s *Server) form(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return s.page(func(w http.ResponseWriter, r *http.Request) error {
		sess := sessionFrom(r.Context())
		if sess == nil {
			return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
		}
		if err := parseForm(w, r); err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf_token")), []byte(sess.CSRFToken)) != 1 {
			return mentorvault.Errorf(mentorvault.EFORBIDDEN, "this form has expired or did not come from mentorvault; go back, reload the page and try again")
		}
		return h(w, r)
	})
}

func parseForm(w http.ResponseWriter, r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return &mentorvault.Error{Code: codeUnsupportedMedia, Message: "send the form as application/x-www-form-urlencoded"}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &mentorvault.Error{Code: codeTooLarge, Message: "the form is too large"}
		}
		return mentorvault.Errorf(mentorvault.EINVALID, "the form could not be read")
	}
	return nil
}

func (s *Server) webError(w http.ResponseWriter, r *http.Request, err error) {
	code := mentorvault.ErrorCode(err)
	if code == mentorvault.EUNAUTHENTICATED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.logError(r, err)
	status := statusOf(code)
	title := map[int]string{400: "That did not work", 401: "Please sign in", 403: "Not allowed", 404: "Not found",
		409: "That cannot be done now", 413: "Too large", 415: "Unsupported request", 429: "Slow down"}[status]
	if title == "" {
		title = "Something went wrong"
	}
	s.render(w, r, status, "error.html", &errorPage{base: s.base(r, title), Status: status, Message: mentorvault.ErrorMessage(err)})
}

type errorPage struct {
	base
	Status  int
	Message string
}

func (s *Server) webNotFound(w http.ResponseWriter, r *http.Request) error {
	return mentorvault.Errorf(mentorvault.ENOTFOUND, "there is no page at this address")
}

// --- sign in and out ---

type loginPage struct {
	base
	Email string
	Next  string
	Error string
}

func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCSRFCookie); err == nil && strings.HasPrefix(c.Value, "mvl_") && len(c.Value) < 100 {
		return c.Value
	}
	tok := auth.NewSecretToken("mvl_")
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: tok, Path: "/login", HttpOnly: true, Secure: s.tls(r), SameSite: http.SameSiteStrictMode})
	return tok
}

func (s *Server) webLoginForm(w http.ResponseWriter, r *http.Request) error {
	if !principal(r).Anonymous() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	p := &loginPage{base: s.base(r, "Sign in"), Next: safeNext(r.URL.Query().Get("next"))}
	p.CSRF = s.loginCSRF(w, r)
	s.render(w, r, http.StatusOK, "login.html", p)
	return nil
}

func (s *Server) webLogin(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf_token"))) != 1 {
		return mentorvault.Errorf(mentorvault.EFORBIDDEN, "this sign-in form has expired; reload the page and try again")
	}
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	res, err := s.svc.Login(r.Context(), email, r.PostFormValue("password"), s.clientAddr(r))
	if err != nil {
		code := mentorvault.ErrorCode(err)
		if code == mentorvault.EINTERNAL {
			return err
		}
		p := &loginPage{base: s.base(r, "Sign in"), Email: email, Next: next, Error: mentorvault.ErrorMessage(err)}
		p.CSRF = c.Value
		s.render(w, r, statusOf(code), "login.html", p)
		return nil
	}
	// A new session ID at every login: the old cookie, if any, is replaced.
	if old, err := r.Cookie(s.sessionCookieName(r)); err == nil && old.Value != "" {
		_ = s.svc.Logout(r.Context(), old.Value)
	}
	s.setSessionCookie(w, r, res.Token, res.Session.ExpiresAt)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) webLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(s.sessionCookieName(r)); err == nil {
		if err := s.svc.Logout(r.Context(), c.Value); err != nil && mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// --- home, directory, relationships ---

type homePage struct {
	base
	Active, Pending, Ended []*service.RelationshipView
}

func (s *Server) webHome(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.MyRelationships(r.Context(), principal(r))
	if err != nil {
		return err
	}
	p := &homePage{base: s.base(r, "My mentoring")}
	for _, v := range vs {
		switch v.Status {
		case mentorvault.StatusActive, mentorvault.StatusPaused:
			p.Active = append(p.Active, v)
		case mentorvault.StatusProposed, mentorvault.StatusAccepted, mentorvault.StatusAgreeing:
			p.Pending = append(p.Pending, v)
		default:
			p.Ended = append(p.Ended, v)
		}
	}
	s.render(w, r, http.StatusOK, "home.html", p)
	return nil
}

type directoryPage struct {
	base
	Relationships []*service.RelationshipView
	Query         string
}

func (s *Server) webDirectory(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.Directory(r.Context(), principal(r))
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	p := &directoryPage{base: s.base(r, "Directory"), Query: q}
	for _, v := range vs {
		if q == "" || strings.Contains(strings.ToLower(v.Mentor.Name+" "+v.Mentor.Email+" "+v.Mentee.Name+" "+v.Mentee.Email+" "+v.ProgrammeName), q) {
			p.Relationships = append(p.Relationships, v)
		}
	}
	s.render(w, r, http.StatusOK, "directory.html", p)
	return nil
}

type proposePage struct {
	base
	Programmes  []*mentorvault.Programme
	OtherEmail  string
	MyRole      string
	ProgrammeID string
	Error       string
	Fields      map[string]string
}

func (s *Server) proposePage(r *http.Request) (*proposePage, error) {
	me, err := s.svc.Me(r.Context(), principal(r))
	if err != nil {
		return nil, err
	}
	return &proposePage{base: s.base(r, "Propose a mentoring relationship"), Programmes: me.Programmes, MyRole: "mentee"}, nil
}

func (s *Server) webProposeForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.proposePage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "propose.html", p)
	return nil
}

func (s *Server) webPropose(w http.ResponseWriter, r *http.Request) error {
	in := service.ProposeInput{OtherEmail: r.PostFormValue("other_email"), MyRole: r.PostFormValue("my_role"), ProgrammeID: r.PostFormValue("programme_id")}
	v, err := s.svc.ProposeRelationship(r.Context(), principal(r), in)
	if c := mentorvault.ErrorCode(err); c == mentorvault.EINVALID || c == mentorvault.ECONFLICT {
		p, perr := s.proposePage(r)
		if perr != nil {
			return perr
		}
		p.OtherEmail, p.MyRole, p.ProgrammeID = in.OtherEmail, in.MyRole, in.ProgrammeID
		p.Error, p.Fields = mentorvault.ErrorMessage(err), mentorvault.ErrorFields(err)
		s.render(w, r, statusOf(c), "propose.html", p)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+v.ID, http.StatusSeeOther)
	return nil
}

type noteView struct {
	ID, Visibility, Body string
	Mine                 bool
	AuthorName           string
	CreatedAt, UpdatedAt string
	Edited               bool
}

type relationshipPage struct {
	base
	Rel        *service.RelationshipView
	MyRole     string
	Other      service.Person
	IsParty    bool
	MayAsk     bool // the viewer may ask a party for input (a requester, or a party's line manager)
	Actions    []actionButton
	Notes      []noteView
	NotesError string
	NoteBody   string
	NoteVis    string
	NoteError  string
	Status     string
	Agreement  *agreementPanel // nil: nothing about the agreement to show this viewer
	Habits     *habitsPanel    // meetings, commitments, goals, feedback; nil before the relationship starts
}

type actionButton struct {
	Action, Label, Help string
	Danger              bool
}

// actionsFor lists the lifecycle actions that make sense for userID now;
// the service and policy still decide when one is pressed.
func actionsFor(v *service.RelationshipView, userID string) []actionButton {
	if !v.IsParty(userID) {
		return nil
	}
	proposer := v.ProposedByID == userID
	var out []actionButton
	switch v.Status {
	case mentorvault.StatusProposed:
		if proposer {
			out = append(out, actionButton{"withdraw", "Withdraw the proposal", "", true})
		} else {
			out = append(out, actionButton{"accept", "Accept", "", false}, actionButton{"decline", "Decline", "Declining is private between you two.", true})
		}
	case mentorvault.StatusAccepted, mentorvault.StatusAgreeing:
		out = append(out, actionButton{"withdraw", "Withdraw", "", true})
	case mentorvault.StatusActive:
		out = append(out, actionButton{"pause", "Pause", "", false}, actionButton{"close", "Close the relationship", "", true})
	case mentorvault.StatusPaused:
		out = append(out, actionButton{"resume", "Resume", "", false}, actionButton{"close", "Close the relationship", "", true})
	}
	return out
}

func (s *Server) relationshipPage(r *http.Request) (*relationshipPage, error) {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	pg := &relationshipPage{base: s.base(r, "Relationship"), Rel: v, MyRole: v.Role(p.UserID), IsParty: v.IsParty(p.UserID),
		Actions: actionsFor(v, p.UserID), NoteVis: "shared", Status: r.URL.Query().Get("done")}
	pg.Title = v.Mentor.Name + " & " + v.Mentee.Name
	if pg.Agreement, err = s.agreementPanelFor(r, v); err != nil {
		return nil, err
	}
	if !pg.IsParty {
		pg.MayAsk = s.svc.MayRequestInput(r.Context(), p, v.ID)
		return pg, nil
	}
	pg.Other = v.Other(p.UserID)
	if pg.Habits, err = s.habitsPanel(r, v); err != nil {
		return nil, err
	}
	notes, err := s.svc.ListNotes(r.Context(), p, v.ID, "", 200)
	switch {
	case err == nil:
		for _, n := range notes {
			nv := noteView{ID: n.ID, Visibility: string(n.Visibility), Body: n.Body.Reveal(), Mine: n.AuthorID == p.UserID,
				CreatedAt: n.CreatedAt.Format("2 Jan 2006, 15:04 MST"), UpdatedAt: n.UpdatedAt.Format("2 Jan 2006, 15:04 MST"),
				Edited: n.UpdatedAt.After(n.CreatedAt)}
			nv.AuthorName = v.Other(p.UserID).Name
			if nv.Mine {
				nv.AuthorName = "You"
			}
			pg.Notes = append(pg.Notes, nv)
		}
	case mentorvault.ErrorCode(err) == mentorvault.EINTERNAL:
		return nil, err
	default:
		pg.NotesError = mentorvault.ErrorMessage(err)
	}
	return pg, nil
}

func (s *Server) webRelationship(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.relationshipPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "relationship.html", pg)
	return nil
}

func (s *Server) webLifecycle(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := s.svc.Transition(r.Context(), principal(r), id, mentorvault.LifecycleAction(r.PostFormValue("action"))); err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done="+url.QueryEscape(r.PostFormValue("action")), http.StatusSeeOther)
	return nil
}

func (s *Server) webCreateNote(w http.ResponseWriter, r *http.Request) error {
	id, body, vis := r.PathValue("id"), r.PostFormValue("body"), r.PostFormValue("visibility")
	_, err := s.svc.CreateNote(r.Context(), principal(r), id, body, mentorvault.Visibility(vis))
	if c := mentorvault.ErrorCode(err); c == mentorvault.EINVALID {
		// Keep what was typed: render the page again with the problem.
		pg, perr := s.relationshipPage(r)
		if perr != nil {
			return perr
		}
		pg.NoteBody, pg.NoteVis, pg.NoteError = body, vis, fieldsMessage(err)
		s.render(w, r, http.StatusBadRequest, "relationship.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done=note#notes", http.StatusSeeOther)
	return nil
}

func fieldsMessage(err error) string {
	msg := mentorvault.ErrorMessage(err)
	for f, m := range mentorvault.ErrorFields(err) {
		msg += ": " + f + " " + m
	}
	return msg
}

type editNotePage struct {
	base
	Rel        *service.RelationshipView
	NoteID     string
	Body       string
	Visibility string
	Error      string
}

func (s *Server) webEditNote(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := s.svc.NoteForEdit(r.Context(), p, v.ID, r.PathValue("noteID"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "note_edit.html", &editNotePage{base: s.base(r, "Edit note"), Rel: v, NoteID: n.ID,
		Body: n.Body.Reveal(), Visibility: string(n.Visibility)})
	return nil
}

func (s *Server) webUpdateNote(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	id, noteID := r.PathValue("id"), r.PathValue("noteID")
	body, vis := r.PostFormValue("body"), mentorvault.Visibility(r.PostFormValue("visibility"))
	_, err := s.svc.UpdateNote(r.Context(), p, id, noteID, mentorvault.NoteUpdate{Body: &body, Visibility: &vis})
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		v, verr := s.svc.Relationship(r.Context(), p, id)
		if verr != nil {
			return verr
		}
		s.render(w, r, http.StatusBadRequest, "note_edit.html", &editNotePage{base: s.base(r, "Edit note"), Rel: v, NoteID: noteID,
			Body: body, Visibility: string(vis), Error: fieldsMessage(err)})
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done=saved#note-"+noteID, http.StatusSeeOther)
	return nil
}

func (s *Server) webDeleteNote(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.svc.DeleteNote(r.Context(), principal(r), id, r.PathValue("noteID")); err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done=deleted#notes", http.StatusSeeOther)
	return nil
}

type auditRow struct {
	Seq              int64
	At               string
	Who, What        string
	Denied, Failed   bool
	Resource, Detail string
}

type auditPage struct {
	base
	Rel        *service.RelationshipView
	Rows       []auditRow
	HeadSeq    int64
	HeadHash   string
	Checkpoint string
	NextBefore int64
}

var actionWords = map[string]string{
	"note.create": "wrote a note", "note.read": "read a note", "note.list": "opened the notes",
	"note.update": "changed a note", "note.delete": "deleted a note", "audit.read": "viewed this access log",
	"relationship.propose": "proposed the relationship", "relationship.accept": "accepted the relationship",
	"relationship.decline": "declined the relationship", "relationship.withdraw": "withdrew the relationship",
	"relationship.resume": "resumed the relationship", "relationship.close": "closed the relationship",
	"relationship.view": "viewed the relationship",
	"agreement.read":    "opened the agreement", "agreement.draft": "started a draft of the agreement",
	"agreement.edit": "changed the draft agreement", "agreement.sign": "signed the agreement",
	"agreement.in_force": "brought the agreement into force (both signed)", "agreement.comment": "commented on the agreement",
	"agreement.diff": "compared agreement versions", "agreement.verify": "verified the agreement's signatures",
	"agreement.export": "downloaded the agreement", "agreement.status": "looked at the agreement's status",
	"review.read": "opened the reviews", "review.record": "recorded a review of expectations",
	"meeting.schedule": "scheduled a meeting", "meeting.list": "listed the meetings", "meeting.read": "opened a meeting",
	"meeting.reschedule": "rescheduled a meeting", "meeting.cancel": "cancelled a meeting", "meeting.outcome": "recorded a meeting's outcome",
	"meeting.start": "started a session (reminder shown)", "meeting.reminder_ack": "acknowledged the confidentiality reminder",
	"meeting.ics": "downloaded a calendar entry", "commitment.create": "recorded a commitment", "commitment.update": "updated a commitment",
	"commitment.list": "listed the commitments", "goal.create": "added a goal", "goal.update": "updated a goal", "goal.list": "opened the goals",
	"feedback.request": "asked for feedback", "feedback.answer": "answered a feedback request", "feedback.read": "opened the feedback",
	"feedback.list": "opened the feedback",
	"concern.raise": "raised a concern", "concern.read": "opened the concerns", "concern.step": "recorded a step on a concern",
	"concern.close": "recorded a concern's outcome", "disclosure.plan": "proposed a joint disclosure plan",
	"disclosure.sign": "signed a disclosure plan", "disclosure.notice": "filed a disclosure notice",
	"disclosure.withdraw": "withdrew a disclosure", "disclosure.delivered": "made a disclosure (it took effect)",
	"disclosure.read": "read what was disclosed to them",
}

func describeAction(a string) string {
	if w, ok := actionWords[a]; ok {
		return w
	}
	return a
}

func (s *Server) webAudit(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	v, err := s.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		var perr error
		if before, perr = parseSeq(b); perr != nil {
			return perr
		}
	}
	page, err := s.svc.RelationshipAudit(r.Context(), p, v.ID, before, 100)
	if err != nil {
		return err
	}
	pg := &auditPage{base: s.base(r, "Access log"), Rel: v, HeadSeq: page.Head.Seq, HeadHash: hexString(page.Head.Hash),
		Checkpoint: s.cfg.Checkpoint(), NextBefore: page.NextBefore}
	for _, e := range page.Entries {
		row := auditRow{Seq: e.Seq, At: e.At.Format("2 Jan 2006 15:04:05 MST"), Who: e.ActorName, What: describeAction(e.Action),
			Denied: e.Outcome == mentorvault.OutcomeDenied, Failed: e.Outcome == mentorvault.OutcomeFailed, Detail: e.Detail}
		if e.ActorID == p.UserID {
			row.Who = "You"
		}
		if e.ResourceType == "note" {
			row.Resource = "note " + shortID(e.ResourceID)
		}
		pg.Rows = append(pg.Rows, row)
	}
	s.render(w, r, http.StatusOK, "audit.html", pg)
	return nil
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}

type settingsPage struct {
	base
	Me       *service.Me
	Tokens   []*mentorvault.APIToken
	NewToken string
	Error    string
	Calendar *calendarPanel
	Done     string
}

func (s *Server) settingsPage(r *http.Request) (*settingsPage, error) {
	me, err := s.svc.Me(r.Context(), principal(r))
	if err != nil {
		return nil, err
	}
	ts, err := s.svc.APITokens(r.Context(), principal(r))
	if err != nil {
		return nil, err
	}
	return &settingsPage{base: s.base(r, "Settings"), Me: me, Tokens: ts, Calendar: s.calendarPanel(r), Done: r.URL.Query().Get("done")}, nil
}

func (s *Server) webSettings(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.settingsPage(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "settings.html", pg)
	return nil
}

func (s *Server) webCreateToken(w http.ResponseWriter, r *http.Request) error {
	raw, _, err := s.svc.CreateAPIToken(r.Context(), principal(r), r.PostFormValue("name"))
	if err != nil && mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		return err
	}
	pg, perr := s.settingsPage(r)
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	if err != nil {
		pg.Error, status = fieldsMessage(err), http.StatusBadRequest
	}
	pg.NewToken = raw
	s.render(w, r, status, "settings.html", pg)
	return nil
}

func (s *Server) webRevokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RevokeAPIToken(r.Context(), principal(r), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings?done=revoked", http.StatusSeeOther)
	return nil
}
