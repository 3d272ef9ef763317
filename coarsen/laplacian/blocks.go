package laplacian

import (
	"math"
)

// unionFind is a disjoint-set forest with path halving; the root of a set is
// its smallest member, so labels do not depend on the order of unions.
type unionFind []int32

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = int32(i)
	}
	return u
}

func (u unionFind) find(x int32) int32 {
	for u[x] != x {
		u[x] = u[u[x]]
		x = u[x]
	}
	return x
}

func (u unionFind) union(a, b int32) {
	a, b = u.find(a), u.find(b)
	if a < b {
		u[b] = a
	} else if b < a {
		u[a] = b
	}
}

// labels numbers the sets 0, 1, … in order of their smallest member.
func (u unionFind) labels() ([]int32, int) {
	out := make([]int32, len(u))
	id := make([]int32, len(u))
	for i := range id {
		id[i] = -1
	}
	nc := int32(0)
	for i := range u {
		r := u.find(int32(i))
		if id[r] < 0 {
			id[r] = nc
			nc++
		}
		out[i] = id[r]
	}
	return out, int(nc)
}

// denseBlocks applies the metagraph rule ζ_ij = H(ρ_ij/min(ρ_ii, ρ_jj) − 1)
// to every pair of a connected graph with spectrum s and returns the
// connected components of ζ. The rule is invariant under adding the same
// constant to every entry and under positive scaling, so it is evaluated on
// M = Σ_{k≥1} e^{−τ(λ_k − λ_1)} v_k v_kᵀ = (Z ρ − 11ᵀ/N) e^{τλ_1}: dropping
// the zero mode keeps the differences that decide ζ from cancelling against
// 1/N, and the shift keeps them from underflowing at large τ.
func denseBlocks(s *Spectrum, tau float64) ([]int32, int) {
	n := len(s.Values)
	uf := newUnionFind(n)
	if n == 1 {
		return uf.labels()
	}
	l1 := s.Values[1]
	m := s.function(func(l float64) float64 { return math.Exp(-tau * (l - l1)) }, 1)
	for i := 0; i < n; i++ {
		mii := m.At(i, i)
		for j := i + 1; j < n; j++ {
			if mij := m.At(i, j); mij >= min(mii, m.At(j, j)) {
				uf.union(int32(i), int32(j))
			}
		}
	}
	return uf.labels()
}
