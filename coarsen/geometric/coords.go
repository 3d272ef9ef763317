package geometric

import (
	"errors"
	"fmt"
	"math"
)

// hugeBeta is where β·x could overflow for the radii and log-angles met in
// practice; beyond it the β = ∞ limits are used, which agree to rounding.
const hugeBeta = 1e250

// SupernodeRadius returns the H² radius of a supernode whose members have
// radii rs: r' = −(2/β) ln Σ_j e^{−β r_j/2}, the κ' = (Σ κ_j^β)^{1/β} rule
// of García-Pérez et al. (2018) under r = R̂ − 2 ln(κ/κ₀) with κ₀ and R̂
// held fixed (package documentation). It is at most min_j r_j, and equal to
// it for β = ∞. rs must not be empty.
func SupernodeRadius(rs []float64, beta float64) float64 {
	lo := math.Inf(1)
	for _, x := range rs {
		lo = min(lo, x)
	}
	if beta >= hugeBeta {
		return lo
	}
	// Log-sum-exp about the minimum: every term is in (0, 1].
	s := 0.0
	for _, x := range rs {
		s += math.Exp(-beta * (x - lo) / 2)
	}
	return lo - 2/beta*math.Log(s)
}

// SupernodeAngle returns the angle of a supernode from its members' angles
// ts (≥ 0, unwrapped so the block is contiguous) and radii rs:
// θ' = (Σ_j (θ_j κ_j)^β / Σ_j κ_j^β)^{1/β} (García-Pérez et al. 2018) with
// κ_j ∝ e^{−r_j/2}. It lies in [min ts, max ts]; for β = ∞ it is
// max_j(θ_j κ_j)/max_j κ_j. ts and rs must have the same non-zero length.
func SupernodeAngle(ts, rs []float64, beta float64) float64 {
	tlo, thi := math.Inf(1), math.Inf(-1)
	for _, t := range ts {
		tlo, thi = min(tlo, t), max(thi, t)
	}
	if thi <= 0 || tlo == thi {
		return thi
	}
	// ln θ' = [LSE_j(β(ln θ_j − r_j/2)) − LSE_j(−β r_j/2)]/β; the κ₀ and R̂
	// in ln κ_j cancel. θ_j = 0 contributes ln 0 = −∞, i.e. nothing.
	m1, m2 := math.Inf(-1), math.Inf(-1)
	for j, t := range ts {
		m1 = max(m1, math.Log(t)-rs[j]/2)
		m2 = max(m2, -rs[j]/2)
	}
	lt := m1 - m2
	if beta < hugeBeta {
		s1, s2 := 0.0, 0.0
		for j, t := range ts {
			s1 += math.Exp(beta * (math.Log(t) - rs[j]/2 - m1))
			s2 += math.Exp(beta * (-rs[j]/2 - m2))
		}
		lt += (math.Log(s1) - math.Log(s2)) / beta
	}
	// The power mean lies in [tlo, thi]; clamp the rounding of exp(log).
	return min(max(math.Exp(lt), tlo), thi)
}

// RadiiFromDegrees maps degrees to H² radii for a graph without coordinates:
// κ_i = k_i (the S¹ model's κ is the expected degree; an isolated node gets
// κ = 1/2 so that its radius is finite), κ₀ = min κ, μ = β sin(π/β) /
// (2π⟨κ⟩) (the S¹ normalization giving ⟨k⟩ = ⟨κ⟩; μ = 1/(2⟨κ⟩) at β = ∞),
// R̂ = 2 ln(N/(π μ κ₀²)) and r_i = R̂ − 2 ln(κ_i/κ₀) (Serrano, Krioukov &
// Boguñá 2008; Krioukov et al. 2010). For a power law with exponent
// γ = 2α + 1 this R̂ is the 2 ln(N/v) of simulate/hrg with ⟨k⟩ =
// (2/π)(α/(α − ½))² v. beta must exceed 1, where μ is defined.
func RadiiFromDegrees(deg []int32, beta float64) ([]float64, error) {
	if !(beta > 1) {
		return nil, fmt.Errorf("geometric: radii from degrees need beta > 1 (the S¹ model's μ is undefined below), got %v", beta)
	}
	n := len(deg)
	if n == 0 {
		return nil, errors.New("geometric: radii from degrees: no nodes")
	}
	kappa := make([]float64, n)
	k0, sum := math.Inf(1), 0.0
	for i, k := range deg {
		kappa[i] = max(float64(k), 0.5)
		k0 = min(k0, kappa[i])
		sum += kappa[i]
	}
	mean := sum / float64(n)
	mu := 1 / (2 * mean)
	if beta < hugeBeta {
		mu = beta * math.Sin(math.Pi/beta) / (2 * math.Pi * mean)
	}
	rhat := 2 * math.Log(float64(n)/(math.Pi*mu*k0*k0))
	rad := make([]float64, n)
	for i, k := range kappa {
		rad[i] = rhat - 2*math.Log(k/k0)
	}
	return rad, nil
}

// AnglesFromEigenvectors returns θ_i = atan2(v_i, u_i) in [0, 2π): the
// Laplacian-eigenmap angles of LaBNE (Alanis-Lobato, Mier & Andrade-Navarro,
// "Efficient embedding of complex networks to hyperbolic space via their
// Laplacian", Sci. Rep. 6, 30108, 2016), where u and v are the eigenvectors
// of the second and third smallest eigenvalues of the eigenmap problem
// L f = λ D f (Belkin & Niyogi 2003). Those of the symmetric normalized
// Laplacian D^{−1/2} L D^{−1/2} serve as well: they differ by the positive
// factor √d_i per node, which atan2 ignores. The eigensolver lives elsewhere
// (coarsen/spectral); wrap this in an AngleFunc for Options.SpectralAngles.
func AnglesFromEigenvectors(u, v []float64) ([]float64, error) {
	if len(u) != len(v) {
		return nil, fmt.Errorf("geometric: eigenvectors of lengths %d and %d", len(u), len(v))
	}
	th := make([]float64, len(u))
	for i := range u {
		if math.IsNaN(u[i]) || math.IsNaN(v[i]) || math.IsInf(u[i], 0) || math.IsInf(v[i], 0) {
			return nil, fmt.Errorf("geometric: eigenvector entries (%v, %v) of node %d are not finite", u[i], v[i], i)
		}
		th[i] = normAngle(math.Atan2(v[i], u[i]))
	}
	return th, nil
}
