package linalg

import (
	"fmt"

	"github.com/roma-go/roma/stages/par"
)

// gramBlock is the number of rows whose partial sums one worker forms before
// the fixed-order reduction; it fixes the summation order of every Gram
// product, so it must not depend on the number of cores.
const gramBlock = 4096

// cacheRows is the row chunk the Gram kernel keeps in cache while it sweeps
// its register tiles over the columns.
const cacheRows = 64

// Block is a dense node-major block of vectors: entry (i, c), 0 ≤ i < Rows,
// 0 ≤ c < Cols, is Data[i*Stride+c]. A Block with Stride > Cols is a view of
// some columns of a wider block.
type Block struct {
	Data       []float64
	Rows, Cols int
	Stride     int
}

// NewBlock allocates a zeroed rows×cols block.
func NewBlock(rows, cols int) Block {
	return Block{Data: make([]float64, rows*cols), Rows: rows, Cols: cols, Stride: cols}
}

// Columns returns the view of columns [c0, c1) of b.
func (b Block) Columns(c0, c1 int) Block {
	if c0 < 0 || c1 < c0 || c1 > b.Cols {
		panic(fmt.Sprintf("linalg: columns [%d, %d) of a block with %d", c0, c1, b.Cols))
	}
	if c0 == c1 || b.Rows == 0 {
		return Block{Rows: b.Rows, Stride: b.Stride}
	}
	return Block{Data: b.Data[c0 : (b.Rows-1)*b.Stride+c1], Rows: b.Rows, Cols: c1 - c0, Stride: b.Stride}
}

// Row returns row i of b (Cols values, shared).
func (b Block) Row(i int) []float64 { return b.Data[i*b.Stride : i*b.Stride+b.Cols] }

// check panics when b does not hold Rows×Cols entries at its stride.
func (b Block) check(what string) {
	if b.Rows < 0 || b.Cols < 0 || b.Stride < b.Cols || (b.Rows > 0 && b.Cols > 0 && len(b.Data) < (b.Rows-1)*b.Stride+b.Cols) {
		panic(fmt.Sprintf("linalg: %s block %d×%d with stride %d and %d values", what, b.Rows, b.Cols, b.Stride, len(b.Data)))
	}
}

// Reducer computes the small products Xᵀ Y of tall blocks. It keeps the
// per-block partial sums between calls, so repeated products of the same
// size do not allocate. Partial sums over fixed blocks of rows are added in
// block order: the result does not depend on the number of cores. A Reducer
// must not be used by two goroutines at once.
type Reducer struct {
	parts []float64
}

// AtB sets c (x.Cols × y.Cols, row-major) to Xᵀ Y. x and y have the same
// number of rows.
func (r *Reducer) AtB(c []float64, x, y Block) {
	r.atb(c, x, y, false)
}

// AtA sets c (x.Cols × x.Cols, row-major) to Xᵀ X, exactly symmetric.
func (r *Reducer) AtA(c []float64, x Block) {
	r.atb(c, x, x, true)
}

func (r *Reducer) atb(c []float64, x, y Block, sym bool) {
	x.check("left")
	y.check("right")
	p, q, n := x.Cols, y.Cols, x.Rows
	if y.Rows != n || len(c) < p*q {
		panic(fmt.Sprintf("linalg: AtB of %d×%d and %d×%d blocks into %d values", x.Rows, p, y.Rows, q, len(c)))
	}
	c = c[:p*q]
	clear(c)
	if n == 0 || p == 0 || q == 0 {
		return
	}
	nb := (n + gramBlock - 1) / gramBlock
	if cap(r.parts) < nb*p*q {
		r.parts = make([]float64, nb*p*q)
	}
	parts := r.parts[:nb*p*q]
	par.For(n, gramBlock, func(lo, hi int) {
		part := parts[(lo/gramBlock)*p*q : (lo/gramBlock+1)*p*q]
		clear(part)
		for r0 := lo; r0 < hi; r0 += cacheRows {
			atbKernel(part, x, y, r0, min(r0+cacheRows, hi), sym)
		}
	})
	for b := 0; b < nb; b++ {
		part := parts[b*p*q : (b+1)*p*q]
		for i, v := range part {
			c[i] += v
		}
	}
	if sym {
		for i := 0; i < p; i++ {
			for j := 0; j < i; j++ {
				c[i*q+j] = c[j*q+i]
			}
		}
	}
}

// atbKernel adds Σ_{r∈[lo,hi)} x_rᵀ y_r to c (p×q) with 2×4 register tiles;
// with sym it forms only the tiles that touch the upper triangle.
func atbKernel(c []float64, x, y Block, lo, hi int, sym bool) {
	p, q := x.Cols, y.Cols
	xs, ys := x.Stride, y.Stride
	xd, yd := x.Data, y.Data
	i := 0
	for ; i+2 <= p; i += 2 {
		j := 0
		if sym {
			j = i &^ 3
		}
		for ; j+4 <= q; j += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float64
			for r := lo; r < hi; r++ {
				xr := xd[r*xs+i : r*xs+i+2]
				yr := yd[r*ys+j : r*ys+j+4]
				a0, a1 := xr[0], xr[1]
				b0, b1, b2, b3 := yr[0], yr[1], yr[2], yr[3]
				c00 += a0 * b0
				c01 += a0 * b1
				c02 += a0 * b2
				c03 += a0 * b3
				c10 += a1 * b0
				c11 += a1 * b1
				c12 += a1 * b2
				c13 += a1 * b3
			}
			c0 := c[i*q+j : i*q+j+4]
			c1 := c[(i+1)*q+j : (i+1)*q+j+4]
			c0[0] += c00
			c0[1] += c01
			c0[2] += c02
			c0[3] += c03
			c1[0] += c10
			c1[1] += c11
			c1[2] += c12
			c1[3] += c13
		}
		for ; j < q; j++ {
			var c0, c1 float64
			for r := lo; r < hi; r++ {
				b := yd[r*ys+j]
				c0 += xd[r*xs+i] * b
				c1 += xd[r*xs+i+1] * b
			}
			c[i*q+j] += c0
			c[(i+1)*q+j] += c1
		}
	}
	for ; i < p; i++ {
		j := 0
		if sym {
			j = i
		}
		for ; j < q; j++ {
			var s float64
			for r := lo; r < hi; r++ {
				s += xd[r*xs+i] * yd[r*ys+j]
			}
			c[i*q+j] += s
		}
	}
}

// MulAdd sets dst = beta·dst + X·C, where C is x.Cols × dst.Cols, row-major.
// beta = 0 overwrites dst (NaNs in it do not propagate). dst must not
// overlap x. Rows are independent, so the result does not depend on the
// number of cores.
func MulAdd(dst Block, beta float64, x Block, c []float64) {
	dst.check("destination")
	x.check("source")
	p, q := x.Cols, dst.Cols
	if dst.Rows != x.Rows || len(c) < p*q {
		panic(fmt.Sprintf("linalg: MulAdd of a %d×%d block by %d values into %d×%d", x.Rows, p, len(c), dst.Rows, q))
	}
	if q == 0 {
		return
	}
	par.For(x.Rows, rowBlock, func(lo, hi int) {
		mulKernel(dst, beta, x, c[:p*q], lo, hi)
	})
}

// mulKernel forms rows [lo, hi) of dst = beta·dst + X·C with 2×4 tiles.
func mulKernel(dst Block, beta float64, x Block, c []float64, lo, hi int) {
	p, q := x.Cols, dst.Cols
	xs, ds := x.Stride, dst.Stride
	xd, dd := x.Data, dst.Data
	r := lo
	for ; r+2 <= hi; r += 2 {
		x0 := xd[r*xs : r*xs+p]
		x1 := xd[(r+1)*xs : (r+1)*xs+p]
		x1 = x1[:len(x0)]
		d0 := dd[r*ds : r*ds+q]
		d1 := dd[(r+1)*ds : (r+1)*ds+q]
		d1 = d1[:len(d0)]
		j := 0
		for ; j+4 <= q; j += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float64
			for l := range x0 {
				cl := c[l*q+j : l*q+j+4]
				a0, a1 := x0[l], x1[l]
				b0, b1, b2, b3 := cl[0], cl[1], cl[2], cl[3]
				c00 += a0 * b0
				c01 += a0 * b1
				c02 += a0 * b2
				c03 += a0 * b3
				c10 += a1 * b0
				c11 += a1 * b1
				c12 += a1 * b2
				c13 += a1 * b3
			}
			if beta != 0 {
				c00 += beta * d0[j]
				c01 += beta * d0[j+1]
				c02 += beta * d0[j+2]
				c03 += beta * d0[j+3]
				c10 += beta * d1[j]
				c11 += beta * d1[j+1]
				c12 += beta * d1[j+2]
				c13 += beta * d1[j+3]
			}
			d0[j], d0[j+1], d0[j+2], d0[j+3] = c00, c01, c02, c03
			d1[j], d1[j+1], d1[j+2], d1[j+3] = c10, c11, c12, c13
		}
		for ; j < q; j++ {
			var s0, s1 float64
			for l := range x0 {
				b := c[l*q+j]
				s0 += x0[l] * b
				s1 += x1[l] * b
			}
			if beta != 0 {
				s0 += beta * d0[j]
				s1 += beta * d1[j]
			}
			d0[j], d1[j] = s0, s1
		}
	}
	for ; r < hi; r++ {
		x0 := xd[r*xs : r*xs+p]
		d0 := dd[r*ds : r*ds+q]
		for j := range d0 {
			var s float64
			for l := range x0 {
				s += x0[l] * c[l*q+j]
			}
			if beta != 0 {
				s += beta * d0[j]
			}
			d0[j] = s
		}
	}
}

// ColumnDots sets dst[c] = Σ_i X_ic·Y_ic for every column c of two blocks of
// the same shape, with the same fixed-order reduction as AtB.
func (r *Reducer) ColumnDots(dst []float64, x, y Block) {
	x.check("left")
	y.check("right")
	p, n := x.Cols, x.Rows
	if y.Rows != n || y.Cols != p || len(dst) < p {
		panic(fmt.Sprintf("linalg: ColumnDots of %d×%d and %d×%d blocks into %d values", n, p, y.Rows, y.Cols, len(dst)))
	}
	dst = dst[:p]
	clear(dst)
	if n == 0 || p == 0 {
		return
	}
	nb := (n + gramBlock - 1) / gramBlock
	if cap(r.parts) < nb*p {
		r.parts = make([]float64, nb*p)
	}
	parts := r.parts[:nb*p]
	par.For(n, gramBlock, func(lo, hi int) {
		part := parts[(lo/gramBlock)*p : (lo/gramBlock+1)*p]
		clear(part)
		for i := lo; i < hi; i++ {
			xr := x.Data[i*x.Stride : i*x.Stride+p]
			yr := y.Data[i*y.Stride : i*y.Stride+p]
			yr = yr[:len(xr)]
			for c := range xr {
				part[c] += xr[c] * yr[c]
			}
		}
	})
	for b := 0; b < nb; b++ {
		for c, v := range parts[b*p : (b+1)*p] {
			dst[c] += v
		}
	}
}
