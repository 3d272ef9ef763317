// Package model assembles the train stage's operator networks from the
// nn building blocks: the DeepONet-family baselines of the reference's SN
// experiments (spec §4): DON, DON-MP and NOMAD-MP.
package model

import (
	"fmt"
	"slices"

	"github.com/roma-go/roma/stages"
	"github.com/roma-go/roma/train/grf"
)

// Model names, as written in train.models.
const (
	DON     = "don"
	DONMP   = "don_mp"
	NOMADMP = "nomad_mp"
)

// Names lists every model this package builds.
var Names = []string{DON, DONMP, NOMADMP}

// Known reports whether name is a model this package builds.
func Known(name string) bool { return slices.Contains(Names, name) }

// Readouts: the reference's ŷ = ‖u‖₂, or the last observed value plus a
// learned change, mean(u).
const (
	ReadoutDirect   = "direct"
	ReadoutResidual = "residual"
)

// Config holds the architecture's sizes (spec §2.1, §3.1). The reference's
// names are given where ours differ.
type Config struct {
	Width      int     `yaml:"width" json:"width" help:"W (dec_width): transformer width; Res nets are 2W wide"`
	Depth      int     `yaml:"depth" json:"depth" help:"transformer blocks (dec_depth); Res nets have depth+1 hidden layers"`
	Heads      int     `yaml:"heads" json:"heads" help:"attention heads; head size ⌊width/heads⌋ as eqx"`
	PBasis     int     `yaml:"p_basis" json:"p_basis" help:"DeepONet basis size p (0: width)"`
	XDim       int     `yaml:"x_dim" json:"x_dim" help:"latent dimension of u"`
	NumFunc    int     `yaml:"num_func" json:"num_func" help:"random functions of the GRF input lift"`
	GRFLayout  string  `yaml:"grf_layout" json:"grf_layout" help:"per_node (node r's window in row r) or ref (reference reshape, quirk Q1)"`
	GRFFixed   bool    `yaml:"grf_fixed" json:"grf_fixed" help:"use one fixed set of random functions for training and evaluation (the reference draws new ones every training step)"`
	CoordDim   int     `yaml:"coord_dim" json:"coord_dim" help:"Fourier features of (t, x) (even)"`
	TVar       float64 `yaml:"t_var" json:"t_var" help:"standard deviation of the Fourier frequencies for t"`
	XVar       float64 `yaml:"x_var" json:"x_var" help:"standard deviation of the Fourier frequencies for x"`
	EncWidth   int     `yaml:"enc_width" json:"enc_width" help:"message-passing encoder width (-MP models)"`
	EncNorm    bool    `yaml:"enc_norm" json:"enc_norm" help:"LayerNorm on the encoder output (the reference builds this LayerNorm but never applies it); bounds z_feat"`
	EdgeConv   string  `yaml:"edge_conv" json:"edge_conv" help:"edge message: mlp, linear or none (the reference's edge_conv 1, Q8)"`
	Agg        string  `yaml:"agg" json:"agg" help:"aggregation: multi (sum, mean, var, max), sum, mean or max"`
	TrainSkips bool    `yaml:"train_skips" json:"train_skips" help:"train the skip Linears (the reference freezes them, Q2)"`
	Readout    string  `yaml:"readout" json:"readout" help:"direct (ŷ = ‖u‖₂, the reference) or residual (ŷ = y(t) + mean(u))"`
}

// DefaultConfig is a laptop-sized model of a few hundred thousand parameters.
func DefaultConfig() Config {
	return Config{Width: 64, Depth: 2, Heads: 4, XDim: 3, NumFunc: 16, GRFLayout: string(grf.LayoutPerNode),
		CoordDim: 64, TVar: 1e-4, XVar: 1e-4, EncWidth: 64, EdgeConv: "mlp", Agg: "multi", Readout: ReadoutDirect}
}

// P is the DeepONet basis size.
func (c Config) P() int {
	if c.PBasis > 0 {
		return c.PBasis
	}
	return c.Width
}

// Check reports every bad value, keys prefixed by section.
func (c Config) Check(section string) error {
	var p stages.Problems
	if c.Width < 1 || c.Depth < 1 || c.Heads < 1 || c.XDim < 1 || c.NumFunc < 1 || c.EncWidth < 1 || c.PBasis < 0 {
		p.Addf("%s: width, depth, heads, x_dim, num_func and enc_width must be at least 1, p_basis at least 0", section)
	}
	if c.Heads > c.Width {
		p.Addf("%s.heads = %d exceeds width = %d", section, c.Heads, c.Width)
	}
	if c.CoordDim < 2 || c.CoordDim%2 != 0 {
		p.Addf("%s.coord_dim = %d must be even and at least 2", section, c.CoordDim)
	}
	if _, err := grf.ParseLayout(c.GRFLayout); err != nil {
		p.Addf("%s.grf_layout: %v", section, err)
	}
	if !slices.Contains([]string{"mlp", "linear", "none"}, c.EdgeConv) {
		p.Addf("%s.edge_conv %q is not mlp, linear or none", section, c.EdgeConv)
	}
	if !slices.Contains([]string{"multi", "sum", "mean", "max"}, c.Agg) {
		p.Addf("%s.agg %q is not multi, sum, mean or max", section, c.Agg)
	}
	if c.Readout != ReadoutDirect && c.Readout != ReadoutResidual {
		p.Addf("%s.readout %q is not %s or %s", section, c.Readout, ReadoutDirect, ReadoutResidual)
	}
	return p.Err()
}

// Describe is a one-line summary of a model's sizes for logs.
func (c Config) Describe(kind string, params int) string {
	return fmt.Sprintf("%s: W %d, depth %d, heads %d, p %d, %d parameters", kind, c.Width, c.Depth, c.Heads, c.P(), params)
}
