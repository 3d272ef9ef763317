// Package trainer runs the train stage's optimisation loop for one model:
// batches from the sampler, the GRF lift and Fourier features, one compiled
// Gorgonia graph reused every step, AdamW with the reference's schedule,
// held-out evaluation, and checkpoints that make a resumed run end with the
// weights of an uninterrupted one.
package trainer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/roma-go/roma/train/fourier"
	"github.com/roma-go/roma/train/grf"
	"github.com/roma-go/roma/train/model"
	"github.com/roma-go/roma/train/nn"
	"github.com/roma-go/roma/train/optim"
	"github.com/roma-go/roma/train/sampler"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Options configure one training run.
type Options struct {
	Steps, LogFreq, CheckpointEvery, Keep int
	Schedule                              optim.Schedule
	B1, B2, Eps, WeightDecay, MaxNorm     float64
	// Dir holds this model's checkpoints.
	Dir string
	// Fingerprint and ConfigJSON identify the configuration a checkpoint
	// belongs to; a checkpoint written under another is refused.
	Fingerprint, ConfigJSON string
	Seed                    uint64
	Log                     func(format string, args ...any)
	// Stop, when it delivers, makes the run checkpoint and return
	// ErrStopped (SIGUSR1 in the stage).
	Stop <-chan struct{}
	// OnStep, when set, is called after every optimisation step (progress).
	OnStep func(step int)
}

// ErrStopped is returned after a checkpoint was written because the run was
// asked to stop; resuming continues where it stopped.
var ErrStopped = errors.New("stopped after writing a checkpoint")

// Metric is one held-out evaluation.
type Metric struct {
	Step        int
	LR          float64
	TrainLoss   float64 // mean training sMSPE since the previous evaluation
	TestSMSPE   float64 // model on the test subgraph, mean over the test times
	Persistence float64 // ŷ(t+1) = y(t) on the same tokens and times
	Zeroed      int     // gradient tensors zeroed for NaN since the previous evaluation
	Seconds     float64 // wall time spent training so far
}

// Float is the element type of a model's tensors.
type Float interface{ ~float32 | ~float64 }

// Trainer holds one model, its compiled graph, optimiser and data feeds.
type Trainer[T Float] struct {
	M      *model.Model
	opt    Options
	vm     G.VM
	params []*nn.Param
	values [][]T
	adam   *optim.AdamW[T]
	smp    *sampler.Sampler
	space  *grf.Space
	feats  *fourier.Features
	layout grf.Layout
	fixed  *grf.Funcs
	// stepFuncs is reused for the functions drawn anew every step.
	stepFuncs *grf.Funcs
	feed      feeds[T]
	// eval is a forward-only copy of the model whose parameters share the
	// trained tensors, so evaluation runs no backward pass.
	eval     *model.Model
	evalVM   G.VM
	evalFeed feeds[T]
	Step     int
	Metrics  []Metric
	elapsed  float64
	// running training loss and zeroed-gradient counts since the last evaluation
	sumLoss float64
	nLoss   int
	zeroed  int
}

// New compiles m's training graph and prepares its feeds. m must have been
// built with values (not shapes only) of element type T.
func New[T Float](m *model.Model, smp *sampler.Sampler, opt Options) (*Trainer[T], error) {
	tr := &Trainer[T]{M: m, opt: opt, smp: smp, params: m.B.Trainable()}
	var err error
	if tr.layout, err = grf.ParseLayout(m.Config.GRFLayout); err != nil {
		return nil, err
	}
	tr.space, err = grf.NewSpace(m.Config.NumFunc, grf.DefaultPoints, 1)
	if err != nil {
		return nil, err
	}
	if tr.feats, err = fourier.New(m.Config.CoordDim, m.Config.TVar, m.Config.XVar, model.Seed(opt.Seed, "fourier")); err != nil {
		return nil, err
	}
	tr.feed = newFeeds[T](m)
	if err := tr.compile(); err != nil {
		return nil, err
	}
	if err := tr.compileEval(); err != nil {
		return nil, err
	}
	sizes := make([]int, len(tr.params))
	for i, p := range tr.params {
		sizes[i] = p.Size()
	}
	tr.adam = optim.New[T](sizes)
	tr.adam.B1, tr.adam.B2, tr.adam.Eps, tr.adam.WeightDecay, tr.adam.MaxNorm = opt.B1, opt.B2, opt.Eps, opt.WeightDecay, opt.MaxNorm
	return tr, nil
}

// compile adds the gradient to the graph and builds the tape machine once.
func (tr *Trainer[T]) compile() error {
	wrt := make(G.Nodes, len(tr.params))
	tr.values = make([][]T, len(tr.params))
	for i, p := range tr.params {
		wrt[i] = p.Node
		tr.values[i] = p.Node.Value().Data().([]T)
	}
	if _, err := G.Grad(tr.M.Loss, wrt...); err != nil {
		return fmt.Errorf("differentiating %s: %w", tr.M.Kind, err)
	}
	tr.vm = G.NewTapeMachine(tr.M.B.G, G.BindDualValues(wrt...))
	return nil
}

// compileEval builds the forward-only evaluation graph on the same
// parameter values.
func (tr *Trainer[T]) compileEval() error {
	m := tr.M
	e, err := model.Build(m.Kind, m.Config, m.Dims, m.B.Dtype, 0, true)
	if err != nil {
		return err
	}
	if err := share(e, m); err != nil {
		return fmt.Errorf("evaluation graph: %w", err)
	}
	tr.eval, tr.evalFeed = e, newFeeds[T](e)
	tr.evalVM = G.NewTapeMachine(e.B.G)
	return nil
}

// Close releases the compiled machines.
func (tr *Trainer[T]) Close() {
	tr.vm.Close()
	tr.evalVM.Close()
}

// Run trains from the current step to opt.Steps, evaluating, logging and
// checkpointing on the way. On ctx cancellation or Stop it writes a
// checkpoint and returns ErrStopped (wrapping ctx's error if any).
func (tr *Trainer[T]) Run(ctx context.Context) error {
	start := time.Now()
	base := tr.elapsed
	for tr.Step < tr.opt.Steps {
		if err := tr.interrupted(ctx); err != nil {
			tr.elapsed = base + time.Since(start).Seconds()
			if _, cerr := tr.Checkpoint(); cerr != nil {
				return errors.Join(err, cerr)
			}
			return err
		}
		if err := tr.trainStep(); err != nil {
			return err
		}
		tr.Step++
		tr.elapsed = base + time.Since(start).Seconds()
		if tr.opt.OnStep != nil {
			tr.opt.OnStep(tr.Step)
		}
		if tr.Step%tr.opt.LogFreq == 0 || tr.Step == tr.opt.Steps {
			if err := tr.evaluate(); err != nil {
				return err
			}
		}
		if tr.Step%tr.opt.CheckpointEvery == 0 || tr.Step == tr.opt.Steps {
			if _, err := tr.Checkpoint(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (tr *Trainer[T]) interrupted(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return fmt.Errorf("%w at step %d (SIGTERM or SIGINT: %v)", ErrStopped, tr.Step, ctx.Err())
	case <-tr.opt.Stop:
		return fmt.Errorf("%w at step %d (stop signal)", ErrStopped, tr.Step)
	default:
		return nil
	}
}

// stepRNG is the generator of everything random in one step (the GRF
// functions), derived from the seed and the step so that a resumed run
// draws the same values as an uninterrupted one.
func stepRNG(seed uint64, step int) *rand.Rand {
	return rand.New(rand.NewPCG(seed^0x9e3779b97f4a7c15, uint64(step)))
}

// trainStep runs one forward/backward pass on a fresh batch and applies AdamW.
func (tr *Trainer[T]) trainStep() error {
	batch, err := tr.smp.Train(tr.Step, 1)
	if err != nil {
		return err
	}
	if err := tr.fitEdges(len(batch.Src)); err != nil {
		return err
	}
	funcs := tr.evalFuncs()
	if !tr.M.Config.GRFFixed {
		tr.stepFuncs = tr.space.SampleInto(stepRNG(tr.opt.Seed, tr.Step), tr.stepFuncs)
		funcs = tr.stepFuncs
	}
	if err := tr.feed.set(tr.M, batch, 0, funcs, tr.feats, tr.layout); err != nil {
		return err
	}
	loss, err := tr.forward()
	if err != nil {
		return err
	}
	grads := make([][]T, len(tr.params))
	for i, p := range tr.params {
		g, err := p.Node.Grad()
		if err != nil {
			return fmt.Errorf("gradient of %s: %w", p.Name, err)
		}
		grads[i] = g.Data().([]T)
	}
	tr.zeroed += tr.adam.Step(tr.values, grads, tr.opt.Schedule.LR(tr.Step))
	tr.sumLoss += loss
	tr.nLoss++
	return nil
}

// forward runs the compiled graph once and returns the loss.
func (tr *Trainer[T]) forward() (float64, error) {
	tr.vm.Reset()
	if err := nn.ZeroGrads(tr.params); err != nil {
		return 0, err
	}
	if err := tr.vm.RunAll(); err != nil {
		return 0, fmt.Errorf("%s step %d: %w", tr.M.Kind, tr.Step, err)
	}
	return scalar(tr.M.Loss.Value()), nil
}

func scalar(v G.Value) float64 {
	switch x := v.Data().(type) {
	case float32:
		return float64(x)
	case float64:
		return x
	}
	panic(fmt.Sprintf("loss of type %T", v.Data()))
}

// evalSeed fixes the test-time GRF functions, as the reference's fixed
// PRNGKey(0) at evaluation does.
const evalSeed = 0x7e57

// evalFuncs are the fixed evaluation functions (and, with grf_fixed, the
// training ones too).
func (tr *Trainer[T]) evalFuncs() *grf.Funcs {
	if tr.fixed == nil {
		tr.fixed = tr.space.Sample(rand.New(rand.NewPCG(tr.opt.Seed, evalSeed)))
	}
	return tr.fixed
}

// evaluate measures the model and persistence on the test subgraph at every
// test time, without noise, and appends a Metric.
func (tr *Trainer[T]) evaluate() error {
	batch := tr.smp.Test()
	if err := tr.fitEdges(len(batch.Src)); err != nil {
		return err
	}
	funcs := tr.evalFuncs()
	var model, persist float64
	for c := range batch.Times {
		if err := tr.evalFeed.set(tr.eval, batch, c, funcs, tr.feats, tr.layout); err != nil {
			return err
		}
		tr.evalVM.Reset()
		if err := tr.evalVM.RunAll(); err != nil {
			return fmt.Errorf("%s evaluation at step %d: %w", tr.M.Kind, tr.Step, err)
		}
		model += scalar(tr.eval.Loss.Value())

		persist += tr.evalFeed.persistence()
	}
	nt := float64(len(batch.Times))
	m := Metric{Step: tr.Step, LR: tr.opt.Schedule.LR(tr.Step - 1), TestSMSPE: model / nt, Persistence: persist / nt,
		Zeroed: tr.zeroed, Seconds: tr.elapsed}
	if tr.nLoss > 0 {
		m.TrainLoss = tr.sumLoss / float64(tr.nLoss)
	}
	tr.sumLoss, tr.nLoss, tr.zeroed = 0, 0, 0
	tr.Metrics = append(tr.Metrics, m)
	if tr.opt.Log != nil {
		tr.opt.Log("%s step %d: train sMSPE %.4g, test sMSPE %.4g (persistence %.4g), lr %.3g",
			tr.M.Kind, m.Step, m.TrainLoss, m.TestSMSPE, m.Persistence, m.LR)
		if m.Zeroed > 0 {
			tr.opt.Log("%s: %d gradient tensors held NaN or Inf since the last evaluation and were zeroed", tr.M.Kind, m.Zeroed)
		}
	}
	return nil
}

// Weights returns the trainable parameters' current values, in order.
func (tr *Trainer[T]) Weights() [][]T { return tr.values }

// Params lists the trainable parameters in order.
func (tr *Trainer[T]) Params() []*nn.Param { return tr.params }

// tensorOf wraps values as a dense tensor of the given shape.
func tensorOf[T Float](shape []int, v []T) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
}
