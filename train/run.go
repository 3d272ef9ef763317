package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/roma-go/roma/stages"
	"github.com/roma-go/roma/train/backend"
	"github.com/roma-go/roma/train/checkpoint"
	"github.com/roma-go/roma/train/model"
	"github.com/roma-go/roma/train/optim"
	"github.com/roma-go/roma/train/sampler"
	"github.com/roma-go/roma/train/trainer"
	"gorgonia.org/tensor"
)

// RequeueExitCode is the exit status after a checkpoint written on SIGTERM,
// SIGINT or SIGUSR1: the job is incomplete and should be resubmitted (Slurm:
// `scontrol requeue`), and rerunning `train` resumes it. 75 is EX_TEMPFAIL.
const RequeueExitCode = 75

// result is what one trained model contributes to the stage's tables.
type result struct {
	kind    string
	cfg     model.Config
	params  int
	metrics []trainer.Metric
	steps   int
	batch   int // nodes per step
	seconds float64
}

// run is the train stage: each configured model in turn.
func run(r *stages.Run, c *Config) error {
	dir := c.Input
	if dir == "" {
		dir = r.StageDir("simulate")
	}
	backend.SetThreads(c.BLASThreads)
	r.Logf("BLAS: %s, blas_threads %d", backend.Name(), c.BLASThreads)
	r.Manifest.Notes["blas"] = backend.Name()
	data, err := loadData(r, dir)
	if err != nil {
		return err
	}
	r.Logf("data: %d nodes, %d edges, %d samples per node", data.series.N, data.g.NumEdges(), data.series.T)
	// The test split depends only on the seed: this sampler sees the same
	// test subgraph as each model's own.
	smp, err := sampler.New(data.g, data.series.Values, data.series.T, samplerOptions(c), r.Config.Seed)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	plans, err := planModels(r, c, data, len(smp.Test().Src))
	if err != nil {
		return err
	}
	if c.DryRun {
		return stages.ErrNothingWritten
	}
	stop, release := usr1()
	defer release()
	var results []result
	for _, p := range plans {
		res, err := trainModel(r, c, data, p, stop)
		if errors.Is(err, trainer.ErrStopped) {
			r.Logf("%v; rerun train to resume", err)
			return &stages.ExitError{Code: RequeueExitCode, Err: err}
		}
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	return writeTables(r, results)
}

// usr1 turns SIGUSR1 (Slurm's --signal=USR1@N warning) into a stop request
// until release is called.
func usr1() (stop <-chan struct{}, release func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	ch, done := make(chan struct{}), make(chan struct{})
	go func() {
		select {
		case <-sig:
			close(ch)
		case <-done:
		}
	}()
	return ch, func() {
		signal.Stop(sig)
		close(done)
	}
}

func dtypeOf(c *Config) tensor.Dtype {
	if c.Dtype == "float64" {
		return tensor.Float64
	}
	return tensor.Float32
}

// trainModel builds, resumes and trains one model and writes its weights.
func trainModel(r *stages.Run, c *Config, data *dataset, p plan, stop <-chan struct{}) (result, error) {
	smp, err := sampler.New(data.g, data.series.Values, data.series.T, samplerOptions(c), r.Config.Seed)
	if err != nil {
		return result{}, fmt.Errorf("train: %w", err)
	}
	dims := p.dims // planned with room for one doubling; start smaller and grow
	dims.Edges = min(dims.Edges, trainer.InitialEdges(len(smp.Test().Src)))
	m, err := model.Build(p.kind, p.cfg, dims, dtypeOf(c), r.Config.Seed, false)
	if err != nil {
		return result{}, err
	}
	opt, err := trainerOptions(r, c, data, p, stop)
	if err != nil {
		return result{}, err
	}
	if dtypeOf(c) == tensor.Float64 {
		return fit[float64](r, m, smp, opt, p)
	}
	return fit[float32](r, m, smp, opt, p)
}

// fit runs the trainer of element type T and saves the final weights.
func fit[T trainer.Float](r *stages.Run, m *model.Model, smp *sampler.Sampler, opt trainer.Options, p plan) (result, error) {
	var prog *stages.Progress // sized once the resumed step is known
	opt.OnStep = func(int) { prog.Add(1) }
	tr, err := trainer.New[T](m, smp, opt)
	if err != nil {
		return result{}, err
	}
	defer tr.Close()
	resumed, err := tr.Resume()
	if err != nil {
		return result{}, err
	}
	if resumed {
		r.Logf("%s: resumed from the checkpoint at step %d", p.kind, tr.Step)
	}
	prog = r.Progress(p.kind+" steps", int64(opt.Steps-tr.Step))
	err = tr.Run(r.Ctx)
	prog.Finish()
	if err != nil {
		return result{}, err
	}
	ck, err := tr.ModelFile()
	if err != nil {
		return result{}, err
	}
	if err := checkpoint.Save(r.Path(p.kind+".ckpt"), ck); err != nil {
		return result{}, err
	}
	last := tr.Metrics[len(tr.Metrics)-1]
	return result{kind: p.kind, cfg: p.cfg, params: p.params, metrics: tr.Metrics, steps: tr.Step, batch: p.dims.N, seconds: last.Seconds}, nil
}

// trainerOptions resolves the loop's settings and the checkpoint identity.
func trainerOptions(r *stages.Run, c *Config, data *dataset, p plan, stop <-chan struct{}) (trainer.Options, error) {
	ident := map[string]any{"model": p.kind, "model_config": p.cfg, "seed": r.Config.Seed, "inputs": data.hashes,
		"steps": c.Steps, "batch_size": c.BatchSize, "walk_len": c.WalkLen, "batch_freq": c.BatchFreq,
		"kappa": c.Kappa, "eta_var": c.EtaVar, "leak_roots": c.LeakRoots, "dtype": c.Dtype, "optim": c.Optim,
		"test_times": c.TestTimes, "log_freq": c.LogFreq}
	js, err := json.Marshal(ident)
	if err != nil {
		return trainer.Options{}, err
	}
	sum := sha256.Sum256(js)
	return trainer.Options{
		Steps: c.Steps, LogFreq: c.LogFreq, CheckpointEvery: c.CheckpointEvery, Keep: c.KeepCheckpoints,
		Schedule: optim.Schedule{Peak: c.Optim.LR, Steps: c.Steps, Warmup: c.Optim.Warmup},
		B1:       c.Optim.B1, B2: c.Optim.B2, Eps: c.Optim.Eps, WeightDecay: c.Optim.WeightDecay, MaxNorm: c.Optim.MaxNorm,
		Dir:         filepath.Join(r.Out.Dir, "checkpoints", p.kind),
		Fingerprint: hex.EncodeToString(sum[:]), ConfigJSON: string(js), Seed: r.Config.Seed,
		Log: r.Logf, Stop: stop,
	}, nil
}
