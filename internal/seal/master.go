package seal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
	"github.com/tink-crypto/tink-go/v2/tink"
	"google.golang.org/protobuf/proto"
)

const aesGCMTypeURL = "type.googleapis.com/google.crypto.tink.AesGcmKey"

// LoadOrCreateMasterKey reads the master key, a Tink AES256-GCM keyset stored
// as cleartext JSON in a file only its owner may read (0600). If the file
// does not exist it creates it (0600, parent directory 0700 if it has to make
// it) and reports created=true, so that the caller can tell the operator to
// back it up: without it no sealed content can ever be read again. A key
// file that its group or others can access is refused.
func LoadOrCreateMasterKey(path string) (master tink.AEAD, created bool, err error) {
	fi, err := os.Stat(path)
	switch {
	case err == nil:
		a, err := readMasterKey(path, fi)
		return a, false, err
	case !errors.Is(err, fs.ErrNotExist):
		return nil, false, fmt.Errorf("seal: master key: %w", err)
	}

	a, err := createMasterKey(path)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it first; use theirs.
		fi, err := os.Stat(path)
		if err != nil {
			return nil, false, fmt.Errorf("seal: master key: %w", err)
		}
		a, err := readMasterKey(path, fi)
		return a, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return a, true, nil
}

func readMasterKey(path string, fi fs.FileInfo) (tink.AEAD, error) {
	h, err := readMasterHandle(path, fi)
	if err != nil {
		return nil, err
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("seal: master key %s: %w", path, err)
	}
	return a, nil
}

// readMasterHandle reads and checks the master keyset: a regular file its
// owner alone may read, holding AES-GCM keys only.
func readMasterHandle(path string, fi fs.FileInfo) (*keyset.Handle, error) {
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("seal: master key %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("seal: master key %s has permissions %04o; it must be readable by its owner only (chmod 600)", path, perm)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(bytes.NewReader(b)))
	if err != nil {
		// Tink's parse error could quote the file; do not pass it on.
		return nil, fmt.Errorf("seal: master key %s is not a valid Tink JSON keyset", path)
	}
	for _, ki := range h.KeysetInfo().GetKeyInfo() {
		if ki.GetTypeUrl() != aesGCMTypeURL {
			return nil, fmt.Errorf("seal: master key %s holds a %s key; only AES-GCM keys are accepted", path, ki.GetTypeUrl())
		}
	}
	return h, nil
}

// LoadMasterKey reads an existing master key file (never creates one).
func LoadMasterKey(path string) (tink.AEAD, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	return readMasterKey(path, fi)
}

// createMasterKey writes a new keyset to a temporary file, syncs it and
// links it into place, so that the key file is never seen half-written and
// an existing file is never replaced (fs.ErrExist).
func createMasterKey(path string) (tink.AEAD, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("seal: master key directory: %w", err)
	}
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("seal: new master key: %w", err)
	}
	if err := writeMasterKey(path, h, false); err != nil {
		return nil, err
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	return a, nil
}

// writeMasterKey writes h to a temporary file (0600) in path's directory,
// syncs it and puts it in place: linked when replace is false, so an
// existing file is never replaced (fs.ErrExist), renamed over the old file
// when it is true. The directory is synced after, so the new file survives
// a crash once this returns.
func writeMasterKey(path string, h *keyset.Handle, replace bool) error {
	dir := filepath.Dir(path)
	var buf bytes.Buffer
	if err := insecurecleartextkeyset.Write(h, keyset.NewJSONWriter(&buf)); err != nil {
		return fmt.Errorf("seal: encode master key: %w", err)
	}
	f, err := os.CreateTemp(dir, ".masterkey-*") // mode 0600
	if err != nil {
		return fmt.Errorf("seal: master key: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("seal: master key: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("seal: write master key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("seal: write master key: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("seal: write master key: %w", err)
	}
	if replace {
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("seal: install master key: %w", err)
		}
	} else if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("seal: install master key: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// MasterVersion is one version of the master key: a key of its keyset,
// named by its Tink key ID. New data keys are wrapped by the primary one.
type MasterVersion struct {
	ID      uint32
	Primary bool
}

// MasterKeyVersions lists the versions in the master key file, oldest first.
func MasterKeyVersions(path string) ([]MasterVersion, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	h, err := readMasterHandle(path, fi)
	if err != nil {
		return nil, err
	}
	return versions(h), nil
}

func versions(h *keyset.Handle) []MasterVersion {
	info := h.KeysetInfo()
	var out []MasterVersion
	for _, ki := range info.GetKeyInfo() {
		out = append(out, MasterVersion{ID: ki.GetKeyId(), Primary: ki.GetKeyId() == info.GetPrimaryKeyId()})
	}
	return out
}

// RotateMasterKey adds a new version to the master key file and makes it
// the primary: data keys wrapped from now on use it, and the older versions
// still unwrap what they wrapped until they are retired. It returns the new
// version. An exclusive lock on PATH.lock keeps two rotations (or a rotation
// and a retirement) from losing each other's change.
func RotateMasterKey(path string) (uint32, error) {
	var id uint32
	err := changeMasterKey(path, func(m *keyset.Manager) error {
		var err error
		if id, err = m.Add(aead.AES256GCMKeyTemplate()); err != nil {
			return fmt.Errorf("seal: new master key version: %w", err)
		}
		return m.SetPrimary(id)
	})
	return id, err
}

// ErrPrimaryVersion refuses to retire the version new keys are wrapped with.
var ErrPrimaryVersion = errors.New("seal: the primary master key version cannot be retired; rotate first")

// RetireMasterKey destroys version id of the master key: it is removed from
// the key file, so nothing it wrapped can be unwrapped again, by this file
// or by any later copy of it. The caller checks first that no live data key
// uses it. The primary version cannot be retired.
func RetireMasterKey(path string, id uint32) error {
	return changeMasterKey(path, func(m *keyset.Manager) error {
		h, err := m.Handle()
		if err != nil {
			return err
		}
		found := false
		for _, v := range versions(h) {
			if v.ID == id {
				found = true
				if v.Primary {
					return ErrPrimaryVersion
				}
			}
		}
		if !found {
			return fmt.Errorf("seal: the master key has no version %d", id)
		}
		return m.Delete(id)
	})
}

// changeMasterKey applies change to the master keyset under an exclusive
// lock and writes the result in place of the file.
func changeMasterKey(path string, change func(*keyset.Manager) error) error {
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("seal: master key lock: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("seal: master key lock: %w", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("seal: master key: %w", err)
	}
	h, err := readMasterHandle(path, fi)
	if err != nil {
		return err
	}
	m := keyset.NewManagerFromHandle(h)
	if err := change(m); err != nil {
		return err
	}
	nh, err := m.Handle()
	if err != nil {
		return fmt.Errorf("seal: master key: %w", err)
	}
	return writeMasterKey(path, nh, true)
}

// WrappedVersion is the master key version that wrapped a data key: the
// Tink key ID in the prefix of its encrypted keyset.
func WrappedVersion(wrapped []byte) (uint32, error) {
	var ek tinkpb.EncryptedKeyset
	if err := proto.Unmarshal(wrapped, &ek); err != nil {
		return 0, ErrUnwrap
	}
	ct := ek.GetEncryptedKeyset()
	if len(ct) < 5 || ct[0] != 1 { // Tink's TINK output prefix: 0x01 and the key ID
		return 0, ErrUnwrap
	}
	return binary.BigEndian.Uint32(ct[1:5]), nil
}
