package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// addVirtualAuthenticator gives the user's tab a virtual platform
// authenticator (CTAP2, internal, resident keys, user verification that
// succeeds) through the DevTools WebAuthn domain, and returns its ID.
func (u *user) addVirtualAuthenticator() webauthn.AuthenticatorID {
	u.t.Helper()
	off := false
	if _, err := chromedp.Call(u.ctx, webauthn.Enable, webauthn.EnableParams{EnableUI: &off}); err != nil {
		u.fatalf("enable WebAuthn: %v", err)
	}
	res, err := chromedp.Call(u.ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
	}})
	if err != nil {
		u.fatalf("add a virtual authenticator: %v", err)
	}
	return res.AuthenticatorID
}

func (u *user) credentials(id webauthn.AuthenticatorID) []*webauthn.Credential {
	u.t.Helper()
	res, err := chromedp.Call(u.ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: id})
	if err != nil {
		u.fatalf("list the authenticator's credentials: %v", err)
	}
	return res.Credentials
}

// TestBrowserPasskey: Judy adds a passkey on her security page (a virtual
// authenticator answers), signs out, signs in with the passkey alone (no
// email, no password), accepts Ivan's proposal, starts their agreement and
// signs it with her passkey instead of her password.
func TestBrowserPasskey(t *testing.T) {
	start := time.Now()
	browser := newBrowser(t, 90*time.Second)
	srv := startServe(t, nil, "--data", t.TempDir(), "--demo")
	// A passkey's relying party ID is a domain name, never an IP address.
	base := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

	judy := newUser(t, browser, base, "judy")
	auth := judy.addVirtualAuthenticator()
	judy.signIn("judy@northwind.example", "Judy Jones")
	if st := judy.open("/settings/security"); st != 200 {
		t.Fatalf("GET /settings/security = %d", st)
	}
	if txt := judy.text("#passkeys-h + p + p"); !strings.Contains(txt, "no passkey") {
		t.Fatalf("before adding one the page says %q", txt)
	}
	judy.do("name the passkey", chromedp.SendKeys(chromedp.CSS("#passkey-name"), "test laptop"))
	if st := judy.nav("add a passkey", chromedp.Click(chromedp.CSS(`#add-passkey button[data-passkey=create]`))); st != 200 {
		t.Fatalf("adding a passkey: status %d: %s", st, judy.pageText())
	}
	if got := judy.text(`[role=status]`); !strings.Contains(got, "passkey is added") {
		t.Fatalf("after adding a passkey the page says %q (%s)", got, judy.pageText())
	}
	if row := judy.text(`table.passkeys tbody tr td`); !strings.Contains(row, "test laptop") {
		t.Fatalf("the passkeys table shows %q", row)
	}
	if n := len(judy.credentials(auth)); n != 1 {
		t.Fatalf("the authenticator holds %d credentials, want 1", n)
	}
	judy.shot("security-passkey-added")

	// --- Signed out, she signs in with the passkey alone. ---
	judy.signOut()
	judy.open("/login")
	if st := judy.nav("sign in with a passkey", chromedp.Click(chromedp.CSS(`#passkey-login button[data-passkey=get]`))); st != 200 {
		t.Fatalf("signing in with a passkey: status %d at %s: %s", st, judy.location(), judy.pageText())
	}
	if got := judy.text("header .who"); got != "Judy Jones" {
		t.Fatalf("after the passkey sign-in the header shows %q: %s", got, judy.pageText())
	}
	judy.open("/settings/security")
	if last := judy.text(`table.passkeys tbody tr td:nth-child(3)`); last == "never" {
		t.Fatal("the passkey's last use is not shown after signing in with it")
	}

	// --- She accepts Ivan's proposal and starts their agreement. ---
	judy.open("/")
	relPath := eval[string](judy, `(Array.from(document.querySelectorAll('main a[href^="/relationships/"]')).map(a => a.getAttribute("href")).find(h => /^\/relationships\/[0-9a-f-]{36}$/.test(h)) || "")`)
	if relPath == "" {
		t.Fatalf("judy's home links to no relationship: %s", judy.pageText())
	}
	judy.open(relPath)
	if st := judy.nav("accept", chromedp.Click(chromedp.CSS(`form[action$="/lifecycle"]:has(input[value=accept]) button`))); st != 200 {
		t.Fatalf("accepting: status %d: %s", st, judy.pageText())
	}
	agrPath := relPath + "/agreement"
	judy.open(agrPath)
	judy.nav("start the agreement", chromedp.Click(chromedp.CSS(`form[action$="/agreement/drafts"] button`)))
	judy.open(agrPath)
	if st := judy.nav("sign with the passkey", chromedp.Click(chromedp.CSS(`.sign-form button[data-passkey=get]`))); st != 200 {
		t.Fatalf("signing with a passkey: status %d: %s", st, judy.pageText())
	}
	if got := judy.text(`[role=status]`); !strings.Contains(got, "You signed") {
		t.Fatalf("after signing with her passkey judy sees %q: %s", got, judy.pageText())
	}
	if txt := judy.text(".agreement-status"); !regexp.MustCompile(`You signed this text on`).MatchString(txt) {
		t.Fatalf("the agreement status says %q", txt)
	}
	judy.shot("agreement-signed-with-passkey")
	t.Logf("passkey scenario in %s", time.Since(start).Round(time.Millisecond))
}
