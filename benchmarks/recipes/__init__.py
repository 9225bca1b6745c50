"""Named recipes (TOML), shipped inside keras-zoo as ``zoo.recipes``."""
