package laplacian

import (
	"math/rand/v2"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
)

// hrgGraph returns the largest component of a hyperbolic random graph with
// α = 0.75 and mean degree ≈ 3 drawn on n nodes.
func hrgGraph(t testing.TB, n int, seed uint64) *graph.Graph {
	t.Helper()
	v := 3 / hrg.ExpectedAvgDegree(1, 0.75, hrg.FormulaStandard)
	g, err := hrg.Generate(hrg.Params{N: n, AvgDegree: v, Alpha: 0.75, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	lcc, _ := g.LargestComponent()
	return lcc
}

// planted is a two-scale hierarchical block graph: big groups of small
// groups of s nodes. Inside a small group each pair is linked with
// probability pin; each pair of small groups in the same big group is joined
// by mid random edges; each pair of big groups by top random edges. It
// returns the graph and the small and big group of every node.
func planted(t testing.TB, big, small, s int, pin float64, mid, top int, seed uint64) (*graph.Graph, []int32, []int32) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	n := big * small * s
	var src, dst []int32
	sg := make([]int32, n)
	bg := make([]int32, n)
	for i := 0; i < n; i++ {
		sg[i] = int32(i / s)
		bg[i] = int32(i / (s * small))
	}
	for g := 0; g < big*small; g++ {
		for a := 0; a < s; a++ {
			for b := a + 1; b < s; b++ {
				if rng.Float64() < pin {
					src, dst = append(src, int32(g*s+a)), append(dst, int32(g*s+b))
				}
			}
		}
	}
	link := func(g1, g2, size, count int) {
		for k := 0; k < count; k++ {
			src = append(src, int32(g1*size+rng.IntN(size)))
			dst = append(dst, int32(g2*size+rng.IntN(size)))
		}
	}
	for b := 0; b < big; b++ {
		for x := 0; x < small; x++ {
			for y := x + 1; y < small; y++ {
				link(b*small+x, b*small+y, s, mid)
			}
		}
	}
	for x := 0; x < big; x++ {
		for y := x + 1; y < big; y++ {
			link(x, y, s*small, top)
		}
	}
	g, err := graph.New(n, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	return g, sg, bg
}
