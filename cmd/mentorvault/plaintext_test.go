package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// vaultClient calls the JSON API with a bearer token.
type vaultClient struct {
	t     testing.TB
	base  string
	token string
	hc    *http.Client
}

func newVaultClient(t testing.TB, base, token string) *vaultClient {
	return &vaultClient{t: t, base: base, token: token, hc: &http.Client{Timeout: 30 * time.Second}}
}

// do sends a request with body (JSON-encoded unless nil) and returns the
// status and the response body; a transport error fails the test.
func (c *vaultClient) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp.StatusCode, b
}

// mustDo sends a request, insists on status want and decodes the answer into out (if not nil).
func (c *vaultClient) mustDo(method, path string, body any, want int, out any) {
	c.t.Helper()
	status, b := c.do(method, path, body)
	if status != want {
		c.t.Fatalf("%s %s = %d, want %d\n%s", method, path, status, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// activeRelationship returns the ID of the caller's first active
// relationship in the directory whose mentor has the given email.
func (c *vaultClient) activeRelationship(mentorEmail string) string {
	c.t.Helper()
	var dir struct {
		Relationships []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Mentor struct {
				Email string `json:"email"`
			} `json:"mentor"`
		} `json:"relationships"`
	}
	c.mustDo("GET", "/api/v1/directory", nil, http.StatusOK, &dir)
	for _, r := range dir.Relationships {
		if r.Status == "active" && r.Mentor.Email == mentorEmail {
			return r.ID
		}
	}
	c.t.Fatalf("no active relationship mentored by %s in the directory: %+v", mentorEmail, dir)
	return ""
}

// apiNote is the part of a note the tests look at.
type apiNote struct {
	ID             string `json:"id"`
	RelationshipID string `json:"relationship_id"`
	Visibility     string `json:"visibility"`
	Body           string `json:"body"`
}

// cliToken creates an API token for email with the in-process CLI.
func cliToken(t testing.TB, dir, email string) string {
	t.Helper()
	out, errOut, err := runCmd(t, nil, "", "token", "create", "--data", dir, "--email", email)
	tok := lastLine(out)
	if err != nil || !strings.HasPrefix(tok, "mvt_") {
		t.Fatalf("token create --email %s: %v\n%s\n%s", email, err, out, errOut)
	}
	return tok
}

func randHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// encodedForms returns s and the ways it could sit encoded in a file or a
// log: hex (both cases) and base64 in every variant, for each of the three
// alignments s can have inside a longer base64-encoded value (the first and
// last quantum, which depend on the neighbouring bytes, are dropped).
func encodedForms(s string) map[string]string {
	forms := map[string]string{
		"raw": s,
		"hex": hex.EncodeToString([]byte(s)),
		"HEX": strings.ToUpper(hex.EncodeToString([]byte(s))),
		"json-utf16": func() string {
			var b strings.Builder
			for _, r := range s {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
			return b.String()
		}(),
	}
	encs := map[string]*base64.Encoding{"base64": base64.StdEncoding, "base64url": base64.URLEncoding}
	for name, enc := range encs {
		for off := 0; off < 3; off++ {
			e := enc.EncodeToString(append(bytes.Repeat([]byte{'x'}, off), s...))
			if len(e) > 8+12 {
				forms[fmt.Sprintf("%s@%d", name, off)] = e[4 : len(e)-4]
			}
		}
	}
	return forms
}

// leakScanner looks for secrets, in every encoding, in files and texts.
type leakScanner struct {
	t       testing.TB
	secrets map[string]map[string]string // secret → form name → encoded
}

func newLeakScanner(t testing.TB) *leakScanner {
	return &leakScanner{t: t, secrets: map[string]map[string]string{}}
}

func (l *leakScanner) add(secret string) { l.secrets[secret] = encodedForms(secret) }

// scanBytes reports every secret found in b, which is called where.
func (l *leakScanner) scanBytes(where string, b []byte) {
	l.t.Helper()
	for secret, forms := range l.secrets {
		for form, enc := range forms {
			if i := bytes.Index(b, []byte(enc)); i >= 0 {
				lo, hi := max(0, i-40), min(len(b), i+len(enc)+40)
				l.t.Errorf("%s holds %q (%s) at byte %d: …%q…", where, secret, form, i, b[lo:hi])
			}
		}
	}
}

// scanDir reads every file under dir and scans it; it returns how many
// files and bytes it read, so callers can check something was scanned.
func (l *leakScanner) scanDir(label, dir string) (files int, size int64) {
	l.t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			return nil // e.g. a -shm or temporary file removed meanwhile
		}
		if err != nil {
			return err
		}
		files++
		size += int64(len(b))
		rel, _ := filepath.Rel(dir, path)
		l.scanBytes(label+": "+rel, b)
		return nil
	})
	if err != nil {
		l.t.Fatalf("scan %s: %v", dir, err)
	}
	return files, size
}

func listFiles(t testing.TB, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			rel, _ := filepath.Rel(dir, path)
			if info != nil {
				rel = fmt.Sprintf("%s (%d bytes)", rel, info.Size())
			}
			names = append(names, rel)
		}
		return nil
	})
	return names
}

// demoNoteFragments are pieces of the demo organisation's notes (internal/demo).
var demoNoteFragments = []string{
	"Bob sounded worried about the reorganisation",
	"reorganisation",
	"The Effective Executive",
	"release checklist to Priya",
	"ready to lead the platform team",
	"how to give feedback that lands",
}

// TestNoPlaintextAtRest writes notes through the API and checks that their
// text appears nowhere in the data directory (database, WAL, shared memory,
// key, checkpoint) nor in the server's output, raw or encoded, both while
// the server runs (content still in the WAL) and after it stopped.
func TestNoPlaintextAtRest(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, nil, "--data", dir, "--demo")
	alice := newVaultClient(t, srv.URL, cliToken(t, dir, "alice@northwind.example"))
	bob := newVaultClient(t, srv.URL, cliToken(t, dir, "bob@northwind.example"))
	relID := alice.activeRelationship("alice@northwind.example")

	scan := newLeakScanner(t)
	scan.add("PLAINTEXT-MARKER-")
	for _, f := range demoNoteFragments {
		scan.add(f)
	}
	type written struct {
		c    *vaultClient
		id   string
		body string
	}
	var notes []written
	for i := 0; i < 20; i++ {
		c, who := alice, "alice"
		if i%3 == 2 {
			c, who = bob, "bob"
		}
		vis := "shared"
		if i%2 == 1 {
			vis = "private"
		}
		marker := "PLAINTEXT-MARKER-" + randHex(t, 12)
		scan.add(marker)
		body := fmt.Sprintf("Note %d by %s (%s): %s — talked about the budget.", i, who, vis, marker)
		var n apiNote
		c.mustDo("POST", "/api/v1/relationships/"+relID+"/notes", map[string]string{"body": body, "visibility": vis}, http.StatusCreated, &n)
		if n.ID == "" || n.Body != body {
			t.Fatalf("create note %d: got %+v", i, n)
		}
		notes = append(notes, written{c, n.ID, body})
	}
	// Edit one note to a second marker.
	edited := "PLAINTEXT-MARKER-" + randHex(t, 12)
	scan.add(edited)
	notes[4].body = "Edited: " + edited
	var n apiNote
	notes[4].c.mustDo("PATCH", "/api/v1/relationships/"+relID+"/notes/"+notes[4].id, map[string]string{"body": notes[4].body}, http.StatusOK, &n)
	if n.Body != notes[4].body {
		t.Fatalf("PATCH returned %+v", n)
	}
	// Read everything back, one by one and as lists.
	for _, w := range notes {
		var got apiNote
		w.c.mustDo("GET", "/api/v1/relationships/"+relID+"/notes/"+w.id, nil, http.StatusOK, &got)
		if got.Body != w.body {
			t.Errorf("note %s: body %q, want %q", w.id, got.Body, w.body)
		}
	}
	for _, c := range []*vaultClient{alice, bob} {
		var list struct{ Notes []apiNote }
		c.mustDo("GET", "/api/v1/relationships/"+relID+"/notes?limit=100", nil, http.StatusOK, &list)
		if len(list.Notes) < 10 {
			t.Errorf("list notes: only %d notes", len(list.Notes))
		}
	}
	var audit map[string]any
	alice.mustDo("GET", "/api/v1/relationships/"+relID+"/audit", nil, http.StatusOK, &audit)

	// Third parties: the requester's question, a statement, the subject's
	// comment, a three-way brief and a note for the three are sealed too.
	frank := newVaultClient(t, srv.URL, cliToken(t, dir, "frank@northwind.example"))
	dave := newVaultClient(t, srv.URL, cliToken(t, dir, "dave@northwind.example"))
	mark := func() string { m := "PLAINTEXT-MARKER-" + randHex(t, 12); scan.add(m); return m }
	var req struct{ ID string }
	frank.mustDo("POST", "/api/v1/relationships/"+relID+"/input-requests", map[string]string{"asked_email": "alice@northwind.example",
		"purpose": "promotion", "question": "Question " + mark(), "deadline": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)}, http.StatusCreated, &req)
	var st struct{ ID string }
	alice.mustDo("POST", "/api/v1/relationships/"+relID+"/input-requests/"+req.ID+"/statement", map[string]string{"body": "Statement " + mark()}, http.StatusCreated, &st)
	alice.mustDo("POST", "/api/v1/relationships/"+relID+"/statements/"+st.ID+"/submit", nil, http.StatusOK, nil)
	bob.mustDo("POST", "/api/v1/relationships/"+relID+"/statements/"+st.ID+"/decision", map[string]string{"decision": "changes", "comment": "Comment " + mark()}, http.StatusOK, nil)
	var tw struct{ ID string }
	bob.mustDo("POST", "/api/v1/relationships/"+relID+"/three-way-meetings", map[string]any{"brief": "Brief " + mark(),
		"starts_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "minutes": 30}, http.StatusCreated, &tw)
	alice.mustDo("POST", "/api/v1/three-way-meetings/"+tw.ID+"/agree", nil, http.StatusOK, nil)
	dave.mustDo("POST", "/api/v1/three-way-meetings/"+tw.ID+"/notes", map[string]string{"body": "Three-way note " + mark()}, http.StatusCreated, nil)

	// So are a request's purpose and decline reply, a summary's purpose, and
	// a disclosure's how and outside recipient's name (issue 11, point 5):
	// nor do notifications, whose text is stored plain, quote them.
	var req2 struct{ ID string }
	frank.mustDo("POST", "/api/v1/relationships/"+relID+"/input-requests", map[string]string{"asked_email": "alice@northwind.example",
		"purpose": "Purpose " + mark(), "question": "Question " + mark(), "deadline": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)}, http.StatusCreated, &req2)
	alice.mustDo("POST", "/api/v1/relationships/"+relID+"/input-requests/"+req2.ID+"/decline", map[string]string{"reply": "Reply " + mark()}, http.StatusOK, nil)
	alice.mustDo("POST", "/api/v1/relationships/"+relID+"/summaries", map[string]string{"recipient_email": "dave@northwind.example",
		"purpose": "Summary purpose " + mark(), "body": "Summary " + mark()}, http.StatusCreated, nil)
	var concern struct{ ID string }
	bob.mustDo("POST", "/api/v1/relationships/"+relID+"/concerns", map[string]any{"category": "other", "description": "Concern " + mark()}, http.StatusCreated, &concern)
	bob.mustDo("POST", "/api/v1/relationships/"+relID+"/concerns/"+concern.ID+"/plans", map[string]any{"recipient_name": "Name " + mark(),
		"how": "How " + mark(), "content": "Disclosure " + mark(), "effective_at": time.Now().Add(100 * time.Hour).UTC().Format(time.RFC3339)}, http.StatusCreated, nil)
	var mine struct {
		Requests []struct {
			Purpose      string `json:"purpose"`
			DeclineReply string `json:"decline_reply"`
		} `json:"requests"`
	}
	frank.mustDo("GET", "/api/v1/input-requests", nil, http.StatusOK, &mine)
	opened := 0
	for _, r := range mine.Requests {
		if strings.HasPrefix(r.Purpose, "Purpose PLAINTEXT-MARKER-") && strings.HasPrefix(r.DeclineReply, "Reply PLAINTEXT-MARKER-") {
			opened++
		}
	}
	if opened != 1 {
		t.Errorf("frank does not read back the sealed purpose and reply of his request: %+v", mine)
	}

	// While the server runs, recent writes sit in the WAL, not yet checkpointed.
	files, size := scan.scanDir("running", dir)
	t.Logf("scanned %d files, %d bytes while serving: %v", files, size, listFiles(t, dir))
	if size == 0 || !fileExists(filepath.Join(dir, "mentorvault.db-wal")) {
		t.Errorf("expected a database and its WAL in %s, found %v", dir, listFiles(t, dir))
	}

	srv.Stop()
	files, size = scan.scanDir("stopped", dir)
	t.Logf("scanned %d files, %d bytes after stopping: %v", files, size, listFiles(t, dir))
	if files < 3 || size < 4096 {
		t.Errorf("too little to scan after stopping: %v", listFiles(t, dir))
	}
	scan.scanBytes("server log (stderr)", []byte(srv.Logs.String()))
	scan.scanBytes("server stdout", []byte(srv.Stdout.String()))

	// Reopen with a CLI command (opening merges the WAL) and scan once more.
	out, errOut, err := runCmd(t, nil, "", "audit", "verify", "--data", dir)
	if err != nil || !strings.HasPrefix(out, "audit log intact: ") {
		t.Fatalf("audit verify: %v\n%s%s", err, out, errOut)
	}
	scan.scanBytes("audit verify output", []byte(out+errOut))
	scan.scanDir("after audit verify", dir)

	// The scanner must be able to see an encoded copy at any alignment.
	for off := 0; off < 3; off++ {
		blob := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", off) + notes[0].body + "cd"))
		found := false
		for _, enc := range encodedForms(notes[0].body) {
			found = found || strings.Contains(blob, enc)
		}
		if !found {
			t.Errorf("encodedForms misses a base64 copy of a note at offset %d", off)
		}
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
