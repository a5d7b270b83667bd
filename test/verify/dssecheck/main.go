// Command dssecheck verifies DSSE envelopes with implementations no one on this project wrote:
// github.com/secure-systems-lab/go-securesystemslib/dsse (EnvelopeVerifier, strict base64) and
// github.com/in-toto/attestation/go/v1 (Statement.Validate). Used by test/verify/goReference.e2e.test.ts.
//
// Usage: dssecheck <public key PEM> <envelope.json>...
// Prints "OK <file> <keyid> <predicateType>" per envelope; exits 1 on the first failure.
package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	attestation "github.com/in-toto/attestation/go/v1"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"google.golang.org/protobuf/encoding/protojson"
)

type verifier struct {
	pub   crypto.PublicKey
	keyID string
}

func (v verifier) Verify(_ context.Context, data, sig []byte) error {
	switch k := v.pub.(type) {
	case ed25519.PublicKey:
		if ed25519.Verify(k, data, sig) {
			return nil
		}
	case *ecdsa.PublicKey:
		digest := sha256.Sum256(data)
		if ecdsa.VerifyASN1(k, digest[:], sig) {
			return nil
		}
	}
	return errors.New("signature does not verify")
}

func (v verifier) KeyID() (string, error)    { return v.keyID, nil }
func (v verifier) Public() crypto.PublicKey { return v.pub }

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: dssecheck <public key PEM> <envelope.json>...")
	}
	pemBytes, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("read key: %v", err)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		fail("no PEM block in %s", os.Args[1])
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		fail("parse key: %v", err)
	}
	sum := sha256.Sum256(block.Bytes)
	ev, err := dsse.NewEnvelopeVerifier(verifier{pub: pub, keyID: hex.EncodeToString(sum[:])})
	if err != nil {
		fail("verifier: %v", err)
	}
	for _, file := range os.Args[2:] {
		raw, err := os.ReadFile(file)
		if err != nil {
			fail("read %s: %v", file, err)
		}
		var env dsse.Envelope
		if err := json.Unmarshal(raw, &env); err != nil {
			fail("%s: not a DSSE envelope: %v", file, err)
		}
		accepted, err := ev.Verify(context.Background(), &env)
		if err != nil {
			fail("%s: DSSE verification failed: %v", file, err)
		}
		payload, err := env.DecodeB64Payload()
		if err != nil {
			fail("%s: payload: %v", file, err)
		}
		var st attestation.Statement
		if err := protojson.Unmarshal(payload, &st); err != nil {
			fail("%s: not an in-toto Statement: %v", file, err)
		}
		if err := st.Validate(); err != nil {
			fail("%s: Statement.Validate: %v", file, err)
		}
		fmt.Printf("OK %s %s %s\n", file, accepted[0].KeyID, st.GetPredicateType())
	}
}
