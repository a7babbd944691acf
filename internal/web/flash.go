package web

import (
	"net/http"
	"net/url"
	"strings"
)

// A flash is the one-time message a form leaves for the page it lands on
// ("The meeting is scheduled."). A form handler redirects to
// PATH?done=WHAT; Form moves WHAT out of the address into a short-lived
// cookie for PATH, and the page at PATH takes it back (as its done
// parameter) and clears the cookie. So the message shows once, and a
// reload or a bookmark never shows it again.
const flashCookie = "mv_flash"

// flashWriter rewrites a form's redirect that carries done=.
type flashWriter struct {
	http.ResponseWriter
	h     *Handler
	r     *http.Request
	wrote bool
}

func (fw *flashWriter) Unwrap() http.ResponseWriter { return fw.ResponseWriter }

func (fw *flashWriter) Write(b []byte) (int, error) {
	if !fw.wrote {
		fw.WriteHeader(http.StatusOK)
	}
	return fw.ResponseWriter.Write(b)
}

func (fw *flashWriter) WriteHeader(code int) {
	if !fw.wrote && code == http.StatusSeeOther {
		fw.moveDone()
	}
	fw.wrote = true
	fw.ResponseWriter.WriteHeader(code)
}

func (fw *flashWriter) moveDone() {
	u, err := url.Parse(fw.Header().Get("Location"))
	if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") {
		return
	}
	q := u.Query()
	done := q.Get("done")
	if done == "" {
		return
	}
	q.Del("done")
	u.RawQuery = q.Encode()
	fw.Header().Set("Location", u.String())
	http.SetCookie(fw.ResponseWriter, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(u.Path) + "|" + url.QueryEscape(done),
		Path: "/", MaxAge: 120, HttpOnly: true, Secure: fw.h.edge.TLS(fw.r), SameSite: http.SameSiteLaxMode})
}

// takeFlash returns r with the flash left for its page as its done
// parameter, and clears the flash; other requests are returned as they are.
func (h *Handler) takeFlash(w http.ResponseWriter, r *http.Request) *http.Request {
	if r.Method != http.MethodGet {
		return r
	}
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return r
	}
	path, done, ok := strings.Cut(c.Value, "|")
	if p, err := url.QueryUnescape(path); !ok || err != nil || p != r.URL.Path {
		return r // for another page (or damaged): it runs out by itself
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.edge.TLS(r), SameSite: http.SameSiteLaxMode})
	d, err := url.QueryUnescape(done)
	if err != nil || d == "" {
		return r
	}
	r2 := r.Clone(r.Context())
	q := r2.URL.Query()
	q.Set("done", d)
	r2.URL.RawQuery = q.Encode()
	return r2
}
