"""Datasets, text vectorization, pretrained embeddings and the encoded-array cache."""
