package laplacian

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
)

// schottkyPeak returns the x = τλ maximising the specific heat of k modes at
// λ above m₀ modes at 0, x² r e^{−x}/(1 + r e^{−x})² with r = k/m₀ (the
// Schottky anomaly of a two-level system with degeneracies).
func schottkyPeak(r float64) float64 {
	best, bx := 0.0, 0.0
	for x := 0.01; x < 30; x += 1e-4 {
		e := r * math.Exp(-x)
		if c := x * x * e / ((1 + e) * (1 + e)); c > best {
			best, bx = c, x
		}
	}
	return bx
}

// TestPlantedScales plants two scales (2 big groups of 4 small groups of 32
// nodes): the specific heat must peak where each group of gap modes
// decouples, and the blocks on the plateaus between peaks must be exactly the
// planted small and big groups.
func TestPlantedScales(t *testing.T) {
	g, small, big := planted(t, 2, 4, 32, 0.6, 4, 2, 1)
	s, err := NewSpectrum(g)
	if err != nil {
		t.Fatal(err)
	}
	m := s.Measure()
	lo, hi, _ := m.Range()
	peaks := m.Peaks(lo, hi, DefaultPerDecade)
	if len(peaks) != 3 {
		t.Fatalf("specific heat has %d peaks %+v, want 3 (bulk, small-group gap, big-group gap)", len(peaks), peaks)
	}
	// The planted gaps: λ₁ separates the big groups, λ₂…λ₇ the small groups
	// inside them; the bulk starts at λ₈.
	v := s.Values
	if !(v[8] > 10*v[7] && v[2] > 10*v[1]) {
		t.Fatalf("spectrum does not show the planted gaps: %v", v[:10])
	}
	mid := 0.0
	for _, x := range v[2:8] {
		mid += x / 6
	}
	// Two-level predictions: the λ₁ mode against the zero mode (r = 1), the
	// six λ_mid modes against the two below them (r = 3). Other levels and
	// the spread of the six λ_mid shift the peak; allow a factor 1.5.
	for _, c := range []struct {
		name   string
		peak   Peak
		lambda float64
		r      float64
	}{
		{"big-group gap", peaks[2], v[1], 1},
		{"small-group gap", peaks[1], mid, 3},
	} {
		x := schottkyPeak(c.r)
		want := x / c.lambda
		t.Logf("%s: C peaks at τ = %.4g (C = %.3f); two-level prediction %.4g/λ = %.4g", c.name, c.peak.Tau, c.peak.C, x, want)
		if r := c.peak.Tau / want; r < 1/1.5 || r > 1.5 {
			t.Errorf("%s: peak at τ = %.4g, prediction %.4g (ratio %.2f)", c.name, c.peak.Tau, want, r)
		}
	}
	// The bulk peak sits where the intra-group modes (λ₈ … λ_max) decay.
	if p := peaks[0].Tau; p < 1/v[len(v)-1] || p > 5/v[8] {
		t.Errorf("bulk peak at τ = %.4g outside [1/λ_max, 5/λ₈] = [%.4g, %.4g]", p, 1/v[len(v)-1], 5/v[8])
	}

	// Plateaus: geometric means of consecutive peaks.
	// The local method's balls (64 and 160 nodes) hold a small group (32
	// nodes) and a big group (128) respectively, but not the whole graph.
	for _, c := range []struct {
		name string
		tau  float64
		want []int32
		ball int
	}{
		{"small groups", math.Sqrt(peaks[0].Tau * peaks[1].Tau), small, 64},
		{"big groups", math.Sqrt(peaks[1].Tau * peaks[2].Tau), big, 160},
	} {
		for _, method := range []string{MethodDense, MethodLocal} {
			lv, info, err := Renormalize(g, Options{Tau: c.tau, Method: method, Ball: c.ball})
			if err != nil {
				t.Fatal(err)
			}
			ari := AdjustedRand(lv.Assign, c.want)
			t.Logf("%s at τ = %.3g, %s: %d blocks, adjusted Rand %.4f vs planted (mean leak %.2g)", c.name, c.tau, method, info.Blocks, ari, info.MeanLeak)
			if ari != 1 {
				t.Errorf("%s at τ = %.3g, %s: adjusted Rand %.4f against the planted groups, want 1", c.name, c.tau, method, ari)
			}
			if method == MethodDense && lv.Coarse.N != int(maxLabel(c.want))+1 {
				t.Errorf("%s: coarse graph has %d nodes", c.name, lv.Coarse.N)
			}
		}
	}
}

// TestQuadratureMatchesDense measures the stochastic Lanczos quadrature's
// entropy and specific heat against the exact spectrum.
func TestQuadratureMatchesDense(t *testing.T) {
	pg, _, _ := planted(t, 2, 4, 32, 0.6, 4, 2, 1)
	for _, c := range []struct {
		name  string
		g     *graph.Graph
		steps int
	}{
		{"hrg", hrgGraph(t, 1500, 2), DefaultSteps},
		{"planted", pg, DefaultSteps},
	} {
		exact, err := NewMeasure(c.g, Options{Method: MethodDense})
		if err != nil {
			t.Fatal(err)
		}
		approx, err := NewMeasure(c.g, Options{Method: MethodLocal, Steps: c.steps})
		if err != nil {
			t.Fatal(err)
		}
		lo, hi, _ := exact.Range()
		var taus []float64
		for x := math.Log(lo); x <= math.Log(hi); x += math.Ln10 / 20 {
			taus = append(taus, math.Exp(x))
		}
		se, sa := exact.Entropy(taus), approx.Entropy(taus)
		ce, ca := exact.SpecificHeat(taus), approx.SpecificHeat(taus)
		var ds, dc, cmax float64
		for i := range taus {
			ds = max(ds, math.Abs(se[i]-sa[i]))
			dc = max(dc, math.Abs(ce[i]-ca[i]))
			cmax = max(cmax, ce[i])
		}
		alo, ahi, _ := approx.Range()
		pe, pa := exact.Peaks(lo, hi, DefaultPerDecade), approx.Peaks(alo, ahi, DefaultPerDecade)
		t.Logf("%s (N = %d, %d probes × %d steps): max |ΔS| = %.3g, max |ΔC| = %.3g (max C %.3f); first peak τ = %.4g exact, %.4g quadrature",
			c.name, c.g.N, DefaultProbes, c.steps, ds, dc, cmax, pe[0].Tau, pa[0].Tau)
		if ds > 0.02 || dc > 0.1*cmax {
			t.Errorf("%s: quadrature error max |ΔS| = %.3g, max |ΔC| = %.3g", c.name, ds, dc)
		}
		if r := pa[0].Tau / pe[0].Tau; r < 0.8 || r > 1.25 {
			t.Errorf("%s: first peak at τ = %.4g by quadrature, %.4g exact", c.name, pa[0].Tau, pe[0].Tau)
		}
	}
}

// TestLocalMatchesDense measures the local method's blocks against the exact
// ones on hyperbolic graphs at a microscopic τ and at the first specific-heat
// peak τ*.
func TestLocalMatchesDense(t *testing.T) {
	g := hrgGraph(t, 2600, 2)
	sp, err := NewSpectrum(g)
	if err != nil {
		t.Fatal(err)
	}
	m := sp.Measure()
	lo, hi, _ := m.Range()
	peaks := m.Peaks(lo, hi, DefaultPerDecade)
	op, _ := newOperator(g)
	for _, c := range []struct {
		tau    float64
		ball   int
		minARI float64
	}{
		{1, 256, 0.75},
		{1, 512, 0.9},
		{peaks[0].Tau, 256, 0.6},
		{peaks[0].Tau, 512, 0.8},
	} {
		exact, nExact := denseBlocks(sp, c.tau)
		lv, info, err := Renormalize(g, Options{Tau: c.tau, Method: MethodLocal, Ball: c.ball})
		if err != nil {
			t.Fatal(err)
		}
		// Edge decisions: does column i link i to its neighbour j?
		l1 := sp.Values[1]
		kt := sp.function(func(l float64) float64 { return math.Exp(-c.tau * (l - l1)) }, 1)
		agree, total := 0, 0
		lnDeg := make([]float64, op.n)
		for i, d := range op.deg {
			lnDeg[i] = math.Log(d)
		}
		s := newLocalSolver(op, lnDeg, c.ball, DefaultLocalSteps, DefaultTol)
		for i := 0; i < g.N; i++ {
			nodes, u, _, _ := s.column(int32(i), c.tau)
			at := map[int32]float64{}
			for a, v := range nodes {
				at[v] = u[a]
			}
			for k := op.ptr[i]; k < op.ptr[i+1]; k++ {
				j := op.col[k]
				uj, in := at[j]
				total++
				if (in && uj >= u[0]) == (kt.At(i, int(j)) >= kt.At(i, i)) {
					agree++
				}
			}
		}
		ari := AdjustedRand(exact, lv.Assign)
		t.Logf("N = %d, τ = %.3g, ball %d: dense %d blocks, local %d; adjusted Rand %.4f; edge decisions equal %.2f%%; mean leak %.3f, certified %.1f%%, %.1f Lanczos steps/column",
			g.N, c.tau, c.ball, nExact, info.Blocks, ari, 100*float64(agree)/float64(total), info.MeanLeak, 100*info.Certified, info.MeanLocalSteps)
		if ari < c.minARI {
			t.Errorf("τ = %.3g, ball %d: adjusted Rand %.4f < %.2f", c.tau, c.ball, ari, c.minARI)
		}
	}
}

// TestDisconnected renormalizes a graph of three components (two graphs and
// an isolated node): blocks never span components and each component gets
// the blocks it gets alone.
func TestDisconnected(t *testing.T) {
	a, b := hrgGraph(t, 300, 4), hrgGraph(t, 250, 5)
	u := disjointUnion(a, b)
	u.N++
	for _, method := range []string{MethodDense, MethodLocal} {
		opt := Options{Tau: 2, Method: method}
		lv, info, err := Renormalize(u, opt)
		if err != nil {
			t.Fatal(err)
		}
		if info.Components != 3 {
			t.Errorf("%s: %d components, want 3", method, info.Components)
		}
		la, _, err := Renormalize(a, opt)
		if err != nil {
			t.Fatal(err)
		}
		lb, _, err := Renormalize(b, opt)
		if err != nil {
			t.Fatal(err)
		}
		na := int32(la.Coarse.N)
		for i := 0; i < a.N; i++ {
			if lv.Assign[i] != la.Assign[i] {
				t.Fatalf("%s: node %d of the first component in block %d, alone %d", method, i, lv.Assign[i], la.Assign[i])
			}
		}
		for i := 0; i < b.N; i++ {
			if lv.Assign[a.N+i] != na+lb.Assign[i] {
				t.Fatalf("%s: node %d of the second component in block %d, alone %d", method, i, lv.Assign[a.N+i], na+lb.Assign[i])
			}
		}
		if last := lv.Assign[u.N-1]; last != int32(lv.Coarse.N-1) || slices.Contains(lv.Assign[:u.N-1], last) {
			t.Errorf("%s: the isolated node shares block %d", method, last)
		}
	}
}

// TestCollapseIsAnError: a dense 9-node graph whose metagraph at τ = 3 is
// connected, so the level would be a single node.
func TestCollapseIsAnError(t *testing.T) {
	src := []int32{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7}
	dst := []int32{1, 2, 4, 5, 6, 7, 8, 2, 4, 7, 3, 4, 5, 7, 8, 4, 5, 7, 8, 6, 8, 7, 8, 7, 8, 8}
	g, err := graph.New(9, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Renormalize(g, Options{Tau: 3})
	if err == nil || !strings.Contains(err.Error(), "into one block") {
		t.Fatalf("Renormalize: error %v, want a collapse error", err)
	}
	// Level 1 at τ = 0.3 keeps several blocks; level 2 at τ = 3 collapses.
	_, _, err = Hierarchy(g, 3, Options{Tau: 3})
	if err == nil || !strings.Contains(err.Error(), "laplacian: level 1 of 3 (9 nodes): τ = 3 merges all 9 nodes") {
		t.Fatalf("Hierarchy: error %v, want one naming level 1", err)
	}
	t.Log(err)
}

// TestBadInput covers invalid graphs and options.
func TestBadInput(t *testing.T) {
	g := hrgGraph(t, 100, 1)
	for _, c := range []struct {
		name string
		g    *graph.Graph
		opt  Options
		want string
	}{
		{"nil graph", nil, Options{}, "nil graph"},
		{"negative weight", &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{1}, W: []float64{-1}}, Options{}, "weight"},
		{"NaN weight", &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{1}, W: []float64{math.NaN()}}, Options{}, "weight"},
		{"id out of range", &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{5}}, Options{}, "outside"},
		{"no edges", &graph.Graph{N: 5}, Options{}, "no edges"},
		{"negative tau", g, Options{Tau: -1}, "Tau"},
		{"unknown method", g, Options{Method: "chebyshev"}, "Method"},
		{"unknown peak", g, Options{Peak: "last"}, "Peak"},
		{"tiny ball", g, Options{Ball: 1}, "Ball"},
	} {
		_, _, err := Renormalize(c.g, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

// TestSameResultAnyCores runs the local method on 1 and 2 cores.
func TestSameResultAnyCores(t *testing.T) {
	g := hrgGraph(t, 4000, 9)
	opt := Options{Method: MethodLocal, Ball: 128}
	prev := runtime.GOMAXPROCS(1)
	l1, i1, err1 := Renormalize(g, opt)
	runtime.GOMAXPROCS(max(2, prev))
	l2, i2, err2 := Renormalize(g, opt)
	runtime.GOMAXPROCS(prev)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if !slices.Equal(l1.Assign, l2.Assign) || i1.Tau != i2.Tau || i1.MeanLeak != i2.MeanLeak || i1.Certified != i2.Certified {
		t.Fatalf("results differ between 1 and 2 cores: τ %v vs %v, %d vs %d blocks", i1.Tau, i2.Tau, i1.Blocks, i2.Blocks)
	}
	t.Logf("N = %d: τ* = %.4g, %d blocks, identical on 1 and %d cores", g.N, i1.Tau, i1.Blocks, max(2, prev))
}

// TestHierarchyPlanted builds the hierarchy of the planted graph with τ on
// the plateau after each level's first specific-heat peak: level 1 must be
// the 8 small groups and level 2 the 2 big groups; a third level of 2
// supernodes cannot merge (for two nodes ρ_01 < ρ_00 = ρ_11 at every τ), and
// the error says so naming the level.
func TestHierarchyPlanted(t *testing.T) {
	g, small, big := planted(t, 2, 4, 32, 0.6, 4, 2, 1)
	for _, method := range []string{MethodDense, MethodLocal} {
		levels, infos, err := Hierarchy(g, 3, Options{Peak: PlateauFirst, Method: method, Ball: 160})
		if err == nil || !strings.Contains(err.Error(), "level 3 of 3 (2 nodes)") {
			t.Errorf("%s: error %v, want one naming level 3", method, err)
		}
		if len(levels) != 2 {
			t.Fatalf("%s: %d levels before the error, want 2", method, len(levels))
		}
		for k, want := range [][]int32{small, big} {
			got := hierarchy.Compose(levels[:k+1])
			ari := AdjustedRand(got, want)
			t.Logf("%s level %d: τ = %.3g, %d → %d nodes, adjusted Rand %.4f vs planted", method, k+1, infos[k].Tau, infos[k].Nodes, levels[k].Coarse.N, ari)
			if ari != 1 {
				t.Errorf("%s level %d: adjusted Rand %.4f vs the planted groups, want 1", method, k+1, ari)
			}
		}
	}
}
