package spectral

import (
	"math"

	"github.com/roma-go/roma/coarsen/linalg"
	"github.com/roma-go/roma/stages/par"
)

// denseNullMax is the largest number of components whose null vectors are
// kept as a dense n×c block (projected with the parallel dense kernels);
// beyond it the projection runs one sequential pass with a per-component
// accumulator.
const denseNullMax = 8

// nullSpace is the kernel of the normalised Laplacian: one vector D^{1/2}·1_C
// per connected component C of positive volume, normalised. Block
// eigensolvers must stay orthogonal to it, since it holds the eigenvalue 0
// they would otherwise converge to.
type nullSpace struct {
	n, count int
	label    []int32   // component of each node, −1 for zero volume
	y        []float64 // entry of the normalised null vector of the node's component
	dense    linalg.Block
	red      linalg.Reducer
	coef     []float64
}

func newNullSpace(l *linalg.Laplacian) *nullSpace {
	label, nc := l.Components()
	sd := l.SqrtDegrees()
	vol := make([]float64, nc)
	for i, c := range label {
		vol[c] += sd[i] * sd[i]
	}
	id := make([]int32, nc)
	count := 0
	for c := range vol {
		id[c] = -1
		if vol[c] > 0 {
			id[c] = int32(count)
			count++
		}
	}
	ns := &nullSpace{n: l.N(), count: count, label: make([]int32, l.N()), y: make([]float64, l.N())}
	for i, c := range label {
		ns.label[i] = id[c]
		if id[c] >= 0 {
			ns.y[i] = sd[i] / math.Sqrt(vol[c])
		}
	}
	if count <= denseNullMax {
		ns.dense = linalg.NewBlock(ns.n, count)
		for i, c := range ns.label {
			if c >= 0 {
				ns.dense.Data[i*count+int(c)] = ns.y[i]
			}
		}
	}
	return ns
}

// project removes the null-space components from every column of b.
func (ns *nullSpace) project(b linalg.Block) {
	m := b.Cols
	if ns.count == 0 || m == 0 {
		return
	}
	if cap(ns.coef) < ns.count*m {
		ns.coef = make([]float64, ns.count*m)
	}
	coef := ns.coef[:ns.count*m]
	if ns.count <= denseNullMax {
		ns.red.AtB(coef, ns.dense, b)
		for i := range coef {
			coef[i] = -coef[i]
		}
		linalg.MulAdd(b, 1, ns.dense, coef)
		return
	}
	clear(coef)
	for i, c := range ns.label {
		if c >= 0 {
			row, acc := b.Row(i), coef[int(c)*m:int(c)*m+m]
			for j, v := range row {
				acc[j] += ns.y[i] * v
			}
		}
	}
	par.For(ns.n, par.Block, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if c := ns.label[i]; c >= 0 {
				row, acc := b.Row(i), coef[int(c)*m:int(c)*m+m]
				for j := range row {
					row[j] -= ns.y[i] * acc[j]
				}
			}
		}
	})
}
