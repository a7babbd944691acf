package audit_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mentorvault/mentorvault/internal/audit"
)

// FuzzReadCheckpoint: any file content is either refused or parsed into a
// checkpoint that writes back to a file that reads the same.
func FuzzReadCheckpoint(f *testing.F) {
	f.Add("mentorvault-audit-checkpoint v1\nseq 3\nhash " + "ab" + "00000000000000000000000000000000000000000000000000000000000000" + "\nat 2026-11-22T10:00:00Z\n")
	f.Add("")
	f.Add("mentorvault-audit-checkpoint v1\nseq 0\nhash \nat 2026-11-22T10:00:00Z\n")
	f.Fuzz(func(t *testing.T, content string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "cp")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		cp, err := audit.ReadCheckpoint(p)
		if err != nil {
			return
		}
		q := filepath.Join(dir, "cp2")
		if err := audit.WriteCheckpoint(q, *cp); err != nil {
			t.Fatalf("a checkpoint that was read cannot be written: %v", err)
		}
		back, err := audit.ReadCheckpoint(q)
		if err != nil || back.Seq != cp.Seq || string(back.Hash) != string(cp.Hash) || !back.At.Equal(cp.At) {
			t.Fatalf("round trip changed the checkpoint: %+v → %+v (%v)", cp, back, err)
		}
	})
}
