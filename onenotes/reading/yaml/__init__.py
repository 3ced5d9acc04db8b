"""The YAML loaders: the safe entry point, its fast path, and the full loader."""
