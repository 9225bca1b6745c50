"""Ensembles of runs: ``zoo ensemble``, ``zoo bench --ensemble`` and saved ensembles.

``zoo.ensemble.combine`` fits a combination on the validation split (mean, Caruana's greedy
weights, a stacked logistic regression) and chooses among them on held-out validation;
``zoo.ensemble.runs`` chooses the members in a results file, checks they share data and split,
and builds each seed's row and run log;
``zoo.ensemble.folder`` saves an ensemble of ``zoo train`` folders that ``zoo predict`` serves.
Importing this package imports nothing heavy; its modules use NumPy.
"""

METHODS = ("mean", "weighted", "stacked")
AUTO = "auto"  # the method of METHODS with the best held-out validation accuracy
CHOICES = (AUTO, *METHODS)
BEST, ALL = "best", "all"  # members: each architecture's best configuration, or every one
