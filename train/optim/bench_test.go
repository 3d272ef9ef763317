package optim

import (
	"testing"
	"time"
)

// BenchmarkStep10M times Step on 10M float32 parameters (one slice of 9M and
// 100 of 10k, as a model's leaves) and, in the same benchmark, a plain copy
// of the bytes Step streams (params, grads, m, v). GB/s counts bytes read
// plus bytes written: Step reads g twice (finiteness scan, update), reads
// p, m, v and writes them, 8 × 4 B per parameter; the copy reads and writes
// the 16 B per parameter once.
func BenchmarkStep10M(b *testing.B) {
	sizes := []int{9_000_000}
	for range 100 {
		sizes = append(sizes, 10_000)
	}
	n := 0
	params, grads := make([][]float32, len(sizes)), make([][]float32, len(sizes))
	for i, s := range sizes {
		n += s
		params[i], grads[i] = make([]float32, s), make([]float32, s)
		for j := range grads[i] {
			params[i][j], grads[i][j] = 1, float32(j%7)*0.3-1
		}
	}
	a := New[float32](sizes)
	src, dst := make([]float32, 4*n), make([]float32, 4*n)
	var copyTime time.Duration
	b.ResetTimer()
	for b.Loop() {
		a.Step(params, grads, 1e-4)
		b.StopTimer()
		t0 := time.Now()
		copy(dst, src)
		copyTime += time.Since(t0)
		b.StartTimer()
	}
	b.StopTimer()
	perStep := b.Elapsed().Seconds() / float64(b.N)
	perCopy := copyTime.Seconds() / float64(b.N)
	b.ReportMetric(perStep*1e9/float64(n), "ns/param")
	b.ReportMetric(float64(32*n)/perStep/1e9, "step-GB/s")
	b.ReportMetric(float64(32*n)/perCopy/1e9, "copy-GB/s")
	b.ReportMetric(perCopy*1e9/float64(n), "copy-ns/param")
}
