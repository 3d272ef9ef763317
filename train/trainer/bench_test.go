package trainer

import (
	"testing"
	"time"

	"github.com/roma-go/roma/stages/benchmem"
	"github.com/roma-go/roma/train/backend"
	"github.com/roma-go/roma/train/model"
	"github.com/roma-go/roma/train/sampler"
	"gorgonia.org/tensor"
)

// matmulGFLOPS measures the BLAS under Gorgonia's tensors on an n×n×n
// float32 product: the reference figure for the training steps.
func matmulGFLOPS(b *testing.B, n int) float64 {
	b.Helper()
	// Non-zero operands: a BLAS may skip work on zeros.
	v := make([]float32, n*n)
	for i := range v {
		v[i] = float32(i%7) * 0.1
	}
	x := tensor.New(tensor.WithShape(n, n), tensor.WithBacking(v))
	y := tensor.New(tensor.WithShape(n, n), tensor.WithBacking(append([]float32(nil), v...)))
	out := tensor.New(tensor.WithShape(n, n), tensor.WithBacking(make([]float32, n*n)))
	const reps = 5
	start := time.Now()
	for i := 0; i < reps; i++ {
		if _, err := x.MatMul(y, tensor.WithReuse(out)); err != nil {
			b.Fatal(err)
		}
	}
	return 2 * float64(n*n*n) * reps / time.Since(start).Seconds() / 1e9
}

// BenchmarkTrainStep times full training steps (batch, lift, forward,
// backward, AdamW) of each baseline at the default size (W 64, 128 nodes,
// κ 16) and at about 10M parameters, beside the matrix-product rate of the
// BLAS in use (build with -tags openblas for OpenBLAS).
func BenchmarkTrainStep(b *testing.B) {
	gf := matmulGFLOPS(b, 1024)
	for _, kind := range model.Names {
		for _, size := range []struct {
			name   string
			params int
		}{{"default", 0}, {"10M", 10_000_000}} {
			b.Run(kind+"/"+size.name, func(b *testing.B) { benchStep(b, kind, size.params, gf) })
		}
	}
}

func benchStep(b *testing.B, kind string, params int, gflops float64) {
	g, x := toyData(b, 3000, 200)
	so := sampler.DefaultOptions()
	so.BatchSize, so.Kappa = 128, 16
	smp, err := sampler.New(g, x, 200, so, 1)
	if err != nil {
		b.Fatal(err)
	}
	c := model.DefaultConfig()
	dims := model.Dims{N: 128, Kappa: 16, Edges: 128 + 128*4}
	if params > 0 {
		if c.Width, err = model.MatchWidth(kind, c, dims, params); err != nil {
			b.Fatal(err)
		}
	}
	var tr *Trainer[float32]
	heap := benchmem.PeakHeap(func() {
		m, err := model.Build(kind, c, dims, tensor.Float32, 1, false)
		if err != nil {
			b.Fatal(err)
		}
		opt := toyOptions(b.TempDir(), 1<<30)
		if tr, err = New[float32](m, smp, opt); err != nil {
			b.Fatal(err)
		}
		if err := tr.trainStep(); err != nil { // warm-up
			b.Fatal(err)
		}
	})
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := tr.trainStep(); err != nil {
			b.Fatal(err)
		}
		tr.Step++
	}
	sec := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(1/sec, "steps/s")
	b.ReportMetric(128/sec, "samples/s")
	b.ReportMetric(float64(heap)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(tr.M.B.Count())/1e6, "Mparams")
	b.ReportMetric(gflops, "matmul-GFLOP/s")
	// Dense per-token networks cost about 6 FLOP per parameter and token
	// (2 forward, 4 backward): the step's achieved rate, beside the matmul's.
	b.ReportMetric(6*float64(tr.M.B.Count())*128/sec/1e9, "step-GFLOP/s")
	b.Logf("%s BLAS, W %d", backend.Name(), c.Width)
}
