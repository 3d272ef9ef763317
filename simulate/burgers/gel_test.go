package burgers

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestCoalescenceInvariants(t *testing.T) {
	for _, tc := range []struct {
		n  int
		nu float64
	}{{1, 0.3}, {2, 0.5}, {60, 0.02}, {60, 0.3}, {200, 0.005}} {
		c, err := NewCoalescence(tc.n, tc.nu)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, uint64(tc.n)))
		for ev := range 20000 {
			c.Event(rng)
			if err := c.check(); err != nil {
				t.Fatalf("n=%d nu=%g event %d: %v", tc.n, tc.nu, ev, err)
			}
			if l := c.Largest(); l < 1 || l > tc.n {
				t.Fatalf("n=%d nu=%g event %d: largest %d outside [1, %d]", tc.n, tc.nu, ev, l, tc.n)
			}
		}
	}
}

func TestCoalescenceNuOneStaysSingletons(t *testing.T) {
	c, _ := NewCoalescence(500, 1)
	rng := rand.New(rand.NewPCG(2, 2))
	for ev := range 10000 {
		c.Event(rng)
		if c.Largest() != 1 || c.Clusters() != 500 {
			t.Fatalf("event %d: largest %d, %d clusters with nu = 1", ev, c.Largest(), c.Clusters())
		}
	}
}

// With ν = 0 every event merges two distinct clusters, so n−1 events leave
// exactly one cluster, which then stays.
func TestCoalescenceNuZeroGels(t *testing.T) {
	const n = 1000
	c, _ := NewCoalescence(n, 0)
	rng := rand.New(rand.NewPCG(3, 3))
	for ev := range n - 1 {
		if c.Largest() == n {
			t.Fatalf("one cluster after only %d events", ev)
		}
		c.Event(rng)
	}
	for range 100 {
		if c.Largest() != n || c.Clusters() != 1 {
			t.Fatalf("largest %d, %d clusters after %d+ events with nu = 0", c.Largest(), c.Clusters(), n-1)
		}
		c.Event(rng)
	}
	if err := c.check(); err != nil {
		t.Fatal(err)
	}
}

// meanFieldFractions returns q_s, the stationary fraction of agents in
// clusters of size s (s = 1..smax, index s), of the mean-field master
// equation of the Eguíluz–Zimmermann model: balancing losses (2−ν)·q_s
// against merges (1−ν)·Σ_{r<s} q_r·q_{s−r} gives q_1 = 1/(2−ν) from
// Σ q_s = 1, and the rest by recursion. The generating function has a square
// root singularity at z* = (2−ν)²/(4(1−ν)), so q_s ~ s^{−3/2} z*^{−s} and the
// number of clusters n_s = N·q_s/s ~ s^{−5/2}: D'Hulst and Rodgers, "Exact
// solution of a model for crowding and information transmission in financial
// markets", IJTAF 3, 609 (2000).
func meanFieldFractions(nu float64, smax int) []float64 {
	q := make([]float64, smax+1)
	q[1] = 1 / (2 - nu)
	for s := 2; s <= smax; s++ {
		sum := 0.0
		for r := 1; r < s; r++ {
			sum += q[r] * q[s-r]
		}
		q[s] = (1 - nu) / (2 - nu) * sum
	}
	return q
}

func TestCoalescenceMeanField(t *testing.T) {
	const (
		n      = 10000
		nu     = 0.05
		burnIn = 100 // sweeps of n events
		sweeps = 400
	)
	c, _ := NewCoalescence(n, nu)
	rng := rand.New(rand.NewPCG(4, 4))
	for range burnIn * n {
		c.Event(rng)
	}
	// Time average of the cluster-number histogram, sampled once a sweep.
	avg := make([]float64, n+1)
	var counts []int
	for range sweeps {
		for range n {
			c.Event(rng)
		}
		counts = c.SizeCounts(counts)
		for s, k := range counts {
			avg[s] += float64(k) / sweeps
		}
	}
	mf := meanFieldFractions(nu, 64)
	// Finite-size corrections are O(s/N) and the samples are correlated
	// over a few sweeps; 3% on the smallest sizes is several standard errors.
	for s := 1; s <= 4; s++ {
		got := float64(s) * avg[s] / n
		t.Logf("q_%d = %.4f, mean field %.4f", s, got, mf[s])
		if math.Abs(got-mf[s]) > 0.03*mf[s] {
			t.Errorf("fraction of agents in clusters of size %d: %.4f, mean field %.4f", s, got, mf[s])
		}
	}
	// Least-squares slope of log n_s against log s over logarithmic bins in
	// [4, 64), measured and mean-field (n_s ∝ q_s/s). The mean-field value
	// over this range, −2.65, is still steeper than the asymptotic −5/2
	// (pre-asymptotic terms and the cutoff 1/ln z* ≈ 1500), so the check is
	// against it, with the exponent itself checked loosely.
	binSlope := func(ns func(s int) float64) float64 {
		var xs, ys []float64
		for lo := 4; lo < 64; lo *= 2 {
			sum := 0.0
			for s := lo; s < 2*lo; s++ {
				sum += ns(s)
			}
			xs = append(xs, math.Log(float64(lo)*math.Sqrt2))
			ys = append(ys, math.Log(sum/float64(lo)))
		}
		return fitSlope(xs, ys)
	}
	got := binSlope(func(s int) float64 { return avg[s] })
	want := binSlope(func(s int) float64 { return mf[s] / float64(s) })
	t.Logf("cluster-number exponent over s in [4, 64): %.3f, mean field %.3f (asymptotically −2.5)", got, want)
	if math.Abs(got-want) > 0.1 || math.Abs(got+2.5) > 0.25 {
		t.Errorf("cluster-number exponent %.3f, want %.3f ± 0.1 and −2.5 ± 0.25", got, want)
	}
}

func fitSlope(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i] / float64(len(x))
		my += y[i] / float64(len(x))
	}
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	return sxy / sxx
}

func TestGelSeries(t *testing.T) {
	p := DefaultParams()
	p.Agents, p.EventsPerSample, p.NumGels = 300, 300, 5
	gels, err := GenerateGels(p, 200, 9)
	if err != nil {
		t.Fatal(err)
	}
	if len(gels) != 5 {
		t.Fatalf("%d series, want 5", len(gels))
	}
	for i, s := range gels {
		if len(s) != 200 {
			t.Fatalf("series %d has %d samples", i, len(s))
		}
		for k, v := range s {
			// The largest size is an integer in [1, n_a].
			if v < 1.0/300 || v > 1 || math.Abs(v*300-math.Round(v*300)) > 1e-9 {
				t.Fatalf("series %d sample %d = %g", i, k, v)
			}
		}
	}
	if equalFloat64(gels[0], gels[1]) {
		t.Error("two gel series are identical")
	}
	// Series i of GenerateGels is GelSeries on stream i.
	one, err := GelSeries(p, 200, stream(9, tagGel, 3))
	if err != nil {
		t.Fatal(err)
	}
	if !equalFloat64(one, gels[3]) {
		t.Error("GenerateGels series 3 differs from GelSeries on its stream")
	}
}

func equalFloat64(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestParamsValidate(t *testing.T) {
	if err := DefaultParams().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	for name, edit := range map[string]func(*Params){
		"agents":            func(p *Params) { p.Agents = 0 },
		"nu":                func(p *Params) { p.Nu = 1.5 },
		"nu NaN":            func(p *Params) { p.Nu = math.NaN() },
		"events_per_sample": func(p *Params) { p.EventsPerSample = 0 },
		"burn_in":           func(p *Params) { p.BurnIn = -1 },
		"num_gels":          func(p *Params) { p.NumGels = 0 },
		"mix":               func(p *Params) { p.Mix = 0 },
		"window":            func(p *Params) { p.Window = 0 },
		"sigma":             func(p *Params) { p.Sigma = 0 },
		"iterations":        func(p *Params) { p.Iterations = -1 },
		"red":               func(p *Params) { p.Red = math.Inf(1) },
		"time_block":        func(p *Params) { p.TimeBlock = 0 },
	} {
		p := DefaultParams()
		edit(&p)
		if err := p.Validate(); err == nil {
			t.Errorf("%s: invalid params accepted", name)
		}
	}
	if _, err := GenerateGels(DefaultParams(), -1, 0); err == nil {
		t.Error("negative sample count accepted")
	}
}
