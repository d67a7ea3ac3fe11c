"""StackGAN's training schedule: Stage-I for `stage_one_steps` updates, then Stage-II."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.architectures._checks import non_negative_int
from keras_gans.steps import Piece

__all__ = ["StackGANSchedule"]


@keras.saving.register_keras_serializable(package="keras_gans_style")
class StackGANSchedule(Piece):
    """When a `StackGANModel` switches from training Stage-I to training Stage-II.

    The paper trains Stage-I first, then Stage-II with Stage-I fixed. A `StackGANModel`
    trains Stage-I (its discriminator and generator, with `d_optimizer` and
    `g_optimizer`) until `g_optimizer` has made `stage_one_steps` updates, then Stage-II
    (with their own optimizers); the stage follows from the saved optimizer step count, so
    it survives saving and resuming. This piece carries `stage_one_steps` from the
    architecture (`--arch-arg stage_one_steps=N`) to the model and logs the stage being
    trained as `stage` (1 or 2).

    Args:
        stage_one_steps: Generator updates of Stage-I before Stage-II starts (default 1000;
            0: Stage-II from the start, with the untrained Stage-I fixed).
        name: The piece's name (default `"stackgan_schedule"`).

    Example:
    >>> StackGANSchedule(500).metric_names
    ('stage',)

    Reference:
        Zhang et al., "StackGAN: Text to Photo-realistic Image Synthesis with Stacked
        Generative Adversarial Networks", ICCV 2017, section 4 ("Implementation details").
    """

    roles = ()
    reports = ("stage",)

    def __init__(self, stage_one_steps=1000, name="stackgan_schedule"):
        super().__init__(name=name)
        self.stage_one_steps = non_negative_int(stage_one_steps, "stage_one_steps")
        self.model = None

    def build(self, model):
        self.model = model

    def update(self, player, ctx):
        if player.role != "generator" or self.model is None:
            return None
        return {"stage": ops.convert_to_tensor(float(self.model.active_stage))}

    def get_config(self):
        return {**super().get_config(), "stage_one_steps": self.stage_one_steps}
