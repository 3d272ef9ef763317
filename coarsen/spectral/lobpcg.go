package spectral

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/roma-go/roma/coarsen/linalg"
	"github.com/roma-go/roma/stages/par"
)

// Numerical thresholds of the block orthonormalisation.
const (
	// svqbDrop drops directions of a block whose squared singular value,
	// relative to the largest, is below it: they are numerically dependent.
	svqbDrop = 1e-12
	// projDrop drops a column that projection against the basis shrank below
	// this fraction of its norm: it lay in the basis already.
	projDrop = 1e-10
	// orthTol is the departure from orthonormality (max |WᵀW − I|) below
	// which the second orthonormalisation pass skips its transform.
	orthTol = 1e-13
)

// lobpcg finds the smallest eigenpairs of the normalised Laplacian outside
// its null space by the locally optimal block preconditioned conjugate
// gradient method (A. V. Knyazev, "Toward the optimal preconditioned
// eigensolver: locally optimal block preconditioned conjugate gradient
// method", SIAM J. Sci. Comput. 23(2), 2001).
//
// Robustness follows U. Hetmaniuk and R. Lehoucq, "Basis selection in
// LOBPCG", J. Comput. Phys. 218, 2006, and J. A. Duersch et al., "A robust
// and efficient implementation of LOBPCG", SIAM J. Sci. Comput. 40(5), 2018:
// the basis [X P W] is kept orthonormal, so each Rayleigh–Ritz step is a
// standard symmetric eigenproblem; the new P is chosen inside the Ritz
// problem orthogonal to the new X; converged columns are soft-locked (they
// stay in X but add no directions to W and P). L·X and L·P are recomputed by
// sparse products each step rather than updated densely: at a few nonzeros
// per row a sparse product is far cheaper than the dense update, and it keeps
// them exact.
//
// The preconditioner is a Chebyshev polynomial p(L) of the given degree
// approximating L⁻¹ on [θ_max, 2] (Y. Saad, Iterative Methods for Sparse
// Linear Systems, 2nd ed., SIAM 2003, Alg. 12.1), where θ_max is the largest
// Ritz value in the block. It is positive on (0, 2], hence a valid LOBPCG
// preconditioner; it damps the upper spectrum, so each Rayleigh–Ritz step
// (dense work O(n·m²)) is bought with several cheap sparse products
// (O(nnz·m)).
type lobpcg struct {
	op     *linalg.Laplacian
	null   *nullSpace
	n, m   int
	degree int
	red    linalg.Reducer

	// Blocks n×m: X and L·X, P and L·P (np columns), W and L·W (nw
	// columns), and two scratch blocks. Column counts set the stride.
	x, ax, p, ap, w, aw, t1, t2 []float64
	np                          int

	theta, res []float64 // Ritz values and residual norms of X's columns
	iters      int
}

// newLOBPCG allocates the solver's eight n×m blocks.
func newLOBPCG(op *linalg.Laplacian, null *nullSpace, m, degree int) *lobpcg {
	n := op.N()
	s := &lobpcg{op: op, null: null, n: n, m: m, degree: degree,
		theta: make([]float64, m), res: make([]float64, m)}
	for _, b := range []*[]float64{&s.x, &s.ax, &s.p, &s.ap, &s.w, &s.aw, &s.t1, &s.t2} {
		*b = make([]float64, n*m)
	}
	return s
}

// blk views the first n×cols values of buf as a block.
func (s *lobpcg) blk(buf []float64, cols int) linalg.Block {
	return linalg.Block{Data: buf[:s.n*cols], Rows: s.n, Cols: cols, Stride: cols}
}

// start sets X from the first c0 columns of x0 (n×c0, node-major; nil for
// none), fills the remaining columns with Gaussian vectors from rng,
// orthonormalises, and performs the first Rayleigh–Ritz step.
func (s *lobpcg) start(x0 []float64, c0 int, rng *rand.Rand) error {
	n, m := s.n, s.m
	c0 = min(c0, m)
	cols := 0
	if c0 > 0 {
		for i := 0; i < n; i++ {
			copy(s.x[i*c0:i*c0+c0], x0[i*c0:i*c0+c0])
		}
		cols = s.orthonormalize(&s.x, &s.t1, c0)
	}
	for try := 0; cols < m; try++ {
		if try == 5 {
			return fmt.Errorf("spectral: could not build %d independent starting vectors (got %d)", m, cols)
		}
		// Append Gaussian columns: widen the stride from cols to m.
		for i := n - 1; i >= 0; i-- {
			copy(s.t1[i*m:i*m+cols], s.x[i*cols:i*cols+cols])
		}
		for i := 0; i < n; i++ {
			row := s.t1[i*m+cols : i*m+m]
			for j := range row {
				row[j] = rng.NormFloat64()
			}
		}
		s.x, s.t1 = s.t1, s.x
		cols = s.orthonormalize(&s.x, &s.t1, m, s.blk(nil, 0))
	}
	s.op.ApplyBlock(s.ax[:n*m], s.x[:n*m], m)
	// Rayleigh–Ritz on X alone.
	h := make([]float64, m*m)
	X, AX := s.blk(s.x, m), s.blk(s.ax, m)
	s.red.AtB(h, X, AX)
	symmetrize(h, m)
	vals, vecs, err := symEig(h, m)
	if err != nil {
		return err
	}
	linalg.MulAdd(s.blk(s.t1, m), 0, X, vecs)
	linalg.MulAdd(s.blk(s.t2, m), 0, AX, vecs)
	s.x, s.t1 = s.t1, s.x
	s.ax, s.t2 = s.t2, s.ax
	copy(s.theta, vals)
	s.np = 0
	return nil
}

// orthonormalize makes the cols columns of *buf (stride cols) orthonormal,
// orthogonal to the null space and to each block of against, dropping
// dependent directions, in two passes of projection and SVQB ("twice is
// enough"). *tmp is scratch; the two may be swapped. It returns the number of
// columns kept, which then form *buf with that stride.
func (s *lobpcg) orthonormalize(buf, tmp *[]float64, cols int, against ...linalg.Block) int {
	if cols == 0 {
		return 0
	}
	norm0 := make([]float64, cols)
	s.red.ColumnDots(norm0, s.blk(*buf, cols), s.blk(*buf, cols))
	for pass := 0; pass < 2 && cols > 0; pass++ {
		W := s.blk(*buf, cols)
		s.null.project(W)
		for _, b := range against {
			if b.Cols == 0 {
				continue
			}
			g := make([]float64, b.Cols*cols)
			s.red.AtB(g, b, W)
			for i := range g {
				g[i] = -g[i]
			}
			linalg.MulAdd(W, 1, b, g)
		}
		g := make([]float64, cols*cols)
		s.red.AtA(g, W)
		amp := 1.0 // largest shrink factor of a kept column under projection
		if pass == 0 {
			// A column that projection all but annihilated carries only
			// rounding error: drop it rather than amplify that.
			for j := 0; j < cols; j++ {
				if !(g[j*cols+j] > projDrop*projDrop*norm0[j]) {
					for l := 0; l < cols; l++ {
						g[j*cols+l], g[l*cols+j] = 0, 0
					}
				} else {
					amp = max(amp, math.Sqrt(norm0[j]/g[j*cols+j]))
				}
			}
		} else if nearIdentity(g, cols) {
			break
		}
		t, cn, cond := svqbTransform(g, cols, svqbDrop)
		if cn > 0 {
			linalg.MulAdd(s.blk(*tmp, cn), 0, W, t)
		}
		*buf, *tmp = *tmp, *buf
		cols = cn
		// The first pass leaves errors of about ε·amp·cond against the basis
		// and ε·cond² within W (Stathopoulos & Wu 2002); a second pass is
		// needed only when these are not negligible.
		if pass == 0 && amp*cond <= 1e3 && cond <= 1e2 {
			break
		}
	}
	return cols
}

// nearIdentity reports whether max |g − I| < orthTol.
func nearIdentity(g []float64, c int) bool {
	for a := 0; a < c; a++ {
		for b := 0; b < c; b++ {
			v := g[a*c+b]
			if a == b {
				v--
			}
			if !(math.Abs(v) < orthTol) {
				return false
			}
		}
	}
	return true
}

// symmetrize replaces the s×s matrix h by (h + hᵀ)/2.
func symmetrize(h []float64, s int) {
	for a := 0; a < s; a++ {
		for b := a + 1; b < s; b++ {
			v := (h[a*s+b] + h[b*s+a]) / 2
			h[a*s+b], h[b*s+a] = v, v
		}
	}
}

// residuals sets s.res to ‖L x_j − θ_j x_j‖ for every column and leaves the
// residual block R (n×m) in t1.
func (s *lobpcg) residuals() {
	m := s.m
	par.For(s.n, par.Block, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x, ax, r := s.x[i*m:i*m+m], s.ax[i*m:i*m+m], s.t1[i*m:i*m+m]
			for j := range r {
				r[j] = ax[j] - s.theta[j]*x[j]
			}
		}
	})
	R := s.blk(s.t1, m)
	s.red.ColumnDots(s.res, R, R)
	for j, v := range s.res {
		s.res[j] = math.Sqrt(v)
	}
}

// run iterates until the first k columns have residual at most tol or
// maxIter steps were taken; it reports whether they converged.
func (s *lobpcg) run(k int, tol float64, maxIter int) (bool, error) {
	n, m := s.n, s.m
	for it := 0; ; it++ {
		s.residuals()
		done := true
		for j := 0; j < k; j++ {
			if !(s.res[j] <= tol) {
				done = false
			}
		}
		if done {
			return true, nil
		}
		if it >= maxIter {
			return false, nil
		}
		// W: residuals of the active (unconverged) columns.
		var active []int
		for j := 0; j < m; j++ {
			if !(s.res[j] <= tol) {
				active = append(active, j)
			}
		}
		nw := len(active)
		par.For(n, par.Block, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				r, w := s.t1[i*m:i*m+m], s.w[i*nw:i*nw+nw]
				for t, j := range active {
					w[t] = r[j]
				}
			}
		})
		s.precondition(nw)
		nw = s.orthonormalize(&s.w, &s.t1, nw, s.blk(s.x, m), s.blk(s.p, s.np))
		if nw == 0 && s.np == 0 {
			return false, nil // no new directions: stagnated
		}
		if nw > 0 {
			s.op.ApplyBlock(s.aw[:n*nw], s.w[:n*nw], nw)
		}
		if err := s.rayleighRitz(nw, active); err != nil {
			return false, err
		}
		s.iters++
	}
}

// rayleighRitz solves the Ritz problem on span[X P W] (orthonormal), sets X
// to the m lowest Ritz vectors and P to the part of the active ones' update
// orthogonal to X, and recomputes L·X and L·P.
func (s *lobpcg) rayleighRitz(nw int, active []int) error {
	n, m, np := s.n, s.m, s.np
	sz := m + np + nw
	X, P, W := s.blk(s.x, m), s.blk(s.p, np), s.blk(s.w, nw)
	AX, AP, AW := s.blk(s.ax, m), s.blk(s.ap, np), s.blk(s.aw, nw)
	h := make([]float64, sz*sz)
	off := [3]int{0, m, m + np}
	basis := [3]linalg.Block{X, P, W}
	images := [3]linalg.Block{AX, AP, AW}
	for a := 0; a < 3; a++ {
		for b := a; b < 3; b++ {
			ra, cb := basis[a].Cols, images[b].Cols
			if ra == 0 || cb == 0 {
				continue
			}
			g := make([]float64, ra*cb)
			s.red.AtB(g, basis[a], images[b])
			for i := 0; i < ra; i++ {
				for j := 0; j < cb; j++ {
					h[(off[a]+i)*sz+off[b]+j] = g[i*cb+j]
					if a != b {
						h[(off[b]+j)*sz+off[a]+i] = g[i*cb+j]
					}
				}
			}
		}
	}
	symmetrize(h, sz)
	vals, vecs, err := symEig(h, sz)
	if err != nil {
		return err
	}
	// New X = S·C1, C1 the first m Ritz vectors.
	c1 := sub(vecs, sz, 0, sz, 0, m)
	s.combine(s.blk(s.t1, m), c1, m, np, nw)
	// New P = S·Cp with Cp spanning the component of C1's active columns
	// outside X's old span, made orthogonal to C1 within the Ritz space:
	// Cp = C2·orth(C2ᵀ·Z), Z = C1[active] with its first m rows zeroed.
	newNP := 0
	if sz > m && len(active) > 0 {
		c2 := sub(vecs, sz, 0, sz, m, sz)
		r := sz - m
		mz := make([]float64, r*len(active))
		for a := 0; a < r; a++ {
			for t, j := range active {
				v := 0.0
				for row := m; row < sz; row++ {
					v += c2[row*r+a] * vecs[row*sz+j]
				}
				mz[a*len(active)+t] = v
			}
		}
		mo, cn := orthoSmall(mz, r, len(active), svqbDrop)
		if cn > 0 {
			cp := make([]float64, sz*cn)
			for row := 0; row < sz; row++ {
				for j := 0; j < cn; j++ {
					v := 0.0
					for a := 0; a < r; a++ {
						v += c2[row*r+a] * mo[a*cn+j]
					}
					cp[row*cn+j] = v
				}
			}
			s.combine(s.blk(s.t2, cn), cp, cn, np, nw)
			newNP = cn
		}
	}
	s.x, s.t1 = s.t1, s.x
	s.p, s.t2 = s.t2, s.p
	s.np = newNP
	copy(s.theta, vals[:m])
	s.op.ApplyBlock(s.ax[:n*m], s.x[:n*m], m)
	if newNP > 0 {
		s.op.ApplyBlock(s.ap[:n*newNP], s.p[:n*newNP], newNP)
	}
	return nil
}

// combine sets dst = X·c[0:m] + P·c[m:m+np] + W·c[m+np:], c being
// (m+np+nw)×cols row-major.
func (s *lobpcg) combine(dst linalg.Block, c []float64, cols, np, nw int) {
	m := s.m
	linalg.MulAdd(dst, 0, s.blk(s.x, m), c[:m*cols])
	if np > 0 {
		linalg.MulAdd(dst, 1, s.blk(s.p, np), c[m*cols:(m+np)*cols])
	}
	if nw > 0 {
		linalg.MulAdd(dst, 1, s.blk(s.w, nw), c[(m+np)*cols:(m+np+nw)*cols])
	}
}

// sub copies rows [r0, r1) and columns [c0, c1) of the row-major matrix a
// with s columns.
func sub(a []float64, s, r0, r1, c0, c1 int) []float64 {
	out := make([]float64, 0, (r1-r0)*(c1-c0))
	for i := r0; i < r1; i++ {
		out = append(out, a[i*s+c0:i*s+c1]...)
	}
	return out
}

// precondition replaces the nw columns of W by p(L)·W, where p is the
// Chebyshev polynomial of the solver's degree approximating L⁻¹ on
// [θ_max, 2] (Saad 2003, Alg. 12.1, started from zero: after d steps the
// iterate is p(L)·W with d − 1 products).
func (s *lobpcg) precondition(nw int) {
	if s.degree < 2 || nw == 0 {
		return
	}
	a := min(max(s.theta[s.m-1], 1e-6), 1.5)
	const b = 2.0 // λ_max(L) ≤ 2 for any graph
	theta, delta := (b+a)/2, (b-a)/2
	sigma := theta / delta
	rho := 1 / sigma
	n := s.n
	r := s.w[:n*nw]  // residual of the Chebyshev iteration, in place
	x := s.t1[:n*nw] // iterate
	d := s.t2[:n*nw] // direction
	next := s.aw[:n*nw]
	par.For(n*nw, par.Block, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d[i] = r[i] / theta
			x[i] = d[i]
		}
	})
	for step := 1; step < s.degree; step++ {
		rn := 1 / (2*sigma - rho)
		s.op.ChebyshevStep(next, d, r, x, nw, rn*rho, 2*rn/delta)
		d, next = next, d
		rho = rn
	}
	s.w, s.t1 = s.t1, s.w
}
