package laplacian

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/roma-go/roma/simulate/graph"
)

// MaxDense is the largest graph NewSpectrum accepts: the eigendecomposition
// costs about 10 N³ flops and 8 N² bytes per N×N matrix (N = 8000: 0.5 GB
// each, hours of gonum's pure-Go LAPACK).
const MaxDense = 8000

// Spectrum is the full eigendecomposition L = V diag(λ) Vᵀ of a graph's
// combinatorial Laplacian L = D − A, the exact route to every LRG quantity.
type Spectrum struct {
	// Values are the eigenvalues λ_0 ≤ λ_1 ≤ … (λ_0 = 0).
	Values []float64
	// Vectors holds the orthonormal eigenvectors as columns, column k for
	// Values[k].
	Vectors *mat.Dense
}

// NewSpectrum computes the eigendecomposition of the Laplacian of g with
// gonum's mat.EigenSym. g may be disconnected; it must have at most MaxDense
// nodes.
func NewSpectrum(g *graph.Graph) (*Spectrum, error) {
	op, err := newOperator(g)
	if err != nil {
		return nil, err
	}
	return op.spectrum()
}

func (op *operator) spectrum() (*Spectrum, error) {
	n := op.n
	if n > MaxDense {
		return nil, fmt.Errorf("laplacian: dense spectrum of %d nodes exceeds MaxDense = %d; use the approximate method", n, MaxDense)
	}
	l := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		l.SetSym(i, i, op.deg[i])
		for k := op.ptr[i]; k < op.ptr[i+1]; k++ {
			if j := int(op.col[k]); j > i {
				l.SetSym(i, j, -op.w[k])
			}
		}
	}
	var e mat.EigenSym
	if !e.Factorize(l, true) {
		return nil, fmt.Errorf("laplacian: eigendecomposition of a %d-node Laplacian did not converge", n)
	}
	s := &Spectrum{Values: e.Values(nil), Vectors: new(mat.Dense)}
	e.VectorsTo(s.Vectors)
	for k, v := range s.Values {
		s.Values[k] = max(v, 0) // L is positive semidefinite; clear rounding below 0
	}
	return s, nil
}

// Measure returns the spectrum as a Measure with unit weights.
func (s *Spectrum) Measure() *Measure {
	w := make([]float64, len(s.Values))
	for i := range w {
		w[i] = 1
	}
	return &Measure{Nodes: s.Values, Weights: w}
}

// Entropy returns the spectral entropy S(τ) at each τ; see Measure.Entropy.
func (s *Spectrum) Entropy(taus []float64) []float64 { return s.Measure().Entropy(taus) }

// SpecificHeat returns C(τ) = −dS/d(ln τ) at each τ; see Measure.SpecificHeat.
func (s *Spectrum) SpecificHeat(taus []float64) []float64 { return s.Measure().SpecificHeat(taus) }

// Propagator returns the network propagator K(τ) = e^{−τL} = V e^{−τΛ} Vᵀ.
func (s *Spectrum) Propagator(tau float64) *mat.SymDense {
	return s.function(func(l float64) float64 { return math.Exp(-tau * l) }, 0)
}

// Density returns the density matrix ρ(τ) = e^{−τL}/Tr e^{−τL}.
func (s *Spectrum) Density(tau float64) *mat.SymDense {
	z := 0.0
	for _, l := range s.Values {
		z += math.Exp(-tau * l)
	}
	k := s.Propagator(tau)
	k.ScaleSym(1/z, k)
	return k
}

// function returns Σ_{k ≥ from} f(λ_k) v_k v_kᵀ.
func (s *Spectrum) function(f func(float64) float64, from int) *mat.SymDense {
	n := len(s.Values)
	u := mat.NewDense(n, n-from, nil)
	u.Copy(s.Vectors.Slice(0, n, from, n))
	d := make([]float64, n-from)
	for k := range d {
		d[k] = f(s.Values[from+k])
	}
	// Scale columns by f and multiply by the unscaled ones: V F Vᵀ.
	w := mat.NewDense(n, n-from, nil)
	w.Copy(u)
	for i := 0; i < n; i++ {
		row := w.RawRowView(i)
		for k := range row {
			row[k] *= d[k]
		}
	}
	out := mat.NewDense(n, n, nil)
	out.Mul(w, u.T())
	sym := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, (out.At(i, j)+out.At(j, i))/2)
		}
	}
	return sym
}
