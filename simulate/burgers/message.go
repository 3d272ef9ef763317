package burgers

import (
	"fmt"
	"math"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages/par"
)

// nodeBlock is the par.For block over nodes.
const nodeBlock = 1024

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
// no message.
//
// Time is cut into blocks of block samples (block ≤ 0 means
// DefaultParams().TimeBlock), swept from the last to the first: block
// [t0, t1) reads columns t0..t1−1 and writes t0+1..t1, which no
// later-processed block reads, so the update is in place with a scratch of
// N·min(block, steps−1) float32. The block changes speed and memory, never
// the result. Sums are in float64; a message is rounded to float32 once
// before it is added, which costs at most one more rounding of the float32
// result.
func MessagePass(adj *graph.CSR, xb []float32, steps, iterations int, red float64, block int) error {
	if block <= 0 {
		block = DefaultParams().TimeBlock
	}
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
				// The senders' row segments are walked side by side, so the
				// loads of several rows are in flight at once.
				var segs [][]float32
				for r := lo; r < hi; r++ {
					segs = segs[:0]
					for e := adj.Ptr[r]; e < adj.Ptr[r+1]; e++ {
						off := int(adj.Col[e]) * steps
						segs = append(segs, xb[off+t0:off+t1])
					}
					cs := coef[adj.Ptr[r]:adj.Ptr[r+1]]
					cs = cs[:len(segs)]
					out := msg[r*bt : r*bt+nb]
					j := 0
					for ; j+4 <= len(out); j += 4 { // four samples per pass over the senders
						var a0, a1, a2, a3 float64
						for k, seg := range segs {
							c := cs[k]
							q := seg[j : j+4 : j+4]
							f0, f1, f2, f3 := float64(q[0]), float64(q[1]), float64(q[2]), float64(q[3])
							a0 += c * f0 * f0
							a1 += c * f1 * f1
							a2 += c * f2 * f2
							a3 += c * f3 * f3
						}
						o := out[j : j+4 : j+4]
						o[0] = float32(math.Sqrt(a0))
						o[1] = float32(math.Sqrt(a1))
						o[2] = float32(math.Sqrt(a2))
						o[3] = float32(math.Sqrt(a3))
					}
					for ; j < len(out); j++ {
						acc := 0.0
						for k, seg := range segs {
							f := float64(seg[j])
							acc += cs[k] * f * f
						}
						out[j] = float32(math.Sqrt(acc))
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
