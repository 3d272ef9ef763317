package laplacian

import (
	"fmt"
	"math"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages/par"
)

// operator is the combinatorial Laplacian L = D − A of a graph in CSR form:
// the off-diagonal weights of row i are w[ptr[i]:ptr[i+1]] at columns
// col[ptr[i]:ptr[i+1]] (sorted), and deg[i] = Σ_j w_ij.
type operator struct {
	n   int
	ptr []int64
	col []int32
	w   []float64
	deg []float64
}

// newOperator builds L for g, rejecting weights that are not finite and
// positive (the heat kernel of a Laplacian with negative weights is not a
// diffusion).
func newOperator(g *graph.Graph) (*operator, error) {
	if g == nil {
		return nil, fmt.Errorf("laplacian: nil graph")
	}
	if g.N < 1 {
		return nil, fmt.Errorf("laplacian: graph has %d nodes", g.N)
	}
	if g.W != nil && len(g.W) != len(g.Src) {
		return nil, fmt.Errorf("laplacian: graph has %d edges and %d weights", len(g.Src), len(g.W))
	}
	for i := range g.Src {
		a, b := g.Src[i], g.Dst[i]
		if a < 0 || int(a) >= g.N || b < 0 || int(b) >= g.N || a == b {
			return nil, fmt.Errorf("laplacian: edge %d (%d, %d) is a self-loop or has an id outside [0, %d)", i, a, b, g.N)
		}
		if w := g.Weight(i); !(w > 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("laplacian: edge %d (%d, %d) has weight %v, want finite and > 0", i, a, b, w)
		}
	}
	a := g.Adjacency()
	op := &operator{n: g.N, ptr: a.Ptr, col: a.Col, w: a.Val, deg: make([]float64, g.N)}
	for i := 0; i < g.N; i++ {
		s := 0.0
		for k := a.Ptr[i]; k < a.Ptr[i+1]; k++ {
			s += a.Val[k]
		}
		op.deg[i] = s
	}
	return op, nil
}

// mul sets y = L x.
func (op *operator) mul(y, x []float64) {
	par.For(op.n, 4096, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s := op.deg[i] * x[i]
			for k := op.ptr[i]; k < op.ptr[i+1]; k++ {
				s -= op.w[k] * x[op.col[k]]
			}
			y[i] = s
		}
	})
}

// maxEigBound is the Gershgorin bound max_i 2 deg_i ≥ λ_max(L).
func (op *operator) maxEigBound() float64 {
	m := 0.0
	for _, d := range op.deg {
		m = max(m, 2*d)
	}
	return m
}

// components labels the connected components of the graph 0, 1, … in order
// of their smallest node and returns the labels and the component sizes.
func (op *operator) components() (label []int32, size []int) {
	label = make([]int32, op.n)
	for i := range label {
		label[i] = -1
	}
	var stack []int32
	for s := 0; s < op.n; s++ {
		if label[s] >= 0 {
			continue
		}
		c := int32(len(size))
		label[s] = c
		stack = append(stack[:0], int32(s))
		cnt := 0
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			cnt++
			for k := op.ptr[u]; k < op.ptr[u+1]; k++ {
				if v := op.col[k]; label[v] < 0 {
					label[v] = c
					stack = append(stack, v)
				}
			}
		}
		size = append(size, cnt)
	}
	return label, size
}
