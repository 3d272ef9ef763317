package trainer

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/train/model"
	"github.com/roma-go/roma/train/optim"
	"github.com/roma-go/roma/train/sampler"
	"gorgonia.org/tensor"
)

// toyData is a ring-with-chords graph carrying smooth travelling waves.
func toyData(t testing.TB, n, T int) (*graph.Graph, []float32) {
	t.Helper()
	var src, dst []int32
	for i := 0; i < n; i++ {
		src = append(src, int32(i), int32(i))
		dst = append(dst, int32((i+1)%n), int32((i+7)%n))
	}
	g, err := graph.New(n, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, n*T)
	for i := 0; i < n; i++ {
		w := 0.05 + 0.1*float64(i%5)/5
		for k := 0; k < T; k++ {
			x[i*T+k] = float32(0.5 + 0.4*math.Sin(w*float64(k)+float64(i)))
		}
	}
	return g, x
}

func toyOptions(dir string, steps int) Options {
	return Options{Steps: steps, LogFreq: 4, CheckpointEvery: 100, Keep: 2,
		Schedule: optim.Schedule{Peak: 3e-3, Steps: steps, Warmup: 2},
		B1:       0.9, B2: 0.999, Eps: 1e-7, WeightDecay: 5e-3, MaxNorm: 1,
		Dir: dir, Fingerprint: "toy", ConfigJSON: `{"toy":1}`, Seed: 3}
}

// newToy builds a fresh sampler, model and trainer of the given kind.
func newToy(t testing.TB, kind string, opt Options) *Trainer[float32] {
	t.Helper()
	g, x := toyData(t, 60, 80)
	so := sampler.DefaultOptions()
	so.BatchSize, so.WalkLen, so.Kappa, so.TestTimes = 16, 4, 6, 3
	smp, err := sampler.New(g, x, 80, so, opt.Seed)
	if err != nil {
		t.Fatal(err)
	}
	c := model.DefaultConfig()
	c.Width, c.Depth, c.Heads, c.NumFunc, c.CoordDim, c.EncWidth = 16, 1, 2, 4, 8, 8
	m, err := model.Build(kind, c, model.Dims{N: 16, Kappa: 6, Edges: 8}, tensor.Float32, opt.Seed, false)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New[float32](m, smp, opt)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// A run stopped at step 5 (checkpoint, then a new process resumes) ends
// with bit-identical weights and metrics to a run never interrupted. The
// models start with room for 8 edges, so the -MP graphs grow on the first
// batch and the resumed run must restore the grown capacity.
func TestResumeMatchesUninterrupted(t *testing.T) {
	for _, kind := range []string{model.DON, model.DONMP} {
		ref := newToy(t, kind, toyOptions(t.TempDir(), 12))
		if err := ref.Run(context.Background()); err != nil {
			t.Fatal(err)
		}

		dir := t.TempDir()
		opt := toyOptions(dir, 12)
		stop := make(chan struct{})
		opt.Stop = stop
		opt.OnStep = func(s int) {
			if s == 5 {
				close(stop)
			}
		}
		first := newToy(t, kind, opt)
		err := first.Run(context.Background())
		if !errors.Is(err, ErrStopped) || first.Step != 5 {
			t.Fatalf("%s: interrupted run returned %v at step %d, want ErrStopped at 5", kind, err, first.Step)
		}
		second := newToy(t, kind, toyOptions(dir, 12))
		if ok, err := second.Resume(); !ok || err != nil {
			t.Fatalf("%s: resume: %v %v", kind, ok, err)
		}
		if second.Step != 5 {
			t.Fatalf("%s: resumed at step %d, want 5", kind, second.Step)
		}
		if err := second.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		compareWeights(t, kind, ref, second)
		if kind == model.DONMP && (second.M.Dims.Edges <= 8 || second.M.Dims.Edges != ref.M.Dims.Edges) {
			t.Errorf("edge capacity: resumed %d, uninterrupted %d; want equal and grown past 8", second.M.Dims.Edges, ref.M.Dims.Edges)
		}
		if len(ref.Metrics) != len(second.Metrics) {
			t.Fatalf("%s: %d metrics rows vs %d", kind, len(ref.Metrics), len(second.Metrics))
		}
		for i := range ref.Metrics {
			a, b := ref.Metrics[i], second.Metrics[i]
			if a.Step != b.Step || a.TestSMSPE != b.TestSMSPE || a.TrainLoss != b.TrainLoss {
				t.Errorf("%s: metrics row %d differs: %+v vs %+v", kind, i, a, b)
			}
		}
	}
}

func compareWeights(t *testing.T, kind string, a, b *Trainer[float32]) {
	t.Helper()
	wa, wb := a.Weights(), b.Weights()
	for i := range wa {
		for j := range wa[i] {
			if wa[i][j] != wb[i][j] {
				t.Fatalf("%s: %s[%d] = %g resumed vs %g uninterrupted", kind, a.Params()[i].Name, j, wb[i][j], wa[i][j])
			}
		}
	}
}

// Same seed, same weights after training; the run is reproducible.
func TestDeterministic(t *testing.T) {
	a := newToy(t, model.NOMADMP, toyOptions(t.TempDir(), 6))
	b := newToy(t, model.NOMADMP, toyOptions(t.TempDir(), 6))
	for _, tr := range []*Trainer[float32]{a, b} {
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	compareWeights(t, model.NOMADMP, a, b)
}

// A checkpoint written under another configuration is refused, naming the
// difference; a corrupt newest checkpoint falls back to the previous one.
func TestCheckpointRefusalAndFallback(t *testing.T) {
	dir := t.TempDir()
	opt := toyOptions(dir, 8)
	opt.CheckpointEvery = 4
	tr := newToy(t, model.DON, opt)
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	other := toyOptions(dir, 8)
	other.Fingerprint, other.ConfigJSON = "other", `{"toy":2}`
	_, err := newToy(t, model.DON, other).Resume()
	if err == nil || !strings.Contains(err.Error(), "toy") {
		t.Fatalf("checkpoint from another config: got %v, want a refusal naming the key", err)
	}
	newest := filepath.Join(dir, "step-000000008.ckpt")
	data, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(newest, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var warned []string
	opt = toyOptions(dir, 8)
	opt.Log = func(f string, a ...any) { warned = append(warned, f) }
	again := newToy(t, model.DON, opt)
	if ok, err := again.Resume(); !ok || err != nil || again.Step != 4 {
		t.Fatalf("fallback: ok %v err %v step %d, want the step-4 checkpoint", ok, err, again.Step)
	}
	if len(warned) == 0 {
		t.Error("falling back to an older checkpoint gave no warning")
	}
}

// A tiny model overfits one fixed batch to near-zero loss.
func TestOverfitsTinyData(t *testing.T) {
	opt := toyOptions(t.TempDir(), 300)
	opt.WeightDecay = 0
	opt.Schedule = optim.Schedule{Peak: 3e-3, Steps: 300, Warmup: 10}
	tr := newToy(t, model.DON, opt)
	batch, err := tr.smp.Train(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	funcs := tr.space.Sample(stepRNG(1, 0))
	if err := tr.feed.set(tr.M, batch, 0, funcs, tr.feats, tr.layout); err != nil {
		t.Fatal(err)
	}
	first, _ := tr.forward()
	var loss float64
	for s := 0; s < 300; s++ {
		if loss, err = tr.forward(); err != nil {
			t.Fatal(err)
		}
		grads := make([][]float32, len(tr.params))
		for i, p := range tr.params {
			g, _ := p.Node.Grad()
			grads[i] = g.Data().([]float32)
		}
		tr.adam.Step(tr.values, grads, opt.Schedule.LR(s))
	}
	t.Logf("sMSPE on one fixed batch: %.3g at start, %.3g after 300 steps", first, loss)
	if loss > 1e-3 || loss > first/50 {
		t.Errorf("tiny model did not overfit one batch: sMSPE %.3g → %.3g", first, loss)
	}
}

// The forward-only evaluation graph shares the trained weights: after some
// training it gives exactly the training graph's loss on the same inputs.
func TestEvalGraphSharesWeights(t *testing.T) {
	for _, kind := range model.Names {
		tr := newToy(t, kind, toyOptions(t.TempDir(), 6))
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		batch := tr.smp.Test()
		funcs := tr.evalFuncs()
		if err := tr.feed.set(tr.M, batch, 1, funcs, tr.feats, tr.layout); err != nil {
			t.Fatal(err)
		}
		want, err := tr.forward()
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.evalFeed.set(tr.eval, batch, 1, funcs, tr.feats, tr.layout); err != nil {
			t.Fatal(err)
		}
		tr.evalVM.Reset()
		if err := tr.evalVM.RunAll(); err != nil {
			t.Fatal(err)
		}
		if got := scalar(tr.eval.Loss.Value()); got != want {
			t.Errorf("%s: evaluation graph loss %g, training graph %g", kind, got, want)
		}
	}
}
