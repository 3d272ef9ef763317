// Package benchmem measures memory and CPU time for benchmarks: the peak heap
// while a function runs, and the process's CPU seconds, which separate work
// from time spent waiting for a core on a shared machine.
package benchmem

import (
	"math"
	"runtime/metrics"
	"sync"
	"syscall"
	"time"
)

// PeakHeap runs f and returns the largest heap (live objects plus unswept
// garbage) seen while it ran, sampled every millisecond.
func PeakHeap(f func()) uint64 {
	read := Heap
	peak := read()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				peak = max(peak, read())
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return max(peak, read())
}

// Heap returns the bytes of heap objects now, live and unswept.
func Heap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// CPUSeconds returns the process's user plus system CPU time.
func CPUSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
