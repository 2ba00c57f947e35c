//! Tests of this capability live here.
