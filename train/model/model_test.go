package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/roma-go/roma/train/nn"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// tiny is a model small enough for finite differences.
func tiny() (Config, Dims) {
	c := DefaultConfig()
	c.Width, c.Depth, c.Heads, c.NumFunc, c.CoordDim, c.EncWidth = 8, 1, 2, 2, 4, 6
	return c, Dims{N: 5, Kappa: 3, Edges: 25}
}

// feed binds random inputs (and a small ring of edges) to m.
func feed(t *testing.T, m *Model, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	for _, n := range []*G.Node{m.Lift, m.Window, m.Phi, m.Last, m.Target} {
		v := make([]float64, n.Shape().TotalSize())
		for i := range v {
			v[i] = 0.5 + 0.3*r.Float64()
		}
		if err := G.Let(n, tensor.New(tensor.WithShape(n.Shape()...), tensor.WithBacking(v))); err != nil {
			t.Fatal(err)
		}
	}
	mask := make([]float64, m.Dims.N*m.Dims.N)
	if err := G.Let(m.Mask, tensor.New(tensor.WithShape(m.Dims.N, m.Dims.N), tensor.WithBacking(mask))); err != nil {
		t.Fatal(err)
	}
	if m.Edges != nil {
		k := 0
		for i := 0; i < m.Dims.N; i++ {
			for _, j := range []int{i, (i + 1) % m.Dims.N, (i + m.Dims.N - 1) % m.Dims.N} {
				m.Edges.Src[k], m.Edges.Dst[k] = int32(j), int32(i)
				k++
			}
		}
		m.Edges.Count = k
	}
}

// The whole model's gradient matches central differences, and running the
// compiled machine twice gives the same gradient (nothing accumulates).
func TestModelGradients(t *testing.T) {
	for _, kind := range Names {
		for _, readout := range []string{ReadoutDirect, ReadoutResidual} {
			c, d := tiny()
			c.Readout = readout
			c.EncNorm = readout == ReadoutResidual // both encoder outputs
			m, err := Build(kind, c, d, tensor.Float64, 1, false)
			if err != nil {
				t.Fatal(err)
			}
			feed(t, m, 2)
			checkModelGrad(t, m, kind+"/"+readout)
		}
	}
}

func checkModelGrad(t *testing.T, m *Model, name string) {
	ps := m.B.Trainable()
	wrt := make(G.Nodes, len(ps))
	for i, p := range ps {
		wrt[i] = p.Node
	}
	if _, err := G.Grad(m.Loss, wrt...); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(m.B.G, G.BindDualValues(wrt...))
	defer vm.Close()
	loss := func() float64 {
		vm.Reset()
		if err := nn.ZeroGrads(ps); err != nil {
			t.Fatal(err)
		}
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		return m.Loss.Value().Data().(float64)
	}
	loss()
	first := make([][]float64, len(ps))
	for i, p := range ps {
		g, _ := p.Node.Grad()
		first[i] = append([]float64(nil), g.Data().([]float64)...)
	}
	loss()
	r := rand.New(rand.NewPCG(9, 9))
	worst := 0.0
	for i, p := range ps {
		loss() // FD runs of earlier parameters left their gradients behind
		g, _ := p.Node.Grad()
		again := append([]float64(nil), g.Data().([]float64)...)
		data := p.Node.Value().Data().([]float64)
		for k := 0; k < 3; k++ {
			j := r.IntN(len(data))
			if again[j] != first[i][j] {
				t.Fatalf("%s: gradient of %s[%d] changed between identical runs: %g then %g", name, p.Name, j, first[i][j], again[j])
			}
			x0, h := data[j], 1e-6
			data[j] = x0 + h
			lp := loss()
			data[j] = x0 - h
			lm := loss()
			data[j] = x0
			num := (lp - lm) / (2 * h)
			rel := math.Abs(num-first[i][j]) / math.Max(math.Abs(num)+math.Abs(first[i][j]), 1e-7)
			worst = math.Max(worst, rel)
			if rel > 1e-4 {
				t.Errorf("%s: ∂L/∂%s[%d] = %.8g, finite differences %.8g", name, p.Name, j, first[i][j], num)
			}
		}
	}
	t.Logf("%s: worst relative error %.2g", name, worst)
}
