package graph

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestAdjacencyMatchesDense builds a random multigraph edge list and checks
// the CSR against a dense matrix filled directly from the list.
func TestAdjacencyMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 60
	var src, dst []int32
	for i := 0; i < 300; i++ {
		src = append(src, int32(rng.IntN(n)))
		dst = append(dst, int32(rng.IntN(n)))
	}
	g, err := New(n, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	dense := make([][]float64, n)
	for i := range dense {
		dense[i] = make([]float64, n)
	}
	for i := range src {
		if src[i] != dst[i] {
			dense[src[i]][dst[i]], dense[dst[i]][src[i]] = 1, 1
		}
	}
	m := g.Adjacency()
	got := 0
	for r := 0; r < n; r++ {
		for k := m.Ptr[r]; k < m.Ptr[r+1]; k++ {
			if k > m.Ptr[r] && m.Col[k] <= m.Col[k-1] {
				t.Fatalf("row %d not sorted", r)
			}
			if dense[r][m.Col[k]] != m.Val[k] {
				t.Fatalf("entry (%d,%d) = %v", r, m.Col[k], m.Val[k])
			}
			got++
		}
	}
	want := 0
	for r := range dense {
		for c := range dense[r] {
			if dense[r][c] != 0 {
				want++
			}
		}
	}
	if got != want || got != 2*g.NumEdges() {
		t.Errorf("%d entries, dense has %d, edges %d", got, want, g.NumEdges())
	}
}

func TestWeightsAndErrors(t *testing.T) {
	g, err := NewWeighted(4, []int32{1, 0, 2}, []int32{0, 1, 3}, []float64{2, 2, 5})
	if err != nil {
		t.Fatal(err)
	}
	if g.NumEdges() != 2 || g.W[0] != 2 || g.W[1] != 5 {
		t.Errorf("got %+v", g)
	}
	if _, err := NewWeighted(4, []int32{1, 0}, []int32{0, 1}, []float64{2, 3}); err == nil || !strings.Contains(err.Error(), "weights 2 and 3") {
		t.Errorf("conflicting weights: %v", err)
	}
	if _, err := New(3, []int32{0}, []int32{3}); err == nil || !strings.Contains(err.Error(), "outside [0, 3)") {
		t.Errorf("out of range: %v", err)
	}
}

func TestLargestComponent(t *testing.T) {
	// Components {0,2,4} and {1,3}; node 5 isolated.
	g, _ := NewWeighted(6, []int32{0, 2, 1}, []int32{2, 4, 3}, []float64{1, 7, 1})
	g.R = []float64{0, 1, 2, 3, 4, 5}
	g.Phi = g.R
	lcc, old := g.LargestComponent()
	if lcc.N != 3 || old[0] != 0 || old[1] != 2 || old[2] != 4 {
		t.Fatalf("got %v", old)
	}
	if lcc.NumEdges() != 2 || lcc.Src[1] != 1 || lcc.Dst[1] != 2 || lcc.W[1] != 7 || lcc.R[2] != 4 {
		t.Errorf("got %+v", lcc)
	}
}
