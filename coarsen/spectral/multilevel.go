package spectral

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/coarsen/linalg"
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages/par"
)

// minShrink is the largest coarse/fine node ratio for which coarsening is
// worth a level.
const minShrink = 0.9

// driver runs the solve on each level of the multilevel scheme.
type driver struct {
	opt    Options
	rng    *rand.Rand
	levels []LevelInfo // finest first
}

// levelResult is an orthonormal n×cols block of approximate eigenvectors
// (node-major, stride cols) with Ritz values and residuals.
type levelResult struct {
	x          []float64
	cols       int
	theta, res []float64
	converged  bool
	components int
}

// solve finds the lowest non-trivial eigenpairs of the Laplacian of g with
// self-loop weights loops (nil for none), depth levels below the input.
// final marks the input level, where K is checked and tol is the user's.
func (d *driver) solve(g *graph.Graph, loops []float64, depth int, tol float64, final bool) (*levelResult, error) {
	op, err := linalg.NewLaplacian(g, loops)
	if err != nil {
		return nil, err
	}
	null := newNullSpace(op)
	n := g.N
	avail := n - null.count
	if final && d.opt.K > avail {
		return nil, fmt.Errorf("spectral: K = %d eigenpairs requested, but a graph of %d nodes with %d connected components (with edges) has only %d non-trivial ones", d.opt.K, n, null.count, avail)
	}
	m := min(d.opt.K+d.opt.Guard, avail)
	k := min(d.opt.K, m)
	slot := len(d.levels)
	d.levels = append(d.levels, LevelInfo{N: n})
	var lr *levelResult
	if n <= denseMax || avail < 3*m {
		// LOBPCG needs room for its 3m-column basis; a block that large is
		// a dense problem anyway.
		if n > denseLimit {
			return nil, fmt.Errorf("spectral: %d eigenpairs (K + Guard) of a %d-node graph with %d non-trivial ones need a dense solve, which is limited to %d nodes", m, n, avail, denseLimit)
		}
		lr, err = denseSolve(op, null, m)
		if err != nil {
			return nil, err
		}
	} else {
		var x0 []float64
		c0 := 0
		if d.opt.Multilevel && n > d.opt.CoarsestSize {
			assign, nc, err := d.coarsening(g, loops, depth)
			if err != nil {
				return nil, err
			}
			if float64(nc) <= minShrink*float64(n) {
				cg, cl, err := galerkin(g, loops, assign, nc)
				if err != nil {
					return nil, err
				}
				coarse, err := d.solve(cg, cl, depth+1, max(tol, coarseTol), false)
				if err != nil {
					return nil, err
				}
				x0, c0 = prolong(coarse, op, assign, nc), coarse.cols
			}
		}
		s := newLOBPCG(op, null, m, d.opt.Degree)
		if err := s.start(x0, c0, d.rng); err != nil {
			return nil, err
		}
		conv, err := s.run(k, tol, d.opt.MaxIter)
		if err != nil {
			return nil, err
		}
		lr = &levelResult{x: s.x[:n*m], cols: m, theta: s.theta, res: s.res, converged: conv}
		d.levels[slot].Iterations = s.iters
	}
	lr.components = null.count
	d.levels[slot].Products = int(op.Products())
	d.levels[slot].MaxResidual = maxOf(lr.res[:k])
	return lr, nil
}

// coarsening returns the fine→coarse map for the graph depth levels below
// the input: the supplied Options.Levels while they last, then heavy-edge
// matching.
func (d *driver) coarsening(g *graph.Graph, loops []float64, depth int) ([]int32, int, error) {
	if depth < len(d.opt.Levels) {
		l := d.opt.Levels[depth]
		nc := 0
		for _, a := range l.Assign {
			nc = max(nc, int(a)+1)
		}
		if l.Coarse != nil {
			nc = l.Coarse.N
		}
		if err := hierarchy.CheckAssign(l.Assign, g.N, nc); err != nil {
			return nil, 0, fmt.Errorf("spectral: Levels[%d]: %w", depth, err)
		}
		return l.Assign, nc, nil
	}
	assign, nc := Match(g, loops)
	return assign, nc, nil
}

// Match is the built-in coarsening: a greedy heavy-edge matching in node
// order, scoring edge (u, v) by w_uv·(1/d_u + 1/d_v), the normalised-cut
// weight of Graclus (I. Dhillon, Y. Guan and B. Kulis, "Weighted graph cuts
// without eigenvectors: a multilevel approach", IEEE TPAMI 29(11), 2007).
// A node left unmatched (its neighbours all matched) joins the pair of its
// best-scoring neighbour, so the leaves of a hub collapse with it and every
// level at least halves the nodes of a connected graph; nodes of zero degree
// share one supernode. d includes the self-loop weights loops (nil for
// none). It returns the map from nodes to supernodes 0..nc−1.
func Match(g *graph.Graph, loops []float64) (assign []int32, nc int) {
	a := g.Adjacency()
	n := g.N
	deg := make([]float64, n)
	for i := 0; i < n; i++ {
		for e := a.Ptr[i]; e < a.Ptr[i+1]; e++ {
			deg[i] += a.Val[e]
		}
		if loops != nil {
			deg[i] += loops[i]
		}
	}
	score := func(u int, e int64) float64 {
		v := a.Col[e]
		return a.Val[e] * (1/deg[u] + 1/deg[v])
	}
	assign = make([]int32, n)
	for i := range assign {
		assign[i] = -1
	}
	for u := 0; u < n; u++ {
		if assign[u] >= 0 {
			continue
		}
		best, bs := int32(-1), -1.0
		for e := a.Ptr[u]; e < a.Ptr[u+1]; e++ {
			if v := a.Col[e]; assign[v] < 0 {
				if s := score(u, e); s > bs {
					best, bs = v, s
				}
			}
		}
		if best >= 0 {
			assign[u], assign[best] = int32(nc), int32(nc)
			nc++
		}
	}
	zero := int32(-1)
	for u := 0; u < n; u++ {
		if assign[u] >= 0 {
			continue
		}
		best, bs := int32(-1), -1.0
		for e := a.Ptr[u]; e < a.Ptr[u+1]; e++ {
			if s := score(u, e); s > bs {
				best, bs = a.Col[e], s
			}
		}
		switch {
		case best >= 0 && assign[best] >= 0:
			assign[u] = assign[best]
		case deg[u] == 0:
			if zero < 0 {
				zero = int32(nc)
				nc++
			}
			assign[u] = zero
		default: // only a self-loop
			assign[u] = int32(nc)
			nc++
		}
	}
	return assign, nc
}

// galerkin returns the coarse graph of g under assign with summed edge
// weights, and the coarse self-loop weights: each supernode keeps the fine
// self-loops of its members plus twice the weight of the edges inside it, so
// that its degree is the volume Σ d_i of its members. Then the coarse
// normalised Laplacian is the Rayleigh–Ritz (Galerkin) restriction of the
// fine one to vectors D^{1/2}·f with f constant on supernodes.
func galerkin(g *graph.Graph, loops []float64, assign []int32, nc int) (*graph.Graph, []float64, error) {
	cg, err := hierarchy.Coarsen(g, assign, nc)
	if err != nil {
		return nil, nil, err
	}
	cl := make([]float64, nc)
	for i := range g.Src {
		if a := assign[g.Src[i]]; a == assign[g.Dst[i]] {
			cl[a] += 2 * g.Weight(i)
		}
	}
	for i, s := range loops {
		cl[assign[i]] += s
	}
	return cg, cl, nil
}

// prolong interpolates a coarse block to the fine graph of op: with the
// coarse vector u = D_c^{1/2}·f, the fine one is D^{1/2}·f with f constant on
// supernodes, v_i = sqrt(d_i)·u_a/sqrt(vol_a). Because vol_a = Σ_{i∈a} d_i
// this is an isometry, so an orthonormal coarse block stays orthonormal.
func prolong(c *levelResult, op *linalg.Laplacian, assign []int32, nc int) []float64 {
	sd := op.SqrtDegrees()
	vol := make([]float64, nc)
	for i, a := range assign {
		vol[a] += sd[i] * sd[i]
	}
	scale := make([]float64, len(assign))
	for i, a := range assign {
		if vol[a] > 0 {
			scale[i] = sd[i] / math.Sqrt(vol[a])
		}
	}
	k := c.cols
	x := make([]float64, len(assign)*k)
	par.For(len(assign), par.Block, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			a := int(assign[i])
			src, dst := c.x[a*k:a*k+k], x[i*k:i*k+k]
			for j := range dst {
				dst[j] = scale[i] * src[j]
			}
		}
	})
	return x
}

// denseSolve finds the m lowest non-trivial eigenpairs of a small Laplacian
// with gonum's dense symmetric eigensolver. The null space is moved out of
// the way by adding 3·Y·Yᵀ (Y its orthonormal basis), which lifts its
// eigenvalue 0 above the spectrum of L, which lies in [0, 2].
func denseSolve(op *linalg.Laplacian, null *nullSpace, m int) (*levelResult, error) {
	n := op.N()
	id := make([]float64, n*n)
	for i := 0; i < n; i++ {
		id[i*n+i] = 1
	}
	a := make([]float64, n*n)
	op.ApplyBlock(a, id, n) // L is symmetric: row-major L·I is L
	for i := 0; i < n; i++ {
		if ci := null.label[i]; ci >= 0 {
			for j := 0; j < n; j++ {
				if null.label[j] == ci {
					a[i*n+j] += 3 * null.y[i] * null.y[j]
				}
			}
		}
	}
	vals, vecs, err := symEig(a, n)
	if err != nil {
		return nil, err
	}
	lr := &levelResult{x: make([]float64, n*m), cols: m, theta: vals[:m], res: make([]float64, m), converged: true}
	for i := 0; i < n; i++ {
		copy(lr.x[i*m:i*m+m], vecs[i*n:i*n+m])
	}
	ax := make([]float64, n*m)
	op.ApplyBlock(ax, lr.x, m)
	for j := 0; j < m; j++ {
		s := 0.0
		for i := 0; i < n; i++ {
			r := ax[i*m+j] - vals[j]*lr.x[i*m+j]
			s += r * r
		}
		lr.res[j] = math.Sqrt(s)
	}
	return lr, nil
}
