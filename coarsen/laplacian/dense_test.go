package laplacian

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/roma-go/roma/simulate/graph"
)

// laplacianDense builds L = D − A densely, independently of operator.
func laplacianDense(g *graph.Graph) *mat.Dense {
	l := mat.NewDense(g.N, g.N, nil)
	for e := range g.Src {
		a, b, w := int(g.Src[e]), int(g.Dst[e]), g.Weight(e)
		l.Set(a, b, l.At(a, b)-w)
		l.Set(b, a, l.At(b, a)-w)
		l.Set(a, a, l.At(a, a)+w)
		l.Set(b, b, l.At(b, b)+w)
	}
	return l
}

// expDensity returns ρ(τ) = e^{−τL}/Tr e^{−τL} by gonum's Padé scaling and
// squaring (mat.Exp), independent of the eigendecomposition.
func expDensity(g *graph.Graph, tau float64) *mat.Dense {
	l := laplacianDense(g)
	l.Scale(-tau, l)
	var k mat.Dense
	k.Exp(l)
	z := mat.Trace(&k)
	k.Scale(1/z, &k)
	return &k
}

func weightedHRG(t *testing.T, n int) *graph.Graph {
	g := hrgGraph(t, n, 11)
	g.W = make([]float64, g.NumEdges())
	for e := range g.W {
		g.W[e] = 0.5 + float64((e*7)%5)/4 // weights 0.5 … 1.5
	}
	return g
}

// TestDensityMatchesMatrixExponential checks ρ(τ) from the spectrum against
// gonum's Padé matrix exponential on a weighted graph.
func TestDensityMatchesMatrixExponential(t *testing.T) {
	g := weightedHRG(t, 300)
	s, err := NewSpectrum(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, tau := range []float64{1e-3, 0.1, 1, 10, 100} {
		got := s.Density(tau)
		want := expDensity(g, tau)
		worst := 0.0
		for i := 0; i < g.N; i++ {
			for j := 0; j < g.N; j++ {
				worst = max(worst, math.Abs(got.At(i, j)-want.At(i, j)))
			}
		}
		if tr := mat.Trace(got); math.Abs(tr-1) > 1e-12 {
			t.Errorf("τ = %g: Tr ρ = %v, want 1", tau, tr)
		}
		// Entries are at most 1; both routes round at ≈ 1e-15 per operation.
		if worst > 1e-12 {
			t.Errorf("τ = %g: max |ρ_spectral − ρ_Padé| = %.3g, want ≤ 1e-12", tau, worst)
		}
		t.Logf("n = %d, τ = %g: max |ρ_spectral − ρ_Padé| = %.2g", g.N, tau, worst)
	}
}

// TestEntropyLimits checks S(τ → 0) = 1, S(τ → ∞) = ln c/ln N for c
// components, and the analytic C(τ) against a central finite difference of
// S in ln τ.
func TestEntropyLimits(t *testing.T) {
	g := hrgGraph(t, 400, 3)
	s, err := NewSpectrum(g)
	if err != nil {
		t.Fatal(err)
	}
	m := s.Measure()
	if got := m.Entropy([]float64{0})[0]; math.Abs(got-1) > 1e-12 {
		t.Errorf("connected: S(0) = %v, want 1", got)
	}
	if got := m.Entropy([]float64{1e-9})[0]; math.Abs(got-1) > 1e-6 {
		t.Errorf("connected: S(1e-9) = %v, want 1 − O(τ²)", got)
	}
	big := 60 / s.Values[1] // e^{−τλ₂} ≈ 1e-26
	if got := m.Entropy([]float64{big})[0]; math.Abs(got) > 1e-20 {
		t.Errorf("connected: S(%g) = %v, want 0", big, got)
	}
	// Finite difference in ln τ, step h: error O(h²·S''').
	const h = 1e-4
	for _, tau := range []float64{0.01, 0.3, 3, 30, 1 / s.Values[1]} {
		sp := m.Entropy([]float64{tau * math.Exp(h)})[0]
		sm := m.Entropy([]float64{tau * math.Exp(-h)})[0]
		fd := -(sp - sm) / (2 * h)
		c := m.SpecificHeat([]float64{tau})[0]
		if math.Abs(fd-c) > 1e-6*max(1, c) {
			t.Errorf("τ = %g: C = %.10g, −dS/d ln τ by finite difference = %.10g", tau, c, fd)
		}
	}

	// Three components (two graphs and an isolated node): S(∞) = ln 3/ln N.
	a, b := hrgGraph(t, 200, 4), hrgGraph(t, 150, 5)
	u := disjointUnion(a, b)
	u.N++ // isolated node
	m3, err := NewMeasure(u, Options{Method: MethodDense})
	if err != nil {
		t.Fatal(err)
	}
	want := math.Log(3) / math.Log(float64(u.N))
	if got := m3.Entropy([]float64{1e6})[0]; math.Abs(got-want) > 1e-12 {
		t.Errorf("3 components: S(∞) = %v, want ln 3/ln N = %v", got, want)
	}
}

// disjointUnion places b's nodes after a's.
func disjointUnion(a, b *graph.Graph) *graph.Graph {
	u := &graph.Graph{N: a.N + b.N}
	u.Src = append(u.Src, a.Src...)
	u.Dst = append(u.Dst, a.Dst...)
	for e := range b.Src {
		u.Src = append(u.Src, b.Src[e]+int32(a.N))
		u.Dst = append(u.Dst, b.Dst[e]+int32(a.N))
	}
	return u
}

// bruteBlocks applies the paper's rule literally to ρ from mat.Exp: link i, j
// when ρ_ij/min(ρ_ii, ρ_jj) ≥ 1, blocks = connected components. It also
// returns the smallest |ρ'_ij − 1| so callers can skip rounding-level ties.
func bruteBlocks(g *graph.Graph, tau float64) ([]int32, float64) {
	rho := expDensity(g, tau)
	uf := newUnionFind(g.N)
	margin := math.Inf(1)
	for i := 0; i < g.N; i++ {
		for j := i + 1; j < g.N; j++ {
			r := rho.At(i, j) / min(rho.At(i, i), rho.At(j, j))
			margin = min(margin, math.Abs(r-1))
			if r >= 1 {
				uf.union(int32(i), int32(j))
			}
		}
	}
	lab, _ := uf.labels()
	return lab, margin
}

// TestRenormalizeEqualsDefinition checks the dense Renormalize against the
// literal metagraph rule on ρ from the Padé exponential, on graphs and
// scales where no pair sits within 1e-9 of the threshold.
func TestRenormalizeEqualsDefinition(t *testing.T) {
	cases := []struct {
		name string
		g    *graph.Graph
	}{
		{"hrg", hrgGraph(t, 250, 8)},
		{"weighted-hrg", weightedHRG(t, 200)},
	}
	pg, _, _ := planted(t, 2, 3, 10, 0.7, 3, 2, 5)
	cases = append(cases, struct {
		name string
		g    *graph.Graph
	}{"planted", pg})
	checked := 0
	for _, c := range cases {
		for _, tau := range []float64{0.05, 0.3, 1, 3, 10} {
			want, margin := bruteBlocks(c.g, tau)
			if margin < 1e-9 {
				t.Logf("%s τ = %g: a pair sits %.1g from the threshold; skipped", c.name, tau, margin)
				continue
			}
			lv, info, err := Renormalize(c.g, Options{Tau: tau, Method: MethodDense})
			if err != nil {
				if strings.Contains(err.Error(), "one block") && maxLabel(want) == 0 {
					continue
				}
				t.Fatalf("%s τ = %g: %v", c.name, tau, err)
			}
			checked++
			for i := range want {
				if lv.Assign[i] != want[i] {
					t.Fatalf("%s τ = %g: node %d in block %d, the definition puts it in %d", c.name, tau, i, lv.Assign[i], want[i])
				}
			}
			t.Logf("%s τ = %g: %d nodes → %d blocks, equal to the definition (closest pair %.1g from threshold)", c.name, tau, c.g.N, info.Blocks, margin)
		}
	}
	if checked < 8 {
		t.Errorf("only %d cases checked", checked)
	}
}

func maxLabel(a []int32) int32 {
	m := int32(0)
	for _, x := range a {
		m = max(m, x)
	}
	return m
}
