"""One repository module per aggregate. Repositories flush but never commit: the unit of work does."""
