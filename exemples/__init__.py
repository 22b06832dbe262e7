"""Sample data (standard examples, baskets, a family's year of care), installed as `simulateur.exemples`."""
