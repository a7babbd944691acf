// Passkeys (WebAuthn). A button with data-passkey="create" or "get" asks
// the server for a ceremony's options (POST to data-options, with the
// form's csrf_token and next), runs navigator.credentials.create or .get,
// puts the answer in the form's hidden "ceremony" and "credential" fields
// and submits the form. The server checks everything; this only carries
// bytes between the browser's authenticator and the form.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) { return; }

  function toBytes(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }
  function toText(buf) {
    if (!buf) { return null; }
    var b = new Uint8Array(buf), s = "";
    for (var i = 0; i < b.length; i++) { s += String.fromCharCode(b[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function ids(list) {
    return (list || []).map(function (c) { var d = Object.assign({}, c); d.id = toBytes(c.id); return d; });
  }
  function creationOptions(pk) {
    pk.challenge = toBytes(pk.challenge);
    pk.user.id = toBytes(pk.user.id);
    pk.excludeCredentials = ids(pk.excludeCredentials);
    return pk;
  }
  function requestOptions(pk) {
    pk.challenge = toBytes(pk.challenge);
    pk.allowCredentials = ids(pk.allowCredentials);
    return pk;
  }
  function answer(cred) {
    var r = cred.response, out = {
      id: cred.id, rawId: toText(cred.rawId), type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toText(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toText(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(r.authenticatorData);
      out.response.signature = toText(r.signature);
      out.response.userHandle = toText(r.userHandle);
    }
    return JSON.stringify(out);
  }
  function say(form, msg) {
    var el = form.querySelector("[data-passkey-status]") || document.querySelector("[data-passkey-status]");
    if (el) { el.textContent = msg; el.hidden = !msg; }
  }
  function field(form, name) {
    var el = form.querySelector('input[name="' + name + '"]');
    return el ? el.value : "";
  }

  document.querySelectorAll("[data-passkey]").forEach(function (btn) { btn.hidden = false; });
  document.querySelectorAll("[data-passkey-only]").forEach(function (el) { el.hidden = false; });

  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("button[data-passkey]");
    if (!btn) { return; }
    e.preventDefault();
    var form = btn.form || btn.closest("form");
    var mode = btn.getAttribute("data-passkey");
    var body = new URLSearchParams();
    body.set("csrf_token", field(form, "csrf_token"));
    body.set("next", field(form, "next"));
    btn.disabled = true;
    say(form, "");
    fetch(btn.getAttribute("data-options"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: body.toString()
    }).then(function (res) {
      if (!res.ok) {
        return res.text().then(function (t) {
          var el = new DOMParser().parseFromString(t, "text/html").querySelector("main .lead, main [role=alert]");
          throw new Error(el ? el.textContent : "The server could not start the passkey request (" + res.status + ").");
        });
      }
      return res.json();
    }).then(function (o) {
      var pk = o.options.publicKey;
      var p = mode === "create" ? navigator.credentials.create({ publicKey: creationOptions(pk) })
                                : navigator.credentials.get({ publicKey: requestOptions(pk) });
      return p.then(function (cred) {
        if (!cred) { throw new Error("No passkey was given."); }
        form.querySelector('input[name="ceremony"]').value = o.ceremony;
        form.querySelector('input[name="credential"]').value = answer(cred);
        form.querySelectorAll("input[required]").forEach(function (i) {
          if (i.type === "password") { i.required = false; i.value = ""; }
        });
        form.submit();
      });
    }).catch(function (err) {
      btn.disabled = false;
      var msg = err && err.name === "NotAllowedError" ? "The passkey request was cancelled or timed out. Try again." : (err && err.message) || "The passkey did not work.";
      say(form, msg);
    });
  });
})();
