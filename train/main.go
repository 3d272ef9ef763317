// Command train trains the operator models of the ROMA pipeline on the
// simulate stage's trajectory: the DeepONet-family baselines DON, DON-MP and
// NOMAD-MP (spec §4), with GraphSAINT subgraph batches, AdamW and the
// reference's schedule, held-out evaluation and resumable checkpoints.
package main

import "github.com/roma-go/roma/stages"

func main() {
	cfg := DefaultConfig()
	stages.Main(newStage(&cfg))
}

func newStage(cfg *Config) stages.Stage {
	return stages.Stage{
		Name:    "train",
		Summary: "train the operator models (DON, DON-MP, NOMAD-MP) with resumable checkpoints",
		Config:  cfg,
		Run:     func(r *stages.Run) error { return run(r, cfg) },
	}
}
