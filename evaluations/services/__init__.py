"""Writes of the evaluations app, one module per concern: configuration, periods, ballots, paper
ballots, the score computation and the annual results. Each function is keyword-only, typed and
runs in one transaction; domain errors are in evaluations.errors."""
