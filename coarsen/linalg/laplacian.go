// Package linalg holds the sparse and tall-skinny dense linear algebra of the
// coarsen stage: the symmetric normalised graph Laplacian as a matrix-free
// operator on blocks of vectors, and the dense products that block
// eigensolvers apply to n×k node-major blocks.
//
// A block of k vectors on n nodes is stored node-major: entry (i, c) of X is
// X[i*k+c], so one pass over a sparse row reads each neighbour's k values
// from one contiguous stretch of memory. All parallel loops use stages/par
// with a partition fixed by the problem size, so results are bit-identical
// on any number of cores.
package linalg

import (
	"fmt"
	"math"
	"sync/atomic"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages/par"
)

// rowBlock is the number of rows in one parallel block of a sparse product;
// rows are independent, so it affects speed only.
const rowBlock = 2048

// Laplacian is the symmetric normalised Laplacian
//
//	L = I − D^{-1/2} (A + S) D^{-1/2},  D = diag((A + S)·1),
//
// of a weighted undirected graph with adjacency A and optional self-loop
// weights S = diag(s) (used for Galerkin coarse graphs, whose supernodes keep
// the weight of their internal edges). Without self-loops this is PyTorch
// Geometric's get_laplacian(normalization="sym"), which the reference uses
// (spec §1.5).
//
// An isolated node (zero degree) has L_ii = 1 and no other entries, as in
// get_laplacian: it contributes the eigenvalue 1 with eigenvector e_i, and no
// zero eigenvalue. Every connected component with at least one edge (or a
// positive self-loop) contributes one zero eigenvalue, with eigenvector
// D^{1/2}·1 restricted to the component.
//
// Apply and ApplyBlock may be called from several goroutines at once; the
// product counters are atomic.
type Laplacian struct {
	n       int
	ptr     []int64
	col     []int32
	val     []float64 // w_ij / sqrt(d_i d_j): the off-diagonal entries, negated
	diag    []float64 // L_ii: 1 − s_i/d_i, or 1 for an isolated node
	sqrtDeg []float64 // sqrt(d_i)

	products atomic.Int64 // matrix–vector products, k per block product
	passes   atomic.Int64 // passes over the sparse matrix
}

// NewLaplacian builds the normalised Laplacian of g from g.Adjacency().
// loops, when not nil, holds a non-negative self-loop weight per node.
// It fails on a non-positive or non-finite edge weight or a bad loop weight.
func NewLaplacian(g *graph.Graph, loops []float64) (*Laplacian, error) {
	if g == nil {
		return nil, fmt.Errorf("linalg: nil graph")
	}
	if loops != nil && len(loops) != g.N {
		return nil, fmt.Errorf("linalg: %d self-loop weights for %d nodes", len(loops), g.N)
	}
	for i := range g.Src {
		if w := g.Weight(i); !(w > 0) || math.IsInf(w, 1) {
			return nil, fmt.Errorf("linalg: edge %d (%d, %d) has weight %v, want a finite positive weight", i, g.Src[i], g.Dst[i], w)
		}
	}
	for i, s := range loops {
		if !(s >= 0) || math.IsInf(s, 1) {
			return nil, fmt.Errorf("linalg: node %d has self-loop weight %v, want a finite non-negative weight", i, s)
		}
	}
	a := g.Adjacency()
	n := g.N
	l := &Laplacian{n: n, ptr: a.Ptr, col: a.Col, val: a.Val,
		diag: make([]float64, n), sqrtDeg: make([]float64, n)}
	// Degrees summed in row order, the same on any machine.
	for i := 0; i < n; i++ {
		d := 0.0
		for e := a.Ptr[i]; e < a.Ptr[i+1]; e++ {
			d += a.Val[e]
		}
		if loops != nil {
			d += loops[i]
		}
		l.sqrtDeg[i] = math.Sqrt(d)
		l.diag[i] = 1
		if d > 0 && loops != nil {
			l.diag[i] = 1 - loops[i]/d
		}
	}
	for i := 0; i < n; i++ {
		for e := a.Ptr[i]; e < a.Ptr[i+1]; e++ {
			l.val[e] /= l.sqrtDeg[i] * l.sqrtDeg[a.Col[e]]
		}
	}
	return l, nil
}

// N is the number of nodes (rows of L).
func (l *Laplacian) N() int { return l.n }

// NNZ is the number of stored off-diagonal entries (twice the edge count).
func (l *Laplacian) NNZ() int { return len(l.col) }

// SqrtDegrees returns sqrt(d_i) for every node, self-loops included; the
// kernel of L is spanned by this vector restricted to each component. The
// slice is shared: do not modify it.
func (l *Laplacian) SqrtDegrees() []float64 { return l.sqrtDeg }

// Products returns the number of sparse matrix–vector products so far: one
// per Apply, k per ApplyBlock of k vectors.
func (l *Laplacian) Products() int64 { return l.products.Load() }

// Passes returns the number of passes over the sparse matrix so far: one per
// Apply or ApplyBlock call, whatever the block width. Memory traffic scales
// with passes, arithmetic with products.
func (l *Laplacian) Passes() int64 { return l.passes.Load() }

// ResetCounters sets Products and Passes to zero.
func (l *Laplacian) ResetCounters() {
	l.products.Store(0)
	l.passes.Store(0)
}

// Apply sets dst = L x. dst and x have length N and must not overlap.
func (l *Laplacian) Apply(dst, x []float64) {
	if len(dst) != l.n || len(x) != l.n {
		panic(fmt.Sprintf("linalg: Apply with len(dst) = %d, len(x) = %d on %d nodes", len(dst), len(x), l.n))
	}
	l.products.Add(1)
	l.passes.Add(1)
	par.For(l.n, rowBlock, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s := l.diag[i] * x[i]
			for e := l.ptr[i]; e < l.ptr[i+1]; e++ {
				s -= l.val[e] * x[l.col[e]]
			}
			dst[i] = s
		}
	})
}

// ApplyBlock sets dst = L X for a node-major block X of k vectors (N×k,
// entry (i, c) at X[i*k+c]) in one pass over the sparse matrix. dst has the
// same shape and must not overlap X. It counts k products.
func (l *Laplacian) ApplyBlock(dst, X []float64, k int) {
	if k < 1 || len(dst) != l.n*k || len(X) != l.n*k {
		panic(fmt.Sprintf("linalg: ApplyBlock with len(dst) = %d, len(X) = %d, k = %d on %d nodes", len(dst), len(X), k, l.n))
	}
	if k == 1 {
		l.Apply(dst, X)
		return
	}
	l.products.Add(int64(k))
	l.passes.Add(1)
	par.For(l.n, rowBlock, func(lo, hi int) { l.applyRows(dst, X, k, lo, hi) })
}

// applyRows forms rows [lo, hi) of L·X. Columns go in groups of eight held in
// registers across the row's neighbours, so each output is stored once;
// the neighbours' rows stay in L1 cache between groups. Every entry is
// summed in the same order as in Apply.
func (l *Laplacian) applyRows(dst, X []float64, k, lo, hi int) {
	for i := lo; i < hi; i++ {
		d := dst[i*k : i*k+k]
		xi := X[i*k : i*k+k]
		di := l.diag[i]
		cols, vals := l.col[l.ptr[i]:l.ptr[i+1]], l.val[l.ptr[i]:l.ptr[i+1]]
		vals = vals[:len(cols)]
		c := 0
		for ; c+8 <= k; c += 8 {
			s0, s1, s2, s3 := di*xi[c], di*xi[c+1], di*xi[c+2], di*xi[c+3]
			s4, s5, s6, s7 := di*xi[c+4], di*xi[c+5], di*xi[c+6], di*xi[c+7]
			for e, j := range cols {
				v := vals[e]
				xj := X[int(j)*k+c : int(j)*k+c+8]
				s0 -= v * xj[0]
				s1 -= v * xj[1]
				s2 -= v * xj[2]
				s3 -= v * xj[3]
				s4 -= v * xj[4]
				s5 -= v * xj[5]
				s6 -= v * xj[6]
				s7 -= v * xj[7]
			}
			d[c], d[c+1], d[c+2], d[c+3] = s0, s1, s2, s3
			d[c+4], d[c+5], d[c+6], d[c+7] = s4, s5, s6, s7
		}
		for ; c+4 <= k; c += 4 {
			s0, s1, s2, s3 := di*xi[c], di*xi[c+1], di*xi[c+2], di*xi[c+3]
			for e, j := range cols {
				v := vals[e]
				xj := X[int(j)*k+c : int(j)*k+c+4]
				s0 -= v * xj[0]
				s1 -= v * xj[1]
				s2 -= v * xj[2]
				s3 -= v * xj[3]
			}
			d[c], d[c+1], d[c+2], d[c+3] = s0, s1, s2, s3
		}
		for ; c < k; c++ {
			s := di * xi[c]
			for e, j := range cols {
				s -= vals[e] * X[int(j)*k+c]
			}
			d[c] = s
		}
	}
}

// ChebyshevStep performs one step of the Chebyshev semi-iteration for
// L·z = b on a block of k vectors (Y. Saad, Iterative Methods for Sparse
// Linear Systems, 2nd ed., SIAM 2003, Alg. 12.1) in one pass over the
// matrix:
//
//	r ← r − L·d,  next ← c1·d + c2·r,  z ← z + next.
//
// Each block of rows is updated while its product is still in cache, which
// saves a pass over four N×k blocks compared with ApplyBlock followed by the
// vector updates. All slices are N×k node-major; next must not overlap d,
// r or z. It counts k products.
func (l *Laplacian) ChebyshevStep(next, d, r, z []float64, k int, c1, c2 float64) {
	if k < 1 || len(next) != l.n*k || len(d) != l.n*k || len(r) != l.n*k || len(z) != l.n*k {
		panic(fmt.Sprintf("linalg: ChebyshevStep with lengths %d, %d, %d, %d, k = %d on %d nodes", len(next), len(d), len(r), len(z), k, l.n))
	}
	l.products.Add(int64(k))
	l.passes.Add(1)
	par.For(l.n, rowBlock, func(lo, hi int) {
		l.applyRows(next, d, k, lo, hi)
		nb, db, rb, zb := next[lo*k:hi*k], d[lo*k:hi*k], r[lo*k:hi*k], z[lo*k:hi*k]
		db, rb, zb = db[:len(nb)], rb[:len(nb)], zb[:len(nb)]
		for i, ad := range nb {
			ri := rb[i] - ad
			rb[i] = ri
			v := c1*db[i] + c2*ri
			nb[i] = v
			zb[i] += v
		}
	})
}
