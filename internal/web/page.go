// Package web serves mentorvault's server-rendered pages: one file per
// capability, page.go with what every page shares, templates and static
// assets embedded. Handlers build pages from internal/service's views.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the time-zone choices of the meeting forms work without a system zoneinfo
	"unicode"
	"unicode/utf8"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

// Handler serves the web pages: one file per capability, each page built
// from the views internal/service returns, where access is decided.
type Handler struct {
	svc        *service.Service
	log        *slog.Logger
	edge       httpx.Edge
	pages      *pages
	checkpoint func() string
}

// New parses the templates (once) and returns the web pages' handlers.
// checkpoint returns the latest audit checkpoint to show the parties.
func New(svc *service.Service, log *slog.Logger, edge httpx.Edge, checkpoint func() string) (*Handler, error) {
	pg, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Handler{svc: svc, log: log, edge: edge, pages: pg, checkpoint: checkpoint}, nil
}

// Page adapts an error-returning page handler: unauthenticated visitors are
// sent to the login page; other errors render the error page.
func (h *Handler) Page(next httpx.HandlerFunc) http.Handler {
	return h.page(httpx.CheckPath, next)
}

// page is Page with the path checked by check.
func (h *Handler) page(check func(*http.Request) error, next httpx.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := check(r); err != nil {
			h.renderError(w, r, err)
			return
		}
		r = h.takeFlash(w, r)
		if err := next(w, r); err != nil {
			h.renderError(w, r, err)
		}
	})
}

// Public adapts the handler of a page for someone not signed in (an
// invitation link): as Page, but an address that is not valid is said so
// to anyone, since the address is all such a visitor has.
func (h *Handler) Public(next httpx.HandlerFunc) http.Handler {
	return h.page(httpx.CheckPublicPath, next)
}

// Form adapts a handler of a signed-in user's form post: it bounds and
// parses the body and checks the session's CSRF token first.
func (h *Handler) Form(next httpx.HandlerFunc) http.Handler {
	return h.Page(func(w http.ResponseWriter, r *http.Request) error {
		sess := httpx.Session(r.Context())
		if sess == nil {
			return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
		}
		if err := httpx.ParseForm(w, r); err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf_token")), []byte(sess.CSRFToken)) != 1 {
			return mentorvault.Errorf(mentorvault.EFORBIDDEN, "this form has expired or did not come from mentorvault; go back, reload the page and try again")
		}
		// Its redirect's done= becomes a one-time flash (flash.go).
		return next(&flashWriter{ResponseWriter: w, h: h, r: r}, r)
	})
}

// refused is why a posted form was not accepted, for the page that shows
// it again: the problems its parser found, or else the service's refusal.
type refused struct {
	Problems form.Problems // found by the form's parser; empty when the service refused
	Err      error         // the service's EINVALID, or another code the page shows beside the form
}

// status is the HTTP status of the page that shows the refusal again: 400
// for the form's own problems, the service's code's otherwise.
func (f refused) status() int {
	if f.Err == nil {
		return http.StatusBadRequest
	}
	return httpx.Status(mentorvault.ErrorCode(f.Err))
}

// submit is what every page's form post does: parse the posted form; if it
// has no problems, call the service with it and, on success, redirect (303)
// to the address call returns. Problems parse finds, a service's EINVALID,
// or a refusal with one of the codes shows, go to rerender, which shows the
// page again with what was typed; any other error is returned to the
// adapter.
func submit[In any](w http.ResponseWriter, r *http.Request, parse func(url.Values) (In, form.Problems),
	call func(In) (redirect string, err error), rerender func(refused) error, shows ...string) error {
	in, problems := parse(r.PostForm)
	if len(problems) > 0 {
		return rerender(refused{Problems: problems})
	}
	to, err := call(in)
	if err == nil {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	if c := mentorvault.ErrorCode(err); c == mentorvault.EINVALID || slices.Contains(shows, c) {
		return rerender(refused{Err: err})
	}
	return err
}

func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code := mentorvault.ErrorCode(err)
	if code == mentorvault.EUNAUTHENTICATED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	httpx.LogError(h.log, r, err)
	status := httpx.Status(code)
	title := map[int]string{400: "That did not work", 401: "Please sign in", 403: "Not allowed", 404: "Not found",
		409: "That cannot be done now", 410: "Content erased", 413: "Too large", 415: "Unsupported request", 429: "Slow down"}[status]
	if title == "" {
		title = "Something went wrong"
	}
	h.render(w, r, status, "error.html", &errorPage{base: h.base(r, title), Status: status, Message: mentorvault.ErrorMessage(err)})
}

type errorPage struct {
	base
	Status  int
	Message string
}

func (h *Handler) NotFound(w http.ResponseWriter, r *http.Request) error {
	return mentorvault.Errorf(mentorvault.ENOTFOUND, "there is no page at this address")
}

// sentence shows a message (errors are written in lower case, Go's way)
// as a sentence: a capital first letter and a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.ContainsRune(".!?:", rune(s[len(s)-1])) {
		s += "."
	}
	return s
}

func fieldsMessage(err error) string {
	msg := mentorvault.ErrorMessage(err)
	for f, m := range mentorvault.ErrorFields(err) {
		msg += ": " + f + " " + m
	}
	return msg
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds the parsed templates (one set per page, each with the layout)
// and the content-hashed names of the static assets.
type pages struct {
	byName map[string]*template.Template
	assets map[string]string // "app.css" → "app.3f2a….css"
	files  map[string]string // hashed name → file name
	// zoned holds each page's templates with the time funcs bound to one
	// zone ("page\x00Europe/London" → clone), made the first time a viewer
	// in that zone sees the page and shared from then on.
	zoned sync.Map
}

// inZone is page name's templates with the time funcs bound to z. The
// parsed originals are never executed, so they can always be cloned.
func (p *pages) inZone(name string, z zone) (*template.Template, error) {
	key := name + "\x00" + z.name()
	if t, ok := p.zoned.Load(key); ok {
		return t.(*template.Template), nil
	}
	t, ok := p.byName[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	c, err := t.Clone()
	if err != nil {
		return nil, err
	}
	got, _ := p.zoned.LoadOrStore(key, c.Funcs(z.funcs()))
	return got.(*template.Template), nil
}

func parsePages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}, assets: map[string]string{}, files: map[string]string{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:6]) + ext
		p.assets[e.Name()], p.files[hashed] = hashed, e.Name()
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			h, ok := p.assets[name]
			if !ok {
				return "", fmt.Errorf("no asset %q", name)
			}
			return "/static/" + h, nil
		},
		"title": func(s string) string {
			r, n := utf8.DecodeRuneInString(s)
			if n == 0 {
				return s
			}
			return string(unicode.ToUpper(r)) + s[n:]
		},
		// lower starts a label mid-sentence: "Disclosure notice" reads
		// "Withdraw the disclosure notice".
		"lower": func(s string) string {
			r, n := utf8.DecodeRuneInString(s)
			if n == 0 {
				return s
			}
			return string(unicode.ToLower(r)) + s[n:]
		},
		"sentence":   sentence,
		"statusHelp": statusHelp,
		// reveal is the one way a template shows sealed text: a page holds
		// content as mentorvault.Secret, which prints "[sealed]" anywhere else.
		"reveal": func(s mentorvault.Secret) string { return s.Reveal() },
	}
	// The funcs that show times are bound to each viewer's zone when a
	// page renders (zone.funcs); these are their UTC versions, for parsing.
	for name, f := range (zone{time.UTC}).funcs() {
		funcs[name] = f
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", base, err)
		}
		p.byName[base] = t
	}
	return p, nil
}

func statusHelp(s mentorvault.RelationshipStatus) string {
	switch s {
	case mentorvault.StatusProposed:
		return "Waiting for the invited person to accept."
	case mentorvault.StatusAccepted:
		return "Accepted. Next, the two of you draft and sign your confidentiality agreement."
	case mentorvault.StatusAgreeing:
		return "Drafting the confidentiality agreement: the relationship starts when you both sign the same version."
	case mentorvault.StatusActive:
		return "Active: notes and meetings are open to the two of you."
	case mentorvault.StatusPaused:
		return "Paused: nothing new can be written until it resumes."
	case mentorvault.StatusClosed:
		return "Closed."
	case mentorvault.StatusDeclined:
		return "Declined."
	case mentorvault.StatusWithdrawn:
		return "Withdrawn."
	}
	return ""
}

// base is the data every page gets.
type base struct {
	Title    string
	SignedIn bool
	UserName string
	CSRF     string
	Nav      string
	Unread   int // unread notifications, for the header
	// Supervises: the header offers the consultations of a supervisor.
	Supervises bool
	// People: the header offers the people page (Cedar lets the viewer
	// list their organisation's people: an org admin).
	People bool
	// Programmes: the header offers the programmes page (the viewer runs a
	// programme, or Cedar lets them manage the organisation's).
	Programmes bool
}

type headerKey struct{}

// WithHeader returns ctx carrying the signed-in caller's page header, read
// with their session.
func WithHeader(ctx context.Context, hd *service.Header) context.Context {
	return context.WithValue(ctx, headerKey{}, hd)
}

func headerFrom(ctx context.Context) *service.Header {
	hd, _ := ctx.Value(headerKey{}).(*service.Header)
	return hd
}

func (h *Handler) base(r *http.Request, title string) base {
	b := base{Title: title}
	if sess := httpx.Session(r.Context()); sess != nil {
		b.SignedIn, b.CSRF = true, sess.CSRFToken
		// The header came with the session (service.AuthenticatePage), in
		// its transaction; without one (Cedar said no) the page has none.
		if hd := headerFrom(r.Context()); hd != nil {
			b.UserName, b.Supervises, b.Unread, b.People, b.Programmes = hd.Name, hd.Supervises, hd.Unread, hd.People, hd.Programmes
		}
	}
	switch {
	case r.URL.Path == "/":
		b.Nav = "home"
	case strings.HasPrefix(r.URL.Path, "/directory"):
		b.Nav = "directory"
	case strings.HasPrefix(r.URL.Path, "/settings"):
		b.Nav = "settings"
	case strings.HasPrefix(r.URL.Path, "/notifications"):
		b.Nav = "notifications"
	case strings.HasPrefix(r.URL.Path, "/consultations"):
		b.Nav = "consultations"
	case strings.HasPrefix(r.URL.Path, "/people"):
		b.Nav = "people"
	case strings.HasPrefix(r.URL.Path, "/programmes"):
		b.Nav = "programmes"
	}
	return b
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if _, ok := h.pages.byName[name]; !ok {
		h.log.ErrorContext(r.Context(), "no such template", "template", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	// The page's templates with the time funcs bound to the viewer's zone.
	t, err := h.pages.inZone(name, h.zone(r))
	if err == nil {
		err = t.ExecuteTemplate(&buf, "layout", data)
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "render failed", "request_id", httpx.RequestID(r.Context()), "template", name, "err", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// static serves the embedded assets under their content-hashed names, cached for a year.
func (h *Handler) Static() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := h.pages.files[r.PathValue("file")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, _ := staticFS.ReadFile("static/" + name)
		switch path.Ext(name) {
		case ".css":
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
		case ".js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		case ".svg":
			w.Header().Set("Content-Type", "image/svg+xml")
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		_, _ = w.Write(b)
	})
}

func tzOptions(sel string) []opt {
	if sel == "" {
		sel = "UTC"
	}
	out := make([]opt, len(form.TimeZones))
	found := false
	for i, z := range form.TimeZones {
		out[i] = opt{Value: z, Label: strings.ReplaceAll(z, "_", " "), Selected: z == sel}
		found = found || z == sel
	}
	if !found {
		// The viewer's own zone, when it is not one of the common ones.
		out = append(out, opt{Value: sel, Label: strings.ReplaceAll(sel, "_", " "), Selected: true})
	}
	return out
}

func relPath(id string) string { return "/relationships/" + url.PathEscape(id) }
