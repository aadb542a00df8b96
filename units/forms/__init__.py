"""Forms: the unit edit form and the steps of the guided restructuring form."""
