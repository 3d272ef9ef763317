package model

import (
	"fmt"
	"hash/fnv"

	"github.com/roma-go/roma/train/nn"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Dims are the data-dependent sizes of a model's inputs.
type Dims struct {
	N     int // tokens (nodes per batch)
	Kappa int // look-back window
	Edges int // capacity of the per-batch directed edge list (-MP models)
}

// Model is one built operator network: its input nodes, fed each step, its
// prediction and its training loss.
type Model struct {
	Kind   string
	Config Config
	Dims   Dims
	B      *nn.Builder
	// Inputs: the GRF-lifted window (n, num_func·κ), the raw window (n, κ),
	// the Fourier features of (t, x) (n, coord_dim), the last observed value
	// and the target (n, 1), and the attention mask (n, n).
	Lift, Window, Phi, Last, Target, Mask *G.Node
	// Edges are the batch's directed edges, replaced every step.
	Edges *nn.Edges
	U     *G.Node // latent u (n, x_dim)
	Pred  *G.Node // ŷ (n, 1)
	Loss  *G.Node // mean sMSPE
}

// Seed derives a model's initialisation seed from the run's seed, so that
// each model in a run starts from its own, reproducible weights.
func Seed(run uint64, kind string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(kind))
	return run ^ h.Sum64()
}

// Build assembles model kind. With shapesOnly no parameter values are
// allocated (for parameter counts and memory estimates).
func Build(kind string, c Config, d Dims, dt tensor.Dtype, seed uint64, shapesOnly bool) (*Model, error) {
	if !Known(kind) {
		return nil, fmt.Errorf("unknown model %q (known: %v)", kind, Names)
	}
	b := nn.NewBuilder(dt, Seed(seed, kind))
	b.ShapesOnly, b.TrainSkips = shapesOnly, c.TrainSkips
	m := &Model{Kind: kind, Config: c, Dims: d, B: b}
	err := nn.Build(func() {
		m.inputs()
		m.U = m.network()
		m.Pred = m.readout(m.U)
		m.Loss = SMSPE(b, m.Pred, m.Target)
	})
	return m, err
}

// inputs declares the per-step input nodes.
func (m *Model) inputs() {
	b, c, n := m.B, m.Config, m.Dims.N
	m.Lift = b.Input("lift", n, c.NumFunc*m.Dims.Kappa)
	m.Window = b.Input("window", n, m.Dims.Kappa)
	m.Phi = b.Input("phi", n, c.CoordDim)
	m.Last = b.Input("last", n, 1)
	m.Target = b.Input("target", n, 1)
	m.Mask = b.Input("mask", n, n)
}

// network builds the model's branch and trunk and returns u (n, x_dim).
func (m *Model) network() *G.Node {
	b, c := m.B, m.Config
	hidden, width, p, x := c.Depth+1, 2*c.Width, c.P(), c.XDim
	switch m.Kind {
	case DON:
		// Spec §4: per-token Res branch, trunk on φ(t, x) only.
		beta := b.NewRes("branch", c.NumFunc*m.Dims.Kappa, x*p, width, hidden).Apply(m.Lift)
		tau := b.NewRes("trunk", c.CoordDim, p, width, hidden).Apply(m.Phi)
		return linearDecode(b, beta, tau, p, x)
	default:
		z := m.encoder()
		beta := m.transformer(x * p)
		if m.Kind == NOMADMP {
			in := G.Must(G.Concat(1, m.Phi, beta, z))
			out := b.NewRes("trunk", c.CoordDim+x*p+c.EncWidth, x, width, hidden).Apply(in)
			return G.Must(G.Mul(out, b.Const(1/float64(x))))
		}
		tau := b.NewRes("trunk", c.CoordDim+c.EncWidth, p, width, hidden).Apply(G.Must(G.Concat(1, m.Phi, z)))
		return linearDecode(b, beta, tau, p, x)
	}
}

// linearDecode is the DeepONet inner product u = Σ_p β[p,:]·τ[p] / p with β
// read row-major as (p, x_dim) per token (spec §2.7).
func linearDecode(b *nn.Builder, beta, tau *G.Node, p, x int) *G.Node {
	n := beta.Shape()[0]
	b3 := G.Must(G.Reshape(beta, tensor.Shape{n, p, x}))
	t3 := G.Must(G.Reshape(tau, tensor.Shape{n, p, 1}))
	prod := G.Must(G.BroadcastHadamardProd(b3, t3, nil, []byte{2}))
	return G.Must(G.Mul(G.Must(G.Sum(prod, 1)), b.Const(1/float64(p))))
}

// readout maps u (n, x_dim) to the forecast ŷ (n, 1).
func (m *Model) readout(u *G.Node) *G.Node {
	b, n := m.B, m.Dims.N
	if m.Config.Readout == ReadoutResidual {
		d := G.Must(G.Mul(G.Must(G.Sum(u, 1)), b.Const(1/float64(m.Config.XDim))))
		return G.Must(G.Add(m.Last, G.Must(G.Reshape(d, tensor.Shape{n, 1}))))
	}
	// ‖u‖₂; the tiny floor keeps the gradient finite at u = 0, where the
	// reference's gradient is NaN (and then zeroed, Q4).
	sq := G.Must(G.Add(G.Must(G.Sum(G.Must(G.Square(u)), 1)), b.Const(normFloor)))
	return G.Must(G.Reshape(G.Must(G.Sqrt(sq)), tensor.Shape{n, 1}))
}

// SMSPE is the reference's data loss (spec §2.9), the mean over tokens of
// (|y − ŷ| / (|y| + |ŷ| + 1e-4))².
func SMSPE(b *nn.Builder, pred, y *G.Node) *G.Node {
	diff := G.Must(G.Sub(pred, y))
	den := G.Must(G.Add(G.Must(G.Add(G.Must(G.Abs(y)), G.Must(G.Abs(pred)))), b.Const(1e-4)))
	r := G.Must(G.HadamardDiv(diff, den))
	return G.Must(G.Mean(G.Must(G.Square(r))))
}

// normFloor keeps ‖u‖₂'s gradient finite at u = 0 while leaving it a unit
// vector for any ‖u‖ ≫ 1e-15 (a larger floor creates a dead zone where the
// gradient vanishes and training can collapse onto ŷ ≈ 0).
const normFloor = 1e-30
