package kuramoto

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
	"github.com/roma-go/roma/simulate/ode"
	"github.com/roma-go/roma/stages/par"
)

// csrProduct is the plain fused product out_r = Σ_s w_sr·x_s over pairs
// x_s = (sin, cos): the memory traffic of the coupling pass without the
// trigonometry and the ω, K(t) terms.
func csrProduct(out, x [][2]float64, w *graph.CSR) {
	ptr, col, val := w.Ptr, w.Col, w.Val
	par.For(w.N, rowBlock, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			cs, ws := col[ptr[r]:ptr[r+1]], val[ptr[r]:ptr[r+1]]
			ws = ws[:len(cs)]
			var a, b float64
			for j, c := range cs {
				q := &x[c]
				a += ws[j] * q[0]
				b += ws[j] * q[1]
			}
			out[r] = [2]float64{a, b}
		}
	})
}

// triad is the STREAM triad a = b + s·c.
func triad(a, b, c []float64, s float64) {
	par.For(len(a), par.Block, func(lo, hi int) {
		aa, bb, cc := a[lo:hi], b[lo:hi], c[lo:hi]
		for i := range aa {
			aa[i] = bb[i] + s*cc[i]
		}
	})
}

// benchGraphs caches the benchmark graphs across sub-benchmarks.
var benchGraphs = map[string]*graph.Graph{}

// benchGraph returns an Erdős–Rényi-like graph of mean degree 3 ("er"), a
// hyperbolic random graph with α = 0.75, v = 3 as generated, ids in
// increasing angle so most neighbours are close in memory ("hrg"), or the
// same graph with ids shuffled ("hrg-shuffled"), as in the reference.
func benchGraph(b *testing.B, kind string, n int) *graph.Graph {
	key := fmt.Sprint(kind, n)
	if g, ok := benchGraphs[key]; ok {
		return g
	}
	var g *graph.Graph
	switch kind {
	case "er":
		g = randomGraph(b, n, 3, 1)
	case "hrg":
		var err error
		g, err = hrg.Generate(hrg.Params{N: n, AvgDegree: 3, Alpha: 0.75, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
	case "hrg-shuffled":
		h := benchGraph(b, "hrg", n)
		order := make([]int32, n)
		for i := range order {
			order[i] = int32(i)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		g = relabel(b, h, order)
	}
	benchGraphs[key] = g
	return g
}

// relabel returns g with node order[k] renamed k.
func relabel(b *testing.B, g *graph.Graph, order []int32) *graph.Graph {
	id := make([]int32, g.N)
	for k, old := range order {
		id[old] = int32(k)
	}
	src, dst := make([]int32, len(g.Src)), make([]int32, len(g.Src))
	for i := range g.Src {
		src[i], dst[i] = id[g.Src[i]], id[g.Dst[i]]
	}
	h, err := graph.New(g.N, src, dst)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkRK4 measures RK4 steps of the reference model (time-varying K,
// one op = one step) and, in the same run, the memory bound: the fused CSR
// product, four per step, and a STREAM triad over N-vectors. The bound and
// the ratio come from paired timings (one RK4 step, then four products,
// repeated), so load on the machine that drifts during the run affects both
// alike. Metrics: node-steps/s (N·steps/s from the timed loop),
// bound-node-steps/s = N/(4·t_product), ratio = 4·t_product/t_step, the time
// of one sin/cos pass over all nodes, and triad bandwidth.
func BenchmarkRK4(b *testing.B) {
	for _, kind := range []string{"er", "hrg", "hrg-shuffled"} {
		for _, n := range []int{100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/N=%d", kind, n), func(b *testing.B) {
				g := benchGraph(b, kind, n)
				m, theta, err := New(g, DefaultParams(), 1)
				if err != nil {
					b.Fatal(err)
				}
				rk := ode.NewRK4(m)
				const dt = 1e-3
				rk.Step(0, dt, theta)
				b.ReportAllocs()
				b.ResetTimer()
				t := dt
				for i := 0; i < b.N; i++ {
					rk.Step(t, dt, theta)
					t += dt
				}
				b.StopTimer()
				rate := float64(n) * float64(b.N) / b.Elapsed().Seconds()

				out := make([][2]float64, n)
				x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
				csrProduct(out, m.sc, m.W)
				triad(x, y, z, 3)
				var tStep, tProd, tSC, tTriad time.Duration
				reps := max(3, 2_000_000/n)
				for range reps {
					t0 := time.Now()
					rk.Step(t, dt, theta)
					t1 := time.Now()
					for range 4 {
						csrProduct(out, m.sc, m.W)
					}
					t2 := time.Now()
					par.For(n, rowBlock, func(lo, hi int) { sincosInto(m.sc[lo:hi], theta[lo:hi]) })
					t3 := time.Now()
					triad(x, y, z, 3)
					t4 := time.Now()
					tStep += t1.Sub(t0)
					tProd += t2.Sub(t1)
					tSC += t3.Sub(t2)
					tTriad += t4.Sub(t3)
				}
				r := float64(reps)
				bound := float64(n) * r / tProd.Seconds()
				ratio := tProd.Seconds() / tStep.Seconds()
				triadGBs := 24 * float64(n) * r / tTriad.Seconds() / 1e9
				nnz := len(m.W.Col)
				b.ReportMetric(rate, "node-steps/s")
				b.ReportMetric(bound, "bound-node-steps/s")
				b.ReportMetric(ratio, "ratio")
				b.ReportMetric(float64(tSC.Nanoseconds())/r, "sincos-ns")
				b.ReportMetric(triadGBs, "triad-GB/s")
				b.Logf("%s N=%d nnz=%d: RK4 %.3g node-steps/s; paired: step %v, 4 products %v (bound %.3g node-steps/s), ratio %.2f; sincos pass %v; triad %.1f GB/s",
					kind, n, nnz, rate, tStep/time.Duration(reps), tProd/time.Duration(reps), bound, ratio, tSC/time.Duration(reps), triadGBs)
			})
		}
	}
}
