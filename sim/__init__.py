"""release-sim: compare release strategies for generative models with an agent-based model."""
