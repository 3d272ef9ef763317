package nn

// The tanh-approximate GELU and its first three derivatives as one fused,
// elementwise custom Gorgonia op.
//
// With c = √(2/π), a = 0.044715,
//
//	u = c(x + a x³),  u′ = c(1 + 3a x²),  u″ = 6ac x,  u‴ = 6ac,
//	t = tanh u,  s = sech² u = 1 − t²,
//
// the function and its derivatives are
//
//	g   = ½x(1 + t)
//	g′  = ½(1 + t) + ½x s u′
//	g″  = s [u′ + ½x(u″ − 2t u′²)]
//	g‴  = s [³⁄₂(u″ − 2t u′²) + ½x(u‴ − 6t u′u″ + (6t² − 2)u′³)].
//
// They are evaluated without cancellation through the logistic form
// ½(1 + t) = p = σ(2u), ½(1 − t) = q = σ(−2u), s = 4pq, with E = exp(−2u),
// p = 1/(1 + E), q = E p (both accurate to a few ulp for any u, no branch):
//
//	g = x p,  g′ = p(1 + 2x q u′),  g″ = 4pq [u′ + ½x u″ − x t u′²],  …
//
// so gelu(x) keeps full relative accuracy deep in the negative tail, where
// ½x(1 + tanh u) cancels to 0, and every order is finite for any finite x:
// beyond |x| > geluTail = 21 the exp(−2|u|) terms are below 1e-296 and the
// limits (g = x or −0, g′ = 1 or 0, g″ = g‴ = 0) are returned directly,
// which keeps E finite and avoids 0·∞ once x³ overflows. All arithmetic is
// float64; float32 tensors are widened per element and the result rounded
// once, which keeps float32 outputs within ½ ulp (+ float64 rounding) of the
// exact function. Computing in float32 instead was measured no faster
// (≈10 ns/value either way, the exp dominates) and off by up to ~260 ulp in
// the negative tail, where the rounding of u is magnified by 2|u|.

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math"

	"github.com/chewxy/hm"
	"github.com/roma-go/roma/stages/par"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

const (
	geluC = 0.7978845608028654 // √(2/π)
	geluA = 0.044715
	// geluTail bounds the general formulas: at |x| = 21, 2|u| ≈ 694, so
	// exp(±2u) is finite below it, and beyond it the terms in exp(−2|u|)
	// are below 1e-296 and the limits are returned.
	geluTail = 21
	// GELUMaxOrder is the highest derivative order GELUDeriv provides.
	GELUMaxOrder = 3
	// geluParallel is the size from which a tensor is split into blocks of
	// geluBlock values run on all cores.
	geluParallel = 1 << 15
	geluBlock    = 1 << 13
)

// GELUDeriv is the order-k derivative of the tanh-approximate GELU applied
// elementwise to x (k = 0 is gelu itself, as Builder.GELU), for
// k = 0..GELUMaxOrder. It is differentiable: the gradient of order k is
// order k+1 times the incoming gradient, so orders up to 2 can be
// differentiated (order 3 reports an error from gorgonia.Grad). It panics
// on an order outside that range and, as the package's constructors do, on
// a graph construction error; a non-float value fails when the graph runs.
func GELUDeriv(x *G.Node, k int) *G.Node {
	if k < 0 || k > GELUMaxOrder {
		panic(fmt.Sprintf("GELUDeriv: order %d outside [0, %d]", k, GELUMaxOrder))
	}
	return G.Must(G.ApplyOp(geluOp{order: k}, x))
}

// geluOp computes the order-th derivative of gelu elementwise.
type geluOp struct{ order int }

var (
	_ G.SDOp            = geluOp{}
	_ G.UsePreallocDoer = geluOp{}
)

// Arity is 1.
func (op geluOp) Arity() int { return 1 }

// Type is a → a: scalars and tensors of a float dtype.
func (op geluOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

// InferShape is the input's shape.
func (op geluOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != 1 || in[0] == nil {
		return nil, fmt.Errorf("%v: want one input shape, got %v", op, in)
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%v: unexpected shape %v", op, in[0])
	}
	return s.Clone(), nil
}

// ReturnsPtr is false: the output is a fresh or preallocated value.
func (op geluOp) ReturnsPtr() bool { return false }

// CallsExtern is false: a pure Go kernel.
func (op geluOp) CallsExtern() bool { return false }

// OverwritesInput is −1: the input is never written.
func (op geluOp) OverwritesInput() int { return -1 }

// WriteHash writes the op's name, which includes the order.
func (op geluOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }

// Hashcode is the FNV hash of WriteHash.
func (op geluOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// String is "GELU" or "GELU^(k)".
func (op geluOp) String() string {
	if op.order == 0 {
		return "GELU"
	}
	return fmt.Sprintf("GELU^(%d)", op.order)
}

// DiffWRT: every order claims to be differentiable, so that asking for the
// derivative of the highest order fails loudly in SymDiff instead of being
// treated as a constant.
func (op geluOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	if n == 1 {
		d[0] = true
	}
	return d
}

// SymDiff is d/dx g⁽ᵏ⁾(x) ⊙ grad = g⁽ᵏ⁺¹⁾(x) ⊙ grad.
func (op geluOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("%v: %d inputs, want 1", op, len(in))
	}
	if op.order >= GELUMaxOrder {
		return nil, fmt.Errorf("%v: derivatives of gelu beyond order %d are not supported", op, GELUMaxOrder)
	}
	d, err := G.ApplyOp(geluOp{order: op.order + 1}, in[0])
	if err != nil {
		return nil, err
	}
	g, err := G.HadamardProd(d, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{g}, nil
}

// Do computes into a fresh value.
func (op geluOp) Do(vals ...G.Value) (G.Value, error) {
	if err := op.check(vals); err != nil {
		return nil, err
	}
	switch x := vals[0].(type) {
	case *G.F64:
		return G.NewF64(geluAt(op.order, float64(*x))), nil
	case *G.F32:
		return G.NewF32(float32(geluAt(op.order, float64(*x)))), nil
	case *tensor.Dense:
		out := tensor.New(tensor.Of(x.Dtype()), tensor.WithShape(x.Shape().Clone()...))
		return out, op.run(out, x)
	}
	return nil, fmt.Errorf("%v: unsupported value %T", op, vals[0])
}

// UsePreallocDo writes into the tape machine's register when it is a dense
// tensor of the input's dtype and shape sharing no memory with the input;
// otherwise it errors and the machine falls back to Do.
func (op geluOp) UsePreallocDo(p G.Value, vals ...G.Value) (G.Value, error) {
	if err := op.check(vals); err != nil {
		return nil, err
	}
	x, ok := vals[0].(*tensor.Dense)
	out, ok2 := p.(*tensor.Dense)
	if !ok || !ok2 || out.Dtype() != x.Dtype() || !out.Shape().Eq(x.Shape()) || out.RequiresIterator() {
		return nil, fmt.Errorf("%v: unusable preallocated value", op)
	}
	if overlaps(out, x) {
		return nil, fmt.Errorf("%v: preallocated value aliases the input", op)
	}
	return out, op.run(out, x)
}

// check validates the order, the arity and the dtype.
func (op geluOp) check(vals []G.Value) error {
	if op.order < 0 || op.order > GELUMaxOrder {
		return fmt.Errorf("%v: order outside [0, %d]", op, GELUMaxOrder)
	}
	if len(vals) != 1 {
		return fmt.Errorf("%v: %d inputs, want 1", op, len(vals))
	}
	if dt := vals[0].Dtype(); dt != tensor.Float32 && dt != tensor.Float64 {
		return fmt.Errorf("%v: dtype %v, want float32 or float64", op, dt)
	}
	return nil
}

// run fills out (contiguous, x's shape) from x.
func (op geluOp) run(out, x *tensor.Dense) error {
	if out.Dtype() == tensor.Float32 {
		return geluRun[float32](op, out, x)
	}
	return geluRun[float64](op, out, x)
}

func geluRun[T float](op geluOp, out, x *tensor.Dense) error {
	xs, err := flat[T](x)
	if err != nil {
		return fmt.Errorf("%v: %w", op, err)
	}
	ys, ok := out.Data().([]T)
	if !ok {
		return fmt.Errorf("%v: unexpected output data %T", op, out.Data())
	}
	geluSlice(op.order, ys[:len(xs)], xs)
	return nil
}

// geluSlice sets y[i] = g⁽ᵏ⁾(x[i]), in parallel blocks for large slices.
// Every value is computed independently, so the result does not depend on
// the partition or the number of cores.
func geluSlice[T float](k int, y, x []T) {
	if len(x) < geluParallel {
		geluBlockK(k, y, x)
		return
	}
	par.For(len(x), geluBlock, func(lo, hi int) { geluBlockK(k, y[lo:hi], x[lo:hi]) })
}

// geluBlockK is the serial kernel, one loop per order so each inlines its
// element function.
func geluBlockK[T float](k int, y, x []T) {
	y = y[:len(x)]
	switch k {
	case 0:
		for i, v := range x {
			y[i] = T(gelu0(float64(v)))
		}
	case 1:
		for i, v := range x {
			y[i] = T(gelu1(float64(v)))
		}
	case 2:
		for i, v := range x {
			y[i] = T(gelu2(float64(v)))
		}
	default:
		for i, v := range x {
			y[i] = T(gelu3(float64(v)))
		}
	}
}

// geluAt is g⁽ᵏ⁾(x) for k = 0..3.
func geluAt(k int, x float64) float64 {
	switch k {
	case 0:
		return gelu0(x)
	case 1:
		return gelu1(x)
	case 2:
		return gelu2(x)
	}
	return gelu3(x)
}

// geluPQ returns u, u′ and p = σ(2u) = 1/(1 + E), q = σ(−2u) = E p with
// E = exp(−2u), each to full relative accuracy and without a data-dependent
// branch; E stays finite because |x| ≤ geluTail keeps 2|u| < 700.
func geluPQ(x float64) (u, du, p, q float64) {
	x2 := x * x
	u = geluC * x * (1 + geluA*x2)
	du = geluC * (1 + 3*geluA*x2)
	e := math.Exp(-2 * u)
	p = 1 / (1 + e)
	return u, du, p, e * p
}

// geluT is tanh u given p and q, accurate for small |u| too (where p − q
// would lose relative accuracy).
func geluT(u, p, q float64) float64 {
	if math.Abs(u) >= 0.25 {
		return p - q
	}
	m := math.Expm1(-2 * math.Abs(u)) // 1 − exp(−2|u|) = −m, exact to rounding
	return math.Copysign(-m/(2+m), u)
}

// gelu0 is ½x(1 + tanh u) = x σ(2u).
func gelu0(x float64) float64 {
	if x > geluTail {
		return x
	}
	if x < -geluTail {
		return math.Copysign(0, x)
	}
	_, _, p, _ := geluPQ(x)
	return x * p // = x/(1 + exp(−2u))
}

// gelu1 is ½(1 + t) + ½x s u′ = p(1 + 2x q u′).
func gelu1(x float64) float64 {
	if x > geluTail {
		return 1
	}
	if x < -geluTail {
		return 0
	}
	_, du, p, q := geluPQ(x)
	return p * (1 + 2*x*q*du)
}

// gelu2 is s[u′ + ½x(u″ − 2t u′²)] with s = 4pq.
func gelu2(x float64) float64 {
	if x > geluTail || x < -geluTail {
		return 0
	}
	u, du, p, q := geluPQ(x)
	t := geluT(u, p, q)
	d2 := 6 * geluA * geluC * x
	return 4 * p * q * (du + 0.5*x*(d2-2*t*du*du))
}

// gelu3 is s[³⁄₂(u″ − 2t u′²) + ½x(u‴ − 6t u′u″ + (6t² − 2)u′³)].
func gelu3(x float64) float64 {
	if x > geluTail || x < -geluTail {
		return 0
	}
	u, du, p, q := geluPQ(x)
	t := geluT(u, p, q)
	const d3 = 6 * geluA * geluC
	d2 := d3 * x
	w := d2 - 2*t*du*du
	return 4 * p * q * (1.5*w + 0.5*x*(d3-6*t*du*d2+(6*t*t-2)*du*du*du))
}
