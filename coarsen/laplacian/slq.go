package laplacian

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/roma-go/roma/stages/par"
)

// slqStream is the second PCG seed word of the probe vectors.
const slqStream = 0x4c52_4753_4c51_0001 // "LRGSLQ"

// slq estimates the spectral measure of L by stochastic Lanczos quadrature
// (Ubaru, Chen and Saad, SIAM J. Matrix Anal. Appl. 38, 1075 (2017)): for
// each Rademacher probe z, m Lanczos steps from z give a tridiagonal T whose
// eigenvalues θ_j and squared first eigenvector components w_j² form an
// m-node Gauss quadrature of the measure zᵀ δ(L − λ) z/‖z‖², so that
// Tr f(L) ≈ (N/probes) Σ_z Σ_j w_j² f(θ_j) for every f at once. The zero
// modes are known exactly (one per component, eigenvector the component's
// indicator), so the probes are projected off them and the zero node is added
// with weight equal to the number of components: this removes the largest
// source of variance at large τ, where Z(τ) → #components.
//
// Lanczos runs without reorthogonalisation; in floating point its Gauss
// quadrature stays accurate (Knizhnerman 1996; Meurant & Strakoš, Acta
// Numerica 2006), and the probes are re-projected each step so rounding
// cannot grow a component along the zero modes.
func slq(op *operator, comp []int32, ncomp int, probes, steps int, seed uint64) (*Measure, error) {
	n := op.n
	csize := make([]float64, ncomp)
	for _, c := range comp {
		csize[c]++
	}
	deflate := func(v []float64) {
		mean := make([]float64, ncomp)
		for i, x := range v {
			mean[comp[i]] += x
		}
		for c := range mean {
			mean[c] /= csize[c]
		}
		par.For(n, 0, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				v[i] -= mean[comp[i]]
			}
		})
	}
	pdot := func(a, b []float64) float64 {
		return par.Sum(n, 0, func(lo, hi int) float64 {
			s := 0.0
			for i := lo; i < hi; i++ {
				s += a[i] * b[i]
			}
			return s
		})
	}
	m := &Measure{Nodes: []float64{0}, Weights: []float64{float64(ncomp)}}
	if n == ncomp {
		return m, nil // no edges: only zero modes
	}
	rng := rand.New(rand.NewPCG(seed, slqStream))
	q, qp, w := make([]float64, n), make([]float64, n), make([]float64, n)
	var alpha, beta []float64
	var td tridiag
	share := float64(n-ncomp) / float64(probes)
	for p := 0; p < probes; p++ {
		for i := range q {
			q[i] = float64(int(rng.Uint64()&1)*2 - 1)
		}
		deflate(q)
		nq := math.Sqrt(pdot(q, q))
		if nq == 0 {
			return nil, fmt.Errorf("laplacian: probe %d vanished after deflation", p)
		}
		for i := range q {
			q[i] /= nq
		}
		clear(qp)
		alpha, beta = alpha[:0], beta[:0]
		for k := 0; k < steps; k++ {
			op.mul(w, q)
			a := pdot(q, w)
			bp := 0.0
			if k > 0 {
				bp = beta[k-1]
			}
			par.For(n, 0, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					w[i] -= a*q[i] + bp*qp[i]
				}
			})
			deflate(w)
			alpha = append(alpha, a)
			b := math.Sqrt(pdot(w, w))
			beta = append(beta, b)
			if b <= 1e-12*(math.Abs(a)+1) {
				break // invariant subspace: the quadrature is exact
			}
			par.For(n, 0, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					qp[i], q[i] = q[i], w[i]/b
				}
			})
		}
		if err := td.factor(alpha, beta); err != nil {
			return nil, err
		}
		for j, x := range td.d {
			m.Nodes = append(m.Nodes, max(x, 0))
			m.Weights = append(m.Weights, share*td.w[j]*td.w[j])
		}
	}
	return m, nil
}
