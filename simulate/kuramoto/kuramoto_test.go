package kuramoto

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/ode"
)

// randomGraph is an Erdős–Rényi-like graph with about n·avgDeg/2 edges (a
// few are lost to self-loops and repeats), isolated nodes included.
func randomGraph(tb testing.TB, n int, avgDeg float64, seed uint64) *graph.Graph {
	rng := rand.New(rand.NewPCG(seed, 7))
	m := int(float64(n) * avgDeg / 2)
	src, dst := make([]int32, m), make([]int32, m)
	for i := range src {
		src[i], dst[i] = int32(rng.IntN(n)), int32(rng.IntN(n))
	}
	g, err := graph.New(n, src, dst)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func constK(k float64) Params { return Params{K: k, A: 1} }

// adlerPhase is the exact solution of φ' = a − b·sin φ from φ(0) = 0 for
// a > b > 0 (drifting regime), continued across branches of tan.
func adlerPhase(a, b, t float64) float64 {
	w := math.Sqrt(a*a - b*b)
	c := 2 * math.Atan(-b/w) / w // tan(w·c/2) = −b/w makes φ(0) = 0
	x := w * (t + c) / 2
	u := (b + w*math.Tan(x)) / a
	turns := math.Floor((x+math.Pi/2)/math.Pi) - math.Floor((w*c/2+math.Pi/2)/math.Pi)
	return 2*math.Atan(u) + 2*math.Pi*turns
}

// Two oscillators, each the other's only neighbour (weight 1), obey Adler's
// equation φ' = Δω − 2K sin φ for φ = θ0 − θ1.
func TestTwoOscillators(t *testing.T) {
	g, err := graph.New(2, []int32{0}, []int32{1})
	if err != nil {
		t.Fatal(err)
	}
	run := func(k, dw float64, times []float64, save ode.SaveFunc) []float64 {
		m, err := NewModel(Weights(g), []float64{dw / 2, -dw / 2}, constK(k))
		if err != nil {
			t.Fatal(err)
		}
		theta := []float64{0, 0}
		if _, err := ode.SolveDP5(m, theta, 0, times, 1e-11, 1e-11, save); err != nil {
			t.Fatal(err)
		}
		return theta
	}
	t.Run("lock", func(t *testing.T) {
		for _, c := range []struct{ k, dw float64 }{{1, 1.5}, {2, -1}, {0.8, 1.59}} {
			th := run(c.k, c.dw, []float64{200}, nil)
			want := math.Asin(c.dw / (2 * c.k))
			if math.Abs(th[0]-th[1]-want) > 1e-7 || math.Abs(th[0]+th[1]) > 1e-7 {
				t.Fatalf("K %g Δω %g: θ = %v, want φ = %.10f and a common frequency 0", c.k, c.dw, th, want)
			}
		}
	})
	t.Run("drift", func(t *testing.T) {
		const k, dw = 0.5, 1.5
		beat := math.Sqrt(dw*dw - 4*k*k)
		period := 2 * math.Pi / beat
		times := make([]float64, 501)
		for i := range times {
			times[i] = 20 * period * float64(i) / 500
		}
		worst := 0.0
		th := run(k, dw, times, func(_ int, tt float64, y []float64) error {
			worst = max(worst, math.Abs(y[0]-y[1]-adlerPhase(dw, 2*k, tt)))
			return nil
		})
		if worst > 1e-7 {
			t.Fatalf("phase difference off the Adler solution by %.3g", worst)
		}
		// Over whole beat periods φ advances by exactly 2π each.
		rate := (th[0] - th[1]) / (20 * period)
		if math.Abs(rate-beat) > 1e-8 {
			t.Fatalf("mean beat frequency %.10f, want √(Δω²−4K²) = %.10f", rate, beat)
		}
	})
}

// selfConsistentR solves 1 = K∫_{−π/2}^{π/2} cos²θ g(K r sin θ) dθ for the
// mean-field order parameter r with g the standard normal density
// (Kuramoto 1975; Strogatz, Physica D 143 (2000) 1, eq. 4.6).
func selfConsistentR(k float64) float64 {
	g := func(w float64) float64 { return math.Exp(-w*w/2) / math.Sqrt(2*math.Pi) }
	f := func(r float64) float64 {
		const m = 2000 // Simpson panels
		hh := math.Pi / m
		s := 0.0
		for i := 0; i <= m; i++ {
			th := -math.Pi/2 + float64(i)*hh
			wt := 2.0
			if i == 0 || i == m {
				wt = 1
			} else if i%2 == 1 {
				wt = 4
			}
			c := math.Cos(th)
			s += wt * c * c * g(k*r*math.Sin(th))
		}
		return k*s*hh/3 - 1
	}
	lo, hi := 1e-9, 1.0
	if f(lo) <= 0 {
		return 0
	}
	for range 100 {
		mid := (lo + hi) / 2
		if f(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// All-to-all coupling with Gaussian frequencies: incoherent below
// K_c = 2/(π g(0)) ≈ 1.596, partially locked above with the mean-field r.
func TestAllToAllTransition(t *testing.T) {
	const n = 1000
	src, dst := make([]int32, 0, n*(n-1)/2), make([]int32, 0, n*(n-1)/2)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			src, dst = append(src, int32(i)), append(dst, int32(j))
		}
	}
	g, err := graph.New(n, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	w := Weights(g)
	// Frequencies at the normal quantiles remove most sampling noise.
	omega := make([]float64, n)
	for i := range omega {
		omega[i] = math.Sqrt2 * math.Erfinv(2*(float64(i)+0.5)/n-1)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	theta0 := make([]float64, n)
	for i := range theta0 {
		theta0[i] = 2 * math.Pi * rng.Float64()
	}
	kc := 2 * math.Sqrt(2*math.Pi) / math.Pi
	for _, k := range []float64{1, 2, 3, 4} {
		m, err := NewModel(w, omega, constK(k))
		if err != nil {
			t.Fatal(err)
		}
		theta := append([]float64(nil), theta0...)
		const dt, steps, from = 0.1, 500, 200 // average R over t ∈ [20, 50]
		sum, cnt := 0.0, 0
		err = ode.SolveRK4(m, theta, 0, dt, steps, 10, func(k int, _ float64, y []float64) error {
			if k*10 >= from {
				sum += m.OrderParameter(y)
				cnt++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r := sum / float64(cnt)
		// Weights 1/(N−1) without a self term equal K·N/(N−1) in the usual
		// K/N·Σ_j form.
		want := selfConsistentR(k * n / (n - 1))
		t.Logf("K = %g (K_c = %.3f): ⟨R⟩ = %.4f, mean field %.4f", k, kc, r, want)
		if k < kc {
			if r > 3/math.Sqrt(n) {
				t.Fatalf("K = %g below K_c: ⟨R⟩ = %.4f, want O(1/√N)", k, r)
			}
		} else if math.Abs(r-want) > 0.03 {
			t.Fatalf("K = %g: ⟨R⟩ = %.4f, mean field %.4f", k, r, want)
		}
	}
}

func TestFusedRHSMatchesDirectSum(t *testing.T) {
	g := randomGraph(t, 3000, 3, 11)
	p := DefaultParams()
	m, theta, err := New(g, p, 5)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range theta {
		theta[i] += 100 * rng.NormFloat64()
	}
	isolated := 0
	for _, tt := range []float64{0, 3.7, 10} {
		dy := make([]float64, len(theta))
		m.Eval(tt, theta, dy)
		k := p.Coupling(tt)
		w := m.W
		for r := 0; r < w.N; r++ {
			s := 0.0
			for j := w.Ptr[r]; j < w.Ptr[r+1]; j++ {
				s += w.Val[j] * math.Sin(theta[w.Col[j]]-theta[r])
			}
			want := m.Omega[r] + k*s
			if math.Abs(dy[r]-want) > 1e-12 {
				t.Fatalf("t %g row %d: fused %.17g, direct %.17g", tt, r, dy[r], want)
			}
			if w.Ptr[r] == w.Ptr[r+1] {
				isolated++
				if dy[r] != m.Omega[r] {
					t.Fatalf("isolated node %d: dθ/dt = %g, want ω = %g", r, dy[r], m.Omega[r])
				}
			}
		}
	}
	if isolated == 0 {
		t.Fatal("test graph has no isolated node")
	}
}

func TestWeights(t *testing.T) {
	g := randomGraph(t, 5000, 3, 12)
	deg := g.Degrees()
	w := Weights(g)
	for r := 0; r < w.N; r++ {
		lo, hi := w.Ptr[r], w.Ptr[r+1]
		if int(hi-lo) != int(deg[r]) {
			t.Fatalf("row %d has %d entries, degree %d", r, hi-lo, deg[r])
		}
		if lo == hi {
			continue
		}
		sum := 0.0
		ratio := w.Val[lo] / math.Sqrt(float64(deg[w.Col[lo]]))
		for j := lo; j < hi; j++ {
			sum += w.Val[j]
			q := w.Val[j] / math.Sqrt(float64(deg[w.Col[j]]))
			if math.Abs(q-ratio) > 1e-14*ratio {
				t.Fatalf("row %d: weight/√deg varies (%g vs %g)", r, q, ratio)
			}
		}
		if math.Abs(sum-1) > 1e-14 {
			t.Fatalf("row %d: weights sum to %.17g", r, sum)
		}
	}
}

func TestSchedule(t *testing.T) {
	p := Params{K: 1.7, A: 1, B: 10, G: 10, D: 0.5, Periods: 1, DT: 1e-3, Steps: 20000}
	for _, tt := range []float64{0, 0.3, 7, 10, 19.99, 1e6} {
		if k := p.Coupling(tt); k != 1.7 {
			t.Fatalf("a = 1: K(%g) = %g, want exactly 1.7", tt, k)
		}
	}
	if k := (Params{K: 3, A: 1}).Coupling(5); k != 3 {
		t.Fatalf("a = 1 without a time grid: K = %g", k)
	}
	d := DefaultParams()
	// t′ = t·π/20 on the default grid.
	cases := []struct{ t, want float64 }{
		{0, 5 * 0.5}, // sin t′ = 0: only the constant share a
		{10, 5},      // t′ = π/2: sin² = 1 and |cos(5π)|^10 = 1
		{1, 5 * (0.5*math.Pow(math.Sin(math.Pi/20), 2)*0.5 + 0.5)}, // cos(g t′) = 0
		{20, 5 * 0.5}, // end of the grid: one period done
	}
	for _, c := range cases {
		if k := d.Coupling(c.t); math.Abs(k-c.want) > 1e-12 {
			t.Fatalf("default K(%g) = %.15g, want %.15g", c.t, k, c.want)
		}
	}
	if err := (Params{K: 1, A: 0.5}).Validate(); err == nil {
		t.Fatal("time-varying schedule without a grid accepted")
	}
}

func TestInitialState(t *testing.T) {
	const n = 20000
	om, th := InitialState(n, 42)
	om2, th2 := InitialState(n, 42)
	om3, _ := InitialState(n, 43)
	mean, same := 0.0, 0
	for i := range om {
		if om[i] != om2[i] || th[i] != th2[i] {
			t.Fatal("same seed, different state")
		}
		if om[i] == om3[i] {
			same++
		}
		if math.Abs(om[i]) > 5.01 {
			t.Fatalf("ω %g not clipped", om[i])
		}
		mean += om[i]
	}
	if same > 0 {
		t.Fatalf("seeds 42 and 43 share %d frequencies", same)
	}
	if math.Abs(mean/n) > 1e-15 {
		t.Fatalf("ω mean %g", mean/n)
	}
	var s2, o2 float64
	for i := range th {
		s2 += th[i] * th[i]
		o2 += om[i] * om[i]
	}
	if sd := math.Sqrt(s2 / n); math.Abs(sd-5) > 0.1 {
		t.Fatalf("θ(0) standard deviation %g, want 5", sd)
	}
	if sd := math.Sqrt(o2 / n); math.Abs(sd-1) > 0.03 {
		t.Fatalf("ω standard deviation %g, want 1", sd)
	}
}

func TestObserve(t *testing.T) {
	g := randomGraph(t, 2000, 3, 13)
	m, theta, err := New(g, DefaultParams(), 1)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, g.N)
	if err := m.Observe("nope", 0, theta, out); err == nil {
		t.Fatal("unknown observable accepted")
	}
	if err := m.Observe(Phase, 0, theta, out[:10]); err == nil {
		t.Fatal("short output accepted")
	}
	dy := make([]float64, g.N)
	m.Eval(2.5, theta, dy)
	for _, name := range Observables {
		if err := m.Observe(name, 2.5, theta, out); err != nil {
			t.Fatal(err)
		}
		for i, v := range out {
			var want float64
			switch name {
			case Velocity:
				want = dy[i]
			case OneMinusCos:
				want = (1 - math.Cos(theta[i])) / 2
				if v < 0 || v > 1 {
					t.Fatalf("%s[%d] = %g outside [0, 1]", name, i, v)
				}
			case Phase:
				want = theta[i]
			}
			if math.Abs(float64(v)-want) > 1e-6*max(1, math.Abs(want)) {
				t.Fatalf("%s[%d] = %g, want %g", name, i, v, want)
			}
		}
	}
	// R of a uniform spread is 0, of equal phases 1.
	eq := make([]float64, 100)
	for i := range eq {
		eq[i] = 1.234 + 2*math.Pi*float64(i%3)
	}
	if r := m.OrderParameter(eq); math.Abs(r-1) > 1e-14 {
		t.Fatalf("R of equal phases %g", r)
	}
	for i := range eq {
		eq[i] = 2 * math.Pi * float64(i) / float64(len(eq))
	}
	if r := m.OrderParameter(eq); r > 1e-14 {
		t.Fatalf("R of a uniform spread %g", r)
	}
}

// Results are bit-identical on 1 and 2 cores (blocks fixed by N).
func TestDeterminismAcrossCores(t *testing.T) {
	g := randomGraph(t, 40000, 3, 14)
	type result struct {
		rk4, dp5 []float64
		r        []float64
	}
	run := func(procs int) result {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m, theta, err := New(g, DefaultParams(), 2)
		if err != nil {
			t.Fatal(err)
		}
		var res result
		th := append([]float64(nil), theta...)
		if err := ode.SolveRK4(m, th, 0, 0.01, 30, 10, func(_ int, _ float64, y []float64) error {
			res.r = append(res.r, m.OrderParameter(y))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		res.rk4 = th
		th = append([]float64(nil), theta...)
		if _, err := ode.SolveDP5(m, th, 0, []float64{0.05, 0.1}, 1e-8, 1e-8, func(_ int, _ float64, y []float64) error {
			res.r = append(res.r, m.OrderParameter(y))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		res.dp5 = th
		return res
	}
	a, b := run(1), run(2)
	for i := range a.rk4 {
		if math.Float64bits(a.rk4[i]) != math.Float64bits(b.rk4[i]) || math.Float64bits(a.dp5[i]) != math.Float64bits(b.dp5[i]) {
			t.Fatalf("node %d differs between 1 and 2 cores", i)
		}
	}
	for i := range a.r {
		if math.Float64bits(a.r[i]) != math.Float64bits(b.r[i]) {
			t.Fatalf("R %d differs: %v vs %v", i, a.r[i], b.r[i])
		}
	}
}

// Eval allocates no vectors: only par.For's small bookkeeping, the same for
// any N.
func TestEvalAllocations(t *testing.T) {
	var counts []float64
	for _, n := range []int{1000, 100000} {
		m, theta, err := New(randomGraph(t, n, 3, 15), DefaultParams(), 1)
		if err != nil {
			t.Fatal(err)
		}
		dy := make([]float64, n)
		counts = append(counts, testing.AllocsPerRun(5, func() { m.Eval(1, theta, dy) }))
	}
	t.Logf("allocations per Eval at N = 1000, 100000: %v", counts)
	if counts[1] > 20 {
		t.Fatalf("%v allocations per Eval", counts[1])
	}
}

// TestEdgeWeightsScaleCoupling checks that edge weights multiply the √degree
// sender weights: on a star with centre 0, the centre's in-weights are
// a_s·u_s/Σ a·u with all u equal, so they are proportional to a_s.
func TestEdgeWeightsScaleCoupling(t *testing.T) {
	g, err := graph.NewWeighted(4, []int32{0, 0, 0}, []int32{1, 2, 3}, []float64{1, 2, 5})
	if err != nil {
		t.Fatal(err)
	}
	w := Weights(g)
	for j, want := range []float64{1.0 / 8, 2.0 / 8, 5.0 / 8} {
		if got := w.Val[w.Ptr[0]+int64(j)]; math.Abs(got-want) > 1e-15 {
			t.Errorf("weight %d = %v, want %v", j, got, want)
		}
	}
	for r := 1; r < 4; r++ {
		if got := w.Val[w.Ptr[r]]; got != 1 {
			t.Errorf("leaf %d weight %v, want 1", r, got)
		}
	}
}
