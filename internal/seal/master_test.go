package seal_test

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mentorvault/mentorvault/internal/seal"
	"github.com/tink-crypto/tink-go/v2/tink"
)

func loadMaster(t *testing.T, path string) tink.AEAD {
	t.Helper()
	m, err := seal.LoadMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A rotation adds a primary version; keys wrapped by the old one still
// unwrap until it is retired, after which nothing it wrapped opens — not
// with this file, nor with the keyring of a process that reloads it.
func TestMasterKeyVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if _, _, err := seal.LoadOrCreateMasterKey(path); err != nil {
		t.Fatal(err)
	}
	vs, err := seal.MasterKeyVersions(path)
	if err != nil || len(vs) != 1 || !vs[0].Primary {
		t.Fatalf("new key file versions = %+v, %v", vs, err)
	}
	v1 := vs[0].ID

	old := seal.NewKeyring(loadMaster(t, path))
	live := mustDataKey(t, old, "rel-live")
	erased := mustDataKey(t, old, "rel-erased")
	if v, err := seal.WrappedVersion(live); err != nil || v != v1 {
		t.Fatalf("WrappedVersion = %d, %v; want %d", v, err, v1)
	}
	ad := ad("rel-live")
	ct := mustSeal(t, old, live, ad, secretText)

	v2, err := seal.RotateMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if v2 == v1 {
		t.Fatal("rotation kept the version")
	}
	vs, _ = seal.MasterKeyVersions(path)
	if len(vs) != 2 || vs[0].ID != v1 || vs[0].Primary || vs[1].ID != v2 || !vs[1].Primary {
		t.Fatalf("versions after rotate = %+v", vs)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file after rotate: %v %v", fi.Mode(), err)
	}

	k := seal.NewKeyring(loadMaster(t, path))
	rewrapped, err := k.Rewrap("rel-live", live)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := seal.WrappedVersion(rewrapped); v != v2 {
		t.Fatalf("rewrapped under %d, want %d", v, v2)
	}
	if got, err := k.Open(rewrapped, ad, ct); err != nil || got.Reveal() != secretText {
		t.Fatalf("content after rewrap: %v", err)
	}
	// The old version still unwraps what it wrapped.
	if _, err := k.Open(live, ad, ct); err != nil {
		t.Fatalf("old wrapping before retire: %v", err)
	}
	if err := seal.RetireMasterKey(path, v2); !errors.Is(err, seal.ErrPrimaryVersion) {
		t.Fatalf("retiring the primary = %v", err)
	}
	if err := seal.RetireMasterKey(path, 12345); err == nil {
		t.Fatal("retired a version the key does not have")
	}
	if err := seal.RetireMasterKey(path, v1); err != nil {
		t.Fatal(err)
	}
	vs, _ = seal.MasterKeyVersions(path)
	if len(vs) != 1 || vs[0].ID != v2 {
		t.Fatalf("versions after retire = %+v", vs)
	}
	after := seal.NewKeyring(loadMaster(t, path))
	if _, err := after.Open(rewrapped, ad, ct); err != nil {
		t.Fatalf("live key after retire: %v", err)
	}
	for name, w := range map[string][]byte{"old live wrapping": live, "erased": erased} {
		rel := "rel-live"
		if name == "erased" {
			rel = "rel-erased"
		}
		if _, err := after.Rewrap(rel, w); !errors.Is(err, seal.ErrUnwrap) {
			t.Fatalf("%s after retire: %v, want ErrUnwrap", name, err)
		}
	}
}

// A running process reads the key file again when a key does not unwrap,
// so it opens keys rewrapped by a version it had not seen.
func TestKeyringReloadsMasterKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	m, _, err := seal.LoadOrCreateMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	running := seal.NewKeyring(m)
	var reloads int
	var mu sync.Mutex
	running.SetReload(func() (tink.AEAD, error) {
		mu.Lock()
		reloads++
		mu.Unlock()
		return seal.LoadMasterKey(path)
	})
	wrapped := mustDataKey(t, running, "rel")
	ct := mustSeal(t, running, wrapped, ad("rel"), secretText)

	if _, err := seal.RotateMasterKey(path); err != nil {
		t.Fatal(err)
	}
	rewrapped, err := seal.NewKeyring(loadMaster(t, path)).Rewrap("rel", wrapped)
	if err != nil {
		t.Fatal(err)
	}
	got, err := running.Open(rewrapped, ad("rel"), ct)
	if err != nil || got.Reveal() != secretText {
		t.Fatalf("running keyring on a rewrapped key: %v", err)
	}
	if reloads != 1 {
		t.Fatalf("reloads = %d, want 1", reloads)
	}
	// New keys are now wrapped by the new primary.
	vs, _ := seal.MasterKeyVersions(path)
	fresh := mustDataKey(t, running, "rel-2")
	if v, _ := seal.WrappedVersion(fresh); v != vs[len(vs)-1].ID {
		t.Fatalf("new key wrapped by %d, want the primary %d", v, vs[len(vs)-1].ID)
	}
}

// Concurrent rotations under the file lock each keep their version.
func TestRotateMasterKeyConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if _, _, err := seal.LoadOrCreateMasterKey(path); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := seal.RotateMasterKey(path); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	vs, err := seal.MasterKeyVersions(path)
	if err != nil || len(vs) != 9 {
		t.Fatalf("after 8 concurrent rotations: %d versions, %v", len(vs), err)
	}
}

func TestWrappedVersionGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("x"), {0x12, 0x03, 0x01, 0x02, 0x03}} {
		if _, err := seal.WrappedVersion(b); err == nil {
			t.Fatalf("WrappedVersion(%x) accepted", b)
		}
	}
}

func ad(rel string) seal.AD {
	return seal.AD{RelationshipID: rel, Record: "note", RecordID: "note-1", Field: "body", Version: 1}
}
