package grf

import "fmt"

// Funcs is a set of not-a-knot cubic splines on the uniform grid
// linspace(0, 1, Points), one per sampled function (spec §1.7, jax_cosmo
// `InterpolatedUnivariateSpline`, k = 3). Outside [0, 1] each spline
// extrapolates with its end cubic pieces. Each interval stores its polynomial
// coefficients, so evaluation is a direct index plus one Horner step. Eval
// and Lift only read, so they are safe for concurrent use.
type Funcs struct {
	num, n int
	h      float64
	knots  []float64 // num × n knot values
	coef   []float64 // num × (n−1) × 4: a, b, c, d of a + b·t + c·t² + d·t³
	m      []float64 // scratch: second derivatives at the knots
	cp     []float64 // scratch: Thomas-algorithm factors
}

func allocFuncs(num, n int) *Funcs {
	return &Funcs{
		num: num, n: n, h: 1 / float64(n-1),
		knots: make([]float64, num*n),
		coef:  make([]float64, num*(n-1)*4),
		m:     make([]float64, n),
		cp:    make([]float64, n),
	}
}

// FromSamples builds the not-a-knot cubic splines through the given knot
// values, samples[f][i] at x_i = i/(Points−1) (spec §1.7). All rows must have
// the same length Points ≥ 4. It lets golden tests feed the reference's own
// GP samples.
func FromSamples(samples [][]float64) (*Funcs, error) {
	if len(samples) == 0 {
		return nil, fmt.Errorf("grf: no samples")
	}
	n := len(samples[0])
	if n < 4 {
		return nil, fmt.Errorf("grf: %d knots, need ≥ 4 for a not-a-knot cubic spline", n)
	}
	fs := allocFuncs(len(samples), n)
	for f, row := range samples {
		if len(row) != n {
			return nil, fmt.Errorf("grf: sample %d has %d knots, sample 0 has %d", f, len(row), n)
		}
		copy(fs.knots[f*n:], row)
	}
	fs.fit()
	return fs, nil
}

// NumFunc is the number of functions.
func (fs *Funcs) NumFunc() int { return fs.num }

// Points is the number of knots of each spline.
func (fs *Funcs) Points() int { return fs.n }

// Knots returns the knot values of function f (a view; do not modify).
func (fs *Funcs) Knots(f int) []float64 { return fs.knots[f*fs.n : (f+1)*fs.n] }

// fit computes the interval coefficients of every function.
func (fs *Funcs) fit() {
	for f := 0; f < fs.num; f++ {
		fs.secondDerivs(fs.Knots(f))
		fs.fillCoef(f)
	}
}

// secondDerivs solves for the knot second derivatives M of the not-a-knot
// spline through y into fs.m. Interior rows read M_{i−1} + 4M_i + M_{i+1} =
// 6·D_i with D_i = (y_{i−1} − 2y_i + y_{i+1})/h². Not-a-knot (one cubic on
// the first two and on the last two intervals) gives M_1 = D_1 and
// M_{n−2} = D_{n−2} exactly on a uniform grid, leaving a [1 4 1] tridiagonal
// system for M_2 … M_{n−3}, solved in O(n) by the Thomas algorithm.
func (fs *Funcs) secondDerivs(y []float64) {
	n, m, cp := fs.n, fs.m, fs.cp
	inv2 := float64(n-1) * float64(n-1)
	d := func(i int) float64 { return (y[i-1] - 2*y[i] + y[i+1]) * inv2 }
	m[1], m[n-2] = d(1), d(n-2)
	for i := 2; i <= n-3; i++ { // forward sweep; m[i] holds the modified rhs
		r := 6 * d(i)
		w := 4.0
		if i == 2 {
			r -= m[1]
		} else {
			w -= cp[i-1]
			r -= m[i-1]
		}
		if i == n-3 {
			r -= m[n-2]
		}
		cp[i] = 1 / w
		m[i] = r / w
	}
	for i := n - 4; i >= 2; i-- {
		m[i] -= cp[i] * m[i+1]
	}
	m[0] = 2*m[1] - m[2]
	m[n-1] = 2*m[n-2] - m[n-3]
}

// fillCoef writes the per-interval polynomial coefficients of function f from
// its knots and fs.m.
func (fs *Funcs) fillCoef(f int) {
	n, h, y, m := fs.n, fs.h, fs.Knots(f), fs.m
	c := fs.coef[f*(n-1)*4 : (f+1)*(n-1)*4]
	for i := 0; i < n-1; i++ {
		q := c[4*i : 4*i+4]
		q[0] = y[i]
		q[1] = (y[i+1]-y[i])/h - h*(2*m[i]+m[i+1])/6
		q[2] = m[i] / 2
		q[3] = (m[i+1] - m[i]) / (6 * h)
	}
}

// locate returns 4 × the index of the interval holding x (the first or last
// one outside [0, 1], and the first for NaN) and the offset t = x − x_i.
func (fs *Funcs) locate(x float64) (int, float64) {
	u := x * float64(fs.n-1)
	i := 0
	if u >= float64(fs.n-2) {
		i = fs.n - 2
	} else if u >= 1 {
		i = int(u)
	}
	return 4 * i, x - float64(i)*fs.h
}

func horner(c []float64, t float64) float64 {
	return c[0] + t*(c[1]+t*(c[2]+t*c[3]))
}

// Eval returns spline f at x, extrapolating with the end cubic pieces
// outside [0, 1] (spec §1.7). NaN gives NaN.
func (fs *Funcs) Eval(f int, x float64) float64 {
	i, t := fs.locate(x)
	return horner(fs.coef[f*(fs.n-1)*4+i:], t)
}
