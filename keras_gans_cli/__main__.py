"""`python -m keras_gans_cli` is the `keras-gans` command."""

import sys

from keras_gans_cli import main

sys.exit(main())
