package laplacian

import (
	"fmt"
	"math"
	"slices"
)

// Measure is a discrete spectral measure of a Laplacian: node Nodes[k] (an
// eigenvalue, or a quadrature node standing for nearby eigenvalues) carries
// weight Weights[k] ≥ 0, and the weights sum to the number of graph nodes.
// The exact spectrum has unit weights; stochastic Lanczos quadrature gives
// fractional ones. Every entropic quantity of the LRG is a functional of it.
type Measure struct {
	Nodes, Weights []float64
}

// N is the total weight, the number of graph nodes.
func (m *Measure) N() float64 {
	s := 0.0
	for _, w := range m.Weights {
		s += w
	}
	return s
}

// thermo returns the entropy S(τ) and specific heat C(τ) of m at one τ ≥ 0:
// with p_k = e^{−τλ_k}/Z, S = −Σ w_k p_k ln p_k/ln N and
// C = −dS/d ln τ = τ² Var_p(λ)/ln N. Factors are shifted by the smallest
// node so that large τ neither underflows Z nor cancels in ln p.
func (m *Measure) thermo(tau float64) (s, c float64) {
	if len(m.Nodes) == 0 {
		return math.NaN(), math.NaN()
	}
	lo := slices.Min(m.Nodes)
	z := 0.0
	for k, x := range m.Nodes {
		z += m.Weights[k] * math.Exp(-tau*(x-lo))
	}
	lz := math.Log(z)
	mean := 0.0
	for k, x := range m.Nodes {
		if w := m.Weights[k]; w > 0 {
			a := -tau * (x - lo)
			p := math.Exp(a - lz)
			if p > 0 {
				s -= w * p * (a - lz)
			}
			mean += w * p * x
		}
	}
	v := 0.0
	for k, x := range m.Nodes {
		if w := m.Weights[k]; w > 0 {
			p := math.Exp(-tau*(x-lo) - lz)
			v += w * p * (x - mean) * (x - mean)
		}
	}
	ln := math.Log(m.N())
	return s / ln, tau * tau * v / ln
}

// Entropy returns the spectral entropy S(τ) = −(1/ln N) Σ_i μ_i ln μ_i,
// μ_i = e^{−τλ_i}/Z, at each τ (Villegas et al. 2022, 2023). It is 1 at τ = 0
// and tends to ln c/ln N as τ → ∞ for a graph with c components.
func (m *Measure) Entropy(taus []float64) []float64 {
	out := make([]float64, len(taus))
	for i, t := range taus {
		out[i], _ = m.thermo(t)
	}
	return out
}

// SpecificHeat returns C(τ) = −dS/d(ln τ) = τ² (⟨λ²⟩ − ⟨λ⟩²)/ln N at each τ,
// the derivative taken analytically from the measure (averages over μ).
func (m *Measure) SpecificHeat(taus []float64) []float64 {
	out := make([]float64, len(taus))
	for i, t := range taus {
		_, out[i] = m.thermo(t)
	}
	return out
}

// Range returns the interval of τ over which S(τ) changes: from a tenth of
// the shortest diffusion time 1/λ_max to ten times the longest, 1/λ_min⁺,
// λ_min⁺ the smallest node above the zero modes. The zero modes are the nodes
// below 1e-12·λ_max; nodes of weight below 10⁻³ (quadrature ghosts) are
// ignored.
func (m *Measure) Range() (lo, hi float64, err error) {
	top := slices.Max(m.Nodes)
	if !(top > 0) {
		return 0, 0, fmt.Errorf("laplacian: the graph has no edges, so diffusion has no time scale")
	}
	small := math.Inf(1)
	for k, x := range m.Nodes {
		if x > 1e-12*top && m.Weights[k] >= 1e-3 {
			small = min(small, x)
		}
	}
	return 0.1 / top, 10 / small, nil
}

// Peak is a local maximum of the specific heat C(τ), with the entropy there.
type Peak struct {
	Tau, C, S float64
}

// Peaks returns the local maxima of C(τ) on [lo, hi] in increasing τ:
// C is sampled at perDecade points per decade of τ, and each sampled maximum
// is refined by golden-section search in ln τ. Maxima lower than 1% of the
// highest one are dropped as ripples.
func (m *Measure) Peaks(lo, hi float64, perDecade int) []Peak {
	x, c := m.grid(lo, hi, perDecade)
	var out []Peak
	for i := 1; i+1 < len(x); i++ {
		if c[i] >= c[i-1] && c[i] > c[i+1] {
			t := m.golden(x[i-1], x[i+1], -1)
			s, ct := m.thermo(t)
			out = append(out, Peak{Tau: t, C: ct, S: s})
		}
	}
	top := 0.0
	for _, p := range out {
		top = max(top, p.C)
	}
	return slices.DeleteFunc(out, func(p Peak) bool { return p.C < 0.01*top })
}

// PlateauAfter returns the end of the transition whose specific-heat peak is
// at τ = after: the first local minimum of C(τ) beyond it, or, when C falls
// all the way (the last transition), the τ where it has dropped to 1% of
// C(after).
func (m *Measure) PlateauAfter(after, hi float64, perDecade int) float64 {
	x, c := m.grid(after, hi, perDecade)
	for i := 1; i+1 < len(x); i++ {
		if c[i] <= c[i-1] && c[i] < c[i+1] {
			return m.golden(x[i-1], x[i+1], 1)
		}
	}
	_, top := m.thermo(after)
	for i := range x {
		if c[i] <= 0.01*top {
			return math.Exp(x[i])
		}
	}
	return hi
}

// grid samples C at perDecade points per decade of τ ∈ [lo, hi], returning
// ln τ and C.
func (m *Measure) grid(lo, hi float64, perDecade int) (x, c []float64) {
	perDecade = max(perDecade, 2)
	if !(lo > 0) || !(hi > lo) {
		return nil, nil
	}
	a, b := math.Log(lo), math.Log(hi)
	n := int(math.Ceil((b-a)/math.Ln10*float64(perDecade))) + 1
	x = make([]float64, n)
	c = make([]float64, n)
	for i := range x {
		x[i] = a + (b-a)*float64(i)/float64(n-1)
		_, c[i] = m.thermo(math.Exp(x[i]))
	}
	return x, c
}

// golden minimises sign·C(e^x) over x ∈ [a, b] by golden-section search and
// returns τ = e^x (sign −1 finds a maximum).
func (m *Measure) golden(a, b, sign float64) float64 {
	f := func(x float64) float64 { _, c := m.thermo(math.Exp(x)); return sign * c }
	const r = 0.6180339887498949
	x1, x2 := b-r*(b-a), a+r*(b-a)
	f1, f2 := f(x1), f(x2)
	for b-a > 1e-7 {
		if f1 < f2 {
			b, x2, f2 = x2, x1, f1
			x1 = b - r*(b-a)
			f1 = f(x1)
		} else {
			a, x1, f1 = x1, x2, f2
			x2 = a + r*(b-a)
			f2 = f(x2)
		}
	}
	return math.Exp((a + b) / 2)
}
