package server_test

import (
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// badChars are the hostile characters every text field, email and ID must
// refuse. The lone carriage return is refused only where a line is asked
// for; a multi-line text may carry it (CRLF from a textarea).
var badChars = []struct {
	name, s   string
	multiline bool // also refused in a multi-line text
}{
	{"NUL", "\x00", true}, {"SOH", "\x01", true}, {"BEL", "\x07", true}, {"BS", "\x08", true},
	{"VT", "\x0b", true}, {"ESC", "\x1b", true}, {"DEL", "\x7f", true}, {"lone CR", "\r", false},
}

// multilineFields are the API's free-text members (ValidateText): every
// other string member is one line (a name, a title, an email, an ID, an
// enum, a hash …).
var multilineFields = map[string]bool{
	"body": true, "agenda": true, "description": true, "message": true, "content": true, "question": true,
	"reply": true, "comment": true, "notes": true, "text": true, "brief": true,
	"scope_in": true, "scope_out": true, "goals": true, // the agreement editor's textareas
}

// apiOp is how the table reaches one API operation as someone allowed to:
// who, and a body the operation accepts (placeholders {name} stand for the
// fixtures' IDs).
type apiOp struct {
	as   string
	body string
	alt  string // a second body, for members the first cannot carry with another
}

// badOutcome is what one case answered, compared across the backends.
type badOutcome struct {
	Status int
	Fields []string
	Code   string
}

// TestBadInput sends every hostile character in every string member of
// every API operation's JSON body, in every ID of every API path and in
// every text field of every web form, on both backends, as someone the
// route lets in, and checks the answer: 400 naming the field, nothing
// written, the same on SQLite and PostgreSQL. Anonymous requests with a
// malformed body get 401, never 400. The operations come from
// openapi.json and the forms from routes.go, so a new route without a row
// here fails the test.
func TestBadInput(t *testing.T) {
	ops := openAPIOperations(t)
	results := map[string]map[string]badOutcome{} // backend → case → outcome
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			badInputFixtures(t, f)
			got := map[string]badOutcome{}
			results[b.Name] = got
			t.Run("api", func(t *testing.T) { badInputAPI(t, f, ops, got) })
			t.Run("anonymous", func(t *testing.T) { badInputAnonymous(t, f, ops, got) })
			t.Run("web", func(t *testing.T) { badInputWeb(t, f, got) })
			t.Run("import", func(t *testing.T) { badInputImport(t, f, got) })
			t.Logf("%s: %d cases", b.Name, len(got))
		})
	}
	if len(results) == 2 {
		var names []string
		for n := range results {
			names = append(names, n)
		}
		a, b := results[names[0]], results[names[1]]
		for _, k := range slices.Sorted(maps.Keys(a)) {
			if fmt.Sprint(a[k]) != fmt.Sprint(b[k]) {
				t.Errorf("%s: %s answered %v, %s answered %v", k, names[0], a[k], names[1], b[k])
			}
		}
		if len(a) != len(b) {
			t.Errorf("%d cases on %s, %d on %s", len(a), names[0], len(b), names[1])
		}
	}
}

// apiOperation is one operation of openapi.json.
type apiOperation struct {
	method, path string
	pathParams   []string
	strings      []string // the request body's string members; nil without a JSON body
	hasBody      bool
}

func (o apiOperation) key() string { return o.method + " " + o.path }

// openAPIOperations reads every operation of the API document, with its
// path parameters and the string members of its JSON body.
func openAPIOperations(t *testing.T) []apiOperation {
	t.Helper()
	raw, err := os.ReadFile("../api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	type schema struct {
		Ref        string             `json:"$ref"`
		Type       string             `json:"type"`
		Properties map[string]*schema `json:"properties"`
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]*schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	resolve := func(s *schema) *schema {
		for s != nil && s.Ref != "" {
			s = doc.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
		}
		return s
	}
	var out []apiOperation
	for p, methods := range doc.Paths {
		for m, rawOp := range methods {
			if m == "parameters" {
				continue
			}
			var op struct {
				RequestBody *struct {
					Content map[string]struct {
						Schema *schema `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			if err := json.Unmarshal(rawOp, &op); err != nil {
				t.Fatal(err)
			}
			o := apiOperation{method: strings.ToUpper(m), path: p}
			for _, m := range placeholder.FindAllStringSubmatch(p, -1) {
				o.pathParams = append(o.pathParams, m[1])
			}
			if op.RequestBody != nil {
				if c, ok := op.RequestBody.Content["application/json"]; ok {
					o.hasBody = true
					s := resolve(c.Schema)
					for name, ps := range s.Properties {
						if ps = resolve(ps); ps.Type == "string" {
							o.strings = append(o.strings, name)
						}
					}
					sort.Strings(o.strings)
				}
			}
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// badInputFixtures makes one of every record a route acts on, each in a
// state where the route's input is judged: a meeting, a commitment, a goal,
// a feedback request, a concern with a plan, a consultation, two requests
// for input (one answered with a statement submitted to its subject), a
// three-way meeting and a draft agreement.
func badInputFixtures(t *testing.T, f *fixture) {
	t.Helper()
	const js = "application/json"
	soon := time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339)
	later := time.Now().UTC().Add(10 * 24 * time.Hour).Format(time.RFC3339)
	create := func(key, as, method, path, body string, want int) map[string]any {
		t.Helper()
		var b []byte
		ct := ""
		if body != "" {
			b, ct = []byte(fillBody(f, body)), js
		}
		r := f.do(t, as, method, path, ct, b)
		if r.status != want {
			t.Fatalf("fixture %s: %s %s → %d %s", key, method, path, r.status, r.body)
		}
		var v map[string]any
		_ = json.Unmarshal(r.body, &v)
		if id, ok := v["id"].(string); ok && key != "" {
			f.ids[key] = id
		}
		return v
	}
	var me struct {
		Roles []struct {
			ProgrammeID string `json:"programme_id"`
		} `json:"programme_roles"`
	}
	_ = json.Unmarshal(f.do(t, "carol", "GET", "/api/v1/me", "", nil).body, &me)
	f.ids["prog"] = me.Roles[0].ProgrammeID
	f.ids["bob"], f.ids["alice"] = f.env.Users["bob"].ID, f.env.Users["alice"].ID
	var sups struct {
		Supervisors []struct{ ID string } `json:"supervisors"`
	}
	_ = json.Unmarshal(f.do(t, "alice", "GET", "/api/v1/relationships/{rel}/supervisors", "", nil).body, &sups)
	if len(sups.Supervisors) == 0 {
		t.Fatal("alice has no supervisor to consult")
	}
	f.ids["erin"] = sups.Supervisors[0].ID
	create("meeting", "alice", "POST", "/api/v1/relationships/{rel}/meetings", `{"starts_at":"`+soon+`","minutes":45,"location":"Room 1","agenda":"plans"}`, 201)
	create("commitment", "alice", "POST", "/api/v1/relationships/{rel}/commitments", `{"description":"read a book","due_at":"`+soon+`"}`, 201)
	create("goal", "alice", "POST", "/api/v1/relationships/{rel}/goals", `{"title":"lead a team"}`, 201)
	create("feedbackReq", "alice", "POST", "/api/v1/relationships/{rel}/feedback", "", 201)
	create("concern", "alice", "POST", "/api/v1/relationships/{rel}/concerns", `{"category":"unlawful_conduct","description":"stock goes missing"}`, 201)
	create("disclosure", "alice", "POST", "/api/v1/relationships/{rel}/concerns/{concern}/plans",
		`{"recipient_email":"dave@northwind.example","how":"in person","content":"stock","effective_at":"`+later+`"}`, 201)
	create("consultation", "alice", "POST", "/api/v1/relationships/{rel}/consultations", `{"supervisor_id":"{erin}","message":"advice please"}`, 201)
	create("req", "frank", "POST", "/api/v1/relationships/{rel}/input-requests", `{"asked_email":"alice@northwind.example","purpose":"promotion","question":"how?","deadline":"`+soon+`"}`, 201)
	create("req2", "frank", "POST", "/api/v1/relationships/{rel}/input-requests", `{"asked_email":"alice@northwind.example","purpose":"transfer","question":"how?","deadline":"`+soon+`"}`, 201)
	create("st", "alice", "POST", "/api/v1/relationships/{rel}/input-requests/{req2}/statement", `{"body":"Bob engaged fully."}`, 201)
	create("", "alice", "POST", "/api/v1/relationships/{rel}/statements/{st}/submit", "", 200)
	create("req3", "frank", "POST", "/api/v1/relationships/{rel}/input-requests", `{"asked_email":"alice@northwind.example","purpose":"secondment","question":"how?","deadline":"`+soon+`"}`, 201)
	create("stDraft", "alice", "POST", "/api/v1/relationships/{rel}/input-requests/{req3}/statement", `{"body":"Bob engaged fully."}`, 201)
	create("threeWay", "bob", "POST", "/api/v1/relationships/{rel}/three-way-meetings", `{"brief":"what Bob works on","starts_at":"`+soon+`","minutes":30,"location":"Room 4"}`, 201)
	create("", "alice", "POST", "/api/v1/three-way-meetings/{threeWay}/agree", "", 200)
	v := create("version", "alice", "POST", "/api/v1/relationships/{rel}/agreement/drafts", "", 201)
	if h, ok := v["hash"].(string); ok {
		f.ids["versionHash"] = h
	}
	if terms, ok := v["terms"]; ok {
		tb, _ := json.Marshal(terms)
		f.ids["terms"] = string(tb)
	}
	var notes struct {
		Notifications []struct {
			ID string `json:"id"`
		} `json:"notifications"`
	}
	_ = json.Unmarshal(f.do(t, "bob", "GET", "/api/v1/notifications", "", nil).body, &notes)
	if len(notes.Notifications) == 0 {
		t.Fatal("bob has no notification")
	}
	f.ids["notification"] = notes.Notifications[0].ID
	f.ids["feed"] = create("", "alice", "POST", "/api/v1/calendar-feeds", `{}`, 201)["id"].(string)
	f.ids["token"] = f.env.Users["heidi"].ID   // any ID: a revoke with a bad one is refused first
	f.ids["passkey"] = f.env.Users["heidi"].ID // any ID: a rename or removal with bad input is refused first
	f.ids["guidelines"] = "1"
	v = create("person", "grace", "POST", "/api/v1/people", `{"name":"Ivy New","email":"ivy.new@northwind.example","manager_email":"alice@northwind.example"}`, 201)
	if inv, ok := v["new_invitation"].(map[string]any); ok {
		f.ids["invite"], _ = inv["token"].(string)
	}
	if f.ids["invite"] == "" {
		t.Fatal("adding a person made no invitation")
	}
	f.ids["ssoSecret"] = filepath.Join(t.TempDir(), "oidc-secret")
	if err := os.WriteFile(f.ids["ssoSecret"], []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	create("sso", "grace", "POST", "/api/v1/sso-providers", `{"name":"Fixture SSO","issuer":"https://login.fixture.example","client_id":"mv",`+
		`"secret_file":"{ssoSecret}","domains":["fixture.example"]}`, 201)
}

// apiOps reaches every API operation with a JSON body, as someone allowed
// to, with a body it accepts; a row per operation openapi.json lists.
func apiOps(soon, later string) map[string]apiOp {
	return map[string]apiOp{
		"POST /api/v1/relationships":                                              {"heidi", `{"other_email":"grace@northwind.example","my_role":"mentee","programme_id":"{prog}"}`, ""},
		"POST /api/v1/relationships/{id}/notes":                                   {"alice", `{"body":"a note","visibility":"shared"}`, ""},
		"PATCH /api/v1/relationships/{id}/notes/{noteID}":                         {"alice", `{"body":"edited","visibility":"private"}`, ""},
		"POST /api/v1/tokens":                                                     {"heidi", `{"name":"script"}`, ""},
		"POST /api/v1/relationships/{id}/close":                                   {"alice", `{"message":"we are done","settled":[]}`, ""},
		"PUT /api/v1/relationships/{id}/hold":                                     {"grace", `{"reason":"a tribunal case"}`, ""},
		"PUT /api/v1/me/email":                                                    {"heidi", `{"time_zone":"Europe/London","modes":{"meeting.changed":"digest"}}`, ""},
		"PUT /api/v1/me/password":                                                 {"heidi", `{"current_password":"not-the-password","new_password":"a brand new passphrase"}`, ""},
		"PUT /api/v1/org/mfa-policy":                                              {"grace", `{"everyone":false,"roles":["coordinator"]}`, ""},
		"PUT /api/v1/org/privacy":                                                 {"grace", `{"k_floor":5}`, ""},
		"PUT /api/v1/relationships/{id}/agreement/versions/{versionID}":           {"alice", `{"base_hash":"{versionHash}","terms":{terms}}`, ""},
		"POST /api/v1/relationships/{id}/agreement/versions/{versionID}/sign":     {"alice", `{"hash":"{versionHash}","password":"x-password"}`, ""},
		"POST /api/v1/relationships/{id}/agreement/versions/{versionID}/comments": {"bob", `{"section":"clauses","body":"a comment"}`, ""},
		"POST /api/v1/relationships/{id}/reviews":                                 {"alice", `{"answer":"keep","notes":"fine"}`, ""},
		"PUT /api/v1/programmes/{id}/settings":                                    {"carol", `{"mandatory_exceptions":["duty_in_law"],"min_notice_hours":72,"review_every_weeks":12,"k_threshold":5,"retention_days":365}`, ""},
		"POST /api/v1/programmes/{id}/guidelines":                                 {"carol", `{"body":"be kind"}`, ""},
		"POST /api/v1/programmes/{id}/matches":                                    {"carol", `{"pairs":[{"mentee_id":"{alice}","mentor_id":"{bob}"}]}`, ""},
		"POST /api/v1/programmes/{id}/pick":                                       {"heidi", `{"mentor_id":"{alice}"}`, ""},
		"POST /api/v1/relationships/{id}/meetings":                                {"alice", `{"starts_at":"` + soon + `","minutes":30,"location":"Room 2","agenda":"plans"}`, ""},
		"PUT /api/v1/relationships/{id}/meetings/{meetingID}":                     {"alice", `{"starts_at":"` + soon + `","minutes":30,"location":"Room 2","agenda":"plans"}`, ""},
		"POST /api/v1/relationships/{id}/meetings/{meetingID}/outcome":            {"alice", `{"outcome":"held"}`, ""},
		"POST /api/v1/relationships/{id}/meetings/{meetingID}/notes":              {"alice", `{"body":"a session note","visibility":"shared"}`, ""},
		"POST /api/v1/relationships/{id}/commitments":                             {"alice", `{"owner_id":"{bob}","description":"a step","due_at":"` + soon + `","goal_id":"{goal}","meeting_id":"{meeting}"}`, ""},
		"PATCH /api/v1/relationships/{id}/commitments/{commitmentID}":             {"alice", `{"status":"kept"}`, ""},
		"POST /api/v1/relationships/{id}/goals":                                   {"alice", `{"title":"a goal"}`, ""},
		"POST /api/v1/relationships/{id}/goals/{goalID}/progress":                 {"alice", `{"body":"some progress","status":"active"}`, ""},
		"POST /api/v1/relationships/{id}/feedback/{requestID}/answer":             {"bob", `{"ratings":{"usefulness":4,"challenge":4,"reliability":4,"safety":4},"text":"good"}`, ""},
		"POST /api/v1/notifications/read":                                         {"bob", `{"id":"{notification}"}`, ""},
		"POST /api/v1/calendar-feeds":                                             {"alice", `{}`, ""},
		"POST /api/v1/relationships/{id}/concerns":                                {"alice", `{"category":"unlawful_conduct","description":"more stock"}`, ""},
		"POST /api/v1/relationships/{id}/concerns/{concernID}/steps":              {"alice", `{"kind":"ethical_view","answer":"yes","body":"my view"}`, ""},
		"POST /api/v1/relationships/{id}/concerns/{concernID}/plans":              {"alice", `{"discloser_id":"{bob}","recipient_email":"dave@northwind.example","how":"in person","content":"stock","effective_at":"` + later + `"}`, `{"recipient_name":"Dave","how":"in person","content":"stock","effective_at":"` + later + `"}`},
		"POST /api/v1/relationships/{id}/concerns/{concernID}/notices":            {"alice", `{"discloser_id":"{bob}","recipient_email":"dave@northwind.example","how":"in person","content":"stock","effective_at":"` + later + `"}`, `{"recipient_name":"Dave","how":"in person","content":"stock","effective_at":"` + later + `"}`},
		"POST /api/v1/relationships/{id}/concerns/{concernID}/close":              {"alice", `{"outcome":"resolved","relationship":""}`, ""},
		"POST /api/v1/relationships/{id}/consultations":                           {"alice", `{"supervisor_id":"{erin}","concern_id":"{concern}","message":"advice"}`, ""},
		"POST /api/v1/consultations/{consultationID}/messages":                    {"erin", `{"body":"my advice"}`, ""},
		"POST /api/v1/relationships/{id}/input-requests":                          {"frank", `{"asked_email":"alice@northwind.example","purpose":"review","question":"how?","deadline":"` + soon + `"}`, `{"asked_id":"{alice}","purpose":"review","question":"how?","deadline":"` + soon + `"}`},
		"POST /api/v1/relationships/{id}/input-requests/{requestID}/decline":      {"alice", `{"reply":"not now"}`, ""},
		"POST /api/v1/relationships/{id}/input-requests/{requestID}/statement":    {"alice", `{"body":"Bob engaged."}`, ""},
		"POST /api/v1/relationships/{id}/summaries":                               {"bob", `{"recipient_email":"dave@northwind.example","purpose":"goals","body":"we worked on delegation"}`, ""},
		"PUT /api/v1/relationships/{id}/statements/{statementID}":                 {"alice", `{"body":"revised"}`, ""},
		"POST /api/v1/relationships/{id}/statements/{statementID}/decision":       {"bob", `{"decision":"changes","comment":"please change"}`, ""},
		"POST /api/v1/relationships/{id}/three-way-meetings":                      {"bob", `{"brief":"a brief","starts_at":"` + soon + `","minutes":30,"location":"Room 4"}`, ""},
		"PUT /api/v1/three-way-meetings/{threeWayID}":                             {"bob", `{"brief":"a brief","starts_at":"` + soon + `","minutes":30,"location":"Room 4"}`, ""},
		"POST /api/v1/three-way-meetings/{threeWayID}/outcome":                    {"alice", `{"state":"held"}`, ""},
		"POST /api/v1/three-way-meetings/{threeWayID}/notes":                      {"alice", `{"body":"a note for three"}`, ""},
		"POST /api/v1/people": {"grace", `{"name":"Ivy Other","email":"ivy.other@northwind.example","manager_email":"alice@northwind.example"}`,
			`{"name":"Ivy Other","email":"ivy.other@northwind.example","manager_id":"{alice}"}`},
		"PATCH /api/v1/people/{id}": {"grace", `{"name":"Ivy Newer","email":"ivy.new@northwind.example","manager_email":"alice@northwind.example"}`,
			`{"name":"Ivy Newer","manager_id":"{alice}"}`},
		"POST /api/v1/sso-providers": {"grace", `{"name":"Northwind SSO","issuer":"https://login.northwind.example","client_id":"mv",` +
			`"secret_file":"{ssoSecret}","domains":["northwind.example"],"sso_only":false,"create_users":false}`, ""},
		"POST /api/v1/programmes":           {"grace", `{"name":"A programme","description":"what it is for","kind":"mentoring"}`, ""},
		"PATCH /api/v1/programmes/{id}":     {"grace", `{"name":"Renamed","description":"what it is for","kind":"mentoring"}`, ""},
		"PUT /api/v1/programmes/{id}/staff": {"grace", `{"coordinators":["carol@northwind.example"],"supervisors":["erin@northwind.example"]}`, ""},
		"PUT /api/v1/programmes/{id}/enrolment": {"heidi", `{"role":"mentee","topics":["Delegation"],"topics_other":"negotiation","goals":"lead a team",` +
			`"languages":["English"],"time_zone":"Europe/London","availability":"Tuesday mornings","exclusions":["dave@northwind.example"]}`, ""},
		"POST /api/v1/me/email-change": {"heidi", `{"email":"heidi.new@northwind.example"}`, ""},
		"PUT /api/v1/me/time-zone":     {"heidi", `{"time_zone":"Europe/London"}`, ""},
	}
}

// pathFixture names the fixture each path parameter of an operation stands
// for; {id} is a relationship, a programme or a token by the path.
func pathFixture(path, param string) string {
	switch param {
	case "id":
		switch {
		case strings.HasPrefix(path, "/api/v1/programmes/"):
			return "prog"
		case strings.HasPrefix(path, "/api/v1/tokens/"):
			return "token"
		case strings.HasPrefix(path, "/api/v1/people/"):
			return "person"
		case strings.HasPrefix(path, "/api/v1/sso-providers/"):
			return "sso"
		}
		return "rel"
	case "noteID":
		return "aliceShared"
	case "versionID":
		return "version"
	case "version":
		return "guidelines"
	case "meetingID":
		return "meeting"
	case "commitmentID":
		return "commitment"
	case "goalID":
		return "goal"
	case "requestID":
		if strings.Contains(path, "/feedback/") {
			return "feedbackReq"
		}
		return "req"
	case "concernID":
		return "concern"
	case "disclosureID":
		return "disclosure"
	case "consultationID":
		return "consultation"
	case "statementID":
		return statementFixture(path)
	case "threeWayID":
		return "threeWay"
	case "feedID":
		return "feed"
	}
	return ""
}

// editOnly are the operations on a statement that need it still a draft.
func statementFixture(path string) string {
	if strings.HasSuffix(path, "/statements/{statementID}") {
		return "stDraft"
	}
	return "st"
}

// who reaches an operation without a body (for its path's IDs).
func pathCaller(o apiOperation) string {
	switch {
	case strings.HasPrefix(o.path, "/api/v1/programmes/"):
		return "carol"
	case strings.HasPrefix(o.path, "/api/v1/consultations/"):
		return "erin"
	case strings.HasPrefix(o.path, "/api/v1/tokens/"):
		return "heidi"
	case strings.HasPrefix(o.path, "/api/v1/people"), strings.HasPrefix(o.path, "/api/v1/sso-providers"):
		return "grace"
	}
	return "alice"
}

// fill replaces the {placeholders} of an operation's path with fixtures,
// and of a body with fixture IDs (terms as a JSON object).
func fillPath(f *fixture, o apiOperation) string {
	return placeholder.ReplaceAllStringFunc(o.path, func(m string) string {
		return url.PathEscape(f.ids[pathFixture(o.path, m[1:len(m)-1])])
	})
}

func fillBody(f *fixture, body string) string {
	return placeholder.ReplaceAllStringFunc(body, func(m string) string { return f.ids[m[1:len(m)-1]] })
}

// writes reports what a request wrote: its audit events other than
// token.use and denials, and which tables changed their row counts.
func (f *fixture) writes(t *testing.T, before int64, counts map[string]int) []string {
	t.Helper()
	var out []string
	for _, e := range f.env.Events(t, before) {
		read := false
		for _, r := range []string{".read", ".list", ".view", ".aggregate", ".receive"} {
			read = read || strings.HasSuffix(e.Action, r)
		}
		// A denial and a failed attempt (a wrong password, an import with
		// errors) are on the log by design; they write nothing else.
		if e.Action != "token.use" && e.Outcome != "denied" && e.Outcome != mentorvault.OutcomeFailed && !read {
			out = append(out, e.Action+":"+e.Outcome)
		}
	}
	for tbl, n := range f.rowCounts(t) {
		if n != counts[tbl] {
			out = append(out, fmt.Sprintf("%s rows %d → %d", tbl, counts[tbl], n))
		}
	}
	return out
}

func (f *fixture) rowCounts(t *testing.T) map[string]int {
	t.Helper()
	ts := f.tables(t)
	parts := make([]string, len(ts))
	ns := make([]int, len(ts))
	dest := make([]any, len(ts))
	for i, tbl := range ts {
		parts[i], dest[i] = "(SELECT count(*) FROM "+tbl+")", &ns[i]
	}
	// One query for all the tables: this runs twice for every case.
	if err := f.env.DB.SQLDB().QueryRow("SELECT " + strings.Join(parts, ", ")).Scan(dest...); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for i, tbl := range ts {
		out[tbl] = ns[i]
	}
	return out
}

var tableCache = map[*fixture][]string{}

// tables lists the store's tables but the audit log, sessions and sign-in
// counters, which a refused request may touch.
func (f *fixture) tables(t *testing.T) []string {
	if ts, ok := tableCache[f]; ok {
		return ts
	}
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if f.env.DB.Dialect() == "postgres" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
	}
	rows, err := f.env.DB.SQLDB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ts []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(n, "audit") || strings.HasPrefix(n, "sqlite_") || strings.Contains(n, "session") ||
			strings.Contains(n, "login") || strings.Contains(n, "migration") || strings.Contains(n, "job") {
			continue
		}
		ts = append(ts, n)
	}
	tableCache[f] = ts
	return ts
}

// fieldsOf is the fields map of an API error body.
func fieldsOf(body []byte) (string, map[string]string) {
	var e struct {
		Error struct {
			Code   string
			Fields map[string]string
		}
	}
	_ = json.Unmarshal(body, &e)
	return e.Error.Code, e.Error.Fields
}

func badInputAPI(t *testing.T, f *fixture, ops []apiOperation, got map[string]badOutcome) {
	soon := time.Now().UTC().Add(72 * time.Hour).Format(time.RFC3339)
	table := apiOps(soon, time.Now().UTC().Add(10*24*time.Hour).Format(time.RFC3339))
	for _, o := range ops {
		if !o.hasBody {
			continue
		}
		if _, ok := table[o.key()]; !ok {
			t.Errorf("%s takes a JSON body but has no row in apiOps", o.key())
		}
	}
	for _, o := range ops {
		row, ok := table[o.key()]
		if !ok && o.hasBody {
			continue
		}
		if !ok {
			row = apiOp{as: pathCaller(o)}
		}
		var base, alt map[string]any
		if o.hasBody {
			if err := json.Unmarshal([]byte(fillBody(f, row.body)), &base); err != nil {
				t.Fatalf("%s: the table's body is not JSON: %v", o.key(), err)
			}
		}
		if row.alt != "" {
			if err := json.Unmarshal([]byte(fillBody(f, row.alt)), &alt); err != nil {
				t.Fatalf("%s: the table's second body is not JSON: %v", o.key(), err)
			}
		}
		send := func(name, path string, body map[string]any, field string) {
			t.Run(name, func(t *testing.T) {
				var b []byte
				ct := ""
				if o.hasBody {
					b, _ = json.Marshal(body)
					ct = "application/json"
				}
				before, counts := f.env.Head(t), f.rowCounts(t)
				r := f.do(t, row.as, o.method, path, ct, b)
				code, fields := fieldsOf(r.body)
				got[name] = badOutcome{r.status, slices.Sorted(maps.Keys(fields)), code}
				if r.status != 400 || fields[field] == "" {
					t.Errorf("status %d, want 400 naming %q: %s", r.status, field, r.body)
				}
				if w := f.writes(t, before, counts); len(w) > 0 {
					t.Errorf("a refused request wrote %v", w)
				}
			})
		}
		for _, field := range o.strings {
			base := base
			if _, ok := base[field]; !ok && alt != nil {
				base = alt
			}
			if _, ok := base[field]; !ok {
				t.Errorf("%s: the table's body lacks the string member %q", o.key(), field)
				continue
			}
			for _, c := range badChars {
				if !c.multiline && multilineFields[field] {
					continue
				}
				body := maps.Clone(base)
				orig, _ := body[field].(string)
				body[field] = orig + c.s + "x"
				send(fmt.Sprintf("%s/%s/%s", o.key(), field, c.name), fillPath(f, o), body, field)
			}
		}
		for _, p := range o.pathParams {
			for _, c := range badChars {
				path := placeholder.ReplaceAllStringFunc(o.path, func(m string) string {
					v := f.ids[pathFixture(o.path, m[1:len(m)-1])]
					if m[1:len(m)-1] == p {
						v += c.s
					}
					return url.PathEscape(v)
				})
				send(fmt.Sprintf("%s/{%s}/%s", o.key(), p, c.name), path, base, p)
			}
		}
	}
}

// badInputAnonymous: every API operation answers an anonymous request with
// a malformed body 401, before looking at the body.
func badInputAnonymous(t *testing.T, f *fixture, ops []apiOperation, got map[string]badOutcome) {
	for _, o := range ops {
		for _, body := range []string{`{"body":"\u0000`, "{\"body\":\"\x00\"}"} {
			name := "anonymous " + o.key() + " " + fmt.Sprintf("%q", body)
			t.Run(name, func(t *testing.T) {
				before, counts := f.env.Head(t), f.rowCounts(t)
				r := f.do(t, "", o.method, fillPath(f, o), "application/json", []byte(body))
				code, fields := fieldsOf(r.body)
				got[name] = badOutcome{r.status, slices.Sorted(maps.Keys(fields)), code}
				if r.status != 401 {
					t.Errorf("status %d, want 401: %s", r.status, r.body)
				}
				if w := f.writes(t, before, counts); len(w) > 0 {
					t.Errorf("an anonymous request wrote %v", w)
				}
			})
		}
	}
}

var formRouteRE = regexp.MustCompile(`mux\.Handle\("POST ([^"]+)", w\.(?:Form|Page|Public)\(`)

// webForm is how the table posts one form as someone allowed to: who, the
// page whose form gives the other fields' values (optional), the fields it
// sends (placeholders for fixture IDs), the fields a person types (each
// must come back on the form with its message) and the hidden or chosen
// ones (enums, IDs: refused with 400 and nothing written).
type webForm struct {
	as     string
	page   string
	fields url.Values
	typed  []string
	hidden []string
}

func vals(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// webForms is every form post that takes input, by route; noFields are the
// form posts whose only field is the CSRF token (a button).
func webForms(day, when, later string) map[string]webForm {
	meeting := vals("starts_at", when, "minutes", "30", "location", "Room 2", "agenda", "plans", "tz", "UTC")
	commitment := vals("description", "a step", "due", day, "owner", "other", "goal_id", "{goal}")
	disclosure := vals("to", "member", "recipient_email", "dave@northwind.example", "how", "in person", "content", "stock", "effective_at", later, "tz", "UTC")
	outside := vals("to", "outside", "recipient_name", "Dave", "how", "in person", "content", "stock", "effective_at", later, "tz", "UTC")
	threeWay := vals("brief", "a brief", "starts_at", when, "minutes", "30", "location", "Room 4", "tz", "UTC")
	return map[string]webForm{
		"/login": {"", "", vals("email", "alice@northwind.example", "password", "x-password", "next", "/"), []string{"email", "password"}, nil},
		"/relationships": {"heidi", "", vals("other_email", "grace@northwind.example", "my_role", "mentee", "programme_id", "{prog}"),
			[]string{"other_email"}, []string{"my_role", "programme_id"}},
		"/relationships/{id}/lifecycle":                               {"alice", "", vals("action", "pause"), nil, []string{"action"}},
		"/relationships/{id}/notes":                                   {"alice", "", vals("body", "a note", "visibility", "shared"), []string{"body"}, []string{"visibility"}},
		"/relationships/{id}/notes/{noteID}":                          {"alice", "", vals("body", "edited", "visibility", "shared"), []string{"body"}, []string{"visibility"}},
		"/relationships/{id}/agreement/edit":                          {"alice", "/relationships/{rel}/agreement/edit", vals("scope_in", "leadership", "scope_out", "salary", "goals", "grow", "late_cancellation", "tell me", "kept_confidential[0].text", "my health"), []string{"scope_in", "scope_out", "goals", "late_cancellation"}, nil},
		"/relationships/{id}/agreement/versions/{versionID}/sign":     {"alice", "", vals("hash", "{versionHash}", "password", "x-password"), []string{"password"}, []string{"hash"}},
		"/relationships/{id}/agreement/versions/{versionID}/comments": {"bob", "", vals("section", "clauses", "body", "a comment"), []string{"body"}, []string{"section"}},
		"/relationships/{id}/agreement/reviews":                       {"alice", "", vals("answer", "keep", "notes", "fine"), []string{"notes"}, []string{"answer"}},
		"/programmes/{id}/guidelines":                                 {"carol", "", vals("body", "be kind"), []string{"body"}, nil},
		"/programmes/{id}/matching/propose":                           {"carol", "", vals("mentee", "{alice}", "mentor", "{alice}:{bob}"), nil, []string{"mentee", "mentor"}},
		"/programmes/{id}/pick":                                       {"heidi", "", vals("mentor_id", "{alice}"), nil, []string{"mentor_id"}},
		"/programmes/{id}/settings":                                   {"carol", "/programmes/{prog}", vals(), []string{"template_frequency"}, []string{"mandatory"}},
		"/relationships/{id}/meetings":                                {"alice", "", meeting, []string{"location", "agenda", "starts_at", "minutes"}, []string{"tz"}},
		"/relationships/{id}/meetings/{meetingID}/notes":              {"alice", "", vals("body", "a session note", "visibility", "shared"), []string{"body"}, []string{"visibility"}},
		"/relationships/{id}/meetings/{meetingID}/commitments":        {"alice", "", commitment, []string{"description", "due"}, []string{"goal_id"}},
		"/relationships/{id}/meetings/{meetingID}/reschedule":         {"alice", "", meeting, []string{"location", "agenda", "starts_at", "minutes"}, []string{"tz"}},
		"/relationships/{id}/meetings/{meetingID}/outcome":            {"alice", "", vals("outcome", "held"), nil, []string{"outcome"}},
		"/relationships/{id}/commitments":                             {"alice", "", commitment, []string{"description", "due"}, []string{"goal_id"}},
		"/relationships/{id}/commitments/{commitmentID}":              {"alice", "", vals("status", "kept"), nil, []string{"status"}},
		"/relationships/{id}/goals":                                   {"alice", "", vals("title", "a goal"), []string{"title"}, nil},
		"/relationships/{id}/goals/{goalID}/progress":                 {"alice", "", vals("body", "some progress", "status", "active"), []string{"body"}, []string{"status"}},
		"/relationships/{id}/feedback/{requestID}/answer": {"bob", "", vals("q_usefulness", "4", "q_challenge", "4", "q_reliability", "4", "q_safety", "4", "text", "good"),
			[]string{"text"}, nil},
		"/settings/tokens":                                 {"heidi", "", vals("name", "script"), []string{"name"}, nil},
		"/settings/email":                                  {"heidi", "", vals("time_zone", "Europe/London", "mode:meeting.changed", "digest"), nil, []string{"time_zone", "mode:meeting.changed"}},
		"/settings/password":                               {"heidi", "", vals("current_password", "not-the-password", "new_password", "a brand new passphrase", "confirm_password", "a brand new passphrase"), nil, []string{"current_password", "new_password"}},
		"/relationships/{id}/concerns":                     {"alice", "", vals("category", "unlawful_conduct", "description", "more stock"), []string{"description"}, []string{"category"}},
		"/relationships/{id}/concerns/{concernID}/steps":   {"alice", "", vals("kind", "ethical_view", "answer", "yes", "body", "my view"), []string{"body"}, []string{"kind", "answer"}},
		"/relationships/{id}/concerns/{concernID}/plans":   {"alice", "", disclosure, []string{"recipient_email", "how", "content", "effective_at"}, []string{"tz"}},
		"/relationships/{id}/concerns/{concernID}/notices": {"alice", "", outside, []string{"recipient_name", "how", "content", "effective_at"}, []string{"tz"}},
		"/relationships/{id}/concerns/{concernID}/close":   {"alice", "", vals("outcome", "resolved", "relationship", ""), nil, []string{"outcome", "relationship"}},
		"/relationships/{id}/consultations": {"alice", "", vals("supervisor_id", "{erin}", "concern_id", "{concern}", "message", "advice"),
			[]string{"message"}, []string{"supervisor_id", "concern_id"}},
		"/consultations/{consultationID}/messages": {"erin", "", vals("body", "my advice"), []string{"body"}, nil},
		"/relationships/{id}/input-requests": {"frank", "", vals("asked_email", "alice@northwind.example", "purpose", "review", "question", "how?", "deadline", day),
			[]string{"purpose", "question", "deadline"}, []string{"asked_email"}},
		"/relationships/{id}/third-parties/requests/{requestID}/decline":   {"alice", "", vals("reply", "not now"), []string{"reply"}, nil},
		"/relationships/{id}/third-parties/requests/{requestID}/statement": {"alice", "", vals("body", "Bob engaged."), []string{"body"}, nil},
		"/relationships/{id}/third-parties/summaries": {"bob", "", vals("recipient_email", "dave@northwind.example", "purpose", "goals", "body", "we worked on delegation"),
			[]string{"recipient_email", "purpose", "body"}, nil},
		"/relationships/{id}/third-parties/three-way":                         {"bob", "", threeWay, []string{"brief", "location", "starts_at", "minutes"}, []string{"tz"}},
		"/relationships/{id}/third-parties/statements/{statementID}":          {"alice", "", vals("body", "revised"), []string{"body"}, nil},
		"/relationships/{id}/third-parties/statements/{statementID}/decision": {"bob", "", vals("decision", "changes", "comment", "please change"), []string{"comment"}, []string{"decision"}},
		"/three-way/{threeWayID}/revise":                                      {"bob", "", threeWay, []string{"brief", "location", "starts_at", "minutes"}, []string{"tz"}},
		"/three-way/{threeWayID}/outcome":                                     {"alice", "", vals("outcome", "held"), nil, []string{"outcome"}},
		"/three-way/{threeWayID}/notes":                                       {"alice", "", vals("body", "a note for three"), []string{"body"}, nil},
		"/people": {"grace", "", vals("name", "Ivy Other", "email", "ivy.other@northwind.example", "manager_email", "alice@northwind.example"),
			[]string{"name", "email", "manager_email"}, nil},
		"/people/{id}": {"grace", "", vals("name", "Ivy Newer", "email", "ivy.new@northwind.example", "manager_email", "alice@northwind.example"),
			[]string{"name", "email", "manager_email"}, nil},
		"/people/{id}/admin": {"grace", "", vals("role", "grant"), nil, []string{"role"}},
		"/people/sso": {"grace", "", vals("name", "Northwind SSO", "issuer", "https://login.northwind.example", "client_id", "mv",
			"secret_file", "{ssoSecret}", "domains", "northwind.example"), []string{"name", "issuer", "client_id", "secret_file", "domains"}, nil},
		"/invite/{token}": {"", "/invite/{invite}", vals("password", "a long new password", "confirm", "a long new password"), []string{"password", "confirm"}, nil},
		"/programmes": {"grace", "", vals("name", "A programme", "description", "what it is for", "kind", "mentoring", "default_capacity", "1"),
			[]string{"name", "description", "default_capacity"}, []string{"kind"}},
		"/programmes/{id}/edit": {"grace", "", vals("name", "Renamed", "description", "what it is for", "kind", "mentoring", "default_capacity", "1"),
			[]string{"name", "description", "default_capacity"}, []string{"kind"}},
		"/programmes/{id}/enrolment": {"carol", "", vals("open", "true"), nil, []string{"open"}},
		"/programmes/{id}/archive":   {"grace", "", vals("archived", "true"), nil, []string{"archived"}},
		"/programmes/{id}/staff": {"grace", "", vals("coordinators", "carol@northwind.example", "supervisors", "erin@northwind.example"),
			[]string{"coordinators", "supervisors"}, nil},
		"/programmes/{id}/topics":                        {"carol", "", vals("topics", "Leadership\nDelegation"), []string{"topics"}, nil},
		"/settings/security/passkeys":                    {"heidi", "", vals("ceremony", "mvw_x", "credential", "{}", "name", "laptop"), []string{"name"}, []string{"ceremony", "credential"}},
		"/settings/security/passkeys/{passkeyID}/rename": {"heidi", "", vals("name", "phone"), []string{"name"}, nil},
		"/settings/security/passkeys/{passkeyID}/remove": {"heidi", "", vals("password", "x-password", "ceremony", "", "credential", ""), []string{"password"}, []string{"ceremony", "credential"}},
		"/settings/security/second-factor":               {"heidi", "", vals("on", "true"), nil, []string{"on"}},
		"/settings/security/policy":                      {"grace", "", vals("who", "roles", "roles", "coordinator"), nil, []string{"who", "roles"}},
		"/settings/security/privacy":                     {"grace", "", vals("k_floor", "5"), []string{"k_floor"}, nil},
		"/login/passkey":                                 {"", "", vals("ceremony", "mvw_x", "credential", "{}", "next", "/"), nil, []string{"ceremony", "credential", "next"}},
		"/login/second-factor":                           {"", "", vals("ceremony", "mvw_x", "credential", "{}", "next", "/"), nil, []string{"ceremony", "credential", "next"}},
		"/login/second-factor/recovery":                  {"", "", vals("code", "aaaa-bbbb-cccc", "next", "/"), []string{"code"}, []string{"next"}},
		"/login/second-factor/enrol": {"", "", vals("ceremony", "mvw_x", "credential", "{}", "name", "laptop", "next", "/"),
			[]string{"name"}, []string{"ceremony", "credential", "next"}},
		"/programmes/{id}/enrol": {"heidi", "", vals("role", "mentee", "topics", "Delegation", "topics_other", "negotiation", "goals", "lead a team",
			"languages", "English", "time_zone", "Europe/London", "availability", "Tuesday mornings", "capacity", "", "exclude_reporting_line", "on",
			"exclusions", "dave@northwind.example"),
			[]string{"topics_other", "goals", "languages", "time_zone", "availability", "capacity", "exclusions"}, []string{"role", "topics"}},
		"/login/forgot":           {"", "", vals("email", "heidi@northwind.example"), []string{"email"}, nil},
		"/login/reset/{token}":    {"", "", vals("password", "a long new password", "confirm", "a long new password"), []string{"password", "confirm"}, nil},
		"/settings/email-address": {"heidi", "", vals("email", "heidi.new@northwind.example"), []string{"email"}, nil},
		"/settings/time-zone":     {"heidi", "", vals("time_zone", "Europe/London"), nil, []string{"time_zone"}},
		"/people/provisioning":    {"grace", "", vals("name", "Okta"), []string{"name"}, nil},
		// Bad input in the reason is refused before anything is decided;
		// the demo pair has open items, so even a good post here closes nothing.
		"/relationships/{id}/close": {"alice", "/relationships/{rel}/close", vals("message", "we are done"), []string{"message"}, nil},
		"/relationships/{id}/hold":  {"grace", "/relationships/{rel}/hold", vals("reason", "a tribunal case"), []string{"reason"}, nil},
	}
}

// noFields are the form posts that are a button: the CSRF token is all they send.
var noFields = []string{"/logout", "/relationships/{id}/notes/{noteID}/delete", "/relationships/{id}/agreement/drafts",
	"/relationships/{id}/meetings/{meetingID}/start", "/relationships/{id}/meetings/{meetingID}/reminder-ack",
	"/relationships/{id}/meetings/{meetingID}/cancel", "/relationships/{id}/feedback", "/notifications/read",
	"/notifications/{notificationID}/open", "/settings/calendar-feeds", "/settings/calendar-feeds/{feedID}/revoke",
	"/settings/tokens/{id}/revoke", "/relationships/{id}/disclosures/{disclosureID}/sign",
	"/relationships/{id}/disclosures/{disclosureID}/withdraw", "/consultations/{consultationID}/close",
	"/relationships/{id}/third-parties/statements/{statementID}/submit", "/relationships/{id}/third-parties/statements/{statementID}/withdraw",
	"/three-way/{threeWayID}/agree", "/people/{id}/deactivate", "/people/{id}/reactivate", "/people/{id}/invite",
	"/programmes/{id}/withdraw", "/people/sso/{id}/remove", "/login/confirm-email/{token}", "/people/{id}/password-reset",
	"/settings/security/passkeys/options", "/settings/security/step-up/options", "/settings/security/recovery-codes",
	"/login/passkey/options", "/login/second-factor/options", "/login/second-factor/enrol/options", "/people/provisioning/{clientID}/revoke",
	"/relationships/{id}/end", "/relationships/{id}/hold/release", "/relationships/{id}/agreement/guidelines/{version}/read"}

// fileForms are the form posts that send a file (multipart): the table
// sends each bad character inside the file instead (badInputImport).
var fileForms = []string{"/people/import"}

// webPath fills a form route's wildcards with the fixtures.
func webPath(f *fixture, route string) string {
	return placeholder.ReplaceAllStringFunc(route, func(m string) string {
		return url.PathEscape(f.ids[webKey(route, m[1:len(m)-1])])
	})
}

// webKey names the fixture a form route's wildcard stands for.
func webKey(route, name string) string {
	key := map[string]string{"noteID": "aliceShared", "versionID": "version", "meetingID": "meeting", "commitmentID": "commitment",
		"goalID": "goal", "concernID": "concern", "disclosureID": "disclosure", "consultationID": "consultation",
		"statementID": statementFixture(route), "threeWayID": "threeWay", "notificationID": "notification", "feedID": "feed", "passkeyID": "passkey"}[name]
	switch {
	case name == "id" && strings.HasPrefix(route, "/programmes/"):
		key = "prog"
	case name == "id" && strings.HasPrefix(route, "/people/sso/"):
		key = "sso"
	case name == "id" && strings.HasPrefix(route, "/people/"):
		key = "person"
	case name == "token":
		key = "invite"
	case name == "id":
		key = "rel"
	case name == "requestID" && strings.Contains(route, "/feedback/"):
		key = "feedbackReq"
	case name == "requestID":
		key = "req"
	}
	return key
}

var (
	inputRE    = regexp.MustCompile(`<input ([^>]*)>`)
	textareaRE = regexp.MustCompile(`(?s)<textarea ([^>]*)>(.*?)</textarea>`)
	selectRE   = regexp.MustCompile(`(?s)<select ([^>]*)>(.*?)</select>`)
	optionRE   = regexp.MustCompile(`<option value="([^"]*)"( selected)?`)
	attrRE     = regexp.MustCompile(`(\w+)="([^"]*)"`)
)

// scrapeForm reads the values the form posting to action shows on page, as
// a browser would send them.
func scrapeForm(page, action string) url.Values {
	out := url.Values{}
	i := strings.Index(page, `action="`+action+`"`)
	if i < 0 {
		return out
	}
	page = page[i:]
	if j := strings.Index(page, "</form>"); j >= 0 {
		page = page[:j]
	}
	attrs := func(s string) map[string]string {
		m := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(s, -1) {
			m[a[1]] = html.UnescapeString(a[2])
		}
		if strings.Contains(s, " checked") {
			m["checked"] = "yes"
		}
		return m
	}
	for _, in := range inputRE.FindAllStringSubmatch(page, -1) {
		a := attrs(in[1])
		if a["name"] == "" || ((a["type"] == "checkbox" || a["type"] == "radio") && a["checked"] == "") {
			continue
		}
		out.Add(a["name"], a["value"])
	}
	for _, ta := range textareaRE.FindAllStringSubmatch(page, -1) {
		if a := attrs(ta[1]); a["name"] != "" {
			out.Add(a["name"], html.UnescapeString(ta[2]))
		}
	}
	for _, se := range selectRE.FindAllStringSubmatch(page, -1) {
		a := attrs(se[1])
		opts := optionRE.FindAllStringSubmatch(se[2], -1)
		if a["name"] == "" || len(opts) == 0 {
			continue
		}
		v := opts[0][1]
		for _, o := range opts {
			if o[2] != "" {
				v = o[1]
			}
		}
		out.Set(a["name"], html.UnescapeString(v))
	}
	return out
}

func badInputWeb(t *testing.T, f *fixture, got map[string]badOutcome) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	forms := webForms(now.AddDate(0, 0, 3).Format("2006-01-02"), now.Add(72*time.Hour).Format("2006-01-02T15:04"), now.AddDate(0, 0, 10).Format("2006-01-02T15:04"))
	var routes []string
	for _, m := range formRouteRE.FindAllStringSubmatch(string(src), -1) {
		routes = append(routes, m[1])
		if _, ok := forms[m[1]]; !ok && !slices.Contains(noFields, m[1]) && !slices.Contains(fileForms, m[1]) {
			t.Errorf("the form POST %s has no row in webForms (nor is it in noFields)", m[1])
		}
	}
	for r := range forms {
		if !slices.Contains(routes, r) {
			t.Errorf("webForms has a row for %s, which routes.go does not serve", r)
		}
	}
	clients := map[string]*web{}
	tokens := map[string]string{}
	// Someone not signed in takes the CSRF token from the form's own page
	// (the sign-in page, or an invitation link's).
	anonPage := "/login"
	client := func(as string) (*web, string) {
		if as == "" {
			w := newWeb(t, f.ts.URL)
			_, page := w.get(anonPage)
			return w, csrfField.FindStringSubmatch(page)[1]
		}
		if clients[as] == nil {
			clients[as] = newWeb(t, f.ts.URL)
			tokens[as] = clients[as].login(as + "@northwind.example")
		}
		return clients[as], tokens[as]
	}
	for _, route := range slices.Sorted(maps.Keys(forms)) {
		form := forms[route]
		path := webPath(f, route)
		anonPage = "/login"
		if form.as == "" && form.page != "" {
			anonPage = fillBody(f, form.page)
		}
		w, csrf := client(form.as)
		base := url.Values{}
		if form.page != "" {
			_, page := w.get(fillBody(f, form.page))
			base = scrapeForm(page, path)
			if len(base) == 0 {
				t.Fatalf("%s: no form posting to %s on %s", route, path, form.page)
			}
		}
		for k, v := range form.fields {
			base.Set(k, fillBody(f, v[0]))
		}
		base.Set("csrf_token", csrf)
		for _, wc := range placeholder.FindAllStringSubmatch(route, -1) {
			for _, c := range badChars {
				name := fmt.Sprintf("web POST %s/{%s}/%s", route, wc[1], c.name)
				t.Run(name, func(t *testing.T) {
					bad := webPath(f, strings.Replace(route, wc[0], url.PathEscape(f.ids[webKey(route, wc[1])]+c.s), 1))
					before, counts := f.env.Head(t), f.rowCounts(t)
					st, _, page := postTo(t, w, bad, base)
					got[name] = badOutcome{Status: st}
					if st != 400 || !strings.Contains(page, "is not valid") {
						t.Errorf("status %d, want 400 saying the address is not valid: %.400s", st, errorText(page))
					}
					if w := f.writes(t, before, counts); len(w) > 0 {
						t.Errorf("a refused form wrote %v", w)
					}
				})
			}
		}
		for _, field := range append(slices.Clone(form.typed), form.hidden...) {
			typed := slices.Contains(form.typed, field)
			for _, c := range badChars {
				if !c.multiline && multilineFields[field] {
					continue
				}
				name := fmt.Sprintf("web POST %s/%s/%s", route, field, c.name)
				t.Run(name, func(t *testing.T) {
					if form.as == "" {
						w, csrf = client("")
						base.Set("csrf_token", csrf)
					}
					v := url.Values{}
					for k, vs := range base {
						v[k] = slices.Clone(vs)
					}
					v.Set(field, v.Get(field)+c.s+"x")
					before, counts := f.env.Head(t), f.rowCounts(t)
					st, _, page := postTo(t, w, path, v)
					got[name] = badOutcome{Status: st}
					if st != 400 {
						t.Errorf("status %d, want 400: %.400s", st, errorText(page))
					} else if typed && !strings.Contains(page, "value=\"") && !strings.Contains(page, "<textarea") {
						t.Errorf("the form did not come back: %.400s", errorText(page))
					}
					if want := textProblemWords(v.Get(field), multilineFields[field]); typed && want != "" && !strings.Contains(page, want) && !strings.Contains(page, "like 20") && !strings.Contains(page, "minutes") && !strings.Contains(page, "whole number") {
						t.Errorf("the page does not say %q: %s", want, errorText(page))
					}
					if w := f.writes(t, before, counts); len(w) > 0 {
						t.Errorf("a refused form wrote %v", w)
					}
				})
			}
		}
	}
}

// badInputImport sends each bad character inside an uploaded staff list's
// name and email columns, applied at once: 400 with the row's error on the
// page, and nothing written.
func badInputImport(t *testing.T, f *fixture, got map[string]badOutcome) {
	w := newWeb(t, f.ts.URL)
	csrf := w.login("grace@northwind.example")
	for _, field := range []string{"name", "email"} {
		for _, c := range badChars {
			name := fmt.Sprintf("web POST /people/import/%s/%s", field, c.name)
			t.Run(name, func(t *testing.T) {
				row := map[string]string{"name": "Ivy Csv", "email": "ivy.csv@northwind.example"}
				row[field] = strings.Replace(row[field], "Csv", "C"+c.s+"sv", 1)
				row[field] = strings.Replace(row[field], ".csv@", ".c"+c.s+"sv@", 1)
				before, counts := f.env.Head(t), f.rowCounts(t)
				st, page := w.upload("/people/import", map[string]string{"csrf_token": csrf, "apply": "yes"},
					"email,name,manager_email\n"+row["email"]+","+row["name"]+",\n")
				got[name] = badOutcome{Status: st}
				if want := "<td>2</td><td>" + field + "</td>"; st != 400 || !strings.Contains(page, want) {
					t.Errorf("status %d, want 400 naming row 2's %s: %.2000s", st, field, errorText(page))
				}
				if w := f.writes(t, before, counts); len(w) > 0 {
					t.Errorf("a refused import wrote %v", w)
				}
			})
		}
	}
}

// textProblemWords is what the page must say about a value's characters.
func textProblemWords(s string, multiline bool) string {
	return mentorvault.TextProblem(s, multiline)
}

var tagRE = regexp.MustCompile(`(?s)<[^>]*>|\s+`)

// errorText is a page's text without its tags, for a failure message.
func errorText(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		page = page[i:]
	}
	return strings.TrimSpace(tagRE.ReplaceAllString(page, " "))
}

// TestProposeOneself: proposing oneself as mentor, mentee or partner is
// refused in words, on the field, in the API and on the web form alike, on
// both backends, and nothing is written.
func TestProposeOneself(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			for _, tc := range []struct{ role, says string }{
				{"mentee", "cannot mentor yourself"}, {"mentor", "cannot mentor yourself"}, {"partner", "cannot be your own peer partner"},
			} {
				t.Run("api "+tc.role, func(t *testing.T) {
					before, counts := f.env.Head(t), f.rowCounts(t)
					r := f.do(t, "heidi", "POST", "/api/v1/relationships", "application/json",
						[]byte(`{"other_email":"Heidi@northwind.example","my_role":"`+tc.role+`"}`))
					_, fields := fieldsOf(r.body)
					if r.status != 400 || !strings.Contains(fields["other_email"], tc.says) || !strings.Contains(string(r.body), "You "+tc.says) {
						t.Errorf("status %d, want 400 saying %q on other_email: %s", r.status, tc.says, r.body)
					}
					if w := f.writes(t, before, counts); len(w) > 0 {
						t.Errorf("a refused proposal wrote %v", w)
					}
				})
				t.Run("web "+tc.role, func(t *testing.T) {
					w := newWeb(t, f.ts.URL)
					csrf := w.login("heidi@northwind.example")
					before, counts := f.env.Head(t), f.rowCounts(t)
					st, _, page := postTo(t, w, "/relationships", url.Values{"csrf_token": {csrf}, "other_email": {"heidi@northwind.example"}, "my_role": {tc.role}})
					if st != 400 || !strings.Contains(page, "You "+tc.says) || !strings.Contains(page, `value="heidi@northwind.example"`) {
						t.Errorf("status %d, want the form again saying %q: %s", st, tc.says, errorText(page))
					}
					if w := f.writes(t, before, counts); len(w) > 0 {
						t.Errorf("a refused proposal wrote %v", w)
					}
				})
			}
		})
	}
}
