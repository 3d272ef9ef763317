// Package sampler draws the node subgraphs and time windows the training stage
// learns from, as the reference's data pipeline does (spec §3.2, §3.3):
//
//   - a fixed test set of exactly BatchSize nodes, drawn once by a GraphSAINT
//     random-walk sampler on the full graph with an adaptive root count;
//   - a training graph induced on the remaining nodes, from which a new
//     BatchSize-node random-walk subgraph is drawn every BatchFreq steps;
//   - per step, random times t with a look-back window x[t−κ+1..t] and a
//     target x[t+1..t+τ] for every batch node, with log-normal multiplicative
//     noise on training batches only;
//   - at evaluation, the test subgraph at TestTimes evenly spaced times.
//
// Randomness is derived from (seed, step) rather than from call history, so a
// run resumed from State/Restore reproduces the batches of an uninterrupted
// run exactly. The only history the sampler carries is the adaptive root count
// and the current training subgraph, and both are in the State blob.
//
// The package is pure Go; it does not reproduce torch's or JAX's random
// streams, only their distributions.
package sampler
