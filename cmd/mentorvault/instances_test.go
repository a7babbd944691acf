package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestTwoInstancesOnePostgreSQL runs two `mentorvault serve` processes on one
// PostgreSQL database, as behind a load balancer, with clients split between
// them doing operations that conflict: both parties sign at the same moment,
// a transition races notes being written, two notices are filed at once and
// both instances' job runners race to deliver them. Afterwards every
// invariant holds: the state machine, every acknowledged note kept and none
// written after the pause, each notice delivered exactly once, and the audit
// chain verifies.
func TestTwoInstancesOnePostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two servers; skipped with -short")
	}
	dbURL := sqlstoretest.PostgresSchemaURL(t)
	bin := buildMentorvault(t)
	dir := t.TempDir() // the master key both instances share
	if out, errOut, err := runBinary(t, bin, "demo", "--data", dir, "--database-url", dbURL); err != nil {
		t.Fatalf("demo: %v\n%s%s", err, out, errOut)
	}
	args := []string{"--data", dir, "--database-url", dbURL, "--job-interval", "50ms"}
	a, b := startServeProcess(t, bin, args...), startServeProcess(t, bin, args...)
	token := func(email string) string {
		t.Helper()
		out, errOut, err := runBinary(t, bin, "token", "create", "--data", dir, "--database-url", dbURL, "--email", email)
		tok := lastLine(out)
		if err != nil || !strings.HasPrefix(tok, "mvt_") {
			t.Fatalf("token create %s: %v\n%s%s", email, err, out, errOut)
		}
		return tok
	}
	heidiTok, frankTok := token("heidi@northwind.example"), token("frank@northwind.example")
	heidiA, heidiB := newVaultClient(t, a.URL, heidiTok), newVaultClient(t, b.URL, heidiTok)
	frankA, frankB := newVaultClient(t, a.URL, frankTok), newVaultClient(t, b.URL, frankTok)

	type version struct {
		ID   string `json:"id"`
		Hash string `json:"hash"`
	}
	type rel struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	status := func(c *vaultClient, id string) string {
		var r rel
		c.mustDo("GET", "/api/v1/relationships/"+id, nil, http.StatusOK, &r)
		return r.Status
	}
	// newPair: heidi proposes on one instance, frank accepts on the other,
	// and frank starts the draft.
	newPair := func() (string, version) {
		var r rel
		heidiA.mustDo("POST", "/api/v1/relationships", map[string]string{"other_email": "frank@northwind.example", "my_role": "mentee"}, http.StatusCreated, &r)
		frankB.mustDo("POST", "/api/v1/relationships/"+r.ID+"/accept", nil, http.StatusOK, nil)
		var v version
		frankA.mustDo("POST", "/api/v1/relationships/"+r.ID+"/agreement/drafts", nil, http.StatusCreated, &v)
		return r.ID, v
	}
	sign := func(c *vaultClient, relID string, v version) (int, []byte) {
		return c.do("POST", "/api/v1/relationships/"+relID+"/agreement/versions/"+v.ID+"/sign", map[string]string{"hash": v.Hash, "password": "mentorvault-demo"})
	}

	t.Run("both sign at once", func(t *testing.T) {
		for round := range 8 {
			relID, v := newPair()
			var wg sync.WaitGroup
			codes := make([]int, 2)
			bodies := make([][]byte, 2)
			wg.Add(2)
			go func() { defer wg.Done(); codes[0], bodies[0] = sign(heidiA, relID, v) }()
			go func() { defer wg.Done(); codes[1], bodies[1] = sign(frankB, relID, v) }()
			wg.Wait()
			for i, c := range codes {
				if c != http.StatusOK {
					t.Fatalf("round %d: signature %d answered %d: %s", round, i, c, bodies[i])
				}
			}
			if got := status(heidiB, relID); got != "active" {
				t.Fatalf("round %d: both signed on different instances and the relationship is %s", round, got)
			}
			frankA.mustDo("POST", "/api/v1/relationships/"+relID+"/close", nil, http.StatusOK, nil)
		}
	})

	t.Run("pause while notes are written", func(t *testing.T) {
		relID, v := newPair()
		for _, c := range []*vaultClient{heidiA, frankB} {
			if code, body := sign(c, relID, v); code != http.StatusOK {
				t.Fatalf("sign: %d %s", code, body)
			}
		}
		type ack struct{ id string }
		var (
			mu     sync.Mutex
			acked  []ack
			others []string
			wg     sync.WaitGroup
		)
		for w := range 4 {
			c := heidiA
			if w%2 == 1 {
				c = heidiB
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 15 {
					code, body := c.do("POST", "/api/v1/relationships/"+relID+"/notes", map[string]string{"body": fmt.Sprintf("note %d/%d", w, i), "visibility": "shared"})
					mu.Lock()
					switch code {
					case http.StatusCreated:
						var n struct {
							ID string `json:"id"`
						}
						if err := json.Unmarshal(body, &n); err != nil {
							t.Errorf("note: %v", err)
						}
						acked = append(acked, ack{n.ID})
					case http.StatusForbidden:
					default:
						others = append(others, fmt.Sprintf("%d %s", code, body))
					}
					mu.Unlock()
				}
			}()
		}
		time.Sleep(30 * time.Millisecond)
		frankB.mustDo("POST", "/api/v1/relationships/"+relID+"/pause", nil, http.StatusOK, nil)
		wg.Wait()
		if len(others) > 0 {
			t.Fatalf("notes answered neither 201 nor 403: %v", others)
		}
		var list struct {
			Notes []struct {
				ID string `json:"id"`
			} `json:"notes"`
		}
		heidiB.mustDo("GET", "/api/v1/relationships/"+relID+"/notes?limit=500", nil, http.StatusOK, &list)
		kept := map[string]bool{}
		for _, n := range list.Notes {
			kept[n.ID] = true
		}
		// The audit chain's order is the commit order (each transaction
		// appends last, under the head's lock): every acknowledged note must
		// come before the pause. (Transaction start times cannot tell: a
		// note may start after the pause started and still commit first.)
		var trail struct {
			Events []struct {
				Seq        int64  `json:"seq"`
				Action     string `json:"action"`
				ResourceID string `json:"resource_id"`
			} `json:"events"`
		}
		heidiA.mustDo("GET", "/api/v1/relationships/"+relID+"/audit?limit=500", nil, http.StatusOK, &trail)
		seqOf := map[string]int64{}
		var pauseSeq int64
		for _, e := range trail.Events {
			switch e.Action {
			case "note.create":
				seqOf[e.ResourceID] = e.Seq
			case "relationship.pause":
				pauseSeq = e.Seq
			}
		}
		if pauseSeq == 0 {
			t.Fatalf("no pause on the audit trail: %+v", trail.Events)
		}
		for _, a := range acked {
			if !kept[a.id] {
				t.Errorf("acknowledged note %s is missing", a.id)
			}
			if seq := seqOf[a.id]; seq == 0 || seq > pauseSeq {
				t.Errorf("note %s was committed at audit position %d, after the pause at %d", a.id, seq, pauseSeq)
			}
		}
		if len(list.Notes) != len(acked) {
			t.Errorf("%d notes stored, %d acknowledged", len(list.Notes), len(acked))
		}
		if got := status(frankA, relID); got != "paused" {
			t.Errorf("relationship is %s, want paused", got)
		}
		t.Logf("%d notes acknowledged before the pause", len(acked))
	})

	t.Run("two notices, delivered exactly once by racing job runners", func(t *testing.T) {
		aliceTok, daveTok := token("alice@northwind.example"), token("dave@northwind.example")
		aliceA, aliceB := newVaultClient(t, a.URL, aliceTok), newVaultClient(t, b.URL, aliceTok)
		dave := newVaultClient(t, b.URL, daveTok)
		relID := aliceA.activeRelationship("alice@northwind.example")
		var c struct {
			ID string `json:"id"`
		}
		aliceA.mustDo("POST", "/api/v1/relationships/"+relID+"/concerns",
			map[string]any{"category": "danger_to_mentee", "description": "An immediate risk to Bob's safety.", "imminent": true}, http.StatusCreated, &c)
		notice := func(cl *vaultClient, n int) (int, []byte) {
			return cl.do("POST", "/api/v1/relationships/"+relID+"/concerns/"+c.ID+"/notices", map[string]any{
				"recipient_email": "dave@northwind.example", "how": "by phone", "imminent": true, "effective_at": time.Now().UTC().Format(time.RFC3339),
				"content": fmt.Sprintf("Notice %d: Bob needs help now.", n),
			})
		}
		var wg sync.WaitGroup
		codes := make([]int, 2)
		bodies := make([][]byte, 2)
		wg.Add(2)
		go func() { defer wg.Done(); codes[0], bodies[0] = notice(aliceA, 1) }()
		go func() { defer wg.Done(); codes[1], bodies[1] = notice(aliceB, 2) }()
		wg.Wait()
		filed := 0
		for i, code := range codes {
			switch code {
			case http.StatusCreated:
				filed++
			case http.StatusConflict:
			default:
				t.Fatalf("notice %d answered %d: %s", i, code, bodies[i])
			}
		}
		if filed == 0 {
			t.Fatal("neither notice was filed")
		}
		var got struct {
			Disclosures []struct {
				ID string `json:"id"`
			} `json:"disclosures"`
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			dave.mustDo("GET", "/api/v1/disclosures", nil, http.StatusOK, &got)
			if len(got.Disclosures) >= filed || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // time for a second, wrong delivery to show
		dave.mustDo("GET", "/api/v1/disclosures", nil, http.StatusOK, &got)
		if len(got.Disclosures) != filed {
			t.Fatalf("dave received %d disclosures, %d notices were filed", len(got.Disclosures), filed)
		}
		var notes struct {
			Notifications []struct {
				Kind string `json:"kind"`
			} `json:"notifications"`
		}
		dave.mustDo("GET", "/api/v1/notifications", nil, http.StatusOK, &notes)
		delivered := 0
		for _, n := range notes.Notifications {
			if strings.Contains(n.Kind, "disclosure") {
				delivered++
			}
		}
		if delivered != filed {
			t.Errorf("dave was notified of %d disclosures, %d were filed (each must be delivered exactly once)", delivered, filed)
		}
	})

	out, errOut, err := runBinary(t, bin, "audit", "verify", "--data", dir, "--database-url", dbURL)
	if err != nil {
		t.Fatalf("audit verify after two instances: %v\n%s%s", err, out, errOut)
	}
}
