"""The questions users ask: pure functions, a network in and new DataFrames out."""
