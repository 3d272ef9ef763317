package burgers

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
)

func smallParams() Params {
	p := DefaultParams()
	p.Agents, p.EventsPerSample, p.NumGels = 200, 200, 12
	return p
}

// naiveRun follows lib/burgers_coupled.py step by step in float64: mean of
// the node's gels, then the pandas rolling sum and diff on that mean, the
// brute-force message passing, cumsum and division by the global maximum.
func naiveRun(g *graph.Graph, gels [][]float64, p Params, seed uint64) []float64 {
	T := len(gels[0])
	steps := T - p.Window
	idx := MixIndices(g.N, len(gels), p.Mix, seed)
	x := make([]float64, g.N*steps)
	mean := make([]float64, T)
	for i := range g.N {
		for t := range mean {
			s := 0.0
			for _, k := range idx[i*p.Mix : (i+1)*p.Mix] {
				s += gels[k][t]
			}
			mean[t] = s / float64(p.Mix)
		}
		copy(x[i*steps:], pandasRollingDiff(mean, p.Window, p.Sigma))
	}
	bruteMessagePass(g, x, steps, p.Iterations, p.Red)
	gmax := math.Inf(-1)
	for i := range g.N {
		cum := 0.0
		for t := range steps {
			cum += x[i*steps+t]
			x[i*steps+t] = cum
			gmax = max(gmax, cum)
		}
	}
	for i := range x {
		x[i] /= gmax
	}
	return x
}

func TestRunMatchesNaive(t *testing.T) {
	p := smallParams()
	g := randomGraph(400, 600, rand.New(rand.NewPCG(7, 7))) // has isolated nodes
	gels, err := GenerateGels(p, p.Window+300, 11)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(g, gels, p, 11)
	if err != nil {
		t.Fatal(err)
	}
	if res.N != 400 || res.Steps != 300 || len(res.Data) != 400*300 || len(res.Times) != 300 {
		t.Fatalf("shape N=%d Steps=%d len=%d times=%d", res.N, res.Steps, len(res.Data), len(res.Times))
	}
	if res.Times[0] != 64 || res.Times[299] != 363 {
		t.Errorf("times %g..%g, want 64..363", res.Times[0], res.Times[299])
	}
	want := naiveRun(g, gels, p, 11)
	worst := 0.0
	for i, v := range res.Data {
		worst = max(worst, math.Abs(float64(v)-want[i]))
	}
	// Output in [−1, 1]-ish; float32 storage and reordered sums.
	if worst > 2e-6 {
		t.Errorf("largest difference from the naive float64 pipeline %.3g", worst)
	}
	t.Logf("largest difference from the naive float64 pipeline: %.3g", worst)
}

// Properties of a default-parameter run (gel model defaults, reference
// smoothing and coupling) on a connected-ish random graph.
func TestRunProperties(t *testing.T) {
	p := DefaultParams()
	p.NumGels = 20
	g := randomGraph(2000, 3000, rand.New(rand.NewPCG(8, 8)))
	res, err := Simulate(g, 400, p, 3)
	if err != nil {
		t.Fatal(err)
	}
	maxv, minv, neg := float32(math.Inf(-1)), float32(math.Inf(1)), 0
	for _, v := range res.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("non-finite output %g", v)
		}
		maxv, minv = max(maxv, v), min(minv, v)
		if v < 0 {
			neg++
		}
	}
	if maxv != 1 {
		t.Errorf("maximum %.9g, want exactly 1", maxv)
	}
	// The cumulative sum integrates the smoothed gel differences (either
	// sign) plus the non-negative messages, so early values can be negative.
	t.Logf("output range [%.4g, %g], %d of %d values negative, divided by %.4g",
		minv, maxv, neg, len(res.Data), res.Max)
}

func TestRunDeterministic(t *testing.T) {
	p := smallParams()
	g := randomGraph(9000, 14000, rand.New(rand.NewPCG(9, 9))) // > mixBlock and nodeBlock
	run := func(procs int, seed uint64) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		res, err := Simulate(g, 300, p, seed)
		if err != nil {
			t.Fatal(err)
		}
		return res.Data
	}
	a, b, c := run(1, 5), run(2, 5), run(2, 6)
	same := func(x, y []float32) bool {
		for i := range x {
			if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
				return false
			}
		}
		return len(x) == len(y)
	}
	if !same(a, b) {
		t.Error("GOMAXPROCS 1 and 2 give different outputs")
	}
	if same(b, c) {
		t.Error("seeds 5 and 6 give the same output")
	}
}

func TestRunErrors(t *testing.T) {
	p := smallParams()
	g := mustGraph(3, []int32{0, 1}, []int32{1, 2})
	ok := make([]float64, 100)
	for i := range ok {
		ok[i] = float64(i % 9)
	}
	for name, tc := range map[string]struct {
		g    *graph.Graph
		gels [][]float64
	}{
		"nil graph":     {nil, [][]float64{ok}},
		"no gels":       {g, nil},
		"ragged":        {g, [][]float64{ok, ok[:99]}},
		"NaN":           {g, [][]float64{ok, append(append([]float64(nil), ok[:50]...), append([]float64{math.NaN()}, ok[51:]...)...)}},
		"short":         {g, [][]float64{ok[:64]}},
		"constant gels": {g, [][]float64{make([]float64, 100)}},
		"empty graph":   {&graph.Graph{}, [][]float64{ok}},
	} {
		if _, err := Run(tc.g, tc.gels, p, 1); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if _, err := Simulate(g, 0, p, 1); err == nil {
		t.Error("zero steps accepted")
	}
}
