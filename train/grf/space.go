// Package grf is the random-function input lift of the branch net (spec §1.7,
// §2.6): Gaussian-process samples with an RBF kernel on a uniform grid of
// [0, 1], their not-a-knot cubic splines, and the lift of a window matrix
// through those splines in either the reference's scrambled layout (quirk Q1)
// or the intended per-node layout.
package grf

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// DefaultPoints is the grid size of the reference GRF, x = linspace(0, 1,
// 1000) (spec §1.7).
const DefaultPoints = 1000

// DefaultLengthScale is the RBF length scale ℓ the reference always uses: the
// Operator builds GRF(num_func) and ignores --length_scale (spec §1.7).
const DefaultLengthScale = 1.0

// Space is a Gaussian-process function space on x = linspace(0, 1, Points)
// with covariance K_ij = exp(−(x_i−x_j)²/(2ℓ²)), ℓ = LengthScale, from which
// Sample draws NumFunc functions at a time (spec §1.7, `GRF`). Build it with
// NewSpace; the fields are read-only afterwards.
type Space struct {
	NumFunc     int
	Points      int
	LengthScale float64

	fac *factor
}

// factor is a low-rank square root of K: K ≈ A·Aᵀ with A = V·diag(√λ), the
// columns ordered by decreasing eigenvalue.
type factor struct {
	a    []float64 // Points × rank, row-major
	rank int
}

type factorKey struct {
	points int
	ls     float64
}

// factors caches one factorisation per (Points, ℓ) for the whole process.
var factors sync.Map

// NewSpace returns the space of numFunc functions on a grid of points knots
// with RBF length scale lengthScale, factorising its covariance once (cached
// per grid and length scale). The reference's Cholesky with 1e-13 jitter is
// near-singular (spec §1.7 [I]); NewSpace instead uses a symmetric
// eigendecomposition and sets every eigenvalue at or below the rounding floor
// Points·ε·λ_max to zero (negative ones included), dropping its eigenvector.
// points must be at least 4 (a not-a-knot cubic needs 4 knots).
func NewSpace(numFunc, points int, lengthScale float64) (*Space, error) {
	switch {
	case numFunc < 1:
		return nil, fmt.Errorf("grf: NumFunc = %d, must be ≥ 1", numFunc)
	case points < 4:
		return nil, fmt.Errorf("grf: Points = %d, must be ≥ 4", points)
	case !(lengthScale > 0) || math.IsInf(lengthScale, 1):
		return nil, fmt.Errorf("grf: LengthScale = %g, must be positive and finite", lengthScale)
	}
	fac, err := cachedFactor(points, lengthScale)
	if err != nil {
		return nil, err
	}
	return &Space{NumFunc: numFunc, Points: points, LengthScale: lengthScale, fac: fac}, nil
}

func cachedFactor(points int, ls float64) (*factor, error) {
	key := factorKey{points, ls}
	if f, ok := factors.Load(key); ok {
		return f.(*factor), nil
	}
	f, err := newFactor(points, ls)
	if err != nil {
		return nil, err
	}
	got, _ := factors.LoadOrStore(key, f)
	return got.(*factor), nil
}

// grid returns linspace(0, 1, n) as numpy computes it (i·step, last = 1).
func grid(n int) []float64 {
	x := make([]float64, n)
	h := 1 / float64(n-1)
	for i := range x {
		x[i] = float64(i) * h
	}
	x[n-1] = 1
	return x
}

// kernel returns the RBF covariance matrix on grid(n) with length scale ls.
func kernel(n int, ls float64) *mat.SymDense {
	x := grid(n)
	k := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			d := (x[i] - x[j]) / ls
			k.SetSym(i, j, math.Exp(-d*d/2))
		}
	}
	return k
}

func newFactor(n int, ls float64) (*factor, error) {
	var eig mat.EigenSym
	if !eig.Factorize(kernel(n, ls), true) {
		return nil, errors.New("grf: eigendecomposition of the RBF covariance did not converge")
	}
	lam := eig.Values(nil) // ascending
	var v mat.Dense
	eig.VectorsTo(&v)
	tol := float64(n) * 0x1p-52 * lam[n-1]
	var keep []int
	for j := n - 1; j >= 0 && lam[j] > tol; j-- {
		keep = append(keep, j)
	}
	r := len(keep)
	a := make([]float64, n*r)
	for c, j := range keep {
		s := math.Sqrt(lam[j])
		for i := 0; i < n; i++ {
			a[i*r+c] = s * v.At(i, j)
		}
	}
	return &factor{a: a, rank: r}, nil
}

// Rank is the number of eigenmodes kept by the factorisation, which is also
// the number of standard normals Sample draws per function.
func (s *Space) Rank() int { return s.fac.rank }

// Covariance returns the covariance A·Aᵀ of the factorisation at knots i, j,
// i.e. the factorised approximation of K_ij (for checks; spec §1.7).
func (s *Space) Covariance(i, j int) float64 {
	r := s.fac.rank
	ai, aj := s.fac.a[i*r:(i+1)*r], s.fac.a[j*r:(j+1)*r]
	c := 0.0
	for k := range ai {
		c += ai[k] * aj[k]
	}
	return c
}

// Sample draws NumFunc GP samples on the grid (spec §1.7, `field`) and
// returns their not-a-knot cubic splines. Each function consumes Rank()
// standard normals from rng, in function order; the same rng state gives the
// same functions.
func (s *Space) Sample(rng *rand.Rand) *Funcs { return s.SampleInto(rng, nil) }

// SampleInto is Sample reusing the storage of dst when dst has the same
// shape (NumFunc × Points), so that re-sampling every training step (spec
// §2.6) does not allocate. It returns the filled Funcs.
func (s *Space) SampleInto(rng *rand.Rand, dst *Funcs) *Funcs {
	if dst == nil || dst.num != s.NumFunc || dst.n != s.Points {
		dst = allocFuncs(s.NumFunc, s.Points)
	}
	n, r := s.Points, s.fac.rank
	z := make([]float64, r)
	for f := 0; f < s.NumFunc; f++ {
		for j := range z {
			z[j] = rng.NormFloat64()
		}
		y := dst.knots[f*n : (f+1)*n]
		for i := range y {
			y[i] = dot(s.fac.a[i*r:(i+1)*r], z)
		}
	}
	dst.fit()
	return dst
}

func dot(a, b []float64) float64 {
	s := 0.0
	for k := range a {
		s += a[k] * b[k]
	}
	return s
}
