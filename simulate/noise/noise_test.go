package noise

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

func positives(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 0))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(0.5 + 1.5*rng.Float64())
	}
	return x
}

// checkLogRatio tests that log(y/x) has mean 0 and variance etaVar within
// five standard errors: sqrt(v/n) for the mean, v·sqrt(2/(n−1)) for the
// variance and 4·sqrt(6/n) for the kurtosis 3 of a normal, plus the float32
// rounding of y (relative 2⁻²⁴).
func checkLogRatio(t *testing.T, name string, x, y []float32, etaVar float64) {
	t.Helper()
	n := float64(len(x))
	var m, m2, m4 float64
	for i := range x {
		l := math.Log(float64(y[i]) / float64(x[i]))
		m += l / n
	}
	for i := range x {
		d := math.Log(float64(y[i])/float64(x[i])) - m
		m2 += d * d / n
		m4 += d * d * d * d / n
	}
	round := 1.2e-7
	if math.Abs(m) > 5*math.Sqrt(etaVar/n)+round {
		t.Errorf("%s, eta_var %g: mean log ratio %.3g", name, etaVar, m)
	}
	if math.Abs(m2-etaVar) > 5*etaVar*math.Sqrt(2/(n-1))+round*round {
		t.Errorf("%s, eta_var %g: variance of log ratio %.5g", name, etaVar, m2)
	}
	if k := m4 / (m2 * m2); math.Abs(k-3) > 5*math.Sqrt(24/n) {
		t.Errorf("%s, eta_var %g: kurtosis of log ratio %.3f, normal 3", name, etaVar, k)
	}
}

func TestLogNormalStatistics(t *testing.T) {
	const n = 200_000
	for _, v := range []float64{1e-6, 4e-4, 1e-2, 0.5} {
		x := positives(n, 1)
		y := append([]float32(nil), x...)
		if err := LogNormal(y, v, rand.New(rand.NewPCG(2, 3))); err != nil {
			t.Fatal(err)
		}
		checkLogRatio(t, "LogNormal", x, y, v)

		y = append(y[:0], x...)
		if err := LogNormalSeeded(y, v, 7); err != nil {
			t.Fatal(err)
		}
		checkLogRatio(t, "LogNormalSeeded", x, y, v)
	}
}

func TestZeroVarianceIsIdentity(t *testing.T) {
	x := positives(1000, 4)
	x[3], x[4] = 0, float32(math.Inf(1))
	y := append([]float32(nil), x...)
	rng := rand.New(rand.NewPCG(5, 5))
	if err := LogNormal(y, 0, rng); err != nil {
		t.Fatal(err)
	}
	if err := LogNormalSeeded(y, 0, 1); err != nil {
		t.Fatal(err)
	}
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			t.Fatalf("y[%d] = %g, was %g", i, y[i], x[i])
		}
	}
	// No draws were taken.
	if rng.Uint64() != rand.New(rand.NewPCG(5, 5)).Uint64() {
		t.Error("eta_var = 0 consumed random numbers")
	}
	if err := LogNormal(y, 0, nil); err != nil {
		t.Errorf("eta_var = 0 with nil rng: %v", err)
	}
}

func TestInvalidVariance(t *testing.T) {
	x := positives(10, 6)
	for _, v := range []float64{-1e-9, -1, math.NaN(), math.Inf(1)} {
		y := append([]float32(nil), x...)
		if err := LogNormal(y, v, rand.New(rand.NewPCG(1, 1))); err == nil {
			t.Errorf("LogNormal accepted eta_var %g", v)
		}
		if err := LogNormalSeeded(y, v, 1); err == nil {
			t.Errorf("LogNormalSeeded accepted eta_var %g", v)
		}
		for i := range x {
			if x[i] != y[i] {
				t.Fatalf("eta_var %g: x changed on error", v)
			}
		}
	}
	if err := LogNormal(x, 0.1, nil); err == nil {
		t.Error("nil rng accepted")
	}
}

func TestSeededDeterministic(t *testing.T) {
	x := positives(3*Block+17, 8)
	run := func(procs int, seed uint64) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		y := append([]float32(nil), x...)
		if err := LogNormalSeeded(y, 0.01, seed); err != nil {
			t.Fatal(err)
		}
		return y
	}
	a, b, c := run(1, 9), run(2, 9), run(2, 10)
	diff := 0
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("GOMAXPROCS 1 and 2 differ at %d", i)
		}
		if a[i] != c[i] {
			diff++
		}
	}
	if diff < len(a)/2 {
		t.Errorf("seeds 9 and 10 agree on %d of %d values", len(a)-diff, len(a))
	}
	// Blocks use different streams: the noise in block 0 and block 1 differs.
	same := 0
	for i := range Block {
		if a[i]/x[i] == a[Block+i]/x[Block+i] {
			same++
		}
	}
	if same > 10 {
		t.Errorf("blocks 0 and 1 share %d noise factors", same)
	}
}

func BenchmarkLogNormalSeeded(b *testing.B) {
	x := positives(1<<22, 1)
	for b.Loop() {
		if err := LogNormalSeeded(x, 4e-4, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds(), "values/s")
}
