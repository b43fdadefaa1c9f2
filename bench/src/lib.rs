//! The benchmark's reusable part: [`generator`], the realistic event log the rebuild and relay
//! benchmarks read and the black-box tests project.

pub mod generator;
