package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// checkGrad builds a float64 graph with build, forms L = Σ out ⊙ R for a fixed
// random R, and compares the reverse-mode gradient of L with respect to every
// parameter (trainable or frozen) with central finite differences on up to
// 12 elements per parameter. Relative error must stay below tol.
func checkGrad(t *testing.T, name string, build func(b *Builder) *G.Node, tol float64) {
	t.Helper()
	b := NewBuilder(tensor.Float64, 7)
	b.TrainSkips = true
	var loss *G.Node
	if err := Build(func() {
		out := build(b)
		r := rand.New(rand.NewPCG(3, 4))
		rv := make([]float64, out.Shape().TotalSize())
		for i := range rv {
			rv[i] = r.NormFloat64()
		}
		rn := G.NewConstant(tensor.New(tensor.WithShape(out.Shape()...), tensor.WithBacking(rv)))
		loss = G.Must(G.Sum(G.Must(G.HadamardProd(out, rn))))
	}); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var wrt G.Nodes
	for _, p := range b.Params {
		wrt = append(wrt, p.Node)
	}
	if _, err := G.Grad(loss, wrt...); err != nil {
		t.Fatalf("%s: grad: %v", name, err)
	}
	vm := G.NewTapeMachine(b.G, G.BindDualValues(wrt...))
	defer vm.Close()
	eval := func() float64 {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatalf("%s: run: %v", name, err)
		}
		return loss.Value().Data().(float64)
	}
	eval()
	analytic := make([][]float64, len(wrt))
	for i, n := range wrt {
		g, err := n.Grad()
		if err != nil {
			t.Fatalf("%s: %s has no gradient: %v", name, n.Name(), err)
		}
		analytic[i] = append([]float64(nil), g.Data().([]float64)...)
	}
	pick := rand.New(rand.NewPCG(5, 6))
	worst := 0.0
	for i, n := range wrt {
		data := n.Value().Data().([]float64)
		for k := 0; k < min(12, len(data)); k++ {
			j := k
			if len(data) > 12 {
				j = pick.IntN(len(data))
			}
			h := 1e-6 * math.Max(1, math.Abs(data[j]))
			x0 := data[j]
			data[j] = x0 + h
			lp := eval()
			data[j] = x0 - h
			lm := eval()
			data[j] = x0
			num := (lp - lm) / (2 * h)
			a := analytic[i][j]
			rel := math.Abs(a-num) / math.Max(math.Abs(a)+math.Abs(num), 1e-6)
			worst = math.Max(worst, rel)
			if rel > tol {
				t.Errorf("%s: ∂L/∂%s[%d] = %.9g, finite differences %.9g (rel %.2g > %.2g)", name, n.Name(), j, a, num, rel, tol)
			}
		}
	}
	t.Logf("%s: worst relative gradient error %.2g over %d parameters", name, worst, len(wrt))
}

// input is a trainable (n, d) parameter of N(0, sd²) values, standing for an
// input whose gradient is checked too.
func input(b *Builder, name string, n, d int, sd float64) *G.Node {
	return b.Weight(name, []int{n, d}, b.Normal(n*d, sd))
}
