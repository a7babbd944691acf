package httpx

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/mentorvault/mentorvault"
)

// checkNames refuses what encoding/json silently accepts: a member given
// twice in one object (the last would win) and a member spelled in another
// case than its field's name ("Body" for "body"). body has already decoded
// into a value of type t, so it is valid JSON.
func checkNames(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := walk(dec, t, "")
	if err != nil && mentorvault.ErrorCode(err) == mentorvault.EINTERNAL {
		return mentorvault.Errorf(mentorvault.EINVALID, "the request body is not valid JSON")
	}
	return err
}

// walk reads one JSON value from dec, checking the names of every object in
// it against t (nil: anything goes below here, e.g. a map of any or a type
// that decodes itself).
func walk(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	t = plain(t)
	switch d {
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walk(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case '{':
		var names map[string]reflect.Type
		var elem reflect.Type
		if t != nil && t.Kind() == reflect.Struct {
			names = fieldNames(t)
		} else if t != nil && t.Kind() == reflect.Map {
			elem = t.Elem()
		}
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key := tok.(string)
			where := strings.TrimPrefix(path+"."+key, ".")
			if seen[key] {
				return mentorvault.Errorf(mentorvault.EINVALID, "field %q is given twice", where)
			}
			seen[key] = true
			next := elem
			if names != nil {
				ft, exact := names[key]
				if !exact {
					for name := range names {
						if strings.EqualFold(name, key) {
							return mentorvault.Errorf(mentorvault.EINVALID, "field %q is spelled %q: names are case-sensitive", strings.TrimPrefix(path+"."+name, "."), key)
						}
					}
				}
				next = ft
			}
			if err := walk(dec, next, where); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

var (
	unmarshaler     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// plain strips pointers from t and answers nil for types that decode
// themselves (their names are their own business) and for interfaces.
func plain(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface {
		return nil
	}
	if reflect.PointerTo(t).Implements(unmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return nil
	}
	return t
}

var namesCache sync.Map // reflect.Type → map[string]reflect.Type

// fieldNames maps the JSON names of a struct's fields (those of embedded
// structs promoted, as encoding/json does) to their types.
func fieldNames(t reflect.Type) map[string]reflect.Type {
	if m, ok := namesCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			if et := plain(f.Type); et != nil && et.Kind() == reflect.Struct {
				for k, v := range fieldNames(et) {
					if _, ok := m[k]; !ok {
						m[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	namesCache.Store(t, m)
	return m
}

// checkStrings refuses a body any of whose strings — member names included
// — carries a control character other than tab, line feed or carriage
// return, naming the member ("terms.clauses[0].text"). It runs before the
// body is decoded, so that a NUL in a date or an ID is refused as what it
// is on every backend, not as a date that does not parse or an ID that
// PostgreSQL cannot look up. Which fields must be one line (no tab, no line
// break) is the domain's check. A body that is not JSON is left to the
// decoder to report. Returns EINVALID.
func checkStrings(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := scanStrings(dec, "")
	if err != nil && mentorvault.ErrorCode(err) == mentorvault.EINTERNAL {
		return nil // not JSON: the decoder says how
	}
	return err
}

// scanStrings reads one JSON value from dec, refusing any string in it with
// a control character; path names the value.
func scanStrings(dec *json.Decoder, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case string:
		if msg := mentorvault.TextProblem(t, true); msg != "" {
			return stringProblem(path, msg)
		}
	case json.Delim:
		for i := 0; dec.More(); i++ {
			where := fmt.Sprintf("%s[%d]", path, i)
			if t == '{' {
				tok, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := tok.(string)
				where = strings.TrimPrefix(path+"."+key, ".")
				if msg := mentorvault.TextProblem(key, true); msg != "" {
					return stringProblem(strings.TrimPrefix(path, "."), "a member name "+msg)
				}
			}
			if err := scanStrings(dec, where); err != nil {
				return err
			}
		}
		_, err = dec.Token() // the closing delimiter
		return err
	}
	return nil
}

func stringProblem(field, msg string) error {
	if field == "" {
		field = "body"
	}
	return mentorvault.Invalid("the "+strings.ReplaceAll(field, "_", " ")+" is not valid", map[string]string{field: msg})
}

// badTime names the member of a body decoding into t whose date and time
// does not parse: the decoder's own error does not say which it is.
// Returns EINVALID.
func badTime(body []byte, t reflect.Type) error {
	var members map[string]json.RawMessage
	if st := plain(t); st != nil && st.Kind() == reflect.Struct && json.Unmarshal(body, &members) == nil {
		for name, ft := range fieldNames(st) {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			raw, ok := members[name]
			if !ok || ft != reflect.TypeFor[time.Time]() || string(raw) == "null" {
				continue
			}
			var tm time.Time
			if json.Unmarshal(raw, &tm) != nil {
				return mentorvault.Invalid("the "+strings.ReplaceAll(name, "_", " ")+" is not valid",
					map[string]string{name: "must be a date and time like 2026-03-01T14:30:00Z"})
			}
		}
	}
	return mentorvault.Errorf(mentorvault.EINVALID, "a date and time in the request body is not valid: write it like 2026-03-01T14:30:00Z")
}
