package nn

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var (
	edgeConvs = []string{EdgeMLPConv, EdgeLinearConv, EdgeNoConv}
	aggs      = []string{AggMulti, AggSum, AggMean, AggMax}
)

func TestMessagePassingGradients(t *testing.T) {
	for _, ec := range edgeConvs {
		for _, ag := range aggs {
			cfg := MessageConfig{In: 3, Out: 4, EdgeConv: ec, Agg: ag}
			checkGrad(t, "mp-"+ec+"-"+ag, func(b *Builder) *G.Node {
				return b.NewMessagePassing("mp", cfg).Apply(input(b, "x", 6, 3, 1), testEdges(t))
			}, 1e-5)
		}
	}
}

func TestGraphNetGradients(t *testing.T) {
	cfg := MessageConfig{In: 3, Out: 4}
	checkGrad(t, "graphnet", func(b *Builder) *G.Node {
		return b.NewGraphNet("gn", cfg, 2).Apply(input(b, "x", 6, 3, 1), testEdges(t))
	}, 1e-5)
}

// Parameter counts: Lin + edge net + agg MLP; the skip is frozen and uncounted
// (16.9M for the KM encoder, spec §2.2). The graph builds without values.
func TestMessagePassingSizes(t *testing.T) {
	const in, d = 256, 512 // the KM encoder layer (spec §2.2)
	b := NewBuilder(tensor.Float32, 1)
	b.ShapesOnly = true
	gn := b.NewGraphNet("enc", MessageConfig{In: in, Out: d}, 1)
	var y *G.Node
	if err := Build(func() { y = gn.Apply(b.Input("x", 512, in), NewEdges(512, 8192)) }); err != nil {
		t.Fatal(err)
	}
	if !y.Shape().Eq(tensor.Shape{512, d}) {
		t.Errorf("output shape %v", y.Shape())
	}
	lin := in*d + d
	edge := (2*d*4*d + 4*d) + (4*d*4*d + 4*d) + (4*d*d + d)
	agg := (4*d*4*d + 4*d) + (4*d*4*d + 4*d) + (4*d*d + d)
	if got, want := b.Count(), lin+edge+agg; got != want {
		t.Errorf("encoder has %d trainable values, want %d", got, want)
	}
}

func TestMessageConfigRejectsTypos(t *testing.T) {
	for _, cfg := range []MessageConfig{{In: 2, Out: 2, EdgeConv: "MLP"}, {In: 2, Out: 2, Agg: "softmax"}} {
		b := NewBuilder(tensor.Float64, 1)
		if err := Build(func() { b.NewMessagePassing("mp", cfg) }); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

// An isolated node (empty segment, Q3) gets a finite output that does not
// depend on any node's features, even with huge inputs: gelu(AggMLP(0)).
func TestIsolatedNodeFinite(t *testing.T) {
	for _, ag := range aggs {
		rows := func(scale float64) []float64 {
			b := NewBuilder(tensor.Float64, 4)
			e := testEdges(t)
			x := b.Weight("x", []int{6, 3}, b.Normal(18, scale))
			y := b.NewMessagePassing("mp", MessageConfig{In: 3, Out: 4, Agg: ag}).Apply(x, e)
			perturbBiases(b)
			return evalAll(t, b, y)[0]
		}
		small, big := rows(1), rows(1e3)
		for i, v := range big {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: output[%d] = %g", ag, i, v)
			}
		}
		if big[20] == 0 {
			t.Errorf("%s: isolated row is 0; the biases should make it non-trivial", ag)
		}
		closeTo(t, ag+" isolated row", big[20:24], small[20:24], 0)
	}
}

// Output and gradients do not depend on the contents of padding slots.
func TestPaddingIgnored(t *testing.T) {
	for _, ag := range aggs {
		b := NewBuilder(tensor.Float64, 5)
		e := testEdges(t)
		x := b.Weight("x", []int{6, 3}, b.Normal(18, 1))
		l := b.NewMessagePassing("mp", MessageConfig{In: 3, Out: 4, Agg: ag})
		y := l.Apply(x, e)
		loss := G.Must(G.Sum(G.Must(G.Square(y))))
		if _, err := G.Grad(loss, x, l.Lin.W); err != nil {
			t.Fatal(err)
		}
		var yv G.Value
		G.Read(y, &yv)
		vm := G.NewTapeMachine(b.G, G.BindDualValues(x, l.Lin.W))
		runOnce := func() [][]float64 {
			for _, n := range []*G.Node{x, l.Lin.W} {
				if g, err := n.Grad(); err == nil && g != nil {
					g.(*tensor.Dense).Zero()
				}
			}
			vm.Reset()
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			gx, _ := x.Grad()
			gw, _ := l.Lin.W.Grad()
			return [][]float64{toF64(yv.Data()), toF64(gx.Data()), toF64(gw.Data())}
		}
		a := runOnce()
		setPadding(e, []int32{0, 1, 2}, []int32{0, 0, 5})
		c := runOnce()
		for i := range a {
			closeTo(t, ag+" padding", c[i], a[i], 0)
		}
		vm.Close()
	}
}

// EdgeConv none + Agg sum, every node by hand in float64:
// y_r = gelu(AggMLP(Σ_{s→r} (x_s·W + b))).
func TestMessagePassingValues(t *testing.T) {
	const in, d = 3, 4
	b := NewBuilder(tensor.Float64, 9)
	e := testEdges(t)
	x := b.Weight("x", []int{6, in}, b.Normal(6*in, 1))
	l := b.NewMessagePassing("mp", MessageConfig{In: in, Out: d, EdgeConv: EdgeNoConv, Agg: AggSum})
	perturbBiases(b)
	got := evalAll(t, b, l.Apply(x, e))[0]

	h := dense(x.Value().Data().([]float64), l.Lin, in)
	agg := make([]float64, 6*d)
	for k := 0; k < e.Count; k++ {
		for f := 0; f < d; f++ {
			agg[int(e.Dst[k])*d+f] += h[int(e.Src[k])*d+f]
		}
	}
	a, w := agg, d
	for i, ly := range l.AggMLP.Layers {
		a = dense(a, ly, w)
		w = ly.Out
		if i < len(l.AggMLP.Layers)-1 {
			a = geluAll(a)
		}
	}
	closeTo(t, "layer output", got, geluAll(a), 1e-12)
}

// perturbBiases gives every (1, n) parameter non-zero values, so that
// biases (zero at init) take part in value tests.
func perturbBiases(b *Builder) {
	for i, p := range b.Params {
		if len(p.Shape) == 2 && p.Shape[0] == 1 {
			v := p.Node.Value().Data().([]float64)
			for j := range v {
				v[j] = 0.1 * float64(i+j+1) * math.Pow(-1, float64(j))
			}
		}
	}
}

// dense is rows of x (·, in) times the Linear's weight plus its bias.
func dense(x []float64, l *Linear, in int) []float64 {
	wv, bv := l.W.Value().Data().([]float64), l.B.Value().Data().([]float64)
	rows := len(x) / in
	y := make([]float64, rows*l.Out)
	for r := 0; r < rows; r++ {
		for o := 0; o < l.Out; o++ {
			s := bv[o]
			for i := 0; i < in; i++ {
				s += x[r*in+i] * wv[i*l.Out+o]
			}
			y[r*l.Out+o] = s
		}
	}
	return y
}

// geluAll is the tanh-approximate GELU of every value.
func geluAll(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v)))
	}
	return y
}
