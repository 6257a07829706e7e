//! Dates as pages write them (placeholder: filled by the publication-date work).
