package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/roma-go/roma/stages"
)

// execute runs the simulate stage with a config file and flags.
func execute(t *testing.T, yaml string, args ...string) error {
	t.Helper()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "pipeline.yaml")
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	return stages.Execute(context.Background(), newStage(&cfg), append([]string{"--config", cfgPath}, args...), io.Discard, io.Discard)
}

const smallKM = `
simulate:
  graph: {n: 400}
  kuramoto: {samples: 30, save_every: 5, dt: 0.02}
`

func readSeries(t *testing.T, dir, col string) *stages.Series {
	t.Helper()
	s, err := stages.ReadSeries(filepath.Join(dir, "series.parquet"), col)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestKuramotoEndToEnd(t *testing.T) {
	out := t.TempDir()
	if err := execute(t, smallKM, "--out", out); err != nil {
		t.Fatal(err)
	}
	val, phase := readSeries(t, out, "value"), readSeries(t, out, "phase")
	if val.T != 30 || phase.T != 30 || val.N != phase.N {
		t.Fatalf("series %d×%d, phase %d×%d", val.N, val.T, phase.N, phase.T)
	}
	for i, v := range val.Values {
		want := (1 - math.Cos(float64(phase.Values[i]))) / 2
		if v < 0 || v > 1 || math.Abs(float64(v)-want) > 1e-4 {
			t.Fatalf("value %d = %v, phase gives %v", i, v, want)
		}
	}
	nodes, err := stages.ReadTable(filepath.Join(out, "nodes.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer nodes.Release()
	for _, c := range []string{"node", "orig_id", "degree", "r", "phi", "omega"} {
		if !nodes.Has(c) {
			t.Errorf("nodes.parquet lacks %s", c)
		}
	}
	if nodes.Rows != val.N {
		t.Errorf("%d node rows, %d series rows", nodes.Rows, val.N)
	}
	times, err := stages.ReadTable(filepath.Join(out, "times.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer times.Release()
	tm, _ := times.Float64("time")
	order, _ := times.Float64("order_parameter")
	if len(tm) != 30 || math.Abs(tm[29]-29*5*0.02) > 1e-12 || order[0] <= 0 || order[0] > 1 {
		t.Errorf("times %v order %v", tm, order)
	}
	var m stages.Manifest
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Outputs) != 4 || m.Throughput["node_steps_per_second"] <= 0 || m.Outputs[0].SHA256 == "" {
		t.Errorf("manifest %+v", m)
	}
	for _, o := range m.Outputs {
		want := map[string]int{"series.parquet": val.N, "nodes.parquet": val.N, "times.parquet": 30}[o.Path]
		if want != 0 && int(o.Rows) != want {
			t.Errorf("manifest: %s has %d rows, want %d", o.Path, o.Rows, want)
		}
	}
}

// TestSameOutputWhateverTheCores runs the same config on 1 and 2 cores and
// compares the series files byte for byte.
func TestSameOutputWhateverTheCores(t *testing.T) {
	var files [][]byte
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		out := t.TempDir()
		err := execute(t, smallKM, "--out", out, "--kuramoto.integrator", "dp5")
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(out, "series.parquet"))
		files = append(files, b)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("series.parquet differs between 1 and 2 cores")
	}
}

func TestBurgersEndToEnd(t *testing.T) {
	out := t.TempDir()
	err := execute(t, "simulate:\n  dynamics: burgers\n  graph: {n: 300}\n  burgers: {samples: 50, num_gels: 10}\n  noise: {eta_var: 0.0004}\n", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	s := readSeries(t, out, "value")
	if s.T != 50 {
		t.Fatalf("T = %d", s.T)
	}
	for _, v := range s.Values {
		if math.IsNaN(float64(v)) {
			t.Fatal("NaN in Burgers series")
		}
	}
}

// writeEdges writes an edge table with the given columns into dir.
func writeEdges(t *testing.T, dir string, cols ...stages.Column) string {
	t.Helper()
	p := filepath.Join(dir, "edges.parquet")
	if err := stages.WriteTable(p, cols, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExternalEdges(t *testing.T) {
	dir := t.TempDir()
	// A ring of 6 nodes in the reference's layout, both directions listed.
	ref := writeEdges(t, dir,
		stages.Column{Name: "0", Data: []int64{0, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 0}},
		stages.Column{Name: "1", Data: []int64{1, 2, 3, 4, 5, 0, 0, 1, 2, 3, 4, 5}})
	out := filepath.Join(dir, "out")
	if err := execute(t, "simulate:\n  graph: {source: file, edges_file: "+ref+"}\n  kuramoto: {samples: 5}\n", "--out", out); err != nil {
		t.Fatal(err)
	}
	edges, err := stages.ReadTable(filepath.Join(out, "edges.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer edges.Release()
	if edges.Rows != 6 {
		t.Errorf("%d edges, want the ring's 6", edges.Rows)
	}
}

// TestBadInputTouchesNothing checks that every kind of bad input is reported
// with its file, and that a previous good output stays as it was.
func TestBadInputTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := execute(t, smallKM, "--out", out); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out, "series.parquet"))
	nanW := writeEdges(t, t.TempDir(), stages.Column{Name: "src", Data: []int32{0, 1}},
		stages.Column{Name: "dst", Data: []int32{1, 2}}, stages.Column{Name: "weight", Data: []float64{1, math.NaN()}})
	outOfRange := writeEdges(t, t.TempDir(), stages.Column{Name: "src", Data: []int32{0, 1, -1}},
		stages.Column{Name: "dst", Data: []int32{1, 7, 2}})
	noDst := writeEdges(t, t.TempDir(), stages.Column{Name: "src", Data: []int32{0}}, stages.Column{Name: "to", Data: []int32{1}})
	cases := []struct {
		name, yaml string
		args       []string
		want       []string
	}{
		{"malformed", "simulate: {graph: [\n", nil, []string{"pipeline.yaml", "malformed YAML"}},
		{"unknown keys and negative n", "simulate:\n  graph: {n: -5, colour: red}\n  kuramoto: {kk: 1}\n", nil,
			[]string{"pipeline.yaml", `unknown key "colour"`, `unknown key "kk"`, "simulate.graph.n = -5"}},
		{"wrong type", "simulate:\n  kuramoto: {samples: many}\n", nil, []string{"pipeline.yaml", "cannot unmarshal"}},
		{"nan weight", "simulate:\n  graph: {source: file, edges_file: " + nanW + "}\n", nil, []string{nanW, "not finite and positive", "row 1"}},
		{"ids out of range", "simulate:\n  graph: {source: file, n: 5, edges_file: " + outOfRange + "}\n", nil,
			[]string{outOfRange, "2 edges have node ids outside [0, 5)", "row 1 (1, 7)"}},
		{"missing column", "simulate:\n  graph: {source: file, edges_file: " + noDst + "}\n", nil, []string{noDst, `missing column "dst"`}},
		{"missing file", "simulate:\n  graph: {source: file, edges_file: /nonexistent.parquet}\n", nil, []string{"/nonexistent.parquet"}},
		{"bad flag", smallKM, []string{"--kuramoto.observable", "x"}, []string{"unknown observable"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := execute(t, c.yaml, append([]string{"--out", out}, c.args...)...)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			after, _ := os.ReadFile(filepath.Join(out, "series.parquet"))
			if !bytes.Equal(before, after) {
				t.Error("series.parquet changed")
			}
			entries, _ := os.ReadDir(out)
			if len(entries) != 5 {
				t.Errorf("output folder holds %d entries, want the 5 good files", len(entries))
			}
		})
	}
}

// TestShippedConfigsLoad validates pipeline.yaml and every configs/*.yaml.
func TestShippedConfigsLoad(t *testing.T) {
	files, _ := filepath.Glob("../configs/*.yaml")
	files = append(files, "../pipeline.yaml")
	if len(files) < 2 {
		t.Fatal("no configs found")
	}
	for _, f := range files {
		run, cfg := stages.DefaultRun(), DefaultConfig()
		if err := stages.LoadConfig(f, "simulate", &run, &cfg); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestObservationNoise checks that eta_var gives multiplicative log-normal
// noise: log(noisy/clean) has mean ≈ 0 and variance ≈ eta_var, where the clean
// value is recomputed from the stored phase.
func TestObservationNoise(t *testing.T) {
	out := t.TempDir()
	const etaVar = 0.01
	if err := execute(t, smallKM, "--out", out, "--noise.eta_var", "0.01"); err != nil {
		t.Fatal(err)
	}
	val, phase := readSeries(t, out, "value"), readSeries(t, out, "phase")
	var n, sum, sumSq float64
	for i, v := range val.Values {
		clean := (1 - math.Cos(float64(phase.Values[i]))) / 2
		if clean < 1e-2 {
			continue // float32 phase rounding dominates near zero
		}
		l := math.Log(float64(v) / clean)
		n++
		sum += l
		sumSq += l * l
	}
	mean := sum / n
	variance := sumSq/n - mean*mean
	if math.Abs(mean) > 5*math.Sqrt(etaVar/n) || math.Abs(variance-etaVar) > 0.1*etaVar {
		t.Errorf("log-ratio mean %g, variance %g over %v values; want 0 and %g", mean, variance, n, etaVar)
	}
}
