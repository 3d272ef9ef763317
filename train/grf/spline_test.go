package grf

import (
	"math"
	"testing"
)

// poly returns p(x) = c0 + c1 x + c2 x² + c3 x³.
func poly(c [4]float64) func(float64) float64 {
	return func(x float64) float64 { return c[0] + x*(c[1]+x*(c[2]+x*c[3])) }
}

func splineOf(t *testing.T, g func(float64) float64, n int) *Funcs {
	t.Helper()
	y := make([]float64, n)
	for i, x := range grid(n) {
		y[i] = g(x)
	}
	fs, err := FromSamples([][]float64{y})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// A not-a-knot cubic spline reproduces any cubic exactly, also when it
// extrapolates. The extrapolation range shrinks with n because the end
// cubic coefficient carries rounding error ~ε/h³.
func TestSplineReproducesCubics(t *testing.T) {
	cubics := [][4]float64{{1, -2, 3, -4}, {0.3, 0, 0, 7}, {-5, 11, -0.5, 0}, {2, 0, 0, 0}, {0, 1, 0, 0}}
	cases := []struct {
		n      int
		lo, hi float64
	}{{4, -1, 2}, {5, -1, 2}, {6, -1, 2}, {7, -1, 2}, {50, -1, 2}, {1000, -0.05, 1.05}}
	for _, c := range cases {
		for _, cf := range cubics {
			p := poly(cf)
			fs := splineOf(t, p, c.n)
			for j := 0; j <= 997; j++ {
				x := c.lo + (c.hi-c.lo)*float64(j)/997
				if got, want := fs.Eval(0, x), p(x); math.Abs(got-want) > 1e-10*(1+math.Abs(want)) {
					t.Fatalf("n=%d p=%v x=%g: spline %.17g, cubic %.17g", c.n, cf, x, got, want)
				}
			}
		}
	}
}

func TestSplineInterpolatesKnots(t *testing.T) {
	for _, n := range []int{4, 9, 100, 1000} {
		fs := splineOf(t, func(x float64) float64 { return math.Exp(x) * math.Cos(9*x) }, n)
		for i, x := range grid(n) {
			if got, want := fs.Eval(0, x), fs.Knots(0)[i]; math.Abs(got-want) > 1e-13 {
				t.Fatalf("n=%d knot %d: %.17g, want %.17g", n, i, got, want)
			}
		}
	}
}

// maxErr is the largest |spline − g| over 4001 points of [0, 1].
func maxErr(t *testing.T, g func(float64) float64, n int) float64 {
	fs := splineOf(t, g, n)
	e := 0.0
	for j := 0; j <= 4000; j++ {
		x := float64(j) / 4000
		e = math.Max(e, math.Abs(fs.Eval(0, x)-g(x)))
	}
	return e
}

// For a smooth function the not-a-knot spline converges as O(h⁴).
func TestSplineFourthOrder(t *testing.T) {
	g := func(x float64) float64 { return math.Sin(3*x + 0.5) }
	e1, e2 := maxErr(t, g, 41), maxErr(t, g, 81)
	order := math.Log2(e1 / e2)
	t.Logf("max error h=1/40: %.3g, h=1/80: %.3g, order %.3f", e1, e2, order)
	if math.Abs(order-4) > 0.15 {
		t.Fatalf("convergence order %.3f, want ≈ 4", order)
	}
}

func TestFromSamplesErrors(t *testing.T) {
	for _, s := range [][][]float64{nil, {{1, 2, 3}}, {{1, 2, 3, 4}, {1, 2, 3}}} {
		if _, err := FromSamples(s); err == nil {
			t.Errorf("FromSamples(%v): no error", s)
		}
	}
}

func TestEvalNaN(t *testing.T) {
	fs := splineOf(t, math.Sin, 10)
	if v := fs.Eval(0, math.NaN()); !math.IsNaN(v) {
		t.Fatalf("Eval(NaN) = %g", v)
	}
	for _, x := range []float64{math.Inf(1), math.Inf(-1)} {
		fs.Eval(0, x) // must not panic
	}
}
