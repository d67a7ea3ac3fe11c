"""First-party architecture plugins: `mlp` and `dcgan`."""
