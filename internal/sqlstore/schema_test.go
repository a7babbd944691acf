package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// schema is what the schema test compares between the dialects: each table's
// columns with a coarse type class, its primary key, and its indexes.
type schema struct {
	columns map[string]map[string]string // table → column → class and nullability
	pkeys   map[string]string            // table → "col,col"
	// indexes are keyed by name when created by CREATE INDEX, and by
	// "table(col,col)" when they back a UNIQUE constraint (their names are
	// the dialect's own); the value says what the index covers.
	indexes map[string]string
}

// Coarse type classes: SQLite keeps times as TEXT (fixed-width RFC 3339) and
// booleans as INTEGER 0/1, so those are recognised by the schema's
// conventions: a boolean is an INTEGER with CHECK (col IN (0, 1)), a time is
// a TEXT column named *_at or listed in sqliteTimeColumns.
const (
	classText    = "text"
	classInteger = "integer"
	classBytes   = "bytes"
	classTime    = "time"
	classBool    = "bool"
)

// sqliteTimeColumns are SQLite time columns whose names do not end in _at.
var sqliteTimeColumns = map[string]bool{
	"audit_events.at":         true,
	"login_failures.at":       true,
	"input_requests.deadline": true,
}

// sqliteTextAt are SQLite TEXT columns named *_at that are not times.
var sqliteTextAt = map[string]bool{
	"schema_migrations.applied_at": true, // written by Migrate as text in both dialects
}

// TestSchemasMatch migrates a SQLite and a PostgreSQL store and fails on any
// difference in their schemas: tables, columns (a coarse type class and
// nullability), primary keys, and indexes (by name, or by column set for those
// behind a UNIQUE constraint). It needs PostgreSQL: skipped when unreachable,
// failed in CI (CI=true). A difference is fixed by a forward migration.
func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	lite := sqliteSchema(t, ctx, sqlstoretest.OpenSQLite(t).SQLDB())
	pg := postgresSchema(t, ctx, sqlstoretest.OpenPostgres(t).SQLDB())

	for _, table := range union(keys(lite.columns), keys(pg.columns)) {
		lc, ok1 := lite.columns[table]
		pc, ok2 := pg.columns[table]
		switch {
		case !ok1:
			t.Errorf("table %s: only in PostgreSQL", table)
			continue
		case !ok2:
			t.Errorf("table %s: only in SQLite", table)
			continue
		}
		for _, col := range union(keys(lc), keys(pc)) {
			l, p := lc[col], pc[col]
			switch {
			case l == "":
				t.Errorf("column %s.%s: only in PostgreSQL (%s)", table, col, p)
			case p == "":
				t.Errorf("column %s.%s: only in SQLite (%s)", table, col, l)
			case l != p:
				t.Errorf("column %s.%s: %s in SQLite, %s in PostgreSQL", table, col, l, p)
			}
		}
		if lite.pkeys[table] != pg.pkeys[table] {
			t.Errorf("table %s: primary key (%s) in SQLite, (%s) in PostgreSQL", table, lite.pkeys[table], pg.pkeys[table])
		}
	}
	for _, ix := range union(keys(lite.indexes), keys(pg.indexes)) {
		l, p := lite.indexes[ix], pg.indexes[ix]
		switch {
		case l == "":
			t.Errorf("index %s: only in PostgreSQL (%s)", ix, p)
		case p == "":
			t.Errorf("index %s: only in SQLite (%s)", ix, l)
		case l != p:
			t.Errorf("index %s: %s in SQLite, %s in PostgreSQL", ix, l, p)
		}
	}
	if len(lite.columns) < 10 || len(lite.indexes) < 10 || len(pg.indexes) < 10 {
		t.Fatalf("found only %d tables and %d/%d indexes: a schema query is wrong", len(lite.columns), len(lite.indexes), len(pg.indexes))
	}
	t.Logf("compared %d tables and %d indexes", len(lite.columns), len(lite.indexes))
}

// column describes a column for comparison: its class, and whether it may be NULL.
func column(class string, notNull bool) string {
	if notNull {
		return class + " not null"
	}
	return class
}

// indexValue describes an index for comparison.
func indexValue(table string, cols []string, unique, partial bool) string {
	v := table + "(" + strings.Join(cols, ",") + ")"
	if unique {
		v += " unique"
	}
	if partial {
		v += " partial"
	}
	return v
}

func sqliteSchema(t *testing.T, ctx context.Context, db *sql.DB) schema {
	t.Helper()
	s := schema{columns: map[string]map[string]string{}, pkeys: map[string]string{}, indexes: map[string]string{}}
	tables := map[string]string{}
	rows, err := db.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			t.Fatal(err)
		}
		tables[name] = ddl
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for table, ddl := range tables {
		s.columns[table] = map[string]string{}
		var pk []struct {
			n   int
			col string
		}
		each(t, ctx, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, []any{table}, func(r *sql.Rows) error {
			var name, typ string
			var notNull bool
			var n int
			if err := r.Scan(&name, &typ, &notNull, &n); err != nil {
				return err
			}
			s.columns[table][name] = column(sqliteClass(table, name, typ, ddl), notNull || n > 0)
			if n > 0 {
				pk = append(pk, struct {
					n   int
					col string
				}{n, name})
			}
			return nil
		})
		sort.Slice(pk, func(i, j int) bool { return pk[i].n < pk[j].n })
		var pkCols []string
		for _, c := range pk {
			pkCols = append(pkCols, c.col)
		}
		s.pkeys[table] = strings.Join(pkCols, ",")

		type index struct {
			name, origin    string
			unique, partial bool
		}
		var idxs []index
		each(t, ctx, db, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, []any{table}, func(r *sql.Rows) error {
			var ix index
			if err := r.Scan(&ix.name, &ix.unique, &ix.origin, &ix.partial); err != nil {
				return err
			}
			idxs = append(idxs, ix)
			return nil
		})
		for _, ix := range idxs {
			if ix.origin == "pk" {
				continue // compared as the primary key
			}
			var cols []string
			each(t, ctx, db, `SELECT coalesce(name, '<expression>') FROM pragma_index_info(?) ORDER BY seqno`, []any{ix.name}, func(r *sql.Rows) error {
				var c string
				if err := r.Scan(&c); err != nil {
					return err
				}
				cols = append(cols, c)
				return nil
			})
			v := indexValue(table, cols, ix.unique, ix.partial)
			if ix.origin == "u" {
				s.indexes[table+"("+strings.Join(cols, ",")+")"] = v
			} else {
				s.indexes[ix.name] = v
			}
		}
	}
	return s
}

func sqliteClass(table, col, typ, ddl string) string {
	switch strings.ToUpper(typ) {
	case "INTEGER":
		bool01 := regexp.MustCompile(`(?i)CHECK\s*\(\s*` + regexp.QuoteMeta(col) + `\s+IN\s*\(\s*0\s*,\s*1\s*\)\s*\)`)
		if bool01.MatchString(ddl) {
			return classBool
		}
		return classInteger
	case "BLOB":
		return classBytes
	case "TEXT":
		name := table + "." + col
		if (strings.HasSuffix(col, "_at") && !sqliteTextAt[name]) || sqliteTimeColumns[name] {
			return classTime
		}
		return classText
	}
	return "unknown type " + typ
}

func postgresSchema(t *testing.T, ctx context.Context, db *sql.DB) schema {
	t.Helper()
	s := schema{columns: map[string]map[string]string{}, pkeys: map[string]string{}, indexes: map[string]string{}}
	each(t, ctx, db, `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO'
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`, nil, func(r *sql.Rows) error {
		var table, col, typ string
		var notNull bool
		if err := r.Scan(&table, &col, &typ, &notNull); err != nil {
			return err
		}
		if s.columns[table] == nil {
			s.columns[table] = map[string]string{}
		}
		s.columns[table][col] = column(postgresClass(typ), notNull)
		return nil
	})
	each(t, ctx, db, `SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary, ix.indpred IS NOT NULL,
			EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid AND k.contype = 'u'),
			array_to_string(ARRAY(
				SELECT coalesce(a.attname, '<expression>')
				FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
				LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
				ORDER BY k.ord), ',')
		FROM pg_index ix
		JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_class i ON i.oid = ix.indexrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema()`, nil, func(r *sql.Rows) error {
		var table, name, cols string
		var unique, primary, partial, constraint bool
		if err := r.Scan(&table, &name, &unique, &primary, &partial, &constraint, &cols); err != nil {
			return err
		}
		switch {
		case primary:
			s.pkeys[table] = cols
		case constraint:
			s.indexes[table+"("+cols+")"] = indexValue(table, strings.Split(cols, ","), unique, partial)
		default:
			s.indexes[name] = indexValue(table, strings.Split(cols, ","), unique, partial)
		}
		return nil
	})
	return s
}

func postgresClass(typ string) string {
	switch typ {
	case "text", "character varying":
		return classText
	case "integer", "bigint", "smallint":
		return classInteger
	case "bytea":
		return classBytes
	case "timestamp with time zone":
		return classTime
	case "boolean":
		return classBool
	}
	return "unknown type " + typ
}

// each runs a query and calls f for every row.
func each(t *testing.T, ctx context.Context, db *sql.DB, query string, args []any, f func(*sql.Rows) error) {
	t.Helper()
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", query, err))
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}
