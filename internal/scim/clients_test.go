package scim_test

import (
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/scim"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// The request bodies below are the shapes Microsoft Entra ID's and Okta's
// provisioning services send (as their SCIM validators and documentation
// show them), replayed in the order those clients send them.

// TestSCIMEntraID replays Entra ID: look the user up by userName, create,
// PATCH with "Replace"/"Add"/"Remove" (capitalised) and string booleans,
// the work email by filter, the enterprise manager, deactivate and
// reactivate, groups with members added and removed, and DELETE.
func TestSCIMEntraID(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := start(t, b)
			const userName = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@northwind.example"
			if r := f.do(f.token, "GET", "/Users?filter="+urlq(`userName eq "`+userName+`"`), "").want(t, 200, ""); r.num("totalResults") != 0 {
				t.Fatalf("found before creation: %s", r.raw)
			}
			before := f.env.Head(t)
			cr := f.do(f.token, "POST", "/Users", `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
				"userName": "`+userName+`",
				"active": true,
				"emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@northwind.example"}],
				"meta": {"resourceType": "User"},
				"name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
				"roles": []
			}`).want(t, 201, "")
			id := cr.str("id")
			u := f.user(id)
			if u.Email != "test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@northwind.example" || u.Name != "givenName familyName" ||
				u.DisabledAt != nil || u.PasswordHash != "" {
				t.Errorf("created account: %+v", u)
			}
			wantEvents(t, f.events(before), "scim.user.create:ok")
			// Entra ID finds it again by userName in any case.
			if r := f.do(f.token, "GET", "/Users?filter="+urlq(`userName eq "`+strings.ToLower(userName)+`"`), "").want(t, 200, ""); r.num("totalResults") != 1 {
				t.Errorf("lookup after create: %s", r.raw)
			}

			// Attribute updates in one PATCH.
			r := f.do(f.token, "PATCH", "/Users/"+id, patch(
				`{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@northwind.example"}`,
				`{"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}`,
				`{"op":"Add","path":"externalId","value":"e-42"}`)).want(t, 200, "")
			if r.str("externalId") != "e-42" || r.str("name", "familyName") != "updatedFamilyName" {
				t.Errorf("patched: %s", r.raw)
			}
			if u := f.user(id); u.Email != "updatedemail@northwind.example" || u.Name != "givenName updatedFamilyName" {
				t.Errorf("after the PATCH: %+v", u)
			}
			// Entra ID may send several attributes without a path.
			r = f.do(f.token, "PATCH", "/Users/"+id, patch(`{"op":"Replace","value":{"displayName":"Test User","name.givenName":"Testy"}}`)).want(t, 200, "")
			if r.str("displayName") != "Test User" || r.str("name", "givenName") != "Testy" || f.user(id).Name != "Test User" {
				t.Errorf("pathless replace: %s", r.raw)
			}

			// The enterprise manager is the line manager, by SCIM id.
			dave := f.env.Users["dave"].ID
			before = f.env.Head(t)
			r = f.do(f.token, "PATCH", "/Users/"+id, patch(`{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"`+dave+`"}`)).
				want(t, 200, "")
			if f.user(id).ManagerID != dave || r.str(scim.SchemaEnterprise, "manager", "value") != dave {
				t.Errorf("manager: %s", r.raw)
			}
			wantEvents(t, f.events(before), "scim.user.update:ok")
			f.do(f.token, "PATCH", "/Users/"+id, patch(`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"`+mentorvault.NewID()+`"}}`)).
				want(t, 400, "invalidValue")
			f.do(f.token, "PATCH", "/Users/"+id, patch(`{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}`)).want(t, 200, "")
			if f.user(id).ManagerID != "" {
				t.Error("the manager was not removed")
			}
			// A manager cycle is refused: dave may not be managed by bob, whom he manages.
			f.do(f.token, "PATCH", "/Users/"+dave, patch(`{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"`+f.env.Users["bob"].ID+`"}`)).
				want(t, 400, "invalidValue")

			// Deactivate alice, who is signed in and holds an API token,
			// with the string "False": both fail at once, her relationship
			// pauses, and nothing is erased.
			alice := f.env.Users["alice"].ID
			cookie, token := signIn(t, f, "alice")
			if me(t, f, cookie, "") != 200 || me(t, f, "", token) != 200 || page(t, f, cookie, "/settings") != 200 {
				t.Fatal("alice cannot use her session and token before")
			}
			before = f.env.Head(t)
			r = f.do(f.token, "PATCH", "/Users/"+alice, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`).
				want(t, 200, "")
			if r.body["active"] != false || f.user(alice).DisabledAt == nil {
				t.Fatalf("not deactivated: %s", r.raw)
			}
			if me(t, f, cookie, "") != 401 || me(t, f, "", token) != 401 || page(t, f, cookie, "/settings") == 200 {
				t.Error("alice's replayed session or token still works after deactivation")
			}
			if st := f.relStatus(); st != mentorvault.StatusPaused {
				t.Errorf("alice's relationship is %s, want paused", st)
			}
			wantEvents(t, f.events(before), "scim.user.deactivate:ok", "people.deactivate:ok", "relationship.pause:ok")
			if r := f.do(f.token, "GET", "/Users/"+alice, "").want(t, 200, ""); r.body["active"] != false {
				t.Errorf("read back: %s", r.raw)
			}
			before = f.env.Head(t)
			f.do(f.token, "PATCH", "/Users/"+alice, patch(`{"op":"Replace","path":"active","value":"True"}`)).want(t, 200, "")
			if f.user(alice).DisabledAt != nil {
				t.Error("not reactivated")
			}
			wantEvents(t, f.events(before), "scim.user.reactivate:ok")
			if me(t, f, "", token) != 401 {
				t.Error("a token revoked by the deactivation works again after reactivation")
			}

			// The last active admin is not deactivated (the people rule).
			f.do(f.token, "PATCH", "/Users/"+f.env.Users["grace"].ID, patch(`{"op":"Replace","path":"active","value":"False"}`)).want(t, 409, "")
			if f.user(f.env.Users["grace"].ID).DisabledAt != nil {
				t.Error("the last admin was deactivated")
			}

			// Groups: create, add and remove members, exclude members, rename.
			before = f.env.Head(t)
			g := f.do(f.token, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"Engineering","members":[]}`).
				want(t, 201, "")
			gid := g.str("id")
			if g.str("meta", "resourceType") != "Group" || g.header.Get("Location") != f.ts.URL+"/scim/v2/Groups/"+gid {
				t.Errorf("group: %s", g.raw)
			}
			f.do(f.token, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"engineering"}`).want(t, 409, "uniqueness")
			bob := f.env.Users["bob"].ID
			f.do(f.token, "PATCH", "/Groups/"+gid, patch(`{"op":"Add","path":"members","value":[{"value":"`+id+`"},{"value":"`+bob+`"}]}`)).want(t, 200, "")
			if r := f.do(f.token, "GET", "/Groups/"+gid, "").want(t, 200, ""); len(r.body["members"].([]any)) != 2 {
				t.Errorf("members after add: %s", r.raw)
			}
			if r := f.do(f.token, "GET", "/Users/"+bob, "").want(t, 200, ""); !strings.Contains(r.raw, `"display":"Engineering"`) {
				t.Errorf("bob's groups: %s", r.raw)
			}
			f.do(f.token, "PATCH", "/Groups/"+gid, patch(`{"op":"Remove","path":"members","value":[{"value":"`+bob+`"}]}`)).want(t, 200, "")
			lg := f.do(f.token, "GET", "/Groups?excludedAttributes=members&filter="+urlq(`displayName eq "Engineering"`), "").want(t, 200, "")
			if lg.num("totalResults") != 1 || lg.resources()[0]["members"] != nil {
				t.Errorf("excludedAttributes=members: %s", lg.raw)
			}
			if r := f.do(f.token, "GET", "/Groups/"+gid, "").want(t, 200, ""); len(r.body["members"].([]any)) != 1 {
				t.Errorf("members after remove: %s", r.raw)
			}
			f.do(f.token, "PATCH", "/Groups/"+gid, patch(`{"op":"Replace","path":"displayName","value":"Engineering (all)"}`)).want(t, 200, "")
			f.do(f.token, "PATCH", "/Groups/"+gid, patch(`{"op":"Add","path":"members","value":[{"value":"`+mentorvault.NewID()+`"}]}`)).want(t, 400, "invalidValue")
			wantEvents(t, f.events(before), "scim.group.create:ok", "scim.group.update:ok")
			groups, err := f.env.Svc.SCIMGroupsOfOrg(t.Context(), f.env.As("grace"))
			if err != nil || len(groups) != 1 || groups[0].DisplayName != "Engineering (all)" || len(groups[0].Members) != 1 || groups[0].Members[0].Display != "Test User" {
				t.Errorf("the admin's view of the groups: %+v %v", groups, err)
			}

			// DELETE deactivates; the person and their trail stay.
			before = f.env.Head(t)
			f.do(f.token, "DELETE", "/Users/"+id, "").want(t, 204, "")
			if u := f.user(id); u.DisabledAt == nil {
				t.Error("DELETE did not deactivate")
			}
			if r := f.do(f.token, "GET", "/Users/"+id, "").want(t, 200, ""); r.body["active"] != false {
				t.Errorf("after DELETE: %s", r.raw)
			}
			wantEvents(t, f.events(before), "scim.user.deactivate:ok")
			f.do(f.token, "DELETE", "/Users/"+id, "").want(t, 204, "")
		})
	}
}

// TestSCIMOkta replays Okta: lookup with paging parameters, create with a
// password (never stored), PUT for profile updates, the pathless
// {"active":false} deactivation, group push with members[value eq …]
// removal and a pathless rename carrying the id, and group DELETE.
func TestSCIMOkta(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := start(t, b)
			if r := f.do(f.token, "GET", "/Users?filter="+urlq(`userName eq "jane.doe@northwind.example"`)+"&startIndex=1&count=100", "").want(t, 200, ""); r.num("totalResults") != 0 {
				t.Fatalf("found before creation: %s", r.raw)
			}
			cr := f.do(f.token, "POST", "/Users", `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
				"userName": "jane.doe@northwind.example",
				"name": {"givenName": "Jane", "familyName": "Doe"},
				"emails": [{"primary": true, "value": "jane.doe@northwind.example", "type": "work"}],
				"displayName": "Jane Doe",
				"locale": "en-US",
				"externalId": "00u1esetdqu3kOXZc0g4",
				"groups": [],
				"password": "1mz050nq",
				"active": true
			}`).want(t, 201, "")
			id := cr.str("id")
			if u := f.user(id); u.PasswordHash != "" || u.Name != "Jane Doe" {
				t.Errorf("created: %+v", u)
			}
			if strings.Contains(cr.raw, "1mz050nq") {
				t.Error("the response echoes the password")
			}
			// Okta updates a profile with PUT, sending the whole user.
			r := f.do(f.token, "PUT", "/Users/"+id, `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
				"id": "`+id+`",
				"userName": "jane.doe@northwind.example",
				"name": {"givenName": "Jane", "familyName": "Doe-Smith"},
				"emails": [{"primary": true, "value": "jane.doe-smith@northwind.example", "type": "work"}],
				"displayName": "Jane Doe-Smith",
				"externalId": "00u1esetdqu3kOXZc0g4",
				"active": true,
				"meta": {"resourceType": "User"}
			}`).want(t, 200, "")
			if u := f.user(id); u.Name != "Jane Doe-Smith" || u.Email != "jane.doe-smith@northwind.example" || r.str("name", "familyName") != "Doe-Smith" {
				t.Errorf("after PUT: %+v %s", u, r.raw)
			}
			f.do(f.token, "PUT", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob@northwind.example"}`).want(t, 409, "uniqueness")

			// Okta deactivates with a pathless replace.
			cookie, token := signIn(t, f, "heidi")
			heidi := f.env.Users["heidi"].ID
			r = f.do(f.token, "PATCH", "/Users/"+heidi, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`).
				want(t, 200, "")
			if r.body["active"] != false || f.user(heidi).DisabledAt == nil {
				t.Fatalf("not deactivated: %s", r.raw)
			}
			if me(t, f, cookie, "") != 401 || me(t, f, "", token) != 401 {
				t.Error("heidi's replayed session or token still works")
			}
			f.do(f.token, "PATCH", "/Users/"+heidi, patch(`{"op":"replace","value":{"active":true}}`)).want(t, 200, "")
			if f.user(heidi).DisabledAt != nil {
				t.Error("not reactivated")
			}
			// A PUT that leaves active out does not deactivate.
			f.do(f.token, "PUT", "/Users/"+heidi, `{"userName":"heidi@northwind.example","displayName":"Heidi Hall"}`).want(t, 200, "")
			if f.user(heidi).DisabledAt != nil {
				t.Error("a PUT without active deactivated")
			}

			// Group push.
			g := f.do(f.token, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Sales","members":[]}`).want(t, 201, "")
			gid := g.str("id")
			f.do(f.token, "PATCH", "/Groups/"+gid, patch(`{"op":"add","path":"members","value":[{"value":"`+id+`","display":"jane.doe@northwind.example"}]}`)).want(t, 200, "")
			f.do(f.token, "PATCH", "/Groups/"+gid, patch(`{"op":"add","path":"members","value":[{"value":"`+heidi+`","display":"heidi@northwind.example"}]}`)).want(t, 200, "")
			r = f.do(f.token, "PATCH", "/Groups/"+gid, patch(`{"op":"remove","path":"members[value eq \"`+id+`\"]"}`)).want(t, 200, "")
			if ms, _ := r.body["members"].([]any); len(ms) != 1 || ms[0].(map[string]any)["value"] != heidi {
				t.Errorf("after remove: %s", r.raw)
			}
			r = f.do(f.token, "PATCH", "/Groups/"+gid, patch(`{"op":"replace","value":{"id":"`+gid+`","displayName":"Sales EMEA"}}`)).want(t, 200, "")
			if r.str("displayName") != "Sales EMEA" {
				t.Errorf("rename: %s", r.raw)
			}
			r = f.do(f.token, "PUT", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Sales EMEA","members":[{"value":"`+id+`"}]}`).want(t, 200, "")
			if ms, _ := r.body["members"].([]any); len(ms) != 1 || ms[0].(map[string]any)["value"] != id {
				t.Errorf("after PUT: %s", r.raw)
			}
			before := f.env.Head(t)
			f.do(f.token, "DELETE", "/Groups/"+gid, "").want(t, 204, "")
			f.do(f.token, "GET", "/Groups/"+gid, "").want(t, 404, "")
			wantEvents(t, f.events(before), "scim.group.delete:ok")
			if f.user(id).DisabledAt != nil {
				t.Error("deleting a group deactivated its members")
			}
		})
	}
}

// TestSCIMBadInput: control characters in each attribute a client sends
// are refused with 400 invalidValue naming the attribute, and nothing is
// written (no audit event, no person, no group).
func TestSCIMBadInput(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := start(t, b)
			n := orgSize(t, f)
			heidi := f.env.Users["heidi"].ID
			f.do(f.token, "POST", "/Groups", `{"displayName":"Sales"}`).want(t, 201, "")
			gs := f.do(f.token, "GET", "/Groups", "").want(t, 200, "")
			gid := gs.resources()[0]["id"].(string)
			for _, c := range []struct{ name, char string }{{"NUL", `\u0000`}, {"bell", `\u0007`}, {"escape", `\u001b`}, {"newline", `\n`}} {
				for _, tc := range []struct {
					attr, method, path, body string
				}{
					{"userName", "POST", "/Users", `{"userName":"x` + c.char + `y@northwind.example"}`},
					{"displayName", "POST", "/Users", `{"userName":"x@northwind.example","displayName":"X` + c.char + `"}`},
					{"externalId", "POST", "/Users", `{"userName":"x@northwind.example","externalId":"e` + c.char + `"}`},
					{"name.givenName", "POST", "/Users", `{"userName":"x@northwind.example","name":{"givenName":"G` + c.char + `"}}`},
					{"emails", "POST", "/Users", `{"userName":"x@northwind.example","emails":[{"value":"x` + c.char + `@northwind.example"}]}`},
					{"userName", "PUT", "/Users/" + heidi, `{"userName":"h` + c.char + `@northwind.example"}`},
					{"displayName", "PATCH", "/Users/" + heidi, patch(`{"op":"replace","path":"displayName","value":"H` + c.char + `"}`)},
					{"emails", "PATCH", "/Users/" + heidi, patch(`{"op":"replace","path":"emails[type eq \"work\"].value","value":"h` + c.char + `@x.example"}`)},
					{"manager", "PATCH", "/Users/" + heidi, patch(`{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m` + c.char + `"}`)},
					{"displayName", "POST", "/Groups", `{"displayName":"G` + c.char + `"}`},
					{"externalId", "POST", "/Groups", `{"displayName":"G","externalId":"g` + c.char + `"}`},
					{"displayName", "PATCH", "/Groups/" + gid, patch(`{"op":"replace","path":"displayName","value":"G` + c.char + `"}`)},
					{"members", "PATCH", "/Groups/" + gid, patch(`{"op":"add","path":"members","value":[{"value":"m` + c.char + `"}]}`)},
				} {
					before := f.env.Head(t)
					r := f.do(f.token, tc.method, tc.path, tc.body)
					if r.status != 400 || r.str("scimType") != "invalidValue" || !strings.Contains(r.str("detail"), tc.attr) {
						t.Errorf("%s %s %s with %s: %d %s", tc.method, tc.path, tc.attr, c.name, r.status, r.raw)
					}
					if evs := f.events(before); len(evs) != 0 {
						t.Errorf("%s %s %s with %s wrote audit events %v", tc.method, tc.path, tc.attr, c.name, evs)
					}
				}
			}
			if orgSize(t, f) != n {
				t.Error("a bad request created a person")
			}
			if u := f.user(heidi); u.Name != "Heidi Hall" || u.Email != "heidi@northwind.example" || u.ManagerID != "" {
				t.Errorf("a bad request changed heidi: %+v", u)
			}
			if r := f.do(f.token, "GET", "/Groups/"+gid, "").want(t, 200, ""); r.str("displayName") != "Sales" || r.body["members"] != nil {
				t.Errorf("a bad request changed the group: %s", r.raw)
			}
		})
	}
}
