package grf

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func rbf(xi, xj, ls float64) float64 {
	d := (xi - xj) / ls
	return math.Exp(-d * d / 2)
}

func TestNewSpaceErrors(t *testing.T) {
	bad := []struct {
		num, pts int
		ls       float64
	}{{0, 10, 1}, {1, 3, 1}, {1, 10, 0}, {1, 10, -1}, {1, 10, math.NaN()}, {1, 10, math.Inf(1)}}
	for _, b := range bad {
		if _, err := NewSpace(b.num, b.pts, b.ls); err == nil {
			t.Errorf("NewSpace(%d, %d, %g): no error", b.num, b.pts, b.ls)
		}
	}
}

// At the reference settings (1000 points, ℓ = 1) the low-rank factor
// reproduces K to 1e-9 everywhere.
func TestFactorReproducesKernel(t *testing.T) {
	s, err := NewSpace(1, DefaultPoints, DefaultLengthScale)
	if err != nil {
		t.Fatal(err)
	}
	x := grid(s.Points)
	worst := 0.0
	for i := 0; i < s.Points; i++ {
		for j := 0; j <= i; j++ {
			worst = math.Max(worst, math.Abs(s.Covariance(i, j)-rbf(x[i], x[j], 1)))
		}
	}
	t.Logf("rank %d, max |AAᵀ − K| = %.3g", s.Rank(), worst)
	if worst > 1e-9 {
		t.Fatalf("max |AAᵀ − K| = %.3g", worst)
	}
}

// The empirical covariance E[y_i y_j] of many samples (known zero mean)
// matches K_ij within 5 standard errors √((K_ii K_jj + K_ij²)/N).
func TestSampleCovariance(t *testing.T) {
	const pts, num = 40, 20000
	pairs := [][2]int{{0, 0}, {0, 39}, {10, 20}, {5, 30}, {39, 39}, {17, 18}}
	for _, ls := range []float64{1, 0.2} {
		s, err := NewSpace(num, pts, ls)
		if err != nil {
			t.Fatal(err)
		}
		fs := s.Sample(rand.New(rand.NewPCG(11, 12)))
		x := grid(pts)
		for _, p := range pairs {
			i, j := p[0], p[1]
			c := 0.0
			for f := 0; f < num; f++ {
				c += fs.Knots(f)[i] * fs.Knots(f)[j]
			}
			c /= num
			k := rbf(x[i], x[j], ls)
			se := math.Sqrt((1 + k*k) / num)
			if math.Abs(c-k) > 5*se {
				t.Errorf("ℓ=%g (%d,%d): empirical %.4f, kernel %.4f (se %.4f)", ls, i, j, c, k, se)
			}
		}
	}
}

func TestSampleDeterministic(t *testing.T) {
	s, err := NewSpace(8, 100, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	a := s.Sample(rand.New(rand.NewPCG(5, 6)))
	b := s.Sample(rand.New(rand.NewPCG(5, 6)))
	c := s.SampleInto(rand.New(rand.NewPCG(5, 7)), nil)
	if !slices.Equal(a.coef, b.coef) || !slices.Equal(a.knots, b.knots) {
		t.Fatal("same seed gave different functions")
	}
	if slices.Equal(a.knots, c.knots) {
		t.Fatal("different seeds gave the same functions")
	}
	d := s.SampleInto(rand.New(rand.NewPCG(5, 6)), c)
	if d != c || !slices.Equal(a.coef, d.coef) {
		t.Fatal("SampleInto did not reuse dst or gave different functions")
	}
}
