// Package laplacian implements the Laplacian renormalization group (LRG) of
// Villegas, Gili, Caldarelli and Gabrielli, "Laplacian renormalization group
// for heterogeneous networks", Nature Physics 19, 445–450 (2023), with the
// spectral entropy and specific heat of Villegas et al., "Laplacian paths in
// complex networks: information core emerges from entropic transitions",
// Phys. Rev. Research 4, 033196 (2022).
//
// The LRG diffuses information on the graph with the combinatorial Laplacian
// L = D − A (weighted degrees and weights when the graph has them). Its
// ingredients, with the paper's notation:
//
//   - the network propagator K(τ) = e^{−τL} and the density matrix
//     ρ(τ) = K(τ)/Z(τ), Z(τ) = Tr K(τ);
//   - the spectral entropy S(τ) = −(1/ln N) Σ_i μ_i ln μ_i, μ_i = e^{−τλ_i}/Z,
//     which falls from 1 at τ = 0 to ln(#components)/ln N as τ → ∞;
//   - the specific heat C(τ) = −dS/d(ln τ) = τ² Var_μ(λ)/ln N, whose peaks
//     mark the scales at which groups of modes stop contributing to diffusion;
//   - the Kadanoff supernodes at scale τ: with ρ'_ij = ρ_ij/min(ρ_ii, ρ_jj),
//     the metagraph ζ_ij = H(ρ'_ij − 1) (H the Heaviside step, H(0) = 1)
//     links i and j when ρ_ij ≥ min(ρ_ii, ρ_jj), and its connected components
//     are the blocks;
//   - the renormalized graph: one supernode per block, two supernodes linked
//     when any of their members are (the paper's real-space step).
//
// Dense (exact) quantities come from the full eigendecomposition (Spectrum)
// and serve graphs of up to a few thousand nodes. Large graphs use the
// approximations described on Renormalize: stochastic Lanczos quadrature for
// S and C (Ubaru, Chen and Saad, SIAM J. Matrix Anal. Appl. 38, 1075 (2017))
// and, for the merge test, the needed entries of e^{−τL} computed per node on
// a local ball with absorbing boundary, the test restricted to graph edges.
package laplacian
