package nn

// Graph gather and segment-reduction ops (the jraph primitives the
// reference's HGCN aggregation uses), as custom Gorgonia ops.
//
// The edge index arrays are deliberately not graph nodes: every op holds a
// pointer to an *Edges whose contents the trainer overwrites before each
// step, so one compiled graph (and tape machine) serves every batch. The
// capacity len(Src) is fixed when the graph is built; entries at or beyond
// Count are padding and are never read.

import (
	"fmt"
	"hash"
	"hash/fnv"
	"runtime"
	"sync"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Edges is a directed edge list s → r (Src[e] sends to Dst[e]) over N nodes.
// Only the first Count entries are live; the rest, up to the fixed capacity
// len(Src) = len(Dst), are padding (the reference's −1 ids) and are ignored.
type Edges struct {
	Src, Dst []int32
	N        int // number of nodes (rows of node tensors)
	Count    int // live edges
}

// NewEdges allocates an empty edge list with room for capacity edges over n
// nodes. Graphs built on it have E = capacity message rows.
func NewEdges(n, capacity int) *Edges {
	return &Edges{Src: make([]int32, capacity), Dst: make([]int32, capacity), N: n}
}

// Cap is the fixed number of edge slots, i.e. the row count of message tensors.
func (e *Edges) Cap() int { return len(e.Src) }

// Set copies a new live edge list in place (the pointer held by the compiled
// graph stays valid) and zeroes the padding. It fails without changing e if
// the lists differ in length, exceed the capacity or hold an id outside [0, N).
func (e *Edges) Set(src, dst []int32) error {
	if len(src) != len(dst) {
		return fmt.Errorf("edges: %d sources but %d receivers", len(src), len(dst))
	}
	if len(src) > e.Cap() {
		return fmt.Errorf("edges: %d edges exceed the capacity %d", len(src), e.Cap())
	}
	if err := checkIDs(src, e.N); err != nil {
		return err
	}
	if err := checkIDs(dst, e.N); err != nil {
		return err
	}
	copy(e.Src, src)
	copy(e.Dst, dst)
	clear(e.Src[len(src):])
	clear(e.Dst[len(dst):])
	e.Count = len(src)
	return nil
}

// checkIDs reports the first id outside [0, n).
func checkIDs(ids []int32, n int) error {
	for i, v := range ids {
		if v < 0 || int(v) >= n {
			return fmt.Errorf("edges: id %d at %d outside [0, %d)", v, i, n)
		}
	}
	return nil
}

// validate checks the live part before an op reads it: a bad id written
// directly into Src/Dst must give an error, not an out-of-range panic.
func (e *Edges) validate() error {
	if len(e.Src) != len(e.Dst) {
		return fmt.Errorf("edges: len(Src) %d ≠ len(Dst) %d", len(e.Src), len(e.Dst))
	}
	if e.Count < 0 || e.Count > len(e.Src) {
		return fmt.Errorf("edges: Count %d outside [0, %d]", e.Count, len(e.Src))
	}
	if err := checkIDs(e.Src[:e.Count], e.N); err != nil {
		return err
	}
	return checkIDs(e.Dst[:e.Count], e.N)
}

// Side selects which end of each edge an op indexes by.
type Side int

const (
	// BySrc indexes by the sender s.
	BySrc Side = iota
	// ByDst indexes by the receiver r (the segment ids of the reductions).
	ByDst
)

// String names the side ("src" or "dst").
func (s Side) String() string {
	if s == BySrc {
		return "src"
	}
	return "dst"
}

// ids is the index array of side s.
func (e *Edges) ids(s Side) []int32 {
	if s == BySrc {
		return e.Src
	}
	return e.Dst
}

// Gather maps x (N, d) to (E, d) with row e = x[idx[e]], idx the Src or Dst
// ids; padding rows are 0. Its gradient is a scatter-add.
func Gather(x *G.Node, e *Edges, s Side) *G.Node { return apply(segGather, e, s, x) }

// SegmentSum maps messages m (E, d) to (N, d): the sum over each receiver's
// live incoming edges (0 for a node without any).
func SegmentSum(m *G.Node, e *Edges) *G.Node { return apply(segSum, e, ByDst, m) }

// SegmentMean is SegmentSum divided by the in-degree (0 for in-degree 0).
func SegmentMean(m *G.Node, e *Edges) *G.Node { return apply(segMean, e, ByDst, m) }

// SegmentVar is the population variance of each receiver's incoming
// messages, per feature (0 for in-degree 0).
func SegmentVar(m *G.Node, e *Edges) *G.Node { return apply(segVar, e, ByDst, m) }

// SegmentMax is the per-feature maximum over each receiver's incoming
// messages. An empty segment gives 0, not jraph's −inf, which would turn the
// whole step NaN (Q3). The gradient goes to the first arg-max in edge order.
func SegmentMax(m *G.Node, e *Edges) *G.Node { return apply(segMax, e, ByDst, m) }

// apply builds one segOp node, panicking on a shape error as the package's
// constructors do.
func apply(k segKind, e *Edges, s Side, in ...*G.Node) *G.Node {
	return G.Must(G.ApplyOp(&segOp{kind: k, side: s, e: e}, in...))
}

// segKind enumerates the forward ops and the backward ops of var and max.
type segKind int

const (
	segGather     segKind = iota // (N,d) → (E,d): x[idx[e]]
	segSum                       // (E,d) → (N,d): scatter-add
	segMean                      // (E,d) → (N,d): scatter-add / degree
	segGatherMean                // (N,d) → (E,d): g[idx[e]] / degree; adjoint of segMean
	segVar                       // (E,d) → (N,d)
	segVarGrad                   // m, g → (E,d)
	segMax                       // (E,d) → (N,d)
	segMaxGrad                   // m, out, g → (E,d)
)

var segNames = [...]string{"Gather", "SegmentSum", "SegmentMean", "GatherMean", "SegmentVar", "SegmentVarGrad", "SegmentMax", "SegmentMaxGrad"}

// segOp implements every op above; kind selects the kernel.
type segOp struct {
	kind segKind
	side Side
	e    *Edges
}

var (
	_ G.SDOp            = (*segOp)(nil)
	_ G.UsePreallocDoer = (*segOp)(nil)
)

// Arity is the number of node inputs (edges are not nodes).
func (op *segOp) Arity() int {
	switch op.kind {
	case segVarGrad:
		return 2
	case segMaxGrad:
		return 3
	}
	return 1
}

// Type: every input and the output are tensors of one float dtype.
func (op *segOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, op.Arity()+1)
	for i := range ts {
		ts[i] = a
	}
	return hm.NewFnType(ts...)
}

// outRows is E for edge-shaped outputs, N for node-shaped ones.
func (op *segOp) outRows() int {
	switch op.kind {
	case segSum, segMean, segVar, segMax:
		return op.e.N
	}
	return op.e.Cap()
}

// inRows is the row count of the first input.
func (op *segOp) inRows() int {
	if op.kind == segGather || op.kind == segGatherMean {
		return op.e.N
	}
	return op.e.Cap()
}

// InferShape checks that the inputs are (rows, d) matrices of the expected
// row counts and returns (outRows, d).
func (op *segOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != op.Arity() {
		return nil, fmt.Errorf("%v: %d inputs, want %d", op, len(in), op.Arity())
	}
	s0, ok := in[0].(tensor.Shape)
	if !ok || len(s0) != 2 {
		return nil, fmt.Errorf("%v: input must be a matrix, got %v", op, in[0])
	}
	if s0[0] != op.inRows() {
		return nil, fmt.Errorf("%v: input has %d rows, want %d", op, s0[0], op.inRows())
	}
	if op.kind == segVarGrad || op.kind == segMaxGrad {
		g, ok := in[len(in)-1].(tensor.Shape)
		if !ok || len(g) != 2 || g[0] != op.e.N || g[1] != s0[1] {
			return nil, fmt.Errorf("%v: gradient shape %v, want (%d, %d)", op, in[len(in)-1], op.e.N, s0[1])
		}
	}
	return tensor.Shape{op.outRows(), s0[1]}, nil
}

// ReturnsPtr is false: the output is a fresh or preallocated tensor.
func (op *segOp) ReturnsPtr() bool { return false }

// CallsExtern is false: pure Go kernels.
func (op *segOp) CallsExtern() bool { return false }

// OverwritesInput is −1: inputs are never written.
func (op *segOp) OverwritesInput() int { return -1 }

// WriteHash includes the Edges pointer, so ops over different edge lists
// never hash alike.
func (op *segOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v@%p", op, op.e) }

// Hashcode is the FNV hash of WriteHash.
func (op *segOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// String names the op and its side, e.g. "Gather{src}".
func (op *segOp) String() string { return fmt.Sprintf("%s{%v}", segNames[op.kind], op.side) }

// DiffWRT: the forward ops are differentiable in their one input; the
// backward ops of var and max are not (no second derivatives needed).
func (op *segOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	if op.kind != segVarGrad && op.kind != segMaxGrad && n == 1 {
		d[0] = true
	}
	return d
}

// SymDiff wires each op's adjoint: gather ↔ scatter-add, mean ↔ scaled
// gather, var and max → dedicated backward ops.
func (op *segOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	var k segKind
	args := G.Nodes{grad}
	switch op.kind {
	case segGather:
		k = segSum
	case segSum:
		k = segGather
	case segMean:
		k = segGatherMean
	case segGatherMean:
		k = segMean
	case segVar:
		k, args = segVarGrad, G.Nodes{in[0], grad}
	case segMax:
		k, args = segMaxGrad, G.Nodes{in[0], out, grad}
	default:
		return nil, fmt.Errorf("%v is not differentiable", op)
	}
	n, err := G.ApplyOp(&segOp{kind: k, side: op.side, e: op.e}, args...)
	return G.Nodes{n}, err
}

// Do runs the op into a fresh output tensor.
func (op *segOp) Do(vals ...G.Value) (G.Value, error) {
	dt, d, err := op.check(vals)
	if err != nil {
		return nil, err
	}
	out := tensor.New(tensor.Of(dt), tensor.WithShape(op.outRows(), d))
	return out, op.run(out, vals)
}

// UsePreallocDo writes into the tape machine's register when it has the
// right dtype and shape and shares no memory with an input; otherwise it
// errors and the machine falls back to Do.
func (op *segOp) UsePreallocDo(p G.Value, vals ...G.Value) (G.Value, error) {
	dt, d, err := op.check(vals)
	if err != nil {
		return nil, err
	}
	out, ok := p.(*tensor.Dense)
	if !ok || out.Dtype() != dt || !out.Shape().Eq(tensor.Shape{op.outRows(), d}) || out.RequiresIterator() {
		return nil, fmt.Errorf("%v: unusable preallocated value", op)
	}
	for _, v := range vals {
		if overlaps(out, v) {
			return nil, fmt.Errorf("%v: preallocated value aliases an input", op)
		}
	}
	return out, op.run(out, vals)
}

// overlaps reports whether two values' memory ranges intersect.
func overlaps(a, b G.Value) bool {
	a0, b0 := a.Uintptr(), b.Uintptr()
	return a0 < b0+b.MemSize() && b0 < a0+a.MemSize()
}

// check validates the edges and the inputs' dtypes, returning the dtype and
// the feature width d.
func (op *segOp) check(vals []G.Value) (tensor.Dtype, int, error) {
	if len(vals) != op.Arity() {
		return tensor.Dtype{}, 0, fmt.Errorf("%v: %d inputs, want %d", op, len(vals), op.Arity())
	}
	if err := op.e.validate(); err != nil {
		return tensor.Dtype{}, 0, fmt.Errorf("%v: %w", op, err)
	}
	dt := vals[0].Dtype()
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return dt, 0, fmt.Errorf("%v: dtype %v, want float32 or float64", op, dt)
	}
	for _, v := range vals {
		if v.Dtype() != dt || len(v.Shape()) != 2 {
			return dt, 0, fmt.Errorf("%v: inputs must be %v matrices", op, dt)
		}
	}
	return dt, vals[0].Shape()[1], nil
}

// run dispatches on the dtype.
func (op *segOp) run(out *tensor.Dense, vals []G.Value) error {
	if out.Dtype() == tensor.Float32 {
		return runKernel[float32](op, out, vals)
	}
	return runKernel[float64](op, out, vals)
}

// float is the element types the kernels support.
type float interface{ ~float32 | ~float64 }

// segArgs is one kernel invocation: live ids, in-degrees and flat inputs.
type segArgs[T float] struct {
	ids    []int32 // live ids only (len = Count)
	deg    []int32 // in-degree per node over ids (nil if unused)
	in     [][]T
	out    []T
	d, cap int
}

// runKernel unpacks the inputs and runs the kernel, split by feature columns
// across the CPUs when the work is large: columns never conflict, even when
// many edges scatter into one row.
func runKernel[T float](op *segOp, out *tensor.Dense, vals []G.Value) error {
	a := segArgs[T]{ids: op.e.ids(op.side)[:op.e.Count], out: out.Data().([]T), d: out.Shape()[1], cap: op.e.Cap()}
	for _, v := range vals {
		s, err := flat[T](v)
		if err != nil {
			return fmt.Errorf("%v: %w", op, err)
		}
		a.in = append(a.in, s)
	}
	if op.kind != segGather && op.kind != segSum {
		a.deg = degrees(a.ids, op.e.N)
	}
	k := kernels[T](op.kind)
	columns(a.d, len(a.ids)+a.cap+op.e.N, func(f0, f1 int) { k(&a, f0, f1) })
	return nil
}

// flat returns a value's elements in row-major order.
func flat[T float](v G.Value) ([]T, error) {
	if t, ok := v.(*tensor.Dense); ok && t.RequiresIterator() {
		v = t.Materialize().(*tensor.Dense)
	}
	s, ok := v.Data().([]T)
	if !ok {
		return nil, fmt.Errorf("unexpected data %T", v.Data())
	}
	return s[:v.Shape().TotalSize()], nil
}

// degrees counts each node's occurrences in ids.
func degrees(ids []int32, n int) []int32 {
	c := make([]int32, n)
	for _, i := range ids {
		c[i]++
	}
	return c
}

// columns runs work over [0, d) in one piece, or in one slice of columns per
// CPU when rows·d is large enough to repay the goroutines.
func columns(d, rows int, work func(f0, f1 int)) {
	p := min(runtime.GOMAXPROCS(0), d)
	if p <= 1 || rows*d < 1<<16 {
		work(0, d)
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < p; i++ {
		wg.Add(1)
		go func(f0, f1 int) {
			defer wg.Done()
			work(f0, f1)
		}(i*d/p, (i+1)*d/p)
	}
	wg.Wait()
}

// kernels returns the column-range kernel of a kind.
func kernels[T float](k segKind) func(a *segArgs[T], f0, f1 int) {
	switch k {
	case segGather:
		return gatherK[T]
	case segSum:
		return sumK[T]
	case segMean:
		return meanK[T]
	case segGatherMean:
		return gatherMeanK[T]
	case segVar:
		return varK[T]
	case segVarGrad:
		return varGradK[T]
	case segMax:
		return maxK[T]
	default:
		return maxGradK[T]
	}
}

// zeroCols clears columns [f0, f1) of every row of a flat (rows, d) matrix:
// outputs may be a reused register, and padding rows must read 0.
func zeroCols[T float](x []T, d, f0, f1 int) {
	for r := 0; r+d <= len(x); r += d {
		clear(x[r+f0 : r+f1])
	}
}

func gatherK[T float](a *segArgs[T], f0, f1 int) {
	x, d := a.in[0], a.d
	for e, i := range a.ids {
		copy(a.out[e*d+f0:e*d+f1], x[int(i)*d+f0:int(i)*d+f1])
	}
	zeroCols(a.out[len(a.ids)*d:], d, f0, f1)
}

func sumK[T float](a *segArgs[T], f0, f1 int) {
	m, d := a.in[0], a.d
	zeroCols(a.out, d, f0, f1)
	for e, i := range a.ids {
		o := a.out[int(i)*d+f0 : int(i)*d+f1]
		r := m[e*d+f0 : e*d+f0+len(o)] // same length: no bounds checks below
		for f, v := range r {
			o[f] += v
		}
	}
}

// scaleRows multiplies row n by 1/deg[n] (rows of degree 0 are already 0).
func scaleRows[T float](out []T, deg []int32, d, f0, f1 int) {
	for n, c := range deg {
		if c > 1 {
			s := 1 / T(c)
			for f := f0; f < f1; f++ {
				out[n*d+f] *= s
			}
		}
	}
}

func meanK[T float](a *segArgs[T], f0, f1 int) {
	sumK(a, f0, f1)
	scaleRows(a.out, a.deg, a.d, f0, f1)
}

func gatherMeanK[T float](a *segArgs[T], f0, f1 int) {
	g, d := a.in[0], a.d
	for e, i := range a.ids {
		s := 1 / T(a.deg[i])
		for f := f0; f < f1; f++ {
			a.out[e*d+f] = s * g[int(i)*d+f]
		}
	}
	zeroCols(a.out[len(a.ids)*d:], d, f0, f1)
}

// segMeans is the per-node mean of columns [f0, f1) of m, as a full (N, d)
// matrix with the other columns 0.
func segMeans[T float](a *segArgs[T], m []T, f0, f1 int) []T {
	mu := make([]T, len(a.deg)*a.d)
	b := segArgs[T]{ids: a.ids, deg: a.deg, in: [][]T{m}, out: mu, d: a.d}
	meanK(&b, f0, f1)
	return mu
}

// varK is Σ(m − μ)²/deg, two-pass rather than E[m²] − μ², which cancels badly
// in float32 and can go negative.
func varK[T float](a *segArgs[T], f0, f1 int) {
	m, d := a.in[0], a.d
	mu := segMeans(a, m, f0, f1)
	zeroCols(a.out, d, f0, f1)
	for e, i := range a.ids {
		o, r, u := a.out[int(i)*d:], m[e*d:], mu[int(i)*d:]
		for f := f0; f < f1; f++ {
			c := r[f] - u[f]
			o[f] += c * c
		}
	}
	scaleRows(a.out, a.deg, d, f0, f1)
}

// varGradK is ∂var/∂m_e = 2(m_e − μ_r)/deg_r · g_r; the path through μ
// vanishes because the deviations sum to 0.
func varGradK[T float](a *segArgs[T], f0, f1 int) {
	m, g, d := a.in[0], a.in[1], a.d
	mu := segMeans(a, m, f0, f1)
	for e, i := range a.ids {
		s := 2 / T(a.deg[i])
		o, r, u, gr := a.out[e*d:], m[e*d:], mu[int(i)*d:], g[int(i)*d:]
		for f := f0; f < f1; f++ {
			o[f] = s * (r[f] - u[f]) * gr[f]
		}
	}
	zeroCols(a.out[len(a.ids)*d:], d, f0, f1)
}

// maxK starts each node's row at its first incoming message, so an empty
// segment keeps 0 instead of −inf.
func maxK[T float](a *segArgs[T], f0, f1 int) {
	m, d := a.in[0], a.d
	zeroCols(a.out, d, f0, f1)
	seen := make([]bool, len(a.deg))
	for e, i := range a.ids {
		o, r := a.out[int(i)*d:], m[e*d:]
		if !seen[i] {
			seen[i] = true
			copy(o[f0:f1], r[f0:f1])
			continue
		}
		for f := f0; f < f1; f++ {
			if r[f] > o[f] {
				o[f] = r[f]
			}
		}
	}
}

// maxGradK routes g to the first edge (in edge order) whose message equals
// the forward maximum, per receiver and feature.
func maxGradK[T float](a *segArgs[T], f0, f1 int) {
	m, y, g, d := a.in[0], a.in[1], a.in[2], a.d
	taken := make([]bool, len(y))
	for e, i := range a.ids {
		o, r := a.out[e*d:], m[e*d:]
		base := int(i) * d
		for f := f0; f < f1; f++ {
			o[f] = 0
			if !taken[base+f] && r[f] == y[base+f] {
				taken[base+f] = true
				o[f] = g[base+f]
			}
		}
	}
	zeroCols(a.out[len(a.ids)*d:], d, f0, f1)
}
