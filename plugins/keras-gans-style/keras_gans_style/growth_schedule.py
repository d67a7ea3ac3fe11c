"""`GrowthSchedule`: when ProGAN adds each resolution, by the number of real images shown."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.steps import Piece
from keras_gans_style._equalized import positive_int
from keras_gans_style.restartable_adam import restartable

__all__ = ["GrowthSchedule"]

#: The side of the first (coarsest) resolution.
BASE_RESOLUTION = 4


def _non_negative_int(value, argument):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"`{argument}` must be a non-negative int. Received: {argument}={value!r}")
    return value


def _pool(x, factor):
    return x if factor == 1 else ops.average_pool(x, factor, strides=factor, padding="valid")


def _upsample(x, factor):
    return x if factor == 1 else ops.repeat(ops.repeat(x, factor, axis=1), factor, axis=2)


@keras.saving.register_keras_serializable(package="keras_gans_style")
class GrowthSchedule(Piece):
    """ProGAN's schedule of resolutions and fade-in weights, by real images shown.

    Training starts at 4x4, stable for `stable_images` real images; then each next
    resolution fades in over `fade_images` images (its `alpha` rising linearly from 0 to
    1) and stabilises for `stable_images`, until the last one, which then trains for
    ever. The state is one number, the *level*: 0 is 4x4, `k` is `4 * 2**k` fully faded
    in, `k - 1 + alpha` is level `k` fading in with weight `alpha`. It is a pure
    function of the images shown, so a resumed run continues exactly where it stopped.
    This is the `lod` schedule of the paper's official code (`lod = num_levels - 1 -
    level`) with `lod_training_kimg = stable_images / 1000` and `lod_transition_kimg =
    fade_images / 1000`.

    It is a piece of the step protocol, brought by `ProGAN.default_tricks()` and saved
    with the model's config: `ProGANModel` reads it to set its stage before each step,
    and it logs `progan/resolution` (the resolution being trained, the new one during a
    fade-in) and `progan/alpha` (its fade-in weight, 1 once stable) after each generator
    update. `compile(tricks=[GrowthSchedule(...)])` replaces the architecture's.

    With `reset_optimizers=True` the model restarts both optimizers' state whenever the
    stage changes, as the official code's `reset_opt_for_new_lod` does: when a fade-in
    starts and when it ends (the level's floor or ceiling moves). Both optimizers must
    then be `RestartableAdam`s (`ProGAN(reset_optimizers=True).default_optimizers()`
    builds them), so that Adam's bias correction restarts with its moments.

    Formula:
        with `P = stable_images + fade_images`, `i = floor(n / P)`, `r = n - i * P`:
        `level(n) = min(i + max(r - stable_images, 0) / fade_images, num_levels - 1)`
        (`i` alone when `fade_images = 0`); fade layer `k` (1 <= k < num_levels) has
        `alpha_k = clip(level - k + 1, 0, 1)`.

    Args:
        num_levels: The number of resolutions, 4x4 up to the image size (default 2:
            4x4 and 8x8; `log2(size) - 1`).
        fade_images: Real images shown while a new resolution fades in (default 3,000;
            the paper's 600,000 scaled to the 1,797 bundled digits: about 1.7 passes).
        stable_images: Real images shown while a resolution stabilises (default 3,000;
            the paper: 600,000).
        reset_optimizers: Restart the optimizers at each change of stage (default
            `False`; the official code: `True`).
        name: The piece's name (default `"growth"`).

    Example:
    >>> schedule = GrowthSchedule(num_levels=3, fade_images=100, stable_images=200)
    >>> [round(float(schedule.level(n)), 2) for n in (0, 199, 250, 300, 525, 900)]
    [0.0, 0.0, 0.5, 1.0, 1.25, 2.0]
    >>> schedule.describe(250)
    {'level': 0.5, 'resolution': 8, 'alpha': 0.5}

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018, section 3 and appendix A.1.
    """

    roles = ()
    reports = ("progan/resolution", "progan/alpha")

    def __init__(
        self,
        num_levels=2,
        fade_images=3000,
        stable_images=3000,
        reset_optimizers=False,
        name="growth",
    ):
        super().__init__(name=name)
        if not isinstance(reset_optimizers, bool):
            raise ValueError(
                "`reset_optimizers` must be a bool. "
                f"Received: reset_optimizers={reset_optimizers!r}"
            )
        self.reset_optimizers = reset_optimizers
        self.num_levels = positive_int(num_levels, "num_levels")
        self.fade_images = _non_negative_int(fade_images, "fade_images")
        self.stable_images = _non_negative_int(stable_images, "stable_images")
        if self.fade_images + self.stable_images == 0:
            raise ValueError(
                "`fade_images` and `stable_images` cannot both be 0 (the resolution would "
                "never change). Received: fade_images=0, stable_images=0"
            )

    @property
    def resolutions(self):
        """The sides of every level, e.g. `(4, 8, 16, 32)`."""
        return tuple(BASE_RESOLUTION * 2**k for k in range(self.num_levels))

    @property
    def growth_images(self):
        """Real images shown until the last resolution is fully faded in."""
        return (self.num_levels - 1) * (self.stable_images + self.fade_images)

    def level(self, images_seen):
        """The level after `images_seen` real images (a float32 scalar tensor)."""
        n = ops.cast(images_seen, "float64")
        period = float(self.stable_images + self.fade_images)
        phase = ops.floor(n / period)
        level = phase
        if self.fade_images:
            rest = n - phase * period
            level = phase + ops.maximum(rest - self.stable_images, 0.0) / self.fade_images
        return ops.cast(ops.minimum(level, float(self.num_levels - 1)), "float32")

    @staticmethod
    def alpha(level, k):
        """The fade-in weight of level `k` (`k >= 1`) when the schedule is at `level`."""
        return ops.clip(ops.cast(level, "float32") - (k - 1), 0.0, 1.0)

    def alphas(self, level):
        """The fade-in weights of levels 1 to `num_levels - 1`, a list of scalars."""
        return [self.alpha(level, k) for k in range(1, self.num_levels)]

    @staticmethod
    def stage(level):
        """`(resolution, alpha)` at `level`, as tensors: the resolution being trained (the
        new one during a fade-in) and its fade-in weight (1 once it is stable)."""
        level = ops.cast(level, "float32")
        top = ops.ceil(level)
        alpha = ops.where(ops.equal(top, level), 1.0, level - ops.floor(level))
        return BASE_RESOLUTION * ops.power(2.0, top), alpha

    @staticmethod
    def stage_changed(old_level, new_level):
        """Whether a fade-in starts or ends between two levels (a boolean tensor): their
        floors or their ceilings differ, the official code's test for a new `lod`."""
        old, new = (ops.cast(v, "float32") for v in (old_level, new_level))
        return ops.logical_or(
            ops.not_equal(ops.floor(old), ops.floor(new)),
            ops.not_equal(ops.ceil(old), ops.ceil(new)),
        )

    def describe(self, images_seen):
        """The level, the resolution being trained and its fade-in weight, as numbers."""
        level = float(ops.convert_to_numpy(self.level(images_seen)))
        resolution, alpha = (float(ops.convert_to_numpy(v)) for v in self.stage(level))
        return {"level": level, "resolution": int(resolution), "alpha": alpha}

    def reals(self, x, alphas):
        """Real images as the discriminator sees them at the current stage.

        As in the official code: the images are box-downscaled (average-pooled) to the
        resolution being trained, blended during its fade-in with their 2x coarser
        version (`(1 - alpha) * upsample(avgpool(x_k)) + alpha * x_k`, so that the reals
        fade in exactly as the generator's output does), then nearest-upsampled back to
        the full size. `alphas = [1, ..., 1]` returns `x` unchanged.

        Args:
            x: Full-size images, `(batch, size, size, channels)` with `size` the last
                level's side.
            alphas: The fade weights of levels 1 to `num_levels - 1` (`alphas(level)`).

        Returns:
            A tensor shaped like `x`.
        """
        levels = self.num_levels - 1
        x = ops.convert_to_tensor(x)
        image = _pool(x, 2**levels)
        for k in range(1, self.num_levels):
            image = _upsample(image, 2)
            current = _pool(x, 2 ** (levels - k))
            alpha = ops.cast(alphas[k - 1], x.dtype)
            image = (1.0 - alpha) * image + alpha * current
        return image

    # ----------------------------------------------------------------- the piece
    def build(self, model):
        """Checks that `model` (a `ProGANModel`) has `num_levels` levels and, with
        `reset_optimizers`, optimizers that restart."""
        levels = getattr(model, "num_levels", None)
        if levels != self.num_levels:
            raise ValueError(
                f"This GrowthSchedule has num_levels={self.num_levels}, but the model's "
                f"networks have {levels} levels (4x4 to the image size): use "
                f"GrowthSchedule(num_levels={levels}, ...)."
            )
        if self.reset_optimizers:
            for argument in ("d_optimizer", "g_optimizer"):
                optimizer = getattr(model, argument)
                if restartable(optimizer) is None:
                    raise ValueError(
                        f"GrowthSchedule(reset_optimizers=True) restarts the optimizers at "
                        f"each stage: `{argument}` must be a RestartableAdam "
                        "(keras_gans_style.restartable_adam; `ProGAN(reset_optimizers=True)"
                        ".default_optimizers()` builds them). "
                        f"Received: {type(optimizer).__name__}"
                    )
        self.model = model

    def restart_optimizers(self, model, old_level, new_level):
        """Restarts `model`'s optimizers if the stage changed (in the traced step)."""
        if not self.reset_optimizers:
            return

        def restart():
            for optimizer in (model.d_optimizer, model.g_optimizer):
                restartable(optimizer).restart()
            return ops.ones((), "int32")

        ops.cond(self.stage_changed(old_level, new_level), restart, lambda: ops.zeros((), "int32"))

    def update(self, player, ctx):
        if player.role != "generator":
            return None
        resolution, alpha = self.stage(self.model.growth_state.level)
        return {"progan/resolution": resolution, "progan/alpha": alpha}

    def get_config(self):
        return {
            "num_levels": self.num_levels,
            "fade_images": self.fade_images,
            "stable_images": self.stable_images,
            "reset_optimizers": self.reset_optimizers,
            "name": self.name,
        }
