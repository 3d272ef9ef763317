package spectral

import (
	"fmt"
	"github.com/roma-go/roma/stages"
	"github.com/roma-go/roma/stages/benchmem"
	"runtime"
	"testing"
	"time"

	"github.com/roma-go/roma/coarsen/linalg"
)

// BenchmarkPE computes the K = 32 Laplacian positional encoding of the
// largest component of hyperbolic random graphs (α = 0.75, mean degree ≈ 3)
// with the default options and multilevel start. It reports the sparse
// products, iterations and largest residual, the peak heap (also per
// (N + E)·K value, which stays bounded if memory is O((N + E)·K)) and the
// process's peak resident set, the CPU time (which, unlike the wall time,
// does not grow when other processes share the cores), and, as the reference measured in the same
// run, the time of one sparse block product of K + Guard vectors
// (block-product-ms): wall time over it is the cost in block-product
// equivalents. direct is the single-level solve, the baseline the
// multilevel start improves on.
func BenchmarkPE(b *testing.B) {
	for _, c := range []struct {
		n  int
		ml bool
	}{{100_000, false}, {100_000, true}, {1_000_000, true}} {
		name := fmt.Sprintf("N=%d/multilevel", c.n)
		if !c.ml {
			name = fmt.Sprintf("N=%d/direct", c.n)
		}
		b.Run(name, func(b *testing.B) {
			g := hrgGraph(b, c.n, 1)
			opt := Options{K: 32, Seed: 1, Multilevel: c.ml}
			var r *Result
			var peak uint64
			runtime.GC()
			cpu0 := benchmem.CPUSeconds()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				peak = max(peak, benchmem.PeakHeap(func() {
					var err error
					if r, err = Smallest(g, opt); err != nil {
						b.Fatal(err)
					}
				}))
			}
			b.StopTimer()
			cpu := (benchmem.CPUSeconds() - cpu0) / float64(b.N)
			sec := b.Elapsed().Seconds() / float64(b.N)
			l, err := linalg.NewLaplacian(g, nil)
			if err != nil {
				b.Fatal(err)
			}
			const m = 40 // K + default guard
			x, y := make([]float64, g.N*m), make([]float64, g.N*m)
			for i := range x {
				x[i] = float64(i%7) - 3
			}
			start := time.Now()
			const reps = 5
			for i := 0; i < reps; i++ {
				l.ApplyBlock(y, x, m)
			}
			bp := time.Since(start).Seconds() / reps
			b.ReportMetric(float64(g.N), "nodes")
			b.ReportMetric(float64(g.NumEdges()), "edges")
			b.ReportMetric(sec, "s/op")
			b.ReportMetric(cpu, "cpu-s/op")
			b.ReportMetric(float64(r.Products), "products")
			b.ReportMetric(float64(r.Iterations), "iterations")
			b.ReportMetric(float64(r.Levels[0].Iterations), "fine-iterations")
			b.ReportMetric(maxOf(r.Residuals), "max-residual")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(peak)/float64((g.N+g.NumEdges())*opt.K), "heap-B/((N+E)K)")
			if rss := stages.PeakRSS(); rss > 0 {
				b.ReportMetric(float64(rss)/(1<<20), "maxrss-MB")
			}
			b.ReportMetric(bp*1e3, "block-product-ms")
			b.ReportMetric(sec/bp, "block-product-equiv")
		})
	}
}
