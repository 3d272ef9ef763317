package hierarchy

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
)

// TestCoarsenMatchesBruteForce compares the coarse graph with a dense block
// matrix built directly from the fine edge list.
func TestCoarsenMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, nc = 200, 17
	var src, dst []int32
	var w []float64
	for i := 0; i < 800; i++ {
		a, b := int32(rng.IntN(n)), int32(rng.IntN(n))
		src, dst = append(src, a), append(dst, b)
		w = append(w, float64(1+rng.IntN(3)))
	}
	// Weights must agree for repeated edges; make them a function of the pair.
	for i := range w {
		lo, hi := min(src[i], dst[i]), max(src[i], dst[i])
		w[i] = float64(1 + (lo*7+hi)%3)
	}
	g, err := graph.NewWeighted(n, src, dst, w)
	if err != nil {
		t.Fatal(err)
	}
	assign := make([]int32, n)
	for i := range assign {
		assign[i] = int32(i % nc)
	}
	c, err := Coarsen(g, assign, nc)
	if err != nil {
		t.Fatal(err)
	}
	dense := make([][]float64, nc)
	for i := range dense {
		dense[i] = make([]float64, nc)
	}
	for i := range g.Src {
		a, b := assign[g.Src[i]], assign[g.Dst[i]]
		if a != b {
			dense[min(a, b)][max(a, b)] += g.Weight(i)
		}
	}
	count := 0
	for i := range c.Src {
		if c.Src[i] >= c.Dst[i] || (i > 0 && c.Src[i] == c.Src[i-1] && c.Dst[i] <= c.Dst[i-1]) {
			t.Fatalf("edge %d (%d,%d) not sorted with src < dst", i, c.Src[i], c.Dst[i])
		}
		if got, want := c.W[i], dense[c.Src[i]][c.Dst[i]]; got != want {
			t.Errorf("edge (%d,%d) weight %v, want %v", c.Src[i], c.Dst[i], got, want)
		}
		count++
	}
	nonzero := 0
	for _, row := range dense {
		for _, v := range row {
			if v != 0 {
				nonzero++
			}
		}
	}
	if count != nonzero {
		t.Errorf("%d coarse edges, brute force has %d", count, nonzero)
	}
}

func TestAggregateAndCompose(t *testing.T) {
	values := []float32{1, 2, 3, 4, 5, 6} // 3 nodes × 2 samples
	assign := []int32{1, 0, 1}
	mean, err := AggregateSeries(values, 2, assign, 2, Mean)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{3, 4, 3, 4}; !slices.Equal(mean, want) {
		t.Errorf("mean %v, want %v", mean, want)
	}
	sum, _ := AggregateSeries(values, 2, assign, 2, Sum)
	if want := []float32{3, 4, 6, 8}; !slices.Equal(sum, want) {
		t.Errorf("sum %v, want %v", sum, want)
	}
	if _, err := AggregateSeries(values, 2, assign, 2, "median"); err == nil {
		t.Error("unknown rule accepted")
	}
	levels := []Level{{Assign: []int32{0, 0, 1, 2}}, {Assign: []int32{1, 0, 1}}}
	if got := Compose(levels); !slices.Equal(got, []int32{1, 1, 0, 1}) {
		t.Errorf("compose %v", got)
	}
	if err := CheckAssign([]int32{0, 2}, 2, 3); err == nil || !strings.Contains(err.Error(), "supernode 1 has no members") {
		t.Errorf("empty supernode: %v", err)
	}
}
