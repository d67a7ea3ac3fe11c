"""An example third-party keras-gans plugin: one loss, one architecture and one exporter.

Nothing here is imported by `import keras_gans`: keras-gans finds the classes through the
entry points declared in this distribution's `pyproject.toml` and imports a module only when
its plugin is asked for by name.
"""
