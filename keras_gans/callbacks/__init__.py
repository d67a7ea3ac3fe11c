"""Keras callbacks for GAN training: sample grids, checkpoints, run directories, EMA,
non-finite guards and in-training metrics.

Each works in any Keras script that trains a `keras_gans.GANModel` with `fit`.
"""

from keras_gans.callbacks.checkpoint import GANCheckpoint, atomic_save, atomic_write_text
from keras_gans.callbacks.ema import EMAGenerator
from keras_gans.callbacks.loss_plot import LossPlot
from keras_gans.callbacks.metrics import GANMetricsCallback
from keras_gans.callbacks.metrics_csv import MetricsCSV
from keras_gans.callbacks.nan_guard import NaNGuard
from keras_gans.callbacks.progress import TimeRemaining
from keras_gans.callbacks.resume import data_position, resumable_fit
from keras_gans.callbacks.run_directory import RunDirectory
from keras_gans.callbacks.run_lock import RunLock, RunLockedError
from keras_gans.callbacks.sample_grid import SampleGrid
from keras_gans.callbacks.signals import StopSignals
from keras_gans.callbacks.translation_grid import TranslationGrid

__all__ = [
    "EMAGenerator",
    "GANCheckpoint",
    "GANMetricsCallback",
    "LossPlot",
    "MetricsCSV",
    "NaNGuard",
    "RunDirectory",
    "RunLock",
    "RunLockedError",
    "SampleGrid",
    "StopSignals",
    "TimeRemaining",
    "TranslationGrid",
    "atomic_save",
    "atomic_write_text",
    "data_position",
    "resumable_fit",
]
