package main

import (
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
	"github.com/roma-go/roma/stages"
)

// writeInput writes a simulate-like folder: nodes (with coordinates when
// coords), edges and a series whose value at time k is node id + k.
func writeInput(t *testing.T, g *graph.Graph, coords bool) string {
	t.Helper()
	dir := t.TempDir()
	ids := make([]int32, g.N)
	for i := range ids {
		ids[i] = int32(i)
	}
	nodes := []stages.Column{{Name: "node", Data: ids}}
	if coords {
		nodes = append(nodes, stages.Column{Name: "r", Data: g.R}, stages.Column{Name: "phi", Data: g.Phi})
	}
	must(t, stages.WriteTable(filepath.Join(dir, "nodes.parquet"), nodes, nil))
	must(t, stages.WriteTable(filepath.Join(dir, "edges.parquet"), []stages.Column{{Name: "src", Data: g.Src}, {Name: "dst", Data: g.Dst}}, nil))
	const T = 5
	vals := make([]float32, g.N*T)
	for i := 0; i < g.N; i++ {
		for k := 0; k < T; k++ {
			vals[i*T+k] = float32(i + k)
		}
	}
	must(t, stages.WriteSeriesRows(filepath.Join(dir, "series.parquet"), ids, []string{"value"}, [][]float32{vals}, T, nil))
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func hyperbolic(t *testing.T, n int) *graph.Graph {
	t.Helper()
	g, err := hrg.Generate(hrg.Params{N: n, AvgDegree: 3 / hrg.ExpectedAvgDegree(1, 0.75, hrg.FormulaStandard), Alpha: 0.75, Seed: 5})
	must(t, err)
	lcc, _ := g.LargestComponent()
	return lcc
}

func execute(t *testing.T, input, yaml string, args ...string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "pipeline.yaml")
	must(t, os.WriteFile(cfgPath, []byte(yaml), 0o644))
	out := filepath.Join(dir, "out")
	cfg := DefaultConfig()
	args = append([]string{"--config", cfgPath, "--out", out, "--input", input}, args...)
	return out, stages.Execute(context.Background(), newStage(&cfg), args, io.Discard, io.Discard)
}

func TestGeometricEndToEnd(t *testing.T) {
	g := hyperbolic(t, 3000)
	in := writeInput(t, g, true)
	out, err := execute(t, in, "coarsen: {levels: 3, pe: {k: 8}}\n")
	must(t, err)
	lv, err := stages.ReadTable(filepath.Join(out, "levels.parquet"))
	must(t, err)
	defer lv.Release()
	level, _ := lv.Int64("level")
	node, _ := lv.Int64("node")
	super, _ := lv.Int64("supernode")
	// Level 1 supernode trajectories are the mean of their members'.
	members := map[int64][]int64{}
	for i := range level {
		if level[i] == 1 {
			members[super[i]] = append(members[super[i]], node[i])
		}
	}
	cs, err := stages.ReadTable(filepath.Join(out, "coarse_series.parquet"))
	must(t, err)
	defer cs.Release()
	vals, T, err := cs.FloatList("value")
	must(t, err)
	clv, _ := cs.Int64("level")
	cnode, _ := cs.Int64("node")
	checked := 0
	for row := range clv {
		if clv[row] != 1 {
			continue
		}
		m := members[cnode[row]]
		want := 0.0
		for _, id := range m {
			want += float64(id + 2)
		}
		want /= float64(len(m))
		if got := float64(vals[row*T+2]); math.Abs(got-want) > 1e-3 {
			t.Fatalf("supernode %d at time 2: %v, want %v", cnode[row], got, want)
		}
		checked++
	}
	if checked != len(members) || checked == 0 {
		t.Errorf("checked %d supernodes of %d", checked, len(members))
	}
	spec, err := stages.ReadTable(filepath.Join(out, "pe_spectrum.parquet"))
	must(t, err)
	defer spec.Release()
	res, _ := spec.Float64("residual")
	for j, x := range res {
		if x > 1e-6 {
			t.Errorf("eigenpair %d residual %g", j+1, x)
		}
	}
}

func TestOtherMethods(t *testing.T) {
	g := hyperbolic(t, 2000)
	noCoords := writeInput(t, g, false)
	if _, err := execute(t, noCoords, "coarsen: {method: community, levels: 2, pe: {k: 4}}\n"); err != nil {
		t.Errorf("community: %v", err)
	}
	if _, err := execute(t, noCoords, "coarsen: {levels: 2, pe: {k: 4}}\n"); err != nil {
		t.Errorf("geometric with spectral angles: %v", err)
	}
	if _, err := execute(t, noCoords, "coarsen: {method: laplacian, levels: 1, pe: {k: 4}}\n"); err != nil {
		t.Errorf("Laplacian RG: %v", err)
	}
}

// TestBadInputWritesNothing checks each refused input names its problem and
// leaves no output folder behind.
func TestBadInputWritesNothing(t *testing.T) {
	g := hyperbolic(t, 600)
	in := writeInput(t, g, true)
	noCoords := writeInput(t, g, false)
	cases := []struct{ name, input, yaml, want string }{
		{"k too large", in, "coarsen: {pe: {k: 5000}}\n", "coarsen.pe.k = 5000"},
		{"collapse", in, "coarsen: {levels: 30}\n", "level"},
		{"no coordinates", noCoords, "coarsen: {geometric: {angles: coordinates}}\n", "has none"},
		{"missing input", t.TempDir(), "coarsen: {}\n", "edges.parquet"},
		{"bad method", in, "coarsen: {method: kmeans, levels: 0}\n", "coarsen.levels = 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := execute(t, c.input, c.yaml)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output folder %s exists after a failure", out)
			}
		})
	}
}

// TestSameOutputWhateverTheCores compares every output file byte for byte
// between runs on 1 and 2 cores.
func TestSameOutputWhateverTheCores(t *testing.T) {
	g := hyperbolic(t, 3000)
	in := writeInput(t, g, true)
	var outs []string
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		out, err := execute(t, in, "coarsen: {levels: 2, pe: {k: 6, node2vec: 8, epochs: 2}}\n")
		runtime.GOMAXPROCS(old)
		must(t, err)
		outs = append(outs, out)
	}
	for _, f := range []string{"levels.parquet", "coarse_edges.parquet", "coarse_series.parquet", "pe.parquet", "pe_spectrum.parquet"} {
		a, _ := os.ReadFile(filepath.Join(outs[0], f))
		b, _ := os.ReadFile(filepath.Join(outs[1], f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 2 cores", f)
		}
	}
}
