package trainer

import (
	"fmt"
	"math"

	"github.com/roma-go/roma/train/fourier"
	"github.com/roma-go/roma/train/grf"
	"github.com/roma-go/roma/train/model"
	"github.com/roma-go/roma/train/sampler"
	G "gorgonia.org/gorgonia"
)

// feeds are the input tensors bound once to the model's input nodes and
// refilled in place every step, so the compiled graph and its buffers are
// reused.
type feeds[T Float] struct {
	lift, window, phi, last, target, mask []T
	lift32                                []float32
	phi64                                 []float64
	n, kappa                              int
}

func newFeeds[T Float](m *model.Model) feeds[T] {
	n, k, c := m.Dims.N, m.Dims.Kappa, m.Config
	f := feeds[T]{n: n, kappa: k,
		lift: make([]T, n*c.NumFunc*k), window: make([]T, n*k), phi: make([]T, n*c.CoordDim),
		last: make([]T, n), target: make([]T, n), mask: make([]T, n*n),
		lift32: make([]float32, n*c.NumFunc*k), phi64: make([]float64, c.CoordDim)}
	bind := []struct {
		node *G.Node
		v    []T
	}{{m.Lift, f.lift}, {m.Window, f.window}, {m.Phi, f.phi}, {m.Last, f.last}, {m.Target, f.target}, {m.Mask, f.mask}}
	for _, b := range bind {
		if err := G.Let(b.node, tensorOf(b.node.Shape(), b.v)); err != nil {
			panic(fmt.Sprintf("binding %s: %v", b.node.Name(), err)) // shapes come from the same Dims
		}
	}
	return f
}

// set fills the feeds with column c of batch.
func (f *feeds[T]) set(m *model.Model, b *sampler.Batch, c int, funcs *grf.Funcs, feats *fourier.Features, layout grf.Layout) error {
	n, k := f.n, f.kappa
	if len(b.Nodes) != n || b.Kappa != k || b.Tau != 1 {
		return fmt.Errorf("batch of %d nodes, κ %d, τ %d does not fit a model of %d tokens, κ %d, τ 1", len(b.Nodes), b.Kappa, b.Tau, n, k)
	}
	win := b.Window[c*n*k : (c+1)*n*k]
	funcs.Lift(win, n, k, layout, f.lift32)
	convert(f.lift, f.lift32)
	convert(f.window, win)
	convert(f.last, b.Last[c*n:(c+1)*n])
	convert(f.target, b.Target[c*n:(c+1)*n])
	feats.Eval([4]float64{b.TimeCoords[c], 0, 0, 0}, f.phi64)
	for i := 0; i < n; i++ {
		row := f.phi[i*len(f.phi64) : (i+1)*len(f.phi64)]
		for j, v := range f.phi64 {
			row[j] = T(v)
		}
	}
	if m.Edges != nil {
		return setEdges(m, b)
	}
	return nil
}

// setEdges copies the batch's edges into the model's fixed-capacity list.
func setEdges(m *model.Model, b *sampler.Batch) error {
	e := m.Edges
	if len(b.Src) > len(e.Src) {
		return fmt.Errorf("batch has %d edges, more than the model's capacity %d", len(b.Src), len(e.Src))
	}
	copy(e.Src, b.Src)
	copy(e.Dst, b.Dst)
	e.Count = len(b.Src)
	return nil
}

func convert[T Float, S ~float32 | ~float64](dst []T, src []S) {
	for i, v := range src {
		dst[i] = T(v)
	}
}

// persistence is the sMSPE of ŷ(t+1) = y(t) on the current feeds.
func (f *feeds[T]) persistence() float64 {
	s := 0.0
	for i := range f.last {
		y, p := float64(f.target[i]), float64(f.last[i])
		r := (p - y) / (math.Abs(y) + math.Abs(p) + 1e-4)
		s += r * r
	}
	return s / float64(len(f.last))
}
