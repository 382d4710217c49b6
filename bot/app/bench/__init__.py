"""`retiree-bot bench`: benchmarks that print figures, one module per subject."""
