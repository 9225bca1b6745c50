"""The built-in architecture and dataset plugins of keras-zoo, loaded through entry points."""
