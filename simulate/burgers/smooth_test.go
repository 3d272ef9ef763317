package burgers

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestGaussianWindowHand(t *testing.T) {
	e := math.Exp
	for _, tc := range []struct {
		m    int
		std  float64
		want []float64
	}{
		{1, 8, []float64{1}},
		{3, 1, []float64{e(-0.5), 1, e(-0.5)}},
		// Centre 1.5, so offsets ±0.5 and ±1.5; 2σ² = 8.
		{4, 2, []float64{e(-2.25 / 8), e(-0.25 / 8), e(-0.25 / 8), e(-2.25 / 8)}},
	} {
		got := GaussianWindow(tc.m, tc.std)
		if len(got) != len(tc.want) {
			t.Fatalf("m=%d: %d weights", tc.m, len(got))
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-15 {
				t.Errorf("m=%d std=%g: w[%d] = %.17g, want %.17g", tc.m, tc.std, i, got[i], tc.want[i])
			}
		}
	}
	// The reference window: peak 1 at n = 31.5 is not sampled, so the two
	// middle weights are exp(−0.25/128) and the ends exp(−31.5²/128).
	w := GaussianWindow(64, 8)
	if math.Abs(w[31]-math.Exp(-0.25/128)) > 1e-15 || math.Abs(w[0]-math.Exp(-31.5*31.5/128)) > 1e-18 {
		t.Errorf("window(64, 8): w[31] = %g, w[0] = %g", w[31], w[0])
	}
}

// x = 1, 2, 4, 8, 16 with window 3, σ = 1 (weights a, 1, a with a = e^−½):
// r[2] = 2 + 5a, r[3] = 4 + 10a, r[4] = 8 + 20a, and the first two rows
// (NaN) plus the first difference (NaN) are dropped.
func TestRollingGaussianDiffHand(t *testing.T) {
	a := math.Exp(-0.5)
	got := RollingGaussianDiff([]float64{1, 2, 4, 8, 16}, 3, 1)
	want := []float64{2 + 5*a, 4 + 10*a}
	if len(got) != len(want) {
		t.Fatalf("got %d values %v, want %v", len(got), got, want)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-14 {
			t.Errorf("out[%d] = %.17g, want %.17g", i, got[i], want[i])
		}
	}
	for _, n := range []int{0, 1, 3} {
		if got := RollingGaussianDiff(make([]float64, n), 3, 1); len(got) != 0 {
			t.Errorf("%d samples, window 3: %d outputs, want 0", n, len(got))
		}
	}
}

// pandasRollingDiff mimics the pandas steps literally: a NaN-prefixed
// rolling column, a diff that propagates NaN, then dropna. The window is
// written from the scipy formula, lag by lag.
func pandasRollingDiff(x []float64, m int, std float64) []float64 {
	r := make([]float64, len(x))
	for t := range x {
		if t < m-1 {
			r[t] = math.NaN()
			continue
		}
		for lag := 0; lag < m; lag++ {
			n := float64(m - 1 - lag) // window position of x[t−lag]
			z := (n - float64(m-1)/2) / std
			r[t] += math.Exp(-0.5*z*z) * x[t-lag]
		}
	}
	var out []float64
	for t := 1; t < len(x); t++ {
		if d := r[t] - r[t-1]; !math.IsNaN(d) {
			out = append(out, d)
		}
	}
	return out
}

func TestRollingGaussianDiffDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, tc := range []struct {
		n, m int
		std  float64
	}{{500, 64, 8}, {65, 64, 8}, {100, 1, 3}, {200, 7, 0.5}} {
		x := make([]float64, tc.n)
		for i := range x {
			x[i] = rng.Float64()
		}
		got := RollingGaussianDiff(x, tc.m, tc.std)
		want := pandasRollingDiff(x, tc.m, tc.std)
		if len(got) != tc.n-tc.m || len(want) != len(got) {
			t.Fatalf("n=%d m=%d: %d values, direct %d, want %d", tc.n, tc.m, len(got), len(want), tc.n-tc.m)
		}
		for i := range got {
			// Both sums are O(m) in magnitude; the difference is rounding.
			if math.Abs(got[i]-want[i]) > 1e-13*float64(tc.m) {
				t.Errorf("n=%d m=%d: out[%d] = %.17g, direct %.17g", tc.n, tc.m, i, got[i], want[i])
			}
		}
	}
}
