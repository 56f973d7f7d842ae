"""Evaluation: a proposal against red lines -> a CheckResult (data, no words)."""
