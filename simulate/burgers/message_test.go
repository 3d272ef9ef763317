package burgers

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
)

// bruteMessagePass is the reference loop written from the spec on its own
// terms: neighbour lists from the edge list, w = indeg/N, w_sr = w_s/Σ w_s,
// an explicit mean over the senders, a separate message array (Jacobi), all
// in float64.
func bruteMessagePass(g *graph.Graph, x []float64, steps, iterations int, red float64) {
	n := g.N
	nb := make([][]int, n)
	for i := range g.Src {
		a, b := int(g.Src[i]), int(g.Dst[i])
		nb[a] = append(nb[a], b)
		nb[b] = append(nb[b], a)
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = float64(len(nb[i])) / float64(n)
	}
	msg := make([]float64, n*steps)
	for range iterations {
		for r := range n {
			if len(nb[r]) == 0 {
				continue
			}
			norm := 0.0
			for _, s := range nb[r] {
				norm += w[s]
			}
			for t := 0; t < steps-1; t++ {
				mean := 0.0
				for _, s := range nb[r] {
					v := x[s*steps+t] * w[s] / norm
					mean += v * v
				}
				mean /= float64(len(nb[r]))
				msg[r*steps+t] = math.Sqrt(mean) / red
			}
		}
		for r := range n {
			if len(nb[r]) == 0 {
				continue
			}
			for t := 0; t < steps-1; t++ {
				x[r*steps+t+1] += msg[r*steps+t]
			}
		}
	}
}

// On the path 0–1–2 (degrees 1, 2, 1) the end nodes hear only node 1 with
// weight 1, and node 1 hears both ends with weight ½ each:
// msg_0 = msg_2 = |x_1|/4 and msg_1 = sqrt(((x_0/2)² + (x_2/2)²)/2)/4.
func TestMessagePassPathHand(t *testing.T) {
	g, _ := graph.New(3, []int32{0, 1}, []int32{1, 2})
	xb := []float32{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}
	if err := MessagePass(g.Adjacency(), xb, 3, 1, 4, 0); err != nil {
		t.Fatal(err)
	}
	want := []float64{
		1, 2 + 4.0/4, 3 + 5.0/4,
		4, 5 + math.Sqrt((1+49)/8.0)/4, 6 + math.Sqrt((4+64)/8.0)/4,
		7, 8 + 4.0/4, 9 + 5.0/4,
	}
	for i := range want {
		if math.Abs(float64(xb[i])-want[i]) > 1e-6 {
			t.Errorf("xb[%d] = %.8g, want %.8g", i, xb[i], want[i])
		}
	}
}

func randomGraph(n, edges int, rng *rand.Rand) *graph.Graph {
	src := make([]int32, edges)
	dst := make([]int32, edges)
	for i := range src {
		src[i] = int32(rng.IntN(n))
		dst[i] = int32(rng.IntN(n))
	}
	g, err := graph.New(n, src, dst)
	if err != nil {
		panic(err)
	}
	return g
}

func TestMessagePassBrute(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, tc := range []struct {
		name                     string
		g                        *graph.Graph
		steps, iterations, block int
	}{
		{"path", mustGraph(3, []int32{0, 1}, []int32{1, 2}), 5, 6, 0},
		{"random", randomGraph(300, 400, rng), 300, 6, 0},
		// 300 steps in blocks of 256: one full time block and a partial one.
		{"random two blocks", randomGraph(300, 400, rng), 300, 6, 256},
		// 77 steps in blocks of 32: two full blocks and a partial one.
		{"random small blocks", randomGraph(300, 400, rng), 77, 6, 32},
		{"block of one", randomGraph(40, 60, rng), 9, 2, 1},
		{"random one block", randomGraph(50, 80, rng), 20, 3, 0},
		{"one step", randomGraph(10, 20, rng), 1, 6, 0},
		{"two steps", randomGraph(10, 20, rng), 2, 6, 0},
	} {
		x := make([]float64, tc.g.N*tc.steps)
		xb := make([]float32, len(x))
		for i := range x {
			xb[i] = float32(rng.NormFloat64())
			x[i] = float64(xb[i])
		}
		if err := MessagePass(tc.g.Adjacency(), xb, tc.steps, tc.iterations, 4, tc.block); err != nil {
			t.Fatal(err)
		}
		bruteMessagePass(tc.g, x, tc.steps, tc.iterations, 4)
		for i := range x {
			// float32 storage between sweeps: a few ulps of the running value.
			if math.Abs(float64(xb[i])-x[i]) > 1e-6*(1+math.Abs(x[i])) {
				t.Fatalf("%s: xb[%d] = %.9g, brute force %.9g", tc.name, i, xb[i], x[i])
			}
		}
	}
}

// The time block changes only the schedule: results are bit-identical.
func TestMessagePassBlockInvariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	g := randomGraph(500, 800, rng)
	const steps = 130
	x := make([]float32, g.N*steps)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	var first []float32
	for _, block := range []int{0, 129, 64, 7, 1} {
		xb := append([]float32(nil), x...)
		if err := MessagePass(g.Adjacency(), xb, steps, 6, 4, block); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = xb
			continue
		}
		for i := range xb {
			if math.Float32bits(xb[i]) != math.Float32bits(first[i]) {
				t.Fatalf("block %d: xb[%d] = %g, whole rows %g", block, i, xb[i], first[i])
			}
		}
	}
}

func mustGraph(n int, src, dst []int32) *graph.Graph {
	g, err := graph.New(n, src, dst)
	if err != nil {
		panic(err)
	}
	return g
}

// Node 3 has no neighbours: its row must come back untouched (the
// reference's mean over no senders would be NaN).
func TestMessagePassIsolated(t *testing.T) {
	g := mustGraph(4, []int32{0, 1}, []int32{1, 2})
	const steps = 40
	xb := make([]float32, 4*steps)
	for i := range xb {
		xb[i] = float32(i%7) - 3
	}
	orig := append([]float32(nil), xb...)
	if err := MessagePass(g.Adjacency(), xb, steps, 6, 4, 0); err != nil {
		t.Fatal(err)
	}
	for i, v := range xb {
		if v != v {
			t.Fatalf("xb[%d] is NaN", i)
		}
	}
	for k := 3 * steps; k < 4*steps; k++ {
		if xb[k] != orig[k] {
			t.Fatalf("isolated node changed at step %d: %g → %g", k-3*steps, orig[k], xb[k])
		}
	}
	if xb[steps+1] == orig[steps+1] {
		t.Error("connected node received no message")
	}
}

func TestMessagePassErrors(t *testing.T) {
	adj := mustGraph(2, []int32{0}, []int32{1}).Adjacency()
	if MessagePass(adj, make([]float32, 5), 3, 1, 4, 0) == nil {
		t.Error("wrong length accepted")
	}
	if MessagePass(adj, make([]float32, 6), 3, 1, 0, 0) == nil {
		t.Error("red = 0 accepted")
	}
	if MessagePass(adj, make([]float32, 6), 3, -1, 4, 0) == nil {
		t.Error("negative iterations accepted")
	}
}

func TestNormalize(t *testing.T) {
	xb := []float32{
		1, -2, 3, // cumsum 1, -1, 2
		0.5, 0.5, 3, // cumsum 0.5, 1, 4
	}
	m, err := Normalize(xb, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0.25, -0.25, 0.5, 0.125, 0.25, 1}
	if m != 4 {
		t.Errorf("max %g, want 4", m)
	}
	for i := range want {
		if xb[i] != want[i] {
			t.Errorf("out[%d] = %g, want %g", i, xb[i], want[i])
		}
	}
	for _, bad := range [][]float32{{0, 0, 0}, {-1, -1, 1}, {float32(math.NaN()), 1, 1}, {float32(math.Inf(1)), 0, 0}} {
		orig := append([]float32(nil), bad...)
		if _, err := Normalize(bad, 3); err == nil {
			t.Errorf("%v: normalised", orig)
		}
		for i := range bad {
			if math.Float32bits(bad[i]) != math.Float32bits(orig[i]) {
				t.Errorf("%v changed on error", orig)
			}
		}
	}
}
