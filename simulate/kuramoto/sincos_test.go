package kuramoto

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSincosAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(x float64, worst *float64) {
		s, c := sincos(x)
		ws, wc := math.Sincos(x)
		e := max(math.Abs(s-ws), math.Abs(c-wc))
		if e > *worst {
			*worst = e
		}
	}
	for _, scale := range []float64{1, 10, 1e3, 1e5, 8e5} {
		worst := 0.0
		for i := 0; i < 200000; i++ {
			check(scale*(2*rng.Float64()-1), &worst)
		}
		t.Logf("|x| ≤ %g: max abs error %.3g", scale, worst)
		if worst > 1e-15 {
			t.Fatalf("|x| ≤ %g: error %.3g", scale, worst)
		}
	}
	// Near multiples of π/2, and the special values.
	worst := 0.0
	for k := -2000; k <= 2000; k++ {
		x := float64(k) * math.Pi / 2
		for _, d := range []float64{0, 1e-300, 1e-12, -1e-9, math.Nextafter(x, 10) - x} {
			check(x+d, &worst)
		}
	}
	if worst > 1e-15 {
		t.Fatalf("near kπ/2: error %.3g", worst)
	}
	for _, x := range []float64{0, math.Copysign(0, -1), 1e6, -3e7, 1e300, math.Inf(1), math.NaN()} {
		s, c := sincos(x)
		ws, wc := math.Sincos(x)
		if !(s == ws || math.Abs(s-ws) < 1e-15 || (math.IsNaN(s) && math.IsNaN(ws))) ||
			!(c == wc || math.Abs(c-wc) < 1e-15 || (math.IsNaN(c) && math.IsNaN(wc))) {
			t.Fatalf("sincos(%g) = %g, %g; want %g, %g", x, s, c, ws, wc)
		}
	}
	if math.Abs(pio2a+pio2b+pio2c-math.Pi/2) > 1e-16 || math.Float64bits(pio2a)&(1<<20-1) != 0 || math.Float64bits(pio2b)&(1<<20-1) != 0 {
		t.Fatalf("π/2 split %x %x %x", math.Float64bits(pio2a), math.Float64bits(pio2b), math.Float64bits(pio2c))
	}
}

func BenchmarkSincos(b *testing.B) {
	x := make([]float64, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] = 50 * rng.NormFloat64()
	}
	sc := make([][2]float64, len(x))
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			sincosInto(sc, x)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/value")
	})
	b.Run("math", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				s, c := math.Sincos(v)
				sc[i] = [2]float64{s, c}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/value")
	})
}
