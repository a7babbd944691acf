package service_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The analysis behind TestAuthzCoverage: the package type-checked, its
// call graph, and what each function reaches first.

type source struct{ name, text string }

// analysis is the type-checked package and, for each function declared in
// it, what its body does in source order.
type analysis struct {
	fset   *token.FileSet
	info   *types.Info
	pkg    *types.Package
	stores []*types.Named
	funcs  map[*types.Func]*fnode
	order  []*fnode // declaration order, for stable reports
	impls  map[*types.Func][]*types.Func

	reach map[*fnode]*why // how a function reaches the store, nil if it does not
	authz map[*fnode]bool // whether it reaches authorize
	first map[*fnode]*effect
}

type fnode struct {
	name  string // "Service.Login", "loadRel"
	obj   *types.Func
	decl  *ast.FuncDecl
	items []item
	txs   []*ast.FuncLit // closures this function passes to inTx
}

type itemKind int

const (
	callItem  itemKind = iota // a use of a function of this package
	storeItem                 // a use of the store
	authzItem                 // a call of authorize
)

type item struct {
	kind   itemKind
	pos    token.Pos
	callee *types.Func // callItem
	what   string      // storeItem: "tx.CreateNote"
	write  bool        // storeItem: changes the store
	field  bool        // storeItem: a read of a store-typed field (s.store)
}

// why is the first store use a function reaches: directly (what) or
// through a callee.
type why struct {
	what string
	pos  token.Pos
	via  *fnode
}

type effectKind int

const (
	noEffect effectKind = iota
	decides
	writes
)

// effect is the first decision or write a body comes to in source order.
type effect struct {
	kind effectKind
	path []string // the functions it goes through
	what string
	pos  token.Pos
}

var exports = sync.OnceValues(func() (map[string]string, error) {
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{if .Export}}{{.ImportPath}}={{.Export}}{{end}}", ".")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -export: %v: %s", err, stderr.String())
	}
	m := map[string]string{}
	for line := range strings.Lines(string(out)) {
		path, file, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok {
			m[path] = file
		}
	}
	return m, nil
})

func analyse(t *testing.T, files []source) *analysis {
	t.Helper()
	exp, err := exports()
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, f := range files {
		af, err := parser.ParseFile(fset, f.name, f.text, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, af)
	}
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exp[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	pkg, err := (&types.Config{Importer: imp}).Check(servicePkg, fset, parsed, info)
	if err != nil {
		t.Fatal(err)
	}
	a := &analysis{fset: fset, info: info, pkg: pkg, funcs: map[*types.Func]*fnode{}, impls: map[*types.Func][]*types.Func{}}
	for _, p := range pkg.Imports() {
		if p.Path() != rootPkg {
			continue
		}
		for _, name := range storeTypes {
			a.stores = append(a.stores, p.Scope().Lookup(name).Type().(*types.Named))
		}
	}
	if len(a.stores) == 0 {
		t.Fatalf("%s does not import %s", servicePkg, rootPkg)
	}
	a.findImpls()
	for _, af := range parsed {
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			n := &fnode{name: funcName(fd), obj: info.Defs[fd.Name].(*types.Func), decl: fd}
			n.items = a.walk(fd.Body, &n.txs)
			a.funcs[n.obj] = n
			a.order = append(a.order, n)
		}
	}
	a.summarise()
	return a
}

func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fd.Name.Name
		}
		return fd.Name.Name
	}
}

// findImpls maps each method of an interface declared in this package to
// the package's methods that implement it, so a call through the interface
// counts as a call of each.
func (a *analysis) findImpls() {
	scope := a.pkg.Scope()
	var named []*types.Named
	for _, name := range scope.Names() {
		if tn, ok := scope.Lookup(name).(*types.TypeName); ok {
			if n, ok := tn.Type().(*types.Named); ok {
				named = append(named, n)
			}
		}
	}
	for _, in := range named {
		iface, ok := in.Underlying().(*types.Interface)
		if !ok {
			continue
		}
		for _, t := range named {
			if types.IsInterface(t) {
				continue
			}
			var impl types.Type = t
			if !types.Implements(impl, iface) {
				if impl = types.NewPointer(t); !types.Implements(impl, iface) {
					continue
				}
			}
			for m := range iface.Methods() {
				obj, _, _ := types.LookupFieldOrMethod(impl, false, a.pkg, m.Name())
				if f, ok := obj.(*types.Func); ok && f.Pkg() == a.pkg {
					a.impls[m] = append(a.impls[m], f)
				}
			}
		}
	}
}

// isStore reports whether t is one of the store's interfaces, or an
// interface of the root package they implement.
func (a *analysis) isStore(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != rootPkg {
		return false
	}
	iface, ok := n.Underlying().(*types.Interface)
	if !ok || iface.NumMethods() == 0 {
		return false
	}
	for _, s := range a.stores {
		if types.Implements(s, iface) {
			return true
		}
	}
	return false
}

// isWrite reports whether a store method changes the store. Reads are
// named; anything else is a write, so a new kind of write is caught.
func isWrite(method string) bool {
	for _, read := range []string{"Find", "Count", "Lock"} {
		if strings.HasPrefix(method, read) {
			return false
		}
	}
	switch method {
	case "Now", "Commit", "Rollback", "BeginTx", "Ping", "Dialect", "Close":
		return false
	}
	return true
}

// isMethod reports whether f is the method name of the package's Service.
func (a *analysis) isMethod(f *types.Func, name string) bool {
	if f.Name() != name || f.Pkg() != a.pkg {
		return false
	}
	recv := f.Signature().Recv()
	if recv == nil {
		return false
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return ok && n.Obj().Name() == "Service"
}

// walk lists what body does, in source order. Closures are walked where
// they are written, so their calls count as the enclosing function's; a
// closure passed to inTx is also collected in txs.
func (a *analysis) walk(body ast.Node, txs *[]*ast.FuncLit) []item {
	var items []item
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if f := a.callee(n.Fun); f != nil && a.isMethod(f, "inTx") {
				for _, arg := range n.Args {
					if lit, ok := ast.Unparen(arg).(*ast.FuncLit); ok {
						*txs = append(*txs, lit)
					}
				}
			}
			if f := a.callee(n.Fun); f != nil && f.Pkg() == a.pkg {
				break
			}
			// A call into another package that is handed the store.
			for _, arg := range n.Args {
				if tv, ok := a.info.Types[arg]; ok && a.isStore(tv.Type) {
					items = append(items, item{kind: storeItem, pos: n.Pos(), what: types.ExprString(n.Fun) + "(…, " + types.ExprString(arg) + ", …)"})
					break
				}
			}
		case *ast.SelectorExpr:
			sel, ok := a.info.Selections[n]
			if !ok || !a.isStore(sel.Recv()) && !a.isStore(sel.Type()) {
				break
			}
			switch sel.Kind() {
			case types.MethodVal, types.MethodExpr:
				if a.isStore(sel.Recv()) {
					items = append(items, item{kind: storeItem, pos: n.Sel.Pos(), what: types.ExprString(n), write: isWrite(n.Sel.Name)})
					return false // o.tx in o.tx.FindX is the same use
				}
			case types.FieldVal:
				if a.isStore(sel.Type()) {
					items = append(items, item{kind: storeItem, pos: n.Sel.Pos(), what: types.ExprString(n), field: true})
				}
			}
		case *ast.Ident:
			f, ok := a.info.Uses[n].(*types.Func)
			if !ok || f.Pkg() != a.pkg {
				break
			}
			f = f.Origin()
			if a.isMethod(f, "authorize") {
				items = append(items, item{kind: authzItem, pos: n.Pos()})
			} else {
				items = append(items, item{kind: callItem, pos: n.Pos(), callee: f})
			}
		}
		return true
	})
	return items
}

// callee is the function a call expression names, if it names one.
func (a *analysis) callee(fun ast.Expr) *types.Func {
	switch x := ast.Unparen(fun).(type) {
	case *ast.Ident:
		f, _ := a.info.Uses[x].(*types.Func)
		return f
	case *ast.SelectorExpr:
		f, _ := a.info.Uses[x.Sel].(*types.Func)
		return f
	case *ast.IndexExpr:
		return a.callee(x.X)
	case *ast.IndexListExpr:
		return a.callee(x.X)
	}
	return nil
}

// targets are the declared functions a call item may run.
func (a *analysis) targets(f *types.Func) []*fnode {
	var out []*fnode
	if n := a.funcs[f]; n != nil {
		out = append(out, n)
	}
	for _, g := range a.impls[f] {
		if n := a.funcs[g]; n != nil {
			out = append(out, n)
		}
	}
	return out
}

// summarise computes, to a fixed point over the call graph, which
// functions reach the store and which reach authorize.
func (a *analysis) summarise() {
	a.reach = map[*fnode]*why{}
	a.authz = map[*fnode]bool{}
	a.first = map[*fnode]*effect{}
	for changed := true; changed; {
		changed = false
		for _, n := range a.order {
			if a.reach[n] == nil {
				if it, ok := bestStoreItem(n.items); ok {
					a.reach[n], changed = &why{what: it.what, pos: it.pos}, true
				}
			}
			for _, it := range n.items {
				switch it.kind {
				case authzItem:
					if !a.authz[n] {
						a.authz[n], changed = true, true
					}
				case callItem:
					for _, g := range a.targets(it.callee) {
						if a.reach[n] == nil && a.reach[g] != nil {
							a.reach[n], changed = &why{via: g, pos: it.pos}, true
						}
						if !a.authz[n] && a.authz[g] {
							a.authz[n], changed = true, true
						}
					}
				}
			}
		}
	}
}

// bestStoreItem is the store use that best names how a function reaches
// the store: its first write, else its first store method call, else its
// first read of a store field.
func bestStoreItem(items []item) (item, bool) {
	best, rank := item{}, -1
	for _, it := range items {
		if it.kind != storeItem {
			continue
		}
		r := 0
		switch {
		case it.write:
			r = 2
		case !it.field:
			r = 1
		}
		if r > rank {
			best, rank = it, r
		}
	}
	return best, rank >= 0
}

// firstOf is the first decision or write items come to in source order,
// following calls (a function on the current call stack counts as none).
func (a *analysis) firstOf(items []item, stack map[*fnode]bool) effect {
	for _, it := range items {
		switch it.kind {
		case authzItem:
			return effect{kind: decides}
		case storeItem:
			if it.write {
				return effect{kind: writes, what: it.what, pos: it.pos}
			}
		case callItem:
			var found effect
			for _, g := range a.targets(it.callee) {
				e := a.firstOfFunc(g, stack)
				if e.kind == writes || found.kind == noEffect {
					found = e
				}
			}
			if found.kind != noEffect {
				return found
			}
		}
	}
	return effect{}
}

func (a *analysis) firstOfFunc(n *fnode, stack map[*fnode]bool) effect {
	if e := a.first[n]; e != nil {
		return *e
	}
	if stack[n] {
		return effect{}
	}
	stack[n] = true
	e := a.firstOf(n.items, stack)
	delete(stack, n)
	if e.kind == writes {
		e.path = append([]string{display(n.name)}, e.path...)
	}
	a.first[n] = &e
	return e
}

// exported lists the package's exported functions and methods.
func (a *analysis) exported() []*fnode {
	var out []*fnode
	for _, n := range a.order {
		if !n.obj.Exported() {
			continue
		}
		if recv := n.obj.Signature().Recv(); recv != nil {
			t := recv.Type()
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if nt, ok := t.(*types.Named); ok && !nt.Obj().Exported() {
				continue
			}
		}
		out = append(out, n)
	}
	return out
}

// check reports every exported function that reaches the store without a
// decision or writes in a transaction before its decision, and every stale
// allowlist entry, sorted.
func (a *analysis) check(allow map[string]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range a.exported() {
		seen[n.name] = true
		_, allowed := allow[n.name]
		switch {
		case allowed && a.reach[n] == nil:
			out = append(out, n.name+": on the allowlist but does not reach the store; take it off")
		case allowed && a.authz[n]:
			out = append(out, n.name+": on the allowlist but reaches s.authorize; take it off")
		case allowed:
		case a.reach[n] != nil && !a.authz[n]:
			out = append(out, fmt.Sprintf("%s reaches the store (%s) without an authorisation decision (s.authorize)", n.name, a.chain(n)))
		}
		if allowed {
			continue
		}
		for _, m := range a.reachable(n) {
			for _, lit := range m.txs {
				var none []*ast.FuncLit
				e := a.firstOf(a.walk(lit.Body, &none), map[*fnode]bool{m: true})
				if e.kind == writes {
					what := strings.Join(append(e.path, e.what), " → ")
					out = append(out, fmt.Sprintf("%s: the transaction at %s writes to the store (%s, %s) before any authorisation decision",
						n.name, a.where(lit.Pos()), what, a.where(e.pos)))
				}
			}
		}
	}
	for name := range allow {
		if !seen[name] {
			out = append(out, name+": on the allowlist but not an exported function")
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// reachable lists n and every function it may call.
func (a *analysis) reachable(n *fnode) []*fnode {
	seen := map[*fnode]bool{n: true}
	out := []*fnode{n}
	for i := 0; i < len(out); i++ {
		for _, it := range out[i].items {
			if it.kind != callItem {
				continue
			}
			for _, g := range a.targets(it.callee) {
				if !seen[g] {
					seen[g] = true
					out = append(out, g)
				}
			}
		}
	}
	return out
}

// chain spells how n reaches the store: "s.inTx → s.store.BeginTx, call.go:23".
func (a *analysis) chain(n *fnode) string {
	var parts []string
	seen := map[*fnode]bool{}
	for w := a.reach[n]; w != nil && !seen[n]; w = a.reach[n] {
		seen[n] = true
		if w.via == nil {
			parts = append(parts, w.what)
			return strings.Join(parts, " → ") + ", " + a.where(w.pos)
		}
		parts = append(parts, display(w.via.name))
		n = w.via
	}
	return strings.Join(parts, " → ")
}

// display names a callee as the service's code calls it: s.inTx.
func display(name string) string {
	if m, ok := strings.CutPrefix(name, "Service."); ok {
		return "s." + m
	}
	return name
}

func (a *analysis) where(pos token.Pos) string {
	p := a.fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}
