// Package fourier holds the random Fourier features of the trunk coordinates
// tx = (t, x1, x2, x3) (spec §2.7): φ(tx) = interleave(sin(Bᵀtx), cos(Bᵀtx)),
// with analytic first and pure second derivatives for the latent-PDE
// residuals (spec §2.7 "Derivatives", §2.8).
package fourier

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Coords is the number of trunk coordinates, (t, x1, x2, x3) (spec §2.7).
const Coords = 4

// SpaceCoords is the number of latent space coordinates x1..x3, whose pure second
// derivatives give the Laplacian (spec §2.7).
const SpaceCoords = 3

// pcgStream is the second PCG seed word; fixed so that the seed alone
// determines B.
const pcgStream = 0x524f4d41_46465431 // "ROMAFFT1"

// Features is the Fourier feature map φ: ℝ⁴ → ℝ^Dim (spec §2.7), with
// B ∈ ℝ^{4×Dim/2}. It is read-only and safe for concurrent use.
type Features struct {
	m int               // Dim/2 frequencies
	b [Coords][]float64 // b[a][j] = B[a, j]
}

// New draws B = scalers ⊙ N(0,1)^{4×coordDim/2} with scalers = [tVar, xVar,
// xVar, xVar] (spec §2.7): the "variances" act as standard deviations, as in
// the reference. ξ comes from a math/rand/v2 PCG seeded (seed, fixed stream),
// filled row by row (a = 0..3, then j). coordDim must be even and ≥ 2;
// tVar and xVar must be finite.
func New(coordDim int, tVar, xVar float64, seed uint64) (*Features, error) {
	if coordDim < 2 || coordDim%2 != 0 {
		return nil, fmt.Errorf("fourier: coordDim = %d, must be even and ≥ 2", coordDim)
	}
	if math.IsNaN(tVar) || math.IsInf(tVar, 0) || math.IsNaN(xVar) || math.IsInf(xVar, 0) {
		return nil, fmt.Errorf("fourier: tVar = %g, xVar = %g, must be finite", tVar, xVar)
	}
	rng := rand.New(rand.NewPCG(seed, pcgStream))
	scale := [Coords]float64{tVar, xVar, xVar, xVar}
	var b [Coords][]float64
	for a := range b {
		b[a] = make([]float64, coordDim/2)
		for j := range b[a] {
			b[a][j] = scale[a] * rng.NormFloat64()
		}
	}
	return &Features{m: coordDim / 2, b: b}, nil
}

// FromB builds the features from a given B (b[a][j] = B[a, j], all rows of
// the same length ≥ 1), e.g. the reference's own matrix for golden tests
// (spec §2.7). The rows are copied.
func FromB(b [Coords][]float64) (*Features, error) {
	m := len(b[0])
	if m < 1 {
		return nil, fmt.Errorf("fourier: B has no columns")
	}
	var c [Coords][]float64
	for a := range b {
		if len(b[a]) != m {
			return nil, fmt.Errorf("fourier: B row %d has %d columns, row 0 has %d", a, len(b[a]), m)
		}
		c[a] = append([]float64(nil), b[a]...)
	}
	return &Features{m: m, b: c}, nil
}

// Dim is the feature dimension coordDim = 2·(number of frequencies).
func (ff *Features) Dim() int { return 2 * ff.m }

// B returns B[a, j] (a = 0 for t, 1..3 for x1..x3; j < Dim/2) (spec §2.7).
func (ff *Features) B(a, j int) float64 { return ff.b[a][j] }

// Matrix returns a copy of B as a 4 × Dim/2 row-major slice (spec §2.7).
func (ff *Features) Matrix() []float64 {
	out := make([]float64, 0, Coords*ff.m)
	for a := range ff.b {
		out = append(out, ff.b[a]...)
	}
	return out
}

// phase returns z_j = Σ_a B[a, j]·tx[a], summed in coordinate order.
func (ff *Features) phase(tx [Coords]float64, j int) float64 {
	return ff.b[0][j]*tx[0] + ff.b[1][j]*tx[1] + ff.b[2][j]*tx[2] + ff.b[3][j]*tx[3]
}

func (ff *Features) checkLen(name string, n int) {
	if n != 2*ff.m {
		panic(fmt.Sprintf("fourier: len(%s) = %d, want Dim = %d", name, n, 2*ff.m))
	}
}

// Eval writes φ(tx) = [sin z_0, cos z_0, sin z_1, cos z_1, …], z = Bᵀtx, into
// dst (length Dim) (spec §2.7). It panics on a wrong length.
func (ff *Features) Eval(tx [Coords]float64, dst []float64) {
	ff.checkLen("dst", len(dst))
	for j := 0; j < ff.m; j++ {
		dst[2*j], dst[2*j+1] = math.Sincos(ff.phase(tx, j))
	}
}

// Eval32 is Eval computed in float64 and rounded to float32 (spec §2.7).
func (ff *Features) Eval32(tx [Coords]float64, dst []float32) {
	ff.checkLen("dst", len(dst))
	for j := 0; j < ff.m; j++ {
		s, c := math.Sincos(ff.phase(tx, j))
		dst[2*j], dst[2*j+1] = float32(s), float32(c)
	}
}

// Jets writes φ(tx) into val, the first derivatives ∂φ/∂tx_a (a = 0 for t,
// 1..3 for x1..x3) into d1[a], and the pure second derivatives ∂²φ/∂x_k²
// (k = 1..3) into d2[k−1], all of length Dim (spec §2.7 "Derivatives"):
// ∂(sin z_j)/∂tx_a = B[a,j] cos z_j, ∂(cos z_j)/∂tx_a = −B[a,j] sin z_j, and
// ∂²/∂x_k² multiplies sin z_j and cos z_j by −B[k,j]². It panics unless
// len(d1) = 4 and len(d2) = 3 with rows of length Dim.
func (ff *Features) Jets(tx [Coords]float64, val []float64, d1, d2 [][]float64) {
	ff.checkJets(val, d1, d2)
	for j := 0; j < ff.m; j++ {
		s, c := math.Sincos(ff.phase(tx, j))
		val[2*j], val[2*j+1] = s, c
		for a := range d1 {
			ba := ff.b[a][j]
			d1[a][2*j], d1[a][2*j+1] = ba*c, -ba*s
		}
		for k := range d2 {
			bb := ff.b[k+1][j] * ff.b[k+1][j]
			d2[k][2*j], d2[k][2*j+1] = -bb*s, -bb*c
		}
	}
}

func (ff *Features) checkJets(val []float64, d1, d2 [][]float64) {
	if len(d1) != Coords || len(d2) != SpaceCoords {
		panic(fmt.Sprintf("fourier: Jets: len(d1) = %d, len(d2) = %d, want %d and %d", len(d1), len(d2), Coords, SpaceCoords))
	}
	ff.checkLen("val", len(val))
	for _, rows := range [2][][]float64{d1, d2} {
		for _, r := range rows {
			ff.checkLen("a derivative row", len(r))
		}
	}
}
