// Package spectral computes Laplacian positional encodings: the eigenvectors
// of the k smallest non-trivial eigenvalues of a graph's symmetric
// normalised Laplacian L = I − D^{-1/2} A D^{-1/2} (reference spec §1.5,
// "LapPE"), normalised as the reference does.
//
// The eigensolver is LOBPCG (Knyazev 2001) with a Chebyshev polynomial
// preconditioner, deflation of the null space, and, for large graphs, a
// multilevel start: the problem is solved on a coarse graph, the
// eigenvectors are interpolated to the fine graph and refined there. The
// reference calls ARPACK for pe_dim + 1 eigenpairs of the whole graph; the
// Krylov basis of that call is its main memory cost, which a block method of
// k + a few vectors avoids.
//
// Conventions that differ from or sharpen the reference:
//   - Every connected component with an edge has eigenvalue 0 (eigenvector
//     D^{1/2}·1 on the component); all of them are deflated, so on a
//     disconnected graph the result holds the k smallest eigenvalues of L on
//     the orthogonal complement of its null space. The reference drops only
//     the first eigenvector. Isolated nodes have L_ii = 1 (see
//     linalg.Laplacian) and contribute the eigenvalue 1, not 0.
//   - Signs are fixed from the seed: each eigenvector is first made to have
//     its entry of largest magnitude (first such node on ties) positive,
//     then multiplied by a sign drawn from a PCG stream seeded by
//     Options.Seed. The reference multiplies by unseeded random signs.
//   - Within a cluster of (nearly) equal eigenvalues only the eigenspace is
//     determined: any orthonormal basis of it is as valid, and which one is
//     returned depends on the solver's path (the seed, Multilevel). An
//     eigenvector is accurate to about its residual over the distance from
//     its eigenvalue to the rest of the spectrum.
package spectral

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
)

// Defaults for zero fields of Options.
const (
	// DefaultTol is the residual tolerance ‖Lv − λv‖ for unit v (‖L‖ ≤ 2).
	DefaultTol = 1e-6
	// DefaultMaxIter is the LOBPCG iteration limit on each level.
	DefaultMaxIter = 2000
	// DefaultCoarsestSize is the node count below which the multilevel
	// solver stops coarsening.
	DefaultCoarsestSize = 2000
	// DefaultDegree is the degree of the Chebyshev preconditioner.
	DefaultDegree = 32
)

// denseMax is the largest graph solved by a dense symmetric eigensolver
// instead of LOBPCG.
const denseMax = 400

// denseLimit is the largest graph the dense solver accepts when the block
// is too wide for LOBPCG (K + Guard above a third of the non-trivial
// eigenpairs): an n×n matrix and O(n³) work.
const denseLimit = 8000

// coarseTol is the residual tolerance on coarse levels of the multilevel
// solver: their eigenvectors only start the finer level, whose coarse-grid
// error is larger than that.
const coarseTol = 1e-3

// PCG stream words, fixed so that Options.Seed alone sets the results.
const (
	startStream = 0x524f4d41_4c4f4250 // "ROMALOBP": starting blocks
	signStream  = 0x524f4d41_5349474e // "ROMASIGN": eigenvector signs
)

// Options configures Smallest.
type Options struct {
	// K is the number of eigenpairs (≥ 1).
	K int
	// Tol is the residual norm ‖Lv − λv‖ (v of unit norm) every returned
	// pair must reach; 0 means DefaultTol.
	Tol float64
	// MaxIter limits the LOBPCG iterations on each level; 0 means
	// DefaultMaxIter.
	MaxIter int
	// Seed seeds the starting block and the eigenvector signs.
	Seed uint64
	// Multilevel solves on a coarsened graph first (recursively, until it
	// has at most CoarsestSize nodes), interpolates and refines.
	Multilevel bool
	// CoarsestSize: see Multilevel; 0 means DefaultCoarsestSize.
	CoarsestSize int
	// Levels optionally supplies the coarsening: Levels[0] coarsens the
	// input graph, Levels[1] its coarse graph, and so on. Only the Assign
	// maps are used (Coarse may be nil; if set, its N must match): the coarse
	// operator is rebuilt from them as the Galerkin projection, which keeps
	// the intra-supernode weight as self-loops, so that coarse eigenvalues
	// bound the fine ones from above and interpolation preserves
	// orthonormality. Below the supplied levels the built-in heavy-edge
	// matching continues while the graph is larger than CoarsestSize.
	Levels []hierarchy.Level
	// Guard is the number of extra block vectors beyond K that speed up
	// convergence of the K-th pair; 0 means max(4, K/4).
	Guard int
	// Degree is the degree of the Chebyshev polynomial preconditioner; 0
	// means DefaultDegree and 1 means no preconditioner.
	Degree int
}

// LevelInfo describes the solve on one level of the multilevel solver.
type LevelInfo struct {
	// N is the number of nodes of the level's graph.
	N int
	// Iterations is the number of LOBPCG iterations on it (0 for a dense
	// solve).
	Iterations int
	// Products is the number of sparse matrix–vector products on it.
	Products int
	// MaxResidual is the largest residual of the wanted pairs there.
	MaxResidual float64
}

// Result holds the eigenpairs found by Smallest.
type Result struct {
	// Values are the K smallest non-trivial eigenvalues, ascending.
	Values []float64
	// Vectors holds the unit eigenvectors node-major: entry (i, j) is
	// Vectors[i*K+j], node i of eigenvector j.
	Vectors []float64
	// Residuals holds ‖L v_j − λ_j v_j‖ for each pair.
	Residuals []float64
	// Products counts sparse matrix–vector products over all levels (a
	// block product of k vectors counts k).
	Products int
	// Iterations counts LOBPCG iterations over all levels.
	Iterations int
	// Components is the dimension of the deflated null space: the number of
	// connected components with at least one edge.
	Components int
	// Levels describes each level solved, finest first.
	Levels []LevelInfo
}

// NotConvergedError is returned with a usable Result when some pair did not
// reach the tolerance within the iteration limit; Result then holds the best
// approximations and their residuals.
type NotConvergedError struct {
	Tol, MaxResidual float64
	Iterations       int
}

// Error says that the solve stopped short of the tolerance, and by how much.
func (e *NotConvergedError) Error() string {
	return fmt.Sprintf("spectral: not converged: largest residual %.3g > tolerance %.3g after %d iterations on the finest level (raise MaxIter or Tol; the result holds the best approximations)", e.MaxResidual, e.Tol, e.Iterations)
}

// withDefaults fills zero fields and validates the options.
func (o Options) withDefaults() (Options, error) {
	if o.Tol == 0 {
		o.Tol = DefaultTol
	}
	if o.MaxIter == 0 {
		o.MaxIter = DefaultMaxIter
	}
	if o.CoarsestSize == 0 {
		o.CoarsestSize = DefaultCoarsestSize
	}
	if o.Guard == 0 {
		o.Guard = max(4, o.K/4)
	}
	if o.Degree == 0 {
		o.Degree = DefaultDegree
	}
	var errs []error
	if o.K < 1 {
		errs = append(errs, fmt.Errorf("K = %d, want at least 1", o.K))
	}
	if !(o.Tol > 0) || math.IsInf(o.Tol, 1) {
		errs = append(errs, fmt.Errorf("Tol = %v, want a finite tolerance > 0", o.Tol))
	}
	if o.MaxIter < 0 {
		errs = append(errs, fmt.Errorf("MaxIter = %d, want ≥ 0", o.MaxIter))
	}
	if o.CoarsestSize < 1 {
		errs = append(errs, fmt.Errorf("CoarsestSize = %d, want ≥ 1", o.CoarsestSize))
	}
	if o.Guard < 0 {
		errs = append(errs, fmt.Errorf("Guard = %d, want ≥ 0", o.Guard))
	}
	if o.Degree < 1 {
		errs = append(errs, fmt.Errorf("Degree = %d, want ≥ 1", o.Degree))
	}
	if len(errs) > 0 {
		return o, fmt.Errorf("spectral: invalid options: %w", errors.Join(errs...))
	}
	return o, nil
}

// Smallest returns the opt.K smallest non-trivial eigenpairs of the
// normalised Laplacian of g (see the package comment for the conventions).
// It fails on an empty graph, invalid options, or K larger than the number of
// non-trivial eigenpairs (N minus the number of components with an edge).
// When the iteration limit is reached first it returns the Result together
// with a *NotConvergedError.
func Smallest(g *graph.Graph, opt Options) (*Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if g == nil || g.N == 0 {
		return nil, fmt.Errorf("spectral: empty graph")
	}
	d := &driver{opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, startStream))}
	lr, err := d.solve(g, nil, 0, opt.Tol, true)
	if err != nil {
		return nil, err
	}
	k := opt.K
	res := &Result{
		Values:     append([]float64(nil), lr.theta[:k]...),
		Vectors:    make([]float64, g.N*k),
		Residuals:  append([]float64(nil), lr.res[:k]...),
		Components: lr.components,
		Levels:     d.levels,
	}
	for i := 0; i < g.N; i++ {
		copy(res.Vectors[i*k:i*k+k], lr.x[i*lr.cols:i*lr.cols+k])
	}
	for _, l := range d.levels {
		res.Products += l.Products
		res.Iterations += l.Iterations
	}
	fixSigns(res.Vectors, g.N, k, opt.Seed)
	if !lr.converged {
		return res, &NotConvergedError{Tol: opt.Tol, MaxResidual: maxOf(res.Residuals), Iterations: d.levels[0].Iterations}
	}
	return res, nil
}

// fixSigns makes each column's entry of largest magnitude positive (the
// first such node on ties), then multiplies the column by a seeded random
// sign.
func fixSigns(v []float64, n, k int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, signStream))
	for j := 0; j < k; j++ {
		best, at := -1.0, 0
		for i := 0; i < n; i++ {
			if a := math.Abs(v[i*k+j]); a > best {
				best, at = a, i
			}
		}
		s := 1.0
		if v[at*k+j] < 0 {
			s = -1
		}
		if rng.Uint64()&1 == 1 {
			s = -s
		}
		if s < 0 {
			for i := 0; i < n; i++ {
				v[i*k+j] = -v[i*k+j]
			}
		}
	}
}

// Normalize returns the positional-encoding matrix as the reference builds
// it: the values min–max scaled over the whole block, (x − min)/(max − min),
// as float32. A constant block (max = min) maps to zeros, where the reference
// would produce NaN.
func Normalize(vectors []float64) []float32 {
	out := make([]float32, len(vectors))
	if len(vectors) == 0 {
		return out
	}
	lo, hi := vectors[0], vectors[0]
	for _, v := range vectors {
		lo, hi = min(lo, v), max(hi, v)
	}
	if !(hi > lo) {
		return out
	}
	scale := 1 / (hi - lo)
	for i, v := range vectors {
		out[i] = float32((v - lo) * scale)
	}
	return out
}

func maxOf(a []float64) float64 {
	m := 0.0
	for _, v := range a {
		m = max(m, v)
	}
	return m
}
