package trainer

import (
	"fmt"

	"github.com/roma-go/roma/train/model"
	G "gorgonia.org/gorgonia"
)

// The message-passing tensors hold a fixed number of edge rows, padding
// included, and the edge network runs on every row. Sizing them for the
// worst case (up to n² edges) would cost far more than real batches need, so
// the capacity starts at the next power of two above twice the test
// subgraph's edges and doubles when a batch does not fit, as the reference
// pads edge lists to a power of two.

// InitialEdges is the starting edge capacity for a test subgraph of e edges.
func InitialEdges(e int) int {
	c := 64
	for c < 2*e {
		c *= 2
	}
	return c
}

// fitEdges grows the model's edge capacity until e edges fit.
func (tr *Trainer[T]) fitEdges(e int) error {
	if tr.M.Edges == nil || e <= tr.M.Dims.Edges {
		return nil
	}
	c := tr.M.Dims.Edges
	for c < e {
		c *= 2
	}
	if tr.opt.Log != nil {
		tr.opt.Log("%s step %d: a batch of %d edges; edge capacity %d → %d", tr.M.Kind, tr.Step, e, tr.M.Dims.Edges, c)
	}
	return tr.rebuild(c)
}

// rebuild recompiles the training and evaluation graphs for edge capacity
// c. The new graph's parameters are bound to the existing tensors, so
// weights and optimiser state carry over untouched.
func (tr *Trainer[T]) rebuild(c int) error {
	old := tr.M
	d := old.Dims
	d.Edges = c
	m, err := model.Build(old.Kind, old.Config, d, old.B.Dtype, 0, true)
	if err != nil {
		return err
	}
	if err := share(m, old); err != nil {
		return err
	}
	tr.Close()
	tr.M, tr.params = m, m.B.Trainable()
	tr.feed = newFeeds[T](m)
	if err := tr.compile(); err != nil {
		return err
	}
	return tr.compileEval()
}

// share binds every parameter of m to the tensor of the same parameter of src.
func share(m, src *model.Model) error {
	for i, p := range m.B.Params {
		if err := G.Let(p.Node, src.B.Params[i].Node.Value()); err != nil {
			return fmt.Errorf("sharing %s: %w", p.Name, err)
		}
	}
	return nil
}
