package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"github.com/mentorvault/mentorvault/internal/demo"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
)

// tamperFixture is a seeded data directory with two active relationships,
// a few notes and a checkpoint written by `audit verify`.
type tamperFixture struct {
	dir                  string
	events               int64 // audit events when the checkpoint was written
	aliceTok, heidiTok   string
	rel1, rel2           string // alice mentors bob; heidi mentors ivan
	noteA, noteB, noteC  string // A, B: alice's in rel1; C: heidi's in rel2 (all shared)
	bodyA, bodyB, bodyC  string
	secrets              []string
	aliceEmail, bobEmail string
}

func newTamperFixture(t *testing.T) *tamperFixture {
	t.Helper()
	fx := &tamperFixture{dir: t.TempDir(), aliceEmail: "alice@northwind.example", bobEmail: "bob@northwind.example"}
	if out, errOut, err := runCmd(t, nil, "", "demo", "--data", fx.dir); err != nil || !strings.Contains(out, "Seeded") {
		t.Fatalf("demo: %v\n%s%s", err, out, errOut)
	}
	fx.aliceTok = cliToken(t, fx.dir, fx.aliceEmail)
	fx.heidiTok = cliToken(t, fx.dir, "heidi@northwind.example")
	ivanTok := cliToken(t, fx.dir, "ivan@northwind.example")

	srv := startServe(t, nil, "--data", fx.dir)
	alice := newVaultClient(t, srv.URL, fx.aliceTok)
	heidi := newVaultClient(t, srv.URL, fx.heidiTok)
	ivan := newVaultClient(t, srv.URL, ivanTok)
	fx.rel1 = alice.activeRelationship(fx.aliceEmail)

	var rel struct{ ID, Status string }
	heidi.mustDo("POST", "/api/v1/relationships", map[string]string{"other_email": "ivan@northwind.example", "my_role": "mentor"}, http.StatusCreated, &rel)
	fx.rel2 = rel.ID
	ivan.mustDo("POST", "/api/v1/relationships/"+fx.rel2+"/accept", nil, http.StatusOK, nil)
	// They draft the agreement and both sign it (with their password).
	var draft struct{ ID, Hash string }
	heidi.mustDo("POST", "/api/v1/relationships/"+fx.rel2+"/agreement/drafts", nil, http.StatusCreated, &draft)
	sign := map[string]string{"hash": draft.Hash, "password": demo.Password}
	heidi.mustDo("POST", "/api/v1/relationships/"+fx.rel2+"/agreement/versions/"+draft.ID+"/sign", sign, http.StatusOK, nil)
	ivan.mustDo("POST", "/api/v1/relationships/"+fx.rel2+"/agreement/versions/"+draft.ID+"/sign", sign, http.StatusOK, nil)
	ivan.mustDo("GET", "/api/v1/relationships/"+fx.rel2, nil, http.StatusOK, &rel)
	if rel.Status != "active" {
		t.Fatalf("heidi–ivan relationship is %q after both signed, want active", rel.Status)
	}

	write := func(c *vaultClient, relID, body string) string {
		var n apiNote
		c.mustDo("POST", "/api/v1/relationships/"+relID+"/notes", map[string]string{"body": body, "visibility": "shared"}, http.StatusCreated, &n)
		fx.secrets = append(fx.secrets, body)
		return n.ID
	}
	fx.bodyA = "TAMPER-SECRET-A " + randHex(t, 8) + " Alice thinks the budget review is unfair."
	fx.bodyB = "TAMPER-SECRET-B " + randHex(t, 8) + " Bob will ask for the platform lead role."
	fx.bodyC = "TAMPER-SECRET-C " + randHex(t, 8) + " Ivan is considering leaving in spring."
	fx.noteA = write(alice, fx.rel1, fx.bodyA)
	fx.noteB = write(alice, fx.rel1, fx.bodyB)
	fx.noteC = write(heidi, fx.rel2, fx.bodyC)
	for _, r := range []struct {
		c             *vaultClient
		rel, id, body string
	}{{alice, fx.rel1, fx.noteA, fx.bodyA}, {alice, fx.rel1, fx.noteB, fx.bodyB}, {ivan, fx.rel2, fx.noteC, fx.bodyC}} {
		var n apiNote
		r.c.mustDo("GET", "/api/v1/relationships/"+r.rel+"/notes/"+r.id, nil, http.StatusOK, &n)
		if n.Body != r.body {
			t.Fatalf("note %s reads %q, want %q", r.id, n.Body, r.body)
		}
	}
	srv.Stop()

	fx.events = verifyIntact(t, fx.dir)
	cp, err := audit.ReadCheckpoint(filepath.Join(fx.dir, "audit.checkpoint"))
	if err != nil || cp.Seq != fx.events {
		t.Fatalf("after audit verify the checkpoint is %+v (%v), want seq %d", cp, err, fx.events)
	}
	if fx.events < 30 {
		t.Fatalf("only %d audit events; the tamper cases need a longer chain", fx.events)
	}
	return fx
}

// verifyIntact runs `audit verify` and returns the number of events it reports.
func verifyIntact(t testing.TB, dir string) int64 {
	t.Helper()
	out, errOut, err := runCmd(t, nil, "", "audit", "verify", "--data", dir)
	m := regexp.MustCompile(`^audit log intact: (\d+) events\nsealed records intact: \d+ match their last audited write.*\n$`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("audit verify: %v\n%s%s", err, out, errOut)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

var brokenAtRE = regexp.MustCompile(`broken at event (\d+)\b`)

// verifyBroken runs `audit verify` and insists it fails naming event wantSeq.
func verifyBroken(t testing.TB, dir string, wantSeq int64) {
	t.Helper()
	out, errOut, err := runCmd(t, nil, "", "audit", "verify", "--data", dir)
	if err == nil {
		t.Fatalf("audit verify accepted a tampered log: %s", out)
	}
	m := brokenAtRE.FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("audit verify failed without naming the broken event: %v\n%s%s", err, out, errOut)
	}
	if got, _ := strconv.ParseInt(m[1], 10, 64); got != wantSeq {
		t.Fatalf("audit verify: broken at event %d, want %d: %v", got, wantSeq, err)
	}
	t.Logf("audit verify: %v", err)
}

// copyDataDir copies every file of src (database, WAL, key, checkpoint) to a new directory.
func copyDataDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.OpenFile(filepath.Join(dst, e.Name()), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// rawDB opens a data directory's SQLite file directly, as an attacker with
// file access would.
func rawDB(t testing.TB, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "mentorvault.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

func mustExec(t testing.TB, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// rawEvent reads one audit event straight from the table.
func rawEvent(t testing.TB, db *sql.DB, seq int64) *mentorvault.AuditEvent {
	t.Helper()
	var (
		e                                   mentorvault.AuditEvent
		at                                  string
		actor, org, rel, rtype, rid, detail sql.NullString
	)
	err := db.QueryRow(`SELECT seq, id, at, actor_id, action, outcome, org_id, relationship_id, resource_type, resource_id, detail, prev_hash, hash
FROM audit_events WHERE seq = ?`, seq).Scan(&e.Seq, &e.ID, &at, &actor, &e.Action, &e.Outcome, &org, &rel, &rtype, &rid, &detail, &e.PrevHash, &e.Hash)
	if err != nil {
		t.Fatalf("read audit event %d: %v", seq, err)
	}
	e.ActorID, e.OrgID, e.RelationshipID, e.ResourceType, e.ResourceID, e.Detail = actor.String, org.String, rel.String, rtype.String, rid.String, detail.String
	if e.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
		t.Fatalf("audit event %d: time %q: %v", seq, at, err)
	}
	if len(e.PrevHash) == 0 {
		e.PrevHash = nil
	}
	// The forgeries below are only realistic if we compute hashes exactly as the server does.
	if !bytes.Equal(audit.Hash(&e), e.Hash) {
		t.Fatalf("recomputed hash of untouched event %d differs from the stored one: the test's reading of the table is wrong", seq)
	}
	return &e
}

// insertRawEvent stores e as the server would (times as fixed-width UTC text).
func insertRawEvent(t testing.TB, db *sql.DB, e *mentorvault.AuditEvent) {
	t.Helper()
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	mustExec(t, db, `INSERT INTO audit_events (seq, id, at, actor_id, action, outcome, org_id, relationship_id, resource_type, resource_id, detail, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.ID, e.At.UTC().Format("2006-01-02T15:04:05.000000Z"), null(e.ActorID), e.Action, e.Outcome,
		null(e.OrgID), null(e.RelationshipID), null(e.ResourceType), null(e.ResourceID), null(e.Detail), e.PrevHash, e.Hash)
}

// shiftSeqs adds delta to the seq of every event with seq >= from (via
// negative numbers, as seq is the primary key).
func shiftSeqs(t testing.TB, db *sql.DB, from, delta int64) {
	t.Helper()
	mustExec(t, db, `UPDATE audit_events SET seq = -(seq + ?) WHERE seq >= ?`, delta, from)
	mustExec(t, db, `UPDATE audit_events SET seq = -seq WHERE seq < 0`)
}

func setHead(t testing.TB, db *sql.DB, seq int64, hash []byte) {
	t.Helper()
	mustExec(t, db, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, seq, hash)
}

// TestTamperAuditLog edits the audit table of a copy of a real data
// directory in every way an attacker with the database file might, and
// checks that `mentorvault audit verify` names the first broken event.
func TestTamperAuditLog(t *testing.T) {
	fx := newTamperFixture(t)
	n := fx.events
	mid := n / 2
	t.Logf("chain of %d events; tampering around event %d", n, mid)

	cases := []struct {
		name    string
		mutate  func(t *testing.T, db *sql.DB)
		wantSeq int64
	}{
		{"edit detail", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, `UPDATE audit_events SET detail = 'via=web' WHERE seq = ?`, mid)
		}, mid},
		{"edit action", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, `UPDATE audit_events SET action = 'login' WHERE seq = ?`, mid-3)
		}, mid - 3},
		{"edit actor", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, `UPDATE audit_events SET actor_id = ? WHERE seq = ?`, mentorvault.NewID(), mid+1)
		}, mid + 1},
		{"edit time", func(t *testing.T, db *sql.DB) {
			e := rawEvent(t, db, mid)
			mustExec(t, db, `UPDATE audit_events SET at = ? WHERE seq = ?`, e.At.Add(-time.Hour).Format("2006-01-02T15:04:05.000000Z"), mid)
		}, mid},
		{"edit and rehash", func(t *testing.T, db *sql.DB) {
			// The edited event carries a correct hash of its own; the next link breaks.
			e := rawEvent(t, db, mid)
			e.Detail = "forged"
			e.Hash = audit.Hash(e)
			mustExec(t, db, `UPDATE audit_events SET detail = ?, hash = ? WHERE seq = ?`, e.Detail, e.Hash, mid)
		}, mid + 1},
		{"insert forged event", func(t *testing.T, db *sql.DB) {
			prev := rawEvent(t, db, mid-1)
			last := rawEvent(t, db, n)
			forged := *rawEvent(t, db, mid)
			forged.ID = mentorvault.NewID()
			forged.PrevHash = prev.Hash
			forged.Detail = "forged"
			forged.Hash = audit.Hash(&forged)
			shiftSeqs(t, db, mid, 1)
			insertRawEvent(t, db, &forged)
			setHead(t, db, n+1, last.Hash)
		}, mid + 1},
		{"insert forged event at the end", func(t *testing.T, db *sql.DB) {
			// A well-formed event appended by hand is indistinguishable
			// from a real one, except that the stored head was not moved.
			last := rawEvent(t, db, n)
			forged := *last
			forged.Seq, forged.ID, forged.PrevHash = n+1, mentorvault.NewID(), last.Hash
			forged.Hash = audit.Hash(&forged)
			insertRawEvent(t, db, &forged)
		}, n}, // names the stored head (n), behind which the chain goes on
		{"delete", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = ?`, mid)
		}, mid + 1},
		{"delete and renumber", func(t *testing.T, db *sql.DB) {
			last := rawEvent(t, db, n)
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = ?`, mid)
			shiftSeqs(t, db, mid+1, -1)
			setHead(t, db, n-1, last.Hash)
		}, mid},
		{"reorder", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, `UPDATE audit_events SET seq = -1 WHERE seq = ?`, mid)
			mustExec(t, db, `UPDATE audit_events SET seq = ? WHERE seq = ?`, mid, mid+2)
			mustExec(t, db, `UPDATE audit_events SET seq = ? WHERE seq = -1`, mid+2)
		}, mid},
		{"reorder neighbours", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, `UPDATE audit_events SET seq = -1 WHERE seq = ?`, mid)
			mustExec(t, db, `UPDATE audit_events SET seq = ? WHERE seq = ?`, mid, mid+1)
			mustExec(t, db, `UPDATE audit_events SET seq = ? WHERE seq = -1`, mid+1)
		}, mid},
		{"truncate tail and fix head", func(t *testing.T, db *sql.DB) {
			// A careful attacker: the remaining chain and the stored head
			// are consistent. Only the checkpoint file knows better.
			newLast := rawEvent(t, db, n-3)
			mustExec(t, db, `DELETE FROM audit_events WHERE seq > ?`, n-3)
			setHead(t, db, n-3, newLast.Hash)
		}, n},
		{"rewrite last event, rehash and fix head", func(t *testing.T, db *sql.DB) {
			e := rawEvent(t, db, n)
			e.Detail = "rewritten"
			e.Hash = audit.Hash(e)
			mustExec(t, db, `UPDATE audit_events SET detail = ?, hash = ? WHERE seq = ?`, e.Detail, e.Hash, n)
			setHead(t, db, n, e.Hash)
		}, n},
		{"truncate tail, head not fixed", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq > ?`, n-3)
		}, n},
		{"edit head hash", func(t *testing.T, db *sql.DB) {
			h := sha256.Sum256([]byte("not the head"))
			mustExec(t, db, `UPDATE audit_head SET hash = ? WHERE id = 1`, h[:])
		}, n},
		{"edit head seq forward", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, `UPDATE audit_head SET seq = ? WHERE id = 1`, n+2)
		}, n + 1},
		{"edit head seq back", func(t *testing.T, db *sql.DB) {
			mustExec(t, db, `UPDATE audit_head SET seq = ? WHERE id = 1`, n-1)
		}, n - 1}, // names the stored head
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDataDir(t, fx.dir)
			db := rawDB(t, dir)
			tc.mutate(t, db)
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			verifyBroken(t, dir, tc.wantSeq)
			// A failed verification must not move the checkpoint.
			if cp, err := audit.ReadCheckpoint(filepath.Join(dir, "audit.checkpoint")); err != nil || cp.Seq != n {
				t.Errorf("checkpoint after a failed verify: %+v, %v; want seq %d", cp, err, n)
			}
		})
	}

	// Control: the untouched copy verifies, and the careful truncation
	// passes without the checkpoint file — the checkpoint is what catches it.
	t.Run("control", func(t *testing.T) {
		dir := copyDataDir(t, fx.dir)
		if got := verifyIntact(t, dir); got != n {
			t.Fatalf("untouched copy: %d events, want %d", got, n)
		}
		db := rawDB(t, dir)
		newLast := rawEvent(t, db, n-3)
		mustExec(t, db, `DELETE FROM audit_events WHERE seq > ?`, n-3)
		setHead(t, db, n-3, newLast.Hash)
		db.Close()
		if err := os.Remove(filepath.Join(dir, "audit.checkpoint")); err != nil {
			t.Fatal(err)
		}
		if got := verifyIntact(t, dir); got != n-3 {
			t.Fatalf("truncated copy without checkpoint: %d events, want %d", got, n-3)
		}
	})
}

// TestTamperCiphertext moves and damages sealed note bodies in the
// database and checks that reading them answers 409 "damaged" and leaks
// nothing, that untouched notes stay readable, and that `audit verify`
// names every damaged note.
func TestTamperCiphertext(t *testing.T) {
	fx := newTamperFixture(t)

	type read struct {
		tok, rel, note, body string // body "" means the read must fail
	}
	sealed := func(t *testing.T, db *sql.DB, id string) []byte {
		var b []byte
		if err := db.QueryRow(`SELECT body_sealed FROM notes WHERE id = ?`, id).Scan(&b); err != nil {
			t.Fatalf("read note %s: %v", id, err)
		}
		if len(b) < 32 {
			t.Fatalf("note %s: body_sealed is only %d bytes", id, len(b))
		}
		return b
	}
	setSealed := func(t *testing.T, db *sql.DB, id string, b []byte) {
		mustExec(t, db, `UPDATE notes SET body_sealed = ? WHERE id = ?`, b, id)
	}
	cases := []struct {
		name   string
		mutate func(t *testing.T, db *sql.DB)
		reads  []read
	}{
		{"flip one byte", func(t *testing.T, db *sql.DB) {
			b := sealed(t, db, fx.noteA)
			b[len(b)/2] ^= 0x01
			setSealed(t, db, fx.noteA, b)
		}, []read{{fx.aliceTok, fx.rel1, fx.noteA, ""}, {fx.aliceTok, fx.rel1, fx.noteB, fx.bodyB}, {fx.heidiTok, fx.rel2, fx.noteC, fx.bodyC}}},
		{"flip last byte", func(t *testing.T, db *sql.DB) {
			b := sealed(t, db, fx.noteA)
			b[len(b)-1] ^= 0x80
			setSealed(t, db, fx.noteA, b)
		}, []read{{fx.aliceTok, fx.rel1, fx.noteA, ""}, {fx.aliceTok, fx.rel1, fx.noteB, fx.bodyB}}},
		{"truncate", func(t *testing.T, db *sql.DB) {
			b := sealed(t, db, fx.noteA)
			setSealed(t, db, fx.noteA, b[:len(b)-1])
		}, []read{{fx.aliceTok, fx.rel1, fx.noteA, ""}, {fx.aliceTok, fx.rel1, fx.noteB, fx.bodyB}}},
		{"copy to another note of the same relationship", func(t *testing.T, db *sql.DB) {
			setSealed(t, db, fx.noteB, sealed(t, db, fx.noteA))
		}, []read{{fx.aliceTok, fx.rel1, fx.noteB, ""}, {fx.aliceTok, fx.rel1, fx.noteA, fx.bodyA}}},
		{"swap two notes", func(t *testing.T, db *sql.DB) {
			a, b := sealed(t, db, fx.noteA), sealed(t, db, fx.noteB)
			setSealed(t, db, fx.noteA, b)
			setSealed(t, db, fx.noteB, a)
		}, []read{{fx.aliceTok, fx.rel1, fx.noteA, ""}, {fx.aliceTok, fx.rel1, fx.noteB, ""}, {fx.heidiTok, fx.rel2, fx.noteC, fx.bodyC}}},
		{"move ciphertext to another relationship's note", func(t *testing.T, db *sql.DB) {
			setSealed(t, db, fx.noteA, sealed(t, db, fx.noteC))
		}, []read{{fx.aliceTok, fx.rel1, fx.noteA, ""}, {fx.heidiTok, fx.rel2, fx.noteC, fx.bodyC}, {fx.aliceTok, fx.rel1, fx.noteB, fx.bodyB}}},
		{"move note row to another relationship", func(t *testing.T, db *sql.DB) {
			// Re-parent heidi's note C into alice and bob's relationship,
			// where alice may read shared notes: the body must not open.
			mustExec(t, db, `UPDATE notes SET relationship_id = ? WHERE id = ?`, fx.rel1, fx.noteC)
		}, []read{{fx.aliceTok, fx.rel1, fx.noteC, ""}, {fx.aliceTok, fx.rel1, fx.noteA, fx.bodyA}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDataDir(t, fx.dir)
			db := rawDB(t, dir)
			tc.mutate(t, db)
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			srv := startServe(t, nil, "--data", dir)
			scan := newLeakScanner(t)
			for _, s := range fx.secrets {
				scan.add(s)
			}
			for _, r := range tc.reads {
				c := newVaultClient(t, srv.URL, r.tok)
				path := "/api/v1/relationships/" + r.rel + "/notes/" + r.note
				status, body := c.do("GET", path, nil)
				if r.body != "" {
					var n apiNote
					if status != http.StatusOK {
						t.Errorf("GET untouched note %s = %d: %s", r.note, status, body)
					} else if err := json.Unmarshal(body, &n); err != nil || n.Body != r.body {
						t.Errorf("GET untouched note %s: %q (%v), want body %q", r.note, body, err, r.body)
					}
					continue
				}
				wantDamaged(t, status, body, r.note)
				scan.scanBytes(fmt.Sprintf("response to GET %s", path), body)
			}
			srv.Stop()
			logs := srv.Logs.String()
			if !strings.Contains(logs, "sealed record does not open") {
				t.Errorf("the damaged read was not logged:\n%s", logs)
			}
			scan.scanBytes("server log", []byte(logs))
			var damaged []string
			for _, r := range tc.reads {
				if r.body == "" {
					damaged = append(damaged, r.note)
				}
			}
			verifyDamaged(t, dir, damaged...)
		})
	}
}

// wantDamaged insists a read of a tampered record answered 409 "damaged",
// naming neither content nor keys.
func wantDamaged(t testing.TB, status int, body []byte, id string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	if status != http.StatusConflict || json.Unmarshal(body, &e) != nil || e.Error.Code != "conflict" || !strings.Contains(e.Error.Message, "damaged") {
		t.Errorf("GET tampered record %s = %d %s, want 409 conflict saying it is damaged", id, status, body)
	}
}

// verifyDamaged runs `audit verify` and insists it fails naming every one
// of ids as a sealed record that does not match its last audited write.
func verifyDamaged(t testing.TB, dir string, ids ...string) {
	t.Helper()
	out, errOut, err := runCmd(t, nil, "", "audit", "verify", "--data", dir)
	if err == nil {
		t.Fatalf("audit verify passed after tampering with %v:\n%s", ids, out)
	}
	if !strings.Contains(out+errOut, "changed outside mentorvault") {
		t.Errorf("audit verify does not say records were changed outside mentorvault:\n%s%s", out, errOut)
	}
	for _, id := range ids {
		if !regexp.MustCompile(`(?m)^damaged: \w+ ` + regexp.QuoteMeta(id) + ` `).MatchString(out) {
			t.Errorf("audit verify does not name %s:\n%s%s", id, out, errOut)
		}
	}
}
