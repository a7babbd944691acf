package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/seal"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
)

// eraseForTest destroys a relationship's data key the way erasure does: in
// a transaction of the store, then (scrub) the store scrubs its files. It
// returns the wrapped key as it was and the store, still open as a running
// server's would be (closing the last connection would checkpoint the log
// anyway and hide what scrubbing does).
func eraseForTest(t *testing.T, dir, relID string, scrub bool) ([]byte, *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "", filepath.Join(dir, "mentorvault.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tx, err := db.BeginTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	wrapped, err := tx.FindDataKey(ctx, relID)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.DestroyDataKey(ctx, relID, tx.Now()); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if scrub {
		if err := db.Scrub(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return wrapped, db
}

// filesHolding lists the files of dir whose bytes contain needle.
func filesHolding(t *testing.T, dir string, needle []byte) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, needle) {
			out = append(out, d.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readNote reads a note through the API: its body, or "" and the status
// when it does not open.
func readNote(t *testing.T, url, tok, rel, note string) (int, string) {
	t.Helper()
	status, body := newVaultClient(t, url, tok).do("GET", "/api/v1/relationships/"+rel+"/notes/"+note, nil)
	if status != http.StatusOK {
		return status, ""
	}
	var n apiNote
	if err := json.Unmarshal(body, &n); err != nil {
		t.Fatal(err)
	}
	return status, n.Body
}

// Erasure survives backups: a copy of the database taken before a
// relationship was erased still holds its wrapped key, and opens it with
// the master key of the day — until the version that wrapped it is
// retired. After `keys rotate` and `keys retire`, the live database opens
// its live relationship with the new version while the old copy, with the
// current key file, opens nothing at all. And after erasure no file of
// the data directory holds the destroyed wrapped key.
func TestKeysRotateRetireBackup(t *testing.T) {
	fx := newTamperFixture(t)
	live := copyDataDir(t, fx.dir)
	backup := copyDataDir(t, live) // taken before the erasure

	// Without the scrub, the database file keeps the key's page as it was
	// until SQLite checkpoints the log: the scan sees that residue.
	unscrubbed := copyDataDir(t, live)
	wrapped, db := eraseForTest(t, unscrubbed, fx.rel2, false)
	chunk := wrapped[len(wrapped)/2 : len(wrapped)/2+32]
	if files := filesHolding(t, unscrubbed, chunk); len(files) == 0 {
		t.Fatal("no residue even without the scrub: the scan below would prove nothing")
	}
	db.Close()

	wrapped, db = eraseForTest(t, live, fx.rel2, true)
	chunk = wrapped[len(wrapped)/2 : len(wrapped)/2+32]
	if files := filesHolding(t, backup, chunk); len(files) == 0 {
		t.Fatal("the backup does not hold the wrapped key: the residue scan below would prove nothing")
	}
	if files := filesHolding(t, live, chunk); len(files) > 0 {
		t.Fatalf("after erasure the destroyed wrapped key is still in %v", files)
	}
	db.Close()

	out, errOut, err := runCmd(t, nil, "", "keys", "list", "--data", live)
	if err != nil {
		t.Fatalf("keys list: %v\n%s", err, errOut)
	}
	vs, err := seal.MasterKeyVersions(filepath.Join(live, "master.key"))
	if err != nil || len(vs) != 1 {
		t.Fatalf("versions: %+v %v", vs, err)
	}
	v1 := vs[0].ID
	if !strings.Contains(out, strconv.FormatUint(uint64(v1), 10)) {
		t.Fatalf("keys list does not show version %d:\n%s", v1, out)
	}

	// Retiring the only version, or a version live keys use, is refused.
	if _, errOut, err := runCmd(t, nil, "", "keys", "retire", strconv.FormatUint(uint64(v1), 10), "--data", live); err == nil {
		t.Fatalf("retired the primary version:\n%s", errOut)
	}
	out, errOut, err = runCmd(t, nil, "", "keys", "rotate", "--data", live)
	if err != nil || !strings.Contains(out, "rewrapped") {
		t.Fatalf("keys rotate: %v\n%s%s", err, out, errOut)
	}
	vs, _ = seal.MasterKeyVersions(filepath.Join(live, "master.key"))
	if len(vs) != 2 || !vs[1].Primary {
		t.Fatalf("versions after rotate: %+v", vs)
	}
	out, _, _ = runCmd(t, nil, "", "keys", "list", "--data", live)
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == strconv.FormatUint(uint64(v1), 10) && f[len(f)-1] != "0" {
			t.Fatalf("after rotate, version %d still wraps live keys:\n%s", v1, out)
		}
	}

	// Before the old version is retired, the old copy opens the erased
	// relationship with today's key file: that is the hole retiring closes.
	if err := os.WriteFile(filepath.Join(backup, "master.key"), mustRead(t, filepath.Join(live, "master.key")), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServe(t, nil, "--data", backup)
	if _, body := readNote(t, srv.URL, fx.heidiTok, fx.rel2, fx.noteC); body != fx.bodyC {
		t.Fatalf("before retiring, the backup with the current key should still open the erased relationship (it did not: %q)", body)
	}
	srv.Stop()

	out, errOut, err = runCmd(t, nil, "", "keys", "retire", strconv.FormatUint(uint64(v1), 10), "--data", live)
	if err != nil || !strings.Contains(out, "retired") {
		t.Fatalf("keys retire: %v\n%s%s", err, out, errOut)
	}

	srv = startServe(t, nil, "--data", live)
	if _, body := readNote(t, srv.URL, fx.aliceTok, fx.rel1, fx.noteA); body != fx.bodyA {
		t.Fatalf("the live relationship does not open after rotate and retire: %q", body)
	}
	if status, body := readNote(t, srv.URL, fx.heidiTok, fx.rel2, fx.noteC); body != "" || status == http.StatusOK {
		t.Fatalf("the erased relationship answered %d %q", status, body)
	}
	srv.Stop()

	// The old copy with the current key file: nothing opens, neither the
	// erased relationship nor one that was live when the copy was taken.
	if err := os.WriteFile(filepath.Join(backup, "master.key"), mustRead(t, filepath.Join(live, "master.key")), 0o600); err != nil {
		t.Fatal(err)
	}
	srv = startServe(t, nil, "--data", backup)
	scan := newLeakScanner(t)
	for _, s := range fx.secrets {
		scan.add(s)
	}
	for _, r := range []struct{ tok, rel, note string }{{fx.heidiTok, fx.rel2, fx.noteC}, {fx.aliceTok, fx.rel1, fx.noteA}} {
		status, body := newVaultClient(t, srv.URL, r.tok).do("GET", "/api/v1/relationships/"+r.rel+"/notes/"+r.note, nil)
		if status == http.StatusOK {
			t.Errorf("the pre-erasure copy opened note %s after the version was retired: %s", r.note, body)
		}
		scan.scanBytes("backup read of "+r.note, body)
	}
	srv.Stop()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestKeysCommandErrors(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCmd(t, nil, "", "keys", "list", "--data", dir); err == nil {
		t.Fatal("keys list without a master key succeeded")
	}
	for _, args := range [][]string{{"keys"}, {"keys", "frobnicate"}, {"keys", "retire"}, {"keys", "retire", "abc"}} {
		if _, errOut, err := runCmd(t, nil, "", args...); err == nil || errOut == "" {
			t.Errorf("%v: err %v, stderr %q", args, err, errOut)
		}
	}
	if out, _, err := runCmd(t, nil, "", "keys", "--help"); err != nil || !strings.Contains(out, "rotate") {
		t.Errorf("keys --help: %v %q", err, out)
	}
}
