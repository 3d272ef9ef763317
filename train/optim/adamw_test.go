package optim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// refAdamW is an independent, plain float64 transcription of
// optax.chain(clip(maxNorm), adamw(...)) for checking AdamW.
type refAdamW struct {
	b1, b2, eps, wd, maxNorm float64
	m, v                     [][]float64
	t                        int
}

func newRef(sizes []int) *refAdamW {
	r := &refAdamW{b1: 0.9, b2: 0.999, eps: 1e-7, wd: 5e-3, maxNorm: 1}
	for _, n := range sizes {
		r.m = append(r.m, make([]float64, n))
		r.v = append(r.v, make([]float64, n))
	}
	return r
}

func (r *refAdamW) step(params, grads [][]float64, lr float64) {
	r.t++
	for i := range params {
		g := grads[i]
		for _, x := range g {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				g = make([]float64, len(g))
				break
			}
		}
		for j := range params[i] {
			gj := g[j]
			if r.maxNorm > 0 {
				gj = math.Max(-r.maxNorm, math.Min(r.maxNorm, gj))
			}
			r.m[i][j] = r.b1*r.m[i][j] + (1-r.b1)*gj
			r.v[i][j] = r.b2*r.v[i][j] + (1-r.b2)*gj*gj
			mh := r.m[i][j] / (1 - math.Pow(r.b1, float64(r.t)))
			vh := r.v[i][j] / (1 - math.Pow(r.b2, float64(r.t)))
			params[i][j] -= lr * (mh/(math.Sqrt(vh)+r.eps) + r.wd*params[i][j])
		}
	}
}

func TestStepHandComputed(t *testing.T) {
	a := New[float64]([]int{2})
	p := [][]float64{{1, -2}}
	a.Step(p, [][]float64{{0.5, 3}}, 0.1)
	// element 0: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25,
	// u = 0.5/(0.5+1e-7) + 5e-3·1
	// element 1: g clipped to 1: m̂ = 1, v̂ = 1, u = 1/(1+1e-7) + 5e-3·(−2)
	want := []float64{1 - 0.1*(0.5/(0.5+1e-7)+5e-3), -2 - 0.1*(1/(1+1e-7)-1e-2)}
	for j := range want {
		if math.Abs(p[0][j]-want[j]) > 1e-15 {
			t.Errorf("p[%d] = %.17g, want %.17g", j, p[0][j], want[j])
		}
	}
	if want0 := 0.899500019999996; math.Abs(p[0][0]-want0) > 1e-14 {
		t.Errorf("p[0] = %.17g, want %.17g", p[0][0], want0)
	}
	m, v := a.Moments()
	if math.Abs(m[0][0]-0.05) > 1e-16 || math.Abs(v[0][1]-0.001) > 1e-17 || a.Count() != 1 {
		t.Errorf("m = %v, v = %v, count %d", m, v, a.Count())
	}
}

// randomProblem returns params and a gradient generator over slices of the
// given sizes; gradients mix small values, clipped values and (at times) NaN.
func randomProblem(sizes []int, seed uint64) ([][]float64, func(step int) [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	params := make([][]float64, len(sizes))
	for i, n := range sizes {
		params[i] = make([]float64, n)
		for j := range params[i] {
			params[i][j] = rng.NormFloat64()
		}
	}
	return params, func(step int) [][]float64 {
		g := make([][]float64, len(sizes))
		for i, n := range sizes {
			g[i] = make([]float64, n)
			for j := range g[i] {
				g[i][j] = rng.NormFloat64() * 2
			}
			if step%3 == 2 && i == step%len(sizes) {
				g[i][rng.IntN(n)] = math.NaN()
			}
		}
		return g
	}
}

func clone[T, U Float](xs [][]T) [][]U {
	out := make([][]U, len(xs))
	for i, x := range xs {
		out[i] = make([]U, len(x))
		for j := range x {
			out[i][j] = U(x[j])
		}
	}
	return out
}

func TestStepMatchesReferenceFloat64(t *testing.T) {
	sizes := []int{3, 1, chunkLen + 17, 40}
	params, grads := randomProblem(sizes, 1)
	ref := clone[float64, float64](params)
	a, r := New[float64](sizes), newRef(sizes)
	s := Schedule{Peak: 1e-2, Steps: 20}
	zeroed := 0
	for step := range 20 {
		g := grads(step)
		lr := s.LR(a.Count())
		zeroed += a.Step(params, g, lr)
		r.step(ref, g, lr)
	}
	if zeroed == 0 {
		t.Fatal("test problem has no NaN gradient")
	}
	for i := range params {
		for j := range params[i] {
			if d := math.Abs(params[i][j] - ref[i][j]); d > 1e-14 {
				t.Fatalf("p[%d][%d] = %.17g, reference %.17g", i, j, params[i][j], ref[i][j])
			}
		}
	}
}

func TestStepMatchesReferenceFloat32(t *testing.T) {
	sizes := []int{5, 1000}
	params64, grads := randomProblem(sizes, 2)
	params := clone[float64, float32](params64)
	ref := clone[float32, float64](params)
	a, r := New[float32](sizes), newRef(sizes)
	for step := range 30 {
		g := grads(step)
		a.Step(params, clone[float64, float32](g), 1e-3)
		r.step(ref, clone[float32, float64](clone[float64, float32](g)), 1e-3)
	}
	for i := range params {
		for j := range params[i] {
			if d := math.Abs(float64(params[i][j]) - ref[i][j]); d > 1e-6*(1+math.Abs(ref[i][j])) {
				t.Fatalf("p[%d][%d] = %.9g, reference %.9g", i, j, params[i][j], ref[i][j])
			}
		}
	}
}

func TestClipIsElementWise(t *testing.T) {
	run := func(g []float64, maxNorm float64) []float64 {
		a := New[float64]([]int{3})
		a.MaxNorm = maxNorm
		p := [][]float64{{1, 1, 1}}
		for range 3 {
			a.Step(p, [][]float64{g}, 0.01)
		}
		return p[0]
	}
	huge, plain := run([]float64{1e6, 0.5, -0.25}, 1), run([]float64{1, 0.5, -0.25}, 1)
	for j := range huge {
		if huge[j] != plain[j] {
			t.Errorf("element %d: %v with a huge element 0, %v without", j, huge[j], plain[j])
		}
	}
	a := New[float64]([]int{1})
	a.MaxNorm = 0
	a.Step([][]float64{{0}}, [][]float64{{1e6}}, 0)
	if m, _ := a.Moments(); math.Abs(m[0][0]-1e5) > 1e-9 {
		t.Errorf("MaxNorm 0: m = %v, want 1e5 (no clipping)", m[0][0])
	}
}

func TestNonFiniteSliceZeroed(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		n := 2*chunkLen + 3
		a := New[float32]([]int{n, 2})
		p := [][]float32{make([]float32, n), {1, 1}}
		for j := range p[0] {
			p[0][j] = 2
		}
		g := [][]float32{make([]float32, n), {0.5, 0.5}}
		g[0][0], g[0][chunkLen+5] = 0.3, float32(bad)
		if z := a.Step(p, g, 0.1); z != 1 {
			t.Fatalf("%v: zeroed %d slices, want 1", bad, z)
		}
		if g[0][chunkLen+5] == 0 {
			t.Errorf("Step modified grads")
		}
		m, _ := a.Moments()
		want := float32(2 * (1 - 0.1*5e-3)) // decay only
		if p[0][0] != want || p[0][n-1] != want || m[0][0] != 0 {
			t.Errorf("%v: zeroed slice p = %v, %v, m = %v; want %v and m 0", bad, p[0][0], p[0][n-1], m[0][0], want)
		}
		if p[1][0] >= 0.9 || m[1][0] == 0 {
			t.Errorf("%v: finite slice not updated: p = %v, m = %v", bad, p[1][0], m[1][0])
		}
	}
}

func TestZeroGradientDecays(t *testing.T) {
	a := New[float64]([]int{4})
	p := [][]float64{{1, -2, 3, 0.5}}
	want := append([]float64(nil), p[0]...)
	const lr = 0.3
	for range 10 {
		a.Step(p, [][]float64{make([]float64, 4)}, lr)
		for j := range want {
			want[j] *= 1 - lr*5e-3
		}
	}
	for j := range want {
		if math.Abs(p[0][j]-want[j]) > 1e-14 {
			t.Errorf("p[%d] = %.17g, want %.17g", j, p[0][j], want[j])
		}
	}
}

func TestMinimisesQuadratic(t *testing.T) {
	target := []float64{3, -1, 0.25, 10}
	a := New[float32]([]int{4})
	a.WeightDecay = 0
	p := [][]float32{make([]float32, 4)}
	s := Schedule{Peak: 0.1, Steps: 3000, Warmup: 100, Floor1: 1e-3, Floor2: 1e-4}
	for range 3000 {
		g := make([]float32, 4)
		for j := range g {
			g[j] = 2 * (p[0][j] - float32(target[j]))
		}
		a.Step(p, [][]float32{g}, s.LR(a.Count()))
	}
	for j, c := range target {
		if math.Abs(float64(p[0][j])-c) > 1e-3 {
			t.Errorf("p[%d] = %v, want %v", j, p[0][j], c)
		}
	}
}

func TestSetStateResumes(t *testing.T) {
	sizes := []int{7, 3}
	params, grads := randomProblem(sizes, 3)
	a := New[float64](sizes)
	for step := range 4 {
		a.Step(params, grads(step), 1e-2)
	}
	m, v := a.Moments()
	b := New[float64](sizes)
	if err := b.SetState(m, v, a.Count()); err != nil {
		t.Fatal(err)
	}
	pb := clone[float64, float64](params)
	for step := 4; step < 8; step++ {
		g := grads(step)
		a.Step(params, g, 1e-2)
		b.Step(pb, g, 1e-2)
	}
	for i := range params {
		for j := range params[i] {
			if params[i][j] != pb[i][j] {
				t.Fatalf("resumed run differs at [%d][%d]", i, j)
			}
		}
	}
}

func TestSetStateValidates(t *testing.T) {
	a := New[float32]([]int{2, 3})
	ok := [][]float32{make([]float32, 2), make([]float32, 3)}
	for name, c := range map[string]struct {
		m, v  [][]float32
		count int
	}{
		"slices":   {ok[:1], ok, 1},
		"length":   {ok, [][]float32{make([]float32, 2), make([]float32, 4)}, 1},
		"negative": {ok, ok, -1},
	} {
		if err := a.SetState(c.m, c.v, c.count); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := a.SetState(ok, ok, 5); err != nil || a.Count() != 5 {
		t.Errorf("valid state: %v, count %d", err, a.Count())
	}
}

func TestStepPanicsOnSizeMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	New[float64]([]int{2}).Step([][]float64{{1, 2}}, [][]float64{{1}}, 0.1)
}
