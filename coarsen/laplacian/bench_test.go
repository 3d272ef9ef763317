package laplacian

import (
	"fmt"
	"github.com/roma-go/roma/stages/benchmem"
	"runtime"
	"testing"
	"time"
)

// BenchmarkRenormalizeHRG times one LRG step by the local method on the
// largest component of a hyperbolic random graph (α = 0.75, mean degree
// ≈ 3) drawn on 100k and 1M nodes, τ* at the first specific-heat peak. Beside
// the total it reports the quadrature (S, C, τ*) and the local columns
// separately, the heap before and at peak (the graph itself is in the
// "before" figure), and as a reference the time of one sparse product L·x on
// the whole graph, the unit every Krylov method pays.
func BenchmarkRenormalizeHRG(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		for _, ball := range []int{DefaultBall, 512} {
			b.Run(fmt.Sprintf("N=%d/ball=%d", n, ball), func(b *testing.B) {
				g := hrgGraph(b, n, 1)
				op, err := newOperator(g)
				if err != nil {
					b.Fatal(err)
				}
				x, y := make([]float64, g.N), make([]float64, g.N)
				for i := range x {
					x[i] = float64(i%7) - 3
				}
				t0 := time.Now()
				for k := 0; k < 20; k++ {
					op.mul(y, x)
				}
				matvec := time.Since(t0) / 20
				opt := Options{Method: MethodLocal, Ball: ball}
				comp, size := op.components()
				t0 = time.Now()
				if _, err := slq(op, comp, len(size), DefaultProbes, DefaultSteps, 0); err != nil {
					b.Fatal(err)
				}
				quad := time.Since(t0)
				op, x, y = nil, nil, nil
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				before := ms.HeapAlloc
				var info Info
				var peak uint64
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					peak = max(peak, benchmem.PeakHeap(func() {
						if _, info, err = Renormalize(g, opt); err != nil {
							b.Fatal(err)
						}
					}))
				}
				b.StopTimer()
				total := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(float64(g.N), "nodes")
				b.ReportMetric(float64(g.NumEdges()), "edges")
				b.ReportMetric(total, "s/op")
				b.ReportMetric(quad.Seconds(), "quadrature-s")
				b.ReportMetric(float64(matvec.Microseconds())/1e3, "Lx-ms")
				b.ReportMetric(info.Tau, "tau")
				b.ReportMetric(float64(info.Blocks), "blocks")
				b.ReportMetric(info.MeanLeak, "mean-leak")
				b.ReportMetric(info.MeanLocalSteps, "steps/col")
				b.ReportMetric(1e9*(total-quad.Seconds())/float64(g.N), "ns/col")
				b.ReportMetric(float64(before)/(1<<20), "heap-before-MB")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			})
		}
	}
}
