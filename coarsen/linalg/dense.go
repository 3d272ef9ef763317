package linalg

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/roma-go/roma/stages/par"
)

// gramBlock is the number of rows whose partial sums one worker forms before
// the fixed-order reduction; it fixes the summation order of every Gram
// product, so it must not depend on the number of cores.
const gramBlock = 4096

// mulRows is the row chunk of one Dgemm call in MulAdd: small enough that
// gonum's Dgemm runs it serially (it goes parallel from four 64×64 blocks of
// output), so that all parallelism comes from par.
const mulRows = 64

// blasImpl is gonum's pure-Go BLAS, named explicitly so that a process-wide
// blas64.Use of another implementation cannot change the results.
var blasImpl gonum.Implementation

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

// Reducer computes the small products Xᵀ Y of tall blocks. Each fixed block
// of rows is reduced by gonum's serial Dgemm (or Dsyrk), and the partial sums
// are added in block order, so the result does not depend on the number of
// cores. It keeps the partial sums between calls, so repeated products of
// the same size do not allocate. A Reducer must not be used by two
// goroutines at once.
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
		xd := x.Data[lo*x.Stride:]
		if sym {
			clear(part)
			blasImpl.Dsyrk(blas.Upper, blas.Trans, p, hi-lo, 1, xd, x.Stride, 0, part, q)
			return
		}
		blasImpl.Dgemm(blas.Trans, blas.NoTrans, p, q, hi-lo, 1, xd, x.Stride, y.Data[lo*y.Stride:], y.Stride, 0, part, q)
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

// MulAdd sets dst = beta·dst + X·C, where C is x.Cols × dst.Cols, row-major,
// by gonum's Dgemm on chunks of rows. beta = 0 overwrites dst (NaNs in it do
// not propagate). dst must not overlap x. Rows are independent, so the
// result does not depend on the number of cores.
func MulAdd(dst Block, beta float64, x Block, c []float64) {
	dst.check("destination")
	x.check("source")
	p, q := x.Cols, dst.Cols
	if dst.Rows != x.Rows || len(c) < p*q {
		panic(fmt.Sprintf("linalg: MulAdd of a %d×%d block by %d values into %d×%d", x.Rows, p, len(c), dst.Rows, q))
	}
	if q == 0 || dst.Rows == 0 {
		return
	}
	if p == 0 { // X·C = 0
		par.For(dst.Rows, rowBlock, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				row := dst.Row(i)
				for j := range row {
					if beta == 0 {
						row[j] = 0
					} else {
						row[j] *= beta
					}
				}
			}
		})
		return
	}
	par.For(x.Rows, rowBlock, func(lo, hi int) {
		for r := lo; r < hi; r += mulRows {
			e := min(r+mulRows, hi)
			blasImpl.Dgemm(blas.NoTrans, blas.NoTrans, e-r, q, p, 1, x.Data[r*x.Stride:], x.Stride, c, q, beta, dst.Data[r*dst.Stride:], dst.Stride)
		}
	})
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
