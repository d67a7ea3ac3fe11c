"""An exporter plugin: the generator on its own, as a `.keras` file."""

import keras

from keras_gans.export import Exporter


class KerasFileExporter(Exporter):
    """The generator alone as a `.keras` file, for Keras programs that need no GAN code.

    Registered as `keras-file` in the `keras_gans.exporters` entry-point group, so
    `keras_gans.export.export(gan, "generator.keras", format="keras-file")` and
    `keras-gans export RUN --format keras-file` use it. The file holds the network as it
    is, so post-processing (`output="uint8"`) and lifted noise inputs are refused.
    """

    format = "keras-file"
    suffix = ".keras"
    packages = ("keras",)

    def check(self, serving):
        if serving.output_mode != "float32" or serving.noise_inputs:
            raise ValueError(
                "The keras-file exporter saves the generator as it is: it cannot bake in "
                "output='uint8' or lift noise inputs."
            )

    def write(self, serving, path):
        if not str(path).endswith(".keras"):
            raise ValueError(f"`path` must end in .keras. Received: path={str(path)!r}")
        keras.saving.save_model(serving.generator, path)
        return {"keras_version": keras.__version__}

    def load(self, path, serving=None):
        model = keras.saving.load_model(path)
        output = serving.output.name if serving is not None else "output"

        def run(batch):
            inputs = list(batch.values())
            outputs = model(inputs if len(inputs) > 1 else inputs[0], training=False)
            return {output: keras.ops.convert_to_numpy(outputs)}

        return run

    def runtime(self):
        return f"keras {keras.__version__} (keras.saving.load_model)"

    def tolerance(self):
        return 1e-6
