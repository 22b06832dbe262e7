"""Shipped contracts (YAML). Installed as `simulateur.contrats` so they are found by id anywhere."""
