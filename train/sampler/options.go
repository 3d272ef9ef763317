package sampler

import (
	"errors"
	"fmt"
	"math"
)

// Options configures a Sampler. DefaultOptions returns the reference's values.
type Options struct {
	// BatchSize is the exact number of nodes of every subgraph (reference
	// batch_size, 512). It is also the size of the test set.
	BatchSize int
	// WalkLen is the number of steps of each GraphSAINT random walk
	// (batch_walk_len, 16); a walk visits up to WalkLen+1 nodes.
	WalkLen int
	// Roots is the initial number of walk roots (sampler_batch_size); 0 means
	// BatchSize/WalkLen + 20, as the reference (52 for 512/16). The count then
	// adapts so that draws hit BatchSize.
	Roots int
	// BatchFreq resamples the training subgraph every BatchFreq steps
	// (batch_freq, 2).
	BatchFreq int
	// Kappa is the look-back window κ (kappa, 64).
	Kappa int
	// Tau is the forecast horizon τ ≥ 1 (tau_max, 1).
	Tau int
	// EtaVar is the variance of the log-normal multiplicative noise applied to
	// training windows and targets (eta_var, 4e-4); 0 turns the noise off.
	EtaVar float64
	// LeakRoots reproduces quirk Q3: training roots are drawn over all nodes,
	// test nodes included, which then enter training batches as isolated
	// nodes (no edges, no self loop). false draws roots over training nodes
	// only, the recommended default.
	LeakRoots bool
	// SelfLoops adds a self loop to every batch node, as the reference's
	// add_self_loops does; the random walks may then also step onto the self
	// loop. Test nodes leaked into a training batch get none (see LeakRoots).
	SelfLoops bool
	// TestTimes is the number of evaluation times (20).
	TestTimes int
	// MaxDraws is the reference's round of random-walk draws (100). The
	// reference retries rounds without limit; here after maxRounds (10) rounds
	// of misses a truncated draw, exact by construction, is used instead.
	MaxDraws int
}

// DefaultOptions returns the reference's settings (spec §3.1): 512 nodes, walks
// of 16 steps, adaptive roots starting at 52, a new subgraph every 2 steps,
// κ = 64, τ = 1, eta_var 4e-4, self loops, roots over training nodes only,
// 20 test times and 100 draws.
func DefaultOptions() Options {
	return Options{
		BatchSize: 512, WalkLen: 16, BatchFreq: 2, Kappa: 64, Tau: 1,
		EtaVar: 4e-4, SelfLoops: true, TestTimes: 20, MaxDraws: 100,
	}
}

// Check returns an error listing every out-of-range value, or nil.
func (o Options) Check() error {
	var errs []error
	bad := func(cond bool, format string, args ...any) {
		if cond {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	bad(o.BatchSize < 1, "BatchSize is %d, must be ≥ 1", o.BatchSize)
	bad(o.BatchSize > math.MaxInt32, "BatchSize is %d, must fit in int32", o.BatchSize)
	bad(o.WalkLen < 1, "WalkLen is %d, must be ≥ 1", o.WalkLen)
	bad(o.Roots < 0, "Roots is %d, must be ≥ 0 (0 = BatchSize/WalkLen+20)", o.Roots)
	bad(o.BatchFreq < 1, "BatchFreq is %d, must be ≥ 1", o.BatchFreq)
	bad(o.Kappa < 1, "Kappa is %d, must be ≥ 1", o.Kappa)
	bad(o.Tau < 1, "Tau is %d, must be ≥ 1", o.Tau)
	bad(!(o.EtaVar >= 0) || math.IsInf(o.EtaVar, 1), "EtaVar is %g, must be finite and ≥ 0", o.EtaVar)
	bad(o.TestTimes < 1, "TestTimes is %d, must be ≥ 1", o.TestTimes)
	bad(o.MaxDraws < 1, "MaxDraws is %d, must be ≥ 1", o.MaxDraws)
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("sampler: bad options: %w", errors.Join(errs...))
}

// initialRoots is Roots with the reference's default filled in.
func (o Options) initialRoots() int {
	if o.Roots > 0 {
		return o.Roots
	}
	return o.BatchSize/o.WalkLen + 20
}
