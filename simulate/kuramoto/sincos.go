package kuramoto

import (
	"math"
	"math/big"
)

// Fast sine and cosine for the right-hand side, which needs both for every
// node four times per RK4 step. math.Sincos costs several times more, mostly
// in its general range reduction; unwrapped phases stay far below 1e5.
//
// Method: Cody–Waite reduction x = k·π/2 + r with |r| ≲ π/4 (Cody & Waite,
// Software Manual for the Elementary Functions, 1980), using π/2 split into
// two 33-bit parts and a 53-bit tail, so k·part is exact for |k| < 2^20 and
// the first subtraction is exact (Sterbenz). sin r and cos r come from their
// Taylor polynomials to degree 15 and 16, whose truncation error on
// |r| ≤ π/4 is below 5e-17. Absolute error is about 2e-16 (tested against
// math.Sincos).

// sincosMax bounds the arguments handled by the fast path; beyond it (and for
// NaN and ±Inf) math.Sincos takes over. It keeps |k| < 2^19.
const sincosMax = 8e5

// Parts of π/2 for the reduction: pio2a and pio2b have 33 significant bits,
// pio2c is the rounded rest.
var pio2a, pio2b, pio2c = splitPiOver2()

// splitPiOver2 derives the Cody–Waite constants from a 100-digit π.
func splitPiOver2() (a, b, c float64) {
	const pi100 = "3.141592653589793238462643383279502884197169399375105820974944592307816406286208998628034825342117068"
	const prec = 400
	hp, _, err := big.ParseFloat(pi100, 10, prec, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	hp.Quo(hp, big.NewFloat(2))
	part := func(x *big.Float) (float64, *big.Float) {
		p := new(big.Float).SetMode(big.ToNearestEven).SetPrec(33).Set(x)
		f, _ := p.Float64()
		return f, new(big.Float).SetPrec(prec).Sub(x, p)
	}
	a, r := part(hp)
	b, r = part(r)
	c, _ = r.Float64()
	return a, b, c
}

// Taylor coefficients (−1)^j/(2j+1)! for sine and (−1)^j/(2j)! for cosine.
const (
	s3  = -1.0 / 6
	s5  = 1.0 / 120
	s7  = -1.0 / 5040
	s9  = 1.0 / 362880
	s11 = -1.0 / 39916800
	s13 = 1.0 / 6227020800
	s15 = -1.0 / 1307674368000

	c4  = 1.0 / 24
	c6  = -1.0 / 720
	c8  = 1.0 / 40320
	c10 = -1.0 / 3628800
	c12 = 1.0 / 479001600
	c14 = -1.0 / 87178291200
	c16 = 1.0 / 20922789888000
)

// sincos returns sin x and cos x; see sincosInto.
func sincos(x float64) (s, c float64) {
	var v [1][2]float64
	sincosInto(v[:], []float64{x})
	return v[0][0], v[0][1]
}

// sincosInto sets sc[i] = (sin x[i], cos x[i]).
func sincosInto(sc [][2]float64, x []float64) {
	const (
		twoOverPi = 2 / math.Pi
		round     = 0x1.8p52 // adding and subtracting it rounds to an integer
	)
	a, b, c := pio2a, pio2b, pio2c
	sc = sc[:len(x)]
	for i, v := range x {
		if !(math.Abs(v) <= sincosMax) {
			s, co := math.Sincos(v)
			sc[i] = [2]float64{s, co}
			continue
		}
		kf := (v*twoOverPi + round) - round
		r := v - kf*a
		r -= kf * b
		r -= kf * c
		// Estrin's scheme in z = r² keeps the dependency chains short.
		z := r * r
		z2 := z * z
		z4 := z2 * z2
		ps := (s3 + s5*z) + z2*(s7+s9*z) + z4*((s11+s13*z)+z2*s15)
		pc := (c4 + c6*z) + z2*(c8+c10*z) + z4*((c12+c14*z)+z2*c16)
		sr := r + (r*z)*ps
		cr := (1 - 0.5*z) + z2*pc
		// Quadrant k mod 4 without branches: odd k swaps sin and cos,
		// sin flips sign for k ≡ 2, 3 and cos for k ≡ 1, 2.
		k := int64(kf)
		swap := -uint64(k & 1)
		sb, cb := math.Float64bits(sr), math.Float64bits(cr)
		ss := sb&^swap | cb&swap
		cc := cb&^swap | sb&swap
		ss ^= uint64(k>>1&1) << 63
		cc ^= uint64((k^k>>1)&1) << 63
		sc[i] = [2]float64{math.Float64frombits(ss), math.Float64frombits(cc)}
	}
}
