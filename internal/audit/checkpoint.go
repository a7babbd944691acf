package audit

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
)

const checkpointMagic = "mentorvault-audit-checkpoint v1"

// Checkpoint records the chain's head at a moment, kept outside the database
// (a file, a printout, a message to the parties), so that a chain rewritten
// or truncated by someone with database access is detected.
type Checkpoint struct {
	Seq  int64
	Hash []byte
	At   time.Time
}

// NewCheckpoint returns the checkpoint of a chain head taken at at.
func NewCheckpoint(head mentorvault.AuditHead, at time.Time) Checkpoint {
	return Checkpoint{Seq: head.Seq, Hash: bytes.Clone(head.Hash), At: at.UTC().Truncate(time.Second)}
}

// String returns the short form shown to parties: "seq:first 16 hex digits of the hash".
func (c Checkpoint) String() string {
	h := hex.EncodeToString(c.Hash)
	if len(h) > 16 {
		h = h[:16]
	}
	return fmt.Sprintf("%d:%s", c.Seq, h)
}

// ReadCheckpoint reads a checkpoint file written by WriteCheckpoint. A missing
// file gives an error that wraps os.ErrNotExist.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit: read checkpoint: %w", err)
	}
	cp, err := parseCheckpoint(b)
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint %s: %w", path, err)
	}
	return cp, nil
}

func parseCheckpoint(b []byte) (*Checkpoint, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(lines) != 4 || lines[0] != checkpointMagic {
		return nil, fmt.Errorf("not a %q file", checkpointMagic)
	}
	field := func(line, name string) (string, error) {
		v, ok := strings.CutPrefix(line, name+" ")
		if !ok {
			return "", fmt.Errorf("line %q: want %q", line, name)
		}
		return v, nil
	}
	var cp Checkpoint
	v, err := field(lines[1], "seq")
	if err != nil {
		return nil, err
	}
	if cp.Seq, err = strconv.ParseInt(v, 10, 64); err != nil || cp.Seq < 0 {
		return nil, fmt.Errorf("bad seq %q", v)
	}
	if v, err = field(lines[2], "hash"); err != nil {
		return nil, err
	}
	if cp.Hash, err = hex.DecodeString(v); err != nil || (len(cp.Hash) != sha256Size && !(cp.Seq == 0 && len(cp.Hash) == 0)) {
		return nil, fmt.Errorf("bad hash %q", v)
	}
	if v, err = field(lines[3], "at"); err != nil {
		return nil, err
	}
	if cp.At, err = time.Parse(time.RFC3339Nano, v); err != nil {
		return nil, fmt.Errorf("bad time %q", v)
	}
	return &cp, nil
}

const sha256Size = 32

// WriteCheckpoint writes cp to path atomically (temporary file, fsync,
// rename, fsync of the directory) with mode 0600.
func WriteCheckpoint(path string, cp Checkpoint) error {
	content := fmt.Sprintf("%s\nseq %d\nhash %s\nat %s\n", checkpointMagic, cp.Seq, hex.EncodeToString(cp.Hash), cp.At.UTC().Format(time.RFC3339Nano))
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	if _, err := f.WriteString(content); err != nil {
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	ok = true
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("audit: write checkpoint: sync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("audit: write checkpoint: sync dir: %w", err)
	}
	return nil
}
