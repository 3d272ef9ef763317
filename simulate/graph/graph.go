// Package graph holds the undirected graphs the simulate stage builds or reads,
// and the compressed sparse row (CSR) form the dynamics run on.
package graph

import (
	"fmt"
	"sort"
)

// Graph is a simple undirected graph on nodes 0..N-1. Each edge is stored once
// with Src < Dst, sorted by (Src, Dst). R and Phi are the hyperbolic
// coordinates when the generator knows them, nil otherwise. W holds
// positive edge weights aligned with Src and Dst, or is nil for weight 1.
type Graph struct {
	N        int
	Src, Dst []int32
	W        []float64
	R, Phi   []float64
}

// Weight returns the weight of edge i.
func (g *Graph) Weight(i int) float64 {
	if g.W == nil {
		return 1
	}
	return g.W[i]
}

// NumEdges is the number of undirected edges.
func (g *Graph) NumEdges() int { return len(g.Src) }

// Degrees returns each node's degree.
func (g *Graph) Degrees() []int32 {
	deg := make([]int32, g.N)
	for i := range g.Src {
		deg[g.Src[i]]++
		deg[g.Dst[i]]++
	}
	return deg
}

// New builds a Graph from an edge list in any order and either direction.
// Self-loops and repeated edges are dropped; ids must lie in [0, n).
func New(n int, src, dst []int32) (*Graph, error) { return NewWeighted(n, src, dst, nil) }

// NewWeighted is New with edge weights (nil for all 1). An edge listed more
// than once, in either direction, must carry the same weight each time.
func NewWeighted(n int, src, dst []int32, w []float64) (*Graph, error) {
	if len(src) != len(dst) || (w != nil && len(w) != len(src)) {
		return nil, fmt.Errorf("graph: %d sources, %d destinations and %d weights", len(src), len(dst), len(w))
	}
	type edge struct {
		a, b int32
		w    float64
	}
	es := make([]edge, 0, len(src))
	for i := range src {
		a, b := src[i], dst[i]
		if a < 0 || int(a) >= n || b < 0 || int(b) >= n {
			return nil, fmt.Errorf("graph: edge %d (%d, %d) has an id outside [0, %d)", i, a, b, n)
		}
		if a == b {
			continue
		}
		if a > b {
			a, b = b, a
		}
		e := edge{a, b, 1}
		if w != nil {
			e.w = w[i]
		}
		es = append(es, e)
	}
	sort.Slice(es, func(i, j int) bool {
		if es[i].a != es[j].a {
			return es[i].a < es[j].a
		}
		return es[i].b < es[j].b
	})
	g := &Graph{N: n}
	for i, e := range es {
		if i > 0 && e.a == es[i-1].a && e.b == es[i-1].b {
			if e.w != es[i-1].w {
				return nil, fmt.Errorf("graph: edge (%d, %d) listed with weights %g and %g", e.a, e.b, es[i-1].w, e.w)
			}
			continue
		}
		g.Src = append(g.Src, e.a)
		g.Dst = append(g.Dst, e.b)
		if w != nil {
			g.W = append(g.W, e.w)
		}
	}
	return g, nil
}

// CSR is a sparse matrix in compressed sparse row form: row i's entries are
// Col[Ptr[i]:Ptr[i+1]] with values Val[Ptr[i]:Ptr[i+1]]. The dynamics use it
// with rows as receivers and columns as senders.
type CSR struct {
	N   int
	Ptr []int64
	Col []int32
	Val []float64
}

// Adjacency returns the symmetric adjacency of g in CSR form, values the edge
// weights (1 when g has none); columns within a row are sorted.
func (g *Graph) Adjacency() *CSR {
	deg := g.Degrees()
	m := &CSR{N: g.N, Ptr: make([]int64, g.N+1)}
	for i, d := range deg {
		m.Ptr[i+1] = m.Ptr[i] + int64(d)
	}
	m.Col = make([]int32, m.Ptr[g.N])
	m.Val = make([]float64, m.Ptr[g.N])
	next := append([]int64(nil), m.Ptr[:g.N]...)
	// Edges are sorted by (Src, Dst). Row r receives its lower neighbours
	// (edges with Dst = r, in increasing Src) before its higher ones (Src = r,
	// increasing Dst), so two ordered passes leave every row sorted.
	for i := range g.Src {
		a, b := g.Src[i], g.Dst[i]
		m.Col[next[b]], m.Val[next[b]] = a, g.Weight(i)
		next[b]++
	}
	for i := range g.Src {
		a, b := g.Src[i], g.Dst[i]
		m.Col[next[a]], m.Val[next[a]] = b, g.Weight(i)
		next[a]++
	}
	return m
}

// Subgraph returns the graph induced on keep (old ids, ascending), relabelled
// 0..len(keep)-1 in that order, with coordinates carried over.
func (g *Graph) Subgraph(keep []int32) *Graph {
	newID := make([]int32, g.N)
	for i := range newID {
		newID[i] = -1
	}
	for k, old := range keep {
		newID[old] = int32(k)
	}
	s := &Graph{N: len(keep)}
	for i := range g.Src {
		a, b := newID[g.Src[i]], newID[g.Dst[i]]
		if a >= 0 && b >= 0 {
			s.Src = append(s.Src, a)
			s.Dst = append(s.Dst, b)
			if g.W != nil {
				s.W = append(s.W, g.W[i])
			}
		}
	}
	if g.R != nil {
		s.R = make([]float64, len(keep))
		s.Phi = make([]float64, len(keep))
		for k, old := range keep {
			s.R[k], s.Phi[k] = g.R[old], g.Phi[old]
		}
	}
	return s
}

// LargestComponent returns the induced subgraph on the largest connected
// component (ties: the one holding the smallest node id), relabelled 0..n-1 in
// increasing old id, and the old id of each new node.
func (g *Graph) LargestComponent() (*Graph, []int32) {
	parent := make([]int32, g.N)
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for i := range g.Src {
		a, b := find(g.Src[i]), find(g.Dst[i])
		if a != b {
			if a < b {
				parent[b] = a
			} else {
				parent[a] = b
			}
		}
	}
	size := make([]int32, g.N)
	best := int32(0)
	for i := range parent {
		r := find(int32(i))
		size[r]++
		if size[r] > size[best] || (size[r] == size[best] && r < best) {
			best = r
		}
	}
	keep := make([]int32, 0, size[best])
	for i := range parent {
		if find(int32(i)) == best {
			keep = append(keep, int32(i))
		}
	}
	return g.Subgraph(keep), keep
}
