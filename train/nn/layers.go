package nn

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
)

// Linear is y = x·W + b for x of shape (n, In); W is stored In×Out.
type Linear struct {
	W, B    *G.Node // B is (1, Out), or nil without bias
	In, Out int
}

// NewLinear is a trainable Linear with the reference's orthogonal weight and
// zero bias (spec §2.10).
func (b *Builder) NewLinear(name string, in, out int, bias bool) *Linear {
	l := &Linear{In: in, Out: out, W: b.Weight(name+".w", []int{in, out}, b.orthoWeight(in, out))}
	if bias {
		l.B = b.Weight(name+".b", []int{1, out}, zeros(b, out))
	}
	return l
}

// NewSkip is a skip Linear with Equinox's default U(±1/√in) init, frozen as
// the reference's static skips are (Q2) unless the builder trains skips.
func (b *Builder) NewSkip(name string, in, out int) *Linear {
	a := 1 / math.Sqrt(float64(in))
	return &Linear{In: in, Out: out,
		W: b.Frozen(name+".w", []int{in, out}, b.Uniform(in*out, a)),
		B: b.Frozen(name+".b", []int{1, out}, b.Uniform(out, a))}
}

// zeros is n zeros, or nil when no values are allocated.
func zeros(b *Builder, n int) []float64 {
	if b.ShapesOnly {
		return nil
	}
	return make([]float64, n)
}

// Apply maps x (n, In) to (n, Out).
func (l *Linear) Apply(x *G.Node) *G.Node {
	y := G.Must(G.Mul(x, l.W))
	if l.B != nil {
		y = G.Must(G.BroadcastAdd(y, l.B, nil, []byte{0}))
	}
	return y
}

// LayerNorm normalises each row over its last axis, then scales and shifts
// (eps 1e-5, weight 1 and bias 0 initially). It is composed from elementary
// ops, avoiding Gorgonia's InverseSqrt, whose gradient is wrong.
type LayerNorm struct {
	Gain, Bias *G.Node // (1, d)
	Eps        float64
	b          *Builder
}

// NewLayerNorm is a LayerNorm over d features.
func (b *Builder) NewLayerNorm(name string, d int) *LayerNorm {
	var one []float64
	if !b.ShapesOnly {
		one = Filled(d, 1)
	}
	return &LayerNorm{b: b, Eps: 1e-5,
		Gain: b.Weight(name+".g", []int{1, d}, one),
		Bias: b.Weight(name+".b", []int{1, d}, zeros(b, d))}
}

// Apply normalises x (n, d) row by row.
func (l *LayerNorm) Apply(x *G.Node) *G.Node {
	mean := G.Must(G.Mean(x, 1))
	xc := G.Must(G.BroadcastSub(x, mean, nil, []byte{1}))
	v := G.Must(G.Mean(G.Must(G.Square(xc)), 1))
	sd := G.Must(G.Sqrt(G.Must(G.Add(v, l.b.Const(l.Eps)))))
	y := G.Must(G.BroadcastHadamardDiv(xc, sd, nil, []byte{1}))
	y = G.Must(G.BroadcastHadamardProd(y, l.Gain, nil, []byte{0}))
	return G.Must(G.BroadcastAdd(y, l.Bias, nil, []byte{0}))
}

// GELU is the tanh approximation jax.nn.gelu uses by default:
// ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
func (b *Builder) GELU(x *G.Node) *G.Node {
	return GELUDeriv(x, 0)
}

// MLP is eqx.nn.MLP with GELU: Depth hidden layers of Width, linear output.
type MLP struct {
	Layers []*Linear
	b      *Builder
}

// NewMLP builds in → depth×[width] → out.
func (b *Builder) NewMLP(name string, in, out, width, depth int) *MLP {
	m := &MLP{b: b}
	d := in
	for i := 0; i < depth; i++ {
		m.Layers = append(m.Layers, b.NewLinear(fmt.Sprintf("%s.%d", name, i), d, width, true))
		d = width
	}
	m.Layers = append(m.Layers, b.NewLinear(fmt.Sprintf("%s.%d", name, depth), d, out, true))
	return m
}

// Apply maps x (n, in) to (n, out).
func (m *MLP) Apply(x *G.Node) *G.Node {
	for i, l := range m.Layers {
		x = l.Apply(x)
		if i < len(m.Layers)-1 {
			x = m.b.GELU(x)
		}
	}
	return x
}

// Res is the reference's residual net (spec §2.2, §2.7): every layer computes
// x ← LN(gelu(W·x + b)) + S·x + s with a skip Linear S (frozen, Q2), the
// last layer included. Hidden layers have width Hidden.
type Res struct {
	Layers []*Linear
	Norms  []*LayerNorm
	Skips  []*Linear
	b      *Builder
}

// NewRes builds in → hidden×[width] → out, i.e. hidden+1 layers.
func (b *Builder) NewRes(name string, in, out, width, hidden int) *Res {
	r := &Res{b: b}
	d := in
	for i := 0; i <= hidden; i++ {
		o := width
		if i == hidden {
			o = out
		}
		p := fmt.Sprintf("%s.%d", name, i)
		r.Layers = append(r.Layers, b.NewLinear(p, d, o, true))
		r.Norms = append(r.Norms, b.NewLayerNorm(p+".ln", o))
		r.Skips = append(r.Skips, b.NewSkip(p+".skip", d, o))
		d = o
	}
	return r
}

// Apply maps x (n, in) to (n, out).
func (r *Res) Apply(x *G.Node) *G.Node {
	for i, l := range r.Layers {
		h := r.Norms[i].Apply(r.b.GELU(l.Apply(x)))
		x = G.Must(G.Add(h, r.Skips[i].Apply(x)))
	}
	return x
}
