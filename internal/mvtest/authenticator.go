package mvtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// Authenticator is a software WebAuthn authenticator for tests: it makes
// ES256 passkeys ("none" attestation) and signs assertions the way a
// platform authenticator does, from the options JSON a server sends.
// Origin is what it writes as the client's origin and RPID the relying
// party whose hash goes into its authenticator data; by default both come
// from the options (the RP ID) and the origin it was made with, and a test
// changes them to play a phishing site.
type Authenticator struct {
	Origin string
	RPID   string // "" takes the options' RP ID
	// Counter, when set, is the sign count of the next assertion; else
	// each one counts up by one.
	Counter *uint32
	creds   []*softCredential
}

type softCredential struct {
	id, userHandle []byte
	rpID           string
	key            *ecdsa.PrivateKey
	count          uint32
}

// NewAuthenticator returns an authenticator that answers as origin.
func NewAuthenticator(origin string) *Authenticator { return &Authenticator{Origin: origin} }

var b64 = base64.RawURLEncoding

type b64bytes []byte

func (b *b64bytes) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	v, err := b64.DecodeString(s)
	*b = v
	return err
}

type creationOptions struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID b64bytes `json:"id"`
		} `json:"user"`
	} `json:"publicKey"`
}

type requestOptions struct {
	PublicKey struct {
		Challenge        string `json:"challenge"`
		RPID             string `json:"rpId"`
		AllowCredentials []struct {
			ID b64bytes `json:"id"`
		} `json:"allowCredentials"`
	} `json:"publicKey"`
}

// Create answers a registration's options (the JSON of
// {"publicKey": …}) with a new passkey's credential JSON.
func (a *Authenticator) Create(options []byte) ([]byte, error) {
	var o creationOptions
	if err := json.Unmarshal(options, &o); err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	c := &softCredential{id: make([]byte, 32), userHandle: o.PublicKey.User.ID, rpID: o.PublicKey.RP.ID, key: key}
	_, _ = rand.Read(c.id)
	a.creds = append(a.creds, c)
	rp := a.rpID(o.PublicKey.RP.ID)
	clientData := a.clientData("webauthn.create", o.PublicKey.Challenge)
	// authenticator data: RP ID hash, flags (UP, UV, AT), count 0, then the
	// attested credential: AAGUID, credential ID, COSE key.
	h := sha256.Sum256([]byte(rp))
	auth := append([]byte{}, h[:]...)
	auth = append(auth, 0x01|0x04|0x40, 0, 0, 0, 0)
	auth = append(auth, make([]byte, 16)...)
	auth = binary.BigEndian.AppendUint16(auth, uint16(len(c.id)))
	auth = append(auth, c.id...)
	auth = append(auth, coseKey(&key.PublicKey)...)
	att := cborMap(
		cborText("fmt"), cborText("none"),
		cborText("attStmt"), cborMap(),
		cborText("authData"), cborBytes(auth),
	)
	return json.Marshal(map[string]any{
		"id": b64.EncodeToString(c.id), "rawId": b64.EncodeToString(c.id), "type": "public-key",
		"clientExtensionResults":  map[string]any{},
		"authenticatorAttachment": "platform",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(clientData),
			"attestationObject": b64.EncodeToString(att),
			"transports":        []string{"internal"},
		},
	})
}

// Get answers a sign-in's options with an assertion of the first of its
// passkeys the options allow (any of them for a discoverable sign-in).
func (a *Authenticator) Get(options []byte) ([]byte, error) {
	var o requestOptions
	if err := json.Unmarshal(options, &o); err != nil {
		return nil, err
	}
	var c *softCredential
	for _, k := range a.creds {
		if len(o.PublicKey.AllowCredentials) == 0 && k.rpID == o.PublicKey.RPID {
			c = k
			break
		}
		for _, allowed := range o.PublicKey.AllowCredentials {
			if string(allowed.ID) == string(k.id) {
				c = k
			}
		}
		if c != nil {
			break
		}
	}
	if c == nil {
		return nil, errors.New("mvtest: the authenticator has no passkey for these options")
	}
	c.count++
	if a.Counter != nil {
		c.count = *a.Counter
	}
	clientData := a.clientData("webauthn.get", o.PublicKey.Challenge)
	h := sha256.Sum256([]byte(a.rpID(o.PublicKey.RPID)))
	auth := append([]byte{}, h[:]...)
	auth = append(auth, 0x01|0x04)
	auth = binary.BigEndian.AppendUint32(auth, c.count)
	cd := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(append([]byte{}, auth...), cd[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, c.key, digest[:])
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{
		"id": b64.EncodeToString(c.id), "rawId": b64.EncodeToString(c.id), "type": "public-key",
		"clientExtensionResults":  map[string]any{},
		"authenticatorAttachment": "platform",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(clientData),
			"authenticatorData": b64.EncodeToString(auth),
			"signature":         b64.EncodeToString(sig),
			"userHandle":        b64.EncodeToString(c.userHandle),
		},
	})
}

func (a *Authenticator) rpID(fromOptions string) string {
	if a.RPID != "" {
		return a.RPID
	}
	return fromOptions
}

func (a *Authenticator) clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
	return b
}

// coseKey is an EC2 P-256 ES256 public key as a COSE_Key.
func coseKey(k *ecdsa.PublicKey) []byte {
	raw, err := k.Bytes() // 0x04 || X || Y
	if err != nil {
		panic(fmt.Sprintf("mvtest: public key: %v", err))
	}
	x, y := raw[1:33], raw[33:]
	return cborMap(
		cborInt(1), cborInt(2), // kty: EC2
		cborInt(3), cborInt(-7), // alg: ES256
		cborInt(-1), cborInt(1), // crv: P-256
		cborInt(-2), cborBytes(x),
		cborInt(-3), cborBytes(y),
	)
}

// A little CBOR, enough for attestation objects and COSE keys.

func cborHead(major byte, n uint64) []byte {
	switch {
	case n < 24:
		return []byte{major<<5 | byte(n)}
	case n < 1<<8:
		return []byte{major<<5 | 24, byte(n)}
	case n < 1<<16:
		return binary.BigEndian.AppendUint16([]byte{major<<5 | 25}, uint16(n))
	default:
		return binary.BigEndian.AppendUint32([]byte{major<<5 | 26}, uint32(n))
	}
}

func cborInt(v int) []byte {
	if v < 0 {
		return cborHead(1, uint64(-1-v))
	}
	return cborHead(0, uint64(v))
}

func cborBytes(b []byte) []byte { return append(cborHead(2, uint64(len(b))), b...) }
func cborText(s string) []byte  { return append(cborHead(3, uint64(len(s))), s...) }

func cborMap(kv ...[]byte) []byte {
	out := cborHead(5, uint64(len(kv)/2))
	for _, b := range kv {
		out = append(out, b...)
	}
	return out
}
