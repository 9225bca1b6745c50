"""Training one run: its settings, the trainer, what a model must do, and the folder it is saved in.

``zoo.train.run`` is the one entry point: ``zoo train``, every bench executor and the plugin kit
train through it. Importing this package imports nothing heavy; the modules that import Keras
say so.
"""
