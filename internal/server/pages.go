package server

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentorvault/mentorvault"
)

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
		"date": func(t time.Time) string { return t.Format("2 Jan 2006") },
		"datep": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.Format("2 Jan 2006")
		},
		"title": func(s string) string {
			r, n := utf8.DecodeRuneInString(s)
			if n == 0 {
				return s
			}
			return string(unicode.ToUpper(r)) + s[n:]
		},
		"statusHelp": statusHelp,
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
}

func (s *Server) base(r *http.Request, title string) base {
	b := base{Title: title}
	if sess := sessionFrom(r.Context()); sess != nil {
		b.SignedIn, b.CSRF = true, sess.CSRFToken
		if me, err := s.svc.Me(r.Context(), principal(r)); err == nil {
			b.UserName, b.Supervises = me.User.Name, me.Supervises
		}
		// The header's count is a courtesy: a failure never fails the page.
		if n, err := s.svc.UnreadNotifications(r.Context(), principal(r)); err == nil {
			b.Unread = n
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
	}
	return b
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.pages.byName[name]
	var buf bytes.Buffer
	if !ok {
		s.log.ErrorContext(r.Context(), "no such template", "template", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.ErrorContext(r.Context(), "render failed", "request_id", requestID(r.Context()), "template", name, "err", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// static serves the embedded assets under their content-hashed names, cached for a year.
func (s *Server) static() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := s.pages.files[r.PathValue("file")]
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

func parseSeq(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, mentorvault.Invalid("the address is not valid", map[string]string{"before": "must be a positive event number"})
	}
	return n, nil
}
