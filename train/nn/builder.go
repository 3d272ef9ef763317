// Package nn holds the neural-network building blocks of the train stage as
// Gorgonia expression-graph constructors: parameters with the reference's
// initialisation (spec §2.10), Linear, LayerNorm, tanh-GELU, MLP, the Res net
// with frozen skips (Q2), attention blocks and message passing.
//
// Constructors panic (through gorgonia.Must) on shape errors, which are
// programming errors; Build recovers them into an error at the top.
package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Param is one parameter tensor of a model.
type Param struct {
	Name  string
	Node  *G.Node
	Shape []int
	// Frozen parameters (the reference's static skip Linears, Q2) are
	// neither trained, decayed nor counted.
	Frozen bool
}

// Size is the number of values in the parameter.
func (p *Param) Size() int {
	n := 1
	for _, d := range p.Shape {
		n *= d
	}
	return n
}

// Builder builds one expression graph and registers its parameters in
// creation order. With ShapesOnly no values are allocated, so a model's size
// can be measured before memory is committed.
type Builder struct {
	G          *G.ExprGraph
	Dtype      tensor.Dtype
	ShapesOnly bool
	// TrainSkips makes the skip Linears trainable (the reference freezes them).
	TrainSkips bool
	Params     []*Param
	rng        *rand.Rand
	names      map[string]bool
}

// NewBuilder starts a graph whose parameters are initialised from seed.
func NewBuilder(dt tensor.Dtype, seed uint64) *Builder {
	return &Builder{G: G.NewGraph(), Dtype: dt, rng: rand.New(rand.NewPCG(seed, 0x6e6e)), names: map[string]bool{}}
}

// Build runs fn and turns a construction panic into an error.
func Build(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("building the model graph: %v", r)
		}
	}()
	fn()
	return nil
}

// Trainable lists the parameters the optimiser updates.
func (b *Builder) Trainable() []*Param {
	var ps []*Param
	for _, p := range b.Params {
		if !p.Frozen {
			ps = append(ps, p)
		}
	}
	return ps
}

// Count is the number of trainable values (the reference's param_count).
func (b *Builder) Count() int {
	n := 0
	for _, p := range b.Trainable() {
		n += p.Size()
	}
	return n
}

// param creates a parameter node holding values (nil with ShapesOnly).
func (b *Builder) param(name string, shape []int, values []float64, frozen bool) *G.Node {
	if b.names[name] {
		panic(fmt.Sprintf("parameter %q defined twice", name))
	}
	b.names[name] = true
	opts := []G.NodeConsOpt{G.WithName(name), G.WithShape(shape...)}
	if !b.ShapesOnly {
		opts = append(opts, G.WithValue(b.Tensor(shape, values)))
	}
	n := G.NewTensor(b.G, b.Dtype, len(shape), opts...)
	b.Params = append(b.Params, &Param{Name: name, Node: n, Shape: shape, Frozen: frozen})
	return n
}

// Tensor makes a dense tensor of the builder's dtype from float64 values.
func (b *Builder) Tensor(shape []int, values []float64) *tensor.Dense {
	if b.Dtype == tensor.Float32 {
		v := make([]float32, len(values))
		for i, x := range values {
			v[i] = float32(x)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(values))
}

// Input declares a value fed at every step with gorgonia.Let.
func (b *Builder) Input(name string, shape ...int) *G.Node {
	return G.NewTensor(b.G, b.Dtype, len(shape), G.WithName(name), G.WithShape(shape...))
}

// Const is a scalar constant of the builder's dtype.
func (b *Builder) Const(v float64) *G.Node {
	if b.Dtype == tensor.Float32 {
		return G.NewConstant(float32(v))
	}
	return G.NewConstant(v)
}

// Normal draws n values from N(0, sd²) with the builder's generator.
func (b *Builder) Normal(n int, sd float64) []float64 {
	if b.ShapesOnly {
		return nil
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = sd * b.rng.NormFloat64()
	}
	return v
}

// Uniform draws n values from U(−a, a).
func (b *Builder) Uniform(n int, a float64) []float64 {
	if b.ShapesOnly {
		return nil
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = a * (2*b.rng.Float64() - 1)
	}
	return v
}

// Filled is n copies of v.
func Filled(n int, v float64) []float64 {
	f := make([]float64, n)
	for i := range f {
		f[i] = v
	}
	return f
}

// Weight creates a trainable parameter with the given values.
func (b *Builder) Weight(name string, shape []int, values []float64) *G.Node {
	return b.param(name, shape, values, false)
}

// Frozen creates a parameter that is never trained (unless TrainSkips).
func (b *Builder) Frozen(name string, shape []int, values []float64) *G.Node {
	return b.param(name, shape, values, !b.TrainSkips)
}

// sqrt2OverPi appears in the tanh approximation of GELU.
var sqrt2OverPi = math.Sqrt(2 / math.Pi)

// ZeroGrads clears the gradients bound to the parameters' nodes. Gorgonia's
// tape machine adds each run's gradient to them (its solvers zero them after
// every update), so a caller running the machine must clear them first.
func ZeroGrads(ps []*Param) error {
	for _, p := range ps {
		g, err := p.Node.Grad()
		if err != nil {
			return fmt.Errorf("gradient of %s: %w", p.Name, err)
		}
		if t, ok := g.(tensor.Tensor); ok {
			t.Zero()
		}
	}
	return nil
}
