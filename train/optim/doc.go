// Package optim holds the optimiser of the training stage: the reference's
// three-phase linear learning-rate schedule (spec §3.4) and AdamW with
// element-wise gradient clipping, exactly as optax.chain(optax.clip(max_norm),
// optax.adamw(schedule, b1, b2, eps, weight_decay)) (spec §3.1, §3.3 steps 7–8),
// including the reference's handling of NaN gradients (quirk Q4).
//
// Parameters are a list of flat slices of float32 or float64; the optimiser
// keeps its moments in the same type and computes every element in float64.
package optim

// Float is the element type of parameters, gradients and moments.
type Float interface{ ~float32 | ~float64 }
