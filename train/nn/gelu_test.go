package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// composedGELU is the former Builder.GELU, composed from seven elementwise
// Gorgonia ops; it is kept as the reference and for the benchmark.
func composedGELU(b *Builder, x *G.Node) *G.Node {
	inner := G.Must(G.Add(x, G.Must(G.Mul(b.Const(0.044715), G.Must(G.Cube(x))))))
	t := G.Must(G.Tanh(G.Must(G.Mul(b.Const(sqrt2OverPi), inner))))
	half := G.Must(G.Mul(b.Const(0.5), x))
	return G.Must(G.HadamardProd(half, G.Must(G.Add(t, b.Const(1)))))
}

// geluFormula is ½x(1 + tanh(√(2/π)(x + 0.044715x³))) in float64, as written.
func geluFormula(x float64) float64 {
	return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
}

// eps64 is the float64 unit roundoff.
const eps64 = 0x1p-53

// geluGrid is [−10, 10] in steps of 1/128 (0 included) plus points near 0.
func geluGrid() []float64 {
	var xs []float64
	for i := -1280; i <= 1280; i++ {
		xs = append(xs, float64(i)/128)
	}
	return append(xs, 1e-300, -1e-300, 1e-8, -1e-8, 0.1234567, -0.1234567, 2.7182818, -2.7182818)
}

// Order 0 agrees with the formula as written within 1e-15(1 + |x|) (the
// formula's own rounding is absolute: it cancels in 1 + tanh for x < 0), and
// with the logistic form x/(1 + exp(−2u)) to 4ε(1 + 2|u|) relative everywhere,
// the negative tail included (exp(−2u) magnifies the rounding of u, done
// differently in the two, by 2|u|).
func TestGELUFusedValues(t *testing.T) {
	worstAbs, worstRel := 0.0, 0.0
	for _, x := range geluGrid() {
		got := geluAt(0, x)
		if d := math.Abs(got - geluFormula(x)); d > 1e-15*(1+math.Abs(x)) {
			t.Errorf("gelu(%g) = %.17g, formula %.17g", x, got, geluFormula(x))
		} else {
			worstAbs = math.Max(worstAbs, d/(1+math.Abs(x)))
		}
		u := math.Sqrt(2/math.Pi) * (x + 0.044715*x*x*x)
		want := x / (1 + math.Exp(-2*u))
		if want == 0 {
			if got != 0 {
				t.Errorf("gelu(%g) = %g, want 0", x, got)
			}
			continue
		}
		rel := math.Abs(got-want) / math.Abs(want)
		worstRel = math.Max(worstRel, rel/(1+2*math.Abs(u)))
		if rel > 4*eps64*(1+2*math.Abs(u)) {
			t.Errorf("gelu(%g) = %.17g, logistic form %.17g (rel %.2g)", x, got, want, rel)
		}
	}
	t.Logf("worst |gelu − formula|/(1+|x|) = %.2g, worst relative error vs logistic form %.2g·(1+2|u|)", worstAbs, worstRel)
}

// Each order k = 1..3 is the derivative of order k−1: the five-point central
// difference (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h))/12h with h = 1e-3
// (truncation O(h⁴), rounding ~1e-13·|f|) agrees within 1e-9(1 + |f|).
// The values at 0 are exact: g(0) = 0, g′(0) = ½, g″(0) = √(2/π), g‴(0) = 0.
func TestGELUDerivatives(t *testing.T) {
	const h = 1e-3
	for k := 1; k <= GELUMaxOrder; k++ {
		worst := 0.0
		for _, x := range geluGrid() {
			f := func(v float64) float64 { return geluAt(k-1, v) }
			num := (-f(x+2*h) + 8*f(x+h) - 8*f(x-h) + f(x-2*h)) / (12 * h)
			got := geluAt(k, x)
			scale := 1 + math.Abs(f(x))
			err := math.Abs(got-num) / scale
			worst = math.Max(worst, err)
			if err > 1e-9 || math.IsNaN(got) {
				t.Errorf("gelu^(%d)(%g) = %.15g, central difference of order %d: %.15g", k, x, got, k-1, num)
			}
		}
		t.Logf("order %d: worst |analytic − FD|/(1+|f|) = %.2g", k, worst)
	}
	for k, want := range []float64{0, 0.5, math.Sqrt(2 / math.Pi), 0} {
		if got := geluAt(k, 0); math.Abs(got-want) > 1e-16 {
			t.Errorf("gelu^(%d)(0) = %.17g, want %.17g", k, got, want)
		}
	}
}

// Large |x| gives the limits, finite, for every order: g → x or 0, g′ → 1
// or 0, g″, g‴ → 0; and the general formulas meet them continuously below
// the cut-off.
func TestGELULargeInputs(t *testing.T) {
	big := []float64{20, 22, 24.99, 25, 25.01, 30, 1e4, 1e30, 1e200, math.MaxFloat64}
	for _, m := range big {
		for _, x := range []float64{m, -m} {
			for k := 0; k <= GELUMaxOrder; k++ {
				got := geluAt(k, x)
				want := 0.0
				switch {
				case k == 0 && x > 0:
					want = x
				case k == 1 && x > 0:
					want = 1
				}
				tol := 0.0 // the limits themselves beyond |x| = geluTail
				if m < 21 {
					tol = 1e-250
				}
				if math.IsNaN(got) || math.IsInf(got, 0) || math.Abs(got-want) > tol {
					t.Errorf("gelu^(%d)(%g) = %g, want %g", k, x, got, want)
				}
			}
		}
	}
	if g := geluAt(0, math.Inf(1)); !math.IsInf(g, 1) {
		t.Errorf("gelu(+Inf) = %g", g)
	}
	for k := 0; k <= GELUMaxOrder; k++ {
		if g := geluAt(k, math.Inf(-1)); g != 0 {
			t.Errorf("gelu^(%d)(−Inf) = %g, want 0", k, g)
		}
		if g := geluAt(k, math.NaN()); !math.IsNaN(g) {
			t.Errorf("gelu^(%d)(NaN) = %g, want NaN", k, g)
		}
	}
	// −10 lies where ½x(1 + tanh u) cancels to 0 but the value is a normal float32.
	if g := float32(geluAt(0, -10)); g == 0 || g > -1e-37 {
		t.Errorf("gelu(−10) = %g, want about −1.6e-37", g)
	}
}

// ulp32 is the float32 spacing at |v|.
func ulp32(v float64) float64 {
	a := float32(math.Abs(v))
	return float64(math.Nextafter32(a, float32(math.Inf(1))) - a)
}

// The float32 op is within 1 ulp of the float64 values: the formula as
// written for order 0 where it is accurate (x ≥ −3), the logistic form
// everywhere, and the float64 op for orders 1..3.
func TestGELUFloat32(t *testing.T) {
	var xs []float32
	for i := -12000; i <= 12000; i++ {
		xs = append(xs, float32(i)/1000)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		xs = append(xs, float32(r.NormFloat64()*3))
	}
	x := tensor.New(tensor.WithShape(len(xs)), tensor.WithBacking(xs))
	for k := 0; k <= GELUMaxOrder; k++ {
		v, err := geluOp{order: k}.Do(x)
		if err != nil {
			t.Fatal(err)
		}
		got := v.Data().([]float32)
		worst := 0.0
		for i, xi := range xs {
			x64 := float64(xi)
			refs := []float64{geluAt(k, x64)}
			if k == 0 {
				u := math.Sqrt(2/math.Pi) * (x64 + 0.044715*x64*x64*x64)
				refs = append(refs, x64/(1+math.Exp(-2*u)))
				if x64 >= -3 {
					refs = append(refs, geluFormula(x64))
				}
			}
			for _, ref := range refs {
				e := math.Abs(float64(got[i])-ref) / ulp32(ref)
				worst = math.Max(worst, e)
				if e > 1 {
					t.Errorf("float32 gelu^(%d)(%g) = %g, float64 %g (%.2g ulp)", k, xi, got[i], ref, e)
				}
			}
		}
		t.Logf("order %d: worst float32 error %.2f ulp", k, worst)
	}
}

// geluGraph runs GELUDeriv(x, k) on a tape machine.
func geluGraph(t *testing.T, dt tensor.Dtype, shape []int, xs []float64, k int) tensor.Tensor {
	t.Helper()
	b := NewBuilder(dt, 1)
	y := GELUDeriv(b.Weight("x", shape, xs), k)
	vm := G.NewTapeMachine(b.G)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return y.Value().(tensor.Tensor)
}

// Through the graph, a tensor large enough to be split across cores gives
// bit-identical values on one and on all cores, equal to the scalar kernel.
func TestGELUGraphParallel(t *testing.T) {
	shape := []int{300, 128} // 38400 values ≥ geluParallel
	r := rand.New(rand.NewPCG(9, 9))
	xs := make([]float64, shape[0]*shape[1])
	for i := range xs {
		xs[i] = 4 * r.NormFloat64()
	}
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		for k := 0; k <= GELUMaxOrder; k++ {
			old := runtime.GOMAXPROCS(1)
			one := geluGraph(t, dt, shape, xs, k)
			runtime.GOMAXPROCS(max(old, 2))
			all := geluGraph(t, dt, shape, xs, k)
			runtime.GOMAXPROCS(old)
			for i := range xs {
				var a, c, want float64
				if dt == tensor.Float32 {
					a, c = float64(one.Data().([]float32)[i]), float64(all.Data().([]float32)[i])
					want = float64(float32(geluAt(k, float64(float32(xs[i])))))
				} else {
					a, c = one.Data().([]float64)[i], all.Data().([]float64)[i]
					want = geluAt(k, xs[i])
				}
				if a != c || a != want {
					t.Fatalf("%v order %d [%d]: 1 core %g, all cores %g, kernel %g", dt, k, i, a, c, want)
				}
			}
		}
	}
}

// Scalars go through Do too.
func TestGELUScalar(t *testing.T) {
	v, err := geluOp{order: 1}.Do(G.NewF64(0.7))
	if err != nil || float64(*v.(*G.F64)) != geluAt(1, 0.7) {
		t.Errorf("scalar float64: %v, %v", v, err)
	}
	v, err = geluOp{order: 0}.Do(G.NewF32(-0.7))
	if err != nil || float32(*v.(*G.F32)) != float32(geluAt(0, -0.7)) {
		t.Errorf("scalar float32: %v, %v", v, err)
	}
	if _, err := (geluOp{}).Do(tensor.New(tensor.WithShape(2), tensor.WithBacking([]int{1, 2}))); err == nil {
		t.Error("int tensor accepted")
	}
}

// UsePreallocDo writes into a matching buffer and refuses a wrong shape, a
// wrong dtype or a buffer aliasing the input.
func TestGELUPrealloc(t *testing.T) {
	x := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{-2, -1, 0, 1, 2, 3}))
	p := tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(2, 3))
	v, err := geluOp{order: 2}.UsePreallocDo(p, x)
	if err != nil || v != p {
		t.Fatalf("prealloc: %v, %v", v, err)
	}
	for i, xi := range x.Data().([]float64) {
		if p.Data().([]float64)[i] != geluAt(2, xi) {
			t.Errorf("prealloc[%d] = %g", i, p.Data().([]float64)[i])
		}
	}
	bad := []tensor.Tensor{
		tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(3, 2)),
		tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(2, 3)),
		x,
	}
	for _, q := range bad {
		if _, err := (geluOp{}).UsePreallocDo(q, x); err == nil {
			t.Errorf("prealloc into %v %v accepted", q.Dtype(), q.Shape())
		}
	}
}

// The fused op matches the composed graph in values and in the gradient of
// Σ gelu(x) ⊙ r, in float64 and float32.
func TestGELUMatchesComposed(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		var vals [2][]float64
		var grads [2][]float64
		for i, f := range []func(*Builder, *G.Node) *G.Node{(*Builder).GELU, composedGELU} {
			b := NewBuilder(dt, 3)
			x := b.Weight("x", []int{6, 7}, b.Normal(42, 3))
			r := b.Weight("r", []int{6, 7}, b.Normal(42, 1))
			y := f(b, x)
			loss := G.Must(G.Sum(G.Must(G.HadamardProd(y, r))))
			if _, err := G.Grad(loss, x); err != nil {
				t.Fatal(err)
			}
			vm := G.NewTapeMachine(b.G, G.BindDualValues(x))
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			g, _ := x.Grad()
			vals[i], grads[i] = asF64(y.Value()), asF64(g)
			vm.Close()
		}
		tol := 1e-14
		if dt == tensor.Float32 {
			tol = 1e-6
		}
		for j := range vals[0] {
			if math.Abs(vals[0][j]-vals[1][j]) > tol*(1+math.Abs(vals[1][j])) ||
				math.Abs(grads[0][j]-grads[1][j]) > tol*(1+math.Abs(grads[1][j])) {
				t.Errorf("%v [%d]: fused %g / %g, composed %g / %g", dt, j, vals[0][j], grads[0][j], vals[1][j], grads[1][j])
			}
		}
	}
}

func asF64(v G.Value) []float64 {
	switch d := v.Data().(type) {
	case []float64:
		return d
	case []float32:
		o := make([]float64, len(d))
		for i, x := range d {
			o[i] = float64(x)
		}
		return o
	}
	panic("unexpected data")
}

// Reverse mode through the derivative orders: the gradient of Σ g′(x) ⊙ r
// uses g″ and that of Σ g″(x) ⊙ r uses g‴, both against finite differences;
// order 3 cannot be differentiated and says so.
func TestGELUHigherOrderGradients(t *testing.T) {
	checkGrad(t, "gelu'", func(b *Builder) *G.Node { return GELUDeriv(input(b, "x", 4, 5, 2), 1) }, 1e-6)
	checkGrad(t, "gelu''", func(b *Builder) *G.Node { return GELUDeriv(input(b, "x", 4, 5, 2), 2) }, 1e-6)
	checkGrad(t, "mlp∘gelu'", func(b *Builder) *G.Node {
		m := b.NewMLP("m", 3, 2, 5, 1)
		return GELUDeriv(m.Apply(input(b, "x", 4, 3, 1)), 1)
	}, 1e-5)

	b := NewBuilder(tensor.Float64, 1)
	x := input(b, "x", 2, 2, 1)
	loss := G.Must(G.Sum(GELUDeriv(x, 3)))
	if _, err := G.Grad(loss, x); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("gradient of gelu‴: err = %v, want 'not supported'", err)
	}
	if err := Build(func() { GELUDeriv(x, 4) }); err == nil {
		t.Error("GELUDeriv(x, 4) accepted")
	}
}

// Second order through SymDiff twice: with L₁ = Σ gelu(x) ⊙ r, the graph of
// ∂L₁/∂x = g′(x) ⊙ r is itself differentiated, giving ∂/∂x Σ(∂L₁/∂x ⊙ r₂) =
// g″(x) ⊙ r ⊙ r₂, compared with central differences of that sum.
func TestGELUSecondOrderBackprop(t *testing.T) {
	b := NewBuilder(tensor.Float64, 5)
	x := input(b, "x", 3, 4, 2)
	r := b.Weight("r", []int{3, 4}, b.Normal(12, 1))
	r2 := b.Weight("r2", []int{3, 4}, b.Normal(12, 1))
	l1 := G.Must(G.Sum(G.Must(G.HadamardProd(b.GELU(x), r))))
	g1, err := G.Grad(l1, x)
	if err != nil {
		t.Fatal(err)
	}
	l2 := G.Must(G.Sum(G.Must(G.HadamardProd(g1[0], r2))))
	g2, err := G.Grad(l2, x)
	if err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(b.G)
	defer vm.Close()
	eval := func() float64 {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		return l2.Value().Data().(float64)
	}
	eval()
	xs, rs, r2s := x.Value().Data().([]float64), r.Value().Data().([]float64), r2.Value().Data().([]float64)
	analytic := append([]float64(nil), g2[0].Value().Data().([]float64)...)
	for j := range xs {
		if want := geluAt(2, xs[j]) * rs[j] * r2s[j]; math.Abs(analytic[j]-want) > 1e-14*(1+math.Abs(want)) {
			t.Errorf("∂²[%d] = %.15g, g″·r·r₂ = %.15g", j, analytic[j], want)
		}
		const h = 1e-6
		x0 := xs[j]
		xs[j] = x0 + h
		lp := eval()
		xs[j] = x0 - h
		lm := eval()
		xs[j] = x0
		num := (lp - lm) / (2 * h)
		if rel := math.Abs(analytic[j]-num) / math.Max(math.Abs(analytic[j])+math.Abs(num), 1e-6); rel > 1e-6 {
			t.Errorf("∂²[%d] = %.9g, finite differences %.9g (rel %.2g)", j, analytic[j], num, rel)
		}
	}
}

// BenchmarkGELU times forward + backward of Σ gelu(x) for x (16384, 256)
// float32 on a tape machine reset every step, as the trainer runs it: the
// composed seven-op graph against the fused op. ns/value is per element of
// x; B/op counts the buffers each step allocates.
func BenchmarkGELU(b *testing.B) {
	const n, d = 16384, 256
	for _, c := range []struct {
		name string
		f    func(*Builder, *G.Node) *G.Node
	}{{"composed", composedGELU}, {"fused", (*Builder).GELU}} {
		b.Run(c.name, func(b *testing.B) {
			nb := NewBuilder(tensor.Float32, 1)
			x := nb.Weight("x", []int{n, d}, nb.Normal(n*d, 2))
			loss := G.Must(G.Sum(c.f(nb, x)))
			if _, err := G.Grad(loss, x); err != nil {
				b.Fatal(err)
			}
			vm := G.NewTapeMachine(nb.G, G.BindDualValues(x))
			defer vm.Close()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				vm.Reset()
				if err := vm.RunAll(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(n*d), "ns/value")
		})
	}
}

// BenchmarkGELUKernel times the serial element loop of each order on 64k
// float32 values (one core).
func BenchmarkGELUKernel(b *testing.B) {
	xs := make([]float32, 1<<16)
	r := rand.New(rand.NewPCG(1, 1))
	for i := range xs {
		xs[i] = float32(2 * r.NormFloat64())
	}
	ys := make([]float32, len(xs))
	for k := 0; k <= GELUMaxOrder; k++ {
		b.Run(geluOp{order: k}.String(), func(b *testing.B) {
			for b.Loop() {
				geluBlockK(k, ys, xs)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(xs)), "ns/value")
		})
	}
}
