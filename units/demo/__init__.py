"""Demo data: the facts (data.py) and their loaders (load.py)."""
