"""The Structural Value Alignment lab: environments, policies, training and measurement."""
