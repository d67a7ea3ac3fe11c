"""keras-gans-examples: example keras-gans plugins, registered only through entry points.

`import keras_gans` never imports this package; `keras_gans.architectures.get(
"residual-mlp", ...)` imports `keras_gans_examples.residual_mlp` when asked for it.
"""

__all__ = []
