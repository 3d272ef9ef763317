package geometric

import (
	"github.com/roma-go/roma/stages/benchmem"
	"runtime"
	"sync"
	"testing"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
)

// benchGraph is the 1M-node graph of the benchmarks: α = 0.75 and the
// reference's v = 3 (mean degree ≈ 17), the KM graphs' parameters.
var benchGraph = sync.OnceValues(func() (*graph.Graph, error) {
	return hrg.Generate(hrg.Params{N: 1_000_000, Alpha: 0.75, Seed: 1})
})

// BenchmarkRenormalize times GR on a 1M-node hyperbolic graph (r = 2, β = ∞):
// one level, a 3-level hierarchy, and as the reference the supernode-edge
// union alone (hierarchy.Coarsen with the same assignment), the part any
// coarse-graining pays. It reports nodes/s of the input, the peak heap
// during the call (everything live, the input graph included) and its growth
// over the heap before the call, beside the input graph's own size.
func BenchmarkRenormalize(b *testing.B) {
	g, err := benchGraph()
	if err != nil {
		b.Fatal(err)
	}
	inputMB := float64(8*len(g.Src)+16*g.N) / (1 << 20)
	one, err := Renormalize(g, 2, inf)
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		run  func() error
	}{
		{"level", func() error { _, err := Renormalize(g, 2, inf); return err }},
		{"hierarchy3", func() error { _, err := Hierarchy(g, 2, 3, inf); return err }},
		{"coarsen-only", func() error { _, err := hierarchy.Coarsen(g, one.Assign, one.Coarse.N); return err }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var peak, extra uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				runtime.GC()
				b.StartTimer()
				var err error
				before := benchmem.Heap()
				p := benchmem.PeakHeap(func() { err = c.run() })
				peak, extra = max(peak, p), max(extra, p-before)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(g.N)*float64(b.N)/b.Elapsed().Seconds(), "nodes/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(extra)/(1<<20), "extra-heap-MB")
			b.ReportMetric(inputMB, "input-MB")
			b.ReportMetric(float64(g.NumEdges()), "edges")
		})
	}
}
