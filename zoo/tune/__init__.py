"""Tuning with an equal budget: ``zoo tune``.

``zoo.tune.space`` says what is searched for an architecture, ``zoo.tune.study`` keeps each
architecture's search in an Optuna study, ``zoo.tune.driver`` runs the trials through the
bench's executors and trains the best settings, ``zoo.tune.best`` writes them as a config file.
Importing this package imports neither Optuna nor Keras.
"""
