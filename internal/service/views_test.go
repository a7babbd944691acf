package service_test

import (
	"reflect"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// userPath returns where t reaches a mentorvault.User (through pointers,
// slices, arrays, maps and struct fields, embedded or not), "" if it does not.
func userPath(t reflect.Type, path string, seen map[reflect.Type]bool) string {
	if t == reflect.TypeFor[mentorvault.User]() {
		return path
	}
	if seen[t] {
		return ""
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return userPath(t.Elem(), path+"[]", seen)
	case reflect.Map:
		if p := userPath(t.Key(), path+"[key]", seen); p != "" {
			return p
		}
		return userPath(t.Elem(), path+"[value]", seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if p := userPath(f.Type, path+"."+f.Name, seen); p != "" {
				return p
			}
		}
	}
	return ""
}

// TestNoViewCarriesAUser checks that no result of an exported service method
// can carry a mentorvault.User, whose PasswordHash must never reach a
// template or an API response: callers get an Account or a Person instead.
func TestNoViewCarriesAUser(t *testing.T) {
	svc := reflect.TypeFor[*service.Service]()
	if svc.NumMethod() < 50 {
		t.Fatalf("only %d exported methods found on *service.Service", svc.NumMethod())
	}
	for i := range svc.NumMethod() {
		m := svc.Method(i)
		for j := range m.Type.NumOut() {
			out := m.Type.Out(j)
			if p := userPath(out, out.String(), map[reflect.Type]bool{}); p != "" {
				t.Errorf("Service.%s returns %s, which reaches a mentorvault.User at %s", m.Name, out, p)
			}
		}
	}
}

// TestUserPath checks the search itself: a User deep down is found, and a
// type without one is not.
func TestUserPath(t *testing.T) {
	type inner struct{ U []*mentorvault.User }
	type outer struct {
		service.Person
		M map[string]inner
	}
	if p := userPath(reflect.TypeFor[*outer](), "outer", map[reflect.Type]bool{}); p != "outer[].M[value].U[][]" {
		t.Errorf("userPath(outer) = %q", p)
	}
	if p := userPath(reflect.TypeFor[*service.Me](), "Me", map[reflect.Type]bool{}); p != "" {
		t.Errorf("userPath(Me) = %q, want none", p)
	}
}
