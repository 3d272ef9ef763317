package backend

import (
	"math"
	"testing"

	"gorgonia.org/tensor"
)

// The BLAS in use multiplies correctly: a float32 and a float64 product
// through Gorgonia's tensors against plain loops, with every thread count.
func TestProductsMatchLoops(t *testing.T) {
	t.Logf("BLAS: %s", Name())
	const m, k, n = 70, 90, 50
	a, b := make([]float64, m*k), make([]float64, k*n)
	for i := range a {
		a[i] = math.Sin(float64(i))
	}
	for i := range b {
		b[i] = math.Cos(float64(i))
	}
	want := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			for l := 0; l < k; l++ {
				want[i*n+j] += a[i*k+l] * b[l*n+j]
			}
		}
	}
	for _, threads := range []int{1, 2} {
		SetThreads(threads)
		got64 := product(t, a, b, m, k, n)
		a32, b32 := to32(a), to32(b)
		x := tensor.New(tensor.WithShape(m, k), tensor.WithBacking(a32))
		y := tensor.New(tensor.WithShape(k, n), tensor.WithBacking(b32))
		z, err := x.MatMul(y)
		if err != nil {
			t.Fatal(err)
		}
		got32 := z.Data().([]float32)
		for i := range want {
			if math.Abs(got64[i]-want[i]) > 1e-12 || math.Abs(float64(got32[i])-want[i]) > 1e-4 {
				t.Fatalf("%d threads: element %d: float64 %g, float32 %g, loops %g", threads, i, got64[i], got32[i], want[i])
			}
		}
	}
	SetThreads(1)
}

func product(t *testing.T, a, b []float64, m, k, n int) []float64 {
	t.Helper()
	x := tensor.New(tensor.WithShape(m, k), tensor.WithBacking(a))
	y := tensor.New(tensor.WithShape(k, n), tensor.WithBacking(b))
	z, err := x.MatMul(y)
	if err != nil {
		t.Fatal(err)
	}
	return z.Data().([]float64)
}

func to32(v []float64) []float32 {
	w := make([]float32, len(v))
	for i, x := range v {
		w[i] = float32(x)
	}
	return w
}
