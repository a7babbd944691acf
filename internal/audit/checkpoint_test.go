package audit_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
)

func TestCheckpointRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.checkpoint")
	evs := buildChain(123)
	cp := audit.NewCheckpoint(mentorvault.AuditHead{Seq: 123, Hash: evs[122].Hash}, t0.Add(1500*time.Millisecond).In(time.FixedZone("CET", 3600)))

	if err := audit.WriteCheckpoint(path, cp); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Fatalf("checkpoint mode %04o, want 0600", perm)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "mentorvault-audit-checkpoint v1\nseq 123\nhash ") || !strings.HasSuffix(string(b), "\nat 2026-03-01T09:00:01Z\n") {
		t.Fatalf("checkpoint file:\n%s", b)
	}
	got, err := audit.ReadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seq != cp.Seq || !bytes.Equal(got.Hash, cp.Hash) || !got.At.Equal(cp.At) {
		t.Fatalf("read %+v, wrote %+v", got, cp)
	}

	// Overwrite: still atomic, still 0600, no temp files left.
	cp2 := cp
	cp2.Seq = 124
	if err := audit.WriteCheckpoint(path, cp2); err != nil {
		t.Fatal(err)
	}
	if got, err := audit.ReadCheckpoint(path); err != nil || got.Seq != 124 {
		t.Fatalf("after overwrite: %+v, %v", got, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("%d files in dir, want 1", len(ents))
	}

	// An empty chain's checkpoint.
	if err := audit.WriteCheckpoint(path, audit.Checkpoint{At: t0}); err != nil {
		t.Fatal(err)
	}
	if got, err := audit.ReadCheckpoint(path); err != nil || got.Seq != 0 || len(got.Hash) != 0 {
		t.Fatalf("empty checkpoint: %+v, %v", got, err)
	}
}

func TestCheckpointMissing(t *testing.T) {
	_, err := audit.ReadCheckpoint(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want os.ErrNotExist", err)
	}
}

func TestCheckpointInvalid(t *testing.T) {
	h := strings.Repeat("ab", 32)
	for name, content := range map[string]string{
		"empty":       "",
		"wrong magic": "mentorvault-audit-checkpoint v2\nseq 1\nhash " + h + "\nat 2026-03-01T09:00:00Z\n",
		"bad seq":     "mentorvault-audit-checkpoint v1\nseq x\nhash " + h + "\nat 2026-03-01T09:00:00Z\n",
		"negative":    "mentorvault-audit-checkpoint v1\nseq -1\nhash " + h + "\nat 2026-03-01T09:00:00Z\n",
		"short hash":  "mentorvault-audit-checkpoint v1\nseq 1\nhash abcd\nat 2026-03-01T09:00:00Z\n",
		"bad hex":     "mentorvault-audit-checkpoint v1\nseq 1\nhash " + strings.Repeat("zz", 32) + "\nat 2026-03-01T09:00:00Z\n",
		"bad time":    "mentorvault-audit-checkpoint v1\nseq 1\nhash " + h + "\nat yesterday\n",
		"missing at":  "mentorvault-audit-checkpoint v1\nseq 1\nhash " + h + "\n",
		"extra line":  "mentorvault-audit-checkpoint v1\nseq 1\nhash " + h + "\nat 2026-03-01T09:00:00Z\nmore\n",
		"swapped":     "mentorvault-audit-checkpoint v1\nhash " + h + "\nseq 1\nat 2026-03-01T09:00:00Z\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cp")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if cp, err := audit.ReadCheckpoint(path); err == nil {
				t.Fatalf("accepted: %+v", cp)
			}
		})
	}
}

func TestCheckpointString(t *testing.T) {
	cp := audit.Checkpoint{Seq: 123, Hash: bytes.Repeat([]byte{0xab, 0x01}, 16)}
	if got, want := cp.String(), "123:ab01ab01ab01ab01"; got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
	if got := (audit.Checkpoint{}).String(); got != "0:" {
		t.Fatalf("empty String = %q", got)
	}
}
