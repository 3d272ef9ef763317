package node2vec

import (
	"fmt"
	"github.com/roma-go/roma/stages/benchmem"
	"runtime"
	"testing"
	"time"

	"github.com/roma-go/roma/simulate/graph"
	"math/rand/v2"
)

// BenchmarkEmbed trains one epoch at dimension 32 with the reference's
// other settings on the largest component (about 100k nodes) of a
// hyperbolic graph with α = 0.75 and mean degree ≈ 3, on one core and on
// all cores (the same result either way). It reports positive walks/s,
// skip-gram pairs/s (positive and negative), the arithmetic rate of the
// pair work (one dot product and two row updates per pair), the peak heap
// and, as the floor set by walking alone, walk-ms, the time to draw the
// epoch's positive walks. A last case trains at the reference's dimension
// 512 on a graph of about 10k nodes.
func BenchmarkEmbed(b *testing.B) {
	g := hrgGraph(b, 170_000, 1)
	opt := DefaultOptions(32)
	opt.Epochs = 1
	for _, procs := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("N=%d/dim=32/procs=%d", g.N, procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			embedEpoch(b, g, opt)
		})
	}
	// The reference's dimension, on a graph ten times smaller.
	small := hrgGraph(b, 17_000, 1)
	opt512 := DefaultOptions(512)
	opt512.Epochs = 1
	b.Run(fmt.Sprintf("N=%d/dim=512/procs=%d", small.N, runtime.NumCPU()), func(b *testing.B) {
		embedEpoch(b, small, opt512)
	})
}

func embedEpoch(b *testing.B, g *graph.Graph, opt Options) {
	var peak uint64
	b.ReportAllocs()
	cpu0 := benchmem.CPUSeconds()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		peak = max(peak, benchmem.PeakHeap(func() {
			if _, err := Embed(g, opt); err != nil {
				b.Fatal(err)
			}
		}))
	}
	b.StopTimer()
	b.ReportMetric((benchmem.CPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	sec := b.Elapsed().Seconds() / float64(b.N)
	walks := float64(g.N * opt.WalksPerNode * opt.Epochs)
	perWalk := float64((opt.WalkLength + 2 - opt.Context) * (opt.Context - 1))
	pairs := walks * (1 + float64(opt.Negatives)) * perWalk
	b.ReportMetric(float64(g.N), "nodes")
	b.ReportMetric(walks/sec, "walks/s")
	b.ReportMetric(pairs/sec, "pairs/s")
	b.ReportMetric(pairs*3*2*float64(opt.Dim)/sec/1e9, "GFLOP/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")

	// Walks alone, drawn the way a batch draws them.
	w := newWalker(g, opt.P, opt.Q)
	row := make([]int32, opt.WalkLength+1)
	var r struct{ rand.PCG }
	start := time.Now()
	for k := 0; k < int(walks); k++ {
		r.Seed(opt.Seed, uint64(k))
		w.walk(&r.PCG, row, int32(k%g.N))
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1e3, "walk-ms")
}
