// Package seal is mentorvault's key hierarchy: a master key wraps one Tink
// AES256-GCM data keyset per relationship, and each confidential field is
// sealed with its relationship's keyset and associated data that binds the
// ciphertext to its relationship, record, record ID and field.
//
// Destroying a relationship's wrapped keyset (crypto-shredding) makes its
// content unreadable: the Keyring only ever unwraps bytes its caller hands it.
package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// adVersion tags every associated-data encoding, so that a future format
// can never be confused with this one. v1 binds relationship, record, record
// ID and field; v2 also binds the record's version and what decides who may
// read it (AD.Bind). Records sealed before v2 carry version 0 and open with v1.
const (
	adVersion   = "mentorvault/v1"
	adVersionV2 = "mentorvault/v2"
)

// Purposes separate the two uses of associated data: wrapping a data keyset
// with the master key, and sealing a field with a data keyset.
const (
	purposeDataKey = "datakey"
	purposeField   = "field"
)

// DefaultCacheSize is how many unwrapped keysets a Keyring keeps.
const DefaultCacheSize = 1024

var (
	// ErrOpen is returned by Open when a ciphertext does not authenticate:
	// it belongs to another record, field or relationship, was sealed with
	// another keyset, or was tampered with. It never carries plaintext or keys.
	ErrOpen = errors.New("sealed content could not be opened: wrong record or tampered ciphertext")

	// ErrUnwrap is returned when a wrapped data keyset cannot be unwrapped:
	// wrong master key, wrong relationship, or corrupt bytes.
	ErrUnwrap = errors.New("data key could not be unwrapped: wrong master key, wrong relationship or corrupt keyset")

	// ErrNoKey is returned when there are no wrapped keyset bytes, e.g.
	// because the relationship's key was destroyed.
	ErrNoKey = errors.New("no data key: the relationship's key is missing or was destroyed")
)

// AD names the place a sealed value belongs to; it becomes the AEAD
// associated data, so a ciphertext only opens at the place it was sealed for.
// Example: AD{RelationshipID: rel, Record: "note", RecordID: noteID, Field: "body",
// Version: 3, Bind: []Binding{{"author", authorID}, {"visibility", "private"}}}.
//
// Version is the record's write counter, raised on every write that seals,
// so an older ciphertext restored in place no longer opens. Bind lists, in a
// fixed order per record type, every stored field that decides who may read
// this one (author, visibility, parties, recipient…), so editing any of them
// outside mentorvault makes the field fail to open. Version 0 is a record
// sealed before bindings existed: it uses the v1 encoding and Bind is ignored.
type AD struct {
	RelationshipID string
	Record         string
	RecordID       string
	Field          string
	Version        int
	Bind           []Binding
}

// Binding is one named value an AD binds.
type Binding struct {
	Name, Value string
}

func (ad AD) validate() error {
	if ad.RelationshipID == "" || ad.Record == "" || ad.RecordID == "" || ad.Field == "" {
		return fmt.Errorf("seal: associated data incomplete: relationship, record, record ID and field are all required")
	}
	if ad.Version < 0 {
		return fmt.Errorf("seal: associated data: negative version")
	}
	return nil
}

// Bytes returns the associated data of a sealed field, a stored format: v1
// for Version 0, else v2 with the version and every binding.
func (ad AD) Bytes() []byte {
	if ad.Version == 0 {
		return encodeAD(adVersion, purposeField, ad.RelationshipID, ad.Record, ad.RecordID, ad.Field)
	}
	fields := make([]string, 0, 6+2*len(ad.Bind))
	fields = append(fields, ad.RelationshipID, ad.Record, ad.RecordID, ad.Field, "version", strconv.Itoa(ad.Version))
	for _, b := range ad.Bind {
		fields = append(fields, b.Name, b.Value)
	}
	return encodeAD(adVersionV2, purposeField, fields...)
}

// Digest is a short, content-free fingerprint of a sealed field as stored:
// SHA-256 over its associated data and ciphertext, hex, 128 bits. The audit
// log records it with every write, so that a later change to the ciphertext
// or to anything the AD binds is found by comparing digests, without keys.
func Digest(ad AD, ciphertext []byte) string {
	h := sha256.New()
	adb := ad.Bytes()
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(adb))))
	h.Write(adb)
	h.Write(ciphertext)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// encodeAD is the associated-data encoding, a stored format: the version tag
// and then each of purpose and fields, each written as a 4-byte big-endian
// length followed by its bytes. Length prefixes make it unambiguous: no two
// different field lists encode to the same bytes.
func encodeAD(version, purpose string, fields ...string) []byte {
	n := 4 + len(version) + 4 + len(purpose)
	for _, f := range fields {
		n += 4 + len(f)
	}
	b := make([]byte, 0, n)
	put := func(s string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	put(version)
	put(purpose)
	for _, f := range fields {
		put(f)
	}
	return b
}

func dataKeyAD(relationshipID string) []byte {
	return encodeAD(adVersion, purposeDataKey, relationshipID)
}

// Keyring wraps, unwraps, rotates and uses relationship data keysets under
// one master key. It caches unwrapped keysets so that the hot path costs one
// AES-GCM operation. It is safe for concurrent use.
type Keyring struct {
	master atomic.Pointer[masterRef]

	// reload, when set, reads the master key again (SetReload).
	reloadMu   sync.Mutex
	reload     func() (tink.AEAD, error)
	reloadedAt time.Time

	mu    sync.RWMutex
	size  int
	cache map[[32]byte]*cached
	order [][32]byte // FIFO of cache keys, for eviction
}

type masterRef struct{ aead tink.AEAD }

type cached struct {
	relationshipID string
	aead           tink.AEAD
}

// NewKeyring returns a Keyring whose data keysets are wrapped by master.
func NewKeyring(master tink.AEAD) *Keyring {
	k := &Keyring{size: DefaultCacheSize, cache: make(map[[32]byte]*cached)}
	k.master.Store(&masterRef{master})
	return k
}

// SetMaster replaces the master key, e.g. after `mentorvault keys rotate`
// added a version to the key file: keys are wrapped by its primary version
// from now on and unwrapped by any of its versions.
func (k *Keyring) SetMaster(master tink.AEAD) { k.master.Store(&masterRef{master}) }

// SetReload gives the Keyring a way to read the master key again. When a
// data key does not unwrap — it may have been rewrapped by a newer version
// this process has not read yet — the Keyring reloads (at most once a
// second) and tries once more.
func (k *Keyring) SetReload(reload func() (tink.AEAD, error)) {
	k.reloadMu.Lock()
	k.reload = reload
	k.reloadMu.Unlock()
}

// tryReload reads the master key again if a reload is set and none ran in
// the last second; it reports whether the master key was replaced.
func (k *Keyring) tryReload() bool {
	k.reloadMu.Lock()
	defer k.reloadMu.Unlock()
	if k.reload == nil || time.Since(k.reloadedAt) < time.Second {
		return false
	}
	k.reloadedAt = time.Now()
	m, err := k.reload()
	if err != nil {
		return false
	}
	k.SetMaster(m)
	return true
}

// Rewrap unwraps a relationship's data keyset with whichever master key
// version wrapped it and wraps it again with the primary version. The data
// keyset itself is unchanged, so everything it sealed still opens.
func (k *Keyring) Rewrap(relationshipID string, wrapped []byte) ([]byte, error) {
	h, err := k.unwrapHandle(relationshipID, wrapped)
	if err != nil {
		return nil, err
	}
	return k.wrap(relationshipID, h)
}

// NewDataKey makes a new AES256-GCM data keyset for a relationship and
// returns it wrapped by the master key, with the relationship ID as the
// wrapping's associated data.
func (k *Keyring) NewDataKey(relationshipID string) ([]byte, error) {
	if relationshipID == "" {
		return nil, errors.New("seal: relationship ID required")
	}
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("seal: new data keyset: %w", err)
	}
	return k.wrap(relationshipID, h)
}

// Rotate adds a new primary key to a relationship's wrapped keyset and
// returns the new wrapped keyset. Content sealed under the old keys still
// opens; new content is sealed with the new key.
func (k *Keyring) Rotate(relationshipID string, wrapped []byte) ([]byte, error) {
	h, err := k.unwrapHandle(relationshipID, wrapped)
	if err != nil {
		return nil, err
	}
	m := keyset.NewManagerFromHandle(h)
	id, err := m.Add(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("seal: rotate: add key: %w", err)
	}
	if err := m.SetPrimary(id); err != nil {
		return nil, fmt.Errorf("seal: rotate: set primary: %w", err)
	}
	nh, err := m.Handle()
	if err != nil {
		return nil, fmt.Errorf("seal: rotate: %w", err)
	}
	return k.wrap(relationshipID, nh)
}

// Seal encrypts plaintext with the wrapped keyset, bound to ad. The result
// carries Tink's 5-byte key-ID prefix, so it still opens after rotation.
func (k *Keyring) Seal(wrapped []byte, ad AD, plaintext mentorvault.Secret) ([]byte, error) {
	if err := ad.validate(); err != nil {
		return nil, err
	}
	a, err := k.primitive(ad.RelationshipID, wrapped)
	if err != nil {
		return nil, err
	}
	ct, err := a.Encrypt([]byte(plaintext.Reveal()), ad.Bytes())
	if err != nil {
		return nil, errors.New("seal: encryption failed")
	}
	return ct, nil
}

// Open decrypts a ciphertext sealed for ad with the wrapped keyset. It
// returns ErrOpen if the ciphertext does not belong to ad or was altered,
// and ErrUnwrap or ErrNoKey if the keyset is unusable.
func (k *Keyring) Open(wrapped []byte, ad AD, ciphertext []byte) (mentorvault.Secret, error) {
	if err := ad.validate(); err != nil {
		return mentorvault.Secret{}, err
	}
	a, err := k.primitive(ad.RelationshipID, wrapped)
	if err != nil {
		return mentorvault.Secret{}, err
	}
	pt, err := a.Decrypt(ciphertext, ad.Bytes())
	if err != nil {
		return mentorvault.Secret{}, ErrOpen
	}
	return mentorvault.NewSecret(string(pt)), nil
}

// Forget drops a wrapped keyset's unwrapped copy from the cache; call it when
// the keyset is destroyed so that no usable copy stays in memory.
func (k *Keyring) Forget(wrapped []byte) {
	sum := sha256.Sum256(wrapped)
	k.mu.Lock()
	delete(k.cache, sum)
	k.mu.Unlock()
}

func (k *Keyring) wrap(relationshipID string, h *keyset.Handle) ([]byte, error) {
	var buf bytes.Buffer
	if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), k.master.Load().aead, dataKeyAD(relationshipID)); err != nil {
		return nil, fmt.Errorf("seal: wrap data keyset: %w", err)
	}
	wrapped := buf.Bytes()
	if a, err := aead.New(h); err == nil {
		k.put(sha256.Sum256(wrapped), relationshipID, a)
	}
	return wrapped, nil
}

func (k *Keyring) unwrapHandle(relationshipID string, wrapped []byte) (*keyset.Handle, error) {
	if len(wrapped) == 0 {
		return nil, ErrNoKey
	}
	if relationshipID == "" {
		return nil, errors.New("seal: relationship ID required")
	}
	// Tink's error text names no key material, but it adds nothing an
	// operator can act on either, so the sentinel stands alone.
	read := func() (*keyset.Handle, error) {
		return keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), k.master.Load().aead, dataKeyAD(relationshipID))
	}
	h, err := read()
	if err != nil && k.tryReload() {
		h, err = read()
	}
	if err != nil {
		return nil, ErrUnwrap
	}
	return h, nil
}

// primitive returns the AEAD of a wrapped keyset, from the cache when it can.
// A cache entry answers only for the relationship it was unwrapped for, so a
// keyset handed in for the wrong relationship fails hot as it would cold.
func (k *Keyring) primitive(relationshipID string, wrapped []byte) (tink.AEAD, error) {
	if len(wrapped) == 0 {
		return nil, ErrNoKey
	}
	sum := sha256.Sum256(wrapped)
	k.mu.RLock()
	c := k.cache[sum]
	k.mu.RUnlock()
	if c != nil {
		if c.relationshipID != relationshipID {
			return nil, ErrUnwrap
		}
		return c.aead, nil
	}
	h, err := k.unwrapHandle(relationshipID, wrapped)
	if err != nil {
		return nil, err
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("seal: data keyset is not an AEAD keyset: %w", err)
	}
	k.put(sum, relationshipID, a)
	return a, nil
}

func (k *Keyring) put(sum [32]byte, relationshipID string, a tink.AEAD) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.cache[sum]; ok {
		return
	}
	// Evict in insertion order; skip keys already forgotten.
	for len(k.cache) >= k.size && len(k.order) > 0 {
		delete(k.cache, k.order[0])
		k.order = k.order[1:]
	}
	if len(k.order) > 4*k.size { // compact after many Forget calls
		live := k.order[:0:0]
		for _, s := range k.order {
			if _, ok := k.cache[s]; ok {
				live = append(live, s)
			}
		}
		k.order = live
	}
	k.cache[sum] = &cached{relationshipID: relationshipID, aead: a}
	k.order = append(k.order, sum)
}
