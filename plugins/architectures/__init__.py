"""First-party architecture plugins: mlp, dcgan, autoencoder, acgan, infogan and gan-cls."""
