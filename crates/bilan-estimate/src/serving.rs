//! EcoLogits' serving model (`ecologits` ≥ 0.9.0, GenAI Impact; formulas and coefficients
//! cited, no code copied): GPUs per replica from the memory footprint, GPU energy and
//! generation time per output token from the active parameters and the batch.

/// EcoLogits' GPU energy coefficients (≥ 0.9.0): α, Wh per token per GPU per billion
/// active parameters.
pub const ENERGY_ALPHA: f64 = 1.166_527_317_045_191_4e-6;
/// EcoLogits: β, per request of batch.
pub const ENERGY_BETA: f64 = -0.011_205_921_025_579_175;
/// EcoLogits: γ, Wh per token per GPU.
pub const ENERGY_GAMMA: f64 = 4.052_928_146_734_005e-5;
/// EcoLogits' latency coefficients: α_L, s per token per billion active parameters.
pub const LATENCY_ALPHA: f64 = 6.785_088_094_353_663e-4;
/// EcoLogits: β_L, s per token per request of batch.
pub const LATENCY_BETA: f64 = 3.119_310_311_688_259e-4;
/// EcoLogits: γ_L, s per token.
pub const LATENCY_GAMMA: f64 = 1.947_371_757_947_338_7e-2;
/// Memory overhead over the weights (EleutherAI, "Transformer Math 101").
pub const MEMORY_OVERHEAD: f64 = 1.2;
/// Power of a GPU server without its GPUs, kW (BoaviztAPI's mean for an AWS
/// p5.48xlarge, as EcoLogits uses it).
pub const SERVER_POWER_KW: f64 = 1.2;
/// GPUs per server.
pub const SERVER_GPUS: f64 = 8.0;
/// Default serving batch (EcoLogits).
pub const DEFAULT_BATCH: f64 = 64.0;
/// Default bits per weight.
pub const DEFAULT_BITS: f64 = 16.0;
/// Hardware when none is named: EcoLogits' reference GPU.
pub const DEFAULT_HARDWARE: &str = "nvidia-h100-sxm-80gb";

/// GPUs per model replica: the memory footprint over one GPU's memory, rounded up to a
/// power of two.
pub fn gpus(total_b: f64, bits: f64, memory_gb: f64) -> f64 {
    2f64.powf(memory_gpus(total_b, bits, memory_gb).log2().ceil())
}

/// GPUs whose memory holds the weights with their overhead, `⌈1.2 × P_tot × Q / 8 ÷
/// memory⌉`, not rounded to a power of two (the calibrated model's input).
pub fn memory_gpus(total_b: f64, bits: f64, memory_gb: f64) -> f64 {
    let memory = MEMORY_OVERHEAD * total_b * bits / 8.0;
    (memory / memory_gb).ceil().max(1.0)
}

/// EcoLogits' GPU energy per output token per GPU, Wh.
pub fn ecologits_wh_per_token_per_gpu(active_b: f64, batch: f64) -> f64 {
    ENERGY_ALPHA * (ENERGY_BETA * batch).exp() * active_b + ENERGY_GAMMA
}

/// Generation time per output token, s.
pub fn seconds_per_token(active_b: f64, batch: f64) -> f64 {
    LATENCY_ALPHA * active_b + LATENCY_BETA * batch + LATENCY_GAMMA
}
