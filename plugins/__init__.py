"""First-party plugins, registered only through entry points (see `pyproject.toml`).

Installed as `keras_gans.plugins`; nothing here is imported by `import keras_gans`.
"""
