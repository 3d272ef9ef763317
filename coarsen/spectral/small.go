package spectral

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// symEig returns the eigenvalues (ascending) and eigenvectors (row-major s×s,
// column j for value j) of the symmetric s×s matrix a (row-major; only its
// upper triangle is read).
func symEig(a []float64, s int) (vals, vecs []float64, err error) {
	if s == 0 {
		return nil, nil, nil
	}
	for _, v := range a[:s*s] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("spectral: Rayleigh–Ritz matrix holds %v", v)
		}
	}
	var e mat.EigenSym
	if !e.Factorize(mat.NewSymDense(s, append([]float64(nil), a[:s*s]...)), true) {
		return nil, nil, fmt.Errorf("spectral: the %d×%d Rayleigh–Ritz eigenproblem did not converge", s, s)
	}
	vals = e.Values(nil)
	var v mat.Dense
	e.VectorsTo(&v)
	vecs = make([]float64, s*s)
	for i := 0; i < s; i++ {
		for j := 0; j < s; j++ {
			vecs[i*s+j] = v.At(i, j)
		}
	}
	return vals, vecs, nil
}

// orthoSmall returns an orthonormal basis of the column span of the r×c
// row-major matrix z, as an r×c' row-major matrix (c' ≤ c), dropping
// directions whose singular value is below drop times the largest. It is
// SVQB (Stathopoulos & Wu 2002) on a small matrix.
func orthoSmall(z []float64, r, c int, drop float64) ([]float64, int) {
	g := make([]float64, c*c)
	for a := 0; a < c; a++ {
		for b := a; b < c; b++ {
			s := 0.0
			for i := 0; i < r; i++ {
				s += z[i*c+a] * z[i*c+b]
			}
			g[a*c+b], g[b*c+a] = s, s
		}
	}
	t, cn, _ := svqbTransform(g, c, drop)
	out := make([]float64, r*cn)
	for i := 0; i < r; i++ {
		for j := 0; j < cn; j++ {
			s := 0.0
			for l := 0; l < c; l++ {
				s += z[i*c+l] * t[l*cn+j]
			}
			out[i*cn+j] = s
		}
	}
	return out, cn
}

// svqbTransform returns T (c×c', row-major) such that Z·T is orthonormal when
// g = ZᵀZ (c×c), with the scaled Gram D^{-1/2} g D^{-1/2} = V Σ Vᵀ and
// T = D^{-1/2} V Σ^{-1/2} restricted to σ > drop·σ_max (Stathopoulos & Wu,
// "A block orthogonalization procedure with constant synchronization
// requirements", SIAM J. Sci. Comput. 23(6), 2002). Columns with zero norm
// are dropped first. The kept directions come largest σ first. cond is
// sqrt(σ_max/σ_min) over the kept directions, which bounds how much the
// transform amplifies rounding errors.
func svqbTransform(g []float64, c int, drop float64) (t []float64, cn int, cond float64) {
	d := make([]float64, c)
	for j := 0; j < c; j++ {
		if g[j*c+j] > 0 {
			d[j] = 1 / math.Sqrt(g[j*c+j])
		}
	}
	h := make([]float64, c*c)
	for a := 0; a < c; a++ {
		for b := 0; b < c; b++ {
			h[a*c+b] = d[a] * g[a*c+b] * d[b]
		}
	}
	vals, vecs, err := symEig(h, c)
	if err != nil || len(vals) == 0 {
		return nil, 0, 0
	}
	smax := vals[c-1]
	if !(smax > 0) {
		return nil, 0, 0
	}
	var keep []int
	for j := c - 1; j >= 0; j-- {
		if vals[j] > drop*smax {
			keep = append(keep, j)
		}
	}
	cn = len(keep)
	cond = math.Sqrt(smax / vals[keep[cn-1]])
	t = make([]float64, c*cn)
	for jj, j := range keep {
		s := 1 / math.Sqrt(vals[j])
		for a := 0; a < c; a++ {
			t[a*cn+jj] = d[a] * vecs[a*c+j] * s
		}
	}
	return t, cn, cond
}
