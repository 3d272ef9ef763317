package kuramoto

import (
	"math"
	"math/rand/v2"

	"github.com/roma-go/roma/simulate/graph"
)

// pcgStream is the fixed PCG stream (increment selector) of InitialState.
const pcgStream = 0x6b75_7261_6d6f_746f // "kuramoto"

// InitialState draws the natural frequencies and initial phases of n
// oscillators from a PCG generator seeded with seed, sequentially (all ω
// first, then all θ), so the result depends only on n and seed:
// ω_i ~ N(0,1) clipped to ±5 and then mean-centred, θ_i(0) ~ 5·N(0,1)
// (reference spec §1.2, steps 3–4).
func InitialState(n int, seed uint64) (omega, theta []float64) {
	rng := rand.New(rand.NewPCG(seed, pcgStream))
	omega = make([]float64, n)
	sum := 0.0
	for i := range omega {
		v := max(-5, min(5, rng.NormFloat64()))
		omega[i] = v
		sum += v
	}
	if n > 0 {
		mean := sum / float64(n)
		for i := range omega {
			omega[i] -= mean
		}
	}
	theta = make([]float64, n)
	for i := range theta {
		theta[i] = 5 * rng.NormFloat64()
	}
	return omega, theta
}

// SqrtDegreeWeights rescales a symmetric adjacency matrix in place into the
// reference coupling weights and returns it: sender s gets u_s = √(deg_s/N),
// with deg_s the length of row s, and the weight of s into receiver r is
// a_sr·u_s / Σ_{s'→r} a_s'r·u_s', so the weights into each receiver sum to 1
// (reference spec §1.2, step 5; a_sr is the edge weight, 1 for the
// reference's unweighted graphs). Rows are receivers. Empty rows (isolated
// nodes) stay empty.
func SqrtDegreeWeights(adj *graph.CSR) *graph.CSR {
	n := adj.N
	u := make([]float64, n)
	for i := range u {
		u[i] = math.Sqrt(float64(adj.Ptr[i+1]-adj.Ptr[i]) / float64(n))
	}
	for r := 0; r < n; r++ {
		cols := adj.Col[adj.Ptr[r]:adj.Ptr[r+1]]
		vals := adj.Val[adj.Ptr[r]:adj.Ptr[r+1]]
		z := 0.0
		for j, c := range cols {
			vals[j] *= u[c]
			z += vals[j]
		}
		for j := range vals {
			vals[j] /= z
		}
	}
	return adj
}

// Weights returns the √degree coupling weights of g as a CSR matrix with
// rows = receivers; see SqrtDegreeWeights.
func Weights(g *graph.Graph) *graph.CSR {
	return SqrtDegreeWeights(g.Adjacency())
}

// New builds the reference model on g: √degree weights, and ω and θ(0)
// drawn by InitialState(g.N, seed). It returns the model and θ(0).
func New(g *graph.Graph, p Params, seed uint64) (*Model, []float64, error) {
	omega, theta := InitialState(g.N, seed)
	m, err := NewModel(Weights(g), omega, p)
	if err != nil {
		return nil, nil, err
	}
	return m, theta, nil
}
