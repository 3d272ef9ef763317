package burgers

import (
	"fmt"
	"math"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages/par"
)

const (
	// timeBlock is the number of time samples one message-passing pass
	// handles at once. The pass is bound by the latency of reading random
	// neighbour rows; runs of 256 float32 (1 KiB) let the hardware prefetcher
	// stream each row (32 samples ran 6× slower at N = 100k), while the
	// scratch stays at N·256 float32.
	timeBlock = 256
	// nodeBlock is the par.For block over nodes.
	nodeBlock = 1024
)

// edgeCoefficients returns, for every entry (r, s) of adj, the factor c_rs
// with msg_r = sqrt(Σ_s c_rs·x_s²): c_rs = w_sr² / (indeg_r · red²), where
// w_sr = w_s / Σ_{s'→r} w_s' and w_s = indeg_s / N (the 1/N cancels).
func edgeCoefficients(adj *graph.CSR, red float64) []float64 {
	coef := make([]float64, len(adj.Col))
	deg := func(i int32) float64 { return float64(adj.Ptr[i+1] - adj.Ptr[i]) }
	par.For(adj.N, nodeBlock, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			a, b := adj.Ptr[r], adj.Ptr[r+1]
			norm := 0.0
			for _, s := range adj.Col[a:b] {
				norm += deg(s)
			}
			scale := 1 / (float64(b-a) * red * red)
			for e := a; e < b; e++ {
				w := deg(adj.Col[e]) / norm
				coef[e] = w * w * scale
			}
		}
	})
	return coef
}

// MessagePass runs the coupling of lib/burgers_coupled.py on xb, node-major
// with row stride steps (xb[i·steps + t]), in place: iterations times, for
// t = 0..steps−2 at once,
//
//	msg_r(t) = sqrt(mean_{s→r} (xb[s,t]·w_sr)²) / red,  then  xb[r, t+1] += msg_r(t),
//
// with w_sr as in edgeCoefficients, every message computed from the values
// before the sweep (Jacobi). adj lists each receiver's senders (use
// Graph.Adjacency, which holds both directions); a node without senders gets
// no message. Sweeping the time blocks from the last to the first lets the
// update happen in place, since block [t0, t1) reads columns t0..t1−1 and
// writes t0+1..t1, which no later-processed block reads; the scratch is
// N·min(256, steps−1) float32. Sums are in float64; a message is rounded to
// float32 once before it is added, which costs at most one more rounding of
// the float32 result.
func MessagePass(adj *graph.CSR, xb []float32, steps, iterations int, red float64) error {
	return messagePass(adj, xb, steps, iterations, red, timeBlock)
}

// messagePass is MessagePass with a given time block.
func messagePass(adj *graph.CSR, xb []float32, steps, iterations int, red float64, block int) error {
	n := adj.N
	if steps < 1 || len(xb) != n*steps {
		return fmt.Errorf("burgers: message passing on %d values, want %d nodes × %d steps", len(xb), n, steps)
	}
	if iterations < 0 || !(red > 0) || math.IsInf(red, 0) {
		return fmt.Errorf("burgers: message passing with %d iterations and red %g", iterations, red)
	}
	src := steps - 1 // source times 0..steps-2
	if src == 0 || iterations == 0 || n == 0 {
		return nil
	}
	coef := edgeCoefficients(adj, red)
	bt := min(block, src)
	msg := make([]float32, n*bt)
	for range iterations {
		for t1 := src; t1 > 0; t1 -= bt {
			t0 := max(0, t1-bt)
			nb := t1 - t0
			par.For(n, nodeBlock, func(lo, hi int) {
				a := make([]float64, nb)
				for r := lo; r < hi; r++ {
					clear(a)
					for e := adj.Ptr[r]; e < adj.Ptr[r+1]; e++ {
						c := coef[e]
						off := int(adj.Col[e]) * steps
						seg := xb[off+t0 : off+t1]
						a := a[:len(seg)] // lets the compiler drop bounds checks
						for j, v := range seg {
							f := float64(v)
							a[j] += c * f * f
						}
					}
					out := msg[r*bt : r*bt+nb]
					a := a[:len(out)]
					for j := range out {
						out[j] = float32(math.Sqrt(a[j]))
					}
				}
			})
			par.For(n, nodeBlock, func(lo, hi int) {
				for r := lo; r < hi; r++ {
					m := msg[r*bt : r*bt+nb]
					dst := xb[r*steps+t0+1 : r*steps+t1+1]
					dst = dst[:len(m)]
					for j, m := range m {
						dst[j] = float32(float64(dst[j]) + float64(m))
					}
				}
			})
		}
	}
	return nil
}

// Normalize replaces each row of xb (row stride steps) by its cumulative sum
// over time divided by the global maximum of those sums, and returns that
// maximum. The sums are accumulated in float64 twice (once for the maximum,
// once to write) so each output is rounded once and the maximum becomes
// exactly 1. It fails, leaving xb unchanged, when the maximum is not finite
// and positive, where the division would be meaningless (the reference would
// produce NaN or flip signs).
func Normalize(xb []float32, steps int) (float64, error) {
	if steps < 1 || len(xb)%steps != 0 {
		return 0, fmt.Errorf("burgers: normalising %d values in rows of %d", len(xb), steps)
	}
	n := len(xb) / steps
	nblocks := (n + nodeBlock - 1) / nodeBlock
	maxes := make([]float64, nblocks)
	par.For(n, nodeBlock, func(lo, hi int) {
		m := math.Inf(-1)
		for r := lo; r < hi; r++ {
			cum := 0.0
			for _, v := range xb[r*steps : (r+1)*steps] {
				cum += float64(v)
				if cum > m || cum != cum {
					m = cum
				}
			}
		}
		maxes[lo/nodeBlock] = m
	})
	gmax := math.Inf(-1)
	for _, m := range maxes {
		if m > gmax || m != m {
			gmax = m
		}
	}
	if !(gmax > 0) || math.IsInf(gmax, 0) {
		return gmax, fmt.Errorf("burgers: the maximum of the cumulative sums is %g; cannot normalise by it (are the gel series constant?)", gmax)
	}
	par.For(n, nodeBlock, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			cum := 0.0
			row := xb[r*steps : (r+1)*steps]
			for k, v := range row {
				cum += float64(v)
				row[k] = float32(cum / gmax)
			}
		}
	})
	return gmax, nil
}
