//! Telling people: what a notification says in each language ([`text`]).

pub mod text;
