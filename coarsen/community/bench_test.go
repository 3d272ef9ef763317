package community

import (
	"fmt"
	"github.com/roma-go/roma/stages/benchmem"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
	gcomm "gonum.org/v1/gonum/graph/community"
)

// benchGraph is the largest component of a hyperbolic graph (α = 0.75,
// mean degree ≈ 3), the KM graphs' family.
func benchGraph(b *testing.B, n int) *graph.Graph {
	b.Helper()
	return hrgGraph(b, n, 1)
}

// BenchmarkLouvain runs Louvain on the largest components of hyperbolic
// graphs of 100k, 1M and 3.15M (the KM-3M size) nodes and reports the CPU
// time (on a shared machine the wall time includes waiting for a core), the
// peak heap (the input graph included), the modularity, the number of
// levels and of final communities. For scale, adjacency-ms is the time to
// build the graph's CSR once, one pass over the edges; a Louvain run makes
// about 10–20 passes, in random order.
func BenchmarkLouvain(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000, 3_150_000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			g := benchGraph(b, n)
			start := time.Now()
			_ = g.Adjacency()
			adj := time.Since(start)
			var levels []hierarchy.Level
			var peak uint64
			b.ResetTimer()
			cpu0 := benchmem.CPUSeconds()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				levels = nil
				runtime.GC()
				b.StartTimer()
				peak = max(peak, benchmem.PeakHeap(func() {
					var err error
					if levels, err = Louvain(g, Options{Seed: uint64(i)}); err != nil {
						b.Fatal(err)
					}
				}))
			}
			b.StopTimer()
			b.ReportMetric((benchmem.CPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(g.N), "nodes")
			b.ReportMetric(float64(g.NumEdges()), "edges")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(Modularity(g, hierarchy.Compose(levels)), "Q")
			b.ReportMetric(float64(len(levels)), "levels")
			b.ReportMetric(float64(levels[len(levels)-1].Coarse.N), "communities")
			b.ReportMetric(float64(adj.Microseconds())/1e3, "adjacency-ms")
		})
	}
}

// BenchmarkGonumLouvain is the independent reference for
// BenchmarkLouvain/N=100000: gonum's Louvain on the same graph.
func BenchmarkGonumLouvain(b *testing.B) {
	g := benchGraph(b, 100_000)
	h := toGonum(g)
	var red gcomm.ReducedGraph
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		red = gcomm.Modularize(h, 1, rand.NewPCG(uint64(i), 1))
	}
	b.StopTimer()
	b.ReportMetric(float64(g.N), "nodes")
	b.ReportMetric(gcomm.Q(h, red.Communities(), 1), "Q")
	b.ReportMetric(float64(len(red.Communities())), "communities")
}
