// Command simulate generates or reads a graph and simulates many-body
// dynamics on it (Kuramoto oscillators or Burgers-like social dynamics),
// writing nodes, edges, series and times tables and a manifest.
package main

import "github.com/roma-go/roma/stages"

func main() {
	cfg := DefaultConfig()
	stages.Main(newStage(&cfg))
}

func newStage(cfg *Config) stages.Stage {
	return stages.Stage{
		Name:    "simulate",
		Summary: "simulate Kuramoto or Burgers-like dynamics on a hyperbolic or given graph",
		Config:  cfg,
		Run:     func(r *stages.Run) error { return run(r, cfg) },
	}
}
