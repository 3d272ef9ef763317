package main

import (
	"math"

	"github.com/roma-go/roma/stages"
)

// writeTables writes metrics.parquet (one row per evaluation and model) and
// models.parquet (one row per model).
func writeTables(r *stages.Run, results []result) error {
	var model []string
	var step, zeroed []int64
	var lr, trainLoss, test, persist, secs []float64
	for _, res := range results {
		for _, m := range res.metrics {
			model = append(model, res.kind)
			step = append(step, int64(m.Step))
			zeroed = append(zeroed, int64(m.Zeroed))
			lr = append(lr, m.LR)
			trainLoss = append(trainLoss, m.TrainLoss)
			test = append(test, m.TestSMSPE)
			persist = append(persist, m.Persistence)
			secs = append(secs, m.Seconds)
		}
	}
	cols := []stages.Column{{Name: "model", Data: model}, {Name: "step", Data: step}, {Name: "lr", Data: lr},
		{Name: "train_smspe", Data: trainLoss}, {Name: "test_smspe", Data: test}, {Name: "persistence_smspe", Data: persist},
		{Name: "zeroed_grads", Data: zeroed}, {Name: "seconds", Data: secs}}
	if err := stages.WriteTable(r.Path("metrics.parquet"), cols, nil); err != nil {
		return err
	}
	r.SetRows("metrics.parquet", int64(len(model)))
	return writeModels(r, results)
}

// writeModels summarises each model: size, final and best held-out error,
// persistence on the same test set, throughput.
func writeModels(r *stages.Run, results []result) error {
	var name []string
	var params, width, depth, steps []int64
	var final, best, persist, stepsPerS []float64
	for _, res := range results {
		last := res.metrics[len(res.metrics)-1]
		b := math.Inf(1)
		for _, m := range res.metrics {
			b = math.Min(b, m.TestSMSPE)
		}
		name = append(name, res.kind)
		params = append(params, int64(res.params))
		width = append(width, int64(res.cfg.Width))
		depth = append(depth, int64(res.cfg.Depth))
		steps = append(steps, int64(res.steps))
		final = append(final, last.TestSMSPE)
		best = append(best, b)
		persist = append(persist, last.Persistence)
		sps := float64(res.steps) / math.Max(res.seconds, 1e-9)
		stepsPerS = append(stepsPerS, sps)
		r.Manifest.Throughput[res.kind+"_steps_per_s"] = sps
		r.Manifest.Throughput[res.kind+"_samples_per_s"] = sps * float64(res.batch)
		r.Logf("%s: %d parameters, test sMSPE %.4g (best %.4g), persistence %.4g, %.1f steps/s", res.kind, res.params, last.TestSMSPE, b, last.Persistence, sps)
	}
	cols := []stages.Column{{Name: "model", Data: name}, {Name: "params", Data: params}, {Name: "width", Data: width},
		{Name: "depth", Data: depth}, {Name: "steps", Data: steps}, {Name: "test_smspe", Data: final},
		{Name: "best_test_smspe", Data: best}, {Name: "persistence_smspe", Data: persist}, {Name: "steps_per_s", Data: stepsPerS}}
	if err := stages.WriteTable(r.Path("models.parquet"), cols, nil); err != nil {
		return err
	}
	r.SetRows("models.parquet", int64(len(name)))
	return nil
}
