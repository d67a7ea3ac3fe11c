"""The FID Inception network (the 2015 TensorFlow Inception graph) as a Keras model.

The layout is InceptionV3's (Szegedy et al. 2016): a stem of seven convolutions and two
max pools, three A blocks (35x35), a grid reduction B, four C blocks with factorised 7x7
convolutions (17x17), a grid reduction D and two E blocks (8x8), then a global average pool
giving the 2048-d `pool_3` features of Heusel et al. 2017. Every convolution is a
"BasicConv2d": a convolution without bias, batch normalisation (epsilon 0.001) and a ReLU.

Three details make it the graph the reference FID code used rather than the usual
InceptionV3:

- the average pools inside the A, C and first E blocks divide by the number of pixels
  inside the image (TensorFlow's SAME average pooling; `count_include_pad=False` in
  PyTorch), which is what Keras' `AveragePooling2D(padding="same")` does;
- the pool branch of the last E block is a 3x3 MAX pool, not an average pool;
- the classifier (not used for features) has 1008 outputs.

Layers are named after the PyTorch `state_dict` keys of pytorch-fid's port
(`Mixed_5b.branch1x1.conv`, `Mixed_5b.branch1x1.bn`, ...), so weights are loaded by name.

Reference:
    Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016;
    Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
    Equilibrium", NeurIPS 2017.
"""

from __future__ import annotations

__all__ = ["FEATURE_DIM", "INPUT_SIZE", "MIN_INPUT_SIZE", "build_fid_inception", "conv_specs"]

#: The network's input side and its output size.
INPUT_SIZE = 299
FEATURE_DIM = 2048
#: The smallest side the stride-2 stages accept (used by the tests for a faster network).
MIN_INPUT_SIZE = 75
BN_EPSILON = 0.001


def _stem():
    """`(name, in, out, kernel, stride, padding)` of the stem; "pool" marks a 3x3/2 max pool."""
    return [
        ("Conv2d_1a_3x3", 3, 32, (3, 3), 2, "valid"),
        ("Conv2d_2a_3x3", 32, 32, (3, 3), 1, "valid"),
        ("Conv2d_2b_3x3", 32, 64, (3, 3), 1, "same"),
        "pool",
        ("Conv2d_3b_1x1", 64, 80, (1, 1), 1, "valid"),
        ("Conv2d_4a_3x3", 80, 192, (3, 3), 1, "valid"),
        "pool",
    ]


#: The mixed blocks in order: (name, kind, input channels, kind-specific width).
_BLOCKS = [
    ("Mixed_5b", "A", 192, 32),  # A: the width of the pool branch
    ("Mixed_5c", "A", 256, 64),
    ("Mixed_5d", "A", 288, 64),
    ("Mixed_6a", "B", 288, None),
    ("Mixed_6b", "C", 768, 128),  # C: the width inside the factorised 7x7 branches
    ("Mixed_6c", "C", 768, 160),
    ("Mixed_6d", "C", 768, 160),
    ("Mixed_6e", "C", 768, 192),
    ("Mixed_7a", "D", 768, None),
    ("Mixed_7b", "E", 1280, "avg"),  # E: the pool of the pool branch
    ("Mixed_7c", "E", 2048, "max"),
]


def _branches(kind, c_in, width):
    """The block's branches: lists of convolutions `(name, in, out, kernel, stride,
    padding)`, or `("avg" | "max", stride)` for a 3x3 pool."""
    if kind == "A":
        return [
            [("branch1x1", c_in, 64, (1, 1), 1, "valid")],
            [
                ("branch5x5_1", c_in, 48, (1, 1), 1, "valid"),
                ("branch5x5_2", 48, 64, (5, 5), 1, "same"),
            ],
            _double_3x3(c_in),
            [("avg", 1), ("branch_pool", c_in, width, (1, 1), 1, "valid")],
        ]
    if kind == "B":
        return [
            [("branch3x3", c_in, 384, (3, 3), 2, "valid")],
            _double_3x3(c_in, last_stride=2),
            [("max", 2)],
        ]
    if kind == "C":
        c7 = width
        return [
            [("branch1x1", c_in, 192, (1, 1), 1, "valid")],
            [
                ("branch7x7_1", c_in, c7, (1, 1), 1, "valid"),
                ("branch7x7_2", c7, c7, (1, 7), 1, "same"),
                ("branch7x7_3", c7, 192, (7, 1), 1, "same"),
            ],
            [
                ("branch7x7dbl_1", c_in, c7, (1, 1), 1, "valid"),
                ("branch7x7dbl_2", c7, c7, (7, 1), 1, "same"),
                ("branch7x7dbl_3", c7, c7, (1, 7), 1, "same"),
                ("branch7x7dbl_4", c7, c7, (7, 1), 1, "same"),
                ("branch7x7dbl_5", c7, 192, (1, 7), 1, "same"),
            ],
            [("avg", 1), ("branch_pool", c_in, 192, (1, 1), 1, "valid")],
        ]
    if kind == "D":
        return [
            [
                ("branch3x3_1", c_in, 192, (1, 1), 1, "valid"),
                ("branch3x3_2", 192, 320, (3, 3), 2, "valid"),
            ],
            [
                ("branch7x7x3_1", c_in, 192, (1, 1), 1, "valid"),
                ("branch7x7x3_2", 192, 192, (1, 7), 1, "same"),
                ("branch7x7x3_3", 192, 192, (7, 1), 1, "same"),
                ("branch7x7x3_4", 192, 192, (3, 3), 2, "valid"),
            ],
            [("max", 2)],
        ]
    # E: the 3x3 branches end in a pair (1x3 and 3x1) applied side by side.
    return [
        [("branch1x1", c_in, 320, (1, 1), 1, "valid")],
        [
            ("branch3x3_1", c_in, 384, (1, 1), 1, "valid"),
            (
                "split",
                ("branch3x3_2a", 384, 384, (1, 3), 1, "same"),
                ("branch3x3_2b", 384, 384, (3, 1), 1, "same"),
            ),
        ],
        [
            ("branch3x3dbl_1", c_in, 448, (1, 1), 1, "valid"),
            ("branch3x3dbl_2", 448, 384, (3, 3), 1, "same"),
            (
                "split",
                ("branch3x3dbl_3a", 384, 384, (1, 3), 1, "same"),
                ("branch3x3dbl_3b", 384, 384, (3, 1), 1, "same"),
            ),
        ],
        [(width, 1), ("branch_pool", c_in, 192, (1, 1), 1, "valid")],
    ]


def _double_3x3(c_in, last_stride=1):
    return [
        ("branch3x3dbl_1", c_in, 64, (1, 1), 1, "valid"),
        ("branch3x3dbl_2", 64, 96, (3, 3), 1, "same"),
        ("branch3x3dbl_3", 96, 96, (3, 3), last_stride, "valid" if last_stride == 2 else "same"),
    ]


def _is_conv(step):
    return len(step) == 6


def conv_specs():
    """Every BasicConv2d of the network, in order, as `(prefix, in, out, kernel)`.

    `prefix` is the PyTorch `state_dict` prefix (`"Mixed_6b.branch7x7_2"`), `kernel` the
    `(height, width)` of the convolution.

    Returns:
        A list of 94 tuples.

    Example:
    >>> specs = conv_specs()
    >>> len(specs), specs[0]
    (94, ('Conv2d_1a_3x3', 3, 32, (3, 3)))
    """
    specs = [(s[0], s[1], s[2], s[3]) for s in _stem() if s != "pool"]
    for block, kind, c_in, width in _BLOCKS:
        for branch in _branches(kind, c_in, width):
            for step in branch:
                parts = step[1:] if step[0] == "split" else [step]
                for part in parts:
                    if _is_conv(part):
                        specs.append((f"{block}.{part[0]}", part[1], part[2], part[3]))
    return specs


def _basic_conv(x, prefix, spec):
    from keras import layers

    _, _, out, kernel, stride, padding = spec
    x = layers.Conv2D(
        out, kernel, strides=stride, padding=padding, use_bias=False, name=f"{prefix}.conv"
    )(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{prefix}.bn")(x)
    return layers.ReLU(name=f"{prefix}.relu")(x)


def _pool(x, kind, stride, name):
    from keras import layers

    # Stride 1: padded by one pixel, SAME (the average ignores the padding); stride 2: VALID.
    padding = "same" if stride == 1 else "valid"
    pool = layers.AveragePooling2D if kind == "avg" else layers.MaxPooling2D
    return pool(3, strides=stride, padding=padding, name=name)(x)


def _block(x, block, kind, c_in, width):
    from keras import layers

    outputs = []
    for index, branch in enumerate(_branches(kind, c_in, width)):
        y = x
        for step in branch:
            if step[0] == "split":
                y = layers.Concatenate(name=f"{block}.{step[1][0]}_concat")(
                    [_basic_conv(y, f"{block}.{part[0]}", part) for part in step[1:]]
                )
            elif _is_conv(step):
                y = _basic_conv(y, f"{block}.{step[0]}", step)
            else:
                y = _pool(y, step[0], step[1], f"{block}.pool{index}")
        outputs.append(y)
    return layers.Concatenate(name=f"{block}.concat")(outputs)


def build_fid_inception(input_size=INPUT_SIZE):
    """Builds the FID Inception network with random weights: images to 2048-d features.

    The input is the network's own range, [-1, 1] (pytorch-fid maps [0, 1] to it), already
    resized; `keras_gans.metrics.fid_inception.inception_v3_fid` adds the resizing and loads
    the weights.

    Args:
        input_size: The input side (default 299, the network's; at least 75).

    Returns:
        A `keras.Model` named `"inception_v3_fid"` from `(n, input_size, input_size, 3)` to
        `(n, 2048)`.

    Raises:
        ValueError: `input_size` below 75.

    Example:
    >>> try:
    ...     build_fid_inception(input_size=32)
    ... except ValueError as error:
    ...     print(str(error)[:47])
    `input_size` must be an integer of at least 75.

    Reference:
        Szegedy et al. 2016 (the architecture); Heusel et al. 2017 (its FID use).
    """
    if isinstance(input_size, bool) or not isinstance(input_size, int) or input_size < 75:
        raise ValueError(
            f"`input_size` must be an integer of at least {MIN_INPUT_SIZE}. "
            f"Received: input_size={input_size!r}"
        )
    import keras
    from keras import layers

    inputs = keras.Input((input_size, input_size, 3), name="images")
    x = inputs
    for index, step in enumerate(_stem()):
        if step == "pool":
            x = _pool(x, "max", 2, f"maxpool{index}")
        else:
            x = _basic_conv(x, step[0], step)
    for block, kind, c_in, width in _BLOCKS:
        x = _block(x, block, kind, c_in, width)
    outputs = layers.GlobalAveragePooling2D(name="pool_3")(x)
    return keras.Model(inputs, outputs, name="inception_v3_fid")
