package main

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages"
	"github.com/roma-go/roma/train/checkpoint"
)

// writeInput writes a simulate-like folder: a ring with chords carrying
// smooth waves of T samples; bad, when set, edits the values first.
func writeInput(t *testing.T, n, T int, bad func([]float32)) string {
	t.Helper()
	dir := t.TempDir()
	var src, dst []int32
	for i := 0; i < n; i++ {
		src = append(src, int32(i), int32(i))
		dst = append(dst, int32((i+1)%n), int32((i+5)%n))
	}
	g, err := graph.New(n, src, dst)
	must(t, err)
	must(t, stages.WriteTable(filepath.Join(dir, "edges.parquet"), []stages.Column{{Name: "src", Data: g.Src}, {Name: "dst", Data: g.Dst}}, nil))
	ids := make([]int32, n)
	vals := make([]float32, n*T)
	for i := range ids {
		ids[i] = int32(i)
		for k := 0; k < T; k++ {
			vals[i*T+k] = float32(0.5 + 0.4*math.Sin(0.2*float64(k)*(1+float64(i%3)/3)+float64(i)))
		}
	}
	if bad != nil {
		bad(vals)
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

const tinyYAML = `train:
  steps: 8
  log_freq: 4
  checkpoint_every: 4
  batch_size: 16
  walk_len: 4
  kappa: 6
  test_times: 3
  optim: {warmup: 2}
  model: {width: 8, depth: 1, heads: 2, num_func: 2, coord_dim: 4, enc_width: 8}
`

// execute runs the stage on input with tinyYAML and extra flags, returning
// the output folder and the log.
func execute(t *testing.T, input, out string, args ...string) (string, error) {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "pipeline.yaml")
	must(t, os.WriteFile(cfgPath, []byte(tinyYAML), 0o644))
	cfg := DefaultConfig()
	args = append([]string{"--config", cfgPath, "--out", out, "--input", input}, args...)
	var log bytes.Buffer
	err := stages.Execute(context.Background(), newStage(&cfg), args, &log, &log)
	return log.String(), err
}

// The stage trains all three baselines and writes weights, metrics, a model
// summary and the manifest; every table reads back.
func TestTrainEndToEnd(t *testing.T) {
	in, out := writeInput(t, 60, 60, nil), t.TempDir()
	if log, err := execute(t, in, out); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	for _, f := range []string{"don.ckpt", "don_mp.ckpt", "nomad_mp.ckpt", "metrics.parquet", "models.parquet", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	tb, err := stages.ReadTable(filepath.Join(out, "metrics.parquet"))
	must(t, err)
	defer tb.Release()
	if tb.Rows != 6 { // 3 models × evaluations at steps 4 and 8
		t.Errorf("metrics.parquet has %d rows, want 6", tb.Rows)
	}
	test, err := tb.Float64("test_smspe")
	must(t, err)
	for _, v := range test {
		if !(v >= 0 && v <= 1) {
			t.Errorf("test sMSPE %g outside [0, 1]", v)
		}
	}
	// A finished run resumes from its final checkpoints without training.
	log, err := execute(t, in, out)
	if err != nil || !strings.Contains(log, "resumed from the checkpoint at step 8") {
		t.Errorf("rerun: %v\n%s", err, log)
	}
}

// --dry-run prints sizes and writes nothing; --match-params picks a width.
func TestDryRunAndMatchParams(t *testing.T) {
	in := writeInput(t, 60, 60, nil)
	out := filepath.Join(t.TempDir(), "out")
	log, err := execute(t, in, out, "--dry-run", "--match-params", "20000")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("dry run created %s", out)
	}
	for _, m := range []string{"don:", "don_mp:", "nomad_mp:", "memory estimate"} {
		if !strings.Contains(log, m) {
			t.Errorf("dry-run log lacks %q:\n%s", m, log)
		}
	}
	if !strings.Contains(log, "parameters") {
		t.Errorf("no parameter counts:\n%s", log)
	}
}

// Bad input ends with a clear message and writes nothing.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name, want string
		in         string
		args       []string
	}{
		{"short series", "needs at least", writeInput(t, 60, 7, nil), nil},
		{"nan", "NaN", writeInput(t, 60, 60, func(v []float32) { v[77] = float32(math.NaN()) }), nil},
		{"no input", "run simulate first", t.TempDir(), nil},
		{"too big", "only 0.00 GiB is available", writeInput(t, 60, 60, nil), []string{"--memory_gib", "0.0001"}},
		{"bad model", "not one of", writeInput(t, 60, 60, nil), []string{"--models", "don,roma"}},
	}
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "out")
		log, err := execute(t, c.in, out, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q\n%s", c.name, err, c.want, log)
		}
		if _, serr := os.Stat(filepath.Join(out, "manifest.json")); serr == nil {
			t.Errorf("%s: wrote a manifest", c.name)
		}
	}
}

// A SIGTERM-like cancellation checkpoints and exits with the requeue code;
// rerunning resumes from that checkpoint.
func TestInterruptCheckpointsAndRequeues(t *testing.T) {
	in, out := writeInput(t, 60, 60, nil), t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfgPath := filepath.Join(t.TempDir(), "pipeline.yaml")
	must(t, os.WriteFile(cfgPath, []byte(tinyYAML), 0o644))
	cfg := DefaultConfig()
	var log bytes.Buffer
	err := stages.Execute(ctx, newStage(&cfg), []string{"--config", cfgPath, "--out", out, "--input", in, "--models", "don"}, &log, &log)
	var ee *stages.ExitError
	if !errors.As(err, &ee) || ee.Code != RequeueExitCode {
		t.Fatalf("interrupted run returned %v, want exit code %d", err, RequeueExitCode)
	}
	if _, err := os.Stat(filepath.Join(out, "checkpoints", "don", "step-000000000.ckpt")); err != nil {
		t.Errorf("no checkpoint after the interruption: %v", err)
	}
	rerun, err := execute(t, in, out, "--models", "don")
	if err != nil || !strings.Contains(rerun, "resumed from the checkpoint at step 0") {
		t.Errorf("rerun: %v\n%s", err, rerun)
	}
}

// Same seed, same trained weights and metrics on 1 or 2 cores.
func TestSameResultWhateverTheCores(t *testing.T) {
	in := writeInput(t, 60, 60, nil)
	var runs [2][]float64
	for i, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		out := t.TempDir()
		_, err := execute(t, in, out, "--models", "don_mp")
		runtime.GOMAXPROCS(prev)
		must(t, err)
		tb, err := stages.ReadTable(filepath.Join(out, "metrics.parquet"))
		must(t, err)
		runs[i], err = tb.Float64("test_smspe")
		tb.Release()
		must(t, err)
	}
	for i := range runs[0] {
		if runs[0][i] != runs[1][i] {
			t.Errorf("evaluation %d: test sMSPE %.17g on 1 core, %.17g on 2", i, runs[0][i], runs[1][i])
		}
	}
}

// The options a user may turn on all train and give finite held-out errors:
// the reference layout of the lift (Q1), leaked roots (Q3: test nodes in
// training batches as isolated nodes, which must not produce NaN), float64,
// the residual readout, other edge messages and aggregations, trained skips.
func TestOptionsTrain(t *testing.T) {
	in := writeInput(t, 60, 60, nil)
	for _, args := range [][]string{
		{"--model.grf_layout", "ref"},
		{"--leak_roots", "--models", "don_mp", "--steps", "16"},
		{"--dtype", "float64"},
		{"--model.readout", "residual", "--model.grf_fixed"},
		{"--model.edge_conv", "none", "--model.agg", "max", "--models", "don_mp"},
		{"--model.edge_conv", "linear", "--model.agg", "sum", "--models", "nomad_mp"},
		{"--model.train_skips", "--models", "don"},
		{"--model.enc_norm", "--models", "nomad_mp"},
	} {
		out := t.TempDir()
		if log, err := execute(t, in, out, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, log)
		}
		tb, err := stages.ReadTable(filepath.Join(out, "metrics.parquet"))
		must(t, err)
		test, err := tb.Float64("test_smspe")
		must(t, err)
		zeroed, err := tb.Int64("zeroed_grads")
		must(t, err)
		tb.Release()
		for i, v := range test {
			if !(v >= 0 && v <= 1) || zeroed[i] != 0 {
				t.Errorf("%v: evaluation %d: test sMSPE %g, %d gradients zeroed for NaN", args, i, v, zeroed[i])
			}
		}
	}
}

// The model file holds every parameter, frozen skips included, and no
// optimiser state; it names its configuration.
func TestModelFile(t *testing.T) {
	in, out := writeInput(t, 60, 60, nil), t.TempDir()
	if log, err := execute(t, in, out, "--models", "don"); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	ck, err := checkpoint.Read(filepath.Join(out, "don.ckpt"))
	must(t, err)
	skips := 0
	for _, w := range ck.Weights {
		if strings.HasSuffix(w.Name, ".skip.w") {
			skips++
		}
	}
	if skips == 0 || len(ck.OptM) != 0 || ck.Step != 8 || !strings.Contains(ck.ConfigJSON, `"model":"don"`) {
		t.Errorf("model file: %d skip weights, %d moments, step %d, config %s", skips, len(ck.OptM), ck.Step, ck.ConfigJSON)
	}
}

// The reference's released layout trains too: series as N rows × T columns
// named "0".."T-1", edges as two columns "0" and "1" listing both directions.
func TestReferenceLayoutInput(t *testing.T) {
	const n, T = 60, 40
	dir := t.TempDir()
	var src, dst []int64
	for i := 0; i < n; i++ {
		for _, j := range []int{(i + 1) % n, (i + 5) % n} {
			src, dst = append(src, int64(i), int64(j)), append(dst, int64(j), int64(i))
		}
	}
	must(t, stages.WriteTable(filepath.Join(dir, "edges.parquet"), []stages.Column{{Name: "0", Data: src}, {Name: "1", Data: dst}}, nil))
	var cols []stages.Column
	for k := 0; k < T; k++ {
		col := make([]float64, n)
		for i := range col {
			col[i] = 0.5 + 0.4*math.Sin(0.3*float64(k)+float64(i))
		}
		cols = append(cols, stages.Column{Name: strconv.Itoa(k), Data: col})
	}
	must(t, stages.WriteTable(filepath.Join(dir, "series.parquet"), cols, nil))
	out := t.TempDir()
	if log, err := execute(t, dir, out, "--models", "don_mp"); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if _, err := os.Stat(filepath.Join(out, "don_mp.ckpt")); err != nil {
		t.Error(err)
	}
}
