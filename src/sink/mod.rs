//! `fraudstat sink`: results from the broker into PostgreSQL (issue 15).

pub mod schema;
