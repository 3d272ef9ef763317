package main

import (
	"math"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/coarsen/laplacian"
	"github.com/roma-go/roma/stages"
)

// Config is the `coarsen` section of pipeline.yaml.
type Config struct {
	Input     string          `yaml:"input" help:"folder holding the simulate outputs (default <run.root>/<run.name>/simulate)"`
	Method    string          `yaml:"method" help:"renormalization: geometric, laplacian or community"`
	Levels    int             `yaml:"levels" help:"number of coarse levels"`
	Aggregate string          `yaml:"aggregate" help:"mean or sum: how a supernode's series combines its members'"`
	Series    bool            `yaml:"series" help:"write coarse_series.parquet from the input series.parquet"`
	Geometric GeometricConfig `yaml:"geometric"`
	Laplacian LaplacianConfig `yaml:"laplacian"`
	Community CommunityConfig `yaml:"community"`
	PE        PEConfig        `yaml:"pe"`
}

// GeometricConfig holds the geometric renormalization's settings.
type GeometricConfig struct {
	BlockSize int     `yaml:"block_size" help:"r: angle-consecutive nodes per supernode"`
	Beta      float64 `yaml:"beta" help:"inverse temperature β of the S¹/H² model; 0 means ∞ (threshold graphs, as simulate generates)"`
	Angles    string  `yaml:"angles" help:"auto (coordinates when the graph has them, else spectral), coordinates (fail without them) or spectral (LaBNE angles from Laplacian eigenvectors)"`
}

// LaplacianConfig holds the Laplacian renormalization's settings.
type LaplacianConfig struct {
	Tau        float64 `yaml:"tau" help:"diffusion time τ; 0 picks it from the specific heat by peak"`
	Peak       string  `yaml:"peak" help:"how τ is picked: first (first specific-heat peak), max (highest peak) or plateau (end of the first transition)"`
	Method     string  `yaml:"method" help:"auto (dense up to dense_limit nodes, else local), dense or local"`
	DenseLimit int     `yaml:"dense_limit" help:"largest graph auto treats exactly"`
	Ball       int     `yaml:"ball" help:"local method: nodes in each node's ball"`
	Probes     int     `yaml:"probes" help:"local method: Rademacher probes of the stochastic Lanczos quadrature"`
	Steps      int     `yaml:"steps" help:"local method: Lanczos steps per probe"`
	Weights    string  `yaml:"weights" help:"coarse edge weights: unit (the paper's simple graph) or sum (summed member weights)"`
}

// CommunityConfig holds the Louvain settings.
type CommunityConfig struct {
	Resolution float64 `yaml:"resolution" help:"modularity resolution γ"`
}

// PEConfig holds the positional encodings' settings.
type PEConfig struct {
	K          int     `yaml:"k" help:"Laplacian eigenvectors (0: no pe.parquet)"`
	Tol        float64 `yaml:"tol" help:"residual ‖Lv − λv‖ every eigenpair must reach"`
	MaxIter    int     `yaml:"max_iter" help:"LOBPCG iterations per level"`
	Multilevel bool    `yaml:"multilevel" help:"solve on coarsened graphs first, interpolate, refine"`
	Node2Vec   int     `yaml:"node2vec" help:"node2vec dimension (0: none)"`
	Epochs     int     `yaml:"epochs" help:"node2vec epochs (reference: 21)"`
}

// DefaultConfig is the built-in coarsen configuration.
func DefaultConfig() Config {
	return Config{
		Method: "geometric", Levels: 3, Aggregate: hierarchy.Mean, Series: true,
		Geometric: GeometricConfig{BlockSize: 2, Angles: "auto"},
		Laplacian: LaplacianConfig{Peak: laplacian.PeakFirst, Method: laplacian.MethodAuto, DenseLimit: laplacian.DefaultDenseLimit,
			Ball: laplacian.DefaultBall, Probes: laplacian.DefaultProbes, Steps: laplacian.DefaultSteps, Weights: laplacian.WeightsUnit},
		Community: CommunityConfig{Resolution: 1},
		PE:        PEConfig{K: 32, Tol: 1e-6, MaxIter: 2000, Multilevel: true, Node2Vec: 0, Epochs: 21},
	}
}

// Validate reports every bad value at once.
func (c *Config) Validate() error {
	var p stages.Problems
	if c.Method != "geometric" && c.Method != "laplacian" && c.Method != "community" {
		p.Addf("coarsen.method %q is not geometric, laplacian or community", c.Method)
	}
	if c.Levels < 1 {
		p.Addf("coarsen.levels = %d must be at least 1", c.Levels)
	}
	if c.Aggregate != hierarchy.Mean && c.Aggregate != hierarchy.Sum {
		p.Addf("coarsen.aggregate %q is not mean or sum", c.Aggregate)
	}
	if c.Geometric.BlockSize < 2 {
		p.Addf("coarsen.geometric.block_size = %d must be at least 2", c.Geometric.BlockSize)
	}
	if b := c.Geometric.Beta; b < 0 || math.IsNaN(b) || (b > 0 && b <= 1 && c.Geometric.Angles != "coordinates") {
		p.Addf("coarsen.geometric.beta = %g must be 0 (∞) or positive, and above 1 unless angles is coordinates (radii from degrees need β > 1)", b)
	}
	if a := c.Geometric.Angles; a != "auto" && a != "coordinates" && a != "spectral" {
		p.Addf("coarsen.geometric.angles %q is not auto, coordinates or spectral", a)
	}
	if c.Laplacian.Tau < 0 || math.IsNaN(c.Laplacian.Tau) {
		p.Addf("coarsen.laplacian.tau = %g must be ≥ 0", c.Laplacian.Tau)
	}
	if _, err := c.laplacianOptions(0).Check(); err != nil {
		p.Addf("coarsen.laplacian: %v", err)
	}
	if !(c.Community.Resolution > 0) {
		p.Addf("coarsen.community.resolution = %g must be positive", c.Community.Resolution)
	}
	if c.PE.K < 0 || c.PE.Node2Vec < 0 || c.PE.Epochs < 1 || c.PE.MaxIter < 1 {
		p.Addf("coarsen.pe: k = %d and node2vec = %d must be ≥ 0, epochs = %d and max_iter = %d ≥ 1", c.PE.K, c.PE.Node2Vec, c.PE.Epochs, c.PE.MaxIter)
	}
	if !(c.PE.Tol > 0) {
		p.Addf("coarsen.pe.tol = %g must be positive", c.PE.Tol)
	}
	return p.Err()
}

// laplacianOptions maps the configuration onto the package's options.
func (c *Config) laplacianOptions(seed uint64) laplacian.Options {
	l := c.Laplacian
	return laplacian.Options{Tau: l.Tau, Peak: l.Peak, Method: l.Method, DenseLimit: l.DenseLimit,
		Ball: l.Ball, Probes: l.Probes, Steps: l.Steps, Weights: l.Weights, Seed: seed}
}
