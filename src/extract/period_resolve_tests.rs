use super::period_resolve::*;
