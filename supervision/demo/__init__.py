"""Demo data of supervision (DESIGN §7) and its share of the national dataset."""
