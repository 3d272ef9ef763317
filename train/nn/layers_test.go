package nn

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestLayerGradients(t *testing.T) {
	cases := []struct {
		name  string
		build func(b *Builder) *G.Node
	}{
		{"linear", func(b *Builder) *G.Node { return b.NewLinear("l", 5, 3, true).Apply(input(b, "x", 4, 5, 1)) }},
		{"linear-nobias", func(b *Builder) *G.Node { return b.NewLinear("l", 3, 6, false).Apply(input(b, "x", 4, 3, 1)) }},
		{"gelu", func(b *Builder) *G.Node { return b.GELU(input(b, "x", 4, 5, 2)) }},
		{"layernorm", func(b *Builder) *G.Node {
			ln := b.NewLayerNorm("ln", 6)
			x := input(b, "x", 3, 6, 1)
			// perturb gain and bias away from 1 and 0 so their gradients matter
			return ln.Apply(G.Must(G.Add(x, G.Must(G.Mul(b.Const(0.5), x)))))
		}},
		{"mlp", func(b *Builder) *G.Node { return b.NewMLP("m", 4, 2, 8, 2).Apply(input(b, "x", 3, 4, 1)) }},
		{"res", func(b *Builder) *G.Node { return b.NewRes("r", 4, 3, 6, 2).Apply(input(b, "x", 5, 4, 1)) }},
	}
	for _, c := range cases {
		checkGrad(t, c.name, c.build, 1e-5)
	}
}

// run evaluates out on a float64 builder's graph.
func run(t *testing.T, b *Builder, out *G.Node) []float64 {
	t.Helper()
	vm := G.NewTapeMachine(b.G)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return out.Value().Data().([]float64)
}

func TestLayerNormValues(t *testing.T) {
	b := NewBuilder(tensor.Float64, 1)
	x := b.Weight("x", []int{2, 4}, []float64{1, 2, 3, 4, -1, 0, 0, 5})
	y := run(t, b, b.NewLayerNorm("ln", 4).Apply(x))
	for r := 0; r < 2; r++ {
		row := []float64{1, 2, 3, 4, -1, 0, 0, 5}[4*r : 4*r+4]
		m, v := 0.0, 0.0
		for _, a := range row {
			m += a / 4
		}
		for _, a := range row {
			v += (a - m) * (a - m) / 4
		}
		for k, a := range row {
			want := (a - m) / math.Sqrt(v+1e-5)
			if got := y[4*r+k]; math.Abs(got-want) > 1e-12 {
				t.Errorf("LN[%d,%d] = %g, want %g", r, k, got, want)
			}
		}
	}
}

func TestGELUValues(t *testing.T) {
	b := NewBuilder(tensor.Float64, 1)
	xs := []float64{-3, -1, -0.1, 0, 0.5, 2}
	y := run(t, b, b.GELU(b.Weight("x", []int{1, 6}, xs)))
	for i, x := range xs {
		want := 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
		if math.Abs(y[i]-want) > 1e-14 {
			t.Errorf("gelu(%g) = %g, want %g", x, y[i], want)
		}
	}
}

// The orthogonal init gives orthonormal rows of the out×in weight when
// in ≥ out, and √(out/in)-scaled orthonormal columns otherwise (spec §2.10).
func TestOrthoInit(t *testing.T) {
	for _, c := range []struct{ in, out int }{{8, 3}, {5, 5}, {3, 8}} {
		b := NewBuilder(tensor.Float64, 2)
		w := b.orthoWeight(c.in, c.out) // stored in×out: w[i*out+j] = W[j][i]
		// Gram of the stored matrix's columns when in ≥ out (rows of W), else of its rows scaled.
		if c.in >= c.out {
			for a := 0; a < c.out; a++ {
				for bb := 0; bb < c.out; bb++ {
					s := 0.0
					for i := 0; i < c.in; i++ {
						s += w[i*c.out+a] * w[i*c.out+bb]
					}
					checkDelta(t, c.in, c.out, a, bb, s, 1)
				}
			}
			continue
		}
		scale := float64(c.out) / float64(c.in)
		for a := 0; a < c.in; a++ {
			for bb := 0; bb < c.in; bb++ {
				s := 0.0
				for j := 0; j < c.out; j++ {
					s += w[a*c.out+j] * w[bb*c.out+j]
				}
				checkDelta(t, c.in, c.out, a, bb, s, scale)
			}
		}
	}
}

func checkDelta(t *testing.T, in, out, a, b int, got, scale float64) {
	t.Helper()
	want := 0.0
	if a == b {
		want = scale
	}
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("ortho %d→%d: Gram[%d,%d] = %g, want %g", in, out, a, b, got, want)
	}
}

// Same seed, same initial weights; a different seed differs.
func TestInitDeterministic(t *testing.T) {
	weights := func(seed uint64) []float64 {
		b := NewBuilder(tensor.Float64, seed)
		b.NewRes("r", 4, 3, 6, 1)
		var all []float64
		for _, p := range b.Params {
			all = append(all, p.Node.Value().Data().([]float64)...)
		}
		return all
	}
	a, c, d := weights(1), weights(1), weights(2)
	same := true
	for i := range a {
		if a[i] != c[i] {
			t.Fatalf("seed 1 gave different weight %d: %g vs %g", i, a[i], c[i])
		}
		same = same && a[i] == d[i]
	}
	if same {
		t.Error("seeds 1 and 2 gave identical weights")
	}
}
