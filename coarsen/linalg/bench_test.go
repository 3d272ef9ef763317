package linalg

import (
	"fmt"
	"testing"
	"time"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
	"github.com/roma-go/roma/stages/par"
)

// benchGraph is the largest component of a hyperbolic random graph with
// α = 0.75 and mean degree about 3.
func benchGraph(b *testing.B, n int) *graph.Graph {
	v := 3 / hrg.ExpectedAvgDegree(1, 0.75, hrg.FormulaStandard)
	g, err := hrg.Generate(hrg.Params{N: n, AvgDegree: v, Alpha: 0.75, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	lcc, _ := g.LargestComponent()
	return lcc
}

// BenchmarkApplyBlock times one block product L·X with k vectors on the
// largest component of a 1M-node hyperbolic graph, beside the reference
// copy-bw: the rate of a parallel copy of the same n×k block, which bounds
// what a pass that reads X and writes L·X can reach.
func BenchmarkApplyBlock(b *testing.B) {
	g := benchGraph(b, 1_000_000)
	l, err := NewLaplacian(g, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, k := range []int{1, 8, 40} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			n := l.N()
			x := randBlock(n, k, 1).Data
			dst := make([]float64, n*k)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				l.ApplyBlock(dst, x, k)
			}
			b.StopTimer()
			sec := b.Elapsed().Seconds() / float64(b.N)
			// Bytes that must move at least once: X read, L·X written, the
			// matrix read.
			bytes := float64(16*n*k) + float64(12*l.NNZ()+16*n)
			b.ReportMetric(bytes/sec/1e9, "GB/s")
			b.ReportMetric(float64(2*(l.NNZ()+n)*k)/sec/1e9, "GFLOP/s")
			// Reference: parallel copy of the block, timed by hand.
			start := time.Now()
			const reps = 20
			for i := 0; i < reps; i++ {
				par.For(n*k, par.Block, func(lo, hi int) { copy(dst[lo:hi], x[lo:hi]) })
			}
			b.ReportMetric(float64(16*n*k)*reps/time.Since(start).Seconds()/1e9, "copy-GB/s")
		})
	}
}
