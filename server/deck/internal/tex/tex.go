// Package tex converts TeX math to MathML on the server, so that a phone
// showing a slide with formulas downloads no math script and no math font:
// Chromium, Firefox and Safari all lay out MathML Core themselves.
//
// The converter is temml (https://temml.org, MIT licence, temml.LICENSE),
// vendored as temml.min.js and run in goja, a JavaScript engine written in
// Go, so podium stays one static binary with no Node.js beside it. temml's
// syntax is KaTeX's; its output is plain MathML.
//
// A goja runtime is not safe for concurrent use, and starting one (running
// temml's 170 KB of script) costs tens of milliseconds, so a [Converter]
// keeps a small pool of them, one per core, started lazily: a deck without
// math starts none. Results are cached by content, so reloading a deck
// converts only the formulas that changed. Every conversion is bounded in
// input size ([MaxInput]) and time ([Timeout]): a hostile deck cannot hang
// the loader.
package tex

import (
	"container/list"
	_ "embed"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
)

//go:embed temml.min.js
var temmlJS string

// MaxInput is the longest formula converted (in bytes). A slide's formula
// is a few hundred bytes; longer input is a mistake or an attack.
const MaxInput = 16 << 10

// Timeout bounds one conversion. temml converts a formula in one to a few
// milliseconds; a formula that runs this long is a macro bomb (temml's
// own maxExpand limit catches most of those first). The margin is wide
// because a loaded machine under the race detector is 100 times slower.
const Timeout = 10 * time.Second

// maxCacheBytes bounds the cache by the size of what it holds (formulas
// and their MathML). A large talk's math is well under 1 MiB.
const maxCacheBytes = 16 << 20

// Error is a formula temml cannot convert.
type Error struct {
	// Pos is the byte offset in the formula where the problem is, or -1
	// when temml does not say.
	Pos     int
	Msg     string
	timeout bool
}

func (e *Error) Error() string { return e.Msg }

// Is makes errors.Is(err, errTimeout) true for a time-out.
func (e *Error) Is(target error) bool { return target == errTimeout && e.timeout }

// errTimeout matches an *Error that is a time-out.
var errTimeout = errors.New("tex: time-out")

// Converter converts TeX to MathML. It is safe for concurrent use.
type Converter struct {
	prog     *goja.Program                 // compiled once, run in every runtime
	compile  func() (*goja.Program, error) // nil: compiled; tests compile afresh
	timeout  time.Duration                 // Timeout; shorter in tests
	maxBytes int                           // maxCacheBytes; smaller in tests

	mu    sync.Mutex
	idle  []*vm // runtimes not in use
	made  int   // runtimes alive (idle or in use)
	max   int   // most runtimes alive at once
	freed *sync.Cond

	cmu   sync.Mutex
	cache map[key]*list.Element // of *entry
	lru   list.List             // front: most recently used
	bytes int                   // size of cached keys and values
}

type key struct {
	tex     string
	display bool
}

type entry struct {
	key
	mathml string
	err    error
}

// vm is one goja runtime with temml loaded.
type vm struct {
	rt              *goja.Runtime
	render          goja.Callable
	inline, display goja.Value // temml's options
}

// New returns a Converter that runs up to one runtime per core.
func New() *Converter {
	c := &Converter{
		timeout:  Timeout,
		maxBytes: maxCacheBytes,
		max:      max(1, runtime.GOMAXPROCS(0)),
		cache:    map[key]*list.Element{},
	}
	c.freed = sync.NewCond(&c.mu)
	return c
}

// Convert returns the MathML for tex: a <math> element, display="block"
// when display is set. An *Error says why tex is not valid.
func (c *Converter) Convert(tex string, display bool) (string, error) {
	k := key{tex, display}
	if e, ok := c.cached(k); ok {
		return e.mathml, e.err
	}
	var mathml string
	var err error
	if len(tex) > MaxInput {
		err = &Error{Pos: -1, Msg: fmt.Sprintf("formula too long: %d bytes (limit %d)", len(tex), MaxInput)}
	} else {
		mathml, err = c.convert(tex, display)
	}
	if !errors.Is(err, errTimeout) {
		// A time-out may be the machine's fault, not the formula's: it
		// is tried again next time.
		c.store(&entry{key: k, mathml: mathml, err: err})
	}
	return mathml, err
}

func (c *Converter) cached(k key) (*entry, bool) {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	el, ok := c.cache[k]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return el.Value.(*entry), true
}

func (c *Converter) store(e *entry) {
	size := len(e.tex) + len(e.mathml) + 64
	c.cmu.Lock()
	defer c.cmu.Unlock()
	if _, ok := c.cache[e.key]; ok || size > c.maxBytes/4 {
		return
	}
	c.cache[e.key] = c.lru.PushFront(e)
	c.bytes += size
	for c.bytes > c.maxBytes {
		old := c.lru.Remove(c.lru.Back()).(*entry)
		delete(c.cache, old.key)
		c.bytes -= len(old.tex) + len(old.mathml) + 64
	}
}

// convert runs temml in a runtime from the pool.
func (c *Converter) convert(tex string, display bool) (string, error) {
	v, err := c.get()
	if err != nil {
		return "", err
	}
	opts := v.inline
	if display {
		opts = v.display
	}
	timer := time.AfterFunc(c.timeout, func() { v.rt.Interrupt("timeout") })
	res, err := v.render(goja.Undefined(), v.rt.ToValue(tex), opts)
	stopped := timer.Stop()
	if !stopped {
		// The interrupt may have landed after temml returned, or left
		// the runtime in the middle of anything: start afresh.
		c.put(nil)
		return "", &Error{Pos: -1, Msg: fmt.Sprintf("formula takes too long to convert (over %v)", c.timeout), timeout: true}
	}
	c.put(v)
	if err != nil {
		return "", jsError(err)
	}
	return res.String(), nil
}

// jsError turns a JavaScript exception (temml's ParseError, or a bug
// anywhere in temml) into an *Error.
func jsError(err error) error {
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return &Error{Pos: -1, Msg: err.Error()}
	}
	e := &Error{Pos: -1, Msg: ex.Error()}
	if o, ok := ex.Value().(*goja.Object); ok {
		if m := o.Get("message"); m != nil && !goja.IsUndefined(m) {
			e.Msg = m.String()
		}
		if p := o.Get("position"); p != nil && !goja.IsUndefined(p) && !goja.IsNull(p) {
			e.Pos = int(p.ToInteger())
		}
	}
	e.Msg = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(e.Msg), "ParseError:"))
	// temml underlines the bad part with U+0332 combining marks, which
	// a terminal shows poorly; the position says where it is.
	e.Msg = strings.ReplaceAll(e.Msg, "\u0332", "")
	e.Msg = strings.Join(strings.Fields(e.Msg), " ")
	return e
}

// get takes an idle runtime, or starts one when fewer than c.max are
// alive, or waits for one to be put back.
func (c *Converter) get() (*vm, error) {
	c.mu.Lock()
	for len(c.idle) == 0 && c.made >= c.max {
		c.freed.Wait()
	}
	if n := len(c.idle); n > 0 {
		v := c.idle[n-1]
		c.idle = c.idle[:n-1]
		c.mu.Unlock()
		return v, nil
	}
	c.made++
	prog := c.prog
	c.mu.Unlock()
	if prog == nil {
		var err error
		if prog, err = c.program(); err != nil {
			c.put(nil)
			return nil, err
		}
	}
	v, err := start(prog)
	if err != nil {
		c.put(nil)
		return nil, err
	}
	return v, nil
}

// program is temml compiled: once per process (compiled), which every
// Converter's runtimes share, as one Converter's runtimes always did (a
// goja Program is immutable). A second engine in one process (a server
// test, a deck folder replaced) then starts its runtimes without
// compiling 170 KB of script again.
func (c *Converter) program() (*goja.Program, error) {
	compile := c.compile
	if compile == nil {
		compile = compiled
	}
	p, err := compile()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.prog = p
	c.mu.Unlock()
	return p, nil
}

// compiled is temml compiled, the first time it is asked for: a value
// computed once, never changed.
var compiled = sync.OnceValues(compileTemml)

func compileTemml() (*goja.Program, error) {
	p, err := goja.Compile("temml.min.js", temmlJS+"\n;temml", true)
	if err != nil {
		return nil, fmt.Errorf("tex: compiling temml: %w", err)
	}
	return p, nil
}

// put returns v to the pool; nil says a runtime was dropped.
func (c *Converter) put(v *vm) {
	c.mu.Lock()
	if v != nil {
		c.idle = append(c.idle, v)
	} else {
		c.made--
	}
	c.mu.Unlock()
	c.freed.Signal()
}

func start(prog *goja.Program) (*vm, error) {
	rt := goja.New()
	t, err := rt.RunProgram(prog)
	if err != nil {
		return nil, fmt.Errorf("tex: starting temml: %w", err)
	}
	obj, ok := t.(*goja.Object)
	if !ok {
		return nil, errors.New("tex: temml did not load")
	}
	render, ok := goja.AssertFunction(obj.Get("renderToString"))
	if !ok {
		return nil, errors.New("tex: temml has no renderToString")
	}
	opts := func(display bool) goja.Value {
		o := rt.NewObject()
		for k, v := range map[string]any{
			"displayMode":  display,
			"throwOnError": true,
			"trust":        false,
			"strict":       false,
			"maxExpand":    1000,
			"maxSize":      rt.NewArray(50, 50), // em, as KaTeX's maxSize
		} {
			_ = o.Set(k, v)
		}
		return o
	}
	return &vm{rt: rt, render: render, inline: opts(false), display: opts(true)}, nil
}
