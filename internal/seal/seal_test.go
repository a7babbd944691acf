package seal_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/seal"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"
)

const secretText = "I am thinking of leaving the company in spring"

func mustMaster(tb testing.TB) tink.AEAD {
	tb.Helper()
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		tb.Fatal(err)
	}
	a, err := aead.New(h)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func mustDataKey(tb testing.TB, k *seal.Keyring, rel string) []byte {
	tb.Helper()
	w, err := k.NewDataKey(rel)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

func mustSeal(tb testing.TB, k *seal.Keyring, wrapped []byte, ad seal.AD, text string) []byte {
	tb.Helper()
	ct, err := k.Seal(wrapped, ad, mentorvault.NewSecret(text))
	if err != nil {
		tb.Fatal(err)
	}
	return ct
}

// assertOpenFails checks that opening fails with an error that reveals no plaintext.
func assertOpenFails(t *testing.T, k *seal.Keyring, wrapped []byte, ad seal.AD, ct []byte, want error) {
	t.Helper()
	s, err := k.Open(wrapped, ad, ct)
	if err == nil {
		t.Fatalf("Open succeeded, want error; got %d bytes", s.Len())
	}
	if want != nil && !errors.Is(err, want) {
		t.Fatalf("Open error = %v, want %v", err, want)
	}
	if !s.IsZero() {
		t.Fatal("Open returned plaintext with an error")
	}
	assertNoSecret(t, err)
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		if strings.Contains(s, secretText) || strings.Contains(s, "leaving") {
			t.Fatalf("error reveals plaintext: %q", s)
		}
	}
}

var noteAD = seal.AD{RelationshipID: "rel-1", Record: "note", RecordID: "note-1", Field: "body"}

func TestRoundTrip(t *testing.T) {
	k := seal.NewKeyring(mustMaster(t))
	w := mustDataKey(t, k, noteAD.RelationshipID)
	for _, text := range []string{secretText, "", strings.Repeat("x", 1<<16), "ünïcødé ✓"} {
		ct := mustSeal(t, k, w, noteAD, text)
		if text != "" && bytes.Contains(ct, []byte(text)) {
			t.Fatal("ciphertext contains plaintext")
		}
		got, err := k.Open(w, noteAD, ct)
		if err != nil {
			t.Fatal(err)
		}
		if got.Reveal() != text {
			t.Fatalf("round trip: got %d bytes, want %d", got.Len(), len(text))
		}
	}
}

func TestColdCache(t *testing.T) {
	master := mustMaster(t)
	k1 := seal.NewKeyring(master)
	w := mustDataKey(t, k1, noteAD.RelationshipID)
	ct := mustSeal(t, k1, w, noteAD, secretText)
	k2 := seal.NewKeyring(master)
	got, err := k2.Open(w, noteAD, ct)
	if err != nil || got.Reveal() != secretText {
		t.Fatalf("cold open: %v", err)
	}
}

func TestTamperedCiphertext(t *testing.T) {
	k := seal.NewKeyring(mustMaster(t))
	w := mustDataKey(t, k, noteAD.RelationshipID)
	ct := mustSeal(t, k, w, noteAD, secretText)
	// Prefix (0: version byte, 1-4: key ID), nonce, body, tag.
	for _, i := range []int{0, 1, 4, 5, 10, 16, 17, 20, len(ct) / 2, len(ct) - 16, len(ct) - 1} {
		t.Run(fmt.Sprint("byte", i), func(t *testing.T) {
			bad := bytes.Clone(ct)
			bad[i] ^= 0x01
			assertOpenFails(t, k, w, noteAD, bad, seal.ErrOpen)
		})
	}
	t.Run("truncated", func(t *testing.T) {
		assertOpenFails(t, k, w, noteAD, ct[:len(ct)-1], seal.ErrOpen)
	})
	t.Run("extended", func(t *testing.T) {
		assertOpenFails(t, k, w, noteAD, append(bytes.Clone(ct), 0), seal.ErrOpen)
	})
	t.Run("empty", func(t *testing.T) {
		assertOpenFails(t, k, w, noteAD, nil, seal.ErrOpen)
	})
}

func TestMovedCiphertext(t *testing.T) {
	k := seal.NewKeyring(mustMaster(t))
	w := mustDataKey(t, k, noteAD.RelationshipID)
	ct := mustSeal(t, k, w, noteAD, secretText)
	tests := []struct {
		name string
		ad   seal.AD
		want error
	}{
		{"other record ID", adOf("rel-1", "note", "note-2", "body"), seal.ErrOpen},
		{"other field", adOf("rel-1", "note", "note-1", "title"), seal.ErrOpen},
		{"other record type", adOf("rel-1", "goal", "note-1", "body"), seal.ErrOpen},
		// The keyset itself is bound to rel-1, so it does not even unwrap.
		{"other relationship", adOf("rel-2", "note", "note-1", "body"), seal.ErrUnwrap},
		// Without length prefixes these would encode like the original.
		{"shifted boundary record", adOf("rel-1", "no", "tenote-1", "body"), seal.ErrOpen},
		{"shifted boundary field", adOf("rel-1", "note", "note-1bo", "dy"), seal.ErrOpen},
		{"shifted boundary rel", adOf("rel-", "1note", "note-1", "body"), seal.ErrUnwrap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertOpenFails(t, k, w, tt.ad, ct, tt.want)
		})
	}
}

func adOf(rel, record, id, field string) seal.AD {
	return seal.AD{RelationshipID: rel, Record: record, RecordID: id, Field: field}
}

// boundAD is noteAD at version 2 with its author and visibility bound.
var boundAD = seal.AD{RelationshipID: "rel-1", Record: "note", RecordID: "note-1", Field: "body",
	Version: 2, Bind: []seal.Binding{{Name: "author", Value: "u-1"}, {Name: "visibility", Value: "private"}}}

// TestBoundCiphertext: a v2 ciphertext opens only with the same version and
// every binding unchanged; a version-0 AD is the v1 encoding, unchanged.
func TestBoundCiphertext(t *testing.T) {
	k := seal.NewKeyring(mustMaster(t))
	w := mustDataKey(t, k, boundAD.RelationshipID)
	ct := mustSeal(t, k, w, boundAD, secretText)
	if got, err := k.Open(w, boundAD, ct); err != nil || got.Reveal() != secretText {
		t.Fatalf("Open(bound) = %v", err)
	}
	change := func(f func(ad *seal.AD)) seal.AD {
		ad := boundAD
		ad.Bind = append([]seal.Binding(nil), boundAD.Bind...)
		f(&ad)
		return ad
	}
	tests := []struct {
		name string
		ad   seal.AD
	}{
		{"older version", change(func(ad *seal.AD) { ad.Version = 1 })},
		{"newer version", change(func(ad *seal.AD) { ad.Version = 3 })},
		{"version 0 (v1 encoding)", change(func(ad *seal.AD) { ad.Version = 0 })},
		{"author swapped", change(func(ad *seal.AD) { ad.Bind[0].Value = "u-2" })},
		{"visibility flipped", change(func(ad *seal.AD) { ad.Bind[1].Value = "shared" })},
		{"binding dropped", change(func(ad *seal.AD) { ad.Bind = ad.Bind[:1] })},
		{"binding renamed", change(func(ad *seal.AD) { ad.Bind[1].Name = "audience" })},
		{"bindings reordered", change(func(ad *seal.AD) { ad.Bind[0], ad.Bind[1] = ad.Bind[1], ad.Bind[0] })},
		{"shifted binding boundary", change(func(ad *seal.AD) { ad.Bind[0] = seal.Binding{Name: "authoru", Value: "-1"} })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertOpenFails(t, k, w, tt.ad, ct, seal.ErrOpen)
			if seal.Digest(tt.ad, ct) == seal.Digest(boundAD, ct) {
				t.Errorf("Digest does not change with the AD")
			}
		})
	}
	// A v1 ciphertext (sealed before bindings) still opens at version 0,
	// whatever Bind says, and not at version 1.
	v1 := mustSeal(t, k, w, noteAD, secretText)
	legacy := change(func(ad *seal.AD) { ad.Version = 0 })
	if got, err := k.Open(w, legacy, v1); err != nil || got.Reveal() != secretText {
		t.Fatalf("Open(v1 ciphertext, version 0) = %v", err)
	}
	assertOpenFails(t, k, w, change(func(ad *seal.AD) { ad.Version = 1 }), v1, seal.ErrOpen)
	// The digest changes with the ciphertext too.
	other := mustSeal(t, k, w, boundAD, secretText)
	if seal.Digest(boundAD, ct) == seal.Digest(boundAD, other) {
		t.Errorf("Digest does not change with the ciphertext")
	}
}

// TestV1Encoding pins the stored v1 associated-data format byte for byte:
// records sealed before bindings must keep opening.
func TestV1Encoding(t *testing.T) {
	var want []byte
	for _, f := range []string{"mentorvault/v1", "field", "rel-1", "note", "note-1", "body"} {
		want = append(want, byte(len(f)>>24), byte(len(f)>>16), byte(len(f)>>8), byte(len(f)))
		want = append(want, f...)
	}
	if got := noteAD.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("v1 AD = %x, want %x", got, want)
	}
	if b := boundAD.Bytes(); !bytes.Contains(b, []byte("mentorvault/v2")) || !bytes.Contains(b, []byte("visibility")) {
		t.Fatalf("v2 AD lacks its tag or bindings: %q", b)
	}
}

func TestOtherRelationshipsKeyset(t *testing.T) {
	k := seal.NewKeyring(mustMaster(t))
	w1 := mustDataKey(t, k, "rel-1")
	w2 := mustDataKey(t, k, "rel-2")
	ct := mustSeal(t, k, w1, noteAD, secretText)
	// rel-2's keyset presented for rel-1: does not unwrap (bound to rel-2).
	assertOpenFails(t, k, w2, noteAD, ct, seal.ErrUnwrap)
	// rel-2's keyset with rel-2's AD: wrong key.
	ad2 := noteAD
	ad2.RelationshipID = "rel-2"
	assertOpenFails(t, k, w2, ad2, ct, seal.ErrOpen)
	// A second keyset for the same relationship (e.g. after a mix-up) does not open either.
	w1b := mustDataKey(t, k, "rel-1")
	assertOpenFails(t, k, w1b, noteAD, ct, seal.ErrOpen)
}

func TestRotate(t *testing.T) {
	master := mustMaster(t)
	k := seal.NewKeyring(master)
	w := mustDataKey(t, k, noteAD.RelationshipID)
	old := mustSeal(t, k, w, noteAD, secretText)

	w2, err := k.Rotate(noteAD.RelationshipID, w)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(w, w2) {
		t.Fatal("Rotate returned the same keyset")
	}
	for name, kr := range map[string]*seal.Keyring{"warm": k, "cold": seal.NewKeyring(master)} {
		got, err := kr.Open(w2, noteAD, old)
		if err != nil || got.Reveal() != secretText {
			t.Fatalf("%s: old ciphertext after rotation: %v", name, err)
		}
		fresh := mustSeal(t, kr, w2, noteAD, secretText)
		// Tink prefix: byte 0 is the version, bytes 1-4 the key ID.
		if bytes.Equal(fresh[1:5], old[1:5]) {
			t.Fatalf("%s: new ciphertext uses the old key ID", name)
		}
		// The old keyset does not know the new key.
		assertOpenFails(t, kr, w, noteAD, fresh, seal.ErrOpen)
		got, err = kr.Open(w2, noteAD, fresh)
		if err != nil || got.Reveal() != secretText {
			t.Fatalf("%s: new ciphertext: %v", name, err)
		}
	}
	// Rotating twice keeps every generation readable.
	w3, err := k.Rotate(noteAD.RelationshipID, w2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seal.NewKeyring(master).Open(w3, noteAD, old); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Rotate("rel-2", w); !errors.Is(err, seal.ErrUnwrap) {
		t.Fatalf("Rotate with wrong relationship: %v", err)
	}
}

func TestWrongMasterKey(t *testing.T) {
	k1 := seal.NewKeyring(mustMaster(t))
	w := mustDataKey(t, k1, noteAD.RelationshipID)
	ct := mustSeal(t, k1, w, noteAD, secretText)
	k2 := seal.NewKeyring(mustMaster(t))
	assertOpenFails(t, k2, w, noteAD, ct, seal.ErrUnwrap)
	if _, err := k2.Seal(w, noteAD, mentorvault.NewSecret(secretText)); !errors.Is(err, seal.ErrUnwrap) {
		t.Fatalf("Seal with wrong master: %v", err)
	}
	if _, err := k2.Rotate(noteAD.RelationshipID, w); !errors.Is(err, seal.ErrUnwrap) {
		t.Fatalf("Rotate with wrong master: %v", err)
	}
	// Corrupt wrapped bytes.
	bad := bytes.Clone(w)
	bad[len(bad)/2] ^= 1
	assertOpenFails(t, seal.NewKeyring(mustMaster(t)), bad, noteAD, ct, seal.ErrUnwrap)
}

func TestDestroyedKey(t *testing.T) {
	k := seal.NewKeyring(mustMaster(t))
	w := mustDataKey(t, k, noteAD.RelationshipID)
	ct := mustSeal(t, k, w, noteAD, secretText)
	k.Forget(w)
	assertOpenFails(t, k, nil, noteAD, ct, seal.ErrNoKey)
	if _, err := k.Seal(nil, noteAD, mentorvault.NewSecret(secretText)); !errors.Is(err, seal.ErrNoKey) {
		t.Fatalf("Seal without key: %v", err)
	}
}

func TestIncompleteAD(t *testing.T) {
	k := seal.NewKeyring(mustMaster(t))
	w := mustDataKey(t, k, noteAD.RelationshipID)
	for _, ad := range []seal.AD{
		adOf("", "note", "n", "body"), adOf("rel-1", "", "n", "body"), adOf("rel-1", "note", "", "body"), adOf("rel-1", "note", "n", ""),
		{RelationshipID: "rel-1", Record: "note", RecordID: "n", Field: "body", Version: -1},
	} {
		_, err := k.Seal(w, ad, mentorvault.NewSecret(secretText))
		if err == nil {
			t.Fatalf("Seal with %+v succeeded", ad)
		}
		assertNoSecret(t, err)
	}
}

func TestCacheEvictionAndConcurrency(t *testing.T) {
	master := mustMaster(t)
	k := seal.NewKeyring(master)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 { // 1600 keysets > cache size: exercises eviction
				ad := seal.AD{RelationshipID: fmt.Sprintf("rel-%d-%d", g, i), Record: "note", RecordID: "n", Field: "body"}
				w, err := k.NewDataKey(ad.RelationshipID)
				if err != nil {
					errs <- err
					return
				}
				ct, err := k.Seal(w, ad, mentorvault.NewSecret(secretText))
				if err != nil {
					errs <- err
					return
				}
				if i%50 == 0 {
					k.Forget(w)
				}
				if got, err := k.Open(w, ad, ct); err != nil || got.Reveal() != secretText {
					errs <- fmt.Errorf("open %s: %v", ad.RelationshipID, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestMasterKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	path := filepath.Join(dir, "master.json")

	m1, created, err := seal.LoadOrCreateMasterKey(path)
	if err != nil || !created {
		t.Fatalf("create: created=%v err=%v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", perm)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := di.Mode().Perm(); perm != 0o700 {
		t.Fatalf("key dir mode %04o, want 0700", perm)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("key dir holds %d entries, want 1 (temp file left behind?)", len(ents))
	}

	// Loading again gives the same key: a keyset wrapped by m1 unwraps with m2.
	m2, created, err := seal.LoadOrCreateMasterKey(path)
	if err != nil || created {
		t.Fatalf("load: created=%v err=%v", created, err)
	}
	w := mustDataKey(t, seal.NewKeyring(m1), "rel-1")
	ct := mustSeal(t, seal.NewKeyring(m1), w, noteAD, secretText)
	if got, err := seal.NewKeyring(m2).Open(w, noteAD, ct); err != nil || got.Reveal() != secretText {
		t.Fatalf("reloaded master key does not unwrap: %v", err)
	}

	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, _, err := seal.LoadOrCreateMasterKey(path); err == nil || !strings.Contains(err.Error(), "permissions") {
			t.Fatalf("mode %04o: err = %v, want refusal", mode, err)
		}
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if _, _, err := seal.LoadOrCreateMasterKey(path); err != nil {
		t.Fatalf("mode 0400: %v", err)
	}
}

func TestMasterKeyFileInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.json")
	if err := os.WriteFile(path, []byte(`{"primaryKeyId": 1, "key": "not a keyset SECRETSTUFF"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := seal.LoadOrCreateMasterKey(path)
	if err == nil {
		t.Fatal("invalid key file accepted")
	}
	if strings.Contains(err.Error(), "SECRETSTUFF") {
		t.Fatalf("error quotes the key file: %v", err)
	}
}

func TestSecretNotInErrors(t *testing.T) {
	k := seal.NewKeyring(mustMaster(t))
	w := mustDataKey(t, k, noteAD.RelationshipID)
	ct := mustSeal(t, k, w, noteAD, secretText)
	_, err := k.Open(w, adOf("rel-1", "note", "other", "body"), ct)
	assertNoSecret(t, err)
	if strings.Contains(err.Error(), string(w)) || bytes.Contains([]byte(err.Error()), ct[5:20]) {
		t.Fatal("error contains key or ciphertext bytes")
	}
	_, err = seal.NewKeyring(mustMaster(t)).Open(w, noteAD, ct)
	assertNoSecret(t, err)
}

func BenchmarkSealOpen1KiB(b *testing.B) {
	k := seal.NewKeyring(mustMaster(b))
	w := mustDataKey(b, k, noteAD.RelationshipID)
	s := mentorvault.NewSecret(strings.Repeat("a", 1024))
	b.SetBytes(1024)
	b.ReportAllocs()
	for b.Loop() {
		ct, err := k.Seal(w, noteAD, s)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := k.Open(w, noteAD, ct); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnwrapCold measures the first use of a keyset: unwrap with the
// master key, build the primitive, one seal.
func BenchmarkUnwrapCold(b *testing.B) {
	master := mustMaster(b)
	w := mustDataKey(b, seal.NewKeyring(master), noteAD.RelationshipID)
	s := mentorvault.NewSecret(strings.Repeat("a", 1024))
	b.ReportAllocs()
	for b.Loop() {
		k := seal.NewKeyring(master)
		if _, err := k.Seal(w, noteAD, s); err != nil {
			b.Fatal(err)
		}
	}
}
