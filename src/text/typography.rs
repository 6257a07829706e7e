//! Typography normalisation (placeholder: filled by the typography work).
