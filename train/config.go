package main

import (
	"github.com/roma-go/roma/stages"
	"github.com/roma-go/roma/train/model"
)

// Config is the `train` section of pipeline.yaml.
type Config struct {
	Input           string       `yaml:"input" json:"input" help:"folder holding the simulate outputs (default <run.root>/<run.name>/simulate)"`
	Models          []string     `yaml:"models" json:"models" help:"models to train, in order: don, don_mp, nomad_mp"`
	Steps           int          `yaml:"steps" json:"steps" help:"optimisation steps per model"`
	LogFreq         int          `yaml:"log_freq" json:"log_freq" help:"held-out evaluation every this many steps"`
	CheckpointEvery int          `yaml:"checkpoint_every" json:"checkpoint_every" help:"write a checkpoint every this many steps (reference: 10·log_freq)"`
	KeepCheckpoints int          `yaml:"keep_checkpoints" json:"keep_checkpoints" help:"checkpoints kept per model (at least 2, so a corrupt one has a fallback)"`
	BatchSize       int          `yaml:"batch_size" json:"batch_size" help:"nodes per GraphSAINT subgraph (exact)"`
	WalkLen         int          `yaml:"walk_len" json:"walk_len" help:"GraphSAINT random-walk length"`
	BatchFreq       int          `yaml:"batch_freq" json:"batch_freq" help:"draw a new training subgraph every this many steps"`
	TestTimes       int          `yaml:"test_times" json:"test_times" help:"evaluation times on the held-out subgraph"`
	LeakRoots       bool         `yaml:"leak_roots" json:"leak_roots" help:"reference quirk Q3: draw training walk roots over all nodes, test nodes included"`
	Kappa           int          `yaml:"kappa" json:"kappa" help:"look-back window κ (samples)"`
	EtaVar          float64      `yaml:"eta_var" json:"eta_var" help:"log-normal multiplicative noise variance on training batches"`
	Dtype           string       `yaml:"dtype" json:"dtype" help:"float32 or float64"`
	BLASThreads     int          `yaml:"blas_threads" json:"blas_threads" help:"OpenBLAS threads (0: its default, all cores); results are bit-reproducible for a fixed count, more threads are faster on large models"`
	MemoryGiB       float64      `yaml:"memory_gib" json:"memory_gib" help:"memory the run may use; 0 = what the machine reports available"`
	DryRun          bool         `yaml:"dry_run" json:"dry_run" help:"print each model's parameter count and memory estimate, then exit"`
	MatchParams     int          `yaml:"match_params" json:"match_params" help:"choose each model's width so it has about this many parameters (0: use model.width)"`
	Optim           OptimConfig  `yaml:"optim" json:"optim"`
	Model           model.Config `yaml:"model" json:"model"`
}

// OptimConfig holds AdamW and the learning-rate schedule (spec §3.1, §3.4).
type OptimConfig struct {
	LR          float64 `yaml:"lr" json:"lr" help:"peak learning rate"`
	Warmup      int     `yaml:"warmup" json:"warmup" help:"warm-up (and final tail) steps; 0 = min(10000, steps/2) as the reference"`
	B1          float64 `yaml:"b1" json:"b1" help:"AdamW β1"`
	B2          float64 `yaml:"b2" json:"b2" help:"AdamW β2"`
	Eps         float64 `yaml:"eps" json:"eps" help:"AdamW ε"`
	WeightDecay float64 `yaml:"weight_decay" json:"weight_decay" help:"decoupled weight decay, applied to every parameter"`
	MaxNorm     float64 `yaml:"max_norm" json:"max_norm" help:"element-wise gradient clip (optax.clip); 0 = off"`
}

// DefaultConfig is the built-in train configuration: the three SN baselines
// at a laptop size.
func DefaultConfig() Config {
	return Config{
		Models: []string{model.DON, model.DONMP, model.NOMADMP},
		Steps:  1000, LogFreq: 50, CheckpointEvery: 250, KeepCheckpoints: 2,
		BatchSize: 128, WalkLen: 16, BatchFreq: 2, TestTimes: 20,
		Kappa: 16, EtaVar: 4e-4, Dtype: "float32", BLASThreads: 1,
		Optim: OptimConfig{LR: 1e-3, Warmup: 100, B1: 0.9, B2: 0.999, Eps: 1e-7, WeightDecay: 5e-3, MaxNorm: 1},
		Model: model.DefaultConfig(),
	}
}

// Validate reports every bad value at once.
func (c *Config) Validate() error {
	var p stages.Problems
	if len(c.Models) == 0 {
		p.Addf("train.models is empty")
	}
	seen := map[string]bool{}
	for _, m := range c.Models {
		if !model.Known(m) {
			p.Addf("train.models: %q is not one of %v", m, model.Names)
		}
		if seen[m] {
			p.Addf("train.models lists %q twice", m)
		}
		seen[m] = true
	}
	for _, kv := range []struct {
		key string
		v   int
	}{{"steps", c.Steps}, {"log_freq", c.LogFreq}, {"checkpoint_every", c.CheckpointEvery}, {"batch_size", c.BatchSize},
		{"walk_len", c.WalkLen}, {"batch_freq", c.BatchFreq}, {"test_times", c.TestTimes}, {"kappa", c.Kappa}} {
		if kv.v < 1 {
			p.Addf("train.%s = %d must be at least 1", kv.key, kv.v)
		}
	}
	if c.KeepCheckpoints < 2 {
		p.Addf("train.keep_checkpoints = %d must be at least 2", c.KeepCheckpoints)
	}
	if c.EtaVar < 0 || c.MemoryGiB < 0 || c.MatchParams < 0 || c.BLASThreads < 0 {
		p.Addf("train.eta_var, memory_gib, match_params and blas_threads must not be negative")
	}
	if c.Dtype != "float32" && c.Dtype != "float64" {
		p.Addf("train.dtype %q is not float32 or float64", c.Dtype)
	}
	o := c.Optim
	if o.LR <= 0 || o.Warmup < 0 || o.B1 < 0 || o.B1 >= 1 || o.B2 < 0 || o.B2 >= 1 || o.Eps <= 0 || o.WeightDecay < 0 || o.MaxNorm < 0 {
		p.Addf("train.optim: need lr > 0, warmup ≥ 0, 0 ≤ b1, b2 < 1, eps > 0, weight_decay ≥ 0, max_norm ≥ 0")
	}
	if 2*o.Warmup > c.Steps {
		p.Addf("train.optim.warmup = %d: warm-up and tail (2·warmup) exceed train.steps = %d", o.Warmup, c.Steps)
	}
	p.Add(c.Model.Check("train.model"))
	return p.Err()
}
