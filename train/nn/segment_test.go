package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// testEdges is a 6-node graph: nodes 0–4 joined by edges in both directions
// plus self-loops, node 4 reached only by its self-loop, node 5 isolated (an
// empty segment, Q3), then three padding slots holding garbage (out-of-range
// ids included) that no op may read.
func testEdges(t testing.TB) *Edges {
	var src, dst []int32
	for _, p := range [][2]int32{{0, 1}, {1, 2}, {2, 3}, {3, 0}, {1, 3}, {4, 2}} {
		src = append(src, p[0], p[1])
		dst = append(dst, p[1], p[0])
	}
	src, dst = src[:len(src)-1], dst[:len(dst)-1] // keep 4 → 2, drop 2 → 4
	for i := int32(0); i < 5; i++ {
		src, dst = append(src, i), append(dst, i)
	}
	e := NewEdges(6, len(src)+3)
	if err := e.Set(src, dst); err != nil {
		t.Fatal(err)
	}
	setPadding(e, []int32{5, -1, 99}, []int32{5, 99, -7})
	return e
}

// setPadding writes src/dst into the padding slots after Count.
func setPadding(e *Edges, src, dst []int32) {
	copy(e.Src[e.Count:], src)
	copy(e.Dst[e.Count:], dst)
}

// bruteStat is the reference value of a segment statistic of m (E, d) by
// receiver, with 0 for empty segments.
func bruteStat(m []float64, e *Edges, d int, stat string) []float64 {
	out := make([]float64, e.N*d)
	for n := 0; n < e.N; n++ {
		for f := 0; f < d; f++ {
			var xs []float64
			for k := 0; k < e.Count; k++ {
				if int(e.Dst[k]) == n {
					xs = append(xs, m[k*d+f])
				}
			}
			out[n*d+f] = stat1(xs, stat)
		}
	}
	return out
}

// stat1 reduces one segment's values.
func stat1(xs []float64, stat string) float64 {
	if len(xs) == 0 {
		return 0
	}
	sum, mx := 0.0, math.Inf(-1)
	for _, x := range xs {
		sum += x
		mx = math.Max(mx, x)
	}
	mean := sum / float64(len(xs))
	v := 0.0
	for _, x := range xs {
		v += (x - mean) * (x - mean) / float64(len(xs))
	}
	return map[string]float64{"sum": sum, "mean": mean, "var": v, "max": mx}[stat]
}

// bruteGather is rows idx[e] of x, zero for padding.
func bruteGather(x []float64, e *Edges, s Side, d int) []float64 {
	out := make([]float64, e.Cap()*d)
	for k := 0; k < e.Count; k++ {
		copy(out[k*d:(k+1)*d], x[int(e.ids(s)[k])*d:])
	}
	return out
}

// evalAll runs b's graph once and returns copies of the nodes' values as
// float64 (G.Read copies, since later ops may reuse an output's register).
func evalAll(t testing.TB, b *Builder, nodes ...*G.Node) [][]float64 {
	t.Helper()
	vals := make([]G.Value, len(nodes))
	for i, n := range nodes {
		G.Read(n, &vals[i])
	}
	vm := G.NewTapeMachine(b.G)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	out := make([][]float64, len(nodes))
	for i, v := range vals {
		out[i] = toF64(v.Data())
	}
	return out
}

// toF64 converts a float32 or float64 slice.
func toF64(data any) []float64 {
	if f, ok := data.([]float64); ok {
		return append([]float64(nil), f...)
	}
	f32 := data.([]float32)
	f := make([]float64, len(f32))
	for i, v := range f32 {
		f[i] = float64(v)
	}
	return f
}

// closeTo fails when got and want differ by more than tol·max(1, |want|).
func closeTo(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.IsNaN(got[i]) || math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got[i], want[i])
		}
	}
}

func TestSegmentForward(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		b := NewBuilder(dt, 11)
		e := testEdges(t)
		const d = 5
		x := b.Weight("x", []int{e.N, d}, b.Normal(e.N*d, 1))
		m := b.Weight("m", []int{e.Cap(), d}, b.Normal(e.Cap()*d, 1))
		outs := []*G.Node{Gather(x, e, BySrc), Gather(x, e, ByDst),
			SegmentSum(m, e), SegmentMean(m, e), SegmentVar(m, e), SegmentMax(m, e)}
		got := evalAll(t, b, append(outs, x, m)...)
		xv, mv := got[6], got[7]
		tol := map[tensor.Dtype]float64{tensor.Float64: 1e-14, tensor.Float32: 1e-6}[dt]
		closeTo(t, dt.String()+" gather src", got[0], bruteGather(xv, e, BySrc, d), tol)
		closeTo(t, dt.String()+" gather dst", got[1], bruteGather(xv, e, ByDst, d), tol)
		for i, s := range []string{"sum", "mean", "var", "max"} {
			closeTo(t, dt.String()+" "+s, got[2+i], bruteStat(mv, e, d, s), tol)
		}
	}
}

// Empty segments give 0 for every statistic even when all messages are
// hugely negative (jraph's segment_max would give −inf there, Q3).
func TestSegmentEmptyIsZero(t *testing.T) {
	b := NewBuilder(tensor.Float32, 1)
	e := testEdges(t)
	m := b.Weight("m", []int{e.Cap(), 2}, Filled(e.Cap()*2, -3e38))
	got := evalAll(t, b, SegmentSum(m, e), SegmentMean(m, e), SegmentVar(m, e), SegmentMax(m, e))
	for i, v := range got {
		for j, x := range v {
			if math.IsNaN(x) || (j >= 10 && x != 0) { // row 5 = isolated node
				t.Errorf("stat %d [%d] = %g", i, j, x)
			}
		}
	}
}

func TestSegmentGradients(t *testing.T) {
	cases := []struct {
		name  string
		build func(b *Builder, e *Edges) *G.Node
	}{
		{"gather-src", func(b *Builder, e *Edges) *G.Node { return Gather(input(b, "x", 6, 3, 1), e, BySrc) }},
		{"gather-dst", func(b *Builder, e *Edges) *G.Node { return Gather(input(b, "x", 6, 3, 1), e, ByDst) }},
		{"sum", func(b *Builder, e *Edges) *G.Node { return SegmentSum(input(b, "m", e.Cap(), 3, 1), e) }},
		{"mean", func(b *Builder, e *Edges) *G.Node { return SegmentMean(input(b, "m", e.Cap(), 3, 1), e) }},
		{"var", func(b *Builder, e *Edges) *G.Node { return SegmentVar(input(b, "m", e.Cap(), 3, 1), e) }},
		{"max", func(b *Builder, e *Edges) *G.Node { return SegmentMax(input(b, "m", e.Cap(), 3, 1), e) }},
		{"var-of-gather", func(b *Builder, e *Edges) *G.Node { return SegmentVar(Gather(input(b, "x", 6, 3, 1), e, BySrc), e) }},
		{"max-of-gather", func(b *Builder, e *Edges) *G.Node { return SegmentMax(Gather(input(b, "x", 6, 3, 1), e, BySrc), e) }},
		{"mean-of-gather", func(b *Builder, e *Edges) *G.Node { return SegmentMean(Gather(input(b, "x", 6, 3, 1), e, ByDst), e) }},
		{"mean-twice", func(b *Builder, e *Edges) *G.Node {
			x := input(b, "x", 6, 3, 1)
			return SegmentMean(G.Must(G.Square(Gather(SegmentMean(Gather(x, e, BySrc), e), e, BySrc))), e)
		}},
	}
	for _, c := range cases {
		checkGrad(t, c.name, func(b *Builder) *G.Node { return c.build(b, testEdges(t)) }, 1e-6)
	}
}

// The max gradient goes to the first arg-max only when messages tie.
func TestSegmentMaxTieGradient(t *testing.T) {
	b := NewBuilder(tensor.Float64, 1)
	e := NewEdges(2, 4)
	if err := e.Set([]int32{0, 0, 0}, []int32{1, 1, 1}); err != nil {
		t.Fatal(err)
	}
	m := b.Weight("m", []int{4, 1}, []float64{2, 5, 5, 9}) // slot 3 is padding
	loss := G.Must(G.Sum(SegmentMax(m, e)))
	if _, err := G.Grad(loss, m); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(b.G, G.BindDualValues(m))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	g, _ := m.Grad()
	closeTo(t, "max grad", toF64(g.Data()), []float64{0, 1, 0, 0}, 0)
}

// Every op's gradient is exactly 0 on padding rows, with padding ids garbage.
func TestPaddingRowsGetNoGradient(t *testing.T) {
	b := NewBuilder(tensor.Float64, 2)
	e := testEdges(t)
	m := b.Weight("m", []int{e.Cap(), 3}, b.Normal(e.Cap()*3, 1))
	y := G.Must(G.Concat(1, SegmentSum(m, e), SegmentMean(m, e), SegmentVar(m, e), SegmentMax(m, e)))
	z := Gather(y, e, ByDst) // padding rows of z are 0 whatever their gradient
	loss := G.Must(G.Sum(G.Must(G.Square(G.Must(G.Add(z, b.Const(1)))))))
	if _, err := G.Grad(loss, m); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(b.G, G.BindDualValues(m))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	g, _ := m.Grad()
	live := 0
	for i, v := range toF64(g.Data()) {
		switch {
		case i >= e.Count*3 && v != 0:
			t.Errorf("padding gradient [%d] = %g", i, v)
		case v != 0:
			live++
		}
	}
	if live == 0 {
		t.Error("no live row got a gradient")
	}
}

// UsePreallocDo overwrites a dirty register completely and refuses one
// that aliases an input.
func TestUsePrealloc(t *testing.T) {
	e := testEdges(t)
	m := tensor.New(tensor.WithShape(e.Cap(), 2), tensor.WithBacking(make([]float64, e.Cap()*2)))
	for i := range m.Data().([]float64) {
		m.Data().([]float64)[i] = float64(i%7) - 3
	}
	for _, k := range []segKind{segGather, segSum, segMean, segGatherMean, segVar, segMax} {
		op := &segOp{kind: k, side: ByDst, e: e}
		in := m
		if op.inRows() == e.N {
			in = tensor.New(tensor.WithShape(e.N, 2), tensor.WithBacking(m.Data().([]float64)[:e.N*2]))
		}
		want, err := op.Do(in)
		if err != nil {
			t.Fatal(err)
		}
		dirty := tensor.New(tensor.WithShape(op.outRows(), 2), tensor.WithBacking(Filled(op.outRows()*2, math.NaN())))
		got, err := op.UsePreallocDo(dirty, in)
		if err != nil {
			t.Fatal(err)
		}
		closeTo(t, op.String(), toF64(got.Data()), toF64(want.Data()), 0)
		n := op.outRows() * 2 // a register sharing the input's memory
		alias := tensor.New(tensor.WithShape(op.outRows(), 2), tensor.WithBacking(m.Data().([]float64)[:n]))
		if _, err := op.UsePreallocDo(alias, in); err == nil {
			t.Errorf("%v: aliasing register accepted", op)
		}
	}
}

// A graph large enough for the kernels to split columns across goroutines
// (odd d, so the slices differ in width): every kernel against brute force.
func TestSegmentKernelsLarge(t *testing.T) {
	const n, capE, d = 64, 1200, 71
	rng := rand.New(rand.NewPCG(8, 9))
	e := NewEdges(n, capE)
	src, dst := make([]int32, 1000), make([]int32, 1000)
	for k := range src {
		src[k], dst[k] = int32(rng.IntN(n)), int32(rng.IntN(n-3)) // 3 empty segments
	}
	if err := e.Set(src, dst); err != nil {
		t.Fatal(err)
	}
	mat := func(rows int) *tensor.Dense {
		v := make([]float64, rows*d)
		for i := range v {
			v[i] = float64(rng.IntN(9)) - 4 // small integers: ties for max
		}
		return tensor.New(tensor.WithShape(rows, d), tensor.WithBacking(v))
	}
	x, m, g := mat(n), mat(capE), mat(n)
	do := func(k segKind, s Side, in ...G.Value) []float64 {
		v, err := (&segOp{kind: k, side: s, e: e}).Do(in...)
		if err != nil {
			t.Fatal(err)
		}
		return toF64(v.Data())
	}
	mv, gv := toF64(m.Data()), toF64(g.Data())
	closeTo(t, "gather", do(segGather, BySrc, x), bruteGather(toF64(x.Data()), e, BySrc, d), 1e-12)
	for k, stat := range map[segKind]string{segSum: "sum", segMean: "mean", segVar: "var", segMax: "max"} {
		closeTo(t, stat, do(k, ByDst, m), bruteStat(mv, e, d, stat), 1e-12)
	}
	mean, deg := bruteStat(mv, e, d, "mean"), degrees(e.Dst[:e.Count], n)
	y := tensor.New(tensor.WithShape(n, d), tensor.WithBacking(bruteStat(mv, e, d, "max")))
	wantGM, wantVG, wantMG := make([]float64, capE*d), make([]float64, capE*d), make([]float64, capE*d)
	taken := map[int]bool{}
	for k := 0; k < e.Count; k++ {
		r := int(e.Dst[k])
		for f := 0; f < d; f++ {
			c := float64(deg[r])
			wantGM[k*d+f] = gv[r*d+f] / c
			wantVG[k*d+f] = 2 * (mv[k*d+f] - mean[r*d+f]) / c * gv[r*d+f]
			if !taken[r*d+f] && mv[k*d+f] == y.Data().([]float64)[r*d+f] {
				taken[r*d+f] = true
				wantMG[k*d+f] = gv[r*d+f]
			}
		}
	}
	closeTo(t, "gather-mean", do(segGatherMean, ByDst, g), wantGM, 1e-12)
	closeTo(t, "var-grad", do(segVarGrad, ByDst, m, g), wantVG, 1e-12)
	closeTo(t, "max-grad", do(segMaxGrad, ByDst, m, y, g), wantMG, 0)
}

// One compiled graph serves successive edge lists of different sizes, the
// way the trainer uses it, in float32, forward and backward.
func TestEdgesReplacedBetweenRuns(t *testing.T) {
	const n, d, capE = 7, 4, 20
	b := NewBuilder(tensor.Float32, 3)
	e := NewEdges(n, capE)
	x := b.Weight("x", []int{n, d}, b.Normal(n*d, 1))
	r := b.Weight("r", []int{n, d}, b.Normal(n*d, 1))
	y := SegmentSum(Gather(x, e, BySrc), e)
	loss := G.Must(G.Sum(G.Must(G.HadamardProd(y, r))))
	if _, err := G.Grad(loss, x); err != nil {
		t.Fatal(err)
	}
	var yv G.Value
	G.Read(y, &yv)
	vm := G.NewTapeMachine(b.G, G.BindDualValues(x))
	defer vm.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	xv, rv := toF64(x.Value().Data()), toF64(r.Value().Data())
	for step, count := range []int{capE, 9, 0, 15} {
		src, dst := make([]int32, count), make([]int32, count)
		for k := range src {
			src[k], dst[k] = int32(rng.IntN(n)), int32(rng.IntN(n-1)) // node n−1 never receives
		}
		if err := e.Set(src, dst); err != nil {
			t.Fatal(err)
		}
		setPadding(e, []int32{-5, 3, 1000}, []int32{2, -1, 1000})
		if g, err := x.Grad(); err == nil && g != nil {
			g.(*tensor.Dense).Zero() // the machine adds into bound gradients
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		closeTo(t, fmt.Sprintf("step %d y", step), toF64(yv.Data()), bruteStat(bruteGather(xv, e, BySrc, d), e, d, "sum"), 1e-5)
		want := make([]float64, n*d) // ∂/∂x_s Σ_e r_{dst e}·x_{src e}
		for k := 0; k < count; k++ {
			for f := 0; f < d; f++ {
				want[int(src[k])*d+f] += rv[int(dst[k])*d+f]
			}
		}
		g, _ := x.Grad()
		closeTo(t, fmt.Sprintf("step %d dx", step), toF64(g.Data()), want, 1e-5)
	}
}

func TestEdgesValidation(t *testing.T) {
	e := NewEdges(3, 2)
	for _, c := range []struct{ src, dst []int32 }{{[]int32{0}, nil}, {[]int32{0, 1, 2}, []int32{0, 1, 2}}, {[]int32{3}, []int32{0}}, {[]int32{0}, []int32{-1}}} {
		if err := e.Set(c.src, c.dst); err == nil {
			t.Errorf("Set(%v, %v) accepted", c.src, c.dst)
		}
	}
	// an id written directly into the live part is an error at run time
	b := NewBuilder(tensor.Float64, 1)
	y := Gather(b.Weight("x", []int{3, 1}, []float64{1, 2, 3}), e, BySrc)
	e.Src[0], e.Count = 7, 1
	vm := G.NewTapeMachine(b.G)
	defer vm.Close()
	if err := vm.RunAll(); err == nil {
		t.Errorf("bad id accepted, output %v", y.Value())
	}
}

// BenchmarkGatherSegmentSum times SegmentSum(Gather(x, src)) forward and
// backward at N = 512, E = 8192, d = 256 in float32.
func BenchmarkGatherSegmentSum(bm *testing.B) {
	const n, capE, d = 512, 8192, 256
	b := NewBuilder(tensor.Float32, 1)
	e := NewEdges(n, capE)
	rng := rand.New(rand.NewPCG(1, 1))
	src, dst := make([]int32, capE), make([]int32, capE)
	for k := range src {
		src[k], dst[k] = int32(rng.IntN(n)), int32(rng.IntN(n))
	}
	if err := e.Set(src, dst); err != nil {
		bm.Fatal(err)
	}
	x := b.Weight("x", []int{n, d}, b.Normal(n*d, 1))
	loss := G.Must(G.Sum(SegmentSum(Gather(x, e, BySrc), e)))
	if _, err := G.Grad(loss, x); err != nil {
		bm.Fatal(err)
	}
	vm := G.NewTapeMachine(b.G, G.BindDualValues(x))
	defer vm.Close()
	bm.ResetTimer()
	start := time.Now()
	for i := 0; i < bm.N; i++ {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			bm.Fatal(err)
		}
	}
	bm.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(bm.N*capE*d), "ns/edge·feature")
}
