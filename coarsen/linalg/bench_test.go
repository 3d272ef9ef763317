package linalg

import (
	"fmt"
	"testing"
	"time"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
	"github.com/roma-go/roma/stages/par"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
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

// BenchmarkDense times the tall-skinny products of one LOBPCG step (n = 10⁶
// rows, 40 columns) beside gonum's Dgemm on the same operands, called
// whole (it parallelises MulAdd's shape itself; for AtB's 40×40 output it
// runs serially).
func BenchmarkDense(b *testing.B) {
	const n, p = 1_000_000, 40
	x, y := randBlock(n, p, 1), randBlock(n, p, 2)
	c := randBlock(p, p, 3).Data
	flops := float64(2 * n * p * p)
	report := func(b *testing.B) {
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	}
	b.Run("AtB", func(b *testing.B) {
		var r Reducer
		out := make([]float64, p*p)
		for i := 0; i < b.N; i++ {
			r.AtB(out, x, y)
		}
		report(b)
	})
	b.Run("AtA", func(b *testing.B) {
		var r Reducer
		out := make([]float64, p*p)
		for i := 0; i < b.N; i++ {
			r.AtA(out, x)
		}
		report(b)
	})
	b.Run("AtB/gonum", func(b *testing.B) {
		out := make([]float64, p*p)
		for i := 0; i < b.N; i++ {
			gonum.Implementation{}.Dgemm(blas.Trans, blas.NoTrans, p, p, n, 1, x.Data, p, y.Data, p, 0, out, p)
		}
		report(b)
	})
	b.Run("MulAdd", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			MulAdd(y, 0, x, c)
		}
		report(b)
	})
	b.Run("MulAdd/gonum", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			gonum.Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, n, p, p, 1, x.Data, p, c, p, 0, y.Data, p)
		}
		report(b)
	})
}
