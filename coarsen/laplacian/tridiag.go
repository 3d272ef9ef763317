package laplacian

import (
	"errors"
	"math"
)

// givens is one plane rotation of the implicit QL iteration, acting on
// coordinates i and i+1.
type givens struct {
	i    int32
	c, s float64
}

// tridiag diagonalises symmetric tridiagonal matrices by the implicit QL
// method with Wilkinson shifts (Golub & Van Loan, Matrix Computations, 4th
// ed., §8.3), recording the rotations instead of accumulating the n×n
// eigenvector matrix Z. Lanczos only ever needs Zᵀe_1 (Gauss quadrature
// weights) and Z v for one vector v, and the recorded rotations give both in
// O(n²) rather than O(n³). Scratch space is reused between calls.
type tridiag struct {
	d, e []float64 // eigenvalues on return; off-diagonal scratch
	rot  []givens
	w    []float64 // first components of the eigenvectors, Zᵀe_1
}

var errQL = errors.New("laplacian: tridiagonal QL iteration did not converge")

// factor diagonalises the matrix with diagonal a and off-diagonal b
// (b[i] couples i and i+1).
func (t *tridiag) factor(a, b []float64) error {
	n := len(a)
	t.d = append(t.d[:0], a...)
	t.e = append(t.e[:0], b[:n-1]...)
	t.e = append(t.e, 0)
	t.rot = t.rot[:0]
	d, e := t.d, t.e
	for l := 0; l < n; l++ {
		for iter := 0; ; iter++ {
			m := l
			for ; m < n-1; m++ {
				if math.Abs(e[m]) <= 0x1p-53*(math.Abs(d[m])+math.Abs(d[m+1])) {
					break
				}
			}
			if m == l {
				break
			}
			if iter == 60 {
				return errQL
			}
			// Wilkinson shift from the leading 2×2 block, folded into g.
			g := (d[l+1] - d[l]) / (2 * e[l])
			r := math.Sqrt(g*g + 1)
			g = d[m] - d[l] + e[l]/(g+math.Copysign(r, g))
			s, c, p := 1.0, 1.0, 0.0
			i := m - 1
			for ; i >= l; i-- {
				f, bb := s*e[i], c*e[i]
				r = math.Sqrt(f*f + g*g)
				e[i+1] = r
				if r == 0 { // underflow: the matrix split; restart this l
					d[i+1] -= p
					e[m] = 0
					break
				}
				s, c = f/r, g/r
				g = d[i+1] - p
				r = (d[i]-g)*s + 2*c*bb
				p = s * r
				d[i+1] = g + p
				g = c*r - bb
				t.rot = append(t.rot, givens{int32(i), c, s})
			}
			if r == 0 && i >= l {
				continue
			}
			d[l] -= p
			e[l] = g
			e[m] = 0
		}
	}
	// First row of Z = G_1 G_2 ⋯: start from e_1ᵀ and apply each rotation.
	t.w = t.w[:0]
	for k := 0; k < n; k++ {
		t.w = append(t.w, 0)
	}
	t.w[0] = 1
	for _, g := range t.rot {
		x, y := t.w[g.i], t.w[g.i+1]
		t.w[g.i], t.w[g.i+1] = g.c*x-g.s*y, g.s*x+g.c*y
	}
	return nil
}

// apply overwrites v with Z v.
func (t *tridiag) apply(v []float64) {
	for k := len(t.rot) - 1; k >= 0; k-- {
		g := t.rot[k]
		x, y := v[g.i], v[g.i+1]
		v[g.i], v[g.i+1] = g.c*x+g.s*y, -g.s*x+g.c*y
	}
}

// expFirst returns e^{−τT} e_1 = Z e^{−τΘ} Zᵀ e_1 for the last factored T,
// in dst.
func (t *tridiag) expFirst(dst []float64, tau float64) []float64 {
	n := len(t.d)
	lo := math.Inf(1)
	for _, x := range t.d {
		lo = min(lo, x)
	}
	dst = append(dst[:0], t.w...)
	for j := 0; j < n; j++ {
		dst[j] *= math.Exp(-tau * (t.d[j] - lo))
	}
	t.apply(dst)
	f := math.Exp(-tau * lo)
	for j := range dst {
		dst[j] *= f
	}
	return dst
}
