package par

import (
	"math"
	"runtime"
	"sync/atomic"
	"testing"
)

func TestForCoversEachIndexOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		for _, c := range []struct{ n, block int }{{0, 4}, {1, 4}, {10, 3}, {1000, 7}, {1 << 16, 0}} {
			hits := make([]atomic.Int32, c.n)
			For(c.n, c.block, func(lo, hi int) {
				b := c.block
				if b <= 0 {
					b = Block
				}
				if lo%b != 0 || hi-lo > b {
					t.Errorf("n=%d block=%d: block [%d,%d) not on the fixed partition", c.n, c.block, lo, hi)
				}
				for i := lo; i < hi; i++ {
					hits[i].Add(1)
				}
			})
			for i := range hits {
				if hits[i].Load() != 1 {
					t.Fatalf("procs=%d n=%d block=%d: index %d visited %d times", procs, c.n, c.block, i, hits[i].Load())
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

// TestSumIndependentOfCores sums values whose rounding depends on the order
// of addition and checks the bits agree on 1 and 2 cores.
func TestSumIndependentOfCores(t *testing.T) {
	x := make([]float64, 100_000)
	for i := range x {
		x[i] = math.Sin(float64(i)) * math.Pow(10, float64(i%7))
	}
	part := func(lo, hi int) float64 {
		s := 0.0
		for _, v := range x[lo:hi] {
			s += v
		}
		return s
	}
	var got []float64
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		got = append(got, Sum(len(x), 1000, part))
		runtime.GOMAXPROCS(old)
	}
	if math.Float64bits(got[0]) != math.Float64bits(got[1]) {
		t.Errorf("sums differ: %v vs %v", got[0], got[1])
	}
}
