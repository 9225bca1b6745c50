"""Ensembles of recorded runs: ``zoo ensemble`` and ``zoo bench --ensemble``.

``zoo.ensemble.combine`` fits a combination on the validation split (mean, Caruana's greedy
weights, a stacked logistic regression); ``zoo.ensemble.runs`` chooses the members in a results
file, checks they share data and split, and builds each seed's row and run log. Importing
this package imports nothing heavy; its modules use NumPy.
"""

METHODS = ("mean", "weighted", "stacked")
