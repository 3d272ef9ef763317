// Package par runs loops over index ranges on all cores with a partition that
// does not depend on the number of cores, so that results (including
// floating-point reductions) are identical on any machine.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Block is the default number of indices in one block of work.
const Block = 1 << 14

// For calls fn(lo, hi) for the consecutive blocks [lo, hi) of [0, n), each of
// size block (the last may be shorter), on up to GOMAXPROCS goroutines. fn is
// called with each block exactly once; the blocks are fixed by n and block.
func For(n, block int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if block <= 0 {
		block = Block
	}
	nb := (n + block - 1) / block
	workers := min(runtime.GOMAXPROCS(0), nb)
	if workers <= 1 {
		for lo := 0; lo < n; lo += block {
			fn(lo, min(lo+block, n))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := next.Add(1) - 1
				if int(b) >= nb {
					return
				}
				lo := int(b) * block
				fn(lo, min(lo+block, n))
			}
		}()
	}
	wg.Wait()
}

// Sum returns the sum over blocks of part(lo, hi), added in block order, so the
// result is the same whatever the number of cores.
func Sum(n, block int, part func(lo, hi int) float64) float64 {
	if block <= 0 {
		block = Block
	}
	nb := (n + block - 1) / block
	parts := make([]float64, nb)
	For(n, block, func(lo, hi int) { parts[lo/block] = part(lo, hi) })
	s := 0.0
	for _, p := range parts {
		s += p
	}
	return s
}
