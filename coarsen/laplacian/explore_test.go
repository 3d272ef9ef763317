package laplacian

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
)

func hrgGraph(t testing.TB, n int, seed uint64) *graph.Graph {
	v := 3 / hrg.ExpectedAvgDegree(1, 0.75, "standard")
	g, err := hrg.Generate(hrg.Params{N: n, AvgDegree: v, Alpha: 0.75, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	lcc, _ := g.LargestComponent()
	return lcc
}

func TestExplore(t *testing.T) {
	g := hrgGraph(t, 1500, 1)
	deg := g.Degrees()
	t.Logf("n=%d e=%d maxdeg=%d", g.N, g.NumEdges(), slices.Max(deg))
	s, err := NewSpectrum(g)
	if err != nil {
		t.Fatal(err)
	}
	m := s.Measure()
	lo, hi, _ := m.Range()
	t.Logf("range %g %g lam1 %g lammax %g", lo, hi, s.Values[1], s.Values[len(s.Values)-1])
	for _, p := range m.Peaks(lo, hi, 20) {
		t.Logf("peak %+v", p)
	}
	for tau := lo; tau < hi; tau *= 2 {
		a, nc := denseBlocks(s, tau)
		_ = a
		S := m.Entropy([]float64{tau})[0]
		C := m.SpecificHeat([]float64{tau})[0]
		fmt.Printf("tau %10.4g S %.4f C %.4f blocks %d\n", tau, S, C, nc)
	}
	_ = rand.N[int]
}
