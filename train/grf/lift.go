package grf

import (
	"fmt"

	"github.com/roma-go/roma/stages/par"
)

// Layout selects how Lift arranges the (function, node, lag) values into
// token rows (spec §2.6, quirk Q1, flag grf_layout).
type Layout string

const (
	// LayoutRef is the reference's layout: the (NumFunc, nTok, κ) array is
	// reshaped row-major to (nTok, NumFunc·κ) without a transpose, so row r
	// does not hold node r's window (spec §2.6, Q1). Default for parity runs.
	LayoutRef Layout = "ref"
	// LayoutPerNode is the intended layout: row r holds node r's window
	// through every function, column f·κ + k (spec §2.6 [I]).
	LayoutPerNode Layout = "per_node"
)

// ParseLayout parses a grf_layout value, "ref" or "per_node" (spec §2.6, Q1).
func ParseLayout(s string) (Layout, error) {
	switch l := Layout(s); l {
	case LayoutRef, LayoutPerNode:
		return l, nil
	}
	return "", fmt.Errorf("grf: unknown layout %q (want %q or %q)", s, LayoutRef, LayoutPerNode)
}

// String returns the flag spelling of the layout.
func (l Layout) String() string { return string(l) }

// liftBlock is the number of tokens in one parallel block of Lift.
const liftBlock = 16

// Lift evaluates every function on every window value and writes the branch
// input (spec §2.6, `b_in = GRF(Zt[:, :κ])`). window is nTok × kappa
// row-major; dst is nTok × (NumFunc·kappa) row-major. With LayoutPerNode,
// dst[r, f·κ+k] = g_f(window[r, k]). With LayoutRef (Q1), the flat index
// f·(nTok·κ) + n·κ + k holds g_f(window[n, k]). Values are computed in
// float64 and rounded once; each output depends only on its own input, so the
// result is the same for any number of cores. Lift panics on a wrong slice
// length or an unknown layout.
func (fs *Funcs) Lift(window []float32, nTok, kappa int, layout Layout, dst []float32) {
	if len(window) != nTok*kappa || len(dst) != nTok*kappa*fs.num {
		panic(fmt.Sprintf("grf: Lift: len(window) = %d, len(dst) = %d, want %d and %d",
			len(window), len(dst), nTok*kappa, nTok*kappa*fs.num))
	}
	off := liftOffset(layout, nTok, kappa, fs.num)
	par.For(nTok, liftBlock, func(lo, hi int) {
		idx, ts := make([]int, kappa), make([]float64, kappa)
		for n := lo; n < hi; n++ {
			fs.locateRow(window[n*kappa:(n+1)*kappa], idx, ts)
			for f := 0; f < fs.num; f++ {
				fs.evalRow(f, idx, ts, dst[off(f, n):][:kappa])
			}
		}
	})
}

// liftOffset returns the function giving the start in dst of the κ
// contiguous values of function f on node n.
func liftOffset(layout Layout, nTok, kappa, num int) func(f, n int) int {
	switch layout {
	case LayoutRef:
		return func(f, n int) int { return f*nTok*kappa + n*kappa }
	case LayoutPerNode:
		return func(f, n int) int { return n*num*kappa + f*kappa }
	}
	panic(fmt.Sprintf("grf: Lift: unknown layout %q", layout))
}

// locateRow finds the interval and offset of each value of one window row.
func (fs *Funcs) locateRow(row []float32, idx []int, ts []float64) {
	for k, v := range row {
		idx[k], ts[k] = fs.locate(float64(v))
	}
}

// evalRow writes spline f at the located points into out.
func (fs *Funcs) evalRow(f int, idx []int, ts []float64, out []float32) {
	c := fs.coef[f*(fs.n-1)*4 : (f+1)*(fs.n-1)*4]
	for k := range out {
		i := idx[k]
		out[k] = float32(horner(c[i:i+4], ts[k]))
	}
}
