package burgers

import (
	"errors"
	"fmt"
	"math"
)

// Params holds every constant of the BD generator; the yaml tags are the
// config keys. The defaults marked "reference" are the values of
// lib/burgers_coupled.py; the gel-model defaults are ours, because the
// reference reads its gel series from files it does not ship.
type Params struct {
	// Agents is n_a, the number of agents in the coalescence–fragmentation
	// model (reference gel folder "G-N1k": 1000).
	Agents int `yaml:"agents" help:"agents n_a in the coalescence–fragmentation (gel) model"`
	// Nu is the probability that a picked cluster fragments into singletons
	// instead of merging (ours: 0.01; the reference folder name "F1" may
	// mean 1%).
	Nu float64 `yaml:"nu" help:"probability that a picked cluster fragments into singletons instead of merging"`
	// EventsPerSample is the number of model events between two recorded
	// samples of the largest-cluster fraction (ours: 10). With the default
	// n_a and ν a gel cycle (slow growth of a giant cluster, then its sudden
	// fragmentation) lasts about 600 events, so a cycle spans about one
	// Window of samples and the σ = 8 smoothing resolves the crash as a
	// shock; at 1000 events per sample successive samples are uncorrelated.
	EventsPerSample int `yaml:"events_per_sample" help:"gel-model events between two recorded samples"`
	// BurnIn is the number of events run and discarded before the first
	// sample (ours: 0, so a series starts from all singletons).
	BurnIn int `yaml:"burn_in" help:"gel-model events discarded before the first sample"`
	// NumGels is the number of independent gel series generated (ours: 100).
	NumGels int `yaml:"num_gels" help:"number of independent gel series"`
	// Mix is how many random gel series are averaged per node (reference: 3).
	Mix int `yaml:"mix" help:"gel series averaged per node"`
	// Window is the length of the Gaussian rolling window; the output has
	// Window fewer samples than the gel series (reference: 64).
	Window int `yaml:"window" help:"Gaussian rolling-sum window in samples (output is window samples shorter than the gels)"`
	// Sigma is the standard deviation of the Gaussian window in samples
	// (reference: 8).
	Sigma float64 `yaml:"sigma" help:"standard deviation of the Gaussian window in samples"`
	// Iterations is the number of message-passing sweeps (reference: 6).
	Iterations int `yaml:"iterations" help:"message-passing sweeps"`
	// Red divides every message (reference: 4).
	Red float64 `yaml:"red" help:"divisor of every message"`
	// TimeBlock is the number of time samples message passing handles per
	// pass (ours: 2048). It sets the scratch memory, N·min(TimeBlock, T′−1)
	// float32, and the speed, never the result. Each pass starts a random
	// read of every sender's row, which costs about a TLB and cache miss,
	// so one pass over whole rows is fastest: at N = 100k, T′ = 512, blocks
	// of 256 took 1.6× as long as whole rows.
	TimeBlock int `yaml:"time_block" help:"time samples per message-passing pass: scratch memory N·time_block·4 bytes; never changes the result"`
}

// DefaultParams returns the reference constants and our gel-model defaults.
func DefaultParams() Params {
	return Params{
		Agents:          1000,
		Nu:              0.01,
		EventsPerSample: 10,
		BurnIn:          0,
		NumGels:         100,
		Mix:             3,
		Window:          64,
		Sigma:           8,
		Iterations:      6,
		Red:             4,
		TimeBlock:       2048,
	}
}

// Validate reports every out-of-range field, naming it.
func (p Params) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("burgers: "+format, a...)) }
	if p.Agents < 1 || p.Agents > math.MaxInt32 {
		bad("agents = %d, want 1 ≤ agents < 2^31", p.Agents)
	}
	if !(p.Nu >= 0 && p.Nu <= 1) {
		bad("nu = %g, want a probability in [0, 1]", p.Nu)
	}
	if p.EventsPerSample < 1 {
		bad("events_per_sample = %d, want ≥ 1", p.EventsPerSample)
	}
	if p.BurnIn < 0 {
		bad("burn_in = %d, want ≥ 0", p.BurnIn)
	}
	if p.NumGels < 1 {
		bad("num_gels = %d, want ≥ 1", p.NumGels)
	}
	if p.Mix < 1 {
		bad("mix = %d, want ≥ 1", p.Mix)
	}
	if p.Window < 1 {
		bad("window = %d, want ≥ 1", p.Window)
	}
	if !(p.Sigma > 0) || math.IsInf(p.Sigma, 0) {
		bad("sigma = %g, want a finite value > 0", p.Sigma)
	}
	if p.Iterations < 0 {
		bad("iterations = %d, want ≥ 0", p.Iterations)
	}
	if !(p.Red > 0) || math.IsInf(p.Red, 0) {
		bad("red = %g, want a finite value > 0", p.Red)
	}
	if p.TimeBlock < 1 {
		bad("time_block = %d, want ≥ 1", p.TimeBlock)
	}
	return errors.Join(errs...)
}
