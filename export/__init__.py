"""Export of trained generators (SavedModel, ONNX, TFLite).

Installed as `keras_gans.export`. The exporters are not written yet: they are tracked as
their own issue and will build on `GANModel`'s public API.
"""
