package sampler

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
)

func TestOptionsCheck(t *testing.T) {
	if err := DefaultOptions().Check(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if got := DefaultOptions().initialRoots(); got != 52 {
		t.Errorf("default roots = %d, want 512/16+20 = 52", got)
	}
	cases := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"batch", func(o *Options) { o.BatchSize = 0 }, "BatchSize is 0"},
		{"walk", func(o *Options) { o.WalkLen = 0 }, "WalkLen is 0"},
		{"roots", func(o *Options) { o.Roots = -1 }, "Roots is -1"},
		{"freq", func(o *Options) { o.BatchFreq = 0 }, "BatchFreq is 0"},
		{"kappa", func(o *Options) { o.Kappa = 0 }, "Kappa is 0"},
		{"tau", func(o *Options) { o.Tau = 0 }, "Tau is 0"},
		{"eta", func(o *Options) { o.EtaVar = -1 }, "EtaVar is -1"},
		{"etaNaN", func(o *Options) { o.EtaVar = math.NaN() }, "EtaVar is NaN"},
		{"times", func(o *Options) { o.TestTimes = 0 }, "TestTimes is 0"},
		{"draws", func(o *Options) { o.MaxDraws = 0 }, "MaxDraws is 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := DefaultOptions()
			c.edit(&o)
			err := o.Check()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Check() = %v, want an error containing %q", err, c.want)
			}
		})
	}
	// Every problem is listed at once.
	o := DefaultOptions()
	o.Kappa, o.Tau = 0, 0
	if err := o.Check(); err == nil || !strings.Contains(err.Error(), "Kappa") || !strings.Contains(err.Error(), "Tau") {
		t.Errorf("Check() = %v, want both Kappa and Tau named", err)
	}
}

func TestNewBadInput(t *testing.T) {
	o := smallOptions() // κ = 6, τ = 2, BatchSize 64
	g := ringLattice(t, 300, 2)
	const T = 20
	good := series(300, T, 0)
	withNaN := slices.Clone(good)
	withNaN[7*T+3] = float32(math.NaN())
	withInf := slices.Clone(good)
	withInf[5*T+11] = float32(math.Inf(-1))
	loop := &graph.Graph{N: 300, Src: []int32{3}, Dst: []int32{3}}
	cases := []struct {
		name string
		g    *graph.Graph
		x    []float32
		T    int
		want string
	}{
		{"nil graph", nil, good, T, "graph is nil"},
		{"short series", g, series(300, 8, 0), 8, "series has 8 samples, needs at least κ+τ+1 = 9"},
		{"length", g, good[:len(good)-1], T, "series has 5999 values, want N·T = 300·20 = 6000"},
		{"NaN", g, withNaN, T, "node 7, time 3 is NaN"},
		{"Inf", g, withInf, T, "node 5, time 11 is -Inf"},
		{"tiny graph", ringLattice(t, 100, 2), series(100, T, 0), T, "graph has 100 nodes, needs at least 2·BatchSize = 128"},
		{"raw graph", loop, good, T, "want 0 ≤ Src < Dst"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.g, c.x, c.T, o, 1)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("New() = %v, want an error containing %q", err, c.want)
			}
		})
	}
	if _, err := New(g, series(300, 9, 0), 9, o, 1); err != nil {
		t.Errorf("T = κ+τ+1 = 9 should be enough: %v", err)
	}
	s := mustNew(t, g, good, T, o, 1)
	if _, err := s.Train(-1, 1); err == nil || !strings.Contains(err.Error(), "step is -1") {
		t.Errorf("Train(-1) = %v, want a step error", err)
	}
	if _, err := s.Train(0, 0); err == nil || !strings.Contains(err.Error(), "0 columns") {
		t.Errorf("Train(0, 0) = %v, want a columns error", err)
	}
}

// graphCase is a test graph with the options to sample it with.
type graphCase struct {
	name string
	g    *graph.Graph
	opt  Options
}

func graphCases(t *testing.T) []graphCase {
	base := smallOptions()
	noLoops := base
	noLoops.SelfLoops = false
	freq1 := base
	freq1.BatchFreq = 1
	return []graphCase{
		{"ring", ringLattice(t, 600, 3), base},
		{"ring no loops", ringLattice(t, 600, 3), noLoops},
		{"random sparse", randomGraph(t, 800, 500, 3), freq1},
		{"random dense", randomGraph(t, 500, 3000, 4), base},
		{"pairs", pairs(t, 400), base},
		{"no edges", mustGraph(t, 200, nil, nil), noLoops},
	}
}

func TestExactSizeAndSplit(t *testing.T) {
	for _, c := range graphCases(t) {
		t.Run(c.name, func(t *testing.T) {
			s := mustNew(t, c.g, series(c.g.N, 12, 0), 12, c.opt, 5)
			test, train := s.TestNodes(), s.TrainNodes()
			checkNodes(t, "test", test, c.opt.BatchSize, c.g.N)
			if len(test)+len(train) != c.g.N || !slices.IsSorted(train) {
				t.Fatalf("%d test + %d training nodes, want a sorted partition of %d", len(test), len(train), c.g.N)
			}
			isTest := make([]bool, c.g.N)
			for _, v := range test {
				isTest[v] = true
			}
			for _, v := range train {
				if isTest[v] {
					t.Fatalf("node %d is both test and training", v)
				}
			}
			for step := range 60 {
				b := mustTrain(t, s, step, 1)
				checkNodes(t, "train", b.Nodes, c.opt.BatchSize, c.g.N)
				for _, v := range b.Nodes {
					if isTest[v] {
						t.Fatalf("step %d: test node %d in a training batch with LeakRoots off", step, v)
					}
				}
			}
			t.Logf("roots %d, test split truncated %v, %d of %d training draws truncated", s.Roots(), s.testTrunc, s.train.fallbacks, (60+c.opt.BatchFreq-1)/c.opt.BatchFreq)
		})
	}
}

// checkNodes fails unless nodes holds size distinct ascending ids in [0, n).
func checkNodes(t *testing.T, what string, nodes []int32, size, n int) {
	t.Helper()
	if len(nodes) != size {
		t.Fatalf("%s batch has %d nodes, want exactly %d", what, len(nodes), size)
	}
	for i, v := range nodes {
		if v < 0 || int(v) >= n || (i > 0 && v <= nodes[i-1]) {
			t.Fatalf("%s nodes not strictly ascending ids in [0, %d): %v", what, n, nodes)
		}
	}
}

func TestLeakRoots(t *testing.T) {
	o := smallOptions()
	o.LeakRoots = true
	g := ringLattice(t, 400, 2)
	s := mustNew(t, g, series(400, 12, 0), 12, o, 9)
	isTest := make([]bool, g.N)
	for _, v := range s.TestNodes() {
		isTest[v] = true
	}
	edges := edgeSet(g)
	leaked := 0
	for step := 0; step < 400; step += o.BatchFreq {
		b := mustTrain(t, s, step, 1)
		checkNodes(t, "train", b.Nodes, o.BatchSize, g.N)
		checkInduced(t, b, edges, isTest, o.SelfLoops)
		for i, v := range b.Nodes {
			if !isTest[v] {
				continue
			}
			leaked++
			for e := range b.Src {
				if b.Src[e] == int32(i) || b.Dst[e] == int32(i) {
					t.Fatalf("step %d: leaked test node %d has edge %d→%d", step, v, b.Src[e], b.Dst[e])
				}
			}
		}
	}
	// With 1/3 of the nodes in the test set and ~28 roots a draw, nearly every
	// batch holds some; zero would mean LeakRoots does nothing.
	if leaked == 0 {
		t.Fatal("no test node appeared in 200 training draws with LeakRoots")
	}
	t.Logf("%d leaked test nodes in 200 draws", leaked)
}

// checkInduced compares the batch's edges with a brute-force induced
// subgraph: every graph edge between batch nodes in both directions (edges
// touching a test node dropped when isTest is set), plus self loops, in
// (Dst, Src) order.
func checkInduced(t *testing.T, b *Batch, edges map[[2]int32]bool, isTest []bool, loops bool) {
	t.Helper()
	var want [][2]int32 // (dst, src)
	for j, gj := range b.Nodes {
		for i, gi := range b.Nodes {
			dropped := isTest != nil && (isTest[gi] || isTest[gj])
			switch {
			case dropped:
			case i == j && loops:
				want = append(want, [2]int32{int32(j), int32(i)})
			case edges[[2]int32{min(gi, gj), max(gi, gj)}]:
				want = append(want, [2]int32{int32(j), int32(i)})
			}
		}
	}
	if len(b.Src) != len(want) || len(b.Dst) != len(want) {
		t.Fatalf("batch has %d/%d edge ends, want %d edges", len(b.Src), len(b.Dst), len(want))
	}
	for e, w := range want {
		if b.Dst[e] != w[0] || b.Src[e] != w[1] {
			t.Fatalf("edge %d is %d→%d, want %d→%d", e, b.Src[e], b.Dst[e], w[1], w[0])
		}
	}
}

func TestInducedEdges(t *testing.T) {
	for _, c := range graphCases(t) {
		t.Run(c.name, func(t *testing.T) {
			s := mustNew(t, c.g, series(c.g.N, 12, 0), 12, c.opt, 11)
			edges := edgeSet(c.g)
			checkInduced(t, s.Test(), edges, nil, c.opt.SelfLoops)
			for step := 0; step < 20; step += c.opt.BatchFreq {
				checkInduced(t, mustTrain(t, s, step, 1), edges, s.isTest, c.opt.SelfLoops)
			}
		})
	}
}

func TestWindowTargetValues(t *testing.T) {
	const n, T = 300, 40
	o := smallOptions() // κ = 6, τ = 2
	o.Kappa, o.Tau = 5, 3
	x := series(n, T, 0)
	s := mustNew(t, ringLattice(t, n, 2), x, T, o, 2)
	lo, hi := s.TimeRange()
	if lo != 4 || hi != 36 {
		t.Fatalf("time range [%d, %d], want [κ−1, T−τ−1] = [4, 36]", lo, hi)
	}
	seen := map[int]bool{}
	for step := range 200 {
		b := mustTrain(t, s, step, 4)
		checkValues(t, b, x, T)
		for c, tt := range b.Times {
			if tt < lo || tt > hi || b.TimeCoords[c] != float64(tt) {
				t.Fatalf("step %d column %d: time %d, coordinate %g, want an integer in [%d, %d]", step, c, tt, b.TimeCoords[c], lo, hi)
			}
			seen[tt] = true
		}
	}
	// 800 uniform draws over 33 times miss one with probability ≈ 33·e^−24.
	if len(seen) != hi-lo+1 {
		t.Errorf("%d distinct times drawn, want all %d of [%d, %d]", len(seen), hi-lo+1, lo, hi)
	}

	b := s.Test()
	checkValues(t, b, x, T)
	if !slices.Equal(b.Nodes, s.TestNodes()) {
		t.Error("test batch nodes differ from TestNodes()")
	}
	step := 32.0 / 19
	for k := range 20 {
		want := 4 + float64(k)*step
		if k == 19 {
			want = 36
		}
		if math.Abs(b.TimeCoords[k]-want) > 1e-12 || b.Times[k] != int(math.Floor(b.TimeCoords[k])) {
			t.Errorf("test column %d: time %d, coordinate %g, want floor(%g) and %g", k, b.Times[k], b.TimeCoords[k], want, want)
		}
	}
	if b.TimeCoords[1] == math.Floor(b.TimeCoords[1]) {
		t.Errorf("test coordinate 1 is %g, want the unfloored linspace value", b.TimeCoords[1])
	}
}

// checkValues checks every window, target and last value against x, which
// must be noise-free here.
func checkValues(t *testing.T, b *Batch, x []float32, T int) {
	t.Helper()
	n := len(b.Nodes)
	if len(b.Window) != b.Cols()*n*b.Kappa || len(b.Target) != b.Cols()*n*b.Tau || len(b.Last) != b.Cols()*n {
		t.Fatalf("array lengths %d, %d, %d for %d columns of %d nodes", len(b.Window), len(b.Target), len(b.Last), b.Cols(), n)
	}
	for c, tt := range b.Times {
		for i, g := range b.Nodes {
			at := func(time int) float32 { return x[int(g)*T+time] }
			for k, v := range b.WindowAt(c, i) {
				if want := at(tt - b.Kappa + 1 + k); v != want {
					t.Fatalf("window[c%d, node %d, k%d] = %g, want %g", c, g, k, v, want)
				}
			}
			for h, v := range b.TargetAt(c, i) {
				if want := at(tt + 1 + h); v != want {
					t.Fatalf("target[c%d, node %d, h%d] = %g, want %g", c, g, h, v, want)
				}
			}
			if v, want := b.Last[c*n+i], at(tt); v != want {
				t.Fatalf("last[c%d, node %d] = %g, want %g", c, g, v, want)
			}
		}
	}
}

func TestNoise(t *testing.T) {
	const n, T, eta = 300, 30, 0.01
	o := smallOptions()
	o.EtaVar = eta
	x := series(n, T, 1) // positive, so log-ratios exist
	s := mustNew(t, ringLattice(t, n, 2), x, T, o, 4)
	var win, tgt, cross moments
	for step := range 40 {
		b := mustTrain(t, s, step, 2)
		nn := len(b.Nodes)
		for c, tt := range b.Times {
			for i, g := range b.Nodes {
				row := x[int(g)*T:]
				w, y := b.WindowAt(c, i), b.TargetAt(c, i)
				for k, v := range w {
					win.add(math.Log(float64(v) / float64(row[tt-b.Kappa+1+k])))
				}
				for h, v := range y {
					tgt.add(math.Log(float64(v) / float64(row[tt+1+h])))
				}
				// Product of the first window and target log-noises: mean 0
				// when they are independent (the reference's Q11 would
				// correlate them).
				cross.add(math.Log(float64(w[0])/float64(row[tt-b.Kappa+1])) * math.Log(float64(y[0])/float64(row[tt+1])))
				if b.Last[c*nn+i] != row[tt] {
					t.Fatalf("Last is noised: %g, want %g", b.Last[c*nn+i], row[tt])
				}
			}
		}
	}
	for _, m := range []struct {
		name string
		m    moments
	}{{"window", win}, {"target", tgt}} {
		mean, v, cnt := m.m.mean(), m.m.variance(), float64(m.m.n)
		// 5 standard errors: sd(mean) = √(η/n), sd(var) ≈ η·√(2/n).
		if tol := 5 * math.Sqrt(eta/cnt); math.Abs(mean) > tol {
			t.Errorf("%s log-noise mean %g over %g samples, want |mean| ≤ %g", m.name, mean, cnt, tol)
		}
		if tol := 5 * eta * math.Sqrt(2/cnt); math.Abs(v-eta) > tol {
			t.Errorf("%s log-noise variance %g over %g samples, want %g ± %g", m.name, v, cnt, eta, tol)
		}
	}
	if c, tol := cross.mean(), 5*eta/math.Sqrt(float64(cross.n)); math.Abs(c) > tol {
		t.Errorf("window/target noise covariance %g, want |cov| ≤ %g (independent)", c, tol)
	}
	checkValues(t, s.Test(), x, T) // test batches are noise-free
}

// moments accumulates a sample mean and variance (Welford).
type moments struct {
	n       int
	mu, m2_ float64
}

func (m *moments) add(v float64) {
	m.n++
	d := v - m.mu
	m.mu += d / float64(m.n)
	m.m2_ += d * (v - m.mu)
}
func (m *moments) mean() float64     { return m.mu }
func (m *moments) variance() float64 { return m.m2_ / float64(m.n-1) }

func TestDeterminism(t *testing.T) {
	g := randomGraph(t, 700, 2000, 8)
	x := series(g.N, 20, 1)
	o := smallOptions()
	o.EtaVar = 4e-4
	a, b := mustNew(t, g, x, 20, o, 42), mustNew(t, g, x, 20, o, 42)
	c := mustNew(t, g, x, 20, o, 43)
	if !slices.Equal(a.TestNodes(), b.TestNodes()) {
		t.Fatal("same seed, different test split")
	}
	if slices.Equal(a.TestNodes(), c.TestNodes()) {
		t.Fatal("different seeds, same test split")
	}
	if d := sameBatch(a.Test(), b.Test()); d != "" {
		t.Fatalf("same seed, test batches differ in %s", d)
	}
	differ := 0
	for step := range 12 {
		ba := cloneBatch(mustTrain(t, a, step, 2))
		if d := sameBatch(ba, mustTrain(t, b, step, 2)); d != "" {
			t.Fatalf("step %d: same seed, batches differ in %s", step, d)
		}
		if sameBatch(ba, mustTrain(t, c, step, 2)) != "" {
			differ++
		}
	}
	if differ != 12 {
		t.Errorf("different seeds gave %d of 12 differing batches, want 12", differ)
	}
}

func TestResume(t *testing.T) {
	cases := []struct {
		freq, stop int
		leak       bool
	}{
		{1, 7, false}, {2, 7, false}, {2, 6, false}, {3, 7, false}, {3, 8, false}, {2, 7, true},
	}
	g := randomGraph(t, 600, 1500, 2)
	x := series(g.N, 20, 1)
	for _, c := range cases {
		o := smallOptions()
		o.BatchFreq, o.LeakRoots, o.EtaVar = c.freq, c.leak, 4e-4
		o.MaxDraws = 3 // misses happen, so the root count changes and must be restored
		full := mustNew(t, g, x, 20, o, 7)
		var want []*Batch
		var roots []int
		for step := range 16 {
			want = append(want, cloneBatch(mustTrain(t, full, step, 2)))
			roots = append(roots, full.Roots())
		}
		if slices.Min(roots) == slices.Max(roots) {
			t.Fatalf("freq %d: the root count never moved; the test does not check its restore", c.freq)
		}
		first := mustNew(t, g, x, 20, o, 7)
		for step := range c.stop {
			mustTrain(t, first, step, 2)
		}
		blob := first.State()
		resumed := mustNew(t, g, x, 20, o, 7)
		if err := resumed.Restore(blob); err != nil {
			t.Fatalf("freq %d stop %d: %v", c.freq, c.stop, err)
		}
		for step := c.stop; step < 16; step++ {
			if d := sameBatch(want[step], mustTrain(t, resumed, step, 2)); d != "" {
				t.Fatalf("freq %d stop %d leak %v: step %d differs in %s", c.freq, c.stop, c.leak, step, d)
			}
			if resumed.Roots() != roots[step] {
				t.Fatalf("freq %d stop %d: step %d root count %d, want %d", c.freq, c.stop, step, resumed.Roots(), roots[step])
			}
		}
	}
}

func TestRestoreCorrupt(t *testing.T) {
	g := ringLattice(t, 400, 2)
	x := series(g.N, 12, 0)
	o := smallOptions()
	s := mustNew(t, g, x, 12, o, 3)
	mustTrain(t, s, 0, 1)
	good := s.State()
	fresh := mustNew(t, g, x, 12, o, 3)
	if err := fresh.Restore(mustNew(t, g, x, 12, o, 3).State()); err != nil {
		t.Fatalf("state without a subgraph: %v", err)
	}
	edit := func(f func(b []byte) []byte) []byte { return f(slices.Clone(good)) }
	put32 := func(b []byte, off int, v uint32) []byte {
		b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		return b
	}
	testNode := uint32(s.TestNodes()[0])
	cases := []struct {
		name string
		blob []byte
		want string
	}{
		{"empty", nil, "shorter than the 46-byte header"},
		{"truncated", good[:len(good)-3], "bytes, want"},
		{"extra", append(slices.Clone(good), 0), "bytes, want"},
		{"magic", edit(func(b []byte) []byte { b[0] = 'X'; return b }), "magic"},
		{"version", edit(func(b []byte) []byte { b[4] = 9; return b }), "version 9, want 1"},
		{"batch size", edit(func(b []byte) []byte { return put32(b, 13, 32) }), "BatchSize 32"},
		{"split", edit(func(b []byte) []byte { b[17] ^= 1; return b }), "different test split"},
		{"roots", edit(func(b []byte) []byte { clear(b[25:33]); return b }), "root count 0"},
		{"flag", edit(func(b []byte) []byte { b[33] = 2; return b }), "subgraph flag 2"},
		{"range", edit(func(b []byte) []byte { return put32(b, stateHeader+8, 400) }), "outside [0, 400)"},
		{"order", edit(func(b []byte) []byte { return put32(b, stateHeader, 399) }), "not strictly ascending"},
		{"test node", edit(func(b []byte) []byte { return put32(b, stateHeader+4, testNode) }), "is test node"},
		{"other seed", mustNew(t, g, x, 12, o, 4).State(), "different test split"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := s.State()
			err := s.Restore(c.blob)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Restore() = %v, want an error containing %q", err, c.want)
			}
			if !slices.Equal(before, s.State()) {
				t.Error("a failed Restore changed the state")
			}
		})
	}
}

// TestFallback forces the truncated draw and checks it is exact and
// deterministic, and that on a graph with walkable components it is rare.
func TestFallback(t *testing.T) {
	o := smallOptions()
	o.MaxDraws = 1
	g := pairs(t, 300)
	x := series(g.N, 12, 0)
	a, b := mustNew(t, g, x, 12, o, 5), mustNew(t, g, x, 12, o, 5)
	for step := 0; step < 40; step += 2 {
		ba := mustTrain(t, a, step, 1)
		checkNodes(t, "train", ba.Nodes, o.BatchSize, g.N)
		if !slices.Equal(ba.Nodes, mustTrain(t, b, step, 1).Nodes) {
			t.Fatalf("step %d: fallback draws differ for one seed", step)
		}
	}
	if a.train.fallbacks == 0 {
		t.Error("MaxDraws 1 never used the fallback; the test does not test it")
	}

	o = DefaultOptions()
	g = ringLattice(t, 3000, 4)
	s := mustNew(t, g, series(g.N, 70, 0), 70, o, 1)
	for step := 0; step < 200; step += 2 {
		mustTrain(t, s, step, 1)
	}
	// Reference sizes: exact hits are common enough that 10 rounds of 100
	// draws rarely all miss.
	if s.train.fallbacks > 5 {
		t.Errorf("%d of 100 reference-size draws needed the fallback", s.train.fallbacks)
	}
	t.Logf("reference sizes: roots %d, %d fallbacks in 100 draws", s.Roots(), s.train.fallbacks)
}

func TestTrainAllocs(t *testing.T) {
	g := ringLattice(t, 600, 3)
	o := smallOptions()
	o.EtaVar = 4e-4
	s := mustNew(t, g, series(g.N, 20, 1), 20, o, 1)
	step := 0
	mustTrain(t, s, step, 2) // sizes the buffers
	allocs := testing.AllocsPerRun(50, func() {
		step++
		if _, err := s.Train(step, 2); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Train allocates %g times per step after warm-up, want 0", allocs)
	}
}

func TestLinspace(t *testing.T) {
	cases := []struct {
		start, stop float64
		n           int
		want        []float64
	}{
		{63, 936, 1, []float64{63}},
		{0, 1, 3, []float64{0, 0.5, 1}},
		{4, 36, 5, []float64{4, 12, 20, 28, 36}},
	}
	for _, c := range cases {
		got := make([]float64, c.n)
		linspace(got, c.start, c.stop)
		for k := range got {
			if math.Abs(got[k]-c.want[k]) > 1e-12 {
				t.Errorf("linspace(%g, %g, %d) = %v, want %v", c.start, c.stop, c.n, got, c.want)
				break
			}
		}
	}
}

// TestFreshStartMidPeriod checks a sampler first called at an odd step draws
// the subgraph of the period's first step, as an uninterrupted run did.
func TestFreshStartMidPeriod(t *testing.T) {
	g := ringLattice(t, 600, 3)
	x := series(g.N, 20, 1)
	o := smallOptions()
	a, b := mustNew(t, g, x, 20, o, 3), mustNew(t, g, x, 20, o, 3)
	mustTrain(t, a, 0, 1)
	want := cloneBatch(mustTrain(t, a, 1, 1))
	if d := sameBatch(want, mustTrain(t, b, 1, 1)); d != "" {
		t.Errorf("fresh sampler at step 1 differs in %s from step 1 after step 0", d)
	}
}
