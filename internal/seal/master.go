package seal

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"
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
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("seal: master key %s: %w", path, err)
	}
	return a, nil
}

// createMasterKey writes a new keyset to a temporary file, syncs it and
// links it into place, so that the key file is never seen half-written and
// an existing file is never replaced (fs.ErrExist).
func createMasterKey(path string) (tink.AEAD, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("seal: master key directory: %w", err)
	}
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("seal: new master key: %w", err)
	}
	var buf bytes.Buffer
	if err := insecurecleartextkeyset.Write(h, keyset.NewJSONWriter(&buf)); err != nil {
		return nil, fmt.Errorf("seal: encode master key: %w", err)
	}
	f, err := os.CreateTemp(dir, ".masterkey-*") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return nil, fmt.Errorf("seal: write master key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("seal: write master key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("seal: write master key: %w", err)
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return nil, fmt.Errorf("seal: install master key: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	return a, nil
}
