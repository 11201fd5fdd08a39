//! Benchmark: named defects minted per second, so a suite of hundreds of cases never waits on
//! the forge.
//!
//! `cargo run --release -p mock-tenant --example forge [-- ROUNDS]`

use mock_tenant::forge::{TokenBuilder, defects};
use std::time::{Duration, Instant};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let base = TokenBuilder::offline("https://localhost:8443/");
    let _ = base.clone().sign(); // load the keys once, outside the measurement
    let mut per_defect: Vec<(Duration, &str)> = Vec::new();
    let started = Instant::now();
    for defect in defects() {
        let t = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(base.clone().defect(defect.name).sign());
        }
        per_defect.push((t.elapsed() / rounds as u32, defect.name));
    }
    let total = started.elapsed();
    let minted = defects().len() * rounds;
    per_defect.sort();
    let slowest = per_defect.last().expect("at least one defect");
    println!(
        "{minted} defects minted in {:.2} s: {:.0} per second on one thread ({} defects x {rounds}); slowest {} at {:.2} ms",
        total.as_secs_f64(),
        minted as f64 / total.as_secs_f64(),
        defects().len(),
        slowest.1,
        slowest.0.as_secs_f64() * 1000.0
    );
    let mut valid = 0;
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(2) {
        std::hint::black_box(base.clone().sign());
        valid += 1;
    }
    println!(
        "valid tokens: {:.0} per second on one thread",
        valid as f64 / t.elapsed().as_secs_f64()
    );
}
